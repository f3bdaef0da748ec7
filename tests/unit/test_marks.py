"""Marks are never lost: the grader never replaces a gradebook, never writes over its own
inputs, and never writes marks.csv; the teacher's marks are merged into the gradebook.

Hand-ins are built from the toy assignment a0 (5 auto-checked points and a 3-point essay,
tests/fixtures/assignment) and, for the real numbers, from the course's own a1 solution.
"""
import csv
import json
from pathlib import Path

import pytest

from course import grading, marks
from test_grading import notebook, record, right_answers, write

ROOT = Path(__file__).resolve().parents[2]
ASSIGNMENT_SOURCES = ROOT / "tests" / "fixtures" / "assignment" / "solutions" / "question-bank"


@pytest.fixture
def bank(assignment_bank, monkeypatch):
    monkeypatch.setenv("COURSE_QUESTION_BANK", str(assignment_bank))
    monkeypatch.setenv("COURSE_QUESTION_SOURCES", str(ASSIGNMENT_SOURCES))


@pytest.fixture
def handins(bank, tmp_path):
    folder = tmp_path / "in"
    write(folder / "ann.ipynb", notebook(record("student_id", "s001"), *right_answers()))
    write(folder / "bob" / "a0.ipynb", notebook(record("student_id", "s002"), *right_answers(**{"a0.pick": "alpha"})))
    write(folder / "cy.ipynb", notebook(record("student_id", "s003"), *right_answers(**{"a0.reflect": None})))
    return tmp_path


def book(path: Path) -> dict[str, dict]:
    return {row["file"]: row for row in csv.DictReader(path.open(encoding="utf-8", newline=""))}


