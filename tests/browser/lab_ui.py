"""What a student does in JupyterLab, as Playwright steps: open, run, answer, save, restart.

Why a module: the tests should read as the student's actions, and every wait lives here,
bounded, tied to something visible on the page (a cell's prompt, the kernel status in the
status bar, the file on disk) rather than to sleeps.
"""
from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

import nbformat
from playwright.sync_api import Locator, Page, expect

# Which Chromium, and how it starts (the browser and hub suites launch it alike).
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
# Headless, and quiet: the tests run offline, so Chromium's own background traffic
# (updates, sync, field trials) would only fail and slow the start.
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-quic",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]

KERNEL_START = 60_000   # ms: a cold kernel imports pandas and matplotlib
RUN_ALL = 180_000       # ms: the longest notebook a test runs
STEP = 30_000           # ms: one click and its feedback, one save
ERROR_OUTPUT = '.jp-RenderedText[data-mime-type="application/vnd.jupyter.stderr"]'


def write_notebook(path: Path, *sources: str, metadata: dict | None = None) -> Path:
    """A small notebook of code cells, written where the server can open it."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in sources]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                 "language": "python"}
    nb.metadata.update(metadata or {})
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


class Notebook:
    """One open notebook in the page."""

    def __init__(self, page: Page, path: str):
        self.page, self.path = page, path
        self.name = path.rsplit("/", 1)[-1]
        self.panel = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")
        self.cells = self.panel.locator(".jp-Notebook .jp-Cell")
        self.code_cells = self.panel.locator(".jp-Notebook .jp-CodeCell")

    # -- kernel -------------------------------------------------------------------------
    def kernel_status(self) -> Locator:
        return self.page.locator(f'.jp-StatusBar-TextItem[title="Change kernel for {self.name}"]')

    def wait_kernel_idle(self, timeout: float = KERNEL_START) -> None:
        """The status bar says '<kernel> | Idle' only once the kernel is connected and free."""
        expect(self.kernel_status()).to_have_text(re.compile(r"\(ipykernel\) \| Idle$"), timeout=timeout)

    def restart_kernel_and_clear(self) -> None:
        """Kernel > Restart Kernel and Clear Outputs of All Cells, confirmed in its dialog."""
        self.menu("Kernel", "Restart Kernel and Clear Outputs of All Cells…")
        self._accept_dialog()
        self._wait_cleared()
        self.wait_kernel_idle()

    # -- menus and dialogs --------------------------------------------------------------
    def menu(self, top: str, item: str) -> None:
        self.page.locator(".lm-MenuBar-item", has_text=re.compile(f"^{re.escape(top)}$")).click()
        label = self.page.locator(".lm-Menu-itemLabel", has_text=re.compile(f"^{re.escape(item)}$"))
        self.page.locator(".lm-Menu-item:not(.lm-mod-disabled)").filter(has=label).click()

    def _accept_dialog(self) -> None:
        dialog = self.page.locator(".jp-Dialog")
        dialog.locator("button.jp-mod-accept").click()
        expect(dialog).to_have_count(0, timeout=STEP)

    # -- running ------------------------------------------------------------------------
    def prompts(self) -> list[str]:
        return [t.strip() for t in self.code_cells.locator(".jp-InputPrompt").all_inner_texts()]

    def _wait_cleared(self) -> None:
        """Every code cell's prompt back to '[ ]:' (the notebook may have come with outputs)."""
        self.page.wait_for_function(
            """sel => [...document.querySelectorAll(sel)].every(p => !/\\d|\\*/.test(p.textContent))""",
            arg=".jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputPrompt", timeout=STEP)

    def run_all(self, timeout: float = RUN_ALL) -> None:
        """Clear outputs, Run > Run All Cells, and wait until every cell ran or one failed."""
        self.menu("Edit", "Clear Outputs of All Cells")
        self._wait_cleared()
        self.menu("Run", "Run All Cells")
        self.page.wait_for_function(
            """([cells, err]) => {
                 const prompts = [...document.querySelectorAll(cells)].map(p => p.textContent);
                 if (prompts.some(p => p.includes('*'))) return false;
                 return prompts.every(p => /\\d/.test(p)) || document.querySelector(err) !== null;
               }""",
            arg=[".jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputPrompt",
                 f".jp-NotebookPanel:not(.lm-mod-hidden) {ERROR_OUTPUT}"],
            timeout=timeout)
        self.wait_kernel_idle()

    def run_cell(self, cell: Locator) -> None:
        """Select a cell by its prompt and press Shift+Enter, as a student would."""
        cell.locator(".jp-InputPrompt").click()
        self.page.keyboard.press("Shift+Enter")

    def error_outputs(self) -> list[str]:
        """Texts of stderr/error outputs that report a failure (a traceback or a named error)."""
        texts = self.panel.locator(ERROR_OUTPUT).all_inner_texts()
        return [t for t in texts if re.search(r"Traceback|\w+Error\b|Exception", t)]

    # -- cells --------------------------------------------------------------------------
    def cell_with_output(self, text: str) -> Locator:
        """The code cell whose output shows ``text`` (e.g. 'Answer record for start.disputed:')."""
        cell = self.code_cells.filter(has=self.page.locator(".jp-OutputArea", has_text=text))
        expect(cell).to_have_count(1, timeout=STEP)
        return cell

    def question(self, question_id: str) -> Locator:
        """The cell that asks ``question_id``, found by its visible answer record line."""
        return self.cell_with_output(f"Answer record for {question_id}:")

    # -- saving -------------------------------------------------------------------------
    def save(self, path_on_disk: Path, until=None, timeout: float = STEP) -> dict:
        """Ctrl+S in command mode; returns the file as JSON once ``until(nb)`` holds."""
        self.page.keyboard.press("Escape")
        self.cells.first.locator(".jp-InputPrompt").click()
        self.page.keyboard.press("Control+s")
        tab = self.page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab.jp-mod-current")
        expect(tab).not_to_have_class(re.compile(r"\bjp-mod-dirty\b"), timeout=timeout)
        deadline = time.monotonic() + timeout / 1000
        while True:
            try:
                nb = json.loads(path_on_disk.read_text(encoding="utf-8"))
                if until is None or until(nb):
                    return nb
            except (OSError, ValueError):
                nb = None
            if time.monotonic() > deadline:
                raise AssertionError(f"{path_on_disk.name} on disk never held what was expected after "
                                     f"saving; last content:\n{json.dumps(nb)[:2000]}")
            time.sleep(0.2)


def open_notebook(page: Page, lab, path: str, workspace: str) -> Notebook:
    """Open ``path`` (relative to the course copy) in a workspace of its own, kernel ready."""
    page.goto(lab.url(f"lab/workspaces/{workspace}/tree/{path}"))
    notebook = Notebook(page, path)
    expect(notebook.panel.locator(".jp-Notebook")).to_be_visible(timeout=KERNEL_START)
    notebook.wait_kernel_idle()
    return notebook


def answer_records(nb: dict, mime: str = "application/vnd.course.answer+json") -> list[dict]:
    """Every answer record saved in a notebook's outputs, in cell order."""
    found = []
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []):
            record = output.get("data", {}).get(mime)
            if isinstance(record, dict):
                found.append(record)
    return found
