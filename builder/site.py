"""The in-memory model of the whole briefing, loaded from `content/` before anything is rendered."""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Protocol

from builder import dates
from builder.classify import article_document, file_document
from builder.config import Config, Dossier
from builder.content import (
    DOSSIERS,
    Article,
    Page,
    Profile,
    article_files,
    line_of,
    profile_files,
    read_article,
    read_page,
    read_profile,
    read_text,
)
from builder.editions import Edition, editions_of
from builder.errors import BuilderError, BuilderErrors
from builder.history import first_commits
from builder.parallel import ordered
from builder.text import slugify, words


@dataclass(frozen=True)
class Entry:
    """An article as the site shows it: the record plus where it lives."""
    article: Article
    slug: str
    url: str                    # site-relative, e.g. "articles/2024/kishida-yoon/"
    draft: bool                 # unfiled, shown only with --drafts
    # "2024" or "undated": a field, not worked out from the date at each of the many times
    # timelines are grouped by it (several per article, at every build).
    year: str

    @property
    def month(self) -> str:
        return dates.month_year(self.article.date) if self.article.date else "Undated"


@dataclass(frozen=True)
class Year:
    """One year of a timeline on its own page: of the archive, or of a dossier or person with
    more articles than one page shows."""
    label: str                  # "2024" or "undated"
    entries: tuple[Entry, ...]
    parent: str                 # the timeline's own page: "archive/", "dossiers/japan-rok/", ...
    owner: str                  # and its title
    siblings: tuple[str, ...]   # every year of the timeline, newest first, for navigation

    @property
    def url(self) -> str:
        return f"{self.parent}{self.label}/"


@dataclass(frozen=True)
class Mention:
    """A person as a timeline counts them: the articles of it naming them."""
    name: str
    slug: str
    count: int


@dataclass(frozen=True)
class Month:
    """A month of a timeline's activity chart: "2024-09" and its articles."""
    label: str
    count: int

    @property
    def date(self) -> dt.date:
        return dt.date(int(self.label[:4]), int(self.label[5:]), 1)


@dataclass(frozen=True)
class DossierView:
    dossier: Dossier
    intro: Page
    entries: tuple[Entry, ...]  # newest first, undated last
    recent: tuple[Entry, ...]   # the newest ones, shown on the dossier's page
    years: tuple[Year, ...]     # all of them by year, when more than `recent`; else none
    # Counted here, once, rather than by templates looping over thousands of entries:
    activity: tuple[Month, ...] = ()        # articles per month, oldest first, up to the site's newest month
    people: tuple[Mention, ...] = ()        # the people it names most, most first

    @property
    def url(self) -> str:
        return f"dossiers/{self.dossier.slug}/"

    @property
    def chart(self) -> tuple[Month, ...]:
        """The months its page charts: the last CHART."""
        return self.activity[-CHART:]


CHART = 24


@dataclass(frozen=True)
class Person:
    name: str
    slug: str
    entries: tuple[Entry, ...]  # newest first
    recent: tuple[Entry, ...]   # as for a dossier
    years: tuple[Year, ...]

    @property
    def url(self) -> str:
        return f"people/{self.slug}/"


@dataclass(frozen=True)
class Neighbours:
    """An article's place in one dossier's timeline."""
    dossier: Dossier            # the dossier as configured, not its view: an edit replaces the view
    older: Entry | None
    newer: Entry | None


@dataclass(frozen=True)
class Site:
    config: Config
    home: Page
    dossiers: tuple[DossierView, ...]
    entries: tuple[Entry, ...]  # every shown article, newest first
    people: tuple[Person, ...]  # by name
    years: tuple[Year, ...]     # newest first, undated last
    neighbours: dict[str, tuple[Neighbours, ...]]   # by entry url
    profiles: dict[str, Profile]                    # by person slug: what content/people/ tells of them
    lead: Entry | None          # the front page's lead: the newest article marked `featured`, else the newest
    front: dict[str, tuple[Entry, ...]]             # by dossier slug: its card's newest, none shown above it
    related: dict[str, tuple[Entry, ...]]           # by entry url: same dossier, shared people
    unfiled: int
    rejected: int
    review: int
    newest: dt.date | None      # the newest article's date
    editions: tuple[Edition, ...] = ()  # newest first
    # by article path: its file's first commit, for the articles without `added:` (editions.entered)
    commits: Mapping[str, dt.date] = field(default_factory=dict)

    def coverage(self, entry: Entry) -> tuple[Entry, ...]:
        """Of the articles related to `entry`, those on the same event (same_event): its "More coverage"."""
        return tuple(other for other in self.related.get(entry.url, ()) if same_event(entry.article, other.article))


