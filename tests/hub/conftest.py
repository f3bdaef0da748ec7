"""Fixtures for `make test-hub`: the student copy served by git, a real JupyterHub, Chromium.

Why: a class on a hub meets things a single JupyterLab never shows (log-in, an account and
home per student, nbgitpuller, the teacher reading and writing in students' homes). The
hub comes from tests/hub/hub_server.py; the browser is Debian's Chromium driven by
Playwright (never downloaded), one browser context per student so each has their own
cookies, as separate computers would. On a failing test the page's screenshot and the hub
log go to test-artifacts/hub/<test>/.
"""
from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "browser"))  # lab_ui: a student's steps in JupyterLab

import hub_server  # noqa: E402

REPO = HERE.parents[1]
ARTIFACTS = REPO / "test-artifacts" / "hub"


@pytest.fixture(scope="session")
def published(tmp_path_factory):
    """The teacher's student copy, committed on main in a local git repository."""
    try:
        return hub_server.publish_student_copy(tmp_path_factory.mktemp("served"))
    except hub_server.HubProblem as err:
        pytest.fail(str(err), pytrace=False)


@pytest.fixture(scope="session")
def hub(published, request):
    repo, _ = published
    try:
        server = hub_server.start(repo / "src")
    except hub_server.HubProblem as err:
        pytest.fail(f"the test hub did not start: {err}", pytrace=False)
    try:
        yield server
    finally:
        failed = request.session.testsfailed > 0
        server.stop(keep_log_in=ARTIFACTS if failed else None)


@pytest.fixture(scope="session")
def chromium():
    from lab_ui import CHROMIUM, CHROMIUM_FLAGS   # with the browser tests (the student copy has neither)

    if not CHROMIUM.exists():
        pytest.fail(f"Chromium is missing at {CHROMIUM}; run `make test-hub` (it installs it on Debian as root) "
                    "or `sudo apt-get install chromium`.", pytrace=False)
    os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS,
                                             timeout=60_000)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="module")
def class_state():
    """What one step of the class day leaves for the next (pages, folders, results)."""
    return {}


def pytest_collection_modifyitems(config, items):
    """Hub tests start servers and a browser: they run with `-m hub` (make test-hub) only, and
    are skipped, saying so, in a plain `pytest tests`."""
    if "hub" in (config.option.markexpr or ""):
        return
    skip = pytest.mark.skip(reason="starts a JupyterHub and Chromium: run make test-hub")
    for item in items:
        if "hub" in item.keywords:
            item.add_marker(skip)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.failed and report.when == "call":
        folder = ARTIFACTS / re.sub(r"[^\w.-]+", "_", item.nodeid.split("::", 1)[-1])
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        for name, page in getattr(item, "_pages", {}).items():
            try:
                page.screenshot(path=str(folder / f"{name}.png"), full_page=True, timeout=10_000)
            except Exception as err:  # a crashed page still gets its note
                (folder / f"{name}-screenshot-failed.txt").write_text(f"{err}\n")
        hub = item.funcargs.get("hub")
        if hub is not None:
            (folder / "hub.log").write_text(hub.tail(400) + "\n")
        report.sections.append(("hub artifacts", f"screenshots and hub log in {folder.relative_to(REPO)}/"))
