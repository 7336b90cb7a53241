"""Dates and times: relative phrases resolve against a fixed reference date."""

from __future__ import annotations

import datetime as dt

import pytest

from router.args.dates import find_dates, format_hint, format_value

REF = dt.date(2024, 5, 8)  # a Wednesday


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tomorrow", "2024-05-09"),
        ("today", "2024-05-08"),
        ("yesterday", "2024-05-07"),
        ("the day after tomorrow", "2024-05-10"),
        ("next friday", "2024-05-10"),
        ("next wednesday", "2024-05-15"),
        ("on Monday", "2024-05-13"),
        ("last monday", "2024-05-06"),
        ("June 3rd", "2024-06-03"),
        ("3rd of June 2025", "2025-06-03"),
        ("the 21st of December", "2024-12-21"),
        ("2024-05-01", "2024-05-01"),
        ("12/25/2024", "2024-12-25"),
        ("in 2 weeks", "2024-05-22"),
        ("3 days ago", "2024-05-05"),
        ("next month", "2024-06-01"),
    ],
)
def test_dates_resolve_against_reference(text: str, expected: str) -> None:
    found = find_dates(f"please do it {text}", REF)
    assert len(found) == 1
    assert format_value(found[0], None, "date") == expected


def test_date_and_time_merge_into_datetime() -> None:
    (found,) = find_dates("Can you add a schedule at 2pm on September 12th?", REF)
    assert found.kind == "datetime"
    assert format_value(found, None, "date-time") == "2024-09-12T14:00:00"
    assert format_value(found, "%Y-%m-%d %H:%M:%S", None) == "2024-09-12 14:00:00"


def test_times_alone() -> None:
    found = find_dates("wake me at 7:30 am, or at noon, or 18:45", REF)
    assert [format_value(m, None, "time") for m in found] == ["07:30:00", "12:00:00", "18:45:00"]


def test_invalid_calendar_dates_are_ignored() -> None:
    assert find_dates("on February 31st", REF) == []


def test_format_hints_from_descriptions() -> None:
    assert format_hint("The time for alarm. Format: %Y-%m-%d %H:%M:%S") == "%Y-%m-%d %H:%M:%S"
    assert format_hint("Date in YYYY-MM-DD format") == "%Y-%m-%d"
    assert format_hint("The city name") is None


def test_year_less_range_rolls_into_next_year() -> None:
    found = find_dates("from December 30th to January 3rd", dt.date(2023, 12, 1))
    assert [format_value(m, None, "date") for m in found] == ["2023-12-30", "2024-01-03"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("wake me at seven am", "07:00"), ("ten o'clock please", "10:00"), ("six thirty pm", "18:30")],
)
def test_spoken_hours(text: str, expected: str) -> None:
    (found,) = find_dates(text, REF)
    assert format_value(found, None, None) == expected


def test_bare_number_words_are_not_times() -> None:
    assert find_dates("I have two cats and seven dogs", REF) == []
