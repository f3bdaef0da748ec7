"""The student side of the question bank: load it, and check an answer against it.

Why this module exists: lessons, exercises, widgets and the grader must agree on what each
question asks and which answers count, without handing students the key. They all read
``question_bank.json`` next to this file (compiled from the instructor's YAML by
``course.authoring``; keys only as salted hashes, see ``helpers.sealing``) and call
``evaluate(question_id, answer)``: it needs no widgets, no kernel and no YAML, and it never
raises for anything a student can type or pass. See the README in
``solutions/question-bank/`` for the format and the exact rules.
"""
from __future__ import annotations

import difflib
import json
import math
import numbers
import os
import re
from dataclasses import asdict, dataclass, field, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from .normalize import clean_text, describe_type, fold, format_number, normalize_text, to_decimal, word_count
from .sealing import bucket, derive_key, salted_hash, unseal, unwrap_content_key

__all__ = [
    "BankError", "Result", "evaluate", "question", "question_ids", "notebooks", "load_bank",
    "bank_path", "jsonable", "set_mode", "get_mode", "record_only", "TYPES", "AUTO_CHECKED",
]

TYPES = ("single", "multi", "order", "match", "numeric", "text", "reflection")
AUTO_CHECKED = TYPES[:-1]

# Limits that keep a pasted novel or a huge object from stalling the kernel.
MAX_TEXT_CHARS = 1_000
MAX_REFLECTION_CHARS = 50_000
MAX_ITEMS = 200

ICONS = {"correct": "\u2714", "incorrect": "\u2718", "invalid": "\u26a0", "recorded": "\u270e",
         "unknown": "\u26a0", "error": "\u26a0"}
VERDICTS = {"correct": "Correct", "incorrect": "Not yet", "invalid": "Check your answer",
            "recorded": "Saved", "unknown": "Unknown question", "error": "Question unavailable"}


# check(id, ...) in a your-turn cell whose blank is still there: not an attempt, no record.
BLANK_MESSAGE = ("the `...` is still in the cell. Replace it with your own code, run the cell again, "
                 "and this line will tell you whether your value is right.")
# The same for an on-submit question, which never says right or wrong before marking.
BLANK_MESSAGE_ON_SUBMIT = ("the `...` is still in the cell. Replace it with your own code and run the cell "
                           "again: your value is then recorded, and your teacher marks it after you hand in.")


class BankError(ValueError):
    """A question is badly written or the bank is missing or damaged; the message names it."""


# --------------------------------------------------------------------------------------
# Mode: instructor mode shows the plaintext answer (read from solutions/), student mode never.

_MODE: list[str] = []


def set_mode(mode: str) -> None:
    """Switch between "student" (default) and "instructor" (answers shown in ask())."""
    if mode not in ("student", "instructor"):
        raise ValueError('set_mode() takes "student" or "instructor".')
    _MODE[:] = [mode]


def get_mode() -> str:
    """The current mode: set_mode() wins, then $COURSE_MODE, else "student"."""
    if _MODE:
        return _MODE[0]
    return "instructor" if os.environ.get("COURSE_MODE", "").strip().lower() == "instructor" else "student"


# --------------------------------------------------------------------------------------
# Result


@dataclass(frozen=True)
class Result:
    """What a check found. ``correct`` is None when nothing was assessed (bad input, reflection)."""

    question_id: str
    status: str                  # correct | incorrect | invalid | recorded | unknown | error
    correct: bool | None
    message: str                 # the whole text to show: verdict line, feedback, explanation
    feedback: str = ""           # feedback written for this particular answer, if any
    explanation: str = ""        # only after a correct answer (or a saved reflection)
    normalized: Any = None       # the answer as compared (JSON-able), None if unusable
    points: float = 0.0          # what the question is worth
    score: float | None = None   # points earned; None when not assessed
    word_count: int | None = None
    source_ids: tuple = field(default_factory=tuple)

    @property
    def assessed(self) -> bool:
        """True when the answer counted as an attempt (checked, or a reflection saved)."""
        return self.status in ("correct", "incorrect", "recorded")

    def to_dict(self) -> dict:
        out = asdict(self)
        out["source_ids"] = list(self.source_ids)
        return out

    def __str__(self) -> str:
        return self.message


