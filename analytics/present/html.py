"""The report's pieces as data for the templates: tables (cells formatted, classes chosen),
charts as inline SVG images, sections, and the page.

Everything a report shows is rendered by :mod:`.render` (jinja2, autoescaped): text from the
festival's files (titles, countries, reasons) is escaped there, so a title such as
``<script>…`` is shown, never run. This module prepares the values: :func:`table` turns a
frame into headers and formatted cells, :func:`figure` draws a chart by vl-convert into SVG
and embeds it as a ``data:`` image (no chart library, no script and no network at view time;
an SVG shown as an image cannot run scripts either). The page (``page.html.j2``) carries the
one style sheet, ``report.css``, with print rules: A4 pages, a running header (the DRAFT or
CONFIDENTIAL mark on every page when it applies) and page numbers.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Sequence
from dataclasses import dataclass

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


@dataclass(frozen=True)
class Figure:
    """A chart drawn as an SVG ``data:`` URI, with its description (alternative text and caption)."""

    src: str
    description: str


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


def figure(chart: alt.TopLevelMixin, description: str) -> Figure:
    """The chart drawn now, offline, as an SVG image; ``description`` its alternative text and caption."""
    theme.enable()  # the theme's font renders Traditional Chinese
    svg = vlc.vegalite_to_svg(chart.to_dict())
    return Figure("data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii"), description)


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


def page(body: str, *, title: str, draft: bool, confidential: bool, footer: str = "") -> str:
    """The whole HTML document (``page.html.j2``): one file, its style inline, nothing loaded
    from anywhere. ``body`` and ``footer`` are HTML, placed as they are."""
    marks = ([CONFIDENTIAL_MARK] if confidential else []) + ([DRAFT_MARK] if draft else [])
    return str(render("page.html.j2", body=Markup(body), title=title, marks=marks, confidential_mark=CONFIDENTIAL_MARK,
                      footer=Markup(footer)))
