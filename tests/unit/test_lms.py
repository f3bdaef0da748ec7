"""`course grade --roster --lms canvas|moodle`: import files in each LMS's documented format.

The headers are checked against the formats as their documentation gives them:
* Canvas (gradebook import, the same layout as Canvas's gradebook export): the columns
  "Student, ID, SIS User ID, SIS Login ID, Section", then "<assignment name> (<assignment
  id>)", and an optional second row whose first cell is "    Points Possible";
* Moodle (Grade administration > Import > CSV file): any identity column the teacher maps
  to a user field on upload ("Email address" to useremail, "ID number" to useridnumber),
  then one column per grade item.
The instructor guide cites the pages.
"""
import csv
import json
from pathlib import Path

import pytest

from course import grading, lms
from class_submissions import make_class

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "assignment" / "solutions"
CANVAS_DOCUMENTED = "Student,ID,SIS User ID,SIS Login ID,Section"


@pytest.fixture
def bank(assignment_bank, monkeypatch):
    monkeypatch.setenv("COURSE_QUESTION_BANK", str(assignment_bank))


@pytest.fixture
def seminar(bank, tmp_path):
    """Six hand-ins of a0 (s001-s006) and a roster of s001-s005 plus s007, who handed in nothing;
    s006 is not on the roster and s002 handed in twice."""
    make_class(tmp_path / "in", FIXTURE / "a0_fixture.ipynb", FIXTURE / "question-bank", count=6, seed=4)
    twice = next((tmp_path / "in").rglob("s002.ipynb"))
    (tmp_path / "in" / "late").mkdir()
    (tmp_path / "in" / "late" / "s002.ipynb").write_bytes(twice.read_bytes())
    roster = tmp_path / "roster.csv"
    roster.write_text("student_id,name,email,sis_id,section\n"
                      + "".join(f"s00{i},\"Student, No{i}\",s{i}@example.edu,10{i},Sec {i % 2}\n" for i in (1, 2, 3, 4, 5, 7)),
                      encoding="utf-8")
    return tmp_path, roster


def grade(tmp_path, *extra):
    return grading.main([str(tmp_path / "in"), "--out", str(tmp_path / "gradebook.csv"), *extra])


def mark_every_essay(tmp_path, points=2.0):
    """The teacher marks every essay (a0's reflection, worth 3) in marks.csv, as `course mark` would."""
    from course import marks

    graded, _ = grading.grade_all(tmp_path / "in")
    for sub in graded:
        for qid, _worth, _words, text in sub.reflections:
            if text:
                marks.write_mark(tmp_path / "marks.csv", sub.path, sub.student_id, qid, points, "read")
    return tmp_path / "marks.csv"


def rows(path):
    with Path(path).open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def scores(tmp_path):
    """student id -> its scores, from the gradebook itself."""
    out = {}
    for row in csv.DictReader((tmp_path / "gradebook.csv").open(encoding="utf-8", newline="")):
        if row["file"]:
            out.setdefault(row["student_id"], []).append(row["score"])
    return out


def test_canvas_file_has_the_documented_layout(seminar):
    tmp_path, roster = seminar
    marks = mark_every_essay(tmp_path)
    assert grade(tmp_path, "--roster", str(roster), "--lms", "canvas", "--canvas-id", "a0=48213",
                 "--marks", str(marks)) == 0
    table = rows(tmp_path / "gradebook_canvas.csv")
    assert ",".join(table[0][:5]) == CANVAS_DOCUMENTED
    assert table[0][5:] == ["a0 (48213)"]
    assert table[1] == ["    Points Possible", "", "", "", "", "8"]   # 5 auto-checked + the essay's 3
    got = {row[0]: row for row in table[2:]}
    # roster order; no row (so the LMS keeps its grade) for two files (No2) or no file (No7)
    assert list(got) == [f"Student, No{i}" for i in (1, 3, 4, 5)]
    by_id = scores(tmp_path)
    for i in (1, 3, 4, 5):
        assert got[f"Student, No{i}"] == [f"Student, No{i}", "", f"10{i}", "", f"Sec {i % 2}", by_id[f"s00{i}"][0]]
    assert all(row[5] != "" for row in table[1:])   # never an empty cell
    assert (tmp_path / "gradebook_canvas.csv").read_bytes().count(b"\r\n") == len(table)


