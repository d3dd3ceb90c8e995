"""Full-text search with no server: an inverted index of the articles, written as small JSON shards
under `search/data/` that `assets/search.js` fetches in the reader's browser.

An edit patches only the shards holding the changed article's words (old and new), read back from
the last site, and writes those whose postings changed, so the index costs what changed, not the
size of the archive. Every file is a pure
function of the site: an incremental build writes the same bytes as a clean one.

Files (all JSON):
- `meta.json`: article count and the tokenising rules the browser must follow;
- `terms/<key>.json`: {term: "id:weight,id:weight,..."} (ids sorted) for the terms starting
  with <key> (the first KEY_LENGTH characters; weight = occurrences in the body + TITLE_WEIGHT x
  in the title). Postings are a string, not an object: an edit re-encodes only the terms that
  hold the article, and JSON of long strings is read and written much faster;
- `docs/<id[5:7]>.json`: {doc id: {url, title, date, dossiers, summary}};
- `dossiers/<slug>.json`: the ids of the dossier's articles, for the search page's filter.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import os
import re
import shutil
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from builder.errors import BuilderError
from builder.markdown import first_paragraph_text
from builder.parallel import ordered
from builder.text import words

if TYPE_CHECKING:
    from builder.site import Entry

DATA = "search/data"
KEY_LENGTH = 3          # a term's shard: its first three characters (small shards: an edit rewrites little)
MIN_LENGTH = 2          # single letters ("s" of "Korea's") find nothing useful
TITLE_WEIGHT = 3
# Function words every article has: indexing them would make the largest shards for no answer.
STOPWORDS = frozenset("""a an and are as at be been but by for from had has have he her his in is it
    its of on or she that the their they this to was were which who will with""".split())
_LINK_TARGET = re.compile(r"\]\([^)\s]*(?:\s[^)]*)?\)")   # Markdown link URLs are not the article's words
SEARCH_KEY = "#search "   # manifest: "#search <id>" -> "<article fingerprint> <its shard keys>"
MASS_CHANGE = 256       # more changed articles than this (and an eighth of all): write the index afresh
SUMMARY = 300            # characters of the lede shown under a result, for articles without a summary
FORMAT = 3              # of the files; with the constants above, the rules of the index (_RULES)
RULES_KEY = "#search-rules"   # manifest: an index written by other rules is written afresh, not patched


_B32 = "abcdefghijklmnopqrstuvwxyz234567"
_B32_PAIRS = [a + b for a in _B32 for b in _B32]   # 10 bits at a time


def _hash(url: str) -> str:
    """Lower-case base32 of an 80-bit hash of `url`, as base64.b32encode spells it; that function
    is Python, slower than this, and ran for every article of every build."""
    n = int.from_bytes(hashlib.blake2b(url.encode("utf-8"), digest_size=10).digest(), "big")
    pairs = _B32_PAIRS
    return "".join([pairs[n >> 70], pairs[(n >> 60) & 1023], pairs[(n >> 50) & 1023], pairs[(n >> 40) & 1023],
                    pairs[(n >> 30) & 1023], pairs[(n >> 20) & 1023], pairs[(n >> 10) & 1023], pairs[n & 1023]])


_DAY_ZERO = dt.date(1900, 1, 1).toordinal()


def doc_ids(entries: Iterable) -> dict[str, str]:
    """Per article URL a stable id: its date as five digits (days since 1900; undated 00000) and
    8 characters of its URL's hash, so ids sort by date and the browser orders equal scores newest
    first without fetching a record. Articles whose ids collide take 16 hash characters: an id
    depends only on the set of articles, never on build history."""
    by_short: dict[str, list[tuple[str, str]]] = {}
    for e in entries:
        short, long = _id_forms(e)
        by_short.setdefault(short, []).append((e.url, long))
    return {url: short if len(group) == 1 else long for short, group in by_short.items() for url, long in group}


def _id_forms(entry) -> tuple[str, str]:
    """An article's id, and the longer one it takes when another article has the same."""
    return _ids(entry.url, entry.article.date)


@functools.lru_cache(maxsize=1 << 17)   # serve asks again for every article at every build
def _ids(url: str, date: dt.date | None) -> tuple[str, str]:
    # Clamped to five digits (1900-2173): ids must keep one width to sort by date.
    day = f"{min(max(date.toordinal() - _DAY_ZERO, 1), 99999):05d}" if date else "00000"
    full = day + _hash(url)
    return full[:13], full


def _bucket(doc_id: str) -> str:
    return doc_id[5:7]


