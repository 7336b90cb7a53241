"""The generated general requests: deterministic, held apart from the eval prompts, NONE in training."""

from __future__ import annotations

import json
import os
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from router.data import from_traces  # noqa: E402
from router.encoder import Encoder  # noqa: E402
from router.general_requests import GROUP, load_general_requests, prompts  # noqa: E402
from router.train import TrainConfig, default_config, gather, train  # noqa: E402
from tests.router.test_train import tiny_config  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


def eval_prompts() -> set[str]:
    """Every user message of the hand-written assistant set and the encoder report's small talk."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("encoder_report", ROOT / "evals" / "encoder_report.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = {q.lower() for q in module.SMALL_TALK}
    for line in (ROOT / "evals" / "assistant_chat.jsonl").read_text().splitlines():
        for msg in json.loads(line)["messages"]:
            if msg.get("role") == "user" and isinstance(msg.get("content"), str):
                out.add(msg["content"].lower())
    return out


def test_prompts_are_deterministic_varied_and_seeded() -> None:
    first = prompts(seed=0)
    assert first == prompts(seed=0)
    assert first != prompts(seed=1)
    kinds = {kind for kind, _ in first}
    assert kinds == {"creative", "explain", "coding", "advice", "opinion"}
    texts = [text for _, text in first]
    assert len(set(texts)) == len(texts) > 500


def test_no_eval_prompt_is_a_training_row() -> None:
    held_out = eval_prompts()
    assert len(held_out) > 40
    assert not held_out & {text.lower() for _, text in prompts(seed=0)}


def test_rows_are_none_and_offer_nothing_of_their_own() -> None:
    data = load_general_requests()
    assert data.tools == {} and data.catalogues == {}
    assert all(ex.gold is None and ex.group == GROUP for ex in data.examples)
    assert all(data.offered(ex) == [] for ex in data.examples)


def test_the_default_recipe_and_gather_include_them() -> None:
    assert GROUP in default_config("somewhere").corpora
    data = gather(TrainConfig(out_dir="unused", corpora=[GROUP]))
    assert len(data.examples) == len(load_general_requests().examples)


def test_training_offers_them_other_groups_tools(tmp_path: Path) -> None:
    tools = [
        {
            "type": "function",
            "function": {"name": "get_weather", "description": "Current weather for a city."},
        },
        {"type": "function", "function": {"name": "send_email", "description": "Send an email to someone."}},
    ]
    traces = [
        {"messages": [{"role": "user", "content": f"weather in {c}"}], "tools": tools, "label": "get_weather"}
        for c in ["Paris", "Rome", "Oslo", "Lima", "Kyiv", "Cairo"]
    ] + [
        {
            "messages": [{"role": "user", "content": f"email {n} the report"}],
            "tools": tools,
            "label": "send_email",
        }
        for n in ["Ann", "Bob", "Eve", "Raj", "Mia", "Tom"]
    ]
    data = from_traces(traces, group="mine")
    data.extend(load_general_requests(per_kind=12))
    config = tiny_config(tmp_path / "ckpt", data, tmp_path / "cache")
    config.memory = False
    result = train(config, encoder=Encoder(num_threads=1))
    by_group = result.metrics["by_group"]
    assert GROUP in by_group and by_group[GROUP]["n"] > 0  # its rows became NONE episodes over mine's tools
    assert set(result.metrics["by_kind"]) >= {"none", "tool"}
