"""Saved web pages (`.html` seeds) as articles: main text, metadata, charset, cleanup, safety."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import yaml

from builder.build import build
from builder.config import load_config
from builder.explain import explain_seed
from builder.ingest import ingest
from builder.readers import READERS, extraction
from builder.webpage import read_webpage
from tests.conftest import REPO

STORY = ("Ukraine and Russia held peace talks in Istanbul on Tuesday, the first direct negotiations "
         "between the two sides in three years, with envoys from Kyiv and Moscow meeting for two hours.")
MORE = ("The foreign minister of Turkey, which hosted the talks, said both delegations agreed to meet "
        "again next month to discuss a ceasefire and an exchange of prisoners held since the war began.")


def page(body: str, head: str = "", charset: str = "utf-8") -> str:
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="{charset}">
<title>Peace talks resume in Istanbul | Example News</title>
<link rel="canonical" href="https://news.example.com/world/peace-talks-istanbul">
<meta property="og:site_name" content="Example News">
<meta property="article:published_time" content="2024-03-05T10:00:00Z">
{head}</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li><li><a href="/sport">Sport</a></li></ul></nav>
<article><h1>Peace talks resume in Istanbul</h1>
{body}
</article>
<footer><p>© 2024 Example News. All rights reserved.</p></footer>
</body></html>"""


ARTICLE = f"""<p>{STORY}</p>
<p>Share</p>
<h2>A second round</h2>
<p>{MORE}</p>
<p>Read more: Earlier talks collapsed in 2022</p>
<ul><li>Prisoner exchanges were the first item on the agenda.</li>
<li>Grain exports through the Black Sea came next.</li></ul>
<p>The talks were described by both sides as constructive, though no joint statement was issued at the end.</p>
<p>Sign up for our newsletter to get the latest world news in your inbox every morning.</p>"""


def test_readers_table_reads_html_and_htm():
    """Issue 18: `.html` and `.htm` seeds have a reader in the table of seed formats."""
    assert READERS[".html"] is read_webpage and READERS[".htm"] is read_webpage


def test_a_saved_page_becomes_an_article_with_its_headline_date_publisher_and_address(project):
    """Issue 18: title (the page's <h1>, in its <title>), date and where, publisher (the site's
    name) and canonical URL go into front matter; the text is the same Markdown as from a `.txt`."""
    project.seed("talks.html", page(ARTICLE))
    report = ingest(project.config)
    assert not report.problems and len(report.written) == 1
    [text] = project.articles().values()
    _, head, body = text.split("---\n", 2)
    meta = yaml.safe_load(head)
    assert meta["title"] == "Peace talks resume in Istanbul" and meta["date"] == dt.date(2024, 3, 5)
    assert meta["date_source"] == "htmldate, meta article:published_time" and meta["publisher"] == "Example News"
    assert meta["url"] == "https://news.example.com/world/peace-talks-istanbul"
    assert meta["url_source"] == "canonical link" and meta["source"]["file"] == "talks.html"
    assert STORY in body and MORE in body and "## A second round" in body
    assert "- Prisoner exchanges were the first item on the agenda.\n- Grain exports" in body


def test_controls_links_elsewhere_and_closing_notices_are_dropped(project):
    """Issue 18: what trafilatura keeps of the page's furniture (a `Share` control, a `Read more:`
    link, a newsletter notice at the end) is dropped, and said so; the menu and footer never came."""
    found = extraction(Path("talks.html"), page(ARTICLE).encode())
    [draft] = found.drafts
    body = " ".join(draft.paragraphs)
    for furniture in ("Share", "Read more", "newsletter", "All rights reserved", "Sport"):
        assert furniture not in body
    dropped = [d.why for d in draft.decisions if d.what == "dropped"]
    assert "a control, a link to another story or a credit" in dropped
    assert any(why.startswith("a notice") and why.endswith("ends") for why in dropped)


