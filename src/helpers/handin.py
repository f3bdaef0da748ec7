"""hand_in(): the last cell of every exercise writes the file the student hands in.

Why: a student who forgets to save, or saves before the last Check, hands in a notebook that
lacks answers the kernel has recorded. hand_in() writes a complete copy instead: the saved
notebook plus, in a last cell, the record of every answer this kernel knows (so the grader,
which takes the last record of each question, sees the newest), into ``hand-in/`` beside
the notebook as ``<assignment>-<student id>.ipynb``. It lists what is still unanswered and
refuses to write a file without a student id, since nobody could tell whose it is.
"""
from __future__ import annotations

import copy
import json
import os
import re
import tempfile
from html import escape
from pathlib import Path

from . import identity, notebook_file, questions
from .records import RECORD_MIME, STUDENT_ID, record_bundle

__all__ = ["hand_in", "HandIn", "FOLDER"]

FOLDER = "hand-in"
_RECORDS_CELL = "# Every answer recorded when hand_in() ran (the grader reads these records).\n"


class HandIn:
    """hand_in()'s result: what was written (``path``), what is missing, and a message."""

    def __init__(self, lines: list[str], path: Path | None = None, unanswered: list | None = None):
        self.lines, self.path, self.unanswered = lines, path, unanswered or []

    def __repr__(self) -> str:
        return "\n".join(self.lines)

    def _repr_html_(self) -> str:
        items = "".join(f"<p>{escape(line)}</p>" for line in self.lines)
        status = "course-recorded" if self.path else "course-invalid"
        return (f'<div class="course-feedback course-handin {status}" role="status" '
                f'style="border-left: 6px solid #0072B2; padding-left: 0.6em">{items}</div>')


def _safe_name(text: str) -> str:
    """A student id as part of a file name: letters, digits, dot, dash and underscore only."""
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("._") or "id"
    return name[:64]


def _answers(assignment: str, student: str, saved) -> dict:
    """Question id -> (attempt, answer): the saved notebook's records (when they are this
    student's), then everything this kernel recorded, newest last."""
    from .widgets import _HINTS, _SESSION

    answers: dict = {}
    if saved is not None and notebook_file.file_student(saved) in ("", student):
        for qid, (answer, attempt, _hints) in saved.records.items():
            if answer is not None:
                answers[qid] = (max(attempt, 1), answer)
    for qid, done in _SESSION.items():
        answers[qid] = (done["attempt"], done["answer"])
    wanted = {qid for qid in questions.question_ids() if qid.startswith(assignment + ".")}
    kept = {qid: v for qid, v in answers.items() if qid in wanted}
    kept[STUDENT_ID] = answers.get(STUDENT_ID, (1, student))
    return {qid: (*v, _HINTS.get(qid, 0)) for qid, v in kept.items()}


def _notebook(saved, assignment: str, answers: dict, student: str) -> dict:
    """The hand-in notebook: the saved one (records of another student dropped) plus a last
    cell with every answer's record."""
    if saved is not None:
        nb = json.loads(saved.path.read_text(encoding="utf-8"))
        if notebook_file.file_student(saved) not in ("", student):
            for cell in nb.get("cells", []):
                if isinstance(cell, dict) and isinstance(cell.get("outputs"), list):
                    cell["outputs"] = [o for o in cell["outputs"]
                                       if not (isinstance(o, dict) and RECORD_MIME in (o.get("data") or {}))]
    else:
        nb = {"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    meta = nb.setdefault("metadata", {})
    course = meta.get("course") if isinstance(meta.get("course"), dict) else {}
    meta["course"] = {**course, "assignment": assignment}
    outputs = [{"output_type": "display_data", "metadata": {}, "data": record_bundle(qid, attempt, answer, hints)}
               for qid, (attempt, answer, hints) in answers.items()]
    nb["cells"].append({"cell_type": "code", "id": "hand-in-records", "metadata": {}, "execution_count": None,
                        "source": _RECORDS_CELL, "outputs": copy.deepcopy(outputs)})
    return nb


def _write(folder: Path, name: str, nb: dict) -> Path:
    if folder.is_symlink():
        raise OSError(f"{folder.name}/ is a link; make it an ordinary folder")
    folder.mkdir(exist_ok=True)
    target = folder / name
    handle = tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=folder, delete=False,
                                         prefix="." + name, suffix=".tmp")
    try:
        with handle:
            json.dump(nb, handle, indent=1, ensure_ascii=False)
            handle.write("\n")
        os.replace(handle.name, target)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise
    return target


def hand_in(assignment: str | None = None) -> HandIn:
    """Write the file to hand in, and say where it is and what is still unanswered.

    Example (the last cell of an exercise): ``hand_in()``. Never raises: a problem is said in words.
    """
    try:
        return _hand_in(assignment)
    except Exception as err:  # noqa: BLE001 - the last cell must never end in a traceback
        return HandIn([f"\u26a0 The hand-in file could not be written ({type(err).__name__}: {err}). "
                       "Save the notebook (Ctrl+S) and hand in the .ipynb file itself."])


def _answered_assignment() -> str:
    """The one assignment this kernel has answers for ("" if none or several): the fallback when
    the notebook's own file cannot say (no JPY_SESSION_NAME, as in some editors)."""
    from .widgets import _SESSION

    found = {questions.assignment_of(qid) for qid in _SESSION} - {""}
    return found.pop() if len(found) == 1 else ""


def _hand_in(assignment: str | None) -> HandIn:
    path, problem = notebook_file.running_notebook()
    saved, why = notebook_file.read_notebook(path) if path is not None else (None, problem)
    if not assignment:
        assignment = saved.assignment if saved is not None else _answered_assignment()
    if not assignment:
        return HandIn(["\u26a0 This notebook does not say which assignment it is, so nothing was written. "
                       "Run hand_in() in the exercise notebook itself."])
    student = identity.current()
    from .widgets import _SESSION

    student = student or (_SESSION.get(STUDENT_ID, {}).get("answer") or "")
    answers = _answers(assignment, student, saved)
    asked = [qid for qid in questions.question_ids() if qid.startswith(assignment + ".")]
    unanswered = [qid for qid in asked if qid not in answers]
    lines = []
    if unanswered:
        lines.append(f"Not answered yet ({len(unanswered)} of {len(asked)}): {', '.join(unanswered)}. "
                     "Answer them above (Check, or Save for written answers), then run this cell again.")
    else:
        lines.append(f"Every question of {assignment} has an answer ({len(asked)} of {len(asked)}).")
    if not student:
        lines.append("\u26a0 No student id yet: type yours in the box at the top and press Save, then run this "
                     "cell again. Nothing was written, because nobody could tell whose work it is.")
        return HandIn(lines, None, [STUDENT_ID, *unanswered])
    folder = path.parent / FOLDER if path is not None else Path.cwd() / FOLDER
    written = _write(folder, f"{assignment}-{_safe_name(student)}.ipynb", _notebook(saved, assignment, answers,
                                                                                   student))
    shown = f"{FOLDER}/{written.name}"
    lines.append(f"\u270e Written: {shown} (next to this notebook), with every answer recorded so far, for "
                 f"student id {student}. Hand in that file as your teacher asks.")
    if path is None:
        lines.append("This kernel does not know its notebook's file, so the hand-in file holds your answers "
                     "but not your code: save the notebook and hand it in too if your teacher asks for code.")
    elif saved is None and why:
        lines.append(f"The notebook's own saved copy could not be read ({why}), so the file holds only your "
                     "answers, not your code: save the notebook and hand it in too.")
    return HandIn(lines, written, unanswered)
