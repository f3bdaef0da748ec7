"""The data dictionary, datasets/README.md, generated from datapackage.json.

Why: the schema in datapackage.json is the one place where a table's columns, types and
meanings are written down; a hand-kept README would drift from it. `course data-docs`
rewrites the README from the schema, and `course data-docs --check` (run by the tests)
fails when someone edited one without the other. The output depends only on the package
and the CSV files, so it is identical on every run.
"""
from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

from helpers.data import datasets_dir

__all__ = ["DataDocsDrift", "render", "write_data_docs", "main"]

README = "README.md"

CONVENTIONS = """\
## Conventions

- **Sources.** Every fact row has a `source_id`: one id from `sources.csv`, which gives the
  full citation and the public URL where one exists. `more_source_ids` lists further sources
  for the same value, separated by `;`. Cite the original work, not this package, when you
  quote a fact.
- **Confidence.** `firm`: two independent sources agree, or an authoritative record (a
  resolution text, an editorial note of the *Collected Works*); `single`: one source only;
  `disputed`: the sources disagree; `estimate`: an approximation.
- **Disputed facts stay in.** Where sources give different values for one fact, each value
  has its own row with its own source, and the rows share a `claim_id`. Tables keyed by one
  row per thing (people, for instance) give the competing values in the `note`.
- **Errors are not values.** Mistakes found in published sources are listed in
  `source_errors`, with the correct value and the source that shows it; the wrong values do
  not appear elsewhere.
- **Correcting a row.** Fix the value in place and keep the row's id: lessons, questions and
  hints refer to rows by id, and some ids carry a date (`kronstadt-suppressed-1921-03-18`).
  When the corrected date no longer matches such an id, the row's `note` says that the id
  keeps the earlier date (a test checks it). If the wrong value came from a published source,
  add a `source_errors` row (the erring source, its claim, the correct value and the source
  that shows it); a slip of the course's own needs no row there. MAINTAINING.md walks
  through the whole change, including the lessons that state the date.
- **Dates** are ISO 8601. Partial dates keep their precision (`1921`, `1921-03`,
  `1921-03-08`) and a precision column (`day`, `month`, `year`) says which. Dates fall in
  1917-1940 unless the note says why; life dates and publication years are the documented
  exceptions.
- **Calendar.** Russia used the Julian calendar (Old Style) until February 1918. Dates here
  are New Style (Gregorian) unless a `calendar` column or the note says otherwise; for 1917
  the note gives the Old Style date too.
- **Names** are in Library of Congress transliteration without diacritics (Shliapnikov,
  Zinov'ev, Kollontai), surname first in `people`; other spellings are in `aliases`,
  separated by `;`, so either spelling can be searched.
- **Numbers** are plain numbers; the unit is in the column name or its description below.
- **Notes and summaries** are written in our own words. Quotations (table `quotations`)
  are the only copied text: short, exact, attributed, from texts free to reuse.
"""


class DataDocsDrift(Exception):
    """datasets/README.md differs from what datapackage.json generates."""

    def __init__(self, path: Path):
        super().__init__(f"{path} is out of date with datapackage.json: "
                         "run `course data-docs` and commit the result.")
        self.path = path


def _cell(text) -> str:
    """Text safe inside a Markdown table cell."""
    return " ".join(str(text).split()).replace("|", "\\|")


def _constraints(field: dict) -> str:
    rules = field.get("constraints", {})
    parts = []
    if rules.get("required"):
        parts.append("required")
    if rules.get("unique"):
        parts.append("unique")
    if "enum" in rules:
        parts.append("one of: " + ", ".join(f"`{v}`" for v in rules["enum"]))
    if "minimum" in rules:
        parts.append(f"min {rules['minimum']}")
    if "maximum" in rules:
        parts.append(f"max {rules['maximum']}")
    if "pattern" in rules:
        parts.append(f"pattern `{rules['pattern']}`")
    return "; ".join(parts)


