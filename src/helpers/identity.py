"""Who is working in this kernel: the student id confirmed or restored here, or nobody yet.

Why a module of its own: on a shared lab login one progress file serves several students, so
the store keeps answers per student id, and every read or write must know whose answers it
means. The id is set only by the student (Save, or "Yes, that is me") or from the running
notebook's own saved record; it is never taken silently from the progress file. Until then the
work belongs to nobody (""), and answers to graded assignments are not restored from the store.
"""
from __future__ import annotations

__all__ = ["NOBODY", "current", "set_current"]

NOBODY = ""
_current = NOBODY


def current() -> str:
    """The student id of this kernel, or "" when none is confirmed yet."""
    return _current


def set_current(student: str) -> None:
    global _current
    _current = student if isinstance(student, str) else NOBODY
