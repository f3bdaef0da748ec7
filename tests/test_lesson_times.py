"""Every lesson shows its key terms and a time estimate per section that matches its text.

The estimate comes from scripts/lesson_times.py (words read at about 150 a minute, a minute per
table or figure, minutes per question or task). The table in each lesson is regenerated with
``python scripts/lesson_times.py --write notebooks/*.ipynb``; this test fails when a lesson's
text or questions changed and the table was not.
"""
import importlib.util
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]*_*.ipynb"))

_spec = importlib.util.spec_from_file_location("lesson_times", ROOT / "scripts" / "lesson_times.py")
lesson_times = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(lesson_times)


def _markdown(path):
    return ["".join(c["source"]) if isinstance(c["source"], list) else c["source"]
            for c in json.loads(path.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "markdown"]


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_lesson_has_key_terms_and_a_current_time_table(path):
    assert any("**Key terms**" in text for text in _markdown(path)), f"{path.name}: no Key terms box"
    stated = lesson_times.stated_table(path)
    assert stated is not None, f"{path.name}: no '{lesson_times.MARKER}' table"
    assert stated == lesson_times.table(lesson_times.sections(path)), (
        f"{path.name}: the time table is out of date; run "
        f"`python scripts/lesson_times.py --write notebooks/{path.name}`")


def _nb(tmp_path, cells):
    path = tmp_path / "01_x.ipynb"
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    return path


_ids = iter(range(10**6))


def _md(text):
    return {"cell_type": "markdown", "id": f"m{next(_ids)}", "metadata": {}, "source": text}


def _code(text, outputs=(), tags=()):
    return {"cell_type": "code", "id": f"k{next(_ids)}", "metadata": {"tags": list(tags)}, "source": text, "outputs": list(outputs),
            "execution_count": None}


def test_words_tables_questions_and_tasks_are_counted_per_section(tmp_path):
    table_output = {"output_type": "execute_result", "data": {"text/plain": "   a\n0  1"}, "metadata": {}}
    question_output = {"output_type": "display_data", "data": {"text/plain": "Question q.n (interactive)"}, "metadata": {}}
    bank = {"q.n": {"type": "numeric"}, "q.r": {"type": "reflection", "min_words": 120}, "q.s": {"type": "single"}}
    path = _nb(tmp_path, [
        _md("# Title\n\n" + "word " * 148),
        _md("## 1. First\n\n" + "word " * 297),
        _code("t = load('x')\nt", [table_output]),
        _code('ask("q.n")', [question_output]),
        _code('ask("q.n")\nask("q.s")'),                       # a repeated question counts once
        _md("## 2. Second"),
        _code('x = ...\ncheck("q.n", x)', tags=["your-turn"]),   # the task's minutes include its check
        _code('ask("q.r")'),
        _md("## Sources and further reading\n\n" + "word " * 500),
    ])
    rows = lesson_times.sections(path, bank)
    assert [r["section"] for r in rows] == ["Opening", "1. First", "2. Second"]
    assert [r["reading"] for r in rows] == [1, 3, 1]     # 150 words; 300 words + one table; a heading
    assert [r["tasks"] for r in rows] == [0, 6, 17]      # numeric 4 + single 2; your-turn 5 + reflection 12
    text = lesson_times.table(rows)
    assert text.splitlines()[-1] == "| **in all** | **5 min** | **23 min** |"
    assert "| Opening | 1 min | - |" in text


def test_link_definitions_are_not_read_and_the_optional_section_is_outside_the_total(tmp_path):
    definitions = "\n".join(f'[id-{i}]: https://example.org/{i} "id-{i}: An Author, A Long Title of a Work"'
                             for i in range(30))
    path = _nb(tmp_path, [
        _md("## 1. First\n\n" + "word " * 150 + "[Author 1921][id-0].\n\n" + definitions),
        _md("## Sources first\n\n" + "word " * 150),          # a real section, not the reference list
        _md("## Going further (optional)\n\n" + "word " * 300),
        _md("## Sources and further reading\n\n" + "word " * 500),
    ])
    rows = lesson_times.sections(path, {})
    assert [(r["section"], r["reading"]) for r in rows] == [
        ("1. First", 1), ("Sources first", 1), ("Going further (optional)", 2)]
    last = lesson_times.table(rows).splitlines()[-1]
    assert last == "| **in all, without the optional section** | **2 min** | **0 min** |"


def test_prose_is_what_a_reader_sees_of_the_lesson(tmp_path):
    path = _nb(tmp_path, [
        _md("# Title\n\nOne two three [Pirani\n2008][pirani-2008] four [pirani-2008] `code here`.\n\n"
            "| a | table |\n|---|---|\n| not | prose |\n\n```python\nx = 1\n```\n\n"
            '[pirani-2008]: https://example.org "pirani-2008: Simon Pirani, a title"'),
        _md("<details>\nA worked solution\n</details>", ) | {"metadata": {"tags": ["your-turn-solution"]}},
        _md("## Sources first\n\nfive six"),
        _md("## Going further (optional)\n\nnot counted here"),
        _md("more optional words, in a cell without a heading"),
        _md("## Recap\n\nseven"),
        _md("## Sources and further reading\n\nnot counted"),
        _md("**Secondary works**: not counted either"),
    ])
    # Title, One, two, three, Pirani, 2008, four; Sources first five six; Recap seven
    assert lesson_times.prose_words(path) == 13


@pytest.mark.parametrize("path", [p for p in LESSONS if p.name[:2] in {"01", "02", "03", "04", "05", "06"}],
                         ids=lambda p: p.stem)
def test_a_lesson_can_be_read_in_an_evening(path):
    words = lesson_times.prose_words(path)
    assert words <= lesson_times.PROSE_LIMIT, (
        f"{path.name}: {words} words of prose, more than {lesson_times.PROSE_LIMIT}. Tighten it, or move "
        "depth that no question needs into its '## Going further (optional)' section (after the Recap)")


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_no_question_depends_on_an_optional_section(path):
    """A student may skip "Going further (optional)": nothing in it is asked or checked, and it
    comes after the Recap, so the lesson's path ends before it."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    headings, optional = [], False
    for cell in cells:
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        for line in source.splitlines():
            found = re.match(r"##\s+(.+)", line) if cell["cell_type"] == "markdown" else None
            if found:
                headings.append(found.group(1).strip())
                optional = bool(re.search(r"optional|going further", found.group(1), re.I))
        if optional and cell["cell_type"] == "code":
            asked = lesson_times.question_ids_in(source)
            assert not asked, f"{path.name}: {asked} asked in an optional section"
    for i, heading in enumerate(headings):
        if re.search(r"going further", heading, re.I):
            assert "optional" in heading.lower(), f"{path.name}: call it '## Going further (optional)'"
            assert any(h.startswith("Recap") for h in headings[:i]), f"{path.name}: '{heading}' comes before the Recap"


def test_write_fills_and_then_keeps_the_table(tmp_path):
    path = _nb(tmp_path, [_md("## What you will learn\n\n" + lesson_times.MARKER + " (estimate):\n\n| old |\n|---|"),
                          _md("## 1. Body\n\n" + "word " * 450)])
    bank = {}
    original = lesson_times._bank
    lesson_times._bank = lambda root: bank
    try:
        assert lesson_times.write(path)
        first = path.read_text()
        assert "| 1. Body | 3 min | - |" in first and "| old |" not in first
        assert lesson_times.write(path) and path.read_text() == first     # stable
        assert not lesson_times.write(_nb(tmp_path, [_md("## Nothing here")]))
    finally:
        lesson_times._bank = original


# --- one source of lesson times: the guide and the class plans follow the tables ---------------

def test_the_guide_and_the_class_plans_follow_the_notebooks_time_tables():
    """Drift test: instructors/guide.md's "Time." paragraphs and instructors/class-plans/*.md are
    what the notebooks' time tables generate (skipped in a student copy, which has neither)."""
    if not (ROOT / "instructors" / "guide.md").is_file():
        pytest.skip("no instructors/ (a student copy)")
    stale = lesson_times.stale_instructor_files(ROOT)
    assert not stale, (
        f"{', '.join(str(p.relative_to(ROOT)) for p in stale)} disagree(s) with the notebooks' time tables; "
        "run `python scripts/lesson_times.py --plans` and commit the result")
    guide = (ROOT / "instructors" / "guide.md").read_text(encoding="utf-8")
    for path in LESSONS:
        rows = lesson_times.required(lesson_times.stated_rows(path))   # the optional section is extra
        reading, tasks = sum(r["reading"] for r in rows), sum(r["tasks"] for r in rows)
        assert f"Alone: {reading} minutes reading and {tasks} for questions" in guide, path.name
        assert f"class-plans/{path.stem}.md" in guide, path.name
    assert lesson_times.RULE in guide, "the guide does not state the class plans' rule"
    # no hand-typed time is left beside the generated ones
    import re
    assert not re.search(r"(?i)\b\d+ slides\b|about \d+ minutes (reading|alone)", guide)


def _lesson(tmp_path, sections):
    """A lesson with a time table: sections as (heading, words, [question ids], your-turn cells)."""
    cells = [_md("# Title"), _md("## What you will learn\n\n" + lesson_times.MARKER + "\n\n| x |\n|---|")]
    for heading, words, asks, tasks in sections:
        cells.append(_md(f"## {heading}\n\n" + "word " * words))
        cells += [_code(f'ask("{q}")') for q in asks]
        cells += [_code(f'x = ...\ncheck("yt.{heading[:3]}{i}", x)', tags=["your-turn"]) for i in range(tasks)]
    cells.append(_md("## Discussion\n\n1. Was the congress vote of the Moscow metalworkers free?\n"
                      "2. Second prompt about nothing in particular."))
    cells.append(_md("## Recap\n\nword"))
    return _nb(tmp_path, cells)


def test_a_class_plan_keeps_ninety_minutes_and_cuts_by_the_stated_rule(tmp_path, monkeypatch):
    bank = {"q.a": {"type": "single", "prompt": "Which congress vote of the Moscow metalworkers?"}, "q.b": {"type": "numeric"},
            "q.r": {"type": "reflection", "min_words": 150}}
    monkeypatch.setattr(lesson_times, "_bank", lambda root: bank)
    path = _lesson(tmp_path, [("Long reading", 9000, [], 0), ("Votes", 300, ["q.a", "q.b"], 2),
                              ("Going further (optional)", 600, [], 0), ("Short reading", 1500, [], 0),
                              ("Essay", 150, ["q.r"], 0)])
    assert lesson_times.write(path)
    rows = {r["section"]: r for r in lesson_times.plan(path, bank)}
    votes = rows["Votes"]
    assert (votes["reading"], votes["tasks"], votes["homework"]) == (2, 16, 10)   # 6 min of polls, 2 tasks home
    assert votes["live"] == 2 + 2 * 6                                             # discussion doubles the polls
    assert rows["Essay"]["homework"] == 15                                         # long writing goes home
    assert votes["prompt"].startswith("Was the congress vote")                      # placed by shared words
    # 60 + 14 + 4 + 10 + ... is over 90: the optional section goes first, then the longest reading
    assert rows["Going further (optional)"]["cut"] and rows["Long reading"]["cut"]
    assert not rows["Short reading"]["cut"] and not rows["Votes"]["cut"]
    ordered = lesson_times.plan(path, bank)
    assert ordered[-1]["end"] <= lesson_times.CLASS and rows["Discussion"]["live"] >= lesson_times.DISCUSSION
    assert all(a["end"] == b["start"] for a, b in zip(ordered, ordered[1:]))       # a running clock
    text = lesson_times.plan_markdown(path, bank)
    assert text.startswith("<!-- generated by `python scripts/lesson_times.py --plans`")
    assert "1. cut: Short reading: saves 10 min" in text and "3. read before class: Votes: saves 2 min" in text
    assert "**Shorter classes:** 75 minutes: as planned; 60 minutes: as planned." in text   # 48 min live


def test_when_cutting_reading_is_not_enough_the_reading_of_question_sections_goes_before_class(tmp_path, monkeypatch):
    bank = {f"q.{i}": {"type": "numeric"} for i in range(6)}
    monkeypatch.setattr(lesson_times, "_bank", lambda root: bank)
    path = _lesson(tmp_path, [("Asked", 3000, ["q.0", "q.1", "q.2"], 0),
                              ("Also asked", 1500, ["q.3", "q.4", "q.5"], 0), ("Plain", 300, [], 0)])
    assert lesson_times.write(path)
    rows = {r["section"]: r for r in lesson_times.plan(path, bank)}
    # 20 + 24 and 10 + 24 min live, 2 for "Plain", 13 for the rest: 93. Cutting "Plain" is not
    # enough, so the longest reading of a section with questions goes before class; no more.
    assert rows["Plain"]["cut"] and rows["Asked"]["preread"] and not rows["Asked"]["cut"]
    assert rows["Asked"]["live"] == 24 and not rows["Also asked"]["preread"] and not rows["Also asked"]["cut"]
    # 81 min live with a 20-minute Discussion: 75 fits once the Discussion is 10; 60 needs two
    # steps more (reading "Also asked" before class saves 10, not enough; cutting it saves 24)
    assert ("**Shorter classes:** 75 minutes: a 10-minute Discussion; 60 minutes: a 10-minute "
            "Discussion and steps 1–2.") in lesson_times.plan_markdown(path, bank)


def test_the_guide_paragraph_replaces_the_hand_typed_one_and_then_itself(tmp_path, monkeypatch):
    monkeypatch.setattr(lesson_times, "_bank", lambda root: {})
    path = _lesson(tmp_path, [("Body", 450, [], 0)])
    assert lesson_times.write(path)
    guide = (f"## The lessons\n\n### 01 · X (`{path.name}`)\n\n**Time.** About 33 minutes reading;\n"
             "75 minutes in class.\nAssignment kept? no.\n\n**Objectives.** Kept.\n\n### 02 · Y\n\n**Time.** Other.\n")
    once = lesson_times.guide_with_times(guide, [path], {})
    assert "About 33" not in once and "**Objectives.** Kept." in once and "**Time.** Other." in once
    assert "Alone: 1 minutes reading" not in once and "Alone: " in once
    assert lesson_times.guide_with_times(once, [path], {}) == once
