"""The table of seed formats: which files are seeds, and one reader per extension."""

from pathlib import Path

import pytest

from builder.errors import BuilderError
from builder.readers import READERS, extraction, seed_files


def test_seeds_are_the_files_whose_extension_has_a_reader(tmp_path: Path):
    for name in ("b.txt", "A.TXT", "notes.md", "image.png", ".hidden"):
        (tmp_path / name).write_text("x")
    assert [p.name for p in seed_files(tmp_path)] == ["A.TXT", "b.txt"]
    assert set(READERS) >= {".txt"}


def test_a_reader_refusing_a_seed_names_it_and_says_it_is_skipped(tmp_path: Path):
    seed = tmp_path / "blank.txt"
    with pytest.raises(BuilderError) as caught:
        extraction(seed, b"  \n\n")
    assert str(caught.value) == f"{seed}: seed is empty; skipped"
