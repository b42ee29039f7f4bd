"""Juror severity: how much harsher or kinder each juror scores than the panel, with error bars.

Severity comes from the crossed additive model score = entry + juror + noise
(:mod:`analytics.stats.additive`), fitted per lane on each criterion and on the weighted total,
so an incomplete design works and a juror who happened to get weaker entries is not
called harsh. A juror's effect is relative to the panel (effects sum to zero within each
connected part of the design); jurors in different parts cannot be compared
(:mod:`analytics.checks.design_parts` names them). A juror on several panels also has a line
across lanes (:func:`juror_across_lanes`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse, special
from analytics.base import columns as col
from analytics.stats.additive import DENSE_MAX_RATERS
from analytics.load.festival import Festival
from analytics.checks.family import CheckFamily, on_scores
from analytics.checks.flags import Flag, FlagKind, in_round
from analytics.rules.scoring import WEIGHTED_TOTAL
from analytics.checks.shared import LaneFit, Shared


#: the flags this family raises
JUROR_SEVERITY = FlagKind("juror_severity", "warning", about_juror=True)


#: the juror system's eigenvalues below this share of the largest are its parts' null directions, not information
PINV_RCOND = 1e-10

SEVERITY_COLUMNS = ["lane", "round", "scope", "juror_id", "severity", "se", "ci_low", "ci_high", "n_scores", "part",
                    "reason"]

#: why a juror's severity is not estimated where every juror of the lane scored one entry
ONE_EACH_NO_SEVERITY = ("does not apply: each juror scored one entry, so a juror's leniency cannot be told apart from "
                        "the entry's merit (severity needs jurors who score several entries)")


#: the normal quantile of a 95% interval
Z95 = float(special.ndtri(0.975))  # the normal quantile, as scipy.stats.norm.ppf computes it


#: up to this many units × jurors the juror system's cross products are formed densely
DENSE_CROSS_MAX = 1_000_000


def rater_effects(lane_fit: LaneFit) -> dict[str, np.ndarray]:
    """One lane and scope: the columns of :data:`SEVERITY_COLUMNS` from ``juror_id`` to ``part``,
    as arrays: each rater's effect in the additive model (a juror's severity; an assessor's lean,
    :mod:`analytics.checks.assessed`). Cost: O(scores) plus a dense pseudo-inverse of the juror system (O(jurors³))."""
    unit, rater, raters, fit = lane_fit.unit, lane_fit.rater, lane_fit.raters, lane_fit.fit
    n_units, n_raters = len(lane_fit.units), len(raters)
    y = lane_fit.data[col.SCORE].to_numpy(dtype=float)
    df = len(y) - n_units - n_raters + fit.n_components
    sigma2 = float(((y - fit.fitted) ** 2).sum() / df) if df > 0 else np.nan
    se = np.full(n_raters, np.nan)
    counts = np.bincount(rater, minlength=n_raters)
    if n_raters <= DENSE_MAX_RATERS * 8 and not np.isnan(sigma2):
        # covariance of the centred juror effects: sigma^2 times the pseudo-inverse of the juror system
        # C = diag(scores per juror) - N' diag(1 / scores per unit) N, N the units × jurors
        # incidence (O(sum over units of jurors²) sparse, or dense while units × jurors is small),
        # then a dense pseudo-inverse (O(jurors³))
        n_u = np.maximum(np.bincount(unit, minlength=n_units), 1).astype(float)
        if n_units * n_raters <= DENSE_CROSS_MAX:
            incidence = np.zeros((n_units, n_raters))
            incidence[unit, rater] = 1.0
            cross = incidence.T @ (incidence / n_u[:, None])
        else:
            incidence = sparse.csr_matrix((np.ones(len(unit)), (unit, rater)), shape=(n_units, n_raters))
            cross = (incidence.T @ sparse.diags(1.0 / n_u) @ incidence).toarray()
        # (one zero eigenvalue per part of the design: cut at a relative 1e-10, so that rounding noise
        # in a design of several parts, such as rotating panels, is not inverted into huge errors)
        system = np.diag(counts.astype(float)) - cross
        se = np.sqrt(np.maximum(np.diag(np.linalg.pinv(system, rcond=PINV_RCOND)), 0) * sigma2)
    return {col.JUROR_ID: np.asarray(raters, dtype=object), "severity": fit.b, "se": se, "ci_low": fit.b - Z95 * se,
            "ci_high": fit.b + Z95 * se, "n_scores": counts, "part": fit.rater_component}


def juror_severity(data: Festival | Shared, *, lanes: list[str] | None = None,
                   scopes: list[str] | None = None) -> pd.DataFrame:
    """Per lane, scope (criterion or weighted total) and juror: the juror effect of the
    additive model in score points (positive: more lenient than the panel), its standard
    error and 95% interval, the number of scores, and the connected ``part`` of the design;
    ``reason`` says why a juror has no severity (in a lane where every juror scored one entry,
    :data:`ONE_EACH_NO_SEVERITY`), empty otherwise.
    On the weighted total the effect is divided by the sum of the lane's factors (1 under
    ``weighted_mean``), so it is in points of the scale under ``weighted_sum`` too, the unit
    of ``severity_max``, and comparable across lanes with different factors.

    Notes
    -----
    With residual variance :math:`\\hat\\sigma^2 = SSE / (N - n - J + c)`, the centred juror
    effects have covariance :math:`\\hat\\sigma^2 C^+`, where C is the juror system of the
    least-squares fit (:mod:`analytics.stats.additive`) and :math:`C^+` its pseudo-inverse; SEs
    are computed for panels of up to 512 jurors (NaN beyond). The table is built once from
    each lane's arrays (no frame per lane and scope).
    """
    shared = Shared.of(data, lanes)
    parts = []
    for lane, rnd in shared.stages:
        for scope in scopes or shared.scopes(lane):
            ratings = shared.ratings(lane, scope, rnd)
            if ratings.empty:
                continue
            if shared.one_entry_each(lane, scope, rnd):  # not estimable
                n = len(ratings)
                parts.append({col.JUROR_ID: ratings[col.JUROR_ID].to_numpy(dtype=object), "severity": np.full(n, np.nan),
                              "se": np.full(n, np.nan), "ci_low": np.full(n, np.nan), "ci_high": np.full(n, np.nan),
                              "n_scores": np.ones(n, dtype=np.int64), "part": np.zeros(n, dtype=np.int64),
                              "reason": np.full(n, ONE_EACH_NO_SEVERITY, dtype=object), "lane": np.full(n, lane, dtype=object),
                              "round": np.full(n, rnd, dtype=object), "scope": np.full(n, scope, dtype=object)})
                continue
            one = rater_effects(shared.fit(lane, scope, rnd))
            one["reason"] = np.full(len(one[col.JUROR_ID]), "", dtype=object)
            if scope == WEIGHTED_TOTAL:  # in points of the scale: a weighted sum's total counts each point sum(factors) times
                points = sum(shared.config.criterion_weights(lane).values())
                one.update({name: one[name] / points for name in ("severity", "se", "ci_low", "ci_high")})
            n = len(one[col.JUROR_ID])
            one.update(lane=np.full(n, lane, dtype=object), round=np.full(n, rnd, dtype=object),
                       scope=np.full(n, scope, dtype=object))
            parts.append(one)
    if not parts:
        return pd.DataFrame(columns=SEVERITY_COLUMNS)
    return pd.DataFrame({name: np.concatenate([p[name] for p in parts]) for name in SEVERITY_COLUMNS})


ALL_LANES = col.ALL_LANES  # the lane of a juror's line across every lane they judge


def juror_across_lanes(severity: pd.DataFrame) -> pd.DataFrame:
    """The line across lanes of each juror who judges in several lanes: per scope, their
    severity over every lane, the lanes' severities weighted by the juror's number of scores
    in each, with ``se = sqrt(sum((n_l / n)^2 se_l^2))`` (the lanes' fits are independent)
    and its 95% interval; ``lane`` is ``"all"`` and ``part`` empty. Jurors of one lane have
    no such row (their lane's row says it all).

    >>> s = pd.DataFrame({"lane": ["a", "b", "a"], "round": "", "scope": "t", "juror_id": ["J1", "J1", "J2"],
    ...                   "severity": [1.0, -0.5, 0.2], "se": [0.2, 0.4, 0.1], "ci_low": 0.0, "ci_high": 0.0,
    ...                   "n_scores": [30, 10, 20], "part": 0})
    >>> juror_across_lanes(s)[["lane", "juror_id", "severity", "n_scores"]].to_dict("records")
    [{'lane': 'all', 'juror_id': 'J1', 'severity': 0.625, 'n_scores': 40}]
    """
    keys = [col.JUROR_ID, col.ROUND, "scope"] if col.ROUND in severity else [col.JUROR_ID, "scope"]
    several = severity.groupby(keys)[col.LANE].transform("nunique") > 1
    rows = severity[several]
    if rows.empty:
        return pd.DataFrame(columns=SEVERITY_COLUMNS)
    n = rows.groupby(keys)["n_scores"].transform("sum")
    share = rows["n_scores"] / n
    parts = rows.assign(weighted=share * rows["severity"], variance=share**2 * rows["se"] ** 2)
    out = parts.groupby(keys, sort=False).agg(severity=("weighted", "sum"), variance=("variance", "sum"),
                                                                  n_scores=("n_scores", "sum")).reset_index()
    z = Z95
    se = np.sqrt(out["variance"])
    out = out.assign(lane=ALL_LANES, se=se, ci_low=out["severity"] - z * se, ci_high=out["severity"] + z * se, part=pd.NA,
                     reason="")
    return out[SEVERITY_COLUMNS]


def severity_flags(data: Festival | Shared, severity: pd.DataFrame) -> list[Flag]:
    """A warning for each lenient or harsh juror: beyond ``severity_max`` points on the
    weighted total, with an interval that excludes 0."""
    shared = Shared.of(data)
    checks, names = shared.config.checks, shared.lane_names
    flags = []
    total = severity[severity["scope"] == WEIGHTED_TOTAL]
    for row in total.itertuples(index=False):
        if abs(row.severity) >= checks.severity_max and (row.ci_low > 0 or row.ci_high < 0):
            kind = "more lenient" if row.severity > 0 else "harsher"
            flags.append(JUROR_SEVERITY.flag(row.lane,
                                   f"{names[row.lane]}{in_round(row.round)}: juror {row.juror_id} scores {abs(row.severity):.2f} points {kind} "
                                   f"than the panel on the weighted total (95% interval {row.ci_low:+.2f} to "
                                   f"{row.ci_high:+.2f}), after allowing for which entries they judged.",
                                   juror_id=row.juror_id, round=row.round, value=row.severity,
                                   threshold=checks.severity_max))
    return flags


FAMILY = CheckFamily("juror_severity", juror_severity, severity_flags,
                     configured=on_scores, columns=tuple(SEVERITY_COLUMNS), kinds=(JUROR_SEVERITY,),
                     output=True,
                     shows="sections/jurors.html.j2")
