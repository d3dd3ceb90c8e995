"""Boolean search queries that file articles into dossiers, in the style of media-monitoring tools.

Grammar, loosest binding first (precedence: parentheses > field/case prefixes > NEAR/ONEAR > NOT
> AND > OR); one level may chain AND or OR but not both, and may not chain NEAR:

    query    := clause (AND clause)* | clause (OR clause)*
    clause   := NOT clause | near                       # `a AND NOT b` is AND applied to `NOT b`
    near     := prefixed [(NEAR/n | ONEAR/n) prefixed]  # n = most words allowed between the two
    prefixed := (title: | lead: | body:) prefixed | case: term | primary
    primary  := term | "(" query ")"
    term     := word | word* | "a phrase" | "a phrase*"  # straight or curly quotes; 3+ letters before *

`title:`, `lead:` (first paragraph) and `body:` (lead included) restrict a clause to one field, the
innermost prefix winning; unprefixed clauses search title and body.  Text and terms are compared as
`builder.text.words` tokens, so hyphens, apostrophes, accents and case never matter except under
`case:`, which keeps case.  A bare `Jong-un` is the phrase "jong un", and two bare words side by side
are an error: write "north korea" or north AND korea.  So is a query, or NEAR operand, that an empty
document would match (`NOT x` alone): it would match almost everything.

Scoring counts the occurrences of the terms in clauses that matched, outside any NOT: body
occurrences once, title occurrences `title_weight` times; each occurrence is counted once however
many clauses mention its term.  Inside NEAR/ONEAR only the occurrences that take part in a qualifying
pair count.  A group used as a NEAR operand must hold in the same field as the other side, and any
position of its positive terms counts.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import accumulate
from operator import itemgetter

from builder.errors import BuilderError
from builder.text import WORD, strip_accents, tidy, words

_QUOTES = frozenset('"\u201c\u201d\u201e\u201f\u2033')
_FIELDS = ("title", "lead", "body")
_PREFIX = re.compile(r"([A-Za-z]+):")
_NEAR = re.compile(r"O?NEAR(?:/.*)?")
_NEAR_OK = re.compile(r"(O?)NEAR/(\d+)")
_NEAR_MAX = 1000  # far beyond any useful proximity


@dataclass(frozen=True)
class Term:
    """Consecutive words (folded unless `case`); with `wildcard` the last one is a prefix."""
    words: tuple[str, ...]
    wildcard: bool = False
    case: bool = False


@dataclass(frozen=True)
class And:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    item: Node


@dataclass(frozen=True)
class Near:
    """`left` and `right` with at most `distance` words between them (`ordered`: left first)."""
    left: Node
    right: Node
    distance: int
    ordered: bool = False


@dataclass(frozen=True)
class Field:
    name: str  # one of _FIELDS
    item: Node


Node = Term | And | Or | Not | Near | Field


class QuerySyntaxError(BuilderError):
    """A query that cannot be read, located by `offset` (0-based) in the query text."""

    def __init__(self, reason: str, offset: int, guess: str | None = None, query: str | None = None):
        self.reason = reason
        self.offset = offset
        self.guess = guess
        super().__init__(self.display(query) if query is not None else reason)

    def display(self, query_text: str) -> str:
        """The reason, the query line with a caret under the offending spot, and the guessed reading."""
        start = query_text.rfind("\n", 0, self.offset) + 1
        end = query_text.find("\n", self.offset)
        line = query_text[start:end if end >= 0 else len(query_text)].replace("\t", " ")
        lines = [self.reason, "  " + line, "  " + " " * (self.offset - start) + "^"]
        if self.guess:
            lines.append("  did you mean: " + self.guess)
        return "\n".join(lines)


# ---------------------------------------------------------------- parsing

@dataclass(frozen=True)
class _Tok:
    kind: str    # ( ) AND OR NOT NEAR FIELD CASE TERM EOF
    offset: int
    text: str    # as written; for TERM the raw word or the phrase between its quotes
    quoted: bool = False


_OPERAND_START = ("TERM", "(", "FIELD", "CASE", "NOT")


def _tokenise(query: str) -> list[_Tok]:
    toks: list[_Tok] = []
    i, n = 0, len(query)
    while i < n:
        c = query[i]
        if c.isspace():
            i += 1
        elif c in "()":
            toks.append(_Tok(c, i, c))
            i += 1
        elif c in _QUOTES:
            j = next((k for k in range(i + 1, n) if query[k] in _QUOTES), -1)
            if j < 0:
                raise QuerySyntaxError("unclosed quote", i)
            toks.append(_Tok("TERM", i, query[i + 1:j], quoted=True))
            i = j + 1
        else:
            j = i
            while j < n and not (query[j].isspace() or query[j] in "()" or query[j] in _QUOTES):
                j += 1
            word = query[i:j]
            prefix = _PREFIX.match(word)
            if prefix:
                name = prefix.group(1)
                if name == "case":
                    toks.append(_Tok("CASE", i, "case:"))
                elif name in _FIELDS:
                    toks.append(_Tok("FIELD", i, name + ":"))
                else:
                    raise QuerySyntaxError(f"unknown field '{name}:'; fields are title:, lead:, body:, case:", i)
                i += prefix.end()
                continue
            if word in ("AND", "OR", "NOT"):
                toks.append(_Tok(word, i, word))
            elif _NEAR.fullmatch(word):
                near = _NEAR_OK.fullmatch(word)
                if not near or int(near.group(2)) > _NEAR_MAX:
                    raise QuerySyntaxError(
                        f"bad {word}: write NEAR/n or ONEAR/n, n = most words between (0 to {_NEAR_MAX})", i)
                toks.append(_Tok("NEAR", i, word))
            else:
                toks.append(_Tok("TERM", i, word))
            i = j
    toks.append(_Tok("EOF", n, "end of query"))
    return toks


def _cased_words(text: str) -> list[str]:
    return WORD.findall(strip_accents(tidy(text)))  # text.words' tokens, without its case folding


def _vacuous(node: Node) -> Not | None:
    """The NOT that lets `node` match an empty document (so nearly every document), if any."""
    if isinstance(node, Field):
        return _vacuous(node.item)
    if isinstance(node, Not):
        return None if _vacuous(node.item) else node
    if isinstance(node, And):
        culprits = [_vacuous(item) for item in node.items]
        return culprits[0] if all(culprits) else None
    if isinstance(node, Or):
        return next(filter(None, map(_vacuous, node.items)), None)
    return None


class _Parser:
    """Strict by default; `lenient` reads ambiguous input by plain precedence, to suggest a reading."""

    def __init__(self, query: str, lenient: bool = False):
        self.query = query
        self.lenient = lenient
        self.toks = _tokenise(query)
        self.i = 0
        # Where each NOT was written, to point at the one that makes a query match everything.
        self.not_at: dict[int, int] = {}

    @property
    def peek(self) -> _Tok:
        return self.toks[self.i]

    def take(self) -> _Tok:
        self.i += 1
        return self.toks[self.i - 1]

    def parse(self) -> Node:
        if self.peek.kind == "EOF":
            raise QuerySyntaxError("empty query", 0)
        node = self.expr()
        if self.peek.kind == ")":
            raise QuerySyntaxError("unmatched closing parenthesis", self.peek.offset)
        culprit = None if self.lenient else _vacuous(node)
        if culprit:
            raise QuerySyntaxError("a purely negative query would match almost everything; "
                                   "add a term it must contain", self.not_at[id(culprit)])
        return node

    def ambiguous(self, reason: str, offset: int) -> QuerySyntaxError:
        try:
            guess = unparse(_Parser(self.query, lenient=True).parse())
        except QuerySyntaxError:
            guess = None
        return QuerySyntaxError(reason, offset, guess)

    def expr(self) -> Node:
        items = [self.clause()]
        ops: list[str] = []
        while True:
            tok = self.peek
            if tok.kind in ("AND", "OR"):
                if ops and tok.kind != ops[0] and not self.lenient:
                    raise self.ambiguous("ambiguous mix of AND and OR; add parentheses", tok.offset)
                self.take()
                ops.append(tok.kind)
            elif tok.kind in _OPERAND_START:
                if not self.lenient:
                    reason = ("NOT after a term needs AND: write AND NOT" if tok.kind == "NOT" else
                              "missing AND/OR between terms (a phrase needs quotes)")
                    raise self.ambiguous(reason, tok.offset)
                ops.append("AND")
            else:
                break
            items.append(self.clause())
        # AND binds tighter than OR: only a lenient parse can have both here.
        groups = [[items[0]]]
        for op, item in zip(ops, items[1:]):
            if op == "AND":
                groups[-1].append(item)
            else:
                groups.append([item])
        ands = [g[0] if len(g) == 1 else And(tuple(g)) for g in groups]
        return ands[0] if len(ands) == 1 else Or(tuple(ands))

    def clause(self) -> Node:
        if self.peek.kind != "NOT":
            return self.near()
        tok = self.take()
        node = Not(self.clause())
        self.not_at[id(node)] = tok.offset
        return node

    def near(self) -> Node:
        left = self.prefixed()
        chained = False
        while self.peek.kind == "NEAR":
            tok = self.take()
            if chained and not self.lenient:
                raise self.ambiguous("chained NEAR; add parentheses", tok.offset)
            right = self.prefixed()
            for side in (left, right):
                culprit = None if self.lenient else _vacuous(side)
                if culprit:
                    raise QuerySyntaxError(f"{tok.text} needs a positive term on each side",
                                           self.not_at[id(culprit)])
            near = _NEAR_OK.fullmatch(tok.text)
            assert near is not None, "the lexer makes a NEAR token only of text that matches"
            ordered, distance = near.groups()
            left = Near(left, right, int(distance), bool(ordered))
            chained = True
        return left

    def prefixed(self) -> Node:
        tok = self.peek
        if tok.kind == "FIELD":
            self.take()
            return Field(tok.text[:-1], self.prefixed())
        if tok.kind == "CASE":
            self.take()
            if self.peek.kind != "TERM":
                raise QuerySyntaxError("case: applies to one word or phrase", tok.offset)
            return self.term(self.take(), case=True)
        return self.primary()

    def primary(self) -> Node:
        tok = self.peek
        if tok.kind == "TERM":
            self.take()
            term = self.term(tok, case=False)
            # The lenient reading of `north korea` is the phrase.
            while (self.lenient and not tok.quoted and not term.wildcard
                   and self.peek.kind == "TERM" and not self.peek.quoted):
                tok = self.take()
                more = self.term(tok, case=False)
                term = Term(term.words + more.words, more.wildcard)
            return term
        if tok.kind == "(":
            self.take()
            if self.peek.kind == ")":
                raise QuerySyntaxError("empty parentheses", tok.offset)
            node = self.expr()
            if self.peek.kind != ")":
                raise QuerySyntaxError("unclosed parenthesis", tok.offset)
            self.take()
            return node
        prev = self.toks[self.i - 1] if self.i else None
        if tok.kind == ")" and prev is None:
            raise QuerySyntaxError("unmatched closing parenthesis", tok.offset)
        if prev is None or prev.kind == "(":
            raise QuerySyntaxError(f"{tok.text} has nothing before it", tok.offset)
        raise QuerySyntaxError(f"{prev.text} has nothing after it", prev.offset)

    def term(self, tok: _Tok, case: bool) -> Term:
        raw = tok.text.rstrip()
        at = tok.offset + 1 if tok.quoted else tok.offset
        star = raw.find("*")
        wildcard = star >= 0
        if wildcard and star != len(raw) - 1:
            raise QuerySyntaxError("* is only allowed at the end of a word", at + star)
        stem = raw[:-1] if wildcard else raw
        found = tuple(_cased_words(stem) if case else words(stem))
        if not found:
            raise QuerySyntaxError("empty phrase" if tok.quoted else f"no words in '{tok.text}'", tok.offset)
        if wildcard and not (stem[-1].isalnum() and len(found[-1]) >= 3):
            raise QuerySyntaxError("a wildcard needs 3+ letters right before the *", at + star)
        return Term(found, wildcard, case)


def parse(text: str) -> Node:
    """The query's syntax tree; raises QuerySyntaxError (showing the query) at the first problem."""
    try:
        parser = _Parser(text)
        try:
            return parser.parse()
        except RecursionError:
            raise QuerySyntaxError("query nested too deeply", parser.peek.offset) from None
    except QuerySyntaxError as e:
        raise QuerySyntaxError(e.reason, e.offset, e.guess, text) from None


def _term_text(term: Term) -> str:
    inner = " ".join(term.words) + ("*" if term.wildcard else "")
    if term.case:
        return f'case:"{inner}"'
    return inner if len(term.words) == 1 else f'"{inner}"'


def _wrap(node: Node, kinds: tuple[type, ...]) -> str:
    return f"({unparse(node)})" if isinstance(node, kinds) else unparse(node)


def unparse(node: Node) -> str:
    """Canonical query text, fully parenthesised where precedence would otherwise be needed."""
    if isinstance(node, Term):
        return _term_text(node)
    if isinstance(node, Not):
        return "NOT " + _wrap(node.item, (And, Or))
    if isinstance(node, (And, Or)):
        op = " AND " if isinstance(node, And) else " OR "
        return op.join(_wrap(item, (And, Or)) for item in node.items)
    if isinstance(node, Near):
        op = f"{'ONEAR' if node.ordered else 'NEAR'}/{node.distance}"
        kinds = (And, Or, Not, Near)
        return f"{_wrap(node.left, kinds)} {op} {_wrap(node.right, kinds)}"
    inner = unparse(node.item) if isinstance(node.item, (Term, Field)) else f"({unparse(node.item)})"
    return f"{node.name}:{inner}"


# ---------------------------------------------------------------- documents

@dataclass(frozen=True)
class Document:
    title: str
    lead: str   # first paragraph of the body
    body: str   # the whole body, lead included


def _casefold(text: str) -> str:
    return text.lower() if text.isascii() else text.casefold()


def _word_table(lower: bool) -> bytes:
    """A bytes.translate table keeping ASCII letters and digits (lowered if `lower`), other ASCII
    characters to spaces, and bytes from 128 up untouched so that UTF-8 passes through."""
    return bytes((ord(chr(c).lower()) if lower else c) if chr(c).isalnum() else 32 for c in range(128)) \
        + bytes(range(128, 256))


_FOLDED_WORDS, _CASED_WORDS = _word_table(True), _word_table(False)
_NON_ASCII_NON_WORD = re.compile(r"[^\w\x00-\x7f]")


def _word_text(text: str, table: bytes) -> str:
    """`text` with every character but letters and digits a space: the same words at the same offsets.
    bytes.translate does it far faster than a regex or str.translate."""
    if not text.isascii():
        text = _NON_ASCII_NON_WORD.sub(" ", text)
    return text.encode().translate(table).decode()


Span = tuple[int, int]  # start and end of a hit in Prepared.words


class Prepared:
    """A Document normalised once and shared by every query evaluated against it.

    Title and body (and the lead, only if the body lacks it) are joined by blank lines, with one at
    each end, into one text, so that a term is searched once per document; fields are ranges of that
    text.  Terms are searched in `words`, that text folded and with every character but letters and
    digits made a space, so that a word is bounded by spaces.
    """
    __slots__ = ("cased", "words", "title_end", "scopes", "cache", "seen", "_cased_words", "_folded_at")

    def __init__(self, doc: Document):
        title_text, body_text, lead_text = (strip_accents(tidy(text)) for text in (doc.title, doc.body, doc.lead))
        paragraph = _casefold(lead_text).strip()
        # The lead usually opens the body: fold that much of the body first, all of it only if need be.
        at = 0 if _casefold(body_text[:len(paragraph)]) == paragraph else _casefold(body_text).find(paragraph)
        cased = ["", title_text, body_text] + ([] if at >= 0 else [lead_text]) + [""]
        self.cased = "\n\n".join(cased)
        if self.cased.isascii():  # lower case keeps every offset, and the table lowers
            folded = cased
            self.words = _word_text(self.cased, _FOLDED_WORDS)
        else:  # casefolding (ß -> ss) may not, so the fields are measured on the folded text
            folded = [text.casefold() for text in cased]
            self.words = _word_text("\n\n".join(folded), _FOLDED_WORDS)
        title = (2, 2 + len(folded[1]))
        body = (title[1] + 2, title[1] + 2 + len(folded[2]))
        if at >= 0:
            lead = (body[0] + at, body[0] + at + len(paragraph))
        else:
            lead = (body[1] + 2, body[1] + 2 + len(folded[3]))
        self.title_end = title[1]
        self.scopes: dict[str, tuple[Span, ...]] = {
            "all": (title, body), "title": (title,), "body": (body,), "lead": (lead,)}
        # Shared by every query: the hits of each _Leaf.cache_key, and the pairs of each _Near.
        self.cache: dict[str | _Near, list] = {}
        # Where each _Leaf.needle first occurs (-1: nowhere) in `words` and in `cased_words`, for every query.
        self.seen: tuple[dict[str, int], dict[str, int]] = ({}, {})
        self._cased_words: str | None = None
        self._folded_at: list[int] | None = None

    @property
    def cased_words(self) -> str:
        """`cased` as `words` is the folded text: words at their offsets, the rest spaces; for case: terms."""
        if self._cased_words is None:
            self._cased_words = _word_text(self.cased, _CASED_WORDS)
        return self._cased_words

    def realign(self, spans: list[Span]) -> list[Span]:
        """Map spans found in `cased` onto `words`, which casefolding (ß -> ss) may have lengthened."""
        if len(self.cased) == len(self.words):
            return spans
        if self._folded_at is None:
            self._folded_at = list(accumulate((len(c.casefold()) for c in self.cased), initial=0))
        at = self._folded_at
        return [(at[s], at[e]) for s, e in spans]


def prepare(doc: Document) -> Prepared:
    return Prepared(doc)


# ---------------------------------------------------------------- evaluation

@dataclass(frozen=True)
class Result:
    matched: bool
    score: int
    terms: dict[str, int]


Hit = tuple[int, int, tuple[tuple[str, Span], ...]]  # start, end, and each term hit within it
Counted = dict[str, set[Span]]                       # term text -> the hits it scores

# A matcher's hits(p, window) are None where it does not hold in `window`; where it holds, the hits of
# its positive terms (possibly none: `a OR NOT b` holds without any).


def _clip(p: Prepared, scope: str, window: Span) -> Span | None:
    """The part of `window` (one field's range) that `scope` covers: a scope's fields never overlap."""
    for lo, hi in p.scopes[scope]:
        lo, hi = max(lo, window[0]), min(hi, window[1])
        if lo < hi:
            return lo, hi
    return None


class _Leaf:
    """One term searched in one scope: str.find for its first word, then a look at what surrounds it."""

    def __init__(self, term: Term, scope: str):
        self.key = _term_text(term)
        self.scope = scope
        self.cache_key = self.key if scope == "all" else f"{scope}:{self.key}"
        self.case = term.case
        first, rest = term.words[0], term.words[1:]
        self.first = first
        # Every hit contains the longest word (likeliest to be absent, fastest to search for), so a
        # document without it needs no further search.
        self.needle = max(term.words, key=len)
        # What must follow the first word in Prepared.words, where words are separated by spaces; for a
        # term of one whole word, just a space.
        self.tail = re.compile("".join(" +" + w for w in rest) + ("[^ ]*" if term.wildcard else "(?= )")) \
            if rest or term.wildcard else None

    def _scan(self, p: Prepared) -> list[Span]:
        first = self.first
        if self.scope == "title" and not self.case:
            # The title is short: searching it beats looking for the needle in the whole text.
            subject, end = p.words, p.title_end
            at = subject.find(first, 0, end)
        else:
            subject = p.cased_words if self.case else p.words
            end = len(subject)
            seen = p.seen[self.case]
            known = seen.get(self.needle)
            if known is None:
                known = seen[self.needle] = subject.find(self.needle)
            at = known
            if at < 0:
                return []
            if self.needle != first:
                at = subject.find(first)
        found = []
        find, tail, step = subject.find, self.tail, len(first)
        # Words are searched bare and their bounds checked after: with the spaces around them str.find
        # is slower, as spaces are everywhere in the text.
        while at >= 0:
            if subject[at - 1] == " ":
                if tail is None:
                    if subject[at + step] == " ":
                        found.append((at, at + step))
                else:
                    m = tail.match(subject, at + step)
                    if m:
                        found.append((at, m.end()))
            # A hit starts a word, so no hit starts inside this occurrence of the first word.
            at = find(first, at + step, end)
        return p.realign(found) if self.case else found

    def scoped(self, p: Prepared) -> list[Span]:
        """Hits inside this leaf's scope, cached on the document for every query that asks."""
        found = p.cache.get(self.cache_key)
        if found is None:
            found = self._scan(p)
            if found:
                windows = p.scopes[self.scope]
                found = [(s, e) for s, e in found for lo, hi in windows if lo <= s and e <= hi]
            p.cache[self.cache_key] = found
        return found

    def spans(self, p: Prepared, window: Span) -> list[Span]:
        lo, hi = window
        return [(s, e) for s, e in self.scoped(p) if lo <= s and e <= hi]

    def match(self, p: Prepared) -> bool:
        # The hottest call in classification: a cache hit costs no further call.
        found = p.cache.get(self.cache_key)
        return bool(self.scoped(p) if found is None else found)

    def hits(self, p: Prepared, window: Span) -> list[Hit] | None:
        # Most terms of a big NEAR group are absent: skip clipping for them.
        w = _clip(p, self.scope, window) if self.scoped(p) else None
        if w is None:
            return None
        key = self.key
        return [(s, e, ((key, (s, e)),)) for s, e in self.spans(p, w)] or None

    def collect(self, p: Prepared, out: Counted) -> None:
        found = self.scoped(p)
        if found:
            out.setdefault(self.key, set()).update(found)


