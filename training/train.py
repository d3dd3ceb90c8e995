"""Train the extractor's model, `builder/data/extract-model.json`, on the public dev set
(`../shared/devsets`, see its README) and the repository's seeds.

    pip install numpy scikit-learn     # for training only; ingest evaluates the model in pure Python
    python training/train.py [--devsets DIR]

A fixed quarter of the dev set (every dump whose number is a multiple of 4) is held out: nothing is
learned from it, and `training/report.py` scores it apart, so the figures quoted are for pages the
model never saw. Labels: the dev set's hand-picked `with` (text) and `without` (furniture) snippets,
and for the English pages, which lines trafilatura keeps from the original HTML (`silver.py`);
the seeds' article starts and text lines (`seed-labels.json`, the acceptance table of issue 2).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from builder.boilerplate import CONTENT_FEATURES, CONTEXT_FEATURES, content_features, context_features  # noqa: E402
from builder.headline import heading  # noqa: E402
from builder.lines import Line, page_language, read_lines  # noqa: E402
from builder.model import DATA, Logistic, Trees, trees_from  # noqa: E402
from builder.segment import BOUNDARY_FEATURES, DumpContext, boundary_features  # noqa: E402
from report import held_out  # noqa: E402

SNIPPET_WEIGHT = 3.0    # a hand-picked snippet's line counts as much as three silver ones
SEED_WEIGHT = 5.0       # the seeds are news clippings as curators make them, the dev set is any web page
AUGMENTED = 300         # dumps made from the training pages for the boundary model
MIN_PAGES = 5           # a word enters the vocabulary when it is on labelled lines of this many pages
# The first pass over lines: boosted trees of depth 4 find what a weighted sum cannot (a short line
# is text among text and furniture among links); a leaf needs 400 labelled lines, so no tree
# learns one page. Chosen on held-out dumps (training/README.md). Every tree sees every line: trees
# fitted on random draws of them score a point of recall apart from one draw to the next.
CONTENT_DEPTH = 4
CONTENT_LEAF = 400
CONTENT_SAMPLE = 1.0


@dataclass
class Dump:
    name: str
    text: str
    lines: list[Line]
    starts: list[int]                   # indexes into `lines` where pages begin (0 first)
    labels: dict[int, tuple[bool, float]] = field(default_factory=dict)  # line index -> (text?, weight)
    seed: bool = False                  # one of the repository's seeds

    def pages(self) -> list[list[Line]]:
        ends = self.starts[1:] + [len(self.lines)]
        return [self.lines[a:b] for a, b in zip(self.starts, ends)]


def _norm():
    from score import norm
    return norm


def load_devset(devsets: Path, name: str, silver: dict[str, list[int]]) -> list[Dump]:
    sys.path.insert(0, str(devsets))
    norm = _norm()
    truth = json.loads((devsets / name / "truth.json").read_text(encoding="utf-8"))
    dumps = []
    for dump, pages in sorted(truth["dumps"].items()):
        text = (devsets / name / "seeds" / dump).read_text(encoding="utf-8")
        lines = read_lines(text)
        at = {line.index: k for k, line in enumerate(lines)}
        starts = sorted({0} | {at[p["lines"][0] - 1] for p in pages if p["lines"][0] - 1 in at})
        d = Dump(dump, text, lines, starts)
        for i in silver.get(dump, ()):
            if i in at:
                d.labels[at[i]] = (True, 1.0)
        if name == "en":  # every line of an English page that trafilatura did not keep is furniture
            for k in range(len(lines)):
                d.labels.setdefault(k, (False, 1.0))
        normed = [norm(line.text) for line in lines]
        for page in pages:
            lo, hi = page["lines"][0] - 1, page["lines"][1]
            for kind, value in (("with", True), ("without", False)):
                for snippet in page[kind]:
                    s = norm(snippet)
                    for k, line in enumerate(lines):
                        if lo <= line.index < hi and s in normed[k]:
                            d.labels[k] = (value, SNIPPET_WEIGHT)
        dumps.append(d)
    return dumps


def load_seeds() -> list[Dump]:
    labels = json.loads((HERE / "seed-labels.json").read_text(encoding="utf-8"))
    dumps = []
    for name, known in sorted(labels.items()):
        raw = (ROOT / "seeds" / name).read_text(encoding="utf-8")
        lines = read_lines(raw)
        at = {line.index: k for k, line in enumerate(lines)}
        text = set(known["text"])
        d = Dump(name, raw, lines, sorted(at[i] for i in known["starts"]), seed=True)
        d.labels = {k: (line.index in text, SEED_WEIGHT) for k, line in enumerate(lines)}
        dumps.append(d)
    return dumps


# --- the line model ----------------------------------------------------------------------------

def vocabulary(dumps: list[Dump]) -> dict[str, float]:
    text, furniture = defaultdict(int), defaultdict(int)
    pages: dict[str, set] = defaultdict(set)
    for d in dumps:
        for p, page in enumerate(d.pages()):
            offset = d.starts[p]
            for k, line in enumerate(page, offset):
                if k in d.labels:
                    for w in set(line.tokens):
                        (text if d.labels[k][0] else furniture)[w] += 1
                        pages[w].add((d.name, p))
    n_text, n_furniture = sum(text.values()), sum(furniture.values())
    return {w: round(math.log((text[w] + 1) / (n_text + 1)) - math.log((furniture[w] + 1) / (n_furniture + 1)), 3)
            for w, seen in sorted(pages.items()) if len(seen) >= MIN_PAGES}


def line_rows(dumps: list[Dump], vocab: dict[str, float], first: Trees | None = None):
    """(features, label, weight) of every labelled line; with `first`, the context features."""
    X, y, w = [], [], []
    for d in dumps:
        for p, page in enumerate(d.pages()):
            features = content_features(page, page_language(page), vocab, heading(page).at)
            if first is not None:
                features = context_features([first.probability(f) for f in features])
            for k, f in enumerate(features, d.starts[p]):
                if k in d.labels:
                    X.append(f)
                    y.append(float(d.labels[k][0]))
                    w.append(d.labels[k][1])
    return np.array(X), np.array(y), np.array(w)


def fit_logistic(X, y, w, names, l2=0.01, iters=4000, rate=0.5) -> Logistic:
    mu, sd = X.mean(0), X.std(0) + 1e-9
    Z = (X - mu) / sd
    coef, bias = np.zeros(Z.shape[1]), 0.0
    for _ in range(iters):
        p = 1 / (1 + np.exp(-(Z @ coef + bias)))
        g = (p - y) * w
        coef -= rate * (Z.T @ g / w.sum() + l2 * coef)
        bias -= rate * g.sum() / w.sum()
    weights = coef / sd
    return Logistic(tuple(names), tuple(round(float(x), 6) for x in weights),
                    round(float(bias - (mu / sd) @ coef), 6), tuple(round(float(x), 6) for x in mu))


# --- the boundary model ------------------------------------------------------------------------

def pieces(d: Dump) -> list[str]:
    """A dump's pages (or a seed's stories) as text, for joining again in other orders."""
    raw = d.text.split("\n")
    cuts = [d.lines[k].index for k in d.starts] + [len(raw)]
    return ["\n".join(raw[a:b]).strip("\n") for a, b in zip(cuts, cuts[1:])]


def augmented(dumps: list[Dump], count: int, seed: int = 0) -> list[Dump]:
    """More dumps for the boundary model, made as the dev set's are: 2-4 pages (or a seed's stories)
    in a random order, joined by no, one or two blank lines. More places where a page begins,
    each in other company, than the 100-odd the dev set has."""
    import random

    rng = random.Random(seed)
    pages = [(piece, d.seed) for d in dumps for piece in pieces(d) if piece.strip()]
    stories = [piece for piece, from_seed in pages if from_seed]
    out = []
    for n in range(count):
        pool = stories if n % 4 == 0 else [piece for piece, _ in pages]
        chosen = rng.sample(pool, rng.randint(2, min(4, len(pool))))
        joins = ["\n" * rng.choice((1, 2, 3)) for _ in chosen[1:]]
        text = chosen[0]
        firsts = [0]
        for join, piece in zip(joins, chosen[1:]):
            text += join
            firsts.append(text.count("\n"))
            text += piece
        lines = read_lines(text)
        at = {line.index: k for k, line in enumerate(lines)}
        out.append(Dump(f"augmented-{n}", text, lines, [at[i] for i in firsts if i in at], seed=n % 4 == 0))
    return out


def boundary_rows(dumps: list[Dump]):
    X, y, groups, weights = [], [], [], []
    for g, d in enumerate(dumps):
        context = DumpContext(d.lines)
        starts = set(d.starts)
        for k in context.candidates:
            if k:
                X.append(boundary_features(d.lines, k, context))
                y.append(float(k in starts))
                groups.append(g)
                weights.append(SEED_WEIGHT if d.seed else 1.0)
    return np.array(X), np.array(y), np.array(groups), np.array(weights)


def fit_trees(X, y, weights, trees=150, depth=2, rate=0.1, positive_weight=5.0, leaf=1, sample=0.8):
    from sklearn.ensemble import GradientBoostingClassifier

    model = GradientBoostingClassifier(n_estimators=trees, max_depth=depth, learning_rate=rate,
                                       subsample=sample, min_samples_leaf=leaf, random_state=0)
    model.fit(X, y, sample_weight=weights * np.where(y > 0, positive_weight, 1.0))
    return model


def export_trees(model, names) -> dict:
    """The trees as `builder.model.Trees` reads them. The leaves keep the fitted values; an inner
    node gets the weighted mean of its two children's, so that a root is what the average line
    scores and each split's pull (what explain shows as evidence) is measured from there."""
    out = []
    for (estimator,) in model.estimators_:
        t = estimator.tree_
        value = [float(t.value[i][0][0]) for i in range(t.node_count)]
        for i in reversed(range(t.node_count)):  # children come after their parent
            left, right = t.children_left[i], t.children_right[i]
            if left != -1:
                wl, wr = t.weighted_n_node_samples[left], t.weighted_n_node_samples[right]
                value[i] = (wl * value[left] + wr * value[right]) / (wl + wr)
        nodes = []
        for i in range(t.node_count):
            leaf = t.children_left[i] == -1
            nodes.append([-1 if leaf else int(t.feature[i]), 0.0 if leaf else round(float(t.threshold[i]), 6),
                          int(t.children_left[i]), int(t.children_right[i]), round(value[i], 6)])
        out.append(nodes)
    base = float(model._raw_predict_init(np.zeros((1, len(names))))[0][0])
    return {"names": list(names), "base": base, "rate": model.learning_rate, "trees": out}


