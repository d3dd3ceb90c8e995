"""Markdown in its one module: seed text escaped, bodies read back as text, rendered to safe HTML."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings, strategies as st

from builder.markdown import _MARKUP, escape_markdown, markdown_renderer, markdown_text


def test_escape_markdown_neutralises_block_markers():
    assert escape_markdown("# not a heading") == r"\# not a heading"
    assert escape_markdown("1998. A year") == r"1998\. A year"
    assert escape_markdown("- not a list") == r"\- not a list"
    assert escape_markdown("AT&T &amp; co") == r"AT&T \&amp; co"


@pytest.mark.parametrize("body, expected", [
    ("Lead.\n\n## A heading\n\nText with \\*stars\\* and a\nsecond line.",
     ["Lead.", "A heading", "Text with *stars* and a\nsecond line."]),
    ("* one\n* two\n\n1. first\n2) second", ["one\ntwo", "first\nsecond"]),
    ("Intro:\n- one\n  - nested", ["Intro:\none\nnested"]),
    ("  \n\n\n  indented\n \n\n", ["indented"]),
    ("-", ["-"]),
    ("* ", [""]),  # a paragraph of only a marker stays, empty
    ("2017 was a year.", ["2017 was a year."]),
])
def test_markdown_text(body, expected):
    assert markdown_text(body) == expected


# Lines of Markdown: indentation, a block marker or an escape, text; joined by line or paragraph breaks.
# Odd whitespace and digits are there because \s and \d take them too.
_LINE = st.tuples(st.sampled_from(["", "", " ", "\t", "\u00a0"]),
                  st.sampled_from(["", "", "", "# ", "#", "* ", "*", "- ", "+\t", "1. ", "12) ", "\u0663. ", "1.",
                                   "\\* "]),
                  st.sampled_from(["", "word", "two words ", "\\*x\\*", "a\\\\b", "x. y", "- z"]),
                  st.sampled_from(["\n", "\n", "\n\n", "\n \n", " \n\t\n", "\u2028", "\x0b"]))
_MARKDOWN = st.lists(_LINE, max_size=8).map(lambda lines: "".join("".join(line) for line in lines))


@given(_MARKDOWN)
@settings(max_examples=500, deadline=None)
def test_markdown_text_agrees_with_one_regex_over_each_paragraph(body):
    # markdown_text skips the regex where it cannot match, and leaves escapes out of it where there are none.
    expected = [_MARKUP.sub(lambda m: m.group(1) or "", p).strip() for p in re.split(r"\n\s*\n", body) if p.strip()]
    assert markdown_text(body) == expected


def test_markdown_keeps_raw_html_and_script_links_inert():
    out = markdown_renderer().render("<script>alert(1)</script>\n\n[x](javascript:alert(1)) [y](https://ok.example/)")
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert 'href="javascript' not in out and 'href="https://ok.example/"' in out


def test_headings_get_unique_anchors():
    out = markdown_renderer().render("## Looming election\n\ntext\n\n## Looming election")
    assert '<h2 id="looming-election">' in out and '<h2 id="looming-election-2">' in out


def test_ingest_and_filing_read_markdown_without_markdown_it():
    """Ingest and filing use the text half alone: markdown-it is imported where HTML is made (the
    dev-set hook's interpreter has no markdown-it, and ingest wrote nothing there)."""
    import subprocess
    import sys
    code = "import sys, builder.ingest, builder.classify; assert 'markdown_it' not in sys.modules"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).returncode == 0
