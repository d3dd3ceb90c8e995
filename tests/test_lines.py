"""The evidence each line carries by itself, and the languages of a dump."""

from builder.language import dump_languages
from builder.lines import comment_thread, read_lines


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
    note = "These are external links and will open in a new window"
    assert evidence(note)[note].control          # what a page says of its links
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
    lines = [["der", "die", "und", "in", "den"], ["von", "der", "und", "die"], ["the", "of", "and", "to", "a"]]
    assert dump_languages(lines)[:2] == ["German", "English"]
    assert dump_languages([["xyzzy"]]) == ["English"]


def test_a_page_in_a_language_of_few_function_words_is_not_outvoted_by_a_long_one():
    french = "Le ministre a dit que les discussions avec les syndicats de la ville reprendront dans la semaine."
    polish = "Minister powiedział, że rozmowy ze związkami w mieście zostaną wznowione w przyszłym tygodniu."
    found = evidence(*[f"{french} ({n})" for n in range(20)], *[f"{polish} ({n})" for n in range(4)])
    assert found[f"{polish} (0)"].language == "Polish" and found[f"{french} (0)"].language == "French"


def test_lead_ins_in_other_languages_and_short_link_labels():
    lines = ["Lea más: Ministro propone nueva ley de aguas", "MIRA: Madre se acerca a la comisaría",
             "Veja também", "Más sobre La Tercera AM", "Zum Weiterlesen", "Etiquetas:", "Tags: AI, health"]
    found = evidence(*lines)
    assert all(found[t].control for t in lines)
    # A one-word lead-in needs its colon: a headline may begin with a name.
    assert not evidence("Lea Michele returns to Broadway")["Lea Michele returns to Broadway"].control
    long = "Read more about the plan and what it means for the families who live by the river."
    assert not evidence(long)[long].control


def test_a_comment_thread_s_heading_and_links_to_the_next_story_are_controls():
    lines = ["11 responses to “Floods hit port city”", "3 Kommentare", "12 komentarzy", "Write a comment",
             "Related Coverage", "Next: Ministers meet again", "PDF version", "Dołącz do dyskusji"]
    found = evidence(*lines)
    assert all(found[t].control for t in lines)
    for text in ["12 comments were sent to the council before the vote.", "Next year the port will reopen",
                 "5 thoughts on the talks", "3 responses to the housing crisis"]:
        assert not evidence(text)[text].control


def test_where_a_comment_thread_begins():
    threads = ["11 responses to “Floods hit port city”", "3 Kommentare", "Leave a Reply", "Deja un comentario",
               "Dołącz do dyskusji"]
    others = ["Related Coverage", "Comments", "Reply", "5 thoughts on the talks"]
    found = evidence(*threads, *others)
    assert [t for t in threads + others if comment_thread(found[t])] == threads


def test_a_caption_ending_in_its_credit_is_a_credit():
    captions = ["Die Ministerin sprach am Mittwoch in Berlin mit dem Premier. Foto: Max Muster",
                "Praca w magazynie, zdjęcie ilustracyjne / Źródło: Pixabay",
                "The minister arrives for the talks in Geneva (Photo: AFP)"]
    found = evidence(*captions)
    assert all(found[t].control for t in captions)
    prose = ("The report, which the ministry published on Monday after months of delay, says the photo "
             "agency was paid twice for the same work.")
    assert not evidence(prose)[prose].control
    two = "Officials released satellite images. The ministry declined to comment"
    assert not evidence(two)[two].control    # a sentence ending in `images.` is no credit


def test_a_credit_after_a_slash_or_a_copyright_sign_or_photo_by_is_a_credit():
    credits = ["Flooded streets in the old town / Shutterstock", "Storm over the harbour © Jan Muster / Agentur",
               "Le piquet de grève dans le hall / (C) Kab Niang", "Photo by Jane Doe on Unsplash",
               "Photograph by John Smith, Harbour Restoration Project"]
    found = evidence(*credits)
    assert all(found[t].control for t in credits)
    # A sentence ending in a name after a slash is no caption, nor is a headline ending in a number.
    for text in ["Ministers met the union leaders on Monday and Tuesday / Wednesday.", "Floods in 2024 / 2025",
                 "Photography by the river is a growing hobby among pensioners in the town", "Russia / Ukraine",
                 "Wahl in Berlin / Die Grünen", "Picture by picture, the story unfolds",
                 "Bild von Merkel sorgt für Aufregung"]:
        assert not evidence(text)[text].control


def test_notices_in_other_languages():
    notices = ["Materiał chroniony prawem autorskim - zasady przedruków określa regulamin.",
               "Alle Angaben ohne Gewähr.", "Wir respektieren deine Privatsphäre",
               "Jede Woche neu: die wichtigsten Nachrichten. Kostenlos abonnieren:"]
    found = evidence(*notices)
    assert all(found[t].notice for t in notices)


def test_invisible_characters_hide_no_full_stop():
    # A page may end every line with an invisible separator (U+2063) or a word joiner (U+2060),
    # or mark its direction (U+200F): the line still ends like a sentence.
    lines = read_lines("Add the beansprouts and the greens.\u2063\nStir well and serve.\u2060\u200f")
    assert [line.text for line in lines] == ["Add the beansprouts and the greens.", "Stir well and serve."]
    assert all(line.end_stop for line in lines)
