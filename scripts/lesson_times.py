"""How long a lesson takes, section by section, estimated from its text and its questions.

Why: stated times were guesses and ran short for students new to the material. This counts
the words a student reads in each ``## `` section (Markdown and code, not outputs) at about
150 words a minute, plus a minute to study each table or figure a code cell shows, and adds
time for each question asked in the section:

* a choice, order, match or text question: 2 minutes; a numeric one: 4 (it is computed);
* a reflection: one minute per 10 words it asks for, at least 5;
* a code cell tagged ``your-turn``: 5 minutes.

"Sources and further reading" is a reference list, not read through, and is left out; so are
citations' link definitions, which a reader never sees. A "Going further (optional)" section
has its row but is not in the lesson's total. Each
lesson shows the result in its "Time, section by section" table; the test suite checks that
the table is current. Print a lesson's table, or rewrite the tables in place after changing
a lesson (run it on executed notebooks: tables and figures are counted from the outputs):

    python scripts/lesson_times.py notebooks/01_moscow_after_the_civil_war.ipynb
    python scripts/lesson_times.py --write notebooks/*.ipynb

The tables are the course's one source of lesson times. From them (never from a hand-typed
figure) come the instructor guide's "Time." paragraph of each lesson, a 90-minute class plan
per lesson in instructors/class-plans/, and the offline slides' speaker notes. `--write`
regenerates the guide's paragraphs and the plans after rewriting the tables; to regenerate
them alone (e.g. after merging a lesson whose table changed):

    python scripts/lesson_times.py --plans

A copy of the course without instructors/ (the student copy) has neither, and `--plans`
does nothing there.
"""
from __future__ import annotations

import copy
import json
import math
import re
import sys
from pathlib import Path

from helpers.questions import question_ids_in  # the one reader of which questions a cell asks

WORDS_PER_MINUTE = 150
# A written answer longer than this many minutes is set as homework in a class plan.
LONG_WRITING = 10
SKIPPED = re.compile(r"^sources and further reading\b", re.IGNORECASE)
MARKUP = re.compile(r"[`*_#>|\[\]]")
# a citation's link definition (`[id]: URL "title"`) is not shown, so it is not read
DEFINITION = re.compile(r"^\s*\[[^\]\n]+\]:\s*\S+.*$", re.M)


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


def _without_time_table(source: str) -> str:
    """The cell without its own time table: the table states the times, so its words must not
    change them (else every rewrite of the table would change the table again)."""
    if MARKER not in source:
        return source
    found = _TABLE.search(source, source.index(MARKER))
    return source[:found.start()] + source[found.end():] if found else source


def sections(path: Path, bank: dict | None = None) -> list[dict]:
    """[{"section", "words", "reading", "tasks"}] for every ``## `` section of a notebook.

    The cells before the first ``## `` heading (title and hook) form the section "Opening"."""
    bank = bank if bank is not None else _bank(path.resolve().parents[1])
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    def new(name):
        # besides the counts: minutes best done at home (coding tasks, long writing), the
        # section's questions and its words (to place the lesson's discussion prompts)
        return {"section": name, "words": 0, "looks": 0, "tasks": 0, "homework": 0,
                "questions": [], "tasks_asked": [], "text": []}

    out = [new("Opening")]
    seen: set[str] = set()
    for cell in cells:
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        heading = re.match(r"##\s+(.+)", source) if cell["cell_type"] == "markdown" else None
        if heading:
            out.append(new(heading.group(1).strip()))
        current = out[-1]
        read = _without_time_table(DEFINITION.sub("", source)) if cell["cell_type"] == "markdown" else source
        current["words"] += len(MARKUP.sub(" ", read).split())
        current["text"].append(source)
        for output in cell.get("outputs", []):   # tables and printed figures name their figures
            plain = output.get("data", {}).get("text/plain", output.get("text", ""))
            current["text"].append("".join(plain) if isinstance(plain, list) else str(plain))
        if cell["cell_type"] == "code":
            your_turn = "your-turn" in cell.get("metadata", {}).get("tags", [])
            if your_turn:
                current["tasks"] += 5   # the task's own check() is part of these minutes
                current["homework"] += 5
            elif _shows_something(cell):
                current["looks"] += 1
            for qid in question_ids_in(source):
                if qid in bank and qid not in seen:
                    seen.add(qid)
                    current["tasks_asked" if your_turn else "questions"].append(qid)
                    entry = bank[qid]
                    current["text"] += [str(entry.get("prompt", ""))] + [
                        str(e.get("text", "")) for f in ("options", "items", "left", "right") for e in entry.get(f, [])]
                    minutes = 0 if your_turn else question_minutes(bank[qid])
                    current["tasks"] += minutes
                    if minutes > LONG_WRITING:
                        current["homework"] += minutes
    kept = [s for s in out if not SKIPPED.match(s["section"]) and (s["words"] or s["tasks"])]
    for s in kept:
        s["reading"] = max(1, round(s["words"] / WORDS_PER_MINUTE + s["looks"]))
    return kept


