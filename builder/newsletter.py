"""`.eml` seeds: an e-mail newsletter (a digest) split into its stories, each an article with its own
title, link and date; sponsor blocks and the footer are dropped by what they say, never by who sent them."""

from __future__ import annotations

import datetime as dt
import email
import itertools
import re
from dataclasses import dataclass
from email import errors as mail_errors, policy
from email.message import EmailMessage, MIMEPart
from email.utils import parseaddr
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from builder.content import FIELDS
from builder.dates import find_dates, month_first
from builder.errors import BuilderError
from builder.extract import Block, Decision, Draft, Extraction, Verdict
from builder.files import web_encoding

# A story's line numbers are those of the mail's text as this reader lays it out, one block (a
# paragraph, a heading, a list item) a line: an HTML part may be one long line, and `explain` lists
# these lines with their numbers.

STORY_WORDS = 12        # fewer words of text than this is no story (a section label, a greeting)
TITLE_WORDS = 20        # a line longer than this is no headline
SHORT = 15              # words of a line without a closing stop a footer may hold (an address, a name)
DATE_REACH = 3          # lines below a story's headline where it may print its own date
DATE_LINE = 80          # characters: a longer line holding a date is running text, not a dateline
DATE_WORDS = 3          # words besides its date a dateline may hold (`Published`, `· 4 min read`)
DEPTH = 256             # elements open at once: one deeper opens nothing (its text is read as its parent's)

_SKIPPED = frozenset("script style head title noscript template svg object iframe".split())
_VOID = frozenset("br hr img meta link input wbr col area base source embed param track".split())
_BLOCKS = frozenset("""p div td th tr table tbody thead tfoot li ul ol dl dt dd h1 h2 h3 h4 h5 h6 blockquote
pre center section article header footer main aside nav figure figcaption caption address form br hr""".split())
_HEADINGS = frozenset("h1 h2 h3 h4 h5 h6".split())
_BOLD = frozenset("b strong".split())
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden|max-height\s*:\s*0|font-size\s*:\s*0",
                     re.I)

# What a sponsor's block says of itself: a label that is the whole line (`Sponsored`, `Ad`), or
# one that opens a short line and names the sponsor (`Presented by Acme`).
_SPONSOR = re.compile(
    r"^\W*(?:(?:sponsored|sponsor|(?:an?\s+)?advertisement|advertorial|ad|anzeige|werbung|publicité|publicidad|"
    r"patrocinado|promoted)\W*$|(?:sponsored\s+(?:by|content|post|message|link)|sponsor\s+message|"
    r"paid\s+(?:post|content|partnership|promotion)|presented\s+by|brought\s+to\s+you\s+by|"
    r"partner(?:ed)?\s+content|from\s+our\s+(?:sponsors?|partners?)|"
    r"a\s+(?:word|message)\s+from\s+our\s+(?:sponsors?|partners?)|promoted\s+by)\b)", re.I)
_SPONSOR_MARK = re.compile(r"[(\[]\s*(?:sponsored|sponsor|ad|advertisement|partner)\s*[)\]]", re.I)
LABEL_WORDS = 8         # a label is short: a longer line opening with `Presented by` is a sentence
# What a newsletter's footer (or a notice between its stories) says: universal mailing-list wording,
# told at any length, and legal wording, told only in a short line (a story may be about copyright).
_MAILING = re.compile(
    r"unsubscribe|opt[- ]out|manage\s+(?:your\s+)?(?:subscriptions?|(?:e-?mail\s+)?preferences|settings)|"
    r"update\s+(?:your\s+)?(?:preferences|subscription|profile)|e-?mail\s+preferences|"
    r"you(?:'re|’re|\s+are)\s+receiving\s+this|you\s+received\s+this|received\s+this\s+(?:e-?mail|message)|"
    r"this\s+(?:e-?mail|message)\s+was\s+sent|view\s+(?:this\s+(?:e-?mail|newsletter)\s+|it\s+)?(?:in|on)\s+"
    r"(?:your|a|the)\s+(?:browser|web)|forward(?:ed)?\s+(?:this|to\s+a\s+friend)|was\s+this\s+(?:e-?mail\s+)?"
    r"forwarded|add\s+us\s+to\s+your\s+address\s+book|mailing\s+address|no\s+longer\s+wish|abmelden|"
    r"abbestellen|désinscri|darse\s+de\s+baja", re.I)
