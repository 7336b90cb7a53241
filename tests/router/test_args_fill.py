"""fill_arguments: hand-made conversations with known answers, one extractor at a time."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from router.args import fill_arguments
from router.types import ToolSpec

TODAY = dt.date(2024, 5, 8)  # a Wednesday


def tool(properties: dict[str, Any], required: list[str] | None = None, name: str = "t") -> ToolSpec:
    return ToolSpec(name, "", {"type": "object", "properties": properties, "required": required or []})


def user(text: str) -> list[dict[str, Any]]:
    return [{"role": "user", "content": text}]


WEATHER = tool(
    {
        "city": {"type": "string", "description": "City name"},
        "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
    },
    ["city"],
    name="get_weather",
)


def test_enum_and_location() -> None:
    result = fill_arguments(user("what's the weather in London in fahrenheit?"), WEATHER)
    assert result.arguments == {"city": "London", "unit": "fahrenheit"}
    assert result.sources == {"city": "span", "unit": "enum"}
    assert result.complete


def test_follow_up_takes_new_city_and_keeps_earlier_unit() -> None:
    messages = [
        {"role": "user", "content": "what's the weather in London in fahrenheit?"},
        {"role": "assistant", "content": "It is 61°F in London."},
        {"role": "user", "content": "and in Paris?"},
    ]
    result = fill_arguments(messages, WEATHER)
    assert result.arguments == {"city": "Paris", "unit": "fahrenheit"}
    assert result.sources["unit"] == "context"


@pytest.mark.parametrize(
    ("text", "unit"),
    [("20 degrees C", "celsius"), ("weather in Rome, in Celsius please", "celsius"), ("in °F", "fahrenheit")],
)
def test_enum_synonyms(text: str, unit: str) -> None:
    assert fill_arguments(user(text), WEATHER).arguments["unit"] == unit


def test_enum_longest_match_wins() -> None:
    sizes = tool({"size": {"type": "string", "enum": ["large", "extra large", "small"]}}, ["size"])
    assert fill_arguments(user("one extra large pizza"), sizes).arguments == {"size": "extra large"}


def test_enum_values_with_underscores_match_spaces() -> None:
    frame = tool({"timeFrame": {"type": "string", "enum": ["last_month", "last_year"]}}, ["timeFrame"])
    assert fill_arguments(user("sales over the last month"), frame).arguments == {"timeFrame": "last_month"}


def test_numbers_with_units_go_to_the_matching_parameter() -> None:
    run = tool(
        {
            "distance_km": {"type": "number", "description": "Distance in kilometers"},
            "budget": {"type": "number", "description": "Budget in dollars"},
            "discount": {"type": "number", "description": "Discount percentage"},
            "people": {"type": "integer", "description": "Number of people"},
        },
        ["distance_km", "budget", "discount", "people"],
    )
    result = fill_arguments(user("Plan a 5 km run for two people with $20 and a 3.5% discount"), run)
    assert result.arguments == {"distance_km": 5, "budget": 20, "discount": 3.5, "people": 2}
    assert set(result.sources.values()) == {"number"}


def test_integer_parameter_rejects_fractions() -> None:
    count = tool({"count": {"type": "integer"}}, ["count"])
    result = fill_arguments(user("give me 2.5 of them"), count)
    assert result.missing == ["count"]
    assert result.arguments == {}


def test_number_words() -> None:
    rooms = tool({"room_count": {"type": "integer", "description": "Number of rooms"}}, ["room_count"])
    assert fill_arguments(user("book twenty five rooms"), rooms).arguments == {"room_count": 25}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("search cats and include images", True),
        ("search cats with images", True),
        ("search cats without images", False),
        ("search cats, no images please", False),
        ("search cats, don't include images", False),
    ],
)
def test_booleans_from_phrasing(text: str, expected: bool) -> None:
    search = tool({"query": {"type": "string"}, "include_images": {"type": "boolean"}}, ["query"])
    result = fill_arguments(user(text), search)
    assert result.arguments["include_images"] is expected
    assert result.sources["include_images"] == "boolean"


def test_boolean_not_mentioned_stays_unset() -> None:
    search = tool({"query": {"type": "string"}, "include_images": {"type": "boolean"}}, ["query"])
    assert "include_images" not in fill_arguments(user("search for cats"), search).arguments


@pytest.mark.parametrize(
    ("text", "schema", "expected"),
    [
        ("remind me tomorrow", {"type": "string", "format": "date"}, "2024-05-09"),
        ("remind me next friday", {"type": "string", "format": "date"}, "2024-05-10"),
        ("remind me on June 3rd", {"type": "string", "format": "date"}, "2024-06-03"),
        ("remind me on 2024-05-01", {"type": "string", "format": "date"}, "2024-05-01"),
        ("remind me tomorrow at 3pm", {"type": "string", "format": "date-time"}, "2024-05-09T15:00:00"),
        (
            "remind me June 3rd at 9am",
            {"type": "string", "description": "Format: %Y-%m-%d %H:%M:%S"},
            "2024-06-03 09:00:00",
        ),
    ],
)
def test_dates_are_formatted_per_schema(text: str, schema: dict[str, Any], expected: str) -> None:
    remind = tool({"when": schema}, ["when"])
    result = fill_arguments(user(text), remind, today=TODAY)
    assert result.arguments == {"when": expected}
    assert result.sources == {"when": "date"}


def test_start_and_end_dates_in_order() -> None:
    hotel = tool(
        {"check_in": {"type": "string", "format": "date"}, "check_out": {"type": "string", "format": "date"}},
        ["check_in", "check_out"],
    )
    result = fill_arguments(user("a room from June 3rd to June 7th"), hotel, today=TODAY)
    assert result.arguments == {"check_in": "2024-06-03", "check_out": "2024-06-07"}


def test_today_defaults_to_a_system_message_date() -> None:
    remind = tool({"date": {"type": "string", "format": "date"}}, ["date"])
    messages = [{"role": "system", "content": "Today is 2023-12-14, Thursday."}, *user("remind me tomorrow")]
    assert fill_arguments(messages, remind).arguments == {"date": "2023-12-15"}


def test_quoted_email_url_phone() -> None:
    send = tool(
        {
            "to": {"type": "string", "format": "email"},
            "subject": {"type": "string", "description": "Subject line"},
            "link": {"type": "string", "format": "uri"},
            "phone": {"type": "string", "description": "Phone number"},
        },
        ["to", "subject", "link", "phone"],
    )
    text = 'Email jane.doe@example.com with subject "Launch day" and the link https://example.com/launch, call +1 555-123-4567'
    result = fill_arguments(user(text), send)
    assert result.arguments == {
        "to": "jane.doe@example.com",
        "subject": "Launch day",
        "link": "https://example.com/launch",
        "phone": "+1 555-123-4567",
    }
    assert result.sources == {"to": "email", "subject": "quoted", "link": "url", "phone": "phone"}


def test_quoted_values_go_to_the_nearest_parameter_name() -> None:
    note = tool({"title": {"type": "string"}, "message": {"type": "string"}}, ["title", "message"])
    result = fill_arguments(user('Post the message "Hello all" with the title "Greetings"'), note)
    assert result.arguments == {"title": "Greetings", "message": "Hello all"}


def test_key_value_phrasing() -> None:
    login = tool({"username": {"type": "string"}, "password": {"type": "string"}}, ["username", "password"])
    result = fill_arguments(user("My username is JaneSmith and my password is hunter2."), login)
    assert result.arguments == {"username": "JaneSmith", "password": "hunter2"}


def test_description_examples_guide_free_text() -> None:
    crops = tool(
        {"crop_name": {"type": "string", "description": "The name of the crop (e.g., wheat, rice, corn)"}},
        ["crop_name"],
    )
    assert fill_arguments(user("Monitor pests in rice fields."), crops).arguments == {"crop_name": "rice"}


def test_query_is_the_remaining_request() -> None:
    search = tool({"query": {"type": "string", "description": "What to search for"}}, ["query"])
    result = fill_arguments(user("Can you search the web for cheap flights to Lisbon?"), search)
    assert result.arguments == {"query": "cheap flights to Lisbon"}


def test_names_are_capitalised_spans() -> None:
    visit = tool(
        {"patient_name": {"type": "string"}, "doctor_name": {"type": "string"}},
        ["patient_name", "doctor_name"],
    )
    result = fill_arguments(user("Book patient John Smith with doctor Dr. Johnson"), visit)
    assert result.arguments == {"patient_name": "John Smith", "doctor_name": "Dr. Johnson"}


def test_arrays_of_enums_and_strings() -> None:
    report = tool(
        {
            "metrics": {"type": "array", "items": {"type": "string", "enum": ["cpu", "memory", "disk"]}},
            "nodes": {"type": "array", "items": {"type": "string"}, "description": "Node IDs"},
        },
        ["metrics", "nodes"],
    )
    result = fill_arguments(user("Show cpu and disk usage for nodes N-123, N-456 and N-789"), report)
    assert result.arguments == {"metrics": ["cpu", "disk"], "nodes": ["N-123", "N-456", "N-789"]}


def test_defaults_fill_unmentioned_optional_parameters() -> None:
    search = tool({"query": {"type": "string"}, "limit": {"type": "integer", "default": 10}}, ["query"])
    result = fill_arguments(user("search for llamas"), search)
    assert result.arguments["limit"] == 10
    assert result.sources["limit"] == "default"


def test_missing_required_is_never_invented() -> None:
    transfer = tool(
        {"amount": {"type": "number"}, "account_id": {"type": "string", "description": "Target account ID"}},
        ["amount", "account_id"],
    )
    result = fill_arguments(user("please transfer some money"), transfer)
    assert result.arguments == {}
    assert result.missing == ["amount", "account_id"]
    assert not result.complete


def test_tool_results_provide_context_values() -> None:
    agenda = tool({"token": {"type": "string"}, "content": {"type": "string"}}, ["token", "content"])
    messages: list[dict[str, Any]] = [
        {"role": "user", "content": 'Add "Dentist" to my agenda'},
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {"id": "c1", "type": "function", "function": {"name": "login", "arguments": "{}"}}
            ],
        },
        {"role": "tool", "tool_call_id": "c1", "content": '{"output": {"token": "abc123"}}'},
    ]
    result = fill_arguments(messages, agenda)
    assert result.arguments == {"token": "abc123", "content": "Dentist"}
    assert result.sources == {"token": "context", "content": "quoted"}


def test_only_the_question_sentence_says_what_was_asked() -> None:
    delete = tool({"token": {"type": "string", "description": "The token of the user."}}, ["token"])
    messages: list[dict[str, Any]] = [
        {"role": "user", "content": "Can you help me delete my account?"},
        {"role": "assistant", "content": "Sure, I need the token first. What is your username and password?"},
        {"role": "user", "content": "My username is user1 and my password is user1pass"},
    ]
    # the token was mentioned, not asked for: the answer is not a token
    assert fill_arguments(messages, delete).missing == ["token"]
    # asked for the token, the user answers with a login: still no token
    asked = [messages[0], {"role": "assistant", "content": "Yes. I need your token for that."},
             {"role": "user", "content": "My username is user3 and password is user3pass."}]
    assert fill_arguments(asked, delete).missing == ["token"]
    messages[1]["content"] = "Sure. What is your token?"
    assert fill_arguments([*messages[:2], {"role": "user", "content": "x7Hq2Lp9"}], delete).arguments == {
        "token": "x7Hq2Lp9"
    }


@pytest.mark.parametrize(("question", "answer", "param", "value"), [
    ("Which region should I focus on?", "Please focus on Europe.", "region_focus", "Europe"),
    ("Where are you right now?", "I'm currently in Lisbon.", "location", "Lisbon"),
])
def test_a_short_answer_gives_its_value(question: str, answer: str, param: str, value: str) -> None:
    messages: list[dict[str, Any]] = [
        {"role": "user", "content": "Can you help me plan this?"},
        {"role": "assistant", "content": question},
        {"role": "user", "content": answer},
    ]
    result = fill_arguments(messages, tool({param: {"type": "string"}}, [param]))
    assert result.arguments == {param: value}


def test_nested_objects_are_filled_from_the_same_text() -> None:
    booking = tool(
        {
            "guest": {
                "type": "object",
                "properties": {
                    "email": {"type": "string", "format": "email"},
                    "adults": {"type": "integer", "description": "number of adults"},
                },
                "required": ["email"],
            }
        },
        ["guest"],
    )
    result = fill_arguments(user("Two adults, confirmation to amy@example.org"), booking)
    assert result.arguments == {"guest": {"email": "amy@example.org", "adults": 2}}


def test_schema_validation_rejects_values_outside_constraints() -> None:
    ranged = tool({"stars": {"type": "integer", "minimum": 1, "maximum": 5}}, ["stars"])
    assert fill_arguments(user("rate it 4 stars"), ranged).arguments == {"stars": 4}
    result = fill_arguments(user("rate it 9 stars"), ranged)
    assert result.missing == ["stars"]
    assert "stars" not in result.arguments


def test_invalid_schema_is_reported_as_an_error() -> None:
    broken = ToolSpec(
        "b", "", {"type": "object", "properties": {"x": {"type": "no-such-type"}}, "required": []}
    )
    result = fill_arguments(user("anything"), broken)
    assert result.errors and "invalid schema" in result.errors[0]
    assert not result.complete


def test_string_numbers_are_coerced_for_numeric_schema_defaults() -> None:
    width = tool(
        {"label": {"type": "string"}, "width": {"type": "integer", "description": "width in pixels"}},
        ["label", "width"],
    )
    result = fill_arguments(user('Add a text field with a label "Type here" and width of 59.'), width)
    assert result.arguments == {"label": "Type here", "width": 59}


class ScriptedLLM:
    """A fake args model: returns scripted answers and records what it was shown."""

    def __init__(self, answer: dict[str, Any] | None) -> None:
        self.answer = answer
        self.calls: list[tuple[ToolSpec, list[dict[str, Any]]]] = []

    def __call__(self, spec: ToolSpec, messages: list[dict[str, Any]]) -> dict[str, Any] | None:
        self.calls.append((spec, messages))
        return self.answer


def test_llm_fills_missing_required_and_is_validated() -> None:
    transfer = tool(
        {"amount": {"type": "number"}, "currency": {"type": "string", "enum": ["USD", "EUR"]}},
        ["amount", "currency"],
    )
    llm = ScriptedLLM({"currency": "EUR", "amount": "999", "extra": 1})
    result = fill_arguments(user("send 25 to mom"), transfer, llm=llm)
    assert result.arguments == {"amount": 25, "currency": "EUR"}  # extracted amount kept, llm fills currency
    assert result.sources == {"amount": "number", "currency": "llm"}
    assert result.complete
    ((spec, messages),) = llm.calls
    assert spec.name == "t" and spec.parameters == transfer.parameters
    assert messages[-1]["content"] == "send 25 to mom"


def test_llm_invalid_output_is_rejected() -> None:
    transfer = tool({"currency": {"type": "string", "enum": ["USD", "EUR"]}}, ["currency"])
    result = fill_arguments(user("send money"), transfer, llm=ScriptedLLM({"currency": "bitcoin"}))
    assert result.missing == ["currency"]
    assert "currency" not in result.arguments


def test_llm_not_called_when_extraction_is_complete() -> None:
    llm = ScriptedLLM({"city": "Nowhere"})
    result = fill_arguments(user("weather in Oslo"), WEATHER, llm=llm)
    assert result.arguments["city"] == "Oslo"
    assert llm.calls == []


def test_llm_returning_none_leaves_missing() -> None:
    result = fill_arguments(user("weather please"), WEATHER, llm=ScriptedLLM(None))
    assert result.missing == ["city"]


def test_content_parts_are_read() -> None:
    messages = [{"role": "user", "content": [{"type": "text", "text": "weather in Madrid"}]}]
    assert fill_arguments(messages, WEATHER).arguments == {"city": "Madrid"}


def test_tool_without_parameters() -> None:
    result = fill_arguments(user("what time is it"), ToolSpec("now"))
    assert result.arguments == {} and result.complete


def test_json_literal_in_the_message_fills_an_array_of_objects() -> None:
    teams = tool(
        {
            "teamData": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"leader": {"type": "string"}, "size": {"type": "integer"}},
                    "required": ["leader"],
                },
            }
        },
        ["teamData"],
    )
    text = 'Here is the team data: [{"leader": "Ann", "size": 4}, {"leader": "Bo", "size": 2}]'
    result = fill_arguments(user(text), teams)
    assert result.arguments == {"teamData": [{"leader": "Ann", "size": 4}, {"leader": "Bo", "size": 2}]}
    assert result.complete


def test_arrays_of_objects_are_not_guessed_from_prose() -> None:
    tasks = tool(
        {
            "tasks": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "name": {"type": "string"},
                        "priority": {"type": "string", "enum": ["high", "low"]},
                    },
                    "required": ["name", "priority"],
                },
            }
        },
        ["tasks"],
    )
    result = fill_arguments(user("tasks: write report with high priority, call Bob with low priority"), tasks)
    assert result.missing == ["tasks"]


def test_value_sets_in_descriptions_act_like_enums() -> None:
    ship = tool(
        {
            "method": {
                "type": "string",
                "description": "Preferred method of shipping (optional values: Standard, Express, Overnight)",
            }
        },
        ["method"],
    )
    result = fill_arguments(user("ship it with express delivery"), ship)
    assert result.arguments == {"method": "Express"}


def test_profile_in_system_message_fills_missing_required_values() -> None:
    review = tool(
        {
            "UserName": {"type": "string"},
            "email": {"type": "string", "format": "email"},
            "stars": {"type": "integer"},
        },
        ["UserName", "email", "stars"],
    )
    messages = [
        {
            "role": "system",
            "content": "User profile: {'basic_features': {'UserName': 'Dana Lee', 'UserEmail': 'dana@example.com'}}",
        },
        *user("Post a 4 stars review for me"),
    ]
    result = fill_arguments(messages, review)
    assert result.arguments == {"UserName": "Dana Lee", "email": "dana@example.com", "stars": 4}
    assert result.sources == {"UserName": "context", "email": "context", "stars": "number"}


def test_quoted_dates_and_numbers_still_count_as_typed_values() -> None:
    move = tool(
        {
            "time": {"type": "string", "description": "Format: %Y-%m-%d %H:%M:%S"},
            "room": {"type": "integer", "description": "room number"},
        },
        ["time", "room"],
    )
    result = fill_arguments(user('The new time is "2023-03-22 14:00:00" and the room is "12".'), move)
    assert result.arguments == {"time": "2023-03-22 14:00:00", "room": 12}


def test_end_time_borrows_the_date_of_the_start() -> None:
    meeting = tool(
        {
            "start_time": {"type": "string", "description": "Format: %Y-%m-%d %H:%M:%S"},
            "end_time": {"type": "string", "description": "Format: %Y-%m-%d %H:%M:%S"},
        },
        ["start_time", "end_time"],
    )
    result = fill_arguments(user("Book the meeting on March 20th 2023 from 2pm to 4pm"), meeting)
    assert result.arguments == {"start_time": "2023-03-20 14:00:00", "end_time": "2023-03-20 16:00:00"}


def test_min_score_trades_coverage_for_safety() -> None:
    lookup = tool({"isbn": {"type": "string", "description": "Book ISBN"}}, ["isbn"])
    messages = user('Look up "Dune" for me')  # a quoted title, but nothing says it is the ISBN
    assert fill_arguments(messages, lookup).missing == ["isbn"]
    loose = fill_arguments(messages, lookup, min_score=0.25)
    assert loose.arguments == {"isbn": "Dune"} and loose.sources == {"isbn": "quoted"}


def test_label_words_after_the_cue_are_skipped() -> None:
    guide = tool({"location": {"type": "string"}, "isbn": {"type": "string"}}, ["location", "isbn"])
    result = fill_arguments(
        user("Recycling guide for the location with the code '8uAnMlT3', ISBN number 9780340898447"), guide
    )
    assert result.arguments == {"location": "8uAnMlT3", "isbn": "9780340898447"}


def test_the_parameter_whose_words_are_all_near_wins() -> None:
    venue = tool(
        {"venue_id": {"type": "string"}, "customer_id": {"type": "string"}}, ["venue_id", "customer_id"]
    )
    result = fill_arguments(user("The customer ID is C5678 and the venue ID is V1234."), venue)
    assert result.arguments == {"venue_id": "V1234", "customer_id": "C5678"}


def test_city_and_region_are_kept_together_at_the_end_of_a_clause() -> None:
    traffic = tool({"location": {"type": "string"}}, ["location"])
    assert fill_arguments(user("Traffic conditions in Miami, FL."), traffic).arguments == {
        "location": "Miami, FL"
    }
    assert fill_arguments(user("Is it busy in Boston today?"), traffic).arguments == {"location": "Boston"}


def test_dates_as_said_by_the_user_keep_their_words() -> None:
    alarm = tool(
        {"date": {"type": "string", "description": "Date or day as said by the user, e.g. 'tomorrow'."}}
    )
    result = fill_arguments(user("set an alarm for seven am tomorrow"), alarm)
    assert result.arguments == {"date": "tomorrow"}
    assert result.sources == {"date": "date"}


def test_anchored_schema_pattern_finds_its_value() -> None:
    order = tool({"sku": {"type": "string", "pattern": "^[A-Z]{3}-\\d{4}$"}}, ["sku"])
    assert fill_arguments(user("Where is my order of ABC-1234?"), order).arguments == {"sku": "ABC-1234"}
    assert fill_arguments(user("Where is my order of abc-12?"), order).missing == ["sku"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Get the air quality for Springfield, Oakridge, and Eugene.", ["Springfield", "Oakridge", "Eugene"]),
        ("Compare prices in New York, Los Angeles and Chicago", ["New York", "Los Angeles", "Chicago"]),
        ("I'm particularly interested in smoky and spicy flavors.", ["smoky", "spicy"]),
        ("Yes, stick to Microsoft, Google, and Amazon in Q2.", ["Microsoft", "Google", "Amazon"]),
    ],
)
def test_coordinated_lists_fill_string_arrays(text: str, expected: list[str]) -> None:
    items = tool(
        {"items": {"type": "array", "items": {"type": "string"}, "description": "Things to use"}}, ["items"]
    )
    result = fill_arguments(user(text), items)
    assert result.arguments == {"items": expected}


def test_number_lists_are_coerced_to_the_item_type() -> None:
    ages = tool({"ages": {"type": "array", "items": {"type": "integer"}}}, ["ages"])
    result = fill_arguments(user("A trip with my two kids, ages 5 and 7."), ages)
    assert result.arguments == {"ages": [5, 7]}


def test_a_failing_llm_leaves_the_result_incomplete_with_the_reason() -> None:
    def broken(spec: ToolSpec, messages: list[dict[str, Any]]) -> dict[str, Any] | None:
        raise TimeoutError("model took too long")

    result = fill_arguments(user("weather please"), WEATHER, llm=broken)
    assert result.missing == ["city"]
    assert result.errors == ["args llm failed: TimeoutError: model took too long"]
    assert not result.complete


def test_ticker_symbols_are_upper_case_words() -> None:
    stock = tool({"symbol": {"type": "string", "description": "Ticker symbol"}}, ["symbol"])
    assert fill_arguments(user("What is the stock price of NVDA?"), stock).arguments == {"symbol": "NVDA"}
    assert fill_arguments(user("how is apple stock doing"), stock).missing == ["symbol"]


def test_unnamed_numbers_pair_with_unnamed_parameters_in_order() -> None:
    add = tool({"a": {"type": "integer"}, "b": {"type": "integer"}}, ["a", "b"], name="add")
    result = fill_arguments(user("add 19 and 23"), add)
    assert result.arguments == {"a": 19, "b": 23} and result.complete
    assert fill_arguments(user("add 19, 23 and 4"), add).missing == ["a", "b"]  # three numbers: unsure


@pytest.mark.parametrize(
    ("text", "formula"),
    [("What is the result of (9+6)*3?", "(9+6)*3"), ("Can you calculate (4*2)/(1+3)?", "(4*2)/(1+3)")],
)
def test_arithmetic_expressions_fill_formula_parameters(text: str, formula: str) -> None:
    calc = tool({"formula": {"type": "string"}}, ["formula"])
    assert fill_arguments(user(text), calc).arguments == {"formula": formula}


def test_quoted_logins_need_the_word_near_and_joined_names_count() -> None:
    login = tool({"user_name": {"type": "string"}}, ["user_name"])
    assert fill_arguments(user('Add "Meeting with John" to my agenda'), login).missing == ["user_name"]
    result = fill_arguments(user('Check the database using the username "admin".'), login)
    assert result.arguments == {"user_name": "admin"}


def test_an_identifier_is_never_the_word_before_its_name() -> None:
    """ "booking ID BNR321": the booking ID is BNR321, and "booking" is no passenger ID."""
    check_in = tool({"bookingId": {"type": "string"}, "passengerId": {"type": "string"}},
                    ["bookingId", "passengerId"], name="checkIn")
    result = fill_arguments(user("Can I check in for my booking with booking ID BNR321?"), check_in, today=TODAY)
    assert result.arguments == {"bookingId": "BNR321"}
    assert result.missing == ["passengerId"]


def test_the_tools_own_name_words_are_not_values() -> None:
    """ "make a loan payment" names the tool, not the payment method: left to the fallback."""
    pay = tool({"loanID": {"type": "string"}, "paymentAmount": {"type": "string"},
                "paymentMethod": {"type": "string"}}, ["loanID", "paymentAmount", "paymentMethod"],
               name="makeLoanPayment")
    result = fill_arguments(user("I would like to make a loan payment of 500 USD for loan ID L54321."), pay,
                            today=TODAY)
    assert result.arguments == {"loanID": "L54321", "paymentAmount": "500"}
    assert result.missing == ["paymentMethod"]
    # a kind of thing may be the topic itself
    taxi = tool({"transport_type": {"type": "string", "description": "Means of transport, e.g. 'train', 'taxi'."}},
                ["transport_type"], name="transport_taxi")
    assert fill_arguments(user("please book a taxi for me"), taxi, today=TODAY).arguments == {"transport_type": "taxi"}


def test_amount_and_currency_as_strings() -> None:
    """ "500 USD": the amount is 500 and the currency USD; group separators and % signs go."""
    transfer = tool({"fromAccountID": {"type": "string"}, "amount": {"type": "string"},
                     "currency": {"type": "string"}}, ["fromAccountID", "amount", "currency"],
                    name="initiateTransfer")
    result = fill_arguments(user("Please transfer 12,500 USD from account ID 123456."), transfer, today=TODAY)
    assert result.arguments == {"fromAccountID": "123456", "amount": "12500", "currency": "USD"}
    deposit = tool({"depositAmount": {"type": "string"}, "interestRate": {"type": "string"},
                    "currency": {"type": "string"}}, ["depositAmount", "interestRate"], name="openDeposit")
    result = fill_arguments(user("Open a deposit of 10,000 euros at an interest rate of 2.5%."), deposit,
                            today=TODAY)
    assert result.arguments == {"depositAmount": "10000", "interestRate": "2.5", "currency": "EUR"}


def test_a_linker_counts_after_the_parameters_head_word() -> None:
    """ "platforms are trending in Japan": what is said of platforms is no platform_region."""
    checker = tool({"platform_region": {"type": "string", "description": "The region for which to check platform "
                                                                         "popularity."}}, name="PlatformChecker")
    result = fill_arguments(user("I want to know which music platforms are trending in Japan."), checker, today=TODAY)
    assert result.arguments == {"platform_region": "Japan"}
    city = tool({"departure_city": {"type": "string"}}, ["departure_city"], name="trip")
    assert fill_arguments(user("my departure city is paris"), city, today=TODAY).arguments == {"departure_city": "paris"}


def test_singular_keeps_words_ending_in_us_and_is() -> None:
    from router.args.params import singular

    assert [singular(w) for w in ("status", "analysis", "focus", "cities", "rooms", "class")] == [
        "status", "analysis", "focus", "city", "room", "class"]


def test_language_names_and_codes() -> None:
    translate = tool({"text": {"type": "string"},
                      "src_lang": {"type": "string", "description": "Source language, e.g. 'en'."},
                      "tgt_lang": {"type": "string", "description": "Target language, e.g. 'en'."}},
                     ["text", "src_lang", "tgt_lang"], name="translate")
    result = fill_arguments(user('Translate "buenos dias" from Spanish into German.'), translate, today=TODAY)
    assert result.arguments == {"text": "buenos dias", "src_lang": "es", "tgt_lang": "de"}
    report = tool({"topic": {"type": "string"}, "report_language": {"type": "string"}}, name="make_report")
    result = fill_arguments(user("Can you write the report in Spanish?"), report, today=TODAY)
    assert result.arguments.get("report_language") == "Spanish"


def test_street_address_and_label_words() -> None:
    move = tool({"personalID": {"type": "string"}, "newAddress": {"type": "string"}}, ["personalID", "newAddress"],
                name="updateAddress")
    result = fill_arguments(user("Please change my address to 789 Maple Street, Springfield for ID number 5544332211."),
                            move, today=TODAY)
    assert result.arguments == {"personalID": "5544332211", "newAddress": "789 Maple Street, Springfield"}
    pay = tool({"toAccountID": {"type": "string"}, "fromAccountID": {"type": "string"}}, ["toAccountID"],
               name="schedulePayment")
    result = fill_arguments(user("Set up a payment to account ID 654321."), pay, today=TODAY)
    assert result.arguments == {"toAccountID": "654321"}  # "ID" is a label, not the source account


def test_a_labelled_date_beats_the_order_of_a_range() -> None:
    """ "due" reads like a range end, but here each date carries its parameter's name."""
    week = tool({"due_date": {"type": "string", "format": "date"},
                 "current_date": {"type": "string", "format": "date"}}, ["due_date", "current_date"], name="week")
    text = "Which week am I in, with a due date of October 6, 2008 and the current date of May 11, 2016?"
    assert fill_arguments(user(text), week, today=TODAY).arguments == {"due_date": "2008-10-06",
                                                                      "current_date": "2016-05-11"}
    stay = tool({"start_date": {"type": "string", "format": "date"},
                 "end_date": {"type": "string", "format": "date"}}, ["start_date", "end_date"], name="book")
    assert fill_arguments(user("Book it from May 3 to May 9."), stay, today=TODAY).arguments == {
        "start_date": "2024-05-03", "end_date": "2024-05-09"}