def fit(train: list[Dump], starts_at: float, text_at: float, log=print) -> dict:
    """The model file's contents, learned from `train` (dev-set dumps and seeds)."""
    vocab = vocabulary(train)
    X, y, w = line_rows(train, vocab)
    content_trees = export_trees(fit_trees(X, y, w, depth=CONTENT_DEPTH, positive_weight=1.0, leaf=CONTENT_LEAF,
                                           sample=CONTENT_SAMPLE),
                                 CONTENT_FEATURES)
    content = trees_from(content_trees)
    X2, y2, w2 = line_rows(train, vocab, content)
    context = fit_logistic(X2, y2, w2, CONTEXT_FEATURES)
    p = 1 / (1 + np.exp(-(X2 @ np.array(context.weights) + context.bias)))
    log(f"lines: {len(y)} labelled, training accuracy {((p > 0.5) == (y2 > 0.5)).mean():.3f}")

    Xb, yb, _, wb = boundary_rows(train + augmented(train, AUGMENTED))
    trees = fit_trees(Xb, yb, wb)
    log(f"boundaries: {int(yb.sum())} starts among {len(yb)} candidate lines")
    return {
        "about": "Learned by training/train.py from ../shared/devsets (held out: dumps numbered by 4) "
                 "and seeds/; see training/README.md",
        "boundary": {**export_trees(trees, BOUNDARY_FEATURES), "threshold": starts_at},
        "content": content_trees,
        "context": {"names": list(context.names), "weights": list(context.weights), "bias": context.bias,
                    "means": list(context.means), "threshold": text_at},
        "vocabulary": vocab,
    }


def load_all(devsets: Path) -> list[Dump]:
    """Every dump to learn from: both dev sets, then the repository's seeds."""
    silver = json.loads((HERE / "silver-labels.json").read_text(encoding="utf-8"))
    return load_devset(devsets, "en", silver) + load_devset(devsets, "other", silver) + load_seeds()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--devsets", type=Path, default=ROOT.parent / "shared" / "devsets")
    parser.add_argument("--starts-at", type=float, default=0.6, help="boundary probability that starts a page")
    parser.add_argument("--text-at", type=float, default=0.55, help="line probability that makes it text")
    args = parser.parse_args()
    dumps = load_all(args.devsets)
    train = [d for d in dumps if not held_out(d.name)]
    print(f"training on {len(train)} dumps ({len(dumps) - len(train)} held out)")
    model = fit(train, args.starts_at, args.text_at)
    DATA.write_text(json.dumps(model, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {DATA.relative_to(ROOT)} ({DATA.stat().st_size / 1024:.0f} kB)")


if __name__ == "__main__":
    main()
