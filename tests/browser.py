"""Shared helpers for the rendered-site tests (`test_render.py`, `test_search.py`): build the
repository's own briefing under a sub-path, serve it over HTTP on 127.0.0.1, drive it in headless
Chromium with Playwright, and locate the W3C Nu HTML Checker (vnu) and axe-core.

The test modules load this file as a pytest plugin (`pytest_plugins = ["tests.browser"]`), so its
session fixtures exist once for the whole run: one build, one server, one browser.

External tools are looked up in `$BRIEFING_TOOLS` (default `.cache/tools`, git-ignored), where
`.ci/run` installs the npm packages `vnu-jar`, `axe-core` and `lighthouse`; Chromium comes from
`$BRIEFING_CHROMIUM` or `chromium` on PATH, Java from `java` on PATH. With `CI=true` a missing tool
fails the test that needs it; elsewhere it is skipped with the reason.
"""

from __future__ import annotations

import contextlib
import mimetypes
import os
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from tests.conftest import REPO, copy_project

PREFIX = "/briefing/"
TOOLS = Path(os.environ.get("BRIEFING_TOOLS") or REPO / ".cache" / "tools")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def missing(reason: str) -> None:
    """A tool a test needs is not there: fail on CI, skip elsewhere."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true: required; .ci/run installs it)", pytrace=False)
    pytest.skip(reason)


# ---------------------------------------------------------------- tools

def chromium_path() -> str:
    path = os.environ.get("BRIEFING_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).is_file():
        missing("Chromium not found (set BRIEFING_CHROMIUM or install Debian's 'chromium')")
    return path


def java_path() -> str:
    path = shutil.which("java")
    if not path:
        missing("java not found (install 'default-jre-headless')")
    return path


def vnu_jar() -> Path:
    path = TOOLS / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
    if not path.is_file():
        missing(f"vnu.jar not found at {path} (npm install --prefix {TOOLS} vnu-jar)")
    return path


def axe_script() -> Path:
    path = TOOLS / "node_modules" / "axe-core" / "axe.min.js"
    if not path.is_file():
        missing(f"axe-core not found at {path} (npm install --prefix {TOOLS} axe-core)")
    return path


def lighthouse() -> list[str]:
    """The command that runs npm `lighthouse` (with Node)."""
    script = TOOLS / "node_modules" / "lighthouse" / "cli" / "index.js"
    node = shutil.which("node")
    if not script.is_file() or not node:
        missing(f"lighthouse not found at {script} or node not on PATH (npm install --prefix {TOOLS} lighthouse)")
    return [str(node), str(script)]


# ---------------------------------------------------------------- building

def build_project(root: Path, base_url: str = PREFIX, run_ingest: bool = False) -> Path:
    """Build the project in `root` with the `build()` API; returns its output folder."""
    from builder.build import build
    from builder.config import load_config

    config = load_config(root / "config.yaml", base_url=base_url)
    build(config, run_ingest=run_ingest)
    return config.output_dir


# ---------------------------------------------------------------- serving

class _Handler(BaseHTTPRequestHandler):
    """GitHub-Pages-like: `PREFIX + X` is `site/X`, a folder serves its index.html (a folder without
    the trailing slash redirects), a missing page under the prefix is `site/404.html` with status
    404, and anything outside the prefix is a bare 404."""

    root: Path
    prefix: str
    log: list[tuple[str, int]]

    def do_GET(self) -> None:
        self._serve(body=True)

    def do_HEAD(self) -> None:
        self._serve(body=False)

    def _serve(self, body: bool) -> None:
        path = unquote(urlsplit(self.path).path)
        if not path.startswith(self.prefix):
            return self._send(404, b"outside the site\n", "text/plain; charset=utf-8", body)
        root = self.root.resolve()
        target = (root / path[len(self.prefix):]).resolve()
        if not target.is_relative_to(root):
            return self._send(404, b"outside the site\n", "text/plain; charset=utf-8", body)
        if target.is_dir():
            if not path.endswith("/"):
                return self._send(301, b"", "text/plain", body, {"Location": path + "/"})
            target = target / "index.html"
        if target.is_file():
            return self._send(200, target.read_bytes(), self._type(target), body)
        page = root / "404.html"
        content = page.read_bytes() if page.is_file() else b"not found\n"
        self._send(404, content, "text/html; charset=utf-8", body)

    @staticmethod
    def _type(path: Path) -> str:
        kind = {".js": "text/javascript", ".json": "application/json", ".wasm": "application/wasm",
                ".xml": "application/xml", ".txt": "text/plain"}.get(path.suffix)
        kind = kind or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return kind + ("; charset=utf-8" if kind.startswith("text/") or kind.endswith(("json", "xml")) else "")

    def _send(self, status: int, content: bytes, kind: str, body: bool, headers: dict | None = None) -> None:
        self.log.append((self.path, status))
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(content)))
        self.send_header("Cache-Control", "no-store")
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if body:
            self.wfile.write(content)

    def log_message(self, format: str, *args) -> None:  # quiet
        pass


@dataclass
class Server:
    origin: str                     # "http://127.0.0.1:PORT"
    prefix: str                     # "/briefing/"
    log: list[tuple[str, int]]      # (request path, status), in order

    @property
    def base(self) -> str:
        return self.origin + self.prefix

    def url(self, path: str = "") -> str:
        return self.base + path.lstrip("/")


@contextlib.contextmanager
def serve(root: Path, prefix: str = PREFIX) -> Iterator[Server]:
    """Serve `root` at http://127.0.0.1:<free port><prefix> in a background thread."""
    log: list[tuple[str, int]] = []
    handler = type("Handler", (_Handler,), {"root": Path(root), "prefix": prefix, "log": log})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield Server(f"http://127.0.0.1:{httpd.server_address[1]}", prefix, log)
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


