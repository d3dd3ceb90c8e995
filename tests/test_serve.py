"""`python -m builder serve` as a curator meets it: a copy of the repository's project is served in
a subprocess under the sub-path /briefing/ and driven in headless Chromium with Playwright. An edit
shows up in the open page, a broken file turns every page into an error page with FILE:LINE, a fix
brings the site back, and a CSS change is applied without reloading the page.

The browser runs in a thread of its own: Playwright's sync API refuses to start while another sync
Playwright (another test module's session fixture) is running in the same thread.
With CI=true a missing Chromium or Playwright fails the test instead of skipping it.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from builder.serve import error_page
from tests.browser import CHROMIUM_ARGS, PREFIX, chromium_path, missing
from tests.conftest import REPO, copy_project

WAIT_MS = 15_000


def in_browser(scenario) -> None:
    """Run `scenario(page)` in headless Chromium, in a fresh thread (see the module docstring)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("playwright is not installed")
    executable = chromium_path()
    failure: list[BaseException] = []

    def run() -> None:
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
                try:
                    page = browser.new_page()
                    page.set_default_timeout(WAIT_MS)
                    scenario(page)
                finally:
                    browser.close()
        except BaseException as exc:  # re-raised in the test's thread
            failure.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(120)
    assert not thread.is_alive(), "the browser scenario hung"
    if failure:
        raise failure[0]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def until(check, what, seconds: float = 30) -> None:
    """Poll `check()` until it holds; after `seconds`, fail with `what()`."""
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            pytest.fail(what())
        time.sleep(0.1)


class Serve:
    """`python -m builder serve --port N ARGS` running in `project`; output goes to files beside it."""

    def __init__(self, project: Path, *args: str, port: int | None = None):
        self.project = project
        self.port = port or free_port()
        self.out, self.err = project.parent / "serve.out", project.parent / "serve.err"
        env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": "1"}
        with open(self.out, "wb") as out, open(self.err, "wb") as err:
            self.proc = subprocess.Popen([sys.executable, "-m", "builder", "serve", "--port", str(self.port), *args],
                                         cwd=project, stdout=out, stderr=err, env=env)

    def url(self, path: str = "") -> str:
        return f"http://127.0.0.1:{self.port}{PREFIX}{path}"

    def output(self) -> tuple[str, str]:
        return self.out.read_text(), self.err.read_text()

    def answers(self) -> bool:
        assert self.proc.poll() is None, f"serve exited with {self.proc.returncode}: {self.output()}"
        try:
            urllib.request.urlopen(self.url(), timeout=10).close()
            return True
        except (urllib.error.URLError, ConnectionError):
            return False

    def wait_ready(self) -> None:
        """Until the first build is served (requests wait while it builds)."""
        until(self.answers, lambda: f"serve did not answer: {self.output()}")

    def wait_for(self, check) -> None:
        """Until `check()` holds; the output says what serve did meanwhile."""
        until(check, lambda: f"serve's output: {self.output()}")

    def interrupt(self) -> int:
        """Ctrl-C; the exit status."""
        self.proc.send_signal(signal.SIGINT)
        try:
            return self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    project = copy_project(tmp_path_factory.mktemp("serve") / "project")
    server = Serve(project, "--base-url", PREFIX)
    try:
        server.wait_ready()
        yield server
    finally:
        if server.proc.poll() is None:
            server.interrupt()


def article_of(project: Path) -> tuple[Path, str]:
    """A generated article's Markdown file and its page path under the prefix."""
    for md in sorted((project / "content" / "articles").rglob("*.md")):
        pages = list((project / "site" / "articles").glob(f"*/{md.stem}/index.html"))
        if pages:
            return md, pages[0].parent.relative_to(project / "site").as_posix() + "/"
    raise AssertionError("no article page found in site/")


def wait_connected(page) -> None:
    """Until livereload.js has its websocket handshake done (a reload sent earlier would be lost)."""
    page.wait_for_function("() => window.LiveReload && window.LiveReload.connector.protocol > 0")


