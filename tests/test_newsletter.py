"""Issue 18: `.eml` seeds, e-mail newsletters split into their stories (title, link, date each),
sponsor blocks and footers dropped; text-only, multipart/alternative and broken mails."""

from __future__ import annotations

import email
import shutil
from email import policy
from email.message import EmailMessage
from pathlib import Path

import pytest
import yaml

import builder.newsletter as newsletter_module
from builder.explain import explain_seed
from builder.ingest import ingest
from builder.markdown import markdown_renderer
from builder.newsletter import DEPTH, _Layout

FIXTURES = Path(__file__).parent / "fixtures"
DIGEST = FIXTURES / "newsletter-four-stories-sponsor-footer.eml"


def front(text: str) -> dict:
    return yaml.safe_load(text.split("---\n")[1])


def articles(project) -> list[tuple[dict, str]]:
    return [(front(text), text.split("---\n", 2)[2]) for text in project.articles().values()]


def test_a_newsletter_gives_an_article_per_story_with_title_link_and_date(project):
    """Issue 18: the acceptance mail (4 stories, 1 sponsor block, a footer) gives 4 articles with
    titles, links (url:) and dates, and no sponsor or footer text."""
    shutil.copy(DIGEST, project.root / "seeds" / DIGEST.name)
    report = ingest(project.config)
    assert not report.problems
    found = {meta["title"]: meta for meta, _ in articles(project)}
    assert {title: (meta["url"], str(meta["date"]), meta["date_source"]) for title, meta in found.items()} == {
        "Japan and South Korea agree to resume shuttle diplomacy": (
            "https://news.example.com/2025/03/japan-korea-shuttle-diplomacy", "2025-03-02",
            "the story's own date, line 5"),
        "Ukraine and Russia exchange prisoners after talks in Istanbul": (
            "https://wire.example.org/ukraine-prisoner-exchange", "2025-03-04", "the mail's Date header"),
        "North Korea prepares a second satellite launch, analysts say": (
            "https://analysis.example.com/north-korea-satellite", "2025-03-04", "the mail's Date header"),
        "Tokyo hosts a conference on abductions by North Korea": (
            "https://abductions.example.jp/conference-2025", "2025-03-04", "the mail's Date header"),
    }
    assert found["Tokyo hosts a conference on abductions by North Korea"]["url_source"] == \
        "the story's 'Read the full story' link in the newsletter"
    assert {meta["publisher"] for meta in found.values()} == {"The Morning Brief"}
    everything = "\n".join(project.articles().values())
    for gone in ("Acme", "SPONSORED", "receiving this email", "Unsubscribe", "Harbour Street", "© 2025",
                 "View this email", "Good morning", "preheader", "PLAIN PART"):
        assert gone not in everything
    assert not any("Read more" in body or "Read the full story" in body for _, body in articles(project))


def test_markup_in_a_newsletter_never_reaches_a_page(project):
    """Issue 18: a script element in the mail is not text; markup the story quotes as text stays text."""
    shutil.copy(DIGEST, project.root / "seeds" / DIGEST.name)
    ingest(project.config)
    body = next(body for meta, body in articles(project) if meta["title"].startswith("Ukraine"))
    assert "INJECTED SCRIPT TEXT" not in body and "document.write" not in body
    assert r'\<script\>alert("quoted")\</script\>' in body
    html = markdown_renderer().render(body)
    assert "<script" not in html and '&lt;script&gt;alert(&quot;quoted&quot;)&lt;/script&gt;' in html


def test_explain_shows_each_split_and_what_was_dropped(project):
    """Issue 18: `explain SEED.eml` tells each split, the sponsor's story and the footer, with lines."""
    seed = shutil.copy(DIGEST, project.root / "seeds" / DIGEST.name)
    out = explain_seed(project.config, Path(seed))
    assert f"explain: {seed}: 4 article(s)" in out
    assert "-- split at line 12: a story begins at its headline: a heading, line 12" in out
    assert "-- split at line 15: a story begins at its headline: a short line all in bold, line 15" in out
    assert "-- sponsor, lines 9-11: a sponsor's story, labelled 'SPONSORED'" in out
    assert "-- footer, lines 21-24: the newsletter's footer: from a mailing-list notice" in out
    assert "the story's date line" in out and "a line that is only a link" in out


