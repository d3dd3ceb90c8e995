"""Feeds and crawler metadata: valid formats, absolute URLs, stable ids, hostile text kept as text."""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from builder import feeds
from builder.config import load_config
from builder.content import Article
from builder.site import Entry
from builder.text import slugify

REPO = Path(__file__).resolve().parent.parent
ROOT = "https://example.org/briefing/"
A = "{http://www.w3.org/2005/Atom}"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XSS = "<script>alert(1)</script>"
BREAKOUT = "</script><script>alert(1)</script>"


def entry(title: str = "Kishida & Yoon meet", *, date: dt.date | None = dt.date(2024, 3, 1),
          ident: str = "c76c04470012", summary: str = "Leaders agree to meet again.",
          publisher: str | None = "Kyodo", dossiers: tuple[str, ...] = ("japan-rok",),
          people: tuple[str, ...] = ("Fumio Kishida", "Yoon Suk Yeol")) -> Entry:
    year = str(date.year) if date else "undated"
    slug = slugify(title)[:40] or "x"
    article = Article(path=f"articles/{year}/{slug}.md", title=title, body="Body.", date=date,
                      publisher=publisher, summary=summary, people=people, dossiers=dossiers,
                      status="published", id=ident)
    return Entry(article, slug, f"articles/{year}/{slug}/", False, year)


ENTRIES = (entry(), entry("Older story", date=dt.date(2023, 5, 2), ident="1c0080b839a1", publisher=None),
           entry("Undated story", date=None, ident="", dossiers=("japan-dprk", "japan-rok")))


@pytest.fixture(scope="module")
def titles() -> dict[str, str]:
    return {d.slug: d.title for d in load_config(REPO / "config.yaml").dossiers}


def make_atom(entries=ENTRIES, updated=None, **kw) -> str:
    return feeds.atom("Briefing", ROOT, "feed.xml", entries, updated, **kw)


def parse(text: str) -> ET.Element:
    return ET.fromstring(text.encode("utf-8"))


def rfc3339(text: str) -> dt.datetime:
    assert text.endswith("Z")
    return dt.datetime.fromisoformat(text[:-1] + "+00:00")


def test_atom_has_rfc4287_required_elements(titles):
    text = make_atom(subtitle="All dossiers", dossier_titles=titles)
    feed = parse(text)
    assert text.startswith('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">')
    assert feed.tag == f"{A}feed"
    for tag in ("id", "title", "updated", "subtitle", "generator"):
        assert feed.find(A + tag).text
    assert feed.find(f"{A}author/{A}name").text == "Briefing"
    assert rfc3339(feed.find(f"{A}updated").text) == dt.datetime(2024, 3, 1, tzinfo=dt.UTC)
    rels = {link.get("rel"): link.get("href") for link in feed.findall(f"{A}link")}
    assert rels == {"self": ROOT + "feed.xml", "alternate": ROOT}
    items = feed.findall(f"{A}entry")
    assert len(items) == 3
    for item in items:
        for tag in ("id", "title", "updated"):
            assert item.find(A + tag).text
        rfc3339(item.find(f"{A}updated").text)
        assert item.find(f"{A}link").get("rel") == "alternate"
        assert item.find(f"{A}author/{A}name").text
    first, older, undated = items
    assert first.find(f"{A}published").text == "2024-03-01T00:00:00Z"
    assert first.find(f"{A}author/{A}name").text == "Kyodo"
    assert older.find(f"{A}author/{A}name").text == "Briefing"      # no publisher: the site
    assert first.find(f"{A}summary").text == "Leaders agree to meet again."
    assert undated.find(f"{A}published") is None
    assert undated.find(f"{A}updated").text == feed.find(f"{A}updated").text
    assert [(c.get("term"), c.get("label")) for c in undated.findall(f"{A}category")] == [
        ("japan-dprk", "Japan–DPRK"), ("japan-rok", "Japan–ROK")]


