"""The evidence each line of a dump carries by itself: its shape (length, function words, stops,
capitals, digits), whether it reads as a page control or a notice, and how often it repeats."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from builder.language import dump_languages, stopwords
from builder.text import clean, key, words

# Where readers' comments begin, besides a `12 Comments` heading: the form to write one. They are
# controls too.
_THREAD = frozenset(key(c) for c in """
leave a reply|leave a comment|post a comment|write a comment|add a comment|join the discussion|
kommentar schreiben|laisser un commentaire|deja un comentario|lascia un commento|deixe um comentário|
dodaj komentarz|dołącz do dyskusji
""".replace("\n", "").split("|"))
# Universal page controls and notices, in the languages most pages are in: what a line says when it
# is a button, a menu entry or a legal line on any site. Matched against whole folded lines
# (controls) or anywhere in them (notices).
CONTROLS = frozenset(key(c) for c in """
share|share this|share this article|print|email|e-mail|mail|menu|main menu|search|close|open|login|log in|
log out|sign in|sign up|sign out|register|subscribe|subscribe now|subscriptions|my account|account|home|
homepage|skip to content|skip to main content|skip to navigation|toggle navigation|navigation|more|
read more|show more|load more|see more|view more|continue reading|next|previous|next article|
previous article|back|back to top|top|reply|comment|comments|view comments|
advertisement|advertising|ad|sponsored|facebook|twitter|x|whatsapp|linkedin|pinterest|
instagram|youtube|telegram|reddit|tumblr|rss|copy link|link|tweet|like|follow|follow us|listen|
watch|video|photos|gallery|save|bookmark|send|cancel|submit|ok|accept|agree|i agree|got it|
contact|contact us|about|about us|news|latest|latest news|trending|most read|most popular|popular|
related|related articles|related stories|recommended|you may also like|tags|topics|categories|
sections|loading|expand|collapse|related coverage|pdf version|print version|
teilen|drucken|suche|suchen|anmelden|abmelden|registrieren|mehr|weiter|weiterlesen|zurück|startseite|
menü|schließen|kommentare|kommentar|werbung|anzeige|abonnieren|newsletter|kontakt|impressum|
partager|imprimer|rechercher|connexion|se connecter|s'inscrire|accueil|fermer|suivant|précédent|
commentaires|publicité|lire la suite|s'abonner|
compartir|imprimir|buscar|iniciar sesión|registrarse|inicio|cerrar|siguiente|anterior|comentarios|
publicidad|leer más|suscríbete|
condividi|stampa|cerca|accedi|chiudi|commenti|pubblicità|leggi anche|
compartilhar|partilhar|pesquisar|entrar|fechar|comentários|publicidade|leia mais|
udostępnij|drukuj|szukaj|zaloguj|zamknij|komentarze|reklama|czytaj więcej
""".replace("\n", "").split("|")) | _THREAD
# Copyright lines in those languages; with `©`, what a page's footer says.
_RESERVED = [key(n) for n in """
all rights reserved|rights reserved|alle rechte vorbehalten|tous droits réservés|derechos reservados|
diritti riservati|direitos reservados|prawa zastrzeżone
""".replace("\n", "").split("|")]
_NOTICES = _RESERVED + [key(n) for n in """
copyright|cookie|cookies|privacy policy|privacy notice|terms of use|terms of service|terms and conditions|
newsletter|subscribe|unsubscribe|sign up for|javascript|your browser|ad blocker|datenschutz|impressum|
nutzungsbedingungen|mentions légales|politique de confidentialité|aviso legal|política de privacidad|
polityka prywatności|privatsphäre|ohne gewähr|prawem autorskim|abonnieren sie|jetzt abonnieren|
kostenlos abonnieren|abonnez-vous|suscríbete|suscríbase|assine|zapisz się|subskrypcji
""".replace("\n", "").split("|")]
_NOTICE = re.compile("|".join(map(re.escape, _NOTICES)))
_COPYRIGHT = re.compile("|".join(map(re.escape, _RESERVED)))
# A notice's first word (or its plural) is in a line before the regex need look at it.
_NOTICE_WORDS = frozenset(n.split()[0] + plural for n in _NOTICES for plural in ("", "s"))
# A link to another story behind a universal lead-in: `Read more: ...`, `Lesen Sie auch: ...`,
# `Lea también: ...`; a list of tags (`Tags: ...`). After the lead-in, a colon or separator, or
# nothing but a short link label (`Veja também`, `Más sobre La Tercera`).
_LEAD_INS = (
    r"read more|read also|also read|see also|related|related articles?|related stories|you may also like|"
    r"you might also like|recommended|more from|more on|don'?t miss|watch|listen|suggested|more on this|tags|"
    r"next|previous|up next|"
    r"lesen sie auch|lesen sie mehr|mehr zum thema|mehr dazu|zum weiterlesen|auch interessant|schlagworte|"
    r"lire aussi|à lire aussi|à lire|voir aussi|à voir aussi|mots-clés|"
    r"lea también|lea más|lea|lee también|leer más|le puede interesar|te puede interesar|"
    r"también te puede interesar|mira|mire|puedes ver|más sobre|etiquetas|"
    r"leggi anche|potrebbe interessarti|leia também|leia mais|veja também|saiba mais|confira|"
    r"czytaj też|czytaj także|czytaj również|zobacz też|zobacz także|zobacz również|tagi|lue myös|"
    r"artículos relacionados|noticias relacionadas|notícias relacionadas|articles liés|verwandte artikel")
# Only a lead-in of two words or more stands before a label without a colon (`Lea` is a name too).
_PHRASES = "|".join(p for p in _LEAD_INS.split("|") if " " in p)
_LEAD_IN = re.compile(rf"^(?:(?:{_LEAD_INS})\s*(?:[:|>»]|$)|(?:{_PHRASES})\s+(?=(?:\S+\s+){{0,3}}\S+$))", re.I)
# A photo or source credit: `Photo: AFP / KCNA`, `Foto: dpa`, `Fot. PAP`, `Image: Getty Images`.
_CREDIT = re.compile(r"^(?:(?:photos?|images?|file photo|pictures?|credits?|video|foto|fotos|fot|bild|bilder|"
                     r"bildquelle|quelle|source|fuente|imagen|crédits?|photographie|zdjęcie|kuva|kuvat)\s*[:|]"
                     r"|fot\.)\s*\S.{0,100}$", re.I)
# `Photo by Jane Doe on Unsplash`: a name after `by` (`Picture by picture, ...` is prose).
_PHOTO_BY = re.compile(r"^(?:[Pp]hoto(?:graph)?s?|[Pp]ictures?|[Ii]mages?)\s+by\s+(?P<name>\w)")
# A caption's credit at its end: `... kanssa. Kuva: Alexander Becher`, `... / Źródło: Pixabay`.
# A colon after the word (`Foto:`), or the abbreviation `Fot.`: a sentence may end in `images.`
_TRAILING_CREDIT = re.compile(r"[\s(/|](?:(?:photos?|images?|foto|fotos|fot|kuva|kuvat|bild|imagen|crédits?|"
                              r"credits?|źródło|zdjęcie)\s*:|fot\.)\s*[^.!?:]{1,60}\)?$", re.I)
# A caption's credit, the caption no sentence: one name after a slash (`Trybunał Konstytucyjny /
# Shutterstock`; `Russia / Ukraine` is a subheading), or anything short after a copyright sign
# (`Stau © aremac / Clipdealer`, `Le piquet de grève / (C) Kab Niang`).
_CAPTION_CREDIT = re.compile(r"^\S+(?:\s+\S+)+\s+/\s?(?P<name>\w[\w.&'-]*)$|\s(?:©|\([cC]\))\s?\S+(?:\s\S+){0,4}$")
# A comment thread's heading: `11 responses to "..."`, `3 Kommentare`, `12 komentarzy`; alone or before
# the story's quoted title (`5 thoughts on the talks` is a listicle's subheading).
_COMMENTS = re.compile(r"^\d+\s+(?:responses?|comments?|replies|thoughts|kommentare?|commentaires?|comentarios?|"
                       r"comentários?|komentarz[ey]?|komentarzy|commenti)(?:\s*$|\s+(?:to|on|zu|sur|na|para|a)\s+"
                       r"[\"“„«‘'])", re.I)
# What a page says of its links: `These are external links and will open in a new window`.
_LINK_NOTE = re.compile(r"\b(?:opens?|will open) in a new (?:window|tab)\b", re.I)
_DIGIT = re.compile(r"\d")
_SEPARATORS = re.compile(r"\s[|•·»›/>]\s|\s[|•·]$|^[|•·]\s")
_SENTENCE_STOP = re.compile(r"[.!?…][\"'”’)\]]*\s+[\"'“‘(\[]?[A-ZÀ-ÞА-Я0-9]")
_END = tuple(".!?…:;") + ('."', ".”", "!”", "?”", ".’", ".)")
_DATE = re.compile(r"\b(?:1[0-9]|20)\d\d\b|\b\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b|\b\d{1,2}:\d\d\b")


@dataclass(frozen=True, slots=True)
class Line:
    index: int          # 0-based line number in the dump
    text: str
    key: str            # folded words: repeats and headlines compare by it
    tokens: tuple[str, ...]  # the folded words
    stop: float         # share of the words that are function words of its language
    language: str | None  # which of the dump's languages it is in, when two function words or more tell
    sentences: int      # sentence stops followed by another sentence, plus a final stop
    end_stop: bool      # ends like a sentence (or a label: `:`)
    capitals: float     # share of the words that start with a capital
    digits: float       # share of the characters that are digits
    control: bool       # a page control, menu entry, link elsewhere or credit (`Share`, `Read more: ...`)
    notice: bool        # legal, cookie or newsletter vocabulary
    separators: int     # `|`, `•`, `»` between words: menus, breadcrumbs, title suffixes
    dated: bool         # holds a year, a numeric date or a clock time
    blank_before: bool  # a blank line above it: a new block on the page
    blank_after: bool
    repeats: int        # other lines of the dump with the same key

    @property
    def words(self) -> int:
        return len(self.tokens)


def read_lines(text: str) -> list[Line]:
    """The dump's non-empty lines with their evidence; each line's function words are counted in
    the dump's languages (a dump may hold pages in several) and the line told which it is in."""
    raw = [clean(line).strip() for line in text.split("\n")]
    tokens = [words(t) if t else [] for t in raw]
    # Function words are frequent: each line's first few dozen words tell its language.
    languages = dump_languages([ws[:40] for ws in tokens if ws])
    lists = [stopwords(name) for name in languages]
    keys = [" ".join(ws) for ws in tokens]
    counts = Counter(k for k in keys if k)
    lines = []
    last = len(raw) - 1
    for i, t in enumerate(raw):
        if not t:
            continue
        ws = tokens[i]
        n = len(ws) or 1
        hits = [sum(map(fw.__contains__, ws)) for fw in lists]
        best = max(range(len(hits)), key=hits.__getitem__)
        digits = len(_DIGIT.findall(t))
        # Most lines hold no notice word and no digit: the regexes look only at those that do.
        notice = "©" in t or (not _NOTICE_WORDS.isdisjoint(ws) and _NOTICE.search(keys[i]) is not None)
        spaced = t.split(None, 60)[:60]  # capitals and separators tell headlines and menus: short lines
        capitalised = sum(1 for w in spaced if w[:1].isupper())
        lines.append(Line(
            index=i, text=t, key=keys[i], tokens=tuple(ws), stop=hits[best] / n,
            language=languages[best] if hits[best] >= 2 else None,
            sentences=len(_SENTENCE_STOP.findall(t)) + t.endswith(_END),
            end_stop=t.endswith(_END),
            capitals=capitalised / max(1, len(spaced)),
            digits=digits / len(t),
            control=keys[i] in CONTROLS or _LEAD_IN.match(t) is not None or _CREDIT.match(t) is not None
            or (len(t) <= 250 and (_TRAILING_CREDIT.search(t) is not None or _LINK_NOTE.search(t) is not None))
            or (n <= 15 and not t.endswith(_END) and _caption_credit(t))
            or _thread_heading(t),
            notice=notice,
            separators=len(_SEPARATORS.findall(t)) if len(t) <= 300 else 0,
            dated=digits > 1 and _DATE.search(t) is not None,
            blank_before=i == 0 or not raw[i - 1],
            blank_after=i == last or not raw[i + 1],
            repeats=counts[keys[i]] - 1 if keys[i] else 0,
        ))
    return lines


