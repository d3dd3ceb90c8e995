"""load_site's reading from what earlier builds kept: each article file parsed once per change, and
related articles ranked again only near what changed."""

from __future__ import annotations

import bisect
import datetime as dt
import os
from collections.abc import Mapping

from builder.config import Config
from builder.content import Article, article_files, shared
from builder.errors import BuilderError
from builder.history import first_commits, head
from builder.incremental.cache import Cache, trusted
from builder.incremental.stamp import Signature
from builder.parallel import ordered
from builder.site import NEARBY, PARALLEL_FROM, Entry, Person, entry_order, rank_related, read_article_file, slug_of


class Cached:
    """A site.Reading from `cache`, which gets what this build parses; `signatures` are the files'
    signatures (by path) as the build's stamp found them, so no file is looked at twice."""

    def __init__(self, cache: Cache, signatures: Mapping[str, Signature | None] | None = None):
        self.cache, self.signatures = cache, signatures or {}

    def articles(self, config: Config, errors: list[BuilderError]) -> list[Article]:
        """Every article file, from the cache where unchanged, the rest parsed on all cores."""
        articles: dict[str, Article] = {}
        todo: list[tuple[str, Signature | None]] = []
        files = article_files(config.content_dir)
        root = str(config.content_dir)
        for rel in files:
            path = os.path.join(root, rel)
            try:
                sig = self.signatures[path] if path in self.signatures else trusted(path)
            except OSError:
                sig = None   # reading it says what is wrong
            found = self.cache.article(rel, sig)
            if found is None:
                todo.append((rel, sig))
            else:
                articles[rel] = found
        parsed = ordered(read_article_file, config, [rel for rel, _ in todo], PARALLEL_FROM, 32)
        for (rel, sig), result in zip(todo, parsed):
            if isinstance(result, BuilderError):
                errors.append(result)
            else:
                articles[rel] = result = shared(result)
                self.cache.keep(rel, sig, result)
        self.cache.forget_unseen()
        return [articles[rel] for rel in files if rel in articles]

    def first_commits(self, config: Config) -> dict[str, dt.date]:
        """history.first_commits, read from git again only when another commit is checked out."""
        commit = head(config.content_dir)
        if commit is None:
            return {}
        known, commits = self.cache.history
        if known != commit:
            commits = first_commits(config.content_dir)
            self.cache.remember_history(commit, commits)
        return commits

    def related(self, entries: list[Entry], people: tuple[Person, ...]) -> dict[str, tuple[Entry, ...]]:
        """rank_related, ranked again only for the articles whose candidates changed since the last build:
        those near an added, removed or re-filed article in its people's timelines (an edit to a text
        changes no ranking; an added article, a few dozen)."""
        inputs = {e.url: (entry_order(e), e.article.people, e.article.dossiers) for e in entries}
        known, before = self.cache.related
        if not isinstance(known, dict):
            known = {}
        changed = (inputs.keys() ^ known.keys()) | {url for url, key in inputs.items() if known.get(url, key) != key}
        if not changed:
            by_url = {entry.url: entry for entry in entries}
            return {url: tuple(by_url[u] for u in found) for url, found in before.items()}
        if len(changed) * 8 >= len(entries):
            related = rank_related(entries, people)
            self.cache.remember_related(inputs, {url: tuple(e.url for e in found) for url, found in related.items()})
            return related
        again = _near(changed, inputs, known, people)
        fresh = {url: tuple(e.url for e in found) for url, found in rank_related(entries, people, again).items()}
        urls = {url: fresh[url] if url in again else before[url] for url in inputs}
        self.cache.remember_related(inputs, urls)
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
                timeline = timelines.get(slug_of(name), ())
                at = bisect.bisect_left(timeline, order, key=entry_order)
                near.update(e.url for e in timeline[max(0, at - NEARBY - 1):at + NEARBY + 2])
    return near


