"""Students' home folders on a hub server, reached without ever following a link.

Why this module exists: `course collect` and `course return` run as the teacher, often as
root, inside folders that students control. A student can turn their home, a folder in it
or the hand-in itself into a symbolic link (to a classmate's notebook, to /etc/shadow), a
pipe that blocks a reader, or a file of many gigabytes. Every step here opens one name at a
time relative to an already opened folder (``dir_fd``) with ``O_NOFOLLOW``, so a link is
refused where it is met, and a folder swapped for a link between a check and a use is
refused too. Account names become file names in the teacher's folders, so only names that
are safe as one file name are accepted.
"""
from __future__ import annotations

import fnmatch
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from .errors import CourseError
from .handins import read_at_most

__all__ = ["ACCOUNT", "Home", "Refused", "accounts", "open_home", "shown", "find_files", "read_bytes"]

# Letters (any script), digits and . _ @ + -, not starting with a dot or dash, at most 64:
# what JupyterHub, TLJH (jupyter-<name>) and Unix account names use in practice.
ACCOUNT = re.compile(r"[^\W_][\w.@+-]{0,63}")
O_DIR = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
O_FILE = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)


class Refused(Exception):
    """One account or file that is skipped; the message names it and says why."""


def shown(name: str) -> str:
    """A name students made, printable on a terminal and in a CSV (escapes control and
    undecodable characters)."""
    return "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in name)


@dataclass
class Home:
    """An opened home folder: the account, its folder descriptor and its owner."""

    account: str
    path: str
    fd: int
    uid: int
    gid: int

    def close(self) -> None:
        os.close(self.fd)


def accounts(homes: Path, prefix: str = "") -> tuple[list[tuple[str, str]], list[str]]:
    """([(account, folder name)], [problems]) for every entry of ``homes``.

    ``prefix`` is what the server puts before a hub user's name (TLJH: ``jupyter-``); entries
    without it are not students' homes and are left out quietly. Names that cannot be used
    safely as a file name are listed as problems, never collected.
    """
    try:
        names = sorted(os.listdir(homes))
    except FileNotFoundError:
        raise CourseError(f"--homes {homes} does not exist; name the folder that holds the students' "
                          "home folders (on TLJH and most servers: /home).") from None
    except NotADirectoryError:
        raise CourseError(f"--homes {homes} is not a folder.") from None
    except OSError as err:
        raise CourseError(f"cannot list --homes {homes}: {err.strerror or err}.") from None
    found, problems = [], []
    for name in names:
        if not name.startswith(prefix) or name.startswith("."):
            continue
        account = name[len(prefix):]
        if ACCOUNT.fullmatch(account) and account.isprintable():
            found.append((account, name))
        else:
            problems.append(f"home folder '{shown(name)}': the account name is not safe as a file name "
                            "(letters, digits and . _ @ + -, starting with a letter or digit); not used")
    return found, problems


def open_home(homes: Path, folder: str, account: str) -> Home:
    """Open one home folder without following a link (Refused if it is one or is missing)."""
    path = os.path.join(homes, folder)
    try:
        fd = os.open(path, O_DIR)
    except FileNotFoundError:
        raise Refused(f"{account}: no home folder {path}") from None
    except OSError as err:
        if os.path.islink(path):
            raise Refused(f"{account}: home folder {path} is a symbolic link; refused (a home must be a "
                          "real folder, or another account's files could be read or written)") from None
        if err.errno == 20:  # ENOTDIR
            raise Refused(f"{account}: {path} is not a folder") from None
        raise Refused(f"{account}: cannot open home folder {path} ({err.strerror or err})") from None
    info = os.fstat(fd)
    return Home(account, path, fd, info.st_uid, info.st_gid)


def _entries(fd: int) -> list[str]:
    dup = os.dup(fd)
    try:
        with os.scandir(dup) as it:
            return sorted(e.name for e in it)
    except OSError:
        return []
    finally:
        try:
            os.close(dup)
        except OSError:
            pass


def find_files(home: Home, pattern: str) -> tuple[list[tuple[str, int]], list[str]]:
    """([(relative path, open file descriptor)], [problems]) for files matching ``pattern``
    (``/``-separated, shell wildcards per part, relative to the home). Every folder on the
    way is opened without following links; a link met on the way is a problem, not a match.
    The caller closes the returned descriptors."""
    parts = pattern.split("/")
    found: list[tuple[str, int]] = []
    problems: list[str] = []
    level = [("", os.dup(home.fd))]
    for depth, part in enumerate(parts):
        last = depth == len(parts) - 1
        nxt = []
        for rel, fd in level:
            try:
                for name in _entries(fd):
                    if name.startswith(".") and not part.startswith("."):
                        continue
                    if not fnmatch.fnmatchcase(name, part):
                        continue
                    path = f"{rel}{name}"
                    try:
                        child = os.open(name, O_FILE if last else O_DIR, dir_fd=fd)
                    except OSError as err:
                        if _is_link(fd, name):
                            problems.append(f"{home.account}: {shown(path)} is a symbolic link; not followed")
                        elif not last and err.errno == 20:
                            continue  # a file where the pattern wants a folder: not a match
                        else:
                            problems.append(f"{home.account}: cannot open {shown(path)} ({err.strerror or err})")
                        continue
                    if last:
                        found.append((path, child))
                    else:
                        nxt.append((path + "/", child))
            finally:
                os.close(fd)
        level = nxt
    return found, problems


def _is_link(dir_fd: int, name: str) -> bool:
    try:
        return stat.S_ISLNK(os.stat(name, dir_fd=dir_fd, follow_symlinks=False).st_mode)
    except OSError:
        return False


def read_bytes(fd: int, max_bytes: int, what: str) -> tuple[bytes, os.stat_result]:
    """The whole file behind ``fd`` (a regular file of at most ``max_bytes``), and its stat."""
    info = os.fstat(fd)
    if stat.S_ISDIR(info.st_mode):
        raise Refused(f"{what} is a folder, not a notebook")
    if not stat.S_ISREG(info.st_mode):
        raise Refused(f"{what} is not a regular file (a pipe, device or socket); not read")
    if info.st_size > max_bytes:
        raise Refused(f"{what} is {info.st_size:,} bytes, over the {max_bytes:,}-byte limit (--max-mb); not "
                      "collected; ask the student to clear large outputs and save again")
    data = read_at_most(fd, max_bytes)
    if data is None:
        raise Refused(f"{what} grew over the {max_bytes:,}-byte limit while it was read; not collected")
    return data, info
