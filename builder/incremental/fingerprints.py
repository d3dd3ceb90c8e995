"""Page fingerprints: per page a hash of everything it shows (its kind's `shown`, its templates,
what every page shows), so that a page whose fingerprint is the last build's is not rendered again."""

from __future__ import annotations

import functools
import hashlib
import inspect
from collections.abc import Hashable, Iterable, Mapping
from pathlib import Path

import jinja2
import jinja2.meta
import jinja2.nodes

from builder.errors import BuilderError
from builder.incremental.stamp import code
from builder.pages import Output, Shown
from builder.render import sitemap_inputs, syntax, template_name, template_sources
from builder.site import Entry, Site, last_updated


def _digest(*parts: object) -> str:
    return hashlib.sha256("\x00".join(map(repr, parts)).encode("utf-8")).hexdigest()


@functools.lru_cache(maxsize=1024)
def _references(source: bytes) -> frozenset[str | None]:
    """The templates a template's source names (extends, include, import, `partial(name)`), None
    for one named by a variable (or for a source that cannot be parsed); remembered, as `serve`
    asks again at every rebuild."""
    try:
        tree = syntax().parse(source.decode("utf-8"))
    except (UnicodeDecodeError, jinja2.TemplateSyntaxError):   # rendering it reports the error
        return frozenset([None])
    found = list(jinja2.meta.find_referenced_templates(tree))
    for call in tree.find_all(jinja2.nodes.Call):
        if isinstance(call.node, jinja2.nodes.Name) and call.node.name == "partial":
            named = call.args[0] if call.args else None
            found.append(named.value if isinstance(named, jinja2.nodes.Const) and isinstance(named.value, str)
                         else None)
    return frozenset(template_name(n) if n is not None else None for n in found)


def template_prints(templates_dir: Path) -> Mapping[str, str]:
    """Per template, a hash of its source and of every file it extends, includes or imports, so a
    template change re-renders only the pages that use it. One that names a template by a
    variable, which cannot be followed, or cannot be parsed, depends on them all. Assets count
    only where a template includes one."""
    return _template_prints(tuple(sorted(template_sources(templates_dir).items())))


@functools.lru_cache(maxsize=16)   # serve asks again at every rebuild, of templates mostly as they were
def _template_prints(items: tuple[tuple[str, bytes], ...]) -> Mapping[str, str]:
    sources = dict(items)
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
    # What content/people/ says shows wherever a person is named, and its aliases respell articles'
    # people: every page depends on it.
    every = _digest(site.config, last_updated(site), code(), sorted(site.profiles.items()))
    templates = template_prints(site.config.templates_dir)

    def whole() -> str:     # home and the indexes show the whole site
        return _digest(site.home, [(v.dossier, v.intro, shown.listed(v.entries)) for v in site.dossiers],
                       shown.listed(site.entries), [(p.name, p.slug, len(p.entries)) for p in site.people],
                       [(y.label, len(y.entries)) for y in site.years],
                       [(e.date, e.weekly, e.intro, [(g.dossier and g.dossier.slug, shown.listed(g.entries))
                                                     for g in e.groups]) for e in site.editions[:1]])

    shown = Shown(site, file, link, whole)
    # Kinds sharing a `shown` show the same of a model (an edition's page and its e-mail files):
    # it is gathered once for all of them.
    of: dict[tuple[object, int], Hashable] = {}

    def page_print(o: Output) -> str:
        key = (type(o.kind).shown, id(o.page))
        if key not in of:
            of[key] = o.kind.shown(o.page, shown)
        try:
            return _page_print(every, o.kind.template, templates.get(o.kind.template), of[key])
        except TypeError:
            raise BuilderError(f"{type(o.kind).__name__}.shown must give a hashable value (tuples, not lists) "
                               f"for {o.path}", inspect.getsourcefile(type(o.kind))) from None
    return {o.path: page_print(o) for o in pages}


@functools.lru_cache(maxsize=1 << 18)   # serve asks again for every page at every build: most are as they were
def _page_print(every: str, template: str, template_print: str | None, shown: Hashable) -> str:
    """A page's fingerprint. What it shows is looked up by ==, so a kind's `shown` holds values
    whose equality is their text (strings, numbers of one type, dates, frozen models)."""
    return _digest(every, template, template_print, shown)


def sitemap_print(site: Site, pages: list[Output]) -> str:
    """The sitemap's fingerprint: on a large site writing it is slow, and an edit seldom changes it."""
    return _digest(*sitemap_inputs(site, pages))
