"""`course feedback`: one self-contained page per hand-in, holding nothing of anyone else.

Each hand-in carries markers of its own (its id, its essay, a comment its teacher wrote);
every page must show its own and none of the others'. The score parts must agree with the
gradebook written from the same folder and marks.
"""
import csv
import re
from pathlib import Path

import pytest

from course import feedback, grading, marks
from course.errors import CourseError
from test_grading import notebook, record, right_answers, write

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def handins(assignment_keys, tmp_path):
    folder = tmp_path / "in"
    people = {"ann": ("s001", "ESSAY-ANN counted the rows twice."),
              "mon/bob": ("s002", "ESSAY-BOB <script>alert(1)</script> asked who counted."),
              "cy": ("s003", None)}
    for name, (sid, essay) in people.items():
        answers = right_answers(**{"a0.reflect": essay, "a0.pick": "alpha" if name == "cy" else "beta"})
        hinted = record("a0.total", 4321, 2, hints=2) if name == "ann" else record("a0.total", 4321)
        write(folder / f"{name}.ipynb", notebook(record("student_id", sid), *answers, hinted))
    write(folder / "broken.ipynb", {"cells": "no"})
    marks.write_mark(tmp_path / "marks.csv", "ann.ipynb", "s001", "a0.reflect", 2, "COMMENT-ANN: good evidence")
    marks.write_mark(tmp_path / "marks.csv", "mon/bob.ipynb", "s002", "a0.reflect", None, "COMMENT-BOB: draft")
    return tmp_path


def text(path: Path) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", path.read_text(encoding="utf-8")))


def test_one_page_per_hand_in_named_after_it(handins, capsys):
    assert feedback.main([str(handins / "in"), "--out", str(handins / "fb"), "--marks", str(handins / "marks.csv")]) == 0
    assert sorted(p.name for p in (handins / "fb").iterdir()) == ["ann.html", "cy.html", "mon__bob.html"]
    out = capsys.readouterr().out
    assert "3 feedback page(s) written" in out and "broken.ipynb: not graded" in out
    assert feedback.feedback_name("bob.ipynb") == "bob.html" and feedback.feedback_name("a/b/c.IPYNB") == "a__b__c.html"


def test_each_page_holds_its_own_work_and_nothing_of_anyone_else(handins):
    feedback.main([str(handins / "in"), "--out", str(handins / "fb"), "--marks", str(handins / "marks.csv")])
    pages = {name: (handins / "fb" / name).read_text(encoding="utf-8") for name in ("ann.html", "mon__bob.html", "cy.html")}
    own = {"ann.html": ["s001", "ESSAY-ANN", "COMMENT-ANN"], "mon__bob.html": ["s002", "ESSAY-BOB", "COMMENT-BOB"],
           "cy.html": ["s003"]}
    for name, page in pages.items():
        for other, markers in own.items():
            for marker in markers:
                assert (marker in page) == (other == name), (name, marker)
    assert "<script>" not in pages["mon__bob.html"] and "&lt;script&gt;" in pages["mon__bob.html"]
    for page in pages.values():   # self-contained: nothing fetched, nothing run
        assert not re.search(r"<script|<link|src=['\"]http|@import", page)


def test_the_page_shows_score_parts_answers_key_and_marks(handins):
    feedback.main([str(handins / "in"), "--out", str(handins / "fb"), "--marks", str(handins / "marks.csv")])
    ann, bob, cy = (text(handins / "fb" / n) for n in ("ann.html", "mon__bob.html", "cy.html"))
    assert "Marked automatically 5 of 5" in ann and "Marked by your teacher 2 of 3" in ann and "Total 7 of 8" in ann
    assert "Your teacher's mark: 2 of 3" in ann and "Hints opened: 2" in ann
    assert "not final" in bob and "Not marked yet" in bob and "Total 5 of 8" in bob
    assert "Your answer: alpha: Row alpha" in cy and "Not right" in cy and "The answer: beta: Row beta" in cy
    assert "Right : 1 of 1 point" in ann.replace("Right:", "Right :")
    assert "Why:" in ann   # the explanation is released after hand-in
    gradebook = handins / "gb.csv"
    assert grading.main([str(handins / "in"), "--out", str(gradebook), "--marks", str(handins / "marks.csv")]) == 0
    row = {r["file"]: r for r in csv.DictReader(gradebook.open(encoding="utf-8"))}["ann.ipynb"]
    assert f"Total {row['score']} of {row['max_score']}" in ann


def test_pages_are_not_replaced_without_force(handins):
    args = [str(handins / "in"), "--out", str(handins / "fb")]
    feedback.main(args)
    with pytest.raises(CourseError, match="use --force"):
        feedback.main(args)
    assert feedback.main([*args, "--force"]) == 0
    with pytest.raises(CourseError, match="inside the hand-in folder"):
        feedback.main([str(handins / "in"), "--out", str(handins / "in" / "fb")])


def test_the_real_a1_page_has_the_chart_and_the_released_key():
    """The course's own a1 solution, as a hand-in: its chart inline, every question explained."""
    import tempfile
    import shutil

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        shutil.copy(next((ROOT / "solutions").glob("a1_*.ipynb")), folder / "bob.ipynb")
        written, left = feedback.write_feedback(folder, Path(tmp) / "fb", {})
        page = written[0].read_text(encoding="utf-8")
    assert [p.name for p in written] == ["bob.html"] and left == []
    assert page.count("data:image/png;base64,") == 1 and "Task looked at by your teacher" in page
    assert "Total</th><td><strong>6 of 10" in page and page.count("<strong>The answer:</strong>") == 6
