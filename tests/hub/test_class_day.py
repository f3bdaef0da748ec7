"""A class day on a real JupyterHub, in Chromium: hand out, answer, collect, grade, return.

Three students log in with their own accounts, follow the README's nbgitpuller link to the
served student copy, open assignment a3, answer (alice rightly, bob partly: the choice wrong
and a short essay, carol not at all) and save. The teacher collects the hand-ins from their
homes, grades them, marks the essays in marks.csv, writes feedback and returns it; each
student logs in again and opens their own feedback, and cannot open a classmate's. Between
the two, the teacher changes a lesson and a student pulls again: the lesson arrives and her
saved answers stay, as nbgitpuller promises.

The steps are tests in file order sharing ``class_state``; a failed step fails those after it.
"""
from __future__ import annotations

import csv
import html
import json
import re
import subprocess
import sys
import urllib.parse
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest
from playwright.sync_api import expect

import hub_server
from lab_ui import STEP, answer_records, open_notebook

pytestmark = pytest.mark.hub

REPO_NAME = "moscow-student"
EXERCISE = "a3_workers_opposition.ipynb"
STUDENTS = ("alice", "bob", "carol")
CHOICE, ESSAY = "a3.presenter", "a3.essay"
CHECK, SAVE = re.compile(r"\bCheck$"), re.compile(r"\bSave$")
ESSAYS = {
    "alice": "The congress protocol would settle it, because it records who spoke; the encyclopedia and the "
             "translator's note are both later accounts that depend on some earlier record of the session.",
    "bob": "The encyclopedia is probably right.",
}
MARKS = {"alice": (4, "A clear argument from the kind of source."), "bob": (1, "Say why; name a source that could decide it.")}
TEACHER_NOTE = "A note from your teacher, added after the first pull."


