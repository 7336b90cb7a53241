"""Candidate values for one parameter from one document, each with a score and a source: enums, booleans, dates,
typed values (e-mail, URL, phone) and free text. Numbers are read in ``router.args.numbers``, values known by
their shape in ``router.args.values``, country codes in ``router.args.countries``.

Scores are on one scale so that candidates of all parameters can be assigned greedily: the best
(parameter, candidate) pair first, each text span used once (``router.args.assign``; what it leaves,
``router.args.leftovers``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from router.args.dates import format_value
from router.args.document import Document
from router.args.mentions import EXPRESSION_RE, Mention
from router.args.params import (
    CREATOR_WORDS,
    PAYEE_WORDS,
    SAME_AS,
    TITLE_WORDS,
    VENUE_WORDS,
    Param,
    singular,
    split_words,
)
from router.lexical import stem

_NEGATORS = {"no", "not", "without", "don't", "dont", "exclude", "excluding", "skip", "disable", "never", "off",
             "omit", "n't", "doesn't", "shouldn't", "won't", "nor", "except"}  # fmt: skip
_LINKERS = r"(?:\s+(?:is|are|was|named|called|titled|as|be|being|reads?|says?|set\s+to|categori[sz]ed\s+as)\b|\s*[:=])"
STOP_VALUE = {
    "and", "with", "for", "in", "on", "at", "to", "from", "by", "that", "which", "please", "so", "but", "or",
    "the", "a", "an", "my", "your", "this", "it", "is", "are", "of", "about", "me", "i", "you", "we", "can",
    "could", "would", "will", "should", "be", "what", "how", "any", "some", "their", "our", "its", "if",
    "also", "then", "as", "using", "there", "have", "has", "do", "does", "want", "need", "like", "get",
    "next", "last", "tomorrow", "today", "tonight", "during", "between", "until", "since", "where", "when",
}  # fmt: skip
_DETERMINERS = frozenset({"the", "a", "an", "my", "your", "our", "their", "his", "her", "this", "that", "some"})
AFFIRMATION_RE = re.compile(
    r"^(?:yes|yeah|yep|no|nope|ok|okay|sure|correct|right|that's|thanks|thank you|great|fine|perfect)\b", re.I
)
_LOCATION_PREPS = {"in", "at", "near", "for", "to", "from", "around", "of"}
_REQUEST_PREFIX_RE = re.compile(
    r"^(?:\s|,|hey|hi|hello|ok(?:ay)?|yes|please|kindly|can you|could you|would you|will you|help me|i want to|"
    r"i'd like to|i would like to|i need to|i need|i want|let's|me|to|just|also|now|quickly)+",
    re.I,
)
_REQUEST_VERB_RE = re.compile(
    r"^(?:search(?:\s+the\s+web)?|look\s+up|find(?:\s+out)?|google|tell\s+me|show\s+me|give\s+me|get(?:\s+me)?|"
    r"translate|write|say|send|define|explain|what\s+is|what's|who\s+is|who's|look\s+for|check|fetch|retrieve|"
    r"provide(?:\s+me\s+with)?|query|ask)\b\s*(?:for|about|on|up|of|the|me)?\s*",
    re.I,
)
# what an amount of money is called in a parameter name ("$200,000" for principal)
_MONEY_NOUNS = ("principal", "loan", "deposit", "balance", "investment", "capital", "income", "revenue", "debt",
                "rent", "premium", "fare", "wage", "savings", "mortgage", "value", "total")
UNIT_ALIASES = {
    "km": ("kilometer", "kilometre", "km"), "mi": ("mile",), "mile": ("mile",), "kg": ("kilogram", "kg"),
    "g": ("gram",), "gram": ("gram",), "lb": ("pound", "lb"), "m": ("meter", "metre"), "cm": ("centimeter",),
    "usd": ("dollar", "usd", "price", "cost", "amount", "budget", "fee", "salary", "money", "fund", "payment",
            *_MONEY_NOUNS),
    "eur": ("euro", "eur", "price", "cost", "amount", "budget", *_MONEY_NOUNS),
    "gbp": ("pound", "gbp", "price", "amount", *_MONEY_NOUNS),
    "%": ("percent", "percentage", "rate", "ratio", "%"), "min": ("minute",), "h": ("hour",), "hr": ("hour",),
    "sec": ("second",), "s": ("second",), "px": ("pixel",), "ms": ("millisecond",),
}  # fmt: skip


@dataclass
class Candidate:
    value: Any
    start: int
    end: int
    score: float
    source: str
    shared: bool = False  # may overlap other parameters' spans (free text like a whole query)


def proximity(doc: Document, param: Param, start: int, end: int, reach: int = 6) -> float:
    """1/(1+d) for the nearest cue word d tokens away, scaled down when only some of the
    parameter's words are near ("venue ID" is weaker evidence than "customer ID" for customer_id)."""
    positions = doc.cue_positions(param.cue_words)
    d = doc.distance(positions, start, end)
    if d is None or d > reach:
        return 0.0
    if len(param.cues) > 1:
        first = doc.token_index(start)
        last = doc.token_index(max(start, end - 1))
        near = {doc.words[p] for p in positions if first - 4 <= p <= last + 2}
        return (0.7 + 0.3 * min(1.0, len(near) / len(param.cues))) / (1.0 + d)
    return 1.0 / (1.0 + d)


def _normalise(text: str) -> str:
    return re.sub(r"[\s_-]+", " ", text.lower()).strip()


def find_term(text: str, term: str) -> list[tuple[int, int]]:
    """Whole-word, case-insensitive occurrences of ``term`` ("last_month" also matches "last month")."""
    pattern = _term_pattern(term)
    return [(m.start(), m.end()) for m in pattern.finditer(text)] if pattern else []


@lru_cache(maxsize=8192)
def _term_pattern(term: str) -> re.Pattern[str] | None:
    words = [re.escape(w) for w in _normalise(term).split()]
    return re.compile(r"(?<![\w])" + r"[\s_-]+".join(words) + r"s?(?![\w])", re.I) if words else None


_WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_ENUM_SYNONYMS = {
    "daily": ("every day", "each day", "once a day", "every morning", "every evening", "every night"),
    "cat": ("kitten", "kitty"), "dog": ("puppy", "pup"),
    "xs": ("extra small", "x-small"), "s": ("small",),
    "xl": ("extra large", "x-large"), "xxl": ("double extra large", "2xl", "xx-large"),
    "damaged": ("broken", "cracked", "defective", "smashed"), "relaxed": ("loose", "baggy"),
    "duplicate": ("twice", "double charged", "charged double", "two times"),
    "slim": ("tight", "fitted", "skinny"),
    **{day[:3]: (day,) for day in _WEEKDAY_NAMES}, "tues": ("tuesday",), "thur": ("thursday",), "thurs": ("thursday",),
    "weekly": ("every week", "each week", "once a week", *(f"every {d}" for d in _WEEKDAY_NAMES)),
    "monthly": ("every month", "each month", "once a month"), "hourly": ("every hour", "each hour"),
    "yearly": ("every year", "each year", "once a year"), "annually": ("every year", "each year", "once a year"),
    "celsius": ("c", "°c", "centigrade", "metric"), "fahrenheit": ("f", "°f", "imperial"),
    "asc": ("ascending", "oldest first", "lowest first"), "desc": ("descending", "newest first", "highest first"),
    "ascending": ("asc",), "descending": ("desc",), "true": ("yes",), "false": ("no",),
    "metric": ("celsius", "km", "kilometers"), "imperial": ("fahrenheit", "miles"),
    "c": ("celsius", "centigrade"), "f": ("fahrenheit",), "k": ("kelvin",),  # enum ["C", "F", "K"]
    "mi": ("miles", "mile"), "ft": ("feet", "foot"), "km": ("kilometers", "kilometres", "kilometer"),
    "m": ("meters", "metres", "meter", "medium"), "cm": ("centimeters", "centimetres"), "kg": ("kilograms", "kilogram"),
    "lb": ("pounds", "pound"), "lbs": ("pounds", "pound"), "g": ("grams", "gram"), "l": ("liters", "litres", "large"),
    "ml": ("milliliters", "millilitres"), "oz": ("ounces", "ounce"), "yd": ("yards", "yard"),
    "cycling": ("bike", "bicycle", "cycle"), "bicycling": ("bike", "bicycle", "cycle"), "bike": ("bicycle", "cycle"),
    "female": ("woman", "women", "girl", "lady"), "male": ("man", "men", "boy", "gentleman"),
    "price_asc": ("cheapest first", "lowest price first", "cheapest", "low to high"),
    "price_desc": ("most expensive first", "highest price first", "high to low"),
    "rating": ("best rated", "top rated", "highest rated"),
    "driving": ("car", "drive"), "walking": ("walk", "on foot"), "transit": ("public transport", "bus", "train", "subway"),
}  # fmt: skip


_YES_VALUES = ("yes", "true", "on", "enabled", "y")
_NO_VALUES = ("no", "false", "off", "disabled", "n")


def enum_candidates(doc: Document, param: Param) -> list[Candidate]:
    found: list[Candidate] = []
    said = {str(v).lower(): v for v in param.enum}
    if said and set(said) <= set(_YES_VALUES + _NO_VALUES):  # subscribe: ["yes", "no"], said as a verb
        flag = boolean_value(doc, param)
        if flag is not None:
            wanted = next((said[v] for v in (_YES_VALUES if flag.value else _NO_VALUES) if v in said), None)
            if wanted is not None:
                found.append(Candidate(wanted, flag.start, flag.end, 1.5, "enum", shared=True))
    steer = pair_steer(param)
    numeric = [m for m in doc.of("number")]
    for value in param.enum:
        if isinstance(value, bool) or value is None:
            continue
        if isinstance(value, int | float):
            for m in numeric:
                if m.value == value:
                    found.append(
                        Candidate(value, m.start, m.end, 1.2 + proximity(doc, param, m.start, m.end), "enum")
                    )
            found.extend(c for c in quarters(doc, param) if c.value == value)
            continue
        terms = [str(value)] + list(_ENUM_SYNONYMS.get(str(value).lower(), ()))
        terms += _LANGUAGE_NAMES.get(str(value).lower(), [])  # ["en", "de", ...]: "German" is "de"
        terms += _spelled_out(doc.text, str(value))
        for i, term in enumerate(terms):
            if len(term) <= 2 and i > 0:  # single letters ("c", "f") only right after a degree/number
                pattern = rf"(?:\d\s*°?|°|\bin\s+|\bdegrees?\s+){re.escape(term)}\b"
                spans = [(m.end() - len(term), m.end()) for m in re.finditer(pattern, doc.text, re.I)]
            else:
                spans = find_term(doc.text, term)
            for start, end in spans:
                length_bonus = min(len(term), 30) / 100.0  # longest match wins
                score = (2.0 + length_bonus + proximity(doc, param, start, end) - 0.1 * (i > 0)
                         + steer(after_to(doc, start)))  # "2 liters to milliliters": ml is the target
                # "98.6 Fahrenheit": the unit of a number is the enum's value and leaves the number to another
                unit = any(m.start < start and end <= m.end for m in numeric)
                found.append(Candidate(value, start, end, score, "enum", shared=unit))
        name = str(value).lower()
        if len(name) >= 5 and name.isalpha() and not any(c.value == value for c in found):
            for i, word in enumerate(doc.words):  # "so they can edit" for role "editor", "view" for "viewer"
                if len(word) >= 4 and word not in STOP_VALUE and name.startswith(word) and len(name) - len(word) <= 3:
                    found.append(Candidate(value, doc.token_starts[i], doc.token_ends[i], 1.3, "enum"))
    return found


_SHORT_WORDS = frozenset({"on", "off", "in", "out", "up", "at", "to", "by", "or", "and", "yes", "no", "all", "any", "new",
                          "old", "low", "high", "top", "hot", "min", "max", "day", "now", "one", "two", "set", "get",
                          "add", "put", "run", "use", "open", "safe", "fast", "slow", "easy", "hard", "full", "none",
                          "auto", "both", "each", "last", "next", "week", "year", "hour", "mild", "warm", "cool",
                          "cold", "dark", "red", "blue", "tall", "big", "mid"})


def _spelled_out(text: str, value: str) -> list[str]:
    """Phrases of ``text`` whose initials are ``value``: "astronomical units" for "au", "miles per hour" for
    "mph"; words of four letters or more, or "per"; never for a value that is itself a word ("on", "all")."""
    if not 2 <= len(value) <= 4 or not value.isalpha() or not value.islower() or value in _SHORT_WORDS:
        return []
    pattern = r"\b" + r"\s+".join(rf"(?:per|{c}[a-z]{{3,}})" if c == "p" else rf"{c}[a-z]{{3,}}" for c in value) + r"\b"
    return [m.group(0) for m in re.finditer(pattern, text, re.I)]


def boolean_value(doc: Document, param: Param) -> Candidate | None:
    """True for "include images"/"with images", False for "without images"/"no images"."""
    cues = [_participle(c) for c in param.cues if c not in ("is", "has", "allow", "want", "need", "only")]
    if not cues:
        return None
    if len(cues) > 1 and cues[-1] == "free":  # fee_free, gluten_free: "no-fee ATMs", "without gluten", "fee-free"
        thing = r"\s+|[- ]".join(re.escape(c) for c in cues[:-1])
        said_free = re.search(rf"\b(?:no|without|zero)[- ]+(?:{thing})s?\b|\b(?:{thing})[- ]free\b", doc.text, re.I)
        if said_free:
            return Candidate(True, said_free.start(), said_free.end(), 1.5, "boolean", shared=True)
    # a participle cue matches any form of its verb: "allows pets" for pets_allowed; "pet-friendly" names pets and
    # "non-smoking" says no smoking
    same = {alt: c for c in cues for alt in SAME_AS.get(c, ())}  # "nonstop" for direct_only
    said = [same.get(w) or _hyphened(w, cues) or _negated_form(w, cues) or (stem(w) if stem(w) in cues else w)
            for w in doc.words]
    positions = [i for i, w in enumerate(said) if w in cues]
    if not positions:
        return None
    # need the last (head) cue word and at least half of the cue words within a short window around it
    head = cues[-1]
    for pos in positions:
        if said[pos] != head:
            continue
        window = set(said[max(0, pos - len(cues) - 2) : pos + len(cues)])
        if sum(c in window for c in cues) * 2 < len(cues):
            continue
        before = doc.words[max(0, pos - len(cues) - 4) : pos]
        negated = (any(w in _NEGATORS or w.endswith("n't") for w in before)
                   or _negated_form(doc.words[pos], cues) is not None or doc.words[pos].startswith("non-"))
        start = doc.token_starts[pos]
        return Candidate(not negated, start, doc.token_ends[pos], 1.5, "boolean", shared=True)
    return None


