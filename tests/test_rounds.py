"""Rounds (analytics.rules.rounds, design section 11): who goes on, each round's result with the
carry-over weights, recomputed independently; the problems a rounds festival can have; the
three-round example end to end."""

from __future__ import annotations

import re

import json
import math
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analytics import FestivalDataError, load_festival
from analytics.rules.stages import with_stages
from analytics.gate.decisions import run_gate
from analytics.checks.rankings import RANKING_COLUMNS

from .conftest import REPO
from .test_official import exact_half_up, exact_result

ROUNDS = REPO / "data" / "examples" / "rounds"
TOML = """[festival]
name = "Rounds test"
synthetic = true
[scale]
min = 1
max = 25
[[criteria]]
id = "overall"
label = "Overall"
[[lanes]]
id = "piano"
name = "Piano"
[aggregation]
jurors = "{jurors}"
clip = 3
decimals = 2
[[rounds]]
id = "r1"
advance = {first}
[[rounds]]
id = "r2"
advance = {second}
weights = {{ r1 = 0.3, r2 = 0.7 }}
[[rounds]]
id = "r3"
weights = {{ r1 = 0.1, r2 = 0.2, r3 = 0.7 }}
aggregation = {{ clip = 2.5 }}
[checks]
bootstrap_resamples = 100
"""


def exact_going_on(results: dict[str, Fraction], advance: int) -> list[str]:
    """The advance best, and every entry tied with the last of them (plain sorting)."""
    ordered = sorted(results.values(), reverse=True)
    bar = ordered[advance - 1]
    return sorted(e for e, v in results.items() if v >= bar)


def write_competition(folder: Path, seed: int, jurors: str = "clip_to_mean", tie: bool = False) -> dict:
    """A random three-round competition, each round scored for the entries that went on by an
    independent recomputation of the rules; returns what that recomputation found."""
    rng = np.random.default_rng(seed)
    n, judges, first, second = 14, 6, 8, 4
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "festival.toml").write_text(TOML.format(jurors=jurors, first=first, second=second), encoding="utf-8")
    entries = [f"E{i:02d}" for i in range(n)]
    pd.DataFrame({"entry_id": entries, "title": entries, "category": "piano"}).to_csv(folder / "entries.csv", index=False)
    pd.DataFrame({"juror_id": [f"J{j}" for j in range(judges)], "name": [f"Judge {j}" for j in range(judges)],
                  "panel": "piano"}).to_csv(folder / "jurors.csv", index=False)
    quality = dict(zip(entries, rng.normal(15, 3, n)))
    rounds = {"r1": (1, Fraction(1)), "r2": (2, None), "r3": (3, None)}
    weights = {"r1": {"r1": Fraction(1)}, "r2": {"r1": Fraction("0.3"), "r2": Fraction("0.7")},
               "r3": {"r1": Fraction("0.1"), "r2": Fraction("0.2"), "r3": Fraction("0.7")}}
    rules = {r: type("Rule", (), {"order": "criteria_first", "jurors": jurors, "trim": 0.1, "drop_high": 1,
                                  "drop_low": 1, "clip": 2.5 if r == "r3" else 3, "decimals": 2}) for r in rounds}
    rows, scores_by_round, results, went_on = [], {}, {}, {}
    taking_part = entries
    for r in rounds:
        part = [(e, f"J{j}", "overall", float(np.clip(round(quality[e] + rng.normal(0, 2)), 1, 25)))
                for e in taking_part for j in range(judges)]
        if tie and r == "r1":  # the eighth and ninth by quality get identical scores
            best = sorted(entries, key=lambda e: -quality[e])
            part = [(e, j, c, s) for e, j, c, s in part if e != best[8]] + [
                (best[8], j, c, s) for e, j, c, s in part if e == best[7]]
        rows += [(*p, r) for p in part]
        round_scores = exact_result(pd.DataFrame(part, columns=["entry_id", "juror_id", "criterion", "score"]), rules[r],
                                    {"overall": Fraction(1)})
        scores_by_round[r] = round_scores
        results[r] = {e: exact_half_up(sum(w * scores_by_round[x][e] for x, w in weights[r].items()), 2)
                      for e in taking_part}
        if r != "r3":
            went_on[r] = exact_going_on(results[r], first if r == "r1" else second)
            taking_part = went_on[r]
    pd.DataFrame(rows, columns=["entry_id", "juror_id", "criterion", "score", "round"]).to_csv(folder / "scores.csv",
                                                                                              index=False)
    return {"results": results, "went_on": went_on}


@pytest.mark.parametrize("seed, jurors, tie", [(1, "clip_to_mean", False), (2, "clip_to_mean", True), (3, "mean", False),
                                               (4, "median", True), (5, "drop_extremes", False)])
