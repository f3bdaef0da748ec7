"""CSV files a spreadsheet opens safely: one function for every cell, one for writing the file.

Why this module exists: gradebooks hold text students control (file names, essays, question
ids in notes). A cell that starts with = + - @ runs as a formula in Excel, LibreOffice and
Google Sheets, and a bare carriage return, which Python 3.11 and 3.12 write unquoted, starts
a new row whose first cell nobody escaped. So every cell passes through ``cell()``: control
characters are shown as escapes (line breaks kept only where asked, always quoted), lone
surrogates become visible escapes instead of crashing the writer, and a formula-looking
start gets a leading apostrophe. ``write_csv`` refuses to write through a symbolic link and
replaces the file atomically, so a planted link cannot redirect the gradebook.
"""
from __future__ import annotations

import csv
import os
import re
import tempfile
import unicodedata
from pathlib import Path

__all__ = ["cell", "visible", "write_csv", "MAX_CELL_CHARS", "FORMULA_STARTS", "PLAIN_NUMBER"]

FORMULA_STARTS = frozenset("=+-@\uff1d\uff0b\uff0d\uff20")   # ASCII and full-width forms
MAX_CELL_CHARS = 32_000   # Excel cuts a cell at 32,767 characters; say so instead
# A bare decimal such as -0.25 is a number to every spreadsheet, never a formula: left as it is
# (a report's negative discrimination must stay a number when the file is read back).
PLAIN_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")
_LINE_BREAKS = {"\u2028", "\u2029", "\x85"}
# Bidirectional embedding, override and isolate controls: an id "\u202e010s" would display as
# "s010". Shown as escapes; joiners (U+200C, U+200D), which names in many scripts need, stay.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _escape(ch: str) -> str:
    code = ord(ch)
    if ch == "\n":
        return "\\n"
    if ch == "\r":
        return "\\r"
    if ch == "\t":
        return "\\t"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(value, *, multiline: bool = False) -> str:
    """Text a student controls, as a teacher should see it (in a CSV cell or a report page):
    control characters, line separators and bidi controls shown as escapes, so "\\u202e010s"
    cannot pass for "s010"; lone surrogates shown instead of crashing a writer. ``multiline``
    keeps line breaks (every kind becomes "\\n"); otherwise they are shown as the two
    characters \\n."""
    text = value if isinstance(value, str) else str(value)
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")   # lone surrogates -> \\udxxx
    if multiline:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        for brk in _LINE_BREAKS:
            text = text.replace(brk, "\n")
        text = text.replace("\t", " ")
    if not text.isprintable():
        text = "".join(_escape(ch) if (unicodedata.category(ch) in ("Cc", "Zl", "Zp") or ch in BIDI_CONTROLS)
                       and not (multiline and ch == "\n") else ch for ch in text)
    return text


def cell(value, *, multiline: bool = False) -> str:
    """One CSV cell, safe to open in a spreadsheet. Never raises for a str or a number.

    The text is ``visible()``; a plain decimal number (``-0.25``) is left as it is, and any
    other text a spreadsheet would read as a formula gets a leading apostrophe.
    """
    text = visible(value, multiline=multiline)
    if len(text) > MAX_CELL_CHARS:
        text = text[:MAX_CELL_CHARS] + f" [... {len(text) - MAX_CELL_CHARS:,} more characters not shown]"
    if PLAIN_NUMBER.fullmatch(text):
        return text
    stripped = text.lstrip(" \u00a0\u200b\u200c\u200d\u2060\ufeff\u3000")
    if stripped[:1] in FORMULA_STARTS:
        text = "'" + text
    return text


def write_csv(path: Path, header: list, rows, *, multiline_columns: tuple = (), lineterminator: str = "\n") -> None:
    """Write header and rows (every cell through ``cell()``) to path, atomically.

    Refuses (OSError) when path is a symbolic link: the link's target is not the teacher's
    to lose. The file is written next to path under a temporary name and then renamed over
    it, so a reader never sees half a gradebook and a link planted later is replaced, not
    followed. ``lineterminator`` is CR LF for the LMS import files, whose documented layout
    uses it.
    """
    path = Path(path)
    if path.is_symlink():
        raise OSError(f"{path} is a symbolic link; refusing to write through it (remove it or choose another name)")
    keep = {header.index(name) for name in multiline_columns if name in header}
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or ".")
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator=lineterminator)
            writer.writerow([cell(h) for h in header])
            for row in rows:
                writer.writerow([cell(v, multiline=i in keep) for i, v in enumerate(row)])
        mask = os.umask(0o022)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
