"""`course mark DIR --assignment aN`: mark essays and charts in JupyterLab, one screen at a time.

Why a notebook: the teacher already has JupyterLab open; a notebook whose one cell shows the
``Marker`` widget needs no server, app or browser extension of its own. Each screen is one
hand-in and one teacher-marked question (``course.marks.teacher_items``): the prompt, the
marking scheme from solutions/question-bank or the solution notebook, the student's essay
or chart (the PNG from the hand-in's output; nothing is run), a points box bounded by the
question's points and a comment. Every change is saved at once to marks.csv (atomically, by
``course.marks.write_mark``), so closing the notebook loses nothing and opening it again
resumes at the first screen not marked yet.

Keyboard: Tab moves through points, comment and the buttons; a points box or comment is saved
when you leave it (Tab) or press Enter; Enter or Space on a focused button presses it. With
``--anonymous`` the screens come in a shuffled order (a fixed seed, so the order is the same
each time) and show "Hand-in 7" instead of the file and student id.
"""
from __future__ import annotations

import argparse
import html
import json
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

from . import grading
from .errors import CourseError
from .marks import Item, MarksError, answer_for, read_marks, teacher_items, write_mark
from .same_essays import essay_key

__all__ = ["Screen", "screens", "Marker", "marking_notebook", "main"]

SEED = 20  # anonymous order: shuffled, but the same on every opening (resumable)


@dataclass
class Screen:
    file: str            # the hand-in's path in DIR, as the gradebook shows it
    student_id: str
    item: Item
    text: str            # the essay, or a note when there is no chart
    png: bytes | None    # the chart
    label: str           # what the teacher sees as the hand-in's name
    same_as: list = field(default_factory=list)   # labels of screens with this essay word for word


def screens(folder: Path, assignment: str, *, anonymous: bool = False, seed: int = SEED) -> list[Screen]:
    """Every (hand-in, teacher-marked question) of ``assignment`` in DIR, in marking order."""
    items = [i for i in teacher_items(assignment) if i.kind == "chart" or i.points > 0]
    if not items:
        raise CourseError(f"{assignment} has no teacher-marked question (no essay in solutions/question-bank, "
                          "no task the solution notebook says the teacher will look at).")
    graded, _ = grading.grade_all(Path(folder))
    subs = [s for s in graded if s.assignment == assignment]
    if not subs:
        raise CourseError(f"no hand-in of {assignment} in {folder} (the notebooks' metadata names the assignment).")
    if anonymous:
        random.Random(seed).shuffle(subs)
    base = Path(folder).parent if Path(folder).is_file() else Path(folder)
    from . import handins

    found = []
    for number, sub in enumerate(subs, 1):
        try:
            nb = json.loads(handins.read_text(str(base / sub.path)))
        except (handins.UnreadableFile, ValueError, RecursionError, OSError):
            nb = {}
        label = f"Hand-in {number}" if anonymous else (f"{sub.student_id} ({sub.path})" if sub.student_id else sub.path)
        for item in items:
            text, png = answer_for(nb, item, sub.answers)
            found.append(Screen(sub.path, sub.student_id, item, text, png, label))
    _link_same_essays(found)
    return found


def _link_same_essays(found: list[Screen]) -> None:
    """Each essay screen learns which others hold the same essay (course.same_essays), by
    their labels, so anonymous marking still names no student."""
    groups: dict[tuple, list[Screen]] = {}
    for screen in found:
        key = essay_key(screen.text) if screen.item.kind == "essay" else None
        if key:
            groups.setdefault((screen.item.id, key), []).append(screen)
    for group in groups.values():
        for screen in group:
            screen.same_as = [other.label for other in group if other is not screen]


