"""Silver labels for the English dev set: which lines of each dump trafilatura keeps as text when
it reads the page's original HTML (`en/html/`), for training the line model beside the hand-picked
snippets. Needs trafilatura (`pip install trafilatura==2.3.1 lxml_html_clean`); its output is
committed as `silver-labels.json`, so training does not.

    python training/silver.py ../shared/devsets
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    import trafilatura

    devsets = Path(sys.argv[1] if len(sys.argv) > 1 else HERE.parent.parent / "shared" / "devsets")
    sys.path.insert(0, str(devsets))
    from score import norm  # the scorer's own normalisation, so labels match what it matches

    truth = json.loads((devsets / "en" / "truth.json").read_text(encoding="utf-8"))
    labels = {}
    for name, pages in sorted(truth["dumps"].items()):
        lines = (devsets / "en" / "seeds" / name).read_text(encoding="utf-8").split("\n")
        kept = []
        for page in pages:
            html = (devsets / "en" / "html" / page["fixture"]).read_bytes()
            text = trafilatura.extract(html, include_comments=False, include_tables=True) or ""
            whole = norm(text)
            own_lines = {norm(x) for x in text.split("\n") if x.strip()}
            first, last = page["lines"]
            for i in range(first - 1, last):
                line = norm(lines[i])
                # Long lines count when trafilatura's text holds them; short ones only as whole lines
                # of it (a menu entry `News` is in most texts).
                if line and ((len(line) >= 25 and line in whole) or line in own_lines):
                    kept.append(i)
        labels[name] = kept
    out = HERE / "silver-labels.json"
    out.write_text(json.dumps(labels, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{out}: {sum(map(len, labels.values()))} lines kept in {len(labels)} dumps")


if __name__ == "__main__":
    main()
