"""Lessons must be presentable: every lesson carries slide metadata, and `make slides`
turns a lesson into reveal.js HTML without touching the network, either at build time
(sockets are blocked here) or when the file is opened (nothing in it loads from a URL)."""
import importlib.util
import re
from html import unescape
import socket
import subprocess
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]*_*.ipynb"))  # 00b_pandas_primer too
SLIDE_TYPES = {"slide", "subslide", "fragment", "-", "skip", "notes"}

_spec = importlib.util.spec_from_file_location("build_slides", ROOT / "scripts" / "build_slides.py")
build_slides = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build_slides)

# Anything a browser would fetch by itself: script/img/iframe src, stylesheet links, CSS imports.
FETCHES = re.compile(r"""<(?:script|img|iframe|source)\b[^>]*\bsrc=["']?(?:https?:)?//"""
                     r"""|<link\b[^>]*\bhref=["']?(?:https?:)?//|@import\s+(?:url\()?["']?(?:https?:)?//""",
                     re.IGNORECASE)


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_lesson_has_slide_metadata_on_at_least_half_its_cells(path):
    cells = nbformat.read(path, as_version=4).cells
    typed = [c for c in cells if c.metadata.get("slideshow", {}).get("slide_type") in SLIDE_TYPES]
    assert len(typed) * 2 >= len(cells), (
        f"{path.name}: only {len(typed)} of {len(cells)} cells have slideshow.slide_type")
    assert cells[0].metadata.get("slideshow", {}).get("slide_type") == "slide", (
        f"{path.name}: the first cell should open a slide")


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("network access during a slide build")
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.fixture
def fake_reveal(tmp_path):
    """A stand-in reveal.js release: just enough files, each with a marker to find."""
    folder = tmp_path / "reveal"
    for rel in build_slides.REVEAL_FILES.values():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        end = "var s = '</script>';" if rel.endswith(".js") else 'a::after { content: "</style>"; }'
        (folder / rel).write_text(f"/* marker {rel} */ {end}\n")
    return folder


@pytest.fixture
def lesson():
    if not LESSONS:
        pytest.skip("no lesson notebooks yet")
    return LESSONS[0]


def _check_offline(html):
    assert not FETCHES.search(html), FETCHES.search(html).group(0)


def test_slides_build_without_network_and_inline_a_local_reveal(no_network, fake_reveal, lesson, tmp_path):
    assert build_slides.main(["--reveal", str(fake_reveal), "--out", str(tmp_path / "out"), str(lesson)]) == 0
    html = (tmp_path / "out" / f"{lesson.stem}.slides.html").read_text()
    _check_offline(html)
    for rel in build_slides.REVEAL_FILES.values():
        assert f"marker {rel}" in html, f"{rel} was not inlined"
    # inlined code cannot close its own tag early
    assert "var s = '</script>'" not in html and '"</style>"' not in html
    assert "Reveal.initialize" in html
    slides = sum(c.metadata.get("slideshow", {}).get("slide_type") == "slide"
                 for c in nbformat.read(lesson, as_version=4).cells)
    assert html.count("<section") >= slides


def test_without_reveal_the_build_writes_a_readable_page(no_network, lesson, tmp_path, monkeypatch):
    monkeypatch.setattr(build_slides, "find_reveal", lambda explicit=None: None)
    build_slides.main(["--out", str(tmp_path), str(lesson)])
    html = (tmp_path / f"{lesson.stem}.slides.html").read_text()
    _check_offline(html)
    assert "reveal.js was not available" in html and "Reveal.initialize" not in html


