"""``http`` executor: one request per run, URL template filled URL-encoded, host allow-list enforced."""

from __future__ import annotations

import asyncio
import codecs
import time
from typing import Any
from urllib.parse import quote

import httpx

from proxy.executors.base import Executor, ToolResult
from proxy.executors.config import HttpExecutorConfig
from proxy.executors.errors import ExecutorConfigError
from proxy.executors.output import (
    PLACEHOLDER,
    TRUNCATION_MARKER,
    argument_text,
    elapsed_ms,
    error_result,
    exception_result,
    resolve_env,
)

BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
ERROR_SNIPPET_BYTES = 2_000
DEFAULT_PORTS = {"http": 80, "https": 443}


def host_allowed(url: httpx.URL, allowed: list[str]) -> bool:
    """Compare the *parsed* host (so ``http://ok.com@evil`` is ``evil``) with the allow-list.

    An entry is a host (``api.example.com``), a host and port (``127.0.0.1:8000``), or a
    wildcard for subdomains (``*.example.com``, which does not match ``example.com`` itself).
    """
    host = url.host.lower().rstrip(".")
    port = url.port or DEFAULT_PORTS.get(url.scheme)
    for raw in allowed:
        entry = raw.lower().rstrip(".")
        if entry.startswith("*."):
            if host.endswith(entry[1:]):
                return True
        elif entry in (host, f"{host}:{port}"):
            return True
    return False


def fill_url(template: str, arguments: dict[str, Any]) -> tuple[str, set[str]]:
    """Replace each ``{param}`` by its URL-encoded value (``quote(safe="")``); returns the names used."""
    used: set[str] = set()

    def sub(match: Any) -> str:
        name = match.group(1)
        if name not in arguments:
            raise KeyError(name)
        used.add(name)
        return quote(argument_text(arguments[name]), safe="")

    return PLACEHOLDER.sub(sub, template), used


def query_params(arguments: dict[str, Any]) -> dict[str, Any]:
    """Arguments as query parameters: lists repeat the key, objects are JSON, booleans true/false."""
    params: dict[str, Any] = {}
    for name, value in arguments.items():
        if value is None:
            continue
        if isinstance(value, list):
            params[name] = [argument_text(v) for v in value]
        else:
            params[name] = argument_text(value)
    return params


class HttpExecutor(Executor):
    """One ``httpx.AsyncClient`` per executor (closed by ``aclose``); redirects are not followed."""

    def __init__(self, cfg: HttpExecutorConfig) -> None:
        self.cfg = cfg
        self.timeout_s = cfg.timeout_s
        self.max_output_bytes = cfg.max_output_bytes
        headers = {k: resolve_env(v, f"http header {k!r}") for k, v in cfg.headers.items()}
        probe, _ = fill_url(cfg.url, _Anything())
        try:
            parsed = httpx.URL(probe)
        except httpx.InvalidURL as exc:
            raise ExecutorConfigError(f"http url {cfg.url!r}: {exc}") from exc
        if parsed.scheme not in ("http", "https"):
            raise ExecutorConfigError(f"http url {cfg.url!r}: scheme must be http or https")
        if _Anything.VALUE in parsed.netloc.decode("ascii", "replace") and cfg.allowed_hosts is None:
            raise ExecutorConfigError(
                f"http url {cfg.url!r}: a {{param}} in the host needs allowed_hosts (else any host is reachable)"
            )
        self.client = httpx.AsyncClient(
            headers=headers, timeout=cfg.timeout_s, follow_redirects=False, trust_env=False
        )

    async def aclose(self) -> None:
        await self.client.aclose()

    async def run(self, arguments: dict[str, Any]) -> ToolResult:
        started = time.perf_counter()
        limit = self.max_output_bytes
        try:
            url, used = fill_url(self.cfg.url, arguments)
        except KeyError as exc:
            return error_result(f"missing argument {exc.args[0]!r} for the URL", started, limit)
        try:
            parsed = httpx.URL(url)
        except httpx.InvalidURL as exc:
            return error_result(f"invalid URL: {exc}", started, limit)
        if self.cfg.allowed_hosts is not None and not host_allowed(parsed, self.cfg.allowed_hosts):
            return error_result(f"host {parsed.host!r} is not in allowed_hosts", started, limit)
        rest = {k: v for k, v in arguments.items() if k not in used}
        method = self.cfg.method
        request: dict[str, Any] = {"json": rest} if method in BODY_METHODS else {"params": query_params(rest)}
        try:
            async with asyncio.timeout(self.timeout_s):
                status, body, truncated, encoding = await self._send(method, parsed, request)
        except (TimeoutError, httpx.TimeoutException):
            return error_result(f"timeout after {self.timeout_s:g}s", started, limit)
        except httpx.HTTPError as exc:
            return exception_result(exc, started, limit)
        text = body.decode(encoding, errors="ignore" if truncated else "replace")
        if not 200 <= status < 300:
            snippet = text[:ERROR_SNIPPET_BYTES]
            return error_result(f"HTTP {status}", started, limit, detail=snippet)
        if truncated:
            text += TRUNCATION_MARKER
        return ToolResult(output=text, ok=True, duration_ms=elapsed_ms(started), truncated=truncated)

    async def _send(
        self, method: str, url: httpx.URL, request: dict[str, Any]
    ) -> tuple[int, bytes, bool, str]:
        """Stream the response, stopping once ``max_output_bytes`` is exceeded."""
        limit = self.max_output_bytes
        buf = bytearray()
        async with self.client.stream(method, url, **request) as response:
            async for chunk in response.aiter_bytes():
                buf += chunk
                if len(buf) > limit:
                    break
            encoding = _known_codec(response.encoding)
            status = response.status_code
        truncated = len(buf) > limit
        return status, bytes(buf[:limit]), truncated, encoding


def _known_codec(name: str | None) -> str:
    try:
        return codecs.lookup(name or "utf-8").name
    except LookupError:
        return "utf-8"


class _Anything(dict[str, Any]):
    """Fills every placeholder with ``VALUE`` so a template can be checked at build time."""

    VALUE = "toolproxyprobe"

    def __contains__(self, key: object) -> bool:
        return True

    def __getitem__(self, key: str) -> Any:
        return self.VALUE
