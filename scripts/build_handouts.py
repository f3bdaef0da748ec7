"""Printable question sheets and instructor answer keys, one of each per lesson (`make handouts`).

A handout lists every question a lesson asks, in the lesson's order, with all its parts and
room to answer on paper: for a class without laptops, a quiz at the start of the next
session, or a student who prints. The answer key adds each question's answer, explanation
and sources, read from the plaintext bank in solutions/question-bank/, so it exists only in
an instructor's copy of the course. Keys go to their own folder, which may not be inside
notebooks/ or exercises/ (students are sent those folders).

Both are HTML written by nbconvert (template `handout`, nothing fetched from a network);
print them from a browser, or "Save as PDF".
"""
from __future__ import annotations

import argparse
import html
import re
import sys
from functools import lru_cache
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter

sys.path.insert(0, str(Path(__file__).resolve().parent))   # the builders' shared modules
from answers import answer_line, instructor_questions, wrong_answers  # noqa: E402
from printed import _inline, markdown_html, question_html, question_ids_in  # noqa: E402
from helpers.questions import BankError, question_ids

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = Path(__file__).resolve().parent / "nbconvert-templates"
STUDENT_FOLDERS = ("notebooks", "exercises")


def lesson_questions(nb, stem: str) -> list[str]:
    """The lesson's question ids in the order its cells ask them, then any the bank gives the
    lesson that no cell names (so a sheet never misses one)."""
    asked = [qid for cell in nb.cells if cell.cell_type == "code" for qid in question_ids_in(cell.source)]
    ordered = list(dict.fromkeys(asked))
    return ordered + [qid for qid in question_ids(stem) if qid not in ordered]


def lesson_title(nb, stem: str) -> str:
    for cell in nb.cells:
        found = re.search(r"^#\s+(.+)$", cell.source, re.M) if cell.cell_type == "markdown" else None
        if found:
            return found.group(1).strip()
    return stem


def _key_html(q: dict) -> str:
    parts = [f"<p><strong>Answer.</strong> {_inline(answer_line(q))}</p>"]   # option texts are Markdown
    if q.get("explanation"):
        parts.append(f"<div><strong>Why.</strong> {markdown_html(q['explanation'])}</div>")
    for does, feedback in wrong_answers(q):
        parts.append(f"<div><em>If a student {html.escape(does)}:</em> {markdown_html(feedback)}</div>")
    if q.get("source_ids"):
        parts.append(f"<p><strong>Sources.</strong> {html.escape('; '.join(q['source_ids']))}</p>")
    return f'<div class="course-key">{"".join(parts)}</div>'


def page(title: str, heading: str, blocks: list[str]) -> str:
    """One HTML page through nbconvert: a heading cell, then one cell per block."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["title"] = title
    nb.cells = [nbformat.v4.new_markdown_cell(heading)] + [nbformat.v4.new_markdown_cell(b) for b in blocks]
    body, _ = _exporter().from_notebook_node(nb)
    return body


@lru_cache(maxsize=1)
def _exporter() -> HTMLExporter:
    """One exporter for every sheet and key: its templates compile once per build."""
    return HTMLExporter(template_name="handout", extra_template_basedirs=[str(TEMPLATES)],
                        exclude_input_prompt=True, exclude_output_prompt=True)


# A question that needs the lesson's data gets it on the sheet: the table (or, with none, the
# figure) the lesson shows last before asking it, in the same section; a your-turn task, which
# is code, is marked to be done at the computer.
YOUR_TURN = "your-turn"
MAX_ROWS = 20
_NEEDS_DATA = re.compile(r"`|\btable\b|\bchart\b|\brows?\b|\bcolumns?\b", re.IGNORECASE)
AT_THE_COMPUTER = ('<p class="course-at-computer"><strong>At the computer.</strong> This task is code: '
                   "do it in the lesson's notebook, where the data is, and pass the result to "
                   "<code>check()</code>. On paper, say how you would work it out.</p>")


def needs_data(qid: str) -> bool:
    """A numeric question, or one whose prompt names code, a table, a chart, rows or columns."""
    from helpers.questions import question

    q = question(qid)
    return q["type"] == "numeric" or bool(_NEEDS_DATA.search(q["prompt"]))


def _cut_rows(table: str) -> str:
    rows = re.findall(r"<tr\b.*?</tr>\s*", table, re.S)
    body = re.search(r"<tbody>(.*?)</tbody>", table, re.S)
    kept = re.findall(r"<tr\b.*?</tr>\s*", body.group(1), re.S) if body else rows
    if not body or len(kept) <= MAX_ROWS:
        return table
    more = f'<tr><td colspan="99">... and {len(kept) - MAX_ROWS} more rows in the notebook</td></tr>'
    return table[:body.start(1)] + "".join(kept[:MAX_ROWS]) + more + table[body.end(1):]


def shown_before(nb) -> dict[str, str]:
    """Question id -> what the sheet prints with it: the last table (else figure) the lesson
    shows in the same section before asking it, or the at-the-computer mark for a your-turn
    task; nothing for a question that needs no data."""
    context: dict[str, str] = {}
    tables: list[str] = []
    figures: list[str] = []
    for cell in nb.cells:
        if cell.cell_type == "markdown" and re.match(r"##\s", cell.source):
            tables, figures = [], []
        if cell.cell_type != "code":
            continue
        your_turn = YOUR_TURN in cell.metadata.get("tags", [])
        for qid in question_ids_in(cell.source):
            if qid in context:
                continue
            if your_turn:
                context[qid] = AT_THE_COMPUTER
            elif needs_data(qid):
                found = tables[-1:] or figures[-1:]
                context[qid] = (f'<div class="course-data"><p><em>From the lesson:</em></p>{found[0]}</div>'
                                if found else AT_THE_COMPUTER)
        if your_turn:
            continue
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            html_out = data.get("text/html", "")
            if "<table" in html_out:
                tables.append(_cut_rows(re.sub(r"<style\b.*?</style>", "", html_out, flags=re.S)))
            elif "image/png" in data:
                figures.append(f'<img alt="{html.escape(" ".join(str(data.get("text/plain", "figure")).split()))}" '
                               f'src="data:image/png;base64,{data["image/png"].strip()}" style="max-width:100%">')
            elif "<img" in html_out or "<figure" in html_out:
                figures.append(html_out)
    return context


def _inside_question(printed: str, extra: str) -> str:
    """The question's printed block with `extra` at its end, inside its frame."""
    return printed[:-len("</div>")] + extra + "</div>" if extra and printed.endswith("</div>") else printed + extra