# --- how long a lesson's prose is ------------------------------------------------------------
# A newcomer should finish a lesson in an evening, so lessons 01-06 hold at most PROSE_LIMIT
# words of prose (tests/test_lesson_times.py). Counted: what a reader sees of the Markdown
# cells, a citation's label included; not worked solutions (cells tagged your-turn-solution),
# code, tables, HTML tags or citation ids, and nothing from a "Going further (optional)"
# heading to the next "## " heading, nor the "Sources and further reading" section.
PROSE_LIMIT = 2500
_FENCE = re.compile(r"```.*?```", re.S)
_INLINE_CODE = re.compile(r"`[^`\n]*`")
_LABELLED = re.compile(r"\[([^\]\n]+(?:\n[^\]\n]+)?)\]\[[^\]\n]+\]")
_BARE_ID = re.compile(r"(?<![\]\w])\[[a-z0-9][a-z0-9-]*(?:;\s*[a-z0-9][a-z0-9-]*)*\](?![(\[:])")
_TAG = re.compile(r"<[^>\n]+>")
_PROSE_WORD = re.compile(r"[^\W_](?:[\w’'‑-]*[^\W_])?")


def prose_words(path: Path) -> int:
    words, skipping = 0, False
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] != "markdown" or "your-turn-solution" in cell.get("metadata", {}).get("tags", []):
            continue
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        kept = []
        for line in source.splitlines():
            heading = re.match(r"##\s+(.+)", line)
            if heading:   # a skipped section runs to the next "## " heading, across cells
                skipping = bool(_OPTIONAL.search(heading.group(1)) or SKIPPED.match(heading.group(1)))
            if not skipping:
                kept.append(line)
        text = _FENCE.sub(" ", "\n".join(kept))
        text = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("|"))
        for pattern in (_INLINE_CODE, DEFINITION, _BARE_ID, _TAG):
            text = pattern.sub(" ", text)
        text = _LABELLED.sub(lambda m: f" {m.group(1)} ", text)
        words += len(_PROSE_WORD.findall(text))
    return words


def required(rows: list[dict]) -> list[dict]:
    """The rows a student must work through: an optional section ("Going further (optional)")
    is shown in the table but left out of the lesson's time."""
    return [r for r in rows if not _OPTIONAL.search(r["section"])]


def table(rows: list[dict]) -> str:
    lines = ["| section | reading | questions and tasks |", "|---|---|---|"]
    for row in rows:
        tasks = f"{row['tasks']} min" if row["tasks"] else "-"
        lines.append(f"| {row['section']} | {row['reading']} min | {tasks} |")
    reading = sum(r["reading"] for r in required(rows))
    tasks = sum(r["tasks"] for r in required(rows))
    total = "**in all**" if len(required(rows)) == len(rows) else "**in all, without the optional section**"
    lines.append(f"| {total} | **{reading} min** | **{tasks} min** |")
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


