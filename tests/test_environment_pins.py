"""The three dependency lists must agree: pyproject.toml (what the package needs),
requirements.lock (what `make` installs) and environment.yml (what conda and Binder
install). nbval compares outputs that change with library versions, so a drift here
would make the committed notebooks fail for somebody.

Every failure says which line to write where: for environment.yml that is the conda-forge
package's name (``matplotlib-base=3.11.2`` for matplotlib) or a ``pip:`` line. How to bump a
library: MAINTAINING.md, "Bumping a pinned library"."""
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
PYPI_TO_CONDA = {pypi: conda for conda, pypi in CONDA_TO_PYPI.items()}


def _pins(lines, sep):
    pins = {}
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        name, _, version = line.partition(sep)
        pins[_norm(name.strip())] = version.strip()
    return pins


def pyproject(root=ROOT):
    meta = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    specs = meta["dependencies"] + [d for ds in meta["optional-dependencies"].values() for d in ds]
    return _pins(specs, "==")


def lock(root=ROOT):
    return _pins((root / "requirements.lock").read_text().splitlines(), "==")


def _environment_sections(root=ROOT):
    env = yaml.safe_load((root / "environment.yml").read_text())
    conda, pip = [], []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            pip += dep.get("pip", [])
        else:
            conda.append(dep)
    return _pins(conda, "="), _pins(pip, "==")


def environment(root=ROOT):
    """{PyPI name: version} of environment.yml (conda-forge names translated)."""
    conda, pip = _environment_sections(root)
    pins = {CONDA_TO_PYPI.get(name, name): version for name, version in conda.items()}
    pins.update(pip)
    pins.pop("python", None)
    pins.pop("pip", None)
    return pins


def environment_line(name: str, version: str, root=ROOT) -> str:
    """The line environment.yml needs for PyPI package ``name`` at ``version``, in words."""
    _, pip = _environment_sections(root)
    if name in pip:
        return f"write `- {name}=={version}` under `pip:` in environment.yml"
    conda = PYPI_TO_CONDA.get(name, name)
    if conda != name:
        return (f"write `- {conda}={version}` in environment.yml (conda-forge's package for {name} "
                f"is named {conda}; see CONDA_TO_PYPI in this test)")
    return f"write `- {conda}={version}` in environment.yml (conda-forge package {conda})"


def pin_problems(root=ROOT) -> list[str]:
    """Every disagreement between the three lists, each with the line that fixes it."""
    wanted, locked, conda = pyproject(root), lock(root), environment(root)
    problems = []
    for name, version in wanted.items():
        if locked.get(name) != version:
            problems.append(f"{name}: pyproject {version}, requirements.lock {locked.get(name)}; write "
                            f"`{name}=={version}` in requirements.lock (or regenerate it: MAINTAINING.md, "
                            "\"Bumping a pinned library\")")
        if name not in conda:
            problems.append(f"{name} is in pyproject.toml but not in environment.yml; "
                            + environment_line(name, version, root))
        elif conda[name] != version:
            problems.append(f"{name}: pyproject {version}, environment.yml {conda[name]}; "
                            + environment_line(name, version, root))
    for name in sorted(set(conda) - set(wanted)):
        problems.append(f"{name} is in environment.yml ({PYPI_TO_CONDA.get(name, name)}) but not in "
                        "pyproject.toml; pin it there too, or remove it from environment.yml")
    return problems


def test_every_pyproject_dependency_is_pinned_exactly():
    for name, version in pyproject().items():
        assert re.fullmatch(r"\d+(\.\d+)*", version), f"{name} is not pinned with == in pyproject.toml"


def test_lock_holds_the_same_versions_as_pyproject():
    problems = [p for p in pin_problems() if "requirements.lock" in p.split(";")[0]]
    assert not problems, "\n".join(problems)


def test_environment_yml_pins_the_same_packages_and_versions():
    problems = [p for p in pin_problems() if "environment.yml" in p.split(";")[0]]
    assert not problems, "\n".join(problems)


def test_a_drift_is_reported_with_the_line_that_fixes_it(tmp_path):
    """A scratch copy with matplotlib and pytest bumped in pyproject.toml only."""
    for name in ("pyproject.toml", "requirements.lock", "environment.yml"):
        (tmp_path / name).write_text((ROOT / name).read_text())
    text = (tmp_path / "pyproject.toml").read_text()
    mpl, pytest_version = pyproject()["matplotlib"], pyproject()["pytest"]
    text = text.replace(f'"matplotlib=={mpl}"', '"matplotlib==99.1"').replace(f'"pytest=={pytest_version}"',
                                                                             '"pytest==99.2"')
    (tmp_path / "pyproject.toml").write_text(text)
    problems = "\n".join(pin_problems(tmp_path))
    assert f"matplotlib: pyproject 99.1, environment.yml {mpl}; write `- matplotlib-base=99.1` in environment.yml" \
        f" (conda-forge's package for matplotlib is named matplotlib-base" in problems, problems
    assert "write `matplotlib==99.1` in requirements.lock" in problems
    assert "pytest: pyproject 99.2, environment.yml" in problems and "write `- pytest=99.2` in environment.yml" in problems


def test_environment_yml_installs_the_course_package():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip = [d for dep in env["dependencies"] if isinstance(dep, dict) for d in dep.get("pip", [])]
    assert "-e ." in pip


def runtime(root=ROOT):
    meta = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    return _pins(meta["dependencies"], "==")


def test_environment_yml_agrees_on_every_runtime_dependency():
    """Binder and conda users get the runtime set from environment.yml alone: a runtime
    dependency missing there, or at another version, breaks the lessons for them only."""
    conda = environment()
    for name, version in runtime().items():
        assert name in conda, (f"runtime dependency {name} is in pyproject.toml but not environment.yml; "
                               + environment_line(name, version))
        assert conda[name] == version, (f"runtime dependency {name}: pyproject {version}, environment.yml "
                                        f"{conda[name]}; " + environment_line(name, version))


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
