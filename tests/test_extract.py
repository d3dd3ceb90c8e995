"""The extractor on small dumps written for each kind of evidence it reads: a web page's title line
and headline, menus and notices, pages pasted together, repeated headline blocks, lists, teasers,
dates, wire credits and datelines. None is a copy of a dev-set page."""

import dataclasses
import datetime as dt

from builder.extract import extract
from builder.model import Logistic, load_model

BODY = [
    "The foreign ministers of both countries met in the capital on Tuesday to discuss a range of regional "
    "security issues, officials said, adding that further talks were planned for the spring.",
    "Both sides agreed to keep channels of communication open and to meet again before the end of the year, "
    "according to a joint statement released after the meeting by the two governments.",
    "Analysts said the meeting was a sign that relations, which had been strained for several years by "
    "disputes over trade and history, were slowly improving after a change of government.",
    "The ministers also discussed the situation on the peninsula and agreed that their officials would hold "
    "working-level consultations on the issue in the coming weeks, the statement said.",
]
OTHER_BODY = [
    "Heavy rain flooded several districts of the port city overnight, forcing hundreds of families to leave "
    "their homes and closing schools and markets across the region, the local authorities said.",
    "Rescue teams used boats to reach residents trapped on rooftops, and the weather service warned that more "
    "rain was expected over the weekend as a second storm approached the coast from the south.",
    "The mayor said emergency shelters had been opened in sports halls and that drinking water would be "
    "delivered to the worst-hit neighbourhoods until the water treatment plant was repaired.",
]
MORE = [
    "Officials from both ministries will meet next month to prepare the agenda, which is expected to cover "
    "tariffs on steel and cars as well as the rules for public procurement, a spokesman said.",
    "Business groups in both countries welcomed the talks but warned that companies needed clear rules soon, "
    "since many of them were already planning their investments for the coming years.",
]
NAV = ["Skip to content", "Menu", "Home", "World", "Politics", "Business", "Sport", "Opinion", "Search", "Log in"]
FOOTER = ["Share this article", "Related Articles", "Ministers to meet again in spring",
          "Trade talks stall over tariffs", "About us", "Contact us", "Privacy policy", "Cookie settings",
          "© 2024 Daily Example Media. All rights reserved."]


def web_page(headline: str, body: list[str] = BODY, date_line: str = "Published: 12 March 2024",
             site: str = "Daily Example") -> list[str]:
    """A page as a browser's text view or a scraper gives it: `<title>`, menu, headline, byline,
    the text, then related links and the footer."""
    text = [line for item in body for line in ((item,) if item.startswith(("•", "*")) else (item, ""))]
    return [f"{headline} | {site}", "", *NAV, "", headline, "", "By Jane Doe", date_line, "", *text, *FOOTER]


def texts(draft):
    return [b.text for b in draft.blocks]


def test_title_line_and_headline_printed_again_give_title_publisher_and_text():
    (draft,) = extract("\n".join(web_page("Ministers agree to keep talking after rare meeting"))).drafts
    assert draft.title == "Ministers agree to keep talking after rare meeting"
    assert draft.publisher == "Daily Example"   # the title's suffix, named again in the copyright line
    assert texts(draft) == BODY                 # no menu, byline, related links or footer
    assert draft.date == dt.date(2024, 3, 12) and draft.date_source == "published, line 17"


def test_site_suffix_stays_in_the_title_when_the_page_never_names_the_site():
    lines = web_page("Ministers agree to keep talking after rare meeting", site="Regional Politics Today")
    (draft,) = extract("\n".join(lines[:-1])).drafts  # no copyright line naming the site
    assert draft.publisher is None and draft.title == "Ministers agree to keep talking after rare meeting"


