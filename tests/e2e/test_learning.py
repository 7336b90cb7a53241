"""The learning loop for real: fallback traces → `toolproxy train --from-traces` → hot reload under load."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import httpx
import yaml
from click.testing import CliRunner

from proxy.cli import main
from tests.conftest import _wait_ready, base_config
from tests.e2e.test_intercept import STOCK_TOOL, WEATHER
from tests.fakes.upstream import FakeUpstream
from tests.servers import serve_in_thread

CITIES = ["Paris", "Boston", "Tokyo", "Lima", "Oslo", "Cairo", "Delhi", "Rome", "Seoul", "Quito", "Dakar", "Perth"]
WEATHER_Q = ["What's the weather in {}?", "Is it raining in {} today?", "How hot is it in {} right now?",
             "Do I need a coat in {}?"]
STOCK_Q = ["What's the share price of {}?", "How is {} stock trading today?", "Quote for {} shares please"]
TICKERS = ["AAPL", "NVDA", "MSFT", "TSLA", "AMZN", "IBM", "ORCL", "INTC"]
CHAT_Q = ["Tell me a joke about cats", "Write a haiku about the sea", "What is the capital of Peru?",
          "Explain recursion simply", "Translate 'good morning' into Spanish", "Who painted the Mona Lisa?",
          "Give me a synonym for happy", "Summarize the plot of Cinderella"]


TRANSLATE_TOOL = {"type": "function", "function": {
    "name": "translate_text", "description": "Translate text into another language.",
    "parameters": {"type": "object", "properties": {"text": {"type": "string"}, "target_language": {"type": "string"}},
                   "required": ["text", "target_language"]}}}


def traffic() -> list[tuple[str, dict[str, Any]]]:
    """(question, the upstream's scripted reply) — the LLM's choices become labels."""
    out: list[tuple[str, dict[str, Any]]] = []
    for i, city in enumerate(CITIES):
        out.append((WEATHER_Q[i % len(WEATHER_Q)].format(city),
                    {"tool_calls": [{"name": "get_weather", "arguments": {"city": city}}]}))
    for i, t in enumerate(TICKERS):
        out.append((STOCK_Q[i % len(STOCK_Q)].format(t),
                    {"tool_calls": [{"name": "get_stock_price", "arguments": {"symbol": t}}]}))
    out += [(q, {"content": "Sure."}) for q in CHAT_Q]
    return out


def test_train_from_traces_then_hot_reload_under_load(tmp_path: Path) -> None:
    up = FakeUpstream()
    with serve_in_thread(up.app) as url:
        db = f"sqlite:///{tmp_path / 'learn.db'}"
        raw = base_config(url, db, router={"mode": "intercept", "threshold": 1.0, "reload_poll_s": None},
                          tools=[WEATHER])
        cfg_path = tmp_path / "config.yaml"
        cfg_path.write_text(yaml.safe_dump(raw))
        from proxy.app import create_app
        from proxy.config import load_config
        from storage.db import upgrade

        upgrade(db)
        # 1. a real proxy run where the router is never confident: every request falls back and the
        #    upstream's tool choice is recorded as the label
        with serve_in_thread(create_app(load_config(cfg_path))) as base:
            _wait_ready(base)
            for question, reply in traffic():
                if reply.get("tool_calls"):
                    up.script.append(reply)
                up.script.append({"content": "done"})
                r = httpx.post(base + "/v1/chat/completions", timeout=60, json={
                    "model": "fake-model", "messages": [{"role": "user", "content": question}],
                    "tools": [STOCK_TOOL]})
                assert r.status_code == 200 and r.headers["x-toolproxy-route"] == "fallback"
                up.script.clear()
        from storage.db import make_engine
        from storage.queries import training_examples

        labels = [(e["label"], e["source"]) for e in training_examples(make_engine(db))]
        assert len(labels) == len(traffic())
        assert labels.count(("get_weather", "llm")) == len(CITIES)
        assert labels.count(("get_stock_price", "llm")) == len(TICKERS)
        assert labels.count((None, "llm")) == len(CHAT_Q)

        # 2. train on those traces; the checkpoint is registered (and active) in SQL
        out = tmp_path / "ckpt"
        res = CliRunner().invoke(main, ["train", "--config", str(cfg_path), "--from-traces", "--out", str(out),
                                        "--activate", "--epochs", "5"])
        assert res.exit_code == 0, res.output
        report = json.loads(res.stdout.strip().splitlines()[-1])
        version = report["version"]
        assert (out / "meta.json").exists() or any(out.iterdir())
        from storage.queries import active_checkpoint

        assert active_checkpoint(make_engine(db))["version"] == version
        from router.checkpoint import Checkpoint

        classifier = Checkpoint.load(out).classifier  # the LLM's labels also train a catalogue classifier
        assert classifier is not None and sorted(classifier.tools) == ["get_stock_price", "get_weather"]
        plain = tmp_path / "plain"
        res = CliRunner().invoke(main, ["train", "--config", str(cfg_path), "--from-traces", "--out", str(plain),
                                        "--epochs", "2", "--no-classifier", "--memory-scope", "description"])
        assert res.exit_code == 0, res.output
        assert Checkpoint.load(plain).classifier is None
        assert Checkpoint.load(out).memory_descriptions == {}  # by name unless asked
        assert sorted(Checkpoint.load(plain).memory_descriptions) == ["get_stock_price", "get_weather"]

        # 3. a served proxy swaps in the new checkpoint mid-load without failing a request
        raw["router"] = {"mode": "intercept", "reload_poll_s": None}
        with serve_in_thread(create_app(load_config_from(raw))) as base:
            _wait_ready(base)
            versions: list[str] = []
            failures: list[str] = []

            reloaded = threading.Event()

            def load(n: int) -> None:
                """Send requests until the reload is done, then ``n`` more (bounded: 2000 at most)."""
                with httpx.Client(base_url=base, timeout=60) as c:
                    i, after_reload = 0, 0
                    while after_reload < n and i < 2000:
                        after_reload += reloaded.is_set()
                        i += 1
                        q = traffic()[i % len(traffic())][0]
                        resp = c.post("/v1/chat/completions", json={
                            "model": "fake-model", "messages": [{"role": "user", "content": q}],
                            "tools": [STOCK_TOOL]})
                        if resp.status_code != 200:
                            failures.append(resp.text)
                        versions.append(resp.headers.get("x-toolproxy-router-version", ""))

            old = httpx.get(base + "/health/ready").json()["router"]
            threads = [threading.Thread(target=load, args=(10,)) for _ in range(3)]
            for t in threads:
                t.start()
            reload = httpx.post(base + "/admin/reload", json={"checkpoint": str(out)}, timeout=120)
            reloaded.set()
            for t in threads:
                t.join()
            assert reload.status_code == 200 and reload.json()["router_version"] == version
            after = httpx.post(base + "/v1/chat/completions", timeout=60, json={
                "model": "fake-model", "messages": [{"role": "user", "content": "What's the weather in Rome?"}]})
            assert after.headers["x-toolproxy-router-version"] == version
            # a tool the traces never saw: the trained router must not answer NONE for it (before the
            # replay rows, a checkpoint trained on one catalogue said a confident NONE to any other)
            unseen = httpx.post(base + "/v1/chat/completions", timeout=60, json={
                "model": "fake-model", "tools": [TRANSLATE_TOOL],
                "messages": [{"role": "user", "content": "Translate 'good night' into German"}]})
            assert unseen.status_code == 200
            assert unseen.headers["x-toolproxy-route"] in ("client_tool:translate_text", "fallback")
        assert failures == []
        assert old != version and {old, version} <= set(versions)  # requests were served on both sides


def load_config_from(raw: dict[str, Any]) -> Any:
    from proxy.config import parse_config

    return parse_config(raw)
