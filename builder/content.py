"""The curator's source of truth: Markdown files with YAML front matter under `content/`, read into
frozen `Article` records and written back deterministically."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import sys
from collections.abc import Callable
from dataclasses import MISSING, dataclass, field, fields, replace
from pathlib import Path, PurePath
from typing import Any
from urllib.parse import urlsplit

import yaml

from builder.config import SLUG
from builder.errors import BuilderError
from builder.files import decode, read_bytes

try:  # libyaml is much faster; fall back to the pure-Python classes where it is missing
    from yaml import CSafeDumper as _Dumper, CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeDumper as _Dumper, SafeLoader as _Loader  # type: ignore[assignment]  # same interface

ARTICLES = "articles"
DOSSIERS = "dossiers"
PEOPLE = "people"
STATUSES = ("published", "unfiled", "rejected")


@dataclass(frozen=True)
class Source:
    file: str
    lines: tuple[int, int]
    sha256: str

    def as_yaml(self) -> dict[str, Any]:
        return {"file": self.file, "lines": list(self.lines), "sha256": self.sha256}


def _strings(name: str, value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or not all(isinstance(v, (str, int, float)) for v in value):
        raise ValueError(f"'{name}' must be a list of text")
    return tuple(str(v) for v in value)


def _title(name: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"'{name}' is required and must be text")
    return value.strip()


def _line(name: str, value: Any) -> str | None:
    """A short text; None where the key is empty."""
    return str(value).strip() if value not in (None, "") else None


def _text(name: str, value: Any) -> str:
    """A text; "" where the key is empty."""
    return _line(name, value) or ""


def _date(name: str, value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"'{name}' must be YYYY-MM-DD or empty, got {value!r}") from None


def _url(name: str, value: Any) -> str | None:
    """An address of the original on the web: http(s) only, as pages link it (never `javascript:`)."""
    if value in (None, ""):
        return None
    text = str(value).strip()
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or any(c.isspace() for c in text):
        raise ValueError(f"'{name}' must be an http:// or https:// address, got {value!r}")
    return text


def _flag(name: str, value: Any) -> bool:
    if value in (None, ""):
        return False
    if not isinstance(value, bool):
        raise ValueError(f"'{name}' must be true or false, got {value!r}")
    return value


def host(url: str) -> str:
    """An address's host less `www.` (url: holds only addresses that have one)."""
    return (urlsplit(url).hostname or "").removeprefix("www.")


def _status(name: str, value: Any) -> str | None:
    if value is not None and value not in STATUSES:
        raise ValueError(f"'{name}' must be one of {', '.join(STATUSES)}, got {value!r}")
    return value


def _mapping(name: str, value: Any) -> dict[str, Any]:
    value = value or {}
    if not isinstance(value, dict):
        raise ValueError(f"'{name}' must be a mapping")
    return value


def _source(value: Any) -> Source:
    if not isinstance(value, dict) or not {"file", "lines", "sha256"} <= value.keys():
        raise ValueError("'source' must have file, lines: [first, last] and sha256")
    lines = value["lines"]
    if not (isinstance(lines, list) and len(lines) == 2 and all(isinstance(n, int) for n in lines)):
        raise ValueError("'source.lines' must be [first, last]")
    return Source(str(value["file"]), (lines[0], lines[1]), str(value["sha256"]))


def _one_source(name: str, value: Any) -> Source | None:
    return _source(value) if value else None


def _sources(name: str, value: Any) -> tuple[Source, ...]:
    if not value:
        return ()
    if not isinstance(value, list):
        raise ValueError(f"'{name}' must be a list of sources")
    return tuple(_source(s) for s in value)


def _filled(value: Any) -> bool:
    return value not in (None, [], {}, "")


