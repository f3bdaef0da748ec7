"""How long does `course feedback` take for a class of 200?

Why: feedback goes back the day the marks are done, so writing every student's page should
take seconds (the goal: under 5 s for 200 hand-ins). The class here is the course's own a1
solution, with its chart and essay, handed in 200 times under 200 student ids, and a marks
file with every essay marked and commented (as `course mark` writes it). The script times
the pages in-process and as the `course feedback` command (start-up included, the figure a
teacher sees), and prints the figures; it asserts nothing, since timings depend on the machine.

    .venv/bin/python benchmarks/bench_feedback.py [--count 200] [--repeat 3]
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

from course import feedback, grading, marks  # noqa: E402
from helpers.records import record_bundle  # noqa: E402


def make_class(folder: Path, count: int) -> Path:
    solution = json.loads(next((ROOT / "solutions").glob("a1_*.ipynb")).read_text(encoding="utf-8"))
    folder.mkdir(parents=True)
    essay = next(qid for qid, *_ in grading.grade_file(next((ROOT / "solutions").glob("a1_*.ipynb")), "x").reflections)
    rows = []
    for i in range(count):
        nb = dict(solution)
        sid = f"s{i:04}"
        nb["cells"] = [{"cell_type": "code", "id": "typed-id", "metadata": {}, "execution_count": 1, "source": "",
                        "outputs": [{"output_type": "display_data", "metadata": {},
                                     "data": record_bundle("student_id", 1, sid)}]}, *solution["cells"]]
        (folder / f"{sid}.ipynb").write_text(json.dumps(nb), encoding="utf-8")
        rows.append(marks.Mark(f"{sid}.ipynb", sid, essay, float(i % 5), f"Comment for {sid}."))
    path = folder.parent / "marks.csv"
    marks.write_marks(path, {(m.file, m.question): m for m in rows})
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        marks_csv = make_class(tmp / "in", args.count)
        size = sum(p.stat().st_size for p in (tmp / "in").iterdir())
        print(f"{args.count} hand-ins of a1 ({size / 1e6:.1f} MB, each with its chart and essay), every essay marked")
        inproc = []
        for i in range(args.repeat):
            start = time.perf_counter()
            written, _ = feedback.write_feedback(tmp / "in", tmp / f"fb-{i}", marks.read_marks(marks_csv))
            inproc.append(time.perf_counter() - start)
        pages = sum(p.stat().st_size for p in written)
        command = []
        for i in range(args.repeat):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "course.cli", "feedback", str(tmp / "in"), "--out",
                            str(tmp / f"cmd-{i}"), "--marks", str(marks_csv)], check=True, capture_output=True)
            command.append(time.perf_counter() - start)
        print(f"pages written: {len(written)} ({pages / 1e6:.1f} MB in all)")
        print(f"in process: best {min(inproc):.2f} s, median {statistics.median(inproc):.2f} s "
              f"({len(written) / min(inproc):.0f} pages/s)")
        print(f"`course feedback` command: best {min(command):.2f} s, median {statistics.median(command):.2f} s "
              f"for {args.count} hand-ins (goal: under 5 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
