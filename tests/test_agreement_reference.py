"""Reference tests for ``analytics.stats.agreement``: published worked examples and peer libraries.

Every reference number below names its source next to it, with a tolerance matching the
precision the source prints (a value printed as 0.743 is checked to ``abs=5e-4``; a peer
library that computes the same formula is checked to ``1e-9``).

Sources (full citations; the short names are used in the comments):

* [K2011] Krippendorff, K. (2011). *Computing Krippendorff's Alpha-Reliability*. Annenberg
  School for Communication, Departmental Papers 43 (https://repository.upenn.edu/asc_papers/43).
  Section C, 4 observers x 12 units with missing values: alpha = .743 (nominal); the same data
  give .815 (ordinal), .849 (interval), .797 (ratio). The same data and four values are
  reproduced by R ``irr::kripp.alpha`` (as asserted in the ``sophiedkk/pyirr`` tests,
  tests/test_kripp_alpha.py) and, for ordinal/ratio, by the ``krippendorff`` package doctest.
* [WIKI-ALPHA] Wikipedia, "Krippendorff's alpha", section "A computational example": 3 coders
  x 15 units, nominal alpha = 0.691; the interval value 0.810845 is the ``krippendorff``
  package doctest for the same data (fast-krippendorff, krippendorff/krippendorff.py).
* [SF1979] Shrout, P. E. & Fleiss, J. L. (1979). Intraclass correlations: uses in assessing
  rater reliability. *Psychological Bulletin* 86(2), 420-428. Table 2: 4 judges x 6 targets.
  Worked-example estimates ICC(1,1)=.17, ICC(2,1)=.29, ICC(3,1)=.71, ICC(1,4)=.44,
  ICC(2,4)=.62, ICC(3,4)=.91. The 95% intervals, F, df and p of R ``psych::ICC`` on the same
  data are those asserted in pingouin's tests/test_reliability.py::test_intraclass_corr.
* [IRR] R package ``irr`` (Gamer et al.) on its ``anxiety`` (20 subjects x 3 raters) and
  ``diagnoses`` (Fleiss 1971, 30 patients x 6 psychiatrists) data sets, as printed in the
  statsmodels tests (statsmodels/stats/tests/test_inter_rater.py: ``kappam.fleiss(diagnoses)``
  = 0.4302445; ``kappa2(anxiety[,2:3], ...)``) and in the ``sophiedkk/pyirr`` tests
  (``kendall(anxiety, TRUE)``, ``icc(anxiety, "twoway", "agreement")``, ``kappa2``).
* [F1971] Fleiss, J. L. (1971). Measuring nominal scale agreement among many raters.
  *Psychological Bulletin* 76(5), 378-382: kappa = .430 on the 30 x 6 diagnoses data.
* [WIKI-FLEISS] Wikipedia, "Fleiss' kappa", worked example: 10 subjects, 14 raters,
  5 categories, kappa = 0.210 (the table is also statsmodels' ``table1`` test fixture).
* [IRRCAC] Gwet, K. L. (2014). *Handbook of Inter-Rater Reliability*, 4th ed., and its R
  package ``irrCAC`` (github.com/kgwet/irrCAC): README.md output for ``cac.raw4raters``
  (``gwet.ac1.raw``, ``fleiss.kappa.raw``, ``krippen.alpha.raw``) and for
  ``distrib.6raters`` (``gwet.ac1.dist``, ``fleiss.kappa.dist``); vignettes/weighting.html for
  the quadratic-weighted AC2. Linear-weighted AC2 on ``cac.raw4raters`` printed to 3 decimals
  in the Python port's tests (afergadis/irrCAC test/unit/irrCAC/raw/test_gwet.py).
* [IRRCAC-PY] The Python port of ``irrCAC`` (github.com/afergadis/irrCAC), whose tests assert
  the R package's output on ``cac.raw4raters`` to 3 decimals: test/unit/irrCAC/raw/test_gwet.py
  (``weights='ordinal'``: pa 0.968, pe 0.685, AC2 0.899), test/unit/irrCAC/raw/test_fleiss.py
  (``weights='ordinal'``: pa 0.968, pe 0.788, kappa 0.850; ``'linear'``: 0.939, 0.667, 0.818;
  ``'quadratic'``: 0.975, 0.818, 0.865), and test/unit/irrCAC/weights/test_weights.py
  (``ordinal.weights(1:3)`` = [[1, .667, 0], [.667, 1, .667], [0, .667, 1]], 3 decimals), and
  test/unit/irrCAC/table/test_cohen.py (``kappa2.table`` on ``cont3x3abstractors`` and
  ``cont4x4diagnosis``, whose counts are irrCAC's inst/extdata/*.csv, for every weighting).
  irrCAC's ``ordinal.weights`` (R/weights.gen.r): with n_kl = |k - l| + 1 on the category
  ranks 1..q, w_kl = 1 - C(n_kl, 2) / max C(n_kl, 2) = 1 - C(|k - l| + 1, 2) / C(q, 2).

Peers used at full precision: ``krippendorff`` 0.9, ``pingouin`` 0.7 (``intraclass_corr``,
``friedman``), ``statsmodels`` (``fleiss_kappa``, ``cohens_kappa``), ``scikit-learn``
(``cohen_kappa_score``) and ``scipy.stats`` (``friedmanchisquare``, ``spearmanr``,
``kendalltau``). Where a peer refuses or is wrong on incomplete data, a test documents that
next to ours (``test_peer_*``).
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import warnings

import krippendorff
import numpy as np
import pandas as pd
import pingouin as pg
import pytest
import scipy.stats
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import aggregate_raters, cohens_kappa, fleiss_kappa, to_table

from analytics.stats import agreement
from analytics.stats.agreement import alpha as alpha_module

NAN = np.nan
LEVELS = ("nominal", "ordinal", "interval", "ratio")
FORMS = ("ICC1", "ICC2", "ICC3", "ICC1k", "ICC2k", "ICC3k")
#: pingouin.intraclass_corr names the same six forms, in the same order.
PINGOUIN_FORMS = ("ICC(1,1)", "ICC(A,1)", "ICC(C,1)", "ICC(1,k)", "ICC(A,k)", "ICC(C,k)")
PEER = 1e-9


# ---------------------------------------------------------------------------------------------
# Published data sets (copied tables; sources in the module docstring)
# ---------------------------------------------------------------------------------------------

#: [K2011] section C: rows are observers A-D, columns units 1-12; NaN = not coded.
KRIPPENDORFF_2011 = np.array([
    [1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],
    [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN],
])

#: [WIKI-ALPHA]: rows are coders A-C, columns units 1-15.
WIKIPEDIA_ALPHA = np.array([
    [NAN, NAN, NAN, NAN, NAN, 3, 4, 1, 2, 1, 1, 3, 3, NAN, 3],
    [1, NAN, 2, 1, 3, 3, 4, 3, NAN, NAN, NAN, NAN, NAN, NAN, NAN],
    [NAN, NAN, 2, 1, 3, 4, 4, NAN, 2, 1, 1, 3, 3, NAN, 4],
])

#: [SF1979] Table 2: rows are targets 1-6, columns judges 1-4.
SHROUT_FLEISS = np.array([
    [9, 2, 5, 8],
    [6, 1, 3, 2],
    [8, 4, 6, 8],
    [7, 1, 2, 6],
    [10, 5, 6, 9],
    [6, 2, 4, 7],
], dtype=float)

#: [F1971] / R irr ``diagnoses``: 30 patients x 6 raters, categories 1-5 (statsmodels test copy).
FLEISS_DIAGNOSES = np.array([
    [4, 4, 4, 4, 4, 4], [2, 2, 2, 5, 5, 5], [2, 3, 3, 3, 3, 5], [5, 5, 5, 5, 5, 5],
    [2, 2, 2, 4, 4, 4], [1, 1, 3, 3, 3, 3], [3, 3, 3, 3, 5, 5], [1, 1, 3, 3, 3, 4],
    [1, 1, 4, 4, 4, 4], [5, 5, 5, 5, 5, 5], [1, 4, 4, 4, 4, 4], [1, 2, 4, 4, 4, 4],
    [2, 2, 2, 3, 3, 3], [1, 4, 4, 4, 4, 4], [2, 2, 4, 4, 4, 5], [3, 3, 3, 3, 3, 5],
    [1, 1, 1, 4, 5, 5], [1, 1, 1, 1, 1, 2], [2, 2, 4, 4, 4, 4], [1, 3, 3, 5, 5, 5],
    [5, 5, 5, 5, 5, 5], [2, 4, 4, 4, 4, 4], [2, 2, 4, 5, 5, 5], [1, 1, 4, 4, 4, 4],
    [1, 4, 4, 4, 4, 5], [2, 2, 2, 2, 2, 4], [1, 1, 1, 1, 5, 5], [2, 2, 4, 4, 4, 4],
    [1, 3, 3, 3, 3, 3], [5, 5, 5, 5, 5, 5],
], dtype=float)

#: [WIKI-FLEISS]: for each of 10 subjects, how many of the 14 raters chose categories 1-5.
WIKIPEDIA_FLEISS_COUNTS = np.array([
    [0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7],
])

#: [IRRCAC] ``cac.raw4raters`` (README.md printout): rows subjects 1-12, columns Rater1-Rater4.
#: Gwet (2014) p. 120. Note: it is [K2011]'s data except that the lone rating of unit 12 is
#: by Rater3 here (Observer B in [K2011]); a lone rating is not pairable, so alpha is the same.
IRRCAC_RAW4RATERS = np.array([
    [1, 1, NAN, 1], [2, 2, 3, 2], [3, 3, 3, 3], [3, 3, 3, 3], [2, 2, 2, 2], [1, 2, 3, 4],
    [4, 4, 4, 4], [1, 1, 2, 1], [2, 2, 2, 2], [NAN, 5, 5, 5], [NAN, NAN, 1, 1], [NAN, NAN, 3, NAN],
])

#: [IRRCAC] ``distrib.6raters`` (Fleiss 1971 subset): 15 patients, counts of 6 raters over the
#: categories Depression, Personality Disorder, Schizophrenia, Neurosis, Other (coded 1-5, the
#: ``1:q`` irrCAC uses to build its quadratic weights).
IRRCAC_DISTRIB_6RATERS = np.array([
    [0, 0, 0, 6, 0], [0, 3, 0, 0, 3], [0, 1, 4, 0, 1], [0, 0, 0, 0, 6], [0, 3, 0, 3, 0],
    [2, 0, 4, 0, 0], [0, 0, 4, 0, 2], [2, 0, 3, 1, 0], [2, 0, 0, 4, 0], [0, 0, 0, 0, 6],
    [1, 0, 0, 5, 0], [1, 1, 0, 4, 0], [0, 3, 3, 0, 0], [1, 0, 0, 5, 0], [0, 2, 0, 3, 1],
])

#: [IRR] ``anxiety``: 20 subjects x 3 raters (also printed in the DescTools KendallW example).
ANXIETY = np.array([
    [3, 3, 2], [3, 6, 1], [3, 4, 4], [4, 6, 4], [5, 2, 3], [5, 4, 2], [2, 2, 1], [3, 4, 6],
    [5, 3, 1], [2, 3, 1], [2, 2, 1], [6, 3, 2], [1, 3, 3], [5, 3, 3], [2, 2, 1], [2, 2, 1],
    [1, 1, 3], [2, 3, 3], [4, 3, 2], [3, 4, 2],
], dtype=float)


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------

def long_table(wide, *, drop_missing: bool = False, unit: str = "entry_id", rater: str = "juror_id",
               value: str = "score") -> pd.DataFrame:
    """A units x raters matrix (NaN = not rated) as the long table the API takes.

    Units are named E01, E02, ... and raters J1, J2, ...; with ``drop_missing`` the NaN cells
    are left out instead of appearing as rows with a NaN score (both mean "not rated").
    """
    wide = np.asarray(wide, dtype=float)
    rows = [(f"E{i + 1:02d}", f"J{j + 1}", wide[i, j]) for i in range(wide.shape[0]) for j in range(wide.shape[1])]
    frame = pd.DataFrame(rows, columns=[unit, rater, value])
    return frame.dropna(subset=[value]).reset_index(drop=True) if drop_missing else frame


def wide_from_counts(counts, categories=None) -> np.ndarray:
    """A subjects x categories count table as a units x raters matrix (rater j gives the j-th
    rating of the unit; NaN-padded when units have different numbers of ratings)."""
    counts = np.asarray(counts, dtype=int)
    categories = np.arange(1, counts.shape[1] + 1) if categories is None else np.asarray(categories)
    width = counts.sum(axis=1).max()
    wide = np.full((counts.shape[0], width), NAN)
    for i, row in enumerate(counts):
        values = np.repeat(categories, row)
        wide[i, : len(values)] = values
    return wide


def random_scores(seed: int, n_units: int = 40, n_raters: int = 7, missing: float = 0.0,
                  structured: bool = True) -> np.ndarray:
    """Seeded integer scores 1-10, units x raters, with a fraction ``missing`` set to NaN.

    ``structured`` scores carry a unit effect and a rater (severity) effect, so that the
    agreement statistics are far from 0; otherwise the scores are uniform noise.
    """
    rng = np.random.default_rng(seed)
    if structured:
        raw = (5.5 + rng.normal(0, 2.0, (n_units, 1)) + rng.normal(0, 1.0, (1, n_raters))
               + rng.normal(0, 1.3, (n_units, n_raters)))
        scores = np.clip(np.rint(raw), 1, 10)
    else:
        scores = rng.integers(1, 11, size=(n_units, n_raters)).astype(float)
    if missing:
        scores[rng.random(scores.shape) < missing] = NAN
    return scores


def same_number(ours: float, expected: float, tol: float = PEER) -> bool:
    """Equal within ``tol``, counting NaN == NaN."""
    if math.isnan(expected):
        return math.isnan(ours)
    return ours == pytest.approx(expected, abs=tol)


@pytest.fixture
def pingouin_full_precision():
    """pingouin rounds ``CI95`` to 2 decimals by default (``pg.options['round.column.CI95'] == 2``);
    lift that documented option for the duration of a test so the intervals compare at 1e-9."""
    saved = dict(pg.options)
    pg.options["round.column.CI95"] = None
    yield
    pg.options.clear()
    pg.options.update(saved)


def pingouin_icc(wide) -> pd.DataFrame:
    frame = long_table(wide, unit="t", rater="r", value="y")
    return pg.intraclass_corr(data=frame, targets="t", raters="r", ratings="y")


def icc_row(result, form: str) -> pd.Series:
    table = result.table
    rows = table.loc[table["form"] == form]
    assert len(rows) == 1, f"form {form} appears {len(rows)} times in the table"
    return rows.iloc[0]


def henderson_iii(wide) -> dict[str, float]:
    """Variance components of y = mu + unit + rater + e by Henderson's method III (fitting
    constants; Searle, Casella & McCulloch 1992, *Variance Components*, ch. 5), written
    independently with dense projections: R(unit | rater), R(rater | unit) and the residual
    sum of squares, each equated to its expectation."""
    wide = np.asarray(wide, dtype=float)
    i, j = np.nonzero(~np.isnan(wide))
    y = wide[i, j]
    n_obs = len(y)
    z_unit = np.eye(wide.shape[0])[i]
    z_rater = np.eye(wide.shape[1])[j]
    z_unit = z_unit[:, z_unit.sum(0) > 0]
    z_rater = z_rater[:, z_rater.sum(0) > 0]

    def projection(x):
        return x @ np.linalg.pinv(x)

    p_full = projection(np.hstack([z_unit, z_rater]))
    p_unit, p_rater = projection(z_unit), projection(z_rater)
    rank_full = np.linalg.matrix_rank(np.hstack([z_unit, z_rater]))
    df_error = n_obs - rank_full
    sse = y @ y - y @ p_full @ y
    error = sse / df_error
    r_rater_given_unit = y @ (p_full - p_unit) @ y
    r_unit_given_rater = y @ (p_full - p_rater) @ y
    # E[R(rater | unit)] = df * s2_e + tr(Z_r' (P_full - P_unit) Z_r) * s2_rater, and likewise.
    coef_rater = np.trace(z_rater.T @ (p_full - p_unit) @ z_rater)
    coef_unit = np.trace(z_unit.T @ (p_full - p_rater) @ z_unit)
    df_rater = rank_full - np.linalg.matrix_rank(z_unit)
    df_unit = rank_full - np.linalg.matrix_rank(z_rater)
    rater = (r_rater_given_unit - df_rater * error) / coef_rater
    unit = (r_unit_given_rater - df_unit * error) / coef_unit
    return {"unit": unit, "rater": rater, "error": error}


def irrcac_reference(wide, *, kind: str, weights: str = "identity", categories=None) -> tuple[float, float, float]:
    """(pa, pe, coefficient) of Fleiss' kappa (``kind="fleiss"``) or Gwet's AC1/AC2
    (``kind="gwet"``) for raw ratings with missing values, following Gwet (2014) as coded in
    irrCAC's ``fleiss.kappa.raw`` / ``gwet.ac1.raw``:

    * r_ik = raters who put unit i in category k, r_i = ratings of unit i, r*_ik = sum_l w_kl r_il;
    * pa averages sum_k r_ik (r*_ik - 1) / (r_i (r_i - 1)) over the units with r_i >= 2;
    * pi_k averages r_ik / r_i over every unit with a rating (lone ratings count here);
    * Fleiss: pe = sum_kl w_kl pi_k pi_l; Gwet: pe = sum(w) / (q (q - 1)) * sum_k pi_k (1 - pi_k).

    Weights on category values: linear 1 - |c_k - c_l| / (max - min), quadratic
    1 - (c_k - c_l)^2 / (max - min)^2 (irrCAC ``linear.weights``/``quadratic.weights``);
    ordinal on category ranks 1..q: 1 - C(|k - l| + 1, 2) / C(q, 2) (irrCAC ``ordinal.weights``,
    written here with ``math.comb`` entry by entry, as the R function loops).
    """
    wide = np.asarray(wide, dtype=float)
    observed = np.unique(wide[~np.isnan(wide)])
    cats = observed if categories is None else np.asarray(sorted(categories), dtype=float)
    q = len(cats)
    diff = np.subtract.outer(cats, cats)
    span = cats.max() - cats.min()
    ordinal = np.array([[1 - math.comb(abs(k - l) + 1, 2) / math.comb(q, 2) for l in range(q)] for k in range(q)])
    w = {"identity": np.eye(q), "linear": 1 - np.abs(diff) / span, "quadratic": 1 - diff**2 / span**2,
         "ordinal": ordinal}[weights]
    counts = np.stack([(wide == c).sum(axis=1) for c in cats], axis=1).astype(float)
    counts = counts[counts.sum(axis=1) > 0]
    r_i = counts.sum(axis=1)
    weighted = counts @ w.T
    pairable = r_i >= 2
    per_unit = (counts * (weighted - 1)).sum(axis=1)
    pa = float(np.mean(per_unit[pairable] / (r_i[pairable] * (r_i[pairable] - 1))))
    pi = (counts / r_i[:, None]).mean(axis=0)
    if kind == "fleiss":
        pe = float(pi @ w @ pi)
    else:
        pe = float(w.sum() / (q * (q - 1)) * np.sum(pi * (1 - pi)))
    return pa, pe, (pa - pe) / (1 - pe)


def kendall_w_formula(wide, *, correct_ties: bool) -> float:
    """Kendall's W (Kendall & Babington Smith 1939; tie correction of Kendall 1948):
    W = 12 S / (m^2 (n^3 - n) - m T), T = sum over raters and tie groups of (t^3 - t)."""
    wide = np.asarray(wide, dtype=float)
    n, m = wide.shape
    ranks = np.column_stack([scipy.stats.rankdata(wide[:, j]) for j in range(m)])
    s = float(((ranks.sum(axis=1) - m * (n + 1) / 2) ** 2).sum())
    t = 0.0
    if correct_ties:
        for j in range(m):
            _, tie = np.unique(wide[:, j], return_counts=True)
            t += float((tie**3 - tie).sum())
    return 12 * s / (m**2 * (n**3 - n) - m * t)


# ---------------------------------------------------------------------------------------------
# Krippendorff's alpha
# ---------------------------------------------------------------------------------------------

#: [K2011]: alpha for the 4 x 12 example, printed to 3 decimals.
K2011_PUBLISHED = {"nominal": 0.743, "ordinal": 0.815, "interval": 0.849, "ratio": 0.797}


@pytest.mark.parametrize("level", LEVELS)
def test_alpha_krippendorff_2011_published(level):
    result = agreement.krippendorff_alpha(long_table(KRIPPENDORFF_2011.T), level=level)
    # [K2011] section C (and irr::kripp.alpha on the same data), printed to 3 decimals.
    assert result.estimate == pytest.approx(K2011_PUBLISHED[level], abs=5e-4)


@pytest.mark.parametrize("level", LEVELS)
def test_alpha_krippendorff_2011_against_krippendorff_package(level):
    ours = agreement.krippendorff_alpha(long_table(KRIPPENDORFF_2011.T), level=level).estimate
    # Peer: krippendorff.alpha(reliability_data=<observers x units>, level_of_measurement=level)
    peer = krippendorff.alpha(reliability_data=KRIPPENDORFF_2011, level_of_measurement=level)
    assert ours == pytest.approx(peer, abs=PEER)


def test_alpha_krippendorff_2011_nominal_exact_and_in_irrcac():
    ours = agreement.krippendorff_alpha(long_table(KRIPPENDORFF_2011.T), level="nominal").estimate
    # [K2011] nominal, exactly: n = 40 pairable values, off-diagonal coincidences sum to 8,
    # sum_{c != k} n_c n_k = 1216, alpha = 1 - (n - 1) * 8 / 1216 = 113/152 = 0.7434210526...
    assert ours == pytest.approx(113 / 152, abs=PEER)
    # [IRRCAC] README: krippen.alpha.raw(cac.raw4raters) coeff.val 0.74342 (5 decimals). The
    # lone rating of unit 12 moves to another rater there; alpha ignores unpairable units.
    irrcac = agreement.krippendorff_alpha(long_table(IRRCAC_RAW4RATERS), level="nominal").estimate
    assert irrcac == pytest.approx(0.74342, abs=5e-6)
    assert irrcac == pytest.approx(ours, abs=PEER)


def test_alpha_wikipedia_example_published():
    data = long_table(WIKIPEDIA_ALPHA.T)
    # [WIKI-ALPHA]: nominal alpha = 0.691 (3 decimals).
    assert agreement.krippendorff_alpha(data, level="nominal").estimate == pytest.approx(0.691, abs=5e-4)
    # krippendorff package doctest for the same data: interval 0.810845 (6 decimals).
    assert agreement.krippendorff_alpha(data, level="interval").estimate == pytest.approx(0.810845, abs=5e-7)


@pytest.mark.parametrize("level", LEVELS)
def test_alpha_wikipedia_example_against_krippendorff_package(level):
    ours = agreement.krippendorff_alpha(long_table(WIKIPEDIA_ALPHA.T), level=level).estimate
    # Peer: krippendorff.alpha(reliability_data=<coders x units>, level_of_measurement=level)
    peer = krippendorff.alpha(reliability_data=WIKIPEDIA_ALPHA, level_of_measurement=level)
    assert ours == pytest.approx(peer, abs=PEER)


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("missing", [0.0, 0.3])
@pytest.mark.parametrize("structured", [True, False])
@pytest.mark.parametrize("level", LEVELS)
def test_alpha_random_against_krippendorff_package(seed, missing, structured, level):
    wide = random_scores(seed, missing=missing, structured=structured)
    ours = agreement.krippendorff_alpha(long_table(wide), level=level).estimate
    # Peer: krippendorff.alpha(reliability_data=<raters x units>, level_of_measurement=level)
    peer = krippendorff.alpha(reliability_data=wide.T, level_of_measurement=level)
    assert ours == pytest.approx(peer, abs=PEER)


@pytest.mark.parametrize("seed", [0, 1])
def test_ordinal_alpha_with_many_categories_against_krippendorff_package(seed):
    """A weighted total in quarter points has a hundred or more distinct values (categories of
    the ordinal metric): the estimate still equals the peer's."""
    rng = np.random.default_rng(seed)
    wide = np.round((rng.uniform(0, 50, (12, 1)) + rng.normal(0, 2, (12, 9))) * 4) / 4  # 12 units × 9 raters, quarter points
    wide[rng.random(wide.shape) < 0.1] = NAN
    assert len(np.unique(wide[~np.isnan(wide)])) >= 60
    ours = agreement.krippendorff_alpha(long_table(wide), level="ordinal").estimate
    # Peer: krippendorff.alpha(reliability_data=<raters x units>, level_of_measurement="ordinal")
    peer = krippendorff.alpha(reliability_data=wide.T, level_of_measurement="ordinal")
    assert ours == pytest.approx(peer, abs=PEER)


