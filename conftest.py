"""Test-session set-up shared by unit tests and nbval.

Why here: nbval reads its comparison exceptions from a conftest hook, and the kernels it
starts inherit this process's environment, so pointing the progress store at a temporary
folder here keeps test runs from touching a student's real progress.
"""
import os
import tempfile

os.environ.setdefault("COURSE_HOME", tempfile.mkdtemp(prefix="course-test-home-"))

# Outputs that legitimately differ between runs or renderers; nbval compares the rest
# (text/plain of every table and figure, and the answer records).
_SKIP = (
    "stderr",
    "text/html",
    "application/javascript",
    "application/vnd.jupyter.widget-view+json",
    "image/png",
    "image/svg+xml",
)


def pytest_collectstart(collector):
    if collector.fspath and collector.fspath.ext == ".ipynb":
        collector.skip_compare += _SKIP
        if collector.fspath.dirpath().basename == "exercises":
            # An exercise is handed out without outputs: it only has to run, as under
            # --nbval-lax, so one `--nbval` run takes lessons, solutions and exercises.
            collector.compare_outputs = False


def pytest_collection_modifyitems(items):
    """Files marked `slow` go first, in their own order. Under `--dist loadfile
    --no-loadscope-reorder` (make test) the two workers then share the long files early and
    finish together, instead of one starting the student copy's own suite while the other has
    nothing left (pytest-xdist's default order, most tests first, puts the few long ones last)."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


def pytest_runtest_logreport(report):
    """A failed notebook cell says how to refresh the committed outputs, when the change is meant."""
    if report.failed and report.when == "call" and ".ipynb::" in report.nodeid:
        notebook = report.nodeid.split("::", 1)[0]
        report.sections.append((
            "how to fix",
            f"If the new output is right (a corrected row, an edited cell), run `make execute NB={notebook}` "
            "and commit the notebook; for an exercise, edit its solution and run `course build-exercises`. "
            "See MAINTAINING.md."))
