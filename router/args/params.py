"""What a schema parameter is, as far as extraction cares: its kind, role and cue words."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from router.args.dates import format_hint

_CAMEL_RE = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")
_EXAMPLES_RE = re.compile(
    r"\((?:e\.g\.?|eg|i\.e\.?|such as|for example|like|options?\b(?: are| include)?|one of)[,:]?\s*([^)]*)\)?",
    re.I,
)
_EXAMPLES_TAIL_RE = re.compile(
    r"(?:e\.g\.?|such as|for example|optional values|possible values|options include|options are|"
    r"choices include|choices are|one of|either)[,:]?\s+([^.;]*)",
    re.I,
)
_CUE_STOP = {
    "the", "of", "a", "an", "to", "for", "in", "on", "by", "is", "are", "be", "get", "set", "include",
    "includes", "including", "enable", "enabled", "use", "with", "has", "have", "should", "whether",
    "and", "or", "num", "str", "val", "value", "param", "flag", "do", "if", "opt", "option", "show",
}  # fmt: skip
LOCATION_WORDS = {
    "city", "location", "place", "destination", "origin", "address", "country", "region", "area", "town",
    "state", "venue", "where", "from", "to", "departure", "arrival", "spot", "poi", "geographic", "pickup", "dropoff",
    "tz", "timezone",
}  # fmt: skip
TEXT_WORDS = {
    "query", "text", "message", "content", "keyword", "keywords", "search", "prompt", "question", "q",
    "body", "term", "terms", "sentence", "phrase", "input", "request", "topic", "subject", "note",
}  # fmt: skip
NAME_WORDS = {
    "name",
    "username",
    "user",
    "person",
    "artist",
    "author",
    "contact",
    "recipient",
    "attendee",
    "owner",
    "team",
    "league",
    "player",
    "athlete",
    "actor",
    "actress",
    "celebrity",
    "politician",
    "club",
    "brand",
    "company",
    "organization",
    "channel",
}
TITLE_WORDS = {"title", "song", "track", "album", "book", "movie", "film", "show", "series", "podcast", "episode",
               "playlist", "novel", "poem", "game"}  # fmt: skip
CREATOR_WORDS = frozenset({"artist", "author", "singer", "band", "composer", "director", "creator", "writer",
                           "painter", "performer"})  # fmt: skip
# a place named by its name ("a table at Nopa"): a name, not a location to search around
VENUE_WORDS = frozenset({"restaurant", "hotel", "store", "shop", "cafe", "bar", "venue", "gym", "salon", "clinic",
                         "hospital", "museum", "theater", "theatre", "cinema", "school", "company", "business",
                         "airline", "bank", "pharmacy", "library", "park", "stadium", "course", "resort",
                         "merchant", "vendor", "seller", "retailer", "competitor"})
CODE_WORDS = frozenset({"zip", "zipcode", "postal", "postcode", "path", "filepath", "filename", "file"})  # codes, paths
PRODUCT_WORDS = frozenset({"product", "brand", "model", "app", "application", "service"})  # (app_version is a version)  # "the price of AirPods Pro": a product is named
# who something goes to: "send €50 to Maria", "assign ticket #4821 to Carlos"
PAYEE_WORDS = frozenset({"recipient", "receiver", "payee", "beneficiary", "addressee", "assignee", "contact",
                         "charity", "organization", "organisation"})
RECIPIENT_WORDS = {"to", "cc", "bcc", "recipient", "receiver", "addressee"}
IDENT_WORDS = {"id", "code", "number", "no", "isbn", "sku", "token", "key", "identifier", "ref", "reference"}
EXPRESSION_WORDS = {"formula", "expression", "equation", "calculation", "math", "arithmetic"}
SYMBOL_WORDS = {"symbol", "ticker", "iata", "icao", "abbreviation", "acronym", "currency", "airport"}


SAME_AS = {"income": ("salary", "earning", "wage"), "salary": ("income", "wage"),
            "direct": ("nonstop", "non-stop")}  # said in other words
_COMPOUND_PARTS = {"username": "user", "userid": "user", "filename": "file", "hostname": "host"}


def split_words(name: str) -> list[str]:
    """ "maxResults" -> ["max", "results"], "start_time" -> ["start", "time"]."""
    return [w.lower() for w in _CAMEL_RE.findall(name)]


def singular(word: str) -> str:
    if word in ("species", "series"):
        return word
    if len(word) > 3 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):  # status, analysis
        return word[:-1]
    return word


@dataclass(frozen=True)
class Param:
    """One property of a tool's parameter schema, described for the extractors."""

    name: str
    schema: dict[str, Any]
    required: bool
    kind: str  # enum, boolean, integer, number, date, email, url, phone, array, object, string
    role: str  # for strings: location, text, name, ident, secret, expression, generic
    cues: tuple[str, ...]  # singular lower-case words of the name
    description: str
    examples: tuple[str, ...]  # example values listed in the description ("e.g., wheat, rice")
    date_format: str | None  # strftime pattern from the description, if any
    date_raw: bool = False  # dates "as said by the user": keep the words ("tomorrow"), no ISO
    aliases: tuple[str, ...] = ()  # other spellings of the name ("username" for user_name, "user")

    @property
    def cue_words(self) -> tuple[str, ...]:
        """Words whose presence near a value says "this is the value of this parameter" (never a bare number: the
        "2" of ``x2`` numbers the parameter, it is not said before its value)."""
        return tuple(c for c in (*self.cues, *self.aliases) if not c.isdigit())

    @property
    def enum(self) -> list[Any]:
        return list(self.schema.get("enum") or [])