@pytest.mark.parametrize("seed", [0, 1])
def test_ordinal_bootstrap_sums_equal_the_coincidence_matrices(seed):
    """Independent computation: each resample's coincidence matrix formed from its definition
    (Krippendorff 2011, eq. 2: o_ck = sum over units of w_u (n_uc n_uk - [c = k] n_uc) / (m_u - 1))
    and mid' C mid taken from it, against ``alpha._mid_coincidences_mid``'s per-unit sums."""
    rng = np.random.default_rng(seed)
    wide = rng.integers(1, 8, (15, 5)).astype(float)
    wide[rng.random(wide.shape) < 0.2] = NAN
    parts = alpha_module._parts(agreement.longdata.ratings(long_table(wide), "entry_id", "juror_id", "score"), "ordinal")
    w = next(agreement.longdata.resample_weights(np.random.default_rng(seed), len(parts.m), 50))
    counts = parts.counts.toarray()  # units × categories
    nc = w @ counts
    mid = np.cumsum(nc, axis=1) - nc / 2
    per_unit = (counts[:, :, None] * counts[:, None, :] - counts[:, :, None] * np.eye(counts.shape[1])) / (parts.m - 1)[:, None, None]
    coincidences = np.einsum("bu,uck->bck", w, per_unit)
    expected = np.einsum("bc,bck,bk->b", mid, coincidences, mid)
    np.testing.assert_allclose(alpha_module._mid_coincidences_mid(parts, w, mid), expected, rtol=1e-12)


