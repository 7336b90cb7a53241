"""``Router.decide``: the conversation and the offered tools in, a tool or NONE out.

The steps: pick the view (the checkpoint's own adapter, head and memory when some offered tool is one
it was trained on, matched by name or by the description it was trained under; else its zero-shot
view), read the routing context (``router.context``; a closing assistant turn that announces one offered
tool decides here, ``router.announced``), embed it with the encoder and the view's adapter, look up each
tool's cached embedding (by content hash), gather the exemplar memory of the offered tools, the catalogue
classifier's prior and the word overlap of request and tools (``router.lexical``), compute candidate
features (``router.model``), run the view's decision head (the first of several steps chooses,
``router.compound``), check the chosen tool's action against the request (``router.actions``) and what it
needs first (``router.prerequisite``), send a NONE that needs a tool to an offered tool search, unsure
(``router.actionable``), and compare the calibrated confidence with the view's bar.

Thread-safe: the encoder holds its own lock, caches are locked, and the memory is swapped as a
whole. To hot-swap a checkpoint, build a new ``Router`` off-thread (``Router.load``) and replace
the reference the caller holds; a ``Router`` never changes its checkpoint in place.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from router.actions import ACTION_CONFLICT_FACTOR, CLASH_SCORE_FACTOR, conflict
from router.announced import ANNOUNCED_CONFIDENCE, announced_tool, is_tool_search
from router.checkpoint import (
    Checkpoint,
    description_fingerprint,
    encoder_path,
    load_checkpoint,
    model_fingerprint,
)
from router.compound import first_request
from router.context import RoutingContext, build_context
from router.encoder import Encoder, LruVectors, default_model_path, text_hash, tool_text
from router.lexical import overlap
from router.literals import literal_taker
from router.model import (
    CANDIDATE_FEATURES,
    Adapter,
    Candidates,
    HeadWeights,
    Memory,
    candidate_features,
    centroids_by_label,
    choose,
    normalize,
)
from router.onnx_encoder import OnnxEncoder, make_encoder
from router.prerequisite import provider
from router.types import NONE, RouteDecision, RouterOptions, ToolSpec

MAX_SCORES = 10
# no offered tool fits a request that needs one, and a tool search is offered: the search is the best guess at
# half P(needs a tool), below any calibrated threshold, so the LLM decides with the tools (router.actionable)
TOOL_SEARCH_FACTOR = 0.5
FIRST_STEP_BLEND = 0.5  # a request of several steps: its first step + this share of the whole chooses the tool
log = logging.getLogger("toolproxy.router")
THREADS_ENV = "TOOLPROXY_TORCH_THREADS"
SCOPE_MARK = "\x1f"  # joins a tool name to "learned under a recorded description"


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
        self._vectors = np.asarray(vectors, dtype=np.float32)  # no copy: add() concatenates into a new array
        self._tools = list(tools)
        self._names: list[str] = []
        self._ids = np.zeros(0, dtype=np.int64)
        self._bounds = np.zeros(1, dtype=np.int64)
        self._centroids = np.zeros((0, self._vectors.shape[1]), dtype=np.float32)
        self._reindex()

    def _reindex(self) -> None:
        names = sorted(set(self._tools))
        lookup = {name: i for i, name in enumerate(names)}
        ids = np.array([lookup[t] for t in self._tools], dtype=np.int64)
        if len(ids) > 1 and bool((np.diff(ids) < 0).any()):  # group rows by tool: a few tools' rows are slices
            order = np.argsort(ids, kind="stable")
            self._vectors, ids = self._vectors[order], ids[order]
            self._tools = [self._tools[i] for i in order]
        self._names, self._ids = names, ids
        self._bounds = np.searchsorted(ids, np.arange(len(names) + 1))
        self._centroids = centroids_by_label(self._vectors, ids, len(names))

    def add(self, tool: str, vectors: np.ndarray) -> None:
        with self._lock:
            self._vectors = np.concatenate([self._vectors, vectors.astype(np.float32)])
            self._tools = self._tools + [tool] * len(vectors)
            self._reindex()

    def __len__(self) -> int:
        return len(self._tools)

    def for_tools(
        self, names: Sequence[str], query: np.ndarray, aliases: Sequence[str] = ()
    ) -> tuple[Memory, np.ndarray]:
        """The memory seen from the offered ``names`` (rows kept under ``aliases[i]`` count for
        ``names[i]`` too) and each row's cosine to ``query``."""
        with self._lock:
            vectors, ids, known, centroids, bounds = self._vectors, self._ids, self._names, self._centroids, self._bounds
        n = len(names)
        if not len(ids):
            return Memory.empty(n, query.shape[0]), np.zeros(0, dtype=np.float32)
        position = {name: i for i, name in enumerate(aliases)}
        position.update({name: i for i, name in enumerate(names)})
        to_offered = np.array([position.get(name, -1) for name in known], dtype=np.int64)
        known_ids = np.nonzero(to_offered >= 0)[0]
        if not len(known_ids):  # another catalogue: skip scoring every row
            return Memory.empty(n, query.shape[0]), np.zeros(0, dtype=np.float32)
        own = np.zeros((n, query.shape[0]), dtype=np.float32)
        has = np.zeros(n, dtype=bool)
        own[to_offered[known_ids]] = centroids[known_ids]
        has[to_offered[known_ids]] = True
        counts = bounds[known_ids + 1] - bounds[known_ids]
        if 2 * int(counts.sum()) > len(ids):  # most rows offered: one product over them all
            return Memory(to_offered[ids], own, has), vectors @ query
        scores = np.concatenate([vectors[bounds[k] : bounds[k + 1]] @ query for k in known_ids])
        return Memory(np.repeat(to_offered[known_ids], counts), own, has), scores


