"""The red team's report, roster and CLI findings (round 3), each closed by a test.

N5 a non-UTF-8 file name; N11 --force deleting the teacher's PNGs and --out inside the hand-in
folder; N12 a list answer to a single-choice question; the report counting two hand-ins of one
student; N8 roster ids the formula guard once changed on the way back; N9 empty-field and FIFO
rosters and look-alike ids; N10 full-width and invisible characters in ids; N16 one student's
huge folder stopping the search; BrokenPipe; and a file without a saved id (problem 6).
"""
import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest

from course import grading, handins, report
from course.roster import RosterError, normalize_id, read_roster
from test_grading import notebook, record, right_answers, write

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def bank(assignment_bank, monkeypatch):
    monkeypatch.setenv("COURSE_QUESTION_BANK", str(assignment_bank))


def book(path: Path) -> list[dict]:
    return list(csv.DictReader(path.open(encoding="utf-8", newline="")))


def test_a_file_name_that_is_not_utf8_does_not_break_the_report(bank, tmp_path):
    folder = tmp_path / "in"
    write(folder / "ann.ipynb", notebook(record("student_id", "s1"), *right_answers()))
    write(folder / "bob.ipynb", notebook(record("student_id", "s2"), *right_answers()))
    bad = os.fsencode(folder) + b"/m_\x87\xa0\xe3.ipynb"
    with open(bad, "wb") as handle:
        handle.write(b"{ not json")
    assert report.main([str(folder), "--out", str(tmp_path / "out")]) == 0
    page = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert "1 file(s) could not be graded" in page and "m_\\x87\\xa0\\xe3.ipynb" in page
    assert "2 graded and counted" in page


def test_the_report_never_deletes_a_picture_it_did_not_draw_nor_writes_among_hand_ins(bank, tmp_path, capsys):
    folder = tmp_path / "in"
    write(folder / "ann.ipynb", notebook(record("student_id", "s1"), *right_answers()))
    out = tmp_path / "figures"
    assert report.main([str(folder), "--out", str(out)]) == 0
    drawn = sorted(p.name for p in out.glob("*.png"))
    (out / "thesis_chart.png").write_bytes(b"mine")
    (out / "family_photo.png").write_bytes(b"mine too")
    assert report.main([str(folder), "--out", str(out), "--force"]) == 0
    assert (out / "thesis_chart.png").read_bytes() == b"mine" and (out / "family_photo.png").read_bytes() == b"mine too"
    assert sorted(p.name for p in out.glob("*.png")) == sorted([*drawn, "family_photo.png", "thesis_chart.png"])
    assert report.main([str(folder), "--out", str(folder / "report")]) == 2
    assert "inside the hand-in folder" in capsys.readouterr().err and not (folder / "report").exists()


def test_a_list_answer_to_a_single_choice_question_chooses_no_option(bank, tmp_path):
    folder = tmp_path / "in"
    for i in range(3):
        write(folder / f"s{i}.ipynb", notebook(record("student_id", f"s{i}"),
                                               *right_answers(**{"a0.pick": ["beta", "alpha", "gamma"]})))
    write(folder / "right.ipynb", notebook(record("student_id", "s9"), *right_answers()))
    write(folder / "one.ipynb", notebook(record("student_id", "s8"), *right_answers(**{"a0.pick": ["beta"]})))
    responses, subs = report.collect(folder)
    items = report.item_table(responses, subs).set_index("question")
    counts = {o: n for o, _text, n, _right in items.loc["a0.pick", "_options"]}
    # counted as the grader reads them: a one-item list is that option, a longer list none
    assert counts == {"alpha": 0, "beta": 2, "gamma": 0} and items.loc["a0.pick", "correct"] == 2


def test_two_hand_ins_of_one_student_are_counted_once_as_the_gradebook_decides(bank, tmp_path):
    folder = tmp_path / "in"
    write(folder / "ann.ipynb", notebook(record("student_id", "s1"), *right_answers()))
    write(folder / "ann_final.ipynb", notebook(record("student_id", " S1 "), *right_answers(**{"a0.pick": "alpha"})))
    write(folder / "bob.ipynb", notebook(record("student_id", "s2"), *right_answers()))
    assert report.main([str(folder), "--out", str(tmp_path / "out")]) == 0
    page = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert "1 graded and counted" in page and "2 file(s) not counted" in page
    assert "ann.ipynb, ann_final.ipynb" in page
    items = {r["question"]: r for r in book(tmp_path / "out" / "items.csv")}
    assert items["a0.pick"]["submissions"] == "1"


def test_roster_ids_the_formula_guard_would_escape_still_match(bank, tmp_path):
    folder = tmp_path / "in"
    for sid in ("@carol", "+dave", "-erin"):
        write(folder / f"{sid[1:]}.ipynb", notebook(record("student_id", sid), *right_answers()))
    roster = tmp_path / "roster.csv"
    roster.write_text("student_id,name,email,sis_id,section\n@carol,Carol,c@x,1,M\n+dave,Dave,d@x,2,M\n"
                      "-erin,Erin,e@x,3,M\n", encoding="utf-8")
    assert grading.main([str(folder), "--out", str(tmp_path / "gb.csv"), "--roster", str(roster)]) == 0
    rows = book(tmp_path / "gb.csv")
    assert [r["name"] for r in rows] == ["Carol", "Dave", "Erin"] and not any(r["errors"] for r in rows)


