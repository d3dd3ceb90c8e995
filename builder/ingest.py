"""Ingest: `seeds/*` (each format read by `readers`) -> `content/articles/<year>/<slug>.md`, one seed at a time, never
overwriting or resurrecting what a curator edited, rejected or deleted.

The ledger (`ledger.py`) tells an article a person edited (left alone) or deleted (not re-created).
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib.util
import os
import re
import sys
import threading
import zlib
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from builder.classify import document, file_document
from builder.config import Config
from builder.content import ARTICLES, Article, Source, dump, parse_article, read_article, set_keys, sha256
from builder.errors import BuilderError
from builder.extract import Draft
from builder.files import decode, read_bytes, write_atomic
from builder.incremental.cache import PerFile, cache_key, trusted
from builder.ledger import load_ledger, save_ledger
from builder.markdown import escape_markdown
from builder.parallel import ordered
from builder.people import find_people
from builder.readers import ORIGIN, extraction as read, read_seed, seed_files
from builder.text import key, slugify

SKETCH = 32            # shingle hashes kept per article for near-duplicate detection
SHINGLE = 5            # words per shingle
SAME_STORY = 0.5       # estimated Jaccard similarity at which two texts are one story
CONTAINED = 0.8        # or this share of the shorter text found in the longer one
LEDGER_SKETCH = 8      # hashes the ledger keeps per article: enough to know it again in a changed seed
OFFER = "text changed in "   # how a `review` entry telling a curator of a new text begins


@dataclass
class Report:
    """What one ingest run did, for the command line; `problems` are the `error:` lines."""
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    notes: list[str] = field(default_factory=list)
    problems: list[BuilderError] = field(default_factory=list)

    def print(self) -> None:
        """Notes to stdout, problems to stderr as `error:` lines (ingest, build, serve, publish)."""
        for note in self.notes:
            print(note, flush=True)
        for problem in self.problems:
            print(f"error: {problem}", file=sys.stderr, flush=True)

    def summary(self, dry_run: bool) -> str:
        verb = "would write" if dry_run else "wrote"
        return f"ingest: {verb} {len(self.written)} article(s), {self.unchanged} unchanged, " \
               f"{len(self.problems)} seed problem(s)"


# --- from draft to article ---------------------------------------------------------------------

def markdown_body(draft: Draft) -> str:
    parts: list[str] = []
    for block in draft.blocks:
        text = escape_markdown(block.text)
        if block.kind == "li":
            item = f"- {text}"
            if parts and parts[-1].startswith("- "):
                parts[-1] += "\n" + item
            else:
                parts.append(item)
        elif block.kind == "h":
            parts.append(f"## {text}")
        else:
            parts.append(text)
    return "\n\n".join(parts)


def headline_from_lede(lede: str, limit: int = 90) -> str:
    """A stand-in headline: the lede's first sentence, cut at a word boundary."""
    sentence = re.split(r"(?<=[.!?])\s+(?=[A-Z\"“‘'])", lede.strip(), maxsplit=1)[0].rstrip(".")
    if len(sentence) <= limit:
        return sentence
    return sentence[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def summary_of(lede: str, limit: int = 320) -> str:
    if len(lede) <= limit:
        return lede
    sentences = re.split(r"(?<=[.!?])\s+", lede)
    out = sentences[0]
    for s in sentences[1:]:
        if len(out) + 1 + len(s) > limit:
            break
        out += " " + s
    return out if len(out) <= limit else out[:limit].rsplit(" ", 1)[0] + "…"


def article_from_draft(draft: Draft, source: Source, config: Config, ident: str) -> Article:
    paragraphs = [b.text for b in draft.blocks]
    title = draft.title or headline_from_lede(draft.lead)
    review = [f for f, missing in (("title", draft.title is None), ("date", draft.date is None),
                                   ("publisher", draft.publisher is None)) if missing]
    filing = file_document(document(title, paragraphs), config.dossiers)
    return Article(
        path="", title=title, body=markdown_body(draft), date=draft.date,
        date_source=draft.date_source, publisher=draft.publisher, url=draft.url, url_source=draft.url_source,
        wire=draft.wire,
        dateline=draft.dateline, summary=summary_of(draft.lead), key_points=draft.key_points,
        people=tuple(find_people(title + "\n\n" + "\n\n".join(paragraphs), config.people)), dossiers=filing.dossiers,
        classification=filing.classification, status="published" if filing.dossiers else "unfiled",
        review=tuple(review), source=source, id=ident,
    )


# --- near-duplicate detection --------------------------------------------------------------------

@functools.lru_cache(maxsize=1 << 16)
def _anchor(word: str) -> bool:
    return zlib.crc32(word.encode()) & 3 == 0


@dataclass(frozen=True)
class Sketch:
    hashes: tuple[int, ...]     # the SKETCH smallest shingle hashes, sorted
    size: int                   # number of distinct shingles

    @classmethod
    def of(cls, folded: str) -> Sketch:
        """The sketch of `folded`, words joined by single spaces (`key()`). Shingles start only at
        anchor words (a quarter of words, chosen by the word itself), so two copies of a text sample
        the same shingles at a quarter of the cost."""
        words = folded.split()
        starts = [i for i, w in enumerate(words[:len(words) - SHINGLE + 1]) if _anchor(w)] or [0]
        shingles = {zlib.crc32(" ".join(words[i:i + SHINGLE]).encode()) for i in starts}
        return cls(tuple(sorted(shingles)[:SKETCH]), len(shingles))

    def same_story(self, other: Sketch) -> bool:
        k = min(len(self.hashes), len(other.hashes))  # a ledger keeps fewer hashes (LEDGER_SKETCH)
        mine, theirs = self.hashes[:k], other.hashes[:k]
        union = sorted(set(mine) | set(theirs))[:k]
        both = set(mine) & set(theirs)
        jaccard = sum(h in both for h in union) / len(union)
        shared = jaccard * (self.size + other.size) / (1 + jaccard)
        return jaccard >= SAME_STORY or shared / min(self.size, other.size) >= CONTAINED

    def short(self) -> str:
        """The LEDGER_SKETCH smallest hashes as hex, for the ledger."""
        return "".join(f"{h:08x}" for h in self.hashes[:LEDGER_SKETCH])

    @classmethod
    def from_short(cls, text: str, size: int) -> Sketch:
        return cls(tuple(int(text[i:i + 8], 16) for i in range(0, len(text), 8)), size)


class _Stories:
    """This run's articles by sketch, to merge the same story seen in several dumps."""

    def __init__(self) -> None:
        self.by_hash: dict[int, list[str]] = {}
        self.sketches: dict[str, Sketch] = {}

    def find(self, ident: str, sketch: Sketch) -> str | None:
        if ident in self.sketches:
            return ident
        votes: dict[str, int] = {}
        for h in sketch.hashes:
            for other in self.by_hash.get(h, ()):
                votes[other] = votes.get(other, 0) + 1
        for other, _ in sorted(votes.items(), key=lambda kv: -kv[1]):
            if self.sketches[other].same_story(sketch):
                return other
        return None

    def add(self, ident: str, sketch: Sketch) -> None:
        self.sketches[ident] = sketch
        for h in sketch.hashes:
            self.by_hash.setdefault(h, []).append(ident)


# --- the files ----------------------------------------------------------------------------------

def _folder(article: Article) -> str:
    return str(article.date.year) if article.date else "undated"


def _path_for(article: Article, content_dir: Path, taken: set[str]) -> str:
    folder = _folder(article)
    base = slugify(article.title)
    for candidate in (base, f"{base}-{article.id[:6]}", f"{base}-{article.id}"):
        rel = f"{ARTICLES}/{folder}/{candidate}.md"
        if rel not in taken and not (content_dir / rel).exists():
            return rel
    raise BuilderError(f"no free file name for article {article.id}", content_dir / ARTICLES / folder)


class _Writer:
    """Writes files on a few threads, so the disk's latency (each file created waits on the file
    system) overlaps the work on the next seed; a path's writes happen in the order given."""

    def __init__(self, threads: int = 4, backlog: int = 64):
        self.pool = ThreadPoolExecutor(threads, thread_name_prefix="ingest-write")
        self.room = threading.BoundedSemaphore(backlog)   # texts held in memory at once
        self.pending: dict[Path, Future] = {}   # writes not yet done, or failed
        self.lock = threading.Lock()

    def wait(self, path: Path) -> None:
        """Until the last write of `path` given is done."""
        with self.lock:
            earlier = self.pending.pop(path, None)
        if earlier is not None:
            earlier.result()

    def write(self, path: Path, text: str) -> None:
        self.wait(path)
        self.room.acquire()
        future = self.pool.submit(write_atomic, path, text)
        with self.lock:
            self.pending[path] = future
        future.add_done_callback(lambda done: self._done(path, done))

    def _done(self, path: Path, future: Future) -> None:
        """A write that succeeded is forgotten (memory stays flat in the files written); a failed
        one stays for finish() to raise."""
        self.room.release()
        if future.exception() is None:
            with self.lock:
                if self.pending.get(path) is future:
                    del self.pending[path]

    def finish(self) -> None:
        """Wait for every write; the first failure is raised."""
        try:
            with self.lock:
                left = list(self.pending.values())
            for future in left:
                future.result()
        finally:
            self.pool.shutdown()


class _Run:
    """One ingest run over the content folder: what the ledger says, what this run wrote."""

    def __init__(self, config: Config, content_dir: Path, dry_run: bool, report: Report, today: dt.date):
        self.config, self.content_dir, self.dry_run, self.report = config, content_dir, dry_run, report
        self.today = today                               # the `added:` of what enters content/ now
        self.within = (content_dir, config.root)      # where an article's link may lead
        self.stories = _Stories()
        self.written_this_run: dict[str, str] = {}      # id -> path this run wrote or would write
        self.moved: list[str] = []                       # ingest's own files this run wrote elsewhere
        self.writer = _Writer()
        self.protect_all = False
        try:
            self.ledger = load_ledger(content_dir)
        except BuilderError as exc:
            report.problems.append(exc)
            self.ledger, self.protect_all = {}, True
        self.taken = {entry["path"] for entry in self.ledger.values()}
        self.at = {(entry.get("seed"), entry.get("line")): ident for ident, entry in self.ledger.items()}
        self.read_sketches: dict[str, Sketch | None] = {}   # made from files, for older ledgers
        self.of_seed: dict[str | None, list[str]] = {}
        for ident, entry in self.ledger.items():
            self.of_seed.setdefault(entry.get("seed"), []).append(ident)

    def recognised(self, article: Article, sketch: Sketch) -> str | None:
        """The ledger's id for `article` when it is one ingest wrote before under another id: the same
        place in the same seed, or the same story from the same seed (its text changed a little, its
        lines moved, or the extractor changed), so the curator's decision on it stands."""
        seed = article.source.file if article.source else None
        known = self.at.get((seed, article.source.lines[0] if article.source else None))
        if known and known != article.id and known not in self.stories.sketches:
            return known
        for ident in self.of_seed.get(seed, ()):
            if ident != article.id and ident not in self.stories.sketches:
                theirs = self.ledger_sketch(ident)
                if theirs is not None and theirs.same_story(sketch):
                    return ident
        return None

    def ledger_sketch(self, ident: str) -> Sketch | None:
        """The sketch the ledger keeps for `ident`; for a ledger written before it kept them, made from
        the article's file (None when the file is gone)."""
        entry = self.ledger[ident]
        if "sketch" in entry:
            return Sketch.from_short(entry["sketch"], entry.get("size", 0))
        if ident not in self.read_sketches:
            try:
                article = read_article(self.content_dir, entry["path"], self.config.root)
                self.read_sketches[ident] = Sketch.of(key(article.body))
            except BuilderError:
                self.read_sketches[ident] = None
        return self.read_sketches[ident]

    def untouched(self, ident: str) -> tuple[str, bytes] | None:
        """The file ingest may (re)write for `ident` and its bytes, or None with the reason noted."""
        entry = self.ledger[ident]
        path = entry["path"]
        full = self.content_dir / path
        try:
            data = read_bytes(full, self.within)
        except FileNotFoundError:
            self.report.notes.append(f"{full}: deleted by the curator; not re-created")
            return None
        except BuilderError as exc:
            self.report.problems.append(exc)
            return None
        if sha256(data) != entry["sha256"]:
            self.report.notes.append(f"{full}: edited by hand; left alone")
            return None
        return path, data

    def put(self, article: Article, sketch: Sketch, text: str) -> None:
        """Record `article` (whose file text is `text`), merging it into the same story seen before."""
        known = self.recognised(article, sketch) if article.id not in self.ledger else None
        fresh = article   # under its own id: the text as the seed has it now
        if known:
            article = replace(article, id=known)
            text = dump(article)
        same = self.stories.find(article.id, sketch)
        if same is not None:
            assert article.source is not None, "an ingested article names its seed"
            self.merge(same, article.source)
            return
        self.stories.add(article.id, sketch)
        if self.protect_all:
            return
        article, text = self.dated(article, text)
        current = None
        if article.id in self.ledger:
            found = self.untouched(article.id)
            if found is None:
                if known:
                    self.offer(known, fresh)
                return
            path, current = found
            if Path(path).parent.name != _folder(article):   # its own file follows the date (a curator's stays)
                old, path, current = path, _path_for(article, self.content_dir, self.taken), None
                self.taken.add(path)
                self.moved.append(old)
                self.report.notes.append(f"{self.content_dir / old}: dated {_folder(article)} now; "
                                         f"moved to {self.content_dir / path}")
        else:
            path = _path_for(article, self.content_dir, self.taken)
            self.taken.add(path)
        self.write(replace(article, path=path), text, current, sketch)

    def dated(self, article: Article, text: str) -> tuple[Article, str]:
        """`article` (whose file text is `text`) with its `added:`: the day its id first entered the
        ledger, kept there (none for one written before ingest recorded it), else today."""
        entry = self.ledger.get(article.id)
        added = self.today if entry is None else (dt.date.fromisoformat(entry["added"]) if "added" in entry else None)
        if added == article.added:
            return article, text
        article = replace(article, added=added)
        return article, dump(article)

    def offer(self, ident: str, fresh: Article) -> None:
        """Tell the curator that the text of their article `ident` changed in its seed (`fresh`): a
        `review` entry in their file, every other byte of it kept, once per new text. Their file
        stays the one article, on the site or off it as they decided. A seed whose bytes are those
        their file names as its source is the page they decided on, read by another extractor:
        nothing to tell (else every new model would flag the whole curated archive)."""
        entry = self.ledger[ident]
        full = self.content_dir / entry["path"]
        if entry.get("offered") == fresh.id or not full.is_file():   # told already, or deleted
            return
        source = fresh.source
        assert source is not None, "an ingested article names its seed"
        where = f"{source.file}, lines {source.lines[0]}–{source.lines[1]}"
        try:
            raw = read_bytes(full, self.within)
        except (OSError, BuilderError):   # refused (a link outside the project): untouched() said so
            return
        try:
            data = decode(raw, full)
            if source.sha256 in data:   # its `source:` (or `other_sources:`) hash: the same page
                return
            review = [r for r in parse_article(data, full, entry["path"]).review if not r.startswith(OFFER)]
            text = set_keys(data, {"review": [*review, OFFER + where]}, full)
        except BuilderError as exc:   # asked again at the next run
            self.report.problems.append(BuilderError(f"its text changed in {where}, but the file cannot be "
                                                     f"marked for review: {exc.message}", full, exc.line))
            return
        entry["offered"] = fresh.id
        self.report.notes.append(f"{full}: its text changed in {where}; marked for review")
        self.report.written.append(str(full))
        if not self.dry_run:
            self.writer.write(full.resolve() if full.is_symlink() else full, text)   # a link inside stays one

    def merge(self, ident: str, source: Source) -> None:
        """The same story again: add `source` to the article already written for it."""
        path = self.written_this_run.get(ident)
        if path is None:
            return  # its file is the curator's now (edited or deleted): left as they have it
        full = self.content_dir / path
        self.writer.wait(full)
        if self.dry_run and not full.exists():
            return
        # Read back, not kept from the write: memory stays flat however many articles a run writes.
        data = read_bytes(full, self.within)
        article = parse_article(decode(data, full), full, path)
        if source == article.source or source in article.other_sources:
            return
        merged = replace(article, other_sources=article.other_sources + (source,))
        self.write(merged, dump(merged), data, self.stories.sketches[ident])

    def write(self, article: Article, text: str, current: bytes | None, sketch: Sketch) -> None:
        """Write `text` as `article`'s file unless `current`, its bytes on disk, already hold it."""
        full = self.content_dir / article.path
        again = article.id in self.written_this_run  # a merge: the file is already counted
        self.written_this_run[article.id] = article.path
        data = text.encode("utf-8")
        if current == data:
            self.report.unchanged += not again
        else:
            if not again:
                self.report.written.append(str(full))
            if not self.dry_run:
                self.writer.write(full, text)
        self.ledger[article.id] = {"path": article.path, "sha256": sha256(data),
                                   "seed": article.source.file if article.source else None,
                                   "line": article.source.lines[0] if article.source else None,
                                   "dossiers": list(article.dossiers or ()),
                                   "sketch": sketch.short(), "size": sketch.size}
        if article.added:
            self.ledger[article.id]["added"] = article.added.isoformat()

    def finish(self) -> None:
        self.writer.finish()
        if not self.dry_run and not self.protect_all:
            # Before the ledger names the new paths: a crash in between leaves no second copy, only
            # the new file, which the old ledger then takes for the curator's.
            for old in self.moved:
                (self.content_dir / old).unlink(missing_ok=True)
            self.keep_sketches()
            save_ledger(self.content_dir, self.ledger)

    def keep_sketches(self) -> None:
        """Entries from a ledger written before it kept sketches get one, made from their files
        while these exist: once the curator deletes a file, nothing else would know its text."""
        for ident, entry in self.ledger.items():
            if "sketch" not in entry and (sketch := self.ledger_sketch(ident)) is not None:
                entry["sketch"], entry["size"] = sketch.short(), sketch.size


@dataclass(frozen=True)
class _Seed:
    """What one seed yields, computed in a worker process: articles (each with its sketch and file
    text), or the reason there are none."""
    name: str
    articles: tuple[tuple[Article, Sketch, str], ...] = ()
    problem: BuilderError | None = None
    note: str | None = None


def _remembered(job: tuple[Config, PerFile], seed: Path) -> _Seed:
    """What `_process` made of this seed when it was last ingested unchanged, its Internet shortcut
    (readers.origin, its `url:`) unchanged too, or made now."""
    config, results = job
    compute = functools.partial(_process, config)
    try:
        shortcut = trusted(seed.with_suffix(ORIGIN))
    except FileNotFoundError:
        return results.get(seed, compute)
    except OSError:   # origin() tells what is wrong with it
        shortcut = None
    if shortcut is None:   # or too fresh to trust its signature
        return compute(seed)
    return PerFile(results.folder, f"{results.key} {shortcut}", results.keep).get(seed, compute)


def _process(config: Config, seed: Path) -> _Seed:
    """Read, split, clean, file, sketch and format one seed; only this dump's text is held meanwhile."""
    try:
        data = read_seed(seed, config.max_seed_bytes, config.root)
        extraction = read(seed, data)
    except BuilderError as exc:
        return _Seed(seed.name, problem=exc)
    digest = sha256(data)
    articles = []
    for draft in extraction.drafts:
        folded = key(" ".join(draft.paragraphs))  # the story's words: its identity and sketch
        article = article_from_draft(draft, Source(seed.name, draft.lines, digest), config,
                                     ident=sha256(folded)[:12])
        articles.append((article, Sketch.of(folded), dump(article)))
    note = None if articles else (f"{seed}: no article found (" +
                                  "; ".join(d.why for d in extraction.decisions[:3]) + ")")
    return _Seed(seed.name, tuple(articles), note=note)


def refused_seeds(config: Config) -> list[BuilderError]:
    """Why ingest would skip each seed it skips, found by reading them as it does (for check, which
    writes nothing: what it reads afresh is not kept)."""
    if not config.seeds_dir.is_dir():
        return []
    results = PerFile(config.cache_dir / SEEDS, _results_key(config), keep=False)
    return [found.problem for seed in seed_files(config.seeds_dir)
            if (found := _remembered((config, results), seed)).problem is not None]


def _results_key(config: Config) -> str:
    """What decides a seed's results besides its bytes: the builder's code and filing rules, the
    size limit, and the extractor that reads saved pages (a new trafilatura reads them anew)."""
    return f"{cache_key(config)} {config.max_seed_bytes} {_version('trafilatura')}"


def _version(package: str) -> str:
    """The installed distribution of `package`, by its metadata folder's name (`name-1.2.dist-info`):
    importlib.metadata would cost more than a small ingest."""
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):   # a finder refusing it: as good as missing
        return "none"
    if spec is None or not spec.origin:
        return "none"
    found = sorted(p.name for p in Path(spec.origin).parent.parent.glob(f"{package}-*.dist-info"))
    return found[-1] if found else "unknown"