_LEGAL = re.compile(r"©|\bcopyright\b|all\s+rights\s+reserved|privacy\s+policy|terms\s+of\s+(?:use|service)",
                    re.I)
_READ_MORE = re.compile(r"^\W*(?:read\s+(?:more|the\s+(?:full\s+)?(?:story|article|piece))|continue\s+reading|"
                        r"full\s+story|more\s+here|weiterlesen|lire\s+la\s+suite|leer\s+más|leggi)\b", re.I)
_URL = re.compile(r"<?(https?://[^\s<>()\"]+[^\s<>()\".,;:!?])>?|\((https?://[^\s<>()\"]+)\)")
# Query parameters of mailers and ad networks that say who clicked, not what page.
_TRACKING = re.compile(r"(?:utm_\w+|fbclid|gclid|dclid|gbraid|wbraid|msclkid|yclid|igshid|twclid|mc_cid|mc_eid|"
                       r"_hsenc|_hsmi|mkt_tok|vero_id|vero_conv|oly_anon_id|oly_enc_id|ck_subscriber_id|__s|"
                       r"ml_subscriber|ml_subscriber_hash|sc_cid|rb_clickid|s_cid)$", re.I)
_RULE = re.compile(r"^\s*([-=_*~#])(?:\s*\1){2,}\s*$")
_ITEM = re.compile(r"^\s*(?:[-*•·]|\d+[.)])\s+")
_END_STOP = re.compile(r"[.!:;…][\"'”’)\]]*$")


@dataclass(frozen=True)
class _Line:
    """One block of the mail's text as laid out: a paragraph, a heading, a list item or a rule."""
    number: int
    kind: str                          # p, h, li, or hr (a rule between sections)
    text: str
    links: tuple[tuple[str, str], ...]  # (address, its text) in order
    linked: bool                       # all its text is a link's
    bold: bool                         # all its text is bold

    @property
    def words(self) -> int:
        return len(self.text.split())


# --- the mail -----------------------------------------------------------------------------------

def read_newsletter(data: bytes, path: Path, explain: bool = False) -> Extraction:
    """An `.eml` seed: its HTML part when it has one, else its text part, split into stories."""
    if b"\0" in data:
        raise BuilderError("is binary, not an e-mail (it contains NUL bytes)", path)
    message = email.message_from_bytes(data, policy=policy.default)
    assert isinstance(message, EmailMessage), "policy.default makes EmailMessages"
    if not message.keys():
        raise BuilderError("is not an e-mail: it does not begin with headers (From:, Subject:, Date:)", path)
    # Forwarded as an attachment: the newsletter is the attached mail (the note around it is the
    # forwarder's), unless the mail holds HTML of its own.
    while message.get_body(preferencelist=("html",)) is None and (attached := _attached(message)) is not None:
        message = attached
    part = message.get_body(preferencelist=("html", "plain"))
    if part is None:
        raise BuilderError("holds no HTML or text part to read", path)
    text = _part_text(part, path)
    html = part.get_content_subtype() == "html"
    lines = _html_lines(text) if html else _text_lines(text)
    if not lines:
        raise BuilderError(f"its {'HTML' if html else 'text'} part holds no text", path)
    return _Newsletter(message, lines, explain).extraction()


def _attached(message: EmailMessage) -> EmailMessage | None:
    """The first mail attached to `message` (message/rfc822), if any."""
    for part in message.iter_attachments():
        if part.get_content_type() == "message/rfc822":
            inner = part.get_content()
            if isinstance(inner, EmailMessage):
                return inner
    return None