@pytest.mark.parametrize("seed", range(6))
def test_alpha_without_each_rater_equals_alpha_on_the_rest(seed):
    """Independent computation: ``krippendorff_alpha`` on the ratings without each rater in
    turn, against ``alpha.interval_alpha_without_each`` (all raters at once); random designs
    with missing ratings, units rated once, a rater whose removal leaves one value throughout,
    and panels of three (two left)."""
    rng = np.random.default_rng(seed)
    n_units, n_raters = rng.integers(3, 15), rng.integers(3, 7)
    wide = rng.integers(1, 6, (n_units, n_raters)).astype(float)
    wide[rng.random(wide.shape) < 0.3] = NAN
    if seed == 0:  # without rater 0 every rating is 3: undefined
        wide[:, 1:] = 3.0
    frame = long_table(wide, drop_missing=True)
    r = agreement.longdata.ratings(frame, "entry_id", "juror_id", "score")
    ours = alpha_module.interval_alpha_without_each(r)
    loop = [agreement.krippendorff_alpha(frame[frame["juror_id"] != juror]).estimate for juror in r.raters]
    np.testing.assert_allclose(ours, loop, rtol=1e-12, atol=1e-12, equal_nan=True)
    if seed == 0:
        assert np.isnan(ours[list(r.raters).index("J1")])


def test_alpha_missing_rows_equal_absent_rows():
    wide = random_scores(5, missing=0.3)
    for level in LEVELS:
        with_nan = agreement.krippendorff_alpha(long_table(wide), level=level).estimate
        absent = agreement.krippendorff_alpha(long_table(wide, drop_missing=True), level=level).estimate
        assert with_nan == pytest.approx(absent, abs=1e-12)


def test_alpha_ignores_units_rated_once():
    """Units with one rating are not pairable (K2011): adding some changes nothing."""
    wide = random_scores(6, n_units=20, missing=0.2)
    extra = np.full((5, wide.shape[1]), NAN)
    extra[np.arange(5), np.arange(5)] = [1, 10, 3, 7, 5]
    for level in LEVELS:
        base = agreement.krippendorff_alpha(long_table(wide), level=level).estimate
        more = agreement.krippendorff_alpha(long_table(np.vstack([wide, extra])), level=level).estimate
        assert more == pytest.approx(base, abs=1e-12)


def test_alpha_custom_column_names():
    frame = long_table(KRIPPENDORFF_2011.T, unit="u", rater="r", value="v")
    result = agreement.krippendorff_alpha(frame, unit="u", rater="r", value="v", level="nominal")
    assert result.estimate == pytest.approx(113 / 152, abs=PEER)


def test_alpha_bootstrap_needs_seed_and_is_reproducible():
    data = long_table(random_scores(3, missing=0.2))
    with pytest.raises(ValueError):
        agreement.krippendorff_alpha(data, n_boot=200)
    first = agreement.krippendorff_alpha(data, n_boot=300, random_state=11)
    again = agreement.krippendorff_alpha(data, n_boot=300, random_state=11)
    assert (first.ci_low, first.ci_high) == (again.ci_low, again.ci_high)
    assert first.ci_low <= first.ci_high
    assert first.ci_low <= first.estimate + 0.05 and first.estimate - 0.05 <= first.ci_high
    plain = agreement.krippendorff_alpha(data)
    assert math.isnan(plain.ci_low) and math.isnan(plain.ci_high)
    assert plain.estimate == pytest.approx(first.estimate, abs=1e-12)


# ---------------------------------------------------------------------------------------------
# Intraclass correlation
# ---------------------------------------------------------------------------------------------

