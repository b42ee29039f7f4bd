"""Drift: do a juror's scores move with the order in which they gave them?

With ``submitted_at`` in ``scores.csv`` (ISO 8601), each juror's scores are put in the order
they were submitted (where the scores judge performances and give no time, in the order of
performance: round by round, each entry's first performance before its second; design section 14),
and their **residuals** (the score minus the additive model's
expectation for that entry and juror, :func:`analytics.checks.residuals.score_residuals`, so the
entries' quality and the juror's own generosity are taken out) are compared with that order:

- ``rho``: Spearman's rank correlation between residual and order (ties share their mean
  rank); positive when the juror grew more generous as they went on (a long session, fatigue,
  anchoring on the first entries), negative when harsher;
- ``slope``: the residual's change per 10 scores (least squares on the order), in points;
- ``p_value``: two-sided permutation p-value of ``rho``, the order shuffled among the juror's own
  scores, seeded by ``[checks] seed`` (each juror's own draws, :mod:`analytics.stats.randomness`),
  sequentially: :data:`FIRST_PERMUTATIONS` for every juror, up to ``[checks]
  bootstrap_resamples`` for a p-value then at most :data:`CONTINUE_BELOW`, and
  :data:`REFINE_PERMUTATIONS` more for one at most :data:`REFINE_BELOW` (a large p-value needs
  few permutations, a small one many); ``p_adjusted``:
  Benjamini–Hochberg across the jurors of each lane (:func:`adjust_by_lane`), so a lane's
  numbers are the same in a run of that lane alone (the chair explorer's) and of the festival.

A juror on several panels is one person: their scores of every lane are in one order (``lane``
is then ``all``). Jurors with fewer than :data:`MIN_SCORES` timed scores are not tested.
Flag ``score_drift`` (warning) where ``p_adjusted <= [checks] effect_p_max``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.base import columns as col
from analytics.checks.affiliation import adjust_by_lane
from analytics.load.festival import Festival
from analytics.checks.family import CheckFamily, on_scores
from analytics.checks.flags import Flag, FlagKind
from analytics.checks.severity import ALL_LANES
from analytics.checks.residuals import score_residuals
from analytics.stats.randomness import juror_keys, uniforms
from analytics.checks.shared import Shared

#: the flags this family raises
SCORE_DRIFT = FlagKind("score_drift", "warning", about_juror=True)


COLUMNS = [col.LANE, col.JUROR_ID, "n_scores", "first_at", "last_at", "rho", "slope", "p_value", "p_adjusted"]
MIN_SCORES = 8
#: permutations every juror gets; the configured number ([checks] bootstrap_resamples) for a juror
#: whose p-value is then at most CONTINUE_BELOW; REFINE_PERMUTATIONS more where it is at most REFINE_BELOW
FIRST_PERMUTATIONS = 200
CONTINUE_BELOW = 0.2
REFINE_BELOW = 0.01  # (1% of the jurors by chance: at 0.05 the refinement of a large festival cost most of the time)
REFINE_PERMUTATIONS = 20_000
CHUNK_VALUES = 4_000_000
#: the stream of analytics.stats.randomness that drift's shuffles draw from
STREAM = 11


def timed_residuals(data: Festival | Shared) -> pd.DataFrame:
    """Every score with a submission time: ``lane, juror_id, entry_id, criterion, at, residual``,
    in each juror's order of submission. Cost: O(scores log scores)."""
    shared = Shared.of(data)
    scores = shared.scores
    empty = pd.DataFrame(columns=[col.LANE, col.JUROR_ID, col.ENTRY_ID, col.CRITERION, "at", "residual"])
    keys = [col.LANE, col.ROUND, *shared.festival.judgement, col.JUROR_ID, col.CRITERION]
    if not _timed(scores):
        if not shared.festival.has_performances:
            return empty
        # no submission times: the order of performance (round, then the performance's place in it)
        rounds = {r: i for i, r in enumerate(shared.config.round_ids)}
        at = scores[keys].assign(at=scores[col.ROUND].map(rounds).to_numpy(dtype=np.int64) * PLACES
                                 + scores[col.PERFORMANCE_ORDER].to_numpy(dtype=np.int64))
    else:
        at = scores[keys].assign(at=pd.to_datetime(scores[col.SUBMITTED_AT], format="ISO8601", errors="coerce", utc=True))
    residuals = score_residuals(shared).merge(at.dropna(subset=["at"]), on=keys)
    if residuals.empty:
        return empty
    out = residuals[[col.LANE, col.JUROR_ID, col.ENTRY_ID, col.CRITERION, "at", "residual"]]
    return out.sort_values([col.JUROR_ID, "at", col.LANE, col.ENTRY_ID, col.CRITERION], kind="stable", ignore_index=True)


