"""Seed formats as a table, as Pelican's readers are: each file extension maps to a reader that makes
a seed's bytes into one Extraction (drafts with their evidence), so that ingest, its cache, the
ledger and `explain` take one path whatever the format. A new format is one reader and one entry."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from builder.content import FIELDS, host
from builder.errors import BuilderError
from builder.extract import Draft, Extraction, extract
from builder.files import decode, marked_encoding, read_bytes
from builder.newsletter import read_newsletter
from builder.webpage import read_webpage

# A reader gets the seed's bytes and its path (for messages) and whether `explain` asks for every
# line's verdict; it raises a BuilderError naming the file (and line) when the seed is no use.
Reader = Callable[[bytes, Path, bool], Extraction]


def read_text(data: bytes, path: Path, explain: bool = False) -> Extraction:
    """A `.txt` seed: the visible text of one or more pages, pasted."""
    text = decode(data, path).replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise BuilderError("is empty", path)
    return extract(text, explain)


READERS: dict[str, Reader] = {
    ".txt": read_text,
    ".html": read_webpage,
    ".htm": read_webpage,
    ".eml": read_newsletter,
}


# A clipped page's address, kept beside it as an Internet shortcut (`<seed>.url`, which a file
# manager opens in the browser): the address is what was fetched, which nothing in the page, a
# forged canonical link included, can change. A reader falls back to it for `url:`.
ORIGIN = ".url"
SHORTCUT_BYTES = 64 * 1024   # a shortcut is a few lines: a larger file is read no further
_ORIGIN_LINE = re.compile(r"^URL=(\S+)\s*$", re.M)


def origin(seed: Path) -> tuple[str, str] | None:
    """The address a seed was clipped from, and where that is said, from its Internet shortcut;
    None when it has none. A shortcut that names no web address is a BuilderError naming it."""
    shortcut = seed.with_suffix(ORIGIN)
    try:
        if shortcut.stat().st_size > SHORTCUT_BYTES:
            raise BuilderError(f"is larger than a shortcut (over {SHORTCUT_BYTES // 1024} KB)", shortcut)
        data = read_bytes(shortcut, (seed.parent,))
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise BuilderError(f"cannot read: {exc.strerror}", shortcut) from None
    try:
        text = data.decode(marked_encoding(data) or "utf-8")
    except UnicodeDecodeError:   # Windows writes a shortcut in its ANSI code page
        text = data.decode("cp1252", "replace")
    found = _ORIGIN_LINE.search(text)
    url = found[1] if found else ""
    try:
        FIELDS["url"].parse("url", url)
    except ValueError:
        raise BuilderError("names no http:// or https:// address (a line `URL=https://...`)", shortcut) from None
    return url, f"the address it was clipped from ({shortcut.name})"


def seed_files(folder: Path) -> list[Path]:
    """The seeds in `folder` (any name whose extension has a reader), by name."""
    return sorted(path for path in folder.iterdir() if path.suffix.lower() in READERS)


def read_seed(path: Path, max_bytes: int, project: Path) -> bytes:
    """A seed's bytes, or a BuilderError naming what is wrong with it (too large, not a regular
    file, a link leading outside its folder and the `project` folder)."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise BuilderError(f"is {size / 2**20:.1f} MB, over the {max_bytes / 2**20:.0f} MB limit "
                               "(ingest.max_seed_mb in config.yaml)", path)
        return read_bytes(path, (path.parent, project))
    except OSError as exc:
        raise BuilderError(f"cannot read seed: {exc.strerror}; skipped", path) from None
    except BuilderError as exc:
        raise _skipped(exc) from None


def extraction(path: Path, data: bytes, explain: bool = False) -> Extraction:
    """What the reader for the seed's extension makes of its bytes; a draft whose page names no
    address of its own gets the one the seed was clipped from (origin)."""
    try:
        found = READERS[path.suffix.lower()](data, path, explain)
        clipped = origin(path)
    except BuilderError as exc:
        raise _skipped(exc) from None
    if clipped is None:
        return found
    return replace(found, drafts=tuple(_clipped_url(d, *clipped, path.with_suffix(ORIGIN).name) for d in found.drafts))


def _clipped_url(draft: Draft, url: str, where: str, shortcut: str) -> Draft:
    """The address a page was clipped from is its original, which nothing in the page can change:
    the address the page names for itself only when it is on the same host (a cleaner address of
    the same page, its tracking parameters left out)."""
    if draft.url and host(draft.url) == host(url):
        return replace(draft, url_source=f"{draft.url_source}, on the host it was clipped from ({shortcut})")
    other = f"; the page's {draft.url_source} {draft.url} is on another host" if draft.url else ""
    return replace(draft, url=url, url_source=where + other)


def _skipped(exc: BuilderError) -> BuilderError:
    return BuilderError(f"seed {exc.message}; skipped", exc.file, exc.line)
