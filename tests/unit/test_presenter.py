"""The presenter view's Python side, without a kernel: room polls (counts and typed answers in,
the split and the verdict out, bad input answered in words), nothing recorded while
presenting, the countdown's arithmetic and the cells the view shows or hides.
The browser side (sizes, hidden code, reload) is tests/browser/test_presenting.py."""
import sys
from pathlib import Path

import pytest

from helpers import presenter, timer as timer_module, widgets
from helpers.poll import PollError, collect_answers, count_hands, reveal, right_answer

sys.path.insert(0, str(Path(__file__).parent))
from test_widgets import fresh_screen  # noqa: E402  (the widget tests' fresh student and notebook stand-in)

timer_mod = sys.modules["helpers.timer"]

pytestmark = pytest.mark.usefixtures("fixture_bank")  # the engine's test bank (tests/fixtures)


# --- counting hands ------------------------------------------------------------------------

def test_hands_are_counted_per_option_and_drawn_as_shares():
    tally = count_hands("fx.single", [5, "15", ""])
    assert [(r.label, r.count) for r in tally.rows] == [("A", 5), ("B", 15), ("C", 0)]
    assert tally.total == 20 and tally.rows[1].share == 0.75
    by_letter = count_hands("fx.single", {"kept": 3, "a": 1})
    assert [r.count for r in by_letter.rows] == [1, 3, 0]


@pytest.mark.parametrize("counts, words", [
    ([5, -3, 0], "Option B: -3 is negative; a count of hands is 0 or more."),
    ([5, "lots", 0], "Option B: 'lots' is not a number"),
    ([5, 2.5, 0], "Option B: 2.5 is not a whole number"),
    ([True, 1, 0], "Option A: True is not a count"),
    ([0, 0, ""], "No hands counted yet"),
    ([1, 2], "has 3 options (A, B, C), but 2 counts were given"),
    ({"Z": 4}, "'Z' is not one of the options: A, B, C."),
    ([10 ** 9, 0, 0], "more than any room holds"),
    ("5 3 1", "Give the counts as a list"),
])
def test_bad_counts_get_a_message_that_says_what_to_type(counts, words):
    with pytest.raises(PollError) as err:
        count_hands("fx.single", counts)
    assert words in str(err.value)


def test_a_poll_refuses_a_question_it_cannot_count_and_an_unknown_id():
    with pytest.raises(PollError, match="asks for a number"):
        count_hands("fx.numeric", [1, 2])
    with pytest.raises(PollError, match="order question: a show of hands needs options"):
        count_hands("fx.order", [1])
    with pytest.raises(PollError, match="no question 'fx.singel'.*fx.single"):
        count_hands("fx.singel", [1, 2, 3])


# --- typed answers -------------------------------------------------------------------------

def test_typed_answers_are_grouped_as_the_checker_compares_them():
    tally = collect_answers("fx.text", "Shlyapnikov\nshliapnikov\n\nKollontai\n")
    assert [(r.count, r.result.correct) for r in tally.rows] == [(2, True), (1, False)]
    assert tally.total == 3 and tally.unreadable == ()


def test_typed_numbers_that_are_not_numbers_are_listed_not_counted():
    tally = collect_answers("fx.numeric", ["0.701", "abc", "70.1", "0,701"])
    assert tally.total == 3 and [(r.count, r.result.correct) for r in tally.rows] == [(2, True), (1, False)]
    assert len(tally.unreadable) == 1 and tally.unreadable[0].startswith("'abc'")


@pytest.mark.parametrize("answers, words", [
    ("", "The list is empty: type the room's answers, one per line."),
    ("\n  \n", "The list is empty"),
    ([], "The list is empty"),
    ("abc\nxyz", "None of the lines is an answer to this question"),
    (42, "as text, one answer per line"),
])
def test_an_empty_or_unreadable_list_gets_a_clear_message(answers, words):
    with pytest.raises(PollError) as err:
        collect_answers("fx.numeric", answers)
    assert words in str(err.value)


def test_counted_questions_send_typed_lists_to_the_hands():
    with pytest.raises(PollError, match="count the hands"):
        collect_answers("fx.single", "kept")


# --- the reveal ----------------------------------------------------------------------------

@pytest.mark.parametrize("qid, right", [
    ("fx.single", "kept"),
    ("fx.multi", ["unity", "syndicalist"]),
    ("fx.order", ["tu-speech", "kronstadt", "congress", "unity"]),
    ("fx.match", {"pamphlet": "kollontai", "crisis": "lenin", "theses": "shliapnikov"}),
])
def test_the_right_answer_is_read_back_from_the_bank_and_revealed_with_its_explanation(qid, right):
    assert right_answer(qid) == right
    result = reveal(qid)
    assert result.correct and result.explanation


def test_a_typed_poll_reveals_from_a_right_answer_in_the_room_or_says_nobody_gave_it():
    assert reveal("fx.text", collect_answers("fx.text", "Kollontai\nShliapnikov")).correct
    assert reveal("fx.text", collect_answers("fx.text", "Kollontai")) is None
    assert right_answer("fx.numeric") is None


# --- presenting records nothing ------------------------------------------------------------