def terms(title: str, body: str) -> dict[str, int]:
    """The indexed words of an article and their weights."""
    def counted(text: str) -> Counter:
        # Counted first, then sifted: a word is tested once, not at each of its occurrences.
        found = Counter(words(text))
        for word in [w for w in found if len(w) < MIN_LENGTH or w in STOPWORDS]:
            del found[word]
        return found
    found = counted(_LINK_TARGET.sub(" ", body))
    for word, n in counted(title).items():
        found[word] += TITLE_WEIGHT * n
    return dict(found)


# Names Windows refuses for a file, whatever its extension: a gh-pages checkout there would fail.
_DEVICES = frozenset(["con", "prn", "aux", "nul", *(f"com{n}" for n in range(10)), *(f"lpt{n}" for n in range(10))])


def shard_name(key: str) -> str:
    """A shard's file name: the key itself when plain ASCII, else (or when Windows reserves the
    name) its UTF-8 in hex."""
    return key if key.isascii() and key.isalnum() and key not in _DEVICES else "_" + key.encode("utf-8").hex()


def _dump(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _print(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


_RULES = _print(repr((FORMAT, KEY_LENGTH, MIN_LENGTH, TITLE_WEIGHT, sorted(STOPWORDS), _LINK_TARGET.pattern, SUMMARY)))


# Articles a worker indexes at a time: merging a batch's postings costs an append a term, not one
# a term of each article.
TERMS_BATCH = 64


def _batch_postings(docs: Mapping[str, Entry], batch: list[str]) -> tuple[list[list[str]], dict[str, dict[str, str]]]:
    """Of the articles with the ids in `batch` (in id order; parallel.ordered calls it with `docs`,
    all articles by id, shared): each one's shard keys, and their postings by shard key and term."""
    keys_of: list[list[str]] = []
    by_term: dict[str, list[str]] = {}   # term -> ["id:weight", ...]
    for i in batch:
        weights = terms(docs[i].article.title, docs[i].article.body)
        for term, weight in weights.items():
            held = by_term.get(term)
            if held is None:
                by_term[term] = [f"{i}:{weight}"]
            else:
                held.append(f"{i}:{weight}")
        keys_of.append(sorted({term[:KEY_LENGTH] for term in weights}))
    postings: dict[str, dict[str, str]] = {}
    for term, held in by_term.items():
        postings.setdefault(term[:KEY_LENGTH], {})[term] = ",".join(held)
    return keys_of, postings


def write_index(entries: Iterable, dossiers: Mapping[str, Iterable], prints: Mapping[str, str],
                out_dir: Path, previous: Path | None, manifest: Mapping[str, str], link: bool) -> dict[str, str]:
    """Write the search files that changed since `manifest` (the last build's) into `out_dir`, and
    link the others from `previous` (the last site) when `link`, else leave them out (`out_dir` is
    then staging for the live site). `prints` fingerprints each entry by URL; `dossiers` lists each
    dossier's entries. Returns the manifest entries of the index: its files' digests, and per
    article its fingerprint and shard keys, which tell the next build what to take out."""
    entries = list(entries)
    if previous is None or not (previous / DATA).is_dir() or manifest.get(RULES_KEY) != _RULES:
        manifest = {}   # nothing to read back: everything is written afresh
    try:
        return _write(entries, dossiers, prints, out_dir, previous, manifest, link)
    except (OSError, ValueError) as exc:
        if not manifest:
            raise BuilderError(f"search index: could not write it ({exc})") from None
        # The last site's index is damaged (a file lost or cut short): write it all afresh, after
        # dropping what was linked from it (writing through a link would change the live site).
        shutil.rmtree(out_dir / DATA, ignore_errors=True)
        return _write(entries, dossiers, prints, out_dir, previous, {}, False)


def write_whole_index(entries: Iterable, dossiers: Mapping[str, Iterable], out_dir: Path) -> None:
    """The whole index into `out_dir`, with nothing of a last build to compare with (every article
    counts as changed)."""
    entries = list(entries)
    _write(entries, dossiers, {e.url: "new" for e in entries}, out_dir, None, {}, False)


def _write(entries: list, dossiers: Mapping[str, Iterable], prints: Mapping[str, str], out_dir: Path,
           previous: Path | None, manifest: Mapping[str, str], link: bool) -> dict[str, str]:
    ids = doc_ids(entries)
    docs = {ids[e.url]: e for e in entries}
    old = {key[len(SEARCH_KEY):]: value for key, value in manifest.items() if key.startswith(SEARCH_KEY)}
    changed = sorted(i for i in docs if not old.get(i, "").startswith(prints[docs[i].url][:32]))
    gone = sorted(old.keys() - docs.keys())
    if len(changed) + len(gone) > max(MASS_CHANGE, len(docs) // 8):   # patching would cost more
        manifest, old, changed, gone = {}, {}, sorted(docs), []

    index = _Index(out_dir, previous, manifest, link)
    index.out[RULES_KEY] = _RULES
    for i in docs.keys() - set(changed):
        index.out[SEARCH_KEY + i] = old[i]
    index.articles(docs, changed, gone, prints, old)
    for slug, members in dossiers.items():
        index.emit(f"{DATA}/dossiers/{slug}.json", sorted(ids[e.url] for e in members))
    index.emit(f"{DATA}/meta.json", {"docs": len(docs), "key_length": KEY_LENGTH, "min_length": MIN_LENGTH,
                                     "stopwords": sorted(STOPWORDS)})
    for path, digest in manifest.items():
        if path.startswith((f"{DATA}/terms/", f"{DATA}/docs/")) and path not in index.done:
            index.out[path] = digest
            if link:
                index.relink(path)
    return index.out


def patch_index(entries: Iterable, prints: Mapping[str, str], out_dir: Path, live: Path,
                manifest: Mapping[str, str], known: dict[str, dict]) -> tuple[dict[str, str], list[str]] | None:
    """After an edit to the bodies of `entries` alone (no article added, gone, moved or redated,
    so every article keeps its id): the search files holding them, staged in `out_dir` for the
    `live` site. Returns the manifest entries that changed and the files to remove, or None when
    the last build's index cannot be patched (write_index then writes it). `known` holds index
    files already read or written, by digest, and gets those of this patch: an editor in `serve`
    saves the same article again and again, and reading its files anew was much of each rebuild."""
    if manifest.get(RULES_KEY) != _RULES:
        return None
    docs: dict[str, Entry] = {}
    for e in entries:
        i = next((i for i in _id_forms(e) if SEARCH_KEY + i in manifest), None)
        if i is None:
            return None
        docs[i] = e
    old = {i: manifest[SEARCH_KEY + i] for i in docs}
    changed = sorted(i for i in docs if not old[i].startswith(prints[docs[i].url][:32]))
    if len(known) > KNOWN_FILES:
        known.clear()
    index = _Index(out_dir, live, manifest, link=False, known=known)
    try:
        index.articles(docs, changed, [], prints, old)
    except (OSError, ValueError):
        return None   # the last site's index is damaged: written afresh
    return index.out, sorted(index.done - index.out.keys())


KNOWN_FILES = 4096   # parsed index files patch_index keeps (a bound, so serve's memory stays flat)


class _Index:
    """Writes the index files a build changes; `out` gets their manifest entries, `done` every
    file decided on (written, kept, or to go); `known`, if given, the files' contents by digest."""

    def __init__(self, out_dir: Path, previous: Path | None, manifest: Mapping[str, str], link: bool,
                 known: dict[str, dict] | None = None):
        self.out_dir, self.previous, self.manifest, self.link = out_dir, previous, manifest, link
        self.known = known
        self.out: dict[str, str] = {}
        self.done: set[str] = set()

    def read(self, path: str) -> dict:
        """The last build's version of an index file, if it wrote one: a copy, to change at will."""
        digest = self.manifest.get(path)
        if self.previous is None or digest is None:
            return {}
        if self.known is not None and digest in self.known:
            return dict(self.known[digest])
        with open(self.previous / path, encoding="utf-8") as f:
            value = json.load(f)
        if not isinstance(value, dict) or not all(isinstance(v, (str, dict)) for v in value.values()):
            raise ValueError(f"{path} is not an index file")   # damaged: the index is written afresh
        if self.known is not None:
            self.known[digest] = dict(value)
        return value

    def relink(self, path: str) -> None:
        """The last build's file at `path`, unchanged, into the new site."""
        assert self.previous is not None, "a file in the manifest is in the last site"
        _link(self.previous / path, self.out_dir / path)

    def emit(self, path: str, content: object) -> None:
        """Write a file of the index unless it is as the last build left it (then link it)."""
        self.done.add(path)
        if content is None:
            return    # an empty shard or bucket: the file goes
        text = _dump(content)
        self.out[path] = _print(text)
        if self.known is not None and isinstance(content, dict):
            self.known[self.out[path]] = content
        if self.manifest.get(path) == self.out[path]:
            if self.link:
                self.relink(path)
            return
        (self.out_dir / path).parent.mkdir(parents=True, exist_ok=True)
        (self.out_dir / path).write_text(text, encoding="utf-8")

    def articles(self, docs: Mapping[str, Entry], changed: list[str], gone: list[str], prints: Mapping[str, str],
                 old: Mapping[str, str]) -> None:
        """The `changed` articles' postings and records in, the `gone` ones' (and the old
        postings of the changed) out, in the term shards and record buckets holding them."""
        manifest, out = self.manifest, self.out
        # Postings of the changed articles, as bytes appended in id order (a clean build holds the
        # whole index here: a dict per term would take several times the memory).
        added: dict[str, dict[str, bytearray]] = {}   # shard key -> term -> b"id:weight,..."
        batches = [changed[n:n + TERMS_BATCH] for n in range(0, len(changed), TERMS_BATCH)]
        for batch, (keys_of, found) in zip(batches, ordered(_batch_postings, docs, batches, at_least=4,
                                                             chunksize=1)):
            for i, keys in zip(batch, keys_of):
                out[SEARCH_KEY + i] = " ".join([prints[docs[i].url][:32], *keys])
            for key, by_term in found.items():
                grown = added.get(key)
                if grown is None:
                    grown = added[key] = {}
                for term, appended in by_term.items():
                    held = grown.get(term)
                    if held is None:
                        grown[term] = bytearray(appended.encode())
                    else:
                        held += b"," + appended.encode()
        stale = set(changed) | set(gone)
        holding: dict[str, list[str]] = {}   # shard key -> the stale articles the last build put in it
        for i in stale:
            for key in old.get(i, "").split(" ")[1:]:
                added.setdefault(key, {})
                holding.setdefault(key, []).append(i)

        for key in sorted(added):
            path = f"{DATA}/terms/{shard_name(key)}.json"
            shard = self.read(path)
            new = added.pop(key)
            out_of = holding.get(key, ())   # not every stale article: a clean build would cost terms x articles
            same = True
            for term in shard.keys() | new.keys():
                postings = before = shard.get(term, "")
                for i in out_of:
                    if i in postings:
                        postings = _without(postings, i)
                if term in new:
                    postings = _with(postings, new[term].decode())
                same = same and postings == before
                if postings:
                    shard[term] = postings
                else:
                    shard.pop(term, None)
            if same and path in manifest:
                # An edited article's words here weigh as before (most of its shards, for an edit of
                # a sentence): the file stands, not encoded again (a common word's shard is large).
                self.done.add(path)
                out[path] = manifest[path]
                if self.link:
                    self.relink(path)
                continue
            self.emit(path, shard or None)
        by_bucket: dict[str, list[str]] = {}
        for i in stale:
            by_bucket.setdefault(_bucket(i), []).append(i)
        for bucket, members in sorted(by_bucket.items()):
            path = f"{DATA}/docs/{bucket}.json"
            records = {i: r for i, r in self.read(path).items() if i not in stale}
            records.update((i, _record(docs[i])) for i in members if i in docs)
            self.emit(path, records or None)


def _without(postings: str, doc_id: str) -> str:
    """`postings` ("id:weight,...") without the article's entry, by string search: a few calls in
    C instead of parsing thousands of entries to take one out."""
    at = postings.find(doc_id + ":")
    while at > 0 and postings[at - 1] != ",":
        at = postings.find(doc_id + ":", at + 1)
    if at < 0:
        return postings
    end = postings.find(",", at)
    return postings[:max(at - 1, 0)] if end < 0 else postings[:at] + postings[end + 1:]


def _posting_id(posting: str) -> str:
    return posting.partition(":")[0]


def _with(postings: str, added: str) -> str:
    """`postings` merged with `added` ("id:weight,..." both, in id order, no id in both): each added
    entry's place is found by a binary search in the string, which is sliced once; splitting the
    postings of a word in half the articles cost more than the rest of an edit's index update."""
    if not postings:
        return added
    out, at, end = [], 0, len(postings)
    for posting in added.split(","):
        place = _place(postings, _posting_id(posting), at)
        out.append(postings[at:place])              # up to the comma before the entry at `place`
        out.append(posting + "," if place < end else "," + posting)
        at = place
    out.append(postings[at:])
    return "".join(out)


def _place(postings: str, doc_id: str, lo: int) -> int:
    """Where the entry for `doc_id` goes in `postings`: the start of the first entry from offset
    `lo` (an entry's start) on with a greater id, or the end."""
    hi = len(postings)
    while lo < hi:   # lo and hi are entry starts (or the end), and the place lies between them
        mid = (lo + hi) // 2
        comma = postings.rfind(",", lo, mid)
        start = comma + 1 if comma >= 0 else lo     # of the entry holding offset `mid`
        if postings[start:postings.find(":", start)] < doc_id:
            after = postings.find(",", start)
            lo = hi if after < 0 else after + 1
        else:
            hi = start
    return lo


def _record(entry) -> dict[str, object]:
    a = entry.article
    return {"url": entry.url, "title": a.title, "date": a.date.isoformat() if a.date else None,
            "dossiers": list(a.dossiers or ()), "summary": a.summary or _lede(a.body)}


def _lede(body: str) -> str:
    """The body's first paragraph as plain text, for a result's summary, at most SUMMARY long."""
    lede = first_paragraph_text(body)
    return lede if len(lede) <= SUMMARY else lede[:SUMMARY].rsplit(" ", 1)[0] + "…"


def _link(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    os.link(source, target)
