"""`explain`: why ingest made a seed into the articles it did (each split point with its reason,
each line's class with the evidence that decided it), and why an article looks as it does and is
filed where it is (its lines of the seed, and per dossier the query tree, score and verdict)."""

from __future__ import annotations

from pathlib import Path

from builder.classify import article_document, document, judge
from builder.config import Config
from builder.content import Article, parse_article, sha256
from builder.errors import BuilderError
from builder.extract import Extraction, Verdict
from builder.files import decode, read_bytes
from builder.query import Document, prepare
from builder.readers import extraction, read_seed


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


def _verdict(v: Verdict) -> str:
    text = v.text if len(v.text) <= 60 else v.text[:59] + "…"
    return f"  {v.line:>5} {v.kind:<9} {v.probability:4.2f}  {text:<60}  {v.evidence}"


def _read_seed(config: Config, seed: Path) -> tuple[Extraction, str] | str:
    """What ingest makes of the seed, every line's verdict with it, and the digest of its bytes;
    or why it cannot be read."""
    try:
        data = read_seed(seed, config.max_seed_bytes, config.root)
        return extraction(seed, data, explain=True), sha256(data)
    except BuilderError as exc:
        return f"(seed not readable now: {exc})"


def _pages(extraction: Extraction, first: int = 1, last: int | None = None) -> list[str]:
    """Split points and each line's verdict, for the seed's lines first..last."""
    out = []
    splits = {d.first: d.why for d in extraction.decisions if d.what == "split"}
    skipped = {d.first: d.why for d in extraction.decisions if d.what == "not an article"}
    # What a reader dropped as a whole (a newsletter's sponsor block, its footer), told where it begins.
    dropped: dict[int, list[str]] = {}
    for d in extraction.decisions:
        if d.what not in ("split", "not an article"):
            dropped.setdefault(d.first, []).append(f"  -- {d.what}, lines {d.first}-{d.last}: {d.why}")
    for v in extraction.verdicts:
        if v.line < first or (last is not None and v.line > last):
            continue
        if v.line in splits:
            out.append(f"  -- split at line {v.line}: {splits[v.line]}")
        if v.line in skipped:
            out.append(f"  -- not an article from line {v.line}: {skipped[v.line]}")
        out.extend(dropped.get(v.line, ()))
        out.append(_verdict(v))
    return out


def explain_seed(config: Config, seed: Path) -> str:
    """Every line of a seed with its class, probability of being text and evidence; the split
    points and the articles made."""
    read = _read_seed(config, seed)
    if isinstance(read, str):
        raise BuilderError(read.strip("()"), seed)
    found = read[0]
    out = [f"explain: {seed}: {len(found.drafts)} article(s)"]
    for d in found.drafts:
        title = d.title or "(no headline on the page)"
        out.append(f"  article from line {d.lines[0]}: {title!r}; date {d.date or 'none'}"
                   + (f" ({d.date_source})" if d.date_source else ""))
        # Dropped lines are in the table below; how the reader found the rest is told here.
        out.extend(f"    {x.what}: {x.why}" for x in d.decisions if x.what != "dropped")
    out.append(f"  {'line':>5} {'class':<9} {'P(text)'}  {'':<58}  evidence (pull on the score)")
    return "\n".join(out + _pages(found))


def _ingest_decisions(config: Config, article: Article) -> list[str]:
    if article.source is None:
        return ["written by hand (no source seed)"]
    seed = config.seeds_dir / article.source.file
    first, last = article.source.lines
    out = [f"source: {seed}, lines {first}-{last}"]
    if not seed.resolve().is_relative_to(config.seeds_dir.resolve()):  # front matter is untrusted
        return out + ["  (not read: the source names a file outside the seeds folder)"]
    read = _read_seed(config, seed)
    if isinstance(read, str):
        return out + ["  " + read]
    found, digest = read
    if digest != article.source.sha256:
        out.append("  note: the seed has changed since this article was ingested")
    draft = next((d for d in found.drafts if d.lines[0] == first), None)
    if draft is None:
        return out + ["  (the seed no longer yields an article at these lines)"]
    out.append(f"  split: article starts at line {first}" +
               (f", headline {draft.title!r}" if draft.title else ", no headline on the page"))
    out.extend(f"  line {d.first}{'' if d.last == d.first else f'-{d.last}'}: {d.what}: {d.why}"
               for d in draft.decisions)
    out.append("  each line:")
    return out + _pages(found, first, last)


def explain_file(config: Config, path: Path) -> str:
    if path.suffix != ".md":
        return explain_seed(config, path)
    try:
        text = decode(read_bytes(path, None), path)
    except OSError as exc:
        raise BuilderError(f"cannot read: {exc.strerror}", path) from None
    article = parse_article(text, path, path)
    lines = [f"explain: {path}", f"title: {article.title}",
             f"date: {article.date or 'unknown'} (source: {article.date_source or 'none'})",
             *([f"url: {article.url} (source: {article.url_source or 'none'})"] if article.url else []),
             f"status: {article.status or 'derived from dossiers'}; dossiers in file: "
             f"{', '.join(article.dossiers) if article.dossiers is not None else '(none given: filed by query)'}"]
    if article.review:
        lines.append(f"review: {', '.join(article.review)}")
    lines += _ingest_decisions(config, article)
    lines += _dossiers(config, article_document(article), article.dossiers)
    return "\n".join(lines)
