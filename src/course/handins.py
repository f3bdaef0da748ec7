"""Find and read handed-in notebooks safely: every candidate becomes a row or a listed reason.

Why this module exists: a folder of hand-ins is made by students (and by zip and tar, which
restore symbolic links, hidden files and odd names). The grader must read only the regular
files inside that folder, never follow a link to a classmate's notebook or the instructor's
solutions, never block on a pipe or a device, never crash on a name that is not UTF-8 or on
a folder nested a thousand deep, and never silently leave a file out. Discovery walks the
tree itself (no recursion, no links followed); reading opens each file with O_NOFOLLOW,
checks it is a regular file of bounded size and decodes it strictly.
"""
from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

__all__ = ["MAX_BYTES", "MAX_DEPTH", "MAX_ENTRIES", "Candidate", "display_name", "find", "read_text", "read_at_most",
           "UnreadableFile"]

MAX_BYTES = 20 * 1024 * 1024   # per file: a notebook with many figures stays well below
MAX_DEPTH = 40                 # folder levels searched; unzipped class folders use a handful
MAX_ENTRIES = 200_000          # directory entries looked at in one student's folder (each top-level folder)
MAX_TOTAL_ENTRIES = 2_000_000  # and in the whole run, which bounds its time
SUFFIX = ".ipynb"
# Folders whose contents are copies made by tools, not hand-ins: listed, never graded.
TOOL_FOLDERS = {".ipynb_checkpoints": "autosaved copies kept by Jupyter",
                "__MACOSX": "file metadata added by macOS zip"}


class UnreadableFile(Exception):
    """A hand-in that cannot be read; the message is the reason, for the gradebook row."""


@dataclass
class Candidate:
    """One entry found: graded as a row (``problem`` empty or an error for its row), or skipped."""

    name: str               # relative to the graded folder, "/"-separated, printable
    path: str | bytes       # for opening (never followed if it is a link)
    problem: str = ""       # set: the row is an error row with this reason, the file is not read
    note: str = ""          # set: graded, with this note in its row
    skipped: str = ""       # set: no row; the reason is listed in the run's summary


def display_name(raw: str) -> str:
    """A file name as text a teacher can read: bytes that are not UTF-8 shown as \\x87."""
    data = os.fsencode(raw)
    return data.decode("utf-8", "backslashreplace")


def _is_notebook(name: str) -> bool:
    return name.lower().endswith(SUFFIX)


