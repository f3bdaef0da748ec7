"""Question levels, and lesson questions that cannot be answered by copying.

Every bank question carries ``level: recall | apply | analyse | evaluate`` (the schema requires
it). A lesson notebook may be at most 20% ``recall`` (``authoring.check_recall_share``), and
no lesson question's right answer may be printed in the output of the cell just above its
``ask()``: a student who copies a number printed a few lines up has learnt nothing.

What counts as "printed just above" (``printed_answer``):

* **the cell just above** is the nearest code cell before the ``ask()`` cell that shows
  something other than questions: cells whose outputs are only question widgets and answer
  records (another ``ask()``) or nothing are skipped, so two questions in a row are both
  checked against the table or chart before them;
* **its output** is the plain text of every output (stream text and ``text/plain``, which
  holds printed tables and each figure's caption and description);
* a **numeric** answer counts as printed if a number in that text is within the question's
  own tolerance of it (exactly equal when the tolerance is 0), after normalising the number's
  format: thousands separators are dropped (``732,521`` = ``732521``), ``−`` is a minus sign,
  ``49`` = ``49.0``, and for a ``%`` answer a printed fraction counts too (``0.478`` for
  ``47.8``). A number that starts a line of a printed table is its row label, not a value,
  and is ignored;
* a **text** answer, or the text of a right option of a **single** or **multi** question,
  counts as printed if its folded form (``helpers.normalize.fold``: case, accents,
  punctuation) appears as whole words in the folded output;
* order, match and reflection questions have no single value to copy and are not checked.
"""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from pathlib import Path

import nbformat
import pytest

from course import authoring
from helpers.normalize import fold
from helpers.questions import BankError

ROOT = Path(__file__).resolve().parents[2]
REAL_SOURCES = ROOT / "solutions" / "question-bank"
LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]*_*.ipynb"))

ASK = re.compile(r"""\bask\(\s*["']([^"']+)["']\s*\)""")
NUMBER = re.compile(r"(?<![\w.])[-\u2212]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\w])")
from helpers.records import RECORD_MIME as ANSWER_MIME  # noqa: E402 - the one definition


@pytest.fixture(scope="module")
def bank():
    return {q["id"]: q for _, q in authoring.read_sources(REAL_SOURCES)}


# --------------------------------------------------------------------------------------
# Levels and the recall limit


def test_every_question_has_a_level(bank):
    missing = sorted(qid for qid, q in bank.items() if q.get("level") not in authoring.LEVELS)
    assert not missing, f"questions without a valid level: {missing}"


def test_lessons_are_at_most_a_fifth_recall(bank):
    authoring.check_recall_share(bank.values())



def _question(qid, notebook, level):
    return {"id": qid, "notebook": notebook, "level": level}


def test_validator_fails_a_recall_heavy_lesson_and_names_its_questions():
    lesson = [_question(f"l9.q{i}", "09_test", "recall" if i < 2 else "apply") for i in range(6)]
    with pytest.raises(BankError) as info:
        authoring.check_recall_share(lesson)
    message = str(info.value)
    assert "09_test: 2 of 6" in message and "l9.q0, l9.q1" in message and "at most 1" in message
    authoring.check_recall_share(lesson[1:])          # 1 of 5 is exactly 20%: allowed
    authoring.check_recall_share(lesson, exempt={"09_test"})


def test_assignments_may_be_all_recall():
    assignment = [_question(f"a9.q{i}", "a9_test", "recall") for i in range(4)]
    authoring.check_recall_share(assignment)
    assert authoring.is_lesson("00b_pandas_primer") and authoring.is_lesson("01_moscow")
    assert not authoring.is_lesson("a1_moscow_1920")


