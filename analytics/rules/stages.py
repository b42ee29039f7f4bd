"""Who took part in each round, as the competition ran: decided by the official rules.

Loading a folder (:func:`analytics.load.festival.load_festival`) reads and validates its tables
and runs no rule. Which entries took part in each round follows from the rules themselves
(every entry of a lane in the first round; the ``advance`` best of each round's result in the
next), so it is decided here, once per festival, before any check: :func:`with_stages`. The
problems only the rules can find are reported here as at load, all at once: a round that lets
more entries go on than it has, a score in a round its entry never reached, an entry with no
more scores than ``drop_extremes`` drops.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd

from analytics.base import columns as col
from analytics.base.problems import ProblemLog, problems_frame
from analytics.load.config import CONFIG_FILE
from analytics.load.festival import Festival, read_festival
from analytics.rules.official import drop_problems
from analytics.rules.rounds import panels_by_lane, progression


def with_stages(festival: Festival) -> Festival:
    """``festival`` with :attr:`~analytics.load.festival.Festival.stages` decided by its rules
    (itself when they are decided already: a festival after the chair's decisions keeps the
    rounds as the competition ran). Raises
    :class:`~analytics.base.problems.FestivalDataError` listing every problem of the rounds.

    >>> from analytics import load_festival
    >>> festival = load_festival("data/demo")
    >>> festival.stages is None, len(with_stages(festival).stages) == len(festival.entries)
    (True, True)
    """
    if festival.stages is not None:
        return festival
    log = ProblemLog()
    stages = _stages(festival, log)
    log.raise_if_any(str(festival.folder))
    return replace(festival, stages=stages)


def validate_festival(path: str | Path) -> pd.DataFrame:
    """Every problem in a festival folder as a table (``file, row, column, value, expected``):
    those of its tables, and those of its rounds; empty when the folder loads and its rounds
    can be run. For notebooks: the problem list without a traceback.

    >>> validate_festival("data/demo").empty
    True
    """
    festival, log = read_festival(Path(path))
    if festival is not None:
        _stages(festival, log)
    return problems_frame(log.problems)


def _stages(festival: Festival, log: ProblemLog) -> pd.DataFrame:
    config, entries, scores, sources = festival.config, festival.entries, festival.scores, festival.sources
    panels = panels_by_lane(config, scores)
    steps = progression(config, entries, scores, panels)
    for i, r in enumerate(config.rounds):
        if r.advance is None:
            continue
        sizes = steps[steps[col.ROUND] == r.id].groupby(col.LANE).size()
        for lane, n in sizes[sizes < r.advance].items():
            log.add(CONFIG_FILE, None, f"rounds[{i + 1}].advance", str(r.advance),
                    f"expected at most the {n} entries of lane {lane} in round {r.id}")
    if config.rounds:
        took_part = pd.MultiIndex.from_frame(steps[[col.LANE, col.ROUND, col.ENTRY_ID]])
        where = pd.MultiIndex.from_frame(scores[[col.LANE, col.ROUND, col.ENTRY_ID]])
        stray = ~where.isin(took_part)
        for row, entry, r in zip(scores.loc[stray, col.SOURCE_ROW], scores.loc[stray, col.ENTRY_ID],
                                 scores.loc[stray, col.ROUND]):
            log.add(sources["scores"], int(row), col.ROUND, r, f"a round entry {entry} took part in: it did not go on "
                    f"into round {r} (see the round before it, where the best of the lane went on)")
    for lane in config.lane_ids:
        for r, panel in panels[lane].items():
            rule = config.rule(r)
            for entry in drop_problems(panel, rule):
                log.add(sources["scores"], None, col.ENTRY_ID, entry,
                        f"more scores than drop_high + drop_low ({rule.drop_high} + {rule.drop_low}) in "
                        f"{'round ' + r if r else 'its lane'}: drop_extremes would drop them all")
    return steps[[col.LANE, col.ROUND, col.ENTRY_ID]].reset_index(drop=True)
