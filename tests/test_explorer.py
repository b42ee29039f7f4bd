"""The what-if explorer: views, what-ifs as decisions, undo, and the gate's own flags."""

from __future__ import annotations

import random
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from analytics import load_festival
from analytics.stats.agreement import krippendorff_alpha
from analytics.checks.agreement import scope_ratings
from analytics.apps.explorer import Explorer
from analytics.load.festival import read_decisions
from analytics.gate.decisions import run_gate
from analytics.checks.rankings import rankings

from .conftest import DEMO


@pytest.fixture(scope="module")
def demo():
    return load_festival(DEMO)


@pytest.fixture(scope="module")
def quick(demo):
    """The demo with the fewest resamples the configuration allows: the gate's mechanics, quickly."""
    return replace(demo, config=demo.config.with_checks(bootstrap_resamples=100))


@pytest.fixture
def explorer(demo):
    return Explorer(demo, n_boot=300)


def test_first_view_matches_the_full_rankings(demo, explorer):
    standings = explorer.standings()
    table = rankings(demo, n_boot=300, lanes=["generative_cinema"])
    assert standings["entry_id"].tolist() == table["entry_id"].tolist()
    assert standings["p_first"].tolist() == table["p_first"].tolist()  # the same resamples: the lane's own generator
    assert standings.iloc[0]["entry_id"] == "GC-06"


def test_leaving_a_juror_out_changes_what_it_should_and_undo_restores_it(demo, explorer):
    before = explorer.standings()
    explorer.exclude_juror("JR06")
    after = explorer.standings()
    assert after.iloc[0]["entry_id"] == "GC-19"  # GC-06's lead rests on JR06 (the planted near-tie)
    assert "JR06" not in explorer.jurors()
    without = scope_ratings(demo, "generative_cinema", "weighted_total")
    expected = krippendorff_alpha(without[without["juror_id"] != "JR06"]).estimate
    assert explorer.agreement()["alpha"] == pytest.approx(expected, abs=1e-12)
    explorer.undo()
    pd.testing.assert_frame_equal(explorer.standings(), before)


def test_excluding_the_conflicted_scores_clears_that_blocker(explorer):
    assert "conflict_scored:generative_cinema:JR02:GC-11" in set(explorer.blockers()["flag_id"])
    explorer.exclude_score("JR02", "GC-11")
    assert explorer.exclusions[-1].flag_id == "conflict_scored:generative_cinema:JR02:GC-11"
    assert "conflict_scored:generative_cinema:JR02:GC-11" not in set(explorer.blockers()["flag_id"])
    status = explorer.gate().set_index("flag_id")["status"]
    assert status["conflict_scored:generative_cinema:JR02:GC-11"] == "excluded"


def test_the_explorer_gate_agrees_with_the_full_gate(demo, explorer):
    full = run_gate(replace(demo, config=demo.config.with_checks(bootstrap_resamples=300))).flags
    lane = full[full["lane"] == "generative_cinema"].reset_index(drop=True)
    pd.testing.assert_frame_equal(explorer.gate(), lane)


def test_a_what_if_preview_leaves_out_only_the_intervals_no_flag_reads(quick):
    """The explorer's what-if runs the checks as a preview: its tables equal a full run's on the
    same data, but ordinal alpha's interval and an incomplete design's ICC interval (which no
    flag reads; the flags are compared in the random what-if test below) are left out."""
    from analytics.checks.agreement import PREVIEW_NO_INTERVAL
    from analytics.checks.registry import run_checks

    explorer = Explorer(quick)
    explorer.exclude_juror("JR06")
    after = explorer.gate_result().after
    assert after.shared.preview
    full = run_checks(after.festival, lanes=[explorer.lane])
    for name in full.tables:
        if name != "agreement":
            pd.testing.assert_frame_equal(after[name], full[name])
    ours, theirs = after["agreement"], full["agreement"]
    skipped = (ours["statistic"] == "alpha_ordinal") | ((ours["reason"] == PREVIEW_NO_INTERVAL)
                                                       & ours["statistic"].str.startswith("icc"))
    assert skipped.any() and (ours["reason"] == PREVIEW_NO_INTERVAL).any()
    assert ours.loc[skipped, ["ci_low", "ci_high"]].isna().all().all()
    assert theirs.loc[skipped, ["ci_low", "ci_high"]].notna().all().all()
    kept = ours.columns.drop(["ci_low", "ci_high", "reason"])
    pd.testing.assert_frame_equal(ours[kept], theirs[kept])
    pd.testing.assert_frame_equal(ours[~skipped], theirs[~skipped])


