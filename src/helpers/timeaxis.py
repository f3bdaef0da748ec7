"""Partial dates on a time axis.

Why this module exists: the tables keep every date at the precision its source gives
("1920", "1921-01", "1925-10-01" for a fiscal year that starts that day). A chart needs one
number per row. Putting each period at its middle (a year at mid-year, a month at
mid-month, a fiscal year six months after it starts) lets rows of different precision share
one axis without any of them claiming more precision than its source has.
"""
from __future__ import annotations

import calendar
import datetime
import math
import re

import pandas as pd

__all__ = ["decimal_year", "decimal_years", "period_bounds"]

_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_LASTS = {"fiscal year": 1.0, "calendar year": 1.0}


def decimal_year(date, period_kind: str | None = None) -> float:
    """The middle of the period that ``date`` names, as a year with a fraction.

    "1920" -> 1920.5, "1921-01" -> about 1921.04, "1921-03-16" -> that day. With
    ``period_kind="fiscal year"`` the date is the first day of a twelve-month period and the
    result is six months later ("1925-10-01" -> 1926.25). Empty or malformed dates give NaN.
    """
    if date is None or (isinstance(date, float) and math.isnan(date)):
        return math.nan
    match = _DATE.match(str(date).strip())
    if not match:
        return math.nan
    year, month, day = (int(part) if part else None for part in match.groups())
    if month is not None and not 1 <= month <= 12:
        return math.nan
    if month is None:
        start, length = float(year), 1.0
    elif day is None:
        start, length = year + (month - 1) / 12, 1 / 12
    else:
        try:
            day_of_year = datetime.date(year, month, day).timetuple().tm_yday
        except ValueError:  # "1921-02-30"
            return math.nan
        start = year + (day_of_year - 1) / (366 if calendar.isleap(year) else 365)
        length = 0.0
    if period_kind in _LASTS and day is not None:
        length = _LASTS[period_kind]
    return round(start + length / 2, 4)


def decimal_years(frame: pd.DataFrame, date: str = "period_start", kind: str | None = "period_kind") -> pd.Series:
    """``decimal_year`` for every row of ``frame`` (date column, optional period-kind column)."""
    kinds = frame[kind] if kind and kind in frame else pd.Series([None] * len(frame), index=frame.index)
    return pd.Series([decimal_year(d, k) for d, k in zip(frame[date], kinds)], index=frame.index,
                     dtype="float64", name="decimal_year")


def period_bounds(start, end=None) -> tuple[float, float]:
    """(first instant, last instant) of the span from ``start`` to ``end``, as decimal years.

    A span drawn on a time line should cover every day its dates allow, no more: "1918" to
    "1920" runs from 1918.0 to 1921.0 (the whole of 1920), "1917-11" to "1922-10" from the
    first of November 1917 to the end of October 1922. Without ``end`` the span is the period
    ``start`` names. Malformed dates give (NaN, NaN).
    """
    def edges(date):
        match = _DATE.match(str(date).strip()) if date is not None else None
        if not match:
            return math.nan, math.nan
        year, month, day = (int(part) if part else None for part in match.groups())
        if month is None:
            return float(year), float(year + 1)
        if not 1 <= month <= 12:
            return math.nan, math.nan
        if day is None:
            return year + (month - 1) / 12, year + month / 12
        middle = decimal_year(date)
        days = 366 if calendar.isleap(year) else 365
        return middle, middle + 1 / days

    first, _ = edges(start)
    _, last = edges(end if end is not None and not (isinstance(end, float) and math.isnan(end)) else start)
    if math.isnan(first) or math.isnan(last):
        return math.nan, math.nan
    return round(first, 4), round(last, 4)