_ROW = re.compile(r"^\|\s*(.+?)\s*\|\s*(\d+) min\s*\|\s*(?:(\d+) min|-)\s*\|$")


def stated_rows(path: Path) -> list[dict]:
    """The lesson's committed time table as rows {"section", "reading", "tasks"} (minutes),
    without its total: the figures every other statement of the lesson's time comes from."""
    text = stated_table(path)
    if not text:
        raise ValueError(f"{path.name}: no '{MARKER}' table; run `python scripts/lesson_times.py --write {path}`")
    rows = []
    for line in text.splitlines()[2:]:
        found = _ROW.match(line.strip())
        if found and not found.group(1).startswith("**"):
            rows.append({"section": found.group(1), "reading": int(found.group(2)),
                         "tasks": int(found.group(3) or 0)})
    return rows


# --- the 90-minute class plan ------------------------------------------------------------------
# How a lesson's times become a class (the rule the guide and each plan state):
#   * each section is presented in about its reading time; its questions are taken with the
#     room (a show of hands, then the feedback) and class discussion doubles their minutes;
#   * your-turn coding tasks and written answers of more than LONG_WRITING minutes are set as
#     homework;
#   * the Discussion section gets what is left of the class, at least DISCUSSION minutes and
#     at most DISCUSSION_MOST (time left after that is spare: the homework tasks in pairs);
#   * if that does not fit, in this order until it does: optional sections ("optional",
#     "going further" in the heading) are cut (set as reading before the next class), then
#     sections without live questions, longest first; then the reading of sections with
#     questions is set before class (the class takes only their questions), longest reading
#     first; then sections with questions are cut, longest first. The opening, "What you will
#     learn", the Discussion and the Recap are never cut.
CLASS = 90
DISCUSSION, DISCUSSION_MOST = 10, 20
SHORTER = (75, 60)   # the plans also say which steps make a class of these lengths
_OPTIONAL = re.compile(r"optional|going further", re.IGNORECASE)
_NEVER_CUT = re.compile(r"^(opening|what you will learn|discussion|recap)\b", re.IGNORECASE)
_WORD = re.compile(r"[a-zа-я]{5,}|\d[\d,.]{2,}\d", re.IGNORECASE)


def _stems(text: str) -> set[str]:
    return {w.lower()[:6] for w in _WORD.findall(text)}


def discussion_prompts(path: Path) -> list[str]:
    """The numbered prompts of the lesson's "## Discussion" cell, one line each."""
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        if cell["cell_type"] == "markdown" and re.match(r"##\s+Discussion\b", source):
            items = re.split(r"(?m)^\d+\.\s+", source.split("\n", 1)[1] if "\n" in source else "")
            return [" ".join(item.split()) for item in items if item.strip()]
    return []


