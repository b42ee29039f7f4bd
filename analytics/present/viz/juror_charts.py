"""Charts of the jurors and of the scores that stand out (tables from :mod:`analytics.checks.severity`,
:mod:`~analytics.checks.behaviour`, :mod:`~analytics.checks.residuals`, :mod:`~analytics.checks.disagreement`,
:mod:`~analytics.checks.affiliation` and :mod:`~analytics.checks.drift`)."""

from __future__ import annotations

from collections.abc import Mapping

import altair as alt
import pandas as pd

from analytics.base import columns as col
from analytics.load.config import Checks
from analytics.load.festival import Festival
from analytics.rules.scoring import WEIGHTED_TOTAL, weighted_totals

SEVERITY_COLOURS = {"more lenient": "#e0a030", "harsher": "#4a7fb5", "in line with the panel": "#999999"}
BEYOND_COLOURS = {"beyond the line": "#d1495b", "within": "#8c9bab"}
#: juror_behaviour column -> panel title (what a low or high value means)
BEHAVIOUR_MEASURES = {"sd": "sd of their scores (low: straight-lining)",
                      "halo": "halo (high: one impression drives all)",
                      "rho_rest": "rank like the others (low: out of line)"}


def _lane_rows(table: pd.DataFrame, lane: str, what: str, round: str | None = None, *, last: bool = False) -> pd.DataFrame:
    """The rows of ``lane`` (and of one round: ``round``, else the lane's first round, or its
    last with ``last``); a lane the table does not hold is a bad argument."""
    rows = table[table[col.LANE] == lane]
    if rows.empty:
        known = ", ".join(map(repr, dict.fromkeys(table[col.LANE]))) or "none"
        raise ValueError(f"the {what} table has no rows for lane {lane!r}; its lanes are {known}")
    if col.ROUND in rows and rows[col.ROUND].nunique() > 1:
        rounds = list(dict.fromkeys(rows[col.ROUND]))
        chosen = round if round is not None else (rounds[-1] if last else rounds[0])
        if chosen not in rounds:
            raise ValueError(f"the {what} table has no round {chosen!r} in lane {lane!r}; its rounds are "
                             f"{', '.join(map(repr, rounds))}")
        rows = rows[rows[col.ROUND] == chosen]
    return rows


def _juror_label(ids: pd.Series, labels: Mapping[str, str] | None) -> pd.Series:
    names = dict(labels or {})
    return ids.map(lambda j: names.get(j, str(j)))


