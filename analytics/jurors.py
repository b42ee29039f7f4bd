"""Juror behaviour: severity with error bars, straight-lining, halo, and jurors out of line.

Severity comes from the crossed additive model score = entry + juror + noise
(:mod:`analytics.additive`), fitted per lane on each criterion and on the weighted total,
so an incomplete design works and a juror who happened to get weaker entries is not
called harsh. A juror's effect is relative to the panel (effects sum to zero within each
connected part of the design); jurors in different parts cannot be compared, and
:func:`design_parts` names them.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy import sparse, stats

from . import columns as col
from .additive import DENSE_MAX_RATERS, fit_additive
from .festival import Festival
from .flags import Flag, make_flag
from .scoring import WEIGHTED_TOTAL
from .shared import LaneFit, Shared

SEVERITY_COLUMNS = ["lane", "round", "scope", "juror_id", "severity", "se", "ci_low", "ci_high", "n_scores", "part"]


#: the normal quantile of a 95% interval
Z95 = float(stats.norm.ppf(0.975))
#: up to this many units × jurors the juror system's cross products are formed densely
DENSE_CROSS_MAX = 1_000_000


def _severity_one(lane_fit: LaneFit) -> dict[str, np.ndarray]:
    """One lane and scope: the columns of :data:`SEVERITY_COLUMNS` from ``juror_id`` to ``part``,
    as arrays. Cost: O(scores) plus a dense pseudo-inverse of the juror system (O(jurors³))."""
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
        se = np.sqrt(np.maximum(np.diag(np.linalg.pinv(np.diag(counts.astype(float)) - cross)), 0) * sigma2)
    return {col.JUROR_ID: np.asarray(raters, dtype=object), "severity": fit.b, "se": se, "ci_low": fit.b - Z95 * se,
            "ci_high": fit.b + Z95 * se, "n_scores": counts, "part": fit.rater_component}


def juror_severity(data: Festival | Shared, *, lanes: list[str] | None = None,
                   scopes: list[str] | None = None) -> pd.DataFrame:
    """Per lane, scope (criterion or weighted total) and juror: the juror effect of the
    additive model in score points (positive: more lenient than the panel), its standard
    error and 95% interval, the number of scores, and the connected ``part`` of the design.
    On the weighted total the effect is divided by the sum of the lane's factors (1 under
    ``weighted_mean``), so it is in points of the scale under ``weighted_sum`` too, the unit
    of ``severity_max``, and comparable across lanes with different factors.

    Notes
    -----
    With residual variance :math:`\\hat\\sigma^2 = SSE / (N - n - J + c)`, the centred juror
    effects have covariance :math:`\\hat\\sigma^2 C^+`, where C is the juror system of the
    least-squares fit (:mod:`analytics.additive`) and :math:`C^+` its pseudo-inverse; SEs
    are computed for panels of up to 512 jurors (NaN beyond). The table is built once from
    each lane's arrays (no frame per lane and scope).
    """
    shared = Shared.of(data, lanes)
    parts = []
    for lane, rnd in shared.stages:
        for scope in scopes or shared.scopes(lane):
            if shared.ratings(lane, scope, rnd).empty:
                continue
            one = _severity_one(shared.fit(lane, scope, rnd))
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
    z = stats.norm.ppf(0.975)
    se = np.sqrt(out["variance"])
    out = out.assign(lane=ALL_LANES, se=se, ci_low=out["severity"] - z * se, ci_high=out["severity"] + z * se, part=pd.NA)
    return out[SEVERITY_COLUMNS]


def design_parts(data: Festival | Shared, *, lanes: list[str] | None = None) -> pd.DataFrame:
    """The connected parts of each lane's (and round's) design: ``lane, round, part, n_jurors,
    n_entries, jurors, entries`` (the last two: the ids joined with ';', for reading). More
    than one part means some jurors' severities cannot be compared (no chain of shared entries
    links them)."""
    shared = Shared.of(data, lanes)
    rows = []
    pairs = shared.scores.drop_duplicates([col.LANE, col.ROUND, col.ENTRY_ID, col.JUROR_ID])
    for (lane, rnd), data in pairs.groupby([col.LANE, col.ROUND], sort=False):
        unit, units = pd.factorize(data[col.ENTRY_ID])
        rater, raters = pd.factorize(data[col.JUROR_ID])
        fit = fit_additive(unit, rater, np.zeros(len(unit)), len(units), len(raters))
        for part in range(fit.n_components):  # the parts of one design: a handful
            jurors = sorted(raters[fit.rater_component == part])
            entries = sorted(units[fit.unit_component == part])
            rows.append([lane, rnd, part, len(jurors), len(entries), ";".join(jurors), ";".join(entries)])
    return pd.DataFrame(rows, columns=["lane", "round", "part", "n_jurors", "n_entries", "jurors", "entries"])


def _groups(frame: pd.DataFrame, keys: list[str]) -> tuple[np.ndarray, pd.MultiIndex]:
    """Each row's group of ``keys`` as a code, and the groups in order of first appearance."""
    codes, groups = pd.MultiIndex.from_frame(frame[keys]).factorize()
    return codes, groups


