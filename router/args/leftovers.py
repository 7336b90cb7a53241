"""What the greedy assignment left unfilled, filled from the shape of the request rather than from one value's
evidence: two parameters named alike take two names in order, a full name splits into first and last, a change
"A to B" gives the old and the new value, the last number left goes to the last numeric parameter, and the tool's
one required text takes what the request is about."""

from __future__ import annotations

import re
from typing import Any

from router.args.document import Document
from router.args.extractors import STOP_VALUE, numbered_end, value_after
from router.args.params import PRODUCT_WORDS, TITLE_WORDS, Param, singular, split_words
from router.args.validate import SchemaCheck, coerce


def fill_leftovers(docs: list[Document], params: list[Param], filled: dict[str, tuple[Any, str]],
                   used: dict[int, list[tuple[int, int]]], check: SchemaCheck, topic: frozenset[str]) -> None:
    """Fill what :func:`router.args.assign.assign` left, in place (``used``: the spans taken, per turn)."""
    last = docs[0] if docs else None
    taken = used.get(0, [])
    _fill_twins(last, params, filled, taken, check)
    _fill_name_parts(last, params, filled, taken)
    _fill_change(last, params, filled, taken, check)
    _fill_last_number(last, params, filled, taken, check)
    _fill_clock_parts(last, params, filled, check)
    _fill_range_length(last, params, filled, check)
    _fill_object_of_topic(docs, params, filled, used, check, topic)


_OBJECT_LINKS = r"(?:with|for|of|about|like)"
_ANY_OBJECT = frozenset({"search", "find", "get", "look", "check", "show", "fetch", "query", "list", "retrieve",
                         "lookup", "send", "make", "create", "add", "set", "update", "ask", "help"})


def _fill_object_of_topic(docs: list[Document], params: list[Param], filled: dict[str, tuple[Any, str]],
                          used: dict[int, list[tuple[int, int]]], check: SchemaCheck, topic: frozenset[str]) -> None:
    """The tool's one required string parameter, when nothing else filled it, takes what the request is about:
    what follows a word of the tool's name and a preposition or a colon ("words that rhyme with orange" for
    word_rhymes(word), "the price of AirPods Pro", "Add a task: renew passport" in an earlier turn), else the
    subject of a question ("What do red pandas eat?")."""
    strings = [p for p in params if p.required and p.kind == "string"]
    missing = [p for p in strings if p.name not in filled and not p.enum and (
        p.role == "generic" or p.role == "name" and set(p.cues) & (PRODUCT_WORDS | TITLE_WORDS | {"title"}))]
    if len(strings) != 1 or len(missing) != 1:
        return
    for index, doc in enumerate(docs):
        found: list[tuple[str, int, int]] = []
        for said in re.finditer(rf"\b([a-z]+)(?:\s+{_OBJECT_LINKS}\s+|\s*:\s*)", doc.text, re.I):
            word = said.group(1).lower()
            if word in _ANY_OBJECT or (singular(word) not in topic and word not in topic):
                continue  # "search for diseases related to nausea": what a search is for need not be the value
            after = value_after(doc, said.end())
            if after and after[0].split()[-1].lower() not in ("who", "which", "that", "whose"):  # "of someone who"
                found.append(after)
        for said in _BEFORE_NOUN_RE.finditer(doc.text):  # "Find me a lasagna recipe" for search_recipes(dish)
            if singular(said.group(2).lower()) in topic and said.group(1).lower() not in STOP_VALUE:
                found.append((said.group(1), said.start(1), said.end(1)))
        asked = _QUESTION_SUBJECT_RE.match(doc.text.strip())
        if asked:
            subject = re.sub(r"^(?:the|a|an|my|your|our)\s+", "", (asked.group(1) or asked.group(2)).strip(),
                             flags=re.I)
            start = doc.text.find(subject)
            found.append((subject, start, start + len(subject)))
        for value, start, end in found:
            if (not any(start < e and b < end for b, e in used.get(index, []))
                    and not {singular(w) for w in split_words(value)} & topic  # "an update about my order status"
                    and not any(singular(value.lower()) in p.cue_words for p in params)  # "data for the region"
                    and check.is_valid(coerce(value, missing[0].schema), missing[0].schema)):
                filled[missing[0].name] = (value, "span" if index == 0 else "context")
                return