def test_the_charset_is_the_documents_own(tmp_path):
    """Issue 18: a byte order mark, else the page's meta charset, else detection; never assumed."""
    cafe = f"<p>{STORY} The envoys met at a café near the Bosphorus.</p><p>{MORE}</p>"
    cases = {
        "declared": (page(cafe, charset="windows-1252").encode("cp1252"), "declared by the page: charset=windows-1252"),
        "latin-1": (page(cafe, charset="iso-8859-1").encode("cp1252"), "cp1252 (declared by the page"),
        "bom": (b"\xef\xbb\xbf" + page(cafe, charset="iso-8859-1").encode(), "byte order mark"),
        "utf-16": (page(cafe).encode("utf-16"), "UTF-16 (byte order mark)"),
        "undeclared": (page(cafe).replace('<meta charset="utf-8">', "").encode("cp1252"), "detected"),
    }
    for name, (data, how) in cases.items():
        [draft] = read_webpage(data, tmp_path / f"{name}.html").drafts
        assert "a café near" in " ".join(draft.paragraphs), name
        charset = next(d.why for d in draft.decisions if d.what == "charset")
        assert how in charset, (name, charset)


def test_the_title_is_cleaned_of_the_site_name_when_the_page_prints_no_headline(tmp_path):
    """Issue 18: without an <h1>, the <title>'s `Headline | Site` loses the site's name."""
    html = page(f"<p>{STORY}</p><p>{MORE}</p>").replace("<h1>Peace talks resume in Istanbul</h1>", "")
    [draft] = read_webpage(html.encode(), tmp_path / "a.html").drafts
    assert draft.title == "Peace talks resume in Istanbul"


def test_a_logo_in_an_h1_is_not_the_headline(tmp_path):
    """Issue 18: an <h1> naming the site (its logo) is not the page's headline."""
    html = page(f"<p>{STORY}</p><p>{MORE}</p>").replace("<h1>Peace talks resume in Istanbul</h1>", "") \
        .replace("<nav>", "<header><h1>Example News</h1></header><nav>")
    [draft] = read_webpage(html.encode(), tmp_path / "a.html").drafts
    assert draft.title == "Peace talks resume in Istanbul"


def test_only_an_http_address_is_the_original(tmp_path):
    """Issue 18: a relative canonical link is made absolute against og:url; a `javascript:` one is
    left out, and said so."""
    body = f"<p>{STORY}</p><p>{MORE}</p>"
    relative = page(body, head='<meta property="og:url" content="https://news.example.com/x">') \
        .replace('href="https://news.example.com/world/peace-talks-istanbul"', 'href="/world/talks"')
    [draft] = read_webpage(relative.encode(), tmp_path / "a.html").drafts
    assert (draft.url, draft.url_source) == ("https://news.example.com/world/talks", "canonical link")
    script = page(body).replace('href="https://news.example.com/world/peace-talks-istanbul"',
                                'href="javascript:alert(1)"')
    [draft] = read_webpage(script.encode(), tmp_path / "b.html").drafts
    assert draft.url is None and any("not an http(s) address" in d.why for d in draft.decisions)


def test_a_recipes_ingredients_come_from_its_markup_when_the_text_lacks_them(tmp_path):
    """Issue 18: schema.org recipe ingredients the main text lacks head it as a list."""
    ld = ('<script type="application/ld+json">{"@context": "https://schema.org", "@graph": [{"@type": "Recipe", '
          '"recipeIngredient": ["2 cups of rice", "1 whole chicken", "3 onions, chopped"]}]}</script>')
    [draft] = read_webpage(page(f"<p>{STORY}</p><p>{MORE}</p>", head=ld).encode(), tmp_path / "r.html").drafts
    assert [(b.kind, b.text) for b in draft.blocks[:3]] == [("li", "2 cups of rice"), ("li", "1 whole chicken"),
                                                          ("li", "3 onions, chopped")]


def test_a_page_without_main_text_is_no_article(project):
    """Issue 18: a page of menus gives no article; ingest says so and goes on."""
    project.seed("menu.html", "<html><body><nav><a href='/'>Home</a> <a href='/a'>About</a></nav></body></html>")
    project.seed("talks.html", page(ARTICLE))
    report = ingest(project.config)
    assert not report.problems and len(report.written) == 1
    assert any("menu.html: no article found" in note for note in report.notes)


