"""Class report: how a whole seminar did on each question of an assignment.

Why: a gradebook says who scored what; a teacher preparing the next class needs to know
which questions most students missed, which wrong option drew them, what they typed instead
of the right number, and whether a question itself is broken (the best students get it
wrong, or nobody gets it right). `course report DIR --out report/` reads the same hand-ins
as `course grade`, scores them with the same grader (so every count agrees with the
gradebook), and writes ``items.csv`` (one row per question) and ``index.html`` with charts
that carry captions and alt text. Nothing is run, nothing is fetched, and the same folder
always gives the same files.

Item statistics are classical test theory, computed with pandas:
* share correct: submissions with full points on the question, over all graded submissions
  of the assignment (an unanswered question counts as not correct, as in the gradebook);
* discrimination: mean score on the question in the top 27 % of the class minus that in the
  bottom 27 % (Kelley's groups), and the point-biserial correlation between the question's
  score and the class's scores; both use the rest of the assignment (score minus this
  question), so a question does not vouch for itself;
* flags: nobody right, nobody answered, or both discrimination figures below zero, the
  usual signs of a wrong key, an ambiguous prompt or a question that rewards guessing.
"""
from __future__ import annotations

import argparse
import html
import json
import math
import sys
from pathlib import Path

import pandas as pd

from . import grading

from helpers import questions
from .csvsafe import visible, write_csv   # visible(): student text shown as the teacher must read it
from helpers.normalize import format_number, normalize_text, to_decimal

__all__ = ["collect", "item_table", "build_report", "main", "MIN_FOR_FLAGS", "TOP_WRONG"]

GROUP_SHARE = 0.27   # Kelley (1939): upper and lower 27 % of the class
MIN_FOR_FLAGS = 10   # fewer graded submissions than this: figures shown, no flags raised
TOP_WRONG = 5
CHOICE = ("single", "multi")
REPORT_FILES = ("index.html", "items.csv")


# --------------------------------------------------------------------------------------
# Reading the hand-ins


def _label(kind: str, answer) -> str:
    """A readable, comparable form of a raw answer, so "732,521" and 732521 count together."""
    if kind == "numeric":
        number, problem = to_decimal(answer, "")
        if not problem:
            return format_number(number)
    if kind == "text" and isinstance(answer, str):
        return normalize_text(answer)[:80]
    if kind == "order" and isinstance(answer, list):
        return " > ".join(str(a) for a in answer)[:200]
    if kind == "match" and isinstance(answer, dict):
        return ", ".join(f"{k}={v}" for k, v in sorted(answer.items(), key=lambda kv: str(kv[0])))[:200]
    shown = json.dumps(questions.jsonable(answer), ensure_ascii=False, sort_keys=True)
    return shown if len(shown) <= 80 else shown[:77] + "..."