_BEFORE_NOUN_RE = re.compile(r"\b(?:a|an|the|my|some|any)\s+((?:[a-z][\w-]*\s)?[a-z][\w-]*)\s+([a-z]+)\b", re.I)
# "What do red pandas eat?", "How tall is the Eiffel Tower?", "Where do koalas live?": the thing asked about
_NOT_SUBJECT = r"(?!(?:i|you|we|it|they|there|this|that)\b)"
_SUBJECT = r"((?:(?!(?:in|on|at|from|to|of|for|with|by|near|and|or)\b)[\w'-]+\s*){1,4}?)"
_QUESTION_SUBJECT_RE = re.compile(
    r"^(?:what|where|when|why|how(?:\s+(?:much|many|long|tall|big|old|far|fast|heavy|often|hot|cold|deep|large)"
    r"(?:\s+(?:away|up|down))?)?)\s+"
    rf"(?:(?:do|does|did|can|could|should|would|will)\s+{_NOT_SUBJECT}{_SUBJECT}\s+[a-z]+"
    rf"|(?:is|are|was|were)\s+{_NOT_SUBJECT}{_SUBJECT})\s*\?$", re.I)


def _fill_last_number(doc: Document | None, params: list[Param], filled: dict[str, tuple[Any, str]],
                      used: list[tuple[int, int]], check: SchemaCheck) -> None:
    """ "Add 20% VAT to 49.99" for vat(net, pct): when every other number went to its parameter, the one number
    left is the one required numeric parameter left."""
    missing = [p for p in params if p.required and p.kind in ("integer", "number") and p.name not in filled]
    if doc is None or len(missing) != 1:
        return
    left = [m for m in doc.of("number") if not any(m.start < e and b < m.end for b, e in used) and m.unit != "%"]
    if len(left) == 1:
        value = int(left[0].value) if left[0].value == int(left[0].value) else left[0].value
        if check.is_valid(coerce(value, missing[0].schema), missing[0].schema):
            filled[missing[0].name] = (value, "number")


def _fill_clock_parts(doc: Document | None, params: list[Param], filled: dict[str, tuple[Any, str]],
                      check: SchemaCheck) -> None:
    """ "every night at 2:30 am" for cron-like hour / minute parameters: 2 and 30."""
    named = {p.name.lower(): p for p in params if p.kind in ("integer", "number") and p.name not in filled}
    hour, minute = named.get("hour"), named.get("minute")
    times = [m for m in doc.of("time", "datetime")] if doc is not None and hour and minute else []
    if hour is None or minute is None or len(times) != 1:
        return
    value = times[0].value
    if check.is_valid(value.hour, hour.schema) and check.is_valid(value.minute, minute.schema):
        filled[hour.name] = (value.hour, "date")
        filled[minute.name] = (value.minute, "date")


def _fill_range_length(doc: Document | None, params: list[Param], filled: dict[str, tuple[Any, str]],
                       check: SchemaCheck) -> None:
    """ "from 10 to 11:30" for duration_minutes: 90, the length of the one range of times said."""
    durations = [p for p in params if p.kind in ("integer", "number") and p.name not in filled
                 and set(split_words(p.name)) & {"duration", "length", "minutes", "hours"}]
    times = sorted(doc.of("time", "datetime"), key=lambda m: m.start) if doc is not None and len(durations) == 1 else []
    if len(times) != 2 or doc is None or not re.fullmatch(r"\s*(?:to|until|till|-|–)\s*",
                                                          doc.text[times[0].end : times[1].start]):
        return
    start, end = (t.value.hour * 60 + t.value.minute for t in times)
    minutes = end - start if end > start else None
    if minutes is None:
        return
    wanted = durations[0]
    value: float = minutes / 60 if "hour" in {singular(w) for w in split_words(wanted.name)} else minutes
    value = int(value) if value == int(value) else value
    if check.is_valid(value, wanted.schema):
        filled[wanted.name] = (value, "date")


