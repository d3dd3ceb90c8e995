"""The three dossiers on short hand-written articles for each tricky case, Markdown as the queries see it,
and re-filing."""

from __future__ import annotations

import pytest

from builder.classify import document, file_document, refile
from builder.config import load_config
from builder.ingest import ingest
from tests.conftest import REPO

CONFIG = load_config(REPO / "config.yaml")


def filed(title: str, *paragraphs: str) -> tuple[str, ...]:
    return file_document(document(title, list(paragraphs)), CONFIG.dossiers).dossiers


@pytest.mark.parametrize("title, paragraphs, expected", [
    ("Japan protests North Korean missile launch over Hokkaido",
     ["Japan lodged a protest with North Korea after a ballistic missile flew over Hokkaido, Tokyo said.",
      "North Korea has launched several missiles towards Japan this year, and Tokyo has tightened sanctions."],
     ("japan-dprk",)),
    ("Families of abductees urge prime minister to act",
     ["Relatives of Japanese citizens abducted by North Korean agents in the 1970s met the prime minister in Tokyo.",
      "Japan says Pyongyang has not accounted for all the abductees."], ("japan-dprk",)),
    ("Kishida says ready to meet Kim Jong-un without conditions",  # hyphenated spelling
     ["Japanese Prime Minister Fumio Kishida said he was ready to meet Kim Jong-un, hoping to resolve the "
      "abduction issue with North Korea.", "Kim Yo-jong said Japan must change its position."], ("japan-dprk",)),
    ("North Korea test-fires cruise missiles, Seoul says",  # North Korea with no Japanese angle
     ["North Korea fired several cruise missiles off its west coast, South Korea's military said.",
      "The launch came as South Korea and the United States held joint drills."], ()),
    ("Japan and South Korea leaders agree to deepen ties at Tokyo summit",
     ["Japanese Prime Minister Shigeru Ishiba and South Korean President Lee Jae-myung agreed in Tokyo to deepen "
      "security and trade cooperation.", "Japan and South Korea also discussed their wartime history."],
     ("japan-rok",)),
    ("South Korean court upholds impeachment ruling",  # South Korean domestic news
     ["South Korea's constitutional court upheld the impeachment, and Seoul will hold an election in June.",
      "The ruling party said it accepted the verdict."], ()),
    ("Japan, South Korea and US leaders condemn North Korea at trilateral summit",  # belongs to both
     ["The leaders of Japan, South Korea and the United States met in Washington and condemned North Korea's "
      "missile launches, agreeing to share warning data.",
      "Tokyo and Seoul pledged closer security cooperation against Pyongyang, and Japan raised the abductions."],
     ("japan-dprk", "japan-rok")),
    ("Envoys meet in Istanbul for new round of Ukraine peace talks",
     ["Russian and Ukrainian negotiators met in Istanbul for talks on a ceasefire, with US envoys mediating.",
      "Kyiv said it sought a prisoner exchange and security guarantees."], ("ukraine-diplomacy",)),
    ("EU agrees new sanctions package against Russia over Ukraine war",
     ["European Union foreign ministers agreed a new package of sanctions on Russia over its war in Ukraine.",
      "Ukraine's foreign minister welcomed the decision and urged further diplomatic pressure."],
     ("ukraine-diplomacy",)),
    ("Russian drones strike Kharkiv overnight",  # battlefield only
     ["Russian drones struck residential buildings in Kharkiv overnight, Ukrainian officials said.",
      "Ukraine's air force said it shot down most of the drones launched at the city."], ()),
])
def test_tricky_cases(title, paragraphs, expected):
    assert filed(title, *paragraphs) == expected


def test_passing_mention_does_not_file():
    # Names both countries, but is about a football match: the query matches, the evidence is thin.
    result = file_document(document("Club wins title", [
        "The club beat rivals from Seoul, with two Japanese players scoring in the final."]), CONFIG.dossiers)
    assert result.dossiers == ()
    assert result.classification["japan-rok"]["score"] < CONFIG.dossier("japan-rok").min_score


def ingested_story(project, *items):
    """Ingest the test story (and `items`); return its file."""
    from tests.test_ingest import STORY, dump
    project.seed("a.txt", dump(STORY, *items))
    ingest(project.config)
    return next(project.root.glob("content/articles/*/japan-and-north-korea*.md"))


def demand_more_evidence(project):
    """Change the japan-dprk query's bar so that the story no longer reaches it."""
    cfg = project.root / "config.yaml"
    cfg.write_text(cfg.read_text().replace("min_score: 4\n", "min_score: 400\n", 1))


def test_refile_moves_untouched_articles(project):
    from tests.test_ingest import OTHER
    story = ingested_story(project, OTHER)
    text = story.read_text()
    demand_more_evidence(project)
    moves, _ = refile(project.config)
    assert moves == [f"japan-dprk: - {story.relative_to(project.root / 'content').as_posix()}"]
    assert "status: unfiled" in story.read_text() and story.read_text() != text
    # Untouched by a person, so ingest still regards it as its own and a second run is stable.
    assert refile(project.config) == (["classify: no article moved"], [])
    assert "edited" not in " ".join(ingest(project.config).notes)


def test_refile_keeps_curator_dossiers(project):
    story = ingested_story(project)
    story.write_text(story.read_text().replace("dossiers:\n- japan-dprk", "dossiers:\n- japan-rok"))
    demand_more_evidence(project)
    assert refile(project.config) == (["classify: no article moved"], [])
    assert "- japan-rok" in story.read_text()


def test_refile_edits_only_filing_keys_of_an_edited_file(project):
    story = ingested_story(project)
    story.write_text(story.read_text().replace("title: Japan and North Korea", "title: Edited - Japan and North Korea"))
    demand_more_evidence(project)
    moves, _ = refile(project.config)
    assert len(moves) == 1 and moves[0].startswith("japan-dprk: -")
    text = story.read_text()
    assert "title: Edited - Japan and North Korea" in text
    assert "status: unfiled" in text
    assert any("edited by hand" in n for n in ingest(project.config).notes)
