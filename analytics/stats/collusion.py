"""Agreement beyond the panel's: a permutation screen for jurors (and juries) who agree too well.

Honest jurors agree because the entries differ; jurors who settled their marks together agree also
on where they *depart* from the panel. The screen therefore works on each juror's departures from
the panel's consensus: each juror's marks standardised over the entries they judged (so that
leniency and spread do not count), minus what the other jurors' mean on the entry predicts for that
juror (a least-squares line of the juror's standardised marks on the others' mean, fitted per juror: a
precise juror follows the panel more steeply, and would otherwise keep a share of the entries' merit in
their departures and agree with another precise juror by that alone). These are the *residuals*.
Entries judged by fewer than three jurors carry no information on departures and are left out.

**Pairs.** Two jurors' agreement is the correlation of their residuals over the entries both
judged (``r``; at least ``min_common`` of them). Under the hypothesis that the pair agrees as any two
jurors of the panel do (jurors exchangeable on each entry), the pair's two residuals on an entry are
those of two jurors drawn at random from the entry's panel: the permutation null draws, on each
common entry independently, an ordered pair of distinct jurors of its panel and takes their
residuals. The p-value is the share of the ``permutations`` draws whose correlation is at least the
observed one (one added to both counts). Where no draw reaches the observed correlation, the
p-value is the upper tail of the draws' Fisher z, standardised, under Student's t with ``n − 3``
degrees of freedom (never more than ``1 / (permutations + 1)``): a pair far beyond every draw is not held at the resolution of the draws, so
that a planted pair can stand out among thousands of pairs after Benjamini–Hochberg.

**Groups** (a jury within the panel). A group's internal agreement pools its members' residuals entry
by entry: ``A = Σ (S² − Q) / Σ (k − 1) Q``, over the entries with ``k ≥ 2`` of its members, ``S`` and
``Q`` the sum and the sum of squares of their residuals there (1 when the members depart alike, about
0 when they depart independently). Its null draws, on each entry, ``k`` distinct jurors of the entry's
panel (Floyd's algorithm), so the group is compared with groups of the same size drawn from the panel;
its p-value as for a pair.

Cost: O(permutations × the pairs' common entries) for pairs, O(permutations × the groups' ratings ×
group size) for groups, in chunks of draws; never jurors × entries. Every draw comes from ``rng``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special

#: draws are processed in chunks whose arrays hold about this many numbers
CHUNK_VALUES = 4_000_000
#: correlations are clipped to this before the Fisher z transform
R_MAX = 1 - 1e-9


@dataclass(frozen=True)
class Residuals:
    """The ratings that inform departures, sorted by entry: ``unit``, ``rater`` (codes), ``value``
    (the residual), and per unit its first position (``start``) and count (``size``)."""

    unit: np.ndarray
    rater: np.ndarray
    value: np.ndarray
    start: np.ndarray
    size: np.ndarray
    marks: np.ndarray  # the raw marks, in the same order


def residuals(unit: np.ndarray, rater: np.ndarray, value: np.ndarray) -> Residuals:
    """Each juror's departures from the panel (see the module notes); jurors with fewer than two marks
    or no spread, and entries with fewer than three such jurors, left out.

    >>> r = residuals(np.array([0, 0, 0, 1, 1, 1]), np.array([0, 1, 2, 0, 1, 2]), np.array([1.0, 2, 3, 2, 3, 5]))
    >>> np.round(r.value, 3).tolist()
    [0.0, 0.0, 0.0, 0.0, 0.0, 0.0]
    """
    unit, rater, value = (np.asarray(a) for a in (unit, rater, value))
    n_r = int(rater.max(initial=-1)) + 1
    count = np.bincount(rater, minlength=n_r).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.bincount(rater, value, minlength=n_r) / count
        sd = np.sqrt(np.bincount(rater, (value - mean[rater]) ** 2, minlength=n_r) / (count - 1))
    ok = (count >= 2) & (sd > 0)
    keep = ok[rater]
    unit, rater, value = unit[keep], rater[keep], value[keep].astype(float)
    z = (value - mean[rater]) / sd[rater]
    n_u = int(unit.max(initial=-1)) + 1
    informative = np.bincount(unit, minlength=n_u)[unit] >= 3
    unit, rater, value, z = unit[informative], rater[informative], value[informative], z[informative]
    per = np.bincount(unit, minlength=n_u).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        others = (np.bincount(unit, z, minlength=n_u)[unit] - z) / (per[unit] - 1)  # the rest of the entry's panel
    # what the others' marks predict for this juror: a regression fitted per juror (a precise juror's marks
    # follow the panel more steeply), so that no juror's departures keep a share of the entries' merit
    n_r = int(rater.max(initial=-1)) + 1
    count = np.bincount(rater, minlength=n_r).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        oc = others - (np.bincount(rater, others, minlength=n_r) / count)[rater]
        zc = z - (np.bincount(rater, z, minlength=n_r) / count)[rater]
        slope = np.bincount(rater, oc * zc, minlength=n_r) / np.bincount(rater, oc * oc, minlength=n_r)
    departure = zc - np.nan_to_num(slope)[rater] * oc
    order = np.lexsort((rater, unit))
    res = departure[order]
    unit, rater, value = unit[order], rater[order], value[order]
    units, start, size = np.unique(unit, return_index=True, return_counts=True)
    first = np.zeros(n_u, dtype=np.int64)
    sizes = np.zeros(n_u, dtype=np.int64)
    first[units], sizes[units] = start, size
    return Residuals(unit, rater, res, first, sizes, value)


@dataclass(frozen=True)
class PairScreen:
    """Per screened pair of jurors (codes ``a < b``): ``n`` common entries, ``r`` the correlation of
    their residuals, ``r_marks`` of their marks, and ``p`` (one-sided, permutation)."""

    a: np.ndarray
    b: np.ndarray
    n: np.ndarray
    r: np.ndarray
    r_marks: np.ndarray
    p: np.ndarray


def _correlation(sx, sy, sxx, syy, sxy, n):
    with np.errstate(invalid="ignore", divide="ignore"):
        cov = sxy - sx * sy / n
        return cov / np.sqrt((sxx - sx ** 2 / n) * (syy - sy ** 2 / n))


def _sums(x: np.ndarray, y: np.ndarray, starts: np.ndarray):
    """Per segment (along the last axis, beginning at ``starts``): Σx, Σy, Σx², Σy², Σxy."""
    return tuple(np.add.reduceat(v, starts, axis=-1) for v in (x, y, x * x, y * y, x * y))


def _p_value(exceed: np.ndarray, fisher_sum: np.ndarray, fisher_sq: np.ndarray, observed: np.ndarray,
             permutations: int, n: np.ndarray) -> np.ndarray:
    """The permutation p-value (see the module notes), with the tail of the draws' Fisher z where no draw
    reaches the observed value: Student's t with ``n - 3`` degrees of freedom (``n`` entries), heavier than
    the normal's, so that the estimate of the draws' spread and the few entries do not make it too small."""
    p = (1 + exceed) / (permutations + 1)
    mu = fisher_sum / permutations
    sd = np.sqrt(np.maximum(fisher_sq / permutations - mu ** 2, 0) * permutations / max(permutations - 1, 1))
    with np.errstate(invalid="ignore", divide="ignore"):
        tail = special.stdtr(np.maximum(n - 3, 1), -(np.arctanh(np.clip(observed, -R_MAX, R_MAX)) - mu) / sd)
    beyond = (exceed == 0) & np.isfinite(tail)
    return np.where(beyond, np.minimum(tail, p), p)


def screen_pairs(res: Residuals, *, group: np.ndarray | None = None,
                 min_common: int = 8, permutations: int = 999, rng: np.random.Generator) -> PairScreen:
    """Screen every pair of jurors who judged at least ``min_common`` entries in common (with ``group``,
    a code per juror, only pairs within the same group) against the permutation null of the module notes.
