"""helpers.timeaxis: partial dates sit at the middle of the period they name."""
import math

import pandas as pd
from hypothesis import given, strategies as st

from helpers.timeaxis import decimal_year, decimal_years, period_bounds


def test_year_month_and_day_precision():
    assert decimal_year("1920") == 1920.5
    assert decimal_year("1921-01") == round(1921 + 1 / 24, 4)
    assert decimal_year("1921-01-01") == 1921.0


def test_fiscal_year_is_placed_six_months_after_its_start():
    assert decimal_year("1925-10-01", "fiscal year") == round(1925 + 273 / 365 + 0.5, 4)


def test_bad_or_missing_dates_give_nan():
    for value in (None, math.nan, "", "1920s", "21-03-1921", "1921-13", "1921-02-30"):
        assert math.isnan(decimal_year(value))


def test_frame_version_keeps_the_index():
    frame = pd.DataFrame({"period_start": ["1920", "1925-10-01"], "period_kind": ["calendar year", "fiscal year"]},
                         index=[7, 9])
    result = decimal_years(frame)
    assert list(result.index) == [7, 9]
    assert result[7] == 1920.5 and 1926.2 < result[9] < 1926.3


@given(st.integers(1900, 1950), st.integers(1, 12))
def test_a_month_lies_inside_its_year(year, month):
    value = decimal_year(f"{year}-{month:02d}")
    assert year < value < year + 1


def test_a_span_covers_every_day_its_dates_allow():
    assert period_bounds("1918", "1920") == (1918.0, 1921.0)          # the whole of 1920
    assert period_bounds("1917-11", "1922-10") == (round(1917 + 10 / 12, 4), round(1922 + 10 / 12, 4))
    assert period_bounds("1921") == (1921.0, 1922.0)                   # no end: the period itself
    first, last = period_bounds("1921-03-08")
    assert first == decimal_year("1921-03-08") and round(last - first, 4) == round(1 / 365, 4)
    assert period_bounds("1918", float("nan")) == (1918.0, 1919.0)     # an empty end cell
    assert all(math.isnan(x) for x in period_bounds("1918-13"))
    assert all(math.isnan(x) for x in period_bounds("soon", "1920"))
