"""Helpers for the course "Workers and the Party, Moscow 1920-24".

Lessons import what they need from here in one line, e.g.
``from helpers import load, cite, ask, show``. Each submodule is one concept:
``data`` (the sourced tables), ``plotting`` (readable figures), and the exercise engine.
"""
from .data import DataFileError, cite, load, sources, tables
from .plotting import PALETTE, new_figure, show

__all__ = ["DataFileError", "cite", "load", "sources", "tables", "PALETTE", "new_figure", "show"]
