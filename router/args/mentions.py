"""Typed value mentions found in a text: the candidates that parameters are filled from."""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass
from typing import Any

_WORD_NUMBERS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
    "a dozen": 12, "dozen": 12, "a couple of": 2, "a couple": 2, "a pair of": 2, "single": 1, "twice": 2,
    "a hundred": 100, "a thousand": 1000,
    "thrice": 3,
}  # fmt: skip
_SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000, "billion": 1_000_000_000}
_SUFFIX_SCALES = {"k": 1000, "m": 1_000_000, "bn": 1_000_000_000}
_CURRENCY = {"$": "usd", "€": "eur", "£": "gbp", "¥": "jpy"}

_WORD_NUM_RE = "|".join(sorted((re.escape(w) for w in _WORD_NUMBERS), key=len, reverse=True))
NUMBER_RE = re.compile(
    rf"""(?<![\w.@/#:^-])
    (?P<cur>[$€£¥])?\s?
    (?:
      (?P<digits>[-+]?(?:\d+(?:\.\d+)?|\.\d+)[eE][-+]?\d+(?![\w-])|[-+]?\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|[-+]?\d+(?:\.\d+)?
                 |[-+]?\.\d+)
      (?P<suffix>k|m|bn)?(?!(?!(?:h|hr|hrs|min|mins|km|kg|lb|lbs|mi|ml|mm|cm|ft|oz)\b)[\w@]|-(?![a-zA-Z])|\.\d|/\d|:\d)
      |
      (?P<words>(?:{_WORD_NUM_RE})(?:[\s-](?:{_WORD_NUM_RE}|hundred|thousand|million|and(?=\s)))*)\b
    )
    (?:\s?(?P<pct>%|percent\b))?
    (?:[\s-]?(?P<unit>[a-zA-Z°][a-zA-Z°/]*(?:\^?[23](?![\d.])|[²³])?))?
    """,
    re.VERBOSE | re.IGNORECASE,
)
QUOTED_RE = re.compile(
    r"\"([^\"\n]{1,300})\"?|“([^”\n]{1,300})”|(?<![\w])'([^'\n]{1,200})'(?![\w])|‘([^’\n]{1,200})’"
)
EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
URL_RE = re.compile(r"\b(?:https?://|www\.)[^\s<>\"')\]]+[^\s<>\"')\].,;:!?]")
PHONE_RE = re.compile(
    r"(?<![\w+])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{2,4}\)[\s.-]?|\d{2,4}[\s.-])\d{3,4}[\s.-]?\d{3,4}(?!\w)"
    r"|(?<![\w+])\+\d{7,15}(?!\w|\.\d)"  # E.164: +1234567890
)
IDENT_RE = re.compile(r"(?<![\w@])(?=[\w-]*\d)(?=[\w-]*[A-Za-z])[A-Za-z0-9][\w-]{2,}(?![\w@])")
_CAP_WORD = r"(?:(?:Dr|Mr|Mrs|Ms|St|Prof|Mt|Jr)\.|[A-Z](?:[\w'&-]|\.(?=\w))*|[a-z][A-Z][a-z][\w'&-]*)"  # iPhone, eBay
CAPITALISED_RE = re.compile(rf"(?<![\w']){_CAP_WORD}(?:(?:\s(?:of|the|de|la|van|von|del|du|des|di|da|der|den|&))?\s{_CAP_WORD})*")
EXPRESSION_RE = re.compile(
    r"(?<![\w.])[-(]*\d+(?:\.\d+)?\)*(?:\s*[-+*/^×÷x%]\s*[(]*\s*-?\d+(?:\.\d+)?\s*\)*)+(?![\w.])"
)
ACRONYM_RE = re.compile(r"(?<![\w$-])[A-Z]{2,6}(?![\w-])")
IP_RE = re.compile(r"(?<![\w.])\d{1,3}(?:\.\d{1,3}){3}(?!\w|\.\d)")  # a sentence's full stop may follow
FILENAME_RE = re.compile(
    r"(?<![\w/])[\w-]+(?:/[\w.-]+)*\.(?:txt|csv|json|xml|pdf|docx?|xlsx?|jpe?g|png|gif|mp[34]|wav|py|js|html?|zip|log|ya?ml|md)\b",
    re.I,
)