#: [SF1979]: the six estimates, printed to 2 decimals.
SF1979_ESTIMATES = {"ICC1": 0.17, "ICC2": 0.29, "ICC3": 0.71, "ICC1k": 0.44, "ICC2k": 0.62, "ICC3k": 0.91}
#: R psych::ICC on [SF1979] Table 2, as asserted in pingouin tests/test_reliability.py (2 decimals).
PSYCH_CI_LOW = {"ICC1": -0.13, "ICC2": 0.02, "ICC3": 0.34, "ICC1k": -0.88, "ICC2k": 0.07, "ICC3k": 0.68}
PSYCH_CI_HIGH = {"ICC1": 0.72, "ICC2": 0.76, "ICC3": 0.95, "ICC1k": 0.91, "ICC2k": 0.93, "ICC3k": 0.99}
#: Same source: F to 1 decimal, df exact, p written to 5 decimals but asserted with decimal=4.
PSYCH_F = {"ICC1": 1.8, "ICC2": 11.0, "ICC3": 11.0, "ICC1k": 1.8, "ICC2k": 11.0, "ICC3k": 11.0}
PSYCH_DF2 = {"ICC1": 18, "ICC2": 15, "ICC3": 15, "ICC1k": 18, "ICC2k": 15, "ICC3k": 15}
PSYCH_P = {"ICC1": 0.16472, "ICC2": 0.00013, "ICC3": 0.00013, "ICC1k": 0.16472, "ICC2k": 0.00013, "ICC3k": 0.00013}


def test_icc_table_shape_and_order():
    result = agreement.icc(long_table(SHROUT_FLEISS))
    assert list(result.table["form"]) == list(FORMS)
    for column in ("estimate", "f", "df1", "df2", "p_value", "ci_low", "ci_high"):
        assert column in result.table.columns
    assert result.complete is True
    assert result.estimate == pytest.approx(icc_row(result, "ICC2")["estimate"], abs=0)


@pytest.mark.parametrize("form", FORMS)
def test_icc_shrout_fleiss_published(form):
    result = agreement.icc(long_table(SHROUT_FLEISS), form=form)
    row = icc_row(result, form)
    # [SF1979] worked example, 2 decimals.
    assert row["estimate"] == pytest.approx(SF1979_ESTIMATES[form], abs=5e-3)
    assert result.estimate == pytest.approx(row["estimate"], abs=0)
    # psych::ICC via pingouin's tests: CI to 2 decimals, F to 1 decimal.
    assert row["ci_low"] == pytest.approx(PSYCH_CI_LOW[form], abs=5e-3)
    assert row["ci_high"] == pytest.approx(PSYCH_CI_HIGH[form], abs=5e-3)
    assert row["f"] == pytest.approx(PSYCH_F[form], abs=5e-2)
    assert row["df1"] == 5
    assert row["df2"] == PSYCH_DF2[form]
    # The p-values are written with 5 decimals there but asserted only with decimal=4
    # (|diff| < 1.5e-4); 0.16472 is not the 5-dp rounding of the F-test p (0.164769), so the
    # precision that source vouches for is 1.5e-4.
    assert row["p_value"] == pytest.approx(PSYCH_P[form], abs=1.5e-4)


def test_icc_shrout_fleiss_against_pingouin(pingouin_full_precision):
    _compare_icc_with_pingouin(SHROUT_FLEISS)


def test_peer_pingouin_rounds_icc_intervals_to_two_decimals():
    """Documents pingouin's default: CI95 is rounded to 2 decimals (so a 1e-9 comparison needs
    ``pg.options['round.column.CI95'] = None``); the rounded values are psych's printout."""
    peer = pingouin_icc(SHROUT_FLEISS)
    lows = [float(ci[0]) for ci in peer["CI95"]]
    assert lows == [PSYCH_CI_LOW[f] for f in FORMS]
    ours = agreement.icc(long_table(SHROUT_FLEISS)).table
    assert not np.allclose(ours["ci_low"].to_numpy(), lows, atol=1e-9, rtol=0)
    assert np.allclose(ours["ci_low"].to_numpy(), lows, atol=5e-3, rtol=0)


def _compare_icc_with_pingouin(wide):
    ours = agreement.icc(long_table(wide)).table
    # Peer: pingouin.intraclass_corr(data, targets, raters, ratings), rows in the same order.
    peer = pingouin_icc(wide)
    assert list(peer["Type"]) == list(PINGOUIN_FORMS)
    for (_, mine), (_, theirs) in zip(ours.iterrows(), peer.iterrows(), strict=True):
        label = f"{mine['form']} vs {theirs['Type']}"
        assert same_number(mine["estimate"], theirs["ICC"]), label
        assert same_number(mine["f"], theirs["F"]), label
        assert mine["df1"] == theirs["df1"] and mine["df2"] == theirs["df2"], label
        assert same_number(mine["p_value"], theirs["pval"]), label
        assert same_number(mine["ci_low"], float(theirs["CI95"][0])), label
        assert same_number(mine["ci_high"], float(theirs["CI95"][1])), label


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
@pytest.mark.parametrize("structured", [True, False])
def test_icc_random_complete_against_pingouin(pingouin_full_precision, seed, structured):
    _compare_icc_with_pingouin(random_scores(seed, structured=structured))


def test_icc_anxiety_against_irr(pingouin_full_precision):
    result = agreement.icc(long_table(ANXIETY), form="ICC2")
    row = icc_row(result, "ICC2")
    # [IRR] icc(anxiety, model="twoway", type="agreement") (pyirr tests): 0.198, 95% CI
    # (-0.039, 0.494), 3 decimals. (irr's F test for agreement uses other df; not compared.)
    assert row["estimate"] == pytest.approx(0.198, abs=5e-4)
    assert row["ci_low"] == pytest.approx(-0.039, abs=5e-4)
    assert row["ci_high"] == pytest.approx(0.494, abs=5e-4)
    _compare_icc_with_pingouin(ANXIETY)


def test_icc_consistency_versus_agreement_irr_example():
    # [IRR] pyirr tests/test_icc.py, irr::icc(data, "twoway") consistency 0.695 and agreement
    # 0.108 (3 decimals) on 20 subjects x 3 raters with a large rater offset.
    row_1 = [5, 12, 11, 10, 9, 7, 5, 12, 12, 7, 12, 17, 15, 13, 6, 13, 20, 14, 13, 11]
    row_2 = [14, 22, 21, 19, 22, 16, 13, 24, 20, 19, 26, 22, 26, 18, 10, 26, 30, 22, 23, 23]
    row_3 = [27, 31, 29, 29, 32, 23, 29, 28, 30, 28, 31, 35, 34, 32, 30, 29, 39, 37, 33, 29]
    result = agreement.icc(long_table(np.array([row_1, row_2, row_3]).T))
    assert icc_row(result, "ICC3")["estimate"] == pytest.approx(0.695, abs=5e-4)
    assert icc_row(result, "ICC2")["estimate"] == pytest.approx(0.108, abs=5e-4)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_icc_incomplete_matches_henderson_iii(seed):
    """On an incomplete design ICC2 and ICC3 are ratios of Henderson III variance components
    (independent dense-matrix computation in ``henderson_iii``); intervals are NaN."""
    wide = random_scores(seed, missing=0.3)
    components = henderson_iii(wide)
    assert min(components.values()) > 0, "test data should give positive components"
    s2u, s2r, s2e = components["unit"], components["rater"], components["error"]
    result = agreement.icc(long_table(wide))
    assert result.complete is False
    assert icc_row(result, "ICC2")["estimate"] == pytest.approx(s2u / (s2u + s2r + s2e), abs=PEER)
    assert icc_row(result, "ICC3")["estimate"] == pytest.approx(s2u / (s2u + s2e), abs=PEER)
    assert result.table["ci_low"].isna().all() and result.table["ci_high"].isna().all()
    for form in FORMS:
        assert -1.0 <= icc_row(result, form)["estimate"] <= 1.0


@pytest.mark.parametrize("wide", [SHROUT_FLEISS, ANXIETY, random_scores(4)], ids=["sf1979", "anxiety", "random"])
def test_henderson_reference_reduces_to_anova_on_complete_data(wide):
    """Sanity check of the test's own reference: on complete data Henderson III gives the
    classical ICC2/ICC3, which are also ours."""
    c = henderson_iii(wide)
    result = agreement.icc(long_table(wide))
    expected_icc2 = c["unit"] / (c["unit"] + c["rater"] + c["error"])
    expected_icc3 = c["unit"] / (c["unit"] + c["error"])
    assert icc_row(result, "ICC2")["estimate"] == pytest.approx(expected_icc2, abs=PEER)
    assert icc_row(result, "ICC3")["estimate"] == pytest.approx(expected_icc3, abs=PEER)


def f_based_intervals(wide, confidence: float) -> dict[str, tuple[float, float]]:
    """The F-based intervals written out from the papers, for any confidence level:
    ICC1/ICC3 and their k-forms as in Shrout & Fleiss (1979), with F_L = F / F_{1-a/2}(df1, df2)
    and F_U = F * F_{1-a/2}(df2, df1); ICC2 as in McGraw & Wong (1996, Psychological Methods
    1(1):30-46) for ICC(A,1), with its approximate df v; the ICC2k bounds by Spearman-Brown."""
    wide = np.asarray(wide, dtype=float)
    n, k = wide.shape
    grand = wide.mean()
    ss_rows = k * ((wide.mean(axis=1) - grand) ** 2).sum()
    ss_cols = n * ((wide.mean(axis=0) - grand) ** 2).sum()
    ss_total = ((wide - grand) ** 2).sum()
    msr, msc = ss_rows / (n - 1), ss_cols / (k - 1)
    mse = (ss_total - ss_rows - ss_cols) / ((n - 1) * (k - 1))
    msw = (ss_total - ss_rows) / (n * (k - 1))
    tail = 1 - (1 - confidence) / 2
    fq = scipy.stats.f.ppf
    f1, f3 = msr / msw, msr / mse
    f1l, f1u = f1 / fq(tail, n - 1, n * (k - 1)), f1 * fq(tail, n * (k - 1), n - 1)
    f3l, f3u = f3 / fq(tail, n - 1, (n - 1) * (k - 1)), f3 * fq(tail, (n - 1) * (k - 1), n - 1)
    icc2 = (msr - mse) / (msr + (k - 1) * mse + k * (msc - mse) / n)
    fj = msc / mse
    v = ((n - 1) * (k - 1) * (k * icc2 * fj + n * (1 + (k - 1) * icc2) - k * icc2) ** 2
         / ((n - 1) * k**2 * icc2**2 * fj**2 + (n * (1 + (k - 1) * icc2) - k * icc2) ** 2))
    f_up, f_down = fq(tail, n - 1, v), fq(tail, v, n - 1)
    l2 = n * (msr - f_up * mse) / (f_up * (k * msc + (k * n - k - n) * mse) + n * msr)
    u2 = n * (f_down * msr - mse) / (k * msc + (k * n - k - n) * mse + n * f_down * msr)

    def brown(x):
        return k * x / (1 + (k - 1) * x)

    return {
        "ICC1": ((f1l - 1) / (f1l + k - 1), (f1u - 1) / (f1u + k - 1)),
        "ICC2": (l2, u2),
        "ICC3": ((f3l - 1) / (f3l + k - 1), (f3u - 1) / (f3u + k - 1)),
        "ICC1k": (1 - 1 / f1l, 1 - 1 / f1u),
        "ICC2k": (brown(l2), brown(u2)),
        "ICC3k": (1 - 1 / f3l, 1 - 1 / f3u),
    }


