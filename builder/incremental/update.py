"""A build's way through the machinery: it stops when no input changed since the last build; after
an edit to article bodies alone, serve patches its last build (incremental.patch); else the site is
loaded (unchanged files from the parse cache) and the live version of site/ is updated in place or
replaced, rendering only the pages whose fingerprints changed.

The stages are imported when a build needs them: a build with nothing to do must not pay for
loading Jinja, markdown-it and the extractor."""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
from collections.abc import Callable, Collection
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from builder.config import Config
from builder.files import write_atomic
from builder.history import head
from builder.incremental import versions
from builder.incremental.stamp import Signature, Stamp, last, refreshed, save, stamp, unchanged
from builder.ledger import LEDGER

if TYPE_CHECKING:
    from builder.incremental.cache import Cache
    from builder.incremental.patch import Patched
    from builder.incremental.rendering import Rendered
    from builder.ingest import Report
    from builder.site import Site


@dataclass(frozen=True)
class Memory:
    """What a long-running `serve` keeps of its last build, so that the next one, when only
    article bodies changed, patches that build's site instead of loading every article again and
    fingerprinting every page."""
    site: Site
    inputs: Stamp                             # the stamp of its files, which it saved
    values: str                               # a hash of its other inputs (config, drafts, ...)
    manifest: dict[str, str]                  # its pages' fingerprints (saved, or for save_manifest)
    pages: int                                # in the site
    search: dict[str, dict]                   # search index files read or written, by digest


@dataclass(frozen=True)
class Counts:
    """What a build says of the site: its articles, per dossier, and how many are unfiled or need review."""
    articles: int = 0
    dossiers: tuple[tuple[str, int], ...] = ()
    unfiled: int = 0
    review: int = 0

    @classmethod
    def of(cls, site: Site) -> Counts:
        return cls(len(site.entries), tuple((v.dossier.slug, len(v.entries)) for v in site.dossiers),
                   site.unfiled, site.review)

    def as_json(self) -> list:
        return [self.articles, [list(d) for d in self.dossiers], self.unfiled, self.review]

    @classmethod
    def from_json(cls, value: Any) -> Counts:
        """As as_json wrote it; nothing from a stamp an older builder wrote."""
        try:
            articles, dossiers, unfiled, review = value
            return cls(int(articles), tuple((str(s), int(n)) for s, n in dossiers), int(unfiled), int(review))
        except (TypeError, ValueError):
            return cls()

    def __str__(self) -> str:
        per = ", ".join(f"{slug} {n}" for slug, n in self.dossiers)
        return f"{self.articles} article(s) ({per}); {self.unfiled} unfiled, {self.review} needing review"


@dataclass(frozen=True)
class Updated:
    site: Site | None           # None: no input changed since the last build, which stands
    counts: Counts              # of the site's articles
    pages: int
    rendered: int
    memory: Memory | None       # for the next build of a long-running process


# A pickle, not JSON: written after every build and large (a fingerprint per page), and pickle
# writes and reads it faster.
MANIFEST = "render-manifest.pickle"


def _save_manifest(config: Config, manifest: dict[str, str]) -> None:
    write_atomic(config.cache_dir / MANIFEST, pickle.dumps(manifest, protocol=pickle.HIGHEST_PROTOCOL))


def save_manifest(config: Config, memory: Memory) -> None:
    """Save the fingerprints of the build in `memory` (one made without `save_fingerprints`),
    unless another build changed the site since."""
    if _as_left(config, memory):
        _save_manifest(config, memory.manifest)


def _manifest(config: Config) -> dict[str, str]:
    """The last build's page fingerprints; nothing (render everything) if there is no site or cache."""
    try:
        data = pickle.loads((config.cache_dir / MANIFEST).read_bytes())
    except Exception:  # missing, damaged, or from another Python: a shortcut only
        return {}
    return data if isinstance(data, dict) and config.output_dir.is_dir() else {}


INGEST_STAMP = "ingest-stamp.json"
BUILD_STAMP = "build-stamp.json"


