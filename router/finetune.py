"""Encoder fine-tuning with LoRA: teach MiniLM which tool text answers which request.

The frozen encoder ranks unseen tools by topical similarity, which confuses near-duplicates
(``AddAgenda`` vs ``ModifyAgenda``) and tools whose names carry the meaning. Fine-tuning it
contrastively on (request, tool text) pairs from many catalogues fixes much of that, and low-rank
adapters (LoRA) keep what ships small: rank-``r`` factors for the attention and feed-forward
projections of every layer (~1 MB), merged into a copy of the base model at load time
(``materialize``), so both the torch and the ONNX encoders use it like any model folder.

Training: batches drawn from one corpus at a time (so in-batch negatives are tools of the same
catalogue), plus one hard negative per pair (one of the gold's nearest tools by the base model);
InfoNCE over the batch's tool texts; pairs sharing a gold tool are not each other's negatives.
Deterministic for a seed on one thread count.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import sys
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

LORA_PREFIX = "encoder_lora/"  # key prefix of the LoRA arrays in a checkpoint's weights.npz
TARGETS = (
    "attention.self.query",
    "attention.self.key",
    "attention.self.value",
    "attention.output.dense",
    "intermediate.dense",
    "output.dense",
)


@dataclass(frozen=True)
class Pair:
    query: str
    tool: str  # tool key (group::name)
    group: str


@dataclass
class FinetuneConfig:
    steps: int = 1200
    batch_size: int = 32
    rank: int = 8
    alpha: float = 16.0
    lr: float = 5e-4
    scale: float = 20.0  # logit scale of the InfoNCE loss (cosine * scale)
    hard_negatives: int = 1
    drop_rate: float = 0.3  # rows whose gold is hidden: then no tool of the batch may beat the bar
    none_per_batch: int = 8  # requests no tool answers (chit-chat, general requests), each batch, against the bar
    bar_init: float = 0.3  # the learned "no tool fits" cosine, one scalar (not shipped)
    hard_pool: int = 8  # a hard negative is drawn from the gold's nearest tools
    max_seq_length: int = 96
    seed: int = 0
    progress: bool = True


# ---------------------------------------------------------------------------- LoRA modules


def _lora_linear(base: Any, rank: int, alpha: float) -> Any:
    import torch
    from torch import nn

    class LoRALinear(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.base = base
            self.scaling = alpha / rank
            self.lora_a = nn.Parameter(torch.empty(rank, base.in_features))
            self.lora_b = nn.Parameter(torch.zeros(base.out_features, rank))
            nn.init.kaiming_uniform_(self.lora_a, a=5**0.5)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.base(x) + (x @ self.lora_a.T @ self.lora_b.T) * self.scaling

    return LoRALinear()


def _layers(st_model: Any) -> Any:
    return st_model[0].auto_model.encoder.layer


def _submodule(module: Any, dotted: str) -> Any:
    for part in dotted.split(".") if dotted else ():
        module = getattr(module, part)
    return module


def inject(st_model: Any, rank: int, alpha: float) -> dict[str, Any]:
    """Freeze ``st_model`` and wrap the target projections of every layer in LoRA; returns them by name."""
    for p in st_model.parameters():
        p.requires_grad_(False)
    out: dict[str, Any] = {}
    for i, layer in enumerate(_layers(st_model)):
        for target in TARGETS:
            parent, _, leaf = target.rpartition(".")
            owner = _submodule(layer, parent)
            wrapped = _lora_linear(getattr(owner, leaf), rank, alpha)
            setattr(owner, leaf, wrapped)
            out[f"{i}.{target}"] = wrapped
    return out


def lora_arrays(modules: dict[str, Any]) -> dict[str, np.ndarray]:
    """The merged weight deltas (``scaling * B @ A``), float16, by module name."""
    arrays: dict[str, np.ndarray] = {}
    for name, mod in modules.items():
        arrays[f"{name}.a"] = (mod.lora_a.detach().numpy() * mod.scaling).astype(np.float16)
        arrays[f"{name}.b"] = mod.lora_b.detach().numpy().astype(np.float16)
    return arrays


def merge(st_model: Any, arrays: dict[str, np.ndarray]) -> None:
    """Add the LoRA deltas of ``arrays`` into ``st_model``'s weights, in place."""
    import torch

    layers = _layers(st_model)
    names = {k.rsplit(".", 1)[0] for k in arrays}
    for name in sorted(names):
        index, target = name.split(".", 1)
        try:
            owner = _submodule(layers[int(index)], target)
        except (IndexError, AttributeError):
            owner = None
        delta = arrays[f"{name}.b"].astype(np.float32) @ arrays[f"{name}.a"].astype(np.float32)
        if owner is None or tuple(owner.weight.shape) != delta.shape:
            raise ValueError(
                f"the checkpoint's tuned-encoder deltas do not fit this model (layer {name}, delta "
                f"{delta.shape}): use a checkpoint trained with this encoder, or the encoder it was trained on"
            )
        with torch.no_grad():
            owner.weight += torch.from_numpy(delta)


