"""Charts of the agreement results (tables from :mod:`analytics.checks.agreement`)."""

from __future__ import annotations

from collections.abc import Mapping

import altair as alt
import pandas as pd

from analytics.base import columns as col

BAND_COLOURS = {"reliable": "#4c9a6a", "tentative": "#e0a030", "unreliable": "#d1495b", "": "#999999"}


def alpha_forest_chart(table: pd.DataFrame, *, bar: float = 0.667, lane_names: Mapping[str, str] | None = None,
                       statistic: str = "alpha_interval") -> alt.FacetChart:
    """Alpha per criterion (and the weighted total) with its interval, one panel per lane,
    with Krippendorff's lines at ``bar`` (.667) and .800.

    >>> import pandas as pd
    >>> t = pd.DataFrame({"lane": ["a"], "scope": ["story"], "statistic": ["alpha_interval"], "estimate": [0.7],
    ...                   "ci_low": [0.6], "ci_high": [0.8], "band": ["tentative"]})
    >>> alpha_forest_chart(t).to_dict()["spec"]["layer"][1]["mark"]["type"]
    'point'
    """
    data = table[table["statistic"] == statistic][["lane", "scope", "estimate", "ci_low", "ci_high", "band"]]
    names = dict(lane_names or {})
    data = data.assign(lane_name=data["lane"].map(lambda lane: names.get(lane, lane)))
    order = list(dict.fromkeys(data["scope"]))
    y = alt.Y("scope:N", sort=order, title=None)
    x_scale = alt.Scale(domain=[min(-0.2, float(data["ci_low"].min(skipna=True) or 0)), 1])
    interval = alt.Chart().mark_rule(strokeWidth=2, color="#666").encode(
        x=alt.X("ci_low:Q", scale=x_scale, title="Krippendorff's alpha (95% interval)"), x2="ci_high:Q", y=y)
    point = alt.Chart().mark_point(filled=True, size=80).encode(
        x=alt.X("estimate:Q", scale=x_scale), y=y,
        color=alt.Color("band:N", scale=alt.Scale(domain=list(BAND_COLOURS), range=list(BAND_COLOURS.values())),
                        title="reading"),
        tooltip=["lane_name:N", "scope:N", alt.Tooltip("estimate:Q", format=".3f"),
                 alt.Tooltip("ci_low:Q", format=".3f"), alt.Tooltip("ci_high:Q", format=".3f"), "band:N"])
    lines = alt.Chart().mark_rule(strokeDash=[4, 3], color="#999").encode(x=alt.datum(bar))
    good = alt.Chart().mark_rule(strokeDash=[2, 2], color="#4c9a6a").encode(x=alt.datum(0.8))
    lane_order = list(dict.fromkeys(data["lane_name"]))
    return alt.layer(interval, point, lines, good, data=data).properties(width=360).facet(
        row=alt.Row("lane_name:N", title=None, sort=lane_order, header=alt.Header(labelAngle=0, labelAlign="left"))
    ).properties(title=f"Agreement per criterion (dashed: {bar:g} and 0.8)")


def rank_correlation_chart(matrix: pd.DataFrame, *, labels: Mapping[str, str] | None = None,
                           title: str = "Juror × juror rank correlation") -> alt.LayerChart:
    """Heatmap of a rater × rater correlation matrix (from ``rank_correlations``), values printed.

    >>> import pandas as pd
    >>> m = pd.DataFrame([[1.0, 0.5], [0.5, 1.0]], index=["J1", "J2"], columns=["J1", "J2"])
    >>> len(rank_correlation_chart(m, labels={"J1": "陳", "J2": "李"}).to_dict()["datasets"].popitem()[1])
    4
    """
    labels = dict(labels or {})
    long = matrix.rename_axis(index="a", columns="b").stack(future_stack=True).rename("correlation").reset_index()
    long["juror_a"] = long["a"].map(lambda j: labels.get(j, str(j)))
    long["juror_b"] = long["b"].map(lambda j: labels.get(j, str(j)))
    order = [labels.get(j, str(j)) for j in matrix.index]
    base = alt.Chart(long).encode(x=alt.X("juror_b:N", sort=order, title=None, axis=alt.Axis(labelAngle=-45)),
                                  y=alt.Y("juror_a:N", sort=order, title=None))
    cells = base.mark_rect().encode(
        color=alt.Color("correlation:Q", scale=alt.Scale(domain=[-1, 1], scheme="redblue"), title="rho"),
        tooltip=["juror_a:N", "juror_b:N", alt.Tooltip("correlation:Q", format=".2f")])
    text = base.mark_text(fontSize=10).encode(text=alt.Text("correlation:Q", format=".2f"))
    return (cells + text).properties(width=alt.Step(44), height=alt.Step(28), title=title)


