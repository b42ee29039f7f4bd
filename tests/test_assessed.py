"""Assessed AI participation (design section 17, issue 25 items 1 to 4): the assessments table at load, the
assessed shares with their intervals and p_eligible, the assessors' agreement and lean, and the four flags.

A small festival written here: one lane whose minimum is 51%, two dimensions weighted 50/50, three verifiers
(jurors.csv role verifier: they assess and never score) and two jurors who score.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analytics import load_festival
from analytics.checks.assessed import assessed, assessed_flags, assessment_companions
from analytics.checks.shared import Shared
from analytics.load.festival import FestivalDataError

TOML = """\
[festival]
name = "Assessed"
synthetic = true
[scale]
min = 1
max = 10
[[criteria]]
id = "overall"
label = "Overall"
[[lanes]]
id = "gc"
name = "Generative Cinema"
ai_share_min = 51
[participation]
weights = { writing = 50, generation = 50 }
[checks]
bootstrap_resamples = 4000
seed = 7
"""

#: entry -> declared ai_share and per assessor (writing, generation): E1 well above the line (declared 74 within
#: its assessed blends 68-76), E2 across it,
#: E3 wholly below it, E4 declared 80 where the assessors see about 60; E5 has no assessment
ENTRIES = {"E1": 74.0, "E2": 52.0, "E3": 58.0, "E4": 80.0, "E5": 70.0}
SHARES = {
    "E1": {"V1": (80, 70), "V2": (78, 74), "V3": (70, 66)},
    "E2": {"V1": (56, 52), "V2": (50, 54), "V3": (44, 48)},
    "E3": {"V1": (40, 44), "V2": (42, 38), "V3": (36, 34)},
    "E4": {"V1": (62, 60), "V2": (64, 58), "V3": (56, 54)},
}


def write(folder: Path, *, shares=SHARES, extra_rows: list[str] | None = None, toml: str = TOML) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "festival.toml").write_text(toml, encoding="utf-8")
    (folder / "entries.csv").write_text("entry_id,title,category,ai_share,share_writing,share_generation\n" + "".join(
        f"{e},Film {e},gc,{s},{s},{s}\n" for e, s in ENTRIES.items()), encoding="utf-8")
    (folder / "jurors.csv").write_text(
        "juror_id,name,panel,role\nJ1,Juror One,gc,member\nJ2,Juror Two,gc,member\n"
        "V1,Verifier One,gc,verifier\nV2,Verifier Two,gc,verifier\nV3,Verifier Three,gc,verifier\n", encoding="utf-8")
    (folder / "scores.csv").write_text("entry_id,juror_id,criterion,score\n" + "".join(
        f"{e},{j},overall,{5 + i % 3}\n" for i, e in enumerate(ENTRIES) for j in ("J1", "J2")), encoding="utf-8")
    rows = [f"{a},{e},{d},{v}" for e, by in shares.items() for a, pair in by.items()
            for d, v in zip(("writing", "generation"), pair)]
    (folder / "participation_assessments.csv").write_text(
        "assessor_id,entry_id,dimension,share\n" + "\n".join(rows + (extra_rows or [])) + "\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def festival(tmp_path_factory):
    return load_festival(write(tmp_path_factory.mktemp("assessed") / "f"))


@pytest.fixture(scope="module")
def table(festival):
    return assessed(festival)


# --- 1. the table at load ---------------------------------------------------------------------

def problems(folder: Path) -> list[tuple]:
    with pytest.raises(FestivalDataError) as caught:
        load_festival(folder)
    return [(p.file, p.row, p.column, p.value) for p in caught.value.problems]


def test_every_bad_assessment_is_listed_at_once(tmp_path):
    bad = ["V1,E1,sound,50", "V2,E1,writing,120", "X9,E1,writing,50", "V1,E1,writing,80", "V1,E9,writing,50"]
    found = problems(write(tmp_path / "f", extra_rows=bad))
    rows = {(f, c, v) for f, r, c, v in found}
    assert ("participation_assessments.csv", "dimension", "sound") in rows  # not a dimension of the weights
    assert ("participation_assessments.csv", "share", "120") in rows  # off 0-100
    assert ("participation_assessments.csv", "assessor_id", "X9") in rows  # not in jurors.csv
    assert ("participation_assessments.csv", "entry_id", "E9") in rows  # not in entries.csv
    # V1 × E1 × writing twice (rows 2 and 29); V2's row 27 both off the scale and a second V2 × E1 × writing
    assert ("participation_assessments.csv", 29, "(assessor_id, entry_id, dimension)", "V1 × E1 × writing") in found
    assert ("participation_assessments.csv", 27, "(assessor_id, entry_id, dimension)", "V2 × E1 × writing") in found
    assert len(found) == 6


def test_assessments_without_participation_name_both(tmp_path):
    toml = TOML.replace("[participation]\nweights = { writing = 50, generation = 50 }\n", "")
    found = problems(write(tmp_path / "f", toml=toml))
    assert ("festival.toml", None, "participation", None) in found


def test_a_verifier_is_expected_to_score_nothing(festival):
    from analytics.checks.registry import run_checks

    result = run_checks(festival)
    assert result.missing_scores.empty  # V1-V3 score nothing and nothing is missing
    assert not set(result["juror_behaviour"]["juror_id"]) & {"V1", "V2", "V3"}


# --- 2. the assessed shares ----------------------------------------------------------------------

def leans_by_hand() -> dict[str, float]:
    """On this complete design the additive model's assessor effect is the assessor's mean minus the mean of
    the assessors' means; the shares are read with it taken off, centred on the median assessor's."""
    means = {a: np.mean([v for by in SHARES.values() for v in by[a]]) for a in ("V1", "V2", "V3")}
    centre = np.mean(list(means.values()))
    lean = {a: m - centre for a, m in means.items()}
    middle = float(np.median(list(lean.values())))
    return {a: v - middle for a, v in lean.items()}


def adjusted_blends(entry: str) -> list[float]:
    lean = leans_by_hand()
    return [0.5 * (w - lean[a]) + 0.5 * (g - lean[a]) for a, (w, g) in SHARES[entry].items()]


def test_means_and_blends_are_the_assessors_means_with_their_leans_taken_off(table):
    from scipy import stats

    blended = table[table["dimension"] == "blended"].set_index("entry_id")
    lean = leans_by_hand()
    for e, by in SHARES.items():
        assert blended.loc[e, "assessed_raw"] == pytest.approx(np.mean([0.5 * w + 0.5 * g for w, g in by.values()]))
        values = adjusted_blends(e)
        assert blended.loc[e, "assessed"] == pytest.approx(np.mean(values))
        half = stats.t.ppf(0.975, 2) * np.std(values, ddof=1) / np.sqrt(3)
        assert (blended.loc[e, "ci_low"], blended.loc[e, "ci_high"]) == pytest.approx(
            (np.mean(values) - half, np.mean(values) + half))
        rows = table[(table["entry_id"] == e) & (table["dimension"] == "writing")]
        assert rows["assessed"].iloc[0] == pytest.approx(np.mean([w - lean[a] for a, (w, _) in by.items()]))
        assert rows["assessed_raw"].iloc[0] == pytest.approx(np.mean([w for w, _ in by.values()]))
    assert blended.loc["E1", "declared"] == 74.0 and "E5" not in blended.index


def test_p_eligible_matches_the_exact_bootstrap_of_three_assessors(table):
    """Three assessors: the 27 ordered panels drawn with replacement are equally likely; p_eligible is the
    share of 4,000 draws whose (lean-adjusted) blend reaches 51, within 4 binomial standard errors of the exact
    share."""
    blended = table[table["dimension"] == "blended"].set_index("entry_id")
    for e in SHARES:
        blends = adjusted_blends(e)
        exact = np.mean([np.mean(panel) >= 51 - 1e-9 for panel in itertools.product(blends, repeat=3)])
        got = blended.loc[e, "p_eligible"]
        assert got == pytest.approx(exact, abs=4 * np.sqrt(exact * (1 - exact) / 4000) + 1e-12), e


# --- 3. agreement and lean of assessors ----------------------------------------------------------

def test_lean_is_each_assessors_mean_against_the_others_on_a_complete_design(festival):
    """Every assessor assessed every entry and dimension: the additive model's assessor effect is the assessor's
    mean minus the mean of the assessors' means, and ``assessor_lean.csv`` gives it from the median assessor's:
    the assessor's mean minus the median of the assessors' means."""
    lean = assessment_companions(Shared(festival))["assessor_lean"].set_index("assessor_id")
    means = {a: np.mean([v for by in SHARES.values() for v in by[a]]) for a in ("V1", "V2", "V3")}
    centre = np.median(list(means.values()))
    for a, m in means.items():
        assert lean.loc[a, "lean"] == pytest.approx(m - centre, abs=1e-9)
        assert lean.loc[a, "ci_low"] < lean.loc[a, "lean"] < lean.loc[a, "ci_high"]
    assert lean.loc["V3", "lean"] < 0  # V3 rates AI participation lowest


def test_agreement_per_dimension_is_krippendorffs_alpha_of_the_peer_library(festival):
    krippendorff = pytest.importorskip("krippendorff")
    agreement = assessment_companions(Shared(festival))["assessment_agreement"].set_index("dimension")
    for k, dimension in enumerate(("writing", "generation")):
        matrix = np.array([[by[a][k] for e, by in SHARES.items()] for a in ("V1", "V2", "V3")], dtype=float)
        expected = krippendorff.alpha(reliability_data=matrix, level_of_measurement="interval")
        assert agreement.loc[dimension, "alpha_interval"] == pytest.approx(expected, abs=1e-9)


# --- 4. flags ------------------------------------------------------------------------------------

def test_the_four_flags(festival, table):
    flags = {(f.check, f.entry_id) for f in assessed_flags(festival, table)}
    assert ("ai_share_assessed_below", "E3") in flags  # blends 42, 40, 35: wholly below 51
    assert ("ai_share_uncertain", "E2") in flags  # blends 54, 52, 46: across 51
    assert ("disclosure_disputed", "E4") in flags  # declared 80, assessed about 59
    assert ("assessment_missing", "") in flags  # E5
    assert not {c for c, e in flags if e == "E1"}  # blends 75, 76, 68: well above the line, its declared 74 within
    missing = [f for f in assessed_flags(festival, table) if f.check == "assessment_missing"]
    assert "E5" in missing[0].message


# --- 5. where it shows (begun) and 6. the demo ------------------------------------------------------

def test_the_demo_plants_are_found_and_the_explorer_shows_an_entrys_panel():
    """data/demo (planted.json): GC-16 declares 58% and the verifiers put it at 45-50%; GC-14 lies across the
    line; VF03 rates about 10 points low. The explorer lists GC-16's three assessors, the assessed and the
    declared shares."""
    from analytics.apps.explorer import Explorer
    from analytics.checks.registry import run_checks

    from .conftest import DEMO

    demo = load_festival(DEMO)
    result = run_checks(demo)
    blended = result["participation_assessed"]
    blended = blended[blended["dimension"] == "blended"].set_index("entry_id")
    assert 45 <= blended.loc["GC-16", "assessed"] <= 50 and blended.loc["GC-16", "declared"] == 58.0
    assert blended.loc["GC-14", "ci_low"] < 51 <= blended.loc["GC-14", "ci_high"]
    flags = set(zip(result.flags["check"], result.flags["entry_id"], result.flags["juror_id"]))
    assert {("ai_share_assessed_below", "GC-16", ""), ("disclosure_disputed", "GC-16", ""),
            ("ai_share_uncertain", "GC-14", ""), ("assessor_lean", "", "VF03")} <= flags
    panel = Explorer(demo, n_boot=100).assessments("GC-16")
    assert len(panel) == 5 and panel["assessor"].iloc[-1] == "declared" and panel["blended"].iloc[-1] == 58.0
    assert panel["assessor"].str.startswith("VF0").sum() == 3
    from analytics.present.explorer_tables import assessments_html

    shown = assessments_html(panel)  # the chair's table, not a programmer's DataFrame
    assert "dataframe" not in shown and "58.0" in shown and "Assessor" in shown


def test_an_assessors_feedback_page_shows_their_lean_and_names_no_other_assessor(tmp_path):
    """data/demo: VF03 rates about 10 points low; their page says so (in points from the median assessor, with
    its interval around that figure) and names no other assessor or juror."""
    import re

    from analytics.present.feedback import write_feedback

    from .conftest import DEMO

    demo = load_festival(DEMO)
    pages = {p.stem: p for p in write_feedback(demo, tmp_path / "pages")}
    assert {"VF01", "VF02", "VF03"} <= set(pages)
    text = re.sub(r"<[^>]+>", " ", re.sub(r"<style>.*?</style>", "", pages["VF03"].read_text(encoding="utf-8"), flags=re.S))
    found = re.search(r"([+-]\d+\.\d+) points of share from the typical assessor .*?95% interval ([+-]\d+\.\d+) to "
                      r"([+-]\d+\.\d+)", text)
    lean, low, high = (float(v) for v in found.groups())
    assert -12 < lean < -8 and low <= lean <= high
    others = demo.jurors[demo.jurors["juror_id"] != "VF03"]
    assert not [n for n in [*others["juror_id"], *others["name"]] if re.search(rf"\b{re.escape(str(n))}\b", text)]


def test_partial_and_thin_assessments_give_numbers_or_say_nothing_without_an_error(tmp_path):
    """Shapes beyond the tidy one: an assessor who skips a dimension (no blend of theirs, their shares still in
    the dimension rows), an entry assessed by one assessor (no interval, so no blocker on it, but never silently
    eligible: assessment_missing lists it), and a juror who both scores and assesses."""
    shares = {**SHARES, "E5": {"V1": (60, 62)}}  # E5: one assessor
    folder = write(tmp_path / "f", shares=shares, extra_rows=["J1,E1,writing,75", "J1,E1,generation,70",
                                                              "J2,E2,writing,50"])  # J2: writing only
    festival = load_festival(folder)
    table = assessed(festival)
    blended = table[table["dimension"] == "blended"].set_index("entry_id")
    assert blended.loc["E1", "n_assessors"] == 4 and blended.loc["E2", "n_assessors"] == 3  # J2 has no blend
    writing = table[(table["dimension"] == "writing")].set_index("entry_id")
    assert writing.loc["E2", "n_assessors"] == 4
    assert blended.loc["E5", "n_assessors"] == 1 and np.isnan(blended.loc["E5", "ci_low"])
    flags = assessed_flags(festival, table)
    assert not [f for f in flags if f.entry_id == "E5"]  # one assessor: no interval, no blocker on the entry
    missing = [f for f in flags if f.check == "assessment_missing"]  # but the lane's warning lists it, and why
    assert len(missing) == 1 and "a single assessor of every dimension: E5" in missing[0].message
    assert "no assessment:" not in missing[0].message  # every entry has an assessment now
    from analytics.present.feedback import write_feedback

    pages = {p.stem for p in write_feedback(festival, tmp_path / "pages")}
    assert {"J1", "J2", "V1", "V2", "V3"} <= pages


# --- the review's cases: never silently eligible, verifiers judge nothing, the reports ----------------------

def test_thin_assessments_are_listed_by_why(tmp_path):
    """An entry whose assessors each skipped a dimension has no blend; one with a single assessor has no interval;
    one with none has nothing: each is listed in the lane's assessment_missing, none silently eligible."""
    shares = {k: v for k, v in SHARES.items() if k != "E4"}
    shares["E2"] = {"V1": (56, 52)}  # a single assessor
    folder = write(tmp_path / "f", shares=shares, extra_rows=["V1,E4,writing,20", "V2,E4,generation,25"])
    festival = load_festival(folder)
    flags = assessed_flags(festival, assessed(festival))
    (missing,) = [f for f in flags if f.check == "assessment_missing"]
    assert missing.value == 3
    assert "no assessment: E5" in missing.message and "a single assessor of every dimension: E2" in missing.message
    assert "no assessor of every dimension: E4" in missing.message
    table = assessed(festival)
    e4 = table[(table["entry_id"] == "E4") & (table["dimension"] == "blended")].iloc[0]
    assert e4["n_assessors"] == 0 and np.isnan(e4["assessed_raw"]) and np.isnan(e4["assessed"])  # not 0.0


