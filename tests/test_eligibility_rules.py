"""Eligibility rules on small fixtures, at their boundaries, and on the demo's planted anomalies."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics import load_festival
from analytics.checks.eligibility import blend, eligibility_flags, eligibility_table

from .conftest import DEMO, replace

GC1 = "GC-1,霓虹之夢,generative_cinema,12.5,72,70,75,80,65,70,60,Sora;Veo 3,3840x2160,yes,yes,yes,yes,yes,yes,Hong Kong"


def set_gc1(mini, **cells) -> None:
    """Rewrite entry GC-1 of the mini festival with some cells changed (by column name)."""
    header = (mini / "entries.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    values = dict(zip(header, GC1.split(",")))
    values.update({k: str(v) for k, v in cells.items()})
    replace(mini / "entries.csv", GC1, ",".join(values[h] for h in header))


def gc1(mini) -> tuple[pd.Series, dict]:
    festival = load_festival(mini)
    table = eligibility_table(festival)
    flags = {f.check: f for f in eligibility_flags(festival, table) if f.entry_id == "GC-1"}
    return table.set_index("entry_id").loc["GC-1"], flags


def test_a_clean_entry_has_nothing_but_information(mini):
    row, flags = gc1(mini)
    assert row["eligible"] and row["band"] == "above_typical" and row["master"] == "preferred"
    assert set(flags) == {"ai_share_above_typical"}


@pytest.mark.parametrize("share, band, check, severity", [
    (51.0, "in_band", "ai_share_near_threshold", "info"),  # the minimum itself qualifies
    (50.99, "below_minimum", "ai_share_below_band", "blocker"),
    (70.0, "in_band", None, None),
    (70.01, "above_typical", "ai_share_above_typical", "info"),
    (53.99, "in_band", "ai_share_near_threshold", "info"),  # within the 3-point margin
    (54.0, "in_band", None, None),
])
def test_ai_share_band_boundaries(mini, share, band, check, severity):
    set_gc1(mini, ai_share=share, share_writing=share, share_direction=share, share_generation=share,
            share_editing=share, share_sound=share, share_finishing=share)
    row, flags = gc1(mini)
    assert row["band"] == band
    assert set(flags) == ({check} if check else set())
    if check:
        assert flags[check].severity == severity
        assert flags[check].flag_id == f"{check}:generative_cinema:GC-1"


def test_undeclared_ai_share_in_a_banded_lane_is_a_blocker(mini):
    set_gc1(mini, ai_share="")
    row, flags = gc1(mini)
    assert row["band"] == "not_declared" and flags["ai_share_missing"].severity == "blocker"


@pytest.mark.parametrize("declared, gap_flag", [(80.1, False), (80.2, True), (60.2, False), (60.0, True)])
def test_disclosure_tolerance_boundary(mini, declared, gap_flag):
    # dimension shares all 70.1 -> blend 70.1; tolerance 10 points (the default)
    dims = {f"share_{d}": 70.1 for d in ("writing", "direction", "generation", "editing", "sound", "finishing")}
    set_gc1(mini, ai_share=declared, **dims)
    row, flags = gc1(mini)
    assert row["blend"] == pytest.approx(70.1)
    assert ("disclosure_inconsistent" in flags) is gap_flag
    if gap_flag:
        assert flags["disclosure_inconsistent"].severity == "warning"


def test_missing_dimension_is_reported_not_imputed(mini):
    set_gc1(mini, share_sound="")
    row, flags = gc1(mini)
    assert np.isnan(row["blend"]) and row["disclosure"] == "incomplete" and row["missing_dimensions"] == "sound"
    assert flags["dimension_share_missing"].severity == "warning" and "sound" in flags["dimension_share_missing"].message


@pytest.mark.parametrize("runtime, klass, flagged", [
    (30.0, "short", None), (30.01, "feature", None), (5.0, "short", None), (4.99, "too_short", "blocker"), ("", "unknown", "warning")])
def test_runtime_class_boundaries(mini, runtime, klass, flagged):
    set_gc1(mini, runtime_min=runtime)
    row, flags = gc1(mini)
    assert row["runtime_class"] == klass
    found = flags.get("runtime_too_short") or flags.get("runtime_missing")
    assert (found.severity if found else None) == flagged


def test_a_lane_may_admit_entries_under_five_minutes(mini):
    replace(mini / "festival.toml", 'ai_share_typical_max = 70', 'ai_share_typical_max = 70\nallow_under_short = true')
    set_gc1(mini, runtime_min=3)
    _, flags = gc1(mini)
    assert flags["runtime_too_short"].severity == "info"


@pytest.mark.parametrize("spelling, lines, master", [
    ("3840x2160", 2160, "preferred"), ("3840 × 2160", 2160, "preferred"), ("4K", 2160, "preferred"),
    ("UHD", 2160, "preferred"), ("2160p", 2160, "preferred"), ("1080p", 1080, "below_preferred"),
    ("1920x1080", 1080, "below_preferred"), ("2K", 1080, "below_preferred"), ("1280x720", 720, "below_minimum"),
    ("720p", 720, "below_minimum"), ("very sharp", None, "unreadable"), ("", None, "not_declared")])
def test_master_resolution_spellings(mini, spelling, lines, master):
    set_gc1(mini, resolution=spelling)
    row, flags = gc1(mini)
    assert row["master"] == master
    assert (None if pd.isna(row["resolution_lines"]) else row["resolution_lines"]) == lines
    expected = {"below_minimum": ("master_below_minimum", "blocker"), "below_preferred": ("master_below_preferred", "info"),
                "unreadable": ("resolution_unreadable", "warning"), "not_declared": ("resolution_missing", "warning")}
    if master in expected:
        check, severity = expected[master]
        assert flags[check].severity == severity


def test_appendix_authorship_and_audio(mini):
    set_gc1(mini, appendix_seeds="no", appendix_checkpoints="", authorship_proof="no", lossless_audio="no")
    row, flags = gc1(mini)
    assert row["appendix_missing"] == "seeds;checkpoints"
    assert flags["appendix_incomplete"].severity == "warning"
    assert flags["authorship_proof_missing"].severity == "blocker"  # required by default
    assert flags["lossless_audio_missing"].severity == "info"  # preferred by default
    assert not row["eligible"] and row["n_blockers"] == 1


def test_lanes_out_of_competition_have_no_blockers(mini):
    replace(mini / "festival.toml", 'ai_share_typical_max = 70', 'ai_share_typical_max = 70\nin_competition = false')
    set_gc1(mini, ai_share=40)
    _, flags = gc1(mini)
    assert flags["ai_share_below_band"].severity == "warning"


@settings(max_examples=60, deadline=None, derandomize=True)
@given(st.lists(st.floats(0.01, 10), min_size=2, max_size=8).flatmap(
    lambda w: st.tuples(st.just(w), st.lists(st.floats(0, 100), min_size=len(w), max_size=len(w)))))
def test_blend_is_a_weighted_mean_within_the_dimensions(case):
    raw, shares = case
    weights = {f"d{i}": w / sum(raw) for i, w in enumerate(raw)}  # weights that sum to 1
    frame = pd.DataFrame({f"share_d{i}": [s] for i, s in enumerate(shares)})
    value = blend(frame, weights).item()
    assert min(shares) - 1e-9 <= value <= max(shares) + 1e-9
    assert 0 - 1e-9 <= value <= 100 + 1e-9


def test_demo_planted_eligibility_anomalies_and_nothing_else_blocks():
    festival = load_festival(DEMO)
    planted = {a["kind"]: a for a in json.loads((DEMO / "planted.json").read_text(encoding="utf-8"))["anomalies"]}
    flags = eligibility_flags(festival)
    found = {(f.check, f.entry_id): f.severity for f in flags}
    assert found[("ai_share_below_band", planted["below_band"]["entry_id"])] == planted["below_band"]["severity"]
    assert found[("disclosure_inconsistent", planted["inconsistent_disclosure"]["entry_id"])] == "warning"
    assert found[("ai_share_near_threshold", planted["near_threshold"]["entry_id"])] == "info"
    assert [k for k, s in found.items() if s == "blocker"] == [("ai_share_below_band", "GC-21")]
    assert [k for k, s in found.items() if s == "warning"] == [("disclosure_inconsistent", "GC-08")]
