"""The build: ingest the seeds, load `content/` into the Site model, render it into a staging
folder, and swap that in for `site/` only when everything succeeded."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from builder.config import Config
from builder.ingest import Report, ingest
from builder.render import render_site
from builder.search import index_site
from builder.site import Site, load_site


@dataclass(frozen=True)
class Result:
    site: Site
    ingest: Report | None
    pages: int
    seconds: float

    def summary(self) -> str:
        per = ", ".join(f"{v.dossier.slug} {len(v.entries)}" for v in self.site.dossiers)
        return (f"build: {len(self.site.entries)} article(s) ({per}); {self.site.unfiled} unfiled, "
                f"{self.site.review} needing review; {self.pages} pages written in {self.seconds:.2f} s")


def swap_in(staging: Path, target: Path) -> None:
    """Replace `target` with `staging` so a reader sees either the old site or the new one."""
    old = target.with_name(target.name + ".old")
    if old.exists():
        shutil.rmtree(old)
    if target.exists():
        os.replace(target, old)
    os.replace(staging, target)
    if old.exists():
        shutil.rmtree(old)


def build(config: Config, run_ingest: bool = True, drafts: bool = False) -> Result:
    started = time.perf_counter()
    report = ingest(config) if run_ingest else None
    site = load_site(config, drafts=drafts)
    out = config.output_dir
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        pages = render_site(site, staging)
        index_site(staging, {v.dossier.slug: [f"{e.url}index.html" for e in v.entries] for v in site.dossiers})
        swap_in(staging, out)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    return Result(site, report, pages, time.perf_counter() - started)
