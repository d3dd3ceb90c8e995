"""`python -m builder publish`: a fresh build of the site, committed as one commit on a branch
(`gh-pages`) and pushed, for GitHub Pages' "Deploy from a branch".

Only git plumbing is used, so the user's working tree, index, HEAD and branch are never touched:
the files of site/ are hashed into the object store (`hash-object -w --no-filters`), listed in a
temporary index (`GIT_INDEX_FILE`, `update-index --index-info`) that becomes a tree (`write-tree`),
and committed with `commit-tree` on top of the branch's current tip on the remote (fetched first),
so each publish is one commit after the previous one (none when the site's tree is the tip's).
Then `push REMOTE COMMIT:refs/heads/BRANCH`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from builder.build import build
from builder.config import Config
from builder.errors import BuilderError
from builder.lock import ProjectLock
from builder.render import absolute_root


def _git(cwd: Path, *args: str, input: str | None = None, env: dict[str, str] | None = None,
         check: bool = True) -> subprocess.CompletedProcess:
    try:
        result = subprocess.run(["git", *args], cwd=cwd, input=input, capture_output=True, text=True, encoding="utf-8",
                                env={**os.environ, **(env or {})})
    except FileNotFoundError:
        raise BuilderError("git is not installed (publish needs it)") from None
    if check and result.returncode != 0:
        # All of git's lines, indented below the error line: the reason (a hook's, a remote's
        # "does not appear to be a git repository") is seldom on the last one.
        detail = [line.rstrip() for line in (result.stderr or result.stdout).splitlines() if line.strip()]
        command = next(a for a in args if not a.startswith("-"))
        shown = ":" + "".join(f"\n  {line}" for line in detail) if detail else ""
        raise BuilderError(f"git {command} failed{shown}")
    return result


def _out(cwd: Path, *args: str, **kwargs) -> str:
    return _git(cwd, *args, **kwargs).stdout.strip()


def _uncommitted(root: Path, config: Config) -> list[str]:
    """Changed, staged or untracked source files, as `git status --porcelain` lines.
    `--no-optional-locks`: status must not refresh (rewrite) the user's index."""
    paths = [str(p.resolve()) for p in config.sources if p.exists()]
    if not paths:
        return []
    # Not _out: stripping the whole output would cut the first line's leading status column.
    return _git(root, "--no-optional-locks", "status", "--porcelain", "--untracked-files=all", "--",
                *paths).stdout.splitlines()


def _remote_tip(root: Path, remote: str, branch: str) -> str | None:
    """The branch's commit on the remote, fetched so it can be the parent; None if there is none."""
    ref = f"refs/heads/{branch}"
    listed = _out(root, "ls-remote", "--heads", remote, ref)
    tip = next((line.split()[0] for line in listed.splitlines() if line.split()[1:] == [ref]), None)
    if tip:
        _git(root, "fetch", "--quiet", "--no-tags", remote, ref)
    return tip


def _tree(root: Path, site: Path) -> tuple[str, int]:
    """Write the files of `site` as a tree object; returns its id and the number of files."""
    files = sorted(p for p in site.rglob("*") if p.is_file())
    names = [p.relative_to(site).as_posix() for p in files]
    if any("\n" in name for name in names):
        raise BuilderError("a file name in the built site contains a line break", site)
    blobs = _out(root, "hash-object", "-w", "--no-filters", "--stdin-paths",
                 input="".join(f"{p}\n" for p in files)).split()
    with tempfile.TemporaryDirectory(prefix="publish-") as tmp:
        env = {"GIT_INDEX_FILE": str(Path(tmp) / "index")}
        _git(root, "update-index", "-z", "--add", "--index-info", env=env,
             input="".join(f"100644 {blob}\t{name}\0" for blob, name in zip(blobs, names)))
        return _out(root, "write-tree", env=env), len(files)


def publish(config: Config, remote: str = "origin", branch: str = "gh-pages", allow_dirty: bool = False) -> int:
    root = config.path.resolve().parent
    probe = _git(root, "rev-parse", "--git-dir", check=False)
    if probe.returncode != 0:
        if "not a git repository" in probe.stderr:
            raise BuilderError("not a git repository (publish commits the site to a branch of the project's "
                               "repository; or use the GitHub Actions workflow)", root)
        raise BuilderError(f"git: {probe.stderr.strip()}", root)   # e.g. "detected dubious ownership"
    if _git(root, "remote", "get-url", remote, check=False).returncode != 0:
        remotes = _out(root, "remote").split()
        raise BuilderError(f"no such remote '{remote}'" + (f" (remotes: {', '.join(remotes)})" if remotes else
                                                           f" (add one: git remote add {remote} URL)"))
    head = _git(root, "rev-parse", "--verify", "HEAD^{commit}", check=False).stdout.strip()
    if not head:
        raise BuilderError("the repository has no commit yet; commit the project first")
    dirty = _uncommitted(root, config)
    if dirty and not allow_dirty:
        shown = ", ".join(line[3:] for line in dirty[:5]) + (f" and {len(dirty) - 5} more" if len(dirty) > 5 else "")
        raise BuilderError(f"uncommitted changes in {shown}; commit them first (the published site records "
                           "the commit it was built from), or pass --allow-dirty")

    if absolute_root(config.base_url) != config.base_url:
        print(f"note: base_url {config.base_url} has no host, so feeds and the sitemap point at localhost; "
              "set base_url in config.yaml or pass --base-url https://USER.github.io/REPO/", file=sys.stderr)
    tip = _remote_tip(root, remote, branch)
    with ProjectLock(config, "publish"):   # no other build may change site/ before it is in the tree
        result = build(config, run_ingest=True)   # a BuilderError here stops the publish: nothing is pushed
        if result.ingest:
            result.ingest.print()
        print(result.summary())
        if result.ingest and result.ingest.problems:
            raise BuilderError(f"ingest refused {len(result.ingest.problems)} input(s) (above), so nothing is "
                               "published: the site would lack what they hold; fix or remove them")
        if result.ingest and result.ingest.written:
            print(f"note: ingest wrote {len(result.ingest.written)} article(s); commit content/ so the source "
                  "matches the published site")
        tree, count = _tree(root, config.output_dir)
    if tip and _out(root, "rev-parse", f"{tip}^{{tree}}") == tree:
        print(f"publish: nothing to publish, {remote}/{branch} already holds this site (commit {tip[:12]})")
        return 0
    message = f"Publish site from {head}\n\nBuilt by `python -m builder publish` from commit {head}" + \
              (" with uncommitted changes" if dirty else "") + ".\n"
    commit = _out(root, "commit-tree", tree, *(["-p", tip] if tip else []), input=message)
    _git(root, "push", "--quiet", remote, f"{commit}:refs/heads/{branch}")
    print(f"publish: {count} files as commit {commit[:12]} on {remote}/{branch} (source {head[:12]})")
    return 0