def schema_type(schema: dict[str, Any]) -> str:
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "string")
    if kind is None:
        if "enum" in schema:
            return "string"
        if "properties" in schema:
            return "object"
        if "items" in schema:
            return "array"
        for key in ("anyOf", "oneOf"):
            for option in schema.get(key) or []:
                if isinstance(option, dict) and option.get("type") not in (None, "null"):
                    return schema_type(option)
        return "string"
    return str(kind)


def _examples(description: str) -> tuple[str, ...]:
    match = _EXAMPLES_RE.search(description) or _EXAMPLES_TAIL_RE.search(description)
    if not match:
        return ()
    items = re.split(r",|\bor\b|\band\b|/|\betc\b", match.group(1))
    cleaned = [i.strip().strip("'\"`.()’‘").strip() for i in items]
    return tuple(i for i in cleaned if i and len(i) <= 40 and i.lower() not in ("etc", "etc."))


_SHORT_WORDS = frozenset({"id", "url", "uri", "ip", "zip", "tag", "day", "age", "key", "sku", "pin", "to", "from",
                          "max", "min", "top", "new", "old", "end", "sum", "tax", "fee", "pet", "car", "bus", "app",
                          "job", "vat", "art", "gas", "tip", "way", "row", "map", "fax", "sex", "cvv", "pdf", "lang",
                          "city", "name", "date", "time", "year", "week", "text", "size", "unit", "mode", "type",
                          "page", "sort", "rate", "code", "kind", "tone", "note", "body", "days", "hour", "area"})
_DESCRIBED_STOP = frozenset({"the", "a", "an", "of", "to", "in", "for", "what", "which", "that", "this", "is", "be",
                             "e", "g", "eg", "ie", "optional", "required", "default", "two", "letter", "iso"})


def _described_words(name: str, description: str) -> list[str]:
    """For a name of short, cryptic words ("q", "cc", "amt", "bv"), the words of its description's first clause
    (at most four, singular): what the parameter is, said in full ("Search query", "ISO country code")."""
    parts = [w for w in split_words(name) if w not in ("from", "to", "min", "max")]
    if any(len(w) > 3 or w in _SHORT_WORDS for w in parts) or not description:
        return []  # (a name that is only "to" or "from" is explained by its description too)
    clause = re.split(r"[,.;(]|\be\.g\b", description, maxsplit=1)[0].lower()
    said = [singular(w) for w in re.findall(r"[a-z]+", clause) if w not in _DESCRIBED_STOP]
    return said[:4]


