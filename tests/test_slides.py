"""Lessons must be presentable: every lesson carries slide metadata, and `make slides`
turns a lesson into reveal.js HTML without touching the network, either at build time
(sockets are blocked here) or when the file is opened (nothing in it loads from a URL)."""
import importlib.util
import re
import socket
import subprocess
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]*_*.ipynb"))  # 00b_pandas_primer too
SLIDE_TYPES = {"slide", "subslide", "fragment", "-", "skip", "notes"}

_spec = importlib.util.spec_from_file_location("build_slides", ROOT / "scripts" / "build_slides.py")
build_slides = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build_slides)

# Anything a browser would fetch by itself: script/img/iframe src, stylesheet links, CSS imports.
FETCHES = re.compile(r"""<(?:script|img|iframe|source)\b[^>]*\bsrc=["']?(?:https?:)?//"""
                     r"""|<link\b[^>]*\bhref=["']?(?:https?:)?//|@import\s+(?:url\()?["']?(?:https?:)?//""",
                     re.IGNORECASE)


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_lesson_has_slide_metadata_on_at_least_half_its_cells(path):
    cells = nbformat.read(path, as_version=4).cells
    typed = [c for c in cells if c.metadata.get("slideshow", {}).get("slide_type") in SLIDE_TYPES]
    assert len(typed) * 2 >= len(cells), (
        f"{path.name}: only {len(typed)} of {len(cells)} cells have slideshow.slide_type")
    assert cells[0].metadata.get("slideshow", {}).get("slide_type") == "slide", (
        f"{path.name}: the first cell should open a slide")


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("network access during a slide build")
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.fixture
def fake_reveal(tmp_path):
    """A stand-in reveal.js release: just enough files, each with a marker to find."""
    folder = tmp_path / "reveal"
    for rel in build_slides.REVEAL_FILES.values():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        end = "var s = '</script>';" if rel.endswith(".js") else 'a::after { content: "</style>"; }'
        (folder / rel).write_text(f"/* marker {rel} */ {end}\n")
    return folder


@pytest.fixture
def lesson():
    if not LESSONS:
        pytest.skip("no lesson notebooks yet")
    return LESSONS[0]


def _check_offline(html):
    assert not FETCHES.search(html), FETCHES.search(html).group(0)


def test_slides_build_without_network_and_inline_a_local_reveal(no_network, fake_reveal, lesson, tmp_path):
    assert build_slides.main(["--reveal", str(fake_reveal), "--out", str(tmp_path / "out"), str(lesson)]) == 0
    html = (tmp_path / "out" / f"{lesson.stem}.slides.html").read_text()
    _check_offline(html)
    for rel in build_slides.REVEAL_FILES.values():
        assert f"marker {rel}" in html, f"{rel} was not inlined"
    # inlined code cannot close its own tag early
    assert "var s = '</script>'" not in html and '"</style>"' not in html
    assert "Reveal.initialize" in html
    slides = sum(c.metadata.get("slideshow", {}).get("slide_type") == "slide"
                 for c in nbformat.read(lesson, as_version=4).cells)
    assert html.count("<section") >= slides


def test_without_reveal_the_build_writes_a_readable_page(no_network, lesson, tmp_path, monkeypatch):
    monkeypatch.setattr(build_slides, "find_reveal", lambda explicit=None: None)
    build_slides.main(["--out", str(tmp_path), str(lesson)])
    html = (tmp_path / f"{lesson.stem}.slides.html").read_text()
    _check_offline(html)
    assert "reveal.js was not available" in html and "Reveal.initialize" not in html


def test_widget_questions_appear_on_slides_as_text(fake_reveal, lesson, tmp_path):
    nb = nbformat.read(lesson, as_version=4)
    asked = [m.group(1) for c in nb.cells if c.cell_type == "code"
             for m in [build_slides.ASK.search(c.source)] if m]
    if not asked:
        pytest.skip(f"{lesson.name} asks no widget question")
    html = build_slides.build(lesson, tmp_path, build_slides.read_reveal(fake_reveal)).read_text()
    assert "widget-view+json" not in html
    for qid in asked:
        assert f"({qid})" in html


def test_an_incomplete_reveal_folder_is_refused(tmp_path):
    (tmp_path / "dist").mkdir()
    with pytest.raises(SystemExit, match="not a reveal.js folder"):
        build_slides.find_reveal(tmp_path)


def test_make_slides_uses_the_offline_builder():
    dry = subprocess.run(["make", "-n", "slides", "REVEAL_DIR=somewhere"], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    assert "scripts/build_slides.py --out slides --reveal" in dry


def test_the_course_ships_its_own_reveal_js(no_network, lesson, tmp_path):
    """Without REVEAL_DIR the vendored copy is used, so real slides need nothing fetched."""
    assert build_slides.find_reveal() == build_slides.VENDORED
    assert build_slides.main(["--out", str(tmp_path), str(lesson)]) == 0
    html = (tmp_path / f"{lesson.stem}.slides.html").read_text()
    _check_offline(html)
    assert "Reveal.initialize" in html and "reveal.js was not available" not in html
