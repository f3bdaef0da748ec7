"""Build the students' exercises/ from the instructors' solutions/.

Why generated: solutions/aN_*.ipynb is the single source of an assignment. A hand-kept
student copy would drift from it and could leak answers, so `course build-exercises`
derives each exercise notebook: a first cell asks for the student id, a last cell runs
``hand_in()`` (lists what is unanswered, writes the file to hand in), cells tagged
``solution`` become marked blanks that still run, cells tagged ``instructor`` are dropped,
and every output (where recorded answers live) is cleared. The result is byte-for-byte deterministic, so ``--check`` can fail a
test when someone edits a solution and forgets to rebuild.
"""
from __future__ import annotations

import argparse
import ast
import json
import sys
from pathlib import Path

import nbformat

__all__ = ["SOLUTION_TAG", "INSTRUCTOR_TAG", "BLANK", "ANSWER_PLACEHOLDER", "BuildError",
           "blank_code", "exercise_notebook", "build", "main"]

SOLUTION_TAG = "solution"
INSTRUCTOR_TAG = "instructor"
BLANK = "...  # YOUR CODE HERE"
ANSWER_PLACEHOLDER = "**Your answer here.** *(Double-click this cell and replace this line with your answer.)*"
# The first cell of every exercise: who handed it in (the gradebook's student_id column).
STUDENT_ID_CELL = ("# Type your student id in the box below and press Save: it is saved in this notebook,\n"
                   "# and your teacher's gradebook lists your work under it.\n"
                   "from helpers import student_id\n"
                   "student_id()")
# The last cell: lists what is unanswered and writes hand-in/<assignment>-<id>.ipynb.
HAND_IN_CELL = ("# Run this cell when you are done: it lists any question still unanswered and writes\n"
                "# the file you hand in (every answer recorded so far, even if you forgot to save).\n"
                "from helpers import hand_in\n"
                "hand_in()")
ROOT = Path(__file__).resolve().parents[2]
# Cell metadata that only describes one run of a notebook, never its content.
_VOLATILE_CELL_KEYS = ("execution", "collapsed", "scrolled", "ExecuteTime")


class BuildError(Exception):
    """A solution notebook cannot be turned into an exercise; the message names it."""


def _leading_comments(source: str) -> list[str]:
    lines = []
    for line in source.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            break
        lines.append(line.rstrip())
    while lines and not lines[-1].strip():
        lines.pop()
    return lines


def _assigned_names(target: ast.AST) -> list[str]:
    """Plain names a target binds (`a`, `a, b`); items and attributes are left out because
    assigning into a blanked object would fail."""
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, (ast.Tuple, ast.List)):
        return [n for elt in target.elts for n in _assigned_names(elt)]
    if isinstance(target, ast.Starred):
        return _assigned_names(target.value)
    return []


def _unpacking_blank(node: ast.AST, seen: set[str]) -> str | None:
    """``fig, ax = ..., ...  # YOUR CODE HERE`` for one call that returns several values
    (``fig, ax = new_figure()``), so the student sees the idiom on one line, as the lessons
    write it; the blank still runs. None for anything else (``yes, no = a, b`` is split)."""
    if not (isinstance(node, ast.Assign) and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Tuple) and isinstance(node.value, ast.Call)):
        return None
    names = [elt.id if isinstance(elt, ast.Name) else None for elt in node.targets[0].elts]
    if len(names) < 2 or None in names or any(name in seen for name in names):
        return None
    seen.update(names)
    return f"{', '.join(names)} = {', '.join(['...'] * (len(names) - 1))}, {BLANK}"


