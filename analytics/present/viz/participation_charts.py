"""Charts of AI participation, disclosure, tools and score effects (tables from :mod:`analytics.checks.eligibility` and :mod:`analytics.checks.score_effects`)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from analytics.base import columns as col
from analytics.load.tools import TOOLS
from analytics.load.festival import Festival

DISCLOSURE_COLOURS = {"consistent": "#4c9a6a", "inconsistent": "#d1495b", "incomplete": "#e0a030",
                      "not_declared": "#999999"}


def note_chart(text: str) -> alt.Chart:
    """A chart that says, in words, why there is nothing to draw (a rule this festival does not configure).

    >>> note_chart("No AI-share band is configured.").to_dict()["mark"]["type"]
    'text'
    """
    return alt.Chart(pd.DataFrame({"text": [text]})).mark_text(align="left", fontSize=13, color="#5b6472").encode(
        text="text:N").properties(width=420, height=30)


NO_BAND = "No AI-share band is configured (no lane sets ai_share_min in festival.toml): nothing to draw."
NO_PARTICIPATION = "No [participation] is configured in festival.toml: there are no dimension shares to draw."
NO_TOOLS = "No entry names the tools it used (entries.csv has no tools, or they are empty): nothing to draw."


def _lane_frame(festival: Festival) -> pd.DataFrame:
    return pd.DataFrame([{"lane": lane.id, "lane_name": lane.name, "band_min": lane.ai_share_min,
                          "band_max": lane.ai_share_typical_max} for lane in festival.config.lanes])


def ai_share_chart(festival: Festival, eligibility: pd.DataFrame) -> alt.FacetChart:
    """Distribution of the declared AI share per lane, with the lane's minimum (solid) and
    typical maximum (dashed) drawn.

    >>> from analytics import load_festival
    >>> from analytics.checks.eligibility import eligibility_table
    >>> f = load_festival("data/demo")
    >>> spec = ai_share_chart(f, eligibility_table(f)).to_dict()
    >>> spec["spec"]["layer"][0]["mark"]["type"]
    'bar'
    """
    if "band" not in eligibility:
        return note_chart(NO_BAND)
    data = eligibility[["entry_id", "lane", "title", "ai_share"]].merge(_lane_frame(festival), on="lane")
    x = alt.X("ai_share:Q", bin=alt.Bin(step=5, extent=[0, 100]), title="declared AI share (%)",
              scale=alt.Scale(domain=[0, 100]))
    bars = alt.Chart().mark_bar(color="#4a7fb5").encode(x=x, y=alt.Y("count():Q", title="entries"))
    low = alt.Chart().mark_rule(color="#d1495b", strokeWidth=2).encode(x="band_min:Q")
    high = alt.Chart().mark_rule(color="#d1495b", strokeDash=[4, 3]).encode(x="band_max:Q")
    order = [lane.name for lane in festival.config.lanes]
    return alt.layer(bars, low, high, data=data).properties(width=420, height=90).facet(
        row=alt.Row("lane_name:N", title=None, sort=order, header=alt.Header(labelAngle=0, labelAlign="left"))
    ).properties(title="Declared AI share by lane (red: the lane's minimum and typical maximum)")


def declared_vs_blend_chart(festival: Festival, eligibility: pd.DataFrame) -> alt.LayerChart:
    """Declared share against the weighted blend of the dimension shares; the grey band is
    the tolerance around agreement, so points outside it are inconsistent disclosures."""
    if festival.config.participation is None or "blend" not in eligibility:
        return note_chart(NO_PARTICIPATION)
    tolerance = festival.config.participation.disclosure_tolerance
    data = eligibility[["entry_id", "title", "lane", "ai_share", "blend", "blend_gap", "disclosure"]].dropna(subset=["blend"])
    line = pd.DataFrame({"x": [0, 100], "low": [-tolerance, 100 - tolerance], "high": [tolerance, 100 + tolerance]})
    band = alt.Chart(line).mark_area(opacity=0.15, color="#999", clip=True).encode(
        x=alt.X("x:Q", scale=alt.Scale(domain=[0, 100]), title="blend of the dimension shares (%)"),
        y=alt.Y("low:Q", scale=alt.Scale(domain=[0, 100]), title="declared AI share (%)"), y2="high:Q")
    diagonal = alt.Chart(line.assign(y=line["x"])).mark_line(color="#999").encode(x="x:Q", y="y:Q")
    points = alt.Chart(data).mark_point(filled=True, size=60).encode(
        x="blend:Q", y="ai_share:Q",
        color=alt.Color("disclosure:N", scale=alt.Scale(domain=list(DISCLOSURE_COLOURS),
                                                        range=list(DISCLOSURE_COLOURS.values()))),
        tooltip=["entry_id:N", "title:N", "lane:N", alt.Tooltip("ai_share:Q", format=".1f"),
                 alt.Tooltip("blend:Q", format=".1f"), alt.Tooltip("blend_gap:Q", format="+.1f")])
    return (band + diagonal + points).properties(width=380, height=380, title=f"Declared against blended share (±{tolerance:g} points)")


BLENDED = "blended"  # the blend's rows of participation_assessed (analytics.checks.assessed.BLENDED)
#: where the evidence puts an entry's blend against its lane's minimum
EVIDENCE_COLOURS = {"below the line": "#b00020", "across the line": "#e0a030", "above the line": "#4c9a6a",
                    "assessed": "#4a7fb5"}
NO_ASSESSMENTS = ("No participation_assessments.csv: the AI shares are as declared, and no assessor weighed the "
                  "evidence (design section 17).")


def assessed_share_chart(festival: Festival, assessed: pd.DataFrame, lane: str, *,
                         dimensions: bool = False) -> alt.LayerChart | alt.FacetChart:
    """One lane's entries, declared against assessed (design section 17): per entry, the assessors' blended share
    (dot) with its 95% interval (bar) and the declared share (hollow diamond), the lane's minimum as a line; the
    entries in order of their assessed share. ``dimensions``: one panel per dimension of ``[participation]
    weights`` beside the blend (the line drawn on the blend only: the standard is the blend's). ``assessed``:
    :func:`analytics.checks.assessed.assessed`. The chair's chart: it names entries, never an assessor.

    >>> import pandas as pd
    >>> from analytics import load_festival
    >>> t = pd.DataFrame({"lane": "generative_cinema", "entry_id": ["GC-01"], "dimension": "blended", "n_assessors": 3,
    ...                   "assessed": [60.0], "ci_low": [55.0], "ci_high": [65.0], "declared": [62.0], "minimum": 51.0,
    ...                   "p_eligible": 1.0})
    >>> len(assessed_share_chart(load_festival("data/demo"), t, "generative_cinema").to_dict()["layer"])
    4
    """
    rows = assessed[assessed[col.LANE] == lane] if len(assessed) else assessed
    blend = rows[rows[col.DIMENSION] == BLENDED] if len(rows) else rows
    if not festival.has_assessments or blend.empty:
        return note_chart(NO_ASSESSMENTS)
    if not dimensions:
        rows = blend
    titles = festival.entries.set_index(col.ENTRY_ID)[col.TITLE]
    data = rows.assign(film=rows[col.ENTRY_ID] + " " + rows[col.ENTRY_ID].map(titles).fillna(""),
                       line=rows["minimum"].where(rows[col.DIMENSION] == BLENDED))
    order = list(data[data[col.DIMENSION] == BLENDED].sort_values("assessed", ascending=False)["film"])
    y = alt.Y("film:N", sort=order, title=None)
    axis_title = ("AI participation (%): assessed (dot, 95% interval) and declared (diamond)" if not dimensions else
                  "AI participation (%)")
    scale = alt.Scale(domain=[0, 100])
    tooltip = ["film:N", f"{col.DIMENSION}:N", alt.Tooltip("assessed:Q", format=".1f"),
               alt.Tooltip("ci_low:Q", format=".1f"), alt.Tooltip("ci_high:Q", format=".1f"),
               alt.Tooltip("declared:Q", format=".1f"), "n_assessors:Q",
               alt.Tooltip("p_eligible:Q", format=".0%", title="resampled panels reaching the line")]
    base = alt.Chart().properties(height=alt.Step(16), width=420 if not dimensions else 200)
    interval = base.mark_rule(strokeWidth=3, color="#b8c7d9").encode(
        x=alt.X("ci_low:Q", scale=scale, title=axis_title), x2="ci_high:Q", y=y, tooltip=tooltip)
    dot = base.mark_point(filled=True, color="#1d2430", size=40).encode(x=alt.X("assessed:Q", scale=scale), y=y,
                                                                         tooltip=tooltip)
    declared = base.mark_point(shape="diamond", filled=False, color="#d1495b", size=50).encode(
        x=alt.X("declared:Q", scale=scale), y=y, tooltip=tooltip)
    line = base.mark_rule(color="#b00020", strokeDash=[4, 3]).encode(x="mean(line):Q")
    minimum = festival.config.lane(lane).ai_share_min
    name = festival.lane_names().get(lane, lane)
    title = f"{name}: declared against assessed AI participation" + (f" (the line: {minimum:g}%)" if minimum else "")
    layered = alt.layer(interval, dot, declared, line, data=data)
    if not dimensions:
        return layered.properties(title=title)
    panels = [*festival.config.participation.weights, BLENDED]
    return layered.facet(facet=alt.Facet(f"{col.DIMENSION}:N", sort=panels, title=None), columns=4).properties(
        title=alt.TitleParams(title + ", per dimension and blended", subtitle=(
            "dot and bar: assessed, each assessor's lean taken off, with its 95% interval; diamond: declared")))


def assessed_distribution_chart(festival: Festival, assessed: pd.DataFrame, lane: str) -> alt.Chart:
    """The public view of one lane's assessed shares (design section 17): how many entries' blends fall in each
    band of 2.5 points, coloured by where the evidence puts them against the lane's minimum (interval wholly
    below, across, wholly above); the line as a rule. It names no entry and no assessor.

    >>> import pandas as pd
    >>> from analytics import load_festival
    >>> t = pd.DataFrame({"lane": "generative_cinema", "entry_id": ["GC-01", "GC-02"], "dimension": "blended",
    ...                   "assessed": [60.0, 50.0], "ci_low": [55.0, 47.0], "ci_high": [65.0, 53.0], "minimum": 51.0})
    >>> spec = assessed_distribution_chart(load_festival("data/demo"), t, "generative_cinema").to_dict()
    >>> sorted(r["evidence"] for d in spec["datasets"].values() for r in d if "evidence" in r)
    ['above the line', 'across the line']
    """
    rows = assessed[(assessed[col.LANE] == lane) & (assessed[col.DIMENSION] == BLENDED)] if len(assessed) else assessed
    rows = rows.dropna(subset=["assessed"]) if len(rows) else rows
    if not festival.has_assessments or rows.empty:
        return note_chart(NO_ASSESSMENTS)
    minimum = festival.config.lane(lane).ai_share_min
    where = pd.Series("assessed", index=rows.index)
    if minimum is not None:
        where = pd.Series("above the line", index=rows.index).mask(rows["ci_high"] < minimum, "below the line").mask(
            (rows["ci_low"] < minimum) & (rows["ci_high"] >= minimum), "across the line")
    data = pd.DataFrame({"assessed": rows["assessed"].to_numpy(), "evidence": where.to_numpy()})
    shown = [k for k in EVIDENCE_COLOURS if k in set(data["evidence"])]
    colours = alt.Scale(domain=shown, range=[EVIDENCE_COLOURS[k] for k in shown])
    bars = alt.Chart(data).mark_bar().encode(
        x=alt.X("assessed:Q", bin=alt.Bin(step=2.5, extent=[0, 100]), scale=alt.Scale(domain=[0, 100]),
                title="assessed AI participation (%), each assessor's lean taken off"),
        y=alt.Y("count():Q", title="entries"), color=alt.Color("evidence:N", scale=colours, title=None),
        tooltip=["evidence:N", alt.Tooltip("count():Q", title="entries")])
    name = festival.lane_names().get(lane, lane)
    chart = bars
    if minimum is not None:
        chart = alt.layer(bars, alt.Chart(pd.DataFrame({"m": [minimum]})).mark_rule(
            color="#b00020", strokeDash=[4, 3]).encode(x="m:Q"))
    return chart.properties(width=420, height=160, title=f"{name}: assessed AI participation"
                            + (f" (the line: {minimum:g}%)" if minimum is not None else ""))


def dimension_chart(festival: Festival) -> alt.FacetChart:
    """The dimension shares as distributions, one box per dimension, one panel per lane."""
    if festival.config.participation is None:
        return note_chart(NO_PARTICIPATION)
    dims = festival.config.participation.dimensions
    e = festival.entries
    long = e.melt(id_vars=[col.ENTRY_ID, col.TITLE, col.CATEGORY], value_vars=[col.share_column(d) for d in dims],
                  var_name="dimension", value_name="share").dropna(subset=["share"])
    long["dimension"] = long["dimension"].str.removeprefix(col.SHARE_PREFIX)
    names = festival.lane_names()
    long["lane_name"] = long[col.CATEGORY].map(names)
    return alt.Chart(long).mark_boxplot(extent="min-max").encode(
        x=alt.X("dimension:N", sort=list(dims), title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("share:Q", title="AI share (%)", scale=alt.Scale(domain=[0, 100])),
        color=alt.Color("dimension:N", legend=None),
    ).properties(width=300, height=160).facet(
        column=alt.Column("lane_name:N", title=None, sort=[lane.name for lane in festival.config.lanes]), columns=2
    ).properties(title="The six dimensions: distribution per lane")


def dimension_profile_chart(festival: Festival, lane: str) -> alt.Chart:
    """Each entry's dimension profile in one lane (a row per entry, titles shown)."""
    if festival.config.participation is None:
        return note_chart(NO_PARTICIPATION)
    dims = festival.config.participation.dimensions
    e = festival.entries[festival.entries[col.CATEGORY] == lane]
    long = e.melt(id_vars=[col.ENTRY_ID, col.TITLE, col.AI_SHARE], value_vars=[col.share_column(d) for d in dims],
                  var_name="dimension", value_name="share")
    long["dimension"] = long["dimension"].str.removeprefix(col.SHARE_PREFIX)
    long["film"] = long[col.ENTRY_ID] + " · " + long[col.TITLE]
    base = alt.Chart(long).encode(x=alt.X("dimension:N", sort=list(dims), title=None, axis=alt.Axis(labelAngle=0, orient="top")),
                                  y=alt.Y("film:N", sort=alt.EncodingSortField("ai_share", order="descending"), title=None))
    cells = base.mark_rect().encode(color=alt.Color("share:Q", scale=alt.Scale(domain=[0, 100], scheme="blues"),
                                                    title="AI share (%)"),
                                    tooltip=["film:N", "dimension:N", alt.Tooltip("share:Q", format=".1f"),
                                             alt.Tooltip(f"{col.AI_SHARE}:Q", format=".1f", title="declared")])
    text = base.mark_text(fontSize=9).encode(text=alt.Text("share:Q", format=".0f"))
    return (cells + text).properties(width=alt.Step(56), height=alt.Step(16),
                                     title=f"Dimension profile per entry: {festival.lane_names()[lane]}")


