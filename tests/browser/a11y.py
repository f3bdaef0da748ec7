"""axe-core in the page: inject the pinned local copy and audit the course's own elements.

Why scoped: JupyterLab's own interface has known violations (reported upstream) that the
course cannot fix; what the course controls is what it puts in the notebook: the rendered
lesson text, its tables and figures, and the question widgets.
"""
from __future__ import annotations

import json
from pathlib import Path

AXE_DIR = Path(__file__).resolve().parent / "node_modules" / "axe-core"
# WCAG 2.0, 2.1 and 2.2, levels A and AA: the rules a university's accessibility policy cites.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# What the course puts on the page: rendered Markdown and the outputs of its cells.
COURSE_ELEMENTS = [".jp-Notebook .jp-MarkdownOutput", ".jp-Notebook .jp-OutputArea-output"]


def pinned_version() -> str:
    return json.loads((AXE_DIR.parents[1] / "package.json").read_text())["devDependencies"]["axe-core"]


def inject(page) -> str:
    """Load axe.min.js into the page (from disk, nothing fetched); returns axe.version."""
    script = AXE_DIR / "axe.min.js"
    if not script.is_file():
        raise AssertionError("axe-core is not installed: run `make test-browser` (it runs npm ci in "
                             "tests/browser) or `npm ci --prefix tests/browser`.")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(script))
    return page.evaluate("() => axe.version")


def audit(page, include: list[str] = COURSE_ELEMENTS) -> list[dict]:
    """Violations of the WCAG A/AA rules inside ``include``: [{id, impact, help, nodes}]."""
    inject(page)
    present = [sel for sel in include if page.locator(sel).count()]
    if not present:
        return []
    result = page.evaluate(
        """async ([include, tags]) => {
             const r = await axe.run({include: include.map(s => [s])},
                                     {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
             return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                            nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ': ' + n.failureSummary)}));
           }""",
        [present, WCAG_TAGS])
    return result


def report(violations: list[dict]) -> str:
    return "\n".join(f"{v['id']} ({v['impact']}): {v['help']}\n    " + "\n    ".join(v["nodes"])
                     for v in violations)
