"""Layered argument filling: schema-driven extraction, conversation context, defaults, optional LLM."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from router.args.assign import asked_params, assign
from router.args.context import fill_defaults, fill_from_facts, from_tool_outputs
from router.args.conversation import (
    questions_before_users,
    reference_date,
    system_facts,
    user_turns,
)
from router.args.document import Document
from router.args.params import describe_object, singular, split_words
from router.args.several import several_values
from router.args.validate import SchemaCheck, coerce, standard_schema
from router.types import ArgsResult, ToolSpec

ArgsLLM = Callable[[ToolSpec, list[dict[str, Any]]], dict[str, Any] | None]

MAX_TURNS = 4  # user turns searched: the last one, then up to three earlier ones
REQUIRED_MIN_SCORE = 0.4  # default evidence a required value needs (see fill_arguments)


def fill_arguments(
    messages: list[dict[str, Any]],
    tool: ToolSpec,
    *,
    llm: ArgsLLM | None = None,
    today: dt.date | None = None,
    min_score: float = REQUIRED_MIN_SCORE,
) -> ArgsResult:
    """Fill ``tool``'s arguments from the conversation; never invent a required value.

    Layers: values of same-named keys in earlier tool results ("context"); typed extractors over
    the last user turn, then earlier user turns for what is still unfilled (discounted, source
    "context"); a profile dict in a system message for missing required values ("context");
    schema defaults ("default"); finally, when ``llm`` is given and required values are still
    missing or invalid, the model is asked with only this tool's schema ("llm"). Every value is
    coerced where safe and validated with jsonschema; invalid ones are dropped (an invalid
    required one is listed in ``errors``), missing required ones are listed in ``missing``. Python-style
    type names in the schema ("dict", "float", "tuple", "any") count as their JSON Schema types.

    ``sources`` names the extractor per parameter: "enum", "number", "date", "boolean", "quoted",
    "email", "url", "phone", "span" (free text guided by the parameter's name and description),
    "context", "default" or "llm".

    ``today`` anchors relative dates (default: a "Today is YYYY-MM-DD" system message, else the
    local date). ``min_score`` is the evidence a required value needs: 0.25 fills more and
    guesses more; 0.4, the default, leaves weak guesses (an unlabelled quoted string, a bare
    number) to the fallback path or ``llm``.
    """
    schema = standard_schema(tool.parameters or {})
    check = SchemaCheck(schema)
    ref = reference_date(messages, today)
    turns = user_turns(messages)
    docs = [Document.parse(text, ref) for text in turns[:MAX_TURNS]]
    questions = questions_before_users(messages)[:MAX_TURNS]
    from_tools = from_tool_outputs(schema, messages, check)
    remaining = {
        **schema,
        "properties": {k: v for k, v in (schema.get("properties") or {}).items() if k not in from_tools},
    }
    topic = frozenset(singular(w) for w in split_words(tool.name))
    arguments, sources = fill_object(remaining, docs, check, questions, min_score, topic)
    for name, value in from_tools.items():
        arguments[name] = value
        sources[name] = "context"
    fill_from_facts(schema, system_facts(messages), arguments, sources, check)
    fill_defaults(schema, arguments, sources)
    arguments, missing, errors = _check(schema, arguments, sources, check)
    if llm is not None and (missing or errors) and not check.schema_error:
        try:
            arguments, sources = _ask_llm(llm, tool, messages, schema, arguments, sources, errors, check)
        except Exception as exc:  # the model is optional: its failure leaves the result incomplete
            arguments, missing, errors = _check(schema, arguments, sources, check)
            errors.append(f"args llm failed: {type(exc).__name__}: {exc}")
        else:
            arguments, missing, errors = _check(schema, arguments, sources, check)
    several = several_values(turns[0], arguments, sources, schema) if turns else {}
    return ArgsResult(arguments=arguments, missing=missing, errors=errors, sources=sources, several=several)


def fill_object(
    schema: dict[str, Any],
    docs: list[Document],
    check: SchemaCheck,
    questions: Sequence[str] = (),
    min_score: float = REQUIRED_MIN_SCORE,
    topic: frozenset[str] = frozenset(),
) -> tuple[dict[str, Any], dict[str, str]]:
    """Fill the properties of an object schema from the documents (newest first); ``topic`` holds
    the tool name's words, which are never a free-text value."""
    params = describe_object(schema, topic)
    arguments: dict[str, Any] = {}
    sources: dict[str, str] = {}
    asked = [asked_params(params, question) for question in questions]  # per turn, as ``docs``
    for name, (value, source) in assign(docs, params, asked, check, min_score, topic).items():
        arguments[name] = value
        sources[name] = source
    for param in params:  # nested objects: filled from the same turns, kept when anything was found
        if param.name in arguments:
            continue
        if param.kind == "object" and param.schema.get("properties"):
            nested, nested_sources = fill_object(param.schema, docs, check, (), min_score, topic)
            if nested:
                arguments[param.name] = nested
                sources[param.name] = _summarise(nested_sources)

    return arguments, sources


def _summarise(sources: dict[str, str]) -> str:
    kinds = set(sources.values())
    return kinds.pop() if len(kinds) == 1 else "span"


def _check(
    schema: dict[str, Any], arguments: dict[str, Any], sources: dict[str, str], check: SchemaCheck
) -> tuple[dict[str, Any], list[str], list[str]]:
    """Coerce, drop invalid values (an invalid required one is reported), list missing required ones."""
    properties = schema.get("properties") or {}
    required = [r for r in schema.get("required") or [] if isinstance(r, str)]
    checked: dict[str, Any] = {}
    errors: list[str] = []
    for name, value in arguments.items():
        sub = properties.get(name)
        if not isinstance(sub, dict):
            checked[name] = value
            continue
        value = coerce(value, sub)
        problems = check.errors(value, sub)
        if problems:
            sources.pop(name, None)
            if name in required:
                errors.extend(f"{name}: {p}" for p in problems)
            continue
        checked[name] = value
    missing = [r for r in required if r not in checked]
    for name in list(sources):
        if name not in checked:
            sources.pop(name)
    if not missing and not errors:
        errors = check.errors(checked, schema) if schema else []
    if check.schema_error and check.schema_error not in errors:
        errors.insert(0, check.schema_error)
    return checked, missing, errors


def _ask_llm(
    llm: ArgsLLM,
    tool: ToolSpec,
    messages: list[dict[str, Any]],
    schema: dict[str, Any],
    arguments: dict[str, Any],
    sources: dict[str, str],
    errors: list[str],
    check: SchemaCheck,
) -> tuple[dict[str, Any], dict[str, str]]:
    """Ask the optional LLM (seeing only this tool) for the values still missing or invalid."""
    only_this_tool = ToolSpec(name=tool.name, description=tool.description, parameters=schema)
    answer = llm(only_this_tool, messages)
    if not isinstance(answer, dict):
        return arguments, sources
    properties = schema.get("properties") or {}
    merged = dict(arguments)
    merged_sources = dict(sources)
    bad = {e.split(":", 1)[0] for e in errors}
    for name, value in answer.items():
        sub = properties.get(name)
        if not isinstance(sub, dict) or (name in merged and name not in bad):
            continue
        value = coerce(value, sub)
        if check.is_valid(value, sub):
            merged[name] = value
            merged_sources[name] = "llm"
    return merged, merged_sources
