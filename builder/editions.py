"""Editions: the briefing as it is published, a day's (or an ISO week's) additions grouped by
dossier, decided by the day each article entered `content/`, so an article never changes edition."""

from __future__ import annotations

import datetime as dt
import itertools
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from builder import dates
from builder.config import Config, Dossier
from builder.content import Article, Page, read_page

if TYPE_CHECKING:   # site.py builds the editions: it imports this module
    from builder.site import Entry

EDITIONS = "editions"   # the folder of the editor's intros under content/, and of the pages under site/


@dataclass(frozen=True)
class Group:
    """An edition's articles in one dossier (None: not filed, shown with drafts only)."""
    dossier: Dossier | None
    entries: tuple[Entry, ...]  # newest first


@dataclass(frozen=True)
class Edition:
    date: dt.date               # its day; a weekly edition's Monday
    weekly: bool
    intro: Page                 # content/editions/<date>.md, else NO_INTRO
    groups: tuple[Group, ...]   # in the dossiers' order; each article in the first of its dossiers
    older: dt.date | None       # the editions on either side, for navigation
    newer: dt.date | None

    @property
    def url(self) -> str:
        return f"{EDITIONS}/{self.date.isoformat()}/"

    @property
    def title(self) -> str:
        day = dates.short(self.date)
        return f"Week of {day}" if self.weekly else day

    @property
    def year(self) -> str:
        return str(self.date.year)

    @property
    def month(self) -> str:
        return dates.month_year(self.date)

    @property
    def entries(self) -> tuple[Entry, ...]:
        return tuple(e for g in self.groups for e in g.entries)


@dataclass(frozen=True)
class EditionYear:
    """A year's editions on a page of their own (`editions/<year>/`)."""
    label: str                      # "2024"
    editions: tuple[Edition, ...]   # newest first
    siblings: tuple[str, ...]       # every year with editions, newest first, for navigation

    parent = f"{EDITIONS}/"         # the editions' index, where the years are listed

    @property
    def url(self) -> str:
        return f"{self.parent}{self.label}/"


RECENT = 30   # editions the index lists before the years (a month of daily ones)


@dataclass(frozen=True)
class Editions:
    """The editions' index: the newest, then every year."""
    recent: tuple[Edition, ...]
    years: tuple[EditionYear, ...]
    count: int


def index_of(editions: tuple[Edition, ...]) -> Editions:
    """`editions` (newest first) as their index shows them: a page per year, so that a new
    edition changes its year's page and the index, not one page listing every edition."""
    years = [(year, tuple(run)) for year, run in itertools.groupby(editions, key=lambda e: e.year)]
    labels = tuple(label for label, _ in years)
    return Editions(editions[:RECENT], tuple(EditionYear(label, run, labels) for label, run in years), len(editions))


def entered(article: Article, commits: Mapping[str, dt.date]) -> dt.date | None:
    """The day `article` entered the briefing: its `added:` (ingest's, or the curator's), else its
    file's first commit (`commits`, history.first_commits), else its date."""
    return article.added or commits.get(article.path) or article.date


def edition_day(day: dt.date, weekly: bool) -> dt.date:
    """The edition an article that entered on `day` belongs to: that day's, or its ISO week's."""
    return day - dt.timedelta(days=day.weekday()) if weekly else day


def editions_of(config: Config, entries: Iterable[Entry], commits: Mapping[str, dt.date]) -> tuple[Edition, ...]:
    """Every edition (newest first) of `entries` (newest first): one per day (config.editions
    `weekly`: per ISO week) on which articles entered the briefing, each holding those articles."""
    weekly = config.editions == "weekly"
    rank = {d.slug: i for i, d in enumerate(config.dossiers)}
    dossiers = {d.slug: d for d in config.dossiers}
    # day -> the first of each article's dossiers (None: not filed) -> its articles
    by_day: dict[dt.date, dict[str | None, list[Entry]]] = {}
    for entry in entries:
        day = entered(entry.article, commits)
        if day is not None:
            filed = entry.article.dossiers or ()
            first = filed[0] if len(filed) == 1 else min(filed, key=lambda s: rank.get(s, len(rank)), default=None)
            by_day.setdefault(edition_day(day, weekly), {}).setdefault(first, []).append(entry)
    intros = _intros(config.content_dir)
    days = sorted(by_day, reverse=True)
    out = []
    for i, day in enumerate(days):
        groups = by_day[day]
        ranked = sorted(groups, key=lambda s: rank.get(s, len(rank)) if s is not None else len(rank))
        name = f"{day.isoformat()}.md"
        intro = read_page(config.content_dir, Path(EDITIONS, name), "", config.root) if name in intros else NO_INTRO
        out.append(Edition(day, weekly, intro, tuple(Group(dossiers.get(s) if s else None, tuple(groups[s]))
                                                     for s in ranked),
                           days[i + 1] if i + 1 < len(days) else None, days[i - 1] if i else None))
    return tuple(out)


NO_INTRO = Page(Path(EDITIONS), "", "")   # the intro of an edition without content/editions/<date>.md


def _intros(content_dir: Path) -> set[str]:
    """The names in content/editions/, listed once rather than looking for each edition's intro."""
    try:
        return set(os.listdir(content_dir / EDITIONS))
    except OSError:
        return set()
