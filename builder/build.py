"""The build: ingest the seeds, load `content/` into the Site model, render it, and put it in
`site/` only when everything succeeded.

A clean build is three steps (`clean`): `site.load_site`, `render.render_site` into a staging
folder, and `versions.install`, one rename. A command's build takes the same steps through
`builder.incremental.update`, which does each only for what changed since the last build; serve's
(`serve_build`) keeps its last build in memory and, after an edit to article bodies alone,
patches it instead (`builder.incremental.patch`).

The stages are imported when a build needs them: a build with nothing to do must not pay for
loading Jinja, markdown-it and the extractor."""

from __future__ import annotations

import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING

from builder.config import Config
from builder.errors import BuilderError, BuilderErrors
from builder.incremental import versions
from builder.incremental.update import Counts, Memory, Updated, forget, ingest_if_changed, update

if TYPE_CHECKING:
    from builder.incremental.cache import Cache
    from builder.ingest import Report
    from builder.site import Site


@dataclass(frozen=True)
class Result:
    site: Site | None           # None: no input changed since the last build, which stands
    ingest: Report | None
    counts: Counts
    pages: int
    rendered: int
    seconds: float
    memory: Memory | None = None   # for serve's next build

    def summary(self) -> str:
        if self.site is None:
            return (f"build: {self.counts}; nothing changed since the last build, its {self.pages} "
                    f"pages stand ({self.seconds:.2f} s)")
        return (f"build: {self.counts}; {self.pages} pages written ({self.rendered} rendered, "
                f"{self.pages - self.rendered} unchanged) in {self.seconds:.2f} s")


def build(config: Config, run_ingest: bool = True, drafts: bool = False, clean: bool = False) -> Result:
    """`python -m builder build` (and publish's): ingest the seeds that changed, then bring
    `site/` up to date, or, with `clean`, make it afresh."""
    return _run(config, run_ingest, lambda ingested: clean_build(config, drafts) if clean
                else update(config, drafts, ingested=ingested))


def serve_build(config: Config, cache: Cache, memory: Memory | None, changed: Collection[str] | None) -> Result:
    """serve's build, with the parse cache and the last build it keeps in memory, told the files its
    watcher saw change (None: not known). The pages' fingerprints are saved later (save_manifest)."""
    return _run(config, True, lambda ingested: update(config, False, cache, memory, changed, ingested,
                                                      save_fingerprints=False))


def clean_build(config: Config, drafts: bool = False) -> Updated:
    """The whole site made afresh from `content/`, with no cache, stamp or fingerprint of an
    earlier build: what every build must equal."""
    from builder.render import render_site
    from builder.site import load_site
    site = load_site(config, drafts)
    versions.prepare(config)
    with versions.staging(config) as staging:
        pages = render_site(site, staging)
        forget(config)   # what the machinery knew of the last build no longer describes site/
        versions.install(config, staging)
    return Updated(site, Counts.of(site), pages, pages, None)


def _run(config: Config, run_ingest: bool, then: Callable[[bool], Updated]) -> Result:
    """Ingest (if asked), then `then(whether ingest ran)`; the seeds ingest refused are told with
    what stops the build after it, not lost."""
    started = time.perf_counter()
    report = ingest_if_changed(config) if run_ingest else None
    try:
        done = then(report is not None)
    except BuilderError as exc:
        if report is None or not report.problems:
            raise
        told = exc.errors if isinstance(exc, BuilderErrors) else [exc]
        raise BuilderErrors([*report.problems, *told]) from None
    return Result(done.site, report, done.counts, done.pages, done.rendered, time.perf_counter() - started,
                  done.memory)
