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
Each entry's ``gap_next`` is its lead over the entry below it in the standings, with the
95% bootstrap interval of that lead (``gap_low``, ``gap_high``).

The first place is a blocker when leaving out one juror changes it, when its bootstrap
probability is below ``p_first_min``, or when the top two are tied within noise (the 95%
bootstrap interval of the leader's ``gap_next`` includes zero). Each lane draws its
resamples from its own generator (:func:`analytics.shared.lane_rng`), so a lane's numbers do
not depend on which other lanes a run covers.
"""

from __future__ import annotations

from functools import cached_property

import numpy as np
import pandas as pd
from scipy import sparse, stats

from . import columns as col
from .festival import Festival
from .flags import Flag, make_flag
from .scoring import WEIGHTED_TOTAL
from .shared import Shared, lane_rng

RANKING_COLUMNS = ["lane", "entry_id", "title", "n_jurors", "score", "rank", "score_z", "rank_z", "score_median",
                   "rank_median", "score_trimmed", "rank_trimmed", "score_model", "rank_model", "loo_rank_best",
                   "loo_rank_worst", "p_first", "p_top3", "rank_low", "rank_high", "gap_next", "gap_low", "gap_high"]


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


class _Lane:
    """One lane's ratings on one scope as jurors × entries matrices, for every method."""

    def __init__(self, shared: Shared, lane: str, scope: str):
        t = shared.ratings(lane, scope)
        self.ratings = t
        self.entries, self.entry_index = pd.factorize(t[col.ENTRY_ID], sort=True)
        self.jurors, self.juror_index = pd.factorize(t[col.JUROR_ID], sort=True)
        self.y = t[col.SCORE].to_numpy(dtype=float)
        n_e, n_j = len(self.entry_index), len(self.juror_index)
        self.matrix = sparse.csr_matrix((self.y, (self.jurors, self.entries)), shape=(n_j, n_e))
        self.present = sparse.csr_matrix((np.ones(len(self.y)), (self.jurors, self.entries)), shape=(n_j, n_e))
        method = shared.config.aggregation
        self.how, self.trim = method.jurors, method.trim

    def combine(self, weights: np.ndarray) -> np.ndarray:
        return _combine(self.matrix, self.present, weights, self.how, self.trim)

    @cached_property
    def leave_one_out(self) -> np.ndarray:
        """Entry scores with each juror left out in turn: jurors × entries."""
        n_j, n_e = len(self.juror_index), len(self.entry_index)
        if n_j < 2:
            return np.full((1, n_e), np.nan)
        return self.combine(np.ones((n_j, n_j)) - np.eye(n_j))


def _lane(shared: Shared, lane: str, scope: str) -> _Lane:
    return shared.memo(("ranking_lane", lane, scope), lambda: _Lane(shared, lane, scope))


def _lane_rankings(shared: Shared, lane: str, scope: str, rng: np.random.Generator, n_boot: int) -> pd.DataFrame:
    data = _lane(shared, lane, scope)
    t, n_e, n_j = data.ratings, len(data.entry_index), len(data.juror_index)
    grouped = t.groupby(col.ENTRY_ID)[col.SCORE]
    out = pd.DataFrame(index=pd.Index(data.entry_index, name=col.ENTRY_ID))
    out["n_jurors"] = grouped.size()
    official = data.combine(np.ones((1, n_j)))[0]
    out["score"] = official
    z = t.groupby(col.JUROR_ID)[col.SCORE].transform(lambda s: (s - s.mean()) / s.std(ddof=1) if len(s) > 1 and s.std() > 0 else s * np.nan)
    out["score_z"] = z.groupby(t[col.ENTRY_ID]).mean()
    out["score_median"] = grouped.median()
    out["score_trimmed"] = _trimmed_means(t, data.trim)
    lane_fit = shared.fit(lane, scope)  # the additive model the run fitted once (its entries in order of appearance)
    out["score_model"] = pd.Series(lane_fit.fit.a, index=lane_fit.units).reindex(data.entry_index).to_numpy()
    for name in ("", "_z", "_median", "_trimmed", "_model"):
        out[f"rank{name}"] = _rank(out[f"score{name}"])

    loo_ranks = pd.DataFrame(data.leave_one_out).rank(axis=1, ascending=False, method="min").to_numpy()
    out["loo_rank_best"] = np.nanmin(loo_ranks, axis=0)
    out["loo_rank_worst"] = np.nanmax(loo_ranks, axis=0)

    # bootstrap over jurors
    draws = rng.integers(0, n_j, size=(n_boot, n_j))
    weights = np.zeros((n_boot, n_j))
    np.add.at(weights, (np.repeat(np.arange(n_boot), n_j), draws.ravel()), 1.0)
    boot = data.combine(weights)
    boot_ranks = pd.DataFrame(np.where(np.isnan(boot), -np.inf, boot)).rank(axis=1, ascending=False, method="min").to_numpy()
    first = boot_ranks == 1
    out["p_first"] = (first / first.sum(axis=1, keepdims=True)).mean(axis=0)  # a shared first place counts as a share
    out["p_top3"] = (boot_ranks <= 3).mean(axis=0)
    out["rank_low"] = np.quantile(boot_ranks, 0.025, axis=0)
    out["rank_high"] = np.quantile(boot_ranks, 0.975, axis=0)

    # the standings' order, and each entry's lead over the one below it
    out = out.sort_values(["rank", "score_model"], ascending=[True, False])
    position = out.index.map(pd.Series(np.arange(n_e), index=data.entry_index)).to_numpy()
    out["gap_next"] = np.append(official[position[:-1]] - official[position[1:]], np.nan) if n_e else []
    if n_e >= 2:
        with np.errstate(invalid="ignore"):
            low, high = np.nanquantile(boot[:, position[:-1]] - boot[:, position[1:]], [0.025, 0.975], axis=0)
        out["gap_low"], out["gap_high"] = np.append(low, np.nan), np.append(high, np.nan)
    else:
        out["gap_low"] = out["gap_high"] = np.nan
    return out.reset_index()


def rankings(data: Festival | Shared, *, lanes: list[str] | None = None, scope: str = WEIGHTED_TOTAL,
             n_boot: int | None = None, random_state: int | None = None) -> pd.DataFrame:
    """The standings of every lane (or of ``lanes``; one row per entry, best first; see
    :data:`RANKING_COLUMNS`) on the weighted total, or on one criterion (``scope``).
    ``n_boot`` and ``random_state`` default to ``[checks] bootstrap_resamples`` and ``seed``."""
    shared = Shared.of(data, lanes)
    checks = shared.config.checks
    seed = checks.seed if random_state is None else random_state
    n_boot = checks.bootstrap_resamples if n_boot is None else n_boot
    titles = shared.festival.entries.set_index(col.ENTRY_ID)[col.TITLE]
    frames = []
    for lane in shared.lanes:
        if shared.ratings(lane, scope).empty:
            continue
        table = _lane_rankings(shared, lane, scope, lane_rng(seed, lane), n_boot)
        table.insert(0, "lane", lane)
        table.insert(2, "title", table[col.ENTRY_ID].map(titles))
        frames.append(table)
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=RANKING_COLUMNS)
    return table[RANKING_COLUMNS]


