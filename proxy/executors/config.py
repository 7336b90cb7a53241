"""Typed config for the ``executor:`` block of a managed tool."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field


class _Base(BaseModel):
    model_config = ConfigDict(extra="forbid")
    timeout_s: float = Field(30.0, gt=0, description="Wall-clock limit for one run.")
    max_output_bytes: int = Field(64_000, gt=0, description="Output beyond this is cut and marked.")


class PythonExecutorConfig(_Base):
    type: Literal["python"]
    callable: str = Field(description='Import path "package.module:function"; sync or async.')


class HttpExecutorConfig(_Base):
    type: Literal["http"]
    url: str = Field(description="URL template; {param} placeholders are filled URL-encoded.")
    method: Literal["GET", "POST", "PUT", "PATCH", "DELETE"] = "GET"
    headers: dict[str, str] = Field(default_factory=dict, description="Values may be os.environ/NAME.")
    allowed_hosts: list[str] | None = Field(None, description="When set, refuse any other host.")


class CommandExecutorConfig(_Base):
    type: Literal["command"]
    argv: list[str] = Field(min_length=1, description="{param} in an item is replaced; never a shell.")
    cwd: str | None = None
    env: dict[str, str] = Field(default_factory=dict)


class McpExecutorConfig(_Base):
    type: Literal["mcp"]
    command: list[str] | None = Field(None, description="stdio server: argv to start it.")
    url: str | None = Field(None, description="Streamable-HTTP server URL.")
    env: dict[str, str] = Field(default_factory=dict)
    include: list[str] | None = Field(None, description="Only these discovered tools (default all).")
    start_timeout_s: float = Field(30.0, gt=0, description="Limit for starting/connecting and listing tools.")


ExecutorConfig = Annotated[
    PythonExecutorConfig | HttpExecutorConfig | CommandExecutorConfig | McpExecutorConfig,
    Field(discriminator="type"),
]
