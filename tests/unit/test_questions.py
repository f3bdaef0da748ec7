"""The question bank: normalisation (helpers.normalize), building from YAML and the instructor
key (course.authoring), and the pure evaluate() (helpers.questions).

Most tests run on a fixture bank (tests/fixtures/question-bank) with one question of every
type, so they do not change when lesson writers add questions; the real bank is covered by
the drift test and by a round trip of every key through evaluate().
"""
import json
import math
import re
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import normalize, questions

from course import authoring
from helpers.normalize import fold
from helpers.questions import BankError, evaluate

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "question-bank"
REAL_SOURCES = ROOT / "solutions" / "question-bank"
STATUSES = {"correct", "incorrect", "invalid", "recorded", "unknown"}


pytestmark = [pytest.mark.usefixtures("fixture_bank"),  # the engine test bank, from conftest
              pytest.mark.slow]  # property tests of a thousand answers each; scheduled first (conftest.py)


# --------------------------------------------------------------------------------------
# Normalisation


@pytest.mark.parametrize("a, b", [
    ("Shliapnikov", "Shlyapnikov"), ("Shliapnikov", "SHLIAPNIKOV "), ("Shliapnikov", "Шляпников"),
    ("Zinov'ev", "Zinoviev"), ("Zinov'ev", "Zinov’ev"), ("Zinov'ev", "Zinovyev"), ("Zinov'ev", "Зиновьев"),
    ("Kollontai", "Kollontay"), ("Kollontai", "Коллонтай"), ("Trotskii", "Trotsky"), ("Trotskii", "Trotskij"),
    ("Aleksandra", "Alexandra"), ("Fedor", "Fyodor"), ("Workers' Opposition", "the workers opposition"),
    ("Workers' Opposition", "WORKERS’ OPPOSITION!"), ("Kronstadt", "Krónstadt"), ("Iurii", "Yuri"),
    ("Democratic Centralists", "democratic   centralists"), ("Ezhov", "Yezhov"),
])
def test_fold_meets_transliteration_variants(a, b):
    assert fold(a) == fold(b)


@pytest.mark.parametrize("a, b", [
    ("Shliapnikov", "Kollontai"), ("Lenin", "Stalin"), ("Sapronov", "Osinskii"), ("1921", "1922"),
])
def test_fold_keeps_different_names_apart(a, b):
    assert fold(a) != fold(b)


def test_normalize_text_is_readable():
    assert normalize.normalize_text("  Zinóv’ev!\u200b ") == "zinovev"
    assert normalize.normalize_text("The Workers' Opposition") == "the workers opposition"


@pytest.mark.parametrize("text, value", [
    ("694", 694), (" 694 ", 694), ("732,521", 732521), ("732 521", 732521), ("0,37", 0.37),
    ("0.37", 0.37), ("37 %", 37), ("37%", 37), ("694 delegates", 694), ("\u2212 5", None),
    ("-5", -5), ("1e3", 1000), ("１２", 12),
])
def test_parse_number(text, value):
    if value is None:
        with pytest.raises(ValueError):
            normalize.parse_number(text, "delegates")
    else:
        assert normalize.parse_number(text, "delegates") == pytest.approx(value)


@pytest.mark.parametrize("text", ["", "abc", "nan", "inf", "1_000", "1,2,3", "12 apples", "x" * 500, "0x10"])
def test_parse_number_refuses_with_a_message(text):
    with pytest.raises(ValueError, match=r"\S"):
        normalize.parse_number(text, "delegates")


def test_word_count():
    assert normalize.word_count("Workers' Opposition, 1921 - the end.") == 5
    assert normalize.word_count("   ") == 0


# --------------------------------------------------------------------------------------
# evaluate(): right and wrong answers of every type


def test_single():
    right = evaluate("fx.single", "kept")
    assert right.correct is True and right.status == "correct" and right.score == 1
    assert right.message.startswith("\u2714 Correct -")
    assert "claim_id" in right.feedback and "competing value" in right.explanation
    wrong = evaluate("fx.single", "typo")
    assert wrong.correct is False and wrong.message.startswith("\u2718 Not yet -")
    assert "kept on purpose" in wrong.feedback and wrong.explanation == "" and wrong.score == 0
    assert right.source_ids == ("lenin-cw-10thcong-notes", "gse-tenth-congress")
    assert wrong.source_ids == ()  # sources open with the answer: an id can name it
    assert "Press Hint" in wrong.message
    assert evaluate("fx.single", "estimate").feedback == ""  # no feedback written for it
    assert evaluate("fx.single", ["kept"]).correct is True   # a one-item list is read as its item


