"""What graded (on-submit) work says: recorded and marked later, never right or wrong before marking.

Why: students read "not yet right" in progress() as "I got them all wrong", a blank check()
promised a verdict it never gives, a fraction typed for a percentage was silently recorded,
and feedback echoed floats such as 4.322766570605188.
"""
import pytest

from helpers import identity, widgets
from helpers.questions import evaluate

VERDICTS = ("right", "wrong", "Correct", "Not yet", "incorrect")


def test_a_fraction_for_a_percentage_is_pointed_out_without_a_verdict():
    result = evaluate("a3.cc-share", 0.1)
    assert result.status == "recorded" and "a percentage is asked" in result.message
    assert "multiply it by 100" in result.message
    assert not any(word in result.message.split("Note:")[0] for word in VERDICTS)
    assert "a percentage is asked" not in evaluate("a3.cc-share", 12).message


@pytest.mark.parametrize("qid,value,shown", [
    ("start.gap", 4.567891234567, "4.57%"),        # instant: the tolerance's places
    ("a3.died-1937", 61.234567891234, "61.23%"),   # on-submit: two places
    ("a3.days", 40, "40 days"),
])
def test_numbers_are_shown_to_the_question_s_precision(qid, value, shown):
    message = evaluate(qid, value).message
    assert shown in message and str(value) not in message.replace(shown, "")


def test_a_blank_on_submit_check_promises_no_verdict():
    message = evaluate("a3.days", ...).message
    assert "your teacher marks it" in message and "whether your value is right" not in message
    assert "whether your value is right" in evaluate("start.gap", ...).message


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
