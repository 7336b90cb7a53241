"""Numbers for integer and number parameters: units, bounds ("up to 25"), signs, rates per unit ("twice a week"),
durations in the parameter's unit, counts ("the top 5", "six of us"), years, ages and totals ("2 out of 8")."""

from __future__ import annotations

import re
from typing import Any

from router.args.document import Document
from router.args.extractors import (
    CORRECTION_RE,
    CURRENCY_CODES,
    UNIT_ALIASES,
    UNIT_FAMILIES,
    Candidate,
    after_to,
    house_numbers,
    last_four,
    pair_steer,
    proximity,
    quarters,
    said_end,
)
from router.args.mentions import SCALE_WORDS, Mention
from router.args.params import Param, singular, split_words
from router.lexical import stem


def _unit_score(mention: Mention, param: Param) -> float:
    if not mention.unit:
        return 0.0
    words = set(param.cues) | {singular(w) for w in re.findall(r"[a-z%]+", param.description.lower())}
    unit = singular(mention.unit)
    code = CURRENCY_CODES.get(mention.unit, "").lower()  # "20000 dollar car loan": dollars are usd
    aliases = (set(UNIT_ALIASES.get(mention.unit, ())) | set(UNIT_ALIASES.get(unit, ())) | {unit}
               | set(UNIT_ALIASES.get(code, ())))
    if aliases & words or stem(unit) in {stem(w) for w in words}:  # "20-sided" for sides
        return 0.8
    family = UNIT_FAMILIES.get(mention.unit.replace("²", "^2"), UNIT_FAMILIES.get(unit))
    return 0.6 if family is not None and family & words else 0.0



