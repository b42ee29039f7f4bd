"""Typed parsing and cross-table rules: each broken cell is reported with row, column, value, rule."""

from __future__ import annotations

import pytest

from analytics import load_festival

from .conftest import append, only_problem, problems, replace

SCORE_RULE = "a score on the festival's scale: a number from 1 to 10 in steps of 0.5"


@pytest.mark.parametrize("new, expected", [
    ("seven", "a number"),
    ("7,5", "a number (use a point as the decimal separator)"),
    ("11", SCORE_RULE),
    ("0.5", SCORE_RULE),
    ("7.25", SCORE_RULE),  # on the scale but off its step of 0.5
    ("", "a value; this cell may not be empty"),
])
def test_score_must_be_a_number_on_the_scale_and_step(mini, new, expected):
    replace(mini / "scores.csv", "GC-1,A1,craft,8\n", f'GC-1,A1,craft,"{new}"\n')
    problem = only_problem(mini)
    assert (problem.file, problem.row, problem.column, problem.value, problem.expected) == (
        "scores.csv", 3, "score", new, expected)


def test_scores_on_the_step_are_accepted(mini):
    scores = load_festival(mini).scores
    assert set(scores["score"]) <= {x / 2 for x in range(2, 21)}
    assert 6.5 in set(scores["score"])


@pytest.mark.parametrize("column, old, new, expected", [
    ("ai_share", ",72,70,", ",130,70,", "a share from 0 to 100 (percent)"),
    ("ai_share", ",72,70,", ",-1,70,", "a share from 0 to 100 (percent)"),
    ("ai_share", ",72,70,", ",72%,70,", "a number (write the number without %)"),
    ("share_writing", ",72,70,", ",72,100.5,", "a share from 0 to 100 (percent)"),
    ("runtime_min", ",12.5,", ",twelve,", "a number"),
    ("runtime_min", ",12.5,", ",0,", "a number above 0"),
    ("lossless_audio", "3840x2160,yes,", "3840x2160,maybe,", "yes or no (also accepted: true/false, y/n, 1/0, 是/否)"),
])
def test_entry_cells_of_the_wrong_type_or_range(mini, column, old, new, expected):
    replace(mini / "entries.csv", old, new)
    problem = only_problem(mini)
    assert (problem.file, problem.row, problem.column, problem.expected) == ("entries.csv", 2, column, expected)


def test_undeclared_shares_are_missing_not_zero(mini):
    entries = load_festival(mini).entries.set_index("entry_id")
    assert entries["share_writing"].isna().tolist() == [False, False, True, False]
    assert entries.loc["DB-1", "share_direction"] == 80.0


def test_yes_no_spellings_parse_to_booleans(mini):
    replace(mini / "entries.csv", "UHD,yes,yes,yes,yes,yes,no,France", "UHD,是,TRUE,y,1,Yes,否,France")
    entries = load_festival(mini).entries.set_index("entry_id")
    assert entries.loc["DB-2", ["lossless_audio", "appendix_tools", "appendix_seeds", "appendix_prompts",
                                "appendix_checkpoints", "authorship_proof"]].tolist() == [True] * 5 + [False]
    assert str(entries["authorship_proof"].dtype) == "boolean"


def test_duplicate_ids_name_the_first_row(mini):
    append(mini / "entries.csv", "GC-1,Another title,generative_cinema,10,60,60,60,60,60,60,60,Sora,4K,yes,yes,yes,yes,yes,yes,Japan")
    problem = only_problem(mini)
    assert (problem.row, problem.column, problem.value) == (6, "entry_id", "GC-1")
    assert problem.expected == "each entry_id once; the same appears on row 2"


def test_duplicate_entry_juror_criterion(mini):
    append(mini / "scores.csv", "GC-1,A2,craft,6")
    problem = only_problem(mini)
    assert (problem.row, problem.column, problem.value) == (23, "(entry_id, juror_id, criterion)", "GC-1 × A2 × craft")
    assert problem.expected == "each (entry_id, juror_id, criterion) once; the same appears on row 6"


@pytest.mark.parametrize("line, column, expected", [
    ("GC-9,A1,story,6", "entry_id", "an entry_id listed in entries"),
    ("GC-1,Z9,story,6", "juror_id", "a juror_id listed in jurors"),
    ("GC-1,A1,sound,6", "criterion", "a criterion id of festival.toml: story, craft, ethics"),
])
def test_score_naming_an_unknown_entry_juror_or_criterion(mini, line, column, expected):
    append(mini / "scores.csv", line)
    problem = only_problem(mini)
    assert (problem.row, problem.column, problem.expected) == (23, column, expected)


def test_juror_scoring_outside_their_lane(mini):
    append(mini / "scores.csv", "DB-1,A1,story,6")
    problem = only_problem(mini)
    assert (problem.row, problem.column, problem.value) == (23, "entry_id", "DB-1")
    assert problem.expected == ("an entry of the juror's own lane: juror A1 judges the 'generative_cinema' panel "
                                "but scored entry DB-1 of the 'digital_being' lane")


def test_unknown_lane_and_faction(mini):
    replace(mini / "entries.csv", "數碼花開,digital_being", "數碼花開,digital_cinema")
    replace(mini / "festival.toml", "[participation]", '[jury]\nfactions = ["art", "technology", "ethics"]\n\n[participation]')
    found = problems(mini)
    assert [(p.file, p.row, p.column, p.value) for p in found] == [
        ("entries.csv", 4, "category", "digital_cinema"),
        ("jurors.csv", 5, "faction", "community"),
    ]


