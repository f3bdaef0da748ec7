"""Assignment settings, on-submit questions, attempt limits and partial credit.

The toy assignment a0 (tests/fixtures/assignment) is copied into a temporary solutions/
folder whose notebook metadata says how it is handed out, then compiled as `course
build-bank` would: the student bank from it, the keyed entries from its YAML.
"""
import json
import shutil
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

from helpers import questions, widgets

from course import authoring, grading
from helpers.questions import BankError, evaluate
from helpers.widgets import record_bundle

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "assignment" / "solutions"
ENGINE = ROOT / "tests" / "fixtures" / "question-bank"
progress_module = sys.modules["helpers.progress"]


def course_copy(tmp_path: Path, *, partial=(), **course) -> Path:
    """solutions/ with the a0 notebook (its course metadata updated) and its question YAML
    (``partial: true`` added to the given ids); returns the question-bank folder."""
    solutions = tmp_path / "solutions"
    shutil.copytree(FIXTURE, solutions)
    nb = nbformat.read(solutions / "a0_fixture.ipynb", as_version=4)
    nb.metadata.course.update(course)
    nbformat.write(nb, solutions / "a0_fixture.ipynb")
    path = solutions / "question-bank" / "a0.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    for q in doc["questions"]:
        if q["id"] in partial:
            q["partial"] = True
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return solutions / "question-bank"


@pytest.fixture
def use_course(tmp_path, monkeypatch):
    """Compile a course copy and make it the one every helper reads."""
    def use(**settings) -> dict:
        sources = course_copy(tmp_path, **settings)
        bank = authoring.build_bank(sources, check_sources=False)
        path = tmp_path / "question_bank.json"
        path.write_text(authoring.dumps(bank), encoding="utf-8")
        monkeypatch.setenv("COURSE_QUESTION_BANK", str(path))
        monkeypatch.setenv("COURSE_QUESTION_SOURCES", str(sources))
        monkeypatch.setenv("COURSE_HOME", str(tmp_path / "home"))
        monkeypatch.delenv("COURSE_MODE", raising=False)
        monkeypatch.setattr(widgets, "_ATTEMPTS", {})
        return bank["questions"]
    yield use
    questions._MODE.clear()


# --- settings from the solution notebook's metadata --------------------------------------

def test_settings_come_from_the_solution_notebooks(tmp_path):
    sources = course_copy(tmp_path, feedback="on-submit", max_attempts=3)
    assert authoring.assignment_settings(sources) == {
        "a0_fixture": {"assignment": "a0", "feedback": "on-submit", "max_attempts": 3}}
    assert authoring.assignment_settings(ENGINE) == {}  # no notebooks beside the engine fixture: lessons


@pytest.mark.parametrize("course, message", [
    ({"feedback": "later"}, "course.feedback is 'later'; use one of instant, on-submit"),
    ({"max_attempts": 0}, "course.max_attempts is 0"),
    ({"max_attempts": "3"}, "course.max_attempts is '3'"),
    ({"max_attempts": True}, "course.max_attempts is True"),
])
def test_bad_settings_are_named(tmp_path, course, message):
    sources = course_copy(tmp_path, **course)
    with pytest.raises(BankError, match="a0_fixture.ipynb: " + message.replace("(", r"\(")):
        authoring.build_bank(sources, check_sources=False)


def test_partial_is_only_for_multi_order_and_match(tmp_path):
    sources = course_copy(tmp_path, partial=("a0.total",))
    with pytest.raises(BankError, match=r"a0.total.*partial.*not used by numeric"):
        authoring.build_bank(sources, check_sources=False)


# --- on-submit: the student bank holds no key, answers are recorded ---------------------

RIGHT = {"a0.total": 4321, "a0.pick": "beta", "a0.rows": ["alpha", "beta"], "a0.word": "SUM"}


def test_on_submit_entries_hold_nothing_to_check_with(use_course):
    bank = use_course(feedback="on-submit")
    for qid, q in bank.items():
        assert q["mode"] == "on-submit" and "salt" not in q
        assert not {"accept", "explanation", "sources", "mistakes", "positions", "pairs", "step"} & set(q), qid
        for option in q.get("options", []):
            assert set(option) == {"id", "text"}
    assert bank["a0.reflect"]["min_words"] == 5 and "explanation" not in bank["a0.reflect"]


def test_on_submit_answers_are_recorded_never_marked(use_course):
    use_course(feedback="on-submit")
    for qid, answer in RIGHT.items():
        result = evaluate(qid, answer)
        assert (result.status, result.correct, result.score) == ("recorded", None, None), qid
        assert "recorded" in result.message and "marks the answers after you hand it in" in result.message
        assert "Correct" not in result.message and "Not yet" not in result.message
    assert evaluate("a0.pick", "alpha").status == "recorded"  # a wrong answer looks the same
    assert evaluate("a0.pick", "delta").status == "invalid"   # bad input is still explained
    assert evaluate("a0.total", "").status == "invalid"


