"""Split one page dump into articles and clean them: headlines, captions, furniture, teasers, dates.

Pure text in, `Draft`s out; every decision (split point, dropped line, date) is kept as a `Decision`
so `explain` can show why. Page patterns are recognised by shape, not by file:
- repeated headline blocks (a headline printed again with its caption, `Update <headline>`, a logo,
  `Short Url`, `Updated <date>`, `Follow`) start a new article;
- otherwise a dump is one article whose first line is its headline when it reads like one;
- prompts (subscribe, donate, share, comment), inline related links and photo credits are dropped;
- long lines cut off mid-sentence after the story (related-story teasers) are dropped;
- a wire credit line (`• AFP`) and a dateline (`SEOUL:`) become metadata.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from builder.dates import find_dates, relative_seconds, resolve_relative
from builder.text import clean, key, tidy

WIRES = {
    "afp": "AFP", "agence france presse": "AFP", "reuters": "Reuters", "ap": "AP",
    "associated press": "AP", "kyodo": "Kyodo", "kyodo news": "Kyodo", "yonhap": "Yonhap",
    "dpa": "dpa", "xinhua": "Xinhua", "bloomberg": "Bloomberg", "efe": "EFE", "ansa": "ANSA",
    "upi": "UPI", "tass": "TASS", "ria novosti": "RIA Novosti", "pti": "PTI", "ani": "ANI",
    "cna": "CNA", "spa": "SPA", "wam": "WAM", "agencies": "Agencies", "jiji": "Jiji Press",
    "jiji press": "Jiji Press", "kcna": "KCNA",
}
_UI = re.compile(
    r"^(?:tt|short url|follow|follow us|share|share this|share this article|print|email|e-mail|"
    r"comments?|advertisement|ad|sponsored|tweet|whatsapp|facebook|twitter|x|linkedin|telegram|"
    r"copy link|listen|listen to this article|save|bookmark|subscribe|sign up|log in|login|register|"
    r"read more|more|menu|search|close|skip to content|home|top stories|trending|most read|"
    r"most popular|related|related articles|related stories|related news|you may also like|"
    r"recommended|back to top|next article|previous article|loading|show more|view comments)$"
)
_PROMPTS = (
    "subscrib", "newsletter", "sign up", "signup", "donat", "leave (?:a|your) (?:reply|comment)",
    "comment below", "share it with", "share this", "was this (?:information|article) helpful",
    "thank you for (?:visiting|reading)", "follow us", "click here", "register here", "premium news",
    "cookie", "all rights reserved", "copyright", "submit news", "tips or recipes",
    "support our journalism", "download (?:our|the) app", "enable javascript", "your email",
    "email inbox", "terms of (?:use|service)", "privacy policy",
)  # matched against key(): folded to lower case, so no (slow) IGNORECASE
_PROMPT = re.compile("|".join(_PROMPTS))
# The literal each prompt opens with: `in` tests for these rule out most lines far faster than
# the regex, which tries every alternative at every position.
_PROMPT_OPENINGS = tuple(sorted({re.match(r"[a-z ]+", p).group() for p in _PROMPTS}))
_FOOTER = re.compile(
    r"^(?:leave a (?:reply|comment)|thank you for (?:visiting|reading)|donate now|more donation options|"
    r"related (?:articles|stories|posts|news)|more from|recommended for you|you might also like|"
    r"about the author|comments? \(\d+\)|post navigation)\b",
    re.I,
)
_RELATED_LINK = re.compile(
    r"^(?:you may also like|you might also like|also read|read also|read more|see also|related|"
    r"recommended|more from|don'?t miss|watch|listen|suggested)\s*[:|>»-]\s*\S", re.I)
_AGENCY_PHOTO = re.compile(r"^Photos?: [A-Z][A-Z /,.-]+$")
_PHOTO_CREDIT = re.compile(r"^(?:photos?|images?|file photo|picture|pictures|credit|video)\s*[:|]\s*\S", re.I)
_WIRE_LINE = re.compile(r"^[\s•·*\-–—(]*(?:with\s+)?(?P<wire>[A-Za-z][A-Za-z .]{1,25}?)[\s).]*$")
_DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z.'’-]+(?:[ ,]+[A-Z][A-Za-z.'’-]+){0,3})\s*"
    r"(?:\((?P<wire>[A-Za-z ]{2,25})\))?\s*(?::|—|–|-{1,2})\s+(?=\S)")
_UPDATED = re.compile(r"^(?:updated|last updated|published|posted|first published|date)\s*:?\s*(?P<when>.+)$", re.I)
_BYLINE = re.compile(r"^By\s+[A-Z][\w.'’ -]{1,60}$")
_BULLET = re.compile(r"^\s*[•·▪‣◦●]\s+")
_LIST_ITEM = re.compile(r"^\s*[*+-]\s+")
_KICKER = re.compile(r"^[‘'\"“]?[A-Z][A-Z0-9 ,.&'’-]{2,40}[’'\"”]?[:?!]\s")
_STOPS = tuple(".!?…")
_CLOSERS = "\"'”’)]"

HEADLINE_MAX = 200  # headlines, page controls and prompts are all shorter than this
TEASER_MIN = 300
WINDOW = 8          # non-empty lines within which a repeated headline or caption still counts
MIN_WORDS = 25      # fewer words of body than this is not an article


@dataclass(frozen=True)
class Decision:
    first: int
    last: int
    what: str           # split, headline, dropped, caption, date, teaser, metadata, ...
    why: str


@dataclass(frozen=True)
class Block:
    kind: str           # "p", "h" (subheading) or "li" (list item)
    text: str
    line: int


@dataclass(frozen=True)
class Draft:
    title: str | None           # None: the page shows no headline
    blocks: tuple[Block, ...]
    key_points: tuple[str, ...]
    date: dt.date | None
    date_source: str | None
    dateline: str | None
    wire: str | None
    publisher: str | None
    lines: tuple[int, int]
    decisions: tuple[Decision, ...]

    @property
    def paragraphs(self) -> list[str]:
        return [b.text for b in self.blocks]

    @property
    def lead(self) -> str:
        return next((b.text for b in self.blocks if b.kind == "p"), "")


@dataclass(frozen=True)
class Extraction:
    drafts: tuple[Draft, ...]
    decisions: tuple[Decision, ...]     # what was dropped between or outside articles
    publisher: str | None


def _is_headline(text: str) -> bool:
    return (len(text) <= HEADLINE_MAX and 2 <= len(text.split()) <= 30
            and not text.endswith((".", ",", ";", ":"))
            and (text[0].isupper() or text[0].isdigit() or text[0] in "'\"‘“")  # lines keep curly quotes
            and not _BULLET.match(text))


def _is_furniture(text: str, low: str) -> str | None:
    """Why a line is page furniture, or None; `low` is the line's key()."""
    if len(text) > HEADLINE_MAX:
        return None  # page furniture is short; story paragraphs skip every check below
    if _UI.match(low):
        return "page control"
    if _BYLINE.match(text):
        return "byline"
    if _RELATED_LINK.match(tidy(text)):
        return "inline related link"
    if _PHOTO_CREDIT.match(text):
        return "photo credit"
    if any(opening in low for opening in _PROMPT_OPENINGS) and _PROMPT.search(low):
        return "prompt (subscribe, share, donate, comment)"
    return None