@pytest.fixture(scope="session")
def question_bank() -> dict:
    """Question id -> its YAML entry, from the instructor's plaintext bank (the teacher's side)."""
    import yaml

    bank = {}
    for path in sorted((hub_server.REPO / "solutions" / "question-bank").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for entry in data.get("questions", []):
            bank[entry["id"]] = {"notebook": data.get("notebook"), **entry}
    return bank


def course(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """The teacher's `course` command, from this (instructor) checkout."""
    return subprocess.run([sys.executable, "-m", "course.cli", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300)


def log_in(chromium, hub, name: str, next_path: str, request):
    """A fresh browser context (a student's own computer), logged in, at ``next_path``."""
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(30_000)
    page = context.new_page()
    request.node.__dict__.setdefault("_pages", {})[name] = page
    page.goto(f"{hub.url}/hub/login?next={urllib.parse.quote(next_path)}")
    page.fill("#username_input", name)
    page.fill("#password_input", hub_server.STUDENT_PASSWORD)
    page.click("#login_submit")
    return context, page


def server(hub, name: str) -> SimpleNamespace:
    """What lab_ui.open_notebook needs: the student's server URLs."""
    return SimpleNamespace(url=lambda path: f"{hub.url}/user/{name}/{path.lstrip('/')}")


def exercise_on_disk(hub, name: str) -> Path:
    return hub.homes / name / REPO_NAME / "exercises" / EXERCISE


def test_students_pull_the_course_and_answer(hub, published, chromium, question_bank, class_state, request):
    repo, repo_url = published
    for name in STUDENTS:  # servers start together, as when a class logs in at the start of a lesson
        hub.api(f"users/{name}", "POST")
        hub.api(f"users/{name}/server", "POST")
    link = hub_server.pull_link(hub.url, repo_url, REPO_NAME)
    assert link.startswith(f"{hub.url}/hub/user-redirect/git-pull?repo=file%3A%2F%2F")
    entry = question_bank[CHOICE]
    wrong = next(o for o in entry["options"] if o["id"] != entry["answer"])
    right = next(o for o in entry["options"] if o["id"] == entry["answer"])
    for name in STUDENTS:
        context, page = log_in(chromium, hub, name, link.removeprefix(hub.url), request)
        try:
            # nbgitpuller clones the course and opens the first lesson in JupyterLab
            expect(page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook")).to_be_visible(timeout=120_000)
            assert f"/user/{name}/lab/tree/{REPO_NAME}/notebooks/00_start_here.ipynb" in page.url
            assert (hub.homes / name / REPO_NAME / "notebooks" / "00_start_here.ipynb").is_file()

            notebook = open_notebook(page, server(hub, name), f"{REPO_NAME}/exercises/{EXERCISE}", "a3")
            if name == "carol":   # opens it, answers nothing, saves
                notebook.save(exercise_on_disk(hub, name))
                continue
            notebook.run_all()
            assert notebook.error_outputs() == []
            identity = notebook.question("student_id")
            identity.get_by_role("textbox", name="Your student id:").fill(name)
            identity.get_by_role("button", name=SAVE).click()
            expect(identity).to_contain_text("Answer record for student_id: attempt 1", timeout=STEP)
            option = right if name == "alice" else wrong
            question = notebook.question(CHOICE)
            question.get_by_role("radio", name=" ".join(re.sub(r"[*`]", "", option["text"]).split()), exact=True).check()
            question.get_by_role("button", name=CHECK).click()
            expect(question.locator(".course-feedback.course-recorded")).to_be_visible(timeout=STEP)
            question = notebook.question(ESSAY)
            question.get_by_role("textbox", name="Your reflection:").fill(ESSAYS[name])
            question.get_by_role("button", name=SAVE).click()
            expect(question).to_contain_text(f"Answer record for {ESSAY}: attempt 1", timeout=STEP)
            wanted = {"student_id", CHOICE, ESSAY}
            notebook.save(exercise_on_disk(hub, name),
                          until=lambda nb: wanted <= {r["question"] for r in answer_records(nb) if r.get("attempt")})
        finally:
            context.close()
    # each account has its own progress store, in its own home: nothing is shared
    stores = {name: hub.homes / name / ".course" / "progress.json" for name in ("alice", "bob")}
    assert all(path.is_file() for path in stores.values())
    assert ESSAYS["bob"] not in stores["alice"].read_text(encoding="utf-8")
    assert ESSAYS["alice"] not in stores["bob"].read_text(encoding="utf-8")
    class_state["answered"] = True


def test_a_second_pull_brings_the_teachers_change_and_keeps_the_students_work(hub, published, chromium,
                                                                              class_state, request):
    assert class_state.get("answered"), "the students' step failed"
    repo, repo_url = published
    lesson = repo / "notebooks" / "01_moscow_after_the_civil_war.ipynb"
    nb = nbformat.read(lesson, as_version=4)
    nb.cells.insert(1, nbformat.v4.new_markdown_cell(TEACHER_NOTE))
    nbformat.write(nb, lesson)
    hub_server.git(repo, "commit", "-q", "-am", "Lesson 1: a note for the class")
    before = exercise_on_disk(hub, "alice").read_bytes()

    link = hub_server.pull_link(hub.url, repo_url, REPO_NAME, "notebooks/01_moscow_after_the_civil_war.ipynb")
    context, page = log_in(chromium, hub, "alice", link.removeprefix(hub.url), request)
    try:
        expect(page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook")).to_be_visible(timeout=120_000)
        expect(page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-MarkdownCell").nth(1)).to_contain_text(
            TEACHER_NOTE, timeout=STEP)
    finally:
        context.close()
    pulled = hub.homes / "alice" / REPO_NAME
    assert TEACHER_NOTE in (pulled / "notebooks" / lesson.name).read_text(encoding="utf-8")
    assert exercise_on_disk(hub, "alice").read_bytes() == before, "the pull changed alice's saved answers"


def test_teacher_collects_grades_and_marks(hub, tmp_path_factory, class_state):
    assert class_state.get("answered"), "the students' step failed"
    teacher = tmp_path_factory.mktemp("teacher")
    result = course("collect", "--homes", str(hub.homes), "--assignment", "a3", "--out", "handed-in/a3", cwd=teacher)
    assert result.returncode == 0, result.stderr
    assert "collected 3 of 3 account(s)" in result.stdout
    folder = teacher / "handed-in" / "a3"
    assert sorted(p.name for p in folder.glob("*.ipynb")) == [f"{n}.ipynb" for n in STUDENTS]

    result = course("grade", "handed-in/a3", "--out", "gradebook.csv", cwd=teacher)
    assert result.returncode == 0, result.stderr
    rows = {r["file"]: r for r in csv.DictReader((teacher / "gradebook.csv").open(encoding="utf-8"))}
    assert {r["student_id"] for r in rows.values()} == set(STUDENTS)    # identity from the account
    alice, bob, carol = (rows[f"{n}.ipynb"] for n in STUDENTS)
    assert (alice[CHOICE], bob[CHOICE], carol[CHOICE]) == ("1", "0", "")
    assert float(alice["score"]) > float(bob["score"]) >= float(carol["score"]) == 0
    assert alice["typed_id"] == "alice" and carol["typed_id"] == ""
    assert all(r["late"] == "" for r in rows.values())
    essays = {r["file"]: r["text"] for r in csv.DictReader((teacher / "gradebook_reflections.csv").open(encoding="utf-8"))
              if r["question"] == ESSAY and r["text"]}
    assert essays == {f"{n}.ipynb": ESSAYS[n] for n in ("alice", "bob")}

    # the teacher marks the essays: marks.csv, one row per hand-in and teacher-marked question
    with (teacher / "marks.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["file", "student_id", "question", "points", "comment"])
        for name, (points, comment) in MARKS.items():
            writer.writerow([f"{name}.ipynb", name, ESSAY, points, comment])
    class_state.update(teacher=teacher, gradebook=rows)


def test_teacher_writes_feedback(class_state):
    teacher = class_state.get("teacher")
    assert teacher, "the collecting step failed"
    # the marks reach the gradebook (a second grade on the same file needs --force) ...
    result = course("grade", "handed-in/a3", "--out", "gradebook.csv", "--marks", "marks.csv", "--force", cwd=teacher)
    assert result.returncode == 0, result.stderr
    rows = {r["file"]: r for r in csv.DictReader((teacher / "gradebook.csv").open(encoding="utf-8"))}
    for name, (points, _) in MARKS.items():
        assert float(rows[f"{name}.ipynb"]["manual"]) == float(points)
    # ... and every student's page
    result = course("feedback", "handed-in/a3", "--out", "feedback", "--marks", "marks.csv", cwd=teacher)
    assert result.returncode == 0, result.stderr
    pages = sorted(p.name for p in (teacher / "feedback").glob("*.html"))
    assert pages == [f"{n}.html" for n in STUDENTS]
    for name, (_, comment) in MARKS.items():
        assert html.escape(comment) in (teacher / "feedback" / f"{name}.html").read_text(encoding="utf-8")
    class_state["feedback"] = teacher / "feedback"


def test_feedback_returned_and_each_student_sees_only_their_own(hub, chromium, class_state, request):
    teacher = class_state.get("teacher")
    assert teacher, "the collecting step failed"
    folder = class_state.get("feedback")
    assert folder, "the feedback step failed"
    (folder / "dora.html").write_text("<p>a student with no account on this hub</p>")
    result = course("return", str(folder), "--homes", str(hub.homes), "--assignment", "a3", cwd=teacher)
    assert result.returncode == 1, result.stdout + result.stderr     # dora has no home: reported
    assert "returned 3 feedback page(s)" in result.stdout
    assert "dora: no home folder" in result.stderr
    assert not (hub.homes / "dora").exists()

    for name in STUDENTS:
        mine = (folder / f"{name}.html").read_text(encoding="utf-8")
        assert (hub.homes / name / "feedback" / "a3.html").read_text(encoding="utf-8") == mine
        context, page = log_in(chromium, hub, name, "/hub/user-redirect/lab/tree/feedback/a3.html", request)
        try:
            frame = page.frame_locator(".jp-HTMLViewer iframe")
            expect(frame.locator("body")).to_contain_text(name, timeout=60_000)
            for other in STUDENTS:
                if other == name:
                    continue
                # another student's server, and so their feedback, is closed to this account
                theirs = (folder / f"{other}.html").read_text(encoding="utf-8")
                response = page.request.get(f"{hub.url}/user/{other}/files/feedback/a3.html")
                assert response.status == 403, (name, other, response.status, response.url)
                assert theirs not in response.text()
        finally:
            context.close()
