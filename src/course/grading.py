"""Grade a folder of handed-in assignment notebooks into a gradebook CSV.

Why this way: a submitted notebook is untrusted input. It is read as JSON and never run
(no kernel, no imports of student code), so grading is safe and takes well under a second
per hundred files. Each answer the student checked is recorded in a cell output under
ANSWER_MIME; the grader takes the last record of each question and re-checks the raw
answer with ``helpers.questions.evaluate`` against the hashed question bank (for an
on-submit assignment, whose student bank holds no key, against the plaintext YAML in
solutions/question-bank), so a "correct" flag or a score written into the file counts for
nothing. The assignment is read from the notebook's metadata, so students may rename their
files; the student is identified by the id they typed into the exercise's first cell
(``helpers.widgets.student_id``), recorded like an answer under the reserved question id
``student_id``.

Essays are marked by the teacher, never here: their marks come from ``marks.csv`` (written
by ``course mark`` or by hand, read by this command and never written), and the gradebook
shows ``auto``, ``manual``, ``score`` and ``max_score`` out of the assignment's full points.
A gradebook is never replaced without ``--force`` and never written over one of its inputs.

Hostile or unlucky files cost one row, never the gradebook: finding and reading files is
``course.handins`` (no links followed, nothing outside the folder, bounded size), every
per-file failure becomes an error row naming the file, each file has a time budget, and
both CSVs are written through ``course.csvsafe`` (no formulas, no raw control characters).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import handins
from .same_essays import COLUMN as SAME_ESSAY, note_same_essays

from helpers import questions
from helpers.records import RECORD_MIME, STUDENT_ID
from .csvsafe import write_csv

__all__ = ["ANSWER_MIME", "STUDENT_ID", "MAX_BYTES", "FILE_SECONDS", "Submission", "read_records",
           "grade_file", "grade_folder", "grade_all", "submissions", "write_gradebook", "write_reflections",
           "main"]

ANSWER_MIME = RECORD_MIME  # the answer record's MIME type, defined once in helpers.records
MAX_BYTES = handins.MAX_BYTES
MAX_RECORD_CHARS = 1_000_000  # an answer record stored as a JSON string
FILE_SECONDS = 10.0   # per-file budget in CPU seconds; an ordinary hand-in takes a few milliseconds
MAX_CONTAINERS = 1_000_000   # JSON arrays and objects in one file; real notebooks have thousands
SLOW_SECONDS = 2.0    # files slower than this are named on the terminal
_MAX_NOTES = 20  # per submission; a flood of broken records should not flood the CSV


class OverBudget(Exception):
    """Grading one file took longer than FILE_SECONDS."""


@dataclass
class Submission:
    """One graded file: a gradebook row, plus its reflections for manual marking."""

    path: str                     # relative to the graded folder, with "/"
    student_id: str = ""          # as the student typed it in the exercise's first cell
    assignment: str = ""
    score: float = 0.0
    max_score: float = 0.0
    points: dict = field(default_factory=dict)        # question id -> points earned
    reflections: list = field(default_factory=list)   # (question id, points, words, text)
    errors: list = field(default_factory=list)
    answers: dict = field(default_factory=dict)       # question id -> last raw answer recorded
    attempts: dict = field(default_factory=dict)      # question id -> attempt number of that answer
    hints: dict = field(default_factory=dict)         # question id -> hints the student opened
    shown: set = field(default_factory=set)           # ids whose placeholder record is in the file
    unanswered: list = field(default_factory=list)    # shown (cell run) but never answered
    manual: dict = field(default_factory=dict)        # question id -> the teacher's points (marks.csv)
    comments: dict = field(default_factory=dict)      # question id -> the teacher's comment
    seconds: float = 0.0
    extra: dict = field(default_factory=dict)         # column -> value appended to the row (course.collect)
    penalty: float = 0.0                              # share of the total taken off for lateness (course.collect)
    deadline: float = field(default=float("inf"), repr=False, compare=False)

    @property
    def to_mark(self) -> list[str]:
        """Essays answered but not marked yet: until this is empty, the score is not final."""
        return [qid for qid, points, _words, text in self.reflections if text and points > 0 and qid not in self.manual]

    @property
    def total(self) -> float:
        """The whole grade: auto-marked points plus the teacher's marks, less a late penalty.
        The gradebook, the LMS files and the feedback page all show this one figure."""
        return max(0.0, (self.score + sum(self.manual.values())) * (1 - self.penalty))

    @property
    def file(self) -> str:
        """The gradebook's name for ``path``: the file as found in the graded folder."""
        return self.path

    def tick(self) -> None:
        """Stop grading this file once its budget is spent (CPU time, so a busy machine
        does not stop a file that is merely waiting its turn)."""
        if time.process_time() > self.deadline:
            raise OverBudget

    def note(self, message: str) -> None:
        if len(self.errors) < _MAX_NOTES:
            self.errors.append(message)
        elif len(self.errors) == _MAX_NOTES:
            self.errors.append("further problems not listed")


