"""Room polls on the course's own questions: the room's answers in, the split and the verdict out.

Why: in a live class the presenter asks the room, not one student. A poll takes the show of
hands per option of a single- or multiple-choice question (or, for a number or a few words,
the list of answers the room called out), draws how the room split, and then reveals which
answer is right with the question's explanation and sources. Nothing here records anything:
no answer record, no progress store. The widget in the presenter view (``helpers.widgets``)
only draws what these functions return; every bad count or empty list ends in a
``PollError`` whose message says what to type.
"""
from __future__ import annotations

import numbers
import re
from dataclasses import dataclass, field
from decimal import Decimal

from .normalize import fold
from .questions import Result, evaluate, question
from .sealing import salted_hash

__all__ = ["PollError", "Row", "Tally", "COUNTED", "TYPED", "letter", "count_hands", "collect_answers",
           "right_answer", "reveal"]

COUNTED = ("single", "multi")        # show of hands per option
TYPED = ("numeric", "text")          # the room's answers typed as a list
MAX_HANDS = 100_000                  # a lecture hall, not a stadium: larger is a typo
MAX_ANSWERS = 2_000


class PollError(ValueError):
    """The poll cannot use what was typed; the message says what to change."""


def letter(n: int) -> str:
    """0 -> A, 1 -> B ... as on the slides and the handouts."""
    return chr(ord("A") + n) if n < 26 else str(n + 1)


@dataclass(frozen=True)
class Row:
    """One bar of the room's split: an option (or a distinct typed answer) and its count."""

    label: str          # "A" for an option, the answer as typed for a typed list
    text: str           # the option's text, or the answer as compared
    count: int
    share: float        # of all hands or answers, 0..1
    key: object = None  # the option id, or the normalized answer
    result: Result | None = None  # a typed answer's verdict (None for counted options)


@dataclass(frozen=True)
class Tally:
    question_id: str
    kind: str                         # "hands" or "answers"
    rows: tuple
    total: int
    unreadable: tuple = field(default_factory=tuple)  # typed answers that are not answers, with why


def _question(question_id) -> dict:
    try:
        return question(question_id)
    except LookupError as err:
        raise PollError(str(err)) from None
    except ValueError as err:  # BankError
        raise PollError(str(err)) from None


def _count(value, where: str) -> int:
    """A count of hands: a whole number 0 or more, given as a number or as typed text."""
    if value is None:
        return 0
    if isinstance(value, bool):
        raise PollError(f"{where}: {value} is not a count; type how many hands went up, e.g. 7.")
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return 0
        if re.fullmatch(r"[+-]?\d+", text):
            value = int(text)
        else:
            try:
                number = float(text.replace(",", "."))
            except ValueError:
                raise PollError(f"{where}: {text[:20]!r} is not a number; type how many hands went up, "
                                "e.g. 7 (leave it empty or type 0 for none).") from None
            value = number
    if isinstance(value, numbers.Integral):
        value = int(value)
    elif isinstance(value, (numbers.Real, Decimal)):
        number = float(value)
        if number != number or number in (float("inf"), float("-inf")) or number != int(number):
            raise PollError(f"{where}: {value} is not a whole number; hands are counted 0, 1, 2 ...")
        value = int(number)
    else:
        raise PollError(f"{where}: expected a number of hands, not {type(value).__name__}.")
    if value < 0:
        raise PollError(f"{where}: {value} is negative; a count of hands is 0 or more.")
    if value > MAX_HANDS:
        raise PollError(f"{where}: {value:,} hands is more than any room holds; check the number.")
    return value


def count_hands(question_id, counts) -> Tally:
    """The room's show of hands for each option of a single- or multiple-choice question.

    ``counts`` lists one count per option in the question's order (``[3, 12, 5, 0]``), or maps
    option letters or ids to counts (``{"B": 12, "A": 3}``); an empty box counts as 0.
    """
    q = _question(question_id)
    if q["type"] not in COUNTED:
        raise PollError(f"{question_id} asks for {'a number' if q['type'] == 'numeric' else 'an answer in words'}"
                        if q["type"] in TYPED else
                        f"{question_id} is a {q['type']} question: a show of hands needs options to vote on.")
    options = q["options"]
    letters = [letter(i) for i in range(len(options))]
    if isinstance(counts, dict):
        by_key = {}
        for key, value in counts.items():
            name = str(key).strip()
            index = (letters.index(name.upper()) if name.upper() in letters else
                     next((i for i, o in enumerate(options) if o["id"] == name), None))
            if index is None:
                raise PollError(f"{name[:20]!r} is not one of the options: {', '.join(letters)}.")
            by_key[index] = value
        values = [by_key.get(i) for i in range(len(options))]
    elif isinstance(counts, (list, tuple)):
        if len(counts) != len(options):
            raise PollError(f"{question_id} has {len(options)} options ({', '.join(letters)}), but "
                            f"{len(counts)} counts were given: give one count per option.")
        values = list(counts)
    else:
        raise PollError("Give the counts as a list, one per option ([3, 12, 5, 0]), or as "
                        "{letter: count}.")
    hands = [_count(v, f"Option {letters[i]}") for i, v in enumerate(values)]
    total = sum(hands)
    if total == 0:
        raise PollError("No hands counted yet: type how many hands went up for each option.")
    rows = tuple(Row(letters[i], o["text"], n, n / total, o["id"]) for i, (o, n) in enumerate(zip(options, hands)))
    return Tally(question_id, "hands", rows, total)