def test_identifiers_that_name_their_kind() -> None:
    """ "guest ID GUEST005 for booking ID BOOKING008": each ID goes where its own name says."""
    check_in = tool({"bookingID": {"type": "string"}, "guestID": {"type": "string"}}, ["bookingID", "guestID"],
                    name="checkIn")
    result = fill_arguments(user("I want to check in guest ID GUEST005 for booking ID BOOKING008."), check_in,
                            today=TODAY)
    assert result.arguments == {"bookingID": "BOOKING008", "guestID": "GUEST005"}
    ship = tool({"senderAddress": {"type": "string"}}, ["senderAddress"], name="createShipment")
    result = fill_arguments(user("Ship it from my address 114 8th Ave, New York please."), ship, today=TODAY)
    assert result.arguments == {"senderAddress": "114 8th Ave, New York"}


def test_python_style_type_names_are_read_as_json_schema() -> None:
    # schemas generated from Python signatures say "dict", "float", "tuple", "any"; jsonschema
    # rejects them, which used to leave every argument unfilled
    volume = ToolSpec("cylinder_volume", "Volume of a cylinder.", {
        "type": "dict",
        "properties": {"radius": {"type": "float"}, "height": {"type": "float"}, "unit": {"type": "any"}},
        "required": ["radius", "height"],
    })
    result = fill_arguments(user("volume of a cylinder with radius 3.5 cm and height 12 cm?"), volume)
    assert result.errors == []
    assert result.arguments == {"radius": 3.5, "height": 12}
    move = ToolSpec("move_robot", "Move the robot.", {
        "type": "dict", "properties": {"position": {"type": "tuple", "items": {"type": "integer"}}},
        "required": ["position"],
    })
    assert fill_arguments(user("move the robot to (4, 7)"), move).arguments == {"position": [4, 7]}


