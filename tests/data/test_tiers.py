"""Source tiers, enforced: no graded answer and no taught figure rests on a web source alone.

The rule (datapackage.json, sources.tier): primary, scholarly and reference sources may carry
a number or a date that students are taught or graded on; a web source may only corroborate
one, or stand as an exhibit in a source-criticism task that says what it is. A data row
resting on web sources alone is an exhibit when it is a rival value in a disputed claim that
also has a better-sourced row, or when its note opens with "Web source only", which is how a
lesson or a figure can show the reader what it is.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from helpers import load
from helpers.tiers import STRONG_TIERS, web_only

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = json.loads((ROOT / "datasets" / "datapackage.json").read_text(encoding="utf-8"))
# historiography describes works (a review published on the web is its own source) and the
# glossary defines terms: neither carries figures, so the rule does not apply to them.
NOT_FIGURES = {"sources", "historiography", "glossary"}
TABLES = [r["name"] for r in PACKAGE["resources"]
          if r["name"] not in NOT_FIGURES and "source_id" in {f["name"] for f in r["schema"]["fields"]}]
SOURCES = load("sources").set_index("id")
BANK = [q for path in sorted((ROOT / "solutions" / "question-bank").glob("*.yaml"))
        for q in yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]]
GRADED = [q for q in BANK if q["type"] != "reflection"]

# Graded questions whose object of study is a web text itself, with what the prompt must
# name so that the student knows what the source is.
EXHIBIT_QUESTIONS = {"l3.critique": "libcom.org",
                     "a2.bauman-date": "unidentified Russian book read online"}


def test_every_source_has_a_tier_and_seeds_take_the_tier_of_what_they_are():
    assert set(SOURCES["tier"]) <= STRONG_TIERS | {"web"}
    assert SOURCES.at["anon-review-pirani", "tier"] == "scholarly"
    assert SOURCES.at["libcom-wo-history", "tier"] == "web"
    unseeded = SOURCES[SOURCES["kind"] != "seed"]
    differs = unseeded[unseeded["tier"] != unseeded["kind"]]
    # kind says what a work is, tier how much weight it may carry: a primary text read only
    # through an unreliable copy is still a primary text, but it weighs as a web page. The tier
    # may therefore fall to web, never rise, and the note must say why.
    unexplained = differs[(differs["tier"] != "web") | ~differs["reliability_note"].fillna("").str.startswith("Tier web:")]
    assert unexplained.empty, ("tier differs from kind outside the seeds without a reliability_note opening "
                               f"'Tier web:' that says why: {list(unexplained.index)}")


def test_re_tiered_sources_keep_the_review_s_verdicts():
    """The second history review's tier findings (T04, T05, T07-T09): a state institution's reference
    page is reference; a quotation read on a portal mirror weighs as web; pages of books whose author
    and title are unknown, and popular biographies, are not scholarship; the Stalin-era official
    history is a primary record of the official account."""
    expected = {"prlib-prodrazverstka-1919": "reference", "prlib-first-tu-congress-1918": "reference",
                "prlib-14th-congress": "reference", "polithistory-war-communism": "reference",
                "rykov-1924-quote": "web", "mlechin-kollontai": "web", "hcw-vol1-ch08": "primary"}
    # A book read page by page on a reader site (no lawful address) whose author is not known.
    author = SOURCES["author"].fillna("").str.strip()
    unidentified_books = SOURCES[(author.eq("") | author.str.startswith(("unknown", "unidentified")))
                                 & SOURCES["url"].isna() & (SOURCES["kind"] != "seed")]
    assert not list(unidentified_books.index[unidentified_books["tier"] == "scholarly"]), (
        "a book whose author is not identified cannot be tiered scholarly")
    assert {sid: SOURCES.at[sid, "tier"] for sid in expected} == expected


@pytest.mark.parametrize("name", TABLES)
def test_rows_resting_on_web_sources_alone_are_labelled_exhibits(name):
    table = load(name)
    weak = web_only(table)
    strong_claims = set()
    if "claim_id" in table.columns:
        strong_claims = set(table.loc[~weak, "claim_id"].dropna())
    unlabelled = []
    for _, row in table[weak].iterrows():
        rival = "claim_id" in table.columns and row["claim_id"] in strong_claims
        labelled = str(row.get("note", "")).startswith("Web source only")
        if not (rival or labelled):
            unlabelled.append(f"{row.iloc[0]} ({row['source_id']})")
    assert not unlabelled, (
        f"{name}: rows resting on web sources alone: {', '.join(unlabelled)}. Cite a primary, "
        "scholarly or reference source, make the row a rival value in a disputed claim, or "
        "open its note with 'Web source only'; then run `course data-docs` if the table's docs changed.")


@pytest.mark.parametrize("question", GRADED, ids=[q["id"] for q in GRADED])
def test_graded_answers_rest_on_a_primary_scholarly_or_reference_source(question):
    ids = question.get("source_ids", [])
    tiers = [SOURCES.at[sid, "tier"] for sid in ids]
    if not ids or any(tier in STRONG_TIERS for tier in tiers):
        return  # reasoning about the course's own tables, or at least one strong source
    marker = EXHIBIT_QUESTIONS.get(question["id"])
    assert marker, (f"{question['id']} is graded on web sources alone: {ids}. Add a primary, scholarly or "
                    "reference source to its source_ids in solutions/question-bank/*.yaml (the tier column of "
                    "datasets/sources.csv says which is which), or, if the web text itself is what the question "
                    "studies, list the question in EXHIBIT_QUESTIONS in tests/data/test_tiers.py with what its "
                    "prompt must name; then run `course build-bank` (MAINTAINING.md, \"Adding a question\").")
    assert marker in question["prompt"], (f"{question['id']} must say what its web source is: its prompt must "
                                          f"name {marker!r} (EXHIBIT_QUESTIONS in tests/data/test_tiers.py)")


def test_the_reconstructed_1913_wage_is_never_graded_and_says_so():
    wage = load("real_wages").set_index("wage_id").loc["rw01"]
    assert wage["confidence"] == "estimate" and "Reconstructed" in wage["note"]
    banks = [q for q in BANK if "sputnik-partiitsa-p308" in q.get("source_ids", [])]
    assert not banks, [q["id"] for q in banks]
    texts = [p.read_text(encoding="utf-8") for folder in ("notebooks", "solutions")
             for p in sorted((ROOT / folder).glob("*.ipynb"))]
    assert not any("rw01" in text for text in texts)


def test_the_constructed_january_1924_baseline_is_an_estimate_graded_with_tolerance():
    baseline = load("party_membership").set_index("membership_id").loc["pm34"]
    assert baseline["confidence"] == "estimate"
    growth = next(q for q in BANK if q["id"] == "a5.growth")
    assert growth["tolerance"] >= 1000, "an estimated baseline cannot be graded to the person"


# Hosts of unofficial copies of copyrighted books and articles met while building the course.
UNOFFICIAL_HOSTS = ("vdoc.pub", "ebin.pub", "dokumen.pub", "docslib.org", "bibliboba", "chitka.online",
                    "loveread", "litmir", "knigochet", "bookreadfree", "studmed", "scribd.com",
                    "documents.pub", "libowl", "kniga-online", "onlinekniga", "simplybooks",
                    "studylib", "issuu.com")
# A rule for the rest: no link to a host whose very name a teacher would not put before a class.
UNFIT_FOR_CLASS = re.compile(r"sex|porn|xxx|casino", re.IGNORECASE)


def test_student_facing_links_avoid_unofficial_copies():
    """Books read through an unofficial copy are cited as books, without the copy's address."""
    texts = {"sources.csv urls": "\n".join(SOURCES["url"].dropna()),
             "datapackage.json": (ROOT / "datasets" / "datapackage.json").read_text(encoding="utf-8")}
    for folder in ("notebooks", "exercises"):
        for path in sorted((ROOT / folder).glob("*.ipynb")):
            cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
            texts[path.name] = "\n".join("".join(c["source"]) for c in cells)
    links = [(name, url) for name, text in texts.items()
             for url in re.findall(r"https?://[^\s)\"'<>]+", text)]
    found = [(name, url) for name, url in links
             if any(host in url for host in UNOFFICIAL_HOSTS)
             or UNFIT_FOR_CLASS.search(urlsplit(url).hostname or "")]
    assert links and not found, found
    hosts_as_publishers = SOURCES.loc[SOURCES["publisher"].fillna("").str.contains(UNFIT_FOR_CLASS)].index
    assert hosts_as_publishers.empty, list(hosts_as_publishers)