def test_an_empty_assessments_file_and_a_lane_nobody_assessed_are_reported(tmp_path):
    """A header-only participation_assessments.csv assesses nothing: every entry of the lane with a minimum is
    listed. A second lane with a minimum and no assessment is listed too; a lane without a minimum is not."""
    toml = TOML.replace('[participation]', '[[lanes]]\nid = "db"\nname = "Digital Being"\nai_share_min = 40\n\n'
                        '[[lanes]]\nid = "ps"\nname = "Procedural"\n\n[participation]')
    folder = write(tmp_path / "f", toml=toml)
    with open(folder / "entries.csv", "a", encoding="utf-8") as handle:
        handle.write("D1,Film D1,db,60,60,60\nP1,Film P1,ps,60,60,60\n")
    with open(folder / "jurors.csv", "a", encoding="utf-8") as handle:
        handle.write("J3,Juror Three,db;ps,member\n")
    with open(folder / "scores.csv", "a", encoding="utf-8") as handle:
        handle.write("D1,J3,overall,6\nP1,J3,overall,6\n")
    festival = load_festival(folder)
    flags = {f.lane: f for f in assessed_flags(festival, assessed(festival)) if f.check == "assessment_missing"}
    assert set(flags) == {"gc", "db"} and "no assessment: D1" in flags["db"].message
    (folder / "participation_assessments.csv").write_text("assessor_id,entry_id,dimension,share\n", encoding="utf-8")
    festival = load_festival(folder)
    flags = {f.lane: f for f in assessed_flags(festival, assessed(festival)) if f.check == "assessment_missing"}
    assert set(flags) == {"gc", "db"} and flags["gc"].value == 5


