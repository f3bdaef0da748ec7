"""No spoilers: nothing a student receives (the installed package, exercises/) gives away a key.

Three checks, for the real bank and for the fixture bank:
1. Structure: in the compiled JSON every field of an auto-checked question that is not shown
   to students (prompt, option texts, hints, ...) is a hex hash or sealed text, and no field
   anywhere is named like a key. That is what "the JSON does not mark the right option" means:
   options all look alike and only hashes say which is right.
2. Plaintext scan: the plaintext of every key (text answers and variants, numbers in their
   usual spellings, match pairs, explanations and feedback) is searched for in every
   student-facing file: the JSON and other data in src/helpers/, the string literals of its
   Python code (docstrings are prose about the package and are skipped), and every file in
   exercises/. Short keys (under 4 characters, e.g. "7") and years (a number from 1800 to
   2100) are too common to search for and are skipped.
3. The scanner itself is tested on a deliberately leaky bank, so a passing scan means something.
"""
import ast
import json
import re
from pathlib import Path

import pytest

from helpers import normalize, questions

from course import authoring

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "question-bank"
REAL_SOURCES = ROOT / "solutions" / "question-bank"
PACKAGE = ROOT / "src" / "helpers"
EXERCISES = ROOT / "exercises"

HEX = re.compile(r"^(?:[0-9a-f]{2})*$")
# Fields students are meant to read; everything else in an auto-checked entry must be hex.
SHOWN = {"type", "notebook", "prompt", "points", "hints", "source_ids", "salt", "unit", "tolerance",
         "step", "min_words", "mode", "max_attempts", "partial"}
# An on-submit question ships only what a student needs to answer it: no hash, no sealed text.
ON_SUBMIT_FIELDS = {"type", "notebook", "prompt", "points", "hints", "mode", "max_attempts", "partial",
                    "options", "items", "left", "right", "unit", "min_words"}
HEX64 = re.compile(r"\b[0-9a-f]{64,}\b")
SHOWN_IN_ENTRIES = {"id", "text"}
FORBIDDEN_NAMES = re.compile(r"^(answer|answers|key|keys|correct|solution|solutions|is_correct|"
                             r"accepted_answers|plaintext)$", re.I)


