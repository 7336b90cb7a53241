"""Layered argument filling: schema-driven extraction, conversation context, defaults, optional LLM."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable
from typing import Any

from router.args.conversation import (
    question_before_last_user,
    reference_date,
    system_facts,
    tool_outputs,
    user_turns,
)
from router.args.document import Document
from router.args.extractors import (
    AFFIRMATION_RE,
    Candidate,
    boolean_value,
    date_candidates,
    enum_candidates,
    number_candidates,
    proximity,
    request_content,
    string_candidates,
    typed_candidates,
)
from router.args.params import Param, describe, describe_object, split_words
from router.args.validate import SchemaCheck, coerce
from router.types import ArgsResult, ToolSpec

ArgsLLM = Callable[[ToolSpec, list[dict[str, Any]]], dict[str, Any] | None]

MAX_TURNS = 4  # user turns searched: the last one, then up to three earlier ones
REQUIRED_MIN_SCORE = 0.4
OPTIONAL_MIN_SCORE = 0.6
TURN_DECAY = 0.8


def fill_arguments(
    messages: list[dict[str, Any]],
    tool: ToolSpec,
    *,
    llm: ArgsLLM | None = None,
    today: dt.date | None = None,
    min_score: float = REQUIRED_MIN_SCORE,
) -> ArgsResult:
    """Fill ``tool``'s arguments from the conversation; never invent a required value.

    The last user turn is searched first, then earlier user turns for parameters still unfilled
    (source "context"), then earlier tool results for parameters of the same name ("context"),
    then schema defaults ("default"). When ``llm`` is given and required parameters are still
    missing or invalid, it is asked with only this tool's schema; its values are validated.

    ``min_score`` is the evidence a required value needs (0.25 fills more and guesses more; 0.4,
    the default, leaves weak guesses such as an unlabelled quoted string to fallback or ``llm``).
    """
    schema = tool.parameters or {}
    check = SchemaCheck(schema)
    ref = reference_date(messages, today)
    docs = [Document.parse(text, ref) for text in user_turns(messages)[:MAX_TURNS]]
    question = question_before_last_user(messages)
    from_tools = _from_tool_outputs(schema, messages, check)
    remaining = {
        **schema,
        "properties": {k: v for k, v in (schema.get("properties") or {}).items() if k not in from_tools},
    }
    arguments, sources = fill_object(remaining, docs, check, question, min_score)
    for name, value in from_tools.items():
        arguments[name] = value
        sources[name] = "context"
    _fill_from_facts(schema, system_facts(messages), arguments, sources, check)
    _fill_defaults(schema, arguments, sources)
    arguments, missing, errors = _check(schema, arguments, sources, check)
    if llm is not None and (missing or errors) and not check.schema_error:
        try:
            arguments, sources = _ask_llm(llm, tool, messages, schema, arguments, sources, errors, check)
        except Exception as exc:  # the model is optional: its failure leaves the result incomplete
            arguments, missing, errors = _check(schema, arguments, sources, check)
            errors.append(f"args llm failed: {type(exc).__name__}: {exc}")
        else:
            arguments, missing, errors = _check(schema, arguments, sources, check)
    return ArgsResult(arguments=arguments, missing=missing, errors=errors, sources=sources)


def fill_object(
    schema: dict[str, Any],
    docs: list[Document],
    check: SchemaCheck,
    question: str = "",
    min_score: float = REQUIRED_MIN_SCORE,
) -> tuple[dict[str, Any], dict[str, str]]:
    """Fill the properties of an object schema from the documents (newest first)."""
    params = describe_object(schema)
    arguments: dict[str, Any] = {}
    sources: dict[str, str] = {}
    asked = _asked_params(params, question)
    for name, (value, source) in _assign(docs, params, asked, check, min_score).items():
        arguments[name] = value
        sources[name] = source
    for param in params:  # nested objects: filled from the same turns, kept when anything was found
        if param.name in arguments:
            continue
        if param.kind == "object" and param.schema.get("properties"):
            nested, nested_sources = fill_object(param.schema, docs, check, "", min_score)
            if nested:
                arguments[param.name] = nested
                sources[param.name] = _summarise(nested_sources)

    return arguments, sources


def _summarise(sources: dict[str, str]) -> str:
    kinds = set(sources.values())
    return kinds.pop() if len(kinds) == 1 else "span"


def _asked_params(params: list[Param], question: str) -> set[str]:
    """Parameters the assistant just asked about ("Which region should I focus on?")."""
    if not question:
        return set()
    words = {w.rstrip("s") for w in re.findall(r"[a-z]+", question.lower())}
    return {p.name for p in params if any(c.rstrip("s") in words for c in p.cues)}


def _candidates(doc: Document, param: Param, asked: bool) -> list[Candidate]:
    kind = param.kind
    if kind == "enum":
        found = enum_candidates(doc, param)
    elif kind in ("integer", "number"):
        found = number_candidates(doc, param)
    elif kind == "date":
        found = date_candidates(doc, param)
    elif kind in ("email", "url", "phone"):
        found = typed_candidates(doc, param, kind)
    elif kind == "string":
        found = string_candidates(doc, param)
        if asked:
            rest = request_content(doc.text)
            if rest and len(rest.split()) <= 6 and not AFFIRMATION_RE.match(rest):
                start = doc.text.find(rest)
                found.append(Candidate(rest, start, start + len(rest), 0.5, "span"))
    elif kind == "array":
        found = _json_candidates(doc, param) or _array_candidates(doc, param)
    elif kind == "object":
        found = _json_candidates(doc, param)
    else:
        found = []
    if asked:
        for c in found:
            c.score += 0.4
    return found


def _json_candidates(doc: Document, param: Param) -> list[Candidate]:
    """A JSON array/object written in the message ("here it is: [{...}]"), valid for the parameter."""
    wanted = list if param.kind == "array" else dict
    return [
        Candidate(m.value, m.start, m.end, 1.5 + proximity(doc, param, m.start, m.end), "quoted")
        for m in doc.of("json")
        if isinstance(m.value, wanted)
    ]


def _array_candidates(doc: Document, param: Param) -> list[Candidate]:
    items = param.schema.get("items")
    if not isinstance(items, dict):
        items = {"type": "string"}
    item = describe(param.name, {**items, "description": param.description}, param.required)
    if item.kind in ("object", "array"):
        return []
    found = _list_candidates(doc, param, item, items)
    singles = _candidates(doc, item, False)
    if item.kind == "string":
        singles = [c for c in singles if c.source == "quoted"] or _list_after_cue(doc, param)
    if not singles:
        return found
    values: list[Any] = []
    for c in sorted(singles, key=lambda c: c.start):
        if c.value not in values:
            values.append(c.value)
    best = max(c.score for c in singles)
    start, end = min(c.start for c in singles), max(c.end for c in singles)
    return [*found, Candidate(values, start, end, best, singles[0].source)]


def _list_candidates(doc: Document, param: Param, item: Param, items: dict[str, Any]) -> list[Candidate]:
    """Coordinated lists in the text ("Springfield, Oakridge, and Eugene") as array values."""
    if item.kind not in ("string", "integer", "number", "enum"):
        return []
    examples = {e.lower() for e in (*item.examples, *(str(v) for v in item.enum))}
    found = []
    for mention in doc.lists:
        values = [coerce(v, items) for v in mention.value]
        score = 0.35 + proximity(doc, param, mention.start, mention.end)
        if examples & {str(v).lower() for v in mention.value}:
            score += 0.3
        if item.role in ("location", "name") and all(str(v)[:1].isupper() for v in mention.value):
            score += 0.2
        found.append(Candidate(values, mention.start, mention.end, score, "span"))
    return found


def _list_after_cue(doc: Document, param: Param) -> list[Candidate]:
    """ "attendees are John, Jane and Bob", "nodes N-1, N-2": items after the parameter's cue word
    (without a linking word, the first item must look like a value: capitalised or with digits)."""
    found = []
    for pos in doc.cue_positions(param.cues):
        tail_start = doc.token_ends[pos]
        m = re.match(
            r"\s*(?:(are|is|:|include|includes|including|like|such as)\s*)?([^.;!?]+)",
            doc.text[tail_start:],
            re.I,
        )
        if not m or not (m.group(1) or re.match(r"[A-Z0-9]|\w*\d", m.group(2))):
            continue
        base = tail_start + m.start(2)
        for part in re.finditer(r"[^,]+", re.sub(r"\s+(?:and|or)\s+", ", ", m.group(2))):
            value = part.group(0).strip()
            if value.lower().startswith(("and ", "or ")):
                value = value.split(" ", 1)[1]
            if not value:
                continue
            if len(value.split()) > 4:
                break
            found.append(Candidate(value, base, base + len(m.group(2)), 0.5, "span"))
        if found:
            break
    return found


def _assign(
    docs: list[Document], params: list[Param], asked: set[str], check: SchemaCheck, min_score: float
) -> dict[str, tuple[Any, str]]:
    """Greedy assignment over all turns: best (parameter, candidate) pairs first, each span used once.

    Candidates from earlier turns are discounted (``TURN_DECAY`` per turn back) so the latest turn
    wins ties ("and in Paris?") while a strong earlier value still beats a weak guess.
    """
    filled: dict[str, tuple[Any, str]] = {}
    pool: list[tuple[float, int, Param, Candidate, int]] = []
    kinds = Counter(_family(p.kind) for p in params)
    for index, doc in enumerate(docs):
        decay = TURN_DECAY**index
        in_order = _positional(doc, params)
        for order, param in enumerate(params):
            if param.kind == "boolean":
                if param.name not in filled:
                    flag = boolean_value(doc, param)
                    if flag is not None:
                        filled[param.name] = (flag.value, "boolean" if index == 0 else "context")
                continue
            threshold = min_score if param.required else max(min_score, OPTIONAL_MIN_SCORE)
            found = _candidates(doc, param, index == 0 and param.name in asked)
            if len(found) == 1 and kinds[_family(param.kind)] == 1 and param.kind in _UNAMBIGUOUS_ALONE:
                found[0].score += 0.2  # the only number in the text for the only numeric parameter
            if param.name in in_order:
                for cand in found:
                    if cand.start == in_order[param.name]:
                        cand.score += 0.2
            for cand in found:
                score = cand.score * decay
                if score >= threshold:
                    pool.append((score, order, param, cand, index))
    used: dict[int, list[tuple[int, int]]] = {}
    for _score, _order, param, cand, index in sorted(pool, key=lambda t: (-t[0], t[4], t[1])):
        if param.name in filled:
            continue
        spans = used.setdefault(index, [])
        if not cand.shared and any(cand.start < e and s < cand.end for s, e in spans):
            continue
        if not check.is_valid(coerce(cand.value, param.schema), param.schema):
            continue  # validated only when it would be taken: most candidates never get here
        filled[param.name] = (cand.value, cand.source if index == 0 else "context")
        if not cand.shared:
            spans.append((cand.start, cand.end))
    return filled


def _positional(doc: Document, params: list[Param]) -> dict[str, int]:
    """ "add 19 and 23" for add(a, b): as many numbers as numeric parameters, none of them named
    in the text -> pair them in order (parameter name -> start of its number)."""
    numeric = [p for p in params if p.kind in ("integer", "number")]
    numbers = doc.of("number")
    if len(numeric) < 2 or len(numbers) != len(numeric):
        return {}
    if any(doc.cue_positions(p.cues) for p in numeric):
        return {}
    return {p.name: n.start for p, n in zip(numeric, numbers, strict=True)}


_UNAMBIGUOUS_ALONE = {"integer", "number", "date", "email", "url", "phone", "array"}


def _family(kind: str) -> str:
    return "number" if kind == "integer" else kind


def _from_tool_outputs(
    schema: dict[str, Any], messages: list[dict[str, Any]], check: SchemaCheck
) -> dict[str, Any]:
    """Values of same-named keys in earlier tool results (e.g. a ``token`` from a login tool)."""
    found: dict[str, Any] = {}
    properties = schema.get("properties") or {}
    for output in tool_outputs(messages):
        for name, sub in properties.items():
            if name in found or name not in output or not isinstance(sub, dict):
                continue
            value = coerce(output[name], sub)
            if check.is_valid(value, sub):
                found[name] = value
    return found


def _fill_from_facts(
    schema: dict[str, Any],
    facts: dict[str, Any],
    arguments: dict[str, Any],
    sources: dict[str, str],
    check: SchemaCheck,
) -> None:
    """Required values still missing, from a profile in the system message whose key names match."""
    if not facts:
        return
    keyed = {_key(k): v for k, v in facts.items()}
    worded = [(set(split_words(k)), v) for k, v in facts.items()]
    properties = schema.get("properties") or {}
    for name in schema.get("required") or []:
        sub = properties.get(name)
        if name in arguments or not isinstance(sub, dict):
            continue
        if _key(name) in keyed:
            options = [keyed[_key(name)]]
        else:
            words = set(split_words(name)) - {"user", "my"}
            options = [v for key_words, v in worded if words and words <= key_words]
        if len(options) == 1:
            value = coerce(options[0], sub)
            if check.is_valid(value, sub):
                arguments[name] = value
                sources[name] = "context"


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _fill_defaults(schema: dict[str, Any], arguments: dict[str, Any], sources: dict[str, str]) -> None:
    for name, sub in (schema.get("properties") or {}).items():
        if name not in arguments and isinstance(sub, dict) and "default" in sub:
            arguments[name] = sub["default"]
            sources[name] = "default"


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
