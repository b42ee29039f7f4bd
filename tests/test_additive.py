"""The crossed additive model: equal to dense least squares, on connected and disconnected designs."""

from __future__ import annotations

import numpy as np
import pytest

import analytics.stats.additive as additive
from analytics.stats.additive import fit_additive


def design(seed: int, n_units: int = 40, n_raters: int = 8, share: float = 0.6, split: bool = False):
    rng = np.random.default_rng(seed)
    mask = rng.random((n_units, n_raters)) < share
    mask[np.arange(n_units), rng.integers(0, n_raters, n_units)] = True  # every unit rated
    if split:  # two panels that never meet
        half_u, half_r = n_units // 2, n_raters // 2
        mask[:half_u, half_r:] = False
        mask[half_u:, :half_r] = False
        mask[np.arange(half_u), rng.integers(0, half_r, half_u)] = True
        mask[np.arange(half_u, n_units), rng.integers(half_r, n_raters, n_units - half_u)] = True
    unit, rater = np.nonzero(mask)
    y = rng.normal(6, 1.5, n_units)[unit] + rng.normal(0, 0.7, n_raters)[rater] + rng.normal(0, 0.5, len(unit))
    return unit, rater, y, n_units, n_raters


def dense_fitted(unit, rater, y, n_units, n_raters):
    """Reference: numpy least squares on the full indicator design (fine at test size)."""
    x = np.zeros((len(y), n_units + n_raters))
    x[np.arange(len(y)), unit] = 1
    x[np.arange(len(y)), n_units + rater] = 1
    return x @ np.linalg.lstsq(x, y, rcond=None)[0]


@pytest.mark.parametrize("split", [False, True])
@pytest.mark.parametrize("dense_max", [0, 64])  # the sparse path and the small-panel path
def test_fitted_values_equal_dense_least_squares(monkeypatch, split, dense_max):
    monkeypatch.setattr(additive, "DENSE_MAX_RATERS", dense_max)
    unit, rater, y, n_u, n_r = design(1, split=split)
    fit = fit_additive(unit, rater, y, n_u, n_r)
    np.testing.assert_allclose(fit.fitted, dense_fitted(unit, rater, y, n_u, n_r), atol=1e-9)
    assert fit.n_components == (2 if split else 1)
    for c in range(fit.n_components):  # juror effects centred within each connected part
        assert abs(fit.b[fit.rater_component == c].sum()) < 1e-9


def test_recovers_planted_effects_without_noise():
    rng = np.random.default_rng(3)
    unit, rater, _, n_u, n_r = design(3, n_units=60, n_raters=10)
    a, b = rng.normal(6, 1, n_u), rng.normal(0, 1, n_r)
    b -= b.mean()
    fit = fit_additive(unit, rater, a[unit] + b[rater], n_u, n_r)
    np.testing.assert_allclose(fit.b, b, atol=1e-9)
    np.testing.assert_allclose(fit.a, a, atol=1e-9)
