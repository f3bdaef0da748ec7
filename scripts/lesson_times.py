"""How long a lesson takes, section by section, estimated from its text and its questions.

Why: stated times were guesses and ran short for students new to the material. This counts
the words a student reads in each ``## `` section (Markdown and code, not outputs) at about
150 words a minute, plus a minute to study each table or figure a code cell shows, and adds
time for each question asked in the section:

* a choice, order, match or text question: 2 minutes; a numeric one: 4 (it is computed);
* a reflection: one minute per 10 words it asks for, at least 5;
* a code cell tagged ``your-turn``: 5 minutes.

"Sources and further reading" is a reference list, not read through, and is left out. Each
lesson shows the result in its "Time, section by section" table; the test suite checks that
the table is current. Print a lesson's table, or rewrite the tables in place after changing
a lesson (run it on executed notebooks: tables and figures are counted from the outputs):

    python scripts/lesson_times.py notebooks/01_moscow_after_the_civil_war.ipynb
    python scripts/lesson_times.py --write notebooks/*.ipynb
"""
from __future__ import annotations

import json
import math
import re
import sys
from pathlib import Path

WORDS_PER_MINUTE = 150
ASK = re.compile(r"""\b(?:ask|check)\(\s*["']([^"']+)["']""")
SKIPPED = re.compile(r"^sources\b", re.IGNORECASE)
MARKUP = re.compile(r"[`*_#>|\[\]]")


def _bank(root: Path) -> dict:
    bank = json.loads((root / "src" / "helpers" / "question_bank.json").read_text(encoding="utf-8"))
    return bank["questions"]


def question_minutes(entry: dict) -> int:
    kind = entry.get("type")
    if kind == "reflection":
        return max(5, math.ceil(int(entry.get("min_words", 0) or 0) / 10))
    return 4 if kind == "numeric" else 2


def _shows_something(cell: dict) -> bool:
    """True if a code cell displays a table, a figure or printed text (not only questions)."""
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream":
            return True
        data = output.get("data", {})
        plain = data.get("text/plain", "")
        plain = "".join(plain) if isinstance(plain, list) else plain
        if "application/vnd.course.answer+json" in data or re.match(r"Question \S+ \(interactive\)", plain):
            continue
        if plain.strip():
            return True
    return False


def sections(path: Path, bank: dict | None = None) -> list[dict]:
    """[{"section", "words", "reading", "tasks"}] for every ``## `` section of a notebook.

    The cells before the first ``## `` heading (title and hook) form the section "Opening"."""
    bank = bank if bank is not None else _bank(path.resolve().parents[1])
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    out = [{"section": "Opening", "words": 0, "looks": 0, "tasks": 0}]
    seen: set[str] = set()
    for cell in cells:
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        heading = re.match(r"##\s+(.+)", source) if cell["cell_type"] == "markdown" else None
        if heading:
            out.append({"section": heading.group(1).strip(), "words": 0, "looks": 0, "tasks": 0})
        current = out[-1]
        current["words"] += len(MARKUP.sub(" ", source).split())
        if cell["cell_type"] == "code":
            your_turn = "your-turn" in cell.get("metadata", {}).get("tags", [])
            if your_turn:
                current["tasks"] += 5   # the task's own check() is part of these minutes
            elif _shows_something(cell):
                current["looks"] += 1
            for qid in ASK.findall(source):
                if qid in bank and qid not in seen:
                    seen.add(qid)
                    current["tasks"] += 0 if your_turn else question_minutes(bank[qid])
    kept = [s for s in out if not SKIPPED.match(s["section"]) and (s["words"] or s["tasks"])]
    for s in kept:
        s["reading"] = max(1, round(s["words"] / WORDS_PER_MINUTE + s["looks"]))
    return kept


def table(rows: list[dict]) -> str:
    lines = ["| section | reading | questions and tasks |", "|---|---|---|"]
    for row in rows:
        tasks = f"{row['tasks']} min" if row["tasks"] else "-"
        lines.append(f"| {row['section']} | {row['reading']} min | {tasks} |")
    reading = sum(r["reading"] for r in rows)
    tasks = sum(r["tasks"] for r in rows)
    lines.append(f"| **in all** | **{reading} min** | **{tasks} min** |")
    return "\n".join(lines)


MARKER = "**Time, section by section**"
_TABLE = re.compile(r"(?m)^\|.*\|[ \t]*(?:\n\|.*\|[ \t]*)*")


def stated_table(path: Path) -> str | None:
    """The table under the lesson's MARKER, as committed, or None if the lesson has none."""
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        if cell["cell_type"] == "markdown" and MARKER in source:
            match = _TABLE.search(source, source.index(MARKER))
            return match.group(0).strip() if match else ""
    return None


def write(path: Path) -> bool:
    """Rewrite the table under MARKER in place; False if the lesson has no such cell."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "markdown" and MARKER in cell.source:
            start = cell.source.index(MARKER)
            match = _TABLE.search(cell.source, start)
            new = table(sections(path))
            cell.source = (cell.source[:match.start()] + new + cell.source[match.end():] if match
                           else cell.source.rstrip() + "\n\n" + new)
            nbformat.write(nb, path)
            return True
    return False


def main(argv: list[str]) -> int:
    if not argv or argv == ["--write"]:
        print(__doc__)
        return 2
    if argv[0] == "--write":
        for name in argv[1:]:
            print(f"{name}: {'table rewritten' if write(Path(name)) else 'no time table (skipped)'}")
        return 0
    for name in argv:
        rows = sections(Path(name))
        print(f"{name}: {sum(r['words'] for r in rows)} words\n{table(rows)}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
