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
    with pytest.raises(data.DataFileError, match="missing column\\(s\\) delegates; unexpected column\\(s\\) 'delegate'"):
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


# --- damaged files: each a DataFileError naming file, row, column and the fix -------------

@pytest.mark.parametrize("column, bad, expected", [
    ("day", "1021-03-08", "row 1, column 'day': '1021-03-08' is outside the dates"),
    ("day", "2921-03-08", "row 1, column 'day': '2921-03-08' is outside the dates"),
    ("day", "1921-02-30", "row 1, column 'day': '1921-02-30' is not a date"),
    ("delegates", "12345678901234567890", "row 1, column 'delegates': '12345678901234567890' is too large"),
    ("delegates", "1_0", "row 1, column 'delegates': '1_0' is not a whole number"),
    ("share", "nan", "row 1, column 'share': 'nan' is not a number"),
    ("share", "-inf", "row 1, column 'share': '-inf' is not a number"),
    ("share", "1e999", "row 1, column 'share': '1e999' is too large"),
    ("event_id", "ten\x00th", "row 1, column 'event_id': the cell contains a NUL"),
])
def test_damaged_cells_name_file_row_column_and_fix(package, column, bad, expected):
    rows = EVENTS.splitlines()
    header = rows[0].split(",")
    cells = rows[1].split(",")
    cells[header.index(column)] = bad
    (package / "events.csv").write_text("\n".join([rows[0], ",".join(cells), *rows[2:]]) + "\n")
    with pytest.raises(data.DataFileError, match="events.csv") as err:
        data.load("events")
    assert expected in str(err.value) and "git checkout -- " in str(err.value)


def test_constraints_minimum_and_unique(package):
    package_json = json.loads((package / "datapackage.json").read_text())
    fields = package_json["resources"][1]["schema"]["fields"]
    fields[3]["constraints"] = {"minimum": 0}
    fields[0]["constraints"] = {"required": True, "unique": True}
    (package / "datapackage.json").write_text(json.dumps(package_json))
    (package / "events.csv").write_text(EVENTS.replace(",694,", ",-5,"))
    with pytest.raises(data.DataFileError, match="row 1, column 'delegates': '-5' is below the minimum of 0"):
        data.load("events")
    (package / "events.csv").write_text(EVENTS.replace("eleventh", "tenth"))
    with pytest.raises(data.DataFileError, match="row 2, column 'event_id': 'tenth' already appears in row 1"):
        data.load("events")


def test_a_header_without_rows_is_an_error(package):
    (package / "events.csv").write_text(EVENTS.splitlines()[0] + "\n")
    with pytest.raises(data.DataFileError, match="events.csv has a header but no rows"):
        data.load("events")


def test_excel_csv_with_bom_and_crlf_loads_the_same(package):
    before = data.load("events")
    (package / "events.csv").write_bytes(b"\xef\xbb\xbf" + EVENTS.replace("\n", "\r\n").encode())
    pd.testing.assert_frame_equal(data.load("events"), before)


def test_spaces_around_a_column_name_are_named(package):
    (package / "events.csv").write_text(EVENTS.replace("event_id,", "event_id ,", 1))
    with pytest.raises(data.DataFileError, match="column 'event_id' has extra spaces around its name"):
        data.load("events")


def test_a_csv_that_is_a_folder_or_unreadable(package, monkeypatch):
    (package / "events.csv").unlink()
    (package / "events.csv").mkdir()
    with pytest.raises(data.DataFileError, match="events.csv is a folder"):
        data.load("events")
    real_open = data.Path.open

    def refuse(self, *args, **kwargs):
        if self.name == "sources.csv":
            raise PermissionError(13, "Permission denied")
        return real_open(self, *args, **kwargs)
    monkeypatch.setattr(data.Path, "open", refuse)
    with pytest.raises(data.DataFileError, match="sources.csv cannot be read \\(Permission denied\\)"):
        data.load("sources")


