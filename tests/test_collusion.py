"""The collusion screen (design section 15): residuals against a plain pandas recomputation, the pair and
jury p-values against exact enumerations of the permutation null of analytics.stats.collusion, a planted
pair found, the false-alarm rate of honest panels (scores and ranks, a panel and a contest of juries), and
the check family on the festivals: collusion.csv, the flag, the feedback pages, the configuration."""

from __future__ import annotations

import itertools
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analytics import load_festival
from analytics.checks import collusion as check
from analytics.checks.registry import juror_kinds, run_checks
from analytics.stats.collusion import residuals, screen_groups, screen_pairs
from analytics.stats.multiple_testing import adjust

from .conftest import DEMO, MINI, REPO

CONTEST = REPO / "data" / "examples" / "contest"
ONE_SCORE = REPO / "data" / "examples" / "one-score"
DIVING = REPO / "data" / "examples" / "diving"

#: the columns of collusion.csv, as the module notes of analytics.checks.collusion list them
DOCUMENTED_COLUMNS = ["lane", "round", "level", "jury", "juror_a", "juror_b", "n_entries", "agreement",
                      "agreement_marks", "typical", "z", "p", "q", "flagged"]


# --- independent computations ----------------------------------------------------------------------


def plain_residuals(unit, rater, value) -> pd.DataFrame:
    """The module notes in pandas: each juror's marks standardised over the entries they judged (sample sd),
    jurors with fewer than two marks or no spread left out, entries with fewer than three of the remaining
    jurors left out; then per juror, their standardised marks minus the least-squares line on the mean of the
    other jurors' standardised marks on the same entry (numpy.polyfit, degree 1)."""
    d = pd.DataFrame({"unit": unit, "rater": rater, "value": np.asarray(value, dtype=float)})
    by = d.groupby("rater")["value"]
    d["n"], d["mean"], d["sd"] = by.transform("size"), by.transform("mean"), by.transform("std")
    d = d[(d["n"] >= 2) & (d["sd"] > 0)].copy()
    d["z"] = (d["value"] - d["mean"]) / d["sd"]
    d = d[d.groupby("unit")["z"].transform("size") >= 3].copy()
    entry = d.groupby("unit")["z"]
    d["others"] = (entry.transform("sum") - d["z"]) / (entry.transform("size") - 1)
    d["residual"] = np.nan
    for _, rows in d.groupby("rater"):  # a handful of jurors: the line fitted juror by juror
        slope, intercept = np.polyfit(rows["others"], rows["z"], 1)
        d.loc[rows.index, "residual"] = rows["z"] - (intercept + slope * rows["others"])
    return d.sort_values(["unit", "rater"]).reset_index(drop=True)


