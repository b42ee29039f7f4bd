"""Standings per lane: the official method beside alternatives, and how robust each rank is.

Methods (each a score per entry from the jurors' weighted totals):

- ``official``: ``[aggregation] jurors`` of ``festival.toml`` (mean by default);
- ``z``: each juror's totals standardised over the entries they judged, then averaged;
- ``median`` and ``trimmed_mean`` over jurors;
- ``model``: the entry effect of the additive model (entry + juror), which allows for
  which jurors judged which entries.

Robustness: the rank of each entry with each juror left out in turn (best and worst), and
a bootstrap over jurors (resampled with replacement, ``[checks] bootstrap_resamples`` and
``seed``): the probability of first place (an exact tie for first counts as a share, so
the probabilities of a lane sum to 1) and of the top three, and a 95% rank interval.
The first place is a blocker when leaving out one juror changes it, when its bootstrap
probability is below ``p_first_min``, or when the top two are tied within noise (the 95%
bootstrap interval of their difference includes zero).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse, stats

from . import columns as col
from .additive import fit_additive
from .festival import Festival
from .flags import Flag, make_flag
from .scoring import weighted_totals

RANKING_COLUMNS = ["lane", "entry_id", "title", "n_jurors", "score", "rank", "score_z", "rank_z", "score_median",
                   "rank_median", "score_trimmed", "rank_trimmed", "score_model", "rank_model", "loo_rank_best",
                   "loo_rank_worst", "p_first", "p_top3", "rank_low", "rank_high"]


def _trimmed_means(t: pd.DataFrame, trim: float) -> pd.Series:
    """Per entry, the mean of its jurors' totals after dropping ``int(trim * n)`` from each end
    (scipy.stats.trim_mean's rule), vectorised over entries."""
    ordered = t.sort_values([col.ENTRY_ID, col.SCORE])
    position = ordered.groupby(col.ENTRY_ID).cumcount()
    n = ordered.groupby(col.ENTRY_ID)[col.SCORE].transform("size")
    cut = (trim * n).astype(int)
    kept = ordered[(position >= cut) & (position < n - cut)]
    return kept.groupby(col.ENTRY_ID)[col.SCORE].mean()


def _rank(scores: pd.Series) -> pd.Series:
    return scores.rank(ascending=False, method="min").astype("Int64")


def _combine(matrix: sparse.csr_matrix, present: sparse.csr_matrix, weights: np.ndarray, how: str, trim: float) -> np.ndarray:
    """Entry scores from jurors × entries totals for each row of juror ``weights``."""
    if how == "mean":
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.asarray((matrix.T @ weights.T).T) / np.asarray((present.T @ weights.T).T)
    dense = matrix.toarray()
    mask = present.toarray() > 0
    out = np.full((len(weights), dense.shape[1]), np.nan)
    for b, w in enumerate(weights):
        counts = np.round(w).astype(int)
        for e in range(dense.shape[1]):
            values = np.repeat(dense[mask[:, e], e], counts[mask[:, e]])
            if values.size:
                out[b, e] = np.median(values) if how == "median" else stats.trim_mean(values, trim)
    return out


def _lane_rankings(festival: Festival, lane: str, totals: pd.DataFrame, rng: np.random.Generator, n_boot: int):
    method = festival.config.aggregation
    t = totals[totals[col.LANE] == lane]
    entries, entry_index = pd.factorize(t[col.ENTRY_ID], sort=True)
    jurors, juror_index = pd.factorize(t[col.JUROR_ID], sort=True)
    y = t[col.SCORE].to_numpy(dtype=float)
    n_e, n_j = len(entry_index), len(juror_index)
    matrix = sparse.csr_matrix((y, (jurors, entries)), shape=(n_j, n_e))
    present = sparse.csr_matrix((np.ones(len(y)), (jurors, entries)), shape=(n_j, n_e))
    grouped = t.groupby(col.ENTRY_ID)[col.SCORE]
    out = pd.DataFrame(index=pd.Index(entry_index, name=col.ENTRY_ID))
    out["n_jurors"] = grouped.size()
    official = _combine(matrix, present, np.ones((1, n_j)), method.jurors, method.trim)[0]
    out["score"] = official
    z = t.groupby(col.JUROR_ID)[col.SCORE].transform(lambda s: (s - s.mean()) / s.std(ddof=1) if len(s) > 1 and s.std() > 0 else s * np.nan)
    out["score_z"] = z.groupby(t[col.ENTRY_ID]).mean()
    out["score_median"] = grouped.median()
    out["score_trimmed"] = _trimmed_means(t, method.trim)
    fit = fit_additive(entries, jurors, y, n_e, n_j)
    out["score_model"] = fit.a
    for name in ("", "_z", "_median", "_trimmed", "_model"):
        out[f"rank{name}"] = _rank(out[f"score{name}"])

    # leave one juror out
    loo = np.ones((n_j, n_j)) - np.eye(n_j)
    loo_scores = _combine(matrix, present, loo, method.jurors, method.trim) if n_j > 1 else np.full((1, n_e), np.nan)
    loo_ranks = pd.DataFrame(loo_scores).rank(axis=1, ascending=False, method="min").to_numpy()
    out["loo_rank_best"] = np.nanmin(loo_ranks, axis=0)
    out["loo_rank_worst"] = np.nanmax(loo_ranks, axis=0)
    leaders = [entry_index[np.nanargmax(row)] if np.isfinite(row).any() else None for row in loo_scores]

    # bootstrap over jurors
    draws = rng.integers(0, n_j, size=(n_boot, n_j))
    weights = np.zeros((n_boot, n_j))
    np.add.at(weights, (np.repeat(np.arange(n_boot), n_j), draws.ravel()), 1.0)
    boot = _combine(matrix, present, weights, method.jurors, method.trim)
    boot_ranks = pd.DataFrame(np.where(np.isnan(boot), -np.inf, boot)).rank(axis=1, ascending=False, method="min").to_numpy()
    first = boot_ranks == 1
    out["p_first"] = (first / first.sum(axis=1, keepdims=True)).mean(axis=0)  # a shared first place counts as a share
    out["p_top3"] = (boot_ranks <= 3).mean(axis=0)
    out["rank_low"] = np.quantile(boot_ranks, 0.025, axis=0)
    out["rank_high"] = np.quantile(boot_ranks, 0.975, axis=0)
    order = np.argsort(-official)
    gap = None
    if n_e >= 2:
        first, second = order[0], order[1]
        diffs = boot[:, first] - boot[:, second]
        gap = (official[first] - official[second], *np.nanquantile(diffs, [0.025, 0.975]))
    return out, juror_index, leaders, gap


def rankings(festival: Festival, *, n_boot: int | None = None, random_state: int | None = None,
             lanes: list[str] | None = None, totals: pd.DataFrame | None = None) -> tuple[pd.DataFrame, list[Flag]]:
    """The standings of every lane (or of ``lanes``; one row per entry, best first; see
    :data:`RANKING_COLUMNS`) and the flags about each lane's first place. ``totals``
    (``lane, entry_id, juror_id, score``) defaults to the jurors' weighted totals; pass one
    criterion's scores to rank on that criterion."""
    checks = festival.config.checks
    rng = np.random.default_rng(checks.seed if random_state is None else random_state)
    n_boot = checks.bootstrap_resamples if n_boot is None else n_boot
    totals = weighted_totals(festival) if totals is None else totals
    titles = festival.entries.set_index(col.ENTRY_ID)[col.TITLE]
    names = festival.lane_names()
    frames, flags = [], []
    for lane in lanes or festival.config.lane_ids:
        if not (totals[col.LANE] == lane).any():
            continue
        table, jurors, leaders, gap = _lane_rankings(festival, lane, totals, rng, n_boot)
        table = table.sort_values(["rank", "score_model"], ascending=[True, False]).reset_index()
        table.insert(0, "lane", lane)
        table.insert(2, "title", table[col.ENTRY_ID].map(titles))
        frames.append(table)
        first = table.iloc[0]
        leader = first[col.ENTRY_ID]
        changed = [(j, new) for j, new in zip(jurors, leaders) if new is not None and new != leader]
        if changed:
            who = ", ".join(f"without {j} {new} wins" for j, new in changed)
            flags.append(make_flag("first_place_unstable", "blocker", lane, "entry", leader,
                                   f"{names[lane]}: the first place of {leader} ({first['title']}) changes when one juror "
                                   f"is left out: {who}.", len(changed), 0))
        if first["p_first"] < checks.p_first_min:
            flags.append(make_flag("first_place_uncertain", "blocker", lane, "entry", leader,
                                   f"{names[lane]}: {leader} ({first['title']}) comes first in only {first['p_first']:.0%} "
                                   f"of the resampled juries (the bar is {checks.p_first_min:.0%}).",
                                   first["p_first"], checks.p_first_min))
        if gap is not None and gap[1] <= 0 <= gap[2]:
            runner = table.iloc[1]
            flags.append(make_flag("first_place_tie", "blocker", lane, "entry", leader,
                                   f"{names[lane]}: {leader} ({first['title']}) leads {runner[col.ENTRY_ID]} "
                                   f"({runner['title']}) by {gap[0]:.3f} points, a tie within noise (95% interval of the "
                                   f"gap over resampled juries {gap[1]:+.2f} to {gap[2]:+.2f}).", gap[0], 0))
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=RANKING_COLUMNS)
    return table[RANKING_COLUMNS], flags