def ingest_if_changed(config: Config) -> Report | None:
    """Ingest, unless the seeds, the ledger, config and code are as the last clean run left them:
    then it would write nothing (curators' edits and deletions stay theirs either way)."""
    def inputs() -> Stamp:
        return stamp([config.seeds_dir, config.content_dir / LEDGER, config.path], config)
    path = config.cache_dir / INGEST_STAMP
    if unchanged(path, inputs()) is not None:
        return None
    path.unlink(missing_ok=True)
    from builder.ingest import ingest  # only now: the extractor is slow to import, and most builds have no seed
    report = ingest(config)
    if not report.problems:  # a bad seed is reported on every build until it is fixed
        save(path, inputs())  # after the run: it rewrote the ledger
    return report


def update(config: Config, drafts: bool = False, cache: Cache | None = None, memory: Memory | None = None,
           changed: Collection[str] | None = None, ingested: bool = False, save_fingerprints: bool = True
           ) -> Updated:
    """Bring site/ up to date with content/, templates and config: load, render, swap in. `cache`
    is what earlier builds parsed: serve keeps one in memory (and saves it); without, it is read
    from the cache folder and saved back. `memory` is what serve kept of its last build
    (Updated.memory), `changed` the files its watcher saw change since that build began (only
    those are looked at again, unless ingest wrote files meanwhile: `ingested`). Without
    `save_fingerprints`, the pages' fingerprints are left to the caller (save_manifest): writing
    them, one per page, would be most of serve's rebuild on a large site."""
    out = config.output_dir
    stamp_path = config.cache_dir / BUILD_STAMP
    # The commit checked out decides the editions of hand-written articles without `added:`.
    values = (config, drafts, os.environ.get("SOURCE_DATE_EPOCH"), head(config.content_dir))
    inputs = None
    # serve's last build, if the site is as it left it: no other build ran since (nor failed).
    memory = memory if memory is not None and _as_left(config, memory) else None
    sources = [config.content_dir, config.templates_dir, config.path]
    if memory is not None and changed is not None and not ingested:
        inputs = refreshed(memory.inputs, changed, sources, *values)   # None: a folder added or removed
    if inputs is None:
        inputs = stamp(sources, *values)
    # A long-running caller with no build in memory (serve starting, or after a failed build)
    # loads the site even when nothing changed: the edits that follow then patch it.
    starting = cache is not None and memory is None
    previous_build = unchanged(stamp_path, inputs) if out.is_dir() and not starting else None
    if previous_build is not None:
        return Updated(None, Counts.from_json(previous_build.get("counts")), previous_build.get("pages", 0), 0,
                       memory)
    values_hash = hashlib.sha256(repr(values).encode("utf-8")).hexdigest()
    stamp_path.unlink(missing_ok=True)
    versions.prepare(config)

    def forget() -> None:
        """Called just before the site changes: a crash from then on must not trust the old
        fingerprints (a failed render before it changes nothing, and keeps them)."""
        (config.cache_dir / MANIFEST).unlink(missing_ok=True)
    known = memory.search if memory else {}
    patched = _patch_bodies(config, memory, inputs, values_hash, cache, drafts, forget) if cache and memory else None
    if patched is not None and memory is not None:
        site, pages, manifest, rendered = patched.site, memory.pages, patched.manifest, patched.rendered
    else:
        # serve's last build holds the fingerprints, which it may not have saved yet.
        last_manifest = memory.manifest if memory else _manifest(config)
        site, manifest, pages, rendered = _full(config, drafts, cache, inputs.signatures(), out, last_manifest,
                                                forget)
    config.cache_dir.mkdir(parents=True, exist_ok=True)
    if save_fingerprints:
        _save_manifest(config, manifest)
    counts = Counts.of(site)
    save(stamp_path, inputs, counts=counts.as_json(), pages=pages)
    return Updated(site, counts, pages, rendered, Memory(site, inputs, values_hash, manifest, pages, known))


def _patch_bodies(*args: Any) -> Patched | None:
    from builder.incremental.patch import patch_bodies  # only now: it loads the renderer
    return patch_bodies(*args)


