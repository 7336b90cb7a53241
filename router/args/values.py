"""Values recognised by their shape or by the phrase around them, for string parameters whose name says what they
hold: a login after "log me in as", codes of capitals and dashes, repositories, IP addresses, SQL statements, a
``from_*`` value after "from", hashtags, the thing a count counts, cuisines and flight numbers."""

from __future__ import annotations

import re

from router.args.document import Document
from router.args.extractors import (
    LOGIN_WORDS,
    STOP_VALUE,
    UNIT_ALIASES,
    UNIT_FAMILIES,
    Candidate,
    after_to,
    drop_overlapping_typed,
    house_numbers,
    last_four,
    pair_steer,
    proximity,
    value_after,
)
from router.args.mentions import IP_RE
from router.args.params import Param, split_words

_LOG_IN_AS_RE = re.compile(r"\b(?:log(?:ged)?|sign(?:ed)?)\s+(?:me\s+)?(?:in|on)\s+as\s+([^\s,;!?]+[^\s,.;!?])", re.I)
_GOODS_WORDS = frozenset({"item", "product", "food", "ingredient", "dish", "goods", "article", "thing", "merchandise",
                          "activity", "exercise", "workout", "sport"})  # "a 45 minute run"
_NOT_GOODS = frozenset({"people", "person", "persons", "unit", "units", "guests", "adults", "children", "kids", "times", "years",
                        "months", "weeks", "days", "hours", "minutes", "seconds", "stars", "percent", "pm", "am"})
_PREPOSITIONS = frozenset({"over", "per", "during", "within", "after", "before", "under", "above", "across",
                           "through", "into", "onto", "until", "since", "each", "every", "total", "long", "ago"})
# what follows a count: "[bags] of coffee beans", "apples"; stops at a preposition or punctuation
_COUNTED_RE = re.compile(r"(?:\s+(?:of\s+)?)?([A-Za-z][\w'-]*(?:\s+(?!(?:for|to|from|at|in|on|by|with|and|or|please)\b)"
                         r"[A-Za-z][\w'-]*){0,3})")
_CUISINE_RE = re.compile(
    r"\b(?:Italian|Chinese|Mexican|Japanese|Indian|Thai|French|Greek|Spanish|Korean|Vietnamese|American|"
    r"Mediterranean|Middle Eastern|Lebanese|Turkish|Ethiopian|German|Brazilian|Peruvian|Caribbean|Cajun|Moroccan|"
    r"Vegan|Vegetarian|Sushi|Seafood|Barbecue|BBQ|Tex-Mex|Persian|Cuban|Malaysian|Indonesian|Filipino)\b", re.I)
_ZONE_RE = re.compile(r"\b(?:UTC|GMT)(?:[+-]\d{1,2}(?::?\d{2})?)?\b|\b(?:[ECMP][SD]T|AK[SD]T|HST|CES?T|EES?T|WES?T|BST|IST|"
                      r"JST|KST|SGT|HKT|AES[DT]|AWST|NZ[SD]T)\b|\b[A-Z][a-z]+/[A-Z][A-Za-z_]+(?:/[A-Z][A-Za-z_]+)?\b")
_MACHINE_WORDS = frozenset({"server", "host", "hostname", "instance", "node", "machine", "cluster", "pod", "container",
                            "vm", "database", "db", "bucket", "namespace", "deployment"})
_HOST_RE = re.compile(r"(?<![\w./@#-])[a-z][a-z0-9]*(?:[-_.][a-z0-9]+)+(?![\w@/-])")
_CHORD_RE = re.compile(r"(?<![\w#])[A-G](?:#|b|♯|♭)?(?:maj|min|m|dim|aug|sus)?\d{0,2}(?:/[A-G](?:#|b)?)?(?![\w#'])")
_IBAN_RE = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b")
_COLOUR_RE = re.compile(
    r"\b(?:(?:light|dark|navy|sky|royal|forest|olive|hot)\s+)?(?:black|white|red|green|blue|yellow|orange|purple|pink|"
    r"brown|gr[ae]y|silver|gold|beige|navy|teal|maroon|burgundy|turquoise|ivory|charcoal|khaki|olive|cream|tan|"
    r"lavender|mint|coral|indigo)\b", re.I)
