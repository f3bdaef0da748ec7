"""`course export-student`: a copy students may see holds no answer, and still works.

The leak scan searches every text file of the copy for every key of the plaintext bank
(solutions/question-bank), in the forms tests/unit/test_no_spoilers.py derives (answers
and their usual spellings, match pairs, orders, the first 60 characters of explanations and
feedback). What is skipped, and why:
* keys under 4 characters and years (e.g. "7", "1921"): they are everywhere in a history
  course and would mean nothing (test_no_spoilers.key_forms already drops them);
* a number or text answer that is itself course material, found in datasets/ or in a
  lesson notebook: many questions ask the student to find exactly that value there (694
  delegates, the historian Hatch), so its presence is the lesson, not a leak;
* a number inside an essay's length range ("150-250 words") or a reflection's min_words:
  a word count, not an answer;
* an answer that only occurs inside a question id (an id naming its own answer is a spoiler
  that test_no_spoilers reports, so none is left; the skip keeps this test about the copy).
Explanations, feedback, match pairs and orders are never skipped: they exist only in the key.
"""
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from course import authoring, export
from test_no_spoilers import _pattern, key_forms

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ROOT / "solutions" / "question-bank"
# Word counts, not answers: an essay's length range ("150-250 words"; \n inside JSON) and
# a reflection's "min_words" in the compiled bank.
WORD_RANGE = re.compile(r"\b\d+\s*[-\u2013]\s*\d+(?:\s|\\n)+words\b|\"min_words\":\s*\d+")
QUESTION_ID = re.compile(r"""["'\\]+[a-z0-9][a-z0-9_-]*(?:\.[a-z0-9_-]+)+["'\\]+""")


@pytest.fixture(scope="module")
def copy(tmp_path_factory):
    out = tmp_path_factory.mktemp("published") / "student-course"
    assert export.main([str(out)]) == 0
    return out


def texts(folder: Path) -> dict[str, str]:
    found = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            try:
                found[path.relative_to(folder).as_posix()] = path.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                continue   # images
    return found


def leaks(files: dict[str, str]) -> tuple[list[str], int, list[str]]:
    """(leaks found, forms searched, forms skipped as course material)."""
    material = "\n".join(text for name, text in files.items() if name.startswith(("datasets/", "notebooks/")))
    found, searched, skipped = [], 0, []
    for _, q in authoring.read_sources(SOURCES):
        for kind, form in key_forms(q):
            pattern = _pattern(kind, form)
            if kind in ("number", "text") and pattern.search(material):
                skipped.append(f"{q['id']}: {form}")
                continue
            searched += 1
            for name, text in files.items():
                if pattern.search(QUESTION_ID.sub(" ", text) if kind == "text" else WORD_RANGE.sub(" ", text)):
                    found.append(f"{q['id']}: {kind} key {form!r} in {name}")
    return found, searched, skipped


def test_the_copy_has_no_instructor_material(copy):
    names = list(texts(copy)) + [p.relative_to(copy).as_posix() for p in copy.rglob("*")]
    assert not [n for n in names if re.search(r"(^|/)(solutions|instructors|benchmarks|\.ci|\.git)(/|$)", n)]
    assert not [n for n in names if re.search(r"question-bank/.*\.ya?ml$", n)]
    for needed in ("README.md", "Makefile", "environment.yml", "pyproject.toml", "requirements.lock",
                   "scripts/setup-venv.sh", "src/helpers/question_bank.json", "src/helpers/widgets/__init__.py",
                   "datasets/datapackage.json", "notebooks/00_start_here.ipynb", "exercises/a3_workers_opposition.ipynb"):
        assert (copy / needed).is_file(), needed
    assert sorted(p.name for p in (copy / "notebooks").glob("*.ipynb")) == sorted(
        p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
    assert (copy / "README.md").read_text(encoding="utf-8").startswith(export.NOTICE)


def test_no_right_answer_of_the_plaintext_bank_is_in_the_copy(copy):
    found, searched, skipped = leaks(texts(copy))
    assert found == []
    assert searched > 3 * len(skipped) and searched > 150, (searched, skipped)


def test_the_scan_finds_a_planted_key(copy, tmp_path):
    """The same scan over the copy plus one careless file: it must be caught."""
    q = next(q for _, q in authoring.read_sources(SOURCES) if q["id"] == "a3.died-1937")
    files = texts(copy)
    files["notes.md"] = f"Answer for the Appeal question: {q['answer']} %. " + " ".join(q["explanation"].split())
    found, _, _ = leaks(files)
    assert any("a3.died-1937: number" in f and "notes.md" in f for f in found)
    assert any("a3.died-1937: prose" in f for f in found)
    match = next(q for _, q in authoring.read_sources(SOURCES) if q["type"] == "match")
    left, right = next(iter(match["answer"].items()))
    found, _, _ = leaks({**texts(copy), "key.json": f'{{"{left}": "{right}"}}'})
    assert any(f"{match['id']}: pair" in f for f in found)


def test_the_copys_own_tests_pass_without_solutions(copy):
    """Tests that need solutions/ are left out (listed by the command); the rest run green
    against the copy's own package, and fixtures that need the bank's schema skip cleanly."""
    copied, left = export.plan(ROOT)
    assert {p.as_posix() for p in left} >= {"tests/unit/test_grading.py", "tests/unit/test_no_spoilers.py"}
    env = {**os.environ, "PYTHONPATH": str(copy / "src")}
    env.pop("COURSE_QUESTION_BANK", None)
    run = subprocess.run([sys.executable, "-m", "pytest", "tests", "--ignore=tests/browser", "-q", "-x",
                          "-p", "no:cacheprovider"], cwd=copy, env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert re.search(r"\d+ passed", run.stdout) and " error" not in run.stdout


def test_nothing_is_overwritten_without_force(copy, tmp_path, capsys):
    assert export.main([str(copy)]) == 2
    assert "use --force" in capsys.readouterr().err
    (copy / "README.md").write_text(export.NOTICE + "edited", encoding="utf-8")
    (copy / "stray.txt").write_text("old", encoding="utf-8")
    assert export.main([str(copy), "--force"]) == 0
    assert not (copy / "stray.txt").exists() and "edited" not in (copy / "README.md").read_text(encoding="utf-8")
    mine = tmp_path / "my-files"
    mine.mkdir()
    (mine / "thesis.docx").write_text("years of work", encoding="utf-8")
    assert export.main([str(mine), "--force"]) == 2
    assert "not an earlier student copy" in capsys.readouterr().err
    assert (mine / "thesis.docx").read_text(encoding="utf-8") == "years of work"
    for inside in (ROOT / "student", ROOT, ROOT.parent):
        assert export.main([str(inside), "--force"]) == 2
    assert "outside it" in capsys.readouterr().err
    assert not (ROOT / "student").exists()
