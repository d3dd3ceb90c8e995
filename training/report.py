"""Score ingest on the dev set's held-out quarter and on the rest apart (see README.md), with the
dev set's own scorer and the real command.

    python training/report.py [--devsets ../shared/devsets]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
COMMAND = f"{sys.executable} -m builder ingest --seeds {{seeds}} --content {{content}}"


FOLDS = 4   # the dev set's dumps in quarters, by dump number


def fold_of(name: str) -> int | None:
    """The quarter a dev-set dump is in (its number modulo FOLDS); None for the repository's seeds."""
    return int(name[1:4]) % FOLDS if name.startswith("d") and name[1:4].isdigit() else None


def held_out(name: str) -> bool:
    """The dev set's dumps no model is trained on: quarter 0, those whose number is a multiple of 4."""
    return fold_of(name) == 0


def subset(devsets: Path, name: str, keep: bool, into: Path) -> Path:
    """A set folder holding only the held-out dumps (keep=True) or only the others."""
    truth = json.loads((devsets / name / "truth.json").read_text(encoding="utf-8"))
    dumps = {k: v for k, v in truth["dumps"].items() if held_out(k) == keep}
    folder = into / f"{name}-{'held-out' if keep else 'trained-on'}"
    (folder / "seeds").mkdir(parents=True)
    for dump in dumps:
        shutil.copy(devsets / name / "seeds" / dump, folder / "seeds" / dump)
    (folder / "truth.json").write_text(json.dumps({**truth, "set": folder.name, "dumps": dumps}), encoding="utf-8")
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--devsets", type=Path, default=HERE.parent.parent / "shared" / "devsets")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        sets = [subset(args.devsets, name, keep, Path(tmp)) for keep in (True, False) for name in ("en", "other")]
        subprocess.run([sys.executable, str(args.devsets / "score.py"), "--meta", "--project", str(HERE.parent),
                        "--set", ",".join(map(str, sets)), "--cmd", COMMAND], check=True)


if __name__ == "__main__":
    main()
