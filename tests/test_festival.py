"""The load boundary as a whole: typed tables, defaults, inputs never modified, one error for all."""

from __future__ import annotations

import hashlib

import pandas as pd
import pytest

from analytics import FestivalDataError, load_festival, validate_festival

from .conftest import BROKEN, DEMO, append, replace


def _hashes(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_typed_tables(mini):
    festival = load_festival(mini)
    assert festival.entries["runtime_min"].dtype == "float64"
    assert festival.entries["ai_share"].dtype == "float64"
    assert festival.scores["score"].dtype == "float64"
    assert str(festival.entries["lossless_audio"].dtype) == "boolean"
    assert festival.scores["source_row"].tolist() == list(range(2, 23))
    assert festival.scores.groupby("lane").size().to_dict() == {"digital_being": 12, "generative_cinema": 9}


def test_every_input_row_is_used():
    festival = load_festival(DEMO)
    for name in ("entries", "jurors", "scores", "conflicts"):
        rows = pd.read_csv(DEMO / f"{name}.csv", dtype=str)
        assert len(getattr(festival, name)) == len(rows), name


def test_default_assignments_are_every_panel_member_times_every_lane_entry(mini):
    festival = load_festival(mini)
    assert not festival.assignments_declared
    pairs = set(zip(festival.assignments["juror_id"], festival.assignments["entry_id"]))
    assert pairs == {(j, e) for j in ("A1", "A2") for e in ("GC-1", "GC-2")} | {
        (j, e) for j in ("B1", "B2") for e in ("DB-1", "DB-2")}


def test_panels_as_scored_expect_the_pairs_that_were_scored_and_flag_only_a_criterion_left_out(mini):
    append(mini / "festival.toml", '\n[jury]\npanels = "as_scored"')
    lines = (mini / "scores.csv").read_text(encoding="utf-8").splitlines()
    kept = [lines[0]] + [line for line in lines[1:] if not line.startswith("GC-2,A2,")]  # A2 never scored GC-2
    (mini / "scores.csv").write_text("\n".join(kept[:-1]) + "\n", encoding="utf-8")  # and one criterion dropped
    festival = load_festival(mini)
    assert not festival.assignments_declared and "as_scored" in festival.sources["assignments"]
    pairs = set(zip(festival.assignments["juror_id"], festival.assignments["entry_id"]))
    assert pairs == set(zip(festival.scores["juror_id"], festival.scores["entry_id"]))
    assert ("A2", "GC-2") not in pairs
    from analytics.checks.pairs import coverage

    table = coverage(festival)
    assert set(table["status"]) == {"complete", "partial"} and (table["status"] == "partial").sum() == 1


def test_full_panels_that_expect_far_more_than_was_scored_are_refused_without_listing_the_pairs(tmp_path):
    from analytics.synthetic.examples import write_review

    folder = write_review(tmp_path / "review", papers=300)
    replace(folder / "festival.toml", 'panels = "as_scored"', 'panels = "full"')
    with pytest.raises(FestivalDataError) as error:
        load_festival(folder)
    (problem,) = error.value.problems
    assert problem.file == "festival.toml" and problem.column == "jury.panels" and problem.value == "full"
    assert 'panels = "as_scored"' in problem.expected and "assignments.csv" in problem.expected
    n_reviews = len(load_festival(write_review(tmp_path / "again", papers=300)).scores)
    assert f"{n_reviews * 300:,} juror-entry pairs" in problem.expected  # every reviewer on the panel × 300 papers


def test_declared_assignments_are_used(mini):
    (mini / "assignments.csv").write_text("juror_id,entry_id\nA1,GC-1\nB2,DB-2\n", encoding="utf-8")
    festival = load_festival(mini)
    assert festival.assignments_declared and festival.sources["assignments"] == "assignments.csv"
    assert festival.assignments[["juror_id", "entry_id", "lane"]].values.tolist() == [
        ["A1", "GC-1", "generative_cinema"], ["B2", "DB-2", "digital_being"]]


@pytest.mark.parametrize("break_it", [False, True])
def test_inputs_are_never_modified(mini, break_it):
    if break_it:
        append(mini / "scores.csv", "GC-1,A1,story,99")
    before = _hashes(mini)
    if break_it:
        with pytest.raises(FestivalDataError):
            load_festival(mini)
    else:
        load_festival(mini)
    assert _hashes(mini) == before


def test_validate_festival_returns_the_problem_table():
    table = validate_festival(BROKEN)
    assert list(table.columns) == ["file", "row", "column", "value", "expected"]
    assert len(table) == 14
    assert table.loc[(table["file"] == "scores.csv") & (table["row"] == 3), "value"].item() == "11"


def test_error_message_lists_every_problem_and_summarises_repeats(mini):
    lines = (mini / "scores.csv").read_text(encoding="utf-8").splitlines()
    broken = [lines[0]] + [",".join(line.split(",")[:3] + ["99"]) for line in lines[1:]]
    (mini / "scores.csv").write_text("\n".join(broken) + "\n", encoding="utf-8")
    replace(mini / "entries.csv", ",12.5,", ",-3,")
    with pytest.raises(FestivalDataError) as caught:
        load_festival(mini)
    error = caught.value
    assert len(error.problems) == 22
    message = str(error).splitlines()
    assert message[0].endswith(": 22 problems found.")
    assert message[1] == "  - entries.csv, row 2, column runtime_min: found '-3'; expected a number above 0"
    assert message[-2] == "  - … and 1 more like the line above in scores.csv (rows 22 to 22)"
    assert len(error.to_frame()) == 22


def test_repr_says_synthetic():
    assert repr(load_festival(DEMO)).startswith(
        "<Festival 'Hong Kong AI International Film Festival (synthetic demo)' (synthetic): 60 entries in 4 lanes")
