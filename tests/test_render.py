"""The rendered site as a reader and a validator see it, served under a sub-path (`/briefing/`):
valid HTML (W3C Nu checker), no axe-core violations in light and dark colour schemes, no broken
or escaping links, no horizontal scrolling on a phone, reproducible builds, and hostile seed text
that stays text everywhere (pages, feeds, search)."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from collections import deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest

pytest.register_assert_rewrite("tests.browser")
from tests.browser import (  # noqa: E402
    PREFIX,
    REPO,
    Server,
    axe_violations,
    build_project,
    chromium_path,
    copy_project,
    describe_violations,
    java_path,
    lighthouse,
    open_page,
    serve,
    vnu_jar,
)

pytest_plugins = ["tests.browser"]

KISHIDA = "articles/2024/japans-kishida-south-koreas-yoon-call-to-sustain-momentum-in-improved/"
DOSSIER = "dossiers/japan-rok/"
PERSON = "people/fumio-kishida/"
EDITION = "editions/2024-09-06/"
MAIL = "edition.html"   # an edition's e-mail HTML beside its page: no page of the site
XSS = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def html_files(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


# ---------------------------------------------------------------- feeds and sitemap of the built site

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.mark.parametrize("feed", ["atom.xml", "dossiers/japan-dprk/atom.xml", "dossiers/japan-rok/atom.xml",
                                  "dossiers/ukraine-diplomacy/atom.xml", "editions/atom.xml"])
def test_feeds_parse_with_rfc4287_must_haves(site_dir, feed):
    root = ET.parse(site_dir / feed).getroot()
    assert root.tag == f"{ATOM}feed"
    for tag in ("id", "title", "updated"):
        assert (root.findtext(f"{ATOM}{tag}") or "").strip(), tag
    assert root.find(f"{ATOM}link[@rel='self']") is not None
    entries = root.findall(f"{ATOM}entry")
    assert entries
    for entry in entries:
        for tag in ("id", "title", "updated"):
            assert (entry.findtext(f"{ATOM}{tag}") or "").strip(), (feed, tag)
        assert entry.find(f"{ATOM}link[@rel='alternate']").get("href").startswith("http")
        assert root.find(f"{ATOM}author") is not None or entry.find(f"{ATOM}author") is not None
    json.loads((site_dir / "feed.json").read_text(encoding="utf-8"))


def test_sitemap_lists_every_page(site_dir):
    urlset = ET.parse(site_dir / "sitemap.xml").getroot()
    locs = {urlsplit(url.findtext("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")).path for url in urlset}
    pages = {PREFIX + p.relative_to(site_dir).as_posix().removesuffix("index.html")
             for p in html_files(site_dir) if p.name not in ("404.html", MAIL)}
    assert locs == pages


# ---------------------------------------------------------------- W3C Nu HTML Checker

def test_every_page_is_valid_html(site_dir):
    pages = html_files(site_dir)
    assert len(pages) > 20, pages
    jar, java = vnu_jar(), java_path()
    result = subprocess.run([java, "-jar", str(jar), "--errors-only", "--format", "json", *map(str, pages)],
                            capture_output=True, text=True, timeout=300)
    report = next((json.loads(out) for out in (result.stderr, result.stdout) if out.strip().startswith("{")), None)
    assert report is not None, f"vnu printed no JSON report (exit {result.returncode}):\n{result.stderr[-2000:]}"
    errors = [m for m in report["messages"] if m.get("type") in ("error", "non-document-error")]
    listing = "\n".join(
        f"{Path(urlsplit(m.get('url', '')).path).relative_to(site_dir) if m.get('url') else '?'}:"
        f"{m.get('lastLine', '?')}: {m.get('message')}  [{' '.join(m.get('extract', '').split())[:120]}]"
        for m in errors)
    assert not errors, f"vnu: {len(errors)} error(s) in the built site:\n{listing}"
    assert result.returncode == 0, result.stderr[-2000:]


# ---------------------------------------------------------------- axe-core

AXE_PAGES = {"home": "", "dossier": DOSSIER, "article": KISHIDA, "people": "people/", "person": PERSON,
             "long dossier": "dossiers/japan-dprk/", "dossier year": "dossiers/japan-dprk/2019/",
             "archive": "archive/", "archive year": "archive/2025/",
             "search": "search/", "edition": EDITION, "editions": "editions/", "editions year": "editions/2024/",
             "edition e-mail": EDITION + MAIL}


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", list(AXE_PAGES))
def test_no_axe_violations(browser, server, name, scheme):
    with open_page(browser, server.url(AXE_PAGES[name]), color_scheme=scheme) as (page, _):
        if name == "search":  # check the search UI as a reader sees it: a query with results
            page.fill("#search-q", "momentum")
            page.wait_for_selector("#search-results:not([aria-busy]) li h2 a")
        violations = axe_violations(page)
    assert not violations, (f"axe-core on /briefing/{AXE_PAGES[name]} ({scheme} scheme): "
                            f"{len(violations)} violation(s):\n{describe_violations(violations)}")


# ---------------------------------------------------------------- links

class _Refs(HTMLParser):
    """Every <a href>, <link href>, <script src>, <img src> of a page, and the ids it defines."""

    WANTED = {"a": "href", "link": "href", "script": "src", "img": "src"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.refs: list[tuple[str, str]] = []   # (tag, url)
        self.ids: set[str] = set()
        self.canonical: str | None = None

    def handle_starttag(self, tag, attrs) -> None:
        attrs = dict(attrs)
        for key in ("id", "name") if tag == "a" else ("id",):
            if attrs.get(key):
                self.ids.add(attrs[key])
        if tag == "link" and "canonical" in (attrs.get("rel") or "").split():
            self.canonical = attrs.get("href")
        wanted = self.WANTED.get(tag)
        if wanted and attrs.get(wanted) is not None:
            self.refs.append((tag, attrs[wanted]))

    handle_startendtag = handle_starttag


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None   # a redirect is reported as its own status, not followed


def _fetch(url: str) -> tuple[int, str, bytes]:
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(url, timeout=30) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Content-Type", ""), exc.read()


def _xml_urls(body: bytes) -> list[str]:
    """URLs in a feed or sitemap: Atom <link href>, <loc>, <uri>, <icon>, <logo>."""
    urls = []
    for el in ET.fromstring(body).iter():
        tag = el.tag.rsplit("}", 1)[-1]
        if tag == "link" and el.get("href"):
            urls.append(el.get("href"))
        elif tag in ("loc", "uri", "icon", "logo") and (el.text or "").strip():
            urls.append(el.text.strip())
    return urls


def _json_feed_urls(body: bytes) -> list[str]:
    feed = json.loads(body)
    urls = [feed.get(k) for k in ("home_page_url", "feed_url", "icon", "favicon")]
    for item in feed.get("items", []):
        urls += [item.get("url"), item.get("image")]
    return [u for u in urls if isinstance(u, str)]


def crawl(server: Server, extra_starts: list[str], public_origin: str | None = None
          ) -> tuple[dict[str, int], list[str]]:
    """Breadth-first from the site root over every internal page; returns the status of every
    internal URL and the problems found (broken, escaping, missing fragment targets).

    Internal means on the test server, or on `public_origin` (the scheme and host the build put
    in absolute URLs: canonical links, feeds, sitemap), which is mapped to the test server by path."""
    origins = {urlsplit(server.origin).netloc} | ({urlsplit(public_origin).netloc} if public_origin else set())
    status: dict[str, int] = {}
    ids: dict[str, set[str]] = {}
    referrers: dict[str, list[str]] = {}
    fragments: list[tuple[str, str, str]] = []     # (page, fragment, referrer)
    problems: list[str] = []
    queue = deque([(server.base, "(start)")] + [(server.url(p), "(start)") for p in extra_starts])

    def add(ref: str, page: str, tag: str) -> None:
        if ref.strip().lower().startswith(("mailto:", "tel:", "data:", "javascript:")):
            if ref.strip().lower().startswith("javascript:"):
                problems.append(f"{page}: <{tag}> uses a javascript: URL: {ref}")
            return
        full, fragment = urldefrag(urljoin(page, ref))
        parts = urlsplit(full)
        if parts.scheme not in ("http", "https") or parts.netloc not in origins:
            return       # an external link: not fetched (no network), not ours to check
        if not parts.path.startswith(server.prefix):
            problems.append(f"{page}: <{tag}> {ref!r} leaves {server.prefix} (resolves to {parts.path})")
            return
        internal = server.origin + parts.path + (f"?{parts.query}" if parts.query else "")
        if fragment:
            fragments.append((internal, fragment, page))
        referrers.setdefault(internal, []).append(page)
        if internal not in status and internal not in (q for q, _ in queue):
            queue.append((internal, page))

    while queue:
        url, via = queue.popleft()
        if url in status:
            continue
        code, kind, body = _fetch(url)
        status[url] = code
        if code != 200:
            continue
        path = urlsplit(url).path
        if kind.startswith("text/html"):
            parser = _Refs()
            parser.feed(body.decode("utf-8"))
            ids[url] = parser.ids
            for tag, ref in parser.refs:
                add(ref, url, tag)
        elif path.endswith((".xml", ".atom", ".rss")) or "xml" in kind:
            for ref in _xml_urls(body):
                add(ref, url, "xml link")
        elif path.endswith(".json") and "feed" in path:
            for ref in _json_feed_urls(body):
                add(ref, url, "json feed url")
        elif path.endswith("robots.txt"):
            for line in body.decode("utf-8").splitlines():
                if line.lower().startswith("sitemap:"):
                    add(line.split(":", 1)[1].strip(), url, "robots sitemap")

    for url, code in status.items():
        if code != 200:
            origin = len(server.origin)
            where = {r[origin:] if r.startswith(server.origin) else r for r in referrers.get(url, ["(start)"])}
            problems.append(f"{url[origin:]} -> HTTP {code}; linked from {sorted(where)}")
    for url, fragment, page in fragments:
        if url in ids and fragment not in ids[url]:
            problems.append(f"{page[len(server.origin):]}: link to #{fragment} on {url[len(server.origin):]}, "
                            "which has no element with that id")
    return status, problems


def test_crawl_finds_no_broken_or_escaping_links(server, site_dir):
    # Machine-readable files are crawled too when the build writes them (linked or not).
    extra = [name for name in ("atom.xml", "feed.json", "sitemap.xml", "robots.txt") if (site_dir / name).is_file()]
    home = _Refs()
    home.feed((site_dir / "index.html").read_text(encoding="utf-8"))
    canonical = home.canonical
    public = f"{urlsplit(canonical).scheme}://{urlsplit(canonical).netloc}" if canonical else None
    status, problems = crawl(server, extra, public)
    assert not problems, "crawl from /briefing/ found:\n" + "\n".join(problems)
    # It saw the whole site: every page the build wrote is reachable by links from the home page.
    pages = {server.url(p.relative_to(site_dir).as_posix().removesuffix("index.html"))
             for p in html_files(site_dir) if p.name != "404.html"}
    unreached = sorted(p[len(server.origin):] for p in pages - set(status))
    assert not unreached, f"pages no link reaches: {unreached}"
    assert server.url("assets/style.css") in status and server.url("assets/search.js") in status


def test_server_serves_404_page_for_missing_and_outside_paths(server):
    code, kind, body = _fetch(server.url("no/such/page/"))
    assert code == 404 and b"Page not found" in body and kind.startswith("text/html")
    assert _fetch(server.origin + "/assets/style.css")[0] == 404   # only /briefing/ is the site


# ---------------------------------------------------------------- responsive layout

@pytest.fixture(scope="session")
def screenshots(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("screenshots")


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("name,path", [("home", ""), ("dossier", DOSSIER), ("article", KISHIDA), ("person", PERSON),
                                       ("edition", EDITION), ("edition e-mail", EDITION + MAIL)])
def test_no_horizontal_scrolling(browser, server, screenshots, name, path, width):
    with open_page(browser, server.url(path), width=width, height=800) as (page, _):
        shot = screenshots / f"{name}-{width}.png"
        page.screenshot(path=str(shot), full_page=True)
        scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        wide = [] if scroll <= inner else page.evaluate("""(w) => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > w + 0.5)
            .map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '')
                      + ' right=' + Math.round(e.getBoundingClientRect().right) + ' '
                      + JSON.stringify((e.textContent || '').trim().slice(0, 60)))
            .slice(0, 10)""", inner)
    assert shot.stat().st_size > 0
    assert scroll <= inner, (f"/briefing/{path} at {width} px scrolls sideways: scrollWidth {scroll} > "
                             f"innerWidth {inner}; screenshot {shot}; too wide: {wide}")


SHOTS = {"home": "", "edition": EDITION, "dossier": "dossiers/japan-dprk/", "article": KISHIDA, "person": PERSON}


def test_screenshots_of_each_page_type_light_and_dark(browser, server, screenshots, capsys):
    """Issue 17 item 6: home, an edition, a dossier, an article and a person at 390 and 1280 px, light and
    dark, as PNGs in the folder printed, to look at; at 1280 px the sidebar stands beside the
    main column, at 390 px below it."""
    for name, path in SHOTS.items():
        for width in (390, 1280):
            for scheme in ("light", "dark"):
                with open_page(browser, server.url(path), width=width, height=900, color_scheme=scheme) as (page, _):
                    shot = screenshots / f"{name}-{width}-{scheme}.png"
                    page.screenshot(path=str(shot), full_page=True)
                    main, aside = (page.eval_on_selector(s, "e => e.getBoundingClientRect().toJSON()")
                                   for s in ("main", ".sidebar"))
                assert shot.stat().st_size > 10_000, shot
                beside = aside["left"] >= main["right"] and aside["top"] < main["bottom"]
                assert beside == (width == 1280), (name, width, main, aside)
    with capsys.disabled():
        print(f"\nscreenshots of home, edition, dossier, article, person (390/1280 px, light/dark): {screenshots}")


LIGHTHOUSE_PAGES = {"home": "", "edition": EDITION, "dossier": DOSSIER, "article": KISHIDA,
                    "search": "search/?q=kishida"}


@pytest.mark.parametrize("name", list(LIGHTHOUSE_PAGES))
def test_lighthouse_scores_at_least_95_in_every_category(server, tmp_path, name):
    """Lighthouse's mobile audit (its default: a slow phone on a slow network) of each kind of
    page a reader lands on. Served under a sub-path as on GitHub project pages, so the browser's
    own request for /favicon.ico at the host's root fails as it would there."""
    report = tmp_path / "report.json"
    subprocess.run([*lighthouse(), server.url(LIGHTHOUSE_PAGES[name]), "--quiet", "--output=json",
                    f"--output-path={report}", "--chrome-flags=--headless=new --no-sandbox"],
                   check=True, timeout=180, env={**os.environ, "CHROME_PATH": chromium_path()})
    result = json.loads(report.read_text(encoding="utf-8"))
    scores = {key: category["score"] for key, category in result["categories"].items()}
    failing = {ref["id"]: result["audits"][ref["id"]].get("displayValue", result["audits"][ref["id"]]["score"])
               for category in result["categories"].values() for ref in category["auditRefs"]
               if ref.get("weight") and (result["audits"][ref["id"]]["score"] or 0) < 1}
    assert len(scores) == 4 and all(score is not None and score >= 0.95 for score in scores.values()), (scores, failing)


