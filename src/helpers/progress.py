"""The progress store: what each student has answered, kept across kernel restarts.

Why: a student working through the lessons over weeks needs to see how far they are, and a
kernel restart must lose nothing. Answers are kept in one small JSON file,
``$COURSE_HOME/progress.json`` (default ``~/.course/progress.json``; tests and
``make execute`` point COURSE_HOME at a temporary folder). Every change is a locked
read-modify-write (an OS file lock on ``progress.json.lock``) ending in an atomic replace, so
two notebooks saving at once lose nothing and a crash never leaves half a file. A file that
cannot be read is moved aside as ``progress.json.corrupt-N`` with a warning, and a new one
is started: the answers themselves are also saved in the notebooks. Readable JSON with
damaged contents (a count that is text, NaN, a history that is not a list) is copied aside
the same way and repaired, keeping every entry that is sound. A store that is a symbolic
link is updated at its target; temporary files left by a killed kernel are removed on the
next save; reading works on a read-only disk; and with no home folder at all the store
lives in the temporary folder (with a warning). Nothing here raises into a lesson:
``progress()`` reports a store it cannot read instead of failing.

Note: ``helpers.progress`` is the function ``progress()``; import this module's other names
with ``from helpers.progress import record_answer``.
"""
from __future__ import annotations

import contextlib
import json
import math
import os
import re
import tempfile
import time
import warnings
from html import escape as html_escape
from pathlib import Path

from .questions import AUTO_CHECKED, BankError, jsonable, load_bank

__all__ = ["course_home", "store_path", "load_all", "load_store", "last_student", "students", "record_answer", "last_answer", "last_entry", "summary",
           "question_places", "to_do", "progress", "ProgressReport", "StoreRecoveredWarning"]

STORE_FORMAT = 2  # 2: answers per student id (1: one set for the whole account)
from .records import STUDENT_ID as STUDENT_ID_KEY  # noqa: E402 - the reserved id of the student's identity
HISTORY = 5  # last answers kept per question
MAX_ATTEMPTS = 10 ** 9


class StoreRecoveredWarning(UserWarning):
    """The progress file was unreadable and has been replaced by a new one."""


def course_home() -> Path:
    """$COURSE_HOME if set, else ``.course`` in the user's home folder.

    Containers that run notebooks under an arbitrary user id often have no home folder;
    then the store lives in the temporary folder for this machine's session, with a warning.
    """
    override = os.environ.get("COURSE_HOME")
    if override:
        return Path(override).expanduser()
    try:
        return Path.home() / ".course"
    except (RuntimeError, KeyError, OSError):
        fallback = Path(tempfile.gettempdir()) / f"course-{_uid()}"
        warnings.warn(f"There is no home folder, so your progress is kept in {fallback} and may be lost "
                      "when the machine restarts. Set COURSE_HOME to a folder that is kept.",
                      StoreRecoveredWarning, stacklevel=3)
        return fallback


def _uid() -> str:
    getuid = getattr(os, "getuid", None)
    return str(getuid()) if getuid else "user"


def store_path() -> Path:
    return course_home() / "progress.json"


@contextlib.contextmanager
def _locked(path: Path, *, required: bool = True):
    """Exclusive OS lock on ``path.lock`` (fcntl, else msvcrt, else none); yields whether it holds one.

    A reader (``required=False``) goes on without the lock when the lock file cannot be
    opened, as on a read-only disk: writes are atomic replaces, so a read never sees half a file.
    """
    try:
        if required:
            path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(path.with_name(path.name + ".lock"), "a+b")
    except OSError:
        if required:
            raise
        yield False
        return
    with handle:
        unlock = None
        try:
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            unlock = lambda: fcntl.flock(handle.fileno(), fcntl.LOCK_UN)  # noqa: E731
        except ImportError:
            try:
                import msvcrt

                handle.seek(0)
                msvcrt.locking(handle.fileno(), msvcrt.LK_LOCK, 1)
                unlock = lambda: (handle.seek(0), msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1))  # noqa: E731
            except (ImportError, OSError):
                unlock = None  # no locking available: atomic replace still prevents torn files
        try:
            yield unlock is not None
        finally:
            if unlock:
                unlock()


def _empty() -> dict:
    return {"format": STORE_FORMAT, "students": {}}


