"""The typed schema of `config.yaml`: unknown keys are errors, every problem is reported at once
with its line, and dossier queries are compiled while the file loads."""

from __future__ import annotations

import re
from collections import ChainMap
from collections.abc import Callable, Mapping
from copy import copy
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import yaml

from builder.errors import BuilderError, BuilderErrors
from builder.files import decode, read_bytes
from builder.query import Query, QuerySyntaxError, compile_query
from builder.text import key

CADENCES = ("daily", "weekly")
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")   # whole: fullmatch (a `$` lets a final newline through)

_REQUIRED = object()
_Read = Callable[["_Reader", yaml.Node, Mapping[str, Any]], Any]


@dataclass(frozen=True)
class Setting:
    """Where a field is in config.yaml and how it is read: `parse` checks a single value (a
    ValueError says what is wrong), or `read` reads any node itself, telling the reader its problems."""
    name: str                   # its key
    section: str                # the top-level key it is under, or ""
    default: Any                # the value when the key is missing; _REQUIRED: an error
    parse: Callable[[Any], Any] | None = None
    read: _Read | None = None


def setting(key: str, parse: Callable[[Any], Any], default: Any = _REQUIRED) -> Any:
    """A dataclass field read from `key` (`section.key` for one in a section) by `parse`."""
    section, _, name = key.rpartition(".")
    return field(metadata={"setting": Setting(name, section, default, parse=parse)})


def structure(key: str, read: _Read, default: Any = _REQUIRED) -> Any:
    """A dataclass field read from the node at `key` by `read`."""
    return field(metadata={"setting": Setting(key, "", default, read=read)})


def settings(kind: type) -> list[tuple[str, Setting]]:
    """(field name, setting) of each field of `kind` read from config.yaml, in the fields' order."""
    return [(f.name, f.metadata["setting"]) for f in fields(kind) if "setting" in f.metadata]


def sections(kind: type) -> list[str]:
    """The top-level keys holding some of `kind`'s keys, in the order of its fields."""
    return list(dict.fromkeys(s.section for _, s in settings(kind) if s.section))


def keys(kind: type, section: str = "") -> set[str]:
    """The keys `kind` reads in `section` ("": at the top level, its sections too)."""
    found = {s.name for _, s in settings(kind) if s.section == section}
    return found | set(sections(kind)) if not section else found


class _Reader:
    """Walks a composed YAML node tree, collecting every problem instead of stopping at the first."""

    def __init__(self, path: Path):
        self.path = path
        self.errors: list[BuilderError] = []

    def error(self, node: yaml.Node, message: str) -> None:
        self.errors.append(BuilderError(message, self.path, node.start_mark.line + 1))

    def mapping(self, node: yaml.Node, what: str, allowed: set[str]) -> dict[str, yaml.Node]:
        if not isinstance(node, yaml.MappingNode):
            self.error(node, f"{what} must be a mapping")
            return {}
        out: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            key = key_node.value
            if key not in allowed:
                self.error(key_node, f"unknown key '{key}' in {what} (expected one of: {', '.join(sorted(allowed))})")
            elif key in out:
                self.error(key_node, f"duplicate key '{key}' in {what}")
            else:
                out[key] = value_node
        return out

    def record(self, kind: type, sections: dict[str, dict[str, yaml.Node]], where: yaml.Node,
               outer: Mapping[str, Any]) -> dict[str, Any]:
        """The values of `kind`'s settings from the nodes of each section ("": the top level), by
        field name; a missing required key is told at `where`. A `read` is given the values read
        before it, over `outer`'s."""
        values: dict[str, Any] = {}
        for name, s in settings(kind):
            node = sections.get(s.section, {}).get(s.name)
            fallback = None if s.default is _REQUIRED else s.default
            if node is None:
                if s.default is _REQUIRED:
                    self.error(where, f"missing required key '{s.name}'")
                values[name] = copy(fallback)  # a default {} of its own for each config
            elif s.read is not None:
                values[name] = s.read(self, node, ChainMap(values, dict(outer)))
            elif s.parse is not None:
                values[name] = self.scalar(node, s.name, s.parse, fallback)
        return values

    def scalar(self, node: yaml.Node, name: str, parse: Callable[[Any], Any], fallback: Any) -> Any:
        """The single value at `node` of the key `name`, parsed; `fallback` if it is wrong."""
        if not isinstance(node, yaml.ScalarNode) or node.tag.endswith(":null"):
            self.error(node, f"'{name}' must be a single value")
            return fallback
        try:
            return parse(yaml.safe_load(yaml.serialize(node)))
        except (TypeError, ValueError) as exc:
            self.error(node, f"'{name}': {exc}")
            return fallback