def plan(path: Path, bank: dict | None = None) -> list[dict]:
    """The lesson's 90-minute class, one row per section of its time table:
    {"section", "reading", "tasks", "live", "homework", "cut", "preread", "start", "end",
    "questions", "prompt", "optional"}; "live" is 0 for a cut section and leaves out the
    reading of a "preread" one (read before class); "start"/"end" the running clock."""
    rows = stated_rows(path)
    detail = {s["section"]: s for s in sections(path, bank)}
    prompts = discussion_prompts(path)
    out = []
    for row in rows:
        d = detail.get(row["section"], {})
        homework = min(row["tasks"], d.get("homework", 0))
        out.append({**row, "homework": homework, "questions": d.get("questions", []),
                    "live": row["reading"] + 2 * (row["tasks"] - homework), "cut": False, "preread": False,
                    "optional": bool(_OPTIONAL.search(row["section"])),
                    "words": _stems(" ".join(d.get("text", [])) + " " + row["section"]), "prompt": None})
    # each discussion prompt goes to the section it shares most words with, a word counting
    # more the fewer sections use it (a figure such as 641,000 names its section outright)
    candidates = [r for r in out if not _NEVER_CUT.match(r["section"])]
    spread = {w: sum(w in r["words"] for r in candidates) for r in candidates for w in r["words"]}
    for prompt in prompts:
        scored = [(round(sum(1 / spread[w] for w in sorted(_stems(prompt) & r["words"])), 9), -i) for i, r in enumerate(candidates)]
        best = max(scored, default=(0, 0))
        if best[0] >= 1.5:
            target = candidates[-best[1]]
            target["prompt"] = f"{target['prompt']} / {prompt}" if target["prompt"] else prompt
    discussion = next((r for r in out if re.match(r"discussion\b", r["section"], re.I)), None)
    if discussion:
        discussion["prompt"] = (f"the lesson's {len(prompts)} prompts (on the slide), in pairs and then with the room"
                                if prompts else None)
    for r in out:
        del r["words"]
    def over() -> bool:
        return sum(x["live"] for x in out if x is not discussion) + (DISCUSSION if discussion else 0) > CLASS

    while over() and cut_order(out):
        apply_cut(*cut_order(out)[0])
    if discussion:
        rest = CLASS - sum(x["live"] for x in out if x is not discussion)
        discussion["live"] = max(discussion["live"], min(max(DISCUSSION, rest), DISCUSSION_MOST))
    clock = 0
    for r in out:
        r["start"], clock = clock, clock + r["live"]
        r["end"] = clock
    return out


def _asks(row: dict) -> bool:
    """True if the section has questions taken live (not only homework tasks)."""
    return row["tasks"] > row["homework"]


def cut_order(rows: list[dict]) -> list[tuple[dict, str]]:
    """The steps that shorten a class, in the order they are taken (the rule above):
    (row, "cut") sets a whole section as reading before the next class, (row, "read") only
    its reading, so that the class takes just its questions."""
    free = [r for r in rows if not _NEVER_CUT.match(r["section"]) and not r["cut"]]
    optional = [(r, "cut") for r in free if r["optional"]]
    reading = [(r, "cut") for r in sorted((r for r in free if not r["optional"] and not _asks(r)), key=lambda r: -r["live"])]
    before = [(r, "read") for r in sorted((r for r in free if not r["optional"] and _asks(r) and not r["preread"]),
                                          key=lambda r: -r["reading"])]
    asking = [(r, "cut") for r in sorted((r for r in free if not r["optional"] and _asks(r)), key=lambda r: -r["live"])]
    return optional + reading + before + asking


def apply_cut(row: dict, step: str) -> int:
    """Take one step of cut_order on its row; the minutes of class it saves."""
    saved = row["reading"] if step == "read" else row["live"]
    if step == "read":
        row["preread"] = True
    else:
        row["cut"] = True
    row["live"] -= saved
    return saved


RULE = ("Each section is presented in about its reading time; its questions are taken with the room "
        "and discussion doubles their minutes; your-turn coding tasks and written answers of more than "
        f"{LONG_WRITING} minutes go home; the Discussion gets what is left, {DISCUSSION} to "
        f"{DISCUSSION_MOST} minutes, and any time still spare can go to the homework tasks in pairs. "
        f"Over {CLASS} minutes, these steps are taken in order until it fits: cut optional sections; cut "
        "sections without live questions, longest first; set the reading of sections with questions "
        "before class, longest reading first; cut sections with questions, longest first. The opening, "
        "*What you will learn*, the Discussion and the Recap stay.")
GENERATED = "generated by `python scripts/lesson_times.py --plans` from the notebook's time table; do not edit"
PLANS = "class-plans"


def _in_class(row: dict) -> str:
    if row["cut"]:
        return "cut: set as reading before the next class"
    parts = ["reading set before class"] if row["preread"] else []
    if row["tasks"] - row["homework"]:
        count = len(row["questions"])
        parts.append(f"{count} question{'s' if count != 1 else ''} with the room" if count else "questions with the room")
    if row["homework"]:
        parts.append(f"{row['homework']} min of tasks as homework")   # your-turn code, long writing
    return "; ".join(parts) or "present"


