"""Performances (design section 14): sports that judge each attempt.

The official rule per performance and per entry (:mod:`analytics.rules.official`) is recomputed
here in exact arithmetic (``fractions.Fraction``, rounding half up as ``decimal.ROUND_HALF_UP``
does, at every step the design names: panel score, performance points, the entry's round score)
on random rotating panels, for every combination of ``[aggregation]`` ``jurors``, ``panel``,
``performances``, ``decimals`` and ``multiplier``; each juror left out
(:func:`~analytics.rules.official.entry_results_without_each`) is checked against the full
computation with that juror's multiplicity set to 0, and against the same exact recomputation without
the juror's marks. Then the load boundary (the problems a
performance folder can have), and small synthetic festivals written to a temporary folder and run
through :func:`analytics.checks.registry.run_checks`: a diving-like event (short panel, withdrawal,
an entry with no score), straight-lining against the panel's own spread, the affiliation screen
whatever the layout and per lane, and drift in the order of performance.

Every number the tests compare with comes either from the exact recomputation in this module, or
from the synthetic data as built here (a planted bias, a planted drift), said where it is used.
"""

from __future__ import annotations

import collections
import itertools
import math
import re
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics import load_festival
from analytics.base.problems import FestivalDataError
from analytics.checks.registry import run_checks
from analytics.load.config import Aggregation
from analytics.rules.official import (
    Panel,
    entry_results_without_each,
    panel_results,
    performance_points,
)

PROPERTY = settings(max_examples=60, deadline=None, derandomize=True)

JURORS = ("mean", "median", "trimmed_mean", "drop_extremes", "clip_to_mean")
#: every combination of the keys section 14 adds (``panel = "sum"`` with ``median`` is a configuration error)
RULES = [(jurors, panel, performances, decimals, multiplier)
         for jurors in JURORS for panel in ("mean", "sum") if not (panel == "sum" and jurors == "median")
         for performances in ("sum", "mean", "best") for decimals in (None, 2) for multiplier in ("1", "0.6")]


def rule_id(combo) -> str:
    jurors, panel, performances, decimals, multiplier = combo
    return f"{jurors}-panel_{panel}-perf_{performances}-dec_{decimals}-x{multiplier}"


# --- random rotating panels ----------------------------------------------------------------

def make_rule(rng: np.random.Generator, jurors: str, panel: str, performances: str, decimals: int | None,
              multiplier: str) -> Aggregation:
    """The rule of ``[aggregation]`` with the given keys; the method's own parameters (and the order) at random."""
    return Aggregation(order=str(rng.choice(["criteria_first", "jurors_first"])), jurors=jurors, panel=panel,
                       performances=performances, decimals=decimals, multiplier=float(multiplier),
                       trim=float(rng.choice([0.1, 0.2, 0.25, 0.4])), drop_high=int(rng.integers(0, 3)),
                       drop_low=int(rng.integers(0, 3)),
                       clip=float(rng.choice([0.5, 1.0, 2.5])) if jurors == "clip_to_mean" else None)


def random_panel(rng: np.random.Generator, rule: Aggregation) -> tuple[pd.DataFrame, dict[str, Fraction]]:
    """Scores of one lane and round as :attr:`analytics.load.festival.Festival.scores` carries them where the
    scores judge performances: 2-5 entries of 1-4 performances each, every performance judged by a random
    subset of a pool of 4-8 jurors (at least one mark more than ``drop_extremes`` drops, as the load
    requires), on every criterion, marks 0-10 in halves; a factor 1.0-3.8 and a base 0-20 (one decimal,
    half the performances 0). Rows shuffled. Returns the scores and the criteria's factors (exact)."""
    criteria = ["execution", "difficulty"][:int(rng.integers(1, 3))]
    weights = {c: Fraction(str(rng.choice(["1", "0.5", "0.8", "1.6", "2.5"]))) for c in criteria}
    pool = [f"J{j}" for j in range(int(rng.integers(4, 9)))]
    fewest = max(2, (rule.drop_high + rule.drop_low + 1) if rule.jurors == "drop_extremes" else 2)
    if fewest > len(pool):
        pool += [f"K{j}" for j in range(fewest - len(pool))]
    rows = []
    for e in range(int(rng.integers(2, 6))):
        for order in range(int(rng.integers(1, 5))):
            label = f"{int(rng.integers(101, 630))}{'ABCD'[order]}"  # a dive code
            factor = int(rng.integers(10, 39)) / 10
            base = int(rng.integers(0, 201)) / 10 if rng.random() < 0.5 else 0.0
            for juror in rng.choice(pool, size=int(rng.integers(fewest, len(pool) + 1)), replace=False):
                for c in criteria:
                    rows.append((f"E{e}", str(juror), c, int(rng.integers(0, 21)) / 2, label, order, factor, base))
    scores = pd.DataFrame(rows, columns=["entry_id", "juror_id", "criterion", "score", "performance",
                                         "performance_order", "factor", "base"])
    return scores.sample(frac=1, random_state=int(rng.integers(2**31))).reset_index(drop=True), weights


# --- the exact recomputation ----------------------------------------------------------------

def half_up(q: Fraction, decimals: int | None) -> Fraction:
    """``q`` rounded half away from zero (decimal.ROUND_HALF_UP) to ``decimals``; unchanged when None."""
    if decimals is None:
        return q
    scale = Fraction(10) ** decimals
    sign = -1 if q < 0 else 1
    return sign * Fraction(math.floor(abs(q) * scale + Fraction(1, 2))) / scale


def kept_marks(marks: list[Fraction], rule) -> list[Fraction]:
    """The marks the rule's ``jurors`` method keeps (clip_to_mean: every mark, moved to within clip of the mean
    and rounded); for ``median`` every mark (it is not a mean of kept marks)."""
    v, n = sorted(marks), len(marks)
    if rule.jurors == "trimmed_mean":
        cut = math.floor(Fraction(str(rule.trim)) * n)  # scipy.stats.trim_mean: int(proportiontocut * n) each end
        return v[cut:n - cut]
    if rule.jurors == "drop_extremes":
        return v[rule.drop_low:max(n - rule.drop_high, 0)]
    if rule.jurors == "clip_to_mean" and n:
        mean, clip = sum(v) / n, Fraction(str(rule.clip))
        return [half_up(min(max(x, mean - clip), mean + clip), rule.decimals) for x in v]
    return v


