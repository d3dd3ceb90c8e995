"""The in-memory site model: what is published, where it goes, and how pages link up."""

from __future__ import annotations

import pytest

from builder.errors import BuilderError
from builder.site import load_site

BODY = "Japan and North Korea held talks on the abduction issue in Ulaanbaatar, officials in Tokyo said."


def write(project, rel, front, body=BODY):
    path = project.root / "content" / "articles" / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\n{front}\n---\n\n{body}\n")
    return path


def test_hand_written_article_is_filed_by_query_and_published(project):
    write(project, "2024/a.md", "title: Japan and North Korea talk\ndate: 2024-05-01\npeople: [Taro Yamada]")
    site = load_site(project.config)
    (entry,) = site.entries
    assert entry.article.dossiers == ("japan-dprk",) and entry.article.status == "published"
    assert entry.url == "articles/2024/japan-and-north-korea-talk/"
    assert [p.name for p in site.people] == ["Taro Yamada"] and site.people[0].url == "people/taro-yamada/"


def test_unfiled_hidden_unless_drafts_and_rejected_always_hidden(project):
    write(project, "2024/u.md", "title: Football results\ndate: 2024-05-01", "The home side won 2-0 on Sunday.")
    write(project, "2024/r.md", "title: Japan and North Korea rejected\nstatus: rejected")
    site = load_site(project.config)
    assert site.entries == () and site.unfiled == 1 and site.rejected == 1
    drafts = load_site(project.config, drafts=True)
    assert [e.article.title for e in drafts.entries] == ["Football results"] and drafts.entries[0].draft


def test_two_articles_on_one_url_is_an_error_naming_both(project):
    first = write(project, "2024/a.md", "title: Same title\ndate: 2024-05-01\ndossiers: [japan-dprk]")
    second = write(project, "2024/b.md", "title: Same Title!\ndate: 2024-06-01\ndossiers: [japan-dprk]")
    with pytest.raises(BuilderError) as info:
        load_site(project.config)
    assert str(first) in str(info.value) and str(second) in str(info.value)


def test_unknown_dossier_and_bad_files_reported_together(project):
    write(project, "2024/a.md", "title: A\ndossiers: [no-such-dossier]")
    write(project, "2024/b.md", "title: [broken")
    with pytest.raises(BuilderError) as info:
        load_site(project.config)
    message = str(info.value)
    assert "unknown dossier 'no-such-dossier'" in message and "b.md:2:" in message


def test_timelines_neighbours_related_and_archive(project):
    for n, (date, people) in enumerate([("2024-03-01", "[Taro Yamada]"), ("2023-02-01", "[Taro Yamada, Kim Jong Un]"),
                                        ("2023-01-01", "[Someone Else]"), ("", "[Kim Jong Un]")]):
        write(project, f"x/{n}.md", f"title: Story {n}\ndate: {date}\ndossiers: [japan-dprk]\npeople: {people}")
    site = load_site(project.config)
    assert [e.article.title for e in site.entries] == ["Story 0", "Story 1", "Story 2", "Story 3"]
    assert [(y.label, len(y.entries)) for y in site.years] == [("2024", 1), ("2023", 2), ("undated", 1)]
    (middle,) = site.neighbours[site.entries[1].url]
    assert middle.newer.article.title == "Story 0" and middle.older.article.title == "Story 2"
    assert [e.article.title for e in site.related[site.entries[1].url]] == ["Story 0", "Story 3"]
    assert site.related[site.entries[2].url] == ()


def test_source_date_epoch_sets_last_updated(project, monkeypatch):
    from builder.site import last_updated
    write(project, "2024/a.md", "title: Japan and North Korea talk\ndate: 2024-05-01")
    site = load_site(project.config)
    assert str(last_updated(site)) == "2024-05-01"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert str(last_updated(site)) == "2023-11-14"
