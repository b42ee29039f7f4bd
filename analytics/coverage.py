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

from . import columns as col
from .festival import Festival
from .flags import Flag, make_flag
from .shared import Shared

STATUSES = ("complete", "partial", "missing", "conflict", "conflict_scored", "unassigned")


def coverage(festival: Festival) -> pd.DataFrame:
    """One row per (lane, round, juror, entry) that is assigned, scored or conflicted; a pair
    is expected in each round its entry takes part in (``festival.stages``).

    Columns: ``lane, round, juror_id, entry_id, n_expected, n_scored, status`` (see module notes).

    >>> from analytics import load_festival
    >>> table = coverage(load_festival("data/demo"))
    >>> table.set_index(["juror_id", "entry_id"]).loc[("JR06", "GC-17"), "status"]
    'partial'
    """
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


def missing_scores(data: Festival | Shared, *, lanes: list[str] | None = None) -> pd.DataFrame:
    """Every expected score that is absent: ``lane, round, juror_id, entry_id, criterion``.

    >>> from analytics import load_festival
    >>> missing_scores(load_festival("data/demo")).to_dict("records")
    [{'lane': 'generative_cinema', 'round': '', 'juror_id': 'JR06', 'entry_id': 'GC-17', 'criterion': 'ethics'}]
    """
    shared = Shared.of(data, lanes)
    return _missing(shared.festival, shared.pairs)


def _missing(festival: Festival, pairs: pd.DataFrame) -> pd.DataFrame:
    keys = [col.LANE, col.ROUND, col.JUROR_ID, col.ENTRY_ID]
    open_pairs = pairs.loc[pairs[col.STATUS].isin(["partial", "missing"]), keys]
    config = festival.config
    criteria = pd.DataFrame([(lane, c) for lane in config.lane_ids for c in config.lane_criteria(lane)],
                            columns=[col.LANE, col.CRITERION])
    expected = open_pairs.merge(criteria, on=col.LANE)
    cells = [col.JUROR_ID, col.ENTRY_ID, col.CRITERION, col.ROUND]
    excluded = festival.excluded.reindex(columns=cells).fillna({col.ROUND: ""})
    have = pd.concat([festival.scores[cells], excluded]).drop_duplicates().assign(present=True)
    merged = expected.merge(have, on=cells, how="left")
    return merged.loc[merged["present"].isna(), [col.LANE, col.ROUND, col.JUROR_ID, col.ENTRY_ID, col.CRITERION]
                      ].reset_index(drop=True)


def lane_summary(data: Festival | Shared, *, lanes: list[str] | None = None) -> pd.DataFrame:
    """Per lane: entries, jurors, scores received and expected, and how many are missing,
    conflicted or unassigned. Lanes in the order of ``festival.toml``."""
    shared = Shared.of(data, lanes)
    festival, pairs = shared.festival, shared.pairs
    status = pd.crosstab(pairs[col.LANE], pairs[col.STATUS]).reindex(columns=list(STATUSES), fill_value=0)
    lane_index = pd.Index(shared.lanes, name=col.LANE)
    out = pd.DataFrame({
        col.N_ENTRIES: festival.entries[col.CATEGORY].value_counts(),
        col.N_JURORS: festival.juror_lanes[col.LANE].value_counts(),
        col.N_SCORES: festival.scores[col.LANE].value_counts(),
        col.N_EXPECTED: pairs.groupby(col.LANE)[col.N_EXPECTED].sum(),
        col.N_MISSING: _open(pairs).groupby(pairs[col.LANE]).sum(),
        col.N_CONFLICTS: status["conflict"] + status["conflict_scored"],
        "n_conflicts_scored": status["conflict_scored"],
        col.N_UNASSIGNED: status["unassigned"],
    }).reindex(lane_index).fillna(0).astype(np.int64)
    return out.reset_index()


def _open(pairs: pd.DataFrame) -> pd.Series:
    """Per pair, how many expected scores are absent."""
    return (pairs[col.N_EXPECTED] - pairs[col.N_SCORED]).clip(lower=0).where(pairs[col.N_EXPECTED] > 0, 0)


def juror_summary(festival: Festival) -> pd.DataFrame:
    """Per juror: lane, entries assigned, scores given and missing, mean score."""
    pairs = coverage(festival)
    out = festival.jurors[[col.JUROR_ID, col.PANEL, col.FACTION, col.ROLE]].set_index(col.JUROR_ID)
    out[col.N_ENTRIES] = (pairs[col.N_EXPECTED] > 0).groupby(pairs[col.JUROR_ID]).sum()
    out[col.N_SCORES] = festival.scores.groupby(col.JUROR_ID).size()
    out[col.N_MISSING] = _open(pairs).groupby(pairs[col.JUROR_ID]).sum()
    out[col.MEAN_SCORE] = festival.scores.groupby(col.JUROR_ID)[col.SCORE].mean()
    counts = [col.N_ENTRIES, col.N_SCORES, col.N_MISSING]
    out[counts] = out[counts].fillna(0).astype(np.int64)
    return out.reset_index()


def criterion_summary(festival: Festival) -> pd.DataFrame:
    """Per lane and criterion: number of scores, mean and standard deviation."""
    grouped = festival.scores.groupby([col.LANE, col.CRITERION], sort=False)[col.SCORE]
    out = grouped.agg(n_scores="size", mean_score="mean", sd_score="std").reset_index()
    order = {c: i for i, c in enumerate(festival.config.criterion_ids)}
    lanes = {lane: i for i, lane in enumerate(festival.config.lane_ids)}
    return out.sort_values([col.LANE, col.CRITERION], key=lambda s: s.map(lanes if s.name == col.LANE else order),
                           ignore_index=True)


def _in(row) -> str:
    """`` in round r`` for a festival with rounds, else nothing."""
    return f" in round {row.round}" if row.round else ""


def table(data: Festival | Shared, *, lanes: list[str] | None = None) -> pd.DataFrame:
    """The coverage check's table: :func:`coverage` of the lanes (all, or ``lanes``)."""
    return Shared.of(data, lanes).pairs


def flags(data: Festival | Shared, pairs: pd.DataFrame) -> list[Flag]:
    """Blockers for a declared conflict whose scores are counted and for every expected score
    that is missing; a warning for scores from a juror not assigned the entry."""
    shared = Shared.of(data)
    names = shared.lane_names
    out = []
    for row in pairs[pairs[col.STATUS] == "conflict_scored"].itertuples(index=False):
        out.append(make_flag("conflict_scored", "blocker", row.lane,
                             f"{names[row.lane]}: juror {row.juror_id} declared a conflict with {row.entry_id}, yet their "
                             f"{row.n_scored} scores for it are counted{_in(row)}.", juror_id=row.juror_id,
                             entry_id=row.entry_id, round=row.round))
    for row in _missing(shared.festival, pairs).itertuples(index=False):
        out.append(make_flag("score_missing", "blocker", row.lane,
                             f"{names[row.lane]}: juror {row.juror_id} is assigned {row.entry_id} but has not scored "
                             f"{row.criterion}{_in(row)}.", juror_id=row.juror_id, entry_id=row.entry_id,
                             criterion=row.criterion, round=row.round))
    for row in pairs[pairs[col.STATUS] == "unassigned"].itertuples(index=False):
        out.append(make_flag("score_unassigned", "warning", row.lane,
                             f"{names[row.lane]}: juror {row.juror_id} scored {row.entry_id} without being assigned it"
                             f"{_in(row)}.", juror_id=row.juror_id, entry_id=row.entry_id, round=row.round))
    return out
