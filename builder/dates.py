"""Dates as news pages print them, in English, German, French, Spanish, Italian, Portuguese, Dutch
and Polish: with month names (`6 October 2020`, `Oct. 6, 2020`, `6. Oktober 2020`, `6 de octubre de
2020`), numeric (`2020-10-06`, `06.10.2020`, `10/06/2020`) and relative (`3 hours ago`, `vor 2
Tagen`, `il y a 3 jours`, `hace 2 días`); and dates as the site shows them (`6 Sep 2024`)."""

from __future__ import annotations

import datetime as dt
import re
from typing import cast

_MONTH_NAMES = {
    1: "january jan januar jänner janvier janv enero ene gennaio gen janeiro januari stycznia styczeń tammikuuta",
    2: "february feb februar février févr fév fevrier febrero febbraio fevereiro fev februari lutego luty helmikuuta",
    3: "march mar märz mär mrz mars marzo março maart mrt marca marzec maaliskuuta",
    4: "april apr avril avr abril abr aprile kwietnia kwiecień huhtikuuta",
    5: "may mai mayo maggio mag maio mei maja maj toukokuuta",
    6: "june jun juni juin junio giugno giu junho czerwca czerwiec kesäkuuta",
    7: "july jul juli juillet juil julio luglio lug julho lipca lipiec heinäkuuta",
    8: "august aug août aout agosto ago augustus sierpnia sierpień elokuuta",
    9: "september sep sept septembre septiembre setiembre settembre set setembro września wrzesień syyskuuta",
    10: "october oct oktober okt octobre octubre ottobre ott outubro out października październik lokakuuta",
    11: "november nov novembre noviembre novembro listopada listopad marraskuuta",
    12: "december dec dezember dez décembre déc decembre diciembre dic dicembre dezembro grudnia grudzień joulukuuta",
}
MONTHS = {name: number for number, names in _MONTH_NAMES.items() for name in names.split()}
_MONTH = "|".join(sorted(map(re.escape, MONTHS), key=len, reverse=True))
_YEAR = r"(?:19|20)\d\d"
_DAY = r"[0-3]?\d"
_ABSOLUTE = re.compile(
    rf"(?<![\w.])(?P<d1>{_DAY})(?:st|nd|rd|th|er|º|°)?\.?\s*(?:de\s+|of\s+)?(?P<m1>{_MONTH})(?![^\W\d_])\.?,?\s*"
    rf"(?:de\s+|del\s+)?(?P<y1>{_YEAR})(?!\d)"                                 # 6 October 2020, 6. Okt. 2020
    # Oct. 6, 2020
    rf"|(?<![\w])(?P<m2>{_MONTH})(?![^\W\d_])\.?\s+(?P<d2>{_DAY})(?:st|nd|rd|th)?(?!\d),?\s+(?P<y2>{_YEAR})(?!\d)"
    rf"|(?<![\w.])(?P<y3>{_YEAR})(?P<s3>[-/.])(?P<m3>[01]?\d)(?P=s3)(?P<d3>{_DAY})(?![\d.]\d)"  # 2020-10-06
    rf"|(?<![\w.])(?P<a>{_DAY})(?P<s4>[./-])(?P<b>{_DAY})(?P=s4)(?P<y4>{_YEAR})(?!\d)",  # 06.10.2020, 10/06/2020
    re.I,
)
_UNITS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400, "week": 7 * 86400, "month": 30 * 86400,
          "year": 365 * 86400}
_UNIT_WORDS = {
    "second": "secs? seconds? sekunden? secondes? segundos? secondi",
    "minute": "mins? minutes? minuten? minutos? minuti",
    "hour": "hrs? hours? h stunden? heures? horas? ore ora",
    "day": "days? tagen? tag jours? días? dias? giorni giorno",
    "week": "weeks? wochen? woche semaines? semanas? settimane? settimana",
    "month": "months? monaten? monat mois meses? mesi mese",
    "year": "years? jahren? jahr ans? années? años? anos? anni anno",
}
def _alternatives(words: str) -> str:
    return "|".join(sorted(words.split(), key=len, reverse=True))


_UNIT = "|".join(_alternatives(words) for words in _UNIT_WORDS.values())
# One named group per unit: the group that matched names the unit.
_RELATIVE_PART = re.compile(
    r"(?P<n>\d+)\s*(?:" + "|".join(f"(?P<{unit}>{_alternatives(words)})" for unit, words in _UNIT_WORDS.items())
    + r")\b", re.I)
_RELATIVE = re.compile(rf"(?:(?<!\w)(?P<before>vor|il y a|hace|há)\s+)?"
                       rf"(?P<parts>(?:(?<!\w)\d+\s*(?:{_UNIT})\b[\s,]*(?:(?:und|et|y|e|and)\s+)?)+)"
                       rf"(?P<after>ago|fa|temu)?\b", re.I)


def find_dates(text: str, day_first: bool = True) -> list[tuple[dt.date, str]]:
    """Every valid absolute date in `text`, in order, with the words it was read from. A numeric
    date whose day and month could be either way round is read day first unless `day_first` is
    False (a page that writes `12/30/2019` elsewhere)."""
    found = []
    for m in _ABSOLUTE.finditer(text):
        try:
            if m["m1"] or m["m2"]:
                month = MONTHS[(m["m1"] or m["m2"]).lower()]
                value = dt.date(int(m["y1"] or m["y2"]), month, int(m["d1"] or m["d2"]))
            elif m["y3"]:
                value = dt.date(int(m["y3"]), int(m["m3"]), int(m["d3"]))
            else:
                a, b = int(m["a"]), int(m["b"])
                if a > 12 or (b <= 12 and (day_first or m["s4"] == ".")):
                    a, b = b, a  # a was the day: (month, day)
                value = dt.date(int(m["y4"]), a, b)
        except ValueError:
            continue  # 31 February, month 13: not a date
        found.append((value, m.group(0)))
    return found


_NUMERIC = re.compile(rf"(?<![\w.])({_DAY})([/-])({_DAY})\2{_YEAR}(?!\d)")


def month_first(text: str) -> bool:
    """Whether a text writes numeric dates month first: it has one whose second number is over 12."""
    return any(int(m[3]) > 12 >= int(m[1]) for m in _NUMERIC.finditer(text))


def relative_seconds(text: str) -> int | None:
    """`7 min 35 sec ago` -> 455, `vor 2 Stunden` -> 7200; None when `text` has no relative time."""
    for m in _RELATIVE.finditer(text):
        if not (m["before"] or m["after"]):
            continue
        # cast: the last group to match is always a unit's (the pattern ends in one)
        return sum(int(part["n"]) * _UNITS[cast(str, part.lastgroup)] for part in _RELATIVE_PART.finditer(m["parts"]))
    return None


def resolve_relative(seconds: int, anchor: dt.date) -> dt.date:
    """A page's `N ago` against the newest date it prints: under a day ago is the same day."""
    return anchor - dt.timedelta(days=seconds // 86400)


_SHOWN_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
                 "October", "November", "December")


def short(d: dt.date) -> str:
    """"6 Sep 2024": the same length of month for every month. Spelled out rather than made with
    strftime, which follows the machine's locale and is slow on listing pages (bench/README.md)."""
    return f"{d.day} {_SHOWN_MONTHS[d.month - 1][:3]} {d.year}"


def month_year(d: dt.date) -> str:
    """"September 2024"."""
    return f"{_SHOWN_MONTHS[d.month - 1]} {d.year}"
