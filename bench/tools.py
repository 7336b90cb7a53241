"""The managed tool the routed benchmark calls (a python executor; answers without I/O)."""

from __future__ import annotations

CITIES = ["Paris", "Berlin", "Tokyo", "Madrid", "Rome", "Oslo", "Lisbon", "Vienna", "Prague", "Dublin",
          "Warsaw", "Athens", "Cairo", "Lima", "Quito", "Seoul", "Hanoi", "Delhi", "Nairobi", "Sydney",
          "Toronto", "Chicago", "Boston", "Denver", "Austin", "Miami", "Seattle", "Montreal", "Havana", "Bogota"]
PHRASES = ["what is the weather in {}?", "what's the weather like in {} today?", "is it raining in {}?",
           "how warm is it in {} right now?", "weather forecast for {} please", "will it be sunny in {}?",
           "tell me the temperature in {}", "do I need an umbrella in {} today?"]


def questions() -> list[str]:
    """Distinct weather questions, so every routed request embeds a query the router has not cached."""
    return [p.format(c) for c in CITIES for p in PHRASES]


def get_weather(city: str, unit: str = "celsius") -> str:
    return f"{city}: 18 degrees {unit}, light clouds"