def test_standard_schema_maps_every_sub_schema_and_keeps_standard_ones() -> None:
    from router.args.validate import standard_schema

    standard = {"type": "object", "properties": {"a": {"type": "array", "items": {"type": "number"}}}}
    assert standard_schema(standard) is standard
    mapped = standard_schema({
        "type": "dict",
        "properties": {
            "a": {"type": "list", "items": {"type": "int"}},
            "b": {"type": ["str", "None"]},
            "c": {"anyOf": [{"type": "bool"}, {"type": "any"}]},
            "d": {"type": "tuple", "items": [{"type": "float"}, {"type": "str"}]},
            "e": {"type": "dict", "additionalProperties": {"type": "double"}},
        },
        "$defs": {"p": {"type": "long"}},
    })
    assert mapped == {
        "type": "object",
        "properties": {
            "a": {"type": "array", "items": {"type": "integer"}},
            "b": {"type": ["string", "null"]},
            "c": {"anyOf": [{"type": "boolean"}, {}]},
            "d": {"type": "array", "prefixItems": [{"type": "number"}, {"type": "string"}]},
            "e": {"type": "object", "additionalProperties": {"type": "number"}},
        },
        "$defs": {"p": {"type": "integer"}},
    }
    # an unknown type name stays, and the schema is still reported as invalid
    assert standard_schema({"type": "no-such-type"}) == {"type": "no-such-type"}


@pytest.mark.parametrize("first", ["origin", "destination"])
def test_trip_ends_follow_the_prepositions_not_the_schema_order(first: str) -> None:
    second = "destination" if first == "origin" else "origin"
    trip = tool({first: {"type": "string"}, second: {"type": "string"}}, [first, second], name="get_distance")
    for text in ("How far is it from Dallas to Denver?", "What's the distance between Dallas and Denver in miles?"):
        assert fill_arguments(user(text), trip).arguments == {"origin": "Dallas", "destination": "Denver"}, text


def test_a_city_keeps_its_state_code() -> None:
    weather = tool({"location": {"type": "string", "description": "The city and state, e.g. San Francisco, CA"}},
                   ["location"], name="get_current_weather")
    assert fill_arguments(user("What's the weather like in Boston, MA today?"), weather).arguments == {
        "location": "Boston, MA"}


def test_a_quoted_title_is_the_work_and_by_names_its_maker() -> None:
    play = tool({"song": {"type": "string"}, "artist": {"type": "string"}}, ["song"], name="play_song")
    assert fill_arguments(user("Play 'Bohemian Rhapsody' by Queen."), play).arguments == {
        "song": "Bohemian Rhapsody", "artist": "Queen"}
    book = tool({"author": {"type": "string"}, "title": {"type": "string"}}, ["title"], name="find_book")
    assert fill_arguments(user('Find "Emma" by Jane Austen'), book).arguments == {
        "title": "Emma", "author": "Jane Austen"}
    # a comma inside the closing quote belongs to the sentence
    post = tool({"author": {"type": "string"}}, ["author"], name="publish")
    assert fill_arguments(user('the author is "John Doe," and the date is today'), post).arguments == {
        "author": "John Doe"}


def test_the_recipient_of_an_email_tool_is_an_address() -> None:
    mail = tool({"to": {"type": "string"}, "body": {"type": "string"}}, ["to", "body"], name="send_email")
    result = fill_arguments(user("Send an email to alice@example.com saying the meeting moved to 3pm."), mail)
    assert result.arguments["to"] == "alice@example.com"
    # the same parameter name in a tool that is not about mail stays a place
    trip = tool({"to": {"type": "string"}}, ["to"], name="book_train")
    assert fill_arguments(user("Book a train to Berlin"), trip).arguments == {"to": "Berlin"}


def test_currency_pairs_take_codes_in_the_direction_said() -> None:
    convert = tool({"amount": {"type": "number"}, "from_currency": {"type": "string"},
                    "to_currency": {"type": "string"}}, ["amount", "from_currency", "to_currency"], name="convert")
    assert fill_arguments(user("Convert 100 euros to dollars."), convert).arguments == {
        "amount": 100, "from_currency": "EUR", "to_currency": "USD"}
    assert fill_arguments(user("How much is 1000 USD in EUR?"), convert).arguments == {
        "amount": 1000, "from_currency": "USD", "to_currency": "EUR"}


def test_time_format_hh_mm_and_money_named_by_its_role() -> None:
    table = tool({"time": {"type": "string", "description": "Time, HH:MM"}}, ["time"], name="book_table")
    assert fill_arguments(user("a table at 7pm"), table, today=TODAY).arguments == {"time": "19:00"}
    loan = tool({"principal": {"type": "number"}, "years": {"type": "integer"}}, ["principal", "years"],
                name="mortgage_payment")
    assert fill_arguments(user("a $200,000 loan over 30 years"), loan).arguments == {"principal": 200000, "years": 30}


def test_how_many_what_about_and_which_place() -> None:
    news = tool({"topic": {"type": "string"}, "limit": {"type": "integer"}}, ["topic"], name="get_news")
    assert fill_arguments(user("Get the top 5 news headlines about technology."), news).arguments == {
        "topic": "technology", "limit": 5}
    book = tool({"restaurant_name": {"type": "string"}, "party_size": {"type": "integer"}},
                ["restaurant_name", "party_size"], name="book_restaurant")
    assert fill_arguments(user("Book a table for 4 people at Luigi's tonight."), book).arguments == {
        "restaurant_name": "Luigi's", "party_size": 4}


def test_one_letter_names_pair_with_numbers_in_order() -> None:
    sides = tool({"a": {"type": "number"}, "b": {"type": "number"}}, ["a", "b"], name="hypotenuse")
    # the article "a" in the request is not the parameter a
    assert fill_arguments(user("Calculate the hypotenuse of a right triangle with sides 3 and 4."), sides).arguments == {
        "a": 3, "b": 4}


def test_two_free_text_parameters_never_take_the_same_text() -> None:
    bodies = tool({"body1": {"type": "string"}, "body2": {"type": "string"}}, ["body1", "body2"], name="distance")
    result = fill_arguments(user("What's the distance from the Earth to the Moon?"), bodies)
    assert len(set(map(str, result.arguments.values()))) == len(result.arguments)
    assert result.missing  # better to ask the LLM than to send one text twice


