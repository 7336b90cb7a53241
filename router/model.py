"""The router's learned parts: an embedding adapter and the decision head over candidate features.

- ``Adapter``: a residual linear map ``x + x W`` over frozen sentence embeddings, re-normalised,
  so scoring stays cosine and unseen tools still work.
- ``candidate_features``: for one query, picks the top-k candidate tools by a fused score
  (cosine to the tool text and the exemplar memory) and describes each by features only —
  cosine, margins, ranks, kNN votes and distances — never by its identity, so the head
  generalises to tools it has never seen.
- ``DecisionHead``: a gate over absolute relevance says whether any offered tool is needed, and an MLP
  over the candidates' features says which one; P(tool) = P(needed) x P(which), P(NONE) = 1 - P(needed),
  with a calibrated temperature. ``HeadWeights`` runs the same network in numpy at serve time (and the
  older joint shape, NONE as one more class, for checkpoints trained before the gate).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

TOP_K = 8  # candidates the head sees
KNN_K = 10  # neighbours that vote
VOTE_TEMPERATURE = 0.05
PRIOR_SHARE = 0.8  # a catalogue classifier's share of the vote, where the checkpoint has one
ZERO_SHOT_NONE_COS = 0.12  # raw MiniLM query-tool cosines are low: 0.2 is already a match

CANDIDATE_FEATURES = (
    "cos",
    "cos_minus_best",
    "cos_minus_best_other",
    "cos_z",
    "cos_rank_inv",
    "has_examples",
    "knn_max",
    "knn_max_minus_best_other",
    "knn_vote_frac",
    "knn_vote_weight",
    "centroid_cos",
    "fused_rank_inv",
    "fused_minus_best_other",
    "name_cover",
    "request_cover",
)
GLOBAL_FEATURES = (
    "max_cos",
    "second_cos",
    "cos_std",
    "max_knn",
    "memory_present",
    "log_n_tools",
    "fused_margin",
    "max_name_cover",
    "max_request_cover",
    # does the request ask for something done at all (router.actionable's logit, clipped; 0 without a probe):
    # the gate's one input about the request itself, so "Explain how mortgage interest works" next to a mortgage
    # calculator can be NONE while its cosine says "relevant"; heads trained before it read the columns before it
    "needs_tool",
)
NEEDS_TOOL = GLOBAL_FEATURES.index("needs_tool")
NEEDS_CLIP = 6.0
N_CAND = len(CANDIDATE_FEATURES)
N_GLOBAL = len(GLOBAL_FEATURES)
# what a gated head's "is any tool needed" gate sees: absolute relevance of the best candidate
GATE_GLOBAL = [
    GLOBAL_FEATURES.index(f)
    for f in ("max_cos", "max_knn", "memory_present", "log_n_tools", "max_name_cover", "max_request_cover")
]
GATE_CANDIDATE_MAX = CANDIDATE_FEATURES.index("centroid_cos")  # ... and its best over the candidates
N_GATE = len(GATE_GLOBAL) + 1


def normalize(x: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(x, axis=-1, keepdims=True)
    return (x / np.maximum(norms, 1e-12)).astype(np.float32)


@dataclass
class Adapter:
    """Residual linear map over frozen embeddings; ``weight`` is (dim, dim), zero = identity."""

    weight: np.ndarray

    @classmethod
    def identity(cls, dim: int) -> Adapter:
        return cls(np.zeros((dim, dim), dtype=np.float32))

    @property
    def is_identity(self) -> bool:
        return not np.any(self.weight)

    def __call__(self, x: np.ndarray) -> np.ndarray:
        if self.is_identity:
            return normalize(x)
        return normalize(x + x @ self.weight)


@dataclass
class Memory:
    """The exemplar memory seen from one set of offered tools.

    Rows are aligned with the ``memory_scores`` passed to ``candidate_features``; ``tool_index``
    maps each row to an offered tool (-1: a tool not offered, ignored).
    """

    tool_index: np.ndarray  # (m,) int
    centroids: np.ndarray  # (n_tools, dim) normalised mean exemplar; zero rows without exemplars
    has_examples: np.ndarray  # (n_tools,) bool

    @classmethod
    def empty(cls, n_tools: int, dim: int) -> Memory:
        return cls(
            tool_index=np.zeros(0, dtype=np.int64),
            centroids=np.zeros((n_tools, dim), dtype=np.float32),
            has_examples=np.zeros(n_tools, dtype=bool),
        )

    @classmethod
    def build(cls, vectors: np.ndarray, tool_index: np.ndarray, n_tools: int) -> Memory:
        """From exemplar vectors and their offered-tool indices (all >= 0)."""
        dim = vectors.shape[1]
        counts = np.bincount(tool_index, minlength=n_tools)
        sums = np.zeros((n_tools, dim), dtype=np.float32)
        if len(tool_index):
            np.add.at(sums, tool_index, vectors)
        centroids = normalize(sums) * (counts > 0)[:, None]
        return cls(tool_index.astype(np.int64), centroids.astype(np.float32), counts > 0)


def centroids_by_label(vectors: np.ndarray, labels: np.ndarray, n_labels: int) -> np.ndarray:
    """Normalised mean vector per label (zero rows for labels without vectors)."""
    sums = np.zeros((n_labels, vectors.shape[1]), dtype=np.float32)
    if len(labels):
        np.add.at(sums, labels, vectors)
    counts = np.bincount(labels, minlength=n_labels)
    return (normalize(sums) * (counts > 0)[:, None]).astype(np.float32)


@dataclass
class Candidates:
    """The top-k candidates of one query and their features."""

    index: np.ndarray  # (k,) indices into the offered tools, best fused score first
    features: np.ndarray  # (k, N_CAND)
    global_features: np.ndarray  # (N_GLOBAL,)
    cos: np.ndarray  # (n_tools,) cosine to every offered tool
    seen: bool = False  # some offered tool has exemplars in the memory


def _best_other(values: np.ndarray) -> np.ndarray:
    """For each i, the max of ``values`` over j != i."""
    if len(values) < 2:
        return np.full_like(values, -1.0)
    order = np.argsort(-values)
    best, second = values[order[0]], values[order[1]]
    out = np.full_like(values, best)
    out[order[0]] = second
    return out


def candidate_features(
    query: np.ndarray,
    tools: np.ndarray,
    memory: Memory,
    memory_scores: np.ndarray,
    top_k: int = TOP_K,
    prior: np.ndarray | None = None,
    lexical: np.ndarray | None = None,
    needs_tool: float = 0.0,
) -> Candidates:
    """Features of the top-k candidate tools for one adapted, normalised query vector.

    ``memory_scores`` holds the cosine of the query to each memory row (``-inf`` hides a row).
    ``prior``: a catalogue classifier's probability per offered tool (NaN where it does not know the
    tool), averaged into the memory's weighted vote (``router.classifier``).
    ``lexical``: ``(n_tools, 2)`` word overlap of the request with each tool (``router.lexical.overlap``);
    zeros when not given.
    ``needs_tool``: the action probe's logit for the request (``router.actionable``; 0 without one).
    """
    n = tools.shape[0]
    cos = tools @ query
    knn_max = np.full(n, -1.0, dtype=np.float32)
    vote_frac = np.zeros(n, dtype=np.float32)
    vote_weight = np.zeros(n, dtype=np.float32)
    if len(memory.tool_index):
        sims = memory_scores
        valid = np.isfinite(sims) & (memory.tool_index >= 0)
        if valid.any():
            np.maximum.at(knn_max, memory.tool_index[valid], sims[valid])
            k = min(KNN_K, int(valid.sum()))
            masked = np.where(valid, sims, -np.inf)
            top = np.argpartition(-masked, k - 1)[:k]
            top_sims = masked[top]
            weights = np.exp((top_sims - top_sims.max()) / VOTE_TEMPERATURE)
            weights /= weights.sum()
            np.add.at(vote_frac, memory.tool_index[top], 1.0 / k)
            np.add.at(vote_weight, memory.tool_index[top], weights.astype(np.float32))
    if prior is not None:
        known = np.isfinite(prior)
        vote_weight = np.where(known, (1.0 - PRIOR_SHARE) * vote_weight + PRIOR_SHARE * np.nan_to_num(prior), vote_weight)
        vote_weight = vote_weight.astype(np.float32)
    has_ex = memory.has_examples & (knn_max > -1.0)
    knn_feat = np.where(has_ex, knn_max, 0.0).astype(np.float32)
    centroid_cos = np.where(has_ex, memory.centroids @ query, 0.0).astype(np.float32)
    fused = np.maximum(cos, np.where(has_ex, knn_max - 0.2, -1.0)) + 0.3 * vote_weight

    k = min(top_k, n)
    order = np.argsort(-fused, kind="stable")[:k]
    cos_rank = np.empty(n, dtype=np.float32)
    cos_rank[np.argsort(-cos, kind="stable")] = np.arange(n, dtype=np.float32)
    std = float(cos.std()) if n > 1 else 0.0
    cos_z = (cos - cos.mean()) / std if std > 1e-6 else np.zeros(n, dtype=np.float32)
    best_cos_other = _best_other(cos)
    best_knn_other = _best_other(knn_feat)
    best_fused_other = _best_other(fused)
    lex = lexical if lexical is not None else np.zeros((n, 2), dtype=np.float32)
    feats = np.stack(
        [
            cos[order],
            cos[order] - cos.max(),
            cos[order] - best_cos_other[order],
            cos_z[order],
            1.0 / (1.0 + cos_rank[order]),
            has_ex[order].astype(np.float32),
            knn_feat[order],
            np.where(has_ex[order], knn_feat[order] - best_knn_other[order], 0.0),
            vote_frac[order],
            vote_weight[order],
            centroid_cos[order],
            1.0 / (1.0 + np.arange(k, dtype=np.float32)),
            fused[order] - best_fused_other[order],
            lex[order, 0],
            lex[order, 1],
        ],
        axis=1,
    ).astype(np.float32)
    sorted_cos = np.sort(cos)[::-1]
    glob = np.array(
        [
            sorted_cos[0],
            sorted_cos[1] if n > 1 else 0.0,
            std,
            float(knn_feat.max()) if has_ex.any() else 0.0,
            float(has_ex.any()),
            float(np.log(n)),
            float(fused[order[0]] - (fused[order[1]] if k > 1 else 0.0)),
            float(lex[:, 0].max()) if n else 0.0,
            float(lex[:, 1].max()) if n else 0.0,
            float(np.clip(needs_tool, -NEEDS_CLIP, NEEDS_CLIP)),
        ],
        dtype=np.float32,
    )
    return Candidates(index=order, features=feats, global_features=glob, cos=cos, seen=bool(memory.has_examples.any()))


# ---------------------------------------------------------------------------- decision head


@dataclass
class HeadWeights:
    """The decision head's parameters as numpy arrays; ``logits`` is its forward pass.

    Two shapes: a *gated* head (``gate.*`` arrays, trained since 2026-11-27) factorises the decision
    into "is any offered tool needed" (a gate over absolute relevance: cosines, kNN similarities,
    catalogue size; since 2026-11-28 plus ``needs_weight`` × the request's ``needs_tool``, standardised, with a
    softplus weight so that it can only lower NONE as the request asks more plainly for something done) times
    "which one" (a softmax over the candidates' features); a *joint* head
    (``none.*`` arrays: older checkpoints and ``heuristic_head``) scores NONE as one more class
    from all features.
    """

    arrays: dict[str, np.ndarray]
    temperature: float = 1.0

    @property
    def gated(self) -> bool:
        return "gate.0.weight" in self.arrays

    @property
    def reads_needs_tool(self) -> bool:
        """Trained with the ``needs_tool`` global feature (heads from before it read the columns before it)."""
        return "needs_weight" in self.arrays

    def batch_logits(self, feats: np.ndarray, glob: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """feats (B,k,Fc), glob (B,Fg), mask (B,k) → (B,k+1) logits, NONE last (masked = -1e9).

        A gated head's logits are log-probabilities already."""
        a = self.arrays
        b, k, _ = feats.shape
        width = a["cand_mean"].shape[0] - N_CAND  # the global features this head was trained on (older: fewer)
        glob = glob[:, :width]
        x = np.concatenate([feats, np.broadcast_to(glob[:, None, :], (b, k, width))], axis=2)
        x = (x - a["cand_mean"]) / a["cand_scale"]
        h = np.maximum(x @ a["cand.0.weight"].T + a["cand.0.bias"], 0.0)
        h = np.maximum(h @ a["cand.2.weight"].T + a["cand.2.bias"], 0.0)
        cand = np.where(mask, (h @ a["cand.4.weight"].T + a["cand.4.bias"])[..., 0], -1e9)
        if not self.gated:
            z = np.concatenate([glob, feats[:, 0, :]], axis=1)
            z = (z - a["none_mean"]) / a["none_scale"]
            g = np.maximum(z @ a["none.0.weight"].T + a["none.0.bias"], 0.0)
            none = (g @ a["none.2.weight"].T + a["none.2.bias"])[:, 0]
            return np.concatenate([cand, none[:, None]], axis=1).astype(np.float32)
        z = (gate_inputs(feats, glob, mask) - a["gate_mean"]) / a["gate_scale"]
        g = np.maximum(z @ a["gate.0.weight"].T + a["gate.0.bias"], 0.0)
        need = (g @ a["gate.2.weight"].T + a["gate.2.bias"])[:, 0]
        if self.reads_needs_tool:  # monotone: the more the request asks for something done, the less NONE
            weight = float(np.logaddexp(0.0, a["needs_weight"][0]))  # softplus
            need = need + weight * (glob[:, NEEDS_TOOL] - a["needs_mean"][0]) / a["needs_scale"][0]
        cand = cand - cand.max(1, keepdims=True)
        log_choice = cand - np.log(np.exp(cand).sum(1, keepdims=True))
        log_need = -np.logaddexp(0.0, -need)  # log sigmoid
        log_none = -np.logaddexp(0.0, need)
        return np.concatenate([log_choice + log_need[:, None], log_none[:, None]], axis=1).astype(np.float32)

    def batch_probabilities(
        self, feats: np.ndarray, glob: np.ndarray, mask: np.ndarray, temperature: float | None = None
    ) -> np.ndarray:
        logits = self.batch_logits(feats, glob, mask) / (self.temperature if temperature is None else temperature)
        logits -= logits.max(1, keepdims=True)
        p = np.exp(logits)
        return (p / p.sum(1, keepdims=True)).astype(np.float32)

    def logits(self, cand: Candidates) -> np.ndarray:
        """Logits of one query: one per candidate (in ``cand.index`` order), then NONE last."""
        feats, glob, mask = _one(cand)
        return self.batch_logits(feats, glob, mask)[0]

    def probabilities(self, cand: Candidates) -> np.ndarray:
        feats, glob, mask = _one(cand)
        return self.batch_probabilities(feats, glob, mask)[0]


def choose(probs: np.ndarray, gated: bool) -> np.ndarray:
    """The decision per row of (B, k+1) probabilities, as an index (k = NONE).

    A joint head takes the argmax. A gated head says NONE when "no tool is needed" is at least as
    likely as "some tool is needed" (P(NONE) ≥ 1/2), else names its best tool; several similar
    tools splitting the choice do not make NONE win (their confidence sends the request to the LLM).
    """
    if not gated:
        return probs.argmax(1)
    best_tool = probs[:, :-1].argmax(1)
    return np.where(probs[:, -1] >= 0.5, probs.shape[1] - 1, best_tool)


def _one(cand: Candidates) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    k = cand.features.shape[0]
    feats = np.zeros((1, max(k, 1), N_CAND), dtype=np.float32)
    feats[0, :k] = cand.features
    mask = np.zeros((1, max(k, 1)), dtype=bool)
    mask[0, :k] = True
    return feats, cand.global_features[None, :], mask


def gate_inputs(feats: np.ndarray, glob: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """The gate's inputs: how well the best offered tool matches, in absolute terms (cosine to its
    text, to its exemplars and their centroid), whether any tool has exemplars, and how many tools
    there are. No margins, ranks, z-scores or vote shares: those single out one tool among unrelated
    ones as readily as among related ones, and a lone tool with exemplars takes every vote. (``needs_tool``
    is added to the gate's output apart, with a weight that cannot be negative: ``HeadWeights``.)"""
    best_centroid = np.where(mask, feats[:, :, GATE_CANDIDATE_MAX], -1.0).max(1)
    return np.concatenate([glob[:, GATE_GLOBAL], best_centroid[:, None]], axis=1)


def build_torch_head(hidden: int = 64, gate_hidden: int = 16, needs_tool: bool = True):  # noqa: ANN201 - torch is imported lazily
    """The trainable torch twin of a gated ``HeadWeights`` (same parameter names); without ``needs_tool`` its gate
    has no ``needs_weight`` term (a head whose training rows cannot teach it)."""
    import torch
    from torch import nn

    class DecisionHead(nn.Module):
        cand_mean: torch.Tensor
        cand_scale: torch.Tensor
        gate_mean: torch.Tensor
        gate_scale: torch.Tensor
        needs_mean: torch.Tensor
        needs_scale: torch.Tensor

        def __init__(self) -> None:
            super().__init__()
            self.cand = nn.Sequential(
                nn.Linear(N_CAND + N_GLOBAL, hidden),
                nn.ReLU(),
                nn.Linear(hidden, hidden),
                nn.ReLU(),
                nn.Linear(hidden, 1),
            )
            self.gate = nn.Sequential(nn.Linear(N_GATE, gate_hidden), nn.ReLU(), nn.Linear(gate_hidden, 1))
            self.register_buffer("cand_mean", torch.zeros(N_CAND + N_GLOBAL))
            self.register_buffer("cand_scale", torch.ones(N_CAND + N_GLOBAL))
            self.register_buffer("gate_mean", torch.zeros(N_GATE))
            self.register_buffer("gate_scale", torch.ones(N_GATE))
            self.reads_needs_tool = needs_tool
            if needs_tool:
                self.needs_weight = nn.Parameter(torch.zeros(1))
                self.register_buffer("needs_mean", torch.zeros(1))
                self.register_buffer("needs_scale", torch.ones(1))

        def forward(self, feats: torch.Tensor, glob: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
            """feats (B,k,Fc), glob (B,Fg), mask (B,k) bool → log-probabilities (B,k+1), NONE last."""
            b, k, _ = feats.shape
            x = torch.cat([feats, glob[:, None, :].expand(b, k, N_GLOBAL)], dim=2)
            x = (x - self.cand_mean) / self.cand_scale
            choice = torch.log_softmax(self.cand(x)[..., 0].masked_fill(~mask, -1e9), dim=1)
            best_centroid = feats[:, :, GATE_CANDIDATE_MAX].masked_fill(~mask, -1.0).amax(1, keepdim=True)
            z = torch.cat([glob[:, GATE_GLOBAL], best_centroid], dim=1)
            need = self.gate((z - self.gate_mean) / self.gate_scale)
            if self.reads_needs_tool:
                needs = (glob[:, NEEDS_TOOL : NEEDS_TOOL + 1] - self.needs_mean) / self.needs_scale
                need = need + nn.functional.softplus(self.needs_weight) * needs
            logsig = torch.nn.functional.logsigmoid
            return torch.cat([choice + logsig(need), logsig(-need)], dim=1)

    return DecisionHead()


def heuristic_head() -> HeadWeights:
    """A hand-set head for when no checkpoint is available: cosine with a fixed NONE bar.

    Candidate logit = 20 * cos + 10 * kNN vote weight; NONE logit = 20 * ``ZERO_SHOT_NONE_COS``. Built in the same shape as a trained head.
    """
    hidden = 1
    fc = N_CAND + N_GLOBAL
    fn = N_GLOBAL + N_CAND
    arrays = {
        "cand_mean": np.zeros(fc, np.float32),
        "cand_scale": np.ones(fc, np.float32),
        "none_mean": np.zeros(fn, np.float32),
        "none_scale": np.ones(fn, np.float32),
        "cand.0.weight": np.zeros((hidden, fc), np.float32),
        "cand.0.bias": np.zeros(hidden, np.float32),
        "cand.2.weight": np.ones((hidden, hidden), np.float32),
        "cand.2.bias": np.zeros(hidden, np.float32),
        "cand.4.weight": np.full((1, hidden), 20.0, np.float32),
        "cand.4.bias": np.zeros(1, np.float32),
        "none.0.weight": np.zeros((hidden, fn), np.float32),
        "none.0.bias": np.zeros(hidden, np.float32),
        "none.2.weight": np.zeros((1, hidden), np.float32),
        "none.2.bias": np.full(1, 20.0 * ZERO_SHOT_NONE_COS, np.float32),
    }
    # cos (feature 0) shifted by +1 keeps it positive through the ReLUs: logit = 20 * (cos + 1) - 20
    arrays["cand.0.weight"][0, 0] = 1.0
    arrays["cand.0.weight"][0, CANDIDATE_FEATURES.index("knn_vote_weight")] = 0.5  # +10 logits
    arrays["cand.0.bias"][0] = 1.0
    arrays["cand.4.bias"][0] = -20.0
    return HeadWeights(arrays=arrays, temperature=1.0)