class Marker:
    """The marking widget: one screen at a time, saved to marks.csv on every change."""

    def __init__(self, folder, assignment: str, marks="marks.csv", *, anonymous: bool = False, seed: int = SEED):
        self.folder, self.assignment, self.marks_path = Path(folder), assignment, Path(marks)
        self.anonymous = anonymous
        self.screens = screens(self.folder, assignment, anonymous=anonymous, seed=seed)
        self.marks = read_marks(self.marks_path)
        self.index = next((i for i, s in enumerate(self.screens) if not self._done(s)), 0)
        self._loading = False
        self._build()
        self._show()

    # -- state ---------------------------------------------------------------------------
    def _mark(self, screen: Screen):
        return self.marks.get((screen.file, screen.item.id))

    def _done(self, screen: Screen) -> bool:
        mark = self._mark(screen)
        if mark is None:
            return False
        return mark.points is not None if screen.item.kind == "essay" else bool(mark.comment.strip())

    def progress(self) -> str:
        done = sum(1 for s in self.screens if self._done(s))
        return f"{done} of {len(self.screens)} marked"

    # -- widgets -------------------------------------------------------------------------
    def _build(self) -> None:
        import ipywidgets as w

        self.w = w
        self.heading = w.HTML()
        self.status = w.HTML()
        self.progress_line = w.HTML()
        self.prompt = w.HTML()
        self.answer = w.HTML()
        self.chart = w.Image(format="png", layout=w.Layout(max_width="100%"))
        self.scheme = w.HTML()
        self.points = w.Text(description="Points:", continuous_update=False, placeholder="not marked",
                             layout=w.Layout(width="16em"))
        self.comment = w.Textarea(description="Comment:", continuous_update=False, placeholder="for the student",
                                  layout=w.Layout(width="100%", height="6em"))
        self.previous = w.Button(description="Previous", tooltip="the screen before this one")
        self.next = w.Button(description="Next", tooltip="the next screen", button_style="primary")
        self.next_unmarked = w.Button(description="Next not marked", tooltip="the next screen not marked yet")
        self.points.observe(self._points_changed, names="value")
        self.comment.observe(self._comment_changed, names="value")
        self.previous.on_click(lambda _: self.go(self.index - 1))
        self.next.on_click(lambda _: self.go(self.index + 1))
        self.next_unmarked.on_click(lambda _: self.go_unmarked())
        self.box = w.VBox([self.heading, self.progress_line, self.prompt, self.answer, self.chart, self.scheme,
                           self.points, self.comment, w.HBox([self.previous, self.next, self.next_unmarked]),
                           self.status])
        self.box.add_class("course-marker")

    def _show(self) -> None:
        screen = self.screens[self.index]
        item = screen.item
        esc = html.escape
        self._loading = True
        try:
            kind = f"essay, {grading._number(item.points)} points" if item.kind == "essay" else "chart: a comment"
            self.heading.value = (f"<h2>Screen {self.index + 1} of {len(self.screens)}: {esc(screen.label)}, "
                                  f"{esc(item.id)} ({kind})</h2>")
            self.progress_line.value = f"<p class='course-marker-progress'><strong>{esc(self.progress())}</strong></p>"
            from helpers.widgets import _markdown

            self.prompt.value = "<h3>The question</h3>" + _markdown(item.prompt)
            if item.kind == "essay":
                words = len(screen.text.split())
                same = (f"<p class='course-marker-same' role='note'><strong>The same words as:</strong> "
                        f"{esc(', '.join(screen.same_as))}. Check before you mark.</p>" if screen.same_as else "")
                self.answer.value = ("<h3>The answer</h3>" + same + (
                    f"<p>{words} words</p><blockquote style='white-space:pre-wrap'>{esc(screen.text)}</blockquote>"
                    if screen.text else "<p>No answer was handed in.</p>"))
                self.chart.layout.display = "none"
            else:
                self.answer.value = "<h3>The chart</h3>" + (f"<p>{esc(screen.text)}</p>" if screen.text else "")
                self.chart.value = screen.png or b""
                self.chart.layout.display = "" if screen.png else "none"
            self.scheme.value = "<h3>Marking scheme</h3>" + "".join(
                f"<p>{esc(part)}</p>" for part in item.scheme.split("\n\n"))
            mark = self._mark(screen)
            self.points.layout.display = "" if item.kind == "essay" else "none"
            self.points.description = f"Points (0-{grading._number(item.points)}):"
            self.points.value = grading._number(mark.points) if mark and mark.points is not None else ""
            self.comment.value = mark.comment if mark else ""
            self.previous.disabled = self.index == 0
            self.next.disabled = self.index == len(self.screens) - 1
        finally:
            self._loading = False

    # -- saving --------------------------------------------------------------------------
    def _save(self, points, comment) -> bool:
        screen = self.screens[self.index]
        try:
            mark = write_mark(self.marks_path, screen.file, screen.student_id, screen.item.id, points, comment,
                              max_points=screen.item.points)
        except (MarksError, OSError) as err:
            self.status.value = f"<p role='alert'><strong>Not saved:</strong> {html.escape(str(err))}</p>"
            return False
        self.marks[(screen.file, screen.item.id)] = mark
        self.status.value = f"<p role='status'>Saved to {html.escape(self.marks_path.name)}.</p>"
        self.progress_line.value = (f"<p class='course-marker-progress'><strong>{html.escape(self.progress())}"
                                    "</strong></p>")
        return True

    def _current_points(self):
        raw = self.points.value.strip().replace(",", ".")
        if not raw:
            return None, ""
        try:
            value = float(raw)
        except ValueError:
            return None, f"{raw!r} is not a number"
        item = self.screens[self.index].item
        if not 0 <= value <= item.points:
            return None, f"{raw} is outside 0 to {grading._number(item.points)}"
        return value, ""

    def _points_changed(self, change) -> None:
        if self._loading:
            return
        value, problem = self._current_points()
        if problem:
            self.status.value = f"<p role='alert'><strong>Not saved:</strong> {html.escape(problem)}.</p>"
            return
        self._save(value, self.comment.value)

    def _comment_changed(self, change) -> None:
        if self._loading:
            return
        value, problem = self._current_points()
        mark = self._mark(self.screens[self.index])
        self._save(mark.points if problem and mark else value, self.comment.value)

    # -- moving ----------------------------------------------------------------------------
    def go(self, index: int) -> None:
        if 0 <= index < len(self.screens):
            self.index = index
            self.status.value = ""
            self._show()

    def go_unmarked(self) -> None:
        order = list(range(self.index + 1, len(self.screens))) + list(range(0, self.index + 1))
        target = next((i for i in order if not self._done(self.screens[i])), None)
        if target is None:
            self.status.value = "<p role='status'>Everything is marked.</p>"
        else:
            self.go(target)

    def _ipython_display_(self):
        from IPython.display import display

        display(self.box)


