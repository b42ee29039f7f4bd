"""The many-facet Rasch estimator (analytics.stats.rasch, design section 16) against published cases.

Two JMLE cases, each carrying only the numbers its test needs:

- Guilford (1954), *Psychometric Methods* p. 282, the FACETS example "Creativity" (Guilford.txt):
  3 senior scientists rate 7 junior scientists on 5 traits, 1-9; judges float (``Non-centered=1``),
  juniors able (``Positive=2``). Data as transcribed in Wind & Hua's BER 670 companion, section 6.5.1
  (github.com/huacheng1985/Bookdown_CRC_Rasch @ 9520901). Expected: the converged JMLE (no bias
  correction) with FACETS' definitions, confirmed by R mfrmr (``method = "JML"``); FACETS' own printed
  tables could not be read, so these are peer-computed values, printed to 6 decimals.
- FACETS 4.5.0 (Minifac) output for ``2026Raterbias10.txt`` (github.com/ZGY6/mfrmapp @ 7e07302,
  ``2026Raterbias10.out.txt`` Table 7 and 8.1): 4 students × 8 raters × 2 criteria × 4 items, 2..22;
  students float. FACETS stopped at its default convergence while its estimates still drifted, so its
  printed 2-decimal values are met within the looser tolerances the case records (0.07 logits, 0.02 fair
  average), and the converged JMLE (reproduced by an independent Newton–Raphson JMLE and by R mfrmr to 6
  decimals) within 0.001.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from analytics.stats.rasch import Facet, fit_rasch

GUILFORD_SCORES = ("553539758533371731339778535351775556546387572453665645524323446423355455573775753555553331977773335377757")
JUDGES = ("Avogadro", "Brahe", "Cavendish")
JUNIORS = ("Anne", "Betty", "Chris", "David", "Edward", "Fred", "George")
TRAITS = ("Attack", "Basis", "Clarity", "Daring", "Enthusiasm")

#: (facet, element): measure, S.E., infit, infit ZStd, outfit, outfit ZStd, fair average (the converged JMLE)
GUILFORD = {
    ("rater", "Avogadro"): (0.039671, 0.116596, 0.849184, -0.627254, 0.880104, -0.473465, 4.857022),
    ("rater", "Brahe"): (0.245397, 0.117828, 1.475214, 1.895622, 1.524411, 2.054238, 4.384194),
    ("rater", "Cavendish"): (-0.095994, 0.116444, 0.672404, -1.570311, 0.666325, -1.594935, 5.176135),
    ("ratee", "Anne"): (-0.071469, 0.173754, 0.242279, -3.235793, 0.238873, -3.244227, 4.636575),
    ("ratee", "Betty"): (0.663832, 0.181551, 0.621428, -1.135351, 0.608494, -1.178046, 6.31359),
    ("ratee", "Chris"): (-0.255433, 0.176798, 1.164102, 0.56849, 1.263073, 0.817951, 4.222243),
    ("ratee", "David"): (-0.481519, 0.183139, 1.346137, 0.999832, 1.412149, 1.147048, 3.748365),
    ("ratee", "Edward"): (0.440697, 0.175994, 1.99146, 2.374063, 1.99077, 2.364261, 5.829408),
    ("ratee", "Fred"): (-0.584131, 0.186845, 0.716835, -0.755428, 0.789146, -0.512897, 3.548282),
    ("ratee", "George"): (0.288022, 0.173715, 0.881997, -0.250934, 0.862786, -0.311933, 5.478865),
    ("criterion", "Attack"): (-0.279997, 0.149116, 1.447239, 1.453049, 1.449372, 1.453301, 5.460149),
    ("criterion", "Basis"): (-0.14701, 0.148756, 0.607905, -1.483985, 0.601451, -1.508538, 5.147835),
}
#: the Rasch–Andrich thresholds, by the category each step leads into (strongly disordered: never forced into order)
GUILFORD_THRESHOLDS = {2: -0.690494, 3: -2.35199, 4: 0.809323, 5: -1.483746, 6: 1.718598, 7: -0.978896, 8: 2.392616,
                       9: 0.584589}
#: the case's tolerances: measure, S.E., mean-squares and thresholds 0.002; ZStd 0.05; fair average 0.005
GUILFORD_TOLERANCE = (0.002, 0.002, 0.002, 0.05, 0.002, 0.05, 0.005)

RATERBIAS_SCORES = """
8 5 4 18 5 8 4 20 13 8 3 18 14 9 6 17 13 10 5 19 8 8 4 17 15 9 5 19 7 7 5 15 11 8 2 18 15 13 8 18 16 9 5 19 12 15 9 16
10 7 8 17 12 6 4 15 13 10 7 17 11 9 7 17 5 10 6 17 8 9 6 18 8 4 5 16 9 8 7 15 10 7 6 18 8 10 7 17 9 6 4 17 7 9 5 16 8 5
3 15 13 11 7 17 9 7 5 18 15 12 8 17 7 5 4 16 6 8 5 14 10 6 5 17 9 10 6 18 4 8 4 16 4 6 3 15 3 5 3 14 6 7 4 15 5 6 4 16 4
5 3 14 5 7 3 15 5 6 4 16 2 6 2 15 8 7 3 14 5 8 4 16 9 8 5 15 8 6 4 15 4 5 3 13 7 8 4 16 7 8 4 16 18 12 10 20 20 14 12 22
18 10 8 20 17 12 9 19 19 11 9 21 17 13 10 19 19 10 8 21 15 11 9 18 18 9 7 20 18 12 9 20 19 11 9 21 16 13 10 18 17 9 7 19
15 11 8 17 17 10 8 20 17 12 9 19"""
#: (facet, element): converged JMLE measure, S.E., infit, outfit, fair average; FACETS' printed measure and fair average
RATERBIAS = [
    ("ratee", "Student1", -0.267659, 0.065877, 1.324054, 1.217709, 10.516282, -0.26, 10.52),
    ("ratee", "Student2", -0.583677, 0.071586, 0.871365, 0.81094, 9.009505, -0.56, 9.01),
    ("ratee", "Student3", -1.312646, 0.073102, 0.827061, 0.847983, 6.637546, -1.27, 6.64),
    ("ratee", "Student4", 0.632735, 0.064802, 0.897067, 0.935521, 15.660196, 0.61, 15.66),
    ("rater", "Rater1", 0.006499, 0.097173, 1.587177, 1.503775, 9.860657, 0.01, 9.87),
    ("rater", "Rater2", 0.091767, 0.097487, 0.735756, 0.709307, 9.460834, 0.09, 9.46),
    ("rater", "Rater3", -0.031208, 0.097007, 0.75845, 0.727034, 10.052761, -0.03, 10.06),
    ("rater", "Rater4", 0.120305, 0.09758, 0.982152, 0.888994, 9.336832, 0.12, 9.34),
    ("rater", "Rater5", -0.021793, 0.09705, 1.435029, 1.405812, 10.003876, -0.02, 10.01),
    ("rater", "Rater6", -0.362754, 0.094752, 1.190435, 1.147433, 12.126985, -0.35, 12.13),
    ("rater", "Rater7", 0.331336, 0.098366, 0.728903, 0.791957, 8.534562, 0.32, 8.53),
    ("rater", "Rater8", -0.134151, 0.096445, 0.50214, 0.449995, 10.628046, -0.13, 10.63),
    ("criterion", "comp", 0.055248, 0.048618, 1.004239, 0.966954, 9.626456, 0.05, 9.63),
    ("criterion", "inte", -0.055248, 0.04835, 0.978728, 0.939123, 10.180412, -0.05, 10.19),
    ("item", "Item1", -0.071186, 0.060977, 1.42425, 1.425925, 10.267296, -0.07, 10.28),
    ("item", "Item2", 0.466372, 0.06394, 1.062591, 1.077809, 8.087286, 0.45, 8.09),
    ("item", "Item3", 1.322142, 0.078939, 0.649795, 0.651159, 5.501907, 1.28, 5.51),
    ("item", "Item4", -1.717328, 0.075206, 0.544615, 0.65726, 17.499437, -1.66, 17.5),
]
RATERBIAS_THRESHOLDS = (-3.443932, -2.846437, -1.973202, -1.172007, -1.527013, -1.353049, -0.548786, -0.247878,
                        0.285871, -0.342695, -0.008816, 0.479743, -0.583235, 0.906273, 0.519593, 1.356367, 1.849173,
                        2.229672, 2.999156, 3.421201)  # into categories 3 … 22


def guilford() -> pd.DataFrame:
    rows = [(j, n, t) for j, n, t in itertools.product(JUDGES, JUNIORS, TRAITS)]
    return pd.DataFrame(rows, columns=["rater", "ratee", "criterion"]).assign(score=[int(c) for c in GUILFORD_SCORES])


def raterbias() -> pd.DataFrame:
    rows = itertools.product([f"Student{i}" for i in range(1, 5)], [f"Rater{i}" for i in range(1, 9)], ["comp", "inte"],
                             [f"Item{i}" for i in range(1, 5)])
    scores = [int(v) for v in RATERBIAS_SCORES.split()]
    return pd.DataFrame(rows, columns=["ratee", "rater", "criterion", "item"]).assign(score=scores)


GUILFORD_FACETS = [Facet("rater", "negative", centered=False), Facet("ratee", "positive"), Facet("criterion")]
RATERBIAS_FACETS = [Facet("ratee", "positive", centered=False), Facet("rater"), Facet("criterion"), Facet("item")]


def test_guilford_creativity_as_facets_defines_every_statistic():
    fit = fit_rasch(guilford(), GUILFORD_FACETS)
    assert fit.converged
    columns = ["measure", "se", "infit", "infit_zstd", "outfit", "outfit_zstd", "fair_average"]
    for (facet, element), expected in GUILFORD.items():
        got = fit.measures[facet].set_index("element").loc[element, columns].to_numpy(dtype=float)
        assert (np.abs(got - np.array(expected)) <= np.array(GUILFORD_TOLERANCE)).all(), (facet, element, got)
    thresholds = fit.thresholds.set_index("category")["threshold"]
    for category, value in GUILFORD_THRESHOLDS.items():
        assert thresholds[category] == pytest.approx(value, abs=0.002)
    # the judges float, the juniors and traits are centred, the thresholds sum to 0 (FACETS' identification)
    assert fit.measures["ratee"]["measure"].sum() == pytest.approx(0, abs=1e-9)
    assert fit.measures["criterion"]["measure"].sum() == pytest.approx(0, abs=1e-9)
    assert fit.thresholds["threshold"].sum() == pytest.approx(0, abs=1e-9)


def test_facets_raterbias_converged_and_as_facets_printed_it():
    fit = fit_rasch(raterbias(), RATERBIAS_FACETS)
    assert fit.converged
    for facet, element, measure, se, infit, outfit, fair, printed, printed_fair in RATERBIAS:
        row = fit.measures[facet].set_index("element").loc[element]
        # the converged JMLE, to the case's strict tolerance (0.001)
        assert (row["measure"], row["se"], row["infit"], row["outfit"], row["fair_average"]) == pytest.approx(
            (measure, se, infit, outfit, fair), abs=0.001), (facet, element)
        # FACETS' printed Table 7 (it stopped before converging): measure within 0.07, fair average within 0.02
        assert row["measure"] == pytest.approx(printed, abs=0.07) and row["fair_average"] == pytest.approx(printed_fair,
                                                                                                           abs=0.02)
    np.testing.assert_allclose(fit.thresholds["threshold"], RATERBIAS_THRESHOLDS, rtol=0, atol=0.001)
    assert list(fit.thresholds["category"]) == list(range(3, 23))
    # the students float: their mean is where the data put it (FACETS: -0.37), not 0
    assert fit.measures["ratee"]["measure"].mean() == pytest.approx(-0.38, abs=0.01)


def test_renaming_or_reordering_the_data_changes_nothing():
    data = guilford()
    base = fit_rasch(data, GUILFORD_FACETS).measures["rater"].set_index("element")["measure"]
    renamed = data.sample(frac=1, random_state=3).assign(rater=lambda d: d["rater"].map(
        {"Avogadro": "Z1", "Brahe": "A2", "Cavendish": "M3"}))
    again = fit_rasch(renamed, GUILFORD_FACETS).measures["rater"].set_index("element")["measure"]
    assert again[["Z1", "A2", "M3"]].to_numpy() == pytest.approx(base[["Avogadro", "Brahe", "Cavendish"]].to_numpy(),
                                                                  abs=1e-7)


def test_a_juror_who_rates_at_random_misfits():
    """Seven jurors who follow the entries' merit and one who rates at random: the random one's infit and
    outfit are far above 1, the others' near 1."""
    rng = np.random.default_rng(5)
    merit = rng.normal(0, 1.5, 60)
    rows = []
    for j in range(8):
        for e, b in enumerate(merit):
            x = rng.integers(0, 5) if j == 7 else int(np.clip(np.round(2 + b + rng.normal(0, 0.6)), 0, 4))
            rows.append((f"J{j}", f"E{e}", x))
    data = pd.DataFrame(rows, columns=["juror", "entry", "score"])
    fit = fit_rasch(data, [Facet("entry", "positive", centered=False), Facet("juror")])
    jurors = fit.measures["juror"].set_index("element")
    assert jurors.loc["J7", "infit"] > 2 and jurors.loc["J7", "outfit"] > 2
    assert (jurors.drop(index="J7")["infit"] < 1.4).all()


