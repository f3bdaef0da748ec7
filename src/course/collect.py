"""`course collect`: gather one assignment from every student's home on a hub server.

Why: on a JupyterHub each student has an account and a home folder, and the account is who
they are: a notebook taken from alice's home is alice's, whatever id was typed into it. This
copies each student's saved exercise into one folder, named by account, and writes a
manifest (``collected.csv``) with each file's modification time, so `course grade` can put
the account, lateness and any penalty into the gradebook and flag a typed id that is not the
account's (handing in under a friend's id).

Nothing is half-made: the files are written into a temporary folder beside OUT, which is
renamed to OUT only when every file is in place; an existing OUT is never overwritten.
Reading never follows a link and never blocks (see course.homes).
"""
from __future__ import annotations

import argparse
import csv
import math
import os
import re
import shutil
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

from . import homes as H
from .csvsafe import write_csv
from .errors import CourseError

__all__ = ["MANIFEST", "DEFAULT_PATTERN", "parse_penalty", "delay_text", "collect", "apply_manifest", "main"]

MANIFEST = "collected.csv"
COLUMNS = ["account", "file", "source", "modified_utc", "bytes", "late", "late_seconds", "late_penalty", "problem"]
# nbgitpuller clones the course into a folder named after its repository, in each home.
DEFAULT_PATTERN = "*/exercises/{assignment}_*.ipynb"
DEFAULT_MAX_MB = 20


def parse_penalty(text: str | None) -> float:
    """'10%/day' -> 10.0; '0' or None -> 0 (no penalty)."""
    if text is None or text.strip() in ("0", "0%", "0%/day"):
        return 0.0
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*%\s*/\s*day\s*", text)
    if not match or float(match.group(1)) > 100:
        raise CourseError(f"--late-penalty {text!r}: write it as a percentage per day, like 10%/day (or 0 for none).")
    return float(match.group(1))


