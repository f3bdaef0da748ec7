"""`course key`: print the instructor's answer key.

Why a module of its own: the course CLI dispatches each subcommand to a module's ``main``;
the key itself is built in ``helpers.questions`` from solutions/question-bank/*.yaml.
"""
from .questions import key_main as main

__all__ = ["main"]
