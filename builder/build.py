"""The build: ingest the seeds, load `content/` into the Site model, render it into a staging
folder, and swap that in for `site/` only when everything succeeded."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from builder.config import Config
from builder.ingest import Report, ingest
from builder.ledger import write_atomic
from builder.render import render_site
from builder.search import BUNDLE, index_site
from builder.site import Site, load_site


@dataclass(frozen=True)
class Result:
    site: Site
    ingest: Report | None
    pages: int
    rendered: int
    seconds: float

    def summary(self) -> str:
        per = ", ".join(f"{v.dossier.slug} {len(v.entries)}" for v in self.site.dossiers)
        return (f"build: {len(self.site.entries)} article(s) ({per}); {self.site.unfiled} unfiled, "
                f"{self.site.review} needing review; {self.pages} pages written ({self.rendered} rendered, "
                f"{self.pages - self.rendered} unchanged) in {self.seconds:.2f} s")


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


MANIFEST = "render-manifest.json"


def _manifest(config: Config) -> dict[str, str]:
    """The last build's page fingerprints; nothing (render everything) if there is no site or cache."""
    try:
        data = json.loads((config.cache_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) and config.output_dir.is_dir() else {}


def build(config: Config, run_ingest: bool = True, drafts: bool = False) -> Result:
    started = time.perf_counter()
    report = ingest(config) if run_ingest else None
    site = load_site(config, drafts=drafts)
    out = config.output_dir
    out.parent.mkdir(parents=True, exist_ok=True)
    manifest = _manifest(config)
    previous = out if manifest else None
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        rendered = render_site(site, staging, previous, manifest)
        if rendered.search_changed or not (out / BUNDLE).is_dir():
            index_site(staging, {v.dossier.slug: [f"{e.url}index.html" for e in v.entries] for v in site.dossiers})
        else:  # no article page changed: the last search index is still exact
            shutil.copytree(out / BUNDLE, staging / BUNDLE, copy_function=os.link)
        # Forget the old fingerprints first: a crash between swap and save must not trust them.
        (config.cache_dir / MANIFEST).unlink(missing_ok=True)
        swap_in(staging, out)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    config.cache_dir.mkdir(parents=True, exist_ok=True)
    write_atomic(config.cache_dir / MANIFEST, json.dumps(rendered.manifest, indent=0, sort_keys=True))
    return Result(site, report, rendered.pages, rendered.rendered, time.perf_counter() - started)
