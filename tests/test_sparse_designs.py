"""Designs in which each juror scores one entry (a conference's reviews, each by its own
reviewer): what applies and what says it does not (design section 18)."""

from __future__ import annotations

import numpy as np

from analytics.checks.agreement import ONE_EACH_NO_ICC, agreement_table
from analytics.load.festival import load_festival
from analytics.present.summary import summary_text
from analytics.synthetic.examples import write_review


def test_the_two_way_icc_says_it_does_not_apply_and_alpha_is_computed(tmp_path):
    table = agreement_table(load_festival(write_review(tmp_path / "review", papers=120)), n_boot=50)
    icc = table[table["statistic"].isin(["icc_a1", "icc_ak"])]
    assert len(icc) == 2 and icc["estimate"].isna().all() and (icc["reason"] == ONE_EACH_NO_ICC).all()
    alpha = table[table["statistic"] == "alpha_interval"].iloc[0]
    assert np.isfinite(alpha["estimate"]) and alpha["reason"] == ""


def test_the_summary_says_what_the_bootstrap_resamples(tmp_path):
    from analytics.gate.decisions import run_gate

    text = summary_text(run_gate(load_festival(write_review(tmp_path / "review", papers=60))))
    assert "each juror scored one entry, so each entry's own jurors are resampled" in text


def test_severity_says_it_does_not_apply_and_raises_no_flag(tmp_path):
    from analytics.checks.severity import ONE_EACH_NO_SEVERITY, juror_severity, severity_flags

    festival = load_festival(write_review(tmp_path / "review", papers=80))
    table = juror_severity(festival)
    assert len(table) == len(festival.scores) and table["severity"].isna().all()
    assert (table["reason"] == ONE_EACH_NO_SEVERITY).all() and (table["n_scores"] == 1).all()
    assert severity_flags(festival, table) == []


def test_the_report_of_a_review_conference_says_what_does_not_apply(tmp_path, capfd):
    """A peer-review conference's report: written, nothing on standard error but progress, the
    juror statistics replaced by the reason (not one row or chart bar per reviewer), no flag
    sentence longer than a spreadsheet cell."""
    import pandas as pd
    import pytest

    from analytics.apps.cli import main
    from analytics.checks.severity import ONE_EACH_NO_SEVERITY

    pytest.importorskip("nbconvert")
    folder = write_review(tmp_path / "review", papers=300)
    out = tmp_path / "out"
    assert main(["report", str(folder), "--out", str(out), "--no-pdf", "--draft", "--quiet"]) == 0
    assert capfd.readouterr().err == ""
    chair = (out / "chair.html").read_text(encoding="utf-8")
    assert "Main track: juror statistics " + ONE_EACH_NO_SEVERITY.replace("'", "&#39;") in chair
    assert "RP00001-1" not in chair.split("Juror statistics (after the decisions)")[-1]
    flags = pd.read_csv(out / "confidential" / "flags.csv", dtype=str, keep_default_na=False)
    assert flags["message"].str.len().max() < 32_767
    assert "design_disconnected" not in set(flags["check"])  # a part per paper is the design, not a fault


def test_the_summary_lists_the_first_warnings_and_counts_the_rest_by_kind(monkeypatch):
    """A conference can raise tens of thousands of warnings: the summary lists the first ones in full
    and counts the rest per kind (flags.csv holds every one)."""
    from analytics.gate.decisions import run_gate
    from analytics.present import summary

    from .conftest import DEMO

    gate = run_gate(load_festival(DEMO))
    live = gate.flags[gate.flags["status"].isin(["open", "accepted"]) & (gate.flags["severity"] == "warning")]
    assert len(live) > 2
    monkeypatch.setattr(summary, "SHOWN_WARNINGS", 2)
    text = summary.summary_text(gate)
    listed = text.split(f"  warnings ({len(live)}):\n")[1].splitlines()
    assert listed[:2] == [f"    {m}" for m in live["message"].head(2)]
    rest = live["check"].iloc[2:].value_counts()
    assert listed[2] == (f"    … and {len(live) - 2:,} more ("
                         + ", ".join(f"{n:,} {check}" for check, n in rest.items()) + "): see flags.csv with --out")
