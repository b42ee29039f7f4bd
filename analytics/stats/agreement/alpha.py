"""Krippendorff's alpha for nominal, ordinal, interval and ratio data, with missing ratings.

Computed from sums over units, never from a raters × units matrix, so an incomplete design
costs what its ratings cost. The bootstrap resamples units; since observed and expected
disagreement are sums of per-unit terms, a resample is a reweighting of those terms.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy import sparse

from analytics.base import columns as col
from analytics.stats.agreement.longdata import (Ratings, percentile_interval, ratings, require_seed,
                                               seeded_resample_weights)
from analytics.stats.agreement.results import ALPHA_BANDS, AgreementResult, band, undefined

Level = Literal["nominal", "ordinal", "interval", "ratio"]
LEVELS = ("nominal", "ordinal", "interval", "ratio")
MAX_CATEGORIES = 1000


@dataclass(frozen=True)
class _Parts:
    """Per pairable unit: number of ratings ``m`` and the terms alpha is built from."""

    level: str
    m: np.ndarray  # ratings per pairable unit (>= 2)
    d: np.ndarray | None  # observed disagreement per unit (fixed metrics)
    s1: np.ndarray | None  # interval: sum of values per unit
    s2: np.ndarray | None  # interval: sum of squared values per unit
    counts: sparse.csr_matrix | None  # units × categories (nominal, ordinal, ratio)
    delta: np.ndarray | None  # nominal, ratio: categories × categories squared distance


def _parts(r: Ratings, level: str) -> _Parts:
    m_all = np.bincount(r.unit, minlength=r.n_units)
    pairable = m_all >= 2
    keep = pairable[r.unit]
    unit = np.cumsum(pairable)[r.unit[keep]] - 1
    value = r.value[keep]
    m = m_all[pairable].astype(float)
    n_units = len(m)
    if level == "interval":
        s1 = np.bincount(unit, weights=value, minlength=n_units)
        s2 = np.bincount(unit, weights=value * value, minlength=n_units)
        d = 2 * (m * s2 - s1 * s1) / (m - 1)  # sum over ordered pairs within the unit of (x_i - x_j)², over m - 1
        return _Parts(level, m, np.maximum(d, 0.0), s1, s2, None, None)
    category, values = pd.factorize(value, sort=True)
    v = len(values)
    if v > MAX_CATEGORIES:
        raise ValueError(f"{v} distinct values: a {level} alpha treats each as a category (at most {MAX_CATEGORIES}); "
                         "round the values or use level='interval'")
    counts = sparse.csr_matrix((np.ones(len(unit)), (unit, category)), shape=(n_units, v))
    if level == "ordinal":
        return _Parts(level, m, None, None, None, counts, None)
    x = np.asarray(values, dtype=float) if level == "ratio" else None
    if level == "nominal":
        delta = 1.0 - np.eye(v)
    else:
        total = x[:, None] + x[None, :]
        with np.errstate(divide="ignore", invalid="ignore"):
            delta = np.where(total == 0, 0.0, ((x[:, None] - x[None, :]) / total) ** 2)
    d = np.asarray(((counts @ delta) * counts.toarray()).sum(axis=1)).ravel() if v else np.zeros(n_units)
    d = d / (m - 1)
    return _Parts(level, m, d, None, None, counts, delta)


def _alpha(parts: _Parts, w: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Alpha, observed and expected disagreement for each row of unit weights ``w``
    (``None``: every unit once, by plain sums rather than matrix products)."""
    if w is None and parts.level == "interval":
        n, s1, s2 = np.array([parts.m.sum()]), parts.s1.sum(), parts.s2.sum()
        with np.errstate(divide="ignore", invalid="ignore"):
            observed = parts.d.sum() / n
            expected = 2 * (n * s2 - s1 * s1) / (n * (n - 1))
            alpha = 1 - observed / expected
        return np.where(expected > 1e-12 * np.maximum(observed, 1), alpha, np.nan), observed, expected
    if w is None:
        w = np.ones((1, len(parts.m)))
    n = w @ parts.m
    with np.errstate(divide="ignore", invalid="ignore"):
        if parts.level == "interval":
            s1, s2 = w @ parts.s1, w @ parts.s2
            observed = (w @ parts.d) / n
            expected = 2 * (n * s2 - s1 * s1) / (n * (n - 1))
        elif parts.level in ("nominal", "ratio"):
            nc = (parts.counts.T @ w.T).T
            observed = (w @ parts.d) / n
            expected = np.einsum("bv,vk,bk->b", nc, parts.delta, nc) / (n * (n - 1))
        else:  # ordinal: the interval metric on mid-ranks M_c = n_<c + n_c / 2 (Krippendorff 2011, eq. 11)
            nc = (parts.counts.T @ w.T).T
            mid = np.cumsum(nc, axis=1) - nc / 2
            observed = 2 * ((nc * mid * mid).sum(axis=1) - _mid_coincidences_mid(parts, w, mid)) / n
            expected = 2 * (n * (nc * mid * mid).sum(axis=1) - (nc * mid).sum(axis=1) ** 2) / (n * (n - 1))
        alpha = 1 - observed / expected
    return np.where(expected > 1e-12 * np.maximum(observed, 1), alpha, np.nan), observed, expected


