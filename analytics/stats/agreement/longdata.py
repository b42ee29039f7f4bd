"""Long tables (one row per unit × rater) coded into integer arrays, checked once."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics.base import columns as col


@dataclass(frozen=True)
class Ratings:
    """Non-missing ratings as codes: ``unit[i]`` and ``rater[i]`` index ``units``/``raters``."""

    unit: np.ndarray
    rater: np.ndarray
    value: np.ndarray
    units: pd.Index
    raters: pd.Index

    @property
    def n_units(self) -> int:
        return len(self.units)

    @property
    def n_raters(self) -> int:
        return len(self.raters)

    def __len__(self) -> int:
        return len(self.value)


def ratings(data: pd.DataFrame, unit: str = col.ENTRY_ID, rater: str = col.JUROR_ID, value: str = col.SCORE,
            *, numeric: bool = True) -> Ratings:
    """Check a long table and code it. A missing value (NaN/None) is a missing rating and is
    left out; units or raters with no rating left do not count.

    Raises ``ValueError`` when a column is absent, a value is not a number (``numeric``),
    or a unit × rater pair appears twice. Where ``unit`` is ``entry_id`` and the table has a
    ``performance`` column (design section 14), each performance of an entry is a unit of its own.
    ``data`` already coded (a :class:`Ratings`, as
    :meth:`analytics.checks.shared.Shared.coded` keeps them for a run) is returned as it is.
    """
    if isinstance(data, Ratings):
        return data
    if not isinstance(data, pd.DataFrame):
        raise ValueError(f"expected a pandas DataFrame with one row per unit × rater; got {type(data).__name__}")
    absent = [name for name in (unit, rater, value) if name not in data.columns]
    if absent:
        raise ValueError(f"the table has no column {', '.join(map(repr, absent))}; its columns are "
                         f"{', '.join(map(str, data.columns))}. Name the columns with unit=, rater=, value=.")
    performed = unit == col.ENTRY_ID and col.PERFORMANCE in data.columns  # each performance of an entry: a unit
    frame = data[[unit, rater, value, *([col.PERFORMANCE] if performed else [])]]
    present = frame[value].notna().to_numpy()
    frame = frame.loc[present]
    values = frame[value].to_numpy()
    if numeric:
        numbers = pd.to_numeric(frame[value], errors="coerce").to_numpy(dtype=float)
        bad = ~np.isfinite(numbers)
        if bad.any():
            shown = ", ".join(repr(v) for v in frame[value].to_numpy()[bad][:5])
            raise ValueError(f"the column {value!r} must hold numbers; found {shown}")
        values = numbers
    if performed:
        unit_codes, units = pd.MultiIndex.from_frame(frame[[unit, col.PERFORMANCE]]).factorize(sort=True)
    else:
        unit_codes, units = pd.factorize(frame[unit], sort=True)
    rater_codes, raters = pd.factorize(frame[rater], sort=True)
    pair = unit_codes.astype(np.int64) * max(len(raters), 1) + rater_codes
    ordered = np.sort(pair)
    if (ordered[1:] == ordered[:-1]).any():
        dup = frame.loc[pd.Series(pair).duplicated().to_numpy(), [unit, rater]].head(3)
        shown = "; ".join(f"{u} × {r}" for u, r in dup.itertuples(index=False))
        raise ValueError(f"each {unit} × {rater} pair may be rated once; repeated: {shown}")
    return Ratings(unit_codes, rater_codes, values, pd.Index(units), pd.Index(raters))


def require_seed(n_boot: int, random_state) -> np.random.Generator | None:
    """A generator for ``n_boot`` resamples; an explicit seed is required for any resampling."""
    if n_boot < 0:
        raise ValueError(f"n_boot must be 0 (no bootstrap) or a positive number of resamples; got {n_boot}")
    if n_boot == 0:
        return None
    if random_state is None:
        raise ValueError("a bootstrap needs an explicit seed: pass random_state=<int> so the interval is reproducible")
    return np.random.default_rng(random_state)


#: the resample weights of one chunk hold at most this many numbers
CHUNK_VALUES = 1_000_000


def resample_weights(rng: np.random.Generator, n_units: int, n_boot: int, chunk: int | None = None):
    """Bootstrap over units as weights: yields arrays (resamples × units) of how many times
    each unit was drawn, ``chunk`` resamples at a time (default: as many as keep a chunk
    within :data:`CHUNK_VALUES` numbers, at least one; memory: chunk × units). The draws are the
    same whatever the chunks."""
    chunk = chunk or max(1, CHUNK_VALUES // max(n_units, 1))
    for start in range(0, n_boot, chunk):
        b = min(chunk, n_boot - start)
        draws = rng.integers(0, n_units, size=(b, n_units))
        flat = (draws + (np.arange(b) * n_units)[:, None]).ravel()
        yield np.bincount(flat, minlength=b * n_units).reshape(b, n_units).astype(float)


#: resample weights kept for the next call with the same seed and sizes while they hold at most this many
#: multiplicities (beyond :data:`CACHED_AS_FLOATS`, as 16-bit counts: 128 MB): every criterion of a lane, at both levels, resamples
#: the same entries
CACHED_VALUES = 64_000_000
#: up to this many, kept as the floats the alphas multiply by (128 MB), saving a conversion per use
CACHED_AS_FLOATS = 16_000_000
_cached: dict[tuple[int, int, int], tuple[np.ndarray, ...]] = {}


def seeded_resample_weights(seed, n_units: int, n_boot: int):
    """:func:`resample_weights` from ``np.random.default_rng(seed)``, chunk by chunk. The last set
    drawn is kept (within :data:`CACHED_VALUES`) and given again for the same seed, units and
    resamples, so the 14 alphas of a lane (7 scopes × 2 levels) draw their weights once: the same
    numbers as drawing them each time, at the cost of one draw and a conversion per use."""
    key = (seed, n_units, n_boot) if isinstance(seed, int) else None
    if key is None or n_units * n_boot > CACHED_VALUES or n_units > np.iinfo(np.uint16).max:
        return resample_weights(np.random.default_rng(seed), n_units, n_boot)
    if key not in _cached:
        kept = np.float64 if n_units * n_boot <= CACHED_AS_FLOATS else np.uint16  # a count is at most n_units
        _cached.clear()
        _cached[key] = tuple(_read_only(chunk.astype(kept))
                             for chunk in resample_weights(np.random.default_rng(seed), n_units, n_boot))
    return (chunk if chunk.dtype == np.float64 else chunk.astype(np.float64) for chunk in _cached[key])


def _read_only(chunk: np.ndarray) -> np.ndarray:
    chunk.flags.writeable = False
    return chunk


def percentile_interval(estimates: np.ndarray, confidence: float) -> tuple[float, float]:
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1; got {confidence}")
    finite = estimates[np.isfinite(estimates)]
    if finite.size == 0:
        return float("nan"), float("nan")
    tail = (1 - confidence) / 2
    low, high = np.quantile(finite, [tail, 1 - tail])
    return float(low), float(high)