def test_multi():
    right = evaluate("fx.multi", ["syndicalist", "unity"])
    assert right.correct is True and right.normalized == ["unity", "syndicalist"] and right.score == 2
    partial = evaluate("fx.multi", ["unity"])
    assert partial.correct is False and "1 option that applies is not ticked" in partial.message
    extra = evaluate("fx.multi", ("unity", "syndicalist", "appeal"))
    assert extra.correct is False and "1 ticked option does not apply" in extra.message
    assert "February 1922" in extra.feedback
    assert evaluate("fx.multi", {"unity", "syndicalist"}).correct is True


def test_order():
    assert evaluate("fx.order", ["tu-speech", "kronstadt", "congress", "unity"]).correct is True
    wrong = evaluate("fx.order", ["kronstadt", "tu-speech", "congress", "unity"])
    assert wrong.correct is False and "2 of 4 are in the right place" in wrong.message


def test_match():
    answer = {"pamphlet": "kollontai", "crisis": "lenin", "theses": "shliapnikov"}
    assert evaluate("fx.match", answer).correct is True
    wrong = evaluate("fx.match", {**answer, "theses": "trotsky"})
    assert wrong.correct is False and "2 of 3 matches are right" in wrong.message


def test_numeric_with_tolerance_and_mistake():
    for value in (0.701, 0.6960, 0.7060, "0,701", "0.70", np.float64(0.7012), Decimal("0.701"), Fraction(701, 1000)):
        assert evaluate("fx.numeric", value).correct is True, value
    for value in (0.69, 0.712, 7.01, -0.701):
        assert evaluate("fx.numeric", value).correct is False, value
    mistake = evaluate("fx.numeric", 70.1)
    assert mistake.correct is False and "percentage" in mistake.feedback


def test_numeric_exact():
    for value in (732521, 732521.0, "732,521", "732 521", "732521 members", np.int64(732521), np.array(732521)):
        assert evaluate("fx.exact", value).correct is True, value
    for value in (732520, 732521.5, 732522):
        assert evaluate("fx.exact", value).correct is False, value
    assert "voting delegates" in evaluate("fx.exact", 694).feedback


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.floats(min_value=-3, max_value=3, allow_nan=False))
def test_numeric_acceptance_band(x):
    """Within the tolerance always right; 1.25 x tolerance or further always wrong."""
    key, tolerance = Decimal("0.701"), Decimal("0.005")
    distance = abs(Decimal(repr(x)) - key)
    correct = evaluate("fx.numeric", x).correct
    if distance <= tolerance:
        assert correct is True
    elif distance >= tolerance * Decimal("1.25"):
        assert correct is False


def test_text_variants_and_mistakes():
    for value in ("Shliapnikov", "shlyapnikov", "Шляпников", "Aleksandr Shliapnikov", "A. G. Shliapnikov",
                  "  SHLIAPNIKOV. ", "Aleksandr Shlyapnikov"):
        assert evaluate("fx.text", value).correct is True, value
    wrong = evaluate("fx.text", "Kollontay")
    assert wrong.correct is False and "metalworkers" in wrong.feedback
    assert evaluate("fx.text", "Lenin").feedback == ""
    for value in ("Zinoviev", "Zinovyev", "zinov’ev", "Зиновьев"):
        assert evaluate("fx.zinoviev", value).correct is True, value
    assert evaluate("fx.zinoviev", "Zinoviev").score == 0.5


def test_reflection_is_recorded_not_marked():
    result = evaluate("fx.reflection", "The credentials commission counted at the congress itself.")
    assert result.status == "recorded" and result.correct is None and result.score is None
    assert result.word_count == 8 and result.message.startswith("\u270e Saved -")
    assert "Historians ask" in result.explanation
    short = evaluate("fx.reflection", "Too short.")
    assert short.status == "recorded" and "at least 5 words" in short.message


# --------------------------------------------------------------------------------------
# evaluate(): bad input gets a message, never an exception

