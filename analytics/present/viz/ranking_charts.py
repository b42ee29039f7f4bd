"""Charts of the standings (the table from :func:`analytics.checks.rankings.rankings`)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from analytics.base import columns as col
from analytics.present.viz.juror_charts import _lane_rows

#: rank column of the rankings table -> how the chart names the method
METHODS = {"rank": "official", "rank_z": "z-scores", "rank_median": "median", "rank_trimmed": "trimmed mean",
           "rank_model": "additive model"}


def _films(data: pd.DataFrame) -> pd.Series:
    return data["rank"].astype(int).astype(str) + ". " + data[col.TITLE].fillna("") + " (" + data[col.ENTRY_ID] + ")"


def standings_chart(table: pd.DataFrame, *, lane: str, round: str | None = None,
                    lower_is_better: bool = False) -> alt.HConcatChart:
    """The lane's standings at a glance, best on top, three panels sharing the rows: the
    official score (``lower_is_better``: a rule whose lower result is better, a sum of places or a
    place by majority, and the axis says so); the rank with its 95% interval over resampled juries (a long bar: the
    place is not settled); and the share of resampled juries that put the entry first
    (dark) and in the top three (light). With rounds: the ``round`` given, else the last.

    >>> import pandas as pd
    >>> t = pd.DataFrame({"lane": ["a", "a"], "entry_id": ["E1", "E2"], "title": ["霓虹之夢", "Tide"],
    ...                   "n_jurors": [3, 3], "score": [8.0, 7.0], "rank": [1, 2], "p_first": [0.9, 0.1],
    ...                   "p_top3": [1.0, 1.0],
    ...                   "rank_low": [1.0, 1.0], "rank_high": [2.0, 2.0], "loo_rank_best": [1.0, 1.0],
    ...                   "loo_rank_worst": [1.0, 2.0]})
    >>> spec = standings_chart(t, lane="a").to_dict()
    >>> len(spec["hconcat"]), spec["hconcat"][0]["layer"][0]["encoding"]["y"]["sort"]
    (3, ['1. 霓虹之夢 (E1)', '2. Tide (E2)'])
    """
    data = _lane_rows(table, lane, "rankings", round, last=True).sort_values(["rank", col.ENTRY_ID])
    data = data.assign(film=_films(data))
    n = len(data)
    order = list(data["film"])
    y = alt.Y("film:N", sort=order, title=None)
    y_bare = alt.Y("film:N", sort=order, axis=None)
    tooltip = ["film:N", "n_jurors:Q", alt.Tooltip("score:Q", format=".3f"), "rank:Q",
               alt.Tooltip("rank_low:Q", format=".0f", title="rank, 2.5%"),
               alt.Tooltip("rank_high:Q", format=".0f", title="rank, 97.5%"),
               alt.Tooltip("loo_rank_best:Q", format=".0f", title="best rank, one juror left out"),
               alt.Tooltip("loo_rank_worst:Q", format=".0f", title="worst rank, one juror left out"),
               alt.Tooltip("p_first:Q", format=".0%"), alt.Tooltip("p_top3:Q", format=".0%")]
    base = alt.Chart(data).properties(height=alt.Step(18))
    score = alt.layer(
        base.mark_bar(color="#4a7fb5").encode(
            x=alt.X("score:Q", title="official result, lower is better" if lower_is_better else "official score"),
            y=y, tooltip=tooltip),
        base.mark_text(align="left", dx=3, fontSize=10).encode(x="score:Q", y=y, text=alt.Text("score:Q", format=".2f")),
    ).properties(width=200)
    rank_scale = alt.Scale(domain=[0.5, n + 0.5])
    rank = alt.layer(
        base.mark_rule(strokeWidth=5, color="#b8c7d9").encode(
            x=alt.X("rank_low:Q", scale=rank_scale, title="rank, 95% interval over resampled juries"),
            x2="rank_high:Q", y=y_bare, tooltip=tooltip),
        base.mark_point(filled=True, color="black", size=40, opacity=1).encode(x=alt.X("rank:Q", scale=rank_scale),
                                                                              y=y_bare, tooltip=tooltip),
    ).properties(width=200)
    chance_scale = alt.Scale(domain=[0, 1])
    chance = alt.layer(
        base.mark_bar(color="#c9d9ea").encode(
            x=alt.X("p_top3:Q", scale=chance_scale, axis=alt.Axis(format="%"),
                    title="resampled juries: first (dark), top three (light)"), y=y_bare, tooltip=tooltip),
        base.mark_bar(color="#d1495b", height=8).encode(x=alt.X("p_first:Q", scale=chance_scale), y=y_bare,
                                                        tooltip=tooltip),
        base.transform_filter("datum.p_first > 0").mark_text(align="left", dx=3, fontSize=10).encode(
            x="p_first:Q", y=y_bare, text=alt.Text("p_first:Q", format=".0%")),
    ).properties(width=160)
    return alt.hconcat(score, rank, chance, spacing=12).properties(title=f"Standings, {lane}")


def method_comparison_chart(table: pd.DataFrame, *, lane: str, round: str | None = None) -> alt.LayerChart:
    """The rank of each entry of the lane under the five methods (official, z-scores, median,
    trimmed mean, additive model), entries in official order; colour is the places gained
    (blue) or lost (orange) against the official rank, so a column of white means the
    method agrees with the official standings.

    >>> import pandas as pd
    >>> t = pd.DataFrame({"lane": ["a", "a"], "entry_id": ["E1", "E2"], "title": ["A", "B"],
    ...                   "rank": [1, 2], "rank_z": [2, 1], "rank_median": [1, 1], "rank_trimmed": [1, 2],
    ...                   "rank_model": [1, 2], "score": [8.0, 7.0]})
    >>> rows = method_comparison_chart(t, lane="a").to_dict()["datasets"]
    >>> sorted((r["method"], r["shift"]) for r in next(iter(rows.values())) if r["entry_id"] == "E1")[-1]
    ('z-scores', 1)
    """
    data = _lane_rows(table, lane, "rankings", round, last=True).sort_values(["rank", col.ENTRY_ID])
    data = data.assign(film=_films(data))
    long = data.assign(official=data["rank"]).melt(id_vars=[col.ENTRY_ID, "film", "official"], value_vars=list(METHODS),
                                                    var_name="column", value_name="method_rank")
    long["method"] = long["column"].map(METHODS)
    long["method_rank"] = long["method_rank"].astype(int)
    long["shift"] = long["method_rank"] - long["official"].astype(int)
    reach = max(1, int(long["shift"].abs().max()))
    long["ink"] = (long["shift"].abs() >= max(2, 0.6 * reach)).map({True: "white", False: "black"})
    base = alt.Chart(long).encode(
        x=alt.X("method:N", sort=list(METHODS.values()), title=None, axis=alt.Axis(orient="top", labelAngle=0)),
        y=alt.Y("film:N", sort=list(data["film"]), title=None))
    cells = base.mark_rect(stroke="white", strokeWidth=1).encode(
        color=alt.Color("shift:Q", scale=alt.Scale(domain=[-reach, reach], scheme="blueorange"),
                        title="places vs official (− better)"),
        tooltip=["film:N", "method:N", alt.Tooltip("method_rank:Q", title="rank"),
                 alt.Tooltip("shift:Q", format="+d", title="vs official")])
    ink = alt.when(alt.datum.ink == "white").then(alt.value("white")).otherwise(alt.value("black"))
    text = base.mark_text(fontSize=10).encode(text="method_rank:Q", color=ink)
    return (cells + text).properties(width=alt.Step(84), height=alt.Step(18),
                                     title=f"Rank under each method, {lane} (numbers: rank; colour: change)")
