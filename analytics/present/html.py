"""The report's pieces as data for the templates: tables (cells formatted, classes chosen),
charts as inline SVG images, sections, and the page.

Everything a report shows is rendered by :mod:`.render` (jinja2, autoescaped): text from the
festival's files (titles, countries, reasons) is escaped there, so a title such as
``<script>…`` is shown, never run. This module prepares the values: :func:`table` turns a
frame into headers and formatted cells, :func:`figure` draws a chart by vl-convert into SVG
and embeds it as a ``data:`` image (no chart library, no script and no network at view time;
an SVG shown as an image cannot run scripts either), or, for ``jury report``'s pages, keeps the
chart's Vega-Lite spec for the page to draw in the reader's browser (``draw="browser"``):
the page then carries vega-embed (``templates/vendor/vega-embed.js``, shipped with the
package: nothing is fetched) and draws each chart as SVG when it opens, in a fraction of the
time vl-convert takes per chart here. The page (``page.html.j2``) carries the
one style sheet, ``report.css``, with print rules: A4 pages, a running header (the DRAFT or
CONFIDENTIAL mark on every page when it applies) and page numbers.
"""

from __future__ import annotations

import base64
import functools
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Literal

import pandas as pd
import vl_convert as vlc
from markupsafe import Markup

from analytics.present.viz import alt, theme  # alt: altair, loaded the quick way (analytics.present.viz)
from analytics.present.render import macro, number, render

DRAFT_MARK = "DRAFT — NOT FOR PUBLICATION"
CONFIDENTIAL_MARK = "CONFIDENTIAL — JURY ROOM ONLY"
SHORT = 16  # columns whose cells are all this short never wrap

#: a column of a shown table: (column of the frame, header, format: a format spec or a function)
Column = tuple[str, str, "str | Callable[[object], str] | None"]


@dataclass(frozen=True)
class Cell:
    text: str
    kind: str = ""  # its CSS class: "num" (right-aligned figures), "nowrap" or ""


@dataclass(frozen=True)
class Row:
    cells: tuple[Cell, ...]
    kind: str = ""  # its CSS class, "" for none


@dataclass(frozen=True)
class Table:
    """A table as the ``table`` macro shows it: headers and formatted cells."""

    headers: tuple[str, ...]
    rows: tuple[Row, ...]
    caption: str = ""


#: how a chart is drawn: now, by vl-convert, as an SVG image ("svg"); or by the page, in the
#: reader's browser, from its Vega-Lite spec ("browser")
Draw = Literal["svg", "browser"]
DRAWS = ("svg", "browser")


@dataclass(frozen=True)
class Figure:
    """A chart with its description (alternative text and caption): drawn as an SVG ``data:``
    URI (``src``), or its Vega-Lite spec as JSON (``spec``) for the page to draw."""

    src: str
    description: str
    spec: str = ""


def _cell(value: object, fmt: str | Callable[[object], str] | None) -> str:
    if callable(fmt) and not (value is None or (pd.api.types.is_scalar(value) and pd.isna(value))):
        return fmt(value)
    return number(value, fmt if isinstance(fmt, str) else "")


def table(frame: pd.DataFrame, columns: Sequence[Column], *, caption: str | None = None,
          numeric: Sequence[str] = (), row_class: Sequence[str] | None = None) -> Table:
    """``frame``'s ``columns`` as a :class:`Table` (missing values as –; a column the frame lacks
    is left out); ``numeric``: columns shown as figures besides the numeric ones; ``row_class``:
    a CSS class per row ('' for none).

    >>> import pandas as pd
    >>> t = table(pd.DataFrame({"title": ["<script>alert(1)</script>"], "score": [7.25]}),
    ...           [("title", "Film", None), ("score", "Score", ".1f")])
    >>> t.headers, [c.text for c in t.rows[0].cells], [c.kind for c in t.rows[0].cells]
    (('Film', 'Score'), ['<script>alert(1)</script>', '7.2'], ['', 'num'])
    >>> str(macro("table")(t))
    '<table><thead><tr><th>Film</th><th>Score</th></tr></thead><tbody><tr><td>&lt;script&gt;alert(1)&lt;/script&gt;</td><td class="num">7.2</td></tr></tbody></table>'
    """
    shown = [(key, header, fmt) for key, header, fmt in columns if key in frame.columns]
    numbers = set(numeric) | {key for key, _, _ in shown if pd.api.types.is_numeric_dtype(frame[key])}
    texts = {key: [_cell(v, fmt) for v in frame[key]] for key, _, fmt in shown}
    short = {key for key, _, _ in shown if max((len(t) for t in texts[key]), default=0) <= SHORT}
    kinds = ["num" if key in numbers else "nowrap" if key in short else "" for key, _, _ in shown]
    classes = row_class if row_class is not None else [""] * len(frame)
    rows = tuple(Row(tuple(Cell(texts[key][i], kind) for (key, _, _), kind in zip(shown, kinds)), classes[i] or "")
                 for i in range(len(frame)))
    return Table(tuple(header for _, header, _ in shown), rows, caption or "")


