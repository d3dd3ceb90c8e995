"""Tests for builder.query: syntax, errors, matching, scoring, explain, and a reference-model check."""

from __future__ import annotations

import pickle
import re

import pytest
from hypothesis import given, settings, strategies as st

from builder import query as q
from builder.errors import BuilderError
from builder.query import (
    And,
    Document,
    Field,
    Near,
    Not,
    Or,
    QuerySyntaxError,
    Term,
    compile_query,
    parse,
    prepare,
    unparse,
)
from builder.text import strip_accents, tidy, words


def t(*ws: str, wildcard: bool = False, case: bool = False) -> Term:
    return Term(tuple(ws), wildcard, case)


def doc(title: str = "", body: str = "", lead: str | None = None) -> Document:
    return Document(title, body.split("\n\n")[0] if lead is None else lead, body)


def run(text: str, title: str = "", body: str = "", lead: str | None = None, title_weight: int = 3) -> q.Result:
    return compile_query(text, title_weight).evaluate(prepare(doc(title, body, lead)))


def matches(text: str, title: str = "", body: str = "", lead: str | None = None) -> bool:
    return run(text, title, body, lead).matched


# ---------------------------------------------------------------- syntax

@pytest.mark.parametrize("text, node", [
    ("korea", t("korea")),
    ("KOREA", t("korea")),
    ('"North Korea"', t("north", "korea")),
    ("\u201cKim Jong-un\u201d", t("kim", "jong", "un")),
    ("Jong-un", t("jong", "un")),
    ("negotiat*", t("negotiat", wildcard=True)),
    ('"kim jong*"', t("kim", "jong", wildcard=True)),
    ("case:US", t("US", case=True)),
    ('case:"Curaçao"', t("Curacao", case=True)),
    ("a AND b AND c", And((t("a"), t("b"), t("c")))),
    ("a OR b OR c", Or((t("a"), t("b"), t("c")))),
    ("a AND and", And((t("a"), t("and")))),
    ("not OR or", Or((t("not"), t("or")))),
    ("(a AND b) OR c", Or((And((t("a"), t("b"))), t("c")))),
    ("a AND (b AND c)", And((t("a"), And((t("b"), t("c")))))),
    ("NOT a AND b", And((Not(t("a")), t("b")))),
    ("a AND NOT b", And((t("a"), Not(t("b"))))),
    ("a AND NOT b NEAR/2 c", And((t("a"), Not(Near(t("b"), t("c"), 2))))),
    ("NOT NOT a", Not(Not(t("a")))),
    ("a NEAR/3 b", Near(t("a"), t("b"), 3, False)),
    ("a ONEAR/0 b", Near(t("a"), t("b"), 0, True)),
    ("(a OR b) NEAR/5 c", Near(Or((t("a"), t("b"))), t("c"), 5)),
    ("title:a NEAR/2 b", Near(Field("title", t("a")), t("b"), 2)),
    ("title:(a OR b) AND c", And((Field("title", Or((t("a"), t("b")))), t("c")))),
    ('lead:"north korea"', Field("lead", t("north", "korea"))),
    ('title:case:"US"', Field("title", t("US", case=True))),
    ("body: a", Field("body", t("a"))),
    ("(a)", t("a")),
    ("a AND\n  (b OR c)", And((t("a"), Or((t("b"), t("c")))))),
])
def test_parse(text: str, node: q.Node) -> None:
    assert parse(text) == node


@pytest.mark.parametrize("node, text", [
    (t("north", "korea"), '"north korea"'),
    (t("abduct", wildcard=True), "abduct*"),
    (t("US", case=True), 'case:"US"'),
    (Or((And((t("a"), t("b"))), t("c"))), "(a AND b) OR c"),
    (And((t("a"), Not(Or((t("b"), t("c")))))), "a AND NOT (b OR c)"),
    (Near(Or((t("a"), t("b"))), Field("title", t("c")), 4, True), "(a OR b) ONEAR/4 title:c"),
    (Near(Near(t("a"), t("b"), 1), t("c"), 2), "(a NEAR/1 b) NEAR/2 c"),
    (Field("lead", And((t("a"), Not(t("b"))))), "lead:(a AND NOT b)"),
    (Field("title", Near(t("a"), t("b"), 1)), "title:(a NEAR/1 b)"),
])
def test_unparse(node: q.Node, text: str) -> None:
    assert unparse(node) == text
    assert parse(text) == node