def plan_markdown(path: Path, bank: dict | None = None) -> str:
    rows = plan(path, bank)
    reading = sum(r["reading"] for r in required(rows))
    tasks = sum(r["tasks"] for r in required(rows))
    homework = (sum(r["homework"] for r in rows) + sum(r["reading"] + r["tasks"] - r["homework"] for r in rows if r["cut"])
                + sum(r["reading"] for r in rows if r["preread"] and not r["cut"]))
    lines = [f"<!-- {GENERATED} -->",
             f"# Class plan: `{path.name}` in {CLASS} minutes",
             "",
             f"Generated by `python scripts/lesson_times.py --plans` from the lesson's *Time, section by "
             f"section* table ({reading} min reading and {tasks} min questions and tasks for a student "
             "alone). Do not edit: change the lesson, rewrite its table with `--write`, and this plan "
             "follows.",
             "",
             "| clock | section | alone | in class | minutes | prompt for the room |",
             "|---|---|---|---|---|---|"]
    for r in rows:
        clock = "-" if r["cut"] else f"{r['start']}–{r['end']}"
        alone = f"{r['reading']} + {r['tasks']} min" if r["tasks"] else f"{r['reading']} min"
        prompt = (r["prompt"] or "").replace("|", "/")
        lines.append(f"| {clock} | {r['section']} | {alone} | {_in_class(r)} | {r['live'] or '-'} | {prompt} |")
    live = sum(r["live"] for r in rows)
    spare = f" **Spare:** {CLASS - live} min (take the homework tasks in pairs, or start the assignment)." if live < CLASS else ""
    lines += ["", f"**Live:** {live} min. **Homework:** {homework} min "
              f"(your-turn tasks, long written answers, cut sections and reading set before class).{spare}"]
    lines += ["", "**When time runs short**, take these steps in this order (a cut section becomes "
              "reading before the next class; \"read before class\" keeps only its questions live):", ""]
    trial = copy.deepcopy(rows)
    saved, steps, enough = 0, 0, {}
    # a shorter class first takes the Discussion down to its least, then the steps below
    slack = sum(r["live"] - DISCUSSION for r in rows if re.match(r"discussion\b", r["section"], re.I))
    for shorter in SHORTER:
        if live - slack <= shorter:
            enough[shorter] = 0
    while cut_order(trial):
        row, step = cut_order(trial)[0]
        minutes = apply_cut(row, step)
        saved += minutes
        steps += 1
        what = "read before class" if step == "read" else "cut"
        lines.append(f"{steps}. {what}: {row['section']}: saves {minutes} min ({saved} in all)")
        for shorter in SHORTER:
            if shorter not in enough and live - slack - saved <= shorter:
                enough[shorter] = steps
    if not steps:
        lines.append("Nothing left to cut: shorten the Discussion.")
    def recipe(shorter: int) -> str:
        if live <= shorter:
            return "as planned"
        if shorter not in enough:
            return "take every step, and the Discussion will still be short of time"
        k = enough[shorter]
        steps_text = "" if not k else " and step 1" if k == 1 else f" and steps 1–{k}"
        return f"a {DISCUSSION}-minute Discussion{steps_text}"

    lines += ["", "**Shorter classes:** " + "; ".join(f"{shorter} minutes: {recipe(shorter)}" for shorter in SHORTER) + "."]
    lines += ["", f"**The rule.** {RULE}", ""]
    return "\n".join(lines)


