"""Where the next site is made: staging under .cache/site/, the user's permissions, and what a
killed build left behind."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from conftest import REPO

from builder.build import build
from builder.config import load_config

# `python -c KILLER ARGS...` runs `python -m builder ARGS...` and dies (os._exit, as a kill -9 would
# leave things) at the KILL_AT-th rename of any file or folder, or at the first rename out of a
# path holding KILL_FROM; at a normal end it prints how many renames it made.
KILLER = """
import atexit, os, sys
from builder.cli import main
real, count = os.replace, 0
def dying(source, target, *args, **kwargs):
    global count
    count += 1
    if count == int(os.environ.get("KILL_AT", 0)) or os.environ.get("KILL_FROM", "\\0") in os.fspath(source):
        os._exit(137)
    return real(source, target, *args, **kwargs)
os.replace = os.rename = dying
atexit.register(lambda: print(f"renames: {count}", file=sys.stderr))
sys.exit(main(sys.argv[1:]))
"""


def killed(root: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    """`python -m builder ARGS` in `root`, dying as `env` (KILL_AT, KILL_FROM) says."""
    return subprocess.run([sys.executable, "-c", KILLER, *args], cwd=root, capture_output=True, text=True,
                          timeout=300, env={**os.environ, "PYTHONPATH": str(REPO), **env})


def test_a_killed_build_leaves_nothing_in_the_project_and_the_next_build_removes_its_staging(repo_copy):
    """Issue 15 item 11: a build killed while its new site is staged leaves no folder in the project
    root (it stages under .cache/), and the next build removes what it left; so does it a staging
    folder an older builder left beside site/."""
    before = set(os.listdir(repo_copy))
    result = killed(repo_copy, "build", "--no-ingest", KILL_FROM="/.staging-")
    assert result.returncode == 137, result.stderr
    assert set(os.listdir(repo_copy)) - before <= {".cache"}
    staging = repo_copy / ".cache" / "site"
    assert [p.name for p in staging.iterdir() if p.name.startswith(".staging-")]
    (repo_copy / ".site.x1y2z3ab" / "articles").mkdir(parents=True)   # an older builder's leftover
    (repo_copy / ".site.notours").mkdir()
    build(load_config(repo_copy / "config.yaml"), run_ingest=False)
    assert not [p.name for p in staging.iterdir() if p.name.startswith(".staging-")]
    assert not (repo_copy / ".site.x1y2z3ab").exists() and (repo_copy / ".site.notours").is_dir()


def test_the_site_is_readable_as_the_umask_says(repo_copy):
    """Issue 15 item 12: site/ and everything in it get the user's umask (a web server running as
    another user must read it), not mkdtemp's owner-only drwx------; the same after an update."""
    old = os.umask(0o022)
    try:
        config = load_config(repo_copy / "config.yaml")
        build(config, run_ingest=False)
        article = next((repo_copy / "content" / "articles").rglob("*.md"))
        article.write_text(article.read_text() + "\nOne more line.\n")
        (repo_copy / "content" / "articles" / "2030").mkdir()
        (repo_copy / "content" / "articles" / "2030" / "new.md").write_text(
            "---\ntitle: A new one\ndate: 2030-01-02\ndossiers: [japan-rok]\n---\n\nText.\n")
        build(config, run_ingest=False)
    finally:
        os.umask(old)
    site = repo_copy / "site"
    modes = {p.relative_to(site).as_posix(): stat.S_IMODE(p.stat().st_mode) for p in [site, *site.rglob("*")]}
    assert modes["."] == 0o755 and modes["articles/2030"] == 0o755
    assert {path: mode for path, mode in modes.items()
            if mode != (0o755 if (site / path).is_dir() else 0o644)} == {}
