"""The extractor's learned parameters (`data/extract-model.json`, made by `training/train.py` from the
public dev set): logistic and boosted-tree scorers, evaluated in pure Python."""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass
from operator import mul
from pathlib import Path

DATA = Path(__file__).with_name("data") / "extract-model.json"


def sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z)) if z > -60 else 0.0


@dataclass(frozen=True)
class Logistic:
    """P(yes) = sigmoid(bias + sum(weight_i * x_i)); `means` let `evidence` say which features
    pushed a score up or down, and by how much."""
    names: tuple[str, ...]
    weights: tuple[float, ...]
    bias: float
    means: tuple[float, ...]

    def probability(self, x: list[float]) -> float:
        return sigmoid(self.bias + sum(map(mul, self.weights, x)))

    def evidence(self, x: list[float], top: int = 3) -> list[tuple[str, float]]:
        """The features that moved this score most from the average line's, with their pull."""
        pulls = [(name, w * (v - m)) for name, w, v, m in zip(self.names, self.weights, x, self.means)]
        return sorted(pulls, key=lambda p: -abs(p[1]))[:top]


@dataclass(frozen=True)
class Trees:
    """Gradient-boosted regression trees on the log-odds scale. Each tree is a flat list of nodes
    `[feature, threshold, left, right, value]`; a leaf has feature -1."""
    names: tuple[str, ...]
    base: float
    rate: float
    trees: tuple[tuple[tuple[int, float, int, int, float], ...], ...]

    def probability(self, x: list[float]) -> float:
        z = 0.0
        for nodes in self.trees:
            feature, threshold, left, right, value = nodes[0]
            while feature >= 0:
                feature, threshold, left, right, value = nodes[left if x[feature] <= threshold else right]
            z += value
        return sigmoid(self.base + self.rate * z)


@dataclass(frozen=True)
class Model:
    boundary: Trees                 # is this line the first of a new page or story?
    starts_at: float                # the probability from which it is
    content: Logistic               # is this line the page's text? (shape and neighbours)
    context: Logistic               # the same, given the first pass's scores around it
    text_at: float                  # the probability from which it is
    vocabulary: dict[str, float]    # word -> log-odds of text over furniture


def _logistic(d: dict) -> Logistic:
    return Logistic(tuple(d["names"]), tuple(d["weights"]), d["bias"], tuple(d["means"]))


def _trees(d: dict) -> Trees:
    return Trees(tuple(d["names"]), d["base"], d["rate"],
                 tuple(tuple(tuple(node) for node in tree) for tree in d["trees"]))


@functools.cache
def load_model(path: Path = DATA) -> Model:
    data = json.loads(path.read_text(encoding="utf-8"))
    return Model(boundary=_trees(data["boundary"]), starts_at=data["boundary"]["threshold"],
                 content=_logistic(data["content"]), context=_logistic(data["context"]),
                 text_at=data["context"]["threshold"], vocabulary=data["vocabulary"])


def check_names(expected: tuple[str, ...], scorer: Logistic | Trees, what: str) -> None:
    """The model file must describe the features the code computes, in the same order."""
    if tuple(expected) != scorer.names:
        raise RuntimeError(f"{DATA.name}: the {what} model was trained on other features than this code "
                           "computes; run training/train.py")
