"""Ingest end to end on temporary projects: idempotence, curator edits, deletions, rejections,
duplicates across dumps, and bad seeds."""

from __future__ import annotations

import codecs
import json
import os
import re
import subprocess
import sys

import pytest
import yaml

from builder.content import read_article
from builder.ingest import escape_markdown, headline_from_lede, ingest
from tests.conftest import REPO

LEDE = ("Japan and North Korea held talks in Mongolia on Tuesday on the abduction of Japanese citizens, "
        "officials in Tokyo said, the first such meeting in years.")
PARAS = [
    "Japanese Prime Minister Taro Yamada said Tokyo would keep pressing Pyongyang to return the abductees.",
    "North Korea has said the abduction issue is settled, a position Japan rejects.",
    "Japan and North Korea have no diplomatic relations, and ties are strained by missile launches.",
    "The talks follow North Korean missile tests that flew over northern Japan earlier this year.",
]


def arab_news_item(title: str, paras: list[str], updated: str = "Updated 06 September 2024") -> list[str]:
    return [title, "", f"Update {title}", "Officials meet in Ulaanbaatar on Sept. 3, 2024. (AP)", "Short Url",
            updated, "Follow", "", title, "", title, "", *(p + "\n" for p in paras), ""]


def dump(*items: list[str]) -> str:
    return "\n".join(line for item in items for line in item)


STORY = arab_news_item("Japan and North Korea hold rare talks on abductions", [LEDE, *PARAS])
OTHER = arab_news_item("Football club wins national league title after dramatic final",
                       ["The club won the league on Sunday after a dramatic final that went to penalties, "
                        "delighting thousands of fans who had travelled to the capital for the match.",
                        "Its coach said the team had worked hard all season and deserved the trophy."])


def front(text: str) -> dict:
    return yaml.safe_load(text.split("---\n")[1])


def test_writes_one_file_per_article_with_metadata(project):
    project.seed("a.txt", dump(STORY, OTHER))
    report = ingest(project.config)
    assert not report.problems
    files = project.articles()
    assert len(files) == 2
    path, text = next((p, t) for p, t in files.items() if "abductions" in p)
    assert path == "articles/2024/japan-and-north-korea-hold-rare-talks-on-abductions.md"
    meta = front(text)
    assert meta["date"].isoformat() == "2024-09-06" and meta["date_source"] == "updated, line 6"
    assert "publisher" not in meta and "publisher" in meta["review"]  # the page names no site
    assert meta["dossiers"] == ["japan-dprk"] and meta["status"] == "published"
    assert "japan-dprk" in meta["classification"]
    assert meta["source"]["file"] == "a.txt" and meta["source"]["lines"][0] == 1
    assert "Taro Yamada" in meta["people"]
    assert meta["summary"] == LEDE
    other = front(next(t for p, t in files.items() if "football" in p))
    assert other["status"] == "unfiled" and other["dossiers"] == []


def test_second_run_changes_nothing(project):
    project.seed("a.txt", dump(STORY, OTHER))
    ingest(project.config)
    before = project.articles()
    ledger = (project.root / "content" / ".ingest-ledger.json").read_bytes()
    report = ingest(project.config)
    assert report.written == [] and report.unchanged == 2
    assert project.articles() == before
    assert (project.root / "content" / ".ingest-ledger.json").read_bytes() == ledger


def _story_file(project):
    return next(project.root.glob("content/articles/*/japan-and-north-korea*.md"))


def test_edited_file_is_left_alone_and_reported(project):
    project.seed("a.txt", dump(STORY))
    ingest(project.config)
    path = _story_file(project)
    edited = path.read_text().replace("title: Japan and North Korea", "title: Curated: Japan and North Korea")
    path.write_text(edited)
    report = ingest(project.config)
    assert path.read_text() == edited
    assert any("edited by hand" in n and path.name in n for n in report.notes)


def test_rejected_article_stays_rejected(project):
    project.seed("a.txt", dump(STORY))
    ingest(project.config)
    path = _story_file(project)
    path.write_text(path.read_text().replace("status: published", "status: rejected"))
    ingest(project.config)
    assert "status: rejected" in path.read_text()


