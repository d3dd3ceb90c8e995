"""A saved web page (`.html`) into drafts: its main text and metadata found by trafilatura, the text
cleaned of the controls and notices it kept, as the blocks a `.txt` seed's text becomes."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from builder.content import FIELDS
from builder.errors import BuilderError
from builder.extract import MIN_WORDS, Block, Decision, Draft, Extraction, Verdict
from builder.files import marked_encoding, text_only, web_encoding
from builder.lines import Line, read_lines
from builder.text import key

# trafilatura (and lxml, its parser) is imported when a page is read: `.txt` ingest runs without it.
Element = Any   # an lxml element of trafilatura's tree (lxml ships no type information)

_PRESCAN = 4096     # bytes at the top of a page where its charset is declared
_META_CHARSET = re.compile(rb"""<meta\s[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I)
# Between a headline and a site's name in a `<title>`: ` | `, ` - `, ` – `, ` — `, ` · `, ` » `, ` :: `.
_SITE_SEPARATOR = re.compile(r"\s+(?:[|\-–—·•»~]|::)\s+")
_ISO_DATE = re.compile(r"\d{4}-\d\d-\d\d")
_LD_DATE = re.compile(r'"(date\w*)"\s*:\s*"(\d{4}-\d\d-\d\d)')
_URL_DATE = re.compile(r"(\d{4})[/-]?(\d\d)[/-]?(\d\d)(?!\d)")


@dataclass(frozen=True)
class _Evidence:
    """What the page's own markup says of it, read before trafilatura works on the tree."""
    title: str              # its `<title>`
    headlines: tuple[str, ...]  # the text of each of its `<h1>`s
    urls: tuple[tuple[str, str], ...]   # (address, where: canonical link, og:url)
    dates: tuple[tuple[str, str], ...]  # (value, where) of each date its markup gives
    ingredients: tuple[str, ...]    # a recipe's, from its schema.org markup (microdata or JSON-LD)


def read_webpage(data: bytes, path: Path, explain: bool = False) -> Extraction:
    """A `.html` seed: one saved web page, whose main text is one article."""
    if not data.strip():
        raise BuilderError("is empty", path)
    try:
        import trafilatura
    except ImportError:
        raise BuilderError("cannot be read: trafilatura, which reads web pages, is not installed "
                           "(pip install -e . installs it)", path) from None
    text, charset = _decode(data, path)
    decisions = [Decision(1, 1, "charset", charset)]
    tree = trafilatura.load_html(text)
    if tree is None:
        return Extraction((), (Decision(1, 1, "not an article", "no HTML document in the file"),))
    evidence = _evidence(tree)
    url, url_source = _address(evidence, decisions)
    doc: Any = trafilatura.bare_extraction(tree, url=url, with_metadata=True, include_comments=False)
    if doc is None or doc.body is None:
        return Extraction((), (Decision(1, 1, "not an article", "trafilatura found no main text"),))
    found = _with_ingredients(_blocks(doc.body), evidence.ingredients, decisions)
    lines = read_lines("\n".join(text for _, text in found))
    title = _title(doc, evidence, decisions)
    ruled = _furniture(lines, title)
    blocks = tuple(Block(found[line.index][0], line.text, line.index + 1)
                   for k, line in enumerate(lines) if k not in ruled)
    verdicts = tuple(_verdict(line, ruled.get(k)) for k, line in enumerate(lines)) if explain else ()
    decisions += [Decision(lines[k].index + 1, lines[k].index + 1, "dropped", why) for k, why in sorted(ruled.items())]
    words = sum(len(b.text.split()) for b in blocks)
    if words < MIN_WORDS:
        return Extraction((), (Decision(1, max(1, len(lines)), "not an article",
                                        f"too little text ({words} words of main text)"),), verdicts)
    date, date_source = _date(doc.date, evidence, url)
    if date is not None:
        decisions.append(Decision(1, len(lines), "date", f"{date} ({date_source})"))
    publisher = (doc.sitename or "").strip() or None
    decisions.append(Decision(1, len(lines), "metadata", f"publisher: {publisher}, the site's name"
                              if publisher else "no publisher: the page names no site"))
    if doc.author:
        decisions.append(Decision(1, len(lines), "metadata", f"author: {doc.author}"))
    draft = Draft(title=title, blocks=blocks, key_points=(), date=date, date_source=date_source, dateline=None,
                  wire=None, publisher=publisher, lines=(1, blocks[-1].line), decisions=tuple(decisions),
                  url=url, url_source=url_source)
    return Extraction((draft,), (), verdicts)