def tool_usage_chart(festival: Festival, usage: pd.DataFrame) -> alt.FacetChart:
    """How many entries of each lane used each tool."""
    if usage.empty:
        return note_chart(NO_TOOLS)
    data = usage.assign(lane_name=usage["lane"].map(festival.lane_names()))


    return alt.Chart(data).mark_bar().encode(
        x=alt.X("n_entries:Q", title="entries"), y=alt.Y("tool:N", sort=list(TOOLS), title=None),
        color=alt.Color("tool:N", legend=None, sort=list(TOOLS)),
        tooltip=["tool:N", "n_entries:Q", alt.Tooltip("share_of_lane:Q", format=".0%")],
    ).properties(width=220, height=alt.Step(14)).facet(
        column=alt.Column("lane_name:N", title=None, sort=[lane.name for lane in festival.config.lanes]), columns=2
    ).properties(title="Tools used (festival vocabulary)")


def tools_per_film_chart(festival: Festival, per_entry: pd.DataFrame) -> alt.Chart:
    """How many tools each film orchestrates, per lane."""
    if (per_entry["n_tools"] == 0).all():
        return note_chart(NO_TOOLS)
    data = per_entry.assign(lane_name=per_entry["lane"].map(festival.lane_names()))
    return alt.Chart(data).mark_bar().encode(
        x=alt.X("n_tools:O", title="tools per film"), y=alt.Y("count():Q", title="films"),
        color=alt.Color("lane_name:N", title="lane", sort=[lane.name for lane in festival.config.lanes]),
        xOffset=alt.XOffset("lane_name:N", sort=[lane.name for lane in festival.config.lanes]),
    ).properties(width=320, height=180, title="Multi-model orchestration: tools per film")


