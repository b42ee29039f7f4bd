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

Weights = Literal["identity", "linear", "quadratic", "ordinal"]
WEIGHTS = ("identity", "linear", "quadratic", "ordinal")
#: the weights computed from category values (the others need only the categories' order)
VALUE_WEIGHTS = ("linear", "quadratic")


def _check_weights(weights: str) -> None:
    if weights not in WEIGHTS:
        raise ValueError(f"weights must be one of {', '.join(map(repr, WEIGHTS))}; got {weights!r}")


def _is_numeric(values: np.ndarray) -> bool:
    return pd.api.types.infer_dtype(values, skipna=True) in ("integer", "floating", "mixed-integer-float", "decimal")


def _categories(observed, categories: Sequence | None, value: str, weights: str) -> pd.Index:
    """The categories in their order: the declared ones as given, or the observed ones sorted.

    Raises one ``ValueError`` listing every problem: a declared category repeated, a rating
    outside the declared list, ordinal weights on labels whose order nobody declared."""
    observed = pd.Index(pd.unique(np.asarray(observed)))
    if categories is None:
        if weights == "ordinal" and len(observed) and not _is_numeric(observed.to_numpy()):
            raise ValueError(f"ordinal weights need the order of the categories, and the column {value!r} holds "
                             f"labels ({', '.join(map(repr, observed[:5]))}); pass categories=[...] from the lowest "
                             "to the highest")
        return observed.sort_values()
    declared = pd.Index(list(categories))
    problems = []
    repeated = declared[declared.duplicated()].unique()
    if len(repeated):
        problems.append(f"categories= lists {', '.join(map(repr, repeated))} more than once; give each category once")
    unknown = observed[~observed.isin(declared)]
    if len(unknown):
        problems.append(f"the column {value!r} holds {', '.join(map(repr, unknown))} outside the declared categories "
                        f"[{', '.join(map(repr, declared))}]; add them to categories= or correct those ratings")
    if problems:
        raise ValueError("; ".join(problems))
    return declared


def _category_counts(r: Ratings, cats: pd.Index) -> np.ndarray:
    """Units × categories counts of votes."""
    counts = np.zeros((r.n_units, len(cats)))
    np.add.at(counts, (r.unit, cats.get_indexer(r.value)), 1)
    return counts


