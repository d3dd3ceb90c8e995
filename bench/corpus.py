"""Deterministic synthetic projects for benchmarks: seed dumps in the seeds' four page formats, and
articles written exactly as ingest writes them (plus the same corpus as a Hugo site).

    python bench/corpus.py --dumps 200 OUT                  # only OUT/seeds/*.txt
    python bench/corpus.py --articles 1000 --dumps 50 OUT   # a whole project: config.yaml, templates/,
                                                            # content/, seeds/, and hugo/
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import os
import random
import shutil
import sys
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere, without installing the package
    sys.path.insert(0, str(ROOT))

# Common news vocabulary, with the dossiers' terms at the few-percent rate real stories have them.
COMMON = ("the of and to in a on for that with said was as by at from is it has have were be its their "
          "which after will not but are an who this had been also more over two year years would than "
          "they about against new government minister officials talks statement security region agreement "
          "meeting week leaders president summit country countries policy foreign relations trade military "
          "economic support decision report issue plan cooperation pressure future border election council "
          "analysts state national international last first since told people could under while during "
          "between further before including what other such where public spokesperson office agency media "
          "parliament ministry defense financial market energy prices growth investment companies funding "
          "aid conference visit capital province local forces attack killed injured court law rights "
          "protest vote party opposition ruling coalition campaign budget tax bank rate inflation exports "
          "imports deal deals negotiations dialogue envoy ceasefire peace sanctions").split()
TOPICAL = ("japan tokyo japanese north korea pyongyang south seoul korean ukraine kyiv russia moscow "
           "missile abduction alliance kishida yoon zelensky putin").split()
PLACES = ["SEOUL", "TOKYO", "KYIV", "MOSCOW", "WASHINGTON", "BRUSSELS", "BEIJING"]
NAMES = ["Fumio Kishida", "Yoon Suk Yeol", "Kim Jong Un", "Volodymyr Zelensky", "Emmanuel Macron",
         "Shinzo Abe", "Sergei Lavrov", "Antony Blinken"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]


def word(rng: random.Random) -> str:
    return rng.choice(TOPICAL) if rng.random() < 0.04 else rng.choice(COMMON)


def sentence(rng: random.Random) -> str:
    words = [word(rng) for _ in range(rng.randint(12, 28))]
    if rng.random() < 0.4:
        words.insert(rng.randint(0, len(words)), f"{rng.choice(NAMES)} said")
    return " ".join(words).capitalize() + "."


def paragraph(rng: random.Random) -> str:
    return " ".join(sentence(rng) for _ in range(rng.randint(1, 3)))


def headline(rng: random.Random) -> str:
    return " ".join(word(rng) for _ in range(rng.randint(6, 12))).capitalize()


def date(rng: random.Random) -> str:
    return f"{rng.randint(1, 28):02d} {rng.choice(MONTHS)} {rng.randint(2015, 2026)}"


def asharq(rng: random.Random) -> str:
    out = []
    for _ in range(rng.randint(2, 5)):
        title, caption = headline(rng), f"{sentence(rng)[:-1]} {date(rng)}. (Reuters)"
        out += [title, "", caption, caption, "TT", "", title, "", caption, caption, ""]
        out += [p for _ in range(rng.randint(8, 20)) for p in (paragraph(rng), "")] + ["", ""]
    return "\n".join(out)


def taipei(rng: random.Random) -> str:
    out = [paragraph(rng) for _ in range(rng.randint(10, 25))]
    out.insert(3, "Photo: AFP")
    out += [f"{rng.choice(COMMON).upper()}: " + " ".join(paragraph(rng) for _ in range(4))[:780].rsplit(" ", 1)[0]
            for _ in range(4)]
    return "\n".join(out)


def politicoscope(rng: random.Random) -> str:
    out = [headline(rng) + " - World News", "", "Subscribe to Our Newsletter", ""]
    out += [p for _ in range(rng.randint(8, 20)) for p in (paragraph(rng), "")]
    out += ["You May Also Like:   " + headline(rng), "", paragraph(rng), "", "  • AFP", "",
            "Thank you for visiting Was this information helpful?", "", "Leave a Reply"]
    return "\n".join(out)


def arab_news(rng: random.Random) -> str:
    out = []
    for n in range(rng.randint(2, 5)):
        title = headline(rng)
        updated = f"Updated {date(rng)}" if n % 2 else f"Updated {rng.randint(1, 50)} min ago"
        out += [title, "", f"Update {title}", sentence(rng), "Short Url", updated, "Follow", "", title, "",
                title, f"  • {sentence(rng)}", "", f"{rng.choice(PLACES)}: {paragraph(rng)}", ""]
        out += [p for _ in range(rng.randint(6, 15)) for p in (paragraph(rng), "")] + ["", ""]
    return "\n".join(out)


FORMATS = (asharq, taipei, politicoscope, arab_news)


def write_dumps(folder: Path, count: int, seed: int = 1) -> int:
    """Write `count` dumps into `folder`; returns the bytes written."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    total = 0
    for n in range(count):
        text = FORMATS[n % len(FORMATS)](rng)
        data = text.encode("utf-8")
        (folder / f"{n:05d}_{FORMATS[n % len(FORMATS)].__name__}.txt").write_bytes(data)
        total += len(data)
    return total


