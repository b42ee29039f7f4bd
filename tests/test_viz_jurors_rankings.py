"""Charts of the jurors, the outlying scores and the standings, on the demo festival.

The expected numbers come from the demo's planted anomalies (``data/demo/planted.json``):
JR04 lenient, JR01 harsh, JR07 a straight-liner, GC-06 and GC-19 a near tie.
"""

from __future__ import annotations

import re

import pytest
import vl_convert as vlc

from analytics.checks import behaviour, severity, disagreement, residuals
from analytics import load_festival
from analytics.present import viz
from analytics.checks.rankings import rankings

from .conftest import DEMO

LANE = "generative_cinema"


@pytest.fixture(scope="module")
def demo():
    return load_festival(DEMO)


@pytest.fixture(scope="module")
def tables(demo):
    standings = rankings(demo, n_boot=200)
    return {"severity": severity.juror_severity(demo), "behaviour": behaviour.juror_behaviour(demo),
            "residuals": residuals.score_residuals(demo), "spread": disagreement.disagreement(demo), "standings": standings}


def _rows(spec: dict, name: str | None = None) -> list[dict]:
    return spec["datasets"][name or spec["data"]["name"]]


def test_severity_chart_puts_the_lenient_juror_on_top_and_the_harsh_one_at_the_bottom(demo, tables):
    chart = viz.juror_severity_chart(tables["severity"], lane=LANE, labels=demo.juror_labels(), checks=demo.config.checks)
    spec = chart.to_dict()
    rows = {r["juror_id"]: r for r in _rows(spec)}
    assert len(rows) == 9 and {r["scope"] for r in rows.values()} == {"weighted_total"}
    order = spec["layer"][0]["encoding"]["y"]["sort"]
    assert order[0].startswith("JR04 · ") and order[-1].startswith("JR01 · ")
    assert rows["JR04"]["reading"] == "more lenient" and rows["JR01"]["reading"] == "harsher"
    assert rows["JR02"]["juror"] == "JR02 · 周曉彤"  # Traditional Chinese names reach the axis
    assert "±1," in spec["title"]  # the flag's bar, severity_max = 1.0 in festival.toml


def test_severity_chart_on_a_criterion_and_bad_arguments(tables):
    spec = viz.juror_severity_chart(tables["severity"], lane=LANE, scope="ethics").to_dict()
    assert {r["scope"] for r in _rows(spec)} == {"ethics"}
    with pytest.raises(ValueError, match=re.escape("the severity table has no rows for lane 'cinema'; its lanes are "
                                                   "'generative_cinema', 'interactive_narrative'")):
        viz.juror_severity_chart(tables["severity"], lane="cinema")
    with pytest.raises(ValueError, match=re.escape("the severity table has no scope 'story' in lane 'generative_cinema'; "
                                                   "its scopes are 'conducting', 'cohesion'")):
        viz.juror_severity_chart(tables["severity"], lane=LANE, scope="story")


def test_behaviour_chart_marks_only_the_straight_liner(demo, tables):
    spec = viz.juror_behaviour_chart(tables["behaviour"], lane=LANE, labels=demo.juror_labels(),
                                     checks=demo.config.checks).to_dict()
    rows = _rows(spec)
    assert len(rows) == 9 * 3 and len(spec["hconcat"]) == 3
    beyond = sorted((r["juror_id"], r["column"]) for r in rows if r["reading"] == "beyond the line")
    assert beyond == [("JR07", "rho_rest"), ("JR07", "sd")]  # straight-lining, and so out of line
    assert "axis" not in spec["hconcat"][0]["layer"][2]["encoding"]["y"]  # juror labels on the first panel only
    assert spec["hconcat"][1]["layer"][2]["encoding"]["y"]["axis"] is None