def _part_text(part: MIMEPart, path: Path) -> str:
    """The part's text in the charset its headers name (UTF-8 when they name none), refused when it
    is damaged rather than read with holes."""
    what = "HTML" if part.get_content_subtype() == "html" else "text"
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        raise BuilderError(f"its {what} part cannot be decoded", path)
    if any(isinstance(d, (mail_errors.InvalidBase64CharactersDefect, mail_errors.InvalidBase64LengthDefect,
                          mail_errors.InvalidBase64PaddingDefect)) for d in part.defects):
        raise BuilderError(f"its {what} part is damaged (not valid base64)", path)
    charset = part.get_content_charset() or "utf-8"
    codec = web_encoding(charset)
    if codec is None:
        raise BuilderError(f"its {what} part names the charset {charset!r}, which no browser or mail program reads",
                           path)
    try:
        return payload.decode(codec)
    except UnicodeDecodeError as exc:
        raise BuilderError(f"its {what} part is not {charset} (byte 0x{payload[exc.start]:02x} at offset "
                           f"{exc.start}) as its headers say", path) from None


def _web(url: str) -> str | None:
    """`url` when it is an address a page may link, as `url:` takes them; else None."""
    try:
        return FIELDS["url"].parse("url", url.strip())
    except ValueError:   # no web address (`http://[oops` among them)
        return None


# --- an HTML part into lines --------------------------------------------------------------------

class _Layout(HTMLParser):
    """An HTML part's visible text, one line per block; scripts, styles and hidden text left out.
    What is open is counted as it opens and closes, so each piece of text costs the same however
    deep it is."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[_Line] = []
        self.open: list[tuple[str, bool]] = []       # (tag, hidden) of each open element
        self.count: dict[str, int] = {}              # open elements by tag
        self.kinds: list[str] = []                   # h or li, of each open heading or list item
        self.hidden = 0                              # open elements whose text is not shown
        self.chunks: list[tuple[str, str | None, bool]] = []   # (text, link, bold) since the last block
        self.links: list[str] = []                   # the web address of each open `a`
        self.bold = 0                                # open elements making text bold (a heading too)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS:
            self.flush()
        if tag == "hr" and not self.hidden:
            self.add("hr", "", (), False, False)
        if tag in _VOID or len(self.open) == DEPTH:
            return
        values = dict(attrs)
        hide = tag in _SKIPPED or "hidden" in values or _HIDDEN.search(values.get("style") or "") is not None
        self.open.append((tag, hide))
        self.count[tag] = self.count.get(tag, 0) + 1
        self.hidden += hide
        if tag == "a":
            self.links.append(_web(values.get("href") or "") or "")   # "": a link, but none a page may have
        if tag in _HEADINGS or tag == "li":
            self.kinds.append("li" if tag == "li" else "h")
        self.bold += tag in _BOLD or tag in _HEADINGS

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCKS:
            self.flush()
        if not self.count.get(tag):
            return   # a stray end tag: nothing to close
        while self.open:
            name, hide = self.open.pop()
            self.count[name] -= 1
            self.hidden -= hide
            if name == "a" and self.links:
                self.links.pop()
            if name in _HEADINGS or name == "li":
                self.kinds.pop()
            self.bold -= name in _BOLD or name in _HEADINGS
            if name == tag:
                break
        if tag in _BLOCKS:
            self.flush()

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            link = self.links[-1] if self.links else None
            self.chunks.append((data, link, self.bold > 0))

    def flush(self) -> None:
        chunks, self.chunks = self.chunks, []
        text = " ".join("".join(c for c, _, _ in chunks).split())
        if not text:
            return
        shown = [(" ".join(c.split()), link, bold) for c, link, bold in chunks if c.strip()]
        # Pieces of one link, text outside links between them or not, are its text.
        links = [(link, " ".join(chunk for chunk, _, _ in group))
                 for link, group in itertools.groupby((s for s in shown if s[1]), key=lambda s: s[1])]
        self.add(self.kinds[-1] if self.kinds else "p", text, tuple(links),
                 all(link is not None for _, link, _ in shown), all(bold for _, _, bold in shown))

    def add(self, kind: str, text: str, links: tuple[tuple[str, str], ...], linked: bool, bold: bool) -> None:
        if kind == "hr" and (not self.lines or self.lines[-1].kind == "hr"):
            return   # a rule says something only between two blocks
        self.lines.append(_Line(len(self.lines) + 1, kind, text, links, linked, bold))


def _html_lines(html: str) -> list[_Line]:
    layout = _Layout()
    layout.feed(html)
    layout.close()
    layout.flush()
    return layout.lines


# --- a text part into lines ---------------------------------------------------------------------

def _text_lines(text: str) -> list[_Line]:
    """A text part's paragraphs (lines joined up to a blank line), list items, rules, and headings
    (a short paragraph of one line with no closing stop, or one underlined); an address alone on
    its line is the link of the line above it."""
    out: list[_Line] = []
    paragraph: list[str] = []

    def add(kind: str, raw: str) -> None:
        links = tuple((url, "") for m in _URL.finditer(raw) if (url := _web(m.group(1) or m.group(2))))
        shown = " ".join(_URL.sub("", raw).split()).rstrip(":–—- ")
        if not shown and links and out and not out[-1].links and out[-1].kind != "hr":
            last = out[-1]   # `Title` then its address below it
            out[-1] = _Line(last.number, last.kind, last.text, ((links[0][0], last.text),), True, last.bold)
            return
        if kind == "p" and len(shown.split()) <= TITLE_WORDS and not _END_STOP.search(shown) and "\n" not in raw:
            kind = "h"
        # A short line with its address is a headline link or a `Read more` link, all of it linked.
        linked = bool(links) and kind != "p"
        links = tuple((url, shown if linked else "") for url, _ in links)
        out.append(_Line(len(out) + 1, kind, shown or raw.strip(), links, linked, False))

    def close() -> None:
        if paragraph:
            add("p", "\n".join(paragraph))
            paragraph.clear()

    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if not raw.strip():
            close()
        elif _RULE.match(raw):
            if len(paragraph) == 1 and raw.strip()[0] in "=-":   # `Title` underlined
                add("h", paragraph.pop())
            else:
                close()
                if out and out[-1].kind != "hr":
                    out.append(_Line(len(out) + 1, "hr", "", (), False, False))
        elif _ITEM.match(raw):
            close()
            add("li", _ITEM.sub("", raw))
        elif _URL.fullmatch(raw.strip()):
            close()
            add("p", raw)
        else:
            paragraph.append(raw.strip())
    close()
    return out


# --- lines into stories -------------------------------------------------------------------------

def _notice(line: _Line) -> bool:
    return _MAILING.search(line.text) is not None or (line.words <= SHORT and _LEGAL.search(line.text) is not None)


def _sponsor(line: _Line) -> bool:
    """A sponsor's label (`Sponsored`, `Presented by Acme`), or a headline marked as one."""
    return (line.words <= LABEL_WORDS and _SPONSOR.match(line.text) is not None) or \
        _SPONSOR_MARK.search(line.text) is not None


