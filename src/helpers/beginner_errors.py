"""Plain-words errors: the pandas mistakes the primer teaches, explained above a short traceback.

Why: a two-condition filter without brackets ends in 38 lines of pandas internals and
"unsupported operand type(s) for &: 'str' and 'StringArray'", which tells a beginner nothing.
When ``helpers`` is imported in a kernel, an IPython exception handler recognises five such
mistakes (brackets in a combined filter, a column name that is not there, ``.item()`` on
several rows, a Series where one value is wanted, a date pandas cannot read), prints one
short explanation and the fix, then only the traceback lines of the student's own code. Any
other error is shown exactly as IPython shows it. The full traceback is one call away:
``full_error()`` (or switch the explanations off with ``plain_errors(False)``).
"""
from __future__ import annotations

import difflib
import re

__all__ = ["explain", "install", "plain_errors", "full_error"]

_LAST: dict = {}
_BRACKETS = ("Put each condition of a combined filter in its own brackets: "
             'df[(df["a"] == x) & (df["b"] == y)]. Without them Python applies & (or |) first, '
             'to x and df["b"], before the comparisons.')


def _source(shell) -> str:
    history = shell.user_ns.get("In") if shell is not None else None
    return history[-1] if isinstance(history, list) and history else ""


def _frames(tb):
    while tb is not None:
        yield tb
        tb = tb.tb_next


def _columns(tb) -> list[str]:
    """The columns of the DataFrame pandas was looking in, if a frame of the traceback has it."""
    for frame in _frames(tb):
        owner = frame.tb_frame.f_locals.get("self")
        columns = getattr(owner, "columns", None)
        if columns is not None and hasattr(owner, "iloc"):
            return [str(c) for c in columns][:200]
    return []


def explain(etype, value, tb=None, source: str = "") -> str:
    """The explanation and fix for a recognised beginner mistake, or "" for any other error."""
    message = str(value)
    combined = bool(re.search(r"[&|]|\band\b|\bor\b", source))
    if issubclass(etype, TypeError) and re.search(r"unsupported operand type\(s\) for [&|]|"
                                                  r"Cannot perform 'r?(and|or)_'", message):
        return "A combined filter needs brackets. " + _BRACKETS
    if issubclass(etype, ValueError) and "truth value of a Series is ambiguous" in message:
        if combined:
            return ("A combined filter needs & or | and brackets, not and/or. " + _BRACKETS)
        return ("A whole column (a Series) was used where Python wants one True or False value, as in "
                "`if`. Pick one value first, with .item() or .iloc[0], or ask .any() / .all() about the column.")
    if issubclass(etype, ValueError) and "can only convert an array of size 1" in message:
        return ("`.item()` needs exactly one row, but your filter kept several rows or none. Look at what "
                "the filter keeps (display it without .item()) and make the condition narrower or fix it.")
    if issubclass(etype, KeyError) and any("pandas" in f.tb_frame.f_code.co_filename for f in _frames(tb)):
        name = value.args[0] if value.args else ""
        columns = _columns(tb)
        if isinstance(name, str) and columns and name not in columns:
            close = difflib.get_close_matches(name, columns, n=2)
            hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
            return (f"There is no column {name!r} in this table.{hint} Its columns are: "
                    f"{', '.join(columns[:30])}{' ...' if len(columns) > 30 else ''}.")
        return (f"pandas found no column or row label {name!r}. Check the spelling and the case against "
                "table.columns (or the index, for .loc).")
    if issubclass(etype, (ValueError, OverflowError)) and (
            etype.__name__ in ("DateParseError", "OutOfBoundsDatetime")
            or re.search(r"doesn't match format|Unknown datetime string format|time data", message)):
        return ("pandas could not read a date. The course's tables write dates as YYYY-MM-DD, and some "
                "are only a year or a month (see the date_precision column). Try "
                'pd.to_datetime(column, errors="coerce"), then look at the rows that became NaT.')
    return ""


def _library(frame) -> bool:
    name = frame.tb_frame.f_code.co_filename
    return ("site-packages" in name or "/lib/python" in name or name.endswith((".pyx", ".pxd"))
            or "pandas" in name or "numpy" in name)


def _own_code(tb):
    """The traceback cut before the first library frame (pandas' internals left out)."""
    frames = list(_frames(tb))
    keep = []
    for frame in frames:
        if _library(frame) and keep:
            break
        if not _library(frame):  # (IPython's own frames come first, before the cell's)
            keep.append(frame)
    if not keep or len(keep) == len(frames):
        return tb, False
    import types

    head = None
    for frame in reversed(keep):
        head = types.TracebackType(head, frame.tb_frame, frame.tb_lasti, frame.tb_lineno)
    return head, True


def _handler(shell, etype, value, tb, tb_offset=None):
    text = explain(etype, value, tb, _source(shell))
    full = shell.InteractiveTB.structured_traceback(etype, value, tb, tb_offset=tb_offset)
    _LAST.update(stb=full)
    if not text:
        shell._showtraceback(etype, value, full)
        return full
    short, cut = _own_code(tb)
    value.__cause__, value.__suppress_context__ = None, True  # pandas' inner error is in full_error()
    stb = shell.InteractiveTB.structured_traceback(etype, value, short, tb_offset=0 if cut else tb_offset)
    note = "(pandas' own lines are left out; run full_error() to see them)" if cut else ""
    lines = [f"\u26a0 {text}", note] if note else [f"\u26a0 {text}"]
    shell._showtraceback(etype, value, [*lines, "", *stb])
    return stb


def install(shell=None) -> bool:
    """Install the handler in the running IPython (if any, and if no other handler is there)."""
    if shell is None:
        try:
            from IPython import get_ipython
        except ImportError:
            return False
        shell = get_ipython()
    if shell is None or not hasattr(shell, "set_custom_exc"):
        return False
    if shell.custom_exceptions not in ((), (Exception,)):
        return False  # somebody else's handler: leave it alone
    shell.set_custom_exc((Exception,), _handler)
    return True


def plain_errors(on: bool = True) -> None:
    """Switch the plain-words explanations on (default) or off in this notebook."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None:
        return
    if on:
        install(shell)
    elif shell.custom_exceptions == (Exception,):
        shell.set_custom_exc((), None)


def full_error() -> None:
    """Print the last error's full traceback, pandas' own lines included."""
    stb = _LAST.get("stb")
    if not stb:
        print("No error yet in this notebook.")
        return
    from IPython import get_ipython

    shell = get_ipython()
    print(shell.InteractiveTB.stb2text(stb) if shell is not None else "\n".join(stb))
