"""The read side: what the CLI, training and evaluation ask of the database.

Every function takes an ``Engine`` and returns plain dicts (timestamps are aware ``datetime``s).
Conventions these queries rely on (the proxy writes them):

- ``exchanges.route``: ``local:<tool>``, ``rule:<tool>``, ``client_tool:<tool>``, ``none``,
  ``rule:none`` (served without the upstream seeing tools), ``fallback`` / ``passthrough`` (the
  upstream saw the tools, ``llm_tool`` is its first tool call or NULL), ``error``;
- a ``decision`` / ``shadow_decision`` step's ``tool`` is the router's choice (NULL = no tool) and
  its ``status`` is ``confident`` or ``unsure``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, case, delete, func, insert, or_, select, update
from sqlalchemy.sql.elements import ColumnElement

from storage.models import Checkpoint, Exchange, Feedback, Step

NONE_LABELS = {None, "", "none", "NONE"}
LOCAL_PREFIXES = ("local:", "rule:", "client_tool:")
UPSTREAM_ROUTES = ("fallback", "passthrough")
DECISION_KINDS = ("decision", "shadow_decision")

_SUMMARY_COLUMNS = [c for c in Exchange.__table__.columns if c.name not in ("request", "response")]


def _none_if_none_label(tool: str | None) -> str | None:
    return None if tool in NONE_LABELS else tool


def _is_local_route(route: str | None) -> bool:
    return route == "none" or (route is not None and route.startswith(LOCAL_PREFIXES))


def _path_expr() -> ColumnElement[str]:
    """SQL: ``'local'`` for routes served without the upstream seeing tools, ``'llm'`` otherwise."""
    local = or_(
        Exchange.route == "none",
        *(Exchange.route.like(prefix + "%") for prefix in LOCAL_PREFIXES),
    )
    return case((local, "local"), (Exchange.route.in_(UPSTREAM_ROUTES), "llm"), else_="other")


# -- exchanges ------------------------------------------------------------------------------------


def recent_exchanges(engine: Engine, limit: int = 20, *, bodies: bool = False) -> list[dict[str, Any]]:
    """The newest ``limit`` exchanges, newest first (``request``/``response`` only with ``bodies``)."""
    columns = list(Exchange.__table__.columns) if bodies else _SUMMARY_COLUMNS
    stmt = select(*columns).order_by(Exchange.created_at.desc(), Exchange.id).limit(limit)
    with engine.connect() as conn:
        return [dict(row._mapping) for row in conn.execute(stmt)]


def get_exchange(engine: Engine, exchange_id: str) -> dict[str, Any] | None:
    """One exchange with its ``steps`` (in order) and ``feedback``, or ``None``."""
    with engine.connect() as conn:
        row = conn.execute(select(Exchange.__table__).where(Exchange.id == exchange_id)).first()
        if row is None:
            return None
        result = dict(row._mapping)
        steps = conn.execute(
            select(Step.__table__).where(Step.exchange_id == exchange_id).order_by(Step.seq, Step.id)
        )
        result["steps"] = [dict(step._mapping) for step in steps]
        feedback = conn.execute(
            select(Feedback.__table__).where(Feedback.exchange_id == exchange_id).order_by(Feedback.id)
        )
        result["feedback"] = [dict(item._mapping) for item in feedback]
    return result


def count_exchanges(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(Exchange)).scalar_one())


# -- training and evaluation ----------------------------------------------------------------------


def _latest_feedback(engine: Engine) -> dict[str, str | None]:
    with engine.connect() as conn:
        rows = conn.execute(select(Feedback.exchange_id, Feedback.correct_tool).order_by(Feedback.id))
        return {exchange_id: _none_if_none_label(tool) for exchange_id, tool in rows}


def _label(row: Any, feedback: dict[str, str | None]) -> tuple[str | None, str] | None:
    """``(label, source)`` for one exchange, or ``None`` when it carries no usable label."""
    if row.id in feedback:
        return feedback[row.id], "feedback"
    if row.status_code >= 400:
        return None
    if row.route in UPSTREAM_ROUTES or row.mode in ("shadow", "observe"):
        return _none_if_none_label(row.llm_tool), "llm"
    if _is_local_route(row.route):
        return _none_if_none_label(row.route_tool), "rule" if row.route.startswith("rule:") else "router"
    return None


def training_examples(
    engine: Engine, *, since: datetime | None = None, sources: Iterable[str] | None = None
) -> list[dict[str, Any]]:
    """Labelled examples from traces, oldest first.

    Each is ``{"id", "messages", "tools", "label", "source"}``: ``label`` is a tool name or ``None``
    (no tool needed); ``source`` says where it came from, strongest first: ``feedback`` (an
    explicit correction), ``llm`` (the upstream's own choice when it was shown the tools:
    fallback, pass-through, shadow, observe), ``rule`` or ``router`` (a local route nobody
    contradicted). Exchanges without a stored request (``store_bodies: false``), failed ones
    (unless corrected) and pass-throughs without tools are left out. ``sources`` filters.
    """
    wanted = set(sources) if sources is not None else None
    feedback = _latest_feedback(engine)
    stmt = (
        select(
            Exchange.id,
            Exchange.mode,
            Exchange.route,
            Exchange.route_tool,
            Exchange.llm_tool,
            Exchange.status_code,
            Exchange.request,
        )
        .where(Exchange.request.is_not(None))
        .order_by(Exchange.created_at, Exchange.id)
    )
    if since is not None:
        stmt = stmt.where(Exchange.created_at >= since)
    examples: list[dict[str, Any]] = []
    with engine.connect() as conn:
        for row in conn.execution_options(yield_per=500).execute(stmt):
            request = row.request if isinstance(row.request, dict) else {}
            messages = request.get("messages")
            tools = request.get("tools") or []
            if not isinstance(messages, list) or not messages:
                continue
            if not tools and row.route == "passthrough" and row.id not in feedback:
                continue  # a plain chat: nobody decided anything about tools
            labelled = _label(row, feedback)
            if labelled is None or (wanted is not None and labelled[1] not in wanted):
                continue
            examples.append(
                {
                    "id": row.id,
                    "messages": messages,
                    "tools": tools,
                    "label": labelled[0],
                    "source": labelled[1],
                }
            )
    return examples


def comparison_rows(engine: Engine, *, since: datetime | None = None) -> list[dict[str, Any]]:
    """Exchanges where both the router's decision and the upstream's choice are known.

    The shape ``router.evaluate.compare_with_llm`` reads: ``id``, ``route``, ``router_tool``,
    ``llm_tool``, ``confidence``, ``confident``, ``prompt_tokens``, ``completion_tokens``,
    ``latency_ms``, ``tokens_saved``.
    """
    first_decision = (
        select(Step.exchange_id, func.min(Step.seq).label("seq"))
        .where(Step.kind.in_(DECISION_KINDS))
        .group_by(Step.exchange_id)
        .subquery()
    )
    stmt = (
        select(
            Exchange.id,
            Exchange.route,
            Step.tool.label("router_tool"),
            Exchange.llm_tool,
            Exchange.confidence,
            Step.status.label("decision_status"),
            Exchange.prompt_tokens,
            Exchange.completion_tokens,
            Exchange.latency_ms,
            Exchange.tokens_saved,
        )
        .join(first_decision, first_decision.c.exchange_id == Exchange.id)
        .join(Step, (Step.exchange_id == Exchange.id) & (Step.seq == first_decision.c.seq))
        .where(Exchange.route.in_(UPSTREAM_ROUTES), Exchange.status_code < 400)
        .order_by(Exchange.created_at, Exchange.id)
    )
    if since is not None:
        stmt = stmt.where(Exchange.created_at >= since)
    rows = []
    with engine.connect() as conn:
        for row in conn.execute(stmt):
            item = dict(row._mapping)
            status = item.pop("decision_status")
            item["confident"] = None if status is None else status == "confident"
            item["router_tool"] = _none_if_none_label(item["router_tool"])
            item["llm_tool"] = _none_if_none_label(item["llm_tool"])
            rows.append(item)
    return rows


def path_costs(engine: Engine, *, since: datetime | None = None) -> dict[str, dict[str, Any]]:
    """Per path (``local``: served without the upstream seeing tools; ``llm``: fallback or
    pass-through): exchanges, mean tokens and latency, tokens saved in total."""
    path = _path_expr().label("path")
    stmt = select(
        path,
        func.count().label("n"),
        func.avg(Exchange.prompt_tokens).label("prompt_tokens_mean"),
        func.avg(Exchange.completion_tokens).label("completion_tokens_mean"),
        func.avg(Exchange.total_tokens).label("total_tokens_mean"),
        func.avg(Exchange.latency_ms).label("latency_ms_mean"),
        func.avg(Exchange.upstream_ms).label("upstream_ms_mean"),
        func.coalesce(func.sum(Exchange.tokens_saved), 0).label("tokens_saved_total"),
    ).group_by(path)
    if since is not None:
        stmt = stmt.where(Exchange.created_at >= since)
    means = (
        "prompt_tokens_mean",
        "completion_tokens_mean",
        "total_tokens_mean",
        "latency_ms_mean",
        "upstream_ms_mean",
    )
    result: dict[str, dict[str, Any]] = {
        name: {"n": 0, **dict.fromkeys(means), "tokens_saved_total": 0} for name in ("local", "llm")
    }
    with engine.connect() as conn:
        for row in conn.execute(stmt):
            item = dict(row._mapping)
            stats: dict[str, Any] = {
                "n": int(item["n"]),
                "tokens_saved_total": int(item["tokens_saved_total"] or 0),
            }
            for key in means:
                stats[key] = float(item[key]) if item[key] is not None else None
            result[item["path"]] = stats
    return result


def router_vs_llm(engine: Engine, *, since: datetime | None = None) -> dict[str, Any]:
    """How often the router agrees with the upstream LLM, and what each path costs.

    Returns ``n_compared``, ``agreements``, ``agreement_rate`` (``None`` without data),
    ``n_confident`` / ``agreement_when_confident``, ``disagreements`` (the 10 most frequent
    ``{"router", "llm", "count"}`` pairs, ``"none"`` for no tool) and ``paths`` (``path_costs``).
    """
    rows = comparison_rows(engine, since=since)
    agree = [row["router_tool"] == row["llm_tool"] for row in rows]
    confident = [a for a, row in zip(agree, rows, strict=True) if row["confident"]]
    pairs = Counter(
        (row["router_tool"] or "none", row["llm_tool"] or "none")
        for a, row in zip(agree, rows, strict=True)
        if not a
    )
    return {
        "n_compared": len(rows),
        "agreements": sum(agree),
        "agreement_rate": sum(agree) / len(agree) if agree else None,
        "n_confident": len(confident),
        "agreement_when_confident": sum(confident) / len(confident) if confident else None,
        "disagreements": [
            {"router": r, "llm": m, "count": c}
            for (r, m), c in sorted(pairs.items(), key=lambda kv: (-kv[1], kv[0]))
        ][:10],
        "paths": path_costs(engine, since=since),
    }


# -- feedback -------------------------------------------------------------------------------------


def add_feedback(engine: Engine, exchange_id: str, correct_tool: str | None, note: str | None = None) -> int:
    """Store a correction for an exchange (``correct_tool`` ``None``/``"none"`` = no tool). Returns its id.

    The exchange need not be written yet (the recorder is asynchronous)."""
    with engine.begin() as conn:
        result = conn.execute(
            insert(Feedback)
            .values(
                exchange_id=exchange_id,
                correct_tool=_none_if_none_label(correct_tool),
                note=note,
                created_at=datetime.now(UTC),
            )
            .returning(Feedback.id)
        )
        return int(result.scalar_one())


# -- checkpoints ----------------------------------------------------------------------------------


def register_checkpoint(
    engine: Engine,
    version: str,
    path: str,
    metrics: dict[str, Any] | None = None,
    meta: dict[str, Any] | None = None,
    *,
    activate: bool = False,
) -> dict[str, Any]:
    """Record a checkpoint (updating ``path``/``metrics``/``meta`` if ``version`` exists).

    With ``activate`` it becomes the only active checkpoint, in the same transaction; replicas
    polling ``active_checkpoint`` pick it up."""
    with engine.begin() as conn:
        existing = conn.execute(select(Checkpoint.id).where(Checkpoint.version == version)).scalar()
        values = {"path": path, "metrics": metrics, "meta": meta}
        if existing is None:
            conn.execute(
                insert(Checkpoint).values(
                    version=version, created_at=datetime.now(UTC), active=False, **values
                )
            )
        else:
            conn.execute(update(Checkpoint).where(Checkpoint.id == existing).values(**values))
        if activate:
            _activate(conn, version)
        row = conn.execute(select(Checkpoint.__table__).where(Checkpoint.version == version)).one()
        return dict(row._mapping)


def _activate(conn: Any, version: str) -> None:
    conn.execute(
        update(Checkpoint).where(Checkpoint.version != version, Checkpoint.active).values(active=False)
    )
    conn.execute(update(Checkpoint).where(Checkpoint.version == version).values(active=True))


def activate_checkpoint(engine: Engine, version: str) -> bool:
    """Make ``version`` the active checkpoint. False when no such checkpoint is registered."""
    with engine.begin() as conn:
        if conn.execute(select(Checkpoint.id).where(Checkpoint.version == version)).scalar() is None:
            return False
        _activate(conn, version)
        return True


def active_checkpoint(engine: Engine) -> dict[str, Any] | None:
    """The active checkpoint (the newest, should two replicas have raced), or ``None``."""
    stmt = (
        select(Checkpoint.__table__)
        .where(Checkpoint.active)
        .order_by(Checkpoint.created_at.desc(), Checkpoint.id.desc())
        .limit(1)
    )
    with engine.connect() as conn:
        row = conn.execute(stmt).first()
        return dict(row._mapping) if row is not None else None


def list_checkpoints(engine: Engine) -> list[dict[str, Any]]:
    """Every registered checkpoint, newest first."""
    with engine.connect() as conn:
        stmt = select(Checkpoint.__table__).order_by(Checkpoint.created_at.desc(), Checkpoint.id.desc())
        return [dict(row._mapping) for row in conn.execute(stmt)]


# -- retention ------------------------------------------------------------------------------------


def delete_older_than(engine: Engine, days: float) -> int:
    """Delete exchanges older than ``days`` with their steps and feedback. Returns exchanges deleted."""
    if days < 0:
        raise ValueError("days must be >= 0")
    cutoff = datetime.now(UTC) - timedelta(days=days)
    old = select(Exchange.id).where(Exchange.created_at < cutoff)
    with engine.begin() as conn:
        conn.execute(delete(Step).where(Step.exchange_id.in_(old)))
        conn.execute(delete(Feedback).where(Feedback.exchange_id.in_(old)))
        result = conn.execute(delete(Exchange).where(Exchange.created_at < cutoff))
        return int(result.rowcount or 0)
