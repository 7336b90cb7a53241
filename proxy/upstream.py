"""Calls to the upstream LLM.

Two paths behind one interface:
- a fast path with aiohttp for OpenAI-compatible ``api_base``s (``openai/...`` models): the request body
  goes out as the client sent it, with the deployment's model name and key (aiohttp rather than httpx:
  ~0.07 ms of CPU per request against httpx's ~1.2 ms, measured with bench's fast upstream);
- litellm for every other provider (imported lazily: it costs ~2 s at import).

Both raise only ``proxy.errors`` exceptions, and only before the first streamed chunk.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import orjson

from proxy.config import Config, ModelEntry
from proxy.errors import ModelNotFound, ProxyError, UpstreamError, UpstreamTimeout, UpstreamUnavailable

_FAST_KEYS = {"model", "api_base", "api_key", "timeout", "stream_timeout", "max_retries", "rpm", "tpm"}
_RETRY_STATUS = {502, 503, 504}

Chunk = tuple[bytes, dict[str, Any]]  # (raw JSON of one SSE data event, parsed)


@dataclass(frozen=True)
class _FastTarget:
    url: str
    headers: dict[str, str]
    model: str
    timeout: aiohttp.ClientTimeout  # per operation (connect, each read) like httpx.Timeout, not a total


def _scrub(text: str, secrets: list[str]) -> str:
    for s in secrets:
        if s:
            text = text.replace(s, "***")
    return text[:2000]


class Upstream:
    def __init__(self, config: Config) -> None:
        self._config = config
        self._timeout = config.server.upstream_timeout_s
        self._retries = config.server.upstream_retries
        self._session: aiohttp.ClientSession | None = None  # created on first use, inside the event loop
        self._session_loop: asyncio.AbstractEventLoop | None = None
        self._fast: dict[int, _FastTarget | None] = {}  # id(ModelEntry) -> fast-path target
        self._secrets = [str(m.litellm_params.api_key) for m in config.model_list if m.litellm_params.api_key]
        self._litellm: Any = None

    def deployment(self, model: str) -> ModelEntry:
        entry = self._config.model(model)
        if entry is None:
            raise ModelNotFound(f"The model {model!r} does not exist in this proxy's model_list.", param="model")
        return entry

    def _is_fast(self, entry: ModelEntry) -> bool:
        return self._fast_target(entry) is not None

    def _fast_target(self, entry: ModelEntry) -> _FastTarget | None:
        """URL, headers, model and timeout of a fast-path deployment (None: use litellm); computed once per
        deployment, since pydantic dumps and attribute fallbacks cost more than the rest of the request."""
        key = id(entry)
        if key in self._fast:
            return self._fast[key]
        p = entry.litellm_params
        extra = set(p.model_dump(exclude_none=True)) - _FAST_KEYS
        target = None
        if self._config.server.litellm_fast_path and p.api_base is not None and p.model.startswith("openai/") \
                and not extra:
            headers = {"content-type": "application/json"}
            if p.api_key:
                headers["authorization"] = f"Bearer {p.api_key}"
            timeout = getattr(p, "timeout", None) or self._timeout
            target = _FastTarget(url=str(p.api_base).rstrip("/") + "/chat/completions", headers=headers,
                                 model=p.model.split("/", 1)[1],
                                 timeout=aiohttp.ClientTimeout(total=None, connect=min(10.0, timeout),
                                                               sock_read=timeout))
        self._fast[key] = target
        return target

    # ---------------------------------------------------------------- public API
    async def complete(self, body: dict[str, Any]) -> dict[str, Any]:
        entry = self.deployment(body["model"])
        body = {**body, "stream": False}
        body.pop("stream_options", None)
        if self._is_fast(entry):
            return await self._retrying(lambda: self._fast_complete(entry, body))
        return await self._retrying(lambda: self._litellm_complete(entry, body))

    async def stream(self, body: dict[str, Any]) -> AsyncIterator[Chunk]:
        """Open a stream; errors before the first chunk raise here, not inside the iterator."""
        entry = self.deployment(body["model"])
        body = {**body, "stream": True}
        opener = self._fast_stream if self._is_fast(entry) else self._litellm_stream
        it: AsyncIterator[Chunk] = await self._retrying(lambda: _prime(opener(entry, body)))
        return it

    def needs_litellm(self) -> bool:
        return any(not self._is_fast(m) for m in self._config.model_list)

    def warm(self) -> None:
        """Import litellm ahead of the first request (it takes seconds); call off the event loop."""
        self._lib()

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _http(self) -> aiohttp.ClientSession:
        loop = asyncio.get_running_loop()
        if self._session is None or self._session.closed or self._session_loop is not loop:
            self._session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=512, keepalive_timeout=30))
            self._session_loop = loop
        return self._session

    # ---------------------------------------------------------------- retries
    async def _retrying(self, call: Any) -> Any:
        delay = 0.05
        for attempt in range(self._retries + 1):
            try:
                return await call()
            except (UpstreamUnavailable, UpstreamTimeout, UpstreamError) as exc:
                retryable = isinstance(exc, UpstreamUnavailable) or exc.status_code in _RETRY_STATUS
                if not retryable or attempt == self._retries:
                    raise
                await asyncio.sleep(delay)
                delay *= 4
        raise AssertionError("unreachable")

    # ---------------------------------------------------------------- aiohttp fast path
    async def _fast_send(self, entry: ModelEntry, body: dict[str, Any]) -> aiohttp.ClientResponse:
        """Send the request; connection errors and timeouts before the response map to proxy errors."""
        target = self._fast_target(entry)
        assert target is not None
        payload = {**body, "model": target.model}
        try:
            return await self._http().post(target.url, data=orjson.dumps(payload), headers=target.headers,
                                           timeout=target.timeout)
        except TimeoutError:
            raise UpstreamTimeout("The upstream did not answer in time.") from None
        except aiohttp.ClientError as exc:
            raise UpstreamUnavailable(f"Cannot reach the upstream: {type(exc).__name__}.") from None

    async def _fast_complete(self, entry: ModelEntry, body: dict[str, Any]) -> dict[str, Any]:
        resp = await self._fast_send(entry, body)
        try:
            content = await resp.read()
        except TimeoutError:
            raise UpstreamTimeout("The upstream did not answer in time.") from None
        except aiohttp.ClientError as exc:
            raise UpstreamUnavailable(f"Cannot reach the upstream: {type(exc).__name__}.") from None
        finally:
            resp.release()
        if resp.status >= 400:
            raise self._status_error(resp.status, content)
        try:
            data = orjson.loads(content)
        except orjson.JSONDecodeError:
            raise UpstreamError("The upstream returned malformed JSON.", status_code=502, code="upstream_bad_response") from None
        if not isinstance(data, dict) or not isinstance(data.get("choices"), list):
            raise UpstreamError("The upstream returned an unexpected response shape.", status_code=502,
                                code="upstream_bad_response")
        return data

    async def _fast_stream(self, entry: ModelEntry, body: dict[str, Any]) -> AsyncIterator[Chunk]:
        resp = await self._fast_send(entry, body)
        try:
            if resp.status >= 400:
                raise self._status_error(resp.status, await resp.read())
            async for line in _lines(resp.content):
                if not line.startswith(b"data:"):
                    continue
                raw = line[5:].strip()
                if raw == b"[DONE]":
                    return
                try:
                    chunk = orjson.loads(raw)
                except orjson.JSONDecodeError:
                    raise UpstreamError("The upstream sent a malformed stream event.", status_code=502,
                                        code="upstream_bad_response") from None
                if isinstance(chunk, dict) and "error" in chunk and "choices" not in chunk:
                    raise UpstreamError(_scrub(str(chunk["error"]), self._secrets), status_code=502)
                yield raw, chunk
            raise UpstreamError("The upstream stream ended without [DONE].", status_code=502, code="upstream_stream_cut")
        except TimeoutError:
            raise UpstreamTimeout("The upstream stopped sending in time.") from None
        except aiohttp.ClientError as exc:
            raise UpstreamError(f"The upstream stream broke: {type(exc).__name__}.", status_code=502,
                                code="upstream_stream_cut") from None
        finally:
            if resp.content.is_eof():
                resp.release()  # fully read: the connection goes back to the pool
            else:
                resp.close()  # left early (client gone, error): never reuse a half-read connection

    def _status_error(self, status: int, content: bytes) -> UpstreamError:
        message = content.decode("utf-8", "replace")
        try:
            data = orjson.loads(content)
            err = data.get("error") if isinstance(data, dict) else None
            if isinstance(err, dict) and err.get("message"):
                message = str(err["message"])
            elif isinstance(err, str):
                message = err
        except orjson.JSONDecodeError:
            pass
        status = status if 400 <= status <= 599 else 502
        return UpstreamError(f"Upstream error {status}: {_scrub(message, self._secrets)}", status_code=status)

    # ---------------------------------------------------------------- litellm path
    def _lib(self) -> Any:
        if self._litellm is None:
            os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
            import litellm

            litellm.suppress_debug_info = True
            litellm.drop_params = True
            self._litellm = litellm
        return self._litellm

    def _litellm_kwargs(self, entry: ModelEntry, body: dict[str, Any]) -> dict[str, Any]:
        params = entry.litellm_params.model_dump(exclude_none=True)
        kwargs = {**body, **params}
        kwargs.setdefault("timeout", self._timeout)
        kwargs["num_retries"] = 0
        return kwargs

    def _map_litellm(self, exc: Exception) -> ProxyError:
        lib = self._lib()
        msg = _scrub(str(getattr(exc, "message", exc)), self._secrets)
        if isinstance(exc, lib.Timeout):
            return UpstreamTimeout("The upstream did not answer in time.")
        if isinstance(exc, lib.APIConnectionError):
            return UpstreamUnavailable(f"Cannot reach the upstream: {msg}")
        status = getattr(exc, "status_code", None)
        status = status if isinstance(status, int) and 400 <= status <= 599 else 502
        return UpstreamError(f"Upstream error {status}: {msg}", status_code=status)

    async def _litellm_complete(self, entry: ModelEntry, body: dict[str, Any]) -> dict[str, Any]:
        lib = self._lib()
        try:
            resp = await lib.acompletion(**self._litellm_kwargs(entry, body))
        except Exception as exc:  # litellm raises many types; all map to one error
            raise self._map_litellm(exc) from None
        data: dict[str, Any] = resp.model_dump(exclude_none=True)
        return data

    async def _litellm_stream(self, entry: ModelEntry, body: dict[str, Any]) -> AsyncIterator[Chunk]:
        lib = self._lib()
        try:
            resp = await lib.acompletion(**self._litellm_kwargs(entry, body))
            async for chunk in resp:
                data = chunk.model_dump(exclude_none=True)
                yield orjson.dumps(data), data
        except ProxyError:
            raise
        except Exception as exc:
            raise self._map_litellm(exc) from None


async def _lines(stream: aiohttp.StreamReader) -> AsyncIterator[bytes]:
    """Lines of a byte stream, without aiohttp's line-length limit (tool-call arguments can be large)."""
    buf = b""
    async for data in stream.iter_any():
        buf += data
        if b"\n" not in data:
            continue
        *lines, buf = buf.split(b"\n")
        for line in lines:
            yield line.rstrip(b"\r")
    if buf:
        yield buf.rstrip(b"\r")


async def _prime(gen: AsyncIterator[Chunk]) -> AsyncIterator[Chunk]:
    """Pull the first chunk so connection and status errors raise before any byte goes to the client."""
    try:
        first = await gen.__anext__()
    except StopAsyncIteration:
        first = None

    async def rest() -> AsyncIterator[Chunk]:
        if first is not None:
            yield first
            async for item in gen:
                yield item

    return rest()
