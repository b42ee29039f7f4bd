"""The report's HTML pieces: tables (through the ``table`` macro), charts as inline SVG images,
sections, the page (the export of an executed notebook into a page is tested in test_report.py)."""

from __future__ import annotations

import base64
import xml.etree.ElementTree as ET

import altair as alt
import pandas as pd
import pytest

from analytics.present.html import (
    CONFIDENTIAL_MARK,
    DRAFT_MARK,
    LEFT_OUT,
    Section,
    chart_html,
    page,
    table,
)
from analytics.present.render import macro

HOSTILE = '<script>alert("x")</script>'


def svg_of(figure: str) -> str:
    src = figure.split('src="', 1)[1].split('"', 1)[0]
    assert src.startswith("data:image/svg+xml;base64,")
    return base64.b64decode(src.split(",", 1)[1]).decode("utf-8")


def table_html(*args, **kwargs) -> str:
    return str(macro("table")(table(*args, **kwargs)))


def test_table_escapes_every_cell_and_header_and_formats_numbers():
    frame = pd.DataFrame({"title": [HOSTILE, None], "score": [7.256, float("nan")], "lane": ["a", "b"]})
    out = table_html(frame, [("title", "<b>Film</b>", None), ("score", "Score", ".2f"), ("missing", "Absent", None)])
    assert "<script" not in out and "<b>" not in out
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in out and "<th>&lt;b&gt;Film&lt;/b&gt;</th>" in out
    assert '<td class="num">7.26</td>' in out and '<td class="num">–</td>' in out and "<td>–</td>" in out
    assert "Absent" not in out  # a column the frame lacks is left out
    assert table_html(frame, [("lane", "Lane", None)]).count('class="nowrap"') == 2


def test_table_marks_rows_and_keeps_the_caption_as_text():
    frame = pd.DataFrame({"film": ["a", "b"]})
    out = table_html(frame, [("film", "Film", None)], caption=HOSTILE, row_class=["blocker", ""])
    assert out.startswith("<table><caption>&lt;script&gt;") and '<tr class="blocker">' in out and "<tr><td" in out
    assert table(frame, [("film", "Film", None)]).caption == ""  # no caption element without one


def test_chart_is_an_inline_svg_image_with_escaped_text():
    data = pd.DataFrame({"film": [HOSTILE, "潛在空間的九龍"], "score": [7.0, 8.0]})
    chart = alt.Chart(data).mark_bar().encode(x="score:Q", y="film:N")
    figure = chart_html(chart, f"scores of {HOSTILE}")
    assert figure.startswith("<figure><img ") and "<script" not in figure
    svg = svg_of(figure)
    root = ET.fromstring(svg)  # well-formed: the hostile label is escaped inside the SVG too
    assert not [e for e in root.iter() if e.tag.endswith("script")]
    texts = [e.text for e in root.iter() if e.tag.endswith("text")]
    assert HOSTILE in texts and "潛在空間的九龍" in texts
    assert "Noto Sans CJK TC" in svg  # the theme's font, which has the glyphs


def test_section_shows_as_html_in_notebooks():
    assert Section("<p>x</p>")._repr_html_() == '<div class="jury jury-section"><p>x</p></div>'
    shown, metadata = Section.omitted(HOSTILE)._repr_html_()  # the reason shown, and the report told to leave it out
    assert shown.startswith('<p class="note">') and "<script" not in shown
    assert metadata == {LEFT_OUT: HOSTILE}


@pytest.mark.parametrize(("draft", "confidential", "marks"), [
    (False, False, []), (True, False, [DRAFT_MARK]), (False, True, [CONFIDENTIAL_MARK]),
    (True, True, [CONFIDENTIAL_MARK, DRAFT_MARK])])
def test_page_marks_the_top_of_the_screen_and_of_every_printed_page(draft, confidential, marks):
    html = page("<p>body</p>", title="Festival", draft=draft, confidential=confidential)
    banners = [m for m in (DRAFT_MARK, CONFIDENTIAL_MARK) if f">{m}</div>" in html]
    assert sorted(banners) == sorted(marks)
    assert ("@top-center" in html) == bool(marks)
    assert html.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in html


def test_page_title_cannot_break_out_of_the_title_or_the_style_sheet():
    html = page("", title='Fest"</style><script>alert(1)</script>', draft=True, confidential=False)
    assert "<script" not in html and html.count("</style>") == 1
    assert "<title>Fest&#34;&lt;/style&gt;&lt;script&gt;" in html  # shown as text in the title


def test_page_includes_the_one_style_sheet_and_the_footer_as_html():
    html = page("<p>body</p>", title="F", draft=False, confidential=False, footer="made <em>here</em>")
    assert ".jury td.num" in html and '<body class="jury">' in html and "<footer>made <em>here</em></footer>" in html
