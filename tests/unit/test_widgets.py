"""helpers.widgets driven without a kernel: set .value, click, read the feedback and the record.

IPython's display is replaced by a recorder, so every test sees exactly what a notebook
would get: the widget, the answer record and each update of that record. One test at the
end runs a real kernel (nbclient) to show that the display update lands in the saved file.
"""
import json
import re
import os
import sys
from pathlib import Path

import numpy as np
import pytest

from helpers import identity, notebook_file, questions, widgets
from helpers.questions import set_mode

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "question-bank"
progress_module = sys.modules["helpers.progress"]

RIGHT = {
    "fx.single": "kept",
    "fx.multi": ["unity", "syndicalist"],
    "fx.order": ["tu-speech", "kronstadt", "congress", "unity"],
    "fx.match": {"pamphlet": "kollontai", "crisis": "lenin", "theses": "shliapnikov"},
    "fx.numeric": "0.701",
    "fx.exact": "732,521",
    "fx.text": "Shlyapnikov",
}
WRONG = {
    "fx.single": "typo",
    "fx.multi": ["unity"],
    "fx.order": ["kronstadt", "tu-speech", "congress", "unity"],
    "fx.match": {"pamphlet": "lenin", "crisis": "lenin", "theses": "shliapnikov"},
    "fx.numeric": "70.1",
    "fx.exact": "694",
    "fx.text": "Kollontai",
}
EMPTY_MESSAGE = {
    "fx.single": "choose one option", "fx.multi": "Nothing is ticked", "fx.order": "Place every item",
    "fx.match": "Choose a match for every item", "fx.numeric": "empty", "fx.exact": "empty",
    "fx.text": "empty", "fx.reflection": "Nothing written yet",
}


pytestmark = pytest.mark.usefixtures("fixture_bank")  # the engine test bank, from conftest


class Handle:
    def __init__(self, screen, bundle):
        self.screen, self.bundle = screen, bundle

    def update(self, bundle, raw=True):
        self.bundle = bundle
        self.screen.updates.append(bundle)


class Screen:
    """What the notebook would show: displayed objects, records and their updates."""

    def __init__(self):
        self.shown, self.records, self.updates = [], [], []

    def show(self, obj):
        self.shown.append(obj)

    def publish(self, bundle, handle=None):
        if handle is None:
            self.records.append(bundle)
            return Handle(self, bundle)
        handle.update(bundle)
        return handle

    @property
    def last_record(self):
        return (self.updates or self.records)[-1][widgets.RECORD_MIME]


def record_text(bundle: dict) -> str:
    """The answer record's line, kept hidden in its HTML form (text/plain is empty)."""
    import html as html_module

    match = re.fullmatch(r'<div class="course-answer-record" hidden>(.*)</div>', bundle["text/html"], re.S)
    return html_module.unescape(match.group(1))


