"""Percentile intervals of many columns gathered a chunk of rows at a time.

A bootstrap of a large lane (a conference's 500,000 papers × 1,000 resamples) cannot hold every
resample's value of every entry. A 95% interval reads only the few lowest and highest values of
each column (the 2.5% quantile of 1,000 values interpolates between the 25th and 26th smallest):
:class:`Tails` keeps, per column, the ``k`` smallest and ``k`` largest values seen so far and how
many values were seen, and gives the quantiles numpy's default ("linear") rule would give on the
whole column. Memory: columns × 2k; cost per chunk: O(columns × (k + rows)).
"""

from __future__ import annotations

import math

import numpy as np


#: rows wait to be merged into the tails until they hold this many numbers (or 3k rows)
PENDING_VALUES = 16_000_000
#: a merge works on blocks of columns holding about this many numbers
FLUSH_VALUES = 4_000_000


def tail_size(n_rows: int, qs: tuple[float, ...]) -> int:
    """How many of the smallest and of the largest values of a column of at most ``n_rows`` the
    quantiles ``qs`` read (the two order statistics each one interpolates between, from the
    nearer end), plus one to spare.

    >>> tail_size(1000, (0.025, 0.975))
    27
    """
    last = max(n_rows - 1, 0)
    return max(min(math.floor(q * last) + 2, math.floor((1 - q) * last) + 2) for q in qs) + 1


class Tails:
    """Per column, the ``k`` smallest and ``k`` largest values added (NaN skipped), and their count.

    >>> rng = np.random.default_rng(1)
    >>> values = rng.normal(size=(1000, 5))
    >>> values[rng.random(values.shape) < 0.1] = np.nan
    >>> tails = Tails(5, tail_size(1000, (0.025, 0.975)))
    >>> for start in range(0, 1000, 64):
    ...     tails.add(values[start:start + 64])
    >>> got = tails.quantiles((0.025, 0.975))
    >>> bool(np.array_equal(got, np.nanquantile(values, [0.025, 0.975], axis=0)))
    True
    """

    def __init__(self, n_columns: int, k: int):
        self.k = k
        self.count = np.zeros(n_columns, dtype=np.int64)
        self.low = np.full((n_columns, 0), np.inf)
        self.high = np.full((n_columns, 0), np.inf)  # the largest, negated: kept like the smallest
        self._pending: list[np.ndarray] = []
        self._rows = 0

    def add(self, rows: np.ndarray) -> None:
        """Take in a chunk (rows × columns). Small chunks wait until they hold 3k rows between
        them (or :data:`PENDING_VALUES` numbers), so each row is partitioned about once."""
        self._pending.append(rows)
        self._rows += len(rows)
        if self._rows >= 3 * self.k or self._rows * len(self.count) >= PENDING_VALUES:
            self._flush()

    def _flush(self) -> None:
        """Merge the waiting rows into the tails, a block of columns at a time (a flush holds
        :data:`FLUSH_VALUES` numbers beyond the tails and the rows waiting)."""
        if not self._pending:
            return
        pending, self._pending, self._rows = self._pending, [], 0
        n, rows = len(self.count), sum(len(p) for p in pending)
        width = min(self.k, self.low.shape[1] + rows)
        low, high = np.empty((n, width)), np.empty((n, width))
        step = max(1, FLUSH_VALUES // (rows + self.k))
        for start in range(0, n, step):  # blocks of columns, not columns
            cols = slice(start, start + step)
            values = np.ascontiguousarray(np.concatenate([p[:, cols] for p in pending]).T)  # columns × rows, in order
            missing = np.isnan(values)
            self.count[cols] += values.shape[1] - missing.sum(axis=1)
            values[missing] = np.inf  # a missing value is above every low tail
            low[cols] = self._kept(self.low[cols], values)
            np.negative(values, out=values)
            values[missing] = np.inf  # and above every (negated) high tail
            high[cols] = self._kept(self.high[cols], values)
        self.low, self.high = low, high

    def _kept(self, kept: np.ndarray, new: np.ndarray) -> np.ndarray:
        both = np.concatenate([kept, new], axis=1)
        return np.partition(both, self.k - 1, axis=1)[:, : self.k] if both.shape[1] > self.k else both

    def quantiles(self, qs: tuple[float, ...]) -> np.ndarray:
        """Per quantile and column (len(qs) × columns), what :func:`numpy.nanquantile` gives on
        everything added (NaN for a column without values). Raises ValueError when a quantile
        reads beyond the tails kept (``k`` too small for the number of rows)."""
        self._flush()
        low, high = np.sort(self.low, axis=1), np.sort(self.high, axis=1)
        n = self.count
        last = np.maximum(n - 1, 0)
        columns = np.arange(len(n))
        out = []
        for q in qs:  # two quantiles
            position = q * last
            below = np.floor(position).astype(np.int64)
            above = np.minimum(below + 1, last)
            at_low, at_high = self._at(low, high, below, n, columns), self._at(low, high, above, n, columns)
            t = position - below
            with np.errstate(invalid="ignore"):  # a column without values: inf - inf, replaced below
                value = np.where(t >= 0.5, at_high - (at_high - at_low) * (1 - t), at_low + (at_high - at_low) * t)
            out.append(np.where(n > 0, value, np.nan))
        return np.array(out)

    def _at(self, low, high, index, n, columns) -> np.ndarray:
        """Each column's value at sorted position ``index`` (of its ``n``), from whichever tail holds it."""
        from_top = n - 1 - index
        near_low = index < low.shape[1]
        if not np.all(near_low | (from_top < high.shape[1]) | (n == 0)):
            raise ValueError("a quantile reads beyond the tails kept: raise k (see tail_size)")
        lows = low[columns, np.clip(index, 0, max(low.shape[1] - 1, 0))] if low.shape[1] else np.full(len(n), np.nan)
        highs = -high[columns, np.clip(from_top, 0, max(high.shape[1] - 1, 0))] if high.shape[1] else np.full(len(n), np.nan)
        return np.where(near_low, lows, highs)