def _assignment_questions(assignment: str) -> list[tuple[str, dict]]:
    """(id, bank entry) of every question of an assignment: the ids "<assignment>.*"."""
    bank = questions.load_bank()["questions"]
    prefix = assignment + "."
    return [(qid, q) for qid, q in bank.items() if qid.startswith(prefix) and isinstance(q, dict)]


def read_records(nb: dict, sub: Submission) -> dict[str, object]:
    """Question id -> the last answer recorded in the notebook's outputs.

    A record with ``"answer": null`` is the placeholder a question shows before any answer;
    it never hides an earlier answer, and marks the question as shown. The attempt number of
    each answer kept goes to ``sub.attempts``, the ids of placeholders to ``sub.shown``.
    Malformed records are noted on ``sub`` and skipped.
    """
    answers: dict[str, object] = {}
    cells = nb.get("cells")
    if not isinstance(cells, list):
        sub.note("the notebook has no list of cells")
        return answers
    for number, cell in enumerate(cells, 1):
        outputs = cell.get("outputs") if isinstance(cell, dict) else None
        if outputs is not None and not isinstance(outputs, list):
            sub.note(f"cell {number}: its outputs are damaged (not a list) and were ignored")
        if not isinstance(outputs, list):
            continue
        sub.tick()
        for output in outputs:
            data = output.get("data") if isinstance(output, dict) else None
            if not isinstance(data, dict) or ANSWER_MIME not in data:
                continue
            record = data[ANSWER_MIME]
            if isinstance(record, str):  # some tools store JSON bundles as text
                try:
                    record = _loads(record) if len(record) <= MAX_RECORD_CHARS else None
                except (ValueError, RecursionError):
                    record = None
            if not isinstance(record, dict):
                sub.note(f"cell {number}: an answer record that is not a JSON object was ignored")
                continue
            qid = record.get("question")
            if not isinstance(qid, str) or not qid:
                sub.note(f"cell {number}: an answer record without a question id was ignored")
                continue
            if "answer" not in record:
                sub.note(f"cell {number}: the answer record for {qid[:80]} has no answer field; ignored")
                continue
            _note_hints(record, qid, sub)
            if record["answer"] is not None:
                answers[qid] = record["answer"]
                attempt = record.get("attempt")
                valid = isinstance(attempt, int) and not isinstance(attempt, bool) and 0 < attempt < 10**6
                sub.attempts[qid] = attempt if valid else None
            else:
                sub.shown.add(qid)
    return answers


def _note_hints(record: dict, qid: str, sub: Submission) -> None:
    """Hints opened, as the answer record counts them (the most any record of the question shows)."""
    hints = record.get("hints")
    if isinstance(hints, int) and not isinstance(hints, bool) and 0 < hints < 1000:
        sub.hints[qid] = max(sub.hints.get(qid, 0), hints)


def _bounded_int(digits: str):
    """JSON integers: Python refuses over 4,300 digits; such a number is no answer anyway."""
    return int(digits) if len(digits) <= 400 else float(digits)


