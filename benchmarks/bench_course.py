"""How close does the course run to the floor, and how fast is grading?

Why: a class waits while a notebook runs in a walkthrough, CI waits on nbval, and an
instructor waits on grading. Two floors: the bare one is what no lesson can beat, a fresh
kernel that imports pandas, matplotlib and ipywidgets and does nothing else; the plotting
one is a fresh kernel that also imports the course's helpers and draws and saves one
figure, the least a lesson of this plotting course does. Each notebook's time is reported
as a ratio to both; the summary line uses the plotting floor (targets: median <= 1.3,
max <= 2.0). This is a benchmark, not a test: it prints figures and asserts
nothing, because timings depend on the machine.

    make bench                     # everything, including the test-suite wall time
    BENCH_SUITE=0 make bench       # skip the suite (prints suite_s=na)

The last line is machine-readable:
    bench: notebooks=N median_ratio=X max_ratio=Y suite_s=S
(ratios against the plotting floor).
"""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

FLOOR_SOURCE = "import pandas, matplotlib, ipywidgets"
# One small bar chart, drawn with the course's own figure helper and saved as PNG, as the
# inline backend does for every chart a lesson shows.
PLOT_FLOOR_SOURCE = """\
import io
import pandas, matplotlib, ipywidgets
from helpers.plotting import new_figure
fig, ax = new_figure(7, 3.8)
ax.bar(["1919", "1920", "1921"], [1, 2, 3])
fig.savefig(io.BytesIO(), format="png")
"""


def _execute(nb, cwd: Path) -> float:
    start = time.perf_counter()
    NotebookClient(nb, timeout=600, kernel_name="python3", record_timing=False,
                   resources={"metadata": {"path": str(cwd)}}).execute()
    return time.perf_counter() - start


def floor_seconds(runs: int = 5, source: str = FLOOR_SOURCE) -> float:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
    return statistics.median(_execute(nbformat.from_dict(nb), ROOT) for _ in range(runs))


def notebook_seconds(path: Path, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        nb = nbformat.read(path, as_version=4)
        times.append(_execute(nb, path.parent))
    return statistics.median(times)


def import_helpers_seconds(runs: int = 5) -> float:
    code = ("import time, pandas, matplotlib, ipywidgets; t = time.perf_counter(); "
            "import helpers; print(time.perf_counter() - t)")
    samples = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                    check=True, cwd=ROOT).stdout) for _ in range(runs)]
    return statistics.median(samples)


def engine_milliseconds(repeats: int = 50) -> tuple[float, float]:
    """Median time to build one question's widget, and to check one answer."""
    from helpers import questions, widgets
    from IPython.utils.capture import capture_output

    qid = "start.disputed"
    widgets.question_widget(qid)  # warm caches: the first question also loads the bank
    show, check = [], []
    for _ in range(repeats):
        with capture_output():
            start = time.perf_counter()
            widgets.question_widget(qid)
            show.append(time.perf_counter() - start)
        start = time.perf_counter()
        questions.evaluate(qid, "typo")
        check.append(time.perf_counter() - start)
    return statistics.median(show) * 1000, statistics.median(check) * 1000


def grading_rate(count: int = 200) -> tuple[float, float]:
    from bench_grading import _sources, make_submissions
    from course import grading

    with tempfile.TemporaryDirectory(prefix="bench-course-") as tmp:
        tmp = Path(tmp)
        folder = tmp / "submissions"
        make_submissions(folder, _sources(tmp), count, seed=1)
        start = time.perf_counter()
        graded = grading.grade_folder(folder)
        grading.write_gradebook(graded, tmp / "gradebook.csv")
        seconds = time.perf_counter() - start
    return seconds, count / seconds


def suite_seconds() -> float:
    """Wall time of `make test` without its set-up step (the .venv already exists)."""
    start = time.perf_counter()
    subprocess.run(["make", "--no-print-directory", "test-units", "test-notebooks"],
                   cwd=ROOT, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> int:
    os.environ.setdefault("COURSE_HOME", tempfile.mkdtemp(prefix="bench-home-"))
    floor = floor_seconds()
    print(f"floor (fresh kernel, {FLOOR_SOURCE}): median of 5 = {floor:.2f} s")
    plot_floor = floor_seconds(source=PLOT_FLOOR_SOURCE)
    print(f"plotting floor (fresh kernel, imports + helpers, one figure drawn and saved): "
          f"median of 5 = {plot_floor:.2f} s")

    paths = sorted((ROOT / "notebooks").glob("*.ipynb")) + sorted((ROOT / "solutions").glob("*.ipynb"))
    ratios = []
    for path in paths:
        seconds = notebook_seconds(path)
        ratios.append(seconds / plot_floor)
        print(f"{path.relative_to(ROOT)}: median of 3 = {seconds:.2f} s, ratio {seconds / floor:.2f} "
              f"(bare floor), {seconds / plot_floor:.2f} (plotting floor)")

    print(f"import helpers on top of pandas+matplotlib+ipywidgets: {import_helpers_seconds():.3f} s "
          "(target < 0.2 s)")
    show_ms, check_ms = engine_milliseconds()
    print(f"show one question: {show_ms:.1f} ms (target < 50); check one answer: {check_ms:.2f} ms "
          "(target < 10)")
    seconds, rate = grading_rate()
    print(f"grade 200 submissions: {seconds:.2f} s, {rate:.0f} submissions/s (target >= 100/s)")

    suite = "na" if os.environ.get("BENCH_SUITE", "1") == "0" else f"{suite_seconds():.0f}"
    median = statistics.median(ratios) if ratios else float("nan")
    worst = max(ratios) if ratios else float("nan")
    print(f"against the plotting floor: median ratio {median:.2f} (target <= 1.3), "
          f"max {worst:.2f} (target <= 2.0)")
    print(f"bench: notebooks={len(ratios)} median_ratio={median:.2f} max_ratio={worst:.2f} suite_s={suite}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
