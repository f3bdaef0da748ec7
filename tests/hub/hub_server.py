"""A real JupyterHub on 127.0.0.1, from the course's own hub/jupyterhub_config.py.

Why a module (used by tests/hub/conftest.py and benchmarks/bench_hub.py): the class-day test
and the load benchmark must meet the hub a teacher runs, so both load the repository's
configuration and override only what a test must: the address (127.0.0.1, free ports), the
login (JupyterHub's shared-password authenticator), the spawner (JupyterHub's simple local
spawner, one home folder per student under a temporary folder), the proxy
(configurable-http-proxy from tests/browser/node_modules, installed by `make test-hub`), and
temporary database and secrets. Everything it starts is stopped, and everything it writes is
removed, by ``stop()``, also after a failure.

The single-user servers import ``helpers`` from the served student copy (PYTHONPATH), as a
hub installs the student copy on the server: the pulled folder in each home holds the
notebooks, the installed copy holds the library and its tables.
"""
from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CONFIG = REPO / "hub" / "jupyterhub_config.py"
PROXY = REPO / "tests" / "browser" / "node_modules" / ".bin" / "configurable-http-proxy"
BIN = Path(sys.executable).parent
START_TIMEOUT = 60
STUDENT_PASSWORD = "class-day-" + secrets.token_hex(8)
TEACHER_PASSWORD = "teacher-" + secrets.token_hex(16)
# JupyterLab user settings for every student's server (see tests/browser/conftest.py for why
# each): all cells stay in the page, the kernel starts without a dialog, no news toasts.
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none", "autoStartDefaultKernel": True},
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
}


class HubProblem(Exception):
    """The hub cannot start here; the message says what is missing, in one sentence."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_taken(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("127.0.0.1", port))
            return False
        except OSError:
            return True


def _descendants(root: int) -> list[int]:
    """Every process below ``root`` (the proxy, the students' servers and their kernels)."""
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    found, todo = [], [root]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


@dataclass
class Hub:
    """A running hub: its public address, an admin API token, the students' homes."""

    url: str
    token: str
    state: Path
    homes: Path
    log: Path
    process: subprocess.Popen
    course_src: Path
    known: set = field(default_factory=set)

    def api(self, path: str, method: str = "GET", body: dict | None = None, timeout: float = 30):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(f"{self.url}/hub/api/{path.lstrip('/')}", data=data, method=method,
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            text = response.read()
        return json.loads(text) if text else None

    def tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no hub log)"

    def stop(self, keep_log_in: Path | None = None) -> None:
        """Stop the hub (it stops the proxy and the servers), kill what is left, remove the folder."""
        leftovers = _descendants(self.process.pid)
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        for pid in leftovers + _descendants(self.process.pid):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if keep_log_in is not None:
            keep_log_in.mkdir(parents=True, exist_ok=True)
            shutil.copy2(self.log, keep_log_in / "hub.log")
        shutil.rmtree(self.state, ignore_errors=True)


def preflight() -> None:
    """HubProblem naming what is missing, before anything starts."""
    if not PROXY.exists():
        raise HubProblem(f"configurable-http-proxy (JupyterHub's proxy) is missing at "
                         f"{PROXY.relative_to(REPO)}; run `make test-hub`, which installs it with npm.")
    if shutil.which("node") is None:
        raise HubProblem("node is missing, and JupyterHub's proxy needs it; on Debian or Ubuntu: apt-get install nodejs.")
    if not (BIN / "jupyterhub").exists():
        raise HubProblem("jupyterhub is not installed in this environment; run `make setup` (it is a test tool).")
    if shutil.which("git") is None:
        raise HubProblem("git is missing, and nbgitpuller needs it; on Debian or Ubuntu: apt-get install git.")


def _test_config(state: Path, homes: Path, settings: Path, course_src: Path, port: int, api_port: int,
                 hub_port: int, token: str) -> str:
    as_root = os.geteuid() == 0
    env = {
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}",
        "PYTHONPATH": str(course_src),
        "JUPYTERLAB_SETTINGS_DIR": str(settings),
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        "MPLBACKEND": "module://matplotlib_inline.backend_inline",
    }
    return f"""\
# Test overrides on top of the course's hub/jupyterhub_config.py (tests/hub/hub_server.py).
c = get_config()  # noqa: F821
load_subconfig({str(CONFIG)!r})  # noqa: F821
c.JupyterHub.bind_url = "http://127.0.0.1:{port}"
c.JupyterHub.hub_bind_url = "http://127.0.0.1:{hub_port}"
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{api_port}"
c.ConfigurableHTTPProxy.command = [{str(PROXY)!r}]
c.ConfigurableHTTPProxy.pid_file = {str(state / "proxy.pid")!r}
c.ConfigurableHTTPProxy.should_start = True
c.JupyterHub.db_url = "sqlite:///" + {str(state / "jupyterhub.sqlite")!r}
c.JupyterHub.cookie_secret_file = {str(state / "cookie_secret")!r}
c.JupyterHub.pid_file = {str(state / "jupyterhub.pid")!r}
c.JupyterHub.cleanup_servers = True
c.JupyterHub.cleanup_proxy = True
# Log in with a shared password: any student name; the teacher with its own.
c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = {STUDENT_PASSWORD!r}
c.SharedPasswordAuthenticator.admin_password = {TEACHER_PASSWORD!r}
c.Authenticator.allow_all = True
# One home folder per student under a temporary folder; servers run as this user.
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = {str(homes)!r} + "/{{username}}"
c.Spawner.cmd = [{str(BIN / "jupyterhub-singleuser")!r}]
# As root (containers, CI) every server runs as root, which Jupyter refuses without this:
c.Spawner.args = {["--allow-root"] if as_root else []!r} + ["--ServerApp.terminals_enabled=False"]
c.Spawner.environment.update({env!r})
c.Spawner.start_timeout = 600   # a class starting at once on a small shared test machine
c.Spawner.http_timeout = 600
# The test's admin token, as a service with the admin role.
c.JupyterHub.services = [{{"name": "course-test", "api_token": {token!r}}}]
c.JupyterHub.load_roles = [{{"name": "admin", "services": ["course-test"]}}]
c.JupyterHub.concurrent_spawn_limit = 0
c.JupyterHub.active_server_limit = 0
"""


