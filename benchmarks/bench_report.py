"""How long does `course report` take for a class of 200?

Why: the report is meant for the ten minutes before class, so it should take seconds. This
script writes a made-up class of answered hand-ins of a real assignment (the generator in
tests/unit/class_submissions.py: abilities, difficulties, plausible wrong answers, attempts,
student ids) into a temporary folder, then times the report in-process (grading, statistics,
charts, page) and as the `course report` command (Python and library start-up included, the
figure an instructor sees), and the bare imports that start-up costs. It prints figures and
asserts nothing: timings depend on the machine. The target is under 5 s for the command.

    .venv/bin/python benchmarks/bench_report.py [--count 200] [--assignment a3] [--repeat 3]
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "unit"))

from class_submissions import make_class  # noqa: E402  (the generator lives with the tests)

from course import report  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--assignment", default="a3")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    solution = next((ROOT / "solutions").glob(f"{args.assignment}_*.ipynb"), None)
    if solution is None:
        print(f"no solutions/{args.assignment}_*.ipynb to build a class from", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        start = time.perf_counter()
        make_class(tmp / "in", solution, ROOT / "solutions" / "question-bank", count=args.count, seed=1)
        print(f"wrote {args.count} hand-ins of {args.assignment} in {time.perf_counter() - start:.2f} s")

        inproc = []
        for i in range(args.repeat):
            start = time.perf_counter()
            items = report.build_report(tmp / "in", tmp / f"report-{i}")
            inproc.append(time.perf_counter() - start)
        command = []
        for i in range(args.repeat):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "course.cli", "report", str(tmp / "in"),
                            "--out", str(tmp / f"cmd-{i}")], check=True, capture_output=True)
            command.append(time.perf_counter() - start)
        floors = {}
        for label, code in (("pandas + matplotlib + helpers", "import course.report, matplotlib.pyplot"),
                            ("yaml (the grader reads the YAML key of on-submit assignments)",
                             "import yaml")):
            times = []
            for _ in range(args.repeat):
                start = time.perf_counter()
                subprocess.run([sys.executable, "-c", code], check=True)
                times.append(time.perf_counter() - start)
            floors[label] = statistics.median(times)
        charts = len(list((tmp / "report-0").glob("*.png")))
        print(f"report: {len(items)} questions, {charts} charts, {int((items['flags'] != '').sum())} flagged")
        print(f"in-process (grading + statistics + charts + page): median {statistics.median(inproc):.2f} s, "
              f"min {min(inproc):.2f} s over {args.repeat}")
        print(f"`course report` command (start-up included):     median {statistics.median(command):.2f} s, "
              f"min {min(command):.2f} s over {args.repeat}  (target: under 5 s)")
        for label, seconds in floors.items():
            print(f"  of which start-up, importing {label}: median {seconds:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
