"""A made-up class: answered assignment notebooks, as the grader sees them after hand-in.

Why: the class report and the LMS export are about a whole seminar, so their tests need
many varied submissions whose true figures are known. Each student here has an ability;
each question a difficulty; a student gets a question right with a logistic probability of
the two, answers wrong with one of the question's plausible wrong answers (another option,
a mistake listed in the bank, a swapped pair), or leaves it out. The notebook is the
exercise generated from the solution (``course.exercises``) with the answer records the
widgets write (``helpers.widgets.record_bundle``), one per question, with an attempt count.

``planted`` makes a question look broken the way a wrong key does: the strongest students
give one particular "wrong" answer and only weak students happen on the keyed one.

Used by tests/unit/test_report.py and benchmarks/bench_report.py; deterministic per seed.
"""
from __future__ import annotations

import json
import math
import random
import re
from pathlib import Path

import nbformat

from course import authoring
from course.exercises import exercise_notebook
from helpers.widgets import STUDENT_ID, record_bundle

WORDS = ("source", "count", "party", "workers", "vote", "delegates", "record", "doubt", "figure", "Moscow")


def plain_questions(question_bank: Path) -> dict[str, dict]:
    """The plaintext questions (with keys) of a question-bank folder, by id."""
    return {q["id"]: q for _, q in authoring.read_sources(question_bank)}


def right_answer(q: dict):
    kind = q["type"]
    if kind in ("multi", "order"):
        return list(q["answer"])
    if kind == "match":
        return dict(q["answer"])
    if kind == "reflection":
        return "I would ask who counted and why, then check the figure against a second source."
    return q["answer"]


def wrong_answers(q: dict) -> list:
    """Plausible wrong answers, the likeliest first (listed mistakes before made-up ones)."""
    kind, answer = q["type"], q.get("answer")
    if kind == "single":
        return [o["id"] for o in q["options"] if o["id"] != answer]
    if kind == "multi":
        others = [o["id"] for o in q["options"] if o["id"] not in answer]
        found = [answer[:-1]] if len(answer) > 1 else []
        return found + [answer + [o] for o in others] or [others[:1]]
    if kind == "order":
        return [answer[:i] + [answer[i + 1], answer[i]] + answer[i + 2:] for i in range(len(answer) - 1)]
    if kind == "match":
        lefts = list(answer)
        return [{**answer, lefts[i]: answer[lefts[i + 1]], lefts[i + 1]: answer[lefts[i]]}
                for i in range(len(lefts) - 1)]
    if kind == "numeric":
        step = float(q.get("tolerance", 0) or 0) * 10 + 1
        return [m["answer"] for m in q.get("mistakes", [])] + [answer + step, answer * 10 + step]
    if kind == "text":
        return [m["answer"] for m in q.get("mistakes", [])] + ["no idea", "mean"]
    return []


def _cell_for(nb, qid: str):
    pattern = re.compile(r"""["']""" + re.escape(qid) + r"""["']""")
    for cell in nb.cells:
        if cell.cell_type == "code" and pattern.search(cell.source):
            return cell
    cell = nbformat.v4.new_code_cell(f'ask("{qid}")', id=f"extra-{qid.replace('.', '-')}")
    nb.cells.append(cell)
    return cell


def submission(exercise, plain: dict[str, dict], ability: float, difficulty: dict[str, float],
               rng: random.Random, planted: dict | None = None, skip: float = 0.05, always: dict | None = None,
               student: str | None = None):
    """One student's answered copy of ``exercise`` (a notebook node), with ``student`` recorded
    as the id typed into the first cell. ``always``: question id -> the answer every student
    gives (a question nobody gets right, or hostile text)."""
    nb = nbformat.from_dict(json.loads(json.dumps(exercise)))
    if student:
        cell = next((c for c in nb.cells if c.cell_type == "code" and "student_id()" in c.source), None)
        if cell is None:
            cell = nbformat.v4.new_code_cell("from helpers import student_id\nstudent_id()", id="student-id")
            nb.cells.insert(0, cell)
        cell.outputs = [nbformat.v4.new_output("display_data", data=record_bundle(STUDENT_ID, 1, student))]
    assignment = nb.metadata["course"]["assignment"]
    for qid, q in plain.items():
        if not qid.startswith(assignment + "."):
            continue
        if rng.random() < skip:
            continue                                  # never answered
        if q["type"] == "reflection":
            answer = " ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 60)))
            answer = always[qid] if always and qid in always else answer   # the same draws either way
            attempt = 1
        elif always and qid in always:
            answer, attempt = always[qid], 1
        elif planted and qid in planted:
            if ability > 0.5:
                answer = planted[qid] if rng.random() < 0.9 else right_answer(q)
            else:
                answer = right_answer(q) if rng.random() < 0.6 else rng.choice(wrong_answers(q))
            attempt = rng.randint(1, 3)
        else:
            p = 1 / (1 + math.exp(-8 * (ability - difficulty[qid])))
            if rng.random() < p:
                answer, attempt = right_answer(q), 1 + (rng.random() > ability) * rng.randint(1, 2)
            else:
                wrong = wrong_answers(q)
                answer = rng.choices(wrong, weights=[1 / (k + 1) for k in range(len(wrong))])[0]
                attempt = rng.randint(1, 4)
        _cell_for(nb, qid).outputs.append(nbformat.v4.new_output("display_data", data=record_bundle(qid, attempt, answer)))
    return nb


def make_class(folder: Path, solution: Path, question_bank: Path, count: int = 200, seed: int = 1,
               planted: dict | None = None, always: dict | None = None) -> list[Path]:
    """Write ``count`` answered submissions of ``solution``'s assignment under ``folder``
    (in three section folders; student i records the id s00i and saves it as s00i.ipynb)."""
    rng = random.Random(seed)
    plain = plain_questions(question_bank)
    exercise = exercise_notebook(json.loads(Path(solution).read_text(encoding="utf-8")), Path(solution).name)
    difficulty = {qid: rng.uniform(0.15, 0.75) for qid in plain}
    paths = []
    for i in range(1, count + 1):
        nb = submission(exercise, plain, rng.random(), difficulty, rng, planted, always=always, student=f"s{i:03d}")
        path = Path(folder) / f"section-{i % 3 + 1}" / f"s{i:03d}.ipynb"
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, path)
        paths.append(path)
    return paths