def guide_paragraph(path: Path, bank: dict | None = None) -> str:
    """The guide's "Time." paragraph of one lesson, between markers."""
    rows = plan(path, bank)
    reading = sum(r["reading"] for r in required(rows))
    tasks = sum(r["tasks"] for r in required(rows))
    live = sum(r["live"] for r in rows)
    home = sum(r["homework"] for r in rows)
    cut = [r["section"] for r in rows if r["cut"]]
    read = [r["section"] for r in rows if r["preread"] and not r["cut"]]
    first = cut_order(rows)[:1]
    text = (f"**Time.** Alone: {reading} minutes reading and {tasks} for questions and tasks "
            f"(the notebook's *Time, section by section* table). In a {CLASS}-minute class: {live} "
            f"minutes live" + (f", {home} minutes of tasks set as homework" if home else "")
            + (f", cut to reading before class: {', '.join(f'*{c}*' for c in cut)}" if cut else "")
            + (f", the reading of {', '.join(f'*{c}*' for c in read)} set before class" if read else "")
            + (f"; if time runs short, {'read before class' if first[0][1] == 'read' else 'cut'} first: "
               f"*{first[0][0]['section']}*" if first else "")
            + f". Class plan, with the clock and the cuts: [{PLANS}/{path.stem}.md]({PLANS}/{path.stem}.md).")
    return f"<!-- time: {GENERATED} -->\n{text}\n<!-- /time -->"


_GUIDE_BLOCK = re.compile(r"<!-- time: .*?-->\n.*?\n<!-- /time -->", re.S)


_RULE_BLOCK = re.compile(r"<!-- rule: .*?-->\n.*?\n<!-- /rule -->", re.S)


def guide_with_times(guide: str, lessons: list[Path], bank: dict | None = None) -> str:
    """The guide with each lesson's generated "Time." paragraph replaced (the first time: the
    hand-written "**Time.**" paragraph of the lesson's section), and the class plans' rule
    wherever the guide marks it."""
    guide = _RULE_BLOCK.sub(lambda m: f"<!-- rule: {GENERATED} -->\n**The plans' rule.** {RULE}\n<!-- /rule -->", guide)
    for path in lessons:
        heading = re.search(rf"(?m)^### .*`{re.escape(path.name)}`.*$", guide)
        if not heading:
            continue
        start = heading.end()
        following = re.search(r"(?m)^#{1,3} ", guide[start:])
        end = start + following.start() if following else len(guide)
        section = guide[start:end]
        block = guide_paragraph(path, bank)
        if _GUIDE_BLOCK.search(section):
            section = _GUIDE_BLOCK.sub(lambda m: block, section, count=1)
        else:
            section = re.sub(r"(?s)\*\*Time\.\*\*.*?(?=\n\s*\n)", lambda m: block, section, count=1)
        guide = guide[:start] + section + guide[end:]
    return guide


def instructor_files(root: Path, bank: dict | None = None) -> dict[Path, str]:
    """Every generated instructor file (path -> wanted text): the guide and one plan per lesson
    with a time table. Empty in a copy without instructors/ (the student copy)."""
    guide = root / "instructors" / "guide.md"
    if not guide.is_file():
        return {}
    bank = bank if bank is not None else _bank(root)
    lessons = [p for p in sorted((root / "notebooks").glob("[0-9][0-9]*_*.ipynb")) if stated_table(p)]
    wanted = {guide: guide_with_times(guide.read_text(encoding="utf-8"), lessons, bank)}
    for path in lessons:
        wanted[root / "instructors" / PLANS / f"{path.stem}.md"] = plan_markdown(path, bank)
    return wanted


def stale_instructor_files(root: Path, bank: dict | None = None) -> list[Path]:
    """Generated instructor files that disagree with the notebooks' time tables."""
    stale = []
    for path, text in instructor_files(root, bank).items():
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            stale.append(path)
    return stale


def write_instructor_files(root: Path) -> list[Path]:
    written = []
    for path, text in instructor_files(root).items():
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written


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
    root = Path(__file__).resolve().parents[1]
    if argv[0] == "--write":
        for name in argv[1:]:
            print(f"{name}: {'table rewritten' if write(Path(name)) else 'no time table (skipped)'}")
        argv = ["--plans"]
    if argv[0] == "--plans":
        for path in write_instructor_files(root):
            print(f"{path.relative_to(root)}: regenerated from the time tables")
        return 0
    for name in argv:
        rows = sections(Path(name))
        print(f"{name}: {sum(r['words'] for r in rows)} words\n{table(rows)}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
