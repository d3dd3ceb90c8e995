"""Stamps: one hash of everything a step reads (files by size, change times and inode; config;
the builder's own code), so a build or ingest whose inputs did not change can be skipped."""

from __future__ import annotations

import functools
import hashlib
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from builder.ledger import write_atomic

CODE = Path(__file__).resolve().parent


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
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@dataclass(frozen=True)
class Stamp:
    """A hash of the inputs' signatures and values, and the content hash of each file whose
    signature cannot be trusted yet (git's "racy clean" rule): those are compared by content the
    next time, so a build right after an edit can still be skipped by the one after it."""
    digest: str
    racy: dict[str, str]

    def matches(self, saved: dict[str, Any]) -> bool:
        """The inputs are as they were when `saved` (what `last` read) was taken."""
        if saved.get("stamp") != self.digest:
            return False
        try:
            return all((self.racy.get(path) or _hash(path)) == digest
                       for path, digest in (saved.get("racy") or {}).items())
        except OSError:
            return False

    @property
    def exact(self) -> str:
        """Both parts in one string, for a key that must differ whenever an input does."""
        return hashlib.sha256(repr((self.digest, sorted(self.racy.items()))).encode("utf-8")).hexdigest()


def _files(root: Path, out: list[tuple], racy_files: dict[str, str], now: int) -> None:
    """Each file's signature into `out`; the content hash of those changed too lately to trust it
    into `racy_files`."""
    try:
        entries = list(os.scandir(root))
    except (FileNotFoundError, NotADirectoryError):
        if root.exists():
            _file(str(root), root.stat(), out, racy_files, now)
        return
    for entry in entries:
        if entry.is_dir():
            if entry.name != "__pycache__":
                _files(Path(entry.path), out, racy_files, now)
            continue
        try:
            _file(entry.path, entry.stat(), out, racy_files, now)
        except FileNotFoundError:  # a dangling link: the step reading it reports it
            out.append((entry.path, -1))


def _file(path: str, st: os.stat_result, out: list[tuple], racy_files: dict[str, str], now: int) -> None:
    out.append((path, *signature(st)))
    if racy(st, now):
        try:
            racy_files[path] = _hash(path)
        except OSError:
            pass


@functools.lru_cache(maxsize=1)
def code() -> str:
    """The hash of the builder's own code, by content, once per process: the code running is the
    code imported at its start, whatever happens to the files later (and its files are never racy)."""
    files = sorted(p for p in CODE.rglob("*.py") if "__pycache__" not in p.parts)
    return hashlib.sha256(repr([(p.relative_to(CODE).as_posix(), _hash(str(p))) for p in files])
                          .encode("utf-8")).hexdigest()


def stamp(paths: list[Path], *values: Any, seen: dict[str, Signature | None] | None = None) -> Stamp:
    """The stamp of the files under `paths` together with `values` and the builder's code. Each
    file's signature goes into `seen` too (None if too fresh to trust), for the step that reads
    them: a file is looked at once per build."""
    found: list[tuple] = []
    racy_files: dict[str, str] = {}
    now = time.time_ns()
    for path in paths:
        _files(path, found, racy_files, now)
    if seen is not None:
        seen.update((f[0], f[1:] if len(f) == 5 and f[0] not in racy_files else None) for f in found)
    found.sort()
    return Stamp(hashlib.sha256(repr((found, values, code())).encode("utf-8")).hexdigest(), racy_files)


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
