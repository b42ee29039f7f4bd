"""Rounds (design section 11): who took part in each round, each round's official result, who went on.

Rounds run in the order ``festival.toml`` declares them; a festival without ``[[rounds]]`` has
one round, ``""``. Every entry of a lane takes part in the first round; the ``advance`` best of
each round's result go on to the next, and every entry tied with the last of them goes on too.
A round's *score* is the entry's own panel score in that round (the official rule of the round,
:mod:`analytics.rules.official`); its *result* is the weighted sum of the entry's round scores that
the round's ``weights`` name, rounded as the round's rule says; the round ranks on its result.

:func:`official_result` is the official result: for the panel as it sat, every round's panel
score per criterion, round score and result of each entry that took part. It is computed once
per check run (:meth:`analytics.checks.shared.Shared.official`) and every output reads it:
``rankings.csv`` ``score``, ``entry_scores.csv``, the summary, the explorer and the reports.
:func:`progression` decides, at load, who took part in each round from the same function;
:func:`round_results` computes the rounds for any number of juries at once (the robustness
checks: one juror left out, resampled juries).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics.base import columns as col
from analytics.load.config import FestivalConfig
from analytics.rules.official import Panel, panel_results, panel_tiebreak, round_half_up
from analytics.rules.ranked import shown

PROGRESSION_COLUMNS = [col.LANE, col.ROUND, col.ENTRY_ID, "round_score", "score", "rank", "advances"]


@dataclass(frozen=True)
class LaneRounds:
    """One lane's rounds for a set of juries: per round, the entries in it, and (juries ×
    entries) their round scores and results; per round and criterion, the panel scores."""

    rounds: tuple[str, ...]
    entries: dict[str, pd.Index]
    round_scores: dict[str, np.ndarray]
    results: dict[str, np.ndarray]
    per_criterion: dict[str, np.ndarray]  # criteria × juries × entries
    criteria: tuple[str, ...]
    #: per round, what decides a tie (juries × entries, higher wins; ``[aggregation] tie_break``), or None
    tiebreak: dict[str, np.ndarray | None] | None = None

    def then(self, rnd: str) -> np.ndarray | None:
        """The round's tie-break keys (:attr:`tiebreak`), None where ties are shared."""
        return None if self.tiebreak is None else self.tiebreak.get(rnd)


def lane_panels(config: FestivalConfig, scores: pd.DataFrame, lane: str,
                criteria: tuple[str, ...] | None = None) -> dict[str, Panel]:
    """Each round's scores of a lane laid out per entry (:class:`~analytics.rules.official.Panel`), on
    the lane's criteria (or on ``criteria``). ``scores``: the festival's, or only the lane's."""
    return panels_by_lane(config, scores[scores[col.LANE] == lane], criteria, lanes=(lane,))[lane]


def panels_by_lane(config: FestivalConfig, scores: pd.DataFrame, criteria: tuple[str, ...] | None = None,
                   lanes: tuple[str, ...] | None = None) -> dict[str, dict[str, Panel]]:
    """:func:`lane_panels` of every lane (or of ``lanes``) from one pass over ``scores``: O(scores)."""
    lanes = config.lane_ids if lanes is None else lanes
    groups = scores.groupby([col.LANE, col.ROUND], sort=False, observed=True).indices if len(scores) else {}
    empty = scores.iloc[:0]
    return {lane: {r: Panel.of(scores.take(groups[(lane, r)]) if (lane, r) in groups else empty,
                               tuple(criteria or config.lane_criteria(lane))) for r in config.round_ids}
            for lane in lanes}