def _link_only(line: _Line) -> bool:
    return line.kind != "hr" and line.linked


class _Newsletter:
    """One mail's lines, with what each is (the text of a story, its headline, or dropped, and why)."""

    def __init__(self, message: EmailMessage, lines: list[_Line], explain: bool):
        self.lines, self.explain = lines, explain
        self.subject = " ".join(str(message.get("Subject") or "").split())
        header = message.get("Date")
        when = getattr(header, "datetime", None)
        self.date: dt.date | None = when.date() if when is not None else None
        name, _ = parseaddr(str(message.get("From") or ""))
        self.publisher = name.strip() or None
        self.why: dict[int, str] = {}      # line number -> why it is not a story's text
        self.decisions: list[Decision] = []
        self.heads: set[int] = set()       # line numbers of the stories' headlines
        self.headline_at: dict[int, str] = {}   # index of a line that begins a story -> the evidence
        self.day_first = not month_first("\n".join(line.text for line in lines))

    def drop(self, lines: list[_Line], what: str, why: str) -> None:
        """Drop `lines`, one decision for them all."""
        lines = [line for line in lines if line.number not in self.why]
        if lines:
            for line in lines:
                self.why[line.number] = why
            self.decisions.append(Decision(lines[0].number, lines[-1].number, what, why))

    def extraction(self) -> Extraction:
        lines = self.lines[:self.footer()]
        starts = self.headlines(lines)
        if not starts:
            starts = [0]   # no headlines: the mail is one story, titled by its subject
        self.drop(lines[:starts[0]], "dropped", "above the first story: the newsletter's masthead and greeting")
        drafts = []
        for a, b in zip(starts, starts[1:] + [len(lines)]):
            made = self.story(lines[a:b], titled=a in self.headline_at)
            if made is not None:
                drafts.append(made)
        verdicts = tuple(self.verdicts()) if self.explain else ()
        return Extraction(tuple(drafts), tuple(sorted(self.decisions, key=lambda d: d.first)), verdicts)

    def footer(self) -> int:
        """Where the footer begins (len(lines) when there is none): the first line of mailing-list
        notices in the run of short lines, links and notices that ends the mail."""
        k = len(self.lines)
        while k and (_notice(self.lines[k - 1]) or _link_only(self.lines[k - 1]) or self.lines[k - 1].kind == "hr"
                     or (self.lines[k - 1].words <= SHORT and not _END_STOP.search(self.lines[k - 1].text))):
            k -= 1
        start = next((n for n in range(k, len(self.lines)) if _notice(self.lines[n])), len(self.lines))
        self.drop(self.lines[start:], "footer", "the newsletter's footer: from a mailing-list notice "
                  f"({self.lines[start].text[:60]!r}) to the end" if start < len(self.lines) else "")
        return start

    def headlines(self, lines: list[_Line]) -> list[int]:
        """Indexes of the lines that begin a story: a heading, or a short line all bold or all a link,
        with text below it; not the mail's subject printed as its masthead, nor a `Read more` link."""
        for k, line in enumerate(lines):
            below = next((lines[j] for j in range(k + 1, len(lines)) if lines[j].kind != "hr"), None)
            if line.kind == "hr" or below is None or line.words > TITLE_WORDS or _READ_MORE.match(line.text):
                continue
            if line.kind == "h":
                evidence = "a heading"
            elif (line.bold or line.linked) and below.kind in ("p", "li") and not _END_STOP.search(line.text):
                evidence = "a short line all in bold" if line.bold else "a short line that is all a link"
            else:
                continue
            if self.dateline(line):
                continue
            if self.masthead(line):
                self.drop([line], "dropped", "the newsletter's masthead: the mail's subject or its sender's name")
                continue
            if _MAILING.search(line.text):   # `Manage your preferences` in bold: a notice, not a story
                continue
            self.headline_at[k] = evidence
        return sorted(self.headline_at)

    def dateline(self, line: _Line) -> dt.date | None:
        """The date a line prints when it is little else (`Published March 2, 2025`, `Mar 2, 2025 · 4
        min read`): a longer line holding a date is running text or a headline."""
        found = find_dates(line.text, self.day_first) if len(line.text) <= DATE_LINE else []
        rest = line.text
        for _, words in found:
            rest = rest.replace(words, " ")
        return found[0][0] if found and len(rest.split()) <= DATE_WORDS else None

    def masthead(self, line: _Line) -> bool:
        """The line is the newsletter's name (the sender's), or the mail's subject, printed on top."""
        text = line.text.casefold()
        return any(name and (text == name.casefold() or self.subject.casefold().startswith(f"{text}:"))
                   for name in (self.subject, self.publisher))

    def story(self, lines: list[_Line], titled: bool) -> Draft | None:
        """The story these lines hold (its headline first when `titled`), or None with the decision
        saying why they hold none."""
        head = lines[0] if titled else None
        body = lines[1:] if titled else lines
        while body and body[-1].kind == "hr":
            body = body[:-1]
        # A sponsor's label right above the next headline is the next story's, dropped with it.
        if body and _sponsor(body[-1]) and not (head is not None and _sponsor_story(self.lines, head, body)):
            body = body[:-1]
        if head is not None and _sponsor_story(self.lines, head, body):
            label = next(line for line in _markers(self.lines, head, body) if _sponsor(line))
            self.drop([*_markers(self.lines, head, [])[1:], *lines], "sponsor",
                      f"a sponsor's story, labelled {label.text[:60]!r}")
            return None
        for n, line in enumerate(body):
            if _sponsor(line):
                self.drop(body[n:], "sponsor", f"a sponsor's block, from its label {line.text[:40]!r} to the "
                          "next story")
                body = body[:n]
                break
        decisions: list[Decision] = []

        def drop(line: _Line, why: str) -> None:
            self.why[line.number] = why
            decisions.append(Decision(line.number, line.number, "dropped", why))

        date, date_source = self.date, "the mail's Date header" if self.date else None
        for n, line in enumerate(body):
            if line.kind == "hr" or line.number in self.why:
                continue
            own = self.dateline(line)
            if head is not None and own and n < DATE_REACH and date is self.date:
                date, date_source = own, f"the story's own date, line {line.number}"
                drop(line, "the story's date line")
            elif _notice(line) and line.words <= SHORT:   # `Forward this to a friend` between stories
                drop(line, "a mailing-list notice")
            elif _link_only(line):
                drop(line, "a line that is only a link")
        blocks = tuple(Block(line.kind, line.text, line.number) for line in body
                       if line.kind != "hr" and line.number not in self.why)
        words = sum(len(b.text.split()) for b in blocks if b.kind != "h")
        first, last = lines[0].number, (body[-1] if body else lines[0]).number
        if words < STORY_WORDS:
            why = f"{words} word(s) of text, fewer than {STORY_WORDS}: no story"
            self.decisions.append(Decision(first, last, "not an article", why))
            for line in lines:
                self.why.setdefault(line.number, why)
            return None
        if head is not None:
            title: str | None = head.text
            evidence = f"{self.headline_at[head.number - 1]}, line {head.number}"
            self.heads.add(head.number)
            self.decisions.append(Decision(first, first, "split", f"a story begins at its headline: {evidence}"))
            decisions.insert(0, Decision(first, first, "headline", f"headline {title!r}: {evidence}"))
        else:
            title = self.subject or None
            decisions.insert(0, Decision(first, first, "headline", f"no headlines in the mail: its subject {title!r}"))
        url, url_source = _story_link(head, body)
        if url:
            decisions.append(Decision(first, last, "url", f"{url} ({url_source})"))
        if date_source:
            decisions.append(Decision(first, last, "date", f"{date} ({date_source})"))
        return Draft(title=title, blocks=blocks, key_points=(), date=date, date_source=date_source, dateline=None,
                     wire=None, publisher=self.publisher, lines=(first, last), decisions=tuple(decisions),
                     url=url, url_source=url_source)

    def verdicts(self) -> list[Verdict]:
        out = []
        for line in self.lines:
            shown = line.text or "----"
            if line.number in self.heads:
                out.append(Verdict(line.number, shown, "headline", 1.0, "a story's headline"))
            elif line.number in self.why or line.kind == "hr":
                out.append(Verdict(line.number, shown, "furniture", 0.0, self.why.get(line.number, "a rule")))
            else:
                out.append(Verdict(line.number, shown, "text", 1.0, "a story's text"))
        return out


