"""The explorer's widgets, driven by setting their values as a browser would."""

from __future__ import annotations

import pandas as pd
import pytest

from analytics import load_festival
from analytics.apps.explorer_app import ExplorerApp, linked_chart

from .conftest import DEMO


@pytest.fixture
def app(tmp_path):
    return ExplorerApp(load_festival(DEMO), n_boot=200, decisions_path=tmp_path / "decisions.csv")


def test_controls_drive_the_explorer(app):
    assert app.explorer.standings().iloc[0]["entry_id"] == "GC-06"
    app.juror.value = "JR06"
    app.leave_juror.click()
    assert app.explorer.standings().iloc[0]["entry_id"] == "GC-19"
    assert "juror JR06 left out of Generative Cinema" in app.status.value
    assert app.juror.value is None  # nothing pre-chosen: a second click does nothing
    app.leave_juror.click()
    assert len(app.explorer.exclusions) == 1 and "Choose a juror first" in app.status.value
    app.undo_button.click()
    assert app.explorer.exclusions == [] and app.explorer.standings().iloc[0]["entry_id"] == "GC-06"
    app.lane.value = "digital_being"
    assert app.explorer.lane == "digital_being" and set(app.juror.options) == {"JR20", "JR21", "JR22", "JR23", "JR24"}
    app.scope.value = "ethics"
    assert app.explorer.scope == "ethics"


def test_a_chart_selection_reaches_python(app):
    # what the browser sends when the chair clicks JR04 in the severity chart (vega's point-selection store)
    store = [{"unit": "concat_0_concat_0", "fields": [{"field": "juror_id", "channel": "y", "type": "E"}], "values": ["JR04"]}]
    app.chart._vl_selections = {"juror": {"value": {"vlPoint": {"or": [{"juror_id": "JR04"}]}}, "store": store}}
    assert app.chart.selections.juror.value == [{"juror_id": "JR04"}]
    assert app.juror.value == "JR04"


def test_decisions_are_appended_only_after_confirmation(app, tmp_path):
    app.juror.value = "JR07"
    app.leave_juror.click()
    app.to_decisions.click()
    assert app.append_button.disabled
    assert app._on_append() == 0 and not (tmp_path / "decisions.csv").exists()
    app.confirm.value = True
    assert not app.append_button.disabled
    assert app._on_append() == 1
    written = pd.read_csv(tmp_path / "decisions.csv")
    assert list(written.columns) == ["flag_id", "action", "reason", "decided_by", "decided_at"]
    assert written["flag_id"].iloc[0].endswith(":JR07") and written["action"].iloc[0] == "exclude_juror"


def test_linked_chart_links_juror_and_entry_selections():
    from analytics.apps.explorer import Explorer

    spec = linked_chart(Explorer(load_festival(DEMO), n_boot=100)).to_dict()
    heat = spec["vconcat"][1]
    test = heat["encoding"]["stroke"]["condition"]["test"]
    assert test == {"or": [{"param": "juror", "empty": False}, {"param": "entry", "empty": False}]}
    rows = [r for d in spec["datasets"].values() for r in d if "juror" in r and "difference" in r]
    assert any("周曉彤" in r["juror"] or "吳俊傑" in r["juror"] for r in rows)


def test_an_entrys_panel_of_assessments(app):
    """Design section 17: the lane's entries named by a participation flag come first (the demo's planted GC-16,
    assessed at 45–50 against 58 declared), and choosing one shows each assessor's shares, the assessed row and
    the declared one with the flags on it."""
    assert app.assessment_box.layout.display == ""
    options = list(app.assessed_entry.options)
    assert options[0] == "GC-16" and {"GC-14", "GC-16"} <= set(options[:3]) and len(options) == len(set(options))
    page = app.assessment_page.value
    assert page.count("VF0") == 3 and "assessed (leans taken off)" in page and "declared" in page
    assert "ai share assessed below" in page and "58.0" in page
    app.assessed_entry.value = "GC-14"
    assert "ai share uncertain" in app.assessment_page.value and "ai share assessed below" not in app.assessment_page.value
    app.assessed_entry.value = "GC-06"  # no participation flag: the panel alone
    assert "VF01" in app.assessment_page.value and "Check" not in app.assessment_page.value
    app.lane.value = "digital_being"  # a lane nobody assessed
    assert app.assessed_entry.value.startswith("DB-") and "No assessment of this entry" in app.assessment_page.value
    app.lane.value = "generative_cinema"
    assert app.assessed_entry.value == "GC-16"


def test_no_assessments_no_panel(tmp_path):
    from .conftest import REPO

    app = ExplorerApp(load_festival(REPO / "data" / "examples" / "contest"), n_boot=100, decisions_path=tmp_path / "decisions.csv")
    assert app.assessment_box.layout.display == "none" and app.assessment_page.value == ""