@dataclass(frozen=True)
class RoundPositions:
    """Where :func:`round_results` reads each round: the panel's jurors among ``jurors`` (``codes``),
    the round's entries among the panel's (``at``) and among each earlier round's (``place``).
    Found once per lane, O(jurors + entries), and reused by every chunk of juries."""

    codes: dict[str, np.ndarray]
    at: dict[str, np.ndarray]
    place: dict[tuple[str, str], np.ndarray]

    @classmethod
    def of(cls, config: FestivalConfig, panels: dict[str, Panel], entries: dict[str, pd.Index],
           jurors: pd.Index) -> RoundPositions:
        return cls({r: jurors.get_indexer(panels[r].jurors_index) for r in config.round_ids},
                   {r: panels[r].entries.get_indexer(entries[r]) for r in config.round_ids},
                   {(earlier, r): entries[earlier].get_indexer(entries[r])
                    for r in config.round_ids for earlier in config.round_weights(r)})


def round_results(config: FestivalConfig, lane: str, panels: dict[str, Panel], entries: dict[str, pd.Index],
                  juries: np.ndarray, jurors: pd.Index, factors: dict[str, float] | None = None, *,
                  keep: bool = True, positions: RoundPositions | None = None,
                  only: set[str] | None = None) -> LaneRounds:
    """Every round of a lane under each jury of ``juries`` (juries × ``jurors``, multiplicities):
    round scores and results of the entries in each round (``entries``); ``factors``: the
    criteria's weights (default: the lane's); ``keep=False``: without the panel scores per
    criterion (``per_criterion`` empty; see :func:`~analytics.rules.official.panel_results`);
    ``positions``: :class:`RoundPositions` of these panels, entries and jurors, when the caller
    computes many chunks of juries; ``only``: just these rounds (each with the rounds its result weighs
    among them), the others left out of the result. Cost: O(juries × scores)."""
    factors = config.criterion_weights(lane) if factors is None else factors
    positions = RoundPositions.of(config, panels, entries, jurors) if positions is None else positions
    scores_by_round, results, per_criterion, tiebreak = {}, {}, {}, {}
    for r in config.round_ids:  # a few rounds: not a loop over juries, entries or jurors
        if only is not None and r not in only:
            continue
        panel = panels[r]
        codes = positions.codes[r]
        own = juries[:, codes] if len(codes) else np.zeros((len(juries), 0))
        got, criteria = panel_results(panel, own, config.rule(r), factors, keep=keep)
        at = positions.at[r]
        scores_by_round[r] = _pick(got, at)
        then = panel_tiebreak(panel, own, config.rule(r))
        tiebreak[r] = None if then is None else _pick(then, at)
        if keep:  # per entry; where the scores judge performances, per performance only (entry_scores.csv)
            per_criterion[r] = (_pick(criteria, at) if panel.performances is None
                                else np.full((*criteria.shape[:2], len(at)), np.nan))
        total = np.zeros((len(juries), len(entries[r])))
        for earlier, weight in config.round_weights(r).items():  # the earlier rounds' scores of the entries still in
            total = total + weight * scores_by_round[earlier][:, positions.place[(earlier, r)]]
        results[r] = round_half_up(total, config.rule(r).decimals)
    rounds = config.round_ids if only is None else tuple(r for r in config.round_ids if r in only)
    return LaneRounds(rounds, entries, scores_by_round, results, per_criterion,
                      panels[config.round_ids[0]].criteria, tiebreak)


def official_result(config: FestivalConfig, lane: str, panels: dict[str, Panel], entries: dict[str, pd.Index],
                    jurors: pd.Index, factors: dict[str, float] | None = None) -> LaneRounds:
    """The official result of a lane: :func:`round_results` for the panel as it sat (one jury,
    each of ``jurors`` counted once), with the panel scores per criterion. ``entries``: the
    entries of each round; ``factors``: as in :func:`round_results`."""
    return round_results(config, lane, panels, entries, np.ones((1, len(jurors))), jurors, factors)


