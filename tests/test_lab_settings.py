"""The course's JupyterLab overrides (scripts/jupyterlab/overrides.json) must cover every
arrow-key shortcut that the installed JupyterLab binds in notebook command mode to any
focused element: one left out would again pull a keyboard user out of a radio or drop-down
question. A JupyterLab upgrade that adds or renames one fails here, not in a classroom."""
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
OVERRIDES = ROOT / "scripts" / "jupyterlab" / "overrides.json"
TRACKER = Path(sys.prefix) / "share" / "jupyter" / "lab" / "schemas" / "@jupyterlab" / "notebook-extension" / "tracker.json"
FORM_CONTROLS = ":not(input):not(select)"


def arrow_bindings_on_any_focus():
    if not TRACKER.is_file():
        pytest.skip("JupyterLab's notebook schema is not installed in this environment")
    shortcuts = json.loads(TRACKER.read_text())["jupyter.lab.shortcuts"]
    return [s for s in shortcuts if s["selector"].endswith(" :focus")
            and any(key.split()[-1].startswith("Arrow") and key.split()[:-1] in ([], ["Shift"]) for key in s["keys"])]


def test_every_arrow_binding_on_a_focused_element_spares_form_controls():
    entries = json.loads(OVERRIDES.read_text())["@jupyterlab/shortcuts-extension:shortcuts"]["shortcuts"]
    disabled = {(e["command"], tuple(e["keys"]), e["selector"]) for e in entries if e.get("disabled")}
    added = {(e["command"], tuple(e["keys"]), e["selector"]) for e in entries if not e.get("disabled")}
    bindings = arrow_bindings_on_any_focus()
    assert bindings, "no arrow bindings found: has JupyterLab changed its shortcut schema?"
    for b in bindings:
        key = (b["command"], tuple(b["keys"]), b["selector"])
        assert key in disabled, f"{b['command']} ({b['keys']}) still fires on a focused radio or drop-down"
        assert (b["command"], tuple(b["keys"]), b["selector"] + FORM_CONTROLS) in added, (
            f"{b['command']} ({b['keys']}) is disabled but not bound again for other elements")
    assert len(disabled) == len(added) == len(bindings), "overrides.json has entries JupyterLab no longer needs"


def test_the_set_up_installs_the_overrides_into_the_environment():
    script = (ROOT / "scripts" / "setup-venv.sh").read_text()
    assert "scripts/jupyterlab/overrides.json" in script
    assert "share/jupyter/lab/settings/overrides.json" in script


def test_no_news_pop_up_and_no_update_check():
    """The news toast covers the bottom right of a projected notebook on first launch, and
    fetching news or updates needs the network the course does without."""
    settings = json.loads(OVERRIDES.read_text())["@jupyterlab/apputils-extension:notification"]
    assert settings == {"fetchNews": "false", "checkForUpdates": False}
