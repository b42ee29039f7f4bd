"""The HTML of the reports: escaped tables, charts as inline images, sections, the page.

Everything a report shows passes through here. Text from the festival's files (titles,
countries, reasons) is HTML-escaped, so a title such as ``<script>…`` is shown, never run.
Charts are drawn by vl-convert into SVG and embedded as ``data:`` images: no chart library,
no script and no network at view time, and an SVG shown as an image cannot run scripts
either. The page carries its own style sheet, with print rules: A4 pages, a running header
(the DRAFT or CONFIDENTIAL mark on every page when it applies) and page numbers.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pandas as pd
import vl_convert as vlc

from ..viz import alt, theme  # alt: altair, loaded the quick way (analytics.viz)

DRAFT_MARK = "DRAFT — NOT FOR PUBLICATION"
CONFIDENTIAL_MARK = "CONFIDENTIAL — JURY ROOM ONLY"
MISSING = "–"
NUM = ' class="num"'
NOWRAP = ' class="nowrap"'
SHORT = 16  # columns whose cells are all this short never wrap

#: a column of a shown table: (column of the frame, header, format: a format spec or a function)
Column = tuple[str, str, "str | Callable[[object], str] | None"]


def esc(value: object) -> str:
    """``value`` as HTML text (quotes too).

    >>> esc('<img src=x onerror="alert(1)">')
    '&lt;img src=x onerror=&quot;alert(1)&quot;&gt;'
    """
    return html.escape("" if value is None else str(value), quote=True)


def _cell(value: object, fmt: str | Callable[[object], str] | None) -> str:
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return MISSING
    if callable(fmt):
        return fmt(value)
    if fmt:
        try:
            return format(value, fmt)
        except (TypeError, ValueError):
            return str(value)
    return str(value)


def table_html(frame: pd.DataFrame, columns: Sequence[Column], *, caption: str | None = None,
               numeric: Sequence[str] = (), row_class: Sequence[str] | None = None) -> str:
    """An HTML table of ``frame``'s ``columns`` (every cell escaped; missing values as –);
    ``row_class``: a CSS class per row ('' for none).

    >>> import pandas as pd
    >>> t = pd.DataFrame({"title": ["<script>alert(1)</script>"], "score": [7.25]})
    >>> table_html(t, [("title", "Film", None), ("score", "Score", ".1f")])
    '<table><thead><tr><th>Film</th><th>Score</th></tr></thead><tbody><tr><td>&lt;script&gt;alert(1)&lt;/script&gt;</td><td class="num">7.2</td></tr></tbody></table>'
    """
    shown = [(key, header, fmt) for key, header, fmt in columns if key in frame.columns]
    numbers = set(numeric) | {key for key, _, _ in shown if pd.api.types.is_numeric_dtype(frame[key])}
    short = {key for key, _, fmt in shown if max((len(_cell(v, fmt)) for v in frame[key]), default=0) <= SHORT}
    head = "".join(f"<th>{esc(header)}</th>" for _, header, _ in shown)
    rows = []
    classes = row_class if row_class is not None else [""] * len(frame)
    for record, kind in zip(frame[[key for key, _, _ in shown]].itertuples(index=False, name=None), classes):
        cells = "".join(f"<td{NUM if key in numbers else NOWRAP if key in short else ''}>{esc(_cell(value, fmt))}</td>"
                        for (key, _, fmt), value in zip(shown, record))
        rows.append(f'<tr class="{esc(kind)}">{cells}</tr>' if kind else f"<tr>{cells}</tr>")
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    return f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def chart_html(chart: alt.TopLevelMixin, description: str) -> str:
    """The chart as an SVG image inside the page (drawn now, offline), ``description`` as its
    alternative text and caption."""
    theme.enable()  # the theme's font renders Traditional Chinese
    svg = vlc.vegalite_to_svg(chart.to_dict())
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return (f'<figure><img src="data:image/svg+xml;base64,{data}" alt="{esc(description)}">'
            f"<figcaption>{esc(description)}</figcaption></figure>")


def paragraph(text: str) -> str:
    return f"<p>{esc(text)}</p>"


#: the key in a left-out section's display metadata (``{"text/html": {LEFT_OUT: reason}}``): the
#: report leaves the section out, with the markdown cell that introduces it
LEFT_OUT = "jury_left_out"


@dataclass(frozen=True)
class Section:
    """A part of a report: HTML that notebooks display and the page shows. A section with
    nothing to show for this festival (``left_out``: why) shows the reason in the notebook and
    is left out of the page, heading and all: its display says so in its metadata."""

    html: str
    left_out: str = ""

    @classmethod
    def omitted(cls, reason: str) -> Section:
        return cls("", left_out=reason)

    def _repr_html_(self) -> str | tuple[str, dict]:
        if self.left_out:
            return f'<p class="note">{esc(self.left_out)}</p>', {LEFT_OUT: self.left_out}
        return f'<div class="jury-section">{self.html}</div>'

    def __str__(self) -> str:
        shown = self._repr_html_()
        return shown[0] if isinstance(shown, tuple) else shown


STYLE = """
:root { --ink: #1d2430; --muted: #5b6472; --rule: #d7dce3; --accent: #4a7fb5; --alarm: #b00020; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans CJK TC", "Noto Sans", "Helvetica Neue", Arial, sans-serif; color: var(--ink);
       margin: 0 auto; max-width: 1060px; padding: 0 24px 48px; line-height: 1.45; font-size: 15px; }