def describe(name: str, schema: dict[str, Any], required: bool, topic: frozenset[str] = frozenset()) -> Param:
    """``topic``: the tool name's words ("send_email" makes a ``to`` parameter an email address)."""
    kind = schema_type(schema)
    description = str(schema.get("description") or "")
    words = [singular(w) for w in split_words(name)]
    if kind != "boolean":  # ("on" for a switch is its own word)
        words += [w for w in _described_words(name, description) if w not in words]  # "q": "Search query"
    cues = tuple(dict.fromkeys(w for w in words if w not in _CUE_STOP)) or tuple(words)
    aliases: tuple[str, ...] = (
        ("".join(words),) if len(words) > 1 else ()
    )  # "user_name" is also written "username"
    aliases += tuple(_COMPOUND_PARTS[w] for w in (*cues, *aliases) if w in _COMPOUND_PARTS)
    aliases += tuple(s for w in cues for s in SAME_AS.get(w, ()))
    aliases += tuple(w[:-4] for w in cues if w.endswith("ship") and len(w) > 7)  # citizenship: "a Canadian citizen"
    if len(words) > 1 and words[0] in ("with", "for", "by"):  # with_person: "a meeting with Dana"
        aliases += (words[0],)
    lowered = f"{name} {description}".lower()
    fmt = str(schema.get("format") or "")
    hint = format_hint(description)
    if "enum" in schema and kind in ("string", "integer", "number"):
        kind = "enum"
    elif kind == "string":
        if fmt in ("date", "date-time", "time") or hint or _is_date_name(words, description):
            kind = "date"
        elif fmt in ("email", "idn-email") or "email" in words or "e-mail" in lowered or (
                set(words) & RECIPIENT_WORDS and topic & {"email", "mail", "e-mail"}):
            kind = "email"
        elif fmt in ("uri", "url", "iri", "uri-reference") or {
            "url",
            "uri",
            "link",
            "website",
            "homepage",
        } & set(words):
            kind = "url"
        elif {"phone", "telephone", "mobile", "tel"} & set(words):
            kind = "phone"
    role = "generic"
    word_set = set(words)
    if kind == "string":
        if word_set & {"password", "passcode", "pin", "secret"}:
            role = "secret"
        elif word_set & EXPRESSION_WORDS:
            role = "expression"
        elif "currency" in word_set or word_set & CODE_WORDS or {"code"} <= word_set:  # from_currency, country_code
            role = "ident"
        elif (word_set & LOCATION_WORDS or "location" in description.lower()[:60]
              or words in (["start"], ["end"])):  # get_directions(start, end): places
            role = "location"
        elif word_set & TEXT_WORDS:
            role = "text"
        elif word_set & IDENT_WORDS or word_set & SYMBOL_WORDS:
            role = "ident"
        elif word_set & (NAME_WORDS | CREATOR_WORDS | TITLE_WORDS | PAYEE_WORDS | PRODUCT_WORDS) and not (
                word_set & {"version", "release", "build"}) or (
                word_set & VENUE_WORDS and not word_set & {"type", "kind", "category"}):
            role = "name"
    raw = kind == "date" and not fmt and not hint and bool(_AS_SAID_RE.search(description))
    return Param(
        name, schema, required, kind, role, cues, description, _examples(description), hint, raw, aliases
    )


_AS_SAID_RE = re.compile(r"\b(?:as said|as spoken|as written|verbatim|as the user (?:said|wrote))\b", re.I)


def _is_date_name(words: list[str], description: str) -> bool:
    date_words = {"date", "day", "deadline", "birthday", "datetime", "timestamp", "when", "dob"}
    if set(words) & date_words or (words and words[-1] == "time"):
        return True
    return bool(re.search(r"\b(?:date|YYYY|ISO 8601)\b", description))


def describe_object(schema: dict[str, Any], topic: frozenset[str] = frozenset()) -> list[Param]:
    """The properties of an object schema, in schema order (``topic``: see ``describe``); remembered per schema
    text, since a client sends the same tools with every request."""
    try:
        key = json.dumps(schema)  # (in schema order: positions count)
    except (TypeError, ValueError):
        return _describe_object(schema, topic)
    return list(_described(key, topic))


@lru_cache(maxsize=2048)
def _described(key: str, topic: frozenset[str]) -> tuple[Param, ...]:
    return tuple(_describe_object(json.loads(key), topic))


def _describe_object(schema: dict[str, Any], topic: frozenset[str]) -> list[Param]:
    properties = schema.get("properties") or {}
    required = set(schema.get("required") or [])
    return [
        describe(name, sub if isinstance(sub, dict) else {}, name in required, topic)
        for name, sub in properties.items()
    ]