def find(folder: Path) -> tuple[list[Candidate], list[Candidate]]:
    """(rows, skipped): every *.ipynb (any case) under folder, and what was left out and why.

    Links are never followed: a link named *.ipynb, or a link to a folder, is a row with a
    problem. Folders that cannot be opened or are nested too deep are rows too, so a missing
    hand-in is visible. Hidden files are graded with a note; tool folders are only listed.
    """
    folder = Path(folder)
    if folder.is_symlink() and folder.suffix.lower() == SUFFIX:
        return [Candidate(folder.name, str(folder), problem=_link_problem(str(folder)))], []
    if not folder.is_dir():
        return [Candidate(folder.name, str(folder))], []
    rows: list[Candidate] = []
    skipped: list[Candidate] = []
    seen: dict[str, int] = {}    # entries looked at per top-level folder ("" : the folder itself)
    total = 0
    stopped: set[str] = set()
    stack: list[tuple[str, str, int, str]] = [(str(folder), "", 0, "")]   # (path, shown prefix, depth, top)
    while stack:
        path, prefix, depth, top = stack.pop()
        if top in stopped:
            continue
        try:
            with os.scandir(path) as it:
                entries = sorted(it, key=lambda e: os.fsencode(e.name))
        except OSError as err:
            shown = prefix.rstrip("/") or "."
            rows.append(Candidate(shown + "/", path, problem=(
                f"cannot open this folder ({err.strerror or err}); notebooks inside it were not graded")))
            continue
        subfolders = []
        for entry in entries:
            seen[top] = seen.get(top, 0) + 1
            total += 1
            if total > MAX_TOTAL_ENTRIES:
                rows.append(Candidate(prefix or "./", path, problem=(
                    f"the search stopped after {MAX_TOTAL_ENTRIES:,} files and folders in all; grade smaller folders")))
                stack.clear()
                subfolders = []
                break
            if seen[top] > MAX_ENTRIES:
                # one student's folder must not use up the search for everyone: stop only this one
                rows.append(Candidate((top + "/") if top else "./", path, problem=(
                    f"this folder holds more than {MAX_ENTRIES:,} files and folders; the search of it stopped "
                    "(the other folders were searched). Look at it by hand")))
                stopped.add(top)
                subfolders = []
                break
            shown = prefix + display_name(entry.name)
            try:
                is_link = entry.is_symlink()
                is_dir = not is_link and entry.is_dir(follow_symlinks=False)
            except OSError as err:
                if _is_notebook(entry.name):
                    rows.append(Candidate(shown, entry.path, problem=f"cannot read the file ({err.strerror or err})"))
                continue
            if is_dir and entry.name in TOOL_FOLDERS:
                skipped.append(Candidate(shown + "/", entry.path, skipped=TOOL_FOLDERS[entry.name]))
                continue
            if is_link:
                if _is_notebook(entry.name) or _points_to_folder(entry.path):
                    rows.append(Candidate(shown, entry.path, problem=_link_problem(entry.path)))
                continue
            if is_dir:
                if _is_notebook(entry.name):
                    rows.append(Candidate(shown, entry.path, problem="this is a folder, not a notebook file"))
                subfolders.append(entry)
                continue
            if not _is_notebook(entry.name):
                continue
            note = "hidden file (its name starts with a dot); graded anyway" if (
                entry.name.startswith(".") or any(part.startswith(".") for part in prefix.split("/") if part)) else ""
            rows.append(Candidate(shown, entry.path, note=note))
        for entry in reversed(subfolders):
            shown = prefix + display_name(entry.name) + "/"
            if depth + 1 >= MAX_DEPTH:
                rows.append(Candidate(shown, entry.path, problem=(
                    f"folder nested more than {MAX_DEPTH} levels deep; not searched. Move the files up and grade again")))
                continue
            stack.append((entry.path, shown, depth + 1, top or shown.rstrip("/")))
    rows.sort(key=lambda c: c.name)
    return rows, skipped


def _points_to_folder(path: str) -> bool:
    try:
        return stat.S_ISDIR(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def _link_problem(path: str) -> str:
    try:
        target = display_name(os.readlink(path))
    except OSError:
        target = "?"
    shown = target if len(target) <= 80 else target[:80] + "..."
    return (f"a symbolic link (to {shown!r}), not a file: not read. Links can point at another "
            "student's work; ask for the file itself")


def read_at_most(fd: int, max_bytes: int) -> bytes | None:
    """All of ``fd``, or None once it passes ``max_bytes``: the size in fstat can be a lie (the
    file grows while it is read), so the limit is kept while reading, not only before."""
    chunks, total = [], 0
    while True:
        chunk = os.read(fd, min(1 << 20, max_bytes + 1 - total))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        total += len(chunk)
        if total > max_bytes:
            return None


def read_text(path: str | bytes, max_bytes: int = MAX_BYTES) -> str:
    """The file's text (UTF-8, a BOM allowed). Raises UnreadableFile with the reason.

    Opened without following links and without blocking (a pipe or device is refused
    after fstat, before any read); the size is checked before reading and bounded while
    reading, so a file that grows cannot exceed the limit either.
    """
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as err:
        if os.path.islink(path):
            raise UnreadableFile(_link_problem(path)) from None
        raise UnreadableFile(f"cannot read the file ({err.strerror or err})") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise UnreadableFile("this is a folder, not a notebook file")
        if not stat.S_ISREG(info.st_mode):
            raise UnreadableFile("not a regular file (a pipe, device or socket); not read")
        if info.st_size > max_bytes:
            raise UnreadableFile(
                f"file is over the {max_bytes // 1024 // 1024} MB limit ({info.st_size:,} bytes) and was not "
                "read; ask the student to clear large outputs and hand it in again")
        if info.st_size == 0:
            raise UnreadableFile("the file is empty")
        data = read_at_most(fd, max_bytes)
        if data is None:
            raise UnreadableFile(f"file is over the {max_bytes // 1024 // 1024} MB limit and was not read")
    except OSError as err:
        raise UnreadableFile(f"cannot read the file ({err.strerror or err})") from None
    finally:
        os.close(fd)
    if not data.strip():
        raise UnreadableFile("the file is empty")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnreadableFile("not a notebook: the file is not UTF-8 text") from None
