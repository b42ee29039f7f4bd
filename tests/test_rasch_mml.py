"""The many-facet Rasch estimator by marginal maximum likelihood (analytics.stats.rasch_mml) against three
published outputs of R's TAM, and a simulation.

Data: ``tests/data/rasch/writing.csv.gz``, the ``writing.csv`` of github.com/huacheng1985/Bookdown_CRC_Rasch
(snapshot 9520901, file last changed in 57662bf; see the README beside it): 372 students, each rated by the
same 21 raters on 4 domains (style, org, conv, sent_form), 0–3: 31,248 ratings.

Three cases, each carrying only the numbers it asserts, with the tolerances its reference case records
(the workbench's ``windhua_*`` cases):

- partial credit (domain thresholds), ``constraint="items"``: Wind & Hua (2022), *Rasch Measurement Theory
  Analysis in R*, Chapman & Hall/CRC, ch. 6.2, TAM 3.7-16 output (``tam.mml.mfr(formulaA = ~ item + rater +
  item:step, constraint = "items")``);
- rating scale, ``constraint="cases"``: Wind & Hua, *Companion to BER 670*, "Many Facet Rasch Model",
  Example 2, TAM 3.5-19 output (``formulaA = ~ item + rater + step``). TAM stopped at its default
  convergence while the domains' origin still drifted (0.33 logits from the converged one): the converged
  ML (TAM 4.4-2 itself with ``conv = convD = 1e-8``) is asserted tightly, the printed values as far as
  that drift allows (domains after centring);
- the style ratings with each student's language group as a facet: Wind & Hua (2022) ch. 6.1, TAM 3.7-16
  output (raters as TAM's items, ``formulaA = ~ item + language + step``, ``constraint = "items"``).

TAM derives the last element of a facet as minus the sum of the others: ``rater_9_`` in its labels
``rater_1_``, ``rater_10``, … of the writing cases, ``rater_21`` in the style case (its last column), and
``sent_form`` among the domains. The tests label the elements so that the same one comes last (TAM's S.E.s
depend on which). TAM leaves that element slightly off the constrained optimum, so it has its own
tolerance where the case gives one.
"""

from __future__ import annotations

import gzip
import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analytics.stats.rasch import Facet
from analytics.stats.rasch_mml import fit_rasch_mml

DATA = Path(__file__).resolve().parent / "data" / "rasch" / "writing.csv.gz"
#: of the uncompressed file, as its README records
SHA256 = "869171d1c7307c5110434aab43897cb20d53d3b7b96b342caf144b1f8a7211bf"
DOMAINS = ["style", "org", "conv", "sent_form"]  # TAM's item order: sent_form is derived

# ---- partial credit, constraint = "items": Wind & Hua (2022) ch. 6.2, TAM 3.7-16 -------------------------------
#: summary(writing_PC_MFRM.model): rater severity and S.E. (3 decimals), by rater number; rater 9 is derived
PC_RATERS = {1: (-0.192, 0.036), 2: (-0.020, 0.036), 3: (-0.002, 0.036), 4: (0.104, 0.036), 5: (-0.274, 0.036),
             6: (-0.453, 0.036), 7: (-0.480, 0.036), 8: (0.274, 0.036), 9: (0.764, 0.162), 10: (-0.474, 0.036),
             11: (-0.076, 0.036), 12: (-0.168, 0.036), 13: (0.164, 0.036), 14: (0.175, 0.036), 15: (-0.549, 0.036),
             16: (0.406, 0.036), 17: (0.122, 0.036), 18: (0.503, 0.036), 19: (0.064, 0.036), 20: (0.156, 0.036),
             21: (-0.044, 0.036)}
#: domain.estimates (full print): difficulty and S.E.; sent_form is derived
PC_DOMAINS = {"style": (0.2626532, 0.01585224), "org": (0.63426014, 0.01584412), "conv": (-0.08840333, 0.01599162),
              "sent_form": (-0.80851, 0.02753292)}
#: domain_taus (full print) with the S.E.s of summary() (3 decimals): steps into 1, 2, 3; step 3 is derived
PC_THRESHOLDS = {"style": [(-3.725268, 0.031), (0.2760349, 0.028), (3.449234, 0.041)],
                 "org": [(-3.642835, 0.031), (0.20323183, 0.028), (3.439604, 0.042)],
                 "conv": [(-3.61087, 0.031), (-0.08923873, 0.027), (3.700108, 0.041)],
                 "sent_form": [(-3.124334, 0.030), (-0.2095428, 0.027), (3.333877, 0.040)]}
