"""`course mark` and `course feedback` in the browser: a teacher marks two essays with the
keyboard in JupyterLab, reloads and finds the marks; the feedback pages pass axe.

The hand-ins are the course's own a1 solution, handed in by two students (each with a
student id and an essay of their own). The marking notebook is the one `course mark` writes;
the keys pressed are Tab, typing, Shift+Tab and Enter, the focus checked at every step.
"""
import csv
import json

import pytest
from playwright.sync_api import expect

from a11y import audit, report
from lab_ui import STEP, open_notebook

pytestmark = pytest.mark.browser

RECORD = "application/vnd.course.answer+json"
ESSAYS = {"ann": "Ann looked at the ration norms and asked who printed them.",
          "bob": "Bob compared the census figures and doubted the 1917 one."}


def hand_ins(lab) -> str:
    """Two a1 hand-ins in lab.root/marking-in, each with its own id and essay."""
    solution = json.loads(next((lab.root / "solutions").glob("a1_*.ipynb")).read_text(encoding="utf-8"))
    folder = lab.root / "marking-in"
    folder.mkdir(exist_ok=True)
    for number, (name, essay) in enumerate(ESSAYS.items(), 1):
        nb = json.loads(json.dumps(solution))
        for cell in nb["cells"]:
            for output in cell.get("outputs", []):
                record = output.get("data", {}).get(RECORD)
                if isinstance(record, dict) and record.get("question") == "a1.essay":
                    record["answer"] = essay
        nb["cells"].insert(0, {"cell_type": "code", "id": "typed-id", "metadata": {}, "execution_count": 1,
                               "source": "", "outputs": [{"output_type": "display_data", "metadata": {}, "data": {
                                   RECORD: {"format": 1, "question": "student_id", "attempt": 1,
                                            "answer": f"s00{number}"}, "text/plain": "id"}}]})
        (folder / f"{name}.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    return "marking-in"


def focused(page):
    return page.locator(":focus")


def test_two_essays_marked_with_the_keyboard_survive_a_reload(page, lab):
    folder = hand_ins(lab)
    made = lab.course("mark", folder, "--assignment", "a1", "--marks", "marks.csv", "--out", "marking_a1.ipynb")
    assert made.returncode == 0, made.stderr
    notebook = open_notebook(page, lab, "marking_a1.ipynb", "marking")
    notebook.run_all()
    assert notebook.error_outputs() == []
    marker = page.locator(".course-marker")
    expect(marker).to_contain_text("0 of 4 marked", timeout=STEP)
    expect(marker).to_contain_text(ESSAYS["ann"])

    points = marker.locator(".widget-text input")
    comment = marker.locator(".widget-textarea textarea")
    next_button = marker.get_by_role("button", name="Next", exact=True)

    def mark(value: str, words: str) -> None:
        points.focus()
        page.keyboard.type(value)
        page.keyboard.press("Tab")                       # leaving the box saves it
        expect(comment).to_be_focused()
        page.keyboard.type(words)
        page.keyboard.press("Tab")                       # Previous is skipped while disabled
        if not next_button.evaluate("b => b === document.activeElement"):
            page.keyboard.press("Tab")
        expect(next_button).to_be_focused()

    mark("3", "Clear, with two figures.")
    expect(marker).to_contain_text("1 of 4 marked", timeout=STEP)
    page.keyboard.press("Enter")                         # to Ann's chart
    expect(marker).to_contain_text("Screen 2 of 4", timeout=STEP)
    page.keyboard.press("Enter")                         # to Bob's essay
    expect(marker).to_contain_text("Screen 3 of 4", timeout=STEP)
    expect(marker).to_contain_text(ESSAYS["bob"])
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    expect(comment).to_be_focused()
    page.keyboard.press("Shift+Tab")
    expect(points).to_be_focused()
    mark("2.5", "Good doubt; say why.")
    expect(marker).to_contain_text("2 of 4 marked", timeout=STEP)

    rows = {(r["file"], r["question"]): r for r in csv.DictReader((lab.root / "marks.csv").open(encoding="utf-8"))}
    assert (rows[("ann.ipynb", "a1.essay")]["points"], rows[("ann.ipynb", "a1.essay")]["comment"]) == (
        "3", "Clear, with two figures.")
    assert (rows[("bob.ipynb", "a1.essay")]["points"], rows[("bob.ipynb", "a1.essay")]["comment"]) == (
        "2.5", "Good doubt; say why.")

    page.reload()
    notebook = open_notebook(page, lab, "marking_a1.ipynb", "marking")
    notebook.run_all()
    marker = page.locator(".course-marker")
    expect(marker).to_contain_text("2 of 4 marked", timeout=STEP)
    expect(marker).to_contain_text("Screen 2 of 4")      # resumes at the first screen not marked
    marker.get_by_role("button", name="Previous", exact=True).focus()
    page.keyboard.press("Enter")
    expect(marker).to_contain_text(ESSAYS["ann"], timeout=STEP)
    expect(marker.locator(".widget-text input")).to_have_value("3")
    expect(marker.locator(".widget-textarea textarea")).to_have_value("Clear, with two figures.")

    graded = lab.course("grade", folder, "--out", "marked-gradebook.csv", "--marks", "marks.csv")
    assert graded.returncode == 0, graded.stderr
    book = {r["file"]: r for r in csv.DictReader((lab.root / "marked-gradebook.csv").open(encoding="utf-8"))}
    assert (book["ann.ipynb"]["manual"], book["ann.ipynb"]["max_score"], book["ann.ipynb"]["to_mark"]) == ("3", "10", "")


def test_feedback_pages_have_no_axe_violations(page, lab):
    folder = hand_ins(lab)
    (lab.root / "fb-marks.csv").write_text("file,student_id,question,points,comment\n"
                                           "ann.ipynb,s001,a1.essay,3,Clear and sourced.\n"
                                           "ann.ipynb,s001,a1.task-4,,Title states the finding.\n", encoding="utf-8")
    made = lab.course("feedback", folder, "--out", "feedback-pages", "--marks", "fb-marks.csv")
    assert made.returncode == 0, made.stderr
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    for name in ("ann.html", "bob.html"):
        path = lab.root / "feedback-pages" / name
        page.goto(path.as_uri())
        expect(page.locator("h1")).to_contain_text("Feedback: A1")
        violations = audit(page, include=["body"])
        assert violations == [], f"{name}:\n{report(violations)}"
    assert all(url.startswith(("file:", "data:")) for url in requests), requests
    expect(page.locator("body")).to_contain_text("Bob compared the census")
    expect(page.locator("img[alt]")).to_have_count(1)