def test_rounds_equal_an_exact_recomputation(tmp_path, seed, jurors, tie):
    expected = write_competition(tmp_path / "c", seed, jurors, tie)
    festival = with_stages(load_festival(tmp_path / "c"))
    stages = festival.stages
    for r, went in expected["went_on"].items():
        nxt = {"r1": "r2", "r2": "r3"}[r]
        assert sorted(stages.loc[stages["round"] == nxt, "entry_id"]) == went
    gate = run_gate(festival)
    rankings = gate.after["rankings"]
    assert list(rankings.columns) == RANKING_COLUMNS
    for r, results in expected["results"].items():
        rows = rankings[rankings["round"] == r].set_index("entry_id")
        assert sorted(rows.index) == sorted(results)
        for entry, value in results.items():
            assert rows.at[entry, "score"] == pytest.approx(float(value), abs=1e-9), (r, entry)
        if r in expected["went_on"]:
            assert sorted(rows.index[rows["advances"] == "yes"]) == expected["went_on"][r]
    ties = gate.flags[gate.flags["check"] == "cut_tie"]
    went = expected["went_on"]["r1"]
    assert (len(ties) > 0) == (len(went) > 8)  # more than advance go on only when tied at the cut


def test_p_advance_is_a_share_of_resampled_juries(tmp_path):
    write_competition(tmp_path / "c", 7)
    rankings = run_gate(load_festival(tmp_path / "c")).after["rankings"]
    cut = rankings[rankings["round"] == "r1"]
    assert cut["p_advance"].between(0, 1).all()
    # about advance entries go on per resampled jury (more only with ties at the cut)
    assert cut["p_advance"].sum() == pytest.approx(8, abs=1.0)
    assert rankings.loc[rankings["round"] == "r3", "p_advance"].isna().all()  # the last round has no cut


def problems_of(folder: Path) -> list[tuple]:
    with pytest.raises(FestivalDataError) as caught:
        with_stages(load_festival(folder))  # the problems of the tables, then of the rounds
    return [(p.file, p.row, p.column, p.value, p.expected) for p in caught.value.problems]


def test_the_problems_of_a_rounds_festival_are_listed_together(tmp_path):
    folder = tmp_path / "c"
    write_competition(folder, 8)
    toml = (folder / "festival.toml").read_text(encoding="utf-8")
    (folder / "festival.toml").write_text(toml.replace("advance = 8", "advance = 40"), encoding="utf-8")
    scores = pd.read_csv(folder / "scores.csv")
    out_in_r1 = sorted(set(scores.loc[scores["round"] == "r1", "entry_id"]) - set(scores.loc[scores["round"] == "r2", "entry_id"]))
    stray = scores[scores["round"] == "r2"].head(1).assign(entry_id=out_in_r1[0] if out_in_r1 else "E00")
    bad_round = scores.head(1).assign(round="semifinal")
    pd.concat([scores, stray, bad_round]).to_csv(folder / "scores.csv", index=False)
    found = problems_of(folder)
    assert ("scores.csv", len(scores) + 3, "round", "semifinal", "a round id of festival.toml [[rounds]]: r1, r2, r3") in found
    (folder / "festival.toml").write_text(toml.replace("advance = 8", "advance = 40"), encoding="utf-8")
    pd.concat([scores, stray]).to_csv(folder / "scores.csv", index=False)
    found = problems_of(folder)
    assert ("festival.toml", None, "rounds[1].advance", "40", "expected at most the 14 entries of lane piano in round r1") in found


def test_a_score_in_a_round_its_entry_did_not_reach(tmp_path):
    folder = tmp_path / "c"
    expected = write_competition(folder, 9)
    scores = pd.read_csv(folder / "scores.csv")
    out = sorted(set(scores["entry_id"]) - set(expected["went_on"]["r1"]))[0]
    stray = scores[scores["round"] == "r2"].head(1).assign(entry_id=out)
    pd.concat([scores, stray]).to_csv(folder / "scores.csv", index=False)
    (found,) = problems_of(folder)
    assert found[:4] == ("scores.csv", len(scores) + 2, "round", "r2")
    assert found[4].startswith(f"a round entry {out} took part in: it did not go on into round r2: it ranked ")
    assert re.fullmatch(r".*: it ranked \d+ of 14 in round r1, the round before, where the best 8 went on", found[4])