EVENT_DAYS = 3     # two articles this many days apart or closer may tell of one event
EVENT_SHARED = 2   # ... when they name this many people in common, or this many words of their titles


def same_event(a: Article, b: Article) -> bool:
    """Whether two articles (related ones: sharing a dossier and a person) tell of the same event:
    dated close together, with people or title words in common."""
    if a.date is None or b.date is None or abs((a.date - b.date).days) > EVENT_DAYS:
        return False
    if len({slug_of(n) for n in a.people} & {slug_of(n) for n in b.people}) >= EVENT_SHARED:
        return True
    return len(_title_words(a.title) & _title_words(b.title)) >= EVENT_SHARED


@functools.lru_cache(maxsize=1 << 17)   # each article's title, against each of its related ones'
def _title_words(title: str) -> frozenset[str]:
    """A title's words long enough to say something (not "the", "says", "to")."""
    return frozenset(w for w in words(title) if len(w) > 4)


def newest_first(a: Article) -> tuple:
    """The order of timelines: newest first, undated last; by title, then file, within a day."""
    return (a.date is None, -(a.date.toordinal()) if a.date else 0, a.title.casefold(), a.path)


def entry_order(entry: Entry) -> tuple:
    return newest_first(entry.article)


def filed(article: Article, config: Config) -> Article:
    """Fill in what a hand-written file leaves out: dossiers from the queries, status from dossiers."""
    if article.dossiers is None:
        filing = file_document(article_document(article), config.dossiers)
        article = replace(article, dossiers=filing.dossiers, classification=filing.classification)
    if article.status is None:
        article = replace(article, status="published" if article.dossiers else "unfiled")
    return article


def read_article_file(config: Config, rel: str) -> Article | BuilderError:
    """An article file read and filed, or what is wrong with it."""
    try:
        return filed(read_article(config.content_dir, rel, config.root), config)
    except BuilderError as exc:
        return exc


class Reading(Protocol):
    """How load_site gets the articles and their related ones: `Plain`, or what an earlier build
    kept (builder.incremental.reading)."""
    def articles(self, config: Config, errors: list[BuilderError]) -> list[Article]:
        """Every article file read and filed, in article_files' order; what is wrong, in `errors`."""
    def related(self, entries: list[Entry], people: tuple[Person, ...]) -> dict[str, tuple[Entry, ...]]:
        """rank_related's answer for every article."""
    def first_commits(self, config: Config) -> dict[str, dt.date]:
        """history.first_commits' answer for the content folder."""


PARALLEL_FROM = 200  # files to parse; below this a process pool costs more than it saves


class Plain:
    """Every file read, on all cores, and every article's related ones ranked."""

    def articles(self, config: Config, errors: list[BuilderError]) -> list[Article]:
        found = []
        files = article_files(config.content_dir)
        for result in ordered(read_article_file, config, files, PARALLEL_FROM, 32):
            if isinstance(result, BuilderError):
                errors.append(result)
            else:
                found.append(result)
        return found

    def related(self, entries: list[Entry], people: tuple[Person, ...]) -> dict[str, tuple[Entry, ...]]:
        return rank_related(entries, people)

    def first_commits(self, config: Config) -> dict[str, dt.date]:
        return first_commits(config.content_dir)


