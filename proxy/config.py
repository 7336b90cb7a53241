"""The config file: YAML validated into typed models at start-up.

Sections: ``model_list`` (LiteLLM's shape, paste yours), ``server``, ``storage``, ``router``,
``tools`` and ``rules``. A bad file raises ``ConfigError`` with one line naming the key and why.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from proxy.errors import ConfigError
from proxy.executors.config import ExecutorConfig
from proxy.secrets import resolve

Mode = Literal["observe", "shadow", "intercept"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LiteLLMParams(BaseModel):
    """Passed to litellm as is (``model``, ``api_base``, ``api_key``, ``timeout``, ...)."""

    model_config = ConfigDict(extra="allow")
    model: str
    api_base: str | None = None
    api_key: str | None = None


class ModelEntry(BaseModel):
    model_config = ConfigDict(extra="allow")
    model_name: str
    litellm_params: LiteLLMParams


class ServerConfig(_Strict):
    host: str = "127.0.0.1"
    port: int = Field(8080, ge=0, le=65535)
    api_keys: list[str] = Field(default_factory=list, description="Proxy keys; empty = no auth.")
    max_body_bytes: int = Field(4 * 1024 * 1024, gt=0)
    max_messages: int = Field(2048, gt=0)
    upstream_timeout_s: float = Field(600.0, gt=0)
    upstream_retries: int = Field(1, ge=0, le=10, description="Retries on connect errors/5xx before any output.")
    litellm_fast_path: bool = Field(True, description="Call OpenAI-compatible api_bases directly with httpx.")
    admin_reload: bool = True


class StorageConfig(_Strict):
    url: str = "sqlite:///toolproxy.db"
    migrate_on_start: bool = True
    spool_path: str | None = Field(None, description="Default: <db file>.spool.jsonl or ./toolproxy.spool.jsonl")
    batch_size: int = Field(200, gt=0)
    max_buffer: int = Field(10_000, gt=0)
    store_bodies: bool = True
    redact: list[str] = Field(default_factory=list, description="Regexes replaced by [REDACTED].")
    retention_days: float | None = Field(None, gt=0)


class RouterConfig(_Strict):
    mode: Mode = "intercept"
    encoder: str | None = None
    encoder_backend: Literal["auto", "onnx", "onnx-int8", "torch"] = "auto"
    checkpoint: str | None = None
    threshold: float | None = Field(None, ge=0, le=1)
    tool_thresholds: dict[str, float] = Field(default_factory=dict)
    target_precision: float = Field(0.98, gt=0, le=1)
    context_turns: int = Field(3, ge=1)
    action_check: bool = Field(True, description="Answer NONE at half the confidence when the best tool's action "
                                                 "contradicts the request (unsubscribe for 'subscribe me', get for "
                                                 "'update'): the LLM decides.")
    prerequisites: bool = Field(True, description="When the chosen tool needs an identifier the user did not "
                                                  "give (a token, an account ID) and another offered tool can get "
                                                  "it from what they did give, run that one first; the LLM then "
                                                  "continues with the tools (off with chain: never).")
    max_steps: int = Field(5, ge=1, le=50)
    chain: Literal["auto", "always", "never"] = Field(
        "auto", description="After a local tool call, the LLM continues with the tools: when the request "
                            "asks for several actions (auto), always, or never.")
    args_model: str | None = Field(None, description="A model_name from model_list asked for arguments.")
    reload_poll_s: float | None = Field(10.0, description="Poll SQL for a newly activated checkpoint.")


class ToolEntry(_Strict):
    name: str | None = None
    description: str = ""
    parameters: dict[str, Any] = Field(default_factory=lambda: {"type": "object", "properties": {}})
    examples: list[str] = Field(default_factory=list)
    threshold: float | None = Field(None, ge=0, le=1)
    executor: ExecutorConfig

    @field_validator("name")
    @classmethod
    def _name_ok(cls, v: str | None) -> str | None:
        if v is not None and not v.replace("_", "").replace("-", "").isalnum():
            raise ValueError("tool names may use letters, digits, '_' and '-' only")
        return v


class RuleEntry(_Strict):
    name: str | None = None
    pattern: str
    tool: str | None = Field(None, description="Tool name, or null/'none' for no tool.")
    field: str = Field("last_user", description="Text the pattern is matched against.")
    case_sensitive: bool = False


class Config(_Strict):
    model_list: list[ModelEntry] = Field(default_factory=list)
    server: ServerConfig = Field(default_factory=lambda: ServerConfig())
    storage: StorageConfig = Field(default_factory=lambda: StorageConfig())
    router: RouterConfig = Field(default_factory=lambda: RouterConfig())
    tools: list[ToolEntry] = Field(default_factory=list)
    rules: list[RuleEntry] = Field(default_factory=list)
    litellm_settings: dict[str, Any] = Field(default_factory=dict)
    general_settings: dict[str, Any] = Field(default_factory=dict)

    def model(self, name: str) -> ModelEntry | None:
        for entry in self.model_list:
            if entry.model_name == name:
                return entry
        return None


def _one_line(err: ValidationError) -> str:
    first = err.errors()[0]
    loc = ".".join(str(p) for p in first["loc"]) or "(top level)"
    more = f" (and {err.error_count() - 1} more)" if err.error_count() > 1 else ""
    return f"{loc}: {first['msg']}{more}"


def parse_config(data: Any, source: str = "config") -> Config:
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: the top level must be a mapping, got {type(data).__name__}")
    try:
        cfg = Config.model_validate(resolve(data))
    except ValidationError as exc:
        raise ConfigError(f"{source}: {_one_line(exc)}") from None
    names = [t.name for t in cfg.tools if t.name]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ConfigError(f"{source}: tools: duplicate tool name {dupes[0]!r}")
    for i, tool in enumerate(cfg.tools):
        if tool.name is None and tool.executor.type != "mcp":
            raise ConfigError(f"{source}: tools.{i}.name: required for {tool.executor.type} executors")
    if cfg.rules:
        from router.rules import RuleError, RuleSet

        try:
            RuleSet.from_config([r.model_dump(exclude_none=True) for r in cfg.rules])
        except RuleError as exc:
            raise ConfigError(f"{source}: rules: {exc}") from None
    if cfg.router.args_model and cfg.model(cfg.router.args_model) is None:
        raise ConfigError(f"{source}: router.args_model: {cfg.router.args_model!r} is not a model_name in model_list")
    return cfg


def load_config(path: str | Path | None) -> Config:
    """Read and validate a YAML config; ``None`` gives the embedded defaults."""
    if path is None:
        return parse_config({}, "defaults")
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{p}: cannot read config: {exc.strerror}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        raise ConfigError(f"{p}:{where} invalid YAML: {getattr(exc, 'problem', exc)}") from None
    return parse_config(data, str(p))
