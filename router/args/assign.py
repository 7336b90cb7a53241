"""Candidates for every parameter, and the greedy assignment that picks one value per parameter."""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from typing import Any

from router.args.countries import country_candidates
from router.args.document import Document
from router.args.extractors import (
    AFFIRMATION_RE,
    MONEY_WORDS,
    Candidate,
    boolean_value,
    date_candidates,
    enum_candidates,
    house_numbers,
    labelled_as_other,
    language_candidates,
    proximity,
    request_content,
    string_candidates,
    typed_candidates,
)
from router.args.leftovers import fill_leftovers
from router.args.mentions import SENTENCE_STARTERS
from router.args.numbers import number_candidates
from router.args.params import (
    RECIPIENT_WORDS,
    TITLE_WORDS,
    VENUE_WORDS,
    Param,
    describe,
    singular,
    split_words,
)
from router.args.validate import SchemaCheck, coerce
from router.args.values import counted_things, shaped_values

OPTIONAL_MIN_SCORE = 0.6  # evidence an optional value needs (at least the caller's min_score)
TURN_DECAY = 0.8  # score factor per user turn back


def asked_params(params: list[Param], question: str) -> set[str]:
    """Parameters the assistant just asked about ("Which region should I focus on?")."""
    if not question:
        return set()
    # "I need the token first. What is your username and password?" asks for the last two only
    asking = [s for s in re.split(r"(?<=[.!?])\s+", question) if s.rstrip().endswith("?")]
    text = " ".join(asking) if asking else question
    words = {w.rstrip("s") for w in re.findall(r"[a-z]+", text.lower())}
    asked = {p.name for p in params if any(c.rstrip("s") in words for c in p.cues)}
    # "Which account should it go to?" asks for to_account, not from_account
    side = "to" if re.search(r"\bto\?*$|\b(?:go|send|move|transfer)\b.*\bto\b", text.rstrip(" ?"), re.I) else (
        "from" if re.search(r"\bfrom\b", text, re.I) else "")
    ends = {p.name: set(split_words(p.name)) & {"from", "to"} for p in params if p.name in asked}
    if side and any(side in e for e in ends.values()):
        asked = {name for name in asked if not ends[name] or side in ends[name]}
    return asked


def _candidates(doc: Document, param: Param, asked: bool, answer: bool = True) -> list[Candidate]:
    """Every candidate value of ``param`` in ``doc``; an ``asked`` parameter's candidates count more, and (with
    ``answer``: the last turn only) a short reply is itself a candidate ("Lisbon" to "Which city?")."""
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
        found = string_candidates(doc, param) + shaped_values(doc, param)
        if "country" in param.cues and param.role == "ident":  # "in Germany" for country_code: "DE"
            found += country_candidates(doc, param)
        if asked and answer:
            rest = answer_value(request_content(doc.text), param)
            if rest and len(rest.split()) <= 6 and not AFFIRMATION_RE.match(rest):
                start = doc.text.find(rest)
                found.append(Candidate(rest, start, start + len(rest), 0.5, "span"))
    elif kind == "array":
        found = _json_candidates(doc, param) or _array_candidates(doc, param)
    elif kind == "object":
        found = _json_candidates(doc, param) or _name_amounts(doc, param)
    else:
        found = []
    if asked:
        for c in found:
            c.score += 0.4
    if kind in ("string", "enum", "integer", "number", "boolean"):  # dates keep their own reading
        found += _written_by_name(doc, param)
    return found


def _written_by_name(doc: Document, param: Param) -> list[Candidate]:
    """ "city=Paris", "unit: F", 'client="Acme Corp"', "due days: 30": a value written after the parameter's own
    name and "=" or ":" (the developer's way of asking)."""
    if "=" not in doc.text and ":" not in doc.text:
        return []
    found = []
    for said in _by_name_pattern(param.name).finditer(doc.text):
        group = next(i for i in (1, 2, 3) if said.group(i) is not None)
        found.append(Candidate(said.group(group).strip(), said.start(group), said.end(group), 2.5, "span"))
    return found