def handout(notebook: Path) -> tuple[str, list[str]]:
    nb = nbformat.read(notebook, as_version=4)
    ids = lesson_questions(nb, notebook.stem)
    title = lesson_title(nb, notebook.stem)
    heading = (f"# Questions: {title}\n\n"
               '<table class="course-header"><tr><td>Name: ______________________</td>'
               "<td>Date: ____________</td></tr></table>\n\n"
               f"{len(ids)} questions from the lesson `{notebook.name}`.")
    context = shown_before(nb)
    blocks = [_inside_question(question_html(qid, space=True, number=n), context.get(qid, ""))
              for n, qid in enumerate(ids, 1)]
    return page(f"Questions: {title}", heading, blocks), ids


def answer_key(notebook: Path, ids: list[str], plain: dict[str, dict]) -> str:
    nb = nbformat.read(notebook, as_version=4)
    title = lesson_title(nb, notebook.stem)
    heading = (f"# Answer key: {title}\n\n**For instructors. Do not hand out.** Answers and "
               f"explanations from `solutions/question-bank/`, for the lesson `{notebook.name}`.")
    blocks = []
    for n, qid in enumerate(ids, 1):
        if qid not in plain:
            raise BankError(f"{qid} is in the lesson but not in solutions/question-bank/*.yaml; "
                            "run `course build-bank` after adding it.")
        blocks.append(question_html(qid, number=n) + _key_html(plain[qid]))
    return page(f"Answer key: {title}", heading, blocks)


def _inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, default=Path("handouts"), help="folder for the handouts")
    parser.add_argument("--keys", type=Path, default=Path("instructor-keys"),
                        help="folder for the answer keys (instructors only)")
    args = parser.parse_args(argv)
    for folder in STUDENT_FOLDERS:
        if _inside(args.keys, ROOT / folder) or _inside(args.out, ROOT / folder):
            print(f"handouts: refusing to write into {folder}/, which students are given; "
                  "choose another --out/--keys folder.", file=sys.stderr)
            return 2
    missing = [str(nb) for nb in args.notebooks if not nb.is_file()]
    if missing:
        print(f"handouts: no such notebook: {', '.join(missing)}", file=sys.stderr)
        return 2
    plain = instructor_questions()
    if plain is None:
        print("handouts: answer keys skipped: they are made from solutions/question-bank/ with the "
              "course package (the instructor's copy of the course)", file=sys.stderr)
    args.out.mkdir(parents=True, exist_ok=True)
    for notebook in args.notebooks:
        try:
            text, ids = handout(notebook)
        except (LookupError, BankError) as err:
            print(f"handouts: {notebook.name}: {err}", file=sys.stderr)
            return 1
        target = args.out / f"{notebook.stem}.handout.html"
        target.write_text(text, encoding="utf-8")
        print(f"handouts: {target} ({len(ids)} questions)")
        if plain is not None:
            args.keys.mkdir(parents=True, exist_ok=True)
            key = args.keys / f"{notebook.stem}.key.html"
            try:
                key.write_text(answer_key(notebook, ids, plain), encoding="utf-8")
            except BankError as err:
                print(f"handouts: {notebook.name}: {err}", file=sys.stderr)
                return 1
            print(f"handouts: {key} (answer key, instructors only)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
