"""Helpers for the course "Workers and the Party, Moscow 1920-24".

Lessons import what they need from here in one line, e.g.
``from helpers import load, cite, ask, show``. Each submodule is one concept:
``data`` (the sourced tables), ``plotting`` (readable figures), and the exercise engine.
"""
import os as _os
import sys as _sys


def _forget_current_folder() -> None:
    """Started as ``python -m helpers.<module>``, drop the current folder from the import path.

    Why: -m puts the folder it is run in first on sys.path. When that folder holds students'
    hand-ins, a file named csv.py or json.py there would be imported, and run, in place of
    the standard library. (A student file named helpers.py is found before this package and
    cannot be stopped from here: run the `course` command, which never imports from the
    current folder.) Inside a notebook kernel nothing changes.
    """
    if _sys.argv[:1] != ["-m"]:
        return
    here = _os.path.realpath(_os.getcwd())
    _sys.path[:] = [p for p in _sys.path if _os.path.realpath(p or ".") != here]


_forget_current_folder()

from .data import DataFileError, cite, load, sources, tables  # noqa: E402
from .plotting import PALETTE, new_figure, show  # noqa: E402
from .tiers import web_only  # noqa: E402
# Exercise engine: questions (bank + checking; text compared via normalize, keys hashed via
# sealing, built from the YAML by authoring), widgets (ask/check), progress (store + overview).
# Note: after this line `helpers.progress` is the function; the module is helpers.progress in sys.modules.
from .widgets import ask, check, set_mode, student_id  # noqa: E402
from .progress import progress  # noqa: E402
from .handin import hand_in  # noqa: E402
from .presenter import present  # noqa: E402
from .timer import timer  # noqa: E402
from .beginner_errors import full_error, plain_errors  # noqa: E402
from .beginner_errors import install as _install_plain_errors  # noqa: E402

_install_plain_errors()  # in a kernel: pandas beginner errors explained in words

__all__ = ["DataFileError", "cite", "load", "sources", "tables", "web_only", "PALETTE", "new_figure", "show",
           "ask", "check", "set_mode", "student_id", "progress", "hand_in", "present", "timer",
           "full_error", "plain_errors"]
