"""router.actionable: P(a request needs a tool), and the router sending such a request to an offered tool search."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from router.actionable import MIN_ROWS, ActionProbe  # noqa: E402
from router.checkpoint import Checkpoint  # noqa: E402
from router.context import build_context  # noqa: E402
from router.router import Router  # noqa: E402
from router.types import NONE, RouterOptions, ToolSpec  # noqa: E402

SEARCHER = ToolSpec("ToolSearcher", "Searches for relevant tools in library based on the keywords.",
                    {"type": "object", "properties": {"keywords": {"type": "string"}}, "required": ["keywords"]})
UNRELATED = [
    ToolSpec("get_weather", "Current weather for a city.",
             {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}),
    ToolSpec("translate", "Translate text into another language.",
             {"type": "object", "properties": {"text": {"type": "string"}, "target": {"type": "string"}}}),
]
ACTIONS = ["Can you help me delete my account?", "Please record my blood pressure and heart rate for today."]
CHAT = ["Tell me a joke about cats", "Thanks, that's all I needed!"]


def test_probe_fits_separable_rows_and_round_trips(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    dim = 8
    centre = np.zeros(dim, dtype=np.float32)
    centre[0] = 1.0
    vectors = np.concatenate([rng.normal(centre, 0.3, (40, dim)), rng.normal(-centre, 0.3, (40, dim))])
    labels = np.array([True] * 40 + [False] * 40)
    probe = ActionProbe.fit(vectors, labels)
    assert probe is not None
    assert probe.probability(centre) > 0.9 and probe.probability(-centre) < 0.1
    same = ActionProbe.from_arrays(probe.to_arrays())
    assert same is not None and same.probability(centre) == pytest.approx(probe.probability(centre))
    # too few rows of one class: no probe, and the router never sends anything to a tool search
    assert ActionProbe.fit(vectors[: 40 + MIN_ROWS - 1], labels[: 40 + MIN_ROWS - 1]) is None

    ckpt = Checkpoint.zero_shot(dim)
    ckpt.actionable = probe
    loaded = Checkpoint.load(ckpt.save(tmp_path / "ckpt"))
    assert loaded.actionable is not None
    np.testing.assert_array_equal(loaded.actionable.weight, probe.weight)
    assert Checkpoint.load(Checkpoint.zero_shot(dim).save(tmp_path / "plain")).actionable is None


@pytest.fixture(scope="module")
def router() -> Router:
    return Router(RouterOptions())


def test_the_shipped_probe_tells_requests_for_action_from_chat(router: Router) -> None:
    assert router.actionable is not None
    for text, needs in [(t, True) for t in ACTIONS] + [(t, False) for t in CHAT]:
        ctx = build_context([{"role": "user", "content": text}])
        p = router.actionable.probability(router.query_vector(ctx, router.unseen_view))
        assert (p >= 0.5) == needs, (text, p)


@pytest.mark.parametrize("text", ACTIONS)
def test_a_request_no_offered_tool_serves_goes_to_the_tool_search(router: Router, text: str) -> None:
    messages = [{"role": "user", "content": text}]
    decision = router.decide(messages, [*UNRELATED, SEARCHER])
    assert decision.tool == "ToolSearcher" and not decision.confident, decision
    assert "finds tools" in decision.reason
    # without the tool search the same request is a confident NONE: nothing offered can do it
    alone = router.decide(messages, UNRELATED)
    assert alone.tool is None and alone.confident, alone


@pytest.mark.parametrize("text", CHAT)
def test_chat_stays_with_the_llm_next_to_a_tool_search(router: Router, text: str) -> None:
    decision = router.decide([{"role": "user", "content": text}], [*UNRELATED, SEARCHER])
    assert decision.tool is None and decision.confident and NONE in decision.scores, decision


def test_a_tool_that_does_the_opposite_gives_way_to_the_search(router: Router) -> None:
    unsubscribe = ToolSpec("unsubscribeFromNewsletter", "Unsubscribe an email address from the newsletter.")
    messages = [{"role": "user", "content": "I'd like to subscribe to the newsletter with user@example.com"}]
    decision = router.decide(messages, [unsubscribe, SEARCHER])
    assert decision.tool == "ToolSearcher" and not decision.confident, decision
    assert "would unsubscribe" in decision.reason  # the action check's finding is kept in the reason
    alone = router.decide(messages, [unsubscribe])
    assert alone.tool is None and not alone.confident, alone