def test_canvas_without_an_id_makes_a_new_column(seminar, capsys):
    tmp_path, roster = seminar
    assert grade(tmp_path, "--roster", str(roster), "--lms", "canvas") == 0
    assert rows(tmp_path / "gradebook_canvas.csv")[0][5:] == ["a0"]
    out = capsys.readouterr().out
    assert "Canvas will create a new assignment" in out
    assert "left out, no file: Student, No7" in out and "left out, two files under one id: Student, No2" in out
    assert "left out, work still to be marked (see to_mark in the gradebook): Student, No1" in out
    waiting = {r["name"] for r in csv.DictReader((tmp_path / "gradebook.csv").open(encoding="utf-8")) if r["to_mark"]}
    assert "Student, No1" in waiting
    assert not waiting & {row[0] for row in rows(tmp_path / "gradebook_canvas.csv")}   # essays unmarked: no row
    assert "not in the file (id not on the roster): section-1/s006.ipynb" in out


def test_moodle_file_has_an_identity_column_and_one_column_per_assignment(seminar):
    tmp_path, roster = seminar
    mark_every_essay(tmp_path)   # marks.csv next to --out is read without --marks
    assert grade(tmp_path, "--roster", str(roster), "--lms", "moodle") == 0
    table = rows(tmp_path / "gradebook_moodle.csv")
    assert table[0] == ["Email address", "a0"]
    by_id = scores(tmp_path)
    assert table[1] == ["s1@example.edu", by_id["s001"][0]]
    assert [r[0] for r in table[1:]] == [f"s{i}@example.edu" for i in (1, 3, 4, 5)]
    assert all(cell for row in table for cell in row)   # no empty cell: it would clear a Moodle grade
    assert grade(tmp_path, "--roster", str(roster), "--lms", "moodle", "--lms-key", "sis_id",
                 "--lms-out", str(tmp_path / "m2.csv"), "--force") == 0
    assert rows(tmp_path / "m2.csv")[0] == ["ID number", "a0"]
    assert rows(tmp_path / "m2.csv")[1][0] == "101"


def test_the_gradebook_gets_names_and_flags(seminar):
    tmp_path, roster = seminar
    assert grade(tmp_path, "--roster", str(roster)) == 0
    book = list(csv.DictReader((tmp_path / "gradebook.csv").open(encoding="utf-8", newline="")))
    assert {"name", "email", "sis_id", "section"} <= set(book[0])
    assert len(book) == 7 + 1                     # 7 files and s007, who handed in nothing
    errors = " | ".join(r["errors"] for r in book)
    assert "'s006' is not on the roster roster.csv" in errors
    assert "decide which file counts" in errors and "but no file of a0 was handed in" in errors
    assert not (tmp_path / "gradebook_canvas.csv").exists()


def test_nothing_is_overwritten_without_force(seminar, capsys):
    tmp_path, roster = seminar
    target = tmp_path / "gradebook_canvas.csv"
    target.write_text("the file I uploaded last week\n", encoding="utf-8")
    assert grade(tmp_path, "--roster", str(roster), "--lms", "canvas") == 2
    assert "already exists; use --force" in capsys.readouterr().err
    assert target.read_text(encoding="utf-8") == "the file I uploaded last week\n"
    assert not (tmp_path / "gradebook.csv").exists()          # refused before anything was written
    assert grade(tmp_path, "--roster", str(roster), "--lms", "canvas", "--force") == 0
    assert rows(target)[0][:5] == CANVAS_DOCUMENTED.split(",")


@pytest.mark.parametrize("extra, message", [
    (["--lms", "canvas"], "--lms needs --roster"),
    (["--roster", "{roster}", "--lms", "canvas", "--assignment", "a9"], "unknown assignment 'a9'"),
    (["--roster", "{roster}", "--lms", "canvas", "--canvas-id", "a9=12"], "unknown assignment 'a9'"),
    (["--roster", "{roster}", "--lms", "canvas", "--canvas-id", "a0"], "write ASSIGNMENT=ID"),
    (["--roster", "{roster}", "--lms", "canvas", "--canvas-id", "a0=abc"], "write ASSIGNMENT=ID"),
    (["--roster", "{roster}", "--assignment", "a0"], "add --lms canvas or --lms moodle"),
    (["--roster", "{missing}"], "no such roster file"),
])
def test_bad_requests_are_refused_before_writing(seminar, capsys, extra, message):
    tmp_path, roster = seminar
    extra = [e.format(roster=roster, missing=tmp_path / "missing.csv") for e in extra]
    assert grade(tmp_path, *extra) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "gradebook.csv").exists()