@lru_cache(maxsize=4096)
def _by_name_pattern(name: str) -> re.Pattern[str]:
    """ "<name> = value" / "<name>: value" for one parameter name (also written with spaces for "_")."""
    names = {re.escape(name), r"[\s_-]?".join(re.escape(w) for w in split_words(name))}
    return re.compile(rf"(?<![\w.])(?:{'|'.join(sorted(names, key=len, reverse=True))})\s*[=:]\s*"
                      r"(?:\"([^\"]*)\"|'([^']*)'|([^,;)\s\"'][^,;)\n\"]*?)(?=\s*(?:[,;)\n]|$|\s+\w+\s*[=:])))",
                      re.I)


_YES_NO_RE = re.compile(r"^(?:(yes|yeah|yep|yup|sure|please do|of course|definitely|ok|okay)|(no|nope|nah|don't|do not|"
                        r"not really))\b", re.I)
_ANSWER_LEAD_RE = re.compile(
    r"^(?:(?:i'?m|i am|we'?re|we are|i live|we live|i'?ll be|we'?ll be|it'?s|it is)\s+"
    r"(?:currently\s+|now\s+|based\s+|staying\s+)?(?:in|at|near|from)\s+"
    r"|(?:the one|the station|the store|the place)\s+(?:at|on|in|near|by)\s+)",  # "The one at Union Square"
    re.I,
)
_ANSWER_TAIL_RE = re.compile(r"\s*(?:,\s*)?\b(?:if (?:it'?s|that'?s|possible|available|you can)|please|thanks?)\b.*$",
                             re.I)  # "14A if it's free"
_ANSWER_LINKS = frozenset({"on", "in", "at", "to", "for", "is", "are", "of", "would", "should"})


def answer_value(rest: str, param: Param) -> str:
    """The value in a short answer to the assistant's question: "I'm currently in Lisbon" -> "Lisbon",
    "focus on Europe" (for region_focus) -> "Europe"."""
    rest = _ANSWER_TAIL_RE.sub("", _ANSWER_LEAD_RE.sub("", rest)) or rest
    words = rest.split()
    lead = 0
    while lead < len(words) and singular(words[lead].lower().strip(",.:")) in param.cue_words:
        lead += 1
    if 0 < lead < len(words) - 1 and words[lead].lower() in _ANSWER_LINKS:
        return " ".join(words[lead + 1 :])
    return rest


_AMOUNT_TO_NAME_RE = re.compile(r"(\d+(?:\.\d+)?)\s+(?:to|for|on|into)\s+([A-Z][\w&-]*(?:\s[A-Z][\w&-]*)?)")


def _name_amounts(doc: Document, param: Param) -> list[Candidate]:
    """ "Ana paid 120, Ben paid 45 and Chloe paid 80" for a map of names to numbers (an object whose only
    properties are ``additionalProperties`` of a number type): {"Ana": 120, "Ben": 45, "Chloe": 80}."""
    extra = param.schema.get("additionalProperties")
    if param.schema.get("properties") or not isinstance(extra, dict) or extra.get("type") not in ("number", "integer"):
        return []
    pairs: dict[str, Any] = {}
    start = None
    for said in _AMOUNT_TO_NAME_RE.finditer(doc.text):  # "40 to Groceries and 25 to Household": the amount first
        value = float(said.group(1))
        pairs[said.group(2)] = int(value) if value == int(value) else value
        start = said.start() if start is None else start
    if len(pairs) < 2:
        numbers = doc.of("number")
        pairs, start = {}, None
        for name in re.finditer(r"\b[A-Z][a-z]+(?:\s[A-Z][a-z]+)?\b", doc.text):  # a sentence's first word too
            after = next((m for m in numbers if m.start >= name.end()), None)
            if (name.group(0).split()[0].lower() in SENTENCE_STARTERS or after is None
                    or len(re.findall(r"\w+", doc.text[name.end() : after.start])) > 3):
                continue  # the name's own amount follows it closely ("Ben paid 45", "Chloe: 80")
            pairs[name.group(0)] = int(after.value) if after.value == int(after.value) else after.value
            start = name.start() if start is None else start
    if len(pairs) < 2 or start is None:
        return []
    return [Candidate(pairs, start, len(doc.text), 0.9, "span")]


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
    if item.kind == "object":
        return _counted_objects(doc, items)
    if item.kind == "array":
        return []
    found = _list_candidates(doc, param, item, items) + _excepted(doc, param, item)
    emails = doc.of("email")
    if len(emails) > 1 and item.kind in ("string", "email") and (
            item.kind == "email" or set(param.cues) & (RECIPIENT_WORDS | _PEOPLE_WORDS)):
        found.append(Candidate([e.value for e in emails], emails[0].start, emails[-1].end, 0.9, "email"))
    if item.kind == "string":
        coded = _aggregate(language_candidates(doc, item)) if item.cues and item.cues[-1] in (
            "language", "lang", "locale") else []  # "I speak English and Portuguese": ["en", "pt"]
        for c in coded:
            c.score += 0.5
        return found + coded + _quoted_runs(doc, param) + _aggregate(_list_after_cue(doc, param))
    return found + _aggregate(_candidates(doc, item, False))