def test_deleted_article_is_not_recreated(project):
    project.seed("a.txt", dump(STORY, OTHER))
    ingest(project.config)
    path = _story_file(project)
    path.unlink()
    report = ingest(project.config)
    assert not path.exists()
    assert any("deleted" in n for n in report.notes)


def test_same_story_in_two_dumps_is_one_article_with_both_sources(project):
    project.seed("a.txt", dump(STORY))
    near = [line.replace("officials in Tokyo said", "Tokyo officials said") for line in STORY]
    project.seed("b.txt", dump(OTHER, near))
    report = ingest(project.config)
    assert len(report.written) == len(set(report.written)) == 2
    files = [t for p, t in project.articles().items() if "abductions" in p]
    assert len(files) == 1
    meta = front(files[0])
    assert meta["source"]["file"] == "a.txt"
    assert [s["file"] for s in meta["other_sources"]] == ["b.txt"]
    before = project.articles()
    ingest(project.config)
    assert project.articles() == before


def test_new_dump_repeating_a_known_story_keeps_the_known_file(project):
    project.seed("m.txt", dump(STORY))
    ingest(project.config)
    project.seed("a.txt", dump(STORY))   # sorts first, but the story's file already exists
    ingest(project.config)
    (text,) = [t for p, t in project.articles().items() if "abductions" in p]
    assert front(text)["source"]["file"] == "m.txt"


