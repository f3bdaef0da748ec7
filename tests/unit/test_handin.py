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

pytestmark = pytest.mark.slow  # runs exercises in kernels; scheduled first (conftest.py)
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
            "errors": sub.errors, "answers": sub.answers}


def widget_answers(nb) -> dict:
    """What the widgets show after a run, printed by a last cell that reads them in the kernel."""
    for cell in reversed(nb.cells):
        if cell.get("id") == "read-widgets":
            return json.loads(cell.outputs[0]["text"])
    raise AssertionError("no read-widgets cell")


READ_WIDGETS = nbformat.v4.new_code_cell(
    "import json as _j\nfrom helpers import widgets as _w\n"
    "print(_j.dumps({q: (w.box.value if q == 'student_id' else w.answer()) for q, w in _w._SHOWN.items()},"
    " sort_keys=True))", id="read-widgets", metadata={"tags": [ACTION]})


def with_reader(nb):
    nb = nbformat.from_dict(json.loads(json.dumps(nb)))
    nb.cells.append(READ_WIDGETS)
    return nb


@pytest.fixture
def fixture_assignment(assignment_bank, monkeypatch):
    monkeypatch.setenv("COURSE_QUESTION_BANK", str(assignment_bank))  # kernels inherit it


SOLUTIONS = [pytest.param(FIXTURE, id="fixture-a0"),
             pytest.param(ROOT / "solutions" / "a3_workers_opposition.ipynb", id="a3")]


@pytest.fixture(scope="module", params=SOLUTIONS)
def first_run(request, assignment_bank, tmp_path_factory):
    """The exercise answered by a student and saved, run once and shared by the tests that
    re-run it (each re-run starts from this saved file, so they cannot disturb each other)."""
    solution = request.param
    folder = tmp_path_factory.mktemp("first-run")
    path = folder / "first" / solution.name
    with pytest.MonkeyPatch.context() as mp:
        if solution == FIXTURE:
            mp.setenv("COURSE_QUESTION_BANK", str(assignment_bank))  # kernels inherit it
        else:
            mp.delenv("COURSE_QUESTION_BANK", raising=False)
        mp.setenv("COURSE_HOME", str(folder / "home"))
        mp.setenv("JPY_SESSION_NAME", str(path))
        first = run(with_reader(answered_exercise(solution, "s-1024")), solution.parent)
        answered = save(first, path)
        return {"solution": solution, "home": folder / "home", "first": first, "answered": answered,
                "graded": graded(answered)}


@pytest.fixture
def same_bank(first_run, assignment_bank, monkeypatch):
    """The environment of the first run's bank for a test's re-run."""
    if first_run["solution"] == FIXTURE:
        monkeypatch.setenv("COURSE_QUESTION_BANK", str(assignment_bank))
    else:
        monkeypatch.delenv("COURSE_QUESTION_BANK", raising=False)
    return first_run


def test_the_answered_exercise_grades_in_full(first_run):
    before = first_run["graded"]
    assert before["student_id"] == "s-1024" and before["errors"] == [] and before["unanswered"] == []
    assert before["score"] == before["max_score"] > 0
    assert all(text for _, _, _, text in before["reflections"]), "the reflection is in the file"


def test_restart_and_run_all_keeps_every_answer(same_bank, tmp_path, monkeypatch):
    """Kernel > Restart Kernel and Run All Cells, on the same computer (same store), then Save."""
    solution = same_bank["solution"]
    monkeypatch.setenv("COURSE_HOME", str(same_bank["home"]))
    monkeypatch.setenv("JPY_SESSION_NAME", str(same_bank["answered"]))
    rerun = save(run(nbformat.read(same_bank["answered"], as_version=4), solution.parent),
                 tmp_path / "again" / solution.name)
    assert graded(rerun) == same_bank["graded"]


def test_another_computer_restores_every_answer_from_the_notebook(same_bank, tmp_path, monkeypatch):
    """Another laptop, Binder, a lab PC: the store is empty, the saved notebook is all there is."""
    solution = same_bank["solution"]
    monkeypatch.setenv("COURSE_HOME", str(tmp_path / "elsewhere"))  # nothing in this store
    monkeypatch.setenv("JPY_SESSION_NAME", str(same_bank["answered"]))
    again = run(with_reader(nbformat.read(same_bank["answered"], as_version=4)), solution.parent)
    assert widget_answers(again) == widget_answers(same_bank["first"])  # the widgets, the essay and the id come back
    rerun = save(again, tmp_path / "again" / solution.name)
    assert graded(rerun) == same_bank["graded"]
    # and they are recorded in the new computer's store, for the student who owns them
    store = json.loads((tmp_path / "elsewhere" / "progress.json").read_text(encoding="utf-8"))
    assert set(store["students"]) <= {"s-1024", ""} and store["students"]["s-1024"]["questions"]


