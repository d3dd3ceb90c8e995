"""Reading the project's input files (seeds, content): what a regular file holds, and the refusal
of anything else (a FIFO, a folder, a link leading outside the project) without waiting on it."""

from __future__ import annotations

import errno
import os
import stat
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
        raise BuilderError(f"is a link to {real}, outside the project; not read", path)
    return os.open(real, _READ)


def read_bytes(path: Path | str, within: Sequence[Path] | None) -> bytes:
    """The bytes of the file at `path`, followed through a link only into the folders `within`
    (None: anywhere, for a file the user named). A refusal is a BuilderError naming the file; a
    file that cannot be opened raises the OSError."""
    fd = _open(path, within)
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        kind = next((name for test, name in _KINDS if test(mode)), "a special file")
        raise BuilderError(f"is not a regular file ({kind}); not read", path)
    with os.fdopen(fd, "rb") as f:
        return f.read()
