"""Several values where a parameter takes one: one call would answer part of the request.

"What's the weather in Paris and London?" fills ``city`` with "Paris"; run once, the tool answers half the
question and the LLM, given only that result, answers the other half from nothing. When the last user turn
lists more items of the same shape right after a filled value, joined by "and" / "or" / "&" ("Paris and
London", "AAPL, MSFT or GOOG", "bob@x.com and amy@y.com"; "Austin, TX" is one place), the filler reports
them (``ArgsResult.several``). The proxy runs a tool that only reads once per value when the values are plainly separate (codes, numbers,
addresses: ``one_call_per_value``); anything else is the LLM's decision (one call per item or one with all?
one name or two?).

Only scalar parameters (an array parameter takes the list) filled from the last turn itself, and only
items shaped like the value: capitalised names after a capitalised value, codes after a code, e-mail
addresses after an address, numbers after a number ("circles with radius 3 and 5"; not a number another
parameter holds: "between 10 and 20" is a min and a max). Lower-case free text ("pizza and pasta") is left
alone: it is as often one search query as two.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from router.args.params import schema_type
from router.types import ArgsResult

# between two items: ", ", " and ", ", or ", " & " (a list needs one "and" / "or" / "&": "Austin, TX" is one place)
_JOIN = r"(\s*,\s*(?:and\s+|or\s+|&\s*)?|\s+(?:and|or|&)\s+)"
_EMAIL = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
_CODE = r"[A-Z0-9][A-Z0-9.\-]*[A-Z0-9]\b"  # tickers, flight numbers, IDs: AAPL, AA100, BRK.B
_NAME_WORD = r"[A-Z][\w'.-]*"
_NAME = rf"{_NAME_WORD}(?:\s+(?:(?:of|de|la|del|du|da|van|von|upon)\s+)?{_NAME_WORD})*"  # New York, Isle of Man
# capitalised words that open a clause rather than name a second item
_NOT_ITEMS = frozenset([
    "I", "I'm", "I'd", "I'll", "I've", "Please", "Thanks", "Thank", "Also", "Then", "Can", "Could", "Would",
    "Will", "What", "How", "Is", "Are", "Do", "Does", "Tell", "Show", "Give", "Get", "Let",
])
_PLACE = rf"{_NAME},\s*[A-Z]{{2}}\b"
SOURCES = frozenset({"span", "quoted", "email", "enum", "number"})  # filled from the last turn's own words
_NUMBER = r"[-+]?\d+(?:\.\d+)?(?![\d.])"


def _shape(value: str) -> str | None:
    if re.fullmatch(_EMAIL, value):
        return _EMAIL
    if re.fullmatch(_PLACE, value):  # "Boston, MA and San Francisco, CA": places with their state
        return _PLACE
    if re.fullmatch(r"[A-Z0-9][A-Z0-9.\-]*[A-Z0-9]", value) and any(c.isalpha() for c in value):
        return _CODE
    if value[:1].isupper():
        return _NAME
    return None


def _follow(rest: str, item: str, parse: Callable[[str], Any], first: Any) -> list[Any]:
    """``first`` and the items matching ``item`` listed at the start of ``rest`` (each read by ``parse``), or just
    ``[first]`` when no "and" / "or" / "&" joins them."""
    items = [first]
    joined = False
    pattern = re.compile(rf"{_JOIN}({item})")
    while match := pattern.match(rest):
        found = parse(match.group(2))
        if found is None or found in items:
            break
        items.append(found)
        joined = joined or match.group(1).strip(" ,") != ""
        rest = rest[match.end():]
    return items if joined else [first]


def _name_item(token: str) -> str | None:
    item = token.rstrip(".")
    return None if item.split()[0] in _NOT_ITEMS else item


def listed_after(text: str, value: str) -> list[str]:
    """``value`` and the items of its shape listed right after it in ``text`` (just ``[value]`` if none)."""
    shape = _shape(value)
    where = text.find(value)
    if shape is None or where < 0:
        return [value]
    return _follow(text[where + len(value):], shape, _name_item, value)


def _number(token: str) -> int | float:
    return float(token) if "." in token else int(token)


def listed_numbers(text: str, value: float) -> list[int | float]:
    """``value`` and the numbers listed right after its first occurrence in ``text`` ("radius 3 and 5")."""
    found = next((m for m in re.finditer(rf"(?<![\w.]){_NUMBER}", text) if float(m.group()) == float(value)), None)
    if found is None:
        return [value]
    return _follow(text[found.end():], rf"(?<![\w.]){_NUMBER}", _number, value)


def several_values(
    text: str, arguments: dict[str, Any], sources: dict[str, str], schema: dict[str, Any]
) -> dict[str, list[Any]]:
    """Per scalar string or number parameter filled from ``text`` (the last user turn): the values listed
    with it, when there are more than one. A number another parameter holds is not an item ("between 10 and
    20": min 10, max 20)."""
    properties = schema.get("properties") or {}
    taken = {v for v in arguments.values() if isinstance(v, int | float) and not isinstance(v, bool)}
    out: dict[str, list[Any]] = {}
    for name, value in arguments.items():
        sub = properties.get(name)
        if not isinstance(sub, dict) or sources.get(name) not in SOURCES:
            continue
        items: list[Any]
        if isinstance(value, str) and schema_type(sub) in (None, "string"):
            items = listed_after(text, value)
            if "enum" in sub:  # an enum lists its own values: only those count
                items = [i for i in items if i in sub["enum"]]
        elif isinstance(value, int | float) and not isinstance(value, bool) and schema_type(sub) in ("integer", "number"):
            items = [value, *(i for i in listed_numbers(text, value)[1:] if i not in taken)]
            if schema_type(sub) == "integer" and not all(isinstance(i, int) for i in items):
                continue
        else:
            continue
        if len(items) > 1:
            out[name] = items
    return out


def one_call_per_value(result: ArgsResult) -> list[dict[str, Any]] | None:
    """The arguments of one call per listed value ("AAPL and MSFT": ticker AAPL, then ticker MSFT), when exactly
    one parameter lists several, each plainly a value of its own (codes, e-mail addresses, numbers), and
    everything else is filled and valid; else None. Capitalised names are not split here: "Pride and
    Prejudice" or "Trinidad and Tobago" is one name, and only the LLM can tell."""
    if len(result.several) != 1 or result.missing or result.errors:
        return None
    name, values = next(iter(result.several.items()))
    if not all(_separate(v) for v in values):
        return None
    return [{**result.arguments, name: value} for value in values]


def _separate(value: Any) -> bool:
    """A value that is its own item in any list: a number, a code, an e-mail address."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return True
    return isinstance(value, str) and _shape(value) in (_CODE, _EMAIL)


def describe(several: dict[str, list[Any]]) -> str:
    """"several values for city (Paris, London)": why the call is left to the LLM."""
    return "; ".join(f"several values for {name} ({', '.join(map(str, values))})" for name, values in several.items())
