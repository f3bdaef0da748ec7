"""Questions in print: a question as it appears on an offline slide or a paper handout.

Why: the widgets need a running kernel, but a projected slide or a worksheet must still show
the whole question (every option, every item to order, both sides of a matching), or the
room cannot answer it. One renderer serves the slides and the handouts, from the student
side of the bank (no answers in it), so neither can show more than the notebook does. It
lives beside the two builders, not in the instructor package, and needs only ``helpers``:
a student copy of the course (``course export-student``) has no ``course`` package and still
builds its slides and question sheets.
"""
from __future__ import annotations

import html
import re
from functools import lru_cache

from helpers.questions import QUESTION_CALL, question, question_ids_in

__all__ = ["QUESTION_CALL", "question_ids_in", "question_html", "markdown_html"]

_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@lru_cache(maxsize=1)
def _renderer():
    import mistune

    return mistune.create_markdown(escape=True, plugins=["table"])


def markdown_html(text: str) -> str:
    """Markdown to HTML with any raw HTML in it escaped (bank texts are not trusted markup)."""
    return _renderer()(text or "")


def _inline(text: str) -> str:
    """One line of Markdown (an option, an item) without the paragraph around it."""
    rendered = markdown_html(text).strip()
    return re.sub(r"^<p>(.*)</p>$", r"\1", rendered, flags=re.DOTALL)


def _blank(width: str = "4em") -> str:
    return f'<span class="course-blank" style="display:inline-block;min-width:{width};border-bottom:1px solid currentColor">&nbsp;</span>'


def _lettered(entries: list[dict], box: str, space: bool) -> str:
    mark = f'<span class="course-mark" aria-hidden="true">{box}</span>' if space else ""
    rows = "".join(
        f'<li>{mark}'
        f'<strong>{_LETTERS[i]}.</strong> {_inline(e["text"])}</li>'
        for i, e in enumerate(entries))
    return f'<ul class="course-choices" style="list-style:none;padding-left:0.5em">{rows}</ul>'


def _instruction(q: dict) -> str:
    kind = q["type"]
    if kind == "single":
        return "Choose one."
    if kind == "multi":
        return "Choose every statement that applies."
    if kind == "order":
        return f"Number the {len(q['items'])} items from 1 (first) to {len(q['items'])} (last)."
    if kind == "match":
        spare = len(q["right"]) - len(q["left"])
        extra = f" {spare} on the right {'is' if spare == 1 else 'are'} not used." if spare > 0 else ""
        return f"Write the letter of the matching statement next to each entry on the left.{extra}"
    if kind == "numeric":
        unit = q.get("unit")
        return f"Give a number{f' ({unit})' if unit else ''}."
    if kind == "text":
        return "Answer in a word or a few words."
    return f"Write at least {q.get('min_words', 25)} words."


def _body(q: dict, space: bool) -> str:
    kind = q["type"]
    if kind in ("single", "multi"):
        return _lettered(q["options"], "&#9711;" if kind == "single" else "&#9744;", space)
    if kind == "order":
        # lettered, so that the room can call out an order ("C, A, D, B") and the key give one
        rows = "".join(f"<li>{_blank('2.5em') + ' ' if space else ''}<strong>{_LETTERS[i]}.</strong> {_inline(e['text'])}</li>"
                       for i, e in enumerate(q["items"]))
        return f'<ul class="course-items" style="list-style:none;padding-left:0.5em">{rows}</ul>'
    if kind == "match":
        left = "".join(f"<li>{_inline(e['text'])}{' ' + _blank('2.5em') if space else ''}</li>"
                       for e in q["left"])
        right = "".join(f"<li><strong>{_LETTERS[i]}.</strong> {_inline(e['text'])}</li>"
                        for i, e in enumerate(q["right"]))
        return (f'<div class="course-match"><ol class="course-left">{left}</ol>'
                f'<ul class="course-right" style="list-style:none;padding-left:0.5em">{right}</ul></div>')
    if not space:
        return ""
    if kind == "reflection":
        return '<div class="course-lines" style="height:9em"></div>'
    unit = f" {html.escape(str(q.get('unit', '')))}" if kind == "numeric" and q.get("unit") else ""
    return f"<p>Answer: {_blank('12em')}{unit}</p>"


def question_html(qid: str, *, space: bool = False, number: int | None = None) -> str:
    """The question ``qid`` as HTML: prompt, what to do, and all of its parts.

    ``space`` adds room to answer on paper (boxes, blanks, lines). LookupError or BankError
    from the bank pass through: a printed question must not silently go missing.
    """
    q = question(qid)
    label = f"Question {number}" if number is not None else "Question"
    return (f'<div class="course-question course-printed" data-question="{html.escape(qid)}">'
            f'<p class="course-question-label"><strong>{label}</strong> <span class="course-qid">({html.escape(qid)})</span></p>'
            f'{markdown_html(q["prompt"])}'
            f'<p class="course-instruction"><em>{_instruction(q)}</em></p>'
            f"{_body(q, space)}</div>")