def _walk(value, path=""):
    if isinstance(value, dict):
        for key, item in value.items():
            yield f"{path}.{key}", key, item
            yield from _walk(item, f"{path}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _walk(item, f"{path}[{i}]")


def structural_problems(bank: dict) -> list[str]:
    problems = []
    for path, key, _ in _walk(bank):
        if FORBIDDEN_NAMES.match(str(key)):
            problems.append(f"{path}: a field named {key!r}")
    for qid, q in bank["questions"].items():
        if q["type"] not in questions.AUTO_CHECKED:
            continue
        for name, value in q.items():
            if name in SHOWN:
                continue
            for path, key, item in [(f"{qid}.{name}", name, value), *_walk(value, f"{qid}.{name}")]:
                if isinstance(item, str) and key not in SHOWN_IN_ENTRIES and not HEX.match(item):
                    problems.append(f"{path}: plaintext {item[:40]!r}")
        for name in ("options", "items", "left", "right"):
            shapes = {tuple(sorted(entry)) for entry in q.get(name, [])}
            if len(shapes) > 1:
                problems.append(f"{qid}.{name}: entries differ in shape {shapes}")
        for path, key, item in _walk(q):
            if key in ("feedback", "explanation", "sources") and isinstance(item, str) and len(item) % 128:
                problems.append(f"{qid}{path}: sealed text not padded")
    return problems


def _number_forms(value) -> list[str]:
    number = float(value)
    if number.is_integer():
        integer = int(number)
        if 1800 <= integer <= 2100:
            return []  # years are everywhere in a history course
        forms = {str(integer), f"{integer:,}", f"{integer:,}".replace(",", " ")}
    else:
        forms = {repr(number), f"{number:g}"}
    return [f for f in forms if sum(ch.isdigit() for ch in f) >= 3 or len(f) >= 4]


def key_forms(q: dict) -> list[tuple[str, str]]:
    """(kind, plaintext) pairs that must not appear in student-facing files."""
    kind, forms = q["type"], []
    if kind == "text":
        for variant in [q["answer"], *q.get("accept", [])]:
            forms += [("text", variant), ("text", normalize.normalize_text(variant))]
    if kind == "numeric":
        forms += [("number", f) for f in _number_forms(q["answer"])]
    if kind == "match":
        forms += [("pair", f'"{left}": "{right}"') for left, right in q["answer"].items()]
    if kind == "order":
        forms += [("order", json.dumps(q["answer"])), ("order", ", ".join(q["answer"]))]
    if kind in questions.AUTO_CHECKED:
        texts = [q.get("explanation", "")]
        texts += [o.get("feedback", "") for o in q.get("options", [])]
        texts += [m["feedback"] for m in q.get("mistakes", [])]
        forms += [("prose", " ".join(t.split())[:60]) for t in texts if len(" ".join(t.split())) >= 30]
    return [(k, f) for k, f in forms if len(f.strip()) >= 4 or k == "number"]


def _python_strings(path: Path) -> str:
    """String literals of a module that are not docstrings."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = getattr(node, "body", [])
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docstrings.add(id(body[0].value))
    return "\n".join(node.value for node in ast.walk(tree)
                     if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings)


def student_files(package=PACKAGE, exercises=EXERCISES, extra=()):
    """(name, text, scope) of every student-facing text. ``scope`` is None when any key found
    in the text is a leak (code, data), or the set of question ids the text belongs to: a bank
    entry belongs to its question, an exercise notebook to the questions it asks. A number or
    name that a lesson teaches may appear next to another question; next to its own it is a
    spoiler."""
    files = []
    for folder in (package, exercises):
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            if not path.is_file() or "__pycache__" in path.parts or path.suffix in (".pyc", ".png"):
                continue
            name = str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else path.name
            try:
                text = _python_strings(path) if path.suffix == ".py" else path.read_text(encoding="utf-8")
            except (UnicodeDecodeError, SyntaxError):
                continue
            if path.name == "question_bank.json":
                files += bank_texts(json.loads(text), name)
            elif folder == exercises and path.suffix == ".ipynb":
                files.append((name, *notebook_text(text)))
            else:
                files.append((name, text, None))
    return files + list(extra)


QUOTED_ID = re.compile(r"[\"']([a-z0-9][a-z0-9_-]*(?:\.[a-z0-9_-]+)+)[\"']")


def _joined(value) -> str:
    """A notebook field as text: a string, a list of strings (nbformat's lines) or JSON."""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "".join(value)
    return json.dumps(value, ensure_ascii=False)


def notebook_text(raw: str) -> tuple[str, set]:
    """(text, scope) of a notebook as a student reads it: every cell's source and every output
    (streams and each data type), with JSON's escaping undone, so ``ask("a5.levy-thesis")`` is found
    as written and a key with quotes or non-ASCII letters in it is found too. The scope is the
    question ids quoted anywhere in it (the cells that ask them, the answer records)."""
    nb = json.loads(raw)
    parts = [_joined(nb.get("metadata", {}))]
    for cell in nb.get("cells", []):
        parts += [_joined(cell.get("source", "")), _joined(cell.get("metadata", {}))]
        for output in cell.get("outputs", []):
            parts += [_joined(output.get("text", "")), _joined(output.get("traceback", []))]
            parts += [_joined(data) for data in output.get("data", {}).values()]
    text = "\n".join(parts)
    return text, set(QUOTED_ID.findall(text))


def bank_texts(bank: dict, name: str):
    """The compiled bank, one text per question (its scope), as the student's package has it."""
    return [(f"{name} [{qid}]", json.dumps(q, ensure_ascii=False), {qid}) for qid, q in bank["questions"].items()]


def _pattern(kind: str, form: str) -> re.Pattern:
    if kind == "number":
        return re.compile(r"(?<![0-9A-Za-z.,])" + re.escape(form) + r"(?![0-9A-Za-z]|[.,]\d)")
    if kind == "text":
        return re.compile(r"(?<!\w)" + re.escape(form) + r"(?!\w)", re.I)
    return re.compile(re.escape(form))


def leaks(qs: list[dict], files) -> list[str]:
    found = []
    for q in qs:
        for kind, form in key_forms(q):
            pattern = _pattern(kind, form)
            for name, text, scope in files:
                if (scope is None or q["id"] in scope or kind == "prose") and pattern.search(text):
                    found.append(f"{q['id']}: {kind} key {form!r} found in {name}")
    return found


# --------------------------------------------------------------------------------------


def test_real_bank_marks_no_answer():
    bank = json.loads((PACKAGE / "question_bank.json").read_text(encoding="utf-8"))
    assert structural_problems(bank) == []


def test_no_real_key_in_student_files():
    qs = [q for _, q in authoring.read_sources(REAL_SOURCES)]
    assert qs, "the real question bank has no questions"
    assert leaks(qs, student_files()) == []


def test_fixture_bank_marks_no_answer_and_leaks_nothing():
    qs = [q for _, q in authoring.read_sources(FIXTURES)]
    bank = authoring.build_bank(FIXTURES, check_sources=False)
    assert structural_problems(bank) == []
    # Only the bank: fixture answers are names the package's own prose may mention.
    assert leaks(qs, bank_texts(bank, "fixture bank")) == []


def test_the_scanner_finds_a_leak():
    """A bank with a plaintext key, an answer field and unsealed feedback is caught."""
    qs = [q for _, q in authoring.read_sources(FIXTURES)]
    bank = authoring.build_bank(FIXTURES, check_sources=False)
    bank["questions"]["fx.single"]["options"][1]["correct"] = True
    bank["questions"]["fx.multi"]["options"][0]["feedback"] = "Adopted on 16 March 1921."
    bank["questions"]["fx.text"]["hint_answer"] = "Shliapnikov"
    bank["questions"]["fx.exact"]["note"] = "The key is 732,521 members."
    problems = structural_problems(bank)
    assert any("fx.single" in p and "'correct'" in p for p in problems)
    assert any("fx.multi" in p and "plaintext" in p for p in problems)
    assert any("fx.text.hint_answer" in p for p in problems)
    found = leaks(qs, bank_texts(bank, "leaky.json"))
    assert any("fx.text" in f and "Shliapnikov" in f for f in found)
    assert any("fx.exact" in f and "732,521" in f for f in found)
    assert leaks(qs, [("hashes.json", "a732521b 7325210 0.7012 1732521 ab0.701", None)]) == []
    assert leaks(qs, [("lesson text of another question", "732,521 members", {"fx.single"})]) == []
    exercise = 'ask("fx.exact")\n"The delegates represented 732 521 members."'
    assert leaks(qs, [("exercise", exercise, {"fx.exact"})]) != []
    assert leaks(qs, [("helpers code", "message = 'for example 732521'", None)]) != []


@pytest.mark.parametrize("qid", ["fx.numeric", "fx.exact", "fx.text", "fx.match", "fx.order"])
def test_every_fixture_key_has_searchable_forms(qid):
    q = next(q for _, q in authoring.read_sources(FIXTURES) if q["id"] == qid)
    kinds = {kind for kind, _ in key_forms(q)}
    assert kinds - {"prose"}, qid


# --- what the seal does and does not do (see helpers.sealing) --------------------------

def _real():
    bank = json.loads((PACKAGE / "question_bank.json").read_text(encoding="utf-8"))["questions"]
    return bank, {q["id"]: q for _, q in authoring.read_sources(REAL_SOURCES)}


def test_no_two_sealed_texts_share_a_keystream():
    """XOR of the sealed explanation and sources used to cancel the keystream and show the
    explanation (with the answer in it) without any guessing."""
    from helpers.sealing import derive_key, subkey, _keystream
    bank, yaml = _real()
    for qid, entry in bank.items():
        if entry["type"] not in questions.AUTO_CHECKED or questions.record_only(entry):
            continue
        xored = bytes(a ^ b for a, b in zip(bytes.fromhex(entry["explanation"]), bytes.fromhex(entry["sources"])))
        plain = yaml[qid]["explanation"].strip().encode("utf-8")
        sources = json.dumps(list(yaml[qid].get("source_ids", []))).encode("utf-8")
        # with one keystream, xored == plain XOR sources (zero-padded) at every byte
        same = bytes(a ^ b for a, b in zip(plain, sources.ljust(len(plain), b"\0")))
        assert xored[:len(same)] != same, qid
        key = derive_key(entry["salt"], "content", "x")
        assert _keystream(subkey(key, "explanation"), 64) != _keystream(subkey(key, "sources"), 64)


def test_the_right_options_feedback_does_not_open_with_its_public_id():
    from helpers.sealing import derive_key, unseal
    bank, yaml = _real()
    singles = [qid for qid, q in bank.items() if q["type"] == "single" and not questions.record_only(q)]
    assert singles
    for qid in singles:
        right = yaml[qid]["answer"]
        written = next((o.get("feedback") or "").strip() for o in yaml[qid]["options"] if o["id"] == right)
        sealed = next(o["feedback"] for o in bank[qid]["options"] if o["id"] == right)
        assert unseal(sealed, derive_key(bank[qid]["salt"], "feedback", right)) != written or not written, qid
        result = questions.evaluate(qid, right)
        assert result.correct and (written in result.message), qid


def test_salts_come_from_the_whole_question_not_its_id():
    from helpers.sealing import question_salt
    bank, yaml = _real()
    for qid, entry in bank.items():
        if questions.record_only(entry):   # an on-submit entry has no salt at all
            assert "salt" not in entry, qid
            continue
        assert entry["salt"] != question_salt(qid), qid
        assert entry["salt"] == question_salt(qid, yaml[qid])
    q = dict(next(iter(yaml.values())))
    changed = {**q, "answer": "something else"}
    assert question_salt(q["id"], q) != question_salt(q["id"], changed)


def keyed_assignments(bank: dict) -> str:
    """A sentence per assignment whose questions (ids aN.*) the bank compiled as instant, with
    answer material, and how to fix it; "" when there is none."""
    keyed: dict[str, list[str]] = {}
    for qid, q in sorted(bank.items()):
        if re.match(r"a\d+\.", qid) and q.get("mode") != "on-submit":
            keyed.setdefault(q["notebook"], []).append(qid)
    return " ".join(
        f"{', '.join(ids)} {'is' if len(ids) == 1 else 'are'} compiled as instant questions, so src/helpers/question_bank.json gives "
        "students their answer hashes and sealed explanations, which is wrong for a graded assignment. "
        f'Fix: give solutions/{notebook}.ipynb the notebook metadata "course": {{"feedback": "on-submit"}} '
        "(the bank reads the mode from there, not from the YAML), then run `course build-bank` and commit."
        for notebook, ids in keyed.items())


def test_a_keyed_assignment_is_reported_in_a_sentence():
    bank = json.loads((PACKAGE / "question_bank.json").read_text(encoding="utf-8"))["questions"]
    qid = next(qid for qid in bank if qid.startswith("a1."))
    bank[qid] = {**bank[qid], "salt": "00"}
    del bank[qid]["mode"]
    message = keyed_assignments(bank)
    assert message.startswith(f"{qid} is compiled as instant questions") and message.count("Fix:") == 1
    assert f"solutions/{bank[qid]['notebook']}.ipynb" in message and "`course build-bank`" in message


def test_on_submit_assignments_ship_no_answer_material():
    """Every question of a1-a5 is on-submit: its compiled entry holds nothing to check an answer
    with (no salt, hash or sealed text), and no student file holds a hash of any of them."""
    bank = json.loads((PACKAGE / "question_bank.json").read_text(encoding="utf-8"))["questions"]
    assignment = {qid: q for qid, q in bank.items() if re.match(r"a\d+\.", qid)}
    assert assignment, "no assignment question (id aN.*) in the compiled bank"
    assert not keyed_assignments(bank), keyed_assignments(bank)
    for qid, q in assignment.items():
        assert set(q) <= ON_SUBMIT_FIELDS, (qid, set(q) - ON_SUBMIT_FIELDS)
        for entries in (q.get(name, []) for name in ("options", "items", "left", "right")):
            assert all(set(entry) == {"id", "text"} for entry in entries), qid
        assert not HEX64.search(json.dumps(q)), f"{qid}: a hash or sealed text in the student bank"
        assert "explanation" not in q, f"{qid}: an assignment never ships its explanation or marking guide"
    for path in sorted(EXERCISES.glob("*.ipynb")):
        assert not HEX64.search(path.read_text(encoding="utf-8")), f"{path.name}: a hash or sealed text"
    # and no explanation, option feedback or mistake feedback of theirs is anywhere a student looks
    qs = [q for _, q in authoring.read_sources(REAL_SOURCES) if q["id"] in assignment]
    texts = [t for q in qs for t in [q.get("explanation", ""), q.get("guidance", ""),
                                     *(o.get("feedback", "") for o in q.get("options", [])),
                                     *(m["feedback"] for m in q.get("mistakes", []))] if len(t) >= 30]
    files = student_files()
    for text in texts:
        needle = " ".join(text.split())[:60]
        assert not [name for name, body, _ in files if needle in " ".join(body.split())], needle


def test_the_scanner_finds_a_leak_planted_in_an_exercise(tmp_path):
    """Each exercise is read as a notebook, so its asked ids are in scope although the file
    stores them as \\"a5.levy-thesis\\"; a key planted in a markdown cell or in an output is found."""
    qs = [q for _, q in authoring.read_sources(REAL_SOURCES)]
    clean = student_files(package=tmp_path / "no-package")
    assert clean and all(scope for _, _, scope in clean), "an exercise without any question id in scope"
    assert leaks(qs, clean) == []
    q = next(q for q in qs if q["id"] == "a5.levy-thesis")
    plant = f'The historian you want is {q["answer"]}.'
    for where in ("markdown", "output"):
        folder = tmp_path / where
        folder.mkdir()
        nb = json.loads((EXERCISES / "a5_lenin_enrollment.ipynb").read_text(encoding="utf-8"))
        if where == "markdown":
            nb["cells"].append({"cell_type": "markdown", "id": "planted", "metadata": {}, "source": [plant]})
        else:
            code = next(c for c in nb["cells"] if c["cell_type"] == "code" and '"a5.levy-thesis"' in "".join(c["source"]))
            code["outputs"] = [{"output_type": "stream", "name": "stdout", "text": [plant + "\n"]}]
        (folder / "a5_lenin_enrollment.ipynb").write_text(json.dumps(nb, indent=1), encoding="utf-8")
        found = leaks(qs, student_files(package=tmp_path / "no-package", exercises=folder))
        assert any(f.startswith("a5.levy-thesis: text key") for f in found), (where, found)