def fresh_screen(monkeypatch, tmp_path) -> Screen:
    """A new student in an empty progress store, with nothing asked yet, whose notebook is a
    Screen: the widget and presenter tests all start here (monkeypatch undoes it)."""
    monkeypatch.setenv("COURSE_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("COURSE_MODE", raising=False)
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    for name in ("_ATTEMPTS", "_SESSION", "_HINTS", "_SHOWN"):
        monkeypatch.setattr(widgets, name, {})
    monkeypatch.setattr(identity, "_current", "")
    monkeypatch.setattr(notebook_file, "_CACHE", {})
    recorder = Screen()
    monkeypatch.setattr(widgets, "_show", recorder.show)
    monkeypatch.setattr(widgets, "_publish", recorder.publish)
    return recorder


@pytest.fixture
def screen(monkeypatch, tmp_path):
    yield fresh_screen(monkeypatch, tmp_path)
    questions._MODE.clear()


def shown(screen, qid):
    widgets.ask(qid)
    widget = screen.shown[-1]
    assert widget is widgets._SHOWN[qid]
    return widget


def set_answer(widget, answer):
    """Fill the inputs the way a student would, one widget at a time."""
    kind = widget.q["type"]
    if kind == "single":
        widget.inputs[0].value = answer
    elif kind == "multi":
        for option, box in zip(widget.q["options"], widget.inputs):
            box.value = option["id"] in answer
    elif kind == "order":
        for box, item in zip(widget.inputs, answer):
            box.value = item
    elif kind == "match":
        for left, box in zip(widget.q["left"], widget.inputs):
            box.value = answer.get(left["id"])
    else:
        widget.inputs[0].value = answer


# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("qid", list(RIGHT))
def test_right_then_wrong_answer(screen, qid):
    widget = shown(screen, qid)
    assert repr(widget) == f"Question {qid} (interactive)"
    assert widget._repr_mimebundle_()["text/plain"] == f"Question {qid} (interactive)"
    assert record_text(screen.records[-1]) == f"Answer record for {qid}: not answered yet."
    assert screen.last_record == {"format": 1, "question": qid, "attempt": 0, "answer": None}

    set_answer(widget, WRONG[qid])
    widget.check_button.click()
    assert "\u2718 Not yet -" in widget.feedback.value
    assert "Source" not in widget.feedback.value
    assert widget.attempts_label.value == "Attempts: 1"
    assert screen.last_record["attempt"] == 1

    set_answer(widget, RIGHT[qid])
    widget.check_button.click()
    assert "\u2714 Correct -" in widget.feedback.value and "Why:" in widget.feedback.value
    assert "Source" in widget.feedback.value
    assert widget.attempts_label.value == "Attempts: 2"
    record = screen.last_record
    assert record["question"] == qid and record["attempt"] == 2
    assert questions.evaluate(qid, record["answer"]).correct is True  # the grader's view
    assert len(screen.records) == 1, "updates replace the record; they do not add outputs"
    json.dumps(screen.updates[-1])


@pytest.mark.parametrize("qid", list(EMPTY_MESSAGE))
def test_empty_answer_gets_a_message_and_is_not_an_attempt(screen, qid):
    widget = shown(screen, qid)
    widget.check_button.click()
    assert "\u26a0 Check your answer -" in widget.feedback.value
    assert EMPTY_MESSAGE[qid] in widget.feedback.value
    assert widget.attempts_label.value == "Attempts: 0"
    assert screen.updates == []


@pytest.mark.parametrize("qid, answer, message", [
    ("fx.numeric", "abc", "is not a number"),
    ("fx.numeric", "nan", "is not a number"),
    ("fx.numeric", "1" * 500, "too long to be a number"),
    ("fx.text", "x" * 5000, "a few words"),
    ("fx.text", "\u202e\u0301\ud800", "empty"),
    ("fx.order", ["tu-speech", "tu-speech", "congress", "unity"], "used more than once"),
    ("fx.reflection", "x " * 30_000, "under 50,000"),
])
def test_bad_input_in_the_widget(screen, qid, answer, message):
    widget = shown(screen, qid)
    set_answer(widget, answer)
    widget.check_button.click()
    assert "Check your answer -" in widget.feedback.value and message in widget.feedback.value
    assert screen.updates == []


def test_multi_feedback_counts_and_option_feedback(screen):
    widget = shown(screen, "fx.multi")
    set_answer(widget, ["unity", "appeal"])
    widget.check_button.click()
    value = widget.feedback.value
    assert "1 ticked option does not apply" in value and "1 option that applies is not ticked" in value
    assert "February 1922" in value and "Adopted on 16 March 1921" in value


def test_reflection_is_saved_with_word_count(screen):
    widget = shown(screen, "fx.reflection")
    assert widget.check_button.description == "Save"
    widget.inputs[0].value = "Different counts: the credentials commission and later editors."
    assert widget.input.words.value == "8 words"
    widget.check_button.click()
    assert "\u270e Saved - 8 words recorded" in widget.feedback.value
    assert "not marked automatically" in widget.feedback.value
    assert "missing-source-id" in widget.feedback.value and "details unavailable" in widget.feedback.value
    assert screen.last_record["answer"] == widget.inputs[0].value
    entry = progress_module.load_store()["questions"]["fx.reflection"]
    assert entry["word_count"] == 8 and entry["correct"] is None


def test_hints(screen):
    widget = shown(screen, "fx.single")
    widget.hint_button.click()
    assert "Hint 1:" in widget.hint_box.value and "source_id" in widget.hint_box.value
    assert "Hint 2" not in widget.hint_box.value
    widget.hint_button.click()
    assert "Hint 2:" in widget.hint_box.value and "last hint" in widget.hint_box.value
    widget.hint_button.click()  # no more hints: stays on the last
    assert widget.hint_box.value.count("Hint 2:") == 1
    one = shown(screen, "fx.text")
    one.hint_button.click()
    assert "Hint:" in one.hint_box.value and "metalworkers" in one.hint_box.value
    none = shown(screen, "fx.match")
    none.hint_button.click()
    assert "no hint for this question" in none.hint_box.value
    assert widget.attempts_label.value == "Attempts: 0"  # hints are free


def test_wrong_answer_points_to_the_hint(screen):
    widget = shown(screen, "fx.text")
    set_answer(widget, "Lenin")
    widget.check_button.click()
    assert "Press Hint for a clue" in widget.feedback.value


def test_answer_shown_only_in_instructor_mode(screen, monkeypatch):
    widget = shown(screen, "fx.text")
    assert "Instructor view" not in repr(widget.children)
    set_mode("instructor")
    widget = shown(screen, "fx.text")
    assert "Instructor view - answer:</strong> Shliapnikov (also accepted" in widget.children[-1].value
    set_mode("student")
    monkeypatch.setenv("COURSE_MODE", "instructor")
    assert "Instructor view" not in repr(shown(screen, "fx.text").children)
    questions._MODE.clear()
    monkeypatch.setenv("COURSE_QUESTION_SOURCES", str(FIXTURES / "missing"))
    widget = shown(screen, "fx.text")
    assert "Instructor view unavailable" in widget.children[-1].value


def test_unknown_question_shows_a_message(screen):
    widgets.ask("fx.singel")
    widget = screen.shown[-1]
    assert repr(widget) == "Question fx.singel (unavailable)"
    assert "Unknown question" in widget.feedback.value and "fx.single" in widget.feedback.value
    assert [r[widgets.RECORD_MIME]["answer"] for r in screen.records] in ([], [None])
    widgets.ask(None)
    assert "not a NoneType" in screen.shown[-1].feedback.value


def test_damaged_bank_entry_shows_a_message(screen, fixture_bank, tmp_path, monkeypatch):
    bank = json.loads(fixture_bank.read_text(encoding="utf-8"))
    del bank["questions"]["fx.single"]["accept"]
    damaged = tmp_path / "bank.json"
    damaged.write_text(json.dumps(bank), encoding="utf-8")
    monkeypatch.setenv("COURSE_QUESTION_BANK", str(damaged))
    widgets.ask("fx.single")
    widget = screen.shown[-1]
    assert "Question unavailable" in widget.feedback.value and "'accept'" in widget.feedback.value


def test_unexpected_error_is_reported_not_raised(screen, monkeypatch):
    widget = shown(screen, "fx.single")
    monkeypatch.setattr(widgets, "evaluate", lambda *a: 1 / 0)
    widget.inputs[0].value = "kept"
    widget.check_button.click()
    assert "Something went wrong" in widget.feedback.value and "ZeroDivisionError" in widget.feedback.value


def test_store_failure_keeps_the_notebook_record(screen, monkeypatch):
    def broken(*args):
        raise OSError("disk full")

    monkeypatch.setattr(progress_module, "record_answer", broken)
    widget = shown(screen, "fx.single")
    widget.inputs[0].value = "kept"
    widget.check_button.click()
    assert "Correct -" in widget.feedback.value and "disk full" in widget.feedback.value
    assert screen.last_record["answer"] == "kept"


def test_attempts_continue_when_the_cell_is_rerun(screen):
    first = shown(screen, "fx.single")
    first.inputs[0].value = "typo"
    first.check_button.click()
    second = shown(screen, "fx.single")
    assert second.inputs[0].value == "typo"  # earlier answer restored from the progress store
    assert "earlier answer is filled in" in second.feedback.value
    assert second.attempts_label.value == "Attempts: 1"
    assert screen.last_record == {"format": 1, "question": "fx.single", "attempt": 1, "answer": "typo"}
    second.check_button.click()  # the same answer again is not a new attempt
    assert second.attempts_label.value == "Attempts: 1"
    second.inputs[0].value = "kept"
    second.check_button.click()
    assert second.attempts_label.value == "Attempts: 2"
    assert progress_module.load_store()["questions"]["fx.single"]["attempts"] == 2


@pytest.mark.parametrize("qid", ["fx.multi", "fx.order", "fx.match", "fx.numeric", "fx.text", "fx.reflection"])
def test_earlier_answer_is_restored(screen, qid):
    answer = RIGHT.get(qid, "Who counted, and when, decides the number.")
    widget = shown(screen, qid)
    set_answer(widget, answer)
    widget.check_button.click()
    again = shown(screen, qid)
    assert again.answer() == widget.answer()


@pytest.mark.parametrize("qid", ["fx.single", "fx.multi", "fx.order", "fx.match", "fx.numeric", "fx.text"])
@pytest.mark.parametrize("stored", [[[1]], [{}], {"a": [1]}, 5, float("nan"), [None, ["x"]]], ids=repr)
def test_a_damaged_stored_answer_never_stops_ask(screen, qid, stored):
    home = Path(os.environ["COURSE_HOME"])
    home.mkdir(parents=True, exist_ok=True)
    entry = {"notebook": "90_fixture", "attempts": 1, "correct": False, "last_answer": stored, "history": []}
    (home / "progress.json").write_text(json.dumps({"format": 1, "questions": {qid: entry}}), encoding="utf-8")
    widget = shown(screen, qid)
    assert widget.q is not None


def test_check_a_computed_value(screen):
    widgets.check("fx.numeric", np.float64(694 / (694 + 296)))
    feedback = screen.shown[-1]
    assert repr(feedback).startswith("\u2714 Correct -")
    assert "[lenin-cw-10thcong-notes]" in repr(feedback)
    assert "Correct" in feedback._repr_html_()
    record = screen.records[-1]
    assert record[widgets.RECORD_MIME] == {"format": 1, "question": "fx.numeric", "attempt": 1,
                                           "answer": pytest.approx(0.70101, abs=1e-4)}
    assert record_text(record).startswith("Answer record for fx.numeric: attempt 1, answer 0.7010")
    assert not any(type(w).__name__ == "HintButton" for w in screen.shown), "no hint after a right answer"
    widgets.check("fx.numeric", 70.1)
    feedback, hint = screen.shown[-2:]
    assert "percentage" in repr(feedback) and "Press Hint" in repr(feedback)
    assert repr(hint) == "Hint button for fx.numeric (interactive)"  # the hint the message points to
    hint.hint_button.click()
    assert "Hint" in hint.hint_box.value and widgets._markdown(questions.question("fx.numeric")["hints"][0]) in hint.hint_box.value
    assert screen.records[-1][widgets.RECORD_MIME]["attempt"] == 2


@pytest.mark.parametrize("qid, value, message", [
    ("fx.numeric", float("nan"), "NaN"),
    ("fx.numeric", np.array([0.7, 0.8]), "not a single number"),
    ("fx.numeric", None, "No answer yet"),
    ("fx.numeric", True, "True/False"),
    ("nope.q", 1, "Unknown question"),
    (["fx.numeric"], 1, "Unknown question"),
])
def test_check_bad_values(screen, qid, value, message):
    widgets.check(qid, value)
    assert message in repr(screen.shown[0])  # then, for a known question with hints, its Hint button
    assert [r[widgets.RECORD_MIME]["answer"] for r in screen.records] in ([], [None])


@pytest.mark.parametrize("qid", ["fx.numeric", "fx.text", "fx.single", "fx.multi", "fx.reflection"])
def test_check_with_the_blank_still_in_place_says_not_yet(screen, qid):
    # A your-turn cell run as handed out: `value = ...` then check(id, value).
    widgets.check(qid, ...)
    # the feedback comes first; the Hint button may follow it (a hint helps with a blank too)
    feedback = next(item for item in screen.shown if repr(item).startswith("\u26a0"))
    shown = repr(feedback)
    assert shown.startswith("\u26a0 Not yet - the `...` is still in the cell")
    assert "Traceback" not in shown and "ellipsis" not in shown.lower()
    assert "Not yet" in feedback._repr_html_()
    assert [r[widgets.RECORD_MIME]["answer"] for r in screen.records] in ([], [None])  # not an attempt: nothing recorded, nothing counted


def test_record_text_is_deterministic():
    one = widgets.record_bundle("fx.text", 3, "Shliapnikov")
    assert one == widgets.record_bundle("fx.text", 3, "Shliapnikov")
    assert record_text(one) == 'Answer record for fx.text: attempt 3, answer "Shliapnikov"'
    assert one["text/plain"] == ""  # kept for the grader, not printed as a line under the question
    long = widgets.record_bundle("fx.reflection", 1, "word " * 1000)
    assert len(record_text(long)) < 300 and long[widgets.RECORD_MIME]["answer"] == "word " * 1000


def test_widgets_have_labels():
    """Every input has a description (its accessible label) or is a described checkbox."""
    for qid in list(RIGHT) + ["fx.reflection"]:
        widget = widgets.question_widget(qid)
        for box in widget.inputs:
            assert box.description.strip(), (qid, box)
        assert widget.check_button.tooltip and widget.hint_button.tooltip


def test_recorded_answer_reaches_the_saved_notebook(fixture_bank, tmp_path, monkeypatch):
    """A real kernel: pressing Check updates the record output that was displayed by ask()."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    monkeypatch.setenv("COURSE_HOME", str(tmp_path / "home"))
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell('from helpers import ask\nask("fx.text")'),
        nbformat.v4.new_code_cell('from helpers import widgets\nw = widgets._SHOWN["fx.text"]\n'
                                  'w.inputs[0].value = "Shlyapnikov"\nw.check_button.click()'),
    ]
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    path = tmp_path / "answered.ipynb"
    nbformat.write(nb, path)
    saved = json.loads(path.read_text(encoding="utf-8"))  # the file as the grader reads it
    text = lambda value: "".join(value) if isinstance(value, list) else value  # noqa: E731
    outputs = saved["cells"][0]["outputs"]
    assert text(outputs[0]["data"]["text/plain"]) == "Question fx.text (interactive)"
    record = outputs[1]["data"]
    assert record[widgets.RECORD_MIME] == {"format": 1, "question": "fx.text", "attempt": 1,
                                           "answer": "Shlyapnikov"}
    assert record_text({"text/html": text(record["text/html"])}) == \
        'Answer record for fx.text: attempt 1, answer "Shlyapnikov"'
    assert saved["cells"][1]["outputs"] == []


# --- the student id (first cell of every exercise) ----------------------------------------

def test_student_id_is_recorded_and_restored(screen):
    widgets.student_id()
    widget = screen.shown[-1]
    assert repr(widget) == "Student id (interactive)" and widget.box.description.strip()
    assert screen.last_record == {"format": 1, "question": "student_id", "attempt": 0, "answer": None}
    widget.box.value = "   "
    widget.save_button.click()
    assert "empty" in widget.feedback.value and screen.updates == []
    widget.box.value = "x" * 65
    widget.save_button.click()
    assert "at most 64" in widget.feedback.value and screen.updates == []
    widget.box.value = "  s-2024\t017 "
    widget.save_button.click()
    assert "Saved" in widget.feedback.value
    assert screen.last_record == {"format": 1, "question": "student_id", "attempt": 1, "answer": "s-2024 017"}
    identity.set_current("")  # a restarted kernel, maybe another student on the same login
    widgets.student_id()  # the id is asked about, never filled in silently
    again = screen.shown[-1]
    assert again.box.value == "" and "Are you s-2024 017?" in again.feedback.value
    assert screen.records[-1][widgets.RECORD_MIME]["answer"] is None
    again.confirm_button.click()
    assert again.box.value == "s-2024 017" and "Saved" in again.feedback.value
    assert screen.last_record["answer"] == "s-2024 017" and identity.current() == "s-2024 017"
    assert "attempt" not in again.feedback.value.lower()


def test_a_short_reflection_does_not_reveal_the_model_answer(screen):
    widget = shown(screen, "fx.reflection")
    minimum = widget.q["min_words"]
    assert widget.q["explanation"], "the fixture reflection has a model answer to hide"
    widget.inputs[0].value = "Because."
    widget.check_button.click()
    assert "Saved" in widget.feedback.value and f"at least {minimum} words" in widget.feedback.value
    assert widgets._markdown(widget.q["explanation"]) not in widget.feedback.value
    widget.inputs[0].value = " ".join(["word"] * minimum)
    widget.check_button.click()
    assert widgets._markdown(widget.q["explanation"]) in widget.feedback.value


def test_a_damaged_stored_answer_is_not_restored(screen):
    """A progress file holding an answer the widget cannot show: the question starts empty."""
    path = progress_module.store_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"format": 1, "questions": {"fx.multi": {"attempts": "two", "last_answer": [[1], {}]}}}),
                    encoding="utf-8")
    widget = shown(screen, "fx.multi")
    assert widget.answer() == [] and screen.last_record["attempt"] == 0


def test_every_question_type_has_an_input_class_and_a_checker():
    """The widget's INPUTS table and the engine's checker table cover the same types."""
    from helpers.widgets.inputs import INPUTS

    assert set(INPUTS) == set(questions._CHECKERS) == set(questions.TYPES)


def test_import_helpers_does_not_import_ipywidgets():
    import subprocess

    code = "import sys, helpers; print('ipywidgets' in sys.modules, 'helpers.widgets.inputs' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]
