"""The explorer's tables read like the report's: words, the scale's precision, percentages, intervals, blockers first."""

from __future__ import annotations

import re

import pytest

from analytics import load_festival
from analytics.load.config import Scale
from analytics.apps.explorer import Explorer
from analytics.present.explorer_tables import (
    flags_html,
    jurors_html,
    mean_decimals,
    score_decimals,
    span,
    standings_html,
)

from .conftest import DEMO


@pytest.fixture(scope="module")
def explorer():
    return Explorer(load_festival(DEMO), n_boot=200)


def cells(html: str, row: int) -> list[str]:
    body = html.split("<tbody>")[1]
    return re.findall(r"<td[^>]*>(.*?)</td>", body.split("</tr>")[row])


def test_precision_follows_the_scale():
    assert [mean_decimals(Scale(min=1, max=25, step=s)) for s in (1, 0.5, 0.25)] == [2, 3, 3]
    assert score_decimals(Scale(min=0.25, max=10, step=0.25)) == 2
    assert span(1, 2) == "1–2" and span(4.0, 4.0) == "4"


def test_standings_are_in_words_percentages_and_intervals(explorer):
    html = standings_html(explorer.standings(), explorer.festival.config.scale)
    assert "<th>First in resampled juries</th>" in html and "p_first" not in html and "rank_hig" not in html
    first = cells(html, 0)
    # rank, entry, title, score to 2 decimals on the 1-10 step-1 scale, p(first) as a percentage, "1–2"
    assert first[0] == "1" and first[1] == "GC-06"
    assert re.fullmatch(r"\d+\.\d\d", first[3]) and first[4].endswith("%") and re.fullmatch(r"\d+(–\d+)?", first[6])
    assert "dataframe" not in html and "<th></th>" not in html  # no DataFrame index


def test_jurors_show_signed_severity_and_the_interval_in_words(explorer):
    html = jurors_html(explorer.juror_panel())
    assert "<th>Severity (points; + more lenient)</th>" in html
    assert re.search(r">[+-]\d\.\d\d to [+-]\d\.\d\d<", html)
    assert "-1.464433" not in html and "8.300000" not in html


def test_blockers_come_first_marked_and_messages_are_whole(explorer):
    gate = explorer.gate()
    html = flags_html(gate)
    rows = html.split("<tbody>")[1].split("</tr>")
    blockers = int((gate["severity"] == "blocker").sum())
    assert blockers and all('class="blocker"' in r and "BLOCKER" in r for r in rows[:blockers])
    assert "BLOCKER" not in "".join(rows[blockers:])
    longest = max(gate["message"], key=len)
    assert longest.split(":")[-1].strip()[:40] in html.replace("&#39;", "'")  # whole, not cut mid-word
    assert 'class="jury jury-explorer wrap"' in html and ".jury-explorer.wrap td { white-space: normal" in html  # and wrapping