"""
    # each pair of ratings in a cell (an entry, or with groups an entry's jurors of one group), a < b: the
    # ratings sorted by cell then juror, so that pairs across groups are never made (Σ cell² pairs, not Σ entry²)
    cell = res.unit.astype(np.int64)
    if group is not None:
        cell = cell * (int(group.max(initial=0)) + 2) + (group[res.rater] + 1)
    by_cell = np.lexsort((res.rater, cell))
    cells, cell_start, cell_size = np.unique(cell[by_cell], return_index=True, return_counts=True)
    where = np.searchsorted(cells, cell[by_cell])
    slot = np.arange(len(by_cell)) - cell_start[where]
    later = cell_size[where] - 1 - slot
    first = np.repeat(np.arange(len(by_cell)), later)
    offset = np.arange(len(first)) - np.repeat(np.cumsum(later) - later, later)
    first, second = by_cell[first], by_cell[first + 1 + offset]
    a, b = res.rater[first], res.rater[second]
    n_r = int(res.rater.max(initial=-1)) + 1
    key = a.astype(np.int64) * max(n_r, 1) + b
    order = np.argsort(key, kind="stable")
    first, second, key = first[order], second[order], key[order]
    pairs, starts, counts = np.unique(key, return_index=True, return_counts=True)
    enough = counts >= min_common
    rows = np.repeat(enough, counts)
    first, second = first[rows], second[rows]
    pairs, counts = pairs[enough], counts[enough]
    starts = np.r_[0, np.cumsum(counts)[:-1]].astype(np.int64)
    empty = np.zeros(0)
    if not len(pairs):
        return PairScreen(empty.astype(np.int64), empty.astype(np.int64), empty.astype(np.int64), empty, empty, empty)
    r = _correlation(*_sums(res.value[first], res.value[second], starts), counts)
    r_marks = _correlation(*_sums(res.marks[first], res.marks[second], starts), counts)
    # the null depends only on which entries a pair shares (their panels' residuals): one set of draws
    # per distinct set of common entries (a jury's pairs, a panel's pairs share theirs), read by each of its pairs
    unit = res.unit[first]
    kind, reps = _common_sets(unit, starts, counts)
    at = _rows_of(starts[reps], counts[reps])
    set_starts = np.r_[0, np.cumsum(counts[reps])[:-1]].astype(np.int64)
    rep_unit = unit[at]
    n_u, s_u = res.size[rep_unit].astype(float), res.start[rep_unit]
    nulls = np.empty((permutations, len(reps)))
    step = max(1, CHUNK_VALUES // max(len(at), 1))
    for done in range(0, permutations, step):  # chunks of draws, not draws
        m = min(step, permutations - done)
        u = rng.random((2, m, len(at)))
        pick_a = np.minimum((u[0] * n_u).astype(np.int64), n_u.astype(np.int64) - 1)
        pick_b = np.minimum((u[1] * (n_u - 1)).astype(np.int64), n_u.astype(np.int64) - 2)
        pick_b = pick_b + (pick_b >= pick_a)
        nulls[done:done + m] = _correlation(*_sums(res.value[s_u + pick_a], res.value[s_u + pick_b], set_starts),
                                            counts[reps])
    ordered = np.sort(np.nan_to_num(nulls, nan=-np.inf), axis=0)  # a draw without a correlation reaches nothing
    exceed = permutations - _count_below(ordered, kind, r - 1e-12)
    fz = np.arctanh(np.clip(np.nan_to_num(nulls), -R_MAX, R_MAX))
    f_sum, f_sq = fz.sum(axis=0)[kind], (fz * fz).sum(axis=0)[kind]
    p = _p_value(exceed, f_sum, f_sq, r, permutations, counts)
    p = np.where(np.isnan(r), np.nan, p)
    n_r = max(n_r, 1)
    return PairScreen(pairs // n_r, pairs % n_r, counts, r, r_marks, p)


def _common_sets(unit: np.ndarray, starts: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each pair's set of common entries as a code (``kind``, pairs with the same entries share one), and
    a representative pair of each set. Sets are told apart by their size and two independent random
    64-bit sums over their entries (a fixed generator: not the screen's draws)."""
    weights = np.random.default_rng(0x5EED).integers(1, 2**62, size=(2, int(unit.max(initial=-1)) + 1), dtype=np.int64)
    with np.errstate(over="ignore"):
        h1 = np.add.reduceat(weights[0][unit], starts)
        h2 = np.add.reduceat(weights[1][unit], starts)
    _, reps, kind = np.unique(np.column_stack([counts, h1, h2]), axis=0, return_index=True, return_inverse=True)
    return kind.ravel(), reps


