"""The notebooks' one nbval run (make test-notebooks) compares committed outputs in lessons
and solutions and only runs exercises, which are handed out without outputs. The rule lives
in conftest.py's collection hook; a slip there would silently stop every comparison."""
import importlib.util
from pathlib import Path

import py
import pytest

ROOT = Path(__file__).resolve().parents[1]


def _hook():
    spec = importlib.util.spec_from_file_location("course_root_conftest", ROOT / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.pytest_collectstart


class NotebookCollector:
    """What the hook reads and sets on nbval's IPyNbFile, as nbval leaves it under --nbval."""

    def __init__(self, path: str):
        self.fspath = py.path.local(ROOT / path)
        self.compare_outputs = True
        self.skip_compare = ("metadata",)


@pytest.mark.parametrize("path, compared", [
    ("notebooks/01_moscow_after_the_civil_war.ipynb", True),
    ("solutions/a3_workers_opposition.ipynb", True),
    ("exercises/a3_workers_opposition.ipynb", False),
])
def test_outputs_are_compared_everywhere_but_in_exercises(path, compared):
    collector = NotebookCollector(path)
    _hook()(collector)
    assert collector.compare_outputs is compared
    assert "image/png" in collector.skip_compare and "metadata" in collector.skip_compare
