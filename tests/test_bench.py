"""The benchmarks' own helpers (bench/), which a fresh machine runs from its first command."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from run import trash  # noqa: E402


def test_the_trash_is_made_in_a_work_folder_that_does_not_exist_yet(tmp_path):
    """bench/run.py on a fresh machine: its default work folder (/tmp/briefing-bench) is not there
    yet, and emptying the trash of a failed run came before anything made it."""
    folder = trash(tmp_path / "briefing-bench")
    assert folder.is_dir() and folder.parent == tmp_path / "briefing-bench"
