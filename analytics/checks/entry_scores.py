"""The official panel score of each entry on each criterion, per lane and round (``entry_scores.csv``).

A family with a table and no flags: it reads the official result computed once per run
(:meth:`analytics.checks.shared.Shared.official`), as ``rankings.csv`` does.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.base import columns as col
from analytics.checks.family import CheckFamily, no_flags
from analytics.checks.shared import Shared
from analytics.load.festival import Festival
from analytics.rules.official import panel_results, performance_points
from analytics.rules.ranked import jury_table, shown

ENTRY_SCORE_COLUMNS = [col.LANE, col.ROUND, col.ENTRY_ID, col.CRITERION, col.SCORE]


#: where the scores judge performances: one row per performance and criterion, with the performance's points
PERFORMANCE_SCORE_COLUMNS = [col.LANE, col.ROUND, col.ENTRY_ID, col.PERFORMANCE, col.CRITERION, col.SCORE, col.FACTOR,
                             col.BASE, "points"]


def entry_scores(data: Festival | Shared, *, lanes: list[str] | None = None) -> pd.DataFrame:
    """Each entry's official panel score on each criterion, per lane and round
    (``entry_scores.csv``: ``lane, round, entry_id, criterion, score``): the round's rule over
    jurors applied to that criterion alone (under ``criteria_first`` too), rounded as it says.

    Where the scores judge performances (design section 14), one row per performance and
    criterion, in the order performed: its panel score on the criterion, its ``factor`` and
    ``base``, and its ``points`` (the panel score over the criteria × factor × ``multiplier`` +
    base, rounded: :func:`analytics.rules.official.performance_points`), which the entry's round
    score adds up (or averages, or takes the best of)."""
    shared = Shared.of(data, lanes)
    if shared.festival.has_performances:
        return _performance_scores(shared)
    frames = []
    config = shared.config
    juries = any(config.rule(r).juries is not None for r in config.round_ids)
    for lane in shared.lanes:
        if not (shared.scores[col.LANE] == lane).any():
            continue
        official = shared.official(lane)
        for rnd in config.round_ids:
            entries = official.entries[rnd]
            rule = config.rule(rnd)
            per = shown(official.per_criterion[rnd][:, 0, :], rule)  # criteria × entries, the panel as it sat
            frames.append(pd.DataFrame({col.LANE: lane, col.ROUND: rnd,
                                        col.ENTRY_ID: np.tile(np.asarray(entries), len(official.criteria)),
                                        col.CRITERION: np.repeat(official.criteria, len(entries)),
                                        col.SCORE: per.ravel()}))
            panel = shared.panels(lane)[rnd]
            if rule.juries is not None and panel.present.any():
                frames.append(_jury_rows(lane, rnd, panel, rule, entries, official.criteria))
    columns = [*ENTRY_SCORE_COLUMNS, *(JURY_COLUMNS if juries else [])]
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)
    if juries:
        out[col.JURY] = out[col.JURY].fillna("")
    order = {**{lane: i for i, lane in enumerate(config.lane_ids)}, **{r: i for i, r in enumerate(config.round_ids)}}
    keys = [col.LANE, col.ROUND, *([col.JURY] if juries else []), col.ENTRY_ID]
    return out.sort_values(keys, kind="stable", ignore_index=True,
                           key=lambda s: s.map(order) if s.name in (col.LANE, col.ROUND) else s)[columns]


#: with juries of juries (design section 15), one more row per jury × entry it ranked: the jury, its
#: jurors combined (``score``: a mean or sum of places, Borda or rank points), its place and its points
JURY_COLUMNS = [col.JURY, "jury_rank", "points"]


def _jury_rows(lane: str, rnd: str, panel, rule, entries: pd.Index, criteria: tuple[str, ...]) -> pd.DataFrame:
    """Each jury's ranking and points of the round's entries (:func:`analytics.rules.ranked.jury_table`)."""
    table = jury_table(panel, rule, panel.tie_values)
    table = table[table[col.ENTRY_ID].isin(entries)]
    return pd.DataFrame({col.LANE: lane, col.ROUND: rnd, col.ENTRY_ID: table[col.ENTRY_ID].to_numpy(),
                         col.CRITERION: criteria[0], col.SCORE: table["value"].to_numpy(),
                         col.JURY: table["jury"].astype(str).to_numpy(), "jury_rank": table["jury_rank"].to_numpy(),
                         "points": table["points"].to_numpy()})


def _performance_scores(shared: Shared) -> pd.DataFrame:
    frames = []
    config = shared.config
    for lane in shared.lanes:
        factors = config.criterion_weights(lane)
        for rnd, panel in shared.panels(lane).items():  # a few rounds
            if not panel.present.any():
                continue
            rule = config.rule(rnd)
            _, per = panel_results(panel, np.ones((1, len(panel.jurors_index))), rule, factors)  # criteria × 1 × rows
            rows, p = panel.rows, panel.performances
            n_c = len(panel.criteria)
            frames.append(pd.DataFrame({
                col.LANE: lane, col.ROUND: rnd, col.ENTRY_ID: np.tile(rows.get_level_values(0).to_numpy(), n_c),
                col.PERFORMANCE: np.tile(rows.get_level_values(1).to_numpy(), n_c),
                col.CRITERION: np.repeat(panel.criteria, len(rows)), col.SCORE: per[:, 0, :].ravel(),
                col.FACTOR: np.tile(p.factor, n_c), col.BASE: np.tile(p.base, n_c),
                "points": np.tile(performance_points(panel, rule, factors), n_c),
                "_order": np.tile(np.arange(len(rows)), n_c)}))
    if not frames:
        return pd.DataFrame(columns=PERFORMANCE_SCORE_COLUMNS)
    out = pd.concat(frames, ignore_index=True)
    order = {**{lane: i for i, lane in enumerate(config.lane_ids)}, **{r: i for i, r in enumerate(config.round_ids)}}
    criteria = {c: i for i, c in enumerate(config.criterion_ids)}
    return out.sort_values([col.LANE, col.ROUND, "_order", col.CRITERION], kind="stable", ignore_index=True,
                           key=lambda s: s.map(criteria) if s.name == col.CRITERION else s.map(order) if s.name != "_order"
                           else s)[PERFORMANCE_SCORE_COLUMNS]


FAMILY = CheckFamily("entry_scores", entry_scores, no_flags, output=True, shows="sections/winners.html.j2")
