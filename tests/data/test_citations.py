"""Citations and quotations in the lessons are machine-checkable against the data package.

A lesson cites a source as a reference link that reads as author and year,
`[Schapiro 1955][schapiro-origin-ch17]`, whose definition at the end of the same cell points at
the source's address; a bare id in brackets, `[schapiro-origin-ch17]`, is refused, and so is a
label that is only the id. The id must be a row of sources.csv, so `cite(id)` works for every
citation a student sees. A
quotation marked `(quotation `id`)` must be the quotations table's text word for word, and no
longer than 60 words.
"""
from __future__ import annotations

import csv
import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
LESSONS = sorted((ROOT / "notebooks").glob("*.ipynb"))
AUTHOR_YEAR = {p.stem for p in LESSONS}  # every lesson cites as author and year
SOURCES = {r["id"]: r for r in csv.DictReader((ROOT / "datasets" / "sources.csv").open(encoding="utf-8"))}
QUOTES = {r["quotation_id"]: r for r in csv.DictReader((ROOT / "datasets" / "quotations.csv").open(encoding="utf-8"))}

CODE = re.compile(r"```.*?```|`[^`\n]*`", re.S)
DEFINITION = re.compile(r"^\[([^\]]+)\]:\s*(\S+)", re.M)
# A label may wrap onto the next line of the cell (Markdown still reads it as one link).
REFERENCE = re.compile(r"\[[^\]\n]+(?:\n[^\]\n]+)?\]\[([^\]\n]+)\]")
LABELLED = re.compile(r"\[([^\]\n]+(?:\n[^\]\n]+)?)\]\[([^\]\n]+)\]")
# Link definitions are removed before this is applied, so an id followed by a colon in the
# running text ("... study [anon-review-pirani]:") is a bare citation too.
BARE = re.compile(r"(?<![\]\w])\[([a-z0-9][a-z0-9-]*(?:;\s*[a-z0-9][a-z0-9-]*)*)\](?![(\[])")
QUOTE_MARK = re.compile(r"quotation\s+`([a-z0-9-]+)`")


def _markdown(path):
    return [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "markdown"]


def _words(text: str) -> str:
    return " ".join(re.sub(r"^\s*>\s?", "", text, flags=re.M).split())


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_every_cited_id_is_a_source(path):
    for cell in _markdown(path):
        prose = DEFINITION.sub("", CODE.sub("", cell.source))
        definitions = dict(DEFINITION.findall(cell.source))
        for sid in REFERENCE.findall(prose):
            assert sid in SOURCES, f"{path.name}, cell {cell.id}: [{sid}] is not in sources.csv"
            assert sid in definitions, f"{path.name}, cell {cell.id}: no definition for [{sid}]"
            wanted = SOURCES[sid]["url"] or "#sources-and-further-reading"
            assert definitions[sid] == wanted, f"{path.name}, cell {cell.id}: [{sid}] points elsewhere"
        bare = [i.strip() for m in BARE.findall(REFERENCE.sub("", prose)) for i in m.split(";")]
        unknown = [i for i in bare if i not in SOURCES]
        assert not unknown, f"{path.name}, cell {cell.id}: ids not in sources.csv: {unknown}"
        if path.stem in AUTHOR_YEAR:
            assert not bare, (f"{path.name}, cell {cell.id}: cite as author and year, "
                              f"[Label][id], not as a bare id: {bare}")
            as_ids = [sid for label, sid in LABELLED.findall(prose) if label.strip() == sid or label.strip() in SOURCES]
            assert not as_ids, f"{path.name}, cell {cell.id}: a citation's label is its id, not author and year: {as_ids}"


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_marked_quotations_are_the_tables_text_and_short(path):
    for cell in _markdown(path):
        text = _words(cell.source)
        for qid in QUOTE_MARK.findall(cell.source):
            assert qid in QUOTES, f"{path.name}, cell {cell.id}: no quotation {qid!r} in quotations.csv"
            quote = _words(QUOTES[qid]["text"])
            assert len(quote.split()) <= 60, f"{qid}: a quotation of more than 60 words"
            assert quote in text, f"{path.name}, cell {cell.id}: {qid} is not quoted word for word"


def test_author_year_labels_do_not_hide_the_id():
    """The definition's title starts with the id, so hovering over a citation shows it."""
    for path in LESSONS:
        if path.stem not in AUTHOR_YEAR:
            continue
        for cell in _markdown(path):
            for sid, title in re.findall(r'^\[([^\]]+)\]:\s*\S+\s+"([^"]*)"', cell.source, flags=re.M):
                assert title.startswith(f"{sid}: "), f"{path.name}, cell {cell.id}: [{sid}] title {title!r}"
