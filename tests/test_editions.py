"""Editions: which articles each holds (by the day it entered the briefing), grouped by dossier,
daily or weekly, with the editor's intro; and that an article never changes edition."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

from builder.content import article_files, read_article
from builder.site import load_site
from tests.test_history import git

JAPAN = "Japan and North Korea held talks on the abduction issue in Ulaanbaatar, officials in Tokyo said."
UKRAINE = "Ukraine and Russia held talks on a ceasefire in Istanbul with Zelensky's envoys, Kyiv said."


def write(project, rel, front, body=JAPAN):
    path = project.root / "content" / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\n{front}\n---\n\n{body}\n", encoding="utf-8")
    return path


def test_an_edition_a_day_lists_what_entered_that_day_grouped_by_dossier(project):
    """Issue 17 item 2: one edition per day on which articles entered the briefing (`added:`, else
    the date), newest first, each article once under the first of its dossiers in config order,
    with the editor's intro from content/editions/<date>.md."""
    write(project, "articles/2024/a.md", "title: Japan talks\ndate: 2024-05-01\nadded: 2024-09-06\n"
                                         "dossiers: [japan-rok, japan-dprk]")
    write(project, "articles/2024/b.md", "title: Ukraine talks\ndate: 2024-09-05\nadded: 2024-09-06\n"
                                         "dossiers: [ukraine-diplomacy]", UKRAINE)
    write(project, "articles/2024/c.md", "title: Japan again\ndate: 2024-09-02\ndossiers: [japan-dprk]")
    write(project, "articles/undated.md", "title: Japan undated\ndossiers: [japan-dprk]")
    write(project, "editions/2024-09-06.md", "title: A busy Friday", "Two stories today.")
    write(project, "editions/2023-01-01.md", "title: No edition", "Nothing entered that day.")
    site = load_site(project.config)
    assert [e.date for e in site.editions] == [dt.date(2024, 9, 6), dt.date(2024, 9, 2)]
    friday, monday = site.editions
    assert [(g.dossier.slug, [e.article.title for e in g.entries]) for g in friday.groups] == [
        ("japan-dprk", ["Japan talks"]), ("ukraine-diplomacy", ["Ukraine talks"])]
    assert friday.intro.title == "A busy Friday" and "Two stories" in friday.intro.body
    assert monday.intro.body == "" and [e.article.title for e in monday.entries] == ["Japan again"]
    assert (friday.url, friday.title, friday.older, friday.newer) == (
        "editions/2024-09-06/", "6 Sep 2024", dt.date(2024, 9, 2), None)
    assert monday.newer == dt.date(2024, 9, 6) and monday.older is None


def test_weekly_editions_are_iso_weeks_dated_by_their_monday(project):
    """Issue 17 item 2: `editions: weekly` makes one edition per ISO week, at its Monday's date."""
    config = project.root / "config.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("editions: daily", "editions: weekly"),
                      encoding="utf-8")
    for day in ("2024-09-02", "2024-09-08", "2024-09-09"):
        write(project, f"articles/{day}.md", f"title: Japan talks {day}\ndate: {day}\ndossiers: [japan-dprk]")
    site = load_site(project.config)
    assert [(e.date, e.title, len(e.entries)) for e in site.editions] == [
        (dt.date(2024, 9, 9), "Week of 9 Sep 2024", 1), (dt.date(2024, 9, 2), "Week of 2 Sep 2024", 2)]


