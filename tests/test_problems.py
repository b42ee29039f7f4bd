"""Problem sentences and the error's table."""

from __future__ import annotations

from analytics.base.problems import FestivalDataError, Problem


def test_sentence_for_a_cell():
    problem = Problem("scores.csv", 14, "score", "11", "a score on the festival's scale: a number from 1 to 10 in steps of 1")
    assert problem.sentence() == ("scores.csv, row 14, column score: found '11'; "
                                  "expected a score on the festival's scale: a number from 1 to 10 in steps of 1")


def test_sentence_for_a_toml_key_and_a_whole_file():
    assert Problem("festival.toml", None, "scale.max", "'ten'", "expected a number").sentence() == (
        "festival.toml, key scale.max: found \"'ten'\"; expected a number")
    assert Problem("scores.csv", None, None, None, "the file is missing").sentence() == "scores.csv: the file is missing"


def test_long_values_are_shortened():
    sentence = Problem("entries.csv", 2, "title", "x" * 200, "a title").sentence()
    assert "x" * 59 + "…'" in sentence and "x" * 61 not in sentence


def test_problems_are_ordered_rules_then_tables_then_rows():
    error = FestivalDataError("f", [Problem("scores.csv", 9, "score", "0", "a score"),
                                    Problem("entries.csv", 3, "ai_share", "130", "a share"),
                                    Problem("festival.toml", None, "scale.max", "0", "a number"),
                                    Problem("scores.csv", 2, "score", "0", "a score")])
    assert [(p.file, p.row) for p in error.problems] == [
        ("festival.toml", None), ("entries.csv", 3), ("scores.csv", 2), ("scores.csv", 9)]
    assert error.to_frame()["row"].tolist()[1:] == [3, 2, 9]
