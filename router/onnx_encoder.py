"""The router's encoder on ONNX Runtime: the same vectors as ``router.encoder.Encoder``, no torch.

A sentence-transformers model directory (Transformer → Pooling → Normalize, like the shipped
all-MiniLM-L6-v2) is exported once to ONNX by ``ensure_onnx``, which needs torch and
sentence-transformers, checks the export against sentence-transformers and publishes it
atomically into a cache. Later starts load the cached file with ``onnxruntime`` + ``tokenizers``
only: importing torch and sentence-transformers is most of the torch encoder's start-up
(seconds), and ONNX Runtime's forward pass costs about half the CPU of torch's for one query.

``make_encoder`` picks the backend: ``"torch"``, ``"onnx"``, or ``"auto"`` (ONNX when it works,
else torch with a logged warning).

``OnnxEncoder.model_id`` equals the torch ``Encoder.model_id`` for the same model and
truncation on purpose: the export is verified to give the same vectors (cosine ≥ 0.9999, in
practice ≥ 0.9999999), and ``EmbeddingStore`` stores float16 vectors, whose rounding (~1e-3)
is far larger than the difference between the backends, so caches stay shared between them.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import tempfile
import threading
import warnings
from collections.abc import Callable, Iterator, Sequence
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from router.encoder import DEFAULT_MAX_SEQ_LENGTH, Encoder, ModelIdentity, default_model_path

if TYPE_CHECKING:
    import onnxruntime
    from tokenizers import Tokenizer

log = logging.getLogger(__name__)

CACHE_DIR_ENV = "TOOLPROXY_CACHE_DIR"
THREADS_ENV = "TOOLPROXY_ONNX_THREADS"
EXPORT_FORMAT = 1  # bump when the exported graph's inputs/outputs change
OPSET = 17
MIN_COSINE = 0.9999
# int8 weights move vectors (measured: mean cosine 0.994, min 0.986 on 400 queries); how far depends on the
# CPU's int8 kernels (min 0.972-0.978 on the check texts on two machines), so the mean must stay close
# and no text may move far
MEAN_COSINE_INT8 = 0.98
MIN_COSINE_INT8 = 0.95
ONNX_FILE = "model.onnx"
INT8_FILE = "model.int8.onnx"
META_FILE = "export.json"
BACKENDS = ("auto", "torch", "onnx", "onnx-int8")
# Largest batch per forward pass. ONNX Runtime's CPU cost per text grows with the batch here
# (MiniLM, 256 MetaTool queries, 1 thread: 6.2-6.5 ms/text at 1-8, 8.5 at 32, 11 at 64), so
# bigger requested batches are split.
MAX_BATCH = 8

_SUPPORTED_MODULES = {
    "sentence_transformers.models.Transformer": "transformer",
    "sentence_transformers.models.Pooling": "pooling",
    "sentence_transformers.models.Normalize": "normalize",
    "sentence_transformers.base.modules.transformer.Transformer": "transformer",
    "sentence_transformers.base.modules.pooling.Pooling": "pooling",
    "sentence_transformers.base.modules.normalize.Normalize": "normalize",
    "sentence_transformers.sentence_transformer.modules.pooling.Pooling": "pooling",
}
_POOLING_KEYS = {
    "pooling_mode_cls_token": "cls",
    "pooling_mode_mean_tokens": "mean",
    "pooling_mode_max_tokens": "max",
    "pooling_mode_mean_sqrt_len_tokens": "mean_sqrt_len",
    "pooling_mode_weightedmean_tokens": "weightedmean",
    "pooling_mode_lasttoken": "lasttoken",
}
_POOLING_MODES = ("mean", "cls", "max")

VERIFY_TEXTS = (
    "what's the weather in Paris tomorrow?",
    "book a table for two at an italian restaurant near me at 8pm",
    "Convert 100 USD to EUR",
    "¿Cuál es la capital de Australia? 東京の天気は？ Ünïcödé — émojis 🚀🔥",
    "x",
    " ".join(["send an email to my manager about the quarterly report and attach the slides"] * 20),
)


class OnnxEncoderError(RuntimeError):
    """The ONNX encoder cannot be built: missing packages, an unsupported model, or a bad export."""


# ---------------------------------------------------------------------------------- model layout


class ModelLayout:
    """What the sentence-transformers model directory holds: transformer dir, pooling, tokenizer."""

    def __init__(self, model_path: str) -> None:
        root = Path(model_path)
        self.dim: int | None = None
        if not root.is_dir():
            raise OnnxEncoderError(f"{model_path}: not a model directory")
        modules_file = root / "modules.json"
        if not modules_file.exists():
            # A plain transformers model: sentence-transformers adds mean pooling.
            self.transformer_dir, self.pooling = root, "mean"
        else:
            self._read_modules(model_path, json.loads(modules_file.read_text()))
        self.tokenizer_file = self.transformer_dir / "tokenizer.json"
        if not self.tokenizer_file.exists():
            raise OnnxEncoderError(f"{model_path}: no tokenizer.json (a fast tokenizer) to tokenize with")

    def _read_modules(self, model_path: str, modules: list[dict[str, Any]]) -> None:
        root = Path(model_path)
        kinds: dict[str, str] = {}
        for module in modules:
            kind = _SUPPORTED_MODULES.get(str(module.get("type")))
            if kind is None:
                raise OnnxEncoderError(
                    f"{model_path}: module {module.get('type')!r} is not supported by the ONNX encoder "
                    "(Transformer, Pooling and Normalize are); use the torch backend"
                )
            kinds[kind] = str(module.get("path", ""))
        if "transformer" not in kinds or "pooling" not in kinds:
            raise OnnxEncoderError(f"{model_path}: needs a Transformer and a Pooling module")
        self.transformer_dir = root / kinds["transformer"]
        pooling = json.loads((root / kinds["pooling"] / "config.json").read_text())
        modes = [mode for key, mode in _POOLING_KEYS.items() if pooling.get(key)]
        if not modes and isinstance(pooling.get("pooling_mode"), str):  # sentence-transformers >= 6 layout
            modes = [pooling["pooling_mode"]]
        if len(modes) != 1 or modes[0] not in _POOLING_MODES:
            raise OnnxEncoderError(f"{model_path}: pooling {modes} is not supported (one of {_POOLING_MODES})")
        self.pooling = modes[0]
        self.dim = int(pooling.get("word_embedding_dimension") or pooling.get("embedding_dimension") or 0) or None

    def fingerprint(self) -> list[tuple[str, int, int]]:
        """(name, size, mtime) of the transformer's files: a retrained model at the same path re-exports."""
        rows = []
        for path in sorted(self.transformer_dir.iterdir()):
            if path.is_file():
                st = path.stat()
                rows.append((path.name, st.st_size, st.st_mtime_ns))
        return rows


