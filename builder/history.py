"""When each article file was first committed, read from git in one `git log` of the content
folder: the day a hand-written article entered the briefing."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

from builder.content import ARTICLES


def _git(content_dir: Path, *args: str) -> str | None:
    """git's output run in `content_dir`; None outside a repository, or without git."""
    try:
        done = subprocess.run(["git", "-C", str(content_dir), *args], capture_output=True, timeout=120)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.decode("utf-8", "replace") if done.returncode == 0 else None


def head(content_dir: Path) -> str | None:
    """The commit checked out, which decides first_commits' answer; None outside a repository."""
    found = _git(content_dir, "rev-parse", "--verify", "-q", "HEAD")
    return found.strip() if found else None


def first_commits(content_dir: Path) -> dict[str, dt.date]:
    """Per article file (its path under `content_dir`, POSIX) the day of the commit that added it,
    following renames (a file moved to another year's folder keeps its day); {} outside a repository."""
    out = _git(content_dir, "-c", "core.quotePath=false", "log", "--reverse", "-M", "--diff-filter=AR",
               "--name-status", "-z", "--relative", "--format=%x01%cs", "--", ARTICLES)
    found: dict[str, dt.date] = {}
    for commit in (out or "").split("\x01")[1:]:
        day, _, names = commit.partition("\x00")
        try:
            date = dt.date.fromisoformat(day.strip())
        except ValueError:
            continue
        fields = [f.strip("\n") for f in names.split("\x00")]
        at = 0
        while at < len(fields) - 1:
            status = fields[at]
            if status.startswith("R") and at + 2 < len(fields):
                old, new = fields[at + 1], fields[at + 2]
                found.setdefault(new, found.pop(old, date))
                at += 3
            elif status == "A":
                found.setdefault(fields[at + 1], date)
                at += 2
            else:
                at += 1
    return found
