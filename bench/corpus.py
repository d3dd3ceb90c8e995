"""Deterministic synthetic seed dumps in the seeds' four page formats, for benchmarks.

    python bench/corpus.py --dumps 200 OUT      # writes OUT/seeds/*.txt
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

# Common news vocabulary, with the dossiers' terms at the few-percent rate real stories have them.
COMMON = ("the of and to in a on for that with said was as by at from is it has have were be its their "
          "which after will not but are an who this had been also more over two year years would than "
          "they about against new government minister officials talks statement security region agreement "
          "meeting week leaders president summit country countries policy foreign relations trade military "
          "economic support decision report issue plan cooperation pressure future border election council "
          "analysts state national international last first since told people could under while during "
          "between further before including what other such where public spokesperson office agency media "
          "parliament ministry defense financial market energy prices growth investment companies funding "
          "aid conference visit capital province local forces attack killed injured court law rights "
          "protest vote party opposition ruling coalition campaign budget tax bank rate inflation exports "
          "imports deal deals negotiations dialogue envoy ceasefire peace sanctions").split()
TOPICAL = ("japan tokyo japanese north korea pyongyang south seoul korean ukraine kyiv russia moscow "
           "missile abduction alliance kishida yoon zelensky putin").split()
PLACES = ["SEOUL", "TOKYO", "KYIV", "MOSCOW", "WASHINGTON", "BRUSSELS", "BEIJING"]
NAMES = ["Fumio Kishida", "Yoon Suk Yeol", "Kim Jong Un", "Volodymyr Zelensky", "Emmanuel Macron",
         "Shinzo Abe", "Sergei Lavrov", "Antony Blinken"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]


def word(rng: random.Random) -> str:
    return rng.choice(TOPICAL) if rng.random() < 0.04 else rng.choice(COMMON)


def sentence(rng: random.Random) -> str:
    words = [word(rng) for _ in range(rng.randint(12, 28))]
    if rng.random() < 0.4:
        words.insert(rng.randint(0, len(words)), f"{rng.choice(NAMES)} said")
    return " ".join(words).capitalize() + "."


def paragraph(rng: random.Random) -> str:
    return " ".join(sentence(rng) for _ in range(rng.randint(1, 3)))


def headline(rng: random.Random) -> str:
    return " ".join(word(rng) for _ in range(rng.randint(6, 12))).capitalize()


def date(rng: random.Random) -> str:
    return f"{rng.randint(1, 28):02d} {rng.choice(MONTHS)} {rng.randint(2015, 2026)}"


def asharq(rng: random.Random) -> str:
    out = []
    for _ in range(rng.randint(2, 5)):
        title, caption = headline(rng), f"{sentence(rng)[:-1]} {date(rng)}. (Reuters)"
        out += [title, "", caption, caption, "TT", "", title, "", caption, caption, ""]
        out += [p for _ in range(rng.randint(8, 20)) for p in (paragraph(rng), "")] + ["", ""]
    return "\n".join(out)


def taipei(rng: random.Random) -> str:
    out = [paragraph(rng) for _ in range(rng.randint(10, 25))]
    out.insert(3, "Photo: AFP")
    out += [f"{rng.choice(COMMON).upper()}: " + " ".join(paragraph(rng) for _ in range(4))[:780].rsplit(" ", 1)[0]
            for _ in range(4)]
    return "\n".join(out)


def politicoscope(rng: random.Random) -> str:
    out = [headline(rng) + " - World News", "", "Subscribe to Our Newsletter", ""]
    out += [p for _ in range(rng.randint(8, 20)) for p in (paragraph(rng), "")]
    out += ["You May Also Like:   " + headline(rng), "", paragraph(rng), "", "  • AFP", "",
            "Thank you for visiting Was this information helpful?", "", "Leave a Reply"]
    return "\n".join(out)


def arab_news(rng: random.Random) -> str:
    out = []
    for n in range(rng.randint(2, 5)):
        title = headline(rng)
        updated = f"Updated {date(rng)}" if n % 2 else f"Updated {rng.randint(1, 50)} min ago"
        out += [title, "", f"Update {title}", sentence(rng), "Short Url", updated, "Follow", "", title, "",
                title, f"  • {sentence(rng)}", "", f"{rng.choice(PLACES)}: {paragraph(rng)}", ""]
        out += [p for _ in range(rng.randint(6, 15)) for p in (paragraph(rng), "")] + ["", ""]
    return "\n".join(out)


FORMATS = (asharq, taipei, politicoscope, arab_news)


def write_dumps(folder: Path, count: int, seed: int = 1) -> int:
    """Write `count` dumps into `folder`; returns the bytes written."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    total = 0
    for n in range(count):
        text = FORMATS[n % len(FORMATS)](rng)
        data = text.encode("utf-8")
        (folder / f"{n:05d}_{FORMATS[n % len(FORMATS)].__name__}.txt").write_bytes(data)
        total += len(data)
    return total


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dumps", type=int, default=200)
    parser.add_argument("out", type=Path)
    args = parser.parse_args()
    size = write_dumps(args.out / "seeds", args.dumps)
    print(f"wrote {args.dumps} dumps, {size / 2**20:.1f} MB, to {args.out / 'seeds'}")