# ---------------------------------------------------------------------------------- cache + export


def cache_root() -> Path:
    """``$TOOLPROXY_CACHE_DIR``, else ``$XDG_CACHE_HOME/toolproxy`` (``~/.cache/toolproxy``)."""
    env = os.environ.get(CACHE_DIR_ENV)
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "toolproxy"


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "-"


def export_key(model_path: str, max_seq_length: int) -> str:
    """Cache key: absolute model path, its files, the truncation and the exporter's versions.

    Computed from package metadata, so checking the cache imports neither torch nor transformers.
    """
    layout = ModelLayout(model_path)
    parts = {
        "path": os.path.abspath(model_path),
        "files": layout.fingerprint(),
        "max_seq_length": max_seq_length,
        "format": EXPORT_FORMAT,
        "opset": OPSET,
        "versions": {p: _version(p) for p in ("torch", "transformers", "sentence-transformers")},
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:16]


def export_dir(model_path: str, max_seq_length: int = DEFAULT_MAX_SEQ_LENGTH) -> Path:
    return cache_root() / "onnx" / export_key(model_path, max_seq_length)


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """An exclusive lock between processes (POSIX ``flock``); a no-op where ``fcntl`` is missing."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: the atomic rename still keeps the cache sound
        yield
        return
    with open(path, "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def ensure_onnx(model_path: str | None = None, max_seq_length: int = DEFAULT_MAX_SEQ_LENGTH) -> Path:
    """The cached ONNX export of the model's transformer, exporting (and verifying) it first if needed."""
    return _ensure_onnx(model_path or default_model_path(), max_seq_length)[0]


