"""The three dependency lists must agree: pyproject.toml (what the package needs),
requirements.lock (what `make` installs) and environment.yml (what conda and Binder
install). nbval compares outputs that change with library versions, so a drift here
would make the committed notebooks fail for somebody."""
import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


# conda-forge packages that install a PyPI package under another name. matplotlib-base is
# matplotlib without a GUI toolkit; conda-forge's `matplotlib` adds PySide6 (Qt) on top,
# which a notebook course never uses.
CONDA_TO_PYPI = {"matplotlib-base": "matplotlib"}


def _pins(lines, sep):
    pins = {}
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        name, _, version = line.partition(sep)
        pins[_norm(name.strip())] = version.strip()
    return pins


def pyproject():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    specs = meta["dependencies"] + [d for ds in meta["optional-dependencies"].values() for d in ds]
    return _pins(specs, "==")


def lock():
    return _pins((ROOT / "requirements.lock").read_text().splitlines(), "==")


def environment():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda, pip = [], []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            pip += dep.get("pip", [])
        else:
            conda.append(dep)
    pins = {CONDA_TO_PYPI.get(name, name): version for name, version in _pins(conda, "=").items()}
    pins.update(_pins(pip, "=="))
    pins.pop("python", None)
    pins.pop("pip", None)
    return pins


def test_every_pyproject_dependency_is_pinned_exactly():
    for name, version in pyproject().items():
        assert re.fullmatch(r"\d+(\.\d+)*", version), f"{name} is not pinned with == in pyproject.toml"


def test_lock_holds_the_same_versions_as_pyproject():
    locked = lock()
    for name, version in pyproject().items():
        assert locked.get(name) == version, f"{name}: pyproject {version}, requirements.lock {locked.get(name)}"


def test_environment_yml_pins_the_same_packages_and_versions():
    wanted, conda = pyproject(), environment()
    assert set(conda) == set(wanted), (
        f"only in environment.yml: {sorted(set(conda) - set(wanted))}; "
        f"only in pyproject.toml: {sorted(set(wanted) - set(conda))}")
    for name, version in wanted.items():
        assert conda[name] == version, f"{name}: pyproject {version}, environment.yml {conda[name]}"


def test_environment_yml_installs_the_course_package():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip = [d for dep in env["dependencies"] if isinstance(dep, dict) for d in dep.get("pip", [])]
    assert "-e ." in pip


def runtime():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return _pins(meta["dependencies"], "==")


def test_environment_yml_agrees_on_every_runtime_dependency():
    """Binder and conda users get the runtime set from environment.yml alone: a runtime
    dependency missing there, or at another version, breaks the lessons for them only."""
    conda = environment()
    for name, version in runtime().items():
        assert name in conda, f"runtime dependency {name} is in pyproject.toml but not environment.yml"
        assert conda[name] == version, f"runtime dependency {name}: pyproject {version}, environment.yml {conda[name]}"


def test_environment_yml_lists_each_package_once():
    # a package listed for conda and again for pip would install twice, at either version
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    names = []
    for dep in env["dependencies"]:
        lines, sep = (dep.get("pip", []), "==") if isinstance(dep, dict) else ([dep], "=")
        names += [CONDA_TO_PYPI.get(name, name) for name in _pins(lines, sep)]
    assert len(names) == len(set(names)), sorted(n for n in set(names) if names.count(n) > 1)


def test_environment_yml_python_satisfies_requires_python():
    required = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    minimum = tuple(int(p) for p in re.fullmatch(r">=\s*(\d+(?:\.\d+)*)", required).group(1).split("."))
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    python = next(d for d in env["dependencies"] if isinstance(d, str) and _norm(d).startswith("python="))
    assert tuple(int(p) for p in python.split("=", 1)[1].split(".")) >= minimum


def test_repo2docker_reads_the_root_environment_yml():
    """repo2docker (Binder) looks in binder/ or .binder/ first and then ignores the root
    files, and a Dockerfile replaces environment.yml altogether."""
    for shadow in ("binder", ".binder", "Dockerfile"):
        assert not (ROOT / shadow).exists(), f"{shadow} would hide environment.yml from repo2docker"


def test_environment_yml_asks_conda_for_matplotlib_without_qt():
    """conda-forge's `matplotlib` pulls in PySide6 (hundreds of MB of Qt) for Binder and
    conda users; the course only draws into notebooks, so it needs `matplotlib-base`."""
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = [_norm(d.split("=", 1)[0]) for d in env["dependencies"] if isinstance(d, str)]
    assert "matplotlib-base" in conda and "matplotlib" not in conda
