"""Re-run notebooks in place so that their committed outputs are current and deterministic.

Why not plain `jupyter nbconvert --execute`: a widget's output carries a random model id, so
every run would change the file although nothing changed for a reader. Those ids point at
kernel state that is gone once the kernel stops, so they are dropped here; the output keeps
its text form ("Question l3.delegates (interactive)"), which is what nbval compares. Runs
also get an empty progress store, so no one's answers leak into a committed notebook.

    python scripts/execute_notebooks.py notebooks/03_workers_opposition.ipynb ...
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def execute(path: Path) -> float:
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(nb, timeout=300, kernel_name="python3", record_timing=False,
                   store_widget_state=False,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    seconds = time.perf_counter() - start
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            output.get("data", {}).pop(WIDGET_VIEW, None)
    nb.metadata.pop("widgets", None)
    nbformat.write(nb, path)
    return seconds


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    os.environ["COURSE_HOME"] = tempfile.mkdtemp(prefix="course-execute-")
    for name in argv:
        print(f"{name}: executed in {execute(Path(name)):.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