def _loads(text: str):
    """json.loads, with integers over Python's 4,300-digit limit read as infinities, not an error.
    The fast C path first: a callback for every integer would triple the time of a file of numbers."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        raise
    except ValueError:
        return json.loads(text, parse_int=_bounded_int)


def _load(path, sub: Submission) -> dict | None:
    """The notebook as JSON, or None with the reason noted. Never follows a link or reads
    more than MAX_BYTES (see course.handins)."""
    try:
        text = handins.read_text(path, MAX_BYTES)
    except handins.UnreadableFile as err:
        sub.note(str(err))
        return None
    containers = text.count("[") + text.count("{")   # counted in C before parsing: bounds time and memory
    if containers > MAX_CONTAINERS:
        sub.note(f"not read: the file holds {containers:,} JSON brackets, far more than any notebook of this "
                 "course (a few thousand); ask the student to clear the outputs and hand it in again")
        return None
    try:
        nb = _loads(text)
    except json.JSONDecodeError as err:
        if err.pos >= len(text.rstrip()) - 6 or err.msg.startswith("Unterminated string"):  # cut mid-string
            sub.note("the notebook is truncated (its JSON ends early); ask for the file again")
        else:
            sub.note(f"the notebook is corrupt (invalid JSON at line {err.lineno}, column {err.colno})")
        return None
    except RecursionError:
        sub.note("the notebook is corrupt (JSON nested too deeply)")
        return None
    except ValueError as err:
        sub.note(f"the notebook is corrupt ({str(err)[:120]})")
        return None
    if isinstance(nb, dict) and nb.get("nbformat") in (1, 2, 3) and "worksheets" in nb:
        sub.note(f"an old-format notebook (nbformat {nb['nbformat']}); open and save it in JupyterLab, then grade again")
        return None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        sub.note("not a Jupyter notebook (no list of cells)")
        return None
    return nb


def grade_file(path, name: str, *, seconds: float | None = None) -> Submission:
    """Grade one file without running it; never raises for anything the file contains.

    Any failure, including a bug of ours that one file triggers, becomes an error row for
    that file; a file that takes longer than ``seconds`` (FILE_SECONDS) is stopped and
    its row says so.
    """
    start = time.monotonic()
    sub = Submission(path=name, deadline=time.process_time() + (FILE_SECONDS if seconds is None else seconds))
    try:
        _grade(path, sub)
    except OverBudget:
        _blank(sub)
        sub.note(f"grading stopped after {FILE_SECONDS if seconds is None else seconds:g} s of work: this file is "
                 "unusually slow to grade (very long or odd answers); look at it by hand")
    except RecursionError:
        _blank(sub)
        sub.note("cannot grade: the notebook's contents are nested too deeply")
    except Exception as err:  # noqa: BLE001 - one file must never cost the class its gradebook
        _blank(sub)
        sub.note(f"cannot grade this file: the grader failed on it ({type(err).__name__}: {str(err)[:120]}); "
                 "the other files are not affected")
    sub.seconds = time.monotonic() - start
    return sub


def _blank(sub: Submission) -> None:
    """No score rather than a partial one the teacher might take as final."""
    sub.score = sub.max_score = 0.0
    sub.points.clear()
    sub.reflections.clear()


def _grade(path, sub: Submission) -> None:
    nb = _load(path, sub)
    if nb is None:
        return
    meta = nb.get("metadata")
    course = meta.get("course") if isinstance(meta, dict) else None
    assignment = course.get("assignment") if isinstance(course, dict) else None
    if not isinstance(assignment, str) or not assignment.strip():
        sub.note("not a course assignment: the notebook metadata has no course.assignment "
                 "(a foreign notebook, or one whose metadata was removed)")
        return
    sub.assignment = assignment = assignment.strip()[:80]
    try:
        asked = _assignment_questions(assignment)
    except questions.BankError as err:
        sub.note(f"cannot grade: {err}")
        return
    if not asked:
        sub.note(f"unknown assignment {assignment!r}: the question bank has no questions {assignment}.*")
        return
    answers = read_records(nb, sub)
    sub.student_id = _student_id(answers.pop(STUDENT_ID, None), sub)
    sub.attempts.pop(STUDENT_ID, None)
    sub.answers = answers
    known = {qid for qid, _ in asked}
    # shown but never answered: the cell ran (its placeholder record is there), no answer followed
    sub.unanswered = ([STUDENT_ID] if STUDENT_ID in sub.shown and not sub.student_id else []) + [
        qid for qid, _ in asked if qid in sub.shown and qid not in answers]
    for qid in sorted(set(answers) - known):
        sub.note(f"answer for {qid[:80]!r} ignored: not a question of {assignment}")
    for qid, q in asked:
        sub.tick()
        points = float(q.get("points", 1) or 0)
        answered = qid in answers
        if q.get("type") == "reflection":
            result = questions.evaluate(qid, answers[qid]) if answered else None
            # the student's own text, line breaks and all (evaluate() also checks it is text)
            text = answers[qid].strip() if result is not None and result.status == "recorded" else ""
            if answered and not text:
                sub.note(f"{qid}: the recorded reflection is not usable text")
            sub.reflections.append((qid, points, result.word_count if text else 0, text or ""))
            continue
        sub.max_score += points
        if not answered:
            continue
        limit = q.get("max_attempts")
        if isinstance(limit, int) and (sub.attempts.get(qid) or 0) > limit:
            sub.note(f"{qid}: the answer is from attempt {sub.attempts[qid]}, over the limit of {limit} "
                     "(was the progress file deleted between attempts?)")
        try:
            entry = _scoring_entry(qid, q)
        except questions.BankError as err:
            sub.note(f"{qid}: not scored: {err}")
            continue
        result = questions.evaluate(qid, answers[qid], entry=entry)
        if result.status == "error":
            sub.note(f"{qid}: {result.message}")
        earned = result.score or 0.0
        sub.points[qid] = earned
        sub.score += earned


_KEYED: dict = {}  # (question sources folder, question id) -> keyed entry, for one grading run


def _scoring_entry(qid: str, q: dict) -> dict:
    """The bank entry that can score ``q``: itself, or for an on-submit question (whose student
    entry holds no key) the keyed entry compiled from the plaintext solutions/question-bank."""
    if not questions.record_only(q):
        return q
    from .authoring import keyed_entry, sources_dir  # the instructor side: YAML, read only when needed

    slot = (str(sources_dir()), qid)
    if slot not in _KEYED:
        try:
            _KEYED[slot] = keyed_entry(qid)
        except questions.BankError as err:
            raise questions.BankError(f"it is an on-submit question, and only the instructor's copy of the "
                                      f"course (solutions/question-bank) can mark it ({err})") from None
    return _KEYED[slot]


def _student_id(raw, sub: Submission) -> str:
    """The recorded student id as one clean line; "" if none (the gradebook cell stays empty)
    or if it is unusable (then with a note)."""
    if raw is None:
        return ""
    text = " ".join(raw.split()) if isinstance(raw, str) else ""
    if not text or len(text) > 64:
        sub.note("the recorded student id is not usable (empty, not text or over 64 characters)")
        return ""
    return text


def submissions(folder: Path) -> list[Path]:
    """The files under folder that get a row, in a fixed order (see course.handins.find)."""
    rows, _ = handins.find(Path(folder))
    return [Path(c.path if isinstance(c.path, str) else os.fsdecode(c.path)) for c in rows]


def grade_all(folder: Path, *, seconds: float | None = None, on_slow=None) -> tuple[list[Submission], list]:
    """(one Submission per candidate, the handins.Candidate entries left out with their reason)."""
    _KEYED.clear()  # the YAML is read afresh for each run, then once per question
    rows, skipped = handins.find(Path(folder))
    graded = []
    for cand in rows:
        if cand.problem:
            sub = Submission(path=cand.name)
            sub.note(cand.problem)
        else:
            sub = grade_file(cand.path, cand.name, seconds=seconds)
            if cand.note:
                sub.note(cand.note)
            if on_slow is not None and sub.seconds > SLOW_SECONDS:
                on_slow(sub)
        graded.append(sub)
    # A folder made by `course collect`: identity from the account, delay and penalty, the same
    # for every command that grades (grade, feedback, mark, report).
    from .collect import apply_manifest
    apply_manifest(graded, Path(folder))
    note_same_essays(graded)
    return graded, skipped


def grade_folder(folder: Path) -> list[Submission]:
    return grade_all(folder)[0]


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}".rstrip("0")


def _question_columns(graded: list[Submission]) -> list[str]:
    """Every question id (auto-checked and teacher-marked) of every assignment seen, in
    question-bank order."""
    assignments = {s.assignment for s in graded if s.assignment}
    try:
        bank = questions.load_bank()["questions"]
    except questions.BankError:
        return []
    return [qid for qid, q in bank.items() if isinstance(q, dict) and qid.split(".", 1)[0] in assignments]


GRADEBOOK_COLUMNS = ("student_id", "file", "assignment", "auto", "manual", "score", "max_score")
"""The gradebook's fixed first columns: ``auto`` the points the grader gave, ``manual`` the
teacher's marks from marks.csv, ``score`` their sum, ``max_score`` the assignment's full points
(auto-checked and teacher-marked). Then one column of points per question, ``to_mark`` (the
teacher-marked questions answered but not marked yet: the score is final when it is empty),
``unanswered``, one ``<question> attempts`` column per auto-checked question, one ``<question> hints``
column per auto-checked question (hints the student opened), and ``errors``."""


def merge_marks(graded: list[Submission], marks: dict) -> list[str]:
    """Attach the teacher's marks (course.marks.read_marks) to each submission: ``sub.manual``
    and ``sub.to_mark``. Returns warnings for marks that fit no hand-in; raises MarksError for
    a mark above the question's points (the gradebook is then not written)."""
    from .marks import MarksError, teacher_items

    by_file = {sub.path: sub for sub in graded}
    used = set()
    tasks: dict[str, set] = {}
    for sub in graded:
        sub.manual, sub.comments = {}, {}
        for qid, points, _words, text in sub.reflections:
            mark = marks.get((sub.path, qid))
            if mark is not None:
                used.add((sub.path, qid))
                if mark.comment:
                    sub.comments[qid] = mark.comment
            if mark is not None and mark.points is not None:
                if mark.points > points:
                    raise MarksError(f"marks.csv, row {mark.row}: {mark.points:g} points for {qid} on {sub.path}, "
                                     f"which is worth {points:g}; correct the mark.")
                sub.manual[qid] = mark.points
    warnings = []
    for key, mark in sorted(marks.items()):
        if key in used:
            continue
        sub = by_file.get(mark.file)
        if sub is None:
            warnings.append(f"marks.csv, row {mark.row}: no hand-in {mark.file!r} in this folder; the mark is not used")
            continue
        if sub.assignment not in tasks:
            try:
                tasks[sub.assignment] = {i.id for i in teacher_items(sub.assignment) if i.kind == "chart"}
            except (questions.BankError, OSError):
                tasks[sub.assignment] = set()
        if mark.question in tasks[sub.assignment]:
            if mark.points:
                raise MarksError(f"marks.csv, row {mark.row}: {mark.question} is looked at, not scored; "
                                 "leave its points empty or 0 and keep the comment.")
            if mark.comment:
                sub.comments[mark.question] = mark.comment
            continue
        warnings.append(f"marks.csv, row {mark.row}: {mark.question!r} is not a teacher-marked question of "
                        f"{sub.assignment or 'this file'}; the mark is not used")
    for sub in graded:
        if sub.student_id:
            for key in [k for k in used if k[0] == sub.path]:
                typed = marks[key].student_id
                if typed and typed != sub.student_id:
                    warnings.append(f"marks.csv, row {marks[key].row}: student id {typed!r}, but {sub.path} now "
                                    f"says {sub.student_id!r}; check the mark belongs to this file")
    return warnings


