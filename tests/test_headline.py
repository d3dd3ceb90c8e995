"""Headlines: the parts of a `<title>` line, the site behind it, and where a page prints it again."""

from builder.headline import page_headline, split_site, title_parts
from builder.lines import read_lines


def lines(*texts):
    return read_lines("\n".join(texts))


def test_title_parts_are_runs_between_separators():
    parts = title_parts("Open Progress - Why thinking together wins | Open Future | The Economist")
    assert {"why thinking together wins", "the economist", "open progress", "open future the economist"} <= parts
    assert "penny" not in title_parts("Penny - Stardew Valley Wiki")  # one short word: too common to trust


def test_the_site_comes_off_a_title_only_when_the_page_names_it_again():
    page = lines("Floods hit port city | Daily Example", "Menu", "© 2024 Daily Example Media")
    assert split_site(page[0].text, page) == ("Floods hit port city", "Daily Example")
    page = lines("Floods hit port city - Regional News", "Menu", "Some text about floods.")
    assert split_site(page[0].text, page) == ("Floods hit port city - Regional News", None)
    page = lines("Daily Example | Floods hit port city", "Daily Example", "© Daily Example")
    assert split_site(page[0].text, page) == ("Floods hit port city", "Daily Example")
    # An acronym is a name however short; a short word of the text is not.
    page = lines("Floods hit port city - CNN", "Search CNN", "© 2024 Cable News Network")
    assert split_site(page[0].text, page) == ("Floods hit port city", "CNN")
    page = lines("Floods hit port city - Sea", "The sea rose over the quays.", "The sea fell.")
    assert split_site(page[0].text, page) == ("Floods hit port city - Sea", None)
    page = lines("Trade talks stall - UK", "UK ministers met.", "The UK said so.", "Talks in the UK.")
    assert split_site(page[0].text, page) == ("Trade talks stall - UK", None)  # a country as often


def test_the_headline_is_the_line_repeating_most_of_the_title():
    page = lines("Floods hit port city | Daily Example", "Daily Example", "Menu", "Floods hit port city", "Text.")
    assert page_headline(page) == 3   # not the logo line, which repeats only the site's name
    assert page_headline(lines("The text begins at once, with no headline at all.", "More text.")) is None


def test_of_two_parts_printed_again_as_long_the_title_s_first_is_the_headline():
    # The site's name and tagline, as long as the headline, in the logo over the text too.
    page = lines("Floods hit the port city again - Daily Example - News, Views and Weather", "",
                 "Daily Example - News, Views and Weather", "", "Floods hit the port city again", "",
                 "Heavy rain flooded several districts of the port city overnight, the authorities said.")
    assert page_headline(page) == 2   # blank lines are not lines of the page


def test_the_site_is_the_end_of_the_title_the_page_names_more_often():
    # The headline is printed again too (over the story), once; the blog's name in its logo and
    # its copyright line.
    page = lines("Paper cuts (3) | Notes from the Shed", "Notes from the Shed", "Paper cuts (3)",
                 "© Notes from the Shed")
    assert split_site(page[0].text, page) == ("Paper cuts (3)", "Notes from the Shed")