_FLIGHT_RE = re.compile(r"\b(?:[A-Z]{2}|[A-Z]\d|\d[A-Z])\s?\d{1,4}\b")  # IATA airline code + number: UA 917, B6 23


def counted_things(doc: Document) -> list[Candidate]:
    """What a count counts: "twenty five bags of coffee beans" -> "coffee beans", "3 apples" -> "apples"."""
    text = doc.text
    found: list[Candidate] = []
    streets = house_numbers(doc)
    for counted in doc.of("number"):
        if (not counted.unit.isalpha() or len(counted.unit) < 3 or counted.unit in _NOT_GOODS
                or counted.start in streets):  # "55 Pine Ave" counts nothing
            continue
        thing = _COUNTED_RE.match(text, counted.end)
        lead = thing.group(1).lower().split()[0] if thing else ""
        if thing and lead not in STOP_VALUE and lead not in _PREPOSITIONS:  # "bags of coffee beans"
            found.append(Candidate(thing.group(1), thing.start(1), thing.end(1), 0.6, "span"))
        elif counted.unit not in UNIT_ALIASES and counted.unit not in UNIT_FAMILIES:
            start = counted.end - len(counted.unit)  # "3 apples": the unit is the thing
            found.append(Candidate(text[start:counted.end], start, counted.end, 0.6, "span", shared=True))
    return found


