"""The check registry: one shape, configured families only, shared intermediates once, lanes alone = lanes together."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest

from analytics import load_festival
from analytics.checks import shared
from analytics.checks.family import CheckFamily
from analytics.checks.flags import FlagKind, make_flag
from analytics.checks.registry import REGISTRY, flag_kinds, juror_kinds, output_names, public_names, run_checks

from .conftest import DEMO


@pytest.fixture(scope="module")
def demo():
    festival = load_festival(DEMO)
    return replace(festival, config=festival.config.with_checks(bootstrap_resamples=200))


@pytest.fixture(scope="module")
def result(demo):
    return run_checks(demo)


def test_every_family_has_the_same_two_calls(demo, result):
    assert [c.name for c in REGISTRY if c.configured(demo.config)] == list(result.tables)
    assert "round_correlations" not in result  # configured by [[rounds]], which the demo does not declare
    assert "affiliation" in result  # configured by [jury] affiliations, which the demo declares
    for check in REGISTRY:  # the table from a Festival (a notebook's call) equals the one the run shared
        if check.name in ("agreement", "rankings", "score_effects", "round_correlations", "affiliation"):
            continue  # resampled: covered by test_a_lane_alone_gives_the_numbers_of_the_whole_run
        pd.testing.assert_frame_equal(check.table(demo), result[check.name], check_dtype=False)
    assert set(result.flags["check"]) >= {"conflict_scored", "ai_share_below_band", "agreement_low", "juror_severity",
                                          "straight_lining", "score_outlier", "first_place_tie"}


def test_a_family_that_is_not_configured_is_not_run(demo):
    calls = []

    def table(data, *, lanes=None):
        calls.append("table")
        return pd.DataFrame({"lane": ["generative_cinema"]})

    made_up = FlagKind("made_up", "blocker")

    def flags(data, table):
        return [made_up.flag("generative_cinema", "should not appear")]

    registry = (*REGISTRY[:1], CheckFamily("made_up", table, flags, kinds=(made_up,),
                                           configured=lambda config: config.aggregation.jurors == "median"))
    result = run_checks(demo, registry=registry)
    assert calls == [] and "made_up" not in result and "made_up" not in set(result.flags["check"])
    festival = replace(demo, config=demo.config.model_copy(update={"aggregation": demo.config.aggregation.model_copy(
        update={"jurors": "median"})}))
    assert "made_up" in run_checks(festival, registry=registry) and calls == ["table"]


def test_shared_intermediates_are_computed_once_per_run(demo, monkeypatch):
    counts = {"totals": 0, "fits": {}}
    real_totals, real_fit = shared.weighted_totals, shared.LaneFit.of

    def counted_totals(festival):
        counts["totals"] += 1
        return real_totals(festival)

    def counted_fit(data):
        key = id(data)  # the run's cached ratings of one lane and scope
        counts["fits"][key] = counts["fits"].get(key, 0) + 1
        return real_fit(data)

    monkeypatch.setattr(shared, "weighted_totals", counted_totals)
    monkeypatch.setattr(shared.LaneFit, "of", staticmethod(counted_fit))
    run_checks(demo)
    assert counts["totals"] == 1  # agreement, jurors, outliers, rankings and effects share one
    assert counts["fits"] and set(counts["fits"].values()) == {1}  # severity and residuals share each lane's fit


def test_a_lane_alone_gives_the_numbers_of_the_whole_run(demo, result):
    for lane in demo.config.lane_ids:
        alone = run_checks(demo, lanes=[lane])
        pd.testing.assert_frame_equal(alone.flags, result.flags[result.flags["lane"] == lane].reset_index(drop=True))
        for name, table in alone.tables.items():
            if "lane" in table:
                whole = result[name][result[name]["lane"] == lane].reset_index(drop=True)
                pd.testing.assert_frame_equal(table.reset_index(drop=True), whole, check_dtype=False)


def test_unknown_lanes_are_refused(demo):
    with pytest.raises(ValueError, match="lanes must be lane ids of festival.toml"):
        run_checks(demo, lanes=["no_such_lane"])


def test_a_family_declares_every_kind_of_flag_it_raises(demo, result):
    kinds = flag_kinds()
    assert set(result.flags["check"]) <= set(kinds)
    # the severity a flag carries is its kind's, except for the entry rules, whose severity the
    # configuration sets (a blocker out of competition is a warning; a "preferred" rule informs)
    rules = {kind.name for kind in next(c for c in REGISTRY if c.name == "eligibility").kinds}
    for row in result.flags[~result.flags["check"].isin(rules)].itertuples():
        assert row.severity == kinds[row.check].severity, row.flag_id
    names = [kind.name for check in REGISTRY for kind in check.kinds]
    assert len(names) == len(set(names))  # a kind belongs to one family


def test_a_flag_of_a_kind_its_family_does_not_declare_is_a_bug(demo):
    def flags(data, table):
        return [make_flag("undeclared", "warning", "generative_cinema", "...")]

    registry = (CheckFamily("made_up", lambda data, *, lanes=None: pd.DataFrame(), flags),)
    with pytest.raises(ValueError, match="made_up raised flags of kinds it does not declare: undeclared"):
        run_checks(demo, registry=registry)


def test_what_lists_checks_reads_the_registry():
    assert output_names() == [c.name for c in REGISTRY if c.output]
    assert set(public_names()) == {"eligibility", "score_effects", "agreement", "rankings"}
    assert set(juror_kinds()) >= {"juror_severity", "straight_lining", "halo", "score_outlier", "affiliation_bias",
                                  "score_drift", "conflict_scored", "score_missing"}
    assert not set(juror_kinds()) & {"first_place_tie", "agreement_low", "ai_share_below_band"}


def test_one_module_per_family():
    modules = [c.table.__module__ for c in REGISTRY]
    assert len(modules) == len(set(modules))
    assert all(m.startswith("analytics.checks.") for m in modules)
