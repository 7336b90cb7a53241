"""Write the hand-written near-domain set: evals/near_domain.jsonl.

    python evals/build_near_domain.py

Each row offers one to three tools of one domain (a calculator app, a finance app, a travel app...). Half
the rows need an offered tool; the other half stay in the tools' domain but no offered tool serves them:
a question to explain or advise ("Explain how mortgage interest works" next to a mortgage calculator), a
sibling object ("the area of a circle" next to ``calculate_triangle_area``), a sibling quantity ("the
perimeter" next to an area tool), the past where the tool reads the present. These are the tail a small
router fears most (the corpora's NONE rows mostly offer other domains' tools), so the set reports it
apart. Written by hand for this project (2026-11-28), no sampling, nothing taken from a benchmark.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

OUT = Path(__file__).parent / "near_domain.jsonl"


def fn(name: str, description: str, required: list[str], **optional: str) -> dict[str, Any]:
    props: dict[str, Any] = {p: {"type": "string"} for p in required}
    props.update({p: {"type": "string", "description": d} for p, d in optional.items()})
    return {"type": "function", "function": {"name": name, "description": description,
                                             "parameters": {"type": "object", "properties": props,
                                                            "required": required}}}


TRIANGLE = fn("calculate_triangle_area", "Calculate the area of a triangle given its base and height.",
              ["base", "height"])
FACTORIAL = fn("math_factorial", "Calculate the factorial of a given number.", ["number"])
MORTGAGE = fn("calculate_mortgage_payment",
              "Calculate the monthly mortgage payment for a loan amount, yearly interest rate and term in years.",
              ["loan_amount", "interest_rate", "years"])
STOCK = fn("get_stock_price", "Get the latest stock price for a ticker symbol.", ["ticker"])
WEATHER = fn("get_weather", "Get the current weather for a city.", ["city"])
CURRENCY = fn("convert_currency", "Convert an amount from one currency to another at today's rate.",
              ["amount", "from_currency", "to_currency"])
FLIGHT = fn("search_flights", "Search flights between two airports on a date.", ["origin", "destination", "date"])
HOTEL = fn("book_hotel", "Book a hotel room in a city for given dates.", ["city", "check_in", "check_out"])
TRANSLATE = fn("translate_text", "Translate text into a target language.", ["text", "target_language"])
EMAIL = fn("send_email", "Send an email to a recipient.", ["to", "body"], subject="Subject line")
RECIPE = fn("find_recipes", "Find recipes that use the given ingredients.", ["ingredients"])
DISTANCE = fn("get_driving_distance", "Get the driving distance and time between two places.",
              ["origin", "destination"])

# (tools offered, request, gold tool or None)
ROWS: list[tuple[list[dict[str, Any]], str, str | None]] = [
    ([TRIANGLE, FACTORIAL], "Find the area of a triangle with a base of 10 cm and a height of 5 cm.",
     "calculate_triangle_area"),
    ([TRIANGLE, FACTORIAL], "What is 8 factorial?", "math_factorial"),
    ([TRIANGLE, FACTORIAL], "Compute the area of a circle with radius 3.", None),
    ([TRIANGLE], "Calculate the perimeter of a square with side 4.", None),
    ([TRIANGLE, FACTORIAL], "What is the square root of 144?", None),
    ([TRIANGLE], "Why does a triangle's angles always add up to 180 degrees?", None),
    ([MORTGAGE], "What would my monthly payment be on a 300000 loan at 6.5% over 30 years?",
     "calculate_mortgage_payment"),
    ([MORTGAGE], "Explain how mortgage interest works.", None),
    ([MORTGAGE, CURRENCY], "Should I choose a fixed or a variable rate mortgage?", None),
    ([MORTGAGE], "What are closing costs when buying a house?", None),
    ([STOCK], "What's Tesla trading at right now?", "get_stock_price"),
    ([STOCK], "How did Apple's stock do in 1999?", None),
    ([STOCK, CURRENCY], "What is a stock split and why do companies do it?", None),
    ([STOCK], "Give me tips for building a diversified portfolio.", None),
    ([WEATHER], "Is it raining in Seattle right now?", "get_weather"),
    ([WEATHER], "Why is the sky blue?", None),
    ([WEATHER], "How do meteorologists predict hurricanes?", None),
    ([WEATHER, DISTANCE], "What was the weather like in London last Christmas?", None),
    ([CURRENCY], "How many yen is 250 US dollars today?", "convert_currency"),
    ([CURRENCY, STOCK], "Why does the euro get stronger when interest rates rise?", None),
    ([CURRENCY], "Which countries use the euro?", None),
    ([FLIGHT, HOTEL], "Find me flights from Boston to Denver on 2025-03-14.", "search_flights"),
    ([FLIGHT, HOTEL], "Book a room in Lisbon from May 2 to May 6.", "book_hotel"),
    ([FLIGHT, HOTEL], "What should I pack for a week in Iceland?", None),
    ([FLIGHT, HOTEL], "Do I need a visa to visit Japan with a Canadian passport?", None),
    ([FLIGHT], "Cancel my flight to Denver.", None),
    ([HOTEL, FLIGHT], "What's a good neighbourhood to stay in in Barcelona?", None),
    ([TRANSLATE], "Translate 'where is the train station' into German.", "translate_text"),
    ([TRANSLATE], "Is German grammar harder than Spanish grammar?", None),
    ([TRANSLATE, EMAIL], "What's the best way to learn French vocabulary?", None),
    ([EMAIL], "Email bob@example.com that the meeting moved to 3pm.", "send_email"),
    ([EMAIL], "How do I write a polite follow-up email to a recruiter?", None),
    ([EMAIL, TRANSLATE], "Did Anna reply to my last email?", None),
    ([RECIPE], "What can I cook with chicken, rice and spinach?", "find_recipes"),
    ([RECIPE], "How long should I boil an egg for a runny yolk?", None),
    ([RECIPE], "Is olive oil healthier than butter?", None),
    ([DISTANCE, WEATHER], "How long is the drive from Lyon to Geneva?", "get_driving_distance"),
    ([DISTANCE], "How far is the Moon from the Earth?", None),
    ([DISTANCE, FLIGHT], "What are some tips for staying awake on a long drive?", None),
]


def main() -> None:
    with OUT.open("w", encoding="utf-8") as handle:
        for tools, request, gold in ROWS:
            row = {"messages": [{"role": "user", "content": request}], "tools": tools,
                   "expected": [{"name": gold, "arguments": {}}] if gold else []}
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"wrote {len(ROWS)} rows to {OUT}")


if __name__ == "__main__":
    main()