def test_lists_of_numbers_hyphenated_units_and_what_a_message_says() -> None:
    mean = tool({"numbers": {"type": "array", "items": {"type": "number"}}}, ["numbers"], name="average")
    assert fill_arguments(user("the average of 4, 8, 15, 16, 23 and 42"), mean).arguments == {
        "numbers": [4, 8, 15, 16, 23, 42]}
    forecast = tool({"location": {"type": "string"}, "days": {"type": "integer"}}, ["location", "days"], name="forecast")
    assert fill_arguments(user("Get the 10-day forecast for Seattle."), forecast).arguments == {
        "location": "Seattle", "days": 10}
    sms = tool({"phone_number": {"type": "string"}, "message": {"type": "string"}}, ["phone_number", "message"],
               name="send_sms")
    assert fill_arguments(user("Send a message to +1-555-123-4567 saying I'll be late at 5pm."), sms).arguments == {
        "phone_number": "+1-555-123-4567", "message": "I'll be late at 5pm"}
    say = tool({"text": {"type": "string"}, "target_language": {"type": "string"}}, ["text", "target_language"],
               name="translate")
    assert fill_arguments(user('How do I say "What time is it?" in French?'), say).arguments == {
        "text": "What time is it?", "target_language": "French"}


def test_a_title_after_called_and_a_lone_quoted_word() -> None:
    event = tool({"title": {"type": "string"}, "duration_minutes": {"type": "integer"}}, ["title"], name="create_event")
    assert fill_arguments(user("Create an event called Team Sync for 30 minutes."), event).arguments == {
        "title": "Team Sync", "duration_minutes": 30}
    define = tool({"word": {"type": "string"}}, ["word"], name="define_word")
    assert fill_arguments(user("Look up the definition of 'serendipity'."), define).arguments == {"word": "serendipity"}


def test_common_assistant_requests() -> None:
    directions = tool({"start": {"type": "string"}, "end": {"type": "string"}}, ["start", "end"], name="get_directions")
    assert fill_arguments(user("Get directions from Central Park to Times Square."), directions).arguments == {
        "start": "Central Park", "end": "Times Square"}
    units = tool({"value": {"type": "number"}, "from_unit": {"type": "string"}, "to_unit": {"type": "string"}},
                 ["value", "from_unit", "to_unit"], name="convert_units")
    assert fill_arguments(user("Convert 5 miles to kilometers."), units).arguments == {
        "value": 5, "from_unit": "miles", "to_unit": "kilometers"}
    pizza = tool({"quantity": {"type": "integer"}, "size": {"type": "string", "enum": ["small", "large"]},
                  "address": {"type": "string"}}, ["quantity", "size", "address"], name="order_pizza")
    assert fill_arguments(user("Order 2 large pizzas for delivery to 12 Oak Street."), pizza).arguments == {
        "quantity": 2, "size": "large", "address": "12 Oak Street"}
    remind = tool({"task": {"type": "string"}, "time": {"type": "string"}}, ["task", "time"], name="create_reminder")
    assert fill_arguments(user("Remind me to water the plants every Sunday at 9am."), remind,
                          today=TODAY).arguments["task"] == "water the plants"
    search = tool({"query": {"type": "string"}, "max_results": {"type": "integer"}}, ["query"], name="youtube_search")
    assert fill_arguments(user("Search YouTube for cat videos, max 20 results."), search).arguments == {
        "query": "cat videos", "max_results": 20}
    median = tool({"values": {"type": "array", "items": {"type": "number"}}}, ["values"], name="median")
    assert fill_arguments(user("Find the median of 3, 1, 4, 1, 5."), median).arguments == {"values": [3, 1, 4, 1, 5]}


def test_units_say_what_a_number_measures() -> None:
    motion = tool({"initial_velocity": {"type": "number"}, "acceleration": {"type": "number"},
                   "time": {"type": "number"}}, ["initial_velocity", "acceleration", "time"], name="final_velocity")
    text = "A car starts at 10 m/s and accelerates at 2 m/s^2 for 5 seconds: its final velocity?"
    assert fill_arguments(user(text), motion).arguments == {"initial_velocity": 10, "acceleration": 2, "time": 5}
    light = tool({"distance_km": {"type": "number"}}, ["distance_km"], name="light_travel_time")
    assert fill_arguments(user("How long does light take over 300 million km?"), light).arguments == {
        "distance_km": 300_000_000}
    budget = tool({"budget": {"type": "number", "description": "Budget in millions of USD"}}, ["budget"], name="plan")
    assert fill_arguments(user("The budget is 300 million."), budget).arguments == {"budget": 300}


def test_named_things_and_formulas() -> None:
    score = tool({"team": {"type": "string"}}, ["team"], name="get_game_score")
    assert fill_arguments(user("What was the score of the Lakers game last night?"), score).arguments == {"team": "Lakers"}
    show = tool({"show": {"type": "string"}, "platform": {"type": "string"}}, ["show"], name="play_show")
    assert fill_arguments(user("Play the next episode of Breaking Bad."), show).arguments == {"show": "Breaking Bad"}
    movie = tool({"title": {"type": "string"}}, ["title"], name="find_movie")
    assert fill_arguments(user("The director is Christopher Nolan."), movie).missing == ["title"]
    weight = tool({"formula": {"type": "string"}}, ["formula"], name="molecular_weight")
    assert fill_arguments(user("What's the molecular weight of H2O?"), weight).arguments == {"formula": "H2O"}


def test_a_login_token_is_only_for_a_login_parameter() -> None:
    login = tool({"username": {"type": "string"}}, ["username"], name="get_token")
    assert fill_arguments(user("username jdoe, password hunter2"), login).arguments == {"username": "jdoe"}
    # "user" in a place's name does not make it a login: "my home location" names no place
    home = tool({"UserHomeLocation": {"type": "string"}}, ["UserHomeLocation"], name="track")
    assert fill_arguments(user("deliver according to my home location please"), home).missing == ["UserHomeLocation"]
    # nor does "user interface" give a username
    assert fill_arguments(user("Switch the user interface to dark mode"), login).missing == ["username"]


def test_a_year_is_never_a_ticker_or_an_id() -> None:
    stock = tool({"ticker": {"type": "string", "description": "Stock ticker symbol, e.g. AAPL"}}, ["ticker"])
    assert fill_arguments(user("How did Apple's stock do in 1999?"), stock).missing == ["ticker"]
    assert fill_arguments(user("Price of AAPL in 2021"), stock).arguments == {"ticker": "AAPL"}
    # a number that is not said as a year stays a candidate (Tokyo's tickers are numbers)
    assert fill_arguments(user("What is 7203 trading at?"), stock).arguments == {"ticker": "7203"}


def test_numbers_for_math_functions() -> None:
    numbers = {"type": "array", "items": {"type": "integer"}, "description": "List of integers"}
    assert fill_arguments(user("Add 4, 8 and 15 together"), tool({"numbers": numbers}, ["numbers"])).arguments == {
        "numbers": [4, 8, 15]
    }
    # an ordinal is a position: "the 12th Fibonacci number"
    fib = tool({"n": {"type": "integer", "description": "Position in the sequence"}}, ["n"])
    assert fill_arguments(user("What is the 12th Fibonacci number?"), fib).arguments == {"n": 12}
    # a percentage for a rate wanted as a decimal; a rate wanted in percent keeps its number
    for description, rate in (("Annual interest rate as a decimal", 0.04), ("Annual interest rate in percent", 4)):
        interest = tool({"principal": {"type": "number"}, "rate": {"type": "number", "description": description}},
                        ["principal", "rate"])
        result = fill_arguments(user("How much will $5,000 grow to at 4% annual interest?"), interest)
        assert result.arguments == {"principal": 5000, "rate": rate}
    # "decimal places" asks for a count, not a fraction
    rounding = tool({"value": {"type": "number", "description": "Number of decimal places"}}, ["value"])
    assert fill_arguments(user("round it at 5%"), rounding).arguments == {"value": 5}


def test_unit_letters_and_the_number_they_measure() -> None:
    unit = {"type": "string", "enum": ["C", "F", "K"]}
    convert = tool({"value": {"type": "number"}, "from_unit": unit, "to_unit": unit}, ["value", "from_unit", "to_unit"])
    assert fill_arguments(user("Convert 98.6 Fahrenheit to Celsius"), convert).arguments == {
        "value": 98.6, "from_unit": "F", "to_unit": "C"
    }


def test_a_venue_parameter_takes_the_venue_named() -> None:
    book = tool({"restaurant": {"type": "string", "description": "Restaurant name"},
                 "party_size": {"type": "integer"}}, ["restaurant", "party_size"], name="book_table")
    assert fill_arguments(user("Book a table for four at Nopa"), book).arguments == {
        "restaurant": "Nopa", "party_size": 4
    }


def test_unit_abbreviations_in_an_enum_match_the_unit_named() -> None:
    length = {"type": "string", "enum": ["m", "km", "mi", "ft"]}
    convert = tool({"value": {"type": "number"}, "from_unit": length, "to_unit": length},
                   ["value", "from_unit", "to_unit"])
    assert fill_arguments(user("Convert 5 kilometers to miles"), convert).arguments == {
        "value": 5, "from_unit": "km", "to_unit": "mi"
    }


def test_a_date_and_a_time_from_one_mention() -> None:
    event = tool({"date": {"type": "string", "format": "date"}, "time": {"type": "string", "description": "HH:MM"}},
                 ["date", "time"])
    for text, clock in (("on December 3, 2026 at 9:15 am", "09:15"), ("at 9am on December 3, 2026", "09:00")):
        assert fill_arguments(user(f"Add a dentist visit {text}"), event).arguments == {
            "date": "2026-12-03", "time": clock
        }


def test_a_participle_flag_matches_any_form_of_its_verb() -> None:
    hotels = tool({"city": {"type": "string"}, "pets_allowed": {"type": "boolean"}}, ["city"])
    assert fill_arguments(user("Find a hotel in Denver that allows pets"), hotels).arguments == {
        "city": "Denver", "pets_allowed": True
    }
    # "testing" is no participle: "Test the app" says nothing of automated_testing
    app = tool({"app_id": {"type": "string"}, "automated_testing": {"type": "boolean"}}, ["app_id"])
    assert "automated_testing" not in fill_arguments(user('Test the app with ID "Gb5B114WTf".'), app).arguments


def test_pairs_of_units_follow_from_and_to() -> None:
    volume = {"type": "string", "enum": ["l", "ml", "gal"]}
    convert = tool({"amount": {"type": "number"}, "from_unit": volume, "to_unit": volume},
                   ["amount", "from_unit", "to_unit"])
    assert fill_arguments(user("Convert 2 liters to milliliters"), convert).arguments == {
        "amount": 2, "from_unit": "l", "to_unit": "ml"
    }
    mode = {"type": "string", "enum": ["driving", "walking", "transit", "cycling"]}
    route = tool({"start": {"type": "string"}, "end": {"type": "string"}, "mode": mode}, ["start", "end", "mode"])
    assert fill_arguments(user("From Union Station to the Art Institute by bike"), route).arguments["mode"] == "cycling"


def test_units_said_as_words_or_word_forms() -> None:
    loan = tool({"principal": {"type": "number", "description": "Loan amount"}, "months": {"type": "integer"}},
                ["principal", "months"])
    assert fill_arguments(user("Payment on a 20000 dollar car loan over 60 months?"), loan).arguments == {
        "principal": 20000, "months": 60
    }
    dice = tool({"count": {"type": "integer", "description": "How many dice"},
                 "sides": {"type": "integer", "description": "Sides per die"}}, ["count", "sides"])
    assert fill_arguments(user("Roll three 20-sided dice"), dice).arguments == {"count": 3, "sides": 20}


def test_a_work_is_named_before_by_and_its_maker() -> None:
    play = tool({"song": {"type": "string", "description": "Song title"},
                 "artist": {"type": "string", "description": "Artist name"}}, ["song"], name="play_song")
    assert fill_arguments(user("Play Bohemian Rhapsody by Queen"), play).arguments == {
        "song": "Bohemian Rhapsody", "artist": "Queen"
    }


def test_a_flight_number_keeps_its_airline_code() -> None:
    status = tool({"flight_number": {"type": "string"}}, ["flight_number"], name="get_flight_status")
    assert fill_arguments(user("Is flight UA 917 on time?"), status).arguments == {"flight_number": "UA 917"}
    assert fill_arguments(user("status of flight AA100"), status).arguments == {"flight_number": "AA100"}


