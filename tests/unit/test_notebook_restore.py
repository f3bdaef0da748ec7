"""Restoring answers from the running notebook's saved file, and refusing what must not be restored.

Why: on another computer the progress store is empty and the saved notebook is the only copy
of the student's answers; but that file is untrusted input (a link, a damaged file, another
notebook, another student's answers), and a wrong restore would hand in wrong work.
"""
import json
import os
import sys
from pathlib import Path

import nbformat
import pytest

from helpers import identity, widgets
from helpers.records import record_bundle

sys.path.insert(0, str(Path(__file__).parent))
from test_widgets import fresh_screen  # noqa: E402

progress_module = sys.modules["helpers.progress"]


@pytest.fixture
def screen(monkeypatch, tmp_path):
    return fresh_screen(monkeypatch, tmp_path)


def saved(path: Path, *records, code='ask("fx.text")', assignment=None) -> Path:
    """A saved notebook whose one code cell shows ``records`` (qid, attempt, answer)."""
    nb = nbformat.v4.new_notebook()
    if assignment:
        nb.metadata["course"] = {"assignment": assignment}
    cell = nbformat.v4.new_code_cell(code)
    cell.outputs = [nbformat.v4.new_output("display_data", data=record_bundle(*r)) for r in records]
    nb.cells = [cell]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def ask(screen, qid):
    widgets.ask(qid)
    return screen.shown[-1]


def test_an_answer_comes_back_from_the_saved_notebook(fixture_bank, screen, tmp_path, monkeypatch):
    path = saved(tmp_path / "lesson.ipynb", ("fx.text", 3, "Shlyapnikov"))
    monkeypatch.setenv("JPY_SESSION_NAME", str(path))
    widget = ask(screen, "fx.text")
    assert widget.inputs[0].value == "Shlyapnikov" and "saved copy" in widget.feedback.value
    assert screen.last_record == {"format": 1, "question": "fx.text", "attempt": 3, "answer": "Shlyapnikov"}
    assert progress_module.last_answer("fx.text") == "Shlyapnikov"  # recorded again in this store


def test_relative_session_name_is_read_from_the_working_folder(fixture_bank, screen, tmp_path, monkeypatch):
    saved(tmp_path / "lesson.ipynb", ("fx.text", 1, "Shlyapnikov"))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("JPY_SESSION_NAME", "lesson.ipynb")
    assert ask(screen, "fx.text").inputs[0].value == "Shlyapnikov"


def test_a_path_from_the_server_root_is_found_above_the_kernel_folder(fixture_bank, screen, tmp_path, monkeypatch):
    saved(tmp_path / "exercises" / "lesson.ipynb", ("fx.text", 1, "Shlyapnikov"))
    monkeypatch.chdir(tmp_path / "exercises")  # the kernel runs in the notebook's folder
    monkeypatch.setenv("JPY_SESSION_NAME", "exercises/lesson.ipynb")
    assert ask(screen, "fx.text").inputs[0].value == "Shlyapnikov"


def _link(tmp_path):
    target = saved(tmp_path / "real.ipynb", ("fx.text", 1, "Shlyapnikov"))
    (tmp_path / "lesson.ipynb").symlink_to(target)
    return tmp_path / "lesson.ipynb", "is a link"


def _missing(tmp_path):
    return tmp_path / "gone.ipynb", "is not there"


def _corrupt(tmp_path):
    (tmp_path / "lesson.ipynb").write_text('{"cells": [', encoding="utf-8")
    return tmp_path / "lesson.ipynb", "is damaged"


def _no_cells(tmp_path):
    (tmp_path / "lesson.ipynb").write_text('{"cells": 3}', encoding="utf-8")
    return tmp_path / "lesson.ipynb", "no list of cells"


def _binary(tmp_path):
    (tmp_path / "lesson.ipynb").write_bytes(b"\x89PNG\xff\xfe")
    return tmp_path / "lesson.ipynb", "is damaged"


def _folder(tmp_path):
    (tmp_path / "lesson.ipynb").mkdir()
    return tmp_path / "lesson.ipynb", "not an ordinary file"


def _unreadable(tmp_path):
    path = saved(tmp_path / "lesson.ipynb", ("fx.text", 1, "Shlyapnikov"))
    path.chmod(0)
    if os.access(path, os.R_OK):  # root reads anything
        pytest.skip("running as root: a file without read permission is still readable")
    return path, "cannot be read"


def _other_notebook(tmp_path):
    return saved(tmp_path / "other.ipynb", ("fx.single", 1, "kept"), code='ask("fx.single")'), "does not ask fx.text"


def _not_a_notebook(tmp_path):
    return tmp_path / "script.py", "not a notebook file"


@pytest.mark.parametrize("bad", [_link, _missing, _corrupt, _no_cells, _binary, _folder, _unreadable,
                                 _other_notebook, _not_a_notebook])
def test_a_bad_notebook_file_restores_nothing_and_says_why_in_one_line(fixture_bank, screen, tmp_path,
                                                                       monkeypatch, bad):
    path, reason = bad(tmp_path)
    monkeypatch.setenv("JPY_SESSION_NAME", str(path))
    widget = ask(screen, "fx.text")
    assert widget.inputs[0].value == ""
    assert screen.last_record["answer"] is None
    assert reason in widget.feedback.value and "Nothing was restored" in widget.feedback.value
    assert "Traceback" not in widget.feedback.value and widget.feedback.value.count("<p>") == 1
    widget.inputs[0].value = "Shlyapnikov"  # answering still works
    widget.check_button.click()
    assert screen.last_record["answer"] == "Shlyapnikov"