def stack(first: dict[str, np.ndarray], second: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """One set of factors whose deltas are the sum of both (ranks add up)."""
    out = dict(first)
    for key, value in second.items():
        if key not in out:
            out[key] = value
        else:
            out[key] = np.concatenate([out[key], value], axis=0 if key.endswith(".a") else 1)
    return out


def lora_hash(arrays: dict[str, np.ndarray]) -> str:
    """Hash of the LoRA arrays' contents."""
    digest = hashlib.sha256()
    for key in sorted(arrays):
        digest.update(key.encode())
        digest.update(np.ascontiguousarray(arrays[key]).tobytes())
    return digest.hexdigest()[:12]


def materialize(base_path: str, arrays: dict[str, np.ndarray], cache_root: Path | None = None) -> str:
    """A model folder with the LoRA deltas merged into ``base_path``'s weights, built once under
    ``<cache>/encoders`` (the ONNX export's cache root: ``$TOOLPROXY_CACHE_DIR`` or ``~/.cache/toolproxy``)."""
    from router.encoder import text_hash
    from router.onnx_encoder import cache_root as toolproxy_cache

    root = cache_root or toolproxy_cache() / "encoders"
    base_id = text_hash(os.path.abspath(base_path))[:8]  # as in ModelIdentity.model_id
    target = root / f"{Path(base_path).name}-{base_id}-lora-{lora_hash(arrays)}"
    if (target / "modules.json").exists():
        return str(target)
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(base_path, device="cpu")
    merge(model, arrays)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.parent.mkdir(parents=True, exist_ok=True)
    # the base folder's layout, with only the transformer's weights replaced
    shutil.copytree(base_path, tmp, ignore=shutil.ignore_patterns("*.bin", "*.safetensors", "onnx", "openvino"))
    modules_file = Path(base_path) / "modules.json"
    sub = ""
    if modules_file.exists():
        for module in json.loads(modules_file.read_text()):
            if str(module.get("type", "")).endswith("Transformer"):
                sub = str(module.get("path", ""))
    transformer: Any = model[0].auto_model
    transformer.save_pretrained(str(tmp / sub), safe_serialization=True)
    try:
        os.replace(tmp, target)
    except OSError:  # another process won the race: theirs is identical
        shutil.rmtree(tmp, ignore_errors=True)
    return str(target)


# ---------------------------------------------------------------------------- training


def hard_negative_pool(tool_keys: Sequence[str], vectors: np.ndarray, groups: dict[str, list[str]],
                       pool: int) -> dict[str, list[str]]:
    """For each tool, its ``pool`` nearest tools of the same catalogue (by the given vectors)."""
    index = {k: i for i, k in enumerate(tool_keys)}
    out: dict[str, list[str]] = {}
    for keys in groups.values():
        keys = [k for k in keys if k in index]
        if len(keys) < 2:
            continue
        mat = vectors[[index[k] for k in keys]]
        sims = mat @ mat.T
        np.fill_diagonal(sims, -np.inf)
        take = min(pool, len(keys) - 1)
        nearest = np.argpartition(-sims, take - 1, axis=1)[:, :take]
        for row, key in enumerate(keys):
            out[key] = [keys[j] for j in nearest[row]]
    return out


def batches(pairs: Sequence[Pair], batch_size: int, steps: int, rng: random.Random) -> list[list[Pair]]:
    """``steps`` batches, each from one corpus (weighted by its size), cycling through shuffled pairs."""
    by_group: dict[str, list[Pair]] = defaultdict(list)
    for p in pairs:
        by_group[p.group].append(p)
    chunks: list[list[Pair]] = []
    while len(chunks) < steps:
        epoch: list[list[Pair]] = []
        for group in sorted(by_group):
            items = list(by_group[group])
            rng.shuffle(items)
            epoch += [items[i : i + batch_size] for i in range(0, len(items), batch_size)
                      if len(items[i : i + batch_size]) >= 4]
        rng.shuffle(epoch)
        chunks += epoch
    return chunks[:steps]


def finetune(
    pairs: Sequence[Pair],
    tool_texts: dict[str, str],
    hard_pool: dict[str, list[str]],
    base_path: str,
    config: FinetuneConfig,
    also_called: dict[str, set[str]] | None = None,
    log: Callable[[str], None] | None = None,
    none_queries: Sequence[str] = (),
) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """Train LoRA factors on ``pairs``; returns (merged-delta arrays by module, stats).

    Besides ranking (gold above the batch's other tools), the loss teaches an absolute "nothing
    fits" level: each row also scores a learned bar, which must win when the gold is hidden
    (``drop_rate``) and for ``none_queries``, so unrelated tools end up below it — what NONE
    detection needs from the geometry."""
    import torch
    from sentence_transformers import SentenceTransformer
    from tqdm import tqdm

    torch.manual_seed(config.seed)
    rng = random.Random(config.seed)
    model = SentenceTransformer(base_path, device="cpu")
    model.max_seq_length = config.max_seq_length
    modules = inject(model, config.rank, config.alpha)
    params = [p for m in modules.values() for p in (m.lora_a, m.lora_b)]
    bar_level = torch.nn.Parameter(torch.tensor(float(config.bar_init)))
    groups: list[dict[str, Any]] = [{"params": params}, {"params": [bar_level], "lr": 1e-2}]
    opt = torch.optim.AdamW(groups, lr=config.lr, weight_decay=0.0)
    warmup = max(1, config.steps // 20)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / warmup) * max(0.0, 1.0 - s / config.steps)
    )
    model.train()

    def embed(texts: list[str]) -> torch.Tensor:
        features = model.tokenize(texts)
        return torch.nn.functional.normalize(model(features)["sentence_embedding"], dim=-1)

    losses: list[float] = []
    plan = batches(pairs, config.batch_size, config.steps, rng)
    bar = tqdm(plan, desc="encoder", unit="step", disable=not config.progress, file=sys.stderr)
    for batch in bar:
        keys = list(dict.fromkeys(p.tool for p in batch))
        batch_keys = set(keys)
        for p in batch:
            choices = [k for k in hard_pool.get(p.tool, ()) if k not in batch_keys]
            for k in rng.sample(choices, min(config.hard_negatives, len(choices))):
                keys.append(k)
                batch_keys.add(k)
        col = {k: i for i, k in enumerate(keys)}
        nones = rng.sample(list(none_queries), min(config.none_per_batch, len(none_queries)))
        dropped = [rng.random() < config.drop_rate for _ in batch]
        q = embed([p.query for p in batch] + nones)
        t = embed([tool_texts[k] for k in keys])
        logits = q @ t.T * config.scale
        mask = torch.zeros_like(logits, dtype=torch.bool)
        for row, p in enumerate(batch):  # other right answers of the same query are not negatives
            for other in (also_called or {}).get(p.query, ()):
                if other in col and (other != p.tool or dropped[row]):
                    mask[row, col[other]] = True
            if dropped[row]:
                mask[row, col[p.tool]] = True
        logits = torch.cat([logits.masked_fill(mask, -1e4), (bar_level * config.scale).expand(len(q), 1)], dim=1)
        none_col = len(keys)
        target = torch.tensor([none_col if dropped[row] else col[p.tool] for row, p in enumerate(batch)]
                              + [none_col] * len(nones))
        loss = torch.nn.functional.cross_entropy(logits, target)
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        losses.append(float(loss.detach()))
        if len(losses) % 20 == 0:
            bar.set_postfix(loss=f"{np.mean(losses[-20:]):.3f}")
    window = max(1, min(20, len(losses) // 4))  # loss averaged over the first / last steps
    stats = {
        "steps": len(plan),
        "pairs": len(pairs),
        "loss_first": float(np.mean(losses[:window])) if losses else None,
        "loss_last": float(np.mean(losses[-window:])) if losses else None,
        "bar": float(bar_level.detach()),
        "none_queries": len(none_queries),
        "config": {k: v for k, v in vars(config).items() if k != "progress"},
    }
    if log:
        log(f"encoder LoRA: {stats['steps']} steps, loss {stats['loss_first']:.3f} → {stats['loss_last']:.3f}")
    return lora_arrays(modules), stats
