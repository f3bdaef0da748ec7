"""Text that repeats what the course's files say, checked against those files.

1. The lists of assignments in README.md, instructors/guide.md and solutions/README.md (the
   "a1-a5" ranges, "Five seminar assignments", the guide's two assignment tables) must name the
   assignments that `solutions/a*.ipynb` holds.
2. A day-level date written in lesson prose or a model essay (markdown cells of notebooks/
   and solutions/, and the text of the solutions' code cells) must be a date of the data it
   stands on: in a paragraph that cites a source with dated rows (``[encspb-kronstadt]``,
   ``cite("...")``, a reference link), a date of one of that source's rows; elsewhere, a date
   of some row of datasets/. So a date corrected in a CSV and not in the prose fails here,
   naming the cell. Dates the datasets do not hold are listed in NOT_TABULATED with why.
   Month-only dates ("March 1921") and figures are not checked: a figure the lessons compute
   is in their committed outputs, which nbval compares.
3. An event id that carries a date keeps it after a correction (lessons, questions and hints
   refer to it), so a row whose id no longer agrees with its start_date must say so in its
   note. MAINTAINING.md, "Fixing a date or a figure", gives the whole path.
"""
from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MONTHS = ("January February March April May June July August September October November "
          "December").split()
DATE = re.compile(r"\b(\d{1,2}) (" + "|".join(MONTHS) + r")(?:,? (\d{4}))?\b")
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)+")
# a reference-link definition, `[id]: URL "id: author, title"`: not prose (its title may carry
# the date of a document, which no row need have)
REFERENCE_DEFINITION = re.compile(r"^\[[^\]\n]+\]:\s*\S+.*$", re.M)
ISO_DAY = re.compile(r"\d{4}-\d\d-\d\d")
FIX = ("Fix the prose (then `make execute NB=<that notebook>` if it printed the date), or, if the "
       "prose is right, correct the row; see MAINTAINING.md, \"Fixing a date or a figure\".")

# (notebook, cell id, date as written): dates the prose states that no dataset row holds.
# Each is a fact of its cited source that no lesson computes with; to have it checked, add
# the row (with its source) to the dataset it belongs in and remove the entry here.
NOT_TABULATED = {
    ("00_start_here", "c006a", "25 October"): "the Old Style date of the October revolution, named as such",
    ("03_workers_opposition", "c008", "25 January 1921"): "a date from the cited narrative, not tabulated",
    ("03b_workers_opposition_after_the_ban", "c026", "9 August 1921"): "a date from the cited narrative, not tabulated",
    ("04_nep_and_the_social_contract", "c038", "8 February 1921"): "a date from the cited narrative, not tabulated",
    ("02_phase1_workers_push_back", "c035", "5 May 1961"): "a publication or life date outside the tables",
    ("05_the_new_elite_and_the_lenin_enrollment", "c038", "24 March 1922"): "a date from the cited narrative, not tabulated",
    ("06_historians_debate", "c034b", "5 May 1961"): "a publication or life date outside the tables",
}


# --- 1. the lists of assignments --------------------------------------------------------

def assignments(root: Path = ROOT) -> list[tuple[str, str]]:
    """(id, notebook name) of every solution notebook with course metadata, in id order."""
    found = []
    for path in sorted((root / "solutions").glob("a*.ipynb")):
        course = json.loads(path.read_text(encoding="utf-8")).get("metadata", {}).get("course", {})
        if course.get("assignment"):
            found.append((course["assignment"], path.stem))
    return sorted(found, key=lambda a: int(a[0][1:]))


NUMBER_WORDS = "zero one two three four five six seven eight nine ten eleven twelve".split()
RANGE = re.compile(r"`?\ba(\d+)`?\s*(?:-|–|to)\s*`?a(\d+)\b`?")
COUNT = re.compile(r"\b(" + "|".join(NUMBER_WORDS) + r"|\d+) seminar assignments\b", re.I)


def _table(text: str, heading_row: str) -> list[str]:
    """First cells of the markdown table whose header row starts with ``heading_row``."""
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith(heading_row)), None)
    if start is None:
        return []
    cells = []
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        cells.append(line.split("|")[1].strip().strip("`"))
    return cells