def test_the_pages_html_never_reaches_the_site(project):
    """Issue 18: markup and scripts in the page are text at most, escaped, on the article's page."""
    hostile = (f"<p>{STORY} <script>alert('inline')</script><b onclick=\"x()\">Bold</b> words.</p>"
               f"<p>{MORE} Its spokesman wrote &lt;script&gt;alert(1)&lt;/script&gt; and "
               f"&lt;img src=x onerror=alert(2)&gt; in a post.</p><p><iframe src='https://evil.example/'></iframe></p>")
    project.seed("talks.html", page(hostile))
    build(load_config(project.root / "config.yaml"))
    [html] = [p.read_text() for p in (project.root / "site" / "articles").rglob("index.html")]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "&lt;img src=x onerror=alert(2)&gt;" in html
    assert "Bold words" in html
    for raw in ("<script>alert", "alert('inline')", "<img", "<iframe", "onclick", "<b "):
        assert raw not in html, raw


def test_explain_a_saved_page_shows_how_it_was_read(project):
    """Issue 18: explain on an `.html` seed prints the reader's decisions and each extracted line."""
    seed = project.seed("talks.html", page(ARTICLE))
    out = explain_seed(project.config, seed)
    assert "1 article(s)" in out and "'Peace talks resume in Istanbul'" in out
    assert "charset: utf-8 (declared by the page: charset=utf-8)" in out
    assert "url: https://news.example.com/world/peace-talks-istanbul (the page's canonical link)" in out
    assert "headline: headline 'Peace talks resume in Istanbul': the page's <h1>" in out
    share = next(line for line in out.splitlines() if line.split()[1:2] == ["furniture"] and "Share" in line)
    assert "a control" in share


def test_txt_ingest_loads_and_works_without_trafilatura(project):
    """Issue 18: trafilatura is imported when a page is read: ingest of `.txt` seeds loads and runs
    in an interpreter without it (the dev-set hook's), and an `.html` seed there is one clear error."""
    project.seed("a.txt", (REPO / "seeds" / "004_3dd1195f19a70900.txt").read_text(encoding="utf-8"))
    project.seed("talks.html", page(ARTICLE))
    code = f"""
import sys
class Missing:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("trafilatura", "lxml", "charset_normalizer"):
            raise ImportError(name)
sys.meta_path.insert(0, Missing())
import builder.ingest, builder.explain
from builder.config import load_config
report = builder.ingest.ingest(load_config({str(project.root / "config.yaml")!r}))
print(len(report.written))
for problem in report.problems:
    print(problem)
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=project.root)
    assert done.returncode == 0, done.stderr
    written, *problems = done.stdout.splitlines()
    assert int(written) >= 3
    assert problems == [f"{project.root / 'seeds' / 'talks.html'}: seed cannot be read: trafilatura, which reads web "
                        "pages, is not installed (pip install -e . installs it); skipped"]


def test_hostile_pages_give_an_article_not_a_traceback(tmp_path):
    """Issue 18 review: a canonical link urlsplit refuses (`http://[oops/x`), a charset Python knows
    but no browser reads (`undefined`, `punycode`, UTF-7, `unicode_escape`: the page is read as the
    UTF-8 it is) and JSON-LD nested deeper than Python recurses give the article, not a traceback."""
    body = f"<p>{STORY} A path C:\\x00\\new was quoted.</p><p>{MORE}</p>"
    broken = page(body).replace('href="https://news.example.com/world/peace-talks-istanbul"', 'href="http://[oops/x"')
    [draft] = read_webpage(broken.encode(), tmp_path / "a.html").drafts
    assert draft.url is None and any("'http://[oops/x' left out" in d.why for d in draft.decisions)
    for charset in ("undefined", "punycode", "utf-7", "unicode_escape"):
        [draft] = read_webpage(page(body, charset=charset).encode(), tmp_path / "b.html").drafts
        assert "A path C:\\x00\\new was quoted." in " ".join(draft.paragraphs), charset
        how = next(d.why for d in draft.decisions if d.what == "charset")
        assert how == f"utf-8 (the bytes are UTF-8; the page declares charset={charset}, which is no charset " \
                      "a browser reads)", charset
    deep = '<script type="application/ld+json">{"recipeIngredient": ' + "[" * 100_000 + "]" * 100_000 + "}</script>"
    [draft] = read_webpage(page(body, head=deep).encode(), tmp_path / "c.html").drafts
    assert STORY in " ".join(draft.paragraphs)