@pytest.mark.parametrize("level_line, expected", [
    ("", r"t\.q.*'level' is a required property"),
    ("    level: remember\n", r"t\.q.*level: 'remember' is not one of"),
])
def test_schema_requires_a_known_level(tmp_path, level_line, expected):
    text = ("notebook: 01_test\nquestions:\n  - id: t.q\n    type: single\n" + level_line +
            "    prompt: Which?\n    options:\n      - {id: a, text: A}\n      - {id: b, text: B}\n"
            "    answer: a\n    explanation: Because.\n    source_ids: []\n")
    (tmp_path / "q.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(BankError, match=expected):
        authoring.build_bank(tmp_path, known_sources=set())


# --------------------------------------------------------------------------------------
# No answer printed just above its ask()


def _plain_outputs(cell) -> str:
    texts = []
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream":
            texts.append(output.get("text", ""))
            continue
        data = output.get("data", {})
        if ANSWER_MIME in data:
            continue
        plain = data.get("text/plain", "")
        plain = "".join(plain) if isinstance(plain, list) else plain
        if re.fullmatch(r"Question \S+ \(interactive\)", plain.strip()):
            continue
        texts.append(plain)
    return "\n".join(t for t in texts if t.strip())


def _numbers(text: str) -> list[Decimal]:
    found = []
    for line in text.splitlines():
        for match in NUMBER.finditer(line):
            if not line[:match.start()].strip():
                continue  # a row label of a printed table
            token = match.group(0).replace(",", "").replace("\u2212", "-")
            try:
                found.append(Decimal(token))
            except InvalidOperation:
                continue
    return found


def printed_answer(q: dict, text: str) -> str | None:
    """What of question q's right answer appears in text (see the module docstring), or None."""
    kind = q["type"]
    if kind == "numeric":
        answer = Decimal(repr(q["answer"]))
        tolerance = Decimal(repr(q.get("tolerance", 0)))
        for x in _numbers(text):
            candidates = [x, x * 100] if q.get("unit") == "%" else [x]
            if any(abs(c - answer) <= tolerance for c in candidates):
                return f"the number {x} (answer {answer} ± {tolerance})"
        return None
    if kind == "text":
        forms = [q["answer"], *q.get("accept", [])]
    elif kind == "single":
        forms = [next(o["text"] for o in q["options"] if o["id"] == q["answer"])]
    elif kind == "multi":
        forms = [o["text"] for o in q["options"] if o["id"] in q["answer"]]
    else:
        return None
    haystack = f" {fold(text)} "
    for form in forms:
        if fold(form) and f" {fold(form)} " in haystack:
            return f"the text {form!r}"
    return None


def asks_with_output_above(path: Path):
    """(question id, id of the cell just above, its plain output) for every ask() in a notebook."""
    cells = nbformat.read(path, as_version=4).cells
    for i, cell in enumerate(cells):
        if cell.cell_type != "code":
            continue
        for qid in ASK.findall(cell.source):
            above = next((c for c in reversed(cells[:i]) if c.cell_type == "code" and _plain_outputs(c)), None)
            yield qid, (above.get("id") if above else None), (_plain_outputs(above) if above else "")


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_no_lesson_answer_is_printed_just_above_its_ask(path, bank):
    found = []
    for qid, cell_id, text in asks_with_output_above(path):
        assert qid in bank, f"{path.name} asks {qid!r}, which is not in the question bank"
        hit = printed_answer(bank[qid], text)
        if hit:
            found.append(f"{qid}: {hit} is in the output of cell {cell_id}")
    assert not found, f"{path.name}: answers printed just above the question:\n" + "\n".join(found)


def test_the_check_finds_copied_numbers_and_texts():
    numeric = {"type": "numeric", "answer": 49.0, "tolerance": 0.6, "unit": "%"}
    assert printed_answer(numeric, "   source_id  persons  fall_percent\n2  sorokin  1028000  49.1")
    assert printed_answer(numeric, "the fall was 0.49 of the population")          # fraction for %
    assert not printed_answer(numeric, "   x\n49  1028000")                         # a row label
    assert not printed_answer(numeric, "the fall was 51.0 per cent")
    exact = {"type": "numeric", "answer": 732521, "tolerance": 0, "unit": "members"}
    assert printed_answer(exact, "represented: 732,521 members")
    assert not printed_answer(exact, "represented: 732,522 members")
    text = {"type": "text", "answer": "Shliapnikov", "accept": []}
    assert printed_answer(text, "theses read by A. G. SHLYAPNIKOV at the congress")
    assert not printed_answer(text, "Shliapnikovite theses")
    single = {"type": "single", "answer": "b", "options": [{"id": "a", "text": "Hunger"},
                                                            {"id": "b", "text": "Who the strikers were"}]}
    assert printed_answer(single, "It is about who the strikers were.")
    assert not printed_answer({"type": "order", "answer": ["a"]}, "a")