def test_an_extreme_score_is_moved_inward_as_facets_does_and_flagged():
    """An entry rated in the top category by everyone has no finite JMLE measure: FACETS moves its score 0.3
    points inward (Xtreme=0.3); it comes out finite, above every other entry, and flagged extreme."""
    data = guilford()
    data.loc[data["ratee"] == "Betty", "score"] = 9
    fit = fit_rasch(data, GUILFORD_FACETS)
    assert fit.converged
    ratees = fit.measures["ratee"].set_index("element")
    assert bool(ratees.loc["Betty", "extreme"]) and not ratees.drop(index="Betty")["extreme"].any()
    assert np.isfinite(ratees.loc["Betty", "measure"])
    assert ratees.loc["Betty", "measure"] > ratees.drop(index="Betty")["measure"].max() + 1


#: Guilford, the ratings with a standardised residual of 2 or more in size (senior, junior, trait, score, expected,
#: StRes), and the variance the measures explain: peer-computed converged JMLE (see the module notes); tolerance 0.01
GUILFORD_UNEXPECTED = [("Brahe", "Edward", "Daring", 2, 6.094499, -2.782378),
                       ("Brahe", "Edward", "Attack", 2, 6.046106, -2.73825),
                       ("Brahe", "Fred", "Clarity", 6, 2.866347, 2.495563), ("Brahe", "Chris", "Enthusiasm", 6, 2.899865, 2.456615),
                       ("Brahe", "David", "Enthusiasm", 5, 2.558348, 2.041367)]