def collect_answers(question_id, answers) -> Tally:
    """The room's typed answers to a numeric or text question: text with one answer per line,
    or a list. Equal answers (2.4 and 2,4; Shliapnikov and Shlyapnikov) are counted together;
    lines that are not answers are listed with the reason, and do not count."""
    q = _question(question_id)
    if q["type"] not in TYPED:
        raise PollError(f"{question_id} is a {q['type']} question: "
                        + ("count the hands for each option instead." if q["type"] in COUNTED else
                           "a poll takes options to count or typed answers; enter the room's answer above "
                           "and press Check."))
    if isinstance(answers, str):
        items = [line.strip() for line in answers.splitlines()]
    elif isinstance(answers, (list, tuple)):
        items = [a.strip() if isinstance(a, str) else a for a in answers]
    else:
        raise PollError("Give the room's answers as text, one answer per line.")
    items = [a for a in items if a not in ("", None)]
    if not items:
        raise PollError("The list is empty: type the room's answers, one per line.")
    if len(items) > MAX_ANSWERS:
        raise PollError(f"That is {len(items):,} answers; a poll takes at most {MAX_ANSWERS:,}.")
    groups: dict = {}
    unreadable = []
    for item in items:
        result = evaluate(question_id, item)
        if result.status not in ("correct", "incorrect"):
            first = result.message.split("\n")[0]
            unreadable.append(f"{str(item)[:40]!r}: {first.split(' - ', 1)[-1]}")
            continue
        key = fold(str(result.normalized)) if q["type"] == "text" else repr(result.normalized)
        if key not in groups:
            groups[key] = [str(item), result, 0]
        groups[key][2] += 1
    total = sum(g[2] for g in groups.values())
    if not total:
        raise PollError("None of the lines is an answer to this question: " + "; ".join(unreadable[:3]))
    ordered = sorted(groups.values(), key=lambda g: -g[2])
    rows = tuple(Row(shown, str(res.normalized), n, n / total, res.normalized, res) for shown, res, n in ordered)
    return Tally(question_id, "answers", rows, total, tuple(unreadable))


def right_answer(question_id):
    """The answer the bank accepts, as evaluate() takes it, found from the bank's own checks:
    an option id (single), option ids (multi), item ids in order (order), a mapping (match).
    None for numeric and text questions, whose answer cannot be read back from its hash."""
    q = _question(question_id)
    salt, kind = q.get("salt"), q["type"]
    if not isinstance(salt, str):
        return None
    if kind == "single":
        for option in q["options"]:
            if evaluate(question_id, option["id"]).correct:
                return option["id"]
        return None
    if kind == "multi":
        return [o["id"] for o in q["options"] if o.get("state") == salted_hash(salt, "state", o["id"], "1")]
    if kind == "order":
        ids = [i["id"] for i in q["items"]]
        return [next((i for i in ids if salted_hash(salt, "position", str(n), i) == mark), None)
                for n, mark in enumerate(q.get("positions", []))]
    if kind == "match":
        rights = [r["id"] for r in q["right"]]
        return {left["id"]: next((r for r in rights if salted_hash(salt, "pair", left["id"], r) == mark), None)
                for left, mark in zip(q["left"], q.get("pairs", []))}
    return None


def reveal(question_id, tally: Tally | None = None) -> Result | None:
    """The verdict with the explanation and sources: the result of checking the right answer.
    For a typed poll, the first typed answer that is right; None when nobody in the room gave
    it and the bank cannot name it (numeric and text questions)."""
    if tally is not None:
        for row in tally.rows:
            if row.result is not None and row.result.correct:
                return row.result
    answer = right_answer(question_id)
    if answer is None:
        return None
    result = evaluate(question_id, answer)
    return result if result.correct else None
