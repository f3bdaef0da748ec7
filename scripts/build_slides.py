"""Export lesson notebooks as reveal.js slides that work with no network (`make slides`).

nbconvert's stock reveal template links reveal.js and its helpers from CDNs, so its slides
are blank in a lecture room without internet. Here each notebook becomes ONE self-contained
HTML file: a local copy of reveal.js is inlined and images are embedded. The lesson is also
shaped for a projector, by rules that hold for any lesson:
  - every ask()/check() question is printed whole (prompt, options, items to order, both
    sides of a matching), because widgets need a running kernel;
  - code is hidden, its figures, captions and tables stay; tag a cell `slides-show-code`
    to show its code;
  - what does not fit a 1280x720 slide continues on a sub-slide (a cell asking several
    questions puts each on the next slide it fits; one question too tall for a slide sets
    its parts smaller, in two columns), and long tables show their first rows;
  - worked solutions (cells tagged `your-turn-solution`) are left out: the room sees the task;
  - every slide has speaker notes (key S): its section's time and place on the clock of the
    90-minute class plan, from the lesson's own time table (scripts/lesson_times.py), and a
    prompt for the room; every question slide adds the answer as the letters on the slide,
    the explanation and what to say to each anticipated wrong answer, read from the
    plaintext bank in solutions/question-bank/ -- only in the instructor's copy of the course:
    built in a student copy (`course export-student`), the notes carry no answer; the title
    slide adds the guide's misconceptions and source-criticism points, the Discussion slide
    its prompts (instructors/guide.md, also instructor-only).

Where reveal.js comes from, first match wins:
  1. --reveal DIR or the REVEAL_DIR environment variable (a reveal.js release folder with
     dist/ and plugin/, e.g. unpacked from the npm package `reveal.js`);
  2. the copy of reveal.js 5.2.1 that ships with the course, next to the template;
  3. none (the copy was removed): each notebook is written as one readable page with a
     banner saying so.
Nothing is downloaded, ever.
"""
from __future__ import annotations

import argparse
import copy
import os
import re
import sys
from functools import lru_cache
from pathlib import Path

import nbformat
from nbconvert import SlidesExporter

sys.path.insert(0, str(Path(__file__).resolve().parent))   # the builders' shared modules
import lesson_times  # noqa: E402
from answers import answer_line, instructor_questions, wrong_answers  # noqa: E402
from printed import markdown_html, question_html, question_ids_in  # noqa: E402

TEMPLATES = Path(__file__).resolve().parent / "nbconvert-templates"
REVEAL_FILES = {
    "js": "dist/reveal.js",
    "css": "dist/reveal.css",
    "theme": "dist/theme/white.css",
    "notes": "plugin/notes/notes.js",
}


# reveal.js 5.2.1 (MIT), the four files the template inlines, copied unmodified from the npm
# package so that slides build on a machine with no network and no extra package.
VENDORED = Path(__file__).resolve().parent / "nbconvert-templates" / "reveal_offline" / "reveal.js"


def find_reveal(explicit: str | os.PathLike | None = None) -> Path | None:
    """The reveal.js folder to inline: the one named (refused if incomplete), else the course's."""
    def complete(folder) -> bool:
        return all((Path(folder) / f).is_file() for f in REVEAL_FILES.values())

    named = explicit or os.environ.get("REVEAL_DIR")
    if named:
        if complete(named):
            return Path(named)
        raise SystemExit(f"{named}: not a reveal.js folder (needs {', '.join(REVEAL_FILES.values())})")
    return VENDORED if complete(VENDORED) else None


def _inline(text: str, tag: str) -> str:
    """Text that can sit inside <script>/<style> without closing it early."""
    return re.sub(rf"</({tag})", r"<\\/\1", text, flags=re.IGNORECASE)


def read_reveal(folder: Path | None) -> dict | None:
    if folder is None:
        return None
    files = {key: (folder / rel).read_text(encoding="utf-8") for key, rel in REVEAL_FILES.items()}
    return {key: _inline(text, "script" if rel.endswith(".js") else "style")
            for (key, rel), text in zip(REVEAL_FILES.items(), files.values())}


