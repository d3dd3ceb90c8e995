"""Stamps: one hash of everything a step reads (files by size, change times and inode; config;
the builder's own code), so a build or ingest whose inputs did not change can be skipped."""

from __future__ import annotations

import hashlib
import json
import os
import time
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


def _file(path: str, st: os.stat_result, now: int) -> tuple:
    """The file's signature, and its hash when the signature is not to be trusted yet (0: always)."""
    sig: tuple = (path, *signature(st))
    if now == 0:
        return (path, hashlib.sha256(Path(path).read_bytes()).hexdigest())
    if racy(st, now):
        try:
            sig += (hashlib.sha256(Path(path).read_bytes()).hexdigest(),)
        except OSError:
            pass
    return sig


def _files(root: Path, out: list[tuple], now: int) -> None:
    try:
        entries = list(os.scandir(root))
    except (FileNotFoundError, NotADirectoryError):
        if root.exists():
            out.append(_file(str(root), root.stat(), now))
        return
    for entry in entries:
        if entry.is_dir():
            if entry.name != "__pycache__":
                _files(Path(entry.path), out, now)
            continue
        try:
            out.append(_file(entry.path, entry.stat(), now))
        except FileNotFoundError:  # a dangling link: the step reading it reports it
            out.append((entry.path, -1))


def stamp(paths: list[Path], *values: Any) -> str:
    """The hash of the files under `paths` (and the builder's code) together with `values`. The
    code is hashed by content (40 small files, a millisecond): by signature, a stamp taken within
    RACY of editing it would differ from one taken later in the same build."""
    found: list[tuple] = []
    now = time.time_ns()
    for path in paths:
        _files(path, found, now)
    _files(CODE, found, 0)
    found.sort()
    return hashlib.sha256(repr((found, values)).encode("utf-8")).hexdigest()


def last(path: Path) -> dict[str, Any]:
    """What was saved with the last stamp at `path`, or nothing."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def save(path: Path, value: str, **extra: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, json.dumps({"stamp": value, **extra}, sort_keys=True))
