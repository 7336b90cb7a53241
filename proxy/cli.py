"""The ``toolproxy`` command: the composition root (serve, db, traces, train, eval).

Heavy imports (torch, sentence-transformers, litellm) happen inside the commands that need them.
Errors are one line on stderr and a non-zero exit.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from proxy.config import Config, load_config
from proxy.errors import ConfigError

CONFIG_ENV = "TOOLPROXY_CONFIG"


def _config(path: str | None) -> Config:
    try:
        return load_config(path)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None


def _db_url(cfg: Config, db: str | None) -> str:
    return db or cfg.storage.url


MIGRATION_LOCK_KEY = 0x746F6F6C70  # "toolp": one PostgreSQL advisory lock for toolproxy migrations


@contextlib.contextmanager
def migration_lock(url: str) -> Iterator[None]:
    """Serialise migrations of one PostgreSQL database: replicas starting at once would race on
    ``CREATE TABLE`` (all but one failing); the first migrates, the others wait and find it done."""
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    if make_url(url).get_backend_name() != "postgresql":
        yield
        return
    from storage.db import make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
            conn.commit()
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK_KEY})
                conn.commit()
    finally:
        engine.dispose()


def prepare_database(cfg: Config) -> None:
    """Migrate on start (``storage.migrate_on_start``) or refuse a stale schema with a clear message."""
    from storage import db

    try:
        if cfg.storage.migrate_on_start:
            with migration_lock(cfg.storage.url):
                db.upgrade(cfg.storage.url)
        elif not db.is_up_to_date(cfg.storage.url):
            raise click.ClickException(
                f"database schema at {_safe(cfg.storage.url)} is not at the latest revision; "
                "run `toolproxy db upgrade --config ...` or set storage.migrate_on_start: true")
    except click.ClickException:
        raise
    except Exception as exc:
        raise click.ClickException(f"database {_safe(cfg.storage.url)}: {type(exc).__name__}: {exc}") from None


def _safe(url: str) -> str:
    """A URL without its password, for messages."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "<database url>"


def app_factory() -> Any:
    """Used by uvicorn workers (``--workers N``): config path from $TOOLPROXY_CONFIG."""
    from proxy.app import create_app
    from proxy.logs import setup_logging

    setup_logging()
    return create_app(_config(os.environ.get(CONFIG_ENV)))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="toolproxy")
def main() -> None:
    """toolproxy: a local tool router in front of any OpenAI-compatible LLM."""


@main.command()
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help="YAML config (default: built-in).")
@click.option("--host", default=None, help="Override server.host.")
@click.option("--port", type=int, default=None, help="Override server.port.")
@click.option("--workers", type=int, default=1, show_default=True, help="Worker processes (share one database).")
@click.option("--log-level", default="info", show_default=True)
def serve(config_path: str | None, host: str | None, port: int | None, workers: int, log_level: str) -> None:
    """Run the proxy."""
    import uvicorn

    cfg = _config(config_path)
    prepare_database(cfg)
    host = host or cfg.server.host
    port = port if port is not None else cfg.server.port
    common: dict[str, Any] = {"host": host, "port": port, "log_level": log_level, "access_log": False,
                              "timeout_graceful_shutdown": 30, "lifespan": "on"}
    click.echo(f"toolproxy listening on http://{host}:{port}/v1 (storage {_safe(cfg.storage.url)}, "
               f"mode {cfg.router.mode})", err=True)
    if workers > 1:
        if config_path:
            os.environ[CONFIG_ENV] = str(Path(config_path).resolve())
        uvicorn.run("proxy.cli:app_factory", factory=True, workers=workers, **common)
        return
    from proxy.app import create_app
    from proxy.logs import setup_logging

    setup_logging(log_level)
    uvicorn.run(create_app(cfg), **common)


@main.group()
def db() -> None:
    """Database schema (Alembic migrations)."""


@db.command("upgrade")
@click.option("--config", "config_path", type=click.Path(dir_okay=False))
@click.option("--db", "db_url", default=None, help="Database URL (overrides storage.url).")
@click.option("--revision", default="head", show_default=True)
def db_upgrade(config_path: str | None, db_url: str | None, revision: str) -> None:
    """Migrate the database to the latest schema."""
    from storage import db as storage_db

    url = _db_url(_config(config_path), db_url)
    try:
        with migration_lock(url):
            storage_db.upgrade(url, revision)
        click.echo(f"{_safe(url)}: at revision {storage_db.current_revision(url)}")
    except Exception as exc:
        raise click.ClickException(f"upgrade failed: {type(exc).__name__}: {exc}") from None


@db.command("downgrade")
@click.option("--config", "config_path", type=click.Path(dir_okay=False))
@click.option("--db", "db_url", default=None)
@click.option("--revision", required=True, help="Target revision ('base' drops everything).")
def db_downgrade(config_path: str | None, db_url: str | None, revision: str) -> None:
    """Migrate the database down to REVISION."""
    from storage import db as storage_db

    url = _db_url(_config(config_path), db_url)
    storage_db.downgrade(url, revision)
    click.echo(f"{_safe(url)}: at revision {storage_db.current_revision(url)}")


