"""`python -m builder serve`: build, serve `site/` on a local port under the base_url's path, and
rebuild and reload the browser when the sources change.

How it works (one tornado event loop; watchdog's thread only collects the paths that changed):
- The site is served by a small tornado app instead of `livereload.Server`, which serves from `/`
  only and has no way to show a build error. The app reuses livereload's browser protocol: its
  `/livereload.js` client and `/livereload` websocket handler, and a `<script>` tag injected into
  every HTML page.
- Sub-path: a base_url of `https://x.github.io/briefing/` (or `/briefing/`) is built with base_url
  `/briefing/` and served at `http://HOST:PORT/briefing/`; `/` redirects there.
- Changes: watchdog's observer watches content/, seeds/, templates/ and config.yaml (never site/)
  with the system's file events (inotify, FSEvents, ...); `--poll` looks at file times instead,
  for file systems without events. Every change restarts a short timer, so a burst of saves makes
  one rebuild. (livereload's own watcher polls, looking at every file several times a second: on
  a large archive, a steady load while nothing happens.)
- A rebuild is a `serve_build` (ingest included) with config.yaml re-read, the parse cache and the
  last build kept in memory, told which files changed: after an edit to article bodies alone it
  patches the last build (see builder.build). On success the
  browser reloads; when only stylesheets under templates/assets changed, the reload names the
  CSS file's URL so livereload's client swaps the stylesheet without reloading the page.
- A failed rebuild puts the server in error mode: every page is an HTML error page (status 500)
  with `FILE:LINE: message` and the reload script, until a good build brings the site back. The
  build is atomic, so site/ keeps the last good site meanwhile.
"""

from __future__ import annotations

import asyncio
import dataclasses
import errno
import html
import mimetypes
import os
import signal
import sys
import threading
import traceback
from pathlib import Path

from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler
from tornado import httpserver, ioloop, web
from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.polling import PollingObserver

from builder.build import serve_build
from builder.config import Config, load_config
from builder.errors import BuilderError
from builder.incremental.cache import Cache, cache_key, open_cache, save_cache
from builder.incremental.update import Memory, save_manifest
from builder.lock import ProjectLock
from builder.render import base_path

POLL_SECONDS = 0.5       # how often `--poll` looks at file times
DEBOUNCE_SECONDS = 0.4   # quiet time after the last change before rebuilding
SAVE_SECONDS = 1.0       # quiet time after a build before saving its fingerprints
LOCK_RETRY_SECONDS = 0.5  # while another command holds the project's lock

