"""The progress store: atomic, locked, recovers from corruption; progress() is deterministic."""
import json
import multiprocessing
import os
import sys

import pytest

from helpers.questions import evaluate

store = sys.modules["helpers.progress"]  # `helpers.progress` itself is the function progress()


pytestmark = [pytest.mark.usefixtures("fixture_bank"),  # the engine test bank, from conftest
              pytest.mark.slow]  # crashes and races real writer processes; scheduled first (conftest.py)


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def answer(qid, value):
    return store.record_answer(qid, value, evaluate(qid, value))


def test_default_location(monkeypatch, tmp_path):
    monkeypatch.delenv("COURSE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert store.store_path() == tmp_path / ".course" / "progress.json"
    monkeypatch.setenv("COURSE_HOME", "~/elsewhere")
    assert store.store_path() == tmp_path / "elsewhere" / "progress.json"


def test_record_and_read_back(home):
    assert store.load_store() == {"format": 2, "questions": {}}
    assert store.last_answer("fx.single") is None
    assert answer("fx.single", "typo") == ""
    answer("fx.single", "kept")
    entry = store.load_store()["questions"]["fx.single"]
    assert entry == {"notebook": "90_fixture", "attempts": 2, "correct": True, "last_answer": "kept",
                     "history": [["typo", False], ["kept", True]]}
    assert store.last_answer("fx.single") == "kept"
    text = (home / "progress.json").read_text(encoding="utf-8")
    assert json.loads(text)["format"] == 2 and text.endswith("\n")
    assert not [p.name for p in home.iterdir() if p.name.endswith(".tmp")]  # no temp files left


def test_history_stays_small(home):
    for n in range(12):
        answer("fx.exact", n)
    entry = store.load_store()["questions"]["fx.exact"]
    assert entry["attempts"] == 12 and len(entry["history"]) == store.HISTORY
    assert entry["history"][-1] == [11.0, False]


def test_odd_answers_are_stored_as_json(home):
    answer("fx.reflection", "Lone surrogate \ud800 and a long text " + "word " * 100)
    entry = store.load_store()["questions"]["fx.reflection"]
    assert entry["word_count"] == 106 and "\ud800" not in entry["last_answer"]


@pytest.mark.parametrize("content", [b"{not json", b"", b"\xff\xfe\x00", b"[1, 2]", b'{"questions": []}',
                                     b'{"format": 2, "students": {"": {"questions": {"fx.single": 5}}}}'])
def test_corrupt_store_is_moved_aside(home, content):
    home.mkdir(parents=True)
    (home / "progress.json").write_bytes(content)
    if content.startswith(b'{"format": 2'):  # readable, one damaged entry: copied aside and dropped
        with pytest.warns(store.StoreRecoveredWarning, match="damaged"):
            answer("fx.single", "kept")
        assert store.load_store()["questions"]["fx.single"]["attempts"] == 1
        assert (home / "progress.json.corrupt-1").read_bytes() == content
        return
    with pytest.warns(store.StoreRecoveredWarning, match=r"corrupt-1.*also saved in the notebook"):
        notice = answer("fx.single", "kept")
    assert "progress.json.corrupt-1" in notice and "re-run Check" in notice
    assert (home / "progress.json.corrupt-1").read_bytes() == content  # nothing destroyed
    assert store.load_store()["questions"]["fx.single"]["correct"] is True


def test_second_corruption_gets_a_new_name(home):
    home.mkdir(parents=True)
    for n in (1, 2):
        (home / "progress.json").write_text("garbage", encoding="utf-8")
        with pytest.warns(store.StoreRecoveredWarning):
            store.load_store()
        assert (home / f"progress.json.corrupt-{n}").exists()


def test_corruption_shown_in_the_widget(home, monkeypatch):
    from helpers import widgets

    home.mkdir(parents=True)
    (home / "progress.json").write_text("garbage", encoding="utf-8")
    monkeypatch.setattr(widgets, "_show", lambda obj: None)
    monkeypatch.setattr(widgets, "_publish", lambda bundle, handle=None: object())
    widget = widgets.question_widget("fx.single")
    widget.inputs[0].value = "kept"
    with pytest.warns(store.StoreRecoveredWarning):
        widget.check_button.click()
    assert "Correct -" in widget.feedback.value and "corrupt-1" in widget.feedback.value


def test_interrupted_write_leaves_the_old_file(home, monkeypatch):
    answer("fx.single", "typo")
    before = (home / "progress.json").read_bytes()

    def crash(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(KeyboardInterrupt):
        answer("fx.single", "kept")
    monkeypatch.undo()
    assert (home / "progress.json").read_bytes() == before
    assert not [p for p in home.iterdir() if p.name.endswith(".tmp")]


def _writer(args):
    home, bank, worker, count = args
    os.environ["COURSE_HOME"], os.environ["COURSE_QUESTION_BANK"] = home, bank
    from helpers import questions as q
    import importlib

    progress = importlib.import_module("helpers.progress")
    for n in range(count):
        qid = ("fx.single", "fx.text", "fx.exact")[n % 3]
        value = f"w{worker}-{n}" if qid != "fx.exact" else worker * 1000 + n
        progress.record_answer(qid, value, q.evaluate(qid, value))
        progress.record_answer(f"fx.only{worker}", n, q.evaluate("fx.exact", n))
    return worker


def test_concurrent_writers_lose_nothing(home, fixture_bank):
    """Six processes, each writing 30 answers to shared and own questions at once."""
    home.mkdir(parents=True)
    workers, count = 6, 30
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    context = multiprocessing.get_context(method)
    with context.Pool(workers) as pool:
        done = pool.map(_writer, [(str(home), str(fixture_bank), w, count) for w in range(workers)])
    assert sorted(done) == list(range(workers))
    data = store.load_store()["questions"]
    shared = sum(data[qid]["attempts"] for qid in ("fx.single", "fx.text", "fx.exact"))
    assert shared == workers * count
    for w in range(workers):
        assert data[f"fx.only{w}"]["attempts"] == count
    assert not [p.name for p in home.iterdir() if "corrupt" in p.name or p.name.endswith(".tmp")]


def test_summary_and_progress_report(home):
    empty = store.summary()
    assert list(empty.index) == ["90_fixture", "91_other"]
    assert empty.loc["90_fixture"].to_dict() == {"questions": 8, "answered": 0, "correct": 0, "auto_checked": 7,
                                                  "teacher_marks": 0}
    answer("fx.single", "kept")
    answer("fx.text", "Lenin")
    answer("fx.reflection", "Some words here.")
    answer("fx.exact", 732521)
    table = store.summary()
    assert table.loc["90_fixture"].to_dict() == {"questions": 8, "answered": 3, "correct": 1, "auto_checked": 7,
                                                  "teacher_marks": 0}
    assert table.loc["91_other"].to_dict() == {"questions": 1, "answered": 1, "correct": 1, "auto_checked": 1,
                                                "teacher_marks": 0}
    report = store.progress()
    text = repr(report)
    assert text == repr(store.progress())  # deterministic for a given store
    assert "90_fixture" in text and "Description: Horizontal bar chart" in text
    assert "90_fixture: 3 of 8 answered, 1 of 7 auto-checked correct" in text
    assert report.figure.alt and report.figure.caption and report.figure.png.startswith(b"\x89PNG")
    assert "<table" in report._repr_html_() and "<img" in report._repr_html_()
    assert list(store.progress("91_other").table.index) == ["91_other"]
    assert repr(store.progress("nope")) == "Progress: no questions yet."


def _notebook(path, cells):
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}),
                    encoding="utf-8")