def _positive_int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"expected a whole number of at least 1, got {value!r}")
    return value


def _non_negative_int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"expected a whole number of at least 0, got {value!r}")
    return value


def _megabytes(value: Any) -> int:
    return _positive_int(value) * 1024 * 1024


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"must be text, got {value!r}")
    if not value.strip():
        raise ValueError("must not be empty")
    return value.strip()


def _cadence(value: Any) -> str:
    if value not in CADENCES:
        raise ValueError(f"must be one of {', '.join(CADENCES)}, got {value!r}")
    return value


def _address(value: Any) -> str:
    """A mail address, optionally with a name: `Briefing <editions@example.org>`."""
    text = _text(value)
    if not re.fullmatch(r"(?:[^<>@\n]+<)?[^<>@\s]+@[^<>@\s]+\.[^<>@\s]+>?", text) or text.count("<") != text.count(">"):
        raise ValueError(f"must be a mail address, such as 'Briefing <editions@example.org>', got {value!r}")
    return text


def _folder(value: Any) -> Path:
    """A folder, relative to config.yaml's (load_config resolves every Path)."""
    return Path(_text(value))


def normalise_base_url(value: str) -> str:
    """`https://x.org/briefing` and `/briefing` both become prefixes ending in `/`."""
    value = value.strip()
    if not value:
        return "/"
    if not re.match(r"^(https?://[^/\s]+)?(/[^\s]*)?$", value):
        raise ValueError(f"base_url must be an http(s) URL or a path starting with '/', got {value!r}")
    return value if value.endswith("/") else value + "/"


def _query_line(node: yaml.ScalarNode, offset: int) -> int:
    """The file line of character `offset` of a query scalar (block scalars start on the next line)."""
    first = node.start_mark.line + (1 if node.style in ("|", ">") else 0)
    return first + 1 + node.value.count("\n", 0, offset) if node.style == "|" else first + 1


def _query(r: _Reader, node: yaml.Node, values: Mapping[str, Any]) -> Query | None:
    """A dossier's query, compiled with the config's `title_weight`."""
    if not isinstance(node, yaml.ScalarNode):
        r.error(node, "'query' must be text")
        return None
    try:
        return compile_query(node.value, title_weight=values["title_weight"] or 0)
    except QuerySyntaxError as exc:
        r.errors.append(BuilderError(f"dossier '{values['slug']}': {exc.display(node.value)}", r.path,
                                     _query_line(node, exc.offset)))
        return None


def _slug(r: _Reader, node: yaml.Node, values: Mapping[str, Any]) -> str | None:
    """A dossier's slug, which no dossier before it (`values["taken"]`) has."""
    slug = r.scalar(node, "slug", _text, None)
    if slug is not None and not SLUG.fullmatch(slug):
        r.error(node, f"dossier slug '{slug}' must be lower-case words joined by '-'")
    elif slug is not None and slug in values["taken"]:
        r.error(node, f"duplicate dossier slug '{slug}'")
    return slug


def _dossiers(r: _Reader, node: yaml.Node, values: Mapping[str, Any]) -> tuple[Dossier, ...]:
    if not isinstance(node, yaml.SequenceNode) or not node.value:
        r.error(node, "'dossiers' must be a non-empty list")
        return ()
    dossiers: list[Dossier] = []
    taken: set[str] = set()
    for item in node.value:
        d = r.record(Dossier, {"": r.mapping(item, "dossier", keys(Dossier))}, item,
                     ChainMap({"taken": taken}, dict(values)))
        if d["slug"] is not None:
            taken.add(d["slug"])
        dossiers.append(Dossier(**d))  # with None where a value was wrong, for a config refused
    return tuple(dossiers)


def _people(r: _Reader, node: yaml.Node, values: Mapping[str, Any]) -> dict[str, str]:
    """`people:` maps a person's name to the other spellings pages use for them."""
    out: dict[str, str] = {}
    if not isinstance(node, yaml.MappingNode):
        r.error(node, "'people' must map a name to a list of other spellings")
        return out
    for name_node, aliases in node.value:
        name = name_node.value.strip() if isinstance(name_node, yaml.ScalarNode) else ""
        if not name:
            r.error(name_node, "a person's name must be text")
            continue
        if not isinstance(aliases, yaml.SequenceNode) or not all(
                isinstance(a, yaml.ScalarNode) and a.value.strip() for a in aliases.value):
            r.error(aliases, f"'{name}': expected a list of other spellings, like [Zelenskyy, Volodymyr Zelenskyy]")
            continue
        for alias in [name, *(a.value for a in aliases.value)]:
            if key(alias) in out and out[key(alias)] != name:
                r.error(aliases, f"'{alias}' is listed for both '{out[key(alias)]}' and '{name}'")
            out[key(alias)] = name
    return out


