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
        causes = _why_not_on(config, steps, scores, scores.loc[stray]) if stray.any() else {}
        for row, lane, entry, r in zip(scores.loc[stray, col.SOURCE_ROW], scores.loc[stray, col.LANE],
                                       scores.loc[stray, col.ENTRY_ID], scores.loc[stray, col.ROUND]):
            log.add(sources["scores"], int(row), col.ROUND, r, f"a round entry {entry} took part in: it did not go on "
                    f"into round {r}: {causes[(lane, r, entry)]}")
    for lane in config.lane_ids:
        for r, panel in panels[lane].items():
            rule = config.rule(r)
            for entry in drop_problems(panel, rule):
                log.add(sources["scores"], None, col.ENTRY_ID, entry,
                        f"more scores than drop_high + drop_low ({rule.drop_high} + {rule.drop_low}) in "
                        f"{'round ' + r if r else 'its lane'}: drop_extremes would drop them all")
    return steps[[col.LANE, col.ROUND, col.ENTRY_ID]].reset_index(drop=True)


def _why_not_on(config, steps: pd.DataFrame, scores: pd.DataFrame, stray: pd.DataFrame) -> dict[tuple, str]:
    """Per (lane, round, entry) of scores in a round the entry did not reach: why, from the round
    before it (the rule and the columns that decided it). One look per entry so reported."""
    rounds = list(config.round_ids)
    result = steps.set_index([col.LANE, col.ROUND, col.ENTRY_ID])
    size = steps.groupby([col.LANE, col.ROUND]).size()
    keys = stray[[col.LANE, col.ROUND, col.ENTRY_ID]].drop_duplicates()
    before = {r: rounds[rounds.index(r) - 1] for r in set(keys[col.ROUND]) if rounds.index(r) > 0}
    wanted = set((lane, before.get(r), entry) for lane, r, entry in keys.itertuples(index=False))
    at = pd.MultiIndex.from_frame(scores[[col.LANE, col.ROUND, col.ENTRY_ID]]).isin(list(wanted))
    criteria = scores[at].groupby([col.LANE, col.ROUND, col.ENTRY_ID])[col.CRITERION].agg(set)
    out = {}
    for lane, r, entry in keys.itertuples(index=False):  # the entries reported, each once
        p = before.get(r)
        if p is None:
            out[(lane, r, entry)] = f"round {r} is the first round, which every entry of the lane takes part in"
            continue
        if (lane, p, entry) not in result.index:
            out[(lane, r, entry)] = f"it took no part in round {p}, the round before"
            continue
        step = result.loc[(lane, p, entry)]
        advance = config.round(p).advance
        if pd.isna(step["score"]):
            have = criteria.get((lane, p, entry), set())
            missing = [c for c in config.lane_criteria(lane) if c not in have]
            if not have:
                why = "it has no score there"
            elif missing:
                why = (f"it has no score there on {', '.join(missing)}, and a round's result needs every criterion "
                       f"of the lane ({', '.join(config.lane_criteria(lane))})")
            else:
                why = "no juror's scores there give it a result under the round's rule"
            out[(lane, r, entry)] = f"it has no result in round {p}, the round before: {why}"
        else:
            out[(lane, r, entry)] = (f"it ranked {int(step['rank'])} of {int(size[(lane, p)])} in round {p}, the round "
                                     f"before, where the best {advance} went on")
    return out
