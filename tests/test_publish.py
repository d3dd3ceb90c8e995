"""`python -m builder publish` with real git, no mocks: a temporary repository holding the project,
a local bare repository as `origin`, and two publishes in a row. The branch must hold exactly site/,
each publish one commit on the previous one, and the user's repository must not change at all."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, copy_project

WORKFLOW = ".github/workflows/pages.yml"

pytestmark = pytest.mark.skipif(shutil.which("git") is None and os.environ.get("CI", "").lower() != "true",
                                reason="git is not installed")


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


def publish(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "builder", "publish", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(REPO)})


def copy_repository(root: Path) -> Path:
    """The project as a repository holds it: with .gitignore (site/ and .cache/ stay out of git)."""
    copy_project(root)
    shutil.copy(REPO / ".gitignore", root / ".gitignore")
    return root


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """The project committed on `main`, with a bare repository as `origin`."""
    work = copy_repository(tmp_path / "work")
    git(work, "init", "--quiet", "--initial-branch=main")
    git(work, "config", "user.name", "Test Curator")
    git(work, "config", "user.email", "curator@example.org")
    git(work, "config", "commit.gpgsign", "false")
    git(work, "add", "--all")
    git(work, "commit", "--quiet", "-m", "The briefing")
    git(tmp_path, "init", "--quiet", "--bare", "origin.git")
    git(work, "remote", "add", "origin", str(tmp_path / "origin.git"))
    return work


def blob_id(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def snapshot(work: Path) -> dict[str, object]:
    """Everything publish must leave alone: every file of the work tree (but site/ and .cache/,
    the git-ignored build output and cache, and .git/) byte for byte, the index file, HEAD, branches and staged changes.
    (`--no-optional-locks`: a plain `git status` may itself rewrite the index to refresh it.)"""
    files = {p.relative_to(work).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
             for p in sorted(work.rglob("*"))
             if p.is_file() and p.relative_to(work).parts[0] not in ("site", ".cache", ".git")}
    return {
        "files": files,
        "index": (work / ".git" / "index").read_bytes(),
        "HEAD": (work / ".git" / "HEAD").read_text(),
        "head": git(work, "rev-parse", "HEAD"),
        "branches": git(work, "for-each-ref", "refs/heads"),
        "staged": git(work, "diff", "--cached"),
        "status": git(work, "--no-optional-locks", "status", "--porcelain", "--untracked-files=all"),
    }


def published_tree(bare: Path, rev: str) -> dict[str, str]:
    listing = git(bare, "ls-tree", "-r", "--full-tree", rev)
    tree = {}
    for line in listing.splitlines():
        meta, name = line.split("\t", 1)
        mode, kind, blob = meta.split()
        assert (mode, kind) == ("100644", "blob"), line
        tree[name] = blob
    return tree


def site_tree(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): blob_id(p.read_bytes()) for p in site.rglob("*") if p.is_file()}


def test_publish_twice_commits_site_on_gh_pages_and_leaves_the_repository_alone(repo):
    bare = repo.parent / "origin.git"
    source = git(repo, "rev-parse", "HEAD")
    before = snapshot(repo)

    first = publish(repo)
    assert first.returncode == 0, first.stderr
    assert "publish:" in first.stdout and "origin/gh-pages" in first.stdout
    tip1 = git(bare, "rev-parse", "refs/heads/gh-pages")
    assert published_tree(bare, tip1) == site_tree(repo / "site")
    assert ".nojekyll" in published_tree(bare, tip1) and "index.html" in published_tree(bare, tip1)
    assert git(bare, "rev-list", "--count", tip1) == "1"

    second = publish(repo, "--base-url", "https://example.org/briefing/")   # another site, same repository
    assert second.returncode == 0, second.stderr
    tip2 = git(bare, "rev-parse", "refs/heads/gh-pages")
    assert tip2 != tip1
    assert git(bare, "rev-parse", f"{tip2}^") == tip1 and git(bare, "rev-list", "--count", tip2) == "2"
    assert published_tree(bare, tip2) == site_tree(repo / "site")
    assert source in git(bare, "log", "-1", "--format=%B", tip2)

    assert snapshot(repo) == before
    assert git(repo, "symbolic-ref", "HEAD") == "refs/heads/main"
    assert git(bare, "for-each-ref", "--format=%(refname)") == "refs/heads/gh-pages"  # main was not pushed


def test_refuses_outside_a_git_repository(tmp_path):
    project = copy_repository(tmp_path / "plain")
    result = publish(project)
    assert result.returncode == 1
    assert result.stderr.startswith("error: ") and "not a git repository" in result.stderr
    assert "Traceback" not in result.stderr and not (project / "site").exists()


def test_refuses_an_unknown_remote(repo):
    result = publish(repo, "--remote", "upstream")
    assert result.returncode == 1
    assert "error: no such remote 'upstream' (remotes: origin)" in result.stderr
    assert not (repo / "site").exists()


def test_refuses_uncommitted_content_unless_allowed(repo):
    bare = repo.parent / "origin.git"
    article = next((repo / "content" / "articles").rglob("*.md"))
    article.write_text(article.read_text(encoding="utf-8") + "\nAn unsaved thought.\n", encoding="utf-8")
    config = repo / "config.yaml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("  latest: 3", "  latest: 3\n  cname: news.example.org"), encoding="utf-8")

    refused = publish(repo)
    assert refused.returncode == 1
    assert "uncommitted changes in" in refused.stderr and article.name in refused.stderr
    assert "--allow-dirty" in refused.stderr
    assert git(bare, "for-each-ref") == ""

    before = snapshot(repo)
    allowed = publish(repo, "--allow-dirty")
    assert allowed.returncode == 0, allowed.stderr
    tree = published_tree(bare, "refs/heads/gh-pages")
    assert tree == site_tree(repo / "site")
    assert git(bare, "cat-file", "blob", tree["CNAME"]) == "news.example.org"
    assert "uncommitted changes" in git(bare, "log", "-1", "--format=%B", "refs/heads/gh-pages")
    assert snapshot(repo) == before


def test_a_failed_build_pushes_nothing(repo):
    bare = repo.parent / "origin.git"
    article = next((repo / "content" / "articles").rglob("*.md"))
    article.write_text("---\ntitle: [broken\n---\nText\n", encoding="utf-8")
    git(repo, "commit", "--quiet", "-am", "Broken article")
    result = publish(repo)
    assert result.returncode == 1
    assert f"{article.name}:2:" in result.stderr and "Traceback" not in result.stderr
    assert git(bare, "for-each-ref") == ""


def tool(name: str) -> str:
    """A command from the test extras; with CI=true a missing one fails instead of skipping."""
    path = shutil.which(name) or shutil.which(name, path=str(Path(sys.executable).parent))
    if path is None:
        reason = f"{name} is not installed (pip install -e '.[test]')"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    return path


def test_pages_workflow_matches_the_schema():
    result = subprocess.run([tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", WORKFLOW],
                            cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_pages_workflow_passes_zizmor():
    result = subprocess.run([tool("zizmor"), "--offline", WORKFLOW], cwd=REPO, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout


def test_uncommitted_change_names_the_whole_path(repo):
    """Issue 15 item 13: a changed file's path is shown whole (the first porcelain line lost its
    leading space and with it the path's first letter: `ontent/_index.md`)."""
    index = repo / "content" / "_index.md"
    index.write_text(index.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    result = publish(repo)
    assert result.returncode == 1
    assert "error: uncommitted changes in content/_index.md;" in result.stderr, result.stderr


def _no_such_remote(repo: Path) -> None:
    git(repo, "remote", "set-url", "origin", str(repo.parent / "nowhere.git"))


def _rejecting_hook(repo: Path) -> None:
    hook = repo.parent / "origin.git" / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'gh-pages is frozen until Monday' >&2\nexit 1\n", encoding="utf-8")
    hook.chmod(0o755)


@pytest.mark.parametrize("setup, command, lines", [
    (_no_such_remote, "ls-remote", ["nowhere.git' does not appear to be a git repository",
                                    "Could not read from remote repository"]),
    (_rejecting_hook, "push", ["gh-pages is frozen until Monday", "pre-receive hook declined"]),
])
def test_a_failed_git_command_shows_gits_whole_message(repo, setup, command, lines):
    """Issue 15 item 14: git's whole message is shown, not its last line (a missing remote read
    `git ls-remote failed: and the repository exists.`, a rejecting hook lost its reason)."""
    setup(repo)
    result = publish(repo)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"error: git {command} failed:"), result.stderr
    assert all(line in result.stderr for line in lines), result.stderr


def test_publishing_an_unchanged_site_adds_no_commit(repo):
    """Issue 15 item 18: a publish with nothing changed adds no (empty) commit to gh-pages, and says so."""
    bare = repo.parent / "origin.git"
    assert publish(repo).returncode == 0
    tip = git(bare, "rev-parse", "refs/heads/gh-pages")
    again = publish(repo)
    assert again.returncode == 0, again.stderr
    assert git(bare, "rev-parse", "refs/heads/gh-pages") == tip
    assert f"publish: nothing to publish, origin/gh-pages already holds this site (commit {tip[:12]})" in again.stdout


def test_publish_refuses_while_a_seed_is_refused(repo):
    """Issue 15 item 7: the build goes on past a refused seed, but publish pushes nothing while one
    is refused (the published site would lack its articles) and exits 1 naming it."""
    (repo / "seeds" / "bad.txt").write_bytes(b"\x00binary")
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "-m", "A bad seed")
    result = publish(repo)
    assert result.returncode == 1
    assert "error: seeds/bad.txt:1: seed is binary" in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("error: ingest refused 1 input(s)")
    assert git(repo.parent / "origin.git", "for-each-ref", "refs/heads") == ""
