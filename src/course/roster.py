"""The class roster: who is in the class, joined to the gradebook by student id.

Why: students rename their files, so the gradebook is keyed by the student id each one
types into the first cell of an exercise (falling back to the file's name when a gradebook
has no ``student_id`` column). The instructor's roster CSV turns those ids into names, the
keys an LMS needs (email, SIS id) and sections, and shows what goes wrong in a real class:
an id nobody on the roster has, two files handed in under one id, a student on the roster
with no file at all, and a file whose folder (or LMS download name) is one student's while
the id typed in it is another's (handing in for a friend, or under a friend's id). A bad
roster is refused with the file and row, never half-read.
"""
from __future__ import annotations

import csv
import io
import os
import re
import stat
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .csvsafe import write_csv   # escapes every cell, the gradebook's own guard

__all__ = ["COLUMNS", "RosterError", "Student", "Roster", "read_roster", "normalize_id",
           "Join", "join", "read_gradebook", "write_joined", "gradebook_student_id"]

COLUMNS = ("student_id", "name", "email", "sis_id", "section")
ADDED = ("name", "email", "sis_id", "section")   # the columns the join adds to the gradebook
MAX_BYTES = 5 * 1024 * 1024                       # a roster of tens of thousands is well under this


class RosterError(ValueError):
    """The roster cannot be used; the message names the file and, where it can, the row."""


@dataclass(frozen=True)
class Student:
    student_id: str
    name: str
    email: str
    sis_id: str
    section: str
    row: int          # line of the roster file (the header is row 1), for messages


@dataclass
class Roster:
    path: str
    students: list[Student]

    def by_id(self) -> dict[str, Student]:
        return {normalize_id(s.student_id): s for s in self.students}


def normalize_id(value: str) -> str:
    """Ids as students type them, folded: NFKC (full-width "ｓ００８" from an input method is
    "s008"), invisible format characters dropped (zero-width spaces, bidi controls), spaces
    collapsed, case ignored."""
    text = unicodedata.normalize("NFKC", str(value))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return " ".join(text.split()).casefold()


def _decode(path: Path, raw: bytes) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise RosterError(f"{path}: the file is UTF-16 (Excel's \"Unicode Text\"). Save it from "
                          "the spreadsheet as \"CSV UTF-8 (comma delimited)\" and try again.")
    try:
        return raw.decode("utf-8-sig")   # -sig: Excel's "CSV UTF-8" starts with a byte-order mark
    except UnicodeDecodeError as err:
        line = raw[:err.start].count(b"\n") + 1
        raise RosterError(f"{path}, row {line}: the file is not UTF-8 text (byte 0x{raw[err.start]:02x}). "
                          "Save it from the spreadsheet as \"CSV UTF-8 (comma delimited)\".") from None


