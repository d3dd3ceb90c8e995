"""Ingest speed and memory: MB/s of seed text on one core, and peak memory as dumps grow.

    python bench/bench_ingest.py [--dumps 100,400,1600]

Extraction alone (the per-dump pass) and full ingest (extraction, filing, people, writing files)
are reported separately; peak memory is measured in a fresh process per size.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def measure(dumps: int) -> dict:
    from corpus import write_dumps

    from builder.config import load_config
    from builder.extract import extract
    from builder.ingest import ingest

    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp)
        shutil.copy(ROOT / "config.yaml", project / "config.yaml")
        size = write_dumps(project / "seeds", dumps)
        config = load_config(project / "config.yaml")
        texts = sorted((project / "seeds").glob("*.txt"))
        started = time.perf_counter()
        for path in texts:
            extract(path.read_text(encoding="utf-8"))
        extract_s = time.perf_counter() - started
        started = time.perf_counter()
        report = ingest(config)
        ingest_s = time.perf_counter() - started
        return {"dumps": dumps, "mb": size / 2**20, "extract_mb_s": size / 2**20 / extract_s,
                "ingest_mb_s": size / 2**20 / ingest_s, "articles": len(report.written),
                "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dumps", default="100,400,1600")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one)))
        return
    print(f"{'dumps':>6} {'MB':>7} {'extract MB/s':>13} {'ingest MB/s':>12} {'articles':>9} {'peak RSS MB':>12}")
    for n in (int(x) for x in args.dumps.split(",")):
        out = subprocess.run([sys.executable, __file__, "--one", str(n)], capture_output=True, text=True,
                             check=True)
        r = json.loads(out.stdout)
        print(f"{r['dumps']:>6} {r['mb']:>7.1f} {r['extract_mb_s']:>13.1f} {r['ingest_mb_s']:>12.1f} "
              f"{r['articles']:>9} {r['peak_rss_mb']:>12.0f}")


if __name__ == "__main__":
    main()