# --- articles ------------------------------------------------------------------------------------
# Per intended dossier, the phrases its stories keep using; "pairs" put both sides of a bilateral
# query close together, as real reporting does. Filing is still decided by the builder's queries.
TOPICS = {
    "japan-dprk": {
        "terms": ("Japan", "Tokyo", "Japanese", "North Korea", "Pyongyang", "North Korean", "KCNA",
                  "the abduction issue", "a ballistic missile", "the Sea of Japan", "Kim Jong Un",
                  "Prime Minister Fumio Kishida", "the exclusive economic zone", "sanctions"),
        "pairs": ("Japan and North Korea", "Tokyo and Pyongyang", "Japanese citizens abducted by North Korea",
                  "North Korean missile landed near Japan", "Kishida offered to meet Kim Jong Un"),
        "places": ("Tokyo", "Seoul", "Pyongyang"),
    },
    "japan-rok": {
        "terms": ("Japan", "South Korea", "Seoul", "Tokyo", "South Korean", "Japanese", "Yoon Suk Yeol",
                  "shuttle diplomacy", "forced labor", "comfort women", "export controls", "a trilateral summit",
                  "the intelligence-sharing pact", "Lee Jae Myung"),
        "pairs": ("Japan and South Korea", "Tokyo and Seoul", "Japanese and South Korean leaders",
                  "Kishida and Yoon", "Japan South Korea relations", "Seoul and Tokyo agreed"),
        "places": ("Tokyo", "Seoul", "Busan"),
    },
    "ukraine-diplomacy": {
        "terms": ("Ukraine", "Kyiv", "Ukrainian", "Zelensky", "Russia", "Moscow", "the Kremlin", "peace talks",
                  "a ceasefire", "the envoy", "security guarantees", "the minerals deal", "sanctions",
                  "the coalition of the willing", "the foreign minister"),
        "pairs": ("talks on Ukraine", "Ukraine peace talks", "a ceasefire in Ukraine", "Kyiv and Moscow",
                  "Zelensky and his envoy"),
        "places": ("Kyiv", "Moscow", "Brussels", "Washington", "Paris"),
    },
    "": {  # stories the briefing clips but files nowhere
        "terms": ("Brazil", "Nairobi", "the central bank", "climate negotiators", "the World Bank", "Congo",
                  "Ottawa", "the election commission", "flooding", "wildfires", "the IMF", "semiconductors"),
        "pairs": ("the central bank and the IMF", "flooding in the province"),
        "places": ("Nairobi", "Kinshasa", "Brasilia", "Ottawa", "Jakarta"),
    },
}
# Intended filing and its share: single dossiers, the Japan pair together, and unfiled news.
INTENTS = ((("ukraine-diplomacy",), 30), (("japan-dprk",), 25), (("japan-rok",), 20),
           (("japan-dprk", "japan-rok"), 10), (("",), 15))
FIRST = ("Akira Mira Olena Dmytro Hana Jun Min Seo Ji Takeshi Yuko Sergei Anna Pierre Claire Hans Greta "
         "Rafael Lucia Amara Kwame Priya Ravi Chen Wei Lars Ingrid Tomasz Marta Omar Leila David Sarah "
         "Kenji Aiko Hyun Bogdan Iryna Mateo Elena").split()
