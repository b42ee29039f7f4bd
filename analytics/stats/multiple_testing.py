"""Adjusted p-values for a family of tests: one call per correction.

The screens that test many jurors or tools at once adjust their p-values here, so each
correction is written once:

- ``"bh"``: Benjamini–Hochberg (1995), the false discovery rate (the affiliation screen and
  drift, where a chair reads each flag among many jurors), written here as
  :func:`scipy.stats.false_discovery_control` computes it (a test compares them bit for bit):
  importing :mod:`scipy.stats` for it took most of a second of every run with either screen;
- ``"holm"``: Holm (1979), the family-wise error rate (the score effects of a lane's tools),
  written here: the sorted p-values times m, m - 1, ..., 1, made non-decreasing and capped at
  1. The peer, :func:`statsmodels.stats.multitest.multipletests`, gives the same numbers (a test
  compares them) but costs every run that has tools most of a second: importing statsmodels
  imports :mod:`scipy.stats`, and each call ends with a full ``gc.collect()`` that scans every
  object of a process holding a festival and its checks.

A NaN p-value (a test that could not be run) stays NaN and is left out of the family: the
others are adjusted as a family of the tests that were run.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

Method = Literal["bh", "holm"]
METHODS: tuple[Method, ...] = ("bh", "holm")


def adjust(p: np.ndarray, *, method: Method) -> np.ndarray:
    """Adjusted p-values of one family of tests, in the order given (NaN stays NaN).

    Parameters
    ----------
    p : array of float
        The p-values of the family, each from 0 to 1, or NaN for a test not run.
    method : {"bh", "holm"}
        ``"bh"``: Benjamini–Hochberg step-up; ``"holm"``: Holm step-down.

    Returns
    -------
    numpy.ndarray
        A new array of the adjusted p-values (``p`` is not modified).

    Notes
    -----
    With the ``m`` p-values that are not NaN sorted, :math:`p_{(1)} \\le \\dots \\le p_{(m)}`:
    Benjamini–Hochberg gives :math:`\\min_{j \\ge i} \\min(1, m p_{(j)} / j)` and Holm
    :math:`\\max_{j \\le i} \\min(1, (m - j + 1) p_{(j)})`. Rejecting where the adjusted value
    is at most ``q`` controls the false discovery rate (BH, for independent or positively
    dependent tests) or the family-wise error rate (Holm, under any dependence) at ``q``.

    References
    ----------
    Benjamini, Y. and Hochberg, Y. (1995). Controlling the false discovery rate: a practical and
    powerful approach to multiple testing. *Journal of the Royal Statistical Society B* 57(1),
    289–300. Holm, S. (1979). A simple sequentially rejective multiple test procedure.
    *Scandinavian Journal of Statistics* 6(2), 65–70.

    Examples
    --------
    The 15 p-values of the example of Benjamini and Hochberg (1995), also the example of
    :func:`scipy.stats.false_discovery_control`: at ``q = 0.05`` their procedure rejects the
    four smallest, Holm's the three smallest.

    >>> p = np.array([0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344,
    ...               0.0459, 0.3240, 0.4262, 0.5719, 0.6528, 0.7590, 1.000])
    >>> int((adjust(p, method="bh") <= 0.05).sum()), int((adjust(p, method="holm") <= 0.05).sum())
    (4, 3)
    >>> adjust(p, method="holm")[:4].round(4).tolist()  # 15, 14, 13, 12 times the p-value
    [0.0015, 0.0056, 0.0247, 0.114]
    >>> adjust(np.array([0.01, np.nan, 0.04, 0.03, 0.2]), method="bh").round(3).tolist()
    [0.04, nan, 0.053, 0.053, 0.2]
    """
    if method not in METHODS:
        raise ValueError(f"adjust: method must be one of {', '.join(map(repr, METHODS))}; got {method!r}")
    p = np.asarray(p, dtype=float)
    if p.ndim != 1:
        raise ValueError(f"adjust: p must be one family of p-values (a 1-D array); got an array of shape {p.shape}")
    ok = ~np.isnan(p)
    outside = p[ok & ((p < 0) | (p > 1))]
    if len(outside):
        raise ValueError(f"adjust: p-values must be from 0 to 1 (or NaN for a test not run); got "
                         f"{', '.join(map(repr, outside[:5].tolist()))}{' ...' if len(outside) > 5 else ''}")
    out = np.full(len(p), np.nan)
    if not ok.any():
        return out
    if method == "bh":
        out[ok] = _bh(p[ok])
    else:
        out[ok] = _holm(p[ok])
    return out


def _bh(p: np.ndarray) -> np.ndarray:
    """Benjamini–Hochberg's step-up adjustment, in the order given: O(m log m); each step computed as
    :func:`scipy.stats.false_discovery_control` computes it (``p × (m / i)``, the minimum from the largest
    down, capped at 1), so the numbers are the same to the last bit (a test compares them)."""
    order = np.argsort(p)
    m = len(p)
    steps = p[order] * (m / np.arange(1, m + 1))
    steps = np.minimum.accumulate(steps[::-1])[::-1]
    out = np.empty(m)
    out[order] = steps
    return np.clip(out, 0, 1)


def _holm(p: np.ndarray) -> np.ndarray:
    """Holm's step-down adjustment, in the order given: O(m log m)."""
    order = np.argsort(p, kind="stable")
    steps = np.maximum.accumulate(p[order] * np.arange(len(p), 0, -1))
    out = np.empty(len(p))
    out[order] = np.minimum(steps, 1.0)
    return out
