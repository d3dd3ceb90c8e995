"""Editions as e-mail: `edition.eml` parsed by Python's email package, and `edition.html` opened
in Chromium."""

from __future__ import annotations

import email
import re
from email import policy
from html.parser import HTMLParser

import pytest

pytest.register_assert_rewrite("tests.browser")
from tests.browser import PREFIX, build_project, open_page, serve  # noqa: E402

pytest_plugins = ["tests.browser"]

STORIES = (("Japan and North Korea talk", "[japan-dprk]", "Kyodo"), ("Seoul & Tokyo meet", "[japan-rok]", None),
           ("Kyiv talks resume", "[ukraine-diplomacy]", "Reuters"))


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.links += [value or "" for name, value in attrs if name in ("href", "src")]


@pytest.fixture
def mailed(project):
    """A project of three articles added on 6 September 2024, built under PREFIX."""
    folder = project.root / "content" / "articles" / "2024"
    folder.mkdir(parents=True)
    for n, (title, dossiers, publisher) in enumerate(STORIES):
        extra = f"publisher: {publisher}\n" if publisher else ""
        (folder / f"s{n}.md").write_text(f"---\ntitle: {title}\ndate: 2024-09-0{n + 1}\nadded: 2024-09-06\n{extra}"
                                         f"summary: What happened in story {n}.\ndossiers: {dossiers}\n---\n\nText.\n",
                                         encoding="utf-8")
    return build_project(project.root, PREFIX)


def test_an_edition_is_a_message_with_a_plain_text_part_and_absolute_links(mailed, project):
    """Issue 17 item 4: edition.eml is multipart/alternative, a plain-text part then the e-mail
    HTML (edition.html as written beside the page), From and Subject from the config and the
    edition, dated its day; every link absolute, no script, styles inline."""
    folder = mailed / "editions" / "2024-09-06"
    message = email.message_from_bytes((folder / "edition.eml").read_bytes(), policy=policy.default)
    config = project.config
    assert message.get_content_type() == "multipart/alternative"
    assert message["Subject"] == f"{config.title}: 6 Sep 2024"
    assert message["From"].addresses[0].addr_spec == "editions@briefing.example.org"
    assert message["Date"].datetime.date().isoformat() == "2024-09-06"
    plain, html = message.iter_parts()
    assert (plain.get_content_type(), html.get_content_type()) == ("text/plain", "text/html")
    text = plain.get_content()
    assert all(title in text for title, _, _ in STORIES)
    assert "http://localhost/briefing/articles/2024/seoul-tokyo-meet/" in text
    assert html.get_content() == (folder / "edition.html").read_text(encoding="utf-8")
    parsed = _Links()
    parsed.feed(html.get_content())
    assert parsed.links and all(link.startswith("http://localhost/briefing/") for link in parsed.links), parsed.links
    assert not parsed.tags & {"script", "style", "link", "img"} and "table" in parsed.tags


def test_a_message_keeps_a_title_and_lines_beyond_ascii_and_76_characters(project):
    """The message is written out by hand (builder.mail): a title in UTF-8, a subject longer than a
    header line, "=" and long lines in the parts all read back as they were written."""
    config = project.root / "config.yaml"
    title = "Briefing – Japón et Corée, « diplomatie » = a title long enough to be folded over lines"
    text = config.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^title: .*$", f"title: {title}", text, count=1)
    config.write_text(re.sub(r"(?m)^  from: .*$", "  from: Rédaction <redaction@example.org>", text), encoding="utf-8")
    folder = project.root / "content" / "articles"
    folder.mkdir(parents=True)
    summary = "Talks = progress; " * 12
    (folder / "a.md").write_text(f"---\ntitle: Talks\ndate: 2024-09-06\nadded: 2024-09-06\nsummary: {summary}\n"
                                 "dossiers: [japan-dprk]\n---\n\nText.\n", encoding="utf-8")
    site = build_project(project.root, PREFIX)
    raw = (site / "editions" / "2024-09-06" / "edition.eml").read_bytes()
    assert raw.isascii() and max(len(line) for line in raw.splitlines()) <= 78
    message = email.message_from_bytes(raw, policy=policy.default)
    assert message["Subject"] == f"{title}: 6 Sep 2024" and message["From"].addresses[0].display_name == "Rédaction"
    plain, html = message.iter_parts()
    assert summary.strip() in plain.get_content()
    assert html.get_content() == (site / "editions" / "2024-09-06" / "edition.html").read_text(encoding="utf-8")


def test_an_edition_s_e_mail_is_rendered_once_for_both_its_files_and_has_no_place_in_the_site(mailed, project):
    """builder.pages.EditionMail: edition.html and the .eml's HTML part come from one rendering (a
    template showing a random number shows the same in both), and the e-mail's template sees no
    place in the site: `page_path` is undefined there, and the build says so."""
    from builder.errors import BuilderError
    template = project.root / "templates" / "edition-email.html"
    source = template.read_text(encoding="utf-8")
    template.write_text(source.replace("</body>", "<p>{{ range(10 ** 9) | random }}</p>\n</body>"), encoding="utf-8")
    folder = build_project(project.root, PREFIX) / "editions" / "2024-09-06"
    _, html = email.message_from_bytes((folder / "edition.eml").read_bytes(), policy=policy.default).iter_parts()
    assert html.get_content() == (folder / "edition.html").read_text(encoding="utf-8")
    template.write_text(source.replace("</body>", "{{ page_path }}</body>"), encoding="utf-8")
    with pytest.raises(BuilderError, match="page_path"):
        build_project(project.root, PREFIX)


def test_an_editions_e_mail_html_renders_its_items_in_a_browser(browser, mailed):
    """Issue 17 item 4: edition.html, opened in Chromium, shows each article's headline, date
    and summary under its dossier, in the order of the edition's page."""
    with serve(mailed) as server, open_page(browser, server.url("editions/2024-09-06/edition.html"),
                                            width=390) as (page, _):
        headings = page.locator("h2").all_inner_texts()
        titles = page.locator("h3 a").all_inner_texts()
        body = page.inner_text("body")
        scripts = page.locator("script").count()
        wide = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert [h.casefold() for h in headings] == ["japan–dprk", "japan–rok", "ukraine diplomacy"]
    assert titles == [title for title, _, _ in STORIES]
    assert "What happened in story 1." in body and "1 Sep 2024 · Kyodo" in body and scripts == 0 and wide
    assert re.search(r"3 articles added that day", body)


def test_a_short_ascii_subject_is_written_as_email_header_would_write_it():
    """mail.subject writes a short line of printable ASCII as it is, without email.header (half the
    time of a message): for subjects of every length, in words and in one long word, its answer is
    email.header's."""
    from email.header import Header

    from builder.mail import subject
    words = "The Briefing: Week of 6 Sep 2024, Japan and Korea talk again in Seoul =?x?= tabs\tand all"
    for n in range(1, len(words) + 1):
        for text in (words[:n], "x" * n):
            assert subject(text) == Header(text, header_name="Subject").encode(), text