def teacher_points(sub: Submission) -> float:
    return sum(points for _qid, points, _w, _t in sub.reflections)


def gradebook_table(graded: list[Submission]) -> tuple[list[str], list[list]]:
    """The gradebook's header and rows (values unescaped; write_csv guards them)."""
    columns = _question_columns(graded)
    try:
        bank = questions.load_bank()["questions"]
    except questions.BankError:
        bank = {}
    autos = [q for q in columns if (bank.get(q) or {}).get("type") != "reflection"]
    extra = list(dict.fromkeys(k for sub in graded for k in sub.extra))   # course.collect's columns
    rows = []
    for sub in graded:
        ok = bool(sub.max_score or sub.points or sub.reflections)
        manual = sub.manual
        to_mark = sub.to_mark
        points = {**sub.points, **manual}
        total = sub.total
        rows.append([sub.student_id, sub.path, sub.assignment,
                     _number(sub.score) if ok else "", _number(sum(manual.values())) if ok and manual else "",
                     _number(total) if ok else "", _number(sub.max_score + teacher_points(sub)) if ok else "",
                     *(_number(points[q]) if q in points else "" for q in columns),
                     " ".join(to_mark),
                     " ".join(sub.unanswered),
                     *(sub.attempts.get(q) or "" if q in sub.points else "" for q in autos),
                     *_hint_cells(sub, autos),
                     "; ".join(sub.errors), *(sub.extra.get(k, "") for k in extra)])
    header = [*GRADEBOOK_COLUMNS, *columns, "to_mark", "unanswered", *(f"{q} attempts" for q in autos),
              *(f"{q} hints" for q in autos), "errors", *extra]
    return header, rows


