"""Adjusted p-values: each correction equals the peer's, NaN is left out of the family, the input
is not modified, and a bad argument raises one clear error."""

from __future__ import annotations

import numpy as np
import pytest

from analytics.stats.multiple_testing import adjust

#: statsmodels' name of each correction
PEER = {"bh": "fdr_bh", "holm": "holm"}


@pytest.mark.parametrize("method", ["bh", "holm"])
@pytest.mark.parametrize("seed", range(5))
def test_each_correction_equals_statsmodels_multipletests(method, seed):
    from statsmodels.stats.multitest import multipletests  # peer: multipletests(p, method="fdr_bh" | "holm")

    rng = np.random.default_rng(seed)
    p = rng.random(rng.integers(1, 60)) ** 3
    p[rng.random(len(p)) < 0.2] = p[0]  # ties
    np.testing.assert_allclose(adjust(p, method=method), multipletests(p, method=PEER[method])[1], rtol=1e-12)


@pytest.mark.parametrize("method", ["bh", "holm"])
def test_nan_stays_nan_and_the_others_are_adjusted_as_a_family_without_it(method):
    p = np.array([0.01, np.nan, 0.04, 0.03, np.nan, 0.2])
    adjusted = adjust(p, method=method)
    assert np.isnan(adjusted[[1, 4]]).all()
    np.testing.assert_array_equal(adjusted[~np.isnan(p)], adjust(p[~np.isnan(p)], method=method))


@pytest.mark.parametrize("method", ["bh", "holm"])
def test_adjusted_values_are_probabilities_no_smaller_than_the_raw_ones_and_in_the_same_order(method):
    p = np.random.default_rng(11).random(200) ** 4
    adjusted = adjust(p, method=method)
    assert ((adjusted >= p) & (adjusted <= 1)).all()
    order = np.argsort(p, kind="stable")
    assert (np.diff(adjusted[order]) >= 0).all()


@pytest.mark.parametrize("method", ["bh", "holm"])
def test_the_input_is_not_modified_and_edge_families_are_handled(method):
    p = np.array([0.3, 0.01, np.nan])
    kept = p.copy()
    adjust(p, method=method)
    np.testing.assert_array_equal(p, kept)
    assert adjust(np.array([]), method=method).shape == (0,)
    assert np.isnan(adjust(np.array([np.nan, np.nan]), method=method)).all()
    assert adjust(np.array([0.02]), method=method).tolist() == [0.02]  # a family of one is not adjusted


def test_an_unknown_method_is_refused_with_the_choices():
    with pytest.raises(ValueError, match=r"^adjust: method must be one of 'bh', 'holm'; got 'bonferroni'$"):
        adjust(np.array([0.1]), method="bonferroni")  # type: ignore[arg-type]


def test_p_values_outside_zero_to_one_are_refused_with_the_values():
    with pytest.raises(ValueError, match=r"^adjust: p-values must be from 0 to 1 \(or NaN for a test not run\); "
                                         r"got 1\.5, -0\.1$"):
        adjust(np.array([0.2, 1.5, -0.1]), method="bh")


def test_more_than_one_family_at_once_is_refused():
    with pytest.raises(ValueError, match=r"a 1-D array\); got an array of shape \(2, 2\)$"):
        adjust(np.full((2, 2), 0.5), method="holm")


class Cycle:
    """Garbage that only a collection of the objects that existed before the call can free."""

    freed = 0

    def __init__(self):
        self.me = self

    def __del__(self):
        Cycle.freed += 1


def test_holm_does_not_collect_the_whole_process_on_every_call():
    """statsmodels' Holm ends with gc.collect(), which scans every object of the process (0.2 s with a
    festival loaded, once per lane); adjust's own Holm collects nothing."""
    import gc

    enabled = gc.isenabled()
    gc.disable()
    try:
        Cycle.freed = 0
        Cycle()  # unreachable at once, freed only by a collection that reaches it
        adjust(np.array([0.01, 0.04, 0.03]), method="holm")
        assert Cycle.freed == 0 and gc.get_freeze_count() == 0
        gc.collect()
        assert Cycle.freed == 1  # still garbage the collector frees as usual
    finally:
        if enabled:
            gc.enable()


def test_holm_leaves_objects_the_caller_froze_frozen():
    import gc

    gc.freeze()
    try:
        # Holm (1979) by hand: 2 × 0.01, then max(0.02, 1 × 0.04)
        np.testing.assert_allclose(adjust(np.array([0.01, 0.04]), method="holm"), [0.02, 0.04], rtol=1e-15)
        assert gc.get_freeze_count() > 0  # not unfrozen by adjust
    finally:
        gc.unfreeze()


def test_importing_the_checks_does_not_import_scipy_stats():
    """scipy.stats takes most of a second to import: the checks import it only when a run needs it
    (Benjamini–Hochberg, Kendall's W, rank correlations), so a run without those does not wait for it."""
    import subprocess
    import sys

    code = ("import sys, analytics.checks.registry, analytics.gate.decisions, analytics.apps.cli; "
            "print('scipy.stats' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize("seed", range(20))
def test_benjamini_hochberg_equals_scipy_bit_for_bit(seed):
    """The hand-written BH against its peer, scipy.stats.false_discovery_control (method="bh"): the same
    numbers to the last bit, ties and ones included, so earlier festivals' adjusted p-values are unchanged."""
    from scipy.stats import false_discovery_control

    rng = np.random.default_rng(seed)
    m = int(rng.integers(1, 300))
    p = rng.random(m) ** 3
    p[rng.random(m) < 0.2] = 1.0
    p[rng.random(m) < 0.2] = p[0]  # ties
    assert adjust(p, method="bh").tolist() == false_discovery_control(p, method="bh").tolist()