# ---------------------------------------------------------------- reproducible builds

def _tree(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("epoch", [None, "1700000000"], ids=["no-SOURCE_DATE_EPOCH", "SOURCE_DATE_EPOCH"])
def test_two_builds_are_byte_identical(tmp_path, epoch):
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    env["PYTHONPATH"] = str(REPO)
    if epoch:
        env["SOURCE_DATE_EPOCH"] = epoch
    sites = []
    for name in ("first", "second-at-another-path"):   # one after the other: a clock would show
        root = copy_project(tmp_path / name)
        result = subprocess.run([sys.executable, "-m", "builder", "build", "--base-url", PREFIX], cwd=root,
                                env=env, capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, result.stderr
        sites.append(_tree(root / "site"))
    first, second = sites
    assert sorted(first) == sorted(second), set(first) ^ set(second)
    differ = [name for name in first if first[name] != second[name]]
    assert not differ, f"{len(differ)} of {len(first)} files differ between two builds: {differ[:20]}"
    assert len(first) > 50
    if epoch:   # the variable was honoured (2023-11-14), so the test compared what it meant to
        assert b"14 Nov 2023" in first["index.html"]


# ---------------------------------------------------------------- hostile seed text

XSS_TITLE = f"Japan presses North Korea {XSS} on abductions"
XSS_PARAS = [
    f"Japan and North Korea held talks in Mongolia on Tuesday {XSS} on the abduction of Japanese "
    "citizens, officials in Tokyo said, the first such meeting in years.",
    "Japanese Prime Minister Taro Yamada said Tokyo would keep pressing Pyongyang to return the abductees.",
    f"North Korea has said the abduction issue is settled {XSS}, a position Japan rejects.",
    "Japan and North Korea have no diplomatic relations, and ties are strained by missile launches.",
    "The talks follow North Korean missile tests that flew over northern Japan earlier this year.",
]


def arab_news_seed(title: str, paras: list[str]) -> str:
    """One Arab News page as a clipping: headline, photo caption, page controls, repeated headline."""
    lines = [title, "", f"Update {title}", "Officials meet in Ulaanbaatar on Sept. 3, 2024. (AP)", "Short Url",
             "Updated 06 September 2024", "Follow", "", title, "", title, "", *(p + "\n" for p in paras), ""]
    return "\n".join(lines)


class _H1(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.inside, self.text = False, ""

    def handle_starttag(self, tag, attrs) -> None:
        self.inside = self.inside or tag == "h1"

    def handle_endtag(self, tag) -> None:
        self.inside = self.inside and tag != "h1"

    def handle_data(self, data) -> None:
        if self.inside:
            self.text += data


def page_h1(page: Path) -> str:
    """The text of a built page's <h1>, as a reader sees it (entities decoded)."""
    parser = _H1()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.text.strip()


@pytest.fixture(scope="module")
def xss_site(tmp_path_factory):
    """The repository's briefing plus one seed whose headline and body carry a script tag, built
    (with ingest) for an absolute base URL under /briefing/ so that feeds can be written, and served."""
    root = copy_project(tmp_path_factory.mktemp("xss"))
    (root / "seeds" / "zz_hostile.txt").write_text(arab_news_seed(XSS_TITLE, XSS_PARAS), encoding="utf-8")
    with serve(root / "site") as server:
        site = build_project(root, server.base, run_ingest=True)
        pages = [p for p in (site / "articles").rglob("index.html") if "alert(1)" in page_h1(p)]
        assert len(pages) == 1, f"the hostile seed was not published as one article: {pages}"
        yield site, server, pages[0].parent.relative_to(site).as_posix() + "/"


def test_xss_raw_html_escapes_the_script_tag(xss_site):
    site, _, article = xss_site
    html = (site / article / "index.html").read_text(encoding="utf-8")
    assert ESCAPED in html
    leaks = [p.relative_to(site).as_posix() for p in html_files(site)
             if XSS in (raw := p.read_text(encoding="utf-8")) or re.search(r"<script[^>]*>\s*alert\(1\)", raw, re.I)]
    assert not leaks, f"raw <script>alert(1)</script> in {leaks}"


def test_xss_article_shows_the_text_and_runs_nothing(browser, xss_site):
    site, server, article = xss_site
    for path in (article, ""):   # the article page, and the home page that lists its headline
        with open_page(browser, server.url(path)) as (page, problems):
            page.wait_for_timeout(100)
            text = page.inner_text("body")
            scripts = page.evaluate("""() => [...document.scripts].map(s => [s.type, s.textContent])""")
            assert not problems   # no dialog fired
        assert XSS_TITLE in text, f"/briefing/{path}: the headline is not shown as text"
        if path == article:
            assert text.count(XSS) >= 3, "the body's script tags are not shown as text"
            assert page_h1(site / article / "index.html") == XSS_TITLE
        assert not [s for s in scripts if XSS in s[1] or ("alert(1)" in s[1] and s[0] in ("", "module",
                                                                                         "text/javascript"))]


def test_xss_feeds_keep_the_script_tag_as_text(xss_site):
    """Feeds are checked when the build writes them (Atom `atom.xml`, JSON Feed `feed.json`, anywhere)."""
    site, _, _ = xss_site
    atoms, jsons = sorted(site.rglob("atom.xml")), sorted(site.rglob("feed.json"))
    if not atoms and not jsons:
        pytest.skip("the build writes no atom.xml or feed.json (yet)")
    found = 0
    for path in atoms:
        raw = path.read_text(encoding="utf-8")
        assert XSS not in raw, f"{path.relative_to(site)}: unescaped script tag"
        root = ET.fromstring(raw)
        ns = "{http://www.w3.org/2005/Atom}"
        hostile = [e for e in root.iter(f"{ns}entry") if "alert(1)" in "".join(e.itertext())]
        assert hostile or path.parent != site, f"{path.relative_to(site)}: the hostile article is missing"
        found += len(hostile)
        for entry in hostile:
            for el in entry:
                kind = el.get("type", "text")
                text = "".join(el.itertext())
                if el.tag in (f"{ns}title", f"{ns}summary", f"{ns}content") and "alert(1)" in text:
                    if kind == "html":   # the decoded text is HTML: the tag must still be escaped in it
                        assert XSS not in text and ESCAPED in text, (path, el.tag, text)
                    elif kind == "xhtml":
                        assert not [x for x in el.iter() if x.tag.rsplit("}", 1)[-1] == "script"], (path, el.tag)
                    else:
                        assert XSS in text, (path, el.tag, text)
    for path in jsons:
        feed = json.loads(path.read_text(encoding="utf-8"))
        hostile = [i for i in feed["items"] if "alert(1)" in json.dumps(i, ensure_ascii=False)]
        assert hostile or path.parent != site, f"{path.relative_to(site)}: the hostile article is missing"
        found += len(hostile)
        for item in hostile:
            assert item.get("title") == XSS_TITLE, (path, item.get("title"))
            if "content_html" in item:
                assert XSS not in item["content_html"] and ESCAPED in item["content_html"], (path, item)
            for key in ("summary", "content_text"):
                if "alert(1)" in str(item.get(key, "")):
                    assert XSS in item[key], (path, key, item[key])
    assert found, "no feed has the hostile article"


def test_xss_search_shows_the_text_and_runs_nothing(browser, xss_site):
    _, server, article = xss_site
    with open_page(browser, server.url("search/")) as (page, problems):
        page.fill("#search-q", "alert")
        link = page.wait_for_selector(f"#search-results:not([aria-busy]) li h2 a[href='{PREFIX}{article}']")
        title = link.inner_text()
        results = page.inner_text("#search-results")
        scripts = page.evaluate("""() => [...document.scripts].filter(s => s.textContent.includes('alert'))
                                     .map(s => s.outerHTML)""")
        page.wait_for_timeout(200)
        assert not problems   # no dialog fired
    assert XSS in title, f"search result title is not the literal text: {title!r}"
    assert "alert(1)" in results
    assert not scripts, scripts


# ---------------------------------------------------------------- pages and URLs, without a browser

def test_an_article_alone_in_its_dossier_shows_no_bare_dossier_name(project):
    """Issue 15 item 17: the timeline navigation names a dossier only with a neighbour to show
    (an article alone in Japan–ROK showed a bare "Japan–ROK:"); beside it, a dossier with two
    articles still links the other one."""
    from builder.build import build
    articles = project.root / "content" / "articles" / "2024"
    articles.mkdir(parents=True)
    for name, dossiers in (("alone", "[japan-rok, japan-dprk]"), ("other", "[japan-dprk]")):
        (articles / f"{name}.md").write_text(f"---\ntitle: The {name} story\ndate: 2024-05-0{len(name)}\n"
                                             f"dossiers: {dossiers}\n---\n\nText.\n", encoding="utf-8")
    build(project.config, run_ingest=False)
    site = project.root / "site" / "articles" / "2024"
    def nav(name: str) -> str:
        page = (site / name / "index.html").read_text(encoding="utf-8")
        return re.search(r'<nav class="timeline-nav".*?</nav>', page, re.S).group(0)

    assert "Japan–ROK" not in nav("the-alone-story")
    assert "Japan–DPRK:</strong>" in nav("the-alone-story") and "The other story" in nav("the-alone-story")
    assert "Japan–ROK" not in nav("the-other-story") and "The alone story" in nav("the-other-story")
    project.root.joinpath("content/articles/2024/other.md").unlink()
    build(project.config, run_ingest=False)
    alone = (site / "the-alone-story" / "index.html").read_text(encoding="utf-8")
    assert 'class="timeline-nav"' not in alone   # no neighbour anywhere: no empty navigation either


@pytest.mark.parametrize("base_url, path, expected", [
    ("/", "assets/style.css", "/assets/style.css"),
    ("/briefing/", "dossiers/japan-rok/", "/briefing/dossiers/japan-rok/"),
    ("https://example.org/briefing/", "", "/briefing/"),
])
def test_internal_urls_follow_the_base_path(tmp_path, base_url, path, expected):
    from builder.render import environment
    assert environment(tmp_path, base_url).globals["url"](path) == expected


def test_the_plain_core_renders_the_site_the_build_makes(repo_copy, tmp_path):
    """Issue 16: load_site then render_site, with no cache, stamp or last build, write the same
    files, byte for byte, as `build` does with all its machinery."""
    from builder.build import build
    from builder.config import load_config
    from builder.render import render_site
    from builder.site import load_site
    from tests.test_build import tree
    config = load_config(repo_copy / "config.yaml")
    build(config, run_ingest=False)
    render_site(load_site(config), tmp_path / "plain")
    assert tree(tmp_path / "plain") == tree(repo_copy / "site")


def test_an_article_with_a_url_links_to_the_original(project):
    """Issue 18: an article whose front matter has `url:` links to it from its page ("Read at" its
    publisher, else the address's host) with rel="noopener"; one without shows no such link."""
    from builder.build import build
    articles = project.root / "content" / "articles" / "2024"
    articles.mkdir(parents=True)
    for name, extra in (("named", "publisher: Arab News\nurl: https://www.arabnews.com/node/1\n"),
                        ("hosted", "url: https://www.example.com/a?b=1&c=2\n"), ("plain", "")):
        (articles / f"{name}.md").write_text(f"---\ntitle: The {name} story\ndate: 2024-05-01\n{extra}"
                                             "dossiers: [japan-dprk]\n---\n\nText.\n", encoding="utf-8")
    build(project.config, run_ingest=False)
    site = project.root / "site" / "articles" / "2024"
    def page(name: str) -> str:
        return (site / f"the-{name}-story" / "index.html").read_text(encoding="utf-8")

    assert '<a href="https://www.arabnews.com/node/1" rel="noopener">Read at Arab News</a>' in page("named")
    assert '<a href="https://www.example.com/a?b=1&amp;c=2" rel="noopener">Read at example.com</a>' in page("hosted")
    assert "Read at" not in page("plain")


# ---------------------------------------------------------------- issue 17: a briefing that reads like one

def built(root: Path) -> Path:
    from builder.build import build
    from builder.config import load_config
    build(load_config(root / "config.yaml"), run_ingest=False)
    return root / "site"


def test_a_partial_is_rendered_once_for_each_set_of_current_links(tmp_path: Path):
    """render._Partials: pages whose `current()` answers are the same share one rendering; the
    answers it keys on are those of the links the partial asked of."""
    import jinja2

    from builder.render import _Partials
    made: list[int] = []
    env = jinja2.Environment(loader=jinja2.DictLoader(
        {"nav.html": '<a{{ current("a/") }}>A</a><a{{ current("b/") }}>B</a>{{ made.append(1) or "" }}'}))
    env.globals["made"] = made
    partials = _Partials(env, tmp_path)
    shown = {here: partials.render(here, "nav.html") for here in ["a/", "a/2024/", "b/", "c/", "d/", "a/2023/", ""]}
    assert shown["a/"] == '<a aria-current="page">A</a><a>B</a>'
    assert shown["a/2024/"] == shown["a/2023/"] == '<a aria-current="true">A</a><a>B</a>'
    assert shown["b/"] == '<a>A</a><a aria-current="page">B</a>'
    assert shown["c/"] == shown["d/"] == shown[""] == "<a>A</a><a>B</a>"
    assert len(made) == 4      # a/, a/2024/ (and a/2023/), b/, c/ (and d/, home)


def test_partials_mark_each_page_s_own_section_and_may_not_look_at_the_page(repo_copy):
    """The masthead and the dossiers' list are partials, rendered once per set of current links
    (render._Partials): every page still marks its own section, whichever page made the fragment
    first; a partial that looks at the page is told it cannot."""
    from builder.errors import BuilderError

    site = built(repo_copy)
    for path, marked in [("index.html", 'href="/" aria-current="page"'),
                         (f"{DOSSIER}index.html", f'href="/{DOSSIER}" aria-current="page"'),
                         (f"{PERSON}index.html", 'href="/people/" aria-current="true"'),
                         (f"{EDITION}index.html", 'href="/editions/" aria-current="true"'),
                         ("archive/index.html", 'href="/archive/" aria-current="page"'),
                         ("search/index.html", 'href="/search/" aria-current="page"'),
                         ("404.html", None)]:
        html = (site / path).read_text(encoding="utf-8")
        masthead = re.search(r'<header class="masthead">.*?</header>', html, re.S).group(0)
        assert masthead.count("aria-current") == (1 if marked else 0) and (marked is None or marked in masthead), path
    for path, marked in [(f"{PERSON}index.html", 0), (f"{DOSSIER}index.html", 1), ("404.html", 0)]:
        html = (site / path).read_text(encoding="utf-8")
        assert re.search(r'<ul class="dossier-nav">.*?</ul>', html, re.S).group(0).count("aria-current") == marked
    masthead = repo_copy / "templates" / "masthead.html"
    masthead.write_text(masthead.read_text().replace("{{ config.title }}", "{{ page_path }}"))
    with pytest.raises(BuilderError) as error:
        built(repo_copy)
    assert error.value.file == str(masthead)
    assert "page_path" in error.value.message and "not the page" in error.value.message


def test_dates_are_short_never_wrap_and_the_current_section_is_marked(repo_copy):
    """Issue 17 item 1: every listing dates as "6 Sep 2024" inside <time> that never wraps; the
    navigation marks the current section (aria-current "page" on it, "true" on a page below it);
    the site has an icon; every dossier has its own colour label; no page or stylesheet asks
    another host for anything."""
    import datetime as dt

    from builder.render import shortdate, timed
    assert shortdate(dt.date(2024, 9, 6)) == "6 Sep 2024" and shortdate(None) == "Undated"
    assert timed(dt.date(2024, 9, 6)) == '<time datetime="2024-09-06">6 Sep 2024</time>' and timed(None) == "Undated"
    site = built(repo_copy)
    css = (site / "assets" / "style.css").read_text(encoding="utf-8")
    assert re.search(r"(^|\n)time \{ white-space: nowrap; \}", css)
    dossier = (site / DOSSIER / "index.html").read_text(encoding="utf-8")
    assert f'href="/{DOSSIER}" aria-current="page">Japan–ROK</a>' in dossier
    assert re.search(r'<nav aria-label="Sections">.*?</nav>', dossier, re.S).group(0).count("aria-current") == 1
    person = (site / PERSON / "index.html").read_text(encoding="utf-8")
    assert 'href="/people/" aria-current="true">People</a>' in person
    edition = (site / EDITION / "index.html").read_text(encoding="utf-8")
    assert 'href="/editions/" aria-current="true">Editions</a>' in edition
    # the icon a browser asks the site's root for, and the one the pages name
    assert (site / "favicon.ico").read_bytes()[:4] == b"\0\0\1\0" and (site / "assets" / "icon.svg").is_file()
    assert '<link rel="icon" href="/assets/icon.svg" type="image/svg+xml">' in person
    labels = {m for p in html_files(site) for m in re.findall(r'class="label (c\d)"', p.read_text(encoding="utf-8"))}
    assert labels == {"c0", "c1", "c2"}   # three dossiers, three colours
    assert re.search(r'<time datetime="2024-\d\d-\d\d">\d{1,2} [A-Z][a-z]{2} 2024</time>',
                     (site / "index.html").read_text(encoding="utf-8"))
    fetched = [ref for p in html_files(site) for ref in re.findall(
        r'<(?:script|img|link rel="stylesheet")[^>]*?(?:src|href)="([^"]+)"', p.read_text(encoding="utf-8"))]
    assert fetched and not [ref for ref in fetched if urlsplit(ref).netloc], fetched
    assert not re.search(r"url\(|@import", css)


def test_the_front_page_has_a_lead_a_card_per_dossier_and_each_headline_once(repo_copy):
    """Issue 17 item 2: the site's name shows once (the H1 is for screen readers); a lead story,
    then a card per dossier with its newest and an activity chart described in words; every
    article links once, each with its dossier labels."""
    home = (built(repo_copy) / "index.html").read_text(encoding="utf-8")
    main = re.search(r"<main.*?</main>", home, re.S).group(0)
    assert '<h1 class="visually-hidden">' in main and "Latest across all dossiers" not in main
    assert home.count("East Asia &amp; Ukraine Diplomacy Briefing</") == 3   # masthead, H1, colophon
    links = re.findall(r'<a href="/(articles/[^"]+)">', main)
    assert links and len(links) == len(set(links)), links
    assert 'class="lead' in main and main.count('class="dossier-card') == 3
    items = re.findall(r"<li><a href=\"/articles/.*?</li>", main, re.S)
    assert items and all('class="label c' in item for item in items)
    assert re.search(r'<svg [^>]*role="img" aria-labelledby="d-ukraine-diplomacy-chart">\s*'
                     r'<title id="d-ukraine-diplomacy-chart">Articles per month, ', main)


def test_a_dossier_is_a_timeline_with_its_state_of_play_activity_and_key_people(repo_copy):
    """Issue 17 item 3: a dossier's page shows its intro as "State of play", its articles grouped by
    month on a rail, a chart of its articles per month with the counts as a table, and the people
    it names most; its years keep their own pages."""
    site = built(repo_copy)
    page = (site / "dossiers/japan-dprk/index.html").read_text(encoding="utf-8")
    assert re.search(r'<h2 id="state" class="kicker">State of play</h2>\s*<p>Japan\'s relations', page)
    assert re.search(r'<div class="timeline">\s*<section aria-labelledby="m-1">\s*<h2 id="m-1">March 2024</h2>', page)
    assert '<th scope="row">Mar 2024</th><td>1</td>' in page and 'role="img"' in page
    people = re.search(r'<h2 class="aside-head">Key people</h2>\s*<ul class="key-people">(.*?)</ul>',
                       page, re.S).group(1)
    assert re.search(r'<a href="/people/shinzo-abe/">Shinzo Abe</a>(, [^<]+)? <span class="count">\(3\)</span>', people)


def test_an_article_shows_why_it_matters_labelled_key_points_its_publisher_and_more_coverage(project):
    """Issue 17 item 4: the curator's `note:` is shown as "Why it matters", key points under a
    "Key points" heading, the source as its publisher; articles on the same event (days apart,
    people in common) are "More coverage", other related ones stay "Related"."""
    articles = project.root / "content" / "articles" / "2024"
    articles.mkdir(parents=True)
    for name, date, extra in (
            ("first", "2024-05-01",
             "note: Tokyo's first offer in years.\nkey_points: [Talks resume]\npublisher: Arab News\n"),
            ("second", "2024-05-02", "publisher: Kyodo\n"), ("later", "2024-09-01", "")):
        (articles / f"{name}.md").write_text(
            f"---\ntitle: The {name} story\ndate: {date}\n{extra}dossiers: [japan-dprk]\n"
            "people: [Taro Yamada, Kim Jong Un]\n---\n\nText.\n", encoding="utf-8")
    site = built(project.root)
    page = (site / "articles/2024/the-first-story/index.html").read_text(encoding="utf-8")
    assert re.search(r'<h2 id="why">Why it matters</h2>\s*<p>Tokyo&#39;s first offer in years.</p>', page)
    assert re.search(r'<h2 id="key-points">Key points</h2>\s*<ul><li>Talks resume</li></ul>', page)
    assert '<p class="source-line">Published by Arab News</p>' in page
    coverage = re.search(r'<h2 id="coverage">More coverage</h2>(.*?)</section>', page, re.S).group(1)
    related = re.search(r'<h2 id="related">Related</h2>(.*?)</section>', page, re.S).group(1)
    assert "The second story" in coverage and "Kyodo" in coverage and "The later story" not in coverage
    assert "The later story" in related and "The second story" not in related
    assert "More coverage" not in (site / "articles/2024/the-later-story/index.html").read_text(encoding="utf-8")


def test_a_persons_role_shows_wherever_they_are_named_and_an_edit_rebuilds_as_a_clean_build(repo_copy):
    """Issue 17 item 5: a person's role (content/people/) follows their name on their page, the
    people index, a dossier's key people and an article's people; after an edit to the file (a
    role, an alias) the incremental build is the clean one."""
    from tests.test_build import clean_build, tree
    site = built(repo_copy)
    role = ('<a href="/people/fumio-kishida/">Fumio Kishida</a>'
            '<span class="role">, Prime Minister of Japan, 2021–2024</span>')
    for page in ("people/", DOSSIER, KISHIDA):
        assert role in (site / page / "index.html").read_text(encoding="utf-8"), page
    person = (site / PERSON / "index.html").read_text(encoding="utf-8")
    assert '<p class="profile">Prime Minister of Japan, 2021–2024, Japan</p>' in person and "comfort women" in person
    profile = repo_copy / "content" / "people" / "fumio-kishida.md"
    profile.write_text(profile.read_text(encoding="utf-8").replace("2021–2024", "from 2021")
                       .replace("country: Japan", "country: Japan\naliases: [Kishida Fumio]"), encoding="utf-8")
    built(repo_copy)
    assert "Prime Minister of Japan, from 2021" in (site / KISHIDA / "index.html").read_text(encoding="utf-8")
    assert tree(repo_copy / "site") == clean_build(copy_project(repo_copy.parent / "clean", repo_copy))


def test_the_home_page_leads_with_the_latest_edition_and_every_edition_has_its_page(project):
    """Issue 17 item 3: an edition's page lists its articles under their dossiers with the editor's
    intro and links the editions on either side; the index lists every edition; the home page
    leads with the latest one; the editions' Atom feed has an entry per edition."""
    from builder.build import build
    content = project.root / "content"
    for name, added, dossiers in (("first", "2024-09-02", "[japan-dprk]"), ("second", "2024-09-06", "[japan-rok]"),
                                  ("third", "2024-09-06", "[ukraine-diplomacy, japan-rok]")):
        path = content / "articles" / "2024" / f"{name}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"---\ntitle: The {name} story\ndate: 2024-05-01\nadded: {added}\n"
                        f"dossiers: {dossiers}\n---\n\nText.\n", encoding="utf-8")
    (content / "editions").mkdir()
    (content / "editions" / "2024-09-06.md").write_text("---\ntitle: Summit week\n---\n\nWhat *mattered*.\n",
                                                        encoding="utf-8")
    build(project.config, run_ingest=False)
    site = project.root / "site"
    friday = (site / "editions" / "2024-09-06" / "index.html").read_text(encoding="utf-8")
    assert "<h1>Edition: 6 Sep 2024</h1>" in friday and "<h2>Summit week</h2>" in friday
    assert "<em>mattered</em>" in friday
    rok = friday.index('id="g-japan-rok"')
    assert rok < friday.index("The second story") < friday.index("The third story") and "g-ukraine" not in friday
    assert 'rel="prev" href="/editions/2024-09-02/"' in friday and 'rel="next"' not in friday
    index = (site / "editions" / "index.html").read_text(encoding="utf-8")
    assert index.index("/editions/2024-09-06/") < index.index("/editions/2024-09-02/") and "Summit week" in index
    home = (site / "index.html").read_text(encoding="utf-8")
    latest = home[home.index('id="latest-edition"'):]
    assert latest.index('href="/editions/2024-09-06/"') < latest.index("The second story")
    assert "The first story" not in latest[:latest.index("All editions")]
    feed = ET.parse(site / "editions" / "atom.xml").getroot()
    assert [e.findtext(f"{ATOM}title") for e in feed.findall(f"{ATOM}entry")] == ["Summit week", "Edition: 2 Sep 2024"]


def test_the_editions_index_lists_the_newest_and_each_year_has_a_page(project):
    """A daily briefing has hundreds of editions a year: the index lists the newest RECENT and links
    a page per year, which lists that year's editions by month."""
    from builder.build import build
    from builder.editions import RECENT
    first = dt.date(2023, 11, 20)
    for n in range(RECENT + 13):   # to 1 Jan 2024
        day = first + dt.timedelta(days=n)
        path = project.root / "content" / "articles" / "2023" / f"story-{n}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"---\ntitle: Story {n}\ndate: 2023-05-01\nadded: {day}\ndossiers: [japan-dprk]\n---\n\n"
                        "Text.\n", encoding="utf-8")
    build(project.config, run_ingest=False)
    site = project.root / "site" / "editions"
    index = (site / "index.html").read_text(encoding="utf-8")
    listed = re.findall(r'href="/editions/(\d{4}-\d\d-\d\d)/"', index)
    assert len(listed) == RECENT and listed[0] == "2024-01-01" and first.isoformat() not in listed
    assert 'href="/editions/2024/"' in index and 'href="/editions/2023/"' in index
    year = (site / "2023" / "index.html").read_text(encoding="utf-8")
    assert "<h1>Editions: 2023</h1>" in year and year.index("December 2023") < year.index("November 2023")
    assert f'href="/editions/{first.isoformat()}/"' in year and "/editions/2024-01-01/" not in year
    assert 'href="/editions/2023/" aria-current="page"' in year
