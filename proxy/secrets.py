"""LiteLLM's ``os.environ/NAME`` convention for secrets in config values."""

from __future__ import annotations

import os
from typing import Any

PREFIX = "os.environ/"


def resolve(value: Any) -> Any:
    """Replace ``os.environ/NAME`` strings (recursively) by the variable's value (None when unset)."""
    if isinstance(value, str) and value.startswith(PREFIX):
        return os.environ.get(value[len(PREFIX):])
    if isinstance(value, dict):
        return {k: resolve(v) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(v) for v in value]
    return value