def alpha_if_removed_chart(removed: pd.DataFrame, *, lane: str, scope: str,
                           labels: Mapping[str, str] | None = None) -> alt.Chart:
    """How alpha changes when each juror is left out (positive: the panel agrees better without them).

    >>> import pandas as pd
    >>> r = pd.DataFrame({"lane": ["a", "a"], "scope": ["s", "s"], "juror_id": ["J1", "J2"],
    ...                   "alpha": [0.5, 0.5], "alpha_without": [0.6, 0.45], "change": [0.1, -0.05]})
    >>> alpha_if_removed_chart(r, lane="a", scope="s").to_dict()["mark"]["type"]
    'bar'
    """
    data = removed[(removed["lane"] == lane) & (removed["scope"] == scope)]
    labels = dict(labels or {})
    data = data.assign(juror=data[col.JUROR_ID].map(lambda j: labels.get(j, str(j))),
                       effect=(data["change"] > 0).map({True: "agrees better without", False: "agrees worse without"}))
    return alt.Chart(data).mark_bar().encode(
        x=alt.X("change:Q", title="alpha without the juror − alpha with everyone"),
        y=alt.Y("juror:N", sort="-x", title=None),
        color=alt.Color("effect:N", scale=alt.Scale(domain=["agrees better without", "agrees worse without"],
                                                    range=["#d1495b", "#4a7fb5"]), title=None),
        tooltip=["juror:N", alt.Tooltip("alpha:Q", format=".3f"), alt.Tooltip("alpha_without:Q", format=".3f"),
                 alt.Tooltip("change:Q", format="+.3f")],
    ).properties(width=360, height=alt.Step(22), title=f"Alpha if each juror is left out ({scope})")


def faction_chart(factions: pd.DataFrame, *, scope: str, lane_names: Mapping[str, str] | None = None) -> alt.FacetChart:
    """Alpha within each faction and between factions, with intervals, one panel per lane."""
    data = factions[factions["scope"] == scope]
    names = dict(lane_names or {})
    data = data.assign(lane_name=data["lane"].map(lambda lane: names.get(lane, lane)))
    y = alt.Y("group:N", title=None)
    rule = alt.Chart().mark_rule(color="#666", strokeWidth=2).encode(x=alt.X("ci_low:Q", title="alpha (95% interval)"),
                                                                     x2="ci_high:Q", y=y)
    point = alt.Chart().mark_point(filled=True, size=70).encode(
        x="estimate:Q", y=y, color=alt.Color("band:N", scale=alt.Scale(domain=list(BAND_COLOURS),
                                                                       range=list(BAND_COLOURS.values())), title="reading"),
        tooltip=["group:N", "n_raters:Q", alt.Tooltip("estimate:Q", format=".3f"), "reason:N"])
    lane_order = list(dict.fromkeys(data["lane_name"]))
    return alt.layer(rule, point, data=data).properties(width=320).facet(
        row=alt.Row("lane_name:N", title=None, sort=lane_order, header=alt.Header(labelAngle=0, labelAlign="left"))
    ).properties(title=f"Agreement within and between factions ({scope})")
