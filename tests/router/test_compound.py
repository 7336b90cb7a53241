"""The several-actions detector on hand-written requests, and its recall on a corpus it never saw."""

from __future__ import annotations

import json

import pytest

from router.compound import asks_for_several, conversation_asks_for_several, first_request
from router.data import SHARED_DATA


@pytest.mark.parametrize("text", [
    "Get my balance and then transfer 50 USD to Bob.",
    "Check the weather in Paris, then book a taxi to the airport.",
    "What's on my calendar tomorrow? Also, remind me to call mum at 6.",
    "Find flights to Rome and book the cheapest one.",
    "Cancel my order 1234 and send me a confirmation email.",
    "Translate this to French. Finally, save it as a note.",
    "Check the weather in Oslo and tell me if I need an umbrella.",  # "tell me": the answer is a second step
])
def test_several_actions(text: str) -> None:
    assert asks_for_several(text)


@pytest.mark.parametrize("text", [
    "What's the weather in Paris right now?",
    "Book a table for two at an Italian place near me.",
    "Convert 100 dollars to euros.",
    "Tell me a joke about cats and dogs.",
    "What is the stock price of NVDA?",
    "Email bob@corp.com with the subject 'Lunch' and tell him I'm running late.",  # what the email says
    "Text Anna and tell her I'll be there at 8.",
    "",
])
def test_one_action(text: str) -> None:
    assert not asks_for_several(text)


def test_reads_the_last_user_message() -> None:
    messages = [{"role": "user", "content": "Book a flight and then a hotel"},
                {"role": "assistant", "content": "Done."},
                {"role": "user", "content": "What time is it in Tokyo?"}]
    assert not conversation_asks_for_several(messages)
    assert conversation_asks_for_several(messages[:1])


def test_recall_on_a_held_out_corpus() -> None:
    """CallNavi (never used to write the markers): most multi-call requests match, few single ones."""
    rows = [json.loads(line) for line in (SHARED_DATA / "callnavi" / "examples.jsonl").open()]
    several = [asks_for_several(r["query"]) for r in rows if len(r["calls"]) > 1]
    single = [asks_for_several(r["query"]) for r in rows if len(r["calls"]) == 1]
    assert len(several) > 200 and len(single) > 400
    assert sum(several) / len(several) > 0.85
    assert sum(single) / len(single) < 0.05


@pytest.mark.parametrize(("text", "first"), [
    ("Get my balance and then transfer 50 USD to Bob.", "Get my balance"),
    ("Can you check my data usage for August and then upgrade my plan?", "Can you check my data usage for August"),
    ("Find flights to Rome and book the cheapest one.", "Find flights to Rome"),
    ("What's the weather in Paris right now?", None),  # one action
    ("My user ID is J46801 and I want to check my health data.", None),  # a statement first, not an action
    ("I'm feeling tired, can you give me some advice?", None),
    ("Get it and then pay.", None),  # too short to stand alone
])
def test_first_request(text: str, first: str | None) -> None:
    assert first_request(text) == first
