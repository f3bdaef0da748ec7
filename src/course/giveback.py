"""`course return`: put each student's feedback page into that student's own home.

Why: on a hub the student's home is where they look (JupyterLab's file browser), and only
theirs. ``FEEDBACK_DIR/<account>.html`` (what `course feedback` writes for a hand-in that
`course collect` named ``<account>.ipynb``) goes to ``<home>/feedback/<assignment>.html``,
owned by that student when the command runs as root, and readable by nobody else.

Never into another home: the home, its feedback folder and the target are opened without
following links (a student who links ``feedback`` to a classmate's home gets nothing), and
each page is written to a temporary name in that folder and renamed into place, so a student
sees the old page or the new one, never half of one. A feedback file for an account with no
home is reported, not guessed at.
"""
from __future__ import annotations

import argparse
import os
import re
import secrets
import stat
import sys
from pathlib import Path

from . import homes as H
from .errors import CourseError

__all__ = ["FOLDER", "give_back", "main"]

FOLDER = "feedback"
MAX_BYTES = 50 << 20


def _read_feedback(path: Path) -> bytes:
    try:
        fd = os.open(path, H.O_FILE)
    except OSError as err:
        if path.is_symlink():
            raise H.Refused(f"{path}: a symbolic link; not returned (give the page itself)") from None
        raise H.Refused(f"{path}: cannot read it ({err.strerror or err})") from None
    try:
        data, _ = H.read_bytes(fd, MAX_BYTES, str(path))
    finally:
        os.close(fd)
    return data


def _feedback_folder(home: H.Home, as_root: bool) -> int:
    """The home's feedback folder, opened without following a link; made if missing."""
    try:
        os.mkdir(FOLDER, 0o700, dir_fd=home.fd)
        made = True
    except FileExistsError:
        made = False
    fd = None
    try:
        fd = os.open(FOLDER, H.O_DIR, dir_fd=home.fd)
    except OSError as err:
        try:
            is_link = stat.S_ISLNK(os.stat(FOLDER, dir_fd=home.fd, follow_symlinks=False).st_mode)
        except OSError:
            is_link = False
        if is_link:
            raise H.Refused(f"{home.account}: {home.path}/{FOLDER} is a symbolic link; refused (it could point into "
                            "another home)") from None
        raise H.Refused(f"{home.account}: cannot open {home.path}/{FOLDER} ({err.strerror or err})") from None
    info = os.fstat(fd)
    if as_root and (info.st_uid, info.st_gid) != (home.uid, home.gid):
        if not made and info.st_uid not in (0, home.uid):
            os.close(fd)
            raise H.Refused(f"{home.account}: {home.path}/{FOLDER} belongs to another user (uid {info.st_uid}); refused")
        os.fchown(fd, home.uid, home.gid)
    return fd


def _deliver(home: H.Home, name: str, data: bytes, *, replace: bool, as_root: bool) -> str:
    """Write ``data`` as feedback/<name> in the home; returns what was done."""
    folder = _feedback_folder(home, as_root)
    try:
        try:
            old = os.stat(name, dir_fd=folder, follow_symlinks=False)
        except FileNotFoundError:
            old = None
        if old is not None:
            if not stat.S_ISREG(old.st_mode):
                raise H.Refused(f"{home.account}: {home.path}/{FOLDER}/{name} exists and is not a regular file "
                                "(a link, folder or pipe); refused")
            if not replace:
                raise H.Refused(f"{home.account}: {home.path}/{FOLDER}/{name} already exists; nothing overwritten "
                                "(pass --replace to give a corrected page)")
        temp = f".{name}.{secrets.token_hex(6)}.tmp"
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600, dir_fd=folder)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            if as_root:
                os.fchown(fd, home.uid, home.gid)
            else:
                os.fchmod(fd, 0o644)  # the teacher owns it; the student must still read it
            os.fsync(fd)
        except BaseException:
            os.close(fd)
            os.unlink(temp, dir_fd=folder)
            raise
        os.close(fd)
        os.rename(temp, name, src_dir_fd=folder, dst_dir_fd=folder)
        return "replaced" if old is not None else "returned"
    finally:
        os.close(folder)


def give_back(feedback: Path, homes: Path, assignment: str, *, prefix: str = "", replace: bool = False
              ) -> tuple[list[str], list[str]]:
    """([accounts returned to], [problems])."""
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]{0,31}", assignment):
        raise CourseError(f"--assignment '{H.shown(assignment)}': an assignment is named like a3.")
    if feedback.is_symlink() or not feedback.is_dir():
        raise CourseError(f"{feedback} is not a folder of feedback pages (write them with `course feedback`).")
    pages = sorted(p for p in feedback.iterdir() if p.suffix.lower() == ".html")
    if not pages:
        raise CourseError(f"{feedback} holds no .html feedback pages; nothing was returned.")
    found, problems = H.accounts(homes, prefix)
    folders = dict(found)
    as_root = os.geteuid() == 0
    done: list[str] = []
    for page in pages:
        account = page.stem
        if not H.ACCOUNT.fullmatch(account):
            problems.append(f"{H.shown(page.name)}: not an account name; not returned")
            continue
        if account not in folders:
            problems.append(f"{account}: no home folder {homes / (prefix + account)} for {page.name}; not returned")
            continue
        try:
            data = _read_feedback(page)
            home = H.open_home(homes, folders[account], account)
            try:
                how = _deliver(home, f"{assignment}.html", data, replace=replace, as_root=as_root)
            finally:
                home.close()
        except H.Refused as err:
            problems.append(str(err))
            continue
        except OSError as err:
            problems.append(f"{account}: could not write the feedback ({err.strerror or err}); nothing half-written")
            continue
        done.append(f"{account} ({how})")
    return done, problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="course return",
        description=f"Put FEEDBACK_DIR/<account>.html into each account's home as {FOLDER}/<assignment>.html.")
    parser.add_argument("feedback", type=Path, metavar="FEEDBACK_DIR", help="pages written by `course feedback`")
    parser.add_argument("--homes", type=Path, required=True, metavar="DIR", help="the folder holding the home folders")
    parser.add_argument("--assignment", required=True, metavar="NAME", help="the assignment, like a3 (the page's name)")
    parser.add_argument("--home-prefix", default="", metavar="PREFIX", help="as for `course collect` (TLJH: jupyter-)")
    parser.add_argument("--replace", action="store_true", help="replace a page returned before")
    args = parser.parse_args(argv)
    done, problems = give_back(args.feedback, args.homes, args.assignment, prefix=args.home_prefix,
                               replace=args.replace)
    print(f"returned {len(done)} feedback page(s) as {FOLDER}/{args.assignment}.html: {', '.join(done) or 'none'}")
    for problem in problems:
        print(f"  not returned: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