@pytest.mark.parametrize("damage, expected", [
    (lambda p: '{"resources": [' + "9" * 5000 + "]}", "is not valid JSON"),
    (lambda p: '{"resources": ' + "[" * 100_000 + "]" * 100_000 + "}", "nested too deeply"),
    (lambda p: {**p, "resources": [3]}, "resource 1: is not an object"),
    (lambda p: {**p, "resources": [{k: v for k, v in p["resources"][0].items() if k != "path"}]}, "has no path"),
    (lambda p: {**p, "resources": [{k: v for k, v in p["resources"][0].items() if k != "schema"}]},
     "has no schema"),
    (lambda p: {**p, "resources": [{**p["resources"][0], "schema": {"fields": [{"type": "string"}]}}]},
     "field 1 has no name"),
    (lambda p: {**p, "resources": [{**p["resources"][0], "path": ["a.csv", "b.csv"]}]}, "a list of paths"),
    (lambda p: {**p, "resources": [{**p["resources"][0], "name": None}]}, "has no name"),
], ids=["huge-int", "deep", "not-object", "no-path", "no-schema", "field-no-name", "multipart", "no-name"])
def test_damaged_datapackage_is_a_clear_error(package, damage, expected):
    changed = damage(PACKAGE)
    (package / "datapackage.json").write_text(changed if isinstance(changed, str) else json.dumps(changed))
    with pytest.raises(data.DataFileError, match="datapackage.json") as err:
        data.load("sources")
    assert expected in str(err.value)


@pytest.mark.parametrize("path", ["../outside.csv", "/etc/passwd", "sub/../../outside.csv", "link.csv"])
def test_resource_paths_stay_inside_the_datasets_folder(package, path, tmp_path_factory, monkeypatch):
    outside = package.parent / "outside.csv"
    outside.write_text("root:x:0:0:secret\n")
    (package / "link.csv").symlink_to(outside)
    changed = json.loads(json.dumps(PACKAGE))
    changed["resources"][0]["path"] = path
    (package / "datapackage.json").write_text(json.dumps(changed))
    opened = []
    real_open = data.Path.open
    monkeypatch.setattr(data.Path, "open", lambda self, *a, **k: opened.append(self) or real_open(self, *a, **k))
    with pytest.raises(data.DataFileError, match="datasets folder") as err:
        data.load("sources")
    assert "secret" not in str(err.value) and [p.name for p in opened if p.suffix == ".csv"] == []


@pytest.mark.parametrize("name", [None, ["events"], 3, {"a": 1}])
def test_odd_table_names(package, name):
    with pytest.raises(data.UnknownTableError, match="Available tables: events, sources"):
        data.load(name)


def test_cite_formats_one_or_several_sources(package):
    text = data.cite("lenin-cw")
    assert text == "[lenin-cw] Lenin, V. I. (1965). Collected Works vol. 32. Progress. https://www.marxists.org/"
    assert repr(text) == str(text)
    both = data.cite("lenin-cw; anon")
    assert both.splitlines()[1] == "[anon] An unsigned page."


def test_cite_adds_no_second_full_stop_after_an_initial(package):
    # An undated source whose author ends with an initial printed "Pyzhikov, A. V.." before.
    (package / "sources.csv").write_text(
        SOURCES + "pyzhikov,\"Pyzhikov, A. V.\",Korni stalinskogo bol'shevizma,,,Press.,,primary,\n"
        "ask,\"Foster, W. Z.\",Who rules?,1921,,,,primary,\n")
    assert data.cite("pyzhikov") == "[pyzhikov] Pyzhikov, A. V. Korni stalinskogo bol'shevizma. Press."
    assert data.cite("ask") == "[ask] Foster, W. Z. (1921). Who rules?"
    assert ".." not in str(data.cite("lenin-cw; anon; pyzhikov; ask"))


def test_cite_unknown_id_suggests_close_ones(package):
    with pytest.raises(LookupError, match="No source with id 'lenin-cv'.*lenin-cw"):
        data.cite("lenin-cv")
    with pytest.raises(LookupError, match="needs a source id"):
        data.cite("")


def test_every_name_lessons_import_from_helpers_exists():
    import helpers

    assert [name for name in helpers.__all__ if not hasattr(helpers, name)] == []