def _mid_coincidences_mid(parts: _Parts, w: np.ndarray, mid: np.ndarray) -> np.ndarray:
    """Per resample b: mid_b' C_b mid_b, C_b the coincidence matrix of the resample (the units'
    coincidences weighted by ``w``), without forming it: a unit's coincidences
    (n_uc n_uk - [c = k] n_uc) / (m_u - 1) give mid' C_u mid = ((sum_c n_uc mid_c)² -
    sum_c n_uc mid_c²) / (m_u - 1). Cost: O(resamples × ratings), whatever the number of
    categories (a weighted total in quarter points has a hundred)."""
    per_pair = w / (parts.m - 1)  # resamples × units: each unit's weight over its ratings' pairs
    s1 = parts.counts @ mid.T  # units × resamples: sum over the unit's ratings of their mid-ranks
    # sum_u per_pair_u s2_u, with s2_u = sum_c n_uc mid_c², is sum_c mid_c² (per_pair @ counts)_c: no s2 matrix
    squares = ((parts.counts.T @ per_pair.T).T * (mid * mid)).sum(axis=1)
    # units × resamples throughout, each array in the order it is stored (a transposed view is slower to sum)
    return np.einsum("ub,ub,ub->b", np.ascontiguousarray(per_pair.T), s1, s1) - squares