def test_f_based_interval_reference_equals_pingouin(pingouin_full_precision):
    """Sanity check of the formula reference at 95% against pingouin."""
    wide = random_scores(12)
    mine = f_based_intervals(wide, 0.95)
    peer = pingouin_icc(wide)
    for form, (_, row) in zip(FORMS, peer.iterrows(), strict=True):
        assert mine[form] == pytest.approx(tuple(float(x) for x in row["CI95"]), abs=PEER)


@pytest.mark.parametrize("confidence", [0.80, 0.90, 0.99])
def test_icc_intervals_follow_the_confidence_level(confidence):
    wide = random_scores(13)
    table = agreement.icc(long_table(wide), confidence=confidence).table
    expected = f_based_intervals(wide, confidence)
    for form in FORMS:
        row = icc_row_from_table(table, form)
        assert (row["ci_low"], row["ci_high"]) == pytest.approx(expected[form], abs=PEER), form


def icc_row_from_table(table: pd.DataFrame, form: str) -> pd.Series:
    return table.loc[table["form"] == form].iloc[0]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_icc1_incomplete_matches_oneway_anova(seed):
    """ICC1 is the one-way random model: on unbalanced data its variance components are the
    ANOVA estimators with n0 = (N - sum n_i^2 / N) / (a - 1) (Searle, Casella & McCulloch 1992,
    sec. 3.5), which reduce to (MSB - MSW) / (MSB + (k - 1) MSW) on complete data."""
    wide = random_scores(seed, missing=0.3)
    rated = ~np.isnan(wide)
    counts = rated.sum(axis=1)
    keep = counts > 0
    wide, rated, counts = wide[keep], rated[keep], counts[keep]
    a, total = len(counts), counts.sum()
    means = np.nanmean(wide, axis=1)
    grand = np.nanmean(wide)
    msb = (counts * (means - grand) ** 2).sum() / (a - 1)
    msw = np.nansum((wide - means[:, None]) ** 2) / (total - a)
    n0 = (total - (counts**2).sum() / total) / (a - 1)
    s2_unit = (msb - msw) / n0
    expected = s2_unit / (s2_unit + msw)
    got = icc_row(agreement.icc(long_table(wide)), "ICC1")["estimate"]
    assert got == pytest.approx(expected, abs=PEER)


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("missing", [0.0, 0.3])
def test_icc_average_forms_are_spearman_brown_of_single_forms(seed, missing):
    """ICC(x,k) = k ICC(x,1) / (1 + (k - 1) ICC(x,1)) for one k shared by the three models:
    k = number of raters on complete data, some mean number of raters per unit otherwise."""
    wide = random_scores(seed, missing=missing)
    result = agreement.icc(long_table(wide))
    implied = []
    for single, average in (("ICC1", "ICC1k"), ("ICC2", "ICC2k"), ("ICC3", "ICC3k")):
        rho = icc_row(result, single)["estimate"]
        rho_k = icc_row(result, average)["estimate"]
        implied.append(rho_k * (1 - rho) / (rho * (1 - rho_k)))
    assert implied == pytest.approx([implied[0]] * 3, rel=1e-9)
    if missing == 0.0:
        assert implied[0] == pytest.approx(wide.shape[1], rel=1e-9)
    else:
        assert 1.0 <= implied[0] <= wide.shape[1]


def test_icc_bootstrap_needs_seed_and_is_reproducible():
    data = long_table(random_scores(14, missing=0.2))
    with pytest.raises(ValueError):
        agreement.icc(data, n_boot=100)
    first = agreement.icc(data, n_boot=200, random_state=5)
    again = agreement.icc(data, n_boot=200, random_state=5)
    assert (first.ci_low, first.ci_high) == (again.ci_low, again.ci_high)
    assert first.ci_low <= first.estimate <= first.ci_high


def test_icc_missing_rows_equal_absent_rows():
    wide = random_scores(7, missing=0.25)
    with_nan = agreement.icc(long_table(wide)).table
    absent = agreement.icc(long_table(wide, drop_missing=True)).table
    np.testing.assert_allclose(with_nan["estimate"], absent["estimate"], atol=1e-12, rtol=0)


def test_peer_pingouin_icc_refuses_incomplete_or_drops_units():
    """pingouin.intraclass_corr refuses missing cells (ValueError) or, with nan_policy='omit',
    drops every unit with a missing cell (listwise deletion); ours keeps every unit."""
    wide = random_scores(0, missing=0.3)
    frame = long_table(wide, unit="t", rater="r", value="y")
    with pytest.raises(ValueError):
        pg.intraclass_corr(data=frame, targets="t", raters="r", ratings="y")
    omitted = pg.intraclass_corr(data=frame, targets="t", raters="r", ratings="y", nan_policy="omit")
    complete_rows = int((~np.isnan(wide)).all(axis=1).sum())
    # pingouin's df1 = (units kept) - 1: it keeps only the complete units.
    assert int(omitted["df1"].iloc[0]) + 1 == complete_rows
    assert complete_rows == 3  # of 40 units (seed 0, 30% missing over 7 raters)
    ours = agreement.icc(long_table(wide))
    units_with_ratings = int((~np.isnan(wide)).any(axis=1).sum())
    assert ours.n_units == units_with_ratings == 40
    assert ours.n_units > complete_rows


def _incomplete_anxiety() -> np.ndarray:
    """[IRR] ``anxiety`` (20 subjects x 3 raters) with six ratings removed from five subjects."""
    wide = ANXIETY.copy()
    wide[[1, 4, 9, 13, 17], [0, 2, 1, 0, 2]] = NAN
    wide[9, 0] = NAN
    return wide


@pytest.mark.parametrize("wide", [_incomplete_anxiety(), random_scores(3, n_raters=4, missing=0.12),
                                  random_scores(6, n_units=60, n_raters=3, missing=0.2, structured=False)],
                         ids=["anxiety_holes", "random3", "noise6"])
def test_icc_listwise_against_pingouin_omit(pingouin_full_precision, wide):
    """``missing="listwise"`` keeps the units rated by every rater, as pingouin's
    ``nan_policy="omit"`` and R ``psych::ICC`` (complete cases) do: all six forms, F tests and
    F-based intervals equal pingouin's at full precision."""
    ours = agreement.icc(long_table(wide), missing="listwise")
    frame = long_table(wide, unit="t", rater="r", value="y")
    # Peer: pingouin.intraclass_corr(data, targets, raters, ratings, nan_policy="omit").
    peer = pg.intraclass_corr(data=frame, targets="t", raters="r", ratings="y", nan_policy="omit")
    complete_units = int((~np.isnan(wide)).all(axis=1).sum())
    assert ours.complete is True
    assert ours.n_units == complete_units == int(peer["df1"].iloc[0]) + 1
    assert ours.details["units_dropped"] == int((~np.isnan(wide)).any(axis=1).sum()) - complete_units > 0
    for (_, mine), (_, theirs) in zip(ours.table.iterrows(), peer.iterrows(), strict=True):
        label = f"{mine['form']} vs {theirs['Type']}"
        assert same_number(mine["estimate"], theirs["ICC"]), label
        assert same_number(mine["f"], theirs["F"]), label
        assert mine["df1"] == theirs["df1"] and mine["df2"] == theirs["df2"], label
        assert same_number(mine["p_value"], theirs["pval"]), label
        assert same_number(mine["ci_low"], float(theirs["CI95"][0])), label
        assert same_number(mine["ci_high"], float(theirs["CI95"][1])), label
    # and it differs from the default, which uses every rating (Henderson III on the incomplete design)
    default = agreement.icc(long_table(wide))
    assert default.complete is False
    assert default.n_units > ours.n_units
    assert not np.allclose(default.table["estimate"], ours.table["estimate"], atol=1e-6)


def test_icc_listwise_on_complete_data_changes_nothing():
    ours = agreement.icc(long_table(SHROUT_FLEISS), missing="listwise")
    default = agreement.icc(long_table(SHROUT_FLEISS))
    pd.testing.assert_frame_equal(ours.table, default.table)
    assert ours.details["units_dropped"] == 0


def test_icc_default_missing_is_every_available_rating():
    wide = random_scores(3, n_raters=4, missing=0.12)
    explicit = agreement.icc(long_table(wide), missing="available").table
    pd.testing.assert_frame_equal(explicit, agreement.icc(long_table(wide)).table)


def test_icc_listwise_with_too_few_complete_units_is_undefined_with_the_reason():
    wide = random_scores(0, n_units=10, n_raters=5, missing=0.6)
    assert int((~np.isnan(wide)).all(axis=1).sum()) < 2
    result = agreement.icc(long_table(wide), missing="listwise")
    assert math.isnan(result.estimate)
    assert "rated by every rater" in result.reason
    assert list(result.table["form"]) == list(FORMS)


def test_icc_bad_arguments_raise_one_error_listing_each():
    data = long_table(SHROUT_FLEISS)
    with pytest.raises(ValueError, match=r"missing must be 'available' or 'listwise'; got 'pairwise'"):
        agreement.icc(data, missing="pairwise")
    with pytest.raises(ValueError, match=r"form must be one of .*; got 'ICC4'\nmissing must be .*\n.*random_state="):
        agreement.icc(data, form="ICC4", missing="pairwise", n_boot=10)


