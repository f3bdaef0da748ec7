"""The supported live walkthrough: a lesson presented from the notebook in JupyterLab, in
Presentation Mode and the Simple Interface with larger text, on a projector-sized window,
where the room's answer is entered and the feedback shown. (RISE's slideshow cannot draw
ipywidgets; see "Presenting a lesson" in the instructor guide.)"""
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from lab_ui import STEP, open_notebook

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
LESSONS = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "notebooks").glob("[0-9][0-9]*_*.ipynb"))
CHECK = re.compile(r"\bCheck$")


def plain(markdown: str) -> str:
    return " ".join(re.sub(r"[*`]|(?<!\w)_|_(?!\w)", "", markdown).split())


def palette(page, command: str) -> None:
    """Run a JupyterLab command by its name from the command palette (Ctrl+Shift+C)."""
    page.keyboard.press("Control+Shift+C")
    page.locator(".lm-CommandPalette-input").fill(command)
    item = page.locator(".lm-CommandPalette-item", has=page.locator(".lm-CommandPalette-itemLabel",
                                                                       has_text=re.compile(f"^{re.escape(command)}$")))
    item.first.click()


def content_font_px(page) -> float:
    return page.evaluate("() => parseFloat(getComputedStyle(document.querySelector("
                         "'.jp-NotebookPanel:not(.lm-mod-hidden) .jp-MarkdownOutput p')).fontSize)")


def test_present_a_lesson_in_presentation_mode_and_answer_with_the_room(page, lab, question_bank):
    lesson = LESSONS[-1]
    stem = Path(lesson).stem
    # a single-choice question of the lesson that no other browser test answers
    entry = next(e for e in question_bank.values() if e["notebook"] == stem and e["type"] == "single")
    page.set_viewport_size({"width": 1280, "height": 720})
    notebook = open_notebook(page, lab, lesson, "present")
    before = content_font_px(page)

    palette(page, "Presentation Mode")
    palette(page, "Simple Interface")
    palette(page, "Increase Content Font Size")
    expect(page.locator("#main.jp-mod-presentationMode")).to_have_count(1)
    expect(page.locator("#jp-main-dock-panel")).to_have_attribute("data-mode", "single-document")
    page.wait_for_function("px => parseFloat(getComputedStyle(document.querySelector("
                           "'.jp-NotebookPanel:not(.lm-mod-hidden) .jp-MarkdownOutput p')).fontSize) > px * 1.2",
                           arg=before, timeout=STEP)

    notebook.run_all()
    assert notebook.error_outputs() == []
    question = notebook.question(entry["id"])
    question.scroll_into_view_if_needed()
    label = plain(next(o["text"] for o in entry["options"] if o["id"] == entry["answer"]))
    question.get_by_role("radio", name=label, exact=True).check()
    question.get_by_role("button", name=CHECK).click()
    feedback = question.locator(".course-feedback.course-correct")
    expect(feedback).to_be_visible(timeout=STEP)
    # the feedback is on screen, inside the 1280-pixel window, not cut off at the right
    box = feedback.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 1280, box
