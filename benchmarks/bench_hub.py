"""How many students can one hub server carry? A class simulated on a real JupyterHub.

Why: the README's class-size table used to be an estimate. This starts the test hub of
`make test-hub` (tests/hub/hub_server.py: the course's hub/jupyterhub_config.py, JupyterHub's
simple local spawner, 127.0.0.1 only) and, for each class size N, logs N students in at
once, each with their own single-user server and kernel. Each kernel runs a lesson top to
bottom (every code cell, through the server's kernel websocket behind the hub's proxy, as
JupyterLab sends them), then the class checks answers for a while: each student clicks a
random Check button of that lesson every 10-30 s (a uniformly random pause), sent as the
widget's click message on the same websocket, exactly as the browser sends it. Measured:

- Check -> feedback: from sending the click to the kernel reporting idle after it, by which
  time every message the click caused (the feedback widget's update, the answer record) has
  reached the client, since the kernel's output channel is in order;
- start-up of a student's server: from the start request to the server answering (all N
  requested at the same moment, as a class logging in at the start of a lesson);
- CPU and memory per active student: the server and its kernel, from /proc, during the
  checking phase (CPU as a share of one core), and resident memory after the lesson ran.

This is a benchmark, not a test: it prints figures and asserts nothing. The machine's load
average before and after each run is printed too, since other work on the machine slows it.

    make bench-hub                                  # 10, 20 and 30 students, 120 s of checks each
    HUB_BENCH_STUDENTS="10 30" HUB_BENCH_SECONDS=60 make bench-hub

The last line per size is machine-readable:
    bench-hub: students=N start_median_s=... start_p95_s=... check_median_ms=... check_p95_ms=...
        checks=K cpu_per_student_pct=... rss_per_student_mb=... load_before=... load_after=...
"""
from __future__ import annotations

import asyncio
import json
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

from tornado.httpclient import HTTPClientError, HTTPRequest
from tornado.iostream import StreamClosedError
from tornado.websocket import WebSocketClosedError, websocket_connect

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "hub"))
import hub_server  # noqa: E402

