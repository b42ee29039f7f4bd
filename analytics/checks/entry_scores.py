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

ENTRY_SCORE_COLUMNS = [col.LANE, col.ROUND, col.ENTRY_ID, col.CRITERION, col.SCORE]


def entry_scores(data: Festival | Shared, *, lanes: list[str] | None = None) -> pd.DataFrame:
    """Each entry's official panel score on each criterion, per lane and round
    (``entry_scores.csv``: ``lane, round, entry_id, criterion, score``): the round's rule over
    jurors applied to that criterion alone (under ``criteria_first`` too), rounded as it says."""
    shared = Shared.of(data, lanes)
    frames = []
    for lane in shared.lanes:
        if not (shared.scores[col.LANE] == lane).any():
            continue
        official = shared.official(lane)
        for rnd in shared.config.round_ids:
            entries = official.entries[rnd]
            per = official.per_criterion[rnd][:, 0, :]  # criteria × entries, the panel as it sat
            frames.append(pd.DataFrame({col.LANE: lane, col.ROUND: rnd,
                                        col.ENTRY_ID: np.tile(np.asarray(entries), len(official.criteria)),
                                        col.CRITERION: np.repeat(official.criteria, len(entries)),
                                        col.SCORE: per.ravel()}))
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=ENTRY_SCORE_COLUMNS)
    order = {**{lane: i for i, lane in enumerate(shared.config.lane_ids)}, **{r: i for i, r in enumerate(shared.config.round_ids)}}
    return out.sort_values([col.LANE, col.ROUND, col.ENTRY_ID], kind="stable", ignore_index=True,
                           key=lambda s: s.map(order) if s.name != col.ENTRY_ID else s)[ENTRY_SCORE_COLUMNS]


FAMILY = CheckFamily("entry_scores", entry_scores, no_flags, output=True, shows="sections/winners.html.j2")
