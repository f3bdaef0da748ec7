"""The two packages stay two: ``helpers`` (what a lesson imports) never imports ``course``
(the instructor's tool), and neither package has an import circle.

Why a test: the split is what lets the student copy ship without the grader and keeps
``import helpers`` light; one convenient lazy import would undo it without anyone noticing.
Every import counts, also those inside functions, because a lazy import still runs.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGES = ("helpers", "course")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for pkg in PACKAGES for p in sorted((SRC / pkg).rglob("*.py"))}


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The project modules that ``name`` imports anywhere in its body."""
    is_package = path.name == "__init__.py"
    package = name if is_package else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - (node.level - 1)]
                stem = ".".join(base + ([node.module] if node.module else []))
            else:
                stem = node.module or ""
            targets = [stem] + [f"{stem}.{alias.name}" for alias in node.names]
        else:
            continue
        for target in targets:
            # the longest project module the target names (a.b.c -> a.b if a.b.c is a function)
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


GRAPH = {name: _imports(name, path, set(_modules())) for name, path in _modules().items()}


def test_the_tree_has_both_packages():
    if not (SRC.parent / "solutions").is_dir():
        # a student copy (`course export-student`) ships the lesson library and not the grader
        assert "helpers" in GRAPH and not [m for m in GRAPH if m.split(".")[0] == "course"]
        return
    assert "helpers" in GRAPH and "course" in GRAPH and "course.cli" in GRAPH


@pytest.mark.parametrize("module", sorted(m for m in GRAPH if m.split(".")[0] == "helpers"))
def test_the_lesson_library_never_imports_the_instructor_tool(module):
    reached = sorted(t for t in GRAPH[module] if t.split(".")[0] == "course")
    assert not reached, (f"{module} imports {', '.join(reached)}: the lesson library must work in the student "
                         "copy, which has no `course` package. Move the code to `course`, or reach it through "
                         "the entry point that helpers.questions.key_source() reads.")


def _cycle() -> list[str] | None:
    """One import circle among the project's modules (a package's __init__ importing its own
    submodules is how a package exports them, not a circle, so parent -> child edges are kept
    out of the search)."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node):
        state[node] = 1
        stack.append(node)
        for nxt in sorted(GRAPH[node]):
            if nxt.startswith(node + "."):
                continue
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if not state.get(nxt) and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for start in sorted(GRAPH):
        if not state.get(start) and (found := visit(start)):
            return found
    return None


def test_no_import_circle():
    circle = _cycle()
    assert circle is None, "import circle: " + " -> ".join(circle)