def _result(qid, status, summary, *, q=None, feedback="", explanation="", normalized=None,
            word_count=None, source_ids=(), fraction=None, hint=False, verdict=None) -> Result:
    points = float(q.get("points", 0)) if q else 0.0
    correct = {"correct": True, "incorrect": False}.get(status)
    score = (points if correct else 0.0) if correct is not None else None
    if status == "incorrect" and fraction and q.get("partial"):
        score = round(points * fraction, 2)
        summary += f" Partial credit: {format_number(Decimal(str(score)))} of {plural_points(points)}."
    if hint:
        summary += " Press Hint for a clue."
    parts = [f"{ICONS[status]} {verdict or VERDICTS[status]} - {summary}"]
    if feedback:
        parts.append(feedback)
    if explanation:
        parts.append(("Why: " if status == "correct" else "") + explanation)
    return Result(question_id=qid, status=status, correct=correct, message="\n\n".join(parts),
                  feedback=feedback, explanation=explanation, normalized=normalized,
                  points=points, score=score, word_count=word_count,
                  source_ids=tuple(source_ids))


# --------------------------------------------------------------------------------------
# Loading the compiled bank (student side: json only)

_BANK_CACHE: dict = {}


def bank_path() -> Path:
    """question_bank.json: $COURSE_QUESTION_BANK if set (tests), else the package's own."""
    override = os.environ.get("COURSE_QUESTION_BANK")
    return Path(override) if override else Path(__file__).with_name("question_bank.json")


def load_bank() -> dict:
    """The compiled bank ({"questions": {id: entry}, ...}); BankError if missing or damaged."""
    path = bank_path()
    try:
        stat = path.stat()
        stamp = (str(path), stat.st_mtime_ns, stat.st_size)
    except OSError:
        raise BankError(f"The question bank {path.name} is missing. Reinstall the course, or "
                        "(maintainers) run `course build-bank`.") from None
    if _BANK_CACHE.get("stamp") != stamp:
        try:
            bank = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
            raise BankError(f"The question bank {path.name} is damaged ({err}). Restore it with "
                            "`git checkout -- src/helpers/question_bank.json` or run `course build-bank`.") from None
        if not isinstance(bank, dict) or not isinstance(bank.get("questions"), dict):
            raise BankError(f"The question bank {path.name} has no 'questions' table. "
                            "Run `course build-bank`.")
        _BANK_CACHE.clear()
        _BANK_CACHE.update(stamp=stamp, bank=bank)
    return _BANK_CACHE["bank"]


_RUNTIME_FIELDS = {
    "single": ("options", "accept"), "multi": ("options", "accept"),
    "order": ("items", "positions", "accept"), "match": ("left", "right", "pairs", "accept"),
    "numeric": ("step", "unit", "accept"), "text": ("accept",), "reflection": (),
}


# What an on-submit entry keeps: only what the student needs to answer (no key material).
_DISPLAY_FIELDS = {
    "single": ("options",), "multi": ("options",), "order": ("items",), "match": ("left", "right"),
    "numeric": ("unit",), "text": (), "reflection": (),
}


def record_only(q: dict) -> bool:
    """True for an on-submit question compiled without its key: answers are recorded, not checked."""
    return q.get("mode") == "on-submit" and "salt" not in q


_ASSIGNMENT_NOTEBOOK = re.compile(r"(a\d+)_")