def _hyphened(word: str, cues: list[str]) -> str | None:
    """The cue inside a hyphened word ("non-smoking" -> "smoking", "pet-friendly" -> "pet"), if any."""
    if "-" not in word:
        return None
    parts = [p for p in word.split("-") if p]
    return next((c for p in parts for c in (singular(p), stem(p), p) if c in cues), None)


def _negated_form(word: str, cues: list[str]) -> str | None:
    """The cue in "unfurnished" or "nonsmoking", which say it is not so."""
    for prefix in ("non", "un"):
        rest = word[len(prefix):].lstrip("-") if word.startswith(prefix) else ""
        for form in (rest, stem(rest)):
            if form and form in cues:
                return form
    return None


def _participle(word: str) -> str:
    """"allowed" -> "allow" ("pets_allowed"); other words as they are ("testing" stays, so "Test the app" says
    nothing of automated_testing)."""
    return stem(word) if word.endswith("ed") else word


# what a unit measures, by the words a parameter for it is named with ("5 seconds" for time, "10 m/s" for velocity)
_QUANTITIES = {
    "time": frozenset({"time", "duration", "period", "interval", "second", "minute", "hour", "elapsed", "delay",
                       "age"}),  # "a 30 year old": age in years
    "speed": frozenset({"velocity", "speed"}),
    "acceleration": frozenset({"acceleration"}),
    "mass": frozenset({"mass", "weight"}),
    "length": frozenset({"length", "distance", "width", "height", "radius", "diameter", "depth", "displacement",
                         "altitude", "elevation", "side", "base"}),
    "volume": frozenset({"volume", "capacity"}),
    "temperature": frozenset({"temperature", "temp"}),
}
UNIT_FAMILIES = {
    **{u: _QUANTITIES["time"] for u in ("s", "sec", "second", "ms", "millisecond", "min", "minute", "h", "hr", "hour",
                                         "year", "yr")},
    **{u: _QUANTITIES["speed"] for u in ("m/s", "km/h", "kmh", "kph", "mph", "knot", "ft/s")},
    **{u: _QUANTITIES["acceleration"] for u in ("m/s^2", "m/s2", "ft/s^2")},
    **{u: _QUANTITIES["mass"] for u in ("kg", "g", "gram", "kilogram", "lb", "pound", "ton", "tonne", "mg")},
    **{u: _QUANTITIES["length"] for u in ("m", "meter", "metre", "km", "kilometer", "cm", "mm", "mile", "mi", "ft",
                                          "feet", "foot", "inch", "yard", "unit")},
    **{u: _QUANTITIES["volume"] for u in ("l", "liter", "litre", "ml", "gallon", "m3", "m^3", "cubic")},
    **{u: _QUANTITIES["temperature"] for u in ("°c", "°f", "celsius", "fahrenheit", "kelvin", "degree")},
}  # fmt: skip


def quarters(doc: Document, param: Param) -> list[Candidate]:
    """ "the Q3 2025 numbers" for a quarter parameter: 3."""
    if "quarter" not in param.cues:
        return []
    return [Candidate(int(q.group(1)), q.start(), q.end(), 1.2, "number")
            for q in re.finditer(r"\bQ([1-4])\b", doc.text)]


_START_WORDS = {"start", "from", "begin", "check", "departure", "since", "checkin", "open", "first"}
_END_WORDS = {"end", "to", "until", "finish", "checkout", "return", "due", "deadline", "close", "last", "out"}


def date_candidates(doc: Document, param: Param) -> list[Candidate]:
    fmt = param.schema.get("format")
    wants_time_only = fmt == "time" or (
        param.date_format is not None and "%Y" not in param.date_format and "%d" not in param.date_format
    )
    wants_date_only = fmt == "date" or (param.date_format is not None and "%H" not in param.date_format)
    found = []
    mentions = doc.of("datetime", "date", "time")
    days = [d for d in mentions if d.kind != "time"]
    nears = [proximity(doc, param, d.start, d.end) for d in mentions]
    labelled = any(near >= 0.5 for near in nears)
    for index, m in enumerate(mentions):
        if m.kind == "date" and wants_time_only:
            continue  # a day has no time of its own: "on saturday" is no "00:00"
        if m.kind == "time" and not wants_time_only:
            if "time" not in param.cues and "hour" not in param.cues:
                continue
            if _wants_date(param):  # "from 2pm to 4pm on May 3rd": borrow the nearest date
                if not days:
                    continue
                day = min(days, key=lambda d: abs(d.start - m.start))
                stamp = dt.datetime.combine(
                    day.value if not isinstance(day.value, dt.datetime) else day.value.date(), m.value
                )
                m = Mention("datetime", stamp, m.start, m.end, m.text)
        time_only, date_only = wants_time_only, wants_date_only
        if param.date_raw:
            wants_time = "time" in param.cues and not set(param.cues) & {"date", "day"}
            value = (m.time_part if wants_time else m.part) or m.text
            if wants_time and m.kind == "date":
                continue
            time_only, date_only = wants_time, not wants_time  # "twenty fifth may at five pm": a part each
        else:
            value = format_value(m, param.date_format, str(fmt) if fmt else None)
        start, end = _part_span(doc, m, time_only, date_only)
        score = 0.6 + nears[index]  # a borrowed date keeps the time mention's span
        if re.search(r"\d", m.text):
            score += 0.05  # "on saturday ... on 2026-12-04": the date written out is the one meant
        cues = set(param.cues)
        first, last = index == 0, index == len(mentions) - 1
        # order decides a range ("from X to Y") only when no date is labelled with the parameter's own
        # name: "a due date of X and the current date of Y" gives due_date X
        if len(mentions) > 1 and not labelled and (cues & _START_WORDS and first or cues & _END_WORDS and last):
            score += 0.3
        # "this evening" is a day and a part of it: a timeofday parameter may take "evening" too
        found.append(Candidate(value, start, end, score, "date", shared=m.text.lower().startswith("this ")))
    return found


_CLOCK_RE = re.compile(r"\b\d{1,2}(?::\d{2})?\s*(?:[ap]\.?m\b\.?)?|\b(?:noon|midnight)\b", re.I)


def _part_span(doc: Document, m: Mention, time_only: bool, date_only: bool) -> tuple[int, int]:
    """The span a date or a time parameter takes of a mention: for "December 3, 2026 at 9:15 am", the time
    part for a time, the rest for a date, so that one parameter of each fills from it."""
    if m.kind != "datetime" or not (time_only or date_only):
        return m.start, m.end
    at = doc.text.find(m.time_part, m.start, m.end) if m.time_part else -1
    if at >= 0:  # merged from a date and a time ("twenty fifth may at five pm"): the time as it was said
        clock_start, clock_end = at, at + len(m.time_part)
        if time_only:
            return clock_start, clock_end
        return max((m.start, clock_start), (clock_end, m.end), key=lambda span: span[1] - span[0])
    clocks = list(_CLOCK_RE.finditer(doc.text, m.start, m.end))
    if not clocks:
        return m.start, m.end
    said = [c for c in clocks if re.search(r"[:apn]", c.group(0), re.I)]  # "9:15", "9 am", "noon": a time
    clock = (said or clocks)[-1]
    if time_only:
        return clock.start(), clock.end()
    before, after = (m.start, clock.start()), (clock.end(), m.end)  # the date: the side of the clock it is on
    return max(before, after, key=lambda span: span[1] - span[0])


