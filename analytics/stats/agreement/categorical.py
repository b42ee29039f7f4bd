"""Chance-corrected agreement on categorical votes: Fleiss' kappa, Gwet's AC1 and AC2, Cohen's kappa.

For votes such as a shortlist yes/no. Every available rating is used: a unit rated by some
of the jurors contributes its votes to the category proportions, and to the observed
agreement when at least two rated it. A missing rating is never a category (the mistake of
counting it as one inflates or deflates kappa without warning).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd

from analytics.base import columns as col
from analytics.stats.agreement.longdata import Ratings, ratings
from analytics.stats.agreement.results import KAPPA_BANDS, AgreementResult, band, undefined

Weights = Literal["identity", "linear", "quadratic"]


def _category_counts(r: Ratings, categories: Sequence | None) -> tuple[np.ndarray, np.ndarray]:
    """Units × categories counts of votes, and the categories."""
    observed = pd.Index(pd.unique(r.value)).sort_values()
    cats = pd.Index(categories) if categories is not None else observed
    unknown = observed.difference(cats)
    if len(unknown):
        raise ValueError(f"values outside the given categories: {', '.join(map(repr, unknown[:5]))}")
    code = cats.get_indexer(r.value)
    counts = np.zeros((r.n_units, len(cats)))
    np.add.at(counts, (r.unit, code), 1)
    return counts, np.asarray(cats)


def _weights(categories: np.ndarray, kind: str) -> np.ndarray:
    """Agreement weights between categories (Gwet 2014, §3.5; irrCAC's linear/quadratic.weights)."""
    q = len(categories)
    if kind == "identity":
        return np.eye(q)
    if kind not in ("linear", "quadratic"):
        raise ValueError(f"weights must be 'identity', 'linear' or 'quadratic'; got {kind!r}")
    x = categories.astype(float)
    span = x.max() - x.min()
    distance = np.abs(x[:, None] - x[None, :]) / (span if span > 0 else 1.0)
    return 1 - distance if kind == "linear" else 1 - distance**2


def _agreement(r: Ratings, counts: np.ndarray, w: np.ndarray) -> tuple[float, np.ndarray] | None:
    """Observed agreement p_a over units with 2+ ratings, and category proportions pi."""
    per_unit = counts.sum(axis=1)
    multi = per_unit >= 2
    if not multi.any():
        return None
    weighted = counts @ w.T  # r*_ik = sum_l w_kl r_il
    pa = float((((counts * (weighted - 1)).sum(axis=1))[multi] / (per_unit[multi] * (per_unit[multi] - 1))).mean())
    pi = (counts / per_unit[:, None]).mean(axis=0)
    return pa, pi


def _chance_corrected(name: str, data, unit, rater, value, categories, weights: str, chance) -> AgreementResult:
    r = ratings(data, unit, rater, value, numeric=weights != "identity")
    if r.n_raters < 2:
        return undefined(name, "fewer than two raters: agreement needs at least two", r.n_units, r.n_raters, len(r))
    counts, cats = _category_counts(r, categories)
    if len(cats) < 2:
        return undefined(name, "only one category: agreement beyond chance is undefined", r.n_units, r.n_raters, len(r))
    w = _weights(cats, weights)
    parts = _agreement(r, counts, w)
    if parts is None:
        return undefined(name, "no unit has two or more ratings, so no two ratings can be compared",
                         r.n_units, r.n_raters, len(r))
    pa, pi = parts
    pe = float(chance(pi, w, len(cats)))
    details = {"pa": pa, "pe": pe, "n_categories": len(cats)}
    if np.isclose(pe, 1.0):
        return undefined(name, "chance agreement is 1 (every vote in one category): the coefficient is undefined",
                         r.n_units, r.n_raters, len(r), details=details)
    estimate = (pa - pe) / (1 - pe)
    return AgreementResult(name, float(estimate), r.n_units, r.n_raters, len(r), band=band(estimate, KAPPA_BANDS),
                           details=details)


def fleiss_kappa(data: pd.DataFrame, *, unit: str = col.ENTRY_ID, rater: str = col.JUROR_ID, value: str = col.SCORE,
                 categories: Sequence | None = None) -> AgreementResult:
    r"""Fleiss' kappa for many raters, with any number of ratings per unit.

    Notes
    -----
    With :math:`r_{ik}` the votes of unit i for category k, :math:`r_i = \sum_k r_{ik}`,

    .. math:: p_a = \frac{1}{n'} \sum_{i: r_i \ge 2} \sum_k \frac{r_{ik}(r_{ik} - 1)}{r_i (r_i - 1)}, \quad
       \pi_k = \frac{1}{n} \sum_i \frac{r_{ik}}{r_i}, \quad p_e = \sum_k \pi_k^2, \quad
       \kappa = \frac{p_a - p_e}{1 - p_e}

    (n units with a rating, n′ of them with two or more). On complete data this is
    Fleiss (1971). Categories: those observed, or ``categories``.

    Reading (Landis & Koch 1977): below 0 poor, 0–.20 slight, .21–.40 fair, .41–.60
    moderate, .61–.80 substantial, .81–1 almost perfect.

    References
    ----------
    Fleiss, J. L. (1971). Measuring nominal scale agreement among many raters.
    *Psychological Bulletin* 76(5), 378–382. Gwet, K. L. (2014). *Handbook of Inter-Rater
    Reliability*, 4th ed., ch. 2. Landis, J. R., & Koch, G. G. (1977). *Biometrics* 33(1), 159–174.

    Examples
    --------
    >>> import pandas as pd
    >>> votes = pd.DataFrame({"entry_id": [1, 1, 1, 2, 2, 2, 3, 3], "juror_id": list("abcabcab"),
    ...                       "score": ["yes", "yes", "yes", "no", "no", "yes", "no", "no"]})
    >>> round(fleiss_kappa(votes).estimate, 12)  # by hand: p_a = 7/9, p_e = 41/81, (7/9 - 41/81) / (40/81) = 22/40
    0.55
    """
    return _chance_corrected("fleiss_kappa", data, unit, rater, value, categories, "identity",
                             lambda pi, w, q: pi @ w @ pi)


def gwet_ac1(data: pd.DataFrame, *, unit: str = col.ENTRY_ID, rater: str = col.JUROR_ID, value: str = col.SCORE,
             categories: Sequence | None = None) -> AgreementResult:
    r"""Gwet's AC1: chance-corrected agreement that stays stable when one category dominates.

    Notes
    -----
    :math:`p_a` and :math:`\pi_k` as in :func:`fleiss_kappa`;
    :math:`p_e = \frac{1}{q - 1} \sum_k \pi_k (1 - \pi_k)` with q categories (the
    observed ones, or ``categories``: q matters, so pass the full list when a category was
    never used). Missing ratings as in :func:`fleiss_kappa`. Reading: Landis & Koch (1977)
    bands, as Gwet (2014, ch. 6) suggests after benchmarking.

    References
    ----------
    Gwet, K. L. (2008). Computing inter-rater reliability and its variance in the presence
    of high agreement. *British J. Math. Stat. Psychology* 61(1), 29–48. Gwet (2014), ch. 4.
    """
    return _chance_corrected("gwet_ac1", data, unit, rater, value, categories, "identity",
                             lambda pi, w, q: (pi * (1 - pi)).sum() / (q - 1))


def gwet_ac2(data: pd.DataFrame, *, unit: str = col.ENTRY_ID, rater: str = col.JUROR_ID, value: str = col.SCORE,
             weights: Weights = "quadratic", categories: Sequence | None = None) -> AgreementResult:
    r"""Gwet's AC2: AC1 with partial credit between ordered categories.

    Notes
    -----
    With agreement weights :math:`w_{kl}` (identity; linear :math:`1 - |x_k - x_l| / (x_{max} - x_{min})`;
    quadratic :math:`1 - (x_k - x_l)^2 / (x_{max} - x_{min})^2`, on category values),
    :math:`r^*_{ik} = \sum_l w_{kl} r_{il}`,
    :math:`p_a = \frac{1}{n'} \sum_{i: r_i \ge 2} \sum_k \frac{r_{ik}(r^*_{ik} - 1)}{r_i (r_i - 1)}`,
    :math:`p_e = \frac{T_w}{q (q - 1)} \sum_k \pi_k (1 - \pi_k)` with :math:`T_w = \sum_{kl} w_{kl}`.
    With identity weights AC2 is AC1.

    References
    ----------
    Gwet (2014), *Handbook of Inter-Rater Reliability*, 4th ed., ch. 4–5 (and the R
    package irrCAC, ``gwet.ac1.raw`` with ``weights``).
    """
    return _chance_corrected("gwet_ac2", data, unit, rater, value, categories, weights,
                             lambda pi, w, q: w.sum() * (pi * (1 - pi)).sum() / (q * (q - 1)))


def cohen_kappa(data: pd.DataFrame, *, unit: str = col.ENTRY_ID, rater: str = col.JUROR_ID, value: str = col.SCORE,
                weights: Literal["linear", "quadratic"] | None = None) -> AgreementResult:
    r"""Cohen's kappa for exactly two raters, unweighted or weighted.

    Notes
    -----
    On the units both raters rated (others are counted in ``details["units_dropped"]``),
    with the q × q table of proportions :math:`p_{ij}`, its margins, and disagreement
    weights :math:`v_{ij}` (``None``: :math:`[i \ne j]`; linear :math:`|i - j|`; quadratic
    :math:`(i - j)^2`, on the index of the sorted categories either rater used):

    .. math:: \kappa = 1 - \frac{\sum_{ij} v_{ij} p_{ij}}{\sum_{ij} v_{ij} p_{i\cdot} p_{\cdot j}}

    Reading: Landis & Koch (1977) bands.

    References
    ----------
    Cohen, J. (1960). A coefficient of agreement for nominal scales. *Educational and
    Psychological Measurement* 20(1), 37–46. Cohen, J. (1968). Weighted kappa.
    *Psychological Bulletin* 70(4), 213–220.

    Examples
    --------
    >>> import pandas as pd
    >>> two = pd.DataFrame({"entry_id": [1, 2, 3, 4] * 2, "juror_id": ["a"] * 4 + ["b"] * 4,
    ...                     "score": [1, 2, 3, 3, 1, 2, 3, 2]})
    >>> round(cohen_kappa(two).estimate, 4)
    0.6364
    """
    if weights not in (None, "linear", "quadratic"):
        raise ValueError(f"weights must be None, 'linear' or 'quadratic'; got {weights!r}")
    r = ratings(data, unit, rater, value, numeric=False)
    if r.n_raters != 2:
        raise ValueError(f"Cohen's kappa compares exactly two raters; the data has {r.n_raters}. "
                         "For more raters use fleiss_kappa or gwet_ac1.")
    both = np.bincount(r.unit, minlength=r.n_units) == 2
    keep = both[r.unit]
    details = {"units_dropped": int((~both).sum())}
    first, second = (keep & (r.rater == 0)), (keep & (r.rater == 1))
    a = r.value[first][np.argsort(r.unit[first], kind="stable")]
    b = r.value[second][np.argsort(r.unit[second], kind="stable")]
    if len(a) == 0:
        return undefined("cohen_kappa", "the two raters have no unit in common", r.n_units, 2, len(r), details=details)
    cats = pd.Index(pd.unique(np.concatenate([a, b]))).sort_values()
    q = len(cats)
    table = np.zeros((q, q))
    np.add.at(table, (cats.get_indexer(a), cats.get_indexer(b)), 1)
    table /= table.sum()
    expected = np.outer(table.sum(axis=1), table.sum(axis=0))
    index = np.arange(q)
    distance = np.abs(index[:, None] - index[None, :]).astype(float)
    v = {None: (distance > 0).astype(float), "linear": distance, "quadratic": distance**2}[weights]
    denominator = float((v * expected).sum())
    if denominator == 0:
        return undefined("cohen_kappa", "both raters used a single category: kappa is undefined",
                         len(a), 2, 2 * len(a), details=details)
    estimate = 1 - float((v * table).sum()) / denominator
    return AgreementResult("cohen_kappa" if weights is None else f"cohen_kappa_{weights}", estimate, len(a), 2,
                           2 * len(a), band=band(estimate, KAPPA_BANDS), details=details)
