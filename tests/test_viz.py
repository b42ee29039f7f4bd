"""Charts: the offline renderer, the CJK font, and the coverage chart's spec."""

from __future__ import annotations

import base64

import altair as alt
import pandas as pd
import pytest
import vl_convert as vlc

from analytics import load_festival
from analytics.present import viz

from .conftest import DEMO

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def test_enable_registers_the_offline_renderer_and_theme():
    viz.enable()
    assert alt.renderers.active == viz.RENDERER and alt.theme.active == viz.THEME
    chart = alt.Chart(pd.DataFrame({"x": [1, 2]})).mark_point().encode(x="x:Q")
    bundle = alt.renderers.get()(chart.to_dict())
    assert set(bundle) == {viz.VEGALITE_MIME, "image/png", "text/plain"}
    assert base64.b64decode(bundle["image/png"]).startswith(PNG_MAGIC)
    assert bundle[viz.VEGALITE_MIME]["config"]["font"] == viz.FONT
    assert "http" not in str(bundle[viz.VEGALITE_MIME].get("data", ""))  # data inline, nothing fetched


def test_a_cjk_font_is_installed():
    assert viz.cjk_font_file() is not None, (
        "no Noto Sans CJK font found: Traditional Chinese titles would render as boxes. "
        "Install the Debian package fonts-noto-cjk (make test does this when run as root).")


def _png(text: str) -> bytes:
    chart = alt.Chart(pd.DataFrame({"t": [text]})).mark_text(font=viz.FONT, fontSize=40).encode(text="t:N")
    return vlc.vegalite_to_png(chart.to_dict(), scale=1)


def test_traditional_chinese_renders_as_glyphs_not_boxes():
    """Missing glyphs all draw the same box, so two different titles would give identical images."""
    viz.enable()
    if viz.cjk_font_file() is None:
        pytest.skip("no CJK font (see test_a_cjk_font_is_installed)")
    assert _png("霓虹之夢") != _png("海港迴聲")


def test_coverage_chart_has_one_cell_per_pair_and_titles_in_tooltips():
    festival = load_festival(DEMO)
    spec = viz.coverage_chart(festival).to_dict()
    rows = next(iter(spec["datasets"].values()))
    assert len(rows) == 400  # 9×25 + 5×12 + 5×12 + 5×11 pairs, conflicts included
    assert {r["status"] for r in rows} == {"complete", "partial", "conflict", "conflict_scored"}
    assert any(r["title"] == "霓虹之夢" for r in rows)
    assert spec["resolve"]["scale"] == {"x": "independent", "y": "independent"}


def test_agreement_charts_on_the_demo():
    from analytics.checks import agreement as panels
    from analytics.stats.agreement import rank_correlations

    festival = load_festival(DEMO)
    table = panels.agreement_table(festival, n_boot=100)
    forest = viz.alpha_forest_chart(table, lane_names=festival.lane_names()).to_dict()
    rows = next(iter(forest["datasets"].values()))
    assert len(rows) == 28 and {r["lane_name"] for r in rows} >= {"Generative Cinema"}
    gc = panels.scope_ratings(festival, "generative_cinema", "weighted_total")
    heat = viz.rank_correlation_chart(rank_correlations(gc), labels=festival.juror_labels()).to_dict()
    cells = next(iter(heat["datasets"].values()))
    assert len(cells) == 81 and any("陳" in c["juror_a"] or "李" in c["juror_a"] or "·" in c["juror_a"] for c in cells)
    removed = panels.alpha_if_removed(festival, lanes=["generative_cinema"])
    bars = viz.alpha_if_removed_chart(removed, lane="generative_cinema", scope="weighted_total").to_dict()
    assert len(next(iter(bars["datasets"].values()))) == 9


def test_participation_charts_on_the_demo():
    from analytics.checks import eligibility, score_effects

    festival = load_festival(DEMO)
    table = eligibility.eligibility_table(festival)
    share = viz.ai_share_chart(festival, table).to_dict()
    rows = next(iter(share["datasets"].values()))
    gc = [r for r in rows if r["lane"] == "generative_cinema"]
    assert len(rows) == 60 and {r["band_min"] for r in gc} == {51.0} and {r["band_max"] for r in gc} == {70.0}
    blend = viz.declared_vs_blend_chart(festival, table).to_dict()
    points = [d for d in blend["datasets"].values() if d and "disclosure" in d[0]][0]
    assert {p["disclosure"] for p in points} == {"consistent", "inconsistent"}
    profile = viz.dimension_profile_chart(festival, "generative_cinema").to_dict()
    cells = next(iter(profile["datasets"].values()))
    assert len(cells) == 25 * 6 and any("霓虹" in c["film"] or "數碼" in c["film"] for c in cells)
    effects = viz.score_effect_chart(festival, score_effects.score_effects(festival, n_resamples=100)).to_dict()
    assert next(iter(effects["datasets"].values()))[0]["tool"]
