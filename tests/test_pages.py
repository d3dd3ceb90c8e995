"""Page kinds: each its pages, template, title and what its fingerprint holds."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import copy_project, run_with_line

# A kind a contributor adds: one class (below KINDS in builder/pages.py) and one template. It says
# nothing of what it shows, and shows each article's body.
BRIEFS = '''
class Briefs(PageKind):
    """Every article's headline and the start of its text, on one page."""
    template = "briefs.html"

    def pages(self, site):
        return [("briefs/index.html", site.entries)]


KINDS += (Briefs(),)
'''
TEMPLATE = """{% extends "base.html" %}
{% block main %}<h1>Briefs</h1>
{% for entry in page %}<h2>{{ entry.article.title }}</h2><p>{{ entry.article.body | truncate(400) }}</p>
{% endfor %}{% endblock %}
"""
LAST_KIND = "                               PersonPage(), YearPage())"


def test_a_page_kind_is_one_class_and_a_template_and_rebuilds_when_what_it_shows_changes(tmp_path: Path):
    """Issue 16: a new kind gets its pages, is in the sitemap, and, saying nothing of what it shows,
    is rendered again after a body edit, whether by a command's build or by serve's."""
    project = copy_project(tmp_path / "project")
    (project / "templates" / "briefs.html").write_text(TEMPLATE)
    article = sorted((project / "content" / "articles").rglob("*.md"))[0]
    out = run_with_line(tmp_path, "pages", LAST_KIND, BRIEFS, f'''
        from pathlib import Path
        from builder.build import build
        from builder.incremental.cache import open_cache
        from builder.incremental.update import update
        from builder.config import load_config
        config = load_config(Path({str(project / "config.yaml")!r}))
        page, article = Path({str(project / "site" / "briefs" / "index.html")!r}), Path({str(article)!r})

        def edit(old, new):
            text = article.read_text()
            article.write_text(text[:text.rindex(old)] + new + text[text.rindex(old) + len(old):])

        build(config, run_ingest=False)
        print("sitemap", "briefs/" in Path({str(project / "site" / "sitemap.xml")!r}).read_text())
        body = article.read_text().split("---", 2)[2].split()
        edit(body[0], "Meanwhile")
        print("command", build(config, run_ingest=False).rendered, "Meanwhile" in page.read_text())
        cache = open_cache(config)
        memory = update(config, cache=cache).memory
        edit("Meanwhile", "Elsewhere")
        result = update(config, cache=cache, memory=memory, changed=[str(article)])
        print("serve", result.rendered, "Elsewhere" in page.read_text())
        served = page.read_text()
        import shutil
        Path({str(project / "site")!r}).unlink()
        shutil.rmtree({str(project / ".cache")!r})
        build(config, run_ingest=False)
        print("clean", page.read_text() == served)
        ''')
    lines = out.split()
    assert lines[:2] == ["sitemap", "True"] and lines[2] == "command" and lines[4] == "True", out
    assert int(lines[3]) == 2    # the article's page and the briefs page
    assert lines[5] == "serve" and lines[7] == "True" and int(lines[6]) == 2, out
    assert lines[8:] == ["clean", "True"], out


def test_a_kind_showing_a_list_is_told_to_show_tuples(tmp_path: Path):
    """Serve looks a page's `shown` up among the last build's, so it must be hashable: a kind giving
    a list fails the build with a message naming the kind and its file, not a traceback."""
    project = copy_project(tmp_path / "project")
    (project / "templates" / "briefs.html").write_text(TEMPLATE)
    kind = BRIEFS.replace("\n\nKINDS", """
    def shown(self, page, shown):
        return [shown.file[e.url] for e in page]


KINDS""")
    out = run_with_line(tmp_path, "pages", LAST_KIND, kind, f'''
        from pathlib import Path
        from builder.build import build
        from builder.config import load_config
        from builder.errors import BuilderError
        try:
            build(load_config(Path({str(project / "config.yaml")!r})), run_ingest=False)
        except BuilderError as error:
            print(error.file, error.message)
        ''')
    assert out.strip().endswith("builder/pages.py Briefs.shown must give a hashable value (tuples, not lists) "
                                "for briefs/index.html"), out
