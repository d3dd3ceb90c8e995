"""The evidence each line carries by itself, and the languages of a dump."""

from builder.language import dump_languages
from builder.lines import read_lines


def evidence(*texts):
    return {line.text: line for line in read_lines("\n".join(texts))}


def test_controls_notices_and_links_elsewhere():
    found = evidence("Share", "Log in", "Read more: Floods hit port city", "Lesen Sie auch: Hochwasser im Hafen",
                     "© 2024 Daily Example Media", "We use cookies to improve your experience.",
                     "The minister said the talks would go on next week.")
    assert found["Share"].control and found["Log in"].control
    assert found["Read more: Floods hit port city"].control and found["Lesen Sie auch: Hochwasser im Hafen"].control
    assert evidence("Photo: AFP / KCNA VIA KNS")["Photo: AFP / KCNA VIA KNS"].control
    assert evidence("Fot. Jan Kowalski / PAP")["Fot. Jan Kowalski / PAP"].control  # Polish: `Fot.`
    assert found["© 2024 Daily Example Media"].notice and found["We use cookies to improve your experience."].notice
    prose = found["The minister said the talks would go on next week."]
    assert not prose.control and not prose.notice and prose.end_stop and prose.stop > 0.3


def test_shape_repeats_and_blank_lines():
    found = evidence("Menu", "Home", "", "Menu", "", "A Headline In Title Case", "12.03.2024 14:00")
    assert found["Menu"].repeats == 1 and found["Home"].repeats == 0
    assert found["A Headline In Title Case"].capitals == 1.0 and found["A Headline In Title Case"].blank_before
    assert found["12.03.2024 14:00"].dated and found["12.03.2024 14:00"].digits > 0.5


def test_function_words_are_counted_in_the_page_language():
    found = evidence("Der Minister sagte, dass die Gespräche in der nächsten Woche weitergehen würden.",
                     "The minister said that the talks would go on next week, and that both sides agreed.")
    assert all(line.stop > 0.3 for line in found.values())   # German and English in one dump
    assert {line.language for line in found.values()} == {"German", "English"}


def test_languages_of_a_dump():
    words = "der die und in den von the of and to a".split()
    assert dump_languages(words)[:2] == ["German", "English"]
    assert dump_languages(["xyzzy"]) == ["English"]