def test_progress_names_what_is_left_with_a_link_to_its_cell(home, tmp_path, monkeypatch):
    lessons = tmp_path / "notebooks"
    lessons.mkdir()
    _notebook(lessons / "90_fixture.ipynb", [
        {"cell_type": "markdown", "id": "m1", "metadata": {}, "source": ["## 1. Choosing\n", "text"]},
        {"cell_type": "code", "id": "q1", "metadata": {}, "outputs": [], "source": 'ask("fx.single")'},
        {"cell_type": "markdown", "id": "m2", "metadata": {}, "source": "### Numbers"},
        {"cell_type": "code", "id": "q2", "metadata": {}, "outputs": [],
         "source": "x = 1\ncheck('fx.numeric', x)\nask(\"fx.text\")"},
    ])
    (lessons / "broken.ipynb").write_text("{not json", encoding="utf-8")   # skipped, not fatal
    monkeypatch.setenv("COURSE_NOTEBOOKS", str(lessons))
    places = store.question_places()
    assert places["fx.single"] == {"path": lessons / "90_fixture.ipynb", "cell": "q1", "section": "1. Choosing"}
    assert places["fx.numeric"]["cell"] == "q2" and places["fx.text"]["section"] == "Numbers"

    answer("fx.single", "kept")        # right: not listed
    answer("fx.numeric", -1)           # wrong: listed as not yet right
    todo = store.to_do("90_fixture").set_index("question")
    assert "fx.single" not in todo.index
    assert todo.loc["fx.numeric", "status"] == "not yet right"
    assert todo.loc["fx.text", "status"] == "not answered"
    assert todo.loc["fx.numeric", "link"] == "90_fixture.ipynb#cell-id=q2"
    assert todo.loc["fx.reflection", "cell"] == ""  # asked in no notebook: no link, still listed

    report = store.progress("90_fixture")
    text = repr(report)
    assert "Still to do in 90_fixture:" in text
    assert "  fx.numeric: not yet right (cell q2, section \u201cNumbers\u201d)" in text
    assert "  fx.text: not answered (cell q2, section \u201cNumbers\u201d)" in text
    assert "fx.single:" not in text.split("Still to do")[1]
    html = report._repr_html_()
    assert '<a href="90_fixture.ipynb#cell-id=q2"><code>fx.numeric</code></a>' in html
    overview = repr(store.progress())
    assert "Still to do in 90_fixture:" in overview and "Not started: 91_other" in overview


