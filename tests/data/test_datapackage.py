"""Checks that hold for every table in the data package.

Why: lessons and exercises trust these tables without re-reading the sources behind them.
The Frictionless validator proves each CSV matches its schema; the tests below guard the
course's own conventions that a schema cannot express: every source id resolves, every fact
row carries a source and a confidence, dates stay in the course period unless a note says
why, disputed claims really have competing rows, and quotations stay short and exact.
They run over all resources, so a newly added table is checked without touching this file.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from frictionless import validate

from helpers.data import datasets_dir, load, tables

DATASETS = datasets_dir()
PACKAGE = json.loads((DATASETS / "datapackage.json").read_text(encoding="utf-8"))
RESOURCES = {r["name"]: r for r in PACKAGE["resources"]}
NAMES = list(RESOURCES)
CONFIDENCE = {"firm", "single", "disputed", "estimate"}
PARTIAL_DATE = r"^\d{4}(-\d{2}(-\d{2})?)?$"
FIRST_YEAR, LAST_YEAR = 1917, 1940

# Columns whose values may lie outside 1917-1940 by their nature (documented here, and in
# the field descriptions): life dates of people, and the publication years of sources and
# of historians' works. Any other date outside the period needs a note that says why.
OUT_OF_PERIOD_COLUMNS = {
    ("people", "birth_date"),
    ("people", "death_date"),
    ("sources", "year"),
    ("historiography", "year"),
}
# A note justifies an out-of-period date if it names the year or says so in words.
JUSTIFIED = re.compile(r"(before|after|outside) the course period", re.IGNORECASE)


def fields(name: str) -> list[dict]:
    return RESOURCES[name]["schema"]["fields"]


def column_names(name: str) -> list[str]:
    return [f["name"] for f in fields(name)]


def date_columns(name: str) -> list[str]:
    """Columns holding dates or years: by type, by partial-date pattern, or by name."""
    found = []
    for f in fields(name):
        pattern = f.get("constraints", {}).get("pattern")
        named = re.search(r"(^|_)(date|year|month)$|^(period|joined)_(start|end|from|to)$", f["name"])
        if f["type"] in ("date", "year") or pattern == PARTIAL_DATE or named:
            found.append(f["name"])
    return found


def source_ids() -> set[str]:
    return set(load("sources")["id"])


# --- the package as a whole -----------------------------------------------------------

def test_frictionless_validation_passes():
    report = validate(str(DATASETS / "datapackage.json"))
    problems = [f"{task.name}: {error.message}" for task in report.tasks for error in task.errors]
    assert report.valid, "\n".join(problems[:20])


def test_loader_sees_every_resource():
    assert tables() == NAMES


def test_every_csv_is_described_and_every_resource_file_exists():
    described = {r["path"] for r in RESOURCES.values()}
    on_disk = {p.name for p in DATASETS.glob("*.csv")}
    assert on_disk - described == set(), "CSV files not in datapackage.json"
    assert described - on_disk == set(), "resources whose file is missing"


@pytest.mark.parametrize("name", NAMES)
def test_every_field_is_described(name):
    undescribed = [f["name"] for f in fields(name) if not f.get("description", "").strip()]
    assert not undescribed, f"{name}: fields without a description: {undescribed}"
    assert RESOURCES[name].get("title") and RESOURCES[name].get("description")


@pytest.mark.parametrize("name", NAMES)
def test_no_duplicate_primary_keys(name):
    key = RESOURCES[name]["schema"].get("primaryKey")
    assert key, f"{name} declares no primaryKey"
    key = [key] if isinstance(key, str) else key
    table = load(name)
    duplicated = table[table.duplicated(subset=key, keep=False)]
    assert duplicated.empty, f"{name}: duplicate keys {duplicated[key].values.tolist()}"


# --- sources and confidence -------------------------------------------------------------

@pytest.mark.parametrize("name", [n for n in NAMES if "source_id" in column_names(n)])
def test_every_fact_row_has_a_resolving_source_and_a_confidence(name):
    known = source_ids()
    table = load(name)
    assert "confidence" in table.columns, f"{name} has source_id but no confidence column"
    assert table["source_id"].notna().all(), f"{name}: rows without source_id"
    unknown = sorted(set(table["source_id"]) - known)
    assert not unknown, f"{name}: source_id not in sources: {unknown}"
    assert table["confidence"].isin(CONFIDENCE).all(), f"{name}: confidence outside {CONFIDENCE}"


@pytest.mark.parametrize("name", [n for n in NAMES if "more_source_ids" in column_names(n)])
def test_every_further_source_resolves(name):
    known = source_ids()
    listed = load(name)["more_source_ids"].dropna()
    unknown = sorted({i for cell in listed for i in cell.split(";")} - known)
    assert not unknown, f"{name}: more_source_ids not in sources: {unknown}"


@pytest.mark.parametrize("name", [n for n in NAMES if "confidence" in column_names(n)])
def test_confidence_is_in_the_enum(name):
    assert load(name)["confidence"].isin(CONFIDENCE).all()


def test_source_error_rows_cite_known_sources():
    known = source_ids()
    errors = load("source_errors")
    for column in ("erring_source_id", "correcting_source_id"):
        assert set(errors[column]) <= known, column


def test_source_ids_are_unique_slugs_and_urls_are_not_repeated():
    sources = load("sources")
    assert sources["id"].str.fullmatch(r"[a-z0-9-]+").all()
    urls = sources["url"].dropna()
    assert not urls.duplicated().any(), urls[urls.duplicated()].tolist()


# --- dates ------------------------------------------------------------------------------

@pytest.mark.parametrize("name", [n for n in NAMES if date_columns(n)])
def test_dates_fall_in_the_course_period_unless_justified(name):
    table = load(name)
    has_note = "note" in table.columns
    for column in date_columns(name):
        if (name, column) in OUT_OF_PERIOD_COLUMNS:
            continue
        values = table[column].dropna()
        years = values.astype(str).str[:4].astype(int)
        for index in years.index[(years < FIRST_YEAR) | (years > LAST_YEAR)]:
            note = table.at[index, "note"] if has_note else None
            year = str(years[index])
            assert isinstance(note, str) and (year in note or JUSTIFIED.search(note)), (
                f"{name}, row {index}, {column}={values[index]}: outside {FIRST_YEAR}-{LAST_YEAR} "
                "and the note does not say why")


@pytest.mark.parametrize("name", [n for n in NAMES if {"start_date", "end_date"} <= set(column_names(n))])
def test_end_dates_do_not_precede_start_dates(name):
    table = load(name).dropna(subset=["start_date", "end_date"])
    for start, end in zip(table["start_date"].astype(str), table["end_date"].astype(str)):
        assert end[:len(start)] >= start[:len(end)], (start, end)


@pytest.mark.parametrize("name", [n for n in NAMES if "date_precision" in column_names(n)])
def test_date_precision_matches_the_date(name):
    table = load(name)
    length = {"year": 4, "month": 7, "day": 10}
    partial = {f["name"] for f in fields(name) if f.get("constraints", {}).get("pattern") == PARTIAL_DATE}
    column = next((c for c in ("start_date", "date", "period_start") if c in partial), None)
    if column is None:
        pytest.skip(f"{name}: no partial-date column to compare")
    rows = table.dropna(subset=[column, "date_precision"])
    for value, precision in zip(rows[column], rows["date_precision"]):
        assert len(value) == length[precision], (name, value, precision)


# --- disputed claims --------------------------------------------------------------------

@pytest.mark.parametrize("name", [n for n in NAMES if "claim_id" in column_names(n)])
def test_disputed_claims_have_competing_rows(name):
    table = load(name)
    key = RESOURCES[name]["schema"]["primaryKey"]
    key = [key] if isinstance(key, str) else key
    ignore = set(key) | {"note", "claim_id", "title", "description", "preferred", "variant"}
    for claim, rows in table.dropna(subset=["claim_id"]).groupby("claim_id"):
        assert len(rows) >= 2, f"{name}: claim {claim} has one row"
        values = rows[[c for c in rows.columns if c not in ignore]].astype(str)
        differs = rows["source_id"].nunique() >= 2 or len(values.drop_duplicates()) >= 2
        assert differs, f"{name}: claim {claim} rows neither differ in source nor in value"


# --- the narrative tables ---------------------------------------------------------------

def test_quotations_are_short_and_counted():
    quotations = load("quotations")
    counted = quotations["text"].str.split().str.len()
    assert (counted <= 60).all()
    assert (counted == quotations["word_count"]).all()


def test_quotations_point_to_documents_with_a_public_text():
    documents = load("documents").set_index("document_id")
    for document in load("quotations")["document_id"]:
        assert isinstance(documents.at[document, "url"], str), document


def test_memberships_link_known_people_and_groups():
    memberships = load("memberships")
    assert set(memberships["person_id"]) <= set(load("people")["person_id"])
    assert set(memberships["group_id"]) <= set(load("groups")["group_id"])


def test_people_factions_are_groups_and_precisions_match():
    people = load("people")
    assert set(people["faction"].dropna()) <= set(load("groups")["group_id"])
    length = {"year": 4, "month": 7, "day": 10}
    for column in ("birth", "death"):
        rows = people.dropna(subset=[f"{column}_date"])
        for value, precision in zip(rows[f"{column}_date"], rows[f"{column}_precision"]):
            assert len(value) == length[precision], (value, precision)


def test_narrative_tables_have_their_minimum_size():
    minimum = {"events": 60, "people": 25, "groups": 8}
    sizes = {name: len(load(name)) for name in minimum}
    assert all(sizes[n] >= minimum[n] for n in minimum), sizes


def test_events_cover_the_phases_and_the_workers_opposition():
    phases = set(load("events")["phase"])
    assert {"context", "1", "2", "3", "wo"} <= phases


def test_seed_texts_are_sources():
    sources = load("sources").set_index("id")
    for seed in ("anon-review-pirani", "libcom-wo-history"):
        assert sources.at[seed, "kind"] == "seed"
