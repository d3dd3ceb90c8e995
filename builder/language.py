"""Function words per language (`data/stopwords.txt`), and the language of a dump told by them."""

from __future__ import annotations

import functools
from collections import Counter
from pathlib import Path

DATA = Path(__file__).with_name("data") / "stopwords.txt"


@functools.cache
def stopword_lists() -> dict[str, frozenset[str]]:
    lists = {}
    for line in DATA.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, words = line.split("\t")
            lists[name] = frozenset(words.split())
    return lists


@functools.cache
def _languages_of_word() -> dict[str, tuple[str, ...]]:
    index: dict[str, list[str]] = {}
    for name, words in stopword_lists().items():
        for word in words:
            index.setdefault(word, []).append(name)
    return {word: tuple(names) for word, names in index.items()}


def _votes(words: list[str]) -> Counter[str]:
    index = _languages_of_word()
    return Counter(name for word in words if word in index for name in index[word])


def stopwords(language: str) -> frozenset[str]:
    return stopword_lists()[language]


def dump_languages(lines: list[list[str]], most: int = 3) -> list[str]:
    """The languages a dump's pages are in, from its lines' words: each line goes to the language
    of most of its function words (two at least), and the languages are those of the most lines,
    up to `most`, each with a tenth of the first one's lines; English when none is found. Counted
    by line, a page in a language that uses few function words is not outvoted by a long one in
    a language that uses many."""
    won: Counter[str] = Counter()
    for words in lines:
        votes = _votes(words) if len(words) >= 4 else None   # a menu entry tells no language
        if votes:
            best = max(votes, key=lambda name: (votes[name], name == "English", name))
            if votes[best] >= 2:
                won[best] += 1
    if not won:
        return ["English"]
    ranked = sorted(won, key=lambda name: (-won[name], name != "English", name))
    top = won[ranked[0]]
    return [name for name in ranked[:most] if won[name] * 10 >= top]