def number_candidates(doc: Document, param: Param) -> list[Candidate]:
    found = []
    integer = param.kind == "integer"
    ends = {"from", "to", "beginning", "initial", "starting", "ending", "final"}  # "from 10,000 to 18,500"
    pair = pair_steer(param) if (set(split_words(param.name)) | set(param.cues)) & ends else None
    described = set(param.cues) | set(re.findall(r"[a-z]+", param.description.lower()))
    streets = house_numbers(doc)
    for m in doc.of("number"):
        if m.start in streets and not set(param.cues) & {"street", "house", "building", "address"}:
            continue  # "55 Pine Ave": a house number, part of an address
        value: Any = m.value
        if integer:
            if value != int(value):
                continue
            value = int(value)
        elif value == int(value) and "." not in m.text:
            value = int(value)
        if m.unit == "%" and param.kind == "number" and _FRACTION_RE.search(param.description):
            value = m.value / 100.0  # "4%" for a rate "as a decimal": 0.04
        scale = re.search(r"\b(thousand|million|billion|trillion)\b", doc.text[m.start:m.end], re.I)
        if scale and scale.group(1).lower() in param.description.lower():  # "budget in millions": 300, not 3e8
            value = value / SCALE_WORDS[scale.group(1).lower()]
            value = int(value) if value == int(value) else value
        score = 0.3 + proximity(doc, param, m.start, m.end) + _unit_score(m, param)
        if pair is not None:  # "from 1990 ... in 2024" for from_year / to_year
            score += pair(after_to(doc, m.start))
        score += _out_of(doc, m, described)  # "2 items out of 8": 8 is the total, 2 the chosen
        if set(param.cues) & {"hourly", "wage"} and re.match(r"\s*(?:an|a|per|/)\s*(?:hour|hr|h)\b",
                                                              doc.text[said_end(doc, m):], re.I):
            score += 0.4  # "$22 an hour" for hourly_rate
        score += _bound(doc, m, param)  # "up to 25" for limit, "at least 4.5" for min_rating
        if CORRECTION_RE.search(doc.text[: m.start]):
            score += 2.0  # "No wait, make it 15": the new value of what was said before, over it
        if "age" in param.cues and (re.search(r"\b(?:i'?m|i am|aged?|turning|he'?s|she'?s)\s+$", doc.text[:m.start], re.I)
                                    or re.match(r"[\s-]*(?:years?[\s-]old|yo\b|y/o)", doc.text[said_end(doc, m):], re.I)):
            score += 0.5  # "I'm 41", "a 7-year-old": an age
        if value > 0 and _said_negative(doc, param):
            value = -value  # delta "negative to remove": "Remove 12 units" is -12
        per = _per_unit(param)
        if per and re.match(rf"\s*(?:a|an|per|each|every)\s+{per}s?\b", doc.text[said_end(doc, m):], re.I):
            score += 0.4  # "twice a week" for times_per_week: 2
        elif per and singular(m.unit) == per and re.match(r"(?:a|an|one)\b", m.text, re.I):
            continue  # the "a week" of "twice a week" is the unit of the rate, not a count
        if "year" in param.cues and re.fullmatch(r"1[5-9]\d\d|20\d\d", m.text):
            score += 0.4  # "the 1982 film": a year for a year
        if set(param.cues) & _PARTY_WORDS and re.match(r"\s*of\s+us\b", doc.text[m.start + len(m.text) :], re.I):
            score += 0.5  # "six of us", "the four of us": how many people
        if _COUNT_WORDS & set(param.cues) and _HOW_MANY_RE.search(doc.text[:m.start]):
            score += 0.4  # "the top 5 headlines", "find me 5 Thai places": how many results
        digits_end = said_end(doc, m)
        unit = doc.text[digits_end:m.end].strip()
        named = unit[:1].isupper() and not unit.isupper()  # "5 Thai places": "Thai" is no unit, it may be a value
        found.append(Candidate(value, m.start, digits_end if named else m.end, score, "number"))
    found.extend(quarters(doc, param))
    in_unit = _parameter_unit(param)
    if in_unit is not None:  # "176 lbs" for weight_kg, "70 degrees Fahrenheit" for celsius, "$12.50" in cents
        for m in doc.of("number"):
            converted = _in_parameter_unit(doc, m, param, in_unit)
            if converted is not None:
                found.append(Candidate(converted, m.start, m.end, 1.4 + proximity(doc, param, m.start, m.end),
                                       "number"))
    found.extend(_scale_labels(doc, param))
    found.extend(_people_of_a_kind(doc, param))
    for digits, start, end in last_four(doc, param):  # "card ending in 4421"
        found.append(Candidate(int(digits), start, end, 1.5, "number"))
    counted_in = _duration_unit(param, whole_only=False)
    if counted_in == "second":  # "from 1:05 to 2:30" in seconds: 65 and 150 (in minutes "11:30" is a time)
        pair = pair_steer(param)
        for clock in _CLOCK_DURATION_RE.finditer(doc.text):
            value = int(clock.group(1)) * 60 + int(clock.group(2))
            found.append(Candidate(value, clock.start(), clock.end(), 1.0 + pair(after_to(doc, clock.start())),
                                   "number"))
    for both in _HOURS_MINUTES_RE.finditer(doc.text) if counted_in else ():  # "1 hour 50 minutes": 110 minutes
        minutes = float(both.group(1)) * 60 + float(both.group(2))
        value = minutes * 60 / _DURATION_SECONDS[counted_in or "minute"]
        found.append(Candidate(int(value) if value == int(value) else value, both.start(), both.end(), 2.2, "number"))
    wanted = _duration_unit(param)
    if wanted:  # "two weeks" for a number of days, "a week" for days: the duration in the parameter's unit
        for m in doc.of("number"):
            said_unit = _DURATION_SECONDS.get(singular(m.unit))
            if said_unit and said_unit != _DURATION_SECONDS[wanted]:
                value = m.value * said_unit / _DURATION_SECONDS[wanted]
                if value == int(value):
                    found.append(Candidate(int(value), m.start, m.end, 0.9 + proximity(doc, param, m.start, m.end),
                                           "number"))
        for one in re.finditer(r"\b(?:a|an|one)\s+(week|fortnight|day|month)\b", doc.text, re.I):
            value = _DURATION_SECONDS[one.group(1).lower()] / _DURATION_SECONDS[wanted]
            if value == int(value) and value >= 1:
                found.append(Candidate(int(value), one.start(), one.end(), 0.8, "number"))
    if "minute" in param.cues or re.search(r"\bminutes\b", param.description, re.I):
        for said in _HOUR_PHRASE_RE.finditer(doc.text):  # "for half an hour": 30 minutes
            score = 0.6 + proximity(doc, param, said.start(), said.end())
            found.append(Candidate(_HOUR_PHRASES[said.group(0).lower()], said.start(), said.end(), score, "number"))
    for m in doc.of("ident"):  # "the 12th Fibonacci number": an ordinal is a position, a whole number
        ordinal = _ORDINAL_RE.fullmatch(m.text)
        if ordinal:
            score = 0.3 + proximity(doc, param, m.start, m.end)
            found.append(Candidate(int(ordinal.group(1)), m.start, m.end, score, "number"))
    return found


