"""One writer per project: commands that write content/, .cache/ or site/ take turns."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.test_build import tree

ROUNDS = 10  # as the issue asks; each round is four builds from scratch


def fresh_checkout(dest: Path) -> Path:
    """The repository's project as a fresh clone has it before ingest wrote articles: seeds,
    config, templates and the curator's intros."""
    dest.mkdir(parents=True)
    for name in ("config.yaml", "seeds", "templates"):
        (shutil.copytree if (REPO / name).is_dir() else shutil.copy)(REPO / name, dest / name)
    (dest / "content").mkdir()
    shutil.copy(REPO / "content" / "_index.md", dest / "content" / "_index.md")
    shutil.copytree(REPO / "content" / "dossiers", dest / "content" / "dossiers")
    return dest


def command(root: Path, *args: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen([sys.executable, "-m", "builder", *args], cwd=root, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finished(process: subprocess.Popen) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=300)
    return process.returncode, out, err


def test_four_builds_started_together_write_what_one_build_writes(tmp_path):
    """Issue 15 item 2 (acceptance): four `build`s started at once in a fresh checkout, several
    rounds: none fails or shows a traceback, content/ holds no duplicate article, and the site is
    a single clean build's, byte for byte."""
    alone = fresh_checkout(tmp_path / "alone")
    assert finished(command(alone, "build"))[0] == 0
    for n in range(ROUNDS):
        root = fresh_checkout(tmp_path / f"round{n}")
        runs = [finished(p) for p in [command(root, "build") for _ in range(4)]]
        for status, _, err in runs:
            assert status == 0 and "Traceback" not in err, err
        assert tree(root / "content") == tree(alone / "content")
        assert tree(root / "site") == tree(alone / "site")


HOLD = """
import sys
from builder.config import load_config
from builder.lock import ProjectLock
with ProjectLock(load_config("config.yaml"), sys.argv[1]):
    print("locked", flush=True)
    sys.stdin.read()
"""


def test_a_second_command_waits_for_the_first_and_says_so(tmp_path):
    """Issue 15 item 2: while one command holds the project, a `build` started meanwhile says
    whom it waits for (one line) and goes on once that command ends; a `check` waits too."""
    root = fresh_checkout(tmp_path / "project")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    holder = subprocess.Popen([sys.executable, "-c", HOLD, "ingest"], cwd=root, env=env, text=True,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert holder.stdout.readline() == "locked\n"
    waiting = [command(root, "build"), command(root, "check")]
    try:
        for process in waiting:
            with pytest.raises(subprocess.TimeoutExpired):
                process.wait(timeout=3)
    finally:
        holder.communicate("")   # ends it: the lock is free
    (status, out, err), (checked, _, check_err) = [finished(p) for p in waiting]
    waiting_line = f"waiting for another ingest of this project (pid {holder.pid}) to finish ..."
    assert status == 0 and err.splitlines()[0] == waiting_line
    assert "build:" in out
    assert "waiting for another" in check_err


def test_serve_and_builds_at_once_leave_one_clean_project(tmp_path):
    """Issue 15 item 2 (acceptance): two `build`s started while `serve` builds a fresh checkout:
    nobody shows a traceback, serve goes on serving, content/ holds no duplicate, and the next
    build's site is a clean build's, byte for byte."""
    from test_serve import PREFIX, Serve, fetch
    alone = fresh_checkout(tmp_path / "alone")
    assert finished(command(alone, "build"))[0] == 0
    root = fresh_checkout(tmp_path / "round" / "project")
    server = Serve(root, "--base-url", PREFIX)
    try:
        runs = [finished(p) for p in [command(root, "build") for _ in range(2)]]
        server.wait_ready()
        for status, _, err in runs:
            assert status == 0 and "Traceback" not in err, err
        server.wait_for(lambda: "waiting" not in server.output()[0].splitlines()[-1])
        assert fetch(server.url())[0] == 200
    finally:
        assert server.interrupt() == 0
    assert not any("Traceback" in text for text in server.output()), server.output()
    assert tree(root / "content") == tree(alone / "content")
    assert finished(command(root, "build"))[0] == 0
    assert tree(root / "site") == tree(alone / "site")