def _printed(html: str) -> dict[str, str]:
    """Question id -> the slide HTML from its printed question to the next one."""
    found = list(re.finditer(r'data-question="([^"]+)"', html))
    return {m.group(1): html[m.start():found[i + 1].start() if i + 1 < len(found) else len(html)]
            for i, m in enumerate(found)}


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_every_question_of_the_lesson_is_on_its_slides_with_all_its_parts(path, fake_reveal, tmp_path):
    """The bank says which questions a lesson has; each must be printed once, whole."""
    from helpers.questions import question, question_ids
    from printed import _inline   # scripts/, put on the path by build_slides

    def text(fragment):
        return " ".join(unescape(re.sub(r"<[^>]+>", " ", fragment)).split())

    html = build_slides.build(path, tmp_path, build_slides.read_reveal(fake_reveal)).read_text()
    printed = _printed(html)
    wanted = question_ids(path.stem)
    assert sorted(printed) == sorted(wanted), (
        f"{path.name}: missing {sorted(set(wanted) - set(printed))}, extra {sorted(set(printed) - set(wanted))}")
    assert html.count("data-question=") == len(wanted), "a question is printed twice"
    assert "widget-view+json" not in html and "Answer record for" not in html
    for qid, part in printed.items():
        q = question(qid)
        for field in ("options", "items", "left", "right"):
            for entry in q.get(field, []):
                assert text(_inline(entry["text"])) in text(part), f"{qid}: {field} entry {entry['id']!r} is not on the slide"


def _code_nb(*cells):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Title"), *cells]
    nb.cells[0].metadata["slideshow"] = {"slide_type": "slide"}
    return nb


def test_code_is_hidden_unless_tagged_and_outputs_stay():
    drawn = nbformat.v4.new_code_cell("fig, ax = new_figure()\nshow(fig, alt='a', caption='c')")
    drawn.outputs = [nbformat.v4.new_output("display_data", data={
        "text/html": '<figure class="course-figure"><figcaption>Votes by district</figcaption></figure>',
        "text/plain": "Figure"})]
    shown = nbformat.v4.new_code_cell("votes.groupby('district').sum()")
    shown.metadata["tags"] = [build_slides.SHOW_CODE_TAG]
    silent = nbformat.v4.new_code_cell("import pandas as pd")
    silent.metadata["slideshow"] = {"slide_type": "slide"}
    after = nbformat.v4.new_markdown_cell("Next part")
    shaped = build_slides.shape(_code_nb(drawn, shown, silent, after))
    body, _ = build_slides.exporter().from_notebook_node(shaped, resources={"offline_reveal": None})
    assert "new_figure" not in body and "Votes by district" in body
    assert "groupby" in body
    assert "import pandas" not in body
    # the dropped cell opened a slide: the next cell opens it instead
    assert build_slides._slide_type(shaped.cells[-1]) == "slide"


def test_a_long_cell_continues_on_sub_slides_and_long_tables_are_cut():
    text = "\n\n".join(f"Paragraph {i}. " + "word " * 90 for i in range(12))
    nb = _code_nb(nbformat.v4.new_markdown_cell("## Long\n\n" + text))
    shaped = build_slides.shape(nb)
    parts = [c for c in shaped.cells if "Paragraph" in c.source]
    assert len(parts) > 2 and all(build_slides._cell_height(c) <= build_slides.BUDGET for c in parts)
    assert all("Paragraph" in c.source for c in parts)
    assert sum(c.source.count("Paragraph") for c in parts) == 12, "no paragraph may be lost"
    assert "Long (continued)" in "".join(c.source for c in shaped.cells)

    rows = "".join(f"<tr><th>{i}</th><td>row {i}</td></tr>" for i in range(40))
    table = f"<table><thead><tr><th></th><th>x</th></tr></thead><tbody>{rows}</tbody></table>"
    short = build_slides._short_table(table)
    assert short.count("<tr") == build_slides.MAX_ROWS + 2 and "30 more rows in the notebook" in short


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_speaker_notes_come_from_the_guide_for_every_lesson(path, fake_reveal, tmp_path):
    if not build_slides.GUIDE.is_file():  # a student copy (course export-student) has no guide
        pytest.skip("speaker notes come from instructors/guide.md (the instructor copy)")
    notes = build_slides.speaker_notes(path.stem)
    assert notes, f"instructors/guide.md has no section naming `{path.name}` with prompts and misconceptions"
    assert "**Discussion.**" in notes and "**Misconceptions.**" in notes
    html = build_slides.build(path, tmp_path, build_slides.read_reveal(fake_reveal)).read_text()
    asides = re.findall(r'<aside class="notes">(.*?)</aside>', html, re.S)
    assert asides and "Misconceptions." in asides[0] and "Discussion." in asides[0]