def figure(chart: alt.TopLevelMixin, description: str, *, draw: Draw = "svg") -> Figure:
    """The chart drawn now, offline, as an SVG image (``draw="svg"``), or its spec for the page
    to draw (``draw="browser"``); ``description`` its alternative text and caption. The spec is
    not validated against the Vega-Lite schema here (the chart functions' tests do that).

    >>> import pandas as pd
    >>> chart = alt.Chart(pd.DataFrame({"x": [1]})).mark_point().encode(x="x:Q")
    >>> f = figure(chart, "One point", draw="browser")
    >>> f.src, json.loads(f.spec)["mark"]["type"]
    ('', 'point')
    """
    if draw not in DRAWS:
        raise ValueError(f"draw must be one of {DRAWS}; got {draw!r}")
    theme.enable(fonts=draw == "svg")  # the theme's font renders Traditional Chinese
    spec = chart.to_dict(validate=False)
    if draw == "browser":
        spec = used_columns_only(spec)
        return Figure("", description, json.dumps(spec, ensure_ascii=False, separators=(",", ":"), sort_keys=True))
    return Figure(_drawn(json.dumps(spec, ensure_ascii=False, sort_keys=True)), description)


#: the drawings kept in a process (a report draws each chart once; the chair explorer, the feedback pages and a
#: report built again on the same data draw the same specs again)
DRAWN_KEPT = 128


@functools.lru_cache(maxsize=DRAWN_KEPT)
def _drawn(spec: str) -> str:
    """The SVG ``data:`` URI of the Vega-Lite ``spec`` (JSON text), drawn offline by vl-convert: the same spec
    always gives the same drawing, so a spec drawn before is not drawn again (about half a second each)."""
    svg = vlc.vegalite_to_svg(json.loads(spec))
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def used_columns_only(spec: dict) -> dict:
    """``spec`` with each inline dataset cut to the columns the rest of the spec names: altair
    embeds the whole frame a chart is made from, and a page that carries the spec carries its
    data (a column the chart never shows, such as a juror's id beside the pseudonym, must not
    be in a public page). A column is kept when its name appears anywhere else in the spec (an
    encoding's field, a transform, an expression), so no column a chart uses is ever cut.

    >>> spec = {"mark": "bar", "encoding": {"x": {"field": "juror"}}, "data": {"name": "d"},
    ...         "datasets": {"d": [{"juror": "J1", "juror_id": "JR07"}]}}
    >>> used_columns_only(spec)["datasets"]
    {'d': [{'juror': 'J1'}]}
    """
    datasets = spec.get("datasets")
    if not datasets:
        return spec
    rest = json.dumps({key: value for key, value in spec.items() if key != "datasets"}, ensure_ascii=False)
    cut = {}
    for name, rows in datasets.items():
        named = {column for row in rows for column in row if column in rest}
        cut[name] = [{column: value for column, value in row.items() if column in named} for row in rows]
    return {**spec, "datasets": cut}


@functools.cache
def vega_embed_script() -> Markup:
    """The JavaScript that draws a page's charts (vega, vega-lite and vega-embed, one file
    shipped in ``templates/vendor/``), placed in the page as it is."""
    text = (resources.files("analytics") / "templates" / "vendor" / "vega-embed.js").read_text(encoding="utf-8")
    return Markup(text)


def chart_html(chart: alt.TopLevelMixin, description: str) -> Markup:
    """The chart as a ``<figure>`` with its SVG image (the ``figure`` macro)."""
    return macro("figure")(figure(chart, description))


#: the key in a left-out section's display metadata (``{"text/html": {LEFT_OUT: reason}}``): the
#: report leaves the section out, with the markdown cell that introduces it
LEFT_OUT = "jury_left_out"


@dataclass(frozen=True)
class Section:
    """A part of a report: HTML (rendered by a template; trusted as markup) that notebooks
    display and the page shows. A section with nothing to show for this festival
    (``left_out``: why) shows the reason in the notebook and is left out of the page,
    heading and all: its display says so in its metadata."""

    html: str
    left_out: str = ""

    @classmethod
    def omitted(cls, reason: str) -> Section:
        return cls("", left_out=reason)

    def _repr_html_(self) -> str | tuple[str, dict]:
        shown = str(render("section.html.j2", html=Markup(self.html), left_out=self.left_out))
        return (shown, {LEFT_OUT: self.left_out}) if self.left_out else shown

    def __str__(self) -> str:
        shown = self._repr_html_()
        return shown[0] if isinstance(shown, tuple) else shown


#: what the ``figure`` macro writes for a chart the page draws (``draw="browser"``)
CHART_TO_DRAW = 'class="chart" data-spec="'


def page(body: str, *, title: str, draft: bool, confidential: bool, footer: str = "") -> str:
    """The whole HTML document (``page.html.j2``): one file, its style inline, nothing loaded
    from anywhere. ``body`` and ``footer`` are HTML, placed as they are. A body with charts to
    draw (:func:`figure` with ``draw="browser"``) gets the script that draws them, inline."""
    marks = ([CONFIDENTIAL_MARK] if confidential else []) + ([DRAFT_MARK] if draft else [])
    charts = CHART_TO_DRAW in body
    return str(render("page.html.j2", body=Markup(body), title=title, marks=marks, confidential_mark=CONFIDENTIAL_MARK,
                      footer=Markup(footer), vega_embed=vega_embed_script() if charts else None))
