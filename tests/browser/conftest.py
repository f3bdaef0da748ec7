"""A real JupyterLab in headless Chromium, for the browser tests (`make test-browser`).

Why: widgets that pass kernel-less tests can still fail where students meet them (widget
manager versions, display updates, saving). These fixtures start JupyterLab from this
environment on a free local port, on a temporary copy of the course (so nothing the tests
do touches the working tree or a student's progress), and drive it with Playwright using
the system's Chromium: Playwright never downloads a browser here.

On a failing test the page's screenshot, its console log and the server log are written to
test-artifacts/browser/<test>/ and the folder is named in the test output.
"""
from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from lab_ui import CHROMIUM, CHROMIUM_FLAGS

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts" / "browser"
SERVER_START_TIMEOUT = 90  # seconds; a cold start imports jupyterlab and its extensions
SERVER_STOP_TIMEOUT = 20

# User settings for the test server. Why each one: windowing "none" keeps every cell in the
# page (the default virtualises cells off screen, so their outputs would not be there to
# check); the kernel starts without the "Select Kernel" dialog, as a student's usually does;
# no news or update checks (offline, and their toast covers the notebook).
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none", "autoStartDefaultKernel": True},
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
}


# --- the course copy ------------------------------------------------------------------------

def _course_files() -> list[Path]:
    """The course as a clone would have it: tracked and new (not ignored) files."""
    try:
        out = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=REPO, check=True, capture_output=True, timeout=30).stdout
        names = [Path(n) for n in out.decode().split("\0") if n]
    except (OSError, subprocess.SubprocessError):
        names = [p.relative_to(REPO) for top in ("datasets", "notebooks", "solutions", "exercises", "src")
                 for p in (REPO / top).rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    return [n for n in names if (REPO / n).is_file() and n.parts[0] not in ("test-artifacts",)]


@pytest.fixture(scope="session")
def course_root(tmp_path_factory) -> Path:
    """A temporary copy of the course: the server's root folder, where tests may write."""
    root = tmp_path_factory.mktemp("course") / "course"
    for name in _course_files():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, target)
    return root


# --- the JupyterLab server ------------------------------------------------------------------

