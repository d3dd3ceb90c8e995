"""Split one page dump into articles and clean them, deciding from evidence any page carries.

Pure text in, `Draft`s out; every decision (split point, headline, dropped line, date) is kept as a
`Decision` so `explain` can show why. The steps:
1. each line's evidence (`lines`): its shape, function words, controls and notices, repeats;
2. where pages or stories begin (`segment`);
3. per page: its headline (`headline`), which lines are its text (`boilerplate`), its date from the
   lines around the headline (`dates`), and its blocks: paragraphs, list items, subheadings, key
   points, a dateline and a wire credit.
The learned parts (`model`) come from `training/train.py`.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass

from builder.boilerplate import CONTENT_FEATURES, CONTEXT_FEATURES, prose, score_lines
from builder.dates import find_dates, month_first, relative_seconds, resolve_relative
from builder.headline import heading, headline_like, title_parts
from builder.language import stopwords
from builder.lines import Line, comment_thread, page_language, read_lines
from builder.model import Model, Trees, check_names, load_model
from builder.segment import BOUNDARY_FEATURES, pages_in
from builder.text import key, words

WIRES = {
    "afp": "AFP", "agence france presse": "AFP", "reuters": "Reuters", "ap": "AP",
    "associated press": "AP", "kyodo": "Kyodo", "kyodo news": "Kyodo", "yonhap": "Yonhap",
    "dpa": "dpa", "xinhua": "Xinhua", "bloomberg": "Bloomberg", "efe": "EFE", "ansa": "ANSA",
    "upi": "UPI", "tass": "TASS", "ria novosti": "RIA Novosti", "pti": "PTI", "ani": "ANI",
    "cna": "CNA", "spa": "SPA", "wam": "WAM", "agencies": "Agencies", "jiji": "Jiji Press",
    "jiji press": "Jiji Press", "kcna": "KCNA",
}
_WIRE_LINE = re.compile(r"^[\s•·*\-–—(]*(?:with\s+)?(?P<wire>[A-Za-z][A-Za-z .]{1,25}?)[\s).]*$")
_DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z.'’-]+(?:[ ,]+[A-Z][A-Za-z.'’-]+){0,3})\s*"
    r"(?:\((?P<wire>[A-Za-z ]{2,25})\))?\s*(?::|—|–|-{1,2})\s+(?=\S)")
_BULLET = re.compile(r"^\s*[•·▪‣◦●]\s+")
_LIST_ITEM = re.compile(r"^\s*[*+-]\s+")
# What a line printing a date says of it, in the languages `dates` reads.
_PUBLISHED = re.compile(r"\b(?:published|posted|publish|date|veröffentlicht|publié|publicado|pubblicato|"
                        r"opublikowano|gepubliceerd|erschienen|written)\b", re.I)
_UPDATED = re.compile(r"\b(?:updated?|last modified|modified|aktualisiert|mis à jour|actualizado|"
                      r"aggiornato|atualizado|zaktualizowano)\b", re.I)
_BYLINE = re.compile(r"^(?:by|von|par|por|di|door|autor|author)\b", re.I)

MIN_WORDS = 25          # fewer words of text than this is not an article
RELATIVE = 0.6          # of a page's best score, from which a line is text when that is lower
NEAR = 0.6              # of the threshold, from which a line next to text is text too
GAP = 3                 # lines between two of the text's that are taken in with it
FLOOR = 0.1             # unless one scores under this
LEAST = 0.2             # a page whose best line scores less holds no text
DOUBLED = 6             # lines within which a line printed again is a caption or a repeated headline
TEASER = 200            # characters from which a line cut off mid-sentence is a teaser
DATE_REACH = 6          # paragraphs into the text a date may still be the page's own (a byline below the lede)
OVER_TEXT = 30          # lines above its text within which a page shows its headline


@dataclass(frozen=True)
class Decision:
    first: int          # 1-based line numbers in the dump
    last: int
    what: str           # split, headline, dropped, date, metadata, not an article, ...
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
    url: str | None = None          # the original's address, when the seed holds it
    url_source: str | None = None   # where in the seed it was found

    @property
    def paragraphs(self) -> list[str]:
        return [b.text for b in self.blocks]

    @property
    def lead(self) -> str:
        return next((b.text for b in self.blocks if b.kind == "p"), "")


@dataclass(frozen=True)
class Verdict:
    """For explain: one line's class, its probability of being text, and what decided it."""
    line: int
    text: str
    kind: str           # text, furniture, headline
    probability: float
    evidence: str