def test_assignments_naming_unknown_ids_or_another_lane(mini):
    (mini / "assignments.csv").write_text("juror_id,entry_id\nA1,GC-1\nA1,GC-404\nQ7,GC-1\nB1,GC-2\nA1,GC-1\n", encoding="utf-8")
    found = problems(mini)
    assert [(p.row, p.column, p.value) for p in found] == [
        (3, "entry_id", "GC-404"), (4, "juror_id", "Q7"), (5, "entry_id", "GC-2"), (6, "(juror_id, entry_id)", "A1 × GC-1")]
    assert found[2].expected.endswith("but is assigned entry GC-2 of the 'generative_cinema' lane")


def test_conflicts_naming_unknown_ids(mini):
    append(mini / "conflicts.csv", "A9,GC-1,friend")
    append(mini / "conflicts.csv", "A1,XX-1,")
    found = problems(mini)
    assert [(p.file, p.row, p.column, p.value) for p in found] == [
        ("conflicts.csv", 3, "juror_id", "A9"), ("conflicts.csv", 4, "entry_id", "XX-1")]


def test_decisions_need_a_known_action(mini):
    (mini / "decisions.csv").write_text("flag_id,action,reason,decided_by,decided_at\n"
                                        "F-1,accept,checked with the producer,chair,2026-11-20\n"
                                        "F-2,ignore,no time,chair,\n", encoding="utf-8")
    problem = only_problem(mini)
    assert (problem.row, problem.column, problem.value) == (3, "action", "ignore")
    assert problem.expected == "one of exclude_score, exclude_juror, disqualify_entry, accept"


def test_empty_ids_and_titles_are_reported(mini):
    replace(mini / "entries.csv", "GC-1,霓虹之夢", ",")
    found = problems(mini)
    assert [(p.row, p.column) for p in found][:2] == [(2, "entry_id"), (2, "title")]


def test_every_problem_in_one_error():
    from .conftest import BROKEN

    found = problems(BROKEN)
    kinds = {(p.file, p.column) for p in found}
    assert len(found) == 14
    assert {("entries.csv", "runtime_min"), ("entries.csv", "ai_share"), ("entries.csv", "entry_id"),
            ("scores.csv", "score"), ("scores.csv", "criterion"), ("conflicts.csv", "entry_id")} <= kinds


def test_a_juror_may_sit_on_several_panels(mini):
    replace(mini / "jurors.csv", "A1,陳嘉慧,generative_cinema,", "A1,陳嘉慧, generative_cinema ; digital_being ,")
    append(mini / "scores.csv", "DB-1,A1,story,6")
    append(mini / "scores.csv", "DB-1,A1,craft,6")
    append(mini / "scores.csv", "DB-1,A1,ethics,6")
    festival = load_festival(mini)
    assert festival.jurors.set_index("juror_id").loc["A1", "panel"] == "generative_cinema;digital_being"
    lanes = festival.juror_lanes
    assert sorted(lanes.loc[lanes["juror_id"] == "A1", "lane"]) == ["digital_being", "generative_cinema"]
    # expected by default in both lanes: every entry of each of the juror's lanes
    a1 = festival.assignments[festival.assignments["juror_id"] == "A1"]
    assert set(a1["lane"]) == {"generative_cinema", "digital_being"}


def test_an_unknown_or_repeated_lane_in_a_panel_is_named(mini):
    replace(mini / "jurors.csv", "A1,陳嘉慧,generative_cinema,", "A1,陳嘉慧,generative_cinema;dance;generative_cinema,")
    replace(mini / "jurors.csv", "A2,Avery Lam,generative_cinema,", "A2,Avery Lam,;,")
    found = problems(mini)
    assert [(p.file, p.row, p.column, p.value, p.expected) for p in found] == [
        ("jurors.csv", 2, "panel", "dance",
         "a lane id of festival.toml: generative_cinema, digital_being (several separated by ';')"),
        ("jurors.csv", 2, "panel", "generative_cinema", "each lane once in a juror's panel"),
        ("jurors.csv", 3, "panel", ";", "lane ids separated by ';'")]


def test_a_juror_on_two_panels_is_named_with_both_when_scoring_a_third(mini):
    replace(mini / "festival.toml", '[[lanes]]\nid = "digital_being"', '[[lanes]]\nid = "dance"\nname = "Dance"\n\n'
            '[[lanes]]\nid = "digital_being"')
    replace(mini / "jurors.csv", "A1,陳嘉慧,generative_cinema,", "A1,陳嘉慧,generative_cinema;dance,")
    append(mini / "scores.csv", "DB-1,A1,story,6")
    problem = only_problem(mini)
    assert problem.expected == ("an entry of the juror's own lane: juror A1 judges the panels generative_cinema, dance "
                                "but scored entry DB-1 of the 'digital_being' lane")


def test_a_score_on_a_criterion_its_lane_does_not_use(mini):
    replace(mini / "festival.toml", 'name = "Digital Being"', 'name = "Digital Being"\nweights = { story = 2, craft = 1 }')
    found = problems(mini)  # the fixture's four DB scores on ethics, which the lane no longer uses
    assert [(p.file, p.row, p.column, p.value) for p in found] == [("scores.csv", row, "criterion", "ethics")
                                                                   for row in (13, 16, 19, 22)]
    assert {p.expected for p in found} == {"a criterion of the lane digital_being: story, craft (its weights in festival.toml)"}