def progression_table(config: FestivalConfig, lane: str, official: LaneRounds) -> pd.DataFrame:
    """One lane's rows of :func:`progression` from its official result (:func:`official_result`):
    per round and entry, its round score, result, rank and whether it goes on."""
    last = config.round_ids[-1]
    frames = []
    for r in config.round_ids:  # a few rounds
        results = official.results[r]
        advance = config.round(r).advance if config.round(r) is not None else None
        then = official.then(r)
        on = going_on(results, advance, then)[0]
        rule = config.rule(r)
        frames.append(pd.DataFrame({col.LANE: lane, col.ROUND: r, col.ENTRY_ID: official.entries[r],
                                    "round_score": shown(official.round_scores[r][0], rule),
                                    "score": shown(results[0], rule), "rank": ranks(results, then)[0],
                                    "advances": np.where(on, "yes", "no") if r != last else ""}))
    return pd.concat(frames, ignore_index=True)[PROGRESSION_COLUMNS]


def _pick(matrix: np.ndarray, at: np.ndarray) -> np.ndarray:
    """The last axis of ``matrix`` at positions ``at`` (NaN where ``at`` is -1: an entry not scored)."""
    out = np.full((*matrix.shape[:-1], len(at)), np.nan)
    ok = at >= 0
    out[..., ok] = matrix[..., at[ok]]
    return out


#: results are compared to this many decimals: marks with a few decimals, over fewer than 100,000 jurors, never
#: differ by less, and floating point noise never by more
TIE_DECIMALS = 9


