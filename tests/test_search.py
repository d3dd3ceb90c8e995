"""Search as a reader uses it: `/briefing/search/` in headless Chromium over the builder's own static
index (`search/data/`), read by `assets/search.js`: the words folded as the index folds them, every
word required, prefixes found while typing, the dossier filter, the address kept in step, results
shown ten at a time and only their documents fetched, and errors told in the status line."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

pytest.register_assert_rewrite("tests.browser")
from tests.browser import PREFIX, build_project, copy_project, open_page, serve  # noqa: E402

pytest_plugins = ["tests.browser"]

KISHIDA_TITLE = "Japan’s Kishida, South Korea’s Yoon call to sustain momentum in improved ties"
KISHIDA = "articles/2024/japans-kishida-south-koreas-yoon-call-to-sustain-momentum-in-improved/"
INPUT = "#search-q"
LINKS = "#search-results > li h2 a"
ANSWER = re.compile(r"^(?:(\d+) results?|No results) for “(.*)”(?: in (.+))?$")


def answer(page, query: str, scope: str | None = None) -> list[tuple[str, str]]:
    """Wait until the page has answered `query` in `scope` (a dossier's title, None for all of
    them): the results list is no longer busy and the status line says how many results there are
    for that query there. Returns the results shown, as (title, href)."""
    page.wait_for_function(
        """([q, scope]) => {
            const list = document.querySelector('#search-results');
            const said = document.querySelector('#search-status').textContent;
            return !list.hasAttribute('aria-busy') && /^(\\d+ results?|No results) for “/.test(said)
                && said.endsWith('“' + q + '”' + (scope ? ' in ' + scope : ''));
        }""", arg=[query, scope], timeout=15_000)
    status = page.inner_text("#search-status")
    match = ANSWER.match(status)
    assert match and match[2] == query and match[3] == scope, status
    shown = results(page)
    count = int(match[1] or 0)
    assert len(shown) == min(count, 10), (status, shown)
    return shown


def results(page) -> list[tuple[str, str]]:
    return [tuple(r) for r in page.eval_on_selector_all(
        LINKS, "links => links.map(a => [a.textContent, a.getAttribute('href')])")]


def search(page, query: str, scope: str | None = None) -> list[tuple[str, str]]:
    """Put `query` in the search field at once (one input event) and wait for the answer."""
    page.fill(INPUT, query)
    return answer(page, query, scope)


def choose_dossier(page, label: str, query: str) -> list[tuple[str, str]]:
    """Pick a dossier in the select; search.js searches the same query again there."""
    page.select_option("#dossier", label=label)
    return answer(page, query, None if label == "all dossiers" else label)


def shard_requests(server, part: str = "/search/data/terms/") -> list[str]:
    return [path for path, _ in server.log if part in path]


def allow_missing_shards(problems: list[str]) -> None:
    """A word whose shard does not exist is answered by a 404 from the server, by design (no term
    has that key); open_page counts every HTTP error as a problem, so such 404s are taken out."""
    problems[:] = [p for p in problems if not re.search(r"HTTP 404 for \S*/search/data/terms/[^/\s]+\.json$", p)]


def test_momentum_finds_kishida_yoon_and_the_dossier_filter_works(browser, server):
    with open_page(browser, server.url("search/")) as (page, _):
        everywhere = search(page, "momentum")
        assert (KISHIDA_TITLE, PREFIX + KISHIDA) in everywhere, everywhere
        assert all(href.startswith(PREFIX + "articles/") for _, href in everywhere), everywhere
        # The lede under the title has the word marked, as an element.
        marks = page.eval_on_selector_all("#search-results mark", "ms => ms.map(m => m.textContent)")
        assert "momentum" in marks, marks

        rok = choose_dossier(page, "Japan–ROK", "momentum")
        assert [p for p, _ in server.log if p.endswith("/search/data/dossiers/japan-rok.json")]
        assert (KISHIDA_TITLE, PREFIX + KISHIDA) in rok, rok
        assert page.evaluate("location.search") == "?q=momentum&dossier=japan-rok"

        ukraine = choose_dossier(page, "Ukraine diplomacy", "momentum")
        assert KISHIDA_TITLE not in [title for title, _ in ukraine], ukraine

        again = choose_dossier(page, "all dossiers", "momentum")   # and back, then follow the link
        assert (KISHIDA_TITLE, PREFIX + KISHIDA) in again, again
        assert page.evaluate("location.search") == "?q=momentum"
        page.click(f"{LINKS}[href='{PREFIX + KISHIDA}']")
        page.wait_for_url(server.url(KISHIDA))
        assert page.inner_text("h1") == KISHIDA_TITLE


def test_query_in_the_address_is_searched(browser, server):
    with open_page(browser, server.url("search/?q=momentum")) as (page, _):
        assert (KISHIDA_TITLE, PREFIX + KISHIDA) in answer(page, "momentum")
        assert page.input_value(INPUT) == "momentum"
    with open_page(browser, server.url("search/?q=momentum&dossier=ukraine-diplomacy")) as (page, _):
        assert KISHIDA_TITLE not in [t for t, _ in answer(page, "momentum", "Ukraine diplomacy")]
        assert page.input_value("#dossier") == "ukraine-diplomacy"


def test_prefix_search_as_you_type(browser, server):
    """Typing key by key (no submit): "kishi" finds Kishida, as a prefix of the indexed word, and
    the address follows the field."""
    with open_page(browser, server.url("search/")) as (page, problems):
        page.locator(INPUT).press_sequentially("kishi", delay=40)
        found = answer(page, "kishi")
        assert (KISHIDA_TITLE, PREFIX + KISHIDA) in found, found
        assert page.evaluate("location.search") == "?q=kishi"
        marks = page.eval_on_selector_all("#search-results mark", "ms => ms.map(m => m.textContent)")
        assert "Kishida" in marks, marks    # the whole word is marked, in the lede's own case
        page.locator(INPUT).press_sequentially("da", delay=40)
        assert (KISHIDA_TITLE, PREFIX + KISHIDA) in answer(page, "kishida")
        allow_missing_shards(problems)       # "ki" has no shard of its own if typed slowly


def test_every_word_must_match(browser, server):
    with open_page(browser, server.url("search/")) as (page, _):
        tokyo = set(search(page, "tokyo"))
        washington = set(search(page, "washington"))
        both = set(search(page, "Tokyo, Washington"))
        assert (KISHIDA_TITLE, PREFIX + KISHIDA) in both
        assert both == tokyo & washington, (both, tokyo, washington)
        assert len(both) < min(len(tokyo), len(washington))    # the query proves something
        assert search(page, "kishida macron") == []              # both words are indexed, never together


@pytest.mark.parametrize("query", ["KISHIDA", "Kíshida", "ｋｉｓｈｉｄａ", "Ki\u00adshida"])
def test_case_accents_and_widths_are_folded(browser, server, query):
    with open_page(browser, server.url("search/")) as (page, _):
        assert (KISHIDA_TITLE, PREFIX + KISHIDA) in search(page, query)


def test_only_stopwords_show_no_results_and_say_why(browser, server):
    with open_page(browser, server.url("search/")) as (page, _):
        search(page, "momentum")
        before = len(shard_requests(server))
        page.fill(INPUT, "The and of a")
        page.wait_for_function("""() => !document.querySelector('#search-results').hasAttribute('aria-busy')
                                        && document.querySelector('#search-status').textContent.includes('common')""")
        assert "“The and of a”" in page.inner_text("#search-status")
        assert results(page) == [] and page.is_hidden("#search-more")
        assert len(shard_requests(server)) == before       # nothing was looked up
        page.fill(INPUT, "")
        page.wait_for_function("() => document.querySelector('#search-status').textContent.startsWith('Type')")
        assert results(page) == [] and page.evaluate("location.search") == ""


def test_a_word_nobody_used_finds_nothing_without_an_error(browser, server):
    with open_page(browser, server.url("search/")) as (page, problems):
        assert search(page, "zzyzx") == []
        assert page.is_hidden("#search-more")
        assert [p for p in problems if "/search/data/terms/zzy.json" in p]   # the 404 the test allows
        allow_missing_shards(problems)


def test_a_hostile_query_stays_text(browser, server):
    query = "<img src=x onerror=alert(1)>"
    with open_page(browser, server.url("search/")) as (page, problems):
        page.fill(INPUT, query)
        page.wait_for_function("() => !document.querySelector('#search-results').hasAttribute('aria-busy')")
        assert f"“{query}”" in page.inner_text("#search-status")
        assert page.eval_on_selector_all("main img", "imgs => imgs.length") == 0
        page.wait_for_timeout(200)
        allow_missing_shards(problems)
        assert not problems   # no dialog fired


def test_a_failed_fetch_is_told_in_the_status(browser, server):
    with open_page(browser, server.url("search/")) as (page, problems):
        page.route("**/search/data/terms/mom.json", lambda route: route.fulfill(status=500, body="broken"))
        page.fill(INPUT, "momentum")
        page.wait_for_function("() => !document.querySelector('#search-results').hasAttribute('aria-busy')"
                               " && document.querySelector('#search-status').textContent.includes('not available')")
        assert "terms/mom.json answered HTTP 500" in page.inner_text("#search-status")
        assert results(page) == []
        page.unroute("**/search/data/terms/mom.json")   # the failure is not cached: the next try works
        page.click("#search button[type=submit]")
        assert (KISHIDA_TITLE, PREFIX + KISHIDA) in answer(page, "momentum")
        problems[:] = [p for p in problems if "HTTP 500 for" not in p]


def test_a_dossier_without_articles_builds_and_searches_empty(browser, tmp_path):
    """A new briefing (or a dossier whose articles were all rejected) has an empty dossier: the
    build must succeed, and searching that dossier must answer "no results" without errors."""
    root = copy_project(tmp_path / "briefing")
    next((root / "content" / "articles" / "2024").glob("japans-kishida*.md")).unlink()  # Japan–ROK's only one
    site = build_project(root)
    assert json.loads((site / "search/data/dossiers/japan-rok.json").read_text(encoding="utf-8")) == []
    with serve(site) as server, open_page(browser, server.url("search/")) as (page, _):
        assert search(page, "Kishida")
        labels = page.eval_on_selector_all("#dossier option", "options => options.map(o => o.label)")
        if "Japan–ROK" not in labels:   # the page offers only filled dossiers: offer it anyway
            page.eval_on_selector("#dossier", "s => s.add(new Option('Japan–ROK', 'japan-rok'))")
        assert choose_dossier(page, "Japan–ROK", "Kishida") == []
        assert choose_dossier(page, "Japan–DPRK", "Kishida")   # and the page still works after it


# ---------------------------------------------------------------- many results

def _article(n: int, body_hits: int, date: str | None) -> str:
    front = f"title: Crossing report {n}\n" + (f"date: {date}\n" if date else "") + \
        "dossiers:\n- ukraine-diplomacy\nstatus: published\n"
    body = " ".join(["The zebra was seen again near the border."] * body_hits)
    return f"---\n{front}---\n\n{body}\n\nNothing else of note happened.\n"


# (article number, occurrences of "zebra", date): one word, so the order is the weight, then the
# date (newest first, undated last), then the id. Reports 1-3 tie on weight inside the first page.
ZEBRAS = [(n, 30 - n, f"2023-01-{n + 1:02d}") for n in range(23)]
ZEBRAS[1] = (1, 27, "2023-03-01")
ZEBRAS[2] = (2, 27, None)
ZEBRAS[3] = (3, 27, "2023-05-01")


@pytest.fixture(scope="module")
def zebra_site(tmp_path_factory):
    root = copy_project(tmp_path_factory.mktemp("zebras"))
    folder = root / "content" / "articles" / "2023"
    folder.mkdir(parents=True, exist_ok=True)
    for n, hits, date in ZEBRAS:
        (folder / f"crossing-report-{n}.md").write_text(_article(n, hits, date), encoding="utf-8")
    return build_project(root)


def _index_ids(site: Path) -> dict[str, str]:
    """Article URL -> doc id, read from the built index's doc buckets."""
    ids = {}
    for bucket in (site / "search/data/docs").glob("*.json"):
        for doc_id, doc in json.loads(bucket.read_text(encoding="utf-8")).items():
            ids[doc["url"]] = doc_id
    return ids