LESSON = "notebooks/01_moscow_after_the_civil_war.ipynb"
SIZES = [int(n) for n in os.environ.get("HUB_BENCH_STUDENTS", "10 20 30").split()]
CHECK_SECONDS = float(os.environ.get("HUB_BENCH_SECONDS", "120"))
PAUSE = (10.0, 30.0)
LESSON_AT_ONCE = 4   # lessons run by this many students at a time (the rest wait their turn)
TICKS = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def _proc(pid: int) -> tuple[float, int]:
    """(CPU seconds used, resident bytes) of one process."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        rss = int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
        return (int(fields[11]) + int(fields[12])) / TICKS, rss
    except (OSError, IndexError, ValueError):
        return 0.0, 0


def tree(pid: int) -> list[int]:
    return [pid, *hub_server._descendants(pid)]


def usage(pids: list[int]) -> tuple[float, int]:
    cpu = rss = 0
    for pid in pids:
        c, r = _proc(pid)
        cpu += c
        rss += r
    return cpu, rss


class Student:
    """One simulated student: a server, a kernel websocket and the lesson's Check buttons."""

    def __init__(self, hub, name: str):
        self.hub, self.name = hub, name
        self.session = uuid.uuid4().hex
        self.ws = None
        self.pending: dict[str, asyncio.Future] = {}
        self.checks: list[str] = []      # comm ids of the lesson's Check buttons
        self.choices: list[str] = []     # comm ids of its radio-button answers
        self.errors: list[str] = []
        self.server_pid = 0
        self.token = ""

    def message(self, msg_type: str, content: dict, channel: str = "shell") -> dict:
        return {"header": {"msg_id": uuid.uuid4().hex, "username": self.name, "session": self.session,
                           "msg_type": msg_type, "version": "5.3",
                           "date": datetime.now(timezone.utc).isoformat()},
                "parent_header": {}, "metadata": {}, "content": content, "channel": channel, "buffers": []}

    async def connect(self) -> None:
        self.token = self.hub.api(f"users/{self.name}/tokens", "POST", {"note": "bench", "expires_in": 7200})["token"]
        base = f"{self.hub.url}/user/{self.name}/api"
        from tornado.httpclient import AsyncHTTPClient
        response = await AsyncHTTPClient().fetch(f"{base}/kernels", method="POST", body=json.dumps({"name": "python3"}),
                                                 headers={"Authorization": f"token {self.token}"}, request_timeout=120)
        kernel = json.loads(response.body)["id"]
        url = f"{base}/kernels/{kernel}/channels".replace("http://", "ws://")
        # A kernel still starting drops what it is sent, and a busy server may close the socket:
        # ask until it answers, reconnecting if need be, as JupyterLab does.
        deadline = time.monotonic() + 300
        while True:
            try:
                self.ws = await websocket_connect(HTTPRequest(url, headers={"Authorization": f"token {self.token}"},
                                                              request_timeout=120), max_message_size=64 << 20)
                asyncio.get_running_loop().create_task(self._read(self.ws))
                await self.request(self.message("kernel_info_request", {}), timeout=10)
                return
            except (asyncio.TimeoutError, WebSocketClosedError, StreamClosedError, HTTPClientError, OSError):
                if self.ws is not None:
                    self.ws.close()
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{self.name}: the kernel never answered") from None
                await asyncio.sleep(1)

    async def _read(self, ws) -> None:
        while True:
            raw = await ws.read_message()
            if raw is None:
                return
            if isinstance(raw, bytes):
                continue
            msg = json.loads(raw)
            kind, parent = msg["header"]["msg_type"], msg.get("parent_header", {}).get("msg_id")
            content = msg.get("content", {})
            if kind == "comm_open":
                state = content.get("data", {}).get("state", {})
                if state.get("_model_name") == "ButtonModel" and state.get("description", "").endswith("Check"):
                    self.checks.append(content["comm_id"])
                elif state.get("_model_name") == "RadioButtonsModel":
                    self.choices.append(content["comm_id"])
            elif kind == "error":
                self.errors.append(f"{content.get('ename')}: {content.get('evalue')}")
            waiter = self.pending.get(parent)
            if waiter is None or waiter.done():
                continue
            if kind.endswith("_reply") and content.get("status") != "ok":
                waiter.set_result(content.get("status"))
            elif kind == "status" and content.get("execution_state") == "idle":
                # the kernel has sent everything the request caused (iopub is in order)
                waiter.set_result("ok")

    async def request(self, msg: dict, timeout: float = 300) -> str:
        waiter = asyncio.get_running_loop().create_future()
        self.pending[msg["header"]["msg_id"]] = waiter
        await self.ws.write_message(json.dumps(msg))
        try:
            return await asyncio.wait_for(waiter, timeout)
        finally:
            self.pending.pop(msg["header"]["msg_id"], None)

    async def run_lesson(self, cells: list[str]) -> None:
        for source in cells:
            status = await self.request(self.message("execute_request", {
                "code": source, "silent": False, "store_history": True, "user_expressions": {},
                "allow_stdin": False, "stop_on_error": True}))
            if status != "ok":
                self.errors.append(f"a lesson cell ended with {status}")
                return
        # a student picks an answer in each choice question before checking (the widget's own update)
        for comm in self.choices:
            await self.ws.write_message(json.dumps(self.message("comm_msg", {
                "comm_id": comm, "data": {"method": "update", "state": {"index": 0}, "buffer_paths": []}})))

    async def check(self) -> float:
        """Click one Check button; seconds until its feedback arrives."""
        comm = random.choice(self.checks)
        msg = self.message("comm_msg", {"comm_id": comm, "data": {"method": "custom", "content": {"event": "click"}}})
        start = time.perf_counter()
        await self.request(msg, timeout=60)
        return time.perf_counter() - start


async def start_servers(hub, names: list[str]) -> list[float]:
    """Request every server at once; seconds from request to ready, per student."""
    asked = {}
    for name in names:
        hub.api(f"users/{name}", "POST")
    for name in names:
        asked[name] = time.monotonic()
        hub.api(f"users/{name}/server", "POST", timeout=300)
    ready: dict[str, float] = {}
    deadline = time.monotonic() + 600
    while len(ready) < len(names) and time.monotonic() < deadline:
        for user in hub.api("users?state=active"):
            server = user.get("servers", {}).get("")
            if server and server.get("ready") and user["name"] in asked and user["name"] not in ready:
                ready[user["name"]] = time.monotonic() - asked[user["name"]]
        await asyncio.sleep(0.2)
    missing = sorted(set(names) - set(ready))
    if missing:
        raise RuntimeError(f"servers never became ready: {missing}")
    return [ready[n] for n in names]