def assignment_of(qid) -> str:
    """The assignment a question belongs to ("a3" for a3.days, asked in a3_*), or "" for a lesson's.

    Why: graded work is kept apart per student id and is never restored from a progress file
    to somebody who has not said who they are; lesson questions are practice."""
    try:
        notebook = load_bank()["questions"][qid].get("notebook") or ""
    except (BankError, KeyError, TypeError, AttributeError):
        return ""
    match = _ASSIGNMENT_NOTEBOOK.match(notebook) if isinstance(notebook, str) else None
    return match.group(1) if match and isinstance(qid, str) and qid.startswith(match.group(1) + ".") else ""


# ask("id") and check("id", value) in a cell's code: the questions that cell puts on screen.
# One pattern for every reader of notebooks (the bank's order checks, slides, question sheets).
QUESTION_CALL = re.compile(r"""\b(?:ask|check)\(\s*(?:question_id\s*=\s*)?["']([^"'\s]+)["']""")


def question_ids_in(source: str) -> list[str]:
    """Question ids a code cell asks or checks, in order, each once."""
    return list(dict.fromkeys(QUESTION_CALL.findall(source)))


def question(qid: str) -> dict:
    """The compiled entry of one question. LookupError (with close ids) if unknown,
    BankError naming the question and field if the entry is incomplete."""
    questions = load_bank()["questions"]
    if not isinstance(qid, str):
        raise LookupError(f"A question id is text such as 'start.disputed', not {describe_type(qid)}.")
    if qid not in questions:
        shown = qid if len(qid) <= 80 else qid[:80] + "..."
        close = difflib.get_close_matches(qid, list(questions), n=3) if len(qid) < 200 else []
        hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        raise LookupError(f"There is no question {shown!r} in the question bank.{hint}")
    q = questions[qid]
    checked = _BANK_CACHE.setdefault("checked", set())
    if qid not in checked:
        _check_entry(qid, q)
        checked.add(qid)
    return q


def _check_entry(qid: str, q) -> None:
    """Structural check of a compiled entry, once per question and bank file."""
    def fail(what):
        raise BankError(f"Question {qid!r}: the bank entry {what}. "
                        "Run `course build-bank` (or restore question_bank.json).")

    if not isinstance(q, dict) or q.get("type") not in TYPES:
        fail("has no valid 'type'")
    unkeyed = record_only(q)
    needed = _DISPLAY_FIELDS[q["type"]] if unkeyed else ("salt", *_RUNTIME_FIELDS[q["type"]])
    for name in ("prompt", "points", *needed):
        if name not in q:
            fail(f"is missing the field {name!r}")
    if (not unkeyed and not isinstance(q["salt"], str)) or not isinstance(q["points"], (int, float)):
        fail("has a bad 'salt' or 'points'")
    for name in ("options", "items", "left", "right"):
        if name in q and not (isinstance(q[name], list) and q[name] and all(
                isinstance(e, dict) and isinstance(e.get("id"), str) and isinstance(e.get("text"), str)
                for e in q[name])):
            fail(f"has a damaged {name!r} list")
    for name in ("accept", "positions", "pairs", "mistakes", "hints", "source_ids"):
        if name in q and not isinstance(q[name], list):
            fail(f"has a damaged {name!r} list")


def question_ids(notebook: str | None = None) -> list[str]:
    """Ids in bank order, optionally only those of one notebook."""
    questions = load_bank()["questions"]
    return [qid for qid, q in questions.items()
            if notebook is None or (isinstance(q, dict) and q.get("notebook") == notebook)]


def notebooks() -> list[str]:
    """Notebook names that have questions, in bank order."""
    seen: dict[str, None] = {}
    for q in load_bank()["questions"].values():
        if isinstance(q, dict) and isinstance(q.get("notebook"), str):
            seen.setdefault(q["notebook"], None)
    return list(seen)


# --------------------------------------------------------------------------------------
# Answers as plain JSON (the notebook's answer record, the progress store)