# ---------------------------------------------------------------- errors

@pytest.mark.parametrize("text, offset, reason, guess", [
    ("japan AND korea OR seoul", 16, "ambiguous mix of AND and OR", "(japan AND korea) OR seoul"),
    ("a OR b AND c OR d", 7, "ambiguous mix of AND and OR", "a OR (b AND c) OR d"),
    ("north korea", 6, "missing AND/OR", '"north korea"'),
    ("japan north korea", 6, "missing AND/OR", '"japan north korea"'),
    ("(a OR b) c", 9, "missing AND/OR", "(a OR b) AND c"),
    ("a title:b", 2, "missing AND/OR", "a AND title:b"),
    ("a NOT b", 2, "NOT after a term needs AND", "a AND NOT b"),
    ("a NEAR/2 b NEAR/3 c", 11, "chained NEAR", "(a NEAR/2 b) NEAR/3 c"),
    ("(a AND b", 0, "unclosed parenthesis", None),
    ("a AND (b OR (c)", 6, "unclosed parenthesis", None),
    ("a AND b)", 7, "unmatched closing parenthesis", None),
    (") a", 0, "unmatched closing parenthesis", None),
    ('a AND "b c', 6, "unclosed quote", None),
    ("a AND \u201cb c", 6, "unclosed quote", None),
    ("a AND", 2, "AND has nothing after it", None),
    ("a OR (b AND)", 8, "AND has nothing after it", None),
    ("OR a", 0, "OR has nothing before it", None),
    ("a AND (OR b)", 7, "OR has nothing before it", None),
    ("a NEAR/2", 2, "NEAR/2 has nothing after it", None),
    ("a AND NOT", 6, "NOT has nothing after it", None),
    ("title:", 0, "title: has nothing after it", None),
    ("", 0, "empty query", None),
    ("  \n ", 0, "empty query", None),
    ("a AND ()", 6, "empty parentheses", None),
    ('a AND ""', 6, "empty phrase", None),
    ("a AND --", 6, "no words in '--'", None),
    ("a NEAR/x b", 2, "bad NEAR/x", None),
    ("a NEAR b", 2, "bad NEAR", None),
    ("a ONEAR/ b", 2, "bad ONEAR/", None),
    ("a NEAR/1001 b", 2, "bad NEAR/1001", None),
    ("ko*", 2, "3+ letters", None),
    ('"kim jo*"', 7, "3+ letters", None),
    ('"kim *"', 5, "3+ letters", None),
    ("neg*tiat", 3, "only allowed at the end", None),
    ('"kim* jong"', 4, "only allowed at the end", None),
    ("korea AND foo:(x)", 10, "unknown field 'foo:'", None),
    ("TITLE:x", 0, "unknown field 'TITLE:'", None),
    ("case:(x)", 0, "case: applies to one word or phrase", None),
    ("case:title:x", 0, "case: applies to one word or phrase", None),
    ("NOT japan", 0, "purely negative", None),
    ("japan OR NOT korea", 9, "purely negative", None),
    ("NOT a AND NOT b", 0, "purely negative", None),
    ("title:(NOT a)", 7, "purely negative", None),
    ("a NEAR/3 (NOT b)", 10, "NEAR/3 needs a positive term on each side", None),
    ("(b OR NOT c) ONEAR/1 a", 6, "ONEAR/1 needs a positive term", None),
])
def test_errors(text: str, offset: int, reason: str, guess: str | None) -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        parse(text)
    e = caught.value
    assert (e.offset, e.guess) == (offset, guess)
    assert reason in e.reason and "\n" not in e.reason
    assert isinstance(e, BuilderError)
    assert str(e) == e.display(text)


def test_absurd_nesting_is_a_syntax_error_not_a_crash() -> None:
    with pytest.raises(QuerySyntaxError, match="nested too deeply"):
        parse("(" * 1000 + "a" + ")" * 1000)


def test_error_display_puts_a_caret_under_the_offending_spot() -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        compile_query("japan AND korea OR seoul")
    assert caught.value.display("japan AND korea OR seoul") == (
        "ambiguous mix of AND and OR; add parentheses\n"
        "  japan AND korea OR seoul\n"
        "                  ^\n"
        "  did you mean: (japan AND korea) OR seoul")


def test_error_display_shows_only_the_offending_line_of_a_long_query() -> None:
    text = "(japan OR tokyo)\nAND (korea OR seoul)\nAND NOT sport)"
    with pytest.raises(QuerySyntaxError) as caught:
        parse(text)
    assert caught.value.display(text).splitlines() == [
        "unmatched closing parenthesis", "  AND NOT sport)", "               ^"]


# ---------------------------------------------------------------- matching

def test_default_field_is_title_and_body_and_fields_restrict() -> None:
    d = dict(title="Seoul summit", body="Leaders met in Tokyo.\n\nLater, talks in Busan.")
    assert matches("seoul", **d) and matches("tokyo", **d) and matches("busan", **d)
    assert matches("title:seoul", **d) and not matches("title:tokyo", **d)
    assert matches("body:tokyo", **d) and matches("body:busan", **d) and not matches("body:seoul", **d)
    assert matches("lead:tokyo", **d) and not matches("lead:busan", **d) and not matches("lead:seoul", **d)
    assert matches("title:(seoul AND NOT tokyo)", **d)
    assert matches("title:(body:tokyo)", **d), "the innermost field wins"


def test_a_lead_missing_from_the_body_is_searched_on_its_own() -> None:
    d = dict(title="", body="Main text about Seoul.", lead="A standfirst about Tokyo.")
    assert matches("lead:tokyo", **d) and not matches("tokyo", **d) and not matches("lead:seoul", **d)


def test_case_prefix_keeps_case_but_not_accents() -> None:
    assert matches("case:US", body="The US said") and not matches("case:US", body="join us")
    assert matches("us", body="join us") and matches("us", body="The US said")
    assert matches('case:"Curaçao"', body="in Curacao") and not matches('case:"Curaçao"', body="in CURACAO")
    assert matches("case:Kor*", body="Koreans") and not matches("case:Kor*", body="koreans")


@pytest.mark.parametrize("text, body", [
    ('"kim jong un"', "Kim Jong-un spoke"),
    ("Jong-un", "KIM JONG UN spoke"),
    ('"north korea"', "North Korea\u2019s missile"),
    ('"korea s"', "North Korea's missile"),
    ('"japan rok"', "Japan\u2013ROK talks"),
    ("Japan-ROK", "Japan ROK talks"),
    ("\u201cjapan rok\u201d", "the Japan-ROK summit"),
    ("curacao", "Cura\u00e7ao"),
    ("Curaçao", "CURACAO"),
    ("strasse", "Stra\u00dfe"),
    ("korea", "Kor\u200bea"),
    ('"north korea"', "North\u00a0Korea"),
    ('"north korea"', "north\n\nkorea"),
    ("korea*", "Koreans"),
    ('"kim jong*"', "Kim Jong-un"),
    ("2017", "in 2017,"),
])
def test_normalisation(text: str, body: str) -> None:
    assert matches(text, body=body)


@pytest.mark.parametrize("text, body", [
    ("korea", "Koreans"),
    ("korea", "SouthKorea"),
    ("japan", "Japanese"),
    ("un", "under the fun sun"),
    ('"north korea"', "north of Korea"),
    ("korea*", "SouthKoreans"),
    ('"kim jong"', "Kim Yo-jong"),
    ('"north korea"', "North Koreans"),
    ('"north korea"', "Northern Korea"),
])
def test_no_partial_words(text: str, body: str) -> None:
    assert not matches(text, body=body)


def test_phrases_do_not_run_from_title_into_body() -> None:
    assert not matches('"talks seoul"', title="Summit talks", body="Seoul hosts")


@pytest.mark.parametrize("text, expected", [
    ("japan NEAR/2 korea", True),       # two words between
    ("japan NEAR/1 korea", False),
    ("korea NEAR/2 japan", True),       # either order
    ("japan ONEAR/2 korea", True),
    ("korea ONEAR/2 japan", False),     # in order only
    ("japan NEAR/0 talks", False),
    ("and NEAR/0 south", True),         # NEAR/0: adjacent
    ('"japan and" NEAR/0 "south korea"', True),
    ('japan NEAR/2 "south korea"', True),
    ('"south korea" ONEAR/0 talks', True),  # measured from the phrase's end
    ('(tokyo OR japan) NEAR/1 (seoul OR south)', True),
    ('(japan AND talks) NEAR/1 south', True),
    ('(japan AND talks) NEAR/0 south', False),
    ('(japan AND beijing) NEAR/5 south', False),
    ("(japan NEAR/1 south) NEAR/1 talks", True),
    ("(japan NEAR/1 south) NEAR/0 talks", False),  # a pair spans both its words
    ("korea NEAR/5 \"south korea\"", False),  # the same word cannot pair with itself
    ("kore* ONEAR/0 talks", True),      # measured from the end of the word, not of the prefix
    ('"south kor*" ONEAR/0 talks', True),
])
def test_near(text: str, expected: bool) -> None:
    assert matches(text, body="Japan and South Korea talks") is expected


@pytest.mark.parametrize("body", ["x a b c y", "x, a. b; c - y", "x a\n\nb c\ny"])
def test_near_counts_one_letter_words_between(body: str) -> None:
    assert matches("x NEAR/3 y", body=body) and not matches("x NEAR/2 y", body=body)
    assert matches("a NEAR/1 c", body=body) and not matches("a NEAR/0 c", body=body)


def test_near_stays_within_one_field() -> None:
    d = dict(title="Talks in Japan", body="Japan spoke first.\n\nThen Korea replied.")
    assert matches("japan NEAR/3 korea", **d) and not matches("japan NEAR/2 korea", **d)
    assert not matches("title:japan NEAR/3 korea", **d), "a title hit never pairs with a body hit"
    assert matches("lead:japan NEAR/3 korea", **d), "the prefix binds tighter than NEAR"
    assert not matches("lead:(japan NEAR/3 korea)", **d)
    assert not matches("(talks AND korea) NEAR/5 japan", **d), "a group must hold in the same field"


def test_near_counts_words_after_case_folding_lengthens_text() -> None:
    assert matches('case:"Straße" ONEAR/1 ha', body="STRASSE Straße ß ha")
    assert not matches('case:"Straße" ONEAR/0 ha', body="Straße ß ha")


# ---------------------------------------------------------------- scoring

def test_score_weights_title_hits() -> None:
    d = dict(title="Japan talks", body="Japan and Japan.")
    assert run("japan", **d) == q.Result(True, 2 + 3, {"japan": 3})
    assert run("japan", **d, title_weight=1).score == 3
    assert run("korea", **d) == q.Result(False, 0, {})


def test_score_counts_positive_matched_terms_once_each() -> None:
    body = "Japan, Korea, Korea and the North Korea crisis; China."
    assert run("japan AND NOT china", body=body).matched is False
    assert run("japan AND NOT taiwan", body=body).terms == {"japan": 1}
    assert run("japan AND (korea OR seoul OR china)", body=body).terms == {"japan": 1, "korea": 3, "china": 1}
    assert run("(japan AND taiwan) OR korea", body=body).terms == {"korea": 3}
    assert run('korea AND (korea OR "north korea")', body=body).terms == {"korea": 3, '"north korea"': 1}
    assert run("korea* AND case:\"China\"", body=body).terms == {"korea*": 3, 'case:"China"': 1}


def test_score_inside_near_counts_only_occurrences_in_pairs() -> None:
    body = "missile test. Later, far from here, a missile hit Korea; missile"
    result = run("korea NEAR/2 missile", body=body)
    assert result.terms == {"korea": 1, "missile": 2} and result.score == 3


def test_overlapping_phrase_occurrences_all_count() -> None:
    assert run('"ha ha"', body="ha ha ha").terms == {'"ha ha"': 2}


def test_prepared_is_shared_by_queries() -> None:
    prepared = prepare(doc("Japan", "Japan and Korea, Tokyo and Seoul."))
    first = compile_query("title:japan AND korea").evaluate(prepared)
    second = compile_query("japan AND seoul").evaluate(prepared)
    assert first.terms == {"japan": 1, "korea": 1}
    assert second.terms == {"japan": 2, "seoul": 1}


def test_query_pickles() -> None:
    query = compile_query('japan AND "north korea"', title_weight=5)
    copy = pickle.loads(pickle.dumps(query))
    assert (copy.text, copy.node, copy.title_weight) == (query.text, query.node, 5)
    prepared = prepare(doc("Japan", "North Korea"))
    assert copy.evaluate(prepared) == query.evaluate(prepared)


def test_explain_marks_each_clause() -> None:
    query = compile_query('(japan OR tokyo) AND ("north korea" NEAR/3 missile*) AND NOT sport AND lead:kim')
    prepared = prepare(doc("Japan fears", "Kim tests missiles.\n\nNorth Korea fired a missile at Japan."))
    text = query.explain(prepared)
    assert text == "\n".join([
        "[x] AND",
        "  [x] OR",
        "    [x] japan  (title 1, body 1)",
        "    [ ] tokyo",
        "  [x] NEAR/3",
        '    [x] "north korea"  (body 1)',
        "    [x] missile*  (body 2)",
        "  [x] NOT",
        "    [ ] sport",
        "  [x] lead:",
        "    [x] kim  (lead 1)",
    ])


# ---------------------------------------------------------------- properties

TRICKY = "aZé e\u0301ßİ\u2019'\u201c\u2013-_ \u00a0\u200b\u00ad\uff21\u2122\u00e6x1\u0663\u2026\u00a3"


@given(st.text(st.sampled_from(TRICKY), max_size=30))
@settings(max_examples=100, deadline=None)
def test_fast_casefolding_agrees_with_text_words(text: str) -> None:
    assert re.findall(r"[^\W_]+", q._casefold(strip_accents(tidy(text)))) == words(text)


def reference_prepared(d: Document) -> tuple:
    """What Prepared builds, the plain way: its fast paths for ASCII text and for a lead that opens
    the body must give the same texts and fields."""
    title, body, lead = (strip_accents(tidy(text)) for text in (d.title, d.body, d.lead))
    paragraph = lead.casefold().strip()
    at = body.casefold().find(paragraph)
    cased = ["", title, body] + ([] if at >= 0 else [lead]) + [""]
    folded = [text.casefold() for text in cased]
    title_span = (2, 2 + len(folded[1]))
    body_span = (title_span[1] + 2, title_span[1] + 2 + len(folded[2]))
    lead_span = ((body_span[0] + at, body_span[0] + at + len(paragraph)) if at >= 0 else
                 (body_span[1] + 2, body_span[1] + 2 + len(folded[3])))
    scopes = {"all": (title_span, body_span), "title": (title_span,), "body": (body_span,), "lead": (lead_span,)}
    return (re.sub(r"[\W_]", " ", "\n\n".join(folded)), re.sub(r"[\W_]", " ", "\n\n".join(cased)), scopes)


@st.composite
def leads(draw: st.DrawFn) -> Document:
    """Documents whose lead opens the body, as in an article, or lies inside it, or is missing from it."""
    text = st.text(st.sampled_from(TRICKY + "ab\n"), max_size=12)
    title, lead, rest = draw(text), draw(text), draw(text)
    body = draw(st.sampled_from([lead + "\n" + rest, lead.upper() + rest, rest + lead, rest]))
    return Document(title, lead, body)


@given(leads())
@settings(max_examples=300, deadline=None)
def test_prepared_agrees_with_the_plain_construction(d: Document) -> None:
    p = prepare(d)
    assert (p.words, p.cased_words, p.scopes) == reference_prepared(d)
    assert p.title_end == p.scopes["title"][0][1]


QUERY_WORDS = ["japan", "korea", "north", "kim", "un", "koreans", "strasse", "and", "near", "title"]
CASED_WORDS = ["Japan", "JAPAN", "Kim", "Korea", "Straße", "Un", "AND"]


@st.composite
def terms(draw: st.DrawFn) -> Term:
    case = draw(st.integers(0, 4)) == 0
    ws = draw(st.lists(st.sampled_from(CASED_WORDS if case else QUERY_WORDS), min_size=1, max_size=2))
    if len(ws[-1]) >= 3 and draw(st.booleans()):
        ws[-1] = ws[-1][:draw(st.integers(3, len(ws[-1])))]
        return Term(tuple(ws), True, case)
    return Term(tuple(ws), False, case)


@st.composite
def with_negations(draw: st.DrawFn, children: st.SearchStrategy[q.Node]) -> And:
    """An AND of a positive clause and some NOTs, so that it can never match an empty document."""
    items = [draw(children)] + [Not(draw(children)) for _ in range(draw(st.integers(1, 2)))]
    return And(tuple(draw(st.permutations(items))))


# Every tree is valid as built: NOT only beside a positive clause, NEAR operands without NOT on top.
nodes = st.recursive(terms(), lambda children: st.one_of(
    st.lists(children, min_size=2, max_size=3).map(lambda items: And(tuple(items))),
    st.lists(children, min_size=2, max_size=3).map(lambda items: Or(tuple(items))),
    with_negations(children),
    st.builds(Near, children, children, st.integers(0, 3), st.booleans()),
    st.builds(Field, st.sampled_from(["title", "lead", "body"]), children),
), max_leaves=6)


# A naive model of the documented semantics over builder.text.words tokens: windows are
# (field, first token, end token); the lead is the body's first paragraph.
Win = tuple[str, int, int]


class Model:
    def __init__(self, d: Document):
        self.folded = {"title": words(d.title), "body": words(d.body)}
        self.cased = {f: re.findall(r"[^\W_]+", strip_accents(tidy(text))) for f, text in
                      (("title", d.title), ("body", d.body))}
        title, body = ("title", 0, len(self.folded["title"])), ("body", 0, len(self.folded["body"]))
        self.scopes = {"all": [title, body], "title": [title], "body": [body],
                       "lead": [("body", 0, len(words(d.lead)))]}

    def clip(self, scope: str, w: Win) -> Win | None:
        for field, lo, hi in self.scopes[scope]:
            if field == w[0] and max(lo, w[1]) < min(hi, w[2]):
                return field, max(lo, w[1]), min(hi, w[2])
        return None

    def occurrences(self, term: Term, w: Win) -> list[tuple[int, int, frozenset]]:
        field, lo, hi = w
        toks, k = (self.cased if term.case else self.folded)[field], len(term.words)
        found = []
        for i in range(lo, hi - k + 1):
            got = toks[i:i + k]
            last = got[-1].startswith(term.words[-1]) if term.wildcard else got[-1] == term.words[-1]
            if got[:-1] == list(term.words[:-1]) and last:
                found.append((i, i + k, frozenset([(q._term_text(term), field, i)])))
        return found

    def positions(self, node: q.Node, scope: str, w: Win) -> list[tuple[int, int, frozenset]]:
        if isinstance(node, Field):
            return self.positions(node.item, node.name, w)
        if isinstance(node, (And, Or)):
            if not self.found(node, scope, w):
                return []
            return [p for item in node.items for p in self.positions(item, scope, w)]
        if isinstance(node, Not):
            return []
        clipped = self.clip(scope, w)
        if clipped is None:
            return []
        if isinstance(node, Term):
            return self.occurrences(node, clipped)
        return [(min(a[0], b[0]), max(a[1], b[1]), a[2] | b[2]) for a, b in self.pairs(node, scope, clipped)]

    def pairs(self, node: Near, scope: str, w: Win) -> list[tuple]:
        left, right = self.positions(node.left, scope, w), self.positions(node.right, scope, w)
        return [(a, b) for a in left for b in right
                if 0 <= b[0] - a[1] <= node.distance or (not node.ordered and 0 <= a[0] - b[1] <= node.distance)]

    def found(self, node: q.Node, scope: str, w: Win) -> bool:
        if isinstance(node, Field):
            return self.found(node.item, node.name, w)
        if isinstance(node, Not):
            return not self.found(node.item, scope, w)
        if isinstance(node, And):
            return all(self.found(item, scope, w) for item in node.items)
        if isinstance(node, Or):
            return any(self.found(item, scope, w) for item in node.items)
        return bool(self.positions(node, scope, w))

    def match(self, node: q.Node, scope: str = "all") -> bool:
        if isinstance(node, Field):
            return self.match(node.item, node.name)
        if isinstance(node, Not):
            return not self.match(node.item, scope)
        if isinstance(node, And):
            return all(self.match(item, scope) for item in node.items)
        if isinstance(node, Or):
            return any(self.match(item, scope) for item in node.items)
        return any(self.positions(node, scope, w) for w in self.scopes[scope])

    def counted(self, node: q.Node, scope: str = "all") -> set:
        if isinstance(node, Field):
            return self.counted(node.item, node.name)
        if isinstance(node, Not) or not self.match(node, scope):
            return set()
        if isinstance(node, (And, Or)):
            return set().union(*(self.counted(item, scope) for item in node.items))
        if isinstance(node, Term):
            return {atom for w in self.scopes[scope] for p in self.positions(node, scope, w) for atom in p[2]}
        return {atom for w in self.scopes[scope] for a, b in self.pairs(node, scope, w) for atom in a[2] | b[2]}


def sloppy(node: q.Node, data: st.DataObject) -> str:
    """`node` written the way people do: odd spacing and capitals, curly or no quotes, spare parentheses."""
    space = data.draw(st.sampled_from([" ", "  ", "\n  ", "\t"]))
    if isinstance(node, Term):
        inner = " ".join(node.words)
        if node.case:
            shapes = ['case:"{}"', "case:\u201c{}\u201d"]
        else:
            spellings = [inner, inner.title(), inner.replace(" ", "-"), inner.replace(" ", "  ")]
            inner = data.draw(st.sampled_from(spellings))
            shapes = ["{}" if " " not in inner else '"{}"', '"{}"', "\u201c{}\u201d"]
        text = data.draw(st.sampled_from(shapes)).format(inner + "*" * node.wildcard)
        return data.draw(st.sampled_from([text, f"({space}{text})"]))
    if isinstance(node, Not):
        return f"NOT{space}{_sloppy_wrap(node.item, (And, Or), data)}"
    if isinstance(node, (And, Or)):
        op = f"{space}{'AND' if isinstance(node, And) else 'OR'}{space}"
        return op.join(_sloppy_wrap(item, (And, Or), data) for item in node.items)
    if isinstance(node, Near):
        op = f"{space}{'ONEAR' if node.ordered else 'NEAR'}/{node.distance}{space}"
        kinds = (And, Or, Not, Near)
        return _sloppy_wrap(node.left, kinds, data) + op + _sloppy_wrap(node.right, kinds, data)
    inner = sloppy(node.item, data)
    return f"{node.name}:{inner}" if isinstance(node.item, (Term, Field)) else f"{node.name}:({space}{inner})"


def _sloppy_wrap(node: q.Node, kinds: tuple[type, ...], data: st.DataObject) -> str:
    return f"({sloppy(node, data)})" if isinstance(node, kinds) else sloppy(node, data)


@given(nodes, st.data())
@settings(max_examples=80, deadline=None)
def test_round_trip(node: q.Node, data: st.DataObject) -> None:
    assert parse(unparse(node)) == node
    parsed = parse(sloppy(node, data))
    assert parsed == node
    assert parse(unparse(parsed)) == parsed


DOC_WORDS = ["Japan", "japan", "JAPAN", "Japanese", "Korea", "korea", "Koreans", "SouthKorea", "North", "north", "Kim",
             "kim", "Kimchi", "UN", "un", "fun", "Straße", "STRASSE", "title", "and", "AND", "near"]
SEPARATORS = [" ", " ", " ", "  ", "-", "\u2019s ", ", ", " \u2013 ", "\u00a0", " \u201c", "\u201d "]


