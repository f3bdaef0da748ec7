"""Every choice question in the bank can be read and clicked as drawn in a real browser.

Why: option labels are plain widget text, so a long option can wrap beyond its row and lie
over the next option: the student cannot read either, and a click on the lower option
selects the upper one. Headless widget tests cannot see this; the page can.
"""
import pytest

from lab_ui import open_notebook, write_notebook

pytestmark = pytest.mark.browser

# Each option label's box must hold its text, and no two option boxes may overlap.
_PROBLEMS = """panel => [...panel.querySelectorAll('.course-question')].map(question => {
    const labels = [...question.querySelectorAll('.widget-radio-box > label, .widget-checkbox label.widget-label-basic')];
    const problems = [];
    const boxes = labels.map(l => l.getBoundingClientRect());
    labels.forEach((label, i) => {
        const text = label.textContent.trim().slice(0, 60);
        if (label.scrollHeight > label.clientHeight + 1 || label.scrollWidth > label.clientWidth + 1)
            problems.push(`text overflows its option box: "${text}"`);
        for (let j = i + 1; j < labels.length; j++) {
            const a = boxes[i], b = boxes[j];
            if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom)
                problems.push(`overlaps the option below: "${text}"`);
        }
    });
    return problems;
})"""


def test_every_choice_option_is_readable_and_separate(page, lab, question_bank):
    ids = [qid for qid, entry in question_bank.items() if entry["type"] in ("single", "multi")]
    write_notebook(lab.root / "browser-tests" / "layout.ipynb", "from helpers import ask",
                   *[f'ask("{qid}")' for qid in ids])
    notebook = open_notebook(page, lab, "browser-tests/layout.ipynb", "layout")
    notebook.run_all()
    assert notebook.error_outputs() == []

    found = notebook.panel.evaluate(_PROBLEMS)
    assert len(found) == len(ids), "not every question was drawn"
    problems = {qid: p for qid, p in zip(ids, found) if p}
    assert not problems, "\n".join(f"{qid}: {'; '.join(p)}" for qid, p in problems.items())
