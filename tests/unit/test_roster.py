"""The class roster: read strictly, joined to the gradebook by student id.

Bad rosters are refused with the file and the row; the join flags ids nobody on the roster
has, two files under one id, and roster students with no file, without dropping any row.
"""
import csv

import pytest

from course import roster
from course.roster import RosterError, join, read_roster, write_joined

GOOD = ("student_id,name,email,sis_id,section\n"
        "s001,\"Ivanova, Anna\",anna@example.edu,1001,Mon\n"
        "S002,Boris Petrov,boris@example.edu,1002,Tue\n"
        "s003,Carla Diaz,carla@example.edu,,Tue\n")


def write(tmp_path, text, name="roster.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return path


def test_a_good_roster(tmp_path):
    r = read_roster(write(tmp_path, GOOD))
    assert [s.student_id for s in r.students] == ["s001", "S002", "s003"]
    assert r.students[0].name == "Ivanova, Anna" and r.students[0].row == 2
    assert r.students[2].sis_id == ""


@pytest.mark.parametrize("variant", ["bom", "semicolon", "tab", "crlf", "extra-columns", "reordered", "blank-lines"])
def test_what_spreadsheets_save_is_read(tmp_path, variant):
    text = {
        "bom": "\ufeff" + GOOD,
        "semicolon": GOOD.replace(",", ";").replace('"Ivanova; Anna"', '"Ivanova, Anna"'),
        "tab": GOOD.replace(",", "\t").replace('"Ivanova\t Anna"', '"Ivanova, Anna"'),
        "crlf": GOOD.replace("\n", "\r\n"),
        "extra-columns": GOOD.replace("section\n", "section,notes\n").replace("Mon\n", "Mon,late\n"),
        "reordered": "Name,Student_ID,Section,Email,SIS_ID\n\"Ivanova, Anna\",s001,Mon,anna@example.edu,1001\n"
                     "Boris Petrov,S002,Tue,boris@example.edu,1002\nCarla Diaz,s003,Tue,carla@example.edu,\n",
        "blank-lines": "\n" + GOOD.replace("\nS002", "\n\nS002") + "\n\n",
    }[variant]
    r = read_roster(write(tmp_path, text))
    assert [(s.student_id, s.name, s.email) for s in r.students] == [
        ("s001", "Ivanova, Anna", "anna@example.edu"), ("S002", "Boris Petrov", "boris@example.edu"),
        ("s003", "Carla Diaz", "carla@example.edu")]


@pytest.mark.parametrize("text, expected", [
    ("student_id,name,email,section\ns001,A,a@x,Mon\n", r"roster\.csv, row 1 \(header\): missing column\(s\) sis_id"),
    ("id,name\n1,A\n", r"row 1 \(header\): missing column\(s\) student_id, email, sis_id, section"),
    (GOOD + "s001,Anna again,a2@x,1009,Mon\n", r"row 5: student_id 's001' is already used on row 2"),
    (GOOD + " s002 ,Boris twin,b2@x,1010,Mon\n", r"row 5: student_id 's002' is already used on row 3"),
    (GOOD + ",Nobody,n@x,1011,Mon\n", r"row 5: the student_id is empty"),
    ("", r"roster\.csv: the roster is empty"),
    ("\n \n", r"roster\.csv: the roster is empty"),
    ("student_id,name,email,sis_id,section\n", r"roster\.csv: the roster has a header but no students"),
    ("student_id,name,email,sis_id,section,student_id\n", r"column\(s\) student_id appear twice"),
    ("student_id,name,email,sis_id,section\ns1,Ann,a@x,1,Mon,extra,more\n", r"row 2: 7 fields but the header has 5"),
    ('student_id,name,email,sis_id,section\ns1,"Ann,a@x,1,Mon\n', r"row \d+: the CSV is malformed"),
])
def test_bad_rosters_are_refused_with_file_and_row(tmp_path, text, expected):
    with pytest.raises(RosterError, match=expected):
        read_roster(write(tmp_path, text))


def test_encodings_excel_may_use_are_named(tmp_path):
    latin = GOOD.replace("Carla Diaz", "Carla Díaz").encode("cp1252")
    with pytest.raises(RosterError, match=r"roster\.csv, row 4: the file is not UTF-8 .*CSV UTF-8"):
        read_roster(write(tmp_path, latin))
    with pytest.raises(RosterError, match=r"UTF-16 .*CSV UTF-8"):
        read_roster(write(tmp_path, GOOD, encoding="utf-16"))


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(RosterError, match=r"nope\.csv: no such roster file"):
        read_roster(tmp_path / "nope.csv")
    with pytest.raises(RosterError, match="is a folder"):
        read_roster(tmp_path)


# --- the join -------------------------------------------------------------------------------

def gradebook(with_ids=True):
    header = (["student_id", "file"] if with_ids else ["submission"]) + ["assignment", "score", "max_score", "errors"]
    rows = [("s001", "mon/s001.ipynb", "a0", "5", "5", ""),
            (" S002 ", "tue/boris_final.ipynb", "a0", "3", "5", ""),      # id typed with case and spaces
            ("s002", "tue/boris_copy.ipynb", "a0", "4", "5", ""),          # a second file, same student
            ("x999", "tue/x999.ipynb", "a0", "2", "5", ""),                # not on the roster
            ("", "lost.ipynb", "", "", "", "not a notebook")]
    if not with_ids:
        rows = [(f"{sid.strip()}.ipynb" if sid.strip() else file, *rest) for sid, file, *rest in rows]
    return header, [dict(zip(header, row)) for row in rows]


def test_join_flags_unknown_duplicate_and_missing(tmp_path):
    r = read_roster(write(tmp_path, GOOD))
    header, rows = gradebook()
    joined = join(header, rows, r)
    assert [s.student_id if s else None for s in joined.student] == ["s001", "S002", "S002", None, None]
    assert joined.unknown == [3, 4]
    assert joined.duplicates == {("s002", "a0"): [1, 2]}
    assert [(s.student_id, a) for s, a in joined.missing] == [("s003", "a0")]


def test_each_assignment_is_checked_on_its_own(tmp_path):
    r = read_roster(write(tmp_path, GOOD))
    header = ["student_id", "file", "assignment", "score", "max_score", "errors"]
    rows = [dict(zip(header, row)) for row in [
        ("s001", "s001_a1.ipynb", "a1", "5", "6", ""), ("s001", "s001_a3.ipynb", "a3", "4", "6", ""),
        ("s002", "s002_a1.ipynb", "a1", "2", "6", ""), ("s003", "broken.ipynb", "", "", "", "corrupt")]]
    joined = join(header, rows, r)
    assert joined.duplicates == {}                      # s001's two files are two assignments
    assert [(s.student_id, a) for s, a in joined.missing] == [("s003", "a1"), ("S002", "a3"), ("s003", "a3")]
    out = tmp_path / "gb.csv"
    write_joined(joined, out, "roster.csv")
    got = list(csv.DictReader(out.open(encoding="utf-8", newline="")))
    assert got[-2]["assignment"] == "a3" and got[-2]["errors"] == "on the roster (row 3) but no file of a3 was handed in"


def test_without_any_graded_assignment_missing_means_no_file_at_all(tmp_path):
    r = read_roster(write(tmp_path, GOOD))
    header = ["student_id", "file", "assignment", "score", "max_score", "errors"]
    joined = join(header, [dict(zip(header, ("s001", "x.ipynb", "", "", "", "not a notebook")))], r)
    assert [(s.student_id, a) for s, a in joined.missing] == [("S002", ""), ("s003", "")]


def test_without_a_student_id_column_the_file_name_is_the_id(tmp_path):
    r = read_roster(write(tmp_path, GOOD))
    header, rows = gradebook(with_ids=False)
    joined = join(header, rows, r)
    assert [s.student_id if s else None for s in joined.student] == ["s001", "S002", "S002", None, None]


def test_the_joined_gradebook_keeps_every_row_and_says_what_is_wrong(tmp_path):
    r = read_roster(write(tmp_path, GOOD))
    header, rows = gradebook()
    out = tmp_path / "gradebook.csv"
    write_joined(join(header, rows, r), out, "roster.csv")
    with out.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        got = list(reader)
    assert reader.fieldnames == ["student_id", "file", "name", "email", "sis_id", "section",
                                 "assignment", "score", "max_score", "errors"]
    assert len(got) == 6                                  # 5 files + 1 student with none
    assert got[0]["name"] == "Ivanova, Anna" and got[0]["errors"] == ""
    assert "also on tue/boris_copy.ipynb" in got[1]["errors"] and got[1]["score"] == "3"
    assert "also on tue/boris_final.ipynb" in got[2]["errors"]
    assert got[3]["errors"] == "student id 'x999' is not on the roster roster.csv" and got[3]["name"] == ""
    assert got[4]["errors"] == "not a notebook; no student id, so not matched to the roster roster.csv"
    assert got[5]["student_id"] == "s003" and got[5]["name"] == "Carla Diaz" and got[5]["score"] == ""
    assert got[5]["errors"] == "on the roster (row 4) but no file of a0 was handed in"


def test_roster_text_cannot_become_a_formula(tmp_path):
    r = read_roster(write(tmp_path, GOOD.replace("Boris Petrov", "=HYPERLINK(\"x\")")))
    header, rows = gradebook()
    out = tmp_path / "gb.csv"
    write_joined(join(header, rows, r), out, "roster.csv")
    assert "'=HYPERLINK" in out.read_text(encoding="utf-8")


def test_ids_are_compared_without_case_and_spaces():
    assert roster.normalize_id("  S 001 ") == roster.normalize_id("s 001") == "s 001"


@pytest.mark.parametrize("file, name", [
    ("anna/a1.ipynb", "anna"),                                                   # a folder per student
    ("Anna Ivanova_1234_assignsubmission_file_/a1.ipynb", "Anna Ivanova"),        # Moodle's download folder
    ("ivanovaanna_1234_5678_a1.ipynb", "ivanovaanna"),                           # Canvas's download name
    ("ivanovaanna_late_1234_5678_a1.ipynb", "ivanovaanna"),
    ("s001.ipynb", "s001"),                                                      # a file named by its owner
])
def test_where_a_file_lies_names_its_owner(file, name):
    assert roster.file_owner_name(file) == name


def test_owners_are_found_by_id_email_and_name_but_never_a_shared_name(tmp_path):
    r = read_roster(write(tmp_path, GOOD + "s004,Boris Petrov,boris.p@example.edu,1004,Mon\n"))
    found = roster.owners(r)
    anna = next(s for s in r.students if s.student_id == "s001")
    for place in ("s001", "anna", "anna@example.edu", "Ivanova, Anna", "ivanovaanna", "Anna Ivanova"):
        assert found[roster._plain(place)] == anna, place
    assert roster._plain("Boris Petrov") not in found and roster._plain("petrovboris") not in found
    assert found[roster._plain("boris")].student_id == "S002"


def test_a_section_folder_says_nothing_about_whose_files_are_in_it(tmp_path):
    r = read_roster(write(tmp_path, GOOD))
    header, rows = gradebook()
    assert join(header, rows, r).foreign == {}     # mon/ and tue/ hold several students' files


def test_a_row_without_a_file_or_with_an_odd_name_names_no_owner(tmp_path):
    r = read_roster(write(tmp_path, GOOD))
    header = ["student_id", "file", "assignment", "score", "max_score", "errors"]
    rows = [dict(zip(header, row)) for row in [
        ("s001", "", "a1", "5", "6", ""), ("s001", "/", "a1", "5", "6", ""),
        ("s001", "___.ipynb", "a1", "5", "6", ""), ("s001", "\u202e.ipynb", "a1", "5", "6", "")]]
    assert join(header, rows, r).foreign == {}
