"""The table of seed formats: which files are seeds, and one reader per extension."""

from pathlib import Path

import pytest
import yaml

from builder.check import check
from builder.errors import BuilderError
from builder.incremental import stamp as stamp_module
from builder.ingest import ingest
from builder.readers import READERS, SHORTCUT_BYTES, extraction, origin, seed_files
from tests.test_webpage import ARTICLE, page


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


def test_an_edited_shortcut_is_read_again(project, monkeypatch):
    """Issue 18 review: ingest kept a seed's results by the seed's file alone, so an edit of its
    `.url` gave the old `url:`, and `check` did not see a shortcut made wrong: the shortcut's own
    signature is part of what the results are kept for."""
    monkeypatch.setattr(stamp_module, "RACY", 0)   # trust the times of files written a moment ago
    canonical = '<link rel="canonical" href="https://news.example.com/world/peace-talks-istanbul">'
    seed = project.seed("talks.html", page(ARTICLE).replace(canonical, ""))
    shortcut = seed.with_suffix(".url")
    urls = []
    for url in ("https://news.example.com/a", "https://news.example.com/b"):
        shortcut.write_text(f"[InternetShortcut]\nURL={url}\n")
        assert not ingest(project.config).problems
        [text] = project.articles().values()
        urls.append(yaml.safe_load(text.split("---\n")[1])["url"])
    assert urls == ["https://news.example.com/a", "https://news.example.com/b"]
    shortcut.write_text("[InternetShortcut]\nURL=ftp://news.example.com/b\n")
    why = f"{shortcut}: seed names no http:// or https:// address (a line `URL=https://...`); skipped"
    assert [str(p) for p in check(project.config).problems] == [why]
    assert [str(p) for p in ingest(project.config).problems] == [why]


def test_a_clipped_page_s_canonical_link_counts_only_on_the_host_it_was_clipped_from(tmp_path: Path):
    """Issue 18 review: a page's canonical link overrode the address it was fetched from, so a page
    could name any site as its original: the fetched address is its url: unless the canonical link
    is on the same host (then it is the cleaner address), and url_source says which."""
    seed = tmp_path / "talks.html"
    seed.write_text(page(ARTICLE))   # canonical https://news.example.com/world/peace-talks-istanbul
    shortcut = seed.with_suffix(".url")
    shortcut.write_text("[InternetShortcut]\nURL=https://news.example.com/world/talks?utm=x#top\n")
    [draft] = extraction(seed, seed.read_bytes()).drafts
    assert (draft.url, draft.url_source) == (
        "https://news.example.com/world/peace-talks-istanbul",
        "canonical link, on the host it was clipped from (talks.url)")
    shortcut.write_text("[InternetShortcut]\nURL=https://mirror.example.org/talks\n")
    [draft] = extraction(seed, seed.read_bytes()).drafts
    assert (draft.url, draft.url_source) == (
        "https://mirror.example.org/talks",
        "the address it was clipped from (talks.url); the page's canonical link "
        "https://news.example.com/world/peace-talks-istanbul is on another host")


def test_a_shortcut_is_read_leniently_and_only_so_far(tmp_path: Path):
    """Issue 18 review: a shortcut Windows wrote in its ANSI code page was refused as not UTF-8,
    which skipped its seed; and a shortcut was read whole whatever its size. Its address is read
    from any bytes, and a shortcut larger than one is refused."""
    seed = tmp_path / "x.html"
    seed.write_text("<p>page</p>")
    seed.with_suffix(".url").write_bytes(b"[InternetShortcut]\r\nIconFile=C:\\Caf\xe9\\icon.ico\r\n"
                                         b"URL=https://news.example.com/a\r\n")
    assert origin(seed) == ("https://news.example.com/a", "the address it was clipped from (x.url)")
    seed.with_suffix(".url").write_bytes(b"[InternetShortcut]\r\nURL=https://news.example.com/a\r\n"
                                         + b"; padding\r\n" * (SHORTCUT_BYTES // 10))
    with pytest.raises(BuilderError) as caught:
        origin(seed)
    assert str(caught.value).startswith(f"{tmp_path / 'x.url'}: is larger than a shortcut (over ")
