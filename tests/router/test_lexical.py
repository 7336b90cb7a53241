"""router.lexical: the word overlap of a request with each offered tool, a feature of the head."""

from __future__ import annotations

import numpy as np

from router.lexical import name_words, overlap, words
from router.model import CANDIDATE_FEATURES, GLOBAL_FEATURES, Memory, candidate_features, normalize
from router.types import ToolSpec

WIRE = ToolSpec("cancelWireTransfer", "Cancel a pending wire transfer by its ID")
SPACE = ToolSpec("cancelEventSpaceBooking", "Cancel a booked event space")


def test_words_are_stemmed_content_words() -> None:
    assert words("Can you show me my bookings for WT789?") == {"book"}  # stop words, ids and 2-letter words go
    assert words("getFlightStatus") == {"flight", "status"}  # camelCase split; "get" says nothing
    assert name_words("shopping__getShippingOptions") == {"ship", "option"}  # namespace dropped


def test_overlap_tells_the_object_apart() -> None:
    request = "I want to cancel the wire transfer with ID WT789."
    out = overlap(request, [WIRE, SPACE])
    assert out.shape == (2, 2)
    assert out[0, 0] == 1.0 and out[1, 0] == 0.25  # cancel wire transfer / cancel (event space book)
    assert out[0, 1] == 1.0  # cancel, wire, transfer: all in the tool's words
    assert out[1, 1] == 1 / 3
    assert not overlap("thanks!", [WIRE]).any()  # no content words: no overlap


def test_candidate_features_carry_the_overlap() -> None:
    rng = np.random.default_rng(0)
    tools = normalize(rng.normal(size=(2, 8)).astype(np.float32))
    query = normalize(tools[1] + 0.1)
    memory = Memory.empty(2, 8)
    scores = np.zeros(0, dtype=np.float32)
    lexical = np.array([[0.25, 0.5], [1.0, 0.75]], dtype=np.float32)
    cand = candidate_features(query, tools, memory, scores, lexical=lexical)
    col = CANDIDATE_FEATURES.index("name_cover")
    by_tool = dict(zip(cand.index.tolist(), cand.features[:, col].tolist(), strict=True))
    assert by_tool == {0: 0.25, 1: 1.0}
    assert cand.global_features[GLOBAL_FEATURES.index("max_request_cover")] == 0.75
    plain = candidate_features(query, tools, memory, scores)
    assert not plain.features[:, col].any()
