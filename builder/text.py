"""Text normalisation shared by query matching, people names, duplicate detection and URL slugs.

Folding makes `Kim Jong-un`, `KIM JONG UN` and `Kim Jong Un` the same words, and `Japan–ROK`,
`North Korea’s` and `Curaçao` match `japan rok`, `north korea s` and `curacao`.
"""

from __future__ import annotations

import functools
import re
import unicodedata

# Typographic variants a scraped page mixes freely with their ASCII forms.
_PUNCT = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u00b4": "'", "`": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
    "\u00a0": " ", "\u2009": " ", "\u200a": " ", "\u202f": " ", "\u2007": " ", "\u3000": " ",
    "\u200b": None, "\u200c": None, "\u200d": None, "\ufeff": None, "\u00ad": None,
    # The word joiner and the invisible operators (a page that ends each line with U+2063 hides its
    # full stops), and the left-to-right and right-to-left marks.
    "\u2060": None, "\u2061": None, "\u2062": None, "\u2063": None, "\u2064": None,
    "\u200e": None, "\u200f": None,
})

WORD = re.compile(r"[^\W_]+")  # a word: letters and digits

# str.translate takes a slow path, a dict lookup per character, on any non-ASCII text; replacing
# just the characters present is much faster on news copy.
_REPLACE = tuple((chr(c), v or "") for c, v in _PUNCT.items())
_INVISIBLE = tuple((c, v) for c, v in _REPLACE if v in ("", " "))
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
_NON_ASCII_SPACE = re.compile(r"[^\w\x00-\x7f]")    # non-ASCII characters that are not word ones
# ASCII letters to lower case and everything else to spaces, in one bytes.translate (str.translate
# is slower even on ASCII).
_ASCII_WORDS = bytes(ord(chr(c).lower()) if chr(c).isalnum() else 32 for c in range(128)) + bytes(range(128, 256))


def _replace(text: str, pairs: tuple[tuple[str, str], ...]) -> str:
    if text.isascii():
        return text
    for char, plain in pairs:
        if char in text:
            text = text.replace(char, plain)
    return text


def clean(text: str) -> str:
    """Drop invisible characters and odd spaces, keeping the page's own quotes and dashes."""
    return _replace(text, _INVISIBLE)


def tidy(text: str) -> str:
    """Straighten quotes and dashes, drop invisible characters; case and accents are kept."""
    return _replace(text.replace("`", "'"), _REPLACE)


@functools.lru_cache(maxsize=4096)
def _strip_run(run: str) -> str:
    return unicodedata.normalize("NFC", "".join(
        c for c in unicodedata.normalize("NFKD", run) if not unicodedata.combining(c)))


def strip_accents(text: str) -> str:
    """Remove combining accents (é -> e); pure-ASCII text is returned untouched, fast.

    Only the non-ASCII runs are decomposed (and remembered): what follows an ASCII character never
    composes with it once the combining marks are gone."""
    if text.isascii():
        return text
    return _NON_ASCII.sub(lambda m: _strip_run(m.group()), text)


def fold(text: str) -> str:
    """Case-, accent- and punctuation-insensitive form of `text`, for comparisons."""
    text = strip_accents(tidy(text))
    return text.lower() if text.isascii() else text.casefold()


def words(text: str) -> list[str]:
    """Folded word tokens: hyphens, apostrophes and other punctuation separate words."""
    if not text.isascii():
        text = _NON_ASCII_SPACE.sub(" ", fold(text))  # bullets, ellipses, currency signs...
        if not text.isascii():
            return WORD.findall(text)                # words in other scripts
    return text.encode().translate(_ASCII_WORDS).decode().split()


def key(text: str) -> str:
    """A comparison key for short strings (headlines, captions): folded words joined by spaces."""
    return " ".join(words(text))


def slugify(text: str, limit: int = 70) -> str:
    """URL-safe words of `text`: `Japan’s Kishida` -> `japans-kishida`."""
    slug = "-".join(key(re.sub(r"['’]", "", text)).split())[:limit].strip("-")
    return slug.rsplit("-", 1)[0] if len(slug) == limit and "-" in slug else (slug or "untitled")