PC_MEAN, PC_VARIANCE, PC_DEVIANCE = 0.70622, 8.198, 46111.6
#: summary() of the WLEs
PC_WLE_SUMMARY = {"min": -7.1284, "q1": -1.4232, "median": 0.9448, "mean": 0.7117, "q3": 2.968, "max": 7.693}
#: Table 6.4 (2 decimals), the six lowest student ids: WLE, its S.E., tam.personfit outfit and infit
PC_STUDENTS = {3: (1.88, 0.21, 0.97, 0.97), 7: (3.04, 0.21, 1.25, 1.29), 11: (2.66, 0.21, 0.59, 0.59),
               15: (-2.48, 0.21, 1.37, 1.34), 20: (-0.53, 0.21, 0.79, 0.79), 24: (-4.05, 0.22, 0.80, 0.82)}
#: the case's tolerances: measures and thresholds, S.E.s, μ, σ², deviance, WLE summary
PC_TOL = {"measure": 0.0015, "se": 0.001, "mu": 0.001, "sigma2": 0.002, "deviance": 0.2, "wle_summary": 0.002}
#: a 2-decimal print: half a unit, plus the case's tolerance of fit summaries (0.002)
TWO_DECIMALS = 0.005 + 0.002

# ---- rating scale, constraint = "cases": BER 670 companion, Example 2, TAM 3.5-19 ---------------------------
#: summary(writing.model) as printed (3 decimals): rater severity and S.E.; rater 9 derived
RS_RATERS = {1: (-0.191, 0.036), 2: (-0.020, 0.036), 3: (-0.002, 0.036), 4: (0.103, 0.036), 5: (-0.273, 0.036),
             6: (-0.451, 0.036), 7: (-0.478, 0.036), 8: (0.273, 0.036), 9: (0.761, 0.162), 10: (-0.473, 0.036),
             11: (-0.075, 0.036), 12: (-0.167, 0.036), 13: (0.163, 0.036), 14: (0.174, 0.036), 15: (-0.547, 0.036),
             16: (0.404, 0.036), 17: (0.122, 0.036), 18: (0.501, 0.036), 19: (0.064, 0.036), 20: (0.156, 0.036),
             21: (-0.044, 0.036)}
#: the domains, free under "cases" (none derived): difficulty and S.E. as printed
RS_DOMAINS = {"style": (0.125, 0.022), "org": (0.481, 0.022), "conv": (-0.255, 0.022), "sent_form": (-1.075, 0.023)}
#: the three steps and their S.E.s as printed; step 3 derived
RS_THRESHOLDS = [(-3.534, 0.015), (0.071, 0.014), (3.463, 0.021)]
RS_VARIANCE = 8.123
#: summary() of the WLEs, at TAM's early stop
RS_WLE_SUMMARY = {"min": -7.4326, "q1": -1.529, "median": 0.7571, "mean": 0.5322, "q3": 2.7594, "max": 7.5021}
#: the converged ML: TAM 4.4-2 with conv = convD = 1e-8 (and an independent MML), as the case records it
RS_CONVERGED_DOMAINS = {"style": -0.202746, "org": 0.151757, "conv": -0.582025, "sent_form": -1.398006}
RS_CONVERGED_RATERS = {1: -0.190665, 2: -0.020104, 3: -0.001779, 4: 0.10281, 5: -0.272316, 6: -0.449654,
                       7: -0.476239, 8: 0.272425, 9: 0.759959, 10: -0.47092, 11: -0.075125, 12: -0.167001,
                       13: 0.162867, 14: 0.173307, 15: -0.545523, 16: 0.40274, 17: 0.121094, 18: 0.499152,
                       19: 0.063613, 20: 0.155036, 21: -0.043676}
RS_CONVERGED_THRESHOLDS = [-3.51487, 0.062288, 3.452581]
RS_CONVERGED_VARIANCE = 8.064087
#: the case's tolerances: printed raters, centred domains, printed thresholds, σ², S.E.s, WLE summary; and for
#: the converged values 0.002 (the case's bound against expected_converged_ml)
RS_TOL = {"rater": 0.003, "domain_centred": 0.005, "threshold": 0.025, "sigma2": 0.07, "se": 0.001,
          "wle_summary": 0.01, "converged": 0.002}

