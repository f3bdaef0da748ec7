"""`course export-student OUT`: the course as students may see it, ready to publish on its own.

Why: ``solutions/`` holds every assignment's answers and the plaintext question bank, and
``instructors/`` the guide with its answer discussion. A class that is sent to this
repository (a Binder badge, an nbgitpuller link, a clone) could read them, so the teacher
publishes a second repository made by this command.

What goes in is what the course's git repository tracks at HEAD, read from git itself, never
the working tree: a teacher grades, writes reports and keeps rosters inside the course folder,
and none of that (untracked or git-ignored) may reach a folder meant to be published. From the
tracked files it leaves out the instructor package (src/course), solutions/, instructors/,
maintainer tooling (.ci, benchmarks) and the tests that need them; the command lists all of it.

``--force`` refreshes an earlier copy in place: its ``.git`` (history, remote, unpushed
commits) is kept and everything else is replaced by the new export. Anything else the teacher
keeps in the copy must be committed there first: with uncommitted changes the refresh is
refused, so a file deleted by the refresh can always be restored from the copy's history.
The copy is built in a temporary folder first, so a failure leaves the old copy as it was.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from .errors import CourseError

__all__ = ["ROOT", "LEFT_OUT", "tracked_files", "plan", "export", "main"]

ROOT = Path(__file__).resolve().parents[2]
# Instructor material and maintainer tooling: never in the student copy.
LEFT_OUT = {"solutions", "instructors", "benchmarks", ".ci", ".git"}
# The instructor package: students import `helpers`; the grader and its keys stay with the teacher.
LEFT_OUT_PACKAGE = Path("src", "course")
# A test module that names a solutions/ folder (the course's, or the toy one among the test
# fixtures, which is not copied either) cannot run in the copy. A conftest.py only defines
# paths for its fixtures, which skip when the bank's schema is missing: it is left out only
# when it reads the course's own solutions/.
NEEDS_SOLUTIONS = re.compile(r"""["']solutions["']|^\s*(?:from|import)\s+course\b""", re.M)
CONFTEST_NEEDS_SOLUTIONS = re.compile(r"""\b(?:ROOT|REPO|course_root)\s*/\s*["']solutions["']""")

NOTICE = """> **Student copy.** This repository is the student edition of the course, made with
> `course export-student`: it has the lessons, datasets, exercises and the `helpers` package,
> but not the assignment solutions or the instructor guide that the README mentions. Hand in
> your exercise notebooks as your teacher asks.

"""


def _skip(path: Path) -> bool:
    """The instructor package, and any plaintext answer material wherever it sits (the test
    fixtures have a toy solutions/ folder and YAML question banks of their own)."""
    return (path.is_relative_to(LEFT_OUT_PACKAGE)
            or any(part in ("solutions", "instructors") for part in path.parts)
            or (path.parent.name == "question-bank" and path.suffix in (".yaml", ".yml")))


def student_pyproject(text: str) -> str:
    """pyproject.toml without the `course` command and its key-source entry point: the copy has
    no `course` package, and an installed script that cannot start would only confuse."""
    start = text.find("[project.scripts]")
    end = text.find("[tool.", start)
    if start < 0 or end < 0:
        return text
    return text[:start] + text[end:]


def _is_student_copy(folder: Path) -> bool:
    try:
        return folder.is_dir() and (folder / "README.md").read_text(encoding="utf-8").startswith(NOTICE[:40])
    except (OSError, UnicodeDecodeError):
        return False


class Tracked:
    """The files git tracks at HEAD: path -> (mode, blob id), and their bytes read on demand."""

    def __init__(self, root: Path):
        self.root = Path(root)
        listing = _git(self.root, "ls-tree", "-r", "-z", "--full-tree", "HEAD")
        self.entries: dict[Path, tuple[str, str]] = {}
        self.unusual: list[Path] = []   # links and submodules: not regular files, never copied
        for item in listing.split(b"\0"):
            if not item:
                continue
            meta, _, name = item.partition(b"\t")
            mode, kind, blob = meta.decode().split()
            rel = Path(os.fsdecode(name))
            if kind == "blob" and mode in ("100644", "100755"):
                self.entries[rel] = (mode, blob)
            else:
                self.unusual.append(rel)
        self._cache: dict[Path, bytes] = {}

    def read(self, paths) -> dict[Path, bytes]:
        """The content at HEAD of each path, read in one `git cat-file --batch`."""
        wanted = [p for p in paths if p not in self._cache]
        if wanted:
            request = "".join(self.entries[p][1] + "\n" for p in wanted).encode()
            out = _git(self.root, "cat-file", "--batch", stdin=request)
            pos = 0
            for rel in wanted:
                end = out.index(b"\n", pos)
                size = int(out[pos:end].split()[2])
                self._cache[rel] = out[end + 1:end + 1 + size]
                pos = end + 1 + size + 1
        return {p: self._cache[p] for p in paths}


def _git(root: Path, *args: str, stdin: bytes | None = None) -> bytes:
    try:
        run = subprocess.run(["git", "-C", str(root), *args], input=stdin, capture_output=True, check=False)
    except FileNotFoundError:
        raise CourseError("git is not installed: the student copy is made from what the course's git "
                          "repository tracks, so git is needed.") from None
    if run.returncode != 0:
        reason = run.stderr.decode(errors="replace").strip().splitlines()
        raise CourseError(f"{root} is not a git checkout with a commit ({reason[0] if reason else 'git failed'}); "
                          "the student copy is made from the files the course's repository tracks at HEAD. "
                          "Run it in a clone of the course.")
    return run.stdout


def tracked_files(root: Path = ROOT) -> Tracked:
    return Tracked(root)


def plan(root: Path = ROOT, tracked: Tracked | None = None) -> tuple[list[Path], list[Path]]:
    """(files to copy, files left out), relative to root: only files git tracks at HEAD.

    Left out: the instructor package, solutions/, instructors/, maintainer tooling, any
    plaintext question bank, and the test modules that need solutions/ or import course (a
    conftest.py that reads solutions/ takes its whole folder with it).
    """
    tracked = tracked or Tracked(root)
    copy, left, tests = [], [], []
    for rel in sorted(tracked.entries):
        if rel.parts[0] in LEFT_OUT or _skip(rel):
            left.append(rel)
        elif rel.parts[0] == "tests" and rel.suffix == ".py":
            tests.append(rel)
        else:
            copy.append(rel)
    contents = tracked.read(tests)
    needing = set()
    left_dirs = set()
    for rel in tests:
        text = contents[rel].decode("utf-8", errors="replace")
        needs = CONFTEST_NEEDS_SOLUTIONS if rel.name == "conftest.py" else NEEDS_SOLUTIONS
        if needs.search(text):
            needing.add(rel)
            if rel.name == "conftest.py":
                left_dirs.add(rel.parent)
    for rel in tests:
        if rel in needing or any(rel.is_relative_to(d) for d in left_dirs):
            left.append(rel)
    copy = sorted(set(tracked.entries) - set(left))
    left = sorted(set(left) | set(tracked.unusual))
    return copy, left


def _uncommitted(folder: Path) -> list[str]:
    """Changes in a copy's own repository that a refresh would lose (untracked files included)."""
    try:
        out = _git(folder, "status", "--porcelain", "-z", "--untracked-files=all")
    except CourseError:
        return ["(its .git could not be read)"]
    return [item[3:].decode(errors="replace") for item in out.split(b"\0") if len(item) > 3]


def _modes() -> tuple[int, int]:
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask, 0o777 & ~mask


def export(out: Path, *, force: bool = False, root: Path = ROOT) -> tuple[list[Path], list[Path]]:
    """Write the student copy to ``out``; return (files copied, files left out)."""
    out = Path(out).resolve()
    root = Path(root).resolve()
    if out == root or root in out.parents or out in root.parents:
        raise CourseError(f"{out} is the course, inside it or above it; choose a folder outside it.")
    tracked = Tracked(root)   # refuses outside a git checkout, before anything is touched
    refresh = out.exists() and (not out.is_dir() or any(out.iterdir()))
    if refresh:
        if not force:
            raise CourseError(f"{out} already exists and is not empty; use --force to refresh it "
                              "(its .git is kept).")
        if not _is_student_copy(out):
            raise CourseError(f"{out} is not an earlier student copy (its README.md does not start with "
                              "the student-copy notice), so even --force will not touch it; choose another folder.")
        if (out / ".git").exists():
            changed = _uncommitted(out)
            if changed:
                raise CourseError(f"{out} has uncommitted changes ({', '.join(changed[:5])}"
                                  f"{' ...' if len(changed) > 5 else ''}); commit or remove them in the copy first, "
                                  "so that nothing of yours is lost when the copy is refreshed.")
    copy, left = plan(root, tracked)
    contents = tracked.read(copy)
    file_mode, dir_mode = _modes()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".student-copy-", dir=out.parent))
    try:
        for rel in copy:
            data = contents[rel]
            if rel == Path("pyproject.toml"):
                data = student_pyproject(data.decode("utf-8")).encode("utf-8")
            elif rel == Path("README.md"):
                data = (NOTICE + data.decode("utf-8")).encode("utf-8")
            target = staging / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            os.chmod(target, dir_mode if tracked.entries[rel][0] == "100755" else file_mode)
        for folder in [staging, *(p for p in staging.rglob("*") if p.is_dir())]:
            os.chmod(folder, dir_mode)
        if not refresh:
            if out.exists():
                out.rmdir()
            os.replace(staging, out)
        else:
            for old in out.iterdir():
                if old.name == ".git":
                    continue
                if old.is_dir() and not old.is_symlink():
                    shutil.rmtree(old)
                else:
                    old.unlink()
            for new in staging.iterdir():
                os.replace(new, out / new.name)
            staging.rmdir()
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return copy, left


