"""Questions in a notebook: ``ask(id)`` shows one as widgets, ``check(id, value)`` checks a value.

Why: a lesson cell should be one short line, and whatever the student does (an empty answer,
a typo, a NaN from pandas) must end in a readable message, never a traceback. Checking is
delegated to ``helpers.questions.evaluate``; this module only draws, records and reports.

Every ask() also displays an *answer record* (a display with an id) below the widget. Check
replaces it with ``{"format", "question", "attempt", "answer"}`` as JSON plus a text line,
so the saved notebook carries the answer. Nothing in it depends on time or randomness, and
the widget's own text form is a fixed line, because nbval compares committed outputs.
ipywidgets and mistune are imported on first use, so ``import helpers`` stays light.
"""
from __future__ import annotations

import html
import json
import re
from functools import lru_cache
from typing import NamedTuple

from . import questions
from .normalize import word_count
from .questions import BankError, Result, evaluate, get_mode, jsonable, set_mode
from .records import RECORD_FORMAT, RECORD_MIME, STUDENT_ID, record_bundle  # noqa: F401 - re-exported

__all__ = ["ask", "check", "student_id", "question_widget", "set_mode", "RECORD_MIME", "STUDENT_ID"]

STUDENT_ID_MAX = 64

# Attempts per question seen in this kernel session. The count itself lives in the progress
# store (a restart continues it); this is the fallback when the store cannot be written. Runs
# under nbval and `make execute` start from an empty store, so recorded outputs stay the same.
_ATTEMPTS: dict[str, int] = {}

# The widget last shown for each question id (kernel-side handle for scripted checks and tests).
_SHOWN: dict = {}

# Okabe-Ito colours as an extra cue; the words and symbols carry the meaning.
_COLOURS = {"correct": "#009E73", "incorrect": "#D55E00", "recorded": "#0072B2"}


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


# ipywidgets draws each radio option and checkbox in a row of fixed height, so a long option
# spills over the one below it and a click can land on the wrong answer. Let them wrap.
_OPTION_STYLE = ("<style>.course-question .widget-radio-box label,"
                 ".course-question .widget-checkbox,.course-question .widget-checkbox label"
                 "{height:auto;min-height:var(--jp-widgets-inline-height);white-space:normal;"
                 "overflow:visible;line-height:1.35;align-items:flex-start}"
                 ".course-question .widget-radio-box label{margin-bottom:6px}"
                 ".course-question .widget-radio-box input,.course-question .widget-checkbox input"
                 "{margin-top:3px;flex-shrink:0}"
                 # A focus ring a keyboard user can see (ipywidgets only tints a 1px border).
                 ".course-question input:focus-visible,.course-question select:focus-visible,"
                 ".course-question textarea:focus-visible,.course-question button:focus-visible"
                 "{outline:3px solid #0072B2 !important;outline-offset:2px}</style>")


def _esc(text: str) -> str:
    """Escape text placed between tags (quotes need no escaping there and stay readable)."""
    return html.escape(text, quote=False)


@lru_cache(maxsize=512)
def _markdown(text: str) -> str:
    """Markdown to HTML (raw HTML escaped); plain escaped paragraphs if mistune is missing."""
    try:
        import mistune
    except ImportError:  # pragma: no cover - mistune comes with nbconvert
        return "".join(f"<p>{_esc(p)}</p>" for p in text.split("\n\n"))
    return _renderer()(text)


@lru_cache(maxsize=1)
def _renderer():
    import mistune

    return mistune.create_markdown(escape=True)


def _plain(text: str) -> str:
    """Markdown emphasis and code marks dropped, for widget labels that show raw text."""
    return re.sub(r"[*`]|(?<!\w)_|_(?!\w)", "", text)


@lru_cache(maxsize=256)
def citations(source_ids: tuple) -> str:
    """'Source: ...' lines for the question's sources; lookup problems are reported, not raised."""
    if not source_ids:
        return ""
    from .data import cite

    lines = []
    for sid in source_ids:
        try:
            lines.append(str(cite(sid)))
        except Exception as err:  # noqa: BLE001 - a missing table or id must not break feedback
            first = str(err).splitlines()[0] if str(err) else type(err).__name__
            lines.append(f"[{sid}] (details unavailable: {first})")
    label = "Source" if len(lines) == 1 else "Sources"
    return f"{label}:\n" + "\n".join(lines)


