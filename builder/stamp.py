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


RACY = 3 * 10**9  # ns: file times tick only every few milliseconds, so recent files are hashed


def _file(path: str, st: os.stat_result, recent: int) -> tuple:
    """Size, times and inode: any write changes ctime, which no tool can set back. Two writes of
    the same size within one clock tick look alike, so a file changed lately adds its hash
    (git's "racy clean" problem)."""
    sig: tuple = (path, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
    if max(st.st_mtime_ns, st.st_ctime_ns) >= recent:
        try:
            sig += (hashlib.sha256(Path(path).read_bytes()).hexdigest(),)
        except OSError:
            pass
    return sig


def _files(root: Path, out: list[tuple], recent: int) -> None:
    try:
        entries = list(os.scandir(root))
    except (FileNotFoundError, NotADirectoryError):
        if root.exists():
            out.append(_file(str(root), root.stat(), recent))
        return
    for entry in entries:
        if entry.is_dir():
            if entry.name != "__pycache__":
                _files(Path(entry.path), out, recent)
            continue
        try:
            out.append(_file(entry.path, entry.stat(), recent))
        except FileNotFoundError:  # a dangling link: the step reading it reports it
            out.append((entry.path, -1))


def stamp(paths: list[Path], *values: Any) -> str:
    """The hash of the files under `paths` (and the builder's code) together with `values`."""
    found: list[tuple] = []
    recent = time.time_ns() - RACY
    for path in [*paths, CODE]:
        _files(path, found, recent)
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
