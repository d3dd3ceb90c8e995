"""Reading input files: text in UTF-8 or after a UTF-16/32 byte order mark, and what is refused."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from builder.errors import BuilderError
from builder.files import decode, web_encoding


@pytest.mark.parametrize("data", ["Zürich\r\nline 2".encode("utf-8-sig"), "Zürich\r\nline 2".encode("utf-16"),
                                  codecs.BOM_UTF16_BE + "Zürich\r\nline 2".encode("utf-16-be"),
                                  codecs.BOM_UTF32_LE + "Zürich\r\nline 2".encode("utf-32-le"),
                                  codecs.BOM_UTF32_BE + "Zürich\r\nline 2".encode("utf-32-be")])
def test_text_is_decoded_by_its_byte_order_mark(data):
    """Issue 15 item 5: the byte order mark says the encoding, and is not part of the text."""
    assert decode(data, Path("a.txt")) == "Zürich\r\nline 2"


@pytest.mark.parametrize("data, line, words", [
    (b"one\ntwo\xff\n", 2, "is not UTF-8 (byte 0xff at offset 7); re-save it as UTF-8"),
    (b"one\ntwo\x00\n", 2, "is binary, not text (it contains NUL bytes)"),
    (codecs.BOM_UTF16_LE + "one\ntwo\x00".encode("utf-16-le"), 2, "is binary, not text (it contains NUL bytes)"),
    (codecs.BOM_UTF16_LE + "one\n".encode("utf-16-le") + b"x", 2, "begins with a UTF-16 byte order mark"),
])
def test_what_is_not_text_is_told_with_its_line(data, line, words):
    """Issue 15 item 5: a file that is not text in its encoding says so, and where."""
    with pytest.raises(BuilderError) as info:
        decode(data, Path("a.txt"))
    assert info.value.line == line and words in info.value.message and info.value.file == "a.txt"


@pytest.mark.parametrize("label, in_page, codec", [
    ("UTF-8", False, "utf-8"), (" latin1 ", False, "cp1252"), ("ISO-8859-1", False, "cp1252"),
    ("us-ascii", False, "cp1252"), ("windows-1251", False, "cp1251"), ("iso-8859-9", False, "cp1254"),
    ("shift_jis", False, "cp932"), ("windows-874", False, "cp874"), ("utf-16le", False, "utf-16-le"),
    ("utf-16", True, "utf-8"), ("UTF-16BE", True, "utf-8"),
    ("utf-7", False, None), ("unicode_escape", False, None), ("raw_unicode_escape", False, None),
    ("punycode", False, None), ("undefined", False, None), ("idna", False, None), ("base64", False, None),
    ("rot13", False, None), ("x-klingon", False, None), ("", False, None),
])
def test_a_charset_label_is_read_as_a_browser_reads_it(label, in_page, codec):
    """Issue 18 review: one table of web charsets for pages, mails and clipped pages (WHATWG's):
    Latin-1 and ASCII are Windows-1252, UTF-16 declared inside the page's bytes is UTF-8, and a
    codec that is no text charset of the web (UTF-7, unicode_escape, punycode) is refused."""
    assert web_encoding(label, in_page) == codec