def marking_notebook(folder: Path, assignment: str, marks: Path, *, anonymous: bool) -> dict:
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    nb.metadata["course"] = {"marking": assignment}
    nb.cells = [
        nbformat.v4.new_markdown_cell(
            f"# Marking {assignment}\n\n"
            "Run the cell below (Shift+Enter). Each screen is one hand-in and one question you mark: type the "
            "points and a comment; both are saved to the marks file as soon as you leave the box (Tab) or press "
            "Enter. **Tab** moves between points, comment and the buttons; **Enter** or **Space** presses a "
            "button. Close this notebook at any time: opening it again starts at the first screen not marked yet.\n\n"
            "When you are done: `course grade ... --marks` merges the marks into the gradebook, and "
            "`course feedback ... --marks` writes each student's feedback page."),
        nbformat.v4.new_code_cell(
            "from course.marking import Marker\n\n"
            f"Marker({str(folder)!r}, {assignment!r}, marks={str(marks)!r}, anonymous={anonymous!r})"),
    ]
    return nb


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="course mark",
        description="Write a marking notebook for JupyterLab: one screen per hand-in and essay or chart of the "
                    "assignment, saved to marks.csv on every change.")
    parser.add_argument("folder", type=Path, metavar="DIR", help="folder of handed-in notebooks")
    parser.add_argument("--assignment", required=True, metavar="ID", help="the assignment to mark, e.g. a1")
    parser.add_argument("--marks", type=Path, default=Path("marks.csv"), metavar="CSV",
                        help="where the marks are kept (default: marks.csv here); created on the first mark")
    parser.add_argument("--out", type=Path, metavar="IPYNB", help="the marking notebook (default: marking_<ID>.ipynb)")
    parser.add_argument("--anonymous", action="store_true",
                        help="hide file names and student ids and shuffle the order (the same order each time)")
    args = parser.parse_args(argv)
    import nbformat

    if not args.folder.exists():
        raise CourseError(f"{args.folder} does not exist.")
    out = args.out or Path(f"marking_{args.assignment}.ipynb")
    for path, label in ((out, "--out"), (args.marks, "--marks")):
        if args.folder.is_dir() and grading._inside(path, args.folder):
            raise CourseError(f"{label} {path} is inside the hand-in folder {args.folder}; keep it elsewhere.")
    if out.suffix != ".ipynb":
        raise CourseError(f"--out {out}: the marking notebook's name must end in .ipynb.")
    read_marks(args.marks)   # a damaged marks file is refused now, not on the first screen
    found = screens(args.folder, args.assignment, anonymous=args.anonymous)
    nb = marking_notebook(args.folder.resolve(), args.assignment, args.marks.resolve(), anonymous=args.anonymous)
    out.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, out)
    files = len({s.file for s in found})
    print(f"marking notebook written to {out}: {len(found)} screen(s), {files} hand-in(s) of {args.assignment}. "
          f"Open it in JupyterLab and run its cell; marks are saved to {args.marks}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
