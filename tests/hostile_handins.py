"""Write a folder of hostile hand-ins: one or more files for every way a hand-in has broken the grader.

Why: the grader's promises (every file a row, nothing hangs, nothing outside the folder is
read, nothing runs, both CSVs safe to open) are only worth what they survive. The corpus is
generated, not committed (a few files are megabytes), from one honest notebook that the
caller supplies, so it follows the question bank. Used by tests/unit/test_hostile_handins.py;
to look at it by hand:

    .venv/bin/python tests/hostile_handins.py OUT_DIR     # uses the toy assignment a0

Every file whose name ends in .ipynb (any case) outside .ipynb_checkpoints must get a row;
``expected_rows`` says how many. Files that would leave a mark if any of their code ran
write into ``markers/`` next to the corpus; ``outside/`` holds what no row may show.
"""
from __future__ import annotations

import copy
import json
import os
import sys
from pathlib import Path

from helpers.records import RECORD_MIME as ANSWER_MIME  # noqa: E402 - the one definition
DEEP_LEVELS = 1_000
MARKS = 1_000_000          # combining marks in one numeric answer: a 2 MB file
SECRET = "OUTSIDE-SECRET-ESSAY"
# Modules a student file could shadow if the grader imported from the hand-in folder.
SHADOWS = ("csv", "json", "pathlib", "decimal", "unicodedata", "tempfile", "difflib", "re",
           "argparse", "dataclasses", "sitecustomize", "usercustomize")


def _record(qid, answer, attempt=1, **extra):
    rec = {"format": 1, "question": qid, "attempt": attempt, **({"answer": answer} if answer is not ... else {}), **extra}
    return {"output_type": "display_data", "metadata": {}, "data": {ANSWER_MIME: rec}}


def _with(nb: dict, *outputs, code: str = "") -> dict:
    nb = copy.deepcopy(nb)
    for i, output in enumerate(outputs):
        nb["cells"].append({"cell_type": "code", "id": f"hostile{i}", "metadata": {}, "execution_count": None,
                            "source": code, "outputs": [output]})
    return nb


def _dump(nb) -> str:
    return json.dumps(nb, ensure_ascii=False)


