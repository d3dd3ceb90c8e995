"""The in-memory site model: what is published, where it goes, and how pages link up."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings, strategies as st

from builder import site as site_module
from builder.content import Article
from builder.errors import BuilderError
from builder.incremental.cache import Cache
from builder.incremental.reading import Cached
from builder.site import load_site

BODY = "Japan and North Korea held talks on the abduction issue in Ulaanbaatar, officials in Tokyo said."


def write(project, rel, front, body=BODY):
    path = project.root / "content" / "articles" / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\n{front}\n---\n\n{body}\n")
    return path


def refusal(project) -> str:
    """The error load_site refuses the project's content with."""
    with pytest.raises(BuilderError) as info:
        load_site(project.config)
    return str(info.value)


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


def test_two_spellings_of_a_name_in_one_article_are_one_person_listing_it_once(project):
    write(project, "x/a.md", "title: Story A\ndate: 2024-03-01\ndossiers: [japan-dprk]\n"
                             "people: [Kim Jong Un, Kim Jong-un]")
    write(project, "x/b.md", "title: Story B\ndate: 2024-02-01\ndossiers: [japan-dprk]\npeople: [Kim Jong Un]")
    site = load_site(project.config)
    (person,) = site.people
    assert person.name == "Kim Jong Un" and [e.article.title for e in person.entries] == ["Story A", "Story B"]
    assert [e.article.title for e in site.related[site.entries[0].url]] == ["Story B"]


def test_a_long_timeline_shows_its_newest_and_a_page_per_year(project):
    config = project.root / "config.yaml"
    config.write_text(config.read_text().replace("  page_size: 50 ", "  page_size: 3 "))
    dates = ["2024-03-01", "2024-01-05", "2023-12-31", "2023-02-01", "", "2019-07-07"]
    for n, date in enumerate(dates):
        people = "[Taro Yamada]" if n < 3 else "[Kim Jong Un, Taro Yamada]"
        write(project, f"x/{n}.md", f"title: Story {n}\ndate: {date}\ndossiers: [japan-dprk]\npeople: {people}")
    write(project, "x/rok.md", "title: Seoul\ndate: 2024-01-01\ndossiers: [japan-rok]\npeople: [Taro Yamada]")
    site = load_site(project.config)
    dprk, rok, _ = site.dossiers
    assert [e.article.title for e in dprk.recent] == ["Story 0", "Story 1", "Story 2"]
    assert [(y.url, [e.article.title for e in y.entries]) for y in dprk.years] == [
        ("dossiers/japan-dprk/2024/", ["Story 0", "Story 1"]), ("dossiers/japan-dprk/2023/", ["Story 2", "Story 3"]),
        ("dossiers/japan-dprk/2019/", ["Story 5"]), ("dossiers/japan-dprk/undated/", ["Story 4"])]
    assert {(y.owner, y.parent, y.siblings) for y in dprk.years} == {
        ("Japan–DPRK", "dossiers/japan-dprk/", ("2024", "2023", "2019", "undated"))}
    # A timeline that fits on its page has no pages per year.
    assert rok.recent == rok.entries and rok.years == ()
    kim, taro = site.people
    assert kim.recent == kim.entries and kim.years == ()
    assert len(taro.entries) == 7 and len(taro.recent) == 3
    assert [y.url for y in taro.years] == ["people/taro-yamada/2024/", "people/taro-yamada/2023/",
                                           "people/taro-yamada/2019/", "people/taro-yamada/undated/"]
    assert sum(len(y.entries) for y in taro.years) == 7 and taro.years[0].owner == "Taro Yamada"
    # The archive is by year whatever its size.
    assert [(y.url, y.owner) for y in site.years][:1] == [("archive/2024/", "Archive")]


def test_source_date_epoch_sets_last_updated(project, monkeypatch):
    from builder.site import last_updated
    write(project, "2024/a.md", "title: Japan and North Korea talk\ndate: 2024-05-01")
    site = load_site(project.config)
    assert str(last_updated(site)) == "2024-05-01"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert str(last_updated(site)) == "2023-11-14"


