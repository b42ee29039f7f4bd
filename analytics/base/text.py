"""Text columns worked on once per distinct value.

A score table of 480,000 rows holds a few thousand distinct ids and a handful of distinct scores.
pandas' string methods on Python-object text (``mode.string_storage = "python"``, see
:mod:`analytics`) call Python once per row; these helpers call it once per distinct value and
spread the answers back by the codes of :func:`pandas.factorize` (a hash pass in C). Missing
values stay missing.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd


def per_distinct(text: pd.Series, method: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """``method(text)`` (a string method, or any element-wise function of a Series) computed on
    the distinct values of ``text`` only; the same index and, where ``method`` keeps it, dtype.

    >>> s = pd.Series([" a", "b ", " a", None], dtype="str")
    >>> per_distinct(s, lambda t: t.str.strip()).tolist()
    ['a', 'b', 'a', nan]
    >>> per_distinct(s, lambda t: t.str.startswith("b")).tolist()
    [False, True, False, nan]
    """
    codes, distinct = pd.factorize(text, use_na_sentinel=True)
    answers = method(pd.Series(distinct, dtype=text.dtype))
    missing = codes < 0
    if not missing.any():
        return pd.Series(answers.to_numpy()[codes] if len(distinct) else answers.iloc[:0].to_numpy(),
                         index=text.index, dtype=answers.dtype, name=text.name)
    if answers.dtype == bool:  # a test: missing text answers missing
        answers = answers.astype(object)
    values = np.append(answers.to_numpy(dtype=object), np.nan)
    out = pd.Series(values[np.where(missing, len(distinct), codes)], index=text.index, name=text.name)
    return out.astype(answers.dtype) if answers.dtype != object else out


def strip(text: pd.Series) -> pd.Series:
    """``text.str.strip()``, once per distinct value.

    >>> strip(pd.Series(["  JR01", "JR01 ", "x"], dtype="str")).tolist()
    ['JR01', 'JR01', 'x']
    """
    return per_distinct(text, lambda t: t.str.strip())
