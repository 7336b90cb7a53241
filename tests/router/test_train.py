"""Training on tiny data with the real encoder: determinism, checkpoints, traces, thresholds."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from router.checkpoint import DEFAULT_CHECKPOINT_DIR, Checkpoint, description_fingerprint, model_fingerprint  # noqa: E402
from router.data import TrainSet, from_traces, load_metatool  # noqa: E402
from router.encoder import Encoder  # noqa: E402
from router.model import GLOBAL_FEATURES, N_CAND, N_GLOBAL, TOP_K  # noqa: E402
from router.router import Router  # noqa: E402
from router.train import (  # noqa: E402
    EVERYDAY_KINDS,
    FAR_NEAREST,
    MID_NEAREST,
    Episodes,
    TrainConfig,
    action_signal,
    calibration_episodes,
    default_config,
    lora_lineage,
    mid_tools,
    split_rows,
    threshold_for_precision,
    train,
)
from router.types import NONE, RouterOptions  # noqa: E402

CITIES = ["Paris", "Berlin", "Tokyo", "Lima", "Oslo", "Cairo", "Quito", "Seoul"]
TEMPLATES = {
    "weather": ["what's the weather in {c}", "will it rain in {c} tomorrow", "temperature in {c} now"],
    "flights": ["book a flight to {c}", "find cheap flights to {c}", "fly me to {c} next week"],
    "hotels": ["find a hotel in {c}", "book a room in {c} for two nights", "cheap hotels near {c} centre"],
    "news": ["latest news from {c}", "what happened in {c} today", "headlines about {c}"],
}
DESCRIPTIONS = {
    "weather": "Weather forecasts and current conditions for a city.",
    "flights": "Search and book airline flights.",
    "hotels": "Search and book hotel rooms.",
    "news": "Latest news headlines for a place or topic.",
}


def tiny_rows() -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for tool, templates in TEMPLATES.items():
        for template in templates:
            for city in CITIES[:5]:
                rows.append({"query": template.format(c=city), "tools": [tool]})
    return rows


@pytest.fixture(scope="module")
def metatool_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("metatool")
    (folder / "metatool_tools.json").write_text(json.dumps(DESCRIPTIONS))
    with open(folder / "metatool_train.jsonl", "w") as handle:
        for row in tiny_rows():
            handle.write(json.dumps(row) + "\n")
    return folder


def tiny_config(out: Path, data: TrainSet, cache: Path, seed: int = 7) -> TrainConfig:
    return TrainConfig(
        out_dir=str(out),
        train_set=data,
        seed=seed,
        epochs=4,
        adapter_epochs=2,
        cache_dir=str(cache),
        progress=False,
        version=f"tiny-{seed}",
        threads=1,
    )


def weights(path: str) -> dict[str, np.ndarray]:
    with np.load(Path(path) / "weights.npz", allow_pickle=False) as data:
        return {k: data[k] for k in data.files}


def test_training_is_deterministic_and_loads(tmp_path: Path, metatool_dir: Path, encoder: Encoder) -> None:
    data = load_metatool(metatool_dir)
    first = train(tiny_config(tmp_path / "a", data, tmp_path / "cache"), encoder=encoder)
    second = train(tiny_config(tmp_path / "b", data, tmp_path / "cache"), encoder=encoder)
    assert first.metrics == second.metrics
    wa, wb = weights(first.path), weights(second.path)
    assert set(wa) == set(wb)
    for key in wa:
        np.testing.assert_array_equal(wa[key], wb[key], err_msg=key)
    assert first.sizes["rows"] == 60 and first.sizes["tools"] == 4

    meta = json.loads((Path(first.path) / "metadata.json").read_text())
    for key in ("version", "encoder", "catalogue_hash", "data_sizes", "metrics", "created_at", "threshold"):
        assert key in meta, key
    assert 0.5 <= meta["threshold"] <= 1.0
    assert meta["memory_size"] == 60  # training queries become exemplars
    assert meta["data_sizes"]["classifier_tools"] == 4  # ... and train a catalogue classifier
    assert meta["encoder_base"] == model_fingerprint(encoder.path)  # what a configured encoder must match

    router = Router(RouterOptions(checkpoint=first.path), encoder=encoder)
    assert router.version == "tiny-7"
    assert router.classifier is not None and sorted(router.classifier.tools) == sorted(DESCRIPTIONS)
    tools = list(data.tools.values())
    decision = router.decide([{"role": "user", "content": "is it going to snow in Seoul"}], tools)
    # the best tool (60 templated rows and no NONE rows are too few to teach the gate this off-template
    # request; `toolproxy train` mixes in replay rows for that: test_replay.py)
    assert next(name for name in decision.scores if name != NONE) == "weather", decision


def test_another_seed_gives_other_weights(tmp_path: Path, metatool_dir: Path, encoder: Encoder) -> None:
    data = load_metatool(metatool_dir)
    a = train(tiny_config(tmp_path / "a", data, tmp_path / "cache", seed=1), encoder=encoder)
    b = train(tiny_config(tmp_path / "b", data, tmp_path / "cache", seed=2), encoder=encoder)
    wa, wb = weights(a.path), weights(b.path)
    assert not np.array_equal(wa["head/cand.0.weight"], wb["head/cand.0.weight"])


def test_train_from_traces(tmp_path: Path, encoder: Encoder) -> None:
    tools = [
        {"type": "function", "function": {"name": name, "description": desc}}
        for name, desc in DESCRIPTIONS.items()
    ]
    traces = [
        {"messages": [{"role": "user", "content": row["query"]}], "tools": tools, "label": row["tools"][0]}  # type: ignore[index]
        for row in tiny_rows()
    ]
    traces += [
        {"messages": [{"role": "user", "content": q}], "tools": tools, "label": None}
        for q in ["thanks a lot", "tell me a joke", "who are you", "good morning"]
    ]
    config = TrainConfig(
        out_dir=str(tmp_path / "ckpt"),
        traces=traces,
        epochs=3,
        adapter_epochs=1,
        cache_dir=str(tmp_path / "cache"),
        progress=False,
        memory_scope="description",
    )
    result = train(config, encoder=encoder)
    assert result.sizes["rows_by_group"] == {"traces": 64}
    ckpt = Checkpoint.load(result.path)
    assert sorted(set(ckpt.memory_tools)) == sorted(DESCRIPTIONS)
    assert ckpt.memory_descriptions == {name: [description_fingerprint(d)] for name, d in DESCRIPTIONS.items()}
    # other catalogues keep the starting checkpoint's zero-shot view (adapter, head, bars): the shipped
    # default's own view, or the default itself when it has none
    start = Checkpoint.load(DEFAULT_CHECKPOINT_DIR)
    own = start.unseen_head is not None
    head = start.unseen_head if start.unseen_head is not None else start.head
    assert ckpt.unseen_head is not None and ckpt.unseen_adapter is not None
    for name, value in head.arrays.items():
        np.testing.assert_array_equal(ckpt.unseen_head.arrays[name], value)
    bars = start.zero_shot_bars if own else (start.threshold, start.threshold_unseen or start.threshold)
    assert ckpt.zero_shot_bars == bars and ckpt.threshold_unseen == bars[1]
    assert ckpt.metadata["zero_shot_view"]["version"] == start.version
    # ... and its action probe, which reads that view's vectors
    assert ckpt.actionable is not None and start.actionable is not None
    np.testing.assert_array_equal(ckpt.actionable.weight, start.actionable.weight)


def test_from_traces_labels() -> None:
    tools = [{"type": "function", "function": {"name": "a", "description": "x"}}]
    data = from_traces(
        [
            {"messages": [{"role": "user", "content": "q1"}], "tools": tools, "label": "a"},
            {"messages": [{"role": "user", "content": "q2"}], "tools": tools, "label": "none"},
            {"messages": [{"role": "user", "content": "q3"}], "tools": tools, "label": "not-offered"},
        ]
    )
    assert [ex.gold for ex in data.examples] == ["traces::a", None, None]


def test_conversations_ending_with_a_tool_result_teach_nothing() -> None:
    """The follow-up exchange of a chain (the tool's result comes back; the proxy forwards it with
    route "none", or the LLM makes the next call) must not label the user's request itself."""
    tools = [{"type": "function", "function": {"name": "weather", "description": "forecast for a city"}},
             {"type": "function", "function": {"name": "alert", "description": "set an alert"}}]
    ask = {"role": "user", "content": "weather in Oslo, then set an alert"}
    call = {"role": "assistant", "content": None, "tool_calls": [
        {"id": "c1", "type": "function", "function": {"name": "weather", "arguments": "{\"city\": \"Oslo\"}"}}]}
    result = {"role": "tool", "tool_call_id": "c1", "content": "rain"}
    data = from_traces([
        {"messages": [ask], "tools": tools, "label": "weather"},
        {"messages": [ask, call, result], "tools": tools, "label": "alert"},
        {"messages": [ask, call, result], "tools": tools, "label": None},
    ])
    assert [(ex.last, ex.gold) for ex in data.examples] == [("weather in Oslo, then set an alert", "traces::weather")]