def write_gradebook(graded: list[Submission], out: Path) -> None:
    header, rows = gradebook_table(graded)
    write_csv(out, header, rows)


def _hint_cells(sub: Submission, columns: list[str]) -> list:
    """Hints opened per question (0 for a graded file that shows none; blank for an error row)."""
    graded = bool(sub.max_score or sub.points)
    return [sub.hints.get(q, 0) if graded and q.startswith(sub.assignment + ".") else "" for q in columns]


def write_reflections(graded: list[Submission], out: Path) -> None:
    rows = [[sub.student_id, sub.path, sub.assignment, qid, _number(points), words, text]
            for sub in graded for qid, points, words, text in sub.reflections]
    write_csv(out, ["student_id", "file", "assignment", "question", "points", "words", "text"], rows,
              multiline_columns=("text",))


def _inside(path: Path, folder: Path) -> bool:
    try:
        Path(os.path.realpath(path)).relative_to(os.path.realpath(folder))
        return True
    except ValueError:
        return False


def _shown(name: str) -> str:
    """A student-made name safe to print on a terminal (no control characters)."""
    return "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in name)


def _same(a: Path, b: Path) -> bool:
    try:
        return os.path.realpath(a) == os.path.realpath(b) or (a.exists() and b.exists() and os.path.samefile(a, b))
    except OSError:
        return False