def _publisher(lines: list[str]) -> str | None:
    """The site, named only when its page furniture is unmistakable (a new dump of it works too)."""
    short = {line for line in lines if len(line) <= HEADLINE_MAX}
    if "TT" in short:                       # Asharq Al-Awsat's logo between headline blocks
        return "Asharq Al-Awsat"
    if "Short Url" in short:
        return "Arab News"
    if any("Politicoscope" in line for line in short):
        return "Politicoscope"
    # One paragraph a line, `Photo: AFP` credits, related stories as `KICKER: ...` cut mid-word.
    if any(_AGENCY_PHOTO.match(line) for line in short) or any(
            len(line) >= TEASER_MIN and _KICKER.match(line) and _truncated(line) for line in lines):
        return "Taipei Times"
    return None


def _wire(text: str) -> str | None:
    m = _WIRE_LINE.match(text)
    return WIRES.get(key(m["wire"])) if m else None


def _truncated(text: str) -> bool:
    """Cut off mid-sentence: no final stop, even behind closing quotes or brackets."""
    return text.rstrip().rstrip(_CLOSERS)[-1:] not in _STOPS


def _headline_groups(lines: list[str], keys: list[str]) -> list[tuple[int, int]]:
    """(first, last) line indexes of each article's header: a headline printed again within a few
    lines, together with whatever else is printed twice inside that span (captions)."""
    nonempty = [i for i, t in enumerate(lines) if t]
    position = {i: n for n, i in enumerate(nonempty)}
    groups: list[tuple[int, int]] = []
    header_end = -1
    for n, i in enumerate(nonempty):
        if i <= header_end or not _is_headline(lines[i]):
            continue
        head = keys[i]
        ahead = nonempty[n + 1:n + 1 + WINDOW]
        repeats = [j for j in ahead if keys[j] in (head, "update " + head)]
        if not repeats:
            continue
        last = repeats[-1]
        # Follow the chain of repetitions (headline again, caption again) to the header's end.
        seen = {keys[j] for j in nonempty[n:position[last] + 1]}
        k = position[last] + 1
        while k < len(nonempty) and k <= position[last] + WINDOW:
            j = nonempty[k]
            if keys[j] in seen or keys[j] == "update " + head:
                last = j
            k += 1
            if keys[j] not in seen and k > position[last] + 2:
                break
        groups.append((i, last))
        header_end = last
    return groups


