"""Alembic migrations for toolproxy's tables (``env.py`` and ``versions/``); see ``storage.db``."""
