"""Charts of who scored what."""

from __future__ import annotations

import altair as alt

from analytics.base import columns as col
from analytics.checks.pairs import STATUSES, coverage
from analytics.load.festival import Festival

STATUS_COLOURS = {"complete": "#4c9a6a", "partial": "#e0a030", "missing": "#d1495b", "conflict": "#b8b8b8",
                  "conflict_scored": "#6a3d9a", "unassigned": "#4a7fb5"}


def coverage_chart(festival: Festival) -> alt.FacetChart:
    """Which juror scored which entry, one heatmap per lane (see :func:`analytics.checks.pairs.coverage`).

    >>> from analytics import load_festival
    >>> spec = coverage_chart(load_festival("data/demo")).to_dict()
    >>> spec["spec"]["mark"]["type"], spec["facet"]["row"]["field"]
    ('rect', 'lane_name')
    """
    pairs = coverage(festival)
    names = {lane.id: lane.name for lane in festival.config.lanes}
    titles = festival.entries.set_index(col.ENTRY_ID)[col.TITLE]
    data = pairs.assign(lane_name=pairs[col.LANE].map(names), title=pairs[col.ENTRY_ID].map(titles))
    base = alt.Chart(data).mark_rect(stroke="white", strokeWidth=1).encode(
        x=alt.X(f"{col.ENTRY_ID}:N", title="entry", sort="ascending", axis=alt.Axis(labelAngle=-60)),
        y=alt.Y(f"{col.JUROR_ID}:N", title="juror", sort="ascending"),
        color=alt.Color(f"{col.STATUS}:N", title="scores",
                        scale=alt.Scale(domain=list(STATUSES), range=[STATUS_COLOURS[s] for s in STATUSES])),
        tooltip=[alt.Tooltip(f"{col.ENTRY_ID}:N", title="entry"), alt.Tooltip("title:N"),
                 alt.Tooltip(f"{col.JUROR_ID}:N", title="juror"), alt.Tooltip(f"{col.N_SCORED}:Q", title="scored"),
                 alt.Tooltip(f"{col.N_EXPECTED}:Q", title="expected"), alt.Tooltip(f"{col.STATUS}:N", title="status")],
    ).properties(width=alt.Step(16), height=alt.Step(16))
    order = [names[lane] for lane in festival.config.lane_ids]
    return base.facet(row=alt.Row("lane_name:N", title=None, sort=order, header=alt.Header(labelAngle=0, labelAlign="left")),
                      ).resolve_scale(x="independent", y="independent").properties(
        title="Coverage: which juror scored which entry")