def test_split_is_stratified_and_seeded(metatool_dir: Path) -> None:
    data = load_metatool(metatool_dir)
    config = TrainConfig(out_dir="unused", seed=3)
    fit, head, calib = split_rows(data, config)
    assert split_rows(data, config) == (fit, head, calib)
    assert sorted(fit + head + calib) == list(range(len(data.examples)))
    for tool in DESCRIPTIONS:
        assert any(data.examples[i].gold == f"metatool::{tool}" for i in fit)


def test_threshold_for_precision() -> None:
    conf = np.array([0.99, 0.95, 0.9, 0.8, 0.7, 0.6])
    right = np.array([True, True, True, False, True, False])
    assert threshold_for_precision(conf, right, 1.0, 0.5) == 0.9
    assert threshold_for_precision(conf, right, 0.75, 0.5) == 0.7
    assert threshold_for_precision(conf, right, 0.5, 0.75) == 0.75  # the floor
    assert threshold_for_precision(conf, np.zeros(6, dtype=bool), 0.9, 0.5) == 1.0


def test_default_recipe_holds_out_unseen_corpora() -> None:
    config = default_config("somewhere")
    joined = " ".join(config.corpora)
    assert "api_bank" not in joined and "callnavi" not in joined
    assert "metatool:evals/metatool/train.jsonl" in config.corpora
    assert config.memory is False