def collect(folder: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(responses, submissions) of every graded hand-in under ``folder``.

    responses: one row per submission and auto-checked question: file, assignment,
    question, type, points, earned (NaN if not answered), correct, attempts, answer (the raw
    answer), label. submissions: file, assignment, score, max_score, errors.
    """
    folder = Path(folder)
    responses, subs = [], []
    graded, _skipped = grading.grade_all(folder)   # the gradebook's own search, names and grader
    twice = _doubles(graded)
    for sub in graded:
        name = sub.path
        subs.append({"file": name, "assignment": sub.assignment, "score": sub.score,
                     "max_score": sub.max_score, "errors": "; ".join(sub.errors),
                     "counted": name not in twice})
        if not sub.assignment or not sub.max_score or name in twice:
            continue
        answers, attempts = sub.answers, sub.attempts
        for qid in questions.question_ids():
            if not qid.startswith(sub.assignment + "."):
                continue
            q = questions.question(qid)
            if q.get("type") == "reflection":
                continue
            points = float(q.get("points", 1) or 0)
            answered = qid in sub.points
            earned = sub.points[qid] if answered else math.nan
            raw = answers.get(qid)
            responses.append({
                "file": name, "assignment": sub.assignment, "question": qid, "type": q.get("type"),
                "points": points, "earned": earned, "correct": bool(answered and earned >= points > 0),
                "attempts": (attempts.get(qid) or math.nan) if answered else math.nan,
                "answer": raw, "label": _label(q.get("type"), raw) if answered else "",
                "hints": sub.hints.get(qid, 0)})
    columns = ["file", "assignment", "question", "type", "points", "earned", "correct", "attempts", "answer", "label",
               "hints"]
    return (pd.DataFrame(responses, columns=columns),
            pd.DataFrame(subs, columns=["file", "assignment", "score", "max_score", "errors", "counted"]))


def _doubles(graded) -> set[str]:
    """Files of a student who handed in one assignment more than once: the gradebook leaves the
    teacher to decide which counts, so the report counts none of them (and lists them)."""
    from .roster import normalize_id

    files: dict[tuple[str, str], list[str]] = {}
    for sub in graded:
        if sub.student_id and sub.assignment and sub.max_score:
            files.setdefault((normalize_id(sub.student_id), sub.assignment), []).append(sub.path)
    return {name for names in files.values() if len(names) > 1 for name in names}


# --------------------------------------------------------------------------------------
# Item statistics


def _used_hints(item: pd.DataFrame) -> int:
    """Submissions whose answer record shows at least one hint opened for this question."""
    return int((item["hints"] > 0).sum()) if "hints" in item else 0


def _hints_paragraph(rows: pd.DataFrame) -> str:
    """One sentence: how many students opened a hint, per question (hints are recorded, not penalised)."""
    used = [(q, n) for q, n in zip(rows["question"], rows.get("used_hints", [])) if n]
    if not used:
        return "<p>No student opened a hint in this assignment.</p>"
    return ("<p>Students who opened a hint: " + "; ".join(f"{html.escape(q)} {n}" for q, n in used) + ".</p>")


def _discrimination(item: pd.DataFrame, totals: pd.Series) -> tuple[float, float]:
    """(upper-lower 27 % index, corrected point-biserial) of one question."""
    frame = item.set_index("file")
    earned = frame["earned"].fillna(0).reindex(totals.index).fillna(0)
    score = earned / float(frame["points"].iloc[0])
    rest = totals - earned   # the rest of the assignment, so an item does not vouch for itself
    order = sorted(totals.index, key=lambda f: (rest[f], f))   # ties broken by file name: stable
    n = len(order)
    group = max(1, int(round(GROUP_SHARE * n)))
    upper = score[order[-group:]].mean()
    lower = score[order[:group]].mean()
    if n < 3 or score.std() == 0 or rest.std() == 0:
        rpb = math.nan
    else:
        rpb = float(score.corr(rest))
    return float(upper - lower), rpb


def _option_counts(item: pd.DataFrame, q: dict) -> list[tuple[str, str, int, bool]]:
    """(option id, text, times chosen, chosen by a full-points answer) for a choice question."""
    counts = {o["id"]: 0 for o in q.get("options", [])}
    right = set()
    single = q.get("type") == "single"
    for answer, correct in zip(item["answer"], item["correct"]):
        # a single-choice answer is one option id; a longer list chose nothing (the grader agrees)
        if single and isinstance(answer, list):
            answer = answer[0] if len(answer) == 1 and isinstance(answer[0], str) else None   # as the grader reads it
        chosen = [answer] if isinstance(answer, str) else answer if isinstance(answer, list) else []
        for option in chosen:
            if option in counts:
                counts[option] += 1
                if correct:
                    right.add(option)
    return [(o["id"], o.get("text", ""), counts[o["id"]], o["id"] in right) for o in q.get("options", [])]


def _top_wrong(item: pd.DataFrame) -> list[tuple[str, int]]:
    wrong = item[item["earned"].notna() & ~item["correct"]]
    counts = wrong.groupby("label").size()
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return [(label, int(n)) for label, n in ranked[:TOP_WRONG]]


def item_table(responses: pd.DataFrame, subs: pd.DataFrame) -> pd.DataFrame:
    """One row per question: counts, shares, attempts, discrimination, flags, answers."""
    rows = []
    if "counted" in subs:
        subs = subs[subs["counted"].astype(bool)]
    graded = subs[subs["max_score"] > 0]
    for assignment in sorted(graded["assignment"].unique()):
        totals = graded[graded["assignment"] == assignment].set_index("file")["score"].sort_index()
        n = len(totals)
        mine = responses[responses["assignment"] == assignment]
        for qid in [q for q in questions.question_ids() if q in set(mine["question"])]:
            item = mine[mine["question"] == qid]
            q = questions.question(qid)
            answered = int(item["earned"].notna().sum())
            correct = int(item["correct"].sum())
            upper_lower, rpb = _discrimination(item, totals)
            flags = []
            if n >= MIN_FOR_FLAGS:
                if answered == 0:
                    flags.append("nobody answered")
                elif correct == 0:
                    flags.append("nobody right")
                if upper_lower < 0 and (math.isnan(rpb) or rpb < 0):
                    flags.append("negative discrimination")
            options = _option_counts(item, q) if q["type"] in CHOICE else []
            wrong = [] if q["type"] in CHOICE else _top_wrong(item)
            rows.append({
                "assignment": assignment, "question": qid, "type": q["type"], "points": item["points"].iloc[0],
                "submissions": n, "answered": answered, "correct": correct,
                "share_correct": correct / n if n else math.nan,
                "mean_score": float((item["earned"].fillna(0) / item["points"]).mean()) if n else math.nan,
                "mean_attempts": float(item["attempts"].mean()) if item["attempts"].notna().any() else math.nan,
                "discrimination_27": upper_lower, "point_biserial": rpb, "flags": "; ".join(flags),
                "option_counts": "; ".join(f"{oid}={count}" + (" (right)" if right else "")
                                           for oid, _, count, right in options),
                "top_wrong_answers": "; ".join(f"{label} ({count})" for label, count in wrong),
                "used_hints": _used_hints(item),
                "_options": options, "_wrong": wrong, "_prompt": " ".join(str(q.get("prompt", "")).split()),
            })
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------
# Charts and pages


def _missing(value) -> bool:
    """An empty cell of the item table (pandas writes these as empty CSV cells)."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def _round(value, places=2):
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.{places}f}"