def _publish(target: Path, build: Callable[[Path], None], failure: str) -> bool:
    """Make ``target`` once across processes: under its folder's lock, ``build`` writes a temporary file
    that is then renamed into place (atomic). False when it was already there."""
    if target.exists():
        return False
    folder = target.parent
    folder.mkdir(parents=True, exist_ok=True)
    with _file_lock(folder / ".lock"):
        if target.exists():
            return False
        for stale in folder.glob(".model-*.onnx.tmp"):  # left by a writer that was killed
            stale.unlink(missing_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=".model-", suffix=".onnx.tmp", dir=folder)
        os.close(fd)
        tmp = Path(tmp_name)
        try:
            build(tmp)
            tmp.chmod(0o644)
            os.replace(tmp, target)
        except OnnxEncoderError:
            raise
        except Exception as exc:
            raise OnnxEncoderError(f"{failure}: {exc!r}") from exc
        finally:
            tmp.unlink(missing_ok=True)
    return True


def _ensure_onnx(model_path: str, max_seq_length: int) -> tuple[Path, bool]:
    """``(path, exported_now)``. Two processes starting at once: one exports, the other waits and reuses."""
    folder = export_dir(model_path, max_seq_length)
    target = folder / ONNX_FILE

    def build(tmp: Path) -> None:
        _export(model_path, tmp)
        cosine = verify_export(tmp, model_path, max_seq_length)
        meta = {
            "model_path": os.path.abspath(model_path),
            "max_seq_length": max_seq_length,
            "min_cosine": cosine,
            "versions": {p: _version(p) for p in ("torch", "transformers", "sentence-transformers",
                                                  "onnx", "onnxruntime")},
        }
        (folder / META_FILE).write_text(json.dumps(meta, indent=2))

    made = _publish(target, build, f"exporting {model_path} to ONNX failed")
    if made:
        log.info("exported %s to %s", model_path, target)
    return target, made


def _ensure_int8(model_path: str, max_seq_length: int) -> tuple[Path, bool]:
    """The export with its matrix multiplications' weights quantised to int8 (dynamic, per channel):
    ~2.5x faster per query on CPU, vectors close to but not equal to fp32's (checked against it)."""
    source, exported = _ensure_onnx(model_path, max_seq_length)
    target = source.with_name(INT8_FILE)

    def build(tmp: Path) -> None:
        try:
            from onnxruntime.quantization import QuantType, quantize_dynamic
        except ImportError as exc:
            raise OnnxEncoderError(f"int8 quantisation needs onnxruntime's quantization tools: {exc}") from exc
        quantize_dynamic(source, tmp, weight_type=QuantType.QInt8, per_channel=True, op_types_to_quantize=["MatMul"])
        reference = OnnxEncoder(model_path, max_seq_length, 1, onnx_path=source).encode(list(VERIFY_TEXTS))
        cosines = _cosines_to(reference, tmp, model_path, max_seq_length, batch_size=MAX_BATCH)
        if not (cosines.mean() >= MEAN_COSINE_INT8 and cosines.min() >= MIN_COSINE_INT8):
            raise OnnxEncoderError(
                f"the int8 export of {model_path} moved its vectors too far (cosine to fp32: mean "
                f"{cosines.mean():.4f}, min {cosines.min():.4f}; needed {MEAN_COSINE_INT8} / {MIN_COSINE_INT8}); "
                "use encoder_backend onnx")

    made = _publish(target, build, f"quantising {source} failed")
    if made:
        log.info("quantised %s to %s", source, target)
    return target, exported or made


def _export(model_path: str, out: Path) -> None:
    """Export the transformer (token embeddings out) with torch's TorchScript-based exporter."""
    try:
        import onnx  # noqa: F401  (the exporter needs it)
        import torch
        from transformers import AutoModel, AutoTokenizer
    except ImportError as exc:
        raise OnnxEncoderError(f"exporting to ONNX needs torch, transformers and onnx: {exc}") from exc
    layout = ModelLayout(model_path)
    tokenizer = AutoTokenizer.from_pretrained(str(layout.transformer_dir))
    model = AutoModel.from_pretrained(str(layout.transformer_dir)).eval()
    batch = tokenizer(["an example query", "a second, longer example query"], padding=True, return_tensors="pt")
    names = [n for n in ("input_ids", "attention_mask", "token_type_ids") if n in batch]

    class TokenEmbeddings(torch.nn.Module):
        def __init__(self, inner: Any) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, *inputs: Any) -> Any:
            return self.inner(**dict(zip(names, inputs, strict=True))).last_hidden_state

    axes = {0: "batch", 1: "sequence"}
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer warnings about shape-dependent Python branches
        torch.onnx.export(
            TokenEmbeddings(model),
            tuple(batch[n] for n in names),
            str(out),
            input_names=names,
            output_names=["token_embeddings"],
            dynamic_axes={**{n: axes for n in names}, "token_embeddings": axes},
            opset_version=OPSET,
            dynamo=False,
        )