def make_corpus(root: Path, good: dict, questions: dict[str, str]) -> dict:
    """Write the corpus under root/handins; return what a test needs to know about it.

    ``good`` is an honest notebook of the assignment; ``questions`` maps a role ("numeric",
    "text", "reflection") to a question id of that type in it.
    """
    root = Path(root)
    folder = root / "handins"
    outside = root / "outside"
    markers = root / "markers"
    for path in (folder, outside, markers):
        path.mkdir(parents=True, exist_ok=True)
    planted: list[str] = []

    def put(name: str | bytes, text: str | bytes) -> None:
        path = os.path.join(os.fsencode(folder), os.fsencode(name))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as handle:
            handle.write(text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text)
        planted.append(os.fsdecode(name))

    num, text_q, essay = questions["numeric"], questions["text"], questions["reflection"]
    put("honest.ipynb", _dump(good))
    put("bob/a1.ipynb", _dump(good))

    # 1. symbolic links: to a classmate, to a notebook outside the folder, to a device, a loop
    secret = _with(good, _record(essay, SECRET + " copied from outside the folder"))
    (outside / "solution.ipynb").write_text(_dump(secret), encoding="utf-8")
    (outside / "precious.txt").write_text("the teacher's own file\n", encoding="utf-8")
    links = {"mallory/a1.ipynb": "../bob/a1.ipynb", "link_outside.ipynb": str(outside / "solution.ipynb"),
             "link_relative_out.ipynb": "../outside/solution.ipynb", "dangling.ipynb": "nowhere/none.ipynb",
             "dev_zero.ipynb": "/dev/zero", "dev_stdin.ipynb": "/dev/stdin", "loop.ipynb": "loop.ipynb",
             "linked_folder": str(outside)}
    for name, target in links.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        os.symlink(target, folder / name)
        planted.append(name)
    os.mkfifo(folder / "pipe.ipynb")
    planted.append("pipe.ipynb")
    (folder / "folder.ipynb").mkdir()
    planted.append("folder.ipynb")

    # 2. slow to normalise: a numeric answer, a text answer and an essay of combining marks
    put("marks_numeric.ipynb", _dump(_with(good, _record(num, "1" + "\u0301\u0316" * (MARKS // 2)))))
    put("marks_text.ipynb", _dump(_with(good, _record(text_q, "a" + "\u0316\u0301" * 400_000))))
    put("marks_essay.ipynb", _dump(_with(good, _record(essay, "essay " + "\u0301\u0316" * 24_000))))
    put("marks_tibetan.ipynb", _dump(_with(good, _record(num, "1" + "\u0f73" * 300_000))))
    put("huge_number_text.ipynb", _dump(_with(good, _record(num, "9" * 5_000_000))))

    # 3. what used to stop the whole run
    base = _dump(good)
    big = "9" * 4_400
    put("bigint_answer.ipynb", _dump(_with(good, _record(num, 0))).replace('"answer": 0', f'"answer": {big}'))
    put("bigint_attempt.ipynb", _dump(_with(good, _record(num, 5))).replace('"attempt": 1, "answer": 5', f'"attempt": {big}, "answer": 5'))
    meta = json.loads(base)
    meta["metadata"]["size"] = 0
    put("bigint_metadata.ipynb", _dump(meta).replace('"size": 0', f'"size": {big}'))
    deep = "[" * 100_000 + "]" * 100_000
    nested = _with(good)
    nested["cells"].append({"cell_type": "code", "id": "deep", "metadata": {}, "execution_count": None,
                            "source": "", "outputs": [{"output_type": "display_data", "metadata": {},
                                                       "data": {ANSWER_MIME: deep}}]})
    put("deep_string_record.ipynb", _dump(nested))
    put("brackets.ipynb", base[:-1] + ', "x": [' + ",".join(["[]"] * 1_100_000) + "]}")   # slow to parse, costly in memory
    put("deep_notebook.ipynb", '{"cells": ' + "[" * 200_000 + "]" * 200_000 + "}")
    put("surrogate_essay.ipynb", json.dumps(_with(good, _record(essay, "essay \ud800 with a lone surrogate " * 3))))
    put("surrogate_qid.ipynb", json.dumps(_with(good, _record(essay.split(".")[0] + ".\udc80", ...))))
    put("surrogate_metadata.ipynb", json.dumps({**good, "metadata": {**good["metadata"], "course": {
        **good["metadata"]["course"], "assignment": good["metadata"]["course"]["assignment"] + "\ud800"}}}))
    put(b"m_\x87\xa0\xa4\xa0.ipynb", base)   # a Cyrillic name from an old Windows zip (cp866)
    fd = os.open(folder, os.O_RDONLY)
    for _ in range(DEEP_LEVELS):   # one level at a time: os.makedirs recurses
        os.mkdir("d", dir_fd=fd)
        fd, parent = os.open("d", os.O_RDONLY, dir_fd=fd), fd
        os.close(parent)
    with open("bottom.ipynb", "w", encoding="utf-8", opener=lambda p, f: os.open(p, f, 0o644, dir_fd=fd)) as handle:
        handle.write(base)
    os.close(fd)
    planted.append("d/" * DEEP_LEVELS + "bottom.ipynb")
    put("numbers_odd.ipynb", _dump(_with(good, _record(num, "NaN"), _record(num, 1e308),
                                         _record(text_q, [[[[]]]]), _record(essay, {"a": 1}))))
    put("v3.ipynb", json.dumps({"nbformat": 3, "nbformat_minor": 0, "metadata": {}, "worksheets": []}))

    # 4. carriage returns and other control characters where a spreadsheet would see a new row
    formula = "=HYPERLINK(CHAR(104)&CHAR(116))"
    put("cr_essay.ipynb", _dump(_with(good, _record(essay, "My reflection\r" + formula + "\r@SUM(A1)\x00\x1b[2J"))))
    put("n\r=1+1.ipynb", base)
    put("tab\t-2.ipynb", base)
    put("=cmd|' /C calc'!A0.ipynb", base)
    put("\u2028+line_separator.ipynb", base)
    put("cr_qid.ipynb", _dump(_with(good, _record(f"{essay}\r=2+2", ...))))
    put("fullwidth.ipynb", _dump(_with(good, _record(essay, "\uff1dcmd() and \u200b=1+1"))))
    assign = copy.deepcopy(good)
    assign["metadata"]["course"]["assignment"] = "\r=1+1"
    put("cr_assignment.ipynb", _dump(assign))

    # 5. files that used to get no row at all
    put(".hidden.ipynb", base)
    put(".hidden_folder/a1.ipynb", base)
    put("UPPER.IPYNB", base)
    put("Mixed.IpYnB", base)
    put(".ipynb_checkpoints/honest-checkpoint.ipynb", base)   # Jupyter's autosave: listed, not a row
    planted.remove(".ipynb_checkpoints/honest-checkpoint.ipynb")

    # 6. code that would leave a marker if anything ran it
    mark = f"open({str(markers / '{}')!r}.format(__name__), 'w').close()\n"
    for module in SHADOWS:
        (folder / f"{module}.py").write_text(mark, encoding="utf-8")
    runs = copy.deepcopy(good)
    runs["cells"].insert(0, {"cell_type": "code", "id": "run", "metadata": {"autorun": True}, "execution_count": 1,
                             "source": mark.replace("{}", "cell") + "%%bash\ntouch " + str(markers / "bash"),
                             "outputs": [{"output_type": "display_data", "metadata": {}, "data": {
                                 "text/html": f"<img src=x onerror=\"fetch('{markers}')\">",
                                 "application/javascript": "require('child_process')",
                                 "text/plain": "__import__('os').system('touch marker')"}}]})
    runs["metadata"]["kernelspec"] = {"name": "evil", "argv": ["touch", str(markers / "kernel")]}
    put("runs_code.ipynb", _dump(runs))
    put("$(touch marker)`touch marker`.ipynb", base)

    # 7. a planted link where a careless --out would write
    os.symlink(str(outside / "precious.txt"), folder / "gradebook.csv")

    return {"folder": folder, "outside": outside, "markers": markers, "planted": planted,
            "expected_rows": len(planted), "secret": SECRET}


def remove_deep(folder: Path) -> None:
    """Undo the 1,000-deep folder one level at a time (shutil.rmtree recurses and fails on it)."""
    top = Path(folder) / "d"
    while (top / "d").is_dir():
        (top / "d").rename(Path(folder) / "d.next")
        for child in top.iterdir():
            child.unlink()
        top.rmdir()
        (Path(folder) / "d.next").rename(top)
    if top.is_dir():
        for child in top.iterdir():
            child.unlink()
        top.rmdir()


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__)
        return 2
    root = Path(__file__).resolve().parents[1]
    good = json.loads((root / "tests/fixtures/assignment/solutions/a0_fixture.ipynb").read_text(encoding="utf-8"))
    info = make_corpus(Path(argv[0]), good, {"numeric": "a0.total", "text": "a0.word", "reflection": "a0.reflect"})
    print(f"{info['expected_rows']} hand-ins in {info['folder']}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
