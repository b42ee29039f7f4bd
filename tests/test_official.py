"""The official rules (analytics.rules.official), each recomputed independently in exact rational
arithmetic (fractions.Fraction, plain Python and pandas: no project code) on random panels,
for every rule, order and criteria method, with and without rounding; rounding half up checked
at .xx5 boundaries against Python's decimal module."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from analytics.load.config import Aggregation
from analytics.rules.official import Panel, panel_results, round_half_up

PROPERTY = settings(max_examples=60, deadline=None, derandomize=True)


@pytest.mark.parametrize("text", ["2.675", "2.665", "1.005", "0.125", "0.135", "10.495", "-2.675", "7.875", "0.0049"])
@pytest.mark.parametrize("decimals", [0, 1, 2, 3])
def test_half_up_at_the_boundaries_binary_floating_point_gets_wrong(text, decimals):
    # reference: decimal arithmetic on the value as written (Python's decimal module, ROUND_HALF_UP)
    expected = float(Decimal(text).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))
    assert round_half_up(float(text), decimals) == expected


def test_the_boundaries_are_where_round_and_numpy_disagree():
    assert round(2.675, 2) == 2.67 and np.round(0.125, 2) == 0.12  # binary value / half to even
    assert round_half_up([2.675, 0.125], 2).tolist() == [2.68, 0.13]


# --- an independent recomputation, exact ------------------------------------------------

def exact_half_up(q: Fraction, decimals: int | None) -> Fraction:
    if decimals is None:
        return q
    scale = Fraction(10) ** decimals
    sign = -1 if q < 0 else 1
    return sign * Fraction(math.floor(abs(q) * scale + Fraction(1, 2))) / scale


def exact_over_jurors(values: list[Fraction], rule) -> Fraction | None:
    v = sorted(values)
    n = len(v)
    if n == 0:
        return None
    if rule.jurors == "mean":
        return sum(v) / n
    if rule.jurors == "median":
        return (v[(n - 1) // 2] + v[n // 2]) / 2
    if rule.jurors == "trimmed_mean":
        cut = math.floor(Fraction(str(rule.trim)) * n)
        kept = v[cut:n - cut]
    elif rule.jurors == "drop_extremes":
        kept = v[rule.drop_low:n - rule.drop_high]
    else:  # clip_to_mean
        mean, clip = sum(v) / n, Fraction(str(rule.clip))
        kept = [exact_half_up(min(max(x, mean - clip), mean + clip), rule.decimals) for x in v]
    return sum(kept) / len(kept) if kept else None


def exact_result(scores: pd.DataFrame, rule, factors: dict[str, Fraction]) -> dict[str, Fraction | None]:
    """Each entry's result by the rule, from the scores table, in Fractions."""
    d = rule.decimals
    out = {}
    for entry, rows in scores.groupby("entry_id"):
        if rule.order == "jurors_first":
            total = Fraction(0)
            for c, f in factors.items():
                panel = exact_over_jurors([Fraction(s) for s in rows.loc[rows["criterion"] == c, "score"]], rule)
                if panel is None:
                    total = None
                    break
                total += exact_half_up(f * exact_half_up(panel, d), d)
            out[entry] = None if total is None else exact_half_up(total, d)
        else:
            totals = []
            for _, mine in rows.groupby("juror_id"):
                have = dict(zip(mine["criterion"], mine["score"]))
                if set(have) == set(factors):  # a juror's total needs every criterion, and is never rounded
                    totals.append(sum(f * Fraction(have[c]) for c, f in factors.items()))
            got = exact_over_jurors(totals, rule)
            out[entry] = None if got is None else exact_half_up(got, d)
    return out


@st.composite
def panels(draw):
    n_entries, n_jurors = draw(st.integers(1, 6)), draw(st.integers(3, 8))
    criteria = ["a", "b", "c"][:draw(st.integers(1, 3))]
    half = draw(st.booleans())
    rows = []
    for e in range(n_entries):
        for j in range(n_jurors):
            if draw(st.floats(0, 1)) < 0.15:  # a juror who did not score the entry
                continue
            for c in criteria:
                score = draw(st.integers(2, 20)) / (2 if half else 1)
                rows.append((f"E{e}", f"J{j}", c, score))
    scores = pd.DataFrame(rows, columns=["entry_id", "juror_id", "criterion", "score"])
    weights = {c: Fraction(draw(st.sampled_from(["0.1", "0.2", "0.3", "0.35", "0.8", "1.6", "1", "2.5"]))) for c in criteria}
    method = draw(st.sampled_from(["weighted_mean", "weighted_sum"]))
    factors = ({c: w / sum(weights.values()) for c, w in weights.items()} if method == "weighted_mean" else weights)
    rule = Aggregation(order=draw(st.sampled_from(["criteria_first", "jurors_first"])), criteria=method,
                       jurors=draw(st.sampled_from(["mean", "median", "trimmed_mean", "drop_extremes", "clip_to_mean"])),
                       trim=draw(st.sampled_from([0.0, 0.1, 0.2, 0.25, 0.4])), drop_high=draw(st.integers(0, 1)),
                       drop_low=draw(st.integers(0, 1)), clip=draw(st.sampled_from([0.5, 1.0, 2.5, 3.0])),
                       decimals=draw(st.sampled_from([None, 0, 1, 2, 3])))
    return scores, rule, factors


