"""The kinds of page the site has, one class each: its pages (where each goes, what it shows), its
template, its title, and what of the site it depends on. A new kind is one class in KINDS and a template."""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable, Iterable
from dataclasses import fields, is_dataclass
from typing import Any, ClassVar, NamedTuple

from builder.config import Config, Dossier
from builder.editions import EDITIONS, Edition, Editions, EditionYear, index_of
from builder.site import DossierView, Entry, Person, Site, Year


class Output(NamedTuple):
    """One page to write: its path under the site folder, its kind, and the model it shows. A
    named tuple: a build makes one for every page, and a frozen dataclass is slower to make."""
    path: str
    kind: PageKind
    page: Any

    @property
    def url_path(self) -> str:
        return self.path.removesuffix("index.html")


class Shown:
    """What a kind's `shown` hashes the site's parts with: an article as its own page shows it (by
    its whole file, `file`) and as others show it (by its front matter, `link`), and the whole
    site, for the pages listing all of it."""

    def __init__(self, site: Site, file: dict[str, str], link: dict[str, str], whole: Callable[[], object]):
        self.site, self.file, self.link = site, file, link
        self.whole = functools.cache(whole)
        self.everything = functools.cache(self._everything)

    def _everything(self) -> object:
        """The whole site with every article's body: what a page may show of it at most."""
        return self.whole(), tuple(self.file[e.url] for e in self.site.entries)

    def listed(self, entries: Iterable[Entry]) -> tuple[str, ...]:
        return tuple(self.link[e.url] for e in entries)

    def years(self, timeline: DossierView | Person) -> tuple[tuple[str, int], ...]:
        """A timeline's years as its page links them: label and size."""
        return tuple((y.label, len(y.entries)) for y in timeline.years)

    def of(self, value: Any) -> Any:
        """`value` as far as a template can see it: every field of every model in it, an article by
        its whole file, the site with its bodies. What a kind that says no more depends on."""
        if isinstance(value, Entry):
            return self.file[value.url]
        if isinstance(value, Site):
            return self.everything()
        if isinstance(value, (tuple, list)):
            return tuple(self.of(v) for v in value)
        if isinstance(value, dict):
            return tuple(sorted((k, self.of(v)) for k, v in value.items()))
        if is_dataclass(value) and not isinstance(value, (type, Config, Dossier)):
            return type(value).__name__, tuple(self.of(getattr(value, f.name)) for f in fields(value))
        return value


class PageKind:
    """A kind of page. `shown` is what the page's fingerprint hashes besides its template and what
    every page shows (config, navigation, last updated): a page is rendered again only when that
    changes. It is a hashable value (tuples, not lists), which serve compares with the last build's.
    Its default, the page's model and the whole site with every body, cannot be stale; a kind
    narrows it to what its template shows, as the incremental-build tests check."""
    template: ClassVar[str]
    in_sitemap: ClassVar[bool] = True
    # Whether its pages may show articles' bodies. After an edit to bodies alone, serve renders only
    # the edited articles' own pages, and only while every other kind says False here.
    shows_bodies: ClassVar[bool] = True
    # Whether its template sees the page's place in the site (page_path, current, partial, its
    # Open Graph and JSON-LD). An e-mail's does not: it is rendered from its model alone, once for
    # outputs of one model that follow each other.
    placed: ClassVar[bool] = True

    def pages(self, site: Site) -> Iterable[tuple[str, Any]]:
        """Each page of this kind: its path under the site folder and its model."""
        raise NotImplementedError

    def title(self, page: Any) -> str | None:
        """The page's own title for its Open Graph tags; None: the site's."""
        return None

    def article(self, page: Any) -> Entry | None:
        """The article the page is (for its JSON-LD and Open Graph), if it is one."""
        return None

    def shown(self, page: Any, shown: Shown) -> Hashable:
        return shown.of(page), shown.everything()

    def written(self, path: str, page: Any, html: str, site: Site) -> str:
        """The text of the file at `path` from its rendered template: for a page, the HTML itself."""
        return html


class _SitePage(PageKind):
    """A page of its own (no model) showing the whole site without bodies: home, the indexes."""
    path: ClassVar[str]
    shows_bodies = False

    def pages(self, site: Site) -> Iterable[tuple[str, Any]]:
        return [(self.path, None)]

    def shown(self, page: None, shown: Shown) -> Hashable:
        return shown.whole()


class Home(_SitePage):
    template, path = "home.html", "index.html"


class NotFound(_SitePage):
    template, path, in_sitemap = "404.html", "404.html", False


class Search(_SitePage):
    template, path = "search.html", "search/index.html"


class PeopleIndex(_SitePage):
    template, path = "people.html", "people/index.html"


class Archive(_SitePage):
    template, path = "archive.html", "archive/index.html"


class DossierPage(PageKind):
    template = "dossier.html"
    shows_bodies = False

    def pages(self, site: Site) -> Iterable[tuple[str, DossierView]]:
        return [(f"{v.url}index.html", v) for v in site.dossiers]

    def title(self, page: DossierView) -> str:
        return page.dossier.title

    def shown(self, page: DossierView, shown: Shown) -> Hashable:
        return (page.dossier, page.intro, len(page.entries), shown.listed(page.recent), shown.years(page),
                page.chart, page.people)


