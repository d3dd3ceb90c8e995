"""When article files were first committed, read from a real git repository."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path

from builder.history import first_commits, head


def git(root: Path, *args: str, day: str = "2024-09-06") -> None:
    stamp = f"{day}T12:00:00+00:00"
    env = os.environ | {"GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp, "GIT_AUTHOR_NAME": "t",
                        "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
                        "GIT_COMMITTER_EMAIL": "t@example.org"}
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, env=env)


def write(root: Path, rel: str, text: str = "---\ntitle: A\n---\n\nText.\n") -> None:
    (root / rel).parent.mkdir(parents=True, exist_ok=True)
    (root / rel).write_text(text, encoding="utf-8")


def test_each_file_has_the_day_it_was_first_committed_and_keeps_it_when_moved(tmp_path):
    """Issue 17 item 1: a hand-written article's day is its file's first commit, in one git log of
    the content folder; a file moved to another folder keeps it, one not committed has none."""
    assert first_commits(tmp_path) == {} and head(tmp_path) is None   # not a repository
    git(tmp_path, "init", "-q")
    write(tmp_path, "content/articles/2024/a.md")
    write(tmp_path, "content/articles/2024/b ü.md", "---\ntitle: B\n---\n\nOther text.\n")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "one")
    write(tmp_path, "content/articles/2024/a.md", "---\ntitle: A\n---\n\nText, edited.\n")
    write(tmp_path, "content/articles/2025/c.md", "---\ntitle: C\n---\n\nA third text entirely.\n")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "two", day="2024-09-08")
    (tmp_path / "content/articles/2023").mkdir()
    git(tmp_path, "mv", "content/articles/2024/b ü.md", "content/articles/2023/b ü.md")
    git(tmp_path, "commit", "-q", "-m", "three", day="2024-09-10")
    write(tmp_path, "content/articles/2025/d.md")
    assert first_commits(tmp_path / "content") == {
        "articles/2024/a.md": dt.date(2024, 9, 6), "articles/2023/b ü.md": dt.date(2024, 9, 6),
        "articles/2025/c.md": dt.date(2024, 9, 8)}
    assert head(tmp_path / "content")


def rev_parse(root: Path) -> str:
    return subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], check=True, capture_output=True,
                          text=True).stdout.strip()


def test_head_is_read_from_git_s_files_as_git_reads_it(tmp_path, monkeypatch):
    """Every build asks for the commit checked out; git's files say it without a git process (git
    cannot run where `offline` asks) on a branch, its ref loose or packed, a detached HEAD and a
    linked worktree; a repository with no commit yet has none."""
    def offline(folder: Path) -> str | None:
        with monkeypatch.context() as patch:
            patch.setenv("PATH", "")
            return head(folder)
    repo, linked = tmp_path / "repo", tmp_path / "linked"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    assert head(repo) is None                                        # no commit yet
    write(repo, "content/articles/2024/a.md")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "one")
    write(repo, "content/articles/2024/b.md")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "two")
    assert offline(repo / "content") == rev_parse(repo)              # a loose branch
    git(repo, "worktree", "add", "-q", "--detach", str(linked), "HEAD~1")
    assert offline(linked / "content") == rev_parse(linked) != rev_parse(repo)   # detached, linked
    git(repo, "branch", "-q", "packed", "HEAD~1")
    git(repo, "pack-refs", "--all")
    git(repo, "checkout", "-q", "packed")
    assert offline(repo) == rev_parse(repo) == rev_parse(linked)     # a packed branch
    git(linked, "checkout", "-q", "-b", "other", "main")
    assert offline(linked) == rev_parse(linked) != rev_parse(repo)   # a linked worktree's branch
    assert offline(tmp_path) is None                                 # not in a repository
