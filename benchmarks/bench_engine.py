"""How fast the exercise engine answers a student: median times per question type.

    .venv/bin/python benchmarks/bench_engine.py [--repeats N]

Targets (issue 4): display one question in under 50 ms, check one answer in under 10 ms.
Measured without a browser: "display" builds the widget and its answer record as ask() does
(IPython's display replaced by a no-op, the progress store read for an earlier answer);
"evaluate" is the pure check the grader also uses; "Check click" is what the student waits
for after pressing Check: evaluate, the progress-store write (locked, atomic, fsync'd) and the
record update. Uses the test fixture bank (one question of every type) and a temporary
progress folder, so it touches nothing of a student's. Prints figures; asserts nothing.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "question-bank"
# One right answer per question type, taken from the fixture bank's own YAML (the key lives
# there once); a reflection has no key, so it gets a sentence.
REFLECTION = "Who counted, when and from which lists decides the number."


def right_answers(authoring) -> dict:
    answers = {}
    for _, q in authoring.read_sources(FIXTURES):
        if q["type"] not in {a["type"] for a in answers.values()}:
            answers[q["id"]] = {"type": q["type"], "answer": q.get("answer", REFLECTION)}
    return {qid: a["answer"] for qid, a in answers.items()}


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=100)
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="bench-engine-"))
    os.environ["COURSE_HOME"] = str(work / "home")
    os.environ["COURSE_QUESTION_BANK"] = str(work / "question_bank.json")
    os.environ.pop("COURSE_MODE", None)

    start = time.perf_counter()
    import helpers  # noqa: F401 - what a lesson's first cell pays
    import_ms = (time.perf_counter() - start) * 1000
    from helpers import questions, widgets
    from course import authoring

    Path(os.environ["COURSE_QUESTION_BANK"]).write_text(
        authoring.dumps(authoring.build_bank(FIXTURES, check_sources=False)), encoding="utf-8")

    class Handle:
        def update(self, bundle, raw=True):
            pass

    widgets._show = lambda obj: None
    widgets._publish = lambda bundle, handle=None: handle or Handle()

    start = time.perf_counter()
    widgets.ask(next(iter(right_answers(authoring))))  # the first question pays for ipywidgets, mistune and the bank
    first_ms = (time.perf_counter() - start) * 1000

    print(f"exercise engine, median of {args.repeats} runs per figure (Python {sys.version.split()[0]})")
    print(f"import helpers: {import_ms:.0f} ms once per kernel; first ask(): {first_ms:.0f} ms once per kernel")
    print(f"{'type':<11} {'display':>9} {'evaluate':>9} {'Check click':>12}")
    worst_display = worst_evaluate = worst_click = 0.0
    for qid, answer in right_answers(authoring).items():
        display, evaluate, click = [], [], []
        for _ in range(args.repeats):
            start = time.perf_counter()
            widgets.ask(qid)
            display.append(time.perf_counter() - start)
            start = time.perf_counter()
            questions.evaluate(qid, answer)
            evaluate.append(time.perf_counter() - start)
        widget = widgets._SHOWN[qid]
        for _ in range(args.repeats):
            widget.set_answer(answer)
            start = time.perf_counter()
            widget.check_button.click()
            click.append(time.perf_counter() - start)
        assert "Correct" in widget.feedback.value or "Saved" in widget.feedback.value, widget.feedback.value
        kind = questions.question(qid)["type"]
        d, e, c = median_ms(display), median_ms(evaluate), median_ms(click)
        worst_display, worst_evaluate, worst_click = max(worst_display, d), max(worst_evaluate, e), max(worst_click, c)
        print(f"{kind:<11} {d:>7.1f} ms {e:>7.2f} ms {c:>9.1f} ms")
    print(f"slowest type: display {worst_display:.1f} ms (target < 50), evaluate {worst_evaluate:.2f} ms "
          f"and Check click {worst_click:.1f} ms (target < 10)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
