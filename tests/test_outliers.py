"""Robust residual outliers and disagreement."""

from __future__ import annotations

import numpy as np

from analytics import load_festival
from analytics.checks.residuals import MAD_TO_SD, residual_flags, score_residuals
from analytics.checks.disagreement import disagreement, disagreement_flags

from .conftest import DEMO


def test_residuals_are_scaled_by_the_median_absolute_deviation():
    residuals = score_residuals(load_festival(DEMO))
    part = residuals[(residuals["lane"] == "procedural_system") & (residuals["criterion"] == "risk")]
    r = part["residual"].to_numpy()
    scale = MAD_TO_SD * np.median(np.abs(r - np.median(r)))
    np.testing.assert_allclose(part["z"], r / scale)
    np.testing.assert_allclose(part["expected"] + part["residual"], part["score"])


def test_a_wild_score_is_flagged_and_the_straight_liner_dominates_the_demo(mini):
    festival = load_festival(DEMO)
    flags = residual_flags(festival, score_residuals(festival))
    jurors = [f.juror_id for f in flags]
    assert jurors.count("JR07") >= len(jurors) - 2  # the planted straight-liner's 7s are far from expectation
    assert all(abs(f.value) > festival.config.checks.residual_cutoff for f in flags)


def test_disagreement_is_ordered_and_flagged_as_information():
    festival = load_festival(DEMO)
    spread = disagreement(festival)
    gc = spread[spread["lane"] == "generative_cinema"]
    assert gc["sd"].is_monotonic_decreasing and (gc["range"] >= 0).all()
    info = disagreement_flags(festival, spread)
    assert info and {f.severity for f in info} == {"info"}