def test_progress_says_when_nothing_is_left(home, monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_NOTEBOOKS", str(tmp_path / "none"))   # a missing folder is no error
    assert "fx.exact: not answered (cell not found)" in repr(store.progress("91_other"))
    answer("fx.exact", 732521)
    assert store.to_do("91_other").empty
    assert "Nothing left to do" in repr(store.progress("91_other"))


def test_progress_is_the_helpers_function():
    import helpers

    assert helpers.progress is store.progress


# --- damaged contents and unfriendly places: repaired, never raised into a lesson ---------

GOOD_ENTRY = {"notebook": "90_fixture", "attempts": 2, "correct": True, "last_answer": "kept",
              "history": [["typo", False], ["kept", True]]}


@pytest.mark.parametrize("damage", [
    {"attempts": "two"}, {"attempts": float("nan")}, {"attempts": float("inf")}, {"attempts": -3},
    {"attempts": 10 ** 30}, {"attempts": True}, {"history": 3}, {"history": None}, {"history": [1, [2]]},
    {"correct": "yes"}, {"word_count": "many"}, {"last_answer": float("nan")}, {"notebook": [1]},
], ids=repr)
def test_damaged_contents_are_copied_aside_and_repaired(home, damage):
    home.mkdir(parents=True)
    broken = {**GOOD_ENTRY, **damage}
    original = json.dumps({"format": 2, "students": {"": {"questions": {"fx.single": broken, "fx.text": GOOD_ENTRY}}}})
    (home / "progress.json").write_text(original, encoding="utf-8")
    with pytest.warns(store.StoreRecoveredWarning, match="corrupt-1"):
        report = store.progress()
    assert not report.note and report.table.loc["90_fixture", "answered"] >= 1
    assert (home / "progress.json.corrupt-1").read_text(encoding="utf-8") == original  # nothing destroyed
    assert store.load_store()["questions"]["fx.text"] == GOOD_ENTRY  # the sound entry is kept
    answer("fx.single", "kept")   # and saving works from then on
    entry = store.load_store()["questions"]["fx.single"]
    assert entry["correct"] is True and entry["last_answer"] == "kept"
    assert isinstance(entry["attempts"], int) and isinstance(entry["history"], list)
    assert not [p.name for p in home.iterdir() if p.name.startswith("progress.json.corrupt-2")]


def test_deeply_nested_store_is_moved_aside(home):
    home.mkdir(parents=True)
    (home / "progress.json").write_text('{"questions": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    with pytest.warns(store.StoreRecoveredWarning):
        answer("fx.single", "kept")
    assert store.load_store()["questions"]["fx.single"]["attempts"] == 1
    assert store.last_answer("fx.single") == "kept"


def test_a_folder_named_progress_json_is_moved_aside(home):
    (home / "progress.json").mkdir(parents=True)
    (home / "progress.json" / "inside.txt").write_text("kept", encoding="utf-8")
    with pytest.warns(store.StoreRecoveredWarning):
        assert not store.progress().note
    assert (home / "progress.json.corrupt-1" / "inside.txt").read_text(encoding="utf-8") == "kept"
    answer("fx.single", "kept")
    assert store.load_store()["questions"]["fx.single"]["attempts"] == 1


def test_read_only_store_can_still_be_read(home):
    answer("fx.single", "kept")
    import builtins
    real_open = builtins.open

    def read_only(file, mode="r", *args, **kwargs):
        if any(flag in mode for flag in "wax+"):
            raise OSError(30, "Read-only file system")
        return real_open(file, mode, *args, **kwargs)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(builtins, "open", read_only)
        assert store.load_store()["questions"]["fx.single"]["attempts"] == 1
        report = store.progress()
        assert not report.note and report.table.loc["90_fixture", "answered"] == 1
        with pytest.raises(OSError):   # a save fails (the widget reports it), the store is untouched
            answer("fx.single", "again")
    assert store.load_store()["questions"]["fx.single"]["attempts"] == 1


def test_an_unreadable_store_is_reported_not_raised(home, monkeypatch):
    answer("fx.single", "kept")

    def refuse(self):
        raise PermissionError(13, "Permission denied", str(self))
    monkeypatch.setattr(store.Path, "read_bytes", refuse)
    report = store.progress()
    assert "could not be read (PermissionError" in report.note
    assert "could not be read" in repr(report) and "<p>Progress:" in report._repr_html_()


def test_no_home_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("COURSE_HOME", raising=False)

    def no_home():
        raise RuntimeError("Could not determine home directory.")
    monkeypatch.setattr(store.Path, "home", staticmethod(no_home))
    monkeypatch.setattr(store.tempfile, "gettempdir", lambda: str(tmp_path))
    with pytest.warns(store.StoreRecoveredWarning, match="no home folder"):
        answer("fx.single", "kept")
    with pytest.warns(store.StoreRecoveredWarning):
        assert store.progress().table.loc["90_fixture", "answered"] == 1
    assert list(tmp_path.glob("course-*/progress.json"))


def test_a_symlinked_store_keeps_its_link(home, tmp_path):
    synced = tmp_path / "synced"
    synced.mkdir()
    home.mkdir(parents=True)
    (home / "progress.json").symlink_to(synced / "progress.json")
    answer("fx.single", "typo")
    answer("fx.single", "kept")
    assert (home / "progress.json").is_symlink()
    assert json.loads((synced / "progress.json").read_text(encoding="utf-8"))["students"][""]["questions"]["fx.single"]["attempts"] == 2


def test_temporary_files_of_a_killed_writer_are_cleaned(home):
    answer("fx.single", "typo")
    for n in range(3):   # what kill -9 between writing and renaming leaves behind
        (home / f"progress.json.killed{n}.tmp").write_text("{" * 1000, encoding="utf-8")
    (home / "notes.tmp").write_text("not ours", encoding="utf-8")
    answer("fx.single", "kept")
    assert sorted(p.name for p in home.iterdir()) == ["notes.tmp", "progress.json", "progress.json.lock"]


def test_kill_9_during_writes_leaves_no_temporary_files(home, fixture_bank):
    """Real kills: a writer is killed mid-loop a few times; the next save leaves one clean store."""
    import signal
    import subprocess
    import time

    home.mkdir(parents=True)
    code = ("import sys; sys.modules.pop('helpers', None)\n"
            "from helpers import progress as _; import importlib; p = importlib.import_module('helpers.progress')\n"
            "from helpers.questions import evaluate\n"
            "big = 'x' * 200_000\n"
            "while True: p.record_answer('fx.text', big, evaluate('fx.text', 'Lenin'))\n")
    env = {**os.environ, "COURSE_HOME": str(home), "COURSE_QUESTION_BANK": str(fixture_bank)}
    for _ in range(5):
        proc = subprocess.Popen([sys.executable, "-c", code], env=env)
        deadline = time.monotonic() + 60
        while not (home / "progress.json").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.3)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    answer("fx.single", "kept")
    assert not [p.name for p in home.iterdir() if p.name.endswith(".tmp")]
    assert store.load_store()["questions"]["fx.single"]["attempts"] == 1
