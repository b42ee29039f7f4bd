"""Tests of :mod:`analytics.rules.skating` (Skating System, rules 5 to 8, one dance).

Sources of the reference numbers:

- [DAWSON] A. Dawson, "The Skating System: working out the marks in ballroom dancing
  championships", reprinted from the original by the British Council of Ballroom Dancing,
  as published at https://slydance.org/sistem.php?st=2 (first worked table, rule 5: couples
  11, 21, 31 with adjudicators A-E, columns 1 … 1-6 and "Plasman").
- [SGS] "Majoritätssystem", SGS Tanzsport, https://www.sgs-tanzsport.de/jmc-turnier-formationen/
  ligenaufbau-jmd/majorit%C3%A4tssystem/ (examples "1-1-1-5-5" and Team A / Team B).
- [FDO] "Skating system" (rules 5 to 7, Official Board wording), http://www.fdo.fi/skating_system.htm.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import pytest

from analytics.rules.skating import SKATING_TABLE_COLUMNS, skating_places, skating_table

# [DAWSON] first table: the rows of couples 11, 21, 31 are published in full; the other three
# rows (couple 41's row is cut off in the stored copy) are filled in so that every adjudicator
# ranks 1..6 once. The published places of 11, 21, 31 do not depend on the filled rows: the
# marks <= 2 and <= 3 left to them cannot reach the counts of 21 (3 at "1-2") or 31 (5 at "1-3").
DAWSON = np.array([[1, 5, 1, 1, 2],   # couple 11, published
                   [2, 2, 5, 4, 1],   # couple 21, published
                   [3, 3, 3, 2, 3],   # couple 31, published
                   [4, 4, 2, 3, 4],   # filled in
                   [5, 1, 4, 5, 5],   # filled in
                   [6, 6, 6, 6, 6]])  # filled in


def test_dawson_rule5_table_places_and_counts():
    """[DAWSON]: published "Plasman" 1, 2, 3 and the published cumulative counts 1 … 1-6."""
    places = skating_places(DAWSON)
    np.testing.assert_array_equal(places[:3], [1.0, 2.0, 3.0])
    counts = skating_table(DAWSON).pivot(index="couple", columns="places_up_to", values="count")
    np.testing.assert_array_equal(counts.loc[0], [3, 4, 4, 4, 5, 5])  # published 3 4 4 4 5 5
    np.testing.assert_array_equal(counts.loc[1], [1, 3, 3, 4, 5, 5])  # published 1 3 3 4 5 5
    np.testing.assert_array_equal(counts.loc[2, 2:], [1, 5, 5, 5, 5])  # published - 1 5 5 5 5


def test_sgs_clear_majority_despite_two_last_places():
    """[SGS]: "1-1-1-5-5 bedeutet dies also trotz der beiden 5 den ersten Platz" (5 adjudicators)."""
    marks = np.array([[1, 1, 1, 5, 5], [2, 2, 2, 1, 1], [3, 3, 3, 2, 2], [4, 4, 4, 3, 3], [5, 5, 5, 4, 4]])
    assert skating_places(marks)[0] == 1.0


def test_sgs_team_b_before_team_a_on_lower_total():
    """[SGS]: Team A 1-2-2-3-3 and Team B 3-3-1-1-2 both have a majority (3) at "1-2"; Team B is
    placed first, Team A second (rule 7: lower total, 4 against 5). Rows C-E are constructed so
    that no other couple reaches a majority at "1-2"; their places follow from rules 5 and 6."""
    marks = np.array([[1, 2, 2, 3, 3],   # Team A, published
                      [3, 3, 1, 1, 2],   # Team B, published
                      [2, 1, 3, 4, 4],
                      [4, 4, 4, 2, 1],
                      [5, 5, 5, 5, 5]])
    np.testing.assert_array_equal(skating_places(marks), [2.0, 1.0, 3.0, 4.0, 5.0])
    table = skating_table(marks)
    decided = table[table.decisive].set_index("couple")
    assert decided.loc[0, ["count", "total"]].tolist() == [3, 5]
    assert decided.loc[1, ["count", "total"]].tolist() == [3, 4]
    assert decided.loc[0, "rule"] == decided.loc[1, "rule"] == "7a"


def test_greater_majority_wins_rule6():
    """Constructed from [FDO] rule 6: "The dancer with the largest majority shall be allocated the
    position under review, and the couple with the next largest majority, the following position."
    No couple has a majority (3 of 5) of firsts; at "1-2" couple 1 has 4 and couple 0 has 3."""
    marks = np.array([[1, 1, 3, 2, 3],
                      [2, 2, 1, 1, 2],
                      [3, 3, 2, 3, 1],
                      [4, 4, 4, 4, 4]])
    np.testing.assert_array_equal(skating_places(marks), [2.0, 1.0, 3.0, 4.0])
    table = skating_table(marks)
    assert table.loc[table.decisive & (table.couple == 1), "rule"].item() == "6"


def test_next_place_brought_in_rule7b():
    """Constructed from [FDO] rule 7(b): "If the totals of the marks are equal, then the next lower
    place ... " Couples 0 and 1 have 2 of 3 at "1-2" with total 3 each; at "1-3" couple 1 has 3."""
    marks = np.array([[1, 2, 4],
                      [2, 1, 3],
                      [3, 3, 1],
                      [4, 4, 2]])
    places = skating_places(marks)
    assert places[1] < places[0]
    table = skating_table(marks)
    assert table.loc[table.decisive & (table.couple == 1), "rule"].item() == "7b"


