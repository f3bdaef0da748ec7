"""Checks specific to the quantitative tables (congresses, membership, votes, money, strikes...).

Why: the generic package tests prove that every file matches its schema and every source
resolves; these tests guard the historical logic a schema cannot express: one preferred
variant per gathering, disputed values kept in pairs, candidates counted as the sources say,
conversion rates that are powers of ten, strike revisions that stay distinguishable.
"""
from __future__ import annotations

import math
import re

import pandas as pd
import pytest

from helpers.data import load

FACT_TABLES = [
    "congresses", "party_membership", "lenin_enrollment", "votes", "opposition_strength",
    "moscow_population", "moscow_party_survey_1920", "money_emission", "currency_reforms",
    "chervonets_gold", "strikes_monthly", "strikes_other", "unemployment", "rations",
    "industrial_output", "real_wages",
]
DATE_COLUMNS = ["date", "period_start", "period_end", "start_date", "end_date", "month",
                "joined_from", "joined_to"]


@pytest.fixture(scope="module")
def congresses() -> pd.DataFrame:
    return load("congresses")


# --- conventions shared by every table here -------------------------------------------

@pytest.mark.parametrize("name", FACT_TABLES)
def test_claims_have_competing_rows_and_are_disputed(name):
    table = load(name)
    claimed = table[table["claim_id"].notna()]
    sizes = claimed.groupby("claim_id").size()
    assert (sizes >= 2).all(), f"{name}: claims with a single row: {list(sizes[sizes < 2].index)}"
    # A rival value may also be the course's own estimate (pm34), which it must say it is.
    assert claimed["confidence"].isin(["disputed", "estimate"]).all(), (
        f"{name}: claim rows must be 'disputed' (or 'estimate' for a constructed rival value)")
    lone = table[table["claim_id"].isna() & (table["confidence"] == "disputed")]
    assert lone.empty, f"{name}: 'disputed' rows without a claim_id: {lone.index.tolist()}"


@pytest.mark.parametrize("name", FACT_TABLES)
def test_further_sources_do_not_repeat_the_main_source(name):
    table = load(name).dropna(subset=["more_source_ids"])
    for main, more in zip(table["source_id"], table["more_source_ids"]):
        ids = more.split(";")
        assert main not in ids and len(ids) == len(set(ids)), f"{name}: {main} / {more}"


@pytest.mark.parametrize("name", FACT_TABLES)
def test_dates_before_1917_are_justified(name):
    """Dates outside 1917-1940 are allowed only with a note saying why."""
    table = load(name)
    for column in [c for c in DATE_COLUMNS if c in table.columns]:
        years = table[column].dropna().astype(str).str[:4].astype(int)
        outside = table.loc[years.index[(years < 1917) | (years > 1940)]]
        for note in outside["note"]:
            assert isinstance(note, str) and "before the course period" in note.lower(), (name, column)


# --- congresses and conferences ---------------------------------------------------------

def test_exactly_one_preferred_variant_per_gathering(congresses):
    counts = congresses.groupby("gathering_id")["preferred"].sum()
    assert (counts == 1).all(), counts[counts != 1]


def test_gathering_facts_identical_across_variants(congresses):
    fixed = ["kind", "number", "name", "place", "start_date", "end_date", "calendar"]
    assert (congresses.groupby("gathering_id")[fixed].nunique() == 1).all().all()


def test_gathering_id_matches_kind_and_number(congresses):
    expected = congresses["kind"] + "-" + congresses["number"].astype(int).map("{:02d}".format)
    assert (expected == congresses["gathering_id"]).all()


def test_delegate_counts_are_positive_integers(congresses):
    for column in ["voting_delegates", "consultative_delegates", "total_delegates"]:
        values = congresses[column].dropna()
        assert (values > 0).all() and str(congresses[column].dtype) == "Int64"
    preferred = congresses[congresses["preferred"]]
    has_any = preferred[["voting_delegates", "total_delegates"]].notna().any(axis=1)
    assert has_any.all(), "every gathering needs a delegate figure in its preferred row"


def test_dates_in_order_and_gatherings_do_not_overlap(congresses):
    one = congresses[congresses["preferred"]].sort_values("start_date")
    assert (one["start_date"] <= one["end_date"]).all()
    assert (one["start_date"].iloc[1:].values > one["end_date"].iloc[:-1].values).all()


def test_claims_stay_within_one_gathering(congresses):
    claimed = congresses.dropna(subset=["claim_id"])
    assert (claimed.groupby("claim_id")["gathering_id"].nunique() == 1).all()
    disputed = congresses.groupby("gathering_id").size() > 1
    for gid in disputed[disputed].index:
        rows = congresses[congresses["gathering_id"] == gid]
        assert rows["claim_id"].notna().all(), f"{gid} has variants without a claim_id"


