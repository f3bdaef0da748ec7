"""Grade import files for a learning management system (Canvas, Moodle), written offline.

Why files and not an API: a teacher with a Canvas or Moodle course can always upload a CSV
from the gradebook page, with no token, no network and no LTI tool for an administrator to
register; the LMS then shows a preview before anything changes. Each writer follows the
import format its LMS documents (see the instructor guide for the pages):

* Canvas gradebook CSV: ``Student,ID,SIS User ID,SIS Login ID,Section`` then one column per
  assignment, headed ``<title> (<Canvas assignment id>)`` (a title alone makes Canvas create
  a new assignment), and the optional second row ``Points Possible``.
* Moodle grade import CSV: one identity column (``Email address`` or ``ID number``) that is
  mapped to a user field on upload, then one column per assignment, mapped to a grade item.

Scores come from the gradebook joined to the roster (``course.roster``): the whole grade,
the auto-marked points plus the teacher's marks, out of the assignment's full points. Only
students whose score is decided get a row: an empty cell is not "leave unchanged" to either
importer (Canvas's ``no_change_to_value?`` and Moodle's ``update_final_grade`` treat it as a new,
empty grade), so a student with no file, two files under one id, or work still to be marked is
left out of the file, listed on screen, and keeps whatever grade the LMS already has. Identity
cells (name, SIS id, email) must reach the LMS exactly as the roster has them: a value the
spreadsheet-formula guard would change is refused with its roster row.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from .csvsafe import cell, write_csv
from .roster import Join, Student, normalize_id

__all__ = ["FORMATS", "CANVAS_COLUMNS", "LmsError", "Export", "assignments_in", "assignment_title",
           "known_assignments", "build", "write"]

FORMATS = ("canvas", "moodle")
CANVAS_COLUMNS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
MOODLE_KEYS = {"email": "Email address", "sis_id": "ID number"}


class LmsError(ValueError):
    """The import file cannot be written as asked; the message says why and what to do."""


def known_assignments() -> list[str]:
    """Every prefix of a question id in the bank ("a3" of "a3.presenter"): what `course grade`
    can grade."""
    from helpers import questions

    return sorted({qid.split(".", 1)[0] for qid in questions.question_ids() if "." in qid})


def assignments_in(join: Join) -> list[str]:
    return sorted({(row.get("assignment") or "").strip() for row in join.rows} - {""})


def assignment_title(assignment: str, exercises: Path | None = None) -> str:
    """The title students saw (the exercise notebook's metadata), else the id itself."""
    folder = exercises or Path(__file__).resolve().parents[2] / "exercises"
    for path in sorted(folder.glob("*.ipynb")) if folder.is_dir() else []:
        try:
            course = json.loads(path.read_text(encoding="utf-8")).get("metadata", {}).get("course", {})
        except (OSError, ValueError, AttributeError):
            continue
        if isinstance(course, dict) and course.get("assignment") == assignment and course.get("title"):
            return f"{assignment.upper()}: {course['title']}"
    return assignment


@dataclass
class Export:
    """One LMS file's content, and the students it could not give a score."""

    header: list[str]
    rows: list[list[str]]
    no_file: list[Student] = field(default_factory=list)
    ambiguous: list[Student] = field(default_factory=list)
    disputed: list[Student] = field(default_factory=list)   # their id typed in a file in another's folder
    no_key: list[Student] = field(default_factory=list)
    to_mark: list[Student] = field(default_factory=list)     # a score still waiting for the teacher's marks
    unknown_files: list[str] = field(default_factory=list)


def _scores(join: Join, assignments: list[str]):
    """roster id -> assignment -> (score, still to mark); the (id, assignment) pairs with two
    files; and those whose file sits in another student's folder (``Join.foreign``)."""
    scores: dict[str, dict[str, tuple[str, str]]] = {}
    twice: set[tuple[str, str]] = set()
    disputed: set[tuple[str, str]] = set()
    for i, (row, student) in enumerate(zip(join.rows, join.student)):
        assignment = (row.get("assignment") or "").strip()
        if student is None or assignment not in assignments:
            continue
        key = normalize_id(student.student_id)
        if i in join.foreign:
            disputed.add((key, assignment))
        if assignment in scores.get(key, {}):
            twice.add((key, assignment))
        scores.setdefault(key, {})[assignment] = (str(row.get("score") or "").strip(),
                                                  str(row.get("to_mark") or "").strip())
    return scores, twice, disputed


def full_points(assignment: str) -> str:
    """The assignment's full points from the question bank: auto-checked and teacher-marked."""
    from helpers import questions

    bank = questions.load_bank()["questions"]
    total = sum(float(q.get("points", 1) or 0) for qid, q in bank.items()
                if qid.startswith(assignment + ".") and isinstance(q, dict))
    return str(int(total)) if total.is_integer() else f"{total:g}"


def _identity(student: Student, column: str, label: str, roster: str, hint: str = "") -> str:
    """The roster value as the LMS must see it, refused if the formula guard would change it."""
    value = getattr(student, column)
    if cell(value) != value:
        raise LmsError(f"{roster}, row {student.row}: the {label} {value!r} starts with a character a spreadsheet "
                       "reads as a formula (= + - @) or holds a control character, so it cannot be written unchanged "
                       f"and the LMS would not match it; correct it in the roster{hint}.")
    return value


def build(join: Join, lms: str, assignments: list[str], *, titles: dict[str, str],
          canvas_ids: dict[str, str] | None = None, key: str = "email", roster: str = "the roster",
          points: dict[str, str] | None = None) -> Export:
    """The rows of the import file: one per roster student whose every score is decided, in
    roster order; the others are listed on the Export."""
    if lms not in FORMATS:
        raise LmsError(f"unknown LMS {lms!r}: choose one of {', '.join(FORMATS)}.")
    canvas_ids = canvas_ids or {}
    points = points or {a: full_points(a) for a in assignments}
    scores, twice, disputed = _scores(join, assignments)
    export = Export(header=[], rows=[])
    export.unknown_files = [row.get("file") or row.get("submission") or "" for row, s in zip(join.rows, join.student)
                            if s is None and (row.get("assignment") or "").strip() in assignments]
    if lms == "canvas":
        columns = [f"{titles[a]} ({canvas_ids[a]})" if canvas_ids.get(a) else titles[a] for a in assignments]
        export.header = [*CANVAS_COLUMNS, *columns]
        export.rows.append(["    Points Possible", "", "", "", "", *(points[a] for a in assignments)])
    else:
        if key not in MOODLE_KEYS:
            raise LmsError(f"unknown Moodle identity column {key!r}: choose one of {', '.join(MOODLE_KEYS)}.")
        export.header = [MOODLE_KEYS[key], *(titles[a] for a in assignments)]
    for student in join.roster:
        sid = normalize_id(student.student_id)
        mine = scores.get(sid, {})
        if any((sid, a) in twice for a in assignments):
            export.ambiguous.append(student)
            continue
        if any((sid, a) in disputed for a in assignments):
            export.disputed.append(student)
            continue
        if not all(mine.get(a, ("", ""))[0] for a in assignments):
            export.no_file.append(student)
            continue
        if any(mine[a][1] for a in assignments):
            export.to_mark.append(student)
            continue
        cells = [mine[a][0] for a in assignments]
        if lms == "canvas":
            export.rows.append([_identity(student, "name", "name", roster), "",
                                _identity(student, "sis_id", "SIS id", roster), "",
                                _identity(student, "section", "section", roster), *cells])
        else:
            if not getattr(student, key):
                export.no_key.append(student)
                continue
            other = "sis_id" if key == "email" else "email"
            export.rows.append([_identity(student, key, key, roster, f", or use --lms-key {other}"), *cells])
    return export


def write(export: Export, out: Path, *, force: bool = False) -> None:
    """Write the file; refuse to replace an existing one unless ``force``."""
    out = Path(out)
    if out.exists() and not force:
        raise LmsError(f"{out} already exists; use --force to replace it.")
    write_csv(out, export.header, export.rows, lineterminator="\r\n")


# --------------------------------------------------------------------------------------
# The roster and LMS options of `course grade` (grading.main calls these three hooks, so the
# grader itself knows nothing of rosters or LMS formats).


def add_arguments(parser) -> None:
    group = parser.add_argument_group("roster and LMS import file")
    group.add_argument("--roster", type=Path, metavar="CSV",
                       help="class roster with the columns student_id,name,email,sis_id,section: joins names "
                            "into the gradebook and lists unknown ids, two files under one id, files in one student's "
                            "folder under another's id and students with no file")
    group.add_argument("--lms", choices=FORMATS, help="also write a grade import file for this LMS (needs --roster)")
    group.add_argument("--lms-out", type=Path, metavar="CSV", help="the import file (default: <out>_<lms>.csv)")
    group.add_argument("--assignment", action="append", default=[], metavar="ID",
                       help="only this assignment in the import file (repeat for more; default: every one graded)")
    group.add_argument("--canvas-id", action="append", default=[], metavar="ASSIGNMENT=ID",
                       help="the Canvas assignment id to update, e.g. a3=48213 (from the assignment's web address); "
                            "without it Canvas creates a new assignment")
    group.add_argument("--lms-key", choices=sorted(MOODLE_KEYS), default="email",
                       help="Moodle: the identity column, email (map to useremail) or sis_id (map to useridnumber)")
    group.add_argument("--force", action="store_true",
                       help="replace an existing gradebook, reflections file and import file (refused by default: "
                            "a gradebook may hold work you would lose)")


@dataclass
class Plan:
    roster: object = None
    lms_out: Path | None = None
    canvas_ids: dict = field(default_factory=dict)


def preflight(args) -> Plan:
    """Everything that can be refused is refused before a single file is written."""
    from .roster import read_roster

    plan = Plan()
    if args.lms and not args.roster:
        raise LmsError("--lms needs --roster: the import file is keyed by the roster's names and ids.")
    for item in args.canvas_id:
        assignment, sep, number = item.partition("=")
        if not sep or not assignment.strip() or not number.strip().isdigit():
            raise LmsError(f"--canvas-id {item!r}: write ASSIGNMENT=ID with the number from the Canvas "
                           "assignment's address, e.g. a3=48213.")
        plan.canvas_ids[assignment.strip()] = number.strip()
    if (args.assignment or plan.canvas_ids) and not args.lms:
        raise LmsError("--assignment and --canvas-id only apply to the import file: add --lms canvas or --lms moodle.")
    known = set(known_assignments())
    for assignment in [*args.assignment, *plan.canvas_ids]:
        if assignment not in known:
            raise LmsError(f"unknown assignment {assignment!r}: the question bank has "
                           f"{', '.join(a for a in sorted(known) if a[:1] == 'a' and a[1:].isdigit()) or 'none'}.")
    if args.roster:
        plan.roster = read_roster(args.roster)
    if args.lms:
        plan.lms_out = args.lms_out or args.out.with_name(f"{args.out.stem}_{args.lms}.csv")
        if plan.lms_out.exists() and not args.force:
            raise LmsError(f"{plan.lms_out} already exists; use --force to replace it.")
    return plan


def choose_assignments(args, found: list[str]) -> list[str]:
    """The import file's columns: those asked for, else the one assignment graded. Refused
    (before the gradebook is written) when the files name several: a column the LMS does not
    know becomes a new assignment there."""
    if not args.lms:
        return []
    if args.assignment:
        return list(args.assignment)
    if len(found) > 1:
        raise LmsError(f"the hand-ins name several assignments ({', '.join(found)}); a column the LMS does not "
                       "know becomes a new assignment there, so say which go into the import file with "
                       "--assignment (e.g. --assignment " + found[0] + ").")
    if not found:
        raise LmsError("no graded assignment in the folder, so there is nothing to import; "
                       "name one with --assignment to write an empty column.")
    return found


def finish(args, plan: Plan, joined: Join | None, assignments: list[str]) -> None:
    """Write the import file from the joined gradebook; print what is left to do."""
    if plan.roster is None or joined is None:
        return
    print(f"roster {args.roster} ({len(plan.roster.students)} students): {len(joined.unknown)} file(s) with an id "
          f"not on the roster; {len(joined.duplicates)} student(s) with two or more files of one assignment; "
          f"{len(joined.foreign)} file(s) in one student's folder with another's id; "
          f"{len(joined.missing)} missing hand-in(s) (all listed in the gradebook's errors column).")
    if not args.lms:
        return
    found = assignments_in(joined)
    others = sorted(set(found) - set(assignments))
    titles = {a: assignment_title(a) for a in assignments}
    export = build(joined, args.lms, assignments, titles=titles, canvas_ids=plan.canvas_ids, key=args.lms_key,
                   roster=str(args.roster))
    write(export, plan.lms_out, force=args.force)
    print(f"{args.lms} import file: {plan.lms_out} ({len(export.rows) - (args.lms == 'canvas')} students, "
          f"columns: {', '.join(export.header[len(export.header) - len(assignments):])}"
          + (f"; points possible: {', '.join(export.rows[0][5:])}" if args.lms == "canvas" else "") + ").")
    print("  Only students with a decided score are in the file; the LMS keeps its grade for everyone left out:")
    for label, group in (("no file", export.no_file), ("two files under one id", export.ambiguous),
                         ("their id typed in a file in another student's folder", export.disputed),
                         ("work still to be marked (see to_mark in the gradebook)", export.to_mark),
                         (f"no {args.lms_key} on the roster", export.no_key)):
        if group:
            names = ", ".join(s.name or s.student_id for s in group[:10]) + (" ..." if len(group) > 10 else "")
            print(f"  left out, {label}: {names}")
    if export.unknown_files:
        print(f"  not in the file (id not on the roster): {', '.join(export.unknown_files[:10])}")
    if others:
        print(f"  not in the file (another assignment): {', '.join(others)}")
    if args.lms == "canvas" and not all(a in plan.canvas_ids for a in assignments):
        print("  Canvas will create a new assignment for each column without an id; to fill an existing one, "
              "rerun with --canvas-id ASSIGNMENT=ID --force.")
