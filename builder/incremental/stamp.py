"""Stamps: one hash of everything a step reads (files by size, change times and inode; config;
the builder's own code), so a build or ingest whose inputs did not change can be skipped."""

from __future__ import annotations

import bisect
import functools
import hashlib
import json
import os
import pickle
import stat
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from builder.errors import BuilderError
from builder.files import read_bytes, write_atomic

CODE = Path(__file__).resolve().parent.parent   # the builder package


RACY = 3 * 10**9  # ns: file times tick only every few milliseconds (seconds on some disks)

Signature = tuple[int, int, int, int]   # size, mtime, ctime, inode


def signature(st: os.stat_result) -> Signature:
    """What changes whenever the file does: any write changes ctime, which no tool can set back."""
    return st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino


def racy(st: os.stat_result, now: int | None = None) -> bool:
    """Changed too lately for its signature to be trusted: two writes of the same size within one
    clock tick look alike (git's "racy clean" problem)."""
    return max(st.st_mtime_ns, st.st_ctime_ns) >= (now or time.time_ns()) - RACY


def _hash(path: str) -> str:
    """A file's content hash; an OSError or BuilderError when it is not a regular file now."""
    return hashlib.sha256(read_bytes(path, None)).hexdigest()


@dataclass(frozen=True)
class Stamp:
    """A hash of the inputs' signatures and values, and the content hash of each file whose
    signature cannot be trusted yet (git's "racy clean" rule): those are compared by content the
    next time, so a build right after an edit can still be skipped by the one after it."""
    digest: str
    racy: dict[str, str]
    files: list[tuple] = field(default_factory=list, compare=False)   # signatures by path, sorted

    def signatures(self) -> dict[str, Signature | None]:
        """Each file's signature by path, None for a file too fresh to trust it: for the step that
        reads them, so that a file is looked at once per build."""
        racy = self.racy
        return {f[0]: f[1:] if len(f) == 5 and f[0] not in racy else None for f in self.files}

    def signature_of(self, path: str) -> Signature | None:
        """A file's signature; None for one too fresh to trust it, or not among the files."""
        at = bisect.bisect_left(self.files, path, key=_path)
        if path in self.racy or at == len(self.files) or self.files[at][0] != path or len(self.files[at]) != 5:
            return None
        return self.files[at][1:]

    def changed(self, before: Stamp) -> set[str] | None:
        """The files changed since `before`; None when files were added or removed. Those too fresh
        to trust their signatures then are compared by content (a rewrite within one clock tick
        keeps a file's signature); one too fresh now and not then has a new signature anyway."""
        if len(self.files) != len(before.files):
            return None
        changed = set()
        for path, digest in before.racy.items():
            try:
                if (self.racy.get(path) or _hash(path)) != digest:
                    changed.add(path)
            except (OSError, BuilderError):
                changed.add(path)
        for now, then in zip(self.files, before.files):
            if now != then:
                if now[0] != then[0]:
                    return None
                changed.add(now[0])
        return changed

    def matches(self, saved: dict[str, Any]) -> bool:
        """The inputs are as they were when `saved` (what `last` read) was taken."""
        if saved.get("stamp") != self.digest:
            return False
        try:
            return all((self.racy.get(path) or _hash(path)) == digest
                       for path, digest in (saved.get("racy") or {}).items())
        except (OSError, BuilderError):
            return False

    @property
    def exact(self) -> str:
        """Both parts in one string, for a key that must differ whenever an input does."""
        return hashlib.sha256(repr((self.digest, sorted(self.racy.items()))).encode("utf-8")).hexdigest()


def _files(root: str, out: list[tuple], racy_files: dict[str, str], since: int) -> None:
    """Each file's signature into `out`; the content hash of those changed at `since` or later (too
    lately to trust the signature) into `racy_files`."""
    try:
        entries = list(os.scandir(root))
    except (FileNotFoundError, NotADirectoryError):
        if os.path.exists(root):
            _file(root, os.stat(root), out, racy_files, since)
        return
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):   # as article_files walks: a folder link (a loop) is not followed
            if entry.name != "__pycache__":
                _files(entry.path, out, racy_files, since)
            continue
        try:
            _file(entry.path, entry.stat(), out, racy_files, since)
        except FileNotFoundError:  # a dangling link: the step reading it reports it
            out.append((entry.path, -1))


