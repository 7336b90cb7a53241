"""Versioned router checkpoints: a directory with ``metadata.json`` and ``weights.npz``.

``weights.npz`` holds the adapter (``adapter``), the decision head (``head/<name>``), an
optional exemplar memory (``memory_vectors`` fp16, ``memory_tools`` names) and optional LoRA
deltas of a fine-tuned encoder (``encoder_lora/<module>.a|b``, see ``router.finetune``) and an optional
catalogue classifier (``clf/...``, see ``router.classifier``), and optionally a zero-shot view for
catalogues without exemplars (``unseen_adapter``, ``unseen_head/<name>``). Everything loads with
``allow_pickle=False``. ``metadata.json`` carries the version, encoder, thresholds, temperatures,
catalogue hash, data sizes, metrics, creation time and the description fingerprints the memory is
scoped to (``memory_descriptions``).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from router.actionable import ActionProbe
from router.classifier import CatalogueClassifier
from router.finetune import LORA_PREFIX
from router.model import Adapter, HeadWeights, heuristic_head

FORMAT = 1
DEFAULT_CHECKPOINT_DIR = Path(__file__).parent / "default_checkpoint"


@dataclass
class Checkpoint:
    """Everything the router loads besides the encoder."""

    version: str
    adapter: Adapter
    head: HeadWeights
    threshold: float
    memory_vectors: np.ndarray  # (m, dim) float32, adapted and normalised
    memory_tools: list[str]  # tool name per memory row
    metadata: dict[str, Any] = field(default_factory=dict)
    encoder_lora: dict[str, np.ndarray] | None = None  # fine-tuned encoder deltas (router.finetune)
    threshold_unseen: float | None = None  # bar when no offered tool has exemplars (None = threshold)
    classifier: CatalogueClassifier | None = None  # over the memory's tools (router.classifier)
    # name -> fingerprints of the descriptions the memory and classifier learned that tool under; a
    # listed name counts as known only when offered with one of them (``description_fingerprint``)
    memory_descriptions: dict[str, list[str]] = field(default_factory=dict)
    # where no offered tool has exemplars: this adapter + head decide instead (with ``threshold_unseen``);
    # the zero-shot view of the checkpoint training started from (None = ``adapter`` + ``head``)
    unseen_adapter: Adapter | None = None
    unseen_head: HeadWeights | None = None
    zero_shot_bars: tuple[float, float] | None = None  # its bars with / without run-time exemplars
    # P(a request needs a tool) from the zero-shot view's routing vector (router.actionable)
    actionable: ActionProbe | None = None

    @classmethod
    def zero_shot(cls, dim: int = 384) -> Checkpoint:
        """No training: identity adapter, cosine head with a fixed NONE bar."""
        return cls(
            version="zero-shot",
            adapter=Adapter.identity(dim),
            head=heuristic_head(),
            threshold=0.5,
            memory_vectors=np.zeros((0, dim), dtype=np.float32),
            memory_tools=[],
            metadata={"format": FORMAT, "kind": "zero-shot"},
        )

    def save(self, directory: str | Path) -> Path:
        """Write atomically (a temp dir renamed into place); returns the directory."""
        out = Path(directory)
        tmp = out.with_name(out.name + ".tmp")
        if tmp.exists():
            shutil.rmtree(tmp)
        tmp.mkdir(parents=True)
        arrays: dict[str, Any] = {"adapter": self.adapter.weight.astype(np.float32)}
        for name, value in self.head.arrays.items():
            arrays[f"head/{name}"] = value.astype(np.float32)
        if self.unseen_head is not None and self.unseen_adapter is not None:
            arrays["unseen_adapter"] = self.unseen_adapter.weight.astype(np.float32)
            for name, value in self.unseen_head.arrays.items():
                arrays[f"unseen_head/{name}"] = value.astype(np.float32)
        arrays["memory_vectors"] = self.memory_vectors.astype(np.float16)
        arrays["memory_tools"] = np.array(self.memory_tools, dtype=str)
        for name, value in (self.encoder_lora or {}).items():
            arrays[LORA_PREFIX + name] = value.astype(np.float16)
        if self.classifier is not None:
            arrays.update(self.classifier.to_arrays())
        if self.actionable is not None:
            arrays.update(self.actionable.to_arrays())
        np.savez_compressed(tmp / "weights.npz", **arrays)
        meta = dict(self.metadata)
        meta.update(
            {
                "format": FORMAT,
                "version": self.version,
                "threshold": self.threshold,
                "threshold_unseen": self.threshold_unseen,
                "temperature": self.head.temperature,
                "unseen_temperature": self.unseen_head.temperature if self.unseen_head is not None else None,
                "zero_shot_bars": list(self.zero_shot_bars) if self.zero_shot_bars is not None else None,
                "memory_size": len(self.memory_tools),
                "memory_descriptions": self.memory_descriptions,
            }
        )
        meta.setdefault("created_at", datetime.now(UTC).isoformat(timespec="seconds"))
        (tmp / "metadata.json").write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n")
        if out.exists():
            shutil.rmtree(out)
        os.replace(tmp, out)
        return out

    @classmethod
    def load(cls, directory: str | Path) -> Checkpoint:
        path = Path(directory)
        meta = json.loads((path / "metadata.json").read_text())
        with np.load(path / "weights.npz", allow_pickle=False) as data:
            arrays = {key: data[key] for key in data.files}
        head_arrays = {k.removeprefix("head/"): v for k, v in arrays.items() if k.startswith("head/")}
        lora = {k.removeprefix(LORA_PREFIX): v for k, v in arrays.items() if k.startswith(LORA_PREFIX)}
        unseen = {k.removeprefix("unseen_head/"): v for k, v in arrays.items() if k.startswith("unseen_head/")}
        return cls(
            version=str(meta["version"]),
            adapter=Adapter(arrays["adapter"].astype(np.float32)),
            head=HeadWeights(head_arrays, temperature=float(meta.get("temperature", 1.0))),
            threshold=float(meta["threshold"]),
            threshold_unseen=float(meta["threshold_unseen"]) if meta.get("threshold_unseen") is not None else None,
            memory_vectors=arrays["memory_vectors"].astype(np.float32),
            memory_tools=[str(t) for t in arrays["memory_tools"].tolist()],
            metadata=meta,
            encoder_lora=lora or None,
            classifier=CatalogueClassifier.from_arrays(arrays),
            unseen_adapter=Adapter(arrays["unseen_adapter"].astype(np.float32)) if unseen else None,
            unseen_head=HeadWeights(unseen, temperature=float(meta["unseen_temperature"])) if unseen else None,
            zero_shot_bars=_bars(meta.get("zero_shot_bars")),
            actionable=ActionProbe.from_arrays(arrays),
            memory_descriptions={str(k): [str(f) for f in v] for k, v in meta.get("memory_descriptions", {}).items()},
        )


def _bars(value: Any) -> tuple[float, float] | None:
    return (float(value[0]), float(value[1])) if value else None


def load_checkpoint(directory: str | Path | None) -> Checkpoint:
    """The checkpoint at ``directory``; None → the shipped default, or zero-shot if absent."""
    if directory is not None:
        return Checkpoint.load(directory)
    if (DEFAULT_CHECKPOINT_DIR / "metadata.json").exists():
        return Checkpoint.load(DEFAULT_CHECKPOINT_DIR)
    return Checkpoint.zero_shot()


def encoder_path(base_path: str | None, checkpoint: Checkpoint) -> str | None:
    """The model folder the router encodes with: the base model, or (when the checkpoint carries
    LoRA deltas) a cached copy with them merged in. None = the shipped MiniLM, untuned."""
    if not checkpoint.encoder_lora:
        return base_path
    from router.encoder import default_model_path
    from router.finetune import materialize

    return materialize(base_path or default_model_path(), checkpoint.encoder_lora)


def model_fingerprint(path: str | Path) -> str:
    """Content hash of a model folder's weight files (``*.safetensors``, else ``*.bin``): which base
    model a checkpoint was trained on (its ``encoder_base``), wherever that folder is installed.
    ``""`` when the folder holds no weight files (or does not exist)."""
    folder = Path(path)
    files = sorted(folder.rglob("*.safetensors")) or sorted(folder.rglob("*.bin"))
    if not files:
        return ""
    stats = tuple((str(f), f.stat().st_size, f.stat().st_mtime_ns) for f in files)
    return _fingerprint(stats)


@functools.lru_cache(maxsize=16)
def _fingerprint(stats: tuple[tuple[str, int, int], ...]) -> str:
    digest = hashlib.sha256()
    for name, _, _ in stats:
        with open(name, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()[:16]


@functools.lru_cache(maxsize=4096)  # the router asks for every offered tool of a known name
def description_fingerprint(description: str) -> str:
    """A tool description's identity, blind to case and spacing (``Checkpoint.memory_descriptions``)."""
    return hashlib.sha256(" ".join(description.lower().split()).encode("utf-8")).hexdigest()[:12]


def catalogue_hash(tool_texts: list[str]) -> str:
    """Order-independent hash of a tool catalogue's texts."""
    digest = hashlib.sha256("\n".join(sorted(tool_texts)).encode("utf-8")).hexdigest()
    return digest[:16]


def new_version(prefix: str = "router") -> str:
    return f"{prefix}-{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}"
