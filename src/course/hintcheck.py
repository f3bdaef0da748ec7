"""Hints in graded work teach the method, never the computation.

Why: in an on-submit assignment the Hint button is the one place a student sees before the
teacher marks, and a hint such as "1,400,000 ÷ 641,000" earns the point without any pandas.
`course build-bank` therefore refuses an on-submit hint that holds the answer itself or an
arithmetic expression of two figures, and says which question and why. Words ("divide the
last value by the first") are the intended way to teach the step.
"""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from helpers.questions import BankError

__all__ = ["hint_problem", "check_hints"]

_NUMBER = r"\d[\d,\u202f\u00a0]*(?:\.\d+)?"
# two figures joined by an operator (a bracket may open before the second): "100 × (2,017,000"
_EXPRESSION = re.compile(rf"({_NUMBER})\s*(?:[×÷*/+−]|\s-\s|\sx\s)\s*\(?\s*({_NUMBER})")


def _figures(value) -> set[str]:
    """Spellings of a numeric answer a hint could give away (1234.5, 1,234.5, rounded forms)."""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return set()
    spellings = set()
    for places in range(0, 4):
        rounded = round(number, places)
        if places and rounded == rounded.to_integral_value():
            continue
        for text in (f"{rounded:f}", f"{rounded:,f}"):
            spellings.add(text)
    # a short figure such as 10 or 35 is too common in prose to ban on its own
    return {s for s in spellings if len(re.sub(r"\D", "", s)) >= 3}


def hint_problem(q: dict, hint: str) -> str:
    """Why ``hint`` must not be shown before marking, or "" if it may."""
    text = " ".join(str(hint).split())
    match = _EXPRESSION.search(text)
    if match:
        return (f"it computes with the figures ({match.group(0).strip()!r}); say which column, which pandas "
                "step or which row to use, in words, and leave the arithmetic to the student")
    answer = q.get("answer")
    if q.get("type") == "numeric":
        for spelling in sorted(_figures(answer), key=len, reverse=True):
            if re.search(rf"(?<![\d.,]){re.escape(spelling)}(?![\d]|[.,]\d)", text):
                return f"it contains the answer ({spelling})"
    elif q.get("type") == "text" and isinstance(answer, str) and len(answer.strip()) >= 3:
        for accepted in [answer, *q.get("accept", [])] if isinstance(q.get("accept", []), list) else [answer]:
            if isinstance(accepted, str) and len(accepted) >= 3 and accepted.casefold() in text.casefold():
                return f"it contains the answer ({accepted!r})"
    return ""


def check_hints(entries, settings: dict) -> None:
    """Raise BankError for the first on-submit question whose hint gives its answer away."""
    for filename, q in entries:
        setting = settings.get(q.get("notebook")) or {}
        if setting.get("feedback") != "on-submit":
            continue
        hints = q.get("hint")
        for hint in [hints] if isinstance(hints, str) else hints or []:
            problem = hint_problem(q, hint)
            if problem:
                raise BankError(f"{filename}, question {q['id']!r}: its hint cannot be shown in an on-submit "
                                f"assignment, because {problem}.")