# A code cell's source is hidden on the slides unless the cell carries this tag: the room
# should see the chart and its caption, not the 20 lines that drew it.
SHOW_CODE_TAG = "slides-show-code"
# The slide size reveal.js lays out (it scales the whole slide to the screen), and the
# estimated content height one slide may hold before the builder starts a continuation.
WIDTH, HEIGHT = 1280, 720
BUDGET = 560
GUIDE = Path(__file__).resolve().parents[1] / "instructors" / "guide.md"
# Paragraphs of a lesson's guide section that become the title slide's notes, in this order
# (its time comes from the lesson's own table, not from the guide).
NOTE_LABELS = ("Misconceptions", "Source criticism")
# Cells the room never sees: a your-turn task's worked solution.
SOLUTION_TAG = "your-turn-solution"
_DROP_MIMES = ("application/vnd.jupyter.widget-view+json", "application/vnd.course.answer+json")


def _slide_type(cell) -> str:
    return cell.metadata.get("slideshow", {}).get("slide_type") or "-"


def _set_slide_type(cell, kind: str) -> None:
    cell.metadata.setdefault("slideshow", {})["slide_type"] = kind


def _question_outputs(ids: list[str]) -> list:
    """One display per question the cell asks or checks, every part of it printed. A question
    whose printed form is taller than a slide is set smaller (course-mid), and if still too
    tall, smaller again with its parts in two columns (course-long)."""
    outputs = []
    for qid in ids:
        printed = question_html(qid)
        for smaller in ("course-mid", "course-long"):
            if _html_height(printed) <= HEIGHT:
                break
            printed = question_html(qid).replace('class="course-question ', f'class="course-question {smaller} ', 1)
        outputs.append(nbformat.v4.new_output("display_data", data={"text/html": printed}))
    return outputs


def _question_cells(cell, ids: list[str]) -> list:
    """A cell that asks several questions as one cell per question, so that they can go on
    separate slides: each printed question is labelled, so none needs a "(continued)"."""
    pieces = []
    for i, output in enumerate(_question_outputs(ids)):
        piece = copy.deepcopy(cell)
        piece.outputs = [output]
        if i:
            _set_slide_type(piece, "-")
            if "id" in piece:
                piece.id = f"{cell.id}-{i}"[-64:]
        pieces.append(piece)
    return pieces


MAX_ROWS = 10
_ROW = re.compile(r"<tr\b.*?</tr>\s*", re.S)