def _feedback_html(result: Result, notes: tuple = ()) -> str:
    colour = _COLOURS.get(result.status, "#E69F00")
    parts = [_markdown(result.message)]
    sources = citations(tuple(result.source_ids))
    if sources:
        label, _, rest = sources.partition("\n")
        items = "".join(f"<li>{_esc(line)}</li>" for line in rest.splitlines())
        parts.append(f"<p><strong>{_esc(label)}</strong></p><ul>{items}</ul>")
    parts += [f"<p><em>{_esc(note)}</em></p>" for note in notes if note]
    return (f'<div class="course-feedback course-{result.status}" role="status" aria-live="polite" '
            f'style="border-left: 6px solid {colour}; padding-left: 0.6em">{"".join(parts)}</div>')


def _feedback_text(result: Result, notes: tuple = ()) -> str:
    parts = [result.message, citations(tuple(result.source_ids))]
    parts += list(notes)
    return "\n\n".join(p for p in parts if p)


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


# --------------------------------------------------------------------------------------
# Saving an answer (notebook record + progress store)


def _stored(question_id: str) -> tuple:
    """(last answer, attempts) from the progress store; (None, 0) if none or unreadable."""
    try:
        from .progress import last_entry

        return last_entry(question_id)
    except Exception:  # noqa: BLE001 - a damaged store is reported when answering, not here
        return None, 0


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
    done = max(stored, _ATTEMPTS.get(question_id, 0))
    if done and previous is not None and jsonable(raw) == previous:
        _ATTEMPTS[question_id] = done
        return Saved(done, previous)
    if isinstance(limit, int) and not isinstance(limit, bool) and 0 < limit <= done:
        message = (f"\u26a0 No attempts left - you have used all {limit} attempts at this question, so this "
                   f"answer was not recorded. Your answer from attempt {done} stands: it is the one your "
                   "teacher sees.")
        return Saved(done, previous, refused=Result(question_id=question_id, status="invalid", correct=None,
                                                    message=message))
    attempt = done + 1
    _ATTEMPTS[question_id] = attempt
    try:
        from .progress import record_answer

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


def _hints_html(hints: list, shown: int) -> str:
    """The first ``shown`` hints (one more per press of Hint), or a note that there is none."""
    if not hints:
        return ('<div class="course-hint"><p>There is no hint for this question: '
                're-read the section above.</p></div>')
    html_ = "".join(f"<p><strong>Hint {n}:</strong></p>{_markdown(h)}" if len(hints) > 1
                    else f"<p><strong>Hint:</strong></p>{_markdown(h)}"
                    for n, h in enumerate(hints[:shown], 1))
    if len(hints) > 1 and shown == len(hints):
        html_ += "<p><em>That was the last hint.</em></p>"
    return f'<div class="course-hint" role="note">{html_}</div>'


