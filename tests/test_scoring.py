"""Weighted totals: the criteria weights of festival.toml within each juror."""

from __future__ import annotations

import pytest

from analytics import load_festival
from analytics.rules.scoring import weighted_totals

from .conftest import replace


def test_weighted_total_by_hand(mini):
    totals = weighted_totals(load_festival(mini)).set_index(["entry_id", "juror_id"])["score"]
    # scores.csv: GC-1 by A1 = story 7.5, craft 8, ethics 8.5; weights 0.5, 0.3, 0.2
    assert totals[("GC-1", "A1")] == pytest.approx(0.5 * 7.5 + 0.3 * 8 + 0.2 * 8.5, abs=1e-12)
    assert len(totals) == 7  # 4 entries × 2 jurors, less the declared conflict A2 × GC-2


def test_a_juror_missing_a_criterion_has_no_total(mini):
    replace(mini / "scores.csv", "GC-1,A1,craft,8\n", "")
    totals = weighted_totals(load_festival(mini))
    assert ("GC-1", "A1") not in set(zip(totals["entry_id"], totals["juror_id"]))