async def one_size(hub, size: int, cells: list[str]) -> str:
    load_before = os.getloadavg()[0]
    names = [f"student{size:02d}x{i:02d}" for i in range(size)]
    starts = await start_servers(hub, names)
    students = [Student(hub, name) for name in names]
    for student in students:
        state = hub.api(f"users/{student.name}")["servers"][""]["state"]
        student.server_pid = int(state.get("pid", 0))
    connected = await asyncio.gather(*(s.connect() for s in students), return_exceptions=True)
    failed = [f"{s.name}: {c}" for s, c in zip(students, connected) if isinstance(c, BaseException)]
    if failed:
        print(f"bench-hub: {len(failed)} of {size} students got no working kernel: {failed[:3]}", file=sys.stderr)
    students = [s for s, c in zip(students, connected) if not isinstance(c, BaseException)]
    gate = asyncio.Semaphore(LESSON_AT_ONCE)

    async def lesson(student):
        async with gate:
            await student.run_lesson(cells)
    t0 = time.monotonic()
    await asyncio.gather(*(lesson(s) for s in students))
    lesson_s = time.monotonic() - t0
    broken = [f"{s.name}: {s.errors[0]}" for s in students if s.errors or not s.checks]
    if broken:
        raise RuntimeError(f"the lesson did not run cleanly: {broken[:3]}")
    pids = {s.name: tree(s.server_pid) for s in students}
    rss = [usage(p)[1] for p in pids.values()]
    procs = statistics.mean(len(p) for p in pids.values())
    cpu_before = sum(usage(p)[0] for p in pids.values())   # start-up and the lesson, per student below
    times: list[float] = []
    end = time.monotonic() + CHECK_SECONDS

    async def checking(student):
        while True:
            await asyncio.sleep(random.uniform(*PAUSE))
            if time.monotonic() > end:
                return
            times.append(await student.check())
    t0 = time.monotonic()
    await asyncio.gather(*(checking(s) for s in students))
    phase = time.monotonic() - t0
    cpu_used = sum(usage(tree(s.server_pid))[0] for s in students) - cpu_before
    cpu = cpu_used / phase / len(students) * 100
    for name in names:
        hub.api(f"users/{name}/server", "DELETE", timeout=120)
    for _ in range(150):
        if not any(Path(f"/proc/{s.server_pid}").exists() for s in students):
            break
        await asyncio.sleep(0.2)
    for name in names:
        hub.api(f"users/{name}", "DELETE")
    ms = [t * 1000 for t in times]
    return (f"bench-hub: students={size} start_median_s={statistics.median(starts):.1f} "
            f"start_p95_s={quantile(starts, 0.95):.1f} check_median_ms={statistics.median(ms):.0f} "
            f"check_p95_ms={quantile(ms, 0.95):.0f} checks={len(ms)} no_kernel={len(failed)} "
            f"cpu_per_student_pct={cpu:.1f} "
            f"cpu_checking_s={cpu_used:.1f} cpu_startup_and_lesson_s_per_student={cpu_before / len(students):.1f} "
            f"rss_per_student_mb={statistics.mean(rss) / 2**20:.0f} processes_per_student={procs:.0f} "
            f"lesson_all_s={lesson_s:.0f} "
            f"load_before={load_before:.1f} load_after={os.getloadavg()[0]:.1f}")


def lesson_cells(repo: Path) -> list[str]:
    nb = json.loads((repo / LESSON).read_text(encoding="utf-8"))
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]


async def main() -> int:
    random.seed(20)
    where = Path(tempfile.mkdtemp(prefix="bench-hub-"))
    repo, _ = hub_server.publish_student_copy(where)
    try:
        hub = hub_server.start(repo / "src")
    except hub_server.HubProblem as err:
        print(f"bench-hub: the hub did not start: {err}", file=sys.stderr)
        return 1
    print(f"bench-hub: {os.cpu_count()} CPUs, lesson {LESSON}, {CHECK_SECONDS:g} s of checks per size, "
          f"a Check every {PAUSE[0]:g}-{PAUSE[1]:g} s per student", flush=True)
    try:
        for size in SIZES:
            print(await one_size(hub, size, lesson_cells(repo)), flush=True)
    finally:
        hub.stop()
        import shutil
        shutil.rmtree(where, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