TEXT_DIGEST = """\
From: Korea Watch <digest@koreawatch.example>
Subject: Korea Watch weekly
Date: Fri, 07 Mar 2025 18:00:00 +0000
Content-Type: text/plain; charset=utf-8

Korea Watch weekly

Seoul and Tokyo sign a new intelligence-sharing pact
https://koreawatch.example/2025/pact

South Korea and Japan signed an agreement on Thursday to share real-time
warnings of North Korean missile launches, officials in both capitals said.

----

Sponsored

Learn Korean in thirty days with the LinguaFast app, now with a free trial
for every new subscriber who signs up this week.

----

Pyongyang warns of response to joint drills
https://koreawatch.example/2025/drills
Posted March 6, 2025

North Korea warned on Thursday of an overwhelming response to joint military
exercises by the United States and South Korea, its state media reported.

--
You received this message because you subscribed to Korea Watch.
Unsubscribe: https://koreawatch.example/unsubscribe
"""


def test_a_text_only_mail_is_split_as_its_html_would_be(project):
    """Issue 18: a mail with only a text part: stories under their title lines, each with the address
    below its title, the sponsor and the footer dropped; a story's own date before the mail's."""
    project.seed("korea-watch.eml", TEXT_DIGEST)
    report = ingest(project.config)
    assert not report.problems
    found = sorted((meta["title"], meta["url"], str(meta["date"])) for meta, _ in articles(project))
    assert found == [
        ("Pyongyang warns of response to joint drills", "https://koreawatch.example/2025/drills", "2025-03-06"),
        ("Seoul and Tokyo sign a new intelligence-sharing pact", "https://koreawatch.example/2025/pact",
         "2025-03-07"),
    ]
    everything = "\n".join(project.articles().values())
    for gone in ("LinguaFast", "Sponsored", "received this message", "Unsubscribe", "Korea Watch weekly"):
        assert gone not in everything
    assert "South Korea and Japan signed an agreement on Thursday to share real-time warnings" in everything


def test_a_multipart_alternative_mail_is_read_from_its_html_in_its_own_charset(project):
    """Issue 18: multipart/alternative, its HTML part in ISO-8859-1 and base64 as its headers say; an
    address a page may not link (javascript:) is no story's url."""
    mail = EmailMessage()
    mail["From"], mail["Subject"], mail["Date"] = "Europa Notes <n@europa.example>", "Notes", \
        "Mon, 10 Mar 2025 08:00:00 +0100"
    mail.set_content("Only the text part: not read when there is HTML.\n")
    mail.add_alternative(
        "<h2><a href='javascript:alert(1)'>Kyiv café owners reopen after the winter blackouts</a></h2>"
        "<p>Café owners in Kyiv reopened their doors this week after months of blackouts, saying that "
        "customers were returning despite the cold.</p>", subtype="html", charset="iso-8859-1", cte="base64")
    data = mail.as_bytes()
    assert "café".encode("latin-1") not in data   # base64: the reader decodes it
    project.seed("notes.eml", data)
    report = ingest(project.config)
    assert not report.problems
    [(meta, body)] = articles(project)
    assert meta["title"] == "Kyiv café owners reopen after the winter blackouts"
    assert "url" not in meta and "Only the text part" not in body and "Café owners in Kyiv" in body


def test_a_mail_without_headlines_is_one_story_titled_by_its_subject(project):
    """Issue 18: a forwarded article, not a digest: one article, its title the mail's subject."""
    project.seed("one.eml", "From: A <a@example.org>\nSubject: Japan raises its defence budget\n"
                 "Date: Wed, 05 Mar 2025 09:00:00 +0000\n\nJapan's cabinet approved a record defence budget "
                 "on Wednesday, with more money for missiles that could strike bases abroad.\n")
    ingest(project.config)
    [(meta, body)] = articles(project)
    assert meta["title"] == "Japan raises its defence budget" and str(meta["date"]) == "2025-03-05"
    assert body.strip().startswith("Japan's cabinet approved")