def test_a_verifier_who_scores_is_a_load_error_naming_them(tmp_path):
    folder = write(tmp_path / "f")
    with open(folder / "scores.csv", "a", encoding="utf-8") as handle:
        handle.write("E1,V2,overall,7\n")
    with pytest.raises(FestivalDataError) as error:
        load_festival(folder)
    (problem,) = error.value.problems
    assert (problem.file, problem.column, problem.value) == ("scores.csv", "juror_id", "V2")
    assert "role verifier" in problem.expected


def test_verifiers_are_no_panel_members_anywhere(tmp_path):
    """Verifiers count in no panel: not in the full-panel plausibility count (a festival of a few jurors and many
    verifiers loads), and not among the report's jurors."""
    from analytics.load.festival import _implausible_full_panels

    entries = pd.DataFrame({"entry_id": [f"E{i}" for i in range(5000)], "category": "gc"})
    jurors = pd.DataFrame({"juror_id": ["J1", "J2", *(f"V{i}" for i in range(200))], "panel": "gc",
                           "role": ["member", "member", *["verifier"] * 200], "source_row": range(2, 204)})
    scores = pd.DataFrame({"entry_id": [f"E{i}" for i in range(5000)] * 2, "juror_id": ["J1"] * 5000 + ["J2"] * 5000})
    assert _implausible_full_panels(entries, jurors, scores) == ""
    assert "only 10,000" in _implausible_full_panels(entries, jurors.assign(role="member"), scores)