def ranks(results: np.ndarray, then: np.ndarray | None = None) -> np.ndarray:
    """Competition ranks (1 = best, ties share the best rank) of each row; an entry without a result
    is last (those without share the last rank). ``then``: what decides a tie (same shape, higher
    wins; :func:`_ranks_then`).

    Results take few distinct values (a rule's rounding, a mean of a few marks on a scale): then by
    counting, each row's number of entries above each distinct value, O(rows × entries + distinct
    values), no sort (:func:`_counted_ranks`). Otherwise one sort per row: O(rows × entries log
    entries). The two give the same ranks: ties are exact equality either way.

    >>> ranks(np.array([[7.0, 9.0, 7.0, np.nan], [1.0, 1.0, 2.0, np.nan]])).tolist()
    [[2.0, 1.0, 2.0, 4.0], [2.0, 2.0, 1.0, 4.0]]
    """
    if results.ndim == 1:
        return ranks(results[None, :], None if then is None else then[None, :])[0]
    # results equal in exact arithmetic are equal here: a weighted mean over 12 jurors' marks, 38/5 one way and
    # 7.6000000000000005 another, ties (and every entry tied at a cut goes on), as the rules mean
    results = np.round(results, TIE_DECIMALS)
    if results.shape[1] == 0:
        return np.zeros(results.shape)
    if then is not None:
        return _ranks_then(results, then)
    counted = _counted_ranks(results)
    if counted is not None:
        return counted
    filled = np.where(np.isnan(results), -np.inf, results)
    order = np.argsort(-filled, axis=1)  # not stable: tied values get the same rank whatever their order
    ordered = np.take_along_axis(filled, order, axis=1)
    place = np.arange(filled.shape[1])
    starts = np.ones(ordered.shape, dtype=bool)
    starts[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    first = np.maximum.accumulate(np.where(starts, place, 0), axis=1)  # where each tie begins
    out = np.empty(filled.shape)
    np.put_along_axis(out, order, first + 1.0, axis=1)
    return out


def _ranks_then(results: np.ndarray, then: np.ndarray) -> np.ndarray:
    """:func:`ranks` with ties decided by ``then`` (higher wins; entries equal on both share the rank).
    One sort per row: O(rows × entries log entries).

    >>> _ranks_then(np.array([[7.0, 9.0, 7.0, 7.0]]), np.array([[1.0, 0.0, 2.0, 1.0]])).tolist()
    [[3.0, 1.0, 2.0, 3.0]]
    """
    r = np.where(np.isnan(results), -np.inf, results)
    t = np.where(np.isnan(then), -np.inf, then)
    order = np.lexsort((-t, -r), axis=-1)
    r_sorted, t_sorted = np.take_along_axis(r, order, axis=1), np.take_along_axis(t, order, axis=1)
    starts = np.ones(r.shape, dtype=bool)
    starts[:, 1:] = (r_sorted[:, 1:] != r_sorted[:, :-1]) | ((t_sorted[:, 1:] != t_sorted[:, :-1])
                                                              & np.isfinite(r_sorted[:, 1:]))
    place = np.arange(r.shape[1])
    first = np.maximum.accumulate(np.where(starts, place, 0), axis=1)
    out = np.empty(r.shape)
    np.put_along_axis(out, order, first + 1.0, axis=1)
    return out


#: :func:`ranks` counts when the results hold at most this many distinct values per entry (plus a
#: thousand), and when the first row holds at most half as many distinct values as entries
COUNTED_MAX = 4


def _counted_ranks(results: np.ndarray) -> np.ndarray | None:
    """:func:`ranks` by counting: the distinct values of all rows coded in order (one hash pass,
    then a sort of the distinct values only; a missing result is below all), and per row how many
    entries hold each code; an entry's rank is one plus the entries holding higher codes. None
    when the values are too many for counting to pay (judged first on the first row, so that
    continuous results cost one row's look, not a hash of every row)."""
    rows, n = results.shape
    if rows * n < 10_000 or len(pd.unique(results[0])) > n // 2 + 1:
        return None
    codes, distinct = pd.factorize(results.ravel(), use_na_sentinel=True)  # NaN: -1
    if len(distinct) > COUNTED_MAX * n + 1000:
        return None
    place = np.empty(len(distinct) + 1, dtype=np.int64)
    place[0] = 0  # a missing result: below every value
    place[np.argsort(distinct) + 1] = np.arange(1, len(distinct) + 1)
    steps = len(distinct) + 1
    step = place[codes + 1].reshape(rows, n)
    counts = np.bincount((step + (np.arange(rows, dtype=np.int64) * steps)[:, None]).ravel(),
                         minlength=rows * steps).reshape(rows, steps)
    above = n - np.cumsum(counts, axis=1)  # per row and value: the entries holding higher values
    return np.take_along_axis(above, step, axis=1) + 1.0


def going_on(results: np.ndarray, advance: int | None, then: np.ndarray | None = None) -> np.ndarray:
    """Per jury and entry: does it go on (among the ``advance`` best, or tied with the last of them;
    ``then``: what decides a tie, :func:`ranks`)?"""
    if advance is None:
        return np.zeros(results.shape, dtype=bool)
    return (ranks(results, then) <= advance) & ~np.isnan(results)


def progression(config: FestivalConfig, entries: pd.DataFrame, scores: pd.DataFrame,
                panels: dict[str, dict[str, Panel]] | None = None) -> pd.DataFrame:
    """Each lane's rounds for the panel as it sat: one row per lane × round × entry of the
    round, with its round score, result, rank and whether it goes on (``yes``/``no``; empty
    in the last round). Columns :data:`PROGRESSION_COLUMNS`. ``panels``: :func:`panels_by_lane`
    of ``scores``, when the caller has them. A loop over lanes and rounds, each step O(its scores)."""
    frames = []
    panels = panels_by_lane(config, scores) if panels is None else panels
    jurors_of = scores.groupby(col.LANE, observed=True)[col.JUROR_ID].unique() if len(scores) else {}
    entries_of = entries.groupby(col.CATEGORY, observed=True)[col.ENTRY_ID].unique() if len(entries) else {}
    for lane in config.lane_ids:
        jurors = pd.Index(sorted(jurors_of[lane]) if lane in jurors_of else [])
        members = {r: pd.Index([]) for r in config.round_ids}
        members[config.round_ids[0]] = pd.Index(sorted(entries_of[lane]) if lane in entries_of else [])
        for i, r in enumerate(config.round_ids[:-1]):
            # the entries of the next round are known once the rounds up to r are decided
            so_far = official_result(config, lane, panels[lane], members, jurors)
            members[config.round_ids[i + 1]] = members[r][going_on(so_far.results[r], config.round(r).advance,
                                                                   so_far.then(r))[0]]
        frames.append(progression_table(config, lane, official_result(config, lane, panels[lane], members, jurors)))
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=PROGRESSION_COLUMNS)
    return out[PROGRESSION_COLUMNS]