def juror_severity_chart(severity: pd.DataFrame, *, lane: str, scope: str = WEIGHTED_TOTAL,
                         labels: Mapping[str, str] | None = None, checks: Checks | None = None) -> alt.LayerChart:
    """Forest plot of the juror effects of one lane and scope (from
    :func:`analytics.checks.severity.juror_severity`): each juror's effect in score points with its 95%
    interval, a line at zero (the panel) and dashed lines at ± ``checks.severity_max`` (the
    flag's bar; the package default when ``checks`` is None). Most lenient juror on top.

    >>> import pandas as pd
    >>> s = pd.DataFrame({"lane": ["a", "a"], "scope": ["weighted_total"] * 2, "juror_id": ["J1", "J2"],
    ...                   "severity": [0.5, -0.5], "se": [0.1, 0.1], "ci_low": [0.3, -0.7], "ci_high": [0.7, -0.3],
    ...                   "n_scores": [4, 4], "part": [0, 0]})
    >>> spec = juror_severity_chart(s, lane="a", labels={"J1": "J1 · 陳"}).to_dict()
    >>> [layer["mark"]["type"] for layer in spec["layer"]]
    ['rule', 'rule', 'rule', 'point']
    >>> sorted(r["juror"] for r in spec["datasets"][spec["data"]["name"]])
    ['J1 · 陳', 'J2']
    """
    rows = _lane_rows(severity, lane, "severity")
    data = rows[rows["scope"] == scope]
    if data.empty:
        raise ValueError(f"the severity table has no scope {scope!r} in lane {lane!r}; its scopes are "
                         f"{', '.join(map(repr, dict.fromkeys(rows['scope'])))}")
    bar = (checks or Checks()).on_range().severity_max
    data = data.assign(juror=_juror_label(data[col.JUROR_ID], labels),
                       reading=["more lenient" if lo > 0 else "harsher" if hi < 0 else "in line with the panel"
                                for lo, hi in zip(data["ci_low"], data["ci_high"])])
    order = list(data.sort_values("severity", ascending=False)["juror"])
    reach = max(bar, float(data[["ci_low", "ci_high"]].abs().max().max())) + 0.2
    x_scale = alt.Scale(domain=[-reach, reach])
    y = alt.Y("juror:N", sort=order, title=None)
    interval = alt.Chart().mark_rule(strokeWidth=2, color="#666").encode(
        x=alt.X("ci_low:Q", scale=x_scale, title="juror effect in points (− harsher, + more lenient), 95% interval"),
        x2="ci_high:Q", y=y)
    zero = alt.Chart().mark_rule(color="#333").encode(x=alt.datum(0))
    lines = alt.Chart().mark_rule(strokeDash=[4, 3], color="#d1495b").encode(
        x=alt.X("line:Q")).transform_fold(["low", "high"], as_=["side", "line_name"]).transform_calculate(
        line=f"datum.side == 'low' ? {-bar} : {bar}")
    point = alt.Chart().mark_point(filled=True, size=90, opacity=1).encode(
        x=alt.X("severity:Q", scale=x_scale), y=y,
        color=alt.Color("reading:N", scale=alt.Scale(domain=list(SEVERITY_COLOURS), range=list(SEVERITY_COLOURS.values())),
                        title="95% interval"),
        tooltip=["juror:N", alt.Tooltip("severity:Q", format="+.2f"), alt.Tooltip("ci_low:Q", format="+.2f"),
                 alt.Tooltip("ci_high:Q", format="+.2f"), alt.Tooltip("se:Q", format=".3f"), "n_scores:Q", "part:Q"])
    title = f"Juror severity, {lane} · {scope} (dashed: ±{bar:g}, the flag's bar)"
    if data["part"].nunique() > 1:
        point = point.encode(shape=alt.Shape("part:N", title="design part"))
        title += "; parts that share no entry cannot be compared"
    return alt.layer(interval, zero, lines, point, data=data).properties(width=380, height=alt.Step(24), title=title)


