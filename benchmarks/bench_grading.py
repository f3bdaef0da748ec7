"""How fast does `course grade` turn a class's submissions into a gradebook?

Why: tools that execute notebooks to grade them take minutes for a class; reading the saved
answer records as JSON should take seconds. This script writes 200 varied submissions into a
temporary folder and times the grader on them, in-process and as the `course grade` command
(the figure an instructor sees, Python start-up included). Then it grades the hostile corpus
of tests/hostile_handins.py (links, megabyte answers of combining marks, huge integers, deep
nesting...) and prints the slowest file: the grader's worst case per file. It prints figures
and asserts nothing, because timings depend on the machine.

Submissions are derived from the real assignments in solutions/ (their committed outputs carry
the right answers and the figures), or, before any exist, from the toy assignment in
tests/fixtures/assignment/. Each answer is kept, made wrong, dropped or re-answered; some
files carry a 150 kB figure, some are renamed, nested, truncated, corrupt or foreign.

    .venv/bin/python benchmarks/bench_grading.py [--count 200] [--seed 1]
"""
from __future__ import annotations

import argparse
import copy
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from course import authoring, grading

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "assignment" / "solutions"


def _sources(tmp: Path) -> list[Path]:
    real = sorted((ROOT / "solutions").glob("*.ipynb"))
    if real:
        return real
    bank = tmp / "fixture_bank.json"
    bank.write_text(authoring.dumps(authoring.build_bank(FIXTURE / "question-bank", check_sources=False)),
                    encoding="utf-8")
    os.environ["COURSE_QUESTION_BANK"] = str(bank)  # also inherited by the `course grade` run below
    return sorted(FIXTURE.glob("*.ipynb"))


def _wrong(answer):
    if isinstance(answer, bool) or answer is None:
        return "no idea"
    if isinstance(answer, (int, float)):
        return answer * 3 + 7
    if isinstance(answer, list):
        return list(reversed(answer))[:-1] or ["nothing"]
    if isinstance(answer, dict):
        return {k: v for k, v in list(answer.items())[:-1]}
    return "something else entirely"


def _vary(nb: dict, rng: random.Random) -> dict:
    nb = copy.deepcopy(nb)
    figure = {"output_type": "display_data", "metadata": {},
              "data": {"image/png": "iVBORw0KGgo" + "A" * 150_000, "text/plain": "<Figure>"}}
    for cell in nb["cells"]:
        outputs = cell.get("outputs", [])
        kept = []
        for output in outputs:
            record = output.get("data", {}).get(grading.ANSWER_MIME)
            if not isinstance(record, dict) or record.get("answer") is None:
                kept.append(output)
                continue
            fate = rng.random()
            if fate < 0.15:
                continue  # never answered
            if fate < 0.45:
                wrong = copy.deepcopy(output)
                wrong["data"][grading.ANSWER_MIME]["answer"] = _wrong(record["answer"])
                wrong["data"][grading.ANSWER_MIME]["correct"] = True  # a forged flag, ignored
                kept.append(wrong)
                if fate < 0.3:
                    continue  # the wrong answer stays the last one
            kept.append(output)
        cell["outputs"] = kept
        if cell.get("cell_type") == "code" and rng.random() < 0.1:
            cell["outputs"].append(figure)
    return nb


