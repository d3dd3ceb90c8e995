"""The extractor's learned parameters (`data/extract-model.json`, made by `training/train.py` from the
public dev set): logistic and boosted-tree scorers, evaluated in pure Python."""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
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
    `[feature, threshold, left, right, value]`; a leaf has feature -1. A tree's answer is its root's
    value plus what each split on the way down added: that is the evidence `evidence` reports. An
    inner node's value is the mean of the lines below it in training, so a root says what the
    average line scores."""
    names: tuple[str, ...]
    base: float
    rate: float
    trees: tuple[tuple[tuple[int, float, int, int, float], ...], ...]
    _sum: Callable[[list[float]], float] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Every line of a dump goes through the content trees: walking their nodes in a loop would
        # cost ingest more than reading the lines does, so the trees become one expression of
        # nested comparisons, compiled once. Only numbers from the model file go into it.
        def number(value: float) -> str:
            if not math.isfinite(value):
                raise ValueError(f"{DATA.name}: a tree holds {value!r}; run training/train.py")
            return repr(value)

        def expression(nodes: tuple[tuple[int, float, int, int, float], ...], i: int) -> str:
            feature, threshold, left, right, value = nodes[i]
            if feature < 0:
                return number(float(value))
            if not (isinstance(feature, int) and feature < len(self.names)):
                raise ValueError(f"{DATA.name}: a tree splits on feature {feature!r} of {len(self.names)}")
            return (f"({expression(nodes, left)} if x{feature} <= {number(float(threshold))} "
                    f"else {expression(nodes, right)})")
        # Each feature is read into a local name once, not indexed at every split.
        unpack = ", ".join(f"x{i}" for i in range(len(self.names)))
        source = " + ".join(expression(nodes, 0) for nodes in self.trees) or "0.0"
        code: dict[str, Callable[[list[float]], float]] = {}
        exec(f"def total(x):\n    {unpack + ', = x' if unpack else 'pass'}\n    return {source}",
             {"__builtins__": {}}, code)
        object.__setattr__(self, "_sum", code["total"])

    def __reduce__(self) -> tuple:
        # The compiled function cannot be pickled; a copy compiles its own.
        return (Trees, (self.names, self.base, self.rate, self.trees))

    def probability(self, x: list[float]) -> float:
        return sigmoid(self.base + self.rate * self._sum(x))

    def evidence(self, x: list[float], top: int = 3) -> list[tuple[str, float]]:
        """The features whose splits moved this score most from the trees' roots, with their pull."""
        pulls = [0.0] * len(self.names)
        for nodes in self.trees:
            feature, threshold, left, right, value = nodes[0]
            while feature >= 0:
                below = nodes[left if x[feature] <= threshold else right]
                pulls[feature] += self.rate * (below[4] - value)
                feature, threshold, left, right, value = below
        return sorted(zip(self.names, pulls), key=lambda p: -abs(p[1]))[:top]


@dataclass(frozen=True)
class Model:
    boundary: Trees                 # is this line the first of a new page or story?
    starts_at: float                # the probability from which it is
    content: Trees                  # is this line the page's text? (shape and neighbours)
    context: Logistic               # the same, given the first pass's scores around it
    text_at: float                  # the probability from which it is
    vocabulary: dict[str, float]    # word -> log-odds of text over furniture


def logistic_from(d: dict) -> Logistic:
    """A logistic model as the model file (and `training/train.py`) writes it."""
    return Logistic(tuple(d["names"]), tuple(d["weights"]), d["bias"], tuple(d["means"]))


def trees_from(d: dict) -> Trees:
    """Trees as the model file (and `training/train.py`) writes them."""
    return Trees(tuple(d["names"]), d["base"], d["rate"],
                 tuple(tuple(tuple(node) for node in tree) for tree in d["trees"]))


def model_from(data: dict) -> Model:
    """A model as the model file (and `training/train.py`) holds it."""
    return Model(boundary=trees_from(data["boundary"]), starts_at=data["boundary"]["threshold"],
                 content=trees_from(data["content"]), context=logistic_from(data["context"]),
                 text_at=data["context"]["threshold"], vocabulary=data["vocabulary"])


@functools.cache
def load_model(path: Path = DATA) -> Model:
    return model_from(json.loads(path.read_text(encoding="utf-8")))


def check_names(expected: tuple[str, ...], scorer: Logistic | Trees, what: str) -> None:
    """The model file must describe the features the code computes, in the same order."""
    if tuple(expected) != scorer.names:
        raise RuntimeError(f"{DATA.name}: the {what} model was trained on other features than this code "
                           "computes; run training/train.py")
