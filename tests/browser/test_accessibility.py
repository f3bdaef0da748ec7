"""Accessibility, audited: axe-core (WCAG 2.x A and AA) on every lesson as it opens and again
after all its cells have run (live widgets, fresh figures), scoped to what the course puts in
the notebook. Also checked: the axe copy is the pinned one."""
from pathlib import Path

import pytest

from a11y import audit, inject, pinned_version, report
from lab_ui import open_notebook, write_notebook

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
LESSONS = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "notebooks").glob("[0-9][0-9]*_*.ipynb"))


def test_the_audit_uses_the_pinned_axe_core(page, lab):
    open_notebook(page, lab, LESSONS[0], "axe-version")
    assert inject(page) == pinned_version()


def test_the_audit_finds_what_it_should(page, lab):
    """A control: an output with an unlabelled text field and a nameless button must fail,
    so a clean lesson means something."""
    write_notebook(lab.root / "browser-tests" / "axe-control.ipynb",
                   "from IPython.display import HTML\n"
                   "HTML('<input type=\"text\"><button></button>')")
    notebook = open_notebook(page, lab, "browser-tests/axe-control.ipynb", "axe-control")
    notebook.run_all()
    found = {v["id"] for v in audit(page)}
    assert {"label", "button-name"} <= found, found


@pytest.mark.parametrize("lesson", LESSONS, ids=[Path(p).stem for p in LESSONS])
def test_lesson_has_no_axe_violations_before_and_after_running(page, lab, lesson):
    notebook = open_notebook(page, lab, lesson, f"axe-{Path(lesson).stem}")
    before = audit(page)
    notebook.run_all()
    assert notebook.error_outputs() == []
    after = audit(page)
    assert before == [], f"{lesson} as opened:\n{report(before)}"
    assert after == [], f"{lesson} after Run All:\n{report(after)}"