def jsonable(value, _depth: int = 0):
    """``value`` as plain JSON data (for the answer record and the progress store). Never raises."""
    try:
        if value is None or isinstance(value, bool):
            return value
        if type(value).__name__ == "bool_":
            return bool(value)
        if isinstance(value, str):
            # lone surrogates cannot be written as UTF-8 (files, kernel messages): replace them
            return value[:MAX_REFLECTION_CHARS].encode("utf-8", "replace").decode("utf-8")
        if isinstance(value, numbers.Integral):
            integer = int(value)
            return integer if abs(integer) < 2 ** 63 else str(value)[:100]
        if isinstance(value, (numbers.Real, Decimal)):
            number = float(value)
            return number if math.isfinite(number) else str(number)
        if getattr(value, "ndim", None) == 0 and hasattr(value, "item"):
            return jsonable(value.item(), _depth + 1)
        if _depth < 4 and isinstance(value, dict):
            return {str(k)[:200]: jsonable(v, _depth + 1) for k, v in list(value.items())[:MAX_ITEMS]}
        if _depth < 4 and isinstance(value, (list, tuple, set, frozenset)):
            items = sorted(value, key=repr) if isinstance(value, (set, frozenset)) else value
            return [jsonable(v, _depth + 1) for v in list(items)[:MAX_ITEMS]]
        return repr(value)[:200]
    except Exception:  # noqa: BLE001 - a broken __repr__ or __iter__ must not crash a lesson
        return f"<{type(value).__name__}>"


# --------------------------------------------------------------------------------------
# Checking


def plural(n: int, one: str, many: str | None = None) -> str:
    """``plural(3, "word")`` -> "3 words": counts in messages read as English."""
    return f"{n} {one if n == 1 else (many or one + 's')}"


def plural_points(points: float) -> str:
    """2.0 -> "2 points", 1 -> "1 point", 0.5 -> "0.5 points"."""
    shown = format_number(Decimal(str(points)))
    return f"{shown} point{'' if shown == '1' else 's'}"


def _ids(q: dict, key: str) -> list[str]:
    return [o.get("id") for o in q.get(key, []) if isinstance(o, dict)]


def _id_list(answer, allowed: list[str], what: str, *, allow_none: bool = False):
    """A list of known ids from a list/tuple/set answer, or an error message. ``what`` is plural."""
    if answer is None:
        return None, f"No answer yet: choose {what}."
    if isinstance(answer, (str, bytes)) or not isinstance(answer, (list, tuple, set, frozenset)):
        return None, f"Expected a list of {what} ids (for example {allowed[:2]!r}), not {describe_type(answer)}."
    items = list(answer)[: MAX_ITEMS + 1]
    if len(items) > MAX_ITEMS:
        return None, "That list is far too long for this question."
    for item in items:
        if item is None and allow_none:
            continue
        if not isinstance(item, str):
            return None, f"Each entry must be the id (text) of one of the {what}, not {describe_type(item)}."
        if item not in allowed:
            shown = item if len(item) <= 40 else item[:40] + "..."
            return None, f"{shown!r} is not one of this question's {what}: {', '.join(allowed)}."
    return items, ""