def assignment_list_problems(root: Path = ROOT) -> list[str]:
    listed = assignments(root)
    ids, names = [a for a, _ in listed], [n for _, n in listed]
    span = f"{ids[0]}-{ids[-1]}" if ids else "none"
    consecutive = ids == [f"a{i}" for i in range(1, len(ids) + 1)]
    problems = [] if consecutive else [f"solutions/ holds assignments {', '.join(ids)}: number them a1, a2, ... "
                                       "so that a range like a1-aN in the docs can name them"]
    for rel in ("README.md", "instructors/guide.md", "solutions/README.md"):
        path = root / rel
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        for number, line in enumerate(text.splitlines(), 1):
            for m in RANGE.finditer(line):
                if (f"a{m[1]}", f"a{m[2]}") != (ids[0], ids[-1]):
                    problems.append(f"{rel}:{number}: says {m[0]!r}, but solutions/ holds {span}; update that line")
            for m in COUNT.finditer(line):
                word = m[1].lower()
                count = int(word) if word.isdigit() else NUMBER_WORDS.index(word)
                if count != len(ids):
                    problems.append(f"{rel}:{number}: says {m[0]!r}, but solutions/ holds {len(ids)} ({span}); "
                                    "update that line")
        if rel == "instructors/guide.md":
            for heading, want, what in (("| assignment | goes with |", names, "notebook names"),
                                        ("| assignment | moves it needs |", ids, "ids")):
                rows = _table(text, heading)
                if rows != want:
                    problems.append(f"{rel}: the table headed {heading!r} lists {rows}, but solutions/ holds "
                                    f"{want} ({what}); add or remove its rows")
    return problems


def test_the_docs_list_the_assignments_solutions_holds():
    assert assignments(), "no solution notebook with course metadata in solutions/"
    problems = assignment_list_problems()
    assert not problems, "\n".join(problems)


