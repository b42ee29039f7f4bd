"""A lane's rounds with each juror left out in turn, kept sparse: the cost follows the ratings.

Leaving juror j out changes only the entries j scored. :func:`leave_one_out` computes, per
round, the result of each entry the juror scored without that juror (the official rule of each
round, :func:`~analytics.rules.official.entry_results_without_each`, combined over the rounds a result
weighs), and keeps the results of the panel as it sat for every other entry: per round, one
row per (juror, entry) pair instead of a jurors × entries matrix. What the standings need of
those juries is computed from the pairs without ever building a jury's whole list of results:

- :meth:`LeaveOneOut.rank_range`: each entry's best and worst rank over the juries;
- :meth:`LeaveOneOut.leaders`: the jurors whose absence changes the first place, and who then leads;
- :meth:`LeaveOneOut.going_on`: the jurors whose absence changes who goes on at a cut.

Results are compared to :data:`DIGITS` decimals. Ranks are competition ranks (1 + the number
of entries with a higher result); an entry with no
result in a jury (its only jurors left out) counts as below every other and has no rank there,
as in :func:`~analytics.rules.rounds.ranks`. Each method is exact (a test compares them with the
juries computed in full) and costs O(pairs log pairs) plus, for the rank range, O(entries ×
the distinct rank shifts one juror can cause).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics.load.config import FestivalConfig
from analytics.rules.official import Panel, entry_results_without_each, round_half_up
from analytics.rules.ranked import juries_of
from analytics.rules.rounds import LaneRounds, ranks, round_results


#: results are compared to this many decimals: a jury's results are other sums than the panel's as it
#: sat, and a tie must not turn on the last bit of a float
DIGITS = 9


@dataclass(frozen=True)
class LeaveOneOut:
    """Per round: ``base`` (the entries' results, panel as it sat) and the pairs ``juror`` (code
    into ``jurors``), ``entry`` (position in ``entries[round]``) and ``value`` (that entry's result
    with that juror left out; NaN when no score is left), sorted by juror then entry."""

    jurors: pd.Index
    entries: dict[str, pd.Index]
    base: dict[str, np.ndarray]
    juror: dict[str, np.ndarray]
    entry: dict[str, np.ndarray]
    value: dict[str, np.ndarray]
    #: what is left out in turn: a ``juror``, or with juries of juries a ``jury``
    unit: str = "juror"

    def rank_range(self, rnd: str) -> tuple[np.ndarray, np.ndarray]:
        """Each entry's best and worst rank over the juries (each juror left out), the juries in
        which it has no result left out; NaN where none gives it one."""
        return _rank_range(self.base[rnd], self.juror[rnd], self.entry[rnd], self.value[rnd], len(self.jurors))

    def leaders(self, rnd: str, leader: int) -> tuple[np.ndarray, np.ndarray]:
        """Per juror (code), who takes the first place of ``leader`` (the official first, a position)
        from it without that juror: an entry that passes the leader (the best; the first in the order
        of ``entries`` among equals), else one that was behind it and comes level, else the leader
        (-1: no result left at all); and whether that entry only comes level. Entries already level
        with the leader as the panel sat (a shared first place) stay level without taking anything."""
        return _leaders(self.base[rnd], self.juror[rnd], self.entry[rnd], self.value[rnd], len(self.jurors), leader)

    def going_on(self, rnd: str, advance: int) -> dict[int, tuple[np.ndarray, np.ndarray]]:
        """``juror code -> (entries that would go on, entries that would not)``, positions, for every
        juror whose absence changes who goes on (the ``advance`` best, every entry tied with the
        last going on too)."""
        return _going_on(self.base[rnd], self.juror[rnd], self.entry[rnd], self.value[rnd], advance)


def leave_one_out(config: FestivalConfig, lane: str, panels: dict[str, Panel], official: LaneRounds,
                  jurors: pd.Index, factors: dict[str, float] | None = None) -> LeaveOneOut:
    """The lane's rounds with each of ``jurors`` left out in turn, from its ``panels`` and its
    ``official`` result (:func:`~analytics.rules.rounds.official_result`). Cost: O(scores × the
    most jurors of an entry) per round."""
    factors = config.criterion_weights(lane) if factors is None else factors
    units, left = left_out_units(panels, jurors, [config.rule(r) for r in config.round_ids])
    if units is not jurors:  # juries of juries: each jury left out, every round computed whole
        return _left_out_whole(config, lane, panels, official, jurors, factors, config.round_ids, units, left)
    sparse = _left_out_each(config, panels, official, jurors, factors)
    whole = [r for r in config.round_ids if whole_lane(config.rule(r)) and (
        joint(config.rule(r)) or len(jurors) * sum(len(official.entries[q]) for q in config.round_weights(r))
        <= WHOLE_MAX)]
    if not whole:
        return sparse
    done = _left_out_whole(config, lane, panels, official, jurors, factors, tuple(whole), units, left)
    return LeaveOneOut(jurors, dict(official.entries), {**sparse.base, **done.base}, {**sparse.juror, **done.juror},
                       {**sparse.entry, **done.entry}, {**sparse.value, **done.value})


#: a rule over places that breaks ties is left out juror by juror over the whole round (its tie keys move with
#: the juror left out) while jurors × the round's entries stays within this; beyond it (a field of thousands
#: ranked in parts), per entry as any rule, the tie-break left to the official ranks and the resampled juries
WHOLE_MAX = 1_000_000
#: and computes it a block of units at a time, each block's arrays about this many numbers
BLOCK_VALUES = 1_000_000


def _left_out_each(config: FestivalConfig, panels: dict[str, Panel], official: LaneRounds, jurors: pd.Index,
                   factors: dict[str, float]) -> LeaveOneOut:
    """:func:`leave_one_out` per (juror, entry) pair, every round: a juror left out changes the entries they
    scored only."""
    own = {}  # round -> (juror codes, the panel's entry ids, round scores without the juror)
    for r in config.round_ids:
        panel = panels[r]
        if not panel.present.any():
            own[r] = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=object), np.zeros(0))
            continue
        juror, at, without = entry_results_without_each(panel, config.rule(r), factors)  # per (juror, entry) pair
        own[r] = (jurors.get_indexer(panel.jurors_index[juror]), np.asarray(panel.entries)[at], without)
    base, juror, entry, value = {}, {}, {}, {}
    for r in config.round_ids:  # a few rounds: not a loop over juries, entries or jurors
        members = official.entries[r]
        n = len(members)
        base[r] = np.round(official.results[r][0], DIGITS)
        weights = config.round_weights(r)
        keys = []
        for earlier in weights:
            codes, ids, _ = own[earlier]
            pos = members.get_indexer(ids)
            keys.append(codes[pos >= 0].astype(np.int64) * max(n, 1) + pos[pos >= 0])
        keys = np.unique(np.concatenate(keys)) if keys else np.zeros(0, dtype=np.int64)
        total = np.zeros(len(keys))
        pair_pos = keys % max(n, 1)
        for earlier, weight in weights.items():
            codes, ids, scores = own[earlier]
            place = official.entries[earlier].get_indexer(members)
            score = official.round_scores[earlier][0][place][pair_pos]  # the panel as it sat
            pos = members.get_indexer(ids)
            mine = codes[pos >= 0].astype(np.int64) * max(n, 1) + pos[pos >= 0]
            hit = np.searchsorted(keys, mine)
            score[hit] = scores[pos >= 0]  # without the juror, where the juror scored the entry in that round
            total = total + weight * score
        juror[r], entry[r] = keys // max(n, 1), pair_pos
        value[r] = np.round(round_half_up(total, config.rule(r).decimals), DIGITS)
    return LeaveOneOut(jurors, dict(official.entries), base, juror, entry, value)


def joint(rule) -> bool:
    """Whether one juror's absence can change entries that juror did not rank: a place by majority
    (the Skating System places every couple at once) and juries of juries (a jury's ranking becomes points)."""
    return rule.ranks and (rule.jurors == "majority" or rule.juries is not None)


def whole_lane(rule) -> bool:
    """Whether a juror left out is computed over the whole round (:func:`_left_out_whole`): under a
    :func:`joint` rule, and under a rule that breaks ties (``tie_break``: its tie keys, the best place or the
    first places, move with the juror left out, and a column's decides between results that the juror's
    absence makes equal), the latter within :data:`WHOLE_MAX`."""
    return joint(rule) or rule.tie_break != "none"


def left_out_units(panels: dict[str, Panel], jurors: pd.Index, rules):
    """Who is left out in turn: each juror, or where a round's rule has juries, each jury (labelled
    ``jury <id>``); and ``left(start, stop)``: the juries of multiplicities over ``jurors`` that leave out the
    units ``start … stop - 1`` (a block of units × jurors, never every unit at once)."""
    found = juries_of([p for p, rule in zip(panels.values(), rules) if rule.juries is not None], jurors)
    if found is None:
        def left_juror(start: int, stop: int) -> np.ndarray:
            block = np.ones((stop - start, len(jurors)))
            block[np.arange(stop - start), np.arange(start, stop)] = 0.0
            return block
        return jurors, left_juror
    member, names = found

    def left_jury(start: int, stop: int) -> np.ndarray:
        return (member[None, :] != np.arange(start, stop)[:, None]).astype(float)
    return pd.Index([f"jury {n}" for n in names]), left_jury


def _left_out_whole(config: FestivalConfig, lane: str, panels: dict[str, Panel], official: LaneRounds,
                    jurors: pd.Index, factors: dict[str, float], rounds: tuple[str, ...], units: pd.Index,
                    left) -> LeaveOneOut:
    """:func:`leave_one_out` of ``rounds`` (and only the rounds their results weigh), where one juror's (or
    jury's) absence changes more than the entries they scored (:func:`whole_lane`): the rounds under each
    unit left out (``left(start, stop)``: a block of units × jurors multiplicities), computed whole a block of units at a time
    (:data:`BLOCK_VALUES` numbers), kept as the pairs whose result (with a tie-break: whose place) changes."""
    needed = {q for r in rounds for q in config.round_weights(r)}
    width = max(1, sum(len(official.entries[q]) for q in needed))
    step = max(1, BLOCK_VALUES // max(width, len(jurors)))
    pairs = {r: [] for r in rounds}
    base = {}
    for r in rounds:
        base[r] = np.round(official.results[r][0], DIGITS)
        if official.then(r) is not None:  # ties decided by the rule: the places (negated) stand for the results
            base[r] = _places_as_merit(base[r][None, :], official.then(r))[0]
    for start in range(0, len(units), step):  # blocks of units, not units
        block = round_results(config, lane, panels, official.entries, left(start, min(start + step, len(units))),
                              jurors, factors, keep=False, only=needed)
        for r in rounds:
            got = np.round(block.results[r], DIGITS)
            if official.then(r) is not None:
                got = _places_as_merit(got, block.then(r))
            changed = ~((got == base[r][None, :]) | (np.isnan(got) & np.isnan(base[r][None, :])))
            unit, at = np.nonzero(changed)
            pairs[r].append((unit + start, at, got[unit, at]))
    juror = {r: np.concatenate([p[0] for p in pairs[r]]) for r in rounds}
    entry = {r: np.concatenate([p[1] for p in pairs[r]]) for r in rounds}
    value = {r: np.concatenate([p[2] for p in pairs[r]]) for r in rounds}
    return LeaveOneOut(units, dict(official.entries), base, juror, entry, value,
                       "jury" if units is not jurors else "juror")


def _places_as_merit(results: np.ndarray, then: np.ndarray) -> np.ndarray:
    """Each row's competition places with ties decided by ``then`` (:func:`~analytics.rules.rounds.ranks`),
    negated so that higher is better, NaN where there is no result: what the leave-one-out comparisons
    read where the rule breaks ties."""
    return np.where(np.isnan(results), np.nan, -ranks(results, then))


# -- counting within groups -----------------------------------------------------------------

def _finite(values: np.ndarray) -> np.ndarray:
    return np.where(np.isnan(values), -np.inf, values)


class _Groups:
    """Values in groups (a juror's pairs), to count, for a group and a threshold, the values
    of the group above it: one sort, then a binary search per question."""

    def __init__(self, groups: np.ndarray, values: np.ndarray, universe: np.ndarray):
        self.universe = universe  # sorted distinct values every value and threshold is one of
        self.width = len(universe) + 1
        self.keys = np.sort(groups.astype(np.int64) * self.width + np.searchsorted(universe, values))

    def above(self, groups: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
        """Per question, the values of the group strictly above the threshold (one of the universe)."""
        start = groups.astype(np.int64) * self.width
        level = np.searchsorted(self.universe, thresholds)
        return (np.searchsorted(self.keys, start + self.width, side="left")
                - np.searchsorted(self.keys, start + level, side="right"))

    def at_least(self, groups: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
        """Per question, the values of the group at or above the threshold (any number)."""
        start = groups.astype(np.int64) * self.width
        level = np.searchsorted(self.universe, thresholds, side="left")
        return (np.searchsorted(self.keys, start + self.width, side="left")
                - np.searchsorted(self.keys, start + level, side="left"))


def _rank_range(base: np.ndarray, juror: np.ndarray, entry: np.ndarray, value: np.ndarray,
                n_juries: int) -> tuple[np.ndarray, np.ndarray]:
    n = len(base)
    b, v = _finite(base), _finite(value)
    ordered = np.sort(b)
    base_rank = 1 + n - np.searchsorted(ordered, b, side="right")
    universe = np.unique(np.concatenate([b, v]))
    new = _Groups(juror, v, universe)  # each juror's entries, without the juror
    old = _Groups(juror, b[entry], universe)  # the same entries, as they were
    best, worst = np.full(n, np.inf), np.full(n, -np.inf)
    # the entries each juror scored, without that juror
    finite = np.isfinite(v)
    j, e, t = juror[finite], entry[finite], v[finite]
    own = 1 + (n - np.searchsorted(ordered, t, side="right")) - old.above(j, t) + new.above(j, t)
    np.minimum.at(best, e, own)
    np.maximum.at(worst, e, own)
    # every other entry x moves by delta_j(b_x) = #{y of j above b_x now} - #{y of j above b_x before}:
    # a step function of the threshold, constant between the juror's breakpoints (its entries'
    # results before and after); its segments where it is not 0, with their value
    points = np.concatenate([v, b[entry]])
    owner = np.concatenate([juror, juror])
    order = np.lexsort((points, owner))
    points, owner = points[order], owner[order]
    step = new.above(owner, points) - old.above(owner, points)  # the value from each breakpoint on
    same = np.r_[owner[1:] == owner[:-1], False]
    keep = same & (step != 0) & (points < np.r_[points[1:], np.inf])
    lo, hi, shift = points[keep], np.r_[points[1:], np.inf][keep], step[keep]
    known = np.isfinite(b)
    scorers = np.bincount(entry, minlength=n)  # juries in which x is one of the juror's entries
    others = n_juries - scorers  # juries in which x keeps its result
    # a scorer's own segment at b_x is not a move of x: take it off the counts
    own_shift = new.above(juror, b[entry]) - old.above(juror, b[entry])
    shifts = np.unique(shift)
    counts = np.zeros((len(shifts), n), dtype=np.int64)
    for i, d in enumerate(shifts):  # the distinct moves: a few (one juror shifts a rank by at most their entries)
        starts, ends = np.sort(lo[shift == d]), np.sort(hi[shift == d])
        counts[i] = np.searchsorted(starts, b, side="right") - np.searchsorted(ends, b, side="right")
    if len(shifts):
        mine = own_shift != 0
        np.subtract.at(counts, (np.searchsorted(shifts, own_shift[mine]), entry[mine]), 1)
    moved = counts.sum(axis=0)
    still = others - moved  # juries that leave x where it was
    present = counts > 0
    low = np.where(present.any(axis=0), shifts[np.argmax(present, axis=0)] if len(shifts) else 0, np.inf)
    high = np.where(present.any(axis=0), shifts[len(shifts) - 1 - np.argmax(present[::-1], axis=0)] if len(shifts)
                    else 0, -np.inf)
    low = np.where(still > 0, np.minimum(low, 0), low)
    high = np.where(still > 0, np.maximum(high, 0), high)
    best = np.where(known & np.isfinite(low), np.minimum(best, base_rank + low), best)
    worst = np.where(known & np.isfinite(high), np.maximum(worst, base_rank + high), worst)
    has = np.isfinite(best)
    return np.where(has, best, np.nan), np.where(has, worst, np.nan)


def _best_among(candidates: np.ndarray, b: np.ndarray, juror: np.ndarray, entry: np.ndarray, v: np.ndarray,
                groups: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per juror of ``groups`` (sorted), the best of the ``candidates`` (positions) without that juror:
    its position (-1: none) and result, the first in the order of ``entries`` among equals."""
    n_groups = len(groups)
    if not len(candidates):
        return np.full(n_groups, -1, dtype=np.int64), np.full(n_groups, -np.inf)
    order = candidates[np.lexsort((candidates, -b[candidates]))]  # best first, the first entry first among equals
    place = np.full(len(b), -1, dtype=np.int64)
    place[order] = np.arange(len(order))
    mine = place[entry] >= 0  # the juror's pairs among the candidates
    j, e = juror[mine], entry[mine]
    g_of = np.searchsorted(groups, j)
    # the best candidate the juror did not score: the first place of that order not among theirs (their
    # places sorted p0 < p1 < ...: the number of them with p_i == i is where the first gap is)
    sort = np.lexsort((place[e], g_of))
    first_of = np.searchsorted(g_of[sort], np.arange(n_groups))
    rank_in_group = np.arange(len(sort)) - first_of[g_of[sort]]
    run = np.bincount(g_of[sort], weights=place[e][sort] == rank_in_group, minlength=n_groups).astype(np.int64)
    kept = np.where(run < len(order), order[np.minimum(run, len(order) - 1)], -1)
    kept_value = np.where(kept >= 0, b[np.maximum(kept, 0)], -np.inf)
    # the best candidate the juror scored, without them (the first entry among equals)
    sort = np.lexsort((e, -v[mine], g_of))
    g_sorted = g_of[sort]
    firsts = np.r_[0, np.flatnonzero(g_sorted[1:] != g_sorted[:-1]) + 1] if len(sort) else np.zeros(0, dtype=np.int64)
    own_entry = np.full(n_groups, -1, dtype=np.int64)
    own_value = np.full(n_groups, -np.inf)
    own_entry[g_sorted[firsts]] = e[sort][firsts]
    own_value[g_sorted[firsts]] = v[mine][sort][firsts]
    better = (own_value > kept_value) | ((own_value == kept_value) & (own_entry >= 0) & ((kept < 0) | (own_entry < kept)))
    best = np.where(better, own_entry, kept)
    value = np.where(better, own_value, kept_value)
    return np.where(np.isfinite(value), best, -1), value


def _leaders(base: np.ndarray, juror: np.ndarray, entry: np.ndarray, value: np.ndarray, n_juries: int,
             leader: int) -> tuple[np.ndarray, np.ndarray]:
    n = len(base)
    out, tied = np.full(n_juries, leader, dtype=np.int64), np.zeros(n_juries, dtype=bool)
    if n < 2 or leader < 0 or not len(juror):
        return out, tied
    b, v = _finite(base), _finite(value)
    groups = np.unique(juror)
    lead_value = np.full(len(groups), b[leader])  # the leader's result without each juror
    is_leader = entry == leader
    lead_value[np.searchsorted(groups, juror[is_leader])] = v[is_leader]
    level = b == b[leader]  # the entries already level with the leader (a shared first place)
    others = np.flatnonzero(~level)
    co_leaders = np.flatnonzero(level & (np.arange(n) != leader))
    new, new_value = _best_among(others, b, juror, entry, v, groups)
    co, co_value = _best_among(co_leaders, b, juror, entry, v, groups)
    # the leader is passed (by an entry that was behind it or one that was level with it), or an entry
    # that was behind it comes level: its first place changes; a tie that was there already does not
    passed = np.maximum(new_value, co_value) > lead_value
    by = np.where((co_value > new_value) | ((co_value == new_value) & (co >= 0) & ((new < 0) | (co < new))), co, new)
    joins = ~passed & (new >= 0) & (new_value == lead_value)
    out[groups] = np.where(passed, by, np.where(joins, new, np.where(np.isfinite(lead_value), leader, -1)))
    tied[groups] = joins
    return out, tied


def _going_on(base: np.ndarray, juror: np.ndarray, entry: np.ndarray, value: np.ndarray,
              advance: int) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    n = len(base)
    b, v = _finite(base), _finite(value)
    by_value = np.argsort(b, kind="stable")
    ascending = b[by_value]
    best_first = ascending[::-1]
    base_threshold = best_first[advance - 1] if 0 < advance <= n else -np.inf
    on = (b >= base_threshold) & np.isfinite(b)
    if not len(juror):
        return {}
    universe = np.unique(np.concatenate([b, v]))
    new, old = _Groups(juror, v, universe), _Groups(juror, b[entry], universe)
    groups, start, counts = np.unique(juror, return_index=True, return_counts=True)
    # the advance-th highest result without juror j is one of the juror's entries' new results, or one
    # of the base results within (the juror's entries) places of the advance-th, either way
    reach = np.minimum(counts, n)
    extra = 2 * reach + 1
    reps = np.repeat(groups, extra)
    places = (advance - 1 - np.repeat(reach, extra) + np.arange(len(reps)) - np.repeat(np.cumsum(extra) - extra, extra))
    ok = (places >= 0) & (places < n)
    cj = np.concatenate([juror, reps[ok]])
    ct = np.concatenate([v, best_first[places[ok]]])
    many = ((n - np.searchsorted(ascending, ct, side="left")) - old.at_least(cj, ct) + new.at_least(cj, ct))
    fine = (many >= advance) & np.isfinite(ct)
    threshold = np.full(len(groups), -np.inf)
    np.maximum.at(threshold, np.searchsorted(groups, cj[fine]), ct[fine])
    # who changes: entries the juror did not score whose result lies between the two thresholds, or
    # an entry the juror scored that crosses the juror's threshold
    lo, hi = np.minimum(base_threshold, threshold), np.maximum(base_threshold, threshold)
    between = (np.searchsorted(ascending, hi, side="left") - np.searchsorted(ascending, lo, side="left")
               - (old.at_least(groups, lo) - old.at_least(groups, hi)))
    now = (v >= np.repeat(threshold, counts)) & np.isfinite(v)
    flips = np.bincount(np.repeat(np.arange(len(groups)), counts), weights=now != on[entry], minlength=len(groups))
    out = {}
    for g in np.flatnonzero((between > 0) | (flips > 0)):  # only the jurors whose absence moves the cut
        mine = slice(start[g], start[g] + counts[g])
        values = {int(e): x for e, x in zip(entry[mine], v[mine])}
        t = threshold[g]
        inside = by_value[np.searchsorted(ascending, lo[g], side="left"):np.searchsorted(ascending, hi[g], side="left")]
        inside = inside[np.isfinite(b[inside])]  # the entries whose result lies between the thresholds
        moved = [e for e in inside if int(e) not in values]
        joined = [e for e in moved if not on[e]] + [e for e, x in values.items() if x >= t and np.isfinite(x) and not on[e]]
        left = [e for e in moved if on[e]] + [e for e, x in values.items() if not (x >= t and np.isfinite(x)) and on[e]]
        out[int(groups[g])] = (np.array(sorted(joined), dtype=np.int64), np.array(sorted(left), dtype=np.int64))
    return out
