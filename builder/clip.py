"""`clip URL...`: fetch web pages over HTTP(S) and save each as a seed, `seeds/<date>_<host>_<hash>.html`
with its address beside it (`.url`), whole or not at all; each failure is told and the others go on."""

from __future__ import annotations

import codecs
import datetime as dt
import functools
import hashlib
import http.client
import io
import ipaddress
import os
import re
import socket
import time
import urllib.error
import urllib.request
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path
from urllib.parse import urlsplit

from builder.errors import BuilderError
from builder.files import marked_encoding, web_encoding
from builder.readers import ORIGIN

TIMEOUT = 20.0          # seconds a page may take, from asking to its last byte
REDIRECTS = 5           # redirects followed from one address
HTML_TYPES = ("text/html", "application/xhtml+xml")
AGENT = "briefing-builder-clip/0.1 (+a curator saving a page to read it later)"
_HOST = re.compile(r"[^a-z0-9.-]+")


@dataclass(frozen=True)
class Page:
    url: str            # where the page was found, after redirects
    data: bytes         # as the seed is saved


@dataclass
class Clipped:
    saved: list[tuple[str, Path]] = field(default_factory=list)   # (address asked for, its seed)
    problems: list[BuilderError] = field(default_factory=list)


class _Refused(Exception):
    """A redirect to an address that is not a web page's."""


class _Redirects(urllib.request.HTTPRedirectHandler):
    """Redirects followed up to a limit, to http(s) addresses only (urllib's own would follow ftp),
    and into a local network only from an address there (`local`): a page on the web cannot send
    clip to the curator's router or a cloud machine's metadata."""

    max_redirections = REDIRECTS

    def __init__(self, local: bool):
        super().__init__()
        self.local = local

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        try:
            parts = urlsplit(newurl)
        except ValueError:
            raise _Refused(f"redirected to {newurl}, which is not a web address") from None
        if parts.scheme.lower() not in ("http", "https"):
            raise _Refused(f"redirected to {newurl}, not an http:// or https:// address")
        if not self.local and _local(parts.hostname):
            raise _Refused(f"redirected to {newurl}, an address in a local network ({parts.hostname}), "
                           "where the address asked for is not")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _local(host: str | None) -> bool:
    """Whether `host` is, or resolves to, an address off the public internet (loopback, private,
    link-local and the like). A host that does not resolve is not: connecting to it will say so."""
    try:
        found = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP) if host else []
    except (OSError, UnicodeError):
        return False
    for *_, sockaddr in found:
        ip = ipaddress.ip_address(sockaddr[0])
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
            ip = ip.ipv4_mapped
        if not ip.is_global:
            return True
    return False


@dataclass(frozen=True)
class _Deadline:
    end: float      # time.monotonic() by which the page must be whole

    def left(self) -> float:
        """The seconds left; a TimeoutError when there are none."""
        left = self.end - time.monotonic()
        if left <= 0:
            raise TimeoutError
        return left


class _TimedReading(io.RawIOBase):
    """A socket's bytes, each read waiting at most the time left: a server sending a byte at a time,
    each in time, cannot hold a page past its deadline, headers included."""

    def __init__(self, sock: socket.socket, deadline: _Deadline):
        super().__init__()
        self.sock, self.raw, self.deadline = sock, sock.makefile("rb", buffering=0), deadline

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int | None:
        self.sock.settimeout(self.deadline.left())
        return self.raw.readinto(buffer)

    def close(self) -> None:
        self.raw.close()
        super().close()


class _TimedSocket:
    """A connection's socket whose every read and write waits at most the time left."""

    def __init__(self, sock: socket.socket, deadline: _Deadline):
        self._sock, self._deadline = sock, deadline

    def makefile(self, mode: str = "rb", *args, **kwargs) -> io.BufferedReader:   # http.client reads "rb" only
        return io.BufferedReader(_TimedReading(self._sock, self._deadline))

    def sendall(self, data: bytes) -> None:
        self._sock.settimeout(self._deadline.left())
        self._sock.sendall(data)

    def __getattr__(self, name: str):
        return getattr(self._sock, name)


class _TimedHTTP(http.client.HTTPConnection):
    """An HTTP connection made, and read, within the time left until a deadline."""

    def __init__(self, *args, deadline: _Deadline, **kwargs):
        super().__init__(*args, **kwargs)
        self.deadline = deadline

    def connect(self) -> None:
        self.timeout = self.deadline.left()   # connecting (and TLS's handshake) waits the time left too
        super().connect()
        self.sock = _TimedSocket(self.sock, self.deadline)


class _TimedHTTPS(_TimedHTTP, http.client.HTTPSConnection):
    """The same over TLS (its connect wraps the socket, then the deadline's wraps that)."""


class _Timed(urllib.request.HTTPHandler, urllib.request.HTTPSHandler):
    """urllib's HTTP and HTTPS handlers (build_opener then leaves its own out) over connections
    that keep to one deadline, redirects included."""

    def __init__(self, deadline: _Deadline):
        super().__init__()
        self.deadline = deadline

    def http_open(self, req):
        return self.do_open(functools.partial(_TimedHTTP, deadline=self.deadline), req)

    def https_open(self, req):
        return self.do_open(functools.partial(_TimedHTTPS, deadline=self.deadline), req)


def _opener(deadline: _Deadline, local: bool) -> urllib.request.OpenerDirector:
    """urllib's opener of an address, keeping to `deadline`; `local`: the address is in a local network."""
    return urllib.request.build_opener(_Redirects(local), _Timed(deadline))