def test_icc_listwise_leaves_the_input_unchanged():
    frame = long_table(_incomplete_anxiety())
    before = frame.copy()
    agreement.icc(frame, missing="listwise")
    pd.testing.assert_frame_equal(frame, before)


# ---------------------------------------------------------------------------------------------
# Kendall's W
# ---------------------------------------------------------------------------------------------

def test_kendall_w_anxiety_irr_published():
    result = agreement.kendall_w(long_table(ANXIETY))
    # [IRR] kendall(anxiety, correct=TRUE) (pyirr tests): W 0.54 (2 dp), chi2 30.8 (1 dp),
    # p 0.0429 (4 dp), 20 subjects, 3 raters, df 19.
    assert result.estimate == pytest.approx(0.54, abs=5e-3)
    assert result.details["chi2"] == pytest.approx(30.8, abs=5e-2)
    assert result.details["p_value"] == pytest.approx(0.0429, abs=5e-5)
    assert result.details["df"] == 19
    assert result.n_units == 20 and result.n_raters == 3


def _friedman_w(wide):
    """Peer: scipy.stats.friedmanchisquare(*one sample per unit); blocks = raters. It ranks each
    rater's scores over the units with the tie correction; W = chi2 / (m (n - 1))."""
    n, m = wide.shape
    test = scipy.stats.friedmanchisquare(*[wide[i, :] for i in range(n)])
    return test.statistic / (m * (n - 1)), test.statistic, test.pvalue


@pytest.mark.parametrize("wide", [ANXIETY, random_scores(0), random_scores(1, structured=False),
                                  random_scores(2, n_units=12, n_raters=4)],
                         ids=["anxiety", "random0", "noise1", "small2"])
def test_kendall_w_against_friedman_and_pingouin(wide):
    n, m = wide.shape
    result = agreement.kendall_w(long_table(wide))
    w, chi2, p = _friedman_w(wide)
    assert result.estimate == pytest.approx(w, abs=PEER)
    assert result.details["chi2"] == pytest.approx(chi2, abs=1e-8)
    assert result.details["p_value"] == pytest.approx(p, abs=PEER)
    assert result.details["df"] == n - 1
    assert result.details["units_dropped"] == 0
    assert result.estimate == pytest.approx(kendall_w_formula(wide, correct_ties=True), abs=PEER)
    # Peer: pingouin.friedman(data, dv, within=<unit>, subject=<rater>)["W"] (tie-corrected).
    frame = long_table(wide, unit="unit", rater="rater", value="y")
    peer = pg.friedman(data=frame, dv="y", within="unit", subject="rater")
    assert result.estimate == pytest.approx(float(peer["W"].iloc[0]), abs=PEER)


def test_kendall_w_without_tie_correction():
    result = agreement.kendall_w(long_table(ANXIETY), correct_ties=False)
    # Kendall (1948) formula without the T term (see kendall_w_formula).
    expected = kendall_w_formula(ANXIETY, correct_ties=False)
    assert result.estimate == pytest.approx(expected, abs=PEER)
    assert result.estimate < agreement.kendall_w(long_table(ANXIETY)).estimate


def test_kendall_w_uses_units_rated_by_everyone():
    wide = random_scores(8, n_units=30, n_raters=5, missing=0.1)
    complete = ~np.isnan(wide).any(axis=1)
    result = agreement.kendall_w(long_table(wide))
    assert result.details["units_dropped"] == int((~complete).sum()) > 0
    w, chi2, _ = _friedman_w(wide[complete])
    assert result.estimate == pytest.approx(w, abs=PEER)
    assert result.details["chi2"] == pytest.approx(chi2, abs=1e-8)


# ---------------------------------------------------------------------------------------------
# Fleiss' kappa, Gwet's AC1 / AC2
# ---------------------------------------------------------------------------------------------

def test_fleiss_kappa_fleiss_1971_published():
    result = agreement.fleiss_kappa(long_table(FLEISS_DIAGNOSES))
    # [F1971] kappa = .430 (3 dp); [IRR] kappam.fleiss(diagnoses) = 0.4302445 (7 dp).
    assert result.estimate == pytest.approx(0.430, abs=5e-4)
    assert result.estimate == pytest.approx(0.4302445, abs=5e-8)


def test_fleiss_kappa_wikipedia_published():
    result = agreement.fleiss_kappa(long_table(wide_from_counts(WIKIPEDIA_FLEISS_COUNTS)))
    # [WIKI-FLEISS]: kappa = 0.210 (3 dp).
    assert result.estimate == pytest.approx(0.210, abs=5e-4)


@pytest.mark.parametrize("wide", [FLEISS_DIAGNOSES, wide_from_counts(WIKIPEDIA_FLEISS_COUNTS),
                                  random_scores(0), random_scores(1, structured=False)],
                         ids=["fleiss1971", "wikipedia", "random0", "noise1"])
def test_fleiss_kappa_complete_against_statsmodels(wide):
    ours = agreement.fleiss_kappa(long_table(wide)).estimate
    # Peer: statsmodels fleiss_kappa(aggregate_raters(<units x raters>)[0]) (method="fleiss").
    peer = fleiss_kappa(aggregate_raters(wide)[0])
    assert ours == pytest.approx(peer, abs=PEER)


def test_fleiss_and_ac1_irrcac_raw4raters_published():
    data = long_table(IRRCAC_RAW4RATERS)
    ac1 = agreement.gwet_ac1(data)
    fleiss = agreement.fleiss_kappa(data)
    # [IRRCAC] README, gwet.ac1.raw(cac.raw4raters): pa 0.8181818, pe 0.1903212 (7 dp), AC1 0.77544 (5 dp).
    assert ac1.details["pa"] == pytest.approx(0.8181818, abs=5e-8)
    assert ac1.details["pe"] == pytest.approx(0.1903212, abs=5e-8)
    assert ac1.estimate == pytest.approx(0.77544, abs=5e-6)
    # [IRRCAC] README, fleiss.kappa.raw(cac.raw4raters): pa 0.8181818, pe 0.2387153, kappa 0.76117.
    assert fleiss.details["pa"] == pytest.approx(0.8181818, abs=5e-8)
    assert fleiss.details["pe"] == pytest.approx(0.2387153, abs=5e-8)
    assert fleiss.estimate == pytest.approx(0.76117, abs=5e-6)


def test_ac2_irrcac_raw4raters_published():
    data = long_table(IRRCAC_RAW4RATERS)
    quadratic = agreement.gwet_ac2(data, weights="quadratic")
    # [IRRCAC] vignettes/weighting.html, gwet.ac1.raw(cac.raw4raters, weights="quadratic"):
    # pa 0.9753788, pe 0.7137044 (7 dp), AC2 printed "0.914" (coeff.val is rounded to 5 dp).
    assert quadratic.details["pa"] == pytest.approx(0.9753788, abs=5e-8)
    assert quadratic.details["pe"] == pytest.approx(0.7137044, abs=5e-8)
    assert quadratic.estimate == pytest.approx(0.914, abs=5e-6)
    linear = agreement.gwet_ac2(data, weights="linear")
    # [IRRCAC] Python port tests (afergadis/irrCAC test_gwet.py, weights='linear', 3 dp):
    # pa 0.939, pe 0.571, AC2 0.859.
    assert linear.details["pa"] == pytest.approx(0.939, abs=5e-4)
    assert linear.details["pe"] == pytest.approx(0.571, abs=5e-4)
    assert linear.estimate == pytest.approx(0.859, abs=5e-4)
    identity = agreement.gwet_ac2(data, weights="identity")
    assert identity.estimate == pytest.approx(agreement.gwet_ac1(data).estimate, abs=PEER)


def test_fleiss_ac1_ac2_irrcac_distrib_6raters_published():
    data = long_table(wide_from_counts(IRRCAC_DISTRIB_6RATERS))
    fleiss, ac1 = agreement.fleiss_kappa(data), agreement.gwet_ac1(data)
    ac2 = agreement.gwet_ac2(data, weights="quadratic")
    # [IRRCAC] README, fleiss.kappa.dist(distrib.6raters): 0.4139265, pa 0.5511111, pe 0.2340741.
    assert fleiss.estimate == pytest.approx(0.4139265, abs=5e-8)
    assert fleiss.details["pa"] == pytest.approx(0.5511111, abs=5e-8)
    assert fleiss.details["pe"] == pytest.approx(0.2340741, abs=5e-8)
    # [IRRCAC] README, gwet.ac1.dist(distrib.6raters): 0.4448007, pe 0.1914815.
    assert ac1.estimate == pytest.approx(0.4448007, abs=5e-8)
    assert ac1.details["pe"] == pytest.approx(0.1914815, abs=5e-8)
    # [IRRCAC] weighting vignette, gwet.ac1.dist(distrib.6raters, weights=quadratic.weights(1:5)):
    # AC2 0.4837438, pa 0.8544444, pe 0.7180556.
    assert ac2.estimate == pytest.approx(0.4837438, abs=5e-8)
    assert ac2.details["pa"] == pytest.approx(0.8544444, abs=5e-8)
    assert ac2.details["pe"] == pytest.approx(0.7180556, abs=5e-8)