def _file(path: str, st: os.stat_result, out: list[tuple], racy_files: dict[str, str], since: int) -> None:
    # signature() and racy() written out: this runs for every input file of every build.
    out.append((path, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino))
    if (st.st_mtime_ns >= since or st.st_ctime_ns >= since) and stat.S_ISREG(st.st_mode):
        try:
            racy_files[path] = _hash(path)
        except (OSError, BuilderError):
            pass


@functools.lru_cache(maxsize=1)
def code() -> str:
    """The hash of the builder's own code and data (the extractor's model, function words), by
    content, once per process: the code running is the code imported at its start, whatever happens
    to the files later (and its files are never racy)."""
    files = sorted(p for p in [*CODE.rglob("*.py"), *CODE.glob("data/*")] if "__pycache__" not in p.parts)
    return hashlib.sha256(repr([(p.relative_to(CODE).as_posix(), _hash(str(p))) for p in files])
                          .encode("utf-8")).hexdigest()


def stamp(paths: list[Path], *values: Any) -> Stamp:
    """The stamp of the files under `paths` together with `values` and the builder's code."""
    found: list[tuple] = []
    racy_files: dict[str, str] = {}
    since = time.time_ns() - RACY
    for path in paths:
        _files(str(path), found, racy_files, since)
    found.sort()
    return _stamp(found, racy_files, values)


def _stamp(found: list[tuple], racy_files: dict[str, str], values: tuple) -> Stamp:
    # The files pickled, not repr'd: faster. Pickle shares repeated objects, which would
    # make equal lists differ, but no two signatures share a string, and it does not share numbers.
    files = hashlib.sha256(pickle.dumps(found, protocol=5)).hexdigest()
    return Stamp(hashlib.sha256(repr((files, values, code())).encode("utf-8")).hexdigest(), racy_files, found)


def refreshed(before: Stamp, paths: Iterable[str], roots: list[Path], *values: Any) -> Stamp | None:
    """What stamp(roots, *values) would give now, for a caller that is told which files were
    written, added or removed since `before` (serve's watcher): `before` with those at `paths` looked
    at again, and those too fresh to trust then. None when only a whole stamp() will do: a folder
    added or removed, a path outside `roots`, or one that is not a regular file."""
    found = list(before.files)
    racy_files: dict[str, str] = {}
    since = time.time_ns() - RACY
    tops = [str(root) for root in roots]
    for path in set(paths) | before.racy.keys():
        at = bisect.bisect_left(found, path, key=_path)
        known = at < len(found) and found[at][0] == path
        try:
            st = os.stat(path)
        except FileNotFoundError:
            inside = bisect.bisect_left(found, os.path.join(path, ""), key=_path)
            if os.path.lexists(path) or (inside < len(found) and found[inside][0].startswith(os.path.join(path, ""))):
                return None   # a dangling link, or a folder removed with its files
            if known:
                del found[at]
            continue          # else it came and went
        except OSError:
            return None
        if not stat.S_ISREG(st.st_mode):
            return None
        if not known and not any(path == top or path.startswith(os.path.join(top, "")) for top in tops):
            return None
        if "__pycache__" in Path(path).parts:
            continue          # stamp() does not look in those
        now: list[tuple] = []
        _file(path, st, now, racy_files, since)
        if known:
            found[at] = now[0]
        else:
            found.insert(at, now[0])
    return _stamp(found, racy_files, values)


def _path(signature: tuple) -> str:
    return signature[0]


def last(path: Path) -> dict[str, Any]:
    """What was saved with the last stamp at `path`, or nothing."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def save(path: Path, value: Stamp, **extra: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, json.dumps({"stamp": value.digest, "racy": value.racy, **extra}, sort_keys=True))


def unchanged(path: Path, current: Stamp) -> dict[str, Any] | None:
    """What was saved with the last stamp at `path` if `current` matches it, else None. Files
    that were too fresh to trust then and are not now are dropped from it: every later
    comparison would hash them again (ingest's thousand articles, at every no-op build)."""
    saved = last(path)
    if not current.matches(saved):
        return None
    if (saved.get("racy") or {}).keys() - current.racy.keys():
        try:
            save(path, current, **{k: v for k, v in saved.items() if k not in ("stamp", "racy")})
        except OSError:
            pass   # only a shortcut for the next build (a read-only cache folder, say)
    return saved
