"""Rankings as judgements (design section 15): rank scales, the rules over places, tie-breaks.

Covers :mod:`analytics.rules.ranked` (through :func:`analytics.rules.official.panel_results` and
:func:`~analytics.rules.official.panel_tiebreak`), :func:`analytics.rules.rounds.ranks`, the rank
rules of :mod:`analytics.load.config` and the load checks of :mod:`analytics.load.validation`
(``_ranks_complete``, ``_tie_breaks_named``), and ``jury check`` end to end on a lower-is-better
festival and on the Skating System.

Sources of the reference numbers:

- Every expected number of a rule is worked by hand in the comment beside it, from the places
  written in the test (exact: means of whole places, written as fractions).
- [SKATING]: the Skating System's places (rules 5 to 8) come from the literal, one-place-at-a-time
  reading of the rules in tests/test_skating.py (``_reference``), itself checked there against
  published tables (Dawson; SGS), and from :func:`analytics.rules.skating.skating_places`.
- The wording of each error is the package's own: the tests pin the key and the sentence so that a
  change of either is seen.
"""

from __future__ import annotations

import csv
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analytics import FestivalDataError, load_festival
from analytics.apps import cli
from analytics.base.problems import ProblemLog
from analytics.load.config import Aggregation, parse_config
from analytics.rules.official import Panel, panel_results, panel_tiebreak
from analytics.rules.ranked import jury_table
from analytics.rules.rounds import ranks
from analytics.rules.skating import skating_places

from .conftest import REPO
from .test_skating import _reference as skating_by_the_letter

DANCE = REPO / "data" / "examples" / "dance"
#: a CSV number written by the package (float64, shortest repr) against an exact fraction
TOLERANCE = 1e-12


# --- festival.toml: the rank rules, each error one problem naming its key ---------------------

RANK_TOML = """\
[festival]
name = "Ranked"
[scale]
kind = "rank"
max = 5
[[criteria]]
id = "place"
label = "Place"
[[lanes]]
id = "final"
name = "Final"
[aggregation]
jurors = "rank_sum"
"""

SCORE_SCALE = ('kind = "rank"\nmax = 5', "min = 1\nmax = 10")


def parse(text: str):
    log = ProblemLog()
    return parse_config(text, log), log.problems


def test_a_rank_scale_reads_min_1_step_1_and_lower_is_better():
    config, found = parse(RANK_TOML)
    assert found == []
    assert config.scale.ranks and (config.scale.minimum, config.scale.maximum, config.scale.step) == (1.0, 5.0, 1.0)
    assert config.scale.describe() == "a place from 1 to 5 (1 = best)"
    rule = config.rule()
    assert rule.ranks and rule.lower_is_better and rule.tie_break == "none" and rule.juries is None
    # points over juries are a merit: higher is better, whatever combines a jury's jurors
    juries, _ = parse(RANK_TOML + "juries = { points = [12, 10, 8] }\n")
    assert not juries.rule().lower_is_better and juries.rule().juries.points == (12.0, 10.0, 8.0)
    assert not Aggregation(jurors="borda").lower_is_better and Aggregation(jurors="majority").lower_is_better


#: name -> ((old, new): the change to RANK_TOML, or None: WHOLE_TEXT), the key, the value found, the sentence
CASES = {
    "a score rule on a rank scale": (
        ('jurors = "rank_sum"', 'jurors = "mean"'), "aggregation.jurors", "jurors = 'mean'",
        ("expected jurors = 'rank_sum', 'borda', 'rank_points' or 'majority' with [scale] kind = 'rank': how the "
         "jurors' places are combined")),
    "a rank rule on a score scale": (
        SCORE_SCALE, "aggregation.jurors", "jurors = 'rank_sum'",
        "expected [scale] kind = 'rank' with a rank rule: the jurors' places are combined, and scores are not places"),
    "rank_points without its list": (
        ('jurors = "rank_sum"', 'jurors = "rank_points"'), "aggregation.rank_points", "no rank_points",
        ("expected rank_points (the points of each place, the first place's first, e.g. [12, 10, 8, 7, 6, 5, 4, 3, 2, "
         "1]) with jurors = 'rank_points'")),
    "majority summed": (
        ('jurors = "rank_sum"', 'jurors = "majority"\npanel = "sum"'), "aggregation.panel", "panel = 'sum'",
        "expected panel = 'mean' with jurors = 'majority': a place by majority is no sum"),
    "juries of majority": (
        ('jurors = "rank_sum"', 'jurors = "majority"\njuries = { points = [12, 10, 8] }'), "aggregation.juries",
        "jurors = 'majority'",
        ("expected jurors = 'rank_sum', 'borda' or 'rank_points' with juries: how a jury's jurors are combined into "
         "its ranking")),
    "best_rank under a score rule": (
        None, "aggregation.tie_break", "jurors = 'mean'",
        ("expected a rank rule (rank_sum, borda, rank_points, majority) with tie_break = 'best_rank': it reads the "
         "jurors' places; a column of entries.csv breaks the ties of scores")),
    "rasch on places": (
        None, "rasch", "[rasch]",
        ("expected no [rasch] with [scale] kind = 'rank': places are no ratings on a scale of categories (each juror "
         "gives each place once); remove [rasch]")),
    "a step other than 1": (
        ("max = 5", "max = 5\nstep = 0.5"), "scale.step", "0.5",
        'expected step = 1 with kind = "rank": places are whole numbers'),
    "a min other than 1": (
        ("max = 5", "min = 0\nmax = 5"), "scale.min", "0", 'expected min = 1 with kind = "rank": the best place is 1'),
    "a round's score rule on a rank scale": (
        None, "rounds[2].aggregation.jurors", "jurors = 'mean'",
        ("expected jurors = 'rank_sum', 'borda', 'rank_points' or 'majority' with [scale] kind = 'rank': how the "
         "jurors' places are combined")),
}

