"""The first notebook a student opens: it runs in a real JupyterLab and its figure is described."""
import pytest

from lab_ui import open_notebook

pytestmark = pytest.mark.browser

START = "notebooks/00_start_here.ipynb"


def test_start_here_runs_all_cells_without_errors(page, lab):
    notebook = open_notebook(page, lab, START, "start-here-run")
    notebook.run_all()

    assert notebook.error_outputs() == []
    assert all(p.startswith("[") and p[1:-2].isdigit() for p in notebook.prompts()), notebook.prompts()
    assert notebook.panel.get_by_text("Error displaying widget").count() == 0
    # the widget manager drew the questions (their Check buttons), not just their text form
    assert notebook.panel.locator(".course-question").count() >= 1
    assert notebook.panel.locator(".course-question").first.get_by_role("button", name="Check").is_visible()


def test_start_here_figure_is_an_image_with_alt_text_and_caption(page, lab):
    notebook = open_notebook(page, lab, START, "start-here-figure")
    notebook.run_all()

    figures = notebook.panel.locator(".jp-OutputArea figure.course-figure")
    assert figures.count() >= 1, "00_start_here shows no figure made with helpers.show"
    for figure in figures.all():
        image = figure.locator("img")
        figure.scroll_into_view_if_needed()
        # decoded and drawn: a broken data URL has no natural size
        assert image.evaluate("img => img.complete && img.naturalWidth > 0 && img.naturalHeight > 0")
        assert len((image.get_attribute("alt") or "").strip()) > 20
        assert len(figure.locator("figcaption").inner_text().strip()) > 20