def _cost(matcher: _Matcher) -> float:
    """About how many whole-text searches `matcher` takes; a NOT rarely fails, so it counts as dearest."""
    if isinstance(matcher, _Leaf):
        return 0.1 if matcher.scope == "title" and not matcher.case else 1
    if isinstance(matcher, _Not):
        return 1000 + _cost(matcher.item)
    if isinstance(matcher, _Near):
        return _cost(matcher.left) + _cost(matcher.right)
    return sum(map(_cost, matcher.items))


class _And:
    def __init__(self, items: list[_Matcher]):
        self.items = items
        # Cheapest first: the first clause to fail spares the searches of the others.
        self.order = sorted(items, key=_cost)

    def match(self, p: Prepared) -> bool:
        for item in self.order:
            if not item.match(p):
                return False
        return True

    def hits(self, p: Prepared, window: Span) -> list[Hit] | None:
        found: list[Hit] = []
        for item in self.order:
            more = item.hits(p, window)
            if more is None:
                return None
            found += more
        return found

    def collect(self, p: Prepared, out: Counted) -> None:
        for item in self.items:
            item.collect(p, out)


class _Or(_And):
    def match(self, p: Prepared) -> bool:
        for item in self.order:
            if item.match(p):
                return True
        return False

    def hits(self, p: Prepared, window: Span) -> list[Hit] | None:
        found = None
        for item in self.items:
            more = item.hits(p, window)
            if more is not None:
                found = more if found is None else found + more
        return found

    def collect(self, p: Prepared, out: Counted) -> None:
        for item in self.items:
            if item.match(p):
                item.collect(p, out)