_EXCLUDE_WORDS = frozenset({"exclude", "excluding", "except", "exception", "skip", "ignore", "blacklist", "omit",
                            "excluded", "without", "blocked", "block"})
_EXCEPT_RE = re.compile(r"\b(?:except(?: for)?|excluding|but not|other than|besides|apart from|without)\s+"
                        r"((?:the\s+)?[^,.;!?]+?(?:(?:,\s*|\s+(?:and|or)\s+)[^,.;!?]+?)*)(?=[.;!?]|$)", re.I)


def _excepted(doc: Document, param: Param, item: Param) -> list[Candidate]:
    """ "all subscribers except Canada and Mexico" for exclude: ["Canada", "Mexico"]."""
    if item.kind != "string" or not set(split_words(param.name)) & _EXCLUDE_WORDS:
        return []
    found = []
    for said in _EXCEPT_RE.finditer(doc.text):
        parts = [re.sub(r"^(?:the|a|an)\s+", "", p.strip(), flags=re.I)
                 for p in re.split(r",\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+", said.group(1))]
        parts = [p for p in parts if p]
        if parts:
            found.append(Candidate(parts, said.start(1), said.end(1), 0.9, "span"))
    return found


_PEOPLE_WORDS = frozenset({"email", "attendee", "invitee", "participant", "guest", "member", "subscriber", "user"})
_ITEM_RE = re.compile(r"\s+((?:(?!(?:and|or|to|for|with|at|from|please|plus|in|on|during|each|per|of)\b)"
                      r"[A-Za-z][\w'-]*\s*){1,4})")


def _counted_objects(doc: Document, items: dict[str, Any]) -> list[Candidate]:
    """ "2 margherita pizzas and 1 caesar salad" for an array of {name, quantity} objects: one object per counted
    thing, when the item has one whole-number property and one text property."""
    props = items.get("properties") or {}
    counts = [k for k, v in props.items() if isinstance(v, dict) and v.get("type") == "integer"]
    texts = [k for k, v in props.items() if isinstance(v, dict) and v.get("type") == "string" and "enum" not in v]
    if len(counts) != 1 or len(texts) != 1 or set(split_words(texts[0])) & {"id", "code", "sku", "type"}:
        return []  # an item's ID or type is never the words after its count
    objects: list[dict[str, Any]] = []
    start: int | None = None
    end = 0
    streets = house_numbers(doc)
    for m in doc.of("number"):
        if m.value != int(m.value) or m.value < 1 or m.start in streets:
            continue
        thing = _ITEM_RE.match(doc.text, m.start + len(m.text))
        if not thing:
            continue
        if objects and not re.fullmatch(r"\s*(?:,|and|plus|&)?\s*(?:and\s+)?", doc.text[end : m.start]):
            break  # the list ended: "... and 1 caesar salad to 12 Elm Street"
        objects.append({texts[0]: thing.group(1).strip(), counts[0]: int(m.value)})
        start = m.start if start is None else start
        end = thing.end(1)
    if not objects or start is None:
        return []
    return [Candidate(objects, start, end, 0.9, "span")]


