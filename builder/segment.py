"""Where a dump's pages or stories begin: a dump may hold several pages one after another (a
digest, infinite scroll, pages pasted together), with or without blank lines between them.

Each headline-like line is scored by the learned model as the first line of a new page from the
evidence around it: its headline printed again a little later, page furniture (a copyright line,
a menu) before or after it, prose ending above it, a change of language or of topic. The best
likely start begins a page, except the same headline printed again below it.
"""

from __future__ import annotations

import math
from itertools import accumulate

from builder.boilerplate import prose
from builder.headline import ECHO_WINDOW, echo, has_separator, headline_like, positions_of, site_part, title_parts
from builder.lines import Line, copyright
from builder.model import Model

LOW = 0.2       # a likely start with less than the threshold, taken on more evidence (_next_page)
WINDOW = 60     # lines on each side compared for a change of language or topic
FOOTER = 8      # lines above the next page's title within which the page's footer notices stand
TOP = 6         # lines below a page's title within which it prints its logo or its headline again

BOUNDARY_FEATURES = {
    "headline_like": "reads like a headline", "end_stop": "ends like a sentence", "words": "number of words",
    "capitals": "capitalised words", "separators": "separators (| • »)",
    "title_separator": "a `Headline - Site` separator",
    "echo": "its headline printed again below", "echo_distance": "lines until that",
    "echo_whole": "the whole line printed again", "long": "five words or more",
    "seen_before": "printed before in the dump", "echo_of_earlier": "repeats a recent title",
    "control": "a page control", "notice": "legal, cookie or newsletter words", "dated": "a date or time",
    "notices_above": "notices in the 5 lines above", "copyright_above": "a © in the 5 lines above",
    "controls_above": "controls in the 5 lines above", "controls_below": "controls in the 5 lines below",
    "notices_below": "notices in the 5 lines below", "short_below": "short lines in the 5 lines below",
    "prose_above": "prose in the 15 lines above", "prose_below": "prose in the 15 lines below",
    "prose_far_above": "prose in the 60 lines above", "prose_far_below": "prose in the 60 lines below",
    "blank_before": "a blank line above", "blank_after": "a blank line below",
    "prose_just_above": "the line above is prose", "stop_just_above": "the line above ends a sentence",
    "lines_above": "lines above in the dump", "lines_below": "lines below in the dump",
    "prose_after_echo": "prose after the headline's echo", "furniture_to_echo": "furniture up to the echo",
    "language_change": "another language below", "topic_overlap": "words shared above and below",
    "no_topic": "no prose on one side",
}


def candidate(line: Line) -> bool:
    """Lines that may begin a page: the rest are scored 0 without computing their evidence."""
    if line.control or (line.dated and line.digits > 0.25):  # a control, or a date and time
        return False
    if copyright(line):                                      # a copyright line ends a page
        return False
    return headline_like(line) or (line.words <= 40 and has_separator(line.text))


def boundary_features(lines: list[Line], k: int, context: DumpContext) -> list[float]:
    """The BOUNDARY_FEATURES of `lines[k]`, a candidate line."""
    line = lines[k]
    n = len(lines)
    parts = context.candidates[k]
    at = echo(lines, k, context.positions, parts)
    seen_before = any(j < k for part in parts for j in context.positions.get(part, ()))
    echo_of_earlier = any(k - ECHO_WINDOW <= j < k for j in context.parts.get(line.key, ()))
    above = lines[max(0, k - 5):k]
    below = lines[k + 1:k + 6]
    lang_above, lang_below = context.language(k - WINDOW, k), context.language(k, k + WINDOW)
    bag_above, bag_below = context.topic(k - WINDOW, k), context.topic(k, k + WINDOW)
    overlap = len(bag_above & bag_below) / len(bag_above | bag_below) if bag_above and bag_below else 0.0
    return [
        float(headline_like(line)), float(line.end_stop), math.log1p(line.words), line.capitals,
        float(line.separators > 0), float(has_separator(line.text)), float(at is not None),
        math.log1p(at - k) if at is not None else 0.0,
        float(at is not None and lines[at].key == line.key), float(line.words >= 5),
        float(seen_before), float(echo_of_earlier),
        float(line.control), float(line.notice), float(line.dated),
        sum(x.notice for x in above) / 5, float(any("©" in x.text for x in above)),
        sum(x.control for x in above) / 5, sum(x.control for x in below) / 5, sum(x.notice for x in below) / 5,
        sum(1 for x in below if x.words <= 4) / 5,
        context.prose(k - 15, k), context.prose(k + 1, k + 16), context.prose(k - 60, k), context.prose(k + 1, k + 61),
        float(line.blank_before), float(line.blank_after), context.is_prose[k - 1] if k else 0.0,
        float(lines[k - 1].end_stop) if k else 0.0, math.log1p(k), math.log1p(n - k),
        context.prose(at + 1, at + 16) if at is not None else 0.0,
        (sum(x.control or x.notice for x in lines[k + 1:at]) / max(1, at - k - 1)) if at is not None else 0.0,
        float(lang_above is not None and lang_below is not None and lang_above != lang_below),
        overlap, float(not bag_above or not bag_below),
    ]