def _check_outputs(args, reflections: Path, plan) -> None:
    """Refuse, before anything is graded or written, every output that would lose something:
    an existing gradebook (it may hold work), an input file, a link, the hand-in folder."""
    from .errors import CourseError

    outputs = {"--out": args.out, "--reflections": reflections}
    if plan.lms_out is not None:
        outputs["the import file"] = plan.lms_out
    inputs = {"the roster": args.roster, "--marks": args.marks}
    if args.folder.is_file():
        inputs["the hand-in"] = args.folder
    names = list(outputs.items())
    for n, (label, target) in enumerate(names):
        for other_label, other in names[n + 1:]:
            if _same(target, other):
                raise CourseError(f"{label} and {other_label} name the same file {target}.")
        for in_label, source in inputs.items():
            if source is not None and _same(target, source):
                raise CourseError(f"{label} {target} is {in_label}, which this run reads; writing there would "
                                  "destroy it. Choose another file name.")
        if target.is_symlink():
            raise CourseError(f"{target} is a symbolic link; refusing to write through it. "
                              "Remove it or choose another --out.")
        if target.suffix.lower() == handins.SUFFIX:
            raise CourseError(f"{label} {target} is a notebook name; the gradebook is a CSV file.")
        if args.folder.is_dir() and _inside(target, args.folder) and not args.allow_out_inside:
            raise CourseError(f"{target} is inside the hand-in folder {args.folder}, which students' files "
                              "made; write the gradebook elsewhere (or pass --allow-out-inside).")
        if label != "the import file" and target.exists() and not args.force:
            raise CourseError(f"{target} already exists; grading again would replace it and anything typed into "
                              "it. Keep hand marks in marks.csv (course mark), then rerun with --force, or choose "
                              "another --out.")


def main(argv: list[str] | None = None) -> int:
    from .errors import CourseError

    try:
        return _main(argv)
    except CourseError as err:
        print(f"course grade: {err}", file=sys.stderr)
        return 2


