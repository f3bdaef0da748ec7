"""`course feedback DIR --out FEEDBACK/`: one page per hand-in that tells its student how it went.

Why: grading closes the round only when something goes back to each student. Each page is a
single self-contained HTML file (styles inline, the student's own charts as data URIs, no
script, nothing fetched) that a student opens anywhere: the score and its parts, then every
question with the student's answer, whether it was right, partly right or wrong, the right
answer with its explanation and sources (released here, after hand-in, for on-submit work;
read from solutions/question-bank), how many hints were opened where the answer record says,
and the teacher's marks and comments from marks.csv. A page is built from its own hand-in
only, so it holds nothing of any other student. Nothing is run.

File names: the hand-in's path inside DIR, without ``.ipynb``, with each folder separator
replaced by ``__`` (see ``feedback_name``): ``bob.ipynb`` -> ``bob.html``,
``mon/bob.ipynb`` -> ``mon__bob.html``.
"""
from __future__ import annotations

import argparse
import base64
import csv
import html
import json
import os
import sys
import time
from functools import lru_cache
from pathlib import Path, PurePosixPath

from . import grading, handins
from .errors import CourseError

__all__ = ["feedback_name", "page", "write_feedback", "main"]

ROOT = Path(__file__).resolve().parents[2]

_CSS = ("body{font-family:system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;line-height:1.5;"
        "color:#1a1a1a;background:#fff}h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2rem}"
        "h3{font-size:1.05rem;margin-bottom:.25rem}table{border-collapse:collapse;margin:.5rem 0}"
        "th,td{border:1px solid #767676;padding:.3rem .6rem;text-align:left;vertical-align:top}"
        ".q{border-top:1px solid #767676;padding-top:.5rem;margin-top:1.5rem}"
        ".right{color:#14532d}.partial{color:#713f12}.wrong{color:#7f1d1d}.none{color:#3f3f46}"
        "blockquote{margin:.5rem 0;padding:.25rem .75rem;border-left:4px solid #767676;background:#f4f4f5;"
        "white-space:pre-wrap}img{max-width:100%;height:auto}.note{background:#fef9c3;padding:.5rem .75rem}")


def feedback_name(relative: str) -> str:
    """The feedback file for a hand-in at ``relative`` (as the gradebook's file column shows it)."""
    path = PurePosixPath(relative)
    stem = str(path.with_suffix("")) if path.suffix.lower() == ".ipynb" else str(path)
    stem = stem.replace("/", "__").lstrip(".") or "hand-in"
    return stem + ".html"


def _esc(value) -> str:
    return html.escape(str(value), quote=True)


def _num(value: float) -> str:
    return grading._number(value)


@lru_cache(maxsize=1)
def _sources() -> dict[str, str]:
    """source id -> a one-line citation from datasets/sources.csv."""
    path = ROOT / "datasets" / "sources.csv"
    found = {}
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                parts = [row.get("author", ""), row.get("title", ""), row.get("year", ""), row.get("container", "")]
                found[row["id"]] = ", ".join(p.strip() for p in parts if p and p.strip())
    except (OSError, KeyError, csv.Error):
        pass
    return found


@lru_cache(maxsize=4096)
def _markdown(text: str) -> str:
    """Prompts and explanations repeat on every page of a class: rendered once each."""
    from helpers.widgets import _markdown as render   # raw HTML in the text is escaped

    return render(str(text))


@lru_cache(maxsize=4096)
def _key(qid: str) -> str:
    from .authoring import instructor_answer

    try:
        return instructor_answer(qid)
    except Exception:   # noqa: BLE001 - a missing key must not cost the student the page
        return ""


def _option_text(q: dict, key: str, option) -> str:
    for entry in q.get(key, []) or []:
        if isinstance(entry, dict) and entry.get("id") == option:
            return f"{option}: {' '.join(str(entry.get('text', '')).split())}"
    return str(option)


def _shown_answer(q: dict, answer) -> str:
    """The student's answer in words, as plain text."""
    kind = q.get("type")
    if kind == "single":
        if isinstance(answer, list) and len(answer) == 1:
            answer = answer[0]
        return _option_text(q, "options", answer) if isinstance(answer, str) else json.dumps(answer, ensure_ascii=False)
    if kind == "multi" and isinstance(answer, list):
        return "; ".join(_option_text(q, "options", a) for a in answer)
    if kind == "order" and isinstance(answer, list):
        return " -> ".join(_option_text(q, "items", a) for a in answer)
    if kind == "match" and isinstance(answer, dict):
        return "; ".join(f"{_option_text(q, 'left', k)} -> {_option_text(q, 'right', v)}" for k, v in answer.items())
    if isinstance(answer, str):
        return answer
    return json.dumps(answer, ensure_ascii=False)[:2000]


