"""Trace storage: SQL tables people query, written off the request path, read by CLI and training.

- ``storage.records``: plain ``TraceRecord``/``StepRecord`` the proxy builds (the contract);
- ``storage.db``: URLs, engines, Alembic migrations driven from code;
- ``storage.models``: the tables (``exchanges``, ``steps``, ``checkpoints``, ``feedback``);
- ``storage.recorder``: the batched, retrying, spooling writer (``Recorder``);
- ``storage.rows`` / ``storage.spool``: records to redacted rows, idempotent inserts, the spool file;
- ``storage.queries``: the read side; ``storage.recipes``: SQL for people.

Nothing is imported here, so ``import storage.records`` stays cheap.
"""