def test_a_headline_worded_otherwise_than_the_title_line_is_the_one_over_the_text():
    lines = web_page("Ministers agree to keep talking after rare meeting")
    lines[lines.index("Ministers agree to keep talking after rare meeting")] = "Ministers agree at last: talks go on"
    (draft,) = extract("\n".join(lines)).drafts
    assert draft.title == "Ministers agree at last: talks go on"
    assert texts(draft) == BODY
    assert any(d.what == "headline" and "sharing most words with the title line" in d.why and d.first == 14
               for d in draft.decisions)
    # A caption standing between the headline and the text shares fewer of the title's words.
    captioned = lines[:17] + ["", "Ministers pose for a photo in the capital", ""] + lines[17:]
    (draft,) = extract("\n".join(captioned)).drafts
    assert draft.title == "Ministers agree at last: talks go on"
    # A line sharing no word with the title line is no headline: the title line stays the title.
    lines[13] = "Talks resume in the capital"
    (draft,) = extract("\n".join(lines)).drafts
    assert draft.title == "Ministers agree to keep talking after rare meeting"


def test_a_breadcrumb_sharing_the_title_lines_words_is_not_taken_for_the_headline():
    title = "Bears return to the valley after a record year | Abruzzo Valley National Park"
    lines = [title, "", *NAV, "", "Home » National Park » Valley News", "", *[x for p in BODY for x in (p, "")],
             *FOOTER]
    (draft,) = extract("\n".join(lines)).drafts
    assert draft.title == title and texts(draft) == BODY


def test_pages_pasted_together_without_a_blank_line_are_two_articles():
    dump = web_page("Ministers agree to keep talking after rare meeting") + \
        web_page("Floods force hundreds from their homes in port city", OTHER_BODY, "March 13, 2024")
    ex = extract("\n".join(dump))
    assert [d.title for d in ex.drafts] == ["Ministers agree to keep talking after rare meeting",
                                            "Floods force hundreds from their homes in port city"]
    first, second = ex.drafts
    assert texts(first) == BODY and texts(second) == OTHER_BODY
    assert second.date == dt.date(2024, 3, 13)
    (split,) = [d for d in ex.decisions if d.what == "split"]
    assert split.first == len(web_page("Ministers agree to keep talking after rare meeting")) + 1  # its title line
    assert "printed again" in split.why and "notice above" in split.why


def story_block(title: str, body: list[str], updated: str) -> list[str]:
    """An infinite-scroll news site: each story's headline, a caption, controls, the headline again."""
    return [title, "", f"Update {title}", "Officials meet in the capital. (AP)", "Short Url", updated, "Follow", "",
            title, "", title, "", *(p + "\n" for p in body), ""]


def test_repeated_headline_blocks_begin_stories_and_their_furniture_is_dropped():
    dump = story_block("Ministers agree to keep talking after rare meeting", BODY, "Updated 06 September 2024") + \
        story_block("Floods force hundreds from their homes in port city", OTHER_BODY, "Updated 2 days ago")
    ex = extract("\n".join(dump))
    first, second = ex.drafts
    assert (first.title, second.title) == ("Ministers agree to keep talking after rare meeting",
                                           "Floods force hundreds from their homes in port city")
    assert texts(first) == BODY and texts(second) == OTHER_BODY  # no caption, `Short Url`, `Follow`
    assert (first.date, first.date_source) == (dt.date(2024, 9, 6), "updated, line 6")
    # `2 days ago`, against the newest date printed beside a headline in the dump
    assert second.date == dt.date(2024, 9, 4) and second.date_source.startswith("relative, line ")


def test_headline_only_item_is_not_an_article():
    dump = story_block("Agency to be dissolved by order", [], "Updated 1 min ago") + \
        story_block("Ministers agree to keep talking after rare meeting", BODY, "Updated 1 May 2024")
    ex = extract("\n".join(dump))
    assert [d.title for d in ex.drafts] == ["Ministers agree to keep talking after rare meeting"]
    assert any(d.what == "not an article" and "Agency to be dissolved" in d.why for d in ex.decisions)


def test_page_without_a_headline_and_teasers_cut_off_after_the_story():
    teaser = ("ELECTION RESULT: The ruling party won a clear majority in the vote on Sunday, officials said, as "
              "turnout reached a record high across the country and the opposition conceded defeat in most of "
              "the districts it had hoped to take from the government in the south")
    (draft,) = extract("\n".join([*BODY, teaser, teaser.replace("ELECTION RESULT", "MARKETS")])).drafts
    assert draft.title is None and texts(draft) == BODY
    assert any(d.what == "dropped" for d in draft.decisions)