def test_a_hand_written_article_is_in_the_edition_of_its_first_commit(project):
    """Issue 17 item 1: an article without `added:` enters the briefing with its file's first
    commit (read from git once per commit checked out, by the cached reading), else its date."""
    from builder.incremental.cache import open_cache, save_cache
    from builder.incremental.reading import Cached
    git(project.root, "init", "-q")
    write(project, "articles/a.md", "title: Japan talks\ndate: 2024-05-01\ndossiers: [japan-dprk]")
    git(project.root, "add", "-A")
    git(project.root, "commit", "-q", "-m", "a", day="2024-09-06")
    write(project, "articles/b.md", "title: Japan again\ndate: 2024-05-02\ndossiers: [japan-dprk]")
    config = project.config
    days = {e.date: [x.article.title for x in e.entries] for e in load_site(config).editions}
    assert days == {dt.date(2024, 9, 6): ["Japan talks"], dt.date(2024, 5, 2): ["Japan again"]}
    cache = open_cache(config)
    assert load_site(config, reading=Cached(cache)).editions == load_site(config).editions
    save_cache(config, cache)
    assert open_cache(config).history == cache.history and cache.history[0]
    git(project.root, "add", "-A")
    git(project.root, "commit", "-q", "-m", "b", day="2024-09-07")
    again = load_site(config, reading=Cached(open_cache(config)))
    assert [e.date for e in again.editions] == [dt.date(2024, 9, 7), dt.date(2024, 9, 6)]


STORIES = {
    "Ulaanbaatar": ["Japan and North Korea held talks in Ulaanbaatar on Tuesday on the abduction of Japanese "
                    "citizens, officials in Tokyo said, the first such meeting in years.",
                    "Japanese Prime Minister Taro Yamada said Tokyo would keep pressing Pyongyang to return them."],
    "Hanoi": ["North Korean and Japanese diplomats met secretly in Hanoi last month to discuss a possible summit "
              "between Kim Jong Un and the Japanese prime minister, two sources in Tokyo said on Wednesday.",
              "The sources said the meeting covered missile launches over Hokkaido and long-stalled trade links."],
    "Stockholm": ["Tokyo protested to Pyongyang through its embassy in Beijing after North Korea fired a ballistic "
                  "missile that fell inside Japan's exclusive economic zone off Akita, the defence ministry said.",
                  "Japan will ask the Security Council to meet, a government spokesman in Stockholm told reporters."],
}


def _story(title: str, place: str, extra: str = "") -> str:
    from tests.test_ingest import arab_news_item, dump
    return dump(arab_news_item(title, [*STORIES[place], *([extra] if extra else [])]))


def test_editions_are_stable_an_article_stays_in_the_edition_of_the_day_it_arrived(project):
    """Issue 17 item 5: seeds ingested on three days (the clock fixed by SOURCE_DATE_EPOCH, a real
    `build` each day) put each article in its day's edition; a build days later, after a seed
    is clipped again with its text changed, and a clean build, move none of them."""
    def build_on(day: str, *args: str) -> None:
        epoch = int(dt.datetime.fromisoformat(f"{day}T09:00:00+00:00").timestamp())
        done = subprocess.run([sys.executable, "-m", "builder", "build", *args], cwd=project.root,
                              env=os.environ | {"SOURCE_DATE_EPOCH": str(epoch)}, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr

    days = {"2024-09-02": ("Japan and North Korea meet in Ulaanbaatar", "Ulaanbaatar"),
            "2024-09-03": ("Japan and North Korea diplomats met in Hanoi", "Hanoi"),
            "2024-09-05": ("Japan protests North Korean missile launch", "Stockholm")}
    for day, (title, place) in days.items():
        project.seed(f"{place}.txt", _story(title, place))
        build_on(day)

    def editions() -> dict[str, list[str]]:
        return {e.date.isoformat(): [x.article.title for x in e.entries] for e in load_site(project.config).editions}
    expected = {day: [title] for day, (title, _) in days.items()}
    assert editions() == expected
    content = project.root / "content"
    assert {read_article(content, rel).added.isoformat() for rel in article_files(content)} == set(days)
    project.seed("Hanoi.txt", _story("Japan and North Korea diplomats met in Hanoi", "Hanoi",
                                     "A paragraph the page gained when it was clipped again."))
    build_on("2024-09-20")
    assert editions() == expected
    assert any("clipped again" in read_article(content, rel).body for rel in article_files(content))
    build_on("2024-09-21", "--clean")
    assert editions() == expected
    for day, (title, _) in days.items():
        page = (project.root / "site" / "editions" / day / "index.html").read_text(encoding="utf-8")
        assert title in page and all(other in (title,) or other not in page for other, _ in days.values())