@pytest.mark.parametrize("data, why", [
    (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "is binary, not an e-mail (it contains NUL bytes)"),
    (b"Dear all, here is the text I pasted.\n",
     "is not an e-mail: it does not begin with headers (From:, Subject:, Date:)"),
    (b"Subject: x\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n!!notbase64=\n",
     "its text part is damaged (not valid base64)"),
    (b"Subject: x\nContent-Type: text/html; charset=x-klingon\n\n<p>hi</p>\n",
     "its HTML part names the charset 'x-klingon', which no browser or mail program reads"),
    (b"Subject: x\nContent-Type: text/plain; charset=utf-8\n\nna\xefve\n",
     "its text part is not utf-8 (byte 0xef at offset 2) as its headers say"),
    (b"Subject: x\nContent-Type: image/png\n\nxxxx\n", "holds no HTML or text part to read"),
])
def test_a_broken_mail_is_one_line_naming_it_and_the_others_go_on(project, data, why):
    """Issue 18: a mail that cannot be read is refused with one line naming the file; the others are ingested."""
    bad = project.seed("bad.eml", data)
    shutil.copy(DIGEST, project.root / "seeds" / DIGEST.name)
    report = ingest(project.config)
    assert [str(p) for p in report.problems] == [f"{bad}: seed {why}; skipped"]
    assert len(project.articles()) == 4


def test_a_story_that_speaks_of_copyright_or_ads_keeps_its_lines(project):
    """Issue 18: the words of a notice or a sponsor's label inside a story's own sentences, or opening
    its headline, are the story's: only short lines saying them are notices or labels."""
    project.seed("words.eml", """\
From: Tech Brief <t@techbrief.example>
Subject: Tech Brief
Date: Thu, 06 Mar 2025 07:00:00 +0000
Content-Type: text/html; charset=utf-8

<h2><a href="https://news.example.com/copyright">Together with Seoul, Tokyo drafts a copyright treaty</a></h2>
<p>Japan and South Korea are drafting a treaty on copyright, officials said on Wednesday, so that
artists in both countries are paid when their work is streamed across the border.</p>
<p>Users who want to unsubscribe from streaming services would keep the right to do so under the
draft, and all rights reserved by publishers would be registered in both countries.</p>
<h2><a href="https://news.example.com/ads">Ad hoc talks on the tariffs resume in Geneva</a></h2>
<p>Negotiators from the two countries resumed talks on tariffs in Geneva on Thursday, after a pause of
three months, trade officials said, hoping for an agreement before the summer.</p>
""")
    ingest(project.config)
    bodies = {meta["title"]: body for meta, body in articles(project)}
    assert set(bodies) == {"Together with Seoul, Tokyo drafts a copyright treaty",
                           "Ad hoc talks on the tariffs resume in Geneva"}
    assert "Users who want to unsubscribe" in bodies["Together with Seoul, Tokyo drafts a copyright treaty"]


@pytest.mark.parametrize("charset", ["undefined", "punycode", "utf-7", "unicode_escape"])
def test_a_mail_in_a_charset_no_mail_program_reads_is_one_line(project, charset):
    """Issue 18 review: a part whose charset Python knows but no browser or mail program reads
    (`undefined`, `punycode` raised UnicodeError; UTF-7, `unicode_escape` read text into other text)
    is refused in one line like an unknown one, and the others are ingested."""
    bad = project.seed("bad.eml", f"Subject: x\nContent-Type: text/html; charset={charset}\n\n<p>hi</p>\n")
    shutil.copy(DIGEST, project.root / "seeds" / DIGEST.name)
    report = ingest(project.config)
    assert [str(p) for p in report.problems] == [
        f"{bad}: seed its HTML part names the charset {charset!r}, which no browser or mail program reads; skipped"]
    assert len(project.articles()) == 4


def test_a_link_urlsplit_refuses_is_no_story_s_url(project):
    """Issue 18 review: an address urlsplit refuses (`http://[oops/x`, a ValueError) is a link a page
    may not have: the story is read without it, the rest of the ingest goes on."""
    project.seed("oops.eml", """\
From: Tech Brief <t@techbrief.example>
Subject: Tech Brief
Date: Thu, 06 Mar 2025 07:00:00 +0000
Content-Type: text/html; charset=utf-8

<h2><a href="http://[oops/x">Negotiators resume tariff talks in Geneva</a></h2>
<p>Negotiators from the two countries resumed talks on tariffs in Geneva on Thursday, after a pause of
three months, trade officials said, hoping for an agreement before the summer.</p>
""")
    report = ingest(project.config)
    assert not report.problems
    [(meta, body)] = articles(project)
    assert meta["title"] == "Negotiators resume tariff talks in Geneva" and "url" not in meta


