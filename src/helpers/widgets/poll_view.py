"""The room poll under a question in the presenter view: boxes for the room's answers, the
split drawn as bars, then the verdict, explanation and sources. Draws only; the counting
and checking is ``helpers.poll``, and nothing is recorded anywhere.
"""
from __future__ import annotations

import ipywidgets as w

from ..poll import COUNTED, TYPED, PollError, Tally, collect_answers, count_hands, letter, reveal, right_answer
from ..questions import question
from .render import esc, feedback_html, plain

__all__ = ["PollPanel", "poll_html", "reveal_html"]

BAR = "#0072B2"
POLL_STYLE = ("<style>.course-poll-table{width:100%;border-collapse:collapse;margin:0.4em 0}"
              ".course-poll-table caption{text-align:left;font-weight:bold;padding-bottom:0.3em}"
              ".course-poll-table th,.course-poll-table td{text-align:left;vertical-align:top;"
              "padding:0.2em 0.5em;border-bottom:1px solid #ccc}"
              ".course-poll-table th[scope=row]{font-weight:normal}"
              ".course-poll-count,.course-poll-verdict{white-space:nowrap}"
              ".course-poll-barcell{width:50%;min-width:6em}</style>")


def poll_html(tally: Tally, revealed=None) -> str:
    """The room's split as a table with bars (the numbers are in the text, the bars only repeat
    them). ``revealed``: the right answer's key(s), to mark each row right or not."""
    unit = "hands" if tally.kind == "hands" else "answers"
    right = set(revealed) if isinstance(revealed, (list, tuple, set)) else ({revealed} if revealed is not None else set())
    rows = []
    for row in tally.rows:
        verdict = ""
        if row.result is not None and revealed is not None:
            verdict = "\u2714 right" if row.result.correct else "\u2718 not right"
        elif revealed is not None:
            verdict = "\u2714 right" if row.key in right else "\u2718 not right"
        # an option by its letter only: its text is lettered just above, in the question
        name = f"<strong>{esc(row.label)}</strong>"
        pct = round(row.share * 100)
        rows.append(
            f"<tr><th scope=\"row\" class=\"course-poll-option\">{name}</th>"
            f"<td class=\"course-poll-count\">{row.count} ({pct}%)</td>"
            f"<td class=\"course-poll-barcell\" aria-hidden=\"true\"><div class=\"course-poll-bar\" "
            f"style=\"width:{max(pct, 1)}%;background:{BAR};height:0.9em\"></div></td>"
            + (f"<td class=\"course-poll-verdict\">{verdict}</td>" if revealed is not None else "") + "</tr>")
    head = ("<tr><th scope=\"col\">Answer</th><th scope=\"col\">Room</th><th scope=\"col\">Split</th>"
            + ("<th scope=\"col\">Verdict</th>" if revealed is not None else "") + "</tr>")
    skipped = ""
    if tally.unreadable:
        items = "".join(f"<li>{esc(u)}</li>" for u in tally.unreadable[:10])
        skipped = (f"<p><em>Not counted ({len(tally.unreadable)}): these lines are not answers to the "
                   f"question.</em></p><ul>{items}</ul>")
    return (f'{POLL_STYLE}<div class="course-poll-result" role="status"><table class="course-poll-table">'
            f"<caption>The room's split: {tally.total} {unit}</caption>"
            f"<thead>{head}</thead><tbody>{''.join(rows)}</tbody></table>{skipped}</div>")


def reveal_html(question_id, tally: Tally | None):
    """(the verdict, explanation and sources as HTML, the right key for the table or None)."""
    result = reveal(question_id, tally)
    if result is None:
        return ('<div class="course-feedback" role="status"><p><strong>Nobody in the room gave the accepted '
                "answer.</strong> The answer key (<code>make handouts</code>) has it with its explanation; "
                "or type the right answer in the list and reveal again.</p></div>", None)
    if tally is not None and tally.kind == "answers":
        return feedback_html(result), result.normalized
    key = right_answer(question_id)
    return _answer_line(question_id, key) + feedback_html(result), key


