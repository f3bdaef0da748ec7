"""The instructor's side of a printed question: its answer as the letters on the sheet or
slide, its explanation and what to say to each anticipated wrong answer.

Why: the answer key (`make handouts`) and the slides' speaker notes (`make slides`) say the
same things about a question, so both read them here, from the plaintext bank in
solutions/question-bank/. `instructor_questions()` is None where that bank or the `course`
package is missing, as in a student copy of the course (`course export-student`): then
neither builder has an answer to show, and none is shown.
"""
from __future__ import annotations

from helpers.questions import BankError

_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def instructor_questions() -> dict[str, dict] | None:
    """Question id -> its plaintext entry, or None without the instructor's bank."""
    try:
        from course.authoring import read_sources
    except ImportError:       # a student copy: no instructor package
        return None
    try:
        return {q["id"]: q for _, q in read_sources(schema=False)}
    except BankError:         # no solutions/question-bank here
        return None


def letters(q: dict) -> str:
    """The right answer as the letters printed on the sheet and the slide (options and
    right-hand entries are lettered in the bank's display order, which both use)."""
    from helpers.questions import question

    shown = question(q["id"])
    if q["type"] in ("single", "multi"):
        letter = {e["id"]: _LETTERS[i] for i, e in enumerate(shown["options"])}
        answers = q["answer"] if isinstance(q["answer"], list) else [q["answer"]]
        return ", ".join(letter[a] for a in answers) + ". "
    if q["type"] == "match":
        letter = {e["id"]: _LETTERS[i] for i, e in enumerate(shown["right"])}
        number = {e["id"]: i for i, e in enumerate(shown["left"], 1)}
        return ", ".join(f"{number[k]}-{letter[v]}" for k, v in sorted(q["answer"].items(), key=lambda kv: number[kv[0]])) + ". "
    if q["type"] == "order":
        letter = {e["id"]: _LETTERS[i] for i, e in enumerate(shown["items"])}
        return "In order: " + ", ".join(letter[a] for a in q["answer"]) + ". "
    return ""


def answer_line(q: dict) -> str:
    """The answer as the key and the notes print it: the letters on the sheet or slide, then
    for a choice or an order the texts they stand for (without the bank's option ids); for
    any other question the plaintext answer of `course key`."""
    from course.authoring import instructor_answer   # present wherever the plaintext bank is

    def text_of(entries, eid):
        return next(" ".join(str(e["text"]).split()) for e in entries if e["id"] == eid)

    if q["type"] in ("single", "multi"):
        chosen = q["answer"] if isinstance(q["answer"], list) else [q["answer"]]
        return letters(q) + "; ".join(text_of(q["options"], a) for a in chosen)
    if q["type"] == "order":
        return letters(q) + " -> ".join(text_of(q["items"], a) for a in q["answer"])
    return letters(q) + instructor_answer(q["id"])


def wrong_answers(q: dict) -> list[tuple[str, str]]:
    """(what a student does, what to tell them), read as "If a student <does>: <tell>": the
    bank's anticipated mistakes ("answers 0.8"), and for a choice question each wrong option
    that has feedback, by its letter ("chooses D", "ticks D")."""
    from helpers.questions import question

    out = [(f"answers {m.get('answer')}", " ".join(str(m.get("feedback", "")).split())) for m in q.get("mistakes", [])]
    if q["type"] in ("single", "multi"):
        right = set(q["answer"] if isinstance(q["answer"], list) else [q["answer"]])
        verb = "chooses" if q["type"] == "single" else "ticks"
        text = {e["id"]: e for e in q["options"]}
        for i, shown in enumerate(question(q["id"])["options"]):
            option = text.get(shown["id"], {})
            if shown["id"] not in right and option.get("feedback"):
                out.append((f"{verb} {_LETTERS[i]}", " ".join(str(option["feedback"]).split())))
    return out