def test_atom_updated_falls_back_to_epoch_and_takes_the_later_date():
    undated = (entry(date=None),)
    assert parse(make_atom(undated)).find(f"{A}updated").text == "1970-01-01T00:00:00Z"
    later = parse(make_atom(updated=dt.date(2025, 1, 2))).find(f"{A}updated").text
    assert later == "2025-01-02T00:00:00Z"
    earlier = parse(make_atom(updated=dt.date(2020, 1, 1))).find(f"{A}updated").text
    assert earlier == "2024-03-01T00:00:00Z"


def test_atom_urls_are_absolute_under_root():
    feed = parse(feeds.atom("Japan–ROK", ROOT, "dossiers/japan-rok/feed.xml", ENTRIES, None))
    assert feed.find(f"{A}id").text == ROOT + "dossiers/japan-rok/feed.xml"
    rels = {link.get("rel"): link.get("href") for link in feed.findall(f"{A}link")}
    assert rels == {"self": ROOT + "dossiers/japan-rok/feed.xml", "alternate": ROOT + "dossiers/japan-rok/"}
    links = [item.find(f"{A}link").get("href") for item in feed.findall(f"{A}entry")]
    assert links == [ROOT + e.url for e in ENTRIES]
    explicit = parse(feeds.atom("All", ROOT, "feeds/all.xml", ENTRIES, None, home_path=""))
    assert [link.get("href") for link in explicit.findall(f"{A}link")] == [ROOT + "feeds/all.xml", ROOT]


def test_entry_ids_are_tag_uris_stable_across_runs_and_title_edits():
    ids = [item.find(f"{A}id").text for item in parse(make_atom()).findall(f"{A}entry")]
    assert ids == [item.find(f"{A}id").text for item in parse(make_atom()).findall(f"{A}entry")]
    assert ids[0] == "tag:example.org,2000-01-01:/briefing/c76c04470012"
    assert ids[2] == "tag:example.org,2000-01-01:/briefing/articles/undated/undated-story.md"  # no id: file
    assert len(set(ids)) == 3

    edited = replace(ENTRIES[0], article=replace(ENTRIES[0].article, title="Kishida and Yoon meet",
                                                  date=dt.date(2024, 3, 2)), url="articles/2024/new/")
    assert parse(make_atom((edited,))).find(f"{A}entry/{A}id").text == ids[0]
    other_site = parse(feeds.atom("B", "https://example.org/other/", "feed.xml", ENTRIES[:1], None))
    assert other_site.find(f"{A}entry/{A}id").text != ids[0]


def test_atom_escapes_hostile_text():
    hostile = entry(XSS, summary=f"Summary {XSS} & more", publisher=XSS)
    text = feeds.atom(XSS, ROOT, "feed.xml", (hostile,), None, subtitle=XSS)
    assert "<script" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    feed = parse(text)
    assert feed.find(f"{A}title").text == XSS
    assert feed.find(f"{A}entry/{A}title").text == XSS
    assert feed.find(f"{A}entry/{A}summary").text == f"Summary {XSS} & more"
    assert not [el for el in feed.iter() if "script" in el.tag]


def test_atom_drops_characters_xml_cannot_carry():
    feed = parse(make_atom((entry("Bell\x07 and \x00null\ufffe", summary="tab\there"),)))
    assert feed.find(f"{A}entry/{A}title").text == "Bell and null"
    assert feed.find(f"{A}entry/{A}summary").text == "tab\there"


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1, max_size=40))
def test_atom_round_trips_any_title(title):
    got = parse(make_atom((entry(title),))).find(f"{A}entry/{A}title").text or ""
    expected = feeds._NOT_XML.sub("", title).replace("\r", "\n")  # XML parsers normalise CR
    assert got == expected


