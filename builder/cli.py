"""The command line: `python -m builder COMMAND`; BuilderErrors print as `error: FILE:LINE: message`."""

from __future__ import annotations

import argparse
import math
import sys
import traceback
from pathlib import Path

from builder.errors import BuilderError
from builder.lock import ProjectLock


def _ingest(args, config) -> int:
    from builder.ingest import ingest
    with ProjectLock(config, "ingest"):   # a dry run too: it keeps each seed's results in .cache/
        report = ingest(config, args.seeds, args.content, dry_run=args.dry_run)
    report.print()
    print(report.summary(args.dry_run))
    return 1 if report.problems else 0


def _build(args, config) -> int:
    from builder.build import build
    with ProjectLock(config, "build"):
        result = build(config, run_ingest=not args.no_ingest, drafts=args.drafts, clean=args.clean)
    if result.ingest:
        result.ingest.print()
    print(result.summary())
    return 1 if result.ingest and result.ingest.problems else 0


def _check(args, config) -> int:
    from builder.check import check
    with ProjectLock(config, "check", shared=True):   # not while a build is half done
        report = check(config, drafts=args.drafts)
    for problem in report.problems:
        print(f"error: {problem}", file=sys.stderr)
    print(f"check: {report.pages} pages, {report.links} links into the site followed; "
          f"{len(report.problems)} problem(s)")
    return 1 if report.problems else 0


def _classify(args, config) -> int:
    from builder.classify import refile
    with ProjectLock(config, "classify", shared=args.dry_run):
        moves, refused = refile(config, dry_run=args.dry_run)
    for line in moves:
        print(line)
    for problem in refused:
        print(f"error: {problem}", file=sys.stderr)
    return 1 if refused else 0


def _explain(args, config) -> int:
    from builder.explain import explain_file, explain_text
    print(explain_text(config, args.text) if args.text is not None else explain_file(config, args.path))
    return 0


def _clip(args, config) -> int:
    from builder.clip import TIMEOUT, clip
    from builder.ingest import clock, ingest
    timeout = TIMEOUT if args.timeout is None else args.timeout
    lock = ProjectLock(config, "clip")   # while saving each page, and ingesting: not while fetching
    done = clip(config.seeds_dir, args.urls, timeout, config.max_seed_bytes, clock(), lock)
    for url, path in done.saved:
        print(f"clipped {url} -> {path}")
    for problem in done.problems:
        print(f"error: {problem}", file=sys.stderr)
    if not done.saved:
        return 1
    with lock:
        report = ingest(config)
    report.print()
    print(report.summary(False))
    return 1 if done.problems or report.problems else 0


def _serve(args, config) -> int:
    from builder.serve import serve
    return serve(config, host=args.host, port=args.port, base_url=args.base_url, poll=args.poll)


def _publish(args, config) -> int:
    from builder.publish import publish
    return publish(config, remote=args.remote, branch=args.branch, allow_dirty=args.allow_dirty)


MAX_TIMEOUT = 86400.0   # seconds --timeout may be: a day (a socket's timeout has a limit)


def _seconds(text: str) -> float:
    """--timeout's value: a positive, finite number of seconds, up to MAX_TIMEOUT."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not 0 < value <= MAX_TIMEOUT:   # nan too
        raise argparse.ArgumentTypeError(f"must be a number of seconds above 0 and at most {MAX_TIMEOUT:g}, "
                                         f"not {text!r}")
    return value


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m builder", description="Build the curated news briefing.")
    p.add_argument("--config", type=Path, default=Path("config.yaml"), help="config file (default: config.yaml)")
    p.add_argument("--debug", action="store_true", help="show tracebacks")
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("ingest", help="turn seeds/*.txt into content/ articles")
    s.add_argument("--seeds", type=Path, help="seed folder (default from config.yaml)")
    s.add_argument("--content", type=Path, help="content folder (default from config.yaml)")
    s.add_argument("--dry-run", action="store_true", help="report what would be written, write nothing")
    s.set_defaults(run=_ingest)

    s = sub.add_parser("build", help="ingest, then render the site into site/")
    s.add_argument("--base-url", help="override base_url (e.g. https://example.org/briefing/)")
    s.add_argument("--drafts", action="store_true", help="also show unfiled articles, marked as drafts")
    s.add_argument("--no-ingest", action="store_true", help="render content/ as it is")
    s.add_argument("--clean", action="store_true",
                   help="make every page afresh, trusting nothing an earlier build kept (what any build must equal)")
    s.set_defaults(run=_build)

    s = sub.add_parser("check", help="report what a build would refuse and links that lead nowhere; writes nothing")
    s.add_argument("--drafts", action="store_true", help="check the unfiled articles' pages too")
    s.set_defaults(run=_check)

    s = sub.add_parser("classify", help="re-file untouched articles after a query change")
    s.add_argument("--dry-run", action="store_true", help="print what would move, change nothing")
    s.set_defaults(run=_classify)

    s = sub.add_parser("explain", help="show how ingest read a seed, or why an article is (not) filed "
                                       "in each dossier")
    s.add_argument("path", nargs="?", type=Path, help="an article file (.md) or a seed")
    s.add_argument("--text", help="explain this text instead of a file")
    s.set_defaults(run=_explain)

    s = sub.add_parser("clip", help="fetch web pages, save each as a seed (seeds/*.html) and ingest")
    s.add_argument("urls", nargs="+", metavar="URL", help="http:// or https:// address of a page")
    s.add_argument("--timeout", type=_seconds, help="seconds a page may take to arrive (default: 20)")
    s.set_defaults(run=_clip)

    s = sub.add_parser("serve", help="build, serve site/ locally, rebuild and reload the browser on change")
    s.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    s.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    s.add_argument("--base-url", help="override base_url; only its path is used (e.g. /briefing/)")
    s.add_argument("--poll", action="store_true", help="poll for changes (file systems without change events)")
    s.set_defaults(run=_serve)

    s = sub.add_parser("publish", help="build and push site/ as one commit on a branch (GitHub Pages)")
    s.add_argument("--remote", default="origin", help="git remote to push to (default: origin)")
    s.add_argument("--branch", default="gh-pages", help="branch to publish to (default: gh-pages)")
    s.add_argument("--base-url", help="override base_url (e.g. https://user.github.io/briefing/)")
    s.add_argument("--allow-dirty", action="store_true", help="publish even with uncommitted source changes")
    s.set_defaults(run=_publish)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command == "explain" and args.path is None and args.text is None:
        parser().error("explain needs a PATH or --text")
    try:
        from builder.config import load_config
        config = load_config(args.config, base_url=getattr(args, "base_url", None))
        return args.run(args, config)
    except BuilderError as exc:
        if args.debug:
            traceback.print_exc()
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