def juror_behaviour_chart(behaviour: pd.DataFrame, *, lane: str, labels: Mapping[str, str] | None = None,
                          checks: Checks | None = None) -> alt.HConcatChart:
    """Three dot plots side by side, one row per juror of the lane (from
    :func:`analytics.checks.behaviour.juror_behaviour`): the spread of their scores (a straight-liner
    sits far left), how much their criteria move together (halo, far right), and how well
    they rank the entries like the rest of the panel (out of line: far left). The dashed
    line in each panel is the bar of ``checks`` (the package defaults when None); points
    beyond it are red.

    >>> import pandas as pd
    >>> b = pd.DataFrame({"lane": ["a", "a"], "juror_id": ["J1", "J2"], "n_scores": [12, 12],
    ...                   "sd": [1.4, 0.2], "halo": [0.6, 0.5], "rho_rest": [0.9, 0.1]})
    >>> spec = juror_behaviour_chart(b, lane="a", labels={"J2": "J2 · 李"}).to_dict()
    >>> [panel["layer"][2]["encoding"]["x"]["field"] for panel in spec["hconcat"]]
    ['value', 'value', 'value']
    >>> rows = spec["datasets"][spec["data"]["name"]]
    >>> sorted((r["juror"], r["column"]) for r in rows if r["reading"] == "beyond the line")
    [('J2 · 李', 'rho_rest'), ('J2 · 李', 'sd')]
    """
    checks = (checks or Checks()).on_range()
    data = _lane_rows(behaviour, lane, "behaviour")
    data = data.assign(juror=_juror_label(data[col.JUROR_ID], labels))
    long = data.melt(id_vars=[col.JUROR_ID, "juror", col.N_SCORES], value_vars=list(BEHAVIOUR_MEASURES),
                     var_name="column", value_name="value")
    bars = {"sd": checks.straightline_max_sd, "halo": checks.halo_min, "rho_rest": checks.out_of_line_max_rho}
    long["line"] = long["column"].map(bars)
    beyond = ((long["column"] == "halo") & (long["value"] >= long["line"])) | (
        (long["column"] != "halo") & (long["value"] < long["line"]))
    long["reading"] = beyond.map({True: "beyond the line", False: "within"})
    long["measure"] = long["column"].map(BEHAVIOUR_MEASURES)
    long["low"] = long["value"].clip(upper=0)  # stems run from zero to the value
    order = sorted(data["juror"])
    colour = alt.Color("reading:N", scale=alt.Scale(domain=list(BEYOND_COLOURS), range=list(BEYOND_COLOURS.values())),
                       title=None)
    panels = []
    for i, (column, title) in enumerate(BEHAVIOUR_MEASURES.items()):
        values = long.loc[long["column"] == column, "value"]
        top = max(float(values.max(skipna=True) if values.notna().any() else 0), bars[column]) * 1.05
        domain = [0, top] if column == "sd" else [min(0.0, float(values.min(skipna=True) or 0)), 1]
        x = alt.X("value:Q", scale=alt.Scale(domain=domain, nice=False), title=title)
        y = alt.Y("juror:N", sort=order, title=None) if i == 0 else alt.Y("juror:N", sort=order, axis=None)
        stem = alt.Chart().mark_rule(color="#ccc").encode(x=alt.X("low:Q", scale=alt.Scale(domain=domain, nice=False)),
                                                          x2="value:Q", y=y)
        line = alt.Chart().mark_rule(strokeDash=[4, 3], color="#d1495b").encode(x=alt.datum(bars[column]))
        point = alt.Chart().mark_point(filled=True, size=80, opacity=1).encode(
            x=x, y=y, color=colour,
            tooltip=["juror:N", "measure:N", alt.Tooltip("value:Q", format=".2f"),
                     alt.Tooltip("line:Q", format=".2f", title="flag's bar"), f"{col.N_SCORES}:Q"])
        panels.append(alt.layer(stem, line, point).transform_filter(alt.datum.column == column).properties(
            width=190, height=alt.Step(22)))
    return alt.hconcat(*panels, data=long, spacing=14).properties(
        title=f"How each juror scores, {lane} (dashed: the flags' bars)")


