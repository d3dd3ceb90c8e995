"""Render the Site model to files with Jinja (autoescaped, StrictUndefined) and markdown-it-py
(raw HTML disabled, headings with anchors).

Template context (everything a template may use). The same on every page, as globals, so that a
template imported without context (macros.html) is made once per process, not once per page:
- `site`: the Site model; `config`: its Config; `dossiers`: the DossierViews; `dossier`: the same
  by slug; `updated`: the site's last update
- `colour`: per dossier slug its label's colour class (`c0`..`c5`, by config order)
- `url(path)`: a site-relative path made correct under `base_url`; `absolute(path)`: the full URL
- filters: `markdown` (Markdown to safe HTML), `isodate`, `shortdate` ("6 Sep 2024"), `timed` (the
  same in a `<time>` element, or "Undated"; a filter, as a macro call costs more: bench/README.md), `slug`, and
  `runs(attr)` (groupby that keeps the order, for timelines); the `do` tag (jinja2.ext.do)
Each page's own (an edition's e-mail, no page of the site, gets `page` alone: builder.pages, `placed`):
- `page_path`: the page's path under the site ("dossiers/japan-rok/")
- `current(path)`: ` aria-current` for the navigation's link to `path` on this page: "page" on
  that page, "true" below it (a year of a dossier)
- `partial(name)`: the template `name` rendered with the globals and `current` alone (the masthead,
  the dossiers' list), once for each set of current links in a process rather than on every page
- `page`: the model its kind (`builder.pages`) gives it: an Entry, a DossierView, a Person, a Year, an
  Edition (its page, and its e-mail), Editions (their index), an EditionYear, or None for
  home and the other indexes
- `open_graph`, `json_ld`: its metadata for the page's head

An article's body is shown on its own page only: pages listing or linking an article (timelines,
neighbours, related) show its front matter, and are not rendered again when only its body changes.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import operator
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup

from builder import dates, feeds
from builder.errors import BuilderError
from builder.markdown import markdown_renderer
from builder.pages import Output, outputs
from builder.parallel import ordered
from builder.search import write_whole_index
from builder.site import Site, last_updated, slug_of


def base_path(base_url: str) -> str:
    return urlsplit(base_url).path or "/"


def absolute_root(base_url: str) -> str:
    """The absolute site URL feeds, sitemap and canonical links need. A path-only `base_url`
    (local preview) is served from localhost; a published build passes the real one."""
    return base_url if urlsplit(base_url).scheme else f"http://localhost{base_path(base_url)}"


EXTENSIONS = ["jinja2.ext.do"]   # the template syntax beyond Jinja's own


def syntax() -> jinja2.Environment:
    """An environment that reads templates as the builder does, for their syntax alone (check's
    errors, the templates a template names)."""
    return jinja2.Environment(extensions=EXTENSIONS)


def environment(templates_dir: Path, base_url: str, markdown: Callable[[str], str] | None = None,
                bytecode: jinja2.BytecodeCache | None = None) -> jinja2.Environment:
    """The Jinja environment; `markdown` renders Markdown to HTML (remembering, say: markdown-it
    without it), `bytecode` keeps compiled templates between builds."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir),
        auto_reload=False,   # a build reads each template once: no stat of every template on every page
        bytecode_cache=bytecode,
        extensions=EXTENSIONS,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    prefix = base_path(base_url)
    root = absolute_root(base_url)
    env.globals["url"] = lambda path="": prefix + str(path).lstrip("/")
    env.globals["absolute"] = lambda path="": root + str(path).lstrip("/")
    render = markdown or markdown_renderer().render
    env.filters["markdown"] = lambda text: Markup(render(text or ""))
    env.filters["isodate"] = lambda d: d.isoformat() if d else ""
    env.filters["shortdate"] = shortdate
    env.filters["timed"] = timed
    env.filters["slug"] = slug_of
    # Jinja's groupby sorts groups by name; timelines must keep their newest-first order.
    env.filters["runs"] = lambda items, attribute: [
        (k, list(g)) for k, g in itertools.groupby(items, key=operator.attrgetter(attribute))]
    return env