def test_unexpected_ratings_and_variance_explained_as_facets_lists_them():
    data = guilford()
    fit = fit_rasch(data, GUILFORD_FACETS)
    far = data.assign(expected=fit.expected, z=fit.standardized)[np.abs(fit.standardized) >= 2]
    got = {(r.rater, r.ratee, r.criterion): (r.score, r.expected, r.z) for r in far.itertuples()}
    assert set(got) == {u[:3] for u in GUILFORD_UNEXPECTED}
    for senior, junior, trait, score, expected, z in GUILFORD_UNEXPECTED:
        assert got[(senior, junior, trait)] == pytest.approx((score, expected, z), abs=0.01)
    explained = 1 - np.var(fit.residual) / np.var(data["score"])
    assert explained == pytest.approx(0.410361, abs=0.001)
    # FACETS 4.5's Raterbias10 output: no rating with |StRes| >= 3 (its unexpected-responses table is empty), and
    # 88.10% of the raw-score variance explained by the measures (its Table 5; 0.1 tolerance for its early stop)
    other = fit_rasch(raterbias(), RATERBIAS_FACETS)
    assert (np.abs(other.standardized) < 3).all()
    scores = raterbias()["score"]
    assert 100 * (1 - np.var(other.residual) / np.var(scores)) == pytest.approx(88.10, abs=0.1)