def test_entries_without_a_result_say_which_criterion_they_lack(tmp_path):
    """A round scored on fewer criteria than the lane has (a diving event whose semi-final has fewer
    dives than its preliminary, with dives as criteria): no entry has a result in it, so no entry
    goes on, and each score of the next round says why, naming the criterion that is missing."""
    folder = tmp_path / "c"
    write_competition(folder, 9)
    toml = (folder / "festival.toml").read_text(encoding="utf-8")
    toml = toml.replace('[[lanes]]', '[[criteria]]\nid = "technique"\nlabel = "Technique"\n[[lanes]]')
    (folder / "festival.toml").write_text(toml, encoding="utf-8")
    scores = pd.read_csv(folder / "scores.csv")
    dropped = "technique"  # scored in every round but the first
    pd.concat([scores, scores[scores["round"] != "r1"].assign(criterion=dropped)]).to_csv(folder / "scores.csv",
                                                                                           index=False)
    scores = pd.read_csv(folder / "scores.csv")
    found = problems_of(folder)
    later = scores[scores["round"] != "r1"]
    assert len(found) == len(later)  # every score of the later rounds, each said once
    assert all(f[2:4] == ("round", f[3]) and f"it has no result in round r1, the round before: it has no score there "
               f"on {dropped}, and a round's result needs every criterion of the lane" in f[4]
               for f in found if f[3] == "r2")


@pytest.mark.parametrize("old, new, key, expected", [
    ("clip = 3", "clip = 0", "aggregation.clip", "expected a number above 0"),
    ("decimals = 2", "decimals = -1", "aggregation.decimals", "expected a whole number of at least 0"),
    ("weights = { r1 = 0.3, r2 = 0.7 }", "weights = { r1 = 0.3, r3 = 0.7 }", "rounds[2].weights",
     "expected rounds up to this one (r1, r2): a round's result weighs the rounds before it and itself"),
    ("weights = { r1 = 0.3, r2 = 0.7 }", "weights = { r0 = 0.3, r2 = 0.7 }", "rounds[2].weights",
     "expected rounds up to this one (r1, r2): a round's result weighs the rounds before it and itself"),
    ("advance = 8\n", "", "rounds[1].advance", "expected advance: how many entries per lane go on to the next round"),
])
def test_bad_round_rules_name_the_key(tmp_path, old, new, key, expected):
    folder = tmp_path / "c"
    write_competition(folder, 10)
    text = (folder / "festival.toml").read_text(encoding="utf-8")
    assert old in text
    (folder / "festival.toml").write_text(text.replace(old, new, 1), encoding="utf-8")
    found = {p[2]: p for p in problems_of(folder)}
    assert key in found and found[key][4] == expected


def test_drop_extremes_needs_more_scores_than_it_drops_and_names_the_entry(tmp_path):
    folder = tmp_path / "c"
    write_competition(folder, 11, jurors="drop_extremes")
    scores = pd.read_csv(folder / "scores.csv")
    thin = scores[~((scores["entry_id"] == "E03") & (scores["round"] == "r1") & ~scores["juror_id"].isin(["J0", "J1"]))]
    thin.to_csv(folder / "scores.csv", index=False)
    (folder / "conflicts.csv").write_text("juror_id,entry_id\n" + "".join(f"J{j},E03\n" for j in range(2, 6)), encoding="utf-8")
    found = [p for p in problems_of(folder) if p[3] == "E03"]
    assert found == [("scores.csv", None, "entry_id", "E03",
                      "more scores than drop_high + drop_low (1 + 1) in round r1: drop_extremes would drop them all")]


# --- the three-round example ------------------------------------------------------------

@pytest.fixture(scope="module")
def example():
    return run_gate(load_festival(ROUNDS))


def test_the_planted_tie_at_the_cut_is_flagged_and_documented(example):
    planted = {a["kind"]: a for a in json.loads((ROUNDS / "planted.json").read_text(encoding="utf-8"))["anomalies"]}
    tie = example.flags[example.flags["check"] == "cut_tie"]
    assert tie[["lane", "round", "severity"]].values.tolist() == [["piano", "stage1", "warning"]] == [
        [planted["cut_tie"]["lane"], planted["cut_tie"]["round"], planted["cut_tie"]["severity"]]]
    stage1 = example.after["rankings"][example.after["rankings"]["round"] == "stage1"]
    assert (stage1["advances"] == "yes").sum() == 13  # advance 12, two tied twelfth
    assert example.after.missing_scores.empty  # JR05's abstentions are declared conflicts


def test_the_example_has_each_rounds_rankings_entry_scores_and_correlations(example):
    rankings = example.after["rankings"]
    assert rankings.groupby("round", sort=False).size().to_dict() == {"stage1": 30, "stage2": 13, "final": 6}
    scores = example.after["entry_scores"]
    assert set(scores["round"]) == {"stage1", "stage2", "final"} and set(scores["criterion"]) == {"overall"}
    final = rankings[rankings["round"] == "final"].set_index("entry_id")
    mine = scores[scores["round"] == "final"].set_index("entry_id")["score"]
    assert (final["round_score"] == mine.reindex(final.index)).all()  # one criterion: the round score is its panel score
    correlations = example.after["round_correlations"]
    assert correlations[["round_from", "round_to"]].values.tolist() == [["stage1", "stage2"], ["stage2", "final"]]
    severity = example.after["juror_severity"]
    assert set(severity["round"]) == {"stage1", "stage2", "final"}  # each juror's severity round by round