def test_a_score_what_if_answers_only_the_flag_on_exactly_that_score(tmp_path):
    """GC-1 and GC-11: excluding a score of GC-1 must not answer a flag on GC-11 (the old
    prefix match did), and the flag found is the one on that very juror and entry."""
    folder = tmp_path / "prefix"
    folder.mkdir()
    (folder / "festival.toml").write_text((DEMO / "festival.toml").read_text(encoding="utf-8"), encoding="utf-8")
    entries = pd.read_csv(DEMO / "entries.csv", dtype=str, keep_default_na=False)
    entries = entries.replace({"entry_id": {"GC-01": "GC-1"}})
    entries.to_csv(folder / "entries.csv", index=False)
    for name in ("jurors", "conflicts"):
        (folder / f"{name}.csv").write_text((DEMO / f"{name}.csv").read_text(encoding="utf-8"), encoding="utf-8")
    scores = pd.read_csv(DEMO / "scores.csv", dtype=str, keep_default_na=False).replace({"entry_id": {"GC-01": "GC-1"}})
    scores.to_csv(folder / "scores.csv", index=False)
    festival = load_festival(folder)
    explorer = Explorer(replace(festival, config=festival.config.with_checks(bootstrap_resamples=100)))
    explorer.exclude_score("JR02", "GC-1")  # JR02's conflict is with GC-11, not GC-1
    assert explorer.exclusions[-1].flag_id == ""
    assert "conflict_scored:generative_cinema:JR02:GC-11" in set(explorer.blockers()["flag_id"])
    explorer.exclude_score("JR02", "GC-11")
    assert explorer.exclusions[-1].flag_id == "conflict_scored:generative_cinema:JR02:GC-11"


def _random_what_ifs(explorer: Explorer, rng: random.Random, steps: int) -> None:
    """What a chair might click: leave a juror out, leave a (flagged or any) score out, undo."""
    for _ in range(steps):
        move = rng.random()
        if move < 0.15 and explorer.exclusions:
            explorer.undo()
            continue
        if move < 0.45:
            jurors = explorer.jurors()
            if len(jurors) > 2:
                explorer.exclude_juror(rng.choice(jurors))
            continue
        scores = explorer.current().scores
        flagged = explorer.before().flags
        flagged = flagged[(flagged["entity"] == "score") & (flagged["lane"] == explorer.lane)]
        taken = {e.flag_id for e in explorer.exclusions}
        flagged = flagged[~flagged["flag_id"].isin(taken)]
        if move < 0.75 and not flagged.empty:
            row = flagged.iloc[rng.randrange(len(flagged))]
            candidates = scores[(scores["juror_id"] == row["juror_id"]) & (scores["entry_id"] == row["entry_id"])]
            if not candidates.empty or row["criterion"]:
                explorer.exclude_score(row["juror_id"], row["entry_id"], row["criterion"] or None)
            continue
        lane_scores = scores[scores["lane"] == explorer.lane]
        pick = lane_scores.iloc[rng.randrange(len(lane_scores))]
        explorer.exclude_score(pick["juror_id"], pick["entry_id"], pick["criterion"] if rng.random() < 0.5 else None)