#: cases whose text is not one replacement of RANK_TOML
WHOLE_TEXT = {
    "best_rank under a score rule": RANK_TOML.replace(*SCORE_SCALE).replace(
        'jurors = "rank_sum"', 'jurors = "mean"\ntie_break = "best_rank"'),
    "rasch on places": RANK_TOML + "\n[rasch]\n",
    "a round's score rule on a rank scale": RANK_TOML + (
        '\n[[rounds]]\nid = "heat"\nadvance = 3\n\n[[rounds]]\nid = "final"\naggregation = { jurors = "mean" }\n'),
}

def case_text(name: str) -> str:
    if name in WHOLE_TEXT:
        return WHOLE_TEXT[name]
    old, new = CASES[name][0]
    assert old in RANK_TOML, old
    return RANK_TOML.replace(old, new, 1)


@pytest.mark.parametrize("name", list(CASES))
def test_each_rank_rule_error_is_one_problem_naming_its_key(name):
    _, key, value, expected = CASES[name]
    config, found = parse(case_text(name))
    assert config is None
    assert [(p.file, p.row, p.column, p.value, p.expected) for p in found] == [
        ("festival.toml", None, key, value, expected)]


@pytest.mark.parametrize("name", ["a score rule on a rank scale", "a rank rule on a score scale"])
def test_a_scale_and_rule_that_do_not_match_are_one_clear_problem(name):
    """The sentence and the value of the two mismatches (their key is tested above)."""
    _, _, value, expected = CASES[name]
    _, found = parse(case_text(name))
    assert [(p.value, p.expected) for p in found] == [(value, expected)]
    assert "jurors" in found[0].column


def test_a_fractional_max_on_a_rank_scale_names_max():
    _, found = parse(RANK_TOML.replace("max = 5", "max = 4.5"))
    assert [(p.column, p.value, p.expected) for p in found] == [
        ("scale.max", "4.5", 'expected a whole max with kind = "rank": the largest place')]


# --- loading: each juror's places 1 ... n, the tie-break column, the juries -------------------

#: three jurors ranking five entries (used by the end-to-end tests below too):
#: A 1+4+2 = 7, B 2+2+3 = 7 (mean places tied at 7/3; A has a first place, B none, best places 1 and 2);
#: C 3+1+4 = 8, D 4+3+1 = 8 (tied at 8/3; each with one first place: tied on best_rank and more_first too);
#: E 5+5+5 = 15
PLACES = {"J1": {"A": 1, "B": 2, "C": 3, "D": 4, "E": 5},
          "J2": {"A": 4, "B": 2, "C": 1, "D": 3, "E": 5},
          "J3": {"A": 2, "B": 3, "C": 4, "D": 1, "E": 5}}
TELEVOTE = {"A": 10, "B": 20, "C": 5, "D": 5, "E": 1}


