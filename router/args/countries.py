"""Country names to ISO 3166 codes (pycountry's data), for a parameter that takes a country code: "public holidays
in Germany" gives ``cc`` "DE" (or "DEU" when the description asks for three letters)."""

from __future__ import annotations

import re
from functools import cache

import pycountry

from router.args.document import Document
from router.args.extractors import Candidate, proximity
from router.args.params import Param

_SAID_TOO = {"usa": "US", "america": "US", "the states": "US", "uk": "GB", "britain": "GB", "great britain": "GB",
             "england": "GB", "scotland": "GB", "wales": "GB", "russia": "RU", "south korea": "KR",
             "north korea": "KP", "syria": "SY", "laos": "LA", "czech republic": "CZ", "holland": "NL",
             "the netherlands": "NL", "vatican": "VA", "ivory coast": "CI", "turkey": "TR"}
_THREE_LETTERS_RE = re.compile(r"alpha[- ]?3|three[- ]letter|3[- ]letter", re.I)


@cache
def _codes() -> tuple[dict[str, str], dict[str, str], re.Pattern[str]]:
    """Lower-case name -> alpha-2, alpha-2 -> alpha-3, and one pattern for every name (longest first)."""
    names: dict[str, set[str]] = {}
    three: dict[str, str] = {}
    for country in pycountry.countries:
        three[country.alpha_2] = country.alpha_3
        said = {country.name, getattr(country, "common_name", ""), getattr(country, "official_name", ""),
                country.name.split(",")[0]}  # "Korea, Republic of" is also "Korea" (kept only when unambiguous)
        for name in filter(None, said):
            names.setdefault(name.lower(), set()).add(country.alpha_2)
    codes = {name: next(iter(found)) for name, found in names.items() if len(found) == 1}
    codes |= _SAID_TOO
    pattern = re.compile(r"\b(" + "|".join(re.escape(n) for n in sorted(codes, key=len, reverse=True)) + r")\b", re.I)
    return codes, three, pattern


def country_candidates(doc: Document, param: Param) -> list[Candidate]:
    """ISO codes of the countries the text names with a capital ("in Germany", "the USA")."""
    codes, three, pattern = _codes()
    alpha3 = bool(_THREE_LETTERS_RE.search(param.description))
    found = []
    for said in pattern.finditer(doc.text):
        if not said.group(0)[:1].isupper():
            continue  # "chad", "turkey" in lower case are no countries
        code = codes[said.group(0).lower()]
        value = three.get(code, code) if alpha3 else code
        found.append(Candidate(value, said.start(), said.end(),
                               0.8 + proximity(doc, param, said.start(), said.end()), "span"))
    return found