@PROPERTY
@given(panels())
def test_every_rule_equals_an_exact_recomputation(case):
    scores, rule, factors = case
    if scores.empty:
        return
    criteria = tuple(factors)
    panel = Panel.of(scores, criteria)
    got, _ = panel_results(panel, np.ones((1, len(panel.jurors_index))), rule, {c: float(f) for c, f in factors.items()})
    expected = exact_result(scores, rule, factors)
    for entry, value in zip(panel.entries, got[0]):
        want = expected[entry]
        if want is None:
            assert np.isnan(value), entry
        else:
            assert value == pytest.approx(float(want), abs=1e-9), (entry, rule)


@PROPERTY
@given(panels(), st.integers(0, 2**16))
def test_a_resampled_jury_is_the_panel_with_jurors_copied(case, seed):
    """Multiplicities (a bootstrap draw) give what the same rule gives on the scores copied."""
    scores, rule, factors = case
    if scores.empty:
        return
    panel = Panel.of(scores, tuple(factors))
    counts = np.random.default_rng(seed).integers(0, 3, size=len(panel.jurors_index)).astype(float)
    got, _ = panel_results(panel, counts[None, :], rule, {c: float(f) for c, f in factors.items()})
    times = dict(zip(panel.jurors_index, counts.astype(int)))
    copied = scores.loc[scores.index.repeat(scores["juror_id"].map(times))].copy()
    copied["juror_id"] = copied["juror_id"] + "#" + copied.groupby(["entry_id", "juror_id", "criterion"]).cumcount().astype(str)
    expected = exact_result(copied, rule, factors)
    for entry, value in zip(panel.entries, got[0]):
        want = expected.get(entry)
        if want is None:
            assert np.isnan(value), entry
        else:
            assert value == pytest.approx(float(want), abs=1e-9), (entry, rule)


@pytest.mark.parametrize("n", [3, 4, 5, 10])
def test_drop_extremes_one_each_is_the_trimmed_mean_only_when_one_in_n_is_the_trim(n):
    """drop_extremes 1/1 drops one score at each end whatever n is; scipy.stats.trim_mean(x, 1/n)
    drops int(n/n) = 1 too, but trim_mean(x, 0.1) drops int(0.1 n): none below n = 10."""
    rng = np.random.default_rng(n)
    x = rng.integers(1, 11, size=n).astype(float)
    scores = pd.DataFrame({"entry_id": "E", "juror_id": [f"J{i}" for i in range(n)], "criterion": "c", "score": x})
    panel = Panel.of(scores, ("c",))
    drop = panel_results(panel, np.ones((1, n)), Aggregation(jurors="drop_extremes"), {"c": 1.0})[0][0, 0]
    assert drop == pytest.approx(stats.trim_mean(x, 1 / n + 1e-12), abs=1e-12)  # peer: scipy.stats.trim_mean
    trimmed = panel_results(panel, np.ones((1, n)), Aggregation(jurors="trimmed_mean", trim=0.1), {"c": 1.0})[0][0, 0]
    assert trimmed == pytest.approx(stats.trim_mean(x, 0.1), abs=1e-12)
    if n < 10:
        assert trimmed == pytest.approx(x.mean())  # trim 0.1 drops nothing from fewer than ten scores


def test_clip_to_mean_moves_only_the_far_scores():
    scores = pd.DataFrame({"entry_id": "E", "juror_id": list("abcde"), "criterion": "c",
                           "score": [10.0, 11, 12, 13, 20]})
    panel = Panel.of(scores, ("c",))
    got = panel_results(panel, np.ones((1, 5)), Aggregation(jurors="clip_to_mean", clip=3, decimals=2), {"c": 1.0})[0][0, 0]
    # mean 13.2: 10 becomes 10.2, 20 becomes 16.2; (10.2 + 11 + 12 + 13 + 16.2) / 5 = 12.48
    assert got == pytest.approx(12.48, abs=1e-12)
