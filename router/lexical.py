"""Word overlap between a request and each offered tool: what a sentence embedding blurs.

An embedding encodes the topic and the kind of request, and barely the object: "I want to cancel the wire
transfer WT789" sits next to ``cancelEventSpaceBooking`` because both cancel something. Whether the tool's
own words appear in the request is a plain signal the head can weigh against the cosine (how much it
counts is learned from the training corpora, like every other feature):

- ``name_cover``: the share of the tool name's words found in the request (``cancel event space book``:
  1 of 4);
- ``request_cover``: the share of the request's words found in the tool's name and description.

Words are lower-cased, stemmed (Snowball, English: "bookings" and "booking" are "book"), without stop
words, words of one or two letters and tokens with digits (identifiers like "WT789" name nothing).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import snowballstemmer

from router.encoder import split_identifier
from router.types import ToolSpec

_TOKEN = re.compile(r"[a-z]+")


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


STOP = _word_set(
    "the and for with from that this what which who whom whose when where why how are was were will would "
    "can could should shall may might must have has had does did doing done been being you your yours our "
    "ours their theirs his her hers its they them she him not but all any some each every into onto about "
    "please want need like just also then than there here get got give show tell let know make use using "
    "api apis tool tools function service endpoint info information detail details data given based one "
    "new current specific"
)
_stemmer = snowballstemmer.stemmer("english")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A word's Snowball stem ("allowed", "allows": "allow")."""
    return str(_stemmer.stemWord(word))


def words(text: str) -> frozenset[str]:
    """The stemmed content words of ``text`` (camelCase and snake_case split first)."""
    tokens = _TOKEN.findall(split_identifier(text).lower())
    return frozenset(stem(t) for t in tokens if len(t) > 2 and t not in STOP)


def name_words(name: str) -> frozenset[str]:
    """A tool name's words, after any namespace (``shopping__getShippingOptions``: shipping, option)."""
    return words(re.split(r"__|\.", name)[-1])


@lru_cache(maxsize=16384)
def _tool_words(name: str, description: str) -> tuple[frozenset[str], frozenset[str]]:
    in_name = name_words(name)
    return in_name, in_name | words(description)


def overlap(request: str, tools: Sequence[ToolSpec]) -> np.ndarray:
    """``(n_tools, 2)``: ``name_cover`` and ``request_cover`` of ``request`` for each tool (0 where a side
    has no content words)."""
    said = words(request)
    out = np.zeros((len(tools), 2), dtype=np.float32)
    if not said:
        return out
    for i, tool in enumerate(tools):
        in_name, all_words = _tool_words(tool.name, tool.description or "")
        if in_name:
            out[i, 0] = len(in_name & said) / len(in_name)
        out[i, 1] = len(said & all_words) / len(said)
    return out
