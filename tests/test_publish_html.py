"""The report's HTML pieces: tables (through the ``table`` macro), charts as inline SVG images
or as specs the page draws, sections, the page (the export of an executed notebook into a page is tested in test_report.py)."""

from __future__ import annotations

import base64
import html as htmllib
import importlib.metadata
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import altair as alt
import pandas as pd
import pytest

from analytics.present.html import (
    CONFIDENTIAL_MARK,
    DRAFT_MARK,
    LEFT_OUT,
    Figure,
    Section,
    chart_html,
    figure,
    page,
    table,
    used_columns_only,
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


def test_a_chart_the_page_draws_carries_its_spec_escaped_and_the_page_its_script():
    data = pd.DataFrame({"film": [HOSTILE, "潛在空間的九龍"], "score": [7.0, 8.0]})
    chart = alt.Chart(data).mark_bar().encode(x="score:Q", y="film:N")
    markup = str(macro("figure")(figure(chart, f"scores of {HOSTILE}", draw="browser")))
    assert markup.startswith('<figure class="chart" data-spec="') and "<script" not in markup and "<img" not in markup
    spec = json.loads(htmllib.unescape(re.search(r'data-spec="([^"]*)"', markup).group(1)))
    assert [row["film"] for row in next(iter(spec["datasets"].values()))] == [HOSTILE, "潛在空間的九龍"]
    shipped = (Path(__file__).parents[1] / "analytics" / "templates" / "vendor" / "vega-embed.js").read_text("utf-8")
    with_chart = page(markup, title="F", draft=False, confidential=False)
    assert with_chart.count("<script>") == 2 and shipped in with_chart
    assert "<script" not in page("<p>no chart</p>", title="F", draft=False, confidential=False)
    with pytest.raises(ValueError, match="draw must be one of"):
        figure(chart, "x", draw="png")


def test_a_spec_keeps_the_columns_its_chart_uses_and_only_those():
    data = pd.DataFrame({"juror": ["J1", "J2"], "juror_id": ["JR07", "JR08"], "severity": [0.5, -0.5],
                         "n_scores": [10, 12], "note": ["a", "b"]})
    chart = alt.layer(
        alt.Chart(data).mark_bar().encode(x="severity:Q", y="juror:N", tooltip=["n_scores:Q"]),
        alt.Chart(data).transform_filter("datum.severity > 0").mark_text().encode(x="severity:Q", y="juror:N"),
    )
    spec = chart.to_dict()
    (rows,) = used_columns_only(spec)["datasets"].values()
    assert rows == [{"juror": "J1", "severity": 0.5, "n_scores": 10}, {"juror": "J2", "severity": -0.5, "n_scores": 12}]
    assert spec["datasets"] != used_columns_only(spec)["datasets"]  # the spec given is left alone


def test_every_chart_of_the_report_draws_the_same_from_its_cut_spec(monkeypatch):
    """What the page draws (the spec with only the columns it names) is what vl-convert draws
    from the whole spec, for one chart of each kind in the report."""
    import vl_convert as vlc

    import analytics.present.sections as sections_module

    from .conftest import DEMO

    specs = []

    def keep(chart, description, *, draw="svg"):  # the report's charts as made, not drawn
        specs.append(chart.to_dict(validate=False))
        return Figure("", description, "{}")

    monkeypatch.setattr(sections_module, "figure", keep)
    report = sections_module.Report.build(DEMO, audience="public")
    for section in ("participation", "tools", "agreement", "jurors", "winners"):
        getattr(report, section)()
    kinds = {}
    for spec in specs:  # one of each kind: the same title up to the lane's name
        kinds.setdefault(re.sub(r",.*", "", json.dumps(spec.get("title", ""))), spec)
    assert len(kinds) >= 5
    for spec in kinds.values():
        assert vlc.vegalite_to_svg(used_columns_only(spec)) == vlc.vegalite_to_svg(spec)


def test_the_shipped_script_is_vl_converts_bundle():
    import vl_convert as vlc

    shipped = (Path(__file__).parents[1] / "analytics" / "templates" / "vendor" / "vega-embed.js").read_text("utf-8")
    header, bundle = shipped.split("\n", 1)
    assert f"vega {vlc.get_vega_version()}," in header or "vl-convert-python" in header
    made_by = re.search(r"vl-convert-python (\S+)\.", header).group(1)
    if made_by != importlib.metadata.version("vl-convert-python"):
        pytest.skip(f"the script was made by vl-convert-python {made_by}; this is another version")
    snippet = re.search(r"javascript_bundle\('([^']*)'\)", header).group(1)
    assert bundle == vlc.javascript_bundle(snippet)
