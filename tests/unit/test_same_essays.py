"""One essay handed in twice is found, word for word, and said only where the teacher looks.

The grader reads each file alone; `course.same_essays` compares the essays of one assignment
after grading, so two students handing in one essay are not marked twice unnoticed. What it
finds goes to the gradebook's ``same_essay`` column, never to a student's feedback page (which
must not name another student's file).
"""
import csv
from pathlib import Path

from course import feedback, grading
from course.grading import Submission
from course.same_essays import COLUMN, MIN_WORDS, note_same_essays
from class_submissions import make_class

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "assignment" / "solutions"
ESSAY = ("The count of 1920 was made by the statistical office for the city soviet, so I would ask "
         "who was left out of it and why, and then compare its figure with the trade unions' own "
         "membership returns for the same months before I trusted either.")


def handed_in(path: str, essay: str, assignment: str = "a1", qid: str = "a1.essay") -> Submission:
    sub = Submission(path=path, assignment=assignment)
    sub.reflections.append((qid, 3.0, len(essay.split()), essay))
    return sub


def test_the_same_words_are_found_whatever_the_case_spacing_and_punctuation():
    assert len(ESSAY.split()) >= MIN_WORDS
    twin = "  " + ESSAY.upper().replace(",", "").replace(" who ", "\n who ") + "!"
    graded = [handed_in("mon/anna.ipynb", ESSAY), handed_in("tue/boris.ipynb", twin),
              handed_in("tue/carla.ipynb", ESSAY.replace("1920", "1921"))]
    assert note_same_essays(graded) == 2
    assert graded[0].extra[COLUMN] == "a1.essay: word for word as in tue/boris.ipynb"
    assert graded[1].extra[COLUMN] == "a1.essay: word for word as in mon/anna.ipynb"
    assert COLUMN not in graded[2].extra                  # one word differs: not the same essay
    assert all(not sub.errors for sub in graded)          # a lead for the teacher, not a problem of the file


def test_short_answers_other_assignments_and_one_file_are_left_alone():
    short = " ".join(ESSAY.split()[:MIN_WORDS - 1])
    graded = [handed_in("a.ipynb", short), handed_in("b.ipynb", short),
              handed_in("c.ipynb", ESSAY), handed_in("d.ipynb", ESSAY, assignment="a2", qid="a2.essay"),
              handed_in("e.ipynb", ""), handed_in("f.ipynb", "")]
    damaged = [Submission(path=f"{n}.ipynb", assignment="a1") for n in "gh"]
    for sub in damaged:
        sub.reflections.append(("a1.essay", 3.0, 0, None))    # a record whose essay is not text
    graded += damaged
    assert note_same_essays(graded) == 0
    assert not any(COLUMN in sub.extra for sub in graded)


def test_a_class_that_hands_in_one_essay_is_told_in_the_gradebook_not_on_feedback_pages(
        assignment_keys, tmp_path, capsys):
    make_class(tmp_path / "in", FIXTURE / "a0_fixture.ipynb", FIXTURE / "question-bank", count=6, seed=2,
               always={"a0.reflect": ESSAY})
    assert grading.main([str(tmp_path / "in"), "--out", str(tmp_path / "gradebook.csv")]) == 0
    essays = list(csv.DictReader((tmp_path / "gradebook_reflections.csv").open(encoding="utf-8", newline="")))
    shared = [r["file"] for r in essays if r["question"] == "a0.reflect" and r["text"] == ESSAY]
    assert len(shared) >= 2                                # students who answered it at all
    assert f"{len(shared)} submission(s) hold an essay that another file repeats" in capsys.readouterr().out
    book = list(csv.DictReader((tmp_path / "gradebook.csv").open(encoding="utf-8", newline="")))
    assert len(book) == 6
    for row in book:
        others = [f for f in shared if f != row["file"]]
        assert row[COLUMN] == (f"a0.reflect: word for word as in {', '.join(others)}" if row["file"] in shared else "")
        assert "word for word" not in row["errors"]
    assert feedback.main([str(tmp_path / "in"), "--out", str(tmp_path / "pages")]) == 0
    pages = list((tmp_path / "pages").glob("*.html"))
    assert len(pages) == 6
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "word for word" not in text
        assert not [f for f in shared if Path(f).stem in text and not page.name.endswith(f"{Path(f).stem}.html")]
