"""Copy-paste SQL over the trace tables. Each runs unchanged on SQLite and PostgreSQL (tested)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Recipe:
    name: str
    title: str
    sql: str


RECIPES: tuple[Recipe, ...] = (
    Recipe(
        "routes",
        "How requests were served, per route",
        """
SELECT route, COUNT(*) AS exchanges, AVG(latency_ms) AS avg_ms
FROM exchanges
GROUP BY route
ORDER BY exchanges DESC;""",
    ),
    Recipe(
        "tools",
        "Which tools were chosen, locally and by the LLM",
        """
SELECT COALESCE(route_tool, llm_tool) AS tool,
       COUNT(*) AS exchanges,
       SUM(CASE WHEN route_tool IS NOT NULL THEN 1 ELSE 0 END) AS local,
       SUM(CASE WHEN route_tool IS NULL THEN 1 ELSE 0 END) AS by_llm
FROM exchanges
WHERE COALESCE(route_tool, llm_tool) IS NOT NULL
GROUP BY 1
ORDER BY exchanges DESC;""",
    ),
    Recipe(
        "fallback_rate",
        "Fallback rate per day (the router was unsure and the LLM decided)",
        """
SELECT DATE(created_at) AS day,
       COUNT(*) AS exchanges,
       SUM(CASE WHEN route = 'fallback' THEN 1 ELSE 0 END) AS fallbacks,
       ROUND(AVG(CASE WHEN route = 'fallback' THEN 1.0 ELSE 0.0 END), 3) AS fallback_rate
FROM exchanges
GROUP BY 1
ORDER BY 1;""",
    ),
    Recipe(
        "tokens_saved",
        "Tokens per day, and prompt tokens saved by not sending tool schemas",
        """
SELECT DATE(created_at) AS day,
       SUM(prompt_tokens) AS prompt_tokens,
       SUM(completion_tokens) AS completion_tokens,
       SUM(tokens_saved) AS tokens_saved
FROM exchanges
GROUP BY 1
ORDER BY 1;""",
    ),
    Recipe(
        "slowest_tools",
        "Managed tools by mean run time, with error counts",
        """
SELECT tool, COUNT(*) AS runs,
       AVG(duration_ms) AS avg_ms, MAX(duration_ms) AS max_ms,
       SUM(CASE WHEN status = 'ok' THEN 0 ELSE 1 END) AS errors
FROM steps
WHERE kind = 'tool_run'
GROUP BY tool
ORDER BY avg_ms DESC;""",
    ),
    Recipe(
        "disagreements",
        "Where the router and the LLM chose differently (fallback and shadow traffic)",
        """
SELECT COALESCE(d.tool, 'none') AS router_tool,
       COALESCE(e.llm_tool, 'none') AS llm_tool,
       COUNT(*) AS exchanges
FROM exchanges e
JOIN steps d ON d.exchange_id = e.id AND d.kind IN ('decision', 'shadow_decision')
WHERE e.route IN ('fallback', 'passthrough') AND e.status_code < 400
  AND COALESCE(d.tool, 'none') <> COALESCE(e.llm_tool, 'none')
GROUP BY 1, 2
ORDER BY exchanges DESC;""",
    ),
    Recipe(
        "errors",
        "The latest failed exchanges",
        """
SELECT created_at, id, model, route, status_code, error
FROM exchanges
WHERE status_code >= 400
ORDER BY created_at DESC
LIMIT 20;""",
    ),
)


def recipe(name: str) -> Recipe:
    for item in RECIPES:
        if item.name == name:
            return item
    raise KeyError(name)


def as_markdown() -> str:
    """The recipes as a README section."""
    parts = []
    for item in RECIPES:
        parts.append(f"**{item.title}**\n\n```sql{item.sql}\n```\n")
    return "\n".join(parts)
