"""How entries' results in one round follow those of the round before (design section 11).

A check family with a table and no flags: per lane and pair of consecutive rounds, Spearman's
rho between the entries' round scores in both rounds, over the entries in both. Configured by
``[[rounds]]``; a festival without rounds has none.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.base import columns as col
from analytics.checks.family import CheckFamily, no_flags
from analytics.checks.shared import Shared
from analytics.load.config import FestivalConfig

CORRELATION_COLUMNS = [col.LANE, "round_from", "round_to", "n_entries", "spearman_rho"]


def round_correlations(data, *, lanes: list[str] | None = None) -> pd.DataFrame:
    """Per lane, how the entries' round scores in one round follow those of the round before
    (Spearman's rho over the entries in both): ``lane, round_from, round_to, n_entries,
    spearman_rho``. A festival without rounds has none."""
    shared = Shared.of(data, lanes)
    steps = shared.progression
    rows = []
    ids = shared.config.round_ids
    for lane in shared.lanes:
        for before, after in zip(ids, ids[1:]):  # consecutive rounds: a few
            a = steps[(steps[col.LANE] == lane) & (steps[col.ROUND] == before)].set_index(col.ENTRY_ID)["round_score"]
            b = steps[(steps[col.LANE] == lane) & (steps[col.ROUND] == after)].set_index(col.ENTRY_ID)["round_score"]
            both = pd.concat([a, b], axis=1, join="inner").dropna()
            rho = both.iloc[:, 0].rank().corr(both.iloc[:, 1].rank()) if len(both) >= 3 else np.nan
            rows.append([lane, before, after, len(both), rho])
    return pd.DataFrame(rows, columns=CORRELATION_COLUMNS)


def configured(config: FestivalConfig) -> bool:
    """Whether ``festival.toml`` declares ``[[rounds]]``."""
    return bool(config.rounds)


FAMILY = CheckFamily("round_correlations", round_correlations, no_flags,
                     kinds=(),
                     configured=configured,
                     output=True,
                     shows="sections/winners.html.j2")
