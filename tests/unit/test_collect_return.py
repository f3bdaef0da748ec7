"""`course collect` and `course return` on made-up home folders, hostile ones included.

Why: on a hub server the teacher (often root) reads and writes inside folders students
control. These tests build homes as a hub leaves them (the course pulled by nbgitpuller
into a folder named after the repository) and then turn each part into a trap: a home that
is a link, a hand-in that is a link, a pipe or huge, account names no file may carry, a
feedback folder linked into a classmate's home. Each must be refused with the account or
file named, and nothing may be overwritten or left half-written.
"""
from __future__ import annotations

import csv
import json
import os
import time
from pathlib import Path

import nbformat
import pytest

from course import cli, collect as C, giveback as G
from course.errors import CourseError
from helpers.records import STUDENT_ID, record_bundle

ROOT = Path(__file__).resolve().parents[2]
EXERCISE = next((ROOT / "exercises").glob("a3_*.ipynb"))
PULLED = "moscow-student"  # nbgitpuller's folder: the student repository's name


def hand_in(home: Path, typed_id: str | None = None, *, mtime: float | None = None) -> Path:
    """An a3 exercise saved in ``home`` where nbgitpuller puts it, with a typed id if given."""
    nb = nbformat.read(EXERCISE, as_version=4)
    if typed_id is not None:
        cell = next(c for c in nb.cells if c.cell_type == "code" and "student_id()" in c.source)
        cell.outputs = [nbformat.v4.new_output("display_data", data=record_bundle(STUDENT_ID, 1, typed_id))]
    path = home / PULLED / "exercises" / EXERCISE.name
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    if mtime is not None:
        os.utime(path, (mtime, mtime))
    return path


def manifest(out: Path) -> dict[str, dict]:
    with (out / C.MANIFEST).open(encoding="utf-8", newline="") as handle:
        return {row["account"]: row for row in csv.DictReader(handle)}


def run(*argv: str) -> int:
    return cli.main(list(argv))


@pytest.fixture
def homes(tmp_path) -> Path:
    folder = tmp_path / "home"
    for account in ("alice", "bob"):
        hand_in(folder / account, account)
    (folder / "carol").mkdir()   # logged in, never saved the exercise
    return folder


# --- collect --------------------------------------------------------------------------------

def test_collect_names_files_by_account_and_records_times(homes, tmp_path, capsys):
    stamp = time.time() - 3600
    os.utime(homes / "bob" / PULLED / "exercises" / EXERCISE.name, (stamp, stamp))
    out = tmp_path / "handed-in" / "a3"
    assert run("collect", "--homes", str(homes), "--assignment", "a3", "--out", str(out)) == 0
    assert sorted(p.name for p in out.iterdir()) == ["alice.ipynb", "bob.ipynb", C.MANIFEST]
    assert (out / "bob.ipynb").read_bytes() == (homes / "bob" / PULLED / "exercises" / EXERCISE.name).read_bytes()
    rows = manifest(out)
    assert rows["bob"]["modified_utc"] == time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(int(stamp)))
    assert rows["bob"]["source"] == f"{PULLED}/exercises/{EXERCISE.name}"
    assert rows["carol"]["file"] == "" and "not handed in" in rows["carol"]["problem"]
    assert "nothing handed in by: carol" in capsys.readouterr().out
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".")], "a partial folder was left behind"