@pytest.fixture
def presenting(monkeypatch, tmp_path):
    screen = fresh_screen(monkeypatch, tmp_path)
    monkeypatch.setitem(presenter._STATE, "on", True)
    return screen, tmp_path / "home"


def test_in_the_presenter_view_check_and_the_poll_record_nothing(presenting):
    screen, home = presenting
    widgets.ask("fx.single")
    widget = screen.shown[-1]
    assert [label for label, _ in widget.inputs[0].options][1].startswith("B. ")
    widget.inputs[0].value = "kept"
    widget._on_check()
    assert "Correct" in widget.feedback.value
    widget.poll.boxes[0].value, widget.poll.boxes[1].value = "4", "20"
    widget.poll._on_reveal()
    assert "The room's split: 24 hands" in widget.poll.chart.value and "\u2714 right" in widget.poll.chart.value
    assert "The answer: B" in widget.poll.verdict.value and "Why:" in widget.poll.verdict.value
    widgets.check("fx.numeric", 0.701)
    assert all(b[widgets.RECORD_MIME]["attempt"] == 0 for b in screen.records + screen.updates)
    assert not home.exists() or not any(home.rglob("*.json"))


def test_options_are_lettered_for_a_show_of_hands_and_ordering_has_no_poll(presenting):
    screen, _home = presenting
    widgets.ask("fx.multi")
    multi = screen.shown[-1]
    assert [box.description[:3] for box in multi.inputs] == ["A. ", "B. ", "C. "]
    assert [b.description for b in multi.poll.boxes] == ["Hands for A:", "Hands for B:", "Hands for C:"]
    widgets.ask("fx.order")
    assert "agree an answer with the room" in screen.shown[-1].poll.children[0].value


def test_a_bad_count_in_the_poll_shows_the_message_in_the_question(presenting):
    screen, _home = presenting
    widgets.ask("fx.single")
    panel = screen.shown[-1].poll
    panel.boxes[0].value = "-2"
    panel._on_show()
    assert "Option A: -2 is negative" in panel.chart.value and 'role="alert"' in panel.chart.value


# --- the view's cells, its scale, the timer ------------------------------------------------

def test_tagged_cells_are_found_by_first_line_and_occurrence():
    nb = {"cells": [
        {"cell_type": "code", "source": "ask('a')", "metadata": {}},
        {"cell_type": "markdown", "source": "ask('a')", "metadata": {"tags": ["show-in-presenter"]}},
        {"cell_type": "code", "source": ["\n", "ask('a')\n", "x"], "metadata": {"tags": ["show-in-presenter"]}},
        {"cell_type": "code", "source": "# Your turn\nx = ...", "metadata": {"tags": ["your-turn"]}},
    ]}
    assert presenter.tagged_cells(nb) == [
        {"first": "ask('a')", "n": 1, "show": True, "hide": False},
        {"first": "# Your turn", "n": 0, "show": False, "hide": True}]


def test_present_refuses_a_bad_scale_in_words(monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj, raw=False: shown.append(obj))
    monkeypatch.setitem(presenter._STATE, "on", False)
    presenter.present(scale="big")
    presenter.present(scale=9)
    assert [s["text/plain"].split(":", 1)[1].strip()[:20] for s in shown] == ["scale is a number su", "scale 9 is outside 1"]
    assert not presenter.presenting()
    presenter.present(scale=2)
    assert presenter.presenting() and 'data-scale="2.0"' in shown[-1]["text/html"]
    presenter.present(False)
    assert not presenter.presenting() and 'data-on="false"' in shown[-1]["text/html"]


@pytest.mark.parametrize("minutes, seconds, total", [(5, 0, 300), (2, 30, 150), (0.5, 0, 30)])
def test_the_timer_counts_whole_seconds(minutes, seconds, total):
    assert timer_mod.seconds_of(minutes, seconds) == total
    assert timer_mod.clock(total) == f"{total // 60}:{total % 60:02d}"


@pytest.mark.parametrize("minutes, words", [
    (-1, "cannot be counted down"), ("five", "is a number"), (0, "at least one second"),
    (float("nan"), "cannot be counted down"), (10_000, "longer than 180 minutes")])
def test_a_bad_time_gets_a_message(minutes, words, monkeypatch):
    with pytest.raises(timer_mod.TimerInputError, match=words):
        timer_mod.seconds_of(minutes)
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj, raw=False: shown.append(obj))
    assert timer_module(minutes=minutes) is None and words in shown[-1]["text/plain"]


def test_the_timer_widget_counts_down_and_says_when_time_is_up(monkeypatch):
    monkeypatch.setattr("IPython.display.display", lambda obj, raw=False: None)
    timer_module(minutes=1)
    widget = timer_mod._LAST[0]
    assert "1:00 left" in widget.face.value and repr(widget) == "Countdown timer 1:00 (interactive)"
    widget.start()
    assert widget.play.playing
    widget.play.value = 45
    assert "0:15 left" in widget.face.value
    widget.play.value = 60
    assert "Time is up" in widget.face.value
    widget.reset()
    assert widget.play.value == 0 and not widget.play.playing and "1:00 left" in widget.face.value
