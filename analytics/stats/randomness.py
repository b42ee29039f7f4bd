"""Random numbers that belong to one juror: the same juror gets the same draws whoever else is in the run.

The permutation tests of :mod:`analytics.checks.affiliation` and :mod:`analytics.checks.drift` shuffle each
juror's own judgements. Drawn from one generator for all jurors, a juror's p-value would depend
on which other jurors the run covers (one lane, as the chair explorer runs, or the whole
festival). Here each draw is a counter-based hash (splitmix64) of the festival's seed, the
check's stream number, the juror's id, the permutation's number and the position: every array
at once, no generator state, no loop.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_PERM = np.uint64(0xD1B54A32D192ED03)
_POS = np.uint64(0xAEF17502108EF2D9)


def _mix(z: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser, element by element (uint64, wrapping)."""
    with np.errstate(over="ignore"):
        z = z + _GOLDEN
        z = (z ^ (z >> np.uint64(30))) * _M1
        z = (z ^ (z >> np.uint64(27))) * _M2
        return z ^ (z >> np.uint64(31))


def juror_keys(ids, seed: int, stream: int) -> np.ndarray:
    """One 64-bit key per juror id (any strings), from the ids' hash, the seed and the stream."""
    hashed = pd.util.hash_array(np.asarray(ids, dtype=object), categorize=False)
    with np.errstate(over="ignore"):
        return _mix(hashed ^ _mix(np.full(1, (seed << 8) ^ stream, dtype=np.uint64)))


def uniforms(keys: np.ndarray, permutation: np.ndarray, position: np.ndarray) -> np.ndarray:
    """Uniform numbers in [0, 1) for broadcastable arrays of juror keys, permutation numbers and
    positions: the same (key, permutation, position) always gives the same number.

    >>> k = juror_keys(["JR01", "JR02"], 2026, 1)
    >>> a = uniforms(k[:, None], np.arange(3)[None, :], np.zeros((1, 1), dtype=np.int64))
    >>> b = uniforms(k[1:, None], np.arange(3)[None, :], np.zeros((1, 1), dtype=np.int64))
    >>> bool((a[1] == b[0]).all()), bool(((a >= 0) & (a < 1)).all())
    (True, True)
    """
    with np.errstate(over="ignore"):
        z = (keys.astype(np.uint64) ^ (np.asarray(permutation).astype(np.uint64) * _PERM)
             ^ (np.asarray(position).astype(np.uint64) * _POS))
        return (_mix(_mix(z)) >> np.uint64(11)).astype(np.float64) * (1.0 / 9007199254740992.0)
