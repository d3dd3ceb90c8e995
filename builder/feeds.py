"""Machine-readable views of the site (Atom, JSON Feed, sitemap, robots.txt, JSON-LD, Open Graph) as
deterministic text; `root` is the absolute site URL ending in "/", which only the caller can know."""

from __future__ import annotations

import datetime as dt
import json
import posixpath
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from typing import overload
from urllib.parse import quote, urlsplit

from builder.editions import Edition
from builder.site import Entry

ATOM_NS = "http://www.w3.org/2005/Atom"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
MAX_ENTRIES = 50
EPOCH = "1970-01-01T00:00:00Z"
# RFC 4151 only asks that the tagging entity owned the name on this date; a fixed date (not the
# article's) keeps entry ids stable when a curator corrects or adds a date.
TAG_DATE = "2000-01-01"
GENERATOR = "briefing builder"

# XML 1.0 cannot carry most control characters even as references, and seed text may contain them.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_URL_SAFE = "/:@!$&'()*+,;=-._~%"  # keep URL syntax and existing %-escapes, encode the rest


def _check(root: str) -> None:
    # A path-only base_url ("/briefing/") cannot make the absolute URLs feeds and crawlers need.
    parts = urlsplit(root)
    if parts.scheme not in ("http", "https") or not parts.hostname or not root.endswith("/"):
        raise ValueError(f"feeds need an absolute http(s) root ending in '/', got {root!r}")


_PLAIN = re.compile(r"[A-Za-z0-9/._~-]*")   # a path that quote() and XML both leave as it is (a slug's)


def _url(root: str, path: str) -> str:
    path = path.lstrip("/")
    return root + (path if _PLAIN.fullmatch(path) else quote(path, safe=_URL_SAFE))


@overload
def _stamp(day: dt.date) -> str: ...
@overload
def _stamp(day: None) -> None: ...
def _stamp(day: dt.date | None) -> str | None:
    return f"{day.isoformat()}T00:00:00Z" if day else None


def _entry_id(entry: Entry, root: str) -> str:
    """`tag:HOST,2000-01-01:/ROOT-PATH/ID`: the article's `id` survives title (and so URL) edits;
    hand-written articles without one fall back to their content file path. The root path keeps two
    briefings on one host (e.g. USER.github.io/a/ and /b/) apart."""
    parts = urlsplit(root)
    key = entry.article.id or entry.article.path
    return f"tag:{parts.hostname},{TAG_DATE}:{quote(parts.path + key, safe=_URL_SAFE)}"


def _feed_updated(entries: Sequence[Entry], updated: dt.date | None) -> str:
    days = [e.article.date for e in entries if e.article.date] + ([updated] if updated else [])
    return _stamp(max(days)) if days else EPOCH


