"""Alembic environment for toolproxy.

The database URL comes from, in order:
1. ``config.attributes["url"]`` (set by ``storage.db`` when migrating from code);
2. ``-x db=URL`` on the alembic command line;
3. ``-x config=PATH``: the ``storage.url`` key of a toolproxy YAML config file (read with plain
   yaml so that migrating never imports the proxy; ``os.environ/NAME`` values are resolved);
4. the default, ``sqlite:///toolproxy.db``.
"""

from __future__ import annotations

import os
from logging.config import fileConfig
from pathlib import Path

import yaml
from alembic import context

from storage.db import DEFAULT_URL, make_engine, normalize_url
from storage.models import Base

config = context.config
target_metadata = Base.metadata


def _url_from_config_file(path: str) -> str:
    data = yaml.safe_load(Path(path).read_text())
    storage = data.get("storage") if isinstance(data, dict) else None
    url = storage.get("url") if isinstance(storage, dict) else None
    if isinstance(url, str) and url.startswith("os.environ/"):  # LiteLLM's secret convention
        url = os.environ.get(url[len("os.environ/") :])
    return str(url) if url else DEFAULT_URL


def database_url() -> str:
    url = config.attributes.get("url")
    if url:
        return normalize_url(str(url))
    x_args = context.get_x_argument(as_dictionary=True)
    if x_args.get("db"):
        return normalize_url(x_args["db"])
    if x_args.get("config"):
        return normalize_url(_url_from_config_file(x_args["config"]))
    return DEFAULT_URL


def run_migrations_offline() -> None:
    url = database_url()
    context.configure(
        url=url,
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        render_as_batch=url.startswith("sqlite"),
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    url = database_url()
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            context.configure(
                connection=connection,
                target_metadata=target_metadata,
                render_as_batch=connection.dialect.name == "sqlite",
            )
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


if config.config_file_name is not None and not config.attributes.get("url"):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
