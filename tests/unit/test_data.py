"""helpers.data on a small package built in a temporary folder, so these tests pin the
loader's behaviour independently of the course's real tables."""
import json

import pandas as pd
import pytest

from helpers import data

PACKAGE = {
    "name": "tiny",
    "resources": [
        {"name": "sources", "path": "sources.csv", "schema": {"fields": [
            {"name": "id", "type": "string", "constraints": {"required": True}},
            {"name": "author", "type": "string"}, {"name": "title", "type": "string"},
            {"name": "year", "type": "integer"}, {"name": "container", "type": "string"},
            {"name": "publisher", "type": "string"}, {"name": "url", "type": "string"},
            {"name": "kind", "type": "string", "constraints": {"enum": ["primary", "web"]}},
            {"name": "reliability_note", "type": "string"}]}},
        {"name": "events", "path": "events.csv", "schema": {"fields": [
            {"name": "event_id", "type": "string", "constraints": {"required": True}},
            {"name": "start_date", "type": "string",
             "constraints": {"pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$"}},
            {"name": "day", "type": "date"},
            {"name": "delegates", "type": "integer"},
            {"name": "share", "type": "number"},
            {"name": "firm", "type": "boolean"},
            {"name": "year", "type": "year"}]}},
    ],
}
SOURCES = ("id,author,title,year,container,publisher,url,kind,reliability_note\n"
           "lenin-cw,\"Lenin, V. I.\",Collected Works vol. 32,1965,,Progress,https://www.marxists.org/,primary,\n"
           "anon,,An unsigned page,,,,,web,thin\n")
EVENTS = ("event_id,start_date,day,delegates,share,firm,year\n"
          "tenth,1921-03,1921-03-08,694,0.5,true,1921\n"
          "eleventh,1922,,,,false,\n")


@pytest.fixture
def package(tmp_path, monkeypatch):
    (tmp_path / "datapackage.json").write_text(json.dumps(PACKAGE))
    (tmp_path / "sources.csv").write_text(SOURCES)
    (tmp_path / "events.csv").write_text(EVENTS)
    monkeypatch.setenv("COURSE_DATASETS", str(tmp_path))
    return tmp_path


def test_load_types_columns_from_the_schema(package):
    events = data.load("events")
    assert list(events.columns) == ["event_id", "start_date", "day", "delegates", "share", "firm", "year"]
    assert events["delegates"].dtype == "Int64" and events["delegates"].iloc[0] == 694
    assert pd.isna(events["delegates"].iloc[1])
    assert events["share"].dtype == "float64"
    assert events["firm"].dtype == "boolean"
    assert events["day"].dtype.kind == "M" and events["day"].iloc[0] == pd.Timestamp("1921-03-08")
    assert events["start_date"].tolist() == ["1921-03", "1922"]


def test_load_returns_a_fresh_copy(package):
    first = data.load("events")
    first.loc[0, "delegates"] = 1
    assert data.load("events").loc[0, "delegates"] == 694


def test_tables_lists_resources(package):
    assert data.tables() == ["sources", "events"]


def test_unknown_table_lists_the_available_ones(package):
    with pytest.raises(data.UnknownTableError) as err:
        data.load("event")
    assert "Did you mean 'events'" in str(err.value)
    assert "Available tables: events, sources" in str(err.value)


def test_missing_csv_names_file_and_fix(package):
    (package / "events.csv").unlink()
    with pytest.raises(data.DataFileError, match=r"events\.csv is missing.*git checkout"):
        data.load("events")


def test_row_with_wrong_field_count_names_the_row(package):
    (package / "events.csv").write_text(EVENTS + "twelfth,1923,1923-04-17,408\n")
    with pytest.raises(data.DataFileError, match=r"events\.csv, row 3 \(line 4\): expected 7 values, found 4"):
        data.load("events")


@pytest.mark.parametrize("column, bad, expected", [
    ("delegates", "694x", "is not a whole number"),
    ("share", "half", "is not a number"),
    ("firm", "yes", "is not true or false"),
    ("day", "8 March 1921", "is not a date written YYYY-MM-DD"),
    ("start_date", "March 1921", "does not have the expected form"),
])
def test_bad_value_names_file_row_and_column(package, column, bad, expected):
    row = {"event_id": "x", "start_date": "1921", "day": "", "delegates": "", "share": "",
           "firm": "", "year": ""}
    row[column] = f'"{bad}"'
    (package / "events.csv").write_text(EVENTS + ",".join(row.values()) + "\n")
    with pytest.raises(data.DataFileError) as err:
        data.load("events")
    message = str(err.value)
    assert f"events.csv, row 3, column '{column}'" in message and expected in message


def test_required_and_enum_constraints(package):
    (package / "events.csv").write_text(EVENTS + ",1921,,,,,\n")
    with pytest.raises(data.DataFileError, match="column 'event_id': a value is required"):
        data.load("events")
    (package / "sources.csv").write_text(SOURCES + "x,,T,,,,,blog,\n")
    with pytest.raises(data.DataFileError, match="'blog' is not one of the allowed values"):
        data.load("sources")


def test_wrong_header_is_reported(package):
    (package / "events.csv").write_text(EVENTS.replace("delegates", "delegate"))
    with pytest.raises(data.DataFileError, match="missing column\\(s\\) delegates; unexpected column\\(s\\) delegate"):
        data.load("events")


@pytest.mark.parametrize("content", [b"", b"\xff\xfe\x00garbage", b'event_id,"unclosed\n'])
def test_empty_binary_or_broken_csv(package, content):
    (package / "events.csv").write_bytes(content)
    with pytest.raises(data.DataFileError, match="events.csv"):
        data.load("events")


def test_missing_or_corrupt_datapackage(package):
    (package / "datapackage.json").write_text("{not json")
    with pytest.raises(data.DataFileError, match="datapackage.json is not valid JSON"):
        data.tables()
    (package / "datapackage.json").unlink()
    with pytest.raises(data.DataFileError, match="datapackage.json is missing"):
        data.load("events")


def test_cite_formats_one_or_several_sources(package):
    text = data.cite("lenin-cw")
    assert text == "[lenin-cw] Lenin, V. I. (1965). Collected Works vol. 32. Progress. https://www.marxists.org/"
    assert repr(text) == str(text)
    both = data.cite("lenin-cw; anon")
    assert both.splitlines()[1] == "[anon] An unsigned page."


def test_cite_unknown_id_suggests_close_ones(package):
    with pytest.raises(LookupError, match="No source with id 'lenin-cv'.*lenin-cw"):
        data.cite("lenin-cv")
    with pytest.raises(LookupError, match="needs a source id"):
        data.cite("")
