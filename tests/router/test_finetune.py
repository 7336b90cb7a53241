"""Encoder fine-tuning: LoRA maths, the merged model folder, checkpoints that carry it, and the
router and hot reload picking the right encoder. All on the real MiniLM."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import numpy as np
import pytest
import torch

from router import finetune
from router.checkpoint import Checkpoint, encoder_path
from router.encoder import Encoder, default_model_path
from router.finetune import FinetuneConfig, Pair, hard_negative_pool, lora_hash, materialize, merge, stack
from router.router import Router
from router.types import RouterOptions, ToolSpec

TEXTS = ["what's the weather in Paris tomorrow", "book a table for two at 8pm", "add milk to my list"]


@pytest.fixture(autouse=True)
def cache_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TOOLPROXY_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache" / "encoders"


def random_lora(seed: int, rank: int = 2, scale: float = 0.1) -> dict[str, np.ndarray]:
    """Deltas for every target of layer 0 and 5 (the keys ``lora_arrays`` writes)."""
    rng = np.random.default_rng(seed)
    shapes = {"attention.self.query": (384, 384), "intermediate.dense": (1536, 384), "output.dense": (384, 1536)}
    out: dict[str, np.ndarray] = {}
    for layer in (0, 5):
        for target, (rows, cols) in shapes.items():
            out[f"{layer}.{target}.a"] = (rng.normal(size=(rank, cols)) * scale).astype(np.float16)
            out[f"{layer}.{target}.b"] = (rng.normal(size=(rows, rank)) * scale).astype(np.float16)
    return out


def delta(arrays: dict[str, np.ndarray], name: str) -> np.ndarray:
    return arrays[f"{name}.b"].astype(np.float32) @ arrays[f"{name}.a"].astype(np.float32)


def test_stack_sums_the_deltas() -> None:
    a, b = random_lora(1), random_lora(2, rank=3)
    both = stack(a, b)
    name = "5.intermediate.dense"
    assert both[f"{name}.a"].shape == (5, 384)
    np.testing.assert_allclose(delta(both, name), delta(a, name) + delta(b, name), atol=1e-5)


def test_merged_weights_match_the_lora_forward_pass() -> None:
    from sentence_transformers import SentenceTransformer

    torch.manual_seed(0)
    model = SentenceTransformer(default_model_path(), device="cpu")
    modules = finetune.inject(model, rank=4, alpha=8.0)
    assert len(modules) == 6 * len(finetune.TARGETS)
    for mod in modules.values():  # B starts at zero; make the adapters do something
        torch.nn.init.normal_(mod.lora_b, std=0.05)
    with torch.no_grad():
        wrapped = model.encode(TEXTS, convert_to_numpy=True, normalize_embeddings=True)
    arrays = finetune.lora_arrays(modules)
    merged = SentenceTransformer(default_model_path(), device="cpu")
    base = merged.encode(TEXTS, convert_to_numpy=True, normalize_embeddings=True)
    merge(merged, arrays)
    out = merged.encode(TEXTS, convert_to_numpy=True, normalize_embeddings=True)
    assert np.min((out * wrapped).sum(1)) > 0.999  # fp16 storage, same function
    assert np.max((out * base).sum(1)) < 0.999  # and not the base model


@pytest.mark.parametrize(
    "key, a_shape, b_shape",
    [
        ("0.attention.self.query", (2, 768), (768, 2)),  # deltas of a wider model
        ("11.attention.self.query", (2, 384), (384, 2)),  # a layer MiniLM-L6 does not have
    ],
)
def test_merge_refuses_deltas_of_another_architecture(key: str, a_shape: tuple, b_shape: tuple) -> None:
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(default_model_path(), device="cpu")
    before = model[0].auto_model.encoder.layer[0].attention.self.query.weight.clone()
    arrays = {f"{key}.a": np.ones(a_shape, np.float16), f"{key}.b": np.ones(b_shape, np.float16)}
    with pytest.raises(ValueError, match="do not fit this model"):
        merge(model, arrays)
    assert torch.equal(model[0].auto_model.encoder.layer[0].attention.self.query.weight, before)


def test_materialize_builds_once_and_both_backends_agree(cache_root: Path) -> None:
    from router.onnx_encoder import OnnxEncoder

    arrays = random_lora(3)
    path = materialize(default_model_path(), arrays)
    assert Path(path).parent == cache_root and lora_hash(arrays) in path
    stamp = (Path(path) / "model.safetensors").stat().st_mtime_ns
    assert materialize(default_model_path(), arrays) == path
    assert (Path(path) / "model.safetensors").stat().st_mtime_ns == stamp
    tuned_torch = Encoder(path).encode(TEXTS)
    tuned_onnx = OnnxEncoder(path).encode(TEXTS)
    base = Encoder().encode(TEXTS)
    assert np.min((tuned_torch * tuned_onnx).sum(1)) > 0.9999
    assert np.max((tuned_torch * base).sum(1)) < 0.9999


def test_checkpoint_carries_the_lora_and_the_router_loads_it(tmp_path: Path) -> None:
    arrays = random_lora(4)
    ckpt = Checkpoint.zero_shot()
    ckpt.encoder_lora = arrays
    ckpt.save(tmp_path / "tuned")
    loaded = Checkpoint.load(tmp_path / "tuned")
    assert loaded.encoder_lora is not None and set(loaded.encoder_lora) == set(arrays)
    assert lora_hash(loaded.encoder_lora) == lora_hash(arrays)
    assert encoder_path(None, Checkpoint.zero_shot()) is None

    base_router = Router(RouterOptions(checkpoint=None, encoder_backend="torch"), checkpoint=Checkpoint.zero_shot())
    tuned = Router.load(RouterOptions(checkpoint=str(tmp_path / "tuned"), encoder_backend="torch"),
                        encoder=base_router.encoder)
    assert tuned.encoder is not base_router.encoder  # a different model: not reused on reload
    assert tuned.encoder.path == encoder_path(None, loaded)
    again = Router.load(RouterOptions(checkpoint=str(tmp_path / "tuned"), encoder_backend="torch"),
                        encoder=tuned.encoder)
    assert again.encoder is tuned.encoder  # same tuning: the loaded model is reused
    back = Router.load(RouterOptions(checkpoint=None, encoder_backend="torch"), encoder=tuned.encoder)
    assert back.encoder is not tuned.encoder


def test_finetune_learns_the_pairs_and_is_deterministic() -> None:
    tools = {
        "t::add_agenda": "add agenda. Add an item to the user's agenda",
        "t::delete_agenda": "delete agenda. Delete an item from the user's agenda",
        "t::modify_agenda": "modify agenda. Change an item on the user's agenda",
        "t::query_agenda": "query agenda. Look up items on the user's agenda",
    }
    phrasing = {
        "t::add_agenda": ["put the dentist on {d}", "schedule gym on {d}", "I have a call on {d}, note it"],
        "t::delete_agenda": ["drop the dentist on {d}", "cancel gym on {d}", "scrap my call on {d}"],
        "t::modify_agenda": ["move the dentist to {d}", "shift gym to {d}", "push my call to {d}"],
        "t::query_agenda": ["what do I have on {d}", "am I free on {d}", "show my plans for {d}"],
    }
    days = ["monday", "tuesday", "friday", "the 3rd", "next week"]
    pairs = [Pair(p.format(d=d), key, "t") for key, ps in phrasing.items() for p in ps for d in days]
    random.Random(0).shuffle(pairs)
    keys = list(tools)
    pool = hard_negative_pool(keys, Encoder().encode([tools[k] for k in keys]), {"t": keys}, 2)
    assert all(k not in pool[k] and len(pool[k]) == 2 for k in keys)
    config = FinetuneConfig(steps=12, batch_size=16, rank=4, lr=2e-3, seed=0, progress=False)
    torch.set_num_threads(1)
    arrays, stats = finetune.finetune(pairs, tools, pool, default_model_path(), config)
    again, _ = finetune.finetune(pairs, tools, pool, default_model_path(), config)
    assert lora_hash(arrays) == lora_hash(again)
    assert stats["loss_last"] < stats["loss_first"]

    def top1(path: str | None) -> float:
        enc = Encoder(path)
        q = enc.encode([p.query for p in pairs])
        t = enc.encode([tools[k] for k in keys])
        return float(np.mean([keys[i] == p.tool for i, p in zip((q @ t.T).argmax(1), pairs, strict=True)]))

    assert top1(materialize(default_model_path(), arrays)) > top1(None) + 0.1


def test_train_with_finetune_steps_ships_the_tuned_encoder(tmp_path: Path) -> None:
    from router.data import from_traces
    from router.train import TrainConfig, train

    tools = [{"type": "function", "function": {"name": n, "description": d, "parameters": {"type": "object"}}}
             for n, d in (("get_weather", "Weather forecast for a city"), ("book_flight", "Book an airline flight"),
                          ("find_hotel", "Find a hotel room"))]
    asks = {"get_weather": ["is it cold in {c}", "rain in {c} today?"], "book_flight": ["fly me to {c}", "a seat to {c}"],
            "find_hotel": ["a room in {c}", "somewhere to sleep in {c}"]}
    traces = [{"messages": [{"role": "user", "content": q.format(c=c)}], "tools": tools, "label": name}
              for name, qs in asks.items() for q in qs for c in ("Oslo", "Lima", "Rome", "Kyiv")]
    traces += [{"messages": [{"role": "user", "content": t}], "tools": tools, "label": None}
               for t in ("hi there", "thanks a lot", "tell me a joke", "who are you?")]
    config = TrainConfig(out_dir=str(tmp_path / "ckpt"), train_set=from_traces(traces), finetune_steps=3,
                         encoder_lora=None, epochs=2, adapter_epochs=1, cache_dir=str(tmp_path / "emb"),
                         progress=False, threads=1)
    result = train(config)
    ckpt = Checkpoint.load(result.path)
    assert ckpt.encoder_lora and ckpt.metadata["encoder_lora"]["steps"] == 3
    assert 1 <= ckpt.metadata["encoder_lora"]["none_queries"] <= 4  # the chit-chat rows of the fit part
    router = Router(RouterOptions(checkpoint=result.path, encoder_backend="torch"))
    assert router.encoder.path == encoder_path(None, ckpt) and lora_hash(ckpt.encoder_lora) in router.encoder.path


def test_a_configured_encoder_must_be_the_one_the_checkpoint_was_trained_on(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from router.checkpoint import DEFAULT_CHECKPOINT_DIR, model_fingerprint

    default = Checkpoint.load(DEFAULT_CHECKPOINT_DIR)
    assert default.metadata["encoder_base"] == model_fingerprint(default_model_path())
    tools = [ToolSpec("get_weather", "Current weather for a city."), ToolSpec("send_email", "Send an email.")]

    # the same weights in another folder: the default applies, its deltas merged into the copy
    copy = tmp_path / "minilm-copy"
    shutil.copytree(default_model_path(), copy)
    same = Router(RouterOptions(encoder=str(copy), encoder_backend="torch"))
    assert same.version == default.version and same.checkpoint.encoder_lora is not None

    # other weights (here: MiniLM with other deltas): the implicit default steps aside, zero-shot
    other = materialize(default_model_path(), random_lora(9))
    with caplog.at_level("WARNING", logger="toolproxy.router"):
        router = Router(RouterOptions(encoder=other, encoder_backend="torch"))
    assert router.version == "zero-shot" and router.encoder.path == other
    assert "not the model the default checkpoint" in caplog.text
    assert router.decide_query("will it rain in Oslo tomorrow?", tools).tool == "get_weather"

    # ... and a checkpoint named in the config refuses it
    with pytest.raises(ValueError, match="trained on another encoder"):
        Router(RouterOptions(encoder=other, checkpoint=str(DEFAULT_CHECKPOINT_DIR), encoder_backend="torch"))

    # a path with no model is reported as such by the encoder load, not as a mismatch
    assert model_fingerprint(tmp_path / "missing") == ""
    with pytest.raises(Exception) as missing:  # noqa: PT011 - whatever sentence-transformers raises
        Router(RouterOptions(encoder=str(tmp_path / "missing"), checkpoint=str(DEFAULT_CHECKPOINT_DIR),
                             encoder_backend="torch"))
    assert "trained on another encoder" not in str(missing.value)