LAST = ("Tanaka Sato Kovalenko Shevchenko Park Choi Jung Kang Yamamoto Watanabe Petrov Morozov Dubois "
        "Laurent Schneider Fischer Rossi Silva Mensah Sharma Nakamura Novak Lindqvist Hoffmann Moreau "
        "Ishikawa Bondarenko Ogawa Kuznetsov Han").split()
ROLES = ("Foreign Minister", "Defense Minister", "President", "Prime Minister", "spokesperson", "envoy",
         "Ambassador", "Chief Cabinet Secretary")
PUBLISHERS = ("Arab News", "Asharq Al-Awsat", "Taipei Times", "Politicoscope")
WIRES = ("Reuters", "AFP", "AP", None)
DATE_SOURCES = ("updated", "caption", "relative")
FIRST_DAY, DAYS = dt.date(2016, 1, 1), 3653      # ten years of news


def people_pool(size: int = 400, seed: int = 7) -> list[str]:
    """A few hundred distinct full names; the first ones are mentioned most (see `pick_people`)."""
    names = [f"{first} {last}" for first in FIRST for last in LAST]
    random.Random(seed).shuffle(names)
    return names[:size]


POOL = people_pool()
_WEIGHTS = [1 / (rank + 1) ** 0.8 for rank in range(len(POOL))]  # a few names are everywhere


def _words(rng: random.Random, count: int) -> list[str]:
    return [rng.choice(COMMON) for _ in range(count)]


def _sentence(rng: random.Random, topic: dict, people: list[str]) -> str:
    words = _words(rng, rng.randint(10, 22))
    if rng.random() < 0.7:
        words.insert(rng.randint(1, len(words)), rng.choice(topic["terms"]))
    if rng.random() < 0.25:
        words.insert(rng.randint(1, len(words)), rng.choice(topic["pairs"]))
    if people and rng.random() < 0.3:
        name = rng.choice(people)
        # Lower-case before and a comma after: the name never runs into a neighbouring proper noun.
        said = (f"said {rng.choice(ROLES)} {name},", f"according to {name},", f"said {name},")[rng.randrange(3)]
        words.insert(rng.randint(1, len(words) - 1), said)
    text = " ".join(words)
    return text[0].upper() + text[1:] + "."


def _paragraph(rng: random.Random, topic: dict, people: list[str]) -> str:
    return " ".join(_sentence(rng, topic, people) for _ in range(rng.randint(2, 4)))


def _title(rng: random.Random, topic: dict) -> str:
    words = [rng.choice(topic["terms"])] + _words(rng, rng.randint(3, 6)) + [rng.choice(topic["terms"])]
    text = " ".join(words)
    return text[0].upper() + text[1:]


def _body(rng: random.Random, topics: list[dict], people: list[str], n: int) -> tuple[str, str]:
    """(lede, Markdown body of ~600-900 words): paragraphs, a subheading or two, a `* ` list, links."""
    def para() -> str:
        return _paragraph(rng, rng.choice(topics), people)
    lede = para()
    blocks, target, count = [lede], rng.randint(600, 900), len(lede.split())
    headings = rng.randint(1, 2)
    while count < target:
        roll = rng.random()
        if roll < 0.08 and headings:
            headings -= 1
            block = "## " + " ".join(_words(rng, rng.randint(2, 5))).capitalize()
        elif roll < 0.14:
            block = "\n".join(f"* {_sentence(rng, rng.choice(topics), people)}" for _ in range(rng.randint(3, 5)))
        elif roll < 0.24:
            anchor = " ".join(_words(rng, rng.randint(2, 4)))
            block = f"{para()} The full text is in [{anchor}](https://www.example.org/press/{n}-{count}.html)."
        else:
            block = para()
        blocks.append(block)
        count += len(block.split())
    return lede, "\n\n".join(blocks)


