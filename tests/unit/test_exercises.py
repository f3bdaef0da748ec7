"""`course build-exercises`: solutions/ -> exercises/.

The toy assignment in tests/fixtures/assignment/ pins the behaviour independently of the
lessons; the parametrised tests also run over every real solutions/*.ipynb, so each new
assignment is held to the same promises as soon as it is added.
"""
import ast
import json
import shutil
from pathlib import Path

import nbformat
import pytest

from course import exercises, grading
from course.exercises import BLANK, blank_code, exercise_notebook

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "assignment" / "solutions"
REAL = sorted((ROOT / "solutions").glob("*.ipynb"))
CASES = ([pytest.param(p, id=f"fixture-{p.stem}") for p in sorted(FIXTURE.glob("*.ipynb"))]
         + [pytest.param(p, id=p.stem) for p in REAL])


def _source(cell) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def _tags(cell) -> list:
    return cell.get("metadata", {}).get("tags", [])


@pytest.fixture
def course(tmp_path):
    """A copy of the fixture's solutions/ and an empty exercises/ beside it."""
    solutions = tmp_path / "solutions"
    shutil.copytree(FIXTURE, solutions)
    return solutions, tmp_path / "exercises"


def _build(solutions: Path, exercises_dir: Path, *extra: str) -> int:
    return exercises.main(["--solutions", str(solutions), "--exercises", str(exercises_dir), *extra])


# --- blanking one solution cell -------------------------------------------------------

def test_blank_keeps_the_task_and_the_names_but_not_the_answer():
    source = ('# Task 3. What share of the votes was cast for the motion?\n'
              '# Use the table `votes`.\n'
              'import math\n'
              'yes, no = votes["for"], votes["against"]\n'
              'votes["total"] = yes + no\n'
              'share = yes / (yes + no)\n'
              'share')
    assert blank_code(source) == ('# Task 3. What share of the votes was cast for the motion?\n'
                                  '# Use the table `votes`.\n'
                                  'import math\n'
                                  f'yes = {BLANK}\nno = {BLANK}\nshare = {BLANK}')


def test_blank_of_a_function_keeps_its_signature_and_docstring():
    blank = blank_code('def growth(a, b=1):\n    """Growth from a to b."""\n    return (b - a) / a')
    assert blank == f'def growth(a, b=1):\n    """Growth from a to b."""\n    {BLANK}'
    namespace = {}
    exec(blank, namespace)  # noqa: S102 - our own generated code
    assert namespace["growth"](1) is None


@pytest.mark.parametrize("source, expected", [
    ('total = sum(t)\ncheck("a1.total", total)', f'total = {BLANK}\ncheck("a1.total", total)'),
    ('check("a1.pick", "beta")', 'ask("a1.pick")'),
    ('check("a1.year", 1921)\ncheck("a1.rows", ["a", "b"])', 'ask("a1.year")\nask("a1.rows")'),
    ('helpers.check("a1.pick", "beta")', 'helpers.ask("a1.pick")'),
    ('ask("a1.pick", answer="beta")', 'ask("a1.pick")'),
    ('check(question_id="a1.pick", value="beta")', 'ask("a1.pick")'),
    ('check("a1.total", value=total)', f'{BLANK}\ncheck("a1.total", value=total)'),
    ('x = 2\ncheck("a1.x", x * 2)', f'x = {BLANK}\nask("a1.x")'),
    # one call returning two values stays on one line, and the blank still runs
    ('fig, ax = new_figure(7, 3.6)\nax.plot([1, 2])', f'fig, ax = ..., {BLANK}'),
    ('fig, ax = new_figure()\nfig = 1', f'fig, ax = ..., {BLANK}'),
    ('print("the answer is 42")', BLANK),
    ('%matplotlib inline\nx = 1', BLANK),
    ('# Only a comment', f'# Only a comment\n{BLANK}'),
    ('', BLANK),
])
def test_questions_in_solution_cells(source, expected):
    """check(id, name) stays for the student to run; a literal answer becomes the widget."""
    assert blank_code(source) == expected


