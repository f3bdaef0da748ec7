"""`course grade` on hand-ins made to break it: every file a row, nothing read outside the
folder, nothing run, both CSVs safe to open; and properties over generated notebooks.

The corpus is written by tests/hostile_handins.py (one run of the grader over all of it).
Time is bounded by the grader itself (a per-file budget, FILE_SECONDS) and by limits that
apply before any normalisation; the tests check those limits by counting work, never by
timing a run.
"""
import csv
import json
import os
import subprocess
import sys
import tempfile
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import normalize

from course import csvsafe, grading, handins

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))
import hostile_handins  # noqa: E402

GOOD = ROOT / "tests" / "fixtures" / "assignment" / "solutions" / "a0_fixture.ipynb"
ROLES = {"numeric": "a0.total", "text": "a0.word", "reflection": "a0.reflect"}
CONTROL = {"Cc", "Zl", "Zp"}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, assignment_bank):
    root = tmp_path_factory.mktemp("hostile")
    info = hostile_handins.make_corpus(root, json.loads(GOOD.read_text(encoding="utf-8")), ROLES)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("COURSE_QUESTION_BANK", str(assignment_bank))
        yield info
    hostile_handins.remove_deep(info["folder"])


_watch: list | None = None


def _audit(event, args):
    if _watch is not None and event in ("open", "os.scandir", "os.listdir"):
        path = args[0]
        if isinstance(path, (str, bytes)):
            _watch.append((event, os.fsdecode(path)))


sys.addaudithook(_audit)


def parsed(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def assert_safe_cells(rows, multiline_column=None):
    for row in rows:
        for number, value in enumerate(row):
            assert (value.lstrip(" \u00a0\u200b\u3000")[:1] not in csvsafe.FORMULA_STARTS
                    or csvsafe.PLAIN_NUMBER.fullmatch(value)), value
            allowed = {"\n"} if number == multiline_column else set()
            bad = [ch for ch in value if unicodedata.category(ch) in CONTROL and ch not in allowed]
            assert not bad, (value[:80], bad)


def test_the_hostile_corpus_grades_in_one_run(corpus, tmp_path):
    global _watch
    out = tmp_path / "gradebook.csv"
    _watch = []
    try:
        code = grading.main([str(corpus["folder"]), "--out", str(out)])
    finally:
        opened, _watch = _watch, None
    assert code == 0
    book = parsed(out)
    refl = parsed(tmp_path / "gradebook_reflections.csv")
    header, rows = book[0], book[1:]
    assert len(rows) == corpus["expected_rows"]
    graded, skipped = grading.grade_all(corpus["folder"])
    assert len(rows) == len(graded)
    assert len(refl) - 1 == sum(len(s.reflections) for s in graded)
    assert [c.name for c in skipped] == [".ipynb_checkpoints/"]
    assert_safe_cells(book)
    assert_safe_cells(refl, multiline_column=refl[0].index("text"))
    errors = {r[header.index("file")]: r[header.index("errors")] for r in rows}
    scores = {r[header.index("file")]: r[header.index("score")] for r in rows}

    # nothing outside the folder was opened or listed; the secret behind the links is absent
    outside = os.path.realpath(corpus["outside"])
    assert not [p for _, p in opened if os.path.realpath(p).startswith(outside)]
    assert not [p for _, p in opened if p.startswith("/dev/")]
    text = out.read_text(encoding="utf-8") + (tmp_path / "gradebook_reflections.csv").read_text(encoding="utf-8")
    assert corpus["secret"] not in text
    for link in ("mallory/a1.ipynb", "link_outside.ipynb", "link_relative_out.ipynb", "dangling.ipynb",
                 "dev_zero.ipynb", "dev_stdin.ipynb", "loop.ipynb", "linked_folder"):
        assert "symbolic link" in errors[link] and scores[link] == "", link
    assert scores["bob/a1.ipynb"] == "5"  # the classmate the link pointed at keeps their own row
    assert "not a regular file" in errors["pipe.ipynb"]

    # every planted file has its row, under a readable name
    for name in ("m_\\x87\\xa0\\xa4\\xa0.ipynb", "n\\r=1+1.ipynb", "tab\\t-2.ipynb", "UPPER.IPYNB",
                 "Mixed.IpYnB", ".hidden.ipynb", ".hidden_folder/a1.ipynb", "'=cmd|' /C calc'!A0.ipynb"):
        assert name in errors, name
    assert "hidden file" in errors[".hidden.ipynb"] and scores[".hidden.ipynb"] == "5"
    deep = [n for n in errors if n.startswith("d/d/")]
    assert len(deep) == 1 and f"more than {handins.MAX_DEPTH} levels" in errors[deep[0]]
    # what used to stop the run is a row; honest parts of a hostile file still count
    for name in ("bigint_answer.ipynb", "bigint_attempt.ipynb", "bigint_metadata.ipynb", "deep_string_record.ipynb",
                 "surrogate_essay.ipynb", "surrogate_qid.ipynb", "marks_numeric.ipynb", "marks_text.ipynb",
                 "marks_essay.ipynb", "marks_tibetan.ipynb", "huge_number_text.ipynb"):
        assert scores[name] in ("4", "5"), (name, errors[name])
        assert "grader failed" not in errors[name] and "grading stopped" not in errors[name]
    assert "nested too deeply" in errors["deep_notebook.ipynb"]
    assert "JSON brackets" in errors["brackets.ipynb"] and scores["brackets.ipynb"] == ""
    assert "old-format notebook" in errors["v3.ipynb"]
    assert "a0.reflect\\r=2+2" in errors["cr_qid.ipynb"]
    by_file = {r[refl[0].index("file")]: r[-1] for r in refl[1:]}
    assert by_file["cr_essay.ipynb"].startswith("My reflection\n=HYPERLINK")
    assert "\\ud800" in by_file["surrogate_essay.ipynb"]
    assert (corpus["outside"] / "precious.txt").read_text(encoding="utf-8") == "the teacher's own file\n"


@pytest.mark.parametrize("start", [
    ["{bin}/course", "grade", "."],
    ["{python}", "-m", "course.grading", "."],
    ["{python}", "-m", "course.cli", "grade", "."],
], ids=["course", "python-m-grading", "python-m-cli"])
def test_no_student_code_runs_from_the_hand_in_folder(corpus, tmp_path, start):
    """Started inside the folder, where csv.py, json.py, pathlib.py... wait to be imported."""
    python = Path(sys.executable)
    argv = [part.format(bin=python.parent, python=python) for part in start]
    out = tmp_path / "gb.csv"
    done = subprocess.run([*argv, "--out", str(out)], cwd=corpus["folder"], capture_output=True, text=True,
                          env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}, timeout=600)
    assert done.returncode == 0, done.stderr
    assert list(corpus["markers"].iterdir()) == []
    assert len(parsed(out)) - 1 == corpus["expected_rows"]


