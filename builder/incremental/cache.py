"""The persistent caches (git-ignored, under `.cache/`): each article file is read, parsed and
filed, each Markdown text rendered to HTML, and each seed extracted, once per change, across builds
and `serve` sessions."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import os
import pickle
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from builder.config import Config
from builder.content import Article
from builder.files import write_atomic
from builder.incremental.stamp import Signature, code, racy, signature

FOLDER = "parsed"   # SHARDS pickles: an edit rewrites the one holding the article, not all
SHARDS = 16
HTML = "html"       # HTML_SHARDS pickles of Markdown's HTML, each read only when a page needs it
HTML_SHARDS = 256   # an edit renders its article's page and its neighbours': each needs one
RELATED = "related"
HISTORY = "history"

T = TypeVar("T")

def trusted(path: Path | str) -> Signature | None:
    """The file's signature; None for a file changed too lately to trust it, which is read again."""
    st = os.stat(path)
    return None if racy(st) else signature(st)


def _shard(key: str) -> int:
    return zlib.crc32(key.encode("utf-8")) % SHARDS


def _html_shard(digest: str) -> int:
    return int(digest[:2], 16)   # a sha256 in hex: its first byte


@dataclass
class Cache:
    key: str                                            # the code and filing rules the entries hold for
    articles: dict[str, tuple[Signature, Article]] = field(default_factory=dict)   # by content path
    # What each article's related ones were ranked from, and those related ones, by URL
    # (incremental.reading.Cached.related, which checks the first as it comes from a pickle).
    related: tuple[object, dict[str, tuple[str, ...]]] = ({}, {})
    # The commit checked out and, as of it, each article file's first commit (history.first_commits).
    history: tuple[str | None, dict[str, dt.date]] = (None, {})
    folder: Path | None = None      # the cache folder whose HTML shards are read when needed
    dirty: set[int | str] = field(default_factory=set)  # article shards (and "related") changed since saved
    dirty_html: set[int] = field(default_factory=set)
    fresh: dict[str, str] = field(default_factory=dict)  # HTML rendered since the last save, by Markdown digest
    # The HTML shards read so far (sha256 of Markdown -> HTML), read as pages need them: an edit
    # renders a page or two, and reading every shard for them would cost far more than the render.
    _html: dict[int, dict[str, str]] = field(default_factory=dict)
    _seen: set[str] = field(default_factory=set)

    def article(self, rel: str, sig: Signature | None) -> Article | None:
        self._seen.add(rel)
        found = self.articles.get(rel)
        return found[1] if found is not None and sig is not None and found[0] == sig else None

    def keep(self, rel: str, sig: Signature | None, article: Article) -> None:
        if sig is not None:
            self.articles[rel] = (sig, article)
            self.dirty.add(_shard(rel))

    def remember_related(self, inputs: dict[str, tuple], related: dict[str, tuple[str, ...]]) -> None:
        self.related = (inputs, related)
        self.dirty.add(RELATED)

    def remember_history(self, head: str, commits: dict[str, dt.date]) -> None:
        self.history = (head, commits)
        self.dirty.add(HISTORY)

    def _html_part(self, n: int) -> dict[str, str]:
        shard = self._html.get(n)
        if shard is None:
            found = _load(self.folder / HTML / f"{n}.pickle", self.key) if self.folder else None
            shard = self._html[n] = found[0] if found else {}
        return shard

    def add_html(self, rendered: dict[str, str]) -> None:
        """HTML rendered elsewhere (by a worker process), by Markdown digest."""
        for digest, html in rendered.items():
            n = _html_shard(digest)
            self._html_part(n)[digest] = self.fresh[digest] = html
            self.dirty_html.add(n)

    def mark(self) -> int:
        return len(self.fresh)

    def since(self, mark: int) -> dict[str, str]:
        """The HTML rendered after `mark` (dicts keep insertion order: it comes last)."""
        return dict(itertools.islice(self.fresh.items(), mark, None))

    def all_html(self) -> dict[str, str]:
        """Every saved shard of HTML read in (before forking workers to render many pages, so that
        they share one copy), merged."""
        merged: dict[str, str] = {}
        for n in range(HTML_SHARDS):
            merged.update(self._html_part(n))
        return merged

    def markdown(self, render: Callable[[str], str]) -> Callable[[str], str]:
        """`render` remembered by the text's hash."""
        def cached(text: str) -> str:
            digest = _digest(text)
            n = _html_shard(digest)
            shard = self._html_part(n)
            html = shard.get(digest)
            if html is None:
                html = shard[digest] = self.fresh[digest] = render(text)
                self.dirty_html.add(n)
            return html
        return cached

    def forget_unseen(self) -> None:
        """Drop the articles no longer in content/."""
        gone = self.articles.keys() - self._seen
        for rel in gone:
            del self.articles[rel]
        self.dirty.update(_shard(rel) for rel in gone)
        self._seen = set()


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def cache_key(config: Config) -> str:
    """Entries hold for this code and these filing rules; anything else starts afresh."""
    return hashlib.sha256(repr((code(), config.dossiers, config.title_weight, sorted(config.people.items())))
                          .encode("utf-8")).hexdigest()


