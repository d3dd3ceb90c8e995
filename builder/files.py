"""Reading the project's input files (seeds, content): what a regular file holds, as text in UTF-8
or in the UTF-16/32 its byte order mark names, and the refusal of anything else (a FIFO, a folder,
a link leading outside the project) without waiting on it; the charsets a browser reads; and
writing a file whole or not at all."""

from __future__ import annotations

import codecs
import errno
import os
import stat
import threading
from collections.abc import Sequence
from pathlib import Path

from builder.errors import BuilderError

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
# Non-blocking: opening a FIFO would otherwise wait for a writer, forever.
_READ = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NONBLOCK", 0)
_KINDS = ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISDIR, "a folder"), (stat.S_ISSOCK, "a socket"),
          (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"))


def _inside(real: str, folders: Sequence[Path]) -> bool:
    return any(real == top or real.startswith(os.path.join(top, ""))
               for top in (os.path.realpath(folder) for folder in folders))


def _open(path: Path | str, within: Sequence[Path] | None) -> int:
    """A descriptor for reading `path`. With `within`, a link is followed only to a file inside
    one of those folders: only a link pays for resolving its path (the open says it is one)."""
    if within is None:
        return os.open(path, _READ)
    try:
        return os.open(path, _READ | _NOFOLLOW)
    except OSError as exc:
        if exc.errno not in (errno.ELOOP, errno.EMLINK) or not os.path.islink(path):
            raise
    real = os.path.realpath(path)
    if not _inside(real, within):
        raise BuilderError(f"is a link to {real}, outside the project", path)
    return os.open(real, _READ | _NOFOLLOW)   # not a link put there since it was resolved


def read_bytes(path: Path | str, within: Sequence[Path] | None) -> bytes:
    """The bytes of the file at `path`, followed through a link only into the folders `within`
    (None: anywhere, for a file the user named). A refusal is a BuilderError naming the file; a
    file that cannot be opened raises the OSError."""
    fd = _open(path, within)
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        kind = next((name for test, name in _KINDS if test(mode)), "a special file")
        raise BuilderError(f"is not a regular file ({kind})", path)
    with os.fdopen(fd, "rb") as f:
        return f.read()


# UTF-32's little-endian mark begins with UTF-16's: look for it first.
_MARKS = ((codecs.BOM_UTF32_LE, "UTF-32"), (codecs.BOM_UTF32_BE, "UTF-32"), (codecs.BOM_UTF8, "UTF-8-sig"),
          (codecs.BOM_UTF16_LE, "UTF-16"), (codecs.BOM_UTF16_BE, "UTF-16"))


def marked_encoding(data: bytes) -> str | None:
    """The encoding a byte order mark at the start of `data` names (its codec drops the mark)."""
    return next((name for mark, name in _MARKS if data.startswith(mark)), None)


# The charsets a browser reads (the WHATWG Encoding Standard's), by Python's codec name, with the
# labels it reads as another: Latin-1 and ASCII as Windows-1252, their supersets, and so on. Any
# other codec Python knows (UTF-7, unicode_escape, punycode, `undefined`) is no page's charset.
_WEB = frozenset("""utf-8 utf-16 utf-16-le utf-16-be cp866 iso8859-2 iso8859-3 iso8859-4 iso8859-5 iso8859-6
iso8859-7 iso8859-8 iso8859-10 iso8859-13 iso8859-14 iso8859-15 iso8859-16 koi8-r koi8-u mac-roman mac-cyrillic
cp874 cp1250 cp1251 cp1252 cp1253 cp1254 cp1255 cp1256 cp1257 cp1258 gbk gb18030 big5hkscs euc_jp iso2022_jp
cp932 cp949""".split())
_READ_AS = {"iso8859-1": "cp1252", "ascii": "cp1252", "iso8859-9": "cp1254", "iso8859-11": "cp874",
            "tis-620": "cp874", "gb2312": "gbk", "big5": "big5hkscs", "shift_jis": "cp932", "euc_kr": "cp949",
            "utf-8-sig": "utf-8"}
# WHATWG labels Python's codecs do not know.
_LABELS = {"windows-874": "cp874", "x-mac-cyrillic": "mac-cyrillic", "iso-8859-8-i": "iso8859-8",
           "unicode-1-1-utf-8": "utf-8", "x-sjis": "cp932", "windows-31j": "cp932", "ms_kanji": "cp932",
           "x-cp1252": "cp1252", "x-gbk": "gbk"}


def web_encoding(label: str, in_page: bool = False) -> str | None:
    """The Python codec that reads text labelled `label` as a browser does, or None for a label
    that names no charset a browser reads. `in_page`: declared by the page's own bytes (a `<meta>`),
    where UTF-16 cannot be meant (those bytes read as ASCII), so UTF-8 is."""
    label = label.strip().lower()
    try:
        name = codecs.lookup(_LABELS.get(label, label)).name
    except LookupError:
        return None
    name = _READ_AS.get(name, name)
    if name not in _WEB:
        return None
    return "utf-8" if in_page and name.startswith("utf-16") else name


def decode(data: bytes, path: Path | str) -> str:
    """A file's text, its byte order mark (if any) left out; a BuilderError naming the file and
    line where it stops being text."""
    encoding = marked_encoding(data) or "UTF-8"
    try:
        return text_only(data.decode(encoding), path)
    except UnicodeDecodeError as exc:
        text_only(data.decode(encoding, "replace"), path)   # a NUL anywhere: binary, whatever else is wrong
        line = data[:exc.start].decode(encoding, "replace").count("\n") + 1
        if encoding == "UTF-8":
            why = f"is not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); re-save it as UTF-8"
        else:
            why = (f"is binary or damaged: it begins with a {encoding} byte order mark but is not {encoding} "
                   f"({exc.reason} at offset {exc.start}); re-save it as UTF-8")
        raise BuilderError(why, path, line) from None


def text_only(text: str, path: Path | str) -> str:
    """`text`, unless it holds a NUL, which no text file does."""
    if "\0" in text:
        raise BuilderError("is binary, not text (it contains NUL bytes)", path,
                           text.count("\n", 0, text.index("\0")) + 1)
    return text


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write via a temporary file beside it and rename, so a crash never leaves half a file. The
    temporary name is this thread's own: two writers of one file must not share it."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}-{threading.get_native_id()}.tmp")
    data = data.encode("utf-8") if isinstance(data, str) else data
    try:
        tmp.write_bytes(data)
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(data)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