@pytest.mark.parametrize("seed", range(24))
def test_random_what_ifs_give_the_flags_of_the_gate_on_the_same_decisions(quick, seed, tmp_path):
    rng = random.Random(seed)
    explorer = Explorer(quick)
    explorer.set_view(lane=rng.choice(quick.config.lane_ids))
    _random_what_ifs(explorer, rng, rng.randint(1, 5))
    # the same decisions through the whole gate (every lane): the lane's rows are the explorer's
    full = run_gate(quick, explorer.decisions()).flags
    pd.testing.assert_frame_equal(explorer.gate(), full[full["lane"] == explorer.lane].reset_index(drop=True))
    # and, when every what-if answers a flag, through decisions.csv as jury check reads it
    rows = explorer.decision_rows(decided_by="chair")
    if not rows.empty and (rows["flag_id"] != "").all():
        path = tmp_path / "decisions.csv"
        rows.drop(columns="note").to_csv(path, index=False)
        checked = run_gate(quick, read_decisions(path)).flags
        pd.testing.assert_frame_equal(explorer.gate(), checked[checked["lane"] == explorer.lane].reset_index(drop=True))


def test_views_criterion_and_method(explorer):
    explorer.set_view(scope="ethics", method="median")
    standings = explorer.standings()
    ethics = scope_ratings(explorer.festival, "generative_cinema", "ethics")
    medians = ethics.groupby("entry_id")["score"].median()
    assert standings.set_index("entry_id")["score"].to_dict() == pytest.approx(medians.to_dict())
    with pytest.raises(ValueError, match="method must be one of"):
        explorer.set_view(method="best")
    with pytest.raises(ValueError, match="is not a juror of"):
        explorer.exclude_juror("J99")


def test_exclusions_become_decision_rows_answering_flags(explorer):
    explorer.exclude_juror("JR07")  # flagged as a straight-liner and out of line
    explorer.exclude_juror("JR05")  # no flag: cannot be recorded
    explorer.exclude_score("JR02", "GC-11")
    rows = explorer.decision_rows(decided_by="chair")
    assert rows["flag_id"].tolist() == ["juror_out_of_line:generative_cinema:JR07", "",
                                        "conflict_scored:generative_cinema:JR02:GC-11"]
    assert rows["action"].tolist() == ["exclude_juror", "exclude_juror", "exclude_score"]
    assert rows.loc[1, "note"].startswith("no flag to answer")


def test_the_explorer_shows_each_round_its_cut_and_a_what_if_reaches_later_rounds():
    from .test_rounds import ROUNDS

    festival = load_festival(ROUNDS)
    explorer = Explorer(replace(festival, config=festival.config.with_checks(bootstrap_resamples=200)))
    assert explorer.round == "final" and explorer.cut() is None  # the honour is decided in the last round
    explorer.set_view(round="stage1")
    first = explorer.standings()
    assert explorer.cut() == 12 and (first["advances"] == "yes").sum() == 13  # the planted tie at the cut
    assert first["p_advance"].between(0, 1).all()
    explorer.set_view(round="final")
    before = explorer.standings().set_index("entry_id")["score"]
    explorer.exclude_juror("JR01")
    after = explorer.standings().set_index("entry_id")["score"]
    assert not np.allclose(before, after.reindex(before.index))  # the final's results change with the what-if
    with pytest.raises(ValueError, match="round must be one of stage1, stage2, final"):
        explorer.set_view(round="semifinal")


def test_the_alpha_before_the_what_ifs_is_of_the_round_in_view():
    # without what-ifs "before" and "now" are the same data: alpha_before must equal alpha in every
    # round, also after the chair switches round (it showed the previous round's: issue 20)
    from .test_rounds import ROUNDS

    festival = load_festival(ROUNDS)
    explorer = Explorer(replace(festival, config=festival.config.with_checks(bootstrap_resamples=200)))
    seen = {}
    for rnd in ("final", "stage1", "stage2", "final"):
        explorer.set_view(round=rnd)
        shown = explorer.agreement()
        assert shown["alpha_before"] == pytest.approx(shown["alpha"], abs=1e-12), rnd
        seen[rnd] = shown["alpha"]
    assert len({round(a, 6) for a in seen.values()}) == 3  # three rounds, three alphas: the test can tell them apart
