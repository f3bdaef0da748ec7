"""Hand marks: the teacher's points and comments for what no machine marks, in their own file.

Why a file of its own: the grader rewrites the gradebook on every run, so marks typed into it
would be lost; ``marks.csv`` is written only by the marking notebook (``course mark``) or by
hand, never by ``course grade``, which reads it and merges it into the gradebook. One row per
hand-in file and teacher-marked question::

    file,student_id,question,points,comment

``file`` is the hand-in's path inside the graded folder, exactly as the gradebook's ``file``
column shows it; ``points`` is empty until the question is marked (a comment may come first).
Each change rewrites the file atomically (``course.csvsafe``), so a crash mid-save leaves the
previous marks, never half a file.

Teacher-marked questions of an assignment are its reflections (essays, with the points and
guidance of solutions/question-bank) and the tasks its solution notebook says "your teacher
will look at" (charts: no points of their own, a comment only).
"""
from __future__ import annotations

import base64
import csv
import io
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

from .csvsafe import FORMULA_STARTS, write_csv
from .errors import CourseError

__all__ = ["COLUMNS", "Mark", "MarksError", "Item", "read_marks", "write_mark", "write_marks", "teacher_items",
           "answer_for", "uncell"]

COLUMNS = ("file", "student_id", "question", "points", "comment")
LOOK_AT = re.compile(r"\*\*Task (\d+)\s*\(not marked automatically[^)]*teacher will look at it\)", re.I)
IMG = re.compile(r"""<img[^>]*\bsrc=["']data:image/png;base64,""")


class MarksError(CourseError):
    """marks.csv cannot be used; the message names the file and row."""


@dataclass
class Mark:
    file: str
    student_id: str
    question: str
    points: float | None     # None: not marked yet
    comment: str
    row: int = 0             # line in marks.csv, for messages


def uncell(text: str) -> str:
    """A cell as it was before ``csvsafe.cell`` guarded it: the apostrophe it puts before a
    formula-looking start is taken off again, so a comment saved twice does not grow one."""
    if text.startswith("'") and text[1:].lstrip(" \u00a0\u200b\u200c\u200d\u2060\ufeff\u3000")[:1] in FORMULA_STARTS:
        return text[1:]
    return text


def read_marks(path: Path) -> dict[tuple[str, str], Mark]:
    """(file, question) -> Mark. A missing file is no marks yet; a damaged one is refused
    with its row, never half-read."""
    path = Path(path)
    if not path.exists():
        return {}
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise MarksError(f"{path}: not UTF-8 text; save it as \"CSV UTF-8\".") from None
    except OSError as err:
        raise MarksError(f"{path}: cannot read it ({err.strerror or err}).") from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    marks: dict[tuple[str, str], Mark] = {}
    try:
        rows = list(reader)
    except csv.Error as err:
        raise MarksError(f"{path}, row {reader.line_num}: the CSV is malformed ({err}).") from None
    if not rows:
        return {}
    header = [h.strip().lower() for h in rows[0]]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise MarksError(f"{path}, row 1 (header): missing column(s) {', '.join(missing)}; "
                         f"the columns are {','.join(COLUMNS)}.")
    at = {c: header.index(c) for c in COLUMNS}
    for line, row in enumerate(rows[1:], 2):
        if not any(cell.strip() for cell in row):
            continue
        values = {c: uncell(row[i]) if i < len(row) else "" for c, i in at.items()}
        if not values["file"].strip() or not values["question"].strip():
            raise MarksError(f"{path}, row {line}: the file and question must be filled in.")
        raw = values["points"].strip()
        points = None
        if raw:
            try:
                points = float(raw.replace(",", "."))
            except ValueError:
                raise MarksError(f"{path}, row {line}: points {raw!r} is not a number.") from None
            if not math.isfinite(points) or points < 0:
                raise MarksError(f"{path}, row {line}: points {raw!r} must be a number of 0 or more.")
        key = (values["file"], values["question"].strip())
        if key in marks:
            raise MarksError(f"{path}, row {line}: {key[0]} / {key[1]} is marked twice "
                             f"(also row {marks[key].row}); keep one row.")
        marks[key] = Mark(values["file"], values["student_id"].strip(), key[1], points, values["comment"], line)
    return marks


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}".rstrip("0")


def write_marks(path: Path, marks: dict[tuple[str, str], Mark]) -> None:
    rows = [[m.file, m.student_id, m.question, _number(m.points), m.comment]
            for m in sorted(marks.values(), key=lambda m: (m.file, m.question))]
    write_csv(Path(path), list(COLUMNS), rows, multiline_columns=("comment",))