def _el(parent: ET.Element | None, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    clean = {k: _NOT_XML.sub("", v) for k, v in attrs.items()}
    el = ET.Element(tag, clean) if parent is None else ET.SubElement(parent, tag, clean)
    if text is not None:
        el.text = _NOT_XML.sub("", text)
    return el


def _xml(root: ET.Element) -> str:
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def atom(title: str, root: str, feed_path: str, entries: Sequence[Entry], updated: dt.date | None,
         subtitle: str = "", *, home_path: str | None = None, site_title: str = "",
         dossier_titles: Mapping[str, str] | None = None) -> str:
    """An Atom 1.0 (RFC 4287) feed of the first MAX_ENTRIES `entries` (newest first, as `Site` and
    `DossierView` keep them), served at `feed_path`.

    `updated` is the feed's last change (the newest entry date wins if later; neither: EPOCH).
    `home_path` is the HTML page the feed mirrors, by default the folder `feed_path` is in.
    `site_title` names the author (default `title`); `dossier_titles` labels the categories."""
    _check(root)
    site_title = site_title or title
    labels = dossier_titles or {}
    stamp = _feed_updated(entries, updated)
    if home_path is None:
        home_path = posixpath.dirname(feed_path) + "/"

    # A plain xmlns attribute, not ET.register_namespace, which would change global state.
    feed = _el(None, "feed", xmlns=ATOM_NS)
    _el(feed, "id", _url(root, feed_path))
    _el(feed, "title", title)
    if subtitle:
        _el(feed, "subtitle", subtitle)
    _el(feed, "updated", stamp)
    _el(feed, "link", rel="self", type="application/atom+xml", href=_url(root, feed_path))
    _el(feed, "link", rel="alternate", type="text/html", href=_url(root, home_path))
    _el(_el(feed, "author"), "name", site_title)
    _el(feed, "generator", GENERATOR)
    for entry in entries[:MAX_ENTRIES]:
        a = entry.article
        item = _el(feed, "entry")
        _el(item, "id", _entry_id(entry, root))
        _el(item, "title", a.title)
        _el(item, "link", rel="alternate", type="text/html", href=_url(root, entry.url))
        if a.url:   # the original on the web
            _el(item, "link", rel="related", type="text/html", href=a.url)
        if a.date:
            _el(item, "published", _stamp(a.date))
        _el(item, "updated", _stamp(a.date) or stamp)  # required, and undated articles have none
        _el(_el(item, "author"), "name", a.publisher or site_title)
        for slug in a.dossiers or ():
            _el(item, "category", term=slug, label=labels.get(slug, slug))
        if a.summary:
            _el(item, "summary", a.summary)
    return _xml(feed)


def editions_atom(title: str, root: str, feed_path: str, editions: Sequence[Edition], *, site_title: str) -> str:
    """An Atom feed of the newest MAX_ENTRIES `editions` (newest first): each an entry linking its
    page, updated on its day, summarised by its headlines under their dossiers."""
    _check(root)
    feed = _el(None, "feed", xmlns=ATOM_NS)
    _el(feed, "id", _url(root, feed_path))
    _el(feed, "title", title)
    _el(feed, "updated", _stamp(editions[0].date) if editions else EPOCH)
    _el(feed, "link", rel="self", type="application/atom+xml", href=_url(root, feed_path))
    _el(feed, "link", rel="alternate", type="text/html", href=_url(root, posixpath.dirname(feed_path) + "/"))
    _el(_el(feed, "author"), "name", site_title)
    _el(feed, "generator", GENERATOR)
    parts = urlsplit(root)
    for edition in editions[:MAX_ENTRIES]:
        item = _el(feed, "entry")
        _el(item, "id", f"tag:{parts.hostname},{TAG_DATE}:{quote(parts.path + edition.url, safe=_URL_SAFE)}")
        _el(item, "title", edition.intro.title or f"Edition: {edition.title}")
        _el(item, "link", rel="alternate", type="text/html", href=_url(root, edition.url))
        _el(item, "updated", _stamp(edition.date))
        _el(item, "summary", " ".join(
            f"{g.dossier.title if g.dossier else 'Not yet filed'}: {'; '.join(e.article.title for e in g.entries)}."
            for g in edition.groups))
    return _xml(feed)


def json_feed(title: str, root: str, feed_path: str, entries: Sequence[Entry], home_path: str, *,
              site_title: str = "") -> str:
    """A JSON Feed 1.1 of the latest MAX_ENTRIES entries; item ids are the Atom entry ids."""
    _check(root)
    site_title = site_title or title
    items = []
    for entry in entries[:MAX_ENTRIES]:
        a = entry.article
        # The format requires content_text or content_html; the summary is the text we publish.
        item: dict[str, object] = {"id": _entry_id(entry, root), "url": _url(root, entry.url), "title": a.title,
                "content_text": a.summary or a.title}
        if a.url:
            item["external_url"] = a.url
        if a.summary:
            item["summary"] = a.summary
        if a.date:
            item["date_published"] = _stamp(a.date)
        if a.dossiers:
            item["tags"] = list(a.dossiers)
        item["authors"] = [{"name": a.publisher or site_title}]
        items.append(item)
    feed = {"version": JSON_FEED_VERSION, "title": title, "home_page_url": _url(root, home_path),
            "feed_url": _url(root, feed_path), "authors": [{"name": site_title}], "items": items}
    return json.dumps(feed, ensure_ascii=False, indent=2) + "\n"


def sitemap(root: str, paths: Sequence[str], lastmod: Mapping[str, dt.date] | None = None) -> str:
    """A sitemaps.org urlset with one absolute <loc> per site-relative path, in the order given.
    Written as text, not with ElementTree, which is much slower on a large site, and the sitemap
    changes with every page added."""
    _check(root)
    lastmod = lastmod or {}
    lines = ['<?xml version="1.0" encoding="utf-8"?>', f'<urlset xmlns="{SITEMAP_NS}">']
    plain_root = _text(root)
    for path in paths:
        loc = plain_root + path.lstrip("/") if _PLAIN.fullmatch(path) else _text(_url(root, path))
        lines.append(f"  <url>\n    <loc>{loc}</loc>")
        if path in lastmod:
            lines.append(f"    <lastmod>{lastmod[path].isoformat()}</lastmod>")
        lines.append("  </url>")
    lines.append("</urlset>\n")
    return "\n".join(lines)


def _text(value: str) -> str:
    """XML character data, as ElementTree writes it."""
    return _NOT_XML.sub("", value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def robots(root: str) -> str:
    """robots.txt allowing everything and naming the sitemap. Crawlers only read it at the host's
    root, so it does nothing when `root` has a path (GitHub project pages)."""
    _check(root)
    return f"User-agent: *\nAllow: /\n\nSitemap: {_url(root, 'sitemap.xml')}\n"


def json_ld(entry: Entry, root: str, site_title: str, *,
            dossier_titles: Mapping[str, str] | None = None) -> str:
    """schema.org NewsArticle JSON-LD for an article page, safe to place verbatim (Markup) inside
    <script type="application/ld+json">: it contains no '<', '>' or '&'."""
    _check(root)
    a = entry.article
    labels = dossier_titles or {}
    url = _url(root, entry.url)
    data: dict[str, object] = {"@context": "https://schema.org", "@type": "NewsArticle",
                               "headline": a.title, "url": url,
                               "mainEntityOfPage": {"@type": "WebPage", "@id": url}}
    if a.date:
        data["datePublished"] = _stamp(a.date)
    data["author"] = {"@type": "Organization", "name": a.publisher or site_title}
    data["publisher"] = {"@type": "Organization", "name": site_title}
    if a.dossiers:
        data["articleSection"] = [labels.get(slug, slug) for slug in a.dossiers]
    if a.people:
        data["keywords"] = list(a.people)
    if a.summary:
        data["description"] = a.summary
    text = json.dumps(data, ensure_ascii=False)
    # "</script>" or "<!--" in seed text would end or derail the script element; the \u escapes
    # decode to the same JSON strings (these characters only ever occur inside strings).
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def open_graph(entry: Entry | None, root: str, page_path: str, site_title: str, description: str,
               title: str | None = None) -> list[tuple[str, str]]:
    """(property, content) pairs for <meta property=… content=…>; values are raw text to be escaped.

    An entry gives an "article" with its title and summary (`description` if it has none); no entry
    gives a "website" titled `title` (e.g. a dossier's) or else `site_title`."""
    _check(root)
    a = entry.article if entry else None
    pairs = [("og:title", title or (a.title if a else site_title)),
             ("og:type", "article" if a else "website"),
             ("og:url", _url(root, page_path)),
             ("og:site_name", site_title)]
    text = (a.summary if a else "") or description
    if text:
        pairs.append(("og:description", text))
    if a and a.date:
        pairs.append(("article:published_time", _stamp(a.date)))
    return pairs
