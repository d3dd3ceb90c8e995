"""Text normalisation shared by query matching, people names, duplicate detection and URL slugs.

Folding makes `Kim Jong-un`, `KIM JONG UN` and `Kim Jong Un` the same words, and `Japan–ROK`,
`North Korea’s` and `Curaçao` match `japan rok`, `north korea s` and `curacao`.
"""

from __future__ import annotations

import re
import unicodedata

# Typographic variants a scraped page mixes freely with their ASCII forms.
_PUNCT = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u00b4": "'", "`": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
    "\u00a0": " ", "\u2009": " ", "\u200a": " ", "\u202f": " ", "\u2007": " ", "\u3000": " ",
    "\u200b": None, "\u200c": None, "\u200d": None, "\ufeff": None, "\u00ad": None,
})

_WORD = re.compile(r"[^\W_]+")


_INVISIBLE = {c: v for c, v in _PUNCT.items() if v in (None, " ")}


def clean(text: str) -> str:
    """Drop invisible characters and odd spaces, keeping the page's own quotes and dashes."""
    return text.translate(_INVISIBLE)


def tidy(text: str) -> str:
    """Straighten quotes and dashes, drop invisible characters; case and accents are kept."""
    return text.translate(_PUNCT)


def strip_accents(text: str) -> str:
    """Remove combining accents (é -> e); pure-ASCII text is returned untouched, fast."""
    if text.isascii():
        return text
    return unicodedata.normalize("NFC", "".join(
        c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)))


def fold(text: str) -> str:
    """Case-, accent- and punctuation-insensitive form of `text`, for comparisons."""
    return strip_accents(tidy(text)).casefold()


def words(text: str) -> list[str]:
    """Folded word tokens: hyphens, apostrophes and other punctuation separate words."""
    return _WORD.findall(fold(text))


def key(text: str) -> str:
    """A comparison key for short strings (headlines, captions): folded words joined by spaces."""
    return " ".join(words(text))


def slugify(text: str, limit: int = 70) -> str:
    """URL-safe words of `text`: `Japan’s Kishida` -> `japans-kishida`."""
    slug = "-".join(key(re.sub(r"['’]", "", text)).split())[:limit].strip("-")
    return slug.rsplit("-", 1)[0] if len(slug) == limit and "-" in slug else (slug or "untitled")
