"""The rebuilds `python -m builder serve` runs after an editor saves one article, and after a new
article file appears: the same build, with the parse cache and the last build kept in memory, told
which file changed, and Python and the builder already loaded.

    python bench/serve_edit.py PROJECT ARTICLE [EDITS [ADDS]]

ARTICLE is a path under PROJECT/content/; it is edited EDITS times (default 3), each followed by
the rebuild serve would run; then ADDS new published articles (default 0) are written one at a time,
each followed by its rebuild, and removed at the end. Prints the rebuilds' seconds as JSON on the
last line: {"edit": [...], "add": [...]}. The watcher's debounce (serve waits 0.4 s for a burst of
saves to end) is not counted, nor is saving the pages' fingerprints, which serve does once idle.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import make_article, write_article  # noqa: E402
from run import edit_body  # noqa: E402

from builder.config import load_config  # noqa: E402
from builder.content import article_files  # noqa: E402
from builder.incremental.cache import open_cache  # noqa: E402
from builder.incremental.update import save_manifest, update  # noqa: E402


def main() -> None:
    project, article = Path(sys.argv[1]), sys.argv[2]
    edits = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    adds = int(sys.argv[4]) if len(sys.argv) > 4 else 0
    config = load_config(project / "config.yaml")
    cache = open_cache(config)          # what serve does when it starts
    memory = update(config, cache=cache).memory
    seconds: dict[str, list[float]] = {"edit": [], "add": []}

    def rebuild(case: str, path: Path) -> None:
        nonlocal memory
        started = time.perf_counter()
        # Serve also runs ingest, which the seeds' stamp skips when they are as last ingested; here
        # it is left out, as in the other cases: the corpus's dumps are for the ingest measurement.
        result = update(config, cache=cache, memory=memory,
                        changed=[str(path)],   # what serve's watcher reports
                        save_fingerprints=False)
        seconds[case].append(time.perf_counter() - started)
        memory = result.memory
        save_manifest(config, memory)   # serve does it once idle, after the page reloaded
        print(f"{case}: {result.counts}; {result.rendered} of {result.pages} pages rendered", file=sys.stderr)

    for _ in range(edits):
        edit_body(config.content_dir / article)
        rebuild("edit", config.content_dir / article)
    added: list[Path] = []
    count, attempt = len(article_files(config.content_dir)), 1000
    try:
        while len(added) < adds:
            new = make_article(count, config, attempt=attempt)
            attempt += 1
            path = config.content_dir / new.path
            # A published article in a year folder that exists: a new folder is a change of its own.
            if new.status != "published" or path.exists() or not path.parent.is_dir():
                continue
            write_article(config.content_dir, new, None)
            added.append(path)
            rebuild("add", path)
    finally:
        for path in added:
            path.unlink()
    print(json.dumps(seconds))


if __name__ == "__main__":
    main()