def residual_chart(residuals: pd.DataFrame, *, lane: str, labels: Mapping[str, str] | None = None,
                   cutoff: float = 3.5) -> alt.LayerChart:
    """Every score of the lane as its robust z (from :func:`analytics.checks.residuals.score_residuals`:
    how far it is from what the entry and the juror lead one to expect), one row per juror,
    spread vertically by criterion; scores beyond ± ``cutoff`` are red and larger.

    >>> import pandas as pd
    >>> r = pd.DataFrame({"lane": ["a"] * 3, "entry_id": ["E1", "E2", "E3"], "juror_id": ["J1"] * 3,
    ...                   "criterion": ["c"] * 3, "score": [5.0, 6.0, 9.0], "expected": [5.1, 6.0, 4.0],
    ...                   "residual": [-0.1, 0.0, 5.0], "z": [-0.2, 0.0, 4.1]})
    >>> spec = residual_chart(r, lane="a").to_dict()
    >>> [row["reading"] for row in spec["datasets"][spec["data"]["name"]]]
    ['within', 'within', 'beyond the line']
    """
    data = _lane_rows(residuals, lane, "residuals")
    data = data.assign(juror=_juror_label(data[col.JUROR_ID], labels),
                       reading=(data["z"].abs() > cutoff).map({True: "beyond the line", False: "within"}))
    reach = max(cutoff + 0.5, float(data["z"].abs().max(skipna=True) or 0) + 0.3)
    x = alt.X("z:Q", scale=alt.Scale(domain=[-reach, reach]),
              title="robust z of the score (− lower, + higher than the entry and the juror lead one to expect)")
    y = alt.Y("juror:N", sort=sorted(data["juror"].unique()), title=None)
    n_jurors = data["juror"].nunique()
    zero = alt.Chart().mark_rule(color="#333").encode(x=alt.datum(0))
    lines = alt.Chart().mark_rule(strokeDash=[4, 3], color="#d1495b").encode(x="line:Q").transform_fold(
        ["low", "high"], as_=["side", "line_name"]).transform_calculate(line=f"datum.side == 'low' ? {-cutoff} : {cutoff}")
    points = alt.Chart().mark_point(filled=True).encode(
        x=x, y=y, yOffset=alt.YOffset(f"{col.CRITERION}:N"),
        color=alt.Color("reading:N", scale=alt.Scale(domain=list(BEYOND_COLOURS), range=list(BEYOND_COLOURS.values())),
                        title=f"|z| > {cutoff:g}"),
        size=alt.Size("reading:N", scale=alt.Scale(domain=list(BEYOND_COLOURS), range=[70, 14]), legend=None),
        opacity=alt.Opacity("reading:N", scale=alt.Scale(domain=list(BEYOND_COLOURS), range=[1, 0.45]), legend=None),
        order=alt.Order("reading:N", sort="ascending"),
        tooltip=["juror:N", f"{col.ENTRY_ID}:N", f"{col.CRITERION}:N", alt.Tooltip(f"{col.SCORE}:Q", format="g"),
                 alt.Tooltip("expected:Q", format=".1f"), alt.Tooltip("z:Q", format="+.1f")])
    return alt.layer(zero, lines, points, data=data).properties(
        width=460, height=30 * n_jurors,
        title=f"Scores far from expectation, {lane} (dashed: ±{cutoff:g}; each row spread by criterion)")


def disagreement_chart(spread: pd.DataFrame, festival: Festival, *, lane: str) -> alt.LayerChart:
    """Per entry of the lane, the jurors' weighted totals (grey ticks) from lowest to highest,
    with their mean (black), entries sorted by how much the jurors disagree (standard
    deviation, from :func:`analytics.checks.disagreement.disagreement`; most on top). Entries whose
    disagreement is unusual for the lane (robust z above ``disagreement_z``) are red.

    >>> from analytics import load_festival
    >>> from analytics.checks.disagreement import disagreement
    >>> f = load_festival("data/demo")
    >>> spec = disagreement_chart(disagreement(f), f, lane="generative_cinema").to_dict()
    >>> [layer["mark"]["type"] for layer in spec["layer"]]
    ['rule', 'tick', 'point', 'text']
    """
    bar = festival.config.checks.disagreement_z
    rows = _lane_rows(spread, lane, "disagreement")
    titles = festival.entries.set_index(col.ENTRY_ID)[col.TITLE]
    data = rows.assign(film=rows[col.ENTRY_ID] + " · " + rows[col.ENTRY_ID].map(titles).fillna(""),
                       reading=(rows["z"] > bar).map({True: "unusual for the lane", False: "usual"}))
    order = list(data.sort_values("sd", ascending=False)["film"])
    totals = weighted_totals(festival)
    totals = totals[(totals[col.LANE] == lane) & totals[col.ENTRY_ID].isin(data[col.ENTRY_ID])]
    totals = totals.assign(film=totals[col.ENTRY_ID].map(dict(zip(data[col.ENTRY_ID], data["film"]))),
                           juror=_juror_label(totals[col.JUROR_ID], festival.juror_labels()))
    scale = festival.config.scale
    x_scale = alt.Scale(domain=[scale.minimum, scale.maximum])
    y = alt.Y("film:N", sort=order, title=None)
    colours = alt.Scale(domain=["unusual for the lane", "usual"], range=["#d1495b", "#8c9bab"])
    span = alt.Chart(data).mark_rule(strokeWidth=3, opacity=0.6).encode(
        x=alt.X("low:Q", scale=x_scale, title="jurors' weighted totals (points): each tick one juror, dot the mean"),
        x2="high:Q", y=y, color=alt.Color("reading:N", scale=colours, title=f"spread (robust z > {bar:g})"))
    ticks = alt.Chart(totals).mark_tick(color="#444", thickness=1.5, size=12).encode(
        x=alt.X(f"{col.SCORE}:Q", scale=x_scale), y=y,
        tooltip=["film:N", "juror:N", alt.Tooltip(f"{col.SCORE}:Q", format=".2f", title="total")])
    mean = alt.Chart(data).mark_point(filled=True, color="black", size=45, opacity=1).encode(
        x=alt.X("mean:Q", scale=x_scale), y=y,
        tooltip=["film:N", "n_jurors:Q", alt.Tooltip("mean:Q", format=".2f"), alt.Tooltip("sd:Q", format=".2f"),
                 alt.Tooltip("low:Q", format=".1f"), alt.Tooltip("high:Q", format=".1f"),
                 alt.Tooltip("z:Q", format="+.1f")])
    label = alt.Chart(data.assign(sd_text=data["sd"].map("sd {:.2f}".format))).mark_text(
        align="left", dx=8, fontSize=10, color="#555").encode(x=alt.X("high:Q", scale=x_scale), y=y, text="sd_text:N")
    return alt.layer(span, ticks, mean, label).properties(
        width=420, height=alt.Step(18),
        title=f"Where the jurors disagree: {festival.lane_names().get(lane, lane)} (most spread on top)")