def _share_chart(items: pd.DataFrame, assignment: str):
    from helpers.plotting import PALETTE, new_figure, show

    rows = items[items["assignment"] == assignment]
    fig, ax = new_figure(7.0, 0.45 * len(rows) + 1.4)
    labels = list(rows["question"])[::-1]
    shares = [100 * s for s in rows["share_correct"]][::-1]
    flagged = [bool(f) for f in rows["flags"]][::-1]
    bars = ax.barh(labels, shares, color=[PALETTE[5] if f else PALETTE[0] for f in flagged])
    for bar, f in zip(bars, flagged):
        if f:
            bar.set_hatch("//")
    ax.set_xlim(0, 100)
    ax.set_xlabel("submissions with full points (%)")
    ax.set_title(f"{assignment}: share of the class right on each question")
    for y, share in enumerate(shares):
        ax.text(min(share + 1, 92), y, f"{share:.0f}%", va="center", fontsize=9)
    n = int(rows["submissions"].iloc[0])
    described = "; ".join(f"{q} {100 * s:.0f}%" + (f" (flagged: {f})" if f else "")
                          for q, s, f in zip(rows["question"], rows["share_correct"], rows["flags"]))
    return show(fig, alt=f"Horizontal bar chart, one bar per question of {assignment}, length = percentage of "
                         f"the {n} submissions with full points: {described}.",
                caption=f"Share of the {n} graded submissions of {assignment} with full points on each question. "
                        + ("Hatched orange bars are questions flagged as possibly broken (see the table)."
                           if any(flagged) else "No question is flagged as possibly broken."))