_HOURS_MINUTES_RE = re.compile(r"\b(\d+)\s*(?:hours?|hrs?|h)\s*(?:and\s+)?(\d+)\s*(?:minutes?|mins?|m)\b", re.I)
_DURATION_SECONDS = {"second": 1, "sec": 1, "minute": 60, "min": 60, "hour": 3600, "hr": 3600, "day": 86400,
                     "week": 604800, "fortnight": 1209600, "month": 2592000}


_UPPER_NAMES = frozenset({"max", "maximum", "most", "limit", "high", "upper", "cap", "top", "under", "below"})
_LOWER_NAMES = frozenset({"min", "minimum", "least", "low", "lower", "floor", "over", "above"})
_UPPER_BEFORE = re.compile(r"(?:up to|at most|no more than|not more than|max(?:imum)?(?: of)?|under|below|less than|"
                           r"fewer than|within|cheaper than|a maximum of)\s*$", re.I)
_UPPER_AFTER = re.compile(r"\s*(?:or (?:less|fewer|under|below|cheaper)|max\b|tops\b|at most\b)", re.I)
_LOWER_BEFORE = re.compile(r"(?:at least|minimum(?: of)?|min(?: of)?|no less than|not less than|more than|over|"
                           r"above|a minimum of|rated)\s*$", re.I)
_LOWER_AFTER = re.compile(r"\s*(?:or (?:more|newer|later|higher|above|better|over)|\+|and up\b|at least\b)", re.I)


_NEGATIVE_FOR_RE = re.compile(r"\bnegative\s+(?:to|for|means|=|when)\s+(?:an?\s+)?(\w+)", re.I)


def _said_negative(doc: Document, param: Param) -> bool:
    """The description says what a negative value means ("negative to remove") and the request does it."""
    said = _NEGATIVE_FOR_RE.search(param.description)
    return said is not None and stem(said.group(1).lower()) in {stem(w) for w in doc.words}


def _bound(doc: Document, m: Mention, param: Param) -> float:
    """How a bound said around a number ("up to 25", "4.5 or better") suits a min_ / max_ parameter."""
    words = set(split_words(param.name))
    upper, lower = bool(words & _UPPER_NAMES), bool(words & _LOWER_NAMES)
    if upper == lower:
        return 0.0
    before, after = doc.text[max(0, m.start - 24) : m.start], doc.text[said_end(doc, m) :]
    says_upper = bool(_UPPER_BEFORE.search(before) or _UPPER_AFTER.match(after))
    says_lower = bool(_LOWER_BEFORE.search(before) or _LOWER_AFTER.match(after))
    if says_upper == says_lower:
        return 0.0
    return 0.4 if says_upper == upper else -0.2


def _per_unit(param: Param) -> str | None:
    """The unit a rate parameter counts per: "week" for times_per_week, "month" for monthly_debts."""
    words = split_words(param.name)
    at = words.index("per") if "per" in words else -1
    if 0 <= at < len(words) - 1:
        return singular(words[at + 1])
    return next((_PER_WORDS[w] for w in words if w in _PER_WORDS), None)  # monthly_debts: "$600 a month"


_PER_WORDS = {"hourly": "hour", "daily": "day", "weekly": "week", "monthly": "month", "yearly": "year",
              "annual": "year", "annually": "year"}


def _duration_unit(param: Param, whole_only: bool = True) -> str | None:
    """The unit a duration parameter (an integer one, unless not ``whole_only``) counts in, by its name ("days",
    "duration_minutes", "hours")."""
    if whole_only and param.kind != "integer":
        return None
    named = [singular(w) for w in split_words(param.name)]
    units = [w for w in named if w in ("second", "minute", "hour", "day", "week", "month")]
    return units[-1] if len(units) == 1 else None