class _Not:
    def __init__(self, item: _Matcher):
        self.item = item

    def match(self, p: Prepared) -> bool:
        return not self.item.match(p)

    def hits(self, p: Prepared, window: Span) -> list[Hit] | None:
        return None if self.item.hits(p, window) is not None else []

    def collect(self, p: Prepared, out: Counted) -> None:
        pass


def _within(words: str, end: int, start: int, distance: int) -> bool:
    """Whether at most `distance` words lie between a hit ending at `end` and one starting at `start`."""
    # Each word takes at least two characters, itself and the space after it: a short gap needs no count.
    return start - end <= 2 * distance + 1 or len(words[end:start].split(None, distance)) <= distance


def _in_order(words: str, first: list[Hit], second: list[Hit], distance: int) -> Iterator[tuple[Hit, Hit]]:
    second = sorted(second, key=itemgetter(0))
    starts = [hit[0] for hit in second]
    for a in first:
        # Hits after `a` have ever more words in between, so stop at the first too far away.
        i = bisect_left(starts, a[1])
        while i < len(second) and _within(words, a[1], second[i][0], distance):
            yield a, second[i]
            i += 1


class _Near:
    def __init__(self, left: _Matcher, right: _Matcher, distance: int, ordered: bool, scope: str):
        self.left, self.right, self.distance, self.ordered, self.scope = left, right, distance, ordered, scope

    def pairs(self, p: Prepared, window: Span) -> list[tuple[Hit, Hit]]:
        left = self.left.hits(p, window)
        right = self.right.hits(p, window) if left else None
        if not left or not right:
            return []
        found = list(_in_order(p.words, left, right, self.distance))
        if not self.ordered:
            found += ((a, b) for b, a in _in_order(p.words, right, left, self.distance))
        return found

    def scoped(self, p: Prepared) -> list[tuple[Hit, Hit]]:
        """The pairs in this NEAR's scope, cached on the document for `match`, then `collect`."""
        found = p.cache.get(self)
        if found is None:
            found = p.cache[self] = [pair for w in p.scopes[self.scope] for pair in self.pairs(p, w)]
        return found

    def match(self, p: Prepared) -> bool:
        return bool(self.scoped(p))

    def hits(self, p: Prepared, window: Span) -> list[Hit] | None:
        w = _clip(p, self.scope, window)
        found = self.pairs(p, w) if w else None
        return [(min(a[0], b[0]), max(a[1], b[1]), a[2] + b[2]) for a, b in found] if found else None

    def collect(self, p: Prepared, out: Counted) -> None:
        for a, b in self.scoped(p):
            for key, span in a[2] + b[2]:
                out.setdefault(key, set()).add(span)