def _caption_credit(text: str) -> bool:
    """A photo's credit closing a short caption (`_CAPTION_CREDIT`, `_PHOTO_BY`): a name is capitalised."""
    # Most short lines hold neither a slash, a copyright sign nor a bracket, nor open with `Photo`:
    # no regex need look at them.
    m = (_CAPTION_CREDIT.search(text) if "/" in text or "©" in text or "(" in text else None) \
        or (_PHOTO_BY.match(text) if text[0] in "PpIi" else None)
    return m is not None and (m["name"] is None or m["name"][0].isupper())


def _thread_heading(text: str) -> bool:
    return text[0].isdigit() and not text.endswith(_END) and _COMMENTS.match(text) is not None


def comment_thread(line: Line) -> bool:
    """Where readers' comments begin: `12 Comments`, `5 thoughts on "..."`, `Leave a reply`."""
    return line.key in _THREAD or _thread_heading(line.text)


def copyright(line: Line) -> bool:
    """A copyright line (`© 2024 Example Media`, `Alle Rechte vorbehalten`), not a photo's credit."""
    return not line.control and line.notice and ("©" in line.text or _COPYRIGHT.search(line.key) is not None)


def page_language(page: list[Line], default: str = "English") -> str:
    """The language most of a page's lines are in."""
    counts = Counter(line.language for line in page if line.language)
    return counts.most_common(1)[0][0] if counts else default