def load_site(config: Config, drafts: bool = False, reading: Reading | None = None) -> Site:
    """Read every article and page (as `reading` says); all bad files are reported together."""
    errors: list[BuilderError] = []
    reading = reading or Plain()
    articles = reading.articles(config, errors)

    _repeated_ids(config, articles, errors)
    profiles = _profiles(config, errors)
    names = _spellings(profiles)
    known = {d.slug for d in config.dossiers}
    entries: list[Entry] = []
    urls: dict[str, str] = {}
    counts = {"unfiled": 0, "rejected": 0, "review": 0}
    for a in articles:
        if a.status == "rejected":
            counts["rejected"] += 1
        elif a.status == "unfiled" or not a.dossiers:
            counts["unfiled"] += 1
        if not is_shown(a, drafts):
            continue
        if a.review:
            counts["review"] += 1
        unknown = [d for d in a.dossiers or () if d not in known]
        if unknown:
            errors.append(BuilderError(f"unknown dossier '{unknown[0]}' (config.yaml has: "
                                       f"{', '.join(sorted(known))})", config.content_dir / a.path))
            continue
        if names and a.people:
            spelled = tuple(dict.fromkeys(names.get(slug_of(name), name) for name in a.people))
            if spelled != a.people:   # else the record stays the one the parse cache holds
                a = replace(a, people=spelled)
        entry = _entry(a)
        if entry.url in urls:
            hint = "change its 'slug:'" if a.own_slug else "change one title or set 'slug:'"
            errors.append(BuilderError(f"writes the same page /{entry.url} as {config.content_dir / urls[entry.url]}; "
                                       + hint, config.content_dir / a.path))
            continue
        urls[entry.url] = a.path
        entries.append(entry)
    if errors:
        raise BuilderErrors(errors) if len(errors) > 1 else errors[0]

    entries.sort(key=entry_order)
    newest = max((e.article.date for e in entries if e.article.date), default=None)
    people = _people(entries, config.page_size)
    views = tuple(_view(config, d, entries, newest, people) for d in config.dossiers)
    lead = next((e for e in entries if e.article.featured), entries[0] if entries else None)
    # Only an article without `added:` needs git to say when it entered the briefing.
    commits = reading.first_commits(config) if any(e.article.added is None for e in entries) else {}
    editions = editions_of(config, entries, commits)
    return Site(config=config, home=read_page(config.content_dir, Path("_index.md"), config.title, config.root),
                dossiers=views, entries=tuple(entries), people=people,
                years=_years(entries, "archive/", "Archive"),
                neighbours=_neighbours(views), related=reading.related(entries, people),
                profiles=profiles, lead=lead, front=_front(views, lead, editions[:1], config.latest), newest=newest,
                editions=editions, commits=commits, **counts)


def _profiles(config: Config, errors: list[BuilderError]) -> dict[str, Profile]:
    """The people's files by person slug; what is wrong with one, in `errors`."""
    found: dict[str, Profile] = {}
    for rel in profile_files(config.content_dir):
        try:
            profile = read_profile(config.content_dir, rel, config.root)
        except BuilderError as exc:
            errors.append(exc)
            continue
        if slug_of(profile.name) != profile.slug:
            text = read_text(config.content_dir, rel, config.root)
            errors.append(BuilderError(f"'name' {profile.name} has the page people/{slug_of(profile.name)}/: "
                                       f"name the file {slug_of(profile.name)}.md", config.content_dir / rel,
                                       line_of(text, "name")))
            continue
        found[profile.slug] = profile
    return found


def _spellings(profiles: dict[str, Profile]) -> dict[str, str]:
    """Per slug of a spelling a person's file names (their name, their aliases), the name to show:
    each alias merges the articles naming a person so into that person's."""
    names: dict[str, str] = {}
    for profile in profiles.values():
        for spelling in (profile.name, *profile.aliases):
            names.setdefault(slug_of(spelling), profile.name)
    return names


def _repeated_ids(config: Config, articles: list[Article], errors: list[BuilderError]) -> None:
    """An error for each article whose `id:` an earlier one has: an id is its feed entry's, and
    ingest's ledger knows the article by it."""
    first: dict[str, str] = {}
    for a in articles:
        if a.id and first.setdefault(a.id, a.path) != a.path:
            path = config.content_dir / a.path
            line = line_of(read_text(config.content_dir, a.path, config.root), "id")
            errors.append(BuilderError(f"has the same id {a.id} as {config.content_dir / first[a.id]}; an id names "
                                       "one article (its feed entry, ingest's ledger): give one another id or "
                                       "delete it", path, line))


