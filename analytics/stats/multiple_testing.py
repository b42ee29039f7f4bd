"""Adjusted p-values for a family of tests, by well-kept libraries: one call per correction.

The screens that test many jurors or tools at once adjust their p-values here, so each
correction is written once and by its library:

- ``"bh"``: Benjamini–Hochberg (1995), the false discovery rate, by
  :func:`scipy.stats.false_discovery_control` (the affiliation screen and drift, where a chair
  reads each flag among many jurors);
- ``"holm"``: Holm (1979), the family-wise error rate, by
  :func:`statsmodels.stats.multitest.multipletests` (the score effects of a lane's tools).

A NaN p-value (a test that could not be run) stays NaN and is left out of the family: the
others are adjusted as a family of the tests that were run.

statsmodels' Holm ends with a full ``gc.collect()`` on every call, which scans every object of
the process: about 0.2 s in a process holding a festival and its checks, once per lane (the
score effects took 1.0 s on the demo instead of 0.16 s). The call is therefore made with the
objects that exist before it frozen (:func:`gc.freeze`, then :func:`gc.unfreeze`), so the
collection scans only the call's own objects; nothing is lost, garbage included, which the
collector handles as it would have. When the caller has frozen objects of their own, their
state is left alone and the call pays the full collection.
"""

from __future__ import annotations

import gc
from typing import Literal

import numpy as np
from scipy.stats import false_discovery_control

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
        out[ok] = false_discovery_control(p[ok], method="bh")
    else:
        out[ok] = _holm(p[ok])
    return out


def _holm(p: np.ndarray) -> np.ndarray:
    """statsmodels' Holm, its full garbage collection confined to the call's own objects."""
    from statsmodels.stats.multitest import multipletests  # imported here: slow to import, used by one check

    if gc.get_freeze_count():  # the caller's frozen objects: not ours to unfreeze
        return multipletests(p, method="holm")[1]
    gc.freeze()
    try:
        return multipletests(p, method="holm")[1]
    finally:
        gc.unfreeze()