def score_effect_chart(festival: Festival, effects: pd.DataFrame) -> alt.FacetChart:
    """Mean score of the films made with each tool minus the others', with 95% intervals."""
    if not (effects["effect"] == "mean_difference").any():
        return note_chart("No tool is used by at least 3 entries and left out by 3 in a lane: no tool effect to draw.")
    data = effects[effects["effect"] == "mean_difference"].assign(
        lane_name=lambda d: d["lane"].map(festival.lane_names()),
        significant=lambda d: d["p_adjusted"] < festival.config.checks.effect_p_max)
    y = alt.Y("tool:N", title=None)
    rule = alt.Chart().mark_rule(color="#666", strokeWidth=2).encode(
        x=alt.X("ci_low:Q", title="score difference (points), 95% interval"), x2="ci_high:Q", y=y)
    point = alt.Chart().mark_point(filled=True, size=60).encode(
        x="estimate:Q", y=y, color=alt.Color("significant:N", scale=alt.Scale(domain=[False, True], range=["#4a7fb5", "#d1495b"]),
                                             title="flagged"),
        tooltip=["tool:N", alt.Tooltip("estimate:Q", format="+.2f"), alt.Tooltip("p_adjusted:Q", format=".3f"),
                 "n_with:Q", "n_without:Q"])
    zero = alt.Chart().mark_rule(strokeDash=[4, 3], color="#999").encode(x=alt.datum(0))
    return alt.layer(rule, point, zero, data=data).properties(width=320).facet(
        row=alt.Row("lane_name:N", title=None, sort=[lane.name for lane in festival.config.lanes],
                    header=alt.Header(labelAngle=0, labelAlign="left"))
    ).properties(title="Do scores follow a tool? (the festival is tool-agnostic)")
