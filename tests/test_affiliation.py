"""The affiliation screen: deviations, preferences and intervals against peers, permutation
p-values against exact enumeration, recovery of a planted preference, the null rate, and the
festival-level wiring (configuration, bad input, flags, affiliation.csv)."""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analytics.checks import affiliation
from analytics import load_festival
from analytics.checks.registry import run_checks
from analytics.gate.decisions import run_gate
from analytics.stats.randomness import juror_keys
from analytics.present.summary import summary_text

from .conftest import DEMO, problems

SYNTHETIC_COLUMNS = ["lane", "juror_id", "entry_id", "deviation"]


def judgements(seed: int, n_jurors: int = 30, n_entries: int = 40, share: float = 0.15, planted: dict | None = None):
    """Synthetic judgements: each juror's deviation = their generosity + noise, plus
    ``planted[juror]`` points on the entries sharing their affiliation (``share`` of them)."""
    rng = np.random.default_rng(seed)
    juror = np.repeat(np.arange(n_jurors), n_entries)
    same = rng.random(len(juror)) < share
    same[::n_entries] = True  # every juror has one of each kind at least
    same[1::n_entries] = False
    deviation = rng.normal(0, 0.8, n_jurors)[juror] + rng.normal(0, 1.0, len(juror))
    for j, points in (planted or {}).items():
        deviation[(juror == j) & same] += points
    pairs = pd.DataFrame({"lane": "lane", "juror_id": [f"J{j:03d}" for j in juror],
                          "entry_id": [f"E{i:03d}" for i in np.tile(np.arange(n_entries), n_jurors)],
                          "deviation": deviation})
    return pairs, same


def screen(pairs, same, n_perm=1000, seed=1):
    lanes = pairs.groupby("juror_id")["lane"].first()
    values = pd.Series("x", index=lanes.index)
    return affiliation._screen(pairs, same, "country", "all", values, n_perm, seed)  # one family, pooled as festival-wide


def test_preference_and_interval_equal_statsmodels_pooled_two_sample_t():
    from statsmodels.stats.weightstats import CompareMeans, DescrStatsW  # peer: pooled-variance t interval

    pairs, same = judgements(3, n_jurors=5)
    table = screen(pairs, same).set_index("juror_id")
    for juror, rows in pairs.groupby("juror_id"):
        mine = same[rows.index]
        peer = CompareMeans(DescrStatsW(rows["deviation"][mine]), DescrStatsW(rows["deviation"][~mine]))
        low, high = peer.tconfint_diff(alpha=0.05, usevar="pooled")
        assert table.loc[juror, "preference"] == pytest.approx(rows["deviation"][mine].mean() - rows["deviation"][~mine].mean(),
                                                               abs=1e-12)
        assert (table.loc[juror, "ci_low"], table.loc[juror, "ci_high"]) == pytest.approx((low, high), abs=1e-10)


def test_pooled_preference_equals_the_fixed_effects_regression():
    import statsmodels.formula.api as smf  # peer: OLS deviation ~ same + C(juror_id)

    pairs, same = judgements(4, n_jurors=8, planted={2: 1.0})
    pooled = screen(pairs, same).query("juror_id == ''").iloc[0]
    fit = smf.ols("deviation ~ same + C(juror_id)", data=pairs.assign(same=same.astype(float))).fit()
    low, high = fit.conf_int().loc["same"]
    assert pooled["lane"] == "all"
    assert pooled["preference"] == pytest.approx(fit.params["same"], abs=1e-10)
    assert (pooled["ci_low"], pooled["ci_high"]) == pytest.approx((low, high), abs=1e-10)
    assert pooled["p_value"] == pytest.approx(fit.pvalues["same"], rel=1e-8)


def test_adjust_by_lane_is_benjamini_hochberg_within_each_lane_as_statsmodels():
    from statsmodels.stats.multitest import multipletests  # peer: multipletests(method="fdr_bh"), per lane

    rng = np.random.default_rng(5)
    p = rng.random(40) ** 3
    p[[3, 17]] = np.nan  # a juror who could not be screened: left out of the lane's family
    lane = pd.Series(rng.choice(["a", "b", "all"], size=40))
    adjusted = affiliation.adjust_by_lane(lane, p)
    assert np.isnan(adjusted[[3, 17]]).all()
    for name in ["a", "b", "all"]:
        family = (lane == name).to_numpy() & ~np.isnan(p)
        np.testing.assert_allclose(adjusted[family], multipletests(p[family], method="fdr_bh")[1], rtol=1e-12)


