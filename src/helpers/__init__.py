"""Helpers for the course "Workers and the Party, Moscow 1920-24".

Lessons import what they need from here in one line, e.g.
``from helpers import load, cite, ask, show``. Each submodule is one concept:
``data`` (the sourced tables), ``plotting`` (readable figures), and the exercise engine.
"""
from .data import DataFileError, cite, load, sources, tables
from .plotting import PALETTE, new_figure, show
# Exercise engine: questions (bank + checking; text compared via normalize, keys hashed via
# sealing, built from the YAML by authoring), widgets (ask/check), progress (store + overview).
# Note: after this line `helpers.progress` is the function; the module is helpers.progress in sys.modules.
from .widgets import ask, check, set_mode, student_id
from .progress import progress

__all__ = ["DataFileError", "cite", "load", "sources", "tables", "PALETTE", "new_figure", "show",
           "ask", "check", "set_mode", "student_id", "progress"]
