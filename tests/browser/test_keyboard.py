"""Keyboard only: one question of each type answered with Tab, the arrow keys, Space, Enter
and typing, never the mouse, and every control of the question shows where the focus is.

The page is set up with the mouse (open, Run All); from the moment a question is reached,
only keys are pressed. Each question comes from the real bank, one of each type that no
other browser test answers, so earlier answers restored from progress cannot interfere.
"""
import re

import pytest
from playwright.sync_api import expect

from lab_ui import STEP, open_notebook, write_notebook

pytestmark = pytest.mark.browser

TYPES = ("single", "multi", "order", "match", "numeric", "text", "reflection")
TAKEN = {"start.disputed", "start.delegates"}  # answered by test_questions.py


def plain(markdown: str) -> str:
    return " ".join(re.sub(r"[*`]|(?<!\w)_|_(?!\w)", "", markdown).split())


def pick(question_bank) -> dict:
    """The first question of each type, lessons before assignments, not used elsewhere."""
    numeric_elsewhere = [e["id"] for e in question_bank.values()
                         if re.match(r"\d\d_", e["notebook"] or "") and e["type"] == "numeric"][-1:]
    chosen = {}
    for entry in sorted(question_bank.values(), key=lambda e: not re.match(r"\d\d_", e["notebook"] or "")):
        if entry["type"] not in chosen and entry["id"] not in TAKEN | set(numeric_elsewhere):
            chosen[entry["type"]] = entry
    return chosen


def on_submit(qid: str) -> bool:
    """True for a question of an on-submit assignment: it shows "recorded", never a verdict.
    (The lessons have no text question any more, so that one comes from an assignment.)"""
    from helpers.questions import load_bank

    return load_bank()["questions"][qid].get("mode") == "on-submit"


def focused(page) -> dict:
    """What has the focus, and whether it is drawn: an outline or a box-shadow ring."""
    return page.evaluate("""() => {
        const el = document.activeElement, s = getComputedStyle(el);
        const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
        const shadow = s.boxShadow && s.boxShadow !== 'none';
        return {tag: el.tagName.toLowerCase(), type: el.type || '', text: (el.innerText || el.value || '').trim(),
                label: el.getAttribute('aria-label') || (el.labels && el.labels[0] ? el.labels[0].innerText : ''),
                ring: outline || shadow, outline: s.outline, shadow: s.boxShadow};
    }""")


def tab(page, expect_tag: str | None = None) -> dict:
    if getattr(page, "_course_entered", False):
        page._course_entered = False
    else:
        page.keyboard.press("Tab")
    now = focused(page)
    assert now["ring"], f"no visible focus indicator on {now}"
    if expect_tag:
        assert now["tag"] == expect_tag, now
    return now


def select_by_keys(page, wanted: str) -> None:
    """In the focused <select>: arrow down to the option whose text is ``wanted``."""
    options = page.evaluate("() => [...document.activeElement.options].map(o => o.text)")
    target = next(i for i, text in enumerate(options) if plain(text) == plain(wanted))
    current = page.evaluate("() => document.activeElement.selectedIndex")
    for _ in range(target - current):
        page.keyboard.press("ArrowDown")
    assert page.evaluate("() => document.activeElement.selectedIndex") == target


def start_at(page, question) -> None:
    """Put the focus just before the question: on its prompt, which JupyterLab answers by
    focusing the cell; Tab then passes the cell's own toolbar (JupyterLab's) before it
    reaches the question's first control, as it does for a student."""
    question.locator(".course-prompt").evaluate("el => { el.tabIndex = -1; el.focus(); }")
    for _ in range(20):
        if question.evaluate("(q, el) => q.contains(document.activeElement) && document.activeElement.matches('input,select,textarea,button')",
                             None):
            break
        page.keyboard.press("Tab")
    else:
        raise AssertionError(f"20 presses of Tab never reached the question: focus is on {focused(page)}")
    page._course_entered = True  # the first control has the focus: the next tab() only checks it