def _decode(data: bytes, path: Path) -> tuple[str, str]:
    """The page's text and how its charset was found: a byte order mark, the charset the page
    declares, else UTF-8 when the bytes are UTF-8, else what detection finds."""
    marked = marked_encoding(data)
    if marked:
        return text_only(data.decode(marked, "replace"), path), f"{marked} (byte order mark)"
    head = data[:_PRESCAN]
    declared = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    note = ""
    if declared:
        label = declared.group(1).decode("ascii")
        name = web_encoding(label, in_page=True)
        if name is None:
            note = f"; the page declares charset={label}, which is no charset a browser reads"
        else:
            try:
                return text_only(data.decode(name), path), f"{name} (declared by the page: charset={label})"
            except UnicodeDecodeError:
                note = f"; the page declares charset={label}, but its bytes are not that"
    try:
        return text_only(data.decode("utf-8"), path), f"utf-8 (the bytes are UTF-8{note or '; no charset declared'})"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes
    best = from_bytes(data).best()
    name = (web_encoding(best.encoding) if best is not None else None) or "cp1252"
    return text_only(data.decode(name, "replace"), path), f"{name} (detected{note or '; no charset declared'})"


def _evidence(tree: Element) -> _Evidence:
    title = " ".join(" ".join(tree.xpath("//head/title//text()")).split())
    headlines = tuple(text for h in tree.xpath("//h1") if (text := " ".join(" ".join(h.itertext()).split())))
    urls = [(href.strip(), "canonical link") for href in tree.xpath("//link[@rel='canonical']/@href")]
    urls += [(content.strip(), "og:url") for content in tree.xpath("//meta[@property='og:url']/@content")]
    dates, ingredients = [], [" ".join(" ".join(e.itertext()).split())
                               for e in tree.xpath("//*[@itemprop='recipeIngredient' or @itemprop='ingredients']")]
    for meta in tree.xpath("//meta[@content]"):
        found = _ISO_DATE.search(meta.get("content"))
        name = meta.get("property") or meta.get("name") or meta.get("itemprop") or meta.get("http-equiv")
        if found and name:
            dates.append((found.group(), f"meta {name}"))
    for script in tree.xpath("//script[@type='application/ld+json']"):
        dates += [(value, f"JSON-LD {name}") for name, value in _LD_DATE.findall(script.text or "")]
        if not ingredients and "recipeIngredient" in (script.text or ""):
            ingredients = _ld_ingredients(script.text)
    for value in tree.xpath("//time/@datetime"):
        if found := _ISO_DATE.search(value):
            dates.append((found.group(), "<time datetime>"))
    return _Evidence(title, headlines, tuple(urls), tuple(dates), tuple(i for i in ingredients if i))


def _ld_ingredients(text: str) -> list[str]:
    """The `recipeIngredient` list anywhere in a JSON-LD script (a `@graph` holds several things)."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):   # nested deeper than Python recurses: no recipe of ours
        return []
    todo = [data]
    while todo:
        node = todo.pop()
        if isinstance(node, dict):
            found = node.get("recipeIngredient")
            if isinstance(found, list):
                return [" ".join(str(x).split()) for x in found]
            todo += node.values()
        elif isinstance(node, list):
            todo += node
    return []


def _with_ingredients(found: list[tuple[str, str]], ingredients: tuple[str, ...],
                      decisions: list[Decision]) -> list[tuple[str, str]]:
    """A recipe's ingredients, which its markup lists, ahead of its text when that lacks most of them
    (the main text found is then the method alone)."""
    text = key(" ".join(line for _, line in found))
    held = sum(key(i) in text for i in ingredients)
    if not ingredients or 2 * held >= len(ingredients):
        return found
    decisions.append(Decision(1, len(ingredients), "ingredients", f"{len(ingredients)} from the page's "
                              f"schema.org recipe markup, which the main text lacked ({held} in it)"))
    return [("li", i) for i in ingredients] + found


def _address(evidence: _Evidence, decisions: list[Decision]) -> tuple[str | None, str | None]:
    """The original's address: its canonical link, else its og:url; an http(s) one only, made
    absolute against the other when relative."""
    absolute = next((u for u, _ in evidence.urls if _scheme(u)), None)
    for url, where in evidence.urls:
        try:   # urlsplit refuses some addresses (`http://[oops`) with a ValueError, as the field does
            full = urljoin(absolute, url) if absolute else url
            FIELDS["url"].parse("url", full)
        except ValueError:
            decisions.append(Decision(1, 1, "url", f"{where} {url!r} left out: not an http(s) address"))
            continue
        decisions.append(Decision(1, 1, "url", f"{full} (the page's {where})"))
        return full, where
    decisions.append(Decision(1, 1, "url", "none: the page has no canonical link or og:url"))
    return None, None


def _scheme(url: str) -> str:
    try:
        return urlsplit(url).scheme
    except ValueError:
        return ""


def _text_of(element: Element) -> list[str]:
    """An element's text, as the lines its line breaks make, spaces made single."""
    parts: list[str] = []

    def walk(node: Element) -> None:
        if node.tag == "lb":
            parts.append("\n")
        elif node.text:
            parts.append(node.text)
        for child in node:
            walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(element)
    return [line for line in (" ".join(x.split()) for x in "".join(parts).split("\n")) if line]