ERROR_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Build failed</title>
<style>
body {{ font: 16px/1.5 system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; }}
pre {{ white-space: pre-wrap; background: #fff1f0; border-left: 4px solid #c62828; padding: 1rem; }}
</style>
</head>
<body>
<h1>Build failed</h1>
<pre id="build-error">{error}</pre>
<p>Fix it and save: this page reloads by itself once the site builds again.</p>
</body>
</html>
"""


def error_page(error: str) -> str:
    return ERROR_PAGE.format(error=html.escape(error))


def inject(page: bytes, script: bytes) -> bytes:
    """Put the live-reload script into an HTML page, before `</head>` (or at the end)."""
    at = page.find(b"</head>")
    return page + script if at < 0 else page[:at] + script + page[at:]


def _ignored(path: str) -> bool:
    """Editor and ingest temporaries, and the ingest ledger that every build rewrites."""
    name = os.path.basename(path)
    return name.startswith(".") or name.endswith("~")


class Watcher(FileSystemEventHandler):
    """The files changed under the watched folders and files, as watchdog reports them from its own
    thread; `on_change` is called on the IOLoop's thread after each report."""

    filepath = None   # read by livereload's LiveReloadHandler.reload_waiters, for its log line

    def __init__(self, sources: list[Path], poll: bool):
        self.observer = PollingObserver(timeout=POLL_SECONDS) if poll else Observer()
        # Reported paths are given back as the sources are written (maybe relative), as the build's
        # stamp names the files it looks at.
        self.folders = {os.path.join(os.path.abspath(s), ""): os.path.join(str(s), "") for s in sources if s.is_dir()}
        self.files = {os.path.abspath(s): str(s) for s in sources if not s.is_dir()}
        for folder in self.folders:
            self.observer.schedule(self, folder, recursive=True)
        for folder in {os.path.dirname(f) for f in self.files}:   # a file is watched through its folder
            self.observer.schedule(self, folder, recursive=False)
        self.lock = threading.Lock()
        self.found: set[str] = set()
        self.loop: ioloop.IOLoop | None = None
        self.on_change = lambda: None

    def start(self, on_change) -> None:
        self.loop, self.on_change = ioloop.IOLoop.current(), on_change
        self.observer.start()

    def stop(self) -> None:
        self.observer.stop()
        self.observer.join()

    def given(self, path: str) -> str | None:
        """A reported path as the sources name it; None if it is not watched."""
        if _ignored(path):
            return None
        if path in self.files:
            return self.files[path]
        for folder, given in self.folders.items():
            if path.startswith(folder):
                return given + path[len(folder):]
        return None

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed", "closed_no_write") or \
                (event.is_directory and event.event_type == "modified"):   # a file in it changed: that says it
            return
        paths = {path for p in (event.src_path, getattr(event, "dest_path", "")) if p
                 if (path := self.given(os.fsdecode(p))) is not None}
        if event.is_directory and event.event_type in ("created", "moved"):
            self.adopt(os.fsdecode(getattr(event, "dest_path", "") or event.src_path))
        if paths:
            with self.lock:
                self.found |= paths
            if self.loop is not None:
                self.loop.add_callback(self.on_change)

    def adopt(self, folder: str) -> None:
        """A source that was missing when serve started (`seeds/`, say), made as a folder now:
        watched with everything in it from now on, not only as a name in its parent."""
        given = self.files.pop(folder, None)
        if given is not None:
            self.folders[os.path.join(folder, "")] = os.path.join(given, "")
            self.observer.schedule(self, folder, recursive=True)

    def changes(self) -> set[str]:
        """Paths changed since the last call (a folder's own path when it was added, moved or removed)."""
        with self.lock:
            found, self.found = self.found, set()
        return found


class Preview:
    """What the handlers share: where the site is, and the last build's error (None when good)."""

    def __init__(self, config: Config, base_url: str | None, port: int, poll: bool):
        self.base_url = base_url             # the --base-url override, re-applied on every reload
        self.config = self.local(config)
        self.error: str | None = None
        self.script = f'<script src="/livereload.js?port={port}"></script>\n'.encode()
        self.watcher = Watcher(self.watched(), poll)
        self.pending: set[str] = set()
        self.timer: object | None = None
        self.cache: Cache | None = None      # parsed content, kept between rebuilds; saved on stop
        self.memory: Memory | None = None    # the last build, which the next patches if it can
        self.saving: object | None = None    # the timer that saves its fingerprints
        self.lock = ProjectLock(config, "serve")   # held while building or saving, not between
        self.waiting = False                 # for another command's lock (said once)

    @staticmethod
    def local(config: Config) -> Config:
        """The config for a local preview: base_url reduced to its path (`/briefing/`)."""
        return dataclasses.replace(config, base_url=base_path(config.base_url))

    @property
    def prefix(self) -> str:
        return self.config.base_url

    def watched(self) -> list[Path]:
        return self.config.sources

    # -- watching

    def changes(self) -> set[str]:
        return self.watcher.changes()

    def on_change(self) -> None:
        changed = self.changes()
        if not changed:
            return
        self.pending |= changed
        self.schedule()

    def schedule(self) -> None:
        """(Re)start the debounce timer: the rebuild waits until the changes stop for a moment."""
        loop = ioloop.IOLoop.current()
        if self.timer is not None:
            loop.remove_timeout(self.timer)
        self.timer = loop.call_later(DEBOUNCE_SECONDS, self.rebuild)

    def start_watching(self) -> None:
        self.watcher.start(self.on_change)

    # -- building

    def rebuild(self) -> None:
        self.timer = None
        if not self.lock.acquire(wait=False):
            # As the debounce timer: a change meanwhile restarts it instead of starting another wait.
            self.timer = self.wait_for_lock(self.rebuild)
            return
        try:
            self.save()   # a build that fails must find the last one's fingerprints saved
            changed, self.pending = sorted(self.pending), set()
            shown = ", ".join(os.path.relpath(p) for p in changed[:3]) + (f" (+{len(changed) - 3} more)"
                                                                         if len(changed) > 3 else "")
            print(f"rebuild: {len(changed)} change(s): {shown}", flush=True)
            was_good = self.error is None
            self.build(changed)
        finally:
            self.lock.release()
        if self.error is None and was_good and all(self.is_stylesheet(p) for p in changed):
            for path in changed:  # the client swaps a stylesheet whose URL ends like this path
                LiveReloadHandler.reload_waiters(self.asset_url(path))
        else:
            LiveReloadHandler.reload_waiters(self.prefix)  # not a .css path: the client reloads the page

    def wait_for_lock(self, then) -> object:
        """Another command (a `build` in another terminal) is writing the project: serving goes on
        meanwhile, and `then` is tried again in a moment (the timeout returned). What it changes is
        seen by the watcher."""
        if not self.waiting:
            print(f"serve: waiting for {self.lock.holder()} to finish ...", flush=True)
        self.waiting = True
        return ioloop.IOLoop.current().call_later(LOCK_RETRY_SECONDS, then)

    def first_build(self) -> None:
        if not self.lock.acquire(wait=False):
            self.wait_for_lock(self.first_build)
            return
        try:
            self.build()
        finally:
            self.lock.release()

    def build(self, changed: list[str] | None = None) -> None:
        """Re-read config.yaml and build (told what `changed`, if known); a failure switches to
        error mode instead of stopping. The caller holds the project's lock."""
        self.waiting = False
        try:
            config = self.local(load_config(self.config.path, base_url=self.base_url))
            if self.cache is None or self.cache.key != cache_key(config):
                self.cache, self.memory = open_cache(config), None
            result = serve_build(config, self.cache, self.memory, changed)
            self.memory = result.memory
            self.save_later()
        except BuilderError as exc:
            self.error, self.memory = f"error: {exc}", None
            print(self.error, file=sys.stderr, flush=True)
        except Exception:  # a bug in the builder must not end the preview either
            self.error, self.memory = traceback.format_exc(), None
            print(self.error, file=sys.stderr, flush=True)
        else:
            self.config, self.error = config, None
            if result.ingest:
                result.ingest.print()
            print(result.summary(), flush=True)
            # Articles the build's own ingest wrote are not edits: forget those changes.
            own = {os.path.abspath(p) for p in (result.ingest.written if result.ingest else ())}
            edits = {p for p in self.changes() if os.path.abspath(p) not in own}
            if edits:  # saved while the build ran
                self.pending |= edits
                self.schedule()

    def save_later(self) -> None:
        """Save the last build's page fingerprints once serve has been idle a moment: writing them
        (one per page) need not delay the page's reload."""
        loop = ioloop.IOLoop.current()
        if self.saving is not None:
            loop.remove_timeout(self.saving)
        self.saving = loop.call_later(SAVE_SECONDS, self.save_when_idle)

    def save(self) -> None:
        """Save the last build's fingerprints, if not yet saved. The caller holds the lock."""
        if self.saving is not None:
            ioloop.IOLoop.current().remove_timeout(self.saving)
            self.saving = None
            if self.memory is not None:
                save_manifest(self.config, self.memory)

    def save_when_idle(self) -> None:
        if self.lock.acquire(wait=False):
            try:
                self.save()
            finally:
                self.lock.release()
        else:
            self.save_later()   # another build is on; it may well make these fingerprints stale

    @property
    def assets(self) -> str:
        return os.path.abspath(self.config.templates_dir / "assets")

    def is_stylesheet(self, path: str) -> bool:
        return os.path.abspath(path).startswith(self.assets + os.sep) and path.lower().endswith(".css")

    def asset_url(self, path: str) -> str:
        rel = os.path.relpath(os.path.abspath(path), self.assets)
        return f"{self.prefix}assets/{Path(rel).as_posix()}"


class PageHandler(web.RequestHandler):
    """Serves site/ under the prefix, or the error page while the last build failed."""

    def initialize(self, preview: Preview) -> None:
        self.preview = preview

    def set_default_headers(self) -> None:
        self.set_header("Cache-Control", "no-store")

    def compute_etag(self) -> None:
        return None

    def get(self, path: str) -> None:
        prefix, url = self.preview.prefix, "/" + path
        if not url.startswith(prefix):
            if url in ("/", prefix.rstrip("/")):
                return self.redirect(prefix)
            self.set_status(404)
            return self.page(f'<!DOCTYPE html><title>Not found</title><p>Not found. The site is previewed '
                             f'at <a href="{html.escape(prefix)}">{html.escape(prefix)}</a>.</p>'.encode())
        if self.preview.error is not None:
            self.set_status(500)
            return self.page(error_page(self.preview.error).encode())
        root = self.preview.config.output_dir.resolve()
        try:
            file = (root / url[len(prefix):]).resolve()
            if not file.is_relative_to(root):
                raise web.HTTPError(403)
            if file.is_dir():
                if not url.endswith("/"):
                    return self.redirect(url + "/")
                file = file / "index.html"
            found = file.is_file()
        except (OSError, ValueError):   # a name or path too long for the file system, a NUL byte: no such file
            found = False
        if not found:
            self.set_status(404)
            file = root / "404.html"
            if not file.is_file():
                return self.page(b"<!DOCTYPE html><title>Not found</title><p>Not found.</p>")
        data = file.read_bytes()
        kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        if kind == "text/html":
            return self.page(data)
        self.set_header("Content-Type", kind if not kind.startswith("text/") else kind + "; charset=utf-8")
        self.finish(data)

    def head(self, path: str) -> None:
        self.get(path)   # tornado sends the headers of GET without the body

    def page(self, data: bytes) -> None:
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(inject(data, self.preview.script))


def _quiet(handler: web.RequestHandler) -> None:
    """No access log: the terminal shows builds and errors only."""


async def _serve(preview: Preview, host: str, port: int) -> None:
    LiveReloadHandler.watcher = preview.watcher   # used by reload_waiters() for its log line
    LiveReloadHandler.live_css = True             # tell the client it may swap stylesheets in place
    app = web.Application([
        (r"/livereload", LiveReloadHandler),
        (r"/livereload\.js", LiveReloadJSHandler),
        (r"/(.*)", PageHandler, {"preview": preview}),
    ], log_function=_quiet)
    server = httpserver.HTTPServer(app)
    try:
        server.listen(port, address=host)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise BuilderError(f"port {port} is in use; try --port {port + 1}") from None
        raise BuilderError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)

    preview.start_watching()
    preview.first_build()
    watched = ", ".join(os.path.relpath(p) for p in preview.watched())
    print(f"serve: http://{host}:{port}{preview.prefix} (watching {watched}; Ctrl-C to stop)", flush=True)
    await stop.wait()

    server.stop()
    preview.watcher.stop()
    with preview.lock:
        preview.save()
        if preview.cache is not None:
            save_cache(preview.config, preview.cache)
    for waiter in list(LiveReloadHandler.waiters):
        waiter.close()
    await server.close_all_connections()
    print("serve: stopped", flush=True)


def serve(config: Config, host: str = "127.0.0.1", port: int = 8000, base_url: str | None = None,
          poll: bool = False) -> int:
    """Build, serve and rebuild on change until Ctrl-C; returns the exit status (0)."""
    asyncio.run(_serve(Preview(config, base_url, port, poll), host, port))
    return 0
