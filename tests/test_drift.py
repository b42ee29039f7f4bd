"""Drift: the rank correlation against scipy, the within-juror shuffles, the permutation
p-value against exact enumeration, a planted drift flagged (and nobody else), bad timestamps."""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analytics.checks import drift
from analytics import load_festival
from analytics.checks.registry import run_checks
from analytics.stats.randomness import juror_keys

from .conftest import DEMO, problems


@pytest.fixture(scope="module")
def demo_result():
    return run_checks(load_festival(DEMO))


def test_rho_and_slope_equal_scipy_and_numpy_per_juror(demo_result):
    table = demo_result["drift"].set_index("juror_id")
    timed = drift.timed_residuals(demo_result.shared)
    for juror in ["JR01", "JR09", "JR15", "JR23"]:
        rows = timed[timed["juror_id"] == juror]
        # peer: scipy.stats.spearmanr on (submission time, residual); numpy.polyfit for the slope per score
        peer = stats.spearmanr(rows["at"].astype("int64"), rows["residual"]).statistic
        assert table.loc[juror, "rho"] == pytest.approx(peer, abs=1e-12)
        slope = np.polyfit(np.arange(len(rows)), rows["residual"].to_numpy(), 1)[0]
        assert table.loc[juror, "slope"] == pytest.approx(10 * slope, abs=1e-10)
        assert table.loc[juror, "n_scores"] == len(rows)
    assert (table["p_value"].between(0, 1)).all()


def test_shuffles_stay_within_each_juror_and_are_uniform():
    """Group 0 holds 3 values: each of its 3! = 6 orders comes up with probability 1/6; over
    12,000 shuffles each count is within 5 binomial standard errors (sd = sqrt(12000/6 × 5/6) ≈ 41)."""
    x = np.array([1.0, 10.0, 100.0, 0.0, 0.0])
    y = np.array([1.0, 2.0, 3.0, 5.0, 7.0])
    out = drift.permuted_cross(x, y, np.array([0, 3]), juror_keys(["A", "B"], 0, drift.STREAM), 12_000)
    sums = pd.Series(out[:, 0]).value_counts()
    assert set(sums.index) == {float(np.dot(x[:3], p)) for p in itertools.permutations(y[:3])}
    assert (sums - 2000).abs().max() < 5 * 41
    assert set(out[:, 1]) == {0.0}  # the other group's values never enter group 0


def test_permutation_p_value_matches_exact_enumeration(tmp_path):
    """Independent computation: all 8! orders of one juror's 8 scores give the exact two-sided
    p-value of their Spearman rho; ours (Monte Carlo) agrees within 4 standard errors."""
    rng = np.random.default_rng(4)
    residual = np.arange(8) * 0.3 + rng.normal(0, 1, 8)
    r_res = stats.rankdata(residual)
    x = np.arange(1, 9) - 4.5
    y = r_res - r_res.mean()
    observed = abs(np.dot(x, y))
    every = np.array(list(itertools.permutations(y)))
    exact = np.mean(np.abs(every @ x) >= observed - 1e-9)
    starts = np.array([0])
    hits = (np.abs(drift.permuted_cross(x, y, starts, juror_keys(["A"], 1, drift.STREAM), 20_000))
            >= observed * (1 - 1e-12)).sum()
    ours = (1 + hits) / 20_001
    assert ours == pytest.approx(exact, abs=4 * np.sqrt(exact * (1 - exact) / 20_000) + 1e-4)


def test_a_planted_drift_is_flagged_and_nobody_else(tmp_path, demo_result):
    """JR05's submission times are reassigned so that the scores with the lowest residuals come
    first: the same scores, given in a drifting order. Only JR05 is flagged."""
    folder = Path(shutil.copytree(DEMO, tmp_path / "demo"))
    timed = drift.timed_residuals(demo_result.shared)
    mine = timed[timed["juror_id"] == "JR05"]
    scores = pd.read_csv(folder / "scores.csv", dtype=str, keep_default_na=False)
    at = scores.loc[scores["juror_id"] == "JR05", "submitted_at"].sort_values().to_numpy()
    by_residual = mine.sort_values("residual", kind="stable")
    key = pd.MultiIndex.from_frame(scores[["juror_id", "entry_id", "criterion"]])
    positions = key.get_indexer(pd.MultiIndex.from_frame(by_residual[["juror_id", "entry_id", "criterion"]]))
    scores.loc[positions, "submitted_at"] = at[:len(positions)]
    scores.to_csv(folder / "scores.csv", index=False)
    result = run_checks(load_festival(folder))
    flagged = result.flags[result.flags["check"] == "score_drift"]
    assert set(flagged["juror_id"]) == {"JR05"}
    row = result["drift"].set_index("juror_id").loc["JR05"]
    assert row["rho"] > 0.9 and row["p_adjusted"] < 0.01  # p at its floor, 1 / (1 + 21,000), times the jurors
    assert "more generous as they went on" in flagged.iloc[0]["message"]


def test_a_submitted_at_that_is_not_iso_8601_is_a_load_error_naming_row_and_value(tmp_path):
    folder = Path(shutil.copytree(DEMO, tmp_path / "demo"))
    scores = (folder / "scores.csv").read_text(encoding="utf-8").splitlines()
    header = scores[0].split(",")
    at = header.index("submitted_at")
    row = scores[3].split(",")
    row[at] = "13/10/2026 1:56pm"
    scores[3] = ",".join(row)
    (folder / "scores.csv").write_text("\n".join(scores) + "\n", encoding="utf-8")
    found = [p for p in problems(folder) if p.column == "submitted_at"]
    assert len(found) == 1
    assert (found[0].file, found[0].row, found[0].value) == ("scores.csv", 4, "13/10/2026 1:56pm")
    assert "ISO 8601" in found[0].expected


def test_scores_without_times_give_an_empty_table_and_no_flag():
    from dataclasses import replace

    festival = load_festival(DEMO)
    untimed = replace(festival, scores=festival.scores.assign(submitted_at=pd.NA))
    table = drift.drift_table(untimed)
    assert table.empty and list(table.columns) == drift.COLUMNS
    assert drift.drift_flags(untimed, table) == []


def test_padded_and_flat_shuffles_are_the_same_shuffles():
    """A juror of 40 scores alone (sorted as one padded row) and beside ten jurors of one score
    (too unequal to pad: one row of all the values) gets the same 300 shuffled sums: the draws are
    the juror's own, whichever way they are sorted."""
    rng = np.random.default_rng(2)
    x, y = rng.normal(size=40), rng.normal(size=40)
    keys = juror_keys([f"J{i}" for i in range(11)], 5, drift.STREAM)
    alone = drift.permuted_cross(x, y, np.array([0]), keys[10:], 300)
    among = drift.permuted_cross(np.concatenate([np.zeros(10), x]), np.concatenate([np.ones(10), y]),
                                 np.concatenate([np.arange(10), [10]]), keys, 300)
    np.testing.assert_allclose(among[:, 10], alone[:, 0], rtol=1e-12)
    assert (among[:, :10] == 0).all()