def _wants_date(param: Param) -> bool:
    fmt = param.schema.get("format")
    if fmt in ("date", "date-time"):
        return True
    return param.date_format is not None and ("%d" in param.date_format or "%Y" in param.date_format)


def typed_candidates(doc: Document, param: Param, kind: str) -> list[Candidate]:
    return [
        Candidate(m.value, m.start, m.end, 1.0 + proximity(doc, param, m.start, m.end), kind)
        for m in doc.of(kind)
    ]


# a number's currency unit as the ISO 4217 code a "currency" parameter takes ("500 USD", "$20", "15 euros")
CURRENCY_CODES = {
    **{u: "USD" for u in ("usd", "dollar", "dollars", "buck", "bucks")},
    **{u: "EUR" for u in ("eur", "euro", "euros")},
    **{u: "GBP" for u in ("gbp", "pound", "pounds", "sterling")},
    **{u: "JPY" for u in ("jpy", "yen")},
    **{u: "CHF" for u in ("franc", "francs")}, **{u: "CNY" for u in ("yuan", "renminbi")},
    **{u: "INR" for u in ("rupee", "rupees")}, **{u: "SEK" for u in ("krona", "kronor")},
    **{u: "RUB" for u in ("ruble", "rubles", "rouble", "roubles")}, "zloty": "PLN", "baht": "THB", "lira": "TRY",
    **{u: u.upper() for u in ("cad", "aud", "chf", "cny", "inr", "sek", "nok", "dkk", "nzd", "sgd", "hkd",
                              "krw", "mxn", "brl", "zar", "rub", "try", "pln")},
}
# parameter name words of a string amount / a string rate
MONEY_WORDS = frozenset({"amount", "price", "cost", "budget", "fee", "salary", "payment", "installment", "value",
                          "total"})
_RATE_WORDS = frozenset({"rate", "percent", "percentage"})
# language names a "language" parameter takes, with their ISO 639-1 codes
LANGUAGES = {
    "english": "en", "spanish": "es", "french": "fr", "german": "de", "italian": "it", "portuguese": "pt",
    "chinese": "zh", "mandarin": "zh", "japanese": "ja", "korean": "ko", "russian": "ru", "arabic": "ar",
    "hindi": "hi", "dutch": "nl", "swedish": "sv", "norwegian": "no", "danish": "da", "finnish": "fi",
    "polish": "pl", "turkish": "tr", "greek": "el", "hebrew": "he", "thai": "th", "vietnamese": "vi",
    "indonesian": "id", "czech": "cs", "ukrainian": "uk", "romanian": "ro", "hungarian": "hu", "bengali": "bn",
    "urdu": "ur", "tamil": "ta", "persian": "fa", "malay": "ms", "swahili": "sw",
}  # fmt: skip
_LANGUAGE_NAMES = {code: [name for name, c in LANGUAGES.items() if c == code] for code in LANGUAGES.values()}
_LANGUAGE_RE = re.compile(r"\b(" + "|".join(LANGUAGES) + r")\b", re.IGNORECASE)
_CODE_HINT_RE = re.compile(r"\b(?:iso|code|639)\b|['\"(/](?:en|fr|es|de)\b", re.IGNORECASE)


STREET_RE = re.compile(
    r"\b\d{1,6}[A-Za-z]?\s+(?:[A-Z0-9][\w'.-]*\s+){0,4}"
    r"(?:Street|St|Road|Rd|Avenue|Ave|Boulevard|Blvd|Lane|Ln|Drive|Dr|Way|Court|Ct|Place|Pl|Terrace|"
    r"Parkway|Pkwy|Highway|Hwy|Square|Sq|Circle|Cir)\b\.?(?:,\s*[A-Z][\w.-]*(?:\s[A-Z][\w.-]*){0,3}){0,2}"
)


def house_numbers(doc: Document) -> set[int]:
    """Where the street addresses of ``doc`` start: a number there is a house number ("55 Pine Ave"), not a count, a
    ZIP code or an amount."""
    return {street.start() for street in STREET_RE.finditer(doc.text)}


_ENDING_RE = re.compile(r"\b(?:ending|ends|ended)\s+(?:in|with)\s+(\d{4})\b", re.I)


def last_four(doc: Document, param: Param) -> list[tuple[str, int, int]]:
    """ "my card ending in 4421" for a parameter named or described as the last four digits."""
    if not re.search(r"\blast[ _]?(?:four|4)\b", f"{param.name} {param.description}".replace("_", " "), re.I):
        return []
    return [(ending.group(1), ending.start(1), ending.end(1)) for ending in _ENDING_RE.finditer(doc.text)]


def street_candidates(doc: Document, param: Param) -> list[Candidate]:
    """ "update my address to 456 Old Road" -> "456 Old Road" (not the number alone); a street parameter stops
    before the town ("22 Baker Lane, Denver 80203": "22 Baker Lane")."""
    found = []
    for m in STREET_RE.finditer(doc.text):
        value = m.group(0).rstrip(".")
        if "street" in param.cues and "address" not in param.cues:
            value = value.split(",")[0]
        found.append(Candidate(value, m.start(), m.start() + len(value),
                               0.9 + proximity(doc, param, m.start(), m.end()), "span", shared=True))
    return found


def language_candidates(doc: Document, param: Param) -> list[Candidate]:
    """ "a report in Spanish" -> "Spanish" (or "es" when the description asks for codes); "from English to
    Chinese": the source side takes the name after "from", the target side the one after "to"/"into"."""
    codes = bool(_CODE_HINT_RE.search(param.description))
    side = "source" if set(param.cues) & {"source", "src", "original", "input", "from"} else (
        "target" if set(param.cues) & {"target", "tgt", "output", "destination", "to"} else "")
    found = []
    for m in _LANGUAGE_RE.finditer(doc.text):
        name = m.group(1).lower()
        before = doc.text[: m.start()].split()[-1:]
        prep = before[0].lower() if before else ""
        bonus = 0.2 if (side == "source" and prep == "from") or (side == "target" and prep in ("to", "into")) else 0.0
        value = LANGUAGES[name] if codes else name.capitalize()
        found.append(Candidate(value, m.start(), m.end(), 0.7 + bonus + proximity(doc, param, m.start(), m.end()),
                               "span"))
    return found


_GROUPED_RE = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")


def number_text(m: Mention) -> str:
    """A number mention as a string value: "10,000" -> "10000" (APIs want no group separators)."""
    return m.text.replace(",", "") if _GROUPED_RE.fullmatch(m.text) else m.text


_LEADING_SKIP = {"the", "a", "an", "my", "your", "our", "their", "its", "his", "her", "this", "that"}
_LABEL_WORDS = {"id", "code", "number", "no", "url", "ip", "address", "name", "called", "named", "titled"}
_QUOTE_RE = re.compile(r"\s*([\"“'‘])(.+?)[\"”'’]")
_WORD_RE = re.compile(r"\s*([^\s,.;!?()\"“”]+(?:\.[^\s,.;!?()\"“”]+)*)")