def extract(text: str) -> Extraction:
    """Articles in one dump's text (already decoded, `\\n` line ends)."""
    lines = [clean(line).strip() for line in text.split("\n")]
    # Comparison keys: folded words for short lines; longer ones (captions) compare by their text,
    # with runs of spaces made one (every other kind of space is unprintable).
    keys = [key(line) if len(line) <= HEADLINE_MAX else
            line if "  " not in line and line.isprintable() else " ".join(line.split()) for line in lines]
    publisher = _publisher(lines)
    groups = _headline_groups(lines, keys)
    dump_decisions: list[Decision] = []

    regions: list[tuple[int | None, int, int]] = []  # (header end or None, start, end exclusive)
    starts = [g[0] for g in groups] + [len(lines)]
    if not groups:
        first = next((i for i, t in enumerate(lines) if t and not _is_furniture(t, keys[i])), None)
        if first is not None:
            titled = _is_headline(lines[first]) and any(lines[first + 1:])
            regions.append((first if titled else None, first, len(lines)))
    else:
        if any(lines[:starts[0]]):
            regions.append((None, 0, starts[0]))  # text before the first headline: judged like any body
        for (head, end), stop in zip(groups, starts[1:]):
            regions.append((end, head, stop))

    # Relative times resolve against the newest date printed in any header (Updated lines, captions).
    anchor_dates = [d for first, last in groups for line in lines[first:last + 1] for d, _ in find_dates(line)]
    newest = max(anchor_dates) if anchor_dates else None
    drafts = []
    for header_end, start, stop in regions:
        draft, decisions = _article(lines, keys, start, header_end, stop, newest, publisher)
        if draft is None:
            dump_decisions.extend(decisions)
        else:
            drafts.append(draft)
    return Extraction(tuple(drafts), tuple(dump_decisions), publisher)


