"""The presenter view: a lesson shown live to a room from the notebook, with ``present()``.

Why: JupyterLab's Presentation Mode fixes text at 17 px and ignores "Increase Content Font
Size"; question widgets stay at 13 px, figures at their PNG width, and every code cell and
your-turn warning is on the projector. ``present()`` in a lesson's first cell (of the
presenter's own copy) fixes that for this notebook only, with what JupyterLab offers: the
cell's output is trusted HTML holding a style sheet scoped to this notebook's panel and a
short script that switches on Presentation Mode and marks the cells to show or hide. Nothing
is written to JupyterLab's settings, so a student's JupyterLab is never changed.

What the view does (tests/browser/test_presenting.py measures it at 1280 x 720):

- body text, headings, tables, question prompts, options and feedback scaled together by one
  factor (``scale``; the Larger/Smaller buttons change it and the browser remembers it);
- figures at the full width of the notebook;
- every code cell's code hidden (its output stays) except cells tagged ``show-in-presenter``
  (or ``slides-show-code``, the offline slides' tag);
  cells tagged ``your-turn`` hidden whole;
- nothing recorded: while the view is on, Check shows the feedback but writes no answer
  record and nothing to the progress store, and each question offers a room poll;
- after a reload, when the questions show as one line of text, a warning at the top says to
  run Kernel > Restart Kernel and Run All Cells.

Why not something else: a course-wide setting or JupyterLab's custom CSS (``LabApp.custom_css``)
would change the look for every student of the environment, and neither can switch
Presentation Mode on or remember a size; a JupyterLab extension would need a JavaScript build
the course does not otherwise have, and would load for students too. Trusted output HTML needs
nothing installed and lives only in the presenter's copy. (Its token is a time stamp, so
``present()`` belongs in a presenter's copy, never in a committed lesson that nbval compares.)

``present(False)`` or the "Switch off" button ends it in one step. The state lives in the
saved notebook (the cell's output) and in the browser (the scale), so a reload of a saved
notebook comes back in the presenter view.
"""
from __future__ import annotations

import html
import json
import math
import numbers
import time

__all__ = ["present", "presenting", "PRESENTER_TAG", "HIDDEN_TAGS", "DEFAULT_SCALE"]

PRESENTER_TAG = "show-in-presenter"   # a code cell whose code stays visible in the presenter view
# A cell whose code the author shows on the offline slides (scripts/build_slides.py) shows here too.
SHOW_TAGS = (PRESENTER_TAG, "slides-show-code")
HIDDEN_TAGS = ("your-turn",)          # cells hidden whole (the task and its "Not yet" warning)
DEFAULT_SCALE = 1.5                   # 17 px Presentation Mode text -> about 25 px
MIN_SCALE, MAX_SCALE = 1.0, 3.0
BASE_PX = 17                          # JupyterLab's Presentation Mode body text

_STATE = {"on": False}


def presenting() -> bool:
    """True while this kernel is in the presenter view (answers are then not recorded)."""
    return bool(_STATE["on"])


class PresenterInputError(ValueError):
    """present() was given something it cannot use; the message says what to type."""


def _scale(value) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise PresenterInputError(f"scale is a number such as 1.5 (text one and a half times as large), "
                                  f"not {type(value).__name__}.")
    number = float(value)
    if not math.isfinite(number) or not MIN_SCALE <= number <= MAX_SCALE:
        raise PresenterInputError(f"scale {value} is outside {MIN_SCALE:g} to {MAX_SCALE:g}; 1.5 suits most "
                                  "rooms, 2 a large hall.")
    return round(number, 2)


def _first_line(source) -> str:
    text = "".join(source) if isinstance(source, list) else str(source or "")
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return ""


