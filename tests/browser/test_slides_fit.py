"""Offline slides in headless Chromium: every slide of every lesson fits 1280x720 (nothing
runs off the bottom or the right edge), and the speaker view shows each slide's notes (its
time on the class plan, a prompt, the guide's points) and paces the talk by the plan.

These open the files `make slides` writes, in the session's Chromium.
"""
import importlib.util
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]*_*.ipynb"))

_spec = importlib.util.spec_from_file_location("build_slides", ROOT / "scripts" / "build_slides.py")
build_slides = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build_slides)

# Every leaf slide (a section with no sections inside), shown in turn, measured unscaled
# against the slide size reveal.js lays out; the scroll fallback class is taken off first.
MEASURE = """() => {
  const {width, height} = Reveal.getConfig();
  const leaves = [];
  document.querySelectorAll('.reveal .slides > section').forEach((s, h) => {
    const inner = s.querySelectorAll(':scope > section');
    if (inner.length) inner.forEach((k, v) => leaves.push([h, v, k])); else leaves.push([h, 0, s]);
  });
  return leaves.map(([h, v, section]) => {
    Reveal.slide(h, v);
    section.classList.remove('course-tall');
    return {slide: `${h + 1}.${v + 1}`, height: section.scrollHeight, width: section.scrollWidth,
            limit: [width, height], start: (section.innerText || '').trim().slice(0, 60)};
  });
}"""


@pytest.fixture(scope="module")
def slides(tmp_path_factory):
    out = tmp_path_factory.mktemp("slides")
    reveal = build_slides.read_reveal(build_slides.find_reveal())
    return {path.stem: build_slides.build(path, out, reveal) for path in LESSONS}


def open_slides(browser, path: Path):
    """The slides in a new tab of the session's Chromium (one Playwright per session)."""
    page = browser.new_page()
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(path.as_uri())
    page.wait_for_function("() => window.Reveal && Reveal.isReady()", timeout=30_000)
    return page


@pytest.mark.parametrize("stem", [p.stem for p in LESSONS])
def test_every_slide_fits_1280_by_720(browser, slides, stem):
    page = open_slides(browser, slides[stem])
    try:
        measured = page.evaluate(MEASURE)
    finally:
        page.close()
    assert len(measured) >= 5
    over = [m for m in measured if m["height"] > m["limit"][1] or m["width"] > m["limit"][0]]
    assert over == [], f"{stem}: {len(over)} of {len(measured)} slides overflow:\n" + "\n".join(
        f"  slide {m['slide']}: {m['width']}x{m['height']} px, starts '{m['start']}'" for m in over)


def test_speaker_view_shows_the_notes_and_paces_by_the_class_plan(browser, slides):
    stem = LESSONS[0].stem
    page = open_slides(browser, slides[stem])
    try:
        with page.expect_popup() as popup_info:
            page.keyboard.press("s")
        speaker = popup_info.value
        notes = speaker.locator(".speaker-controls-notes")
        notes.wait_for(timeout=15_000)
        speaker.wait_for_function(
            "() => (document.querySelector('.speaker-controls-notes .value') || {}).innerText", timeout=15_000)
        text = notes.inner_text()
        assert "Time." in text and "Prompt." in text and "Misconceptions." in text, text[:500]
        # reveal.js paces the talk by the seconds each slide carries from the class plan
        speaker.wait_for_function("() => /pacing (ahead|on-track|behind)/.test("
                                  "(document.querySelector('.speaker-controls-time .pacing') || {}).className || '')",
                                  timeout=15_000)
        page.keyboard.press("ArrowRight")
        speaker.wait_for_function("() => (document.querySelector('.speaker-controls-notes .value') || {})"
                                  ".innerText.includes('section 2 of')", timeout=15_000)
        timings = page.evaluate("() => Reveal.getSlidesAttributes().map(a => a['data-timing'])")
        assert timings and all(t is not None and int(t) > 0 for t in timings), timings
    finally:
        page.close()