AFFILIATION_COLOURS = {"stands out (after adjustment)": "#d1495b", "within chance": "#8c9bab"}


def affiliation_chart(table: pd.DataFrame, *, lane: str, affiliation: str | None = None,
                      labels: Mapping[str, str] | None = None, p_max: float = 0.05) -> alt.LayerChart:
    """Forest plot of the affiliation screen (:func:`analytics.checks.affiliation.affiliation_table`) for
    the jurors of ``lane`` (and those of several panels who judge it: lane ``all``): each juror's
    preference in points for entries sharing their affiliation, with its 95% interval; red where
    the adjusted p-value is at most ``p_max``. A line at zero: no preference.

    >>> import pandas as pd
    >>> t = pd.DataFrame({"lane": ["a", "a", "all"], "juror_id": ["J1", "J2", ""], "affiliation": "country",
    ...                   "n_same": [3, 2, 5], "n_other": [9, 10, 19], "preference": [1.4, -0.1, 0.6],
    ...                   "ci_low": [0.8, -0.7, 0.1], "ci_high": [2.0, 0.5, 1.1], "p_value": [0.001, 0.7, 0.01],
    ...                   "p_adjusted": [0.002, 0.7, None], "value": ["Japan", "Peru", ""]})
    >>> spec = affiliation_chart(t, lane="a").to_dict()
    >>> sorted(r["juror"] for r in spec["datasets"][spec["data"]["name"]])
    ['J1 (Japan)', 'J2 (Peru)']
    """
    rows = table[(table[col.JUROR_ID] != "") & table[col.LANE].isin([lane, col.ALL_LANES])]
    if affiliation is not None:
        rows = rows[rows["affiliation"] == affiliation]
    if rows.empty:
        raise ValueError(f"the affiliation table has no juror of lane {lane!r}"
                         + (f" on {affiliation!r}" if affiliation else ""))
    data = rows.assign(juror=_juror_label(rows[col.JUROR_ID], labels) + " (" + rows["value"].astype(str) + ")",
                       reading=["stands out (after adjustment)" if p <= p_max else "within chance"
                                for p in rows["p_adjusted"].fillna(1.0)])
    data = data.assign(juror=data["juror"].str.replace(r"^(.*) \(\)$", r"\1", regex=True))
    order = list(data.sort_values("preference", ascending=False)["juror"])
    y = alt.Y("juror:N", sort=order, title=None)
    interval = alt.Chart().mark_rule(strokeWidth=2, color="#666").encode(
        x=alt.X("ci_low:Q", title="points above the other jurors on shared-affiliation entries, against the rest (95% interval)"),
        x2="ci_high:Q", y=y)
    zero = alt.Chart().mark_rule(color="#333").encode(x=alt.datum(0))
    point = alt.Chart().mark_point(filled=True, size=90, opacity=1).encode(
        x="preference:Q", y=y,
        color=alt.Color("reading:N", scale=alt.Scale(domain=list(AFFILIATION_COLOURS), range=list(AFFILIATION_COLOURS.values())),
                        title="adjusted p"),
        tooltip=["juror:N", "affiliation:N", alt.Tooltip("preference:Q", format="+.2f"), alt.Tooltip("ci_low:Q", format="+.2f"),
                 alt.Tooltip("ci_high:Q", format="+.2f"), "n_same:Q", "n_other:Q", alt.Tooltip("p_value:Q", format=".4f"),
                 alt.Tooltip("p_adjusted:Q", format=".4f")])
    names = ", ".join(dict.fromkeys(data["affiliation"]))
    return alt.layer(interval, zero, point, data=data).properties(
        title=f"Affiliation screen, {lane} · {names}", width=520, height=max(120, 24 * len(order)))