def make_article(n: int, config, seed: int = 1, attempt: int = 0):
    """Article number `n` of the corpus, filed and with its people found exactly as ingest would."""
    from builder.classify import article_document, file_document
    from builder.content import ARTICLES, Article, Source, sha256
    from builder.people import find_people
    from builder.text import key, slugify

    rng = random.Random(f"{seed}:{n}:{attempt}")   # per article: workers need no shared state
    intent = rng.choices([i for i, _ in INTENTS], [w for _, w in INTENTS])[0]
    topics = [TOPICS[slug] for slug in intent]
    people = rng.choices(POOL, _WEIGHTS, k=rng.randint(2, 6))
    title = _title(rng, topics[0])
    lede, body = _body(rng, topics, people, n)
    date = None if rng.random() < 0.01 else FIRST_DAY + dt.timedelta(days=rng.randrange(DAYS))
    fmt = FORMATS[n % len(FORMATS)].__name__
    first_line = rng.randint(1, 400)
    article = Article(
        path="", title=title, body=body, date=date,
        date_source=rng.choice(DATE_SOURCES) if date else None, publisher=rng.choice(PUBLISHERS),
        wire=rng.choice(WIRES), dateline=rng.choice(topics[0]["places"]), summary=lede,
        key_points=tuple(" ".join(_words(rng, rng.randint(5, 9))).capitalize() for _ in range(rng.choice((0, 2, 3)))),
        people=tuple(find_people(title + "\n" + body)), review=() if date else ("date",),
        source=Source(f"{n:05d}_{fmt}.txt", (first_line, first_line + body.count("\n\n") * 2),
                      sha256(f"{seed}:{n}:{attempt}")),
        id=sha256(key(body))[:12],
    )
    filing = file_document(article_document(article), config.dossiers)
    folder = str(date.year) if date else "undated"
    return replace(article, path=f"{ARTICLES}/{folder}/{slugify(title)}.md", dossiers=filing.dossiers,
                   classification=filing.classification,
                   status="published" if filing.dossiers else "unfiled")


_worker_config = None


def _init(config) -> None:
    global _worker_config
    _worker_config = config


def _make(args: tuple[int, int]):
    return make_article(args[0], _worker_config, seed=args[1])


def hugo_text(article) -> str:
    """The Hugo copy of an article: our front matter (people and dossiers become taxonomies), the
    same URL, the year as the `archive` taxonomy, and unfiled articles as drafts, as ours hides them."""
    from builder.content import dump
    from builder.text import slugify

    year = str(article.date.year) if article.date else "undated"
    extra = {"url": f"/articles/{year}/{slugify(article.title)}/", "archive": [year]}
    if article.status != "published":
        extra["draft"] = True
    return dump(replace(article, extra=extra))


def write_article(content: Path, article, hugo: Path | None) -> str:
    """Write `article` into our content folder and, with `hugo`, into the Hugo site's; returns our text."""
    from builder.content import dump
    path, text = content / article.path, dump(article)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    if hugo is not None:
        copy = hugo / "content" / article.path
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_text(hugo_text(article), encoding="utf-8")
    return text


def _articles(config, count: int, seed: int):
    """The corpus's articles in order, generated on every core; a title whose page (year/slug)
    is taken is drawn again, in order, so the corpus stays deterministic."""
    taken: set[str] = set()
    with multiprocessing.get_context("fork").Pool(os.cpu_count() or 1, _init, (config,)) as pool:
        for n, article in enumerate(pool.imap(_make, ((n, seed) for n in range(count)), chunksize=16)):
            attempt = 0
            while article.path in taken:
                attempt += 1
                article = make_article(n, config, seed, attempt)
            taken.add(article.path)
            yield article