def test_collect_never_overwrites_and_leaves_nothing_when_there_is_nothing(homes, tmp_path, capsys):
    out = tmp_path / "handed-in"
    out.mkdir()
    (out / "old.ipynb").write_text("{}")
    assert run("collect", "--homes", str(homes), "--assignment", "a3", "--out", str(out)) == 2
    assert "already exists and is not empty" in capsys.readouterr().err
    assert [p.name for p in out.iterdir()] == ["old.ipynb"]

    empty = tmp_path / "nobody"
    (empty / "dave").mkdir(parents=True)
    fresh = tmp_path / "fresh"
    assert run("collect", "--homes", str(empty), "--assignment", "a3", "--out", str(fresh)) == 2
    assert "nothing to collect" in capsys.readouterr().err
    assert not fresh.exists() and [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_collect_refuses_an_unknown_assignment_and_a_bad_pattern(homes, tmp_path, capsys):
    out = tmp_path / "out"
    assert run("collect", "--homes", str(homes), "--assignment", "a9", "--out", str(out)) == 2
    assert "no such assignment" in capsys.readouterr().err
    assert run("collect", "--homes", str(homes), "--assignment", "a3", "--out", str(out), "--pattern", "../*/x.ipynb") == 2
    assert "--pattern" in capsys.readouterr().err
    assert run("collect", "--homes", str(tmp_path / "missing"), "--assignment", "a3", "--out", str(out)) == 2
    assert "does not exist" in capsys.readouterr().err
    assert not out.exists()


def test_links_are_never_followed(homes, tmp_path):
    alice = homes / "alice"
    (homes / "mallory").symlink_to(alice)                                   # home is a link
    eve = homes / "eve" / PULLED / "exercises"
    eve.mkdir(parents=True)
    (eve / EXERCISE.name).symlink_to(alice / PULLED / "exercises" / EXERCISE.name)   # hand-in is a link
    (homes / "trent" / PULLED).mkdir(parents=True)
    (homes / "trent" / PULLED / "exercises").symlink_to(alice / PULLED / "exercises")  # a folder on the way
    out = tmp_path / "out"
    rows, problems = C.collect(homes, "a3", out)
    assert sorted(p.name for p in out.iterdir()) == ["alice.ipynb", "bob.ipynb", C.MANIFEST]
    text = "\n".join(problems)
    assert "mallory: home folder" in text and "symbolic link" in text
    assert f"eve: {PULLED}/exercises/{EXERCISE.name} is a symbolic link" in text
    assert f"trent: {PULLED}/exercises is a symbolic link" in text
    assert {r["account"]: r["file"] for r in rows}["mallory"] == ""


def test_a_pipe_or_a_huge_file_is_refused_without_blocking(homes, tmp_path):
    pipe = homes / "frank" / PULLED / "exercises" / EXERCISE.name
    pipe.parent.mkdir(parents=True)
    os.mkfifo(pipe)                                   # reading it would wait for ever
    big = hand_in(homes / "grace")
    with big.open("ab") as handle:
        handle.truncate(3 << 20)
    out = tmp_path / "out"
    rows, problems = C.collect(homes, "a3", out, max_bytes=2 << 20)
    by = {r["account"]: r for r in rows}
    assert "frank" in by["frank"]["problem"] and "not a regular file" in by["frank"]["problem"]
    assert "over the 2,097,152-byte limit" in by["grace"]["problem"]
    assert not (out / "frank.ipynb").exists() and not (out / "grace.ipynb").exists()


def test_odd_account_names_are_reported_not_used(homes, tmp_path):
    for name in ("-rf", "two words", "tab\there", ".hidden"):
        hand_in(homes / name)
    undecodable = os.fsencode(str(homes)) + b"/caf\xe9"
    os.makedirs(undecodable)
    hand_in(homes / "иван")
    out = tmp_path / "out"
    rows, problems = C.collect(homes, "a3", out)
    assert (out / "иван.ipynb").is_file()
    assert {r["account"] for r in rows} == {"alice", "bob", "carol", "иван"}
    text = "\n".join(problems)
    for shown in ("'-rf'", "'two words'", "'tab\\there'", "'caf\\udce9'"):
        assert f"home folder {shown}" in text, text
    assert ".hidden" not in text and sorted(p.name for p in out.iterdir()) == [
        "alice.ipynb", "bob.ipynb", C.MANIFEST, "иван.ipynb"]


def test_home_prefix_names_files_by_hub_user(tmp_path):
    homes = tmp_path / "home"
    hand_in(homes / "jupyter-alice", "alice")
    (homes / "ubuntu").mkdir()   # the server's own account, not a student
    out = tmp_path / "out"
    rows, _ = C.collect(homes, "a3", out, prefix="jupyter-")
    assert [r["account"] for r in rows] == ["alice"] and (out / "alice.ipynb").is_file()


# --- the gradebook: account, late, penalty ------------------------------------------------------

def test_gradebook_takes_identity_from_the_account_and_flags_late_hand_ins(tmp_path, capsys):
    homes = tmp_path / "home"
    due = int(time.time()) - 3 * 86400
    hand_in(homes / "alice", "alice", mtime=due - 60)            # on time
    hand_in(homes / "bob", "alice", mtime=due + 86400 + 7200)    # a day and two hours late, under alice's id
    out = tmp_path / "handed-in"
    due_iso = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(due))
    assert run("collect", "--homes", str(homes), "--assignment", "a3", "--out", str(out),
               "--due", due_iso, "--late-penalty", "10%/day") == 0
    assert "1 late" in capsys.readouterr().out
    rows = manifest(out)
    assert (rows["alice"]["late"], rows["bob"]["late"], rows["bob"]["late_penalty"]) == ("", "1 d 2 h", "20%")
    book = tmp_path / "gradebook.csv"
    assert run("grade", str(out), "--out", str(book)) == 0
    graded = {r["file"]: r for r in csv.DictReader(book.open(encoding="utf-8"))}
    assert graded["bob.ipynb"]["student_id"] == "bob" and graded["bob.ipynb"]["typed_id"] == "alice"
    assert "is not the account 'bob'" in graded["bob.ipynb"]["errors"]
    assert (graded["bob.ipynb"]["late"], graded["bob.ipynb"]["late_penalty"]) == ("1 d 2 h", "20%")
    assert graded["alice.ipynb"]["errors"] == "" and graded["alice.ipynb"]["late"] == ""