def drift_chart(timed: pd.DataFrame, *, lane: str, labels: Mapping[str, str] | None = None,
                drift: pd.DataFrame | None = None, p_max: float = 0.05, columns: int = 3) -> alt.FacetChart:
    """One small panel per juror of ``lane`` (from :func:`analytics.checks.drift.timed_residuals`): their
    residuals (score minus the model's expectation) in the order they were submitted, with a least
    squares line; in red the jurors whose adjusted p-value in ``drift`` (the drift table) is at
    most ``p_max``.

    >>> import pandas as pd
    >>> t = pd.DataFrame({"lane": "a", "juror_id": ["J1"] * 3 + ["J2"] * 3, "entry_id": "E1", "criterion": "c",
    ...                   "at": pd.to_datetime(["2026-01-01"] * 6), "residual": [-1.0, 0.0, 1.0, 0.2, -0.1, 0.0]})
    >>> spec = drift_chart(t, lane="a", drift=pd.DataFrame({"juror_id": ["J1", "J2"], "p_adjusted": [0.01, 0.6]})).to_dict()
    >>> spec["facet"]["field"], spec["columns"]
    ('juror', 3)
    """
    rows = timed[timed[col.LANE] == lane]
    if rows.empty:
        raise ValueError(f"no timed score in lane {lane!r}: scores.csv has no submitted_at there")
    flagged = set() if drift is None else set(drift.loc[drift["p_adjusted"] <= p_max, col.JUROR_ID])
    order = rows.groupby(col.JUROR_ID, sort=False).cumcount() + 1
    data = rows.assign(juror=_juror_label(rows[col.JUROR_ID], labels), order=order,
                       trend=["drifts" if j in flagged else "steady" for j in rows[col.JUROR_ID]],
                       at=rows["at"].astype(str))[["juror", "order", "residual", "trend", "at", col.ENTRY_ID, col.CRITERION]]
    colour = alt.Color("trend:N", scale=alt.Scale(domain=["drifts", "steady"], range=["#d1495b", "#8c9bab"]), title=None)
    points = alt.Chart().mark_circle(size=14, opacity=0.5).encode(
        x=alt.X("order:Q", title="order of submission"), y=alt.Y("residual:Q", title="score − expected"), color=colour,
        tooltip=["juror:N", "order:Q", "at:N", f"{col.ENTRY_ID}:N", f"{col.CRITERION}:N",
                 alt.Tooltip("residual:Q", format="+.2f")])
    line = alt.Chart().transform_regression("order", "residual", groupby=["juror", "trend"]).mark_line(size=2).encode(
        x="order:Q", y="residual:Q", color=colour)
    return alt.layer(points, line, data=data).properties(width=170, height=110).facet(
        facet=alt.Facet("juror:N", title=None), columns=columns).properties(
        title=f"Drift, {lane}: residuals in the order each juror gave them")
