"""`course report`: the class report agrees with the gradebook and finds a broken question.

A made-up class of 200 students (tests/unit/class_submissions.py) answers the toy
assignment a0; in it a0.pick is planted to look like a question with a wrong key (the
strongest students all give one "wrong" option). Every figure of items.csv is checked
against the gradebook written by `course grade` from the same folder, or against the
answer records themselves.
"""
import csv
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from course import grading, report
from class_submissions import make_class

pytestmark = pytest.mark.slow  # grades a whole class; scheduled first (conftest.py)
ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "assignment" / "solutions"
SOLUTION = FIXTURE / "a0_fixture.ipynb"
QUESTIONS = FIXTURE / "question-bank"
AUTO = ["a0.total", "a0.pick", "a0.rows", "a0.word"]


@pytest.fixture(scope="module")
def bank(assignment_bank):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("COURSE_QUESTION_BANK", str(assignment_bank))
        yield assignment_bank


@pytest.fixture(scope="module")
def seminar(bank, tmp_path_factory):
    """200 submissions, their gradebook and their report."""
    base = tmp_path_factory.mktemp("seminar")
    make_class(base / "in", SOLUTION, QUESTIONS, count=200, seed=7, planted={"a0.pick": "gamma"})
    assert grading.main([str(base / "in"), "--out", str(base / "gradebook.csv")]) == 0
    assert report.main([str(base / "in"), "--out", str(base / "report")]) == 0
    gradebook = pd.read_csv(base / "gradebook.csv", dtype=str, keep_default_na=False)
    items = pd.read_csv(base / "report" / "items.csv", keep_default_na=False).set_index("question")
    return base, gradebook, items