def over_jurors(marks: list[Fraction], rule, seats: int | None = None) -> Fraction | None:
    """The panel score of one performance's marks by the rule's ``jurors`` method: the mean of the marks kept
    (``panel = "mean"``) or their sum (``panel = "sum"``); None when no mark is kept. ``seats``: the marks of
    the panel as it sat, where ``marks`` are those of another jury (a juror left out): ``panel = "sum"`` is
    then the kept marks' mean × the number of marks the rule keeps of the panel as it sat."""
    v, n = sorted(marks), len(marks)
    if n == 0:
        return None
    if rule.jurors == "median":
        return (v[(n - 1) // 2] + v[n // 2]) / 2
    kept = kept_marks(v, rule)
    if not kept:
        return None
    mean = sum(kept, Fraction(0)) / len(kept)
    if rule.panel == "mean":
        return mean
    return mean * len(kept_marks([Fraction(0)] * (n if seats is None else seats), rule))


def performances_of(scores: pd.DataFrame) -> dict:
    """The scores as plain Python: ``{(entry, performance): (order, factor, base, {juror: {criterion: mark}})}``."""
    out: dict = {}
    for e, j, c, x, label, order, factor, base in scores[["entry_id", "juror_id", "criterion", "score", "performance",
                                                          "performance_order", "factor", "base"]].itertuples(index=False):
        out.setdefault((e, label), (order, Fraction(str(factor)), Fraction(str(base)), {}))[3].setdefault(j, {})[c] = \
            Fraction(x)
    return out


def exact_official(performed: dict, rule, factors: dict[str, Fraction], multiplier: Fraction, *,
                   without: str | None = None, seats: dict | None = None):
    """Per (entry, performance) of ``performed`` (:func:`performances_of`): the panel score per criterion and
    the points; per entry: the round score. Section 14: the panel score by the rule (jurors first: per
    criterion, rounded, × the criterion's factor, rounded, summed, rounded; criteria first: each juror's total,
    unrounded, then the rule, rounded), × factor × multiplier + base, rounded; the entry's performances summed,
    averaged or the best, rounded. ``without``: a juror left out (``seats``: the jurors of each performance as
    the panel sat)."""
    d = rule.decimals
    per_criterion, points, by_entry = {}, {}, {}
    for (entry, label), (order, factor, base, marks) in sorted(performed.items(), key=lambda kv: (kv[0][0], kv[1][0])):
        sat = None if seats is None else seats[(entry, label)]
        jury = {j: m for j, m in marks.items() if j != without}
        for c in factors:
            got = over_jurors([m[c] for m in jury.values() if c in m], rule, sat)
            per_criterion[(entry, label, c)] = None if got is None else half_up(got, d)
        if rule.order == "jurors_first":
            parts = [per_criterion[(entry, label, c)] for c in factors]
            panel = None if None in parts else half_up(sum((half_up(f * p, d) for f, p in zip(factors.values(), parts)),
                                                           Fraction(0)), d)
        else:  # a juror's total needs every criterion (every juror here gives every criterion)
            got = over_jurors([sum((f * m[c] for c, f in factors.items()), Fraction(0)) for m in jury.values()], rule, sat)
            panel = None if got is None else half_up(got, d)
        points[(entry, label)] = None if panel is None else half_up(panel * factor * multiplier + base, d)
        by_entry.setdefault(entry, []).append(points[(entry, label)])
    entries = {}
    for entry, ps in by_entry.items():
        if None in ps:
            entries[entry] = None
        elif rule.performances == "sum":
            entries[entry] = half_up(sum(ps, Fraction(0)), d)
        elif rule.performances == "mean":
            entries[entry] = half_up(sum(ps, Fraction(0)) / len(ps), d)
        else:
            entries[entry] = half_up(max(ps), d)
    return per_criterion, points, entries


def usual_seats(performed: dict) -> dict:
    """Each performance's full panel for ``panel = "sum"``: the round's usual panel, the number of jurors who
    judged most of its performances, the larger on a tie (design section 14; here a panel is one round)."""
    counts = collections.Counter(len(marks) for _, _, _, marks in performed.values())
    usual = max(counts, key=lambda n: (counts[n], n))
    return {key: usual for key in performed}


def close(got: float, want: Fraction | None) -> bool:
    return bool(np.isnan(got)) if want is None else abs(got - float(want)) <= 1e-9


def check_exact(scores: pd.DataFrame, weights: dict[str, Fraction], rule, multiplier: str) -> None:
    factors = {c: float(w) for c, w in weights.items()}
    panel = Panel.of(scores, tuple(weights))
    assert panel.performances is not None
    performed = performances_of(scores)
    per_criterion, points, entries = exact_official(performed, rule, weights, Fraction(multiplier),
                                                    seats=usual_seats(performed))
    got, per = panel_results(panel, np.ones((1, len(panel.jurors_index))), rule, factors)
    assert sorted(panel.entries) == sorted(entries)
    for entry, value in zip(panel.entries, got[0]):
        assert close(value, entries[entry]), (entry, value, entries[entry], rule)
    rows = list(panel.rows)
    assert sorted(rows) == sorted(points)
    for (entry, label), value in zip(rows, performance_points(panel, rule, factors)):
        assert close(value, points[(entry, label)]), (entry, label, value, points[(entry, label)], rule)
    for i, c in enumerate(panel.criteria):
        for r, (entry, label) in enumerate(rows):
            assert close(per[i, 0, r], per_criterion[(entry, label, c)]), (entry, label, c, rule)
    # the rows of an entry are its performances in the order performed
    order = scores.drop_duplicates(["entry_id", "performance"]).sort_values(["entry_id", "performance_order"])
    assert rows == list(zip(order["entry_id"], order["performance"]))


def check_left_out(scores: pd.DataFrame, weights: dict[str, Fraction], rule, multiplier: str) -> None:
    factors = {c: float(w) for c, w in weights.items()}
    panel = Panel.of(scores, tuple(weights))
    n = len(panel.jurors_index)
    juror, entry, value = entry_results_without_each(panel, rule, factors)
    # the reference: every juror's jury as a row of multiplicities, 1 for everyone and 0 for the juror left out
    full, _ = panel_results(panel, np.ones((n, n)) - np.eye(n), rule, factors, keep=False)
    official, _ = panel_results(panel, np.ones((1, n)), rule, factors, keep=False)
    scored = set(zip(panel.jurors_index.get_indexer(scores["juror_id"]), panel.entries.get_indexer(scores["entry_id"])))
    pairs = list(zip(juror.tolist(), entry.tolist()))
    assert len(pairs) == len(set(pairs)) and set(pairs) == scored, rule
    np.testing.assert_allclose(value, full[juror, entry], rtol=0, atol=1e-9, equal_nan=True, err_msg=str(rule))
    # a juror who judged none of an entry's performances changes nothing by being left out
    for j, e in itertools.product(range(n), range(len(panel.entries))):
        if (j, e) not in scored:
            np.testing.assert_allclose(full[j, e], official[0, e], rtol=0, atol=1e-9, equal_nan=True)
    # and in exact arithmetic: the entry without the juror's marks (panel = "sum": the kept marks' mean × the
    # number of marks the rule keeps of the round's usual panel, design section 14)
    performed = performances_of(scores)
    seats = usual_seats(performed)
    for j, name in enumerate(panel.jurors_index):
        _, _, exact = exact_official(performed, rule, weights, Fraction(multiplier), without=name, seats=seats)
        for e in entry[juror == j]:
            assert close(value[(juror == j) & (entry == e)][0], exact[panel.entries[e]]), (name, panel.entries[e], rule)


@pytest.mark.parametrize("combo", RULES, ids=rule_id)
def test_each_juror_left_out_is_the_jury_with_that_juror_counted_zero_times(combo):
    for seed in range(3):
        rng = np.random.default_rng([seed, RULES.index(combo)])
        rule = make_rule(rng, *combo)
        scores, weights = random_panel(rng, rule)
        check_left_out(scores, weights, rule, combo[4])


@pytest.mark.parametrize("combo", RULES, ids=rule_id)
def test_the_official_points_and_results_equal_an_exact_recomputation(combo):
    for seed in range(3):
        rng = np.random.default_rng([seed, RULES.index(combo), 7])
        rule = make_rule(rng, *combo)
        scores, weights = random_panel(rng, rule)
        check_exact(scores, weights, rule, combo[4])


@st.composite
def cases(draw):
    combo = draw(st.sampled_from(RULES))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    rule = make_rule(rng, *combo)
    scores, weights = random_panel(rng, rule)
    return combo, rule, scores, weights


@PROPERTY
@given(cases())
def test_property_left_out_and_exact_on_random_panels(case):
    combo, rule, scores, weights = case
    check_left_out(scores, weights, rule, combo[4])
    check_exact(scores, weights, rule, combo[4])


def test_the_exact_recomputation_by_hand():
    """A dive worked by hand (the reference is arithmetic): seven marks 6.5 7 7 7.5 7.5 7.5 8.5, the highest
    and lowest dropped, the middle five summed: 36.5; × 3.2 × 0.6 = 70.08 (the docstring of
    performance_points); averaged instead: 7.3; half up at 2.675 -> 2.68. The engine gives the same."""
    diving = Aggregation(jurors="drop_extremes", panel="sum", multiplier=0.6, decimals=2)
    marks = [Fraction(m) for m in ("6.5", "7", "7", "7.5", "7.5", "7.5", "8.5")]
    assert over_jurors(marks, diving) == Fraction("36.5")
    assert half_up(Fraction("36.5") * Fraction("3.2") * Fraction("0.6"), 2) == Fraction("70.08")
    assert over_jurors(marks, Aggregation(jurors="drop_extremes")) == Fraction("7.3")
    assert half_up(Fraction("2.675"), 2) == Fraction("2.68") and half_up(Fraction("-2.675"), 2) == Fraction("-2.68")
    scores = pd.DataFrame({"entry_id": "D1", "juror_id": list("abcdefg"), "criterion": "execution",
                           "score": [float(m) for m in marks], "performance": "1", "performance_order": 0,
                           "factor": 3.2, "base": 0.0})
    performed = performances_of(scores)
    assert exact_official(performed, diving, {"execution": Fraction(1)}, Fraction("0.6"))[1] == {("D1", "1"): Fraction("70.08")}
    # judge a left out: the six others' middle four (7 7.5 7.5 7.5, mean 7.375) counted as the five the panel kept,
    # 36.875, rounded half up to 36.88; × 3.2 × 0.6 = 70.8096, rounded to 70.81
    left = exact_official(performed, diving, {"execution": Fraction(1)}, Fraction("0.6"), without="a", seats={("D1", "1"): 7})
    assert left[2] == {"D1": Fraction("70.81")}
    panel = Panel.of(scores, ("execution",))
    assert performance_points(panel, diving, {"execution": 1.0}).tolist() == [70.08]
    juror, _, value = entry_results_without_each(panel, diving, {"execution": 1.0})
    assert value[list(panel.jurors_index[juror]).index("a")] == 70.81


# --- festival folders ------------------------------------------------------------------------

def write_folder(folder: Path, toml: str, tables: dict[str, pd.DataFrame]) -> Path:
    """A festival folder: ``festival.toml`` and one CSV per table (``None`` values written as empty cells)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "festival.toml").write_text(toml, encoding="utf-8")
    for name, frame in tables.items():
        frame.to_csv(folder / f"{name}.csv", index=False)
    return folder


SMALL_TOML = """[festival]
name = "Performances test"
synthetic = true
[scale]
min = 0
max = 10
step = 0.5
[[criteria]]
id = "execution"
label = "Execution"
[[lanes]]
id = "springboard"
name = "Springboard"
[aggregation]
jurors = "drop_extremes"
panel = "sum"
multiplier = 0.6
decimals = 2
[checks]
bootstrap_resamples = 100
"""


def small_tables() -> dict[str, pd.DataFrame]:
    """Two divers, two dives each, three judges on every dive (valid as it stands)."""
    entries = pd.DataFrame({"entry_id": ["D1", "D2"], "title": ["Diver one", "Diver two"], "category": "springboard"})
    jurors = pd.DataFrame({"juror_id": ["J1", "J2", "J3"], "name": ["A", "B", "C"], "panel": "springboard"})
    rows = [(e, j, "execution", 5.0 + i + k / 2, p) for i, e in enumerate(["D1", "D2"]) for p in ("1", "2")
            for k, j in enumerate(["J1", "J2", "J3"])]
    scores = pd.DataFrame(rows, columns=["entry_id", "juror_id", "criterion", "score", "performance"])
    performances = pd.DataFrame({"entry_id": ["D1", "D1", "D2", "D2"], "performance": ["1", "2", "1", "2"],
                                 "factor": ["2.0", "2.4", "1.8", "3.0"], "base": ["", "", "", ""]})
    return {"entries": entries, "jurors": jurors, "scores": scores, "performances": performances}


def load_problems(folder: Path) -> list:
    with pytest.raises(FestivalDataError) as caught:
        load_festival(folder)
    return caught.value.problems


def test_the_small_folder_loads_with_performances(tmp_path):
    festival = load_festival(write_folder(tmp_path / "f", SMALL_TOML, small_tables()))
    assert festival.has_performances and festival.judgement == ["entry_id", "performance"]
    table = festival.performances.set_index(["entry_id", "performance"])
    assert table["factor"].to_dict() == {("D1", "1"): 2.0, ("D1", "2"): 2.4, ("D2", "1"): 1.8, ("D2", "2"): 3.0}
    assert (table["base"] == 0).all() and table["scored"].all()
    s = festival.scores.set_index(["entry_id", "performance"])
    assert s.loc[("D2", "2"), "factor"].eq(3.0).all() and s.loc[("D1", "2"), "performance_order"].eq(1).all()


def test_a_performance_named_on_some_scores_and_not_others_lists_each_empty_row(tmp_path):
    tables = small_tables()
    tables["scores"]["performance"] = tables["scores"]["performance"].astype(object)
    tables["scores"].loc[[1, 7], "performance"] = None  # spreadsheet rows 3 and 9
    found = load_problems(write_folder(tmp_path / "f", SMALL_TOML, tables))
    assert [(p.file, p.row, p.column) for p in found] == [("scores.csv", 3, "performance"), ("scores.csv", 9, "performance")]
    assert all("a performance" in p.expected for p in found)


def test_performances_csv_without_a_performance_in_the_scores_names_the_file(tmp_path):
    tables = small_tables()
    tables["scores"] = tables["scores"].drop(columns="performance").drop_duplicates(["entry_id", "juror_id"])
    found = load_problems(write_folder(tmp_path / "f", SMALL_TOML, tables))
    assert len(found) == 1 and found[0].file == "performances.csv", [p.sentence() for p in found]
    assert "performance column in scores.csv" in found[0].expected


@pytest.mark.parametrize("column, value", [("factor", "0"), ("factor", "-1.5"), ("factor", "hard"), ("base", "x")])
def test_a_bad_factor_or_base_names_the_row_and_column(tmp_path, column, value):
    tables = small_tables()
    tables["performances"].loc[2, column] = value  # spreadsheet row 4
    found = load_problems(write_folder(tmp_path / "f", SMALL_TOML, tables))
    assert [(p.file, p.row, p.column, p.value) for p in found] == [("performances.csv", 4, column, value)]


def test_the_same_score_twice_is_a_duplicate_but_two_performances_are_not(tmp_path):
    tables = small_tables()
    assert load_festival(write_folder(tmp_path / "ok", SMALL_TOML, tables)).scores.groupby(
        ["entry_id", "juror_id", "criterion"]).size().eq(2).all()  # the same judge, twice each: one per dive
    twice = tables["scores"].iloc[[4]].assign(score=9.0)  # D1, J2, dive 2 again (first on row 6)
    tables["scores"] = pd.concat([tables["scores"], twice], ignore_index=True)  # row 14
    found = load_problems(write_folder(tmp_path / "dup", SMALL_TOML, tables))
    assert [(p.file, p.row) for p in found] == [("scores.csv", 14)]
    assert "once" in found[0].expected and "row 6" in found[0].expected


# --- a diving-like event through the checks --------------------------------------------------

DIVING_TOML = """[festival]
name = "Synthetic diving (test)"
synthetic = true
[scale]
min = 0
max = 10
step = 0.5
[[criteria]]
id = "execution"
label = "Execution"
[[lanes]]
id = "springboard"
name = "3 m springboard"
[aggregation]
jurors = "drop_extremes"
drop_high = 1
drop_low = 1
panel = "sum"
multiplier = 0.6
performances = "sum"
decimals = 2
[[rounds]]
id = "prelim"
advance = 4
[[rounds]]
id = "final"
weights = { final = 1 }
[checks]
bootstrap_resamples = 200
seed = 11
"""

DIVERS = [f"D{i}" for i in range(1, 9)]
#: the planted cases: the dive judged by four of the five, the diver who withdrew after two of three
#: dives, the diver who never dived, and a mark far from the panel's (10 where the others give about 5.5)
SHORT, WITHDREW, ABSENT, FAR = ("D2", "prelim", "2"), "D7", "D8", ("D5", "prelim", "3")


def write_diving(folder: Path, seed: int = 3) -> Path:
    """Two rounds, eight divers of three dives each, every dive judged by 5 of 7 judges drawn at random;
    the four best divers (levels 8.5 to 7.5 against 6 and below, marks level + N(0, 0.4) in halves) go on
    to the final. The dive sheet (performances.csv) lists every dive, with its degree of difficulty."""
    rng = np.random.default_rng(seed)
    judges = [f"J{j}" for j in range(1, 8)]
    level = dict(zip(DIVERS, [8.5, 8.0, 7.5, 7.5, 5.5, 5.0, 6.0, 5.0]))
    sheet, rows = [], []
    for rnd, who in (("prelim", DIVERS), ("final", DIVERS[:4])):
        for d in who:
            for k in range(1, 4):
                sheet.append((d, rnd, str(k), f"{rng.integers(15, 36) / 10:.1f}", f"{100 + 10 * k}{'BCD'[k - 1]}"))
                if d == ABSENT or (d == WITHDREW and rnd == "prelim" and k == 3):
                    continue
                panel = rng.choice(judges, size=5, replace=False)
                if (d, rnd, str(k)) == SHORT:
                    panel = panel[:4]
                for i, j in enumerate(panel):
                    mark = float(np.clip(np.round(2 * (level[d] + rng.normal(0, 0.4))) / 2, 0, 10))
                    rows.append((d, str(j), "execution", 10.0 if (d, rnd, str(k)) == FAR and i == 0 else mark, rnd, str(k)))
    tables = {
        "entries": pd.DataFrame({"entry_id": DIVERS, "title": [f"Diver {d}" for d in DIVERS], "category": "springboard",
                                 "country": ["GBR", "CHN", "USA", "MEX", "GER", "ITA", "CAN", "AUS"]}),
        "jurors": pd.DataFrame({"juror_id": judges, "name": [f"Judge {j}" for j in judges], "panel": "springboard"}),
        "scores": pd.DataFrame(rows, columns=["entry_id", "juror_id", "criterion", "score", "round", "performance"]),
        "performances": pd.DataFrame(sheet, columns=["entry_id", "round", "performance", "factor", "dive"]),
    }
    return write_folder(folder, DIVING_TOML, tables)


def decimal_points(marks: list[float], factor: str) -> Decimal:
    """A dive's points by the rule of :data:`DIVING_TOML`, in decimal arithmetic: the highest and lowest mark
    dropped, the rest summed, × the degree of difficulty × 0.6, rounded half up to 2 decimals."""
    kept = sorted(Decimal(str(m)) for m in marks)[1:-1]
    return (sum(kept, Decimal(0)) * Decimal(factor) * Decimal("0.6")).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@pytest.fixture(scope="module")
def diving(tmp_path_factory):
    folder = write_diving(tmp_path_factory.mktemp("diving") / "diving")
    festival = load_festival(folder)
    return folder, festival, run_checks(festival)


def test_diving_rotating_panels_raise_no_missing_score_and_one_short_panel(diving):
    _, _, result = diving
    flags = result.flags
    assert "score_missing" not in set(flags["check"])
    short = flags[flags["check"] == "performance_short_panel"]
    assert short[["severity", "entry_id", "round", "item", "value", "threshold"]].values.tolist() == [
        ["warning", SHORT[0], SHORT[1], SHORT[2], 4.0, 5.0]]  # four judges where the usual panel is five
    assert flags["flag_id"].is_unique


def test_diving_the_withdrawn_diver_is_ranked_on_the_dives_performed(diving):
    folder, _, result = diving
    flags = result.flags
    incomplete = flags[flags["check"] == "performances_incomplete"]
    assert incomplete[["severity", "entry_id", "round", "value", "threshold"]].values.tolist() == [
        ["warning", WITHDREW, "prelim", 2.0, 3.0]]  # D8, who never dived, is not said to have withdrawn
    points = result["entry_scores"]
    mine = points[(points["entry_id"] == WITHDREW) & (points["round"] == "prelim")]
    assert mine["performance"].tolist() == ["1", "2"]
    # its points recomputed from the CSV files in decimal arithmetic
    scores = pd.read_csv(folder / "scores.csv", dtype={"performance": str})
    sheet = pd.read_csv(folder / "performances.csv", dtype=str).set_index(["entry_id", "round", "performance"])
    for row in mine.itertuples(index=False):
        marks = scores[(scores["entry_id"] == WITHDREW) & (scores["round"] == "prelim")
                       & (scores["performance"] == row.performance)]["score"].tolist()
        assert len(marks) == 5
        assert row.points == pytest.approx(float(decimal_points(marks, sheet.loc[(WITHDREW, "prelim", row.performance),
                                                                                  "factor"])), abs=1e-9)
    ranked = result["rankings"].set_index(["round", "entry_id"]).loc[("prelim", WITHDREW)]
    total = Decimal(str(mine["points"].iloc[0])) + Decimal(str(mine["points"].iloc[1]))
    assert ranked["round_score"] == pytest.approx(float(total), abs=1e-9)
    assert ranked["score"] == pytest.approx(float(total), abs=1e-9)
    assert ranked["rank"] == 7  # ranked, last of the seven who dived (two dives against three)


def test_diving_the_diver_with_no_score_gets_no_rank_and_no_probability(diving):
    _, _, result = diving
    rankings = result["rankings"]
    absent = rankings[rankings["entry_id"] == ABSENT]
    assert absent["round"].tolist() == ["prelim"]
    assert absent[["rank", "round_score", "score", "p_first", "p_top3", "p_advance", "rank_low", "rank_high"]
                  ].isna().all(axis=None)
    others = rankings[(rankings["round"] == "prelim") & (rankings["entry_id"] != ABSENT)]
    assert others[["rank", "p_first", "p_top3", "p_advance", "rank_low", "rank_high"]].notna().all(axis=None)
    assert sorted(rankings.loc[rankings["round"] == "final", "entry_id"]) == DIVERS[:4]  # who went on, as built


def test_diving_score_and_disagreement_flags_name_the_performance(diving):
    _, festival, result = diving
    flags = result.flags
    judged = set(map(tuple, festival.scores[["entry_id", "round", "performance"]].drop_duplicates().to_numpy()))
    about_marks = flags[flags["check"].isin(["score_outlier", "entry_disagreement", "score_disagreement"])]
    assert len(about_marks)
    for row in about_marks.itertuples(index=False):
        assert (row.entry_id, row.round, row.item) in judged, row
    s = festival.scores
    planted = s[(s["entry_id"] == FAR[0]) & (s["round"] == FAR[1]) & (s["performance"] == FAR[2]) & (s["score"] == 10)]
    assert len(planted) == 1
    far = flags[(flags["check"] == "score_outlier") & (flags["juror_id"] == planted["juror_id"].iloc[0])
                & (flags["entry_id"] == FAR[0])]
    assert far[["round", "item"]].values.tolist() == [[FAR[1], FAR[2]]]  # the planted 10, on the dive it was given
    assert f"performance {FAR[2]} of {FAR[0]}" in far["message"].iloc[0]


# --- straight-lining against the panel's own spread --------------------------------------------

ONE_CRITERION_TOML = SMALL_TOML.replace('panel = "sum"\nmultiplier = 0.6\n', "")


def halves(x):
    return np.clip(np.round(2 * np.asarray(x)) / 2, 0, 10)


def test_straight_lining_is_judged_against_the_panels_spread_on_the_same_performances(tmp_path):
    """A sport whose marks cluster: ten entries × three performances, every performance's level 7.5 +
    N(0, 0.55) and each of five judges' marks its level + N(0, 0.4) in halves (a panel spread of about 0.6).
    J6 marks 7, 7.5 or 8 by the side of 7.5 the level is on (a spread of about 0.45: below the scale's bar,
    0.5/9 of the 0-10 range = 0.556, yet more than half the panel's); J7 marks everything 7.5."""
    rng = np.random.default_rng(5)
    entries, judges = [f"A{i:02d}" for i in range(10)], [f"J{j}" for j in range(1, 8)]
    rows = []
    for e in entries:
        for k in ("1", "2", "3"):
            level = 7.5 + rng.normal(0, 0.55)
            marks = halves(level + rng.normal(0, 0.4, 5)).tolist()
            marks += [7.5 + 0.5 * np.sign(level - 7.5) * (abs(level - 7.5) > 0.1), 7.5]
            rows += [(e, j, "execution", float(m), k) for j, m in zip(judges, marks)]
    tables = {"entries": pd.DataFrame({"entry_id": entries, "title": entries, "category": "springboard"}),
              "jurors": pd.DataFrame({"juror_id": judges, "name": judges, "panel": "springboard"}),
              "scores": pd.DataFrame(rows, columns=["entry_id", "juror_id", "criterion", "score", "performance"])}
    festival = load_festival(write_folder(tmp_path / "sport", ONE_CRITERION_TOML, tables))
    result = run_checks(festival)
    checks = festival.config.checks
    assert checks.straightline_max_sd == pytest.approx(0.5 / 9 * 10)  # the default: 0.5 points of a 1-10 range
    behaviour = result["juror_behaviour"].set_index("juror_id")
    scores = tables["scores"]
    # independent: each juror's sample sd, and the sd of every mark on the performances they judged (all of them)
    for juror in judges:
        assert behaviour.loc[juror, "sd"] == pytest.approx(scores.loc[scores["juror_id"] == juror, "score"].std(), abs=1e-12)
        assert behaviour.loc[juror, "panel_sd"] == pytest.approx(scores["score"].std(), abs=1e-12)
    panel_sd = scores["score"].std()
    assert 0.5 < panel_sd < 0.7  # marks that cluster within a point or so, as built
    calm = behaviour.loc["J6", "sd"]
    assert checks.straightline_panel_ratio * panel_sd < calm < checks.straightline_max_sd  # the scale alone would flag J6
    flagged = result.flags[result.flags["check"] == "straight_lining"]
    assert flagged["juror_id"].tolist() == ["J7"]
    assert flagged["value"].iloc[0] == 0 and f"spread {panel_sd:.2f}" in flagged["message"].iloc[0]


# --- the affiliation screen ------------------------------------------------------------------

AFFILIATION_TOML = ONE_CRITERION_TOML.replace("[aggregation]", '[jury]\naffiliations = ["country"]\npanels = "as_scored"\n'
                                                                '[aggregation]')
HOME_BIAS = 1.5  # points a home judge adds to compatriots' dives (the diving example plants about 1)


def dive_marks(rng: np.random.Generator, divers: dict[str, str], judges: dict[str, str], *, home: str | None,
               dives: int = 4, panel: int = 5, always: str | None = None) -> pd.DataFrame:
    """Marks of each diver's ``dives`` dives, each judged by ``panel`` judges drawn at random (``always`` on every
    dive): the dive's level (the diver's 7 + N(0, 0.8), + N(0, 0.4) per dive) + N(0, 0.4), in halves; ``home``
    adds :data:`HOME_BIAS` on divers of their own country."""
    rows = []
    names = list(judges)
    for d, country in divers.items():
        skill = rng.normal(7, 0.8)
        for k in range(1, dives + 1):
            level = skill + rng.normal(0, 0.4)
            if always:
                seated = [always, *rng.choice([j for j in names if j != always], size=panel - 1, replace=False)]
            else:
                seated = list(rng.choice(names, size=panel, replace=False))
            for j in seated:
                bias = HOME_BIAS if j == home and country == judges[j] else 0.0
                rows.append((d, str(j), "execution", float(halves(level + bias + rng.normal(0, 0.4))), str(k)))
    return pd.DataFrame(rows, columns=["entry_id", "juror_id", "criterion", "score", "performance"])


def by_hand(scores: pd.DataFrame, juror: str, same: pd.Series) -> tuple[int, int, float]:
    """Design section 12 by hand: the juror's mark minus the mean of the other marks of the same dive, on dives
    whose diver shares the juror's country (``same``, by entry) against the rest: counts and preference."""
    key = ["entry_id", "performance"] if "performance" in scores else ["entry_id"]
    group = scores.groupby(key)["score"]
    rest = (group.transform("sum") - scores["score"]) / (group.transform("size") - 1)
    mine = scores.assign(deviation=scores["score"] - rest)[scores["juror_id"] == juror]
    shared = mine["entry_id"].map(same).to_numpy(dtype=bool)
    d = mine["deviation"].to_numpy()
    return int(shared.sum()), int((~shared).sum()), float(d[shared].mean() - d[~shared].mean())


def test_the_affiliation_screen_gives_the_same_answer_whatever_the_layout(tmp_path):
    """The same dives written (a) as performances of each diver and (b) as one entry per dive ("D01-3", the
    diver's country copied, no performance column): the same judgements, so the same screen."""
    rng = np.random.default_rng(8)
    divers = {f"D{i:02d}": ["NOR", "SWE", "FIN", "DEN"][i % 4] for i in range(1, 13)}
    judges = dict(zip([f"J{j}" for j in range(1, 8)], ["NOR", "SWE", "FIN", "DEN", "NOR", "SWE", "FIN"]))
    scores = dive_marks(rng, divers, judges, home="J1")
    jurors = pd.DataFrame({"juror_id": list(judges), "name": list(judges), "panel": "springboard",
                           "country": list(judges.values())})
    as_performances = {"entries": pd.DataFrame({"entry_id": list(divers), "title": list(divers), "category": "springboard",
                                                "country": list(divers.values())}),
                       "jurors": jurors, "scores": scores}
    one_per_dive = scores.assign(entry_id=scores["entry_id"] + "-" + scores["performance"]).drop(columns="performance")
    dives = one_per_dive["entry_id"].drop_duplicates()
    as_entries = {"entries": pd.DataFrame({"entry_id": dives, "title": dives, "category": "springboard",
                                           "country": [divers[d.split("-")[0]] for d in dives]}),
                  "jurors": jurors, "scores": one_per_dive}
    results = {}
    for name, tables in (("performances", as_performances), ("entries", as_entries)):
        festival = load_festival(write_folder(tmp_path / name, AFFILIATION_TOML, tables))
        assert festival.has_performances == (name == "performances")
        results[name] = run_checks(festival)
    a, b = (results[n]["affiliation"].set_index(["lane", "juror_id"]) for n in ("performances", "entries"))
    assert list(a.index) == list(b.index) and len(a) == len(judges) + 1  # every judge, and the festival-wide row
    numbers = ["n_same", "n_other", "preference", "ci_low", "ci_high"]
    np.testing.assert_allclose(a[numbers].to_numpy(float), b[numbers].to_numpy(float), rtol=0, atol=1e-12)
    flagged = {n: set(r.flags.loc[r.flags["check"] == "affiliation_bias", "juror_id"]) for n, r in results.items()}
    assert flagged["performances"] == flagged["entries"] == {"J1"}  # the planted home judge, and nobody else
    n_same, n_other, preference = by_hand(scores, "J1", pd.Series(divers) == "NOR")
    row = a.loc[("springboard", "J1")]
    assert (row["n_same"], row["n_other"]) == (n_same, n_other)
    assert row["preference"] == pytest.approx(preference, abs=1e-12)
    assert row["ci_low"] < HOME_BIAS < row["ci_high"]


PLATFORM_LANE = '[[lanes]]\nid = "platform"\nname = "10 m platform"\n'


def test_the_affiliation_screen_counts_each_lane_on_its_own(tmp_path):
    """Two events; judge JX sits on both panels (``panel = "springboard;platform"``, on every springboard dive
    and on some platform dives) and favours compatriots on the springboard only."""
    rng = np.random.default_rng(21)
    countries = ["NOR", "SWE", "FIN", "DEN"]
    board = {f"S{i:02d}": countries[i % 4] for i in range(1, 13)}
    tower = {f"P{i:02d}": countries[(i + 1) % 4] for i in range(1, 13)}
    board_judges = {"JX": "NOR", **dict(zip(["B1", "B2", "B3", "B4", "B5"], ["SWE", "FIN", "DEN", "SWE", "NOR"]))}
    tower_judges = {"JX": "NOR", **dict(zip(["T1", "T2", "T3", "T4", "T5"], ["FIN", "DEN", "SWE", "NOR", "FIN"]))}
    scores = pd.concat([dive_marks(rng, board, board_judges, home="JX", always="JX"),
                        dive_marks(rng, tower, tower_judges, home=None)], ignore_index=True)
    judges = {**board_judges, **tower_judges}
    panels = {j: "springboard;platform" if j == "JX" else "springboard" if j in board_judges else "platform" for j in judges}
    tables = {"entries": pd.DataFrame({"entry_id": [*board, *tower], "title": [*board, *tower],
                                       "category": ["springboard"] * 12 + ["platform"] * 12,
                                       "country": [*board.values(), *tower.values()]}),
              "jurors": pd.DataFrame({"juror_id": list(judges), "name": list(judges), "panel": [panels[j] for j in judges],
                                      "country": list(judges.values())}),
              "scores": scores}
    toml = AFFILIATION_TOML.replace("[jury]", PLATFORM_LANE + "[jury]")
    result = run_checks(load_festival(write_folder(tmp_path / "two", toml, tables)))
    table = result["affiliation"]
    mine = table[table["juror_id"] == "JX"].set_index("lane")
    assert list(mine.index) == ["springboard", "platform", "all"]  # each lane, then pooled over them
    nor = pd.Series({**board, **tower}) == "NOR"
    on_board = scores["entry_id"].isin(list(board))
    board_same, board_other, board_preference = by_hand(scores[on_board], "JX", nor)
    assert board_same + board_other == ((scores["juror_id"] == "JX") & on_board).sum() == 48  # every springboard dive
    assert (mine.loc["springboard", "n_same"], mine.loc["springboard", "n_other"]) == (board_same, board_other)
    assert mine.loc["springboard", "preference"] == pytest.approx(board_preference, abs=1e-12)
    tower_same, tower_other, _ = by_hand(scores[~on_board], "JX", nor)
    assert (mine.loc["platform", "n_same"], mine.loc["platform", "n_other"]) == (tower_same, tower_other)
    assert (mine.loc["all", "n_same"], mine.loc["all", "n_other"]) == (board_same + tower_same, board_other + tower_other)
    pooled = table[table["juror_id"] == ""]
    assert sorted(pooled["lane"]) == ["all", "platform", "springboard"]  # per lane, and festival-wide once
    assert (pooled["lane"] == "all").sum() == 1
    # the flag is about the springboard and quotes the springboard's counts, not those pooled over both lanes
    bias = result.flags[result.flags["check"] == "affiliation_bias"]
    assert bias[["juror_id", "lane"]].values.tolist() == [["JX", "springboard"]]
    message = bias["message"].iloc[0]
    assert f"scored the {board_same} performances" in message and f"their other {board_other} " in message
    assert f"{mine.loc['springboard', 'preference']:.2f} points higher" in message
    assert str(board_same + tower_same) not in re.findall(r"scored the (\d+)", message)


# --- drift in the order of performance -------------------------------------------------------

DRIFTER, DRIFT = "J03", 0.2  # points J03 adds per performance, in the order performed


def write_drift(folder: Path, resamples: int, seed: int = 0) -> tuple[Path, pd.DataFrame]:
    """Ten entries × six performances, twelve judges on every performance, no ``submitted_at``: the
    performance's level (the entry's 6.5 + N(0, 0.8), + N(0, 0.5) per performance) + N(0, 0.4) in halves;
    J03 adds 0.2 points per performance (0 on the first, 1.0 on the sixth)."""
    rng = np.random.default_rng(seed)
    entries, judges = [f"A{i:02d}" for i in range(10)], [f"J{j:02d}" for j in range(1, 13)]
    rows = []
    for e in entries:
        skill = rng.normal(6.5, 0.8)
        for k in range(6):
            level = skill + rng.normal(0, 0.5)
            for j in judges:
                drift = DRIFT * k if j == DRIFTER else 0.0
                rows.append((e, j, "execution", float(halves(level + drift + rng.normal(0, 0.4))), str(k + 1)))
    scores = pd.DataFrame(rows, columns=["entry_id", "juror_id", "criterion", "score", "performance"])
    tables = {"entries": pd.DataFrame({"entry_id": entries, "title": entries, "category": "springboard"}),
              "jurors": pd.DataFrame({"juror_id": judges, "name": judges, "panel": "springboard"}),
              "scores": scores}
    toml = ONE_CRITERION_TOML.replace("bootstrap_resamples = 100", f"bootstrap_resamples = {resamples}")
    return write_folder(folder, toml, tables), scores


def test_drift_follows_the_order_of_performance_without_submission_times(tmp_path):
    """J03's marks rise with the order of performance and are flagged; the others are not (at this seed: the
    residual model hands each other judge -1/12 of J03's rise through the performance's mean, so their rho
    averages about -0.07, and a false flag is a matter of chance, not of construction)."""
    from scipy import stats  # peer: scipy.stats.spearmanr

    folder, _ = write_drift(tmp_path / "drift", resamples=1000)
    result = run_checks(load_festival(folder))
    table = result["drift"].set_index("juror_id")
    assert len(table) == 12 and (table["n_scores"] == 60).all()
    assert set(table["first_at"]) == {"performance 1"} and set(table["last_at"]) == {"performance 6"}
    residuals = result["residuals"]
    for juror, mine in residuals.groupby("juror_id"):  # rho is Spearman's between residual and the order performed
        want = stats.spearmanr(mine["performance"].astype(int), mine["residual"]).statistic
        assert table.loc[juror, "rho"] == pytest.approx(want, abs=1e-12), juror
    assert table.loc[DRIFTER, "rho"] > 0.5 and table.loc[DRIFTER, "slope"] > 0
    drift = result.flags[result.flags["check"] == "score_drift"]
    assert drift["juror_id"].tolist() == [DRIFTER]
    assert "more generous" in drift["message"].iloc[0] and "(performance 1 to performance 6)" in drift["message"].iloc[0]


def test_a_clear_drift_is_refined_and_flagged_at_the_fewest_resamples(tmp_path):
    folder, _ = write_drift(tmp_path / "drift", resamples=100)  # the least festival.toml accepts
    result = run_checks(load_festival(folder))
    p = result["drift"].set_index("juror_id").loc[DRIFTER, "p_value"]
    assert p < 1e-3  # at most REFINE_BELOW (0.01) after 200: refined with 20,000 more permutations, about 1/20,101
    assert result.flags.loc[result.flags["check"] == "score_drift", "juror_id"].tolist() == [DRIFTER]


def test_declared_assignments_per_performance_name_the_absent_judge_without_a_missing_score(tmp_path):
    """assignments.csv with a performance column (design section 14): a performance's panel is the jurors it
    lists; a listed judge who gave no mark makes a short panel (a warning naming them), never score_missing."""
    folder = write_diving(tmp_path / "declared")
    scores = pd.read_csv(folder / "scores.csv", dtype=str)
    judged = scores[["juror_id", "entry_id", "round", "performance"]].drop_duplicates()
    away = next(j for j in [f"J{i}" for i in range(1, 8)]
                if not ((judged["entry_id"] == SHORT[0]) & (judged["round"] == SHORT[1])
                        & (judged["performance"] == SHORT[2]) & (judged["juror_id"] == j)).any())
    declared = pd.concat([judged, pd.DataFrame([{"juror_id": away, "entry_id": SHORT[0], "round": SHORT[1],
                                                 "performance": SHORT[2]}])], ignore_index=True)
    declared.to_csv(folder / "assignments.csv", index=False)
    festival = load_festival(folder)
    assert festival.assignments_declared
    flags = run_checks(festival).flags
    assert "score_missing" not in set(flags["check"])
    short = flags[flags["check"] == "performance_short_panel"]
    assert short[["entry_id", "round", "item", "value", "threshold"]].values.tolist() == [[*SHORT, 4.0, 5.0]]
    assert f"no mark: {away}" in short["message"].iloc[0]


def test_a_decision_on_a_performances_score_excludes_that_performance_only(diving):
    """exclude_score on a flag about one performance's mark (its item) removes that mark, not the judge's
    marks of the entry's other performances."""
    from analytics.gate.decisions import apply_decisions

    _, festival, result = diving
    outlier = result.flags[(result.flags["check"] == "score_outlier") & (result.flags["entry_id"] == FAR[0])
                           & (result.flags["item"] == FAR[2])].iloc[0]
    decisions = pd.DataFrame([{"flag_id": outlier["flag_id"], "action": "exclude_score", "reason": "test",
                               "decided_by": "chair", "decided_at": ""}])
    decided, _ = apply_decisions(festival, result.flags, decisions)
    before, after = festival.scores, decided.scores
    assert len(before) - len(after) == 1
    gone = before.merge(after, how="left", indicator=True).query("_merge == 'left_only'")
    assert gone[["juror_id", "entry_id", "round", "performance"]].values.tolist() == [
        [outlier["juror_id"], FAR[0], FAR[1], FAR[2]]]


def test_a_round_in_performances_csv_without_rounds_is_a_load_error(tmp_path):
    """performances.csv naming a round in a festival that declares none: one problem per row, as scores.csv."""
    tables = small_tables()
    tables["performances"]["round"] = ["r1", "", "r1", ""]  # spreadsheet rows 2 and 4
    found = load_problems(write_folder(tmp_path / "f", SMALL_TOML, tables))
    assert [(p.file, p.row, p.column, p.value) for p in found] == [("performances.csv", 2, "round", "r1"),
                                                                    ("performances.csv", 4, "round", "r1")]
    assert all("declares no [[rounds]]" in p.expected for p in found)


def test_a_conflicted_judge_of_several_performances_is_one_flag_per_entry_and_round(tmp_path):
    """A declared conflict is with the entry: the judge's marks on its several dives are one conflict_scored
    flag per round (flag ids unique), and the dives they marked name no short panel."""
    folder = write_diving(tmp_path / "conflict")
    scores = pd.read_csv(folder / "scores.csv", dtype=str)
    judged = scores[(scores["entry_id"] == "D1") & (scores["round"] == "prelim")]
    juror = judged["juror_id"].value_counts().index[0]  # a judge of two or more of D1's dives
    assert judged["juror_id"].value_counts().iloc[0] >= 2
    pd.DataFrame({"juror_id": [juror], "entry_id": ["D1"], "reason": ["coach"]}).to_csv(folder / "conflicts.csv",
                                                                                        index=False)
    flags = run_checks(load_festival(folder)).flags
    assert flags["flag_id"].is_unique
    conflict = flags[flags["check"] == "conflict_scored"]
    rounds = sorted(scores.loc[(scores["entry_id"] == "D1") & (scores["juror_id"] == juror), "round"].unique())
    assert sorted(conflict["round"]) == rounds and set(conflict["juror_id"]) == {juror}
    for row in conflict.itertuples(index=False):
        n = ((scores["entry_id"] == "D1") & (scores["juror_id"] == juror) & (scores["round"] == row.round)).sum()
        assert f"their {n} scores for it" in row.message


def test_an_excluded_mark_of_a_summed_panel_counts_as_the_usual_panel(diving):
    """panel = "sum" (design section 14): a dive whose mark the chair excludes counts the mean of its kept marks
    as many times as the round's usual panel keeps marks (five judges: three kept), as leaving the judge out does,
    so that removing a mark does not remove points."""
    from analytics.gate.decisions import apply_decisions

    _, festival, result = diving
    dive = festival.scores[(festival.scores["entry_id"] == "D3") & (festival.scores["round"] == "prelim")
                           & (festival.scores["performance"] == "1")]
    assert len(dive) == 5
    juror = dive.sort_values("score")["juror_id"].iloc[2]  # a middle mark
    decisions = pd.DataFrame([{"flag_id": "", "action": "exclude_score", "reason": "test", "decided_by": "chair",
                               "decided_at": "", "lane": "springboard", "juror_id": juror, "entry_id": "D3",
                               "criterion": "execution", "round": "prelim", "performance": "1"}])
    decided, _ = apply_decisions(festival, result.flags, decisions)
    assert len(festival.scores) - len(decided.scores) == 1
    points = run_checks(decided)["entry_scores"]
    got = points[(points["entry_id"] == "D3") & (points["round"] == "prelim") & (points["performance"] == "1")]
    left = sorted(Decimal(str(m)) for m in dive.loc[dive["juror_id"] != juror, "score"])[1:-1]  # four marks, two kept
    factor = Decimal(str(dive["factor"].iloc[0]))
    panel = (sum(left, Decimal(0)) / 2 * 3).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    want = (panel * factor * Decimal("0.6")).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert got["score"].iloc[0] == pytest.approx(float(panel), abs=1e-9)
    assert got["points"].iloc[0] == pytest.approx(float(want), abs=1e-9)


def test_the_explorer_on_performances_leaves_out_exactly_the_flagged_mark(diving):
    """The chair explorer on a performance festival: agreement and the juror panel per performance; a what-if on
    one performance's mark in one round answers the flag on exactly it, and the gate removes that mark only."""
    from analytics.apps.explorer import Explorer
    from analytics.gate.decisions import apply_decisions

    _, festival, result = diving
    explorer = Explorer(festival)
    assert 0 < explorer.agreement()["alpha"] <= 1
    assert len(explorer.juror_panel()) == festival.jurors.shape[0]
    own = explorer.juror_scores(result.flags.query("check == 'score_outlier'")["juror_id"].iloc[0])
    assert {"performance", "panel_mean"} <= set(own.columns)
    outlier = result.flags[(result.flags["check"] == "score_outlier") & (result.flags["entry_id"] == FAR[0])
                           & (result.flags["item"] == FAR[2])].iloc[0]
    explorer.exclude_score(outlier["juror_id"], FAR[0], "execution", performance=FAR[2], round=FAR[1])
    decisions = explorer.decisions()
    assert decisions["flag_id"].tolist() == [outlier["flag_id"]]
    decided, _ = apply_decisions(festival, result.flags, decisions)
    assert len(festival.scores) - len(decided.scores) == 1 == explorer._removed().sum()
    explorer.reset()  # every round: D5 dived in the preliminary only, so the same mark and the same flag
    explorer.exclude_score(outlier["juror_id"], FAR[0], "execution", performance=FAR[2])
    assert explorer.decisions()["flag_id"].tolist() == [outlier["flag_id"]]
    s = festival.scores
    both = s[s["entry_id"].isin(DIVERS[:4])].groupby(["juror_id", "entry_id", "performance"])["round"].nunique()
    juror, entry, performance = both[both == 2].index[0]  # a finalist's dive marked by the same judge in both rounds
    explorer.reset()
    explorer.exclude_score(juror, entry, "execution", performance=performance)
    assert explorer.decisions()["flag_id"].tolist() == [""]  # two marks: no flag is on exactly them
    decided, _ = apply_decisions(festival, result.flags, explorer.decisions(), strict=False)
    assert len(festival.scores) - len(decided.scores) == explorer._removed().sum() == 2
