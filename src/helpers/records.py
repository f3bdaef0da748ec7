"""The answer record: how an answer travels inside a saved notebook.

Why a module of its own: the widgets write this format and the instructor's grader reads
it, so both import it from here instead of each spelling the MIME type and the reserved
student-id question for themselves. A record is a display output of one cell, MIME type
``RECORD_MIME``, holding ``{"format", "question", "attempt", "answer"}`` and, once the
student has opened a hint, ``"hints"`` (how many). Nothing in it depends on time or
randomness, because nbval compares committed outputs.

The record is for the grader and for restoring answers, not for reading: its text/plain form
is empty and its HTML form is a hidden line, so a notebook does not print "Answer record
for ..." under every question, while scripts and browser tests can still find it.
"""
from __future__ import annotations

import html
import json

from .questions import jsonable

__all__ = ["RECORD_MIME", "RECORD_FORMAT", "STUDENT_ID", "record_bundle"]

RECORD_MIME = "application/vnd.course.answer+json"
RECORD_FORMAT = 1
STUDENT_ID = "student_id"  # reserved record id of the student's identity (no bank id looks like it)


def record_bundle(question_id: str, attempt: int = 0, answer=None, hints: int = 0) -> dict:
    """The MIME bundle of an answer record (attempt 0 = not answered yet)."""
    data = {"format": RECORD_FORMAT, "question": question_id, "attempt": attempt,
            "answer": jsonable(answer) if attempt else None}
    if hints:
        data["hints"] = hints
    if attempt:
        shown = json.dumps(data["answer"], ensure_ascii=False)
        shown = shown if len(shown) <= 200 else shown[:197] + "..."
        text = f"Answer record for {question_id}: attempt {attempt}, answer {shown}"
    else:
        text = f"Answer record for {question_id}: not answered yet."
    return {RECORD_MIME: data, "text/plain": "",
            "text/html": f'<div class="course-answer-record" hidden>{html.escape(text)}</div>'}
