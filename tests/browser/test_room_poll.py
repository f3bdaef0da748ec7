"""A room poll in the presenter view, in JupyterLab at 1280 x 720: the room's show of hands
typed in per option, the split drawn, then the verdict, explanation and sources; a typed list
of answers for a number; bad counts answered in words; nothing recorded anywhere. And the
countdown timer for pair work runs."""
import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from a11y import audit, report
from lab_ui import STEP, open_notebook, write_notebook

pytestmark = pytest.mark.browser

RECORD = "application/vnd.course.answer+json"
LESSON = "04_nep_and_the_social_contract"


def letter(n: int) -> str:
    return chr(ord("A") + n)


def test_a_room_poll_counts_hands_draws_the_split_reveals_the_verdict_and_records_nothing(page, lab, question_bank):
    single = next(e for e in question_bank.values() if e["notebook"] == LESSON and e["type"] == "single"
                  and len(e["options"]) >= 3)
    numeric = next(e for e in question_bank.values() if e["notebook"] == LESSON and e["type"] == "numeric")
    path = write_notebook(lab.root / "browser-tests" / "room-poll.ipynb",
                          "from helpers import present, ask, timer\npresent()",
                          f'ask("{single["id"]}")', f'ask("{numeric["id"]}")', "timer(minutes=1)")
    page.set_viewport_size({"width": 1280, "height": 720})
    notebook = open_notebook(page, lab, "browser-tests/room-poll.ipynb", "room-poll")
    notebook.run_all()
    assert notebook.error_outputs() == []

    # hands per option: a bad count first, then the room's real split
    poll = page.locator(f".course-q-{single['id'].replace('.', '--')} .course-poll")
    poll.scroll_into_view_if_needed()
    right = [o["id"] for o in single["options"]].index(single["answer"])
    counts = [2] * len(single["options"])
    counts[right] = 14
    poll.get_by_label("Hands for A:").fill("-3")
    poll.get_by_role("button", name="Show the room's split").click()
    expect(poll.get_by_role("alert")).to_contain_text("Option A: -3 is negative; a count of hands is 0 or more.")
    for n, count in enumerate(counts):
        poll.get_by_label(f"Hands for {letter(n)}:").fill(str(count))
    poll.get_by_role("button", name="Show the room's split").click()
    table = poll.locator("table.course-poll-table")
    expect(table.locator("caption")).to_have_text(f"The room's split: {sum(counts)} hands", timeout=STEP)
    expect(table.locator("tbody tr")).to_have_count(len(counts))
    share = round(100 * 14 / sum(counts))
    expect(table.locator("tbody tr").nth(right)).to_contain_text(f"14 ({share}%)")
    expect(poll.locator(".course-poll-verdict")).to_have_count(0)          # no verdict before the reveal

    poll.get_by_role("button", name="Reveal the answer").click()
    expect(poll.locator(".course-poll-answer")).to_contain_text(f"The answer: {letter(right)}", timeout=STEP)
    expect(table.locator("tbody tr").nth(right)).to_contain_text("\u2714 right")
    verdict = poll.locator(".course-feedback.course-correct")
    expect(verdict).to_contain_text("Why:")
    expect(verdict).to_contain_text("Source")

    # a typed list of answers for the numeric question: one line that is not a number is set aside
    typed = page.locator(f".course-q-{numeric['id'].replace('.', '--')} .course-poll")
    typed.scroll_into_view_if_needed()
    answer = str(numeric["answer"])
    typed.get_by_label("The room's answers:").fill(f"{answer}\n{answer}\nlots\n{float(answer) * 10:g}")
    typed.get_by_role("button", name="Reveal the answer").click()
    expect(typed.locator("caption")).to_have_text("The room's split: 3 answers", timeout=STEP)
    expect(typed).to_contain_text("Not counted (1)")
    expect(typed.locator("tbody tr").first).to_contain_text("2 (67%)")
    expect(typed.locator("tbody tr").first).to_contain_text("\u2714 right")
    expect(typed.locator(".course-feedback.course-correct")).to_contain_text("Why:")

    violations = audit(page)
    assert violations == [], f"room poll:\n{report(violations)}"

    # nothing recorded: no progress entry for either question, no answered record in the file
    store = Path(lab.env["COURSE_HOME"]) / "progress.json"
    if store.exists():
        text = store.read_text(encoding="utf-8")
        assert single["id"] not in text and numeric["id"] not in text, text[:2000]
    notebook.panel.locator('[data-command="docmanager:save"]').click()
    expect(page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab.jp-mod-current")).not_to_have_class(
        re.compile(r"\bjp-mod-dirty\b"), timeout=STEP)
    saved = json.loads(path.read_text(encoding="utf-8"))
    records = [o["data"][RECORD] for c in saved["cells"] for o in c.get("outputs", []) if RECORD in o.get("data", {})]
    assert records and all(r["attempt"] == 0 and r["answer"] is None for r in records), records

    # the pair-work timer counts down in the page
    clock = page.locator(".course-timer .course-timer-left")
    expect(clock).to_have_text("1:00 left")
    page.locator(".course-timer").get_by_role("button", name="Start").click()
    expect(clock).to_have_text(re.compile(r"^0:5\d left$"), timeout=STEP)
    page.locator(".course-timer").get_by_role("button", name="Pause").click()