def tagged_cells(nb: dict) -> list[dict]:
    """The code cells the view must treat apart, found again in the page by their first
    line and its occurrence: [{"first", "n", "show", "hide"}]. Untagged cells need no entry."""
    found, seen = [], {}
    for cell in nb.get("cells", []) if isinstance(nb, dict) else []:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        first = _first_line(cell.get("source", ""))
        n = seen.get(first, 0)
        seen[first] = n + 1
        meta = cell.get("metadata") if isinstance(cell.get("metadata"), dict) else {}
        tags = meta.get("tags") if isinstance(meta.get("tags"), list) else []
        show, hide = any(t in tags for t in SHOW_TAGS), any(t in tags for t in HIDDEN_TAGS)
        if show or hide:
            found.append({"first": first, "n": n, "show": show, "hide": hide})
    return found


def _running_cells() -> tuple[list[dict], str]:
    """The tagged cells of the running notebook's saved file, and a note if it cannot be read."""
    from .notebook_file import running_notebook

    path, problem = running_notebook()
    if path is None:
        return [], problem or "the notebook's file is not known to this kernel"
    try:
        if path.stat().st_size > 50_000_000:
            return [], f"{path.name} is too large to read"
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError) as err:
        return [], f"{path.name} could not be read ({type(err).__name__})"
    return tagged_cells(nb), ""


# The style sheet. Every rule starts with PANEL, so it acts only in the notebook that shows the
# switched-on marker, and vanishes with the cell's output.
PANEL = ".jp-NotebookPanel:has(.course-presenter-on)"
_CSS = """
{P} {{
  --course-size: calc({base}px * var(--course-scale, {scale}));
  --jp-content-font-size1: var(--course-size);
  --jp-content-presentation-font-size1: var(--course-size);
  --jp-content-font-size2: calc(var(--course-size) * 1.1);
  --jp-content-font-size3: calc(var(--course-size) * 1.25);
  --jp-content-font-size4: calc(var(--course-size) * 1.45);
  --jp-content-font-size5: calc(var(--course-size) * 1.7);
  --jp-widgets-font-size: var(--course-size);
  --jp-widgets-inline-height: calc(var(--course-size) * 1.9);
  --jp-widgets-inline-label-width: auto;
}}
{P} .jp-RenderedHTMLCommon, {P} .jp-RenderedText pre {{ font-size: var(--course-size); }}
{P} .jp-RenderedHTMLCommon table {{ font-size: calc(var(--course-size) * 0.75); max-width: 100%; }}
{P} .jp-RenderedHTMLCommon td, {P} .jp-RenderedHTMLCommon th {{ white-space: normal; overflow-wrap: anywhere; }}
{P} .course-question, {P} .course-question .widget-html-content, {P} .course-question label,
{P} .course-question .widget-label, {P} .course-question .widget-label-basic,
{P} .course-question button, {P} .course-question input, {P} .course-question select,
{P} .course-question textarea, {P} .course-question p, {P} .course-question li,
{P} .course-timer, {P} .course-timer button {{
  font-size: var(--course-size) !important; line-height: 1.35;
}}
{P} .course-question button, {P} .course-timer button {{
  height: auto; min-height: var(--jp-widgets-inline-height); width: auto; padding: 0.1em 0.8em;
}}
{P} .course-question .widget-radio-box label, {P} .course-question .widget-checkbox label {{
  display: flex; flex-direction: row; justify-content: flex-start; align-items: flex-start; gap: 0.4em;
}}
{P} .course-question input[type="radio"], {P} .course-question input[type="checkbox"] {{
  margin-top: 0.25em; flex-shrink: 0; order: -1;
  width: 0.9em; height: 0.9em;
}}
{P} .jp-OutputArea-output figure {{ margin: 0.5em 0; }}
{P} .jp-OutputArea-output img, {P} .jp-RenderedMarkdown img {{
  width: 100% !important; max-width: 100% !important; height: auto !important;
}}
{P} .jp-CodeCell:not(.course-presenter-show) .jp-Cell-inputWrapper {{ display: none; }}
{P} .jp-Cell.course-presenter-hide {{ display: none; }}
.course-presenter {{ font-size: 16px; }}
.course-presenter-bar {{ display: flex; flex-wrap: wrap; gap: 0.5em; align-items: center; margin: 0; }}
.course-presenter-bar button {{ font-size: inherit; padding: 0.2em 0.7em; cursor: pointer;
  background: #fff; color: #1a1a1a; border: 1px solid #555; border-radius: 3px; }}
.course-presenter-bar button:focus-visible {{ outline: 3px solid #0072B2; outline-offset: 2px; }}
.course-presenter-stale {{ border-left: 6px solid #D55E00; padding: 0.3em 0.6em; margin-top: 0.4em; }}
"""