def test_blanks_run_and_leave_their_names_defined():
    code = blank_code('a, (b, *c) = 1, (2, 3)\nd: int = 4\ne += 1\nclass K:\n    pass')
    namespace = {}
    exec(code, namespace)  # noqa: S102 - our own generated code
    assert all(namespace[name] is ... for name in "abcde")
    assert isinstance(namespace["K"], type)


# --- the exercise notebook, for the fixture and every real assignment ------------------

@pytest.mark.parametrize("solution", CASES)
def test_exercise_is_a_clean_generated_copy(solution):
    sol = json.loads(solution.read_text(encoding="utf-8"))
    ex = exercise_notebook(sol, solution.name)
    nbformat.validate(ex)
    identity, header = ex.cells[:2]
    assert identity.cell_type == "code" and "student_id()" in identity.source, "the first cell asks who you are"
    assert header.cell_type == "markdown"
    for words in ("hand_in()", "student id"):
        assert words in header.source
    # provenance lives in the metadata, not in the first text a student reads
    assert "solutions/" not in header.source and "Generated" not in header.source
    assert ex.metadata.course.assignment == sol["metadata"]["course"]["assignment"]
    assert ex.metadata.course.generated_from == f"solutions/{solution.name}"
    kept = [c for c in sol["cells"] if "instructor" not in _tags(c)]
    assert len(ex.cells) == len(kept) + 4
    assert ex.cells[-2].cell_type == "markdown" and "Before you hand in" in ex.cells[-2].source
    assert ex.cells[-1].cell_type == "code" and ex.cells[-1].source.endswith("hand_in()")
    for original, cell in zip(kept, ex.cells[2:-2]):
        assert not {"solution", "instructor"} & set(_tags(cell))
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
            ast.parse(cell.source)  # every blank is valid Python
        if "solution" in _tags(original) and original["cell_type"] == "code":
            assert BLANK in cell.source or "ask(" in cell.source
        elif "solution" not in _tags(original):
            assert cell.source == _source(original)


@pytest.mark.parametrize("solution", CASES)
def test_exercise_holds_no_answers(solution):
    """Neither instructor notes, recorded answers nor the code of an answer reach students."""
    sol = json.loads(solution.read_text(encoding="utf-8"))
    text = nbformat.writes(exercise_notebook(sol, solution.name))
    assert grading.ANSWER_MIME not in text
    student_code = "\n".join(c.source for c in exercise_notebook(sol, solution.name).cells)
    for cell in sol["cells"]:
        source = _source(cell)
        if "instructor" in _tags(cell):
            for line in filter(None, (line.strip() for line in source.splitlines())):
                assert line not in student_code, f"instructor line reached the exercise: {line}"
        if "solution" in _tags(cell) and cell["cell_type"] == "code":
            try:
                tree = ast.parse(source)
            except SyntaxError:
                continue
            for node in ast.walk(tree):
                answer = None
                if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)) and node.value is not None:
                    answer = ast.get_source_segment(source, node.value)
                elif isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) == "check":
                    answer = ast.get_source_segment(source, node)
                    if len(node.args) > 1 and isinstance(node.args[1], ast.Name):
                        continue  # check("id", name) stays; the name is blanked
                if answer and len(answer) > 3:
                    assert answer not in student_code, f"answer code reached the exercise: {answer}"


def test_fixture_markers_stay_out_of_the_exercise(course):
    solutions, out = course
    assert _build(solutions, out) == 0
    text = (out / "a0_fixture.ipynb").read_text(encoding="utf-8")
    for secret in ("4321", "sumquist", "sum(table.values())", '"beta")', "I would ask"):
        assert secret not in text


# --- building the folder: deterministic, --check, stale files --------------------------

def test_build_twice_changes_nothing(course, capsys):
    solutions, out = course
    assert _build(solutions, out) == 0
    first = {p.name: p.read_bytes() for p in out.iterdir()}
    stamps = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    assert _build(solutions, out) == 0
    assert {p.name: p.read_bytes() for p in out.iterdir()} == first
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir()} == stamps
    assert "up to date" in capsys.readouterr().out
    assert _build(solutions, out, "--check") == 0
    assert first["a0_fixture.ipynb"].endswith(b"}\n")


