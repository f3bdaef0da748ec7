"""Source tiers: which rows of a table rest on web sources alone.

Why: the course lets primary, scholarly and reference sources carry a number that students
are taught or graded on, while a web source (forum comment, blog, tag page, teaching slide)
may only corroborate one, or stand as a rival value in a disputed claim. Lessons use
``web_only`` to mark such rows in a figure; the tests use it to hold the data to the rule.
"""
from __future__ import annotations

import pandas as pd

from .data import sources

STRONG_TIERS = frozenset({"primary", "scholarly", "reference"})

__all__ = ["STRONG_TIERS", "source_ids", "web_only"]


def source_ids(row: pd.Series) -> list[str]:
    """The row's source_id followed by every id in more_source_ids."""
    ids = [str(row["source_id"]).strip()]
    more = row.get("more_source_ids")
    if isinstance(more, str):
        ids += [part.strip() for part in more.split(";") if part.strip()]
    return ids


def web_only(table: pd.DataFrame) -> pd.Series:
    """True for each row none of whose sources is of a primary, scholarly or reference tier.

    Raises KeyError naming the table's problem when it has no source_id column, and
    LookupError naming the id when a row cites a source that is not in the sources table.
    """
    if "source_id" not in table.columns:
        raise KeyError("web_only() needs a table with a source_id column, such as "
                       "load('unemployment').")
    tier = sources()["tier"]

    def weak(row: pd.Series) -> bool:
        ids = source_ids(row)
        unknown = [sid for sid in ids if sid not in tier.index]
        if unknown:
            raise LookupError(f"No source with id {unknown[0]!r} in datasets/sources.csv.")
        return not any(tier[sid] in STRONG_TIERS for sid in ids)

    return table.apply(weak, axis=1).astype(bool)
