"""Dates as news pages print them: absolute (`06 September 2024`, `Sept. 6, 2024`, `2024-09-06`)
and relative (`Updated 7 min 35 sec ago`, `3 days ago`)."""

from __future__ import annotations

import datetime as dt
import re

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "oct": 10, "nov": 11, "dec": 12,
}
_MONTH = (r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
          r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_ABSOLUTE = re.compile(
    rf"\b(?:(?P<day1>\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH},?\s+{_YEAR}"      # 06 September 2024
    rf"|{_MONTH.replace('month', 'month2')}\s+(?P<day2>\d{{1,2}})(?:st|nd|rd|th)?,?\s+{_YEAR.replace('year', 'year2')}"  # Sept. 6, 2024
    rf"|(?P<iso>(?:19|20)\d\d-\d\d-\d\d))\b",
    re.I,
)
_UNITS = {"sec": 1, "second": 1, "min": 60, "minute": 60, "hr": 3600, "hour": 3600, "day": 86400,
          "week": 7 * 86400, "month": 30 * 86400, "year": 365 * 86400}
_UNIT = r"(?P<n>\d+)\s*(?P<unit>secs?|seconds?|mins?|minutes?|hrs?|hours?|days?|weeks?|months?|years?)"
_RELATIVE = re.compile(rf"^(?:{_UNIT}[\s,]*)+ago\b", re.I)
_RELATIVE_PART = re.compile(_UNIT, re.I)


def find_dates(text: str) -> list[tuple[dt.date, str]]:
    """Every valid absolute date in `text`, with the words it was read from."""
    found = []
    for m in _ABSOLUTE.finditer(text):
        try:
            if m["iso"]:
                value = dt.date.fromisoformat(m["iso"])
            else:
                month = m["month"] or m["month2"]
                value = dt.date(int(m["year"] or m["year2"]), _MONTHS[month.lower()[:3]],
                                int(m["day1"] or m["day2"]))
        except ValueError:
            continue  # 31 February and the like: not a date
        found.append((value, m.group(0)))
    return found


def relative_seconds(text: str) -> int | None:
    """`7 min 35 sec ago` -> 455; None when `text` is not a relative time."""
    m = _RELATIVE.match(text.strip())
    if not m:
        return None
    total = 0
    for part in _RELATIVE_PART.finditer(m.group(0)):
        unit = part["unit"].lower().rstrip("s")
        total += int(part["n"]) * _UNITS.get(unit, _UNITS.get(unit[:3], 0))
    return total


def resolve_relative(seconds: int, anchor: dt.date) -> dt.date:
    """A page's `N ago` against the newest date it prints: under a day ago is the same day."""
    return anchor - dt.timedelta(days=seconds // 86400)
