"""`check`: what a build would refuse (config, content, templates) and the links of the site it
would write that lead nowhere, reported together; neither `site/` nor the caches are touched."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, replace
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import jinja2

from builder.config import Config
from builder.errors import BuilderError, BuilderErrors
from builder.files import decode, read_bytes


@dataclass(frozen=True)
class Report:
    problems: list[BuilderError]
    pages: int      # HTML pages whose links were followed
    links: int      # links into the site among them


class _Links(HTMLParser):
    """The href/src values and the ids of one page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name == "id" or (tag == "a" and name == "name"):
                self.ids.add(value)
            elif (name == "href" and tag in ("a", "link")) or (name == "src" and tag in ("script", "img")):
                self.urls.append(value)


def _templates(config: Config) -> Iterator[BuilderError]:
    """A syntax error in any template, not only the first one a page uses."""
    from builder.render import syntax, template_sources
    env = syntax()
    for name, source in sorted(template_sources(config.templates_dir).items()):
        if name.split("/")[0] == "assets":
            continue   # copied, not rendered
        try:
            env.parse(source.decode("utf-8"))
        except UnicodeDecodeError as exc:
            yield BuilderError("template is not UTF-8 text", config.templates_dir / name,
                               source.count(b"\n", 0, exc.start) + 1)
        except jinja2.TemplateSyntaxError as exc:
            yield BuilderError(f"template error: {exc.message}", config.templates_dir / name, exc.lineno)


def _sources(config: Config, site) -> dict[str, Path]:
    """Output page -> the article it shows (article pages); the others come from templates."""
    return {f"{e.url}index.html": config.content_dir / e.article.path for e in site.entries}


def _broken_links(out: Path, base: str, root: str, articles: dict[str, Path],
                  templates: Path) -> tuple[list[BuilderError], int, int]:
    """Links of the pages in `out` to nothing in it: told per article for a link in its text, once
    per link for the others, which templates make (a broken link in base.html is on every page).
    A link to the site's absolute address `root` (an e-mail's, a canonical link) is one into it."""
    pages: dict[str, _Links] = {}
    for folder, _, names in os.walk(out):
        for name in names:
            if name.endswith(".html"):
                path = Path(folder, name)
                parsed = pages[path.relative_to(out).as_posix()] = _Links()
                parsed.feed(path.read_text(encoding="utf-8"))
    broken: dict[tuple[Path | None, str, str], list[str]] = {}   # (article, link, why) -> pages
    texts: dict[Path, str] = {}
    followed = 0
    for page, parsed in sorted(pages.items()):
        here = base + page.removesuffix("index.html")
        for url in parsed.urls:
            joined = urljoin(here, url)
            parts = urlsplit(base + joined[len(root):] if joined.startswith(root) else joined)
            if parts.scheme or parts.netloc:
                continue   # another site: not ours to check
            followed += 1
            target = unquote(parts.path[len(base):])
            if target.endswith("/") or target == "":
                target += "index.html"
            # "%2e%2e/" survives urljoin, and "/base//etc" leaves a path from the root: never look outside `out`.
            inside = ".." not in target.split("/") and not target.startswith("/")
            if (inside and target not in pages and not (out / target).is_file()
                    and (out / target / "index.html").is_file()):
                target += "/index.html"
            if not parts.path.startswith(base):
                why = f"which is outside the site (it is served under {base})"
            elif not inside or (target not in pages and not (out / target).is_file()):
                why = "which is not in the site"
            elif parts.fragment and target in pages and unquote(parts.fragment) not in pages[target].ids:
                why = f"but /{target.removesuffix('index.html')} has no id '{unquote(parts.fragment)}'"
            else:
                continue
            article = articles.get(page)
            if article is not None and url not in texts.setdefault(article, decode(read_bytes(article, None), article)):
                article = None   # the link is the template's, on an article page
            broken.setdefault((article, url, why), []).append("/" + page.removesuffix("index.html"))
    problems = []
    for (article, url, why), found in broken.items():
        if article is not None:
            text = texts[article]
            problems.append(BuilderError(f"links to {url}, {why}", article, text.count("\n", 0, text.find(url)) + 1))
        else:
            shown = ", ".join(found[:3]) + (", ..." if len(found) > 3 else "")
            problems.append(BuilderError(f"{len(found)} page(s) link to {url}, {why} ({shown})", templates))
    return problems, len(pages), followed


def check(config: Config, drafts: bool = False) -> Report:
    """The seeds ingest would skip, then what _check_site finds."""
    from builder.ingest import refused_seeds
    report = _check_site(config, drafts)
    return replace(report, problems=refused_seeds(config) + report.problems)


def _check_site(config: Config, drafts: bool) -> Report:
    """Load and render the whole site into a temporary folder, as a build would, and follow
    every link into the site. The parse cache is read, never written."""
    from builder.incremental.cache import open_cache
    from builder.incremental.reading import Cached
    from builder.render import absolute_root, base_path, render_site
    from builder.site import load_site
    problems = list(_templates(config))
    cache = open_cache(config)
    try:
        site = load_site(config, drafts=drafts, reading=Cached(cache))
    except BuilderErrors as exc:
        return Report(problems + exc.errors, 0, 0)
    except BuilderError as exc:
        return Report(problems + [exc], 0, 0)
    if problems:
        return Report(problems, 0, 0)
    with tempfile.TemporaryDirectory(prefix="briefing-check-") as tmp:
        try:
            render_site(site, Path(tmp), memo=cache)
        except BuilderError as exc:
            return Report([exc], 0, 0)
        broken, pages, links = _broken_links(Path(tmp), base_path(config.base_url), absolute_root(config.base_url),
                                             _sources(config, site), config.templates_dir)
    return Report(broken, pages, links)