@dataclass(frozen=True)
class Key:
    """How an `Article` field is read from its front matter key and written back. `parse` gets the
    key's name and YAML value (None for a required key the file lacks) and raises ValueError saying
    what is wrong; `write` gives the YAML value, which is written when `written` says so."""
    parse: Callable[[str, Any], Any]
    write: Callable[[Any], Any] = lambda value: value
    written: Callable[[Any], bool] = _filled
    shared: bool = False    # a short text many articles repeat (see shared())


def _key(parse: Callable[[str, Any], Any], **options: Any) -> dict[str, Key]:
    """A dataclass field's metadata making it a front matter key."""
    return {"key": Key(parse, **options)}


@dataclass(frozen=True)
class Article:
    """An article file's front matter and body. A field with a `_key` is a front matter key, written
    in this order; its default is the value when the file lacks it (no default: the key is required)."""
    # Relative to the content folder, POSIX. A string: unpickling a Path from the parse cache is
    # slow, and it happens for every article at every build.
    path: str
    title: str = field(metadata=_key(_title))
    body: str                           # Markdown
    date: dt.date | None = field(default=None, metadata=_key(_date, written=lambda value: True))
    date_source: str | None = field(default=None, metadata=_key(_line, shared=True))
    # The day the article first entered content/ (ingest writes it once): its edition's day.
    added: dt.date | None = field(default=None, metadata=_key(_date))
    publisher: str | None = field(default=None, metadata=_key(_line, shared=True))
    url: str | None = field(default=None, metadata=_key(_url))             # the original on the web
    url_source: str | None = field(default=None, metadata=_key(_line, shared=True))   # where url came from
    wire: str | None = field(default=None, metadata=_key(_line, shared=True))
    dateline: str | None = field(default=None, metadata=_key(_line, shared=True))
    summary: str = field(default="", metadata=_key(_text))
    note: str = field(default="", metadata=_key(_text))        # the curator's: why it matters
    key_points: tuple[str, ...] = field(default=(), metadata=_key(_strings, write=list))
    people: tuple[str, ...] = field(default=(), metadata=_key(_strings, write=list, shared=True))
    # None: the file does not say, classify at load
    dossiers: tuple[str, ...] | None = field(default=None, metadata=_key(
        _strings, write=lambda value: None if value is None else list(value),
        written=lambda value: value is not None, shared=True))
    classification: dict[str, Any] = field(default_factory=dict, metadata=_key(_mapping, shared=True))
    status: str | None = field(default=None, metadata=_key(_status, shared=True))  # None: derived from dossiers
    review: tuple[str, ...] = field(default=(), metadata=_key(_strings, write=list, shared=True))
    featured: bool = field(default=False, metadata=_key(_flag, written=bool))   # the front page's lead
    source: Source | None = field(default=None, metadata=_key(  # None: written by hand
        _one_source, write=lambda value: value.as_yaml() if value else None))
    other_sources: tuple[Source, ...] = field(default=(), metadata=_key(
        _sources, write=lambda value: [s.as_yaml() for s in value]))
    id: str = field(default="", metadata=_key(_text))
    extra: dict[str, Any] = field(default_factory=dict)  # curator keys ingest does not know
    # A hash of the file it was read from (path and text), which decides every field above but
    # the filing: the build fingerprints articles with it instead of hashing each one's repr.
    digest: str = field(default="", compare=False, repr=False)
    # The same for its front matter alone: what pages listing or linking the article show of it.
    head: str = field(default="", compare=False, repr=False)

    @property
    def url_host(self) -> str | None:
        """The host of `url` less `www.`, which names the original when no publisher does."""
        return host(self.url) if self.url else None

    @property
    def own_slug(self) -> str | None:
        """The curator's `slug:` as written (parse_article checked it), or None."""
        value = self.extra.get("slug")
        return None if value in (None, "") else str(value)

    def front_matter(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, key in FIELDS.items():
            value = key.write(getattr(self, name))
            if key.written(value):
                out[name] = value
        out.update(self.extra)
        return out


# The front matter keys in the order ingest writes them; a curator may add others, which are kept.
FIELDS: dict[str, Key] = {f.name: f.metadata["key"] for f in fields(Article) if "key" in f.metadata}
_REQUIRED = frozenset(f.name for f in fields(Article) if f.name in FIELDS
                      and f.default is MISSING and f.default_factory is MISSING)


def shared(article: Article) -> Article:
    """The article with the short texts every article repeats (publisher, status, names, matched
    terms) shared rather than copied: for articles parsed in a worker process,
    whose texts arrive as copies. The parse cache then pickles each text once per shard."""
    state = {name: _interned(value) for name, key in FIELDS.items()
             if key.shared and (value := getattr(article, name))}
    return replace(article, **state)


def _interned(value: Any) -> Any:
    if isinstance(value, dict):
        return {sys.intern(k) if isinstance(k, str) else k: _interned(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return tuple(map(_interned, value))
    return sys.intern(value) if isinstance(value, str) else value


_PLAIN = re.compile(r"^[A-Za-z][\w ,.’‘“”–—()/&%+-]*$")
_UNPRINTABLE = re.compile("[\x7f-\x9f\u2028\u2029\ufffe\uffff]")  # incl. YAML line breaks
_RESERVED = frozenset("y n yes no on off true false null".split())


def _scalar(value: Any) -> str:
    """One YAML scalar: plain where that is unambiguous, else a double-quoted (JSON) string."""
    if type(value) is not str:  # noqa: E721 -- most values are text: test for it first, and fast
        if value is None:
            return "null"
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (int, float, dt.date)):
            return value.isoformat() if isinstance(value, dt.date) else repr(value)
    text = str(value)
    if _PLAIN.match(text) and text.casefold() not in _RESERVED and not text.endswith(" ") \
            and " #" not in text:
        return text
    # JSON escapes control characters; YAML also refuses (or folds) DEL, C1 controls, line separators.
    return _UNPRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(text, ensure_ascii=False))


def _emit(name: str, value: Any, pad: str, out: list[str]) -> None:
    """Block-style YAML for the shapes ingest writes: scalars, lists, nested mappings."""
    head = f"{pad}{_scalar(name)}:"
    if isinstance(value, dict):
        if not value:
            out.append(f"{head} {{}}")
            return
        out.append(head)
        for k, v in value.items():
            _emit(k, v, pad + "  ", out)
    elif isinstance(value, list):
        if not value:
            out.append(f"{head} []")
            return
        out.append(head)
        for item in value:
            if isinstance(item, dict):
                lines: list[str] = []
                for k, v in item.items():
                    _emit(k, v, pad + "  ", lines)
                out.append(f"{pad}- " + lines[0][len(pad) + 2:])
                out.extend(lines[1:])
            else:
                out.append(f"{pad}- {_scalar(item)}")
    else:
        out.append(f"{head} {_scalar(value)}")


def dump(article: Article) -> str:
    """The file text for `article`: `---` front matter `---`, a blank line, the body."""
    out: list[str] = []
    for name, value in article.front_matter().items():
        if name in article.extra:  # a curator's own key: any YAML shape, so the general dumper
            out.append(yaml.dump({name: value}, Dumper=_Dumper, allow_unicode=True, width=100,
                                 default_flow_style=False).rstrip("\n"))
        else:
            _emit(name, value, "", out)
    meta = "\n".join(out)
    return f"---\n{meta}\n---\n\n{article.body.strip()}\n"


def sha256(data: bytes | str) -> str:
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()


_FENCE = re.compile(r"^---[ \t]*$", re.M)


class _Alias(yaml.YAMLError):
    """An alias in front matter: where it is, for the message."""


class _NoAliases(_Loader):
    """The loader refusing aliases: each repeats a whole value, so a few hundred bytes of nested
    ones make billions of values for whatever walks them next (repr, the cache's pickles, pages)."""

    def construct_object(self, node, deep=False):
        if node in self.constructed_objects:   # a node met again: only an alias leads back to one
            raise _Alias()
        return super().construct_object(node, deep)


def _first_alias(text: str) -> yaml.AliasEvent:
    return next(e for e in yaml.parse(text, Loader=_Loader) if isinstance(e, yaml.AliasEvent))


def split_front_matter(text: str, path: Path) -> tuple[dict[str, Any], str]:
    """(front matter, body); errors name the file and line."""
    if text.startswith("\ufeff"):
        text = text[1:]
    text = text.replace("\r\n", "\n")
    if not text.startswith("---"):
        return {}, text
    match = _FENCE.search(text, 3)
    first = text.find("\n") + 1
    if not _FENCE.match(text, 0) or match is None:
        raise BuilderError("front matter starts with '---' but has no closing '---'", path, 1)
    block = text[first:match.start()]
    try:
        # An alias needs an anchor (`&name`): without a `&`, the faster loader is as safe.
        meta = yaml.load(block, Loader=_NoAliases if "&" in block else _Loader)
    except _Alias:
        alias = _first_alias(block)
        raise BuilderError(f"front matter: an alias (*{alias.anchor}) is not allowed; write the value out",
                           path, alias.start_mark.line + 2 if alias.start_mark else None) from None
    except yaml.YAMLError as exc:
        # An unclosed bracket or quote is noticed lines later: point at where it was opened.
        mark = getattr(exc, "context_mark", None) or getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise BuilderError(f"front matter: {problem}", path, mark.line + 2 if mark else 1) from None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise BuilderError("front matter must be a mapping of keys to values", path, 2)
    return meta, text[match.end():].lstrip("\n")


def line_of(text: str, key: str) -> int:
    """The line of a top-level front matter key, for error messages."""
    match = re.search(rf"^{re.escape(key)}\s*:", text, re.M)
    return text.count("\n", 0, match.start()) + 1 if match else 1


def _check_slug(slug: str) -> None:
    """A curator's `slug:` is the page's folder as written, or refused: never changed to fit."""
    if not SLUG.fullmatch(slug):
        raise ValueError("'slug' must be lower-case letters and digits in words joined by '-', such as "
                         f"'year-end-2'; got {slug!r}")
    if len(slug) > 255:
        raise ValueError(f"'slug' is {len(slug)} characters long; a folder name may have 255")


def parse_article(text: str, path: Path, rel: str | PurePath) -> Article:
    """Build an Article from a file's text; `path` is for messages, `rel` is kept in the record."""
    rel = rel if isinstance(rel, str) else rel.as_posix()
    meta, body = split_front_matter(text, path)
    head = hashlib.sha256(f"{rel}\x00{meta!r}".encode()).hexdigest()
    values: dict[str, Any] = {}
    name = ""
    try:
        for name, key in FIELDS.items():
            if name in meta or name in _REQUIRED:
                values[name] = key.parse(name, meta.pop(name, None))
        name = "slug"
        if meta.get("slug") not in (None, ""):
            _check_slug(str(meta["slug"]))
    except ValueError as exc:
        raise BuilderError(str(exc), path, line_of(text, name)) from None
    return Article(path=rel, body=body, extra=meta, head=head,
                   digest=hashlib.sha256(f"{rel}\x00{text}".encode()).hexdigest(), **values)


def read_file(content_dir: Path, rel: Path | str, project: Path | None = None) -> bytes:
    """A content file's bytes; a BuilderError naming the file when it cannot be read, or is a link
    leading outside `content_dir` and `project` (the project folder)."""
    path = content_dir / rel
    try:
        return read_bytes(path, (content_dir, project) if project else (content_dir,))
    except OSError as exc:
        raise BuilderError(f"cannot read: {exc.strerror}", path) from None


def read_text(content_dir: Path, rel: Path | str, project: Path | None = None) -> str:
    """A content file's text (read_file, decoded)."""
    return decode(read_file(content_dir, rel, project), content_dir / rel)


def read_article(content_dir: Path, rel: Path | str, project: Path | None = None) -> Article:
    return parse_article(read_text(content_dir, rel, project), content_dir / rel, rel)


def article_files(content_dir: Path) -> list[str]:
    """Every article file, as a POSIX path relative to `content_dir`, in a stable order. Strings,
    not Paths: a Path per file is slow to make on a large archive, and pathlib's rglob is slower still."""
    found: list[tuple[str, ...]] = []
    for folder, _, names in os.walk(content_dir / ARTICLES):
        parts = Path(folder).relative_to(content_dir).parts
        found.extend((*parts, name) for name in names if name.endswith(".md"))
    return ["/".join(parts) for parts in sorted(found)]


@dataclass(frozen=True)
class Page:
    """A non-article content page: the home intro (`_index.md`) or a dossier's intro."""
    path: Path
    title: str
    body: str


def read_page(content_dir: Path, rel: Path, default_title: str, project: Path | None = None) -> Page:
    path = content_dir / rel
    if not path.is_file():
        return Page(rel, default_title, "")
    meta, body = split_front_matter(read_text(content_dir, rel, project), path)
    title = found if isinstance(found := meta.get("title"), str) else default_title
    return Page(rel, title, body)


@dataclass(frozen=True)
class Profile:
    """What `content/people/<slug>.md` tells of the person whose page is `people/<slug>/`: the name to
    show, their role, country and a line of biography (the body), and other spellings of the name."""
    slug: str
    name: str
    role: str = ""
    country: str = ""
    aliases: tuple[str, ...] = ()
    bio: str = ""


_PROFILE_KEYS = ("name", "role", "country", "aliases")


def read_profile(content_dir: Path, rel: str, project: Path | None = None) -> Profile:
    """A person's file read; a BuilderError at the line of what is wrong with it."""
    path = content_dir / rel
    text = read_text(content_dir, rel, project)
    meta, body = split_front_matter(text, path)
    name = ""
    try:
        for name in meta:
            if name not in _PROFILE_KEYS:
                raise ValueError(f"unknown key '{name}' (a person's file has: {', '.join(_PROFILE_KEYS)})")
        name = "name"
        title = _title(name, meta.get(name))
        name = "aliases"
        aliases = _strings(name, meta.get(name))
    except ValueError as exc:
        raise BuilderError(str(exc), path, line_of(text, name)) from None
    return Profile(PurePath(rel).stem, title, _text("role", meta.get("role")), _text("country", meta.get("country")),
                   aliases, " ".join(body.split()))


def profile_files(content_dir: Path) -> list[str]:
    """Every person's file, `people/<slug>.md`, relative to `content_dir`, in order."""
    folder = content_dir / PEOPLE
    return sorted(f"{PEOPLE}/{p.name}" for p in folder.glob("*.md")) if folder.is_dir() else []


def set_keys(text: str, values: dict[str, Any], path: Path) -> str:
    """`text` with the top-level front matter keys in `values` replaced (or appended), every other
    byte of the file kept as the curator wrote it."""
    split_front_matter(text, path)  # refuse to edit a file whose front matter does not parse
    end = _FENCE.search(text, 3)
    assert end is not None, "only a file with front matter gets keys set (split_front_matter checks its fence)"
    head, rest = text[:end.start()], text[end.start():]
    lines = head.split("\n")
    out: list[str] = []
    skipping = False
    for line in lines:
        top = re.match(r"^([A-Za-z_][\w-]*)\s*:", line)
        if top:
            skipping = top.group(1) in values
        elif not line.startswith((" ", "\t", "- ")) and line not in ("", "-"):
            skipping = False  # neither a nested line nor a top-level list item: that key ended
        if not skipping:
            out.append(line)
    while out and out[-1] == "":
        out.pop()
    for name, value in values.items():
        out.append(yaml.dump({name: value}, Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                             width=100, default_flow_style=False).rstrip("\n"))
    return "\n".join(out) + "\n" + rest
