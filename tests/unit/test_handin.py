"""The hand-in path end to end, in real kernels: answer an exercise, save, re-run, grade.

Why: the exercise's last cell allows Restart Kernel and Run All Cells before saving. Re-running
a question's cell replaces its output, and that output is where the answer travels, so a re-run
must record the answer again (from the progress store) or the saved file loses it. These tests
answer an exercise as a student would (their code in the blanks, clicks on the widgets), grade
the saved file, re-execute that file with the same progress store, and grade it again.
"""
import ast
import json
from pathlib import Path

import nbformat
import pytest

from course.exercises import _question_call, exercise_notebook
from course.grading import grade_file

nbclient = pytest.importorskip("nbclient")

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "assignment" / "solutions" / "a0_fixture.ipynb"
ACTION = "student-action"


def _action(code: str):
    """A cell standing for what the student does by hand; removed before the file is saved."""
    return nbformat.v4.new_code_cell("from helpers import widgets as _w\n" + code, metadata={"tags": [ACTION]})


def answered_exercise(solution: Path, student: str) -> nbformat.NotebookNode:
    """The exercise of ``solution`` with the student's work: the blanks hold the solution's
    code, and after each widget question a cell sets the answer and clicks Check."""
    sol = json.loads(solution.read_text(encoding="utf-8"))
    ex = exercise_notebook(sol, solution.name)
    originals = {c.get("id"): c for c in sol["cells"]}
    cells = []
    for cell in ex.cells:
        cells.append(cell)
        if cell.id == "student-id":
            cells.append(_action(f'_w._SHOWN["student_id"].box.value = {student!r}\n'
                                 '_w._SHOWN["student_id"].save_button.click()'))
            continue
        original = originals.get(cell.id)
        if cell.cell_type != "code" or original is None or "solution" not in original["metadata"].get("tags", []):
            continue
        source = "".join(original["source"])
        lines, clicks = source.splitlines(), []
        for node in reversed(ast.parse(source).body):
            question = _question_call(node, source)
            if question and question[1]:  # a widget in the exercise: the student clicks
                qid, value = (ast.literal_eval(a) for a in node.value.args)
                lines[node.lineno - 1:node.end_lineno] = [question[0]]
                clicks.insert(0, f"_q = _w._SHOWN[{qid!r}]\n_q.set_answer({value!r})\n_q.check_button.click()")
        cell.source = "\n".join(lines)  # the student's code, and the widgets as the exercise has them
        if clicks:
            cells.append(_action("\n".join(clicks)))
    ex.cells = cells
    return ex


def run(nb, folder: Path) -> nbformat.NotebookNode:
    nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(folder)}}).execute()
    return nb


def save(nb, path: Path) -> Path:
    """Save as JupyterLab would, without the cells that stood for clicks."""
    nb = nbformat.from_dict(json.loads(json.dumps(nb)))
    nb.cells = [c for c in nb.cells if ACTION not in c.metadata.get("tags", [])]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def graded(path: Path) -> dict:
    sub = grade_file(path, path.name)
    return {"student_id": sub.student_id, "score": sub.score, "max_score": sub.max_score, "points": sub.points,
            "attempts": sub.attempts, "reflections": sub.reflections, "unanswered": sub.unanswered,
            "errors": sub.errors}


@pytest.fixture
def fixture_assignment(assignment_bank, monkeypatch):
    monkeypatch.setenv("COURSE_QUESTION_BANK", str(assignment_bank))  # kernels inherit it


@pytest.mark.parametrize("solution", [
    pytest.param(FIXTURE, id="fixture-a0"),
    pytest.param(ROOT / "solutions" / "a3_workers_opposition.ipynb", id="a3"),
])
def test_restart_and_run_all_keeps_every_answer(solution, assignment_bank, tmp_path, monkeypatch):
    if solution == FIXTURE:
        monkeypatch.setenv("COURSE_QUESTION_BANK", str(assignment_bank))  # kernels inherit it
    else:
        monkeypatch.delenv("COURSE_QUESTION_BANK", raising=False)
    monkeypatch.setenv("COURSE_HOME", str(tmp_path / "home"))
    answered = save(run(answered_exercise(solution, "s-1024"), solution.parent), tmp_path / "first" / solution.name)
    before = graded(answered)
    assert before["student_id"] == "s-1024" and before["errors"] == [] and before["unanswered"] == []
    assert before["score"] == before["max_score"] > 0
    assert all(text for _, _, _, text in before["reflections"]), "the reflection is in the file"

    # Kernel > Restart Kernel and Run All Cells, on the same computer, then Save.
    rerun = save(run(nbformat.read(answered, as_version=4), solution.parent), tmp_path / "again" / solution.name)
    assert graded(rerun) == before


def test_a_rerun_without_the_progress_store_is_reported_as_unanswered(fixture_assignment, tmp_path, monkeypatch):
    """On another computer the answers cannot come back; the gradebook says which are missing."""
    monkeypatch.setenv("COURSE_HOME", str(tmp_path / "home"))
    answered = save(run(answered_exercise(FIXTURE, "s-7"), FIXTURE.parent), tmp_path / "first" / FIXTURE.name)
    monkeypatch.setenv("COURSE_HOME", str(tmp_path / "elsewhere"))
    rerun = save(run(nbformat.read(answered, as_version=4), FIXTURE.parent), tmp_path / "again" / FIXTURE.name)
    after = graded(rerun)
    assert after["student_id"] == "" and after["points"] == {"a0.total": 1}  # check() ran the student's code
    assert after["unanswered"] == ["student_id", "a0.pick", "a0.rows", "a0.word", "a0.reflect"]