def fetch(url: str) -> tuple[int, str, str]:
    """Status, final URL and body of a GET, errors included."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.url, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, url, exc.read().decode()


def test_sub_path_preview_and_root_redirect(served):
    status, final, body = fetch(f"http://127.0.0.1:{served.port}/")
    assert (status, final) == (200, served.url())
    assert '<script src="/livereload.js' in body and f'href="{PREFIX}assets/style.css"' in body
    status, _, body = fetch(served.url("no-such-page/"))
    assert status == 404 and "livereload.js" in body   # the site's own 404 page


def test_a_path_no_file_can_have_is_not_found(served):
    """Issue 15 item 15: a name too long for the file system, a path too long for it, and a NUL byte
    are pages that do not exist (404, the site's own page), not a 500 with a traceback in the log."""
    log_before = len(served.output()[1])
    for path in ("x" * 300, "articles/" + "a/" * 2100, "%00", "articles/%00/"):
        status, _, body = fetch(served.url(path))
        assert status == 404 and "livereload.js" in body, path
    assert fetch(f"http://127.0.0.1:{served.port}/%00")[0] == 404
    assert "Traceback" not in served.output()[1][log_before:]


def test_edit_error_and_fix_reload_the_open_page(served):
    md, page_path = article_of(served.project)
    original = md.read_text(encoding="utf-8")
    edited = original.rstrip("\n") + "\n\nServe test: the curator's new sentence.\n"
    broken = "---\ntitle: [broken\n---\nText\n"
    rebuilds_before = served.output()[0].count("rebuild:")

    def scenario(page) -> None:
        page.goto(served.url(page_path))
        wait_connected(page)
        # A burst of saves: the article and two other files, quickly; one rebuild.
        md.write_text(edited, encoding="utf-8")
        for other in ("_index.md", "dossiers/japan-rok.md"):
            path = served.project / "content" / other
            path.write_bytes(path.read_bytes())
        page.get_by_text("Serve test: the curator's new sentence.").wait_for()

        md.write_text(broken, encoding="utf-8")
        page.locator("#build-error").wait_for()
        error = page.locator("#build-error").inner_text()
        assert f"{md.relative_to(served.project).as_posix()}:2:" in error
        status, _, body = fetch(served.url(page_path))
        assert status == 500 and "livereload.js" in body and f"{md.name}:2:" in body
        status, _, _ = fetch(served.url("assets/style.css"))
        assert status == 500  # every request shows the error while the build is broken

        md.write_text(edited, encoding="utf-8")
        page.get_by_text("Serve test: the curator's new sentence.").wait_for()
        assert page.locator("#build-error").count() == 0

        # An edit to the text alone: the last build is patched, its page alone rendered.
        md.write_text(edited.replace("new sentence", "newer sentence"), encoding="utf-8")
        page.get_by_text("Serve test: the curator's newer sentence.").wait_for()

    in_browser(scenario)
    out, err = served.output()
    assert out.count("rebuild:") - rebuilds_before == 4, out   # the burst made one rebuild
    assert "(1 rendered," in out.splitlines()[-1], out
    assert f"{md.name}:2:" in err and "Traceback" not in err


def test_an_added_article_is_served_and_a_removed_one_goes(served):
    md, _ = article_of(served.project)
    added = md.with_name("serve-test-added.md")   # in a folder that exists: the watcher names the file alone
    added.write_text("---\ntitle: Serve test added story\ndate: 2024-05-01\ndossiers: [japan-dprk]\n"
                     "people: [Taro Yamada]\n---\n\nJapan and North Korea talked, officials said.\n", encoding="utf-8")
    page = served.url("articles/2024/serve-test-added-story/")
    served.wait_for(lambda: fetch(page)[0] == 200)
    assert "Serve test added story" in fetch(served.url("dossiers/japan-dprk/"))[2]
    added.unlink()
    served.wait_for(lambda: fetch(page)[0] == 404)
    assert "Serve test added story" not in fetch(served.url("dossiers/japan-dprk/"))[2]


def test_css_change_is_applied_without_reloading_the_page(served):
    css = served.project / "templates" / "assets" / "style.css"
    original = css.read_text(encoding="utf-8")

    def scenario(page) -> None:
        page.goto(served.url())
        wait_connected(page)
        page.evaluate("() => { window.notReloaded = 'yes'; }")
        assert page.evaluate("() => getComputedStyle(document.body).borderTopWidth") != "7px"
        css.write_text(original + "\nbody { border-top: 7px solid rgb(1, 2, 3); }\n", encoding="utf-8")
        page.wait_for_function("() => getComputedStyle(document.body).borderTopWidth === '7px'")
        assert page.evaluate("() => window.notReloaded") == "yes"

    try:
        in_browser(scenario)
    finally:
        css.write_text(original, encoding="utf-8")


def test_a_seeds_folder_made_while_serving_is_watched(tmp_path):
    project = copy_project(tmp_path / "project")
    seeds = sorted((REPO / "seeds").glob("*.txt"))
    shutil.rmtree(project / "seeds")
    server = Serve(project, "--base-url", PREFIX)
    try:
        server.wait_ready()
        assert "no seeds folder" in server.output()[0]
        (project / "seeds").mkdir()
        server.wait_for(lambda: "rebuild: 1 change(s): seeds\n" in server.output()[0])
        shutil.copy(seeds[0], project / "seeds" / seeds[0].name)   # into the new folder: watched too
        server.wait_for(lambda: f"seeds/{seeds[0].name}" in server.output()[0])
    finally:
        assert server.interrupt() == 0, server.output()


def test_port_in_use_is_a_clear_error(tmp_path):
    project = copy_project(tmp_path / "project")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "builder", "serve", "--port", str(port)], cwd=project,
                                capture_output=True, text=True, timeout=30, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert result.returncode == 1
    assert result.stderr.strip() == f"error: port {port} is in use; try --port {port + 1}"


def test_ctrl_c_exits_cleanly(tmp_path):
    server = Serve(copy_project(tmp_path / "project"), "--poll", "--base-url", PREFIX)
    server.wait_ready()
    assert server.interrupt() == 0
    out, err = server.output()
    assert "Traceback" not in err and "Traceback" not in out
    assert "serve: stopped" in out


def test_error_page_escapes_the_message():
    page = error_page('error: content/a.md:3: bad <script>alert("x")</script> & more')
    assert "content/a.md:3:" in page and "<script>alert" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more" in page