def _cosines_to(reference: np.ndarray, onnx_path: Path, model_path: str, max_seq_length: int,
                batch_size: int) -> np.ndarray:
    """Cosine per text between ``reference`` vectors of ``VERIFY_TEXTS`` and the ONNX file's (batched as
    given: with int8 weights the padding of a batch moves the vectors a little)."""
    candidate = OnnxEncoder(model_path, max_seq_length=max_seq_length, onnx_path=onnx_path,
                            num_threads=1).encode(list(VERIFY_TEXTS), batch_size=batch_size)
    return np.asarray((reference * candidate).sum(axis=1))


def verify_export(onnx_path: Path, model_path: str, max_seq_length: int) -> float:
    """Min cosine between the export's vectors and sentence-transformers' on ``VERIFY_TEXTS``."""
    reference = Encoder(model_path, max_seq_length=max_seq_length).encode(list(VERIFY_TEXTS))
    cosine = float(_cosines_to(reference, onnx_path, model_path, max_seq_length, batch_size=4).min())
    if not cosine >= MIN_COSINE:
        raise OnnxEncoderError(
            f"the ONNX export of {model_path} does not match sentence-transformers "
            f"(min cosine {cosine:.6f} < {MIN_COSINE})"
        )
    return cosine


# ---------------------------------------------------------------------------------- encoder


def default_threads() -> int:
    """Intra-op threads: ``$TOOLPROXY_ONNX_THREADS``, else 1.

    Measured on the shared 2-core box under load ~2-3 (bench/README.md), ten interleaved runs of
    300 queries: 2 threads changed the query p50 by 0 to -0.8 ms but cost 1-2 ms more CPU per query,
    which the server's other requests pay for. Set 2 on an idle multi-core machine.
    """
    try:
        return max(1, int(os.environ.get(THREADS_ENV, "1")))
    except ValueError:
        return 1


class OnnxEncoder(ModelIdentity):
    """A sentence-transformers model run by ONNX Runtime; the public surface of ``router.encoder.Encoder``.

    Thread-safe: a lock serialises forward passes, as the torch encoder does (on a small CPU,
    parallel passes only contend). Imports neither torch nor sentence-transformers unless the
    export has to be made.
    """

    def __init__(
        self,
        model_path: str | None = None,
        max_seq_length: int = DEFAULT_MAX_SEQ_LENGTH,
        num_threads: int | None = None,
        *,
        onnx_path: str | Path | None = None,
        int8: bool = False,
    ) -> None:
        try:
            import onnxruntime as ort
            from tokenizers import Tokenizer
        except ImportError as exc:
            raise OnnxEncoderError(f"the ONNX encoder needs onnxruntime and tokenizers: {exc}") from exc
        self.path = model_path or default_model_path()
        self.max_seq_length = max_seq_length
        self.num_threads = num_threads or default_threads()
        layout = ModelLayout(self.path)
        self.pooling = layout.pooling
        self.int8 = int8
        if onnx_path is None:
            path, self.exported = (_ensure_int8 if int8 else _ensure_onnx)(self.path, max_seq_length)
        else:
            path, self.exported = Path(onnx_path), False
        self.onnx_path = path
        try:
            self._session = _session(ort, path, self.num_threads)
        except Exception as exc:
            raise OnnxEncoderError(
                f"cannot load the ONNX export {path} ({exc!r}); delete its folder to export again"
            ) from exc
        self._inputs = [i.name for i in self._session.get_inputs()]
        self._tokenizer = _tokenizer(Tokenizer, layout, max_seq_length)
        out_dim = self._session.get_outputs()[0].shape[-1]
        self.dim = layout.dim or (int(out_dim) if isinstance(out_dim, int) else 384)
        self._lock = threading.Lock()

    @property
    def model_id(self) -> str:
        """As the torch encoder's (shared caches), except for int8 weights, whose vectors differ."""
        return super().model_id + ("-int8" if self.int8 else "")

    def encode(self, texts: Sequence[str], batch_size: int = 64, show_progress: bool = False) -> np.ndarray:
        """L2-normalised float32 embeddings, one row per text (batched by length, like sentence-transformers;
        batches above ``MAX_BATCH`` are split, as they only cost more per text)."""
        items = list(texts)
        out = np.zeros((len(items), self.dim), dtype=np.float32)
        if not items:
            return out
        order = np.argsort([-len(t) for t in items], kind="stable")
        size = max(1, min(batch_size, MAX_BATCH))
        starts: Any = range(0, len(items), size)
        if show_progress:
            from tqdm import tqdm

            starts = tqdm(starts, desc="embedding", unit="batch")
        for start in starts:
            index = order[start:start + size]
            out[index] = self._embed([items[i] for i in index])
        return out

    def _embed(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            batch = self._tokenizer.encode_batch(texts)
            ids = np.array([e.ids for e in batch], dtype=np.int64)
            mask = np.array([e.attention_mask for e in batch], dtype=np.int64)
            feeds = {"input_ids": ids, "attention_mask": mask,
                     "token_type_ids": np.array([e.type_ids for e in batch], dtype=np.int64)}
            hidden = self._session.run(None, {name: feeds[name] for name in self._inputs})[0]
        return _normalise(_pool(np.asarray(hidden, dtype=np.float32), mask, self.pooling))


def _session(ort: Any, path: Path, threads: int) -> onnxruntime.InferenceSession:
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    # Idle pool threads sleep instead of spinning: on a shared CPU spinning steals the server's cores.
    opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])