def _pearson_coded(codes: np.ndarray, n_groups: int, x: np.ndarray, y: np.ndarray, at_least: int = 3) -> np.ndarray:
    """Pearson's r of ``x`` and ``y`` within each group (``codes``), from sums by ``np.bincount``:
    O(rows). NaN where either is constant or the group has fewer than ``at_least`` rows."""
    def total(w=None):
        return np.bincount(codes, weights=w, minlength=n_groups)

    n, sx, sy = total(), total(x), total(y)
    xx, yy, xy = total(x * x), total(y * y), total(x * y)
    with np.errstate(invalid="ignore", divide="ignore"):
        cov = xy - sx * sy / n
        vx, vy = xx - sx**2 / n, yy - sy**2 / n
        tiny = 1e-12 * (1 + np.abs(xx) + np.abs(yy))
        return np.where((vx > tiny) & (vy > tiny) & (n >= at_least), cov / np.sqrt(vx * vy), np.nan)


def _pearson_by_group(frame: pd.DataFrame, keys: list[str], x: str, y: str, *, at_least: int = 3) -> pd.Series:
    """Pearson's r of columns x and y within each group of ``keys``, from sums; NaN where
    either is constant or the group has fewer than ``at_least`` rows."""
    codes, groups = _groups(frame, keys)
    r = _pearson_coded(codes, len(groups), frame[x].to_numpy(float), frame[y].to_numpy(float), at_least)
    return pd.Series(r, index=groups)


def juror_behaviour(data: Festival | Shared, *, lanes: list[str] | None = None) -> pd.DataFrame:
    """Per lane (and round) and juror: ``sd`` of all their scores (straight-lining), ``halo``
    (mean correlation between their criteria over the entries they scored on every criterion
    of the lane, at least three; NaN with one criterion, where halo does not apply), and
    ``rho_rest`` (Spearman correlation of their weighted totals with the mean of the other
    jurors' on the same entries, over at least three such entries).

    Notes
    -----
    Every statistic comes from sums grouped by juror (:func:`_pearson_by_group`): O(scores ×
    criteria²), no loop over jurors or entries. Spearman's rho is Pearson's r of the average
    ranks within each juror, as ``scipy.stats.spearmanr`` computes it.
    """
    shared = Shared.of(data, lanes)
    s, t, config = shared.scores, shared.totals, shared.config
    stage = [col.LANE, col.ROUND, col.JUROR_ID]
    spread = s.groupby(stage, sort=False)[col.SCORE].agg(n_scores="size", sd="std")
    # halo: the juror's criteria against each other, lanes with the same criteria together
    wide = s.pivot_table(index=[*stage, col.ENTRY_ID], columns=col.CRITERION, values=col.SCORE, aggfunc="first")
    halos = []
    by_criteria: dict[tuple[str, ...], list[str]] = {}
    for lane in shared.lanes:
        by_criteria.setdefault(config.lane_criteria(lane), []).append(lane)
    for criteria, group in by_criteria.items():  # a few criteria sets, a handful of pairs each
        if len(criteria) < 2:
            continue
        rows = wide[wide.index.get_level_values(col.LANE).isin(group)][list(criteria)].dropna().reset_index()
        codes, groups = _groups(rows, stage)
        values = {c: rows[c].to_numpy(float) for c in criteria}
        pairs = np.column_stack([_pearson_coded(codes, len(groups), values[a], values[b])
                                 for i, a in enumerate(criteria) for b in criteria[i + 1:]])  # a handful of pairs
        with warnings.catch_warnings():  # a juror with no correlation on any pair: NaN, as intended
            warnings.simplefilter("ignore", RuntimeWarning)
            halos.append(pd.Series(np.nanmean(pairs, axis=1), index=groups))
    halo = pd.concat(halos) if halos else pd.Series(dtype=float)
    # out of line: the juror's totals against the mean of the other jurors on the same entries
    entry = t.groupby([col.LANE, col.ROUND, col.ENTRY_ID])[col.SCORE].agg(["sum", "size"])
    at = pd.MultiIndex.from_frame(t[[col.LANE, col.ROUND, col.ENTRY_ID]])
    others = entry["size"].reindex(at).to_numpy() - 1
    with np.errstate(invalid="ignore", divide="ignore"):
        rest = (entry["sum"].reindex(at).to_numpy() - t[col.SCORE].to_numpy()) / np.where(others > 0, others, np.nan)
    mine = t.assign(rest=rest)[others > 0]
    grouped = mine.groupby(stage, sort=False)
    ranked = mine[stage].assign(x=grouped[col.SCORE].rank(method="average"), y=grouped["rest"].rank(method="average"))
    rho = _pearson_by_group(ranked, stage, "x", "y")
    out = spread.assign(halo=halo.reindex(spread.index).to_numpy(), rho_rest=rho.reindex(spread.index).to_numpy())
    return out.reset_index()[["lane", "round", "juror_id", "n_scores", "sd", "halo", "rho_rest"]]