def _stub(node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> str:
    """The definition's signature (and docstring) with its body blanked."""
    body = node.body[:1] if ast.get_docstring(node) is not None else []
    node = type(node)(**{**{f: getattr(node, f) for f in node._fields},
                         "body": body + [ast.Expr(ast.Constant(...))]})
    return ast.unparse(ast.fix_missing_locations(node)).rsplit("\n", 1)[0] + "\n    " + BLANK


def _question_call(node: ast.stmt, source: str) -> tuple[str, bool] | None:
    """(what a student gets, whether it is a widget) for a question call in a solution cell,
    or None if the statement is not one.

    ``check("a1.q", name)`` stays as it is (the name is blanked, the student computes it);
    ``check("a1.q", <literal answer>)`` becomes ``ask("a1.q")``, the widget, so the key
    does not travel; ``ask("a1.q", ...)`` keeps only the question id.
    """
    parts = _question_parts(node)
    if parts is None:
        return None
    name, func, qid, value = parts
    segment = lambda n: ast.get_source_segment(source, n) or ast.unparse(n)  # noqa: E731
    if name == "check" and isinstance(value, ast.Name):
        return segment(node), False
    asker = segment(func)
    if name == "check":
        asker = asker[: -len("check")] + "ask"
    return f"{asker}({segment(qid)})", True


def _question_parts(node: ast.AST):
    """(function name, function node, question id node, value node or None) of a statement
    ``check(id, value)`` or ``ask(id)`` (positional or keyword arguments), else None."""
    call = node.value if isinstance(node, ast.Expr) else None
    if not isinstance(call, ast.Call):
        return None
    func = call.func
    name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
    if name not in ("check", "ask"):
        return None
    args = list(call.args) + [k.value for k in call.keywords]
    if not args or len(args) > 2:
        return None
    return name, func, args[0], args[1] if len(args) > 1 else None


def _answers_in_plain_sight(source: str) -> bool:
    """True if an untagged cell checks a literal or computed answer (check(id, <not a name>)),
    which would hand students the answer."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return False
    for node in ast.walk(tree):
        parts = _question_parts(node) if isinstance(node, ast.Expr) else None
        if parts and parts[0] == "check" and not isinstance(parts[3], ast.Name):
            return True
    return False


def blank_code(source: str) -> str:
    """Turn the instructor's answer into a blank a student fills in.

    Keeps the leading comment lines (the task), imports, the names the answer assigns
    (``share = ...  # YOUR CODE HERE``), the signatures of functions it defines (so later
    cells still find those names) and its questions (see _question_call). Everything else,
    the answer itself, is dropped. A cell that only asks widget questions gets no code blank.
    """
    out = _leading_comments(source)
    try:
        tree = ast.parse(source)
    except SyntaxError:  # e.g. IPython magics: keep the task, blank the rest
        tree = ast.Module(body=[], type_ignores=[])
    seen: set[str] = set()
    code: list[str] = []
    asks: list[str] = []
    widgets_only = True
    for node in tree.body:
        question = _question_call(node, source)
        if question:
            asks.append(question[0])
            widgets_only = widgets_only and question[1]
            continue
        widgets_only = False
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            code.append(ast.unparse(node))
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            code.append(_stub(node))
        elif (unpacked := _unpacking_blank(node, seen)) is not None:
            code.append(unpacked)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for name in (n for t in targets for n in _assigned_names(t)):
                if name not in seen:
                    seen.add(name)
                    code.append(f"{name} = {BLANK}")
    if not any(line.endswith(BLANK) for line in code) and not (asks and widgets_only):
        code.append(BLANK)
    return "\n".join(out + code + asks)


def _header(name: str, assignment: dict) -> str:
    title = assignment.get("title") or assignment.get("assignment", "")
    return (
        f"**Assignment {assignment.get('assignment', '')}: {title}**\n\n"
        "**How to hand it in.** First type your student id in the box above and press **Save**. "
        "Then work from top to bottom. Replace each `...` marked "
        "`# YOUR CODE HERE` with your own code, and write your text where a cell says "
        "*Your answer here*. Answer every question and press its **Check** button (**Save** for "
        "written answers), or run the cell that calls `check(...)`: your last checked answer is "
        "saved inside this notebook. When you are done, run the last cell, `hand_in()`: it lists "
        "anything still unanswered and writes the file you hand in, `hand-in/<assignment>-<your id>.ipynb` "
        "next to this notebook.\n\n"
        + _marking(assignment)
    )


def _marking(assignment: dict) -> str:
    """What the questions of this assignment show, from its course.feedback and course.max_attempts."""
    if assignment.get("feedback") == "on-submit":
        text = ("**Marking.** The questions record your answer without saying whether it is right: "
                "your teacher marks them after you hand the notebook in. Until then you can change an "
                "answer; the last one recorded counts.")
    else:
        text = ("**Marking.** Each question tells you at once whether your answer is right; the last "
                "answer you check counts.")
    limit = assignment.get("max_attempts")
    if isinstance(limit, int) and limit > 0:
        text += (f" Each question records at most {limit} different answers: after that, your last "
                 "recorded answer stands.")
    return text


def _footer(assignment: dict) -> str:
    """The hand-in check, written once for every assignment; it says what the code does."""
    return (
        "**Before you hand in.**\n\n"
        "1. Check that the student id box at the top shows your id and that you pressed **Save** "
        "there (or *Yes, I am ...* if it asked).\n"
        "2. Run the cell below. It names every question that has no answer yet; answer those "
        "(**Check**, or **Save** for written answers) and run it again.\n"
        "3. It writes the file to hand in, `hand-in/<assignment>-<your id>.ipynb`, next to this "
        "notebook, and says so. Hand in that file as your teacher asks.\n\n"
        "Your answers are saved inside this notebook. Save it (**Ctrl + S**) before you stop: when "
        "you open it again, here or on another computer, **Run All** fills every answer back in."
    )


def _tags(cell: dict) -> list[str]:
    tags = cell.get("metadata", {}).get("tags", [])
    return [t for t in tags if isinstance(t, str)] if isinstance(tags, list) else []


def exercise_notebook(solution: dict, name: str) -> nbformat.NotebookNode:
    """The exercise for one solution notebook (given as parsed JSON) named `name`."""
    meta = solution.get("metadata", {})
    course = meta.get("course") if isinstance(meta, dict) else None
    if not isinstance(course, dict) or not course.get("assignment"):
        raise BuildError(f"solutions/{name} has no notebook metadata "
                         '{"course": {"assignment": "aN", "title": "..."}}; add it so the '
                         "grader can recognise submissions of this assignment.")
    new_meta = {k: meta[k] for k in ("kernelspec", "language_info") if k in meta}
    new_meta["course"] = {**course, "generated_from": f"solutions/{name}"}
    cells = [nbformat.v4.new_code_cell(STUDENT_ID_CELL, id="student-id"),
             nbformat.v4.new_markdown_cell(_header(name, course), id="generated-header")]
    for i, cell in enumerate(solution.get("cells", [])):
        tags = _tags(cell)
        if INSTRUCTOR_TAG in tags:
            continue
        kind = cell.get("cell_type")
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        metadata = {k: v for k, v in cell.get("metadata", {}).items()
                    if k not in _VOLATILE_CELL_KEYS and k != "tags"}
        kept_tags = [t for t in tags if t != SOLUTION_TAG]
        if kept_tags:
            metadata["tags"] = kept_tags
        cell_id = cell.get("id") or f"cell-{i}"
        if kind == "code":
            if SOLUTION_TAG in tags:
                source = blank_code(source)
            elif _answers_in_plain_sight(source):
                raise BuildError(f"solutions/{name}, cell {i + 1}: check() with an answer in a cell "
                                 "that is not tagged `solution` would give students the answer; tag "
                                 "the cell `solution` (it then becomes ask() in the exercise).")
            new = nbformat.v4.new_code_cell(source, metadata=metadata, id=cell_id)
        elif kind == "markdown":
            if SOLUTION_TAG in tags:
                source = ANSWER_PLACEHOLDER
            new = nbformat.v4.new_markdown_cell(source, metadata=metadata, id=cell_id)
            if cell.get("attachments") and SOLUTION_TAG not in tags:
                new.attachments = cell["attachments"]  # pasted images
        else:
            new = nbformat.v4.new_raw_cell("" if SOLUTION_TAG in tags else source,
                                           metadata=metadata, id=cell_id)
        cells.append(new)
    cells.append(nbformat.v4.new_markdown_cell(_footer(course), id="generated-footer"))
    cells.append(nbformat.v4.new_code_cell(HAND_IN_CELL, id="hand-in"))
    nb = nbformat.v4.new_notebook(cells=cells, metadata=new_meta)
    nbformat.validate(nb)
    return nb


def build(solutions: Path) -> dict[str, str]:
    """File name -> exact text of the exercise notebook for every solutions/*.ipynb."""
    wanted = {}
    for path in sorted(solutions.glob("*.ipynb")):
        try:
            solution = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
            raise BuildError(f"solutions/{path.name} is not a readable notebook ({err}).") from None
        text = nbformat.writes(exercise_notebook(solution, path.name))
        wanted[path.name] = text if text.endswith("\n") else text + "\n"
    return wanted


def _is_generated(path: Path) -> bool:
    try:
        meta = json.loads(path.read_text(encoding="utf-8")).get("metadata", {})
        return bool(meta.get("course", {}).get("generated_from"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, AttributeError):
        return False


def _plan(solutions: Path, exercises: Path):
    """(files to write, generated files to remove, foreign files) for `exercises`."""
    wanted = build(solutions)
    write = {n: t for n, t in wanted.items()
             if not (exercises / n).is_file()
             or (exercises / n).read_text(encoding="utf-8", errors="replace") != t}
    extra = sorted(p for p in exercises.glob("*.ipynb") if p.name not in wanted)
    remove = [p for p in extra if _is_generated(p)]
    foreign = [p for p in extra if p not in remove]
    return write, remove, foreign


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="course build-exercises",
        description="Write exercises/ from solutions/*.ipynb: solution cells become blanks, "
                    "instructor cells are removed, outputs are cleared.")
    parser.add_argument("--check", action="store_true",
                        help="change nothing; exit 1 and name each file that is out of date")
    parser.add_argument("--solutions", type=Path, default=ROOT / "solutions", metavar="DIR",
                        help="folder of solution notebooks (default: the course's solutions/)")
    parser.add_argument("--exercises", type=Path, default=ROOT / "exercises", metavar="DIR",
                        help="folder to write (default: the course's exercises/)")
    args = parser.parse_args(argv)
    try:
        write, remove, foreign = _plan(args.solutions, args.exercises)
    except BuildError as err:
        print(f"build-exercises: {err}", file=sys.stderr)
        return 1
    show = lambda p: f"{args.exercises.name}/{Path(p).name}"  # noqa: E731
    for path in foreign:
        print(f"{show(path)}: not generated from any solution notebook; exercises/ holds only "
              "generated files (move it into solutions/ as an assignment, or delete it)",
              file=sys.stderr)
    if args.check:
        for name in sorted(write):
            state = "missing" if not (args.exercises / name).exists() else "out of date"
            print(f"{show(name)}: {state}", file=sys.stderr)
        for path in remove:
            print(f"{show(path)}: stale (its solution notebook is gone)", file=sys.stderr)
        if write or remove or foreign:
            print("Run `course build-exercises` to bring exercises/ up to date.", file=sys.stderr)
            return 1
        print(f"{args.exercises.name}/ is up to date.")
        return 0
    args.exercises.mkdir(parents=True, exist_ok=True)
    for name, text in sorted(write.items()):
        (args.exercises / name).write_text(text, encoding="utf-8")
        print(f"wrote {show(name)}")
    for path in remove:
        path.unlink()
        print(f"removed {show(path)} (its solution notebook is gone)")
    if not (write or remove):
        print(f"{args.exercises.name}/ is up to date.")
    return 1 if foreign else 0


if __name__ == "__main__":
    sys.exit(main())