# Runs where the output is shown (JupyterLab runs scripts of trusted HTML outputs: the
# current session's, and a saved notebook's once JupyterLab has signed it).
_SCRIPT = r"""
(function () {
  var me = document.currentScript;
  var box = me && me.closest('.course-presenter');
  if (!box) return;
  var KEY = 'course-presenter', token = box.getAttribute('data-token');
  var cells = JSON.parse(box.getAttribute('data-cells') || '[]');
  var base = parseFloat(box.getAttribute('data-scale')) || 1.5;
  function load() { try { return JSON.parse(localStorage.getItem(KEY) || '{}'); } catch (e) { return {}; } }
  function store(s) { try { localStorage.setItem(KEY, JSON.stringify(s)); } catch (e) {} }
  function panel() { return box.closest('.jp-NotebookPanel'); }
  // The scale chosen with the buttons is kept for every present() at the same starting scale
  // (a Restart and Run All keeps it); "Switch off" holds for this output only.
  function scale() { var s = load(); return s.scale && s.base === base ? s.scale : base; }
  function say(on) {
    var state = box.querySelector('.course-presenter-state');
    if (state) state.textContent = on ? 'Presenter view is on (text \u00d7' + scale().toFixed(2).replace(/\.?0+$/, '') + ').'
                                       : 'Presenter view is off. Run this cell again to switch it on.';
    box.querySelectorAll('button[data-act="larger"],button[data-act="smaller"]').forEach(function (b) { b.hidden = !on; });
    var off = box.querySelector('button[data-act="off"]'); if (off) off.hidden = !on;
  }
  function mark(p) {
    var seen = {};
    p.querySelectorAll('.jp-Notebook .jp-CodeCell').forEach(function (cell) {
      var lines = cell.querySelectorAll('.cm-content .cm-line'), first = '';
      for (var i = 0; i < lines.length; i++) { var t = lines[i].textContent.trim(); if (t) { first = t; break; } }
      var n = seen[first] || 0; seen[first] = n + 1;
      var hit = cells.filter(function (c) { return c.first === first && c.n === n; })[0];
      cell.classList.toggle('course-presenter-show', !!(hit && hit.show));
      cell.classList.toggle('course-presenter-hide', !!(hit && hit.hide));
    });
  }
  // A question whose widget is gone shows "Loading widget..." or "Error displaying widget:
  // model not found" for good (its kernel is not the one that drew it) or its one line of
  // text; a few seconds of any, and the warning shows.
  var waiting = 0;
  function stale(p) {
    var dead = 0;
    p.querySelectorAll('.jp-OutputArea-output').forEach(function (o) {
      if (o.querySelector('.jupyter-widgets')) return;
      var text = o.textContent.trim();
      if (/^Loading widget\.\.\.$/.test(text) || /^Error displaying widget: model not found$/.test(text) ||
          /^(Question \S+|Countdown timer \S+|Hint button for \S+|Room poll for \S+) \((interactive|unavailable)\)$/.test(text)) dead++;
    });
    waiting = dead ? waiting + 1 : 0;
    var warn = box.querySelector('.course-presenter-stale');
    if (warn) warn.hidden = waiting < 6;
  }
  var started = false;
  function on() {
    var p = panel(); if (!p) return;
    box.classList.add('course-presenter-on');
    p.style.setProperty('--course-scale', String(scale()));
    if (!started) {  // once: Presentation Mode stays JupyterLab's to toggle (View > Appearance)
      var main = document.getElementById('main');
      if (main) main.classList.add('jp-mod-presentationMode');
      started = true;
    }
    mark(p); stale(p); say(true);
  }
  function off() {
    box.classList.remove('course-presenter-on');
    var p = panel(); if (p) p.style.removeProperty('--course-scale');
    var main = document.getElementById('main');
    if (main && started) main.classList.remove('jp-mod-presentationMode');
    started = false;
    say(false);
  }
  function live() { return load().off !== token; }
  box.addEventListener('click', function (ev) {
    var act = ev.target && ev.target.getAttribute && ev.target.getAttribute('data-act');
    if (!act) return;
    var s = load();
    if (act === 'off') { s.off = token; store(s); off(); return; }
    var now = scale(), step = act === 'larger' ? 0.25 : -0.25;
    s.scale = Math.min(3, Math.max(1, Math.round((now + step) * 100) / 100)); s.base = base;
    store(s); on();
  });
  var tick = setInterval(function () {
    if (!box.isConnected) { clearInterval(tick); return; }
    if (box.getAttribute('data-on') === 'true' && live()) on(); else if (box.classList.contains('course-presenter-on')) off();
    else say(false);
  }, 700);
  if (box.getAttribute('data-on') === 'true' && live()) on(); else say(false);
})();
"""


