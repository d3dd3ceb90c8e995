"""The in-memory model of the whole briefing, loaded from `content/` before anything is rendered."""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from builder.classify import article_document, file_document
from builder.config import Config, Dossier
from builder.content import DOSSIERS, Article, Page, article_files, line_of, read_article, read_page, read_text, shared
from builder.errors import BuilderError, BuilderErrors
from builder.incremental.cache import Cache, trusted
from builder.incremental.stamp import Signature
from builder.parallel import ordered
from builder.text import slugify


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
        return f"{self.article.date:%B %Y}" if self.article.date else "Undated"


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
class DossierView:
    dossier: Dossier
    intro: Page
    entries: tuple[Entry, ...]  # newest first, undated last
    recent: tuple[Entry, ...]   # the newest ones, shown on the dossier's page
    years: tuple[Year, ...]     # all of them by year, when more than `recent`; else none

    @property
    def url(self) -> str:
        return f"dossiers/{self.dossier.slug}/"


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
    related: dict[str, tuple[Entry, ...]]           # by entry url: same dossier, shared people
    unfiled: int
    rejected: int
    review: int
    newest: dt.date | None      # the newest article's date


def _newest_first(a: Article) -> tuple:
    """The order of timelines: newest first, undated last; by title, then file, within a day."""
    return (a.date is None, -(a.date.toordinal()) if a.date else 0, a.title.casefold(), a.path)


def _entry_order(entry: Entry) -> tuple:
    return _newest_first(entry.article)


def filed(article: Article, config: Config) -> Article:
    """Fill in what a hand-written file leaves out: dossiers from the queries, status from dossiers."""
    if article.dossiers is None:
        filing = file_document(article_document(article), config.dossiers)
        article = replace(article, dossiers=filing.dossiers, classification=filing.classification)
    if article.status is None:
        article = replace(article, status="published" if article.dossiers else "unfiled")
    return article


def _read(config: Config, rel: str) -> Article | BuilderError:
    try:
        return filed(read_article(config.content_dir, rel, config.root), config)
    except BuilderError as exc:
        return exc


PARALLEL_FROM = 200  # files to parse; below this a process pool costs more than it saves


def _articles(config: Config, cache: Cache, errors: list[BuilderError],
              signatures: Mapping[str, Signature | None]) -> list[Article]:
    """Every article file, from the cache where unchanged, the rest parsed on all cores."""
    articles: dict[str, Article] = {}
    todo: list[tuple[str, Signature | None]] = []
    files = article_files(config.content_dir)
    root = str(config.content_dir)
    for rel in files:
        path = os.path.join(root, rel)
        try:
            sig = signatures[path] if path in signatures else trusted(path)
        except OSError:
            sig = None   # reading it says what is wrong
        found = cache.article(rel, sig)
        if found is None:
            todo.append((rel, sig))
        else:
            articles[rel] = found
    for (rel, sig), result in zip(todo, ordered(_read, config, [rel for rel, _ in todo], PARALLEL_FROM, 32)):
        if isinstance(result, BuilderError):
            errors.append(result)
        else:
            articles[rel] = result = shared(result)
            cache.keep(rel, sig, result)
    cache.forget_unseen()
    return [articles[rel] for rel in files if rel in articles]


def load_site(config: Config, drafts: bool = False, cache: Cache | None = None,
              signatures: Mapping[str, Signature | None] | None = None) -> Site:
    """Read every article and page; all bad files are reported together. `cache` holds what
    earlier builds parsed (and gets what this one parses); `signatures`, the files' signatures
    (by path) as the build's stamp found them, spare looking at each file again."""
    errors: list[BuilderError] = []
    cache = cache or Cache("")
    articles = _articles(config, cache, errors, signatures or {})

    _repeated_ids(config, articles, errors)
    known = {d.slug for d in config.dossiers}
    entries: list[Entry] = []
    urls: dict[str, str] = {}
    counts = {"unfiled": 0, "rejected": 0, "review": 0}
    for a in articles:
        if a.status == "rejected":
            counts["rejected"] += 1
        elif a.status == "unfiled" or not a.dossiers:
            counts["unfiled"] += 1
        if not _shown(a, drafts):
            continue
        if a.review:
            counts["review"] += 1
        unknown = [d for d in a.dossiers or () if d not in known]
        if unknown:
            errors.append(BuilderError(f"unknown dossier '{unknown[0]}' (config.yaml has: "
                                       f"{', '.join(sorted(known))})", config.content_dir / a.path))
            continue
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

    entries.sort(key=_entry_order)
    views = tuple(_view(config, d, entries) for d in config.dossiers)
    people = _people(entries, config.page_size)
    return Site(config=config, home=read_page(config.content_dir, Path("_index.md"), config.title, config.root),
                dossiers=views, entries=tuple(entries), people=people,
                years=_years(entries, "archive/", "Archive"),
                neighbours=_neighbours(views), related=_remembered_related(entries, people, cache),
                newest=max((e.article.date for e in entries if e.article.date), default=None), **counts)


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
    slug = a.own_slug or _slug(a.title)
    year = str(a.date.year) if a.date else "undated"
    return Entry(a, slug, f"articles/{year}/{slug}/", a.status != "published", year)