def test_check_names_missing_files(course, capsys):
    solutions, out = course
    assert _build(solutions, out, "--check") == 1
    assert "a0_fixture.ipynb: missing" in capsys.readouterr().err
    assert not out.exists() or not list(out.iterdir())  # --check writes nothing


@pytest.mark.parametrize("solution", CASES)
def test_editing_a_solution_without_rebuilding_fails_the_check(solution, tmp_path, capsys):
    solutions, out = tmp_path / "solutions", tmp_path / "exercises"
    solutions.mkdir()
    shutil.copy(solution, solutions / solution.name)
    assert _build(solutions, out) == 0
    nb = json.loads((solutions / solution.name).read_text(encoding="utf-8"))
    nb["cells"].append({"cell_type": "markdown", "id": "added-later", "metadata": {},
                        "source": "A paragraph added after the last build."})
    (solutions / solution.name).write_text(json.dumps(nb, indent=1), encoding="utf-8")
    capsys.readouterr()
    assert _build(solutions, out, "--check") == 1
    assert f"{solution.name}: out of date" in capsys.readouterr().err
    assert _build(solutions, out) == 0 and _build(solutions, out, "--check") == 0


def test_stale_generated_files_are_removed_and_foreign_ones_reported(course, capsys):
    solutions, out = course
    assert _build(solutions, out) == 0
    shutil.copy(out / "a0_fixture.ipynb", out / "a9_gone.ipynb")
    (out / "notes.ipynb").write_text(json.dumps({"cells": [], "metadata": {}}), encoding="utf-8")
    capsys.readouterr()
    assert _build(solutions, out, "--check") == 1
    err = capsys.readouterr().err
    assert "a9_gone.ipynb: stale" in err and "notes.ipynb: not generated" in err
    assert _build(solutions, out) == 1  # the foreign file still needs a person
    assert not (out / "a9_gone.ipynb").exists() and (out / "notes.ipynb").exists()


def test_solution_without_assignment_metadata_is_refused(course, capsys):
    solutions, out = course
    (solutions / "a5_bad.ipynb").write_text(nbformat.writes(nbformat.v4.new_notebook()), encoding="utf-8")
    assert _build(solutions, out) == 1
    assert "a5_bad.ipynb has no notebook metadata" in capsys.readouterr().err
    assert not out.exists()


@pytest.mark.parametrize("code", ['check("a0.pick", "beta")', 'x = 1\nif x:\n    check("a0.total", x * 4321)'])
def test_an_answer_in_an_untagged_cell_is_refused(course, capsys, code):
    solutions, out = course
    nb = nbformat.read(solutions / "a0_fixture.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(code, id="leak"))
    nbformat.write(nb, solutions / "a0_fixture.ipynb")
    assert _build(solutions, out) == 1
    assert "not tagged `solution` would give students the answer" in capsys.readouterr().err
    assert not out.exists()


def test_the_course_exercises_are_up_to_date(capsys):
    """exercises/ matches solutions/ (run `course build-exercises` after editing a solution)."""
    assert exercises.main(["--check"]) == 0, capsys.readouterr().err


# --- the generated exercise runs, and grades zero untouched ----------------------------

def test_fixture_exercise_runs_top_to_bottom_and_grades_zero(course, assignment_bank, monkeypatch, tmp_path):
    """What `make test-exercises` does for exercises/, here for the fixture: every blank
    runs in a real kernel, and the executed but unanswered notebook scores 0 without errors."""
    nbclient = pytest.importorskip("nbclient")
    solutions, out = course
    assert _build(solutions, out) == 0
    monkeypatch.setenv("COURSE_QUESTION_BANK", str(assignment_bank))
    monkeypatch.setenv("COURSE_HOME", str(tmp_path / "home"))
    nb = nbformat.read(out / "a0_fixture.ipynb", as_version=4)
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}}).execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert errors == []
    run = tmp_path / "run" / "student.ipynb"
    run.parent.mkdir()
    nbformat.write(nb, run)
    [sub] = grading.grade_folder(run.parent)
    assert (sub.assignment, sub.score, sub.errors, sub.points) == ("a0", 0, [], {})
    assert sub.max_score == 5