def _load(path: Path, key: str) -> tuple | None:
    """A saved shard's values; None if it is missing, damaged or for another key."""
    try:
        with open(path, "rb") as f:
            found, *value = pickle.load(f)
    except Exception:  # missing, from another version, or damaged: a cache is only ever a shortcut
        return None
    return tuple(value) if found == key else None


def open_cache(config: Config) -> Cache:
    """The saved cache (its HTML is read as pages need it); a shard that is missing, damaged or
    for another key is left out (its articles are parsed again)."""
    cache = Cache(cache_key(config), folder=config.cache_dir)
    for n in range(SHARDS):
        if (shard := _load(config.cache_dir / FOLDER / f"{n}.pickle", cache.key)) is not None:
            cache.articles.update(shard[0])
    if (related := _load(config.cache_dir / FOLDER / f"{RELATED}.pickle", cache.key)) is not None:
        cache.related = related[0]
    if (history := _load(config.cache_dir / FOLDER / f"{HISTORY}.pickle", cache.key)) is not None:
        cache.history = history[0]
    return cache


def _write(path: Path, value: tuple) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))


def save_cache(config: Config, cache: Cache) -> None:
    """Write the shards that changed."""
    if cache.dirty:
        parts: list[dict] = [{} for _ in range(SHARDS)]
        for rel, value in cache.articles.items():
            parts[_shard(rel)][rel] = value
        named = {RELATED: cache.related, HISTORY: cache.history}
        for n in cache.dirty:
            _write(config.cache_dir / FOLDER / f"{n}.pickle",
                   (cache.key, parts[n] if isinstance(n, int) else named[n]))
        cache.dirty = set()
    save_html(config, cache)


def save_html(config: Config, cache: Cache) -> None:
    """Write the HTML shards that changed, and let go of all HTML read (pages needing it read it
    again): a build saves it once its pages are rendered, for the search index's memory. A shard
    grown to twice what its articles need (every edit leaves its old HTML behind) keeps only the
    HTML of current articles and of what was rendered since the last save (articles saved a
    moment ago are not in the cache)."""
    live: set[str] | None = None
    for n in cache.dirty_html:
        shard = cache._html_part(n)
        if len(shard) > 2 * len(cache.articles) // HTML_SHARDS + 8:
            live = live or {_digest(article.body) for _, article in cache.articles.values()} | cache.fresh.keys()
            shard = cache._html[n] = {digest: html for digest, html in shard.items() if digest in live}
        _write(config.cache_dir / HTML / f"{n}.pickle", (cache.key, shard))
    cache.dirty_html, cache.fresh, cache._html = set(), {}, {}


class PerFile:
    """Results computed from one file each (ingest's per-seed work), kept as one pickle per file in
    `folder` for as long as the file's signature and `key` stay the same."""

    def __init__(self, folder: Path, key: str, keep: bool = True):
        self.folder, self.key, self.keep = folder, key, keep   # keep: False only reads (check)

    def _entry(self, path: Path) -> Path:
        return self.folder / (hashlib.sha256(str(path.resolve()).encode("utf-8")).hexdigest()[:24] + ".pickle")

    def get(self, path: Path, compute: Callable[[Path], T]) -> T:
        try:
            sig = trusted(path)
        except OSError:
            return compute(path)  # it says what is wrong with the file
        entry = self._entry(path)
        try:
            with open(entry, "rb") as f:
                key, kept_sig, value = pickle.load(f)
            if sig is not None and (key, kept_sig) == (self.key, sig):
                return value
        except Exception:  # missing or damaged: compute afresh
            pass
        value = compute(path)
        if sig is not None and self.keep:
            self.folder.mkdir(parents=True, exist_ok=True)
            write_atomic(entry, pickle.dumps((self.key, sig, value), protocol=pickle.HIGHEST_PROTOCOL))
        return value

    def keep_only(self, paths: list[Path]) -> None:
        """Forget the files not in `paths` (deleted seeds)."""
        wanted = {self._entry(p).name for p in paths}
        if self.folder.is_dir():
            for entry in self.folder.iterdir():
                if entry.name not in wanted:
                    entry.unlink(missing_ok=True)