def _read(path: Path) -> tuple[dict, str, bytes | None]:
    """(store, notice, the old file's bytes if it was written by an older version).

    An unreadable file is moved aside and an empty store returned; a readable one with
    damaged entries is copied aside and returned repaired; a format-1 store (one set of
    answers for the whole account) is returned split per student (see _migrate)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return _empty(), "", None
    except IsADirectoryError:
        return _empty(), _move_aside(path), None
    try:
        data = json.loads(raw.decode("utf-8"))
        if not isinstance(data, dict):
            raise ValueError("not a progress store")
        if isinstance(data.get("questions"), dict) and not isinstance(data.get("students"), dict):
            old = _repair_questions(data["questions"])
            return _migrate(old), "", raw
        if not isinstance(data.get("students"), dict):
            raise ValueError("not a progress store")
    except (UnicodeDecodeError, ValueError, RecursionError):
        return _empty(), _move_aside(path), None
    repaired = _repair(data)
    if repaired == data:
        return data, "", None
    return repaired, _move_aside(path, copy=raw), None


def _migrate(questions: dict) -> dict:
    """A format-1 store split per student: assignment answers go to the student id it holds,
    lesson answers to nobody ("", what a lesson uses before any id is given).

    Why: the old store mixed everyone on a shared login; the id it last saved is the best owner
    for the graded answers, and keeping them under an id means nobody else sees them until
    that id is confirmed. Nothing is dropped (the old file is also kept as a copy)."""
    from .questions import assignment_of

    owner = questions.get(STUDENT_ID_KEY, {}).get("last_answer")
    owner = " ".join(owner.split())[:64] if isinstance(owner, str) else ""
    students: dict = {}
    for qid, entry in questions.items():
        graded = qid == STUDENT_ID_KEY or assignment_of(qid)
        students.setdefault(owner if graded else "", {"questions": {}})["questions"][qid] = entry
    store = {"format": STORE_FORMAT, "students": students}
    if owner:
        store["last_student"] = owner
    return store


def _keep_old(path: Path, raw: bytes) -> None:
    """Keep a store written by an older version as progress.json.format-1 before replacing it."""
    n, aside = 1, path.with_name(path.name + ".format-1")
    while os.path.lexists(aside):
        n += 1
        aside = path.with_name(f"{path.name}.format-1-{n}")
    aside.write_bytes(raw)


def _bucket(data: dict, student: str) -> dict:
    """The questions of one student in a store (created empty if missing)."""
    return data["students"].setdefault(student, {"questions": {}})["questions"]


def _student(student) -> str:
    if student is None:
        from .identity import current

        return current()
    return student if isinstance(student, str) else ""


def _sound_int(value) -> bool:
    return type(value) is int and 0 <= value <= MAX_ATTEMPTS


def _repair(data: dict) -> dict:
    """The store with every damaged entry dropped and every damaged field of an entry reset."""
    students = {}
    for student, bucket in data["students"].items():
        if isinstance(bucket, dict) and isinstance(bucket.get("questions"), dict):
            students[student] = {**bucket, "questions": _repair_questions(bucket["questions"])}
    fixed = {**data, "format": STORE_FORMAT, "students": students}
    if not isinstance(fixed.get("last_student", ""), str):
        del fixed["last_student"]
    return fixed


def _repair_questions(entries: dict) -> dict:
    """One student's entries, each damaged one dropped and each damaged field reset.

    Each field is what record_answer() writes; anything else (a count that is text, NaN or
    negative, a history that is not a list of pairs) would break the next save or progress().
    """
    questions = {}
    for qid, entry in entries.items():
        if not isinstance(entry, dict) or not _sound_int(entry.get("attempts", 0)):
            continue
        fixed = dict(entry)
        if fixed.get("correct") not in (True, False, None):
            fixed["correct"] = None
        if not isinstance(fixed.get("notebook"), (str, type(None))):
            fixed["notebook"] = None
        history = fixed.get("history", [])
        if not isinstance(history, list) or not all(isinstance(h, list) and len(h) == 2 for h in history):
            fixed["history"] = [h for h in history if isinstance(h, list) and len(h) == 2] \
                if isinstance(history, list) else []
        if "word_count" in fixed and not _sound_int(fixed["word_count"]):
            del fixed["word_count"]
        if not _finite(fixed.get("last_answer")):
            fixed["last_answer"] = None
        questions[qid] = fixed
    return questions


def _finite(value, depth: int = 0) -> bool:
    """No NaN or infinity inside (they are not JSON), and no deeper than an answer can be."""
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, (list, dict)):
        items = value.values() if isinstance(value, dict) else value
        return depth < 8 and all(_finite(v, depth + 1) for v in items)
    return True


def _move_aside(path: Path, copy: bytes | None = None) -> str:
    """Keep the damaged store as progress.json.corrupt-N (moved, or a copy when it is being repaired)."""
    n = 1
    while os.path.lexists(path.with_name(f"{path.name}.corrupt-{n}")):
        n += 1
    aside = path.with_name(f"{path.name}.corrupt-{n}")
    try:
        if copy is None:
            os.replace(path, aside)
        else:
            aside.write_bytes(copy)
    except OSError as err:
        notice = (f"Your progress file {path} is damaged and could not be set aside ({err.strerror or err}); "
                  "your answers are still saved in the notebooks where you gave them.")
        warnings.warn(notice, StoreRecoveredWarning, stacklevel=3)
        return notice
    if copy is None:
        notice = (f"Your progress file {path} could not be read, so it was moved to {aside.name} and a "
                  "new one was started. Nothing you answered is lost: every answer is also saved in the "
                  "notebook where you gave it, so re-run Check in those notebooks to restore your progress.")
    else:
        notice = (f"Some entries in your progress file {path} were damaged; the file was copied to "
                  f"{aside.name} and the damaged entries were reset. Nothing you answered is lost: every "
                  "answer is also saved in the notebook where you gave it, so re-run Check there to restore them.")
    warnings.warn(notice, StoreRecoveredWarning, stacklevel=3)
    return notice


def _write(path: Path, data: dict, *, locked: bool = True) -> None:
    """Atomic replace of the store. A store that is a symbolic link is replaced at its
    target, so the link (to a synced folder, say) keeps working."""
    target = Path(os.path.realpath(path)) if path.is_symlink() else path
    _clean_stale(target, all_of_them=locked)
    text = json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    handle = tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=target.parent, delete=False,
                                         prefix=target.name + ".", suffix=".tmp")
    try:
        with handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(handle.name, target)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise


def _clean_stale(target: Path, *, all_of_them: bool) -> None:
    """Remove temporary files of writers that were killed before their rename.

    Under the lock no other writer is between creating and renaming its temporary file,
    so every one found is stale; without a lock only those over an hour old are removed.
    """
    try:
        with os.scandir(target.parent) as entries:
            for entry in entries:
                if not (entry.name.startswith(target.name + ".") and entry.name.endswith(".tmp")):
                    continue
                try:
                    if all_of_them or time.time() - entry.stat(follow_symlinks=False).st_mtime > 3600:
                        os.unlink(entry.path)
                except OSError:
                    continue
    except OSError:
        return


def load_all() -> dict:
    """The whole store ({"format", "students": {id: {"questions": ...}}, "last_student"}).

    Never raises for the file's contents; an OSError is raised only when the store exists
    but cannot be read at all (no permission), and progress() reports that.
    """
    path = store_path()
    if not os.path.lexists(path):
        return _empty()
    with _locked(path, required=False) as locked:
        data, notice, _old = _read(path)
        if notice and locked:
            with contextlib.suppress(OSError):
                _write(path, data)
    return data


def load_store(student: str | None = None) -> dict:
    """One student's part of the store, {"format", "questions": {id: entry}}: by default the
    student of this kernel (helpers.identity), or nobody's work when no id is confirmed."""
    data = load_all()
    entries = data["students"].get(_student(student), {}).get("questions", {})
    return {"format": data["format"], "questions": entries}


