"""Another computer, in a real JupyterLab: answers come back from the saved notebook, and
hand_in() writes a file that grades the same as the notebook.

A student opens an exercise from the file browser of a server rooted at the course folder
(as `make lab` serves it), types an id, answers a choice question and a reflection, and
saves. The server is then stopped and a new one started with an empty progress store (a
lab PC, Binder after a timeout). Run All brings the id and both answers back from the saved
file; the last cell writes hand-in/<assignment>-<id>.ipynb, and `course grade` gives that
file the same score as the saved notebook.
"""
import csv
import json
import re

import pytest
from playwright.sync_api import expect

from conftest import start_lab, stop_lab
from lab_ui import KERNEL_START, STEP, Notebook, answer_records
from test_grading import REFLECTION, pick_exercise

pytestmark = pytest.mark.browser


def open_from_file_browser(page, server, exercise_name: str) -> Notebook:
    page.goto(server.url(f"lab/workspaces/restore?token={server.token}"))
    listing = page.locator(".jp-DirListing-content")
    expect(listing).to_be_visible(timeout=KERNEL_START)
    listing.locator(".jp-DirListing-itemText").get_by_text("exercises", exact=True).dblclick()
    expect(page.locator(".jp-FileBrowser .jp-BreadCrumbs")).to_contain_text("exercises", timeout=STEP)
    listing.locator(".jp-DirListing-itemText").get_by_text(exercise_name, exact=True).dblclick()
    notebook = Notebook(page, f"exercises/{exercise_name}")
    expect(notebook.panel.locator(".jp-Notebook")).to_be_visible(timeout=KERNEL_START)
    notebook.wait_kernel_idle()
    return notebook


def grade(server, target: str, out: str) -> dict:
    result = server.course("grade", target, "--out", out, "--allow-out-inside")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader((server.root / out).open(encoding="utf-8")))
    assert len(rows) == 1, rows
    return {k: v for k, v in rows[0].items() if k != "file"}


def test_answers_come_back_on_another_computer_and_hand_in_grades_the_same(browser, page, lab, question_bank,
                                                                           tmp_path_factory):
    exercise, _typed, choice, essay = pick_exercise(lab.root, question_bank)
    entry = question_bank[choice]
    option = entry["options"][-1]
    label = " ".join(re.sub(r"[*`]", "", option["text"]).split())

    notebook = open_from_file_browser(page, lab, exercise.name)
    notebook.run_all()
    identity = notebook.code_cells.filter(has=page.locator(".course-student-id"))
    identity.get_by_role("textbox", name="Your student id:").fill("s-browser")
    identity.get_by_role("button", name=re.compile(r"^Save$")).click()
    expect(identity.locator(".course-feedback")).to_contain_text("Saved", timeout=STEP)
    question = notebook.question(choice)
    question.get_by_role("radio", name=label, exact=True).check()
    question.get_by_role("button", name=re.compile(r"\bCheck$")).click()
    expect(question.locator(".course-feedback.course-recorded")).to_be_visible(timeout=STEP)
    question = notebook.question(essay)
    question.get_by_role("textbox", name="Your reflection:").fill(REFLECTION)
    question.get_by_role("button", name=re.compile(r"\bSave$")).click()
    expect(question.locator(".course-feedback")).to_contain_text("Saved", timeout=STEP)
    wanted = {"student_id", choice, essay}
    notebook.save(exercise, until=lambda nb: wanted <= {r["question"] for r in answer_records(nb) if r.get("attempt")})
    page.close()

    # Another computer: a new server with an empty progress store, the same saved file.
    other = start_lab(lab.root, tmp_path_factory.mktemp("other-computer"))
    try:
        tab = browser.new_page()
        notebook = open_from_file_browser(tab, other, exercise.name)
        notebook.run_all()
        assert notebook.error_outputs() == []
        identity = notebook.code_cells.filter(has=tab.locator(".course-student-id"))
        expect(identity.get_by_role("textbox", name="Your student id:")).to_have_value("s-browser", timeout=STEP)
        question = notebook.question(choice)
        expect(question.get_by_role("radio", name=label, exact=True)).to_be_checked(timeout=STEP)
        expect(question).to_contain_text("saved copy", timeout=STEP)
        question = notebook.question(essay)
        expect(question.get_by_role("textbox", name="Your reflection:")).to_have_value(REFLECTION, timeout=STEP)
        assignment = json.loads(exercise.read_text(encoding="utf-8"))["metadata"]["course"]["assignment"]
        expect(notebook.code_cells.last).to_contain_text(f"hand-in/{assignment}-s-browser.ipynb", timeout=STEP)
        notebook.save(exercise, until=lambda nb: wanted <= {r["question"] for r in answer_records(nb)
                                                             if r.get("attempt")})
        tab.close()
        handed = other.root / "exercises" / "hand-in" / f"{assignment}-s-browser.ipynb"
        assert handed.is_file()
        saved_copy = other.root / "graded-saved"
        saved_copy.mkdir()
        (saved_copy / exercise.name).write_bytes(exercise.read_bytes())
        by_hand_in = grade(other, "exercises/hand-in", "gb-hand-in.csv")
        by_saved = grade(other, "graded-saved", "gb-saved.csv")
        assert by_hand_in == by_saved
        assert by_hand_in["student_id"] == "s-browser" and float(by_hand_in[choice]) == (
            float(entry.get("points", 1)) if option["id"] == entry["answer"] else 0)
    finally:
        stop_lab(other)
