"""config.yaml schema: defaults, unknown keys, every problem at once with its line, query errors."""

from __future__ import annotations

import pytest

from builder.config import load_config
from builder.errors import BuilderError

MINIMAL = """\
title: T
dossiers:
  - slug: one
    title: One
    query: japan AND korea
"""


def write(tmp_path, text):
    path = tmp_path / "config.yaml"
    path.write_text(text)
    return path


def test_defaults_and_paths(tmp_path):
    config = load_config(write(tmp_path, MINIMAL))
    assert config.base_url == "/" and config.content_dir == tmp_path / "content"
    assert config.dossiers[0].min_score == 1 and config.dossiers[0].query.text == "japan AND korea"


def test_repository_config_loads():
    from tests.conftest import REPO
    config = load_config(REPO / "config.yaml")
    assert [d.slug for d in config.dossiers] == ["japan-dprk", "japan-rok", "ukraine-diplomacy"]


def test_base_url_override_and_normalisation(tmp_path):
    config = load_config(write(tmp_path, MINIMAL), base_url="https://example.org/briefing")
    assert config.base_url == "https://example.org/briefing/"


def errors_of(tmp_path, text: str) -> str:
    with pytest.raises(BuilderError) as info:
        load_config(write(tmp_path, text))
    return str(info.value)


def test_all_problems_reported_at_once_with_lines(tmp_path):
    text = MINIMAL + """\
  - slug: Bad Slug
    title: Two
    query: japan AND korea OR seoul
colour: blue
site:
  latest: 0
"""
    message = errors_of(tmp_path, text)
    assert "config.yaml:6: dossier slug 'Bad Slug'" in message
    assert "config.yaml:8: dossier 'Bad Slug': ambiguous mix of AND and OR" in message
    assert "config.yaml:9: unknown key 'colour'" in message
    assert "config.yaml:11: 'latest'" in message
    assert message.count("\nerror: ") == 3 and message.index(":6:") < message.index(":8:") < message.index(":9:")


def test_query_error_shows_caret_and_yaml_line(tmp_path):
    message = errors_of(tmp_path, MINIMAL.replace("query: japan AND korea", "query: japan AND korea OR seoul"))
    assert "config.yaml:5:" in message
    assert "^" in message and "(japan AND korea) OR seoul" in message


def test_block_query_error_points_at_its_line(tmp_path):
    message = errors_of(tmp_path, MINIMAL.replace("query: japan AND korea", "query: |\n      japan\n      AND (korea"))
    assert "config.yaml:7:" in message


def test_broken_yaml_names_line(tmp_path):
    with pytest.raises(BuilderError) as info:
        load_config(write(tmp_path, "title: [unclosed\n"))
    assert "config.yaml:" in str(info.value) and "invalid YAML" in str(info.value)


def test_missing_config_is_one_clear_error(tmp_path):
    with pytest.raises(BuilderError, match="no config file"):
        load_config(tmp_path / "config.yaml")


def test_people_aliases_map_every_spelling_to_the_name(tmp_path):
    config = load_config(write(tmp_path, MINIMAL + "people:\n  Volodymyr Zelensky: [Zelenskiy, Volodymyr Zelenskyy]\n"))
    assert config.people == {"volodymyr zelensky": "Volodymyr Zelensky", "zelenskiy": "Volodymyr Zelensky",
                             "volodymyr zelenskyy": "Volodymyr Zelensky"}
    assert load_config(write(tmp_path, MINIMAL)).people == {}


def test_people_problems_name_their_line(tmp_path):
    text = (MINIMAL + "people:\n  Kim Jong Un: Kim Jong-un\n  Volodymyr Zelensky: [Zelenskiy]\n"
            "  Vladimir Zelensky: [Zelenskiy]\n")
    with pytest.raises(BuilderError) as caught:
        load_config(write(tmp_path, text))
    message = str(caught.value)
    assert "config.yaml:7: 'Kim Jong Un': expected a list of other spellings" in message
    assert "config.yaml:9: 'Zelenskiy' is listed for both 'Volodymyr Zelensky' and 'Vladimir Zelensky'" in message


def test_a_number_where_text_is_expected_is_an_error_at_its_line(tmp_path):
    """`title: 5` (or a folder, a slug given as a number) is told at its line, not a traceback."""
    message = errors_of(tmp_path, "title: 5\n" + MINIMAL.replace("title: T\n", "") + "paths:\n  seeds: 7\n")
    assert "config.yaml:1: 'title': must be text, got 5" in message
    assert "config.yaml:7: 'seeds': must be text, got 7" in message


def test_dossiers_without_slugs_are_each_an_error(tmp_path):
    """Two dossiers lacking `slug:` are two missing keys, not a crash comparing their slugs."""
    message = errors_of(tmp_path, "title: T\ndossiers:\n  - title: A\n    query: a\n  - title: B\n    query: b\n")
    assert "config.yaml:3: missing required key 'slug'" in message
    assert "config.yaml:5: missing required key 'slug'" in message


def test_a_config_key_is_one_field_of_config(tmp_path):
    """A key added as one field of `Config` (as README's contributor notes say) is read with its
    default, refused at its line, and named among the keys its section allows."""
    from tests.conftest import run_with_line
    write(tmp_path, MINIMAL + "site:\n  footer: Made in Seoul\n")
    (tmp_path / "bad.yaml").write_text(MINIMAL + "site:\n  footer: [x]\n  colour: blue\n")
    (tmp_path / "none.yaml").write_text(MINIMAL)
    out = run_with_line(
        tmp_path, "config", '    cname: str | None = setting("site.cname", _text, None)',
        '    footer: str = setting("site.footer", _text, "")', '''
        from builder.config import load_config
        from builder.errors import BuilderError
        print(repr(load_config("config.yaml").footer), repr(load_config("none.yaml").footer))
        try:
            load_config("bad.yaml")
        except BuilderError as exc:
            print(exc)
        ''')
    assert out == ("'Made in Seoul' ''\n"
                   "bad.yaml:7: 'footer' must be a single value\n"
                   "error: bad.yaml:8: unknown key 'colour' in site "
                   "(expected one of: cname, footer, latest, page_size)\n")


def test_editions_are_daily_or_weekly_and_mail_from_is_an_address(tmp_path):
    """Issue 17 item 2: `editions:` defaults to daily; another cadence or a `mail.from` that is no
    address is told at its line."""
    assert load_config(write(tmp_path, MINIMAL)).editions == "daily"
    weekly = load_config(write(tmp_path, MINIMAL + "editions: weekly\nmail:\n  from: B <e@example.org>\n"))
    assert (weekly.editions, weekly.mail_from) == ("weekly", "B <e@example.org>")
    with pytest.raises(BuilderError) as info:
        load_config(write(tmp_path, MINIMAL + "editions: hourly\nmail:\n  from: nobody\n"))
    assert ":6: 'editions': must be one of daily, weekly" in str(info.value)
    assert ":8: 'from': must be a mail address" in str(info.value)