BAD_INPUTS = {
    "fx.single": [None, "", "   ", 3, 2.5, True, ["kept", "typo"], {"a": 1}, "nonexistent", "x" * 100_000,
                  "\ud800", float("nan"), b"kept", pd.NA],
    "fx.multi": [None, [], "unity", [None], ["unity", 3], ["nope"], {"unity": True}, list(range(500)),
                 np.array(["unity"]), pd.NA],
    "fx.order": [None, [], ["tu-speech"], ["tu-speech"] * 4, ["tu-speech", "kronstadt", "congress", None],
                 ["tu-speech", "kronstadt", "congress", "unity", "unity"], "tu-speech", 5, pd.NA],
    "fx.match": [None, {}, {"pamphlet": "kollontai"}, {"pamphlet": None, "crisis": "lenin", "theses": "lenin"},
                 {"nope": "lenin"}, {"pamphlet": 3}, {1: "lenin"}, ["kollontai"], "lenin", pd.NA],
    "fx.numeric": [None, "", "  ", "abc", float("nan"), float("inf"), -float("inf"), True, np.bool_(True),
                   10 ** 400, Fraction(10 ** 400, 3), complex(1, 1), [0.7], pd.Series([0.701]),
                   np.array([0.7, 0.8]), pd.NA, pd.NaT, Decimal("NaN"), Decimal("sNaN"), "1e5000", object()],
    "fx.exact": [None, "", 732521.5 + 1e-7j, "seven hundred", float("nan"), pd.DataFrame({"a": [1]})],
    "fx.text": [None, "", "   ", "!!!", ["Shliapnikov"], {"a": 1}, "x" * 5000, "\ud800\udfff", True, pd.NA,
                b"Shliapnikov"],
    "fx.reflection": [None, "", "   ", 42, ["text"], "x " * 40_000, "\u0000\u200b", pd.NA],
}


def _input_id(value) -> str:
    """A test id that is the same in every process (pytest-xdist workers must agree): a repr
    without the memory address that ``object()`` and friends print."""
    text = value if isinstance(value, str) else re.sub(r" at 0x[0-9a-fA-F]+", "", repr(value))
    return text[:30]


@pytest.mark.parametrize("qid, answer", [(q, a) for q, answers in BAD_INPUTS.items() for a in answers],
                         ids=_input_id)
def test_bad_input_gets_a_message(qid, answer):
    result = evaluate(qid, answer)
    assert result.status in ("invalid", "incorrect", "recorded"), result.message
    if result.status == "invalid":
        assert result.correct is None and result.message.startswith("\u26a0 Check your answer -")
        assert len(result.message) > len("\u26a0 Check your answer - ") + 5
    json.dumps(result.to_dict(), ensure_ascii=False).encode("utf-8")


def test_unknown_question_gets_a_message():
    close = evaluate("fx.singel", "kept")
    assert close.status == "unknown" and "Did you mean 'fx.single'" in close.message
    for qid in (None, 3, ["fx.single"], "", "x" * 10_000):
        result = evaluate(qid, "kept")
        assert result.status == "unknown" and result.correct is None
        assert len(result.message) < 300


def test_damaged_bank_entry_names_the_question(fixture_bank, tmp_path, monkeypatch):
    bank = json.loads(fixture_bank.read_text(encoding="utf-8"))
    del bank["questions"]["fx.single"]["options"]
    bank["questions"]["fx.multi"]["options"][0] = "not a dict"
    damaged = tmp_path / "question_bank.json"
    damaged.write_text(json.dumps(bank), encoding="utf-8")
    monkeypatch.setenv("COURSE_QUESTION_BANK", str(damaged))
    result = evaluate("fx.single", "kept")
    assert result.status == "error" and "'fx.single'" in result.message and "'options'" in result.message
    with pytest.raises(BankError, match="fx.single.*options"):
        questions.question("fx.single")
    assert evaluate("fx.multi", ["unity"]).status == "error"


def test_missing_or_corrupt_bank_file(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_QUESTION_BANK", str(tmp_path / "nothing.json"))
    assert evaluate("fx.single", "kept").status == "error"
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    monkeypatch.setenv("COURSE_QUESTION_BANK", str(bad))
    result = evaluate("fx.single", "kept")
    assert result.status == "error" and "damaged" in result.message


# --------------------------------------------------------------------------------------
# Property tests: evaluate() never raises, for any input (>= 1,000 examples per type)

_text = st.text(st.characters(exclude_categories=()), max_size=60)
_odd = [pd.NA, pd.NaT, np.nan, np.float64(0.701), np.int64(732521), np.bool_(False), np.array(0.701),
        np.array([1, 2]), pd.Series([0.701]), pd.Series([], dtype=float), object(), Ellipsis, float]
# Cheap constructions (st.decimals/st.fractions are several times slower to draw).
_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(0, 5).map(lambda k: -(10 ** (300 + 100 * k))),
    st.floats(allow_nan=True, allow_infinity=True), st.integers().map(Decimal),
    st.sampled_from(["NaN", "sNaN", "-Infinity", "1e999999", "1e-999999"]).map(Decimal),
    st.builds(Fraction, st.integers(), st.integers(1, 10 ** 6)), st.builds(complex, st.floats(), st.floats()),
    _text, st.binary(max_size=20), st.sampled_from(range(len(_odd))).map(lambda i: _odd[i]),
    st.builds(lambda: "x" * 20_000), st.builds(lambda: "\ud800"), st.builds(lambda: "\u202e\u0301" * 50),
)