def test_a_student_helpers_py_does_not_run_under_course_grade(corpus, tmp_path):
    (corpus["folder"] / "helpers.py").write_text(
        f"open({str(corpus['markers'] / 'helpers')!r}, 'w').close()\n", encoding="utf-8")
    try:
        done = subprocess.run([str(Path(sys.executable).parent / "course"), "grade", ".", "--out",
                               str(tmp_path / "gb.csv")], cwd=corpus["folder"], capture_output=True, text=True,
                              timeout=600)
    finally:
        (corpus["folder"] / "helpers.py").unlink()
    assert done.returncode == 0, done.stderr
    assert list(corpus["markers"].iterdir()) == []


def test_out_through_a_link_or_inside_the_folder_is_refused(corpus, tmp_path, capsys):
    folder = corpus["folder"]
    precious = corpus["outside"] / "precious.txt"
    assert grading.main([str(folder), "--out", str(folder / "gradebook.csv"), "--allow-out-inside"]) == 2
    assert "symbolic link" in capsys.readouterr().err
    assert grading.main([str(folder), "--out", str(folder / "bob" / "gb.csv")]) == 2
    assert "inside the hand-in folder" in capsys.readouterr().err
    assert not (folder / "bob" / "gb.csv").exists()
    link = tmp_path / "gb.csv"
    link.symlink_to(precious)
    assert grading.main([str(folder), "--out", str(link)]) == 2
    assert grading.main([str(folder), "--out", str(tmp_path / "ok.csv"), "--reflections", str(link)]) == 2
    assert precious.read_text(encoding="utf-8") == "the teacher's own file\n"


