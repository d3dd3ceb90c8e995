"""Filing: match an article against every dossier's query and keep the evidence (score, terms)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from builder.config import Config, Dossier
from builder.content import Article, article_files, dump, parse_article, read_file, set_keys, sha256
from builder.errors import BuilderError
from builder.files import decode, write_atomic
from builder.ledger import load_ledger, save_ledger
from builder.markdown import markdown_text
from builder.query import Document, Prepared, Result, prepare


@dataclass(frozen=True)
class Filing:
    dossiers: tuple[str, ...]
    classification: dict[str, Any]      # slug -> {score, min_score, terms}, for dossiers with evidence


def judge(dossier: Dossier, prepared: Prepared) -> tuple[Result, bool]:
    """The dossier's query on a document, and whether that files it: the query matches and its
    evidence reaches the dossier's `min_score`."""
    result = dossier.query.evaluate(prepared)
    return result, result.matched and result.score >= dossier.min_score


def file_document(doc: Document, dossiers: Iterable[Dossier]) -> Filing:
    prepared = prepare(doc)
    filed: list[str] = []
    evidence: dict[str, Any] = {}
    for dossier in dossiers:
        result, files = judge(dossier, prepared)
        if files:
            filed.append(dossier.slug)
        if result.terms:
            evidence[dossier.slug] = {
                "score": result.score, "min_score": dossier.min_score, "matched": result.matched,
                "terms": dict(sorted(result.terms.items(), key=lambda kv: (-kv[1], kv[0]))),
            }
    return Filing(tuple(filed), evidence)


def document(title: str, paragraphs: list[str]) -> Document:
    return Document(title=title, lead=paragraphs[0] if paragraphs else "", body="\n".join(paragraphs))


def article_document(article: Article) -> Document:
    """What the queries see of an article file: its title and its Markdown body as plain text."""
    return document(article.title, markdown_text(article.body))


def refile(config: Config, dry_run: bool = False) -> tuple[list[str], list[BuilderError]]:
    """Re-run every dossier query over the content; a curator's own `dossiers:` always wins.

    A file ingest wrote and nobody touched is rewritten whole; in a file a person edited, only
    `dossiers`, `classification` and `status` change, and only if the person left `dossiers` as
    ingest wrote it. Returns one line per article that moved in or out of a dossier, and the files
    that could not be read (the others are re-filed all the same).
    """
    ledger = load_ledger(config.content_dir)
    moves: list[str] = []
    refused: list[BuilderError] = []
    changed = False
    for rel in article_files(config.content_dir):
        full = config.content_dir / rel
        try:
            data = read_file(config.content_dir, rel, config.root)
            text = decode(data, full)
            article = parse_article(text, full, rel)
        except BuilderError as exc:
            refused.append(exc)
            continue
        entry = ledger.get(article.id) if article.id else None
        if article.dossiers is None or entry is None or list(article.dossiers) != entry["dossiers"]:
            continue  # the curator's own filing, or filed afresh at every load
        filing = file_document(article_document(article), config.dossiers)
        if filing.dossiers == article.dossiers and filing.classification == article.classification:
            continue
        for slug in sorted(set(article.dossiers) - set(filing.dossiers)):
            moves.append(f"{slug}: - {rel}")
        for slug in sorted(set(filing.dossiers) - set(article.dossiers)):
            moves.append(f"{slug}: + {rel} (score {filing.classification[slug]['score']})")
        status = article.status if article.status == "rejected" else (
            "published" if filing.dossiers else "unfiled")
        if sha256(data) == entry["sha256"]:
            text = dump(replace(article, dossiers=filing.dossiers, classification=filing.classification,
                                status=status))
            entry["sha256"] = sha256(text)
        else:
            text = set_keys(text, {"dossiers": list(filing.dossiers),
                                                   "classification": filing.classification,
                                                   "status": status}, full)
        entry["dossiers"] = list(filing.dossiers)
        changed = True
        if not dry_run:
            write_atomic(full, text)
    if changed and not dry_run:
        save_ledger(config.content_dir, ledger)
    return moves or ["classify: no article moved"], refused