def test_ten_results_at_a_time_fetching_only_their_documents(browser, zebra_site):
    ids = _index_ids(zebra_site)

    def doc_id(z) -> str:
        n, _, date = z
        return ids[f"articles/{date[:4] if date else 'undated'}/crossing-report-{n}/"]
    # More hits first; equal hits by id, descending: an id starts with its date, so newest first
    # and undated (00000) last.
    by_id = sorted(ZEBRAS, key=doc_id, reverse=True)
    expected = [f"Crossing report {n}" for n, _, _ in sorted(by_id, key=lambda z: -z[1])]
    assert expected[:5] == ["Crossing report 0", "Crossing report 3", "Crossing report 1",
                            "Crossing report 2", "Crossing report 4"]
    bucket_of = {f"Crossing report {z[0]}": doc_id(z)[5:7] for z in ZEBRAS}
    with serve(zebra_site) as server, open_page(browser, server.url("search/")) as (page, _):
        def buckets() -> set[str]:
            return {Path(p).stem for p, _ in server.log if "/search/data/docs/" in p}

        first = search(page, "zebra")
        assert page.inner_text("#search-status") == "23 results for “zebra”"
        assert [t for t, _ in first] == expected[:10]
        assert buckets() == {bucket_of[t] for t in expected[:10]}
        assert page.is_visible("#search-more")

        page.click("#search-more")
        page.wait_for_function(f"() => document.querySelectorAll('{LINKS}').length === 20")
        assert [t for t, _ in results(page)] == expected[:20]
        assert buckets() == {bucket_of[t] for t in expected[:20]}
        # Focus moves to the first new result, where a keyboard user goes on reading.
        assert page.evaluate("document.activeElement.textContent") == expected[10]

        page.click("#search-more")
        page.wait_for_function(f"() => document.querySelectorAll('{LINKS}').length === 23")
        assert [t for t, _ in results(page)] == expected
        assert page.is_hidden("#search-more")
        dates = page.eval_on_selector_all("#search-results .meta", "ps => ps.map(p => p.textContent)")
        assert dates[2] == "1 March 2023 · Ukraine diplomacy" and dates[3] == "Undated · Ukraine diplomacy", dates