def test_penalty_and_due_are_checked(homes, tmp_path, capsys):
    out = tmp_path / "out"
    assert run("collect", "--homes", str(homes), "--assignment", "a3", "--out", str(out), "--late-penalty", "10%/day") == 2
    assert "needs --due" in capsys.readouterr().err
    assert run("collect", "--homes", str(homes), "--assignment", "a3", "--out", str(out), "--due", "friday") == 2
    assert "ISO 8601" in capsys.readouterr().err
    assert run("collect", "--homes", str(homes), "--assignment", "a3", "--out", str(out), "--due", "2024-01-01",
               "--late-penalty", "ten") == 2
    assert "10%/day" in capsys.readouterr().err
    assert not out.exists()
    assert C.delay_text(59) == "1 min" and C.delay_text(2 * 86400 + 3600 * 3 + 300) == "2 d 3 h 5 min"


# --- return ---------------------------------------------------------------------------------

@pytest.fixture
def pages(tmp_path) -> Path:
    folder = tmp_path / "feedback"
    folder.mkdir()
    for account in ("alice", "bob", "ghost"):
        (folder / f"{account}.html").write_text(f"<p>feedback for {account}</p>", encoding="utf-8")
    return folder


def test_return_puts_each_page_in_its_own_home_only(homes, pages, capsys):
    assert run("return", str(pages), "--homes", str(homes), "--assignment", "a3") == 1
    captured = capsys.readouterr()
    assert (homes / "alice" / "feedback" / "a3.html").read_text() == "<p>feedback for alice</p>"
    assert (homes / "bob" / "feedback" / "a3.html").read_text() == "<p>feedback for bob</p>"
    assert not (homes / "carol" / "feedback").exists()
    assert "ghost: no home folder" in captured.err and "ghost.html" in captured.err
    assert not [p for p in (homes / "alice" / "feedback").iterdir() if p.name != "a3.html"], "temporary file left"

    (pages / "alice.html").write_text("<p>corrected</p>")
    assert run("return", str(pages), "--homes", str(homes), "--assignment", "a3") == 1
    assert "already exists; nothing overwritten" in capsys.readouterr().err
    assert (homes / "alice" / "feedback" / "a3.html").read_text() == "<p>feedback for alice</p>"
    (pages / "ghost.html").unlink()
    assert run("return", str(pages), "--homes", str(homes), "--assignment", "a3", "--replace") == 0
    assert (homes / "alice" / "feedback" / "a3.html").read_text() == "<p>corrected</p>"