def _score_chart(subs: pd.DataFrame, assignment: str):
    from helpers.plotting import new_figure, show

    mine = subs[(subs["assignment"] == assignment) & (subs["max_score"] > 0)]
    top = float(mine["max_score"].max())
    counts = mine["score"].value_counts().sort_index()
    fig, ax = new_figure(7.0, 3.0)
    ax.bar(list(counts.index), list(counts.values), width=0.6)
    ax.set_xlim(-0.5, top + 0.5)
    ax.set_xlabel(f"score (out of {_num(top)} auto-marked points)")
    ax.set_ylabel("submissions")
    ax.set_title(f"{assignment}: scores of the class")
    described = ", ".join(f"{_num(s)} points: {c}" for s, c in counts.items())
    return show(fig, alt=f"Bar chart of how many submissions of {assignment} reached each score: {described}.",
                caption=f"Scores of the {len(mine)} graded submissions of {assignment} (auto-marked questions only; "
                        "reflections are marked by hand and are not included).")


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}".rstrip("0")


def _option_chart(row: pd.Series):
    from helpers.plotting import PALETTE, new_figure, show

    options = row["_options"]
    fig, ax = new_figure(7.0, 0.45 * len(options) + 1.4)
    labels = [oid for oid, _, _, _ in options][::-1]
    counts = [c for _, _, c, _ in options][::-1]
    right = [r for _, _, _, r in options][::-1]
    bars = ax.barh(labels, counts, color=[PALETTE[2] if r else PALETTE[1] for r in right])
    for bar, r in zip(bars, right):
        if r:
            bar.set_hatch("..")
    ax.set_xlabel("submissions that chose it")
    ax.set_title(f"{row['question']}: how often each option was chosen")
    for y, count in enumerate(counts):
        ax.text(count, y, f" {count}", va="center", fontsize=9)
    described = "; ".join(f"{oid} chosen {c} times" + (" (part of a right answer)" if r else "")
                          for oid, _, c, r in options)
    return show(fig, alt=f"Horizontal bar chart of the options of question {row['question']}: {described}.",
                caption=f"Options of {row['question']} by how often they were chosen in "
                        f"{row['answered']} answers. Green dotted bars were part of a full-points answer.")


def _write_png(figure, folder: Path, name: str) -> dict:
    (folder / name).write_bytes(figure.png)
    return {"file": name, "alt": figure.alt, "caption": figure.caption}


def _figure_html(fig: dict) -> str:
    return (f'<figure><img src="{html.escape(fig["file"])}" alt="{html.escape(fig["alt"], quote=True)}">'
            f"<figcaption>{html.escape(fig['caption'])}</figcaption></figure>")


_CSS = ("body{font-family:system-ui,sans-serif;max-width:62rem;margin:2rem auto;padding:0 1rem;line-height:1.45}"
        "table{border-collapse:collapse;margin:1rem 0}th,td{border:1px solid #999;padding:.25rem .5rem;"
        "text-align:left;vertical-align:top}td.n{text-align:right}figure{margin:1.5rem 0}img{max-width:100%}"
        ".flag{color:#8a2c00;font-weight:bold}")


