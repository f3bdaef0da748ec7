"""An exercise notebook handed in after answering in the browser gets the score it should.

The test takes a real notebook from exercises/ (the first that asks a typed question, a
single-choice question and a reflection), saves a student id in its first cell, answers the
typed one rightly, the choice wrongly and writes a short reflection, saves with Ctrl+S and
grades the saved file with `course grade`. The expected score comes from the plaintext
question bank, not from the notebook. In an on-submit assignment both answers only show
"recorded"; the grade tells them apart.
"""
import csv
import json
import re
import shutil

import pytest
from playwright.sync_api import expect

from lab_ui import STEP, answer_records, open_notebook

pytestmark = pytest.mark.browser

CHECK = re.compile(r"\bCheck$")
SAVE = re.compile(r"\bSave$")
REFLECTION = "The tables show a workforce that shrank by a third, which says nothing yet about who left."


def asked(path) -> list[str]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    return re.findall(r'\bask\("([^"]+)"\)', code)


def pick_exercise(root, bank):
    for path in sorted((root / "exercises").glob("*.ipynb")):
        kinds = {}
        for qid in asked(path):
            kinds.setdefault(bank[qid]["type"], qid)
        typed = kinds.get("text") or kinds.get("numeric")
        if typed and "single" in kinds and "reflection" in kinds:
            return path, typed, kinds["single"], kinds["reflection"]
    pytest.fail("no notebook in exercises/ asks a text or numeric, a single-choice and a reflection question")


def test_exercise_answered_in_the_browser_gets_the_expected_grade(page, lab, question_bank):
    exercise, typed, choice, essay = pick_exercise(lab.root, question_bank)
    hand_in = lab.root / "hand-in"
    hand_in.mkdir()
    submission = hand_in / "anna-submission.ipynb"  # students rename files; metadata identifies them
    shutil.copy2(exercise, submission)

    notebook = open_notebook(page, lab, "hand-in/anna-submission.ipynb", "grading")
    notebook.run_all()
    assert notebook.error_outputs() == [], f"{exercise.name} does not run cleanly as handed out"
    on_submit = json.loads(exercise.read_text(encoding="utf-8"))["metadata"]["course"].get("feedback") == "on-submit"
    shown_right = ".course-feedback.course-" + ("recorded" if on_submit else "correct")
    shown_wrong = ".course-feedback.course-" + ("recorded" if on_submit else "incorrect")

    identity = notebook.question("student_id")
    identity.get_by_role("textbox", name="Your student id:").fill("anna-17")
    identity.get_by_role("button", name=SAVE).click()
    expect(identity).to_contain_text("Answer record for student_id: attempt 1", timeout=STEP)

    right = question_bank[typed]["answer"]
    question = notebook.question(typed)
    box = question.get_by_role("textbox", name="Your answer:")
    box.fill(str(right[0] if isinstance(right, list) else right))
    box.press("Enter")
    question.get_by_role("button", name=CHECK).click()
    expect(question.locator(shown_right)).to_be_visible(timeout=STEP)

    entry = question_bank[choice]
    wrong = next(o for o in entry["options"] if o["id"] != entry["answer"])
    question = notebook.question(choice)
    label = " ".join(re.sub(r"[*`]", "", wrong["text"]).split())
    question.get_by_role("radio", name=label, exact=True).check()
    question.get_by_role("button", name=CHECK).click()
    expect(question.locator(shown_wrong)).to_be_visible(timeout=STEP)

    question = notebook.question(essay)
    question.get_by_role("textbox", name="Your reflection:").fill(REFLECTION)
    question.get_by_role("button", name=SAVE).click()
    expect(question).to_contain_text(f"Answer record for {essay}: attempt 1", timeout=STEP)

    wanted = {"student_id", typed, choice, essay}
    notebook.save(submission, until=lambda nb: wanted <= {r["question"] for r in answer_records(nb)
                                                         if r.get("attempt")})

    result = lab.course("grade", "hand-in", "--out", "gradebook.csv")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader((lab.root / "gradebook.csv").open(encoding="utf-8")))
    assert len(rows) == 1, rows
    row = rows[0]
    assignment = json.loads(exercise.read_text(encoding="utf-8"))["metadata"]["course"]["assignment"]
    points = {q: float(e.get("points", 1)) for q, e in question_bank.items()
              if q.startswith(assignment + ".") and e["type"] != "reflection"}
    assert row["errors"] == ""
    assert (row["student_id"], row["file"], row["assignment"]) == ("anna-17", "anna-submission.ipynb", assignment)
    assert float(row["score"]) == points[typed]
    full = sum(float(e.get("points", 1)) for q, e in question_bank.items() if q.startswith(assignment + "."))
    assert float(row["auto"]) == points[typed]
    assert float(row["max_score"]) == full        # the full points: the essay, marked by the teacher, too
    assert float(row[typed]) == points[typed]
    assert float(row[choice]) == 0
    assert all(row[q] == "" for q in points if q not in (typed, choice)), row

    reflections = list(csv.DictReader((lab.root / "gradebook_reflections.csv").open(encoding="utf-8")))
    mine = [r for r in reflections if r["question"] == essay]
    assert [(r["text"], int(r["words"])) for r in mine] == [(REFLECTION, len(REFLECTION.split()))]
