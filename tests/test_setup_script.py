"""The set-up script's answers to bad set-up input: an old Python, a broken .venv and no
route to PyPI. Each runs the real script in a scratch copy of the course's set-up files,
with the package index pointed at a closed local port so nothing leaves the machine."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # builds real virtual environments; scheduled first (conftest.py)
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def scratch(tmp_path):
    for name in ("scripts", "requirements.lock", "pyproject.toml"):
        src = ROOT / name
        (shutil.copytree if src.is_dir() else shutil.copy)(src, tmp_path / name)
    return tmp_path


def run(folder, python, **env):
    environment = {**os.environ, "PIP_INDEX_URL": "http://127.0.0.1:9/simple",
                   "PIP_FIND_LINKS": "", "PIP_CONFIG_FILE": os.devnull, **env}
    return subprocess.run(["sh", "scripts/setup-venv.sh", python], cwd=folder, env=environment,
                          capture_output=True, text=True, timeout=300)


def test_too_old_python_is_refused_with_advice(scratch):
    fake = scratch / "python3.9"
    fake.write_text("#!/bin/sh\ncase \"$1\" in -V) echo 'Python 3.9.18';; *) exit 1;; esac\n")
    fake.chmod(0o755)
    result = run(scratch, str(fake))
    assert result.returncode == 1
    assert "needs Python 3.11 or newer" in result.stderr and "Python 3.9.18" in result.stderr
    assert not (scratch / ".venv").exists()


def test_missing_python_is_named(scratch):
    result = run(scratch, "no-such-python-here")
    assert result.returncode == 1 and "'no-such-python-here' was not found" in result.stderr


def test_broken_venv_is_rebuilt_and_no_network_is_explained(scratch):
    (scratch / ".venv" / "bin").mkdir(parents=True)
    (scratch / ".venv" / "bin" / "python").symlink_to(scratch / "gone")
    result = run(scratch, sys.executable)
    assert ".venv is broken" in result.stderr
    assert result.returncode == 1
    assert "could not reach the package index" in result.stderr and "that pin is wrong" not in result.stderr
    assert not (scratch / ".venv" / ".course-env").exists(), "a half-built .venv must not look ready"


def test_a_version_the_index_does_not_have_is_named_not_blamed_on_the_network(scratch):
    """A local index (a folder pip reads, no network) that has pandas 3.1.1 only, and a lock
    that pins 3.1.99: pip answers "No matching distribution" as it does offline, but the
    script must name the pin, not the network."""
    index = scratch / "index"
    index.mkdir()
    (index / "pandas-3.1.1-py3-none-any.whl").write_bytes(b"")
    (scratch / "requirements.lock").write_text("pandas==3.1.99\n")
    result = run(scratch, sys.executable, PIP_NO_INDEX="1", PIP_FIND_LINKS=str(index))
    assert result.returncode == 1
    assert "No matching distribution found for pandas==3.1.99" in result.stderr    # pip's own line, shown
    assert "the package index has no pandas 3.1.99 (pandas==3.1.99): that pin is wrong" in result.stderr
    assert "could not reach" not in result.stderr
    assert not (scratch / ".venv" / ".course-env").exists()