def build_report(folder: Path, out: Path) -> pd.DataFrame:
    """Write out/index.html, out/items.csv and the charts; return the item table."""
    import matplotlib

    matplotlib.use("Agg")
    responses, subs = collect(folder)
    items = item_table(responses, subs)
    out.mkdir(parents=True, exist_ok=True)
    public = [c for c in items.columns if not c.startswith("_")] if len(items) else [
        "assignment", "question", "type", "points", "submissions", "answered", "correct", "share_correct",
        "mean_score", "mean_attempts", "discrimination_27", "point_biserial", "flags", "option_counts",
        "top_wrong_answers", "used_hints"]
    table = items[public].copy() if len(items) else pd.DataFrame(columns=public)
    for column in ("share_correct", "mean_score", "mean_attempts", "discrimination_27", "point_biserial"):
        table[column] = [_round(v, 3) for v in table[column]]
    write_csv(out / "items.csv", public, [["" if _missing(v) else v for v in row]
                                          for row in table.itertuples(index=False)])

    parts = [f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Class report</title>"
             f"<style>{_CSS}</style></head><body><h1>Class report</h1>"]
    unreadable = subs[subs["assignment"] == ""]
    doubles = subs[~subs["counted"].astype(bool)]
    subs = subs[subs["counted"].astype(bool)]
    parts.append(f"<p>{len(subs) + len(doubles)} file(s) read from the hand-in folder; "
                 f"{int((subs['max_score'] > 0).sum())} graded and counted, one per student. Figures agree with "
                 "<code>course grade</code>: the same grader scored every file. Reflections are not included.</p>")
    if len(doubles):
        parts.append(f"<p>{len(doubles)} file(s) not counted: one student handed in the same assignment more than "
                     "once, and the gradebook leaves you to decide which file counts: "
                     + ", ".join(html.escape(visible(f)) for f in doubles["file"][:20]) + ".</p>")
    if len(unreadable):
        parts.append(f"<p>{len(unreadable)} file(s) could not be graded (see the gradebook's errors column): "
                     + ", ".join(html.escape(visible(f)) for f in unreadable["file"][:20]) + ".</p>")
    if not len(items):
        parts.append("<p>No graded assignment was found, so there is nothing to report.</p>")
    for assignment in sorted(items["assignment"].unique()) if len(items) else []:
        rows = items[items["assignment"] == assignment]
        mine = subs[(subs["assignment"] == assignment) & (subs["max_score"] > 0)]
        parts.append(f"<h2>{html.escape(assignment)}</h2><p>{len(mine)} graded submissions; mean score "
                     f"{_num(round(mine['score'].mean(), 2))} of {_num(mine['max_score'].max())}.</p>")
        flagged = rows[rows["flags"] != ""]
        if len(flagged):
            parts.append("<p class='flag'>Look at these questions first: "
                         + "; ".join(f"{html.escape(q)} ({html.escape(f)})" for q, f in zip(flagged["question"], flagged["flags"]))
                         + ".</p>")
        elif len(mine) < MIN_FOR_FLAGS:
            parts.append(f"<p>With fewer than {MIN_FOR_FLAGS} submissions no question is flagged.</p>")
        parts.append(_hints_paragraph(rows))
        parts.append(_figure_html(_write_png(_share_chart(items, assignment), out, f"{assignment}_share_correct.png")))
        parts.append(_figure_html(_write_png(_score_chart(subs, assignment), out, f"{assignment}_scores.png")))
        parts.append("<table><caption>Questions of " + html.escape(assignment) + "</caption><tr><th scope='col'>question</th>"
                     "<th scope='col'>type</th><th scope='col'>right</th><th scope='col'>answered</th>"
                     "<th scope='col'>mean attempts</th><th scope='col'>discrimination (27%)</th>"
                     "<th scope='col'>point-biserial</th><th scope='col'>flags</th></tr>")
        for _, row in rows.iterrows():
            parts.append(f"<tr><td>{html.escape(row['question'])}</td><td>{row['type']}</td>"
                         f"<td class='n'>{row['correct']} ({100 * row['share_correct']:.0f}%)</td>"
                         f"<td class='n'>{row['answered']}</td><td class='n'>{_round(row['mean_attempts'], 1)}</td>"
                         f"<td class='n'>{_round(row['discrimination_27'])}</td><td class='n'>{_round(row['point_biserial'])}</td>"
                         f"<td class='flag'>{html.escape(row['flags'])}</td></tr>")
        parts.append("</table>")
        for _, row in rows.iterrows():
            prompt = row["_prompt"] if len(row["_prompt"]) <= 300 else row["_prompt"][:297] + "..."
            parts.append(f"<h3>{html.escape(row['question'])}</h3><p>{html.escape(prompt)}</p>")
            if row["_options"]:
                parts.append(_figure_html(_write_png(_option_chart(row), out, f"{row['question']}_options.png")))
                parts.append("<table><tr><th scope='col'>option</th><th scope='col'>text</th><th scope='col'>chosen</th></tr>"
                             + "".join(f"<tr><td>{html.escape(o)}{' (right)' if r else ''}</td><td>{html.escape(t)}</td>"
                                       f"<td class='n'>{c}</td></tr>" for o, t, c, r in row["_options"]) + "</table>")
            elif row["_wrong"]:
                parts.append(f"<p>The {len(row['_wrong'])} most common wrong answers:</p><ol>"
                             + "".join(f"<li><code>{html.escape(visible(label))}</code>: {count}</li>" for label, count in row["_wrong"])
                             + "</ol>")
            else:
                parts.append("<p>No wrong answers.</p>")
    parts.append("<h2>How to read this</h2><p>Right: submissions with full points. Discrimination (27%): mean score on "
                 "the question in the top 27% of the class minus that in the bottom 27%, ranking the class by the rest "
                 "of the assignment; point-biserial: correlation between the question's score and the rest of the "
                 "assignment. Both near zero or below mean the "
                 "question does not separate stronger from weaker work: check its key and its wording. "
                 "<code>items.csv</code> has every figure.</p></body></html>")
    (out / "index.html").write_text("\n".join(parts) + "\n", encoding="utf-8")
    return items


