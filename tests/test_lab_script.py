"""`make lab` must start JupyterLab for root too (containers, cloud VMs, classroom images),
where Jupyter refuses to run unless told --allow-root. The script is run with a stand-in
`jupyter` that prints its arguments and a stand-in `id` that claims a user id."""
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def fake_bin(tmp_path):
    folder = tmp_path / "bin"
    folder.mkdir()
    jupyter = folder / "jupyter"
    jupyter.write_text('#!/bin/sh\nprintf "%s\\n" "$@"\n')
    jupyter.chmod(0o755)
    return folder


def run(fake_bin, uid):
    ident = fake_bin / "id"
    ident.write_text(f'#!/bin/sh\n[ "$1" = -u ] && echo {uid}\n')
    ident.chmod(0o755)
    env = {**os.environ, "PATH": f"{fake_bin}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run(["sh", str(ROOT / "scripts" / "run-lab.sh"), str(fake_bin / "jupyter"),
                           "notebooks/00_start_here.ipynb"],
                          env=env, capture_output=True, text=True, timeout=30, check=True)


def test_as_root_jupyter_gets_allow_root_and_one_line_says_why(fake_bin):
    result = run(fake_bin, 0)
    assert result.stdout.split() == ["lab", "notebooks/00_start_here.ipynb", "--allow-root"]
    notice = result.stderr.strip().splitlines()
    assert len(notice) == 1 and "root" in notice[0] and "--allow-root" in notice[0]


def test_as_a_user_jupyter_starts_unchanged_and_silently(fake_bin):
    result = run(fake_bin, 1000)
    assert result.stdout.split() == ["lab", "notebooks/00_start_here.ipynb"]
    assert result.stderr == ""


def test_make_lab_starts_jupyter_through_the_script():
    dry = subprocess.run(["make", "-n", "lab"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert "scripts/run-lab.sh .venv/bin/jupyter " in dry


def test_make_lab_serves_the_course_folder_and_opens_lesson_00():
    """Rooted at notebooks/, the file browser could not reach exercises/ or datasets/README.md."""
    dry = subprocess.run(["make", "-n", "lab"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    line = next(x for x in dry.splitlines() if "run-lab.sh" in x)
    assert "--ServerApp.root_dir=." in line.split()
    assert "--LabApp.default_url=/lab/tree/notebooks/00_start_here.ipynb" in line.split()
    for reachable in ("notebooks/00_start_here.ipynb", "exercises", "datasets/README.md"):
        assert (ROOT / reachable).exists(), reachable