@dataclass(frozen=True)
class Extraction:
    drafts: tuple[Draft, ...]
    decisions: tuple[Decision, ...]     # splits, and pages that held no article
    verdicts: tuple[Verdict, ...] = ()  # only when asked for (explain)


@dataclass(frozen=True)
class _Page:
    lines: list[Line]
    headline: int | None        # index in `lines` of the headline the page prints
    title: str | None
    headline_why: str           # how the headline was found, for explain
    publisher: str | None
    scores: list[float]         # P(text) per line
    body: list[int]             # indexes of its text lines
    features: list[list[float]]
    ruled: dict[int, str]       # lines a rule, not their score, decided: why


@functools.cache
def _model() -> Model:
    """The shipped model, once it is known to describe the features this code computes."""
    model = load_model()
    check_names(tuple(BOUNDARY_FEATURES), model.boundary, "boundary")
    check_names(tuple(CONTENT_FEATURES), model.content, "content")
    check_names(tuple(CONTEXT_FEATURES), model.context, "context")
    return model


def extract(text: str, explain: bool = False, model: Model | None = None) -> Extraction:
    """Articles in one dump's text (already decoded, `\\n` line ends); by the shipped model unless
    another is given (`training/crossval.py` scores models trained without the dump)."""
    lines = read_lines(text)
    model = model or _model()
    splits = pages_in(lines, model)
    starts = [k for k, _ in splits]
    decisions = [Decision(lines[k].index + 1, lines[k].index + 1, "split", why) for k, why in splits[1:]]
    pages = [_read_page(lines[a:b], model) for a, b in zip(starts, starts[1:] + [len(lines)])]

    day_first = not month_first("\n".join(line.text for line in lines if line.dated))
    found = [_page_date(page, day_first) for page in pages]
    # Relative times (`3 hours ago`) resolve against the newest date printed beside any headline.
    absolute = [d for d, _, _ in found if d is not None]
    newest = max(absolute) if absolute else None
    drafts: list[Draft] = []
    verdicts: list[Verdict] = []
    for page, (date, source, relative) in zip(pages, found):
        if date is None and relative is not None and newest is not None:
            seconds, k = relative
            date = resolve_relative(seconds, newest)
            source = f"relative, line {page.lines[k].index + 1} (against {newest}, the newest date in the dump)"
        made = _draft(page, date, source)
        if isinstance(made, Draft):
            drafts.append(made)
        else:
            decisions.append(made)
        if explain:
            verdicts.extend(_verdicts(page, model.content))
    return Extraction(tuple(drafts), tuple(decisions), tuple(verdicts))


def _read_page(lines: list[Line], model: Model) -> _Page:
    language = page_language(lines)
    head = heading(lines)
    scores, features = score_lines(lines, language, head.at, model)
    if head.at is not None:
        # Text above the headline: the headline printed again is a subheading, or a share box or a
        # link under the story, and the story begins under the headline printed above its text;
        # if none is, under the title line when most of the text is above.
        strong = [k for k, p in enumerate(scores) if p >= model.text_at and 0 < k < head.at]
        most = len(strong) > sum(p >= model.text_at for p in scores[head.at + 1:])
        if len(strong) >= 2 or most:
            earlier = heading(lines, before=strong[0])
            if earlier.at is not None or most:
                head = earlier
                scores, features = score_lines(lines, language, head.at, model)
    headline, title, publisher = head.at, head.title, head.site
    scores = _lists_as_one(lines, scores)
    # The text starts after the headline (or the title line): what is above is the page's top.
    top = headline if headline is not None else (0 if title is not None else -1)
    body, ruled = _text_lines(lines, top, title, scores, model.text_at)
    why = "the page's first line printed again"
    if headline is None and title is not None:
        over = _headline_over(lines, body, title, language)
        if over is not None:
            headline, title = over, lines[over].text
            why = "the headline-like line above the text sharing most words with the title line"
            # The lines keep the scores they had under the title line: scored again under this
            # headline they kept a little more furniture (bench/README.md).
            body = [k for k in body if k > over]
    return _Page(lines, headline, title, why, publisher, scores, body, features, ruled)


