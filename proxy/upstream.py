"""Calls to the upstream LLM.

Two paths behind one interface:
- a fast path with httpx for OpenAI-compatible ``api_base``s (``openai/...`` models): the request body
  goes out as the client sent it, with the deployment's model name and key;
- litellm for every other provider (imported lazily: it costs ~2 s at import).

Both raise only ``proxy.errors`` exceptions, and only before the first streamed chunk.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from typing import Any

import httpx
import orjson

from proxy.config import Config, ModelEntry
from proxy.errors import ModelNotFound, ProxyError, UpstreamError, UpstreamTimeout, UpstreamUnavailable

_FAST_KEYS = {"model", "api_base", "api_key", "timeout", "stream_timeout", "max_retries", "rpm", "tpm"}
_RETRY_STATUS = {502, 503, 504}

Chunk = tuple[bytes, dict[str, Any]]  # (raw JSON of one SSE data event, parsed)


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
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(self._timeout, connect=min(10.0, self._timeout)),
            limits=httpx.Limits(max_connections=512, max_keepalive_connections=128),
        )
        self._secrets = [str(m.litellm_params.api_key) for m in config.model_list if m.litellm_params.api_key]
        self._litellm: Any = None

    def deployment(self, model: str) -> ModelEntry:
        entry = self._config.model(model)
        if entry is None:
            raise ModelNotFound(f"The model {model!r} does not exist in this proxy's model_list.", param="model")
        return entry

    def _is_fast(self, entry: ModelEntry) -> bool:
        p = entry.litellm_params
        extra = set(p.model_dump(exclude_none=True)) - _FAST_KEYS
        return (
            self._config.server.litellm_fast_path
            and p.api_base is not None
            and p.model.startswith("openai/")
            and not extra
        )

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

    async def aclose(self) -> None:
        await self._client.aclose()

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

    # ---------------------------------------------------------------- httpx fast path
    def _fast_request(self, entry: ModelEntry, body: dict[str, Any]) -> httpx.Request:
        p = entry.litellm_params
        url = str(p.api_base).rstrip("/") + "/chat/completions"
        headers = {"content-type": "application/json"}
        if p.api_key:
            headers["authorization"] = f"Bearer {p.api_key}"
        payload = {**body, "model": p.model.split("/", 1)[1]}
        timeout = getattr(p, "timeout", None) or self._timeout
        return self._client.build_request(
            "POST", url, content=orjson.dumps(payload), headers=headers,
            timeout=httpx.Timeout(timeout, connect=min(10.0, timeout)),
        )

    async def _fast_complete(self, entry: ModelEntry, body: dict[str, Any]) -> dict[str, Any]:
        try:
            resp = await self._client.send(self._fast_request(entry, body))
        except httpx.TimeoutException:
            raise UpstreamTimeout("The upstream did not answer in time.") from None
        except httpx.TransportError as exc:
            raise UpstreamUnavailable(f"Cannot reach the upstream: {type(exc).__name__}.") from None
        if resp.status_code >= 400:
            raise self._status_error(resp.status_code, resp.content)
        try:
            data = orjson.loads(resp.content)
        except orjson.JSONDecodeError:
            raise UpstreamError("The upstream returned malformed JSON.", status_code=502, code="upstream_bad_response") from None
        if not isinstance(data, dict) or not isinstance(data.get("choices"), list):
            raise UpstreamError("The upstream returned an unexpected response shape.", status_code=502,
                                code="upstream_bad_response")
        return data

    async def _fast_stream(self, entry: ModelEntry, body: dict[str, Any]) -> AsyncIterator[Chunk]:
        try:
            resp = await self._client.send(self._fast_request(entry, body), stream=True)
        except httpx.TimeoutException:
            raise UpstreamTimeout("The upstream did not answer in time.") from None
        except httpx.TransportError as exc:
            raise UpstreamUnavailable(f"Cannot reach the upstream: {type(exc).__name__}.") from None
        try:
            if resp.status_code >= 400:
                raise self._status_error(resp.status_code, await resp.aread())
            async for line in resp.aiter_lines():
                if not line.startswith("data:"):
                    continue
                raw = line[5:].strip()
                if raw == "[DONE]":
                    return
                try:
                    chunk = orjson.loads(raw)
                except orjson.JSONDecodeError:
                    raise UpstreamError("The upstream sent a malformed stream event.", status_code=502,
                                        code="upstream_bad_response") from None
                if isinstance(chunk, dict) and "error" in chunk and "choices" not in chunk:
                    raise UpstreamError(_scrub(str(chunk["error"]), self._secrets), status_code=502)
                yield raw.encode(), chunk
            raise UpstreamError("The upstream stream ended without [DONE].", status_code=502, code="upstream_stream_cut")
        except httpx.TimeoutException:
            raise UpstreamTimeout("The upstream stopped sending in time.") from None
        except httpx.TransportError as exc:
            raise UpstreamError(f"The upstream stream broke: {type(exc).__name__}.", status_code=502,
                                code="upstream_stream_cut") from None
        finally:
            await resp.aclose()

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