def current(here: str, path: str) -> Markup:
    """For the page at `here` (its page_path), `current(path)` as templates call it."""
    if here == path:
        return Markup(' aria-current="page"')
    return Markup(' aria-current="true"' if path and here.startswith(path) else "")


def timed(d: dt.date | None) -> Markup:
    """shortdate's text in a `<time>` element, when there is a date."""
    shown = shortdate(d)
    return Markup(f'<time datetime="{d.isoformat()}">{shown}</time>') if d else Markup(shown)


def shortdate(d: dt.date | None) -> str:
    """The date every listing shows: "6 Sep 2024"."""
    return dates.short(d) if d else "Undated"


COLOURS = 6   # label colours in the stylesheet (.c0 to .c5)


def machine_files(site: Site) -> dict[str, str]:
    """Feeds and robots.txt: path -> text."""
    config, updated, root = site.config, last_updated(site), absolute_root(site.config.base_url)
    titles = {d.slug: d.title for d in config.dossiers}
    published = [e for e in site.entries if not e.draft]
    files = {
        "atom.xml": feeds.atom(config.title, root, "atom.xml", published, updated, config.description,
                               home_path="", site_title=config.title, dossier_titles=titles),
        "feed.json": feeds.json_feed(config.title, root, "feed.json", published, "", site_title=config.title),
        "robots.txt": feeds.robots(root),
        "editions/atom.xml": feeds.editions_atom(f"Editions · {config.title}", root, "editions/atom.xml",
                                                 site.editions, site_title=config.title),
    }
    for view in site.dossiers:
        path = f"dossiers/{view.dossier.slug}/atom.xml"
        files[path] = feeds.atom(f"{view.dossier.title} · {config.title}", root, path,
                                 [e for e in view.entries if not e.draft], updated, view.dossier.description,
                                 site_title=config.title, dossier_titles=titles)
    return files


SITEMAP = "sitemap.xml"


def sitemap_inputs(site: Site, pages: list[Output]) -> tuple[str, list[str], dict[str, dt.date]]:
    """What the sitemap lists: the site's root, its pages' paths, the articles' dates."""
    paths = [o.url_path for o in pages if o.kind.in_sitemap]
    dates = {e.url: e.article.date for e in site.entries if e.article.date}
    return absolute_root(site.config.base_url), paths, dates


def sitemap(site: Site, pages: list[Output]) -> str:
    return feeds.sitemap(*sitemap_inputs(site, pages))


def template_name(name: str) -> str:
    """As Jinja's loader reads it: "./base.html" and "a//b.html" are "base.html" and "a/b.html"."""
    return "/".join(part for part in name.split("/") if part not in ("", "."))


def template_sources(templates_dir: Path) -> dict[str, bytes]:
    """Every file of the templates folder by its name for Jinja, assets included; editor files
    (dotfiles, `~` backups) are none of them. Walked with scandir: serve reads them at every rebuild."""
    sources: dict[str, bytes] = {}

    def walk(folder: str, prefix: str) -> None:
        try:
            with os.scandir(folder) as listing:
                found = list(listing)
        except OSError:
            return
        for item in found:
            if item.name.startswith(".") or item.name.endswith("~"):
                continue
            if item.is_dir(follow_symlinks=False):
                walk(item.path, f"{prefix}{item.name}/")
            elif item.is_file():
                try:
                    with open(item.path, "rb") as file:
                        sources[prefix + item.name] = file.read()
                except OSError:   # gone since it was listed
                    continue
    walk(str(templates_dir), "")
    return sources


# Where a rendered page goes: put(its number in the pages being rendered, its Output, its HTML).
Put = Callable[[int, Output, str], None]


class Memo(Protocol):
    """Markdown rendered to HTML, remembered between builds (builder.incremental.cache.Cache)."""
    def markdown(self, render: Callable[[str], str]) -> Callable[[str], str]: ...
    def mark(self) -> int: ...                                # for since(): where this process is now
    def since(self, mark: int) -> dict[str, str]: ...          # what was rendered after `mark`
    def all_html(self) -> dict[str, str]: ...
    def add_html(self, rendered: dict[str, str]) -> None: ...


