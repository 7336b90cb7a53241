"""Config files for the benchmarked proxies, all pointing at the same fast upstream."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

MODEL = "bench-model"
MASTER_KEY = "sk-bench-master"
UPSTREAM_KEY = "sk-bench-upstream"

WEATHER: dict[str, Any] = {
    "name": "get_weather",
    "description": "Get the current weather (temperature, sky) for a city.",
    "parameters": {"type": "object", "properties": {
        "city": {"type": "string", "description": "City name, e.g. Paris"},
        "unit": {"type": "string", "enum": ["celsius", "fahrenheit"], "default": "celsius"}},
        "required": ["city"]},
    "examples": ["what's the weather like in Berlin?", "is it cold in Oslo today?"],
    "executor": {"type": "python", "callable": "bench.tools:get_weather", "timeout_s": 5},
}


def _model_list(upstream: str) -> list[dict[str, Any]]:
    return [{"model_name": MODEL, "litellm_params": {"model": f"openai/{MODEL}", "api_base": upstream + "/v1",
                                                     "api_key": UPSTREAM_KEY}}]


def litellm_config(path: Path, upstream: str) -> Path:
    """LiteLLM proxy: one deployment, a master key, no database."""
    cfg = {"model_list": _model_list(upstream),
           "general_settings": {"master_key": MASTER_KEY},
           "litellm_settings": {"drop_params": True}}
    path.write_text(yaml.safe_dump(cfg, sort_keys=False))
    return path


def toolproxy_config(path: Path, upstream: str, db: Path, *, mode: str, tools: bool = False,
                     tool_threshold: float | None = None) -> Path:
    """toolproxy with SQLite recording; ``tools`` adds the managed ``get_weather`` tool."""
    cfg: dict[str, Any] = {
        "model_list": _model_list(upstream),
        "server": {"host": "127.0.0.1", "upstream_retries": 0},
        "storage": {"url": f"sqlite:///{db}", "migrate_on_start": True},
        "router": {"mode": mode, "reload_poll_s": None},
    }
    if tools:
        tool = dict(WEATHER)
        if tool_threshold is not None:
            tool["threshold"] = tool_threshold
        cfg["tools"] = [tool]
    path.write_text(yaml.safe_dump(cfg, sort_keys=False))
    return path
