"""Juror severity (with standard errors), straight-lining, halo, out-of-line jurors, design parts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analytics.checks import severity as severity_module
from analytics import load_festival
from analytics.checks.severity import rater_effects, juror_severity, severity_flags
from analytics.checks.behaviour import behaviour_flags, juror_behaviour
from analytics.checks.design_parts import design_parts, parts_flags
from analytics.checks.shared import LaneFit

from .conftest import DEMO, append


def synthetic(seed: int, n_units: int = 30, n_raters: int = 6, share: float = 0.7) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    mask = rng.random((n_units, n_raters)) < share
    mask[:, 0] = True  # connected through rater 0
    u, r = np.nonzero(mask)
    b = rng.normal(0, 1, n_raters)
    y = rng.normal(6, 1, n_units)[u] + b[r] + rng.normal(0, 0.5, len(u))
    return pd.DataFrame({"entry_id": [f"e{i:02d}" for i in u], "juror_id": [f"j{i}" for i in r], "score": y}), b


@pytest.mark.parametrize("seed, share, dense_max", [(1, 1.0, None), (2, 0.6, None), (2, 0.6, 0)])
def test_severity_and_se_equal_ols_with_sum_to_zero_juror_effects(seed, share, dense_max, monkeypatch):
    """``dense_max=0``: the juror system's cross products by sparse products (a large lane's path)."""
    import statsmodels.formula.api as smf  # peer: statsmodels OLS, C(juror_id, Sum) deviation coding

    if dense_max is not None:
        monkeypatch.setattr(severity_module, "DENSE_CROSS_MAX", dense_max)
    data, _ = synthetic(seed, share=share)
    ours = pd.DataFrame(rater_effects(LaneFit.of(data))).set_index("juror_id")
    fit = smf.ols("score ~ C(entry_id) + C(juror_id, Sum)", data=data).fit()
    jurors = sorted(data["juror_id"].unique())
    names = [f"C(juror_id, Sum)[S.{j}]" for j in jurors[:-1]]
    np.testing.assert_allclose(ours.loc[jurors[:-1], "severity"], fit.params[names], atol=1e-9)
    np.testing.assert_allclose(ours.loc[jurors[:-1], "se"], fit.bse[names], rtol=1e-7)


def test_demo_severity_finds_the_planted_jurors():
    severity = juror_severity(load_festival(DEMO))
    total = severity[(severity["lane"] == "generative_cinema") & (severity["scope"] == "weighted_total")].set_index("juror_id")
    assert total["severity"].idxmax() == "JR04" and total["severity"].idxmin() == "JR01"
    assert total.loc["JR04", "ci_low"] > 1 and total.loc["JR01", "ci_high"] < -1
    assert abs(total["severity"].sum()) < 1e-9  # centred on the panel


def test_behaviour_and_flags_on_the_demo():
    festival = load_festival(DEMO)
    severity, behaviour, parts = juror_severity(festival), juror_behaviour(festival), design_parts(festival)
    found = [*severity_flags(festival, severity), *behaviour_flags(festival, behaviour), *parts_flags(festival, parts)]
    flags = {(f.check, f.juror_id): f.severity for f in found}
    assert flags == {("juror_severity", "JR01"): "warning", ("juror_severity", "JR04"): "warning",
                     ("straight_lining", "JR07"): "warning", ("juror_out_of_line", "JR07"): "warning"}
    gc = behaviour[behaviour["lane"] == "generative_cinema"].set_index("juror_id")
    assert gc.loc["JR07", "sd"] < 0.5 < gc.drop("JR07")["sd"].min()


def test_halo_is_flagged_for_a_juror_whose_criteria_move_together(mini):
    # A1 gives every criterion the same score per entry (perfect halo); the panel's other juror does not
    lines = (mini / "scores.csv").read_text(encoding="utf-8").splitlines()
    header, rows = lines[0], [line for line in lines[1:] if not line.startswith(("GC-1,A1", "GC-2,A1"))]
    rows += ["GC-1,A1,story,8", "GC-1,A1,craft,8", "GC-1,A1,ethics,8", "GC-2,A1,story,4", "GC-2,A1,craft,4", "GC-2,A1,ethics,4"]
    (mini / "scores.csv").write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    append(mini / "entries.csv", "GC-3,Third,generative_cinema,10,60,60,60,60,60,60,60,Sora,4K,yes,yes,yes,yes,yes,yes,Japan")
    for line in ("GC-3,A1,story,6", "GC-3,A1,craft,6", "GC-3,A1,ethics,6", "GC-3,A2,story,5", "GC-3,A2,craft,7",
                 "GC-3,A2,ethics,6"):
        append(mini / "scores.csv", line)
    festival = load_festival(mini)
    behaviour = juror_behaviour(festival).set_index("juror_id")
    assert behaviour.loc["A1", "halo"] == pytest.approx(1.0)


def test_a_disconnected_design_names_its_parts(mini):
    (mini / "assignments.csv").write_text("juror_id,entry_id\nA1,GC-1\nA2,GC-2\nB1,DB-1\nB1,DB-2\nB2,DB-1\nB2,DB-2\n",
                                          encoding="utf-8")
    lines = (mini / "scores.csv").read_text(encoding="utf-8").splitlines()
    keep = [lines[0]] + [line for line in lines[1:] if not line.startswith(("GC-1,A2", "GC-2,A1"))]
    (mini / "scores.csv").write_text("\n".join(keep) + "\n", encoding="utf-8")
    (mini / "conflicts.csv").write_text("juror_id,entry_id,reason\n", encoding="utf-8")
    (mini / "scores.csv").write_text("\n".join(keep + ["GC-2,A2,story,6", "GC-2,A2,craft,6", "GC-2,A2,ethics,6"]) + "\n",
                                     encoding="utf-8")
    festival = load_festival(mini)
    parts = design_parts(festival)
    gc = parts[parts["lane"] == "generative_cinema"]
    assert sorted(gc["jurors"]) == ["A1", "A2"] and len(gc) == 2
    # each part is one entry and its one juror: severity says it does not apply, so no flag repeats it
    assert parts_flags(festival, parts) == []


def test_a_design_in_two_parts_of_several_entries_is_flagged_with_its_groups():
    import dataclasses

    festival = load_festival(DEMO)
    s = festival.scores
    first = s["juror_id"].isin(["JR01", "JR02", "JR03", "JR04"])
    early = s["entry_id"] <= "GC-12"
    lane = s["lane"] == "generative_cinema"
    kept = s[~lane | (first & early) | (~first & ~early)].reset_index(drop=True)
    festival = dataclasses.replace(festival, scores=kept)
    parts = design_parts(festival)
    gc = parts[parts["lane"] == "generative_cinema"]
    assert sorted(gc["n_entries"]) == [12, 13] and sorted(gc["jurors"])[0] == "JR01;JR02;JR03;JR04"
    flags = [f for f in parts_flags(festival, parts) if f.lane == "generative_cinema"]
    assert [f.flag_id for f in flags] == ["design_disconnected:generative_cinema"]
    assert "{JR01, JR02, JR03, JR04}" in flags[0].message
