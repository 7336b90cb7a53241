"""The http executor against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from proxy.executors import TRUNCATION_MARKER, ExecutorConfigError
from proxy.executors.config import HttpExecutorConfig
from proxy.executors.http import HttpExecutor, host_allowed

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@dataclass
class Seen:
    requests: list[dict[str, Any]] = field(default_factory=list)


class Handler(BaseHTTPRequestHandler):
    seen: Seen
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
        pass

    def handle(self) -> None:
        # The executor hangs up on timeouts and output caps: expected, not an error.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            super().handle()

    def _reply(
        self, status: int, body: bytes, content_type: str = "application/json", **headers: str
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        record = {"method": self.command, "path": self.path, "headers": dict(self.headers), "body": body}
        self.seen.requests.append(record)
        parts = urlsplit(self.path)
        if parts.path == "/slow":
            time.sleep(2)
            self._reply(200, b"late")
        elif parts.path == "/big":
            self._reply(200, b"y" * int(parse_qs(parts.query)["n"][0]), "text/plain")
        elif parts.path.startswith("/status/"):
            code = int(parts.path.rsplit("/", 1)[1])
            self._reply(code, f"nope: {code}".encode(), "text/plain")
        elif parts.path == "/redirect":
            self._reply(302, b"", Location="http://evil.invalid/")
        elif parts.path == "/endless":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            try:
                for _ in range(100_000):  # bounded: ~25 s of chunks at most
                    self.wfile.write(b"400\r\n" + b"z" * 1024 + b"\r\n")
                    self.wfile.flush()
                    time.sleep(0.00025)
            except (BrokenPipeError, ConnectionResetError):
                return
        else:
            self._reply(200, json.dumps(record).encode())

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle


@dataclass
class Server:
    base: str
    port: int
    seen: Seen


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    seen = Seen()
    handler = type("BoundHandler", (Handler,), {"seen": seen})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    port = httpd.server_address[1]
    yield Server(f"http://127.0.0.1:{port}", port, seen)
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
async def make() -> AsyncIterator[Any]:
    built: list[HttpExecutor] = []

    def factory(url: str, **kw: Any) -> HttpExecutor:
        ex = HttpExecutor(HttpExecutorConfig(type="http", url=url, **kw))
        built.append(ex)
        return ex

    yield factory
    for ex in built:
        await ex.aclose()


async def test_url_placeholders_are_filled_url_encoded(server: Server, make: Any) -> None:
    ex = make(server.base + "/items/{name}/info")
    result = await ex.run({"name": "../etc passwd?x=1#frag/é"})
    assert result.ok, result.output
    seen = json.loads(result.output)
    assert seen["path"] == "/items/..%2Fetc%20passwd%3Fx%3D1%23frag%2F%C3%A9/info"


async def test_get_sends_remaining_arguments_as_query(server: Server, make: Any) -> None:
    ex = make(server.base + "/search/{kind}")
    result = await ex.run(
        {"kind": "books", "q": "x y&z", "n": 3, "exact": True, "tags": ["a", "b"], "skip": None}
    )
    seen = json.loads(result.output)
    parts = urlsplit(seen["path"])
    assert parts.path == "/search/books"
    assert parse_qs(parts.query) == {"q": ["x y&z"], "n": ["3"], "exact": ["true"], "tags": ["a", "b"]}
    assert seen["method"] == "GET" and seen["body"] == ""


async def test_delete_uses_query_too(server: Server, make: Any) -> None:
    result = await make(server.base + "/items", method="DELETE").run({"id": 7})
    seen = json.loads(result.output)
    assert seen["method"] == "DELETE" and seen["path"] == "/items?id=7"


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH"])
async def test_body_methods_send_remaining_arguments_as_json(server: Server, make: Any, method: str) -> None:
    ex = make(server.base + "/users/{user_id}/notes", method=method)
    result = await ex.run({"user_id": 42, "text": "hello", "meta": {"pinned": True}})
    seen = json.loads(result.output)
    assert seen["method"] == method and seen["path"] == "/users/42/notes"
    assert json.loads(seen["body"]) == {"text": "hello", "meta": {"pinned": True}}
    assert seen["headers"]["Content-Type"] == "application/json"


async def test_header_values_from_environment(
    server: Server, make: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TOOLPROXY_TEST_TOKEN", "s3cret")
    ex = make(
        server.base + "/h", headers={"Authorization": "os.environ/TOOLPROXY_TEST_TOKEN", "X-Plain": "v"}
    )
    monkeypatch.delenv("TOOLPROXY_TEST_TOKEN")  # resolved at build time
    seen = json.loads((await ex.run({})).output)
    assert seen["headers"]["Authorization"] == "s3cret"
    assert seen["headers"]["X-Plain"] == "v"


async def test_unset_environment_variable_is_a_config_error(
    make: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TOOLPROXY_TEST_MISSING", raising=False)
    with pytest.raises(ExecutorConfigError, match="TOOLPROXY_TEST_MISSING"):
        make("http://127.0.0.1/x", headers={"Authorization": "os.environ/TOOLPROXY_TEST_MISSING"})


async def test_allow_list_admits_the_listed_host(server: Server, make: Any) -> None:
    for allowed in (["127.0.0.1"], [f"127.0.0.1:{server.port}"]):
        result = await make(server.base + "/ok", allowed_hosts=allowed).run({})
        assert result.ok, (allowed, result.output)


@pytest.mark.parametrize(
    ("template", "arguments"),
    [
        ("http://evil.invalid/x", {}),
        ("http://127.0.0.1@evil.invalid/x", {}),  # userinfo trick: the host is evil.invalid
        ("http://127.0.0.1:80@evil.invalid/x", {}),
        ("http://{host}/x", {"host": "evil.invalid"}),
        ("http://{host}/x", {"host": "127.0.0.1@evil.invalid"}),  # encoded to one (foreign) host label
        ("http://127.0.0.1.evil.invalid/x", {}),
        ("http://127.0.0.1:1/x", {}),  # port not allowed when the entry pins a port
    ],
)
async def test_allow_list_refuses_other_hosts(
    server: Server, make: Any, template: str, arguments: dict[str, Any]
) -> None:
    before = len(server.seen.requests)
    allowed = ["127.0.0.1"] if ":1/" not in template else [f"127.0.0.1:{server.port}"]
    result = await make(template, allowed_hosts=allowed).run(arguments)
    assert not result.ok
    assert "is not in allowed_hosts" in result.output
    assert len(server.seen.requests) == before


def test_host_allowed_rules() -> None:
    allowed = ["api.example.com", "*.corp.example", "10.0.0.1:8080"]
    assert host_allowed(httpx.URL("https://API.example.com/x"), allowed)
    assert host_allowed(httpx.URL("https://a.b.corp.example/x"), allowed)
    assert not host_allowed(httpx.URL("https://corp.example/x"), allowed)
    assert not host_allowed(httpx.URL("https://evilcorp.example/x"), allowed)
    assert host_allowed(httpx.URL("http://10.0.0.1:8080/x"), allowed)
    assert not host_allowed(httpx.URL("http://10.0.0.1/x"), allowed)
    assert not host_allowed(httpx.URL("https://api.example.com.evil.io/x"), allowed)
    assert host_allowed(httpx.URL("https://api.example.com:443/x"), ["api.example.com:443"])


async def test_redirects_are_not_followed(server: Server, make: Any) -> None:
    result = await make(server.base + "/redirect").run({})
    assert not result.ok and result.error == "HTTP 302"


async def test_non_2xx_is_an_error_with_status_and_body(server: Server, make: Any) -> None:
    result = await make(server.base + "/status/{code}").run({"code": 404})
    assert not result.ok
    assert result.error == "HTTP 404"
    assert result.output == "error: HTTP 404\nnope: 404"


async def test_timeout(server: Server, make: Any) -> None:
    result = await make(server.base + "/slow", timeout_s=0.3).run({})
    assert not result.ok and result.output == "error: timeout after 0.3s"


async def test_output_cap(server: Server, make: Any) -> None:
    result = await make(server.base + "/big", max_output_bytes=100).run({"n": 5000})
    assert result.ok and result.truncated
    assert result.output == "y" * 100 + TRUNCATION_MARKER
    exact = await make(server.base + "/big", max_output_bytes=100).run({"n": 100})
    assert exact.output == "y" * 100 and not exact.truncated


async def test_endless_body_stops_at_the_cap(server: Server, make: Any) -> None:
    # If the executor read the whole body it would hit the timeout instead.
    result = await make(server.base + "/endless", max_output_bytes=50_000, timeout_s=10).run({})
    assert result.ok and result.truncated
    assert result.output == "z" * 50_000 + TRUNCATION_MARKER


async def test_missing_url_argument_is_an_error_result(server: Server, make: Any) -> None:
    result = await make(server.base + "/items/{name}").run({"other": 1})
    assert not result.ok and result.output == "error: missing argument 'name' for the URL"


async def test_connection_refused_is_an_error_result(make: Any) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = await make(f"http://127.0.0.1:{port}/x").run({})
    assert not result.ok and result.output.startswith("error: ConnectError")


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/x", "file:///etc/passwd", "not a url"])
def test_non_http_urls_are_config_errors(url: str) -> None:
    with pytest.raises(ExecutorConfigError):
        HttpExecutor(HttpExecutorConfig(type="http", url=url))


@pytest.mark.parametrize("url", ["http://{host}/x", "https://api.{region}.example.com/x"])
async def test_templated_host_requires_an_allow_list(url: str, make: Any) -> None:
    with pytest.raises(ExecutorConfigError, match="needs allowed_hosts"):
        make(url)
    assert make(url, allowed_hosts=["h"]).cfg.allowed_hosts == ["h"]  # accepted with one


async def test_aclose_closes_the_client(server: Server) -> None:
    ex = HttpExecutor(HttpExecutorConfig(type="http", url=server.base + "/x"))
    await ex.aclose()
    assert ex.client.is_closed
