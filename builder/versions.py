"""Where the next site is made: staging folders under `.cache/site/`, with the user's permissions,
and what a killed build left there (or, from older builders, beside `site/`) removed."""

from __future__ import annotations

import os
import re
import secrets
import shutil
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from builder.config import Config

FOLDER = "site"                                   # under the cache folder
_STAGING = re.compile(r"\.staging-(\d+)-[0-9a-f]+")
_OLD_STAGING = re.compile(r"[a-z0-9_]{8}")   # after the prefix: tempfile.mkdtemp(prefix=".site.") of older builders


def folder(config: Config) -> Path:
    return config.cache_dir / FOLDER


@contextmanager
def staging(config: Config) -> Iterator[Path]:
    """A new empty folder for a build to write into, removed afterwards unless moved away. Made
    with mkdir, not mkdtemp: the site must be readable as the user's umask says (a web server is
    often another user), and mkdtemp makes it the owner's alone. Its name holds the process id, so
    a later build knows one whose build died."""
    parent = folder(config)
    parent.mkdir(parents=True, exist_ok=True)
    path = parent / f".staging-{os.getpid()}-{secrets.token_hex(4)}"
    path.mkdir()
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True   # another user's process
    return True


def clean(config: Config) -> None:
    """Remove the staging folders of builds that died (a kill, a power cut); and a staging folder
    an older builder left beside `site/` (`.site.x1y2z3ab/`)."""
    parent = folder(config)
    if parent.is_dir():
        for entry in os.scandir(parent):
            found = _STAGING.fullmatch(entry.name)
            if found and int(found[1]) != os.getpid() and not _alive(int(found[1])):
                shutil.rmtree(entry.path, ignore_errors=True)
    out = config.output_dir
    if out.parent.is_dir():
        prefix = f".{out.name}."
        for entry in os.scandir(out.parent):
            if entry.name.startswith(prefix) and _OLD_STAGING.fullmatch(entry.name[len(prefix):]) and \
                    entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path, ignore_errors=True)