class ArticlePage(PageKind):
    """An article's own page: the only one showing its body (its fingerprint holds its whole
    file); the articles it links, by their front matter."""
    template = "article.html"
    shows_bodies = False   # of other articles (serve's patch renders the edited articles' own pages)

    def pages(self, site: Site) -> Iterable[tuple[str, Entry]]:
        return self.of(site.entries)

    def of(self, entries: Iterable[Entry]) -> list[tuple[str, Entry]]:
        return [(f"{e.url}index.html", e) for e in entries]

    def article(self, page: Entry) -> Entry:
        return page

    def shown(self, page: Entry, shown: Shown) -> Hashable:
        site, link = shown.site, shown.link
        return (shown.file[page.url],
                tuple((n.dossier.slug, n.older and link[n.older.url], n.newer and link[n.newer.url])
                      for n in site.neighbours.get(page.url, ())),
                shown.listed(site.related.get(page.url, ())))


class PersonPage(PageKind):
    template = "person.html"
    shows_bodies = False

    def pages(self, site: Site) -> Iterable[tuple[str, Person]]:
        return [(f"{p.url}index.html", p) for p in site.people]

    def title(self, page: Person) -> str:
        return page.name

    def shown(self, page: Person, shown: Shown) -> Hashable:
        return page.name, page.slug, len(page.entries), shown.listed(page.recent), shown.years(page)


class YearPage(PageKind):
    """A year of a timeline: of the archive, of a dossier, of a person."""
    template = "year.html"
    shows_bodies = False

    def pages(self, site: Site) -> Iterable[tuple[str, Year]]:
        years = [*site.years, *(y for v in site.dossiers for y in v.years), *(y for p in site.people for y in p.years)]
        return [(f"{y.url}index.html", y) for y in years]

    def title(self, page: Year) -> str:
        return f"{page.owner}: {'Undated' if page.label == 'undated' else page.label}"

    def shown(self, page: Year, shown: Shown) -> Hashable:
        return page.label, page.parent, page.owner, page.siblings, shown.listed(page.entries)


class EditionPage(PageKind):
    """An edition: what entered the briefing that day (or week), by dossier, under the editor's intro."""
    template = "edition.html"
    shows_bodies = False

    def pages(self, site: Site) -> Iterable[tuple[str, Edition]]:
        return [(f"{e.url}index.html", e) for e in site.editions]

    def title(self, page: Edition) -> str:
        return f"Edition: {page.title}"

    def shown(self, page: Edition, shown: Shown) -> Hashable:
        return (page.date, page.weekly, page.intro, page.older, page.newer,
                tuple((g.dossier and g.dossier.slug, shown.listed(g.entries)) for g in page.groups))


class EditionMail(EditionPage):
    """An edition as a self-contained e-mail beside its page, in two files made from one rendering:
    its HTML (inline styles, absolute links) and the message holding it, to send with any mail
    program (`edition.eml`, builder.mail)."""
    template, in_sitemap, placed = "edition-email.html", False, False

    def pages(self, site: Site) -> Iterable[tuple[str, Edition]]:
        return [(f"{e.url}{name}", e) for e in site.editions for name in ("edition.html", "edition.eml")]

    def written(self, path: str, page: Edition, html: str, site: Site) -> str:
        if path.endswith(".eml"):
            from builder.mail import message
            return message(site.config, page, html)
        return html


class EditionIndex(PageKind):
    """The newest editions and every year's."""
    template = "editions.html"
    shows_bodies = False

    def pages(self, site: Site) -> Iterable[tuple[str, Editions]]:
        return [(f"{EDITIONS}/index.html", index_of(site.editions))]

    def title(self, page: Editions) -> str:
        return "Editions"

    def shown(self, page: Editions, shown: Shown) -> Hashable:
        return page.count, _listed(page.recent), tuple((y.label, len(y.editions)) for y in page.years)


class EditionYearPage(PageKind):
    """A year's editions, by month."""
    template = "edition-year.html"
    shows_bodies = False

    def pages(self, site: Site) -> Iterable[tuple[str, EditionYear]]:
        return [(f"{y.url}index.html", y) for y in index_of(site.editions).years]

    def title(self, page: EditionYear) -> str:
        return f"Editions: {page.label}"

    def shown(self, page: EditionYear, shown: Shown) -> Hashable:
        return page.label, page.siblings, _listed(page.editions)


def _listed(editions: Iterable[Edition]) -> tuple[tuple[object, ...], ...]:
    """Editions as the indexes list them."""
    return tuple((e.date, e.weekly, e.intro.title, len(e.entries)) for e in editions)


ARTICLE = ArticlePage()
KINDS: tuple[PageKind, ...] = (Home(), NotFound(), Search(), PeopleIndex(), Archive(), DossierPage(), ARTICLE,
                               EditionIndex(), EditionYearPage(), EditionPage(), EditionMail(),
                               PersonPage(), YearPage())


def outputs(site: Site, kinds: Iterable[PageKind] = KINDS) -> list[Output]:
    """Every HTML page of the site (of `kinds`): where it goes, its kind, what it shows."""
    return [Output(path, kind, page) for kind in kinds for path, page in kind.pages(site)]
