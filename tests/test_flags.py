"""The flags table: fixed columns, stable ids, severity order."""

from __future__ import annotations

import pytest

from analytics.flags import FLAG_COLUMNS, flags_frame, make_flag


def test_empty_flags_have_the_columns_of_the_design():
    frame = flags_frame([])
    assert list(frame.columns) == FLAG_COLUMNS == [
        "flag_id", "check", "severity", "lane", "entity", "entity_id", "message", "value", "threshold"]
    assert frame.empty


def test_ids_are_stable_and_blockers_come_first():
    flags = [make_flag("agreement_low", "warning", "gc", "criterion", "ethics", "low", 0.5, 0.667),
             make_flag("conflict_scored", "blocker", "gc", "score", "JR02:GC-11", "counted"),
             make_flag("agreement_undefined", "info", "db", "criterion", "risk", "n/a")]
    frame = flags_frame(flags)
    assert frame["flag_id"].tolist() == ["conflict_scored:gc:JR02:GC-11", "agreement_low:gc:ethics", "agreement_undefined:db:risk"]
    assert flags_frame(flags)["flag_id"].tolist() == frame["flag_id"].tolist()


@pytest.mark.parametrize("severity, entity", [("fatal", "entry"), ("warning", "festival")])
def test_unknown_severity_or_entity_is_refused(severity, entity):
    with pytest.raises(ValueError):
        make_flag("x", severity, "gc", entity, "e", "m")
