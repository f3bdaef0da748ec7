"""Lessons must be presentable: every lesson carries slide metadata, and `make slides`
turns a lesson into reveal.js HTML without touching the network, either at build time
(sockets are blocked here) or when the file is opened (nothing in it loads from a URL)."""
import importlib.util
import os
import re
from html import unescape
import socket
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

pytestmark = pytest.mark.slow  # builds every lesson's deck; scheduled first (conftest.py)
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
    return _write_fake_reveal(tmp_path / "reveal")


def _write_fake_reveal(folder):
    for rel in build_slides.REVEAL_FILES.values():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        end = "var s = '</script>';" if rel.endswith(".js") else 'a::after { content: "</style>"; }'
        (folder / rel).write_text(f"/* marker {rel} */ {end}\n")
    return folder


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Every lesson built once, as `make slides` builds it here (with the answers in the notes
    when this copy has the plaintext bank), shared by the tests that read the decks."""
    out = tmp_path_factory.mktemp("decks")
    reveal = build_slides.read_reveal(_write_fake_reveal(out / "reveal"))
    return {path: build_slides.build(path, out, reveal).read_text() for path in LESSONS}


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
def test_every_question_of_the_lesson_is_on_its_slides_with_all_its_parts(path, built):
    """The bank says which questions a lesson has; each must be printed once, whole."""
    from helpers.questions import question, question_ids
    from printed import _inline   # scripts/, put on the path by build_slides

    def text(fragment):
        return " ".join(unescape(re.sub(r"<[^>]+>", " ", fragment)).split())

    html = built[path]
    printed = _printed(re.sub(r'<aside class="notes">.*?</aside>', "", html, flags=re.S))
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
        if q["type"] == "order":   # lettered, for a room calling out an order and a key giving one
            assert all(f"{c}. {text(_inline(e['text']))}" in text(part) for c, e in zip("ABCDEFGH", q["items"])), qid


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
    assert build_slides._slide_type([c for c in shaped.cells if c.source == "Next part"][0]) == "slide"


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


def slides_of(html: str) -> list[tuple[str, list[str]]]:
    """(what the slide shows, [its speaker notes]) for every slide, sub-slides included."""
    out = []
    for body in re.findall(r"<section\b[^>]*>((?:(?!<section\b).)*?)</section>", html, re.S):
        notes = re.findall(r'<aside class="notes">(.*?)</aside>', body, re.S)
        shown = re.sub(r'<aside class="notes">.*?</aside>|<style\b.*?</style>', "", body, flags=re.S)
        out.append((" ".join(unescape(re.sub(r"<[^>]+>", " ", shown)).split()),
                    [" ".join(unescape(re.sub(r"<[^>]+>", " ", n)).split()) for n in notes]))
    return out


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_every_slide_has_speaker_notes_with_its_time_from_the_lessons_table_and_a_prompt(path, built):
    """Counts the notes of every slide: exactly one (reveal.js shows the first), never empty,
    with its section's minutes as the class plan generates them from the notebook's table."""
    slides = slides_of(built[path])
    assert slides
    timing = build_slides.lesson_timing(path)
    assert timing, f"{path.name}: no time table"
    for number, (shown, notes) in enumerate(slides, 1):
        assert len(notes) == 1, f"{path.name}: slide {number} ({shown[:50]!r}) has {len(notes)} speaker notes"
        assert "Time." in notes[0] and "Prompt." in notes[0], f"{path.name}: slide {number}: {notes[0][:120]!r}"
        prompt = notes[0].split("Prompt.", 1)[1].strip()
        assert len(prompt.split()) >= 5, f"{path.name}: slide {number} has an empty prompt"
    stated = [n[0] for _, n in slides]
    for section, row in timing.items():
        if row["cut"]:
            continue
        line = f"Time. {section} , section {row['number']} of {len(timing)}: minute {row['start']}–{row['end']} of 90"
        assert any(line in note for note in stated), f"{path.name}: no slide of {section!r} states {line!r}"
    alone = build_slides.lesson_times.required(list(timing.values()))
    lesson = f"Alone: {sum(r['reading'] for r in alone)} min reading and {sum(r['tasks'] for r in alone)} min"
    assert lesson in stated[0], f"{path.name}: the title slide does not give the table's totals"


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_question_slides_carry_the_answer_explanation_and_wrong_answers_in_their_notes(path, built):
    from answers import instructor_questions, letters, wrong_answers

    keys = instructor_questions()
    if keys is None:
        pytest.skip("answers come from solutions/question-bank (the instructor's copy)")
    for shown, notes in slides_of(built[path]):
        for qid in re.findall(r"Question \(([^)\s]+)\)", shown):
            q = keys[qid]
            assert f"Answer ({qid}). {letters(q)}".strip() in notes[0], f"{qid}: no answer letters in the notes"
            why = " ".join(str(q.get("explanation", "")).split())[:50]
            assert not why or unescape(re.sub(r"[*`]", "", why))[:30] in notes[0], f"{qid}: no explanation"
            for does, _ in wrong_answers(q):
                assert f"If a student {does}:" in notes[0], f"{qid}: no note for a student who {does}"


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_no_slide_is_only_a_continued_heading_and_no_worked_solution_is_shown(path, built):
    slides = slides_of(built[path])
    for shown, _ in slides:
        assert not re.fullmatch(r".{0,80}\(continued\)", shown), f"{path.name}: an empty slide {shown!r}"
    assert "Worked solution" not in built[path]
    for cell in nbformat.read(path, as_version=4).cells:
        if build_slides.SOLUTION_TAG in cell.metadata.get("tags", []):
            for line in re.findall(r"^(?!\s*#)(.{25,})$", cell.source, re.M):
                assert unescape(line.strip()) not in " ".join(s for s, _ in slides), (
                    f"{path.name}: worked-solution code on a slide: {line.strip()!r}")


def test_a_slide_left_empty_by_a_cut_loses_its_continued_line():
    text = "## Long\n\n" + "\n\n".join(f"Paragraph {i}. " + "word " * 90 for i in range(5))
    tail = nbformat.v4.new_markdown_cell("<details>\n\n" + "x " * 10 + "\n\n</details>")
    solution = nbformat.v4.new_markdown_cell("<details>\n<summary>Worked solution</summary>\n\n```python\nsecret = 1\n```\n</details>")
    solution.metadata["tags"] = [build_slides.SOLUTION_TAG]
    shaped = build_slides.shape(_code_nb(nbformat.v4.new_markdown_cell(text), solution, tail))
    assert "secret" not in "".join(c.source for c in shaped.cells)
    for group in build_slides._slides(shaped.cells):
        if "course-continued" in group[0].source:
            assert any(build_slides._shows(c) for c in group[1:]), "a (continued) slide with nothing on it"
    assert all(sum(build_slides._slide_type(c) == "notes" for c in g) == 1 for g in build_slides._slides(shaped.cells))


def test_slides_and_sheets_built_in_a_student_copy_carry_no_answers(built, tmp_path):
    """A student copy (course export-student: no solutions/, no course package) builds its own
    slides, with times and prompts in the notes, and question sheets, without one answer,
    explanation or feedback, and skips the keys."""
    from course import export   # this test needs the instructor's copy (and so stays out of the student's)
    from answers import instructor_questions, wrong_answers

    keys = instructor_questions()
    if keys is None:
        pytest.skip("needs the instructor's copy to make a student copy from")
    copy = tmp_path / "student"
    export.export(copy)
    assert not (copy / "solutions").exists() and not (copy / "src" / "course").exists()
    lesson = next(p for p in LESSONS if p.name.startswith("04_")) if any(p.name.startswith("04_") for p in LESSONS) else LESSONS[0]
    run = ("import sys, runpy; sys.modules['course'] = None; "   # as if the package were not there
           f"slides = runpy.run_path('scripts/build_slides.py')['main'](['--out', 'decks', 'notebooks/{lesson.name}']); "
           f"sheets = runpy.run_path('scripts/build_handouts.py')['main'](['--out', 'sheets', '--keys', 'keys', "
           f"'notebooks/{lesson.name}']); sys.exit(slides or sheets)")
    env = {**os.environ, "PYTHONPATH": str(copy / "src")}
    env.pop("COURSE_QUESTION_SOURCES", None)
    done = subprocess.run([sys.executable, "-c", run], cwd=copy, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "answer keys skipped" in done.stderr and not (copy / "keys").exists()
    sheet = (copy / "sheets" / f"{lesson.stem}.handout.html").read_text()
    html = (copy / "decks" / f"{lesson.stem}.slides.html").read_text()
    slides = slides_of(html)
    assert slides and all(len(n) == 1 and "Time." in n[0] for _, n in slides)
    notes = " ".join(n[0] for _, n in slides)
    instructor = " ".join(n[0] for _, n in slides_of(built[lesson]))
    asked = re.findall(r'data-question="([^"]+)"', html)
    assert asked and all(f"Answer ({qid})" in instructor for qid in asked)   # the same deck, keyed
    for qid in asked:
        q = keys[qid]
        assert f"Answer ({qid})" not in notes
        why = " ".join(str(q.get("explanation", "")).split())[:40]
        for built_there in (html, sheet):
            assert not why or why not in built_there, f"{qid}: its explanation is in the student's slides or sheet"
            for does, feedback in wrong_answers(q):
                assert feedback[:40] not in built_there, f"{qid}: the feedback for a student who {does} is in the student's copy"


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


def test_a_question_a_little_too_tall_is_set_one_size_smaller_before_two_columns(monkeypatch):
    def printed(n):
        options = "".join(f"<li><strong>{c}.</strong> {'an option of some length ' * 5}</li>" for c in "ABCDEFGHIJKLMNOPQRST"[:n])
        return (f'<div class="course-question course-printed" data-question="x"><p>Which?</p>'
                f'<ul class="course-choices">{options}</ul></div>')

    def mid(n):
        return printed(n).replace('class="course-question ', 'class="course-question course-mid ', 1)

    n = next(n for n in range(1, 21) if build_slides._html_height(printed(n)) > build_slides.HEIGHT)
    assert build_slides._html_height(mid(n)) <= build_slides.HEIGHT
    monkeypatch.setattr(build_slides, "question_html", lambda qid: printed(n))
    [out] = build_slides._question_outputs(["x"])
    assert 'class="course-question course-mid course-printed"' in out["data"]["text/html"]