# Related articles are ranked again only near what changed: after any change, that is what ranking
# every article afresh gives. "Person a" is "Person A" spelt another way (one person).
_DAYS = st.one_of(st.none(), st.integers(0, 40).map(lambda n: dt.date(2024, 1, 1) + dt.timedelta(days=n)))
_STORY = st.tuples(_DAYS, st.lists(st.sampled_from("ABCDEa"), max_size=3, unique=True),
                   st.lists(st.sampled_from(["japan-dprk", "japan-rok"]), min_size=1, max_size=2, unique=True))


def _timeline(stories: dict[int, tuple]) -> tuple[list, tuple]:
    entries = sorted((site_module._entry(Article(f"x/{n}.md", f"Story {n}", "", date=date,
                                                 people=tuple(f"Person {p}" for p in people),
                                                 dossiers=tuple(dossiers), status="published"))
                      for n, (date, people, dossiers) in stories.items()), key=site_module.entry_order)
    return entries, site_module._people(entries, 50)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.integers(0, 60), _STORY, min_size=30, max_size=60),
       st.lists(st.tuples(st.integers(0, 70), st.one_of(st.none(), _STORY)), min_size=1, max_size=3))
def test_related_ranked_again_near_the_changes_alone_as_if_ranked_afresh(stories, changes):
    reading = Cached(Cache("test"))
    reading.related(*_timeline(stories))
    for n, story in changes:   # added, changed, or (None) removed
        stories = {k: v for k, v in stories.items() if k != n} | ({n: story} if story else {})
    entries, people = _timeline(stories)
    remembered = reading.related(entries, people)
    urls = {url: [e.url for e in found] for url, found in remembered.items()}
    assert urls == {url: [e.url for e in found] for url, found in site_module.rank_related(entries, people).items()}


def test_a_content_file_linked_outside_the_project_is_refused(project, tmp_path_factory):
    """Issue 15 item 3: an article that is a symlink leading outside the project is refused with an
    error naming it (its text never reaches a page); one leading inside the project is followed."""
    outside = tmp_path_factory.mktemp("outside") / "secret.md"
    outside.write_text(f"---\ntitle: Japan and North Korea secret\n---\n\n{BODY}\n", encoding="utf-8")
    leak = project.root / "content" / "articles" / "2024" / "leak.md"
    leak.parent.mkdir(parents=True)
    leak.symlink_to(outside)
    assert refusal(project) == f"{leak}: is a link to {outside}, outside the project"
    drafts = project.root / "drafts" / "mine.md"
    drafts.parent.mkdir()
    drafts.write_text(f"---\ntitle: Japan and North Korea talk\n---\n\n{BODY}\n", encoding="utf-8")
    leak.unlink()
    leak.symlink_to(drafts)
    assert [e.article.title for e in load_site(project.config).entries] == ["Japan and North Korea talk"]


def test_a_utf16_article_with_a_byte_order_mark_is_read(project):
    """Issue 15 item 5: an article a curator's editor saved as UTF-16 (with its byte order mark) is
    read; one that is not text says what it is and where."""
    path = write(project, "2024/a.md", "title: Japan and North Korea talk — in Ulaanbaatar")
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))
    (entry,) = load_site(project.config).entries
    assert entry.article.title == "Japan and North Korea talk — in Ulaanbaatar"
    assert entry.article.body.startswith("Japan")
    path.write_bytes(b"---\ntitle: x\n---\n\xff\n")
    assert refusal(project) == f"{path}:4: is not UTF-8 (byte 0xff at offset 17); re-save it as UTF-8"


def test_two_articles_with_the_same_id_are_refused_naming_both(project):
    """Issue 15 item 8: two articles with the same `id:` (two Atom entries with the same <id>) are
    an error naming both files, whether shown or not."""
    first = write(project, "2024/a.md", "title: Japan and North Korea talk\nid: 0123456789ab")
    second = write(project, "undated/b.md", "title: Japan and North Korea meet\nstatus: rejected\nid: 0123456789ab")
    assert refusal(project) == (f"{second}:4: has the same id 0123456789ab as {first}; an id names one article "
                               "(its feed entry, ingest's ledger): give one another id or delete it")


