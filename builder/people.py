"""People named in an article: full names introduced by a role (`Prime Minister Fumio Kishida`),
by speech (`said Mira Rapp-Hooper`) or by apposition (`Kim Tae-hyo, a former minister`), normalised so
that `Kim Jong-un` and `Kim Jong Un` are one person, and so are two spellings of one surname
(`Zelensky`, `Zelenskyy`) or the aliases `config.yaml` lists for a person. A name never runs across
a line break: a headline's last word is not a first name."""

from __future__ import annotations

import re
from collections import Counter

from builder.text import key, tidy

_ROLES = (
    r"(?:president|prime minister|premier|minister|secretary of state|secretary|chancellor|leader|"
    r"spokes(?:man|woman|person)|governor|mayor|senator|general|adviser|advisor|envoy|ambassador|"
    r"king|queen|emperor|chairman|chairwoman|chair|director|counterpart|rival|candidate|sister|"
    r"brother|official|lawmaker|commissioner|dictator|ruler|monarch|pope|mr\.?|mrs\.?|ms\.?|dr\.?)"
)
# A name part: `Kishida`, `Rapp-Hooper`, `Jong-un`, `McCormack`, `O'Brien`.
_PART = r"Mc[A-Z][a-z]+|O['’][A-Z][a-z]+|[A-Z][a-z]+(?:[-'’][A-Za-z][a-z]+)*"
_CANDIDATE = re.compile(rf"(?:{_PART})(?:[ \t]+(?:{_PART})){{1,5}}")
# What around a run of capitalised words shows it is a person (checked only at candidates).
_ROLE_BEFORE = re.compile(rf"\b{_ROLES},?\s+$")
_SPEECH_BEFORE = re.compile(r"\b(?:said|says|told|according to|quoted)\s+$")
_SPEECH_AFTER = re.compile(r"^\s+(?:said|says|told|added|wrote|noted)\b")
_APPOSITION_AFTER = re.compile(
    r"^,\s+(?:a|an|the)\s+(?:[\w-]+\s+){0,6}?(?:minister|official|president|adviser|advisor|spokes\w+|"
    r"analyst|expert|professor|activist|leader|diplomat|envoy|lawmaker|researcher|fellow|director|"
    r"ambassador|general|commander)\b")

# Capitalised words that start sentences or name places, days and bodies, never people.
_NOT_NAMES = frozenset(key(w) for w in """
the a an this that these those he she it they we i his her their its our in on at of for and but or
monday tuesday wednesday thursday friday saturday sunday january february march april may june july
august september october november december north south east west korea korean koreans japan japanese
china chinese russia russian ukraine ukrainian united states kingdom nations european union white house
party state department ministry council government parliament congress assembly army military news
agency reuters afp associated press national security foreign affairs office cabinet supreme court
democratic republican liberal conservative socialist communist people republic
washington tokyo seoul pyongyang moscow kyiv beijing paris london brussels berlin
""".split())
# Words of titles and organisations: a candidate keeps only what follows the last of them.
_ROLE_WORDS = frozenset(key(w) for w in """
president prime minister premier secretary chancellor leader spokesman spokeswoman spokesperson
governor mayor senator general adviser advisor envoy ambassador king queen emperor chairman chairwoman
director deputy vice foreign defense defence finance chief former official mr mrs ms dr state
""".split())
_ORGANISATION_WORDS = frozenset(key(w) for w in """
confederation federation association committee agency organization organisation institute ministry
department council party group company bank fund times news post daily club university union league
commission corporation industry industries media center centre foundation forum
""".split())


def _display(name: str) -> str:
    """Canonical spelling: Korean-style hyphenated given names become spaced (`Jong-un` -> `Jong Un`),
    hyphenated surnames (`Rapp-Hooper`) stay."""
    name = re.sub(r"\s+", " ", tidy(name))
    return re.sub(r"(?<=[a-z])-([a-z])", lambda m: " " + m.group(1).upper(), name)


def _trim(name: str) -> tuple[str | None, bool]:
    """(the person's name in a run of capitalised words, whether the run holds a title); the name
    is None when too little is left or the run names an organisation."""
    parts = re.sub(r"['’]s$", "", name).split()
    if any(key(p) in _ORGANISATION_WORDS for p in parts):
        return None, False
    roles = [i for i, p in enumerate(parts) if key(p) in _ROLE_WORDS]
    if roles:
        parts = parts[roles[-1] + 1:]
    while parts and key(parts[0]) in _NOT_NAMES:
        parts.pop(0)
    for i, part in enumerate(parts):
        if key(part) in _NOT_NAMES:
            parts = parts[:i]
            break
    return (" ".join(parts) if len(parts) >= 2 else None), bool(roles)


def _one_edit(a: str, b: str) -> bool:
    """`a` and `b` differ by one letter added, dropped or changed."""
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b)) == 1
    short, long_ = sorted((a, b), key=len)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


def same_person(a: str, b: str) -> bool:
    """Two spellings of one name: the same parts but for a surname (five letters or more) spelt
    with one letter more, less or other (`Volodymyr Zelensky`, `Volodymyr Zelenskyy`)."""
    pa, pb = a.split(), b.split()
    return len(pa) == len(pb) and pa[:-1] == pb[:-1] and min(len(pa[-1]), len(pb[-1])) >= 5 \
        and _one_edit(pa[-1], pb[-1])


def find_people(text: str, aliases: dict[str, str] | None = None) -> list[str]:
    """Names in `text`, most mentioned first (ties alphabetically), one spelling per person;
    `aliases` maps a name's key() to the person's name as the curator wants it written."""
    counts: Counter[str] = Counter()
    spelling: dict[str, str] = {}
    for match in _CANDIDATE.finditer(text):
        name, titled = _trim(match.group(0))
        if name is None:
            continue
        before = text[max(0, match.start() - 40):match.start()]
        after = text[match.end():match.end() + 80]
        if not (titled or _ROLE_BEFORE.search(before.lower()) or _SPEECH_BEFORE.search(before)
                or _SPEECH_AFTER.match(after) or _APPOSITION_AFTER.match(after)):
            continue
        display = _display(name)
        ident = key(display)
        if aliases and ident in aliases:
            display = aliases[ident]
            ident = key(display)
        counts[ident] += 1
        spelling.setdefault(ident, display)
    # Two spellings of one surname are one person, under the spelling used most.
    for ident in sorted(counts, key=lambda i: (counts[i], i)):  # the rarest spellings first
        other = next((o for o in counts if o != ident and counts[o] >= counts[ident] and same_person(o, ident)), None)
        if other is not None:
            counts[other] += counts.pop(ident)
    return [spelling[i] for i, _ in sorted(counts.items(), key=lambda kv: (-kv[1], spelling[kv[0]]))]