def test_writing_the_csv_never_follows_a_link_planted_later(tmp_path):
    target = tmp_path / "target.txt"
    target.write_text("keep", encoding="utf-8")
    (tmp_path / "gb.csv").symlink_to(target)
    with pytest.raises(OSError, match="symbolic link"):
        csvsafe.write_csv(tmp_path / "gb.csv", ["a"], [["b"]])
    assert target.read_text(encoding="utf-8") == "keep"
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".tmp"] == []


def test_an_unreadable_folder_gets_a_row(tmp_path, monkeypatch):
    (tmp_path / "locked").mkdir()
    (tmp_path / "a.ipynb").write_text("{}", encoding="utf-8")
    real = os.scandir

    def scandir(path):
        if os.fsdecode(path).endswith("locked"):
            raise PermissionError(13, "Permission denied")
        return real(path)
    monkeypatch.setattr(handins.os, "scandir", scandir)
    rows, _ = handins.find(tmp_path)
    assert [(c.name, c.problem[:40]) for c in rows] == [
        ("a.ipynb", ""), ("locked/", "cannot open this folder (Permission deni")]


def test_a_slow_file_is_stopped_and_named(tmp_path, assignment_bank, monkeypatch):
    monkeypatch.setenv("COURSE_QUESTION_BANK", str(assignment_bank))
    path = tmp_path / "slow.ipynb"
    path.write_bytes(GOOD.read_bytes())
    sub = grading.grade_file(path, "slow.ipynb", seconds=-1)
    assert sub.score == sub.max_score == 0 and sub.points == {}
    assert "grading stopped" in sub.errors[0]


def test_an_unexpected_failure_is_a_row_not_a_crash(tmp_path, assignment_bank, monkeypatch):
    monkeypatch.setenv("COURSE_QUESTION_BANK", str(assignment_bank))
    (tmp_path / "a.ipynb").write_bytes(GOOD.read_bytes())
    (tmp_path / "b.ipynb").write_bytes(GOOD.read_bytes())
    real = grading.read_records

    def broken(nb, sub):
        if sub.path == "a.ipynb":
            raise KeyError("a bug of ours")
        return real(nb, sub)
    monkeypatch.setattr(grading, "read_records", broken)
    first, second = grading.grade_folder(tmp_path)
    assert "grader failed on it (KeyError" in first.errors[0] and first.max_score == 0
    assert second.score == second.max_score == 5


# --- properties: generated notebooks and answers ----------------------------------------

chars = st.characters() | st.characters(categories=["Cs", "Cc", "Mn", "Zl"])
nasty_text = st.text(chars, max_size=40) | st.sampled_from([
    "\ud800", "x\r=1+1", "\x00\x1b[2J", "\u2028@cmd", "1" + "\u0301\u0316" * 5000, "\u0f73" * 3000,
    "9" * 5000, "-1e999", "=HYPERLINK(\"x\")", "\ufeff+1", "__BIG__"])
answers = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | nasty_text,
                       lambda kids: st.lists(kids, max_size=3) | st.dictionaries(nasty_text, kids, max_size=3),
                       max_leaves=8)
BIG = "9" * 5_000   # over Python's 4,300-digit limit for int()


class WorkCounter:
    """Stands in for unicodedata in helpers.normalize: counts the characters normalised and
    the longest run of combining marks handed to the normaliser (what made it quadratic)."""

    def __init__(self):
        self.chars = 0
        self.longest_run = 0

    def normalize(self, form, text):
        self.chars += len(text)
        run = 0
        for ch in text:
            run = run + 1 if unicodedata.combining(ch) else 0
            self.longest_run = max(self.longest_run, run)
        return unicodedata.normalize(form, text)

    def __getattr__(self, name):
        return getattr(unicodedata, name)


def _dump(value) -> str:
    """JSON as a notebook holds it: surrogates stay \\ud800 escapes; "__BIG__" becomes a 5,000-digit integer."""
    return json.dumps(value, allow_nan=True).replace('"__BIG__"', BIG)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow, HealthCheck.data_too_large])
@given(records=st.lists(st.tuples(st.sampled_from(["a0.total", "a0.pick", "a0.rows", "a0.word", "a0.reflect"])
                                  | nasty_text, answers), max_size=5),
       name=nasty_text, assignment=st.sampled_from(["a0"]) | nasty_text, string_record=st.booleans(),
       depth=st.sampled_from([0, 10, 5_000, 100_000]))
