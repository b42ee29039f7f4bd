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
