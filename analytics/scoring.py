"""Scores combined over criteria: each juror's weighted total per entry.

The official method of ``festival.toml`` weights the criteria (weights sum to 1) within
each juror before combining jurors. A juror's total for an entry is defined only when that
juror scored every criterion of it; an incomplete pair has no total (it is reported as a
missing score by the coverage and gate checks, never filled in).
"""

from __future__ import annotations

import pandas as pd

from . import columns as col
from .festival import Festival

WEIGHTED_TOTAL = "weighted_total"


def weighted_totals(festival: Festival) -> pd.DataFrame:
    """One row per (entry, juror) with every criterion scored: ``lane, entry_id, juror_id, score``.

    >>> from analytics import load_festival
    >>> totals = weighted_totals(load_festival("data/demo"))
    >>> len(totals), ("GC-17", "J06") in set(zip(totals["entry_id"], totals["juror_id"]))
    (397, False)
    """
    scores = festival.scores
    weights = scores[col.CRITERION].map(festival.config.criterion_weights)
    keys = [col.LANE, col.ENTRY_ID, col.JUROR_ID]
    grouped = (scores[col.SCORE] * weights).groupby([scores[k] for k in keys], sort=False)
    totals = pd.DataFrame({col.SCORE: grouped.sum(), "n_criteria": grouped.size()}).reset_index()
    complete = totals["n_criteria"] == len(festival.config.criteria)
    return totals.loc[complete, [*keys, col.SCORE]].reset_index(drop=True)