h1 { font-size: 28px; margin: 24px 0 4px; } h2 { font-size: 21px; margin: 32px 0 8px; border-bottom: 2px solid var(--rule); }
h3 { font-size: 17px; margin: 20px 0 6px; }
.subtitle { color: var(--muted); margin: 0 0 12px; }
.mark { position: sticky; top: 0; z-index: 10; background: var(--alarm); color: #fff; font-weight: 700;
        text-align: center; padding: 6px; letter-spacing: .04em; margin: 0 -24px; }
.mark.confidential { background: #3b3f46; }
.status { border-left: 6px solid var(--accent); background: #f3f6fa; padding: 8px 12px; margin: 12px 0; }
.status.blocked { border-color: var(--alarm); background: #fbf0f2; }
.synthetic { border: 1px dashed var(--muted); padding: 6px 10px; color: var(--muted); }
table { border-collapse: collapse; margin: 8px 0 16px; font-size: 13px; }
caption { text-align: left; font-weight: 600; padding: 4px 0; }
th, td { border-bottom: 1px solid var(--rule); padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #f3f6fa; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; } td.nowrap { white-space: nowrap; }
figure { margin: 12px 0 20px; } figure img { max-width: 100%; height: auto; }
figcaption { color: var(--muted); font-size: 12px; }
.anchor-link { display: none; }
.row { display: flex; flex-wrap: wrap; gap: 8px 40px; align-items: flex-start; }
.note { color: var(--muted); font-size: 13px; }
footer { margin-top: 40px; color: var(--muted); font-size: 12px; border-top: 1px solid var(--rule); padding-top: 8px; }
@media print {
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  .mark { display: none; }
  h2 { break-after: avoid; } h3 { break-after: avoid; }
  figure, tr { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
}
"""


def _page_rule(marks: Sequence[str], running_title: str) -> str:
    top = " · ".join(marks)
    header = (f'@top-center {{ content: "{_css_string(top)}"; color: #b00020; font: 700 11pt sans-serif; }}'
              if top else "")
    return ("@page { size: A4; margin: 18mm 14mm 16mm; " + header +
            f'@bottom-left {{ content: "{_css_string(running_title)}"; color: #5b6472; font: 8pt sans-serif; }}'
            '@bottom-right { content: "page " counter(page) " of " counter(pages); color: #5b6472; font: 8pt sans-serif; } }')


def _css_string(text: str) -> str:
    """``text`` safe inside a double-quoted CSS string within a <style> element."""
    out = []
    for char in text:
        if char.isalnum() or char in " .,:;–—-_()/&'·%+":
            out.append(char)
        else:
            out.append(f"\\{ord(char):06x}")
    return "".join(out)


def page(body: str, *, title: str, draft: bool, confidential: bool, footer: str = "") -> str:
    """The whole HTML document: one file, its style inline, nothing loaded from anywhere."""
    marks = ([CONFIDENTIAL_MARK] if confidential else []) + ([DRAFT_MARK] if draft else [])
    banners = "".join(f'<div class="mark{" confidential" if m == CONFIDENTIAL_MARK else ""}">{esc(m)}</div>'
                      for m in marks)
    return ("<!DOCTYPE html>\n"
            f'<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<meta name="robots" content="noindex"><title>{esc(title)}</title>'
            f"<style>{STYLE}{_page_rule(marks, title)}</style></head>\n"
            f"<body>{banners}\n{body}\n<footer>{footer}</footer></body></html>\n")