def test_shared_login_b_hands_in_none_of_a_s_answers(fixture_assignment, tmp_path, monkeypatch):
    """One account, two students: B opens a blank copy after A finished; B's hand-in is B's alone."""
    monkeypatch.setenv("COURSE_HOME", str(tmp_path / "shared"))
    a_path = tmp_path / "a" / FIXTURE.name
    monkeypatch.setenv("JPY_SESSION_NAME", str(a_path))
    a = graded(save(run(answered_exercise(FIXTURE, "s-A"), FIXTURE.parent), a_path))
    assert a["student_id"] == "s-A" and len(a["answers"]) == 5

    b_path = tmp_path / "b" / FIXTURE.name
    blank = exercise_notebook(json.loads(FIXTURE.read_text(encoding="utf-8")), FIXTURE.name)
    save(blank, b_path)  # B's blank copy, saved once as JupyterLab does on opening
    monkeypatch.setenv("JPY_SESSION_NAME", str(b_path))
    cells = list(blank.cells)
    offer = _action('_id = _w._SHOWN["student_id"]\nprint(_id.box.value == "", "Are you s-A?" in _id.feedback.value)')
    cells.insert(1, offer)
    pick = next(i for i, c in enumerate(cells) if 'ask("a0.pick")' in c.source)
    cells.insert(pick + 1, _action('print(_w._SHOWN["a0.pick"].answer())'))
    cells.insert(pick + 2, _action('_w._SHOWN["student_id"].box.value = "s-B"\n_w._SHOWN["student_id"].save_button.click()\n'
                                   '_q = _w._SHOWN["a0.pick"]\n_q.set_answer("gamma")\n_q.check_button.click()'))
    blank.cells = cells
    ran = run(blank, FIXTURE.parent)
    assert ran.cells[1].outputs[0]["text"] == "True True\n"  # A's id is asked about, not filled in
    assert ran.cells[pick + 1].outputs[0]["text"] == "None\n"  # A's answer is not shown to B
    b = graded(save(ran, b_path))
    assert b["student_id"] == "s-B" and b["answers"] == {"a0.pick": "gamma"}
    handed = b_path.parent / "hand-in" / "a0-s-B.ipynb"
    assert graded(handed)["answers"] == {"a0.pick": "gamma"}
    assert graded(handed)["student_id"] == "s-B"
    store = json.loads((tmp_path / "shared" / "progress.json").read_text(encoding="utf-8"))
    assert store["students"]["s-A"]["questions"]["a0.pick"]["last_answer"] != "gamma"  # A's answers untouched
    assert "a0.reflect" not in store["students"]["s-B"]["questions"]


def test_hand_in_writes_the_same_grades_as_the_saved_notebook(fixture_assignment, tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_HOME", str(tmp_path / "home"))
    path = tmp_path / "work" / FIXTURE.name
    monkeypatch.setenv("JPY_SESSION_NAME", str(path))
    nb = answered_exercise(FIXTURE, "s 9/x")
    save(nb, path)  # the saved copy holds no answers yet: the student never pressed Ctrl+S
    ran = run(nb, FIXTURE.parent)
    handed = path.parent / "hand-in" / "a0-s_9_x.ipynb"
    assert "Written: hand-in/a0-s_9_x.ipynb" in ran.cells[-1].outputs[0]["data"]["text/plain"]
    assert graded(handed) == graded(save(ran, tmp_path / "saved" / FIXTURE.name))
    assert graded(handed)["score"] == graded(handed)["max_score"] > 0


def test_hand_in_lists_what_is_missing_and_refuses_without_an_id(fixture_assignment, tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_HOME", str(tmp_path / "home"))
    path = tmp_path / "work" / FIXTURE.name
    monkeypatch.setenv("JPY_SESSION_NAME", str(path))
    blank = exercise_notebook(json.loads(FIXTURE.read_text(encoding="utf-8")), FIXTURE.name)
    save(blank, path)
    text = run(blank, FIXTURE.parent).cells[-1].outputs[0]["data"]["text/plain"]
    assert "Not answered yet (5 of 5): a0.total, a0.pick, a0.rows, a0.word, a0.reflect" in text
    assert "No student id yet" in text and "Nothing was written" in text
    assert not (path.parent / "hand-in").exists()


@pytest.mark.parametrize("first_run", SOLUTIONS[:1], indirect=True)
def test_a_rerun_without_the_progress_store_is_reported_as_unanswered(same_bank, tmp_path, monkeypatch):
    """Without the notebook's path (JPY_SESSION_NAME) and without the store the widget answers
    cannot come back; the gradebook says which are missing."""
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    monkeypatch.setenv("COURSE_HOME", str(tmp_path / "elsewhere"))
    rerun = save(run(nbformat.read(same_bank["answered"], as_version=4), FIXTURE.parent), tmp_path / "again" / FIXTURE.name)
    after = graded(rerun)
    assert after["student_id"] == "" and after["points"] == {"a0.total": 1}  # check() ran the student's code
    assert after["unanswered"] == ["student_id", "a0.pick", "a0.rows", "a0.word", "a0.reflect"]