PARALLEL_FROM = 16  # seeds; below this a process pool costs more than it saves
SEEDS = "seeds"     # the folder under the cache folder with each seed's results


def clock() -> dt.date:
    """Ingest's clock: the day of `SOURCE_DATE_EPOCH` when set (reproducible runs, tests), else today's."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
    return dt.date.today()


def ingest(config: Config, seeds_dir: Path | None = None, content_dir: Path | None = None,
           dry_run: bool = False, today: dt.date | None = None) -> Report:
    """Ingest every seed; problems with one seed are reported and the others go on. `today` is the
    day an article written now entered the briefing (its `added:`); by default, clock().

    Seeds are processed on all cores; their results are applied here one seed at a time, in a fixed
    order, so the files written do not depend on which worker finished first.
    """
    named = seeds_dir is not None
    seeds_dir = seeds_dir or config.seeds_dir
    content_dir = content_dir or config.content_dir
    report = Report()
    if not seeds_dir.is_dir():
        # A briefing of hand-written articles has none: only a folder asked for by name is missed.
        if not named and not seeds_dir.exists():
            report.notes.append(f"{seeds_dir}: no seeds folder, nothing to ingest")
        else:
            report.problems.append(BuilderError("no seeds folder", seeds_dir))
        return report
    run = _Run(config, content_dir, dry_run, report, today or clock())
    # Seeds ingested before go first, so a story they hold keeps its file when a new dump repeats it.
    known = {entry.get("seed") for entry in run.ledger.values()}
    seeds = sorted(seed_files(seeds_dir), key=lambda p: (p.name not in known, p.name))
    # Seeds ingested before and unchanged since come from the cache: only their results are replayed.
    results = PerFile(config.cache_dir / SEEDS, _results_key(config))
    _apply(run, ordered(_remembered, (config, results), seeds, at_least=PARALLEL_FROM))
    run.finish()
    if seeds_dir == config.seeds_dir:
        results.keep_only(seeds)
    return report


def _apply(run: _Run, results) -> None:
    for result in results:
        if result.problem:
            run.report.problems.append(result.problem)
        if result.note:
            run.report.notes.append(result.note)
        for article, sketch, text in result.articles:
            run.put(article, sketch, text)