def _entry(a: Article) -> Entry:
    slug = a.own_slug or slug_of(a.title)
    year = str(a.date.year) if a.date else "undated"
    return Entry(a, slug, f"articles/{year}/{slug}/", a.status != "published", year)


def is_shown(a: Article, drafts: bool) -> bool:
    """Whether the site shows the article: rejected never, unfiled only with drafts."""
    return a.status != "rejected" and (drafts or (a.status != "unfiled" and bool(a.dossiers)))


def _view(config: Config, dossier: Dossier, entries: list[Entry], newest: dt.date | None,
          people: tuple[Person, ...]) -> DossierView:
    found = tuple(e for e in entries if dossier.slug in (e.article.dossiers or ()))
    intro = read_page(config.content_dir, Path(DOSSIERS, f"{dossier.slug}.md"), dossier.title,
                      config.root)
    return DossierView(dossier, intro, found, *_paged(found, config.page_size, f"dossiers/{dossier.slug}/",
                                                      dossier.title),
                       activity=_activity(found, newest), people=_mentions(found, people))


def _activity(entries: Sequence[Entry], newest: dt.date | None) -> tuple[Month, ...]:
    """Articles per month from the timeline's oldest dated month to `newest`'s, months without any
    included, so that charts of different dossiers end together."""
    counts: dict[tuple[int, int], int] = {}
    for entry in entries:
        if (date := entry.article.date) is not None:
            counts[date.year, date.month] = counts.get((date.year, date.month), 0) + 1
    if not counts or newest is None:
        return ()
    year, month = min(counts)
    months = []
    while (year, month) <= (newest.year, newest.month):
        months.append(Month(f"{year:04d}-{month:02d}", counts.get((year, month), 0)))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return tuple(months)


KEY_PEOPLE = 6   # people a dossier's page names as the ones it mentions most


def _mentions(entries: Sequence[Entry], people: tuple[Person, ...]) -> tuple[Mention, ...]:
    counts: dict[str, int] = {}
    for entry in entries:
        for slug in {slug_of(name) for name in entry.article.people}:
            counts[slug] = counts.get(slug, 0) + 1
    names = {p.slug: p.name for p in people if p.slug in counts}
    top = sorted(counts, key=lambda slug: (-counts[slug], names[slug].casefold(), slug))[:KEY_PEOPLE]
    return tuple(Mention(names[slug], slug, counts[slug]) for slug in top)


def _front(views: tuple[DossierView, ...], lead: Entry | None, latest: tuple[Edition, ...], size: int
           ) -> dict[str, tuple[Entry, ...]]:
    """Each dossier's card on the front page: its `size` newest articles not shown above it (the
    lead, the `latest` edition's items, an earlier card), so that each headline appears once."""
    shown = {lead.url} if lead else set()
    shown.update(e.url for edition in latest for e in edition.entries)
    front = {}
    for view in views:
        # At most len(shown) of its newest are taken already: the slice bounds the look.
        picks = tuple(e for e in view.entries[:size + len(shown)] if e.url not in shown)[:size]
        shown.update(e.url for e in picks)
        front[view.dossier.slug] = picks
    return front


# The same few hundred names recur in thousands of articles, and serve loads the same titles build
# after build: slug each once.
slug_of = functools.lru_cache(maxsize=1 << 17)(slugify)


def _people(entries: list[Entry], size: int) -> tuple[Person, ...]:
    by_slug: dict[str, tuple[str, list[Entry]]] = {}
    for entry in entries:
        named: dict[str, str] = {}   # "Kim Jong Un" and "Kim Jong-un" in one article: one person, listing it once
        for name in entry.article.people:
            named.setdefault(slug_of(name), name)
        for slug, name in named.items():
            by_slug.setdefault(slug, (name, []))[1].append(entry)
    people = []
    for slug, (name, found) in sorted(by_slug.items(), key=lambda kv: (kv[1][0].casefold(), kv[0])):
        timeline = tuple(found)
        people.append(Person(name, slug, timeline, *_paged(timeline, size, f"people/{slug}/", name)))
    return tuple(people)


def _years(entries: Sequence[Entry], parent: str, owner: str) -> tuple[Year, ...]:
    groups: dict[str, list[Entry]] = {}
    for entry in entries:  # already newest first, undated last
        groups.setdefault(entry.year, []).append(entry)
    labels = tuple(groups)
    return tuple(Year(label, tuple(found), parent, owner, labels) for label, found in groups.items())