@pytest.mark.parametrize("text", [",,,,\n", '""\n', ",,,,\n,,,,\n"])
def test_a_roster_of_empty_fields_is_refused_in_one_line(tmp_path, text):
    path = tmp_path / "roster.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RosterError, match="every field of the roster is empty"):
        read_roster(path)


def test_a_roster_that_is_a_pipe_is_refused_not_waited_on(tmp_path):
    path = tmp_path / "roster.csv"
    os.mkfifo(path)
    with pytest.raises(RosterError, match="not a regular file"):
        read_roster(path)


def test_ids_are_folded_nfkc_invisible_characters_case_and_space():
    assert normalize_id("\uff53\uff10\uff10\uff18") == normalize_id("s008") == normalize_id(" S008 ")
    assert normalize_id("s1\u200b") == normalize_id("s1") == normalize_id("\u2060s1")
    assert normalize_id("\u202e010s") != normalize_id("s010")   # shown reversed, but not that id


@pytest.mark.parametrize("twin", ["s1\u200b", "\uff53\uff11", "S1 "])
def test_a_roster_with_look_alike_ids_is_refused(tmp_path, twin):
    path = tmp_path / "roster.csv"
    path.write_text(f"student_id,name,email,sis_id,section\ns1,A,a@x,1,M\n{twin},B,b@x,2,M\n", encoding="utf-8")
    with pytest.raises(RosterError, match="row 3: student_id .* is already used on row 2"):
        read_roster(path)


def test_an_id_typed_full_width_matches_the_roster(bank, tmp_path):
    folder = tmp_path / "in"
    write(folder / "hana.ipynb", notebook(record("student_id", "\uff53\uff10\uff10\uff18"), *right_answers()))
    roster = tmp_path / "roster.csv"
    roster.write_text("student_id,name,email,sis_id,section\ns008,Hana,h@x,8,M\n", encoding="utf-8")
    assert grading.main([str(folder), "--out", str(tmp_path / "gb.csv"), "--roster", str(roster)]) == 0
    assert book(tmp_path / "gb.csv")[0]["name"] == "Hana"


def test_a_file_without_a_saved_id_is_never_matched_by_its_name(bank, tmp_path):
    folder = tmp_path / "in"
    write(folder / "s003.ipynb", notebook(*right_answers()))   # the student never typed an id
    roster = tmp_path / "roster.csv"
    roster.write_text("student_id,name,email,sis_id,section\ns003,Mallory,m@x,3,M\n", encoding="utf-8")
    assert grading.main([str(folder), "--out", str(tmp_path / "gb.csv"), "--roster", str(roster)]) == 0
    rows = book(tmp_path / "gb.csv")
    handed = next(r for r in rows if r["file"] == "s003.ipynb")
    assert handed["name"] == "" and "no student id, so not matched to the roster" in handed["errors"]
    assert any(r["file"] == "" and "but no file" in r["errors"] for r in rows)


def test_one_huge_student_folder_does_not_stop_the_search_for_everyone(bank, tmp_path, monkeypatch):
    monkeypatch.setattr(handins, "MAX_ENTRIES", 50)   # the real limit is 200,000 entries per folder
    folder = tmp_path / "in"
    (folder / "aaa_mallory").mkdir(parents=True)
    for i in range(60):
        (folder / "aaa_mallory" / f"junk{i:03}").touch()
    write(folder / "bob" / "a1.ipynb", notebook(record("student_id", "s2"), *right_answers()))
    write(folder / "carol" / "a1.ipynb", notebook(record("student_id", "s3"), *right_answers()))
    graded, _ = grading.grade_all(folder)
    by_name = {s.path: s for s in graded}
    assert set(by_name) == {"aaa_mallory/", "bob/a1.ipynb", "carol/a1.ipynb"}
    assert "more than 50 files and folders" in by_name["aaa_mallory/"].errors[0]
    assert by_name["bob/a1.ipynb"].score == by_name["carol/a1.ipynb"].score == 5


def test_a_closed_pipe_ends_the_command_quietly():
    """`course key | head -1` once head has gone: no traceback, the exit status of SIGPIPE.
    The reader is closed before the command starts, so its first write meets the broken pipe."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        run = subprocess.run([sys.executable, "-m", "course", "key"], stdout=write_end, stderr=subprocess.PIPE,
                             env=env, cwd=ROOT, timeout=120)
    finally:
        os.close(write_end)
    err = run.stderr.decode()
    assert run.returncode == 141 and "Traceback" not in err and "BrokenPipe" not in err, err


def test_bidi_controls_are_shown_in_csv_cells_not_obeyed():
    """N10: an id "\u202e010s" would display as "s010" in a spreadsheet; joiners stay."""
    from course.csvsafe import cell

    assert cell("\u202e010s") == "\\u202e010s" and cell("a\u2066b\u2069") == "a\\u2066b\\u2069"
    assert cell("\u0645\u200c\u06cc") == "\u0645\u200c\u06cc"
