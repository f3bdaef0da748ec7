"""What graded (on-submit) work says: recorded and marked later, never right or wrong before marking.

Why: students read "not yet right" in progress() as "I got them all wrong", a blank check()
promised a verdict it never gives, a fraction typed for a percentage was silently recorded,
and feedback echoed floats such as 4.322766570605188.
"""
import sys
from pathlib import Path

import pytest

from helpers import identity, widgets
from helpers.questions import evaluate

sys.path.insert(0, str(Path(__file__).parent))
from test_assignment_mode import use_course  # noqa: E402,F401 - the shared fixture

progress_module = sys.modules["helpers.progress"]
VERDICTS = ("right", "wrong", "Correct", "Not yet", "incorrect")


def test_a_fraction_for_a_percentage_is_pointed_out_without_a_verdict():
    result = evaluate("a3.cc-share", 0.1)
    assert result.status == "recorded" and "a percentage is asked" in result.message
    assert "multiply it by 100" in result.message
    assert not any(word in result.message.split("Note:")[0] for word in VERDICTS)
    assert "a percentage is asked" not in evaluate("a3.cc-share", 10).message


@pytest.mark.parametrize("qid,value,shown", [
    ("start.gap", 4.322766570605188, "4.32%"),       # instant: the tolerance's places
    ("a3.died-1937", 58.333333333333336, "58.33%"),  # on-submit: two places
    ("a3.days", 35, "35 days"),
])
def test_numbers_are_shown_to_the_question_s_precision(qid, value, shown):
    message = evaluate(qid, value).message
    assert shown in message and str(value) not in message.replace(shown, "")


def test_a_blank_on_submit_check_promises_no_verdict():
    message = evaluate("a3.days", ...).message
    assert "your teacher marks it" in message and "whether your value is right" not in message
    assert "whether your value is right" in evaluate("start.gap", ...).message


def test_progress_counts_on_submit_answers_as_recorded(use_course, monkeypatch):
    use_course(feedback="on-submit")
    monkeypatch.setattr(identity, "_current", "s1")
    for qid, answer in {"a0.pick": "alpha", "a0.word": "sum", "a0.total": 4321}.items():
        progress_module.record_answer(qid, answer, evaluate(qid, answer))
    report = progress_module.progress("a0_fixture")
    row = report.table.loc["a0_fixture"]
    assert (row["answered"], row["correct"], row["auto_checked"], row["teacher_marks"]) == (3, 0, 0, 5)
    text = repr(report)
    assert "a0_fixture: 3 of 5 answered - recorded; your teacher marks it." in text
    assert "not yet right" not in text and "not yet right" not in report._repr_html_()
    assert "a0.rows: not answered" in text  # what is left is still listed


def test_the_answer_record_is_kept_but_not_printed():
    bundle = widgets.record_bundle("a3.days", 2, 35)
    assert bundle["text/plain"] == "" and bundle[widgets.RECORD_MIME]["answer"] == 35
    assert bundle["text/html"].startswith('<div class="course-answer-record" hidden>')


def test_the_id_widget_shows_no_attempt_count(monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_HOME", str(tmp_path))
    monkeypatch.setattr(identity, "_current", "")
    for name in ("_ATTEMPTS", "_SESSION", "_HINTS", "_SHOWN"):
        monkeypatch.setattr(widgets, name, {})
    monkeypatch.setattr(widgets, "_show", lambda obj: None)
    monkeypatch.setattr(widgets, "_publish", lambda bundle, handle=None: handle or object())
    for _ in range(3):
        widgets.student_id()
        widget = widgets._SHOWN["student_id"]
        widget.box.value = "s-9"
        widget.save_button.click()
        assert "attempt" not in widget.feedback.value.lower()