def _tokenizer(cls: type[Tokenizer], layout: ModelLayout, max_seq_length: int) -> Tokenizer:
    tokenizer = cls.from_file(str(layout.tokenizer_file))
    pad_token = "[PAD]"
    config_file = layout.transformer_dir / "tokenizer_config.json"
    if config_file.exists():
        value = json.loads(config_file.read_text()).get("pad_token")
        if isinstance(value, dict):
            value = value.get("content")
        if isinstance(value, str):
            pad_token = value
    pad_id = tokenizer.token_to_id(pad_token)
    tokenizer.enable_truncation(max_length=max_seq_length)
    tokenizer.enable_padding(pad_id=pad_id if pad_id is not None else 0, pad_token=pad_token)
    return tokenizer


def _pool(hidden: np.ndarray, mask: np.ndarray, mode: str) -> np.ndarray:
    if mode == "cls":
        return hidden[:, 0]
    weights = mask[..., None].astype(np.float32)
    if mode == "max":
        return np.where(weights > 0, hidden, -1e9).max(axis=1)
    return (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)


def _normalise(vectors: np.ndarray) -> np.ndarray:
    norms = np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    return (vectors / norms).astype(np.float32)


# ---------------------------------------------------------------------------------- factory


def make_encoder(
    model_path: str | None,
    device: str = "cpu",
    backend: str = "auto",
    *,
    max_seq_length: int = DEFAULT_MAX_SEQ_LENGTH,
    torch_threads: int | None = None,
    onnx_threads: int | None = None,
) -> Encoder | OnnxEncoder:
    """The router's encoder: ``"torch"`` (sentence-transformers), ``"onnx"`` (errors raise),
    ``"onnx-int8"`` (ONNX with int8 weights: faster, vectors slightly moved; errors raise), or
    ``"auto"``: ONNX on CPU when onnxruntime is installed and a cached or fresh export works,
    else torch with a warning. Any ``device`` other than ``"cpu"`` means torch."""
    if backend not in BACKENDS:
        raise ValueError(f"unknown encoder backend {backend!r} (one of {', '.join(BACKENDS)})")
    if backend.startswith("onnx") and device != "cpu":
        raise ValueError(f"the ONNX encoder runs on cpu only, not {device!r}")
    if backend == "torch" or device != "cpu":
        return Encoder(model_path, device=device, max_seq_length=max_seq_length, num_threads=torch_threads)
    if backend in ("onnx", "onnx-int8"):
        return OnnxEncoder(model_path, max_seq_length=max_seq_length, num_threads=onnx_threads,
                           int8=backend == "onnx-int8")
    try:
        return OnnxEncoder(model_path, max_seq_length=max_seq_length, num_threads=onnx_threads)
    except Exception as exc:  # noqa: BLE001 - any failure falls back to the encoder that always works
        log.warning("ONNX encoder unavailable, using sentence-transformers on torch: %s", exc)
        return Encoder(model_path, device=device, max_seq_length=max_seq_length, num_threads=torch_threads)