def last_student() -> str:
    """The id last saved on this account, to ask "Are you ...?" (never to fill in silently)."""
    try:
        value = load_all().get("last_student", "")
    except OSError:
        return ""
    return value if isinstance(value, str) else ""


def students() -> list[str]:
    """The student ids that have answers in this progress file."""
    try:
        return sorted(s for s in load_all()["students"] if s)
    except OSError:
        return []


def last_answer(question_id: str, student: str | None = None):
    """The last recorded raw answer to a question, or None."""
    return last_entry(question_id, student)[0]


def last_entry(question_id: str, student: str | None = None) -> tuple:
    """(last recorded raw answer or None, number of attempts recorded) for one question.

    Only the given student's answers (by default this kernel's student) are looked at; an
    answer to a graded assignment is never given to nobody. The entry passes the same
    checks as a save, so a damaged one is not restored."""
    from .questions import assignment_of

    student = _student(student)
    if not student and assignment_of(question_id):
        return None, 0
    path = store_path()
    try:
        data, _notice, _old = _read_only(path)
        entry = data["students"][student]["questions"][question_id]
        return entry.get("last_answer"), entry.get("attempts", 0)
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return None, 0


def _read_only(path: Path) -> tuple:
    """The store as _read gives it, without moving or copying anything (for lookups)."""
    data = json.loads(path.read_bytes().decode("utf-8"))
    if not isinstance(data, dict):
        raise ValueError("not a progress store")
    if isinstance(data.get("questions"), dict) and not isinstance(data.get("students"), dict):
        return _migrate(_repair_questions(data["questions"])), "", None
    if not isinstance(data.get("students"), dict):
        raise ValueError("not a progress store")
    return _repair(data), "", None


