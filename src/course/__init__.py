"""The instructor's and maintainer's tool: the ``course`` command.

Why a package of its own: students import ``helpers`` in every lesson; nothing here is
needed to study, and the student copy of the course leaves this package out (it has no use
for the grader and must not carry the instructor's keys). ``course`` may import ``helpers``;
``helpers`` never imports ``course`` (tests/test_architecture.py checks the import graph).
Each module is one job of the instructor's round; ``course.cli`` maps commands onto them.
"""
import os as _os
import sys as _sys


def _forget_current_folder() -> None:
    """Started as ``python -m course`` or ``python -m course.<module>``, drop the current folder
    from the import path.

    Why: -m puts the folder it is run in first on sys.path, and ``course grade .`` is run
    inside a folder of students' files: a csv.py or json.py there would be imported, and run,
    in place of the standard library. This runs before any submodule imports anything.
    """
    if _sys.argv[:1] != ["-m"]:
        return
    here = _os.path.realpath(_os.getcwd())
    _sys.path[:] = [p for p in _sys.path if _os.path.realpath(p or ".") != here]


_forget_current_folder()
