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
    is expected in each round its entry takes part in (``festival.stages``). Where the scores judge
    performances, one row per (lane, round, juror, entry, performance) instead (with a ``performance``
    column): a juror is expected on the performances an entry gave that they are assigned (without
    ``assignments.csv``: those they judged).

    Columns: ``lane, round, juror_id, entry_id, n_expected, n_scored, status`` (see module notes).

    >>> from analytics import load_festival
    >>> table = coverage(load_festival("data/demo"))
    >>> table.set_index(["juror_id", "entry_id"]).loc[("JR06", "GC-17"), "status"]
    'partial'
    """
    festival = with_stages(festival)
    performed = festival.has_performances
    keys = [col.JUROR_ID, col.ENTRY_ID, col.ROUND, *([col.PERFORMANCE] if performed else [])]
    config = festival.config
    n_criteria_of = {lane: len(config.lane_criteria(lane)) for lane in config.lane_ids}
    stages = festival.stages[[col.ENTRY_ID, col.ROUND]]
    if performed:  # each performance an entry gave in a round it took part in
        p = festival.performances
        stages = p.loc[p["scored"], [col.ENTRY_ID, col.ROUND, col.PERFORMANCE]].merge(stages, on=[col.ENTRY_ID, col.ROUND])
    a = festival.assignments
    every_round = a[a[col.ROUND] == ""].drop(columns=col.ROUND).merge(stages, on=col.ENTRY_ID)
    one_round = a[a[col.ROUND] != ""].merge(stages, on=[col.ENTRY_ID, col.ROUND])  # only rounds the entry reached
    if performed:  # an assignment with no performance: every performance of the entry in that round
        every_round, one_round = (_performances_of(t) for t in (every_round, one_round))
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
    excluded = excluded_cells(festival, [*keys, col.CRITERION])
    n_excluded = excluded.groupby(keys).size().reindex(pd.MultiIndex.from_frame(pairs[keys])).fillna(0)
    n_wanted = pairs[col.LANE].map(n_criteria_of).to_numpy(dtype=np.int64) - n_excluded.to_numpy(dtype=np.int64)
    pairs[col.N_SCORED] = n_scored
    pairs[col.N_EXPECTED] = np.where(expected, n_wanted, 0)
    pairs[col.STATUS] = np.select(
        [is_conflict & (n_scored > 0), is_conflict, ~is_assigned, n_scored >= n_wanted, n_scored > 0],
        ["conflict_scored", "conflict", "unassigned", "complete", "partial"], default="missing")
    out = pairs[[col.LANE, col.ROUND, col.JUROR_ID, col.ENTRY_ID, *keys[3:], col.N_EXPECTED, col.N_SCORED, col.STATUS]]
    order = {r: i for i, r in enumerate(config.round_ids)}
    return out.sort_values([col.LANE, col.JUROR_ID, col.ENTRY_ID, col.ROUND, *keys[3:]],
                           key=lambda s: s.map(order) if s.name == col.ROUND else s, ignore_index=True)


def excluded_cells(festival: Festival, cells: list[str]) -> pd.DataFrame:
    """The scores the chair excluded (:attr:`~analytics.load.festival.Festival.excluded`) in the columns
    ``cells``, a round or performance not named being empty text."""
    out = festival.excluded.reindex(columns=cells)
    for name in (col.ROUND, col.PERFORMANCE):
        if name in out:
            out[name] = out[name].astype("object").fillna("").astype("str")
    return out


def _performances_of(assigned: pd.DataFrame) -> pd.DataFrame:
    """Assignments merged with the performances of their entry's round (``performance_x``: the assignment's
    own, empty for every performance; ``performance_y``: each performance given), as one ``performance``."""
    own, given = assigned[f"{col.PERFORMANCE}_x"], assigned[f"{col.PERFORMANCE}_y"]
    return assigned[(own == "") | (own == given)].rename(columns={f"{col.PERFORMANCE}_y": col.PERFORMANCE})
