"""The flags table: fixed columns, subjects as columns, stable ids that ids with ':' cannot break."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analytics.checks.flags import FLAG_COLUMNS, SUBJECT, flag_id, flags_frame, make_flag


def test_empty_flags_have_the_columns_of_the_design():
    frame = flags_frame([])
    # design.md sections 5 and 13: the flag's subject as columns, empty where it does not apply
    assert list(frame.columns) == FLAG_COLUMNS == [
        "flag_id", "check", "severity", "lane", "entity", "entity_id", "juror_id", "entry_id", "criterion", "round",
        "item", "message", "value", "threshold"]
    assert frame.empty


def test_ids_are_stable_and_blockers_come_first():
    flags = [make_flag("agreement_low", "warning", "gc", "low", criterion="ethics", value=0.5, threshold=0.667),
             make_flag("conflict_scored", "blocker", "gc", "counted", juror_id="JR02", entry_id="GC-11"),
             make_flag("agreement_undefined", "info", "db", "n/a", criterion="risk")]
    frame = flags_frame(flags)
    assert frame["flag_id"].tolist() == ["conflict_scored:gc:JR02:GC-11", "agreement_low:gc:ethics", "agreement_undefined:db:risk"]
    assert frame[["entity", "juror_id", "entry_id", "criterion"]].values.tolist() == [
        ["score", "JR02", "GC-11", ""], ["criterion", "", "", "ethics"], ["criterion", "", "", "risk"]]
    assert flags_frame(flags)["flag_id"].tolist() == frame["flag_id"].tolist()


def test_the_entity_follows_from_the_subject():
    assert make_flag("x", "info", "gc", "m").entity == "lane"
    assert make_flag("x", "info", "gc", "m", juror_id="J").entity == "juror"
    assert make_flag("x", "info", "gc", "m", entry_id="E").entity == "entry"
    assert make_flag("x", "info", "gc", "m", juror_id="J", entry_id="E", criterion="c").entity == "score"
    assert make_flag("x", "info", "gc", "m", item="Sora").entity_id == "Sora"


def test_an_entry_is_never_mistaken_for_one_whose_id_it_begins():
    one = make_flag("conflict_scored", "blocker", "gc", "m", juror_id="JR02", entry_id="GC-1")
    eleven = make_flag("conflict_scored", "blocker", "gc", "m", juror_id="JR02", entry_id="GC-11")
    assert one.flag_id != eleven.flag_id and not eleven.flag_id.startswith(one.flag_id + ":")
    assert (one.entry_id, eleven.entry_id) == ("GC-1", "GC-11")


def test_ids_containing_colons_do_not_collide():
    a = make_flag("conflict_scored", "blocker", "gc", "m", juror_id="A:1", entry_id="B")
    b = make_flag("conflict_scored", "blocker", "gc", "m", juror_id="A", entry_id="1:B")
    assert a.flag_id == "conflict_scored:gc:A%3A1:B" and b.flag_id == "conflict_scored:gc:A:1%3AB"
    assert (a.juror_id, a.entry_id) == ("A:1", "B")  # the columns keep the ids as they are
    frame = flags_frame([a, b])
    assert frame["flag_id"].is_unique
    percent = make_flag("x", "info", "gc", "m", entry_id="50%3A")  # an id that looks escaped stays apart
    assert percent.flag_id == "x:gc:50%253A" != make_flag("x", "info", "gc", "m", entry_id="50:").flag_id


_ids = st.text(alphabet=st.sampled_from(list("ab:%1-_ 甲")), min_size=1, max_size=6)


@given(st.lists(st.tuples(_ids, _ids, _ids), min_size=2, max_size=8, unique=True))
def test_different_subjects_of_one_check_never_share_an_id(subjects):
    ids = [flag_id("score_outlier", "gc:lane", juror_id=j, entry_id=e, criterion=c) for j, e, c in subjects]
    assert len(set(ids)) == len(ids)


def test_a_repeated_id_is_a_bug_that_is_refused():
    flag = make_flag("halo", "warning", "gc", "m", juror_id="J1")
    with pytest.raises(ValueError, match="flag ids must be unique; repeated: halo:gc:J1"):
        flags_frame([flag, flag])


@pytest.mark.parametrize("severity, subject", [("fatal", {}), ("warning", {"festival": "x"})])
def test_unknown_severity_or_subject_field_is_refused(severity, subject):
    with pytest.raises((ValueError, TypeError)):
        make_flag("x", severity, "gc", "m", **subject)


def test_the_subject_fields_are_those_of_design_section_13():
    assert SUBJECT[:4] == ("juror_id", "entry_id", "criterion", "round")
