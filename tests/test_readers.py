"""The table of seed formats: which files are seeds, and one reader per extension."""

from pathlib import Path

import pytest

from builder.errors import BuilderError
from builder.readers import READERS, extraction, origin, seed_files


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


def test_a_clipped_seed_s_address_is_read_from_its_internet_shortcut(tmp_path: Path):
    """Issue 18: `clip` keeps the address beside the page (`x.url`); a reader falls back to it for
    `url:`, and a shortcut naming no web address is refused naming it."""
    seed = tmp_path / "x.html"
    seed.write_text("<p>page</p>")
    assert origin(seed) is None
    seed.with_suffix(".url").write_text("[InternetShortcut]\r\nURL=https://news.example.com/a?b=1\r\n")
    assert origin(seed) == ("https://news.example.com/a?b=1", "the address it was clipped from (x.url)")
    seed.with_suffix(".url").write_text("[InternetShortcut]\nURL=javascript:alert(1)\n")
    with pytest.raises(BuilderError) as caught:
        origin(seed)
    assert str(caught.value) == f"{tmp_path / 'x.url'}: names no http:// or https:// address (a line `URL=https://...`)"


def test_a_shortcut_whose_address_urlsplit_refuses_is_one_error(tmp_path: Path):
    """Issue 18 review: `URL=http://[oops/x` (urlsplit's ValueError) is the shortcut's one-line
    refusal, not a traceback that stops the ingest."""
    seed = tmp_path / "x.html"
    seed.write_text("<p>page</p>")
    seed.with_suffix(".url").write_text("[InternetShortcut]\nURL=http://[oops/x\n")
    with pytest.raises(BuilderError) as caught:
        origin(seed)
    assert str(caught.value) == f"{tmp_path / 'x.url'}: names no http:// or https:// address (a line `URL=https://...`)"