def write_mark(path: Path, file: str, student_id: str, question: str, points: float | None,
               comment: str, *, max_points: float | None = None) -> Mark:
    """Set one mark (points None: not marked) and save the whole file atomically."""
    if points is not None:
        if not math.isfinite(points) or points < 0 or (max_points is not None and points > max_points):
            raise MarksError(f"{question}: {points:g} points is outside 0 to {max_points:g}.")
    marks = read_marks(path)
    mark = Mark(file, student_id, question, points, comment)
    marks[(file, question)] = mark
    write_marks(path, marks)
    return mark


# --------------------------------------------------------------------------------------
# What the teacher marks in an assignment


@dataclass
class Item:
    """One teacher-marked question of an assignment."""

    id: str            # the bank's id for an essay, "<assignment>.task-<n>" for a chart task
    kind: str          # "essay" or "chart"
    points: float      # the most it can earn (0 for a chart task: a comment only)
    prompt: str
    scheme: str        # the marking scheme: the essay's guidance and explanation, or the task text
    cell_id: str = ""  # chart: the id of the code cell whose output is the chart


def _solution(assignment: str) -> dict | None:
    from .authoring import sources_dir

    for path in sorted(sources_dir().parent.glob("*.ipynb")):
        try:
            nb = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if ((nb.get("metadata") or {}).get("course") or {}).get("assignment") == assignment:
            return nb
    return None


def teacher_items(assignment: str) -> list[Item]:
    """The essays (from solutions/question-bank) and chart tasks (from the solution notebook)."""
    from .authoring import _instructor_questions

    items = []
    for qid, q in _instructor_questions().items():
        if qid.startswith(assignment + ".") and q.get("type") == "reflection":
            scheme = "\n\n".join(part for part in (
                f"Guidance: {' '.join(str(q.get('guidance') or '').split())}" if q.get("guidance") else "",
                f"A strong answer: {' '.join(str(q.get('explanation') or '').split())}" if q.get("explanation") else "",
                f"At least {q['min_words']} words." if q.get("min_words") else "") if part)
            items.append(Item(qid, "essay", float(q.get("points", 1) or 0), str(q.get("prompt", "")).strip(), scheme))
    nb = _solution(assignment)
    cells = nb.get("cells", []) if nb else []
    for i, cell in enumerate(cells):
        text = "".join(cell.get("source", "")) if cell.get("cell_type") == "markdown" else ""
        found = LOOK_AT.search(text)
        if not found:
            continue
        code = next((c for c in cells[i + 1:] if c.get("cell_type") == "code"), None)
        items.append(Item(f"{assignment}.task-{found.group(1)}", "chart", 0.0, text.strip(),
                          "Look for what the task asks: " + " ".join(text.split()),
                          cell_id=(code or {}).get("id", "")))
    return items


def _inline_png(page: str) -> str | None:
    """The base64 data of the first inline PNG in an output's HTML (what `show()` writes)."""
    start = page.find("data:image/png;base64,")
    if start < 0 or not IMG.search(page[max(0, start - 400):start + 30]):
        return None
    start += len("data:image/png;base64,")
    end = min((i for i in (page.find('"', start), page.find("'", start)) if i >= 0), default=-1)
    return page[start:end] if end > start else None


def answer_for(nb: dict, item: Item, answers: dict) -> tuple[str, bytes | None]:
    """(text, png) the student handed in for ``item``: the essay text from the graded answers,
    or the chart from the outputs of the task's code cell (the first PNG found)."""
    if item.kind == "essay":
        value = answers.get(item.id)
        return (value.strip() if isinstance(value, str) else ""), None
    for cell in nb.get("cells", []) if isinstance(nb, dict) else []:
        if not isinstance(cell, dict) or cell.get("id") != item.cell_id:
            continue
        for output in cell.get("outputs") or []:
            data = output.get("data") if isinstance(output, dict) else None
            if not isinstance(data, dict):
                continue
            png = data.get("image/png")
            if isinstance(png, list):
                png = "".join(png)
            html = data.get("text/html")
            if isinstance(html, list):
                html = "".join(html)
            if not png and isinstance(html, str):
                png = _inline_png(html)
            if isinstance(png, str):
                try:
                    return "", base64.b64decode("".join(png.split()), validate=True)
                except ValueError:
                    return "the chart's image data is damaged", None
        return "no chart in the task's cell (was it run?)", None
    return "the task's cell is not in this file", None