def ranking_flags(data: Festival | Shared, table: pd.DataFrame, *, scope: str = WEIGHTED_TOTAL) -> list[Flag]:
    """Blockers about each lane's first place (the first row of its standings in ``table``,
    ranked on ``scope``): it changes when one juror is left out, its bootstrap probability is
    below ``p_first_min``, or its lead over the second is within noise."""
    shared = Shared.of(data)
    checks, names = shared.config.checks, shared.lane_names
    flags = []
    for lane, standings in table.groupby(col.LANE, sort=False):
        first = standings.iloc[0]
        leader = first[col.ENTRY_ID]
        lane_data = _lane(shared, lane, scope)
        loo = lane_data.leave_one_out
        leaders = [lane_data.entry_index[np.nanargmax(row)] if np.isfinite(row).any() else None for row in loo]
        changed = [(j, new) for j, new in zip(lane_data.juror_index, leaders) if new is not None and new != leader]
        if changed:
            who = ", ".join(f"without {j} {new} wins" for j, new in changed)
            flags.append(make_flag("first_place_unstable", "blocker", lane,
                                   f"{names[lane]}: the first place of {leader} ({first['title']}) changes when one juror "
                                   f"is left out: {who}.", entry_id=leader, value=len(changed), threshold=0))
        if first["p_first"] < checks.p_first_min:
            flags.append(make_flag("first_place_uncertain", "blocker", lane,
                                   f"{names[lane]}: {leader} ({first['title']}) comes first in only {first['p_first']:.0%} "
                                   f"of the resampled juries (the bar is {checks.p_first_min:.0%}).",
                                   entry_id=leader, value=first["p_first"], threshold=checks.p_first_min))
        if len(standings) >= 2 and first["gap_low"] <= 0 <= first["gap_high"]:
            runner = standings.iloc[1]
            flags.append(make_flag("first_place_tie", "blocker", lane,
                                   f"{names[lane]}: {leader} ({first['title']}) leads {runner[col.ENTRY_ID]} "
                                   f"({runner['title']}) by {first['gap_next']:.3f} points, a tie within noise (95% interval "
                                   f"of the gap over resampled juries {first['gap_low']:+.2f} to {first['gap_high']:+.2f}).",
                                   entry_id=leader, value=first["gap_next"], threshold=0))
    return flags


#: the check family's two calls (analytics.checks)
table = rankings
flags = ranking_flags