def record_answer(question_id: str, answer, result, student: str | None = None) -> str:
    """Add one checked answer to the store, under the given student (by default this kernel's).
    Returns a notice if the store had to be recovered."""
    path = store_path()
    student = _student(student)
    try:
        notebook = load_bank()["questions"][question_id].get("notebook")
    except (BankError, KeyError, AttributeError):
        notebook = None
    with _locked(path) as locked:
        data, notice, old = _read(path)
        if old is not None:
            _keep_old(path, old)
        questions = _bucket(data, student)
        entry = questions.get(question_id, {})
        answer = jsonable(answer)
        history = entry.get("history", [])[-(HISTORY - 1):]
        entry = {
            "notebook": notebook,
            "attempts": min(entry.get("attempts", 0) + 1, MAX_ATTEMPTS),
            "correct": result.correct,
            "last_answer": answer,
            "history": [*history, [answer, result.correct]],
        }
        if result.word_count is not None:
            entry["word_count"] = result.word_count
        questions[question_id] = entry
        if question_id == STUDENT_ID_KEY and isinstance(answer, str):
            data["last_student"] = answer
        data["format"] = STORE_FORMAT
        _write(path, data, locked=locked)
    return notice


# --------------------------------------------------------------------------------------
# Overview


def summary(notebook: str | None = None):
    """A DataFrame: one row per notebook with questions, answered, correct, auto_checked.

    An on-submit question (a graded assignment) is never counted as right or wrong here: no
    key is on the student's computer, and the teacher marks it after the hand-in; its answers
    count in ``answered`` and ``teacher_marks`` says how many questions are of that kind."""
    import pandas as pd

    bank = load_bank()["questions"]
    store = load_store()["questions"]
    rows: dict[str, dict] = {}
    for qid, q in bank.items():
        name = q.get("notebook") if isinstance(q, dict) else None
        if not name or (notebook is not None and name != notebook):
            continue
        row = rows.setdefault(name, {"notebook": name, "questions": 0, "answered": 0, "correct": 0,
                                     "auto_checked": 0, "teacher_marks": 0})
        row["questions"] += 1
        on_submit = q.get("mode") == "on-submit"
        row["teacher_marks"] += on_submit
        auto = q.get("type") in AUTO_CHECKED and not on_submit
        row["auto_checked"] += auto
        entry = store.get(qid)
        if isinstance(entry, dict) and entry.get("attempts", 0) > 0:
            row["answered"] += 1
            row["correct"] += bool(auto and entry.get("correct") is True)
    columns = ["notebook", "questions", "answered", "correct", "auto_checked", "teacher_marks"]
    frame = pd.DataFrame(list(rows.values()), columns=columns)
    for column in columns[1:]:
        frame[column] = frame[column].astype("int64")
    return frame.set_index("notebook")


_ASKED = re.compile(r"""\b(?:ask|check)\(\s*["']([^"']+)["']""")
_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.M)


def _notebook_folders() -> list[Path]:
    """Where the course's notebooks are: $COURSE_NOTEBOOKS (os.pathsep-separated, tests), else
    the course's notebooks/ and exercises/."""
    override = os.environ.get("COURSE_NOTEBOOKS")
    if override:
        return [Path(p) for p in override.split(os.pathsep) if p]
    root = Path(__file__).resolve().parents[2]
    return [root / "notebooks", root / "exercises"]