def test_an_incomplete_reveal_folder_is_refused(tmp_path):
    (tmp_path / "dist").mkdir()
    with pytest.raises(SystemExit, match="not a reveal.js folder"):
        build_slides.find_reveal(tmp_path)


def test_make_slides_uses_the_offline_builder():
    dry = subprocess.run(["make", "-n", "slides", "REVEAL_DIR=somewhere"], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    assert "scripts/build_slides.py --out slides --reveal" in dry


def test_the_course_ships_its_own_reveal_js(no_network, lesson, tmp_path):
    """Without REVEAL_DIR the vendored copy is used, so real slides need nothing fetched."""
    assert build_slides.find_reveal() == build_slides.VENDORED
    assert build_slides.main(["--out", str(tmp_path), str(lesson)]) == 0
    html = (tmp_path / f"{lesson.stem}.slides.html").read_text()
    _check_offline(html)
    assert "Reveal.initialize" in html and "reveal.js was not available" not in html


def test_a_cell_asking_several_questions_puts_each_where_it_fits():
    ids = ["l3.cr-claim", "l3.cr-for-whom", "l3.cr-left-out", "l3.cr-reflection"]
    asks = nbformat.v4.new_code_cell("\n".join(f'ask("{q}")' for q in ids))
    shaped = build_slides.shape(_code_nb(asks))
    printed = [c for c in shaped.cells if c.cell_type == "code"]
    assert [re.findall(r'data-question="([^"]+)"', c.outputs[0]["data"]["text/html"]) for c in printed] == [[q] for q in ids]
    assert all(len(c.outputs) == 1 for c in printed)
    assert len({c.get("id") for c in printed}) == len(printed), "cell ids must stay unique"
    # they do not all fit one slide, so some open a new one (labelled, no "(continued)")
    assert sum(build_slides._slide_type(c) == "subslide" for c in printed) >= 1
    assert "(continued)" not in "".join(c.source for c in shaped.cells)


def test_a_quotation_is_estimated_in_its_narrower_box():
    words = "word " * 60
    plain = build_slides._html_height(f"<p>{words}</p><p>- its author</p>")
    quoted = build_slides._html_height(f"<blockquote><p>{words}</p><p>- its author</p></blockquote>")
    assert quoted > plain + 40


def test_a_question_taller_than_a_slide_is_set_in_two_columns(monkeypatch):
    options = "".join(f"<li><strong>{c}.</strong> {'a long option ' * 12}</li>" for c in "ABCDEFGHIJKLMN")
    tall = (f'<div class="course-question course-printed" data-question="x"><p>Which?</p>'
            f'<ul class="course-choices">{options}</ul></div>')
    monkeypatch.setattr(build_slides, "question_html", lambda qid: tall)
    assert build_slides._html_height(tall) > build_slides.HEIGHT
    [out] = build_slides._question_outputs(["x"])
    assert 'class="course-question course-long course-printed"' in out["data"]["text/html"]
    assert build_slides._html_height(out["data"]["text/html"]) < build_slides._html_height(tall)
    short = '<div class="course-question course-printed" data-question="y"><p>Which?</p></div>'
    monkeypatch.setattr(build_slides, "question_html", lambda qid: short)
    assert "course-long" not in build_slides._question_outputs(["y"])[0]["data"]["text/html"]
