"""Rendering only what changed: the pages whose fingerprints differ from the last build's, into a
new version of the site (the rest hard-linked from the last one) or staged for the live one."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import CodeType
from typing import ClassVar

import jinja2

from builder.config import Config
from builder.incremental.cache import Cache
from builder.incremental.fingerprints import article_prints, fingerprints, link_prints, sitemap_print
from builder.incremental.stamp import code
from builder.pages import ARTICLE, Output, outputs
from builder.render import (
    SITEMAP,
    Put,
    add_assets,
    machine_files,
    render_pages,
    sitemap,
    to_folder,
    write_files,
    write_page,
)
from builder.site import Entry, Site


@dataclass(frozen=True)
class Rendered:
    pages: int                      # HTML pages considered (render_changed: every page of the site)
    rendered: int                   # of which rendered now; the rest were unchanged
    manifest: dict[str, str]        # page path (and the sitemap's) -> fingerprint, for the next build
    articles: dict[str, str]        # article URL -> fingerprint (article_prints)
    staged: dict[str, str]          # with render_changed's `live`: staged file -> its page's path


STAGED = "pages"  # with `live`: the folder of the staged pages, by number (see Rendered.staged)


def render_changed(site: Site, out_dir: Path, previous: Path | None = None,
                   manifest: dict[str, str] | None = None, cache: Cache | None = None,
                   assets: bool = True, live: Path | None = None) -> Rendered:
    """render.render_site, for what changed: the pages, feeds and (with `assets`) assets into
    `out_dir`, an empty staging folder; pages on all cores. A page whose fingerprint is in
    `manifest` (the last build's) is not rendered again: it is hard-linked from `previous` (the
    last site), or, without `previous`, left out, the page in the site being current. `cache`
    remembers Markdown rendered to HTML (and compiled templates are kept in the cache folder). With
    `live`, the site to be updated in place, pages are staged flat (a folder per page is slow to
    make and remove on a busy disk) and only those differing from the live site's:
    `Rendered.staged` says where each goes."""
    pages = outputs(site)
    articles = article_prints(site.entries)
    prints = fingerprints(site, pages, articles, link_prints(site.entries))
    manifest = manifest or {}
    todo: list[Output] = []
    for out in pages:
        unchanged = manifest.get(out.path) == prints[out.path]
        if unchanged and previous is None:
            continue
        if live is not None:
            todo.append(out)
            continue
        if unchanged and previous is not None and (previous / out.path).is_file():
            target = out_dir / out.path
            target.parent.mkdir(parents=True, exist_ok=True)
            os.link(previous / out.path, target)
        else:
            todo.append(out)   # its folder is made where it is rendered, on all cores
    _render(site, todo, out_dir, cache, live)
    files = machine_files(site)
    prints[SITEMAP] = sitemap_print(site, pages)
    if manifest.get(SITEMAP) != prints[SITEMAP] or (previous is not None and not (previous / SITEMAP).is_file()):
        files[SITEMAP] = sitemap(site, pages)
    elif previous is not None:
        os.link(previous / SITEMAP, out_dir / SITEMAP)
    write_files(out_dir, files)
    add_assets(site, out_dir, assets)
    return Rendered(len(pages), len(todo), prints, articles, _staged(todo, live))


def _render(site: Site, todo: list[Output], out_dir: Path, cache: Cache | None, live: Path | None) -> None:
    """Render `todo` on all cores, into `out_dir` (with `live`, staged by number: see _staged)."""
    compiled = compiled_templates(site.config)
    _forget_compiled(compiled)
    # Jinja keys compiled templates by their source only: its options and filters are the
    # builder's code, so the code's hash is in the names, and Jinja's version.
    bytecode = _Compiled(str(compiled), _compiled_name() + "%s.cache")
    put = to_folder(out_dir)
    if live is not None:
        (out_dir / STAGED).mkdir()
        put = _stage(out_dir, live)
    render_pages(site, todo, put, cache, bytecode)


def _stage(out_dir: Path, live: Path) -> Put:
    """Pages staged flat by number (see _staged), only those differing from the `live` site's."""
    staged, root = os.path.join(out_dir, STAGED), str(live)

    def put(i: int, out: Output, html: str) -> None:
        data = html.encode("utf-8")
        if not _holds(os.path.join(root, out.path), data):
            write_page(os.path.join(staged, str(i)), data)
    return put


def _staged(todo: list[Output], live: Path | None) -> dict[str, str]:
    return {f"{STAGED}/{i}": out.path for i, out in enumerate(todo)} if live is not None else {}


def render_articles(site: Site, entries: list[Entry], out_dir: Path, cache: Cache | None, live: Path) -> Rendered:
    """The pages of `entries` alone, staged in `out_dir` for the `live` site as render_changed does:
    after an edit to their bodies (incremental.patch.with_bodies), which changes no other page. The manifest
    holds their fingerprints only."""
    todo = [Output(path, ARTICLE, entry) for path, entry in ARTICLE.of(entries)]
    around = [*entries, *(n for e in entries for n in _linked(site, e.url))]
    articles = article_prints(entries)
    prints = fingerprints(site, todo, articles, link_prints(around))
    _render(site, todo, out_dir, cache, live)
    return Rendered(len(todo), len(todo), prints, articles, _staged(todo, live))


def _linked(site: Site, url: str) -> Iterator[Entry]:
    """The articles an article's page links: its neighbours and related articles."""
    for n in site.neighbours.get(url, ()):
        yield from (e for e in (n.older, n.newer) if e is not None)
    yield from site.related.get(url, ())


def _holds(path: str, data: bytes) -> bool:
    """Whether the file is this page already (compared here, on all cores, rather than after), byte
    for byte: read as text, a carriage return in it would equal a newline in the page."""
    try:
        with open(path, "rb") as file:
            return file.read() == data
    except OSError:
        return False


def compiled_templates(config: Config) -> Path:
    """Where Jinja keeps compiled templates between builds."""
    folder = config.cache_dir / "templates"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class _Compiled(jinja2.FileSystemBytecodeCache):
    """Compiled templates kept in a folder between builds, and in this process between serve's
    rebuilds, which load the same templates each time (reading and unmarshalling their files was
    most of that: bench/README.md)."""
    kept: ClassVar[dict[str, tuple[str, CodeType]]] = {}   # Jinja's key -> its source's checksum, its code

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        kept = self.kept.get(bucket.key)
        if kept is not None and kept[0] == bucket.checksum:
            bucket.code = kept[1]
            return
        super().load_bytecode(bucket)
        if bucket.code is not None:
            self.kept[bucket.key] = (bucket.checksum, bucket.code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        super().dump_bytecode(bucket)
        if bucket.code is not None:
            self.kept[bucket.key] = (bucket.checksum, bucket.code)


def _compiled_name() -> str:
    return f"jinja-{jinja2.__version__}-{code()[:16]}-"


def _forget_compiled(compiled: Path) -> None:
    """Remove the templates compiled for another Jinja or another version of the builder: each
    edit to the builder would leave a set behind."""
    for path in compiled.glob("jinja-*.cache"):
        if not path.name.startswith(_compiled_name()):
            path.unlink(missing_ok=True)
