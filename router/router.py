"""``Router.decide``: the conversation and the offered tools in, a tool or NONE out.

The steps: read the routing context (``router.context``), embed it with the encoder and the
checkpoint's adapter, look up each tool's cached embedding (by content hash), gather the
exemplar memory of the offered tools, compute candidate features (``router.model``), run the
decision head, and compare the calibrated confidence with the threshold.

Thread-safe: the encoder holds its own lock, caches are locked, and the memory is swapped as a
whole. To hot-swap a checkpoint, build a new ``Router`` off-thread (``Router.load``) and replace
the reference the caller holds; a ``Router`` never changes its checkpoint in place.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from router.actions import ACTION_CONFLICT_FACTOR, conflict
from router.checkpoint import Checkpoint, encoder_path, load_checkpoint, model_fingerprint
from router.context import RoutingContext, build_context
from router.encoder import Encoder, LruVectors, default_model_path, text_hash, tool_text
from router.model import Memory, candidate_features, centroids_by_label, choose, normalize
from router.onnx_encoder import OnnxEncoder, make_encoder
from router.types import NONE, RouteDecision, RouterOptions, ToolSpec

MAX_SCORES = 10
log = logging.getLogger("toolproxy.router")
THREADS_ENV = "TOOLPROXY_TORCH_THREADS"


def default_threads() -> int:
    """Torch threads for query embedding: 1 unless ``TOOLPROXY_TORCH_THREADS`` says otherwise.

    One short query does not gain much from more threads, and on a busy or shared CPU extra
    threads spin and contend (measured: 13 ms with 1 thread vs 38 ms with 2 on a loaded 2-core box).
    """
    try:
        return max(1, int(os.environ.get(THREADS_ENV, "1")))
    except ValueError:
        return 1


def _tool_key(tool: ToolSpec) -> str:
    props = tool.parameters.get("properties") if isinstance(tool.parameters, dict) else None
    names = "\x1f".join(map(str, props)) if isinstance(props, dict) else ""
    return f"{tool.name}\x1e{tool.description}\x1e{names}"


def limit_blas_threads(threads: int) -> None:
    """Cap BLAS threads: a (memory x 384) mat-vec takes 3 ms on one thread but ~24 ms with two
    spinning OpenBLAS threads on a busy 2-core box. Process-wide, like ``torch.set_num_threads``."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn
        return
    threadpool_limits(threads, user_api="blas")


class ExemplarMemory:
    """Labelled query embeddings by tool name; appended to, swapped as a whole under a lock."""

    def __init__(self, vectors: np.ndarray, tools: Sequence[str]) -> None:
        self._lock = threading.Lock()
        self._vectors = vectors.astype(np.float32)
        self._tools = list(tools)
        self._names: list[str] = []
        self._ids = np.zeros(0, dtype=np.int64)
        self._centroids = np.zeros((0, self._vectors.shape[1]), dtype=np.float32)
        self._reindex()

    def _reindex(self) -> None:
        names = sorted(set(self._tools))
        lookup = {name: i for i, name in enumerate(names)}
        self._names = names
        self._ids = np.array([lookup[t] for t in self._tools], dtype=np.int64)
        self._centroids = centroids_by_label(self._vectors, self._ids, len(names))

    def add(self, tool: str, vectors: np.ndarray) -> None:
        with self._lock:
            self._vectors = np.concatenate([self._vectors, vectors.astype(np.float32)])
            self._tools = self._tools + [tool] * len(vectors)
            self._reindex()

    def __len__(self) -> int:
        return len(self._tools)

    def for_tools(self, names: Sequence[str], query: np.ndarray) -> tuple[Memory, np.ndarray]:
        """The memory seen from the offered ``names`` and each row's cosine to ``query``."""
        with self._lock:
            vectors, ids, known, centroids = self._vectors, self._ids, self._names, self._centroids
        n = len(names)
        if not len(ids):
            return Memory.empty(n, query.shape[0]), np.zeros(0, dtype=np.float32)
        position = {name: i for i, name in enumerate(names)}
        to_offered = np.array([position.get(name, -1) for name in known], dtype=np.int64)
        tool_index = to_offered[ids]
        own = np.zeros((n, query.shape[0]), dtype=np.float32)
        has = np.zeros(n, dtype=bool)
        known_ids = np.nonzero(to_offered >= 0)[0]
        own[to_offered[known_ids]] = centroids[known_ids]
        has[to_offered[known_ids]] = True
        return Memory(tool_index, own, has), vectors @ query