# The schema: each field with a setting is a key of config.yaml, read (and its errors told) in the
# fields' order; a key no field names is an error.

@dataclass(frozen=True)
class Dossier:
    slug: str = structure("slug", _slug)
    query: Query = structure("query", _query)
    title: str = setting("title", _text)
    description: str = setting("description", _text, "")
    min_score: int = setting("min_score", _positive_int, 1)


@dataclass(frozen=True)
class Config:
    path: Path                  # the config file; relative folders below are resolved against its folder
    title: str = setting("title", _text, "Briefing")
    description: str = setting("description", _text, "")
    base_url: str = setting("base_url", normalise_base_url, "/")  # absolute URL or path prefix, always ending in "/"
    language: str = setting("language", _text, "en")
    seeds_dir: Path = setting("paths.seeds", _folder, Path("seeds"))
    content_dir: Path = setting("paths.content", _folder, Path("content"))
    templates_dir: Path = setting("paths.templates", _folder, Path("templates"))
    output_dir: Path = setting("paths.output", _folder, Path("site"))
    cache_dir: Path = setting("paths.cache", _folder, Path(".cache"))
    max_seed_bytes: int = setting("ingest.max_seed_mb", _megabytes, 20 * 1024 * 1024)
    title_weight: int = setting("classify.title_weight", _non_negative_int, 3)
    latest: int = setting("site.latest", _positive_int, 5)  # headlines per dossier on the home page
    # headlines on a dossier's or person's page; a longer timeline gets a page per year
    page_size: int = setting("site.page_size", _positive_int, 50)
    cname: str | None = setting("site.cname", _text, None)
    editions: str = setting("editions", _cadence, "daily")    # an edition a day, or an ISO week
    mail_from: str | None = setting("mail.from", _address, None)   # editions' e-mail; None: from base_url
    dossiers: tuple[Dossier, ...] = structure("dossiers", _dossiers)
    # an alias's key() -> the person's name as the curator writes it
    people: dict[str, str] = structure("people", _people, {})

    @property
    def root(self) -> Path:
        """The project folder (config.yaml's): an input file may be a link to anywhere inside it."""
        return self.path.parent

    @property
    def sources(self) -> list[Path]:
        """Everything a site is built from: what serve watches and publish wants committed."""
        return [self.content_dir, self.seeds_dir, self.templates_dir, self.path]

    def dossier(self, slug: str) -> Dossier | None:
        return next((d for d in self.dossiers if d.slug == slug), None)


def load_config(path: str | Path, base_url: str | None = None) -> Config:
    """Read and validate `config.yaml`; `base_url` overrides the file's (command line, CI)."""
    path = Path(path)
    try:
        text = decode(read_bytes(path, None), path)
    except FileNotFoundError:
        raise BuilderError("no config file (run from the project folder or pass --config)", path) from None
    except OSError as exc:
        raise BuilderError(f"cannot read config: {exc.strerror}", path) from None
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        # An unclosed bracket or quote is noticed lines later: point at where it was opened.
        mark = getattr(exc, "context_mark", None) or getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise BuilderError(f"invalid YAML: {problem}", path, mark.line + 1 if mark else None) from None
    if root is None:
        raise BuilderError("config file is empty", path)

    r = _Reader(path)
    top = r.mapping(root, "config", keys(Config))
    nodes = {"": top} | {name: r.mapping(top[name], name, keys(Config, name)) for name in sections(Config)
                         if name in top}
    try:
        url = normalise_base_url(base_url) if base_url is not None else None
    except ValueError as exc:
        r.errors.append(BuilderError(f"--base-url: {exc}"))
        url = None
    if url is not None:
        top.pop("base_url", None)  # the file's is not read
    values = r.record(Config, nodes, root, {})
    if url is not None:
        values["base_url"] = url
    folder = path.parent
    resolved: dict[str, Any] = {name: folder / value if isinstance(value, Path) else value
                                for name, value in values.items()}
    config = Config(path=path, **resolved)
    if r.errors:
        r.errors.sort(key=lambda e: e.line or 0)
        raise BuilderErrors(r.errors) if len(r.errors) > 1 else r.errors[0]
    return config