# ---- style ratings and language group: Wind & Hua (2022) ch. 6.1, TAM 3.7-16 -------------------------------
#: rater severities to 7 significant digits (from the printed rater_thresholds minus the printed τ_1); rater 21
#: derived
STYLE_RATERS = {1: -0.280177, 2: -0.313856, 3: 0.168237, 4: 0.033731, 5: -0.776639, 6: -0.336317, 7: -0.224075,
                8: 0.269192, 9: 1.117323, 10: -0.867776, 11: -0.212859, 12: -0.280177, 13: -0.336317, 14: 0.257971,
                15: -0.822162, 16: 0.437698, 17: 0.448945, 18: 0.112183, 19: 0.663069, 20: 0.437698, 21: 0.504299}
STYLE_THRESHOLDS = [-4.0087904, 0.2353612, 3.7734293]
#: language1 as printed (language2 is minus it) and converged (TAM 4.4-2, conv = 1e-8); the groups' S.E. (2 dec.)
STYLE_LANGUAGE1, STYLE_LANGUAGE1_CONVERGED, STYLE_GROUP_SE = -0.06565052, -0.067673, 0.02
#: summary() of the raters' S.E.s (TAM's; the maximum is the derived rater's)
STYLE_RATER_SE = {"min": 0.07494, "q1": 0.07497, "median": 0.07499, "mean": 0.08744, "q3": 0.07509, "max": 0.33558}
#: Table 6.1 (2 decimals): students' WLE mean and S.D., their S.E.s' mean and S.D., infit mean and S.D.; raters'
#: severity mean and S.D., S.E. mean and S.D.
STYLE_STUDENTS_TABLE = {"measure": (0.47, 3.17), "se": (0.47, 0.12), "infit": (0.90, 0.35)}
STYLE_RATERS_TABLE = {"measure": (0.00, 0.52), "se": (0.09, 0.06)}
#: Table 6.3: the top students (by student id): WLE, S.E., outfit, infit
STYLE_TOP = {288: (7.60, 1.47, 0.02, 0.03), 183: (6.57, 0.87, 0.54, 0.71), 188: (6.57, 0.87, 0.44, 0.68),
             49: (6.44, 0.87, 0.54, 0.71)}
#: the case's tolerances: raters (the derived one), thresholds, language, rater S.E. summary, WLE, Table 6.1
STYLE_TOL = {"rater": 0.0002, "derived": 0.0015, "threshold": 0.0002, "group": 0.003, "rater_se": 0.0002,
             "wle": 0.01, "table": 0.005}


def tam_rater(number: int) -> str:
    """TAM's label of a rater in the writing cases: rater_1_, …, rater_9_, rater_10, …"""
    return f"rater_{number}".ljust(8, "_")


def number(label: str) -> int:
    return int(label.removeprefix("rater_").strip("_"))


@pytest.fixture(scope="module")
def wide() -> pd.DataFrame:
    raw = gzip.decompress(DATA.read_bytes())
    assert hashlib.sha256(raw).hexdigest() == SHA256
    return pd.read_csv(DATA)


@pytest.fixture(scope="module")
def writing(wide) -> pd.DataFrame:
    """One row per rating: student, rater (TAM's label), criterion (the domains in TAM's order), score."""
    long = wide.melt(id_vars=["student", "language", "rater"], value_vars=DOMAINS, var_name="criterion",
                     value_name="score")
    long["criterion"] = pd.Categorical(long["criterion"], categories=DOMAINS)
    long["rater"] = long["rater"].map(tam_rater)
    assert len(long) == 31248 and long["student"].nunique() == 372 and long["rater"].nunique() == 21
    return long


@pytest.fixture(scope="module")
def pc(writing):
    return fit_rasch_mml(writing, [Facet("criterion"), Facet("rater")], person="student", step_facet="criterion")


@pytest.fixture(scope="module")
def rs(writing):
    return fit_rasch_mml(writing, [Facet("criterion", centered=False), Facet("rater")], person="student",
                         constraint="cases")


@pytest.fixture(scope="module")
def style(wide):
    ratings = wide.assign(rater=[f"rater_{r:02d}" for r in wide["rater"]],
                          group=[f"language{g}" for g in wide["language"]])
    return fit_rasch_mml(ratings, [Facet("rater"), Facet("group")], person="student", score="style")


