"""`site/` is a symbolic link to one of two versions of the site under `.cache/site/`, switched by
one rename: a reader, or a build killed at any instant, finds the old site or the new one, whole.

The version not shown (the standby) is the site as it was one build ago, its unchanged files hard
links to the live one's. The next build brings it up to date and changes it, then switches: the
state file names the two versions and the files where they may differ, saved before they come to
differ, so an edit costs what it changed, not the whole site. Staging folders are made here too,
with the user's umask, and what a killed build left is removed by the next."""

from __future__ import annotations

import filecmp
import json
import os
import re
import secrets
import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from builder.config import Config
from builder.errors import BuilderError
from builder.files import write_atomic

FOLDER = "site"            # under the cache folder
STATE = "versions.json"    # in it: {"pair": [live or standby, the other], "differs": [paths] or null}
_VERSION = re.compile(r"v-[0-9a-f]{16}")
_STAGING = re.compile(r"\.staging-(\d+)-[0-9a-f]+")
_LINK = re.compile(r"(\d+)-[0-9a-f]+\.link")   # after ".site.": a link not yet renamed onto site/
_OLD_STAGING = re.compile(r"[a-z0-9_]{8}")     # after ".site.": tempfile.mkdtemp of older builders


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


def live(config: Config) -> str | None:
    """The name of the version site/ leads to, if it is one of ours."""
    out = config.output_dir
    if not out.is_symlink():
        return None
    target = Path(os.path.realpath(out))
    return target.name if target.parent == folder(config).resolve() and target.is_dir() else None


def _pair(config: Config) -> tuple[tuple[str, str], set[str] | None] | None:
    try:
        state = json.loads((folder(config) / STATE).read_text(encoding="utf-8"))
        pair, differs = tuple(state["pair"]), state["differs"]
        if len(pair) != 2 or not all(isinstance(n, str) and _VERSION.fullmatch(n) for n in pair):
            return None
        return pair, None if differs is None else set(differs)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _save_pair(config: Config, pair: tuple[str, str] | None, differs: Iterable[str] | None = None) -> None:
    state = {"pair": list(pair) if pair else None, "differs": None if differs is None else sorted(differs)}
    write_atomic(folder(config) / STATE, json.dumps(state))


def _new_name() -> str:
    return f"v-{secrets.token_hex(8)}"


def _point(config: Config, name: str) -> None:
    """site/ to the version `name`, in one rename of a new link onto it."""
    out = config.output_dir
    link = out.with_name(f".{out.name}.{os.getpid()}-{secrets.token_hex(4)}.link")
    os.symlink(os.path.relpath(folder(config) / name, out.parent), link)
    try:
        os.replace(link, out)
    except BaseException:
        link.unlink(missing_ok=True)
        raise


def prepare(config: Config) -> None:
    """Before a build writes the site: remove what dead builds left, and the versions neither shown
    nor kept as the standby; a site/ folder an older builder made becomes a version (site/ is gone
    for that one moment). A build holds the project's lock (builder.lock), so any staging folder or
    link found here is a dead build's, whatever its process id (ids are reused)."""
    parent = folder(config)
    parent.mkdir(parents=True, exist_ok=True)
    out = config.output_dir
    if out.is_dir() and not out.is_symlink():
        name = _new_name()
        try:
            os.replace(out, parent / name)
        except OSError as exc:   # on another file system than the cache (config.yaml's output: or cache:)
            raise BuilderError(f"cannot make the site folder a version in {parent} ({exc.strerror}); keep "
                               "output: and cache: on one file system, or remove the folder", out) from None
        _point(config, name)
    shown, pair = live(config), _pair(config)
    keep = {shown, *(pair[0] if pair and shown in pair[0] else ())}
    for entry in os.scandir(parent):
        if _STAGING.fullmatch(entry.name) or (_VERSION.fullmatch(entry.name) and entry.name not in keep):
            shutil.rmtree(entry.path, ignore_errors=True)
    prefix = f".{out.name}."
    if out.parent.is_dir():
        for entry in os.scandir(out.parent):
            rest = entry.name[len(prefix):] if entry.name.startswith(prefix) else ""
            if _LINK.fullmatch(rest) and entry.is_symlink():
                os.unlink(entry.path)
            elif _OLD_STAGING.fullmatch(rest) and entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path, ignore_errors=True)