def question_places() -> dict[str, dict]:
    """{question id: {"path", "cell", "section"}}: the notebook cell that first asks or checks it.

    Why: "3 of 9 answered" does not tell a student where to go back to; the cell id does, and
    JupyterLab opens ``NAME.ipynb#cell-id=ID`` scrolled to that cell. Notebooks that cannot be
    read are skipped (the report then just gives no link)."""
    places: dict[str, dict] = {}
    for folder in _notebook_folders():
        for path in sorted(folder.glob("*.ipynb")) if folder.is_dir() else ():
            try:
                cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
            except (OSError, ValueError):
                continue
            section = ""
            for cell in cells if isinstance(cells, list) else ():
                source = cell.get("source", "") if isinstance(cell, dict) else ""
                source = "".join(source) if isinstance(source, list) else str(source)
                if cell.get("cell_type") == "markdown":
                    headings = _HEADING.findall(source)
                    section = headings[-1] if headings else section
                elif cell.get("cell_type") == "code":
                    for qid in _ASKED.findall(source):
                        places.setdefault(qid, {"path": path, "cell": cell.get("id"), "section": section})
    return places


def _link(path: Path, cell: str | None) -> str:
    """A link that works from a lesson in notebooks/ (where progress() is usually run)."""
    name = path.name if path.parent.name == "notebooks" else f"../{path.parent.name}/{path.name}"
    return f"{name}#cell-id={cell}" if cell else name


def to_do(notebook: str | None = None):
    """A DataFrame of the questions still to do: not answered, or answered but not yet right.

    Columns: notebook, question, status, cell, section, link. Reflections count as done once
    saved; for an auto-checked question the last answer decides."""
    import pandas as pd

    bank = load_bank()["questions"]
    store = load_store()["questions"]
    places = question_places()
    rows = []
    for qid, q in bank.items():
        name = q.get("notebook") if isinstance(q, dict) else None
        if not name or (notebook is not None and name != notebook):
            continue
        entry = store.get(qid)
        answered = isinstance(entry, dict) and int(entry.get("attempts", 0) or 0) > 0
        if not answered:
            status = "not answered"
        elif q.get("mode") == "on-submit":
            continue  # recorded; the teacher marks it
        elif q.get("type") in AUTO_CHECKED and entry.get("correct") is not True:
            status = "not yet right"
        else:
            continue
        place = places.get(qid, {})
        rows.append({"notebook": name, "question": qid, "status": status, "cell": place.get("cell") or "",
                     "section": place.get("section", ""),
                     "link": _link(place["path"], place.get("cell")) if place else ""})
    return pd.DataFrame(rows, columns=["notebook", "question", "status", "cell", "section", "link"])