def write_project(out: Path, articles: int, dumps: int, seed: int = 1) -> dict:
    """A whole project in `out` (see the module docstring); returns counts for reports."""
    from builder.config import load_config
    from builder.content import DOSSIERS, sha256
    from builder.ledger import save_ledger

    out.mkdir(parents=True, exist_ok=True)
    # The repo's config names its folders relative to itself, so a verbatim copy points inside `out`.
    shutil.copy(ROOT / "config.yaml", out / "config.yaml")
    shutil.copytree(ROOT / "templates", out / "templates", dirs_exist_ok=True)
    config = load_config(out / "config.yaml")
    for folder in (config.content_dir, config.seeds_dir, config.output_dir, config.cache_dir):
        assert folder.resolve().is_relative_to(out.resolve()), folder
    content, hugo = config.content_dir, out / "hugo"
    write_hugo_skeleton(hugo, config)
    (content / DOSSIERS).mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "content" / "_index.md", content / "_index.md")
    shutil.copy(ROOT / "content" / "_index.md", hugo / "content" / "_index.md")
    for dossier in config.dossiers:
        intro = (ROOT / "content" / DOSSIERS / f"{dossier.slug}.md").read_text(encoding="utf-8")
        (content / DOSSIERS / f"{dossier.slug}.md").write_text(intro, encoding="utf-8")
        # Hugo: the term page's own content; only dossier terms get a feed, as ours.
        intro = intro.replace("---\n", "---\noutputs: [html, rss]\n", 1)
        (hugo / "content" / DOSSIERS / dossier.slug).mkdir(parents=True, exist_ok=True)
        (hugo / "content" / DOSSIERS / dossier.slug / "_index.md").write_text(intro, encoding="utf-8")

    ledger, filed, unfiled = {}, {d.slug: 0 for d in config.dossiers}, 0
    for article in _articles(config, articles, seed):
        text = write_article(content, article, hugo)
        ledger[article.id] = {"path": article.path, "sha256": sha256(text),
                              "seed": article.source.file, "line": article.source.lines[0],
                              "dossiers": list(article.dossiers)}
        for slug in article.dossiers:
            filed[slug] += 1
        unfiled += not article.dossiers
    save_ledger(content, ledger)
    size = write_dumps(config.seeds_dir, dumps, seed) if dumps else 0
    return {"articles": articles, "filed": filed, "unfiled": unfiled, "dumps": dumps, "dump_bytes": size}


# --- the Hugo site -------------------------------------------------------------------------------
HUGO_CONFIG = """\
baseURL = "{base_url}"
title = "{title}"
locale = "{language}"
enableRobotsTXT = true
disableKinds = ["section"]   # ours has no /articles/ list page

[taxonomies]
  dossier = "dossiers"
  person = "people"
  year = "archive"

[params]
  latest = {latest}

[pagination]
  pagerSize = {page_size}   # as ours, a dossier's or person's page shows this many; Hugo's way is pages 2, 3, ...

[services.rss]
  limit = 50               # as our feeds (feeds.MAX_ENTRIES)

[mediaTypes."application/feed+json"]
  suffixes = ["json"]

[outputFormats.jsonfeed]
  mediaType = "application/feed+json"
  baseName = "feed"
  isPlainText = true

[outputs]
  home = ["html", "rss", "jsonfeed"]
  taxonomy = ["html"]
  term = ["html"]          # dossier terms add rss in their _index.md

"""