_HOUR_PHRASES = {"an hour and a half": 90, "half an hour": 30, "a quarter of an hour": 15, "quarter of an hour": 15,
                 "an hour": 60}
_HOUR_PHRASE_RE = re.compile(r"\b(?:" + "|".join(sorted(_HOUR_PHRASES, key=len, reverse=True)) + r")\b", re.I)
# a rate wanted as a fraction: "as a decimal", "a fraction", "e.g. 0.05 for 5%" (not "decimal places")
_FRACTION_RE = re.compile(
    r"\bfraction|\bdecimal\b(?!\s+(?:places|digits|point))|\b0\.\d+\s+(?:for|=|means)\s+\d+\s*%"
    r"|\b(?:from\s+|between\s+)?0(?:\.0)?\s*(?:to|-|–|and)\s*1(?:\.0)?\b", re.I
)
_ORDINAL_RE = re.compile(r"(\d+)(?:st|nd|rd|th)", re.I)


_TOTAL_WORDS = frozenset({"total", "trial", "population", "n", "whole", "out"})
_CHOSEN_WORDS = frozenset({"chosen", "choose", "selected", "success", "k", "part", "favorable", "favourable"})


def _out_of(doc: Document, m: Mention, words: set[str]) -> float:
    """ "choose 2 items out of 8", "3 out of 10": the number after "out of" is the whole, the one before the part
    (``words``: the parameter's cue and description words)."""
    if re.search(r"\bout\s+of\s+$", doc.text[: m.start]):
        return 0.3 if words & _TOTAL_WORDS else -0.2 if words & _CHOSEN_WORDS else 0.0
    if re.match(r"(?:\s+[a-z]+)?\s+out\s+of\b", doc.text[m.start + len(m.text) :]):
        return 0.3 if words & _CHOSEN_WORDS else -0.2 if words & _TOTAL_WORDS else 0.0
    return 0.0


_PARTY_WORDS = frozenset({"people", "person", "guest", "party", "diner", "traveler", "traveller", "passenger",
                          "attendee", "adult", "size"})
_HOW_MANY_RE = re.compile(r"\b(?:top|first|last|latest|(?:give|find|show|get|list|fetch|recommend|suggest)"
                          r"(?:\s+me|\s+us)?)\s+$", re.I)
_COUNT_WORDS = frozenset({"limit", "count", "max", "top", "num", "size", "result", "item", "quantity", "n", "k"})


# one unit of each kind in a base unit; a parameter named or described in one unit takes a value said in another
_FACTORS = {
    "mass": {"kg": 1.0, "kilogram": 1.0, "g": 0.001, "gram": 0.001, "lb": 0.45359237, "lbs": 0.45359237,
             "pound": 0.45359237, "oz": 0.028349523, "ounce": 0.028349523},
    "length": {"m": 1.0, "meter": 1.0, "metre": 1.0, "km": 1000.0, "kilometer": 1000.0, "kilometre": 1000.0,
               "mi": 1609.344, "mile": 1609.344, "ft": 0.3048, "foot": 0.3048, "feet": 0.3048, "cm": 0.01,
               "centimeter": 0.01, "in": 0.0254, "inch": 0.0254, "inches": 0.0254},
    "time": {"s": 1.0, "sec": 1.0, "second": 1.0, "min": 60.0, "minute": 60.0, "h": 3600.0, "hr": 3600.0,
             "hour": 3600.0, "day": 86400.0},
    "money": {"usd": 1.0, "eur": 1.0, "gbp": 1.0, "dollar": 1.0, "cent": 0.01, "cents": 0.01},
}


def _unit_kind(unit: str) -> tuple[str, float] | None:
    unit = unit.lower()
    for kind, units in _FACTORS.items():
        for form in (unit, singular(unit)):
            if form in units:
                return kind, units[form]
    return None


def _parameter_unit(param: Param) -> tuple[str, float] | str | None:
    """The unit a parameter counts in, by its name's last unit word (weight_kg, duration_hours) or a description's
    "in cents"; "c" / "f" for temperatures."""
    words = split_words(param.name)
    said = re.search(r"\bin cents\b", param.description, re.I)  # (other units in descriptions are too loose)
    for word in [*reversed(words), "cents" if said else ""]:
        if word in ("celsius", "c") or (word == "temperature" and "celsius" in param.description.lower()):
            return "c"
        if word in ("fahrenheit", "f"):
            return "f"
        kind = _unit_kind(word) if len(word) > 1 or word in ("g", "m", "s", "h") else None
        if kind and word not in ("in", "m", "s") or (kind and words[-1] == word and len(words) > 1):
            return kind
    return None


