"""Render the Site model to files with Jinja (autoescaped, StrictUndefined) and markdown-it-py
(raw HTML disabled, headings with anchors).

Template context (everything a template may use):
- `site`: the Site model; `config`: its Config; `dossiers`: the DossierViews
- `page`: the model its kind (`builder.pages`) gives it: an Entry, a DossierView, a Person, a Year, or
  None for home and the indexes
- `url(path)`: a site-relative path made correct under `base_url`
- filters: `markdown` (Markdown to safe HTML), `isodate`, `longdate`, `slug`, and `runs(attr)`
  (groupby that keeps the order, for timelines)

An article's body is shown on its own page only: pages listing or linking an article (timelines,
neighbours, related) show its front matter, and are not rendered again when only its body changes.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import operator
import os
import shutil
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import jinja2
import jinja2.meta
from markupsafe import Markup

from builder import feeds
from builder.errors import BuilderError
from builder.incremental.cache import Cache
from builder.incremental.stamp import code
from builder.markdown import markdown_renderer
from builder.pages import ARTICLE, Output, Shown, outputs
from builder.parallel import ordered
from builder.site import Entry, Site, last_updated
from builder.text import slugify


def base_path(base_url: str) -> str:
    return urlsplit(base_url).path or "/"


def absolute_root(base_url: str) -> str:
    """The absolute site URL feeds, sitemap and canonical links need. A path-only `base_url`
    (local preview) is served from localhost; a published build passes the real one."""
    return base_url if urlsplit(base_url).scheme else f"http://localhost{base_path(base_url)}"


def environment(templates_dir: Path, base_url: str, cache: Cache | None = None,
                compiled: Path | None = None) -> jinja2.Environment:
    """The Jinja environment; `compiled` is a folder keeping compiled templates between builds
    (so a rebuild does not compile them anew)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir),
        # Jinja keys compiled templates by their source only: the options below, and the filters,
        # are the builder's code, so its hash is in the names, and Jinja's version.
        bytecode_cache=jinja2.FileSystemBytecodeCache(str(compiled), _compiled_name() + "%s.cache")
        if compiled else None,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    md = markdown_renderer()
    prefix = base_path(base_url)
    root = absolute_root(base_url)
    env.globals["url"] = lambda path="": prefix + str(path).lstrip("/")
    env.globals["absolute"] = lambda path="": root + str(path).lstrip("/")
    render = cache.markdown(md.render) if cache else md.render
    env.filters["markdown"] = lambda text: Markup(render(text or ""))
    env.filters["isodate"] = lambda d: d.isoformat() if d else ""
    env.filters["longdate"] = lambda d: f"{d.day} {d:%B %Y}" if d else "Undated"
    env.filters["slug"] = slugify
    # Jinja's groupby sorts groups by name; timelines must keep their newest-first order.
    env.filters["runs"] = lambda items, attribute: [
        (k, list(g)) for k, g in itertools.groupby(items, key=operator.attrgetter(attribute))]
    return env


def _compiled_name() -> str:
    return f"jinja-{jinja2.__version__}-{code()[:16]}-"


def _forget_compiled(compiled: Path) -> None:
    """Remove the templates compiled for another Jinja or another version of the builder: each
    edit to the builder would leave a set behind."""
    for path in compiled.glob("jinja-*.cache"):
        if not path.name.startswith(_compiled_name()):
            path.unlink(missing_ok=True)


def _machine_files(site: Site, root: str) -> dict[str, str]:
    """Feeds and robots.txt: path -> text."""
    config, updated = site.config, last_updated(site)
    titles = {d.slug: d.title for d in config.dossiers}
    published = [e for e in site.entries if not e.draft]
    files = {
        "atom.xml": feeds.atom(config.title, root, "atom.xml", published, updated, config.description,
                               home_path="", site_title=config.title, dossier_titles=titles),
        "feed.json": feeds.json_feed(config.title, root, "feed.json", published, "", site_title=config.title),
        "robots.txt": feeds.robots(root),
    }
    for view in site.dossiers:
        path = f"dossiers/{view.dossier.slug}/atom.xml"
        files[path] = feeds.atom(f"{view.dossier.title} · {config.title}", root, path,
                                 [e for e in view.entries if not e.draft], updated, view.dossier.description,
                                 site_title=config.title, dossier_titles=titles)
    return files


