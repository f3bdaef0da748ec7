"""Loading the course tables.

Why this module exists: a lesson should say ``load("events")`` and get columns typed as the
data package's schema declares them, and a student who breaks a CSV (or a half-finished
download) should be told which file, row and column went wrong and how to repair it,
instead of getting a pandas traceback. Nothing here touches the network, and nothing is
read outside the datasets folder, whatever datapackage.json says.
"""
from __future__ import annotations

import csv
import datetime
import difflib
import json
import math
import os
import re
from functools import lru_cache
from pathlib import Path

import pandas as pd

__all__ = ["DataFileError", "UnknownTableError", "load", "tables", "cite", "sources", "datasets_dir"]

_PARTIAL_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_INTEGER = re.compile(r"[+-]?\d+")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_INT64 = 2 ** 63 - 1
# pandas keeps dates as nanoseconds since 1970, which reach from 1677 to 2262
_FIRST_DAY, _LAST_DAY = datetime.date(1677, 9, 22), datetime.date(2262, 4, 11)
_RESTORE = "Restore the original with `git checkout -- {path}` (or download the course again)."


class DataFileError(Exception):
    """A data file is missing or malformed; the message names the file and the fix."""


class UnknownTableError(LookupError):
    """The requested table is not in the data package."""


def datasets_dir() -> Path:
    """The datasets folder: $COURSE_DATASETS if set (tests use copies), else the course's own."""
    override = os.environ.get("COURSE_DATASETS")
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[2] / "datasets"


def _display(path: Path) -> str:
    """Paths in messages are shown relative to the course, as a student sees them."""
    try:
        return str(path.relative_to(datasets_dir().parent))
    except ValueError:
        return str(path)


def _stamp(path: Path):
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return (st.st_mtime_ns, st.st_size)


def _package(folder: Path) -> dict:
    path = folder / "datapackage.json"
    return _read_package(path, _stamp(path))


@lru_cache(maxsize=8)
def _read_package(path: Path, stamp) -> dict:
    shown = _display(path)
    if stamp is None:
        raise DataFileError(f"{shown} is missing, so no table can be described. " + _RESTORE.format(path=shown))
    try:
        package = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as err:   # ValueError: bad JSON, huge integers
        detail = str(err)[:120] if not isinstance(err, RecursionError) else "nested too deeply"
        raise DataFileError(f"{shown} is not valid JSON ({detail}). " + _RESTORE.format(path=shown)) from None
    except OSError as err:
        raise DataFileError(f"{shown} cannot be read ({err.strerror or err}). "
                            + _RESTORE.format(path=shown)) from None
    if not isinstance(package, dict) or not isinstance(package.get("resources"), list):
        raise DataFileError(f"{shown} has no 'resources' list. " + _RESTORE.format(path=shown))
    for number, resource in enumerate(package["resources"], 1):
        problem = _resource_problem(resource)
        if problem:
            name = resource.get("name") if isinstance(resource, dict) else None
            which = f"resource {number}" + (f" ({name!r})" if isinstance(name, str) else "")
            raise DataFileError(f"{shown}, {which}: {problem}. " + _RESTORE.format(path=shown))
    return package


def _resource_problem(resource) -> str:
    """What is wrong with one resource entry of datapackage.json, or ""."""
    if not isinstance(resource, dict):
        return "is not an object"
    if not isinstance(resource.get("name"), str):
        return "has no name"
    path = resource.get("path")
    if isinstance(path, list):
        return "has a list of paths (a multipart resource); this course reads one CSV file per table"
    if not isinstance(path, str) or not path:
        return "has no path"
    schema = resource.get("schema")
    if not isinstance(schema, dict) or not isinstance(schema.get("fields"), list) or not schema["fields"]:
        return "has no schema with a list of fields"
    for number, field in enumerate(schema["fields"], 1):
        if not isinstance(field, dict) or not isinstance(field.get("name"), str):
            return f"field {number} has no name"
        if not isinstance(field.get("constraints", {}), dict):
            return f"field {field['name']!r} has constraints that are not an object"
    return ""


def _inside(folder: Path, relative: str) -> Path:
    """The resource file, refused if its path leads outside the datasets folder."""
    if os.path.isabs(relative) or "\\" in relative:
        raise DataFileError(f"datapackage.json gives the path {relative!r}; a table's path must be a file name "
                            "inside the datasets folder. " + _RESTORE.format(path="datasets/datapackage.json"))
    path = folder / relative
    real, base = os.path.realpath(path), os.path.realpath(folder)
    if os.path.commonpath([real, base]) != base:
        raise DataFileError(f"datapackage.json gives the path {relative!r}, which leads outside the datasets "
                            "folder; it was not opened. " + _RESTORE.format(path="datasets/datapackage.json"))
    return path