@db.command("prune")
@click.option("--config", "config_path", type=click.Path(dir_okay=False))
@click.option("--days", type=float, default=None, help="Delete exchanges older than this (default: retention_days).")
def db_prune(config_path: str | None, days: float | None) -> None:
    """Apply retention: delete old exchanges and their steps."""
    from storage.db import make_engine
    from storage.queries import delete_older_than

    cfg = _config(config_path)
    days = days or cfg.storage.retention_days
    if not days:
        raise click.ClickException("no retention set: pass --days or set storage.retention_days")
    n = delete_older_than(make_engine(cfg.storage.url), days)
    click.echo(f"deleted {n} exchanges older than {days} days")


@main.command()
@click.option("--config", "config_path", type=click.Path(dir_okay=False))
@click.option("--db", "db_url", default=None)
@click.option("--limit", type=click.IntRange(1, 100_000), default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
def traces(config_path: str | None, db_url: str | None, limit: int, as_json: bool) -> None:
    """Show recent exchanges."""
    from storage.db import make_engine
    from storage.queries import recent_exchanges

    url = _db_url(_config(config_path), db_url)
    try:
        rows = recent_exchanges(make_engine(url), limit)
    except Exception as exc:
        raise click.ClickException(f"cannot read traces from {_safe(url)}: {type(exc).__name__}: {exc}") from None
    if as_json:
        for row in rows:
            click.echo(json.dumps(row, default=str))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"last {len(rows)} exchanges")
    for col in ("time", "model", "route", "conf", "status", "tokens in/out", "saved", "ms", "trace id"):
        table.add_column(col)
    for r in rows:
        conf = r.get("confidence")
        table.add_row(str(r.get("created_at", ""))[:19], str(r.get("model") or ""), str(r.get("route") or ""),
                      f"{conf:.2f}" if conf is not None else "", str(r.get("status_code") or ""),
                      f"{r.get('prompt_tokens') or 0}/{r.get('completion_tokens') or 0}",
                      str(r.get("tokens_saved") or ""),
                      f"{r['latency_ms']:.0f}" if r.get("latency_ms") is not None else "", str(r.get("id")))
    Console().print(table)


@main.command()
@click.option("--config", "config_path", type=click.Path(dir_okay=False))
@click.option("--data", "data_files", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="JSONL rows (query rows or chat rows, as for eval). Repeatable.")
@click.option("--tools", "tools_file", type=click.Path(exists=True, dir_okay=False),
              help="Catalogue for query rows: {name: description} JSON or tools.jsonl.")
@click.option("--corpus", "corpora", multiple=True,
              help="A corpus folder in the shared data layout (tools.jsonl + examples.jsonl). Repeatable.")
@click.option("--from-traces", is_flag=True, help="Add labelled exchanges from the database.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=None,
              help="Checkpoint directory (default: checkpoints/<version>).")
@click.option("--activate", is_flag=True, help="Mark it active in SQL: running servers (all replicas) load it.")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--epochs", type=int, default=40, show_default=True, help="Upper bound; early stopping decides.")
@click.option("--no-adapter", is_flag=True, help="Keep the encoder's geometry (train the head only).")
@click.option("--finetune-steps", type=click.IntRange(min=0), default=0, show_default=True,
              help="Also fine-tune the encoder (LoRA) for this many steps on the data (~2 s a step on 2 cores).")
@click.option("--encoder-lora", default="default", show_default=True,
              help="Start from the tuned encoder of this checkpoint, if it has one: 'default' (the shipped "
                   "checkpoint), a checkpoint directory, or 'none' (the untuned model).")
@click.option("--no-replay", is_flag=True,
              help="Train on your rows only, without the shipped replay rows that keep routing on other "
                   "catalogues (and NONE) working.")
@click.option("--no-classifier", is_flag=True,
              help="Route by the exemplar memory alone, without a catalogue classifier over your rows' words.")
@click.option("--memory-scope", type=click.Choice(["name", "description"]), default="name", show_default=True,
              help="Lend a trained tool's exemplars to any offered tool of that name, or only to one offered "
                   "with the description it was trained under (for a public catalogue others may reuse names of).")