def _row_count(path: Path) -> int:
    with path.open(newline="", encoding="utf-8") as handle:
        return sum(1 for row in csv.reader(handle) if row) - 1


def _keys(schema: dict) -> list[str]:
    lines = []
    key = schema.get("primaryKey")
    if key:
        key = [key] if isinstance(key, str) else key
        lines.append("Primary key: " + ", ".join(f"`{k}`" for k in key) + ".")
    for fk in schema.get("foreignKeys", []):
        ref = fk["reference"]
        lines.append(f"`{fk['fields']}` refers to `{ref['resource']}.{ref['fields']}`.")
    return lines


def render(folder: Path | None = None) -> str:
    """The README text for the package in ``folder`` (the course's datasets by default)."""
    folder = Path(folder) if folder else datasets_dir()
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    resources = package["resources"]
    counts = {r["name"]: _row_count(folder / r["path"]) for r in resources}
    licences = package.get("licenses", [])
    licence = ", ".join(f"{l.get('title', l['name'])} ({l['name']})" for l in licences) or "see datapackage.json"

    out = [
        "<!-- Generated from datapackage.json by `course data-docs`. Do not edit by hand: "
        "change datapackage.json or the CSV files and run `course data-docs`. -->",
        "",
        f"# {package.get('title', package['name'])}",
        "",
        package.get("description", ""),
        "",
        "## Licence and citation",
        "",
        f"The tables are released under {licence}. The historical facts themselves are public;",
        "the selection, notes and summaries are the course's own work. The short quotations in",
        "`quotations.csv` come from public-domain or free-to-reuse texts and are attributed there.",
        "",
        "To cite the package: *" + package.get("title", package["name"]) + "*, data package "
        f"`{package['name']}` (datasets/datapackage.json), {licence.split(' (')[0]}. When you use a fact, "
        "cite its source too: the `source_id` of the row leads to the full reference in `sources.csv`.",
        "",
        CONVENTIONS,
        "## Tables",
        "",
        "| table | file | rows | title |",
        "| --- | --- | ---: | --- |",
    ]
    for r in resources:
        out.append(f"| [`{r['name']}`](#{r['name'].replace('_', '-')}) | `{r['path']}` | "
                   f"{counts[r['name']]} | {_cell(r.get('title', ''))} |")
    out.append("")

    for r in resources:
        out += [f"### {r['name']}", "", f"**{r.get('title', r['name'])}** (`{r['path']}`, "
                f"{counts[r['name']]} rows)", "", r.get("description", ""), ""]
        out += _keys(r["schema"])
        named = [s.get("title", "") + (f" <{s['path']}>" if s.get("path") else "") for s in r.get("sources", [])]
        if named:
            out += ["", "Sources: " + "; ".join(named) + "."]
        out += ["", "| field | type | constraints | description |", "| --- | --- | --- | --- |"]
        for field in r["schema"]["fields"]:
            out.append(f"| `{field['name']}` | {field['type']} | {_cell(_constraints(field))} | "
                       f"{_cell(field.get('description', ''))} |")
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def write_data_docs(check: bool = False, folder: Path | None = None) -> Path:
    """Write datasets/README.md; with ``check`` raise DataDocsDrift instead if it is stale."""
    folder = Path(folder) if folder else datasets_dir()
    path = folder / README
    text = render(folder)
    if check:
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current != text:
            raise DataDocsDrift(path)
        return path
    path.write_text(text, encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    """`course data-docs [--check]`: 0 when written or up to date, 1 on drift."""
    parser = argparse.ArgumentParser(prog="course data-docs",
                                     description="Regenerate datasets/README.md from datapackage.json.")
    parser.add_argument("--check", action="store_true",
                        help="do not write; fail (exit 1) if the README is out of date")
    args = parser.parse_args(argv)
    try:
        path = write_data_docs(check=args.check)
    except DataDocsDrift as drift:
        print(drift, file=sys.stderr)
        return 1
    print(f"{path} is up to date." if args.check else f"Wrote {path}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
