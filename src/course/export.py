"""`course export-student OUT`: the course as students may see it, ready to publish on its own.

Why: ``solutions/`` holds every assignment's answers and the plaintext question bank, and
``instructors/`` the guide with its answer discussion. A class that is sent to this
repository (a Binder badge, an nbgitpuller link, a clone) could read them, so the teacher
publishes a second repository made by this command: lessons, datasets, the ``helpers``
package with its hashed bank, the exercises, the environment files, README, Makefile and
the scripts make calls, and the tests that make sense without solutions. Nothing is
overwritten without ``--force``, and the copy is written to a temporary folder first, so
a failure leaves no half-made copy.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

__all__ = ["ROOT", "LEFT_OUT", "plan", "export", "main"]

ROOT = Path(__file__).resolve().parents[2]
# Instructor material and maintainer tooling: never in the student copy.
LEFT_OUT = {"solutions", "instructors", "benchmarks", ".ci", ".git"}
# The instructor package: students import `helpers`; the grader and its keys stay with the teacher.
LEFT_OUT_PACKAGE = Path("src", "course")
# Local clutter (the same as .gitignore): never copied from anywhere in the tree.
JUNK_DIRS = {".venv", "__pycache__", ".pytest_cache", ".ipynb_checkpoints", ".hypothesis", "build",
             "slides", ".course", "test-artifacts"}
JUNK_SUFFIXES = (".pyc", ".egg-info")
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
    """Clutter, and any plaintext answer material wherever it sits (the test fixtures have a
    toy solutions/ folder and YAML question banks of their own)."""
    return (path.is_relative_to(LEFT_OUT_PACKAGE)
            or any(part in JUNK_DIRS or part.endswith(JUNK_SUFFIXES) for part in path.parts)
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


def plan(root: Path = ROOT) -> tuple[list[Path], list[Path]]:
    """(files to copy, test files left out because they need solutions/), relative to root."""
    copy, left = [], []
    left_dirs = set()
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if rel.parts[0] in LEFT_OUT or _skip(rel) or not path.is_file():
            continue
        if rel.parts[0] == "tests" and path.suffix == ".py":
            needs = CONFTEST_NEEDS_SOLUTIONS if path.name == "conftest.py" else NEEDS_SOLUTIONS
            if needs.search(path.read_text(encoding="utf-8", errors="replace")):
                left.append(rel)
                if path.name == "conftest.py":
                    left_dirs.add(rel.parent)
    for rel in list(left):
        if rel.parent in left_dirs:
            left.remove(rel)
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if (rel.parts[0] in LEFT_OUT or _skip(rel) or not path.is_file() or rel in left
                or any(rel.is_relative_to(d) for d in left_dirs)):
            continue
        copy.append(rel)
    left += [d for d in sorted(left_dirs)]
    return copy, sorted(left)


def export(out: Path, *, force: bool = False, root: Path = ROOT) -> tuple[list[Path], list[Path]]:
    """Write the student copy to ``out``; return (files copied, tests left out)."""
    out = Path(out).resolve()
    if out == root or root in out.parents or out in root.parents:
        raise ValueError(f"{out} is the course, inside it or above it; choose a folder outside it.")
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        if not force:
            raise FileExistsError(f"{out} already exists and is not empty; use --force to replace it.")
        if not _is_student_copy(out):
            raise FileExistsError(f"{out} is not an earlier student copy (its README.md does not start with "
                                  "the student-copy notice), so even --force will not delete it; choose another folder.")
    copy, left = plan(root)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".student-copy-", dir=out.parent))
    try:
        for rel in copy:
            target = staging / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(root / rel, target)
        pyproject = staging / "pyproject.toml"
        if pyproject.exists():
            pyproject.write_text(student_pyproject(pyproject.read_text(encoding="utf-8")), encoding="utf-8")
        readme = staging / "README.md"
        if readme.exists():
            readme.write_text(NOTICE + readme.read_text(encoding="utf-8"), encoding="utf-8")
        if out.exists():
            shutil.rmtree(out)
        os.replace(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return copy, left


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="course export-student",
        description="Write a student copy of the course to OUT: everything but solutions/, instructors/ and "
                    "maintainer tooling, ready to publish as its own repository (Binder, nbgitpuller).")
    parser.add_argument("out", type=Path, metavar="OUT", help="folder to create (outside this course)")
    parser.add_argument("--force", action="store_true", help="replace OUT if it exists")
    args = parser.parse_args(argv)
    try:
        copied, left = export(args.out, force=args.force)
    except (ValueError, FileExistsError) as err:
        print(f"course export-student: {err}", file=sys.stderr)
        return 2
    print(f"student copy written to {args.out}: {len(copied)} files, without {', '.join(sorted(LEFT_OUT - {'.git'}))}.")
    if left:
        print("left out because they read solutions/: " + ", ".join(p.as_posix() for p in left))
    print("Publish it as its own repository (git init, commit, push), then point Binder or an nbgitpuller link at it.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
