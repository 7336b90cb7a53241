"""The proxy's one exception hierarchy, and the one place that maps it to OpenAI-shaped HTTP errors.

Every error a client can see is a ``ProxyError``; ``error_body`` renders it as
``{"error": {"message", "type", "param", "code"}}``.
"""

from __future__ import annotations

from typing import Any


class ProxyError(Exception):
    """Base class: an error with an HTTP status and OpenAI's error fields."""

    status_code = 500
    type = "server_error"
    code: str | None = None

    def __init__(
        self,
        message: str,
        *,
        param: str | None = None,
        code: str | None = None,
        status_code: int | None = None,
        type: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.param = param
        if code is not None:
            self.code = code
        if status_code is not None:
            self.status_code = status_code
        if type is not None:
            self.type = type

    def body(self) -> dict[str, Any]:
        return {"error": {"message": self.message, "type": self.type, "param": self.param, "code": self.code}}


class InvalidRequest(ProxyError):
    """The client sent something malformed (400)."""

    status_code = 400
    type = "invalid_request_error"


class BodyTooLarge(InvalidRequest):
    status_code = 413
    code = "request_too_large"


class AuthenticationError(ProxyError):
    status_code = 401
    type = "invalid_request_error"
    code = "invalid_api_key"


class ModelNotFound(InvalidRequest):
    status_code = 404
    code = "model_not_found"


class UpstreamError(ProxyError):
    """The upstream answered with an error; its status and message are passed on (no secrets)."""

    type = "upstream_error"


class UpstreamTimeout(UpstreamError):
    status_code = 504
    code = "upstream_timeout"


class UpstreamUnavailable(UpstreamError):
    """The upstream refused the connection or could not be reached (502)."""

    status_code = 502
    code = "upstream_unreachable"


class ConfigError(Exception):
    """A bad config file; the message is one line naming the key and why."""
