"""Score the extractor on every dev-set dump with a model that never saw it: four models, each
trained as `train.py` trains the shipped one but without a quarter of the dumps (by dump number
modulo 4), each scoring the quarter it did not see. Four times the pages of `report.py`'s held-out
quarter, for choosing between settings; nothing is written to the repository.

    python training/crossval.py [--devsets ../shared/devsets]
"""

from __future__ import annotations

import argparse
import json
import sys
from multiprocessing import Pool
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from train import Dump, fit, load_all  # noqa: E402

from builder.extract import extract  # noqa: E402
from builder.ingest import headline_from_lede, markdown_body  # noqa: E402
from builder.model import model_from  # noqa: E402
from report import FOLDS, fold_of  # noqa: E402

_dumps: list[Dump] = []     # set before the workers fork


def _articles(fold: int, starts_at: float, text_at: float, plain) -> list[dict]:
    """Train without `fold`'s dumps, then extract them: the articles as the scorer reads them."""
    model = model_from(fit([d for d in _dumps if fold_of(d.name) != fold], starts_at, text_at, log=lambda _: None))
    out = []
    for d in _dumps:
        if fold_of(d.name) == fold:
            for n, draft in enumerate(extract(d.text, model=model).drafts):
                meta = {"source": {"file": d.name}, "title": draft.title or headline_from_lede(draft.lead),
                        "date": str(draft.date) if draft.date else None}
                out.append({"path": f"{d.name}#{n}", "meta": meta, "body": plain(markdown_body(draft)), "error": None})
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--devsets", type=Path, default=HERE.parent.parent / "shared" / "devsets")
    parser.add_argument("--starts-at", type=float, default=0.6)
    parser.add_argument("--text-at", type=float, default=0.55)
    args = parser.parse_args()
    sys.path.insert(0, str(args.devsets))
    import score

    global _dumps
    _dumps = load_all(args.devsets)
    with Pool() as pool:
        folds = pool.starmap(_articles, [(f, args.starts_at, args.text_at, score.plain_body) for f in range(FOLDS)])
    articles = [a for fold in folds for a in fold]
    for name in ("en", "other"):
        truth = json.loads((args.devsets / name / "truth.json").read_text(encoding="utf-8"))
        result = score.score_set(truth, [a for a in articles if a["meta"]["source"]["file"] in truth["dumps"]])
        score.report(f"{name}-unseen", result, verbose=False, worst=0, meta=True)


if __name__ == "__main__":
    main()