def _markers(lines: list[_Line], head: _Line, body: list[_Line]) -> list[_Line]:
    """Where a sponsor's label marking a story may be: its headline, the line above it (a rule
    between them aside), the two lines below it."""
    k = head.number - 2
    while k >= 0 and lines[k].kind == "hr":
        k -= 1
    return [head, *lines[k:k + 1], *[line for line in body if line.kind != "hr"][:2]]


def _sponsor_story(lines: list[_Line], head: _Line, body: list[_Line]) -> bool:
    return any(_sponsor(line) for line in _markers(lines, head, body))


def _story_link(head: _Line | None, body: list[_Line]) -> tuple[str | None, str | None]:
    """The story's link, less the mailer's tracking parameters (url: is the story's address)."""
    url, where = _linked(head, body)
    return (_untracked(url) if url else None), where


def _untracked(url: str) -> str:
    """`url` without the query parameters that only track who clicked (`utm_source`, `fbclid`...);
    the others as they were, in their order."""
    parts = urlsplit(url)
    query = parts.query.split("&")
    kept = [p for p in query if not _TRACKING.match(p.partition("=")[0])]
    return url if len(kept) == len(query) else urlunsplit(parts._replace(query="&".join(kept)))


def _linked(head: _Line | None, body: list[_Line]) -> tuple[str | None, str | None]:
    """The story's link: its headline's, else its `Read more` link, else the one address it links."""
    if head is not None and head.links:
        return head.links[0][0], "the story's headline link in the newsletter"
    for line in body:
        if line.links and _READ_MORE.match(line.text):
            return line.links[0][0], f"the story's {line.text[:30]!r} link in the newsletter"
    addresses = {url for line in body for url, _ in line.links}
    if len(addresses) == 1:
        return addresses.pop(), "the one link in the story's text in the newsletter"
    return None, None