def _left_out_summary(left: list[Path]) -> list[str]:
    """Folders with their file counts, then single files: what a teacher checks at a glance."""
    groups: dict[str, int] = {}
    singles = []
    for rel in left:
        key = (LEFT_OUT_PACKAGE.as_posix() + "/" if rel.is_relative_to(LEFT_OUT_PACKAGE)
               else rel.parts[0] + "/" if rel.parts[0] in LEFT_OUT else None)
        if key:
            groups[key] = groups.get(key, 0) + 1
        else:
            singles.append(rel.as_posix())
    return [f"{name} ({count} file{'s' if count != 1 else ''})" for name, count in sorted(groups.items())] + singles


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="course export-student",
        description="Write a student copy of the course to OUT: the files git tracks at HEAD, less solutions/, "
                    "instructors/, the instructor package and maintainer tooling, ready to publish as its own "
                    "repository (Binder, nbgitpuller).")
    parser.add_argument("out", type=Path, metavar="OUT", help="folder to create (outside this course)")
    parser.add_argument("--force", action="store_true",
                        help="refresh an earlier student copy in place (its .git is kept; refused if it has "
                             "uncommitted changes)")
    args = parser.parse_args(argv)
    try:
        copied, left = export(args.out, force=args.force)
    except CourseError as err:
        print(f"course export-student: {err}", file=sys.stderr)
        return 2
    print(f"student copy written to {args.out}: {len(copied)} files, exactly as the course's git repository "
          "tracks them at HEAD (untracked and git-ignored files are never copied).")
    if left:
        print("left out: " + ", ".join(_left_out_summary(left)))
    changed = [line for line in _git(ROOT, "status", "--porcelain", "--untracked-files=no").decode(
        errors="replace").splitlines() if line.strip()]
    if changed:
        print(f"note: {len(changed)} tracked file(s) changed since the last commit are in the copy as committed, "
              "not as they are now; commit first to publish the changes.")
    print("Publish it as its own repository (git init, commit, push), then point Binder or an nbgitpuller link at it.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
