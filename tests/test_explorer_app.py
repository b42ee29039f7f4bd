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