class ProgressReport:
    """progress()'s result: the table (``.table``), what is left (``.todo``) and the chart;
    ``.note`` says why the table is empty when the store or the bank could not be read."""

    def __init__(self, table, figure=None, todo=None, note: str = ""):
        self.table, self.figure, self.todo, self.note = table, figure, todo, note

    def _todo_groups(self):
        """(notebook, rows to list) for notebooks the student has started or asked about, and
        the names of the others (a fresh overview would otherwise list every question)."""
        if self.todo is None or self.todo.empty:
            return [], []
        listed, untouched = [], []
        single = len(self.table.index) == 1
        for name in self.table.index:
            rows = self.todo[self.todo["notebook"] == name]
            if rows.empty:
                continue
            if single or self.table.loc[name, "answered"] > 0:
                listed.append((name, rows))
            else:
                untouched.append(name)
        return listed, untouched

    def _marked_later(self) -> list[str]:
        """One line per started assignment: its answers are recorded, not judged here."""
        if "teacher_marks" not in self.table:
            return []
        return [f"{name}: {row.answered} of {row.questions} answered - recorded; your teacher marks it."
                for name, row in zip(self.table.index, self.table.itertuples())
                if row.teacher_marks and row.answered]

    def _todo_text(self) -> str:
        listed, untouched = self._todo_groups()
        lines = []
        for name, rows in listed:
            lines.append(f"Still to do in {name}:")
            for row in rows.itertuples():
                where = f"cell {row.cell}" if row.cell else "cell not found"
                section = f", section \u201c{row.section}\u201d" if row.section else ""
                lines.append(f"  {row.question}: {row.status} ({where}{section})")
        if untouched:
            lines.append("Not started: " + ", ".join(untouched))
        lines += self._marked_later()
        if not lines:
            lines.append("Nothing left to do: every question is answered, and every checked answer is right.")
        return "\n".join(lines)

    def _todo_html(self) -> str:
        from html import escape

        listed, untouched = self._todo_groups()
        parts = []
        for name, rows in listed:
            items = []
            for row in rows.itertuples():
                label = f"<code>{escape(row.question)}</code>"
                if row.link:
                    label = f'<a href="{escape(row.link)}">{label}</a>'
                section = f", section &ldquo;{escape(row.section)}&rdquo;" if row.section else ""
                cell = f"cell {escape(row.cell)}" if row.cell else "cell not found"
                items.append(f"<li>{label}: {escape(row.status)} ({cell}{section})</li>")
            parts.append(f"<p>Still to do in <strong>{escape(name)}</strong>:</p><ul>{''.join(items)}</ul>")
        if untouched:
            parts.append("<p>Not started: " + escape(", ".join(untouched)) + "</p>")
        parts += [f"<p>{escape(line)}</p>" for line in self._marked_later()]
        if not parts:
            parts.append("<p>Nothing left to do: every question is answered, and every checked answer is right.</p>")
        return "".join(parts)

    def __repr__(self) -> str:
        if self.note:
            return "Progress: " + self.note
        if self.table.empty:
            return "Progress: no questions yet."
        text = "Progress by notebook (reflections count as answered; correct counts auto-checked questions)\n"
        text += self.table.to_string()
        text += "\n\n" + self._todo_text()
        if self.figure is not None:
            text += "\n\n" + repr(self.figure)
        return text

    def _repr_html_(self) -> str:
        if self.note:
            return f"<p>Progress: {html_escape(self.note)}</p>"
        if self.table.empty:
            return "<p>Progress: no questions yet.</p>"
        html = ("<p><strong>Progress by notebook</strong> (reflections count as answered; "
                "<em>correct</em> counts auto-checked questions)</p>" + self.table.to_html())
        html += self._todo_html()
        if self.figure is not None:
            html += self.figure._repr_html_()
        return html


def _chart(table):
    from .plotting import PALETTE, new_figure, show

    names = list(table.index)
    answered = [100 * a / q if q else 0 for a, q in zip(table["answered"], table["questions"])]
    correct = [100 * c / q if q else 0 for c, q in zip(table["correct"], table["auto_checked"])]
    fig, ax = new_figure(7.0, 0.9 + 0.5 * len(names))
    ys = range(len(names))
    ax.barh([y + 0.2 for y in ys], answered, height=0.38, color=PALETTE[0], label="answered (% of questions)")
    ax.barh([y - 0.2 for y in ys], correct, height=0.38, color=PALETTE[1], hatch="//",
            label="correct (% of auto-checked questions)")
    ax.set_yticks(list(ys), names)
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("per cent")
    ax.set_title("Your progress by notebook")
    ax.legend(loc="lower right", fontsize=8)
    alt = "Horizontal bar chart, two bars per notebook. " + "; ".join(
        f"{name}: {row.answered} of {row.questions} answered, {row.correct} of {row.auto_checked} "
        "auto-checked correct" for name, row in zip(names, table.itertuples()))
    caption = ("Share of each notebook's questions you have answered (blue) and answered correctly "
               "(orange, hatched), from your progress file.")
    return show(fig, alt=alt + ".", caption=caption)


def progress(notebook: str | None = None) -> ProgressReport:
    """How far you are: questions answered and correct per notebook, as a table and a chart,
    and which questions are still to do, each with the cell that asks it (a link in JupyterLab).

    Never raises: if the progress file or the question bank cannot be read, the report says
    so (your answers are still in the notebooks).
    """
    try:
        table = summary(notebook)
        todo = to_do(notebook) if not table.empty else None
    except Exception as err:  # noqa: BLE001 - a lesson must never stop on its progress report
        import pandas as pd

        empty = pd.DataFrame(columns=["questions", "answered", "correct", "auto_checked", "teacher_marks"])
        return ProgressReport(empty, note=(
            f"your progress could not be read ({type(err).__name__}: {str(err)[:200]}). Your answers are "
            f"still saved in the notebooks where you gave them; if this persists, set COURSE_HOME to a "
            f"folder you can write to."))
    figure = _chart(table) if not table.empty else None
    return ProgressReport(table, figure, todo)