def _outcome(earned: float | None, points: float) -> tuple[str, str]:
    if earned is None:
        return "none", "Not answered"
    if earned >= points > 0:
        return "right", "Right"
    if earned > 0:
        return "partial", "Partly right"
    return "wrong", "Not right"


def page(sub: grading.Submission, nb: dict | None, plain: dict[str, dict], title: str, items: list) -> str:
    """The feedback page of one graded hand-in (``plain``: the plaintext questions by id)."""
    manual, comments, to_mark = sub.manual, sub.comments, sub.to_mark
    teacher_max = grading.teacher_points(sub)
    total = sub.total
    hints = sub.hints   # read by the grader from the answer records, bounded as it bounds them
    from .marks import answer_for

    who = f" ({_esc(sub.student_id)})" if sub.student_id else ""
    parts = [f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
             f"<meta name='viewport' content='width=device-width, initial-scale=1'>"
             f"<title>Feedback: {_esc(title)}</title><style>{_CSS}</style></head><body><main>",
             f"<h1>Feedback: {_esc(title)}</h1>",
             f"<p>Your hand-in <code>{_esc(sub.path)}</code>{who}.</p>",
             "<h2>Your score</h2><table><caption>Score and its parts</caption>",
             f"<tr><th scope='row'>Marked automatically</th><td>{_num(sub.score)} of {_num(sub.max_score)}</td></tr>",
             f"<tr><th scope='row'>Marked by your teacher</th><td>{_num(sum(manual.values()))} of {_num(teacher_max)}"
             f"{' (not all marked yet)' if to_mark else ''}</td></tr>",
             *([f"<tr><th scope='row'>Late penalty ({_esc(sub.extra.get('late', ''))} late)</th>"
                f"<td>{_num(round(sub.penalty * 100, 2))}% of the total</td></tr>"] if sub.penalty else []),
             f"<tr><th scope='row'>Total</th><td><strong>{_num(total)} of {_num(sub.max_score + teacher_max)}"
             f"</strong></td></tr></table>"]
    if to_mark:
        parts.append("<p class='note'>Your teacher has not marked everything yet, so this total is not final.</p>")
    if sub.errors:
        parts.append("<p class='note'>Notes on the file: " + _esc("; ".join(sub.errors)) + "</p>")
    parts.append("<h2>Question by question</h2>")
    reflections = {qid: (points, text) for qid, points, _words, text in sub.reflections}
    number = 0
    for number, (qid, q) in enumerate(((qid, q) for qid, q in plain.items() if qid.startswith(sub.assignment + ".")), 1):
        points = float(q.get("points", 1) or 0)
        parts.append(f"<section class='q' aria-labelledby='q{number}'><h3 id='q{number}'>Question {number} "
                     f"<small>({_esc(qid)}, {_num(points)} point{'s' if points != 1 else ''})</small></h3>")
        parts.append(_markdown(q.get("prompt", "")))
        if q.get("type") == "reflection":
            _points, text = reflections.get(qid, (points, ""))
            parts.append("<p><strong>Your answer:</strong></p>" + (f"<blockquote>{_esc(text)}</blockquote>" if text
                                                                   else "<p class='none'>No answer.</p>"))
            if qid in manual:
                parts.append(f"<p><strong>Your teacher's mark:</strong> {_num(manual[qid])} of {_num(points)}</p>")
            elif text:
                parts.append("<p class='none'><strong>Not marked yet.</strong></p>")
        else:
            answered = qid in sub.answers
            earned = sub.points.get(qid) if answered else None
            css, word = _outcome(earned, points)
            answer = _esc(_shown_answer(q, sub.answers[qid])) if answered else "No answer."
            parts.append(f"<p><strong>Your answer:</strong> {answer}</p>")
            parts.append(f"<p class='{css}'><strong>{word}</strong>"
                         + (f": {_num(earned)} of {_num(points)} point{'s' if points != 1 else ''}" if answered else "")
                         + "</p>")
            if _key(qid):
                parts.append(f"<p><strong>The answer:</strong> {_esc(_key(qid))}</p>")
        if qid in hints:
            parts.append(f"<p>Hints opened: {hints[qid]}</p>")
        if q.get("explanation"):
            parts.append("<p><strong>Why:</strong></p>" + _markdown(" ".join(str(q["explanation"]).split())))
        if q.get("source_ids"):
            cited = [_sources().get(s, s) for s in q["source_ids"]]
            parts.append("<p><strong>Sources:</strong></p><ul>" + "".join(f"<li>{_esc(c)}</li>" for c in cited) + "</ul>")
        if comments.get(qid):
            parts.append(f"<p><strong>Your teacher's comment:</strong></p><blockquote>{_esc(comments[qid])}</blockquote>")
        parts.append("</section>")
    for item in items:
        if item.kind != "chart":
            continue
        number += 1
        parts.append(f"<section class='q' aria-labelledby='q{number}'><h3 id='q{number}'>Task looked at by your "
                     f"teacher <small>({_esc(item.id)})</small></h3>" + _markdown(item.prompt))
        note, png = answer_for(nb or {}, item, sub.answers)
        if png:
            data = base64.b64encode(png).decode("ascii")
            parts.append(f"<figure><img src='data:image/png;base64,{data}' alt='Your chart for {_esc(item.id)}, as "
                         "you handed it in'><figcaption>Your chart</figcaption></figure>")
        else:
            parts.append(f"<p class='none'>{_esc(note)}</p>")
        if comments.get(item.id):
            parts.append(f"<p><strong>Your teacher's comment:</strong></p><blockquote>{_esc(comments[item.id])}"
                         "</blockquote>")
        parts.append("</section>")
    parts.append("</main></body></html>")
    return "\n".join(parts) + "\n"


