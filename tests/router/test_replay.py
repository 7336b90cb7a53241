"""Replay rows: shipped, rebuilt byte for byte, kept out of the memory, and what they buy.

The last test is the reason they exist: a checkpoint trained on one small catalogue must still
route a catalogue it has never seen, and say NONE to chit-chat next to it.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from router.checkpoint import DEFAULT_CHECKPOINT_DIR, Checkpoint  # noqa: E402
from router.data import SHARED_DATA, TrainSet, from_traces  # noqa: E402
from router.encoder import Encoder  # noqa: E402
from router.replay import CORPORA, HERE, PREFIX, is_replay, load_replay  # noqa: E402
from router.replay.build import build  # noqa: E402
from router.router import Router  # noqa: E402
from router.train import USER_RECIPE, Episodes, TrainConfig, gather, regime_thresholds, train  # noqa: E402
from router.types import RouterOptions, ToolSpec  # noqa: E402
from tests.router.test_train import tiny_config  # noqa: E402

HAVE_SHARED = (SHARED_DATA / "seal_tools" / "tools.jsonl").exists()


def test_shipped_rows_load_as_their_own_groups() -> None:
    data = load_replay()
    groups = set(data.counts())
    assert groups == {PREFIX + name for name in CORPORA}
    assert all(is_replay(ex.group) for ex in data.examples)
    # every gold tool and every offered candidate resolves to a shipped tool
    for ex in data.examples:
        assert all(key in data.tools for key in data.offered(ex))
        assert ex.gold is None or ex.gold in data.tools
    assert 0 < sum(ex.gold is None for ex in data.examples) < len(data.examples)  # some NONE rows (hwu64 chit-chat)
    size = sum(f.stat().st_size for f in HERE.rglob("*.gz"))
    assert size < 1_000_000  # small enough to ship in the package


@pytest.mark.skipif(not HAVE_SHARED, reason="needs ../shared/data to rebuild from")
def test_rebuild_is_byte_identical(tmp_path: Path) -> None:
    build(tmp_path)
    for shipped in sorted(HERE.rglob("*.gz")):
        rebuilt = tmp_path / shipped.relative_to(HERE)
        assert rebuilt.read_bytes() == shipped.read_bytes(), shipped.name


def test_gather_adds_replay_and_general_requests_only_when_asked() -> None:
    rows = TrainSet()
    rows.extend(from_traces([
        {"messages": [{"role": "user", "content": "weather in Paris"}], "label": "get_weather",
         "tools": [{"type": "function", "function": {"name": "get_weather", "description": "Weather."}}]},
    ]))
    plain = gather(TrainConfig(out_dir="unused", train_set=rows))
    assert set(plain.counts()) == {"traces"}
    mixed = gather(TrainConfig(out_dir="unused", train_set=rows, replay=True))
    groups = set(mixed.counts())
    assert "traces" in groups and "general_requests" in groups
    assert {g for g in groups if is_replay(g)} == {PREFIX + n for n in CORPORA}


def episodes(memory_present: np.ndarray, correct_conf: list[tuple[bool, float]]) -> tuple[Episodes, np.ndarray, np.ndarray]:
    from router.model import GLOBAL_FEATURES, N_CAND, N_GLOBAL, TOP_K

    n = len(memory_present)
    glob = np.zeros((n, N_GLOBAL), dtype=np.float32)
    glob[:, GLOBAL_FEATURES.index("memory_present")] = memory_present
    eps = Episodes(np.zeros((n, TOP_K, N_CAND), np.float32), glob, np.ones((n, TOP_K), bool),
                   np.zeros(n, np.int64), ["tool"] * n, ["g"] * n)
    correct = np.array([c for c, _ in correct_conf])
    conf = np.array([p for _, p in correct_conf], np.float32)  # confidence of each decision
    return eps, conf, correct


def test_regime_thresholds_per_regime_and_never_looser_for_unseen() -> None:
    config = TrainConfig(out_dir="unused", target_precision=0.98, min_threshold=0.5)
    n = 400
    # seen: right above 0.6, wrong below; unseen: right above 0.9, wrong between 0.7 and 0.9
    seen = [(True, 0.6 + 0.3 * i / n) for i in range(n)] + [(False, 0.55)] * 20
    unseen = [(True, 0.9 + 0.09 * i / n) for i in range(n)] + [(False, 0.7 + 0.19 * i / 40) for i in range(40)]
    eps, probs, correct = episodes(np.array([1.0] * len(seen) + [0.0] * len(unseen)), seen + unseen)
    bars = regime_thresholds(probs, correct, eps, config)
    assert bars["seen"] == pytest.approx(0.6)  # not 0.55: all 20 wrong ones share that confidence
    assert 0.8 < bars["unseen"] < 0.9  # 0.98 precision tolerates the few wrong ones just under 0.9
    # zero-shot never gets a lower bar than the trained catalogue, even when its episodes look easy
    easy = [(True, 0.52)] * n  # alone it would get a bar of 0.52
    eps, probs, correct = episodes(np.array([1.0] * len(seen) + [0.0] * n), seen + easy)
    bars = regime_thresholds(probs, correct, eps, config)
    assert bars["unseen"] == bars["seen"]
    # too few episodes of one regime: no split
    eps, probs, correct = episodes(np.array([1.0] * len(seen) + [0.0] * 10), seen + easy[:10])
    assert regime_thresholds(probs, correct, eps, config) == {}


def test_router_uses_the_unseen_bar_when_no_offered_tool_has_exemplars(encoder: Encoder) -> None:
    base = Checkpoint.zero_shot(encoder.dim)
    known = encoder.encode(["what's the weather in Paris", "weather in Oslo tomorrow"])
    ckpt = Checkpoint(version="regimes", adapter=base.adapter, head=base.head, threshold=0.4,
                      threshold_unseen=0.8, memory_vectors=known, memory_tools=["get_weather", "get_weather"])
    router = Router(RouterOptions(), encoder=encoder, checkpoint=ckpt)
    weather = ToolSpec("get_weather", "Current weather for a city.")
    stock = ToolSpec("get_stock_price", "Latest share price for a ticker symbol.")
    email = ToolSpec("send_email", "Send an email.")
    assert router.decide_query("weather in Rome?", [weather, email]).threshold == pytest.approx(0.4)
    assert router.decide_query("price of AAPL?", [stock, email]).threshold == pytest.approx(0.8)
    # a configured threshold is one bar for both
    fixed = Router(RouterOptions(threshold=0.7), encoder=encoder, checkpoint=ckpt)
    assert fixed.decide_query("price of AAPL?", [stock, email]).threshold == pytest.approx(0.7)


def test_checkpoint_round_trips_the_unseen_bar(tmp_path: Path) -> None:
    ckpt = Checkpoint.zero_shot()
    ckpt.threshold_unseen = 0.77
    loaded = Checkpoint.load(ckpt.save(tmp_path / "c"))
    assert loaded.threshold_unseen == pytest.approx(0.77)
    assert Checkpoint.load(Checkpoint.zero_shot().save(tmp_path / "z")).threshold_unseen is None


TRAINED = {
    "get_weather": ("Current weather and forecast for a city.",
                    ["weather in {c}", "will it rain in {c} tomorrow", "how cold is it in {c}", "forecast for {c}"]),
    "book_flight": ("Book a flight between two cities.",
                    ["book a flight to {c}", "fly me to {c} on friday", "plane tickets to {c}", "flights to {c}"]),
}
CITIES = ["Paris", "Rome", "Oslo", "Lima", "Kyiv", "Cairo", "Quito", "Seoul", "Perth", "Dakar"]
UNSEEN = [
    ToolSpec("translate_text", "Translate text into another language.",
             {"type": "object", "properties": {"text": {"type": "string"}, "target": {"type": "string"}}}),
    ToolSpec("get_stock_price", "Latest share price of a company by ticker symbol.",
             {"type": "object", "properties": {"symbol": {"type": "string"}}}),
    ToolSpec("set_timer", "Start a countdown timer.", {"type": "object", "properties": {"minutes": {"type": "integer"}}}),
]
UNSEEN_ROWS = [
    ("Translate 'good night' into German", "translate_text"),
    ("Translate 'where is the station' into French", "translate_text"),
    ("What's Tesla's share price right now?", "get_stock_price"),
    ("quote for NVDA stock", "get_stock_price"),
    ("Set a timer for 10 minutes", "set_timer"),
    ("start a 3 minute countdown", "set_timer"),
]
CHIT_CHAT = ["hi there, how are you?", "thanks, that's all for today", "tell me a fun fact about octopuses"]


def trained_traces() -> list[dict[str, object]]:
    tools = [{"type": "function", "function": {"name": n, "description": d}} for n, (d, _) in TRAINED.items()]
    return [
        {"messages": [{"role": "user", "content": t.format(c=c)}], "tools": tools, "label": name}
        for name, (_, templates) in TRAINED.items() for t in templates for c in CITIES
    ]


def test_a_checkpoint_trained_on_one_catalogue_still_routes_another(tmp_path: Path) -> None:
    # as `toolproxy train` does: the shipped default's tuned encoder, the user recipe
    data = from_traces(trained_traces())
    config = tiny_config(tmp_path / "ckpt", data, tmp_path / "cache")
    config.epochs = 12
    for key, value in USER_RECIPE.items():
        setattr(config, key, value)
    result = train(config)
    ckpt = Checkpoint.load(result.path)
    assert ckpt.encoder_lora  # inherited from the shipped default
    lora = ckpt.metadata["encoder_lora"]  # where the deltas came from, and the trainings they went through
    assert lora["version"] == Checkpoint.load(DEFAULT_CHECKPOINT_DIR).version and lora["steps"] == 0
    assert lora["inherited"] and all(e["steps"] > 0 and "inherited" not in e for e in lora["inherited"])
    assert set(ckpt.memory_tools) == set(TRAINED)  # replay rows never become exemplars
    assert result.sizes["rows_by_group"]["traces"] == len(trained_traces())
    router = Router(RouterOptions(checkpoint=result.path))
    picks = [router.decide_query(q, UNSEEN).tool for q, _ in UNSEEN_ROWS]
    assert picks == [gold for _, gold in UNSEEN_ROWS]
    assert [router.decide_query(q, UNSEEN).tool for q in CHIT_CHAT] == [None] * len(CHIT_CHAT)
    # and its own catalogue
    own = [ToolSpec(n, d) for n, (d, _) in TRAINED.items()]
    assert router.decide_query("is it sunny in Madrid?", own).tool == "get_weather"
    assert router.decide_query("get me a plane ticket to Madrid", own).tool == "book_flight"
