"""The build loop: atomic swap, and rebuilds that render only pages whose inputs changed while
producing exactly what a clean build produces."""

from __future__ import annotations

import os
import shutil

import pytest

from builder.build import build
from builder.cache import open_cache
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


def test_a_build_whose_inputs_did_not_change_is_skipped(repo_copy):
    config = load_config(repo_copy / "config.yaml")
    first = build(config)
    again = build(config)
    assert again.site is None and again.ingest is None       # neither ingest nor render ran
    assert "nothing changed since the last build" in again.summary() and str(first.pages) in again.summary()
    shutil.rmtree(repo_copy / "site")
    assert build(config).site is not None                     # no site: build it again


def test_a_same_size_rewrite_within_one_clock_tick_is_seen(repo_copy):
    config = load_config(repo_copy / "config.yaml")
    intro = repo_copy / "content" / "_index.md"
    build(config, run_ingest=False)
    text = intro.read_text()
    times = intro.stat()
    intro.write_text(text.replace("a", "b", 1) if "a" in text else text + "x")
    os.utime(intro, ns=(times.st_atime_ns, times.st_mtime_ns))   # as if in the same tick
    assert build(config, run_ingest=False).site is not None


def test_ingest_runs_again_when_a_seed_changes_and_a_bad_seed_is_reported_every_time(repo_copy):
    config = load_config(repo_copy / "config.yaml")
    assert build(config).ingest is not None
    (repo_copy / "seeds" / "zz_broken.txt").write_bytes(b"\xff\xfe\x00bad")
    for _ in range(2):
        report = build(config).ingest
        assert report is not None and any("zz_broken.txt" in str(p) for p in report.problems)
    (repo_copy / "seeds" / "zz_broken.txt").unlink()
    assert build(config).ingest is not None and build(config).ingest is None


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


def test_an_edit_reindexes_only_the_search_bundles_holding_the_article(repo_copy):
    config = load_config(repo_copy / "config.yaml")
    build(config, run_ingest=False)
    bundles = repo_copy / "site" / "pagefind"
    entry = {name: (bundles / name / "pagefind-entry.json").stat().st_ino
             for name in (".", "dossiers/japan-rok", "dossiers/japan-dprk", "dossiers/ukraine-diplomacy")}
    kishida = next((repo_copy / "content" / "articles").rglob("japans-kishida*.md"))  # japan-rok only
    kishida.write_text(kishida.read_text().replace("whirlwind trip", "whirlwind visit"))
    build(config, run_ingest=False)
    again = {name: (bundles / name / "pagefind-entry.json").stat().st_ino for name in entry}
    assert [name for name in entry if again[name] != entry[name]] == [".", "dossiers/japan-rok"]
    assert tree(repo_copy / "site") == clean_build(repo_copy)


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


def test_a_sequence_of_edits_always_equals_a_clean_build(repo_copy, tmp_path):
    """Edit, retitle, re-date, delete, add and re-file articles one after another; after every
    step the incremental site is byte-identical to a clean build of the same content."""
    config = load_config(repo_copy / "config.yaml")
    articles = repo_copy / "content" / "articles"
    kishida = next(articles.rglob("japans-kishida*.md"))
    abe = next(articles.rglob("after-elections-win*.md"))
    lavrov = next(articles.rglob("still-a-long-way*.md"))

    def replace(path, old, new):
        text = path.read_text()
        assert old in text
        path.write_text(text.replace(old, new, 1))

    steps = [
        lambda: replace(kishida, "whirlwind trip", "whirlwind visit"),
        lambda: replace(abe, "title: After Elections Win", "title: After Election Win"),
        lambda: replace(lavrov, "date: 2026-02-09", "date: 2025-12-30"),
        lambda: replace(kishida, "- Fumio Kishida\n", "- Fumio Kishida\n- Taro Yamada\n"),
        lambda: abe.unlink(),
        lambda: (articles / "2023" / "hand-written.md").write_text(
            "---\ntitle: Japan and North Korea talk in Mongolia\ndate: 2023-04-01\npeople: [Taro Yamada]\n---\n\n"
            "Japanese and North Korean officials met in Ulaanbaatar on the abduction issue.\n"),
        lambda: replace(lavrov, "- ukraine-diplomacy", "- japan-rok"),
    ]
    (articles / "2023").mkdir(exist_ok=True)
    build(config, run_ingest=False)
    for n, step in enumerate(steps):
        step()
        build(config, run_ingest=False)
        incremental = tree(repo_copy / "site")
        shutil.copytree(repo_copy, tmp_path / f"clean{n}", ignore=shutil.ignore_patterns("site", ".cache"))
        assert incremental == clean_build(tmp_path / f"clean{n}"), f"step {n}"


def test_pages_rendered_on_all_cores_equal_a_single_process_build(project, monkeypatch):
    from builder import render
    for n in range(160):  # enough pages for several batches
        path = project.root / "content" / "articles" / f"{2000 + n % 20}" / f"story-{n}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"---\ntitle: Story {n}\ndate: {2000 + n % 20}-01-{1 + n % 28:02d}\n"
                        f"dossiers: [{['japan-dprk', 'japan-rok', 'ukraine-diplomacy'][n % 3]}]\n"
                        f"people: [Person {n % 7} Name]\n---\n\n## Part {n}\n\nText *{n}* with a [link](https://example.org/{n}).\n")
    config = project.config
    build(config, run_ingest=False)
    parallel = tree(project.root / "site")
    cached = open_cache(config).html
    assert len(cached) >= 160          # what the workers rendered reached the cache
    monkeypatch.setattr(render, "BATCH", 10**6)   # one batch: no worker processes
    assert clean_build(project.root) == parallel