def test_return_refuses_links_into_another_home(homes, pages, capsys):
    (homes / "bob" / "feedback").symlink_to(homes / "alice")            # bob's feedback folder -> alice's home
    (homes / "alice" / "feedback").mkdir()
    (homes / "alice" / "feedback" / "a3.html").symlink_to(homes / "carol" / "victim.html")  # a planted link
    (pages / "mallory.html").write_text("x")
    (homes / "mallory").symlink_to(homes / "carol")                      # a home that is a link
    (pages / "carol.html").symlink_to(pages / "alice.html")              # a page that is a link
    assert run("return", str(pages), "--homes", str(homes), "--assignment", "a3") == 1
    err = capsys.readouterr().err
    assert "bob:" in err and "feedback is a symbolic link" in err
    assert "alice:" in err and "not a regular file" in err
    assert "mallory: home folder" in err and "carol.html: a symbolic link" in err
    assert not (homes / "alice" / "a3.html").exists() and not (homes / "carol" / "victim.html").exists()
    assert not (homes / "carol" / "feedback").exists()


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a file to another user needs root")
def test_return_as_root_gives_the_page_to_the_student(homes, pages):
    os.chown(homes / "alice", 4321, 4321)
    done, problems = G.give_back(pages, homes, "a3")
    page = homes / "alice" / "feedback" / "a3.html"
    info = page.stat()
    assert (info.st_uid, info.st_gid, info.st_mode & 0o777) == (4321, 4321, 0o600)
    assert (page.parent.stat().st_uid, page.parent.stat().st_mode & 0o777) == (4321, 0o700)


def test_return_refuses_an_empty_or_missing_feedback_folder(homes, tmp_path):
    with pytest.raises(CourseError, match="no .html feedback pages"):
        G.give_back(tmp_path, homes, "a3")
    with pytest.raises(CourseError, match="not a folder"):
        G.give_back(tmp_path / "nope", homes, "a3")


def test_a_late_penalty_is_taken_off_the_whole_grade_in_gradebook_and_feedback(tmp_path, capsys):
    """The penalty applies to auto-marked points and the teacher's marks alike, and the student's
    feedback page says so: one total everywhere."""
    from course import marks

    homes = tmp_path / "home"
    due = int(time.time()) - 3 * 86400
    solved = next((ROOT / "solutions").glob("a3_*.ipynb"))       # every answer given: a real score
    target = homes / "bob" / PULLED / "exercises" / EXERCISE.name
    target.parent.mkdir(parents=True)
    target.write_bytes(solved.read_bytes())
    os.utime(target, (due + 3600, due + 3600))                   # one started day late
    out = tmp_path / "handed-in"
    due_iso = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(due))
    assert run("collect", "--homes", str(homes), "--assignment", "a3", "--out", str(out),
               "--due", due_iso, "--late-penalty", "10%/day") == 0
    book = tmp_path / "gradebook.csv"
    assert run("grade", str(out), "--out", str(book)) == 0
    essay = next(csv.DictReader(book.open(encoding="utf-8")))["to_mark"].split()[0]
    marks.write_mark(tmp_path / "marks.csv", "bob.ipynb", "bob", essay, 1, "clear")
    assert run("grade", str(out), "--out", str(book), "--marks", str(tmp_path / "marks.csv"), "--force") == 0
    row = next(csv.DictReader(book.open(encoding="utf-8")))
    auto, manual = float(row["auto"]), float(row["manual"])
    assert auto > 0 and manual == 1 and row["late_penalty"] == "10%"
    assert float(row["score"]) == pytest.approx((auto + manual) * 0.9, abs=0.01)
    assert run("feedback", str(out), "--out", str(tmp_path / "fb"), "--marks", str(tmp_path / "marks.csv")) == 0
    page = (tmp_path / "fb" / "bob.html").read_text(encoding="utf-8")
    assert "Late penalty" in page and "10% of the total" in page
