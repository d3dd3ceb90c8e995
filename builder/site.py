"""The in-memory model of the whole briefing, loaded from `content/` before anything is rendered."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

from builder.classify import document, file_document, markdown_text
from builder.config import Config, Dossier
from builder.content import DOSSIERS, Article, Page, article_files, read_article, read_page
from builder.errors import BuilderError, BuilderErrors
from builder.ingest import slugify


@dataclass(frozen=True)
class Entry:
    """An article as the site shows it: the record plus where it lives."""
    article: Article
    slug: str
    url: str                    # site-relative, e.g. "articles/2024/kishida-yoon/"
    draft: bool                 # unfiled, shown only with --drafts

    @property
    def year(self) -> str:
        return str(self.article.date.year) if self.article.date else "undated"


@dataclass(frozen=True)
class DossierView:
    dossier: Dossier
    intro: Page
    entries: tuple[Entry, ...]  # newest first, undated last


@dataclass(frozen=True)
class Site:
    config: Config
    home: Page
    dossiers: tuple[DossierView, ...]
    entries: tuple[Entry, ...]  # every shown article, newest first
    unfiled: int
    rejected: int
    review: int


def _newest_first(entry: Entry) -> tuple:
    a = entry.article
    return (a.date is None, -(a.date.toordinal()) if a.date else 0, a.title.casefold(), str(a.path))


def filed(article: Article, config: Config) -> Article:
    """Fill in what a hand-written file leaves out: dossiers from the queries, status from dossiers."""
    if article.dossiers is None:
        filing = file_document(document(article.title, markdown_text(article.body)), config.dossiers)
        article = replace(article, dossiers=filing.dossiers, classification=filing.classification)
    if article.status is None:
        article = replace(article, status="published" if article.dossiers else "unfiled")
    return article


def load_site(config: Config, drafts: bool = False) -> Site:
    """Read every article and page; all bad files are reported together."""
    errors: list[BuilderError] = []
    articles: list[Article] = []
    for rel in article_files(config.content_dir):
        try:
            articles.append(filed(read_article(config.content_dir, rel), config))
        except BuilderError as exc:
            errors.append(exc)

    known = {d.slug for d in config.dossiers}
    entries: list[Entry] = []
    urls: dict[str, Path] = {}
    counts = {"unfiled": 0, "rejected": 0, "review": 0}
    for a in articles:
        if a.status == "rejected":
            counts["rejected"] += 1
            continue
        if a.status == "unfiled" or not a.dossiers:
            counts["unfiled"] += 1
            if not drafts:
                continue
        if a.review:
            counts["review"] += 1
        unknown = [d for d in a.dossiers or () if d not in known]
        if unknown:
            errors.append(BuilderError(f"unknown dossier '{unknown[0]}' (config.yaml has: "
                                       f"{', '.join(sorted(known))})", config.content_dir / a.path))
            continue
        slug = slugify(str(a.extra.get("slug") or a.title))
        year = str(a.date.year) if a.date else "undated"
        url = str(PurePosixPath("articles", year, slug)) + "/"
        if url in urls:
            errors.append(BuilderError(f"writes the same page /{url} as {config.content_dir / urls[url]}; "
                                       "change one title or set 'slug:'", config.content_dir / a.path))
            continue
        urls[url] = a.path
        entries.append(Entry(a, slug, url, draft=a.status != "published"))
    if errors:
        raise BuilderErrors(errors) if len(errors) > 1 else errors[0]

    entries.sort(key=_newest_first)
    views = tuple(
        DossierView(d, read_page(config.content_dir, Path(DOSSIERS, f"{d.slug}.md"), d.title),
                    tuple(e for e in entries if d.slug in (e.article.dossiers or ())))
        for d in config.dossiers)
    return Site(config=config, home=read_page(config.content_dir, Path("_index.md"), config.title),
                dossiers=views, entries=tuple(entries), **counts)


def last_updated(site: Site) -> dt.date | None:
    dates = [e.article.date for e in site.entries if e.article.date]
    return max(dates) if dates else None
