"""The model's scorers, on hand-made parameters, and the shipped model file."""

import math

import pytest

from builder.boilerplate import CONTENT_FEATURES, CONTEXT_FEATURES
from builder.model import Logistic, Trees, check_names, load_model
from builder.segment import BOUNDARY_FEATURES


def test_logistic_probability_and_evidence():
    model = Logistic(("a", "b"), (2.0, -1.0), 0.5, (0.0, 1.0))
    assert model.probability([1.0, 1.0]) == pytest.approx(1 / (1 + math.exp(-1.5)))
    assert model.evidence([1.0, 4.0], top=1) == [("b", -3.0)]


def test_trees_walk_to_a_leaf_and_add_up():
    stump = ((0, 0.5, 1, 2, 0.0), (-1, 0.0, -1, -1, -1.0), (-1, 0.0, -1, -1, 2.0))
    model = Trees(("x",), 0.0, 0.5, (stump, stump))
    assert model.probability([0.0]) == pytest.approx(1 / (1 + math.exp(1.0)))
    assert model.probability([1.0]) == pytest.approx(1 / (1 + math.exp(-2.0)))


def test_trees_evidence_is_what_each_split_on_the_way_added():
    # Inner values are the mean of the values below them (as training/train.py exports them).
    tree = ((0, 0.5, 1, 2, 0.5), (1, 2.0, 3, 4, -1.0), (-1, 0.0, -1, -1, 2.0),
            (-1, 0.0, -1, -1, -3.0), (-1, 0.0, -1, -1, 1.0))
    model = Trees(("a", "b"), 0.0, 0.5, (tree,))
    assert model.probability([0.0, 5.0]) == pytest.approx(1 / (1 + math.exp(-0.5)))
    pulls = dict(model.evidence([0.0, 5.0]))
    assert pulls == {"a": pytest.approx(0.5 * (-1.0 - 0.5)), "b": pytest.approx(0.5 * (1.0 - -1.0))}
    assert 0.5 * tree[0][4] + sum(pulls.values()) == pytest.approx(0.5 * 1.0)


def test_the_shipped_trees_compiled_agree_with_their_walked_evidence():
    from builder.boilerplate import content_features
    from builder.lines import read_lines

    model = load_model()
    content = model.content
    roots = content.base + content.rate * sum(nodes[0][4] for nodes in content.trees)
    lines = read_lines("A headline here | Site\nMenu\n\nA headline here\n\nThe text of the story, in a sentence.")
    for x in content_features(lines, "English", model.vocabulary, 2):
        walked = roots + sum(pull for _, pull in content.evidence(x, top=len(content.names)))
        assert content.probability(x) == pytest.approx(1 / (1 + math.exp(-walked)), rel=1e-9)


def test_trees_survive_pickling_and_refuse_a_broken_model_file():
    import pickle

    stump = ((0, 0.5, 1, 2, 0.0), (-1, 0.0, -1, -1, -1.0), (-1, 0.0, -1, -1, 2.0))
    model = Trees(("x",), 0.0, 0.5, (stump,))
    assert pickle.loads(pickle.dumps(model)).probability([1.0]) == model.probability([1.0])
    assert Trees((), 0.0, 1.0, ()).probability([]) == 0.5
    with pytest.raises(ValueError, match="feature"):
        Trees(("x",), 0.0, 0.5, (((3, 0.5, 1, 2, 0.0), *stump[1:]),))
    with pytest.raises(ValueError, match="inf"):
        Trees(("x",), 0.0, 0.5, (((0, float("inf"), 1, 2, 0.0), *stump[1:]),))


def test_the_shipped_model_matches_the_features_the_code_computes():
    model = load_model()
    check_names(tuple(BOUNDARY_FEATURES), model.boundary, "boundary")
    check_names(tuple(CONTENT_FEATURES), model.content, "content")
    check_names(tuple(CONTEXT_FEATURES), model.context, "context")
    assert 0 < model.text_at < 1 and 0 < model.starts_at < 1 and len(model.vocabulary) > 1000
    with pytest.raises(RuntimeError, match="train"):
        check_names(("something else",), model.content, "content")


def test_each_feature_list_is_as_long_as_its_names():
    from builder.boilerplate import content_features, context_features
    from builder.lines import read_lines
    from builder.segment import DumpContext, boundary_features

    lines = read_lines("A headline here | Site\nMenu\nA headline here\nThe text of the story, in a sentence.")
    assert {len(f) for f in content_features(lines, "English", {}, 2)} == {len(CONTENT_FEATURES)}
    assert {len(f) for f in context_features([0.5] * len(lines))} == {len(CONTEXT_FEATURES)}
    assert len(boundary_features(lines, 2, DumpContext(lines))) == len(BOUNDARY_FEATURES)
