"""`course grade`: handed-in notebooks -> gradebook, read as JSON and never run.

Submissions are built from the toy assignment a0 (tests/fixtures/assignment/) with the
answer records the widgets really write (helpers.widgets.record_bundle). The invariants
"solutions grade full marks" and "untouched exercises grade zero" also run over every real
solutions/*.ipynb and exercises/*.ipynb.
"""
import copy
import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import questions

from course import grading
from course.exercises import exercise_notebook
from course.grading import ANSWER_MIME, MAX_BYTES, grade_file, grade_folder
from helpers.widgets import record_bundle

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "assignment" / "solutions"
SOLUTION = FIXTURE / "a0_fixture.ipynb"
REAL = sorted((ROOT / "solutions").glob("*.ipynb"))
CASES = ([pytest.param(p, id=f"fixture-{p.stem}") for p in sorted(FIXTURE.glob("*.ipynb"))]
         + [pytest.param(p, id=p.stem) for p in REAL])
RIGHT = {"a0.total": 4321, "a0.pick": "beta", "a0.rows": ["beta", "alpha"], "a0.word": "SUM"}
REFLECTION = "I would ask who counted the rows, and then add them up again myself."


@pytest.fixture
def bank(assignment_bank, monkeypatch):
    """Grade against the fixture's question bank."""
    monkeypatch.setenv("COURSE_QUESTION_BANK", str(assignment_bank))


@pytest.fixture
def bank_for(assignment_bank, monkeypatch):
    """The right bank for a parametrised solution: the fixture's, or the course's own."""
    def use(solution: Path):
        if solution.parent == FIXTURE:
            monkeypatch.setenv("COURSE_QUESTION_BANK", str(assignment_bank))
        else:
            monkeypatch.delenv("COURSE_QUESTION_BANK", raising=False)
    return use


def record(qid, answer, attempt=1, **extra) -> dict:
    bundle = record_bundle(qid, attempt, answer)
    bundle[ANSWER_MIME].update(extra)
    return {"output_type": "display_data", "metadata": {}, "data": bundle}


def notebook(*outputs, assignment="a0", code='ask("a0.pick")') -> dict:
    """A submission with one code cell per output (each a record dict)."""
    nb = nbformat.v4.new_notebook(metadata={"course": {"assignment": assignment, "title": "Toy"}})
    for i, output in enumerate(outputs):
        cell = nbformat.v4.new_code_cell(code, id=f"c{i}")
        cell.outputs = [output]
        nb.cells.append(cell)
    return nb


def write(path: Path, nb) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(nb, indent=1), encoding="utf-8")
    return path


def right_answers(**override) -> list:
    answers = {**RIGHT, "a0.reflect": REFLECTION, **override}
    return [record(qid, answer) for qid, answer in answers.items() if answer is not None]


# --- the invariants, for the fixture and every real assignment --------------------------

@pytest.mark.parametrize("solution", CASES)
def test_solution_notebook_grades_full_marks(solution, bank_for, tmp_path):
    """The committed outputs of a solution record the right answer to every question."""
    bank_for(solution)
    sub = grade_file(solution, solution.name)
    assert sub.errors == []
    assert sub.max_score > 0 and sub.score == sub.max_score
    assignment = json.loads(solution.read_text(encoding="utf-8"))["metadata"]["course"]["assignment"]
    assert sub.assignment == assignment
    auto = [q for q in questions.question_ids() if q.startswith(assignment + ".")
            and questions.question(q)["type"] != "reflection"]
    assert sorted(sub.points) == sorted(auto), "every auto-checked question is answered"
    assert sub.reflections, "every assignment has at least one reflection"
    assert all(text and words for _, _, words, text in sub.reflections), "model reflections are recorded"


@pytest.mark.parametrize("solution", CASES)
def test_untouched_exercise_grades_zero_without_errors(solution, bank_for, tmp_path):
    bank_for(solution)
    ex = exercise_notebook(json.loads(solution.read_text(encoding="utf-8")), solution.name)
    nbformat.write(ex, tmp_path / solution.name)
    [sub] = grade_folder(tmp_path)
    assert (sub.score, sub.points, sub.errors) == (0, {}, [])
    assert sub.max_score > 0
    assert all(text == "" for _, _, _, text in sub.reflections)


@pytest.mark.parametrize("name", [p.name for p in REAL])
def test_course_exercises_grade_zero(name, monkeypatch):
    monkeypatch.delenv("COURSE_QUESTION_BANK", raising=False)
    sub = grade_file(ROOT / "exercises" / name, name)
    assert (sub.score, sub.errors) == (0, []) and sub.max_score > 0