# ---------------------------------------------------------------- the index, without a browser

def _entry(url: str, date: str | None):
    import datetime as dt
    from types import SimpleNamespace
    return SimpleNamespace(url=url, article=SimpleNamespace(date=dt.date.fromisoformat(date) if date else None))


def test_doc_ids_sort_by_date_and_collisions_take_the_long_hash(monkeypatch):
    from builder import search
    ids = search.doc_ids([_entry("articles/2024/a/", "2024-09-06"), _entry("articles/2017/b/", "2017-10-22"),
                          _entry("articles/undated/c/", None)])
    assert ids == search.doc_ids([_entry("articles/2024/a/", "2024-09-06"), _entry("articles/2017/b/", "2017-10-22"),
                                  _entry("articles/undated/c/", None)])   # a pure function of the articles
    assert ids["articles/2024/a/"] > ids["articles/2017/b/"] > ids["articles/undated/c/"]
    assert ids["articles/undated/c/"].startswith("00000") and all(len(i) == 13 for i in ids.values())
    # Two URLs whose short hashes collide on the same day: both take the long one, the rest keep theirs.
    monkeypatch.setattr(search, "_hash",
                        lambda url: ("same1234" if url.endswith(("x/", "y/")) else url[-9:-1]) + "abcdefgh")
    ids = search.doc_ids([_entry("articles/2024/x/", "2024-01-01"), _entry("articles/2024/y/", "2024-01-01"),
                          _entry("articles/2024/z/", "2024-01-01")])
    assert len(ids["articles/2024/x/"]) == len(ids["articles/2024/y/"]) == 21 and len(ids["articles/2024/z/"]) == 13


