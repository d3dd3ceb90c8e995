"""Search as a reader uses it: the Pagefind UI on `/briefing/search/` in headless Chromium, over the
whole briefing and per dossier (the `#dossier` select swaps in that dossier's bundle)."""

from __future__ import annotations

import pytest

pytest.register_assert_rewrite("tests.browser")
from tests.browser import PREFIX, build_project, copy_project, open_page, serve  # noqa: E402

pytest_plugins = ["tests.browser"]

KISHIDA_TITLE = "Japan’s Kishida, South Korea’s Yoon call to sustain momentum in improved ties"
KISHIDA = "articles/2024/japans-kishida-south-koreas-yoon-call-to-sustain-momentum-in-improved/"
INPUT = "#search .pagefind-ui__search-input"


def search(page, query: str) -> list[tuple[str, str]]:
    """Type `query` and wait for Pagefind's answer; returns the results as (title, href)."""
    page.wait_for_selector(INPUT)
    page.fill(INPUT, query)
    return _results(page, query)


def choose_dossier(page, label: str, query: str) -> list[tuple[str, str]]:
    """Pick a dossier in the select (search.js restarts the UI with that bundle and the same query)."""
    page.eval_on_selector("#search", "box => box.querySelectorAll('*').forEach(e => e.dataset.stale = '1')")
    page.select_option("#dossier", label=label)
    return _results(page, query)


def _results(page, query: str) -> list[tuple[str, str]]:
    # Done when a fresh UI (no element left from before a dossier switch) states its result count
    # and every result shown has loaded (Pagefind draws placeholders first, then fetches each one).
    page.wait_for_function(
        """(q) => {
            const box = document.querySelector('#search');
            const input = box.querySelector('.pagefind-ui__search-input');
            const m = box.querySelector('.pagefind-ui__message');
            if (!input || input.dataset.stale || input.value !== q || !m || m.dataset.stale) return false;
            const said = m.textContent.match(/(\\d+|No) results? for/i);
            if (!said || !m.textContent.includes(q)) return false;
            const items = box.querySelectorAll('.pagefind-ui__result').length;
            const loaded = box.querySelectorAll('.pagefind-ui__result-link').length;
            const expected = said[1].toLowerCase() === 'no' ? 0 : Number(said[1]);
            return (expected === 0 ? items === 0 : items > 0) && loaded === items
                   && !box.querySelector('.pagefind-ui__loading');
        }""", arg=query, timeout=15_000)
    return [tuple(r) for r in page.eval_on_selector_all(
        "#search .pagefind-ui__result-link", "links => links.map(a => [a.textContent.trim(), a.getAttribute('href')])")]


def test_momentum_finds_kishida_yoon_and_the_dossier_filter_works(browser, server):
    requested = lambda part: [p for p, _ in server.log if part in p]  # noqa: E731
    with open_page(browser, server.url("search/")) as (page, _):
        everywhere = search(page, "momentum")
        assert (KISHIDA_TITLE, PREFIX + KISHIDA) in everywhere, everywhere
        assert all(href.startswith(PREFIX + "articles/") for _, href in everywhere), everywhere

        rok = choose_dossier(page, "Japan–ROK", "momentum")
        assert requested("/briefing/pagefind/dossiers/japan-rok/")
        assert (KISHIDA_TITLE, PREFIX + KISHIDA) in rok, rok

        ukraine = choose_dossier(page, "Ukraine diplomacy", "momentum")
        assert requested("/briefing/pagefind/dossiers/ukraine-diplomacy/")
        assert KISHIDA_TITLE not in [title for title, _ in ukraine], ukraine

        again = choose_dossier(page, "all dossiers", "momentum")   # and back, then follow the link
        assert (KISHIDA_TITLE, PREFIX + KISHIDA) in again, again
        page.click(f"#search .pagefind-ui__result-link[href='{PREFIX + KISHIDA}']")
        page.wait_for_url(server.url(KISHIDA))
        assert page.inner_text("h1") == KISHIDA_TITLE


def test_query_in_the_address_is_searched(browser, server):
    with open_page(browser, server.url("search/?q=momentum")) as (page, _):
        assert (KISHIDA_TITLE, PREFIX + KISHIDA) in _results(page, "momentum")


def test_a_dossier_without_articles_builds_and_searches_empty(browser, tmp_path):
    """A new briefing (or a dossier whose articles were all rejected) has an empty dossier: the
    build must succeed, and searching that dossier (if the select offers it) must answer "no
    results" without errors."""
    root = copy_project(tmp_path / "briefing")
    next((root / "content" / "articles" / "2024").glob("japans-kishida*.md")).unlink()  # Japan–ROK's only one
    site = build_project(root)
    with serve(site) as server, open_page(browser, server.url("search/")) as (page, _):
        assert search(page, "Kishida")
        if "Japan–ROK" in page.eval_on_selector_all("#dossier option", "options => options.map(o => o.label)"):
            assert choose_dossier(page, "Japan–ROK", "Kishida") == []
        assert choose_dossier(page, "Japan–DPRK", "Kishida")   # and the UI still works after it