def test_scientific_notation_and_cuisines() -> None:
    force = tool({"charge1": {"type": "number", "description": "Coulombs"},
                  "charge2": {"type": "number", "description": "Coulombs"},
                  "distance": {"type": "number", "description": "Meters"}}, ["charge1", "charge2", "distance"])
    said = user("The force between charges of 2e-6 C and 3e-6 C that are 0.05 m apart?")
    assert fill_arguments(said, force).arguments == {"charge1": 2e-6, "charge2": 3e-6, "distance": 0.05}
    food = tool({"cuisine": {"type": "string"}, "city": {"type": "string"}}, ["cuisine", "city"])
    assert fill_arguments(user("Find Italian restaurants in Chicago"), food).arguments == {
        "cuisine": "Italian", "city": "Chicago"
    }


def test_a_subject_runs_past_a_leading_name() -> None:
    email = tool({"to": {"type": "string"}, "subject": {"type": "string"}, "body": {"type": "string"}},
                 ["to", "subject", "body"], name="send_email")
    said = user("Send an email to jo@ex.com with subject Q3 report and body 'Numbers attached'")
    assert fill_arguments(said, email).arguments == {"to": "jo@ex.com", "subject": "Q3 report",
                                                     "body": "Numbers attached"}


def test_make_it_names_the_new_target() -> None:
    convert = tool({"amount": {"type": "number"}, "from_currency": {"type": "string"},
                    "to_currency": {"type": "string"}}, ["amount", "from_currency", "to_currency"])
    said = [{"role": "user", "content": "Convert 100 USD to EUR"},
            {"role": "assistant", "content": "100 USD is about 92 EUR."},
            {"role": "user", "content": "Actually, make it GBP"}]
    assert fill_arguments(said, convert).arguments == {"amount": 100, "from_currency": "USD", "to_currency": "GBP"}


def test_log_in_as_names_the_username() -> None:
    login = tool({"username": {"type": "string"}, "password": {"type": "string"}}, ["username", "password"])
    assert fill_arguments(user("Log me in as jsmith with password Tr0ub4dor"), login).arguments == {
        "username": "jsmith", "password": "Tr0ub4dor"
    }


def test_a_range_lends_its_year_to_its_start() -> None:
    stay = tool({"check_in": {"type": "string", "format": "date"}, "check_out": {"type": "string", "format": "date"}},
                ["check_in", "check_out"])
    assert fill_arguments(user("Any rooms from March 3 to March 7, 2027?"), stay).arguments == {
        "check_in": "2027-03-03", "check_out": "2027-03-07"
    }


def test_the_thing_counted_and_free_text_before_another_value() -> None:
    order = tool({"item": {"type": "string"}, "quantity": {"type": "integer"}}, ["item", "quantity"])
    assert fill_arguments(user("Order twenty five bags of coffee beans"), order).arguments == {
        "item": "coffee beans", "quantity": 25
    }
    sort = {"type": "string", "enum": ["price_asc", "price_desc", "rating"]}
    search = tool({"query": {"type": "string"}, "sort": sort}, ["query", "sort"])
    assert fill_arguments(user("Show me gaming laptops, cheapest first"), search).arguments == {
        "query": "gaming laptops", "sort": "price_asc"
    }


def test_reminders_topics_tags_and_payees() -> None:
    remind = tool({"minutes": {"type": "integer"}, "text": {"type": "string"}}, ["minutes", "text"])
    assert fill_arguments(user("Remind me in 20 minutes to check the oven"), remind).arguments == {
        "minutes": 20, "text": "check the oven"
    }
    report = tool({"topic": {"type": "string"}}, ["topic"])
    assert fill_arguments(user("Generate a report on solar energy, please"), report).arguments == {
        "topic": "solar energy"
    }
    posts = tool({"hashtag": {"type": "string"}}, ["hashtag"])
    assert fill_arguments(user("Find posts tagged #travel"), posts).arguments == {"hashtag": "#travel"}
    pay = tool({"amount": {"type": "number"}, "recipient": {"type": "string"}}, ["amount", "recipient"])
    assert fill_arguments(user("Send €1.2k to Maria"), pay).arguments == {"amount": 1200, "recipient": "Maria"}


def test_developer_tool_values() -> None:
    issue = tool({"repo": {"type": "string"}, "title": {"type": "string"},
                  "labels": {"type": "array", "items": {"type": "string"}}}, ["repo", "title"])
    said = user("Open an issue in acme/webapp titled 'Login button broken on Safari' with the label bug")
    assert fill_arguments(said, issue).arguments == {"repo": "acme/webapp", "title": "Login button broken on Safari"}
    order = tool({"order_id": {"type": "string"}}, ["order_id"])
    assert fill_arguments(user("Where is my order 112-7788-3345?"), order).arguments == {"order_id": "112-7788-3345"}
    price = tool({"sku": {"type": "string"}, "price": {"type": "number"}}, ["sku", "price"])
    assert fill_arguments(user("Change the price of SKU TS-RED-M to 19.99"), price).arguments == {
        "sku": "TS-RED-M", "price": 19.99
    }
    block = tool({"ip": {"type": "string"}, "hours": {"type": "integer"}}, ["ip", "hours"])
    assert fill_arguments(user("Block 198.51.100.7 for 48 hours"), block).arguments == {
        "ip": "198.51.100.7", "hours": 48
    }
    sql = tool({"query": {"type": "string", "description": "SQL"}}, ["query"])
    assert fill_arguments(user("Run SELECT count(*) FROM users WHERE active = true"), sql).arguments == {
        "query": "SELECT count(*) FROM users WHERE active = true"
    }
    branch = tool({"name": {"type": "string"}, "from_branch": {"type": "string"}}, ["name", "from_branch"])
    assert fill_arguments(user("Create a branch called feature/login-fix from main"), branch).arguments == {
        "name": "feature/login-fix", "from_branch": "main"
    }


def test_people_and_durations_in_business_requests() -> None:
    contact = tool({"name": {"type": "string"}, "email": {"type": "string", "format": "email"},
                    "company": {"type": "string"}}, ["name", "email"])
    said = user("Add Priya Nair from Globex, priya.nair@globex.com, to my contacts")
    assert fill_arguments(said, contact).arguments == {"name": "Priya Nair", "email": "priya.nair@globex.com",
                                                       "company": "Globex"}
    ticket = tool({"ticket_id": {"type": "string"}, "assignee": {"type": "string"}}, ["ticket_id", "assignee"])
    assert fill_arguments(user("Assign ticket #4821 to Carlos"), ticket).arguments["assignee"] == "Carlos"
    meeting = tool({"duration_minutes": {"type": "integer"}}, ["duration_minutes"])
    assert fill_arguments(user("Book it for half an hour"), meeting).arguments == {"duration_minutes": 30}


def test_everyday_requests_of_the_last_batch() -> None:
    taxi = tool({"pickup": {"type": "string", "description": "Pickup address"},
                 "dropoff": {"type": "string", "description": "Drop-off address"}}, ["pickup", "dropoff"])
    said = user("Get me a cab from 221B Baker Street to Paddington Station")
    assert fill_arguments(said, taxi).arguments == {"pickup": "221B Baker Street", "dropoff": "Paddington Station"}
    rate = tool({"base_currency": {"type": "string"}, "target_currency": {"type": "string"}},
                ["base_currency", "target_currency"])
    said = [{"role": "user", "content": "How many yen is a dollar?"},
            {"role": "assistant", "content": "About 150 yen to the dollar."},
            {"role": "user", "content": "And how many euros?"}]
    assert fill_arguments(said, rate).arguments == {"base_currency": "USD", "target_currency": "EUR"}
    language = tool({"language": {"type": "string", "enum": ["en", "fr", "de"]}}, ["language"])
    assert fill_arguments(user("Switch the interface to German"), language).arguments == {"language": "de"}
    call = tool({"contact": {"type": "string"}, "time": {"type": "string", "description": "HH:MM"}}, ["contact", "time"])
    assert fill_arguments(user("Schedule a call with Dr. Chen at 4:45pm"), call).arguments == {
        "contact": "Dr. Chen", "time": "16:45"
    }
    ship = tool({"weight_lb": {"type": "number"}, "destination_zip": {"type": "string"}}, ["weight_lb", "destination_zip"])
    assert fill_arguments(user("How much to ship a 3.5 lb box to 10001?"), ship).arguments == {
        "weight_lb": 3.5, "destination_zip": "10001"
    }
    workout = tool({"activity": {"type": "string"}, "duration_minutes": {"type": "integer"}},
                   ["activity", "duration_minutes"])
    assert fill_arguments(user("Log a 45 minute run"), workout).arguments == {"activity": "run", "duration_minutes": 45}
    server = tool({"server": {"type": "string", "description": "IP address"}}, ["server"])
    assert fill_arguments(user("Deploy it to the server at 192.168.77.71."), server).arguments == {
        "server": "192.168.77.71"
    }


def test_names_with_numbers_titles_and_files() -> None:
    shows = tool({"film_title": {"type": "string"}, "theater_city": {"type": "string"}}, ["film_title", "theater_city"])
    assert fill_arguments(user("Showtimes for Dune Part Two in Denver"), shows).arguments == {
        "film_title": "Dune Part Two", "theater_city": "Denver"
    }
    photo = tool({"album_title": {"type": "string"}, "file_name": {"type": "string"}}, ["album_title", "file_name"])
    assert fill_arguments(user("Upload beach.jpg to the album Summer 2026"), photo).arguments == {
        "album_title": "Summer 2026", "file_name": "beach.jpg"
    }
    rename = tool({"old_path": {"type": "string"}, "new_path": {"type": "string"}}, ["old_path", "new_path"])
    assert fill_arguments(user("Rename report.txt to report-final.txt"), rename).arguments == {
        "old_path": "report.txt", "new_path": "report-final.txt"
    }
    donate = tool({"charity_name": {"type": "string"}, "amount_usd": {"type": "number"}}, ["charity_name", "amount_usd"])
    assert fill_arguments(user("Donate 25 dollars to the Red Cross"), donate).arguments == {
        "charity_name": "Red Cross", "amount_usd": 25
    }
    bmr = tool({"age": {"type": "integer"}, "sex": {"type": "string", "enum": ["male", "female"]}}, ["age", "sex"])
    assert fill_arguments(user("BMR for a 30 year old woman"), bmr).arguments == {"age": 30, "sex": "female"}


def test_values_from_the_conversation_and_the_system_message() -> None:
    flight = tool({"origin": {"type": "string"}, "destination": {"type": "string"}}, ["origin", "destination"])
    said = [{"role": "system", "content": "The user is based in Chicago."},
            {"role": "user", "content": "I need to fly to Madrid"}]
    assert fill_arguments(said, flight).arguments == {"origin": "Chicago", "destination": "Madrid"}
    reminder = tool({"text": {"type": "string"}, "time": {"type": "string", "description": "HH:MM"}}, ["text", "time"])
    said = [{"role": "user", "content": "Remind me to take my medicine"},
            {"role": "assistant", "content": "Sure, at what time?"},
            {"role": "user", "content": "8:30 in the evening"}]
    assert fill_arguments(said, reminder).arguments == {"text": "take my medicine", "time": "20:30"}
    bill = tool({"total": {"type": "number"}, "people": {"type": "integer"}, "tip_percent": {"type": "number"}},
                ["total", "people", "tip_percent"])
    said = [{"role": "user", "content": "Dinner came to $240"}, {"role": "assistant", "content": "How many of you?"},
            {"role": "user", "content": "Six of us, and add 18% tip"}]
    assert fill_arguments(said, bill).arguments == {"total": 240, "people": 6, "tip_percent": 18}
    money = tool({"amount": {"type": "number"}, "from_currency": {"type": "string"}, "to_currency": {"type": "string"}},
                 ["amount", "from_currency", "to_currency"])
    said = user("How much are 300 Swiss francs in dollars?")
    assert fill_arguments(said, money).arguments == {"amount": 300, "from_currency": "CHF", "to_currency": "USD"}
    music = tool({"artist": {"type": "string"}, "shuffle": {"type": "boolean"}}, ["artist"])
    assert fill_arguments(user("Play some Fleetwood Mac on shuffle"), music).arguments == {
        "artist": "Fleetwood Mac", "shuffle": True
    }


def test_names_with_lowercase_particles() -> None:
    route = tool({"start": {"type": "string"}, "end": {"type": "string"}}, ["start", "end"])
    assert fill_arguments(user("Directions from Gare du Nord to Rio de Janeiro"), route).arguments == {
        "start": "Gare du Nord", "end": "Rio de Janeiro"
    }


def test_science_phrasings() -> None:
    choose = tool({"n": {"type": "integer", "description": "Total items"},
                   "k": {"type": "integer", "description": "Items chosen"}}, ["n", "k"])
    assert fill_arguments(user("In how many ways can I choose 2 items out of 8?"), choose).arguments == {"n": 8, "k": 2}
    points = tool({name: {"type": "number"} for name in ("x1", "y1", "x2", "y2")}, ["x1", "y1", "x2", "y2"])
    assert fill_arguments(user("What's the distance between (1, 2) and (4, 6)?"), points).arguments == {
        "x1": 1, "y1": 2, "x2": 4, "y2": 6
    }
    energy = tool({"mass_kg": {"type": "number"}, "speed_mps": {"type": "number"}}, ["mass_kg", "speed_mps"])
    said = user("A 2 kg ball is rolling at 3 meters per second. What's its kinetic energy?")
    assert fill_arguments(said, energy).arguments == {"mass_kg": 2, "speed_mps": 3}
    years = tool({"amount": {"type": "number"}, "from_year": {"type": "integer"}, "to_year": {"type": "integer"}},
                 ["amount", "from_year", "to_year"])
    assert fill_arguments(user("What is $1,000 from 1990 worth in 2024 money?"), years).arguments == {
        "amount": 1000, "from_year": 1990, "to_year": 2024
    }