def test_links_to_other_stories_and_controls_inside_the_text_are_dropped():
    body = [BODY[0], "Read more: Ministers to meet again in spring", BODY[1], "Advertisement", BODY[2], BODY[3]]
    (draft,) = extract("\n".join(web_page("Ministers agree to keep talking after rare meeting", body))).drafts
    assert texts(draft) == BODY


def test_readers_comments_below_the_story_are_not_its_text():
    headline = "Ministers agree to keep talking after rare meeting"
    comments = [
        "I have followed these talks for years and I think both governments are finally serious about "
        "them, which is good news for everyone who lives in the region and works across the border.",
        "The statement says nothing about the disputes over trade, and until those are settled the "
        "meetings will remain what they have always been, a chance for the ministers to be photographed.",
        "My family has lived in the capital for three generations and we have heard these promises many "
        "times before, so I will believe that relations are improving when I see the results myself.",
    ]
    thread = ["3 thoughts on “Ministers agree to keep talking after rare meeting”", ""]
    for n, comment in enumerate(comments, 1):
        thread += [f"Reader {n} says:", f"1{n} March 2024 at 10:15", "", comment, "", "Reply", ""]
    lines = web_page(headline)
    lines[-len(FOOTER):-len(FOOTER)] = ["", *thread, "Leave a Reply", ""]
    extraction = extract("\n".join(lines), explain=True)
    (draft,) = extraction.drafts
    assert texts(draft) == BODY
    assert {v.kind for v in extraction.verdicts if v.text in comments} == {"furniture"}


def test_a_list_is_kept_whole_and_bullets_before_the_text_are_key_points():
    body = ["• Talks had stalled for two years", "• A new round is set for October", BODY[0],
            "The ministers agreed on three steps:", "* a hotline between the two ministries",
            "* yearly meetings of their deputies", "* a joint study of the disputed records", BODY[1], BODY[2]]
    (draft,) = extract("\n".join(web_page("Ministers agree to keep talking after rare meeting", body))).drafts
    assert draft.key_points == ("Talks had stalled for two years", "A new round is set for October")
    assert [b.kind for b in draft.blocks] == ["p", "p", "li", "li", "li", "p", "p"]


def test_wire_credit_and_dateline_become_metadata():
    body = [f"SEOUL: {BODY[0]}", *BODY[1:], "• AFP"]
    (draft,) = extract("\n".join(web_page("Ministers agree to keep talking after rare meeting", body))).drafts
    assert draft.dateline == "Seoul" and draft.wire == "AFP"
    assert texts(draft)[0] == BODY[0] and "AFP" not in " ".join(texts(draft))


def test_the_published_date_beside_the_headline_beats_dates_in_the_story():
    body = ["The agreement signed on 1 January 2020 expired last year, the ministers said in a statement "
            "after their meeting, and both governments now want a new one.", *BODY]
    lines = web_page("Ministers agree to keep talking after rare meeting", body,
                     "Updated: 14 March 2024 | Published: 12 March 2024")
    (draft,) = extract("\n".join(lines)).drafts
    assert draft.date == dt.date(2024, 3, 12) and draft.date_source.startswith("published, line ")


def test_a_byline_below_short_paragraphs_under_the_lede_still_dates_the_page():
    # How far into the text a byline may stand is counted in paragraphs of running text: one-line
    # paragraphs between the lede and the byline do not use it up.
    short = ["The talks lasted three hours.", "Both ministers smiled for the cameras.", "Neither took questions.",
             "A lunch followed at the residence.", "The mood was said to be warm.", "Aides called it a good start.",
             "More talks are planned."]
    headline = "Ministers agree to keep talking"
    lines = [f"{headline} | Daily Example", "", *NAV, "", headline, "", BODY[0], "",
             *[x for p in short for x in (p, "")], "", "By Jane Doe", "12 March 2024", "",
             *[x for p in BODY[1:] for x in (p, "")], *FOOTER]
    (draft,) = extract("\n".join(lines)).drafts
    assert texts(draft)[:8] == [BODY[0], *short]
    assert draft.date == dt.date(2024, 3, 12) and draft.date_source == f"page, line {lines.index('12 March 2024') + 1}"