@lru_cache(maxsize=1)
def _hint_class():
    import ipywidgets as w

    class HintButton(w.VBox):
        """check()'s Hint button: check() has no question widget, and its hints must not be lost."""

        def __init__(self, question_id: str, hints: list):
            super().__init__()
            self.qid, self.hints, self.hints_shown = question_id, list(hints), 0
            self.add_class("course-question")
            self.hint_button = w.Button(description="Hint", tooltip=f"Show a hint for {question_id}")
            self.hint_box = w.HTML(value="")
            self.hint_button.on_click(self._on_hint)
            self.children = [self.hint_button, self.hint_box]

        def _on_hint(self, _button=None):
            self.hints_shown = min(self.hints_shown + 1, len(self.hints))
            self.hint_box.value = _hints_html(self.hints, self.hints_shown)

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
            q, kind = self.q, self.q["type"]
            label_style = {"description_width": "initial"}
            full = w.Layout(width="auto", max_width="100%")
            self.prompt = w.HTML(value=f'{_OPTION_STYLE}<div class="course-prompt">{_markdown(q["prompt"])}</div>')
            choose = ("\u2014 choose \u2014", None)
            if kind == "single":
                box = w.RadioButtons(options=[(_plain(o["text"]), o["id"]) for o in q["options"]], value=None,
                                     description="Your answer:", style=label_style, layout=full)
                self.inputs = [box]
                body = [box]
            elif kind == "multi":
                self.inputs = [w.Checkbox(value=False, description=_plain(o["text"]), indent=False, layout=full)
                               for o in q["options"]]
                body = [w.Label(value="Tick every option that applies:"), *self.inputs]
            elif kind == "order":
                items = [(_plain(i["text"]), i["id"]) for i in q["items"]]
                self.inputs = [w.Dropdown(options=[choose, *items], value=None, layout=full, style=label_style,
                                          description=f"{_ordinal(n)}{' (first)' if n == 1 else ''}:")
                               for n in range(1, len(items) + 1)]
                body = [w.Label(value="Choose which item comes at each position, first to last:"), *self.inputs]
            elif kind == "match":
                rights = [(_plain(r["text"]), r["id"]) for r in q["right"]]
                body = []
                for n, left in enumerate(q["left"], 1):
                    dropdown = w.Dropdown(options=[choose, *rights], value=None, style=label_style,
                                          description=f"Match for {n}:", layout=full)
                    self.inputs.append(dropdown)
                    body += [w.HTML(value=f'<div class="course-match-item"><strong>{n}.</strong> '
                                          f'{_markdown(left["text"])}</div>'), dropdown]
            elif kind == "numeric":
                unit = q.get("unit", "")
                box = w.Text(value="", description="Your answer:", placeholder=f"a number ({unit})",
                             style=label_style, continuous_update=False)
                self.inputs = [box]
                body = [w.HBox([box, w.Label(value=unit)])]
            elif kind == "text":
                box = w.Text(value="", description="Your answer:", placeholder="type a few words",
                             style=label_style, continuous_update=False, layout=w.Layout(width="30em"))
                self.inputs = [box]
                body = [box]
            else:  # reflection
                box = w.Textarea(value="", description="Your reflection:", rows=6, style=label_style,
                                 placeholder="Write a few sentences in your own words.",
                                 layout=w.Layout(width="100%"))
                self.words = w.Label(value="0 words")
                box.observe(self._count_words, names="value")
                self.inputs = [box]
                body = [box, self.words]
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
            self.children = children

        def _instructor_html(self) -> str:
            try:
                answer = questions.instructor_answer(self.qid)
            except Exception as err:  # noqa: BLE001 - instructor view is a convenience
                return (f'<div class="course-instructor"><p><em>Instructor view unavailable: '
                        f'{_esc(str(err))}</em></p></div>')
            return (f'<div class="course-instructor"><p><strong>Instructor view - answer:</strong> '
                    f'{_esc(answer)}</p></div>')

        def _count_words(self, change):
            value = change.get("new") if isinstance(change, dict) else getattr(change, "new", "")
            count = word_count(value if isinstance(value, str) else "")
            self.words.value = f"{count} word{'s' if count != 1 else ''}"

        # -- answers --------------------------------------------------------------
        def answer(self):
            """The raw answer in the documented format (see helpers.questions.evaluate)."""
            if self.q is None:
                return None
            kind = self.q["type"]
            if kind == "single":
                return self.inputs[0].value
            if kind == "multi":
                return [o["id"] for o, box in zip(self.q["options"], self.inputs) if box.value]
            if kind == "order":
                return [box.value for box in self.inputs]
            if kind == "match":
                return {left["id"]: box.value for left, box in zip(self.q["left"], self.inputs)}
            return self.inputs[0].value

        def set_answer(self, raw) -> None:
            """Fill the inputs from a raw answer (as recorded); unusable parts are left blank."""
            if self.q is None:
                return
            kind = self.q["type"]

            def choose(box, value):
                values = [v for _, v in box.options]
                box.value = value if value in values else None

            if kind == "single":
                choose(self.inputs[0], raw if isinstance(raw, str) else None)
            elif kind == "multi":
                chosen = {v for v in raw if isinstance(v, str)} if isinstance(raw, (list, tuple, set)) else set()
                for option, box in zip(self.q["options"], self.inputs):
                    box.value = option["id"] in chosen
            elif kind == "order":
                raw = list(raw) if isinstance(raw, (list, tuple)) else []
                for n, box in enumerate(self.inputs):
                    choose(box, raw[n] if n < len(raw) else None)
            elif kind == "match":
                raw = raw if isinstance(raw, dict) else {}
                for left, box in zip(self.q["left"], self.inputs):
                    choose(box, raw.get(left["id"]))
            elif kind == "numeric":
                self.inputs[0].value = "" if raw is None or isinstance(raw, bool) else str(raw)
            else:
                self.inputs[0].value = raw if isinstance(raw, str) else ""

        # -- buttons --------------------------------------------------------------
        def _on_check(self, _button=None):
            try:
                raw = self.answer()
                result = evaluate(self.qid, raw)
                notes = ()
                if result.assessed:
                    saved = _save(self.qid, _recorded_answer(result, raw), result, self.q.get("max_attempts"))
                    self.record = _publish(record_bundle(self.qid, saved.attempt, saved.answer), self.record)
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
            self.hint_box.value = _hints_html(hints, self.hints_shown)

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

    If your progress file holds an answer to it (you answered before a restart), that answer
    is filled in and recorded in this notebook again, with its attempt count, so Restart and
    Run All followed by Save keeps every answer.
    """
    widget = question_widget(question_id)
    _SHOWN[widget.qid] = widget
    _show(widget)
    if widget.q is None:
        return
    previous, attempts = _stored(widget.qid)
    if previous is not None:
        try:
            widget.set_answer(previous)
        except Exception:  # noqa: BLE001 - a damaged progress file must not break the lesson
            previous = None
    if previous is None:
        widget.record = _publish(record_bundle(widget.qid))
        return
    attempt = max(attempts, _ATTEMPTS.get(widget.qid, 0), 1)
    _ATTEMPTS[widget.qid] = attempt
    widget.attempts_label.value = _attempts_text(widget.q, attempt)
    widget.record = _publish(record_bundle(widget.qid, attempt, previous))
    widget.feedback.value = ('<div class="course-feedback" role="status"><p><em>Your earlier answer is '
                             f'filled in from your progress file and recorded in this notebook again '
                             f'(attempt {attempt}). To change it, edit it and press '
                             f'{"Save" if widget.q["type"] == "reflection" else "Check"}.</em></p></div>')


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


@lru_cache(maxsize=1)
def _student_id_class():
    import ipywidgets as w

    class StudentIdWidget(w.VBox):
        """The exercise's first cell: the student id, recorded and restored like an answer."""

        qid = STUDENT_ID

        def __init__(self):
            super().__init__()
            self.record = None
            self.add_class("course-question")
            self.add_class("course-student-id")
            self.box = w.Text(value="", description="Your student id:", placeholder="as your teacher gave it",
                              style={"description_width": "initial"}, continuous_update=False)
            self.save_button = w.Button(description="Save", button_style="primary",
                                        tooltip="Save your student id in this notebook")
            self.feedback = w.HTML(value='<div class="course-feedback" role="status" aria-live="polite"></div>')
            self.save_button.on_click(self._on_save)
            self.children = [w.HBox([self.box, self.save_button]), self.feedback]

        def _say(self, text: str, status: str) -> None:
            colour = _COLOURS.get(status, "#E69F00")
            role = "alert" if status == "invalid" else "status"
            self.feedback.value = (f'<div class="course-feedback course-{status}" role="{role}" aria-live="polite" '
                                   f'style="border-left: 6px solid {colour}; padding-left: 0.6em"><p>{_esc(text)}</p></div>')

        def _on_save(self, _button=None):
            text, problem = _clean_student_id(self.box.value)
            if problem:
                self._say(f"\u26a0 {problem}", "invalid")
                return
            result = Result(question_id=STUDENT_ID, status="recorded", correct=None, message="")
            saved = _save(STUDENT_ID, text, result)
            self.record = _publish(record_bundle(STUDENT_ID, saved.attempt, text), self.record)
            self._say(f"\u270e Saved - student id {text} is recorded in this notebook. {saved.note}".strip(),
                      "recorded")

        def __repr__(self) -> str:
            return "Student id (interactive)"

    return StudentIdWidget


