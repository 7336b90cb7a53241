"""Router with the real MiniLM encoder: zero-shot routing, NONE, follow-ups, memory, checkpoints."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

import numpy as np
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from router.actions import CLASH_SCORE_FACTOR  # noqa: E402
from router.checkpoint import Checkpoint, description_fingerprint, load_checkpoint  # noqa: E402
from router.context import build_context  # noqa: E402
from router.encoder import Encoder, split_identifier, tool_text  # noqa: E402
from router.router import ExemplarMemory, Router  # noqa: E402
from router.types import NONE, RouterOptions, ToolSpec  # noqa: E402

TOOLS = [
    ToolSpec(
        "get_weather",
        "Get the current weather and forecast for a city",
        {"type": "object", "properties": {"city": {"type": "string"}}},
    ),
    ToolSpec(
        "send_email",
        "Send an email message to a recipient",
        {"type": "object", "properties": {"to": {}, "subject": {}, "body": {}}},
    ),
    ToolSpec(
        "calculator",
        "Evaluate an arithmetic expression and return the numeric result",
        {"type": "object", "properties": {"expression": {"type": "string"}}},
    ),
]


@pytest.fixture(scope="module")
def encoder() -> Encoder:
    return Encoder()


@pytest.fixture()
def router(encoder: Encoder) -> Router:
    return Router(RouterOptions(), encoder=encoder)


@pytest.fixture()
def zero_shot(encoder: Encoder) -> Router:
    return Router(RouterOptions(), encoder=encoder, checkpoint=Checkpoint.zero_shot(encoder.dim))


def user(text: str) -> list[dict[str, str]]:
    return [{"role": "user", "content": text}]


@pytest.mark.parametrize("make", ["router", "zero_shot"])
@pytest.mark.parametrize(
    ("query", "gold"),
    [
        ("What's the weather like in London today?", "get_weather"),
        ("Send an email to bob@example.com saying the meeting moved to 3pm", "send_email"),
        ("Calculate 17 * 23 + 4", "calculator"),
        ("Who wrote Pride and Prejudice?", None),
    ],
)
def test_routes_zero_shot(query: str, gold: str | None, make: str, request: pytest.FixtureRequest) -> None:
    router: Router = request.getfixturevalue(make)
    decision = router.decide(user(query), TOOLS)
    assert decision.tool == gold, decision
    assert decision.version == router.version
    if make == "zero_shot" or gold is None:
        # the trained default calibrates on hard, large catalogues: right but not always
        # above its 0.98-precision threshold on a clear match; NONE for an unrelated question is
        assert decision.confident, decision
    else:
        assert decision.confidence > 0.5 and decision.scores[gold] == max(decision.scores.values())


def test_scores_are_ordered_and_include_none(router: Router) -> None:
    decision = router.decide(user("what is the forecast in Oslo"), TOOLS)
    values = list(decision.scores.values())
    assert values == sorted(values, reverse=True)
    assert NONE in decision.scores
    assert set(decision.scores) <= {t.name for t in TOOLS} | {NONE}
    assert abs(sum(values) - 1.0) < 1e-4
    assert decision.latency_ms > 0


def test_follow_up_keeps_the_topic(router: Router) -> None:
    messages = [
        {"role": "system", "content": "You are a helpful assistant."},
        {"role": "user", "content": "What's the weather in London?"},
        {"role": "assistant", "content": "It is sunny in London."},
        {"role": "user", "content": "and in Paris?"},
    ]
    assert router.decide(messages, TOOLS).tool == "get_weather"
    # the same words alone carry no topic
    assert router.decide(user("and in Paris?"), TOOLS).tool != "get_weather"


def test_topic_switch_follows_the_last_turn(router: Router) -> None:
    messages = [
        {"role": "user", "content": "What's the weather in London?"},
        {"role": "assistant", "content": "It is sunny in London."},
        {"role": "user", "content": "Now send an email to alice@example.com telling her about the trip"},
    ]
    assert router.decide(messages, TOOLS).tool == "send_email"


def test_after_tool_result_answers_none(router: Router) -> None:
    messages: list[dict[str, Any]] = [
        {"role": "user", "content": "What's the weather in London?"},
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "c1",
                    "type": "function",
                    "function": {"name": "get_weather", "arguments": '{"city": "London"}'},
                }
            ],
        },
        {"role": "tool", "tool_call_id": "c1", "content": "sunny, 21C"},
    ]
    # the LLM made that call (in fallback): the proxy sends the result back with the tools, the LLM decides
    decision = router.decide(messages, TOOLS)
    assert decision.tool is None and not decision.confident
    assert "LLM's tool call" in decision.reason
    # toolproxy made it (a client tool chosen locally): the LLM answers from the result, no tool needed
    messages[1]["tool_calls"][0]["id"] = messages[2]["tool_call_id"] = "call_tp_0123"
    decision = router.decide(messages, TOOLS)
    assert decision.tool is None and decision.confident
    assert "own call" in decision.reason


def test_no_tools_means_none(router: Router) -> None:
    decision = router.decide(user("hello"), [])
    assert decision.is_none and decision.confident


def test_exemplar_memory_changes_a_decision(encoder: Encoder) -> None:
    tools = [
        ToolSpec("ticket_tool", "Manage support tickets"),
        ToolSpec("inventory_tool", "Manage warehouse inventory"),
    ]
    query = "the printer on floor 3 is jammed again"
    router = Router(RouterOptions(), encoder=encoder)
    before = router.decide(user(query), tools)
    router.add_examples(
        "ticket_tool",
        ["the printer is jammed", "printer on the second floor does not print", "paper jam in the copier"],
    )
    after = router.decide(user(query), tools)
    assert after.tool == "ticket_tool"
    assert after.scores["ticket_tool"] > before.scores.get("ticket_tool", 0.0)


def test_memory_learned_under_a_description_skips_a_namesake(tmp_path: Path, encoder: Encoder) -> None:
    """A checkpoint that records descriptions lends its exemplars only to the tool it learned."""
    trained = ToolSpec("ticket_tool", "Manage  support TICKETS")  # spacing and case do not matter
    ckpt = Checkpoint.zero_shot(encoder.dim)
    ckpt.memory_vectors = encoder.encode(["the printer is jammed", "paper jam in the copier"])
    ckpt.memory_tools = ["ticket_tool", "ticket_tool"]
    ckpt.memory_descriptions = {"ticket_tool": [description_fingerprint(trained.description)]}
    router = Router(RouterOptions(), encoder=encoder, checkpoint=load_checkpoint(ckpt.save(tmp_path / "c")))
    query = encoder.encode(["the printer on floor 3 is jammed again"])[0]
    other = ToolSpec("inventory_tool", "Manage warehouse inventory")
    same = router.candidates(query, [ToolSpec("ticket_tool", "manage support tickets"), other], "printer")
    namesake = ToolSpec("ticket_tool", "Book a train ticket")
    foreign = router.candidates(query, [namesake, other], "printer")
    assert same.seen and not foreign.seen
    router.add_examples("ticket_tool", ["book me a seat to Paris"])  # run-time examples go by name
    assert router.candidates(query, [namesake, other], "printer").seen


def test_catalogues_without_exemplars_route_by_the_zero_shot_view(tmp_path: Path, encoder: Encoder) -> None:
    """A checkpoint with a zero-shot view decides unseen catalogues exactly as that view alone would."""
    rng = np.random.default_rng(0)
    zero = Checkpoint.zero_shot(encoder.dim)
    zero.adapter.weight[:] = rng.normal(0, 0.05, zero.adapter.weight.shape).astype(np.float32)
    zero.threshold = 0.61
    ckpt = Checkpoint.zero_shot(encoder.dim)
    ckpt.threshold, ckpt.threshold_unseen = 0.9, 0.61
    ckpt.unseen_adapter, ckpt.unseen_head = zero.adapter, zero.head
    ckpt.memory_vectors = encoder.encode(["the printer is jammed"])
    ckpt.memory_tools = ["ticket_tool"]
    loaded = load_checkpoint(ckpt.save(tmp_path / "two-views"))
    assert loaded.unseen_adapter is not None and loaded.unseen_head is not None
    np.testing.assert_array_equal(loaded.unseen_adapter.weight, zero.adapter.weight)
    both = Router(RouterOptions(), encoder=encoder, checkpoint=loaded)
    alone = Router(RouterOptions(), encoder=encoder, checkpoint=zero)
    seen = [ToolSpec("ticket_tool", "Manage support tickets"), *TOOLS]
    assert both.view_for(seen) is both.seen_view and both.view_for(TOOLS) is both.unseen_view
    for query in ["weather in Rome tomorrow", "email bob the report", "who wrote Hamlet?"]:
        a, b = both.decide(user(query), TOOLS), alone.decide(user(query), TOOLS)
        assert (a.tool, a.threshold) == (b.tool, b.threshold) and a.scores == pytest.approx(b.scores)
    assert both.decide(user("the copier is jammed"), seen).threshold == 0.9


def test_memory_scores_the_offered_tools_rows_whichever_path() -> None:
    """Rows are grouped by tool: a few offered tools are scored by slices, most of them in one product."""
    rng = np.random.default_rng(1)
    vectors = rng.normal(size=(40, 8)).astype(np.float32)
    tools = [f"t{i % 5}" for i in range(40)]  # interleaved, as a trace file would give them
    memory = ExemplarMemory(vectors, tools)
    query = rng.normal(size=8).astype(np.float32)
    for offered in (["t3"], ["t4", "nope", "t1"], ["t0", "t1", "t2", "t3"]):
        mem, scores = memory.for_tools(offered, query)
        for i, name in enumerate(offered):
            expected = sorted(float(v @ query) for v, t in zip(vectors, tools, strict=True) if t == name)
            assert sorted(scores[mem.tool_index == i].tolist()) == pytest.approx(expected, rel=1e-5)
            assert mem.has_examples[i] == bool(expected)


def test_tool_examples_in_warmup_feed_memory(encoder: Encoder) -> None:
    router = Router(RouterOptions(), encoder=encoder)
    before = len(router.memory)
    router.warmup([ToolSpec("ticket_tool", "Manage support tickets", examples=("my laptop is broken",))])
    assert len(router.memory) == before + 1


def test_thresholds_from_options(encoder: Encoder) -> None:
    router = Router(RouterOptions(threshold=0.3, tool_thresholds={"calculator": 0.999999}), encoder=encoder)
    weather = router.decide(user("weather in Rome tomorrow"), TOOLS)
    assert weather.threshold == 0.3
    calc = router.decide(user("compute 12 / 4"), TOOLS)
    assert calc.tool == "calculator" and calc.threshold == 0.999999 and not calc.confident


def test_checkpoint_round_trip(tmp_path: Path, encoder: Encoder) -> None:
    rng = np.random.default_rng(0)
    ckpt = Checkpoint.zero_shot(encoder.dim)
    ckpt.adapter.weight[:] = rng.normal(0, 0.01, ckpt.adapter.weight.shape).astype(np.float32)
    ckpt.version = "test-1"
    ckpt.threshold = 0.77
    ckpt.memory_vectors = rng.normal(size=(3, encoder.dim)).astype(np.float32)
    ckpt.memory_tools = ["a", "b", "a"]
    ckpt.metadata["metrics"] = {"accuracy": 0.5}
    path = ckpt.save(tmp_path / "ckpt")
    loaded = load_checkpoint(path)
    assert loaded.version == "test-1" and loaded.threshold == 0.77
    np.testing.assert_array_equal(loaded.adapter.weight, ckpt.adapter.weight)
    for name, value in ckpt.head.arrays.items():
        np.testing.assert_array_equal(loaded.head.arrays[name], value)
    np.testing.assert_allclose(loaded.memory_vectors, ckpt.memory_vectors, atol=1e-2)  # fp16 on disk
    assert loaded.memory_tools == ["a", "b", "a"]
    assert loaded.metadata["metrics"] == {"accuracy": 0.5}
    router = Router(RouterOptions(checkpoint=str(path)), encoder=encoder)
    assert router.version == "test-1" and router.threshold == 0.77 and len(router.memory) == 3


def test_hot_swap_by_reference(tmp_path: Path, encoder: Encoder) -> None:
    ckpt = Checkpoint.zero_shot(encoder.dim)
    ckpt.version = "swap-2"
    path = ckpt.save(tmp_path / "v2")
    current = Router(RouterOptions(), encoder=encoder)
    box: dict[str, Router] = {}
    thread = threading.Thread(
        target=lambda: box.update(r=Router.load(RouterOptions(checkpoint=str(path)), encoder=encoder))
    )
    thread.start()
    decisions = [current.decide(user("weather in Oslo"), TOOLS) for _ in range(5)]
    thread.join()
    current = box["r"]
    assert all(d.tool == "get_weather" for d in decisions)
    assert current.decide(user("weather in Oslo"), TOOLS).version == "swap-2"


def test_concurrent_decisions_agree(router: Router) -> None:
    queries = ["weather in Rome", "email carol about lunch", "what is 3 + 4", "who painted the Mona Lisa"]
    expected = {q: router.decide(user(q), TOOLS).tool for q in queries}
    results: list[tuple[str, str | None]] = []
    lock = threading.Lock()

    def work(q: str) -> None:
        for _ in range(5):
            d = router.decide(user(q), TOOLS)
            with lock:
                results.append((q, d.tool))

    threads = [threading.Thread(target=work, args=(q,)) for q in queries]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 20
    assert all(tool == expected[q] for q, tool in results)


def test_context_window_and_parts() -> None:
    messages: list[dict[str, Any]] = [
        {"role": "system", "content": "be brief"},
        {"role": "user", "content": "one"},
        {"role": "user", "content": [{"type": "text", "text": "two"}]},
        {"role": "assistant", "content": "ok"},
        {"role": "user", "content": "three four five six seven eight nine"},
    ]
    ctx = build_context(messages, turns=2)
    assert ctx.last == "three four five six seven eight nine"
    assert ctx.previous == ("two", "ok")  # earlier user turns, then the assistant turn the last one answers
    assert not ctx.is_follow_up and 0 < ctx.window_weight < 1
    assert "be brief" not in ctx.window


def test_a_closing_assistant_turn_joins_the_last_user_turn() -> None:
    messages: list[dict[str, Any]] = [
        {"role": "user", "content": "Can you move my dentist appointment?"},
        {"role": "assistant", "content": "Sure, to which day?"},
        {"role": "user", "content": "Friday at 3pm."},
        {"role": "assistant", "content": "Got it. Let me reschedule that for you."},
    ]
    ctx = build_context(messages)
    assert ctx.last == "Friday at 3pm. Got it. Let me reschedule that for you."
    # the window also holds the assistant's question the last user turn answers
    assert ctx.previous == ("Can you move my dentist appointment?", "Sure, to which day?")
    # an assistant turn that called a tool, or one before the last user turn, is not read
    called = [*messages[:-1], {"role": "assistant", "content": "Calling it.", "tool_calls": [{"id": "c1"}]}]
    assert build_context(called).last == "Friday at 3pm."
    assert build_context(messages[:3]).last == "Friday at 3pm."


def test_a_closing_assistant_turn_names_the_step(router: Router) -> None:
    # the user's last turn ("Yes, please.") names no tool; the assistant's closing words do
    messages = [
        {"role": "user", "content": "I'm off to Paris tomorrow."},
        {"role": "assistant", "content": "Would you like me to check anything before you go?"},
        {"role": "user", "content": "Yes, please."},
        {"role": "assistant", "content": "Let me look up tomorrow's weather forecast for Paris."},
    ]
    assert router.decide(messages, TOOLS).tool == "get_weather"
    assert router.decide(messages[:3], TOOLS).tool != "get_weather"


def test_a_bare_answer_keeps_the_question_it_answers(router: Router) -> None:
    # "Lisbon, please." alone names no task; the assistant's question before it does
    messages = [
        {"role": "user", "content": "Hi!"},
        {"role": "assistant", "content": "Hello! Which city would you like the weather forecast for?"},
        {"role": "user", "content": "Lisbon, please."},
    ]
    assert build_context(messages).previous == ("Hi!", messages[1]["content"])
    assert router.decide(messages, TOOLS).tool == "get_weather"
    assert router.decide([messages[0], messages[2]], TOOLS).tool != "get_weather"
    # an assistant turn that called a tool is not a question
    called = [messages[0], {"role": "assistant", "content": "Which city?", "tool_calls": [{"id": "c1"}]},
              {"role": "tool", "tool_call_id": "c1", "content": "{}"}, messages[2]]
    assert build_context(called).previous == ("Hi!",)


def test_a_tool_that_contradicts_the_request_drops_in_the_ranking(router: Router) -> None:
    tools = [ToolSpec("updateRoamingStatus", "Enable or disable roaming for a phone number"),
             ToolSpec("getRoamingStatus", "Get the roaming status of a phone number"),
             ToolSpec("getDataUsage", "Get the data usage of a phone number")]
    decision = router.decide(user("Is roaming currently enabled on my number 123-456-7890?"), tools)
    # the head's best tool would update; the request asks: NONE, unsure, and the reading tool ranks first
    assert decision.tool is None and not decision.confident
    assert "updateRoamingStatus would update" in decision.reason
    ranked = [name for name in decision.scores if name != NONE]
    assert ranked[0] == "getRoamingStatus", decision.scores


def test_tool_text_uses_name_words_and_parameters() -> None:
    assert split_identifier("getWeatherForecast") == "get weather forecast"
    assert split_identifier("send_email-now") == "send email now"
    text = tool_text(TOOLS[0])
    assert text.startswith("get weather") and "city" in text


@pytest.fixture(scope="module")
def shipped() -> Router:
    """The shipped default as the proxy loads it (its LoRA-tuned encoder)."""
    return Router(RouterOptions())


def test_a_lone_tool_with_examples_does_not_take_every_request(shipped: Router) -> None:
    # the only tool with config examples gets every kNN vote; what decides "is a tool needed" is how well
    # the best tool matches, so a request for another tool still goes to it
    weather = ToolSpec("get_weather", "Get the current weather for a city.",
                       {"type": "object", "properties": {"city": {"type": "string"}}},
                       ("what's the weather like in Berlin?", "is it cold in Oslo today?"))
    stock = ToolSpec("get_stock_price", "Get the latest stock price for a ticker symbol.",
                     {"type": "object", "properties": {"symbol": {"type": "string"}}})
    shipped.warmup([weather])
    stock_call = shipped.decide(user("What is the stock price of NVDA?"), [weather, stock])
    assert stock_call.tool == "get_stock_price" and stock_call.confident, stock_call
    # a gate that read the vote share said NONE here (p 0.65): the weather tool, first by votes, matched badly
    longer = shipped.decide(user("What is the stock price of NVDA, and then send it to my broker?"), [weather, stock])
    assert longer.tool == "get_stock_price", longer
    weather_call = shipped.decide(user("Will it rain in Lisbon tomorrow?"), [weather, stock])
    assert weather_call.tool == "get_weather" and weather_call.confident, weather_call
    chat = shipped.decide(user("Tell me a joke about cats."), [weather, stock])
    assert chat.tool is None and chat.confident, chat


def test_unrelated_tools_get_none_even_when_one_stands_out(shipped: Router) -> None:
    tools = [
        ToolSpec("get_stock_price", "Get the latest stock price for a ticker symbol."),
        ToolSpec("set_timer", "Start a countdown timer for a number of minutes."),
        ToolSpec("translate_text", "Translate text into another language."),
        ToolSpec("add", "Add two integers."),
    ]
    for text in ("Book me a table for two at an Italian restaurant tonight",
                 "Reset my router's wifi password", "Order a large pepperoni pizza"):
        decision = shipped.decide(user(text), tools)
        assert decision.tool is None, (text, decision)
    # ... and one that fits is still routed
    assert shipped.decide(user("Translate 'thank you' into Japanese"), tools).tool == "translate_text"


SEVERAL_STEPS = [
    ([ToolSpec("getUserProfile", "Get the profile of a user: name, address, phone number."),
      ToolSpec("updateUserAddress", "Update the postal address of a user."),
      ToolSpec("deleteUser", "Delete a user account.")],
     "Get the full name of user U123 and then update their address to 5 Main Street.", "getUserProfile"),
    ([ToolSpec("getOrderDetails", "Get the details of an order: items, price, status."),
      ToolSpec("requestRefund", "Request a refund for an order."),
      ToolSpec("trackPackage", "Track a shipped package.")],
     "Can you show me the details of order 5521 and then request a refund for it?", "getOrderDetails"),
    ([ToolSpec("listPaymentMethods", "List the saved payment methods of a user."),
      ToolSpec("deletePaymentMethod", "Delete a saved payment method."),
      ToolSpec("addPaymentMethod", "Add a new card as a payment method.")],
     "Please retrieve my saved payment methods and delete the expired Visa card.", "listPaymentMethods"),
    ([ToolSpec("getEmployeeSalary", "Get the salary details of an employee."),
      ToolSpec("processPayroll", "Process the payroll of an employee for a month."),
      ToolSpec("getLeaveBalance", "Get the remaining leave days of an employee.")],
     "Can you get my salary details with employee ID E42 and then process my payroll for March?",
     "getEmployeeSalary"),
]


@pytest.mark.parametrize(("tools", "text", "first"), SEVERAL_STEPS)
def test_a_request_of_several_steps_routes_its_first(
    shipped: Router, tools: list[ToolSpec], text: str, first: str
) -> None:
    # the whole request reads closest to its last step ("... and then request a refund"); the proxy
    # makes the first call and the LLM continues the chain
    decision = shipped.decide(user(text), tools)
    assert decision.tool == first and "first of several steps" in decision.reason, decision
    # each step alone still goes to its own tool
    second = text.split(" and then ")[-1] if " and then " in text else text.split(" and ")[-1]
    assert shipped.decide(user(second.capitalize()), tools).tool != first


def test_a_first_step_is_chosen_next_to_a_tool_with_exemplars() -> None:
    # config examples for a managed tool (as in config.example.yaml) must not switch the rule off for the rest
    router = Router(RouterOptions())
    clock = ToolSpec("current_time", "Get the current date and time.", None, ("what time is it?", "what's the date today?"))
    router.warmup([clock])
    tools, text, first = SEVERAL_STEPS[1]
    decision = router.decide(user(text), [*tools, clock])
    assert decision.tool == first and "first of several steps" in decision.reason, decision


def test_a_first_step_no_tool_fits_is_left_to_the_llm(shipped: Router) -> None:
    tools = [ToolSpec("send_email", "Send an email to a recipient with a subject and body."),
             ToolSpec("set_timer", "Start a countdown timer."),
             ToolSpec("translate_text", "Translate text into another language.")]
    decision = shipped.decide(user("Look up the weather in Paris tomorrow and then email it to bob@example.com"), tools)
    # no offered tool looks up the weather, but the email step may need send_email: NONE, and unsure, so the
    # proxy sends the request upstream with the tools instead of without them
    assert decision.tool is None and not decision.confident, decision
    assert "several steps" in decision.reason


def test_a_tool_doing_the_opposite_is_unsure(encoder: Encoder) -> None:
    tools = [
        ToolSpec(name="unsubscribeFromNewsletter", description="Unsubscribe a user from the newsletter.",
                 parameters={"type": "object", "properties": {"email": {"type": "string"}}}),
        ToolSpec(name="get_weather", description="Current weather for a city.",
                 parameters={"type": "object", "properties": {"city": {"type": "string"}}}),
    ]
    messages = user("Please subscribe me to the newsletter, my email is ann@example.com")
    checked = Router(RouterOptions(), encoder=encoder).decide(messages, tools)
    unchecked = Router(RouterOptions(action_check=False), encoder=encoder).decide(messages, tools)
    assert unchecked.tool == "unsubscribeFromNewsletter"
    # no offered tool does what was asked: NONE, with too little confidence to act on (the LLM decides)
    assert checked.tool is None
    # in the ranking each tool that contradicts the request keeps a twentieth of its score (get_weather only
    # reads, the request asks to subscribe); NONE's is as it was
    for name in ("unsubscribeFromNewsletter", "get_weather"):
        assert checked.scores[name] == pytest.approx(unchecked.scores[name] * CLASH_SCORE_FACTOR)
    assert checked.scores[NONE] == unchecked.scores[NONE]
    assert checked.confidence == pytest.approx(unchecked.confidence / 2)
    assert not checked.confident and "unsure" in checked.reason and "subscribe" in checked.reason
    plain = Router(RouterOptions(), encoder=encoder).decide(user("Unsubscribe ann@example.com from the newsletter"), tools)
    assert plain.tool == "unsubscribeFromNewsletter" and "unsure" not in plain.reason


def test_a_tool_that_needs_a_token_sends_its_provider_first(shipped: Router) -> None:
    tools = [
        ToolSpec("GetUserToken", "Get the user token by username and password.",
                 {"type": "object", "properties": {"username": {"type": "string"}, "password": {"type": "string"}},
                  "required": ["username", "password"]}),
        ToolSpec("DeleteAccount", "Delete the user's account.",
                 {"type": "object", "properties": {"token": {"type": "string", "description": "User's token."}},
                  "required": ["token"]}),
    ]
    messages = user("Please delete my account. My username is jdoe and my password is hunter2.")
    decision = shipped.decide(messages, tools)
    assert decision.tool == "GetUserToken" and decision.then == "DeleteAccount", decision
    assert "first GetUserToken: DeleteAccount needs token" in decision.reason
    off = Router(RouterOptions(prerequisites=False), encoder=shipped.encoder).decide(messages, tools)
    assert off.tool == "DeleteAccount" and off.then is None
    # with the token in hand the tool runs as it is
    direct = shipped.decide(user("Delete my account, my token is tk-1234abcd."), tools)
    assert direct.tool == "DeleteAccount" and direct.then is None


def test_a_literal_only_one_offered_tool_takes_is_never_a_confident_none(shipped: Router) -> None:
    lookup = ToolSpec("lookup_ip", "Geolocate an IP address",
                      {"type": "object", "properties": {"ip": {"type": "string"}}, "required": ["ip"]})
    others = [ToolSpec("set_timer", "Start a countdown timer."),
              ToolSpec("translate_text", "Translate text into another language.")]
    # the embedding reads a place question, far from the IP tool: the head says NONE, but the LLM decides
    decision = shipped.decide(user("Where is 203.0.113.42 located?"), [lookup, *others])
    assert decision.tool == "lookup_ip" or not decision.confident, decision
    if decision.tool is None:
        assert "an IP address, which lookup_ip takes" in decision.reason
    # without the tool that takes it, a NONE stays as sure as the head says
    alone = shipped.decide(user("Where is 203.0.113.42 located?"), others)
    assert alone.tool is None and "IP address" not in alone.reason