SITEMAP = "sitemap.xml"


def _sitemap(site: Site, pages: list[Output], root: str) -> tuple[str, Callable[[], str]]:
    """The sitemap's fingerprint, and the function that writes it: on a large site writing it is
    slow, and an edit seldom changes it."""
    paths = [o.url_path for o in pages if o.kind.in_sitemap]
    dates = {e.url: e.article.date for e in site.entries if e.article.date}
    return _digest(root, paths, dates), lambda: feeds.sitemap(root, paths, dates)


@dataclass(frozen=True)
class Rendered:
    pages: int                      # HTML pages considered (render_site: every page of the site)
    rendered: int                   # of which rendered now; the rest were unchanged
    manifest: dict[str, str]        # page path (and the sitemap's) -> fingerprint, for the next build
    articles: dict[str, str]        # article URL -> fingerprint (article_prints)
    staged: dict[str, str]          # with render_site's `live`: staged file -> its page's path


def _digest(*parts: object) -> str:
    return hashlib.sha256("\x00".join(map(repr, parts)).encode("utf-8")).hexdigest()


def _template_name(name: str) -> str:
    """As Jinja's loader reads it: "./base.html" and "a//b.html" are "base.html" and "a/b.html"."""
    return "/".join(part for part in name.split("/") if part not in ("", "."))


def template_sources(templates_dir: Path) -> dict[str, bytes]:
    """Every file of the templates folder by its name for Jinja, assets included; editor files
    (dotfiles, `~` backups) are none of them."""
    sources: dict[str, bytes] = {}
    for path in templates_dir.rglob("*"):
        name = path.relative_to(templates_dir).as_posix()
        if any(part.startswith(".") or part.endswith("~") for part in name.split("/")) or not path.is_file():
            continue
        try:
            sources[name] = path.read_bytes()
        except OSError:   # gone since it was listed
            continue
    return sources


@functools.lru_cache(maxsize=1024)
def _references(source: bytes) -> frozenset[str | None]:
    """The templates a template's source names, None for one named by a variable (or for a source
    that cannot be parsed); remembered, as `serve` asks again at every rebuild."""
    try:
        found = jinja2.meta.find_referenced_templates(jinja2.Environment().parse(source.decode("utf-8")))
        return frozenset(_template_name(n) if n is not None else None for n in found)
    except (UnicodeDecodeError, jinja2.TemplateSyntaxError):   # rendering it reports the error
        return frozenset([None])


def template_prints(templates_dir: Path) -> dict[str, str]:
    """Per template, a hash of its source and of every file it extends, includes or imports, so a
    template change re-renders only the pages that use it. One that names a template by a
    variable, which cannot be followed, or cannot be parsed, depends on them all. Assets count
    only where a template includes one."""
    sources = template_sources(templates_dir)
    uses = {name: _references(source) for name, source in sources.items()}

    def closure(name: str) -> set[str]:
        seen: set[str] = set()
        todo = [name]
        while todo:
            current = todo.pop()
            if current not in seen:
                seen.add(current)
                found = uses.get(current, frozenset())
                todo.extend(sources if None in found else (n for n in found if n is not None))
        return seen
    return {name: _digest(sorted((n, sources.get(n)) for n in closure(name))) for name in sources}


def _entry_prints(entries: Iterable[Entry], source: str) -> dict[str, str]:
    """Per article URL, a hash of its file's `source` hash (an Article attribute; for an article not
    read from a file, all of it), what filing added, its place, and the builder's code, which
    decides what is made of it. Not the filing's evidence (scores, terms): the file and the
    dossier queries decide it, and every page's fingerprint holds the config."""
    return {e.url: _entry_print(getattr(e.article, source) or repr(e.article), e.article.dossiers,
                                e.article.status, e.slug, e.url, e.draft) for e in entries}


@functools.lru_cache(maxsize=1 << 18)   # serve asks again for every article at every build
def _entry_print(source: str, *parts: object) -> str:
    return _digest(source, *parts, code())


def article_prints(entries: Iterable[Entry]) -> dict[str, str]:
    """Per article URL, a hash of the article as its page and the search index show it: by its
    whole file."""
    return _entry_prints(entries, "digest")