def test_known_disputes_are_kept(congresses):
    def voting(gid):
        return set(congresses.loc[congresses["gathering_id"] == gid, "voting_delegates"].dropna())
    assert {694, 717} <= voting("congress-10")
    assert {408, 458} <= voting("congress-12")
    assert {46, 47} <= voting("congress-07")


def test_membership_qualifier_and_candidates(congresses):
    with_members = congresses["members_represented"].notna()
    assert (congresses["members_qualifier"].notna() == with_members).all()
    assert (congresses["candidates_counted"].notna() == with_members).all()
    separately = congresses["candidates_counted"] == "separately"
    assert (congresses["candidates_represented"].notna() == separately).all()


def test_13th_congress_membership_includes_candidates(congresses):
    row = congresses[(congresses["gathering_id"] == "congress-13") & congresses["preferred"]].iloc[0]
    assert row["members_represented"] == 735881
    assert row["candidates_counted"] == "yes"
    # The sources give the candidate parts in the note: 241,591 + 127,741.
    assert "241,591" in row["note"] and "127,741" in row["note"]


# --- party membership -----------------------------------------------------------------

def test_membership_figure_and_candidate_flag_agree():
    table = load("party_membership")
    expected = {"full members": {"no"}, "candidates": {"only"}, "total": {"yes", "not stated"}}
    for figure, flag in zip(table["figure"], table["counts_candidates"]):
        assert flag in expected[figure], (figure, flag)


def test_congress_based_membership_matches_congresses(congresses):
    table = load("party_membership")
    based = table[table["basis"] == "congress-represented"]
    assert based["gathering_id"].notna().all()
    for _, row in based.iterrows():
        variants = congresses[congresses["gathering_id"] == row["gathering_id"]]
        assert row["date"] == variants["start_date"].iloc[0].strftime("%Y-%m-%d")
        column = "candidates_represented" if row["figure"] == "candidates" else "members_represented"
        assert row["persons"] in set(variants[column].dropna()), row["membership_id"]


def test_membership_rows_in_year_order():
    years = load("party_membership")["date"].str[:4].astype(int)
    assert years.is_monotonic_increasing


# --- Lenin enrollment ------------------------------------------------------------------

def test_lenin_enrollment_estimates_are_all_kept():
    table = load("lenin_enrollment")
    sizes = table[table["claim_id"] == "lenin-enrollment-size"]
    assert len(sizes) >= 6 and sizes["source_id"].nunique() >= 6
    assert set(sizes["measure"]) == {"admitted"}
    ends = table.dropna(subset=["period_start", "period_end"])
    assert (ends["period_start"] <= ends["period_end"]).all()
    assert table.loc[table["workers_percent"].notna(), "measure"].eq("admitted").all()


# --- votes and opposition strength ------------------------------------------------------

def test_each_vote_has_one_body_date_and_question():
    votes = load("votes")
    assert not votes.duplicated(["vote_id", "option"]).any()
    same = votes.groupby("vote_id")[["body", "date", "question", "source_id"]].nunique()
    assert (same == 1).all().all()


def test_vote_totals_are_not_exceeded():
    votes = load("votes")
    for vote_id, rows in votes.groupby("vote_id"):
        total = rows["total_stated"].dropna().unique()
        assert len(total) <= 1, vote_id
        if len(total) and (rows["qualifier"] == "exact").all():
            assert rows["votes"].sum() <= total[0], vote_id


def test_shliapnikov_expulsion_fell_short_of_two_thirds():
    votes = load("votes").set_index(["vote_id", "option"])
    for_votes = votes.loc[("cc-1921-08-shliapnikov", "for"), "votes"]
    present = votes.loc[("cc-1921-08-shliapnikov", "for"), "total_stated"]
    assert for_votes < math.ceil(2 * present / 3)


def test_opposition_ranges_are_ordered():
    table = load("opposition_strength")
    assert (table["persons_low"] <= table["persons_high"]).all()
    assert (table["persons_high"] <= table["out_of"]).all()


# --- Moscow ---------------------------------------------------------------------------

def test_population_ranges_contain_the_figure():
    table = load("moscow_population")
    ranged = table.dropna(subset=["persons_low", "persons_high"])
    assert ((ranged["persons_low"] <= ranged["persons"]) & (ranged["persons"] <= ranged["persons_high"])).all()
    census_1926 = table[table["claim_id"] == "moscow-1926-census"]
    assert census_1926["source_id"].nunique() == len(census_1926) >= 2