def krippendorff_alpha(data: pd.DataFrame, *, unit: str = col.ENTRY_ID, rater: str = col.JUROR_ID,
                       value: str = col.SCORE, level: Level = "interval", n_boot: int = 0,
                       confidence: float = 0.95, random_state: int | None = None) -> AgreementResult:
    r"""Krippendorff's alpha reliability coefficient.

    Parameters
    ----------
    data
        Long table, one row per unit × rater; a missing value is a missing rating.
    unit, rater, value
        Column names (entries, jurors, scores by default).
    level
        ``"nominal"``, ``"ordinal"``, ``"interval"`` or ``"ratio"``: the metric of the values.
    n_boot, confidence, random_state
        With ``n_boot > 0``, a percentile interval from ``n_boot`` resamples of the units
        (``random_state`` is then required). With few units (a lane of a dozen entries)
        resampling repeats units, and the interval is wide and leans towards lower values:
        read it as a range of plausible values, not a symmetric error bar.

    Returns
    -------
    AgreementResult
        ``details`` has ``observed`` (:math:`D_o`) and ``expected`` (:math:`D_e`)
        disagreement and ``n_pairable`` ratings.

    Notes
    -----
    .. math:: \alpha = 1 - D_o / D_e, \quad
       D_o = \frac{1}{n} \sum_u \frac{1}{m_u - 1} \sum_{i \ne j} \delta^2(x_{ui}, x_{uj}), \quad
       D_e = \frac{1}{n(n-1)} \sum_{c, k} n_c n_k \delta^2_{ck}

    over the *pairable* units (those with :math:`m_u \ge 2` ratings; a unit rated once says
    nothing about agreement and is left out, as Krippendorff prescribes), :math:`n = \sum m_u`,
    :math:`n_c` the number of pairable values equal to :math:`c`. Metrics :math:`\delta^2`:
    nominal :math:`[c \ne k]`; interval :math:`(c - k)^2`; ratio :math:`((c-k)/(c+k))^2`;
    ordinal the interval metric on mid-ranks :math:`\sum_{g<c} n_g + n_c/2`.
    Cost: linear in the ratings at every level (the ordinal coincidences enter through
    per-unit sums of mid-ranks, never as a matrix); a bootstrap costs resamples × ratings
    (nominal and ratio: resamples × categories² for the expected disagreement). No raters ×
    units matrix is built.

    Reading (Krippendorff 2004, p. 241): :math:`\alpha \ge .800` reliable; :math:`.667 \le
    \alpha < .800` tentative conclusions only; below .667 unreliable. 1 is perfect
    agreement, 0 agreement at chance, below 0 systematic disagreement.

    Undefined (NaN, with a reason): no unit with two ratings, or no variation at all.

    References
    ----------
    Krippendorff, K. (2011). Computing Krippendorff's alpha-reliability. Annenberg School
    for Communication, University of Pennsylvania. Krippendorff, K. (2004). *Content
    Analysis: An Introduction to Its Methodology*, 2nd ed. Sage.

    Examples
    --------
    Krippendorff (2011)'s 4 observers × 12 units, with missing values (his p. 6: nominal
    .743, ordinal .815, interval .849, ratio .797):

    >>> import numpy as np, pandas as pd
    >>> table = [[1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    ...          [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    ...          [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    ...          [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None]]
    >>> long = pd.DataFrame([(u, o, v) for o, row in zip("ABCD", table) for u, v in enumerate(row)],
    ...                     columns=["entry_id", "juror_id", "score"])
    >>> [round(krippendorff_alpha(long, level=lv).estimate, 3) for lv in ("nominal", "ordinal", "interval", "ratio")]
    [0.743, 0.815, 0.849, 0.797]
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}; got {level!r}")
    rng = require_seed(n_boot, random_state)
    r = ratings(data, unit, rater, value, numeric=level != "nominal")
    name = f"krippendorff_alpha_{level}"
    if r.n_raters < 2:
        return undefined(name, "fewer than two raters: agreement needs at least two", r.n_units, r.n_raters, len(r))
    parts = _parts(r, level)
    if len(parts.m) == 0:
        return undefined(name, "no unit has two or more ratings, so no two ratings can be compared",
                         r.n_units, r.n_raters, len(r))
    alpha, observed, expected = _alpha(parts, None)
    details = {"observed": float(observed[0]), "expected": float(expected[0]), "n_pairable": int(parts.m.sum())}
    if np.isnan(alpha[0]):
        return undefined(name, "every pairable rating has the same value: with no variation, alpha is undefined",
                         r.n_units, r.n_raters, len(r), details=details)
    low = high = float("nan")
    if rng is not None:
        boot = np.concatenate([_alpha(parts, w)[0] for w in seeded_resample_weights(random_state, len(parts.m), n_boot)])
        low, high = percentile_interval(boot, confidence)
        details["n_boot"] = n_boot
        details["n_boot_undefined"] = int(np.isnan(boot).sum())
    estimate = float(alpha[0])
    return AgreementResult(name, estimate, r.n_units, r.n_raters, len(r), low, high, band(estimate, ALPHA_BANDS),
                           details=details)


def interval_alpha_without_each(r: Ratings) -> np.ndarray:
    """Interval alpha with each rater left out, for every rater of ``r`` at once (in the order of
    ``r.raters``): the same numbers as :func:`krippendorff_alpha` on the ratings without that
    rater (NaN where it is undefined). Removing rater j takes x_uj out of each unit's sums and
    one rating out of its count. Cost: O(ratings + raters × units) arithmetic and memory.
    """
    n_u, n_r = r.n_units, r.n_raters
    out = np.full(n_r, np.nan)
    if n_r < 3:  # without one of two raters there is no agreement to measure
        return out
    rated = np.zeros((n_r, n_u))
    rated[r.rater, r.unit] = 1.0
    value = np.zeros((n_r, n_u))
    value[r.rater, r.unit] = r.value
    m = np.bincount(r.unit, minlength=n_u) - rated  # raters × units: ratings per unit without the rater
    s1 = np.bincount(r.unit, weights=r.value, minlength=n_u) - value
    s2 = np.bincount(r.unit, weights=r.value * r.value, minlength=n_u) - value * value
    pairable = m >= 2
    with np.errstate(divide="ignore", invalid="ignore"):
        d = np.where(pairable, np.maximum(2 * (m * s2 - s1 * s1) / np.where(pairable, m - 1, 1), 0.0), 0.0)
        n = np.where(pairable, m, 0).sum(axis=1)
        big1, big2 = np.where(pairable, s1, 0).sum(axis=1), np.where(pairable, s2, 0).sum(axis=1)
        observed = d.sum(axis=1) / n
        expected = 2 * (n * big2 - big1 * big1) / (n * (n - 1))
        alpha = 1 - observed / expected
    defined = (n > 0) & (expected > 1e-12 * np.maximum(observed, 1))
    out[defined] = alpha[defined]
    return out