LONG_SLUG = "japan-and-north-korea-agree-to-hold-a-second-round-of-talks-before-the-year-end-2"


def test_a_slug_the_curator_wrote_is_used_as_written(project):
    """Issue 15 item 9: an explicit `slug:` is the page's address as written: not cut to 70
    characters nor trimmed at a word (which made `...-year-end-2` collide with `...-year-end`)."""
    write(project, "2024/a.md", f"title: Japan and North Korea talk\ndate: 2024-05-01\nslug: {LONG_SLUG}")
    write(project, "2024/b.md", f"title: Japan and North Korea talk again\ndate: 2024-05-02\nslug: {LONG_SLUG[:-2]}")
    site = load_site(project.config)
    assert {e.url for e in site.entries} == {f"articles/2024/{LONG_SLUG[:-2]}/", f"articles/2024/{LONG_SLUG}/"}


NO_SLUG = "'slug' must be lower-case letters and digits in words joined by '-', such as 'year-end-2'; got "


@pytest.mark.parametrize("slug, why", [
    ("Year End", NO_SLUG + "'Year End'"), ("year--end", NO_SLUG + "'year--end'"),
    ("../../etc", NO_SLUG + "'../../etc'"),
    ('"year-end-2\\n"', NO_SLUG + "'year-end-2\\n'"),   # a final newline (found in review)
    ("a" * 256, "'slug' is 256 characters long; a folder name may have 255"),
])
def test_a_slug_that_is_no_slug_is_refused_with_the_reason(project, slug, why):
    """Issue 15 item 9: a `slug:` that cannot be used as written is refused at its line, saying why."""
    path = write(project, "2024/a.md", f"title: Japan and North Korea talk\nslug: {slug}")
    assert refusal(project) == f"{path}:3: {why}"


def test_two_articles_with_one_slug_are_refused_naming_it(project):
    """Issue 15 item 9: an explicit slug that another article's page already has is refused."""
    first = write(project, "2024/a.md", "title: Japan and North Korea talk\ndate: 2024-05-01\nslug: the-talks")
    second = write(project, "2024/b.md", "title: Japan and North Korea meet\ndate: 2024-06-01\nslug: the-talks")
    assert refusal(project) == (f"{second}: writes the same page /articles/2024/the-talks/ as {first}; "
                               "change its 'slug:'")


def test_an_empty_slug_leaves_the_address_to_the_title(project):
    """Issue 15 item 9: `slug:` left empty is no slug: the title makes the address."""
    write(project, "2024/a.md", "title: Japan and North Korea talk\ndate: 2024-05-01\nslug:")
    assert [e.url for e in load_site(project.config).entries] == ["articles/2024/japan-and-north-korea-talk/"]


def test_the_front_page_leads_with_a_featured_article_and_shows_each_headline_once(project):
    """Issue 17 item 2: the lead is the newest article marked `featured: true`, else the newest; each
    dossier's card holds its newest (config `latest`) not shown above it, so an article filed in two
    dossiers, the lead, or one of the latest edition's (here the newest day's), appears once."""
    for day in range(1, 6):
        write(project, f"2024/d{day}.md",
              f"title: Story {day}\ndate: 2024-05-0{day}\ndossiers: [japan-dprk, japan-rok]")
    site = load_site(project.config)
    assert site.lead.article.title == "Story 5"
    assert [e.article.title for e in site.front["japan-dprk"]] == ["Story 4", "Story 3", "Story 2"]
    assert [e.article.title for e in site.front["japan-rok"]] == ["Story 1"]
    assert site.front["ukraine-diplomacy"] == ()
    write(project, "2024/d2.md", "title: Story 2\ndate: 2024-05-02\nfeatured: true\ndossiers: [japan-dprk]")
    site = load_site(project.config)
    assert site.lead.article.title == "Story 2" and site.lead.article.featured
    assert [e.article.title for e in site.editions[0].groups[0].entries] == ["Story 5"]
    assert [e.article.title for e in site.front["japan-dprk"]] == ["Story 4", "Story 3", "Story 1"]
    write(project, "2024/d2.md", "title: Story 2\ndate: 2024-05-02\nfeatured: maybe\ndossiers: [japan-dprk]")
    assert "d2.md:4: 'featured' must be true or false, got 'maybe'" in refusal(project)


