"""When each article file was first committed, read from git in one `git log` of the content
folder: the day a hand-written article entered the briefing."""

from __future__ import annotations

import datetime as dt
import os
import re
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
    """The commit checked out, which decides first_commits' answer; None outside a repository.
    Every build asks, serve at each rebuild: it is read from git's files where they say it plainly
    (a git process takes milliseconds), else from git."""
    found = _head_from_files(content_dir)
    if found is None:   # the files do not say it plainly
        asked = _git(content_dir, "rev-parse", "--verify", "-q", "HEAD")
        return asked.strip() if asked else None
    return found or None


# Variables that change which repository, or which of its refs, git reads.
_MOVING = ("GIT_DIR", "GIT_WORK_TREE", "GIT_COMMON_DIR", "GIT_NAMESPACE", "GIT_CEILING_DIRECTORIES",
           "GIT_DISCOVERY_ACROSS_FILESYSTEM")
_OBJECT_NAME = re.compile(r"[0-9a-f]{40}(?:[0-9a-f]{24})?")   # SHA-1 or SHA-256


def _head_from_files(content_dir: Path) -> str | None:
    """HEAD's commit as the repository's files hold it (a detached HEAD, a loose or packed branch,
    a linked worktree's); "" when no folder above holds a `.git`; None when git must
    be asked (environment variables that move the repository, another ref format, a branch with
    no commit yet)."""
    if any(name in os.environ for name in _MOVING):
        return None
    try:
        gitdir = _git_dir(content_dir.resolve())
        if gitdir is None:
            return ""
        text = (gitdir / "HEAD").read_text(encoding="utf-8").strip()
        if _OBJECT_NAME.fullmatch(text):
            return text
        if not text.startswith("ref: refs/"):
            return None
        ref = text.removeprefix("ref: ")
        common = gitdir
        if (gitdir / "commondir").is_file():
            common = gitdir / (gitdir / "commondir").read_text(encoding="utf-8").strip()
        for folder in dict.fromkeys([gitdir, common]):
            if (folder / ref).is_file():
                found = (folder / ref).read_text(encoding="utf-8").strip()
                return found if _OBJECT_NAME.fullmatch(found) else None
        if (common / "packed-refs").is_file():
            for line in (common / "packed-refs").read_text(encoding="utf-8").splitlines():
                name, _, packed = line.partition(" ")
                if packed == ref and _OBJECT_NAME.fullmatch(name):
                    return name
    except (OSError, UnicodeDecodeError):
        pass
    return None


def _git_dir(folder: Path) -> Path | None:
    """The git folder of the repository holding `folder`, found as git finds it: the nearest
    `.git` folder, or `.git` file naming one (a linked worktree, a submodule)."""
    for at in (folder, *folder.parents):
        dotgit = at / ".git"
        if dotgit.is_dir():
            return dotgit
        if dotgit.is_file():
            text = dotgit.read_text(encoding="utf-8").strip()
            if not text.startswith("gitdir: "):
                raise OSError(f"{dotgit} names no git folder")
            return at / text.removeprefix("gitdir: ")
    return None


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