def fetch(url: str, timeout: float, max_bytes: int) -> Page:
    """The HTML page at `url`, or a BuilderError naming the address and why there is none."""
    try:
        parts = urlsplit(url)
    except ValueError as exc:   # `http://[oops`
        raise BuilderError(f"is not a web address ({exc})", url) from None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise BuilderError("only http:// and https:// addresses can be clipped", url)
    opener = _opener(_Deadline(time.monotonic() + timeout), _local(parts.hostname))
    request = urllib.request.Request(url, headers={"User-Agent": AGENT, "Accept": ", ".join(HTML_TYPES)})
    try:
        with opener.open(request, timeout=timeout) as response:
            headers = response.headers
            kind = headers.get_content_type()
            if kind not in HTML_TYPES:
                raise BuilderError(f"is {kind}, not an HTML page", url)
            if headers.get("Content-Encoding", "identity").lower() != "identity":
                raise BuilderError(f"came compressed ({headers['Content-Encoding']}), which was not asked for", url)
            data = _read(response, url, max_bytes)
            return Page(response.geturl(), _as_sent(data, headers))
    except _Refused as exc:
        raise BuilderError(str(exc), url) from None
    except urllib.error.HTTPError as exc:
        if str(exc.reason).startswith(urllib.request.HTTPRedirectHandler.inf_msg):
            raise BuilderError(f"more than {REDIRECTS} redirects (the last HTTP {exc.code})", url) from None
        raise BuilderError(f"HTTP {exc.code} {exc.reason}".rstrip(), url) from None
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError):
            raise BuilderError(f"no answer within {timeout:g} s", url) from None
        reason = exc.reason.strerror if isinstance(exc.reason, OSError) and exc.reason.strerror else exc.reason
        raise BuilderError(f"cannot connect: {reason}", url) from None
    except TimeoutError:
        raise BuilderError(f"no answer within {timeout:g} s", url) from None
    except (http.client.HTTPException, OSError, ValueError) as exc:
        raise BuilderError(f"the server's answer cannot be read ({exc.__class__.__name__}: {exc})", url) from None


def _read(response, url: str, max_bytes: int) -> bytes:
    """The body, refused once it is over `max_bytes` (each read takes what has come, so the limit is
    told as soon as it is passed; the connection keeps the deadline)."""
    length = response.headers.get("Content-Length", "")
    if length.isdigit() and int(length) > max_bytes:
        raise BuilderError(_too_large(max_bytes), url)
    chunks, size = [], 0
    while chunk := response.read1(64 * 1024):
        size += len(chunk)
        if size > max_bytes:
            raise BuilderError(_too_large(max_bytes), url)
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(max_bytes: int) -> str:
    return f"is over the {max_bytes / 2**20:g} MB limit of a seed (ingest.max_seed_mb in config.yaml)"


def _as_sent(data: bytes, headers: Message) -> bytes:
    """The page's bytes, as UTF-8 behind a byte order mark when the server named their charset and
    the page has no mark: saved, the page then reads as the browser read it (a mark decides, then
    the server's charset, then the page's own `<meta charset>`), which the file alone would not."""
    charset = headers.get_content_charset()
    codec = web_encoding(charset) if charset else None
    if codec is None or marked_encoding(data):
        return data   # no charset a browser reads: the page's own evidence is read instead
    try:
        return codecs.BOM_UTF8 + data.decode(codec).encode("utf-8")
    except UnicodeDecodeError:
        return data   # the wrong charset: as above


def seed_name(url: str, day: dt.date) -> str:
    """`<date>_<host>_<hash>.html`: the host made of letters, digits, dots and hyphens only, so the
    name is one file in the seeds folder whatever the address holds; the hash of the address, so
    clipping an address again the same day replaces its seed."""
    host = _HOST.sub("-", (urlsplit(url).hostname or "").lower()).strip(".-")[:63] or "page"
    digest = hashlib.sha256(url.encode("utf-8")).hexdigest()[:12]
    return f"{day.isoformat()}_{host}_{digest}.html"


def save(seeds_dir: Path, asked: str, page: Page, day: dt.date) -> Path:
    """Write the page and its Internet shortcut (the address it was found at): both are staged
    beside them first, and put in place only once both are whole, so that a page clipped before
    keeps its two files when the new ones cannot be written."""
    path = seeds_dir / seed_name(asked, day)
    files = ((path.with_suffix(ORIGIN), f"[InternetShortcut]\r\nURL={page.url}\r\n".encode()), (path, page.data))
    # Not a seed's name: ingest passes over one a crash left.
    staged = [target.with_name(f".{target.name}.{os.getpid()}.clip") for target, _ in files]
    seeds_dir.mkdir(parents=True, exist_ok=True)
    try:
        for tmp, (_, data) in zip(staged, files):
            tmp.write_bytes(data)
        for tmp, (target, _) in zip(staged, files):
            os.replace(tmp, target)
    finally:
        for tmp in staged:
            tmp.unlink(missing_ok=True)
    return path


def clip(seeds_dir: Path, urls: list[str], timeout: float, max_bytes: int, day: dt.date,
         lock: AbstractContextManager[object]) -> Clipped:
    """Fetch and save each address, saving while holding `lock` (the project's: no build reads the
    seeds meanwhile, no other clip saves); a failure is told and the others go on."""
    done = Clipped()
    for url in urls:
        try:
            page = fetch(url, timeout, max_bytes)
            with lock:
                done.saved.append((url, save(seeds_dir, url, page, day)))
        except BuilderError as exc:
            done.problems.append(exc)
        except OSError as exc:
            done.problems.append(BuilderError(f"cannot save it in {seeds_dir}: {exc.strerror}", url))
    return done
