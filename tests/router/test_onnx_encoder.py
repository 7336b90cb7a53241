"""router.onnx_encoder with the real MiniLM: one export into a temporary cache, compared with torch."""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from router.encoder import Encoder, default_model_path
from router.onnx_encoder import (
    CACHE_DIR_ENV,
    ModelLayout,
    OnnxEncoder,
    OnnxEncoderError,
    default_threads,
    ensure_onnx,
    export_key,
    make_encoder,
)

ROOT = Path(__file__).resolve().parents[2]

TEXTS = [
    "what's the weather in Paris tomorrow?",
    "and in Boston?",
    "don't search the web, just answer from memory",
    "book a table for two at 8pm",
    "Convert 250 GBP to JPY please",
    "send an email to alice@example.com with the Q3 report attached",
    "play some jazz",
    "x",
    "?",
    "",
    "Wie spät ist es in Tokio?",
    "东京明天的天气怎么样？",
    "¿Cuál es la capital de Australia?",
    "Привет, как дела?",
    "emoji only 🚀🔥🎉",
    "getWeatherForecast(city='Paris', units=metric)",
    "   lots   of   spaces\tand\ttabs\nand newlines   ",
    "a " * 400,
    " ".join(["summarise the meeting notes and list every action item with its owner"] * 15),
    "SELECT name FROM users WHERE id = 42; -- what does this query return?",
]


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("toolproxy-cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(CACHE_DIR_ENV, str(root))
        yield root


@pytest.fixture(scope="module")
def first(cache_dir: Path) -> OnnxEncoder:
    """The first construction: exports (and verifies) into the empty cache."""
    return OnnxEncoder()


@pytest.fixture(scope="module")
def torch_encoder() -> Encoder:
    return Encoder()


def test_first_construction_exports_into_the_cache(first: OnnxEncoder, cache_dir: Path) -> None:
    assert first.exported
    assert first.onnx_path.is_relative_to(cache_dir / "onnx")
    assert first.onnx_path.name == "model.onnx"
    meta = json.loads((first.onnx_path.parent / "export.json").read_text())
    assert meta["min_cosine"] >= 0.9999
    assert not list(first.onnx_path.parent.glob("*.tmp")), "the temporary export was left behind"


def test_vectors_match_the_torch_encoder(first: OnnxEncoder, torch_encoder: Encoder) -> None:
    ours = first.encode(TEXTS, batch_size=7)
    theirs = torch_encoder.encode(TEXTS)
    assert ours.shape == (len(TEXTS), 384) and ours.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    cosines = (ours * theirs).sum(axis=1)
    assert cosines.min() >= 0.9999, cosines
    # one text at a time (no padding) gives the same rows as a padded batch
    single = np.stack([first.encode([t])[0] for t in TEXTS[:6]])
    np.testing.assert_allclose(single, ours[:6], atol=1e-5)


def test_same_surface_and_model_id_as_the_torch_encoder(first: OnnxEncoder, torch_encoder: Encoder) -> None:
    for attr in ("path", "name", "model_id", "dim", "max_seq_length"):
        assert getattr(first, attr) == getattr(torch_encoder, attr), attr
    empty = first.encode([])
    assert empty.shape == (0, 384) and empty.dtype == np.float32


def test_second_construction_reuses_the_cached_export(first: OnnxEncoder) -> None:
    mtime = first.onnx_path.stat().st_mtime_ns
    second = OnnxEncoder()
    assert not second.exported
    assert second.onnx_path == first.onnx_path
    assert first.onnx_path.stat().st_mtime_ns == mtime
    assert ensure_onnx() == first.onnx_path
    np.testing.assert_allclose(second.encode(TEXTS[:3]), first.encode(TEXTS[:3]), atol=1e-6)


def test_export_key_depends_on_truncation_and_model_files(tmp_path: Path) -> None:
    model = default_model_path()
    assert export_key(model, 128) == export_key(model, 128)
    assert export_key(model, 128) != export_key(model, 64)
    copy = tmp_path / "copy"
    shutil.copytree(model, copy)
    assert export_key(str(copy), 128) != export_key(model, 128)
    os.utime(copy / "config.json", ns=(1, 1))
    before = export_key(str(copy), 128)
    os.utime(copy / "config.json", ns=(2, 2))
    assert export_key(str(copy), 128) != before


def test_make_encoder_backends(first: OnnxEncoder) -> None:
    auto = make_encoder(None)
    assert isinstance(auto, OnnxEncoder) and not auto.exported
    assert isinstance(make_encoder(None, backend="onnx"), OnnxEncoder)
    assert isinstance(make_encoder(None, backend="torch"), Encoder)
    with pytest.raises(ValueError, match="backend"):
        make_encoder(None, backend="tensorflow")
    with pytest.raises(ValueError, match="cpu only"):
        make_encoder(None, device="cuda", backend="onnx")


def test_int8_backend_quantises_once_and_stays_close(first: OnnxEncoder) -> None:
    int8 = make_encoder(None, backend="onnx-int8")
    assert isinstance(int8, OnnxEncoder) and int8.int8 and int8.exported
    assert int8.onnx_path == first.onnx_path.with_name("model.int8.onnx")
    assert int8.onnx_path.stat().st_size < 0.75 * first.onnx_path.stat().st_size  # int8 layer weights
    assert not list(int8.onnx_path.parent.glob("*.tmp"))
    cosines = (int8.encode(TEXTS) * first.encode(TEXTS)).sum(axis=1)
    assert cosines.min() >= 0.95 and cosines.mean() >= 0.98, cosines
    assert cosines.min() < 0.9999  # really another model: its vectors get their own cache keys
    assert int8.model_id == first.model_id + "-int8"
    again = OnnxEncoder(int8=True)
    assert not again.exported and again.onnx_path == int8.onnx_path
    with pytest.raises(ValueError, match="cpu only"):
        make_encoder(None, device="cuda", backend="onnx-int8")


def test_auto_falls_back_to_torch_when_the_model_cannot_run_on_onnx(
    tmp_path: Path, first: OnnxEncoder, caplog: pytest.LogCaptureFixture
) -> None:
    # Without tokenizer.json (a slow-tokenizer-only model) ONNX Runtime has nothing to tokenize with.
    model = tmp_path / "no-fast-tokenizer"
    shutil.copytree(default_model_path(), model)
    (model / "tokenizer.json").unlink()
    with pytest.raises(OnnxEncoderError, match="tokenizer.json"):
        make_encoder(str(model), backend="onnx")
    with caplog.at_level(logging.WARNING, logger="router.onnx_encoder"):
        encoder = make_encoder(str(model), backend="auto")
    assert isinstance(encoder, Encoder)
    assert "ONNX encoder unavailable" in caplog.text
    assert float(encoder.encode(["hello"])[0] @ first.encode(["hello"])[0]) >= 0.9999


def test_unsupported_module_is_a_clear_error(tmp_path: Path) -> None:
    model = tmp_path / "with-dense"
    shutil.copytree(default_model_path(), model)
    modules = json.loads((model / "modules.json").read_text())
    modules.append({"idx": 3, "name": "3", "path": "3_Dense", "type": "sentence_transformers.models.Dense"})
    (model / "modules.json").write_text(json.dumps(modules))
    with pytest.raises(OnnxEncoderError, match="Dense"):
        OnnxEncoder(str(model))


def test_corrupt_cached_export_is_a_clear_error_and_auto_falls_back(
    first: OnnxEncoder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CACHE_DIR_ENV, str(tmp_path))
    folder = tmp_path / "onnx" / first.onnx_path.parent.name
    folder.mkdir(parents=True)
    (folder / "model.onnx").write_bytes(b"not an onnx model")
    with pytest.raises(OnnxEncoderError, match="delete its folder"):
        OnnxEncoder()
    assert isinstance(make_encoder(None), Encoder)


def test_plain_transformers_folder_means_mean_pooling(tmp_path: Path) -> None:
    model = tmp_path / "plain"
    shutil.copytree(default_model_path(), model)
    (model / "modules.json").unlink()
    layout = ModelLayout(str(model))
    assert (layout.pooling, layout.transformer_dir) == ("mean", model)
    with pytest.raises(OnnxEncoderError, match="not a model directory"):
        ModelLayout(str(tmp_path / "missing"))


def test_two_processes_starting_at_once_export_once(tmp_path: Path) -> None:
    code = (
        "import json\n"
        "from router.onnx_encoder import OnnxEncoder\n"
        "e = OnnxEncoder()\n"
        "print(json.dumps({'exported': e.exported, 'vector': e.encode(['hello there'])[0].tolist()}))\n"
    )
    cache = tmp_path / "cache"
    stale = cache / "onnx" / export_key(default_model_path(), 128) / ".model-killed.onnx.tmp"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"half an export")
    env = {**os.environ, CACHE_DIR_ENV: str(cache), "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen([sys.executable, "-c", code], env=env, cwd=ROOT, stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True) for _ in range(2)]
    outs = [json.loads(p.communicate(timeout=180)[0].strip().splitlines()[-1]) for p in procs]
    assert all(p.returncode == 0 for p in procs)
    assert sorted(o["exported"] for o in outs) == [False, True]
    np.testing.assert_allclose(outs[0]["vector"], outs[1]["vector"], atol=1e-6)
    assert [p.name for p in stale.parent.iterdir() if p.name.endswith(".tmp")] == []


def test_cached_export_serves_without_importing_torch(first: OnnxEncoder, cache_dir: Path) -> None:
    code = (
        "import json, sys\n"
        "from router.onnx_encoder import OnnxEncoder\n"
        "e = OnnxEncoder()\n"
        "v = e.encode(['what is the weather in Paris tomorrow?'])[0]\n"
        "print(json.dumps({'exported': e.exported, 'torch': 'torch' in sys.modules,\n"
        "  'st': 'sentence_transformers' in sys.modules, 'vector': v.tolist()}))\n"
    )
    env = {**os.environ, CACHE_DIR_ENV: str(cache_dir), "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=120, check=True)
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out == {**out, "exported": False, "torch": False, "st": False}
    expected = first.encode(["what is the weather in Paris tomorrow?"])[0]
    np.testing.assert_allclose(np.array(out["vector"]), expected, atol=1e-5)


def test_concurrent_encode_from_threads(first: OnnxEncoder) -> None:
    expected = first.encode(TEXTS)
    results: dict[int, np.ndarray] = {}
    errors: list[BaseException] = []

    def work(worker: int) -> None:
        try:
            for _ in range(3):
                rows = [(worker + k) % len(TEXTS) for k in range(4)]
                got = first.encode([TEXTS[r] for r in rows], batch_size=2)
                np.testing.assert_allclose(got, expected[rows], atol=1e-5)
            results[worker] = got
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(w,)) for w in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert len(results) == 8


def test_default_threads_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TOOLPROXY_ONNX_THREADS", "2")
    assert default_threads() == 2
    monkeypatch.setenv("TOOLPROXY_ONNX_THREADS", "lots")
    assert default_threads() == 1
    monkeypatch.delenv("TOOLPROXY_ONNX_THREADS")
    assert default_threads() == 1