def _weights(categories: pd.Index, kind: str) -> np.ndarray:
    """Agreement weights between the categories, in their order (Gwet 2014, ch. 3; irrCAC's
    identity/linear/quadratic/ordinal.weights): linear and quadratic on the category values,
    ordinal on their ranks 1..q."""
    q = len(categories)
    if kind == "identity":
        return np.eye(q)
    if kind == "ordinal":
        steps = np.abs(np.subtract.outer(np.arange(q), np.arange(q))) + 1  # n_kl = |k - l| + 1
        pairs = steps * (steps - 1) / 2  # C(n_kl, 2): the pairs of categories from k to l
        return 1 - pairs / pairs.max()  # pairs.max() = C(q, 2), q >= 2 here
    x = np.asarray(categories, dtype=float)
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
    _check_weights(weights)
    r = ratings(data, unit, rater, value, numeric=weights in VALUE_WEIGHTS)
    cats = _categories(r.value, categories, value, weights)
    if weights in VALUE_WEIGHTS and not _is_numeric(cats.to_numpy()):
        raise ValueError(f"{weights} weights need numbers as categories; got {', '.join(map(repr, cats[:5]))}. "
                         "For labels in an order use weights='ordinal'")
    if r.n_raters < 2:
        return undefined(name, "fewer than two raters: agreement needs at least two", r.n_units, r.n_raters, len(r))
    counts = _category_counts(r, cats)
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
                 weights: Weights = "identity", categories: Sequence | None = None) -> AgreementResult:
    r"""Fleiss' kappa for many raters, with any number of ratings per unit; weighted on request.

    Parameters
    ----------
    data
        Long table, one row per unit × rater (missing ratings allowed).
    weights
        ``"identity"`` (Fleiss' kappa), or partial credit between ordered categories:
        ``"linear"``, ``"quadratic"`` (on the category values) or ``"ordinal"`` (on their
        ranks), as in :func:`gwet_ac2`.
    categories
        Every category of the scale, in its order (irrCAC's ``categ.labels``); by default
        the observed ones, sorted. A rating outside the list is an error.

    Notes
    -----
    With :math:`r_{ik}` the votes of unit i for category k, :math:`r_i = \sum_k r_{ik}`,
    agreement weights :math:`w_{kl}` (identity unless ``weights``) and
    :math:`r^*_{ik} = \sum_l w_{kl} r_{il}`,

    .. math:: p_a = \frac{1}{n'} \sum_{i: r_i \ge 2} \sum_k \frac{r_{ik}(r^*_{ik} - 1)}{r_i (r_i - 1)}, \quad
       \pi_k = \frac{1}{n} \sum_i \frac{r_{ik}}{r_i}, \quad p_e = \sum_{kl} w_{kl} \pi_k \pi_l, \quad
       \kappa = \frac{p_a - p_e}{1 - p_e}

    (n units with a rating, n′ of them with two or more). With identity weights and complete
    data this is Fleiss (1971); weighted, it is irrCAC's ``fleiss.kappa.raw(weights=)``.

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
    return _chance_corrected("fleiss_kappa", data, unit, rater, value, categories, weights,
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

    Parameters
    ----------
    data
        Long table, one row per unit × rater (missing ratings allowed).
    weights
        ``"identity"`` (AC1), ``"linear"`` or ``"quadratic"`` (on the category values, which
        must be numbers) or ``"ordinal"`` (on the categories' ranks only: for a scale whose
        steps have an order but no size, such as poor < fair < good).
    categories
        Every category of the scale, in its order (irrCAC's ``categ.labels``); by default the
        observed ones, sorted. It sets q, and with ordinal weights the ranks, so a category
        nobody used still counts. Labels with ordinal weights need it. A rating outside the
        list is an error.

    Notes
    -----
    With agreement weights :math:`w_{kl}` (identity; linear :math:`1 - |x_k - x_l| / (x_{max} - x_{min})`;
    quadratic :math:`1 - (x_k - x_l)^2 / (x_{max} - x_{min})^2`, on category values;
    ordinal :math:`1 - \binom{|k - l| + 1}{2} / \binom{q}{2}` on the ranks k, l = 1..q, i.e.
    one minus the share of the scale's pairs of categories that lie between k and l, both
    included), :math:`r^*_{ik} = \sum_l w_{kl} r_{il}`,
    :math:`p_a = \frac{1}{n'} \sum_{i: r_i \ge 2} \sum_k \frac{r_{ik}(r^*_{ik} - 1)}{r_i (r_i - 1)}`,
    :math:`p_e = \frac{T_w}{q (q - 1)} \sum_k \pi_k (1 - \pi_k)` with :math:`T_w = \sum_{kl} w_{kl}`.
    With identity weights AC2 is AC1. Ordinal weights use the order of the categories and
    nothing else: recoding 1, 2, 3 as 1, 4, 9 changes linear AC2, not ordinal AC2.

    References
    ----------
    Gwet (2014), *Handbook of Inter-Rater Reliability*, 4th ed., ch. 3 §3.5 (weights) and
    ch. 4–5 (and the R package irrCAC, ``gwet.ac1.raw`` with ``weights``, ``ordinal.weights``).

    Examples
    --------
    irrCAC's ``cac.raw4raters`` (12 units, 4 raters, categories 1–5; Gwet 2014, p. 120), whose
    ordinal AC2 the irrCAC tests give as 0.899 (p_a 0.968, p_e 0.685):

    >>> import numpy as np, pandas as pd
    >>> nan = np.nan
    >>> wide = [[1, 1, nan, 1], [2, 2, 3, 2], [3, 3, 3, 3], [3, 3, 3, 3], [2, 2, 2, 2], [1, 2, 3, 4],
    ...         [4, 4, 4, 4], [1, 1, 2, 1], [2, 2, 2, 2], [nan, 5, 5, 5], [nan, nan, 1, 1], [nan, nan, 3, nan]]
    >>> long = pd.DataFrame([(i, j, s) for i, row in enumerate(wide) for j, s in enumerate(row)],
    ...                     columns=["entry_id", "juror_id", "score"])
    >>> result = gwet_ac2(long, weights="ordinal")
    >>> round(result.details["pa"], 3), round(result.details["pe"], 3), round(result.estimate, 3)
    (0.968, 0.685, 0.899)
    """
    return _chance_corrected("gwet_ac2", data, unit, rater, value, categories, weights,
                             lambda pi, w, q: w.sum() * (pi * (1 - pi)).sum() / (q * (q - 1)))


