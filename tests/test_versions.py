"""Where the next site is made: staging under .cache/site/, the user's permissions, and what a
killed build left behind."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from builder.build import build
from builder.config import load_config
from tests.conftest import REPO
from tests.test_build import tree

# `python -c KILLER ARGS...` runs `python -m builder ARGS...` and dies (os._exit, as a kill -9 would
# leave things) at the KILL_AT-th rename of any file or folder, or at the first rename out of a
# path holding KILL_FROM; at a normal end it prints how many renames it made.
# With `--patch FILE TEXT` instead of a command, it builds as `serve` does (cache and last build in
# memory), appends TEXT to FILE and builds again, counting only the second build's renames.
KILLER = """
import atexit, os, sys
from pathlib import Path
from builder.cli import main
real, count, armed, build = os.replace, 0, sys.argv[1] != "--patch", os.getpid()
def dying(source, target, *args, **kwargs):
    global count
    if os.getpid() != build:   # a worker rendering pages (its compiled templates): the build is not killed
        return real(source, target, *args, **kwargs)
    count += armed
    if armed and count == int(os.environ.get("KILL_AT", 0)) or os.environ.get("KILL_FROM", "\\0") in os.fspath(source):
        os._exit(137)
    return real(source, target, *args, **kwargs)
os.replace = os.rename = dying
atexit.register(lambda: print(f"renames: {count}", file=sys.stderr))
if armed:
    sys.exit(main(sys.argv[1:]))
from builder.incremental.update import update
from builder.incremental.cache import open_cache
from builder.config import load_config
config, cache = load_config(Path("config.yaml")), None
cache = open_cache(config)
memory = update(config, cache=cache).memory
edited = Path(sys.argv[2])
edited.write_text(edited.read_text() + sys.argv[3])
armed = True
update(config, cache=cache, memory=memory, changed=[str(edited)])
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


def _kishida(root: Path) -> Path:
    return next((root / "content" / "articles").rglob("japans-kishida*.md"))


def _edit_texts(root: Path) -> None:
    kishida = _kishida(root)
    kishida.write_text(kishida.read_text().replace("whirlwind trip", "whirlwind visit")
                       .replace("summary: ", "summary: Edited. ", 1))
    (root / "content" / "articles" / "2024" / "short.md").unlink()


def _edit_template(root: Path) -> None:
    person = root / "templates" / "person.html"
    person.write_text(person.read_text().replace("<h1>", '<h1 class="person">'))


def _edit_stylesheet(root: Path) -> None:
    css = root / "templates" / "assets" / "style.css"
    css.write_text(css.read_text() + "\n.brand { letter-spacing: 0; }\n")


BODY = "\nOne more paragraph, in the body alone.\n"
CHANGES = {   # name: (what changes, how the killed build runs)
    "first build": (None, ("build", "--no-ingest")),
    "article texts and a deletion": (_edit_texts, ("build", "--no-ingest")),
    "a template": (_edit_template, ("build", "--no-ingest")),
    "a stylesheet": (_edit_stylesheet, ("build", "--no-ingest")),
    "serve's patch of a body": (None, ("--patch", "KISHIDA", BODY)),
}


def _before(root: Path, change: str) -> dict[str, bytes] | None:
    """The project's copy in `root`, built (unless the change is the first build) and changed:
    the site before the killed build, None for none."""
    os.chdir(root)   # as the killed command sees it: config.yaml, relative paths
    if change == "first build":
        return None
    (root / "content" / "articles" / "2024" / "short.md").write_text(   # for a deletion with few words
        "---\ntitle: Seoul and Tokyo meet\ndate: 2024-05-01\ndossiers: [japan-rok]\n---\n\nThey met.\n")
    build(load_config(Path("config.yaml")), run_ingest=False)
    intro = root / "content" / "_index.md"   # a second build: the version not shown is one behind
    intro.write_text(intro.read_text() + "\nAn intro edited before.\n")
    build(load_config(Path("config.yaml")), run_ingest=False)
    old = tree(root / "site")
    edit = CHANGES[change][0]
    if edit:
        edit(root)
    return old


@pytest.mark.parametrize("change", CHANGES)
def test_a_build_killed_at_any_rename_leaves_the_old_site_or_the_new_one_whole(tmp_path, monkeypatch, change):
    """Issue 15 item 10: a build killed (as by kill -9) at each of its renames, one kill per run,
    leaves site/ as the old build or the new one, byte for byte, never a mix nor nothing; and the
    next build makes the new one."""
    from conftest import copy_project
    monkeypatch.chdir(tmp_path)
    args = CHANGES[change][1]

    def prepared(name: str) -> tuple[Path, dict[str, bytes] | None, tuple[str, ...]]:
        root = copy_project(tmp_path / name)
        old = _before(root, change)
        return root, old, tuple(str(_kishida(root)) if a == "KISHIDA" else a for a in args)
    root, _, run = prepared("whole")
    renames = killed(root, *run)
    assert renames.returncode == 0, renames.stderr
    new = tree(root / "site")
    if change == "serve's patch of a body":
        assert BODY.strip() in str(new)
    count = int(renames.stderr.rsplit("renames: ", 1)[1])
    assert count > 0
    for at in range(1, count + 1):
        root, old, run = prepared(f"killed-at-{at}")
        result = killed(root, *run, KILL_AT=str(at))
        assert result.returncode == 137, result.stderr
        now = tree(root / "site") if (root / "site").exists() else None
        assert now == old or now == new, f"killed at rename {at} of {count}: neither the old site nor the new"
        build(load_config(Path("config.yaml")), run_ingest=False)
        assert tree(root / "site") == new, f"the build after a kill at rename {at}"


def test_a_build_failing_while_it_links_the_version_not_shown_leaves_the_site_and_the_next_makes_it(
        repo_copy, monkeypatch):
    """The first build after a clean one makes the version not shown by linking every file of the
    live one into a new folder; a build failing there (a full disk) leaves the live site as it was,
    and the next build makes the site a clean build makes."""
    from tests.test_build import clean_build
    monkeypatch.chdir(repo_copy)
    config = load_config(repo_copy / "config.yaml")
    build(config, run_ingest=False)
    before = tree(repo_copy / "site")
    (repo_copy / "content" / "_index.md").write_text("---\ntitle: Briefing\n---\n\nAn intro edited.\n")
    real, linked = os.link, []

    def dying(source, target, *args, **kwargs):
        if len(linked) == 20:
            raise OSError(28, "No space left on device")
        linked.append(target)
        return real(source, target, *args, **kwargs)
    monkeypatch.setattr(os, "link", dying)
    with pytest.raises(OSError, match="No space left"):
        build(config, run_ingest=False)
    monkeypatch.setattr(os, "link", real)
    assert len(linked) == 20 and tree(repo_copy / "site") == before
    build(config, run_ingest=False)
    made = tree(repo_copy / "site")
    assert b"An intro edited." in made["index.html"]
    assert made == clean_build(repo_copy)