def _headline_over(lines: list[Line], body: list[int], title: str, language: str) -> int | None:
    """A page that does not print its title line again mostly words its headline otherwise (an
    SEO title over a shorter headline): of the headline-like lines standing alone (blank lines
    around them, as a heading) above its text, or its text's first line, the one sharing most
    content words with the title line, the nearest of those (a caption between headline and text
    shares fewer). Not a byline, a date, a control, a notice or a breadcrumb (`Home » Park » News`:
    two separators or more); the title line itself (line 0) is not looked at."""
    if not body:
        return None
    function_words = stopwords(language)
    wanted = {w for w in words(title) if len(w) >= 4 and w not in function_words}
    best, shared = None, 0
    for k in range(body[0], max(0, body[0] - OVER_TEXT), -1):
        line = lines[k]
        if line.words >= 3 and line.blank_before and line.blank_after and headline_like(line) \
                and not (line.dated or line.control or line.notice or line.separators >= 2) \
                and not _BYLINE.match(line.text):
            n = len(wanted.intersection(line.tokens))
            if n > shared:
                best, shared = k, n
    return best


def _text_lines(lines: list[Line], top: int, title: str | None, scores: list[float],
                text_at: float) -> tuple[list[int], dict[int, str]]:
    """The indexes of a page's text lines, below `top`, from their scores and a few rules; and the
    lines a rule decided, with the rule."""
    headline_keys = title_parts(title) if title else frozenset()
    # Controls, links elsewhere and credits (`Share`, `Read more: ...`) are never the text, nor is a
    # line printed twice within a few lines (a caption under a picture and in its frame).
    doubled = _doubled(lines)
    ruled = {k: "above the headline: the page's top" for k in range(top)}
    for k in range(top + 1, len(lines)):
        if lines[k].key in headline_keys:
            ruled[k] = "the headline again"
        elif lines[k].control:
            ruled[k] = "a control, a link to another story or a credit"
        elif k in doubled:
            ruled[k] = f"printed twice within {DOUBLED} lines"
    candidates = [k for k in range(top + 1, len(lines)) if k not in ruled]
    # A short story (a digest's item) scores lower throughout than a page's long text: its best
    # lines are its text all the same.
    best = max((scores[k] for k in candidates), default=0.0)
    keep = min(text_at, RELATIVE * best) if best >= LEAST else text_at
    body = _hysteresis(lines, candidates, scores, keep)
    # Readers' comments are not the story: once its text has begun, it ends where they begin.
    begun = next((k for k in body if prose(lines[k])), None)
    thread = next((k for k in range(begun + 1, len(lines)) if comment_thread(lines[k])), None) \
        if begun is not None else None
    if thread is not None:
        ruled.update((k, "below the comment thread's heading") for k in body if k > thread)
        body = [k for k in body if k < thread]
    # Teasers trail a story: long lines cut off mid-sentence after its last whole line.
    while body and len(lines[body[-1]].text) >= TEASER and not lines[body[-1]].end_stop:
        ruled[body.pop()] = "a teaser: long, cut off mid-sentence after the story"
    # Bullets right above the text, below the headline, are the story's key points.
    while body and body[0] - 1 > top and _bullet_of(lines[body[0] - 1].text) and not lines[body[0] - 1].control:
        body.insert(0, body[0] - 1)
        ruled[body[0]] = "a bullet right above the text: a key point"
    return body, ruled


def _hysteresis(lines: list[Line], candidates: list[int], scores: list[float], keep: float) -> list[int]:
    """The lines scoring `keep` or more; as jusText keeps a near-good paragraph beside a good one,
    each line scoring NEAR of that next to a kept one (a lede under the byline, a short paragraph
    between two long ones) unless it holds notice words."""
    kept = [scores[k] >= keep for k in candidates]
    low = NEAR * keep
    changed = True
    while changed:
        changed = False
        for n, k in enumerate(candidates):
            beside = (n and kept[n - 1]) or (n + 1 < len(kept) and kept[n + 1])
            if not kept[n] and beside and scores[k] >= low and not lines[k].notice:
                kept[n] = changed = True
    # A short run between two kept lines is the text's too (a subheading, a list, a short line).
    marks = [n for n, yes in enumerate(kept) if yes]
    for a, b in zip(marks, marks[1:]):
        between = range(a + 1, b)
        if 0 < len(between) <= GAP and all(scores[candidates[n]] >= FLOOR and not lines[candidates[n]].notice
                                           for n in between):
            for n in between:
                kept[n] = True
    return [k for k, yes in zip(candidates, kept) if yes]


