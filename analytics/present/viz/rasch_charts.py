"""The Wright map: a lane's entries, jurors and criteria on one logit ruler (the table ``rasch.csv`` of
:mod:`analytics.checks.rasch`, design section 16).

The model's log-odds are *entry measure − juror severity − criterion difficulty − threshold*, so the three
columns read alike: higher up is a stronger entry, a more severe juror, a harder criterion. An entry placed
above a juror and a criterion tends to get scores above the middle of the scale from that juror on that
criterion; level with them, scores about the middle.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence

import altair as alt
import numpy as np
import pandas as pd

from analytics.present.viz.juror_charts import _lane_rows

#: the model's facets in the order the map shows them, with how to read each column (higher up means …)
WRIGHT_FACETS = {"entry": ("Entries", "stronger"), "juror": ("Jurors", "more severe"),
                 "criterion": ("Criteria", "harder")}
FACET_COLOURS = {"entry": "#4a7fb5", "juror": "#d1495b", "criterion": "#3d8b5f"}
OTHER_COLOUR = "#8c6bb1"
#: a facet with more elements than this is drawn as a histogram (how many at each height), not by name
MAX_LABELS = 60
LABEL_PX = 13  # the height a label needs (font size 11 and a little air)
CHAR_PX = 6.2  # the width of one Latin character of a label, about (font size 11)
WIDE_PX = 11.5  # ... of a CJK character
DOT_PX = 16  # a label's dot and the space after it
PX_PER_LOGIT = 44  # the ruler's scale, within the map's height limits (HEIGHT)
HEIGHT = (300, 640)
BIN_LOGITS = (0.25, 0.5, 1.0, 2.0, 5.0, 10.0)  # a histogram's bands: the first giving at most MAX_BANDS on the ruler
MAX_BANDS = 64


def _how(facet: str) -> tuple[str, str]:
    # a further facet of [rasch] facets is oriented as the jurors and criteria: higher up, lower scores
    return WRIGHT_FACETS.get(facet, (facet.replace("_", " ").capitalize(), "lower scores"))


def _label_px(label: str) -> float:
    """About how wide ``label`` is drawn at font size 11, in pixels (a CJK character is twice a Latin one)."""
    return sum(WIDE_PX if unicodedata.east_asian_width(ch) in "WF" else CHAR_PX for ch in label)


def _pack(measures: np.ndarray, widths: np.ndarray, gap: float) -> np.ndarray:
    """The left edge (pixels) of each label, each at its own measure, so that no two labels less than ``gap``
    logits apart overlap: from the lowest up, each label takes the leftmost place clear of the labels already
    placed within ``gap`` below it (a few dozen labels per facet: :data:`MAX_LABELS`)."""
    order = np.argsort(measures, kind="stable")
    x = np.zeros(len(measures))
    placed: list[int] = []
    for i in order:
        near = [j for j in placed if measures[i] - measures[j] < gap]
        for left in sorted({0.0, *(x[j] + widths[j] for j in near)}):
            if all(left + widths[i] <= x[j] or left >= x[j] + widths[j] for j in near):
                x[i] = left
                break
        placed.append(i)
    return x


def wright_map_data(rasch: pd.DataFrame, *, lane: str, round: str | None = None,
                    labels: Mapping[str, str] | None = None, facets: Sequence[str] | None = None) -> pd.DataFrame:
    """The rows a Wright map draws: one per element of the lane (and round) with a measure, ``facet, label,
    measure, se, n, extreme``, jurors labelled by ``labels`` (juror id → label; the id where it has none).
    ``facets``: the facets shown, in order (default: entries, jurors, criteria, then any others of the model).
    No column holds a juror's id, so a public page that carries the chart's data carries only the labels."""
    rows = _lane_rows(rasch, lane, "rasch", round)
    known = list(dict.fromkeys(rows["facet"]))
    shown = list(facets) if facets is not None else [f for f in WRIGHT_FACETS if f in known] + [
        f for f in known if f not in WRIGHT_FACETS]
    unknown = [f for f in shown if f not in known]
    if unknown:
        raise ValueError(f"the rasch table has no facet {', '.join(map(repr, unknown))} in lane {lane!r}; its facets "
                         f"are {', '.join(map(repr, known))}")
    data = rows[rows["facet"].isin(shown) & rows["measure"].notna()]
    names = dict(labels or {})
    label = np.where(data["facet"] == "juror", data["element"].map(lambda j: names.get(j, str(j))),
                     data["element"].astype(str))
    out = pd.DataFrame({"facet": data["facet"].to_numpy(), "label": label,
                        "measure": data["measure"].to_numpy(dtype=float), "se": data["se"].to_numpy(dtype=float),
                        "n": data["n"].to_numpy(), "extreme": data["extreme"].astype(bool).to_numpy()})
    order = {f: i for i, f in enumerate(shown)}
    return out.sort_values(["facet", "measure"], key=lambda c: c.map(order) if c.name == "facet" else -c,
                           kind="stable").reset_index(drop=True)


def wright_map_description(rasch: pd.DataFrame, *, lane: str, round: str | None = None,
                           lane_name: str | None = None) -> str:
    """The map's caption and alternative text: what it shows and how to read it; ``lane_name``: how it names the
    lane and round (default: the lane's id and the round's).

    >>> import pandas as pd
    >>> t = pd.DataFrame({"lane": "a", "round": "", "facet": ["entry", "entry", "juror", "criterion"],
    ...                   "element": ["E1", "E2", "J1", "C1"], "measure": [1.0, -1.0, 0.2, 0.0]})
    >>> print(wright_map_description(t, lane="a", lane_name="Shorts"))  # doctest: +NORMALIZE_WHITESPACE
    Wright map of Shorts: 2 entries, 1 juror and 1 criterion on one ruler in logits. Higher up is a stronger entry,
    a more severe juror, a harder criterion; an entry placed above a juror and a criterion tends to get scores
    above the middle of the scale from that juror on that criterion.
    """
    rows = _lane_rows(rasch, lane, "rasch", round)
    counts = rows.groupby("facet", sort=False).size()
    words = {"entry": ("entry", "entries"), "juror": ("juror", "jurors"), "criterion": ("criterion", "criteria")}
    order = [f for f in WRIGHT_FACETS if f in counts] + [f for f in counts.index if f not in WRIGHT_FACETS]
    parts = [f"{counts[f]} {words.get(f, (f, f))[int(counts[f] != 1)]}" for f in order]
    listed = ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else parts[0]
    rnd = rows["round"].iloc[0] if "round" in rows and len(rows) else ""
    where = lane_name if lane_name is not None else lane + (f", round {rnd}" if rnd else "")
    reading = ", ".join(f"a {_how(f)[1]} {words.get(f, (f, f))[0]}" for f in order if f in WRIGHT_FACETS)
    return (f"Wright map of {where}: {listed} on one ruler in logits. Higher up is {reading}; an entry placed above "
            "a juror and a criterion tends to get scores above the middle of the scale from that juror on that "
            "criterion.")


def wright_map_chart(rasch: pd.DataFrame, *, lane: str, round: str | None = None,
                     labels: Mapping[str, str] | None = None, facets: Sequence[str] | None = None,
                     lane_name: str | None = None, counts: bool = True) -> alt.HConcatChart:
    """The Wright map of one lane (and round; with rounds the ``round`` given, else the first), from
    :func:`analytics.checks.rasch.rasch_table`: one column per facet (entries, jurors, criteria, then any
    others of the model) on one vertical ruler in logits, each element a dot at its measure with its label
    beside it (labels that would overlap are set side by side); a facet of more than :data:`MAX_LABELS`
    elements is a histogram of how many sit at each height. Jurors are labelled by ``labels`` (juror id →
    label: pseudonyms in a public report); the chart's data hold the labels only, never a juror's id, and
    with ``counts=False`` no count of ratings (a public report shows none: a juror with a rating fewer would
    show whose score a decision excluded).
    How to read it: higher up is a stronger entry, a more severe juror, a harder criterion (the
    chart's ``description``, :func:`wright_map_description`, says so for screen readers).

    >>> import pandas as pd
    >>> t = pd.DataFrame({"lane": "a", "round": "", "facet": ["entry", "entry", "juror", "juror", "criterion"],
    ...                   "element": ["E1", "E2", "JR1", "JR2", "C1"], "measure": [1.0, -1.0, 0.3, -0.3, 0.0],
    ...                   "se": 0.2, "n": 4, "extreme": False})
    >>> spec = wright_map_chart(t, lane="a", labels={"JR1": "J2", "JR2": "J1"}).to_dict()
    >>> [panel["title"]["text"][0] for panel in spec["hconcat"]]
    ['Entries', 'Jurors', 'Criteria']
    >>> sorted(r["label"] for r in spec["datasets"][spec["data"]["name"]] if r["facet"] == "juror")
    ['J1', 'J2']
    >>> "JR1" in str(spec)
    False
    """
    data = wright_map_data(rasch, lane=lane, round=round, labels=labels, facets=facets)
    if not counts:
        data = data.drop(columns="n")
    shown = list(dict.fromkeys(data["facet"]))
    low, high = (float(data["measure"].min()), float(data["measure"].max())) if len(data) else (-1.0, 1.0)
    low, high = np.floor(low - 0.25), np.ceil(high + 0.25)
    span = high - low
    height = int(np.clip(span * PX_PER_LOGIT, *HEIGHT))
    gap = LABEL_PX * span / height  # a label's height in logits
    band = next((b for b in BIN_LOGITS if span / b <= MAX_BANDS), BIN_LOGITS[-1])
    scale = alt.Scale(domain=[low, high], nice=False, zero=False)
    data["x"] = 0.0
    widths = {}
    for facet in shown:
        rows = data["facet"] == facet
        if rows.sum() > MAX_LABELS:
            widths[facet] = 160
            continue
        label_widths = DOT_PX + data.loc[rows, "label"].map(_label_px).to_numpy() + 8
        x = _pack(data.loc[rows, "measure"].to_numpy(), label_widths, gap)
        data.loc[rows, "x"] = 6 + x
        widths[facet] = int(max((x + label_widths).max() + 6, 90))
    tooltip = [alt.Tooltip("label:N", title="element"), alt.Tooltip("measure:Q", format="+.2f", title="logits"),
               alt.Tooltip("se:Q", format=".2f", title="S.E."),
               *([alt.Tooltip("n:Q", title="ratings")] if counts else []),
               alt.Tooltip("extreme:N", title="extreme score")]
    panels = []
    for i, facet in enumerate(shown):
        name, higher = _how(facet)
        colour = FACET_COLOURS.get(facet, OTHER_COLOUR)
        many = int((data["facet"] == facet).sum()) > MAX_LABELS
        axis = (alt.Axis(title="measure (logits)", tickMinStep=1, grid=True) if i == 0
                else alt.Axis(title=None, labels=False, ticks=False, domain=False, grid=True, tickMinStep=1))
        base = alt.Chart().transform_filter(alt.FieldEqualPredicate(field="facet", equal=facet))
        zero = alt.Chart().transform_aggregate(rows="count()").mark_rule(color="#999", strokeDash=[2, 2]).encode(
            y=alt.datum(0))
        if many:
            marks = base.transform_bin("band", "measure", bin=alt.Bin(step=band)).transform_aggregate(
                count="count()", groupby=["band", "band_end"]).mark_bar(color=colour, orient="horizontal").encode(
                y=alt.Y("band:Q", scale=scale, axis=axis), y2="band_end:Q",
                x=alt.X("count:Q", title=f"how many ({band:g}-logit bands)"),
                tooltip=[alt.Tooltip("count:Q", title="how many"), alt.Tooltip("band:Q", title="from (logits)"),
                         alt.Tooltip("band_end:Q", title="to (logits)")])
            panel = alt.layer(marks, zero)
        else:
            x = alt.X("x:Q", scale=alt.Scale(domain=[0, widths[facet]], nice=False, zero=True), axis=None)
            y = alt.Y("measure:Q", scale=scale, axis=axis)
            dots = base.mark_point(filled=True, size=36, opacity=1, color=colour).encode(x=x, y=y, tooltip=tooltip)
            names = base.mark_text(align="left", baseline="middle", dx=6, fontSize=11).encode(
                x=x, y=y, text="label:N", tooltip=tooltip)
            panel = alt.layer(zero, dots, names)
        panels.append(panel.properties(width=widths[facet], height=height,
                                       title=alt.TitleParams([name, f"higher: {higher}"], anchor="middle",
                                                             fontSize=12)))
    description = wright_map_description(rasch, lane=lane, round=round, lane_name=lane_name)
    return alt.hconcat(*panels, data=data, spacing=6).resolve_scale(y="shared").properties(
        description=description)
