"""Hints in graded work: they teach the method, their use is recorded, and a teacher can turn them off.

Why: a hint that was the arithmetic itself ("1,400,000 ÷ 641,000") earned on-submit points
without any pandas, and nobody could see who had opened one.
"""
import csv
import json
import sys
from pathlib import Path

import pytest
import yaml

from course import authoring, grading, report
from course.hintcheck import hint_problem
from helpers import identity, questions, widgets
from helpers.questions import BankError, evaluate

sys.path.insert(0, str(Path(__file__).parent))
from test_assignment_mode import course_copy, use_course  # noqa: E402,F401 - shared fixtures
from test_grading import notebook, record, write  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]

# The hints a1-a5 had before: each gave the computation.
OLD_HINTS = [
    ("numeric", 26.06, "100 × (2,017,000 − 1,600,000) ÷ 1,600,000"),
    ("numeric", 66.5, "137 ÷ (137 + 61 + 8) × 100"),
    ("numeric", 500000000000, "50,000 × 10 × 1,000,000."),
    ("numeric", 2.18, "1,400,000 ÷ 641,000."),
    ("numeric", 476836, "168,800 ÷ 0.354."),
    ("numeric", 24.7, "100 × (101 − 81) ÷ 81."),
    ("numeric", 6.38, "638,070 ÷ 100,000."),
    ("numeric", 223238, "241,600 × 92.4 ÷ 100."),
    ("numeric", 264881, "735,881 − 471,000."),
]


@pytest.mark.parametrize("kind,answer,hint", OLD_HINTS)
def test_a_hint_that_computes_is_refused(kind, answer, hint):
    assert "computes with the figures" in hint_problem({"type": kind, "answer": answer}, hint)


@pytest.mark.parametrize("q,hint", [
    ({"type": "numeric", "answer": 476836}, "The whole comes to about 476,836 people."),
    ({"type": "numeric", "answer": 2.18}, "It should come out near 2.18."),
    ({"type": "text", "answer": "Preobrazhenskii"}, "Look for Preobrazhenskii in the note."),
])
def test_a_hint_that_holds_the_answer_is_refused(q, hint):
    assert "contains the answer" in hint_problem(q, hint)


@pytest.mark.parametrize("hint", [
    "Filter `votes` for the vote `miners-1921-01`, then divide by the sum of the `votes` column.",
    "Take row `le04` with `.iloc[0]`; multiply and divide by a hundred.",
    "The 1920-24 rows of `cr05` and `cr06`.",
])
def test_a_hint_that_teaches_the_method_passes(hint):
    assert hint_problem({"type": "numeric", "answer": 2.18}, hint) == ""


def test_every_course_assignment_hint_passes():
    entries = authoring.read_sources()
    settings = authoring.assignment_settings()
    on_submit = [q for _, q in entries if (settings.get(q["notebook"]) or {}).get("feedback") == "on-submit"]
    assert len(on_submit) >= 29
    for q in on_submit:
        hints = q.get("hint")
        for hint in [hints] if isinstance(hints, str) else hints or []:
            assert hint_problem(q, hint) == "", q["id"]


