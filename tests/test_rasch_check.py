"""The Rasch check family (analytics.checks.rasch, design section 16): its configuration, tables and flags.

The separation statistics are checked against FACETS 4.5.0's printed Table 7 summary for
``2026Raterbias10.txt`` (github.com/ZGY6/mfrmapp @ 7e07302, ``2026Raterbias10.out.txt``, "Model, Populn"
lines), within tolerances that allow for FACETS having stopped before converging (its printed measures
differ from the converged JMLE by up to 0.02 logits for raters, 0.04 for students and 0.057 for items).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analytics import load_festival
from analytics.base.problems import FestivalDataError
from analytics.checks.rasch import (
    MISFIT_RANGE,
    UNEXPECTED_Z,
    rasch_companions,
    unexpected_bound,
)
from analytics.checks.registry import run_checks
from analytics.stats.rasch import fit_rasch, separation

from .conftest import REPO
from .test_rasch import RATERBIAS_FACETS, raterbias

#: FACETS' Table 7 "Model, Populn" summary: RMSE, adjusted (true) S.D., separation, reliability; fixed chi-square, df
FACETS_SUMMARY = {"rater": (0.10, 0.15, 1.62, 0.72, 29.3, 7), "ratee": (0.07, 0.67, 9.89, 0.99, 399.2, 3),
                  "item": (0.07, 1.07, 15.47, 1.00, 823.8, 3)}


def _folder(tmp_path: Path, source: str = "data/demo", rasch: str = "[rasch]\n") -> Path:
    folder = tmp_path / "festival"
    shutil.copytree(REPO / source, folder)
    toml = folder / "festival.toml"
    text = toml.read_text(encoding="utf-8")
    text = re.sub(r"(?ms)^\[rasch\]\n.*?(?=^\[|\Z)", "", text)  # the demo's own [rasch], replaced by ``rasch``
    toml.write_text(text + "\n" + rasch, encoding="utf-8")
    return folder


def test_separation_as_facets_summarises_each_facet():
    fit = fit_rasch(raterbias(), RATERBIAS_FACETS)
    for facet, (rmse, true_sd, sep, reliability, chi2, df) in FACETS_SUMMARY.items():
        m = fit.measures[facet]
        got = separation(m["measure"].to_numpy(), m["se"].to_numpy())
        assert got["rmse"] == pytest.approx(rmse, abs=0.006)
        assert got["true_sd"] == pytest.approx(true_sd, abs=0.05)  # items: FACETS' spread is 0.04 short of converged
        assert got["separation"] == pytest.approx(sep, rel=0.05)
        assert got["reliability"] == pytest.approx(reliability, abs=0.02)
        assert got["chi_square"] == pytest.approx(chi2, rel=0.05) and got["df"] == df


def test_a_scale_that_is_not_made_of_categories_is_refused_with_the_additive_severity_suggested(tmp_path):
    folder = _folder(tmp_path)
    toml = folder / "festival.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("[scale]\nmin = 1\nmax = 10\nstep = 1",
                                                              "[scale]\nmin = 0\nmax = 100\nstep = 0.01"), encoding="utf-8")
    with pytest.raises(FestivalDataError) as error:
        load_festival(folder)
    text = str(error.value)
    assert "key rasch" in text and "10,001 possible scores" in text and "additive model" in text


def test_a_facet_column_that_does_not_exist_is_named(tmp_path):
    folder = _folder(tmp_path, rasch='[rasch]\nfacets = ["country", "school"]\n')
    with pytest.raises(FestivalDataError) as error:
        load_festival(folder)
    problems = error.value.to_frame()
    assert list(problems["value"]) == ["school"]  # country is a column of jurors.csv and entries.csv
    assert "rasch.facets" in str(error.value)


def test_floating_must_be_a_facet_of_the_model(tmp_path):
    with pytest.raises(FestivalDataError, match="expected one of the model's facets"):
        load_festival(_folder(tmp_path, rasch='[rasch]\nfloating = "school"\n'))


@pytest.fixture(scope="module")
def demo_result():
    return run_checks(load_festival(REPO / "data/demo"))


def test_the_demo_has_every_element_on_one_ruler_per_lane(demo_result):
    festival = demo_result.festival
    table = demo_result["rasch"]
    for lane in festival.config.lane_ids:
        mine = table[table["lane"] == lane]
        scores = festival.scores[festival.scores["lane"] == lane]
        assert set(mine.loc[mine["facet"] == "entry", "element"]) == set(scores["entry_id"])
        assert set(mine.loc[mine["facet"] == "juror", "element"]) == set(scores["juror_id"])
        assert set(mine.loc[mine["facet"] == "criterion", "element"]) == set(scores["criterion"])
        # FACETS' identification: jurors and criteria centred on 0, the entries float
        for facet in ("juror", "criterion"):
            assert mine.loc[mine["facet"] == facet, "measure"].sum() == pytest.approx(0, abs=1e-8)
        assert (mine["subset"] == 1).all()
    # a juror who scores more harshly in points is more severe in logits
    severity = demo_result["juror_severity"]
    total = severity[(severity["scope"] == "weighted_total") & (severity["lane"] == "generative_cinema")]
    points = total.set_index("juror_id")["severity"]
    logits = table[(table["facet"] == "juror") & (table["lane"] == "generative_cinema")].set_index("element")["measure"]
    assert np.corrcoef(points[logits.index], logits)[0, 1] < -0.9  # points: + lenient; logits: + severe


def test_the_demo_tables_and_flags(demo_result):
    companions = demo_result.companions("rasch")
    assert set(companions) == {"rasch_thresholds", "rasch_unexpected", "rasch_separation", "rasch_interactions"}
    assert (companions["rasch_unexpected"]["z"].abs() >= UNEXPECTED_Z).all()
    thresholds = companions["rasch_thresholds"]
    assert thresholds.groupby("lane")["threshold"].sum().abs().max() < 1e-8
    flags = demo_result.flags
    misfit = flags[flags["check"] == "rasch_misfit"]
    # the planted juror who gives every entry nearly the same score goes against the entries' standing
    assert "JR07" in set(misfit["juror_id"])
    table = demo_result["rasch"]
    for row in misfit.itertuples():
        juror = table[(table["facet"] == "juror") & (table["element"] == row.juror_id) & (table["lane"] == row.lane)].iloc[0]
        assert not MISFIT_RANGE[0] <= juror["infit"] <= MISFIT_RANGE[1] or not MISFIT_RANGE[0] <= juror["outfit"] <= MISFIT_RANGE[1]


def _simulated(seed: int, *, bias: float = 0.0, jurors: int = 8, entries: int = 60, criteria: int = 3,
               narrow: bool = False) -> pd.DataFrame:
    """Ratings 0-8 simulated from a rating scale model; juror J0 is ``bias`` logits harsher on criterion c0."""
    rng = np.random.default_rng(seed)
    merit = rng.normal(0, 0.6 if narrow else 1.5, entries)
    severity = rng.normal(0, 0.4, jurors)
    tau = np.linspace(-2, 2, 8) if not narrow else np.linspace(-4, 4, 8) / 3
    rows = []
    for j in range(jurors):
        for e in range(entries):
            for c in range(criteria):
                eta = merit[e] - severity[j] - (bias if (j == 0 and c == 0) else 0.0)
                logits = np.concatenate([[0], np.cumsum(eta - tau)])
                p = np.exp(logits - logits.max())
                rows.append((f"E{e:03d}", f"J{j}", f"c{c}", int(rng.choice(9, p=p / p.sum()))))
    return pd.DataFrame(rows, columns=["entry_id", "juror_id", "criterion", "score"])


def test_the_bias_analysis_finds_a_juror_harsh_on_one_criterion(tmp_path):
    from analytics.checks.rasch import LaneRasch
    from analytics.checks.shared import Shared

    data = _simulated(3, bias=1.5)
    shared = Shared(load_festival(_write(tmp_path, data)))
    fit = LaneRasch(shared, "lane_a", "")
    interactions = fit.interactions((), shared.festival)
    cell = interactions.set_index(["juror_id", "with"])
    assert cell.loc[("J0", "c0"), "t"] > 4 and cell.loc[("J0", "c0"), "bias"] == pytest.approx(1.5 * 2 / 3, abs=0.35)
    assert (cell.drop(index=("J0", "c0"))["t"].abs() < 4).all()


def _write(tmp_path: Path, data: pd.DataFrame, *, scale_max: int = 8) -> Path:
    """A one-lane festival folder of ``data`` (0-8 scale), with [rasch]."""
    folder = tmp_path / "sim"
    folder.mkdir(exist_ok=True)
    criteria = sorted(data["criterion"].unique())
    toml = ["[festival]", 'name = "Simulated (synthetic)"', "synthetic = true", "[scale]", "min = 0",
            f"max = {scale_max}", "step = 1", *[line for c in criteria for line in ("[[criteria]]", f'id = "{c}"',
                                                                                     f'label = "{c}"')],
            "[[lanes]]", 'id = "lane_a"', 'name = "Lane A"', "[rasch]"]
    (folder / "festival.toml").write_text("\n".join(toml) + "\n", encoding="utf-8")
    entries = sorted(data["entry_id"].unique())
    pd.DataFrame({"entry_id": entries, "title": entries, "category": "lane_a"}).to_csv(folder / "entries.csv", index=False)
    jurors = sorted(data["juror_id"].unique())
    pd.DataFrame({"juror_id": jurors, "name": jurors, "panel": "lane_a"}).to_csv(folder / "jurors.csv", index=False)
    data.to_csv(folder / "scores.csv", index=False)
    return folder


@pytest.mark.parametrize("narrow", [False, True])
def test_honest_panels_raise_no_flag_wholesale(tmp_path, narrow):
    """Ratings that follow the model raise at most a stray flag: with marks spread over the scale, and with
    marks that cluster within a few categories (a sport's narrow marks)."""
    data = _simulated(11, narrow=narrow, jurors=10, entries=120, criteria=4)
    result = run_checks(load_festival(_write(tmp_path, data)))
    flags = result.flags
    assert (flags["check"] == "rasch_misfit").sum() <= 1
    assert (flags["check"] == "unexpected_rating").sum() <= 2  # a 5% family-wise rate per lane
    jurors = result["rasch"][result["rasch"]["facet"] == "juror"]
    assert jurors["infit"].between(0.7, 1.3).all() and jurors["outfit"].between(0.7, 1.3).all()


def test_two_panels_that_share_nothing_are_named_as_subsets(tmp_path):
    a = _simulated(5, jurors=4, entries=20, criteria=2)
    b = _simulated(6, jurors=4, entries=20, criteria=2).assign(
        entry_id=lambda d: "F" + d["entry_id"].str[1:], juror_id=lambda d: "K" + d["juror_id"].str[1:])
    result = run_checks(load_festival(_write(tmp_path, pd.concat([a, b]))))
    table = result["rasch"]
    jurors = table[table["facet"] == "juror"].set_index("element")["subset"]
    assert set(jurors[jurors.index.str.startswith("J")]) != set(jurors[jurors.index.str.startswith("K")])
    assert sorted(set(jurors)) == [1, 2]
    subsets = result.flags[result.flags["check"] == "rasch_subsets"]
    assert len(subsets) == 1 and "2 subsets" in subsets.iloc[0]["message"]


def test_an_extra_facet_and_mml_estimation(tmp_path):
    data = _simulated(8, jurors=6, entries=40, criteria=2)
    folder = _write(tmp_path, data)
    entries = pd.read_csv(folder / "entries.csv")
    entries["group"] = np.where(np.arange(len(entries)) % 2 == 0, "odd", "even")
    entries.to_csv(folder / "entries.csv", index=False)
    toml = folder / "festival.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("[rasch]", '[rasch]\nfacets = ["group"]'), encoding="utf-8")
    table = run_checks(load_festival(folder))["rasch"]
    assert set(table.loc[table["facet"] == "group", "element"]) == {"odd", "even"}
    toml.write_text(toml.read_text(encoding="utf-8").replace('facets = ["group"]', 'estimation = "mml"'), encoding="utf-8")
    mml = run_checks(load_festival(folder))["rasch"]
    jmle_jurors = table[table["facet"] == "juror"].set_index("element")["measure"]
    mml_jurors = mml[mml["facet"] == "juror"].set_index("element")["measure"]
    # the two estimators agree on the jurors' order and roughly on their spacing (JMLE spreads a little wider)
    assert np.corrcoef(jmle_jurors[mml_jurors.index], mml_jurors)[0, 1] > 0.98
    assert mml["fair_average"].notna().all()


def test_the_unexpected_bound_holds_its_rate():
    assert unexpected_bound(10) == UNEXPECTED_Z
    assert unexpected_bound(2_000) == pytest.approx(4.2148, abs=1e-4)  # Φ⁻¹(1 - 0.05 / 4000)


def test_a_festival_without_rasch_has_no_rasch_table(tmp_path):
    folder = _folder(tmp_path, rasch="")
    result = run_checks(load_festival(folder))
    assert "rasch" not in result.tables and result.companions("rasch") == {}
    assert not result.flags["check"].isin(["rasch_misfit", "unexpected_rating", "rasch_subsets"]).any()


def test_with_performances_each_judgement_is_an_entry_element(tmp_path):
    folder = _folder(tmp_path, "data/examples/diving")
    result = run_checks(load_festival(folder))
    table = result["rasch"]
    entries = table[(table["facet"] == "entry") & (table["round"] == "preliminary")]["element"]
    assert entries.str.contains(" · ").all() and len(entries) > 200
    flags = result.flags
    # the two rotating panels judge different dives: FACETS' subsets, per round
    assert set(flags.loc[flags["check"] == "rasch_subsets", "round"]) == {"preliminary", "semifinal", "final"}
    # the home-country judge's marks go against the dives' standing
    assert set(flags.loc[flags["check"] == "rasch_misfit", "juror_id"]) == {"JD10"}
    assert (flags["check"] == "unexpected_rating").sum() < 0.01 * len(result.festival.scores)


def test_a_category_nobody_used_is_listed_without_a_threshold(tmp_path):
    """FACETS' "Ordinal": the categories are the observed ones renumbered; a skipped score (no 4 on 0-8) has no
    threshold, the step into 5 spans it, and the table says so."""
    data = _simulated(4, jurors=6, entries=50, criteria=2)
    data.loc[data["score"] == 4, "score"] = 5
    companions = rasch_companions(run_checks(load_festival(_write(tmp_path, data))).shared)
    thresholds = companions["rasch_thresholds"].set_index("category")
    assert not thresholds.loc[4.0, "observed"] and np.isnan(thresholds.loc[4.0, "threshold"])
    assert thresholds.loc[4.0, "n"] == 0 and thresholds["observed"].sum() == len(thresholds) - 1
    assert thresholds["threshold"].sum() == pytest.approx(0, abs=1e-8)  # the observed thresholds still sum to 0


def test_one_score_per_reviewer_gets_no_model_and_no_flag(tmp_path):
    """A peer-review track where every review is by its own reviewer: a reviewer's severity cannot be told apart
    from the paper's merit, so the lane is not fitted (as the additive severity), rather than flag every reviewer
    (the first version flagged 18,628 of them on the review preset)."""
    from analytics.checks.rasch import ONE_ENTRY_EACH, why_unfitted
    from analytics.present.sections import Report

    rng = np.random.default_rng(2)
    data = pd.DataFrame({"entry_id": np.repeat([f"P{i:03d}" for i in range(60)], 3), "criterion": "c0",
                         "score": rng.integers(0, 9, 180)})
    data["juror_id"] = [f"R{i:03d}" for i in range(180)]
    folder = _write(tmp_path, data)
    result = run_checks(load_festival(folder))
    assert result["rasch"].empty and result.companions("rasch")["rasch_unexpected"].empty
    assert not result.flags["check"].isin(["rasch_misfit", "unexpected_rating", "rasch_subsets"]).any()
    assert why_unfitted(result.festival.scores) == ONE_ENTRY_EACH
    assert "No model for Lane A: each juror judged one entry" in Report.build(folder).rasch().html


def test_a_juror_with_few_ratings_is_not_flagged_for_misfit(tmp_path):
    """A juror who rated two entries on three criteria (6 ratings), at random: too few ratings to judge fit."""
    data = _simulated(12, jurors=8, entries=60, criteria=3)
    rng = np.random.default_rng(1)
    extra = pd.DataFrame({"entry_id": ["E000", "E000", "E000", "E001", "E001", "E001"], "juror_id": "JX",
                          "criterion": ["c0", "c1", "c2"] * 2, "score": rng.integers(0, 9, 6)})
    result = run_checks(load_festival(_write(tmp_path, pd.concat([data, extra]))))
    assert "JX" not in set(result.flags.loc[result.flags["check"] == "rasch_misfit", "juror_id"])
    assert (result["rasch"].set_index("element").loc["JX", "n"] == 6)