def test_the_demo_report_counts_jurors_not_verifiers_and_reads_the_decisions(tmp_path):
    from analytics.apps.cli import main

    from .conftest import DEMO, DEMO_DECISIONS

    assert main(["report", str(DEMO), "--decisions", str(DEMO_DECISIONS), "--out", str(tmp_path / "out"),
                 "--no-pdf", "--quiet"]) == 0
    public = re.sub(r"<[^>]+>", " ", (tmp_path / "out" / "report.html").read_text(encoding="utf-8"))
    assert "24 jurors gave" in public  # 27 in jurors.csv, three of them verifiers who score nothing
    assert ("Of the 3 below or across the line, the chair's decisions took 2 out of competition and kept 1 in."
            in public.replace("&#39;", "'"))
    assert "VF0" not in public and "Kwame" not in public
    chair = (tmp_path / "out" / "chair.html").read_text(encoding="utf-8")
    assert "Lean from the median assessor" in chair and "VF03" in chair


def test_two_assessors_see_no_figure_that_gives_the_other_away(tmp_path):
    """With one other assessor, a lean from the median or a correlation with 'the others' is that assessor's own
    figure: an assessor's page then shows neither."""
    from analytics.present.feedback import write_feedback

    shares = {e: {a: by[a] for a in ("V1", "V2")} for e, by in SHARES.items()}
    festival = load_festival(write(tmp_path / "f", shares=shares))
    page = {p.stem: p for p in write_feedback(festival, tmp_path / "pages")}["V1"].read_text(encoding="utf-8")
    assert "Your assessments at a glance" in page and "typical assessor" not in page and "correlation" not in page
    festival = load_festival(write(tmp_path / "g"))
    page = {p.stem: p for p in write_feedback(festival, tmp_path / "pages3")}["V1"].read_text(encoding="utf-8")
    assert "typical assessor" in page and "correlation" in page and "compares your scores" not in page


def test_the_summary_says_what_the_evidence_puts_where(festival):
    from analytics.gate.decisions import run_gate
    from analytics.present.summary import summary_text

    text = summary_text(run_gate(festival))
    assert "Generative Cinema: 5 of 5 entries eligible on their declarations" in text
    line = next(t for t in text.splitlines() if t.startswith("  Generative Cinema: 4 entries assessed"))
    assert "1 below the 51% line, 1 across it, 2 above" in line and "2 declarations disputed" in line  # E3, E4
    assert "1 without an assessed share" in line


def test_a_dimension_in_the_wrong_case_says_which_was_meant(tmp_path):
    folder = write(tmp_path / "f", extra_rows=["V1,E5,Writing,70"])
    with pytest.raises(FestivalDataError) as error:
        load_festival(folder)
    (problem,) = error.value.problems
    assert problem.value == "Writing" and "'writing' differs only in case" in problem.expected
