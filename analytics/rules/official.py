"""Official rules: how real competitions turn a panel's scores into an entry's result (design section 10).

The vocabulary of ``[aggregation]`` (and of each round's ``aggregation`` table):

- ``order``: ``criteria_first`` (each juror's weighted total per entry, then over jurors) or
  ``jurors_first`` (each criterion's panel score over jurors, then the weighted combination:
  figure skating, most sports);
- ``criteria``: ``weighted_mean`` (the weights divided by their sum) or ``weighted_sum``;
- ``jurors``: ``mean``, ``median``, ``trimmed_mean`` (``trim`` dropped at each end, as
  ``scipy.stats.trim_mean``), ``drop_extremes`` (the ``drop_high`` highest and ``drop_low``
  lowest scores dropped), ``clip_to_mean`` (a score further than ``clip`` from the mean of the
  entry's scores is moved to mean ± clip, then the mean is taken);
- ``decimals``: every number a step of the panel's rule produces is rounded half up (never half
  to even) to this many decimals: each corrected score, each panel score (per criterion, and per
  entry under ``criteria_first``), each weighted criterion contribution under ``jurors_first``,
  each entry's result. A juror's own marks and a juror's weighted total are never rounded (design
  section 10): on a scale finer than ``decimals`` (quarter points, one decimal) rounding them
  would change the result. Omitted: full precision.

Every function here works on a whole lane at once and on many juries at once: a jury is a
row of *multiplicities*, how many times each juror counts (1 for the panel as it sat, 0 for a
juror left out, a bootstrap draw's counts for a resampled jury). Scores are laid out per entry
(:class:`Panel`: entries × the jurors who scored them), so nothing is a loop over resamples,
entries or jurors. Cost: O(juries × scores) arithmetic and memory per criterion, in chunks of
juries (:data:`CHUNK_VALUES`).

Rounding half up is exact for the numbers these rules produce: a value is scaled by
``10**decimals`` and snapped to 6 decimals before the half is added, so binary noise
(2.675 is stored as 2.67499999…) never decides; a value truly within a millionth of a unit of
a half is not a ratio of scores with few decimals over fewer than 100,000 jurors.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics.base import columns as col
from analytics.rules import ranked

#: juries are processed in chunks whose arrays hold about this many numbers
CHUNK_VALUES = 4_000_000


def round_half_up(values, decimals: int | None) -> np.ndarray:
    """``values`` rounded half away from zero to ``decimals`` (unchanged when None).

    >>> round_half_up([2.675, 2.665, 0.125, -0.125, 1.005], 2).tolist()
    [2.68, 2.67, 0.13, -0.13, 1.01]
    >>> round(2.675, 2)  # Python's round works on the binary value, 2.67499999…
    2.67
    """
    x = np.asarray(values, dtype=float)
    if decimals is None:
        return x
    scale = 10.0 ** decimals
    with np.errstate(invalid="ignore"):
        return np.sign(x) * np.floor(np.round(np.abs(x) * scale, 6) + 0.5) / scale


@dataclass(frozen=True)
class Performances:
    """How the rows of a :class:`Panel` (judgements: each of an entry's performances) make up its
    entries (design section 14): row r is a performance of entry ``entry[r]`` (rows grouped by
    entry, in the order performed; ``starts``: each entry's first row), labelled ``labels[r]``,
    with its ``factor`` (degree of difficulty) and ``base`` (points no juror gives)."""

    entry: np.ndarray
    starts: np.ndarray
    labels: pd.Index
    factor: np.ndarray
    base: np.ndarray
    seats: np.ndarray  # the round's usual panel: how many jurors judge a performance (a sum counts as if they all had)


@dataclass(frozen=True)
class Panel:
    """One lane's (or round's) scores laid out per entry: ``values[c, e, k]`` is the score on
    criterion c by the k-th juror who scored entry e (NaN where none), ``jurors[e, k]`` that
    juror's code (0 for padding, masked by ``present``). Where the scores judge performances
    (``performances``), the rows are the entries' performances instead (``values[c, r, k]``: the
    k-th juror who judged performance r), and :func:`panel_results` adds them up per entry."""

    entries: pd.Index
    jurors_index: pd.Index
    criteria: tuple[str, ...]
    values: np.ndarray  # criteria × entries (or performances) × k
    jurors: np.ndarray  # entries (or performances) × k (codes into jurors_index)
    present: np.ndarray  # entries (or performances) × k: a juror there
    performances: Performances | None = None
    #: juries of juries (design section 15): each juror's jury (a code per juror of ``jurors_index``) and the juries
    jury_codes: np.ndarray | None = None
    jury_index: pd.Index | None = None
    #: ``[aggregation] tie_break`` naming a column of entries.csv: each entry's value there
    tie_values: np.ndarray | None = None

    @property
    def rows(self) -> pd.Index:
        """What each row of the panel is: an entry id, or (entry id, performance) where the scores judge performances."""
        if self.performances is None:
            return self.entries
        return pd.MultiIndex.from_arrays([self.entries[self.performances.entry], self.performances.labels],
                                         names=[col.ENTRY_ID, col.PERFORMANCE])

    @classmethod
    def of(cls, scores: pd.DataFrame, criteria: tuple[str, ...]) -> Panel:
        """From long scores (``entry_id, juror_id, criterion, score``; with ``performance``, also its
        ``performance_order``, ``factor`` and ``base``: :attr:`analytics.load.festival.Festival.performances`)
        of one lane and round.

        >>> s = pd.DataFrame({"entry_id": ["a", "a", "b"], "juror_id": ["J1", "J2", "J1"], "criterion": "c",
        ...                   "score": [7.0, 9.0, 6.0]})
        >>> p = Panel.of(s, ("c",))
        >>> p.values[0].tolist(), p.present.tolist()
        ([[7.0, 9.0], [6.0, nan]], [[True, True], [True, False]])
        """
        entry, entries = pd.factorize(scores[col.ENTRY_ID], sort=True)
        juror, jurors_index = pd.factorize(scores[col.JUROR_ID], sort=True)
        performances = None
        if col.PERFORMANCE in scores.columns:  # rows: each entry's performances, in the order performed
            order = scores[col.PERFORMANCE_ORDER].to_numpy(dtype=np.int64)
            width_order = int(order.max()) + 1 if len(order) else 1
            row_key = entry.astype(np.int64) * width_order + order
            keys, first, entry = np.unique(row_key, return_index=True, return_inverse=True)
            row_entry = (keys // width_order).astype(np.int64)
            performances = Performances(row_entry, np.searchsorted(row_entry, np.arange(len(entries))),
                                        pd.Index(scores[col.PERFORMANCE].to_numpy()[first]),
                                        scores[col.FACTOR].to_numpy(dtype=float)[first],
                                        scores[col.BASE].to_numpy(dtype=float)[first],
                                        _usual_panel(scores, entry, first))
            n_e = len(keys)
        else:
            n_e = len(entries)
        n_j = max(len(jurors_index), 1)
        key = entry.astype(np.int64) * n_j + juror
        pairs = np.unique(key)  # each (entry, juror) once, by entry then juror
        pair_entry, pair_juror = pairs // n_j, pairs % n_j
        slot = np.arange(len(pairs)) - np.searchsorted(pair_entry, pair_entry)  # the juror's place among the entry's
        width = int(slot.max()) + 1 if len(slot) else 1
        codes = np.zeros((n_e, width), dtype=np.int64)
        present = np.zeros((n_e, width), dtype=bool)
        codes[pair_entry, slot] = pair_juror
        present[pair_entry, slot] = True
        k = slot[np.searchsorted(pairs, key)]
        c = pd.Index(criteria).get_indexer(scores[col.CRITERION])
        values = np.full((len(criteria), n_e, width), np.nan)
        known = c >= 0
        values[c[known], entry[known], k[known]] = scores[col.SCORE].to_numpy(dtype=float)[known]
        jury_codes = jury_index = tie_values = None
        if col.JURY in scores.columns:
            first = np.unique(juror, return_index=True)[1]
            jury_codes, jury_index = pd.factorize(scores[col.JURY].to_numpy()[first], sort=True)
            jury_index = pd.Index(jury_index)
        if col.TIE_VALUE in scores.columns:
            tie_values = np.full(len(entries), np.nan)
            if performances is None:
                tie_values[entry] = scores[col.TIE_VALUE].to_numpy(dtype=float)
        return cls(pd.Index(entries), pd.Index(jurors_index), tuple(criteria), values, codes, present, performances,
                   jury_codes, jury_index, tie_values)


def _usual_panel(scores: pd.DataFrame, row: np.ndarray, first: np.ndarray) -> np.ndarray:
    """Each performance's usual panel (rows of a panel: ``row`` per score, ``first`` score of each row):
    :data:`~analytics.base.columns.USUAL_PANEL` as loaded, or where the scores do not carry it, the number
    of jurors who judged most of these performances (the larger on a tie)."""
    if col.USUAL_PANEL in scores.columns:
        return scores[col.USUAL_PANEL].to_numpy(dtype=float)[first]
    from analytics.load.festival import usual_panel  # (the load layer's definition; imported only here)

    judged = pd.DataFrame({"row": row, "juror": scores[col.JUROR_ID].to_numpy()}).drop_duplicates()
    return np.full(len(first), float(usual_panel(np.bincount(judged["row"].to_numpy(), minlength=len(first)))))


def kept_count(rule, n):
    """How many of ``n`` marks the rule's ``jurors`` method keeps (``median``: all, as a mean would):
    what a summed panel (``panel = "sum"``) adds up.

    >>> from analytics.load.config import Aggregation
    >>> kept_count(Aggregation(jurors="drop_extremes"), 7), float(kept_count(Aggregation(jurors="trimmed_mean", trim=0.2), 7))
    (5, 5.0)
    """
    if rule.jurors == "drop_extremes":
        return n - rule.drop_high - rule.drop_low
    if rule.jurors == "trimmed_mean":
        return n - 2 * np.floor(rule.trim * n + 1e-9)  # scipy.stats.trim_mean: int(proportiontocut * n) from each end
    return n


SORTED = ("median", "trimmed_mean", "drop_extremes")  # the methods that need each entry's scores in order


def _over_jurors(values: np.ndarray, weights: np.ndarray, rule, seats: np.ndarray | None = None) -> np.ndarray:
    """Each entry's panel score from ``values`` (entries × k, NaN where no score) for each jury
    of ``weights`` (juries × entries × k multiplicities): the rule's ``jurors`` method, its
    corrected scores rounded to ``decimals``; the result is not yet rounded. For the methods
    of :data:`SORTED`, ``values`` must be ascending along k with NaN last (:func:`_in_order`),
    and ``weights`` gathered in that order."""
    have = ~np.isnan(values)
    v = np.where(have, values, 0.0)
    w = np.where(have, weights, 0.0)
    total = w.sum(axis=-1)
    how = rule.jurors
    adding = rule.panel == "sum"  # the sum of the kept marks, not their mean
    if seats is None:  # the marks of the panel as it sat (or, per performance, of the round's usual panel)
        seats = have.sum(axis=-1)

    def over(summed, count, kept_as_sat):
        """The mean of the kept marks; with ``panel = "sum"``, their sum: for a jury other than the full
        panel (a juror left out, a resample, a mark missing or excluded), the mean × the marks the full
        panel keeps, so that a jury of fewer jurors is not a smaller sum."""
        if not adding:
            return summed / count
        return np.where(count == 0, np.nan, np.where(count == kept_as_sat, summed, summed / count * kept_as_sat))

    with np.errstate(invalid="ignore", divide="ignore"):
        if how == "mean":
            return over((w * v).sum(axis=-1), total, seats)
        if how == "clip_to_mean":
            mean = (w * v).sum(axis=-1, keepdims=True) / total[..., None]
            corrected = round_half_up(np.clip(v, mean - rule.clip, mean + rule.clip), rule.decimals)
            return over((w * corrected).sum(axis=-1), total, seats)
        upto = np.cumsum(w, axis=-1)  # each score's copies occupy [upto - w, upto) of the sorted list
        if how == "median":
            low, high = np.floor((total - 1) / 2), np.ceil((total - 1) / 2)
            vb = np.broadcast_to(v, w.shape)
            at_low = np.take_along_axis(vb, np.argmax(upto > low[..., None], axis=-1)[..., None], axis=-1)[..., 0]
            at_high = np.take_along_axis(vb, np.argmax(upto > high[..., None], axis=-1)[..., None], axis=-1)[..., 0]
            return np.where(total > 0, (at_low + at_high) / 2, np.nan)
        if how == "trimmed_mean":
            cut = np.floor(rule.trim * total + 1e-9)  # scipy.stats.trim_mean: int(proportiontocut * n) from each end
            lo, hi = cut, total - cut
        else:  # drop_extremes
            lo, hi = np.full_like(total, rule.drop_low), total - rule.drop_high
        kept = np.clip(np.minimum(upto, hi[..., None]) - np.maximum(upto - w, lo[..., None]), 0, None)
        return over((kept * v).sum(axis=-1), kept.sum(axis=-1), kept_count(rule, seats))


def _in_order(values: np.ndarray, jurors: np.ndarray, present: np.ndarray):
    """``values`` (entries × k) ascending along k with the absent last, and the juror codes and
    presence in the same order: sorted once, whatever the number of juries."""
    order = np.argsort(np.where(np.isnan(values), np.inf, values), axis=-1, kind="stable")
    return (np.take_along_axis(values, order, axis=-1), np.take_along_axis(jurors, order, axis=-1),
            np.take_along_axis(present, order, axis=-1))


def _chunks(n_juries: int, per_jury: int):
    step = max(1, CHUNK_VALUES // max(per_jury, 1))
    return [slice(i, min(i + step, n_juries)) for i in range(0, n_juries, step)]


def panel_results(panel: Panel, juries: np.ndarray, rule, factors: dict[str, float], *,
                  keep: bool = True) -> tuple[np.ndarray, np.ndarray | None]:
    """Each entry's result under ``rule`` for each jury (``juries``: juries × jurors of the
    panel, multiplicities), and its panel score per criterion: ``(results, per_criterion)``
    of shapes juries × entries and criteria × juries × entries.

    ``factors``: what each criterion counts for (:meth:`~analytics.load.config.FestivalConfig.criterion_weights`).
    Under ``criteria_first`` a juror's total needs every criterion of the panel (an incomplete
    total counts for nothing) and is not rounded (only the panel's numbers are); the per-criterion
    scores are then the same rule applied to each criterion alone. ``keep=False``: the per-criterion scores are not kept (None; for many
    juries, such as each juror left out of a large panel, they would be criteria × juries ×
    entries numbers that only the panel as it sat needs).

    Examples
    --------
    One entry, four jurors, one criterion scored 5, 7, 9 and 10 (worked by hand):

    >>> from analytics.load.config import Aggregation
    >>> s = pd.DataFrame({"entry_id": "E", "juror_id": ["a", "b", "c", "d"], "criterion": "c", "score": [5.0, 7, 9, 10]})
    >>> panel, everyone = Panel.of(s, ("c",)), np.ones((1, 4))
    >>> def result(**rule):
    ...     return float(panel_results(panel, everyone, Aggregation(**rule), {"c": 1.0})[0][0, 0])
    >>> result(jurors="mean"), result(jurors="median")  # 31/4; (7 + 9)/2
    (7.75, 8.0)
    >>> result(jurors="trimmed_mean", trim=0.25), result(jurors="drop_extremes")  # int(0.25 * 4) = 1 dropped each end
    (8.0, 8.0)

    Clip to the mean, 1.5 points: the mean 7.75 keeps scores within 6.25 to 9.25, so 5 becomes
    6.25 and 10 becomes 9.25; their mean 7.875 is rounded half up to 7.88 (half to even would
    give 7.88 here too; 0.125 shows the difference: half up 0.13, half to even 0.12):

    >>> result(jurors="clip_to_mean", clip=1.5, decimals=2)
    7.88

    Figure skating: two components with factors 1.6 and 0.8, the highest and lowest mark of
    each dropped, each panel component score rounded to two decimals, then factored, rounded
    again, and summed: (7.25 + 7.5) / 2 = 7.375 -> 7.38, × 1.6 = 11.808 -> 11.81; (6.75 + 7) / 2
    = 6.875 -> 6.88, × 0.8 = 5.504 -> 5.5; 11.81 + 5.5 = 17.31.

    >>> marks = {"skating": [7.0, 7.25, 7.5, 8.0], "composition": [6.5, 6.75, 7.0, 7.75]}
    >>> s = pd.DataFrame([("E", j, c, m) for c, ms in marks.items() for j, m in zip("abcd", ms)],
    ...                  columns=["entry_id", "juror_id", "criterion", "score"])
    >>> rule = Aggregation(order="jurors_first", criteria="weighted_sum", jurors="drop_extremes", decimals=2)
    >>> got, per = panel_results(Panel.of(s, ("skating", "composition")), np.ones((1, 4)), rule,
    ...                          {"skating": 1.6, "composition": 0.8})
    >>> float(got[0, 0]), per[:, 0, 0].tolist()
    (17.31, [7.38, 6.88])
    """
    return _results(panel, len(juries), lambda part, codes, present: np.where(present, juries[part][:, codes], 0.0),
                    rule, factors, keep)


def panel_tiebreak(panel: Panel, juries: np.ndarray, rule) -> np.ndarray | None:
    """What decides a tie among the entries under each jury (juries × entries, higher wins:
    :func:`analytics.rules.ranked.tie_keys`), or None where ``tie_break = "none"`` or the rule does not
    combine places."""
    if rule.tie_break == "none" or (not rule.ranks and panel.tie_values is None):
        return None
    return ranked.tie_keys(panel, len(juries), lambda part, codes, present: np.where(present, juries[part][:, codes], 0.0),
                           rule, panel.tie_values)


def performance_points(panel: Panel, rule, factors: dict[str, float]) -> np.ndarray:
    """Each row's points for the panel as it sat (rows: :attr:`Panel.rows`): the panel score under
    ``rule`` (rounded), × the performance's factor × ``multiplier`` + its base, rounded to
    ``decimals``; without performances, each entry's result. What ``entry_scores.csv`` shows per
    performance.

    Diving: seven marks, the highest and lowest dropped, the five kept summed (``panel = "sum"``),
    × the degree of difficulty 3.2 × 0.6: 7 + 7 + 7.5 + 7.5 + 7.5 = 36.5; × 3.2 × 0.6 = 70.08.

    >>> from analytics.load.config import Aggregation
    >>> s = pd.DataFrame({"entry_id": "D1", "juror_id": list("abcdefg"), "criterion": "execution",
    ...                   "score": [6.5, 7, 7, 7.5, 7.5, 7.5, 8.5], "performance": "1", "performance_order": 0,
    ...                   "factor": 3.2, "base": 0.0})
    >>> rule = Aggregation(jurors="drop_extremes", panel="sum", multiplier=0.6, decimals=2)
    >>> performance_points(Panel.of(s, ("execution",)), rule, {"execution": 1.0}).tolist()
    [70.08]
    """
    rows, _ = _results(panel, 1, lambda part, codes, present: np.where(present, 1.0, 0.0)[None], rule, factors, False,
                       combine=False)
    return rows[0]


def _points(panel: Panel, results: np.ndarray, rule) -> np.ndarray:
    """Rows' panel scores (juries × rows) as performance points: × factor × multiplier + base, rounded."""
    p = panel.performances
    if p is None:
        return results if rule.multiplier == 1 else round_half_up(results * rule.multiplier, rule.decimals)
    return round_half_up(results * (p.factor * rule.multiplier) + p.base, rule.decimals)


def _combined(panel: Panel, points: np.ndarray, rule) -> np.ndarray:
    """Each entry's round score from its performances' points (juries × rows -> juries × entries):
    their sum, mean or best (``[aggregation] performances``), rounded. An entry with a performance
    left without marks under a jury (its judges all left out) has no result under it."""
    p = panel.performances
    if p is None:
        return points
    if not points.shape[1]:
        return np.zeros((points.shape[0], len(panel.entries)))
    how = rule.performances
    if how == "best":
        out = np.maximum.reduceat(points, p.starts, axis=1)  # NaN (no marks left) wins, as intended
    else:
        out = np.add.reduceat(points, p.starts, axis=1)
        if how == "mean":
            out = out / np.diff(np.r_[p.starts, points.shape[1]])
    return round_half_up(out, rule.decimals)


def results_without_each(panel: Panel, rule, factors: dict[str, float]) -> np.ndarray:
    """Each entry's result under ``rule`` with the juror of each of its places left out: slots ×
    entries, where ``[s, e]`` is entry e's result without ``panel.jurors[e, s]`` (NaN where that
    place is empty, or where no score is left). One "jury" per place, not per juror: the cost is
    O(scores × the most jurors of an entry), whatever the number of jurors, so that leaving one
    juror out touches only the entries that juror scored.

    >>> s = pd.DataFrame({"entry_id": ["a", "a", "a", "b"], "juror_id": ["J1", "J2", "J3", "J1"], "criterion": "c",
    ...                   "score": [6.0, 8.0, 10.0, 5.0]})
    >>> from analytics.load.config import Aggregation
    >>> results_without_each(Panel.of(s, ("c",)), Aggregation(jurors="mean"), {"c": 1.0}).tolist()  # a without J1, J2, J3
    [[9.0, nan], [8.0, nan], [7.0, nan]]
    """
    gone = panel.jurors.T  # slots × entries: the juror in each place
    width = panel.values.shape[2]

    def weights(part, codes, present):
        return np.where(present[None] & (codes[None] != gone[part][:, :, None]), 1.0, 0.0)

    out, _ = _results(panel, width, weights, rule, factors, keep=False, combine=False)
    out[~panel.present.T] = np.nan
    return out


def entry_results_without_each(panel: Panel, rule, factors: dict[str, float]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each entry's result with each of its jurors left out in turn, as pairs: ``(juror, entry,
    value)``, the juror's code in ``panel.jurors_index``, the entry's position in ``panel.entries``
    and the entry's result without that juror (NaN where no result is left). Where the scores judge
    performances, a juror left out changes the performances they judged and the entry adds up its
    performances again (:func:`_combined`): O(pairs × performances of an entry). Otherwise
    :func:`results_without_each`, one value per place."""
    without = results_without_each(panel, rule, factors)  # slots × rows
    slot, at = np.nonzero(panel.present.T)
    p = panel.performances
    if p is None:
        return panel.jurors[at, slot], at, without[slot, at]
    n_j = max(len(panel.jurors_index), 1)
    # the (juror, entry) pairs, and for each the rows of its entry, the juror's place in each row (-1: not there)
    marked = np.unique(p.entry[at].astype(np.int64) * n_j + panel.jurors[at, slot])
    pair_entry, pair_juror = marked // n_j, marked % n_j
    n_rows = np.diff(np.r_[p.starts, len(p.entry)])
    pair = np.repeat(np.arange(len(marked)), n_rows[pair_entry])
    row = p.starts[pair_entry][pair] + (np.arange(len(pair)) - np.repeat(np.cumsum(n_rows[pair_entry]) - n_rows[pair_entry],
                                                                           n_rows[pair_entry]))
    seat = np.full(len(pair), -1)
    placed = at.astype(np.int64) * n_j + panel.jurors[at, slot]  # each (row, juror) with a mark, and its place
    by_key = np.argsort(placed, kind="stable")
    found, slot_of = placed[by_key], slot[by_key]
    look = row.astype(np.int64) * n_j + pair_juror[pair]
    hit = np.searchsorted(found, look)
    there = (hit < len(found)) & (found[np.minimum(hit, len(found) - 1)] == look)
    seat[there] = slot_of[hit[there]]
    full = performance_points(panel, rule, factors)
    value = np.where(seat >= 0, without[np.maximum(seat, 0), row], full[row])
    # each pair's rows are consecutive: combine them as the entry's rows are combined
    pair_panel = Panel(pd.RangeIndex(len(marked)), panel.jurors_index, panel.criteria, panel.values[:, :0],
                       panel.jurors[:0], panel.present[:0],
                       Performances(pair, np.searchsorted(pair, np.arange(len(marked))), p.labels[row], p.factor[row],
                                    p.base[row], p.seats[row]))
    return pair_juror, pair_entry, _combined(pair_panel, value[None, :], rule)[0]


def _results(panel: Panel, n_juries: int, weights, rule, factors: dict[str, float], keep: bool, *,
             combine: bool = True):
    """:func:`panel_results` for ``n_juries`` juries whose multiplicities ``weights(part, codes,
    present)`` gives for the juries of ``part`` (a slice), laid out like ``codes`` (entries × k).
    Per row (an entry, or a performance), then (``combine``) per entry: :func:`_points` and
    :func:`_combined`; ``combine=False``: each row's points."""
    rows, per_criterion = _row_results(panel, n_juries, weights, rule, factors, keep)
    points = _points(panel, rows, rule)
    return (_combined(panel, points, rule) if combine else points), per_criterion


def _row_results(panel: Panel, n_juries: int, weights, rule, factors: dict[str, float], keep: bool):
    """Each row's panel score under ``rule`` for each jury (juries × rows), and per criterion. A rule over
    places (a rank scale, design section 15) gives each row's merit, higher being better
    (:mod:`analytics.rules.ranked`); its one criterion's panel score is the same."""
    if rule.ranks:
        merit = round_half_up(ranked.results(panel, n_juries, weights, rule, panel.tie_values), rule.decimals)
        return merit, (merit[None] if keep else None)
    n_c, n_e, width = panel.values.shape
    f = np.array([factors[c] for c in panel.criteria])
    results = np.full((n_juries, n_e), np.nan)
    per_criterion = np.full((n_c, n_juries, n_e), np.nan) if keep else None
    d = rule.decimals
    ordered = rule.jurors in SORTED
    # a performance's full panel: the round's usual one (a short panel's sum counts the marks the usual panel keeps)
    seats = None if panel.performances is None else panel.performances.seats
    # each criterion's scores (and, criteria first, each juror's total) in the order the rule reads them
    layouts = [_in_order(panel.values[i], panel.jurors, panel.present) if ordered else
               (panel.values[i], panel.jurors, panel.present) for i in range(n_c)]
    totals = None
    if rule.order != "jurors_first":
        totals = (f[:, None, None] * panel.values).sum(axis=0)  # entries × k: a juror's own total, never rounded
        totals[np.isnan(panel.values).any(axis=0)] = np.nan  # a juror's total needs every criterion
        totals = _in_order(totals, panel.jurors, panel.present) if ordered else (totals, panel.jurors, panel.present)
    for part in _chunks(n_juries, n_e * width):
        local = None
        if keep or totals is None:
            local = np.stack([round_half_up(_over_jurors(values, weights(part, codes, present), rule, seats), d)
                              for values, codes, present in layouts])  # a handful of criteria: not juries, entries or jurors
            if keep:
                per_criterion[:, part] = local
        if totals is None:
            contributions = round_half_up(f[:, None, None] * local, d)
            results[part] = round_half_up(contributions.sum(axis=0), d)
        else:
            values, codes, present = totals
            results[part] = round_half_up(_over_jurors(values, weights(part, codes, present), rule, seats), d)
    return results, per_criterion


def drop_problems(panel: Panel, rule) -> list[str]:
    """The entries with no more scores than ``drop_extremes`` drops (each named), for the load's problem list."""
    if rule.jurors != "drop_extremes":
        return []
    few = panel.present.sum(axis=1) <= rule.drop_high + rule.drop_low
    if panel.performances is None:
        return [str(e) for e in panel.entries[few]]
    return [f"{e} (performance {p})" for e, p in panel.rows[few]]
