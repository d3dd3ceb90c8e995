"""Static full-text search: Pagefind indexes the rendered articles into `pagefind/`, plus one bundle
per dossier in `pagefind/dossiers/<slug>/` for the search page's dossier filter.

Per-dossier bundles, not Pagefind filters: its filter index is not byte-identical between runs
(Pagefind issue #638), and two builds of the same input must be."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Mapping, Sequence

from builder.errors import BuilderError

BUNDLE = "pagefind"


def _pagefind(site: Path, output: Path) -> None:
    command = [sys.executable, "-m", "pagefind", "--site", str(site), "--output-path", str(output), "--silent"]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=1800)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise BuilderError(f"search index: could not run Pagefind ({exc})") from None
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise BuilderError("search index: Pagefind failed" + (f": {detail[-1]}" if detail else
                           " (is the 'pagefind[extended]' package installed?)"))


def index_site(site_dir: Path, dossiers: Mapping[str, Sequence[str]]) -> None:
    """Index `site_dir` (the wheel ships Pagefind's binary); `dossiers` maps each dossier slug to
    its article pages, relative to `site_dir`."""
    _pagefind(site_dir, site_dir / BUNDLE)
    for slug, pages in dossiers.items():
        if not pages:
            continue  # Pagefind refuses an empty site; the search page offers only filled dossiers
        with tempfile.TemporaryDirectory(prefix="pagefind-") as tmp:
            for page in pages:  # hard links: the dossier's pages at their own paths, for free
                link = Path(tmp, page)
                link.parent.mkdir(parents=True, exist_ok=True)
                os.link(site_dir / page, link)
            _pagefind(Path(tmp), site_dir / BUNDLE / "dossiers" / slug)
