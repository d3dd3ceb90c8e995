"""serve's fast path: after an edit to article bodies alone, the last build's model with the new
bodies swapped in, and only those articles' pages and the search files holding their words
rendered again, in place in the live site. Anything else takes the full way (incremental.update)."""

from __future__ import annotations

import bisect
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from builder.config import Config
from builder.content import ARTICLES, Article, shared
from builder.editions import Edition, edition_day, entered
from builder.errors import BuilderError
from builder.incremental import versions
from builder.incremental.cache import Cache, save_html
from builder.incremental.rendering import render_articles
from builder.incremental.stamp import Signature, Stamp
from builder.pages import KINDS
from builder.search import patch_index

if TYPE_CHECKING:
    from builder.incremental.update import Memory
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
        # The same front matter: the same people, as load_site spelled them from content/people/.
        new[old.url] = replace(old, article=replace(a, people=old.article.people))
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

    def editions(found: tuple[Edition, ...]) -> tuple[Edition, ...]:
        """The editions (newest first) with the new entries in place of the old: the same front
        matter, the same edition, found by bisection on the day each entered the briefing."""
        weekly = site.config.editions == "weekly"
        for day in {edition_day(day, weekly) for e in new.values() if (day := entered(e.article, site.commits))}:
            at = bisect.bisect_left(found, -day.toordinal(), key=lambda ed: -ed.date.toordinal())
            if at < len(found) and found[at].date == day:
                groups = tuple(replace(g, entries=listed(g.entries)) for g in found[at].groups)
                found = found[:at] + (replace(found[at], groups=groups),) + found[at + 1:]
        return found

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
        related=site.related | {url: listed(site.related[url]) for url in relating if url in site.related},
        lead=site.lead and new.get(site.lead.url, site.lead),
        front={slug: listed(found) for slug, found in site.front.items()},
        editions=editions(site.editions),
    ), list(new.values())


@dataclass(frozen=True)
class Patched:
    site: Site
    manifest: dict[str, str]    # the pages' fingerprints after the patch
    rendered: int


def patch_bodies(config: Config, memory: Memory, inputs: Stamp, values: str, cache: Cache, drafts: bool,
                 forget: Callable[[], None]) -> Patched | None:
    """The site after an edit that changed only article bodies since `memory`'s build (whose other
    inputs hashed to `values` as now), with those articles' pages and search files updated in the
    live site; None, the site untouched, after any other change or when the patch cannot be made."""
    edit = _bodies_edited(config, memory, inputs, values, cache, drafts)
    if edit is None:
        return None
    site, entries = edit
    done = _patch(site, entries, config.output_dir, memory.manifest, cache, memory.search, forget)
    return None if done is None else Patched(site, *done)


def _bodies_edited(config: Config, memory: Memory, inputs: Stamp, values: str, cache: Cache, drafts: bool
                   ) -> tuple[Site, list[Entry]] | None:
    """memory.site after an edit that changed only article files, and those in their bodies only
    (edited), and the entries whose bodies changed; None after any other change."""
    if memory.values != values or any(kind.shows_bodies for kind in KINDS):
        return None
    changed = inputs.changed(memory.inputs)
    articles = os.path.join(str(config.content_dir), ARTICLES, "")
    if changed is None or not all(path.startswith(articles) and path.endswith(".md") for path in changed):
        return None
    return edited(memory.site, cache, {Path(p).relative_to(config.content_dir).as_posix(): inputs.signature_of(p)
                                       for p in changed}, drafts)


def _patch(site: Site, entries: list[Entry], out: Path, manifest: dict[str, str], cache: Cache,
           known: dict[str, dict], forget: Callable[[], None]) -> tuple[dict[str, str], int] | None:
    """Update `out` after an edit to the bodies of `entries` alone: their pages and the search
    files holding them, nothing else. Returns the new manifest and the pages rendered; None when
    the search index cannot be patched (the build then goes the whole way)."""
    with versions.staging(site.config) as staging:
        rendered = render_articles(site, entries, staging, cache, out)
        search = patch_index(entries, rendered.articles, staging, out, manifest, known)
        if search is None:
            return None
        save_html(site.config, cache)
        changes, removed = search
        forget()
        versions.update(site.config, staging, rendered.staged, removed)
    manifest = manifest | rendered.manifest | changes
    for path in removed:
        del manifest[path]
    return manifest, rendered.rendered