def value_after(doc: Document, start: int, place: bool = False, phrase: bool = False
                 ) -> tuple[str, int, int] | None:
    """The value that follows a cue at ``start``: a quoted string, a capitalised name ("Dr. Smith",
    "San Diego, CA" for places), or words up to punctuation or a stop word. Leading articles and
    label words ("the code '8uAn'", "ISBN number 978...") are skipped. A ``phrase`` (a subject, a message) runs
    on past a leading name: "subject Q3 report and ..." is "Q3 report"."""
    text = doc.text
    position = start
    for _ in range(3):
        word = _WORD_RE.match(text, position)
        if not word or word.group(1).lower() not in _LEADING_SKIP | _LABEL_WORDS:
            break
        position = word.end()
    quoted = _QUOTE_RE.match(text, position)
    if quoted:  # '"John Doe," and': the comma belongs to the sentence
        value = quoted.group(2).rstrip(",;:")
        return value, quoted.start(2), quoted.start(2) + len(value)
    picked: list[re.Match[str]] = []
    while len(picked) < 4:
        word = _WORD_RE.match(text, position)
        if not word or word.group(1).lower() in STOP_VALUE:
            break
        if not picked and not phrase:
            span = next((sp for sp in doc.spans if sp.start == word.start(1)), None)
            if span is not None:
                return _extend_place(doc, span) if place else (span.value, span.start, span.end)
        picked.append(word)
        position = word.end()
    if not picked:
        return None
    first, last = picked[0].start(1), picked[-1].end(1)
    return text[first:last], first, last


def _typed_ident(text: str, param: Param) -> bool:
    """An identifier that names its own kind: "GUEST005" for guestID, "BOOKING008" for bookingID."""
    prefix = re.match(r"[A-Za-z]{3,}", text)
    if not prefix:
        return False
    kind = singular(prefix.group(0).lower())
    return any(len(c) >= 3 and (kind == c or kind.startswith(c) or c.startswith(kind)) for c in param.cues
               if c not in ("id", "number", "code"))


def _extend_place(doc: Document, span: Mention) -> tuple[str, int, int]:
    """ "San Diego, California." -> the whole "City, Region" when it closes the clause."""
    m = re.match(r",\s*([A-Z][\w.-]*(?:\s[A-Z][\w.-]*)*)\s*(?=[.?!;]|$)", doc.text[span.end :]) or re.match(
        r",\s*([A-Z]{2})\b", doc.text[span.end :])  # "Boston, MA today": a state or country code
    if m:
        end = span.end + m.end(1)
        return doc.text[span.start : end].rstrip("."), span.start, end
    return span.value, span.start, span.end


def numbered_end(text: str, end: int) -> int | None:
    """Where a name ending at ``end`` ends with the number right after it ("Summer 2026", "Apollo 13"); None when
    no plain number follows (not a decimal, a time or a percentage)."""
    numbered = re.match(r" (\d{1,4})\b(?![.,:]\d| ?%)", text[end:])
    return end + numbered.end() if numbered else None


