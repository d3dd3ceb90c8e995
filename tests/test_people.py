"""People named in an article: one name per person, across spellings, line breaks and aliases."""

from builder.people import find_people, same_person


def test_a_name_never_runs_across_a_line_break():
    # The headline's last word before a role line used to join the name ("Says Russian ... Lavrov").
    text = "Talks Still Far Off, Lavrov Says\n\nRussian Foreign Minister Sergei Lavrov said talks were far off."
    assert find_people(text) == ["Sergei Lavrov"]


def test_two_spellings_of_a_surname_are_one_person_under_the_commoner():
    text = ("President Volodymyr Zelensky said on Monday. President Volodymyr Zelenskyy told reporters. "
            "Ukrainian President Volodymyr Zelensky added that talks would go on.")
    assert find_people(text) == ["Volodymyr Zelensky"]


def test_different_people_stay_apart():
    assert not same_person("Kim Jong Un", "Kim Jong Il")      # the given name differs, and is short
    assert not same_person("Fumio Kishida", "Fumio Kishidas Aide")
    assert same_person("Volodymyr Zelensky", "Volodymyr Zelenskiy")


def test_aliases_from_the_config_name_the_person_as_the_curator_writes_it():
    aliases = {"volodymyr zelenskiy": "Volodymyr Zelensky", "volodymyr zelensky": "Volodymyr Zelensky"}
    assert find_people("President Volodymyr Zelenskiy said.", aliases) == ["Volodymyr Zelensky"]


def test_furniture_is_never_searched_for_people():
    # Only the headline and the text go in; a menu line reading like a name is not there.
    assert find_people("Purchase Licensing Rights\n\nThe minister said nothing.") == []
