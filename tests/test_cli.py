"""The command line as a user runs it: exit codes, `error: FILE:LINE: message`, explain, classify."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

from tests.conftest import REPO


def run(cwd, *args):
    return subprocess.run([sys.executable, "-m", "builder", *args], cwd=cwd, capture_output=True, text=True,
                          env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"}, timeout=300)


def test_build_prints_summary_and_writes_site(repo_copy):
    result = run(repo_copy, "build")
    assert result.returncode == 0, result.stderr
    assert "build: 9 article(s) (japan-dprk 4, japan-rok 1, ukraine-diplomacy 4)" in result.stdout
    assert (repo_copy / "site" / "index.html").exists()


def test_config_error_is_one_line_with_file_and_line_and_exit_1(repo_copy):
    cfg = repo_copy / "config.yaml"
    cfg.write_text(cfg.read_text().replace("language: en", "language: en\nlanguag: en"))
    result = run(repo_copy, "build")
    assert result.returncode == 1
    assert result.stderr.startswith("error: ") and "config.yaml:" in result.stderr
    assert "unknown key 'languag'" in result.stderr and "Traceback" not in result.stderr
    assert "Traceback" in run(repo_copy, "--debug", "build").stderr


def test_broken_article_fails_build_and_keeps_previous_site(repo_copy):
    assert run(repo_copy, "build").returncode == 0
    before = (repo_copy / "site" / "index.html").read_bytes()
    article = next((repo_copy / "content" / "articles").rglob("*.md"))
    article.write_text("---\ntitle: [broken\n---\nText\n")
    result = run(repo_copy, "build")
    assert result.returncode == 1
    assert f"{article.name}:2:" in result.stderr
    assert (repo_copy / "site" / "index.html").read_bytes() == before


def test_ingest_dry_run_and_bad_seed_message(repo_copy):
    (repo_copy / "seeds" / "bad.txt").write_bytes(b"\xff\xfe\x00binary")
    result = run(repo_copy, "ingest", "--dry-run")
    assert result.returncode == 1
    assert "bad.txt" in result.stderr and "binary" in result.stderr
    # The curator's nine articles are left alone; the three unfiled ones are as ingest wrote them.
    assert "ingest: would write 0 article(s), 3 unchanged" in result.stdout


def test_explain_kishida_yoon(repo_copy):
    path = next((repo_copy / "content" / "articles" / "2024").glob("japans-kishida*.md"))
    result = run(repo_copy, "explain", str(path))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    rok = out.split("== japan-rok")[1].split("==")[0]
    assert "FILED" in rok and "[x] NEAR/8" in rok and "yoon" in rok
    dprk = out.split("== japan-dprk")[1].split("==")[0]
    assert "score 2 < min_score 4" in dprk and '"north korea"' in dprk
    # ingest's decisions for its lines of the seed, then each line's class and evidence
    assert "line 1-7: dropped: furniture" in out and "date: 2024-09-06 (updated, line 6)" in out
    assert "furniture" in out.split("Short Url")[0].splitlines()[-1] and "a page control" in out


def test_explain_a_seed_shows_each_split_and_each_line(repo_copy):
    result = run(repo_copy, "explain", "seeds/004_3dd1195f19a70900.txt")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "5 article(s)" in out and "split at line 54: a new page or story" in out
    assert "not an article from line 96: headline-only item" in out
    follow = next(line for line in out.splitlines() if line.split()[:1] == ["100"])
    assert "Follow" in follow and "furniture" in follow and "a page control" in follow


def test_explain_text(repo_copy):
    result = run(repo_copy, "explain", "--text", "Ukraine and Russia held peace talks in Istanbul; Kyiv sent envoys.")
    assert result.returncode == 0
    assert "== ukraine-diplomacy (Ukraine diplomacy): FILED" in result.stdout


def test_classify_reports_moves(repo_copy):
    cfg = repo_copy / "config.yaml"
    cfg.write_text(cfg.read_text().replace("min_score: 4\n", "min_score: 40\n", 1))
    result = run(repo_copy, "classify")
    assert result.returncode == 0
    assert "japan-dprk: -" in result.stdout
    assert run(repo_copy, "classify").stdout.strip() == "classify: no article moved"


def test_explain_never_reads_outside_the_seeds_folder(repo_copy):
    path = next((repo_copy / "content" / "articles" / "2024").glob("japans-kishida*.md"))
    path.write_text(path.read_text().replace('file: "004_3dd1195f19a70900.txt"', "file: ../config.yaml"))
    result = run(repo_copy, "explain", str(path))
    assert result.returncode == 0 and "outside the seeds folder" in result.stdout


def test_a_fifo_in_content_is_refused_by_build_and_check(repo_copy):
    """Issue 15 item 4: a FIFO named like an article stops neither build nor check forever: each
    exits 1 with one line naming it, and the old site stays."""
    assert run(repo_copy, "build").returncode == 0
    before = (repo_copy / "site" / "index.html").read_bytes()
    pipe = repo_copy / "content" / "articles" / "2024" / "pipe.md"
    os.mkfifo(pipe)
    for command in ("build", "check"):
        result = run(repo_copy, command)
        assert result.returncode == 1, result.stdout
        assert f"error: {pipe.relative_to(repo_copy)}: is not a regular file (a FIFO)\n" in result.stderr
    assert (repo_copy / "site" / "index.html").read_bytes() == before


def test_one_rule_for_refused_input_build_and_check(repo_copy):
    """Issue 15 item 7: a refused seed does not stop the build, whose site holds the good seeds'
    articles, but the build exits 1 (as ingest does) while it is refused; check names it too."""
    (repo_copy / "seeds" / "bad.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    for _ in range(2):   # the second build has nothing else to do: the seed is still refused
        result = run(repo_copy, "build")
        assert result.returncode == 1, result.stderr
        assert result.stderr == "error: seeds/bad.txt:3: seed is binary, not text (it contains NUL bytes); skipped\n"
        assert "build: 9 article(s)" in result.stdout
    assert (repo_copy / "site" / "index.html").exists()
    result = run(repo_copy, "check")
    assert result.returncode == 1 and "error: seeds/bad.txt:3: seed is binary" in result.stderr
    (repo_copy / "seeds" / "bad.txt").unlink()
    assert run(repo_copy, "build").returncode == 0 and run(repo_copy, "check").returncode == 0


def test_classify_goes_on_past_a_broken_article_and_exits_1(repo_copy):
    """Issue 15 item 7: classify re-files every other article (and records them in the ledger)
    when one file is refused, names that file, and exits 1."""
    cfg = repo_copy / "config.yaml"
    cfg.write_text(cfg.read_text().replace("min_score: 4\n", "min_score: 40\n", 1))
    broken = next((repo_copy / "content" / "articles").rglob("japans-kishida*.md"))
    broken.write_text("---\ntitle: [broken\n---\nText\n")
    result = run(repo_copy, "classify")
    assert result.returncode == 1
    assert f"error: {broken.relative_to(repo_copy)}:2: front matter" in result.stderr
    assert "japan-dprk: -" in result.stdout
    again = run(repo_copy, "classify")
    assert again.returncode == 1 and "japan-dprk" not in again.stdout and "no article moved" in again.stdout


def test_a_project_without_a_seeds_folder_builds_and_exits_0(repo_copy):
    """Hand-written articles need no seeds/: a missing default folder is a note, not a refused
    input (issue 15 item 7's rule made it exit 1); `ingest --seeds DIR` with no DIR is an error."""
    shutil.rmtree(repo_copy / "seeds")
    result = run(repo_copy, "build")
    assert result.returncode == 0 and "no seeds folder, nothing to ingest" in result.stdout, result.stderr
    for named in (str(repo_copy / "clippings"), "seeds"):   # a folder named, even the default one
        result = run(repo_copy, "ingest", "--seeds", named)
        assert result.returncode == 1 and "no seeds folder" in result.stderr, named


def test_a_refused_seed_is_told_when_a_broken_article_stops_the_build(repo_copy):
    """Issue 15 item 7's rule: a seed ingest refused is told even when a broken article then stops
    the build (its message was lost, and came only once the article was mended)."""
    (repo_copy / "seeds" / "bad.txt").write_bytes(b"\x00binary")
    broken = repo_copy / "content" / "articles" / "2024" / "broken.md"
    broken.write_text("---\ntitle: [unclosed\n---\nText.\n", encoding="utf-8")
    result = run(repo_copy, "build")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    errors = result.stderr.splitlines()
    assert any(e.startswith("error: seeds/bad.txt:1: seed is binary") for e in errors), result.stderr
    assert any(e.startswith("error: content/articles/2024/broken.md:2:") for e in errors), result.stderr


def test_explain_an_article_shows_its_url_and_where_it_came_from(repo_copy):
    """Issue 18: explain on an article prints its `url:` and `url_source:`."""
    path = next((repo_copy / "content" / "articles" / "2024").glob("japans-kishida*.md"))
    path.write_text(path.read_text().replace("\ntitle:", "\nurl: https://www.arabnews.com/node/1\n"
                                             "url_source: curator\ntitle:", 1))
    result = run(repo_copy, "explain", str(path))
    assert result.returncode == 0, result.stderr
    assert "url: https://www.arabnews.com/node/1 (source: curator)" in result.stdout.splitlines()