HUGO_LAYOUTS = {
    "baseof.html": """\
<!DOCTYPE html>
<html lang="{{ site.Language.Locale }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if not .IsHome }}{{ .Title }} · {{ end }}{{ site.Title }}</title>
<meta name="description" content="{{ with .Params.summary }}{{ . }}{{ else }}{{ site.Title }}{{ end }}">
<link rel="canonical" href="{{ .Permalink }}">
{{ range .AlternativeOutputFormats }}<link rel="{{ .Rel }}" type="{{ .MediaType.Type }}" href="{{ .Permalink }}">
{{ end }}<meta property="og:title" content="{{ .Title }}">
<meta property="og:url" content="{{ .Permalink }}">
<link rel="stylesheet" href="{{ "assets/style.css" | relURL }}">
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="masthead">
  <p class="brand"><a href="{{ "" | relURL }}">{{ site.Title }}</a></p>
  <nav aria-label="Sections"><ul>
  {{ range $slug, $_ := site.Taxonomies.dossiers }}{{ with site.GetPage (printf "/dossiers/%s" $slug) }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}{{ end }}
  <li><a href="{{ "people/" | relURL }}">People</a></li>
  <li><a href="{{ "archive/" | relURL }}">Archive</a></li>
  <li><a href="{{ "search/" | relURL }}">Search</a></li>
  </ul></nav>
</header>
<main id="main">
{{ block "main" . }}{{ end }}
</main>
<footer class="colophon"><p>{{ site.Title }} · last updated {{ site.Lastmod.Format "2 January 2006" }}</p></footer>
</body>
</html>
""",
    "_partials/headline.html": """\
<article class="item">
  <h3><a href="{{ .RelPermalink }}">{{ .Title }}</a></h3>
  <p class="meta">{{ if .Params.date }}<time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2 January 2006" }}</time>{{ else }}Undated{{ end }}{{ with .Params.publisher }} · {{ . }}{{ end }}</p>
  {{ with .Params.summary }}<p class="summary">{{ . }}</p>{{ end }}
</article>
""",
    "home.html": """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
<div class="intro">{{ .Content }}</div>
<div class="dossier-grid">
{{ range $slug, $pages := site.Taxonomies.dossiers }}{{ with site.GetPage (printf "/dossiers/%s" $slug) }}
<section class="dossier-summary">
  <h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
  <p class="count">{{ len $pages }} articles</p>
  <ul class="headlines">{{ range first site.Params.latest $pages.Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>
</section>
{{ end }}{{ end }}
</div>
<section><h2>Latest across all dossiers</h2>
{{ range first (mul 2 site.Params.latest) site.RegularPages }}{{ partial "headline.html" . }}{{ end }}
<p><a href="{{ "archive/" | relURL }}">All articles by date</a></p></section>
{{ end }}
""",
    # Related: the newest articles sharing a person. Hugo's own `.Related` is quadratic on this
    # corpus (popular names are in thousands of articles): 10,000 articles took 293 s with it.
    "page.html": """\
{{ define "main" }}
{{ $page := . }}
<article class="story">
  <header>
    <h1>{{ .Title }}</h1>
    <p class="meta">{{ if .Params.date }}<time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2 January 2006" }}</time>{{ else }}Undated{{ end }}{{ with .Params.publisher }} · {{ . }}{{ end }}{{ with .Params.wire }} · {{ . }}{{ end }}</p>
    {{ with .GetTerms "dossiers" }}<p class="filed">Filed in: {{ range $i, $t := . }}{{ if $i }}, {{ end }}<a href="{{ $t.RelPermalink }}">{{ $t.Title }}</a>{{ end }}</p>{{ end }}
  </header>
  {{ with .Params.key_points }}<section class="key-points"><ul>{{ range . }}<li>{{ . }}</li>{{ end }}</ul></section>{{ end }}
  <div class="body">{{ with .Params.dateline }}<p class="dateline">{{ . }}</p>{{ end }}{{ .Content }}</div>
  <footer class="article-footer">
    {{ with .GetTerms "people" }}<h2>People</h2><ul class="people">{{ range . }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}
    {{ with .Params.source }}<h2>Source</h2><p class="source">Clipped from <code>seeds/{{ .file }}</code>, lines {{ index .lines 0 }}–{{ index .lines 1 }}.</p>{{ end }}
  </footer>
</article>
<nav class="timeline-nav" aria-label="In this dossier">
{{ range .GetTerms "dossiers" }}{{ $timeline := .Pages }}{{ $at := index (partialCached "timeline-index.html" . .Path) $page.Path }}
  <p><strong>{{ .Title }}:</strong>
  {{ if lt (add $at 1) (len $timeline) }}{{ with index $timeline (add $at 1) }}<a rel="prev" href="{{ .RelPermalink }}">← {{ .Title }}</a>{{ end }}{{ end }}
  {{ if gt $at 0 }}{{ with index $timeline (sub $at 1) }}<a rel="next" href="{{ .RelPermalink }}">{{ .Title }} →</a>{{ end }}{{ end }}</p>
{{ end }}
</nav>
{{ $related := slice }}{{ range .GetTerms "people" }}{{ range first 6 .Pages }}{{ if ne .Path $page.Path }}{{ $related = $related | append . }}{{ end }}{{ end }}{{ end }}
{{ with first 5 (uniq $related) }}
<aside class="related"><h2>Related</h2><ul>{{ range . }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul></aside>
{{ end }}
{{ end }}
""",
    # Pages.Next/Prev search the whole collection per call (quadratic over a site): index each
    # dossier's timeline once per build instead, as ours does.
    "_partials/timeline-index.html": """\
{{ $s := newScratch }}{{ range $i, $p := .Pages }}{{ $s.SetInMap "at" $p.Path $i }}{{ end }}{{ return $s.Get "at" }}
""",
    "taxonomy.html": """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul>{{ range .Data.Terms.Alphabetical }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> <span class="count">({{ .Count }})</span></li>{{ end }}</ul>
{{ end }}
""",
    "term.html": """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
<p class="count">Named in {{ len .Pages }} articles.</p>
{{ range (.Paginate .Pages).Pages }}{{ partial "headline.html" . }}{{ end }}
{{ template "_internal/pagination.html" . }}
{{ end }}
""",
    "dossiers/term.html": """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
<p class="meta">{{ len .Pages }} articles{{ with .OutputFormats.Get "rss" }} · <a href="{{ .RelPermalink }}">feed</a>{{ end }}</p>
{{ .Content }}
{{ range (.Paginate (.Pages.GroupByDate "2006")).PageGroups }}
<section><h2>{{ .Key }}</h2>{{ range .Pages }}{{ partial "headline.html" . }}{{ end }}</section>
{{ end }}
{{ template "_internal/pagination.html" . }}
{{ end }}
""",
    "archive/term.html": """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
<p><a href="{{ "archive/" | relURL }}">All years</a></p>
{{ range .Pages.GroupByDate "January 2006" }}
<section><h2>{{ .Key }}</h2>{{ range .Pages }}{{ partial "headline.html" . }}{{ end }}</section>
{{ end }}
{{ end }}
""",
    "search.html": """\
{{ define "main" }}
<h1>Search</h1>
<div id="search"><noscript><p>Search needs JavaScript; the <a href="{{ "archive/" | relURL }}">archive</a> lists every article.</p></noscript></div>
{{ end }}
""",
    "404.html": """\
{{ define "main" }}
<h1>Page not found</h1>
<p>This page does not exist. Try the <a href="{{ "" | relURL }}">front page</a>.</p>
{{ end }}
""",
    "home.jsonfeed.json": """\
{{- $items := slice -}}
{{- range first 50 site.RegularPages -}}
{{- $items = $items | append (dict "id" .Permalink "url" .Permalink "title" .Title "summary" (.Params.summary | default "") "date_published" (.Date.Format "2006-01-02T15:04:05Z07:00")) -}}
{{- end -}}
{{- dict "version" "https://jsonfeed.org/version/1.1" "title" site.Title "home_page_url" site.BaseURL "items" $items | jsonify -}}
""",
}