def _paged(entries: tuple[Entry, ...], size: int, url: str, owner: str) -> tuple[tuple[Entry, ...], tuple[Year, ...]]:
    """A timeline's page shows its `size` newest articles and, when it has more, links a page per
    year: pages of a fixed size would all change with every article added at the top, and a
    reader looks for a year more often than for page 37."""
    if len(entries) <= size:
        return entries, ()
    return entries[:size], _years(entries, url, owner)


def _neighbours(views: tuple[DossierView, ...]) -> dict[str, tuple[Neighbours, ...]]:
    out: dict[str, list[Neighbours]] = {}
    for view in views:
        timeline = view.entries
        for i, entry in enumerate(timeline):
            out.setdefault(entry.url, []).append(Neighbours(
                view.dossier, timeline[i + 1] if i + 1 < len(timeline) else None, timeline[i - 1] if i else None))
    return {url: tuple(found) for url, found in out.items()}


RELATED = 5
NEARBY = 10     # candidates per shared person: the articles this close to it in that person's timeline
FAR = 1 << 30   # days between a dated article and an undated one: further than any two dates


def rank_related(entries: list[Entry], people: tuple[Person, ...], only: set[str] | None = None
             ) -> dict[str, tuple[Entry, ...]]:
    """Per article (or per article in `only`), others sharing a dossier, ranked by people in
    common, then closeness in time (days apart), then timeline order. Only each person's NEARBY
    articles on either side are weighed: someone named in thousands of articles would otherwise
    make this quadratic. An article's ranking depends on those articles alone, so that an added
    one changes only its neighbours' (_near)."""
    rank = {entry.url: i for i, entry in enumerate(entries)}   # articles are their ranks from here on
    spots: dict[int, list[tuple[list[int], int]]] = {}   # per article: its people's timelines, its place
    if only is None:
        for person in people:
            timeline = [rank[e.url] for e in person.entries]
            for at, here in enumerate(timeline):
                spots.setdefault(here, []).append((timeline, at))
    else:   # a few articles: each found in its people's timelines by bisection, and the part near it
        timelines = {p.slug: p.entries for p in people}
        for url in only:
            entry = entries[rank[url]]
            for slug in {slug_of(name) for name in entry.article.people}:
                theirs = timelines[slug]
                at = bisect.bisect_left(theirs, entry_order(entry), key=entry_order)
                start = max(0, at - NEARBY)
                spots.setdefault(rank[url], []).append(([rank[e.url] for e in theirs[start:at + NEARBY + 1]],
                                                        at - start))
    looked = range(len(entries)) if only is None else {r for found in spots.values() for t, _ in found for r in t}
    dossiers = {r: frozenset(entries[r].article.dossiers or ()) for r in looked}
    days = {r: date.toordinal() if (date := entries[r].article.date) else None for r in looked}
    out: dict[str, tuple[Entry, ...]] = {}
    for here in range(len(entries)) if only is None else sorted(rank[url] for url in only):
        mine, day = dossiers.get(here, frozenset()), days.get(here)
        in_common: dict[int, int] = {}   # other article -> people shared
        for timeline, at in spots.get(here, ()):
            for other in timeline[max(0, at - NEARBY):at + NEARBY + 1]:
                if other != here and not mine.isdisjoint(dossiers[other]):
                    in_common[other] = in_common.get(other, 0) + 1
        best = sorted(in_common, key=lambda r: (-in_common[r], _apart(days[r], day), r))[:RELATED]
        out[entries[here].url] = tuple(entries[r] for r in best)
    return out


def _apart(day: int | None, other: int | None) -> int:
    """Days between two dates (ordinals); two undated articles are as close as can be, a dated and
    an undated one FAR apart."""
    if day is None or other is None:
        return 0 if day is other else FAR
    return abs(day - other)


def last_updated(site: Site) -> dt.date | None:
    """`SOURCE_DATE_EPOCH` when set (reproducible builds), else the newest article's date; never
    the clock, so two builds of the same input are byte-identical."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
    return site.newest
