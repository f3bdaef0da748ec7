"""The `course` command: one entry point for maintainers and instructors.

Each subcommand lives in the module that owns its concept and is imported only when
called, so `course --help` stays fast and a broken optional part does not block the rest.
"""
from __future__ import annotations

import argparse
import importlib
import os
import sys

from .errors import CourseError

# subcommand -> ("module" or "module:function", one-line help); the function (default main)
# takes argv and returns an exit code.
COMMANDS = {
    "build-bank": ("course.authoring", "compile solutions/question-bank/*.yaml into the hashed question bank (--check: fail on drift)"),
    "key": ("course.authoring:key_main", "print the instructor answer key from solutions/question-bank (--notebook NAME)"),
    "build-exercises": ("course.exercises", "write exercises/ from solutions/*.ipynb: blanks for solution cells, no instructor cells (--check: fail on drift)"),
    "grade": ("course.grading", "grade a folder of handed-in notebooks without running them: DIR --out gradebook.csv [--roster CSV --lms canvas|moodle]"),
    "mark": ("course.marking", "write a marking notebook for JupyterLab: essays and charts of DIR, one screen each, saved to marks.csv: DIR --assignment aN [--marks CSV] [--anonymous]"),
    "feedback": ("course.feedback", "one self-contained HTML feedback page per hand-in (score, answers, explanations, marks): DIR --out FOLDER [--marks CSV]"),
    "report": ("course.report", "class report from a folder of hand-ins: DIR --out report/ (index.html, items.csv, charts)"),
    "export-student": ("course.export", "write a student copy of the course without solutions/ or instructors/: OUT [--force]"),
    "collect": ("course.collect", "copy one assignment from every student's home on a hub, named by account, with modification times: --homes DIR --assignment a3 --out handed-in/a3/ [--due ISO --late-penalty 10%%/day]"),
    "return": ("course.giveback", "put FEEDBACK_DIR/<account>.html into each student's home as feedback/<assignment>.html: FEEDBACK_DIR --homes DIR --assignment a3"),
    "data-docs": ("course.datadocs", "regenerate datasets/README.md from datapackage.json (--check: fail on drift)"),
}


def _forget_current_folder() -> None:
    """Never import from the folder the command runs in: `course grade .` is run inside a
    folder of students' files, and a csv.py there must not replace the standard library."""
    here = os.path.realpath(os.getcwd())
    sys.path[:] = [p for p in sys.path if os.path.realpath(p or ".") != here]


def _silence_stdout() -> None:
    """After a broken pipe, point stdout at /dev/null so the interpreter's final flush is quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def main(argv: list[str] | None = None) -> int:
    _forget_current_folder()
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(
        prog="course",
        description="Maintain, hand out and grade the Moscow 1920-24 course.",
        epilog="Run `course COMMAND --help` for a command's options.")
    parser.add_argument("command", choices=sorted(COMMANDS), metavar="COMMAND",
                        help="; ".join(f"{name}: {text}" for name, (_, text) in sorted(COMMANDS.items())))
    if not argv or argv[0] in ("-h", "--help"):
        parser.print_help()
        return 0 if argv else 2
    args, rest = parser.parse_known_args(argv[:1])
    module_name, _, function = COMMANDS[args.command][0].partition(":")
    entry = getattr(importlib.import_module(module_name), function or "main")
    try:
        return int(entry(argv[1:]) or 0)
    except CourseError as err:
        print(f"course {args.command}: {err}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # `course grade ... | head`: the reader went away; exit quietly as Unix tools do.
        _silence_stdout()
        return 141


if __name__ == "__main__":
    sys.exit(main())