def _anything(ids):
    """Any value: scalars of every kind, ids, and containers of them one or two levels deep."""
    ids = st.sampled_from(ids) | _text
    leaf = _scalars | ids
    containers = (st.lists(leaf, max_size=5) | st.tuples(leaf, leaf) | st.frozensets(ids, max_size=4)
                  | st.dictionaries(ids | st.integers(), leaf, max_size=4))
    return leaf | containers | st.lists(containers, max_size=3) | st.dictionaries(ids, containers, max_size=3)


_IDS = {
    "fx.single": ["kept", "typo", "estimate"],
    "fx.multi": ["unity", "syndicalist", "appeal"],
    "fx.order": ["tu-speech", "kronstadt", "congress", "unity"],
    "fx.match": ["pamphlet", "crisis", "theses", "kollontai", "lenin", "shliapnikov", "trotsky"],
    "fx.numeric": ["0.701", "70.1", "0,7", "1e3", "-0"],
    "fx.text": ["Shliapnikov", "Шляпников", "Kollontai"],
    "fx.reflection": ["A short reflection.", ""],
}
_NEAR_VALID = {
    "fx.multi": st.lists(st.sampled_from(_IDS["fx.multi"]), max_size=4),
    "fx.order": st.permutations(_IDS["fx.order"]) | st.lists(st.sampled_from(_IDS["fx.order"] + [None]), max_size=5),
    "fx.match": st.dictionaries(st.sampled_from(["pamphlet", "crisis", "theses"]),
                                st.sampled_from(["kollontai", "lenin", "shliapnikov", "trotsky", None])),
    "fx.numeric": st.floats(min_value=-1e6, max_value=1e6) | st.integers(-10 ** 6, 10 ** 6).map(str),
}


