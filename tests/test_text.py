"""Text columns worked on once per distinct value (analytics.base.text) give pandas' own answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analytics.base.text import per_distinct, strip


def _texts(seed: int, n: int, na: bool) -> pd.Series:
    rng = np.random.default_rng(seed)
    pool = np.array(["JR01", " JR01", "JR01 ", "\tE-7", "=1+1", "-x", "", "  ", "夜行渡輪 ", "@SUM(A1)", "a b"], dtype=object)
    values = pool[rng.integers(0, len(pool), n)]
    if na:
        values[rng.random(n) < 0.2] = None
    return pd.Series(values, index=rng.permutation(n) + 100, dtype="str" if not na else "string", name="col")


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("na", [False, True])
def test_strip_and_tests_per_distinct_value_equal_pandas_on_every_row(seed, na):
    text = _texts(seed, 500, na)
    pd.testing.assert_series_equal(strip(text), text.str.strip())
    starts = per_distinct(text, lambda t: t.str.startswith(("=", "-", "@")))
    pd.testing.assert_series_equal(starts.fillna(False).astype(bool), text.str.startswith(("=", "-", "@")).fillna(False).astype(bool))


def test_an_empty_column_stays_empty_and_the_input_is_not_modified():
    empty = pd.Series([], dtype="str")
    assert strip(empty).empty and strip(empty).dtype == empty.dtype
    text = pd.Series([" a ", "b"], dtype="str")
    strip(text)
    assert text.tolist() == [" a ", "b"]
