"""Temporary projects: the repository's config and templates with the seeds a test gives."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from builder.config import load_config

REPO = Path(__file__).resolve().parent.parent
PROJECT_PARTS = ("config.yaml", "seeds", "content", "templates")


def copy_project(dest: Path, source: Path = REPO) -> Path:
    """The repository's project (config, seeds, content, templates) in `dest`, nothing else."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_PARTS:
        if (source / name).is_dir():
            shutil.copytree(source / name, dest / name)
        else:
            shutil.copy(source / name, dest / name)
    return dest


class Project:
    def __init__(self, root: Path):
        self.root = root
        shutil.copy(REPO / "config.yaml", root / "config.yaml")
        shutil.copytree(REPO / "templates", root / "templates")
        (root / "seeds").mkdir()
        (root / "content").mkdir()

    @property
    def config(self):
        return load_config(self.root / "config.yaml")

    def seed(self, name: str, text: str | bytes) -> Path:
        path = self.root / "seeds" / name
        path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
        return path

    def articles(self) -> dict[str, str]:
        base = self.root / "content"
        return {p.relative_to(base).as_posix(): p.read_text(encoding="utf-8")
                for p in sorted(base.rglob("*.md"))}


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return Project(tmp_path)


@pytest.fixture
def repo_copy(tmp_path: Path) -> Path:
    """A copy of the repository's own project, curated content included."""
    return copy_project(tmp_path)


def run_with_line(tmp_path: Path, module: str, after: str, line: str, script: str) -> str:
    """`script`'s output, run in a new process by a copy of the builder whose `builder/<module>.py`
    has `line` added below the line `after`: how a contributor's one-line change behaves."""
    copy = tmp_path / "builder"
    shutil.copytree(REPO / "builder", copy, ignore=shutil.ignore_patterns("__pycache__"))
    path = copy / f"{module}.py"
    text = path.read_text(encoding="utf-8")
    assert text.count(f"\n{after}\n") == 1, f"{after!r} is not one line of {module}.py"
    path.write_text(text.replace(f"\n{after}\n", f"\n{after}\n{line}\n"), encoding="utf-8")
    check = f"import builder, pathlib; assert pathlib.Path(builder.__file__).parent == pathlib.Path({str(copy)!r})\n"
    done = subprocess.run([sys.executable, "-c", check + textwrap.dedent(script)], cwd=tmp_path,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout
