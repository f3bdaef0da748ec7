"""The progress store: what each student has answered, kept across kernel restarts.

Why: a student working through the lessons over weeks needs to see how far they are, and a
kernel restart must lose nothing. Answers are kept in one small JSON file,
``$COURSE_HOME/progress.json`` (default ``~/.course/progress.json``; tests and
``make execute`` point COURSE_HOME at a temporary folder). Every change is a locked
read-modify-write (an OS file lock on ``progress.json.lock``) ending in an atomic replace, so
two notebooks saving at once lose nothing and a crash never leaves half a file. A file that
cannot be read is moved aside as ``progress.json.corrupt-N`` with a warning, and a new one
is started: the answers themselves are also saved in the notebooks.

Note: ``helpers.progress`` is the function ``progress()``; import this module's other names
with ``from helpers.progress import record_answer``.
"""
from __future__ import annotations

import contextlib
import json
import os
import tempfile
import warnings
from pathlib import Path

from .questions import AUTO_CHECKED, BankError, jsonable, load_bank

__all__ = ["course_home", "store_path", "load_store", "record_answer", "last_answer", "last_entry", "summary",
           "progress", "ProgressReport", "StoreRecoveredWarning"]

STORE_FORMAT = 1
HISTORY = 5  # last answers kept per question


class StoreRecoveredWarning(UserWarning):
    """The progress file was unreadable and has been replaced by a new one."""


def course_home() -> Path:
    """$COURSE_HOME if set, else ``.course`` in the user's home folder."""
    override = os.environ.get("COURSE_HOME")
    return Path(override).expanduser() if override else Path.home() / ".course"


def store_path() -> Path:
    return course_home() / "progress.json"


@contextlib.contextmanager
def _locked(path: Path):
    """Exclusive OS lock on ``path.lock`` (fcntl, else msvcrt, else none)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "a+b") as handle:
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
            yield
        finally:
            if unlock:
                unlock()


def _empty() -> dict:
    return {"format": STORE_FORMAT, "questions": {}}


def _read(path: Path) -> tuple[dict, str]:
    """(store, notice). An unreadable file is moved aside and an empty store returned."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return _empty(), ""
    try:
        data = json.loads(raw.decode("utf-8"))
        if not isinstance(data, dict) or not isinstance(data.get("questions"), dict):
            raise ValueError("not a progress store")
    except (UnicodeDecodeError, ValueError):
        return _empty(), _move_aside(path)
    data["questions"] = {qid: entry for qid, entry in data["questions"].items() if isinstance(entry, dict)}
    return data, ""


def _move_aside(path: Path) -> str:
    n = 1
    while path.with_name(f"{path.name}.corrupt-{n}").exists():
        n += 1
    aside = path.with_name(f"{path.name}.corrupt-{n}")
    os.replace(path, aside)
    notice = (f"Your progress file {path} could not be read, so it was moved to {aside.name} and a "
              "new one was started. Nothing you answered is lost: every answer is also saved in the "
              "notebook where you gave it, so re-run Check in those notebooks to restore your progress.")
    warnings.warn(notice, StoreRecoveredWarning, stacklevel=3)
    return notice


def _write(path: Path, data: dict) -> None:
    text = json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    handle = tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, delete=False,
                                         prefix=path.name + ".", suffix=".tmp")
    try:
        with handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(handle.name, path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise


def load_store() -> dict:
    """The whole store ({"format", "questions": {id: entry}}); recovers a corrupt file."""
    path = store_path()
    if not path.exists():
        return _empty()
    with _locked(path):
        data, _ = _read(path)
    return data


def last_answer(question_id: str):
    """The last recorded raw answer to a question, or None."""
    return last_entry(question_id)[0]


def last_entry(question_id: str) -> tuple:
    """(last recorded raw answer or None, number of attempts recorded) for one question."""
    path = store_path()
    if not path.exists():
        return None, 0
    try:
        entry = json.loads(path.read_text(encoding="utf-8"))["questions"][question_id]
        attempts = entry.get("attempts", 0)
        attempts = attempts if isinstance(attempts, int) and not isinstance(attempts, bool) and attempts > 0 else 0
        return entry.get("last_answer"), attempts
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None, 0


def record_answer(question_id: str, answer, result) -> str:
    """Add one checked answer to the store. Returns a notice if the store had to be recovered."""
    path = store_path()
    try:
        notebook = load_bank()["questions"][question_id].get("notebook")
    except (BankError, KeyError, AttributeError):
        notebook = None
    with _locked(path):
        data, notice = _read(path)
        entry = data["questions"].get(question_id, {})
        answer = jsonable(answer)
        history = [h for h in entry.get("history", []) if isinstance(h, list)][-(HISTORY - 1):]
        entry = {
            "notebook": notebook,
            "attempts": int(entry.get("attempts", 0) or 0) + 1,
            "correct": result.correct,
            "last_answer": answer,
            "history": [*history, [answer, result.correct]],
        }
        if result.word_count is not None:
            entry["word_count"] = result.word_count
        data["questions"][question_id] = entry
        data["format"] = STORE_FORMAT
        _write(path, data)
    return notice


# --------------------------------------------------------------------------------------
# Overview


def summary(notebook: str | None = None):
    """A DataFrame: one row per notebook with questions, answered, correct, auto_checked."""
    import pandas as pd

    bank = load_bank()["questions"]
    store = load_store()["questions"]
    rows: dict[str, dict] = {}
    for qid, q in bank.items():
        name = q.get("notebook") if isinstance(q, dict) else None
        if not name or (notebook is not None and name != notebook):
            continue
        row = rows.setdefault(name, {"notebook": name, "questions": 0, "answered": 0, "correct": 0,
                                     "auto_checked": 0})
        row["questions"] += 1
        auto = q.get("type") in AUTO_CHECKED
        row["auto_checked"] += auto
        entry = store.get(qid)
        if isinstance(entry, dict) and int(entry.get("attempts", 0) or 0) > 0:
            row["answered"] += 1
            row["correct"] += bool(auto and entry.get("correct") is True)
    columns = ["notebook", "questions", "answered", "correct", "auto_checked"]
    frame = pd.DataFrame(list(rows.values()), columns=columns)
    for column in columns[1:]:
        frame[column] = frame[column].astype("int64")
    return frame.set_index("notebook")


class ProgressReport:
    """progress()'s result: the table (``.table``) and the chart, shown together."""

    def __init__(self, table, figure=None):
        self.table, self.figure = table, figure

    def __repr__(self) -> str:
        if self.table.empty:
            return "Progress: no questions yet."
        text = "Progress by notebook (reflections count as answered; correct counts auto-checked questions)\n"
        text += self.table.to_string()
        if self.figure is not None:
            text += "\n\n" + repr(self.figure)
        return text

    def _repr_html_(self) -> str:
        if self.table.empty:
            return "<p>Progress: no questions yet.</p>"
        html = ("<p><strong>Progress by notebook</strong> (reflections count as answered; "
                "<em>correct</em> counts auto-checked questions)</p>" + self.table.to_html())
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
    """How far you are: questions answered and correct per notebook, as a table and a chart."""
    table = summary(notebook)
    figure = _chart(table) if not table.empty else None
    return ProgressReport(table, figure)