def test_a_new_assignment_is_reported_where_the_docs_list_them(tmp_path):
    """A copy of the docs with a sixth solution notebook: every place that lists five is named."""
    for rel in ("README.md", "instructors/guide.md", "solutions/README.md"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / rel, tmp_path / rel)
    for path in (ROOT / "solutions").glob("a*.ipynb"):
        shutil.copy(path, tmp_path / "solutions" / path.name)
    last_id, last_name = assignments()[-1]
    nb = json.loads((ROOT / "solutions" / f"{last_name}.ipynb").read_text(encoding="utf-8"))
    new_id = f"a{int(last_id[1:]) + 1}"
    nb["metadata"]["course"]["assignment"] = new_id
    (tmp_path / "solutions" / f"{new_id}_new.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    problems = "\n".join(assignment_list_problems(tmp_path))
    assert re.search(r"README\.md:\d+: says 'a1-a\d+', but solutions/ holds a1-" + new_id, problems), problems
    assert re.search(r"instructors/guide\.md:\d+: says '\w+ seminar assignments'", problems), problems
    assert f"'{new_id}_new'" in problems and f"'{new_id}'" in problems


# --- 2. dates in prose against the rows ---------------------------------------------------

def dated_rows(root: Path = ROOT) -> tuple[dict[str, set], set]:
    """({source id: {(day, month name, year)}}, all such dates) of every day-precise date in
    datasets/*.csv, under the row's source_id, more_source_ids (or congresses' source)."""
    by_source: dict[str, set] = {}
    every: set = set()
    for path in sorted((root / "datasets").glob("*.csv")):
        with path.open(newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                sources = {s.strip() for s in re.split(r"[;,]", ";".join(
                    row.get(c) or "" for c in ("source_id", "more_source_ids", "source"))) if s.strip()}
                for column, value in row.items():
                    if not value or not ISO_DAY.fullmatch(value) or not ("date" in column or "period" in column):
                        continue
                    own = column.replace("_date", "_precision")   # people: birth_precision, death_precision
                    precision = (row.get(own) if own != column and own in row else row.get("date_precision")) or "day"
                    if precision != "day":
                        continue
                    day = (int(value[8:]), MONTHS[int(value[5:7]) - 1], value[:4])
                    every.add(day)
                    for source in sources:
                        by_source.setdefault(source, set()).add(day)
    return by_source, every


def prose(root: Path = ROOT):
    """(notebook, cell id, paragraph) of every markdown paragraph of the lessons and solutions,
    and of the text of the solutions' code cells (model essays are answers written there)."""
    for folder in ("notebooks", "solutions"):
        for path in sorted((root / folder).glob("*.ipynb")):
            for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
                if cell["cell_type"] == "markdown" or (folder == "solutions" and cell["cell_type"] == "code"):
                    text = REFERENCE_DEFINITION.sub("", "".join(cell["source"]))
                    for paragraph in re.split(r"\n\s*\n", text):
                        yield path.stem, cell.get("id", "?"), paragraph


def prose_date_problems(root: Path = ROOT) -> list[str]:
    by_source, every = dated_rows(root)
    problems = []
    for notebook, cell, paragraph in prose(root):
        cited = sorted(s for s in set(SLUG.findall(paragraph)) if s in by_source)
        allowed = set().union(*(by_source[s] for s in cited)) if cited else every
        for m in DATE.finditer(paragraph):
            day, month, year = int(m[1]), m[2], m[3]
            if (notebook, cell, m[0]) in NOT_TABULATED:
                continue
            if any(d == day and mo == month and (year is None or y == year) for d, mo, y in allowed):
                continue
            against = f"the rows of {', '.join(cited)}" if cited else "any row of datasets/"
            problems.append(f"{notebook} cell {cell}: {m[0]!r} is not a date of {against}. {FIX}")
    return problems


def test_dates_in_the_prose_are_dates_of_their_rows():
    problems = prose_date_problems()
    assert not problems, "\n".join(problems)


def test_not_tabulated_dates_are_still_in_the_prose():
    """An entry whose date left the prose is stale: remove it, so the list stays short and true."""
    present = {(nb, cell, m[0]) for nb, cell, paragraph in prose() for m in DATE.finditer(paragraph)}
    assert not set(NOT_TABULATED) - present, sorted(set(NOT_TABULATED) - present)


def _copy(tmp_path: Path) -> Path:
    for folder in ("datasets", "notebooks", "solutions"):
        shutil.copytree(ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("*.png", "question-bank"))
    return tmp_path


def _events(root: Path) -> list[dict]:
    with (root / "datasets" / "events.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _write_events(root: Path, rows: list[dict]) -> None:
    with (root / "datasets" / "events.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _next_day(iso: str) -> str:
    from datetime import date, timedelta
    return (date.fromisoformat(iso) + timedelta(days=1)).isoformat()


def _as_written(iso: str) -> tuple[int, str, str]:
    return int(iso[8:]), MONTHS[int(iso[5:7]) - 1], iso[:4]


def _most_cited_event(root: Path) -> tuple[dict, set]:
    """The events row whose date the most lesson cells state next to a citation of its source
    (whatever today's data say, so this proof survives real corrections), and those cells.
    Only a row whose date, and the day after, no other row of its source holds."""
    held: dict[tuple, int] = {}   # (source, day) -> how many dates of any table's rows
    for path in (root / "datasets").glob("*.csv"):
        with path.open(newline="", encoding="utf-8") as handle:
            for r in csv.DictReader(handle):
                sources = {x.strip() for x in re.split(r"[;,]", ";".join(
                    r.get(c) or "" for c in ("source_id", "more_source_ids", "source"))) if x.strip()}
                for value in r.values():
                    if value and ISO_DAY.fullmatch(value):
                        for source in sources:
                            held[source, value[5:]] = held.get((source, value[5:]), 0) + 1
    best, places = None, set()
    for row in _events(root):
        if row["date_precision"] != "day" or not ISO_DAY.fullmatch(row["start_date"]):
            continue
        day, month, year = _as_written(row["start_date"])
        sources = {row["source_id"], *filter(None, row["more_source_ids"].split(";"))}
        if any(held.get((s, row["start_date"][5:]), 0) != 1 or (s, _next_day(row["start_date"])[5:]) in held
               for s in sources):
            continue   # another row holds the date (year-less prose would still match it), or the next day
        here = {(nb, cell) for nb, cell, paragraph in prose(root) if row["source_id"] in SLUG.findall(paragraph)
                for m in DATE.finditer(paragraph) if (int(m[1]), m[2]) == (day, month) and m[3] in (None, year)}
        if len(here) > len(places):
            best, places = row, here
    return best, places


def test_a_date_corrected_in_the_csv_but_not_in_the_prose_is_reported(tmp_path):
    """In a copy, the event whose date the lessons state most often moves by a day in
    events.csv (today Kronstadt's suppression, stated in three lessons): every cell that
    still states the old date beside its source is named."""
    root = _copy(tmp_path)
    row, places = _most_cited_event(root)
    assert row and len(places) >= 2, "no event date is stated in two lessons: pick another proof"
    old = row["start_date"]
    rows = _events(root)
    for r in rows:
        if r["event_id"] == row["event_id"]:
            r["start_date"] = _next_day(old)
    _write_events(root, rows)
    problems = prose_date_problems(root)
    day, month, _ = _as_written(old)
    for notebook, cell in places:
        assert any(p.startswith(f"{notebook} cell {cell}: '{day} {month}") for p in problems), (notebook, cell, problems)
    assert all("MAINTAINING.md" in p for p in problems)


def test_an_essay_or_an_uncited_date_is_checked_against_every_row(tmp_path):
    """A made-up course: a model essay (a solution's code cell) and an uncited lesson sentence
    state a date; moving the only row with that date reports both."""
    (tmp_path / "datasets").mkdir()
    (tmp_path / "datasets" / "events.csv").write_text(
        "event_id,start_date,end_date,date_precision,source_id,note\nx-meeting,1921-03-01,,day,src-a,\n",
        encoding="utf-8")
    for folder, name, cell in (("notebooks", "01_x", {"cell_type": "markdown", "id": "m1",
                                                      "source": ["The meeting was held on 1 March 1921."]}),
                               ("solutions", "a9_x", {"cell_type": "code", "id": "e1", "outputs": [],
                                                      "source": ['check("a9.essay", "It met on 1 March.")']})):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / f"{name}.ipynb").write_text(json.dumps({"cells": [cell], "metadata": {}}), encoding="utf-8")
    assert prose_date_problems(tmp_path) == []
    _write_events(tmp_path, [{**_events(tmp_path)[0], "start_date": "1921-03-02"}])
    problems = prose_date_problems(tmp_path)
    assert [p.split(":")[0] for p in problems] == ["01_x cell m1", "a9_x cell e1"], problems


# --- 3. ids that carry a date ------------------------------------------------------------

def dated_id_problems(root: Path = ROOT) -> list[str]:
    problems = []
    with (root / "datasets" / "events.csv").open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            m = re.search(r"(\d{4}-\d\d(?:-\d\d)?)$", row["event_id"])
            if m and not row["start_date"].startswith(m[1]) and m[1] not in (row.get("note") or ""):
                problems.append(f"events.csv {row['event_id']}: the id says {m[1]}, start_date is {row['start_date']}. "
                                "Keep the id (lessons, questions and hints use it) and say in the row's note that it "
                                f"keeps the earlier date {m[1]}; log a published source's error in source_errors.csv "
                                "(MAINTAINING.md, \"Fixing a date or a figure\").")
    return problems


def test_an_id_that_carries_a_date_agrees_with_its_row_or_says_why():
    problems = dated_id_problems()
    assert not problems, "\n".join(problems)


def test_a_corrected_date_under_an_old_id_must_be_explained(tmp_path):
    root = _copy(tmp_path)
    rows = _events(root)
    row = next(r for r in rows if r["event_id"].endswith(r["start_date"]) and ISO_DAY.fullmatch(r["start_date"]))
    old = row["start_date"]
    row["start_date"] = _next_day(old)
    _write_events(root, rows)
    assert any(f"{row['event_id']}: the id says {old}" in p for p in dated_id_problems(root))
    row["note"] = (row["note"] + " " if row["note"] else "") + f"The id keeps the date first given, {old}."
    _write_events(root, rows)
    assert dated_id_problems(root) == []