@dataclass
class Lab:
    """A running JupyterLab: where it is, how to reach it, and its course copy."""
    base_url: str
    token: str
    root: Path
    env: dict
    log: Path
    process: subprocess.Popen

    def url(self, path: str) -> str:
        return f"{self.base_url}/{path.lstrip('/')}"

    def api(self, path: str, method: str = "GET", timeout: float = 10):
        request = urllib.request.Request(self.url(f"api/{path.lstrip('/')}"), method=method,
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
        return json.loads(body) if body else None

    def shutdown_kernels(self) -> None:
        """End every notebook session, so each test starts with fresh kernels."""
        for session in self.api("sessions"):
            self.api(f"sessions/{session['id']}", method="DELETE")

    def course(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        """Run the `course` command on the copy, with the server's environment."""
        return subprocess.run([sys.executable, "-m", "course.cli", *args], cwd=self.root,
                              env=self.env, capture_output=True, text=True, timeout=timeout)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _children(pid: int) -> list[int]:
    """Direct children of ``pid`` (the kernels a server started), read from /proc."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields and int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _kill(pids: list[int]) -> None:
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def _tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no server log)"


def _write_settings(folder: Path) -> None:
    for plugin, values in LAB_SETTINGS.items():
        path = folder / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values, indent=2))


@pytest.fixture(scope="session")
def lab(course_root, tmp_path_factory):
    """JupyterLab on 127.0.0.1, a free port and a random token, stopped after the session."""
    server = start_lab(course_root, tmp_path_factory.mktemp("lab-state"))
    try:
        yield server
    finally:
        _stop(server)


def start_lab(course_root: Path, state: Path) -> Lab:
    """Start JupyterLab on ``course_root`` (as `make lab` does, rooted at the course folder) with
    its own empty progress store under ``state``; the caller stops it with stop_lab()."""
    _write_settings(state / "settings")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "COURSE_", "JPY_"))}
    env.update({
        "COURSE_HOME": str(state / "course-home"),        # a fresh, empty progress store
        "PYTHONPATH": str(course_root / "src"),           # the copy's helpers, not the checkout's
        "JUPYTER_CONFIG_DIR": str(state / "config"),      # no user config leaks in
        "JUPYTER_RUNTIME_DIR": str(state / "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(state / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(state / "workspaces"),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    })
    token = secrets.token_hex(24)
    log = state / "server.log"
    process = None
    for _attempt in range(3):  # a port taken between choosing and binding: pick another
        port = _free_port()
        with log.open("w") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", "jupyterlab", "--no-browser",
                 "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
                 f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={course_root}",
                 "--ServerApp.terminals_enabled=False", "--LabApp.extension_manager=readonly",
                 *(["--allow-root"] if os.geteuid() == 0 else [])],
                cwd=course_root, env=env, stdout=out, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True)
        server = Lab(f"http://127.0.0.1:{port}", token, course_root, env, log, process)
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while time.monotonic() < deadline and process.poll() is None:
            try:
                server.api("status", timeout=2)
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.3)
        else:
            if process.poll() is None:
                _stop(server)
                pytest.fail(f"JupyterLab did not answer within {SERVER_START_TIMEOUT}s. "
                            f"Server log:\n{_tail(log)}", pytrace=False)
            if "already in use" in log.read_text(errors="replace"):
                continue
            pytest.fail(f"JupyterLab exited with code {process.returncode}. "
                        f"Server log:\n{_tail(log)}", pytrace=False)
        break
    else:
        pytest.fail("JupyterLab found no free port in three tries.", pytrace=False)
    return server


def stop_lab(server: Lab) -> None:
    _stop(server)


def _stop(server: Lab) -> None:
    """Ask the server to shut down its kernels and exit; force it if it does not."""
    process = server.process
    kernels = _children(process.pid)
    if process.poll() is None:
        try:
            server.api("shutdown", method="POST", timeout=5)
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        try:
            process.wait(SERVER_STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)
    _kill([pid for pid in kernels if Path(f"/proc/{pid}").exists()])


# --- the browser ----------------------------------------------------------------------------

@pytest.fixture(scope="session")
def browser(lab, tmp_path_factory):
    """Chromium with a fresh profile, logged in to the test server."""
    if not CHROMIUM.exists():
        pytest.fail(f"Chromium is missing at {CHROMIUM}. Run `make test-browser` (it installs it "
                    "on Debian as root) or `sudo apt-get install chromium`.", pytrace=False)
    os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")), executable_path=str(CHROMIUM),
            headless=True, args=CHROMIUM_FLAGS, viewport={"width": 1400, "height": 1000},
            timeout=60_000)
        context.set_default_timeout(30_000)
        try:
            page = context.pages[0] if context.pages else context.new_page()
            page.goto(lab.url(f"lab?token={lab.token}"))  # sets the login cookie
            page.close()
            yield context
        finally:
            context.close()


@pytest.fixture
def page(browser, lab, request):
    """A new tab for one test; its console is recorded for the failure artifacts."""
    tab = browser.new_page()
    console: list[str] = []
    tab.on("console", lambda msg: console.append(f"[{msg.type}] {msg.text}"))
    tab.on("pageerror", lambda err: console.append(f"[pageerror] {err}"))
    request.node._browser = (tab, console, lab)
    try:
        yield tab
    finally:
        tab.close()
        try:
            lab.shutdown_kernels()
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass


def _save_artifacts(item, tab, console: list[str], lab: Lab) -> Path:
    folder = ARTIFACTS / re.sub(r"[^\w.-]+", "_", item.nodeid.split("::", 1)[-1])
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    try:
        tab.screenshot(path=str(folder / "screenshot.png"), full_page=True, timeout=10_000)
    except Exception as err:  # a crashed page still gets its log saved
        (folder / "screenshot-failed.txt").write_text(f"{err}\n")
    (folder / "console.log").write_text("\n".join(console) + "\n")
    shutil.copy2(lab.log, folder / "server.log")
    return folder


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    attached = getattr(item, "_browser", None)
    if report.failed and attached and report.when == "call":
        folder = _save_artifacts(item, *attached)
        shown = folder.relative_to(REPO) if folder.is_relative_to(REPO) else folder
        report.sections.append(("browser artifacts", f"screenshot, console log and server log in {shown}/"))
        item.config.stash.setdefault(_ARTIFACT_KEY, []).append(str(shown))


_ARTIFACT_KEY = pytest.StashKey[list]()


def pytest_terminal_summary(terminalreporter, config):
    folders = config.stash.get(_ARTIFACT_KEY, [])
    if folders:
        terminalreporter.section("browser artifacts")
        for folder in folders:
            terminalreporter.write_line(f"{folder}/ (screenshot.png, console.log, server.log)")


# --- the question bank (instructor side, plain text) -----------------------------------------

@pytest.fixture(scope="session")
def question_bank(course_root) -> dict:
    """Question id -> its YAML entry (with its notebook), so tests know keys and texts."""
    import yaml

    bank = {}
    for path in sorted((course_root / "solutions" / "question-bank").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for entry in data.get("questions", []):
            bank[entry["id"]] = {"notebook": data.get("notebook"), **entry}
    return bank