def _blocks(body: Element) -> list[tuple[str, str]]:
    """trafilatura's main text (its XML: head, p, list/item, table/row/cell, quote, code) as
    (kind, text) lines: subheadings, list items and paragraphs; a table row is one paragraph."""
    out: list[tuple[str, str]] = []
    for node in body:
        if node.tag == "head":
            out += [("h", text) for text in _text_of(node)]
        elif node.tag == "list":
            for item in node:
                if any(child.tag in ("list", "p") for child in item):   # a list of paragraphs or lists
                    out += _blocks(item)
                else:
                    out += [("li", text) for text in _text_of(item)]
        elif node.tag == "table":
            for row in node.iter("row"):
                cells = [" ".join(_text_of(cell)) for cell in row]
                if row_text := " | ".join(cell for cell in cells if cell):
                    out.append(("p", row_text))
        elif len(node) and node.tag not in ("p", "code"):   # a quote or another wrapper of blocks
            if node.text and node.text.strip():
                out.append(("p", " ".join(node.text.split())))
            out += _blocks(node)
        else:
            out += [("p", text) for text in _text_of(node)]
    return out


def _furniture(lines: list[Line], title: str | None) -> dict[int, str]:
    """The lines of trafilatura's text that are page furniture all the same, with why: a control,
    a link elsewhere or a credit (`Share`, `Read more: ...`), anywhere; notices (a newsletter, a
    copyright, a comment policy) where the text starts or ends; the headline over the text."""
    ruled = {k: "a control, a link to another story or a credit" for k, line in enumerate(lines) if line.control}
    if lines and title and lines[0].key == key(title):
        ruled[0] = "the headline again"
    for order in (range(len(lines)), range(len(lines) - 1, -1, -1)):
        for k in order:
            if k not in ruled and not lines[k].notice:
                break
            ruled.setdefault(k, "a notice (newsletter, legal, comments) where the text "
                             + ("starts" if order.step > 0 else "ends"))
    return ruled


def _verdict(line: Line, why: str | None) -> Verdict:
    if why is None:
        return Verdict(line.index + 1, line.text, "text", 1.0, "trafilatura's main text")
    return Verdict(line.index + 1, line.text, "furniture", 0.0, f"trafilatura's main text, but {why}")


def _title(doc: Any, evidence: _Evidence, decisions: list[Decision]) -> str | None:
    """The headline the page prints (its `<h1>`) when it prints one alone or its `<title>` holds it
    too, unless that is the site's name (a logo); else trafilatura's title (from the page's
    metadata) or its `<title>`, less a site's name after or before a separator."""
    title_key = f" {key(evidence.title)} "
    site, host = key(doc.sitename or ""), doc.hostname or ""
    alone = len(evidence.headlines) == 1
    for headline in evidence.headlines:
        folded = key(headline)
        if len(folded.split()) >= 2 and (alone or f" {folded} " in title_key) and not _site_like(headline, site, host):
            why = "the only one it prints" if alone else "which its <title> holds"
            decisions.append(Decision(1, 1, "headline", f"headline {headline!r}: the page's <h1>, {why}"))
            return headline
    # trafilatura's title, or the <title> when that is the site's name (a logo trafilatura took).
    for found, where in ((doc.title or "", "title"), (evidence.title, "<title>")):
        found = " ".join(found.split()).strip(" |-–—·•»~:")
        text = _without_site(found, site, host)
        if text and not _site_like(text, site, host):
            decisions.append(Decision(1, 1, "headline", f"headline {text!r}: the page's {where}"
                                      + (f" {found!r} less its site's name" if text != found else "")))
            return text
    decisions.append(Decision(1, 1, "headline", "none: the page's titles name only its site"))
    return None


def _site_like(part: str, site: str, host: str) -> bool:
    """A title's part that names the site: its name, or a name holding its host's or held in it
    (`BBC News` on bbc.co.uk, `WordPress.com` on wordpress.com)."""
    folded = key(part)
    squashed = folded.replace(" ", "")
    label = max(host.lower().removeprefix("www.").split("."), key=len, default="")
    return bool(folded) and (folded == site or (len(folded.split()) <= 4 and len(squashed) >= 3 <= len(label)
                                                and (squashed in label or label in squashed)))


def _without_site(title: str, site: str, host: str) -> str:
    """`Headline | Site` or `Site - Headline` less the site's name, when a part names it."""
    while True:
        cuts = list(_SITE_SEPARATOR.finditer(title))
        if not cuts:
            return title
        first, last = title[:cuts[0].start()], title[cuts[-1].end():]
        if _site_like(last, site, host):
            title = title[:cuts[-1].start()].strip()
        elif _site_like(first, site, host):
            title = title[cuts[0].end():].strip()
        else:
            return title


def _date(found: str | None, evidence: _Evidence, url: str | None) -> tuple[dt.date | None, str | None]:
    """trafilatura's date (htmldate's, the page's original publication) and where the page gives it."""
    if not found:
        return None, None
    try:
        date = dt.date.fromisoformat(found[:10])
    except ValueError:
        return None, None
    iso = date.isoformat()
    where = next((source for value, source in evidence.dates if value == iso), None)
    if where is None and url and any(m.groups() == (iso[:4], iso[5:7], iso[8:]) for m in _URL_DATE.finditer(url)):
        where = "the page's address"
    return date, f"htmldate, {where or 'the page text'}"