@dataclass(frozen=True)
class View:
    """What decides a request: the checkpoint's own adapter, head, memory and bars, or (no tool of
    its trained catalogue offered) its zero-shot view; ``tag`` keeps their cached vectors apart."""

    adapter: Adapter
    head: HeadWeights
    memory: ExemplarMemory
    threshold: float  # bar when some offered tool has exemplars
    threshold_unseen: float  # ... when none has
    tag: str = ""


def _demoted(scores: dict[str, float], text: str) -> dict[str, float]:
    """``scores`` with every tool whose action contradicts ``text`` at ``CLASH_SCORE_FACTOR`` of its score,
    best first."""
    out = {n: p * CLASH_SCORE_FACTOR if n != NONE and conflict(text, n) else p for n, p in scores.items()}
    return dict(sorted(out.items(), key=lambda kv: -kv[1]))


def _leaders_learned(cand: Candidates, probs: np.ndarray) -> bool:
    """One of the two leading candidates has exemplars: labelled on whole requests, they decide as they are
    (no first-step choice); config examples of some other tool do not count."""
    leaders = np.argsort(-probs[:-1])[:2]
    return bool((cand.features[leaders, CANDIDATE_FEATURES.index("has_examples")] > 0).any())


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
        ckpt, forced = self.checkpoint, self.options.threshold
        self.threshold = forced if forced is not None else ckpt.threshold
        # no offered tool with exemplars (another catalogue, zero-shot): the checkpoint's own bar for that
        unseen = ckpt.threshold_unseen
        self.threshold_unseen = self.threshold if forced is not None or unseen is None else unseen
        # tools learned under a recorded description are kept under a scoped key (``memory_keys``)
        self._descriptions = {name: set(fps) for name, fps in ckpt.memory_descriptions.items()}
        scoped = [self._scoped(t) for t in ckpt.memory_tools]
        self._trained = frozenset(scoped)
        self.memory = ExemplarMemory(ckpt.memory_vectors, scoped)
        self.seen_view = View(self.adapter, self.head, self.memory, self.threshold, self.threshold_unseen)
        self.unseen_view = self.seen_view
        if ckpt.unseen_adapter is not None and ckpt.unseen_head is not None:
            bars = ckpt.zero_shot_bars or (self.threshold_unseen, self.threshold_unseen)
            with_examples, without = (forced, forced) if forced is not None else bars
            empty = ExemplarMemory(np.zeros((0, ckpt.memory_vectors.shape[1]), dtype=np.float32), [])
            self.unseen_view = View(ckpt.unseen_adapter, ckpt.unseen_head, empty, with_examples, without, "u:")
        self.classifier = self.checkpoint.classifier
        self.actionable = self.checkpoint.actionable
        self._tool_cache = LruVectors(capacity=20000)
        self._query_cache = LruVectors(capacity=2048)

    def _scoped(self, name: str) -> str:
        return name + SCOPE_MARK if name in self._descriptions else name

    def memory_keys(self, tools: Sequence[ToolSpec]) -> list[str]:
        """The memory / classifier key of each offered tool: its name, or for a tool the checkpoint
        learned under a recorded description, the scoped key when the offered description is one of
        them, else the bare name (which then holds only examples added at run time)."""
        if not self._descriptions:
            return [t.name for t in tools]
        scoped = self._descriptions
        return [
            t.name + SCOPE_MARK if t.name in scoped and description_fingerprint(t.description) in scoped[t.name] else t.name
            for t in tools
        ]

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

    def embed_queries(self, texts: Sequence[str], view: View | None = None) -> np.ndarray:
        """Adapted (by ``view``'s adapter, default the seen one), normalised embeddings of ``texts``
        (cached by text)."""
        view = view or self.seen_view
        keys = [view.tag + text_hash(t) for t in texts]
        out: list[np.ndarray | None] = [self._query_cache.get(k) for k in keys]
        missing = [i for i, v in enumerate(out) if v is None]
        if missing:
            fresh = view.adapter(self.encoder.encode([texts[i] for i in missing]))
            for i, vec in zip(missing, fresh, strict=True):
                self._query_cache.put(keys[i], vec)
                out[i] = vec
        return np.stack([v for v in out if v is not None]) if out else np.zeros((0, self.encoder.dim))

    def embed_tools(self, tools: Sequence[ToolSpec], view: View | None = None) -> np.ndarray:
        """Adapted, normalised embeddings of each tool's text, cached by content.

        The cache key is what ``tool_text`` reads (name, description, parameter names), so the
        text is built and hashed only for tools not seen before.
        """
        view = view or self.seen_view
        keys = [view.tag + _tool_key(t) for t in tools]
        vecs: list[np.ndarray | None] = [self._tool_cache.get(k) for k in keys]
        missing = [i for i, v in enumerate(vecs) if v is None]
        if missing:
            fresh = view.adapter(self.encoder.encode([tool_text(tools[i]) for i in missing]))
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
            raw = self.encoder.encode(texts)
            for view in {id(v): v for v in (self.seen_view, self.unseen_view)}.values():
                view.memory.add(tool_name, view.adapter(raw))

    def query_vector(self, ctx: RoutingContext, view: View | None = None) -> np.ndarray:
        """The context's embedding: the last turn, blended with the window for follow-ups."""
        weight = ctx.window_weight
        if weight <= 0.0:
            return self.embed_queries([ctx.last], view)[0]
        last, window = self.embed_queries([ctx.last, ctx.window], view)
        return normalize(last + weight * window)

    def choice_vector(self, first: str, query: np.ndarray, view: View | None = None) -> np.ndarray:
        """For a request of several steps, the vector that chooses the tool: its ``first`` step blended
        with the whole (``query``)."""
        return normalize(self.embed_queries([first], view)[0] + FIRST_STEP_BLEND * query)

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
        view = self.view_for(tools)
        announced = announced_tool(ctx.announced, tools)
        if announced is not None:  # the assistant said which call comes next
            name, why = announced
            scores = {name: ANNOUNCED_CONFIDENCE, NONE: 1.0 - ANNOUNCED_CONFIDENCE}
            return self._decision(name, ANNOUNCED_CONFIDENCE, scores, f"announced: {why}", start,
                                  seen=view is self.seen_view, view=view)
        query = self.query_vector(ctx, view)
        first = first_request(ctx.request)
        choice = (lambda: self.choice_vector(first, query, view)) if first is not None else None
        return self._decide_vector(query, tools, start, ctx, view, messages, choice)

    def decide_query(self, query: str, tools: list[ToolSpec]) -> RouteDecision:
        """``decide`` for a single user message (evaluation convenience)."""
        return self.decide([{"role": "user", "content": query}], tools)

    def _class_names(self, keys: Sequence[str]) -> list[str]:
        """The classifier's class of each memory key ("" = none: a namesake of a scoped tool)."""
        if not self._descriptions:
            return list(keys)
        return [k.removesuffix(SCOPE_MARK) if k.endswith(SCOPE_MARK) else "" if k in self._descriptions else k for k in keys]

    def view_for(self, tools: Sequence[ToolSpec]) -> View:
        """The seen view when some offered tool is one the checkpoint was trained on, else the
        zero-shot one (the same, for a checkpoint without one)."""
        if self.unseen_view is self.seen_view:
            return self.seen_view
        trained = self._trained
        return self.seen_view if any(k in trained for k in self.memory_keys(tools)) else self.unseen_view

    def candidates(
        self, query: np.ndarray, tools: list[ToolSpec], text: str, view: View | None = None,
        lexical: np.ndarray | None = None, needs_tool: float = 0.0,
    ) -> Candidates:
        """The head's input for a request (its routing vector in ``view`` and its last-turn text) and
        the offered tools; ``lexical`` is the word overlap with the tools (``router.lexical.overlap``, by default
        of ``text``); ``needs_tool`` the action probe's logit for the request (``needs_tool``)."""
        names = [t.name for t in tools]
        keys = self.memory_keys(tools)
        memory, memory_scores = (view or self.seen_view).memory.for_tools(keys, query, aliases=names)
        prior = self.classifier.prior(text, query, self._class_names(keys)) if self.classifier is not None else None
        if lexical is None:
            lexical = overlap(text, tools)
        return candidate_features(query, self.embed_tools(tools, view), memory, memory_scores, prior=prior,
                                  lexical=lexical, needs_tool=needs_tool)

    def needs_tool(self, ctx: RoutingContext, view: View) -> float:
        """The action probe's logit for the request, read in the zero-shot view as it was fitted (0 without a
        probe, or for a head trained before the feature)."""
        if self.actionable is None or not view.head.reads_needs_tool:
            return 0.0
        return float(self.actionable.logits(self.query_vector(ctx, self.unseen_view)[None, :])[0])

    def _decide_vector(
        self, query: np.ndarray, tools: list[ToolSpec], start: float, ctx: RoutingContext, view: View,
        messages: list[dict[str, Any]], choice: Callable[[], np.ndarray] | None = None,
    ) -> RouteDecision:
        names = [t.name for t in tools]
        text = ctx.last
        lexical = overlap(ctx.window, tools)  # the same for the whole request and its first step
        needs = self.needs_tool(ctx, view)
        cand = self.candidates(query, tools, text, view, lexical, needs)
        probs = view.head.probabilities(cand)
        step = None  # a request of several steps, decided by its first: the vector that chooses
        if choice is not None and view.head.gated and not _leaders_learned(cand, probs):
            step = choice()
        first_unfit = False  # the whole request finds a tool, its first step none
        whole_none = float(probs[-1])  # "no offered tool serves any step", as the whole request says it
        if step is not None:
            # which tool is read from the first step; a tool is needed when both the whole request and
            # its first step find one
            cand = self.candidates(step, tools, text, view, lexical, needs)
            which = view.head.probabilities(cand)
            first_unfit = which[-1] >= 0.5 > probs[-1]
            none = max(float(probs[-1]), float(which[-1]))
            needed, share = 1.0 - none, 1.0 - which[-1]
            probs = np.append(which[:-1] * (needed / share if share > 1e-9 else 0.0), none)
        best = int(choose(probs[None, :], view.head.gated)[0])
        seen = cand.seen
        scores: dict[str, float] = {}
        for j, idx in enumerate(cand.index):
            scores[names[int(idx)]] = float(probs[j])
        scores[NONE] = float(probs[-1])
        ordered = dict(sorted(scores.items(), key=lambda kv: -kv[1])[:MAX_SCORES])
        if best == len(cand.index):
            top = int(cand.index[0])
            reason = f"none p={probs[-1]:.2f} (best {names[top]} cos {cand.cos[top]:.2f})"
            if first_unfit:  # a later step may still need an offered tool: the LLM decides, with the tools
                reason = f"none, unsure: no offered tool fits the first of several steps ({reason})"
            elif step is not None:
                reason = f"none for a request of several steps, as sure as the whole request ({whole_none:.2f}; {reason})"
            search = self._search_instead(ctx, tools, reason, ordered, start, seen, view)
            if search is not None:
                return search
            # a request of several steps: how sure the NONE is comes from the whole request (its first step
            # finding no tool says nothing of the later steps)
            none = whole_none * (ACTION_CONFLICT_FACTOR if first_unfit else 1.0)
            literal = literal_taker(text, tools)
            if literal is not None:  # "Where is 203.0.113.42 located?" next to lookup_ip: the LLM decides
                reason = f"none, unsure: the request carries {literal[0]}, which {literal[1]} takes ({reason})"
                none *= ACTION_CONFLICT_FACTOR
            return self._decision(None, none, ordered, reason, start, seen=seen, view=view)
        idx = int(cand.index[best])
        feats = cand.features[best]
        reason = f"head p={probs[best]:.2f} (cos {feats[0]:.2f}"
        if feats[5] > 0:
            reason += f", knn {feats[6]:.2f} votes {feats[8]:.1f}"
        reason += ", chosen for the first of several steps)" if step is not None else ")"
        confidence = float(probs[best])
        clash = conflict(text, names[idx]) if self.options.action_check else None
        if clash:  # the best offered tool does what the request does not ask: none fits, and the LLM decides
            reason = f"none, unsure: {clash} ({reason})"
            # the ranking shows it too: each tool that contradicts the request keeps a twentieth of its score
            ordered = _demoted(ordered, text)
            search = self._search_instead(ctx, tools, reason, ordered, start, seen, view)
            if search is not None:
                return search
            return self._decision(None, confidence * ACTION_CONFLICT_FACTOR, ordered, reason, start, seen=seen,
                                  view=view)
        first = provider(messages, tools, tools[idx]) if self.options.prerequisites else None
        if first is not None:  # the chosen tool needs an identifier that only this tool can get: it goes first
            reason += f"; first {first[0].name}: {names[idx]} needs {first[1]}"
            decision = self._decision(first[0].name, confidence, ordered, reason, start, seen=seen, view=view)
            return replace(decision, then=names[idx])
        return self._decision(names[idx], confidence, ordered, reason, start, seen=seen, view=view)

    def _search_instead(
        self, ctx: RoutingContext, tools: Sequence[ToolSpec], reason: str, scores: dict[str, float], start: float,
        seen: bool, view: View,
    ) -> RouteDecision | None:
        """No offered tool does what was asked: the one offered tool search, unsure, when the request needs a
        tool (P ≥ ½ by the action probe); else None."""
        searchers = [t.name for t in tools if is_tool_search(t)]
        if len(searchers) != 1 or self.actionable is None:
            return None
        p = self.actionable.probability(self.query_vector(ctx, self.unseen_view))
        if p < 0.5:
            return None
        name = searchers[0]
        why = f"{name}, unsure: no offered tool fits, the request asks for something done (p={p:.2f}) and {name} finds tools"
        return self._decision(name, p * TOOL_SEARCH_FACTOR, scores, f"{why} ({reason})", start, seen=seen, view=view)

    def _decision(
        self,
        tool: str | None,
        confidence: float,
        scores: dict[str, float],
        reason: str,
        start: float,
        *,
        seen: bool,
        view: View | None = None,
    ) -> RouteDecision:
        view = view or self.seen_view
        threshold = view.threshold if seen else view.threshold_unseen
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