def _quoted_runs(doc: Document, param: Param) -> list[Candidate]:
    """Runs of adjacent quoted strings ("David Wang", "Amy Chen", and "Erica Liu"), one candidate each."""
    runs: list[list[Candidate]] = []
    for q in doc.of("quoted"):
        gap = doc.text[runs[-1][-1].end : q.start] if runs else ""
        single = Candidate(q.value, q.start, q.end, 0.0, "quoted")
        if runs and re.fullmatch(r"\s*(?:,|and|or|&|,\s*(?:and|or))?\s*", gap):
            runs[-1].append(single)
        else:
            runs.append([single])
    found = []
    for run in runs:
        start, end = run[0].start, run[-1].end
        score = 0.35 + proximity(doc, param, start, end) + (0.2 if len(run) > 1 else 0.0)
        found.append(Candidate([c.value for c in run], start, end, score, "quoted"))
    return found


def _aggregate(singles: list[Candidate]) -> list[Candidate]:
    """All single values of the item type as one array candidate (enum values, emails, numbers)."""
    if not singles:
        return []
    values: list[Any] = []
    seen: set[Any] = set()
    for c in sorted(singles, key=lambda c: c.start):
        # a number may repeat ("3, 1, 4, 1, 5"): one per place in the text; other values once
        key = ("at", c.start, c.end) if _is_number(c.value) else ("value", repr(c.value))
        if key not in seen:
            seen.add(key)
            values.append(c.value)
    best = max(c.score for c in singles)
    start, end = min(c.start for c in singles), max(c.end for c in singles)
    return [Candidate(values, start, end, best, singles[0].source)]


def _list_candidates(doc: Document, param: Param, item: Param, items: dict[str, Any]) -> list[Candidate]:
    """Coordinated lists in the text ("Springfield, Oakridge, and Eugene") as array values."""
    if item.kind not in ("string", "integer", "number", "enum"):
        return []
    examples = {e.lower() for e in (*item.examples, *(str(v) for v in item.enum))}
    found = []
    for mention in doc.lists:
        named = [isinstance(v, str) and " " in v and singular(v.split()[0].lower()) in param.cues for v in mention.value]
        said = list(mention.value)
        if named[:1] == [True] and sum(named) == 1:  # "labels bug and auth": "bug" ("file type, ... file size" stay)
            said[0] = said[0].split(None, 1)[1]
        values = [coerce(v, items) for v in said]
        score = 0.35 + proximity(doc, param, mention.start, mention.end)
        if examples & {str(v).lower() for v in mention.value}:
            score += 0.3
        if item.role in ("location", "name") and all(str(v)[:1].isupper() for v in mention.value):
            score += 0.2
        if item.kind in ("integer", "number") and all(_is_number(v) for v in values):
            score += 0.2  # "add 4, 8 and 15": a list of numbers for a list of numbers
        found.append(Candidate(values, mention.start, mention.end, score, "span"))
    return found


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _list_after_cue(doc: Document, param: Param) -> list[Candidate]:
    """ "attendees are John, Jane and Bob", "nodes N-1, N-2": items after the parameter's cue word
    (without a linking word, the first item must look like a value: capitalised or with digits)."""
    found = []
    for pos in doc.cue_positions(param.cue_words):
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


LABELS = frozenset({"id", "pin", "code", "number", "no", "num", "ref", "name"})  # "account ID" names, not values
TYPE_WORDS = frozenset({"type", "kind", "category", "class", "mode", "genre", "format", "object"})


def names_topic(value: str, topic: frozenset[str]) -> bool:
    """True when every word of ``value`` is a word of the tool's name ("loan" for makeLoanPayment)."""
    words = re.findall(r"[a-z0-9]+", value.lower())
    return bool(words) and all(singular(w) in topic for w in words)


