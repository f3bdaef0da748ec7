"""The pandas primer (notebooks/00b_pandas_primer.ipynb): every task can be done and checked.

Each task is a code cell tagged ``your-turn`` whose blank (``...``) the student replaces,
followed by a collapsed ``<details>`` block with a worked solution. The committed notebook is
executed with the blanks in place (nbval compares it like any lesson), so here we check that
the blanks give a clear "check your answer" message rather than an error, and that pasting
every worked solution into its cell makes every check come out right.
"""
import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
PRIMER = ROOT / "notebooks" / "00b_pandas_primer.ipynb"
SOLUTION = re.compile(r"<details>.*?```python\n(.*?)```.*?</details>", re.S)


def _text(output) -> str:
    if output.get("output_type") == "stream":
        return output.get("text", "")
    plain = output.get("data", {}).get("text/plain", "")
    return "".join(plain) if isinstance(plain, list) else plain


def _tasks(nb):
    """(index of each your-turn cell, its worked solution) in order."""
    cells = nb.cells
    found = []
    for i, cell in enumerate(cells):
        if "your-turn" in cell.metadata.get("tags", []):
            following = cells[i + 1] if i + 1 < len(cells) else None
            match = SOLUTION.search(following.source) if following is not None and following.cell_type == "markdown" else None
            assert match, f"your-turn cell {cell.id} is not followed by a <details> block with a python solution"
            found.append((i, match.group(1)))
    return found


def test_ten_idioms_each_with_a_task_and_a_worked_solution():
    nb = nbformat.read(PRIMER, as_version=4)
    headings = [c.source.splitlines()[0] for c in nb.cells
                if c.cell_type == "markdown" and re.match(r"## \d+\. ", c.source)]
    assert len(headings) == 10, headings
    assert len(_tasks(nb)) >= 10
    assert nb.cells[0].metadata.get("slideshow", {}).get("slide_type") == "slide"


def test_blank_tasks_ask_for_an_answer_and_never_fail():
    nb = nbformat.read(PRIMER, as_version=4)
    errors = [c.id for c in nb.cells if c.cell_type == "code"
              for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, f"cells with errors in the committed primer: {errors}"
    for i, _ in _tasks(nb):
        checks = [t for o in nb.cells[i].get("outputs", []) for t in [_text(o)] if t.startswith(("\u26a0", "\u2718", "\u2714"))]
        if "check(" in nb.cells[i].source:
            # a blank is never marked right, and never raises: it asks for an answer
            assert checks and all(t.startswith(("\u26a0 Not yet", "\u26a0 Check your answer", "\u2718 Not yet")) for t in checks), (
                nb.cells[i].id, checks)


def test_every_worked_solution_is_right(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_HOME", str(tmp_path / "home"))
    nb = nbformat.read(PRIMER, as_version=4)
    for i, solution in _tasks(nb):
        nb.cells[i].source = solution
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(PRIMER.parent)}}).execute()
    feedback = [(c.id, _text(o)) for c in nb.cells if c.cell_type == "code" and "check(" in c.source
                for o in c.outputs if _text(o).startswith(("\u26a0", "\u2718", "\u2714"))]
    assert len(feedback) >= 10
    wrong = [(cell, text.splitlines()[0]) for cell, text in feedback if not text.startswith("\u2714 Correct")]
    assert not wrong, wrong
