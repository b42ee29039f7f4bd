"""The what-if explorer: views, exclusions, undo, and agreement with the gate's own numbers."""

from __future__ import annotations

import pandas as pd
import pytest

from analytics import load_festival
from analytics.agreement import krippendorff_alpha
from analytics.agreement.panels import scope_ratings
from analytics.explorer import Explorer
from analytics.gate import run_gate
from analytics.rankings import rankings

from .conftest import DEMO


@pytest.fixture(scope="module")
def demo():
    return load_festival(DEMO)


@pytest.fixture
def explorer(demo):
    return Explorer(demo, n_boot=300)


def test_first_view_matches_the_full_rankings(demo, explorer):
    standings = explorer.standings()
    table, _ = rankings(demo, n_boot=300, lanes=["generative_cinema"])
    assert standings["entry_id"].tolist() == table["entry_id"].tolist()
    assert standings.iloc[0]["entry_id"] == "GC-06"


def test_leaving_a_juror_out_changes_what_it_should_and_undo_restores_it(demo, explorer):
    before = explorer.standings()
    explorer.exclude_juror("JR06")
    after = explorer.standings()
    assert after.iloc[0]["entry_id"] == "GC-19"  # GC-06's lead rests on JR06 (the planted near-tie)
    assert "JR06" not in explorer.jurors()
    without = scope_ratings(demo, "generative_cinema", "weighted_total")
    expected = krippendorff_alpha(without[without["juror_id"] != "JR06"]).estimate
    assert explorer.agreement()["alpha"] == pytest.approx(expected, abs=1e-12)
    explorer.undo()
    pd.testing.assert_frame_equal(explorer.standings(), before)


def test_excluding_the_conflicted_scores_clears_that_blocker(explorer):
    assert "conflict_scored:generative_cinema:JR02:GC-11" in set(explorer.blockers()["flag_id"])
    explorer.exclude_score("JR02", "GC-11")
    assert "conflict_scored:generative_cinema:JR02:GC-11" not in set(explorer.blockers()["flag_id"])


def test_the_explorer_gate_agrees_with_the_full_gate(demo, explorer):
    full = run_gate(demo).flags
    lane = full[(full["lane"] == "generative_cinema") & (full["severity"] == "blocker")]
    assert set(explorer.blockers()["flag_id"]) == set(lane["flag_id"])


def test_views_criterion_and_method(explorer):
    explorer.set_view(scope="ethics", method="median")
    standings = explorer.standings()
    ethics = scope_ratings(explorer.festival, "generative_cinema", "ethics")
    medians = ethics.groupby("entry_id")["score"].median()
    assert standings.set_index("entry_id")["score"].to_dict() == pytest.approx(medians.to_dict())
    with pytest.raises(ValueError, match="method must be one of"):
        explorer.set_view(method="best")
    with pytest.raises(ValueError, match="is not a juror of"):
        explorer.exclude_juror("J99")


def test_exclusions_become_decision_rows_answering_flags(explorer):
    explorer.exclude_juror("JR07")  # flagged as a straight-liner
    explorer.exclude_juror("JR05")  # no flag: cannot be recorded
    explorer.exclude_score("JR02", "GC-11")
    rows = explorer.decision_rows(decided_by="chair")
    assert rows["flag_id"].tolist() == ["juror_out_of_line:generative_cinema:JR07", "",
                                        "conflict_scored:generative_cinema:JR02:GC-11"] or rows["flag_id"].iloc[0].endswith(":JR07")
    assert rows["action"].tolist() == ["exclude_juror", "exclude_juror", "exclude_score"]
    assert rows.loc[1, "note"].startswith("no flag to answer")