_OLD_WORDS = frozenset({"old", "current", "original", "existing", "previous", "source", "from"})
_NEW_WORDS = frozenset({"new", "target", "updated", "replacement", "to"})
_CHANGE_RE = re.compile(r"(?<![\w#@.-])([#@]?\w[\w.@-]*)\s+(?:to|into|->|→)\s+([#@]?\w[\w.@-]*\w)")


def _fill_change(doc: Document | None, params: list[Param], filled: dict[str, tuple[Any, str]],
                 used: list[tuple[int, int]], check: SchemaCheck) -> None:
    """ "Rename #general-chat to #announcements" for current_name / new_name: a change written "A to B" gives
    the old value and the new one, when nothing else filled them."""
    strings = [p for p in params if p.kind == "string" and p.name not in filled and p.role != "location"]
    old = next((p for p in strings if set(split_words(p.name)) & _OLD_WORDS), None)
    new = next((p for p in strings if set(split_words(p.name)) & _NEW_WORDS), None)
    if doc is None or old is None or new is None:
        return
    for change in _CHANGE_RE.finditer(doc.text):
        a, b = change.group(1), change.group(2)
        if (a.lower() in STOP_VALUE or b.lower() in STOP_VALUE or change.start() == 0
                or any(change.start() < e and b_ < change.end() for b_, e in used)):
            continue
        if check.is_valid(coerce(a, old.schema), old.schema) and check.is_valid(coerce(b, new.schema), new.schema):
            filled[old.name] = (a, "span")
            filled[new.name] = (b, "span")
            return


_FIRST_NAME = ({"first", "name"}, {"given", "name"}, {"firstname"}, {"forename"})
_LAST_NAME = ({"last", "name"}, {"family", "name"}, {"lastname"}, {"surname"})


def _fill_name_parts(doc: Document | None, params: list[Param], filled: dict[str, tuple[Any, str]],
                     used: list[tuple[int, int]]) -> None:
    """ "an account for Maria Lopez" for first_name / last_name: a full name split at its first space."""
    def named(forms: tuple[set[str], ...]) -> Param | None:
        return next((p for p in params if p.kind == "string" and p.name not in filled
                     and set(split_words(p.name)) in forms), None)

    first, last = named(_FIRST_NAME), named(_LAST_NAME)
    if doc is None or first is None or last is None:
        return
    people = [s for s in doc.spans if len(s.value.split()) >= 2 and not any(s.start < e and b < s.end for b, e in used)]
    if len(people) == 1:
        given, family = people[0].value.split(None, 1)
        filled[first.name] = (given, "span")
        filled[last.name] = (family, "span")


_TWIN_MARKS = ({"a", "b"}, {"1", "2"}, {"first", "second"}, {"one", "two"})


def _fill_twins(doc: Document | None, params: list[Param], filled: dict[str, tuple[Any, str]],
                used: list[tuple[int, int]], check: SchemaCheck) -> None:
    """ "How far is Mars from Earth?" for planet_a / planet_b, "Compare Messi and Ronaldo" for player1 / player2:
    two string parameters named alike but for a mark, neither found by its name, take the request's two unused
    names in order."""
    strings = [p for p in params if p.kind == "string" and p.name not in filled and p.role in ("generic", "name")]
    for i, first in enumerate(strings):
        for second in strings[i + 1:]:
            if doc is None or not _twins(split_words(first.name), split_words(second.name)):
                continue
            names = [s for s in doc.spans if not any(s.start < e and b < s.end for b, e in used)]
            if len(names) == 2:
                for param, span in zip((first, second), names, strict=True):
                    value = doc.text[span.start : numbered_end(doc.text, span.end) or span.end]  # "Pixel 9"
                    if check.is_valid(coerce(value, param.schema), param.schema):
                        filled[param.name] = (value, "span")
            return


def _twins(a: list[str], b: list[str]) -> bool:
    """ "planet_a" / "planet_b", "team1" / "team2", "first_city" / "second_city": one name but for a mark."""
    if len(a) != len(b) or len(a) < 2:
        return False
    return (a[1:] == b[1:] and {a[0], b[0]} in _TWIN_MARKS) or (a[:-1] == b[:-1] and {a[-1], b[-1]} in _TWIN_MARKS)
