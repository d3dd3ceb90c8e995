"""The dev set's own scorer on ingest, as issue 14's acceptance runs it (../shared/devsets, beside the
repository). Its floors are today's figures less a margin: a change that makes ingest worse on pages
from many sites fails here. Issue 14's target withRecall 0.95 on `en` is above them; bench/README.md
has the figures."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from tests.conftest import REPO

DEVSETS = REPO.parent / "shared" / "devsets"
FLOORS = {  # metric: (floor, higher is better)
    "en": {"withRecall": (0.89, True), "cohesion": (0.97, True), "withoutLeak": (0.11, False),
           "splitAcc": (0.88, True), "titleMatch": (0.84, True), "dateMatch": (0.80, True), "strays": (10, False)},
    "other": {"withRecall": (0.93, True), "withoutLeak": (0.17, False), "splitAcc": (0.89, True),
              "strays": (10, False)},
}


def _scores(folder: str, *options: str) -> dict[str, dict[str, float]]:
    """score.py's figures per set, run on ingest (skipped where the dev set is not beside the repository)."""
    if not (DEVSETS / "score.py").is_file() or not (DEVSETS / folder).is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"no dev set at {DEVSETS / folder}")
        pytest.skip(f"no dev set at {DEVSETS / folder}")
    command = f"{sys.executable} -m builder ingest --seeds {{seeds}} --content {{content}}"
    out = subprocess.run([sys.executable, str(DEVSETS / "score.py"), *options, "--meta",
                          "--project", str(REPO), "--cmd", command],
                         capture_output=True, text=True, check=True, timeout=600).stdout
    found: dict[str, dict[str, float]] = {}
    for name, values in re.findall(r"^(?:SCORE|META) (\w+) (.*)$", out, re.M):
        found.setdefault(name, {}).update({k: float(v) for k, v in re.findall(r"(\w+)=([\d.]+)", values)})
    return found


@pytest.fixture(scope="module")
def scores():
    return _scores(".", "--set", "en,other")


@pytest.mark.parametrize("name", FLOORS)
def test_dev_set_scores_stay_above_their_floors(scores, name):
    for metric, (floor, higher) in FLOORS[name].items():
        value = scores[name][metric]
        assert (value >= floor) if higher else (value <= floor), f"{name} {metric}={value} (floor {floor})"


HTML_TARGETS = {"withRecall": (0.95, True), "withoutLeak": (0.13, False), "titleMatch": (0.85, True),
                "dateMatch": (0.80, True), "strays": (0, False)}


def test_saved_pages_of_the_dev_set_reach_issue_18s_targets():
    """Issue 18: each English page's original HTML as its own seed (score.py --html) gives
    withRecall >= 0.95, withoutLeak <= 0.13, titleMatch >= 0.85, dateMatch >= 0.80 and no strays."""
    found = _scores("en/html", "--set", "en", "--html")["en"]
    for metric, (target, higher) in HTML_TARGETS.items():
        value = found[metric]
        assert (value >= target) if higher else (value <= target), f"en --html {metric}={value} (target {target})"
