"""Scores combined over criteria: each juror's weighted total per entry.

A juror's total for an entry combines the criteria of the entry's lane with the factors of
:meth:`~analytics.load.config.FestivalConfig.criterion_weights`: the weights divided by their sum
under ``[aggregation] criteria = "weighted_mean"``, the weights themselves under
``"weighted_sum"``; a lane with its own ``weights`` uses those criteria only. A total is
defined only when that juror scored every criterion of the lane; an incomplete pair has no
total (it is reported as a missing score by the coverage and gate checks, never filled in).
"""

from __future__ import annotations

import pandas as pd

from analytics.base import columns as col
from analytics.load.festival import Festival

WEIGHTED_TOTAL = "weighted_total"


def factors(festival: Festival) -> pd.DataFrame:
    """``lane, criterion, factor``: what each criterion's score counts for in each lane."""
    config = festival.config
    rows = [(lane, c, w) for lane in config.lane_ids for c, w in config.criterion_weights(lane).items()]
    return pd.DataFrame(rows, columns=[col.LANE, col.CRITERION, "factor"])


def weighted_totals(festival: Festival) -> pd.DataFrame:
    """One row per (round, entry, juror) with every criterion of the lane scored: ``lane, round,
    entry_id, juror_id, score`` (``round`` is ``""`` in a festival without rounds); where the scores
    judge performances, one row per (round, entry, performance, juror), with ``performance``.

    >>> from analytics import load_festival
    >>> totals = weighted_totals(load_festival("data/demo"))
    >>> len(totals), ("GC-17", "JR06") in set(zip(totals["entry_id"], totals["juror_id"]))
    (397, False)
    """
    scores = festival.scores
    weights = factors(festival)
    keyed = pd.MultiIndex.from_frame(weights[[col.LANE, col.CRITERION]])
    factor = pd.Series(weights["factor"].to_numpy(), index=keyed).reindex(
        pd.MultiIndex.from_frame(scores[[col.LANE, col.CRITERION]])).to_numpy()
    keys = [col.LANE, col.ROUND, col.ENTRY_ID, *([col.PERFORMANCE] if col.PERFORMANCE in scores else []), col.JUROR_ID]
    grouped = pd.Series(scores[col.SCORE].to_numpy() * factor).groupby([scores[k].to_numpy() for k in keys], sort=False)
    totals = pd.DataFrame({col.SCORE: grouped.sum(), "n_criteria": grouped.size()})
    totals.index.names = keys
    totals = totals.reset_index()
    needed = totals[col.LANE].map(weights.groupby(col.LANE).size())
    complete = totals["n_criteria"] == needed
    return totals.loc[complete, [*keys, col.SCORE]].reset_index(drop=True)