def student_id() -> None:
    """Ask for the student's id (first cell of every exercise): typed once, saved like an answer.

    The grader puts it in the gradebook's first column. Like ask(), it fills in and records
    again the id kept in the progress file, so a restarted notebook keeps it.
    """
    widget = _student_id_class()()
    _SHOWN[STUDENT_ID] = widget
    _show(widget)
    previous, attempts = _stored(STUDENT_ID)
    text, problem = _clean_student_id(previous)
    if previous is None or problem:
        widget.record = _publish(record_bundle(STUDENT_ID))
        return
    attempt = max(attempts, _ATTEMPTS.get(STUDENT_ID, 0), 1)
    _ATTEMPTS[STUDENT_ID] = attempt
    widget.box.value = text
    widget.record = _publish(record_bundle(STUDENT_ID, attempt, text))
    widget._say(f"Your student id {text} is filled in from your progress file and recorded in this "
                "notebook. If it is not yours, type yours and press Save.", "recorded")


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
    record = None
    if result.assessed:
        saved = _save(result.question_id, _recorded_answer(result, value), result, q.get("max_attempts") if q else None)
        notes = (saved.note,) if saved.note else ()
        result = saved.refused or result
        record = record_bundle(result.question_id, saved.attempt, saved.answer)
    _show(Feedback(result, notes))
    if q is not None and q.get("hints") and result.correct is not True:
        _show(_hint_class()(result.question_id, q["hints"]))
    if record is not None:
        _publish(record)