def evaluate(question_id, answer, *, entry: dict | None = None) -> Result:
    """Check ``answer`` to question ``question_id`` against the bank. Never raises.

    Raw answer formats (what the widgets produce and the notebook records hold):
    single: option id (str); multi: list of option ids; order: list of item ids, first
    to last; match: {left_id: right_id}; numeric: a number (or text such as "732,521");
    text and reflection: a string.

    ``entry`` replaces the bank's entry (the grader passes the keyed entry of an on-submit
    question). An on-submit question without its key is validated and "recorded", never
    marked; in instructor mode it is checked against the plaintext YAML when that is here.
    """
    qid = question_id if isinstance(question_id, str) else repr(jsonable(question_id))
    qid = qid if len(qid) <= 80 else qid[:80] + "..."
    try:
        if entry is not None:
            _check_entry(qid, entry)
            q = entry
        else:
            q = question(question_id)
            if record_only(q) and get_mode() == "instructor":
                q = _instructor_entry(qid, q)
    except LookupError as err:
        return _result(qid, "unknown", str(err))
    except BankError as err:
        return _result(qid, "error", str(err))
    if answer is Ellipsis:  # a your-turn cell run before the student filled in its blank
        message = BLANK_MESSAGE_ON_SUBMIT if q.get("mode") == "on-submit" else BLANK_MESSAGE
        return _result(qid, "invalid", message, q=q, verdict="Not yet")
    try:
        return _CHECKERS[q["type"]](qid, q, answer)
    except BankError as err:
        return _result(qid, "error", str(err), q=q)
    except (KeyError, IndexError, TypeError, AttributeError, ValueError) as err:
        # Only a damaged bank entry gets here (student input is validated before use);
        # the property tests assert this status never appears for the real bank.
        return _result(qid, "error", f"Question {qid!r}: the bank entry is damaged ({type(err).__name__}). "
                                     "Run `course build-bank` or restore question_bank.json.", q=q)


# Where the instructor's plaintext keys come from. The lesson library never imports the
# instructor tool: an installed package that has the keys declares itself in this entry-point
# group (the `course` package does, in pyproject.toml), the way pytest finds its plugins.
# In a student copy nothing is declared and instructor mode records answers like a student.
KEY_SOURCES = "helpers.key_sources"


def key_source():
    """The first installed key source (an object with ``keyed_entry(qid) -> dict`` and
    ``instructor_answer(qid) -> str``), or None when none is installed or it cannot load."""
    from importlib.metadata import entry_points

    for point in sorted(entry_points(group=KEY_SOURCES), key=lambda p: p.name):
        try:
            return point.load()
        except Exception:  # noqa: BLE001 - a broken instructor install must not break a lesson
            continue
    return None


def instructor_answer(qid: str) -> str:
    """The plaintext answer of one question, for instructor mode (BankError if no key source)."""
    source = key_source()
    if source is None:
        raise BankError("no instructor key is installed here (the student copy has none).")
    return source.instructor_answer(qid)


def _instructor_entry(qid: str, q: dict) -> dict:
    """The keyed entry from the instructor's YAML, or the student's entry if it is not here."""
    source = key_source()
    if source is None:
        return q
    try:
        return source.keyed_entry(qid)
    except Exception:  # noqa: BLE001 - without solutions/ instructor mode records like a student
        return q


def _invalid(qid, q, message) -> Result:
    return _result(qid, "invalid", message, q=q)


def _recorded(qid, q, shown: str, normalized) -> Result:
    """An on-submit answer: accepted as an answer, not marked (no key is here to mark it)."""
    return _result(qid, "recorded", f"{shown} recorded. In this assignment your teacher marks the "
                                     "answers after you hand it in; until then you can change yours.",
                   q=q, normalized=normalized)


def _finish(qid, q, form: str, summary_ok: str, summary_wrong: str, *, feedback="", normalized=None,
            fraction=None) -> Result:
    salt = q["salt"]
    key = unwrap_content_key(salt, form, q["accept"])
    if key is not None:
        explanation = unseal(q.get("explanation", ""), key, "explanation") if q.get("explanation") else ""
        if q.get("type") == "single":   # the right option's feedback is sealed with the answer
            feedback = _option_feedback(q, form, key)
        try:
            sources = json.loads(unseal(q.get("sources", ""), key, "sources") or "[]")
        except ValueError:
            sources = []
        return _result(qid, "correct", summary_ok, q=q, feedback=feedback, explanation=explanation,
                       normalized=normalized, source_ids=[s for s in sources if isinstance(s, str)])
    return _result(qid, "incorrect", summary_wrong, q=q, feedback=feedback, normalized=normalized,
                   fraction=fraction, hint=bool(q.get("hints")))