def test_generated_notebooks_never_crash_the_grader_and_stay_bounded(assignment_bank, tmp_path, monkeypatch,
                                                                    records, name, assignment, string_record, depth):
    monkeypatch.setenv("COURSE_QUESTION_BANK", str(assignment_bank))
    counter = WorkCounter()
    monkeypatch.setattr(normalize, "unicodedata", counter)
    nb = json.loads(GOOD.read_text(encoding="utf-8"))
    nb["metadata"]["course"]["assignment"] = assignment
    for i, (qid, answer) in enumerate(records):
        record = {"format": 1, "question": qid, "attempt": 1, "answer": answer}
        nb["cells"].append({"cell_type": "code", "id": f"g{i}", "metadata": {}, "source": "", "execution_count": None,
                            "outputs": [{"output_type": "display_data", "metadata": {}, "data": {
                                grading.ANSWER_MIME: _dump(record) if string_record else record}}]})
    if depth:   # an answer record stored as a JSON string, nested deep
        nb["cells"].append({"cell_type": "code", "id": "deep", "metadata": {}, "source": "", "execution_count": None,
                            "outputs": [{"output_type": "display_data", "metadata": {}, "data": {
                                grading.ANSWER_MIME: "[" * depth + "]" * depth}}]})
    # a fresh folder per example: tmp_path is shared by all of hypothesis's examples
    work = Path(tempfile.mkdtemp(dir=tmp_path))
    folder = work / "in"
    folder.mkdir()
    raw = name.encode("utf-8", "surrogatepass").replace(b"/", b"_").replace(b"\0", b"_")[:200]
    path = os.path.join(os.fsencode(folder), raw + b".ipynb")
    text = _dump(nb)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)
    out = work / "gb.csv"
    assert grading.main([str(folder), "--out", str(out)]) == 0
    graded = grading.grade_folder(folder)
    assert len(graded) == 1
    assert not any("grader failed" in e or "grading stopped" in e for e in graded[0].errors), graded[0].errors
    rows = parsed(out)
    refl = parsed(work / "gb_reflections.csv")
    assert len(rows) == 2 and len(refl) - 1 == len(graded[0].reflections)
    assert_safe_cells(rows)
    assert_safe_cells(refl, multiline_column=refl[0].index("text"))
    # the work bound: never a long run of marks for the normaliser, and normalisation linear in the file
    assert counter.longest_run <= normalize.MAX_MARKS + 18
    assert counter.chars <= 20 * len(text) + 10_000
    os.unlink(path)


@settings(max_examples=300, deadline=None)
@given(text=st.text(st.characters(codec=None), max_size=60), multiline=st.booleans())
def test_any_cell_text_is_safe_and_stays_one_cell(tmp_path_factory, text, multiline):
    value = csvsafe.cell(text, multiline=multiline)
    assert_safe_cells([[value]], multiline_column=0 if multiline else None)
    path = tmp_path_factory.mktemp("cell") / "one.csv"
    csvsafe.write_csv(path, ["a", "b"], [[text, "end"]], multiline_columns=("a",) if multiline else ())
    assert parsed(path) == [["a", "b"], [value, "end"]]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=50) | st.builds(lambda n, m: "1" + m * n, st.integers(0, 4000),
                                        st.sampled_from(["\u0301", "\u0316", "\u0f73", "\u0344", "\u0301\u0316"])))
def test_clean_text_hands_the_normaliser_no_long_runs_of_marks(text):
    counter = WorkCounter()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(normalize, "unicodedata", counter)
        normalize.clean_text(text)
    assert counter.longest_run <= normalize.MAX_MARKS + 18


@pytest.mark.parametrize("text, expected", [
    ("-0.25", "-0.25"), ("-3", "-3"), ("12", "12"),
    ("-1+2", "'-1+2"), ("-0.25)*A1", "'-0.25)*A1"), ("-2e3", "'-2e3"), ("+5", "'+5"),
])
def test_only_a_plain_decimal_number_may_start_with_minus(text, expected):
    """A report's negative discrimination stays a number; anything more is escaped."""
    assert csvsafe.cell(text) == expected