def parse_due(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        due = datetime.fromisoformat(text)
    except ValueError:
        raise CourseError(f"--due {text!r} is not a date and time; write it as ISO 8601, like "
                          "2024-03-01T09:00+01:00 (without an offset it is this server's local time).") from None
    return due if due.tzinfo else due.astimezone()


def delay_text(seconds: float) -> str:
    """A delay as a teacher reads it: '2 d 3 h 5 min', '40 min', '1 min' (started minutes)."""
    minutes = math.ceil(seconds / 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = [f"{days} d" if days else "", f"{hours} h" if hours else "", f"{minutes} min" if minutes else ""]
    return " ".join(p for p in parts if p) or "0 min"


def _assignment_known(assignment: str) -> None:
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]{0,31}", assignment):
        raise CourseError(f"--assignment '{H.shown(assignment)}': an assignment is named like a3 (letters, digits, - and _).")
    from helpers import questions
    try:
        bank = questions.load_bank()["questions"]
    except questions.BankError as err:
        raise CourseError(f"cannot read the question bank to check --assignment: {err}") from None
    known = sorted({qid.split(".", 1)[0] for qid in bank if re.fullmatch(r"a\d+", qid.split(".", 1)[0])})
    if not any(qid.startswith(assignment + ".") for qid in bank):
        raise CourseError(f"--assignment {assignment}: the course has no such assignment (it has {', '.join(known)}).")


def _pattern(text: str, assignment: str) -> str:
    pattern = text.replace("{assignment}", assignment)
    if pattern.startswith("{home}/"):
        pattern = pattern[len("{home}/"):]
    parts = pattern.split("/")
    if pattern.startswith("/") or any(p in ("", ".", "..") for p in parts) or "{" in pattern:
        raise CourseError(f"--pattern {text!r}: give a path inside a home folder, like {DEFAULT_PATTERN} "
                          "({home}/ in front is allowed; no .., no absolute path).")
    return pattern


def _check_out(out: Path) -> None:
    if out.is_symlink():
        raise CourseError(f"--out {out} is a symbolic link; refusing to write through it.")
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise CourseError(f"--out {out} already exists and is not empty; nothing was overwritten. Choose a new "
                          "folder (for example handed-in/a3-second-round/) or move the old one away.")


def collect(homes: Path, assignment: str, out: Path, *, pattern: str = DEFAULT_PATTERN, prefix: str = "",
            max_bytes: int = DEFAULT_MAX_MB << 20, due: datetime | None = None, penalty: float = 0.0
            ) -> tuple[list[dict], list[str]]:
    """Copy each account's hand-in into ``out`` as ``<account>.ipynb``; ([manifest rows], [problems])."""
    glob = _pattern(pattern, assignment)
    _check_out(out)
    found, problems = H.accounts(homes, prefix)
    rows: list[dict] = []
    out.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{out.name}.partial-", dir=out.parent))
    try:
        for account, folder in found:
            row = {"account": account, "file": "", "source": "", "modified_utc": "", "bytes": "", "late": "",
                   "late_seconds": "", "late_penalty": "", "problem": ""}
            rows.append(row)
            try:
                home = H.open_home(homes, folder, account)
            except H.Refused as err:
                row["problem"] = str(err)
                problems.append(str(err))
                continue
            try:
                matches, trouble = H.find_files(home, glob)
            finally:
                home.close()
            problems += trouble
            if not matches:
                row["problem"] = "; ".join(trouble) or f"no file matching {glob} (not handed in)"
                continue
            picked = _newest(matches)
            path, fd = picked
            for other, ofd in matches:
                if ofd != fd:
                    os.close(ofd)
            what = f"{account}: {H.shown(path)}"
            try:
                data, info = H.read_bytes(fd, max_bytes, what)
            except H.Refused as err:
                row.update(source=H.shown(path), problem=str(err))
                problems.append(str(err))
                continue
            finally:
                os.close(fd)
            name = f"{account}.ipynb"
            target = work / name
            target.write_bytes(data)
            os.utime(target, ns=(info.st_atime_ns, info.st_mtime_ns))
            modified = datetime.fromtimestamp(info.st_mtime, timezone.utc)
            row.update(file=name, source=H.shown(path), modified_utc=modified.isoformat(timespec="seconds"),
                       bytes=str(len(data)))
            if len(matches) > 1:
                others = ", ".join(H.shown(p) for p, _ in matches if p != path)
                row["problem"] = f"several files match; took the newest, {H.shown(path)} (also: {others})"
            if due is not None and modified > due:
                late = (modified - due).total_seconds()
                row.update(late=delay_text(late), late_seconds=str(int(late)))
                if penalty:
                    row["late_penalty"] = f"{min(100.0, penalty * math.ceil(late / 86400)):g}%"
        if not any(r["file"] for r in rows):
            where = f"{len(found)} home folder(s)" if found else "no home folders"
            raise CourseError(f"nothing to collect: {where} under {homes} with a file matching {glob}; check "
                              "--homes, --assignment and --pattern. Nothing was written.")
        write_csv(work / MANIFEST, COLUMNS, [[r[c] for c in COLUMNS] for r in rows])
        if out.exists():
            out.rmdir()  # checked empty above
        os.rename(work, out)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return rows, problems


def _newest(matches: list[tuple[str, int]]) -> tuple[str, int]:
    def mtime(item):
        try:
            return os.fstat(item[1]).st_mtime_ns
        except OSError:
            return 0
    return max(matches, key=mtime)


def apply_manifest(graded: list, folder: Path) -> None:
    """Identity and lateness from a collected folder's manifest, for `course grade`.

    The account that handed a file in becomes its student_id; a different id typed in the
    notebook is flagged. The delay goes into a ``late`` column and a penalty (if the
    collection set one) is taken off the score. A folder without a manifest is unchanged.
    """
    path = Path(folder) / MANIFEST
    if not path.is_file() or path.is_symlink():
        return
    with path.open(encoding="utf-8", newline="") as handle:
        rows = {r.get("file", ""): r for r in csv.DictReader(handle) if r.get("file")}
    for sub in graded:
        row = rows.get(sub.path)
        if row is None:
            continue
        account = row.get("account", "")
        typed = sub.student_id
        sub.student_id = account
        sub.extra["typed_id"] = typed
        if typed and typed != account:
            sub.note(f"the student id typed in the notebook ({typed!r}) is not the account {account!r} that "
                     "handed it in; the account is used")
        sub.extra["late"] = row.get("late", "")
        share = row.get("late_penalty", "").rstrip("%")
        if share:
            sub.penalty = min(1.0, float(share) / 100)   # taken off the whole grade (Submission.total)
            sub.extra["late_penalty"] = f"{share}%"
        else:
            sub.extra["late_penalty"] = ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="course collect",
        description="Copy one assignment from every student's home folder into OUT, named by account, "
                    f"with a manifest ({MANIFEST}) of modification times. Links are never followed.")
    parser.add_argument("--homes", type=Path, required=True, metavar="DIR",
                        help="the folder holding the students' home folders (usually /home)")
    parser.add_argument("--assignment", required=True, metavar="NAME", help="the assignment, like a3")
    parser.add_argument("--out", type=Path, required=True, metavar="OUT",
                        help="a new (or empty) folder for the hand-ins, like handed-in/a3/")
    parser.add_argument("--pattern", default=DEFAULT_PATTERN,
                        help="where the notebook is inside a home; {assignment} is replaced, * is one name "
                             f"(default: {DEFAULT_PATTERN}, the exercise in the folder nbgitpuller made)")
    parser.add_argument("--home-prefix", default="", metavar="PREFIX",
                        help="what the server puts before a hub user's name in a home folder's name "
                             "(TLJH: jupyter-); files are named by the hub user")
    parser.add_argument("--max-mb", type=float, default=DEFAULT_MAX_MB, help=f"largest hand-in in MB (default {DEFAULT_MAX_MB})")
    parser.add_argument("--due", metavar="ISO", help="due date and time; later files get a delay in the gradebook's late column")
    parser.add_argument("--late-penalty", metavar="PCT/day",
                        help="percent of the score taken off per started day late (default: none)")
    args = parser.parse_args(argv)
    due = parse_due(args.due)
    penalty = parse_penalty(args.late_penalty)
    if penalty and due is None:
        raise CourseError("--late-penalty needs --due (a penalty is counted from the due time).")
    _assignment_known(args.assignment)
    rows, problems = collect(args.homes, args.assignment, args.out, pattern=args.pattern, prefix=args.home_prefix,
                             max_bytes=int(args.max_mb * (1 << 20)), due=due, penalty=penalty)
    taken = [r for r in rows if r["file"]]
    late = [r for r in taken if r["late"]]
    print(f"collected {len(taken)} of {len(rows)} account(s) into {args.out} (manifest: {args.out / MANIFEST})"
          + (f"; {len(late)} late" if due else ""))
    missing = [r["account"] for r in rows if not r["file"] and not r["problem"].startswith(r["account"] + ":")]
    if missing:
        print(f"nothing handed in by: {', '.join(missing)}")
    for problem in problems:
        print(f"  {problem}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
