"""serve's fast path: after an edit to article bodies alone, the last build's model with the new
bodies swapped in, so that only those articles' pages are rendered again."""

from __future__ import annotations

import bisect
from collections.abc import Mapping, Sequence
from dataclasses import replace

from builder.content import Article, shared
from builder.errors import BuilderError
from builder.incremental.cache import Cache
from builder.incremental.stamp import Signature
from builder.site import Entry, Neighbours, Site, Year, entry_order, is_shown, newest_first, read_article_file, slug_of


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
            read = read_article_file(site.config, rel)
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
        at = bisect.bisect_left(site.entries, newest_first(a), key=entry_order)
        old = site.entries[at] if at < len(site.entries) and site.entries[at].article.path == a.path else None
        if old is None:
            # Not where its front matter sorts it: hidden before, or shown under another title or
            # date (which the queries may file elsewhere, or nowhere).
            if is_shown(a, drafts) or any(e.article.path == a.path for e in site.entries):
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
    names = {slug_of(name) for e in new.values() for name in e.article.people}

    def swap(entries: tuple[Entry, ...]) -> tuple[Entry, ...]:
        """A timeline (newest first) with the new entries in place of the old, found by bisection."""
        for entry in new.values():
            at = bisect.bisect_left(entries, newest_first(entry.article), key=entry_order)
            if at < len(entries) and entries[at].url == entry.url:
                entries = entries[:at] + (entry,) + entries[at + 1:]
        return entries

    def listed(entries: tuple[Entry, ...]) -> tuple[Entry, ...]:
        """A list of entries in any order with the new ones in place of the old."""
        return tuple([new.get(e.url, e) for e in entries]) if not olds.isdisjoint(map(id, entries)) else entries

    # Related articles share a person (rank_related ranks no others): only the changed articles' people's
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
