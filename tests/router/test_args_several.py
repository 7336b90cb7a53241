"""router.args.several: a request that lists several values where the schema takes one is not one call."""

from __future__ import annotations

import pytest

from router.actions import reads_only
from router.args.fill import fill_arguments
from router.args.several import describe, listed_after, one_call_per_value
from router.types import ArgsResult, ToolSpec

WEATHER = ToolSpec("get_weather", "Get the current weather for a city.", {
    "type": "object",
    "properties": {"city": {"type": "string"}, "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}},
    "required": ["city"],
})
STOCK = ToolSpec("get_stock_price", "Latest price for a ticker.",
                 {"type": "object", "properties": {"ticker": {"type": "string"}}, "required": ["ticker"]})
EMAIL = ToolSpec("send_email", "Send an email.", {
    "type": "object", "properties": {"to": {"type": "string"}, "body": {"type": "string"}}, "required": ["to"],
})
CIRCLE = ToolSpec("calculate_circle_area", "Area of a circle from its radius.",
                  {"type": "object", "properties": {"radius": {"type": "number"}}, "required": ["radius"]})
RANDOM = ToolSpec("random_number", "A random integer between min and max.", {
    "type": "object", "properties": {"min": {"type": "integer"}, "max": {"type": "integer"}}, "required": ["min", "max"],
})
TRIANGLE = ToolSpec("calculate_triangle_area", "Area of a triangle from base and height.", {
    "type": "object", "properties": {"base": {"type": "number"}, "height": {"type": "number"}},
    "required": ["base", "height"],
})
MANY = ToolSpec("get_weather_many", "Current weather for several cities.", {
    "type": "object", "properties": {"cities": {"type": "array", "items": {"type": "string"}}}, "required": ["cities"],
})


def fill(text: str, tool: ToolSpec):  # noqa: ANN201 - ArgsResult
    return fill_arguments([{"role": "user", "content": text}], tool)


@pytest.mark.parametrize(
    ("text", "tool", "param", "values"),
    [
        ("What's the weather in Paris and London?", WEATHER, "city", ["Paris", "London"]),
        ("weather in Paris, Berlin and Rome", WEATHER, "city", ["Paris", "Berlin", "Rome"]),
        ("Get me the stock prices of AAPL or MSFT", STOCK, "ticker", ["AAPL", "MSFT"]),
        ("Email bob@x.com and amy@y.com that the report is ready", EMAIL, "to", ["bob@x.com", "amy@y.com"]),
        ("What is the area of circles with radius 3 and 5.5?", CIRCLE, "radius", [3, 5.5]),
    ],
)
def test_several_values_make_the_call_incomplete(text: str, tool: ToolSpec, param: str, values: list[str]) -> None:
    result = fill(text, tool)
    assert result.several == {param: values}
    assert not result.complete and not result.missing and not result.errors  # filled, but not one call


@pytest.mark.parametrize(
    ("text", "tool"),
    [
        ("What's the weather in Paris?", WEATHER),
        ("What's the weather in New York and what should I wear?", WEATHER),  # a clause, not an item
        ("weather in Paris and I need it in celsius", WEATHER),
        ("What's the weather in Austin, TX?", WEATHER),  # a comma alone joins one place
        ("Email bob@x.com and tell him I'm running late", EMAIL),
        ("Give me a random number between 10 and 20", RANDOM),  # each number has its own parameter
        ("Area of a triangle with base 10 and height 5", TRIANGLE),
    ],
)
def test_one_value_is_one_call(text: str, tool: ToolSpec) -> None:
    result = fill(text, tool)
    assert result.several == {} and result.complete, result


def test_an_array_parameter_takes_the_list() -> None:
    result = fill("What's the weather in Paris and London?", MANY)
    assert result.several == {}


def test_listed_after_reads_items_of_the_values_shape() -> None:
    assert listed_after("prices of AAPL, MSFT and GOOG today", "AAPL") == ["AAPL", "MSFT", "GOOG"]
    assert listed_after("flights to Paris and then a hotel", "Paris") == ["Paris"]  # lower case: not an item
    assert listed_after("pizza and pasta recipes", "pizza") == ["pizza"]  # lower-case free text: left alone
    assert listed_after("a value not in the text", "Oslo") == ["Oslo"]


def test_one_call_per_value_only_when_one_parameter_lists_several() -> None:
    assert one_call_per_value(fill("Get me the stock prices of AAPL or MSFT", STOCK)) == [
        {"ticker": "AAPL"}, {"ticker": "MSFT"}]
    assert one_call_per_value(fill("What is the area of circles with radius 3 and 5.5?", CIRCLE)) == [
        {"radius": 3}, {"radius": 5.5}]
    assert one_call_per_value(fill("Weather in Paris", WEATHER)) is None
    # names are read as a list, but not split locally: "Pride and Prejudice" is one title; the LLM decides
    assert fill("Weather in Paris and London in celsius", WEATHER).several == {"city": ["Paris", "London"]}
    assert one_call_per_value(fill("Weather in Paris and London in celsius", WEATHER)) is None
    two = {"to": ["a@x.com", "b@x.com"]}
    assert one_call_per_value(ArgsResult({"to": "a@x.com"}, ["body"], [], {}, two)) is None  # a value missing
    both = {**two, "cc": ["c@x.com", "d@x.com"]}
    assert one_call_per_value(ArgsResult({"to": "a@x.com", "cc": "c@x.com"}, [], [], {}, both)) is None  # which pairs?


@pytest.mark.parametrize(
    ("name", "reads"),
    [("get_weather", True), ("searchFlights", True), ("shopping__getShippingOptions", True),
     ("send_email", False), ("updateAccount", False), ("WeatherTool", False), ("calculator", False)],
)
def test_only_a_tool_that_reads_runs_once_per_value(name: str, reads: bool) -> None:
    assert reads_only(name) is reads


def test_the_reason_names_every_listed_value() -> None:
    assert describe({"city": ["Paris", "London"]}) == "several values for city (Paris, London)"
    assert describe({"minutes": [10, 20.5]}) == "several values for minutes (10, 20.5)"  # numbers too