def test_build_bank_refuses_a_computing_hint_and_names_the_question(tmp_path):
    sources = course_copy(tmp_path, feedback="on-submit")
    path = sources / "a0.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    doc["questions"][0]["hint"] = "1000 + 3000 + 321"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(BankError, match=r"a0\.total.*computes with the figures"):
        authoring.build_bank(sources, check_sources=False)
    # the same hint in an instant-feedback lesson or assignment is allowed (it is practice)
    instant = course_copy(tmp_path / "instant")
    (instant / "a0.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    assert authoring.build_bank(instant, check_sources=False)["questions"]["a0.total"]["hints"]


def test_hints_off_ships_no_hint_text(use_course, monkeypatch):
    bank = use_course(feedback="on-submit", hints="off")
    assert all(q["hints"] == [] and q["hints_off"] is True for q in bank.values())
    widget = widgets.question_widget("a0.pick")
    widget.hint_button.click()
    assert "switched off" in widget.hint_box.value


def test_hints_setting_is_checked(tmp_path):
    sources = course_copy(tmp_path, hints="sometimes")
    with pytest.raises(BankError, match="course.hints"):
        authoring.assignment_settings(sources)


def test_opening_a_hint_is_recorded_and_counted(use_course, monkeypatch, tmp_path):
    bank = use_course(feedback="on-submit")
    bank["a0.word"]["hints"] = ["Which pandas method adds things up?"]
    path = Path(__import__("os").environ["COURSE_QUESTION_BANK"])
    path.write_text(json.dumps({**json.loads(path.read_text(encoding="utf-8")), "questions": bank}), encoding="utf-8")
    questions._BANK_CACHE.clear()
    monkeypatch.setattr(identity, "_current", "s1")
    monkeypatch.setattr(widgets, "_SESSION", {})
    monkeypatch.setattr(widgets, "_HINTS", {})
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    shown = []
    monkeypatch.setattr(widgets, "_show", lambda obj: None)

    def publish(bundle, handle=None):
        shown.append(bundle[widgets.RECORD_MIME])
        return handle or object()

    monkeypatch.setattr(widgets, "_publish", publish)
    widgets.ask("a0.word")
    widget = widgets._SHOWN["a0.word"]
    widget.hint_button.click()
    assert shown[-1] == {"format": 1, "question": "a0.word", "attempt": 0, "answer": None, "hints": 1}
    widget.inputs[0].value = "sum"
    widget.check_button.click()
    assert shown[-1]["hints"] == 1 and shown[-1]["answer"] == "sum"


def test_gradebook_and_report_count_hints(assignment_bank, monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_QUESTION_BANK", str(assignment_bank))
    folder = tmp_path / "in"
    write(folder / "one.ipynb", notebook(record("a0.word", "sum", hints=2), record("a0.pick", "beta")))
    write(folder / "two.ipynb", notebook(record("a0.word", "sum"), record("a0.pick", "beta", hints=1)))
    out = tmp_path / "gradebook.csv"
    assert grading.main([str(folder), "--out", str(out)]) == 0
    rows = {r["file"]: r for r in csv.DictReader(out.open(encoding="utf-8"))}
    assert rows["one.ipynb"]["a0.word hints"] == "2" and rows["one.ipynb"]["a0.pick hints"] == "0"
    assert rows["two.ipynb"]["a0.pick hints"] == "1"
    responses, subs = report.collect(folder)
    items = report.item_table(responses, subs).set_index("question")
    assert items.loc["a0.word", "used_hints"] == 1 and items.loc["a0.pick", "used_hints"] == 1
    assert items.loc["a0.total", "used_hints"] == 0
    html = report._hints_paragraph(items.reset_index())
    assert "a0.pick 1" in html and "a0.word 1" in html


def test_progress_counts_on_submit_answers_as_recorded(use_course, monkeypatch):
    use_course(feedback="on-submit")
    monkeypatch.setattr(identity, "_current", "s1")
    for qid, answer in {"a0.pick": "alpha", "a0.word": "sum", "a0.total": 4321}.items():
        sys.modules["helpers.progress"].record_answer(qid, answer, evaluate(qid, answer))
    report = sys.modules["helpers.progress"].progress("a0_fixture")
    row = report.table.loc["a0_fixture"]
    assert (row["answered"], row["correct"], row["auto_checked"], row["teacher_marks"]) == (3, 0, 0, 5)
    text = repr(report)
    assert "a0_fixture: 3 of 5 answered - recorded; your teacher marks it." in text
    assert "not yet right" not in text and "not yet right" not in report._repr_html_()
    assert "a0.rows: not answered" in text  # what is left is still listed