def by_rater(fit) -> pd.DataFrame:
    table = fit.measures["rater"]
    return table.set_index(table["element"].map(number))


def summary(values: pd.Series) -> dict[str, float]:
    """R's summary(): quantiles of type 7 (numpy's default)."""
    return {"min": values.min(), "q1": values.quantile(0.25), "median": values.median(), "mean": values.mean(),
            "q3": values.quantile(0.75), "max": values.max()}


def assert_close(found: dict, expected: dict, tol: float, what: str) -> None:
    gaps = {k: abs(float(found[k]) - v) for k, v in expected.items()}
    assert max(gaps.values()) <= tol, f"{what}: {gaps} (tolerance {tol})"


# ---- partial credit ---------------------------------------------------------------------------------------


def test_pc_converges_and_derives_tams_last_elements(pc):
    assert pc.converged
    assert by_rater(pc)["derived"].to_dict() == {n: n == 9 for n in range(1, 22)}
    domains = pc.measures["criterion"].set_index("element")
    assert domains["derived"].to_dict() == {d: d == "sent_form" for d in DOMAINS}
    assert pc.thresholds["derived"].tolist() == [False, False, True] * 4


def test_pc_rater_severities_and_se(pc):
    raters = by_rater(pc)
    assert_close(raters["measure"], {n: m for n, (m, _) in PC_RATERS.items()}, PC_TOL["measure"], "severity")
    # TAM's S.E.s, the derived rater's (√Σ of the others' squared) included: the estimator follows TAM's rule
    assert_close(raters["se"], {n: se for n, (_, se) in PC_RATERS.items()}, PC_TOL["se"], "S.E.")
    assert raters["measure"].sum() == pytest.approx(0, abs=1e-9)


def test_pc_domains(pc):
    domains = pc.measures["criterion"].set_index("element")
    assert_close(domains["measure"], {d: m for d, (m, _) in PC_DOMAINS.items()}, PC_TOL["measure"], "difficulty")
    assert_close(domains["se"], {d: se for d, (_, se) in PC_DOMAINS.items()}, PC_TOL["se"], "S.E.")


def test_pc_thresholds(pc):
    steps = pc.thresholds.set_index(["step", "category"])
    for domain, expected in PC_THRESHOLDS.items():
        for category, (tau, se) in enumerate(expected, start=1):
            row = steps.loc[(domain, category)]
            assert row["threshold"] == pytest.approx(tau, abs=PC_TOL["measure"]), (domain, category)
            assert row["se"] == pytest.approx(se, abs=PC_TOL["se"]), (domain, category)
        assert steps.loc[domain, "threshold"].sum() == pytest.approx(0, abs=1e-9)


def test_pc_population_and_deviance(pc):
    assert pc.mean == pytest.approx(PC_MEAN, abs=PC_TOL["mu"])
    assert pc.variance == pytest.approx(PC_VARIANCE, abs=PC_TOL["sigma2"])
    # TAM's deviance: the Riemann sum with the normal density at 21 nodes 0.6 apart
    assert pc.deviance == pytest.approx(PC_DEVIANCE, abs=PC_TOL["deviance"])


def test_pc_students(pc):
    students = pc.measures["student"].set_index("element")
    assert_close(summary(students["measure"]), PC_WLE_SUMMARY, PC_TOL["wle_summary"], "WLE summary")
    for student, (wle, se, outfit, infit) in PC_STUDENTS.items():
        found = students.loc[student, ["measure", "se", "outfit", "infit"]]
        assert_close(found.to_numpy(), dict(enumerate([wle, se, outfit, infit])), TWO_DECIMALS, f"student {student}")


# ---- rating scale, constraint = "cases" --------------------------------------------------------------------


def test_rs_reaches_the_converged_ml(rs):
    assert rs.converged and rs.mean == 0
    tol = RS_TOL["converged"]
    assert_close(rs.measures["criterion"].set_index("element")["measure"], RS_CONVERGED_DOMAINS, tol, "domains")
    assert_close(by_rater(rs)["measure"], RS_CONVERGED_RATERS, tol, "raters")
    assert_close(rs.thresholds["threshold"].to_numpy(), dict(enumerate(RS_CONVERGED_THRESHOLDS)), tol, "steps")
    # σ² around the mean of the posterior means (TAM's rule under "cases")
    assert rs.variance == pytest.approx(RS_CONVERGED_VARIANCE, abs=tol)