def test_a_page_dated_only_under_its_text_takes_the_date_its_published_line_gives():
    headline = "Ministers agree to keep talking"
    story = BODY + MORE + OTHER_BODY    # more paragraphs than a byline may stand below the lede
    lines = [f"{headline} | Daily Example", "", *NAV, "", headline, "", *[x for p in story for x in (p, "")],
             "Archive: 2 May 2023", "Published: 3 December 2019", "", *FOOTER]
    (draft,) = extract("\n".join(lines)).drafts
    assert draft.date == dt.date(2019, 12, 3)
    assert draft.date_source == f"published, line {lines.index('Published: 3 December 2019') + 1}"


def test_numeric_dates_are_read_day_first_unless_the_dump_writes_them_month_first():
    (draft,) = extract("\n".join(web_page("Ministers agree to keep talking", date_line="04/03/2024"))).drafts
    assert draft.date == dt.date(2024, 3, 4)
    lines = web_page("Ministers agree to keep talking", date_line="04/03/2024") + ["Archive: 12/30/2023"]
    (draft,) = extract("\n".join(lines)).drafts
    assert draft.date == dt.date(2024, 4, 3)


def test_explain_gives_every_line_a_class_and_evidence():
    ex = extract("\n".join(web_page("Ministers agree to keep talking after rare meeting")), explain=True)
    kinds = {v.text: v.kind for v in ex.verdicts}
    assert kinds["Menu"] == "furniture" and kinds[BODY[0]] == "text"
    assert kinds["Ministers agree to keep talking after rare meeting"] == "headline"
    assert all(v.evidence for v in ex.verdicts)
    assert kinds["Share this article"] == "furniture"
    assert next(v for v in ex.verdicts if v.text == "Share this article").evidence.startswith("a control")
    assert not extract("\n".join(web_page("Ministers agree"))).verdicts  # only when asked for


def test_a_headline_printed_again_below_the_text_is_not_where_the_text_begins():
    # The `<title>` line's headline is printed again only in a share box under the story: the
    # story above it is the text, under its own (different) headline.
    title = "Why the talks matter | Daily Example"
    lines = [title, "", *NAV, "", "Ministers agree to keep talking after rare meeting", "By Jane Doe", "",
             *[line for item in BODY for line in (item, "")], "Share this story", "Why the talks matter",
             *FOOTER]
    (draft,) = extract("\n".join(lines)).drafts
    assert texts(draft)[-len(BODY):] == BODY


def test_text_above_the_headline_printed_again_makes_it_a_subheading_under_the_first_headline():
    # The `<title>` line printed again in full is a subheading of the text; the headline over the
    # story prints only its first part.
    lines = ["Trade ministers meet again: how the talks went | Daily Example", "", *NAV, "",
             "Trade ministers meet again", "By Jane Doe", "", BODY[0], "", BODY[1], "", BODY[2], "",
             "Trade ministers meet again: how the talks went", "", BODY[3], "", *MORE, "", *FOOTER]
    (draft,) = extract("\n".join(lines)).drafts
    assert draft.title == "Trade ministers meet again"
    assert [t for t in texts(draft) if t in BODY + MORE] == BODY + MORE


def test_extract_reads_by_the_model_it_is_given():
    # training/crossval.py scores each dump with a model trained without it.
    text = "\n".join(web_page("Ministers agree to keep talking after rare meeting"))
    shipped = load_model()
    names = shipped.context.names
    silent = Logistic(names, (0.0,) * len(names), -50.0, (0.0,) * len(names))   # every line scores 0
    nothing_is_text = dataclasses.replace(shipped, context=silent)
    assert len(extract(text).drafts) == 1
    assert extract(text, model=nothing_is_text).drafts == ()