def _article(lines: list[str], keys: list[str], start: int, header_end: int | None, stop: int,
             newest: dt.date | None, publisher: str | None) -> tuple[Draft | None, list[Decision]]:
    decisions: list[Decision] = []
    title = lines[start] if header_end is not None else None
    date = date_source = None
    caption = None

    def drop(i: int, why: str, what: str = "dropped") -> None:
        decisions.append(Decision(i + 1, i + 1, what, why))

    if title is not None:
        decisions.append(Decision(start + 1, header_end + 1, "headline", f"headline block: {title!r}"))
        for i in range(start + 1, header_end + 1):
            text = lines[i]
            if not text:
                continue
            if keys[i] in (keys[start], "update " + keys[start]):
                drop(i, "headline repeated")
                continue
            when = _UPDATED.match(text)
            if when and (relative_seconds(when["when"]) is not None or find_dates(when["when"])):
                found = find_dates(when["when"])
                seconds = relative_seconds(when["when"])
                if date is None or date_source == "caption":
                    if found:
                        date, date_source = found[0][0], "updated"
                        drop(i, f"date {date} read from {text!r}", "date")
                    elif newest is not None:
                        date, date_source = resolve_relative(seconds, newest), "relative"
                        drop(i, f"date {date}: {text!r} resolved against {newest}, the newest date in the dump", "date")
                    else:
                        drop(i, f"relative time {text!r} with no absolute date in the dump to resolve it", "date")
                continue
            why = _is_furniture(text, keys[i]) or ("logo or page control" if len(text) <= 3 else None)
            if why:
                drop(i, why)
                continue
            if caption is None:
                caption = text
                found = find_dates(text)
                if found and date is None:
                    date, date_source = found[-1][0], "caption"
                    drop(i, f"photo caption; date {date} read from {found[-1][1]!r}", "caption")
                else:
                    drop(i, "photo caption", "caption")
            else:
                drop(i, "photo caption repeated" if keys[i] == key(caption) else "header text", "caption")
        body_start = header_end + 1
    else:
        body_start = start

    # The body: one block per line; furniture out, teasers and footers cut.
    candidates: list[int] = [i for i in range(body_start, stop) if lines[i]]
    kept: list[int] = []
    wire = None
    footer_from = None
    for i in candidates:
        text = lines[i]
        if _FOOTER.match(text):
            footer_from = i
            break
        if keys[i] == keys[start] and title is not None:
            drop(i, "headline repeated")
            continue
        found_wire = _wire(text) if len(text) < 40 else None
        if found_wire:
            wire = wire or found_wire
            drop(i, f"wire credit: {found_wire}", "metadata")
            continue
        why = _is_furniture(text, keys[i])
        if why:
            drop(i, why)
            continue
        if _KICKER.match(text) and len(text) >= TEASER_MIN / 2 and _truncated(text):
            drop(i, "related-story teaser (kicker, cut mid-sentence)", "teaser")
            continue
        kept.append(i)
    if footer_from is not None:
        decisions.append(Decision(footer_from + 1, stop, "dropped", f"page footer from {lines[footer_from]!r}"))
    # Teasers trail the story: long lines cut mid-sentence at the end.
    while kept and len(lines[kept[-1]]) >= TEASER_MIN and _truncated(lines[kept[-1]]):
        drop(kept.pop(), "related-story teaser (cut mid-sentence after the story)", "teaser")

    key_points: list[str] = []
    blocks: list[Block] = []
    dateline = None
    for i in kept:
        text = lines[i]
        if _BULLET.match(text):
            item = _BULLET.sub("", text)
            if not any(b.kind == "p" for b in blocks):
                key_points.append(item)
                drop(i, "key point", "metadata")
            else:
                blocks.append(Block("li", item, i + 1))
            continue
        if _LIST_ITEM.match(text):
            blocks.append(Block("li", _LIST_ITEM.sub("", text), i + 1))
            continue
        if not blocks:
            m = _DATELINE.match(text)
            if m and len(m["place"]) <= 40 and not m["place"].isdigit():
                dateline = m["place"].title() if m["place"].isupper() else m["place"]
                wire = wire or (WIRES.get(key(m["wire"])) if m["wire"] else None)
                text = text[m.end():]
                decisions.append(Decision(i + 1, i + 1, "metadata", f"dateline {dateline!r}"))
        if len(text) <= 80 and (text.isupper() or (len(text.split()) <= 8 and text.upper() == text)) \
                and blocks and any(c.isalpha() for c in text) and _truncated(text):
            blocks.append(Block("h", text, i + 1))
            continue
        blocks.append(Block("p", text, i + 1))

    words = 0
    for b in blocks:  # counted only as far as needed: a story's first paragraph is usually enough
        words += len(b.text.split())
        if words >= MIN_WORDS:
            break
    first_line = start + 1
    last_line = max([b.line for b in blocks] + [first_line])
    if words < MIN_WORDS:
        what = "headline-only item" if title is not None and words == 0 else "too little text"
        label = f" {title!r}" if title else ""
        return None, [Decision(first_line, stop, "not an article", f"{what}{label} ({words} words of body)")]
    return Draft(
        title=title, blocks=tuple(blocks), key_points=tuple(key_points), date=date,
        date_source=date_source, dateline=dateline, wire=wire, publisher=publisher,
        lines=(first_line, last_line), decisions=tuple(decisions),
    ), decisions