def test_rs_printed_values(rs):
    raters = by_rater(rs)
    assert_close(raters["measure"], {n: m for n, (m, _) in RS_RATERS.items()}, RS_TOL["rater"], "severity")
    domains = rs.measures["criterion"].set_index("element")["measure"]
    printed = pd.Series({d: m for d, (m, _) in RS_DOMAINS.items()})
    assert_close(domains - domains.mean(), (printed - printed.mean()).to_dict(), RS_TOL["domain_centred"],
                 "domains after centring")
    assert_close(rs.thresholds["threshold"].to_numpy(), dict(enumerate(t for t, _ in RS_THRESHOLDS)),
                 RS_TOL["threshold"], "steps")
    assert rs.variance == pytest.approx(RS_VARIANCE, abs=RS_TOL["sigma2"])


def test_rs_standard_errors(rs):
    tol = RS_TOL["se"]
    assert_close(by_rater(rs)["se"], {n: se for n, (_, se) in RS_RATERS.items()}, tol, "raters")
    domains = rs.measures["criterion"].set_index("element")
    assert not domains["derived"].any()  # the floating facet: every domain free
    assert_close(domains["se"], {d: se for d, (_, se) in RS_DOMAINS.items()}, tol, "domains")
    assert_close(rs.thresholds["se"].to_numpy(), dict(enumerate(se for _, se in RS_THRESHOLDS)), tol, "steps")


def test_rs_wle_summary_after_centring(rs):
    """TAM's WLEs sit on its unconverged domains: compared with the persons measured from the domains'
    centre. The centre of the distribution is asserted to the case's tolerance; its tails move with the
    thresholds, which TAM's early stop leaves up to the case's threshold tolerance (0.025) away."""
    shift = np.mean([m for m, _ in RS_DOMAINS.values()]) - rs.measures["criterion"]["measure"].mean()
    found = summary(rs.measures["student"]["measure"] + shift)
    centre = ("q1", "median", "mean")
    assert_close(found, {k: RS_WLE_SUMMARY[k] for k in centre}, RS_TOL["wle_summary"], "WLE summary")
    assert_close(found, {k: v for k, v in RS_WLE_SUMMARY.items() if k not in centre},
                 RS_TOL["wle_summary"] + RS_TOL["threshold"], "WLE summary, tails")


# ---- style and language group ------------------------------------------------------------------------------


def test_style_raters_and_thresholds(style):
    assert style.converged
    raters = by_rater(style)
    assert raters.loc[21, "derived"] and raters["derived"].sum() == 1
    assert_close(raters["measure"], {n: m for n, m in STYLE_RATERS.items() if n != 21}, STYLE_TOL["rater"], "raters")
    # TAM's derived rater is not quite at the constrained optimum
    assert raters.loc[21, "measure"] == pytest.approx(STYLE_RATERS[21], abs=STYLE_TOL["derived"])
    assert_close(style.thresholds["threshold"].to_numpy(), dict(enumerate(STYLE_THRESHOLDS)), STYLE_TOL["threshold"],
                 "steps")
    assert_close(summary(raters["se"]), STYLE_RATER_SE, STYLE_TOL["rater_se"], "rater S.E. summary")


def test_style_language_group(style):
    groups = style.measures["group"].set_index("element")
    assert groups.loc["language1", "measure"] == pytest.approx(STYLE_LANGUAGE1_CONVERGED, abs=STYLE_TOL["group"])
    assert groups.loc["language1", "measure"] == pytest.approx(STYLE_LANGUAGE1, abs=STYLE_TOL["group"])
    assert groups["measure"].sum() == pytest.approx(0, abs=1e-9)
    assert groups["se"].to_numpy() == pytest.approx([STYLE_GROUP_SE] * 2, abs=STYLE_TOL["table"])


