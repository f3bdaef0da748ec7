"""Questions in a notebook: ``ask(id)`` shows one as widgets, ``check(id, value)`` checks a value.

Why: a lesson cell should be one short line, and whatever the student does (an empty answer,
a typo, a NaN from pandas) must end in a readable message, never a traceback. Checking is
delegated to ``helpers.questions.evaluate``; this module only draws, records and reports.

Every ask() also displays an *answer record* (a display with an id, see helpers.records)
below the widget; Check replaces it, so the saved notebook carries the answer. Nothing in it
depends on time or randomness, because nbval compares committed outputs. The parts: one
input class per question type (``inputs.INPUTS``), the words and HTML (``render``), and
here the widget, the id, saving and restoring. ipywidgets and mistune are imported on first
use, so ``import helpers`` stays light.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from .. import questions
from ..questions import BankError, Result, evaluate, get_mode, jsonable, set_mode
from ..records import RECORD_FORMAT, RECORD_MIME, STUDENT_ID, record_bundle  # noqa: F401 - re-exported
from .render import COLOURS as _COLOURS
from .render import OPTION_STYLE as _OPTION_STYLE
from .render import esc as _esc, feedback_html as _feedback_html
from .render import feedback_text as _feedback_text, hints_html as _hints_html
from .render import markdown as _markdown

__all__ = ["ask", "check", "student_id", "question_widget", "set_mode", "RECORD_MIME", "STUDENT_ID"]

STUDENT_ID_MAX = 64

# Attempts per question seen in this kernel session. The count itself lives in the progress
# store (a restart continues it); this is the fallback when the store cannot be written. Runs
# under nbval and `make execute` start from an empty store, so recorded outputs stay the same.
_ATTEMPTS: dict[str, int] = {}

# The widget last shown for each question id (kernel-side handle for scripted checks and tests).
_SHOWN: dict = {}

# What this kernel has recorded (or restored) per question: {"attempt", "answer"}; hand_in()
# writes it, and saving a student id files it under that id. Hints opened per question.
_SESSION: dict[str, dict] = {}
_HINTS: dict[str, int] = {}



# --------------------------------------------------------------------------------------
# Output plumbing (tests replace these two functions)


def _show(obj) -> None:
    from IPython.display import display

    display(obj)


def _publish(bundle: dict, handle=None):
    """Display ``bundle`` with a display id, or update the display ``handle`` in place."""
    from IPython.display import display

    if handle is None:
        return display(bundle, raw=True, display_id=True)
    handle.update(bundle, raw=True)
    return handle


# --------------------------------------------------------------------------------------
# Text helpers


# --------------------------------------------------------------------------------------
# Saving an answer (notebook record + progress store)


def _presenting() -> bool:
    """True in the presenter view (helpers.presenter): answers are checked, never recorded."""
    from ..presenter import presenting

    return presenting()


def _stored(question_id: str) -> tuple:
    """(last answer, attempts) from the progress store; (None, 0) if none or unreadable."""
    try:
        from ..progress import last_entry

        return last_entry(question_id)
    except Exception:  # noqa: BLE001 - a damaged store is reported when answering, not here
        return None, 0


class Earlier(NamedTuple):
    """An earlier answer to restore: where from ("store", "notebook" or ""), and a note."""

    answer: object = None
    attempt: int = 0
    source: str = ""
    note: str = ""


def _earlier(question_id: str) -> Earlier:
    """The last answer from the progress store (this student's), else from this notebook's saved
    file; a note in words when the saved file could not be used."""
    from ..identity import current

    previous, attempts = _stored(question_id)
    found = _from_notebook(question_id, current())
    _HINTS[question_id] = max(_HINTS.get(question_id, 0), found.hints)
    if previous is not None:
        return Earlier(previous, max(attempts, found.attempt if found.answer == previous else 0, 1), "store")
    if found.answer is not None:
        return Earlier(found.answer, found.attempt, "notebook", found.note)
    return Earlier(note=found.note)


def _from_notebook(question_id: str, student: str):
    from ..notebook_file import Found, recorded

    try:
        return recorded(question_id, student, questions.assignment_of(question_id))
    except Exception as err:  # noqa: BLE001 - restoring is a help; it must never stop a lesson
        return Found(note=f"Nothing was restored from this notebook's saved copy ({type(err).__name__}).")


def _remember(question_id: str, attempt: int, answer) -> None:
    _SESSION[question_id] = {"attempt": attempt, "answer": jsonable(answer)}


def _record(question_id: str, attempt: int = 0, answer=None) -> dict:
    """The record bundle, with the hints opened so far; remembered for hand_in()."""
    if attempt:
        _remember(question_id, attempt, answer)
    return record_bundle(question_id, attempt, answer, _HINTS.get(question_id, 0))


def _store_again(question_id: str, answer) -> str:
    """Record a restored answer in this student's progress store; a note if that failed."""
    try:
        from ..progress import record_answer

        result = evaluate(question_id, answer)
        return record_answer(question_id, answer, result) if result.assessed else ""
    except Exception as err:  # noqa: BLE001 - the notebook record is what counts
        return f"Your progress file could not be updated ({type(err).__name__})."


class Saved(NamedTuple):
    """What _save did: the attempt number and answer the notebook record must now show."""

    attempt: int
    answer: object
    note: str = ""              # for the student: a store problem
    refused: Result | None = None  # set when the attempt limit kept the answer from counting


def _save(question_id: str, raw, result: Result, limit=None) -> Saved:
    """Count the attempt and write the progress store.

    Attempts are counted in the progress store, so a restarted kernel continues the count. The
    same answer as the last one recorded (Run All after a restart re-runs every check()) is
    not a new attempt: it keeps its number and is not written again. With a ``limit`` (the
    assignment's max_attempts), a new answer after the last attempt is refused and the last
    recorded answer stands.
    """
    previous, stored = _stored(question_id)
    from_file = False
    if previous is None:  # another computer: the saved notebook knows the last answer and its count
        from ..identity import current

        found = _from_notebook(question_id, current())
        if found.answer is not None:
            previous, stored, from_file = found.answer, found.attempt, True
        elif question_id in _SESSION:  # no id given yet: this kernel still knows its own answers
            previous, stored = _SESSION[question_id]["answer"], _SESSION[question_id]["attempt"]
    done = max(stored, _ATTEMPTS.get(question_id, 0))
    if done and previous is not None and jsonable(raw) == previous:
        _ATTEMPTS[question_id] = done
        note = _store_again(question_id, previous) if from_file else ""
        return Saved(done, previous, note)
    if isinstance(limit, int) and not isinstance(limit, bool) and 0 < limit <= done:
        message = (f"\u26a0 No attempts left - you have used all {limit} attempts at this question, so this "
                   f"answer was not recorded. Your answer from attempt {done} stands: it is the one your "
                   "teacher sees.")
        return Saved(done, previous, refused=Result(question_id=question_id, status="invalid", correct=None,
                                                    message=message))
    attempt = done + 1
    _ATTEMPTS[question_id] = attempt
    try:
        from ..progress import record_answer

        note = record_answer(question_id, raw, result)
    except Exception as err:  # noqa: BLE001 - a full disk must not lose the notebook record
        note = (f"Your progress file could not be updated ({type(err).__name__}: {err}). "
                "The answer is still recorded in this notebook; save it.")
    return Saved(attempt, raw, note)


def _recorded_answer(result: Result, raw):
    """What the record keeps: the parsed number for numeric questions, else the raw answer."""
    if result.normalized is not None and isinstance(result.normalized, float):
        return result.normalized
    return raw


# --------------------------------------------------------------------------------------
# The widget


def _hints_off(q) -> bool:
    """True when the assignment's solution notebook says course.hints: off (compiled into the bank)."""
    return isinstance(q, dict) and q.get("hints_off") is True


def _note_hint(question_id: str, shown: int, handle, answered=(0, None)):
    """Record that a hint was opened: the answer record shows how many, for the gradebook."""
    _HINTS[question_id] = max(_HINTS.get(question_id, 0), shown)
    attempt, answer = _SESSION.get(question_id, {}).get("attempt", answered[0]), \
        _SESSION.get(question_id, {}).get("answer", answered[1])
    try:
        return _publish(_record(question_id, attempt, answer), handle)
    except Exception:  # noqa: BLE001 - a hint must show even if the record cannot be updated
        return handle


@lru_cache(maxsize=1)
def _hint_class():
    import ipywidgets as w

    class HintButton(w.VBox):
        """check()'s Hint button: check() has no question widget, and its hints must not be lost."""

        def __init__(self, question_id: str, hints: list, record=None, answered=(0, None), off=False):
            super().__init__()
            self.qid, self.hints, self.hints_shown = question_id, list(hints), 0
            self.record, self.answered, self.off = record, answered, off
            self.add_class("course-question")
            self.hint_button = w.Button(description="Hint", tooltip=f"Show a hint for {question_id}")
            self.hint_box = w.HTML(value="")
            self.hint_button.on_click(self._on_hint)
            self.children = [self.hint_button, self.hint_box]

        def _on_hint(self, _button=None):
            self.hints_shown = min(self.hints_shown + 1, len(self.hints))
            self.hint_box.value = _hints_html(self.hints, self.hints_shown, self.off)
            if not self.off:
                self.record = _note_hint(self.qid, self.hints_shown, self.record, self.answered)

        def __repr__(self) -> str:
            return f"Hint button for {self.qid} (interactive)"

    return HintButton


@lru_cache(maxsize=1)
def _widget_class():
    import ipywidgets as w

    class QuestionWidget(w.VBox):
        """One question: prompt, labelled inputs, Check and Hint, attempts and feedback."""

        def __init__(self, question_id: str):
            super().__init__()
            self.qid = question_id if isinstance(question_id, str) else repr(jsonable(question_id))
            self.problem = ""
            self.record = None          # display handle of the answer record
            self.inputs: list = []
            self.hints_shown = 0
            self.answered = (0, None)   # (attempt, answer) of the record shown
            self.add_class("course-question")
            if isinstance(question_id, str) and re.fullmatch(r"[a-z0-9._-]{1,80}", question_id):
                self.add_class("course-q-" + question_id.replace(".", "--"))  # findable in the page
            try:
                self.q = questions.question(question_id)
            except (LookupError, BankError) as err:
                self.q = None
                self.problem = str(err)
                verdict = "\u26a0 Unknown question" if isinstance(err, LookupError) else "\u26a0 Question unavailable"
                self.feedback = w.HTML(value=f'<div class="course-feedback" role="alert"><p><strong>'
                                             f'{verdict}</strong> - {_esc(self.problem)}</p></div>')
                self.children = [self.feedback]
                return
            self._build(w)

        # -- building -------------------------------------------------------------
        def _build(self, w):
            from .inputs import INPUTS

            q, kind = self.q, self.q["type"]
            self.prompt = w.HTML(value=f'{_OPTION_STYLE}<div class="course-prompt">{_markdown(q["prompt"])}</div>')
            self.input = INPUTS[kind](q)
            self.inputs = self.input.boxes
            body = self.input.body
            is_reflection = kind == "reflection"
            self.check_button = w.Button(
                description="Save" if is_reflection else "Check", button_style="primary",
                tooltip="Save your reflection" if is_reflection else "Check your answer")
            # No icons: a screen reader would read the icon's glyph as part of the button's name.
            self.hint_button = w.Button(description="Hint", tooltip="Show a hint")
            self.attempts_label = w.Label(value=_attempts_text(q, 0))
            self.hint_box = w.HTML(value="")
            self.feedback = w.HTML(value='<div class="course-feedback" role="status" aria-live="polite"></div>')
            self.check_button.on_click(self._on_check)
            self.hint_button.on_click(self._on_hint)
            children = [self.prompt, *body,
                        w.HBox([self.check_button, self.hint_button, self.attempts_label]),
                        self.hint_box, self.feedback]
            if get_mode() == "instructor":
                children.append(w.HTML(value=self._instructor_html()))
            self.poll = None
            if _presenting():
                self._for_the_room(w, kind)
                children.append(self.poll)
            self.children = children

        def _for_the_room(self, w, kind):
            """Presenter view: options lettered A, B ... for a show of hands, and a room poll."""
            from .poll_view import PollPanel, letter

            if kind == "single":
                box = self.inputs[0]
                box.options = [(f"{letter(i)}. {label}", value) for i, (label, value) in enumerate(box.options)]
                box.value = None
            elif kind == "multi":
                for i, box in enumerate(self.inputs):
                    box.description = f"{letter(i)}. {box.description}"
            self.attempts_label.value = "Presenter view: nothing is recorded"
            self.poll = PollPanel(self.qid, self.q)

        def _instructor_html(self) -> str:
            try:
                answer = questions.instructor_answer(self.qid)
            except Exception as err:  # noqa: BLE001 - instructor view is a convenience
                return (f'<div class="course-instructor"><p><em>Instructor view unavailable: '
                        f'{_esc(str(err))}</em></p></div>')
            return (f'<div class="course-instructor"><p><strong>Instructor view - answer:</strong> '
                    f'{_esc(answer)}</p></div>')

        # -- answers --------------------------------------------------------------
        def answer(self):
            """The raw answer in the documented format (see helpers.questions.evaluate)."""
            return None if self.q is None else self.input.answer()

        def set_answer(self, raw) -> None:
            """Fill the inputs from a raw answer (as recorded); unusable parts are left blank."""
            if self.q is not None:
                self.input.set_answer(raw)

        # -- buttons --------------------------------------------------------------
        def _on_check(self, _button=None):
            try:
                raw = self.answer()
                result = evaluate(self.qid, raw)
                notes = ()
                if result.assessed and not _presenting():
                    saved = _save(self.qid, _recorded_answer(result, raw), result, self.q.get("max_attempts"))
                    self.record = _publish(_record(self.qid, saved.attempt, saved.answer), self.record)
                    self.answered = (saved.attempt, saved.answer)
                    self.attempts_label.value = _attempts_text(self.q, saved.attempt)
                    result = saved.refused or result
                    notes = (saved.note,) if saved.note else ()
                self.feedback.value = _feedback_html(result, notes)
            except Exception as err:  # noqa: BLE001 - last resort: a lesson must never crash
                self.feedback.value = (f'<div class="course-feedback" role="alert"><p><strong>\u26a0 Something '
                                       f'went wrong</strong> - {_esc(type(err).__name__)}: '
                                       f'{_esc(str(err))}. Please tell your instructor.</p></div>')

        def _on_hint(self, _button=None):
            hints = self.q.get("hints", []) if self.q else []
            self.hints_shown = min(self.hints_shown + 1, len(hints))
            self.hint_box.value = _hints_html(hints, self.hints_shown, _hints_off(self.q))
            if hints and not _hints_off(self.q) and not _presenting():
                self.record = _note_hint(self.qid, self.hints_shown, self.record, self.answered)

        # -- text form for nbval ------------------------------------------------------
        def __repr__(self) -> str:
            if self.q is None:
                return f"Question {self.qid} (unavailable)"
            return f"Question {self.qid} (interactive)"

    return QuestionWidget


def question_widget(question_id):
    """Build (but do not display) the widget for one question; an unknown id gives a message."""
    return _widget_class()(question_id)


def ask(question_id) -> None:
    """Show question ``question_id`` with its answer record. Example: ``ask("start.disputed")``.

    An earlier answer is filled in and recorded in this notebook again, with its attempt count:
    from your progress file (your answers, under your student id), or, on another computer
    where that file has none, from this notebook's saved copy. So Restart and Run All followed
    by Save keeps every answer, anywhere.
    """
    widget = question_widget(question_id)
    _SHOWN[widget.qid] = widget
    _show(widget)
    if widget.q is None:
        return
    if _presenting():  # the room starts from a blank question; nothing is restored or recorded
        widget.record = _publish(_record(widget.qid))
        return
    _restore(widget, _earlier(widget.qid), new_record=True)


def _restore(widget, earlier: Earlier, *, new_record: bool) -> bool:
    """Fill ``widget`` with an earlier answer and record it again; say so (or why not) in it."""
    previous = earlier.answer
    if previous is not None:
        try:
            widget.set_answer(previous)
        except Exception:  # noqa: BLE001 - a damaged record must not break the lesson
            previous = None
    if previous is None:
        if new_record:
            widget.record = _publish(_record(widget.qid))
        if earlier.note:
            widget.feedback.value = _note_html(earlier.note)
        return False
    attempt = max(earlier.attempt, _ATTEMPTS.get(widget.qid, 0), 1)
    _ATTEMPTS[widget.qid] = attempt
    widget.answered = (attempt, previous)
    widget.attempts_label.value = _attempts_text(widget.q, attempt)
    widget.record = _publish(_record(widget.qid, attempt, previous), None if new_record else widget.record)
    where = "your progress file" if earlier.source == "store" else "this notebook's saved copy"
    note = _store_again(widget.qid, previous) if earlier.source == "notebook" else ""
    widget.feedback.value = _note_html(
        f"Your earlier answer is filled in from {where} and recorded in this notebook again (attempt "
        f"{attempt}). To change it, edit it and press {'Save' if widget.q['type'] == 'reflection' else 'Check'}."
        + (f" {note}" if note else ""))
    return True


def _note_html(text: str) -> str:
    return f'<div class="course-feedback" role="status"><p><em>{_esc(text)}</em></p></div>'


def _attempts_text(q, attempt: int) -> str:
    limit = q.get("max_attempts") if isinstance(q, dict) else None
    return f"Attempts: {attempt} of {limit}" if isinstance(limit, int) and limit > 0 else f"Attempts: {attempt}"


def _clean_student_id(raw) -> tuple[str, str]:
    """(the id as one line, problem message or "")."""
    if not isinstance(raw, str):
        return "", "Type your student id as text."
    text = " ".join(raw.split())
    if not text:
        return "", "The box is empty: type the student id your teacher gave you."
    if len(text) > STUDENT_ID_MAX:
        return "", f"That is {len(text)} characters; a student id has at most {STUDENT_ID_MAX}."
    return text, ""


def _become(student: str) -> str:
    """Make ``student`` this kernel's student: record the id, file this session's answers under
    it, and fill every question shown so far that has no answer from that student's store."""
    from ..identity import current, set_current

    before = current()
    set_current(student)
    result = Result(question_id=STUDENT_ID, status="recorded", correct=None, message="")
    saved = _save(STUDENT_ID, student, result)
    notes = [saved.note] if saved.note else []
    if before != student:
        for qid, done in list(_SESSION.items()):
            if qid == STUDENT_ID or _stored(qid)[0] is not None:
                continue
            try:
                from ..progress import record_answer

                record_answer(qid, done["answer"], evaluate(qid, done["answer"]))
            except Exception as err:  # noqa: BLE001 - the notebook still holds the answer
                notes.append(f"Your progress file could not be updated ({type(err).__name__}).")
                break
        for qid, widget in list(_SHOWN.items()):
            if qid != STUDENT_ID and getattr(widget, "q", None) and widget.answered[0] == 0:
                previous, attempts = _stored(qid)
                if previous is not None:
                    _restore(widget, Earlier(previous, attempts, "store"), new_record=False)
    _remember(STUDENT_ID, saved.attempt, student)
    return " ".join(notes)


@lru_cache(maxsize=1)
def _student_id_class():
    import ipywidgets as w

    class StudentIdWidget(w.VBox):
        """The exercise's first cell: the student id, recorded and restored like an answer.

        On a shared login the progress file may hold somebody else's id: it is offered with
        "Yes, that is me", never filled in, so nobody hands in under another's id by accident."""

        qid = STUDENT_ID

        def __init__(self):
            super().__init__()
            self.record = None
            self.offered = ""
            self.add_class("course-question")
            self.add_class("course-student-id")
            self.box = w.Text(value="", description="Your student id:", placeholder="as your teacher gave it",
                              style={"description_width": "initial"}, continuous_update=False)
            self.save_button = w.Button(description="Save", button_style="primary",
                                        tooltip="Save your student id in this notebook")
            self.confirm_button = w.Button(description="Yes, that is me", tooltip="Confirm the student id asked about",
                                           layout=w.Layout(display="none"))
            self.feedback = w.HTML(value='<div class="course-feedback" role="status" aria-live="polite"></div>')
            self.save_button.on_click(self._on_save)
            self.confirm_button.on_click(self._on_confirm)
            self.children = [w.HBox([self.box, self.save_button]), self.feedback, self.confirm_button]

        def _say(self, text: str, status: str) -> None:
            colour = _COLOURS.get(status, "#E69F00")
            role = "alert" if status == "invalid" else "status"
            self.feedback.value = (f'<div class="course-feedback course-{status}" role="{role}" aria-live="polite" '
                                   f'style="border-left: 6px solid {colour}; padding-left: 0.6em"><p>{_esc(text)}</p></div>')

        def offer(self, student: str) -> None:
            """Ask "Are you ...?" for the id last saved on this account."""
            self.offered = student
            self.confirm_button.description = f"Yes, I am {student}"[:40]
            self.confirm_button.layout.display = None
            self._say(f"Are you {student}? That id was saved last on this computer. If it is yours, press "
                      f"“Yes, I am {student}” below and your earlier answers come back; if not, type "
                      "your own id and press Save.", "recorded")

        def _on_confirm(self, _button=None):
            if self.offered:
                self.box.value = self.offered
                self._on_save()

        def _on_save(self, _button=None):
            text, problem = _clean_student_id(self.box.value)
            if problem:
                self._say(f"⚠ {problem}", "invalid")
                return
            try:
                note = _become(text)
            except Exception as err:  # noqa: BLE001 - last resort: say it, never a traceback
                note = f"Your progress file could not be updated ({type(err).__name__})."
            self.record = _publish(_record(STUDENT_ID, _SESSION[STUDENT_ID]["attempt"], text), self.record)
            self.confirm_button.layout.display = "none"
            self._say(f"✎ Saved - student id {text} is recorded in this notebook. {note}".strip(), "recorded")

        def __repr__(self) -> str:
            return "Student id (interactive)"

    return StudentIdWidget


def student_id() -> None:
    """Ask for the student's id (first cell of every exercise): typed once, saved like an answer.

    The grader puts it in the gradebook's first column. The id saved in this notebook's own
    file is restored (another computer, a restarted kernel); an id found only in the progress
    file is offered with "Are you ...?", never filled in silently, because on a shared login
    it may be somebody else's.
    """
    from ..identity import current, set_current

    widget = _student_id_class()()
    _SHOWN[STUDENT_ID] = widget
    _show(widget)
    found = _from_notebook(STUDENT_ID, "")
    text, problem = _clean_student_id(found.answer)
    if found.answer is not None and not problem:
        set_current(text)
        note = _store_again(STUDENT_ID, text)
        attempt = max(found.attempt, 1)
        _ATTEMPTS[STUDENT_ID] = attempt
        _remember(STUDENT_ID, attempt, text)
        widget.box.value = text
        widget.record = _publish(_record(STUDENT_ID, attempt, text))
        widget._say(f"Student id {text} is restored from this notebook's saved copy. If it is not yours, type "
                    f"yours and press Save. {note}".strip(), "recorded")
        return
    if current() and _SESSION.get(STUDENT_ID, {}).get("answer") == current():
        # the cell runs again in the same kernel: the student said who they are minutes ago
        text = current()
        attempt = _SESSION[STUDENT_ID]["attempt"]
        widget.box.value = text
        widget.record = _publish(_record(STUDENT_ID, attempt, text))
        widget._say(f"Student id {text}, as you saved it in this session. If it is not yours, type yours "
                    "and press Save.", "recorded")
        return
    widget.record = _publish(_record(STUDENT_ID))
    set_current("")
    try:
        from ..progress import last_student

        offered, _problem = _clean_student_id(last_student())
    except Exception:  # noqa: BLE001 - no offer is better than a traceback
        offered = ""
    if offered:
        widget.offer(offered)
    elif found.note:
        widget._say(found.note, "recorded")


class Feedback:
    """check()'s output: the feedback text (plain and HTML), the same as the widget shows."""

    def __init__(self, result: Result, notes: tuple = ()):
        self.result, self.notes = result, notes

    def __repr__(self) -> str:
        return _feedback_text(self.result, self.notes)

    def _repr_html_(self) -> str:
        return _feedback_html(self.result, self.notes)


def check(question_id, value) -> None:
    """Check a value you computed, e.g. ``check("start.gap", my_result)``.

    Shows the same feedback as the widget's Check button, with a Hint button unless the answer
    is right, and records the answer in this notebook and in your progress file.
    """
    try:
        result = evaluate(question_id, value)
    except Exception as err:  # noqa: BLE001 - evaluate() never raises; belt and braces
        result = Result(question_id=str(question_id), status="error", correct=None,
                        message=f"\u26a0 Something went wrong - {type(err).__name__}: {err}")
    try:
        q = questions.question(question_id)
    except Exception:  # noqa: BLE001 - an unknown id is already in result's message
        q = None
    notes: tuple = ()
    answered = (0, None)
    if result.assessed and not _presenting():
        saved = _save(result.question_id, _recorded_answer(result, value), result, q.get("max_attempts") if q else None)
        notes = (saved.note,) if saved.note else ()
        result = saved.refused or result
        answered = (saved.attempt, saved.answer)
    if q is not None:
        _HINTS[result.question_id] = max(_HINTS.get(result.question_id, 0),
                                         _from_notebook(result.question_id, _current()).hints)
    _show(Feedback(result, notes))
    hint = None
    if q is not None and (q.get("hints") or _hints_off(q)) and result.correct is not True:
        hint = _hint_class()(result.question_id, q.get("hints", []), answered=answered, off=_hints_off(q))
        _show(hint)
    if q is not None:
        record = _publish(_record(result.question_id, *answered))
        if hint is not None:
            hint.record = record


def _current() -> str:
    from ..identity import current

    return current()