class Router:
    """Routes a conversation to one of the offered tools, or to NONE."""

    def __init__(
        self,
        options: RouterOptions | None = None,
        *,
        encoder: Encoder | OnnxEncoder | None = None,
        checkpoint: Checkpoint | None = None,
    ) -> None:
        self.options = options or RouterOptions()
        threads = default_threads()
        limit_blas_threads(threads)
        explicit = checkpoint is not None or self.options.checkpoint is not None
        self.checkpoint = checkpoint or load_checkpoint(self.options.checkpoint)
        foreign = self._trained_on_another_encoder()
        if foreign and explicit:
            raise ValueError(
                f"checkpoint {self.checkpoint.version} was trained on another encoder than "
                f"router.encoder {self.options.encoder}: train one with this encoder "
                "(toolproxy train --config ...) or leave router.encoder unset"
            )
        # a foreign encoder runs as it is (no deltas of the default merged in), zero-shot below
        model_path = self.options.encoder if foreign else encoder_path(self.options.encoder, self.checkpoint)
        wanted = os.path.abspath(model_path or default_model_path())
        if encoder is not None and os.path.abspath(encoder.path) != wanted:
            encoder = None  # the new checkpoint tunes the encoder differently
        self.encoder = encoder or make_encoder(
            model_path,
            device=self.options.device,
            backend=self.options.encoder_backend,
            torch_threads=threads,
        )
        if foreign:  # the shipped default fits MiniLM only
            log.warning(
                "router.encoder %s is not the model the default checkpoint %s was trained on: "
                "routing zero-shot until a checkpoint trained with it is loaded",
                self.options.encoder,
                self.checkpoint.version,
            )
            self.checkpoint = Checkpoint.zero_shot(self.encoder.dim)
        self.version = self.checkpoint.version
        self.adapter = self.checkpoint.adapter
        self.head = self.checkpoint.head
        self.threshold = (
            self.options.threshold if self.options.threshold is not None else self.checkpoint.threshold
        )
        # no offered tool with exemplars (another catalogue, zero-shot): the checkpoint's own bar for that
        unseen = self.checkpoint.threshold_unseen
        self.threshold_unseen = self.threshold if self.options.threshold is not None or unseen is None else unseen
        self.memory = ExemplarMemory(self.checkpoint.memory_vectors, self.checkpoint.memory_tools)
        self.classifier = self.checkpoint.classifier
        self._tool_cache = LruVectors(capacity=20000)
        self._query_cache = LruVectors(capacity=2048)

    def _trained_on_another_encoder(self) -> bool:
        """A configured encoder whose weights differ from those the checkpoint was trained on."""
        recorded = self.checkpoint.metadata.get("encoder_base")
        configured = self.options.encoder
        if not (configured and recorded):
            return False
        found = model_fingerprint(configured)  # "" = no weights there: the encoder load reports it
        return bool(found) and found != recorded

    @classmethod
    def load(cls, options: RouterOptions, encoder: Encoder | OnnxEncoder | None = None) -> Router:
        """Build a router (for hot reload: call off-thread, then swap references).

        Passing the running router's ``encoder`` skips reloading the model when the new checkpoint
        encodes with the same model (same base, same fine-tuning).
        """
        return cls(options, encoder=encoder)

    # ------------------------------------------------------------------ embeddings

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Adapted, normalised embeddings of ``texts`` (cached by text)."""
        out: list[np.ndarray | None] = [self._query_cache.get(text_hash(t)) for t in texts]
        missing = [i for i, v in enumerate(out) if v is None]
        if missing:
            fresh = self.adapter(self.encoder.encode([texts[i] for i in missing]))
            for i, vec in zip(missing, fresh, strict=True):
                self._query_cache.put(text_hash(texts[i]), vec)
                out[i] = vec
        return np.stack([v for v in out if v is not None]) if out else np.zeros((0, self.encoder.dim))

    def embed_tools(self, tools: Sequence[ToolSpec]) -> np.ndarray:
        """Adapted, normalised embeddings of each tool's text, cached by content.

        The cache key is what ``tool_text`` reads (name, description, parameter names), so the
        text is built and hashed only for tools not seen before.
        """
        keys = [_tool_key(t) for t in tools]
        vecs: list[np.ndarray | None] = [self._tool_cache.get(k) for k in keys]
        missing = [i for i, v in enumerate(vecs) if v is None]
        if missing:
            fresh = self.adapter(self.encoder.encode([tool_text(tools[i]) for i in missing]))
            for i, vec in zip(missing, fresh, strict=True):
                self._tool_cache.put(keys[i], vec)
                vecs[i] = vec
        return np.stack([v for v in vecs if v is not None])

    def warmup(self, tools: Iterable[ToolSpec]) -> None:
        """Pre-embed tool texts and their examples (and run the model once)."""
        tool_list = list(tools)
        if tool_list:
            self.embed_tools(tool_list)
        for tool in tool_list:
            if tool.examples:
                self.add_examples(tool.name, list(tool.examples))
        self.encoder.encode(["warm up"])

    def add_examples(self, tool_name: str, queries: list[str]) -> None:
        """Add labelled queries for ``tool_name`` to the exemplar memory."""
        texts = [q.strip() for q in queries if q and q.strip()]
        if texts:
            self.memory.add(tool_name, self.adapter(self.encoder.encode(texts)))

    def query_vector(self, ctx: RoutingContext) -> np.ndarray:
        """The context's embedding: the last turn, blended with the window for follow-ups."""
        weight = ctx.window_weight
        if weight <= 0.0:
            return self.embed_queries([ctx.last])[0]
        last, window = self.embed_queries([ctx.last, ctx.window])
        return normalize(last + weight * window)

    # ------------------------------------------------------------------ decide

    def decide(self, messages: list[dict[str, Any]], tools: list[ToolSpec]) -> RouteDecision:
        """Choose one of ``tools`` or NONE for ``messages``."""
        start = time.perf_counter()
        ctx = build_context(messages, self.options.context_turns)
        if ctx.after_tool_result and not ctx.after_own_tool_result and tools:
            # the LLM made that call and decides what comes next (the proxy sends it the tools): unsure
            reason = "last message is the result of the LLM's tool call: the LLM decides the next step"
            return self._decision(None, 0.0, {NONE: 0.0}, reason, start, seen=True)
        if not tools or not ctx.last or ctx.after_tool_result:
            reason = (
                "no tools offered"
                if not tools
                else "no user message"
                if not ctx.last
                else "last message is the result of toolproxy's own call: answer from it"
            )
            return self._decision(None, 1.0, {NONE: 1.0}, reason, start, seen=True)
        query = self.query_vector(ctx)
        return self._decide_vector(query, tools, start, ctx.last)

    def decide_query(self, query: str, tools: list[ToolSpec]) -> RouteDecision:
        """``decide`` for a single user message (evaluation convenience)."""
        return self.decide([{"role": "user", "content": query}], tools)

    def _decide_vector(self, query: np.ndarray, tools: list[ToolSpec], start: float, text: str) -> RouteDecision:
        names = [t.name for t in tools]
        tool_vecs = self.embed_tools(tools)
        memory, memory_scores = self.memory.for_tools(names, query)
        prior = self.classifier.prior(text, query, names) if self.classifier is not None else None
        cand = candidate_features(query, tool_vecs, memory, memory_scores, prior=prior)
        probs = self.head.probabilities(cand)
        best = int(choose(probs[None, :], self.head.gated)[0])
        seen = bool(memory.has_examples.any())
        scores: dict[str, float] = {}
        for j, idx in enumerate(cand.index):
            scores[names[int(idx)]] = float(probs[j])
        scores[NONE] = float(probs[-1])
        ordered = dict(sorted(scores.items(), key=lambda kv: -kv[1])[:MAX_SCORES])
        if best == len(cand.index):
            top = int(cand.index[0])
            reason = f"none p={probs[-1]:.2f} (best {names[top]} cos {cand.cos[top]:.2f})"
            return self._decision(None, float(probs[-1]), ordered, reason, start, seen=seen)
        idx = int(cand.index[best])
        feats = cand.features[best]
        reason = f"head p={probs[best]:.2f} (cos {feats[0]:.2f}"
        if feats[5] > 0:
            reason += f", knn {feats[6]:.2f} votes {feats[8]:.1f}"
        reason += ")"
        confidence = float(probs[best])
        clash = conflict(text, names[idx]) if self.options.action_check else None
        if clash:
            confidence *= ACTION_CONFLICT_FACTOR
            reason += f"; unsure: {clash}"
        return self._decision(names[idx], confidence, ordered, reason, start, seen=seen)

    def _decision(
        self,
        tool: str | None,
        confidence: float,
        scores: dict[str, float],
        reason: str,
        start: float,
        *,
        seen: bool,
    ) -> RouteDecision:
        threshold = self.threshold if seen else self.threshold_unseen
        if tool is not None and tool in self.options.tool_thresholds:
            threshold = self.options.tool_thresholds[tool]
        return RouteDecision(
            tool=tool,
            confidence=confidence,
            threshold=threshold,
            scores=scores,
            reason=reason,
            version=self.version,
            latency_ms=(time.perf_counter() - start) * 1000.0,
        )
