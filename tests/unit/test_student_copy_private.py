"""The student copy holds what the course's git repository tracks at HEAD, and nothing a
teacher keeps beside it: gradebooks, rosters, hand-ins, keys, reports, a copied solution.

Each test works on a throwaway repository made from the course's HEAD, so the teacher's
files can be planted in its working tree exactly where a teacher would put them.
"""
import os
import stat
import subprocess
from pathlib import Path

import pytest

from course import export
from course.errors import CourseError

ROOT = Path(__file__).resolve().parents[2]
MARK = "PRIVATE-7f3a"   # planted in every private file, searched for in every copied file


def git(folder, *args):
    return subprocess.run(["git", "-C", str(folder), "-c", "user.name=T", "-c", "user.email=t@example.org",
                           *args], check=True, capture_output=True).stdout


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A repository holding the course's HEAD, plus the files of a teacher's term in its working tree."""
    repo = tmp_path_factory.mktemp("course") / "moscow"
    repo.mkdir()
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", "HEAD"], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(repo)], input=archive, check=True)
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "course")
    solution = next((repo / "solutions").glob("a1*.ipynb"))
    planted = {
        "gradebook.csv": f"student_id,file,score\ns001,alice/a1.ipynb,6 {MARK}\n",
        "gradebook_reflections.csv": f"student_id,text\ns001,my essay {MARK}\n",
        "gradebook_canvas.csv": f"Student,ID,SIS User ID\nAlice,,SIS001 {MARK}\n",
        "roster.csv": f"student_id,name,email,sis_id,section\ns001,Alice,alice@example.org {MARK},SIS001,Mon\n",
        "marks.csv": f"file,student_id,question,points,comment\nalice/a1.ipynb,s001,a1.essay,3,{MARK}\n",
        "handins/alice/a1.ipynb": '{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5, "x": "%s"}' % MARK,
        "instructor-keys/a1.key.html": f"<p>For instructors. {MARK}</p>",
        "report/items.csv": f"question,share\na1.x,{MARK}\n",
        "report/index.html": f"<p>{MARK}</p>",
        "grading-2026/key-copy.ipynb": solution.read_text(encoding="utf-8").replace("}", f', "m": "{MARK}"}}', 1),
        "notebooks/scratch-untracked.ipynb": f'{{"note": "{MARK}"}}',
    }
    for name, text in planted.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text, encoding="utf-8")
    # a tracked file changed after the last commit: the copy takes the committed version
    (repo / "README.md").write_text((repo / "README.md").read_text(encoding="utf-8") + f"\n{MARK}\n", encoding="utf-8")
    return repo, planted


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*")
            if p.is_file() and ".git" not in p.relative_to(folder).parts}


def test_nothing_of_the_teachers_term_reaches_the_copy(course, tmp_path):
    repo, planted = course
    out = tmp_path / "student"
    copied, left = export.export(out, root=repo)
    found = files_of(out)
    assert not set(planted) & set(found)
    assert not [name for name, data in found.items() if MARK.encode() in data]
    tracked = {line for line in git(repo, "ls-files").decode().splitlines()}
    assert set(found) <= tracked   # nothing untracked, whatever its name
    assert {p.as_posix() for p in copied} == set(found)
    assert not [n for n in found if n.startswith(("solutions/", "instructors/", "src/course/", "benchmarks/", ".ci/"))]
    left_names = {p.as_posix() for p in left}
    assert "src/course/grading.py" in left_names and any(n.startswith("solutions/") for n in left_names)
    assert (out / "src/helpers/question_bank.json").is_file() and (out / "Makefile").is_file()


def test_the_copy_has_ordinary_modes(course, tmp_path):
    repo, _ = course
    out = tmp_path / "student"
    old = os.umask(0o022)
    try:
        export.export(out, root=repo)
    finally:
        os.umask(old)
    assert stat.S_IMODE(out.stat().st_mode) == 0o755
    assert stat.S_IMODE((out / "README.md").stat().st_mode) == 0o644
    assert stat.S_IMODE((out / "notebooks").stat().st_mode) == 0o755
    executable = [line.split("\t")[1] for line in git(repo, "ls-files", "-s").decode().splitlines()
                  if line.startswith("100755") and (out / line.split("\t")[1]).exists()]
    assert executable and all(stat.S_IMODE((out / n).stat().st_mode) == 0o755 for n in executable)


def test_force_refreshes_in_place_and_keeps_git(course, tmp_path, capsys):
    repo, _ = course
    out = tmp_path / "student"
    export.export(out, root=repo)
    git(out, "init", "-q")
    git(out, "remote", "add", "origin", "https://example.org/moscow-student.git")
    (out / "term-notes.md").write_text("committed by the teacher", encoding="utf-8")
    git(out, "add", "-A")
    git(out, "commit", "-q", "-m", "published")
    head = git(out, "rev-parse", "HEAD")
    (out / "notebooks" / "stale.ipynb").write_text("{}", encoding="utf-8")  # uncommitted: refused
    with pytest.raises(CourseError, match="uncommitted changes"):
        export.export(out, root=repo, force=True)
    assert (out / "notebooks" / "stale.ipynb").exists()
    (out / "notebooks" / "stale.ipynb").unlink()
    export.export(out, root=repo, force=True)
    assert git(out, "rev-parse", "HEAD") == head
    assert b"example.org/moscow-student" in git(out, "remote", "-v")
    # the committed extra file is gone from the working tree but restorable from the copy's history
    assert not (out / "term-notes.md").exists()
    assert git(out, "show", "HEAD:term-notes.md") == b"committed by the teacher"
    assert git(out, "status", "--porcelain").decode().strip() == "D term-notes.md"


def test_outside_a_git_checkout_the_command_says_so(tmp_path, capsys):
    plain = tmp_path / "unpacked-course"
    plain.mkdir()
    (plain / "README.md").write_text("a course without git", encoding="utf-8")
    with pytest.raises(CourseError, match="not a git checkout"):
        export.export(tmp_path / "student", root=plain)
    assert not (tmp_path / "student").exists()
