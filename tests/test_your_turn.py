"""Your-turn cells: the lessons' small tasks a student writes, checked by check().

Every lesson 01-06 has at least three code cells tagged `your-turn`. As committed, each holds
a blank (`name = ...`) and its check(); the markdown cell after it reveals a worked solution
in a collapsed <details> block. Two promises are tested here:
- blank, the cell runs and says "Not yet" with no traceback (the committed outputs, which
  nbval also compares strictly);
- with the revealed solution put in its place, the lesson runs top to bottom and check()
  says the value is right. Only running the solutions shows that a student who writes that
  code is told so, and that the solution does not rely on anything the lesson lacks.
"""
from __future__ import annotations

import json
import os
import re
from pathlib import Path

import nbformat
import pytest
import yaml
from jupyter_client import KernelManager
from nbclient import NotebookClient

from helpers import questions

pytestmark = pytest.mark.slow  # runs every lesson in a kernel; scheduled first (conftest.py)
ROOT = Path(__file__).resolve().parents[1]
LESSONS = sorted(p for p in (ROOT / "notebooks").glob("0[1-6]*.ipynb"))
BANK = ROOT / "solutions" / "question-bank"
TAG = "your-turn"
SOLUTION = re.compile(r"<details>.*?```python\n(.*?)\n```.*?</details>", re.S)
CHECK = re.compile(r'check\("([^"]+)",\s*(\w+)\)')
BLANK = re.compile(r"^(\w+) = \.\.\.$", re.M)


def your_turn(nb) -> list[tuple[int, str, str]]:
    """(cell index, question id, solution code) for each your-turn cell of a notebook."""
    found = []
    for i, cell in enumerate(nb.cells):
        if TAG not in cell.metadata.get("tags", []):
            continue
        assert cell.cell_type == "code", f"cell {cell.id}: only code cells are your-turn cells"
        after = nb.cells[i + 1] if i + 1 < len(nb.cells) else None
        match = SOLUTION.search(after.source) if after is not None and after.cell_type == "markdown" else None
        assert match, f"cell {cell.id}: the next cell must reveal a worked solution in <details> with a python block"
        qid = CHECK.search(cell.source)
        assert qid, f"cell {cell.id}: a your-turn cell ends in check(\"id\", name)"
        found.append((i, qid.group(1), match.group(1)))
    return found


def _levels() -> dict[str, str | None]:
    out = {}
    for path in BANK.glob("*.yaml"):
        for q in yaml.safe_load(path.read_text(encoding="utf-8")).get("questions", []):
            out[q["id"]] = q.get("level")
    return out


def _text(cell) -> str:
    parts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            parts.append("Traceback: " + out.get("ename", ""))
        parts.append(out.get("text", "") if isinstance(out.get("text"), str) else "")
        parts.append(out.get("data", {}).get("text/plain", ""))
    return "\n".join(parts)


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_lesson_has_three_your_turn_cells_with_solutions(lesson):
    nb = nbformat.read(lesson, as_version=4)
    tasks = your_turn(nb)
    assert len(tasks) >= 3, f"{lesson.name}: {len(tasks)} your-turn cells, at least 3 wanted"
    levels = _levels()
    schema = json.loads((BANK / "schema.json").read_text(encoding="utf-8"))
    has_levels = "level" in schema["$defs"]["question"]["properties"]
    for i, qid, solution in tasks:
        source = nb.cells[i].source
        assert questions.question(qid)["notebook"] == lesson.stem, f"{qid} belongs to another notebook"
        assert f'check("{qid}"' in solution, f"{qid}: the worked solution must end in the same check()"
        blanks = BLANK.findall(source)
        assert blanks and CHECK.search(source).group(2) in blanks, (
            f"{qid}: the committed cell passes a blank (`name = ...`) to check()")
        if has_levels:
            assert levels.get(qid) in ("apply", "analyse", "evaluate"), f"{qid}: level apply or higher"


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_blank_your_turn_cells_say_not_yet_without_a_traceback(lesson):
    nb = nbformat.read(lesson, as_version=4)
    for i, qid, _ in your_turn(nb):
        shown = _text(nb.cells[i])
        assert "Not yet - the `...` is still in the cell" in shown, f"{qid}: committed output {shown!r}"
        assert "Traceback" not in shown and "Error" not in shown


@pytest.fixture(scope="module")
def kernel(tmp_path_factory):
    """One kernel for every lesson's run, with its own progress store. Each run begins with
    `%reset -f`, so a lesson sees no name the one before defined (a solution that leans on a
    missing import still fails), and the six kernel starts and imports saved are a third of
    this file's time."""
    manager = KernelManager(kernel_name="python3")
    manager.start_kernel(env={**os.environ, "COURSE_HOME": str(tmp_path_factory.mktemp("home"))})
    yield manager
    manager.shutdown_kernel(now=True)


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_revealed_solutions_run_and_are_right(lesson, kernel):
    nb = nbformat.read(lesson, as_version=4)
    tasks = your_turn(nb)
    for i, _, solution in tasks:
        nb.cells[i].source = solution
    fresh = nbformat.v4.new_code_cell(f"%reset -f\nimport os\nos.chdir({str(lesson.parent)!r})")
    client = NotebookClient(nbformat.v4.new_notebook(cells=[fresh] + nb.cells, metadata=nb.metadata),
                            km=kernel, timeout=300, allow_errors=False)
    try:
        client.execute()
    finally:
        if client.kc is not None:
            client.kc.stop_channels()
    for i, qid, _ in tasks:
        shown = _text(nb.cells[i])
        assert f"\u2714 Correct - " in shown, f"{lesson.name}, {qid}: the solution gave {shown[:300]!r}"
