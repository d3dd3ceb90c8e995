"""Splitting and cleaning on synthetic dumps in each page pattern, plus unknown-site shapes."""

import datetime as dt

from builder.extract import extract

BODY = ("The foreign ministers met in the capital on Tuesday to discuss a range of regional security "
        "issues, officials said, adding that further talks were planned.")
BODY2 = ("Both sides agreed to keep channels of communication open and to meet again before the end of "
         "the year, according to a joint statement released after the meeting.")


def _texts(draft):
    return [b.text for b in draft.blocks]


def test_repeated_headline_blocks_with_caption_and_logo_split_into_articles():
    # Asharq Al-Awsat shape: headline, caption twice, logo, headline, caption twice, body.
    dump = []
    for n, (title, caption) in enumerate([
        ("Envoys Meet in Geneva on Grain Corridor", "Delegates arrive in Geneva, Switzerland March 3, 2023. (Reuters)"),
        ("Second Round of Talks Ends Without Deal", "A file photo of the venue (AFP)"),
    ]):
        dump += [title, "", caption, caption, "TT", "", title, "", caption, caption, "", BODY, "", BODY2, "", "", ""]
    ex = extract("\n".join(dump))
    assert [d.title for d in ex.drafts] == ["Envoys Meet in Geneva on Grain Corridor",
                                            "Second Round of Talks Ends Without Deal"]
    first, second = ex.drafts
    assert _texts(first) == [BODY, BODY2]
    assert first.date == dt.date(2023, 3, 3) and first.date_source == "caption"
    assert second.date is None
    assert ex.publisher == "Asharq Al-Awsat"
    assert any(d.what == "caption" for d in first.decisions)


def test_update_short_url_follow_header_with_key_points_and_dateline():
    # Arab News shape.
    title = "Leaders agree to revive stalled trade talks"
    dump = [title, "", f"Update {title}", "Two leaders shake hands in Tokyo on May 2, 2024. (AP)", "Short Url",
            "Updated 06 September 2024", "Follow", "", title, "", title,
            "  • Talks had stalled for two years", "  • A new round is set for October", "",
            f"TOKYO: {BODY}", "", "NEXT STEPS", "", BODY2]
    (draft,) = extract("\n".join(dump)).drafts
    assert draft.title == title
    assert draft.date == dt.date(2024, 9, 6) and draft.date_source == "updated"
    assert draft.key_points == ("Talks had stalled for two years", "A new round is set for October")
    assert draft.dateline == "Tokyo"
    assert [(b.kind, b.text) for b in draft.blocks] == [("p", BODY), ("h", "NEXT STEPS"), ("p", BODY2)]


def test_relative_update_time_resolves_against_newest_date_in_dump():
    dump = []
    for title, updated in [("Ministers hold emergency call on ceasefire", "Updated 7 min 35 sec ago"),
                           ("Court rules on disputed election results", "Updated 2 days ago"),
                           ("Rebels seize town despite calls for truce", "Updated 21 March 2025")]:
        dump += [title, "", title, updated, "Follow", "", title, "", title, "", BODY, BODY2, "", ""]
    drafts = extract("\n".join(dump)).drafts
    assert [(d.date, d.date_source) for d in drafts] == [
        (dt.date(2025, 3, 21), "relative"), (dt.date(2025, 3, 19), "relative"), (dt.date(2025, 3, 21), "updated")]


def test_headline_only_item_is_not_an_article():
    dump = ["Agency to be dissolved by order", "", "Agency to be dissolved by order", "Updated 1 min ago",
            "Follow", "", "Agency to be dissolved by order", "", "Agency to be dissolved by order", "",
            "Talks resume on border dispute", "", "Talks resume on border dispute", "Updated 1 May 2024",
            "Follow", "", "Talks resume on border dispute", "", BODY, BODY2]
    ex = extract("\n".join(dump))
    assert [d.title for d in ex.drafts] == ["Talks resume on border dispute"]
    assert any("headline-only" in d.why for d in ex.decisions)


def test_one_paragraph_per_line_without_headline_drops_cut_off_teasers():
    # Taipei Times shape: no headline, no blank lines, teasers cut mid-sentence after the story.
    teaser = ("ELECTION RESULT: The ruling party won a clear majority in the vote on Sunday, officials said, "
              "as turnout reached a record high across the country ") * 4 + "and the opposition had"
    plain_teaser = ("A separate story about a football match that was postponed because of the weather and "
                    "then rescheduled for later in the season ") * 4 + "while fans were"
    dump = [BODY, BODY2, "Photo: AFP / KCNA VIA KNS", BODY, teaser, plain_teaser]
    ex = extract("\n".join(dump))
    (draft,) = ex.drafts
    assert draft.title is None
    assert _texts(draft) == [BODY, BODY2, BODY]
    assert sum(d.what == "teaser" for d in draft.decisions) == 2
    assert ex.publisher == "Taipei Times"


def test_seo_headline_prompts_related_link_wire_credit_and_footer():
    # Politicoscope shape.
    dump = ["Leaders Meet - World News - Summit Report", "", "Subscribe to Our Newsletter", "",
            "Subscribe to our daily newsletter to receive the latest coverage delivered to your email inbox.",
            "", BODY, "", "You May Also Like:   Another Story About Something Else", "", BODY2, "", "  • AFP", "",
            "Thank you for visiting Was this information helpful?", "+ Share it with friends.", "",
            "Donate now to help us provide more story like this.", "", "Leave a Reply"]
    (draft,) = extract("\n".join(dump)).drafts
    assert draft.title == "Leaders Meet - World News - Summit Report"
    assert _texts(draft) == [BODY, BODY2]
    assert draft.wire == "AFP"


def test_unknown_site_gets_generic_treatment():
    dump = ["Menu", "Search", "", "Ceasefire talks to resume next week, mediators say", "", "By Staff Writer",
            "", BODY, "", BODY2, "", "Share this article", "Advertisement", "", BODY, "", "Related Articles",
            "Some other headline", "Another headline"]
    ex = extract("\n".join(dump))
    (draft,) = ex.drafts
    assert draft.title == "Ceasefire talks to resume next week, mediators say"
    assert BODY in _texts(draft) and "Some other headline" not in _texts(draft)
    assert "Share this article" not in _texts(draft) and "Advertisement" not in _texts(draft)
    assert draft.publisher is None


def test_star_bullets_inside_body_become_list_items():
    dump = ["Talks make progress, minister says", "", "Talks make progress, minister says", "", BODY, "",
            "* First point of the agreement was reached.", "", "* Second point is still open."]
    (draft,) = extract("\n".join(dump)).drafts
    assert [b.kind for b in draft.blocks] == ["p", "li", "li"]


def test_decisions_name_lines():
    dump = ["Talks make progress, minister says", "", "Talks make progress, minister says", "Follow", "",
            BODY, BODY2]
    (draft,) = extract("\n".join(dump)).drafts
    assert draft.lines == (1, 7)
    assert any(d.first == 4 and d.what == "dropped" for d in draft.decisions)


def test_headline_opening_with_a_curly_quote_is_a_headline():
    title = "‘Great opportunity’: leaders agree to resume talks"
    (draft,) = extract("\n".join([title, "", f"Update {title}", "Follow", "", title, "", BODY, BODY2])).drafts
    assert draft.title == title
