"""`course mark`: the marking notebook and its widget, without a browser.

The widget is driven through its own traits (what the browser sets): a points value, a
comment, the buttons. Every change must be in marks.csv at once, within the question's
points, and a new Marker must resume where the last one stopped. The browser test
(tests/browser/test_marking.py) does the same with the keyboard in JupyterLab.
"""
import json
from pathlib import Path

import pytest

from course import marking, marks
from course.errors import CourseError
from test_grading import notebook, record, right_answers, write

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def handins(assignment_keys, tmp_path):
    folder = tmp_path / "in"
    for name, sid, essay in (("ann", "s001", "Ann wrote about counting rows."), ("bob", "s002", "Bob wrote this."),
                             ("cy", "s003", "Cy's own words here.")):
        write(folder / f"{name}.ipynb", notebook(record("student_id", sid), *right_answers(**{"a0.reflect": essay})))
    return tmp_path


def test_each_change_is_saved_and_bounded_and_the_marker_resumes(handins):
    path = handins / "marks.csv"
    m = marking.Marker(handins / "in", "a0", marks=path)
    assert [(s.file, s.item.id) for s in m.screens] == [("ann.ipynb", "a0.reflect"), ("bob.ipynb", "a0.reflect"),
                                                         ("cy.ipynb", "a0.reflect")]
    assert m.progress() == "0 of 3 marked" and "Ann wrote" in m.answer.value
    m.points.value = "2.5"
    assert marks.read_marks(path)[("ann.ipynb", "a0.reflect")].points == 2.5
    m.comment.value = "Uses the table well."
    assert marks.read_marks(path)[("ann.ipynb", "a0.reflect")].comment == "Uses the table well."
    assert "1 of 3 marked" in m.progress_line.value
    m.next.click()
    m.points.value = "4"                      # a0.reflect is worth 3
    assert "outside 0 to 3" in m.status.value and ("bob.ipynb", "a0.reflect") not in marks.read_marks(path)
    m.points.value = "3"
    again = marking.Marker(handins / "in", "a0", marks=path)
    assert again.index == 2 and again.progress() == "2 of 3 marked"   # resumes at Cy, the first not marked
    again.previous.click()
    assert again.points.value == "3" and "Bob wrote" in again.answer.value
    again.points.value = ""                   # unmarked again: kept as a row without points
    assert marks.read_marks(path)[("bob.ipynb", "a0.reflect")].points is None
    assert again.progress() == "1 of 3 marked"


def test_anonymous_marking_hides_who_and_keeps_one_order(handins):
    first = marking.Marker(handins / "in", "a0", marks=handins / "m.csv", anonymous=True)
    second = marking.Marker(handins / "in", "a0", marks=handins / "m.csv", anonymous=True)
    assert [s.file for s in first.screens] == [s.file for s in second.screens]
    assert sorted(s.file for s in first.screens) == ["ann.ipynb", "bob.ipynb", "cy.ipynb"]
    shown = first.heading.value + first.answer.value
    assert "Hand-in 1" in shown and not any(x in shown for x in ("s00", "ann", "bob", "cy.ipynb"))


def test_the_command_writes_a_notebook_that_opens_the_marker(handins, capsys):
    out = handins / "marking_a0.ipynb"
    assert marking.main([str(handins / "in"), "--assignment", "a0", "--marks", str(handins / "marks.csv"),
                         "--out", str(out)]) == 0
    nb = json.loads(out.read_text(encoding="utf-8"))
    code = "".join(nb["cells"][1]["source"])
    assert "Marker(" in code and str((handins / "in").resolve()) in code
    assert "3 screen(s), 3 hand-in(s) of a0" in capsys.readouterr().out
    with pytest.raises(CourseError, match="a9 has no teacher-marked question"):
        marking.main([str(handins / "in"), "--assignment", "a9", "--out", str(out)])
    with pytest.raises(CourseError, match="inside the hand-in folder"):
        marking.main([str(handins / "in"), "--assignment", "a0", "--marks", str(handins / "in" / "marks.csv")])


def test_a_chart_task_shows_the_png_handed_in():
    """The course's a1 solution: its Task 4 chart is found in the hand-in's output."""
    solution = next((ROOT / "solutions").glob("a1_*.ipynb"))
    nb = json.loads(solution.read_text(encoding="utf-8"))
    chart = next(i for i in marks.teacher_items("a1") if i.kind == "chart")
    note, png = marks.answer_for(nb, chart, {})
    assert png and png.startswith(b"\x89PNG") and note == ""
    blank = json.loads(next((ROOT / "exercises").glob("a1_*.ipynb")).read_text(encoding="utf-8"))
    assert marks.answer_for(blank, chart, {}) == ("no chart in the task's cell (was it run?)", None)


def test_an_essay_handed_in_twice_is_named_on_both_screens_without_names_when_anonymous(assignment_keys, tmp_path):
    essay = ("I would ask who made the count and for whom, since a party census and a trade-union "
             "return had different reasons to find more or fewer workers, and compare both before "
             "trusting the figure.")
    for name, sid, text in (("ann", "s001", essay), ("bob", "s002", essay.upper()), ("cy", "s003", "Cy's own words.")):
        write(tmp_path / "in" / f"{name}.ipynb", notebook(record("student_id", sid), *right_answers(**{"a0.reflect": text})))
    m = marking.Marker(tmp_path / "in", "a0", marks=tmp_path / "m.csv")
    assert [s.same_as for s in m.screens] == [["s002 (bob.ipynb)"], ["s001 (ann.ipynb)"], []]
    assert "The same words as:</strong> s002 (bob.ipynb)" in m.answer.value
    m.next.click()
    m.next.click()
    assert "The same words as" not in m.answer.value
    hidden = marking.Marker(tmp_path / "in", "a0", marks=tmp_path / "m.csv", anonymous=True)
    twins = [s for s in hidden.screens if s.same_as]
    assert len(twins) == 2 and all(s.same_as[0].startswith("Hand-in ") for s in twins)
    assert {s.same_as[0] for s in twins} == {s.label for s in twins}
