"""Agreement on a festival: the tidy table, leave-one-out, factions, flags and the reading, on the demo."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analytics import load_festival
from analytics.stats.agreement import krippendorff_alpha
from analytics.checks.agreement import (
    BETWEEN_FACTIONS,
    STATISTICS,
    TABLE_COLUMNS,
    agreement_flags,
    agreement_reading,
    agreement_table,
    alpha_if_removed,
    faction_agreement,
    scope_ratings,
)

from .conftest import DEMO


@pytest.fixture(scope="module")
def demo():
    return load_festival(DEMO)


@pytest.fixture(scope="module")
def table(demo):
    return agreement_table(demo, n_boot=200)


def test_table_covers_every_lane_scope_and_statistic(demo, table):
    assert list(table.columns) == TABLE_COLUMNS
    assert len(table) == 4 * 7 * len(STATISTICS)
    assert table[table["statistic"] == "alpha_interval"]["ci_low"].notna().all()
    inside = table.dropna(subset=["ci_low"])
    assert ((inside["ci_low"] <= inside["estimate"] + 1e-12) & (inside["estimate"] <= inside["ci_high"] + 1e-12)).all()


def test_table_is_reproducible_from_the_configured_seed(demo, table):
    again = agreement_table(demo, n_boot=200)
    pd.testing.assert_frame_equal(table, again)
    other = agreement_table(demo, n_boot=200, random_state=demo.config.checks.seed + 1)
    assert not np.allclose(other["ci_low"].fillna(0), table["ci_low"].fillna(0))


def test_table_alpha_is_the_statistic_on_the_scope(demo, table):
    ethics = scope_ratings(demo, "generative_cinema", "ethics")
    row = table[(table["lane"] == "generative_cinema") & (table["scope"] == "ethics") & (table["statistic"] == "alpha_interval")]
    assert row["estimate"].item() == krippendorff_alpha(ethics).estimate
    assert row["n_ratings"].item() == 223  # one ethics score is planted missing


def test_planted_jurors_are_the_ones_that_pull_agreement_down(demo):
    removed = alpha_if_removed(demo, lanes=["generative_cinema"])
    total = removed[removed["scope"] == "weighted_total"].set_index("juror_id")["change"]
    planted = ["JR01", "JR04", "JR07"]  # the harsh and the lenient juror, and the straight-liner
    assert set(total.nlargest(3).index) == set(planted)
    assert (total.drop(planted) < 0).all()


def test_low_agreement_flags_match_the_planted_consequence(demo, table):
    flags = agreement_flags(demo, table)
    gc = {f.criterion or f.item for f in flags if f.lane == "generative_cinema"}
    assert gc == {*demo.config.criterion_ids, "weighted_total"}
    total = next(f for f in flags if f.item == "weighted_total")  # the weighted total is no criterion
    assert total.criterion == "" and total.flag_id == "agreement_low:generative_cinema:weighted_total"
    assert {f.severity for f in flags} == {"warning"} and all(f.check == "agreement_low" for f in flags)
    assert all(f.value < f.threshold == 0.667 for f in flags)


def test_factions_within_and_between(demo):
    factions = faction_agreement(demo, n_boot=100)
    gc = factions[(factions["lane"] == "generative_cinema") & (factions["scope"] == "weighted_total")].set_index("group")
    assert set(gc.index) == {"art", "technology", "ethics", "community", BETWEEN_FACTIONS}
    assert gc.loc[BETWEEN_FACTIONS, "n_raters"] == 4
    assert gc.loc["ethics", "estimate"] < 0  # JR06 with the straight-liner JR07


def test_reading_names_the_lane_the_bar_and_the_jurors(demo, table):
    text = agreement_reading(demo, table, alpha_if_removed(demo))
    first = text.splitlines()[0]
    assert first.startswith("- **Generative Cinema**: on the weighted total, alpha is 0.52 (unreliable")  # the demo as planted
    assert "6 of 6 criteria fall below it" in first and "JR07 (+0.10), JR04 (+0.08), JR01 (+0.06)" in first
    assert "Every criterion clears the bar" in text


def test_unknown_scope_is_refused(demo):
    with pytest.raises(ValueError, match="scope must be a criterion"):
        scope_ratings(demo, "generative_cinema", "beauty")