class _Pages:
    """Renders pages of one site; forked, with the site model and the pages to render, into each
    worker, which is sent only index ranges: an Output holds its page's model (a dossier's
    thousands of articles), and pickling it per task cost more memory than the site."""

    def __init__(self, site: Site, todo: list[Output], put: Put, memo: Memo | None,
                 bytecode: jinja2.BytecodeCache | None):
        self.site, self.todo, self.put, self.memo, self.bytecode = site, todo, put, memo, bytecode
        self.env: jinja2.Environment | None = None      # made once per process
        self.partials: _Partials
        self.root = absolute_root(site.config.base_url)
        self.titles = {d.slug: d.title for d in site.config.dossiers}
        self.globals = {"site": site, "config": site.config, "dossiers": site.dossiers,
                       "dossier": {v.dossier.slug: v for v in site.dossiers}, "updated": last_updated(site),
                       "colour": {d.slug: f"c{i % COLOURS}" for i, d in enumerate(site.config.dossiers)}}

    def render(self, batch: range) -> dict[str, str]:
        """Render and put the pages of `todo` in `batch`; returns the Markdown HTML it added to the
        memo (a worker's copy of it is lost when the worker ends)."""
        config = self.site.config
        if self.env is None:
            markdown = self.memo.markdown(markdown_renderer().render) if self.memo else None
            self.env = environment(config.templates_dir, config.base_url, markdown, self.bytecode)
            self.env.globals.update(self.globals)
            self.partials = _Partials(self.env, config.templates_dir)
        known = self.memo.mark() if self.memo else 0
        env = self.env
        last: tuple[object, jinja2.Template, str] | None = None   # the last unplaced output's model, template, HTML
        for i in batch:
            out = self.todo[i]
            try:
                template = env.get_template(out.kind.template)
                if out.kind.placed:
                    rendered = self._placed(template, out)
                elif last is not None and last[0] is out.page and last[1] is template:
                    rendered = last[2]
                else:
                    rendered = template.render(page=out.page)
                    last = out.page, template, rendered
                html = out.kind.written(out.path, out.page, rendered, self.site)
            except jinja2.TemplateSyntaxError as exc:
                raise BuilderError(f"template error: {exc.message}", exc.filename or exc.name, exc.lineno) from None
            except jinja2.UndefinedError as exc:
                raise BuilderError(f"template error while rendering {out.path}: {exc.message}",
                                   config.templates_dir / out.kind.template) from None
            self.put(i, out, html)
        return self.memo.since(known) if self.memo else {}

    def _placed(self, template: jinja2.Template, out: Output) -> str:
        """`template` rendered for a page of the site, which sees its place in it."""
        config = self.site.config
        entry, title = out.kind.article(out.page), out.kind.title(out.page)
        return template.render(
            page=out.page,
            page_path=out.url_path,
            # Each page's own rather than a function of the template's context (pass_context),
            # which Jinja calls in a loop with a new copy of the context (bench/README.md).
            current=functools.partial(current, out.url_path),
            partial=functools.partial(self.partials.render, out.url_path),
            open_graph=feeds.open_graph(entry, self.root, out.url_path, config.title, config.description,
                                        title=title),
            json_ld=Markup(feeds.json_ld(entry, self.root, config.title, dossier_titles=self.titles))
            if entry else None)