def _read(folder: Path, sub: grading.Submission) -> dict | None:
    base = folder.parent if folder.is_file() else folder
    try:
        return json.loads(handins.read_text(os.path.join(base, sub.path)))
    except (handins.UnreadableFile, ValueError, RecursionError, OSError):
        return None


def write_feedback(folder: Path, out: Path, marks: dict, *, force: bool = False) -> tuple[list[Path], list[str]]:
    """Write one page per graded hand-in; return (pages written, files without a page and why)."""
    from .authoring import _instructor_questions
    from .lms import assignment_title
    from .marks import teacher_items

    folder, out = Path(folder), Path(out)
    _key.cache_clear()   # the key is read afresh for each run
    graded, _skipped = grading.grade_all(folder)
    grading.merge_marks(graded, marks)
    plain = _instructor_questions()
    written, left = [], []
    names: dict[str, str] = {}
    items_of: dict[str, list] = {}
    titles: dict[str, str] = {}
    pages = []
    for sub in graded:
        if not sub.assignment or not (sub.max_score or sub.reflections):
            left.append(f"{sub.path}: not graded ({'; '.join(sub.errors)[:200]})")
            continue
        name = feedback_name(sub.path)
        if name in names:
            raise CourseError(f"{sub.path} and {names[name]} would both get the page {name}; rename one.")
        names[name] = sub.path
        pages.append((name, sub))
    out.mkdir(parents=True, exist_ok=True)
    existing = [n for n, _ in pages if (out / n).exists()]
    if existing and not force:
        raise CourseError(f"{out} already has feedback pages ({', '.join(existing[:3])}"
                          f"{' ...' if len(existing) > 3 else ''}); use --force to replace them.")
    for name, sub in pages:
        if sub.assignment not in items_of:
            items_of[sub.assignment] = teacher_items(sub.assignment)
            titles[sub.assignment] = assignment_title(sub.assignment)
        nb = _read(folder, sub)   # for the charts and the hint counts
        text = page(sub, nb, plain, titles[sub.assignment], items_of[sub.assignment])
        target = out / name
        if target.is_symlink():
            raise CourseError(f"{target} is a symbolic link; refusing to write through it.")
        tmp = target.with_name(f".{name}.tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, target)
        written.append(target)
    return written, left


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="course feedback",
        description="One self-contained HTML feedback page per hand-in: score and its parts, each question with "
                    "the answer given, right or not, the explanation and sources, and the teacher's marks and "
                    "comments. FOLDER/<hand-in name>.html (mon/bob.ipynb -> mon__bob.html).")
    parser.add_argument("folder", type=Path, metavar="DIR", help="folder of handed-in notebooks")
    parser.add_argument("--out", type=Path, required=True, metavar="FOLDER", help="where to write the pages")
    parser.add_argument("--marks", type=Path, metavar="CSV", help="the teacher's marks (written by `course mark`)")
    parser.add_argument("--force", action="store_true", help="replace pages written before")
    args = parser.parse_args(argv)
    from .marks import read_marks

    if not args.folder.exists():
        raise CourseError(f"{args.folder} does not exist.")
    if args.folder.is_dir() and grading._inside(args.out, args.folder):
        raise CourseError(f"{args.out} is inside the hand-in folder {args.folder}; write the pages elsewhere.")
    if args.marks is not None and not args.marks.is_file():
        raise CourseError(f"--marks {args.marks}: no such file (`course mark` writes it).")
    start = time.monotonic()
    written, left = write_feedback(args.folder, args.out, read_marks(args.marks) if args.marks else {},
                                   force=args.force)
    print(f"{len(written)} feedback page(s) written to {args.out} in {time.monotonic() - start:.1f} s.")
    if left:
        print(f"no page for {len(left)} file(s):")
        for line in left:
            print(f"  {grading._shown(line)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