def link_prints(entries: Iterable[Entry]) -> dict[str, str]:
    """Per article URL, a hash of what a page listing or linking it shows of it: by its front
    matter, not its body. An edit to a body re-renders its article's page, not the dossier, year
    and person pages listing it nor the pages linking it."""
    return _entry_prints(entries, "head")


def fingerprints(site: Site, pages: list[Output], file: dict[str, str], link: dict[str, str]) -> dict[str, str]:
    """Per page, a hash of everything it shows: its template, what every page shows (config,
    navigation, last updated) and what its kind says it shows. Same fingerprint, same bytes: the
    page need not be rendered. Each article is hashed once as its page shows it (`file`, from
    article_prints) and once as others show it (`link`, from link_prints); those need hold only
    the articles `pages` show."""
    every = _digest(site.config, last_updated(site), code())
    templates = template_prints(site.config.templates_dir)

    def whole() -> str:     # home and the indexes show the whole site
        return _digest(site.home, [(v.dossier, v.intro, shown.listed(v.entries)) for v in site.dossiers],
                       shown.listed(site.entries), [(p.name, p.slug, len(p.entries)) for p in site.people],
                       [(y.label, len(y.entries)) for y in site.years])

    shown = Shown(site, file, link, whole)
    return {o.path: _digest(every, o.kind.template, templates.get(o.kind.template), o.kind.shown(o.page, shown))
            for o in pages}


class _Pages:
    """Renders pages of one site into a folder; forked, with the site model and the pages to
    render, into each worker, which is sent only index ranges: an Output holds its page's model
    (a dossier's thousands of articles), and pickling it per task cost more memory than the site."""

    def __init__(self, site: Site, out_dir: Path, cache: Cache | None, todo: list[Output], compiled: Path | None,
                 live: Path | None):
        self.site, self.out_dir, self.cache, self.todo, self.compiled = site, out_dir, cache, todo, compiled
        self.live = live
        self.env: jinja2.Environment | None = None      # made once per process
        self.root = absolute_root(site.config.base_url)
        self.titles = {d.slug: d.title for d in site.config.dossiers}
        self.common = {"site": site, "config": site.config, "dossiers": site.dossiers,
                       "updated": last_updated(site)}

    def render(self, batch: range) -> dict[str, str]:
        """Write the pages of `todo` in `batch`; returns the Markdown HTML it added to the cache (a
        worker's copy of the cache is lost when it ends)."""
        config = self.site.config
        if self.env is None:
            self.env = environment(config.templates_dir, config.base_url, self.cache, self.compiled)
        known = len(self.cache.fresh) if self.cache else 0
        for i in batch:
            out = self.todo[i]
            entry, title = out.kind.article(out.page), out.kind.title(out.page)
            head = {
                "page_path": out.url_path,
                "open_graph": feeds.open_graph(entry, self.root, out.url_path, config.title,
                                               config.description, title=title),
                "json_ld": Markup(feeds.json_ld(entry, self.root, config.title, dossier_titles=self.titles))
                if entry else None,
            }
            try:
                html = self.env.get_template(out.kind.template).render(page=out.page, **head, **self.common)
            except jinja2.TemplateSyntaxError as exc:
                raise BuilderError(f"template error: {exc.message}", exc.filename or exc.name, exc.lineno) from None
            except jinja2.UndefinedError as exc:
                raise BuilderError(f"template error while rendering {out.path}: {exc.message}",
                                   config.templates_dir / out.kind.template) from None
            if self.live is None:
                (self.out_dir / out.path).write_text(html, encoding="utf-8")
            elif not _holds(self.live / out.path, html):
                (self.out_dir / STAGED / str(i)).write_text(html, encoding="utf-8")
        # Dicts keep insertion order: what this batch added comes last.
        return dict(itertools.islice(self.cache.fresh.items(), known, None)) if self.cache else {}


def _holds(path: Path, html: str) -> bool:
    """Whether the file is this page already (compared here, on all cores, rather than after), byte
    for byte: read as text, a carriage return in it would equal a newline in the page."""
    try:
        return path.read_bytes() == html.encode("utf-8")
    except OSError:
        return False


BATCH = 50  # pages a worker renders per task
STAGED = "pages"  # with `live`: the folder of the staged pages, by number (see Rendered.staged)


