"""The parse cache: an article is parsed once per change, across builds; a changed filing rule,
a damaged cache file or a file saved a moment ago is never trusted."""

from __future__ import annotations

import hashlib

import pytest

from builder.build import build
from builder.config import load_config
from builder.incremental import stamp as stamp_module
from builder.incremental.cache import FOLDER, HTML, SHARDS, Cache, open_cache, save_cache, trusted
from builder.incremental.reading import Cached
from builder.site import load_site


@pytest.fixture
def trust_times(monkeypatch):
    """Trust files written a moment ago (normally the last few seconds are re-read), so a test
    need not wait for its files to age."""
    monkeypatch.setattr(stamp_module, "RACY", 0)


def test_unchanged_articles_come_from_the_cache_and_an_edit_is_parsed_again(repo_copy, trust_times):
    config = load_config(repo_copy / "config.yaml")
    cache = Cache("test")
    first = {e.url: e.article for e in load_site(config, reading=Cached(cache)).entries}
    story = next((repo_copy / "content" / "articles").rglob("japans-kishida*.md"))
    story.write_text(story.read_text().replace("whirlwind trip", "whirlwind visit"))
    second = {e.url: e.article for e in load_site(config, reading=Cached(cache)).entries}
    edited = [url for url in first if second[url] is not first[url]]
    assert len(edited) == 1 and "whirlwind visit" in second[edited[0]].body


def test_a_file_saved_a_moment_ago_is_not_trusted(tmp_path, monkeypatch):
    path = tmp_path / "a.md"
    path.write_text("x")
    assert trusted(path) is None
    monkeypatch.setattr(stamp_module, "RACY", 0)
    assert trusted(path) is not None


def test_the_cache_survives_between_builds_and_a_damaged_one_is_ignored(repo_copy, trust_times):
    config = load_config(repo_copy / "config.yaml")
    build(config, run_ingest=False)
    assert len(open_cache(config).articles) == len(list((repo_copy / "content" / "articles").rglob("*.md")))
    shards = sorted((config.cache_dir / FOLDER).iterdir())
    shards[0].write_bytes(b"not a pickle")
    shards[1].unlink()
    (config.cache_dir / "build-stamp.json").unlink()
    assert build(config, run_ingest=False).site is not None and open_cache(config).articles


def test_an_edit_rewrites_only_its_shard_of_the_cache(repo_copy, trust_times):
    config = load_config(repo_copy / "config.yaml")
    build(config, run_ingest=False)
    folder = config.cache_dir / FOLDER
    before = {p.name: p.stat().st_ino for p in folder.iterdir()}
    assert len(before) <= SHARDS
    story = next((repo_copy / "content" / "articles").rglob("japans-kishida*.md"))
    story.write_text(story.read_text().replace("whirlwind trip", "whirlwind visit"))
    build(config, run_ingest=False)
    after = {p.name: p.stat().st_ino for p in folder.iterdir()}
    rewritten = [name for name in after if before.get(name) != after[name]]
    assert 1 <= len(rewritten) <= 3, rewritten   # its entry's shard and its new HTML's (and no more)
    assert open_cache(config).articles.keys() == {p.relative_to(repo_copy / "content").as_posix()
                                                  for p in (repo_copy / "content" / "articles").rglob("*.md")}


def test_changed_dossier_queries_refile_articles_that_leave_filing_to_them(repo_copy, trust_times):
    manual = repo_copy / "content" / "articles" / "manual.md"
    manual.write_text("---\ntitle: Tokyo and Pyongyang\n---\n\nJapan protested a North Korean missile launch.\n")
    config = load_config(repo_copy / "config.yaml")
    build(config, run_ingest=False)
    assert "japan-dprk" in open_cache(config).articles["articles/manual.md"][1].dossiers
    text = (repo_copy / "config.yaml").read_text()
    (repo_copy / "config.yaml").write_text(text.replace("min_score: 4", "min_score: 400", 1))
    config = load_config(repo_copy / "config.yaml")
    build(config, run_ingest=False)
    assert "japan-dprk" not in open_cache(config).articles["articles/manual.md"][1].dossiers


def test_html_no_article_renders_to_any_more_is_dropped_once_it_piles_up(repo_copy, trust_times):
    def digests(kind: str, n: int) -> set[str]:   # HTML is kept by the sha256 of its Markdown
        return {hashlib.sha256(f"{kind} {i}".encode()).hexdigest() for i in range(n)}
    config = load_config(repo_copy / "config.yaml")
    build(config, run_ingest=False)
    cache = open_cache(config)
    live = cache.all_html()
    stale, new = digests("stale", 4000), digests("new", 2000)
    cache.add_html(dict.fromkeys(stale, "<p>old</p>"))   # what many edits leave
    save_cache(config, cache)
    assert stale <= open_cache(config).all_html().keys()    # rendered since the last save: kept
    later = open_cache(config)
    later.add_html(dict.fromkeys(new, "<p>new</p>"))      # a later build renders more, in every shard
    save_cache(config, later)
    kept = open_cache(config).all_html()
    assert not stale & kept.keys() and new <= kept.keys()
    assert len(kept.keys() - new) >= len(cache.articles) - 3 and kept.keys() - new <= live.keys()


def test_a_build_reads_only_the_html_its_pages_need(repo_copy, trust_times, monkeypatch):
    from builder.incremental import cache as cache_module
    config = load_config(repo_copy / "config.yaml")
    build(config, run_ingest=False)
    assert len(list((config.cache_dir / HTML).iterdir())) > 4
    story = next((repo_copy / "content" / "articles").rglob("japans-kishida*.md"))
    story.write_text(story.read_text().replace("whirlwind trip", "whirlwind visit"))
    read = []
    load = cache_module._load
    monkeypatch.setattr(cache_module, "_load", lambda path, key: read.append(path.parent.name) or load(path, key))
    build(config, run_ingest=False)
    assert 1 <= read.count(HTML) <= 2   # the edited article's shard (its page is the only one rendered again)


def test_related_articles_are_ranked_again_only_when_what_they_rank_by_changes(repo_copy, trust_times, monkeypatch):
    from builder.incremental import reading
    config = load_config(repo_copy / "config.yaml")
    cache = Cache("test")
    first = load_site(config, reading=Cached(cache))
    ranked = []
    real = reading.rank_related
    monkeypatch.setattr(reading, "rank_related", lambda *args: ranked.append(1) or real(*args))
    story = next((repo_copy / "content" / "articles").rglob("japans-kishida*.md"))
    story.write_text(story.read_text().replace("whirlwind trip", "whirlwind visit"))   # the text only
    second = load_site(config, reading=Cached(cache))
    assert not ranked and {u: [e.url for e in r] for u, r in second.related.items()} == \
        {u: [e.url for e in r] for u, r in first.related.items()}
    assert all(e is second.entries[[x.url for x in second.entries].index(e.url)]
               for found in second.related.values() for e in found)   # today's entries, not last build's
    story.write_text(story.read_text().replace("people:\n", "people:\n- Ada Newname\n", 1))
    load_site(config, reading=Cached(cache))
    assert ranked == [1]