def test_residual_chart_highlights_exactly_the_scores_beyond_the_cutoff(demo, tables):
    cutoff = demo.config.checks.residual_cutoff
    residuals = tables["residuals"]
    spec = viz.residual_chart(residuals, lane=LANE, labels=demo.juror_labels(), cutoff=cutoff).to_dict()
    rows = _rows(spec)
    lane = residuals[residuals["lane"] == LANE]
    assert len(rows) == len(lane) == 1343
    beyond = [r for r in rows if r["reading"] == "beyond the line"]
    assert len(beyond) == int((lane["z"].abs() > cutoff).sum()) > 0
    assert all(abs(r["z"]) > cutoff for r in beyond)
    jurors = [r["juror_id"] for r in beyond]
    assert jurors.count("JR07") >= len(jurors) - 1  # the straight-liner's 7s, far from what the entries earn


def test_disagreement_chart_sorts_by_spread_and_shows_every_jurors_total(demo, tables):
    spec = viz.disagreement_chart(tables["spread"], demo, lane=LANE).to_dict()
    span, ticks = spec["layer"][0], spec["layer"][1]
    order = span["encoding"]["y"]["sort"]
    assert len(order) == 25 and order[0] == "GC-01 · 月下剪輯室"
    spread = _rows(spec, span["data"]["name"])
    assert [r["film"] for r in sorted(spread, key=lambda r: -r["sd"])] == order
    assert len(_rows(spec, ticks["data"]["name"])) == 223  # 25 × 9 totals, less GC-17 by JR06 and JR05's conflict
    unusual = sorted(r["entry_id"] for r in spread if r["reading"] == "unusual for the lane")
    assert unusual == ["GC-01", "GC-16", "GC-22", "GC-24"]


def test_standings_chart_orders_by_rank_with_titles(tables):
    spec = viz.standings_chart(tables["standings"], lane=LANE).to_dict()
    order = spec["hconcat"][0]["layer"][0]["encoding"]["y"]["sort"]
    assert order[:2] == ["1. Checkpoint Seven (GC-06)", "2. 潛在空間的九龍 (GC-19)"] and len(order) == 25
    rows = _rows(spec)
    top = {r["entry_id"]: r for r in rows if r["entry_id"] in ("GC-06", "GC-19")}
    assert 0 < top["GC-06"]["p_first"] < 1 and 0 < top["GC-19"]["p_first"] < 1  # the planted near tie
    assert all(r["rank_low"] <= r["rank"] <= r["rank_high"] for r in rows)


def test_method_comparison_chart_has_a_cell_per_entry_and_method(tables):
    spec = viz.method_comparison_chart(tables["standings"], lane=LANE).to_dict()
    cells = _rows(spec)
    assert len(cells) == 25 * 5
    assert {r["method"] for r in cells} == {"official", "z-scores", "median", "trimmed mean", "additive model"}
    assert all(r["shift"] == r["method_rank"] - r["official"] for r in cells)
    assert {r["shift"] for r in cells if r["method"] == "official"} == {0}


def test_labels_only_rename(tables):
    """Juror labels change what the axis says, nothing else."""
    plain = _rows(viz.juror_severity_chart(tables["severity"], lane=LANE).to_dict())
    named = _rows(viz.juror_severity_chart(tables["severity"], lane=LANE, labels={"JR01": "陳"}).to_dict())
    assert [{k: v for k, v in r.items() if k != "juror"} for r in plain] == [
        {k: v for k, v in r.items() if k != "juror"} for r in named]
    assert [r["juror"] for r in named if r["juror_id"] == "JR01"] == ["陳"]


@pytest.mark.parametrize("name", ["severity", "behaviour", "residual", "disagreement", "standings", "methods"])
def test_every_chart_compiles_and_draws(demo, tables, name):
    labels = demo.juror_labels()
    chart = {
        "severity": lambda: viz.juror_severity_chart(tables["severity"], lane=LANE, labels=labels),
        "behaviour": lambda: viz.juror_behaviour_chart(tables["behaviour"], lane=LANE, labels=labels),
        "residual": lambda: viz.residual_chart(tables["residuals"], lane=LANE, labels=labels),
        "disagreement": lambda: viz.disagreement_chart(tables["spread"], demo, lane=LANE),
        "standings": lambda: viz.standings_chart(tables["standings"], lane=LANE),
        "methods": lambda: viz.method_comparison_chart(tables["standings"], lane=LANE),
    }[name]()
    viz.enable()
    assert vlc.vegalite_to_svg(chart.to_dict()).startswith("<svg")