def test_style_summary_table_and_top_students(style):
    """Table 6.1's students and raters (TAM's person outfit trims squared residuals beyond 10 S.D.s, FACETS'
    does not: the outfit columns are left out), and Table 6.3's top students (S0288 rated 3 by everyone: an
    extreme score, whose WLE is finite)."""
    students, raters = style.measures["student"], style.measures["rater"]
    for column, (mean, sd) in STYLE_STUDENTS_TABLE.items():
        assert students[column].mean() == pytest.approx(mean, abs=STYLE_TOL["table"]), column
        assert students[column].std() == pytest.approx(sd, abs=STYLE_TOL["table"]), column
    for column, (mean, sd) in STYLE_RATERS_TABLE.items():
        assert raters[column].mean() == pytest.approx(mean, abs=STYLE_TOL["table"]), column
        assert raters[column].std() == pytest.approx(sd, abs=STYLE_TOL["table"]), column
    students = students.set_index("element")
    assert students.loc[288, "extreme"] and not students.loc[[183, 188, 49], "extreme"].any()
    for student, (wle, se, outfit, infit) in STYLE_TOP.items():
        assert students.loc[student, "measure"] == pytest.approx(wle, abs=STYLE_TOL["wle"]), student
        assert students.loc[student, "se"] == pytest.approx(se, abs=STYLE_TOL["wle"]), student
        assert_close(students.loc[student, ["outfit", "infit"]].to_numpy(), {0: outfit, 1: infit}, TWO_DECIMALS,
                     f"student {student}")


def test_style_does_not_depend_on_row_order_or_names(wide, style):
    ratings = wide.assign(rater=[f"rater_{r:02d}" for r in wide["rater"]], group=[f"language{g}" for g in wide["language"]],
                          student=[f"S{s:04d}" for s in wide["student"]])
    ratings = ratings.sample(frac=1, random_state=3)
    fit = fit_rasch_mml(ratings, [Facet("rater"), Facet("group")], person="student", score="style")
    for column in ("rater", "group"):
        assert fit.measures[column]["measure"].to_numpy() == pytest.approx(
            style.measures[column]["measure"].to_numpy(), abs=1e-7)
    before = style.measures["student"].set_index("element")["measure"]
    after = fit.measures["student"].set_index("element")["measure"]
    assert after.to_numpy() == pytest.approx(before.loc[[int(s[1:]) for s in after.index]].to_numpy(), abs=1e-7)


# ---- a simulation ------------------------------------------------------------------------------------------


def test_recovers_simulated_severities():
    """300 entries, each rated by the same 6 jurors on 3 criteria, 0-4, simulated from known parameters:
    the severities come back within 0.12 logits (about four standard errors of 900 ratings each)."""
    rng = np.random.default_rng(20240605)
    severity = np.array([-0.6, -0.3, -0.1, 0.1, 0.35, 0.55])
    severity -= severity.mean()
    difficulty = np.array([-0.4, 0.0, 0.4])
    thresholds = np.array([-1.8, -0.6, 0.6, 1.8])
    ability = rng.normal(0.4, 1.2, 300)
    entry, juror, criterion = (a.ravel() for a in np.meshgrid(np.arange(300), np.arange(6), np.arange(3),
                                                               indexing="ij"))
    eta = ability[entry] - severity[juror] - difficulty[criterion]
    logits = np.concatenate([np.zeros((len(eta), 1)), np.cumsum(eta[:, None] - thresholds[None, :], axis=1)], axis=1)
    p = np.exp(logits - logits.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    score = (p.cumsum(axis=1) < rng.random(len(eta))[:, None]).sum(axis=1)
    data = pd.DataFrame({"entry": entry, "juror": [f"J{j}" for j in juror], "criterion": criterion, "score": score})
    fit = fit_rasch_mml(data, [Facet("criterion"), Facet("juror")], person="entry")
    assert fit.converged
    assert fit.measures["juror"]["measure"].to_numpy() == pytest.approx(severity, abs=0.12)
    assert fit.measures["criterion"]["measure"].to_numpy() == pytest.approx(difficulty, abs=0.12)
    assert fit.thresholds["threshold"].to_numpy() == pytest.approx(thresholds, abs=0.2)
    assert fit.mean == pytest.approx(0.4, abs=0.25) and np.sqrt(fit.variance) == pytest.approx(1.2, abs=0.2)
    wle = fit.measures["entry"]["measure"].to_numpy()
    assert np.corrcoef(wle, ability)[0, 1] > 0.9


def test_constraints_are_checked(writing):
    with pytest.raises(ValueError, match="centres every facet"):
        fit_rasch_mml(writing, [Facet("criterion", centered=False), Facet("rater")], person="student")
    with pytest.raises(ValueError, match="one facet floats"):
        fit_rasch_mml(writing, [Facet("criterion"), Facet("rater")], person="student", constraint="cases")
    with pytest.raises(ValueError, match="step_facet"):
        fit_rasch_mml(writing, [Facet("criterion"), Facet("rater")], person="student", step_facet="domain")