def _in(rnd: str) -> str:
    return f", round {rnd}" if rnd else ""


def halo_applies(config, lane: str) -> bool:
    """Halo (criteria that move together inside one juror) needs two criteria or more in the lane."""
    return len(config.lane_criteria(lane)) >= 2


def halo_note(festival: Festival) -> str:
    """A sentence naming the lanes where halo does not apply (one criterion); empty when it applies everywhere.

    >>> from analytics import load_festival
    >>> halo_note(load_festival("data/examples/one-score"))
    'Halo does not apply in Piano, Strings: it needs two criteria or more, and these lanes score one.'
    """
    single = [lane.name for lane in festival.config.lanes if not halo_applies(festival.config, lane.id)]
    if not single:
        return ""
    return (f"Halo does not apply in {', '.join(single)}: it needs two criteria or more, and "
            f"{'this lane scores' if len(single) == 1 else 'these lanes score'} one.")


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
            flags.append(make_flag("juror_severity", "warning", row.lane,
                                   f"{names[row.lane]}{_in(row.round)}: juror {row.juror_id} scores {abs(row.severity):.2f} points {kind} "
                                   f"than the panel on the weighted total (95% interval {row.ci_low:+.2f} to "
                                   f"{row.ci_high:+.2f}), after allowing for which entries they judged.",
                                   juror_id=row.juror_id, round=row.round, value=row.severity,
                                   threshold=checks.severity_max))
    return flags


def behaviour_flags(data: Festival | Shared, behaviour: pd.DataFrame) -> list[Flag]:
    """Warnings for straight-liners (sd below ``straightline_max_sd``), halo (mean criterion
    correlation at least ``halo_min`` and ``halo_margin`` above the panel's median) and
    jurors out of line (``rho_rest`` below ``out_of_line_max_rho``)."""
    shared = Shared.of(data)
    checks, names = shared.config.checks, shared.lane_names
    flags = []
    for (lane, rnd), group in behaviour.groupby(["lane", "round"], sort=False):
        panel_halo = group["halo"].median()
        where = f"{names[lane]}{_in(rnd)}"
        for row in group.itertuples(index=False):
            if row.sd < checks.straightline_max_sd:
                flags.append(make_flag("straight_lining", "warning", lane,
                                       f"{where}: juror {row.juror_id} gives nearly the same score to everything "
                                       f"(standard deviation {row.sd:.2f} over {row.n_scores} scores).",
                                       juror_id=row.juror_id, round=rnd, value=row.sd,
                                       threshold=checks.straightline_max_sd))
            if row.halo >= checks.halo_min and row.halo - panel_halo >= checks.halo_margin:
                flags.append(make_flag("halo", "warning", lane,
                                       f"{where}: juror {row.juror_id}'s criteria move together (mean correlation "
                                       f"{row.halo:.2f}, panel median {panel_halo:.2f}): one impression may drive every score.",
                                       juror_id=row.juror_id, round=rnd, value=row.halo,
                                       threshold=checks.halo_min))
            if row.rho_rest < checks.out_of_line_max_rho:
                flags.append(make_flag("juror_out_of_line", "warning", lane,
                                       f"{where}: juror {row.juror_id} ranks the entries unlike the rest of the "
                                       f"panel (Spearman {row.rho_rest:.2f} with the others' mean).",
                                       juror_id=row.juror_id, round=rnd, value=row.rho_rest,
                                       threshold=checks.out_of_line_max_rho))
    return flags


def parts_flags(data: Festival | Shared, parts: pd.DataFrame) -> list[Flag]:
    """A warning for each lane whose design falls apart into parts that share no entry."""
    names = Shared.of(data).lane_names
    flags = []
    for (lane, rnd), group in parts.groupby(["lane", "round"], sort=False):
        if len(group) > 1:
            listing = "; ".join(f"{{{r.jurors.replace(';', ', ')}}}" for r in group.itertuples(index=False))
            flags.append(make_flag("design_disconnected", "warning", lane,
                                   f"{names[lane]}{_in(rnd)}: the jurors fall into {len(group)} groups that share no entry, so "
                                   f"their severities cannot be compared: {listing}.", round=rnd))
    return flags
