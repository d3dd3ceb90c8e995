"""Stamps: what a build's inputs were, and the same stamp brought up to date from a watcher's paths."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from hypothesis import given, settings, strategies as st

from builder.incremental.stamp import refreshed, stamp

NAMES = st.sampled_from(["a.md", "b.md", "2024/c.md", "2024/d.md", "2025/e.md", "2025/old/f.md"])
# (what, path): write a file (new or not), remove one, or remove a folder with its files.
CHANGES = st.lists(st.tuples(st.sampled_from(["write", "remove", "remove folder"]), NAMES), min_size=1, max_size=6)


def _apply(root: Path, what: str, name: str) -> str:
    """The path a watcher would report for the change."""
    path = root / name
    if what == "write":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"{name} {os.urandom(4).hex()}\n")
    elif what == "remove":
        path.unlink(missing_ok=True)
    else:
        path = path.parent
        shutil.rmtree(path, ignore_errors=True)
    return str(path)


@settings(max_examples=60, deadline=None)
@given(st.lists(NAMES, unique=True), CHANGES)
def test_refreshed_from_the_changed_paths_is_the_stamp_of_the_files_now(existing, changes):
    with tempfile.TemporaryDirectory() as tmp:
        content, config = Path(tmp, "content"), Path(tmp, "config.yaml")
        config.write_text("title: x\n")
        for name in existing:
            _apply(content, "write", name)
        roots = [content, config]
        before = stamp(roots, "values")
        folders_came_or_went = False
        paths = []
        def there() -> set[Path]:   # the folder itself too: removing a top-level file's folder removes it
            return set(content.rglob("*")) | ({content} if content.is_dir() else set())
        for what, name in changes:
            had = there()
            paths.append(_apply(content, what, name))
            now = there()
            folders_came_or_went |= any(p.is_dir() for p in now - had) or \
                any(not p.suffix for p in had - now)
        after = refreshed(before, paths, roots, "values")
        whole = stamp(roots, "values")
        if after is None:
            assert folders_came_or_went   # files written, added or removed alone are looked at alone
        else:
            assert (after.digest, after.racy, after.files) == (whole.digest, whole.racy, whole.files)


def test_refreshed_declines_a_path_outside_what_was_stamped(tmp_path):
    (tmp_path / "content").mkdir()
    before = stamp([tmp_path / "content"])
    (tmp_path / "seed.txt").write_text("a seed\n")
    assert refreshed(before, [str(tmp_path / "seed.txt")], [tmp_path / "content"]) is None
    (tmp_path / "content" / "new.md").write_text("an article\n")
    assert refreshed(before, [str(tmp_path / "content" / "new.md")], [tmp_path / "content"]).files == \
        stamp([tmp_path / "content"]).files


def test_a_folder_link_loop_in_content_is_not_followed(tmp_path):
    """A link to a folder above it (`content/articles/loop -> ..`) is not walked: it raised
    'Too many levels of symbolic links' with a traceback naming no file (found in review)."""
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "a.md").write_text("---\ntitle: A\n---\n")
    (tmp_path / "articles" / "loop").symlink_to("..")
    found = stamp([tmp_path])
    assert [f[0] for f in found.files] == [str(tmp_path / "articles" / "a.md"), str(tmp_path / "articles" / "loop")]
