"""Presenting a lesson live from the notebook in JupyterLab, on a projector-sized window
(1280 x 720): the presenter view that `present()` switches on, measured, and the manual route
(Presentation Mode and the Simple Interface) that the guide keeps as a fallback. (RISE's
slideshow cannot draw ipywidgets; see "Presenting a lesson" in the instructor guide.)"""
import json
import re
from pathlib import Path

import nbformat
import pytest
from playwright.sync_api import expect

from a11y import audit, report
from lab_ui import RUN_ALL, STEP, open_notebook

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
LESSONS = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "notebooks").glob("[0-9][0-9]*_*.ipynb"))
PRESENTED = "notebooks/04_nep_and_the_social_contract.ipynb"  # the lesson the walkthrough review led
CHECK = re.compile(r"\bCheck$")
PROJECTOR = {"width": 1280, "height": 720}
PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"


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


def presenter_copy(lab, lesson: str, name: str) -> tuple[str, dict]:
    """The presenter's own copy of a lesson with `present()` in a new first cell, as the guide
    says to make it; returns its path in the lab and the notebook as JSON."""
    nb = nbformat.read(ROOT / lesson, as_version=4)
    nb.cells.insert(0, nbformat.v4.new_code_cell("from helpers import present\npresent()"))
    path = f"browser-tests/{name}.ipynb"
    (lab.root / "browser-tests").mkdir(exist_ok=True)
    nbformat.write(nb, lab.root / path)
    return path, json.loads((lab.root / path).read_text())


def sizes(page) -> dict:
    """Font sizes (px) in the open notebook: body text, and the smallest of each question part."""
    return page.evaluate("""(panel) => {
        const px = (el) => parseFloat(getComputedStyle(el).fontSize);
        const min = (sel) => {
          const found = [...document.querySelectorAll(panel + ' ' + sel)].filter(e => e.offsetParent !== null);
          return found.length ? Math.min(...found.map(px)) : null;
        };
        return {body: px(document.querySelector(panel + ' .jp-MarkdownOutput p')),
                prompt: min('.course-question .course-prompt p'),
                option: min('.course-question .widget-radio-box label, .course-question .widget-checkbox label'),
                feedback: min('.course-question .course-feedback p')};
    }""", PANEL)


OPEN_CODE = """(panel) => [...document.querySelectorAll(panel + ' .jp-Notebook .jp-CodeCell')]
        .map((c, i) => [i, c.querySelector('.jp-Cell-inputWrapper')])
        .filter(([i, w]) => w && w.offsetParent !== null && w.getBoundingClientRect().height > 0)
        .map(([i]) => i)"""


def open_code(page) -> list[int]:
    """Indexes (among code cells) of the code cells whose code is visible on screen."""
    return page.evaluate(OPEN_CODE, PANEL)


def save(page, on_disk: Path) -> dict:
    """Ctrl+S from a Markdown cell (the code cells' prompts are hidden with their code)."""
    page.keyboard.press("Escape")
    page.locator(f"{PANEL} .jp-MarkdownCell .jp-InputPrompt").first.click()
    page.keyboard.press("Control+s")
    tab = page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab.jp-mod-current")
    expect(tab).not_to_have_class(re.compile(r"\bjp-mod-dirty\b"), timeout=STEP)
    return json.loads(on_disk.read_text(encoding="utf-8"))


def cells_tagged(nb: dict, tag: str) -> list[int]:
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    return [i for i, c in enumerate(code) if tag in c.get("metadata", {}).get("tags", [])]


