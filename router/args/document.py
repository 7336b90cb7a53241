"""One searched text: its tokens and its typed mentions, with overlaps resolved by priority."""

from __future__ import annotations

import bisect
import datetime as dt
import re
from dataclasses import dataclass, field

from router.args.dates import find_dates
from router.args.mentions import (
    ACRONYM_RE,
    EMAIL_RE,
    FILENAME_RE,
    IDENT_RE,
    IP_RE,
    PHONE_RE,
    URL_RE,
    Mention,
    find_capitalised,
    find_lists,
    find_literals,
    find_numbers,
    find_pattern,
    find_quoted,
)
from router.args.params import singular

_TOKEN_RE = re.compile(r"[\w][\w'’.@+-]*[\w]|[\w]|[^\w\s]")
_PRIORITY = (
    "json",
    "quoted",
    "url",
    "email",
    "phone",
    "datetime",
    "date",
    "time",
    "number",
    "ident",
    "acronym",
)
_NUMBERED_RE = re.compile(r"(?<![\w#-])#\d{3,}\b|(?<![\w-])\d{2,}(?:-\d{2,})+(?![\w-])")
_CARD_RE = re.compile(r"(?<![\w-])\d{4}(?:[ -]\d{4}){3}(?![\w-])")
_NOT_ACRONYMS = {"I", "OK", "AM", "PM", "ID", "URL", "API", "FAQ", "ASAP", "PS", "TV", "AI"}
_TYPED_INSIDE_QUOTES = {"email": EMAIL_RE, "url": URL_RE, "phone": PHONE_RE}


def _typed_inside(quoted: Mention, ref: dt.date) -> list[Mention]:
    """A quoted value that is wholly an email, URL, phone, date or number also counts as one."""
    value = quoted.value
    for kind, pattern in _TYPED_INSIDE_QUOTES.items():
        if pattern.fullmatch(value):
            return [Mention(kind, value, quoted.start, quoted.end, quoted.text)]
    dates = find_dates(value, ref)
    if len(dates) == 1 and dates[0].start == 0 and dates[0].end == len(value):
        d = dates[0]
        return [Mention(d.kind, d.value, quoted.start, quoted.end, quoted.text)]
    numbers = find_numbers(value)
    if len(numbers) == 1 and numbers[0].start == 0 and numbers[0].end == len(value):
        n = numbers[0]
        return [Mention("number", n.value, quoted.start, quoted.end, value, n.unit)]
    return []


@dataclass
class Document:
    """A text prepared for extraction; build with :func:`Document.parse`."""

    text: str
    token_starts: list[int]
    token_ends: list[int]
    words: list[str]  # lower-case singular form of each token
    mentions: dict[str, list[Mention]] = field(default_factory=dict)
    spans: list[Mention] = field(default_factory=list)  # capitalised spans (free-text candidates)
    lists: list[Mention] = field(default_factory=list)  # coordinated lists ("A, B and C")

    @classmethod
    def parse(cls, text: str, ref: dt.date) -> Document:
        tokens = list(_TOKEN_RE.finditer(text))
        words = [singular(t.group(0).lower().rstrip(".")) for t in tokens]
        found: list[Mention] = []
        found += find_literals(text)
        found += find_quoted(text)
        found += find_pattern(text, "url", URL_RE)
        found += find_pattern(text, "email", EMAIL_RE)
        found += find_pattern(text, "ident", IP_RE)
        found += find_pattern(text, "ident", FILENAME_RE)
        found += find_pattern(text, "phone", PHONE_RE)
        found += find_dates(text, ref)
        found += find_numbers(text)
        found += find_pattern(text, "ident", IDENT_RE)
        found += find_pattern(text, "ident", _NUMBERED_RE)  # "#48213", "55-1234"
        cards = find_pattern(text, "ident", _CARD_RE)  # "6006 4912 3456 7890" is no phone number
        found = [m for m in found if not (m.kind in ("phone", "number") and any(c.overlaps(m) for c in cards))] + cards
        found += [m for m in find_pattern(text, "acronym", ACRONYM_RE) if m.text not in _NOT_ACRONYMS]
        kept: list[Mention] = []
        for quoted in [m for m in found if m.kind == "quoted"]:  # phone "555-123-4567": typed too
            kept.extend(_typed_inside(quoted, ref))
        for mention in sorted(found, key=lambda m: _PRIORITY.index(m.kind)):
            clash = [k for k in kept if k.overlaps(mention)]
            # a value inside quotes stays part of the quoted string; otherwise first kind wins
            if not clash:
                kept.append(mention)
        by_kind: dict[str, list[Mention]] = {}
        for mention in sorted(kept, key=lambda m: m.start):
            by_kind.setdefault(mention.kind, []).append(mention)
        spans = [
            s
            for s in find_capitalised(text)
            # a capitalised number word belongs to the name: "Dune Part Two"
            if not any(k.overlaps(s) and k.kind not in ("ident", "acronym") and not (k.kind == "number"
                                                                                    and k.text[:1].isupper())
                       for k in kept)
        ]
        whole = by_kind.get("json", []) + by_kind.get("email", []) + by_kind.get("url", [])  # no list inside these
        lists = [m for m in find_lists(text) if not any(j.overlaps(m) for j in whole)]
        return cls(text, [t.start() for t in tokens], [t.end() for t in tokens], words, by_kind, spans, lists)

    def of(self, *kinds: str) -> list[Mention]:
        return [m for k in kinds for m in self.mentions.get(k, [])]

    def token_index(self, char: int) -> int:
        return max(0, bisect.bisect_right(self.token_starts, char) - 1)

    def cue_positions(self, cues: tuple[str, ...]) -> list[int]:
        wanted = set(cues)
        return [i for i, w in enumerate(self.words) if w in wanted]

    def distance(self, cue_positions: list[int], start: int, end: int) -> int | None:
        """Tokens between the nearest cue word and the span (a cue after the span costs one more)."""
        if not cue_positions:
            return None
        first = self.token_index(start)
        last = self.token_index(max(start, end - 1))
        best: int | None = None
        for c in cue_positions:
            if first <= c <= last:
                d = 0
            elif c < first:
                d = first - c - 1
            else:
                d = c - last
            best = d if best is None else min(best, d)
        return best