def start(course_src: Path, *, port: int | None = None) -> Hub:
    """Start the hub and wait until its API answers through the proxy; HubProblem if it cannot."""
    port = port or int(os.environ.get("HUB_PORT") or 0) or free_port()
    if port_taken(port):
        raise HubProblem(f"port {port} on 127.0.0.1 is taken by another program; free it or set HUB_PORT to another port.")
    preflight()
    state = Path(tempfile.mkdtemp(prefix="course-hub-"))
    homes = state / "home"
    homes.mkdir()
    settings = state / "lab-settings"
    for plugin, values in LAB_SETTINGS.items():
        path = settings / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    token = secrets.token_hex(24)
    config = state / "test_config.py"
    config.write_text(_test_config(state, homes, settings, course_src, port, free_port(), free_port(), token))
    log = state / "hub.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "JPY_", "COURSE_"))}
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '/usr/bin:/bin')}"
    with log.open("w") as out:
        process = subprocess.Popen([str(BIN / "jupyterhub"), "-f", str(config)], cwd=state, env=env, stdout=out,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    hub = Hub(f"http://127.0.0.1:{port}", token, state, homes, log, process, course_src)
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline and process.poll() is None:
        try:
            hub.api("", timeout=3)
            return hub
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            time.sleep(0.3)
    text = log.read_text(errors="replace")
    tail = hub.tail()
    hub.stop()
    if "address already in use" in text.lower() or "EADDRINUSE" in text:
        raise HubProblem(f"a port JupyterHub needs on 127.0.0.1 is taken (hub log: {tail.splitlines()[-1:]}); "
                         "free it or set HUB_PORT.")
    if process.returncode is None:
        raise HubProblem(f"JupyterHub did not answer within {START_TIMEOUT}s. Last lines of its log:\n{tail}")
    raise HubProblem(f"JupyterHub exited with code {process.returncode}. Last lines of its log:\n{tail}")


def pull_link(hub_url: str, repo_url: str, repo_name: str, path: str = "notebooks/00_start_here.ipynb") -> str:
    """The README's nbgitpuller link, for this hub and repository."""
    query = urllib.parse.urlencode({"repo": repo_url, "branch": "main", "urlpath": f"lab/tree/{repo_name}/{path}"})
    return f"{hub_url}/hub/user-redirect/git-pull?{query}"


def publish_student_copy(where: Path, name: str = "moscow-student") -> tuple[Path, str]:
    """`course export-student` into ``where/name``, committed on branch main, as a teacher
    publishes it; returns (the repository, its file:// URL for nbgitpuller)."""
    repo = where / name
    result = subprocess.run([str(BIN / "course"), "export-student", str(repo)], cwd=REPO,
                            capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        raise HubProblem(f"course export-student failed: {result.stderr.strip()[-500:]}")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Student copy of the course")
    return repo, repo.as_uri()


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "Teacher", "GIT_AUTHOR_EMAIL": "teacher@example.org",
           "GIT_COMMITTER_NAME": "Teacher", "GIT_COMMITTER_EMAIL": "teacher@example.org"}
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True,
                          env=env, timeout=120).stdout
