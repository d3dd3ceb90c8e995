"""Reading input files: text in UTF-8 or after a UTF-16/32 byte order mark, and what is refused."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from builder.errors import BuilderError
from builder.files import decode


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
