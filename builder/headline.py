"""Headlines: the parts of a `<title>`-style line (`Headline | Section | Site`), a line that reads
like a headline, and the place where a page prints its headline again."""

from __future__ import annotations

import re
from dataclasses import dataclass

from builder.lines import Line
from builder.text import key

# Between a headline and a site or section name: ` | `, ` - `, ` – `, ` — `, ` · `, ` » `, ` / `, ` :: `;
# between the parts of a headline, also `: ` (a kicker before it).
_SITE = r"\s+(?:[|\-–—·•»/~]|::)\s+|\s+\|\s*|\s*\|\s+"
_SEPARATOR = re.compile(rf"{_SITE}|:\s+")
_SITE_SEPARATOR = re.compile(_SITE)
ECHO_WINDOW = 400   # lines within which a page prints its headline again (menus can be long)


def title_parts(text: str) -> frozenset[str]:
    """The keys of `text` and of each run of its parts between separators: `A - B | Site` gives
    `a b site`, `a`, `b`, `site`, `a b`, `b site`. Single-word parts count from six letters on."""
    parts = [p for p in (key(x) for x in _SEPARATOR.split(text)) if p]
    out = {key(text)}
    for i in range(len(parts)):
        for j in range(i + 1, len(parts) + 1):
            run = " ".join(parts[i:j])
            if " " in run or len(run) >= 6:
                out.add(run)
    out.discard("")
    return frozenset(out)


def has_separator(text: str) -> bool:
    return _SEPARATOR.search(text) is not None


def headline_like(line: Line) -> bool:
    """Short, no final full stop (a question or an exclamation may be a headline), one sentence at
    most: a headline, a title or a menu entry."""
    return 2 <= line.words <= 30 and not line.text.rstrip("\"'”’)").endswith((".", ",", ";", ":", "…")) \
        and line.sentences <= 1 and len(line.text) <= 300


def echo(lines: list[Line], at: int, positions: dict[str, list[int]],
         parts: frozenset[str] | None = None) -> int | None:
    """The nearest later line (within ECHO_WINDOW) printing the headline of `lines[at]` again: its
    whole text or a part of it (the page's `<title>` line, then its headline). `positions` maps each
    key to the indexes of the lines with it, in order; `parts` are the line's `title_parts`, when
    the caller has them already."""
    best = None
    for part in parts if parts is not None else title_parts(lines[at].text):
        for j in positions.get(part, ()):
            if j > at:
                if j - at <= ECHO_WINDOW and lines[j].words >= 2 and (best is None or j < best):
                    best = j
                break
    return best


def positions_of(lines: list[Line]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for k, line in enumerate(lines):
        out.setdefault(line.key, []).append(k)
    return out


def page_headline(page: list[Line], site: str | None = None, before: int = ECHO_WINDOW + 1) -> int | None:
    """Where a page (its lines from its first) prints its headline again, above line `before`: a
    line repeating a part of its first line (not the site's name: that is its logo). One with
    running text below it first (a headline sits over its story, a logo over a menu), then the one
    repeating the most words, then the title's first part (titles name the site last more often),
    then the nearest."""
    if not page or not (headline_like(page[0]) or has_separator(page[0].text)):
        return None
    positions = positions_of(page)
    parts = title_parts(page[0].text) - title_parts(site or "")
    # A short part of a long title (a site or section the page did not show to be one) is no headline.
    enough = min(0.4 * len(page[0].key.split()), max((len(p.split()) for p in parts), default=0))
    best = None
    for part in parts:
        found = next((j for j in positions.get(part, ()) if 0 < j < min(before, ECHO_WINDOW + 1)), None)
        if found is not None and page[found].words >= 2 and len(part.split()) >= enough:
            rank = (_over_text(page, found), len(part.split()), f"{page[0].key} ".startswith(f"{part} "), -found)
            if best is None or rank > best[0]:
                best = (rank, found)
    return best[1] if best else None


def site_part(text: str) -> str | None:
    """The key of a title's last part after a site separator (`Headline - Site` -> `site`): a
    site's name, short and with no digits (a date is not a site)."""
    cuts = list(_SITE_SEPARATOR.finditer(text))
    last = text[cuts[-1].end():].strip() if cuts else ""
    return key(last) if 0 < len(last.split()) <= 5 and not any(c.isdigit() for c in last) else None


def _over_text(page: list[Line], at: int) -> bool:
    """Running text follows within 15 lines: a headline over its story, not a logo over a menu."""
    return any(line.words >= 12 and line.end_stop for line in page[at + 1:at + 16])


def split_site(text: str, page: list[Line]) -> tuple[str, str | None]:
    """A `<title>`-style line's headline and site: `Headline | Section | Site` gives ('Headline',
    'Site') when the page names the site and the section again (a logo, a menu, a copyright line).
    The last part is tried first, sites being named last more often; a part the page prints as a
    line of its own over running text is its headline, not a site, unless named three times or more."""
    named_in = [f" {line.key} " for line in page[1:]]

    def site_like(part: str) -> bool:
        k = key(part)
        # A short name is a word of the text as often; a three-letter acronym (`CNN`, `NPR`) is a
        # name, a two-letter one a country or a union as often (`- UK`, `| EU`).
        long_enough = len(k) >= 4 or (len(k) == 3 and part.strip().isupper())
        named = sum(f" {k} " in other for other in named_in) if long_enough and len(part.split()) <= 5 else 0
        return named >= 3 or (named > 0 and not any(line.key == k and _over_text(page, n)
                                                    for n, line in enumerate(page[1:], 1)))

    site = None
    while True:
        cuts = list(_SITE_SEPARATOR.finditer(text))
        if not cuts:
            return text.strip(), site
        last, first = text[cuts[-1].end():].strip(), text[:cuts[0].start()].strip()
        if site_like(last):
            site, text = site or last, text[:cuts[-1].start()]
        elif site_like(first):
            site, text = site or first, text[cuts[0].end():]
        else:
            return text.strip(), site


@dataclass(frozen=True)
class Heading:
    at: int | None      # index of the line where the page prints its headline again
    title: str | None   # None: the page shows no headline
    site: str | None    # the site its title line names (and the page names again)


def heading(page: list[Line], before: int = ECHO_WINDOW + 1) -> Heading:
    """A page's headline and site, from its first line (its `<title>`, or the headline itself) and
    the line printing that headline again above line `before`; no title when the first line is a
    sentence."""
    first = page[0]
    titled = headline_like(first) or has_separator(first.text)
    text, site = split_site(first.text, page) if titled else (None, None)
    at = page_headline(page, site, before)
    if at is not None:
        return Heading(at, page[at].text, site)
    return Heading(None, text if titled and not first.end_stop else None, site)
