"""An edition as an e-mail message (`edition.eml`): its e-mail HTML and a plain-text part, in
MIME, for a curator to send with any mail program."""

from __future__ import annotations

import base64
import datetime as dt
import functools
import hashlib
from email import utils
from email.header import Header
from urllib.parse import urlsplit

from builder.config import Config
from builder.editions import Edition
from builder.render import absolute_root, shortdate


def sender(config: Config) -> str:
    """`mail.from`, else the briefing's title at `editions@` its host."""
    host = _host(config)
    return config.mail_from or f"{config.title} <editions@{host}>"


def plain_text(config: Config, edition: Edition) -> str:
    """The edition as plain text: its headlines under their dossiers, each with its address."""
    root = absolute_root(config.base_url)
    lines = [f"{config.title}: {edition.title}", ""]
    if edition.intro.body.strip():
        lines += [edition.intro.body.strip(), ""]
    for group in edition.groups:
        name = group.dossier.title if group.dossier else "Not yet filed"
        lines += [name, "-" * len(name), ""]
        for entry in group.entries:
            a = entry.article
            when = shortdate(a.date)
            lines += [f"* {a.title}", f"  {when}{' · ' + a.publisher if a.publisher else ''}"]
            if a.summary:
                lines.append(f"  {a.summary}")
            lines += [f"  {root}{entry.url}", ""]
    lines += [f"This edition on the web: {root}{edition.url}", ""]
    return "\n".join(lines)


def message(config: Config, edition: Edition, html: str) -> str:
    """The message: From and Subject from the config and the edition, dated its day; a plain-text
    part and `html`. Its boundary and Message-ID come from its content, so a build is reproducible."""
    text = plain_text(config, edition)
    # Base64 has no "-" or "_": no line of a part can be the boundary. (Quoted-printable, which keeps
    # the text legible, took three quarters of a message's time: bench/README.md.)
    boundary = "=_" + hashlib.sha256((text + html).encode("utf-8")).hexdigest()[:32]
    headers = {
        "From": _from(sender(config)),
        "Subject": subject(f"{config.title}: {edition.title}"),
        "Date": utils.format_datetime(dt.datetime.combine(edition.date, dt.time(), dt.UTC)),
        "Message-ID": f"<edition-{edition.date.isoformat()}@{_host(config)}>",
        "MIME-Version": "1.0",
        "Content-Type": f'multipart/alternative;\n boundary="{boundary}"',
    }
    # Written out rather than with email.message.EmailMessage, which parses every header it is
    # given and is many times slower (bench/README.md); the tests read it back with the email package.
    parts = [f'--{boundary}\nContent-Type: text/{subtype}; charset="utf-8"\n'
             f"Content-Transfer-Encoding: base64\n\n" + base64.encodebytes(body.encode("utf-8")).decode("ascii")
             for subtype, body in (("plain", text), ("html", html))]
    return "".join(f"{key}: {value}\n" for key, value in headers.items()) + "\n" + "".join(parts) + f"--{boundary}--\n"


def subject(text: str) -> str:
    """The Subject header's value: encoded as UTF-8 and folded by email.header when need be. A short
    line of printable ASCII needs neither, and writing it as it is took half the time of a message."""
    if text.isascii() and text.isprintable() and len(text) <= SHORT_SUBJECT:
        return text
    return Header(text, header_name="Subject").encode()


SHORT_SUBJECT = 60   # characters: with "Subject: " within the 76 of a line that email.header keeps whole


@functools.cache   # one sender a build, parsed once rather than for each of its editions
def _from(sender: str) -> str:
    return utils.formataddr(utils.parseaddr(sender), charset="utf-8")


def _host(config: Config) -> str:
    """The published site's host (localhost for a preview), which the edition's mail is from."""
    return urlsplit(absolute_root(config.base_url)).hostname or "localhost"