def test_a_dossier_counts_its_articles_per_month_and_the_people_it_names_most(project):
    """Issue 17 item 3: a dossier's activity is its articles per month from its first month to the
    site's newest (months without any included), and its people are those it names most."""
    write(project, "2024/a.md",
          "title: A\ndate: 2024-01-10\ndossiers: [japan-dprk]\npeople: [Taro Yamada, Kim Jong Un]")
    write(project, "2024/b.md", "title: B\ndate: 2024-01-20\ndossiers: [japan-dprk]\npeople: [Kim Jong Un]")
    write(project, "2024/c.md", "title: C\ndate: 2024-03-02\ndossiers: [japan-dprk]\npeople: [Kim Jong-un]")
    write(project, "2024/d.md", "title: D\ndate: 2024-04-30\ndossiers: [japan-rok]\npeople: [Taro Yamada]")
    write(project, "2024/e.md", "title: E\ndossiers: [japan-dprk]")
    view = load_site(project.config).dossiers[0]
    assert [(m.label, m.count) for m in view.activity] == [("2024-01", 2), ("2024-02", 0), ("2024-03", 1),
                                                           ("2024-04", 0)]
    assert view.activity[0].date == dt.date(2024, 1, 1)
    assert [(p.name, p.slug, p.count) for p in view.people] == [("Kim Jong-un", "kim-jong-un", 3),
                                                                ("Taro Yamada", "taro-yamada", 1)]


def test_a_persons_file_gives_their_role_and_merges_their_spellings(project):
    """Issue 17 item 5: `content/people/<slug>.md` gives a person's name, role, country, a line of
    biography and aliases; an article naming an alias names that person, as their file spells
    them; a file that is not the name's page, or says what it may not, is refused at its line."""
    write(project, "2024/a.md",
          "title: A\ndate: 2024-01-10\ndossiers: [japan-dprk]\npeople: [Kim Jong-eun, Taro Yamada]")
    write(project, "2024/b.md", "title: B\ndate: 2024-01-11\ndossiers: [japan-dprk]\npeople: [Kim Jong-un]")
    people = project.root / "content" / "people"
    people.mkdir()
    (people / "kim-jong-un.md").write_text("---\nname: Kim Jong Un\nrole: Supreme Leader\ncountry: North Korea\n"
                                           "aliases: [Kim Jong-eun]\n---\n\nLeader since\n2011.\n")
    site = load_site(project.config)
    assert [(p.name, len(p.entries)) for p in site.people] == [("Kim Jong Un", 2), ("Taro Yamada", 1)]
    assert site.entries[1].article.people == ("Kim Jong Un", "Taro Yamada")
    profile = site.profiles["kim-jong-un"]
    assert (profile.role, profile.country, profile.aliases, profile.bio) == (
        "Supreme Leader", "North Korea", ("Kim Jong-eun",), "Leader since 2011.")
    (people / "kim-jong-un.md").write_text("---\nrole: Leader\nname: Kim Jong Il\n---\n")
    assert "people/kim-jong-un.md:3: 'name' Kim Jong Il has the page people/kim-jong-il/: name the file " \
           "kim-jong-il.md" in refusal(project)
    (people / "kim-jong-un.md").write_text("---\nname: Kim Jong Un\nrank: marshal\n---\n")
    assert ("kim-jong-un.md:3: unknown key 'rank' (a person's file has: name, role, country, aliases)"
            in refusal(project))