def test_the_official_result_is_computed_once_per_run_and_every_table_reads_it(monkeypatch):
    from analytics.rules import rounds
    from analytics.checks.registry import run_checks

    festival = with_stages(load_festival(ROUNDS))  # the rules decide who took part in each round, before the run
    as_sat = []  # the official rule applied to the panel as it sat (one jury, every juror once)
    real = rounds.panel_results

    def counting(panel, juries, *args, **kwargs):
        if len(juries) == 1 and np.all(juries == 1):
            as_sat.append(len(panel.entries))
        return real(panel, juries, *args, **kwargs)

    monkeypatch.setattr(rounds, "panel_results", counting)
    result = run_checks(festival)
    assert as_sat == [30, 13, 6]  # one lane: each round's official result once, for the entries that took part
    ranked = result["rankings"].set_index(["round", "entry_id"])
    scores = result["entry_scores"].set_index(["round", "entry_id"])["score"]
    # one criterion: each round's panel score is the entry's round score, in rankings.csv and entry_scores.csv
    np.testing.assert_array_equal(ranked["round_score"], scores.reindex(ranked.index))
    stage1 = ranked.xs("stage1")["score"]
    np.testing.assert_array_equal(result.shared.entry_scores.set_index("entry_id")["score"].reindex(stage1.index),
                                  stage1)


@pytest.mark.slow
def test_jury_report_on_the_rounds_example(tmp_path):
    out = tmp_path / "report"
    result = subprocess.run([sys.executable, "-m", "analytics", "report", str(ROUNDS), "--out", str(out), "--draft",
                             "--no-pdf"], capture_output=True, text=True, cwd=REPO, timeout=900)
    assert result.returncode == 0, result.stderr[-2000:]
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "First stage: 13 of 30 went on (advance 12)" in page and "Went on in resampled juries" in page
    assert "round First stage" in result.stdout and math.isfinite(1.0)
    assert (out / "public" / "rankings.csv").is_file()


def test_ranks_are_pandas_minimum_ranks_with_the_unscored_last():
    """The rows' competition ranks by one numpy sort per row: pandas' ``rank(method="min")`` of the
    results with a missing result as minus infinity (the rule before), on rows with ties and gaps."""
    import numpy as np
    import pandas as pd

    from analytics.rules.rounds import ranks

    rng = np.random.default_rng(11)
    for _ in range(300):
        values = rng.integers(0, rng.integers(1, 8), size=(rng.integers(1, 20), rng.integers(1, 40))).astype(float)
        values[rng.random(values.shape) < rng.random() * 0.5] = np.nan
        expected = pd.DataFrame(np.where(np.isnan(values), -np.inf, values)).rank(axis=1, ascending=False, method="min")
        np.testing.assert_array_equal(ranks(values), expected.to_numpy())
    assert ranks(np.array([3.0, np.nan, 5.0])).tolist() == [2.0, 3.0, 1.0]  # one row as a vector


def test_ranks_counted_equal_the_sorted_ranks():
    """Results with few distinct values are ranked by counting (no sort); the ranks are pandas'
    minimum ranks all the same, on rows with ties, gaps, missing results, negative, wide and
    continuous values (which fall back to the sort)."""
    import numpy as np
    import pandas as pd

    from analytics.rules.official import round_half_up
    from analytics.rules.rounds import _counted_ranks, ranks

    rng = np.random.default_rng(12)
    counted = 0
    for _ in range(200):
        shape = (int(rng.integers(50, 400)), int(rng.integers(20, 200)))
        decimals = rng.choice([0, 1, 2, 3, None])
        values = round_half_up(rng.normal(rng.normal(0, 50), rng.choice([0.01, 1, 10, 300]), size=shape), decimals)
        values[rng.random(shape) < rng.random() * 0.5] = np.nan
        if rng.random() < 0.1:
            values[:] = np.nan
        expected = pd.DataFrame(np.where(np.isnan(values), -np.inf, values)).rank(axis=1, ascending=False, method="min")
        np.testing.assert_array_equal(ranks(values), expected.to_numpy())
        counted += _counted_ranks(values) is not None
    assert 30 < counted < 190  # both ways were tried
    signed = np.tile([[0.0, -0.0, 1.0, np.nan]], (5000, 1))
    assert ranks(signed)[0].tolist() == [2.0, 2.0, 1.0, 4.0]  # minus zero ties with zero, as in the sort