def _main(argv: list[str] | None) -> int:
    parser = argparse.ArgumentParser(
        prog="course grade",
        description="Grade every .ipynb in DIR (read as JSON, never run) into a gradebook CSV, with the "
                    "teacher's marks from marks.csv merged in.")
    parser.add_argument("folder", type=Path, metavar="DIR", help="folder of handed-in notebooks (searched recursively)")
    parser.add_argument("--out", type=Path, required=True, metavar="CSV",
                        help="gradebook: one row per submission, one column per question (never replaced "
                             "without --force)")
    parser.add_argument("--reflections", type=Path, metavar="CSV",
                        help="free-text answers for reading (default: <out>_reflections.csv)")
    parser.add_argument("--marks", type=Path, metavar="CSV",
                        help="the teacher's marks (file,student_id,question,points,comment), written by "
                             "`course mark`; read, never written (default: marks.csv next to --out, if it exists)")
    parser.add_argument("--allow-out-inside", action="store_true",
                        help="allow writing the CSVs inside DIR (refused by default: students made that folder)")
    from . import lms  # the roster and LMS options live with the LMS writers
    from .errors import CourseError
    from .marks import read_marks

    lms.add_arguments(parser)
    args = parser.parse_args(argv)
    if not args.folder.exists():
        raise CourseError(f"{args.folder} does not exist.")
    if args.marks is None and args.out.with_name("marks.csv").is_file():
        args.marks = args.out.with_name("marks.csv")
    try:
        plan = lms.preflight(args)
    except ValueError as err:  # RosterError, LmsError: refused before anything is written
        raise CourseError(str(err)) from None
    reflections = args.reflections or args.out.with_name(args.out.stem + "_reflections.csv")
    _check_outputs(args, reflections, plan)
    if args.marks is not None and not args.marks.is_file():
        raise CourseError(f"--marks {args.marks}: no such file (`course mark` writes it).")
    marks = read_marks(args.marks) if args.marks else {}

    def slow(sub: Submission) -> None:
        print(f"course grade: {_shown(sub.path)} took {sub.seconds:.1f} s to grade", file=sys.stderr)

    graded, skipped = grade_all(args.folder, on_slow=slow)
    warnings = merge_marks(graded, marks)
    header, rows = gradebook_table(graded)
    try:
        columns = lms.choose_assignments(args, sorted({s.assignment for s in graded if s.assignment}))
    except ValueError as err:
        raise CourseError(str(err)) from None
    joined = None
    try:
        if plan.roster is not None:
            from .roster import join, write_joined

            joined = join(header, [dict(zip(header, row)) for row in rows], plan.roster)
            write_joined(joined, args.out, Path(args.roster).name)
        else:
            write_csv(args.out, header, rows)
        write_reflections(graded, reflections)
    except OSError as err:
        print(f"course grade: cannot write the gradebook: {err}", file=sys.stderr)
        return 1
    problems = sum(1 for s in graded if s.errors)
    waiting = sum(1 for s in graded if s.to_mark)
    print(f"graded {len(graded)} submission(s) into {args.out} (reflections: {reflections}); "
          f"{problems} with errors, see the errors column.")
    if args.marks:
        print(f"marks from {args.marks}: {sum(len(s.manual) for s in graded)} merged; "
              f"{waiting} submission(s) with work still to mark (the to_mark column).")
    elif waiting:
        print(f"{waiting} submission(s) have essays to mark: `course mark {args.folder} --assignment ...`, "
              "then grade again with --marks marks.csv --force.")
    same = sum(1 for s in graded if s.extra.get(SAME_ESSAY))
    if same:
        print(f"{same} submission(s) hold an essay that another file repeats word for word: "
              f"see the {SAME_ESSAY} column before you mark them.")
    for warning in warnings:
        print(f"  {_shown(warning)}")
    if skipped:
        print(f"not graded ({len(skipped)}):")
        for cand in skipped:
            print(f"  {_shown(cand.name)}: {cand.skipped}")
    try:
        lms.finish(args, plan, joined, columns)
    except ValueError as err:
        raise CourseError(str(err)) from None
    return 0


if __name__ == "__main__":
    sys.exit(main())