def test_feeds_keep_the_latest_fifty():
    many = tuple(entry(f"Story {i}", date=dt.date(2024, 1, 1) - dt.timedelta(days=i), ident=f"id{i}")
                 for i in range(60))
    assert len(parse(make_atom(many)).findall(f"{A}entry")) == 50
    items = json.loads(feeds.json_feed("B", ROOT, "feed.json", many, ""))["items"]
    assert [i["title"] for i in items] == [f"Story {i}" for i in range(50)]


def test_json_feed_is_valid_1_1():
    text = feeds.json_feed("Briefing", ROOT, "feed.json", ENTRIES + (entry(XSS, ident="x"),), "",
                           site_title="The Briefing")
    data = json.loads(text)
    assert text.endswith("\n")
    assert data["version"] == "https://jsonfeed.org/version/1.1"
    assert (data["title"], data["home_page_url"], data["feed_url"]) == ("Briefing", ROOT, ROOT + "feed.json")
    assert data["authors"] == [{"name": "The Briefing"}]
    atom_ids = [item.find(f"{A}id").text for item in parse(make_atom()).findall(f"{A}entry")]
    assert [i["id"] for i in data["items"][:3]] == atom_ids
    first, older, undated, hostile = data["items"]
    assert first["url"] == ROOT + ENTRIES[0].url
    assert first["title"] == "Kishida & Yoon meet" and first["summary"] == "Leaders agree to meet again."
    assert first["date_published"] == "2024-03-01T00:00:00Z" and first["tags"] == ["japan-rok"]
    assert first["authors"] == [{"name": "Kyodo"}] and older["authors"] == [{"name": "The Briefing"}]
    assert "date_published" not in undated and undated["tags"] == ["japan-dprk", "japan-rok"]
    assert hostile["title"] == XSS
    for item in data["items"]:
        assert item["id"] and (item.get("content_text") or item.get("content_html"))


def test_sitemap_lists_exactly_the_paths_as_absolute_urls():
    paths = ["", "dossiers/japan-rok/", "articles/2024/x/"]
    text = feeds.sitemap(ROOT, paths, {"articles/2024/x/": dt.date(2024, 3, 1)})
    urlset = parse(text)
    assert urlset.tag == f"{SM}urlset"
    assert [u.find(f"{SM}loc").text for u in urlset] == [ROOT, ROOT + "dossiers/japan-rok/",
                                                         ROOT + "articles/2024/x/"]
    assert [u.findtext(f"{SM}lastmod") for u in urlset] == [None, None, "2024-03-01"]
    odd = parse(feeds.sitemap(ROOT, ["articles/2024/caf\u00e9 & co/"]))
    assert odd.find(f"{SM}url/{SM}loc").text == ROOT + "articles/2024/caf%C3%A9%20&%20co/"


def test_a_plain_path_is_written_as_quote_and_xml_would_write_it():
    """feeds._url and the sitemap leave a slug's path as it is without asking quote() (a tenth of
    a second a build for a large sitemap): for paths of every kind of character, the same URLs."""
    from urllib.parse import quote
    paths = ["", "/", "articles/2024/a-b_c.d~e/", "/editions/2024-09-06/", "caf\u00e9/", "a b/", "a&b/", "x<y/",
             "100%/", "%41/", "q?x=1", "frag#x", "tab\tz/", "bell\x07/", "A/Z/0/9/"]
    for root in (ROOT, "https://example.org/a&b<c>/"):
        for path in paths:
            url = root + quote(path.lstrip("/"), safe=feeds._URL_SAFE)
            assert feeds._url(root, path) == url, path
            assert f"<loc>{feeds._text(url)}</loc>" in feeds.sitemap(root, [path]), path


def test_robots_points_at_the_sitemap():
    text = feeds.robots(ROOT)
    assert text.splitlines() == ["User-agent: *", "Allow: /", "", f"Sitemap: {ROOT}sitemap.xml"]