def test_a_bad_roster_names_file_and_row(seminar, capsys):
    tmp_path, roster = seminar
    roster.write_text("student_id,name,email,sis_id,section\ns1,A,a@x,1,M\ns1,B,b@x,2,M\n", encoding="utf-8")
    assert grade(tmp_path, "--roster", str(roster), "--lms", "moodle") == 2
    assert "roster.csv, row 3: student_id 's1' is already used on row 2" in capsys.readouterr().err


def test_an_assignment_with_no_hand_ins_gets_a_column_and_no_rows(seminar):
    tmp_path, roster = seminar
    for path in (tmp_path / "in").rglob("*.ipynb"):
        path.unlink()
    (tmp_path / "in" / "foreign.ipynb").write_text(json.dumps({"cells": [], "metadata": {}}), encoding="utf-8")
    assert grade(tmp_path, "--roster", str(roster), "--lms", "canvas") == 2    # nothing graded, nothing named
    assert grade(tmp_path, "--roster", str(roster), "--lms", "canvas", "--assignment", "a0") == 0
    table = rows(tmp_path / "gradebook_canvas.csv")
    assert table[0][5:] == ["a0"] and table[1][5] == "8" and table[2:] == []


def test_the_title_comes_from_the_exercise_students_saw():
    nb = json.loads(next((ROOT / "exercises").glob("a3_*.ipynb")).read_text(encoding="utf-8"))
    assert lms.assignment_title("a3") == "A3: " + nb["metadata"]["course"]["title"]
    assert lms.assignment_title("a0") == "a0"


def test_two_assignments_two_columns_and_a_double_blanks_only_its_own(tmp_path):
    from course.roster import join, read_roster

    roster = tmp_path / "r.csv"
    roster.write_text("student_id,name,email,sis_id,section\nu1,Ann,a@x,11,M\nu2,Bo,b@x,12,M\n"
                                    "u3,Cy,c@x,13,M\nu4,Di,d@x,14,M\n", encoding="utf-8")
    header = ["student_id", "file", "assignment", "score", "max_score", "to_mark", "errors"]
    rows = [dict(zip(header, r)) for r in [
        ("u1", "1.ipynb", "a1", "5", "10", "", ""), ("u1", "2.ipynb", "a3", "4", "10", "", ""),
        ("u1", "3.ipynb", "a3", "6", "10", "", ""), ("u2", "4.ipynb", "a1", "7", "10", "", ""),
        ("u2", "5.ipynb", "a3", "8", "10", "", ""), ("u3", "6.ipynb", "a1", "6", "10", "a1.essay", ""),
        ("u3", "7.ipynb", "a3", "6", "10", "", ""), ("u4", "8.ipynb", "a1", "3", "10", "", "")]]
    joined = join(header, rows, read_roster(roster))
    export = lms.build(joined, "moodle", ["a1", "a3"], titles={"a1": "A1", "a3": "A3"})
    assert export.header == ["Email address", "A1", "A3"]
    assert export.rows == [["b@x", "7", "8"]]      # only the student whose every score is decided
    assert [s.student_id for s in export.ambiguous] == ["u1"]
    assert [s.student_id for s in export.to_mark] == ["u3"] and [s.student_id for s in export.no_file] == ["u4"]
    canvas = lms.build(joined, "canvas", ["a1", "a3"], titles={"a1": "A1", "a3": "A3"}, canvas_ids={"a3": "77"})
    assert canvas.header[5:] == ["A1", "A3 (77)"] and canvas.rows[0][5:] == [lms.full_points("a1"), lms.full_points("a3")]
    assert canvas.rows[1] == ["Bo", "", "12", "", "M", "7", "8"]


def test_a1_is_worth_its_full_ten_points():
    """6 auto-checked points and the essay's 4: what Canvas must be told the assignment is out of."""
    assert lms.full_points("a1") == "10"