def write_hugo_skeleton(hugo: Path, config) -> None:
    """hugo.toml, layouts/, static/ (our CSS), and the content pages that are not articles."""
    (hugo / "content").mkdir(parents=True, exist_ok=True)
    (hugo / "hugo.toml").write_text(HUGO_CONFIG.format(
        base_url=config.base_url, title=config.title, language=config.language, latest=config.latest,
        page_size=config.page_size),
        encoding="utf-8")
    for name, text in HUGO_LAYOUTS.items():
        path = hugo / "layouts" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    shutil.copytree(ROOT / "templates" / "assets", hugo / "static" / "assets", dirs_exist_ok=True)
    (hugo / "content" / "search.md").write_text(
        "---\ntitle: Search\nlayout: search\nurl: /search/\nbuild:\n  list: never\n---\n", encoding="utf-8")
    for taxonomy, title in (("people", "People"), ("archive", "Archive")):
        (hugo / "content" / taxonomy).mkdir(parents=True, exist_ok=True)
        (hugo / "content" / taxonomy / "_index.md").write_text(f"---\ntitle: {title}\n---\n", encoding="utf-8")
    (hugo / "content" / "dossiers").mkdir(parents=True, exist_ok=True)
    # Ours has no /dossiers/ index page: Hugo builds none either.
    (hugo / "content" / "dossiers" / "_index.md").write_text(
        "---\ntitle: Dossiers\nbuild:\n  render: never\n---\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=0, help="articles (0: write only the dumps)")
    parser.add_argument("--dumps", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("out", type=Path)
    args = parser.parse_args()
    if not args.articles:
        size = write_dumps(args.out / "seeds", args.dumps, args.seed)
        print(f"wrote {args.dumps} dumps, {size / 2**20:.1f} MB, to {args.out / 'seeds'}")
        return
    info = write_project(args.out, args.articles, args.dumps, args.seed)
    per = ", ".join(f"{slug} {n}" for slug, n in info["filed"].items())
    print(f"wrote {info['articles']} articles ({per}; {info['unfiled']} unfiled), {info['dumps']} dumps "
          f"({info['dump_bytes'] / 2**20:.1f} MB) and a Hugo copy to {args.out}")


if __name__ == "__main__":
    main()