@dataclass
class Mention:
    """A typed value found at ``[start, end)`` of the text."""

    kind: str  # "number", "date", "time", "datetime", "quoted", "email", "url", "phone", "ident", "span"
    value: Any
    start: int
    end: int
    text: str
    unit: str = ""  # for numbers: "%", "usd", "km", ... (lower case)
    part: str = ""  # for date-times merged from a date and a time: the date's own text
    time_part: str = ""  # ... and the time's own text

    def overlaps(self, other: Mention) -> bool:
        return self.start < other.end and other.start < self.end


def words_to_number(text: str) -> float | None:
    """ "twenty five" -> 25, "two hundred" -> 200, "a dozen" -> 12; None when not a number phrase."""
    phrase = text.lower().replace("-", " ").strip()
    if phrase in _WORD_NUMBERS:
        return float(_WORD_NUMBERS[phrase])
    total, current, seen = 0.0, 0.0, False
    for word in phrase.split():
        if word == "and":
            continue
        if word in _WORD_NUMBERS:
            said = _WORD_NUMBERS[word]
            if current == 1 and said >= 20:
                current = 100 + said  # "one eighty": 180 (no one says 81 so)
                continue
            if 0 < current % 100 < 10 and said >= 20 or current % 100 >= 10 and said >= 10:
                return None  # "two fifty", "ninety-six fifty", "nineteen ninety": a price or a year, not a sum
            current += said
        elif word in _SCALES:
            current = max(current, 1.0) * _SCALES[word]
            if _SCALES[word] >= 1000:
                total, current = total + current, 0.0
        else:
            return None
        seen = True
    return total + current if seen else None


_PER_RE = re.compile(r"\s+per\s+(second|sec|s|hour|hr|h)\b", re.I)
_SPEED_UNITS = {"meter": "m", "meters": "m", "metre": "m", "metres": "m", "m": "m", "kilometer": "km",
                "kilometers": "km", "km": "km", "mile": "mi", "miles": "mi"}
