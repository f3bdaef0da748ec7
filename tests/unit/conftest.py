"""Fixtures shared by the unit tests: compiled copies of the two test question banks.

Why: the engine, progress and widget tests run against a small bank of made-up questions
(tests/fixtures/question-bank), and the exercise and grading tests against the toy
assignment's bank (tests/fixtures/assignment); each module compiling its own copy meant
the same set-up written five times.
"""
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ENGINE_QUESTIONS = ROOT / "tests" / "fixtures" / "question-bank"
ASSIGNMENT_QUESTIONS = ROOT / "tests" / "fixtures" / "assignment" / "solutions" / "question-bank"


def compile_bank(questions: Path, folder: Path) -> Path:
    # This tree's own solutions/, not the one of whichever `course` is installed: a student copy
    # (`course export-student`) has no solutions/, so no bank schema, and need not have `course`.
    # (It skips without solutions/, so `course export-student` keeps this folder's tests.)
    if not ROOT.joinpath("solutions", "question-bank", "schema.json").is_file():
        pytest.skip("compiling a test bank needs solutions/question-bank/schema.json (instructor copy only)")
    from course import authoring
    path = folder / "question_bank.json"
    path.write_text(authoring.dumps(authoring.build_bank(questions, check_sources=False)), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def fixture_bank(tmp_path_factory):
    """The engine's test bank, made the one every helper reads (and its YAML the instructor key)."""
    path = compile_bank(ENGINE_QUESTIONS, tmp_path_factory.mktemp("bank"))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("COURSE_QUESTION_BANK", str(path))
        mp.setenv("COURSE_QUESTION_SOURCES", str(ENGINE_QUESTIONS))
        yield path


@pytest.fixture(scope="module")
def assignment_bank(tmp_path_factory):
    """The toy assignment's bank, compiled but not switched on: tests choose when to use it."""
    return compile_bank(ASSIGNMENT_QUESTIONS, tmp_path_factory.mktemp("bank"))


@pytest.fixture
def assignment_keys(assignment_bank, monkeypatch):
    """The toy assignment switched on for this test: its compiled bank for the student side and
    its YAML as the instructor's keys (what marking and feedback read)."""
    monkeypatch.setenv("COURSE_QUESTION_BANK", str(assignment_bank))
    monkeypatch.setenv("COURSE_QUESTION_SOURCES", str(ASSIGNMENT_QUESTIONS))
    return assignment_bank
