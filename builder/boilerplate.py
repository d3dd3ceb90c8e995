"""Which lines of a page are its text and which are furniture: each line's shape, words and place
on the page, scored by the learned model in two passes; the second sees the first pass's scores
around each line (context smoothing, as jusText and boilerpipe do)."""

from __future__ import annotations

import math
from collections.abc import Callable
from itertools import accumulate

from builder.headline import title_parts
from builder.language import stopwords
from builder.lines import Line
from builder.model import Model

# Each feature with what explain calls it.
CONTENT_FEATURES = {
    "vocab": "words typical of text (+) or furniture (-)", "vocab_min": "its most furniture-like word",
    "vocab_known": "share of words the model knows", "topic": "words shared with the page's prose",
    "title_words": "words shared with the page title", "no_content_words": "no content words",
    "chars": "length", "words": "number of words", "function_words": "share of function words",
    "sentences": "sentences", "end_stop": "ends like a sentence", "capitals": "capitalised words",
    "digits": "digits", "control": "a page control", "notice": "legal, cookie or newsletter words",
    "separators": "separators (| • »)", "dated": "a date or time", "blank_before": "a blank line above",
    "blank_after": "a blank line below", "repeats": "repeated in the dump", "all_caps": "all capitals",
    "prose": "a prose line", "cut_off": "long and cut off mid-sentence", "block_lines": "lines in its block",
    "block_chars": "its block's line length",
    "before_headline": "above the headline", "headline": "the headline",
    "after_headline": "distance below the headline",
    **{f"{what}{d:+d}": f"{label} {abs(d)} line{'s' if abs(d) > 1 else ''} {'above' if d < 0 else 'below'}"
       for d in (-2, -1, 1, 2)
       for what, label in (("end_stop", "sentence end of the line"), ("prose", "prose"))},
    "prose_near": "prose within 3 lines", "prose_around": "prose within 10 lines",
    "prose_region": "prose within 30 lines", "prose_distance": "distance to prose",
}
CONTEXT_FEATURES = {
    "first_pass": "its own first score", "above": "the line above's score", "below": "the line below's score",
    "near2": "scores within 2 lines", "near5": "scores within 5 lines", "near12": "scores within 12 lines",
    "best_neighbour": "its better neighbour", "worst_neighbour": "its worse neighbour",
}


def prose(line: Line) -> bool:
    """A line of running text: a dozen words or more, function words, a final stop."""
    return line.words >= 12 and line.stop >= 0.2 and line.end_stop


def _content_words(line: Line, function_words: frozenset[str]) -> list[str]:
    return [w for w in line.tokens if len(w) >= 3 and w not in function_words and not w.isdigit()]


def _mean_around(values: list[float]) -> Callable[[int, int], float]:
    """(k, radius) -> the mean of the values within `radius` places of k, k's own left out."""
    running = list(accumulate(values, initial=0.0))
    n = len(values)

    def mean(k: int, radius: int) -> float:
        a, b = max(0, k - radius), min(n, k + radius + 1)
        return (running[b] - running[a] - values[k]) / max(1, b - a - 1)
    return mean


def content_features(page: list[Line], language: str, vocabulary: dict[str, float],
                     headline: int | None) -> list[list[float]]:
    """The CONTENT_FEATURES of each line of one page."""
    n = len(page)
    is_prose = [1.0 if prose(line) else 0.0 for line in page]
    density = _mean_around(is_prose)

    distance = [n] * n      # in lines, to the nearest prose line
    last = -n
    for k in range(n):
        last = k if is_prose[k] else last
        distance[k] = k - last
    last = 2 * n
    for k in range(n - 1, -1, -1):
        last = k if is_prose[k] else last
        distance[k] = min(distance[k], last - k)
    blocks = [0] * n        # runs of lines with no blank line between them
    for k in range(1, n):
        blocks[k] = blocks[k - 1] + page[k].blank_before
    block_lines: dict[int, int] = {}
    block_chars: dict[int, int] = {}
    for k, line in enumerate(page):
        block_lines[blocks[k]] = block_lines.get(blocks[k], 0) + 1
        block_chars[blocks[k]] = block_chars.get(blocks[k], 0) + len(line.text)

    function_words = stopwords(language)
    content = [_content_words(line, function_words) for line in page]
    core: dict[str, int] = {}
    for k in range(n):
        if is_prose[k]:
            for w in set(content[k]):
                core[w] = core.get(w, 0) + 1
    title = set(title_parts(page[0].text)) if n else set()
    title_words = {w for part in title for w in part.split()}

    out = []
    for k, line in enumerate(page):
        own_words = content[k]
        m = len(own_words) or 1
        mine = set(own_words)
        known = [vocabulary[w] for w in line.tokens if w in vocabulary]
        size = block_lines[blocks[k]]
        f = [
            sum(known) / len(known) if known else 0.0, min(known) if known else 0.0,
            len(known) / (line.words or 1),
            sum(1 for w in own_words if core.get(w, 0) - (is_prose[k] and w in mine) >= 1) / m,
            sum(1 for w in own_words if w in title_words) / m, float(not own_words),
            math.log1p(len(line.text)), math.log1p(line.words), line.stop, min(line.sentences, 5) / 5,
            float(line.end_stop), line.capitals, line.digits, float(line.control), float(line.notice),
            float(line.separators > 0), float(line.dated), float(line.blank_before), float(line.blank_after),
            math.log1p(line.repeats), float(line.text.isupper()), is_prose[k],
            float(len(line.text) >= 200 and not line.end_stop),
            math.log1p(size), math.log1p(block_chars[blocks[k]] / size),
            float(headline is not None and k < headline), float(k == headline),
            math.log1p(k - headline) if headline is not None and k > headline else 0.0,
        ]
        for d in (-2, -1, 1, 2):
            j = k + d
            if 0 <= j < n:
                f += [float(page[j].end_stop), is_prose[j]]
            else:
                f += [0.0, 0.0]
        f += [density(k, 3), density(k, 10), density(k, 30), math.log1p(min(distance[k], 50))]
        out.append(f)
    return out


def context_features(first: list[float]) -> list[list[float]]:
    """The CONTEXT_FEATURES of each line, from the first pass's scores of the page's lines."""
    n = len(first)
    window = _mean_around(first)

    out = []
    for k in range(n):
        above = first[k - 1] if k else 0.0
        below = first[k + 1] if k + 1 < n else 0.0
        out.append([first[k], above, below, window(k, 2), window(k, 5), window(k, 12), max(above, below),
                    min(above, below)])
    return out


def score_lines(page: list[Line], language: str, headline: int | None,
                model: Model) -> tuple[list[float], list[list[float]]]:
    """P(text) for each line of the page, and the first pass's features (for explain)."""
    features = content_features(page, language, model.vocabulary, headline)
    first = [model.content.probability(f) for f in features]
    return [model.context.probability(f) for f in context_features(first)], features
