"""A hub that cannot start says why in one sentence (make test-hub shows it, not a traceback).

Why: the usual ways a hub set-up fails are a missing proxy (npm was never run) and a port
already in use; the teacher or CI should read which, and what to do, at once.
"""
import socket

import pytest

import hub_server

pytestmark = pytest.mark.hub


def test_a_missing_proxy_is_named(monkeypatch, tmp_path):
    monkeypatch.setattr(hub_server, "PROXY", hub_server.REPO / "tests" / "browser" / "node_modules" / "missing-proxy")
    with pytest.raises(hub_server.HubProblem, match=r"configurable-http-proxy .* is missing .*make test-hub"):
        hub_server.start(tmp_path)


def test_a_taken_port_is_named_and_nothing_is_left_behind(tmp_path):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(hub_server.HubProblem, match=rf"port {port} on 127.0.0.1 is taken"):
            hub_server.start(tmp_path, port=port)


def test_a_hub_that_exits_reports_its_log(monkeypatch, tmp_path):
    """A broken configuration: the hub exits, and its last log lines come with the message."""
    broken = tmp_path / "jupyterhub_config.py"
    broken.write_text("c = get_config()\nimport no_such_module_in_hub_config\n")
    monkeypatch.setattr(hub_server, "CONFIG", broken)
    hub = None
    try:
        with pytest.raises(hub_server.HubProblem, match=r"JupyterHub exited with code \d+\. Last lines of its log:\n") as err:
            hub = hub_server.start(tmp_path)
    finally:
        if hub is not None:   # it started after all: stop it, then the test fails
            hub.stop()
    assert "no_such_module_in_hub_config" in str(err.value)