def forget(config: Config) -> None:
    """Forget the last build (its stamp and page fingerprints): the site was made another way."""
    (config.cache_dir / BUILD_STAMP).unlink(missing_ok=True)
    (config.cache_dir / MANIFEST).unlink(missing_ok=True)


def _full(config: Config, drafts: bool, cache: Cache | None, signatures: dict[str, Signature | None], out: Path,
          manifest: dict[str, str], forget: Callable[[], None]) -> tuple[Site, dict[str, str], int, int]:
    """Load the site and update `out` (or replace it) from the last build's `manifest`; returns
    the site, the new manifest, and the numbers of pages in the site and rendered."""
    from builder.incremental.cache import open_cache, save_cache
    from builder.incremental.reading import Cached
    from builder.site import load_site
    own_cache = cache is None
    with _long_lived():
        cache = cache or open_cache(config)
        site = load_site(config, drafts=drafts, reading=Cached(cache, signatures))
    out.parent.mkdir(parents=True, exist_ok=True)
    # What decides the files besides pages; a Jinja template change is a page change (its pages'
    # fingerprints hold it), so it updates the site in place too.
    layout = stamp([config.templates_dir / "assets"], config, drafts).exact
    if manifest.get(LAYOUT) == layout and versions.live(config):
        rendered, search = _update(site, out, manifest, cache, forget)
    else:
        rendered, search = _replace(site, out, manifest, cache, forget)
    if own_cache:
        save_cache(config, cache)
    return site, rendered.manifest | search | {LAYOUT: layout}, rendered.pages, rendered.rendered


def _as_left(config: Config, memory: Memory) -> bool:
    """Whether the site is as memory's build left it: no other build ran since (nor failed)."""
    return config.output_dir.is_dir() and last(config.cache_dir / BUILD_STAMP).get("stamp") == memory.inputs.digest


LAYOUT = "#layout"


@contextmanager
def _long_lived():
    """For loading what lives as long as the build: the cache and the site model. Python's cycle
    collector would walk all those objects again and again, for nothing (they hold no cycles);
    frozen, it leaves them alone, and forked
    render workers share their pages instead of copying them. When an earlier build froze its own
    (serve builds again and again), the garbage made since, such as its Jinja environment (which
    holds cycles), is collected first: frozen, it would stay for good."""
    enabled = gc.isenabled()
    if gc.get_freeze_count():
        gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def _index(site: Site, rendered: Rendered, staging: Path, out: Path, manifest: dict[str, str],
           link: bool) -> dict[str, str]:
    """The search index's changed files into `staging`; returns its manifest entries."""
    from builder.search import write_index
    return write_index(site.entries, {v.dossier.slug: v.entries for v in site.dossiers}, rendered.articles,
                       staging, out if manifest else None, manifest, link)


def _replace(site: Site, out: Path, manifest: dict[str, str], cache: Cache, forget: Callable[[], None]) -> tuple:
    """A new site beside the old one, unchanged pages hard-linked from it, swapped in whole: for a
    first build, or when config or assets change what the site is made of."""
    from builder.incremental.cache import save_html
    from builder.incremental.rendering import render_changed
    previous = out if manifest else None
    with versions.staging(site.config) as staging:
        rendered = render_changed(site, staging, previous, manifest, cache)
        save_html(site.config, cache)
        search = _index(site, rendered, staging, out, manifest, link=True)
        forget()
        versions.install(site.config, staging)
    return rendered, search


def _update(site: Site, out: Path, manifest: dict[str, str], cache: Cache, forget: Callable[[], None]) -> tuple:
    """The changed pages and files only (search shards included), moved into the standby version
    of the site once all are written, which then becomes the live one (see builder.incremental.versions)."""
    from builder.incremental.cache import save_html
    from builder.incremental.rendering import render_changed
    with versions.staging(site.config) as staging:
        rendered = render_changed(site, staging, None, manifest, cache, assets=False,
                               live=out)
        save_html(site.config, cache)
        search = _index(site, rendered, staging, out, manifest, link=False)
        removed = [path for path in manifest
                   if not path.startswith("#") and path not in rendered.manifest and path not in search]
        forget()
        versions.update(site.config, staging, rendered.staged, removed)
    return rendered, search