def test_a_mail_of_elements_never_closed_is_read_in_one_pass(project):
    """Issue 18 review: `<span>word ` repeated, none closed, made each piece of text look through
    every open element (220 KB took seconds, growing with the square of the size): the open
    elements are counted and their nesting capped, so a 2 MB mail of them is read at once; text and
    blocks beyond the cap read as those at it. Each of a mail's lines no longer copies those below it."""
    layout = _Layout()
    layout.feed("<p>" + "<span>word <p>" * 3 * DEPTH)
    assert len(layout.open) == DEPTH
    words, paragraphs = 200_000, 50_000
    head = "From: A <a@example.org>\nDate: Wed, 05 Mar 2025 09:00:00 +0000\nContent-Type: text/html; charset=utf-8\n"
    project.seed("unclosed.eml", f"{head}Subject: Deep\n\n<p>" + "<span>word " * words + "</p>\n")
    project.seed("lines.eml", f"{head}Subject: Long\n\n" + "<span><p>line " * paragraphs)
    report = ingest(project.config)
    assert not report.problems
    found = {meta["title"]: body for meta, body in articles(project)}
    assert found["Deep"].split() == ["word"] * words
    assert found["Long"].strip().split("\n\n") == ["line"] * paragraphs


@pytest.mark.parametrize("note", [None, "Worth a read, see below."])
def test_a_newsletter_forwarded_as_an_attachment_is_read_from_the_attached_mail(project, note):
    """Issue 18 review: a newsletter forwarded as an attachment (message/rfc822), with or without a
    note of the one forwarding it, was refused as holding no HTML or text part: the attached mail
    is read, its own subject, sender and date with it."""
    newsletter = email.message_from_bytes(DIGEST.read_bytes(), policy=policy.default)
    forward = EmailMessage()
    forward["From"], forward["Subject"] = "A curator <c@example.org>", "Fwd: The Morning Brief"
    forward["Date"] = "Sat, 08 Mar 2025 10:00:00 +0000"
    if note:
        forward.set_content(note)
    forward.add_attachment(newsletter)
    project.seed("forwarded.eml", forward.as_bytes())
    report = ingest(project.config)
    assert not report.problems
    found = [meta for meta, _ in articles(project)]
    assert len(found) == 4 and {meta["publisher"] for meta in found} == {"The Morning Brief"}
    assert "2025-03-04" in {str(meta["date"]) for meta in found}


def test_a_story_s_link_loses_its_tracking_parameters(project):
    """Issue 18 review: a newsletter's links carry the mailer's tracking (utm_*, fbclid, mc_eid...):
    the url: is the story's address without them, its other parameters and fragment as they were."""
    link = "https://news.example.com/a?id=7&amp;utm_source=brief&amp;utm_medium=email&amp;fbclid=x1&amp;mc_eid=e2" \
        "&amp;page=2#top"
    project.seed("tracked.eml", f"""\
From: Tech Brief <t@techbrief.example>
Subject: Tech Brief
Date: Thu, 06 Mar 2025 07:00:00 +0000
Content-Type: text/html; charset=utf-8

<h2><a href="{link}">Negotiators resume tariff talks in Geneva</a></h2>
<p>Negotiators from the two countries resumed talks on tariffs in Geneva on Thursday, after a pause of
three months, trade officials said, hoping for an agreement before the summer.</p>
""")
    ingest(project.config)
    [(meta, _)] = articles(project)
    assert meta["url"] == "https://news.example.com/a?id=7&page=2#top"


def test_the_newsletter_s_least_story_is_not_named_as_extract_s_least_article():
    """Issue 18 review: newsletter.MIN_WORDS shadowed extract.MIN_WORDS, another rule of the same name."""
    assert not hasattr(newsletter_module, "MIN_WORDS") and newsletter_module.STORY_WORDS
