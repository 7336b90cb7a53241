"""Dates and times in English text, resolved against a reference date.

Small own code instead of ``dateparser``: the phrases tools need are few ("tomorrow", "next friday",
"June 3rd", "2024-05-01", "3pm", "in 2 weeks") and this keeps the hot path in microseconds.
"""

from __future__ import annotations

import datetime as dt
import re

from router.args.mentions import Mention

_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_WEEKDAYS = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6,
    "mon": 0, "tue": 1, "tues": 1, "wed": 2, "thu": 3, "thur": 3, "thurs": 3, "fri": 4, "sat": 5, "sun": 6,
}  # fmt: skip
_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))
_WEEKDAY_RE = "|".join(sorted(_WEEKDAYS, key=len, reverse=True))
_DAY_WORDS = {w: i + 1 for i, w in enumerate(
    ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth", "eighteenth", "nineteenth", "twentieth"])}
_DAY_WORDS |= {f"twenty{sep}{w}": 20 + i for sep in (" ", "-") for w, i in _DAY_WORDS.items() if i < 10}
_DAY_WORDS |= {"thirtieth": 30, "thirty-first": 31, "thirty first": 31}
_DAY_WORD_RE = "|".join(sorted((re.escape(w) for w in _DAY_WORDS), key=len, reverse=True))
_ORD = rf"(\d{{1,2}}(?=st|nd|rd|th|\b)|{_DAY_WORD_RE})(?:st|nd|rd|th)?"
_UNIT_DAYS = {"day": 1, "days": 1, "week": 7, "weeks": 7, "fortnight": 14}

_DATE_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2}))?)?")),
    ("slash_ymd", re.compile(r"\b(\d{4})/(\d{1,2})/(\d{1,2})\b")),
    ("slash", re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{2,4})\b")),
    ("month_day", re.compile(rf"\b({_MONTH_RE})\.?\s+{_ORD}\b(?:,?\s+(\d{{4}}))?", re.I)),
    (
        "day_month",
        re.compile(rf"\b(?:the\s+)?{_ORD}\s+(?:of\s+)?({_MONTH_RE})\b\.?(?:,?\s+(\d{{4}}))?", re.I),
    ),
    ("month_year", re.compile(rf"\b({_MONTH_RE})\s+(\d{{4}})\b", re.I)),
    (
        "relative_day",
        re.compile(
            r"\b(the day after tomorrow|the day before yesterday|today|tonight|tomorrow|yesterday|"
            r"this (?:morning|afternoon|evening))\b", re.I
        ),
    ),
    ("weekday", re.compile(rf"\b(?:(next|this|last|coming)\s+)?({_WEEKDAY_RE})\b\.?", re.I)),
    (
        "in_n",
        re.compile(
            r"\bin\s+(\d+|a|an|one|two|three|four|five|six|seven|ten)\s+(days?|weeks?|fortnight)\b", re.I
        ),
    ),
    (
        "n_ago",
        re.compile(r"\b(\d+|a|an|one|two|three|four|five|six|seven|ten)\s+(days?|weeks?)\s+ago\b", re.I),
    ),
    ("next_unit", re.compile(r"\b(next|last|this)\s+(week|month|year)\b", re.I)),
]
_HOUR_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip
_MINUTE_WORDS = {"o'clock": 0, "oclock": 0, "fifteen": 15, "thirty": 30, "forty five": 45, "forty-five": 45}
_HOUR_WORD_RE = "|".join(_HOUR_WORDS)
_TIME_RE = re.compile(
    r"\b(?:(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?\s*([ap])\.?\s?m\b\.?|(\d{1,2}):(\d{2})(?::(\d{2}))?(?!\d)"
    r"|(noon|midday|midnight)"
    rf"|\b({_HOUR_WORD_RE})(?:\s+(o'?clock|fifteen|thirty|forty[ -]five))?(?:\s+([ap])\.?\s?m\b\.?)?"
    r")",
    re.I,
)
_SMALL = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "ten": 10,
}


def _day(text: str) -> int:
    """ "5" or "fifth" -> 5."""
    return int(text) if text.isdigit() else _DAY_WORDS[text.lower()]


def _count(word: str) -> int:
    return int(word) if word.isdigit() else _SMALL[word.lower()]


def _year(text: str | None, ref: dt.date) -> int:
    if not text:
        return ref.year
    year = int(text)
    return year + 2000 if year < 100 else year