def test_durations_venues_senders_and_only_flags() -> None:
    rental = tool({"city": {"type": "string"}, "days": {"type": "integer"}}, ["city", "days"])
    assert fill_arguments(user("Rent me an SUV in Phoenix for a week"), rental).arguments == {"city": "Phoenix", "days": 7}
    assert fill_arguments(user("A car in Phoenix for two weeks"), rental).arguments == {"city": "Phoenix", "days": 14}
    rate = tool({"restaurant": {"type": "string"}, "rating": {"type": "integer"}}, ["restaurant", "rating"])
    assert fill_arguments(user("Give Sushi Nakazawa four stars"), rate).arguments == {
        "restaurant": "Sushi Nakazawa", "rating": 4
    }
    inbox = tool({"sender": {"type": "string"}, "unread_only": {"type": "boolean"}}, ["sender"])
    assert fill_arguments(user("Show unread emails from my boss"), inbox).arguments == {
        "sender": "boss", "unread_only": True
    }


def test_a_sentence_opening_verb_is_no_list_item() -> None:
    stocks = tool({"tickers": {"type": "array", "items": {"type": "string"}}}, ["tickers"])
    assert fill_arguments(user("Compare TSLA and F over the past year"), stocks).arguments == {"tickers": ["TSLA", "F"]}


def test_a_short_weekday_needs_its_capital() -> None:
    sun = tool({"location": {"type": "string"}, "date": {"type": "string", "format": "date"}}, ["location", "date"])
    said = user("When does the sun set in Reykjavik on 2026-06-21?")
    assert fill_arguments(said, sun).arguments == {"location": "Reykjavik", "date": "2026-06-21"}
    assert fill_arguments(user("Sunset in Reykjavik on Sun"), sun, today=TODAY).arguments["date"] == "2024-05-12"


def test_counts_of_things_are_counts_not_values() -> None:
    rhymes = tool({"word": {"type": "string"}, "limit": {"type": "integer"}}, ["word"], name="word_rhymes")
    assert fill_arguments(user("Give me 10 words that rhyme with orange"), rhymes).arguments == {
        "word": "orange", "limit": 10
    }
    places = tool({"location": {"type": "string"}, "cuisine": {"type": "string"}, "max_results": {"type": "integer"}},
                  ["location"], name="restaurant_search")
    said = user("I'm in Denver, CO for 3 days. Find me 5 Thai places.")
    assert fill_arguments(said, places).arguments == {"location": "Denver, CO", "cuisine": "Thai", "max_results": 5}


def test_twin_names_initials_synonyms_and_years() -> None:
    planets = tool({"planet_a": {"type": "string"}, "planet_b": {"type": "string"},
                    "unit": {"type": "string", "enum": ["km", "au", "miles"]}}, ["planet_a", "planet_b"])
    assert fill_arguments(user("How far is Mars from Earth in astronomical units?"), planets).arguments == {
        "planet_a": "Mars", "planet_b": "Earth", "unit": "au"
    }
    speed = tool({"unit": {"type": "string", "enum": ["kph", "mph"]}}, ["unit"])
    assert fill_arguments(user("Show it in miles per hour"), speed).arguments == {"unit": "mph"}
    assert fill_arguments(user("Show it in a unit I know"), speed).arguments == {}
    loan = tool({"credit_score": {"type": "integer"}, "annual_income": {"type": "number"},
                 "loan_amount": {"type": "number"}}, ["credit_score", "annual_income", "loan_amount"])
    said = user("With a credit score of 720 and a salary of 60k, can I get a $250,000 loan?")
    assert fill_arguments(said, loan).arguments == {"credit_score": 720, "annual_income": 60000, "loan_amount": 250000}
    film = tool({"title": {"type": "string"}, "year": {"type": "integer"}}, ["title"])
    assert fill_arguments(user("Who directed the 1982 film Blade Runner?"), film).arguments == {
        "title": "Blade Runner", "year": 1982
    }


def test_names_between_a_determiner_and_the_parameter_and_trips_without_from() -> None:
    recipe = tool({"recipe": {"type": "string"}, "servings": {"type": "integer"}}, ["recipe", "servings"])
    assert fill_arguments(user("Scale my banana bread recipe up to 12 servings"), recipe).arguments == {
        "recipe": "banana bread", "servings": 12
    }
    alert = tool({"origin": {"type": "string", "description": "Airport code"},
                  "destination": {"type": "string", "description": "Airport code"}, "max_price": {"type": "number"}},
                 ["origin", "destination", "max_price"])
    assert fill_arguments(user("Tell me when SFO to JFK drops under $300"), alert).arguments == {
        "origin": "SFO", "destination": "JFK", "max_price": 300
    }
    museum = tool({"museum": {"type": "string"}}, ["museum"])
    assert fill_arguments(user("Is the Louvre open today?"), museum).arguments == {"museum": "Louvre"}


def test_the_thing_a_question_is_about() -> None:
    species = tool({"species": {"type": "string", "description": "Common name"}}, ["species"], name="species_info")
    assert fill_arguments(user("What do red pandas eat?"), species).arguments == {"species": "red pandas"}
    assert fill_arguments(user("How old are they?"), species).arguments == {}
    landmark = tool({"landmark": {"type": "string"}, "unit": {"type": "string", "enum": ["m", "ft"]}}, ["landmark"],
                    name="get_height")
    assert fill_arguments(user("How tall is the Eiffel Tower?"), landmark).arguments == {"landmark": "Eiffel Tower"}
    health = tool({"gender": {"type": "string"}, "age": {"type": "integer"}}, ["gender", "age"],
                  name="get_health_behavior")
    assert "gender" not in fill_arguments(user("The health behavior of someone who is 75"), health).arguments


def test_flags_said_by_adjectives() -> None:
    room = tool({"smoking": {"type": "boolean"}, "pets": {"type": "boolean"}, "furnished": {"type": "boolean"}})
    assert fill_arguments(user("A non-smoking, pet-friendly room"), room).arguments == {"smoking": False, "pets": True}
    assert fill_arguments(user("Unfurnished places only"), room).arguments == {"furnished": False}
    assert fill_arguments(user("A furnished smoking room"), room).arguments == {"smoking": True, "furnished": True}


def test_changes_names_and_counted_objects() -> None:
    rename = tool({"current_name": {"type": "string"}, "new_name": {"type": "string"}}, ["current_name", "new_name"])
    assert fill_arguments(user("Rename #general-chat to #announcements"), rename).arguments == {
        "current_name": "#general-chat", "new_name": "#announcements"
    }
    account = tool({"profile": {"type": "object", "properties": {
        "first_name": {"type": "string"}, "last_name": {"type": "string"}, "email": {"type": "string"}}}})
    said = user("Create an account for Maria Lopez, maria.lopez@example.com")
    assert fill_arguments(said, account).arguments == {
        "profile": {"first_name": "Maria", "last_name": "Lopez", "email": "maria.lopez@example.com"}
    }
    order = tool({"items": {"type": "array", "items": {"type": "object", "properties": {
        "name": {"type": "string"}, "quantity": {"type": "integer"}}}}, "address": {"type": "string"}},
        ["items", "address"])
    assert fill_arguments(user("Order 2 margherita pizzas and 1 caesar salad to 12 Elm Street"), order).arguments == {
        "items": [{"name": "margherita pizzas", "quantity": 2}, {"name": "caesar salad", "quantity": 1}],
        "address": "12 Elm Street",
    }
    meeting = tool({"with_person": {"type": "string"}}, ["with_person"])
    assert fill_arguments(user("Move my meeting with Dana"), meeting).arguments == {"with_person": "Dana"}


def test_zones_hosts_currencies_products_and_messages() -> None:
    zones = tool({"time": {"type": "string"}, "from_tz": {"type": "string"}, "to_tz": {"type": "string"}},
                 ["time", "from_tz", "to_tz"])
    assert fill_arguments(user("What's 9:00 PST in CET?"), zones).arguments == {
        "time": "09:00", "from_tz": "PST", "to_tz": "CET"
    }
    server = tool({"server": {"type": "string"}, "duration_hours": {"type": "integer"}}, ["server"])
    assert fill_arguments(user("Take db-prod-2 down for 3 hours"), server).arguments == {
        "server": "db-prod-2", "duration_hours": 3
    }
    rates = tool({"base": {"type": "string", "description": "Currency code"},
                  "target": {"type": "string", "description": "Currency code"}}, ["base", "target"])
    assert fill_arguments(user("How has the yen moved against the dollar?"), rates).arguments == {
        "base": "JPY", "target": "USD"
    }
    versus = tool({"product_1": {"type": "string"}, "product_2": {"type": "string"}}, ["product_1", "product_2"])
    assert fill_arguments(user("Which is better, the Pixel 9 or the iPhone 16?"), versus).arguments == {
        "product_1": "Pixel 9", "product_2": "iPhone 16"
    }
    sms = tool({"phone": {"type": "string"}, "body": {"type": "string"}}, ["phone", "body"])
    assert fill_arguments(user("Text +1 415 555 0199 that the package arrived"), sms).arguments == {
        "phone": "+1 415 555 0199", "body": "the package arrived"
    }
    mute = tool({"app": {"type": "string"}, "hours": {"type": "integer"}}, ["app"])
    assert fill_arguments(user("Silence Slack for 12 hours"), mute).arguments == {"app": "Slack", "hours": 12}


def test_values_in_chatty_requests() -> None:
    haircut = tool({"salon": {"type": "string"}, "date": {"type": "string", "format": "date"},
                    "time": {"type": "string", "description": "HH:MM"}}, ["salon", "date", "time"])
    said = user("so I've got a wedding on saturday lol - can you get me in at Salon Bleu on 2026-12-04 around 2:15pm?")
    assert fill_arguments(said, haircut, today=TODAY).arguments == {
        "salon": "Salon Bleu", "date": "2026-12-04", "time": "14:15"
    }
    flowers = tool({"flower": {"type": "string"}, "quantity": {"type": "integer"}, "address": {"type": "string"}},
                   ["flower", "quantity", "address"], name="order_flowers")
    said = user("could you send a dozen red roses to 55 Pine Ave, Springfield? thanks!!")
    assert fill_arguments(said, flowers).arguments == {
        "flower": "roses", "quantity": 12, "address": "55 Pine Ave, Springfield"
    }
    visa = tool({"citizenship": {"type": "string"}, "destination": {"type": "string"}}, ["citizenship", "destination"])
    said = user("I'm a Canadian citizen thinking about a trip to Vietnam, do I need a visa?")
    assert fill_arguments(said, visa).arguments == {"citizenship": "Canadian", "destination": "Vietnam"}
    tickets = tool({"performer": {"type": "string"}, "city": {"type": "string"}}, ["performer"])
    said = user("omg Taylor Swift is touring again!! any tickets in Chicago?")
    assert fill_arguments(said, tickets).arguments == {"performer": "Taylor Swift", "city": "Chicago"}
    gift = tool({"recipient": {"type": "string"}, "budget": {"type": "number"}}, ["recipient"])
    assert fill_arguments(user("Need a gift for my dad, maybe $100 max"), gift).arguments == {
        "recipient": "dad", "budget": 100
    }
    pay = tool({"hourly_rate": {"type": "number"}, "overtime_hours": {"type": "number"}},
               ["hourly_rate", "overtime_hours"])
    said = user("I make $22 an hour and worked 6 extra hours this week")
    assert fill_arguments(said, pay).arguments == {"hourly_rate": 22, "overtime_hours": 6}
    cancel = tool({"service": {"type": "string"}}, ["service"])
    assert fill_arguments(user("honestly I never use Hulu anymore, cancel it"), cancel).arguments == {"service": "Hulu"}


