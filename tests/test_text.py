"""The fast text folding agrees with its plain definition on any text."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given, settings, strategies as st

from builder import text

_PUNCT_INVISIBLE = {c: v for c, v in text._PUNCT.items() if v in (None, " ")}


def plain_fold(value: str) -> str:
    value = unicodedata.normalize("NFKD", value.translate(text._PUNCT))
    return unicodedata.normalize("NFC", "".join(c for c in value if not unicodedata.combining(c))).casefold()


# The characters news copy mixes in, and the awkward ones: combining marks, ligatures, ß, Hangul
# jamo that compose, dotted/dotless i, final sigma, other scripts, every general punctuation mark.
TRICKY = st.text(st.sampled_from(
    list("aZ9 _-.,`'\t\u2019\u201c\u00a0\u200b\u00ad\u3000éÉßﬁ²•…€\u0301\u0338=<ÅΣςДж日本\u1100\u1161\uac00İı")
    + [chr(c) for c in range(0x2000, 0x2070)]), max_size=40)


@settings(max_examples=2000)
@given(st.one_of(TRICKY, st.text(max_size=40)))
def test_fast_paths_agree_with_the_definitions(value: str) -> None:
    assert text.clean(value) == value.translate(_PUNCT_INVISIBLE)
    assert text.tidy(value) == value.translate(text._PUNCT)
    assert text.fold(value) == plain_fold(value)
    assert text.words(value) == re.findall(r"[^\W_]+", plain_fold(value))
    assert text.key(value) == " ".join(re.findall(r"[^\W_]+", plain_fold(value)))


def test_folding_examples() -> None:
    assert text.key("Kim Jong-un’s “visit”") == "kim jong un s visit"
    assert text.key("KIM JONG UN") == text.key("Kim Jong Un")
    assert text.words("Curaçao • Straße…2024") == ["curacao", "strasse", "2024"]
    assert text.words("Москва и Киев") == ["москва", "и", "киев"]
    assert text.slugify("Japan’s Kishida") == "japans-kishida"
