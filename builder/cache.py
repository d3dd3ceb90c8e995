"""The persistent caches (git-ignored, under `.cache/`): each article file is read, parsed and
filed, each Markdown text rendered to HTML, and each seed extracted, once per change, across builds
and `serve` sessions."""

from __future__ import annotations

import hashlib
import os
import pickle
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, TypeVar

from builder.config import Config
from builder.content import Article
from builder.ledger import write_atomic
from builder.stamp import Signature, code, racy, signature

FOLDER = "parsed"   # SHARDS pickles: an edit rewrites the one holding the article, not all
SHARDS = 16
RELATED = "related"

T = TypeVar("T")

def trusted(path: Path | str) -> Signature | None:
    """The file's signature; None for a file changed too lately to trust it, which is read again."""
    st = os.stat(path)
    return None if racy(st) else signature(st)


def _shard(key: str) -> int:
    return zlib.crc32(key.encode("utf-8")) % SHARDS


@dataclass
class Cache:
    key: str                                            # the code and filing rules the entries hold for
    articles: dict[str, tuple[Signature, Article]] = field(default_factory=dict)   # by content path
    html: dict[str, str] = field(default_factory=dict)  # sha256 of Markdown -> HTML
    # Related articles (site._related) by URL, and a hash of what they were ranked from.
    related: tuple[str, dict[str, tuple[str, ...]]] = ("", {})
    dirty: set[int | str] = field(default_factory=set)  # shards (and "related") changed since saved
    _seen: set[str] = field(default_factory=set)

    def article(self, rel: str, sig: Signature | None) -> Article | None:
        self._seen.add(rel)
        found = self.articles.get(rel)
        return found[1] if found is not None and sig is not None and found[0] == sig else None

    def keep(self, rel: str, sig: Signature | None, article: Article) -> None:
        if sig is not None:
            self.articles[rel] = (sig, article)
            self.dirty.add(_shard(rel))

    def remember_related(self, inputs: str, related: dict[str, tuple[str, ...]]) -> None:
        self.related = (inputs, related)
        self.dirty.add(RELATED)

    def add_html(self, rendered: dict[str, str]) -> None:
        """HTML rendered elsewhere (by a worker process), by Markdown digest."""
        self.html.update(rendered)
        self.dirty.update(_shard(digest) for digest in rendered)

    def markdown(self, render: Callable[[str], str]) -> Callable[[str], str]:
        """`render` remembered by the text's hash."""
        def cached(text: str) -> str:
            digest = _digest(text)
            html = self.html.get(digest)
            if html is None:
                html = self.html[digest] = render(text)
                self.dirty.add(_shard(digest))
            return html
        return cached

    def forget_unseen(self) -> None:
        """Drop the articles no longer in content/; and, once the HTML has grown to twice what the
        articles need (every edit leaves its old HTML behind), the HTML of no current article."""
        gone = self.articles.keys() - self._seen
        for rel in gone:
            del self.articles[rel]
        self.dirty.update(_shard(rel) for rel in gone)
        self._seen = set()
        if len(self.html) > 2 * len(self.articles) + 64:
            live = {_digest(article.body) for _, article in self.articles.values()}
            self.html = {digest: html for digest, html in self.html.items() if digest in live}
            self.dirty.update(range(SHARDS))


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def cache_key(config: Config) -> str:
    """Entries hold for this code and these filing rules; anything else starts afresh."""
    return hashlib.sha256(repr((code(), config.dossiers, config.title_weight)).encode("utf-8")).hexdigest()


def open_cache(config: Config) -> Cache:
    """The saved cache; a shard that is missing, damaged or for another key is left out (its
    articles are parsed again)."""
    cache = Cache(cache_key(config))

    def load(name: int | str) -> tuple | None:
        try:
            with open(config.cache_dir / FOLDER / f"{name}.pickle", "rb") as f:
                key, *value = pickle.load(f)
        except Exception:  # missing, from another version, or damaged: a cache is only ever a shortcut
            return None
        return tuple(value) if key == cache.key else None
    for n in range(SHARDS):
        if (shard := load(n)) is not None:
            cache.articles.update(shard[0])
            cache.html.update(shard[1])
    if (related := load(RELATED)) is not None:
        cache.related = related[0]
    return cache


def save_cache(config: Config, cache: Cache) -> None:
    """Write the shards that changed."""
    if not cache.dirty:
        return
    parts: list[tuple[dict, dict]] = [({}, {}) for _ in range(SHARDS)]
    for rel, value in cache.articles.items():
        parts[_shard(rel)][0][rel] = value
    for digest, html in cache.html.items():
        parts[_shard(digest)][1][digest] = html
    folder = config.cache_dir / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    for n in cache.dirty:
        value = (cache.key, cache.related) if n == RELATED else (cache.key, *parts[n])
        write_atomic(folder / f"{n}.pickle", pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    cache.dirty = set()


class PerFile:
    """Results computed from one file each (ingest's per-seed work), kept as one pickle per file in
    `folder` for as long as the file's signature and `key` stay the same."""

    def __init__(self, folder: Path, key: str):
        self.folder, self.key = folder, key

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
        if sig is not None:
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