def test_json_ld_cannot_close_its_script_element(titles):
    hostile = entry(BREAKOUT, summary="A & B <!-- c -->", people=("Kim <b>",))
    text = feeds.json_ld(hostile, ROOT, "Briefing", dossier_titles=titles)
    assert "</script" not in text.lower()
    assert not set("<>&") & set(text)
    data = json.loads(text)
    assert data["headline"] == BREAKOUT and data["description"] == "A & B <!-- c -->"
    assert data["keywords"] == ["Kim <b>"]
    assert data["@context"] == "https://schema.org" and data["@type"] == "NewsArticle"
    assert data["url"] == data["mainEntityOfPage"]["@id"] == ROOT + hostile.url
    assert data["datePublished"] == "2024-03-01T00:00:00Z"
    assert data["author"] == {"@type": "Organization", "name": "Kyodo"}
    assert data["publisher"] == {"@type": "Organization", "name": "Briefing"}
    assert data["articleSection"] == ["Japan–ROK"]
    undated = json.loads(feeds.json_ld(ENTRIES[2], ROOT, "Briefing"))
    assert "datePublished" not in undated and undated["articleSection"] == ["japan-dprk", "japan-rok"]


def test_open_graph_urls_are_absolute():
    article = dict(feeds.open_graph(ENTRIES[0], ROOT, ENTRIES[0].url, "Briefing", "Site description"))
    assert article == {"og:title": "Kishida & Yoon meet", "og:type": "article",
                       "og:url": ROOT + ENTRIES[0].url, "og:site_name": "Briefing",
                       "og:description": "Leaders agree to meet again.",
                       "article:published_time": "2024-03-01T00:00:00Z"}
    home = feeds.open_graph(None, ROOT, "", "Briefing", "Site description")
    assert home == [("og:title", "Briefing"), ("og:type", "website"), ("og:url", ROOT),
                    ("og:site_name", "Briefing"), ("og:description", "Site description")]
    dossier = dict(feeds.open_graph(None, ROOT, "dossiers/japan-rok/", "Briefing", "", title="Japan–ROK"))
    assert dossier["og:title"] == "Japan–ROK" and dossier["og:url"] == ROOT + "dossiers/japan-rok/"
    assert "og:description" not in dossier


def test_output_is_byte_identical_across_calls(titles):
    calls = [
        lambda: make_atom(dossier_titles=titles),
        lambda: feeds.json_feed("B", ROOT, "feed.json", ENTRIES, ""),
        lambda: feeds.sitemap(ROOT, ["", "a/"], {"a/": dt.date(2024, 1, 1)}),
        lambda: feeds.robots(ROOT),
        lambda: feeds.json_ld(ENTRIES[0], ROOT, "B", dossier_titles=titles),
        lambda: feeds.open_graph(ENTRIES[0], ROOT, ENTRIES[0].url, "B", "d"),
    ]
    for call in calls:
        assert call() == call()


@pytest.mark.parametrize("root", ["/", "/briefing/", "https://example.org/briefing", "ftp://x.org/", ""])
def test_relative_or_malformed_root_is_refused(root):
    with pytest.raises(ValueError, match="absolute"):
        feeds.robots(root)
    with pytest.raises(ValueError):
        feeds.atom("B", root, "feed.xml", ENTRIES, None)


def test_feeds_carry_the_original_as_the_entrys_related_link():
    """Issue 18: an article's `url:` is its Atom entry's `<link rel="related">` and its JSON Feed
    item's `external_url`; an article without one has neither."""
    original = "https://www.arabnews.com/node/1?a=1&b=2"
    entries = (replace(ENTRIES[0], article=replace(ENTRIES[0].article, url=original)), ENTRIES[1])
    first, second = parse(make_atom(entries)).findall(f"{A}entry")
    assert [link.get("href") for link in first.findall(f"{A}link[@rel='related']")] == [original]
    assert first.find(f"{A}link[@rel='related']").get("type") == "text/html"
    assert second.find(f"{A}link[@rel='related']") is None
    items = json.loads(feeds.json_feed("Briefing", ROOT, "feed.json", entries, ""))["items"]
    assert items[0]["external_url"] == original and "external_url" not in items[1]