def render_site(site: Site, out_dir: Path, previous: Path | None = None,
                manifest: dict[str, str] | None = None, cache: Cache | None = None,
                assets: bool = True, compiled: Path | None = None, live: Path | None = None) -> Rendered:
    """Write the pages, feeds and (with `assets`) assets into `out_dir`, an empty staging folder;
    pages on all cores. A page whose fingerprint is in `manifest` (the last build's) is not
    rendered again: it is hard-linked from `previous` (the last site), or, without `previous`, left
    out, the page in the site being current. `cache` remembers Markdown rendered to HTML;
    `compiled` is where compiled templates are kept. With `live`, the site to be updated in place,
    pages are staged flat (a folder per page is slow to make and remove on a busy disk) and
    only those differing from the live site's: `Rendered.staged` says where each goes."""
    root = absolute_root(site.config.base_url)
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
        target = out_dir / out.path
        target.parent.mkdir(parents=True, exist_ok=True)
        if unchanged and previous is not None and (previous / out.path).is_file():
            os.link(previous / out.path, target)
        else:
            todo.append(out)
    _render(site, todo, out_dir, cache, compiled, live)
    files = _machine_files(site, root)
    prints[SITEMAP], sitemap = _sitemap(site, pages, root)
    if manifest.get(SITEMAP) != prints[SITEMAP] or (previous is not None and not (previous / SITEMAP).is_file()):
        files[SITEMAP] = sitemap()
    elif previous is not None:
        os.link(previous / SITEMAP, out_dir / SITEMAP)
    for path, text in files.items():
        (out_dir / path).parent.mkdir(parents=True, exist_ok=True)
        (out_dir / path).write_text(text, encoding="utf-8")
    folder = site.config.templates_dir / "assets"
    if assets and folder.is_dir():
        shutil.copytree(folder, out_dir / "assets")
    (out_dir / ".nojekyll").write_text("")  # GitHub Pages: serve the files as they are, no Jekyll
    if site.config.cname:
        (out_dir / "CNAME").write_text(site.config.cname + "\n", encoding="utf-8")
    return Rendered(len(pages), len(todo), prints, articles, _staged(todo, live))


def _render(site: Site, todo: list[Output], out_dir: Path, cache: Cache | None, compiled: Path | None,
            live: Path | None) -> None:
    """Render `todo` on all cores, into `out_dir` (with `live`, staged by number: see _staged)."""
    if compiled is not None:
        _forget_compiled(compiled)
    batches = [range(i, min(i + BATCH, len(todo))) for i in range(0, len(todo), BATCH)]
    if cache is not None and len(batches) > 1:
        cache.all_html()   # read now, in this process: forked workers share it instead of each reading it
    if live is not None:
        (out_dir / STAGED).mkdir()
    for added in ordered(_Pages.render, _Pages(site, out_dir, cache, todo, compiled, live), batches,
                         at_least=2, chunksize=1):
        if cache is not None and added:
            cache.add_html(added)


def _staged(todo: list[Output], live: Path | None) -> dict[str, str]:
    return {f"{STAGED}/{i}": out.path for i, out in enumerate(todo)} if live is not None else {}


def render_articles(site: Site, entries: list[Entry], out_dir: Path, cache: Cache | None, compiled: Path | None,
                    live: Path) -> Rendered:
    """The pages of `entries` alone, staged in `out_dir` for the `live` site as render_site does:
    after an edit to their bodies (site.with_bodies), which changes no other page. The manifest
    holds their fingerprints only."""
    todo = [Output(path, ARTICLE, entry) for path, entry in ARTICLE.of(entries)]
    around = [*entries, *(n for e in entries for n in _linked(site, e.url))]
    articles = article_prints(entries)
    prints = fingerprints(site, todo, articles, link_prints(around))
    _render(site, todo, out_dir, cache, compiled, live)
    return Rendered(len(todo), len(todo), prints, articles, _staged(todo, live))


def _linked(site: Site, url: str) -> Iterator[Entry]:
    """The articles an article's page links: its neighbours and related articles."""
    for n in site.neighbours.get(url, ()):
        yield from (e for e in (n.older, n.newer) if e is not None)
    yield from site.related.get(url, ())
