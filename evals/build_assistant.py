"""Write the hand-written assistant chat set: evals/assistant_chat.jsonl.

    python evals/build_assistant.py

Eight common assistant tools are offered on every row. The rows (written by hand, no sampling) cover
direct requests, follow-ups that only make sense with the previous turns ("and in Paris?"), negations
("don't search, just tell me"), chit-chat and general-knowledge questions that need no tool, and a
turn right after a tool result (the LLM should answer: NONE). ``expected`` arguments list acceptable
values; ``""`` marks a parameter that may be left out; parameters not listed are not scored.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

OUT = Path(__file__).parent / "assistant_chat.jsonl"


def fn(name: str, description: str, properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {
        "type": "function",
        "function": {
            "name": name,
            "description": description,
            "parameters": {"type": "object", "properties": properties, "required": required},
        },
    }


TOOLS = [
    fn(
        "get_weather",
        "Get the current weather and today's forecast for a city.",
        {
            "city": {"type": "string", "description": "City name, e.g. London"},
            "unit": {"type": "string", "enum": ["celsius", "fahrenheit"], "default": "celsius"},
        },
        ["city"],
    ),
    fn(
        "send_email",
        "Send an email to one recipient.",
        {
            "to": {"type": "string", "format": "email", "description": "Recipient email address"},
            "subject": {"type": "string", "description": "Subject line"},
            "body": {"type": "string", "description": "Message text"},
        },
        ["to", "body"],
    ),
    fn(
        "create_calendar_event",
        "Add an event to the user's calendar.",
        {
            "title": {"type": "string", "description": "Event title"},
            "date": {"type": "string", "format": "date", "description": "Day of the event, YYYY-MM-DD"},
            "time": {"type": "string", "description": "Start time, HH:MM (24h)"},
        },
        ["title", "date"],
    ),
    fn(
        "calculator",
        "Evaluate an arithmetic expression and return the result.",
        {"expression": {"type": "string", "description": "Expression such as 12 * (3 + 4)"}},
        ["expression"],
    ),
    fn(
        "web_search",
        "Search the web for recent or specific information and return the top results.",
        {"query": {"type": "string", "description": "Search query"}},
        ["query"],
    ),
    fn(
        "translate",
        "Translate text into another language.",
        {
            "text": {"type": "string", "description": "Text to translate"},
            "target_language": {"type": "string", "description": "Language to translate into, e.g. Spanish"},
        },
        ["text", "target_language"],
    ),
    fn(
        "get_stock_price",
        "Get the latest price of a stock by its ticker symbol.",
        {"symbol": {"type": "string", "description": "Ticker symbol, e.g. AAPL"}},
        ["symbol"],
    ),
    fn(
        "set_timer",
        "Start a countdown timer.",
        {
            "minutes": {"type": "integer", "description": "Duration in minutes"},
            "label": {"type": "string", "description": "What the timer is for"},
        },
        ["minutes"],
    ),
]


def user(text: str) -> dict[str, Any]:
    return {"role": "user", "content": text}


def assistant(text: str) -> dict[str, Any]:
    return {"role": "assistant", "content": text}


def call(name: str, **arguments: list[Any]) -> list[dict[str, Any]]:
    return [{"name": name, "arguments": arguments}]


NONE: list[dict[str, Any]] = []

# (category, messages, expected)
ROWS: list[tuple[str, list[dict[str, Any]], list[dict[str, Any]]]] = [
    # --- direct requests
    ("direct", [user("What's the weather in London?")], call("get_weather", city=["London", "London, UK"])),
    (
        "direct",
        [user("Is it going to rain in Tokyo today? Give it to me in fahrenheit.")],
        call("get_weather", city=["Tokyo"], unit=["fahrenheit"]),
    ),
    ("direct", [user("how hot is it in Madrid right now")], call("get_weather", city=["Madrid"])),
    ("direct", [user("Look up the weather forecast for Chicago")], call("get_weather", city=["Chicago"])),
    (
        "direct",
        [user("Send an email to alice@example.com saying the report is ready")],
        call("send_email", to=["alice@example.com"]),
    ),
    (
        "direct",
        [user("Email bob@corp.com with the subject 'Lunch' and tell him I'm running 10 minutes late")],
        call("send_email", to=["bob@corp.com"], subject=["Lunch"]),
    ),
    (
        "direct",
        [user("Schedule a meeting with the design team on 2025-03-14 at 10:00")],
        call("create_calendar_event", date=["2025-03-14"], time=["10:00", "10:00:00"]),
    ),
    (
        "direct",
        [user('Add "Mom\'s birthday" to my calendar on 2025-08-21')],
        call("create_calendar_event", title=["Mom's birthday"], date=["2025-08-21"]),
    ),
    (
        "direct",
        [user("Put a dentist appointment in my calendar for 2025-06-02")],
        call("create_calendar_event", date=["2025-06-02"]),
    ),
    ("direct", [user("What is 234 * 19?")], call("calculator", expression=["234 * 19", "234*19"])),
    ("direct", [user("Calculate 15% of 80 for me")], call("calculator")),
    (
        "direct",
        [user("compute (17 + 25) / 6")],
        call("calculator", expression=["(17 + 25) / 6", "(17+25)/6"]),
    ),
    (
        "direct",
        [user("Search the web for the latest news about the Mars rover")],
        call("web_search"),
    ),
    ("direct", [user("Find recent articles about quantum computing breakthroughs")], call("web_search")),
    ("direct", [user("Look up reviews of the Framework 13 laptop online")], call("web_search")),
    (
        "direct",
        [user("Translate 'good morning' into Spanish")],
        call("translate", text=["good morning"], target_language=["Spanish", "es"]),
    ),
    (
        "direct",
        [user('How do you say "thank you" in Japanese?')],
        call("translate", text=["thank you"], target_language=["Japanese", "ja"]),
    ),
    ("direct", [user("What's Apple's stock price?")], call("get_stock_price", symbol=["AAPL"])),
    ("direct", [user("How is TSLA trading today?")], call("get_stock_price", symbol=["TSLA"])),
    ("direct", [user("Set a timer for 10 minutes")], call("set_timer", minutes=[10])),
    (
        "direct",
        [user("Start a 25 minute timer for the pizza")],
        call("set_timer", minutes=[25], label=["pizza", "the pizza", ""]),
    ),
    # --- follow-ups: the last turn alone is not enough
    (
        "follow-up",
        [
            user("What's the weather like in Berlin?"),
            assistant("It's 18°C and sunny in Berlin."),
            user("and in Paris?"),
        ],
        call("get_weather", city=["Paris"]),
    ),
    (
        "follow-up",
        [
            user("What's the weather in Boston in fahrenheit?"),
            assistant("It's 64°F and cloudy in Boston."),
            user("what about Denver?"),
        ],
        call("get_weather", city=["Denver"], unit=["fahrenheit", ""]),
    ),
    (
        "follow-up",
        [user("Translate 'hello' into French"), assistant("Bonjour."), user("now into German")],
        call("translate", text=["hello"], target_language=["German", "de"]),
    ),
    (
        "follow-up",
        [user("What's 12 * 12?"), assistant("12 * 12 = 144."), user("and that divided by 3?")],
        call("calculator"),
    ),
    (
        "follow-up",
        [user("What's the price of MSFT?"), assistant("Microsoft (MSFT) is at $411.20."), user("and NVDA?")],
        call("get_stock_price", symbol=["NVDA"]),
    ),
    (
        "follow-up",
        [
            user("I need to tell dave@example.com that the demo moved to Friday."),
            assistant("Do you want me to email him?"),
            user("yes please, send it"),
        ],
        call("send_email", to=["dave@example.com"]),
    ),
    # --- negations: the user rules the tool out
    ("negation", [user("Don't search, just tell me: what is the boiling point of water?")], NONE),
    ("negation", [user("No need to look anything up. What's a good name for a golden retriever?")], NONE),
    ("negation", [user("I don't need the weather, just tell me what to wear to a summer wedding")], NONE),
    ("negation", [user("Don't email anyone yet. Help me word an apology to my landlord.")], NONE),
    ("negation", [user("Without using any tools, summarize the plot of Hamlet in two sentences.")], NONE),
    # --- chit-chat and general knowledge
    ("chit-chat", [user("Hi! How are you today?")], NONE),
    ("chit-chat", [user("Tell me a joke about cats")], NONE),
    ("chit-chat", [user("Thanks, that's all I needed!")], NONE),
    ("chit-chat", [user("Can you help me brainstorm names for my new puppy?")], NONE),
    ("chit-chat", [user("Write a short poem about autumn leaves")], NONE),
    ("knowledge", [user("What's the capital of Australia?")], NONE),
    ("knowledge", [user("Who wrote Pride and Prejudice?")], NONE),
    ("knowledge", [user("Explain photosynthesis in simple terms")], NONE),
    ("knowledge", [user("What does the word 'ephemeral' mean?")], NONE),
    ("knowledge", [user("How do I politely say no to a coworker?")], NONE),
    (
        "chit-chat",
        [
            user("weather in Oslo?"),
            assistant("It's -3°C and snowing in Oslo."),
            user("brr, that's cold! what should I pack for a ski trip?"),
        ],
        NONE,
    ),
    # --- right after a tool result the model answers; no new tool call
    (
        "after-tool",
        [
            user("What's the weather in Rome?"),
            {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {
                        "id": "call_1",
                        "type": "function",
                        "function": {"name": "get_weather", "arguments": '{"city": "Rome"}'},
                    }
                ],
            },
            {"role": "tool", "tool_call_id": "call_1", "content": '{"temp_c": 22, "condition": "sunny"}'},
        ],
        NONE,
    ),
]


def main() -> None:
    with open(OUT, "w", encoding="utf-8") as handle:
        for i, (category, messages, expected) in enumerate(ROWS, 1):
            row = {"id": f"assistant-{i:02d}", "category": category, "messages": messages}
            row |= {"tools": TOOLS, "expected": expected}
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{len(ROWS)} rows -> {OUT}")


if __name__ == "__main__":
    main()
