"""Who scored what: coverage of the assignments, and counts per lane, juror and criterion.

A (juror, entry) pair is *expected* when the juror is assigned the entry and has not
declared a conflict with it; an expected pair should carry one score per criterion.

``status`` of a pair:

- ``complete``: expected, every criterion scored;
- ``partial``: expected, some criteria scored;
- ``missing``: expected, nothing scored;
- ``conflict``: a declared conflict, not scored (as it should be);
- ``conflict_scored``: a declared conflict that was scored anyway;
- ``unassigned``: scored although not assigned (only with an assignments table).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.base import columns as col
from analytics.load.festival import Festival
from analytics.rules.stages import with_stages

STATUSES = ("complete", "partial", "missing", "conflict", "conflict_scored", "unassigned")


def one_entry_each(scores: pd.DataFrame) -> bool:
    """Whether every juror in ``scores`` (any table with ``juror_id`` and ``entry_id``) scored exactly
    one entry: a conference whose reviews are each by their own reviewer. There a juror's own
    leniency cannot be told from the entry's merit, and resampling jurors would leave entries
    without scores (design section 18). O(scores).

    >>> import pandas as pd
    >>> one_entry_each(pd.DataFrame({"juror_id": ["R1", "R2", "R2"], "entry_id": ["P1", "P1", "P1"]}))
    True
    """
    pairs = scores[[col.JUROR_ID, col.ENTRY_ID]].drop_duplicates()
    return not pairs.empty and not pairs[col.JUROR_ID].duplicated().any()


def coverage(festival: Festival) -> pd.DataFrame:
    """One row per (lane, round, juror, entry) that is assigned, scored or conflicted; a pair
    is expected in each round its entry takes part in (``festival.stages``).

    Columns: ``lane, round, juror_id, entry_id, n_expected, n_scored, status`` (see module notes).

    >>> from analytics import load_festival
    >>> table = coverage(load_festival("data/demo"))
    >>> table.set_index(["juror_id", "entry_id"]).loc[("JR06", "GC-17"), "status"]
    'partial'
    """
    festival = with_stages(festival)
    keys = [col.JUROR_ID, col.ENTRY_ID, col.ROUND]
    config = festival.config
    n_criteria_of = {lane: len(config.lane_criteria(lane)) for lane in config.lane_ids}
    stages = festival.stages[[col.ENTRY_ID, col.ROUND]]
    a = festival.assignments
    every_round = a[a[col.ROUND] == ""].drop(columns=col.ROUND).merge(stages, on=col.ENTRY_ID)
    one_round = a[a[col.ROUND] != ""].merge(stages, on=[col.ENTRY_ID, col.ROUND])  # only rounds the entry reached
    assigned = pd.concat([every_round, one_round])[keys].drop_duplicates().assign(assigned=True).set_index(keys)["assigned"]
    scored = festival.scores.groupby(keys, sort=False).size().rename(col.N_SCORED)
    conflicts = festival.conflicts[[col.JUROR_ID, col.ENTRY_ID]].drop_duplicates().merge(stages, on=col.ENTRY_ID)
    conflicted = conflicts.assign(conflict=True).set_index(keys)["conflict"]
    pairs = pd.concat([assigned, scored, conflicted], axis=1)
    pairs = pairs[pairs["assigned"].notna() | pairs[col.N_SCORED].notna()].reset_index()
    pairs.columns = [*keys, "assigned", col.N_SCORED, "conflict"]
    lane_of_entry = festival.entries.set_index(col.ENTRY_ID)[col.CATEGORY]
    pairs.insert(0, col.LANE, pairs[col.ENTRY_ID].map(lane_of_entry))
    is_assigned = pairs["assigned"].notna().to_numpy()
    is_conflict = pairs["conflict"].notna().to_numpy()
    n_scored = pairs[col.N_SCORED].fillna(0).astype(np.int64)
    expected = is_assigned & ~is_conflict
    excluded = festival.excluded.assign(**{col.ROUND: festival.excluded.get(col.ROUND, pd.Series(dtype=str))}).fillna(
        {col.ROUND: ""})
    n_excluded = excluded.groupby(keys).size().reindex(pd.MultiIndex.from_frame(pairs[keys])).fillna(0)
    n_wanted = pairs[col.LANE].map(n_criteria_of).to_numpy(dtype=np.int64) - n_excluded.to_numpy(dtype=np.int64)
    pairs[col.N_SCORED] = n_scored
    pairs[col.N_EXPECTED] = np.where(expected, n_wanted, 0)
    pairs[col.STATUS] = np.select(
        [is_conflict & (n_scored > 0), is_conflict, ~is_assigned, n_scored >= n_wanted, n_scored > 0],
        ["conflict_scored", "conflict", "unassigned", "complete", "partial"], default="missing")
    out = pairs[[col.LANE, col.ROUND, col.JUROR_ID, col.ENTRY_ID, col.N_EXPECTED, col.N_SCORED, col.STATUS]]
    order = {r: i for i, r in enumerate(config.round_ids)}
    return out.sort_values([col.LANE, col.JUROR_ID, col.ENTRY_ID, col.ROUND], key=lambda s: s.map(order) if s.name == col.ROUND
                           else s, ignore_index=True)
