"""Printable handouts and instructor answer keys (`make handouts`): every question of every
lesson on the sheet with room to answer and nothing of the key; the key with each answer and
its explanation, written only where students are not sent."""
import importlib.util
import re
import subprocess
import sys
from html import unescape
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]*_*.ipynb"))

_spec = importlib.util.spec_from_file_location("build_handouts", ROOT / "scripts" / "build_handouts.py")
build_handouts = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build_handouts)


def text(fragment: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def blocks(html: str) -> dict[str, str]:
    found = list(re.finditer(r'data-question="([^"]+)"', html))
    return {m.group(1): html[m.start():found[i + 1].start() if i + 1 < len(found) else len(html)]
            for i, m in enumerate(found)}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    code = build_handouts.main(["--out", str(out / "handouts"), "--keys", str(out / "keys"), *map(str, LESSONS)])
    assert code == 0
    return out


@pytest.fixture(scope="module")
def plain():
    from course.authoring import read_sources, sources_dir

    if not sources_dir().is_dir():  # a student copy (course export-student) has no keys
        pytest.skip("the answer keys need solutions/question-bank (the instructor copy)")
    return {q["id"]: q for _, q in read_sources()}


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_the_handout_has_every_question_whole_with_room_to_answer_and_no_answers(path, built, plain):
    from helpers.questions import question, question_ids

    html = (built / "handouts" / f"{path.stem}.handout.html").read_text()
    found = blocks(html)
    assert sorted(found) == sorted(question_ids(path.stem))
    for qid, part in found.items():
        q = question(qid)
        for field in ("options", "items", "left", "right"):
            for entry in q.get(field, []):
                assert text(build_handouts.markdown_html(entry["text"])) in text(part), f"{qid}: {entry['id']}"
        if q["type"] in ("numeric", "text", "order", "match"):
            assert "course-blank" in part, f"{qid}: no blank to write in"
        if q["type"] == "reflection":
            assert "course-lines" in part
        explanation = " ".join(str(plain[qid].get("explanation", "")).split())[:60]
        assert not explanation or explanation not in text(html), f"{qid}: the explanation is on the handout"
    assert "Answer key:" not in html and 'class="course-key"' not in html


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_the_key_gives_each_answer_with_its_explanation(path, built, plain):
    from answers import answer_line
    from helpers.questions import question_ids

    html = (built / "keys" / f"{path.stem}.key.html").read_text()
    found = blocks(html)
    assert sorted(found) == sorted(question_ids(path.stem))
    for qid, part in found.items():
        assert text(build_handouts.markdown_html(answer_line(plain[qid])))[:60] in text(part), qid
        explanation = " ".join(str(plain[qid].get("explanation", "")).split())
        if explanation:
            assert text(build_handouts.markdown_html(explanation))[:80] in text(part)


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_a_question_that_needs_data_prints_it_or_is_marked_at_the_computer(path, built):
    """Numeric questions and prompts that name code, a table, a chart, rows or columns get the
    lesson's table (or figure) on the sheet; a your-turn task, which is code, says to do it at
    the computer. No question is left asking for data the sheet does not have."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    your_turn = {qid for cell in nb.cells if cell.cell_type == "code" and "your-turn" in cell.metadata.get("tags", [])
                 for qid in build_handouts.question_ids_in(cell.source)}
    found = blocks((built / "handouts" / f"{path.stem}.handout.html").read_text())
    for qid, part in found.items():
        at_computer = "course-at-computer" in part
        if qid in your_turn:
            assert at_computer, f"{qid}: a your-turn task (code) not marked 'at the computer'"
        elif build_handouts.needs_data(qid):
            assert at_computer or "<table" in part or "<img" in part, f"{qid}: needs data the sheet does not print"


def test_the_data_printed_is_the_last_table_of_the_section_before_the_question():
    import nbformat

    def table(label):
        cell = nbformat.v4.new_code_cell("t")
        cell.outputs = [nbformat.v4.new_output("execute_result", data={
            "text/html": f"<table><tbody><tr><td>{label}</td></tr></tbody></table>", "text/plain": label})]
        return cell

    task = nbformat.v4.new_code_cell('x = ...\ncheck("l4.yt-monthly-rate", x)')
    task.metadata["tags"] = ["your-turn"]
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("## One"), table("old"), nbformat.v4.new_markdown_cell("## Two"),
                table("first"), table("issued"), task, nbformat.v4.new_code_cell('ask("l4.pace-1921")'),
                nbformat.v4.new_markdown_cell("## Three"), nbformat.v4.new_code_cell('ask("l4.fell-1925")')]
    context = build_handouts.shown_before(nb)
    assert "issued" in context["l4.pace-1921"] and "first" not in context["l4.pace-1921"]
    assert "course-at-computer" in context["l4.yt-monthly-rate"]
    assert "course-at-computer" in context["l4.fell-1925"]          # no table in its section


# The script's main() is called in this process (as `make handouts` runs it, with its argv):
# a new interpreter per case only paid for importing pandas and the bank's libraries again.

def test_keys_are_never_written_into_folders_students_get(tmp_path, capsys):
    for folder in ("notebooks", "exercises"):
        code = build_handouts.main(["--out", str(tmp_path), "--keys", str(ROOT / folder / "keys"), str(LESSONS[0])])
        assert code == 2 and f"refusing to write into {folder}/" in capsys.readouterr().err
        assert not (ROOT / folder / "keys").exists()


def test_without_solutions_the_handouts_are_written_and_keys_skipped(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("COURSE_QUESTION_SOURCES", str(tmp_path / "no-solutions"))
    code = build_handouts.main(["--out", str(tmp_path / "h"), "--keys", str(tmp_path / "k"), str(LESSONS[0])])
    err = capsys.readouterr().err
    assert code == 0, err
    assert "answer keys skipped" in err
    assert (tmp_path / "h" / f"{LESSONS[0].stem}.handout.html").is_file() and not (tmp_path / "k").exists()


def test_a_missing_notebook_is_named(tmp_path):
    code = build_handouts.main(["--out", str(tmp_path), "--keys", str(tmp_path / "k"), "nope.ipynb"])
    assert code == 2


def test_handouts_load_nothing_from_the_network(built):
    for page in (built / "handouts").glob("*.html"):
        html = page.read_text()
        assert not re.search(r"""<(?:script|img|iframe|link)\b[^>]*\b(?:src|href)=["']?(?:https?:)?//""", html, re.I), page.name


def test_make_handouts_runs_the_builder():
    dry = subprocess.run(["make", "-n", "handouts"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert "scripts/build_handouts.py --out handouts --keys instructor-keys" in dry