def test_the_presenter_view_scales_questions_with_the_text_hides_code_and_survives_a_reload(page, lab, question_bank):
    path, nb = presenter_copy(lab, PRESENTED, "present-04")
    shown_code = cells_tagged(nb, "show-in-presenter")
    assert shown_code, "the presented lesson tags no cell show-in-presenter"
    page.set_viewport_size(PROJECTOR)
    notebook = open_notebook(page, lab, path, "presenter-view")
    body_before = content_font_px(page)
    notebook.run_all()
    assert notebook.error_outputs() == []
    expect(page.locator("#main.jp-mod-presentationMode")).to_have_count(1)
    expect(page.locator(".course-presenter.course-presenter-on")).to_have_count(1)

    # one question answered by the room's choice, so its feedback can be measured too
    entry = next(e for e in question_bank.values()
                 if e["notebook"] == Path(PRESENTED).stem and e["type"] == "single")
    question = page.locator(f".course-q-{entry['id'].replace('.', '--')}")
    question.scroll_into_view_if_needed()
    label = plain(next(o["text"] for o in entry["options"] if o["id"] == entry["answer"]))
    question.get_by_role("radio", name=re.compile(re.escape(label) + "$")).check()
    question.get_by_role("button", name=CHECK).click()
    expect(question.locator(".course-feedback.course-correct")).to_be_visible(timeout=STEP)

    measured = sizes(page)
    assert measured["body"] >= 1.45 * 17 > body_before, measured     # 17 px Presentation Mode x 1.5
    for part in ("prompt", "option", "feedback"):
        assert measured[part] is not None and measured[part] >= measured["body"] - 0.5, (part, measured)
    # no code open but the tagged cells'; your-turn cells hidden whole; figures at full width
    assert open_code(page) == shown_code
    hidden = page.evaluate("(panel) => [...document.querySelectorAll(panel + ' .jp-Notebook .jp-CodeCell')]"
                           ".map((c, i) => c.offsetParent === null ? i : -1).filter(i => i >= 0)", PANEL)
    assert hidden == cells_tagged(nb, "your-turn")
    widths = page.evaluate("""(panel) => [...document.querySelectorAll(panel + ' .jp-OutputArea-output img')]
        .filter(i => i.offsetParent !== null)
        .map(i => { const out = i.closest('.jp-OutputArea-output'), css = getComputedStyle(out);
                    const inner = out.clientWidth - parseFloat(css.paddingLeft) - parseFloat(css.paddingRight);
                    return i.getBoundingClientRect().width / inner; })""", PANEL)
    assert widths and min(widths) > 0.95, widths
    # feedback inside the 1280-pixel window, not cut off at the right
    box = question.locator(".course-feedback.course-correct").bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= PROJECTOR["width"], box
    violations = audit(page)
    assert violations == [], f"presenter view:\n{report(violations)}"
    # nothing the room answered is recorded: the saved copy holds no answered record
    saved = save(page, lab.root / path)
    records = [o["data"]["application/vnd.course.answer+json"] for c in saved["cells"] for o in c.get("outputs", [])
               if "application/vnd.course.answer+json" in o.get("data", {})]
    assert records and all(r["attempt"] == 0 for r in records), records

    # a larger text from the view's own button, then a reload: mode, scale and live questions back
    page.get_by_role("button", name="Larger text").click()
    page.wait_for_function("px => parseFloat(getComputedStyle(document.querySelector("
                           "'.jp-NotebookPanel:not(.lm-mod-hidden) .jp-MarkdownOutput p')).fontSize) > px + 1",
                           arg=measured["body"], timeout=STEP)
    larger = sizes(page)["body"]
    page.reload()
    expect(notebook.panel.locator(".jp-Notebook")).to_be_visible(timeout=60_000)
    expect(page.locator("#main.jp-mod-presentationMode")).to_have_count(1, timeout=STEP)
    page.wait_for_function("px => { const p = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) "
                           ".jp-MarkdownOutput p'); return p && Math.abs(parseFloat(getComputedStyle(p).fontSize) - px) < 0.5; }",
                           arg=larger, timeout=STEP)
    # the view marks the cells to show on its next tick (0.7 s) after the page is back
    page.wait_for_function(f"() => JSON.stringify(({OPEN_CODE})({json.dumps(PANEL)})) === {json.dumps(json.dumps(shown_code, separators=(',', ':')))}",
                           timeout=STEP)
    assert open_code(page) == shown_code
    # the questions are live again: the kernel kept running and the saved outputs name its widgets
    live = page.locator(f"{PANEL} .course-question")
    stale = page.locator(".course-presenter-stale:not([hidden])")
    # (every widget output of the lesson is a question or a hint button: all of them live)
    questions = sum("application/vnd.jupyter.widget-view+json" in o.get("data", {})
                    for c in saved["cells"] for o in c.get("outputs", []))
    assert questions >= 5
    expect(live).to_have_count(questions, timeout=STEP)
    expect(stale).to_have_count(0)
    # the next morning: the kernel has stopped, so the saved questions cannot be live; the view
    # says what to do instead of leaving a page of "Question ... (interactive)" lines
    lab.shutdown_kernels()
    page.reload()
    expect(notebook.panel.locator(".jp-Notebook")).to_be_visible(timeout=60_000)
    expect(stale).to_be_visible(timeout=STEP)
    expect(stale).to_contain_text("Restart Kernel and Run All Cells")
    expect(page.locator("#main.jp-mod-presentationMode")).to_have_count(1)
    # doing what it says brings the questions back, at the size chosen before
    notebook.wait_kernel_idle()
    notebook.menu("Kernel", "Restart Kernel and Run All Cells…")
    page.locator(".jp-Dialog button.jp-mod-accept").click()
    expect(live).to_have_count(questions, timeout=RUN_ALL)
    expect(stale).to_have_count(0, timeout=STEP)
    assert abs(sizes(page)["body"] - larger) < 0.5

    # one step off: Presentation Mode and the scale go, the code comes back
    page.get_by_role("button", name="Switch off").click()
    expect(page.locator("#main.jp-mod-presentationMode")).to_have_count(0)
    page.wait_for_function("px => parseFloat(getComputedStyle(document.querySelector("
                           "'.jp-NotebookPanel:not(.lm-mod-hidden) .jp-MarkdownOutput p')).fontSize) < px",
                           arg=measured["body"], timeout=STEP)
    assert len(open_code(page)) > len(shown_code) + 10


def test_presentation_mode_by_hand_is_the_fallback(page, lab, question_bank):
    """Without present(): JupyterLab's Presentation Mode and Simple Interface, where the room's
    answer is entered and the feedback shown (the guide's fallback, with browser zoom)."""
    lesson = LESSONS[-1]
    stem = Path(lesson).stem
    # a single-choice question of the lesson that no other browser test answers
    entry = next(e for e in question_bank.values() if e["notebook"] == stem and e["type"] == "single")
    page.set_viewport_size(PROJECTOR)
    notebook = open_notebook(page, lab, lesson, "present")
    before = content_font_px(page)

    palette(page, "Presentation Mode")
    palette(page, "Simple Interface")
    expect(page.locator("#main.jp-mod-presentationMode")).to_have_count(1)
    expect(page.locator("#jp-main-dock-panel")).to_have_attribute("data-mode", "single-document")
    page.wait_for_function("px => parseFloat(getComputedStyle(document.querySelector("
                           "'.jp-NotebookPanel:not(.lm-mod-hidden) .jp-MarkdownOutput p')).fontSize) > px",
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
    box = feedback.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= PROJECTOR["width"], box