def shaped_values(doc: Document, param: Param) -> list[Candidate]:
    """Candidates for a string parameter from the shapes and phrases above (none for most parameters)."""
    text = doc.text
    found: list[Candidate] = []
    if set(param.cues) & {"user", "username", "login"} and set(param.cues) <= LOGIN_WORDS:
        for as_user in _LOG_IN_AS_RE.finditer(text):  # "log me in as jsmith"
            found.append(Candidate(as_user.group(1), as_user.start(1), as_user.end(1), 0.9, "span"))
    if param.role == "ident":  # codes of capitals and dashes: "SKU TS-RED-M"
        for code in re.finditer(r"\b[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+\b", text):
            found.append(Candidate(code.group(0), code.start(), code.end(),
                                   0.6 + proximity(doc, param, code.start(), code.end()), "pattern"))
    if set(param.cues) & {"repo", "repository"}:  # "acme/webapp"
        for repo in re.finditer(r"(?<![\w/.:])[\w.-]+/[\w.-]+(?![\w/])", text):
            found.append(Candidate(repo.group(0), repo.start(), repo.end(), 0.9, "pattern"))
    if "ip" in param.cues or re.search(r"\bIP\b", param.description):  # "block 198.51.100.7"
        for address in IP_RE.finditer(text):
            found.append(Candidate(address.group(0), address.start(), address.end(), 0.9, "pattern"))
    if set(param.cues) & {"sql", "query"} and "sql" in (param.name + " " + param.description).lower():
        for sql in re.finditer(r"\b(?:SELECT|INSERT|UPDATE|DELETE|WITH)\b.*\S", text):  # "Run SELECT ..."
            found.append(Candidate(sql.group(0), sql.start(), sql.end(), 0.9, "pattern", shared=True))
    if param.role != "location" and set(split_words(param.name)) & {"from", "source", "base", "origin", "sender"}:
        for said_from in re.finditer(r"\bfrom\s+", text):  # "a branch ... from main"
            after = value_after(doc, said_from.end())
            if after:
                found.append(Candidate(after[0], after[1], after[2], 0.7, "span"))
    if param.role != "location" and set(split_words(param.name)) & {"recipient", "receiver", "beneficiary", "for"}:
        for said_for in re.finditer(r"\b(?:for|to)\s+(?=(?:my|our|his|her)\s)", text):  # "a gift for my dad"
            after = value_after(doc, said_for.end())
            if after:
                found.append(Candidate(after[0], after[1], after[2], 0.7, "span"))
    if set(param.cues) & {"hashtag", "tag"}:  # "posts tagged #travel"
        for tag in re.finditer(r"(?<![\w#])#\w+", text):
            found.append(Candidate(tag.group(0), tag.start(), tag.end(), 0.9, "span"))
    if param.required and param.role in ("generic", "name") and set(param.cues) & _GOODS_WORDS:
        found.extend(counted_things(doc))
    for digits, start, end in last_four(doc, param):  # "card ending in 4421"
        found.append(Candidate(digits, start, end, 1.5, "pattern"))
    if "iban" in param.cues or re.search(r"\bIBAN\b", param.description):  # "DE89 3704 0044 0532 0130 00"
        for iban in _IBAN_RE.finditer(text):
            found.append(Candidate(iban.group(0), iban.start(), iban.end(), 1.5, "pattern"))
    if set(param.cues) & {"assignee", "to", "user", "owner", "reviewer", "mention", "handle", "recipient", "member"}:
        for handle in re.finditer(r"(?<![\w@.])@(\w[\w.-]*\w|\w)", text):  # "for @sam"
            found.append(Candidate(handle.group(0), handle.start(), handle.end(), 1.0, "pattern"))
    if "emoji" in param.cues:  # "with :calendar:"
        for emoji in re.finditer(r"(?<!\w):[a-z0-9_+-]+:(?!\w)", text):
            found.append(Candidate(emoji.group(0), emoji.start(), emoji.end(), 1.0, "pattern"))
    if set(param.cues) & {"color", "colour"}:  # "in extra large, navy"
        for colour in _COLOUR_RE.finditer(text):
            found.append(Candidate(colour.group(0), colour.start(), colour.end(), 0.8, "span"))
    if "cuisine" in param.cues:  # "Find Italian restaurants"
        for dish in _CUISINE_RE.finditer(text):
            found.append(Candidate(dish.group(0), dish.start(), dish.end(), 0.8, "span"))
    if set(param.cues) & {"tz", "timezone", "zone"} or re.search(r"\btime ?zone\b", param.description, re.I):
        steer = pair_steer(param)  # "9:00 PST in CET": the zone after "in" / "to" is the target
        for zone in _ZONE_RE.finditer(text):
            found.append(Candidate(zone.group(0), zone.start(), zone.end(),
                                   0.9 + steer(after_to(doc, zone.start())), "pattern"))
    if set(param.cues) & _MACHINE_WORDS:  # "take db-prod-2 down": a host's name is lower-case words and dashes
        for host in _HOST_RE.finditer(text):
            found.append(Candidate(host.group(0), host.start(), host.end(),
                                   0.7 + proximity(doc, param, host.start(), host.end()), "pattern"))
    if "symbol" in param.cues and re.search(r"\belement\b", f"{param.name} {param.description}", re.I):
        for element in re.finditer(r"(?<![\w'])(?!I\b|A\b)[A-Z][a-z]?(?![\w'])", text):  # "element Fe"
            if element.start() > 0:
                found.append(Candidate(element.group(0), element.start(), element.end(), 0.7, "pattern"))
    if set(param.cues) & {"chord", "root", "tonic"}:  # "Transpose C#m7", "the D Dorian scale"
        for chord in _CHORD_RE.finditer(text):
            found.append(Candidate(chord.group(0), chord.start(), chord.end(), 0.8, "pattern"))
    if set(param.cues) & {"signature", "ratio", "fraction", "aspect"} or re.search(r"\b\d+/\d+\b", param.description):
        for ratio in re.finditer(r"(?<![\w/.])\d+[/:]\d+(?![\w/.:])", text):  # "in 3/4", "16:9"
            found.append(Candidate(ratio.group(0), ratio.start(), ratio.end(), 0.9, "pattern"))
    if "flight" in param.cues and param.role in ("ident", "generic"):  # "flight UA 917": airline code and number
        for flight in _FLIGHT_RE.finditer(text):
            found.append(Candidate(flight.group(0), flight.start(), flight.end(),
                                   0.8 + proximity(doc, param, flight.start(), flight.end()), "pattern"))
    return drop_overlapping_typed(doc, found)