def string_candidates(doc: Document, param: Param) -> list[Candidate]:
    text = doc.text
    found: list[Candidate] = []
    cue_positions = doc.cue_positions(param.cue_words)
    creator = bool(set(param.cues) & CREATOR_WORDS)
    for q in doc.of("quoted"):
        near = proximity(doc, param, q.start, q.end)
        # a quoted title, not a login, and not the person who made it ("'Bohemian Rhapsody' by Queen")
        titled = param.role == "name" and not ({"user", "username"} & set(param.cues) or creator)
        bonus = 0.2 if param.role == "text" or titled else 0.0
        inner = q.text[1:-1].strip().rstrip(",;") if len(q.text) > 2 and q.text[-1] in "\"'”’" else ""
        value = inner if param.role == "text" and inner.startswith(q.value) else q.value  # a text keeps its full stop
        found.append(Candidate(value, q.start, q.end, 0.35 + bonus + near, "quoted"))
    # "<cue> is X", "<cue>: X", "named X": the strongest free-text signal
    for pos in cue_positions:
        cue_end = doc.token_ends[pos]
        link = re.match(_LINKERS, text[cue_end:], re.I)
        after = value_after(doc, cue_end + (link.end() if link else 0), param.role == "location",
                             phrase=param.role == "text")
        numbered = numbered_end(text, after[2]) if after and TITLE_WORDS & set(param.cues) else None
        if after and numbered:  # "the album Summer 2026"
            after = (text[after[1] : numbered], after[1], numbered)
        if after:
            value, start, end = after
            # "platforms are trending" is about platforms, not platform_region: a linker counts after
            # the parameter's head word (its last name word) only
            head = len(param.cues) < 2 or singular(doc.words[pos]) == singular(param.cues[-1])
            explicit = link is not None and head
            looks_named = value[:1].isupper() or any(ch.isdigit() for ch in value)
            # "username jdoe, password hunter2": a login is one token right after its name
            # (a parameter named only as a login, after the word "username" / "login" itself, not "user interface")
            login = (set(param.cues) <= LOGIN_WORDS and doc.words[pos] in ("username", "login", "handle")
                     and " " not in value)
            if explicit or looks_named or login:
                near_cues = {doc.words[p] for p in cue_positions if pos - 3 <= p <= pos}
                coverage = min(1.0, len(near_cues) / len(param.cues))
                base = 0.75 if explicit else 0.45
                found.append(Candidate(value, start, end, base + 0.2 * coverage, "span"))
        # "the finance industry", "rice crops": modifier words right before the cue; never for an
        # identifier ("booking ID BNR321" is no passenger ID "booking")
        if param.role == "ident":
            continue
        prev = pos - 1
        while prev >= 0 and doc.words[prev] in param.cues:
            prev -= 1
        if (prev >= 0 and doc.words[prev] not in STOP_VALUE and re.match(r"\w", doc.words[prev])
                and not any(n.start <= doc.token_starts[prev] < n.end for n in doc.of("number"))):  # "5 places"
            first = prev
            before = first - 1
            if (
                before >= 0
                and doc.words[before] not in STOP_VALUE
                and text[doc.token_starts[before] : doc.token_starts[before] + 1].isupper()
            ):
                first = before
            elif (before >= 1 and doc.words[before] not in STOP_VALUE and doc.words[before - 1] in _DETERMINERS
                  and doc.words[before].isalpha()):
                first = before  # "my banana bread recipe": the words between a determiner and the name
            start, end = doc.token_starts[first], doc.token_ends[prev]
            found.append(Candidate(text[start:end], start, end, 0.45, "span"))
    for example in param.examples:
        if example.lower() in _LEADING_SKIP or example.lower() in _LOCATION_PREPS | {"and", "or", "with"}:
            continue
        for start, end in find_term(text, example):  # (a place said after "in" may still come first: 0.8)
            found.append(Candidate(example, start, end, 0.75 if param.role == "location" else 0.85, "span"))
    if param.role == "location":
        leaving, going = bool(set(param.cues) & _ORIGIN_WORDS), bool(set(param.cues) & _DESTINATION_WORDS)
        for i, word in enumerate(doc.words):
            if word in _LOCATION_PREPS and i + 1 < len(doc.words):
                after = value_after(doc, doc.token_ends[i], place=True)
                if after:
                    value, start, end = after
                    capital = value[:1].isupper()
                    # "from Dallas to Denver": the preposition says which end of a trip a place is
                    steer = 0.15 if (leaving and word == "from") or (going and word in ("to", "into")) else 0.0
                    steer += 0.1 if word in ("in", "at", "near", "around") else 0.0  # "in Denver" over "for Dune"
                    found.append(Candidate(value, start, end, (0.7 if capital else 0.3) + steer, "span"))
            elif word == "between":  # "between New York and Los Angeles": the first leaves, the second arrives
                found.extend(_between_places(doc, i, leaving, going))
            if word == "to" and leaving and "from" not in doc.words[:i]:  # "SFO to JFK": the trip starts at SFO
                start_to = doc.token_starts[i]
                for s in doc.spans:
                    if s.end <= start_to and not text[s.end:start_to].strip() and s.value[:1].isupper():
                        found.append(Candidate(s.value, s.start, s.end, 0.85, "span"))
        for s in doc.spans:
            found.append(
                Candidate(s.value, s.start, s.end, 0.2 + 0.5 * proximity(doc, param, s.start, s.end), "span")
            )
            if _FOLLOW_UP_RE.fullmatch(text[: s.start]):  # "What about Toronto, in celsius?": the new place
                found.append(Candidate(s.value, s.start, s.end, 0.75, "span"))
            if set(param.cues) & {"city", "town"} and re.search(r"\b(?:Street|St|Road|Rd|Avenue|Ave|Boulevard|Blvd|"
                                                               r"Lane|Ln|Drive|Dr|Way|Court|Ct|Place|Pl)\.?,\s*$",
                                                               text[: s.start]):
                found.append(Candidate(s.value, s.start, s.end, 0.7, "span"))  # "22 Baker Lane, Denver 80203"
    elif param.role == "name":
        for s in doc.spans:
            # "a song by Queen", "written by Jane Austen": the maker of a work follows "by"
            by = creator and bool(re.search(r"\sby(?:\s+the)?$", doc.text[: s.start].rstrip(), re.I))
            # "Play Bohemian Rhapsody by Queen": the work is named right before "by" and its maker
            work = (param.required and not creator and bool(TITLE_WORDS & set(param.cues))
                    and doc.text[s.end:].lower().startswith(" by "))
            score = (0.3 + proximity(doc, param, s.start, s.end) + (0.45 if by else 0.0) + (0.3 if work else 0.0)
                     + _title_fit(s.value, param))
            if VENUE_WORDS & set(param.cues) and re.search(r"\b(?:at|from|in)\s+(?:the\s+)?$", doc.text[: s.start]):
                score += 0.3  # "a table at Luigi's": the place is named after "at"
            if PAYEE_WORDS & set(param.cues) and re.search(r"\b(?:to|with)\s+(?:the\s+)?$", doc.text[: s.start]):
                score += 0.3  # "send €1.2k to Maria", "a call with Dr. Chen": the person follows "to" / "with"
            if _HONORIFIC_RE.match(s.value) and set(param.cues) & _PERSON_WORDS:
                score += 0.2  # "an appointment with Dr. Alvarez" for provider_name: a person by title
            owner = re.match(r"(.+)['’]s$", s.value)
            if set(param.cues) & (_PERSON_WORDS - {"name"}) and owner:  # "Jake's birthday" for person: Jake
                found.append(Candidate(owner.group(1), s.start, s.end, score + 0.2, "span"))
            if param.required and param.cues == ("name",):
                score += 0.15  # add_contact(name, ...): "Add Priya Nair from Globex" names the contact first
            found.append(Candidate(s.value, s.start, s.end, score, "span"))
            numbered = numbered_end(doc.text, s.end) if TITLE_WORDS & set(param.cues) else None
            if numbered:  # "the album Summer 2026": a title may end in a number
                found.append(Candidate(doc.text[s.start : numbered], s.start, numbered, score + 0.05, "pattern"))
    elif param.role == "expression":  # "(5+3)*6"
        for expression in EXPRESSION_RE.finditer(text):
            value = expression.group(0).strip()
            if value.count("(") == value.count(")"):
                found.append(Candidate(value, expression.start(), expression.end(), 0.9, "span", shared=True))
        if "formula" in param.cues:  # a chemical formula: "H2O", "NaCl", "C6H12O6"
            for formula in _FORMULA_RE.finditer(text):
                found.append(Candidate(formula.group(0), formula.start(), formula.end(), 0.6, "span"))
    elif (param.role == "ident" and "currency" in param.cues) or (  # "500 USD" is an amount in USD, not "500"
            param.role in ("ident", "generic") and re.search(r"\bcurrenc", param.description, re.I)):
        found.extend(_currency_candidates(doc, param))
    elif param.role == "ident":
        side = pair_steer(param)
        streets = house_numbers(doc)
        for m in (m for m in doc.of("ident", "number", "acronym", "phone") if m.text.lower() not in param.cues):
            if (m.kind == "number" and set(param.cues) & {"zip", "zipcode", "postal", "postcode"}
                    and (not re.fullmatch(r"\d{5}(?:-\d{4})?", m.text) or m.start in streets)):
                continue  # a ZIP code has five digits; "22 Baker Lane" is a house number
            if m.kind == "number" and (m.value != int(m.value) or m.unit in CURRENCY_CODES
                                       or CORRECTION_RE.search(doc.text[: m.start])
                                       or (len(m.unit) > 3 and m.unit.isalpha() and m.unit.endswith("s")
                                           and singular(m.unit) not in param.cues)):
                continue  # 19.99, $20: an amount, never an identifier; nor "make it 15" or "10 shares": counts
            if m.kind == "phone" and "phone" in param.cues:
                continue  # a phone parameter takes it as a phone; an order ID "112-7788-3345" is dashed digits
            value = number_text(m) if m.kind == "number" else m.text
            score = 0.5 + proximity(doc, param, m.start, m.end) + (0.3 if _typed_ident(m.text, param) else 0.0)
            label = other_label(doc, param, m.start)
            if label in _LOGIN_LABELS:
                continue  # "my username is user3" names a login, never this token or ID
            if label is not None:
                score -= 0.3  # "my password is hunter2" names a password, not this token
            if m.kind == "number" and _YEAR_PHRASE_RE.search(doc.text[: m.end]):
                continue  # "how did Apple do in 1999": a year, never a ticker or an ID
            score += side(after_to(doc, m.start))  # "Rename report.txt to report-final.txt"
            found.append(Candidate(value, m.start, m.end, score, "pattern" if m.kind == "phone" else "span"))
    if param.role != "ident" and set(param.cues) & (MONEY_WORDS | _RATE_WORDS):
        # a string amount: "a loan of 10,000 USD" -> loanAmount "10000", "2.5%" -> interestRate "2.5"
        wanted = {"%"} if set(param.cues) & _RATE_WORDS else CURRENCY_CODES.keys()
        for m in doc.of("number"):
            if m.unit in wanted:
                plain = str(int(m.value)) if m.value == int(m.value) else str(m.value)
                found.append(Candidate(plain, m.start, m.end, 1.1 + proximity(doc, param, m.start, m.end), "number"))
    if param.role != "ident":  # numbers and identifiers right next to the parameter's name
        for m in doc.of("number", "ident"):
            near = proximity(doc, param, m.start, m.end, reach=2)
            # "10 words" counts words: a number of the things a singular parameter ("word") names is not one of them
            if near and not (m.kind == "number" and singular(param.name.lower()) == param.name.lower()
                             and {singular(w) for w in split_words(param.name)} <= {singular(m.unit)}):
                value = number_text(m) if m.kind == "number" else m.text
                found.append(Candidate(value, m.start, said_end(doc, m), 0.3 + near, "span"))
    found.extend(_pattern_candidates(doc, param))
    if set(param.cues) & {"address", "street"} and "email" not in param.cues:
        found.extend(street_candidates(doc, param))
    if param.cues and param.cues[-1] in ("language", "lang", "locale"):  # not language_level
        found.extend(language_candidates(doc, param))
    if param.role == "text" and {"message", "text", "body", "content", "note"} & set(param.cues):
        for said in _SAYING_RE.finditer(text):  # "a message to Bob saying I'll be late": what it says
            quoted = _QUOTE_RE.match(text, said.end())
            begin = said.end() + len(text[said.end():]) - len(text[said.end():].lstrip())
            start, end = (quoted.start(2), quoted.end(2)) if quoted else (begin, len(text.rstrip(" .!?")))
            if end > start:
                found.append(Candidate(text[start:end], start, end, 0.7, "span", shared=True))
    if param.role == "name" and not creator and {"title", "name"} & set(param.cues):
        for named in re.finditer(r"\b(called|named|titled|entitled)\s+", text):  # "an event called Team Sync"
            after = value_after(doc, named.end())
            # a name, a quoted title, or an identifier-like name ("a branch called feature/login-fix")
            if after and (after[0][:1].isupper() or after[0][:1].isdigit() or re.search(r"[/_.-]", after[0])):
                # "titled" says title, "called" / "named" say name: the verb that fits the parameter wins
                fits = named.group(1).endswith("titled") == ("title" in param.cues)
                found.append(Candidate(after[0], after[1], after[2], 0.9 if fits else 0.6, "span"))
    if {"label", "tag", "title", "name"} & set(param.cues):
        for labelled in re.finditer(r"\b(?:labell?ed|tagged|marked)(?:\s+(?:as|with))?\s+", text, re.I):
            after = value_after(doc, labelled.end())  # "an alarm at noon labelled lunch"
            if after:
                found.append(Candidate(after[0], after[1], after[2], 0.8, "span"))
    if {"task", "reminder", "message", "text", "note", "title", "content", "description"} & set(param.cues):
        for task in _REMIND_RE.finditer(text):  # "remind me to water the plants every Sunday": what to do
            found.append(Candidate(task.group(1), task.start(1), task.end(1), 0.7, "span"))
    if param.role == "text" and {"query", "q", "keyword", "search", "term"} & set(param.cues):
        for sought in _SEARCH_FOR_RE.finditer(text):  # "search YouTube for cat videos": what is sought
            found.append(Candidate(sought.group(1), sought.start(1), sought.end(1), 0.55, "span"))
    if param.kind == "string" and "unit" in param.cues:
        found.extend(_unit_pair_candidates(doc, param))
    if param.role == "text" and {"topic", "subject", "theme", "query", "q", "keyword", "search", "term"} & set(
            param.cues):
        for about in _ABOUT_RE.finditer(text):  # "headlines about technology": the topic, not the whole request
            found.append(Candidate(about.group(1), about.start(1), about.end(1), 0.6, "span"))
    if param.role == "text":
        rest = request_content(text)
        if rest and not AFFIRMATION_RE.match(rest):
            start = text.find(rest)
            score = 0.45 if _REQUEST_VERB_RE.match(_REQUEST_PREFIX_RE.sub("", text.strip())) else 0.3
            if (param.required and set(param.cues) & _QUERY_WORDS and 2 <= len(rest.split()) <= 8
                    and rest[:1].islower() and not re.match(r"(?:it|i|my|that|this|they|we)\b", rest, re.I)):
                score = max(score, 0.45)  # "coffee shops rated at least 4.5": a short request is what is sought
            found.append(Candidate(rest, start, start + len(rest), score, "span", shared=True))
    return drop_overlapping_typed(doc, found)