def _text(most: int) -> st.SearchStrategy[str]:
    pieces = st.lists(st.tuples(st.sampled_from(DOC_WORDS), st.sampled_from(SEPARATORS)), max_size=most)
    return pieces.map(lambda ps: "".join(w + sep for w, sep in ps).strip())


documents = st.builds(lambda title, lead, rest: Document(title, lead, lead + "\n\n" + rest),
                      _text(5), _text(6), _text(10))


@given(st.lists(nodes, min_size=1, max_size=2), documents)
@settings(max_examples=100, deadline=None)
def test_evaluation_agrees_with_a_naive_model(nodes_: list[q.Node], d: Document) -> None:
    model, prepared = Model(d), prepare(d)
    for node in nodes_:  # one Prepared for all, as the classifier shares it
        result = compile_query(unparse(node), title_weight=5).evaluate(prepared)
        assert result.matched == model.match(node)
        atoms = model.counted(node) if result.matched else set()
        expected: dict[str, int] = {}
        for key, _, _ in atoms:
            expected[key] = expected.get(key, 0) + 1
        assert result.terms == expected
        assert result.score == sum(5 if field == "title" else 1 for _, field, _ in atoms)


# ---------------------------------------------------------------- shared work on one Prepared

def test_a_needle_seen_by_one_query_is_not_confused_across_case_or_queries() -> None:
    prepared = prepare(doc("Talks", "join us in Stra\u00dfe; the US said so"))
    assert compile_query("case:US").evaluate(prepared).terms == {'case:"US"': 1}
    assert compile_query("us").evaluate(prepared).terms == {"us": 2}
    assert compile_query('case:"Straße" AND us').evaluate(prepared).terms == {'case:"Straße"': 1, "us": 2}
    assert not compile_query("case:JOIN").evaluate(prepared).matched
    assert compile_query("join").evaluate(prepared).matched


def test_a_phrase_whose_longest_word_is_absent_is_not_searched_for_but_still_found_when_present() -> None:
    prepared = prepare(doc("", "the north, the korea"))
    assert not compile_query('"north koreans"').evaluate(prepared).matched
    assert compile_query('"the korea" AND "north the"').evaluate(prepared).matched


def test_title_terms_are_searched_in_the_title_alone() -> None:
    d = dict(title="STRASSE talks", body="Talks in Seoul.")
    assert run('title:"strasse talks"', **d).terms == {'"strasse talks"': 1}
    assert not matches('title:"talks seoul"', **d) and not matches("title:seoul", **d)
    assert run("title:talks AND talks", **d).terms == {"talks": 2}
    assert run("title:talk*", title="Stra\u00dfe talkers", body="talks").terms == {"talk*": 1}


def test_clause_order_is_free_of_side_effects_and_explain_keeps_the_written_order() -> None:
    query = compile_query("NOT sport AND (japan OR korea) AND title:seoul")
    prepared = prepare(doc("Seoul", "Japan and Korea"))
    assert query.evaluate(prepared) == q.Result(True, 3 + 2, {"seoul": 1, "japan": 1, "korea": 1})
    assert query.explain(prepared).splitlines()[1:3] == ["  [x] NOT", "    [ ] sport"]


def test_near_pairs_are_kept_per_query_on_a_shared_prepared() -> None:
    prepared = prepare(doc("", "Japan and South Korea talks; later on, Japan"))
    near = compile_query("japan NEAR/2 korea")
    far = compile_query("japan NEAR/5 korea")
    assert far.evaluate(prepared).terms == {"japan": 2, "korea": 1}
    assert near.evaluate(prepared).terms == {"japan": 1, "korea": 1}
    assert near.evaluate(prepared) == near.evaluate(prepared)


def test_a_near_operand_may_hold_through_a_not_while_its_hits_come_from_its_other_terms() -> None:
    query = "(japan AND (sport OR NOT golf)) NEAR/3 korea"
    assert run(query, body="Japan and Korea").terms == {"japan": 1, "korea": 1}
    assert not matches(query, body="Japan and Korea golf")
