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
import functools
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from course import authoring, export
from test_no_spoilers import _pattern, key_forms

pytestmark = pytest.mark.slow  # exports the student copy and runs its own suite; scheduled first (conftest.py)
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


def _trie(literals, after_first: str = "") -> str:
    """One regex alternation of the literals, factored as a trie (``ab|ac`` as ``a(?:b|c)``): the
    same language as the plain alternation, but the engine tries one branch per character."""
    root: dict = {}
    for literal in literals:
        node = root
        for ch in literal:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict, guard: str = "") -> str:
        branches = [re.escape(ch) + guard + emit(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" in node:   # a literal ends here and longer ones go on: try the longer first
            return "(?:" + body + ")?"
        return body

    return emit(root, after_first)


_MARK = "\x00"


def _behind_first(before: str) -> str:
    """``(?<!X)`` in front of a literal, restated to be checked after its first character
    (``(?<!X[\\s\\S])``): the same condition, but the pattern now opens with the literals, so
    the engine skips every position whose character cannot start one."""
    if not before:
        return ""
    assert before.startswith("(?<!") and before.endswith(")"), before
    return before[:-1] + "[\\s\\S])"


class KeyScanner:
    """Every key form, in one pass per text: the forms are grouped by the boundaries their
    test_no_spoilers._pattern puts around them (numbers, text answers, the rest), each group
    compiled into one trie-shaped alternation between those boundaries, and each hit mapped
    back to the form(s) it spells, under the same flags.

    finditer reports non-overlapping hits, so a form hidden inside another form's hit could be
    missed in a pass; the forms found are then taken out and the text scanned again, until a
    pass finds nothing new. So ``found(text)`` is exactly the set of forms whose own pattern
    searches true in ``text`` -- the same answer as one search per form, without 400 searches."""

    def __init__(self, forms):
        self.groups: dict = {}
        for form in forms:
            kind, literal = form
            before, after = _pattern(kind, _MARK).pattern.split(re.escape(_MARK))
            flags = _pattern(kind, _MARK).flags
            self.groups.setdefault((before, after, flags), []).append(form)

    @functools.lru_cache(maxsize=None)
    def _compiled(self, before, after, flags, forms: frozenset) -> re.Pattern:
        return re.compile(_trie(sorted({f[1] for f in forms}), _behind_first(before)) + after, flags)

    def found(self, text: str) -> set:
        hits = set()
        for (before, after, flags), forms in self.groups.items():
            left = set(forms)
            while left:
                spelled: dict = {}
                rx = self._compiled(before, after, flags, frozenset(left))
                for m in rx.finditer(text):
                    if m.group() not in spelled:
                        spelled[m.group()] = {f for f in left if re.fullmatch(re.escape(f[1]), m.group(), flags)}
                new = set().union(*spelled.values())
                if not new:
                    break
                hits |= new
                left -= new
        return hits


def leaks(files: dict[str, str]) -> tuple[list[str], int, list[str]]:
    """(leaks found, forms searched, forms skipped as course material)."""
    material = "\n".join(text for name, text in files.items() if name.startswith(("datasets/", "notebooks/")))
    keyed = [(q["id"], form) for _, q in authoring.read_sources(SOURCES) for form in key_forms(q)]
    in_material = KeyScanner({form for _, form in keyed if form[0] in ("number", "text")}).found(material)
    skipped = [f"{qid}: {form[1]}" for qid, form in keyed if form in in_material]
    searched = [(qid, form) for qid, form in keyed if form not in in_material]
    # a text answer is looked for outside question ids, the other forms outside word counts
    answers = KeyScanner({form for _, form in searched if form[0] == "text"})
    others = KeyScanner({form for _, form in searched if form[0] != "text"})
    hits = {name: answers.found(QUESTION_ID.sub(" ", text)) | others.found(WORD_RANGE.sub(" ", text))
            for name, text in files.items()}
    found = [f"{qid}: {kind} key {literal!r} in {name}"
             for qid, (kind, literal) in searched for name in files if (kind, literal) in hits[name]]
    return found, len(searched), skipped


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
    # The set-up script tests build virtual environments (a third of this run's time). What
    # they exercise is scripts/setup-venv.sh with requirements.lock, which the copy has byte
    # for byte (its pyproject.toml differs, but the script only feeds it to the stamp's
    # checksum); this suite runs them on those very files, so the copy's run leaves them out.
    for same in ("scripts/setup-venv.sh", "requirements.lock", "tests/test_setup_script.py"):
        assert (copy / same).read_bytes() == (ROOT / same).read_bytes(), same
    run = subprocess.run([sys.executable, "-m", "pytest", "tests", "--ignore=tests/browser",
                          "--ignore=tests/test_setup_script.py", "-q", "-x", "-p", "no:cacheprovider"],
                         cwd=copy, env=env, capture_output=True, text=True, timeout=600)
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


def test_the_one_pass_scan_finds_what_one_search_per_form_finds():
    """KeyScanner against the definition it replaces (one _pattern search per form), on texts
    where forms overlap, nest, change case and touch the boundaries each kind respects."""
    forms = {("number", "694"), ("number", "1,694"), ("number", "0.37"), ("text", "Lenin"),
             ("text", "Lenin enrollment"), ("text", "Шляпников"), ("order", '["a", "b"]'),
             ("prose", "the Lenin enrollment of 1924 brought in"), ("pair", '"left": "right"')}
    scanner = KeyScanner(forms)
    samples = ["the Lenin enrollment of 1924 brought in 200,000", "LENIN ENROLLMENT", "Leninism", "a Lenin.",
               "1,694 and 694", "16945", "x694", "0.371", "0,37", "694.5", "694.", "ШЛЯПНИКОВ сказал",
               '{"left": "right"}', '["a", "b", "c"]', "", "nothing here"]
    for text in samples + ["\n".join(samples)]:
        assert scanner.found(text) == {f for f in forms if _pattern(*f).search(text)}, text