_CURRENCY_WORD_RE = re.compile(r"\b(" + "|".join(sorted((u for u in CURRENCY_CODES if len(u) > 3 or u == "yen"),
                                                          key=len, reverse=True)) + r")\b", re.I)


def _currency_candidates(doc: Document, param: Param) -> list[Candidate]:
    """Currency codes: an amount's unit ("100 euros" -> EUR), a code ("USD"), a currency word ("to dollars");
    in a pair, the amount's currency is the source and one after "to" / "into" / "in" the target."""
    steer = pair_steer(param)
    found: list[Candidate] = []
    amounts = [m for m in doc.of("number") if m.unit in CURRENCY_CODES]
    for m in amounts:
        found.append(Candidate(CURRENCY_CODES[m.unit], m.start, m.end, 0.8 + steer(False), "span",
                               shared=True))
    taken = [(m.start, m.end) for m in amounts]
    for m in doc.of("acronym"):
        if m.text.lower() in CURRENCY_CODES:
            found.append(Candidate(m.text.upper(), m.start, m.end, 0.7 + steer(after_to(doc, m.start)),
                                   "span"))
    for w in _CURRENCY_WORD_RE.finditer(doc.text):
        if any(s <= w.start() < e for s, e in taken):
            continue  # the unit of an amount, counted above
        code = CURRENCY_CODES[w.group(1).lower()]
        against = bool(re.search(r"\b(?:against|vs\.?|versus)\s+(?:the\s+)?$", doc.text[: w.start()], re.I))
        found.append(Candidate(code, w.start(), w.end(), 0.7 + steer(after_to(doc, w.start()) or against), "span"))
    return found


_PERSON_WORDS = frozenset({"provider", "doctor", "physician", "dentist", "therapist", "person", "contact", "name",
                           "host", "guest", "attendee", "participant", "customer", "patient", "agent", "owner",
                           "employee", "colleague", "member", "candidate", "assignee", "reviewer"})


_LEAVING_WORDS = frozenset({"from", "source", "base", "original", "sell", "input", "old", "src", "beginning", "initial",
                            "starting", "start"})
_GOING_WORDS = frozenset({"to", "target", "destination", "quote", "buy", "into", "output", "new", "dest", "ending",
                          "final", "end"})


def pair_steer(param: Param) -> Callable[[bool], float]:
    """For one side of a pair (from_currency / to_currency, from_unit / to_unit): how much a value said right
    after "to" / "into" / "in" (``after_to``), or not, suits the parameter."""
    words = set(split_words(param.name)) | set(param.cues)  # a cryptic name's cues come from its description
    leaving = bool(words & _LEAVING_WORDS)
    going = bool(words & _GOING_WORDS)

    def steer(after_to: bool) -> float:
        if after_to:
            return 0.15 if going else -0.2 if leaving else 0.0
        return 0.15 if leaving else -0.2 if going else 0.0

    return steer


def after_to(doc: Document, start: int) -> bool:
    return bool(re.search(r"\b(?:to|into|in|make it|how many|how much)\s+$", doc.text[max(0, start - 10) : start],
                          re.I))


_SAYING_RE = re.compile(r"\b(?:saying|that says|to say|telling (?:him|her|them|me|us)(?: that)?|with the (?:text|message))"
                        r"[:,]?(?=\s)|^(?:text|tell|message|email|notify|ping|let)\b[^,.;:!?]*?\bthat(?=\s)", re.I)
_REMIND_RE = re.compile(r"\bremind(?:er)?(?:\s+(?:me|us|him|her|them))?"
                        r"(?:\s+(?:in|at|on|by|tomorrow|tonight|today)(?:\s+[\w:]+){0,2}?)?\s+(?:to|that|about)\s+(.+?)"
                        r"(?=\s+(?:every|each|at|on|in|by|tomorrow|today|tonight|next|this|before|after|once|twice|"
                        r"thrice|daily|weekly|monthly|eod|asap)\b|[,.;!?]|$)",
                        re.I)
_SEARCH_FOR_RE = re.compile(r"\bsearch(?:\s+\w+){0,3}?\s+for\s+(.+?)(?=\s*[,.;!?]|$)", re.I)