def press_check(page, question, name: str) -> None:
    """Tab on (past any remaining options, each showing its focus) to the question's button."""
    for _ in range(12):
        now = tab(page)
        if now["tag"] == "button":
            break
        assert question.evaluate("q => q.contains(document.activeElement)"), f"Tab left the question: {now}"
    assert now["tag"] == "button" and now["text"].endswith(name), now
    # ipywidgets holds back a control's new value while the kernel has not acknowledged the
    # previous one, but sends a button press at once: give the last choice time to arrive,
    # as the half second a person takes between choosing and pressing Enter does.
    page.wait_for_timeout(500)
    page.keyboard.press("Enter")


def answer(page, entry: dict, question) -> None:
    kind = entry["type"]
    start_at(page, question)
    if kind == "single":
        texts = [plain(t) for t in question.locator("input[type=radio]").evaluate_all(
            "els => els.map(e => e.parentElement.innerText)")]
        wanted = plain(next(o["text"] for o in entry["options"] if o["id"] == entry["answer"]))
        tab(page, "input")
        page.keyboard.press("Space")
        for _ in range(texts.index(wanted)):
            page.keyboard.press("ArrowDown")
        assert plain(focused(page)["label"]) == wanted or question.locator("input[type=radio]:checked").count() == 1
    elif kind == "multi":
        right = {plain(o["text"]) for o in entry["options"] if o["id"] in entry["answer"]}
        for _ in entry["options"]:
            now = tab(page, "input")
            if plain(now["label"]) in right:
                page.keyboard.press("Space")
        assert question.locator("input[type=checkbox]:checked").count() == len(right)
    elif kind == "order":
        texts = {i["id"]: i["text"] for i in entry["items"]}
        for item in entry["answer"]:
            tab(page, "select")
            select_by_keys(page, texts[item])
    elif kind == "match":
        rights = {r["id"]: r["text"] for r in entry["right"]}
        shown = [plain(t) for t in question.locator(".course-match-item").all_inner_texts()]
        lefts = {plain(l["text"]): l["id"] for l in entry["left"]}
        for row in shown:
            left = next(lid for text, lid in lefts.items() if row.endswith(text))
            tab(page, "select")
            select_by_keys(page, rights[entry["answer"][left]])
    elif kind in ("numeric", "text"):
        tab(page, "input")
        page.keyboard.type(str(entry["answer"]))
        page.keyboard.press("Enter")
    elif kind == "reflection":
        tab(page, "textarea")
        words = ("The sources were compiled by different people at different times from different "
                 "lists, so I would compare who counted, when, from which documents and for what purpose ")
        page.keyboard.type(" ".join((words * 3).split()[: entry.get("min_words", 25) + 5]))
    press_check(page, question, "Save" if kind == "reflection" else "Check")


def run_by_keyboard(page, lab, question_bank, kinds, name):
    chosen = pick(question_bank)
    assert set(kinds) <= set(chosen), f"the bank has no question of type {set(kinds) - set(chosen)}"
    write_notebook(lab.root / "browser-tests" / f"{name}.ipynb", "from helpers import ask",
                   *[f'ask("{chosen[kind]["id"]}")' for kind in kinds])
    notebook = open_notebook(page, lab, f"browser-tests/{name}.ipynb", name)
    notebook.run_all()
    for kind in kinds:
        entry = chosen[kind]
        question = notebook.question(entry["id"])
        question.scroll_into_view_if_needed()
        answer(page, entry, question)
        # on-submit questions (graded assignments) only say "recorded", never right or wrong
        status = "recorded" if kind == "reflection" or on_submit(entry["id"]) else "correct"
        expect(question.locator(f".course-feedback.course-{status}"),
               f"{kind} question {entry['id']} was not answered right by keyboard").to_be_visible(timeout=STEP)


def test_questions_answered_with_tab_space_enter_and_typing(page, lab, question_bank):
    run_by_keyboard(page, lab, question_bank, ["multi", "numeric", "text", "reflection"], "keyboard-keys")


def test_questions_that_need_arrow_keys_single_order_match(page, lab, question_bank):
    """Needs the course's JupyterLab shortcut override (scripts/jupyterlab/overrides.json,
    installed into .venv by the set-up): without it JupyterLab's notebook takes the arrow
    keys from a focused radio button or drop-down and moves to another cell."""
    run_by_keyboard(page, lab, question_bank, ["single", "order", "match"], "keyboard-arrows")
