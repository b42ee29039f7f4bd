"""Rank-based agreement: Kendall's W over jurors, and pairwise juror rank correlations."""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd
from scipy import special

from analytics.base import columns as col
from analytics.stats.agreement.longdata import ratings
from analytics.stats.agreement.results import W_BANDS, AgreementResult, band, undefined

MIN_COMMON = 3


def kendall_w(data: pd.DataFrame, *, unit: str = col.ENTRY_ID, rater: str = col.JUROR_ID, value: str = col.SCORE,
              correct_ties: bool = True) -> AgreementResult:
    r"""Kendall's coefficient of concordance W: do the jurors rank the entries alike?

    Notes
    -----
    Each of the m raters ranks the n units (average ranks for ties); with :math:`R_i` the
    rank sum of unit i and :math:`S = \sum_i (R_i - \bar R)^2`,

    .. math:: W = \frac{12 S}{m^2 (n^3 - n) - m \sum_j T_j}, \quad T_j = \sum_g (t_g^3 - t_g)

    over the tie groups :math:`t_g` of rater j (the correction is dropped with
    ``correct_ties=False``). Test: :math:`\chi^2 = m (n - 1) W` on n − 1 degrees of freedom
    (equal to Friedman's tie-corrected statistic).

    Missing data: W needs every rater to rank the same units, so only units rated by
    every rater are used; ``details["units_dropped"]`` counts the others (never silently).

    Reading (Schmidt 1997): .1 very weak, .3 weak, .5 moderate, .7 strong, .9 unusually
    strong. 1 is identical rankings; 0 no concordance.

    References
    ----------
    Kendall, M. G., & Babington Smith, B. (1939). The problem of m rankings. *Annals of
    Mathematical Statistics* 10(3), 275–287. Siegel, S., & Castellan, N. J. (1988).
    *Nonparametric Statistics for the Behavioral Sciences*, 2nd ed., §9.4. Schmidt, R. C.
    (1997). *Decision Sciences* 28(3), 763–774.

    Examples
    --------
    Three judges who rank four entries identically concord perfectly:

    >>> import pandas as pd
    >>> long = pd.DataFrame({"entry_id": list("abcd") * 3, "juror_id": [1] * 4 + [2] * 4 + [3] * 4,
    ...                      "score": [1, 2, 3, 4] * 3})
    >>> kendall_w(long).estimate
    1.0
    """
    r = ratings(data, unit, rater, value)
    per_unit = np.bincount(r.unit, minlength=r.n_units)
    full = per_unit == r.n_raters
    dropped = int((~full).sum())
    m, n = r.n_raters, int(full.sum())
    details = {"units_dropped": dropped}
    if m < 2 or n < 2:
        return undefined("kendall_w", "W needs at least two raters who each rated at least the same two units",
                         n, m, len(r), details=details)
    keep = full[r.unit]
    grid = np.empty((m, n))
    unit_index = np.cumsum(full) - 1
    grid[r.rater[keep], unit_index[r.unit[keep]]] = r.value[keep]  # complete block: m × n is the data itself
    from scipy import stats  # here, not at the top: importing scipy.stats takes most of a second

    ranks = stats.rankdata(grid, axis=1)
    rank_sums = ranks.sum(axis=0)
    s = ((rank_sums - rank_sums.mean()) ** 2).sum()
    ties = 0.0
    if correct_ties:
        for row in grid:
            _, counts = np.unique(row, return_counts=True)
            ties += float((counts**3 - counts).sum())
    denominator = m**2 * (n**3 - n) - m * ties
    if denominator <= 0:
        return undefined("kendall_w", "every rater gave all units the same value: no ranking to compare",
                         n, m, int(keep.sum()), details=details)
    w = float(12 * s / denominator)
    chi2 = m * (n - 1) * w
    details.update(chi2=chi2, df=n - 1, p_value=float(special.chdtrc(n - 1, chi2)))
    return AgreementResult("kendall_w", w, n, m, int(keep.sum()), band=band(w, W_BANDS), details=details)


def rank_correlation_pairs(data: pd.DataFrame, *, unit: str = col.ENTRY_ID, rater: str = col.JUROR_ID,
                           value: str = col.SCORE, method: Literal["spearman", "kendall"] = "spearman") -> pd.DataFrame:
    """One row per pair of raters who share units: ``rater_a, rater_b, n_common, correlation``.

    Only pairs that rated a unit in common appear (cost: the within-unit rater pairs, never
    raters × raters). ``correlation`` is NaN below 3 common units or without variation.
    """
    if method not in ("spearman", "kendall"):
        raise ValueError(f"method must be 'spearman' or 'kendall'; got {method!r}")
    from scipy import stats  # here, not at the top: importing scipy.stats takes most of a second

    r = ratings(data, unit, rater, value)
    long = pd.DataFrame({"u": r.unit, "j": r.rater, "x": r.value})
    pairs = long.merge(long, on="u")
    pairs = pairs[pairs["j_x"] < pairs["j_y"]]
    rows = []
    for (a, b), group in pairs.groupby(["j_x", "j_y"], sort=True):
        n = len(group)
        corr = np.nan
        if n >= MIN_COMMON and group["x_x"].nunique() > 1 and group["x_y"].nunique() > 1:
            if method == "spearman":
                corr = stats.spearmanr(group["x_x"], group["x_y"]).statistic
            else:
                corr = stats.kendalltau(group["x_x"], group["x_y"], variant="b").statistic
        rows.append((r.raters[a], r.raters[b], n, float(corr)))
    return pd.DataFrame(rows, columns=["rater_a", "rater_b", "n_common", "correlation"])


def rank_correlations(data: pd.DataFrame, *, unit: str = col.ENTRY_ID, rater: str = col.JUROR_ID,
                      value: str = col.SCORE, method: Literal["spearman", "kendall"] = "spearman") -> pd.DataFrame:
    """Pairwise rank correlation of raters as a square matrix (rater × rater).

    Spearman's rho or Kendall's tau-b, each on the units both raters scored (pairwise
    complete); 1 on the diagonal; NaN where two raters share fewer than 3 units (a rater
    named in the table whose ratings are all missing has a row of NaN). The matrix
    is raters × raters: meant for one panel (for a conference-scale pool use
    :func:`rank_correlation_pairs`).

    >>> import pandas as pd
    >>> long = pd.DataFrame({"entry_id": list("abcd") * 2, "juror_id": ["x"] * 4 + ["y"] * 4,
    ...                      "score": [1, 2, 3, 4, 4, 3, 2, 1]})
    >>> rank_correlations(long).loc["x", "y"]
    np.float64(-1.0)
    """
    pairs = rank_correlation_pairs(data, unit=unit, rater=rater, value=value, method=method)
    raters = pd.Index(sorted(pd.unique(data[rater])), name=rater)  # every rater named, even one with no rating
    values = np.full((len(raters), len(raters)), np.nan)
    a, b = raters.get_indexer(pairs["rater_a"]), raters.get_indexer(pairs["rater_b"])
    values[a, b] = values[b, a] = pairs["correlation"].to_numpy()
    np.fill_diagonal(values, 1.0)
    return pd.DataFrame(values, index=raters, columns=raters.rename(None))