class DumpContext:
    """What boundary features look up about the whole dump, computed once."""

    def __init__(self, lines: list[Line]):
        self.positions = positions_of(lines)
        # The lines that may begin a page, each with the parts of its text read as a title.
        self.candidates = {k: title_parts(line.text) for k, line in enumerate(lines) if candidate(line)}
        self.parts: dict[str, list[int]] = {}
        for k, parts in self.candidates.items():
            for part in parts:
                self.parts.setdefault(part, []).append(k)
        self.is_prose = [1.0 if prose(line) else 0.0 for line in lines]
        self.running = list(accumulate(self.is_prose, initial=0.0))
        self.languages = [line.language if line.words >= 8 else None for line in lines]
        # A topic is told by its long words; a paragraph's first few dozen are enough.
        self.words = [{w for w in line.tokens[:40] if len(w) >= 5} if p else set()
                      for line, p in zip(lines, self.is_prose)]
        self.n = len(lines)

    def prose(self, a: int, b: int) -> float:
        a, b = max(0, a), min(self.n, b)
        return (self.running[b] - self.running[a]) / (b - a) if b > a else 0.0

    def language(self, a: int, b: int) -> str | None:
        counts: dict[str, int] = {}
        for name in self.languages[max(0, a):min(self.n, b)]:
            if name:
                counts[name] = counts.get(name, 0) + 1
        return max(counts, key=lambda name: (counts[name], name)) if counts else None

    def topic(self, a: int, b: int) -> set[str]:
        out: set[str] = set()
        for bag in self.words[max(0, a):min(self.n, b)]:
            out |= bag
        return out


def pages_in(lines: list[Line], model: Model) -> list[tuple[int, str]]:
    """Where pages begin (indexes into `lines`, the first always 0) and why each later one does."""
    context = DumpContext(lines)
    scores = [0.0] * len(lines)
    features: dict[int, list[float]] = {}
    for k in context.candidates:
        if k:  # the dump's first line begins its first page
            features[k] = boundary_features(lines, k, context)
            scores[k] = model.boundary.probability(features[k])
    return [(k, _why(lines[k], scores[k], features.get(k))) for k in choose(lines, scores, model.starts_at)]


def _why(line: Line, probability: float, f: list[float] | None) -> str:
    """The evidence for a page beginning at `line`, in words."""
    if f is None:
        return "the dump's first line"
    named = dict(zip(BOUNDARY_FEATURES, f))
    said = []
    if named["echo"]:
        said.append(f"its headline is printed again {round(math.expm1(named['echo_distance']))} lines on")
    if named["notices_above"] or named["copyright_above"]:
        said.append("a copyright or legal notice above")
    if named["controls_below"] or named["short_below"] >= 0.6:
        said.append("menus or controls below")
    if named["prose_just_above"]:
        said.append("a story ends just above")
    if named["language_change"]:
        said.append("the language changes")
    elif not named["no_topic"] and named["topic_overlap"] < 0.05:
        said.append("the topic changes")
    return f"a new page or story (probability {probability:.2f}): " + ("; ".join(said) or "its shape and place")


def _next_page(lines: list[Line], start: int, k: int, positions: dict[str, list[int]]) -> bool:
    """Evidence that a likely start the model is unsure of is the next page's title, with a page
    below it: a `Headline - Site` line naming another site than the page's own title, just below
    a copyright or legal notice, or with the top of a page just below it (that site's name printed
    again, its logo, or its headline); or a headline just below a copyright line with a menu under
    it (a page's footer, then the next page's top)."""
    if lines[k].notice or len(lines) - k <= 20:
        return False
    theirs, ours = site_part(lines[k].text), site_part(lines[start].text)
    if theirs is not None and theirs != ours:
        if any(x.notice for x in lines[max(start, k - FOOTER):k]):          # a footer above
            return True
        if any(x.key == theirs for x in lines[k + 1:k + 1 + TOP]):          # its logo below
            return True
        at = echo(lines, k, positions)                                      # its headline below
        if at is not None and at - k <= TOP:
            return True
    return headline_like(lines[k]) and any(copyright(x) for x in lines[max(start, k - FOOTER):k]) and \
        sum(x.words <= 4 for x in lines[k + 1:k + 6]) >= 3


def _prints_first(lines: list[Line], k: int, start: int, positions: dict[str, list[int]]) -> bool:
    """The start at `k` prints its headline again before the start above it does (or that one
    never does): the one above was furniture that reads like a title, such as a form's notice."""
    theirs = echo(lines, start, positions)
    if theirs is None:
        return True
    ours = echo(lines, k, positions)
    return ours is not None and ours < theirs


def choose(lines: list[Line], scores: list[float], threshold: float) -> list[int]:
    """The lines that begin pages: each line scoring at least `threshold` once the page before it
    has had prose, or has printed its headline again (a digest's headline-only item). Until then a
    likely start belongs to the page above's top (its `<title>` line, a menu, the headline below),
    unless it is likelier than the start above and prints its headline again first: the likelier
    then begins the page."""
    if not lines:
        return []
    chosen = [0]
    heading = title_parts(lines[0].text)
    prose_since = echoed = False
    positions = positions_of(lines)
    for k in range(1, len(lines)):
        line = lines[k]
        begins = prose_since and scores[k] >= LOW and _next_page(lines, chosen[-1], k, positions)
        if not begins and scores[k] >= threshold and line.key not in heading:
            if prose_since or echoed:
                begins = True
            elif len(chosen) > 1 and scores[k] > scores[chosen[-1]] + 0.05 and \
                    _prints_first(lines, k, chosen[-1], positions):
                chosen.pop()  # two likely starts with nothing between: the likelier begins the page
                begins = True
        if begins:
            chosen.append(k)
            heading = title_parts(line.text)
            prose_since = echoed = False
        else:
            prose_since = prose_since or prose(line)
            echoed = echoed or line.key in heading
    return chosen
