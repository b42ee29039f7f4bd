"""The coverage check: conflicts that were scored, expected scores that are missing, scores
nobody assigned; and counts per lane, juror and criterion. Who scored what, and the ``status``
of each (juror, entry) pair, is :func:`analytics.checks.pairs.coverage`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.base import columns as col
from analytics.load.festival import Festival
from analytics.checks.family import CheckFamily
from analytics.checks.flags import Flag, FlagKind
from analytics.checks.pairs import STATUSES, coverage, excluded_cells  # noqa: F401  (the pairs' vocabulary, for callers)
from analytics.checks.shared import Shared, judged

#: the flags this family raises
CONFLICT_SCORED = FlagKind("conflict_scored", "blocker", about_juror=True)
SCORE_MISSING = FlagKind("score_missing", "blocker", about_juror=True)
SCORE_UNASSIGNED = FlagKind("score_unassigned", "warning", about_juror=True)
#: where the scores judge performances (design section 14): a performance judged by fewer jurors than usual
PERFORMANCE_SHORT_PANEL = FlagKind("performance_short_panel", "warning")
#: an entry that performed less than the others in a round (a withdrawal): ranked on what it performed
PERFORMANCES_INCOMPLETE = FlagKind("performances_incomplete", "warning")






def missing_scores(data: Festival | Shared, *, lanes: list[str] | None = None) -> pd.DataFrame:
    """Every expected score that is absent: ``lane, round, juror_id, entry_id, criterion``.

    >>> from analytics import load_festival
    >>> missing_scores(load_festival("data/demo")).to_dict("records")
    [{'lane': 'generative_cinema', 'round': '', 'juror_id': 'JR06', 'entry_id': 'GC-17', 'criterion': 'ethics'}]
    """
    shared = Shared.of(data, lanes)
    return _missing(shared.festival, shared.pairs)


def _missing(festival: Festival, pairs: pd.DataFrame) -> pd.DataFrame:
    """Every expected score that is absent. Where the scores judge performances, a juror who judged none
    of a performance's criteria is not a missing score but an absent judge (a short panel:
    :func:`short_panels`); a judge who gave some of its criteria and not the others is."""
    performed = [col.PERFORMANCE] if festival.has_performances else []
    keys = [col.LANE, col.ROUND, col.JUROR_ID, col.ENTRY_ID, *performed]
    open_pairs = pairs.loc[pairs[col.STATUS].isin(["partial"] if performed else ["partial", "missing"]), keys]
    config = festival.config
    criteria = pd.DataFrame([(lane, c) for lane in config.lane_ids for c in config.lane_criteria(lane)],
                            columns=[col.LANE, col.CRITERION])
    expected = open_pairs.merge(criteria, on=col.LANE)
    cells = [col.JUROR_ID, col.ENTRY_ID, col.CRITERION, col.ROUND, *performed]
    excluded = excluded_cells(festival, cells)
    have = pd.concat([festival.scores[cells], excluded]).drop_duplicates().assign(present=True)
    merged = expected.merge(have, on=cells, how="left")
    return merged.loc[merged["present"].isna(), [col.LANE, col.ROUND, col.JUROR_ID, col.ENTRY_ID, *performed,
                                                 col.CRITERION]].reset_index(drop=True)


def short_panels(festival: Festival, pairs: pd.DataFrame) -> pd.DataFrame:
    """Where the scores judge performances: each performance judged by fewer jurors than its round's
    usual panel (``lane, round, entry_id, performance, n_jurors, usual``, and ``absent``: the jurors
    assigned who gave no mark, separated by ``;``, when ``assignments.csv`` names them). The usual panel
    of a lane's round: the number of jurors who judged most of its performances (the larger on a tie).
    O(pairs)."""
    keys = [col.LANE, col.ROUND, col.ENTRY_ID, col.PERFORMANCE]
    judged = pairs[pairs[col.N_SCORED] > 0].groupby(keys, sort=False).size().rename("n_jurors").reset_index()
    usual = festival.performances.set_index(keys)[col.USUAL_PANEL]  # the round's usual panel, as loaded
    out = judged.assign(usual=usual.reindex(pd.MultiIndex.from_frame(judged[keys])).to_numpy())
    out = out[out["n_jurors"] < out["usual"]]
    at = pd.MultiIndex.from_frame(out[keys])

    def named(status: str) -> np.ndarray:
        who = pairs[pairs[col.STATUS] == status].groupby(keys, sort=False)[col.JUROR_ID].agg(";".join)
        return who.reindex(at).fillna("").to_numpy() if len(out) else np.zeros(0, dtype=object)
    return out.assign(absent=named("missing"), conflicted=named("conflict")).reset_index(drop=True)


def incomplete_performances(festival: Festival, shared: Shared) -> pd.DataFrame:
    """Entries that performed less than the others in a round (a withdrawal): ``lane, round,
    entry_id, performed, usual, listed`` (``usual``: the most performances an entry of the lane gave in
    that round; ``listed``: the entry's performances in ``performances.csv`` with or without a score).
    Only the entries still in the round (:meth:`~analytics.checks.shared.Shared.round_entries`)."""
    p = festival.performances
    keys = [col.LANE, col.ROUND, col.ENTRY_ID]
    per = p.groupby(keys, sort=False)["scored"].agg(performed="sum", listed="size").reset_index()
    per["usual"] = per.groupby([col.LANE, col.ROUND])["performed"].transform("max")
    stages = pd.concat([pd.DataFrame({col.LANE: lane, col.ROUND: r, col.ENTRY_ID: ids})
                        for lane in shared.lanes for r, ids in shared.round_entries(lane).items()])
    per = per.merge(stages, on=keys)
    return per[(per["performed"] > 0) & ((per["performed"] < per["usual"]) | (per["performed"] < per["listed"]))
               ].reset_index(drop=True)[[*keys, "performed", "usual", "listed"]]


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
    """Per pair, how many expected scores are absent (where the scores judge performances, a judge absent from a
    performance is a short panel, not missing scores: :func:`short_panels`)."""
    absent = (pairs[col.N_EXPECTED] - pairs[col.N_SCORED]).clip(lower=0).where(pairs[col.N_EXPECTED] > 0, 0)
    if col.PERFORMANCE in pairs:
        absent = absent.where(pairs[col.STATUS] != "missing", 0)
    return absent


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
    return _in_round(row.round)


def _in_round(rnd: str) -> str:
    return f" in round {rnd}" if rnd else ""


def _summed(shared: Shared, rnd: str) -> str:
    """How a short panel's marks count where the rule sums them (``panel = "sum"``)."""
    if shared.config.rule(rnd).panel != "sum":
        return ""
    return (" (the rule sums the marks it keeps: their mean counts as many times as the usual panel keeps marks, as "
            "a missing mark is replaced by the others' average)")


def _performance_flags(shared: Shared, pairs: pd.DataFrame) -> list[Flag]:
    """Warnings for short panels and for entries that performed less than the others (design section 14)."""
    names, out = shared.lane_names, []
    for row in short_panels(shared.festival, pairs).itertuples(index=False):
        away = "".join(f" ({what}: {who.replace(';', ', ')})" for what, who in
                       (("assigned, no mark", row.absent), ("declared conflict, no mark", row.conflicted)) if who)
        out.append(PERFORMANCE_SHORT_PANEL.flag(row.lane,
                   f"{names[row.lane]}: performance {row.performance} of {row.entry_id}{_in(row)} was judged by "
                   f"{row.n_jurors} jurors where the round's panel is {row.usual}{away}; its panel score is over the "
                   f"marks it has{_summed(shared, row.round)}.", entry_id=row.entry_id, round=row.round, item=row.performance,
                   value=row.n_jurors, threshold=row.usual))
    for row in incomplete_performances(shared.festival, shared).itertuples(index=False):
        listed = f" of the {row.listed} it listed" if row.listed > row.performed else ""
        out.append(PERFORMANCES_INCOMPLETE.flag(row.lane,
                   f"{names[row.lane]}: {row.entry_id} performed {row.performed}{listed}{_in(row)}, where the most "
                   f"any entry performed is {row.usual}: it is ranked on what it performed (it withdrew?).",
                   entry_id=row.entry_id, round=row.round, value=row.performed, threshold=row.usual))
    return out


def table(data: Festival | Shared, *, lanes: list[str] | None = None) -> pd.DataFrame:
    """The coverage check's table: :func:`coverage` of the lanes (all, or ``lanes``)."""
    return Shared.of(data, lanes).pairs


def flags(data: Festival | Shared, pairs: pd.DataFrame) -> list[Flag]:
    """Blockers for a declared conflict whose scores are counted and for every expected score
    that is missing; a warning for scores from a juror not assigned the entry."""
    shared = Shared.of(data)
    names = shared.lane_names
    out = []
    conflicts = pairs[pairs[col.STATUS] == "conflict_scored"]
    if shared.festival.has_performances:  # a conflict is with the entry: one flag for all its performances in a round
        conflicts = conflicts.groupby([col.LANE, col.ROUND, col.JUROR_ID, col.ENTRY_ID], sort=False, as_index=False)[
            col.N_SCORED].sum()
    for row in conflicts.itertuples(index=False):
        out.append(CONFLICT_SCORED.flag(row.lane,
                             f"{names[row.lane]}: juror {row.juror_id} declared a conflict with {row.entry_id}, yet their "
                             f"{row.n_scored} scores for it are counted{_in(row)}.", juror_id=row.juror_id,
                             entry_id=row.entry_id, round=row.round))
    for row in _missing(shared.festival, pairs).to_dict("records"):
        out.append(SCORE_MISSING.flag(row["lane"],
                             f"{names[row['lane']]}: juror {row['juror_id']} is assigned {judged(row)} but has not scored "
                             f"{row['criterion']}{_in_round(row['round'])}.", juror_id=row["juror_id"],
                             entry_id=row["entry_id"], criterion=row["criterion"], round=row["round"],
                             item=row.get(col.PERFORMANCE, "")))
    if shared.festival.has_performances:
        out += _performance_flags(shared, pairs)
    for row in pairs[pairs[col.STATUS] == "unassigned"].to_dict("records"):
        out.append(SCORE_UNASSIGNED.flag(row["lane"],
                             f"{names[row['lane']]}: juror {row['juror_id']} scored {judged(row)} without being assigned it"
                             f"{_in_round(row['round'])}.", juror_id=row["juror_id"], entry_id=row["entry_id"],
                             round=row["round"], item=row.get(col.PERFORMANCE, "")))
    return out


FAMILY = CheckFamily("coverage", table, flags,
                     kinds=(CONFLICT_SCORED, SCORE_MISSING, SCORE_UNASSIGNED, PERFORMANCE_SHORT_PANEL,
                            PERFORMANCES_INCOMPLETE),
                     shows="sections/publication.html.j2")
