"""Shared fixtures: a real fake upstream and real proxies on 127.0.0.1."""

from __future__ import annotations

import os

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from collections.abc import Callable, Iterator  # noqa: E402
from contextlib import AbstractContextManager, contextmanager  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import pytest  # noqa: E402

from tests.fakes.upstream import FakeUpstream  # noqa: E402
from tests.servers import serve_in_thread  # noqa: E402


@pytest.fixture(scope="session")
def upstream_server() -> Iterator[tuple[FakeUpstream, str]]:
    fake = FakeUpstream()
    with serve_in_thread(fake.app) as url:
        yield fake, url


@pytest.fixture
def upstream(upstream_server: tuple[FakeUpstream, str]) -> FakeUpstream:
    fake, _ = upstream_server
    fake.reset()
    return fake


def base_config(upstream_url: str, db_url: str, **sections: Any) -> dict[str, Any]:
    models = ["fake-model", "error-400", "error-401", "error-429", "error-500", "error-503", "slow-3",
              "malformed", "badshape", "cut"]
    cfg: dict[str, Any] = {
        "model_list": [{"model_name": m, "litellm_params": {"model": f"openai/{m}", "api_base": upstream_url + "/v1",
                                                              "api_key": "sk-upstream-secret-123"}} for m in models],
        "server": {"upstream_timeout_s": 1.5, "upstream_retries": 0},
        "storage": {"url": db_url},
        "router": {"mode": "observe", "reload_poll_s": None},
    }
    for key, value in sections.items():
        if isinstance(value, dict) and isinstance(cfg.get(key), dict):
            cfg[key] = {**cfg[key], **value}
        else:
            cfg[key] = value
    return cfg


ProxyFactory = Callable[..., AbstractContextManager[str]]


@pytest.fixture
def make_proxy(upstream_server: tuple[FakeUpstream, str], tmp_path: Path) -> ProxyFactory:
    """``with make_proxy(router={...}, tools=[...]) as base_url:`` runs a real proxy (SQLite in tmp_path)."""
    from proxy.app import create_app
    from proxy.config import parse_config
    from storage.db import upgrade

    _, url = upstream_server

    @contextmanager
    def factory(db_url: str | None = None, **sections: Any) -> Iterator[str]:
        db = db_url or f"sqlite:///{tmp_path / 'proxy.db'}"
        storage = {"spool_path": str(tmp_path / "proxy.spool.jsonl"), **sections.pop("storage", {})}
        cfg = parse_config(base_config(url, db, storage=storage, **sections))
        upgrade(cfg.storage.url)
        app = create_app(cfg)
        with serve_in_thread(app) as base:
            if app.state.proxy.load_router:
                _wait_ready(base)
            yield base

    return factory


def _wait_ready(base: str, timeout: float = 120.0) -> None:
    import time

    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        r = httpx.get(base + "/health/ready")
        if r.status_code == 200:
            return
        if "error" in str(r.json().get("router", "")):
            raise RuntimeError(f"router failed: {r.json()}")
        time.sleep(0.1)
    raise TimeoutError("proxy not ready")
