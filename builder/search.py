"""Static full-text search: Pagefind indexes the rendered articles into `pagefind/`, plus one bundle
per dossier in `pagefind/dossiers/<slug>/` for the search page's dossier filter.

Per-dossier bundles, not Pagefind filters: its filter index is not byte-identical between runs
(Pagefind issue #638), and two builds of the same input must be. A bundle whose pages are all
unchanged is taken from the last build; the others are indexed side by side, one Pagefind per core.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Mapping, Sequence

from builder.errors import BuilderError

BUNDLE = "pagefind"


def bundles(dossiers: Mapping[str, Sequence[str]]) -> dict[str, Sequence[str] | None]:
    """Each bundle's folder (relative to the site) -> the pages it indexes, None for all of them.
    `dossiers` maps each dossier slug to its article pages; an empty dossier has no bundle (Pagefind
    refuses an empty site, and the search page offers only filled dossiers)."""
    return {BUNDLE: None} | {f"{BUNDLE}/dossiers/{slug}": pages for slug, pages in dossiers.items() if pages}


def digests(dossiers: Mapping[str, Sequence[str]], prints: Mapping[str, str]) -> dict[str, str]:
    """Per bundle, a hash of what it indexes: its pages and their fingerprints. Pagefind indexes
    only the article pages (they mark their body for it), or, on a site without any, every page."""
    articles = sorted(p for p in prints if p.startswith("articles/")) or sorted(prints)
    return {bundle: hashlib.sha256(repr([(p, prints[p]) for p in (articles if pages is None else pages)])
                                   .encode("utf-8")).hexdigest()
            for bundle, pages in bundles(dossiers).items()}


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


def _index(site_dir: Path, pages: Sequence[str] | None, output: Path) -> None:
    if pages is None:
        _pagefind(site_dir, output)
        return
    with tempfile.TemporaryDirectory(prefix="pagefind-") as tmp:
        for page in pages:  # hard links: the dossier's pages at their own paths, for free
            link = Path(tmp, page)
            link.parent.mkdir(parents=True, exist_ok=True)
            os.link(site_dir / page, link)
        _pagefind(Path(tmp), output)


def _index_all(site_dir: Path, jobs: Mapping[str, Sequence[str] | None], tmp: Path) -> dict[str, Path]:
    """Run Pagefind for each bundle of `jobs` side by side (it works mostly on one core); returns
    the folder under `tmp` each bundle was written to."""
    outputs = {bundle: tmp / str(n) for n, bundle in enumerate(jobs)}
    with ThreadPoolExecutor(os.cpu_count() or 1) as pool:
        for done in [pool.submit(_index, site_dir, jobs[b], outputs[b]) for b in jobs]:
            done.result()
    return outputs


def index_site(site_dir: Path, dossiers: Mapping[str, Sequence[str]], reuse: Path | None = None,
               unchanged: frozenset[str] = frozenset()) -> None:
    """Write every bundle into `site_dir`, a new site (the wheel ships Pagefind's binary). The
    `unchanged` bundles are hard-linked from the same place under `reuse`, the last site."""
    wanted = bundles(dossiers)
    fresh = {b: pages for b, pages in wanted.items() if reuse is None or b not in unchanged}
    with tempfile.TemporaryDirectory(prefix="pagefind-out-") as tmp:
        outputs = _index_all(site_dir, fresh, Path(tmp))
        for bundle in wanted:  # the site's bundle first: the dossiers' go inside it
            target = site_dir / bundle
            target.parent.mkdir(parents=True, exist_ok=True)
            if bundle in outputs:
                shutil.move(outputs[bundle], target)
            else:
                shutil.copytree(reuse / bundle, target, copy_function=os.link,
                                ignore=lambda folder, names: ["dossiers"] if Path(folder) == reuse / BUNDLE else [])


def update_index(site_dir: Path, dossiers: Mapping[str, Sequence[str]], unchanged: frozenset[str]) -> None:
    """Re-index the bundles of `site_dir`, a live site, that are not `unchanged`: all are indexed
    first, then each is swapped in whole, so a failure changes nothing and a reader sees a bundle
    old or new, never half."""
    wanted = bundles(dossiers)
    fresh = {b: pages for b, pages in wanted.items() if b not in unchanged}
    root = site_dir / BUNDLE
    with tempfile.TemporaryDirectory(prefix=".pagefind-", dir=site_dir.parent) as tmp:  # renames stay on one disk
        outputs = _index_all(site_dir, fresh, Path(tmp))
        old = Path(tmp, "old")
        old.mkdir()
        if BUNDLE in outputs:  # the dossiers' bundles live inside the site's: carry them over
            if (root / "dossiers").is_dir():
                os.replace(root / "dossiers", outputs[BUNDLE] / "dossiers")
            if root.exists():
                os.replace(root, old / BUNDLE)
            os.replace(outputs.pop(BUNDLE), root)
        kept = root / "dossiers"
        for folder in (kept.iterdir() if kept.is_dir() else ()):
            if f"{BUNDLE}/dossiers/{folder.name}" not in wanted:   # the dossier is empty now
                os.replace(folder, old / f"gone-{folder.name}")
        for n, (bundle, output) in enumerate(outputs.items()):
            target = site_dir / bundle
            if target.exists():
                os.replace(target, old / str(n))
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(output, target)