def test_subset_sums_draw_every_subset_equally_often():
    """Each of the C(5, 2) = 10 pairs of a group of 5 is drawn with probability 1/10: over 20,000
    draws each count is within 5 binomial standard errors (sd = sqrt(20000 × 0.1 × 0.9) ≈ 42)."""
    d = np.array([1.0, 2.0, 4.0, 8.0, 16.0, 100.0, 200.0])  # two groups: 5 values, then 2 (pick 1)
    keys = juror_keys(["A", "B"], 0, affiliation.STREAM)
    sums = affiliation.subset_sums(d, np.array([0, 5]), np.array([5, 2]), np.array([2, 1]), keys, 20_000)
    counts = pd.Series(sums[:, 0]).value_counts()
    expected = {a + b for a, b in itertools.combinations(d[:5], 2)}  # distinct sums: powers of two
    assert set(counts.index) == expected
    assert (counts - 2000).abs().max() < 5 * 42
    assert set(np.unique(sums[:, 1])) == {100.0, 200.0}


def test_a_jurors_p_value_does_not_depend_on_the_other_jurors():
    """Each juror's shuffles are their own (analytics.stats.randomness): screening one juror alone gives
    the p-value they get among twenty."""
    pairs, same = judgements(8, n_jurors=20, planted={3: 1.0})
    together = screen(pairs, same).set_index("juror_id")
    mine = (pairs["juror_id"] == "J003").to_numpy()
    alone = screen(pairs[mine].reset_index(drop=True), same[mine]).set_index("juror_id")
    assert alone.loc["J003", "p_value"] == together.loc["J003", "p_value"]


def test_permutation_p_value_matches_exact_enumeration():
    """Independent computation: every split of the juror's 9 judgements into 3 same and 6 other
    (84 of them) gives the exact permutation p-value; the Monte Carlo p (1,000 permutations,
    then 20,000 more when it is small) agrees within 4 standard errors of its binomial error."""
    rng = np.random.default_rng(11)
    d = rng.normal(0, 1, 9)
    d[:3] += 1.2
    same = np.zeros(9, dtype=bool)
    same[:3] = True
    observed = abs(d[same].mean() - d[~same].mean())
    splits = [np.isin(np.arange(9), c) for c in itertools.combinations(range(9), 3)]
    exact = np.mean([abs(d[s].mean() - d[~s].mean()) >= observed - 1e-12 for s in splits])
    pairs = pd.DataFrame({"lane": "l", "juror_id": "J1", "entry_id": [f"E{i}" for i in range(9)], "deviation": d})
    ours = screen(pairs, same).iloc[0]["p_value"]
    n = 1000 + (affiliation.REFINE_PERMUTATIONS if ours <= 0.05 else 0)
    assert ours == pytest.approx(exact, abs=4 * np.sqrt(exact * (1 - exact) / n) + 1 / n)


def test_the_same_seed_gives_the_same_p_values_and_another_seed_close_ones():
    pairs, same = judgements(6, n_jurors=6, planted={1: 0.8})
    a, b, c = screen(pairs, same, seed=1), screen(pairs, same, seed=1), screen(pairs, same, seed=2)
    pd.testing.assert_frame_equal(a, b)
    assert np.nanmax(np.abs(a["p_value"] - c["p_value"])) < 0.1


@pytest.mark.parametrize("planted", [2.5, 1.5, -1.0])
def test_a_planted_preference_is_recovered_within_its_interval_across_seeds(planted):
    """Property: 20 jurors × 40 entries, a quarter of them sharing the juror's affiliation,
    noise sd 1; juror J007 prefers those entries by ``planted`` points. Over 40 seeds its 95%
    interval holds the planted points in at least 34 (expected 38; fewer than 34 has
    probability about 0.005 under binomial(40, 0.95)). A preference of 2.5 points (the sports
    season's 3.4 is larger) is flagged after adjustment in every seed; at 1.5 points, about
    four times in five (31 of these 40 seeds: the power of one juror's 10 or so entries)."""
    covered = flagged = 0
    for seed in range(40):
        pairs, same = judgements(100 + seed, n_jurors=20, planted={7: planted}, share=0.25)
        row = screen(pairs, same, n_perm=500, seed=seed).set_index("juror_id").loc["J007"]
        covered += row["ci_low"] <= planted <= row["ci_high"]
        flagged += row["p_adjusted"] <= 0.05
    assert covered >= 34
    if planted == 2.5:
        assert flagged == 40
    elif planted == 1.5:
        assert flagged >= 26