def _resource(name: str, folder: Path) -> dict:
    resources = {r.get("name"): r for r in _package(folder)["resources"]}
    if not isinstance(name, str) or name not in resources:
        available = ", ".join(sorted(n for n in resources if n))
        close = difflib.get_close_matches(str(name), list(resources), n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise UnknownTableError(f"There is no table called {name!r}.{hint} Available tables: {available}.")
    return resources[name]


def tables() -> list[str]:
    """Names of every table in the data package, in the package's order."""
    return [r["name"] for r in _package(datasets_dir())["resources"]]


def load(name: str) -> pd.DataFrame:
    """Return table ``name`` as a DataFrame typed from its schema (a fresh copy each call)."""
    folder = datasets_dir()
    resource = _resource(name, folder)
    path = _inside(folder, resource["path"])
    frame = _parse(path, _stamp(path), json.dumps(resource["schema"], sort_keys=True))
    return frame.copy()


@lru_cache(maxsize=64)
def _parse(path: Path, stamp, schema_json: str) -> pd.DataFrame:
    schema = json.loads(schema_json)
    shown = _display(path)
    if stamp is None:
        raise DataFileError(f"{shown} is missing. " + _RESTORE.format(path=shown))
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:   # -sig: Excel's "CSV UTF-8" adds a BOM
            rows = list(csv.reader(handle, strict=True))
    except UnicodeDecodeError as err:
        raise DataFileError(f"{shown} is not UTF-8 text (byte {err.start}). "
                            + _RESTORE.format(path=shown)) from None
    except csv.Error as err:
        raise DataFileError(f"{shown} is not a well-formed CSV file ({err}). "
                            + _RESTORE.format(path=shown)) from None
    except IsADirectoryError:
        raise DataFileError(f"{shown} is a folder, not a CSV file. " + _RESTORE.format(path=shown)) from None
    except OSError as err:
        raise DataFileError(f"{shown} cannot be read ({err.strerror or err}). "
                            + _RESTORE.format(path=shown)) from None
    if not rows:
        raise DataFileError(f"{shown} is empty: it should start with a header row. "
                            + _RESTORE.format(path=shown))

    fields = schema["fields"]
    names = [f["name"] for f in fields]
    header = rows[0]
    if header != names:
        raise DataFileError(f"{shown}, header row: {_header_problem(header, names)}. "
                            + _RESTORE.format(path=shown))
    if not any(rows[1:]):
        raise DataFileError(f"{shown} has a header but no rows of data. " + _RESTORE.format(path=shown))

    columns: dict[str, list] = {n: [] for n in names}
    for number, row in enumerate(rows[1:], start=1):
        if not row:
            continue  # a trailing blank line is harmless
        if len(row) != len(names):
            raise DataFileError(
                f"{shown}, row {number} (line {number + 1}): expected {len(names)} values, "
                f"found {len(row)}. A comma inside a value needs the value in double quotes. "
                + _RESTORE.format(path=shown))
        for field, raw in zip(fields, row):
            columns[field["name"]].append(_convert(raw, field, shown, number))

    _check_unique(columns, schema, shown)
    return pd.DataFrame({f["name"]: _series(columns[f["name"]], f) for f in fields})


def _header_problem(header: list, names: list) -> str:
    missing = [n for n in names if n not in header]
    extra = [n for n in header if n not in names]
    detail = []
    for column in extra:
        if column.strip() in missing:
            detail.append(f"column {column.strip()!r} has extra spaces around its name; remove them")
            missing.remove(column.strip())
    extra = [c for c in extra if c.strip() not in names]
    if missing:
        detail.append("missing column(s) " + ", ".join(missing))
    if extra:
        detail.append("unexpected column(s) " + ", ".join(repr(c) for c in extra))
    if not detail:
        detail.append("columns in a different order than datapackage.json says")
    return "; ".join(detail)


def _check_unique(columns: dict, schema: dict, shown: str) -> None:
    """The schema's unique columns and primary key hold no value twice (rows named)."""
    keys = [[f["name"]] for f in schema["fields"] if f.get("constraints", {}).get("unique")]
    primary = schema.get("primaryKey")
    if isinstance(primary, str):
        primary = [primary]
    if isinstance(primary, list) and primary and all(p in columns for p in primary):
        keys.append(primary)
    for key in keys:
        seen: dict = {}
        for number, values in enumerate(zip(*(columns[k] for k in key)), start=1):
            if all(v is None for v in values):
                continue
            if values in seen:
                label = ", ".join(key)
                raise DataFileError(f"{shown}, row {number}, column {label!r}: {values if len(key) > 1 else values[0]!r} "
                                    f"already appears in row {seen[values]}, but each value must be unique. "
                                    "Correct or remove one of the two rows. " + _RESTORE.format(path=shown))
            seen[values] = number


def _convert(raw: str, field: dict, shown: str, number: int):
    """One cell, checked against its field's type and constraints."""
    kind = field.get("type", "string")
    constraints = field.get("constraints", {})
    where = f"{shown}, row {number}, column {field['name']!r}"
    if raw == "":
        if constraints.get("required"):
            raise DataFileError(f"{where}: a value is required but the cell is empty.")
        return None
    if "\x00" in raw:
        raise DataFileError(f"{where}: the cell contains a NUL character (a damaged save). Correct the cell. "
                            + _RESTORE.format(path=shown))
    try:
        if kind == "integer" or kind == "year":
            if not _INTEGER.fullmatch(raw.strip()):
                raise ValueError(raw)
            value = int(raw)
            if abs(value) > _INT64:
                raise DataFileError(f"{where}: {raw[:40]!r} is too large a number for this column. Correct the cell. "
                                    + _RESTORE.format(path=shown))
        elif kind == "number":
            if not _NUMBER.fullmatch(raw.strip()):
                raise ValueError(raw)
            value = float(raw)
            if not math.isfinite(value):
                raise DataFileError(f"{where}: {raw[:40]!r} is too large a number for this column. Correct the cell. "
                                    + _RESTORE.format(path=shown))
        elif kind == "boolean":
            lowered = raw.strip().lower()
            if lowered not in ("true", "false"):
                raise ValueError
            value = lowered == "true"
        elif kind == "date":
            day = datetime.date.fromisoformat(_strict_date(raw))
            if not _FIRST_DAY <= day <= _LAST_DAY:
                raise DataFileError(f"{where}: {raw!r} is outside the dates a table can hold (1678 to 2261); "
                                    "is the year mistyped? Correct the cell. " + _RESTORE.format(path=shown))
            value = pd.Timestamp(day)
        else:
            value = raw
    except (ValueError, TypeError):
        expected = {"integer": "a whole number", "year": "a year such as 1921",
                    "number": "a number", "boolean": "true or false",
                    "date": "a date written YYYY-MM-DD"}.get(kind, kind)
        raise DataFileError(f"{where}: {raw[:60]!r} is not {expected}. Correct the cell. "
                            + _RESTORE.format(path=shown)) from None
    if "enum" in constraints and raw not in [str(v) for v in constraints["enum"]]:
        allowed = ", ".join(str(v) for v in constraints["enum"])
        raise DataFileError(f"{where}: {raw!r} is not one of the allowed values ({allowed}).")
    pattern = constraints.get("pattern")
    if pattern and not re.fullmatch(pattern, raw):
        raise DataFileError(f"{where}: {raw!r} does not have the expected form ({pattern}).")
    for bound, wrong in (("minimum", lambda v, b: v < b), ("maximum", lambda v, b: v > b)):
        limit = constraints.get(bound)
        if limit is None or kind not in ("integer", "year", "number", "date"):
            continue
        try:
            limit = pd.Timestamp(limit) if kind == "date" else limit
            out = wrong(value, limit)
        except (TypeError, ValueError):
            continue
        if out:
            raise DataFileError(f"{where}: {raw!r} is {'below the minimum' if bound == 'minimum' else 'above the maximum'} "
                                f"of {constraints[bound]} that datapackage.json allows. Correct the cell. "
                                + _RESTORE.format(path=shown))
    return value


def _strict_date(raw: str) -> str:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
        raise ValueError(raw)
    return raw


_DTYPES = {"integer": "Int64", "year": "Int64", "number": "float64", "boolean": "boolean"}


def _series(values: list, field: dict) -> pd.Series:
    kind = field.get("type", "string")
    if kind == "date":
        return pd.Series(pd.to_datetime(values), dtype="datetime64[ns]")
    return pd.Series(values, dtype=_DTYPES.get(kind, "str"))


def sources() -> pd.DataFrame:
    """The table of every cited work, indexed by its id."""
    return load("sources").set_index("id")


class Citation(str):
    """A citation that prints as plain text and renders as Markdown in JupyterLab."""

    def __repr__(self) -> str:
        return str(self)

    def _repr_markdown_(self) -> str:
        return str(self)


def cite(source_id: str) -> Citation:
    """Formatted citation(s) for one id or several separated by ';'."""
    table = sources()
    ids = [part.strip() for part in str(source_id).split(";") if part.strip()]
    if not ids:
        raise LookupError("cite() needs a source id, for example cite('libcom-wo-history').")
    lines = []
    for sid in ids:
        if sid not in table.index:
            close = difflib.get_close_matches(sid, list(table.index), n=3)
            hint = f" Close ids: {', '.join(close)}." if close else ""
            raise LookupError(f"No source with id {sid!r} in datasets/sources.csv.{hint}")
        lines.append(_format(sid, table.loc[sid]))
    return Citation("\n".join(lines))


def _format(sid: str, row: pd.Series) -> str:
    def has(col):
        value = row.get(col)
        return isinstance(value, str) and value.strip() != ""

    def sentence(part: str) -> str:
        # An author such as "Pyzhikov, A. V." already ends with a full stop: add none.
        part = part.strip()
        return part if part.endswith((".", "?", "!")) else part + "."

    year = row.get("year")
    dated = f" ({year})" if pd.notna(year) and str(year).strip() else ""
    title = row["title"].strip()
    if has("author"):
        text = f"{sentence(row['author'] + dated)} {sentence(title)}"
    else:
        text = sentence(f"{title.rstrip('.')}{dated}")
    for col in ("container", "publisher"):
        if has(col):
            text += " " + sentence(row[col])
    if has("url"):
        text += " " + row["url"].strip()
    return f"[{sid}] {text}"
