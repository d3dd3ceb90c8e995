"""`explain`: why an article looks as it does and is filed where it is: the ingest decisions for its
lines of the seed, and per dossier the query tree with matched clauses, score and verdict."""

from __future__ import annotations

from pathlib import Path

from builder.classify import article_document, document, judge
from builder.config import Config
from builder.content import Article, parse_article
from builder.errors import BuilderError
from builder.extract import extract
from builder.ingest import read_seed
from builder.query import Document, prepare


def _dossiers(config: Config, doc: Document, recorded: tuple[str, ...] | None = None) -> list[str]:
    prepared = prepare(doc)
    out = []
    for dossier in config.dossiers:
        result, filed = judge(dossier, prepared)
        if filed:
            verdict = "FILED"
        elif result.matched:
            verdict = f"not filed: the query matches but score {result.score} < min_score {dossier.min_score}"
        else:
            verdict = "not filed: the query does not match"
        out.append(f"\n== {dossier.slug} ({dossier.title}): {verdict}")
        out.append(f"   score {result.score} (min_score {dossier.min_score}; a headline hit counts "
                   f"{config.title_weight}x)")
        if result.terms:
            out.append("   evidence: " + ", ".join(f"{t} x{n}" for t, n in
                                                   sorted(result.terms.items(), key=lambda kv: (-kv[1], kv[0]))))
        out.append("   query:")
        out.extend("     " + line for line in dossier.query.explain(prepared).splitlines())
        if recorded is not None and (dossier.slug in recorded) != filed:
            out.append("   note: the file says otherwise; its `dossiers:` was set by a curator or "
                       "predates a query change (`python -m builder classify` re-files untouched articles)")
    return out


def explain_text(config: Config, text: str) -> str:
    paragraphs = [p.strip() for p in text.split("\n\n") if p.strip()] or [text]
    return "\n".join(["explain: the text as an article body, without a headline"]
                     + _dossiers(config, document("", paragraphs)))


def _ingest_decisions(config: Config, article: Article) -> list[str]:
    if article.source is None:
        return ["written by hand (no source seed)"]
    seed = config.seeds_dir / article.source.file
    first, last = article.source.lines
    out = [f"source: {seed}, lines {first}-{last}"]
    if not seed.resolve().is_relative_to(config.seeds_dir.resolve()):
        return out + ["  (not read: the source names a file outside the seeds folder)"]
    try:
        text, digest = read_seed(seed, config.max_seed_bytes)
    except (BuilderError, OSError) as exc:
        return out + [f"  (seed not readable now: {exc})"]
    if digest != article.source.sha256:
        out.append("  note: the seed has changed since this article was ingested")
    extraction = extract(text)
    draft = next((d for d in extraction.drafts if d.lines[0] == first), None)
    if draft is None:
        return out + ["  (the seed no longer yields an article at these lines)"]
    out.append(f"  split: article starts at line {first}" +
               (f", headline {draft.title!r}" if draft.title else ", no headline on the page"))
    out.extend(f"  line {d.first}{'' if d.last == d.first else f'-{d.last}'}: {d.what}: {d.why}"
               for d in draft.decisions)
    return out


def explain_file(config: Config, path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BuilderError(f"cannot read: {exc}", path) from None
    article = parse_article(text, path, path)
    lines = [f"explain: {path}", f"title: {article.title}",
             f"date: {article.date or 'unknown'} (source: {article.date_source or 'none'})",
             f"status: {article.status or 'derived from dossiers'}; dossiers in file: "
             f"{', '.join(article.dossiers) if article.dossiers is not None else '(none given: filed by query)'}"]
    if article.review:
        lines.append(f"review: {', '.join(article.review)}")
    lines += _ingest_decisions(config, article)
    lines += _dossiers(config, article_document(article), article.dossiers)
    return "\n".join(lines)