def _bundle(on: bool, scale: float, cells: list[dict], note: str) -> dict:
    token = f"{time.time_ns():x}"
    css = _CSS.format(P=PANEL, base=BASE_PX, scale=scale)
    if on:
        plain = (f"Presenter view is on (text x{scale:g}). If the questions show as one line of text, "
                 "run Kernel > Restart Kernel and Run All Cells. To switch it off: present(False).")
    else:
        plain = "Presenter view is off: answers are recorded again."
    warn = ("\u26a0 The questions on this page are not live: the page was reloaded or opened in a second "
            "window, so each shows as one line of text. Run Kernel \u2192 Restart Kernel and Run All Cells "
            "(a few seconds). Nothing the room answered was recorded, so nothing is lost.")
    extra = f'<p class="course-presenter-note"><em>{html.escape(note)}</em></p>' if note else ""
    markup = (
        f'<div class="course-presenter" data-on="{str(on).lower()}" data-token="{token}" data-scale="{scale}" '
        f'data-cells="{html.escape(json.dumps(cells), quote=True)}">'
        f"<style>{css}</style>"
        f'<p class="course-presenter-bar"><span class="course-presenter-state" role="status">{html.escape(plain)}</span>'
        '<button type="button" data-act="smaller">Smaller text</button>'
        '<button type="button" data-act="larger">Larger text</button>'
        '<button type="button" data-act="off">Switch off</button></p>'
        f'<p class="course-presenter-stale" role="alert" hidden>{html.escape(warn)}</p>{extra}'
        f"<script>{_SCRIPT}</script></div>")
    return {"text/plain": plain, "text/html": markup}


def present(on: bool = True, *, scale: float = DEFAULT_SCALE) -> None:
    """Show this notebook in the presenter view (``present(False)`` switches it off).

    Put ``from helpers import present; present()`` in the first cell of your copy of a lesson
    and run all cells. ``scale`` sizes the text against Presentation Mode's 17 px (1.5 gives
    about 25 px); the Larger and Smaller buttons change it while you teach. While the view is
    on, answers given in the notebook are not recorded anywhere.
    """
    from IPython.display import display

    try:
        size = _scale(scale)
    except PresenterInputError as err:
        display({"text/plain": f"\u26a0 present(): {err}"}, raw=True)
        return
    _STATE["on"] = bool(on)
    cells, note = _running_cells() if on else ([], "")
    if note:
        note = f"Code cells are hidden, but cells tagged to show could not be found: {note}."
    display(_bundle(bool(on), size, cells, note), raw=True)
