"""The examples a newcomer copies (analytics.synthetic.examples): a competition with one overall score, and
the same scores as a wide sheet; and any core-only competition, generated at random."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics import load_festival
from analytics.apps.explorer import Explorer
from analytics.gate.decisions import run_gate
from analytics.apps.report import NOTEBOOKS_DIR, execute_notebooks
from analytics.present.summary import summary_text

from .conftest import REPO, quick_build

ONE_SCORE = REPO / "data" / "examples" / "one-score"
WIDE_SHEET = REPO / "data" / "examples" / "wide-sheet"
FILM_CHECKS = {"ai_share_below_band", "ai_share_missing", "authorship_proof_missing", "runtime_missing",
               "resolution_missing", "lossless_audio_missing", "appendix_incomplete", "disclosure_inconsistent", "halo"}


@pytest.fixture(scope="module")
def gates():
    return {folder.name: run_gate(load_festival(folder)) for folder in (ONE_SCORE, WIDE_SHEET)}


def test_the_wide_sheet_gives_the_results_of_the_long_one(gates):
    one, wide = gates["one-score"], gates["wide-sheet"]
    pd.testing.assert_frame_equal(one.flags, wide.flags)
    for name in one.after.tables:
        pd.testing.assert_frame_equal(one.after[name], wide.after[name], check_dtype=False, obj=name)
    assert summary_text(one).split("\n", 2)[2].replace("one-score", "wide-sheet") == \
        summary_text(wide).split("\n", 2)[2]


def test_one_score_no_film_rules_abstentions_and_two_panels(gates):
    gate = gates["one-score"]
    assert not set(gate.flags["check"]) & FILM_CHECKS  # no film rule runs, halo does not apply
    assert "eligibility" not in gate.after  # no entry rule is configured: no eligibility check at all
    assert gate.after.missing_scores.empty  # abstentions are declared conflicts, not missing scores
    behaviour = gate.after["juror_behaviour"]
    assert behaviour["halo"].isna().all()
    severity = gate.after["juror_severity"]
    assert set(severity["scope"]) == {"weighted_total"}  # one criterion: the total says it all
    both = severity[severity["juror_id"] == "JR01"]
    assert set(both["lane"]) == {"piano", "strings"}  # the chair judges in both lanes, per lane
    text = summary_text(gate)
    assert "eligibility" not in text and "AI share" not in text


@pytest.mark.slow
def test_jury_report_on_the_one_score_example(tmp_path):
    """Every notebook run by `jury report` (their `parameters` cell given the folder), then the pages."""
    out = tmp_path / "report"
    result = subprocess.run([sys.executable, "-m", "analytics", "report", str(ONE_SCORE), "--out", str(out), "--draft",
                             "--no-pdf"], capture_output=True, text=True, cwd=REPO, timeout=900)
    assert result.returncode == 0, result.stderr[-2000:]
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "AI participation" not in page and "Tools used" not in page  # left out: nothing configured for them
    assert "Halo does not apply" in page and "Winners and how robust they are" in page
    assert not (out / "public" / "eligibility.csv").exists()


def test_the_interactive_and_loading_notebooks_run_on_the_wide_sheet(tmp_path):
    names = ("01-load-and-validate.ipynb", "10-chair-explorer.ipynb")
    executed = execute_notebooks(WIDE_SHEET, tmp_path, notebooks_dir=NOTEBOOKS_DIR, only=names)
    assert sorted(p.name for p in executed) == sorted(names)


# --- any competition: random core-only festivals ----------------------------------------

SCALES = ((1, 10, 1), (1, 25, 1), (0.25, 10, 0.25), (0, 100, 5))


@st.composite
def competitions(draw):
    """A random core-only competition: 1-3 lanes, 1-6 criteria, any of four scales, jurors on
    one to three panels (some panels of two), some scores missing; weighted means or sums,
    lanes with criteria and weights of their own, long or wide score sheets."""
    seed = draw(st.integers(0, 2**31))
    rng = np.random.default_rng(seed)
    n_lanes, n_criteria = draw(st.integers(1, 3)), draw(st.integers(1, 6))
    low, high, step = draw(st.sampled_from(SCALES))
    lanes = [f"lane_{i}" for i in range(n_lanes)]
    entries, jurors, scores = [], [], []
    for lane in lanes:
        entries += [(f"{lane}-E{i}", f"Entry {i} · 第{i}號", lane) for i in range(draw(st.integers(4, 9)))]
    n_jurors = draw(st.integers(2, 9))
    for j in range(n_jurors):
        k = int(rng.integers(1, min(3, n_lanes) + 1))
        jurors.append((f"J:{j}", f"Person {j}", ";".join(rng.choice(lanes, size=k, replace=False))))
    panels = {lane: [j for j, _, p in jurors if lane in p.split(";")] for lane in lanes}
    for lane in lanes:  # every lane needs two jurors
        for j in range(2 - len(panels[lane])):
            jurors.append((f"J:{lane}:{j}", f"Extra {lane} {j}", lane))
            panels[lane].append(f"J:{lane}:{j}")
    criteria = [f"c{i}" for i in range(n_criteria)]
    own = {lane: list(rng.choice(criteria, size=int(rng.integers(1, n_criteria + 1)), replace=False))
           for lane in lanes if n_criteria > 1 and draw(st.booleans())}  # lanes with criteria of their own
    steps = int(round((high - low) / step))
    for entry, _, lane in entries:
        quality = rng.integers(0, steps + 1)
        for juror in panels[lane]:
            for c in own.get(lane, criteria):
                if rng.random() < 0.08:  # a missing score
                    continue
                k = int(np.clip(quality + rng.integers(-2, 3), 0, steps))
                scores.append((entry, juror, c, f"{low + k * step:g}"))
    toml = [f'[festival]\nname = "Random competition {seed}"\nsynthetic = true\n',
            f"[scale]\nmin = {low}\nmax = {high}\nstep = {step}\n"]
    toml += [f'[[criteria]]\nid = "{c}"\nlabel = "Criterion {c}"\nweight = {rng.uniform(0.2, 3):.2f}\n' for c in criteria]
    toml += [f'[[lanes]]\nid = "{lane}"\nname = "Lane {lane}"\n'
             + (f"weights = {{ {', '.join(f'{c} = {rng.uniform(0.5, 2):.1f}' for c in own[lane])} }}\n" if lane in own else "")
             for lane in lanes]
    toml.append(f'[aggregation]\ncriteria = "{draw(st.sampled_from(["weighted_mean", "weighted_sum"]))}"\n')
    toml.append(f"[checks]\nbootstrap_resamples = 100\nseed = {seed % 1000}\n")
    long = pd.DataFrame(scores, columns=["entry_id", "juror_id", "criterion", "score"])
    if draw(st.booleans()):  # the sheet a judging platform exports: a column per criterion, empty where not scored
        toml.append('[layout]\nscores = "wide_criteria"\n')
        long = long.pivot(index=["entry_id", "juror_id"], columns="criterion", values="score").fillna("").reset_index()
    return {"festival.toml": "\n".join(toml),
            "entries.csv": pd.DataFrame(entries, columns=["entry_id", "title", "category"]),
            "jurors.csv": pd.DataFrame(jurors, columns=["juror_id", "name", "panel"]),
            "scores.csv": long}


def _write(folder: Path, files: dict) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        if isinstance(content, str):
            (folder / name).write_text(content, encoding="utf-8")
        else:
            content.to_csv(folder / name, index=False)
    return folder


@settings(max_examples=16, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(competitions())
def test_any_core_competition_is_checked_and_explored_without_an_error(tmp_path_factory, files):
    folder = _write(tmp_path_factory.mktemp("competition"), files)
    festival = load_festival(folder)
    gate = run_gate(festival)
    text = summary_text(gate)
    assert "GATE:" in text and "eligibility" not in text
    assert not set(gate.flags["check"]) & FILM_CHECKS - {"halo"}
    explorer = Explorer(festival)
    for lane in festival.config.lane_ids:
        explorer.set_view(lane=lane)
        standings = explorer.standings()
        assert len(standings) == festival.entries["category"].eq(lane).sum() or not standings.empty
        explorer.juror_panel(), explorer.gate(), explorer.agreement()
        jurors = explorer.jurors()
        if len(jurors) > 2:
            explorer.exclude_juror(jurors[0])
            explorer.standings(), explorer.gate()
            explorer.undo()


@pytest.mark.slow
@settings(max_examples=2, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(competitions())
def test_any_core_competition_gets_its_report(tmp_path_factory, files):
    tmp = tmp_path_factory.mktemp("report")
    folder = _write(tmp / "competition", files)
    outcome = quick_build(folder, tmp / "out", tmp)
    assert (tmp / "out" / "report.html").is_file() and outcome is not None


def test_a_juror_on_two_panels_has_one_pseudonym_and_a_line_across_lanes(gates):
    from analytics.present.pseudonyms import pseudonyms
    from analytics.present.tables import juror_statistics

    festival = gates["one-score"].before.festival
    names = pseudonyms(festival)
    assert len(names) == len(set(names.values())) == len(festival.jurors)  # one per person, not per panel
    table = juror_statistics(gates["one-score"], names)
    chair = table[table["juror_id"] == "JR01"]
    assert list(chair["lane"]) == ["piano", "strings", "all"]  # per lane, then the line across lanes
    assert chair["severity"].iloc[2] == pytest.approx(
        (chair["severity"].iloc[:2] * chair["n_scores"].iloc[:2]).sum() / chair["n_scores"].iloc[:2].sum())


def test_the_identity_search_reads_what_a_reader_sees(tmp_path):
    """A juror with the id A4 is not the A4 of the page's print style (@page { size: A4 })."""
    from analytics.apps.report import public_texts

    folder = tmp_path / "report"
    (folder / "public").mkdir(parents=True)
    (folder / "report.html").write_text("<html><style>@page { size: A4 }</style><p>J1 scored</p></html>", encoding="utf-8")
    pd.DataFrame({"a": [1]}).to_excel(folder / "public" / "results.xlsx", index=False)
    assert "A4" not in public_texts(folder)["report.html"] and "J1 scored" in public_texts(folder)["report.html"]
