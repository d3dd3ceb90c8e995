"""The build loop: atomic swap, and rebuilds that render only pages whose inputs changed while
producing exactly what a clean build produces."""

from __future__ import annotations

import shutil

import pytest

from builder.build import build
from builder.config import load_config




def tree(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def clean_build(root):
    shutil.rmtree(root / "site", ignore_errors=True)
    shutil.rmtree(root / ".cache", ignore_errors=True)
    build(load_config(root / "config.yaml"), run_ingest=False)
    return tree(root / "site")


def test_no_op_rebuild_renders_nothing_and_rewrites_nothing(repo_copy):
    config = load_config(repo_copy / "config.yaml")
    first = build(config, run_ingest=False)
    inode = (repo_copy / "site" / "index.html").stat().st_ino
    again = build(config, run_ingest=False)
    assert first.rendered == first.pages and again.rendered == 0
    assert (repo_copy / "site" / "index.html").stat().st_ino == inode   # the same file, not rewritten


def test_edit_renders_only_affected_pages_and_equals_a_clean_build(repo_copy):
    config = load_config(repo_copy / "config.yaml")
    build(config, run_ingest=False)
    story = next((repo_copy / "content" / "articles").rglob("m23-*.md"))  # unfiled: touches no page
    kishida = next((repo_copy / "content" / "articles").rglob("japans-kishida*.md"))
    kishida.write_text(kishida.read_text().replace("whirlwind trip", "whirlwind visit"))
    result = build(config, run_ingest=False)
    assert 0 < result.rendered < result.pages // 2
    incremental = tree(repo_copy / "site")
    assert incremental == clean_build(repo_copy)
    assert "whirlwind visit" in incremental[
        "articles/2024/japans-kishida-south-koreas-yoon-call-to-sustain-momentum-in-improved/index.html"].decode()
    assert story.exists()


def test_template_change_renders_everything(repo_copy):
    config = load_config(repo_copy / "config.yaml")
    build(config, run_ingest=False)
    base = repo_copy / "templates" / "base.html"
    base.write_text(base.read_text().replace("Skip to content", "Skip to the content"))
    result = build(config, run_ingest=False)
    assert result.rendered == result.pages
    assert tree(repo_copy / "site") == clean_build(repo_copy)


def test_failed_build_keeps_the_previous_site_and_the_next_good_one_is_exact(repo_copy):
    config = load_config(repo_copy / "config.yaml")
    build(config, run_ingest=False)
    before = tree(repo_copy / "site")
    article = next((repo_copy / "content" / "articles").rglob("*.md"))
    good = article.read_text()
    article.write_text("---\ntitle: [broken\n---\n")
    with pytest.raises(Exception):
        build(config, run_ingest=False)
    assert tree(repo_copy / "site") == before
    article.write_text(good.replace("\n\n", "\n\nA new first paragraph.\n\n", 1))
    build(config, run_ingest=False)
    assert tree(repo_copy / "site") == clean_build(repo_copy)


def test_stylesheet_change_renders_no_page(repo_copy):
    config = load_config(repo_copy / "config.yaml")
    build(config, run_ingest=False)
    css = repo_copy / "templates" / "assets" / "style.css"
    css.write_text(css.read_text() + "\n.brand { letter-spacing: 0; }\n")
    result = build(config, run_ingest=False)
    assert result.rendered == 0 and b"letter-spacing: 0" in (repo_copy / "site" / "assets" / "style.css").read_bytes()