def _option_feedback(q, option_id, content_key: bytes | None = None) -> str:
    """An option's feedback: sealed by its id, or (the right option of a single question)
    by the content key, which only the right answer unwraps."""
    for option in q["options"]:
        if isinstance(option, dict) and option.get("id") == option_id and option.get("feedback"):
            if content_key is not None:
                return unseal(option["feedback"], content_key, "feedback")
            return unseal(option["feedback"], derive_key(q["salt"], "feedback", option_id))
    return ""


def _check_single(qid, q, answer) -> Result:
    allowed = _ids(q, "options")
    if answer is None or (isinstance(answer, str) and not answer.strip()):
        return _invalid(qid, q, "No answer yet: choose one option.")
    if isinstance(answer, (list, tuple)) and len(answer) == 1 and isinstance(answer[0], str):
        answer = answer[0]
    if not isinstance(answer, str):
        return _invalid(qid, q, f"Expected one option id (text such as {allowed[0]!r}), not {describe_type(answer)}.")
    if answer not in allowed:
        shown = answer if len(answer) <= 40 else answer[:40] + "..."
        return _invalid(qid, q, f"{shown!r} is not one of the options: {', '.join(allowed)}.")
    if record_only(q):
        return _recorded(qid, q, "your choice is", answer)
    wrong_feedback = _option_feedback(q, answer) if unwrap_content_key(q["salt"], answer, q["accept"]) is None else ""
    return _finish(qid, q, answer, "that is the right option.", "that option is not the best answer.",
                   feedback=wrong_feedback, normalized=answer)


def _check_multi(qid, q, answer) -> Result:
    allowed = _ids(q, "options")
    chosen, problem = _id_list(answer, allowed, "options")
    if problem:
        return _invalid(qid, q, problem)
    selected = sorted(set(chosen), key=allowed.index)
    if not selected:
        return _invalid(qid, q, "Nothing is ticked yet: tick every option that applies.")
    if record_only(q):
        return _recorded(qid, q, f"your {plural(len(selected), 'tick')}", selected)
    wrong_ticks = missing = 0
    for option in q["options"]:
        oid = option.get("id")
        ticked = oid in selected
        if option.get("state") != salted_hash(q["salt"], "state", oid, "1" if ticked else "0"):
            if ticked:
                wrong_ticks += 1
            else:
                missing += 1
    feedback = "\n\n".join(f for f in (_option_feedback(q, oid) for oid in selected) if f)
    problems = []
    if wrong_ticks:
        problems.append(f"{plural(wrong_ticks, 'ticked option does', 'ticked options do')} not apply")
    if missing:
        problems.append(f"{plural(missing, 'option that applies is', 'options that apply are')} not ticked")
    summary_wrong = (" and ".join(problems) + ".") if problems else "not quite."
    right_ticks = len(selected) - wrong_ticks
    applies = right_ticks + missing
    fraction = max(0, right_ticks - wrong_ticks) / applies if applies else 0
    return _finish(qid, q, "\x1e".join(selected), "you ticked exactly the options that apply.",
                   summary_wrong, feedback=feedback, normalized=selected, fraction=fraction)


def _check_order(qid, q, answer) -> Result:
    allowed = _ids(q, "items")
    chosen, problem = _id_list(answer, allowed, "items", allow_none=True)
    if problem:
        return _invalid(qid, q, problem)
    placed = [item for item in chosen if item is not None]
    if len(placed) < len(allowed) or len(chosen) != len(allowed):
        if len(chosen) > len(allowed):
            return _invalid(qid, q, f"There are {len(allowed)} items to place, but {len(chosen)} positions were given.")
        return _invalid(qid, q, f"Place every item: {len(placed)} of {len(allowed)} positions are filled.")
    repeated = sorted({item for item in placed if placed.count(item) > 1}, key=allowed.index)
    if repeated:
        return _invalid(qid, q, f"Each item goes in one place only; used more than once: {', '.join(repeated)}.")
    if record_only(q):
        return _recorded(qid, q, "your order is", placed)
    right = sum(1 for i, (item, mark) in enumerate(zip(placed, q["positions"]))
                if mark == salted_hash(q["salt"], "position", str(i), item))
    return _finish(qid, q, "\x1e".join(placed), f"all {len(placed)} are in the right order.",
                   f"{right} of {len(placed)} are in the right place.", normalized=placed,
                   fraction=right / len(placed))