def _records(folder: Path) -> dict[str, dict[str, dict]]:
    """file -> question -> its answer record, read straight from the notebooks."""
    found = {}
    for path in sorted(folder.rglob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        found[path.relative_to(folder).as_posix()] = {
            out["data"][grading.ANSWER_MIME]["question"]: out["data"][grading.ANSWER_MIME]
            for cell in nb["cells"] for out in cell.get("outputs", []) if grading.ANSWER_MIME in out.get("data", {})}
    return found


def test_counts_agree_with_the_gradebook(seminar):
    base, gradebook, items = seminar
    assert len(gradebook) == 200 and set(items.index) == set(AUTO)
    points = {"a0.total": "1", "a0.pick": "1", "a0.rows": "2", "a0.word": "1"}
    for qid in AUTO:
        column = gradebook[qid]
        assert items.loc[qid, "submissions"] == 200
        assert items.loc[qid, "answered"] == (column != "").sum(), qid
        assert items.loc[qid, "correct"] == (column == points[qid]).sum(), qid
        assert items.loc[qid, "share_correct"] == pytest.approx((column == points[qid]).mean(), abs=5e-4)
        earned = pd.to_numeric(column.replace("", "0"))
        assert items.loc[qid, "mean_score"] == pytest.approx(earned.mean() / float(points[qid]), abs=5e-4)
    # the class is varied: no question is all right or all wrong, and some are left out
    assert all(0 < items.loc[q, "correct"] < items.loc[q, "answered"] < 200 for q in AUTO)


def test_option_counts_and_wrong_answers_come_from_the_records(seminar):
    base, gradebook, items = seminar
    records = _records(base / "in")
    picks = [r["a0.pick"]["answer"] for r in records.values() if "a0.pick" in r]
    expected = {o: picks.count(o) for o in ("alpha", "beta", "gamma")}
    assert items.loc["a0.pick", "option_counts"] == (
        f"alpha={expected['alpha']}; beta={expected['beta']} (right); gamma={expected['gamma']}")
    ticks = [o for r in records.values() if "a0.rows" in r for o in r["a0.rows"]["answer"]]
    assert f"gamma={ticks.count('gamma')}" in items.loc["a0.rows", "option_counts"]
    words = [r["a0.word"]["answer"] for r in records.values() if "a0.word" in r]
    wrong = sorted({w for w in words if w != "sum"}, key=lambda w: (-words.count(w), w))
    assert items.loc["a0.word", "top_wrong_answers"] == "; ".join(f"{w} ({words.count(w)})" for w in wrong[:5])
    totals = [r["a0.total"]["answer"] for r in records.values() if "a0.total" in r]
    assert f"4322 ({totals.count(4322)})" in items.loc["a0.total", "top_wrong_answers"]


def test_mean_attempts_are_the_recorded_attempts(seminar):
    base, gradebook, items = seminar
    for qid in AUTO:
        attempts = [r[qid]["attempt"] for r in _records(base / "in").values() if qid in r]
        assert items.loc[qid, "mean_attempts"] == pytest.approx(sum(attempts) / len(attempts), abs=5e-4)
        column = pd.to_numeric(gradebook[f"{qid} attempts"].replace("", float("nan")))
        assert items.loc[qid, "mean_attempts"] == pytest.approx(column.mean(), abs=5e-4)


def test_the_planted_broken_question_is_flagged_and_only_it(seminar):
    _, _, items = seminar
    assert items.loc["a0.pick", "flags"] == "negative discrimination"
    assert items.loc["a0.pick", "discrimination_27"] < 0 and items.loc["a0.pick", "point_biserial"] < 0
    for qid in ("a0.total", "a0.rows", "a0.word"):
        assert items.loc[qid, "flags"] == "", qid
        assert items.loc[qid, "discrimination_27"] > 0.2 and items.loc[qid, "point_biserial"] > 0.1


def test_a_question_nobody_gets_right_is_flagged(bank, tmp_path):
    make_class(tmp_path / "in", SOLUTION, QUESTIONS, count=30, seed=3, always={"a0.word": "mean"})
    items = report.build_report(tmp_path / "in", tmp_path / "out").set_index("question")
    assert items.loc["a0.word", "flags"] == "nobody right"
    assert items.loc["a0.word", "top_wrong_answers"].startswith("mean (")


def test_a_small_class_raises_no_flags(bank, tmp_path):
    make_class(tmp_path / "in", SOLUTION, QUESTIONS, count=report.MIN_FOR_FLAGS - 1, seed=3,
               always={"a0.word": "mean"})
    items = report.build_report(tmp_path / "in", tmp_path / "out")
    assert (items["flags"] == "").all()
    assert f"fewer than {report.MIN_FOR_FLAGS} submissions" in (tmp_path / "out" / "index.html").read_text()


def test_every_chart_has_alt_text_and_a_caption(seminar):
    base, _, _ = seminar
    page = (base / "report" / "index.html").read_text(encoding="utf-8")
    figures = re.findall(r'<figure><img src="([^"]+)" alt="([^"]*)"><figcaption>([^<]+)</figcaption></figure>', page)
    pngs = sorted(p.name for p in (base / "report").glob("*.png"))
    assert sorted(src for src, _, _ in figures) == pngs and len(pngs) == 4  # share, scores, 2 choice questions
    assert page.count("<img") == len(figures)
    for src, alt, caption in figures:
        assert len(alt) > 40 and len(caption) > 40, src
        assert (base / "report" / src).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "Look at these questions first: a0.pick (negative discrimination)" in page


def test_the_report_is_deterministic(seminar, tmp_path):
    base, _, _ = seminar
    assert report.main([str(base / "in"), "--out", str(tmp_path / "again")]) == 0
    first = sorted(p.name for p in (base / "report").iterdir())
    assert first == sorted(p.name for p in (tmp_path / "again").iterdir())
    for name in first:
        assert (base / "report" / name).read_bytes() == (tmp_path / "again" / name).read_bytes(), name


def test_hostile_answers_are_escaped(bank, tmp_path):
    hostile = "<img src=x onerror=alert(1)>"   # not a number, so shown as typed
    make_class(tmp_path / "in", SOLUTION, QUESTIONS, count=12, seed=5, always={"a0.total": hostile})
    assert report.main([str(tmp_path / "in"), "--out", str(tmp_path / "out")]) == 0
    page = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    # a cell a spreadsheet would run as a formula: a negative number starts with "-"
    make_class(tmp_path / "in2", SOLUTION, QUESTIONS, count=12, seed=5, always={"a0.total": -4321})
    report.main([str(tmp_path / "in2"), "--out", str(tmp_path / "out2")])
    with (tmp_path / "out2" / "items.csv").open(encoding="utf-8", newline="") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    assert any(cell.startswith("'-4321 (") for cell in cells)
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@")]


def test_bidi_controls_in_answers_and_file_names_are_shown_not_obeyed(bank, tmp_path):
    """Red team N10: U+202E in a student's text reverses what follows on the page, so an
    answer or a file name could pass for another. The report shows such controls as escapes,
    as the CSV files do."""
    make_class(tmp_path / "in", SOLUTION, QUESTIONS, count=12, seed=5, always={"a0.total": "\u202eabc"})
    (tmp_path / "in" / "s\u202e010.ipynb").write_text('{"cells": [', encoding="utf-8")
    assert report.main([str(tmp_path / "in"), "--out", str(tmp_path / "out")]) == 0
    page = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert "\u202e" not in page
    assert "\\u202eabc" in page and "s\\u202e010.ipynb" in page


def test_unreadable_and_foreign_files_are_listed_not_fatal(bank, tmp_path):
    make_class(tmp_path / "in", SOLUTION, QUESTIONS, count=12, seed=2)
    (tmp_path / "in" / "broken.ipynb").write_text('{"cells": [', encoding="utf-8")
    (tmp_path / "in" / "lesson.ipynb").write_text(json.dumps({"cells": [], "metadata": {}}), encoding="utf-8")
    items = report.build_report(tmp_path / "in", tmp_path / "out")
    assert set(items["submissions"]) == {12}
    page = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert "2 file(s) could not be graded" in page and "broken.ipynb" in page


def test_cli_refuses_to_overwrite_without_force(bank, tmp_path, capsys):
    make_class(tmp_path / "in", SOLUTION, QUESTIONS, count=12, seed=2)
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    assert report.main([str(tmp_path / "in"), "--out", str(out)]) == 2
    assert "use --force" in capsys.readouterr().err and not (out / "index.html").exists()
    (out / "stale.png").write_bytes(b"old")
    assert report.main([str(tmp_path / "in"), "--out", str(out), "--force"]) == 0
    # only the report's own files go: a picture it did not draw stays (red team N11)
    assert (out / "index.html").exists() and (out / "stale.png").read_bytes() == b"old"
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert report.main([str(tmp_path / "nowhere"), "--out", str(tmp_path / "x")]) == 2


def test_an_empty_folder_gives_an_empty_report(bank, tmp_path):
    (tmp_path / "in").mkdir()
    assert report.main([str(tmp_path / "in"), "--out", str(tmp_path / "out")]) == 0
    assert "nothing to report" in (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert (tmp_path / "out" / "items.csv").read_text(encoding="utf-8").startswith("assignment,question,")


def test_the_course_command_runs_it(bank, tmp_path):
    from course import cli

    make_class(tmp_path / "in", SOLUTION, QUESTIONS, count=3, seed=2)
    assert cli.main(["report", str(tmp_path / "in"), "--out", str(tmp_path / "out")]) == 0
    assert (tmp_path / "out" / "index.html").is_file() and (tmp_path / "out" / "items.csv").is_file()