def test_calibration_episodes_keep_small_everyday_catalogues() -> None:
    sizes = [2, 5, 20, 21, 199, 3]
    kinds = ["mixed", "drop", "subset", "tool", "tool", "subset_hard"]
    glob = np.zeros((len(sizes), N_GLOBAL), dtype=np.float32)
    glob[:, GLOBAL_FEATURES.index("log_n_tools")] = np.log(sizes)
    eps = Episodes(
        feats=np.zeros((len(sizes), TOP_K, N_CAND), dtype=np.float32),
        glob=glob,
        mask=np.ones((len(sizes), TOP_K), dtype=bool),
        label=np.arange(len(sizes), dtype=np.int64),
        kind=kinds,
        group=["g"] * len(sizes),
    )
    assert calibration_episodes(eps, None) is eps
    assert calibration_episodes(eps, 20).label.tolist() == [0, 1, 2, 5]
    picked = calibration_episodes(eps, 20, EVERYDAY_KINDS)
    assert picked.label.tolist() == [0, 2] and picked.kind == ["mixed", "subset"]


def two_group_traces() -> list[dict[str, object]]:
    """The tiny travel catalogue plus a second source (a calculator group) and chit-chat NONE rows."""
    travel = [
        {"type": "function", "function": {"name": name, "description": desc}}
        for name, desc in DESCRIPTIONS.items()
    ]
    maths = [
        {"type": "function", "function": {"name": "add", "description": "Add two numbers."}},
        {"type": "function", "function": {"name": "convert_units", "description": "Convert between units."}},
    ]
    traces: list[dict[str, object]] = [
        {"messages": [{"role": "user", "content": row["query"]}], "tools": travel, "label": row["tools"][0]}  # type: ignore[index]
        for row in tiny_rows()
    ]
    for a, b in [(2, 3), (19, 23), (7, 8), (100, 250), (5, 6)]:
        traces.append(
            {"messages": [{"role": "user", "content": f"add {a} and {b}"}], "tools": maths, "label": "add"}
        )
        traces.append(
            {
                "messages": [{"role": "user", "content": f"convert {a} km to miles"}],
                "tools": maths,
                "label": "convert_units",
            }
        )
    for q in ["thanks a lot", "tell me a joke", "who are you", "good morning", "write a poem about rain"]:
        traces.append({"messages": [{"role": "user", "content": q}], "tools": travel, "label": None})
    return traces


def test_everyday_episodes_and_calibration(tmp_path: Path, encoder: Encoder) -> None:
    traces = two_group_traces()
    maths = [t for t in traces if t["label"] in ("add", "convert_units")]
    data = from_traces([t for t in traces if t not in maths], group="travel")
    data.extend(from_traces(maths, group="maths"))
    config = tiny_config(tmp_path / "ckpt", data, tmp_path / "cache")
    config.memory = False
    config.mixed_rate = 1.0
    config.terse_rate = 1.0
    config.drop_rate = 1.0
    config.twin_cos = -1.0  # every other tool is a near-synonym: a drop leaves nothing to offer
    config.calibrate_max_tools = 20
    config.calibrate_kinds = ["mixed", "none"]
    result = train(config, encoder=encoder)
    kinds = result.metrics["by_kind"]
    assert {"mixed", "terse", "none"} <= set(kinds)
    assert "drop" not in kinds  # twins never make a NONE label
    assert 0 < result.metrics["calibration_episodes"] < result.metrics["n"]
    assert set(result.metrics["by_group"]) == {"travel", "maths"}
    # no general requests next to their nearest tools (near_general): the gate keeps no needs_tool term
    assert not Checkpoint.load(result.path).head.reads_needs_tool