def test_party_survey_shares_and_counts_agree():
    table = load("moscow_party_survey_1920")
    assert table["percent"].sum() <= 100
    assert table["surveyed_members"].nunique() == 1
    counted = table.dropna(subset=["members"])
    share = 100 * counted["members"] / counted["surveyed_members"]
    assert ((share - counted["percent"]).abs() < 0.5).all()


# --- money ----------------------------------------------------------------------------

def test_redenomination_factors_are_powers_of_ten():
    table = load("currency_reforms")
    steps = table[table["measure"].isin(["redenomination", "definition"])]
    for factor in steps["old_per_new"]:
        exponent = math.log10(factor)
        assert exponent == int(exponent) and exponent >= 1, factor


def test_redemption_dispute_differs_by_ten_in_gold_rubles():
    table = load("currency_reforms")
    rows = table[table["claim_id"] == "redemption-1924"]
    per_gold_ruble = [r.old_per_new / (10 if r.new_unit.startswith("chervonets") else 1)
                      for r in rows.itertuples()]
    assert max(per_gold_ruble) / min(per_gold_ruble) == 10


def test_money_issue_series_is_yearly_and_positive():
    table = load("money_emission")
    issued = table[table["measure"] == "issued"]
    assert not issued.duplicated("period_start").any()
    assert (issued["million_rubles"] > 0).all()
    years = issued.loc[issued["date_precision"] == "year", "period_start"].astype(int)
    assert list(years) == list(range(years.min(), years.max() + 1)), "no gap in the yearly issue"


# --- strikes --------------------------------------------------------------------------

def test_strike_reports_unique_and_revisions_paired():
    table = load("strikes_monthly")
    assert not table.duplicated(["series", "month", "reported_in"]).any()
    assert (table["reported_in"] >= table["month"]).all()
    best = table[table["report"] != "first report"]
    assert not best.duplicated(["series", "month"]).any(), "one value per month once first reports are dropped"
    for _, rows in table.dropna(subset=["claim_id"]).groupby("claim_id"):
        assert sorted(rows["report"]) == ["first report", "revised"]
        assert rows["series"].nunique() == 1 and rows["month"].nunique() == 1
        first = rows[rows["report"] == "first report"].iloc[0]
        revised = rows[rows["report"] == "revised"].iloc[0]
        assert revised["reported_in"] > first["reported_in"]


def test_metalworkers_never_exceed_all_industries():
    table = load("strikes_monthly")
    best = table[table["report"] != "first report"].set_index(["series", "month"])
    metal = best.loc["metalworkers"]
    everyone = best.loc["all industries"]
    common = metal.index.intersection(everyone.index)
    assert len(common) >= 10
    assert (metal.loc[common, "strikes"] <= everyone.loc[common, "strikes"]).all()
    both = metal.loc[common, "participants"].notna() & everyone.loc[common, "participants"].notna()
    assert (metal.loc[common][both]["participants"] <= everyone.loc[common][both]["participants"]).all()


def test_no_invented_months():
    """Gaps stay gaps: the months known to be missing must not appear."""
    months = set(load("strikes_monthly")["month"])
    for missing in ["1926-03", "1926-06", "1926-09", "1927-03", "1927-09"]:
        assert missing not in months


def test_other_strike_ranges_are_ordered():
    table = load("strikes_other")
    assert (table["strikes_low"] <= table["strikes_high"]).all()
    assert (table["period_start"] <= table["period_end"]).all()


# --- unemployment, rations, output, wages -------------------------------------------------

def test_641000_dating_dispute_is_kept():
    table = load("unemployment")
    rows = table[table["claim_id"] == "unemployment-641000-date"]
    assert set(rows["persons"]) == {641000} and rows["date"].nunique() == 2


def test_rations_are_unique_and_heavy_grades_get_more_bread():
    table = load("rations")
    assert not table.duplicated(["ration", "grade", "item"]).any()
    bread = table[table["item"] == "bread"].set_index("grade")["amount"]
    assert (bread.drop("normal") >= bread["normal"]).all()


def test_fiscal_years_start_on_1_october():
    for name in ["industrial_output", "real_wages"]:
        table = load(name)
        fiscal = table[table["period_kind"] == "fiscal year"]
        assert len(fiscal) > 0
        for period, start in zip(fiscal["period"], fiscal["period_start"]):
            match = re.fullmatch(r"(\d{4})/(\d{2})", period)
            assert match, (name, period)
            assert int(match.group(2)) == (int(match.group(1)) + 1) % 100
            assert start == f"{match.group(1)}-10-01", (name, period, start)


def test_wage_ranges_are_ordered():
    table = load("real_wages").dropna(subset=["value_high"])
    assert (table["value"] <= table["value_high"]).all()
