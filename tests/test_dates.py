"""Dates as pages print them, in the languages the extractor reads, and as the site shows them."""

import datetime as dt

import pytest

from builder import dates
from builder.dates import find_dates, month_first, relative_seconds, resolve_relative


@pytest.mark.parametrize("text, date", [
    ("Updated 21:22, 6 OCT 2020", dt.date(2020, 10, 6)),
    ("Published: 28 Apr, 2020 CET", dt.date(2020, 4, 28)),
    ("By Jane Doe - January 10, 2020", dt.date(2020, 1, 10)),
    ("Jan. 28, 2020, at 5:55 AM", dt.date(2020, 1, 28)),
    ("Sept. 6, 2024", dt.date(2024, 9, 6)),
    ("5th September 2020", dt.date(2020, 9, 5)),
    ("Written: 2023-11-07 15:03:30", dt.date(2023, 11, 7)),
    ("Posted by Konstantin 21.10.2019", dt.date(2019, 10, 21)),
    ("6. Oktober 2020", dt.date(2020, 10, 6)),
    ("19.2.2020 klo 14.00", dt.date(2020, 2, 19)),
    ("le 1er décembre 2019", dt.date(2019, 12, 1)),
    ("6 de octubre de 2020", dt.date(2020, 10, 6)),
    ("6 ottobre 2020", dt.date(2020, 10, 6)),
    ("6 de outubro de 2020", dt.date(2020, 10, 6)),
    ("6 października 2020", dt.date(2020, 10, 6)),
    ("12/30/2019 05:03 AM EST", dt.date(2019, 12, 30)),
])
def test_dates_in_each_format(text, date):
    assert find_dates(text)[0][0] == date


def test_ambiguous_numeric_dates_read_day_first_unless_told():
    assert find_dates("02/10/2020")[0][0] == dt.date(2020, 10, 2)
    assert find_dates("02/10/2020", day_first=False)[0][0] == dt.date(2020, 2, 10)
    assert find_dates("02.10.2020", day_first=False)[0][0] == dt.date(2020, 10, 2)  # dots: always day first
    assert month_first("see 12/30/2019") and not month_first("30/12/2019")


def test_impossible_dates_and_bare_months_are_not_dates():
    assert find_dates("31 February 2020") == [] and find_dates("May 2020") == []
    assert find_dates("version 3.10.2020a") == [] or find_dates("version 3.10.2020a")[0][0].year == 2020


@pytest.mark.parametrize("text, seconds", [
    ("Updated 7 min 35 sec ago", 455), ("3 days ago", 3 * 86400), ("vor 2 Stunden", 7200),
    ("il y a 3 jours", 3 * 86400), ("hace 2 días", 2 * 86400), ("2 hours and 5 minutes ago", 7500),
])
def test_relative_times(text, seconds):
    assert relative_seconds(text) == seconds


def test_not_relative_times():
    assert relative_seconds("in 3 days") is None and relative_seconds("a long time ago") is None


def test_relative_times_resolve_against_an_anchor():
    assert resolve_relative(455, dt.date(2025, 3, 21)) == dt.date(2025, 3, 21)
    assert resolve_relative(2 * 86400, dt.date(2025, 3, 21)) == dt.date(2025, 3, 19)


def test_dates_as_the_site_shows_them_spell_english_months():
    shown = [(dates.short(dt.date(2024, m, 6)), dates.month_year(dt.date(2024, m, 6))) for m in (1, 5, 9, 12)]
    assert shown == [("6 Jan 2024", "January 2024"), ("6 May 2024", "May 2024"), ("6 Sep 2024", "September 2024"),
                     ("6 Dec 2024", "December 2024")]
