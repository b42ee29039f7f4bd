"""The synthetic festivals: byte-for-byte reproducible, realistic, and carrying exactly the planted anomalies."""

from __future__ import annotations

import json
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

from analytics import load_festival
from analytics.synthetic.demo import (
    DIMENSION_WEIGHTS,
    DIMENSIONS,
    RESOLUTIONS,
    conference_tables,
    write_conference,
    write_demo,
)

from .conftest import DEMO


@pytest.fixture(scope="module")
def demo():
    return load_festival(DEMO)


@pytest.fixture(scope="module")
def planted():
    return {a["kind"]: a for a in json.loads((DEMO / "planted.json").read_text(encoding="utf-8"))["anomalies"]}


def test_committed_demo_is_exactly_what_the_generator_writes(tmp_path):
    fresh = write_demo(tmp_path / "demo", seed=2026)
    committed = sorted(p.name for p in DEMO.iterdir())
    assert sorted(p.name for p in fresh.iterdir()) == committed
    for name in committed:
        assert (fresh / name).read_bytes() == (DEMO / name).read_bytes(), name


def test_another_seed_gives_another_festival(tmp_path):
    other = write_demo(tmp_path / "other", seed=7)
    assert (other / "scores.csv").read_bytes() != (DEMO / "scores.csv").read_bytes()
    assert load_festival(other).scores.shape[0] > 2000


def test_labelled_synthetic(demo):
    assert demo.config.synthetic
    assert "SYNTHETIC" in (DEMO / "README.md").read_text(encoding="utf-8")
    assert json.loads((DEMO / "planted.json").read_text(encoding="utf-8"))["synthetic"] is True


def test_shape_of_the_demo(demo):
    lanes = demo.entries["category"].value_counts()
    assert len(demo.entries) == 60 and lanes["generative_cinema"] == 25 and len(lanes) == 4
    gc_panel = demo.jurors[(demo.jurors["panel"] == "generative_cinema") & ~demo.is_verifier]
    assert len(gc_panel) == 9 and set(gc_panel["faction"]) == {"art", "technology", "ethics", "community"}
    assert demo.jurors.loc[demo.is_verifier, "juror_id"].tolist() == ["VF01", "VF02", "VF03"]  # they assess, never score
    assert not demo.scores["juror_id"].isin(["VF01", "VF02", "VF03"]).any()
    titles = demo.entries["title"]
    assert titles.str.contains(r"[\u4e00-\u9fff]").sum() >= 15 and titles.str.contains(r"^[A-Z]").sum() >= 15
    assert demo.entries["tools"].str.contains("Veo 3|runway gen-4|in-house").any()


def official(demo) -> pd.Series:
    """Weighted criteria per juror, then the mean over jurors, as exact fractions."""
    weights = {c: Fraction(w).limit_denominator(100) for c, w in demo.config.criterion_weights().items()}
    s = demo.scores
    per_juror = {}
    for (entry, _juror), group in s.groupby(["entry_id", "juror_id"]):
        per_juror.setdefault(entry, []).append(sum(weights[c] * Fraction(int(v)) for c, v in zip(group["criterion"], group["score"])))
    return pd.Series({e: sum(v) / len(v) for e, v in per_juror.items()})


def test_planted_anomalies_are_in_the_data(demo, planted):
    s = demo.scores
    gc = s[s["lane"] == "generative_cinema"]
    by_juror = gc.groupby("juror_id")["score"]
    # lenient juror: the highest mean of the panel, more than a point above the panel's median juror
    assert by_juror.mean().idxmax() == planted["lenient_juror"]["juror_id"] == "JR04"
    assert by_juror.mean()["JR04"] - by_juror.mean().median() > 1.0
    # straight-liner: far below the straight-lining bar of festival.toml
    assert by_juror.std()["JR07"] < demo.config.checks.straightline_max_sd < by_juror.std().drop("JR07").min()
    # counted conflict: declared and scored
    assert ((s["juror_id"] == "JR02") & (s["entry_id"] == "GC-11")).sum() == 6
    assert {("JR02", "GC-11")} <= set(zip(demo.conflicts["juror_id"], demo.conflicts["entry_id"]))
    # missing score
    assert ((s["juror_id"] == "JR06") & (s["entry_id"] == "GC-17")).sum() == 5
    entries = demo.entries.set_index("entry_id")
    assert entries.loc["GC-21", "ai_share"] < 51
    blend = entries[[f"share_{d}" for d in DIMENSIONS]].to_numpy() @ DIMENSION_WEIGHTS
    gap = pd.Series(np.abs(entries["ai_share"].to_numpy() - blend), index=entries.index)
    assert gap["GC-08"] > demo.config.participation.disclosure_tolerance
    assert 51 <= entries.loc["GC-14", "ai_share"] <= 51 + demo.config.participation.near_threshold_margin