def make_submissions(folder: Path, sources: list[Path], count: int, seed: int) -> None:
    rng = random.Random(seed)
    notebooks = [json.loads(p.read_text(encoding="utf-8")) for p in sources]
    for i in range(count):
        nb = _vary(rng.choice(notebooks), rng)
        text = json.dumps(nb, indent=1, ensure_ascii=False)
        kind = rng.random()
        if kind < 0.03:
            text = text[: len(text) // 2]  # truncated upload
        elif kind < 0.05:
            text = text.replace('"cells"', "cells", 1)  # corrupt
        elif kind < 0.07:
            nb["metadata"].pop("course", None)  # foreign: metadata stripped
            text = json.dumps(nb, indent=1)
        sub = folder / (f"group{i % 7}" if i % 3 == 0 else "") / f"student_{i:03d}_{rng.randrange(10**6)}.ipynb"
        sub.parent.mkdir(parents=True, exist_ok=True)
        sub.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-grading-") as tmp:
        tmp = Path(tmp)
        sources = _sources(tmp)
        folder = tmp / "submissions"
        make_submissions(folder, sources, args.count, args.seed)
        size = sum(p.stat().st_size for p in folder.rglob("*.ipynb"))
        print(f"{args.count} submissions from {', '.join(p.name for p in sources)} "
              f"({size / 1e6:.1f} MB in all)")

        start, cpu = time.perf_counter(), time.process_time()
        graded = grading.grade_folder(folder)
        grading.write_gradebook(graded, tmp / "gradebook.csv")
        grading.write_reflections(graded, tmp / "reflections.csv")
        inner, cpu = time.perf_counter() - start, time.process_time() - cpu
        errors = sum(1 for s in graded if s.errors)
        scores = [s.score / s.max_score for s in graded if s.max_score]
        print(f"in-process: {inner:.2f} s, {len(graded) / inner:.0f} submissions/s "
              f"({errors} rows with errors; mean score {sum(scores) / max(len(scores), 1):.0%}); "
              f"{len(graded) / cpu:.0f} per CPU second (steadier on a shared machine)")

        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "course.cli", "grade", str(folder),
                        "--out", str(tmp / "gradebook2.csv")], check=True, stdout=subprocess.DEVNULL)
        outer = time.perf_counter() - start
        print(f"`course grade` command: {outer:.2f} s wall, {args.count / outer:.0f} submissions/s "
              "(Python start-up included); target: 200 in under 5 s")
        same = (tmp / "gradebook.csv").read_bytes() == (tmp / "gradebook2.csv").read_bytes()
        print(f"both runs wrote the same gradebook: {same}")
        slowest = max(graded, key=lambda s: s.seconds)
        print(f"slowest ordinary file: {slowest.seconds * 1000:.0f} ms")

        sys.path.insert(0, str(ROOT / "tests"))
        import hostile_handins
        good = json.loads((FIXTURE / "a0_fixture.ipynb").read_text(encoding="utf-8"))
        bank = tmp / "fixture_bank.json"
        if not bank.exists():
            bank.write_text(authoring.dumps(authoring.build_bank(FIXTURE / "question-bank", check_sources=False)),
                            encoding="utf-8")
        os.environ["COURSE_QUESTION_BANK"] = str(bank)
        info = hostile_handins.make_corpus(tmp / "hostile", good,
                                           {"numeric": "a0.total", "text": "a0.word", "reflection": "a0.reflect"})
        # the slowest kinds of file found so far, just under the size limit: ten million numbers,
        # and as many JSON objects as the grader accepts
        head = json.dumps(good)[:-1] + ', "x": ['
        count = (grading.MAX_BYTES - 1024 - len(head)) // 2
        (info["folder"] / "numbers_20mb.ipynb").write_text(head + ",".join(["0"] * count) + "]}", encoding="utf-8")
        objects = ",".join(['{"":0}'] * (grading.MAX_CONTAINERS - 1000))
        (info["folder"] / "objects_1m.ipynb").write_text(head + objects + "]}", encoding="utf-8")
        start = time.perf_counter()
        hostile, _ = grading.grade_all(info["folder"])
        took = time.perf_counter() - start
        worst = sorted(hostile, key=lambda s: s.seconds, reverse=True)[:3]
        print(f"hostile corpus: {len(hostile)} files in {took:.2f} s; slowest: "
              + ", ".join(f"{s.path} {s.seconds:.2f} s" for s in worst)
              + f" (per-file budget enforced by the grader: {grading.FILE_SECONDS:g} s)")
        hostile_handins.remove_deep(info["folder"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