def test_numbers_times_and_dates_said_in_words() -> None:
    meet = tool({"time": {"type": "string", "description": "HH:MM"}}, ["time"])
    assert fill_arguments(user("Let's meet at a quarter past three in the afternoon"), meet).arguments == {
        "time": "15:15"}
    assert fill_arguments(user("Wake me up at half past six"), meet).arguments == {"time": "06:30"}
    assert fill_arguments(user("Call at a quarter to five pm"), meet).arguments == {"time": "16:45"}
    block = tool({"start": {"type": "string", "description": "HH:MM"}, "end": {"type": "string",
                                                                             "description": "HH:MM"}},
                 ["start", "end"])
    assert fill_arguments(user("Block it from nine to eleven thirty"), block).arguments == {
        "start": "09:00", "end": "11:30"}
    birthday = tool({"person": {"type": "string"}, "date": {"type": "string", "description": "MM-DD"}},
                    ["person", "date"])
    assert fill_arguments(user("Jake's birthday is on the fifth of May"), birthday).arguments == {
        "person": "Jake", "date": "05-05"}
    assert fill_arguments(user("It's on the fifth of May"), birthday).arguments == {"date": "05-05"}
    oven = tool({"celsius": {"type": "integer"}}, ["celsius"])
    assert fill_arguments(user("Preheat the oven to one eighty"), oven).arguments == {"celsius": 180}
    split = tool({"total": {"type": "number"}, "people": {"type": "integer"}}, ["total", "people"])
    assert "total" not in fill_arguments(user("Split ninety-six fifty between three of us"), split).arguments
    budget = tool({"amount": {"type": "number"}}, ["amount"])
    assert fill_arguments(user("Put 3 grand toward the kitchen"), budget).arguments == {"amount": 3000}
    loan = tool({"amount": {"type": "number"}, "years": {"type": "integer"}}, ["amount", "years"], name="loan_quote")
    assert fill_arguments(user("What would a 1.5k loan over two years cost me?"), loan).arguments == {
        "amount": 1500, "years": 2}
    task = tool({"task": {"type": "string"}, "times_per_week": {"type": "integer"}}, ["task", "times_per_week"])
    assert fill_arguments(user("Remind me to water the ferns twice a week"), task).arguments == {
        "task": "water the ferns", "times_per_week": 2}
    alarm = tool({"time": {"type": "string", "description": "HH:MM"}, "label": {"type": "string"}}, ["time"])
    assert fill_arguments(user("Set an alarm at noon labelled lunch"), alarm).arguments == {
        "time": "12:00", "label": "lunch"}
    report = tool({"year": {"type": "integer"}, "quarter": {"type": "integer", "enum": [1, 2, 3, 4]}})
    assert fill_arguments(user("Pull up the Q3 2025 numbers"), report).arguments == {"year": 2025, "quarter": 3}


def test_rates_synonyms_quoted_texts_and_earlier_subjects() -> None:
    mortgage = tool({"annual_income": {"type": "number"}, "monthly_debts": {"type": "number"},
                     "down_payment": {"type": "number"}}, ["annual_income", "monthly_debts", "down_payment"])
    said = user("I make $95k a year, pay $600 a month in debts and have $40,000 saved for a down payment")
    assert fill_arguments(said, mortgage).arguments == {
        "annual_income": 95000, "monthly_debts": 600, "down_payment": 40000}
    flights = tool({"origin": {"type": "string"}, "direct_only": {"type": "boolean"}}, ["origin"])
    assert fill_arguments(user("Nonstop only, from Austin"), flights).arguments == {
        "origin": "Austin", "direct_only": True}
    words = tool({"text": {"type": "string"}}, ["text"], name="word_count")
    said = user("Here's my intro: 'Hello everyone, welcome to the show.' How many words is that?")
    assert fill_arguments(said, words).arguments == {"text": "Hello everyone, welcome to the show."}
    prices = tool({"product": {"type": "string"}, "stores": {"type": "array", "items": {"type": "string"}}},
                  ["product", "stores"], name="compare_prices")
    said = user("Compare the price of AirPods Pro at Amazon, Best Buy and Walmart")
    assert fill_arguments(said, prices).arguments == {"product": "AirPods Pro",
                                                      "stores": ["Amazon", "Best Buy", "Walmart"]}
    task = tool({"title": {"type": "string"}, "due_date": {"type": "string", "format": "date"}},
                ["title", "due_date"], name="create_task")
    chat = [{"role": "user", "content": "Add a task: renew passport"},
            {"role": "assistant", "content": "When is it due?"}, {"role": "user", "content": "By 2027-01-31"}]
    assert fill_arguments(chat, task).arguments == {"title": "renew passport", "due_date": "2027-01-31"}


def test_values_written_by_name_bounds_signs_and_exclusions() -> None:
    invoice = tool({"client": {"type": "string"}, "amount": {"type": "number"}, "currency": {"type": "string"},
                    "due_days": {"type": "integer"}}, ["client", "amount", "currency", "due_days"])
    said = user('create_invoice(client="Acme Corp", amount=1250, currency="EUR", due_days=30)')
    assert fill_arguments(said, invoice).arguments == {
        "client": "Acme Corp", "amount": 1250, "currency": "EUR", "due_days": 30}
    quote = tool({"symbol": {"type": "string"}, "exchange": {"type": "string"}}, ["symbol"])
    assert fill_arguments(user("symbol: TSLA, exchange: NASDAQ"), quote).arguments == {
        "symbol": "TSLA", "exchange": "NASDAQ"}
    users = tool({"role": {"type": "string", "enum": ["admin", "editor"]}, "active": {"type": "boolean"},
                  "limit": {"type": "integer"}})
    assert fill_arguments(user("List up to 25 active editors"), users).arguments == {
        "role": "editor", "active": True, "limit": 25}
    rating = tool({"min_rating": {"type": "number"}, "max_distance_km": {"type": "number"}})
    assert fill_arguments(user("rated at least 4.5, within 3 km"), rating).arguments == {
        "min_rating": 4.5, "max_distance_km": 3}
    climb = tool({"from_m": {"type": "number"}, "to_m": {"type": "number"}}, ["from_m", "to_m"])
    assert fill_arguments(user("From 120 m below sea level up to 850 m"), climb).arguments == {
        "from_m": -120, "to_m": 850}
    stock = tool({"sku": {"type": "string"}, "delta": {"type": "integer",
                                                       "description": "Change in units; negative to remove"}},
                 ["sku", "delta"])
    assert fill_arguments(user("Remove 12 units of SKU-7781"), stock).arguments == {"sku": "SKU-7781", "delta": -12}
    assert fill_arguments(user("Add 12 units of SKU-7781"), stock).arguments == {"sku": "SKU-7781", "delta": 12}
    news = tool({"segment": {"type": "string"}, "exclude": {"type": "array", "items": {"type": "string"}}})
    assert fill_arguments(user("Send it to all subscribers except Canada and Mexico"), news).arguments[
        "exclude"] == ["Canada", "Mexico"]
    report = tool({"frequency": {"type": "string", "enum": ["daily", "weekly"]},
                   "recipients": {"type": "array", "items": {"type": "string"}}}, ["frequency", "recipients"])
    said = user("Email the sales report every Monday to ops@acme.io and cfo@acme.io")
    assert fill_arguments(said, report).arguments == {"frequency": "weekly",
                                                      "recipients": ["ops@acme.io", "cfo@acme.io"]}


def test_cryptic_names_read_their_descriptions() -> None:
    news = tool({"q": {"type": "string", "description": "Search query"},
                 "lang": {"type": "string", "description": "Two-letter language code"},
                 "n": {"type": "integer", "description": "Number of articles"}}, ["q"])
    said = user("Find 5 articles in French about the Tour de France")
    assert fill_arguments(said, news).arguments == {"q": "Tour de France", "lang": "fr", "n": 5}
    holidays = tool({"cc": {"type": "string", "description": "ISO country code, e.g. US, DE"},
                     "yr": {"type": "integer", "description": "Year"}}, ["cc", "yr"])
    said = user("What are the public holidays in Germany in 2027?")
    assert fill_arguments(said, holidays).arguments == {"cc": "DE", "yr": 2027}
    three = tool({"country": {"type": "string", "description": "ISO 3166 alpha-3 code"}}, ["country"])
    assert fill_arguments(user("Population of the USA"), three).arguments == {"country": "USA"}
    assert fill_arguments(user("Is turkey healthy?"), three).arguments == {}
    fx = tool({"amt": {"type": "number", "description": "Amount"},
               "frm": {"type": "string", "description": "Source currency code"},
               "to": {"type": "string", "description": "Target currency code"}}, ["amt", "frm", "to"])
    assert fill_arguments(user("fx 250 GBP to USD"), fx).arguments == {"amt": 250, "frm": "GBP", "to": "USD"}
    cagr = tool({"bv": {"type": "number", "description": "Beginning value"},
                 "ev": {"type": "number", "description": "Ending value"},
                 "yrs": {"type": "number", "description": "Number of years"}}, ["bv", "ev", "yrs"])
    said = user("CAGR if it went from 10,000 to 18,500 in 5 years")
    assert fill_arguments(said, cagr).arguments == {"bv": 10000, "ev": 18500, "yrs": 5}
    vat = tool({"net": {"type": "number", "description": "Net price"},
                "pct": {"type": "number", "description": "VAT rate in percent"}}, ["net", "pct"])
    assert fill_arguments(user("Add 20% VAT to 49.99"), vat).arguments == {"net": 49.99, "pct": 20}
    switch = tool({"on": {"type": "boolean", "description": "Whether to turn the device on or off"}}, ["on"])
    assert fill_arguments(user("Turn it on"), switch).arguments == {"on": True}
    sms = tool({"sms": {"type": "string", "description": "Phone number to send SMS alerts to."}}, ["sms"])
    assert fill_arguments(user("Alert me by SMS at +1234567890."), sms).arguments == {"sms": "+1234567890"}


def test_places_with_their_state_listed() -> None:
    weather = tool({"location": {"type": "string", "description": "City and state, e.g. San Francisco, CA"}},
                   ["location"], name="get_current_weather")
    result = fill_arguments(user("What's the weather like in Boston, MA and San Francisco, CA?"), weather)
    assert result.arguments == {"location": "Boston, MA"}
    assert result.several == {"location": ["Boston, MA", "San Francisco, CA"]}


def test_domain_values_people_music_durations_and_maps() -> None:
    stats = tool({"player": {"type": "string"}, "season": {"type": "string"},
                  "stat": {"type": "string", "enum": ["points", "assists"]}}, ["player", "season", "stat"])
    said = user("How many assists did LeBron James average in the 2022-23 season?")
    assert fill_arguments(said, stats).arguments == {"player": "LeBron James", "season": "2022-23", "stat": "assists"}
    chord = tool({"chord": {"type": "string"}, "semitones": {"type": "integer"}}, ["chord", "semitones"],
                 name="transpose_chord")
    assert fill_arguments(user("Transpose C#m7 up 3 semitones"), chord).arguments == {"chord": "C#m7", "semitones": 3}
    metronome = tool({"bpm": {"type": "integer"}, "time_signature": {"type": "string", "description": "e.g. 4/4"}})
    assert fill_arguments(user("metronome at 92 bpm in 3/4"), metronome).arguments == {
        "bpm": 92, "time_signature": "3/4"}
    zones = tool({"age": {"type": "integer"}, "resting_hr": {"type": "integer"}}, ["age", "resting_hr"])
    said = user("I'm 41 with a resting heart rate of 58, what are my zones?")
    assert fill_arguments(said, zones).arguments == {"age": 41, "resting_hr": 58}
    pace = tool({"distance_km": {"type": "number"}, "target_minutes": {"type": "number"}},
                ["distance_km", "target_minutes"])
    said = user("What pace do I need to run 21.1 km in 1 hour 50 minutes?")
    assert fill_arguments(said, pace).arguments == {"distance_km": 21.1, "target_minutes": 110}
    element = tool({"symbol": {"type": "string", "description": "Element symbol"}}, ["symbol"])
    assert fill_arguments(user("Tell me about element Fe"), element).arguments == {"symbol": "Fe"}
    star = tool({"star": {"type": "string"}}, ["star"], name="star_info")
    assert fill_arguments(user("How far away is Betelgeuse?"), star).arguments == {"star": "Betelgeuse"}
    pet = tool({"species": {"type": "string", "enum": ["dog", "cat"]}, "age_weeks": {"type": "integer"}})
    assert fill_arguments(user("My kitten is 10 weeks old"), pet).arguments == {"species": "cat", "age_weeks": 10}
    paid = tool({"paid": {"type": "object", "additionalProperties": {"type": "number"}}}, ["paid"])
    said = user("Ana paid 120, Ben paid 45 and Chloe paid 80. Who owes whom?")
    assert fill_arguments(said, paid).arguments == {"paid": {"Ana": 120, "Ben": 45, "Chloe": 80}}
    groceries = tool({"items": {"type": "array", "items": {"type": "string"}}}, ["items"])
    assert fill_arguments(user("I need eggs, fresh milk and some sourdough bread"), groceries).arguments == {
        "items": ["eggs", "fresh milk", "sourdough bread"]}


