"""Rankings as judgements (design section 15): the rules that combine jurors' places.

On a rank scale each juror ranks the entries they judge, 1 = best, and a score is a place. The
rules of ``[aggregation] jurors`` for places:

- ``rank_sum``: the mean of the entry's places (with ``panel = "sum"``, their sum); lower is better;
- ``borda``: each place ``r`` of a juror who ranked ``n`` entries is worth ``n - r``; the mean (or sum);
- ``rank_points``: each place is worth the points of ``rank_points`` (the first place's first; places
  beyond the list are worth none: an exponential table is a list); the mean (or sum);
- ``majority``: the Skating System's rules 5 to 8 for one dance (:mod:`analytics.rules.skating`): the
  entry's place by majority of places; lower is better.

With ``[aggregation] juries = { points = [...] }`` each jury (``jurors.csv`` ``jury``: a country's five
jurors) ranks the entries by its jurors combined under ``jurors``; its ranking becomes points (``points``,
the first place's first) and the lane's result is the sum of points over juries, higher being better.
``tie_break`` decides ties, within a jury's ranking and in the lane's standings: ``"none"`` (a shared
place: its entries share the places' points, and the standings flag it), ``"best_rank"`` (the entry with
the best single place: a juror's, or with juries a jury's), ``"more_first"`` (the entry placed first more
often) or a column of ``entries.csv`` (higher wins; e.g. the televote).

Internally every result is a *merit*, higher being better: a sum or mean of places and a place by
majority are negated (:func:`shown` turns them back for every table), so that the standings, intervals,
probabilities and cuts of :mod:`analytics.rules.rounds` and :mod:`analytics.checks.rankings` read
every rule alike.

Like :mod:`analytics.rules.official`, every function works on many juries at once (rows of
multiplicities, laid out per entry as :class:`~analytics.rules.official.Panel` lays out the scores):
no loop over juries, entries or jurors. ``majority`` compares each pair of entries (entries² per jury;
a final has a few couples); juries of juries rank each jury's entries by comparing pairs too
(juries × entries² per resampled jury; a jury ranks a few dozen songs). A jury counts in a resample as
many times as its jurors' multiplicities fill its seats (its jurors' multiplicities over its size: 1 as
it sat, 0 when left out, the times it was drawn when juries are resampled and their jurors within them).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

#: juries are processed in chunks whose arrays hold about this many numbers
CHUNK_VALUES = 4_000_000


def shown(merit, rule) -> np.ndarray:
    """A result as the rule states it, from its merit: a sum or mean of places and a place by majority
    (lower is better) are the merit negated; points and scores are the merit itself.

    >>> from analytics.load.config import Aggregation
    >>> shown(np.array([-2.5, 3.0]), Aggregation(jurors="rank_sum")).tolist()
    [2.5, -3.0]
    """
    values = np.asarray(merit, dtype=float)
    return -values if rule.lower_is_better else values


def mark_values(ranks: np.ndarray, codes: np.ndarray, present: np.ndarray, rule) -> np.ndarray:
    """Each mark's worth under ``rule`` (rows × k, NaN where no mark), higher being better: ``rank_sum``
    and ``majority`` the place negated, ``borda`` ``n - place`` (``n``: the entries that juror ranked
    here), ``rank_points`` the points of the place (0 beyond the table)."""
    how = rule.jurors
    if how in ("rank_sum", "majority"):
        return -ranks
    if how == "borda":
        ranked = np.bincount(codes[present], minlength=int(codes.max(initial=0)) + 1)
        return np.where(present, ranked[codes] - ranks, np.nan)
    table = np.asarray(rule.rank_points, dtype=float)
    place = np.where(np.isnan(ranks), 0, ranks).astype(np.int64)
    inside = (place >= 1) & (place <= len(table))
    return np.where(np.isnan(ranks), np.nan, np.where(inside, table[np.clip(place - 1, 0, len(table) - 1)], 0.0))


def _chunks(n_juries: int, per_jury: int):
    step = max(1, CHUNK_VALUES // max(per_jury, 1))
    return [slice(i, min(i + step, n_juries)) for i in range(0, n_juries, step)]


def _places(key: np.ndarray, valid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """From keys (... × entries × m, compared lexicographically, higher better), each valid entry's
    count of valid entries strictly better and of valid others exactly equal (... × entries): its place
    is ``1 + better + equal / 2`` when the equal ones share their places. One sort along the entries:
    O(entries log entries × m)."""
    n, m = key.shape[-2], key.shape[-1]
    k = np.where(valid[..., None], key, -np.inf)  # the invalid last, equal among themselves
    order = np.lexsort(tuple(-k[..., j] for j in reversed(range(m))), axis=-1)  # the first key decides first
    ranked = np.take_along_axis(k, order[..., None], axis=-2)
    new = np.ones(order.shape, dtype=bool)
    new[..., 1:] = (ranked[..., 1:, :] != ranked[..., :-1, :]).any(axis=-1)
    pos = np.broadcast_to(np.arange(n), order.shape)
    start = np.maximum.accumulate(np.where(new, pos, 0), axis=-1)  # where each run of equal keys begins
    ends = np.ones(order.shape, dtype=bool)
    ends[..., :-1] = new[..., 1:]
    stop = np.minimum.accumulate(np.where(ends, pos, n - 1)[..., ::-1], axis=-1)[..., ::-1]  # where it ends
    better, equal = np.empty(order.shape, dtype=np.int64), np.empty(order.shape, dtype=np.int64)
    np.put_along_axis(better, order, start, axis=-1)
    np.put_along_axis(equal, order, stop - start, axis=-1)
    return better, equal


def places(key: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """Each valid entry's place (1 = best; equal keys share the mean of their places), NaN for the others.

    >>> places(np.array([[3.0], [5.0], [3.0], [1.0]]), np.array([True, True, True, False])).tolist()
    [2.5, 1.0, 2.5, nan]
    """
    better, equal = _places(key, valid)
    return np.where(valid, 1 + better + equal / 2, np.nan)


def results(panel, n_juries: int, weights, rule, tie_values: np.ndarray | None = None) -> np.ndarray:
    """Each row's merit under a rank ``rule`` for each of ``n_juries`` juries (juries × rows):
    ``weights(part, codes, present)`` gives the multiplicities of the juries of ``part`` laid out like
    the panel (juries × rows × k). Not rounded."""
    out = np.full((n_juries, panel.present.shape[0]), np.nan)
    ranks = panel.values[0]
    for part, w, cells in _juries_in_chunks(panel, n_juries, weights, rule):
        if rule.juries is not None:
            out[part] = _jury_results(panel, w, rule, tie_values, cells)
        elif rule.jurors == "majority":
            out[part] = -majority_places(ranks, w)
        else:
            out[part] = _mean(mark_values(ranks, panel.jurors, panel.present, rule), w, rule)
    return out


def juries_of(panels, jurors: pd.Index) -> tuple[np.ndarray, pd.Index] | None:
    """Each of ``jurors``' jury within the lane (juries of juries, design section 15), read from the lane's
    panels (:class:`~analytics.rules.official.Panel` s, which carry ``jury`` where the festival has juries):
    a code per juror into the juries' ids (-1: in no jury), or None where the lane has no juries. The one
    reading of who sits on which jury, for the resampled juries, the juries left out and the collusion screen."""
    named = {}
    for panel in panels:
        if panel.jury_codes is not None:
            named.update(zip(panel.jurors_index, panel.jury_index[panel.jury_codes]))
    if not named:
        return None
    ids = pd.Index(sorted(set(named.values())))
    return ids.get_indexer([named.get(j) for j in jurors]), ids


def _juries_in_chunks(panel, n_juries: int, weights, rule):
    """The juries a chunk at a time: ``(part, multiplicities laid out like the panel, the jury cells)``
    (cells: :class:`JuryCells`, found once, where the rule has juries of juries); none where nobody ranked."""
    if not panel.present.shape[0] or not panel.present.any():  # a round nobody ranked (yet)
        return
    cells = JuryCells.of(panel) if rule.juries is not None else None
    for part in _chunks(n_juries, _per_jury(panel, rule)):
        yield part, weights(part, panel.jurors, panel.present), cells


def _per_jury(panel, rule) -> int:
    """The numbers one jury's arrays hold: its multiplicities, and where entries are compared in pairs,
    entries² × the key's length (× the juries of jurors)."""
    n_e, width = panel.present.shape
    if rule.juries is not None:  # the marks, and each jury's cells padded to the longest jury's, a few keys each
        cells = JuryCells.of(panel)
        n_g = len(cells.size)
        longest = int(np.bincount(cells.jury, minlength=n_g).max(initial=0))
        return n_e * width * 4 + n_g * longest * 12
    if rule.jurors == "majority":
        return n_e * width * n_e + n_e * n_e * (2 * n_e + 1) * 2
    return n_e * width


