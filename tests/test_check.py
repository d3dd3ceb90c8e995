"""`check`: everything a build would refuse and every link into the site that leads nowhere, told
together as `error: FILE:LINE: message`, with nothing written to `site/` or `.cache/`."""

from __future__ import annotations

from builder.check import check
from builder.config import load_config
from builder.site import load_site
from tests.test_cli import run


def test_the_briefing_checks_clean_and_nothing_is_written(repo_copy):
    result = run(repo_copy, "check")
    assert result.returncode == 0, result.stderr
    assert "0 problem(s)" in result.stdout and "links into the site followed" in result.stdout
    assert not (repo_copy / "site").exists() and not (repo_copy / ".cache").exists()


def test_a_broken_link_is_told_once_per_template_link_and_per_article(repo_copy):
    base = repo_copy / "templates" / "base.html"
    base.write_text(base.read_text().replace("</main>", '<a href="{{ url(\'nowhere/\') }}">x</a></main>', 1))
    story = next((repo_copy / "content" / "articles").rglob("japans-kishida*.md"))
    story.write_text(story.read_text() + "\nSee [the talks](/articles/2099/no-such-story/) and [above](#no-such-part)"
                     " and [a secret](/%2e%2e/%2e%2e/etc/hostname).\n")
    report = check(load_config(repo_copy / "config.yaml"))
    told = sorted(str(p) for p in report.problems)
    lines = story.read_text().count("\n")
    assert len(told) == 4, told
    assert f"{story}:{lines}: links to /%2e%2e/%2e%2e/etc/hostname, which is not in the site" in told
    assert f"{story}:{lines}: links to /articles/2099/no-such-story/, which is not in the site" in told
    anchor = f"{story}:{lines}: links to #no-such-part, but /articles/2024/japans-kishida"
    assert any(t.startswith(anchor) for t in told)
    (template,) = [t for t in told if "nowhere" in t]
    mails = len(load_site(load_config(repo_copy / "config.yaml")).editions)   # edition.html: no base.html
    assert template.startswith(f"{repo_copy / 'templates'}: {report.pages - mails} page(s) link to /nowhere/")


def test_an_absolute_link_into_the_site_is_followed_as_the_e_mails_write_them(repo_copy):
    """An edition's e-mail links the site by its absolute address: a link there to nothing is told
    (check once passed over every absolute link as another site's)."""
    mail = repo_copy / "templates" / "edition-email.html"
    mail.write_text(mail.read_text().replace("</body>", '<a href="{{ absolute(\'nowhere/\') }}">x</a></body>', 1))
    config = load_config(repo_copy / "config.yaml")
    (problem,) = check(config).problems
    mails = len(load_site(config).editions)
    assert str(problem).startswith(f"{repo_copy / 'templates'}: {mails} page(s) link to "
                                   "https://briefing.example.org/nowhere/, which is not in the site (/editions/")


def test_bad_front_matter_and_a_template_syntax_error_are_told_together(repo_copy):
    story = next((repo_copy / "content" / "articles").rglob("japans-kishida*.md"))
    story.write_text("---\ntitle: [broken\n---\n")
    person = repo_copy / "templates" / "person.html"
    person.write_text(person.read_text() + "{% if %}\n")
    result = run(repo_copy, "check")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    errors = result.stderr.splitlines()
    assert any(e.startswith(f"error: {story.relative_to(repo_copy)}:2: front matter") for e in errors), errors
    person_error = f"error: {person.relative_to(repo_copy)}:"
    assert any(e.startswith(person_error) and "template error" in e for e in errors), errors


def test_a_link_outside_the_base_path_is_told(repo_copy):
    """Under GitHub project pages (/briefing/), "/articles/..." leaves the site for the host's root."""
    cfg = repo_copy / "config.yaml"
    cfg.write_text(cfg.read_text().replace("base_url: https://briefing.example.org/",
                                           "base_url: https://user.github.io/briefing/"))
    story = next((repo_copy / "content" / "articles").rglob("japans-kishida*.md"))
    story.write_text(story.read_text() + "\nSee [the archive](/archive/) and [a secret](/briefing//etc/hostname).\n")
    told = sorted(str(p) for p in check(load_config(cfg)).problems)
    assert len(told) == 2, told
    assert "links to /archive/, which is outside the site (it is served under /briefing/)" in told[0]
    # Under the base path, a second slash starts a path at the file system's root: never looked at there.
    assert "links to /briefing//etc/hostname, which is not in the site" in told[1]


def test_two_articles_with_the_same_id_are_reported(repo_copy):
    """Issue 15 item 8: check tells a repeated `id:`, naming both files."""
    story = next((repo_copy / "content" / "articles").rglob("japans-kishida*.md"))
    copy = story.with_name("copy.md")
    copy.write_text(story.read_text().replace("title: ", "title: Copy of ", 1))
    report = check(load_config(repo_copy / "config.yaml"))
    assert [p.message.split(" as ")[0] for p in report.problems] == [f"has the same id {_id(story)}"]
    (problem,) = report.problems
    assert {problem.file, problem.message.split(" as ")[1].split(";")[0]} == {str(story), str(copy)}


def _id(path):
    return next(line for line in path.read_text().splitlines() if line.startswith("id:")).split()[1]