def test_a_submission_is_never_run(bank, tmp_path, monkeypatch):
    """Code that would create files, if anything executed it, creates nothing."""
    target = tmp_path / "pwned.txt"
    code = (f"open({str(target)!r}, 'w').write('ran')\n"
            f"__import__('os').system('touch {tmp_path / 'pwned-shell'}')\n"
            f"check('a0.total', 4321)")
    nb = notebook(*right_answers(), code=code)
    nb.cells[0].execution_count = 1
    write(tmp_path / "in" / "evil.ipynb", nb)
    monkeypatch.chdir(tmp_path)
    assert grading.main([str(tmp_path / "in"), "--out", str(tmp_path / "gb.csv")]) == 0
    assert not target.exists() and not (tmp_path / "pwned-shell").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gb.csv", "gb_reflections.csv", "in"]


def test_grading_starts_no_kernel(assignment_bank, tmp_path):
    """No Jupyter execution machinery is even imported by `course grade`."""
    code = ("import sys; from course import grading\n"
            f"grading.main([{str(SOLUTION.parent)!r}, '--out', {str(tmp_path / 'gb.csv')!r}])\n"
            "print(sorted({m.split('.')[0] for m in sys.modules} & "
            "{'nbclient', 'jupyter_client', 'ipykernel', 'nbconvert', 'zmq'}))")
    env = {**os.environ, "COURSE_QUESTION_BANK": str(assignment_bank)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.strip().endswith("[]")


# --- scoring -------------------------------------------------------------------------

def test_right_answers_in_any_accepted_form_score_full(bank, tmp_path):
    sub = grade_file(write(tmp_path / "s.ipynb", notebook(*right_answers(**{"a0.total": "4,321 items"}))), "s")
    assert (sub.score, sub.max_score, sub.errors) == (5, 5, [])
    assert sub.points == {"a0.total": 1, "a0.pick": 1, "a0.rows": 2, "a0.word": 1}
    assert sub.reflections == [("a0.reflect", 3.0, 14, REFLECTION)]


def test_wrong_missing_and_unusable_answers(bank, tmp_path):
    nb = notebook(record("a0.total", 4320), record("a0.rows", ["alpha"]), record("a0.word", ["not", "text"]))
    sub = grade_file(write(tmp_path / "s.ipynb", nb), "s")
    assert sub.points == {"a0.total": 0, "a0.rows": 0, "a0.word": 0}  # a0.pick unanswered: no entry
    assert (sub.score, sub.max_score, sub.errors) == (0, 5, [])
    assert sub.reflections == [("a0.reflect", 3.0, 0, "")]


def test_a_correct_flag_or_score_in_the_file_is_not_trusted(bank, tmp_path):
    nb = notebook(record("a0.total", 1, correct=True, score=1, points=1),
                  record("a0.pick", "alpha", correct=True, status="correct"))
    sub = grade_file(write(tmp_path / "s.ipynb", nb), "s")
    assert sub.score == 0 and sub.points == {"a0.total": 0, "a0.pick": 0}


def test_the_last_answer_counts_and_placeholders_erase_nothing(bank, tmp_path):
    nb = notebook(record("a0.pick", "alpha", 1), record("a0.pick", "beta", 2),
                  record("a0.total", 4321, 1), record("a0.total", 5, 2),
                  record("a0.word", "sum", 1), record("a0.word", None, 0))
    sub = grade_file(write(tmp_path / "s.ipynb", nb), "s")
    assert sub.points == {"a0.pick": 1, "a0.total": 0, "a0.word": 1}


def test_answers_to_other_questions_are_ignored_with_a_note(bank, tmp_path):
    nb = notebook(*right_answers(), record("a0.nosuch", 1), record("zz.other", "x"))
    sub = grade_file(write(tmp_path / "s.ipynb", nb), "s")
    assert sub.score == 5
    assert sub.errors == ["answer for 'a0.nosuch' ignored: not a question of a0",
                          "answer for 'zz.other' ignored: not a question of a0"]


def test_the_assignment_comes_from_metadata_not_the_file_name(bank, tmp_path):
    write(tmp_path / "a3_other_name.ipynb", notebook(*right_answers()))
    write(tmp_path / "a0_fixture.ipynb", notebook(*right_answers(), assignment="a9"))
    subs = {s.path: s for s in grade_folder(tmp_path)}
    assert subs["a3_other_name.ipynb"].assignment == "a0" and subs["a3_other_name.ipynb"].score == 5
    assert subs["a0_fixture.ipynb"].errors == [
        "unknown assignment 'a9': the question bank has no questions a9.*"]


def test_student_id_attempts_and_questions_shown_but_never_answered(bank, tmp_path):
    nb = notebook(record("student_id", None, 0), record("a0.pick", None, 0), record("a0.reflect", None, 0),
                  record("a0.total", None, 0), record("a0.total", 4321, 2))
    sub = grade_file(write(tmp_path / "s.ipynb", nb), "s")
    assert sub.student_id == "" and sub.errors == []
    assert sub.unanswered == ["student_id", "a0.pick", "a0.reflect"]  # a0.total was answered after all
    assert sub.attempts == {"a0.total": 2} and sub.answers == {"a0.total": 4321}
    nb = notebook(record("student_id", "  Anna\tK.  "), record("a0.pick", "beta", 4))
    sub = grade_file(write(tmp_path / "t.ipynb", nb), "t")
    assert (sub.student_id, sub.unanswered, sub.attempts) == ("Anna K.", [], {"a0.pick": 4})
    sub = grade_file(write(tmp_path / "u.ipynb", notebook(record("student_id", ["x"]))), "u")
    assert sub.student_id == "" and "student id is not usable" in sub.errors[0]


# --- files that cannot be graded get a row and grading goes on --------------------------

def test_bad_files_get_error_rows_and_grading_continues(bank, tmp_path):
    good = json.dumps(notebook(*right_answers()), indent=1)
    folder = tmp_path / "in"
    (folder / "group b").mkdir(parents=True)
    (folder / "a_good.ipynb").write_text(good, encoding="utf-8")
    (folder / "b_truncated.ipynb").write_text(good[: len(good) // 2], encoding="utf-8")
    (folder / "c_corrupt.ipynb").write_text(good.replace('"cells"', "'cells'", 1), encoding="utf-8")
    (folder / "d_empty.ipynb").write_bytes(b"")
    (folder / "e_binary.ipynb").write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe")
    (folder / "f_list.ipynb").write_text("[1, 2, 3]", encoding="utf-8")
    foreign = nbformat.v4.new_notebook(metadata={"language_info": {"name": "python"}})
    write(folder / "g_foreign.ipynb", foreign)
    bad = notebook(*right_answers())
    bad.cells[0].outputs.insert(0, {"output_type": "display_data", "metadata": {},
                                    "data": {ANSWER_MIME: ["not", "an", "object"]}})
    bad.cells[1].outputs.insert(0, {"output_type": "display_data", "metadata": {},
                                    "data": {ANSWER_MIME: {"format": 1, "answer": "beta"}}})
    bad.cells[2].outputs.insert(0, {"output_type": "display_data", "metadata": {},
                                    "data": {ANSWER_MIME: {"format": 1, "question": "a0.rows"}}})
    bad.cells[3].outputs = "not a list"
    write(folder / "group b" / "h_malformed.ipynb", bad)
    with (folder / "i_oversize.ipynb").open("wb") as handle:
        handle.truncate(MAX_BYTES + 1)
    (folder / ".ipynb_checkpoints").mkdir()
    (folder / ".ipynb_checkpoints" / "a_good-checkpoint.ipynb").write_text(good, encoding="utf-8")
    (folder / "notes.txt").write_text("not a notebook", encoding="utf-8")

    out, refl = tmp_path / "gradebook.csv", tmp_path / "reflections.csv"
    assert grading.main([str(folder), "--out", str(out), "--reflections", str(refl)]) == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["file"] for r in rows] == [
        "a_good.ipynb", "b_truncated.ipynb", "c_corrupt.ipynb", "d_empty.ipynb", "e_binary.ipynb",
        "f_list.ipynb", "g_foreign.ipynb", "group b/h_malformed.ipynb", "i_oversize.ipynb"]
    errors = {r["file"]: r["errors"] for r in rows}
    assert errors["a_good.ipynb"] == ""
    assert "truncated" in errors["b_truncated.ipynb"]
    assert "corrupt" in errors["c_corrupt.ipynb"]
    assert "empty" in errors["d_empty.ipynb"]
    assert "not UTF-8" in errors["e_binary.ipynb"]
    assert "not a Jupyter notebook" in errors["f_list.ipynb"]
    assert "not a course assignment" in errors["g_foreign.ipynb"]
    assert "over the 20 MB limit" in errors["i_oversize.ipynb"]
    malformed = errors["group b/h_malformed.ipynb"]
    for words in ("cell 1: an answer record that is not a JSON object", "cell 2: an answer record without a question id",
                  "cell 3: the answer record for a0.rows has no answer field", "cell 4: its outputs are damaged"):
        assert words in malformed
    by_name = {r["file"]: r for r in rows}
    # max_score is the assignment's full points: 5 auto-checked and the essay's 3, marked by the teacher
    assert [by_name["a_good.ipynb"][c] for c in ("auto", "manual", "score", "max_score", "to_mark")] == [
        "5", "", "5", "8", "a0.reflect"]
    # the malformed file still counts its good records (the one in the broken cell is lost)
    assert by_name["group b/h_malformed.ipynb"]["score"] == "4"
    assert by_name["i_oversize.ipynb"]["score"] == "" and by_name["i_oversize.ipynb"]["assignment"] == ""


def test_an_oversize_file_is_not_read(bank, tmp_path, monkeypatch):
    path = tmp_path / "big.ipynb"
    with path.open("wb") as handle:
        handle.truncate(MAX_BYTES + 1)

    def refuse(*args, **kwargs):
        raise AssertionError("the grader read an oversize file")
    monkeypatch.setattr(Path, "read_bytes", refuse)
    monkeypatch.setattr(Path, "read_text", refuse)
    monkeypatch.setattr(Path, "open", refuse)
    assert "20 MB" in grade_file(path, "big.ipynb").errors[0]


def test_a_missing_folder_is_reported(tmp_path, capsys):
    assert grading.main([str(tmp_path / "nowhere"), "--out", str(tmp_path / "gb.csv")]) == 2
    assert "does not exist" in capsys.readouterr().err


# --- the two CSV files ----------------------------------------------------------------

def test_gradebook_and_reflections_csv(bank, tmp_path):
    folder = tmp_path / "in"
    write(folder / "zoe.ipynb", notebook(record("student_id", " s-042 "), record("a0.pick", "beta", 1),
                                         *right_answers(**{"a0.pick": "alpha", "a0.reflect": None}),
                                         record("a0.total", 4321, 3)))
    write(folder / "=cmd.ipynb", notebook(*right_answers(**{"a0.reflect": "=HYPERLINK(\"x\") is a formula\nsecond line"})))
    out = tmp_path / "gradebook.csv"
    assert grading.main([str(folder), "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8").splitlines() == [
        "student_id,file,assignment,auto,manual,score,max_score,a0.total,a0.pick,a0.rows,a0.word,a0.reflect,"
        "to_mark,unanswered,a0.total attempts,a0.pick attempts,a0.rows attempts,a0.word attempts,"
        "a0.total hints,a0.pick hints,a0.rows hints,a0.word hints,errors",
        ",'=cmd.ipynb,a0,5,,5,8,1,1,2,1,,a0.reflect,,1,1,1,1,0,0,0,0,",
        "s-042,zoe.ipynb,a0,4,,4,8,1,0,2,1,,,,3,1,1,1,0,0,0,0,",
    ]
    rows = list(csv.DictReader((tmp_path / "gradebook_reflections.csv").open(encoding="utf-8")))
    assert [(r["student_id"], r["file"], r["question"], r["points"], r["words"]) for r in rows] == [
        ("", "'=cmd.ipynb", "a0.reflect", "3", "7"), ("s-042", "zoe.ipynb", "a0.reflect", "3", "0")]
    assert rows[0]["text"] == "'=HYPERLINK(\"x\") is a formula\nsecond line"
    assert rows[1]["text"] == ""


def test_gradebook_is_deterministic(bank, tmp_path):
    folder = tmp_path / "in"
    for name in ("b", "a", "c"):
        write(folder / f"{name}.ipynb", notebook(*right_answers()))
    first = tmp_path / "one.csv"
    second = tmp_path / "two.csv"
    grading.main([str(folder), "--out", str(first)])
    grading.main([str(folder), "--out", str(second)])
    assert first.read_bytes() == second.read_bytes()


# --- property: nothing in a record crashes the grader -----------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=st.lists(st.tuples(st.sampled_from([*RIGHT, "a0.reflect", "zz.x", 7, None]), json_values),
                        max_size=6),
       raw=st.one_of(st.none(), json_values))
def test_any_record_content_grades_without_crashing(bank, tmp_path, records, raw):
    nb = notebook(*[{"output_type": "display_data", "metadata": {},
                     "data": {ANSWER_MIME: {"format": 1, "question": q, "attempt": 1, "answer": a}}}
                    for q, a in records])
    if raw is not None:
        nb.cells.append(copy.deepcopy(nb.cells[0]) if nb.cells else nbformat.v4.new_code_cell("", id="x"))
        nb.cells[-1]["outputs"] = [{"output_type": "display_data", "data": {ANSWER_MIME: raw}}]
    path = tmp_path / "prop.ipynb"
    path.write_text(json.dumps(nb, allow_nan=True), encoding="utf-8")
    sub = grade_file(path, "prop.ipynb")
    assert 0 <= sub.score <= sub.max_score == 5
    assert all(0 <= p <= 2 for p in sub.points.values())