def test_near_tie_is_one_ninetieth_of_a_point(demo, planted):
    scores = official(demo)
    gc = scores[scores.index.str.startswith("GC")].sort_values(ascending=False)
    assert list(gc.index[:2]) == ["GC-06", "GC-19"] and planted["near_tie"]["entry_id"] == "GC-06"
    assert gc.iloc[0] - gc.iloc[1] == Fraction(1, 90)
    assert gc.iloc[1] - gc.iloc[2] > Fraction(1, 2)  # third place is clearly behind


def test_nothing_else_is_anomalous(demo, planted):
    entries = demo.entries.set_index("entry_id")
    planted_entries = {"GC-21", "GC-08", "GC-14", "GC-16"}
    others = entries.drop(index=list(planted_entries))
    gc = others[others["category"] == "generative_cinema"]
    assert gc["ai_share"].min() > 51 + demo.config.participation.near_threshold_margin
    blend = others[[f"share_{d}" for d in DIMENSIONS]].to_numpy() @ DIMENSION_WEIGHTS
    assert np.abs(others["ai_share"].to_numpy() - blend).max() < demo.config.participation.disclosure_tolerance
    assert set(entries["resolution"]) <= set(RESOLUTIONS)
    assert entries["runtime_min"].min() > 5 and not entries["runtime_min"].isin([5.0, 30.0]).any()
    assert entries[[c for c in entries if c.startswith("appendix_")] + ["authorship_proof"]].all().all()
    # every other lane has a clear winner
    scores = official(demo)
    for prefix in ("IN", "PS", "DB"):
        lane = scores[scores.index.str.startswith(prefix)].sort_values(ascending=False)
        assert lane.iloc[0] - lane.iloc[1] > 1
    assert set(planted) == {"lenient_juror", "straight_liner", "counted_conflict", "missing_score", "below_band",
                            "inconsistent_disclosure", "near_threshold", "near_tie", "low_agreement", "harsh_juror",
                            "affiliation_bias", "ai_share_assessed_below", "ai_share_uncertain", "assessor_lean"}
    assert {a["severity"] for a in planted.values()} == {"blocker", "warning", "info"}


def test_conference_scale_structure():
    tables = conference_tables(seed=1, n_entries=400, n_jurors=100, jurors_per_entry=4)
    assignments = tables["assignments"]
    per_entry = assignments.groupby("entry_id")["juror_id"].nunique()
    assert (per_entry == 4).all() and len(per_entry) == 400
    lane_of_entry = tables["entries"].set_index("entry_id")["category"]
    panel = tables["jurors"].set_index("juror_id")["panel"]
    assert (assignments["entry_id"].map(lane_of_entry) == assignments["juror_id"].map(panel)).all()
    load = assignments.groupby("juror_id").size()
    assert load.max() - load.min() <= 4  # balanced within each lane
    from analytics.stats.additive import fit_additive
    codes_u, _ = pd.factorize(assignments["entry_id"])
    codes_r, _ = pd.factorize(assignments["juror_id"])
    fit = fit_additive(codes_u, codes_r, np.zeros(len(codes_u)), codes_u.max() + 1, codes_r.max() + 1)
    assert fit.n_components == 4  # one connected design per lane: juror severities comparable
    assert len(tables["scores"]) == 400 * 4 * 6


def test_conference_folder_loads(tmp_path):
    folder = write_conference(tmp_path / "conf", seed=3, n_entries=200, n_jurors=40)
    festival = load_festival(folder)
    assert festival.assignments_declared and len(festival.scores) == 200 * 4 * 6
    assert festival.name == "Conference-scale festival (synthetic)"