@pytest.mark.parametrize("url", ["articles/2024/a/", "articles/undated/ß-ü/", "", "articles/2019/" + "x" * 300 + "/"])
def test_the_url_hash_is_base32_as_the_standard_library_spells_it(url):
    import base64
    import hashlib

    from builder.search import _hash
    assert _hash(url) == base64.b32encode(hashlib.blake2b(url.encode(), digest_size=10).digest()).decode().lower()


def test_terms_weigh_the_title_and_skip_stopwords_single_letters_and_link_targets():
    from builder.search import terms
    found = terms("Kishida meets Yoon", "The talks in Seoul: Kishida’s [last visit](https://example.org/visit-page).\n\n"
                  "* A bullet on *Japan–ROK* ties")
    assert found["kishida"] == 3 + 1 and found["yoon"] == 3 and found["seoul"] == 1
    assert found["visit"] == 1 and "example" not in found and "page" not in found and "https" not in found
    assert "the" not in found and "s" not in found and "a" not in found
    assert found["japan"] == found["rok"] == 1


def test_an_index_made_on_all_cores_in_batches_is_the_index_made_in_one(tmp_path, monkeypatch):
    """Several hundred articles: their postings are found in batches on all cores, then merged."""
    import datetime as dt
    from types import SimpleNamespace

    from builder import search
    words = ["kishida", "yoon", "seoul", "tokyo", "summit", "missile", "talks", "visit"]
    entries = [SimpleNamespace(url=f"articles/2024/a{n}/", article=SimpleNamespace(
        date=dt.date(2024, 1, 1) + dt.timedelta(days=n % 300), title=f"{words[n % 8]} {words[n % 5]}",
        body=" ".join(words[(n + k) % 8] for k in range(n % 7 + 1)), summary="", dossiers=["japan-rok"], people=[],
        publisher="")) for n in range(5 * search.TERMS_BATCH)]
    search.write_whole_index(entries, {"japan-rok": entries}, tmp_path / "batches")
    monkeypatch.setattr(search, "TERMS_BATCH", len(entries))
    search.write_whole_index(entries, {"japan-rok": entries}, tmp_path / "one")
    listed = lambda folder: sorted(p.relative_to(folder) for p in folder.rglob("*.json"))   # noqa: E731
    files = listed(tmp_path / "one")
    assert files and files == listed(tmp_path / "batches")
    assert all((tmp_path / "one" / f).read_text() == (tmp_path / "batches" / f).read_text() for f in files)
    kishida = json.loads((tmp_path / "one" / search.DATA / "terms" / "kis.json").read_text())["kishida"].split(",")
    assert len(kishida) == sum(1 for e in entries if "kishida" in e.article.title + e.article.body)
    assert kishida == sorted(kishida)   # in id order


