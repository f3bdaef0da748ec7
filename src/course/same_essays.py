"""Essays handed in more than once: the same words in two files of one assignment.

Why: the grader reads each file alone, so one essay handed in by two students (copied, or
written on a shared login) would be marked twice without anyone noticing. Essays are
compared word for word after folding case, spacing and punctuation; short ones are left out,
since a one-line answer can honestly coincide. What is found goes to the gradebook's
``same_essay`` column only: a lead for the teacher to check, never a mark, and never on a
student's feedback page, which must not name another student's file.
"""
from __future__ import annotations

import re
import unicodedata
from collections import defaultdict

__all__ = ["COLUMN", "MIN_WORDS", "essay_key", "note_same_essays"]

COLUMN = "same_essay"
MIN_WORDS = 25       # below this, two answers can agree by chance (a date, a name, a phrase)
_SHOWN = 5           # files named per note; the rest are counted


def _words(text: str) -> tuple[str, ...]:
    return tuple(re.findall(r"\w+", unicodedata.normalize("NFKC", text).casefold()))


def essay_key(text) -> tuple[str, ...] | None:
    """What two essays must share to be the same essay; None for one too short to compare."""
    words = _words(text) if isinstance(text, str) else ()
    return words if len(words) >= MIN_WORDS else None


def note_same_essays(graded: list) -> int:
    """Note, on each Submission whose essay another file of the same assignment repeats word
    for word, the other files (``extra[COLUMN]``); return how many such essays were found."""
    groups: dict[tuple, list] = defaultdict(list)
    for sub in graded:
        for qid, _points, _count, text in sub.reflections:
            words = essay_key(text)
            if words:
                groups[(sub.assignment, qid, words)].append(sub)
    found = 0
    for (_assignment, qid, _words_), subs in groups.items():
        files = list(dict.fromkeys(sub.path for sub in subs))
        if len(files) < 2:
            continue
        for sub in subs:
            others = [f for f in files if f != sub.path]
            text = (f"{qid}: word for word as in {', '.join(others[:_SHOWN])}"
                    + (f" and {len(others) - _SHOWN} more" if len(others) > _SHOWN else ""))
            sub.extra[COLUMN] = "; ".join(part for part in (sub.extra.get(COLUMN, ""), text) if part)
            found += 1
    return found