def cohen_kappa(data: pd.DataFrame, *, unit: str = col.ENTRY_ID, rater: str = col.JUROR_ID, value: str = col.SCORE,
                weights: Literal["linear", "quadratic", "ordinal"] | None = None,
                categories: Sequence | None = None) -> AgreementResult:
    r"""Cohen's kappa for exactly two raters, unweighted or weighted.

    Parameters
    ----------
    data
        Long table, one row per unit × rater, with exactly two raters.
    weights
        ``None`` (Cohen 1960), ``"linear"`` or ``"quadratic"`` (Cohen 1968), or ``"ordinal"``
        (irrCAC's ordinal weights, as in :func:`gwet_ac2`).
    categories
        Every category of the scale, in its order. The weights then count steps along this
        list, so a category neither rater used still counts as a step (irrCAC's convention:
        ``kappa2.table``, ``cohen.kappa.raw(categ.labels=)``; scikit-learn's ``labels=``). By
        default the steps are along the categories either rater used, sorted (R irr's
        ``kappa2``; scikit-learn without ``labels``). A rating outside the list is an error.

    Notes
    -----
    On the units both raters rated (others are counted in ``details["units_dropped"]``),
    with the q × q table of proportions :math:`p_{ij}`, its margins, and disagreement
    weights :math:`v_{ij}` (``None``: :math:`[i \ne j]`; linear :math:`|i - j|`; quadratic
    :math:`(i - j)^2`; ordinal :math:`\binom{|i - j| + 1}{2}`, on the positions i, j of the
    categories: in ``categories`` when given, else among the sorted categories either rater
    used; kappa is the same for any multiple of the weights, so these equal irrCAC's
    agreement weights :math:`1 - v_{ij} / \max v`):

    .. math:: \kappa = 1 - \frac{\sum_{ij} v_{ij} p_{ij}}{\sum_{ij} v_{ij} p_{i\cdot} p_{\cdot j}}

    An unused category between two used ones makes them two steps apart instead of one, so
    a weighted kappa depends on the declared scale: declare it when the scale is known.
    Positions equal values on a scale of equally spaced numbers such as 1–10, where irrCAC's
    value-based weights give the same kappa.

    Reading: Landis & Koch (1977) bands.

    References
    ----------
    Cohen, J. (1960). A coefficient of agreement for nominal scales. *Educational and
    Psychological Measurement* 20(1), 37–46. Cohen, J. (1968). Weighted kappa.
    *Psychological Bulletin* 70(4), 213–220. Gwet, K. L. (2014). *Handbook of Inter-Rater
    Reliability*, 4th ed., ch. 3 (weights over the declared categories).

    Examples
    --------
    >>> import pandas as pd
    >>> two = pd.DataFrame({"entry_id": [1, 2, 3, 4] * 2, "juror_id": ["a"] * 4 + ["b"] * 4,
    ...                     "score": [1, 2, 3, 3, 1, 2, 3, 2]})
    >>> round(cohen_kappa(two).estimate, 4)
    0.6364

    On a declared 1–5 scale (scikit-learn's ``cohen_kappa_score(a, b, labels=[1, 2, 3, 4, 5],
    weights="linear")`` gives the same), the unused 4 and 5 change nothing here: they lie
    outside the used range, so no two used categories move apart.

    >>> round(cohen_kappa(two, weights="linear", categories=[1, 2, 3, 4, 5]).estimate, 4)
    0.7143
    """
    if weights not in (None, "linear", "quadratic", "ordinal"):
        raise ValueError(f"weights must be None, 'linear', 'quadratic' or 'ordinal'; got {weights!r}")
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
    declared = _categories(r.value, categories, value, "identity") if categories is not None else None
    if len(a) == 0:
        return undefined("cohen_kappa", "the two raters have no unit in common", r.n_units, 2, len(r), details=details)
    cats = declared if declared is not None else pd.Index(pd.unique(np.concatenate([a, b]))).sort_values()
    q = len(cats)
    table = np.zeros((q, q))
    np.add.at(table, (cats.get_indexer(a), cats.get_indexer(b)), 1)
    table /= table.sum()
    expected = np.outer(table.sum(axis=1), table.sum(axis=0))
    index = np.arange(q)
    distance = np.abs(index[:, None] - index[None, :]).astype(float)
    v = {None: (distance > 0).astype(float), "linear": distance, "quadratic": distance**2,
         "ordinal": distance * (distance + 1) / 2}[weights]
    denominator = float((v * expected).sum())
    if denominator == 0:
        return undefined("cohen_kappa", "both raters used a single category: kappa is undefined",
                         len(a), 2, 2 * len(a), details=details)
    estimate = 1 - float((v * table).sum()) / denominator
    return AgreementResult("cohen_kappa" if weights is None else f"cohen_kappa_{weights}", estimate, len(a), 2,
                           2 * len(a), band=band(estimate, KAPPA_BANDS), details=details)
