"""The typed schema of `config.yaml`: unknown keys are errors, every problem is reported at once
with its line, and dossier queries are compiled while the file loads."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import yaml

from builder.errors import BuilderError, BuilderErrors
from builder.inputs import decode, read_bytes
from builder.query import Query, QuerySyntaxError, compile_query
from builder.text import key

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Dossier:
    slug: str
    title: str
    description: str
    query: Query
    min_score: int


@dataclass(frozen=True)
class Config:
    path: Path                  # the config file; relative folders below are resolved against its folder
    title: str
    description: str
    base_url: str               # absolute URL or path prefix, always ending in "/"
    language: str
    seeds_dir: Path
    content_dir: Path
    templates_dir: Path
    output_dir: Path
    cache_dir: Path
    max_seed_bytes: int
    title_weight: int
    latest: int                 # headlines per dossier on the home page
    page_size: int              # headlines on a dossier's or person's page; a longer timeline gets a page per year
    cname: str | None
    dossiers: tuple[Dossier, ...]
    people: dict[str, str]      # an alias's key() -> the person's name as the curator writes it

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

    def scalar(self, fields: dict[str, yaml.Node], key: str, kind: Callable[[str], Any], default: Any,
               where: yaml.Node | None = None) -> Any:
        node = fields.get(key)
        if node is None:
            if default is _REQUIRED:
                self.error(where, f"missing required key '{key}'") if where is not None else None
                return None
            return default
        if not isinstance(node, yaml.ScalarNode) or node.tag.endswith(":null"):
            self.error(node, f"'{key}' must be a single value")
            return default if default is not _REQUIRED else None
        value = yaml.safe_load(yaml.serialize(node)) if kind is not str else node.value
        try:
            return kind(value)
        except (TypeError, ValueError) as exc:
            self.error(node, f"'{key}': {exc}")
            return default if default is not _REQUIRED else None


_REQUIRED = object()


def _positive_int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"expected a whole number of at least 1, got {value!r}")
    return value


def _non_negative_int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"expected a whole number of at least 0, got {value!r}")
    return value


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"must be text, got {value!r}")
    if not value.strip():
        raise ValueError("must not be empty")
    return value.strip()


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


def _people(r: _Reader, node: yaml.Node) -> dict[str, str]:
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
    top = r.mapping(root, "config", {"title", "description", "base_url", "language", "paths", "ingest",
                                     "classify", "site", "dossiers", "people"})
    paths = r.mapping(top["paths"], "paths", {"seeds", "content", "templates", "output", "cache"}) \
        if "paths" in top else {}
    ingest = r.mapping(top["ingest"], "ingest", {"max_seed_mb"}) if "ingest" in top else {}
    classify = r.mapping(top["classify"], "classify", {"title_weight"}) if "classify" in top else {}
    site = r.mapping(top["site"], "site", {"latest", "page_size", "cname"}) if "site" in top else {}

    folder = path.parent
    def where(key: str, default: str) -> Path:
        return folder / r.scalar(paths, key, _text, default)

    dossiers: list[Dossier] = []
    title_weight = r.scalar(classify, "title_weight", _non_negative_int, 3)
    node = top.get("dossiers")
    if node is None:
        r.error(root, "missing required key 'dossiers'")
    elif not isinstance(node, yaml.SequenceNode) or not node.value:
        r.error(node, "'dossiers' must be a non-empty list")
    else:
        seen: set[str] = set()
        for item in node.value:
            d = r.mapping(item, "dossier", {"slug", "title", "description", "query", "min_score"})
            slug = r.scalar(d, "slug", _text, _REQUIRED, item)
            if slug is not None and not SLUG.match(slug):
                r.error(d["slug"], f"dossier slug '{slug}' must be lower-case words joined by '-'")
            elif slug is not None and slug in seen:
                r.error(d["slug"], f"duplicate dossier slug '{slug}'")
            seen.add(slug)
            query_node = d.get("query")
            query = None
            if query_node is None:
                r.error(item, "missing required key 'query'")
            elif not isinstance(query_node, yaml.ScalarNode):
                r.error(query_node, "'query' must be text")
            else:
                try:
                    query = compile_query(query_node.value, title_weight=title_weight or 0)
                except QuerySyntaxError as exc:
                    r.errors.append(BuilderError(
                        f"dossier '{slug}': {exc.display(query_node.value)}", path,
                        _query_line(query_node, exc.offset)))
            dossier = Dossier(
                slug=slug or "",
                title=r.scalar(d, "title", _text, _REQUIRED, item) or "",
                description=r.scalar(d, "description", _text, ""),
                query=query,
                min_score=r.scalar(d, "min_score", _positive_int, 1),
            )
            dossiers.append(dossier)

    people = _people(r, top["people"]) if "people" in top else {}

    try:
        url = normalise_base_url(base_url) if base_url is not None else None
    except ValueError as exc:
        r.errors.append(BuilderError(f"--base-url: {exc}"))
        url = None
    config = Config(
        path=path,
        title=r.scalar(top, "title", _text, "Briefing"),
        description=r.scalar(top, "description", _text, ""),
        base_url=url or r.scalar(top, "base_url", normalise_base_url, "/"),
        language=r.scalar(top, "language", _text, "en"),
        seeds_dir=where("seeds", "seeds"),
        content_dir=where("content", "content"),
        templates_dir=where("templates", "templates"),
        output_dir=where("output", "site"),
        cache_dir=where("cache", ".cache"),
        max_seed_bytes=r.scalar(ingest, "max_seed_mb", _positive_int, 20) * 1024 * 1024,
        title_weight=title_weight,
        latest=r.scalar(site, "latest", _positive_int, 5),
        page_size=r.scalar(site, "page_size", _positive_int, 50),
        cname=r.scalar(site, "cname", _text, None),
        dossiers=tuple(dossiers),
        people=people,
    )
    if r.errors:
        r.errors.sort(key=lambda e: e.line or 0)
        raise BuilderErrors(r.errors) if len(r.errors) > 1 else r.errors[0]
    return config