def test_a_short_request_is_what_a_search_seeks() -> None:
    places = tool({"kw": {"type": "string", "description": "Keyword"},
                   "r": {"type": "integer", "description": "Radius in meters"}}, ["kw"], name="poi")
    assert fill_arguments(user("pharmacies within 800 meters"), places).arguments == {"kw": "pharmacies", "r": 800}
    rated = tool({"query": {"type": "string"}, "min_rating": {"type": "number"}}, ["query", "min_rating"])
    assert fill_arguments(user("coffee shops rated at least 4.5"), rated).arguments == {
        "query": "coffee shops", "min_rating": 4.5}
    assert fill_arguments(user("It's F24681"), rated).arguments == {}


def chat(*turns: str) -> list[dict[str, Any]]:
    return [{"role": "user" if i % 2 == 0 else "assistant", "content": t} for i, t in enumerate(turns)]


def test_conversations_answers_and_corrections() -> None:
    transfer = tool({"from_account": {"type": "string"}, "to_account": {"type": "string"},
                     "amount": {"type": "number"}}, ["from_account", "to_account", "amount"])
    said = chat("Move $500 from checking", "Which account should it go to?", "savings")
    assert fill_arguments(said, transfer).arguments["to_account"] == "savings"
    contact = tool({"name": {"type": "string"}, "email": {"type": "string"}}, ["name"])
    said = chat("Add a new contact", "What's their name?", "Priya Shah", "Phone or email?", "priya@shah.dev")
    assert fill_arguments(said, contact).arguments == {"name": "Priya Shah", "email": "priya@shah.dev"}
    bike = tool({"station": {"type": "string"}, "hours": {"type": "integer"}}, ["station", "hours"])
    said = chat("I want to rent a bike for 2 hours", "Which station?", "The one at Union Square")
    assert fill_arguments(said, bike).arguments == {"station": "Union Square", "hours": 2}
    playlist = tool({"playlist": {"type": "string"}, "shuffle": {"type": "boolean"}}, ["playlist"])
    assert fill_arguments(chat("Play my Workout playlist", "Shuffle it?", "yes"), playlist).arguments == {
        "playlist": "Workout", "shuffle": True}
    assert fill_arguments(chat("Play my Workout playlist", "Shuffle it?", "no thanks"), playlist).arguments == {
        "playlist": "Workout", "shuffle": False}
    shares = tool({"ticker": {"type": "string"}, "shares": {"type": "integer"}}, ["ticker", "shares"])
    said = chat("Buy 10 shares of AMZN", "Confirm: 10 AMZN at market?", "No wait, make it 15")
    assert fill_arguments(said, shares).arguments == {"ticker": "AMZN", "shares": 15}
    weather = tool({"city": {"type": "string"}, "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}},
                   ["city"])
    said = chat("What's the weather in Chicago?", "It's 41°F and windy.", "What about Toronto, in celsius?")
    assert fill_arguments(said, weather).arguments == {"city": "Toronto", "unit": "celsius"}
    recipes = tool({"dish": {"type": "string"}, "diet": {"type": "string", "enum": ["none", "vegan"]}}, ["dish"],
                   name="search_recipes")
    said = chat("Find me a lasagna recipe", "Any dietary needs?", "I'm vegan")
    assert fill_arguments(said, recipes).arguments == {"dish": "lasagna", "diet": "vegan"}
    address = tool({"street": {"type": "string"}, "city": {"type": "string"}, "zip": {"type": "string"}},
                   ["street", "city", "zip"])
    said = chat("Please update my address", "What's the new address?", "22 Baker Lane, Denver 80203")
    assert fill_arguments(said, address).arguments == {"street": "22 Baker Lane", "city": "Denver", "zip": "80203"}


def test_values_in_the_format_and_unit_a_parameter_asks_for() -> None:
    card = tool({"amount_cents": {"type": "integer", "description": "Amount in cents"},
                 "currency": {"type": "string", "description": "ISO currency code"}}, ["amount_cents", "currency"])
    assert fill_arguments(user("Charge $12.50 to the card on file"), card).arguments == {
        "amount_cents": 1250, "currency": "USD"}
    weight = tool({"weight_kg": {"type": "number"}, "date": {"type": "string", "format": "date"}},
                  ["weight_kg", "date"])
    assert fill_arguments(user("I weighed 176 lbs this morning"), weight, today=TODAY).arguments == {
        "weight_kg": 79.83, "date": "2024-05-08"}
    room = tool({"celsius": {"type": "number"}}, ["celsius"])
    assert fill_arguments(user("Set the room to 70 degrees Fahrenheit"), room).arguments == {"celsius": 21.11}
    parking = tool({"plate": {"type": "string"}, "hours": {"type": "number"}}, ["plate", "hours"])
    assert fill_arguments(user("Park plate 7KLM442 for 90 minutes"), parking).arguments == {
        "plate": "7KLM442", "hours": 1.5}
    sleep = tool({"hours": {"type": "number"}}, ["hours"])
    assert fill_arguments(user("I want to sleep 7 and a half hours"), sleep).arguments == {"hours": 7.5}
    meeting = tool({"days": {"type": "array", "items": {"type": "string", "enum": ["mon", "tue", "wed", "thu", "fri"]}}},
                   ["days"])
    assert fill_arguments(user("every Monday, Wednesday and Friday"), meeting).arguments == {
        "days": ["mon", "wed", "fri"]}
    optin = tool({"email": {"type": "string"}, "subscribe": {"type": "string", "enum": ["yes", "no"]}},
                 ["email", "subscribe"])
    assert fill_arguments(user("Unsubscribe jo@example.org from the newsletter"), optin).arguments == {
        "email": "jo@example.org", "subscribe": "no"}
    share = tool({"role": {"type": "string", "enum": ["viewer", "commenter", "editor"]}}, ["role"])
    assert fill_arguments(user("Share it so they can edit"), share).arguments == {"role": "editor"}
    clip = tool({"start_seconds": {"type": "integer"}, "end_seconds": {"type": "integer"}},
                ["start_seconds", "end_seconds"])
    assert fill_arguments(user("Clip it from 1:05 to 2:30"), clip).arguments == {"start_seconds": 65,
                                                                                  "end_seconds": 150}
    flag = tool({"priority": {"type": "integer", "description": "1 (low) to 5 (urgent)"}}, ["priority"])
    assert fill_arguments(user("Mark message m-2231 as urgent"), flag).arguments == {"priority": 5}
    cron = tool({"hour": {"type": "integer"}, "minute": {"type": "integer"}}, ["hour", "minute"])
    assert fill_arguments(user("Run it every night at 2:30 am"), cron).arguments == {"hour": 2, "minute": 30}
    booking = tool({"start": {"type": "string", "description": "HH:MM"}, "duration_minutes": {"type": "integer"}},
                   ["start", "duration_minutes"])
    assert fill_arguments(user("Book room 4B from 10 to 11:30"), booking).arguments == {
        "start": "10:00", "duration_minutes": 90}
    languages = tool({"languages": {"type": "array", "items": {"type": "string"}, "description": "ISO 639-1 codes"}},
                     ["languages"])
    assert fill_arguments(user("I speak English and Portuguese"), languages).arguments == {"languages": ["en", "pt"]}


def test_shopping_and_support_values() -> None:
    cart = tool({"sku": {"type": "string"}, "size": {"type": "string", "enum": ["S", "M", "L", "XL"]},
                 "color": {"type": "string"}, "quantity": {"type": "integer"}}, ["sku", "size", "color", "quantity"])
    assert fill_arguments(user("Add 2 of SKU TEE-204 in extra large, navy"), cart).arguments == {
        "sku": "TEE-204", "size": "XL", "color": "navy", "quantity": 2}
    coupon = tool({"order_id": {"type": "string"}, "code": {"type": "string"}}, ["order_id", "code"])
    assert fill_arguments(user("Use coupon SAVE20 on order #48213"), coupon).arguments == {
        "order_id": "#48213", "code": "SAVE20"}
    delivery = tool({"order_id": {"type": "string"}, "new_date": {"type": "string", "format": "date"}},
                    ["order_id", "new_date"])
    assert fill_arguments(user("Can order 55-1234 come on 2026-12-03 instead?"), delivery).arguments == {
        "order_id": "55-1234", "new_date": "2026-12-03"}
    card = tool({"card_number": {"type": "string"}, "pin": {"type": "string"}}, ["card_number", "pin"])
    assert fill_arguments(user("Check my gift card 6006 4912 3456 7890, PIN 4471"), card).arguments == {
        "card_number": "6006 4912 3456 7890", "pin": "4471"}
    returns = tool({"order_id": {"type": "string"}, "reason": {"type": "string", "enum": ["damaged", "wrong_item"]}},
                   ["order_id", "reason"])
    assert fill_arguments(user("Order 77120 arrived broken"), returns).arguments == {
        "order_id": "77120", "reason": "damaged"}
    fraud = tool({"amount": {"type": "number"}, "merchant": {"type": "string"}}, ["amount", "merchant"])
    assert fill_arguments(user("There's a $89.99 charge from QuickShopz I didn't make"), fraud).arguments == {
        "amount": 89.99, "merchant": "QuickShopz"}
    store = tool({"store": {"type": "string"}}, ["store"])
    assert fill_arguments(user("Is the Target on 5th Ave open on Sunday?"), store).arguments == {"store": "Target"}


def test_travel_and_banking_values() -> None:
    people = tool({"adults": {"type": "integer"}, "children": {"type": "integer"}, "infants": {"type": "integer"}},
                  ["adults", "children", "infants"])
    assert fill_arguments(user("Two adults, a 7-year-old and a baby"), people).arguments == {
        "adults": 2, "children": 1, "infants": 1}
    card = tool({"last_four": {"type": "string", "description": "Last four digits"}}, ["last_four"])
    assert fill_arguments(user("Freeze my card ending in 4421"), card).arguments == {"last_four": "4421"}
    wire = tool({"iban": {"type": "string"}, "amount": {"type": "number"}, "currency": {"type": "string"}},
                ["iban", "amount", "currency"])
    assert fill_arguments(user("Wire 1,500 EUR to DE89 3704 0044 0532 0130 00"), wire).arguments == {
        "iban": "DE89 3704 0044 0532 0130 00", "amount": 1500, "currency": "EUR"}
    cash = tool({"amount": {"type": "number"}}, ["amount"])
    assert fill_arguments(user("Send Marco a hundred bucks"), cash).arguments == {"amount": 100}
    rooms = tool({"check_in": {"type": "string", "format": "date"}, "check_out": {"type": "string", "format": "date"}},
                 ["check_in", "check_out"])
    assert fill_arguments(user("Checking in 2027-04-01, out on the 5th"), rooms).arguments == {
        "check_in": "2027-04-01", "check_out": "2027-04-05"}
    atm = tool({"location": {"type": "string"}, "fee_free": {"type": "boolean"}}, ["location"])
    assert fill_arguments(user("Any no-fee ATMs near Union Station?"), atm).arguments == {
        "location": "Union Station", "fee_free": True}
    splits = tool({"splits": {"type": "object", "additionalProperties": {"type": "number"}}}, ["splits"])
    said = user("Split transaction TX-5521: 40 to Groceries and 25 to Household")
    assert fill_arguments(said, splits).arguments == {"splits": {"Groceries": 40, "Household": 25}}
    dispute = tool({"reason": {"type": "string", "enum": ["fraud", "duplicate"]}}, ["reason"])
    assert fill_arguments(user("I was charged twice for TX-8830"), dispute).arguments == {"reason": "duplicate"}


def test_workplace_values() -> None:
    ticket = tool({"title": {"type": "string"}, "assignee": {"type": "string"},
                   "labels": {"type": "array", "items": {"type": "string"}}, "points": {"type": "integer"}}, ["title"])
    said = user("New ticket 'Fix login redirect' for @sam, labels bug and auth, 3 points")
    assert fill_arguments(said, ticket).arguments == {"title": "Fix login redirect", "assignee": "@sam",
                                                      "labels": ["bug", "auth"], "points": 3}
    status = tool({"text": {"type": "string"}, "emoji": {"type": "string"}}, ["text"])
    said = user("Set my status to 'In a meeting' with :calendar:")
    assert fill_arguments(said, status).arguments == {"text": "In a meeting", "emoji": ":calendar:"}
    sprint = tool({"engineers": {"type": "integer"}, "focus_factor": {"type": "number", "description": "0 to 1"}},
                  ["engineers", "focus_factor"])
    assert fill_arguments(user("5 engineers at 70% focus"), sprint).arguments == {"engineers": 5, "focus_factor": 0.7}
    hours = tool({"hours": {"type": "number"}}, ["hours"])
    assert fill_arguments(user("Log 3.5h to Apollo"), hours).arguments == {"hours": 3.5}
    remind = tool({"text": {"type": "string"}}, ["text"])
    assert fill_arguments(user("Remind me to send the invoice EOD"), remind).arguments == {"text": "send the invoice"}
    onboard = tool({"name": {"type": "string"}, "team": {"type": "string"}}, ["name"])
    assert fill_arguments(user("Onboard Kim Alvarez to the Data team"), onboard).arguments["name"] == "Kim Alvarez"