def _own_charts(out: Path) -> list[Path]:
    """The charts an earlier report wrote: the PNGs its index.html shows. Any other file in
    the folder (a teacher's own picture) is not the report's to delete."""
    import re

    try:
        page = (out / "index.html").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    names = {html.unescape(n) for n in re.findall(r'<img src="([^"/\\]+\.png)"', page)}
    return [out / name for name in sorted(names) if not name.startswith(".")]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="course report",
        description="Class report from a folder of hand-ins: per question share right, attempts, options chosen, "
                    "common wrong answers, discrimination and flags; writes index.html, items.csv and PNG charts.")
    parser.add_argument("folder", type=Path, metavar="DIR", help="folder of handed-in notebooks (searched recursively)")
    parser.add_argument("--out", type=Path, required=True, metavar="FOLDER", help="where to write the report")
    parser.add_argument("--force", action="store_true", help="replace the files of an earlier report in FOLDER")
    args = parser.parse_args(argv)
    if not args.folder.exists():
        print(f"course report: {args.folder} does not exist.", file=sys.stderr)
        return 2
    if args.out.exists() and not args.out.is_dir():
        print(f"course report: {args.out} is a file, not a folder.", file=sys.stderr)
        return 2
    if args.folder.is_dir() and grading._inside(args.out, args.folder):
        print(f"course report: {args.out} is inside the hand-in folder {args.folder}, which students' files made; "
              "write the report elsewhere.", file=sys.stderr)
        return 2
    if args.out.is_dir() and any(args.out.iterdir()):
        if not args.force:
            print(f"course report: {args.out} is not empty; use --force to replace the report in it.", file=sys.stderr)
            return 2
        for old in [*_own_charts(args.out), *(args.out / name for name in REPORT_FILES)]:
            if old.is_file() and not old.is_symlink():
                old.unlink()
    try:
        items = build_report(args.folder, args.out)
    except questions.BankError as err:
        print(f"course report: {err}", file=sys.stderr)
        return 1
    flagged = int((items["flags"] != "").sum()) if len(items) else 0
    print(f"report written to {args.out / 'index.html'} ({len(items)} question(s), {flagged} flagged; "
          f"figures in {args.out / 'items.csv'}).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