# ---------------------------------------------------------------- fixtures

@pytest.fixture(scope="session")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's briefing built once with base_url "/briefing/" (content as committed), two
    headlines to a dossier's or person's page, so that the longer ones have pages per year too."""
    root = copy_project(tmp_path_factory.mktemp("briefing"))
    config = root / "config.yaml"
    text = config.read_text(encoding="utf-8")
    assert "  page_size: 50 " in text
    config.write_text(text.replace("  page_size: 50 ", "  page_size: 2 "), encoding="utf-8")
    return build_project(root, PREFIX)


@pytest.fixture(scope="session")
def server(site_dir: Path) -> Iterator[Server]:
    with serve(site_dir) as running:
        yield running


@pytest.fixture(scope="session")
def browser():
    """One headless Debian Chromium for every browser test of the run."""
    executable = chromium_path()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("Playwright for Python is not installed (pip install -e '.[test]')")
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        try:
            yield launched
        finally:
            launched.close()


@contextlib.contextmanager
def open_page(browser, url: str, *, width: int = 1280, height: int = 900, color_scheme: str = "light"):
    """A fresh context and page at `url`. A JavaScript dialog (alert, confirm, prompt), an uncaught
    page error, a failed request or an HTTP error status fails the test when the page closes.
    Yields (page, problems)."""
    context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=color_scheme,
                                  java_script_enabled=True)
    page = context.new_page()
    problems: list[str] = []

    def on_dialog(dialog) -> None:
        problems.append(f"a {dialog.type} dialog fired: {dialog.message!r}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("pageerror", lambda error: problems.append(f"uncaught page error: {error}"))
    page.on("requestfailed", lambda request: problems.append(f"request failed: {request.url} ({request.failure})"))
    page.on("response", lambda response: response.status >= 400 and problems.append(
        f"HTTP {response.status} for {response.url}"))
    try:
        response = page.goto(url, wait_until="load")
        assert response is not None and response.status == 200, f"{url}: HTTP {response and response.status}"
        try:
            yield page, problems
        except Exception as exc:   # a timeout often has its cause here: say it
            if problems:
                raise AssertionError(f"{url}: {exc}\nwhile the page reported:\n" + "\n".join(problems)) from exc
            raise
        assert not problems, f"{url}:\n" + "\n".join(problems)
    finally:
        context.close()


def axe_violations(page) -> list[dict]:
    """axe-core's violations on the page as it is now (all rules of axe's default run)."""
    page.add_script_tag(path=str(axe_script()))
    return page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")


def describe_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v.get('impact')}): {v['help']} [{v.get('helpUrl', '')}]")
        for node in v["nodes"][:10]:
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            lines.append(f"    target {node['target']}: {node.get('html', '')[:160]}  -- {summary[:300]}")
        if len(v["nodes"]) > 10:
            lines.append(f"    ... and {len(v['nodes']) - 10} more")
    return "\n".join(lines)