def _rows_of(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """The rows ``starts[i] … starts[i] + counts[i] - 1`` of every i, in order."""
    offsets = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
    return np.repeat(starts, counts) + offsets


def _count_below(ordered: np.ndarray, kind: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Per value, how many draws of its set (a column of ``ordered``, sorted) lie strictly below it."""
    n = ordered.shape[0]
    flat = (ordered + 0.0).T.ravel()  # set by set
    # each set's draws shifted into a band of its own, so one search serves every set
    span = np.nanmax(np.abs(np.where(np.isfinite(flat), flat, 0.0)), initial=1.0) * 4 + 4
    bands = np.repeat(np.arange(ordered.shape[1]) * span, n)
    keyed = np.where(np.isfinite(flat), flat, -span / 4) + bands
    return np.searchsorted(keyed, np.where(np.isnan(values), np.inf, values) + kind * span, side="left") - kind * n


@dataclass(frozen=True)
class GroupScreen:
    """Per group (code): ``n`` entries with two or more of its members, ``agreement`` (``A`` of the module
    notes), ``p`` (one-sided, permutation)."""

    n: np.ndarray
    agreement: np.ndarray
    p: np.ndarray


def _pooled(s: np.ndarray, q: np.ndarray, k: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """``Σ (S² − Q) / Σ (k − 1) Q`` per segment of entries (along the last axis)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.add.reduceat(s * s - q, starts, axis=-1) / np.add.reduceat((k - 1) * q, starts, axis=-1)


def screen_groups(res: Residuals, group: np.ndarray, *, permutations: int = 999,
                  rng: np.random.Generator) -> GroupScreen:
    """Each group's internal agreement and its permutation p-value (see the module notes); ``group``: a
    code per juror (-1: in no group)."""
    n_g = int(group.max(initial=-1)) + 1
    g = group[res.rater]
    inside = g >= 0
    cell = g[inside].astype(np.int64) * (int(res.unit.max(initial=-1)) + 1) + res.unit[inside]
    cells, k = np.unique(cell, return_counts=True)
    value = res.value[inside]
    s = np.bincount(np.searchsorted(cells, cell), value, minlength=len(cells))
    q = np.bincount(np.searchsorted(cells, cell), value * value, minlength=len(cells))
    two = k >= 2
    cells, k, s, q = cells[two], k[two], s[two], q[two]
    width = int(res.unit.max(initial=-1)) + 1
    cg, cu = cells // max(width, 1), cells % max(width, 1)
    groups, starts, n = np.unique(cg, return_index=True, return_counts=True)
    out_n, out_a, out_p = np.zeros(n_g, dtype=np.int64), np.full(n_g, np.nan), np.full(n_g, np.nan)
    if not len(cells):
        return GroupScreen(out_n, out_a, out_p)
    observed = _pooled(s, q, k, starts)
    n_u, s_u = res.size[cu], res.start[cu]
    top = int(k.max())
    exceed, f_sum, f_sq = np.zeros(len(groups)), np.zeros(len(groups)), np.zeros(len(groups))
    step = max(1, CHUNK_VALUES // max(len(cells) * top, 1))
    for done in range(0, permutations, step):  # chunks of draws
        m = min(step, permutations - done)
        chosen = np.empty((m, len(cells), top), dtype=np.int64)
        for i in range(top):  # Floyd's algorithm: k distinct of the entry's n jurors, one member's seat at a time
            j = n_u - k + i  # (cells with fewer members stop early: their seats past k are masked below)
            t = np.minimum((rng.random((m, len(cells))) * (j + 1)).astype(np.int64), j)
            taken = (chosen[:, :, :i] == t[..., None]).any(axis=-1)
            chosen[:, :, i] = np.where(taken, j, t)
        seat = np.arange(top) < k[:, None]
        drawn = np.where(seat, res.value[s_u[:, None] + np.clip(chosen, 0, None) % np.maximum(n_u, 1)[:, None]], 0.0)
        null = _pooled(drawn.sum(axis=-1), (drawn * drawn).sum(axis=-1), k, starts)
        exceed += (null >= observed - 1e-12).sum(axis=0)
        fz = np.arctanh(np.clip(np.nan_to_num(null), -R_MAX, R_MAX))
        f_sum += fz.sum(axis=0)
        f_sq += (fz * fz).sum(axis=0)
    out_n[groups], out_a[groups] = n, observed
    out_p[groups] = _p_value(exceed, f_sum, f_sq, observed, permutations, n)
    return GroupScreen(out_n, out_a, out_p)
