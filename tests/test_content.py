"""Front matter read/write: round trips, line-numbered errors, curator keys kept."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from builder.content import Article, Source, dump, parse_article, set_keys
from builder.errors import BuilderError


def test_round_trip_keeps_unknown_curator_keys():
    text = "---\ntitle: A\ndate: 2024-01-02\nremark: keep me\n---\n\nBody.\n"
    article = parse_article(text, Path("x.md"), Path("x.md"))
    assert article.extra == {"remark": "keep me"} and article.date == dt.date(2024, 1, 2)
    assert parse_article(dump(article), Path("x.md"), Path("x.md")) == article


def test_dump_is_deterministic_and_quotes_hostile_text():
    article = Article(path="a.md", title="Say: \"hi\" <script>", body="Text.",
                      source=Source("s.txt", (1, 9), "ab"), dossiers=(), id="x")
    assert dump(article) == dump(article)
    assert parse_article(dump(article), Path("a"), Path("a")).title == "Say: \"hi\" <script>"


@pytest.mark.parametrize("text, line, words", [
    ("---\ntitle: A\n  bad: [\n---\nx\n", 3, "front matter"),
    ("---\ntitle: A\ndate: someday\n---\nx\n", 3, "date"),
    ("---\ndate: 2024-01-01\n---\nx\n", 1, "title"),
    ("---\ntitle: A\nstatus: maybe\n---\nx\n", 3, "status"),
    ("---\ntitle: A\n", 1, "closing"),
])
def test_errors_name_file_and_line(text, line, words):
    with pytest.raises(BuilderError) as info:
        parse_article(text, Path("content/a.md"), Path("a.md"))
    assert info.value.line == line and words in str(info.value) and info.value.file == "content/a.md"


def test_set_keys_changes_only_those_keys():
    text = "---\ntitle: Mine   # my comment\ndossiers:\n- a\nstatus: published\nextra: 1\n---\n\nBody.\n"
    out = set_keys(text, {"dossiers": ["b"], "status": "unfiled"}, Path("x.md"))
    assert out.startswith("---\ntitle: Mine   # my comment\nextra: 1\n")
    article = parse_article(out, Path("x"), Path("x"))
    assert article.dossiers == ("b",) and article.status == "unfiled" and article.body == "Body.\n"


import yaml  # noqa: E402
from hypothesis import given, strategies as st  # noqa: E402

from builder.content import _scalar  # noqa: E402


@given(st.one_of(st.text(), st.none(), st.booleans(), st.integers(), st.dates()))
def test_any_scalar_survives_the_front_matter_emitter(value):
    assert yaml.safe_load(f"k: {_scalar(value)}") == {"k": value}


def _alias_bomb(levels: int = 9) -> str:
    """A few hundred bytes of front matter whose aliases make 9**levels values."""
    lines = ["title: Bomb", 'a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, levels)]
    return "---\n" + "\n".join(lines) + "\n---\n\nBody.\n"


@pytest.mark.parametrize("text, line", [("---\ntitle: &t A\nsummary: *t\n---\nx\n", 3), (_alias_bomb(), 4)])
def test_aliases_in_front_matter_are_refused_with_file_and_line(text, line):
    """Issue 15 item 6: a YAML alias bomb (nine levels of aliases in 544 bytes) is refused at the
    first alias with `FILE:LINE:`, before anything expands it; so is any alias."""
    with pytest.raises(BuilderError) as info:
        parse_article(text, Path("content/a.md"), Path("a.md"))
    assert str(info.value).startswith(f"content/a.md:{line}: front matter: an alias (*")
    assert "write the value out" in str(info.value)


def test_an_ampersand_in_front_matter_is_no_anchor():
    """Issue 15 item 6: only aliases are refused; `&` in a text is text."""
    article = parse_article('---\ntitle: Trade & Security\nsummary: "A & B"\n---\nx\n', Path("a.md"), Path("a.md"))
    assert (article.title, article.summary) == ("Trade & Security", "A & B")


@pytest.mark.parametrize("value", ["3", "true"])
def test_other_sources_that_are_no_list_are_an_error_at_their_line(value):
    """`other_sources: 3` is told at its line, not a traceback."""
    with pytest.raises(BuilderError) as info:
        parse_article(f"---\ntitle: A\nother_sources: {value}\n---\nx\n", Path("content/a.md"), Path("a.md"))
    assert str(info.value) == "content/a.md:3: 'other_sources' must be a list of sources"


def test_a_front_matter_key_is_one_field_of_article(tmp_path):
    """A key added as one field of `Article` (as README's contributor notes say) is read into it,
    refused at its line, written back in its place and left out where a file lacks it."""
    from tests.conftest import run_with_line
    out = run_with_line(
        tmp_path, "content", '    summary: str = field(default="", metadata=_key(_text))',
        '    topics: tuple[str, ...] = field(default=(), metadata=_key(_strings, write=list))', r'''
        from pathlib import Path
        from builder.content import dump, parse_article
        from builder.errors import BuilderError
        text = "---\ntopics: [trade, chips]\ntitle: A\nremark: mine\n---\n\nBody.\n"
        article = parse_article(text, Path("a.md"), "a.md")
        print(article.topics, article.extra)
        print(dump(article) + dump(parse_article("---\ntitle: B\n---\nx\n", Path("b.md"), "b.md")))
        try:
            parse_article("---\ntitle: C\ntopics: {x: 1}\n---\nx\n", Path("c.md"), "c.md")
        except BuilderError as exc:
            print(exc)
        ''')
    assert out == ("('trade', 'chips') {'remark': 'mine'}\n"
                   "---\ntitle: A\ndate: null\ntopics:\n- trade\n- chips\nremark: mine\n---\n\nBody.\n"
                   "---\ntitle: B\ndate: null\n---\n\nx\n\n"
                   "c.md:3: 'topics' must be a list of text\n")


@pytest.mark.parametrize("value", ["javascript:alert(1)", "ftp://example.com/a", "example.com/a", "https://"])
def test_a_url_that_is_no_web_address_is_refused_at_its_line(value):
    """`url:` is linked from the article's page: only an http(s) address may be."""
    with pytest.raises(BuilderError) as info:
        parse_article(f"---\ntitle: A\nurl: '{value}'\n---\nx\n", Path("content/a.md"), Path("a.md"))
    assert str(info.value) == f"content/a.md:3: 'url' must be an http:// or https:// address, got {value!r}"


def test_a_url_is_kept_and_written_back_after_the_publisher():
    text = "---\ntitle: A\npublisher: Arab News\nurl: https://www.arabnews.com/node/1\n---\n\nBody.\n"
    article = parse_article(text, Path("a.md"), Path("a.md"))
    assert article.url == "https://www.arabnews.com/node/1"
    assert "publisher: Arab News\nurl: \"https://www.arabnews.com/node/1\"\n" in dump(article)