def test_irrcac_reference_reproduces_published_numbers():
    """The test's own irrCAC-formula reference reproduces irrCAC's printouts, so it can judge
    ours on data irrCAC never printed."""
    assert irrcac_reference(IRRCAC_RAW4RATERS, kind="gwet")[1:] == pytest.approx((0.1903212, 0.77544), abs=5e-6)
    assert irrcac_reference(IRRCAC_RAW4RATERS, kind="fleiss")[1:] == pytest.approx((0.2387153, 0.76117), abs=5e-6)
    assert irrcac_reference(IRRCAC_RAW4RATERS, kind="gwet", weights="quadratic")[1:] == pytest.approx(
        (0.7137044, 0.914), abs=5e-6)


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("missing", [0.0, 0.3])
@pytest.mark.parametrize(("function", "kind", "weights"), [
    ("fleiss_kappa", "fleiss", "identity"),
    ("gwet_ac1", "gwet", "identity"),
    ("gwet_ac2", "gwet", "identity"),
    ("gwet_ac2", "gwet", "linear"),
    ("gwet_ac2", "gwet", "quadratic"),
    ("gwet_ac2", "gwet", "ordinal"),
    ("fleiss_kappa", "fleiss", "linear"),
    ("fleiss_kappa", "fleiss", "quadratic"),
    ("fleiss_kappa", "fleiss", "ordinal"),
])
def test_chance_corrected_random_against_irrcac_formula(seed, missing, function, kind, weights):
    wide = random_scores(seed, missing=missing)
    kwargs = {"weights": weights} if function == "gwet_ac2" or weights != "identity" else {}
    result = getattr(agreement, function)(long_table(wide), **kwargs)
    pa, pe, coefficient = irrcac_reference(wide, kind=kind, weights=weights)
    assert result.details["pa"] == pytest.approx(pa, abs=PEER)
    assert result.details["pe"] == pytest.approx(pe, abs=PEER)
    assert result.estimate == pytest.approx(coefficient, abs=PEER)


def test_gwet_categories_argument_sets_q():
    """AC1's chance agreement depends on the number of categories q: declaring the full 1-10
    scale (irrCAC ``categ.labels``) gives another pe than the observed categories."""
    wide = random_scores(9, n_units=25, n_raters=4, missing=0.2)
    wide = np.clip(wide, 3, 8)
    declared = list(range(1, 11))
    ours = agreement.gwet_ac1(long_table(wide), categories=declared)
    pa, pe, coefficient = irrcac_reference(wide, kind="gwet", categories=declared)
    assert ours.details["pe"] == pytest.approx(pe, abs=PEER)
    assert ours.estimate == pytest.approx(coefficient, abs=PEER)
    assert ours.estimate != pytest.approx(agreement.gwet_ac1(long_table(wide)).estimate, abs=1e-6)
    ac2 = agreement.gwet_ac2(long_table(wide), weights="quadratic", categories=declared)
    assert ac2.estimate == pytest.approx(
        irrcac_reference(wide, kind="gwet", weights="quadratic", categories=declared)[2], abs=PEER)


def test_ac2_and_fleiss_ordinal_irrcac_raw4raters_published():
    data = long_table(IRRCAC_RAW4RATERS)
    ac2 = agreement.gwet_ac2(data, weights="ordinal")
    # [IRRCAC-PY] test_gwet.py, gwet.ac1.raw(cac.raw4raters, weights="ordinal"), 3 dp:
    # pa 0.968, pe 0.685, AC2 0.899.
    assert ac2.details["pa"] == pytest.approx(0.968, abs=5e-4)
    assert ac2.details["pe"] == pytest.approx(0.685, abs=5e-4)
    assert ac2.estimate == pytest.approx(0.899, abs=5e-4)
    fleiss = agreement.fleiss_kappa(data, weights="ordinal")
    # [IRRCAC-PY] test_fleiss.py, fleiss.kappa.raw(cac.raw4raters, weights="ordinal"), 3 dp:
    # pa 0.968, pe 0.788, kappa 0.850.
    assert fleiss.details["pa"] == pytest.approx(0.968, abs=5e-4)
    assert fleiss.details["pe"] == pytest.approx(0.788, abs=5e-4)
    assert fleiss.estimate == pytest.approx(0.850, abs=5e-4)
    # The independent formula of this file (irrcac_reference) agrees at full precision.
    pa, pe, coefficient = irrcac_reference(IRRCAC_RAW4RATERS, kind="gwet", weights="ordinal")
    assert (ac2.details["pa"], ac2.details["pe"], ac2.estimate) == pytest.approx((pa, pe, coefficient), abs=PEER)


@pytest.mark.parametrize(("weights", "expected"), [
    # [IRRCAC-PY] test_fleiss.py, fleiss.kappa.raw(cac.raw4raters, weights=...), 3 dp: (pa, pe, kappa).
    ("linear", (0.939, 0.667, 0.818)),
    ("quadratic", (0.975, 0.818, 0.865)),
])
def test_weighted_fleiss_irrcac_raw4raters_published(weights, expected):
    result = agreement.fleiss_kappa(long_table(IRRCAC_RAW4RATERS), weights=weights)
    assert (result.details["pa"], result.details["pe"], result.estimate) == pytest.approx(expected, abs=5e-4)


def test_fleiss_kappa_default_weights_are_identity():
    data = long_table(IRRCAC_RAW4RATERS)
    assert agreement.fleiss_kappa(data, weights="identity").estimate == agreement.fleiss_kappa(data).estimate


def test_ordinal_weights_on_three_categories_irrcac_published():
    """[IRRCAC-PY] test_weights.py: irrCAC ``ordinal.weights(1:3)`` = [[1, .667, 0], [.667, 1,
    .667], [0, .667, 1]] (3 dp); with ranks 1-3, AC2's pe = sum(w) / (q (q - 1)) * sum pi (1 - pi)
    carries sum(w) = 3 + 4 * 2/3 = 17/3, which the result shows on a two-unit example."""
    votes = pd.DataFrame({"entry_id": [1, 1, 2, 2], "juror_id": ["a", "b", "a", "b"], "score": [1, 2, 3, 3]})
    result = agreement.gwet_ac2(votes, weights="ordinal")
    # By hand: unit 1 has one vote in 1 and one in 2 (weight 2/3 between them), so its agreement is
    # (1 * (1 + 2/3 - 1) + 1 * (2/3 + 1 - 1)) / 2 = 2/3; unit 2 agrees fully: pa = (2/3 + 1) / 2 = 5/6.
    assert result.details["pa"] == pytest.approx(5 / 6, abs=1e-12)
    pi = np.array([0.25, 0.25, 0.5])
    assert result.details["pe"] == pytest.approx((17 / 3) / 6 * float((pi * (1 - pi)).sum()), abs=1e-12)
    assert round(1 - math.comb(2, 2) / math.comb(3, 2), 3) == 0.667  # the published off-diagonal weight


def test_ordinal_weights_use_ranks_not_values():
    """Ordinal weights depend on the order of the categories only (irrCAC builds them on 1..q):
    spreading the values apart changes linear AC2 but not ordinal AC2."""
    wide = random_scores(4, n_units=30, n_raters=4, missing=0.2)
    wide = np.clip(wide, 3, 7)
    stretched = np.where(np.isnan(wide), np.nan, wide**2)  # same order, other distances
    for function in (agreement.gwet_ac2, agreement.fleiss_kappa):
        assert function(long_table(stretched), weights="ordinal").estimate == pytest.approx(
            function(long_table(wide), weights="ordinal").estimate, abs=1e-12)
        assert function(long_table(stretched), weights="linear").estimate != pytest.approx(
            function(long_table(wide), weights="linear").estimate, abs=1e-6)


def test_ordinal_weights_on_labels_follow_the_declared_order():
    """Labels such as poor < fair < good have no values, only an order: ordinal weights take it
    from ``categories`` (irrCAC ``categ.labels``) and equal the same votes coded 1, 2, 3."""
    wide = random_scores(5, n_units=20, n_raters=3, missing=0.1)
    wide = np.clip(wide, 4, 6)
    labels = {4.0: "poor", 5.0: "fair", 6.0: "good"}
    coded = long_table(wide)
    named = coded.assign(score=coded["score"].map(labels))
    order = ["poor", "fair", "good"]
    for function in (agreement.gwet_ac2, agreement.fleiss_kappa):
        assert function(named, weights="ordinal", categories=order).estimate == pytest.approx(
            function(coded, weights="ordinal").estimate, abs=1e-12)
    with pytest.raises(ValueError, match=r"ordinal weights need the order of the categories"):
        agreement.gwet_ac2(named, weights="ordinal")


def test_unknown_weights_raise_naming_the_choices():
    data = long_table(IRRCAC_RAW4RATERS)
    for function in (agreement.gwet_ac2, agreement.fleiss_kappa):
        with pytest.raises(ValueError, match=r"weights must be one of 'identity', 'linear', 'quadratic', 'ordinal'; "
                                             r"got 'cubic'"):
            function(data, weights="cubic")


def test_values_outside_the_declared_categories_raise_listing_each():
    data = long_table(IRRCAC_RAW4RATERS)
    with pytest.raises(ValueError, match=r"holds 4\.0, 5\.0 outside the declared categories") as error:
        agreement.gwet_ac1(data, categories=[1, 2, 3])
    assert "categories=" in str(error.value)


def test_peer_statsmodels_fleiss_counts_missing_as_a_category():
    """statsmodels' aggregate_raters turns NaN into an extra category, so fleiss_kappa on
    incomplete data measures something else. Ours follows irrCAC (missing is not a category)."""
    table, categories = aggregate_raters(IRRCAC_RAW4RATERS)
    assert np.isnan(categories[-1]) and len(categories) == 6  # 5 scores + "NaN"
    peer = fleiss_kappa(table)
    ours = agreement.fleiss_kappa(long_table(IRRCAC_RAW4RATERS)).estimate
    assert peer == pytest.approx(0.5675675675675677, abs=PEER)  # statsmodels, as of 0.15
    assert abs(peer - ours) > 0.1
    # ours = [IRRCAC] fleiss.kappa.raw(cac.raw4raters) 0.76117 (5 dp)
    assert ours == pytest.approx(0.76117, abs=5e-6)


# ---------------------------------------------------------------------------------------------
# Cohen's kappa
# ---------------------------------------------------------------------------------------------

def two_raters(wide_pair) -> pd.DataFrame:
    return long_table(wide_pair)


@pytest.mark.parametrize(("weights", "expected"), [
    # [IRR] kappa2(anxiety[,2:3]) = -0.006289308, "equal" = 0.1459075, "squared" = 0.2520325
    # (statsmodels test_cohens_kappa_irr; irr, like sklearn, indexes the observed categories).
    (None, -0.006289308), ("linear", 0.1459075), ("quadratic", 0.2520325),
])
def test_cohen_kappa_anxiety_irr_published(weights, expected):
    ours = agreement.cohen_kappa(two_raters(ANXIETY[:, 1:3]), weights=weights).estimate
    assert ours == pytest.approx(expected, abs=5e-8)


