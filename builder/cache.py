"""The persistent parse cache (`.cache/parsed.pickle`, git-ignored): each article file is read,
parsed and filed, and each Markdown text rendered to HTML, once per change, across builds and
`serve` sessions."""

from __future__ import annotations

import hashlib
import os
import pickle
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from builder.config import Config
from builder.content import Article
from builder.ledger import write_atomic
from builder.stamp import CODE, RACY, stamp

FILE = "parsed.pickle"

Signature = tuple[int, int, int, int]   # size, mtime, ctime, inode


def signature(path: Path) -> Signature | None:
    """What changes whenever the file does; None for a file written too recently to trust its
    times (they tick only every few milliseconds), which is then read again."""
    st = os.stat(path)
    if max(st.st_mtime_ns, st.st_ctime_ns) >= time.time_ns() - RACY:
        return None
    return st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino


@dataclass
class Cache:
    key: str                                            # the code and filing rules the entries hold for
    articles: dict[str, tuple[Signature, Article]] = field(default_factory=dict)   # by content path
    html: dict[str, str] = field(default_factory=dict)  # sha256 of Markdown -> HTML
    changed: bool = False
    _seen: set[str] = field(default_factory=set)

    def article(self, rel: str, sig: Signature | None) -> Article | None:
        self._seen.add(rel)
        found = self.articles.get(rel)
        return found[1] if found is not None and sig is not None and found[0] == sig else None

    def keep(self, rel: str, sig: Signature | None, article: Article) -> None:
        if sig is not None:
            self.articles[rel] = (sig, article)
            self.changed = True

    def markdown(self, render: Callable[[str], str]) -> Callable[[str], str]:
        """`render` remembered by the text's hash."""
        def cached(text: str) -> str:
            digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
            html = self.html.get(digest)
            if html is None:
                html = self.html[digest] = render(text)
                self.changed = True
            return html
        return cached

    def forget_unseen(self) -> None:
        """Drop the articles no longer in content/ (kept HTML is shared and small)."""
        gone = self.articles.keys() - self._seen
        for rel in gone:
            del self.articles[rel]
        self.changed |= bool(gone)
        self._seen = set()


def cache_key(config: Config) -> str:
    """Entries hold for this code and these filing rules; anything else starts afresh."""
    return stamp([CODE], config.dossiers, config.title_weight)


def open_cache(config: Config) -> Cache:
    key = cache_key(config)
    try:
        with open(config.cache_dir / FILE, "rb") as f:
            cache = pickle.load(f)
        if isinstance(cache, Cache) and cache.key == key:
            return cache
    except Exception:  # missing, from another version, or damaged: a cache is only ever a shortcut
        pass
    return Cache(key)


def save_cache(config: Config, cache: Cache) -> None:
    if cache.changed:
        cache.changed = False
        config.cache_dir.mkdir(parents=True, exist_ok=True)
        write_atomic(config.cache_dir / FILE, pickle.dumps(cache, protocol=pickle.HIGHEST_PROTOCOL))