def _unit_pair_candidates(doc: Document, param: Param) -> list[Candidate]:
    """ "Convert 5 miles to kilometers": from_unit is the amount's unit, to_unit the word after "to"."""
    words = set(split_words(param.name))
    found: list[Candidate] = []
    if words & {"from", "source", "input", "original"}:
        for m in doc.of("number"):
            if m.unit and m.unit.isalpha():
                found.append(Candidate(m.unit, m.end - len(m.unit), m.end, 0.75, "span", shared=True))
    elif words & {"to", "target", "output", "into"}:
        for m_to in re.finditer(r"\b(?:to|into|in)\s+([a-zA-Z°]+)\s*[.?!]?\s*$", doc.text):
            found.append(Candidate(m_to.group(1), m_to.start(1), m_to.end(1), 0.75, "span"))
    return found


_ABOUT_RE = re.compile(r"\b(?:about|regarding|concerning|related to|on the (?:topic|subject) of|"
                       r"(?:report|article|essay|summary|paper|presentation|story|research|post)\s+on)\s+"
                       r"(?:(?:the|a|an)\s+)?([^,.;!?]+?)\s*(?=[,.;!?]|$|\b(?:and|but|for|from|in|on|at|with)\b)", re.I)
# two or more element symbols with a count or a two-letter symbol ("H2O", "NaCl"), not an acronym ("USA")
_FORMULA_RE = re.compile(r"\b(?=[A-Z][a-z]?\d*[A-Z(])(?=[\w()]*(?:\d|[A-Z][a-z]))(?:[A-Z][a-z]?\d*|\([A-Za-z0-9]+\)\d*){2,}\b")
LOGIN_WORDS = frozenset({"user", "username", "name", "login", "handle"})
_HONORIFIC_RE = re.compile(r"(Dr|Mr|Mrs|Ms|Mx|Prof|Sir|Dame)\.?\s+[A-Z]")
_DOCTOR_WORDS = frozenset({"doctor", "dr", "physician", "dentist", "surgeon", "therapist"})


def _title_fit(name: str, param: Param) -> float:
    """ "Dr. Lee" names a doctor (for doctor_name, not patient_name); "Ms. Lee" a person (not a doctor)."""
    m = _HONORIFIC_RE.match(name)
    if m is None:
        return 0.0
    doctor = bool(_DOCTOR_WORDS & set(param.cues))
    return 0.25 if doctor == (m.group(1) == "Dr") else 0.0


_OTHER_LABEL_RE = re.compile(r"\b([a-z]+)\s*(?:\bis\b|:|=)\s*$|\b(password|passcode|pin|username|login|email)\s+$", re.I)
_LOGIN_LABELS = frozenset({"password", "passcode", "pin", "username", "login", "email", "passphrase"})
_YEAR_PHRASE_RE = re.compile(r"\b(?:in|since|during|until|till|before|after|from|of|by)\s+(?:the\s+year\s+)?(?:1[89]|20)\d\d$", re.I)


def other_label(doc: Document, param: Param, start: int) -> str | None:
    """The word of "<word> is" / "<word>:" right before a value, when it is none of the parameter's names."""
    m = _OTHER_LABEL_RE.search(doc.text[max(0, start - 40) : start])
    if m is None:
        return None
    label = singular((m.group(1) or m.group(2)).lower())
    return None if label in param.cue_words or label in STOP_VALUE or label in _LABEL_WORDS else label


def labelled_as_other(doc: Document, param: Param, start: int) -> bool:
    """The value is labelled as something else ("the director is X" for a title)."""
    return other_label(doc, param, start) is not None


_ORIGIN_WORDS = frozenset({"origin", "from", "source", "start", "departure", "pickup", "depart"})
_DESTINATION_WORDS = frozenset({"destination", "to", "end", "arrival", "dropoff", "target", "arrive"})


def _between_places(doc: Document, index: int, leaving: bool, going: bool) -> list[Candidate]:
    first = value_after(doc, doc.token_ends[index], place=True)
    if not first or not first[0][:1].isupper():
        return []
    link = re.match(r"\s+and\b", doc.text[first[2]:])
    second = value_after(doc, first[2] + link.end(), place=True) if link else None
    found = [Candidate(first[0], first[1], first[2], 0.7 + (0.15 if leaving else 0.0), "span")]
    if second and second[0][:1].isupper():
        found.append(Candidate(second[0], second[1], second[2], 0.7 + (0.15 if going else 0.0), "span"))
    return found


def _pattern_candidates(doc: Document, param: Param) -> list[Candidate]:
    """Words or quoted values that wholly match the parameter's anchored ``pattern`` (an IBAN, a SKU)."""
    pattern = param.schema.get("pattern")
    if not isinstance(pattern, str) or not (pattern.startswith("^") and pattern.endswith("$")):
        return []
    try:
        compiled = re.compile(pattern)
    except re.error:
        return []
    found = []
    pieces = [(q.value, q.start, q.end) for q in doc.of("quoted")]
    pieces += [(m.group(0), m.start(), m.end()) for m in re.finditer(r"[^\s,;!?()\"'“”]+", doc.text)]
    for value, start, end in pieces:
        value = value.rstrip(".")
        if compiled.search(value):
            found.append(
                Candidate(value, start, start + len(value), 0.7 + proximity(doc, param, start, end), "span")
            )
    return found


def drop_overlapping_typed(doc: Document, found: list[Candidate]) -> list[Candidate]:
    """Free-text spans must not swallow a date, number, email, URL or phone found in the text."""
    typed = [(m.start, said_end(doc, m), m) for m in doc.of("datetime", "date", "time", "number", "email", "url",
                                                              "phone")
             if not (m.kind == "number" and m.text[:1].isupper())]  # "Dune Part Two": a number word in a name
    return [
        c
        for c in found
        if c.source != "span"
        or c.shared
        or not any(
            c.start < end and start < c.end and (m.kind != "number" or m.text != c.value) for start, end, m in typed
        )
    ]


def said_end(doc: Document, m: Mention) -> int:
    """Where a mention's own text ends: a number's unit ("5 Thai places") may still be a value."""
    if m.kind != "number" or not m.unit:
        return m.end
    at = doc.text.find(m.text, m.start, m.end)
    return at + len(m.text) if at >= 0 else m.end


# "No wait, make it 15": what comes next replaces a value said before
CORRECTION_RE = re.compile(r"(?:^|[.,!;]\s*)(?:no,?\s+|wait,?\s+|actually,?\s+|sorry,?\s+)*"
                           r"(?:make (?:it|that)|change (?:it|that) to|let'?s (?:do|say)|instead)\s+$", re.I)
_FOLLOW_UP_RE = re.compile(r"\s*(?:and\s+)?(?:what|how)\s+about\s+(?:in\s+)?|\s*and\s+(?:in\s+|for\s+)?|\s*same for\s+",
                           re.I)
_QUERY_WORDS = frozenset({"query", "q", "keyword", "search", "term", "kw"})


def request_content(text: str) -> str:
    """The request without its polite/verb prefix: "Can you search for cheap flights?" -> "cheap flights"."""
    rest = _REQUEST_PREFIX_RE.sub("", text.strip())
    rest = _REQUEST_VERB_RE.sub("", rest, count=1)
    rest = re.sub(r"[\s,]*(?:please|for me|thanks?(?: you)?)?[\s?.!]*$", "", rest, flags=re.I)
    return rest.strip()
