"""Text columns worked on once per distinct value.

A score table of 480,000 rows holds a few thousand distinct ids and a handful of distinct scores.
pandas' string methods on Python-object text (``mode.string_storage = "python"``, see
:mod:`analytics`) call Python once per row; these helpers call it once per distinct value and
spread the answers back by the codes of :func:`pandas.factorize` (a hash pass in C). Missing
values stay missing.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd


def per_distinct(text: pd.Series, method: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """``method(text)`` (a string method, or any element-wise function of a Series) computed on
    the distinct values of ``text`` only (a missing value is one of them): the same values, dtype
    and index as ``method(text)``.

    >>> s = pd.Series([" a", "b ", " a", None], dtype="string")
    >>> per_distinct(s, lambda t: t.str.strip()).tolist()
    ['a', 'b', 'a', <NA>]
    >>> per_distinct(s, lambda t: t.str.startswith("b")).tolist()
    [False, True, False, <NA>]
    """
    codes, distinct = pd.factorize(text, use_na_sentinel=False)
    out = method(pd.Series(distinct, dtype=text.dtype)).take(codes)
    out.index, out.name = text.index, text.name
    return out


def strip(text: pd.Series) -> pd.Series:
    """``text.str.strip()``, once per distinct value.

    >>> strip(pd.Series(["  JR01", "JR01 ", "x"], dtype="str")).tolist()
    ['JR01', 'JR01', 'x']
    """
    return per_distinct(text, lambda t: t.str.strip())