_Matcher = _Leaf | _And | _Or | _Not | _Near


def _compile(node: Node, scope: str) -> _Matcher:
    if isinstance(node, Term):
        return _Leaf(node, scope)
    if isinstance(node, Field):
        return _compile(node.item, node.name)
    if isinstance(node, Not):
        return _Not(_compile(node.item, scope))
    if isinstance(node, Near):
        return _Near(_compile(node.left, scope), _compile(node.right, scope), node.distance, node.ordered, scope)
    items = [_compile(item, scope) for item in node.items]
    return _And(items) if isinstance(node, And) else _Or(items)


class Query:
    """A parsed query compiled for repeated evaluation; pickles as its text."""

    def __init__(self, text: str, node: Node, title_weight: int = 3):
        self.text = text
        self.node = node
        self.title_weight = title_weight
        self._root = _compile(node, "all")

    def __reduce__(self) -> tuple:
        return compile_query, (self.text, self.title_weight)

    def __repr__(self) -> str:
        return f"Query({unparse(self.node)!r})"

    def evaluate(self, prepared: Prepared) -> Result:
        if not self._root.match(prepared):
            return Result(False, 0, {})
        out: Counted = {}
        self._root.collect(prepared, out)
        title_end = prepared.title_end
        score = sum(self.title_weight if s < title_end else 1 for spans in out.values() for s, _ in spans)
        return Result(True, score, {key: len(spans) for key, spans in out.items()})

    def explain(self, prepared: Prepared) -> str:
        """The query as an indented tree, [x] on each clause that matched, with each term's counts."""
        lines: list[str] = []
        self._explain(prepared, self.node, self._root, 0, lines)
        return "\n".join(lines)

    def _explain(self, p: Prepared, node: Node, matcher: _Matcher, depth: int, lines: list[str]) -> None:
        mark = "[x]" if matcher.match(p) else "[ ]"
        pad = "  " * depth
        if isinstance(node, Term):
            assert isinstance(matcher, _Leaf)  # the matchers' tree has the query's shape
            counts = []
            for window in p.scopes[matcher.scope]:
                n = len(matcher.spans(p, window))
                if n:
                    where = "title" if window[1] <= p.title_end else "lead" if matcher.scope == "lead" else "body"
                    counts.append(f"{where} {n}")
            lines.append(f"{pad}{mark} {_term_text(node)}" + (f"  ({', '.join(counts)})" if counts else ""))
        elif isinstance(node, Field):
            lines.append(f"{pad}{mark} {node.name}:")
            self._explain(p, node.item, matcher, depth + 1, lines)
        elif isinstance(node, Not):
            assert isinstance(matcher, _Not)
            lines.append(f"{pad}{mark} NOT")
            self._explain(p, node.item, matcher.item, depth + 1, lines)
        elif isinstance(node, Near):
            assert isinstance(matcher, _Near)
            lines.append(f"{pad}{mark} {'ONEAR' if node.ordered else 'NEAR'}/{node.distance}")
            self._explain(p, node.left, matcher.left, depth + 1, lines)
            self._explain(p, node.right, matcher.right, depth + 1, lines)
        else:
            assert isinstance(matcher, _And)  # or its subclass _Or
            lines.append(f"{pad}{mark} {'AND' if isinstance(node, And) else 'OR'}")
            for item, sub in zip(node.items, matcher.items):
                self._explain(p, item, sub, depth + 1, lines)


def compile_query(text: str, title_weight: int = 3) -> Query:
    """Parse and compile `text`; raises QuerySyntaxError."""
    return Query(text, parse(text), title_weight)
