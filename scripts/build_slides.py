"""Export lesson notebooks as reveal.js slides that work with no network (`make slides`).

nbconvert's stock reveal template links reveal.js and its helpers from CDNs, so its slides
are blank in a lecture room without internet. Here each notebook becomes ONE self-contained
HTML file: a local copy of reveal.js is inlined, images are embedded, and widget questions
are shown as text (prompt and options), because widgets need a running kernel.

Where reveal.js comes from, first match wins:
  1. --reveal DIR or the REVEAL_DIR environment variable (a reveal.js release folder with
     dist/ and plugin/, e.g. unpacked from the npm package `reveal.js`);
  2. the copy of reveal.js 5.2.1 that ships with the course, next to the template;
  3. none (the copy was removed): each notebook is written as one readable page with a
     banner saying so.
Nothing is downloaded, ever.
"""
from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

import nbformat
from nbconvert import SlidesExporter
from nbconvert.preprocessors import Preprocessor

TEMPLATES = Path(__file__).resolve().parent / "nbconvert-templates"
REVEAL_FILES = {
    "js": "dist/reveal.js",
    "css": "dist/reveal.css",
    "theme": "dist/theme/white.css",
    "notes": "plugin/notes/notes.js",
}
ASK = re.compile(r"""\bask\(\s*["']([^"']+)["']\s*\)""")


# reveal.js 5.2.1 (MIT), the four files the template inlines, copied unmodified from the npm
# package so that slides build on a machine with no network and no extra package.
VENDORED = Path(__file__).resolve().parent / "nbconvert-templates" / "reveal_offline" / "reveal.js"


def find_reveal(explicit: str | os.PathLike | None = None) -> Path | None:
    """The reveal.js folder to inline: the one named (refused if incomplete), else the course's."""
    def complete(folder) -> bool:
        return all((Path(folder) / f).is_file() for f in REVEAL_FILES.values())

    named = explicit or os.environ.get("REVEAL_DIR")
    if named:
        if complete(named):
            return Path(named)
        raise SystemExit(f"{named}: not a reveal.js folder (needs {', '.join(REVEAL_FILES.values())})")
    return VENDORED if complete(VENDORED) else None


def _inline(text: str, tag: str) -> str:
    """Text that can sit inside <script>/<style> without closing it early."""
    return re.sub(rf"</({tag})", r"<\\/\1", text, flags=re.IGNORECASE)


def read_reveal(folder: Path | None) -> dict | None:
    if folder is None:
        return None
    files = {key: (folder / rel).read_text(encoding="utf-8") for key, rel in REVEAL_FILES.items()}
    return {key: _inline(text, "script" if rel.endswith(".js") else "style")
            for (key, rel), text in zip(REVEAL_FILES.items(), files.values())}


class QuestionsAsText(Preprocessor):
    """Show each ask("id") cell's question (prompt and options, as Markdown) in place of
    its outputs, which on a slide would only be a widget placeholder and an empty answer
    record. The room can then see, and vote on, the question."""

    def preprocess_cell(self, cell, resources, index):
        found = ASK.search(cell.source) if cell.cell_type == "code" else None
        text = _question_markdown(found.group(1)) if found else None
        if text:
            cell.outputs = [nbformat.v4.new_output("display_data", data={"text/markdown": text})]
        return cell, resources


def _question_markdown(qid: str) -> str | None:
    try:
        from helpers.questions import question
        q = question(qid)
    except Exception:  # a slide build must not fail over one question; the text/plain stays
        return None
    lines = [f'<div class="course-question">\n\n**Question** ({qid})\n\n{q.get("prompt", "").strip()}\n']
    lines += [f"- {opt['text']}" for opt in q.get("options", [])]
    return "\n".join(lines) + "\n\n</div>"


def exporter() -> SlidesExporter:
    ex = SlidesExporter(template_name="reveal_offline",
                        extra_template_basedirs=[str(TEMPLATES)], embed_images=True)
    ex.register_preprocessor(QuestionsAsText(), enabled=True)
    return ex


def build(notebook: str | os.PathLike, out_dir: str | os.PathLike, reveal: dict | None) -> Path:
    """Write OUT_DIR/<notebook name>.slides.html and return its path."""
    notebook = Path(notebook)
    body, _ = exporter().from_filename(str(notebook), resources={"offline_reveal": reveal})
    target = Path(out_dir) / f"{notebook.stem}.slides.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(body, encoding="utf-8")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+")
    parser.add_argument("--out", default="slides")
    parser.add_argument("--reveal", help="a reveal.js folder with dist/ and plugin/")
    args = parser.parse_args(argv)
    folder = find_reveal(args.reveal)
    if folder is None:
        print("slides: no local reveal.js found, writing one-page handouts instead "
              "(see 'Presenting a lesson' in instructors/guide.md)", file=sys.stderr)
    reveal = read_reveal(folder)
    for nb in args.notebooks:
        print(f"slides: {build(nb, args.out, reveal)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