def test_default_recipe_calibrates_on_everyday_episodes() -> None:
    config = default_config("somewhere")
    assert config.calibrate_kinds is not None and config.calibrate_max_tools == 20
    assert "drop" not in config.calibrate_kinds and "subset_hard" not in config.calibrate_kinds
    assert config.mixed_rate > 0 and config.terse_rate > 0
    assert config.far_rate > 0 and config.mid_rate > 0  # NONE among unrelated tools, and among a domain's others


def test_mid_episodes_draw_just_outside_the_golds_nearest_tools() -> None:
    # 60 tools on a circle: tool k's cosine to tool 0 falls with |k|, so the ranking by closeness is known
    angles = np.linspace(0, 2 * np.pi, 60, endpoint=False)
    tools = np.stack([np.cos(angles), np.sin(angles)], axis=1).astype(np.float32)
    offered = list(range(60))
    pool = mid_tools(offered, tools, gold=0, skip={1})
    distance = [min(t, 60 - t) for t in pool]
    assert len(pool) == MID_NEAREST - FAR_NEAREST and 0 not in pool and 1 not in pool
    # the 10 nearest (59 and 2, 58 and 3, ..., 1 skipped) are left out; the next 30 make the pool
    assert min(distance) == 6 and max(distance) == 21
    assert mid_tools(offered[:8], tools, gold=0, skip=set()) == []  # a catalogue too small for any


def test_action_signal_is_cross_fitted() -> None:
    """The head's needs_tool feature scores each row with a probe that did not see it."""
    from router.data import TrainExample

    rng = np.random.default_rng(0)
    n, dim = 200, 16
    labels = rng.random(n) < 0.5
    vectors = rng.normal(size=(n, dim)).astype(np.float32)
    vectors[:, 0] += np.where(labels, 1.5, -1.5)  # one direction says "a tool is needed"
    data = TrainSet(examples=[TrainExample(f"q{i}", "", 0.0, "t" if labels[i] else None, "g") for i in range(n)])
    probe, needs = action_signal(data, None, vectors, None, seed=0)  # type: ignore[arg-type]
    assert probe is not None and needs.shape == (n,)
    full = probe.logits(vectors)
    assert not np.allclose(needs, full, atol=1e-3)  # not the probe fitted on every row
    assert np.corrcoef(needs, full)[0, 1] > 0.9
    assert ((needs > 0) == labels).mean() > 0.85


def test_general_requests_meet_their_nearest_tools(tmp_path: Path, encoder: Encoder) -> None:
    from router.general_requests import GROUP

    traces = two_group_traces()
    general = [
        {"messages": [{"role": "user", "content": q}], "tools": [], "label": None}
        for q in ["explain how weather forecasts are made", "why do flights get delayed", "write a poem about hotels",
                  "what is the history of newspapers", "explain jet lag", "tips for packing light",
                  "why is the sky blue", "how do airlines price tickets", "describe a good hotel lobby",
                  "what makes news trustworthy", "explain time zones", "how are hurricanes named"]
    ]
    data = from_traces(traces, group="travel")
    data.extend(from_traces(general, group=GROUP))
    config = tiny_config(tmp_path / "ckpt", data, tmp_path / "cache")
    config.memory = False
    config.near_general = 2
    result = train(config, encoder=encoder)
    assert "near_general" in result.metrics["by_kind"]
    assert Checkpoint.load(result.path).head.reads_needs_tool


def test_lora_lineage_keeps_the_trainings_and_reads_the_old_nested_records() -> None:
    trained = {"from": None, "steps": 800, "pairs": 10}
    nested = {"from": "/tmp/b", "steps": 0, "inherited": {"from": "default", "steps": 0, "inherited": trained}}
    assert lora_lineage(nested) == [trained]
    flat = {"from": "/tmp/c", "steps": 50, "inherited": [trained]}
    assert lora_lineage(flat) == [{"from": "/tmp/c", "steps": 50}, trained]
    assert lora_lineage(None) == []