def _property_test(qid):
    """A test proving evaluate() never raises for 1,000 generated answers to question ``qid``."""
    strategy = _anything(_IDS[qid])
    if qid in _NEAR_VALID:
        strategy = strategy | _NEAR_VALID[qid]

    @settings(max_examples=1000, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(answer=strategy)
    def test(answer):
        result = evaluate(qid, answer)
        assert result.status in STATUSES, result.message
        assert isinstance(result.message, str) and result.message
        json.dumps(result.to_dict(), ensure_ascii=False).encode("utf-8")

    return test


test_single_never_raises = _property_test("fx.single")
test_multi_never_raises = _property_test("fx.multi")
test_order_never_raises = _property_test("fx.order")
test_match_never_raises = _property_test("fx.match")
test_numeric_never_raises = _property_test("fx.numeric")
test_text_never_raises = _property_test("fx.text")
test_reflection_never_raises = _property_test("fx.reflection")


# --------------------------------------------------------------------------------------
# Building: determinism, drift, schema, author mistakes


def test_build_is_deterministic():
    first = authoring.dumps(authoring.build_bank(FIXTURES, check_sources=False))
    second = authoring.dumps(authoring.build_bank(FIXTURES, check_sources=False))
    assert first == second
    bank = json.loads(first)
    assert list(bank)[0] == "_generated" and "GENERATED" in bank["_generated"]
    assert "solutions/question-bank" in bank["_generated"]


def test_committed_bank_matches_the_yaml(monkeypatch, capsys):
    """Drift test: src/helpers/question_bank.json is exactly what the YAML compiles to."""
    monkeypatch.delenv("COURSE_QUESTION_BANK")
    monkeypatch.delenv("COURSE_QUESTION_SOURCES")
    code = authoring.main(["--check"])
    assert code == 0, capsys.readouterr().err + "\nRun `course build-bank` and commit the result."


def test_build_and_check_cycle(tmp_path, monkeypatch, capsys):
    """--check exits 1 and names the file on drift; a build makes it pass; rebuilding changes nothing."""
    folder = tmp_path / "bank-src"
    folder.mkdir()
    (folder / "a.yaml").write_text((REAL_SOURCES / "00_start_here.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    target = tmp_path / "question_bank.json"
    monkeypatch.setenv("COURSE_QUESTION_SOURCES", str(folder))
    monkeypatch.setenv("COURSE_QUESTION_BANK", str(target))
    assert authoring.main(["--check"]) == 1
    assert "question_bank.json" in capsys.readouterr().err
    assert authoring.main([]) == 0 and target.exists()
    stamp = target.stat().st_mtime_ns
    assert authoring.main(["--check"]) == 0
    assert authoring.main([]) == 0 and target.stat().st_mtime_ns == stamp  # unchanged file not rewritten
    (folder / "a.yaml").write_text((folder / "a.yaml").read_text(encoding="utf-8").replace("points: 1", "points: 2"),
                                   encoding="utf-8")
    assert authoring.main(["--check"]) == 1
    assert "out of date" in capsys.readouterr().err


def test_schema_is_valid_and_readme_examples_pass_it():
    import jsonschema

    schema = json.loads((REAL_SOURCES / "schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    readme = (REAL_SOURCES / "README.md").read_text(encoding="utf-8")
    blocks = [b for b in re.findall(r"```yaml\n(.*?)```", readme, re.S) if b.lstrip().startswith("- id:")]
    kinds = set()
    for block in blocks:
        doc = {"notebook": "readme", "questions": yaml.safe_load(block)}
        authoring._validate_schema(doc, schema, "README.md")
        for q in doc["questions"]:
            q.setdefault("notebook", "readme")
            authoring._validate_semantics(q, "README.md")
            authoring.compile_question(q)
            kinds.add(q["type"])
    assert kinds == set(questions.TYPES)


def _bank_error(tmp_path, text, *, known=None):
    (tmp_path / "q.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(BankError) as info:
        authoring.build_bank(tmp_path, known_sources=known or {"src-a"})
    return str(info.value)


GOOD = """notebook: 01_test
questions:
  - id: t.q
    type: single
    level: recall
    prompt: Which?
    options:
      - {id: a, text: A}
      - {id: b, text: B}
    answer: a
    explanation: Because.
    source_ids: [src-a]
"""


@pytest.mark.parametrize("change, expected", [
    (("    answer: a\n", ""), r"t\.q.*'answer' is a required property"),
    (("      - {id: b, text: B}\n", ""), r"t\.q.*options.*(too short|non-empty|fewer than 2)"),
    (("answer: a", "answer: c"), r"t\.q.*answer 'c' is not an option id"),
    (("    explanation: Because.\n", "    explanation: Because.\n    hnit: typo\n"), r"t\.q.*hnit.*spelling"),
    (("    explanation: Because.\n", "    explanation: Because.\n    unit: delegates\n"), r"t\.q.*unit.*not used by single"),
    (("{id: b, text: B}", "{id: no, text: B}"), r"t\.q.*options\.1\.id.*not of type 'string'.*quote"),
    (("{id: b, text: B}", "{id: correct, text: B}"), r"t\.q.*correct.*would tell"),
    (("[src-a]", "[src-zzz]"), r"t\.q.*src-zzz.*sources\.csv"),
    (("id: t.q", "id: TQ"), r"question 'TQ'.*id.*does not match.*Dotted, lower case"),
    (("    prompt: Which?\n", ""), r"t\.q.*'prompt' is a required property"),
    (("notebook: 01_test\n", ""), r"t\.q.*no notebook"),
])
def test_author_mistakes_name_the_question(tmp_path, change, expected):
    old, new = change
    assert old in GOOD
    message = _bank_error(tmp_path, GOOD.replace(old, new))
    assert re.search(expected, message, re.S), message
    assert "q.yaml" in message


@pytest.mark.parametrize("body, expected", [
    ("type: numeric\n    answer: 0.7\n    unit: share\n", r"non-integer answer needs a tolerance"),
    ("type: numeric\n    answer: 7\n    tolerance: 1\n    unit: x\n    mistakes: [{answer: 8, feedback: F}]\n",
     r"mistake 8 is within the tolerance"),
    ("type: numeric\n    answer: 7\n", r"'unit' is a required property"),
    ("type: text\n    answer: Zinov'ev\n    mistakes: [{answer: Zinoviev, feedback: F}]\n", r"normalises to an accepted"),
    ("type: text\n    answer: '!!!'\n", r"empty after normalisation"),
    ("type: text\n    answer: 1921\n", r"not of type 'string'"),
    ("type: order\n    items: [{id: a, text: A}, {id: b, text: B}]\n    answer: [a, a]\n", r"every item id exactly once"),
    ("type: match\n    left: [{id: a, text: A}, {id: b, text: B}]\n    right: [{id: x, text: X}, {id: y, text: Y}]\n"
     "    answer: {a: x}\n", r"match for every left id"),
    ("type: match\n    left: [{id: a, text: A}, {id: b, text: B}]\n    right: [{id: x, text: X}, {id: y, text: Y}]\n"
     "    answer: {a: x, b: z}\n", r"'z', not a right id"),
    ("type: multi\n    options: [{id: a, text: A}, {id: a, text: B}]\n    answer: [a]\n", r"option ids must be unique"),
    ("type: multi\n    options: [{id: a, text: A}, {id: b, text: B}]\n    answer: []\n", r"answer.*(too short|non-empty|fewer)"),
    ("type: reflection\n    answer: x\n", r"answer.*not used by reflection"),
])
def test_author_mistakes_per_type(tmp_path, body, expected):
    text = ("notebook: n\nquestions:\n  - id: t.q\n    level: apply\n    prompt: P\n    explanation: E\n    source_ids: []\n    "
            + body)
    message = _bank_error(tmp_path, text)
    assert "'t.q'" in message and re.search(expected, message), message


def test_duplicate_ids_across_files_and_bad_yaml(tmp_path):
    (tmp_path / "a.yaml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(GOOD, encoding="utf-8")
    with pytest.raises(BankError, match=r"b\.yaml, question 't\.q': the id is already used in a\.yaml"):
        authoring.build_bank(tmp_path, known_sources={"src-a"})
    (tmp_path / "b.yaml").write_text("questions: [unclosed", encoding="utf-8")
    with pytest.raises(BankError, match=r"b\.yaml is not valid YAML"):
        authoring.build_bank(tmp_path, known_sources={"src-a"})
    (tmp_path / "b.yaml").write_text("", encoding="utf-8")
    with pytest.raises(BankError, match=r"b\.yaml"):
        authoring.build_bank(tmp_path, known_sources={"src-a"})


def test_order_items_are_never_shown_in_answer_order():
    q = {"id": "t.o", "type": "order", "notebook": "n", "prompt": "P", "explanation": "E", "source_ids": [],
         "items": [{"id": "a", "text": "A"}, {"id": "b", "text": "B"}]}
    for answer in (["a", "b"], ["b", "a"]):
        shown = [i["id"] for i in authoring.compile_question({**q, "answer": answer})["items"]]
        assert shown != answer


# --------------------------------------------------------------------------------------
# The real bank: every key round-trips through evaluate()


def _real_questions():
    return [q for _, q in authoring.read_sources(REAL_SOURCES)]


def test_every_real_key_is_accepted(monkeypatch):
    """Through the student bank, or for an on-submit question (no key there: it only records)
    through the keyed entry that `course grade` compiles from the YAML."""
    monkeypatch.delenv("COURSE_QUESTION_BANK")
    monkeypatch.delenv("COURSE_QUESTION_SOURCES", raising=False)
    for q in _real_questions():
        qid, kind = q["id"], q["type"]
        if kind == "reflection":
            assert evaluate(qid, "A reflection of a few words.").status == "recorded"
            continue
        if questions.record_only(questions.question(qid)):
            assert evaluate(qid, q["answer"]).status == "recorded", qid
            keyed = authoring.keyed_entry(qid)
            judge = lambda qid, answer, keyed=keyed: evaluate(qid, answer, entry=keyed)  # noqa: E731
        else:
            judge = evaluate
        answers = [q["answer"]]
        if kind == "text":
            answers += q.get("accept", [])
        if kind == "numeric" and q.get("tolerance"):
            answers += [q["answer"] + q["tolerance"] * 0.99, q["answer"] - q["tolerance"] * 0.99]
        for answer in answers:
            result = judge(qid, answer)
            assert result.correct is True, (qid, answer, result.message)
            if q.get("explanation"):
                assert result.explanation == q["explanation"].strip()
        for mistake in q.get("mistakes", []):
            result = judge(qid, mistake["answer"])
            assert result.correct is False and result.feedback == mistake["feedback"].strip(), qid
        if kind == "numeric":
            off = q["answer"] + max(1.3 * q.get("tolerance", 0), 1)
            assert judge(qid, off).correct is False, qid


# --------------------------------------------------------------------------------------
# Instructor side


def test_answer_key_and_mode(monkeypatch, capsys):
    key = authoring.answer_key("90_fixture")
    assert "fx.single [single, recall, 1 point]" in key and "answer: kept:" in key
    assert "tu-speech" not in key and "1. Lenin's speech on the trade unions" in key
    assert "0.701 share of delegates (accepted within \u00b10.005)" in key
    assert "Shliapnikov (also accepted: Aleksandr Shliapnikov, A. G. Shliapnikov)" in key
    assert "Guidance: Credentials commission" in key
    assert "fx.exact" not in key and "fx.exact" in authoring.answer_key("91_other")
    with pytest.raises(BankError, match="Notebooks: 90_fixture, 91_other"):
        authoring.answer_key("nope")
    assert authoring.key_main(["--notebook", "91_other"]) == 0
    assert "732521 members (exact)" in capsys.readouterr().out
    assert authoring.key_main(["--notebook", "nope"]) == 1

    monkeypatch.delenv("COURSE_MODE", raising=False)
    assert questions.get_mode() == "student"
    monkeypatch.setenv("COURSE_MODE", "instructor")
    assert questions.get_mode() == "instructor"
    questions.set_mode("student")
    try:
        assert questions.get_mode() == "student"
        with pytest.raises(ValueError):
            questions.set_mode("teacher")
    finally:
        questions._MODE.clear()


def test_cli_dispatches_both_commands(capsys):
    from course import cli

    assert cli.main(["key", "--notebook", "90_fixture"]) == 0
    assert "fx.single" in capsys.readouterr().out


def test_import_helpers_stays_light():
    import subprocess
    import sys

    code = "import sys, helpers; print(sorted(m for m in ('yaml', 'jsonschema', 'ipywidgets', 'mistune', 'matplotlib') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_jsonable_never_raises():
    class Broken:
        def __repr__(self):
            raise RuntimeError("no")

    for value in (Broken(), float("nan"), 10 ** 100, {1: {2: {3: {4: {5: 6}}}}}, {"a", "b"}, np.float64(1.5), "\ud800"):
        out = questions.jsonable(value)
        json.dumps(out, ensure_ascii=False).encode("utf-8")
    assert questions.jsonable(np.int64(3)) == 3 and questions.jsonable(float("inf")) == "inf"
    assert math.isclose(questions.jsonable(Decimal("0.5")), 0.5)


# --------------------------------------------------------------------------------------
# Options that do not give the answer away (the rules: solutions/question-bank/README.md)


def _single(qid, notebook, texts, answer):
    """A single-choice question with options o0, o1, ... of these texts; the key is o<answer>."""
    return {"id": qid, "type": "single", "notebook": notebook, "answer": f"o{answer}",
            "options": [{"id": f"o{i}", "text": t} for i, t in enumerate(texts)]}


EVEN = ["a" * 30, "b" * 30, "c" * 30, "d" * 30]  # four options of the same length


def _placed(notebook, positions, prefix="t"):
    return [_single(f"{prefix}.q{i}", notebook, EVEN, p) for i, p in enumerate(positions)]


def test_real_single_choice_keys_carry_no_length_or_position_signal():
    """Per notebook: at most 40% of keys strictly the longest option, and (from 4 single-choice
    questions up, and over the whole bank always) at most 50% in one position."""
    authoring.check_answer_balance(_real_questions())


def test_no_two_real_questions_in_a_row_share_an_answer():
    """In the order a notebook asks them (its ask()/check() calls), no two neighbours have the same answer.

    When this was written it failed on lesson 04's l4.yt-monthly-rate (2.397) and l4.pace-1921
    (2.4), asked one after the other (issue 24); the lesson's author changes one of them."""
    order = authoring.asked_order(ROOT)
    assert len(order["04_nep_and_the_social_contract"]) > 5 and len(order["a1_moscow_1920"]) > 5
    authoring.check_consecutive_answers(_real_questions(), order)


def test_a_planted_longest_key_fails_and_is_named():
    long_key = _single("t.long", "09_test", ["short one", "the right option, written out at length", "short two"], 1)
    with pytest.raises(BankError) as info:
        authoring.check_answer_balance([long_key])
    message = str(info.value)
    assert "09_test" in message and "t.long (39 characters against at most 9)" in message
    assert "as long and as specific as the key" in message
    # a tie is not "the longest", and neither is a key shorter than a distractor
    authoring.check_answer_balance([_single("t.tie", "09_test", ["x" * 20, "y" * 20, "z"], 1)])
    authoring.check_answer_balance([_single("t.short", "09_test", ["x" * 20, "y" * 19, "z"], 1)])
    # white space does not make an option longer: "x x ... x" (21) against 22 y's
    authoring.check_answer_balance([_single("t.space", "09_test", ["x  " * 10 + "x", "y" * 22], 0)])


def test_the_longest_rule_allows_two_in_five():
    keys = [_single(f"t.q{i}", "09_test", ["x" * 20, "y" * 20, "z" * 20], i % 3) for i in range(5)]
    keys[0]["options"][0]["text"] = keys[1]["options"][1]["text"] = "k" * 30   # two keys the longest
    authoring.check_answer_balance(keys)            # 2 of 5 = 40%: allowed
    keys[2]["options"][2]["text"] = "k" * 30
    with pytest.raises(BankError, match=r"09_test: the right option is the longest in 3 of 5 \(60%\)"):
        authoring.check_answer_balance(keys)


def test_a_planted_position_bias_fails_per_notebook_from_four_questions():
    with pytest.raises(BankError) as info:
        authoring.check_answer_balance(_placed("09_test", [1, 1, 1, 0]))
    message = str(info.value)
    assert "09_test: the right option is B in 3 of 4 (75%)" in message and "t.q0, t.q1, t.q2" in message
    assert "Move the right option" in message
    authoring.check_answer_balance(_placed("09_test", [1, 1, 0, 2]))   # 2 of 4 = 50%: allowed
    # three questions are too few for a per-notebook share: only the whole bank is held to it
    authoring.check_answer_balance([*_placed("09_test", [1, 1, 1]), *_placed("08_test", [0, 2, 3], "u")])


def test_the_whole_bank_is_held_to_the_position_rule_however_small_its_notebooks():
    spread = [_single(f"t.n{i}", f"0{i}_test", EVEN, 3) for i in range(3)] + [_single("t.x", "09_test", EVEN, 0)]
    with pytest.raises(BankError, match=r"the whole bank: the right option is D in 3 of 4 \(75%\)"):
        authoring.check_answer_balance(spread)


def test_the_balance_report_gives_both_shares_per_notebook():
    report = authoring.balance_report([*_placed("09_test", [1, 1, 0, 2]), _single("t.z", "08_test", EVEN, 3)])
    assert "09_test: longest 0 of 4 (0%); position B 2 of 4 (50%)" in report
    assert "08_test: longest 0 of 1 (0%); position D 1 of 1 (100%) (position rule from 4 questions)" in report
    assert "the whole bank: longest 0 of 5 (0%); position B 2 of 5 (40%)" in report


def _numeric(qid, answer, tolerance=0):
    return {"id": qid, "type": "numeric", "notebook": "09_test", "answer": answer, "tolerance": tolerance}


def test_consecutive_questions_with_the_same_answer_are_named():
    entries = [_numeric("t.rate", 2.397, 0.02), _numeric("t.pace", 2.4, 0.05), _numeric("t.other", 7.0, 0.1),
               {"id": "t.name", "type": "text", "notebook": "09_test", "answer": "Shliapnikov", "accept": []},
               {"id": "t.again", "type": "text", "notebook": "09_test", "answer": "Shlyapnikov",
                "accept": ["A. G. Shliapnikov"]}]
    order = {"09_test": ["t.rate", "t.pace", "t.other", "t.name", "t.again"]}
    with pytest.raises(BankError) as info:
        authoring.check_consecutive_answers(entries, order)
    message = str(info.value)
    assert "09_test: t.rate and t.pace (answers 2.397 and 2.4)" in message
    assert "t.name and t.again" in message and "t.other" not in message
    # apart, or not within the tolerance of each other, they are fine
    authoring.check_consecutive_answers(entries, {"09_test": ["t.rate", "t.other", "t.pace"]})
    authoring.check_consecutive_answers([_numeric("t.a", 2.3, 0.05), _numeric("t.b", 2.4, 0.05)],
                                        {"09_test": ["t.a", "t.b"]})
    # a question the bank does not know (or a reflection) is skipped, not an error
    authoring.check_consecutive_answers(entries[:2], {"09_test": ["t.rate", "t.unknown"]})


def test_asked_order_reads_the_notebooks_in_cell_order(tmp_path):
    import nbformat

    for folder, name, cells in (("notebooks", "09_test", ['ask("t.b")', 'x = 1\ncheck("t.a", x)\nask("t.b")']),
                                ("solutions", "a9_test", ['check("a9.one", 3)  # ask("a9.two") in a comment counts'])):
        (tmp_path / folder).mkdir()
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell('ask("t.markdown")'),
                                             *map(nbformat.v4.new_code_cell, cells)])
        nbformat.write(nb, tmp_path / folder / f"{name}.ipynb")
    order = authoring.asked_order(tmp_path)
    assert order["09_test"] == ["t.b", "t.a"]
    assert order["a9_test"] == ["a9.one", "a9.two"]


def test_build_bank_writes_the_bank_then_fails_on_a_giveaway(tmp_path, monkeypatch, capsys):
    folder = tmp_path / "bank-src"
    folder.mkdir()
    (folder / "q.yaml").write_text(GOOD.replace("{id: a, text: A}", "{id: a, text: A much longer right option}").replace("level: recall", "level: apply")
                                   .replace("[src-a]", "[]"), encoding="utf-8")
    target = tmp_path / "question_bank.json"
    monkeypatch.setenv("COURSE_QUESTION_SOURCES", str(folder))
    monkeypatch.setenv("COURSE_QUESTION_BANK", str(target))
    assert authoring.main([]) == 1 and target.exists()
    captured = capsys.readouterr()
    assert "01_test: longest 1 of 1 (100%)" in captured.out
    assert "t.q (26 characters against at most 1)" in captured.err and "the bank was written" in captured.err
    assert authoring.main(["--check"]) == 0          # --check is about drift only


def test_a_calendar_year_is_shown_without_its_unit():
    """A reader saw "1921 year is not right." A year is shown as itself; other units follow the number."""
    from helpers import questions

    as_year = dict(questions.question("fx.exact"), unit="year")
    assert evaluate("fx.exact", 1920, entry=as_year).message.endswith("- 1920 is not right.")
    assert "- 694 members is not right." in evaluate("fx.exact", 694).message
