"""The committed data dictionary must match what datapackage.json generates.

Why: datasets/README.md is generated; if someone changes a schema or a CSV without running
`course data-docs`, students would read a dictionary that no longer describes the files.
"""
from __future__ import annotations

import shutil

import pytest

from course import datadocs
from helpers.data import datasets_dir, tables


def test_committed_readme_equals_a_fresh_generation():
    path = datasets_dir() / datadocs.README
    assert path.exists(), "datasets/README.md is missing: run `course data-docs`"
    assert path.read_text(encoding="utf-8") == datadocs.render(), (
        "datasets/README.md is out of date: run `course data-docs` and commit it")


def test_generation_is_deterministic():
    assert datadocs.render() == datadocs.render()


def test_first_line_says_generated_and_every_table_is_documented():
    text = datadocs.render()
    first = text.splitlines()[0]
    assert "Generated from datapackage.json by `course data-docs`" in first
    assert "Do not edit by hand" in first
    for name in tables():
        assert f"### {name}\n" in text


def test_check_reports_drift_and_names_the_file(tmp_path, capsys, monkeypatch):
    for item in datasets_dir().iterdir():
        if item.suffix in (".csv", ".json"):
            shutil.copy(item, tmp_path / item.name)
    monkeypatch.setenv("COURSE_DATASETS", str(tmp_path))
    assert datadocs.main([]) == 0
    assert datadocs.main(["--check"]) == 0
    (tmp_path / datadocs.README).write_text("edited by hand\n", encoding="utf-8")
    assert datadocs.main(["--check"]) == 1
    assert "README.md" in capsys.readouterr().err
    with pytest.raises(datadocs.DataDocsDrift):
        datadocs.write_data_docs(check=True)
