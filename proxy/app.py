"""The Starlette application, built by ``create_app(config)``. No module-level state."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from proxy.auth import KeyChecker
from proxy.chat import ChatFlow, ManagedTool, trace_headers
from proxy.config import Config
from proxy.errors import BodyTooLarge, InvalidRequest, ProxyError
from proxy.logs import TRACE_ID
from proxy.metrics import Metrics
from proxy.routing import RouterHolder, Routing
from proxy.upstream import Upstream
from proxy.validate import parse_body, validate_chat
from router.types import RouterOptions
from storage.records import TraceRecord

log = logging.getLogger("toolproxy.app")
MODES = {"observe", "shadow", "intercept"}


class ORJSONResponse(JSONResponse):
    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


def error_response(exc: ProxyError, headers: dict[str, str] | None = None) -> Response:
    return ORJSONResponse(exc.body(), status_code=exc.status_code, headers=headers)


def spool_path_for(config: Config) -> str:
    if config.storage.spool_path:
        return config.storage.spool_path
    url = config.storage.url
    if url.startswith("sqlite:///") and not url.endswith(":memory:"):
        return url[len("sqlite:///"):] + ".spool.jsonl"
    return "toolproxy.spool.jsonl"


class ProxyState:
    """Everything one app instance owns; built in the lifespan, torn down at shutdown."""

    def __init__(self, config: Config, recorder: Any | None, load_router: bool) -> None:
        self.config = config
        self.keys = KeyChecker(config.server.api_keys)
        self.metrics = Metrics()
        self.upstream = Upstream(config)
        self._recorder = recorder
        self.recorder: Any = recorder
        self.load_router = load_router
        r = config.router
        thresholds = {**r.tool_thresholds, **{t.name: t.threshold for t in config.tools if t.name and t.threshold}}
        self.holder = RouterHolder(RouterOptions(
            encoder=r.encoder, encoder_backend=r.encoder_backend, checkpoint=r.checkpoint, threshold=r.threshold,
            tool_thresholds=thresholds, context_turns=r.context_turns, action_check=r.action_check,
            prerequisites=r.prerequisites and r.chain != "never"))
        self.thresholds = thresholds
        self.managed: dict[str, ManagedTool] = {}
        self.flow: ChatFlow | None = None
        self.executors: Any = None
        self.tasks: list[asyncio.Task[Any]] = []
        self.ready_db = False

    async def start(self) -> None:
        cfg = self.config
        if self.recorder is None:
            from storage.recorder import Recorder

            self.recorder = Recorder(cfg.storage.url, batch_size=cfg.storage.batch_size,
                                     max_buffer=cfg.storage.max_buffer, spool_path=spool_path_for(cfg),
                                     redact=cfg.storage.redact, store_bodies=cfg.storage.store_bodies)
            self.recorder.start()
        self.metrics.bind_recorder(self.recorder)
        if cfg.tools:
            from proxy.executors import build_executors

            self.executors = await build_executors(cfg.tools)
            for tool in self.executors.values():
                self.managed[tool.name] = ManagedTool(spec=tool.spec(), executor=tool.executor)
                self.holder.examples[tool.name] = list(tool.examples)
                if tool.threshold is not None:
                    self.thresholds[tool.name] = tool.threshold
        if self.upstream.needs_litellm():
            self.tasks.append(asyncio.create_task(asyncio.to_thread(self.upstream.warm)))
        routing = None
        if self.load_router:
            from router.rules import RuleSet

            rules = RuleSet.from_config([r.model_dump(exclude_none=True) for r in cfg.rules]) if cfg.rules else None
            routing = Routing(self.holder, rules, self._args_llm())
            self.tasks.append(asyncio.create_task(self._load_router()))
            if cfg.router.reload_poll_s:
                self.tasks.append(asyncio.create_task(self._poll_checkpoints(cfg.router.reload_poll_s)))
        self.flow = ChatFlow(self.upstream, self.recorder, routing, self.managed, self.metrics,
                             cfg.router.mode, cfg.router.max_steps, self.thresholds, cfg.router.chain)

    async def _load_router(self) -> None:
        try:
            router = await asyncio.to_thread(self.holder.load)
            specs = [m.spec for m in self.managed.values()]
            if specs and hasattr(router, "warmup"):
                await asyncio.to_thread(router.warmup, specs)
        except Exception as exc:  # readiness reports it; pass-through keeps working
            self.holder.error = f"{type(exc).__name__}: {exc}"
            log.error("router failed to load: %s", self.holder.error)

    async def reload(self, checkpoint: str | None) -> str | None:
        if checkpoint is not None and not Path(checkpoint).exists():
            raise InvalidRequest(f"Checkpoint {checkpoint!r} does not exist.", param="checkpoint")
        await asyncio.to_thread(self.holder.load, checkpoint)
        return self.holder.version

    async def _poll_checkpoints(self, every: float) -> None:
        """Follow the checkpoint marked active in SQL, so every replica picks up an activation."""
        from storage.db import make_engine
        from storage.queries import active_checkpoint

        engine = await asyncio.to_thread(make_engine, self.config.storage.url)
        try:
            while True:
                await asyncio.sleep(every)
                try:
                    active = await asyncio.to_thread(active_checkpoint, engine)
                    if (active and self.holder.router is not None and active["version"] != self.holder.version
                            and Path(active["path"]).exists()):
                        log.info("activating checkpoint %s", active["version"])
                        await self.reload(active["path"])
                except Exception as exc:
                    log.warning("checkpoint poll failed: %s", exc)
        finally:
            engine.dispose()

    def _args_llm(self) -> Any:
        model = self.config.router.args_model
        if not model:
            return None
        from proxy.args_llm import make_args_llm

        return make_args_llm(self.upstream, model, asyncio.get_running_loop())

    async def stop(self) -> None:
        for t in self.tasks:
            t.cancel()
        for t in self.tasks:
            with contextlib.suppress(BaseException):
                await t
        if self.executors is not None:
            await self.executors.aclose()
        await self.upstream.aclose()
        if self._recorder is None and self.recorder is not None:
            await self.recorder.aclose()

    def ready(self) -> tuple[bool, dict[str, Any]]:
        info: dict[str, Any] = {"recorder_queue": getattr(self.recorder, "queue_depth", None),
                                "spool": getattr(self.recorder, "spool_size", None)}
        ok = True
        if self.load_router:
            info["router"] = self.holder.version or ("error: " + self.holder.error if self.holder.error else "loading")
            ok = self.holder.router is not None
        healthy = getattr(self.recorder, "healthy", True)
        info["database"] = "ok" if healthy else "unreachable"
        return ok and bool(healthy), info


def create_app(config: Config, *, recorder: Any | None = None, load_router: bool | None = None) -> Starlette:
    """Build the app. ``recorder`` may be injected (tests); ``load_router`` defaults to mode != observe."""
    if load_router is None:
        load_router = config.router.mode != "observe" or bool(config.tools)
    state = ProxyState(config, recorder, load_router)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await state.start()
        try:
            yield
        finally:
            await state.stop()

    async def read_body(request: Request) -> bytes:
        limit = config.server.max_body_bytes
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > limit:
            raise BodyTooLarge(f"Request body is {declared} bytes; the limit is {limit}.")
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise BodyTooLarge(f"Request body exceeds the limit of {limit} bytes.")
            chunks.append(chunk)
        return b"".join(chunks)

    async def chat(request: Request) -> Response:
        trace = TraceRecord()
        TRACE_ID.set(trace.id)  # each request runs in its own task: no reset needed
        try:
            trace.client_key_id = state.keys.check(request.headers.get("authorization"))
            body = parse_body(await read_body(request), config.server.max_body_bytes)
            validate_chat(body, config.server.max_messages)
            mode = request.headers.get("x-toolproxy-mode")
            if mode is not None and mode not in MODES:
                raise InvalidRequest(f"x-toolproxy-mode must be one of {sorted(MODES)}.", param="x-toolproxy-mode")
            trace.request = body
            assert state.flow is not None
            reply = await state.flow.handle(body, trace, mode)
        except ProxyError as exc:
            if state.flow is not None:
                state.flow.reject(trace, exc)
            return error_response(exc, trace_headers(trace))
        if reply.stream is not None:
            return StreamingResponse(reply.stream, media_type="text/event-stream",
                                     headers={**reply.headers, "cache-control": "no-cache"})
        return ORJSONResponse(reply.json, status_code=reply.status, headers=reply.headers)

    async def models(request: Request) -> Response:
        try:
            state.keys.check(request.headers.get("authorization"))
        except ProxyError as exc:
            return error_response(exc)
        data = [{"id": m.model_name, "object": "model", "created": 0, "owned_by": "toolproxy"}
                for m in config.model_list]
        return ORJSONResponse({"object": "list", "data": data})

    async def health(request: Request) -> Response:
        return ORJSONResponse({"status": "ok"})

    async def ready(request: Request) -> Response:
        ok, info = state.ready()
        return ORJSONResponse({"status": "ready" if ok else "not_ready", **info}, status_code=200 if ok else 503)

    async def metrics(request: Request) -> Response:
        return Response(state.metrics.render(), media_type="text/plain; version=0.0.4")

    async def reload(request: Request) -> Response:
        try:
            state.keys.check(request.headers.get("authorization"))
            if not (config.server.admin_reload and state.load_router):
                raise InvalidRequest("Router reload is disabled.", code="reload_disabled", status_code=403)
            raw = await read_body(request)
            body = parse_body(raw, config.server.max_body_bytes) if raw.strip() else {}
            ckpt = body.get("checkpoint")
            if ckpt is not None and not isinstance(ckpt, str):
                raise InvalidRequest("'checkpoint' must be a path string.", param="checkpoint")
            version = await state.reload(ckpt)
        except ProxyError as exc:
            return error_response(exc)
        return ORJSONResponse({"status": "reloaded", "router_version": version})

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        kind = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        err = ProxyError(f"{request.method} {request.url.path}: {exc.detail}", code=kind,
                         status_code=exc.status_code, type="invalid_request_error")
        return error_response(err)

    async def server_error(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s", request.url.path)
        return error_response(ProxyError("Internal error in toolproxy; the trace id is in the logs.",
                                         code="internal_error"))

    routes = [
        Route("/v1/chat/completions", chat, methods=["POST"]),
        Route("/chat/completions", chat, methods=["POST"]),
        Route("/v1/models", models, methods=["GET"]),
        Route("/models", models, methods=["GET"]),
        Route("/health", health, methods=["GET"]),
        Route("/health/ready", ready, methods=["GET"]),
        Route("/metrics", metrics, methods=["GET"]),
        Route("/admin/reload", reload, methods=["POST"]),
    ]
    app = Starlette(routes=routes, lifespan=lifespan,
                    exception_handlers={HTTPException: http_error, Exception: server_error})
    app.state.proxy = state
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    # OpenMP threads that spin while waiting cost 20-50x on the query embedding when the CPU is shared
    # (measured: MiniLM encode p50 800 ms spinning vs 16 ms passive on a loaded 2-core box). torch reads
    # this once, when it loads, which happens later (the router loads in the lifespan).
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    return app
