"""How a question looks: markdown, escaping, feedback and hint HTML, the option styles.

Why a module of its own: the question widget, check()'s output and the instructor's
feedback pages all show the same words the same way; none of this needs ipywidgets.
"""
from __future__ import annotations

import html
import re
from functools import lru_cache

from ..questions import Result

__all__ = ["COLOURS", "OPTION_STYLE", "esc", "markdown", "plain", "citations", "feedback_html",
           "feedback_text", "ordinal", "hints_html"]

# Okabe-Ito colours as an extra cue; the words and symbols carry the meaning.
COLOURS = {"correct": "#009E73", "incorrect": "#D55E00", "recorded": "#0072B2"}

# ipywidgets draws each radio option and checkbox in a row of fixed height, so a long option
# spills over the one below it and a click can land on the wrong answer. Let them wrap.
OPTION_STYLE = ("<style>.course-question .widget-radio-box label,"
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


def esc(text: str) -> str:
    """Escape text placed between tags (quotes need no escaping there and stay readable)."""
    return html.escape(text, quote=False)


@lru_cache(maxsize=512)
def markdown(text: str) -> str:
    """Markdown to HTML (raw HTML escaped); plain escaped paragraphs if mistune is missing."""
    try:
        import mistune
    except ImportError:  # pragma: no cover - mistune comes with nbconvert
        return "".join(f"<p>{esc(p)}</p>" for p in text.split("\n\n"))
    return _renderer()(text)


@lru_cache(maxsize=1)
def _renderer():
    import mistune

    return mistune.create_markdown(escape=True)


def plain(text: str) -> str:
    """Markdown emphasis and code marks dropped, for widget labels that show raw text."""
    return re.sub(r"[*`]|(?<!\w)_|_(?!\w)", "", text)


@lru_cache(maxsize=256)
def citations(source_ids: tuple) -> str:
    """'Source: ...' lines for the question's sources; lookup problems are reported, not raised."""
    if not source_ids:
        return ""
    from ..data import cite

    lines = []
    for sid in source_ids:
        try:
            lines.append(str(cite(sid)))
        except Exception as err:  # noqa: BLE001 - a missing table or id must not break feedback
            first = str(err).splitlines()[0] if str(err) else type(err).__name__
            lines.append(f"[{sid}] (details unavailable: {first})")
    label = "Source" if len(lines) == 1 else "Sources"
    return f"{label}:\n" + "\n".join(lines)


def feedback_html(result: Result, notes: tuple = ()) -> str:
    colour = COLOURS.get(result.status, "#E69F00")
    parts = [markdown(result.message)]
    sources = citations(tuple(result.source_ids))
    if sources:
        label, _, rest = sources.partition("\n")
        items = "".join(f"<li>{esc(line)}</li>" for line in rest.splitlines())
        parts.append(f"<p><strong>{esc(label)}</strong></p><ul>{items}</ul>")
    parts += [f"<p><em>{esc(note)}</em></p>" for note in notes if note]
    return (f'<div class="course-feedback course-{result.status}" role="status" aria-live="polite" '
            f'style="border-left: 6px solid {colour}; padding-left: 0.6em">{"".join(parts)}</div>')


def feedback_text(result: Result, notes: tuple = ()) -> str:
    parts = [result.message, citations(tuple(result.source_ids))]
    parts += list(notes)
    return "\n\n".join(p for p in parts if p)


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def hints_html(hints: list, shown: int, off: bool = False) -> str:
    """The first ``shown`` hints (one more per press of Hint), or a note that there is none."""
    if off:
        return ('<div class="course-hint"><p>Hints are switched off in this assignment: '
                're-read the lesson section it builds on.</p></div>')
    if not hints:
        return ('<div class="course-hint"><p>There is no hint for this question: '
                're-read the section above.</p></div>')
    html_ = "".join(f"<p><strong>Hint {n}:</strong></p>{markdown(h)}" if len(hints) > 1
                    else f"<p><strong>Hint:</strong></p>{markdown(h)}"
                    for n, h in enumerate(hints[:shown], 1))
    if len(hints) > 1 and shown == len(hints):
        html_ += "<p><em>That was the last hint.</em></p>"
    return f'<div class="course-hint" role="note">{html_}</div>'