def _check_match(qid, q, answer) -> Result:
    lefts, rights = _ids(q, "left"), _ids(q, "right")
    if answer is None:
        return _invalid(qid, q, "No answer yet: choose a match for every item.")
    if not isinstance(answer, dict):
        return _invalid(qid, q, f"Expected a mapping {{item id: match id}}, not {describe_type(answer)}.")
    if len(answer) > MAX_ITEMS:
        return _invalid(qid, q, "That mapping is far too long for this question.")
    for key, value in answer.items():
        if not isinstance(key, str) or key not in lefts:
            return _invalid(qid, q, f"{jsonable(key)!r} is not one of the items to match: {', '.join(lefts)}.")
        if value is not None and (not isinstance(value, str) or value not in rights):
            return _invalid(qid, q, f"{jsonable(value)!r} is not one of the possible matches: {', '.join(rights)}.")
    chosen = {k: answer.get(k) for k in lefts}
    unmatched = [k for k, v in chosen.items() if v is None]
    if unmatched:
        return _invalid(qid, q, f"Choose a match for every item: {len(lefts) - len(unmatched)} of {len(lefts)} done.")
    if record_only(q):
        return _recorded(qid, q, "your matches are", chosen)
    right = sum(1 for left, mark in zip(lefts, q["pairs"])
                if mark == salted_hash(q["salt"], "pair", left, chosen[left]))
    form = "\x1e".join(f"{k}={chosen[k]}" for k in lefts)
    return _finish(qid, q, form, f"all {len(lefts)} matches are right.",
                   f"{right} of {len(lefts)} matches are right.", normalized=chosen,
                   fraction=right / len(lefts))


def _shown_number(number: Decimal, q: dict) -> str:
    """The number as feedback shows it: to the question's precision (the decimal places of its
    tolerance), not the float a computation happened to produce (4.322766570605188)."""
    if not number.is_finite() or number == number.to_integral_value():
        return format_number(number)
    try:
        tolerance = Decimal(str(q.get("tolerance", "0")))
    except (InvalidOperation, ValueError):
        tolerance = Decimal(0)
    if tolerance > 0:
        places = max(0, -tolerance.normalize().as_tuple().exponent)
    else:
        places = 2 if abs(number) >= 1 else 4
    return format_number(round(number, min(places, 6)))


def _with_unit(shown: str, unit: str) -> str:
    """ "42%", "3 years"; a calendar year reads as itself ("1921", never "1921 year")."""
    return shown + (unit if unit == "%" else "" if unit == "year" else f" {unit}" if unit else "")


def _check_numeric(qid, q, answer) -> Result:
    unit = str(q.get("unit", ""))
    number, problem = to_decimal(answer, unit)
    if problem:
        return _invalid(qid, q, problem)
    if record_only(q):
        # shown to 2 decimal places (4 below 1); the record keeps the number in full
        shown = _with_unit(_shown_number(number, q), unit)
        result = _recorded(qid, q, shown, float(number) if abs(number) < Decimal("1e300") else str(number))
        if unit == "%" and 0 < abs(number) <= 1 and number != number.to_integral_value():
            result = replace(result, message=result.message + f" Note: a percentage is asked, and {shown} is less than one per cent. If you "
                               f"computed a fraction (a share of 1), multiply it by 100 and check again.")
        return result
    try:
        step = Decimal(str(q["step"]))
    except (InvalidOperation, ValueError):
        raise BankError(f"Question {qid!r}: the bank's 'step' is not a number. Run `course build-bank`.") from None
    form = bucket(number, step)
    shown = _with_unit(_shown_number(number, q), unit)
    feedback = ""
    check = salted_hash(q["salt"], "check", form)
    for mistake in q.get("mistakes", []):
        if isinstance(mistake, dict) and mistake.get("check") == check:
            feedback = unseal(mistake.get("feedback", ""), derive_key(q["salt"], "feedback", form))
    plain = float(number) if abs(number) < Decimal("1e300") else str(number)
    wrong = f"{shown} is not right." if step == 0 else f"{shown} is not within the accepted range."
    return _finish(qid, q, form, f"{shown} is right.", wrong,
                   feedback=feedback, normalized=plain)