def _row_height(row: str) -> int:
    """A table row's height: its fullest cell wraps in a column of a share of the width."""
    cells = [re.sub(r"<[^>]+>|&\w+;", " ", c) for c in re.findall(r"<t[dh]\b[^>]*>(.*?)</t[dh]>", row, re.S)]
    if not cells:
        return 0
    width = max(8, 110 // len(cells))
    return 30 * max(1, *(-(-len(" ".join(c.split())) // width) for c in cells)) + 6


def _short_table(html: str) -> str:
    """A pandas table cut to the rows that fit a slide (at most MAX_ROWS), with a line saying
    how many more the notebook shows: a longer projected table cannot be read anyway."""
    body = re.search(r"(<tbody>)(.*?)(</tbody>)", html, re.S)
    if not body:
        return html
    rows = _ROW.findall(body.group(2))
    head = sum(_row_height(r) for r in _ROW.findall(html[:body.start(2)]))
    kept, used = [], head
    for row in rows:
        if len(kept) == MAX_ROWS or used + _row_height(row) > BUDGET - 120:
            break
        kept.append(row)
        used += _row_height(row)
    if len(kept) == len(rows):
        return html
    columns = max(len(re.findall(r"<t[dh]\b", row)) for row in rows)
    more = (f'<tr class="course-more"><td colspan="{columns}" style="text-align:left">'
            f"... and {len(rows) - len(kept)} more rows in the notebook</td></tr>")
    return html[:body.start(2)] + "".join(kept) + more + html[body.end(2):]


def _visible_outputs(outputs: list) -> list:
    """Outputs worth projecting: not widget placeholders, answer records or warnings."""
    kept = []
    for out in outputs:
        if out.get("output_type") == "stream" and out.get("name") == "stderr":
            continue
        data = out.get("data", {})
        if data and all(m in _DROP_MIMES or m == "text/plain" for m in data) and any(m in _DROP_MIMES for m in data):
            continue
        if "text/html" in data and "<table" in data["text/html"]:
            data["text/html"] = _short_table(data["text/html"])
        kept.append(out)
    return kept


# --- how tall will it be? ---------------------------------------------------------------------
# Rough layout arithmetic for the slide CSS in the template (20 px text, 1280 px wide): good
# enough to decide where to cut; the browser test measures what really fits.
_LINE, _CHARS = 29, 95
_TEXT = {"line": _LINE, "chars": _CHARS, "p": 16, "li": 14}
_BLOCK = re.compile(r"<(h[1-6]|p|li|tr|pre|figcaption|dt|dd)\b[^>]*>(.*?)</\1>", re.S | re.I)
_HEADING = {"h1": 70, "h2": 58, "h3": 48, "h4": 40, "h5": 36, "h6": 36}
# The theme sets a quotation in a box 70% of the slide wide, with a margin above and below,
# and each of its paragraphs (the words, then who said them) starts a line of its own.
_QUOTE = re.compile(r"<blockquote\b[^>]*>(.*?)</blockquote>", re.S | re.I)
_QUOTE_WIDTH, _QUOTE_MARGIN = 0.68, 50
# A printed question (22 px, line-height 1.4, a coloured rule on its left: larger than the
# 20 px text, for a show of hands from the back row); a tall one (course-mid) in 18 px; a
# longer one (course-long) in 16 px with its options in two columns.
_PRINTED = {"line": 31, "chars": 82, "p": 14, "li": 6}
_MID = {"line": 25, "chars": 100, "p": 12, "li": 5}
_LONG = {"line": 22, "chars": 110, "p": 10, "li": 4}
_COLUMNS = re.compile(r'<ul class="course-(?:choices|items)"[^>]*>(.*?)</ul>', re.S)
# A matching question sets its two lists side by side (2:3): the taller one counts.
_MATCH = re.compile(r'<div class="course-match">(<ol\b.*?</ol>)(<ul\b.*?</ul>)</div>', re.S)


def _png_height(data: str) -> int:
    import base64
    import struct

    head = base64.b64decode(data[:64])
    if head[:8] != b"\x89PNG\r\n\x1a\n":
        return 300
    width, height = struct.unpack(">II", head[16:24])
    scale = min(1.0, (WIDTH - 120) / width, 420 / height)
    return int(height * scale) + 16


def _html_height(text: str, width: float = 1.0, metrics: dict | None = None) -> int:
    """Estimated px height of some slide HTML set in `width` (a share) of the slide's width."""
    if metrics is None:
        metrics = ((_LONG if "course-long" in text else _MID if "course-mid" in text else _PRINTED)
                   if "course-printed" in text else _TEXT)
    line, chars = metrics["line"], max(8, int(metrics["chars"] * width))
    total = sum(_png_height(m.group(1)) for m in re.finditer(r'src="data:image/png;base64,([A-Za-z0-9+/=]{64})', text))
    text = re.sub(r"<img\b[^>]*>", "", text)
    total += sum(_html_height(inner, width * _QUOTE_WIDTH, metrics) - 10 + _QUOTE_MARGIN
                 for inner in _QUOTE.findall(text))
    text = _QUOTE.sub("", text)
    total += sum(max(_html_height(left, width * 0.38, metrics), _html_height(right, width * 0.58, metrics)) - 10
                 for left, right in _MATCH.findall(text))
    text = _MATCH.sub("", text)
    if metrics is _LONG:
        total += sum(_html_height(part, width * 0.48, metrics) // 2 + line for part in _COLUMNS.findall(text))
        text = _COLUMNS.sub("", text)
    for tag, inner in _BLOCK.findall(text):
        words = re.sub(r"<[^>]+>|&\w+;", " ", inner)
        length = len(" ".join(words.split()))
        tag = tag.lower()
        if tag in _HEADING:
            total += _HEADING[tag] * max(1, -(-length // 60))
        elif tag == "tr":
            total += _row_height(f"<tr>{inner}</tr>")
        elif tag == "pre":
            total += _LINE * (inner.count("\n") + 1)
        else:
            total += line * max(1, -(-length // chars)) + metrics.get(tag, 4)
    return total + 10


def _cell_height(cell) -> int:
    if cell.cell_type == "markdown":
        return _html_height(markdown_html(cell.source))
    total = 0 if cell.metadata.get("transient", {}).get("remove_source") else 26 * (cell.source.count("\n") + 1) + 30
    for out in cell.get("outputs", []):
        data = out.get("data", {})
        if "text/html" in data:
            total += _html_height(data["text/html"])
        elif "image/png" in data:
            total += _png_height(data["image/png"])
        elif "text/markdown" in data:
            total += _html_height(markdown_html(data["text/markdown"]))
        else:
            text = out.get("text") or data.get("text/plain", "")
            total += 24 * (str(text).count("\n") + 1)
    return total + 8


_ITEM = re.compile(r"^(\s{0,3})([-*+]|\d+[.)])\s")


def _blocks(source: str) -> list[str]:
    """A Markdown text cut where a slide may end: between paragraphs, headings, tables and
    top-level list items (a long list may continue on the next slide). Fences stay whole."""
    blocks, current, fenced = [], [], False

    def close():
        if current:
            blocks.append("\n".join(current))
            current.clear()

    for line in source.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        elif not fenced:
            if not line.strip():
                close()
                continue
            item = _ITEM.match(line)
            if line.startswith("#") or (item and not item.group(1)):
                close()
        current.append(line)
    close()
    return blocks


def _split_markdown(cell) -> list:
    """A long Markdown cell as several cells of at most BUDGET each (cut between blocks)."""
    pieces, current, used = [], [], 0
    for block in _blocks(cell.source):
        height = _html_height(markdown_html(block))
        if current and used + height > BUDGET:
            pieces.append(current)
            current, used = [], 0
        current.append(block)
        used += height
    if current:
        pieces.append(current)
    pieces = [blocks for blocks in pieces if _visible_text("\n\n".join(blocks))] or pieces[:1]
    cells = []
    for i, blocks in enumerate(pieces):
        part = nbformat.v4.new_markdown_cell("\n\n".join(blocks))
        part.metadata = nbformat.from_dict({**cell.metadata})
        if i:
            _set_slide_type(part, "-")
        cells.append(part)
    return cells


def _visible_text(markdown: str) -> bool:
    """True if Markdown shows something: words, an image or a table, not only tags."""
    if re.search(r"<img\b|<table\b", markdown, re.I):
        return True
    rendered = markdown_html(re.sub(r"<[^>]+>", "", markdown))   # the cell's own tags show nothing
    return "<img" in rendered or bool(re.sub(r"<[^>]+>|&nbsp;|\s", "", rendered))


def _heading(cell) -> str | None:
    if cell.cell_type != "markdown":
        return None
    found = re.search(r"^#{1,3}\s+(.+)$", cell.source, re.M)
    return found.group(1).strip() if found else None


# --- speaker notes from the instructor guide --------------------------------------------------

def guide_sections(text: str) -> dict[str, str]:
    """Notebook stem -> its section of the guide (a heading naming `NN_name.ipynb`)."""
    sections, current, lines = {}, None, []
    for line in text.splitlines():
        if line.startswith("#"):
            if current:
                sections[current] = "\n".join(lines)
            found = re.search(r"`([\w.-]+)\.ipynb`", line) if line.startswith("### ") else None
            current, lines = (found.group(1) if found else None), []
        elif current:
            lines.append(line)
    if current:
        sections[current] = "\n".join(lines)
    return sections


def guide_notes(stem: str, guide: Path = GUIDE) -> dict[str, str]:
    """The labelled paragraphs (Time, Discussion, ...) of one lesson's section of the guide."""
    try:
        section = guide_sections(guide.read_text(encoding="utf-8")).get(stem)
    except OSError:
        return {}
    paragraphs = {}
    for para in re.split(r"\n\s*\n", section or ""):
        found = re.match(r"\*\*([^*]+?)\.\*\*\s*(.*)", para.strip(), re.S)
        if found:
            paragraphs[found.group(1)] = " ".join(found.group(2).split())
    return paragraphs


def speaker_notes(stem: str, guide: Path = GUIDE) -> str | None:
    """The guide's misconceptions and source-criticism points for one lesson, as Markdown."""
    paragraphs = guide_notes(stem, guide)
    chosen = [f"**{label}.** {paragraphs[label]}" for label in NOTE_LABELS if label in paragraphs]
    return "\n\n".join(chosen) or None


# --- the slide shape -----------------------------------------------------------------------------

def shape(nb, notes: str | None = None, discussion: str | None = None, *,
          timing: dict | None = None, keys: dict | None = None):
    """The lesson as slides: questions printed whole, code hidden unless tagged, worked
    solutions left out, long slides continued on sub-slides (never an empty one), and speaker
    notes on every slide: `timing` (section -> its row of the class plan) gives each its time,
    `keys` (the plaintext bank, instructors only) the answers of its questions, `notes` goes
    on the title slide and `discussion` on the Discussion slide. Works on a copy."""
    nb = copy.deepcopy(nb)
    cells, carried = [], None
    for cell in nb.cells:
        kind = _slide_type(cell)
        if SOLUTION_TAG in cell.metadata.get("tags", []):
            if kind in ("slide", "subslide"):
                carried = carried or kind
            continue
        if cell.cell_type == "code":
            ids = question_ids_in(cell.source)
            cell.outputs = [] if ids else _visible_outputs(cell.get("outputs", []))
            shown = SHOW_CODE_TAG in cell.metadata.get("tags", []) and not ids
            if not shown:
                cell.metadata["transient"] = {"remove_source": True}
            if not shown and not cell.outputs and not ids:
                if kind in ("slide", "subslide"):
                    carried = carried or kind
                continue
            pieces = _question_cells(cell, ids) if ids else [cell]
        elif cell.cell_type == "markdown":
            if re.match(r"##\s", cell.source) and kind in ("-", "fragment"):
                _set_slide_type(cell, "slide")   # a section always opens a slide, tagged or not
            pieces = _split_markdown(cell)
        else:
            pieces = [cell]
        if carried and _slide_type(pieces[0]) in ("-", "fragment"):
            _set_slide_type(pieces[0], carried)
        carried = None
        cells += pieces

    laid, used, title = [], 0, None
    for cell in cells:
        kind = _slide_type(cell)
        if kind in ("notes", "skip"):
            laid.append(cell)
            continue
        height = _cell_height(cell)
        if kind in ("slide", "subslide"):
            used = 0
        elif used and used + height > BUDGET:
            heading = _heading(cell)
            asks = cell.cell_type == "code" and bool(question_ids_in(cell.source))
            # a cell that needs the whole slide gets it, without the "(continued)" line
            if heading is None and title and not asks and height + 40 <= BUDGET:
                more = nbformat.v4.new_markdown_cell(f"<p class=\"course-continued\">{title} (continued)</p>")
                _set_slide_type(more, "subslide")
                laid.append(more)
                _set_slide_type(cell, "-")
                used = 40
            else:
                _set_slide_type(cell, "subslide")
                used = 0
        title = _heading(cell) or title
        used += height
        laid.append(cell)

    laid = _without_empty_continuations(laid)
    nb.cells = _with_notes(laid, notes, discussion, timing or {}, keys)
    return nb


def _slides(cells: list) -> list[list]:
    """The cells grouped by the slide (or sub-slide) they appear on."""
    groups: list[list] = []
    for cell in cells:
        if not groups or _slide_type(cell) in ("slide", "subslide"):
            groups.append([])
        groups[-1].append(cell)
    return groups


def _shows(cell) -> bool:
    if _slide_type(cell) in ("notes", "skip"):
        return False
    if cell.cell_type == "markdown":
        return _visible_text(cell.source)
    return bool(cell.get("outputs")) or not cell.metadata.get("transient", {}).get("remove_source")


def _without_empty_continuations(cells: list) -> list:
    """No slide that is only a "(continued)" line: its marker goes, and whatever else it held
    (notes) joins the slide before it."""
    out = []
    for group in _slides(cells):
        marker = group[0].cell_type == "markdown" and "course-continued" in group[0].source
        if marker and out and not any(_shows(c) for c in group[1:]):
            out += [c for c in group[1:] if _slide_type(c) == "notes"]
            continue
        out += group
    return out


def _asked(cell) -> list[str]:
    """Question ids printed by a (shaped) cell."""
    found = []
    for out in cell.get("outputs", []):
        found += re.findall(r'data-question="([^"]+)"', out.get("data", {}).get("text/html", ""))
    return found


_NEVER_CUT_HINT = {
    "opening": "Ask the room what it expects the answer to the lesson's opening question to be; come back to it at the end.",
    "what you will learn": "Ask which objective looks hardest; promise to return to it in the recap.",
    "recap": "Ask each pair for the one point they would keep, and one they still doubt.",
}


def _prompt(section: str | None, row: dict | None, asks: bool) -> str:
    if asks:
        return ("Take a show of hands before any feedback, then ask someone from the smaller group "
                "to argue their answer.")
    if row and row.get("prompt"):
        return row["prompt"][0].upper() + row["prompt"][1:]
    name = (section or "").lower()
    for start, text in _NEVER_CUT_HINT.items():
        if name.startswith(start):
            return text
    if section is None or name.startswith("sources"):
        return "Not presented: point to the list, and ask which of these sources is primary."
    return "Ask which claim on this slide you would check first, and in which source."


def _time_note(section: str | None, row: dict | None, total: int) -> str:
    if row is None:
        return "**Time.** Not in the lesson's time table (a reference list): no class time."
    alone = f"{row['reading']} min reading" + (f" + {row['tasks']} min questions and tasks" if row["tasks"] else "")
    if row["cut"]:
        return (f"**Time.** *{section}*: cut in the {lesson_times.CLASS}-minute plan (set as reading); "
                f"alone {alone}.")
    home = f"; {row['homework']} min of tasks as homework" if row["homework"] else ""
    if row["preread"]:
        home += "; its reading set before class: take only the questions"
    return (f"**Time.** *{section}*, section {row['number']} of {total}: minute {row['start']}–{row['end']} "
            f"of {lesson_times.CLASS} ({row['live']} min in class{home}); alone {alone}.")


def _answer_note(qid: str, q: dict) -> str:
    lines = [f"**Answer ({qid}).** {answer_line(q)}"]
    if q.get("explanation"):
        lines.append(f"**Why.** {' '.join(str(q['explanation']).split())}")
    lines += [f"*If a student {does}:* {feedback}" for does, feedback in wrong_answers(q)]
    return "\n\n".join(lines)


def _with_notes(cells: list, title: str | None, discussion: str | None, timing: dict, keys: dict | None) -> list:
    """Every slide gets one notes cell (reveal.js shows the first per slide): the slide's section
    time and a prompt; on a question slide the answer, explanation and wrong answers (with
    keys); the guide's points on the title slide and its prompts on the Discussion slide."""
    groups = _slides(cells)
    sections, section = [], "Opening"    # the "## " section each slide belongs to, as the table names it
    for group in groups:
        for cell in group:
            found = re.match(r"##\s+(.+)", cell.source) if cell.cell_type == "markdown" else None
            section = found.group(1).strip() if found else section
        sections.append(section)
    out, discussed = [], False
    for n, (group, section) in enumerate(zip(groups, sections)):
        row = timing.get(section)
        asked = [qid for cell in group for qid in _asked(cell)]
        parts = [c.source for c in group if _slide_type(c) == "notes"]
        parts.append(_time_note(section, row, len(timing)))
        parts.append(f"**Prompt.** {_prompt(section, row, bool(asked))}")
        if n == 0 and title:
            parts.append(title)
        if discussion and not discussed and re.match(r"discussion\b", section, re.I):
            parts.append(discussion)
            discussed = True
        for qid in asked:
            if keys and qid in keys:
                parts.append(_answer_note(qid, keys[qid]))
        # pacing: the section's minutes in class shared among its slides (30 s for the rest)
        seconds = 60 * row["live"] // sections.count(section) if row and row["live"] else 30
        parts.append(f'<span class="course-timing" data-seconds="{seconds}"></span>')
        note = nbformat.v4.new_markdown_cell("\n\n".join(parts))
        _set_slide_type(note, "notes")
        out += [c for c in group if _slide_type(c) != "notes"] + [note]
    return out


@lru_cache(maxsize=1)
def exporter() -> SlidesExporter:
    """One exporter for every deck of a build: its Jinja templates then compile once, not once
    per lesson (a fifth of a nine-lesson build). It keeps no state between notebooks."""
    return SlidesExporter(template_name="reveal_offline", extra_template_basedirs=[str(TEMPLATES)],
                          embed_images=True, reveal_width=str(WIDTH), reveal_height=str(HEIGHT),
                          exclude_input_prompt=True, exclude_output_prompt=True)


def lesson_timing(notebook: Path) -> dict[str, dict]:
    """Section -> its row of the lesson's 90-minute class plan (numbered), from the time table
    in the notebook; empty for a notebook without one."""
    if lesson_times.stated_table(notebook) is None:
        return {}
    return {row["section"]: {**row, "number": n} for n, row in enumerate(lesson_times.plan(notebook), 1)}


def title_notes(notebook: Path, timing: dict) -> str | None:
    """The title slide's notes: the lesson's times and plan, and the guide's points."""
    parts = []
    if timing:
        rows = list(timing.values())
        cut = lesson_times.cut_order(rows)
        alone = lesson_times.required(rows)   # an optional section is not in the lesson's time
        parts.append(f"**Lesson.** Alone: {sum(r['reading'] for r in alone)} min reading and "
                     f"{sum(r['tasks'] for r in alone)} min questions and tasks (the notebook's time table). "
                     f"In class: {sum(r['live'] for r in rows)} of {lesson_times.CLASS} min live, "
                     f"{sum(r['homework'] for r in rows)} min of tasks as homework"
                     + (f"; short of time, {'read before class' if cut[0][1] == 'read' else 'cut'} first: "
                        f"*{cut[0][0]['section']}*" if cut else "")
                     + (f". Plan: instructors/{lesson_times.PLANS}/{notebook.stem}.md."
                        if (GUIDE.parent / lesson_times.PLANS / f"{notebook.stem}.md").is_file() else "."))
    guide = speaker_notes(notebook.stem)
    if guide:
        parts.append(guide)
    return "\n\n".join(parts) or None


def build(notebook: str | os.PathLike, out_dir: str | os.PathLike, reveal: dict | None,
          keys: dict | None | bool = True) -> Path:
    """Write OUT_DIR/<notebook name>.slides.html and return its path. `keys` is the plaintext
    bank for the answers in the notes: True (default) reads it if this copy has it, None
    leaves answers out."""
    notebook = Path(notebook)
    if keys is True:
        keys = instructor_questions()
    timing = lesson_timing(notebook)
    prompts = guide_notes(notebook.stem).get("Discussion")
    nb = shape(nbformat.read(notebook, as_version=4), title_notes(notebook, timing),
               f"**Discussion (guide).** {prompts}" if prompts else None, timing=timing, keys=keys)
    body, _ = exporter().from_notebook_node(
        nb, resources={"offline_reveal": reveal, "metadata": {"name": notebook.stem, "path": str(notebook.parent)}})
    target = Path(out_dir) / f"{notebook.stem}.slides.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(body, encoding="utf-8")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+")
    parser.add_argument("--out", default="slides")
    parser.add_argument("--reveal", help="a reveal.js folder with dist/ and plugin/")
    args = parser.parse_args(argv)
    folder = find_reveal(args.reveal)
    if folder is None:
        print("slides: no local reveal.js found, writing one-page handouts instead "
              "(see 'Presenting a lesson' in instructors/guide.md)", file=sys.stderr)
    reveal = read_reveal(folder)
    for nb in args.notebooks:
        print(f"slides: {build(nb, args.out, reveal)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