def read_roster(path: Path) -> Roster:
    """Read and check a roster CSV with the columns ``COLUMNS`` (others are ignored).

    Accepted: a UTF-8 byte-order mark, comma, semicolon or tab as separator (spreadsheets in
    many locales save with semicolons), blank lines. Refused with file and row: a missing
    file or column, an empty file, an empty or repeated student id, text that is not UTF-8.
    """
    path = Path(path)
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError
        if not stat.S_ISREG(info.st_mode):
            raise RosterError(f"{path}: not a regular file (a pipe, device or socket); give the roster CSV file itself.")
        if info.st_size > MAX_BYTES:
            raise RosterError(f"{path}: the roster is over {MAX_BYTES // 1024 // 1024} MB; is this the right file?")
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        try:
            raw = os.read(fd, MAX_BYTES + 1)
        finally:
            os.close(fd)
    except FileNotFoundError:
        raise RosterError(f"{path}: no such roster file.") from None
    except IsADirectoryError:
        raise RosterError(f"{path}: is a folder, not a roster CSV file.") from None
    except OSError as err:
        raise RosterError(f"{path}: cannot read the roster ({err.strerror}).") from None
    text = _decode(path, raw)
    if not text.strip():
        raise RosterError(f"{path}: the roster is empty; it needs a header row "
                          f"({','.join(COLUMNS)}) and one row per student.")
    first = text.lstrip("\r\n").splitlines()[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        rows = [(reader.line_num, row) for row in reader]
    except csv.Error as err:
        raise RosterError(f"{path}, row {reader.line_num}: the CSV is malformed ({err}).") from None
    rows = [(n, r) for n, r in rows if any(cell.strip() for cell in r)]
    if not rows:
        raise RosterError(f"{path}: every field of the roster is empty; it needs a header row "
                          f"({','.join(COLUMNS)}) and one row per student.")
    header_row, header = rows[0]
    names = [h.strip().lower() for h in header]
    missing = [c for c in COLUMNS if c not in names]
    if missing:
        raise RosterError(f"{path}, row {header_row} (header): missing column(s) {', '.join(missing)}. "
                          f"The roster needs the columns {','.join(COLUMNS)}; found {','.join(h.strip() for h in header) or 'none'}.")
    repeated = sorted({n for n in names if n in COLUMNS and names.count(n) > 1})
    if repeated:
        raise RosterError(f"{path}, row {header_row} (header): column(s) {', '.join(repeated)} appear twice.")
    where = {c: names.index(c) for c in COLUMNS}
    students: list[Student] = []
    seen: dict[str, int] = {}
    for line, row in rows[1:]:
        if len(row) > len(header):
            raise RosterError(f"{path}, row {line}: {len(row)} fields but the header has {len(header)} "
                              "(a name with a comma must be in double quotes).")
        values = {c: (row[i].strip() if i < len(row) else "") for c, i in where.items()}
        sid = values["student_id"]
        if not sid:
            raise RosterError(f"{path}, row {line}: the student_id is empty.")
        key = normalize_id(sid)
        if key in seen:
            raise RosterError(f"{path}, row {line}: student_id {sid!r} is already used on row {seen[key]}; "
                              "each student needs their own id.")
        seen[key] = line
        students.append(Student(row=line, **values))
    if not students:
        raise RosterError(f"{path}: the roster has a header but no students.")
    return Roster(path=str(path), students=students)


# --------------------------------------------------------------------------------------
# Joining a gradebook to the roster


def read_gradebook(path: Path) -> tuple[list[str], list[dict]]:
    """The header and rows of a gradebook CSV written by `course grade`."""
    with Path(path).open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
        return list(reader.fieldnames or []), rows


def _file_column(header: list[str]) -> str:
    return "file" if "file" in header else "submission"


def gradebook_student_id(row: dict, header: list[str]) -> str:
    """The student id of a gradebook row: its ``student_id`` column. A row without a saved id
    has none ("" : reported as such, never matched by its file name, which could be anyone's
    id). Only an old gradebook without a ``student_id`` column falls back to the file's name."""
    if "student_id" in header:
        return str(row.get("student_id") or "").strip()
    return PurePosixPath(row.get(_file_column(header)) or "").stem


@dataclass
class Join:
    """The gradebook rows with their roster entries, and what did not fit."""

    header: list[str]
    roster: list[Student]                                # every roster student, in roster order
    rows: list[dict]                                     # every gradebook row, in order
    student: list[Student | None]                        # its roster entry, or None
    unknown: list[int] = field(default_factory=list)     # row indexes whose id is not on the roster
    # (roster id, assignment) -> row indexes, when one student has 2+ files of one assignment
    duplicates: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    # (student, assignment) for each roster student with no file of an assignment in the
    # gradebook; assignment "" when the gradebook has no graded assignment at all
    missing: list[tuple[Student, str]] = field(default_factory=list)
    # row index -> the roster student whose folder or download name the file has, when that is
    # not the student whose id was typed in it (or no id matched): the typed id gets no score
    foreign: dict[int, Student] = field(default_factory=dict)


# Download names that carry a student: Moodle's folders ("Anna Ivanova_1234_assignsubmission_file_")
# and Canvas's files ("ivanovaanna_1234_5678_a1.ipynb", "ivanovaanna_late_1234_5678_a1.ipynb").
_MOODLE = re.compile(r"^(.+?)_\d+_assignsubmission_", re.IGNORECASE)
_CANVAS = re.compile(r"^([^\W\d_]+)(?:_late)?_\d+_\d+_", re.IGNORECASE)


def _plain(text: str) -> str:
    """Letters and digits only, folded as ids are: "Ivanova, Anna" and "ivanova_anna" agree."""
    return "".join(ch for ch in normalize_id(text) if ch.isalnum())


def file_owner_name(file: str) -> str:
    """Whose the file's place says it is: its top folder (one per student, as a teacher sorts
    them or Moodle downloads them), or for a file at the top, Canvas's download name or the
    file's own name; "" when there is nothing to read."""
    parts = PurePosixPath(file).parts
    if len(parts) > 1:
        found = _MOODLE.match(parts[0])
        return found.group(1) if found else parts[0]
    stem = PurePosixPath(file).stem
    found = _CANVAS.match(stem)
    return found.group(1) if found else stem


def owners(roster: Roster) -> dict[str, Student]:
    """Folder and download names -> roster student: an id, an email or its part before the @,
    or the full name in either order. A name two students share points to neither."""
    found: dict[str, Student | None] = {}
    for student in roster.students:
        words = student.name.replace(",", " ").split()
        keys = {student.student_id, student.email, student.email.split("@")[0],
                " ".join(words), " ".join(reversed(words))}
        for key in {_plain(k) for k in keys} - {""}:
            found[key] = student if found.get(key, student) == student else None
    return {k: v for k, v in found.items() if v is not None}


def join(header: list[str], rows: list[dict], roster: Roster) -> Join:
    """Match every gradebook row to a roster student by id (see ``normalize_id``).

    Each assignment is checked on its own: a student who handed in a1 and a3 has not handed
    in twice, and one who handed in only a1 is missing from a3. A row that is no course
    assignment (a foreign or unreadable file) is kept and matched, but it is no hand-in. A
    file in one student's folder that carries another's id (or none on the roster) is
    matched by its id as typed and listed in ``foreign``: the LMS file leaves it out.
    """
    index = roster.by_id()
    by_place = owners(roster)
    result = Join(header=header, roster=list(roster.students), rows=rows, student=[])
    files_of: dict[tuple[str, str], list[int]] = {}
    for i, row in enumerate(rows):
        sid = gradebook_student_id(row, header)
        student = index.get(normalize_id(sid)) if sid else None
        result.student.append(student)
        owner = by_place.get(_plain(file_owner_name(row.get(_file_column(header)) or "")))
        if owner is not None and owner != student:
            result.foreign[i] = owner
        if student is None:
            result.unknown.append(i)
        else:
            assignment = (row.get("assignment") or "").strip()
            files_of.setdefault((normalize_id(student.student_id), assignment), []).append(i)
    result.duplicates = {k: v for k, v in files_of.items() if len(v) > 1}
    assignments = sorted({a for _, a in files_of} - {""}) or [""]
    result.missing = [(s, a) for a in assignments for s in roster.students
                      if (normalize_id(s.student_id), a) not in files_of]
    return result


def _note(row: dict, message: str) -> None:
    row["errors"] = "; ".join(part for part in (row.get("errors", ""), message) if part)


def write_joined(joined: Join, out: Path, roster_name: str) -> None:
    """The gradebook again, with the roster's columns after the id and file columns, a note
    in the errors column for each unknown or duplicated id, and one row (no file, no score)
    for each roster student and assignment with nothing handed in."""
    header = [h for h in joined.header if h not in ADDED]
    anchor = max((header.index(c) for c in ("student_id", "file", "submission") if c in header), default=-1)
    columns = header[:anchor + 1] + list(ADDED) + header[anchor + 1:]
    if "errors" not in columns:
        columns.append("errors")
    id_column = "student_id" if "student_id" in columns else None
    rows = []
    duplicate_rows = {i: ids for ids in joined.duplicates.values() for i in ids}
    for i, (row, student) in enumerate(zip(joined.rows, joined.student)):
        row = dict(row)
        for column in ADDED:
            row[column] = getattr(student, column) if student else ""
        if student is None:
            sid = gradebook_student_id(row, joined.header)
            _note(row, f"student id {sid[:80]!r} is not on the roster {roster_name}" if sid
                  else f"no student id, so not matched to the roster {roster_name}")
        elif i in duplicate_rows:
            others = [joined.rows[j].get(_file_column(joined.header), "") for j in duplicate_rows[i] if j != i]
            _note(row, f"student id {student.student_id!r} is also on {', '.join(others)}: "
                       "decide which file counts")
        if i in joined.foreign:
            owner = joined.foreign[i]
            _note(row, f"the file's folder or name {file_owner_name(row.get(_file_column(joined.header)) or '')!r} "
                       f"is {owner.name or owner.student_id} ({owner.student_id}, roster row {owner.row})"
                       + (f", not {student.student_id}, whose id is typed in it" if student else "")
                       + ": check who wrote it; no LMS score is written for it until the two agree")
        rows.append(row)
    for student, assignment in joined.missing:
        row = {c: "" for c in columns}
        if id_column:
            row[id_column] = student.student_id
        for column in ADDED:
            row[column] = getattr(student, column)
        row["assignment"] = assignment
        row["errors"] = (f"on the roster (row {student.row}) but no file "
                         + (f"of {assignment} " if assignment else "") + "was handed in")
        theirs = [joined.rows[i].get(_file_column(joined.header), "") for i, owner in joined.foreign.items()
                  if owner == student and (joined.rows[i].get("assignment") or "").strip() == assignment]
        if theirs:
            row["errors"] += f" under their id; {', '.join(theirs)} in their folder carries another id"
        rows.append(row)
    write_csv(out, columns, [["" if row.get(c) is None else row[c] for c in columns] for row in rows])
