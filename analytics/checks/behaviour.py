"""Juror behaviour: straight-lining, halo, and jurors out of line with the rest of the panel.

Per lane (and round) and juror: the spread of their scores, the correlation between their
criteria (halo: criteria that move together inside one juror), and how closely they rank the
entries like the rest of the panel. Pearson sums come from ``np.bincount`` over factorised
groups: O(scores).
"""

from __future__ import annotations

import warnings
import numpy as np
import pandas as pd
from analytics.base import columns as col
from analytics.load.festival import Festival
from analytics.checks.family import CheckFamily
from analytics.checks.flags import Flag, FlagKind, in_round
from analytics.checks.shared import Shared


STRAIGHT_LINING = FlagKind("straight_lining", "warning", about_juror=True)


HALO = FlagKind("halo", "warning", about_juror=True)


JUROR_OUT_OF_LINE = FlagKind("juror_out_of_line", "warning", about_juror=True)


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
    judgement = shared.festival.judgement  # the entry, or its performance
    stage = [col.LANE, col.ROUND, col.JUROR_ID]
    spread = _spread(s, stage, judgement)
    # halo: the juror's criteria against each other, lanes with the same criteria together
    # (every criterion a column even where the run has no score of it: a lane nobody scored, a run of such lanes)
    wide = s.pivot_table(index=[*stage, *judgement], columns=col.CRITERION, values=col.SCORE, aggfunc="first"
                         ).reindex(columns=list(config.criterion_ids))
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
    entry = t.groupby([col.LANE, col.ROUND, *judgement])[col.SCORE].agg(["sum", "size"])
    at = pd.MultiIndex.from_frame(t[[col.LANE, col.ROUND, *judgement]])
    others = entry["size"].reindex(at).to_numpy() - 1
    with np.errstate(invalid="ignore", divide="ignore"):
        rest = (entry["sum"].reindex(at).to_numpy() - t[col.SCORE].to_numpy()) / np.where(others > 0, others, np.nan)
    mine = t.assign(rest=rest)[others > 0]
    grouped = mine.groupby(stage, sort=False)
    ranked = mine[stage].assign(x=grouped[col.SCORE].rank(method="average"), y=grouped["rest"].rank(method="average"))
    rho = _pearson_by_group(ranked, stage, "x", "y")
    out = spread.assign(halo=halo.reindex(spread.index).to_numpy(), rho_rest=rho.reindex(spread.index).to_numpy())
    return out.reset_index()[["lane", "round", "juror_id", "n_scores", "sd", "panel_sd", "halo", "rho_rest"]]


def _spread(s: pd.DataFrame, stage: list[str], judgement: list[str]) -> pd.DataFrame:
    """Per juror (``stage``): ``n_scores``, ``sd`` of their scores, and ``panel_sd``: the standard
    deviation of every juror's scores on the cells (judgement × criterion) the juror scored, how far the
    panel's own marks spread on what that juror judged. From sums per cell, O(scores). What a juror's
    own spread is compared with (straight-lining): marks that cluster within a point in a sport are the
    panel's, not one juror's."""
    y = s[col.SCORE].to_numpy(dtype=float)
    cell = s.groupby([col.LANE, col.ROUND, *judgement, col.CRITERION], sort=False, observed=True).ngroup().to_numpy()
    n, total, squares = (np.bincount(cell, weights=w) for w in (None, y, y * y))
    grouped = s.groupby(stage, sort=False)
    out = grouped[col.SCORE].agg(n_scores="size", sd="std")
    juror = grouped.ngroup().to_numpy()  # numbered as the groups of `out` (first appearance)
    big_n, big_s, big_q = (np.bincount(juror, weights=v[cell], minlength=len(out)) for v in (n, total, squares))
    with np.errstate(invalid="ignore", divide="ignore"):
        variance = (big_q - big_s ** 2 / big_n) / (big_n - 1)
    out["panel_sd"] = np.sqrt(np.clip(variance, 0, None))
    return out


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


def behaviour_flags(data: Festival | Shared, behaviour: pd.DataFrame) -> list[Flag]:
    """Warnings for straight-liners (sd below ``straightline_max_sd`` and below ``straightline_panel_ratio``
    × the panel's own spread on the same judgements, ``panel_sd``), halo (mean criterion
    correlation at least ``halo_min`` and ``halo_margin`` above the panel's median) and
    jurors out of line (``rho_rest`` below ``out_of_line_max_rho``)."""
    shared = Shared.of(data)
    checks, names = shared.config.checks, shared.lane_names
    performed = shared.festival.has_performances
    flags = []
    for (lane, rnd), group in behaviour.groupby(["lane", "round"], sort=False):
        panel_halo = group["halo"].median()
        where = f"{names[lane]}{in_round(rnd)}"
        for row in group.itertuples(index=False):
            if (not shared.config.scale.ranks and row.sd < checks.straightline_max_sd
                    and not row.sd >= checks.straightline_panel_ratio * row.panel_sd):  # places: no straight line
                flags.append(STRAIGHT_LINING.flag(lane,
                                       f"{where}: juror {row.juror_id} gives nearly the same score to everything "
                                       f"(standard deviation {row.sd:.2f} over {row.n_scores} scores, where the panel's "
                                       f"marks on the same {'performances' if performed else 'entries'} spread "
                                       f"{row.panel_sd:.2f}).",
                                       juror_id=row.juror_id, round=rnd, value=row.sd,
                                       threshold=checks.straightline_max_sd))
            if row.halo >= checks.halo_min and row.halo - panel_halo >= checks.halo_margin:
                flags.append(HALO.flag(lane,
                                       f"{where}: juror {row.juror_id}'s criteria move together (mean correlation "
                                       f"{row.halo:.2f}, panel median {panel_halo:.2f}): one impression may drive every score.",
                                       juror_id=row.juror_id, round=rnd, value=row.halo,
                                       threshold=checks.halo_min))
            if row.rho_rest < checks.out_of_line_max_rho:
                flags.append(JUROR_OUT_OF_LINE.flag(lane,
                                       f"{where}: juror {row.juror_id} ranks the entries unlike the rest of the "
                                       f"panel (Spearman {row.rho_rest:.2f} with the others' mean).",
                                       juror_id=row.juror_id, round=rnd, value=row.rho_rest,
                                       threshold=checks.out_of_line_max_rho))
    return flags


FAMILY = CheckFamily("juror_behaviour", juror_behaviour, behaviour_flags,
                     kinds=(STRAIGHT_LINING, HALO, JUROR_OUT_OF_LINE),
                     shows="sections/jurors.html.j2")