def test_with_no_preference_the_share_of_small_p_values_is_nominal_and_almost_none_is_flagged():
    """Simulation (seed 2026): 10 festivals × 60 jurors with no preference. Unadjusted, the
    permutation p-value is below 0.05 for about 5% of jurors: 600 jurors give 30 expected, and
    the tolerance is 4 binomial standard errors (sd ≈ 5.3). After Benjamini–Hochberg (all nulls
    true: the chance of any flag in a festival is at most 5%) at most 2 of the 10 festivals
    have a flag."""
    small = festivals_with_a_flag = 0
    for f in range(10):
        pairs, same = judgements(2026 + f, n_jurors=60, share=0.2)
        table = screen(pairs, same, n_perm=400, seed=f)
        jurors = table[table["juror_id"] != ""]
        small += int((jurors["p_value"] < 0.05).sum())
        festivals_with_a_flag += bool((jurors["p_adjusted"] <= 0.05).any())
    assert abs(small - 30) <= 4 * np.sqrt(600 * 0.05 * 0.95)
    assert festivals_with_a_flag <= 2


# --- the festival: configuration, bad input, flags -----------------------------------------


def with_countries(folder: Path, countries: dict[str, str] | None = None, *, declare: bool = True) -> Path:
    """Give the demo's jurors a ``country`` (by default: cycling through the entries' countries)
    and declare it in festival.toml."""
    jurors = pd.read_csv(folder / "jurors.csv", dtype=str, keep_default_na=False)
    entries = pd.read_csv(folder / "entries.csv", dtype=str, keep_default_na=False)
    cycle = sorted(entries["country"].unique())
    jurors["country"] = [(countries or {}).get(j, cycle[i % len(cycle)]) for i, j in enumerate(jurors["juror_id"])]
    jurors.to_csv(folder / "jurors.csv", index=False)
    text = (folder / "festival.toml").read_text(encoding="utf-8")
    if declare and "affiliations" not in text:  # the demo declares it already
        (folder / "festival.toml").write_text(text.replace("[jury]\n", '[jury]\naffiliations = ["country"]\n', 1),
                                               encoding="utf-8")
    return folder


@pytest.fixture
def demo_copy(tmp_path) -> Path:
    return Path(shutil.copytree(DEMO, tmp_path / "demo"))


def test_the_screen_runs_in_the_checks_and_leaves_declared_conflicts_out(demo_copy):
    festival = load_festival(with_countries(demo_copy))
    result = run_checks(festival)
    table = result["affiliation"]
    assert list(table.columns) == affiliation.COLUMNS
    festival_wide = (table["juror_id"] == "") & (table["lane"] == "all")
    assert festival_wide.sum() == 1 and festival_wide.iloc[-1]  # the festival-wide line once, last
    lane_wide = table[(table["juror_id"] == "") & (table["lane"] != "all")]  # each lane's own line, with its own counts
    for row in lane_wide.itertuples(index=False):
        jurors = table[(table["lane"] == row.lane) & (table["juror_id"] != "")]
        assert row.n_same == jurors["n_same"].sum() and row.n_other == jurors["n_other"].sum()
    pairs = affiliation.deviations(festival)
    assert not ((pairs["juror_id"] == "JR02") & (pairs["entry_id"] == "GC-11")).any()  # declared: the conflict checks' case
    # a deviation by hand: JR01 on GC-01 against the other jurors' mean
    totals = result.shared.totals
    gc01 = totals[(totals["entry_id"] == "GC-01")].set_index("juror_id")["score"]
    row = pairs[(pairs["juror_id"] == "JR01") & (pairs["entry_id"] == "GC-01")].iloc[0]
    assert row["deviation"] == pytest.approx(gc01["JR01"] - gc01.drop("JR01").mean(), abs=1e-12)