def assign(
    docs: list[Document], params: list[Param], asked: list[set[str]], check: SchemaCheck, min_score: float,
    topic: frozenset[str] = frozenset(),
) -> dict[str, tuple[Any, str]]:
    """Greedy assignment over all turns: best (parameter, candidate) pairs first, each span used once.

    Candidates from earlier turns are discounted (``TURN_DECAY`` per turn back) so the latest turn
    wins ties ("and in Paris?") while a strong earlier value still beats a weak guess. A free-text
    span made only of the tool's name words (``topic``) is what the request is about, not a value:
    "make a loan payment" names no payment method.
    """
    filled: dict[str, tuple[Any, str]] = {}
    pool: list[tuple[float, int, Param, Candidate, int]] = []
    kinds = Counter(_family(p.kind) for p in params)
    names = sum(p.role == "name" for p in params)
    # a kind of thing may well be the tool's topic: transport_type "taxi" for book_taxi
    topics = {p.name: frozenset() if TYPE_WORDS & set(split_words(p.name)) else topic for p in params}
    for index, doc in enumerate(docs):
        decay = TURN_DECAY**index
        in_order = _positional(doc, params)
        for order, param in enumerate(params):
            if param.kind == "boolean":
                if param.name not in filled:
                    flag = boolean_value(doc, param)
                    asked_here = index < len(asked) and param.name in asked[index]
                    said = _YES_NO_RE.match(doc.text.strip()) if flag is None and asked_here else None
                    if said:
                        filled[param.name] = (said.group(1) is not None, "boolean")  # "Shuffle it?" "yes"
                    elif flag is not None:
                        filled[param.name] = (flag.value, "boolean" if index == 0 else "context")
                continue
            threshold = min_score if param.required else max(min_score, OPTIONAL_MIN_SCORE)
            found = _candidates(doc, param, index < len(asked) and param.name in asked[index], answer=index == 0)
            if param.kind == "string" and param.required and singular(param.name.lower()) in topic:
                others = {c for p in params if p is not param for c in p.cue_words}  # "3 semitones" counts semitones
                found += [c for c in counted_things(doc)  # order_flowers(flower): "a dozen red roses"
                          if not {singular(w) for w in str(c.value).lower().split()} & others]
            alone = len({(c.start, c.end) for c in found}) == 1  # one span, however many readings of it
            if alone and kinds[_family(param.kind)] == 1 and param.kind in _UNAMBIGUOUS_ALONE:
                for cand in found:
                    cand.score += 0.2  # the only number in the text for the only numeric parameter
            if (param.kind == "string" and param.role == "generic" and kinds["string"] == 1 and alone
                    and len(docs[index].of("quoted")) == 1):
                for cand in found:  # the only quoted text, and nothing else, for the only plain string parameter
                    if cand.source == "quoted":
                        cand.score += 0.15
            if param.role == "name" and param.required and _THING_WORDS & set(param.cues) and names == 1:
                for cand in found:  # the one named thing it needs: "the Lakers game" for team, "Breaking Bad"
                    if (cand.source in ("span", "pattern") and re.sub(r"^the\s+", "", str(cand.value))[:1].isupper()
                            and not labelled_as_other(doc, param, cand.start)):  # "the director is X": not a title
                        cand.score += 0.15
            if param.kind in ("integer", "number") and MONEY_WORDS & set(param.cues):
                for cand in found:  # "a 1.5k loan" for loan_quote(amount): the number the tool is about
                    written = re.findall(r"[a-z]+", docs[index].text[cand.start:cand.end].lower())
                    if any(singular(w) in topic for w in written):
                        cand.score += 0.3
            if param.kind == "integer" and _QUANTITY_WORDS & set(param.cues):
                for cand in found:  # "order 2 large pepperoni pizzas" for order_pizza: 2 pizzas
                    digits = re.match(r"\d[\d,]*", doc.text[cand.start:cand.end])
                    if digits and _counts_topic(doc, cand.end, topics[param.name]):
                        cand.score += 0.4
                        cand.end = cand.start + digits.end()  # the count alone: "large" is the size
            if param.name in in_order:
                for cand in found:
                    if cand.start == in_order[param.name]:
                        cand.score += 0.2
            for cand in found:
                score = cand.score * decay
                if cand.source == "span" and isinstance(cand.value, str) and (
                        names_topic(cand.value, topics[param.name]) or cand.value.lower() in LABELS):
                    continue
                if score >= threshold:
                    pool.append((score, order, param, cand, index))
    used: dict[int, list[tuple[int, int]]] = {}
    shared: set[tuple[int, int, int]] = set()  # (turn, start, end) of free text one parameter already took
    free_text: dict[str, tuple[int, Candidate]] = {}  # free text taken as it was written, by parameter
    for _score, _order, param, cand, index in sorted(pool, key=lambda t: (-t[0], t[4], t[1])):
        if param.name in filled:
            continue
        spans = used.setdefault(index, [])
        if not cand.shared and any(cand.start < e and s < cand.end for s, e in spans):
            continue
        if cand.shared and (index, cand.start, cand.end) in shared:
            continue  # free text may overlap other values, but two parameters never get the very same text
        if not check.is_valid(coerce(cand.value, param.schema), param.schema):
            continue  # validated only when it would be taken: most candidates never get here
        filled[param.name] = (cand.value, cand.source if index == 0 else "context")
        if cand.shared:
            shared.add((index, cand.start, cand.end))
            if param.role == "text" and cand.value == docs[index].text[cand.start : cand.end]:
                free_text[param.name] = (index, cand)
        else:
            spans.append((cand.start, cand.end))
    fill_leftovers(docs, params, filled, used, check, topic)
    for name, (index, cand) in free_text.items():  # "gaming laptops, cheapest first" when sort took the tail
        inside = [start for start, _end in used.get(index, []) if cand.start < start < cand.end]
        head = _trim_tail(docs[index].text[cand.start : min(inside)]) if inside else ""
        param = next(p for p in params if p.name == name)
        if head and check.is_valid(coerce(head, param.schema), param.schema):
            filled[name] = (head, filled[name][1])
    return filled