class _Partials:
    """What `partial(name)` gives a page: a template showing what every page does but for which of
    its links are current (the masthead, the dossiers' list), rendered once for each set of answers
    `current` gives for the links it asks of, rather than once per page (Hugo's partialCached).
    It is rendered with the globals and `current` alone, so it can show nothing else of a page."""

    def __init__(self, env: jinja2.Environment, templates_dir: Path):
        self.env, self.templates_dir = env, templates_dir
        self.asked: dict[str, tuple[str, ...]] = {}   # by name: the paths it asks `current` of
        self.made: dict[tuple[str, tuple[str, ...]], Markup] = {}

    def render(self, here: str, name: str) -> Markup:
        key = (name, tuple(current(here, path) for path in self.asked.get(name, ())))
        if key not in self.made:
            paths: list[str] = []

            def asking(path: str) -> Markup:
                paths.append(path)
                return current(here, path)
            try:
                html = Markup(self.env.get_template(name).render(current=asking))
            except jinja2.UndefinedError as exc:
                raise BuilderError(f"template error in the partial {name}: {exc.message} (a partial is shown on "
                                   "every page alike: it sees the globals and current(), not the page)",
                                   self.templates_dir / name) from None
            self.asked[name] = tuple(dict.fromkeys([*self.asked.get(name, ()), *paths]))
            key = (name, tuple(current(here, path) for path in self.asked[name]))
            self.made[key] = html
        return self.made[key]


BATCH = 50  # pages a worker renders per task


def render_pages(site: Site, todo: list[Output], put: Put, memo: Memo | None = None,
                 bytecode: jinja2.BytecodeCache | None = None) -> None:
    """Render `todo` on all cores, each page handed to `put`."""
    batches = [range(i, min(i + BATCH, len(todo))) for i in range(0, len(todo), BATCH)]
    if memo is not None and len(batches) > 1:
        memo.all_html()   # read now, in this process: forked workers share it instead of each reading it
    for added in ordered(_Pages.render, _Pages(site, todo, put, memo, bytecode), batches, at_least=2, chunksize=1):
        if memo is not None and added:
            memo.add_html(added)


def to_folder(out_dir: Path) -> Put:
    """Pages written to their paths under `out_dir`, each folder made once (with os, as `write_page`)."""
    root = str(out_dir)
    made: set[str] = set()

    def put(i: int, out: Output, html: str) -> None:
        target = os.path.join(root, out.path)
        folder = os.path.dirname(target)
        if folder not in made:
            os.makedirs(folder, exist_ok=True)
            made.add(folder)
        write_page(target, html.encode("utf-8"))
    return put


def write_page(path: str, data: bytes) -> None:
    """A page's bytes to its file, in place: with os rather than pathlib, since a clean build writes
    tens of thousands of files and pathlib's calls took twice the time (bench/README.md)."""
    with open(path, "wb") as file:
        file.write(data)


def write_files(out_dir: Path, files: dict[str, str]) -> None:
    for path, text in files.items():
        (out_dir / path).parent.mkdir(parents=True, exist_ok=True)
        (out_dir / path).write_text(text, encoding="utf-8")


def add_assets(site: Site, out_dir: Path, assets: bool = True) -> None:
    """The files every site has besides its pages and feeds: (with `assets`) the templates'
    assets folder, and what GitHub Pages reads."""
    folder = site.config.templates_dir / "assets"
    if assets and folder.is_dir():
        shutil.copytree(folder, out_dir / "assets")
        if (folder / "favicon.ico").is_file():  # browsers ask the site's root for it, link or not
            shutil.copyfile(folder / "favicon.ico", out_dir / "favicon.ico")
    (out_dir / ".nojekyll").write_text("")  # GitHub Pages: serve the files as they are, no Jekyll
    if site.config.cname:
        (out_dir / "CNAME").write_text(site.config.cname + "\n", encoding="utf-8")


def render_site(site: Site, out_dir: Path, memo: Memo | None = None) -> int:
    """The whole site into the empty folder `out_dir`: every page (on all cores), the feeds, the
    sitemap, the search index and the assets; returns the number of pages. What a build makes,
    without the machinery that renders only what changed (builder.incremental.rendering)."""
    pages = outputs(site)
    render_pages(site, pages, to_folder(out_dir), memo)
    write_files(out_dir, machine_files(site) | {SITEMAP: sitemap(site, pages)})
    write_whole_index(site.entries, {v.dossier.slug: v.entries for v in site.dossiers}, out_dir)
    add_assets(site, out_dir)
    return len(pages)
