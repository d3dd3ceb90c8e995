"""The ingest ledger, `content/.ingest-ledger.json`, committed with the content: per article id,
the file ingest wrote and its hash. A file that no longer hashes to that was edited by a person;
a missing one was deleted. Both are the curator's decisions and are never undone."""

from __future__ import annotations

import json
from pathlib import Path

from builder.errors import BuilderError
from builder.files import read_bytes, write_atomic

LEDGER = ".ingest-ledger.json"


def load_ledger(content_dir: Path) -> dict[str, dict]:
    path = content_dir / LEDGER
    if not path.exists():
        return {}
    try:
        data = json.loads(read_bytes(path, None))
        articles = data["articles"]
        if not isinstance(articles, dict):
            raise ValueError("'articles' is not a mapping")
        return articles
    except (OSError, BuilderError, ValueError, KeyError, TypeError) as exc:
        raise BuilderError(f"the ingest ledger is unreadable ({exc}); restore it from git, or delete it "
                           "to treat every existing article as edited by hand", path) from None


def save_ledger(content_dir: Path, articles: dict[str, dict]) -> None:
    text = json.dumps({"version": 1, "articles": articles}, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    path = content_dir / LEDGER
    if not path.exists() or path.read_text(encoding="utf-8") != text:  # watchers see no change
        write_atomic(path, text)
