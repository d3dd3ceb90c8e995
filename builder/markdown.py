"""Markdown, the one place: seed text written as literal Markdown, a body read back as plain text
(for filing and search), and rendered to safe HTML with markdown-it-py (for pages and feeds)."""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

from builder.text import slugify

if TYPE_CHECKING:   # imported where HTML is made: ingest and filing read text alone, without markdown-it
    from markdown_it import MarkdownIt

# --- text into Markdown -------------------------------------------------------------------------

_MD_INLINE = re.compile(r"[\\`*_\[\]<>|~]|&(?=#?\w+;)")
_MD_LINE_START = re.compile(r"#|[-+=>]|\d+[.)](?=\s|$)")


def escape_markdown(text: str) -> str:
    """Seed text as literal Markdown: no emphasis, links, HTML or block markers sneak in."""
    text = _MD_INLINE.sub(r"\\\g<0>", text)
    start = _MD_LINE_START.match(text)   # a block marker: escape its last character
    return text if start is None else f"{text[:start.end() - 1]}\\{text[start.end() - 1:]}"


# --- Markdown back to text ----------------------------------------------------------------------

PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_MARKUP = re.compile(r"\\([\\`*_{}\[\]()#+\-.!<>|~])|^#{1,6}\s+|^\s*(?:[*+-]|\d+[.)])\s+", re.M)
BLOCK_MARKUP = re.compile(r"^#{1,6}\s+|^\s*(?:[*+-]|\d+[.)])\s+", re.M)  # _MARKUP without the escapes
_BLOCK_START = re.compile(r"[#*+\-\d\s]")  # what a line that BLOCK_MARKUP matches starts with


def _plain(paragraph: str) -> str:
    # The regexes try every position, which costs far more than these tests: most paragraphs are
    # one line of prose, without a backslash, that no block marker could start.
    if "\\" in paragraph:
        return _MARKUP.sub(r"\1", paragraph)  # an unmatched group is replaced by ""
    if "\n" in paragraph or _BLOCK_START.match(paragraph):
        return BLOCK_MARKUP.sub("", paragraph)
    return paragraph


def markdown_text(body: str) -> list[str]:
    """Paragraph texts of a Markdown body, with escapes and block markers removed, for matching."""
    return [_plain(p).strip() for p in PARAGRAPH_BREAK.split(body) if p.strip()]


@functools.cache
def _inline() -> MarkdownIt:
    from markdown_it import MarkdownIt
    return MarkdownIt("commonmark", {"html": False})   # as pages render it: raw HTML stays text


def first_paragraph_text(body: str) -> str:
    """The body's first paragraph as plain text: block markers, emphasis, code marks, links'
    targets and escapes gone, as a reader sees it on the page."""
    paragraph = next((p for p in PARAGRAPH_BREAK.split(body) if p.strip()), "")
    parts = []
    for token in _inline().parseInline(BLOCK_MARKUP.sub("", paragraph.strip()))[0].children or ():
        if token.type in ("text", "code_inline", "image"):   # an image's content is its alt text
            parts.append(token.content)
        elif token.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return " ".join("".join(parts).split())


# --- Markdown to HTML ---------------------------------------------------------------------------

def _anchor_headings(md: MarkdownIt) -> None:
    """Give every heading an id from its text, unique within the page."""
    def rule(state) -> None:
        seen: dict[str, int] = {}
        tokens = state.tokens
        for i, token in enumerate(tokens):
            if token.type == "heading_open":
                text = tokens[i + 1].content
                base = slugify(text) or "section"
                n = seen.get(base, 0)
                seen[base] = n + 1
                token.attrSet("id", base if n == 0 else f"{base}-{n + 1}")
    md.core.ruler.push("heading_anchors", rule)


def markdown_renderer() -> MarkdownIt:
    from markdown_it import MarkdownIt
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    # Untrusted text must not smuggle script URLs through Markdown links.
    # markdown-it-py's documented way to replace its link check is to assign the method.
    md.validateLink = lambda url: not re.match(r"^\s*(javascript|vbscript|data|file):", url, re.I)  # type: ignore[method-assign]
    _anchor_headings(md)
    return md
