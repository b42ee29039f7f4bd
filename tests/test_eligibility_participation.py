"""Participation analytics: tool usage, tools per film, and whether scores follow AI share or a tool."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analytics import load_festival
from analytics.checks.score_effects import effect_flags, score_effects, tool_usage, tools_per_entry

from .conftest import DEMO


@pytest.fixture(scope="module")
def demo():
    return load_festival(DEMO)


def test_tool_usage_counts_entries_per_tool(demo):
    usage = tool_usage(demo)
    per_entry = tools_per_entry(demo)
    gc = usage[usage["lane"] == "generative_cinema"].set_index("tool")
    assert gc["n_entries"].sum() == per_entry.loc[per_entry["lane"] == "generative_cinema", "n_tools"].sum()
    assert (usage["share_of_lane"] <= 1).all() and per_entry["n_tools"].between(1, 4).all()


def test_no_score_effect_is_flagged_on_the_demo(demo):
    effects = score_effects(demo)
    assert effect_flags(demo, effects) == []
    assert set(effects["effect"]) == {"spearman_rho", "mean_difference"}
    assert effects["p_value"].between(0, 1).all()


def test_effects_are_reproducible_from_the_seed(demo):
    pd.testing.assert_frame_equal(score_effects(demo, n_resamples=300), score_effects(demo, n_resamples=300))


def test_spearman_estimate_matches_scipy(demo):
    from analytics.checks.shared import Shared

    effects = score_effects(demo, n_resamples=200).set_index(["lane", "factor"])
    scores = Shared(demo).entry_scores.set_index("entry_id")["score"]
    gc = demo.entries[demo.entries["category"] == "generative_cinema"].set_index("entry_id")["ai_share"]
    expected = stats.spearmanr(gc, scores.loc[gc.index]).statistic  # peer: scipy.stats.spearmanr
    assert effects.loc[("generative_cinema", "ai_share"), "estimate"] == pytest.approx(expected, abs=1e-12)


def test_a_planted_tool_effect_is_found(demo, monkeypatch):
    """Films made with Veo get 3 points more from every juror: a warning for the chair."""
    veo = set(demo.entries.loc[demo.entries["tools"].str.contains("veo", case=False, na=False), "entry_id"])
    boosted = demo.scores.copy()
    boosted.loc[boosted["entry_id"].isin(veo), "score"] += 3.0
    festival = type(demo)(**{**demo.__dict__, "scores": boosted})
    effects = score_effects(festival).set_index(["lane", "tool"])
    baseline = score_effects(demo).set_index(["lane", "tool"]).loc[("generative_cinema", "Veo"), "estimate"]
    veo_gc = effects.loc[("generative_cinema", "Veo")]
    assert veo_gc["estimate"] - baseline == pytest.approx(3.0, abs=1e-9)  # every juror total moves by 3
    assert veo_gc["ci_low"] > 0 and veo_gc["p_adjusted"] < 0.05
    flags = [f for f in effect_flags(festival, effects.reset_index()) if f.check == "tool_effect"]
    assert "tool_effect:generative_cinema:Veo" in {f.flag_id for f in flags}
    assert {f.item for f in flags} == {"Veo"}
    assert all(f.severity == "warning" for f in flags)


def test_tool_p_values_are_holm_adjusted_within_each_lane_as_statsmodels(demo):
    from statsmodels.stats.multitest import multipletests  # peer: multipletests(method="holm"), per lane

    tools = score_effects(demo, n_resamples=199, random_state=3).query("factor == 'tool'")
    assert tools["lane"].nunique() >= 2
    for _, family in tools.groupby("lane"):
        np.testing.assert_allclose(family["p_adjusted"], multipletests(family["p_value"], method="holm")[1], rtol=1e-12)