def _shown(a: Article, drafts: bool) -> bool:
    """Whether the site shows the article: rejected never, unfiled only with drafts."""
    return a.status != "rejected" and (drafts or (a.status != "unfiled" and bool(a.dossiers)))


def edited(site: Site, cache: Cache, files: Mapping[str, Signature | None], drafts: bool
           ) -> tuple[Site, list[Entry]] | None:
    """`site` (loaded with `drafts`) after its article `files` (by content path, with their
    signatures) changed, and the entries whose bodies changed: when their bodies alone did. None
    when anything else did (a file cannot be read, a front matter was edited, the dossiers' queries
    file a new body elsewhere): then the site is loaded afresh, which also reports what is wrong."""
    articles = []
    for rel, sig in files.items():
        article = cache.article(rel, sig)
        if article is None:
            read = _read(site.config, rel)
            if isinstance(read, BuilderError):
                return None
            article = read
            cache.keep(rel, sig, shared(article))
        articles.append(article)
    return with_bodies(site, articles, drafts)


def with_bodies(site: Site, articles: Sequence[Article], drafts: bool) -> tuple[Site, list[Entry]] | None:
    """`site` with `articles` in place of the versions of them it was loaded with, and the entries
    that changed, when they differ from those in their bodies alone; else None. A body is shown on
    its article's page alone, so every listing stays as it was; the site's entries are replaced
    all the same, so the site is what a fresh load would make."""
    new: dict[str, Entry] = {}
    olds: set[int] = set()
    for a in articles:
        # The same front matter sorts the same: the entry it had is where it would go.
        at = bisect.bisect_left(site.entries, _newest_first(a), key=_entry_order)
        old = site.entries[at] if at < len(site.entries) and site.entries[at].article.path == a.path else None
        if old is None:
            # Not where its front matter sorts it: hidden before, or shown under another title or
            # date (which the queries may file elsewhere, or nowhere).
            if _shown(a, drafts) or any(e.article.path == a.path for e in site.entries):
                return None
            continue          # hidden, and stays so: nothing shows it
        if a.digest == old.article.digest:
            continue          # the same text (a file rewritten as it was)
        if (a.head, a.dossiers, a.status) != (old.article.head, old.article.dossiers, old.article.status):
            return None
        new[old.url] = replace(old, article=a)
        olds.add(id(old))
    if not new:
        return site, []

    # Only the timelines holding a changed entry are made anew, the others kept as they are.
    labels = {e.year for e in new.values()}
    slugs = {d for e in new.values() for d in e.article.dossiers or ()}
    names = {_slug(name) for e in new.values() for name in e.article.people}

    def swap(entries: tuple[Entry, ...]) -> tuple[Entry, ...]:
        """A timeline (newest first) with the new entries in place of the old, found by bisection."""
        for entry in new.values():
            at = bisect.bisect_left(entries, _newest_first(entry.article), key=_entry_order)
            if at < len(entries) and entries[at].url == entry.url:
                entries = entries[:at] + (entry,) + entries[at + 1:]
        return entries

    def listed(entries: tuple[Entry, ...]) -> tuple[Entry, ...]:
        """A list of entries in any order with the new ones in place of the old."""
        return tuple([new.get(e.url, e) for e in entries]) if not olds.isdisjoint(map(id, entries)) else entries

    # Related articles share a person (_related ranks no others): only the changed articles' people's
    # articles may list them.
    relating = {e.url for p in site.people if p.slug in names for e in p.entries}

    def years(timeline: tuple[Year, ...]) -> tuple[Year, ...]:
        return tuple(replace(y, entries=swap(y.entries)) if y.label in labels else y for y in timeline)

    def neighbours(found: tuple[Neighbours, ...]) -> tuple[Neighbours, ...]:
        return tuple(replace(n, older=n.older and new.get(n.older.url, n.older),
                             newer=n.newer and new.get(n.newer.url, n.newer)) for n in found)

    # A changed entry is named by its own neighbours and its neighbours' neighbours.
    touched = {url for changed in new for n in site.neighbours.get(changed, ())
               for url in (changed, n.older and n.older.url, n.newer and n.newer.url) if url}
    return replace(
        site, entries=swap(site.entries), years=years(site.years),
        dossiers=tuple(replace(v, entries=swap(v.entries), recent=swap(v.recent), years=years(v.years))
                       if v.dossier.slug in slugs else v for v in site.dossiers),
        people=tuple(replace(p, entries=swap(p.entries), recent=swap(p.recent), years=years(p.years))
                     if p.slug in names else p for p in site.people),
        neighbours=site.neighbours | {url: neighbours(site.neighbours[url]) for url in touched},
        related=site.related | {url: listed(site.related[url]) for url in relating if url in site.related}
    ), list(new.values())