def _in_parameter_unit(doc: Document, m: Mention, param: Param, wanted: tuple[str, float] | str) -> float | None:
    """``m`` in the parameter's unit (``wanted``, from :func:`_parameter_unit`) when it was said in another unit of
    the same kind, else None."""
    if not m.unit:
        return None
    if wanted in ("c", "f"):  # "70 degrees Fahrenheit" for celsius
        said = re.match(r"\s*(?:degrees?|°)?\s*(celsius|fahrenheit|c|f)\b", doc.text[m.start + len(m.text):], re.I)
        unit = (said.group(1)[0].lower() if said else m.unit[:1].lower() if m.unit in ("c", "f", "°c", "°f") else "")
        if not unit or unit == wanted:
            return None
        value = (m.value - 32) * 5 / 9 if wanted == "c" else m.value * 9 / 5 + 32
        return round(value, 2)
    said_kind = _unit_kind(m.unit)
    if said_kind is None or not isinstance(wanted, tuple) or said_kind[0] != wanted[0] or said_kind[1] == wanted[1]:
        return None
    value = m.value * said_kind[1] / wanted[1]
    return int(round(value)) if abs(value - round(value)) < 1e-9 or param.kind == "integer" else round(value, 2)


_CLOCK_DURATION_RE = re.compile(r"(?<![\d:])(\d{1,2}):([0-5]\d)(?![\d:]|\s*[ap]\.?m\b)", re.I)
_SCALE_LABEL_RE = re.compile(r"(-?\d+(?:\.\d+)?)\s*\(\s*([a-z][a-z -]*?)\s*\)|(-?\d+(?:\.\d+)?)\s*[=:]\s*([a-z]+)", re.I)


def _scale_labels(doc: Document, param: Param) -> list[Candidate]:
    """A scale its description labels ("1 (low) to 5 (urgent)", "1 = poor"): the number of the label said."""
    found = []
    for label in _SCALE_LABEL_RE.finditer(param.description):
        number, word = (label.group(1), label.group(2)) if label.group(1) else (label.group(3), label.group(4))
        for start, end in ((m.start(), m.end()) for m in re.finditer(rf"\b{re.escape(word)}\b", doc.text, re.I)):
            value = float(number)
            found.append(Candidate(int(value) if value == int(value) else value, start, end, 1.2, "number"))
    return found


_PEOPLE_RE = re.compile(r"\b(a|an|one|two|three|four|five|six|\d+)\s+(?:(\d{1,2})[- ]year[- ]olds?|(babies|baby|infants?|"
                        r"toddlers?)|(kids?|children|child|boys?|girls?)|(adults?|grown-?ups?|seniors?))\b", re.I)
_PEOPLE_KINDS = {"infant": "infant", "baby": "infant", "child": "child", "kid": "child", "adult": "adult"}
_SMALL_COUNTS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}


def _people_of_a_kind(doc: Document, param: Param) -> list[Candidate]:
    """ "Two adults, a 7-year-old and a baby" for adults / children / infants: 2, 1 and 1 (an age under 2 is an
    infant, under 18 a child)."""
    kind = next((_PEOPLE_KINDS[singular(c)] for c in param.cues if singular(c) in _PEOPLE_KINDS), None)
    if kind is None and "children" in param.cues:
        kind = "child"
    if kind is None:
        return []
    total, start, end = 0, None, 0
    for said in _PEOPLE_RE.finditer(doc.text):
        count = int(said.group(1)) if said.group(1).isdigit() else _SMALL_COUNTS[said.group(1).lower()]
        age = int(said.group(2)) if said.group(2) else None
        said_kind = ("infant" if said.group(3) or (age is not None and age < 2) else
                     "child" if said.group(4) or (age is not None and age < 18) else "adult")
        if said_kind == kind:
            total += count
            start = said.start() if start is None else start
            end = said.end()
    return [Candidate(total, start, end, 1.3, "number")] if start is not None else []