def _check_text(qid, q, answer) -> Result:
    if isinstance(answer, numbers.Integral) and not isinstance(answer, bool):
        answer = str(int(answer)) if int(answer).bit_length() < 3000 else "(a huge number)"
    elif isinstance(answer, (numbers.Real, Decimal)) and not isinstance(answer, bool):
        answer = str(answer)
    if answer is None:
        return _invalid(qid, q, "No answer yet: type your answer.")
    if not isinstance(answer, str):
        return _invalid(qid, q, f"Expected text, not {describe_type(answer)}.")
    if len(answer) > MAX_TEXT_CHARS:
        return _invalid(qid, q, f"That is {len(answer):,} characters; the answer here is a few words.")
    form = fold(answer)
    if not form:
        return _invalid(qid, q, "The answer is empty: type a few words.")
    readable = normalize_text(answer)
    if record_only(q):
        shown = readable if len(readable) <= 60 else readable[:60] + "..."
        return _recorded(qid, q, f"\u201c{shown}\u201d", readable)
    feedback = ""
    check = salted_hash(q["salt"], "check", form)
    for mistake in q.get("mistakes", []):
        if isinstance(mistake, dict) and mistake.get("check") == check:
            feedback = unseal(mistake.get("feedback", ""), derive_key(q["salt"], "feedback", form))
    shown = readable if len(readable) <= 60 else readable[:60] + "..."
    return _finish(qid, q, form, f"\u201c{shown}\u201d is accepted.",
                   f"\u201c{shown}\u201d is not one of the accepted answers (case, accents and "
                   "spelling variants such as Shlyapnikov/Shliapnikov already count as the same).",
                   feedback=feedback, normalized=readable)


def _check_reflection(qid, q, answer) -> Result:
    if answer is None:
        return _invalid(qid, q, "Nothing written yet: write your reflection, then press Save.")
    if not isinstance(answer, str):
        return _invalid(qid, q, f"Expected text, not {describe_type(answer)}.")
    if len(answer) > MAX_REFLECTION_CHARS:
        return _invalid(qid, q, f"That is {len(answer):,} characters; please keep a reflection under "
                                f"{MAX_REFLECTION_CHARS:,}.")
    text = clean_text(answer)
    words = word_count(text)
    if not words:
        return _invalid(qid, q, "Nothing written yet: write your reflection, then press Save.")
    summary = (f"{plural(words, 'word')} recorded. Reflections are not marked automatically: "
               "your instructor reads them.")
    minimum = int(q.get("min_words", 0) or 0)
    # The model answer comes only once the reflection is a real attempt: shown after one word,
    # it would be copied instead of thought through. Assignments ship no explanation at all.
    explanation = str(q.get("explanation", "") or "")
    if words < minimum:
        summary += f" Aim for at least {minimum} words; you can add more and save again."
        if explanation:
            summary += " Then you will also see the points a good answer might make."
        explanation = ""
    sources = [s for s in q.get("source_ids", []) if isinstance(s, str)] if explanation else []
    return _result(qid, "recorded", summary, q=q, explanation=explanation,
                   normalized=text, word_count=words, source_ids=sources)


_CHECKERS = {"single": _check_single, "multi": _check_multi, "order": _check_order,
             "match": _check_match, "numeric": _check_numeric, "text": _check_text,
             "reflection": _check_reflection}