def _resolve(kind: str, m: re.Match[str], ref: dt.date) -> dt.date | dt.datetime | None:
    g = m.groups()
    if kind == "iso":
        if g[3] is not None:
            return dt.datetime(int(g[0]), int(g[1]), int(g[2]), int(g[3]), int(g[4]), int(g[5] or 0))
        return dt.date(int(g[0]), int(g[1]), int(g[2]))
    if kind == "slash_ymd":
        return dt.date(int(g[0]), int(g[1]), int(g[2]))
    if kind == "slash":  # month/day/year (US order) unless the first part cannot be a month
        first, second = int(g[0]), int(g[1])
        month, day = (second, first) if first > 12 else (first, second)
        return dt.date(_year(g[2], ref), month, day)
    if kind == "month_day":
        if not g[1].isdigit() and g[0].islower():
            return None  # "you may first check": a verb, not May 1st
        return dt.date(_year(g[2], ref), _MONTHS[g[0].lower()], _day(g[1]))
    if kind == "day_month":
        return dt.date(_year(g[2], ref), _MONTHS[g[1].lower()], _day(g[0]))
    if kind == "month_year":
        return dt.date(int(g[1]), _MONTHS[g[0].lower()], 1)
    if kind == "relative_day":
        offset = {"today": 0, "tonight": 0, "tomorrow": 1, "yesterday": -1}.get(g[0].lower().split()[0])
        if g[0].lower().startswith("this "):
            offset = 0  # "this morning"
        if offset is None:
            offset = 2 if "after" in g[0].lower() else -2
        return ref + dt.timedelta(days=offset)
    if kind == "weekday":
        if len(g[1]) <= 5 and g[1].islower() and not g[0]:
            return None  # "the sun", "I sat": a short weekday is written "Sun" or "next sun"
        target = _WEEKDAYS[g[1].lower()]
        ahead = (target - ref.weekday()) % 7
        qualifier = (g[0] or "").lower()
        if qualifier == "last":
            return ref - dt.timedelta(days=(ref.weekday() - target) % 7 or 7)
        if qualifier == "next" and ahead == 0:
            ahead = 7
        if not qualifier and ahead == 0:
            ahead = 0
        return ref + dt.timedelta(days=ahead)
    if kind == "in_n":
        return ref + dt.timedelta(days=_count(g[0]) * _UNIT_DAYS[g[1].lower()])
    if kind == "n_ago":
        return ref - dt.timedelta(days=_count(g[0]) * _UNIT_DAYS[g[1].lower()])
    if kind == "next_unit":
        sign = {"next": 1, "last": -1, "this": 0}[g[0].lower()]
        unit = g[1].lower()
        if unit == "week":
            return ref + dt.timedelta(days=7 * sign - ref.weekday() if sign else 0)
        if unit == "month":
            month_index = ref.year * 12 + ref.month - 1 + sign
            return dt.date(month_index // 12, month_index % 12 + 1, 1)
        return dt.date(ref.year + sign, 1, 1)
    return None


def _time_of(m: re.Match[str]) -> dt.time | None:
    g = m.groups()
    if g[7]:
        return dt.time(0, 0) if g[7].lower() == "midnight" else dt.time(12, 0)
    if g[8]:  # "seven am", "ten o'clock", "six thirty pm"; a bare "seven" is not a time
        if not g[9] and not g[10]:
            return None
        hour = _HOUR_WORDS[g[8].lower()] % 12
        minute = _MINUTE_WORDS.get((g[9] or "o'clock").lower().replace("-", " "), 0)
        if g[10] and g[10].lower() == "p":
            hour += 12
        return dt.time(hour, minute)
    if g[0] is not None:
        hour = int(g[0]) % 12 + (12 if g[3].lower() == "p" else 0)
        return dt.time(hour, int(g[1] or 0), int(g[2] or 0))
    return dt.time(int(g[4]), int(g[5]), int(g[6] or 0))


# "ten to eleven" may be a range (10-11) as well as 10:50: only "quarter to" counts back
_PAST_TO_RE = re.compile(rf"\b(?:a\s+)?(?:(quarter|half|ten|five|twenty|twenty[- ]five)\s+(past|after)|(quarter)\s+(to))\s+"
                         rf"({_HOUR_WORD_RE}|\d{{1,2}})\b(?:\s*([ap])\.?\s?m\b\.?)?", re.I)
_PAST_MINUTES = {"quarter": 15, "half": 30, "ten": 10, "five": 5, "twenty": 20, "twenty five": 25, "twenty-five": 25}
_RANGE_START_RE = re.compile(rf"\bfrom\s+({_HOUR_WORD_RE}|\d{{1,2}})(?=\s+(?:to|until|till|-)\s+)", re.I)


def _clock_phrases(text: str) -> list[Mention]:
    """ "a quarter past three" (15 minutes past), "half past six", "ten to five"; and a bare hour that starts a
    range of times ("from nine to eleven thirty"), taken to be in the same half of the day as its end."""
    found: list[Mention] = []
    for m in _PAST_TO_RE.finditer(text):
        said_hour, half_of_day = m.group(5), (m.group(6) or "").lower()
        hour = int(said_hour) if said_hour.isdigit() else _HOUR_WORDS[said_hour.lower()]
        minutes = _PAST_MINUTES[(m.group(1) or m.group(3)).lower().replace("-", " ")]
        if m.group(4):  # "a quarter to five": 4:45
            hour, minutes = (hour - 1) % 12 or 12, 60 - minutes
        if not 1 <= hour <= 12:
            continue
        hour = hour % 12 + (12 if half_of_day == "p" or _LATER_RE.match(text, m.end()) else 0)
        found.append(Mention("time", dt.time(hour, minutes), m.start(), m.end(), m.group(0)))
    for m in _RANGE_START_RE.finditer(text):
        hour = int(m.group(1)) if m.group(1).isdigit() else _HOUR_WORDS[m.group(1).lower()]
        end = _TIME_RE.search(text, m.end())
        end_time = _time_of(end) if end and re.fullmatch(r"\s+(?:to|until|till|-)\s+", text[m.end():end.start()]) else None
        if end_time is None or not 1 <= hour <= 12:
            continue
        if end_time.hour >= 12 and hour + 12 <= end_time.hour:
            hour += 12  # "from 2 to 4pm"
        found.append(Mention("time", dt.time(hour % 24, 0), m.start(1), m.end(1), m.group(1)))
    return found


_LATER_RE = re.compile(r"\s+(?:in\s+the\s+(?:evening|afternoon)|at\s+night|tonight)\b", re.I)


def _roll_ranges_forward(dates: list[Mention], yearless: set[int]) -> None:
    """ "December 30th to January 3rd": a year-less date before the previous one is next year's."""
    order = sorted(range(len(dates)), key=lambda i: dates[i].start)
    for previous, current in zip(order, order[1:], strict=False):
        before, after = dates[previous].value, dates[current].value
        if current in yearless and _as_date(after) < _as_date(before):
            try:
                dates[current].value = after.replace(year=after.year + 1)
            except ValueError:  # February 29th
                continue


def _borrow_years_backward(dates: list[Mention], yearless: set[int]) -> None:
    """ "from March 3 to March 7, 2027": a year-less date takes the year of the dated one that follows it
    (the year before, when that would put it after: "December 30 to January 3, 2027")."""
    order = sorted(range(len(dates)), key=lambda i: dates[i].start)
    for current, following in reversed(list(zip(order, order[1:], strict=False))):
        if current not in yearless or following in yearless:
            continue
        later, value = dates[following].value, dates[current].value
        try:
            moved = value.replace(year=later.year)
            if _as_date(moved) > _as_date(later):
                moved = value.replace(year=later.year - 1)
        except ValueError:  # February 29th
            continue
        dates[current].value = moved
        yearless.discard(current)


_DAY_ALONE_RE = re.compile(rf"\b(?:on\s+)?the\s+{_ORD}(?!\s*(?:of\b|[-/]|\w))", re.I)


def _days_of_the_month(text: str, dates: list[Mention]) -> list[Mention]:
    """ "checking in 2027-04-01, out on the 5th": a day of the month alone, after a full date, is that date's month
    (the next month when the day has passed)."""
    found = []
    for m in _DAY_ALONE_RE.finditer(text):
        before = [d for d in dates if d.end <= m.start() and d.kind in ("date", "datetime")]
        if not before or any(d.start < m.end() and m.start() < d.end for d in dates):
            continue
        anchor = _as_date(before[-1].value)
        try:
            day = anchor.replace(day=_day(m.group(1)))
            if day < anchor:
                day = (anchor.replace(day=1) + dt.timedelta(days=32)).replace(day=day.day)
        except ValueError:
            continue
        found.append(Mention("date", day, m.start(), m.end(), m.group(0)))
    return found


def _as_date(value: dt.date) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def find_dates(text: str, ref: dt.date) -> list[Mention]:
    """Date, time and date-time mentions; a date followed closely by a time becomes a date-time."""
    dates: list[Mention] = []
    yearless: set[int] = set()
    for kind, pattern in _DATE_PATTERNS:
        for m in pattern.finditer(text):
            if any(d.start < m.end() and m.start() < d.end for d in dates):
                continue
            try:
                value = _resolve(kind, m, ref)
            except (ValueError, KeyError, OverflowError):
                continue
            if value is None:
                continue
            mention_kind = "datetime" if isinstance(value, dt.datetime) else "date"
            dates.append(Mention(mention_kind, value, m.start(), m.end(), m.group(0)))
            if kind in ("month_day", "day_month") and m.group(3) is None:
                yearless.add(len(dates) - 1)
    dates += _days_of_the_month(text, dates)
    _borrow_years_backward(dates, yearless)
    _roll_ranges_forward(dates, yearless)
    times = _clock_phrases(text)
    for m in _TIME_RE.finditer(text):
        if any(d.start < m.end() and m.start() < d.end for d in [*dates, *times]):
            continue
        try:
            value_t = _time_of(m)
        except ValueError:
            continue
        if value_t is not None and 0 < value_t.hour < 12 and _LATER_RE.match(text, m.end()):
            value_t = value_t.replace(hour=value_t.hour + 12)  # "8:30 in the evening": 20:30
        if value_t is not None:
            times.append(Mention("time", value_t, m.start(), m.end(), m.group(0)))
    merged: list[Mention] = []
    used: set[int] = set()
    for d in sorted(dates, key=lambda x: x.start):
        if d.kind == "date":
            for i, t in enumerate(times):
                if i in used:
                    continue
                gap = text[d.end : t.start] if t.start >= d.end else text[t.end : d.start]
                if len(gap) <= 12 and re.fullmatch(r"[\s,]*(?:at|@|from|by|on|,)?[\s,]*", gap, re.I):
                    used.add(i)
                    stamp = dt.datetime.combine(d.value, t.value)
                    start, end = min(d.start, t.start), max(d.end, t.end)
                    merged.append(
                        Mention("datetime", stamp, start, end, text[start:end], part=d.text, time_part=t.text)
                    )
                    break
            else:
                merged.append(d)
        else:
            merged.append(d)
    merged.extend(t for i, t in enumerate(times) if i not in used)
    return sorted(merged, key=lambda x: x.start)


_STRFTIME_RE = re.compile(r"%[YmdHMSIpbBaAyj]")
_TOKEN_FORMATS = [("YYYY", "%Y"), ("MM", "%m"), ("DD", "%d"), ("HH", "%H"), ("mm", "%M"), ("ss", "%S")]
_TOKEN_FORMAT_RE = re.compile(
    r"\b(YYYY[-/.]MM[-/.]DD(?:[ T]HH:(?:mm|MM)(?::(?:ss|SS))?)?|HH:(?:mm|MM)(?::(?:ss|SS))?|MM/DD/YYYY|DD/MM/YYYY"
    r"|MM[-/]DD|DD[-/]MM)\b"
)


def format_hint(description: str) -> str | None:
    """A strftime pattern named in a parameter description ("Format: %Y-%m-%d", "YYYY-MM-DD")."""
    if _STRFTIME_RE.search(description):
        start = _STRFTIME_RE.search(description)
        assert start is not None
        m = re.search(r"%[^\s,;)]*(?:\s%[^\s,;)]*)*", description[start.start() :])
        return m.group(0).rstrip(".") if m else None
    token = _TOKEN_FORMAT_RE.search(description)
    if token:  # after HH, MM means minutes and SS seconds ("HH:MM:SS")
        pattern = re.sub(r"HH:MM(:SS)?", lambda m: "HH:mm" + (":ss" if m.group(1) else ""), token.group(1))
        for tok, code in _TOKEN_FORMATS:
            pattern = pattern.replace(tok, code)
        return pattern
    return None


def format_value(mention: Mention, fmt: str | None, schema_format: str | None) -> str:
    """Render a date/time mention for a parameter: its strftime hint, else ISO per ``format``."""
    value = mention.value
    if fmt:
        if isinstance(value, dt.time):
            value = dt.datetime.combine(dt.date(1900, 1, 1), value)
        elif isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            value = dt.datetime(value.year, value.month, value.day)
        return value.strftime(fmt)
    if isinstance(value, dt.datetime):
        if schema_format == "date":
            return value.date().isoformat()
        if schema_format == "time":
            return value.time().isoformat()
        return value.isoformat()
    if isinstance(value, dt.date):
        if schema_format == "date-time":
            return dt.datetime(value.year, value.month, value.day).isoformat()
        return value.isoformat()
    if isinstance(value, dt.time):  # "07:30" unless the schema asks for an RFC 3339 time
        if schema_format == "time" or value.second:
            return value.isoformat()
        return value.strftime("%H:%M")
    return str(value)