def _doubled(lines: list[Line]) -> set[int]:
    """Lines whose text is printed again within DOUBLED lines of the dump."""
    out: set[int] = set()
    for k, line in enumerate(lines):
        if line.repeats and line.words >= 3:
            for j in range(k + 1, len(lines)):
                if lines[j].index - line.index > DOUBLED:
                    break
                if lines[j].key == line.key:
                    out.update((k, j))
    return out


def _lists_as_one(lines: list[Line], scores: list[float]) -> list[float]:
    """A list is text or furniture as a whole: consecutive lines opening with the same bullet share
    their mean score."""
    out = list(scores)
    k = 0
    while k < len(lines):
        bullet = _bullet_of(lines[k].text)
        end = k + 1
        while bullet and end < len(lines) and not lines[end].blank_before and _bullet_of(lines[end].text) == bullet:
            end += 1
        if end - k > 1:
            mean = sum(scores[k:end]) / (end - k)
            out[k:end] = [mean] * (end - k)
        k = end
    return out


def _bullet_of(text: str) -> str | None:
    m = _BULLET.match(text) or _LIST_ITEM.match(text)
    return m.group().strip() if m else None


def _page_date(page: _Page, day_first: bool) -> tuple[dt.date | None, str | None, tuple[int, int] | None]:
    """The page's date: from a line printing one beside the headline, before any in its text, or
    else from a `Published: ...` line below the text.
    Also the first relative time found there, (seconds, line), for the caller to resolve."""
    lines = page.lines
    first_text = page.body[0] if page.body else len(lines)
    # Reach is counted in paragraphs of running text: links and credits between the lede and the
    # byline (`Related: ...`, a caption, the publisher's name) do not use it up.
    running = [k for k in page.body if prose(lines[k])]
    reach = running[DATE_REACH] if len(running) > DATE_REACH else len(lines)
    text = set(page.body)
    after = page.headline if page.headline is not None else 0
    # Below the headline down to a few lines into the text (bylines sit there), then above it,
    # nearest first. Lines of running text are skipped: their dates are what the story is about.
    order = [k for k in range(after, min(reach, len(lines))) if k not in text or len(lines[k].text) < 150]
    order += list(range(after - 1, -1, -1))
    relative = None
    best = None
    for k in order:
        line = lines[k]
        found = find_dates(line.text, day_first) if line.dated else []
        if found:
            published = _PUBLISHED.search(line.text)
            if published:  # `Published: X | Updated: Y`: the date after the word
                later = [d for d in found if line.text.find(d[1]) > published.start()]
                found = later or found
            candidate = (found[0][0], f"{_kind(line, k < first_text)}, line {line.index + 1}")
            if published and not _UPDATED.search(line.text[:published.start()]):
                return (*candidate, None)
            best = best or candidate
        elif relative is None and len(line.text) < 100:
            seconds = relative_seconds(line.text)
            if seconds is not None:
                relative = (seconds, k)
    if best:
        return (*best, None)
    # Some pages print their date once, under the text: only a line saying it is the publication
    # date is taken from there (comments and related stories below the text have dates too).
    if relative is None:
        for k in range(reach, len(lines)):
            line = lines[k]
            if k not in text and line.dated and len(line.text) < 100 and _PUBLISHED.search(line.text):
                found = find_dates(line.text, day_first)
                if found:
                    return found[0][0], f"{_kind(line, False)}, line {line.index + 1}", None
    return None, None, relative


def _kind(line: Line, above_text: bool) -> str:
    if _PUBLISHED.search(line.text):
        return "published"
    if _UPDATED.search(line.text):
        return "updated"
    if _BYLINE.match(line.text):
        return "byline"
    if above_text and line.sentences and len(line.text) >= 60:
        return "caption"
    return "page"