def test_unresolved_tie_shares_the_mean_place():
    """A cycle of three adjudicators: counts and totals equal in every column, so the three couples
    share places 1-3 and each gets their mean, 2."""
    marks = np.array([[1, 2, 3], [2, 3, 1], [3, 1, 2], [4, 4, 4]])
    np.testing.assert_array_equal(skating_places(marks), [2.0, 2.0, 2.0, 4.0])
    assert set(skating_table(marks).query("couple < 3").rule) == {"shared"}


def test_table_schema_and_labels_from_dataframe():
    frame = pd.DataFrame(DAWSON, index=[11, 21, 31, 41, 51, 61], columns=list("ABCDE"))
    table = skating_table(frame)
    assert list(table.columns) == SKATING_TABLE_COLUMNS
    assert len(table) == 36
    assert table.loc[table.decisive, "couple"].tolist() == [11, 21, 31, 41, 51, 61]


def test_error_lists_every_problem_with_column_and_value():
    marks = pd.DataFrame({"A": [1, 2, 3], "B": [1, 1, 3], "C": [1, 2.5, 4]})
    with pytest.raises(ValueError) as error:
        skating_places(marks)
    message = str(error.value)
    assert message == (
        "Each adjudicator must rank the 3 couples 1..3, each place once; "
        "adjudicator column 'B': place 1 is given 2 times; "
        "adjudicator column 'B': places [2] are missing; "
        "adjudicator column 'C': mark 2.5 is not a whole number; "
        "adjudicator column 'C': mark 4 is outside 1..3; "
        "adjudicator column 'C': places [2, 3] are missing. "
        "Correct the marks with the adjudicator (Skating System rules 3 and 4).")


def test_error_on_shape():
    with pytest.raises(ValueError, match="2-D couples × adjudicators"):
        skating_places([1, 2, 3])


# --- independent check: a literal, one-place-at-a-time reading of rules 5 to 8 ----------------

def _reference(marks: np.ndarray) -> np.ndarray:
    n, n_judges = marks.shape
    majority = n_judges // 2 + 1

    def count(c, k):
        return int(np.sum(marks[c] <= k))

    def total(c, k):
        return int(np.sum(marks[c][marks[c] <= k]))

    places = np.full(n, np.nan)
    left = set(range(n))
    place, column = 1, 1
    while left:
        group = [c for c in left if count(c, column) >= majority]
        if not group:
            column += 1  # rule 8
            continue

        def better(a, b, column=column):  # rules 6, 7a, 7b for two couples of the group
            for k in range(column, n + 1):
                if count(a, k) != count(b, k):
                    return count(b, k) - count(a, k)
                if total(a, k) != total(b, k):
                    return total(a, k) - total(b, k)
            return 0

        best = sorted(group, key=functools.cmp_to_key(better))
        equal = [c for c in best if better(c, best[0]) == 0]
        places[equal] = place + (len(equal) - 1) / 2
        place += len(equal)
        left -= set(equal)
    return places


@pytest.mark.parametrize("seed", range(40))
def test_matches_literal_reading_on_random_marks(seed):
    rng = np.random.default_rng(seed)
    n, n_judges = rng.integers(2, 8), rng.integers(1, 10)
    marks = np.column_stack([rng.permutation(n) + 1 for _ in range(n_judges)])
    np.testing.assert_array_equal(skating_places(marks), _reference(marks))


@pytest.mark.parametrize("seed", range(10))
def test_invariants(seed):
    rng = np.random.default_rng(seed)
    n, n_judges = 6, 7
    marks = np.column_stack([rng.permutation(n) + 1 for _ in range(n_judges)])
    places = skating_places(marks)
    assert places.sum() == n * (n + 1) / 2  # shared places keep the sum of places
    np.testing.assert_array_equal(skating_places(marks[:, rng.permutation(n_judges)]), places)
    order = rng.permutation(n)
    np.testing.assert_array_equal(skating_places(marks[order]), places[order])
    unanimous = np.tile(np.arange(1, n + 1)[:, None], (1, n_judges))
    np.testing.assert_array_equal(skating_places(unanimous), np.arange(1, n + 1))