def test_a_second_grade_refuses_and_leaves_the_gradebook_byte_identical(handins, capsys):
    out = handins / "gradebook.csv"
    assert grading.main([str(handins / "in"), "--out", str(out)]) == 0
    before = out.read_bytes(), (handins / "gradebook_reflections.csv").read_bytes()
    assert grading.main([str(handins / "in"), "--out", str(out)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert (out.read_bytes(), (handins / "gradebook_reflections.csv").read_bytes()) == before
    out.unlink()   # the reflections file alone is protected too
    assert grading.main([str(handins / "in"), "--out", str(out)]) == 2 and not out.exists()
    assert grading.main([str(handins / "in"), "--out", str(out), "--force"]) == 0


@pytest.mark.parametrize("target", ["roster", "marks", "handin"])
def test_out_is_never_an_input(handins, capsys, target):
    roster = handins / "roster.csv"
    roster.write_text("student_id,name,email,sis_id,section\ns001,Ann,a@x,1,M\n", encoding="utf-8")
    marks_csv = handins / "marks.csv"
    marks.write_mark(marks_csv, "ann.ipynb", "s001", "a0.reflect", 2, "clear")
    handin = handins / "in" / "ann.ipynb"
    before = {p: p.read_bytes() for p in (roster, marks_csv, handin)}
    path = {"roster": roster, "marks": marks_csv, "handin": handin}[target]
    args = ([str(handin)] if target == "handin" else [str(handins / "in")]) + [
        "--out", str(path), "--roster", str(roster), "--marks", str(marks_csv), "--force"]
    if target == "handin":
        args.append("--allow-out-inside")
    assert grading.main(args) == 2
    assert "this run reads" in capsys.readouterr().err
    assert {p: p.read_bytes() for p in before} == before


def test_marks_are_merged_into_the_gradebook(handins, capsys):
    marks_csv = handins / "marks.csv"
    marks.write_mark(marks_csv, "ann.ipynb", "s001", "a0.reflect", 2.5, "=good use of the table")
    assert grading.main([str(handins / "in"), "--out", str(handins / "gb.csv"), "--marks", str(marks_csv)]) == 0
    rows = book(handins / "gb.csv")
    ann, bob, cy = rows["ann.ipynb"], rows["bob/a0.ipynb"], rows["cy.ipynb"]
    assert [ann[c] for c in ("auto", "manual", "score", "max_score", "a0.reflect", "to_mark")] == [
        "5", "2.5", "7.5", "8", "2.5", ""]
    assert [bob[c] for c in ("auto", "manual", "score", "max_score", "to_mark")] == ["4", "", "4", "8", "a0.reflect"]
    assert [cy[c] for c in ("score", "to_mark", "a0.reflect")] == ["5", "", ""]   # no essay: nothing to mark
    assert "1 merged; 1 submission(s) with work still to mark" in capsys.readouterr().out
    assert marks.read_marks(marks_csv)[("ann.ipynb", "a0.reflect")].comment == "=good use of the table"


def test_a_mark_above_the_questions_points_is_refused_before_writing(handins, capsys):
    marks_csv = handins / "marks.csv"
    marks_csv.write_text("file,student_id,question,points,comment\nann.ipynb,s001,a0.reflect,4,\n", encoding="utf-8")
    assert grading.main([str(handins / "in"), "--out", str(handins / "gb.csv"), "--marks", str(marks_csv)]) == 2
    assert "row 2: 4 points for a0.reflect on ann.ipynb, which is worth 3" in capsys.readouterr().err
    assert not (handins / "gb.csv").exists()
    with pytest.raises(marks.MarksError, match="outside 0 to 3"):
        marks.write_mark(marks_csv, "ann.ipynb", "s001", "a0.reflect", 3.5, "", max_points=3)


def test_a_mark_for_no_hand_in_is_reported_and_kept(handins, capsys):
    marks_csv = handins / "marks.csv"
    marks.write_mark(marks_csv, "gone.ipynb", "s009", "a0.reflect", 1, "")
    assert grading.main([str(handins / "in"), "--out", str(handins / "gb.csv"), "--marks", str(marks_csv)]) == 0
    assert "no hand-in 'gone.ipynb' in this folder" in capsys.readouterr().out
    assert ("gone.ipynb", "a0.reflect") in marks.read_marks(marks_csv)   # the grader never writes marks.csv


def test_marks_csv_round_trips_and_refuses_damage(tmp_path):
    path = tmp_path / "marks.csv"
    for _ in range(3):   # saved again and again: the formula guard's apostrophe never piles up
        marks.write_mark(path, "=x.ipynb", "@s1", "a0.reflect", 1, "+ strong, \"quoted\"\nsecond line")
    mark = marks.read_marks(path)[("=x.ipynb", "a0.reflect")]
    assert (mark.file, mark.student_id, mark.points, mark.comment) == (
        "=x.ipynb", "@s1", 1.0, "+ strong, \"quoted\"\nsecond line")
    assert list(tmp_path.iterdir()) == [path]   # written atomically: no temporary file left
    for text, message in [("file,question\n", "missing column"),
                          ("file,student_id,question,points,comment\na.ipynb,s,a0.reflect,lots,\n", "row 2: points 'lots'"),
                          ("file,student_id,question,points,comment\na.ipynb,s,q,1,\na.ipynb,s,q,2,\n", "marked twice"),
                          ("file,student_id,question,points,comment\na.ipynb,s,q,-1,\n", "0 or more")]:
        path.write_text(text, encoding="utf-8")
        with pytest.raises(marks.MarksError, match=message):
            marks.read_marks(path)
    assert marks.read_marks(tmp_path / "none.csv") == {}


def test_the_real_a1_is_out_of_ten_and_its_essay_waits_for_the_teacher(tmp_path, capsys, monkeypatch):
    """The course's own a1 solution: 6 auto-checked points, an essay worth 4. Canvas gets Points
    Possible 10 and no row until the essay is marked; then the whole grade."""
    monkeypatch.delenv("COURSE_QUESTION_BANK", raising=False)
    folder = tmp_path / "in"
    folder.mkdir()
    solution = next((ROOT / "solutions").glob("a1_*.ipynb"))
    nb = json.loads(solution.read_text(encoding="utf-8"))
    sid = "s001"
    nb["cells"].insert(0, {"cell_type": "code", "id": "typed-id", "metadata": {}, "execution_count": 1,
                           "source": "", "outputs": [record("student_id", sid)]})
    write(folder / "ann.ipynb", nb)
    roster = tmp_path / "roster.csv"
    roster.write_text(f"student_id,name,email,sis_id,section\n{sid},Ann,a@x,SIS1,M\nz9,Zed,z@x,SIS9,M\n", encoding="utf-8")
    out = tmp_path / "gb.csv"
    args = [str(folder), "--out", str(out), "--roster", str(roster), "--lms", "canvas", "--canvas-id", "a1=48213"]
    assert grading.main(args) == 0
    canvas = list(csv.reader((tmp_path / "gb_canvas.csv").open(encoding="utf-8", newline="")))
    assert canvas[1][5] == "10" and canvas[2:] == []
    essay = next(qid for qid, *_ in grading.grade_file(folder / "ann.ipynb", "ann.ipynb").reflections)
    marks.write_mark(tmp_path / "marks.csv", "ann.ipynb", sid, essay, 3, "good")
    assert grading.main([*args, "--force"]) == 0
    canvas = list(csv.reader((tmp_path / "gb_canvas.csv").open(encoding="utf-8", newline="")))
    row = book(out)["ann.ipynb"]
    assert canvas[2] == ["Ann", "", "SIS1", "", "M", row["score"]] and row["max_score"] == "10"
    assert float(row["score"]) == float(row["auto"]) + 3 and row["manual"] == "3"