def _draft(page: _Page, date: dt.date | None, date_source: str | None) -> Draft | Decision:
    """The page's article, or the decision saying why it has none."""
    lines = page.lines
    first_line, last_line = lines[0].index + 1, lines[-1].index + 1
    decisions: list[Decision] = []
    if page.headline is not None:
        h = lines[page.headline]
        decisions.append(Decision(h.index + 1, h.index + 1, "headline", f"headline {page.title!r}: "
                                  f"{page.headline_why}"))
    elif page.title is not None:
        decisions.append(Decision(first_line, first_line, "headline", f"title line {page.title!r}"))
    if date is not None:
        decisions.append(Decision(first_line, last_line, "date", f"{date} ({date_source})"))
    decisions += _dropped(page)
    wire = _wire_credit(lines[page.body[0] if page.body else len(lines):], decisions)
    blocks, key_points, dateline, dateline_wire = _blocks([lines[k] for k in page.body], decisions)

    count = 0
    for b in blocks:  # counted only as far as needed: a story's first paragraph is usually enough
        count += len(b.text.split())
        if count >= MIN_WORDS:
            break
    if count < MIN_WORDS:
        what = "headline-only item" if page.title is not None and count == 0 else "too little text"
        label = f" {page.title!r}" if page.title else ""
        return Decision(first_line, last_line, "not an article", f"{what}{label} ({count} words of text)")
    return Draft(
        title=page.title, blocks=tuple(blocks), key_points=tuple(key_points), date=date,
        date_source=date_source, dateline=dateline, wire=wire or dateline_wire, publisher=page.publisher,
        lines=(first_line, max(b.line for b in blocks)), decisions=tuple(decisions),
    )


def _dropped(page: _Page) -> list[Decision]:
    """The runs of lines that are not the text, each with the first one's score."""
    body = set(page.body)
    out: list[Decision] = []
    run = None
    for k, line in enumerate(page.lines):
        if k in body or k == page.headline:
            if run:
                out.append(run)
                run = None
            continue
        number = line.index + 1
        run = Decision(run.first, number, "dropped", run.why) if run else Decision(
            number, number, "dropped", f"furniture (text probability {page.scores[k]:.2f})")
    return out + [run] if run else out


def _wire_credit(lines: list[Line], decisions: list[Decision]) -> str | None:
    """A wire credit (`• AFP`) on a short line of its own below the text's start: furniture to the
    line model, metadata here."""
    for line in lines:
        found = _wire(line.text) if len(line.text) < 40 else None
        if found:
            decisions.append(Decision(line.index + 1, line.index + 1, "metadata", f"wire credit: {found}"))
            return found
    return None


def _blocks(kept: list[Line], decisions: list[Decision]) -> tuple[list[Block], list[str], str | None, str | None]:
    """The text lines as paragraphs, list items and subheadings; bullets above the first paragraph
    are key points; a dateline (`SEOUL (AP) -`) opening it is metadata. Returns the blocks, the key
    points, the dateline and its wire."""
    blocks: list[Block] = []
    key_points: list[str] = []
    dateline = wire = None
    for n, line in enumerate(kept):
        text = line.text
        if len(text) < 40 and _wire(text):
            continue  # the credit, read by _wire_credit
        if _BULLET.match(text):
            item = _BULLET.sub("", text)
            if not any(b.kind == "p" for b in blocks):
                key_points.append(item)
                decisions.append(Decision(line.index + 1, line.index + 1, "metadata", "key point"))
            else:
                blocks.append(Block("li", item, line.index + 1))
            continue
        if _LIST_ITEM.match(text):
            blocks.append(Block("li", _LIST_ITEM.sub("", text), line.index + 1))
            continue
        if not blocks:
            m = _DATELINE.match(text)
            if m and len(m["place"]) <= 40 and not m["place"].isdigit():
                dateline = m["place"].title() if m["place"].isupper() else m["place"]
                wire = WIRES.get(key(m["wire"])) if m["wire"] else None
                text = text[m.end():]
                decisions.append(Decision(line.index + 1, line.index + 1, "metadata", f"dateline {dateline!r}"))
        following = kept[n + 1] if n + 1 < len(kept) else None
        if (blocks and following is not None and not line.end_stop and line.words <= 12 and len(text) <= 100
                and any(c.isalpha() for c in text) and following.end_stop and following.words > line.words):
            blocks.append(Block("h", text, line.index + 1))
            continue
        blocks.append(Block("p", text, line.index + 1))
    return blocks, key_points, dateline, wire


def _wire(text: str) -> str | None:
    m = _WIRE_LINE.match(text)
    return WIRES.get(key(m["wire"])) if m else None


def _verdicts(page: _Page, content: Trees) -> list[Verdict]:
    body = set(page.body)
    out = []
    for k, line in enumerate(page.lines):
        kind = "headline" if k == page.headline else "text" if k in body else "furniture"
        pulls = content.evidence(page.features[k])
        evidence = (f"{page.ruled[k]}; " if k in page.ruled else "") + \
            ", ".join(f"{CONTENT_FEATURES[name]} {pull:+.1f}" for name, pull in pulls)
        out.append(Verdict(line.index + 1, line.text, kind, page.scores[k], evidence))
    return out