def test_shard_names_stay_inside_their_folder():
    from builder.search import shard_name
    assert shard_name("kis") == "kis" and shard_name("200") == "200"
    assert shard_name("säu") == "_73c3a475" and shard_name("..") == "_2e2e" and "/" not in shard_name("a/b")
    assert shard_name("con") == "_636f6e" and shard_name("lpt1") == "_6c707431"   # Windows device names


def test_postings_are_patched_as_strings():
    from builder.search import _with, _without
    postings = "a1:1,b2:2,c3:3"
    assert [_without(postings, i) for i in ("a1", "b2", "c3")] == ["b2:2,c3:3", "a1:1,c3:3", "a1:1,b2:2"]
    assert _without("a1:1", "a1") == "" and _without(postings, "zz") == postings
    assert _without("xa1:1,a1:2", "a1") == "xa1:1"   # an id inside another is not it
    assert _with(postings, "0a:1,b9:4") == "0a:1,a1:1,b2:2,b9:4,c3:3" and _with("", "a:2,b:1") == "a:2,b:1"


_IDS = st.text(alphabet="0123456789abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=5)


@given(ids=st.lists(_IDS, unique=True, min_size=1, max_size=40), data=st.data())
def test_postings_merged_in_place_equal_postings_sorted(ids, data):
    from builder.search import _with
    added = data.draw(st.sets(st.sampled_from(ids), min_size=1))
    weights = {i: data.draw(st.integers(1, 99)) for i in ids}
    postings = lambda chosen: ",".join(f"{i}:{weights[i]}" for i in sorted(chosen))   # noqa: E731
    assert _with(postings(set(ids) - added), postings(added)) == postings(ids)


def test_a_summary_made_from_the_lede_shows_its_text_not_its_markdown():
    from builder.search import SUMMARY, _lede
    body = ("Japan's [prime minister](https://example.org/pm) said *no* to `talks`, \\*really\\*,\n"
            "and <b>that</b> ![a map](map.png) was it.\n\nA second paragraph.\n")
    assert _lede(body) == "Japan's prime minister said no to talks, *really*, and <b>that</b> a map was it."
    assert _lede("## A heading first\n\nText.") == "A heading first" and _lede("") == ""
    assert _lede("word " * 200).endswith("…") and len(_lede("word " * 200)) <= SUMMARY + 1