def correlation(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Pearson's r along the last axis."""
    x, y = x - x.mean(axis=-1, keepdims=True), y - y.mean(axis=-1, keepdims=True)
    return (x * y).sum(axis=-1) / np.sqrt((x * x).sum(axis=-1) * (y * y).sum(axis=-1))


def pooled_agreement(rows: list[np.ndarray]) -> float:
    """A = Σ (S² − Q) / Σ (k − 1) Q over the entries (each a vector of the k members' residuals), by hand."""
    top = sum(r.sum() ** 2 - (r ** 2).sum() for r in rows)
    bottom = sum((len(r) - 1) * (r ** 2).sum() for r in rows)
    return top / bottom


def binomial_tolerance(exact: float, draws: int, sds: float = 4.0) -> float:
    """``sds`` standard errors of (1 + X) / (B + 1), X ~ binomial(B, exact): the spread of a permutation
    p-value around its expectation (1 + B·exact) / (B + 1)."""
    return sds * np.sqrt(draws * exact * (1 - exact)) / (draws + 1) + 1e-12


def expected_p(exact: float, draws: int) -> float:
    return (1 + draws * exact) / (draws + 1)


# --- simulated panels ------------------------------------------------------------------------------


def honest_marks(rng: np.random.Generator, n_jurors: int, n_entries: int, scale: str,
                 copy: tuple[int, int, float] | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every juror judges every entry: the entry's merit N(0, 1.5) + the juror's own noise N(0, 1)
    (exchangeable jurors), as marks on 1–10 (rounded, clipped) or as each juror's ranks (1 = best).
    ``copy = (a, b, sd)``: juror b copies juror a's judgement with noise N(0, sd)."""
    merit = rng.normal(0, 1.5, n_entries)
    seen = merit[None, :] + rng.normal(0, 1.0, (n_jurors, n_entries))
    if copy is not None:
        a, b, sd = copy
        seen[b] = seen[a] + rng.normal(0, sd, n_entries)
    if scale == "score":
        marks = np.clip(np.rint(5.5 + seen), 1, 10)
    else:
        marks = np.argsort(np.argsort(-seen, axis=1), axis=1) + 1.0
    unit = np.tile(np.arange(n_entries), n_jurors)
    rater = np.repeat(np.arange(n_jurors), n_entries)
    return unit, rater, marks.ravel()


# --- residuals -------------------------------------------------------------------------------------


def test_residuals_equal_a_plain_pandas_recomputation_and_leave_out_what_the_notes_say():
    """Random sparse marks (seed 3), with a juror of one mark, a juror with no spread and an entry judged
    by two: the residuals, their order (entry, then juror) and what is left out match the pandas version."""
    rng = np.random.default_rng(3)
    unit = np.repeat(np.arange(12), 5)
    rater = np.concatenate([rng.choice(9, 5, replace=False) for _ in range(12)])
    value = rng.integers(1, 11, len(unit)).astype(float)
    unit, rater, value = np.r_[unit, 12], np.r_[rater, 9], np.r_[value, 7.0]  # juror 9: one mark
    flat = rater == 8
    value[flat] = 5.0  # juror 8: no spread
    unit, rater, value = np.r_[unit, 13, 13], np.r_[rater, 0, 1], np.r_[value, 2.0, 9.0]  # entry 13: two jurors
    ours = residuals(unit, rater, value)
    plain = plain_residuals(unit, rater, value)
    assert not ({8, 9} & set(ours.rater.tolist())) and 13 not in set(ours.unit.tolist())
    np.testing.assert_array_equal(ours.unit, plain["unit"])
    np.testing.assert_array_equal(ours.rater, plain["rater"])
    np.testing.assert_allclose(ours.value, plain["residual"], atol=1e-12)
    np.testing.assert_array_equal(ours.marks, plain["value"])
    for u in np.unique(ours.unit):  # start and size index each entry's ratings
        at = np.flatnonzero(ours.unit == u)
        assert (ours.start[u], ours.size[u]) == (at[0], len(at))


# --- pairs: exact enumeration ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def tiny_panel():
    """4 jurors each judging the same 5 entries, marks with no ties (seed 21), and the residual matrix
    (entries × jurors) of the pandas recomputation."""
    rng = np.random.default_rng(21)
    unit = np.tile(np.arange(5), 4)
    rater = np.repeat(np.arange(4), 5)
    value = np.round(rng.normal(5, 2, 20), 2)
    plain = plain_residuals(unit, rater, value)
    matrix = plain.pivot(index="unit", columns="rater", values="residual").to_numpy()
    return unit, rater, value, matrix


def exact_pair_p(matrix: np.ndarray, a: int, b: int) -> float:
    """The exact permutation p-value of the module notes: on each of the entries independently, every
    ordered pair of distinct jurors of its panel (12 of 4 jurors), all 12^5 = 248,832 combinations over the
    5 entries equally likely; the share whose residual correlation is at least the observed."""
    n_entries, n_jurors = matrix.shape
    ordered = np.array([(i, j) for i in range(n_jurors) for j in range(n_jurors) if i != j])
    combos = np.indices((len(ordered),) * n_entries).reshape(n_entries, -1).T
    rows = np.arange(n_entries)
    x = matrix[rows, ordered[combos, 0]]
    y = matrix[rows, ordered[combos, 1]]
    observed = correlation(matrix[:, a], matrix[:, b])
    return float(np.mean(correlation(x, y) >= observed - 1e-12))


def test_pair_p_values_match_the_exact_permutation_null(tiny_panel):
    """Each of the 6 pairs' p-value (20,000 draws, min_common 5) against the exact enumeration: the
    permutation count X of draws at least the observed is binomial(20,000, exact), so p = (1 + X)/20,001
    lies within 4 of its standard errors of (1 + 20,000·exact)/20,001 (each pair fails with probability
    about 6e-5); every exact p here is above 0.01, so a draw reaches the observed value and p sits on the
    grid of 1/20,001."""
    unit, rater, value, matrix = tiny_panel
    draws = 20_000
    screen = screen_pairs(residuals(unit, rater, value), min_common=5, permutations=draws,
                          rng=np.random.default_rng(1))
    assert sorted(zip(screen.a.tolist(), screen.b.tolist())) == list(itertools.combinations(range(4), 2))
    for a, b, n, r, r_marks, p in zip(screen.a, screen.b, screen.n, screen.r, screen.r_marks, screen.p):
        exact = exact_pair_p(matrix, a, b)
        assert exact > 0.01
        assert n == 5
        assert r == pytest.approx(correlation(matrix[:, a], matrix[:, b]), abs=1e-12)
        assert r_marks == pytest.approx(np.corrcoef(value[rater == a], value[rater == b])[0, 1], abs=1e-12)
        assert p == pytest.approx(expected_p(exact, draws), abs=binomial_tolerance(exact, draws))
        assert p * (draws + 1) == pytest.approx(round(p * (draws + 1)), abs=1e-6)


def test_a_pair_beyond_every_draw_gets_the_student_t_tail_of_the_draws_fisher_z():
    """4 jurors × 20 entries (seed 8), juror 1 copying juror 0 with noise: no draw reaches the pair's
    correlation, and the notes' tail applies: t_{n−3} upper tail of (atanh r − μ)/σ, μ and σ the mean and
    sd of the draws' Fisher z. Independent check: μ and σ from 400,000 draws of our own of the null (the
    notes' ordered pairs per entry); the screen estimates them from its 20,000 draws, so its standardised
    value u has a standard error of about sqrt((1 + u²(κ − 1)/4) / 20,000) (κ the kurtosis of the draws' z);
    4 of those, through the slope of the log tail at u, bound the ratio of the two p-values."""
    rng = np.random.default_rng(8)
    n_entries, draws = 20, 20_000
    seen = rng.normal(0, 1.5, n_entries)[None, :] + rng.normal(0, 1, (4, n_entries))
    seen[1] = seen[0] + rng.normal(0, 0.3, n_entries)
    unit, rater, value = np.tile(np.arange(n_entries), 4), np.repeat(np.arange(4), n_entries), seen.ravel()
    screen = screen_pairs(residuals(unit, rater, value), min_common=8, permutations=draws,
                          rng=np.random.default_rng(2))
    at = np.flatnonzero((screen.a == 0) & (screen.b == 1))[0]
    r, p = screen.r[at], screen.p[at]

    matrix = plain_residuals(unit, rater, value).pivot(index="unit", columns="rater", values="residual").to_numpy()
    ordered = np.array([(i, j) for i in range(4) for j in range(4) if i != j])
    pick = ordered[np.random.default_rng(99).integers(0, len(ordered), (400_000, n_entries))]
    rows = np.arange(n_entries)
    z = np.arctanh(correlation(matrix[rows, pick[..., 0]], matrix[rows, pick[..., 1]]))
    assert (np.tanh(z) < r).all()  # our draws do not reach it either
    mu, sigma, kurtosis = z.mean(), z.std(ddof=1), stats.kurtosis(z, fisher=False)
    u = (np.arctanh(r) - mu) / sigma
    tail = stats.t.sf(u, n_entries - 3)
    assert tail < 1 / (draws + 1)  # the tail, not the cap 1/(B + 1), is what the screen returns
    se_u = np.sqrt((1 + u ** 2 * (kurtosis - 1) / 4) / draws + (1 + u ** 2 * (kurtosis - 1) / 4) / len(z))
    slope = abs(stats.t.logsf(u + 1e-4, n_entries - 3) - stats.t.logsf(u - 1e-4, n_entries - 3)) / 2e-4
    assert abs(np.log(p) - np.log(tail)) <= 4 * slope * se_u


# --- juries: the pooled agreement A ------------------------------------------------------------------


@pytest.fixture(scope="module")
def tiny_juries():
    """6 jurors, 4 entries, marks with no ties (seed 5); jury 0 = jurors 0, 1, 2 (juror 2 missed entry 3,
    so the jury has 3 members on entries 0–2 and 2 on entry 3), jury 1 = jurors 3, 4, juror 5 in none."""
    rng = np.random.default_rng(5)
    cells = [(e, j) for e in range(4) for j in range(6) if (e, j) != (3, 2)]
    unit = np.array([e for e, _ in cells])
    rater = np.array([j for _, j in cells])
    value = np.round(rng.normal(5, 2, len(cells)), 2)
    group = np.array([0, 0, 0, 1, 1, -1])
    return unit, rater, value, group, plain_residuals(unit, rater, value)


def exact_group_p(plain: pd.DataFrame, members: list[int], observed: float) -> tuple[float, int]:
    """The exact null of the module notes: on each entry, every set of k distinct jurors of its panel (k the
    jury's members there) equally likely, all combinations over the entries; the share with A ≥ observed, and
    the number of combinations. Each set contributes S² − Q to A's numerator and (k − 1)Q to its
    denominator; the combinations' sums are built entry by entry (outer sums)."""
    top, bottom = np.zeros(1), np.zeros(1)
    for _, rows in plain.groupby("unit"):
        k = int(rows["rater"].isin(members).sum())
        if k < 2:
            continue
        sets = rows["residual"].to_numpy()[np.array(list(itertools.combinations(range(len(rows)), k)))]
        s, q = sets.sum(axis=1), (sets ** 2).sum(axis=1)
        top = (top[:, None] + (s * s - q)[None, :]).ravel()
        bottom = (bottom[:, None] + ((k - 1) * q)[None, :]).ravel()
    return float(np.mean(top / bottom >= observed - 1e-12)), len(top)


def test_a_jurys_agreement_is_the_pooled_statistic_computed_by_hand(tiny_juries):
    unit, rater, value, group, plain = tiny_juries
    screen = screen_groups(residuals(unit, rater, value), group, permutations=99, rng=np.random.default_rng(0))
    for g, members in ((0, [0, 1, 2]), (1, [3, 4])):
        rows = [part.loc[part["rater"].isin(members), "residual"].to_numpy() for _, part in plain.groupby("unit")]
        assert screen.agreement[g] == pytest.approx(pooled_agreement(rows), abs=1e-12)
        assert screen.n[g] == 4
    a = screen.agreement
    assert ((a >= -1 / 2) & (a <= 1)).all()  # A lies in [−1/(k − 1), 1]


def test_jury_p_values_match_the_exact_null_of_k_distinct_jurors_per_entry(tiny_juries):
    """Jury 0: 20 × 20 × 20 sets of 3 of 6 jurors on entries 0–2 and 10 sets of 2 of the 5 on entry 3
    (80,000 combinations); jury 1: 15³ × 10 = 33,750. The screen's p (20,000 draws, Floyd's algorithm
    with a seat masked on entry 3) within 4 binomial standard errors of the exact p, as for pairs."""
    unit, rater, value, group, plain = tiny_juries
    draws = 20_000
    screen = screen_groups(residuals(unit, rater, value), group, permutations=draws, rng=np.random.default_rng(4))
    for g, members, combos in ((0, [0, 1, 2], 80_000), (1, [3, 4], 33_750)):
        exact, enumerated = exact_group_p(plain, members, screen.agreement[g])
        # (exact > 0.001: some 20 or more of the 20,000 draws reach the observed value, so the p-value is the
        # draws' count, not the tail fitted beyond them)
        assert enumerated == combos and exact > 0.001
        assert screen.p[g] == pytest.approx(expected_p(exact, draws), abs=binomial_tolerance(exact, draws))


# --- planted pairs and false alarms ------------------------------------------------------------------


@pytest.mark.parametrize("scale", ["score", "rank"])
def test_a_planted_pair_is_found_after_benjamini_hochberg(scale):
    """8 jurors × 30 entries (juror noise sd 1); juror 1 copies juror 0's judgement with noise sd 0.3 before
    the marks are rounded to 1–10 (or turned into ranks). Over 20 seeds its BH-adjusted q (over the 28
    pairs, 999 permutations) is at most 0.05 in at least 18. Our runs of this design (300 other seeds per
    scale) found it in 99.7% (scores) and 100% (ranks); at a power of 0.99 fewer than 18 of 20 has
    probability 0.001. (With copy noise 0.5 the scores' pair is found in about 97%.)"""
    found = 0
    for seed in range(20):
        rng = np.random.default_rng([40, seed])
        unit, rater, value = honest_marks(rng, 8, 30, scale, copy=(0, 1, 0.3))
        screen = screen_pairs(residuals(unit, rater, value), permutations=999, rng=rng)
        q = adjust(screen.p, method="bh")
        found += bool(q[(screen.a == 0) & (screen.b == 1)][0] <= 0.05)
    assert found >= 18


def upper_99(panels: int, rate: float = 0.05) -> int:
    """The 99% upper bound of the number of panels with a false alarm, if the share is the nominal ``rate``
    (binomial(panels, rate)): a screen at its nominal level passes with probability 0.99 or more."""
    return int(stats.binom.ppf(0.99, panels, rate))


@pytest.mark.parametrize("scale", ["score", "rank"])
def test_honest_panels_have_a_flagged_pair_at_most_at_the_nominal_rate(scale):
    """150 honest panels of 8 exchangeable jurors × 30 entries (28 pairs each, 999 permutations). With no
    pair colluding, BH at 0.05 flags any pair of a panel with probability at most 0.05 (every null true:
    the false discovery rate is the family-wise rate). The panels with a flag: at most the 99% upper
    bound of binomial(150, 0.05), 14 (expected 7.5). (In 1,000 panels of each kind, other seeds, we saw
    the share of pairs with p ≤ 0.05 at 5.3% on scores and 5.4% on ranks of 28,000, and in runs of 200–300
    panels of this design 2–5% of the panels flagged.)"""
    panels, flagged = 150, 0
    for seed in range(panels):
        rng = np.random.default_rng([50, seed])
        screen = screen_pairs(residuals(*honest_marks(rng, 8, 30, scale)), permutations=999, rng=rng)
        flagged += bool((adjust(screen.p, method="bh") <= 0.05).any())
    assert flagged <= upper_99(panels)


@pytest.mark.parametrize("scale", ["score", "rank"])
def test_jurors_of_unequal_precision_are_flagged_at_most_at_the_nominal_rate(scale):
    """Honest jurors who differ in precision (each juror's noise sd × exp(N(0, 0.5)): the most precise
    three follow the entries' merit two or three times as closely as the least) break the exchangeability
    the null assumes; the departures from each juror's own line on the others' mean, and the check's rule
    (q ≤ 0.05 and a robust z of 3 among the lane's pairs), keep the panels with a flagged pair at most at the
    nominal 5%: at most the 99% upper bound of binomial(120, 0.05), 12. (In 1,000 panels of each kind, other
    seeds, we saw 4.0% on scores and 3.7% on ranks with the rule, 8.1% and 6.3% with BH alone; these 120 give 9
    of each, above the mean and within the bound.)"""
    panels, flagged = 120, 0
    for seed in range(panels):
        rng = np.random.default_rng([60, seed])
        merit = rng.normal(0, 1.0, 30)
        seen = merit[None, :] + rng.normal(0, 1.0, (8, 30)) * np.exp(rng.normal(0, 0.5, 8))[:, None]
        marks = (np.clip(np.rint(5.5 + 1.5 * seen), 1, 10) if scale == "score"
                 else np.argsort(np.argsort(-seen, axis=1), axis=1) + 1.0)
        unit, rater = np.tile(np.arange(30), 8), np.repeat(np.arange(8), 30)
        screen = screen_pairs(residuals(unit, rater, marks.ravel()), permutations=999, rng=rng)
        z, _ = check._robust_z(screen.r)
        flagged += bool(((adjust(screen.p, method="bh") <= 0.05) & (z >= check.STANDS_OUT)).any())
    assert flagged <= upper_99(panels)


def test_honest_contests_have_no_more_flagged_pairs_or_juries_than_nominal():
    """The contest's shape: 36 juries of 5 exchangeable jurors ranking 26 songs (song appeal N(0, 1) +
    juror noise N(0, 1)), pairs within juries (360), 999 permutations; 25 contests (about 0.6 s each).
    Contests with a pair flagged at BH q ≤ 0.05: at most the 99% upper bound of binomial(25, 0.05), 4
    (none in 100 such contests of ours). Juries: each jury's p ≤ 0.05 for at most the 99% upper bound of
    binomial(900, 0.05), 61 of the 900 (expected 45; juries of one contest share the panel's consensus,
    a weak dependence the bound does not model; we saw 5.2% of 3,600)."""
    contests, juries, size, songs = 25, 36, 5, 26
    group = np.repeat(np.arange(juries), size)
    flagged = small = 0
    for seed in range(contests):
        rng = np.random.default_rng([60, seed])
        unit, rater, value = honest_marks(rng, juries * size, songs, "rank")
        res = residuals(unit, rater, value)
        pairs = screen_pairs(res, group=group, permutations=999, rng=rng)
        assert len(pairs.p) == juries * 10 and (group[pairs.a] == group[pairs.b]).all()
        flagged += bool((adjust(pairs.p, method="bh") <= 0.05).any())
        small += int((screen_groups(res, group, permutations=999, rng=rng).p <= 0.05).sum())
    assert flagged <= upper_99(contests)
    assert small <= upper_99(contests * juries)


# --- the check family on festivals -------------------------------------------------------------------


@pytest.fixture(scope="module")
def contest_check(tmp_path_factory) -> Path:
    """``python -m analytics check data/examples/contest --out OUT``: the output folder."""
    out = tmp_path_factory.mktemp("contest") / "out"
    done = subprocess.run([sys.executable, "-m", "analytics", "check", str(CONTEST), "--out", str(out)],
                          capture_output=True, text=True, cwd=REPO, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return out


@pytest.fixture(scope="module")
def planted_jurors() -> list[str]:
    import json

    planted = json.loads((CONTEST / "planted.json").read_text(encoding="utf-8"))["anomalies"]
    (moldova,) = [a for a in planted if a["kind"] == "collusion_suspected"]
    assert moldova["jury"] == "Moldova"
    return moldova["jurors"]


def test_the_contest_flags_the_planted_jury_and_its_ten_pairs(contest_check, planted_jurors):
    table = pd.read_csv(contest_check / "collusion.csv", dtype={"jury": str, "round": str}, keep_default_na=False)
    assert list(table.columns) == DOCUMENTED_COLUMNS
    assert len(table) == 36 * 10 + 36  # every pair within a jury, every jury
    flagged = table[table["flagged"].astype(str) == "True"]
    moldova = flagged[flagged["jury"] == "Moldova"]
    assert set(moldova["level"]) == {"pair", "jury"} and (moldova["level"] == "jury").sum() == 1
    assert {tuple(sorted(p)) for p in moldova.loc[moldova["level"] == "pair", ["juror_a", "juror_b"]].to_numpy()} == \
        set(itertools.combinations(sorted(planted_jurors), 2))
    # beside it, chance alone: no other jury, and at most one other pair (the README names J179 and J180)
    others = flagged[flagged["jury"] != "Moldova"]
    assert (others["level"] == "pair").all() and len(others) <= 1


def test_the_contest_flags_csv_names_the_jury_moldova(contest_check, planted_jurors):
    flags = pd.read_csv(contest_check / "flags.csv", dtype=str, keep_default_na=False)
    mine = flags[flags["check"] == "collusion_suspected"]
    assert (mine["severity"] == "warning").all()
    jury = mine[mine["juror_id"] == ""]
    assert len(jury) == 1 and jury.iloc[0]["item"] == "Moldova" and "the jury Moldova" in jury.iloc[0]["message"]
    pairs = mine[mine["juror_id"] != ""]
    assert {tuple(sorted(p)) for p in pairs.loc[pairs["message"].str.contains("jury Moldova"), ["juror_id", "item"]]
            .to_numpy()} == set(itertools.combinations(sorted(planted_jurors), 2))


def test_no_juror_feedback_page_repeats_a_collusion_flag(planted_jurors):
    """The flag names another juror, so it is not about a juror's own scoring: not a kind the feedback
    pages repeat, and the planted jurors' pages (from the gate that holds their open flags) say nothing
    of it."""
    from analytics.gate.decisions import run_gate
    from analytics.present.feedback import juror_page

    assert check.COLLUSION_SUSPECTED.about_juror is False
    assert "collusion_suspected" not in juror_kinds()
    gate = run_gate(load_festival(CONTEST))
    theirs = gate.flags[(gate.flags["check"] == "collusion_suspected") & gate.flags["juror_id"].isin(planted_jurors)]
    assert len(theirs) == 10  # the flags exist, with the jurors' ids in juror_id
    for juror in planted_jurors:
        page = juror_page(gate, juror, written="2026-01-01")
        assert "agree far beyond" not in page and "Moldova" not in page


@pytest.fixture(scope="module")
def contest_table() -> pd.DataFrame:
    return check.collusion(load_festival(CONTEST))


def test_q_is_benjamini_hochberg_per_lane_and_level_as_statsmodels(contest_table):
    from statsmodels.stats.multitest import multipletests  # peer: method="fdr_bh"

    for _, family in contest_table.groupby(["lane", "round", "level"]):
        np.testing.assert_allclose(family["q"], multipletests(family["p"], method="fdr_bh")[1], rtol=1e-12)


def test_flagged_is_q_at_most_the_fdr_and_a_robust_z_of_three_against_the_others(contest_table):
    """Recomputed: pairs against the median and 1.4826 MAD of the lane's pairs; each jury against the
    other juries'; flagged where q ≤ 0.05 (the default collusion_fdr) and z ≥ 3."""
    pairs = contest_table[contest_table["level"] == "pair"]
    r = pairs["agreement"].to_numpy()
    median = np.median(r)
    np.testing.assert_allclose(pairs["z"], (r - median) / (1.4826 * np.median(np.abs(r - median))), rtol=1e-3)
    juries = contest_table[contest_table["level"] == "jury"]
    a = juries["agreement"].to_numpy()
    for i, (typical, z) in enumerate(zip(juries["typical"], juries["z"])):
        rest = np.delete(a, i)
        assert typical == pytest.approx(np.median(rest), abs=1e-12)
        assert z == pytest.approx((a[i] - typical) / (1.4826 * np.median(np.abs(rest - typical))), rel=1e-3)
    expected = (contest_table["q"] <= 0.05) & (contest_table["z"] >= 3)
    pd.testing.assert_series_equal(contest_table["flagged"].astype(bool), expected, check_names=False)


@pytest.mark.parametrize("folder", [DEMO, ONE_SCORE, DIVING], ids=["demo", "one-score", "diving"])
def test_honest_festivals_get_at_most_one_collusion_flag_per_lane_and_round(folder):
    festival = load_festival(folder)
    table = check.collusion(festival)
    assert len(table) and (table["level"] == "pair").all()  # screened: pairs in every lane and round
    screened = table.groupby(["lane", "round"]).size()
    assert set(screened.index.get_level_values("lane")) == set(festival.config.lane_ids)
    assert table.groupby(["lane", "round"])["flagged"].sum().max() <= 1
    flags = check.collusion_flags(festival, table)
    per = pd.Series([(f.lane, f.round) for f in flags], dtype=object).value_counts()
    assert len(flags) == table["flagged"].sum() and (per <= 1).all()


def test_no_pair_with_enough_entries_in_common_gives_an_empty_table_and_no_flag():
    """tests/fixtures/mini: 4 entries per lane, fewer than collusion_min_common (8): nothing screened."""
    festival = load_festival(MINI)
    table = check.collusion(festival)
    assert list(table.columns) == DOCUMENTED_COLUMNS and table.empty
    assert check.collusion_flags(festival, table) == []
    result = run_checks(festival)
    assert result["collusion"].empty and not (result.flags["check"] == "collusion_suspected").any()


def test_the_statistics_say_nothing_rather_than_fail_where_nothing_can_be_screened():
    rng = np.random.default_rng(9)
    unit, rater, value = honest_marks(rng, 6, 10, "score")
    res = residuals(unit, rater, value)
    pairs = screen_pairs(res, min_common=11, rng=rng)
    assert all(len(getattr(pairs, f)) == 0 for f in ("a", "b", "n", "r", "r_marks", "p"))
    lone = screen_groups(res, np.array([0, 1, 2, 3, -1, -1]), rng=rng)  # no jury has two members anywhere
    assert (lone.n == 0).all() and np.isnan(lone.p).all() and np.isnan(lone.agreement).all()
    one_each = residuals(np.arange(5), np.arange(5), np.arange(5.0))  # one mark per juror: nothing informs
    assert len(one_each.value) == 0
    assert len(screen_pairs(one_each, rng=rng).p) == 0
    assert (screen_groups(one_each, np.zeros(5, dtype=int), rng=rng).n == 0).all()


def test_the_same_seed_gives_the_same_table_and_another_seed_close_p_values(contest_table, tmp_path):
    pd.testing.assert_frame_equal(check.collusion(load_festival(CONTEST)), contest_table)
    demo = load_festival(DEMO)
    again = check.collusion(demo)
    pd.testing.assert_frame_equal(check.collusion(demo), again)
    other = with_checks(DEMO, tmp_path, "seed = 7")
    moved = check.collusion(load_festival(other))
    pd.testing.assert_frame_equal(moved.drop(columns=["p", "q", "flagged"]), again.drop(columns=["p", "q", "flagged"]))
    assert (moved["p"] != again["p"]).any() and np.max(np.abs(moved["p"] - again["p"])) < 0.1


def test_importing_the_collusion_screen_does_not_import_scipy_stats():
    """scipy.stats takes most of a second to import (0.6–0.9 s here): the screen imports it where it computes
    p-values (Student's t), so importing the checks does not wait for it (a top-level import had crept in and
    been taken out; tests/test_multiple_testing.py checks the whole registry)."""
    code = "import sys, analytics.checks.collusion; print('scipy.stats' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    assert out.stdout.strip() == "False"


# --- configuration ---------------------------------------------------------------------------------


def with_checks(source: Path, tmp_path: Path, *lines: str) -> Path:
    """A copy of ``source`` with ``lines`` set in festival.toml's [checks] (the table added if missing)."""
    folder = Path(shutil.copytree(source, tmp_path / source.name))
    toml = folder / "festival.toml"
    text = toml.read_text(encoding="utf-8")
    keys = {line.split("=")[0].strip() for line in lines}
    if "[checks]\n" in text:
        head, tail = text.split("[checks]\n", 1)
        kept = [line for line in tail.split("\n") if line.split("=")[0].strip() not in keys]
        text = head + "[checks]\n" + "\n".join(lines) + "\n" + "\n".join(kept)
    else:
        text += "\n[checks]\n" + "\n".join(lines) + "\n"
    toml.write_text(text, encoding="utf-8")
    return folder


def test_min_common_and_permutations_are_read_from_the_checks_table(tmp_path):
    """The demo's pairs share 24 or 25 entries: collusion_min_common = 25 keeps only those with 25; with
    collusion_permutations = 99, a p-value reached by a draw sits on the grid of 1/100."""
    base = check.collusion(load_festival(DEMO))
    assert (base["n_entries"] < 25).any()
    folder = with_checks(DEMO, tmp_path, "collusion_min_common = 25", "collusion_permutations = 99")
    table = check.collusion(load_festival(folder))
    assert len(table) == (base["n_entries"] >= 25).sum() and (table["n_entries"] >= 25).all()
    reached = table["p"] >= 0.01
    assert reached.sum() > 10
    np.testing.assert_allclose(table.loc[reached, "p"] * 100, np.round(table.loc[reached, "p"] * 100), atol=1e-9)


def test_the_false_discovery_rate_is_read_from_the_checks_table(contest_table, tmp_path):
    """At collusion_fdr = 0.001 the chance pair of the contest (q ≈ 0.007) is no longer flagged; Moldova
    (q below 1e-10) still is."""
    folder = with_checks(CONTEST, tmp_path, "collusion_fdr = 0.001")
    table = check.collusion(load_festival(folder))
    before = contest_table[contest_table["flagged"]]
    after = table[table["flagged"]]
    assert set(after["jury"]) == {"Moldova"} and len(after) == 11
    assert (table["q"] == contest_table["q"]).all()  # the same screen, read against another rate
    chance = contest_table[(contest_table["q"] > 0.001) & (contest_table["q"] <= 0.05) & (contest_table["z"] >= 3)]
    assert len(before) == 11 + len(chance)