def test_bad_seeds_are_reported_by_name_and_the_rest_ingested(project):
    project.seed("0-binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    project.seed("1-latin1.txt", "Caf\xe9 talks\n".encode("latin-1"))
    project.seed("2-empty.txt", b"  \n\n")
    project.seed("3-bom-crlf.txt", "\ufeff" + dump(STORY).replace("\n", "\r\n"))
    (project.root / "seeds" / "4-huge.txt").write_bytes(b"x" * (21 * 2**20))
    project.seed("5-no-blank-lines.txt", "\n".join([LEDE, *PARAS]))
    report = ingest(project.config)
    messages = {str(p) for p in report.problems}
    assert any("0-binary.txt" in m and "binary" in m for m in messages)
    assert any("1-latin1.txt:1:" in m and "not UTF-8" in m for m in messages)
    assert any("2-empty.txt" in m and "empty" in m for m in messages)
    assert any("4-huge.txt" in m and "MB" in m for m in messages)
    assert len(report.problems) == 4
    files = project.articles()
    assert len(files) == 1  # BOM/CRLF story and the no-blank-line version of it are one story
    meta = front(next(iter(files.values())))
    assert meta["title"] == "Japan and North Korea hold rare talks on abductions"
    assert "\r" not in next(iter(files.values()))


def test_dry_run_writes_nothing(project):
    project.seed("a.txt", dump(STORY))
    report = ingest(project.config, dry_run=True)
    assert report.written and project.articles() == {}
    assert not (project.root / "content" / ".ingest-ledger.json").exists()


def test_untitled_article_gets_headline_from_lede_flagged_for_review(project):
    project.seed("t.txt", "\n".join([LEDE, *PARAS]))
    ingest(project.config)
    (text,) = project.articles().values()
    meta = front(text)
    assert meta["title"] == headline_from_lede(LEDE)
    assert "title" in meta["review"] and "date" in meta["review"]
    assert meta["date"] is None


def test_seed_html_is_escaped_in_markdown(project):
    hostile = "<script>alert(1)</script> and [a link](javascript:alert(1)) and *stars* in the text of the story."
    project.seed("x.txt", dump(arab_news_item("Japan and North Korea hold rare talks on abductions",
                                              [LEDE, hostile, *PARAS])))
    ingest(project.config)
    (text,) = project.articles().values()
    assert "<script>" not in text and r"\<script\>" in text
    assert r"\[a link\]" in text


def test_escape_markdown_neutralises_block_markers():
    assert escape_markdown("# not a heading") == r"\# not a heading"
    assert escape_markdown("1998. A year") == r"1998\. A year"
    assert escape_markdown("- not a list") == r"\- not a list"
    assert escape_markdown("AT&T &amp; co") == r"AT&T \&amp; co"


def test_written_files_parse_back_identically(project):
    from builder.content import dump as dump_article
    project.seed("a.txt", dump(STORY, OTHER))
    ingest(project.config)
    content = project.root / "content"
    for path in content.rglob("*.md"):
        rel = path.relative_to(content)
        assert dump_article(read_article(content, rel)) == path.read_text()


def test_hand_written_article_is_never_touched(project):
    hand = project.root / "content" / "articles" / "2024" / "my-note.md"
    hand.parent.mkdir(parents=True)
    hand.write_text("---\ntitle: My note\ndate: 2024-01-02\n---\n\nJapan and North Korea talked.\n")
    project.seed("a.txt", dump(STORY))
    ingest(project.config)
    assert hand.read_text().startswith("---\ntitle: My note")
    assert re.search(r"japan-and-north-korea", " ".join(project.articles()))


def test_parallel_ingest_writes_what_a_serial_one_does(tmp_path, monkeypatch):
    import sys
    from builder import ingest as ingest_module
    from tests.conftest import REPO, Project
    sys.path.insert(0, str(REPO / "bench"))
    from corpus import write_dumps

    outputs = []
    for name, threshold in (("parallel", 1), ("serial", 10**9)):
        (tmp_path / name).mkdir()
        project = Project(tmp_path / name)
        write_dumps(project.root / "seeds", 24)
        project.seed("zz-duplicate.txt", (project.root / "seeds" / "00001_taipei.txt").read_text())
        monkeypatch.setattr(ingest_module, "PARALLEL_FROM", threshold)
        report = ingest(project.config)
        assert not report.problems and len(report.written) > 40
        outputs.append((project.articles(), (project.root / "content" / ".ingest-ledger.json").read_text()))
    assert outputs[0] == outputs[1]


def test_changed_extraction_of_the_same_place_keeps_the_file(project):
    project.seed("a.txt", dump(STORY))
    ingest(project.config)
    (before,) = project.articles()
    # The page now shows one more paragraph (or the extractor keeps one more): a different text,
    # a different content id, but the same article at the same place in the same seed.
    project.seed("a.txt", dump(arab_news_item("Japan and North Korea hold rare talks on abductions",
                                              [LEDE, *PARAS, "A final paragraph was added to the story later on."])))
    ingest(project.config)
    files = project.articles()
    assert list(files) == [before] and "A final paragraph" in files[before]


def test_unchanged_seeds_are_replayed_from_the_cache_with_the_same_result(tmp_path, monkeypatch):
    from builder import stamp as stamp_module
    from builder.ingest import SEEDS
    from tests.conftest import Project
    monkeypatch.setattr(stamp_module, "RACY", 0)   # trust the times of files written a moment ago
    runs = []
    for name in ("cached", "fresh"):
        (tmp_path / name).mkdir()
        project = Project(tmp_path / name)
        project.seed("a.txt", dump(STORY))
        project.seed("b.txt", dump(OTHER))
        project.seed("c.txt", dump(STORY))                    # the same story again: merged into a.txt's
        if name == "cached":
            ingest(project.config)
            kept = {p.name: p.stat().st_ino for p in (project.config.cache_dir / SEEDS).iterdir()}
            assert len(kept) == 3
            project.seed("b.txt", dump(OTHER, STORY))         # changed: extracted again
            (project.root / "seeds" / "c.txt").unlink()       # gone: its cache entry too
        else:
            project.seed("b.txt", dump(OTHER, STORY))
            (project.root / "seeds" / "c.txt").unlink()
        ingest(project.config)
        runs.append((project.articles(), (project.root / "content" / ".ingest-ledger.json").read_text()))
        if name == "cached":
            now = {p.name: p.stat().st_ino for p in (project.config.cache_dir / SEEDS).iterdir()}
            assert len(now) == 2 and len(set(now.items()) & set(kept.items())) == 1   # a.txt's entry kept
    assert runs[0] == runs[1]


def test_people_are_written_as_the_config_names_them(project):
    config = project.root / "config.yaml"
    config.write_text(config.read_text().replace("\npeople:\n", "\npeople:\n  Yamada Taro: [Taro Yamada]\n"))
    project.seed("a.txt", dump(STORY))
    ingest(project.config)
    (text,) = project.articles().values()
    assert front(text)["people"] == ["Yamada Taro"]


def _reclipped() -> str:
    """STORY clipped again a day later: a line more at the top (its lines moved) and a word changed."""
    story = arab_news_item("Japan and North Korea hold rare talks on abductions",
                           [LEDE.replace("on Tuesday", "on Tuesday evening"), *PARAS])
    return dump(["Breaking news banner", ""], story)


def test_a_reclipped_seed_does_not_bring_back_rejected_or_deleted_articles(project):
    project.seed("a.txt", dump(STORY, OTHER))
    ingest(project.config)
    story, other = _story_file(project), next(project.root.glob("content/articles/*/football*.md"))
    story.write_text(story.read_text().replace("status: published", "status: rejected"))
    other.unlink()
    project.seed("a.txt", _reclipped() + "\n" + "\n".join(OTHER).replace("on Sunday", "on Sunday night"))
    report = ingest(project.config)
    assert list(project.articles()) == [story.relative_to(project.root / "content").as_posix()]
    assert "status: rejected" in story.read_text()
    assert any("deleted" in n for n in report.notes)


def test_a_ledger_without_sketches_still_knows_an_edited_article_by_its_text(project):
    # Ledgers written before they kept sketches: the sketch is made from the curator's file.
    project.seed("a.txt", dump(STORY))
    ingest(project.config)
    story = _story_file(project)
    story.write_text(story.read_text() + "\nA note the curator added.\n")
    ledger = project.root / "content" / ".ingest-ledger.json"
    data = json.loads(ledger.read_text())
    for entry in data["articles"].values():
        del entry["sketch"], entry["size"], entry["line"]
    ledger.write_text(json.dumps(data))
    project.seed("a.txt", _reclipped())
    ingest(project.config)
    assert list(project.articles()) == [story.relative_to(project.root / "content").as_posix()]


def test_a_seed_linked_outside_the_project_is_refused_and_one_inside_is_read(project, tmp_path_factory):
    """Issue 15 item 3: a symlink in seeds/ leading outside the project (`seeds/passwd.txt ->
    /etc/passwd`) is refused with one line naming it, the other seeds go on; one leading to a file
    inside the project is followed."""
    outside = tmp_path_factory.mktemp("outside") / "secret.txt"
    outside.write_text(dump(STORY), encoding="utf-8")
    (project.root / "seeds" / "passwd.txt").symlink_to(outside)
    kept = project.root / "clippings" / "other.txt"
    kept.parent.mkdir()
    kept.write_text(dump(OTHER), encoding="utf-8")
    (project.root / "seeds" / "other.txt").symlink_to(kept)
    report = ingest(project.config)
    assert [str(p) for p in report.problems] == [
        f"{project.root / 'seeds' / 'passwd.txt'}: seed is a link to {outside}, outside the project; skipped"]
    assert [p for p in project.articles() if p.startswith("articles/")] == [
        "articles/2024/football-club-wins-national-league-title-after-dramatic-final.md"]


def test_a_fifo_seed_is_refused_and_never_waited_for(project):
    """Issue 15 item 4: a FIFO (or any non-regular file) named `*.txt` in seeds/ is refused with a
    line naming it, and the other seeds are ingested; nothing waits for a writer that never comes."""
    project.seed("a.txt", dump(STORY))
    os.mkfifo(project.root / "seeds" / "pipe.txt")
    (project.root / "seeds" / "folder.txt").mkdir()
    result = subprocess.run([sys.executable, "-m", "builder", "ingest"], cwd=project.root, capture_output=True,
                            text=True, timeout=60, env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"})
    assert result.returncode == 1
    assert sorted(result.stderr.splitlines()) == [
        "error: seeds/folder.txt: seed is not a regular file (a folder); skipped",
        "error: seeds/pipe.txt: seed is not a regular file (a FIFO); skipped"]
    assert "ingest: wrote 1 article(s)" in result.stdout


@pytest.mark.parametrize("bom, encoding", [(codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
                                           (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be")])
def test_a_utf16_or_utf32_seed_with_a_byte_order_mark_is_read(project, bom, encoding):
    """Issue 15 item 5: a seed saved as UTF-16 or UTF-32 with its byte order mark is read like the
    same text in UTF-8, not called binary."""
    project.seed("a.txt", bom + dump(STORY).replace("\n", "\r\n").encode(encoding))
    report = ingest(project.config)
    assert not report.problems
    (text,) = [t for p, t in project.articles().items() if p.startswith("articles/")]
    assert front(text)["title"] == "Japan and North Korea hold rare talks on abductions"
    assert front(text)["date_source"] == "updated, line 6"