def test_instructor_mode_checks_on_submit_answers_against_the_yaml(use_course, monkeypatch):
    use_course(feedback="on-submit")
    questions.set_mode("instructor")
    assert evaluate("a0.pick", "beta").correct is True and evaluate("a0.pick", "alpha").correct is False
    monkeypatch.setenv("COURSE_QUESTION_SOURCES", str(Path("/nonexistent/question-bank")))
    assert evaluate("a0.pick", "beta").status == "recorded"  # no solutions/ here: records, like a student


def test_a_reflection_in_an_assignment_never_shows_its_model_answer(use_course):
    use_course()  # instant feedback, but an assignment all the same
    result = evaluate("a0.reflect", " ".join(["word"] * 40))
    assert result.status == "recorded" and result.explanation == ""


# --- attempt limits --------------------------------------------------------------------

class Screen:
    def __init__(self):
        self.shown, self.records = [], []

    def show(self, obj):
        self.shown.append(obj)

    def publish(self, bundle, handle=None):
        self.records.append(bundle[widgets.RECORD_MIME])
        return handle or object()


@pytest.fixture
def screen(monkeypatch):
    from helpers import identity

    monkeypatch.setattr(identity, "_current", "s001")  # graded work belongs to a student id
    monkeypatch.setattr(widgets, "_SESSION", {})
    monkeypatch.setattr(widgets, "_HINTS", {})
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    recorder = Screen()
    monkeypatch.setattr(widgets, "_show", recorder.show)
    monkeypatch.setattr(widgets, "_publish", recorder.publish)
    return recorder


def test_max_attempts_refuses_a_new_answer_and_keeps_the_last(use_course, screen):
    use_course(feedback="on-submit", max_attempts=2)
    widgets.ask("a0.pick")
    widget = screen.shown[-1]
    assert widget.attempts_label.value == "Attempts: 0 of 2"
    for attempt, answer in enumerate(["alpha", "beta"], 1):
        widget.inputs[0].value = answer
        widget.check_button.click()
        assert "recorded" in widget.feedback.value and "Correct" not in widget.feedback.value
        assert widget.attempts_label.value == f"Attempts: {attempt} of 2"
    widget.check_button.click()  # the same answer again: not an attempt, not refused
    assert "No attempts left" not in widget.feedback.value
    widget.inputs[0].value = "gamma"
    widget.check_button.click()
    assert "No attempts left" in widget.feedback.value and "attempt 2 stands" in widget.feedback.value
    assert screen.records[-1] == {"format": 1, "question": "a0.pick", "attempt": 2, "answer": "beta"}
    assert progress_module.last_entry("a0.pick") == ("beta", 2)
    # a restart does not reset the count: it lives in the progress file
    widgets._ATTEMPTS.clear()
    widgets.check("a0.pick", "alpha")
    feedback = [shown for shown in screen.shown if isinstance(shown, widgets.Feedback)][-1]
    assert "No attempts left" in repr(feedback) and "Saved" not in repr(feedback)
    assert screen.records[-1] == {"format": 1, "question": "a0.pick", "attempt": 2, "answer": "beta"}


# --- partial credit ----------------------------------------------------------------------

def test_partial_credit_per_item(fixture_bank):
    """Partial credit from the engine fixture's questions, compiled with ``partial: true``."""
    qs = {q["id"]: q for _, q in authoring.read_sources(ENGINE)}

    def entry(qid, partial=True):
        return authoring.compile_question({**qs[qid], "partial": partial})

    match = {"pamphlet": "kollontai", "crisis": "lenin", "theses": "trotsky"}
    result = evaluate("fx.match", match, entry=entry("fx.match"))
    assert result.correct is False and result.score == pytest.approx(0.67)
    assert "2 of 3 matches are right. Partial credit: 0.67 of 1 point." in result.message
    assert evaluate("fx.match", match, entry=entry("fx.match", False)).score == 0
    order = ["tu-speech", "kronstadt", "unity", "congress"]
    assert evaluate("fx.order", order, entry=entry("fx.order")).score == pytest.approx(0.5)
    multi = entry("fx.multi")  # 2 points; unity and syndicalist apply, appeal does not
    assert evaluate("fx.multi", ["unity"], entry=multi).score == 1
    assert evaluate("fx.multi", ["unity", "syndicalist", "appeal"], entry=multi).score == 1
    assert evaluate("fx.multi", ["unity", "appeal"], entry=multi).score == 0  # a wrong tick cancels a right one
    assert "Partial credit" not in evaluate("fx.multi", ["appeal"], entry=multi).message
    assert evaluate("fx.multi", ["unity", "syndicalist"], entry=multi).score == 2


# --- the grader -------------------------------------------------------------------------