def _view(config: Config, dossier: Dossier, entries: list[Entry]) -> DossierView:
    found = tuple(e for e in entries if dossier.slug in (e.article.dossiers or ()))
    intro = read_page(config.content_dir, Path(DOSSIERS, f"{dossier.slug}.md"), dossier.title,
                      config.root)
    return DossierView(dossier, intro, found, *_paged(found, config.page_size, f"dossiers/{dossier.slug}/",
                                                      dossier.title))


# The same few hundred names recur in thousands of articles, and serve loads the same titles build
# after build: slug each once.
_slug = functools.lru_cache(maxsize=1 << 17)(slugify)


def _people(entries: list[Entry], size: int) -> tuple[Person, ...]:
    by_slug: dict[str, tuple[str, list[Entry]]] = {}
    for entry in entries:
        named: dict[str, str] = {}   # "Kim Jong Un" and "Kim Jong-un" in one article: one person, listing it once
        for name in entry.article.people:
            named.setdefault(_slug(name), name)
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


def _remembered_related(entries: list[Entry], people: tuple[Person, ...], cache: Cache) -> dict[str, tuple[Entry, ...]]:
    """_related, ranked again only for the articles whose candidates changed since the last build:
    those near an added, removed or re-filed article in its people's timelines (an edit to a text
    changes no ranking; an added article, a few dozen)."""
    inputs = {e.url: (_entry_order(e), e.article.people, e.article.dossiers) for e in entries}
    known, before = cache.related
    if not isinstance(known, dict):
        known = {}
    changed = (inputs.keys() ^ known.keys()) | {url for url, key in inputs.items() if known.get(url, key) != key}
    if not changed:
        by_url = {entry.url: entry for entry in entries}
        return {url: tuple(by_url[u] for u in found) for url, found in before.items()}
    if len(changed) * 8 >= len(entries):
        related = _related(entries, people)
        cache.remember_related(inputs, {url: tuple(e.url for e in found) for url, found in related.items()})
        return related
    again = _near(changed, inputs, known, people)
    fresh = {url: tuple(e.url for e in found) for url, found in _related(entries, people, again).items()}
    urls = {url: fresh[url] if url in again else before[url] for url in inputs}
    cache.remember_related(inputs, urls)
    by_url = {entry.url: entry for entry in entries}
    return {url: tuple(by_url[u] for u in found) for url, found in urls.items()}


def _near(changed: set[str], inputs: dict[str, tuple], known: dict[str, tuple], people: tuple[Person, ...]) -> set[str]:
    """The articles whose related ones may differ from the last build's after the `changed` ones
    came, went or changed their date, people or dossiers (`known` and `inputs`: what each had then
    and has now): those within NEARBY of where a changed one was or is, in the timelines of the
    people it had or has. An article's candidates are only ever that close to it."""
    timelines = {p.slug: p.entries for p in people}
    near = changed & inputs.keys()
    for url in changed:
        for order, names, _ in filter(None, (known.get(url), inputs.get(url))):
            for name in names:
                timeline = timelines.get(_slug(name), ())
                at = bisect.bisect_left(timeline, order, key=_entry_order)
                near.update(e.url for e in timeline[max(0, at - NEARBY - 1):at + NEARBY + 2])
    return near


def _related(entries: list[Entry], people: tuple[Person, ...], only: set[str] | None = None
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
            for slug in {_slug(name) for name in entry.article.people}:
                theirs = timelines[slug]
                at = bisect.bisect_left(theirs, _entry_order(entry), key=_entry_order)
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