#: in the order of performance, a round's place × this + the performance's place in it
PLACES = 10_000


def _timed(scores: pd.DataFrame) -> bool:
    return col.SUBMITTED_AT in scores and not scores[col.SUBMITTED_AT].isna().all()


def _when(values: pd.Series, config, timed: bool) -> np.ndarray:
    """The first or last ``at`` of each juror as the table shows it: a time, or a round and performance."""
    if timed:
        return values.dt.strftime("%Y-%m-%dT%H:%M").to_numpy()
    rounds = config.round_ids
    return np.array([" ".join(p for p in (rounds[int(v) // PLACES], f"performance {int(v) % PLACES + 1}") if p)
                     for v in values], dtype=object)  # one per juror


def _ranks(values: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Ranks within each group (1 = smallest; ties share their mean rank), all groups at once."""
    frame = pd.DataFrame({"g": group, "v": values})
    return frame.groupby("g")["v"].rank(method="average").to_numpy()


def permuted_cross(x: np.ndarray, y: np.ndarray, starts: np.ndarray, keys: np.ndarray, n_perm: int,
                   first: int = 0) -> np.ndarray:
    """Per contiguous group (``starts``, every group non-empty; ``keys``: the group's juror key of
    :mod:`analytics.stats.randomness`) and permutation ``first`` .. ``first + n_perm - 1``: the sum over
    the group of ``x * y`` with ``y`` shuffled within the group (n_perm × groups). A shuffle is an
    argsort of the juror's own random numbers, so a juror's shuffles do not depend on the other
    groups. Groups of similar size are sorted as the rows of a padded groups × largest-group
    array (O(n_perm × values × log(largest group))); very unequal ones as one row of all the
    values, each group's numbers offset by its index (O(n_perm × values × log values)). Both give
    the same shuffles. In chunks of permutations."""
    n = len(x)
    sizes = np.diff(np.append(starts, n))
    longest = int(sizes.max(initial=0))
    out = np.zeros((n_perm, len(starts)))
    if n == 0:
        return out
    if len(starts) * longest <= 4 * n:  # padded: each group a row, the padding sorted last and weighted 0
        slot = np.arange(longest)[None, :]
        valid = slot < sizes[:, None]
        at = np.where(valid, starts[:, None] + slot, 0)
        x_pad, y_pad = np.where(valid, x[at], 0.0), y[at]
        chunk = max(1, min(n_perm, CHUNK_VALUES // max(x_pad.size, 1)))
        for begin in range(0, n_perm, chunk):
            b = min(chunk, n_perm - begin)
            u = uniforms(keys[None, :, None], np.arange(first + begin, first + begin + b)[:, None, None], slot[None])
            order = np.argsort(np.where(valid[None], u, 2.0), axis=2)
            out[begin:begin + b] = (x_pad[None] * np.take_along_axis(np.broadcast_to(y_pad, order.shape), order, axis=2)
                                    ).sum(axis=2)
        return out
    group = np.repeat(np.arange(len(starts)), sizes)
    position = (np.arange(n) - starts[group])[None, :]
    value_keys = keys[group][None, :]
    chunk = max(1, min(n_perm, CHUNK_VALUES // max(n, 1)))
    for begin in range(0, n_perm, chunk):
        b = min(chunk, n_perm - begin)
        u = uniforms(value_keys, np.arange(first + begin, first + begin + b)[:, None], position)
        order = np.argsort(u + group, axis=1)
        out[begin:begin + b] = np.add.reduceat(x[None, :] * y[order], starts, axis=1)
    return out


def drift_table(data: Festival | Shared, *, lanes: list[str] | None = None) -> pd.DataFrame:
    """Per juror with at least :data:`MIN_SCORES` timed scores: the drift of their residuals
    (see the module notes), columns :data:`COLUMNS`. Cost: O(scores log scores), and the
    permutations O(resamples × scores log scores), in chunks."""
    shared = Shared.of(data, lanes)
    timed = timed_residuals(shared)
    if timed.empty:
        return pd.DataFrame(columns=COLUMNS)
    timed = timed[timed.groupby(col.JUROR_ID)[col.JUROR_ID].transform("size") >= MIN_SCORES].reset_index(drop=True)
    if timed.empty:
        return pd.DataFrame(columns=COLUMNS)
    juror, jurors = pd.factorize(timed[col.JUROR_ID])  # contiguous: the table is sorted by juror
    n_j = np.bincount(juror).astype(float)
    starts = np.concatenate(([0], np.cumsum(n_j)[:-1])).astype(np.int64)
    order = np.arange(len(timed)) - starts[juror] + 1.0  # 1, 2, ... in submission order
    r_time = _ranks(timed["at"].astype("int64").to_numpy(), juror)  # simultaneous scores (or one performance) share a rank
    r_res = _ranks(timed["residual"].to_numpy(dtype=float), juror)
    x = r_time - (np.bincount(juror, weights=r_time) / n_j)[juror]
    y = r_res - (np.bincount(juror, weights=r_res) / n_j)[juror]
    sxy = np.bincount(juror, weights=x * y)
    with np.errstate(divide="ignore", invalid="ignore"):
        rho = sxy / np.sqrt(np.bincount(juror, weights=x * x) * np.bincount(juror, weights=y * y))
        o = order - (np.bincount(juror, weights=order) / n_j)[juror]
        residual = timed["residual"].to_numpy(dtype=float)
        slope = 10 * np.bincount(juror, weights=o * residual) / np.bincount(juror, weights=o * o)
    checks = shared.config.checks
    keys = juror_keys(jurors, checks.seed, STREAM)
    observed = np.abs(sxy) * (1 - 1e-12)
    defined = np.isfinite(rho)

    def exceed(chosen: np.ndarray, count: int, first: int) -> np.ndarray:
        """How many of permutations first .. first + count - 1 reach each chosen juror's |rho|."""
        rows = np.isin(juror, chosen)
        sub_starts = np.concatenate(([0], np.cumsum(n_j[chosen])[:-1])).astype(np.int64)
        shuffled = permuted_cross(x[rows], y[rows], sub_starts, keys[chosen], count, first=first)
        return (np.abs(shuffled) >= observed[chosen]).sum(axis=0)

    # sequential: a few permutations for everyone, the configured number where p may be small,
    # many more where it is (each juror's p-value is the share of all the permutations they got)
    everyone = np.flatnonzero(defined)
    used = np.zeros(len(jurors), dtype=np.int64)
    hits = np.zeros(len(jurors), dtype=np.int64)
    stages = [(FIRST_PERMUTATIONS, 1.0), (checks.bootstrap_resamples, CONTINUE_BELOW),
              (checks.bootstrap_resamples + REFINE_PERMUTATIONS, REFINE_BELOW)]
    chosen = everyone
    for total, below in stages:
        chosen = chosen[(1 + hits[chosen]) / (1 + used[chosen]) <= below]
        if len(chosen) == 0:
            break
        more = chosen[used[chosen] < total]  # (a stage of fewer permutations than the first: nothing to add)
        if len(more):
            start = int(used[more[0]])  # the chosen have all had the same permutations so far
            hits[more] += exceed(more, total - start, start)
            used[more] = total
    p = (1 + hits) / (1 + np.maximum(used, 1))
    p = np.where(defined, p, np.nan)
    by_juror = timed.groupby(col.JUROR_ID, sort=False)
    lane = by_juror[col.LANE].first().where(by_juror[col.LANE].nunique() == 1, ALL_LANES).reindex(jurors)
    at = by_juror["at"].agg(["min", "max"]).reindex(jurors)
    timed_at = _timed(shared.scores)
    return pd.DataFrame({col.LANE: lane.to_numpy(), col.JUROR_ID: np.asarray(jurors, dtype=object), "n_scores": n_j.astype(int),
                         "first_at": _when(at["min"], shared.config, timed_at),
                         "last_at": _when(at["max"], shared.config, timed_at), "rho": rho, "slope": slope,
                         "p_value": p, "p_adjusted": adjust_by_lane(lane, p)})


def drift_flags(data: Festival | Shared, table: pd.DataFrame) -> list[Flag]:
    """``score_drift`` for each juror whose drift stands after adjustment, in each lane they judge."""
    shared = Shared.of(data)
    names, bar = shared.lane_names, shared.config.checks.effect_p_max
    if table.empty:
        return []
    lanes_of = shared.scores.groupby(col.JUROR_ID)[col.LANE].unique()
    flags = []
    for row in table[table["p_adjusted"] <= bar].itertuples(index=False):
        direction = "more generous" if row.rho > 0 else "harsher"
        for lane in lanes_of.get(row.juror_id, []):
            flags.append(SCORE_DRIFT.flag(lane,
                f"{names[lane]}: juror {row.juror_id} grew {direction} as they went on: over their {row.n_scores} scores "
                f"({row.first_at} to {row.last_at}) the gap to what the panel's model expects moved {row.slope:+.2f} "
                f"points per 10 scores (Spearman rho {row.rho:+.2f}; permutation p {row.p_value:.4f}, {row.p_adjusted:.4f} "
                f"after Benjamini–Hochberg across jurors). A long session or fatigue? Look at the juror's order of work.",
                juror_id=row.juror_id, value=row.rho, threshold=bar))
    return flags


FAMILY = CheckFamily("drift", drift_table, drift_flags,
                     configured=on_scores, columns=tuple(COLUMNS), kinds=(SCORE_DRIFT,),
                     output=True,
                     shows="sections/jurors.html.j2")