def test_a_juror_on_two_panels_is_one_person(tmp_path):
    folder = Path(shutil.copytree(DEMO.parent / "examples" / "one-score", tmp_path / "one"))
    jurors = pd.read_csv(folder / "jurors.csv", dtype=str, keep_default_na=False)
    two = jurors.loc[jurors["panel"].str.contains(";"), "juror_id"]
    assert len(two)
    entries = pd.read_csv(folder / "entries.csv", dtype=str, keep_default_na=False)
    entries["country"] = np.where(np.arange(len(entries)) % 3 == 0, "Austria", "Japan")
    entries.to_csv(folder / "entries.csv", index=False)
    jurors["country"] = "Austria"
    jurors.to_csv(folder / "jurors.csv", index=False)
    text = (folder / "festival.toml").read_text(encoding="utf-8")
    marker = "[jury]\n" if "[jury]\n" in text else None
    text = text.replace(marker, '[jury]\naffiliations = ["country"]\n', 1) if marker else text + '\n[jury]\naffiliations = ["country"]\n'
    (folder / "festival.toml").write_text(text, encoding="utf-8")
    table = affiliation.affiliation_table(load_festival(folder))
    pairs = affiliation.deviations(load_festival(folder))
    for juror in two:
        rows = table[table["juror_id"] == juror].set_index("lane")
        lanes = sorted(pairs.loc[pairs["juror_id"] == juror, "lane"].unique())
        assert sorted(rows.index) == sorted([*lanes, "all"])  # one line per lane they judge, and one across them
        for lane in lanes:  # each lane's line counts that lane's judgements only
            assert rows.loc[lane, "n_same"] + rows.loc[lane, "n_other"] == ((pairs["juror_id"] == juror)
                                                                             & (pairs["lane"] == lane)).sum()
        assert rows.loc["all", "n_same"] + rows.loc["all", "n_other"] == (pairs["juror_id"] == juror).sum()
    assert not table.duplicated(["lane", "juror_id"]).any()


def test_a_declared_affiliation_missing_from_a_table_is_one_load_error_naming_both(demo_copy):
    text = (demo_copy / "festival.toml").read_text(encoding="utf-8")
    assert 'affiliations = ["country"]' in text
    (demo_copy / "festival.toml").write_text(text.replace('affiliations = ["country"]', 'affiliations = ["school"]', 1),
                                              encoding="utf-8")
    found = problems(demo_copy)
    school = [p for p in found if p.column == "school"]
    assert {p.file for p in school} == {"jurors.csv", "entries.csv"}
    assert all("[jury] affiliations" in p.expected for p in school)


def test_an_affiliation_nobody_shares_is_a_warning_not_an_error(demo_copy):
    festival = load_festival(with_countries(demo_copy, {f"JR{i:02d}": "Atlantis" for i in range(1, 40)}))
    result = run_checks(festival)
    flags = result.flags
    none = flags[flags["check"] == "affiliation_no_match"]
    assert len(none) == len(festival.config.lanes) and (none["severity"] == "warning").all()
    assert "nothing to screen" in none.iloc[0]["message"]
    assert "country: no juror shares a country with an entry they scored" in summary_text(run_gate(festival))


def test_the_demos_planted_affiliated_juror_is_flagged_and_nobody_else():
    """data/demo plants it (planted.json): JR08 comes from South Korea, like four of the
    generative-cinema entries, and scores them about 1.5 points higher."""
    import json

    planted = [a for a in json.loads((DEMO / "planted.json").read_text(encoding="utf-8"))["anomalies"]
               if a["kind"] == "affiliation_bias"]
    assert [a["juror_id"] for a in planted] == ["JR08"]
    festival = load_festival(DEMO)
    result = run_checks(festival)
    bias = result.flags[result.flags["check"] == "affiliation_bias"]
    assert set(bias["juror_id"]) == {"JR08"}
    assert "South Korea" in bias.iloc[0]["message"]
    row = result["affiliation"].set_index("juror_id").loc["JR08"]
    assert row["n_same"] == 4 and row["ci_low"] <= 1.5 <= row["ci_high"] and row["ci_low"] > 0.5
    text = summary_text(run_gate(festival))  # what jury check prints
    assert "jurors screened" in text
    assert "1 juror stands out" in text and "    JR08 " in text


def test_the_explorer_and_the_reports_show_the_screen():
    """The chair explorer's juror panel carries each juror's preference (the lane alone gives the
    whole run's numbers); the chair report lists the jurors; the public report gives only the
    festival-wide figure and names no juror."""
    from analytics.apps.explorer import Explorer
    from analytics.present.sections import Report

    festival = load_festival(DEMO)
    whole = run_checks(festival)["affiliation"].set_index("juror_id")
    panel = Explorer(festival).juror_panel().set_index("juror_id")
    assert panel.loc["JR08", "affiliation_preference"] == pytest.approx(whole.loc["JR08", "preference"], abs=1e-12)
    assert panel.loc["JR08", "affiliation_p"] == pytest.approx(whole.loc["JR08", "p_adjusted"], abs=1e-12)
    assert "drift_rho" in panel
    public = str(Report.build(DEMO, audience="public").jurors())
    chair = str(Report.build(DEMO, audience="chair").jurors())
    assert "Affiliation screen (country): across the festival" in public
    assert "Affiliation screen per juror" not in public and "JR08" not in public
    assert "Affiliation screen per juror" in chair and "JR08" in chair and "Drift: residuals" in chair
