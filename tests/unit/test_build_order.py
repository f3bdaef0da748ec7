"""No build-order trap: an assignment's feedback mode comes from its solution notebook, so the
bank is not built for an assignment whose notebook is missing, and `build-bank --check`
says when a drift comes from a notebook's metadata rather than from the YAML.

The toy assignment a0 (tests/fixtures/assignment) is copied into a temporary solutions/
folder, as in test_assignment_mode.
"""
import json
import shutil
from pathlib import Path

import nbformat
import pytest

from course import authoring
from helpers.questions import BankError

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "assignment" / "solutions"


@pytest.fixture
def solutions(tmp_path) -> Path:
    folder = tmp_path / "solutions"
    shutil.copytree(FIXTURE, folder)
    return folder


def test_questions_of_an_assignment_without_its_notebook_are_refused(solutions):
    (solutions / "a0_fixture.ipynb").unlink()
    with pytest.raises(BankError) as err:
        authoring.build_bank(solutions / "question-bank", check_sources=False)
    message = str(err.value)
    assert "solutions/a0_fixture.ipynb does not exist" in message
    assert "a0.total" in message and "write that notebook first" in message and "`course build-bank`" in message


def test_a_notebook_without_course_metadata_is_refused_too(solutions):
    nb = nbformat.read(solutions / "a0_fixture.ipynb", as_version=4)
    del nb.metadata["course"]
    nbformat.write(nb, solutions / "a0_fixture.ipynb")
    with pytest.raises(BankError, match=r"solutions/a0_fixture\.ipynb does not exist or has no notebook metadata"):
        authoring.build_bank(solutions / "question-bank", check_sources=False)


def test_lessons_need_no_notebook_beside_the_bank():
    bank = authoring.build_bank(ROOT / "tests" / "fixtures" / "question-bank", check_sources=False)
    assert bank["questions"] and all(q.get("mode") != "on-submit" for q in bank["questions"].values())


def _set_feedback(solutions: Path, feedback: str) -> None:
    nb = nbformat.read(solutions / "a0_fixture.ipynb", as_version=4)
    nb.metadata.course["feedback"] = feedback
    nbformat.write(nb, solutions / "a0_fixture.ipynb")


def test_check_names_the_notebook_when_its_metadata_caused_the_drift(solutions, tmp_path, monkeypatch, capsys):
    bank = tmp_path / "question_bank.json"
    monkeypatch.setenv("COURSE_QUESTION_BANK", str(bank))
    monkeypatch.setenv("COURSE_QUESTION_SOURCES", str(solutions / "question-bank"))
    bank.write_text(authoring.dumps(authoring.build_bank(check_sources=False)), encoding="utf-8")
    monkeypatch.setattr(authoring, "_known_sources", lambda: set())
    assert authoring.main(["--check"]) == 0
    _set_feedback(solutions, "on-submit")
    assert authoring.main(["--check"]) == 1
    err = capsys.readouterr().err
    assert "solutions/a0_fixture.ipynb's metadata now makes them on-submit" in err, err
    assert "not the YAML" in err and "run `course build-bank`" in err
    assert "changed in solutions/question-bank" not in err


def test_check_names_the_yaml_when_the_yaml_changed(solutions, tmp_path, monkeypatch, capsys):
    bank = tmp_path / "question_bank.json"
    monkeypatch.setenv("COURSE_QUESTION_BANK", str(bank))
    monkeypatch.setenv("COURSE_QUESTION_SOURCES", str(solutions / "question-bank"))
    monkeypatch.setattr(authoring, "_known_sources", lambda: set())
    bank.write_text(authoring.dumps(authoring.build_bank(check_sources=False)), encoding="utf-8")
    path = solutions / "question-bank" / "a0.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("answer: 4321", "answer: 4322")
                    .replace("= 4321", "= 4322"), encoding="utf-8")
    old = json.loads(bank.read_text(encoding="utf-8"))
    del old["questions"]["a0.pick"]
    bank.write_text(authoring.dumps(old), encoding="utf-8")
    assert authoring.main(["--check"]) == 1
    err = capsys.readouterr().err
    assert "questions a0.total changed in solutions/question-bank/*.yaml" in err, err
    assert "questions a0.pick are in solutions/question-bank/*.yaml but not in the bank" in err
    assert "metadata" not in err
