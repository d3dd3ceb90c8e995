"""Classification throughput: prepare each article once, then evaluate three dossier queries on it.

Run `python bench/bench_query.py [articles]` on a synthetic corpus (deterministic, random.Random(1)), or
`python bench/bench_query.py --corpus CONTENT_DIR [--articles N]` on article files, as a build files them.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable
from itertools import accumulate
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from builder.classify import article_document, file_document, judge  # noqa: E402
from builder.config import load_config  # noqa: E402
from builder.content import article_files, read_article  # noqa: E402
from builder.markdown import markdown_text  # noqa: E402
from builder.query import And, Document, Field, Near, Node, Not, Or, Term, compile_query, prepare  # noqa: E402

QUERIES = {
    "japan-north-korea": """
        (japan OR japanese OR tokyo OR kishida OR ishiba OR "fumio kishida" OR abe OR "shigeru ishiba"
         OR hayashi OR iwaya)
        AND ("north korea" OR "north korean" OR "north koreans" OR pyongyang OR dprk OR "kim jong un"
             OR "kim yo jong" OR kcna OR "korean central news agency")
        AND (missile* OR abduct* OR nuclear OR sanction* OR summit OR talks OR launch* OR "ballistic missile"
             OR "exclusive economic zone" OR eez OR "sea of japan" OR icbm OR (kishida NEAR/10 kim))
        AND NOT (olympic* OR "world cup" OR football OR baseball OR k-pop)
    """,
    "japan-south-korea": """
        title:(japan* OR tokyo OR seoul OR korea*)
        AND (japan OR japanese OR tokyo OR kishida OR ishiba OR abe)
        AND ("south korea" OR "south korean" OR seoul OR "republic of korea" OR rok OR yoon
             OR "yoon suk yeol" OR "lee jae myung" OR "moon jae in")
        AND ("comfort women" OR "forced labor" OR "forced labour" OR wartime OR dokdo OR takeshima
             OR "shuttle diplomacy" OR trilateral OR gsomia OR "export controls" OR summit*
             OR (japan* ONEAR/3 relations) OR case:"ROK")
        AND NOT ("north korea" NEAR/5 missile*)
    """,
    "ukraine-war-diplomacy": """
        (ukrain* OR kyiv OR kiev OR zelensky* OR zelenskiy)
        AND (russia* OR moscow OR kremlin OR putin OR lavrov OR peskov)
        AND (ceasefire OR "peace talks" OR "peace deal" OR negotiat* OR diplomac* OR diplomat* OR summit
             OR envoy OR mediat* OR sanction* OR "security guarantees" OR istanbul OR "prisoner exchange"
             OR (talks NEAR/5 (peace OR ceasefire)) OR lead:(minsk OR "black sea grain"))
        AND NOT (football OR eurovision OR olympic*)
    """,
}

FILLER = """
the of and to a in that is was he for it with as his on be at by i this had not are but from or have
an they which one you were her all she there would their we him been has when who will more no if out
so said what up its about into than them can only other new some could time these two may then do
first any my now such like our over man me even most made after also did many before must through back
years where much your way well down should because each just those people mr how too little state good
very make world still own see men work long get here between both life being under never day same
another know while last might us great old year off come since against go came right used take three
states himself few house use during without again place american around however home small found mrs
thought went say part once general high upon school every does got united left number course war until
always away something fact though water less public put think almost hand enough far took head yet
government system better set told nothing night end why called didn't eyes find going look asked later
knew point next program city business give group toward young days let room president side social
given present several order national possible rather second face per among form important often things
looked early white case john become large big need four within felt along children saw best church
ever least power development light thing seemed family interest want members mind country area others
done turned although open problem free sense economic market report minister officials statement
spokesman agency ministry foreign defence defense security meeting week month monday tuesday wednesday
thursday friday weekend according sources analysts expected plans policy support leaders countries
international region regional border military forces troops army navy coast guard trade economy
investment energy prices bank growth inflation election vote party parliament opposition court law
police crisis conflict attack attacks weapons killed injured residents capital officials announced
""".split()

TOPICS = {
    "japan-north-korea": """Japan Japan’s Japanese Tokyo Kishida Ishiba Abe Hayashi Iwaya North-Korea
        North-Korea’s North-Korean Pyongyang DPRK Kim-Jong-un Kim-Jong-Un’s Kim-Yo-jong KCNA missile missiles
        ballistic-missile abductees abduction nuclear sanctions launched launches ICBM Sea-of-Japan EEZ
        exclusive-economic-zone summit talks""".split(),
    "japan-south-korea": """Japan Japan’s Japanese Tokyo Kishida Ishiba Seoul South-Korea South-Korea’s
        South-Korean Yoon Yoon-Suk-yeol Lee-Jae-myung Moon-Jae-in ROK Republic-of-Korea comfort-women
        forced-labor wartime Dokdo Takeshima shuttle-diplomacy trilateral GSOMIA export-controls summit
        summits relations ties Japan–ROK""".split(),
    "ukraine-war-diplomacy": """Ukraine Ukraine’s Ukrainian Ukrainians Kyiv Zelensky Zelenskyy Russia
        Russia’s Russian Moscow Kremlin Putin Lavrov Peskov ceasefire peace-talks peace-deal negotiations
        negotiators diplomacy diplomatic diplomats envoy mediation mediator sanctions security-guarantees
        Istanbul prisoner-exchange Minsk Black-Sea-grain talks peace""".split(),
    "other": """football Olympics Olympic World-Cup baseball K-pop Eurovision China Beijing Taiwan Washington
        Biden Trump Europe Brussels Germany France London Paris India Delhi Brazil tariffs climate
        earthquake typhoon""".split(),
}


def _corpus(count: int, rng: random.Random) -> list[Document]:
    zipf = list(accumulate(1 / (rank + 1) for rank in range(len(FILLER))))
    topics = list(TOPICS)
    anything = [w for words in TOPICS.values() for w in words]

    def word(topic_words: list[str], rate: float) -> str:
        if rng.random() < rate:
            return rng.choice(topic_words).replace("-", " ")
        if rng.random() < 0.004:
            return rng.choice(anything).replace("-", " ")
        return rng.choices(FILLER, cum_weights=zipf)[0]

    def sentence(topic_words: list[str], rate: float) -> tuple[str, int]:
        ws = [word(topic_words, rate) for _ in range(rng.randint(8, 24))]
        ws[0] = ws[0][0].upper() + ws[0][1:]
        for i in range(1, len(ws) - 1):
            r = rng.random()
            if r < 0.07:
                ws[i] += ","
            elif r < 0.08:
                ws[i] += " —"
        text = " ".join(ws) + "."
        if rng.random() < 0.08:
            text = f"“{text}”"
        return text, len(ws)

    docs = []
    for _ in range(count):
        topic = rng.choices(topics, [1, 1, 1, 3])[0]
        topic_words, rate = TOPICS[topic], (0.05 if topic != "other" else 0.02)
        title = " ".join(w[0].upper() + w[1:] for w in (word(topic_words, 0.3) for _ in range(rng.randint(9, 15))))
        paragraphs, total = [], 0
        while total < 700:
            sentences = [sentence(topic_words, rate) for _ in range(rng.randint(2, 5))]
            paragraphs.append(" ".join(s for s, _ in sentences))
            total += sum(n for _, n in sentences)
        docs.append(Document(title, paragraphs[0], "\n\n".join(paragraphs)))
    return docs


def _terms(node: Node) -> int:
    match node:
        case Term():
            return 1
        case And(items) | Or(items):
            return sum(map(_terms, items))
        case Not(item) | Field(_, item):
            return _terms(item)
        case Near(left, right):
            return _terms(left) + _terms(right)


def _best(run: Callable[[], object], repeat: int = 3) -> float:
    """The fastest of `repeat` runs, in seconds: the machine's noise only ever adds time."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def synthetic(count: int) -> None:
    docs = _corpus(count, random.Random(1))
    queries = {name: compile_query(text) for name, text in QUERIES.items()}
    terms = ", ".join(str(_terms(query.node)) for query in queries.values())
    words = sum(len(d.body.split()) + len(d.title.split()) for d in docs) / count
    print(f"{count} articles of {words:.0f} words on average; queries of {terms} terms")

    best_prepare = _best(lambda: [prepare(doc) for doc in docs])
    best_total = _best(lambda: [[query.evaluate(p) for query in queries.values()] for p in map(prepare, docs)])
    print(f"prepare only:       {count / best_prepare:9,.0f} articles/s")
    print(f"prepare + evaluate: {count / best_total:9,.0f} articles/s  "
          f"({best_total / count * 1e6:.0f} µs each, best of 3)")
    for name, query in queries.items():
        n = sum(query.evaluate(prepare(doc)).matched for doc in docs)
        print(f"  {name:24} {n:5} matched ({n / count:.0%})")