def test_the_store_comes_first(fixture_bank, screen, tmp_path, monkeypatch):
    path = saved(tmp_path / "lesson.ipynb", ("fx.text", 1, "Shliapnikov"))
    progress_module.record_answer("fx.text", "Shlyapnikov", widgets.evaluate("fx.text", "Shlyapnikov"))
    monkeypatch.setenv("JPY_SESSION_NAME", str(path))
    assert ask(screen, "fx.text").inputs[0].value == "Shlyapnikov"


@pytest.fixture
def assignment(assignment_bank, monkeypatch):
    monkeypatch.setenv("COURSE_QUESTION_BANK", str(assignment_bank))


def test_records_of_another_assignment_are_not_restored(assignment, screen, tmp_path, monkeypatch):
    path = saved(tmp_path / "a0.ipynb", ("a0.word", 1, "sum"), code='ask("a0.word")', assignment="a9")
    monkeypatch.setenv("JPY_SESSION_NAME", str(path))
    widget = ask(screen, "a0.word")
    assert widget.inputs[0].value == "" and "is assignment a9, not a0" in widget.feedback.value


def test_records_of_another_student_are_not_restored(assignment, screen, tmp_path, monkeypatch):
    path = saved(tmp_path / "a0.ipynb", ("student_id", 1, "s-A"), ("a0.word", 1, "sum"),
                 code='student_id()\nask("a0.word")', assignment="a0")
    monkeypatch.setenv("JPY_SESSION_NAME", str(path))
    identity.set_current("s-B")  # B said who they are in this kernel
    widget = ask(screen, "a0.word")
    assert widget.inputs[0].value == "" and "under student id s-A, not s-B" in widget.feedback.value
    identity.set_current("")
    widgets.student_id()  # the notebook's own id: restored, and the answers with it
    assert identity.current() == "s-A"
    assert ask(screen, "a0.word").inputs[0].value == "sum"


def test_an_older_store_is_migrated_without_loss(assignment, screen, tmp_path, monkeypatch):
    """Format 1 (one set of answers per account): graded answers go to the id it holds."""
    home = tmp_path / "home"
    home.mkdir()
    entry = lambda answer: {"notebook": "x", "attempts": 1, "correct": None, "last_answer": answer,  # noqa: E731
                            "history": [[answer, None]]}
    old = {"format": 1, "questions": {"student_id": entry("s-A"), "a0.word": entry("sum"),
                                      "fx.lesson": entry("kept")}}
    (home / "progress.json").write_text(json.dumps(old), encoding="utf-8")
    assert progress_module.last_entry("a0.word") == (None, 0)          # nobody: not restored
    assert progress_module.last_entry("a0.word", "s-A") == ("sum", 1)  # A's, once A says so
    assert progress_module.last_entry("fx.lesson") == ("kept", 1)      # lesson practice stays anyone's
    assert progress_module.last_student() == "s-A"
    progress_module.record_answer("a0.pick", "beta", widgets.evaluate("a0.pick", "beta"), "s-B")
    data = json.loads((home / "progress.json").read_text(encoding="utf-8"))
    assert data["format"] == 2 and data["students"]["s-A"]["questions"]["a0.word"]["last_answer"] == "sum"
    assert data["students"]["s-B"]["questions"] == {"a0.pick": data["students"]["s-B"]["questions"]["a0.pick"]}
    assert json.loads((home / "progress.json.format-1").read_text(encoding="utf-8")) == old  # the old file kept


def test_a_student_id_from_the_store_is_offered_never_filled_in(assignment, screen, tmp_path):
    progress_module.record_answer("student_id", "s-A", widgets.evaluate("a0.word", "sum"), "s-A")
    progress_module.record_answer("a0.word", "sum", widgets.evaluate("a0.word", "sum"), "s-A")
    widgets.student_id()
    id_widget = screen.shown[-1]
    word = ask(screen, "a0.word")
    assert id_widget.box.value == "" and "Are you s-A?" in id_widget.feedback.value
    assert word.inputs[0].value == ""  # nobody has said who they are: A's answer stays hidden
    id_widget.confirm_button.click()
    assert word.inputs[0].value == "sum"  # "Yes, I am s-A": the answers come back
    assert {"format": 1, "question": "a0.word", "attempt": 1, "answer": "sum"} in [
        u[widgets.RECORD_MIME] for u in screen.updates]


def test_the_id_cell_run_again_in_the_same_kernel_keeps_the_id(assignment, screen):
    widgets.student_id()
    first = screen.shown[-1]
    first.box.value = "s-C"
    first.save_button.click()
    widgets.student_id()  # the same cell again, no restart
    again = screen.shown[-1]
    assert again.box.value == "s-C" and screen.records[-1][widgets.RECORD_MIME]["answer"] == "s-C"
    identity.set_current("")  # a restart: the id is asked about, not filled in
    widgets._SESSION.clear()
    widgets.student_id()
    assert screen.shown[-1].box.value == "" and "Are you s-C?" in screen.shown[-1].feedback.value


def test_hand_in_without_the_notebook_path_writes_the_kernel_s_answers(assignment, screen, tmp_path, monkeypatch):
    """No JPY_SESSION_NAME (some editors): the file holds the answers, and says what it lacks."""
    from course.grading import grade_file
    from helpers import hand_in

    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    monkeypatch.chdir(tmp_path)
    widgets.student_id()
    screen.shown[-1].box.value = "s-D"
    screen.shown[-1].save_button.click()
    word = ask(screen, "a0.word")
    word.inputs[0].value = "sum"
    word.check_button.click()
    result = hand_in()
    assert result.path == tmp_path / "hand-in" / "a0-s-D.ipynb"
    assert "a0.total" in repr(result) and "answers but not your code" in repr(result)
    sub = grade_file(result.path, "a0-s-D.ipynb")
    assert (sub.student_id, sub.answers, sub.errors) == ("s-D", {"a0.word": "sum"}, [])
