"""Intraclass correlations: the six Shrout & Fleiss / McGraw & Wong forms, complete or not.

On a complete design (every rater rates every unit) the forms come from the two-way ANOVA
mean squares, with their F tests and F-based intervals. On an incomplete design they come
from the variance components of the crossed model y = mu + entry + juror + noise, estimated
by Henderson's method III (fitting constants), which on complete data equals the ANOVA
estimates, so the two routes agree there.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd
from scipy import sparse, special
from scipy.sparse import csgraph

from analytics.base import columns as col
from analytics.stats.additive import DENSE_MAX_RATERS, fit_additive
from analytics.stats.agreement.longdata import Ratings, percentile_interval, ratings, require_seed
from analytics.stats.agreement.results import ICC_BANDS, ICCResult, band

Form = Literal["ICC1", "ICC2", "ICC3", "ICC1k", "ICC2k", "ICC3k"]
FORMS = ("ICC1", "ICC2", "ICC3", "ICC1k", "ICC2k", "ICC3k")
Missing = Literal["available", "listwise"]
MISSING = ("available", "listwise")
DESCRIPTIONS = {
    "ICC1": "single rater, one-way random (absolute agreement)",
    "ICC2": "single rater, two-way random, absolute agreement",
    "ICC3": "single rater, two-way mixed, consistency",
    "ICC1k": "mean of k raters, one-way random",
    "ICC2k": "mean of k raters, two-way random, absolute agreement",
    "ICC3k": "mean of k raters, two-way mixed, consistency",
}
#: the batched bootstrap's arrays hold at most this many numbers (8 bytes each: 128 MB)
BATCH_MAX_VALUES = 16_000_000
#: a variance component within this fraction of the total variance of zero is zero (floating-point noise)
ZERO = 1e-9
TABLE_COLUMNS = ["form", "description", "estimate", "f", "df1", "df2", "p_value", "ci_low", "ci_high", "interval"]


def _components(r: Ratings) -> dict[str, float]:
    """Variance components and the mean squares they come from (Henderson's method III)."""
    y, unit, rater = r.value, r.unit, r.rater
    n, n_u, n_r = len(y), r.n_units, r.n_raters
    count_u = np.bincount(unit, minlength=n_u).astype(float)
    sum_u = np.bincount(unit, weights=y, minlength=n_u)
    sum_r = np.bincount(rater, weights=y, minlength=n_r)
    count_r = np.bincount(rater, minlength=n_r).astype(float)
    t0, t_mu = float(y @ y), y.sum() ** 2 / n
    t_u, t_r = float((sum_u**2 / count_u).sum()), float((sum_r**2 / count_r).sum())
    fit = fit_additive(unit, rater, y, n_u, n_r)
    t_full = float(fit.fitted @ y)
    c = fit.n_components
    df_e = n - n_u - n_r + c
    error = (t0 - t_full) / df_e if df_e > 0 else np.nan
    unit_var = ((t_full - t_r) - (n_u - c) * error) / (n - n_r) if n > n_r else np.nan
    rater_var = ((t_full - t_u) - (n_r - c) * error) / (n - n_u) if n > n_u else np.nan
    # one-way model (ICC1): units random, everything else within-unit noise
    ms_between = (t_u - t_mu) / (n_u - 1) if n_u > 1 else np.nan
    ms_within = (t0 - t_u) / (n - n_u) if n > n_u else np.nan
    n0 = (n - (count_u**2).sum() / n) / (n_u - 1) if n_u > 1 else np.nan
    return {"unit": unit_var, "rater": rater_var, "error": error, "ms_between": ms_between, "ms_within": ms_within,
            "oneway_unit": (ms_between - ms_within) / n0, "k": n_u / (1 / count_u).sum(),  # harmonic mean raters/unit
            "components": c, "total": (t0 - t_mu) / n}


def _from_components(v: dict[str, float]) -> dict[str, float]:
    """The six forms from the variance components. A component or a denominator within
    ``ZERO`` of the total variance of zero is taken as zero (it is rounding noise), so that a
    degenerate sample gives NaN or an infinity whichever way its sums were added up."""
    total = np.asarray(v["total"], dtype=float)

    def snap(x):
        x = np.asarray(x, dtype=float)
        return np.where(np.abs(x) <= ZERO * np.abs(total), 0.0, x)

    def ratio(num, den):
        with np.errstate(divide="ignore", invalid="ignore"):
            return snap(num) / snap(den)

    u, r, e, u1, w = (snap(v[name]) for name in ("unit", "rater", "error", "oneway_unit", "ms_within"))
    k = np.asarray(v["k"], dtype=float)
    return {"ICC1": ratio(u1, u1 + w), "ICC2": ratio(u, u + r + e), "ICC3": ratio(u, u + e),
            "ICC1k": ratio(u1, u1 + w / k), "ICC2k": ratio(u, u + (r + e) / k), "ICC3k": ratio(u, u + e / k)}


def _complete_table(r: Ratings, confidence: float) -> pd.DataFrame:
    """The six forms from the two-way ANOVA with F tests and intervals (Shrout & Fleiss 1979;
    McGraw & Wong 1996; the ICC2 interval by Satterthwaite's approximation)."""
    n, k = r.n_units, r.n_raters
    y = np.zeros((n, k))
    y[r.unit, r.rater] = r.value  # complete: n × k is the data itself, not a densified sparse design
    grand = y.mean()
    ss_rows = k * ((y.mean(axis=1) - grand) ** 2).sum()
    ss_cols = n * ((y.mean(axis=0) - grand) ** 2).sum()
    ss_total = ((y - grand) ** 2).sum()
    msr, msc = ss_rows / (n - 1), ss_cols / (k - 1)
    mse = (ss_total - ss_rows - ss_cols) / ((n - 1) * (k - 1))
    msw = (ss_total - ss_rows) / (n * (k - 1))
    alpha = 1 - confidence
    # degenerate tables (no error variance: every rater alike) give infinite F quantiles: the intervals are then
    # NaN or infinite, as the statistics say, and no warning reaches the user
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        icc1 = (msr - msw) / (msr + (k - 1) * msw)
        icc2 = (msr - mse) / (msr + (k - 1) * mse + k * (msc - mse) / n)
        icc3 = (msr - mse) / (msr + (k - 1) * mse)
        estimates = {"ICC1": icc1, "ICC2": icc2, "ICC3": icc3, "ICC1k": (msr - msw) / msr,
                     "ICC2k": (msr - mse) / (msr + (msc - mse) / n), "ICC3k": (msr - mse) / msr}
        f1, df1_1, df2_1 = msr / msw, n - 1, n * (k - 1)
        f3, df1_3, df2_3 = msr / mse, n - 1, (n - 1) * (k - 1)
        fl1 = f1 / special.fdtri(df1_1, df2_1, 1 - alpha / 2)
        fu1 = f1 * special.fdtri(df2_1, df1_1, 1 - alpha / 2)
        fl3 = f3 / special.fdtri(df1_3, df2_3, 1 - alpha / 2)
        fu3 = f3 * special.fdtri(df2_3, df1_3, 1 - alpha / 2)
        a = k * icc2 / (n * (1 - icc2))
        b = 1 + k * icc2 * (n - 1) / (n * (1 - icc2))
        v = (a * msc + b * mse) ** 2 / ((a * msc) ** 2 / (k - 1) + (b * mse) ** 2 / ((n - 1) * (k - 1)))
        f_star = special.fdtri(n - 1, v, 1 - alpha / 2)
        f_star2 = special.fdtri(v, n - 1, 1 - alpha / 2)
        low2 = n * (msr - f_star * mse) / (f_star * (k * msc + (k * n - k - n) * mse) + n * msr)
        high2 = n * (f_star2 * msr - mse) / (k * msc + (k * n - k - n) * mse + n * f_star2 * msr)
        intervals = {
            "ICC1": ((fl1 - 1) / (fl1 + k - 1), (fu1 - 1) / (fu1 + k - 1)),
            "ICC2": (low2, high2),
            "ICC3": ((fl3 - 1) / (fl3 + k - 1), (fu3 - 1) / (fu3 + k - 1)),
            "ICC1k": (1 - 1 / fl1, 1 - 1 / fu1),
            "ICC2k": (low2 * k / (1 + low2 * (k - 1)), high2 * k / (1 + high2 * (k - 1))),
            "ICC3k": (1 - 1 / fl3, 1 - 1 / fu3),
        }
    tests = {"ICC1": (f1, df1_1, df2_1), "ICC1k": (f1, df1_1, df2_1)}
    rows = []
    for form in FORMS:
        f, d1, d2 = tests.get(form, (f3, df1_3, df2_3))
        rows.append([form, DESCRIPTIONS[form], float(estimates[form]), float(f), d1, d2, float(special.fdtrc(d1, d2, f)),
                     float(intervals[form][0]), float(intervals[form][1]), "F"])
    return pd.DataFrame(rows, columns=TABLE_COLUMNS)


def _incomplete_table(estimates: dict[str, float]) -> pd.DataFrame:
    nan = float("nan")
    rows = [[form, DESCRIPTIONS[form], float(estimates[form]), nan, nan, nan, nan, nan, nan, ""] for form in FORMS]
    return pd.DataFrame(rows, columns=TABLE_COLUMNS)


def _listwise(r: Ratings) -> tuple[Ratings, int]:
    """The ratings of the units rated by every rater, and how many units were dropped."""
    count = np.bincount(r.unit, minlength=r.n_units)
    kept = count == r.n_raters
    recode = np.cumsum(kept) - 1  # lookup table: old unit code -> code among the units kept
    rows = kept[r.unit]
    raters = np.zeros(r.n_raters, dtype=bool)
    raters[r.rater[rows]] = True  # every rater when a unit is kept; none when none is
    rater_code = np.cumsum(raters) - 1
    return (Ratings(recode[r.unit[rows]], rater_code[r.rater[rows]], r.value[rows], r.units[kept], r.raters[raters]),
            int((~kept).sum()))


def icc(data: pd.DataFrame, *, unit: str = col.ENTRY_ID, rater: str = col.JUROR_ID, value: str = col.SCORE,
        form: Form = "ICC2", missing: Missing = "available", confidence: float = 0.95, n_boot: int = 0,
        random_state: int | None = None) -> ICCResult:
    r"""Intraclass correlation coefficients, all six forms, on complete or incomplete designs.

    Parameters
    ----------
    data
        Long table, one row per unit × rater (missing ratings allowed).
    form
        The form reported as ``estimate``: ``ICC1``, ``ICC2``, ``ICC3`` (single rater) or
        ``ICC1k``, ``ICC2k``, ``ICC3k`` (mean of k raters). Every form is in ``table``.
    missing
        ``"available"`` (default): every rating is used, by the incomplete-design estimator
        below. ``"listwise"``: only the units rated by every rater are kept (complete cases,
        as pingouin's ``intraclass_corr(nan_policy="omit")`` and R psych's ``ICC`` do); the
        units left out are counted in ``details["units_dropped"]``. See Notes before using it.
    confidence
        Level of the F-based intervals (complete designs) and of the bootstrap interval.
    n_boot, random_state
        With ``n_boot > 0``, every interval (``ci_low``/``ci_high`` and the table's) is a
        percentile bootstrap over units (``random_state`` required), on any design; the
        table's ``interval`` column says which kind each row has.

    Notes
    -----
    Complete design, two-way ANOVA mean squares (rows = units, n of them; k raters):

    .. math:: ICC1 = \frac{MS_R - MS_W}{MS_R + (k-1) MS_W}, \quad
       ICC2 = \frac{MS_R - MS_E}{MS_R + (k-1) MS_E + k (MS_C - MS_E)/n}, \quad
       ICC3 = \frac{MS_R - MS_E}{MS_R + (k-1) MS_E}

    and the k forms :math:`(MS_R - MS_W)/MS_R`, :math:`(MS_R - MS_E)/(MS_R + (MS_C - MS_E)/n)`,
    :math:`(MS_R - MS_E)/MS_R`; intervals from the F distribution (Shrout & Fleiss 1979;
    McGraw & Wong 1996; Satterthwaite degrees of freedom for ICC2).

    Incomplete design: variance components :math:`\sigma^2_u, \sigma^2_r, \sigma^2_e` of
    the crossed model by Henderson's method III: :math:`\hat\sigma^2_e = SSE/(N - n - J + c)`,
    :math:`\hat\sigma^2_u = (R(u \mid r) - (n - c)\hat\sigma^2_e)/(N - J)`,
    :math:`\hat\sigma^2_r = (R(r \mid u) - (J - c)\hat\sigma^2_e)/(N - n)` (N ratings,
    J raters, c connected parts of the design; the reductions :math:`R` come from the
    sparse least-squares fit of :mod:`analytics.stats.additive`). Then
    :math:`ICC2 = \sigma^2_u / (\sigma^2_u + \sigma^2_r + \sigma^2_e)`,
    :math:`ICC3 = \sigma^2_u / (\sigma^2_u + \sigma^2_e)`, ICC1 from the unbalanced
    one-way ANOVA, and the k forms with k the harmonic mean of ratings per unit. On
    complete data these equal the ANOVA values. No F intervals there: use ``n_boot``.

    Listwise deletion (``missing="listwise"``) drops every unit that some rater did not rate,
    then computes the complete-design ANOVA forms, F tests and intervals on what is left: the
    numbers pingouin and psych give on incomplete data. It throws ratings away (a unit missing
    one rating of ten loses the other nine), so its estimate rests on fewer units and, when
    the units some rater skipped differ from the rest (the harder or the later ones), it is
    biased towards the units everyone saw. Use it to reproduce those packages, or when only a
    few units are incomplete; on a design where jurors share out the entries (most units
    incomplete) it keeps little or nothing, and the default estimator is the one to report.

    Reading (Koo & Li 2016): below .50 poor, .50–.75 moderate, .75–.90 good, above .90
    excellent; judge by the interval, not only the estimate.

    References
    ----------
    Shrout, P. E., & Fleiss, J. L. (1979). Intraclass correlations: uses in assessing rater
    reliability. *Psychological Bulletin* 86(2), 420–428. McGraw, K. O., & Wong, S. P.
    (1996). Forming inferences about some intraclass correlation coefficients.
    *Psychological Methods* 1(1), 30–46. Searle, S. R., Casella, G., & McCulloch, C. E.
    (1992). *Variance Components*, ch. 5 (Henderson's method III). Koo, T. K., & Li, M. Y.
    (2016). *J. Chiropractic Medicine* 15(2), 155–163.

    Examples
    --------
    Shrout & Fleiss (1979), Table 2: six targets, four judges; their Table 4 gives
    ICC(1,1) .17, ICC(2,1) .29, ICC(3,1) .71, ICC(1,4) .44, ICC(2,4) .62, ICC(3,4) .91.

    >>> import pandas as pd
    >>> table = [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]]
    >>> long = pd.DataFrame([(t, j, s) for t, row in enumerate(table) for j, s in enumerate(row)],
    ...                     columns=["entry_id", "juror_id", "score"])
    >>> icc(long).table.set_index("form")["estimate"].round(2).tolist()
    [0.17, 0.29, 0.71, 0.44, 0.62, 0.91]

    With one rating missing, listwise deletion keeps the five targets every judge rated:

    >>> holed = long.drop(index=[0])  # target 0 loses judge 0's rating
    >>> listwise = icc(holed, missing="listwise")
    >>> listwise.n_units, listwise.details["units_dropped"], listwise.complete
    (5, 1, True)
    >>> icc(holed).n_units  # the default keeps target 0's other three ratings
    6
    """
    problems = []
    if form not in FORMS:
        problems.append(f"form must be one of {', '.join(FORMS)}; got {form!r}")
    if missing not in MISSING:
        problems.append(f"missing must be 'available' or 'listwise'; got {missing!r}")
    try:
        rng = require_seed(n_boot, random_state)
    except ValueError as error:
        problems.append(str(error))
    if problems:
        raise ValueError("\n".join(problems))
    r = ratings(data, unit, rater, value)
    name = f"icc_{form}"
    dropped = {}
    if missing == "listwise":
        r, n_dropped = _listwise(r)
        dropped = {"units_dropped": n_dropped}
    base = {"n_units": r.n_units, "n_raters": r.n_raters, "n_ratings": len(r), "form": form}
    if r.n_raters < 2 or r.n_units < 2 or len(r) <= r.n_units or np.ptp(r.value) == 0:
        base["table"] = _incomplete_table(dict.fromkeys(FORMS, float("nan")))  # the six rows, NaN: undefined
    if missing == "listwise" and r.n_units < 2:
        return ICCResult(name, float("nan"), details=dropped, reason=f"{r.n_units} unit(s) rated by every rater: "
                         "listwise deletion leaves too few for an ICC (it needs two); use missing='available'", **base)
    if r.n_raters < 2 or r.n_units < 2:
        return ICCResult(name, float("nan"), details=dropped, reason="an ICC needs at least two units and two raters",
                         **base)
    complete = len(r) == r.n_units * r.n_raters
    if not complete and len(r) <= r.n_units:
        return ICCResult(name, float("nan"), complete=False, reason="every unit is rated once: nothing to compare", **base)
    if np.ptp(r.value) == 0:
        return ICCResult(name, float("nan"), complete=complete, details=dropped,
                         reason="every rating has the same value: with no variation, the ICC is undefined", **base)
    components = _components(r)
    table = _complete_table(r, confidence) if complete else _incomplete_table(_from_components(components))
    details = {k: float(v) for k, v in components.items()} | dropped
    if rng is not None:
        boot = _bootstrap(r, n_boot, rng)
        bounds = [percentile_interval(boot[:, i], confidence) for i in range(len(FORMS))]
        table["ci_low"], table["ci_high"] = [b[0] for b in bounds], [b[1] for b in bounds]
        table["interval"] = "bootstrap"
        details["n_boot"] = n_boot
    at = FORMS.index(form)  # the table's rows are the forms in FORMS order
    low, high = float(table["ci_low"].iloc[at]), float(table["ci_high"].iloc[at])
    estimate = float(table["estimate"].iloc[at])
    base["table"] = table
    return ICCResult(name, estimate, ci_low=low, ci_high=high, band=band(estimate, ICC_BANDS), details=details,
                     complete=complete, **base)


def _bootstrap(r: Ratings, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """All six forms on ``n_boot`` resamples of the units (resamples × forms); a drawn unit
    becomes a new unit each time it is drawn. Panels of up to ``DENSE_MAX_RATERS`` raters are
    resampled all at once (:func:`_bootstrap_small`) while its arrays hold at most
    ``BATCH_MAX_VALUES`` numbers; larger designs in chunks of resamples solved together
    (:func:`_bootstrap_large`). Neither loops over resamples, units or raters."""
    draws = rng.integers(0, r.n_units, size=(n_boot, r.n_units))
    if r.n_raters <= DENSE_MAX_RATERS and (r.n_units + n_boot) * r.n_raters**2 <= BATCH_MAX_VALUES:
        return _bootstrap_small(r, draws)
    return _bootstrap_large(r, draws)


def _bootstrap_loop(r: Ratings, draws: np.ndarray, which: np.ndarray | None = None) -> np.ndarray:
    """:func:`_components` on each resample in turn (rows ``which`` of ``draws``; NaN elsewhere):
    the reference the batched bootstraps are tested against, and their fallback for a resample
    whose iterative solve does not converge."""
    by_unit = np.argsort(r.unit, kind="stable")
    starts = np.searchsorted(r.unit[by_unit], np.arange(r.n_units + 1))
    out = np.full((len(draws), len(FORMS)), np.nan)
    for b in range(len(draws)) if which is None else which:
        drawn = draws[b]
        lengths = starts[drawn + 1] - starts[drawn]
        begin = np.repeat(starts[drawn] - np.concatenate(([0], np.cumsum(lengths)[:-1])), lengths)
        rows = by_unit[begin + np.arange(lengths.sum())]
        sample = Ratings(np.repeat(np.arange(r.n_units), lengths), r.rater[rows], r.value[rows], r.units, r.raters)
        seen = np.zeros(r.n_raters, dtype=bool)
        seen[sample.rater] = True
        recode = np.cumsum(seen) - 1  # lookup table: old rater code -> code among the raters drawn
        sample = Ratings(sample.unit, recode[sample.rater], sample.value, sample.units, r.raters[seen])
        if np.ptp(sample.value) > 0:
            with np.errstate(divide="ignore", invalid="ignore"):
                out[b] = list(_from_components(_components(sample)).values())
    return out


#: the batched conjugate-gradient solve stops at this residual, relative to the right-hand side
CG_TOLERANCE = 1e-11
CG_MAX_ITERATIONS = 2000


def _bootstrap_large(r: Ratings, draws: np.ndarray) -> np.ndarray:
    """:func:`_bootstrap_small`'s sums for a design of any size, in chunks of resamples.

    Per chunk, the resamples' weights (chunk × units) give every sum of Henderson's method
    by sparse products; the juror systems, one weighted graph Laplacian per resample, are
    solved together by Jacobi-preconditioned conjugate gradients applied to all of them at
    once (a product costs two passes over the ratings per resample); the connected parts of
    each resampled design come from one ``scipy.sparse.csgraph.connected_components`` call on
    the chunk's designs side by side. Only the quadratic form ``b' rhs`` enters the ICC, and
    conjugate gradients make its error the square of the solve's. A resample whose solve does
    not reach :data:`CG_TOLERANCE` is computed exactly, on its own (:func:`_bootstrap_loop`).
    Cost: O(resamples × ratings × iterations) arithmetic, O(chunk × (units + raters)) memory.
    """
    n_boot, n_u, n_r = len(draws), r.n_units, r.n_raters
    y, unit, rater = r.value, r.unit, r.rater
    c = np.bincount(unit, minlength=n_u).astype(float)
    s = np.bincount(unit, weights=y, minlength=n_u)
    q = np.bincount(unit, weights=y * y, minlength=n_u)
    incidence = sparse.csr_matrix((np.ones(len(y)), (unit, rater)), shape=(n_u, n_r))
    sums = sparse.csr_matrix((y, (unit, rater)), shape=(n_u, n_r))
    incidence.sort_indices()
    low_u, high_u = _unit_extreme(r, np.minimum, np.inf), _unit_extreme(r, np.maximum, -np.inf)
    out = np.full((n_boot, len(FORMS)), np.nan)
    chunk = max(1, min(n_boot, BATCH_MAX_VALUES // (8 * (n_u + n_r))))
    for start in range(0, n_boot, chunk):  # chunks of resamples, for memory: each is solved as one
        block = draws[start:start + chunk]
        k = len(block)
        w = np.bincount((np.arange(k)[:, None] * n_u + block).ravel(), minlength=k * n_u).reshape(k, n_u).astype(float)
        n = w @ c
        t0, t_u, t_mu = w @ q, w @ (s * s / c), (w @ s) ** 2 / n
        count_r = np.asarray(incidence.T @ w.T).T  # chunk × raters
        y_r = np.asarray(sums.T @ w.T).T
        seen = count_r > 0
        with np.errstate(divide="ignore", invalid="ignore"):
            t_r = np.where(seen, y_r * y_r / np.where(seen, count_r, 1), 0).sum(axis=1)
        rhs = y_r - np.asarray(incidence.T @ (w.T * (s / c)[:, None])).T
        b, converged = _solve_laplacians(incidence, w / c, count_r, rhs)
        t_full = t_u + (b * rhs).sum(axis=1)
        parts = _parts_drawn(incidence, w > 0)
        n_raters = seen.sum(axis=1)
        low = np.where(w > 0, low_u, np.inf).min(axis=1)
        high = np.where(w > 0, high_u, -np.inf).max(axis=1)
        out[start:start + k] = _forms_of(n, n_u, n_raters, parts, t0, t_u, t_mu, t_r, t_full, w @ (c * c),
                                         n_u / (w @ (1 / c)), low, high)
        failed = np.flatnonzero(~converged)
        if failed.size:
            out[start + failed] = _bootstrap_loop(r, block, failed)[failed]
    return out


def _solve_laplacians(incidence: sparse.csr_matrix, unit_weights: np.ndarray, count_r: np.ndarray,
                      rhs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Solve M_b x_b = rhs_b for every row b, M_b = diag(count_r[b]) - N' diag(unit_weights[b]) N
    (N the units × raters incidence), by conjugate gradients on all rows at once with the
    diagonal as preconditioner; the solutions (rows) and whether each converged. M_b is
    singular (constant within each connected part, zero for a rater not drawn) and rhs_b lies
    in its range, so the iterates stay there."""
    weights_t = unit_weights.T  # units × chunk
    diag = count_r - np.asarray((incidence.multiply(incidence)).T @ weights_t).T
    inverse = np.where(diag > 1e-12, 1.0 / np.where(diag > 1e-12, diag, 1.0), 0.0).T  # raters × chunk

    def product(x: np.ndarray) -> np.ndarray:  # raters × chunk
        return count_r.T * x - incidence.T @ (weights_t * (incidence @ x))

    target = rhs.T.copy()
    scale = np.sqrt((target * target).sum(axis=0))
    x = np.zeros_like(target)
    residual = target.copy()
    z = inverse * residual
    direction = z.copy()
    rz = (residual * z).sum(axis=0)
    done = scale == 0
    for _ in range(CG_MAX_ITERATIONS):  # iterations of one solve, not resamples
        if done.all():
            break
        moved = product(direction)
        curvature = (direction * moved).sum(axis=0)
        step = np.where(~done & (curvature > 0), rz / np.where(curvature > 0, curvature, 1.0), 0.0)
        x += step * direction
        residual -= step * moved
        done |= np.sqrt((residual * residual).sum(axis=0)) <= CG_TOLERANCE * scale
        z = inverse * residual
        rz_next = (residual * z).sum(axis=0)
        direction = z + np.where(rz > 0, rz_next / np.where(rz > 0, rz, 1.0), 0.0) * direction
        rz = rz_next
    return x.T, done


def _parts_drawn(incidence: sparse.csr_matrix, drawn: np.ndarray) -> np.ndarray:
    """For each row of ``drawn`` (chunk × units: the units a resample drew), the number of
    connected parts of the design made of those units and their raters: one connected-components
    call on the chunk's designs laid side by side (a part never crosses from one to another)."""
    k, (n_u, n_r) = len(drawn), incidence.shape
    size = n_u + n_r
    which, units = np.nonzero(drawn)
    lengths = np.diff(incidence.indptr)[units]
    starts = np.repeat(incidence.indptr[units], lengths)
    offsets = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    raters = incidence.indices[starts + offsets]
    block = np.repeat(which, lengths) * size
    edges = sparse.csr_matrix((np.ones(len(raters)), (block + np.repeat(units, lengths), block + n_u + raters)),
                              shape=(k * size, k * size))
    _, labels = csgraph.connected_components(edges, directed=False)
    _, first = np.unique(labels, return_index=True)
    components = np.bincount(first // size, minlength=k)  # per design, isolated nodes included
    drawn_raters = np.zeros((k, n_r), dtype=bool)
    drawn_raters[np.repeat(which, lengths), raters] = True
    return components - (n_u - drawn.sum(axis=1)) - (n_r - drawn_raters.sum(axis=1))


def _forms_of(n, n_u, n_raters, parts, t0, t_u, t_mu, t_r, t_full, wcc, k, low, high) -> np.ndarray:
    """The six forms (resamples × forms) from each resample's sums (Henderson's method III, as
    :func:`_components`); NaN for a resample with one value throughout."""
    with np.errstate(divide="ignore", invalid="ignore"):
        df_e = n - n_u - n_raters + parts
        error = np.where(df_e > 0, (t0 - t_full) / df_e, np.nan)
        unit_var = np.where(n > n_raters, ((t_full - t_r) - (n_u - parts) * error) / (n - n_raters), np.nan)
        rater_var = np.where(n > n_u, ((t_full - t_u) - (n_raters - parts) * error) / (n - n_u), np.nan)
        ms_between = (t_u - t_mu) / (n_u - 1) if n_u > 1 else np.full(len(n), np.nan)
        ms_within = np.where(n > n_u, (t0 - t_u) / (n - n_u), np.nan)
        n0 = (n - wcc / n) / (n_u - 1) if n_u > 1 else np.full(len(n), np.nan)
        forms = _from_components({"unit": unit_var, "rater": rater_var, "error": error, "ms_between": ms_between,
                                  "ms_within": ms_within, "oneway_unit": (ms_between - ms_within) / n0,
                                  "k": k, "total": (t0 - t_mu) / n})
    out = np.column_stack([forms[f] for f in FORMS])
    out[~(high > low)] = np.nan  # a resample with one value throughout: the ICC is undefined
    return out


def _bootstrap_small(r: Ratings, draws: np.ndarray) -> np.ndarray:
    """:func:`_components` on every resample at once, for a panel of at most
    ``DENSE_MAX_RATERS`` raters (resamples × forms).

    A resample is a weight per unit (how often it was drawn), and every sum Henderson's
    method needs is linear in those weights: the resamples × units weight matrix times
    per-unit sums gives each resample's totals, and the juror system of the least-squares
    fit is the weighted sum of each unit's raters × raters block. Each resample's connected
    parts come from its raters' reachability (:func:`_same_part`), and its system, made
    non-singular part by part, is solved by one batched ``numpy.linalg.solve`` (ten times
    faster than the eigendecomposition used before, with the same sums to rounding). Cost:
    O(resamples × (units × raters² + raters³ log raters)) arithmetic and
    O((units + resamples) × raters²) memory, no Python loop over resamples.
    """
    n_boot, n_u, n_r = len(draws), r.n_units, r.n_raters
    w = np.zeros((n_boot, n_u))
    np.add.at(w, (np.repeat(np.arange(n_boot), n_u), draws.ravel()), 1.0)
    y, unit, rater = r.value, r.unit, r.rater
    c = np.bincount(unit, minlength=n_u).astype(float)
    s = np.bincount(unit, weights=y, minlength=n_u)
    q = np.bincount(unit, weights=y * y, minlength=n_u)
    incidence = np.zeros((n_u, n_r))
    incidence[unit, rater] = 1.0
    sums = np.zeros((n_u, n_r))
    sums[unit, rater] = y
    blocks = (incidence[:, :, None] * incidence[:, None, :] / c[:, None, None]).reshape(n_u, n_r * n_r)
    n = w @ c
    t0, t_u, t_mu = w @ q, w @ (s * s / c), (w @ s) ** 2 / n
    count_r, y_r = w @ incidence, w @ sums
    seen = count_r > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        t_r = np.where(seen, y_r * y_r / np.where(seen, count_r, 1), 0).sum(axis=1)
    system = -(w @ blocks).reshape(n_boot, n_r, n_r)
    system[:, np.arange(n_r), np.arange(n_r)] += count_r
    rhs = y_r - w @ (incidence * (s / c)[:, None])
    together = _same_part(system < 0)  # resamples × raters × raters: 1 where two raters are in one connected part
    size = together.sum(axis=2)
    # the system is a weighted graph Laplacian: adding, per connected part, its indicator's outer product over
    # its size makes it non-singular without changing the solution on the right-hand side (which sums to zero
    # within each part); a rater not drawn is a part of one, whose row becomes 1 b = 0
    b = np.linalg.solve(system + together / size[:, :, None], rhs[:, :, None])[:, :, 0]
    t_full = t_u + (b * rhs).sum(axis=1)
    n_raters = seen.sum(axis=1)
    parts = np.rint(np.where(seen, 1.0 / size, 0.0).sum(axis=1)).astype(int)  # each part's members add up to 1
    low = np.where(w > 0, _unit_extreme(r, np.minimum, np.inf), np.inf).min(axis=1)
    high = np.where(w > 0, _unit_extreme(r, np.maximum, -np.inf), -np.inf).max(axis=1)
    return _forms_of(n, n_u, n_raters, parts, t0, t_u, t_mu, t_r, t_full, w @ (c * c), n_u / (w @ (1 / c)), low, high)


def _same_part(linked: np.ndarray) -> np.ndarray:
    """For stacked adjacency matrices (batch × raters × raters, ``True`` where two raters share
    a unit), 1.0 where two raters are in the same connected part (a rater with itself included),
    0.0 elsewhere: the reachability matrix by repeated squaring, O(batch × raters³ × log raters)."""
    n_r = linked.shape[-1]
    reach = (linked | np.eye(n_r, dtype=bool)).astype(float)
    for _ in range(max(int(np.ceil(np.log2(max(n_r, 2)))), 1)):
        if reach.all():  # every rater reaches every other (a panel whose jurors all share entries): done
            break
        wider = (reach @ reach > 0).astype(float)
        if np.array_equal(wider, reach):
            break
        reach = wider
    return reach


def _unit_extreme(r: Ratings, ufunc, start: float) -> np.ndarray:
    """Per unit, the smallest (``np.minimum``) or largest (``np.maximum``) rating."""
    out = np.full(r.n_units, start)
    ufunc.at(out, r.unit, r.value)
    return out
