"""Answers kept in the running notebook's own saved file.

Why: the progress store lives on one computer. A notebook re-run on another laptop, on
Binder after a timeout or on a lab PC finds an empty store, yet its saved file still holds
every answer record. The kernel learns its notebook's path from ``JPY_SESSION_NAME`` (set by
Jupyter Server; under ``jupyter nbconvert --execute`` set it by hand), reads the file once,
and ``ask()``, ``check()`` and ``student_id()`` take the last answer from it when the store
has none. The file is untrusted input: a link, a missing, unreadable, oversized or corrupt
file, another notebook than the one running, records for another assignment or another
student id are all refused with one line saying why, and nothing is ever written to it.
"""
from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import NamedTuple

from .records import RECORD_MIME, STUDENT_ID

__all__ = ["SESSION_VARIABLE", "Found", "running_notebook", "read_notebook", "recorded"]

SESSION_VARIABLE = "JPY_SESSION_NAME"
MAX_BYTES = 50_000_000  # a notebook with figures is a few MB; anything larger is not read

_CACHE: dict = {}


class Found(NamedTuple):
    """What the saved notebook holds for one question: the answer (None if nothing usable),
    its attempt number, hints opened, and a one-line note when something was refused."""

    answer: object = None
    attempt: int = 0
    hints: int = 0
    note: str = ""


class Saved(NamedTuple):
    """The parts of a saved notebook the kernel uses."""

    path: Path
    assignment: str
    sources: str                 # all code cells' text, to tell whether it asks a question
    records: dict                # question id -> (answer, attempt, hints), the last one in the file
    metadata: dict


def running_notebook() -> tuple[Path | None, str]:
    """(the running notebook's path, "") or (None, why not); (None, "") when no path is known."""
    name = os.environ.get(SESSION_VARIABLE, "")
    if not name:
        return None, ""
    path = Path(name).expanduser()
    if not path.is_absolute():
        # Jupyter Server gives the path from its root when it knows no file name; the kernel
        # runs in the notebook's folder, somewhere below that root
        here = Path.cwd()
        tries = [folder / path for folder in (here, *here.parents)]
        path = next((p for p in tries if os.path.lexists(p)), here / path)
    if path.suffix != ".ipynb":
        return None, f"{path.name} is not a notebook file"
    return path, ""


def read_notebook(path: Path) -> tuple[Saved | None, str]:
    """(the saved notebook, "") or (None, the reason in words). Cached per file version."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return None, f"its saved file {path.name} is not there (not saved yet, or moved)"
    except OSError as err:
        return None, f"its saved file {path.name} cannot be looked at ({err.strerror or err})"
    if stat.S_ISLNK(info.st_mode):
        return None, f"{path.name} is a link to another file, and a link is not read"
    if not stat.S_ISREG(info.st_mode):
        return None, f"{path.name} is not an ordinary file"
    if info.st_size > MAX_BYTES:
        return None, f"{path.name} is larger than {MAX_BYTES // 1_000_000} MB"
    key = (str(path), info.st_mtime_ns, info.st_size)
    if key in _CACHE:
        return _CACHE[key]
    try:
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
        with os.fdopen(os.open(path, flags), "rb") as handle:
            text = handle.read(MAX_BYTES + 1).decode("utf-8")
        nb = json.loads(text)
    except OSError as err:
        found = (None, f"{path.name} cannot be read ({err.strerror or err})")
    except (UnicodeDecodeError, ValueError, RecursionError):
        found = (None, f"{path.name} is damaged (not a readable notebook)")
    else:
        found = _parse(path, nb)
    _CACHE.clear()
    _CACHE[key] = found
    return found


def _parse(path: Path, nb) -> tuple[Saved | None, str]:
    cells = nb.get("cells") if isinstance(nb, dict) else None
    if not isinstance(cells, list):
        return None, f"{path.name} is damaged (it has no list of cells)"
    meta = nb.get("metadata") if isinstance(nb.get("metadata"), dict) else {}
    course = meta.get("course") if isinstance(meta.get("course"), dict) else {}
    assignment = course.get("assignment") if isinstance(course.get("assignment"), str) else ""
    sources, records = [], {}
    for cell in cells:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        sources.append("".join(source) if isinstance(source, list) else str(source))
        for output in cell.get("outputs") or () if isinstance(cell.get("outputs"), list) else ():
            data = output.get("data") if isinstance(output, dict) else None
            record = data.get(RECORD_MIME) if isinstance(data, dict) else None
            if not isinstance(record, dict) or not isinstance(record.get("question"), str):
                continue
            qid, answer = record["question"], record.get("answer")
            attempt = record.get("attempt")
            attempt = attempt if type(attempt) is int and 0 <= attempt < 10 ** 6 else 0
            hints = record.get("hints")
            hints = hints if type(hints) is int and 0 <= hints < 100 else 0
            before = records.get(qid, (None, 0, 0))
            if answer is None:  # a placeholder never hides an earlier answer, but may carry hints
                records[qid] = (before[0], before[1], max(before[2], hints))
            else:
                records[qid] = (answer, attempt, max(before[2], hints))
    return Saved(path, assignment, "\n".join(sources), records, meta), ""


def _asks(saved: Saved, qid: str) -> bool:
    if qid == STUDENT_ID:
        return "student_id(" in saved.sources
    return f'"{qid}"' in saved.sources or f"'{qid}'" in saved.sources


def file_student(saved: Saved) -> str:
    answer = saved.records.get(STUDENT_ID, (None,))[0]
    return " ".join(answer.split()) if isinstance(answer, str) else ""


def recorded(qid: str, student: str, assignment: str = "") -> Found:
    """The last answer to ``qid`` in the running notebook's saved file, if it may be restored
    to ``student`` (this kernel's id, "" for none); else a note saying why not, or nothing."""
    path, problem = running_notebook()
    if path is None:
        return Found(note=_cannot(problem) if problem else "")
    saved, problem = read_notebook(path)
    if saved is None:
        return Found(note=_cannot(problem))
    if not _asks(saved, qid):
        return Found(note=_cannot(f"{path.name} does not ask {qid} (is another notebook running?)"))
    if assignment and saved.assignment and saved.assignment != assignment:
        return Found(note=_cannot(f"{path.name} is assignment {saved.assignment}, not {assignment}"))
    answer, attempt, hints = saved.records.get(qid, (None, 0, 0))
    owner = file_student(saved)
    if qid != STUDENT_ID and owner and student and owner != student:
        return Found(hints=0, note=_cannot(f"the answers saved in {path.name} are under student id "
                                           f"{owner}, not {student}"))
    return Found(answer, max(attempt, 1) if answer is not None else 0, hints)


def _cannot(reason: str) -> str:
    return f"Nothing was restored from this notebook's saved copy: {reason}."