def submission(tmp_path, *records) -> Path:
    nb = nbformat.v4.new_notebook(metadata={"course": {"assignment": "a0"}})
    for i, (qid, answer, attempt) in enumerate(records):
        cell = nbformat.v4.new_code_cell(f"ask({qid!r})", id=f"c{i}")
        cell.outputs = [nbformat.v4.new_output("display_data", data=record_bundle(qid, attempt, answer))]
        nb.cells.append(cell)
    path = tmp_path / "handed-in" / "s.ipynb"
    path.parent.mkdir(exist_ok=True)
    nbformat.write(nb, path)
    return path


def test_the_grader_scores_on_submit_answers_from_the_yaml(use_course, tmp_path):
    use_course(feedback="on-submit", max_attempts=2, partial=("a0.rows",))
    path = submission(tmp_path, ("student_id", "s-9", 1), ("a0.total", 4321, 1), ("a0.pick", "alpha", 3),
                      ("a0.rows", ["alpha"], 1), ("a0.word", "sum", 2))
    sub = grading.grade_file(path, "s.ipynb")
    assert sub.points == {"a0.total": 1, "a0.pick": 0, "a0.rows": 1, "a0.word": 1}
    assert (sub.score, sub.max_score) == (3, 5)
    assert sub.errors == ["a0.pick: the answer is from attempt 3, over the limit of 2 "
                          "(was the progress file deleted between attempts?)"]
    out = tmp_path / "gradebook.csv"
    assert grading.main([str(path.parent), "--out", str(out)]) == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    # auto 3, no marks, score 3 of the full 8 (5 auto-checked, the essay's 3); points; to_mark; attempts
    assert lines[1].startswith("s-9,s.ipynb,a0,3,,3,8,1,0,1,1,,,,1,3,1,2,")


def test_without_the_yaml_on_submit_answers_are_not_scored_but_named(use_course, tmp_path, monkeypatch):
    use_course(feedback="on-submit")
    monkeypatch.setenv("COURSE_QUESTION_SOURCES", str(tmp_path / "nowhere"))
    sub = grading.grade_file(submission(tmp_path, ("a0.pick", "beta", 1)), "s.ipynb")
    assert sub.points == {} and sub.max_score == 5
    assert len(sub.errors) == 1 and sub.errors[0].startswith("a0.pick: not scored: it is an on-submit question")
    assert "solutions/question-bank" in sub.errors[0]


def test_exercise_header_says_how_the_assignment_is_marked(tmp_path):
    from course.exercises import exercise_notebook

    sources = course_copy(tmp_path, feedback="on-submit", max_attempts=3)
    solution = json.loads((sources.parent / "a0_fixture.ipynb").read_text(encoding="utf-8"))
    header = exercise_notebook(solution, "a0_fixture.ipynb").cells[1].source
    assert "without saying whether it is right" in header and "at most 3 different answers" in header
    solution["metadata"]["course"]["feedback"] = "instant"
    del solution["metadata"]["course"]["max_attempts"]
    header = exercise_notebook(solution, "a0_fixture.ipynb").cells[1].source
    assert "tells you at once" in header and "at most" not in header


def test_a_recorded_number_is_shown_rounded_and_kept_in_full(use_course):
    use_course(feedback="on-submit")
    result = evaluate("a0.total", 4321.123456789)
    assert "4321.12 items recorded" in result.message and result.normalized == 4321.123456789


@pytest.mark.parametrize("path", sorted((ROOT / "exercises").glob("*.ipynb")), ids=lambda p: p.stem)
def test_on_submit_exercises_promise_no_instant_verdict(path):
    """The student's instructions must match what the questions do."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    if nb["metadata"]["course"].get("feedback") != "on-submit":
        pytest.skip("instant feedback")
    text = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    assert "without saying whether it is right" in text
    for promise in ("tells you at once", "whether your number is right", "whether you are right"):
        assert promise not in text, promise


def test_grading_an_on_submit_assignment_reads_the_yaml_without_jsonschema(tmp_path):
    """The grader reads the key from YAML that `course build-bank` (and its --check, which the
    tests run) has validated; importing jsonschema would add seconds to every `course grade`."""
    import os
    import subprocess

    env = {k: v for k, v in os.environ.items() if k not in ("COURSE_QUESTION_BANK", "COURSE_QUESTION_SOURCES")}
    code = ("import sys; from course import grading; "
            f"subs = grading.grade_folder({str(ROOT / 'solutions' / 'a5_lenin_enrollment.ipynb')!r}); "
            "print(subs[0].score, subs[0].max_score, subs[0].errors, "
            "'yaml' in sys.modules, 'jsonschema' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=tmp_path, env=env).stdout.split(" ", 2)
    score, max_score, rest = out
    assert float(score) == float(max_score) > 0 and rest.strip() == "[] True False", out