def _mean(values: np.ndarray, w: np.ndarray, rule) -> np.ndarray:
    """The weighted mean of the marks' worth (juries × rows); with ``panel = "sum"``, the mean × the
    places of a full panel (the most any entry received): an entry a juror did not rank (their own, a
    conflict) counts its mean in that juror's place, so that a missing place is neither a better nor a
    worse sum, and a jury of fewer jurors is not a smaller sum."""
    have = ~np.isnan(values)
    v = np.where(have, values, 0.0)
    w = np.where(have, w, 0.0)
    total = w.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = (w * v).sum(axis=-1) / total
    if rule.panel == "sum":
        mean = mean * have.sum(axis=-1).max(initial=0)
    return np.where(total > 0, mean, np.nan)


def majority_places(ranks: np.ndarray, w: np.ndarray) -> np.ndarray:
    """The Skating System's places (rules 5 to 8, :func:`analytics.rules.skating.skating_places`) of the
    rows under each jury: ``ranks`` rows × k (the places each adjudicator gave), ``w`` juries × rows × k
    multiplicities (an adjudicator counted twice counts twice in every count and total). A row is
    placed by the key: the first column "1-c" where more than half the marks are c or better, then, from
    that column on, the larger count and the lower total of those marks, column by column (rules 6, 7a,
    7b, 8); rows with equal keys share their places. O(juries × rows² × columns)."""
    n = ranks.shape[0]
    have = ~np.isnan(ranks)
    r = np.where(have, ranks, np.inf)
    w = np.where(have, w, 0.0)
    columns = np.arange(1, n + 1)
    within = r[:, :, None] <= columns  # rows × k × columns
    count = np.einsum("jek,ekc->jec", w, within.astype(float))
    total = np.einsum("jek,ekc->jec", w, np.where(within, np.where(have, ranks, 0)[:, :, None], 0.0))
    marks = w.sum(axis=-1)  # juries × rows
    majority = count > marks[..., None] / 2
    decisive = np.where(majority.any(axis=-1), np.argmax(majority, axis=-1), n)  # the first column with a majority
    from_there = columns[None, None, :] - 1 >= decisive[..., None]
    # (count_c, -total_c) column by column from the decisive column on, interleaved
    steps = np.stack([np.where(from_there, count, 0.0), np.where(from_there, -total, 0.0)], axis=-1)
    key = np.concatenate([-decisive[..., None].astype(float), steps.reshape(*steps.shape[:-2], 2 * n)], axis=-1)
    return places(key, marks > 0)