def train(config_path: str | None, data_files: tuple[str, ...], tools_file: str | None, corpora: tuple[str, ...],
          from_traces: bool, out_dir: str | None, activate: bool, seed: int, epochs: int, no_adapter: bool,
          finetune_steps: int, encoder_lora: str, no_replay: bool, no_classifier: bool, memory_scope: str) -> None:
    """Train a router checkpoint from files, corpora and traces."""
    cfg = _config(config_path)
    traces: list[dict[str, Any]] = []
    engine = None
    if from_traces or activate or config_path:
        from storage.db import make_engine

        prepare_database(cfg)
        engine = make_engine(cfg.storage.url)
    if from_traces:
        from storage.queries import training_examples

        assert engine is not None
        traces = _with_managed_tools(training_examples(engine), cfg)
        click.echo(f"{len(traces)} labelled exchanges from {_safe(cfg.storage.url)}", err=True)
    if not (data_files or corpora or traces):
        raise click.ClickException("nothing to train on: give --data, --corpus or --from-traces (with labelled traces)")
    from router.checkpoint import new_version
    from router.train import USER_RECIPE, TrainConfig
    from router.train import train as run_train

    version = new_version()
    out = out_dir or str(Path("checkpoints") / version)
    tc = TrainConfig(out_dir=out, data_files=list(data_files), tools_file=tools_file, corpora=list(corpora),
                     traces=traces, encoder=cfg.router.encoder, seed=seed, epochs=epochs, adapter=not no_adapter,
                     target_precision=cfg.router.target_precision, version=version,
                     finetune_steps=finetune_steps, encoder_lora=encoder_lora,
                     classifier=not no_classifier, memory_scope=memory_scope,
                     **{**USER_RECIPE, "replay": not no_replay})
    try:
        result = run_train(tc)
    except (ValueError, FileNotFoundError) as exc:
        raise click.ClickException(f"training failed: {exc}") from None
    if engine is not None:
        from storage.queries import register_checkpoint

        register_checkpoint(engine, result.version, str(Path(result.path).resolve()), result.metrics,
                            {"sizes": result.sizes, "seconds": result.seconds}, activate=activate)
    click.echo(f"checkpoint {result.version} at {result.path} ({result.seconds:.0f}s)"
               + (" — active" if activate else ""), err=True)
    click.echo(json.dumps({"version": result.version, "path": result.path, "metrics": result.metrics}, default=str))


def _with_managed_tools(examples: list[dict[str, Any]], cfg: Config) -> list[dict[str, Any]]:
    """Traces store the tools the client sent; the config's managed tools were offered too."""
    managed: dict[str, dict[str, Any]] = {
        t.name: {"type": "function", "function": {"name": t.name, "description": t.description,
                                                  "parameters": t.parameters}} for t in cfg.tools if t.name}
    for ex in examples:
        names = {(t.get("function") or t).get("name") for t in ex.get("tools") or []}
        ex["tools"] = list(ex.get("tools") or []) + [d for n, d in managed.items() if n not in names]
    return examples


@main.command("eval")
@click.option("--data", "data_files", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="JSONL rows: query rows or chat rows. Repeatable.")
@click.option("--tools", "tools_file", type=click.Path(exists=True, dir_okay=False))
@click.option("--checkpoint", type=click.Path(exists=True, file_okay=False), default=None,
              help="Router checkpoint (default: config's, else the shipped default).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=None,
              help="Write metrics.json, predictions and PNG plots here.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False))
@click.option("--from-traces", is_flag=True, help="Compare the router with the upstream LLM on recorded traffic.")
def eval_(data_files: tuple[str, ...], tools_file: str | None, checkpoint: str | None, out_dir: str | None,
          config_path: str | None, from_traces: bool) -> None:
    """Evaluate the router; the metrics are also the last stdout line, as JSON."""
    cfg = _config(config_path)
    if from_traces:
        from router.evaluate import compare_with_llm
        from storage.db import make_engine
        from storage.queries import comparison_rows, path_costs

        engine = make_engine(cfg.storage.url)
        report = compare_with_llm(comparison_rows(engine))
        report["all_traffic"] = path_costs(engine)
        _print_comparison(report)
        click.echo(json.dumps(report, default=str))
        return
    if not data_files:
        raise click.ClickException("give --data FILE.jsonl (or --from-traces)")
    from router.evaluate import eval_command

    try:
        eval_command(list(data_files), tools_file, checkpoint or cfg.router.checkpoint, out_dir, cfg.router.encoder,
                     encoder_backend=cfg.router.encoder_backend)
    except (ValueError, KeyError) as exc:
        raise click.ClickException(f"eval failed: {exc}") from None


def _print_comparison(report: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    def fmt(v: Any) -> str:
        return f"{v:.3f}" if isinstance(v, float) else ("-" if v is None else str(v))

    t = Table(title="router vs upstream LLM (recorded traffic)")
    t.add_column("metric")
    t.add_column("value")
    for key in ("n", "n_compared", "agreement", "n_confident", "agreement_when_confident", "prompt_tokens_saved_mean"):
        t.add_row(key, fmt(report.get(key)))
    for path, stats in (report.get("paths") or {}).items():
        for k, v in stats.items():
            t.add_row(f"{path}.{k}", fmt(v))
    for d in report.get("disagreements") or []:
        t.add_row(f"router={d['router']} llm={d['llm']}", str(d["count"]))
    Console(stderr=True).print(t)


def run() -> None:
    try:
        main(standalone_mode=True)
    except KeyboardInterrupt:
        sys.exit(130)