def corpus(content: Path, limit: int | None) -> None:
    """`file_document(article_document(article))`, as a build files an article, with the config's dossiers."""
    dossiers = load_config(ROOT / "config.yaml").dossiers
    articles = [read_article(content, rel) for rel in article_files(content)[:limit]]
    count = len(articles)
    if not count:
        sys.exit(f"no articles under {content / 'articles'}")
    docs = [article_document(article) for article in articles]
    words = sum(len(d.title.split()) + len(d.body.split()) for d in docs) / count
    print(f"{count} articles of {words:.0f} words on average, from {content}")

    prepare_time = _best(lambda: [prepare(doc) for doc in docs])
    evaluate_time = _best(lambda: [[judge(dossier, p) for dossier in dossiers] for p in map(prepare, docs)])
    parts = {
        "markdown_text": _best(lambda: [markdown_text(article.body) for article in articles]),
        "prepare": prepare_time,
        f"evaluate {len(dossiers)} queries": evaluate_time - prepare_time,
    }
    total = _best(lambda: [file_document(article_document(article), dossiers) for article in articles])
    for name, seconds in parts.items():
        print(f"  {name + ':':22} {seconds / count * 1e6:6.0f} µs")
    print(f"file_document(article_document(a)): {count / total:7,.0f} articles/s  "
          f"({total / count * 1e6:.0f} µs each, best of 3)")
    filings = [file_document(doc, dossiers) for doc in docs]
    for dossier in dossiers:
        n = sum(dossier.slug in filing.dossiers for filing in filings)
        print(f"  {dossier.slug:24} {n:5} filed ({n / count:.0%})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("articles", nargs="?", type=int, help="how many (synthetic: 5000; corpus: all)")
    parser.add_argument("--corpus", type=Path, metavar="CONTENT_DIR",
                        help="a content folder: time its articles/**/*.md with config.yaml's dossiers")
    args = parser.parse_args()
    if args.corpus:
        corpus(args.corpus, args.articles)
    else:
        synthetic(args.articles or 5000)


if __name__ == "__main__":
    main()