def test_cohen_kappa_more_irr_examples():
    # [IRR] kappa2(anxiety[,1:2], "squared") = 0.297 (pyirr tests, 3 dp).
    assert agreement.cohen_kappa(two_raters(ANXIETY[:, 0:2]), weights="quadratic").estimate == pytest.approx(
        0.297, abs=5e-4)
    # [IRR] kappa2(diagnoses[,2:3]) = 0.631 (pyirr tests, 3 dp).
    assert agreement.cohen_kappa(two_raters(FLEISS_DIAGNOSES[:, 1:3])).estimate == pytest.approx(0.631, abs=5e-4)


def _random_pair(seed: int, n: int = 60, high: int = 6) -> np.ndarray:
    rng = np.random.default_rng(seed)
    first = rng.integers(1, high + 1, size=n)
    second = np.clip(first + rng.integers(-2, 3, size=n), 1, high)
    return np.column_stack([first, second]).astype(float)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("weights", [None, "linear", "quadratic"])
def test_cohen_kappa_random_against_sklearn_and_statsmodels(seed, weights):
    pair = _random_pair(seed, high=4 + seed)
    ours = agreement.cohen_kappa(two_raters(pair), weights=weights).estimate
    # Peer: sklearn.metrics.cohen_kappa_score(y1, y2, weights=weights)
    assert ours == pytest.approx(cohen_kappa_score(pair[:, 0], pair[:, 1], weights=weights), abs=PEER)
    # Peer: statsmodels cohens_kappa(to_table(pair)[0], wt=weights) - scores 0..k-1 over the
    # union of observed categories, i.e. the same index distance.
    table, _ = to_table(pair)
    peer = cohens_kappa(table, wt=weights, return_results=False)
    assert ours == pytest.approx(peer, abs=PEER)


def test_cohen_kappa_uses_units_rated_by_both():
    pair = _random_pair(3)
    holes = pair.copy()
    holes[[0, 5, 9], 0] = NAN
    holes[[2, 11], 1] = NAN
    both = ~np.isnan(holes).any(axis=1)
    for weights in (None, "linear", "quadratic"):
        ours = agreement.cohen_kappa(two_raters(holes), weights=weights).estimate
        expected = cohen_kappa_score(holes[both, 0], holes[both, 1], weights=weights)
        assert ours == pytest.approx(expected, abs=PEER)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("weights", [None, "linear", "quadratic"])
def test_cohen_kappa_declared_categories_against_sklearn_labels(seed, weights):
    """With ``categories`` the weights count steps over the declared scale, so a category nobody
    used still counts as a step (irrCAC's convention); sklearn's ``labels=`` does the same."""
    pair = _random_pair(seed, high=5)
    pair[pair == 3] = 4  # nobody uses 3 on the 1-6 scale
    declared = [1, 2, 3, 4, 5, 6]
    ours = agreement.cohen_kappa(two_raters(pair), weights=weights, categories=declared).estimate
    # Peer: sklearn.metrics.cohen_kappa_score(y1, y2, labels=declared, weights=weights).
    peer = cohen_kappa_score(pair[:, 0], pair[:, 1], labels=declared, weights=weights)
    assert ours == pytest.approx(peer, abs=PEER)
    if weights is not None:  # the unused 3 (and 6) are steps: not the same as the observed categories' index
        assert ours != pytest.approx(agreement.cohen_kappa(two_raters(pair), weights=weights).estimate, abs=1e-6)


def test_cohen_kappa_declared_labels_in_their_order():
    """Labels with an order and no values: the declared list gives the steps (sklearn ``labels=``)."""
    pair = _random_pair(7, high=4)
    names = np.array(["none", "low", "mid", "high"])
    frame = two_raters(pair)
    frame["score"] = names[frame["score"].to_numpy(dtype=int) - 1]
    for weights in ("linear", "quadratic"):
        ours = agreement.cohen_kappa(frame, weights=weights, categories=list(names)).estimate
        peer = cohen_kappa_score(names[pair[:, 0].astype(int) - 1], names[pair[:, 1].astype(int) - 1],
                                 labels=list(names), weights=weights)
        assert ours == pytest.approx(peer, abs=PEER)


#: [IRRCAC] ``cont3x3abstractors`` and ``cont4x4diagnosis`` (inst/extdata/*.csv): rater 1 in rows,
#: rater 2 in columns, categories in the order of the table.
IRRCAC_ABSTRACTORS = (["Ectopic", "AIU", "NIU"], [[13, 0, 0], [0, 20, 7], [0, 4, 56]])
IRRCAC_DIAGNOSIS = (["Schizophrenia", "Bipolar Disorder", "Depression", "Other"],
                    [[40, 6, 4, 15], [4, 25, 1, 5], [4, 2, 21, 9], [17, 13, 12, 45]])


def pairs_from_table(labels, table) -> pd.DataFrame:
    """A two-rater contingency table as the long table: one unit per counted pair of ratings."""
    rows = []
    for i, j in itertools.product(range(len(labels)), repeat=2):
        for _ in range(table[i][j]):
            unit = f"S{len(rows) // 2 + 1:03d}"
            rows += [(unit, "R1", labels[i]), (unit, "R2", labels[j])]
    return pd.DataFrame(rows, columns=["entry_id", "juror_id", "score"])


@pytest.mark.parametrize(("data", "weights", "expected"), [
    # [IRRCAC-PY] test/unit/irrCAC/table/test_cohen.py, kappa2.table(<table>, weights=...), 3 dp.
    (IRRCAC_ABSTRACTORS, None, 0.796), (IRRCAC_ABSTRACTORS, "linear", 0.843),
    (IRRCAC_ABSTRACTORS, "quadratic", 0.892), (IRRCAC_ABSTRACTORS, "ordinal", 0.872),
    (IRRCAC_DIAGNOSIS, None, 0.432), (IRRCAC_DIAGNOSIS, "linear", 0.407),
    (IRRCAC_DIAGNOSIS, "quadratic", 0.383), (IRRCAC_DIAGNOSIS, "ordinal", 0.390),
], ids=lambda v: v if isinstance(v, str) else None)
def test_cohen_kappa_irrcac_tables_published(data, weights, expected):
    labels, table = data
    result = agreement.cohen_kappa(pairs_from_table(labels, table), weights=weights, categories=labels)
    assert result.n_units == int(np.sum(table))
    assert result.estimate == pytest.approx(expected, abs=5e-4)


def test_cohen_kappa_value_outside_declared_categories_raises_naming_it():
    pair = _random_pair(2, high=6)
    with pytest.raises(ValueError, match=r"holds 6\.0 outside the declared categories") as error:
        agreement.cohen_kappa(two_raters(pair), weights="linear", categories=[1, 2, 3, 4, 5])
    assert "categories=" in str(error.value)
    with pytest.raises(ValueError, match=r"categories= lists 2 more than once"):
        agreement.cohen_kappa(two_raters(pair), categories=[1, 2, 2, 3, 4, 5, 6])


def test_cohen_kappa_needs_exactly_two_raters():
    with pytest.raises(ValueError):
        agreement.cohen_kappa(long_table(ANXIETY))
    with pytest.raises(ValueError):
        agreement.cohen_kappa(long_table(ANXIETY[:, :1]))


# ---------------------------------------------------------------------------------------------
# Rank correlations between raters
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("missing", [0.0, 0.3, 0.75])
@pytest.mark.parametrize("method", ["spearman", "kendall"])
def test_rank_correlations_against_scipy_pairwise(seed, missing, method):
    wide = random_scores(seed, n_units=15, n_raters=6, missing=missing)
    matrix = agreement.rank_correlations(long_table(wide), method=method)
    raters = [f"J{j + 1}" for j in range(wide.shape[1])]
    assert list(matrix.index) == raters and list(matrix.columns) == raters
    peer = scipy.stats.spearmanr if method == "spearman" else scipy.stats.kendalltau  # tau-b
    for a, b in itertools.product(range(wide.shape[1]), repeat=2):
        got = matrix.loc[raters[a], raters[b]]
        if a == b:
            assert got == 1.0
            continue
        both = ~np.isnan(wide[:, a]) & ~np.isnan(wide[:, b])
        if both.sum() < 3:
            assert math.isnan(got), (a, b, int(both.sum()))
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # scipy warns on constant input (NaN)
            expected = float(peer(wide[both, a], wide[both, b])[0])
        assert same_number(got, expected), (a, b)
    assert np.allclose(matrix.to_numpy(), matrix.to_numpy().T, equal_nan=True)


# ---------------------------------------------------------------------------------------------
# Input contract shared by every statistic
# ---------------------------------------------------------------------------------------------

STATISTICS = {
    "krippendorff_alpha": lambda d: agreement.krippendorff_alpha(d),
    "icc": lambda d: agreement.icc(d),
    "kendall_w": lambda d: agreement.kendall_w(d),
    "fleiss_kappa": lambda d: agreement.fleiss_kappa(d),
    "gwet_ac1": lambda d: agreement.gwet_ac1(d),
    "gwet_ac2": lambda d: agreement.gwet_ac2(d),
    "rank_correlations": lambda d: agreement.rank_correlations(d),
}


@pytest.mark.parametrize("name", sorted(STATISTICS))
def test_duplicated_unit_rater_pair_raises(name):
    frame = long_table(SHROUT_FLEISS)
    frame = pd.concat([frame, frame.iloc[[3]]], ignore_index=True)
    with pytest.raises(ValueError):
        STATISTICS[name](frame)


def test_duplicated_pair_raises_for_cohen():
    frame = long_table(ANXIETY[:, :2])
    frame = pd.concat([frame, frame.iloc[[0]]], ignore_index=True)
    with pytest.raises(ValueError):
        agreement.cohen_kappa(frame)


def test_results_are_frozen_dataclasses():
    result = agreement.krippendorff_alpha(long_table(KRIPPENDORFF_2011.T))
    assert dataclasses.is_dataclass(result)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.estimate = 0.0  # type: ignore[misc]
    assert math.isnan(result.ci_low) and math.isnan(result.ci_high)
    assert isinstance(result.band, str) and result.band
    assert result.n_raters == 4
