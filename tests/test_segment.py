"""Where pages begin, given the boundary scores: the choice made from them."""

from builder.lines import read_lines
from builder.segment import candidate, choose

PROSE = "The ministers met on Tuesday and agreed to meet again before the end of the year, officials said."


def test_a_title_line_and_its_headline_below_the_menu_begin_one_page():
    lines = read_lines("\n".join(["Talks resume | Example", "Menu", "Talks resume", PROSE,
                                        "Floods hit city | Example", "Menu", "Floods hit city", PROSE]))
    scores = [0.0, 0.1, 0.9, 0.0, 0.95, 0.1, 0.9, 0.0]
    assert choose(lines, scores, 0.7) == [0, 4]   # not 2 or 6: each repeats its page's title, no prose between


def test_a_story_with_no_text_still_ends_where_the_next_headline_begins():
    # A digest's item with no text prints its headline twice, then the next item begins.
    lines = read_lines("\n".join(["First story here", PROSE, "Headline-only item", "Headline-only item",
                                        "Second story here", PROSE]))
    assert choose(lines, [0.0, 0.0, 0.9, 0.0, 0.9, 0.0], 0.7) == [0, 2, 4]


def test_controls_and_sentences_never_begin_a_page():
    lines = read_lines("\n".join(["Read more: Talks resume in capital", PROSE, "Talks resume in capital"]))
    assert [candidate(line) for line in lines] == [False, False, True]


def test_a_copyright_line_never_begins_a_page():
    lines = read_lines("\n".join(["© Example Times | Terms", "Example Times. All Rights Reserved | Terms"]))
    assert [candidate(line) for line in lines] == [False, False]


def test_a_title_naming_another_site_below_a_copyright_line_begins_a_page_on_less_evidence():
    page = ["Talks resume | Example Times", "Menu", "Talks resume", PROSE, "© 2024 Example Times"]
    other = ["Floods hit city - Other Daily", "Home", *[PROSE] * 20]
    lines = read_lines("\n".join(page + other))
    scores = [0.0] * len(lines)
    scores[5] = 0.3                                  # below the threshold
    assert choose(lines, scores, 0.7) == [0, 5]
    lines = read_lines("\n".join(page + ["Floods hit city - Example Times", *other[1:]]))
    assert choose(lines, scores, 0.7) == [0]         # the same site: a section of the page


def test_a_title_naming_another_site_over_the_top_of_a_page_begins_a_page_on_less_evidence():
    # No notice above: the page ends in a list of sister sites. The next page's `<title>` line is
    # followed by its site's name printed again (its logo), or by its headline.
    page = ["Talks resume | Example Times", "Menu", "Talks resume", PROSE, "Sister Paper", "Another Paper"]
    scores = [0.0] * 30
    scores[6] = 0.3                                  # below the threshold
    for top in (["Other Daily", "Home"], ["Search", "Floods hit city"]):
        lines = read_lines("\n".join(page + ["Floods hit city - Other Daily", *top, *[PROSE] * 20]))
        assert choose(lines, scores, 0.7) == [0, 6]
    lines = read_lines("\n".join(page + ["Floods hit city - Other Daily", "Share", "Home", *[PROSE] * 20]))
    assert choose(lines, scores, 0.7) == [0]         # neither: the model decides


def test_a_likely_start_whose_headline_comes_first_takes_the_page_from_one_that_comes_later():
    # A comment form's notice reads like a title and is printed again by the next page's form;
    # the next page's title line, likelier, prints its own headline first.
    notice = "Your email address will not be published"
    lines = read_lines("\n".join(["Talks resume | Example", "Talks resume", PROSE, notice, "Name", "Email",
                                  "Floods hit city | Other", "Menu", "Floods hit city", PROSE, notice]))
    scores = [0.0] * len(lines)
    scores[3], scores[6] = 0.7, 0.9
    assert choose(lines, scores, 0.6) == [0, 6]
    scores[6] = 0.72                                 # not likelier by enough: the first stands
    assert choose(lines, scores, 0.6) == [0, 3]


def test_a_headline_below_a_copyright_line_with_a_menu_under_it_begins_a_page_on_less_evidence():
    page = ["Talks resume | Example Times", "Menu", "Talks resume", PROSE, "© 2024 Example Times"]
    other = ["Floods hit the port city overnight", "Home", "World", "Politics", "Sport", *[PROSE] * 20]
    lines = read_lines("\n".join(page + other))
    scores = [0.0] * len(lines)
    scores[5] = 0.3                                  # below the threshold
    assert choose(lines, scores, 0.7) == [0, 5]
    lines = read_lines("\n".join(page[:-1] + ["Contact us"] + other))
    assert choose(lines, scores, 0.7) == [0]         # no footer above it: the model decides