def _answer_line(question_id, key) -> str:
    """'The answer: B' (or 'A, C') for an option question, as the room voted on letters."""
    q = question(question_id)
    if q["type"] not in COUNTED:
        return ""
    chosen = set(key) if isinstance(key, list) else {key}
    letters = [letter(i) for i, o in enumerate(q["options"]) if o["id"] in chosen]
    texts = "; ".join(plain(o["text"]) for o in q["options"] if o["id"] in chosen)
    return (f'<p class="course-poll-answer"><strong>The answer: {esc(", ".join(letters))}</strong> '
            f"({esc(texts)})</p>")


class PollPanel(w.VBox):
    """The poll controls of one question (single/multi: hands per option; numeric/text: a list)."""

    def __init__(self, question_id: str, q: dict):
        super().__init__()
        self.qid, self.q = question_id, q
        self.tally = None
        self.add_class("course-poll")
        kind = q["type"]
        if kind in COUNTED:
            self.boxes = [w.Text(value="", placeholder="0", description=f"Hands for {letter(i)}:",
                                 style={"description_width": "initial"}, layout=w.Layout(width="auto"))
                          for i in range(len(q["options"]))]
            inputs = [w.Label(value="Room poll: count the hands for each option and type the numbers."),
                      w.HBox(self.boxes, layout=w.Layout(flex_flow="row wrap"))]
        elif kind in TYPED:
            self.boxes = [w.Textarea(value="", placeholder="one answer per line", rows=4,
                                     description="The room's answers:", style={"description_width": "initial"},
                                     layout=w.Layout(width="100%"))]
            inputs = [w.Label(value="Room poll: type the answers the room calls out, one per line."), *self.boxes]
        else:
            self.boxes = []
            self.children = [w.HTML(value='<p class="course-poll-none"><em>Room poll: for this question, '
                                          "agree an answer with the room, enter it above and press Check "
                                          "(nothing is recorded in the presenter view).</em></p>")]
            return
        self.show_button = w.Button(description="Show the room's split", tooltip="Draw how the room answered",
                                    layout=w.Layout(width="auto"))
        self.reveal_button = w.Button(description="Reveal the answer", button_style="success",
                                      tooltip="Show the right answer, the explanation and the sources",
                                      layout=w.Layout(width="auto"))
        self.chart = w.HTML(value="")
        self.verdict = w.HTML(value="")
        self.show_button.on_click(self._on_show)
        self.reveal_button.on_click(self._on_reveal)
        self.children = [*inputs, w.HBox([self.show_button, self.reveal_button]), self.chart, self.verdict]

    def read(self) -> Tally:
        if self.q["type"] in COUNTED:
            return count_hands(self.qid, [b.value for b in self.boxes])
        return collect_answers(self.qid, self.boxes[0].value)

    def _problem(self, err: Exception) -> None:
        self.chart.value = (f'<div class="course-feedback course-invalid" role="alert" style="border-left: 6px solid '
                            f'#E69F00; padding-left: 0.6em"><p>\u26a0 {esc(str(err))}</p></div>')
        self.verdict.value = ""

    def _on_show(self, _button=None) -> bool:
        try:
            self.tally = self.read()
        except PollError as err:
            self._problem(err)
            return False
        except Exception as err:  # noqa: BLE001 - a lesson must never crash
            self._problem(f"{type(err).__name__}: {err}")
            return False
        self.chart.value = poll_html(self.tally)
        self.verdict.value = ""
        return True

    def _on_reveal(self, _button=None) -> None:
        if not self._on_show():
            return
        try:
            verdict, key = reveal_html(self.qid, self.tally)
        except Exception as err:  # noqa: BLE001
            self._problem(f"{type(err).__name__}: {err}")
            return
        if key is not None:
            self.chart.value = poll_html(self.tally, key)
        self.verdict.value = verdict

    def __repr__(self) -> str:
        return f"Room poll for {self.qid} (interactive)"