_TAIL_WORDS = frozenset({"and", "or", "with", "for", "from", "under", "below", "over", "above", "in", "at", "by", "to",
                         "least", "most", "rated", "within", "near", "around", "up",
                         "of", "on", "than", "less", "more", "please", "that", "which", "the", "a", "an"})


def _trim_tail(text: str) -> str:
    """Free text up to where another parameter's value begins, without the words that led into it."""
    head = re.sub(r"[\s,;:.!?-]+$", "", text)  # cut, never re-joined: the value stays as it was written
    while (last := re.search(r"(?:^|\s+)(\S+)$", head)) and last.group(1).lower().strip(",;:") in _TAIL_WORDS:
        head = re.sub(r"[\s,;:]+$", "", head[: last.start()])
    return head


def _positional(doc: Document, params: list[Param]) -> dict[str, int]:
    """ "add 19 and 23" for add(a, b): as many numbers as numeric parameters, none of them named
    in the text -> pair them in order (parameter name -> start of its number)."""
    numeric = [p for p in params if p.kind in ("integer", "number")]
    numbers = doc.of("number")
    if len(numeric) < 2 or len(numbers) != len(numeric):
        return {}
    # a one-letter name ("a", "x") is no cue: "a right triangle with sides 3 and 4" names no parameter
    if any(doc.cue_positions(tuple(c for c in p.cue_words if len(c) > 1)) for p in numeric):
        return {}
    return {p.name: n.start for p, n in zip(numeric, numbers, strict=True)}


_THING_WORDS = frozenset(TITLE_WORDS | VENUE_WORDS | {"team", "league", "club", "brand", "company", "organization",
                                                      "channel", "artist", "band", "singer", "performer", "app", "application",
                                                      "service", "player", "athlete", "actor", "actress",
                                                      "celebrity", "politician"})  # "Play some Fleetwood Mac"
_QUANTITY_WORDS = frozenset({"quantity", "qty", "count", "number", "num", "amount"})


def _counts_topic(doc: Document, end: int, topic: frozenset[str]) -> bool:
    """A noun of the tool's name among the three words after a number ("2 large pepperoni pizzas")."""
    after = re.findall(r"[a-z]+", doc.text[end:].lower())[:3]
    return any(singular(w) in topic for w in after)


_UNAMBIGUOUS_ALONE = {"integer", "number", "date", "email", "url", "phone", "array"}


def _family(kind: str) -> str:
    return "number" if kind == "integer" else kind