SCALE_WORDS = {"thousand": 1e3, "grand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}


def find_numbers(text: str) -> list[Mention]:
    """Numbers with their unit: "5 km", "$20", "3.5%", "two", "1,200", "10k", "2e-6 C"."""
    found: list[Mention] = []
    for match in NUMBER_RE.finditer(text):
        if match["digits"]:
            value = float(match["digits"].replace(",", ""))
            if match["suffix"]:
                value *= _SUFFIX_SCALES[match["suffix"].lower()]
        else:
            words = match["words"] or ""
            if words.lower() in ("one", "single") and not match["unit"]:
                continue  # "one of", "the one": too ambiguous without a unit
            parsed = words_to_number(words)
            if parsed is None:
                continue
            value = parsed
        unit = ""
        scale = SCALE_WORDS.get((match["unit"] or "").lower()) if match["digits"] else None
        if scale:  # "300 million km": a scale, not the unit
            value *= scale
        if match["pct"]:
            unit = "%"
        elif match["cur"]:
            unit = _CURRENCY[match["cur"]]
        elif match["unit"] and not scale:
            unit = match["unit"].lower()
            rate = _PER_RE.match(text, match.end("unit"))  # "3 meters per second": a speed
            if rate and unit in _SPEED_UNITS:
                unit = _SPEED_UNITS[unit] + ("/s" if rate.group(1).lower().startswith("s") else "/h")
                unit = "mph" if unit == "mi/h" else unit
        end = match.end("unit") if match["unit"] and not (match["pct"] or match["cur"]) else match.end()
        if match["unit"] and (match["pct"] or match["cur"]):
            end = match.end("pct") if match["pct"] else match.end("digits")
        start = (
            match.start("cur")
            if match["cur"]
            else match.start("digits")
            if match["digits"]
            else match.start("words")
        )
        num_end = (
            match.end("suffix")
            if match["suffix"]
            else match.end("digits")
            if match["digits"]
            else match.end("words")
        )
        if match["pct"]:
            num_end = match.end("pct")
        if value > 0 and _BELOW_ZERO_RE.match(text, max(end, num_end)):
            value = -value  # "120 m below sea level", "5 below zero"
        half = _AND_A_HALF_RE.match(text, num_end)
        if half:  # "7 and a half hours": 7.5 hours
            value += 0.5
            unit = (half.group(1) or "").lower()
            end = num_end = half.end()
        found.append(Mention("number", value, start, max(end, num_end), text[start:num_end], unit))
    return found


_AND_A_HALF_RE = re.compile(r"\s+and\s+a\s+half(?:\s+([a-zA-Z]+))?\b", re.I)
_BELOW_ZERO_RE = re.compile(r"\s*(?:below|under)\s+(?:sea level|zero)\b", re.I)


def find_quoted(text: str) -> list[Mention]:
    found = []
    for match in QUOTED_RE.finditer(text):
        group = next(i for i in range(1, 5) if match.group(i) is not None)
        value = match.group(group).strip().rstrip(".,;")
        if value:
            found.append(Mention("quoted", value, match.start(), match.end(), match.group(0)))
    return found


def find_pattern(text: str, kind: str, pattern: re.Pattern[str]) -> list[Mention]:
    return [Mention(kind, m.group(0), m.start(), m.end(), m.group(0)) for m in pattern.finditer(text)]


def find_capitalised(text: str) -> list[Mention]:
    """Capitalised spans ("New York", "Jane Smith"), skipping the sentence-initial word alone."""
    found = []
    for match in CAPITALISED_RE.finditer(text):
        value = re.sub(r"\s+I(?:['’][a-z]+)?$", "", match.group(0).rstrip(".'"))  # "from QuickShopz I didn't make"
        before = text[: match.start()].rstrip()
        sentence_start = not before or before[-1] in '.!?:"“'
        owner = re.match(r"(\w+)['’]s$", value)
        if sentence_start and " " not in value and not (owner and owner.group(1).lower() not in _NOT_OWNERS):
            continue  # (a possessive is a name wherever it stands: "Jake's birthday"; "It's" is no possessive)
        if sentence_start and " " in value:
            first, rest = value.split(" ", 1)
            if first.lower() in SENTENCE_STARTERS:
                joint = re.match(r"(?:the|of|&)\s+", rest)  # "Is the Target on 5th Ave open?": "Target"
                value = rest[joint.end():] if joint else rest
                start = match.start() + len(first) + 1 + (joint.end() if joint else 0)
                found.append(Mention("span", value, start, start + len(value), value))
                continue
        if value in ("I", "I'm", "I'd", "I'll", "I've"):
            continue
        found.append(Mention("span", value, match.start(), match.start() + len(value), value))
    return found


_NOT_OWNERS = frozenset({"it", "that", "what", "here", "there", "let", "he", "she", "who", "where", "how", "when",
                         "why", "this", "today", "tomorrow", "everyone", "everybody", "nobody", "somebody", "one"})
SENTENCE_STARTERS = {
    "please", "can", "could", "would", "will", "what", "what's", "whats", "how", "when", "where", "who",
    "which", "why", "is", "are", "do", "does", "did", "tell", "show", "find", "get", "give", "i", "i'm",
    "hey", "hi", "hello", "ok", "okay", "yes", "no", "and", "also", "then", "now", "let's", "set", "add",
    "book", "play", "search", "send", "create", "make", "check", "look", "remind", "call", "my", "the",
    "rent", "order", "rate", "compare", "convert", "invite", "turn", "run", "open", "put", "schedule", "deliver",
    "start", "stop", "text", "email", "translate", "upload", "rename", "cancel", "track", "register", "donate",
    "share", "post", "block", "pause", "refund", "assign", "buy", "reserve", "list", "update", "delete", "remove",
    "mute", "unmute", "silence", "snooze", "launch", "close", "quit", "restart", "install", "uninstall",
    "onboard", "approve", "poll", "bump", "expense", "log", "reassign", "move", "swap",
}  # fmt: skip


def find_literals(text: str) -> list[Mention]:
    """JSON (or Python-literal) arrays and objects written in the text: ``[{"id": 1}, ...]``."""
    found: list[Mention] = []
    position = 0
    while True:
        starts = [i for i in (text.find("[", position), text.find("{", position)) if i >= 0]
        if not starts:
            return found
        start = min(starts)
        end = _balanced_end(text, start)
        if end is None:
            position = start + 1
            continue
        literal = text[start:end]
        value: Any = None
        try:
            value = json.loads(literal)
        except ValueError:
            try:
                value = ast.literal_eval(literal)
            except (ValueError, SyntaxError, MemoryError, RecursionError):
                value = None
        if isinstance(value, list | dict) and value:
            found.append(Mention("json", value, start, end, literal))
            position = end
        else:
            position = start + 1


def _balanced_end(text: str, start: int) -> int | None:
    pairs = {"[": "]", "{": "}"}
    stack: list[str] = []
    quote: str | None = None
    escaped = False
    for i in range(start, min(len(text), start + 20_000)):
        ch = text[i]
        if quote:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == quote:
                quote = None
        elif ch in "\"'":
            quote = ch
        elif ch in pairs:
            stack.append(pairs[ch])
        elif stack and ch == stack[-1]:
            stack.pop()
            if not stack:
                return i + 1
    return None


_LIST_WORD = r"[\"“'‘]?[\w’&\-/]+(?:['.][\w]+)*[\"”'’]?"
_LIST_FIRST = rf"(?<![@#\w]){_LIST_WORD}(?:[ \t]+{_LIST_WORD}){{0,5}}"  # ("@sam, labels bug and auth": no "sam")
_LIST_ITEM = rf"(?!(?:and|or)\b){_LIST_WORD}(?:[ \t]+{_LIST_WORD}){{0,3}}"
LIST_RE = re.compile(rf"({_LIST_FIRST})((?:\s*,\s*{_LIST_ITEM})*)\s*,?\s+(?:and|or|&)\s+({_LIST_ITEM})")
_LIST_STOP = {
    "the", "a", "an", "my", "our", "your", "their", "some", "of", "on", "in", "at", "for", "to", "from",
    "with", "by", "about", "is", "are", "be", "include", "including", "like", "such", "as", "and", "or",
    "i", "we", "you", "want", "need", "use", "using", "both", "either", "also", "then", "it", "that", "this",
    "via", "through", "into", "these", "those", "only", "just", "than", "but", "so", "if", "was", "were",
    "have", "has", "had", "am", "do", "does", "will", "would", "can", "could", "should", "please",
}  # fmt: skip
_NUMBER_WORD_RE = re.compile(r"^[-+]?\d+(?:[.,]\d+)?%?$")


def _is_capitalised(item: str) -> bool:
    return item[:1].isupper() or item[:1].isdigit()


def _clean_list(first: str, middle: list[str], last: str) -> list[str] | None:
    """Trim a raw "A, B and C" match to its items, or None when it is not a list of values."""
    last_words: list[str] = []
    said = last.split()
    while len(said) > 1 and said[0].lower() in ("a", "an", "some"):
        said = said[1:]  # "eggs, milk and some sourdough bread": the last item is "sourdough bread"
    for word in said:
        if word.lower() in _LIST_STOP:
            break
        last_words.append(word)
    if not last_words or any(w.lower() in _LIST_STOP - {"of"} for m in middle for w in m.split()):
        return None
    if _NUMBER_WORD_RE.match(last_words[0]):  # "ages 5, 7 and 9": numbers only
        numbers = [w for item in (first, *middle) for w in item.split()[-1:] if _NUMBER_WORD_RE.match(w)]
        return [*numbers, last_words[0]] if numbers else None
    first_words = first.split()
    for i in range(len(first_words) - 1, -1, -1):
        if first_words[i].lower() in _LIST_STOP:
            first_words = first_words[i + 1 :]
            break
    if all(_is_capitalised(o) for o in [*middle, last_words[0]]):
        tail: list[str] = []
        for word in reversed(first_words):
            if not _is_capitalised(word):
                break
            tail.insert(0, word)
        if len(tail) > 1 and tail[0].lower() in SENTENCE_STARTERS:
            tail = tail[1:]  # "Compare TSLA and F": the verb opening the sentence is no item
        first_words = tail or first_words
    others = [*middle, " ".join(last_words)]
    width = max(len(o.split()) for o in others)
    first_words = first_words[-(width + 1) :]
    if not first_words:
        return None
    widest_before = max(len(first_words), *(len(m.split()) for m in middle)) if middle else len(first_words)
    if len(last_words) > widest_before and not all(_is_capitalised(w) for w in last_words):
        last_words = last_words[:widest_before]  # "smoky and spicy flavors": the head noun is shared
    items = [" ".join(first_words), *middle, " ".join(last_words)]
    return [i.rstrip(".").strip("\"“”'‘’") for i in items]


def find_lists(text: str) -> list[Mention]:
    """Coordinated lists: "Springfield, Oakridge, and Eugene", "mobile, tablet and desktop"."""
    found: list[Mention] = []
    position = 0
    while True:
        match = LIST_RE.search(text, position)
        if match is None:
            return found
        middle = [m.strip() for m in match.group(2).split(",") if m.strip()]
        items = _clean_list(match.group(1), middle, match.group(3))
        if items is None or not all(items):
            position = match.start(1) + max(1, len(match.group(1).split()[0]))  # retry further on
            continue
        start = text.find(items[0], match.start())
        start = match.start(1) if start < 0 else start
        last_at = text.find(items[-1], max(start, match.start(3)))
        end = match.end(3) if last_at < 0 else last_at + len(items[-1])
        found.append(Mention("list", items, start, end, text[start:end]))
        position = end