@pytest.mark.parametrize("value, column", [("=1+1", "sis_id"), ("@carol", "name"), ("-2+3@x.edu", "email")])
def test_identity_cells_are_never_altered_but_refused_with_the_roster_row(tmp_path, value, column):
    from course.roster import join, read_roster

    values = {"student_id": "u1", "name": "Ann", "email": "a@x", "sis_id": "11", "section": "M", column: value}
    roster = tmp_path / "r.csv"
    roster.write_text("student_id,name,email,sis_id,section\n" + ",".join(values[c] for c in
                      ("student_id", "name", "email", "sis_id", "section")) + "\n", encoding="utf-8")
    header = ["student_id", "file", "assignment", "score", "max_score", "to_mark", "errors"]
    joined = join(header, [dict(zip(header, ("u1", "1.ipynb", "a1", "7", "10", "", "")))], read_roster(roster))
    lms_name, key = ("moodle", "email") if column == "email" else ("canvas", "email")
    with pytest.raises(lms.LmsError, match=r"r\.csv, row 2: .*formula"):
        lms.build(joined, lms_name, ["a1"], titles={"a1": "A1"}, key=key, roster=str(roster))
    if column == "email":   # the other key works, and its cell is exactly the roster's
        export = lms.build(joined, "moodle", ["a1"], titles={"a1": "A1"}, key="sis_id", roster=str(roster))
        lms.write(export, tmp_path / "m.csv")
        assert rows(tmp_path / "m.csv")[1] == ["11", "7"]


def test_a_hand_in_relabelled_with_another_assignment_adds_no_column(seminar, capsys):
    tmp_path, roster = seminar
    relabelled = next((tmp_path / "in").rglob("s003.ipynb"))
    nb = json.loads(relabelled.read_text(encoding="utf-8"))
    nb["metadata"]["course"]["assignment"] = "start"
    relabelled.write_text(json.dumps(nb), encoding="utf-8")
    assert grade(tmp_path, "--roster", str(roster), "--lms", "canvas") == 2
    assert "several assignments (a0, start)" in capsys.readouterr().err and not (tmp_path / "gradebook.csv").exists()
    assert grade(tmp_path, "--roster", str(roster), "--lms", "canvas", "--assignment", "a0") == 0
    assert rows(tmp_path / "gradebook_canvas.csv")[0][5:] == ["a0"]
    assert "not in the file (another assignment): start" in capsys.readouterr().out


def test_a_file_in_one_students_folder_under_anothers_id_gets_no_lms_score(bank, tmp_path, capsys):
    """Red team N2: from her own folder (one per student, as Moodle downloads them or a teacher
    sorts them) Mallory hands in under Bob's id, and Bob hands in nothing. The typed id alone
    would give Bob her score; the folder says whose the file is, so the gradebook says both
    names and the import file has a row for neither until the teacher decides."""
    import shutil

    made = {p.stem: p for p in make_class(tmp_path / "made", FIXTURE / "a0_fixture.ipynb",
                                          FIXTURE / "question-bank", count=3, seed=4)}
    for folder, typed in (("anna", "s001"), ("mallory", "s002"),
                          ("Carla Diaz_4242_assignsubmission_file_", "s003")):
        (tmp_path / "in" / folder).mkdir(parents=True)
        shutil.copy(made[typed], tmp_path / "in" / folder / "a0.ipynb")
    roster = tmp_path / "roster.csv"
    roster.write_text("student_id,name,email,sis_id,section\n"
                      "s001,Anna Ivanova,anna@example.edu,1001,A\n"
                      "s002,Bob Petrov,bob@example.edu,1002,A\n"
                      "s003,Carla Diaz,carla@example.edu,1003,B\n"
                      "s004,Mallory Smith,mallory@example.edu,1004,B\n", encoding="utf-8")
    marks = mark_every_essay(tmp_path)
    assert grade(tmp_path, "--roster", str(roster), "--lms", "moodle", "--marks", str(marks)) == 0
    book = {r["file"] or r["student_id"]: r for r in
            csv.DictReader((tmp_path / "gradebook.csv").open(encoding="utf-8", newline=""))}
    taken = book["mallory/a0.ipynb"]
    assert taken["student_id"] == "s002" and taken["name"] == "Bob Petrov"    # matched by the id, as typed
    assert "'mallory' is Mallory Smith (s004, roster row 5), not s002" in taken["errors"]
    assert "no LMS score is written for it" in taken["errors"]
    assert "mallory/a0.ipynb in their folder carries another id" in book["s004"]["errors"]
    assert book["anna/a0.ipynb"]["errors"] == ""                              # folder and id agree
    assert book["Carla Diaz_4242_assignsubmission_file_/a0.ipynb"]["errors"] == ""   # Moodle's folder name
    imported = [row[0] for row in rows(tmp_path / "gradebook_moodle.csv")[1:]]
    assert imported == ["anna@example.edu", "carla@example.edu"]
    out = capsys.readouterr().out
    assert "1 file(s) in one student's folder with another's id" in out
    assert "left out, their id typed in a file in another student's folder: Bob Petrov" in out