def install(config: Config, staging: Path) -> None:
    """The whole new site in `staging` becomes the live version; the live one the standby, which
    differs from it where a file is not a hard link to the live one's (the unchanged pages are)."""
    shown = live(config)
    name = _new_name()
    differs = None
    if shown:
        new, old = _inodes(staging), _inodes(folder(config) / shown)
        differs = {rel for rel in new.keys() | old.keys() if new.get(rel) != old.get(rel)}
    os.replace(staging, folder(config) / name)
    _save_pair(config, (name, shown) if shown else None, differs)
    _point(config, name)


def _inodes(root: Path) -> dict[str, int]:
    """Each file under `root` (by its path in it) with its inode, read from the folders alone:
    a hard link to a file shares its inode, and scandir tells inodes without a stat per file."""
    return {rel: entry.inode() for rel, entry in _entries(root) if not entry.is_dir(follow_symlinks=False)}


def _entries(root: Path) -> Iterator[tuple[str, os.DirEntry]]:
    """Every file and folder under `root` with its path in it, each folder before what it holds,
    read with scandir (no stat a file)."""
    folders = [("", str(root))]
    while folders:
        prefix, path = folders.pop()
        with os.scandir(path) as entries:
            for entry in entries:
                yield prefix + entry.name, entry
                if entry.is_dir(follow_symlinks=False):
                    folders.append((f"{prefix}{entry.name}/", entry.path))


def update(config: Config, staging: Path, staged: dict[str, str], removed: list[str]) -> None:
    """A new live version: the live one with the files of `staging` in it (each at its place in
    `staged`, else the same place) unless the same bytes are there, and without the `removed`
    ones. Made in the standby, whose files are not the live site's: a failure leaves that alone."""
    shown = live(config)
    if shown is None:
        raise ValueError("update() needs a site made by install()")
    here = folder(config)
    current = here / shown
    moves: list[tuple[str, str]] = []      # (file in staging, its place in the site)
    for path, _, names in os.walk(staging):
        for name in names:
            rel = Path(path, name).relative_to(staging).as_posix()
            target = staged.get(rel, rel)
            # Staged pages differ from the live ones (render_site compared them); the rest may not.
            if rel in staged or not (current / target).is_file() or \
                    not filecmp.cmp(staging / rel, current / target, shallow=False):
                moves.append((rel, target))
    gone = [rel for rel in removed if (current / rel).exists()]
    changed = {target for _, target in moves} | set(gone)
    if not changed:
        return
    pair = _pair(config)
    if pair and shown in pair[0] and (here / _other(pair[0], shown)).is_dir():
        name, differs = _other(pair[0], shown), pair[1]
    else:
        name, differs = _new_name(), None
    _save_pair(config, (shown, name), None if differs is None else differs | changed)
    standby = here / name
    if differs is None:
        _link_all(current, standby)
    else:
        for rel in sorted(differs):
            _sync(current, standby, rel)
    for rel, target in moves:
        (standby / target).parent.mkdir(parents=True, exist_ok=True)
        os.replace(staging / rel, standby / target)
    for rel in gone:
        (standby / rel).unlink(missing_ok=True)
        _prune(standby, rel)
    _point(config, name)
    _save_pair(config, (name, shown), changed)


def _other(pair: tuple[str, str], name: str) -> str:
    return pair[1] if pair[0] == name else pair[0]


def _sync(source: Path, target: Path, rel: str) -> None:
    """The file `rel` of `target` made the one of `source` (a hard link to it), or removed with it."""
    src, dst = source / rel, target / rel
    try:
        if src.is_file():
            if dst.exists() and os.path.samefile(src, dst):
                return
            dst.unlink(missing_ok=True)
            dst.parent.mkdir(parents=True, exist_ok=True)
            os.link(src, dst)
        else:
            dst.unlink(missing_ok=True)
            _prune(target, rel)
    except IsADirectoryError:
        shutil.rmtree(dst)
        _sync(source, target, rel)


def _link_all(source: Path, target: Path) -> None:
    """`target` made anew, a copy of `source` whose files are hard links to its files: one call a
    folder and one a file (_sync's checks, five calls a file, were most of the first edit after a
    clean build of a large site). What a killed build left there is removed first."""
    shutil.rmtree(target, ignore_errors=True)
    os.mkdir(target)
    for rel, entry in _entries(source):
        if entry.is_dir(follow_symlinks=False):
            os.mkdir(f"{target}/{rel}")
        else:
            os.link(entry.path, f"{target}/{rel}")


def _prune(root: Path, rel: str) -> None:
    """The folders of `rel` under `root`, once empty."""
    folder = (root / rel).parent
    while folder != root and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