@dataclass(frozen=True)
class JuryCells:
    """The (jury of jurors, entry) cells where a jury ranked an entry, found once per panel from its marks
    (O(marks)): ``jury`` and ``entry`` of each cell (sorted by jury, then entry), the order that groups the
    panel's present marks (in row order) by cell (``order``, ``starts``); per juror code its jury
    (``jury_of``), and each jury's size."""

    jury: np.ndarray
    entry: np.ndarray
    order: np.ndarray
    starts: np.ndarray
    jury_of: np.ndarray
    size: np.ndarray

    @classmethod
    def of(cls, panel) -> JuryCells:
        n_e = panel.present.shape[0]
        jury_of = panel.jury_codes
        n_g = int(jury_of.max(initial=-1)) + 1
        rows, slots = np.nonzero(panel.present)
        key = jury_of[panel.jurors[rows, slots]].astype(np.int64) * n_e + rows
        order = np.argsort(key, kind="stable")
        cells, starts = np.unique(key[order], return_index=True)
        seated = np.unique(panel.jurors[rows, slots])
        size = np.bincount(jury_of[seated], minlength=n_g).astype(float)
        return cls(cells // max(n_e, 1), cells % max(n_e, 1), order, starts, jury_of, size)


@dataclass(frozen=True)
class JuryRankings:
    """Per jury (rows of multiplicities) and cell of :class:`JuryCells`: ``value`` (the jury's jurors
    combined, as the rule states it), ``place`` (in the jury's ranking; NaN where the jury, as drawn,
    ranked no such entry), ``points``, and per jury of jurors its ``weight`` (how many times it counts)."""

    cells: JuryCells
    value: np.ndarray
    place: np.ndarray
    points: np.ndarray
    weight: np.ndarray

    def by_entry(self, values: np.ndarray, n_e: int) -> np.ndarray:
        """``values`` (juries × cells) summed per entry, each cell × its jury's weight: juries × entries."""
        c = self.cells
        incidence = sparse.csr_matrix((np.ones(len(c.entry)), (np.arange(len(c.entry)), c.entry)),
                                      shape=(len(c.entry), n_e))
        return np.asarray((incidence.T @ (values * self.weight[:, c.jury]).T).T)


def _sorted_keys(keys: list[np.ndarray]) -> list[np.ndarray]:
    """Keys made finite for sorting: NaN and -inf (not ranked) below every real value."""
    return [np.nan_to_num(k, nan=-1e300, neginf=-1e300, posinf=1e300) for k in keys]


def jury_rankings_of(panel, w: np.ndarray, rule, tie_values: np.ndarray | None = None,
                     cells: JuryCells | None = None) -> JuryRankings:
    """Each jury of jurors' ranking and points under the juries ``w`` (juries × rows × k multiplicities):
    the jury's jurors combined by ``jurors`` (a weighted mean of their marks' worth), ranked within the
    jury (ties decided by ``tie_break`` within the jury, else shared), made into ``juries.points``. Works on
    the cells where a jury ranked an entry, never juries × entries: O(juries × marks log marks)."""
    c = JuryCells.of(panel) if cells is None else cells
    b, n_c = w.shape[0], len(c.jury)
    rows, slots = np.nonzero(panel.present)
    place_given = panel.values[0][rows, slots][c.order]
    worth = mark_values(panel.values[0], panel.jurors, panel.present, rule)[rows, slots][c.order]
    ww = w[:, rows, slots][:, c.order]
    num = np.add.reduceat(ww * worth, c.starts, axis=1)
    den = np.add.reduceat(ww, c.starts, axis=1)
    ranked = den > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        merit = num / den
    if rule.panel == "sum":  # the jury's full size, as for a panel (see _mean)
        merit = merit * c.size[c.jury]
    keys = [np.where(ranked, merit, -np.inf)]
    tie = rule.tie_break
    if tie == "best_rank":
        keys.append(-np.minimum.reduceat(np.where(ww > 0, place_given, np.inf), c.starts, axis=1))
    elif tie == "more_first":
        keys.append(np.add.reduceat(ww * (place_given == 1), c.starts, axis=1))
    elif tie != "none" and tie_values is not None:
        keys.append(np.broadcast_to(np.asarray(tie_values, dtype=float)[c.entry], (b, n_c)))
    keys = _sorted_keys(keys)
    # within each jury: its cells laid out in a row of its own (padded to the longest jury's), ranked by one sort
    n_g = len(c.size)
    first_of_jury = np.searchsorted(c.jury, np.arange(n_g))
    slot = np.arange(n_c) - first_of_jury[c.jury]
    longest = int(slot.max(initial=-1)) + 1
    block = np.full((b, n_g, longest, len(keys)), -np.inf)
    block[:, c.jury, slot, :] = np.stack(keys, axis=-1)
    inside = np.zeros((b, n_g, longest), dtype=bool)
    inside[:, c.jury, slot] = ranked
    better, equal = (v[:, c.jury, slot] for v in _places(block, inside))
    place = np.where(ranked, 1 + better + equal / 2, np.nan)
    table = np.asarray(rule.juries.points, dtype=float)
    cum = np.r_[0.0, np.cumsum(np.r_[table, np.zeros(max(longest - len(table), 0) + 1)])]
    points = np.where(ranked, (cum[np.minimum(better + equal + 1, len(cum) - 1)] - cum[better]) / (equal + 1), 0.0)
    # a jury counts as many times as its jurors' multiplicities fill its seats
    jurors = panel.jurors[rows, slots]
    seated, first_mark = np.unique(jurors, return_index=True)
    per_juror = w[:, rows[first_mark], slots[first_mark]]  # juries × the jurors seated here
    member = sparse.csr_matrix((np.ones(len(seated)), (np.arange(len(seated)), c.jury_of[seated])),
                               shape=(len(seated), n_g))
    weight = np.asarray((member.T @ per_juror.T).T) / np.maximum(c.size, 1)
    value = np.where(ranked, -merit if rule.jurors == "rank_sum" else merit, np.nan)
    return JuryRankings(c, value, place, points, weight)


def _jury_results(panel, w: np.ndarray, rule, tie_values, cells: JuryCells) -> np.ndarray:
    """The lane's result under each jury: the sum over juries of jurors of their points (NaN for an entry
    no counted jury ranked)."""
    n_e = panel.present.shape[0]
    jr = jury_rankings_of(panel, w, rule, tie_values, cells)
    counted = jr.by_entry(np.where(np.isnan(jr.place), 0.0, 1.0), n_e) > 0
    return np.where(counted, jr.by_entry(jr.points, n_e), np.nan)


def tie_keys(panel, n_juries: int, weights, rule, tie_values: np.ndarray | None) -> np.ndarray | None:
    """What decides a tie in the standings (juries × rows, higher wins), or None (``tie_break = "none"``):
    the best place a juror (with juries, a jury) gave the row, negated; the number of first places (jurors'
    or juries'); or the column's value."""
    tie = rule.tie_break
    if tie == "none":
        return None
    n_e, width = panel.present.shape
    if tie not in ("best_rank", "more_first"):
        return np.broadcast_to(np.asarray(tie_values, dtype=float), (n_juries, n_e)).copy()
    out = np.full((n_juries, n_e), np.nan)
    ranks = panel.values[0]
    for part, w, cells in _juries_in_chunks(panel, n_juries, weights, rule):
        if rule.juries is not None:
            jr = jury_rankings_of(panel, w, rule, tie_values, cells)
            if tie == "best_rank":  # the best place a counted jury gave the entry
                placed = np.where((jr.weight[:, jr.cells.jury] > 0) & ~np.isnan(jr.place), jr.place, np.inf)
                best = np.full((w.shape[0], n_e), np.inf)
                by_entry = np.argsort(jr.cells.entry, kind="stable")
                entries, first = np.unique(jr.cells.entry[by_entry], return_index=True)
                best[:, entries] = np.minimum.reduceat(placed[:, by_entry], first, axis=1)
                out[part] = -best
            else:
                out[part] = jr.by_entry((jr.place == 1).astype(float), n_e)
        elif tie == "best_rank":
            out[part] = -np.min(np.where((w > 0) & panel.present, ranks, np.inf), axis=-1)
        else:
            out[part] = (np.where(panel.present, w, 0.0) * (ranks == 1)).sum(axis=-1)
    return out


def jury_table(panel, rule, tie_values: np.ndarray | None = None) -> pd.DataFrame:
    """The juries of jurors as they sat: one row per jury × entry it ranked, ``jury, entry_id, value``
    (its jurors combined, as the rule states it: a mean or sum of places, Borda points, points),
    ``jury_rank`` (its place in the jury's ranking) and ``points``."""
    w = np.where(panel.present, 1.0, 0.0)[None]
    jr = jury_rankings_of(panel, w, rule, tie_values)
    c = jr.cells
    return pd.DataFrame({"jury": np.asarray(panel.jury_index)[c.jury], "entry_id": np.asarray(panel.entries)[c.entry],
                         "value": jr.value[0], "jury_rank": jr.place[0], "points": jr.points[0]})


def rule_words(rule) -> str:
    """The rule over places in words, for the report's method notes.

    >>> from analytics.load.config import Aggregation
    >>> rule_words(Aggregation(jurors="rank_sum", juries={"points": [12, 10, 8]}, tie_break="televote"))
    "each jury's ranking by its jurors' mean place, its top 3 given 12, 10, 8 points, summed over juries (lower place first; a tie goes to the higher televote)"
    """
    points = ", ".join(f"{p:g}" for p in (rule.rank_points or ()))
    combined = {"rank_sum": "its jurors' " + ("summed places" if rule.panel == "sum" else "mean place"),
                "borda": "its jurors' Borda points (n − place each)",
                "rank_points": f"its jurors' points for their places ({points})",
                "majority": "the Skating System's majority of places (rules 5 to 8)"}[rule.jurors]
    tie = {"none": "tied entries share the place", "best_rank": "a tie goes to the better single place",
           "more_first": "a tie goes to the entry placed first more often"}.get(
        rule.tie_break, f"a tie goes to the higher {rule.tie_break}")
    if rule.juries is not None:
        table = ", ".join(f"{p:g}" for p in rule.juries.points)
        return (f"each jury's ranking by {combined}, its top {len(rule.juries.points)} given {table} points, summed "
                f"over juries (lower place first; {tie})")
    who = combined.replace("its jurors'", "the jurors'")
    return f"{who}, {'lower first' if rule.lower_is_better else 'higher first'} ({tie})"