def write_festival(folder: Path, places: dict[str, dict[str, object]], *, aggregation: str = "",
                   entry_columns: dict[str, dict[str, object]] | None = None, max_place: int = 5) -> Path:
    """A one-lane festival on a rank scale: ``places`` juror -> entry -> place (written as given, in
    this order: scores.csv row 2 is the first juror's first entry); ``aggregation`` lines added to
    ``[aggregation]`` (``jurors = "rank_sum"`` unless they set it); ``entry_columns`` column -> entry ->
    value in entries.csv."""
    folder.mkdir(parents=True)
    rule = aggregation if "jurors =" in aggregation else 'jurors = "rank_sum"\n' + aggregation
    toml = RANK_TOML.replace("max = 5", f"max = {max_place}").replace('jurors = "rank_sum"\n', rule + "\n")
    toml += "\n[checks]\nbootstrap_resamples = 100\ncollusion_permutations = 99\n"  # quick: the tests read the results
    (folder / "festival.toml").write_text(toml, encoding="utf-8")
    entries = sorted({e for marks in places.values() for e in marks})
    extra = entry_columns or {}
    lines = [",".join(["entry_id", "title", "category", *extra])]
    lines += [",".join([e, f"Entry {e}", "final", *(str(extra[c][e]) for c in extra)]) for e in entries]
    (folder / "entries.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    lines = ["juror_id,name,panel", *(f"{j},Juror {j},final" for j in places)]
    (folder / "jurors.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    lines = ["entry_id,juror_id,criterion,score"]
    lines += [f"{e},{j},place,{p}" for j, marks in places.items() for e, p in marks.items()]
    (folder / "scores.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def load_problems(folder: Path) -> list[tuple]:
    with pytest.raises(FestivalDataError) as caught:
        load_festival(folder)
    return [(p.file, p.row, p.column, p.value, p.expected) for p in caught.value.problems]


def with_places(**changes: dict[str, object]) -> dict[str, dict[str, object]]:
    return {j: {**marks, **changes.get(j, {})} for j, marks in PLACES.items()}


def test_the_small_festival_loads(tmp_path):
    festival = load_festival(write_festival(tmp_path / "f", PLACES))
    assert len(festival.scores) == 15 and festival.config.scale.ranks


def test_a_place_given_twice_names_each_row(tmp_path):
    # J1 gives place 1 to A (scores.csv row 2) and to B (row 3), J3 place 5 to D (row 15) and E (row 16);
    # each then leaves a place of 1 … 5 out: J1 place 5 (A 1, B 1, C 3, D 4, E 2), J3 place 1 (A 2, B 3, C 4, D 5, E 5)
    places = with_places(J1={"B": 1, "E": 2}, J3={"D": 5})
    found = load_problems(write_festival(tmp_path / "f", places))
    twice = "each place once per juror, lane and round: juror {} gives place {} to more than one entry of the lane final"
    gap = ("the places 1 to 5 of juror {} in the lane final, each once (a place for each of the 5 entries the juror "
           "ranked); missing: {}")
    assert [p for p in found if p[1] is not None] == [
        ("scores.csv", 2, "score", "1", twice.format("J1", 1)), ("scores.csv", 3, "score", "1", twice.format("J1", 1)),
        ("scores.csv", 15, "score", "5", twice.format("J3", 5)), ("scores.csv", 16, "score", "5", twice.format("J3", 5))]
    assert [p for p in found if p[1] is None] == [("scores.csv", None, "score", None, gap.format("J1", "5")),
                                                   ("scores.csv", None, "score", None, gap.format("J3", "1"))]


def test_places_that_leave_a_gap_name_the_missing_places(tmp_path):
    # J2 places its five entries 1, 2, 3, 6, 7: places 4 and 5 are missing; J3 2, 3, 4, 5, 6: place 1
    places = with_places(J2={"A": 6, "E": 7}, J3={"A": 6, "D": 5, "E": 2, "B": 3, "C": 4})
    found = load_problems(write_festival(tmp_path / "f", places, max_place=7))
    gap = ("the places 1 to 5 of juror {} in the lane final, each once (a place for each of the 5 entries the juror "
            "ranked); missing: {}")
    assert found == [("scores.csv", None, "score", None, gap.format("J2", "4, 5")),
                     ("scores.csv", None, "score", None, gap.format("J3", "1"))]


def test_the_missing_places_are_among_the_places_expected(tmp_path):
    found = load_problems(write_festival(tmp_path / "f", with_places(J2={"E": 7}), max_place=7))
    assert [p[4] for p in found] == [
        ("the places 1 to 5 of juror J2 in the lane final, each once (a place for each of the 5 entries the juror "
         "ranked); missing: 5")]


def test_a_place_given_twice_and_one_left_out_names_both(tmp_path):
    places = with_places(J1={"A": 2, "B": 2})
    found = load_problems(write_festival(tmp_path / "f", places))
    assert [p[1] for p in found if p[1] is not None] == [2, 3]
    assert any(p[1] is None and p[4].endswith("missing: 1") for p in found), found


def test_a_tie_break_naming_no_column_of_entries(tmp_path):
    found = load_problems(write_festival(tmp_path / "f", PLACES, aggregation='tie_break = "televote"'))
    assert found == [("festival.toml", None, "aggregation.tie_break", "televote",
                      ("'none', 'best_rank', 'more_first' or a column of entries.csv (to sort tied entries by, "
                       "higher first)"))]


def test_a_tie_break_column_that_is_not_a_number_names_each_cell(tmp_path):
    # entries.csv rows: A 2, B 3, C 4, D 5, E 6
    votes = {**TELEVOTE, "B": "many", "D": ""}
    found = load_problems(write_festival(tmp_path / "f", PLACES, aggregation='tie_break = "televote"',
                                         entry_columns={"televote": votes}))
    expected = "a number for every entry ([aggregation] tie_break sorts tied entries by televote, higher first)"
    assert found == [("entries.csv", 3, "televote", "many", expected), ("entries.csv", 5, "televote", "", expected)]


def test_juries_without_a_jury_column(tmp_path):
    found = load_problems(write_festival(tmp_path / "f", PLACES, aggregation="juries = { points = [3, 2, 1] }"))
    assert found == [("jurors.csv", 1, "jury", None,
                      ("expected a column named 'jury' (the columns found are: juror_id, name, panel); the juries of "
                       "[aggregation] juries in festival.toml reads it: add the column, or leave the rule out of "
                       "festival.toml"))]


def test_a_rank_scale_with_performances(tmp_path):
    folder = write_festival(tmp_path / "f", PLACES)
    lines = (folder / "scores.csv").read_text(encoding="utf-8").splitlines()
    with_performance = [lines[0] + ",performance", *(line + ",1" for line in lines[1:])]
    (folder / "scores.csv").write_text("\n".join(with_performance) + "\n", encoding="utf-8")
    assert load_problems(folder) == [
        ("festival.toml", None, "scale.kind", "rank",
         ("scores of whole entries: a juror ranks the entries, not each performance (leave scores.csv performance "
          "empty, or score the performances on a scale)"))]


def test_jury_check_lists_every_problem_and_exits_2(tmp_path):
    """A place twice, a gap and an unknown tie-break column at once: exit 2, all of them in problems.csv."""
    places = with_places(J1={"B": 1, "E": 2}, J2={"E": 6})
    folder = write_festival(tmp_path / "f", places, aggregation='tie_break = "televote"', max_place=6)
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "analytics", "check", str(folder), "--out", str(out), "--quiet"],
                          capture_output=True, text=True, cwd=REPO, timeout=300, check=False)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    listed = read(out / "problems.csv")
    assert sorted((r["file"], r["row"], r["column"], r["value"]) for r in listed) == [
        ("festival.toml", "", "aggregation.tie_break", "televote"),
        ("scores.csv", "", "score", ""), ("scores.csv", "", "score", ""),  # J1 (1, 1, 3, 4, 2: no 5), J2 (no 5)
        ("scores.csv", "2", "score", "1"), ("scores.csv", "3", "score", "1")]
    assert any(r["expected"].endswith("juror J2 in the lane final, each once (a place for each of the 5 entries the "
                                       "juror ranked); missing: 5") for r in listed)
    assert "5 problems found" in done.stdout + done.stderr


# --- the rules over places, by hand on small panels ------------------------------------------

def panel_of(places: dict[str, dict[str, float]], *, juries: dict[str, str] | None = None,
             tie: dict[str, float] | None = None) -> Panel:
    rows = [(e, j, "c", float(p)) for j, marks in places.items() for e, p in marks.items()]
    scores = pd.DataFrame(rows, columns=["entry_id", "juror_id", "criterion", "score"])
    if juries:
        scores["jury"] = scores["juror_id"].map(juries)
    if tie:
        scores["tie_value"] = scores["entry_id"].map(tie).astype(float)
    return Panel.of(scores, ("c",))


def merit(panel: Panel, rule: Aggregation, weights=None) -> list[float]:
    n = len(panel.jurors_index)
    juries = np.ones((1, n)) if weights is None else np.asarray(weights, dtype=float)[None, :]
    return panel_results(panel, juries, rule, {"c": 1.0})[0][0].tolist()


#: juror a ranks all four entries; b leaves out D; c leaves out A
FOUR = {"a": {"W": 1, "X": 2, "Y": 3, "Z": 4}, "b": {"W": 3, "X": 1, "Y": 2}, "c": {"X": 1, "Y": 3, "Z": 2}}


def test_rank_sum_is_minus_the_mean_place_or_minus_the_sum():
    panel = panel_of(FOUR)
    # W (1 + 3)/2 = 2; X (2 + 1 + 1)/3 = 4/3; Y (3 + 2 + 3)/3 = 8/3; Z (4 + 2)/2 = 3
    assert merit(panel, Aggregation(jurors="rank_sum")) == pytest.approx([-2, -4 / 3, -8 / 3, -3], abs=TOLERANCE)
    # summed over a full panel (3 places, the most an entry got): the mean × 3, so an entry a juror left out
    # counts its mean in that place (Z's 4 and 2 sum to 9, not 6, against Y's 3 + 2 + 3 = 8): W 6, X 4, Y 8, Z 9
    assert merit(panel, Aggregation(jurors="rank_sum", panel="sum")) == pytest.approx([-6.0, -4.0, -8.0, -9.0])


def test_borda_counts_the_entries_each_juror_ranked():
    panel = panel_of(FOUR)
    # a ranked 4 entries: W 3, X 2, Y 1, Z 0; b ranked 3: W 0, X 2, Y 1; c ranked 3: X 2, Y 0, Z 1
    # means: W (3 + 0)/2 = 1.5; X 6/3 = 2; Y 2/3; Z (0 + 1)/2 = 0.5; summed over a full panel of 3: 4.5, 6, 2, 1.5
    assert merit(panel, Aggregation(jurors="borda")) == pytest.approx([1.5, 2.0, 2 / 3, 0.5], abs=TOLERANCE)
    assert merit(panel, Aggregation(jurors="borda", panel="sum")) == pytest.approx([4.5, 6.0, 2.0, 1.5])


FORMULA_ONE = [25, 18, 15, 12, 10, 8, 6, 4, 2, 1]  # an exponential table: a list, 0 beyond its tenth place


def test_rank_points_with_an_exponential_table():
    # twelve entries: juror a places E01 ... E12 as 1 ... 12, b the reverse, c only five of them
    entries = [f"E{i:02d}" for i in range(1, 13)]
    places = {"a": {e: i for i, e in enumerate(entries, start=1)},
              "b": {e: 13 - i for i, e in enumerate(entries, start=1)},
              "c": {"E12": 1, "E03": 2, "E07": 3, "E01": 4, "E09": 5}}
    panel = panel_of(places)
    rule = Aggregation(jurors="rank_points", rank_points=FORMULA_ONE)
    t = dict(enumerate(FORMULA_ONE + [0, 0], start=1))  # places 11 and 12 are worth nothing
    # a + b: E_i gets t[i] + t[13 - i]; c adds 25, 18, 15, 12, 10 to E12, E03, E07, E01, E09
    sums = {e: t[i] + t[13 - i] for i, e in enumerate(entries, start=1)}
    # E01 25 + 0, E02 18 + 0, E03 15 + 1, E04 12 + 2, E05 10 + 4, E06 8 + 6 (and the same from the other end)
    assert [sums[e] for e in entries] == [25, 18, 16, 14, 14, 14, 14, 14, 14, 16, 18, 25]
    for e, extra in {"E12": 25, "E03": 18, "E07": 15, "E01": 12, "E09": 10}.items():
        sums[e] += extra
    counts = {e: 3 if e in places["c"] else 2 for e in entries}
    assert merit(panel, rule) == pytest.approx([sums[e] / counts[e] for e in entries], abs=TOLERANCE)
    # e.g. E01 (25 + 0 + 12)/3 = 37/3, E12 (0 + 25 + 25)/3 = 50/3, E06 (8 + 6)/2 = 7
    assert merit(panel, rule)[0] == pytest.approx(37 / 3) and merit(panel, rule)[11] == pytest.approx(50 / 3)
    summed = merit(panel, Aggregation(jurors="rank_points", rank_points=FORMULA_ONE, panel="sum"))
    assert summed == pytest.approx([sums[e] / counts[e] * 3 for e in entries])  # the mean × a full panel of 3
    # a short table: only the first two places count
    assert merit(panel_of(FOUR), Aggregation(jurors="rank_points", rank_points=[5, 2])) == pytest.approx(
        [5 / 2, 12 / 3, 2 / 3, 2 / 2])  # W 5 + 0; X 2 + 5 + 5; Y 0 + 2 + 0; Z 0 + 2


def random_marks(seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    n, n_judges = int(rng.integers(2, 9)), int(rng.integers(1, 10))
    return np.column_stack([rng.permutation(n) + 1 for _ in range(n_judges)])


def marks_panel(marks: np.ndarray) -> Panel:
    """Couples C0 … and adjudicators J0 … (one digit each: Panel.of sorts them as numbered)."""
    return panel_of({f"J{k}": {f"C{i}": marks[i, k] for i in range(marks.shape[0])} for k in range(marks.shape[1])})


@pytest.mark.parametrize("seed", range(120))
def test_majority_is_the_skating_system(seed):
    """[SKATING] on random finals: the places, an adjudicator counted twice (the mark column duplicated)
    and one left out (the column dropped)."""
    marks = random_marks(seed)
    panel, rule = marks_panel(marks), Aggregation(jurors="majority")
    n_judges = marks.shape[1]
    expected = skating_places(marks)
    np.testing.assert_array_equal(expected, skating_by_the_letter(marks))
    np.testing.assert_array_equal(-np.array(merit(panel, rule)), expected)
    twice = seed % n_judges
    weights = np.ones(n_judges)
    weights[twice] = 2
    np.testing.assert_array_equal(-np.array(merit(panel, rule, weights)),
                                  skating_places(np.column_stack([marks, marks[:, twice]])))
    if n_judges > 1:
        weights = np.ones(n_judges)
        weights[twice] = 0
        np.testing.assert_array_equal(-np.array(merit(panel, rule, weights)),
                                      skating_places(np.delete(marks, twice, axis=1)))


def test_majority_shares_the_places_the_rules_leave_equal():
    # tests/test_skating.py: a cycle of three adjudicators leaves three couples sharing places 1-3 (each 2)
    marks = np.array([[1, 2, 3], [2, 3, 1], [3, 1, 2], [4, 4, 4]])
    assert merit(marks_panel(marks), Aggregation(jurors="majority")) == [-2.0, -2.0, -2.0, -4.0]


def test_tie_breaks_read_the_places_or_the_column():
    panel = panel_of(FOUR, tie={"W": 7, "X": 3, "Y": 7, "Z": 1})
    everyone = np.ones((1, 3))

    def keys(tie_break):
        return panel_tiebreak(panel, everyone, Aggregation(jurors="rank_sum", tie_break=tie_break))[0].tolist()

    # best single place: W min(1, 3) = 1; X min(2, 1, 1) = 1; Y min(3, 2, 3) = 2; Z min(4, 2) = 2 (negated: higher wins)
    assert keys("best_rank") == [-1.0, -1.0, -2.0, -2.0]
    # first places: W 1 (a); X 2 (b, c); Y 0; Z 0
    assert keys("more_first") == [1.0, 2.0, 0.0, 0.0]
    assert keys("televote") == [7.0, 3.0, 7.0, 1.0]  # any other name: the column's value, as loaded
    assert panel_tiebreak(panel, everyone, Aggregation(jurors="rank_sum")) is None  # "none": ties are shared
    # a juror left out: without c, X's best is still 1 (b) but it has one first place only
    without_c = np.array([[1.0, 1.0, 0.0]])
    assert panel_tiebreak(panel, without_c, Aggregation(jurors="rank_sum", tie_break="more_first"))[0].tolist() == [
        1.0, 1.0, 0.0, 0.0]
    assert panel_tiebreak(panel, without_c, Aggregation(jurors="rank_sum", tie_break="best_rank"))[0].tolist() == [
        -1.0, -1.0, -2.0, -4.0]


#: two juries: X (x1, x2) and Y (y1); within X, P, Q and R tie on the mean place 2
JURIES = {"x1": "X", "x2": "X", "y1": "Y"}
JURY_PLACES = {"x1": {"P": 1, "Q": 2, "R": 3, "S": 4},
               "x2": {"P": 3, "Q": 2, "R": 1, "S": 4},
               "y1": {"P": 1, "Q": 2, "R": 3, "S": 4}}


@pytest.mark.parametrize("tie_break, x_places, x_points", [
    # none: P, Q, R share places 1-3 (2 each) and points (3 + 2 + 1)/3 = 2; S fourth, 0
    ("none", [2, 2, 2, 4], [2, 2, 2, 0]),
    # best single place within X: P 1, Q 2, R 1: P and R share 1-2 (3 + 2)/2 = 2.5, Q third 1
    ("best_rank", [1.5, 3, 1.5, 4], [2.5, 1, 2.5, 0]),
    # first places within X: P 1, Q 0, R 1: the same
    ("more_first", [1.5, 3, 1.5, 4], [2.5, 1, 2.5, 0]),
    # the column: R 5 first; P and Q 1 each, still tied: they share 2-3, (2 + 1)/2 = 1.5
    ("televote", [2.5, 2.5, 1, 4], [1.5, 1.5, 3, 0]),
])
def test_juries_rankings_become_points(tie_break, x_places, x_points):
    panel = panel_of(JURY_PLACES, juries=JURIES, tie={"P": 1, "Q": 1, "R": 5, "S": 1})
    rule = Aggregation(jurors="rank_sum", juries={"points": [3, 2, 1]}, tie_break=tie_break)
    table = jury_table(panel, rule, panel.tie_values if tie_break == "televote" else None).set_index(["jury", "entry_id"])
    x = table.loc["X"]
    assert x["value"].tolist() == [2.0, 2.0, 2.0, 4.0]  # the jury's mean places: (1 + 3)/2, 2, (3 + 1)/2, 4
    assert x["jury_rank"].tolist() == x_places and x["points"].tolist() == x_points
    y = table.loc["Y"]  # one juror: places 1 to 4, points 3, 2, 1, 0
    assert y["jury_rank"].tolist() == [1, 2, 3, 4] and y["points"].tolist() == [3, 2, 1, 0]
    # the lane's result: the sum of points over the juries (a merit: higher is better)
    assert merit(panel, rule) == [x + y for x, y in zip(x_points, [3, 2, 1, 0])]
    # jury X left out (its jurors' multiplicities 0): Y's points alone
    assert merit(panel, rule, [0, 0, 1]) == [3.0, 2.0, 1.0, 0.0]


# --- ranks with a tie-break ------------------------------------------------------------------

@pytest.mark.parametrize("results, then, expected", [
    # competition ranks: ties share the best rank, an entry without a result is last
    ([7, 9, 7, np.nan], None, [2, 1, 2, 4]),
    # the tie of 7s is broken by then (higher wins); those without a result share the last rank whatever then says
    ([7, 9, 7, np.nan, np.nan], [1, 0, 2, 5, 1], [3, 1, 2, 4, 4]),
    # equal on both: shared; a missing tie-break value loses the tie
    ([7, 7, 7, 7], [1, 2, 2, np.nan], [3, 1, 1, 4]),
    # then never overrides the result
    ([1, 2, 3], [9, 5, 0], [3, 2, 1]),
    # merits of places: -7/3 (two entries) and -8/3 (two), the mean place 5 last: best_rank keys -1, -2, -1, -1, -5
    ([-7 / 3, -7 / 3, -8 / 3, -8 / 3, -5], [-1, -2, -1, -1, -5], [1, 2, 3, 3, 5]),
])
def test_ranks_then(results, then, expected):
    got = ranks(np.array([results], dtype=float), None if then is None else np.array([then], dtype=float))
    assert got[0].tolist() == expected


def test_ranks_the_same_row_after_row():
    """Many rows (ranks counts instead of sorting when there are few distinct values): the same ranks."""
    results = np.tile([[1.0, 2.0, 2.0, 3.0, np.nan]], (3000, 1))
    assert (ranks(results) == [4, 2, 2, 1, 5]).all()
    assert (ranks(results, np.tile([[0.0, 1.0, 2.0, 0.0, 0.0]], (3000, 1))) == [4, 3, 2, 1, 5]).all()


# --- jury check on a lower-is-better festival ------------------------------------------------

def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def check_out(folder: Path, out: Path) -> Path:
    """``jury check FOLDER --out OUT --quiet``, in this process (the command's own entry point, as
    tests/test_cli.py calls it; a process per run would cost its start-up each time)."""
    assert cli.main(["check", str(folder), "--out", str(out), "--quiet"]) in (0, 1)  # 1: blockers open
    return out


MEAN_PLACE = {e: Fraction(sum(PLACES[j][e] for j in PLACES), len(PLACES)) for e in "ABCDE"}


@pytest.mark.parametrize("tie_break, expected", [
    # A and B tie on 7/3, C and D on 8/3: shared
    ("none", {"A": 1, "B": 1, "C": 3, "D": 3, "E": 5}),
    # A's best place 1 beats B's 2; C and D both have a 1: still shared
    ("best_rank", {"A": 1, "B": 2, "C": 3, "D": 3, "E": 5}),
    # A one first place, B none; C and D one each
    ("more_first", {"A": 1, "B": 2, "C": 3, "D": 3, "E": 5}),
    # the televote: B 20 beats A 10; C and D 5 each
    ("televote", {"A": 2, "B": 1, "C": 3, "D": 3, "E": 5}),
])
def test_lower_is_better_end_to_end(tmp_path, tie_break, expected):
    assert MEAN_PLACE == {"A": Fraction(7, 3), "B": Fraction(7, 3), "C": Fraction(8, 3), "D": Fraction(8, 3), "E": 5}
    folder = write_festival(tmp_path / "f", PLACES, aggregation=f'tie_break = "{tie_break}"',
                            entry_columns={"televote": TELEVOTE})
    out = check_out(folder, tmp_path / "out")
    rows = read(out / "rankings.csv")
    for row in rows:  # the score as stated: the mean place, not its negation
        assert abs(float(row["score"]) - MEAN_PLACE[row["entry_id"]]) < TOLERANCE, row
        assert abs(float(row["round_score"]) - MEAN_PLACE[row["entry_id"]]) < TOLERANCE, row
    assert {r["entry_id"]: int(r["rank"]) for r in rows} == expected
    assert [int(r["rank"]) for r in rows] == sorted(int(r["rank"]) for r in rows)  # best first
    assert {MEAN_PLACE[r["entry_id"]] for r in rows if r["rank"] == "1"} == {min(MEAN_PLACE.values())}  # the lowest mean
    per_entry = {r["entry_id"]: r for r in read(out / "entry_scores.csv")}
    assert sorted(per_entry) == list("ABCDE")
    for entry, row in per_entry.items():
        assert row["criterion"] == "place" and abs(float(row["score"]) - MEAN_PLACE[entry]) < TOLERANCE


def test_a_shared_place_is_flagged_where_no_tie_is_broken(tmp_path):
    """Design section 15: tie_break = "none" leaves a shared place, and the standings flag it; so does a tie the
    tie-break cannot split."""
    folder = write_festival(tmp_path / "f", PLACES)
    flags = [f for f in read(check_out(folder, tmp_path / "out") / "flags.csv") if f["check"] == "place_shared"]
    assert [(f["entry_id"], float(f["value"])) for f in flags] == [("A", 2), ("C", 2)]  # two entries each
    assert "A, B share place 1" in flags[0]["message"] and "C, D share place 3" in flags[1]["message"]
    # best_rank splits A and B (best places 1 and 2) but not C and D (each placed first once): only they share
    broken = write_festival(tmp_path / "g", PLACES, aggregation='tie_break = "best_rank"')
    left = [f for f in read(check_out(broken, tmp_path / "out2") / "flags.csv") if f["check"] == "place_shared"]
    assert [(f["entry_id"], float(f["value"])) for f in left] == [("C", 2)]
    assert "equal on the tie-break, best_rank" in left[0]["message"]


def test_summed_places_end_to_end(tmp_path):
    folder = write_festival(tmp_path / "f", PLACES, aggregation='panel = "sum"\ntie_break = "best_rank"')
    rows = read(check_out(folder, tmp_path / "out") / "rankings.csv")
    # the sums 7, 7, 8, 8, 15; lower first
    assert {r["entry_id"]: (float(r["score"]), int(r["rank"])) for r in rows} == {
        "A": (7.0, 1), "B": (7.0, 2), "C": (8.0, 3), "D": (8.0, 3), "E": (15.0, 5)}


def test_leave_one_out_ranks_are_competition_ranks_with_the_tie_break(tmp_path):
    """analytics.rules.leave_one_out: each juror left out, ranks are 1 + the entries with a lower mean place or,
    on an equal one, a better best place (tie_break = "best_rank"). Without J1: A 3 (best 2), B 2.5 (2),
    C 2.5 (1), D 2 (1), E 5 -> D 1, C 2, B 3, A 4, E 5; without J2: A 1.5, B 2.5 (2), C 3.5, D 2.5 (1), E 5
    -> A 1, D 2, B 3, C 4, E 5; without J3: A 2.5, B 2 (2), C 2 (1), D 3.5, E 5 -> C 1, B 2, A 3, D 4, E 5."""
    folder = write_festival(tmp_path / "f", PLACES, aggregation='tie_break = "best_rank"')
    rows = read(check_out(folder, tmp_path / "out") / "rankings.csv")
    got = {r["entry_id"]: (float(r["loo_rank_best"]), float(r["loo_rank_worst"])) for r in rows}
    assert got == {"A": (1, 4), "B": (2, 3), "C": (1, 4), "D": (1, 4), "E": (5, 5)}


def test_a_tie_the_tie_break_decides_does_not_change_first_place(tmp_path):
    folder = write_festival(tmp_path / "f", PLACES, aggregation='tie_break = "televote"',
                            entry_columns={"televote": TELEVOTE})
    flags = read(check_out(folder, tmp_path / "out") / "flags.csv")
    (unstable,) = [f for f in flags if f["check"] == "first_place_unstable"]
    assert "without J1 D wins" in unstable["message"] and "without J2 A wins" in unstable["message"]
    assert "without J3" not in unstable["message"], unstable["message"]


# --- majority end to end: the Skating System -------------------------------------------------

def marks_of(folder: Path) -> tuple[list[str], np.ndarray]:
    scores = read(folder / "scores.csv")
    couples = sorted({s["entry_id"] for s in scores})
    judges = sorted({s["juror_id"] for s in scores})
    marks = np.zeros((len(couples), len(judges)), dtype=int)
    for s in scores:
        marks[couples.index(s["entry_id"]), judges.index(s["juror_id"])] = int(s["score"])
    return couples, marks


def test_majority_end_to_end_on_the_dance_final(tmp_path):
    couples, marks = marks_of(DANCE)
    places = dict(zip(couples, skating_by_the_letter(marks)))  # [SKATING], rules 5-8 read literally
    out = check_out(DANCE, tmp_path / "out")
    rows = read(out / "rankings.csv")
    assert {r["entry_id"]: float(r["score"]) for r in rows} == places
    assert {r["entry_id"]: int(r["rank"]) for r in rows} == {
        c: 1 + sum(p < places[c] for p in places.values()) for c in couples}
    assert {r["entry_id"]: float(r["score"]) for r in read(out / "entry_scores.csv")} == places
    # each adjudicator left out: the places of the other six, read literally, as competition ranks
    without = [skating_by_the_letter(np.delete(marks, k, axis=1)) for k in range(marks.shape[1])]
    rank_without = [{c: 1 + sum(q < p[i] for q in p) for i, c in enumerate(couples)} for p in without]
    assert {r["entry_id"]: (float(r["loo_rank_best"]), float(r["loo_rank_worst"])) for r in rows} == {
        c: (min(r[c] for r in rank_without), max(r[c] for r in rank_without)) for c in couples}


def test_majority_shares_a_place_end_to_end(tmp_path):
    # the cycle above as a final: three couples share places 1-3 (each 2.0) and rank 1; the fourth is fourth
    cycle = {"A1": {"P": 1, "Q": 2, "R": 3, "S": 4}, "A2": {"P": 2, "Q": 3, "R": 1, "S": 4},
             "A3": {"P": 3, "Q": 1, "R": 2, "S": 4}}
    folder = write_festival(tmp_path / "f", cycle, aggregation='jurors = "majority"', max_place=4)
    rows = read(check_out(folder, tmp_path / "out") / "rankings.csv")
    assert {r["entry_id"]: (float(r["score"]), int(r["rank"])) for r in rows} == {
        "P": (2.0, 1), "Q": (2.0, 1), "R": (2.0, 1), "S": (4.0, 4)}


# --- mends after review: one tie column, one direction across rounds, the tie-break in every check ----------

def test_rounds_whose_results_point_opposite_ways_cannot_be_added():
    """A round's result adds the rounds its weights name: Borda points (higher better) and a Skating place
    (lower better) cannot be added; festival.toml says so at load."""
    text = RANK_TOML.replace('jurors = "rank_sum"', 'jurors = "borda"') + (
        '\n[[rounds]]\nid = "semi"\nadvance = 3\n\n[[rounds]]\nid = "final"\nweights = { semi = 0.5, final = 0.5 }\n'
        'aggregation = { jurors = "majority" }\n')
    config, found = parse(text)
    assert config is None and [(p.column, p.value) for p in found] == [("rounds[2].weights", "semi, final")]
    assert "the same way" in found[0].expected


def test_two_tie_break_columns_are_one_problem(tmp_path):
    """A festival breaks its ties one way: two columns named in different rounds are a load error."""
    folder = write_festival(tmp_path / "f", PLACES, entry_columns={"aa": TELEVOTE, "bb": TELEVOTE},
                            aggregation='tie_break = "aa"')
    toml = (folder / "festival.toml").read_text(encoding="utf-8")
    toml += '\n[[rounds]]\nid = "heat"\nadvance = 3\n\n[[rounds]]\nid = "last"\naggregation = { tie_break = "bb" }\n'
    (folder / "festival.toml").write_text(toml, encoding="utf-8")
    scores = (folder / "scores.csv").read_text(encoding="utf-8").splitlines()
    (folder / "scores.csv").write_text("\n".join([scores[0] + ",round", *(line + ",heat" for line in scores[1:])])
                                       + "\n", encoding="utf-8")
    found = load_problems(folder)
    assert ("festival.toml", None, "aggregation.tie_break", "aa, bb",
            "one column of entries.csv to break ties by in every round (the rounds name several)") in found


def test_a_score_scale_tie_column_reaches_the_leave_one_out_ranks_and_the_tie_flag(tmp_path):
    """Four jurors give A and B the same marks (9, 7, 8, 8): every jury, each with one juror left out or
    resampled, ties them, and the televote (B 20, A 10) puts B first each time. So B is first with one juror
    left out (its leave-one-out range 1–1, A's 2–2, within which their official ranks lie), comes first in
    every resampled jury, and the exact tie the rule decides raises neither first_place_tie nor
    first_place_unstable."""
    folder = tmp_path / "f"
    folder.mkdir()
    (folder / "festival.toml").write_text(
        '[festival]\nname = "Scores"\n[scale]\nmin = 1\nmax = 10\n[[criteria]]\nid = "c"\nlabel = "C"\n'
        '[[lanes]]\nid = "final"\nname = "Final"\n[aggregation]\ntie_break = "televote"\n'
        '[checks]\nbootstrap_resamples = 100\ncollusion_permutations = 99\n', encoding="utf-8")
    (folder / "entries.csv").write_text("entry_id,title,category,televote\nA,A,final,10\nB,B,final,20\n"
                                        "C,C,final,5\n", encoding="utf-8")
    (folder / "jurors.csv").write_text("juror_id,name,panel\n" + "".join(f"J{i},J {i},final\n" for i in range(1, 5)),
                                       encoding="utf-8")
    marks = {"A": [9, 7, 8, 8], "B": [9, 7, 8, 8], "C": [5, 6, 5, 6]}
    (folder / "scores.csv").write_text("entry_id,juror_id,criterion,score\n" + "".join(
        f"{e},J{i + 1},c,{m}\n" for e, ms in marks.items() for i, m in enumerate(ms)), encoding="utf-8")
    out = check_out(folder, tmp_path / "out")
    rows = {r["entry_id"]: r for r in read(out / "rankings.csv")}
    assert (int(rows["B"]["rank"]), int(rows["A"]["rank"])) == (1, 2)
    assert [(float(rows[e]["loo_rank_best"]), float(rows[e]["loo_rank_worst"])) for e in "BA"] == [(1, 1), (2, 2)]
    assert float(rows["B"]["p_first"]) == 1.0
    assert not [f for f in read(out / "flags.csv") if f["check"] in ("first_place_tie", "first_place_unstable")]
