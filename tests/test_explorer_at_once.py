"""A what-if shown at once (issue 21, item 3): only what it touches is computed again, and every
number it shows is the one the gate gives once the lane is checked again.

The reference is the gate itself (:func:`analytics.gate.decisions.run_gate`, what ``jury check``
runs on a ``decisions.csv``), on festivals of several shapes: the demo (every juror scores every
entry), the rounds example (a cut, rounds weighted together), the one-score example (a
conference's reviews, each by its own reviewer) and a small sparse conference (four jurors of a
panel of 30 per entry).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analytics import load_festival
from analytics.apps.explorer import Explorer
from analytics.checks import rankings as rankings_module
from analytics.checks.rankings import RANKING_COLUMNS, rankings, rankings_without
from analytics.checks.shared import Shared
from analytics.rules.stages import with_stages
from analytics.stats.agreement import krippendorff_alpha
from analytics.synthetic.demo import write_conference

from .conftest import DEMO

EXAMPLES = Path(__file__).resolve().parents[1] / "data" / "examples"
RESAMPLED = ["p_first", "p_top3", "p_advance", "rank_low", "rank_high", "gap_low", "gap_high"]
AT_ONCE = [c for c in RANKING_COLUMNS if c not in RESAMPLED]


@pytest.fixture(scope="module")
def sparse(tmp_path_factory) -> Path:
    """600 entries in four lanes, each scored by 4 jurors of its lane's panel (150 jurors in all)."""
    return write_conference(tmp_path_factory.mktemp("sparse"), 7, n_entries=600, n_jurors=150, jurors_per_entry=4)


def _festival(name: str, sparse: Path):
    return with_stages(load_festival({"demo": DEMO, "rounds": EXAMPLES / "rounds", "one-score": EXAMPLES / "one-score",
                                      "sparse": sparse}[name]))


def _cases(festival, lane: str) -> dict[str, np.ndarray]:
    """Masks over the lane's scores: what the explorer's what-ifs leave out."""
    s = Shared(festival, [lane]).lane_scores(lane)
    juror, entry, criterion = (s[c].to_numpy() for c in ("juror_id", "entry_id", "criterion"))
    jurors = sorted(set(juror))
    return {"one juror": juror == jurors[1],
            "two jurors": np.isin(juror, jurors[2:4]),
            "a juror's scores of one entry": (juror == juror[5]) & (entry == entry[5]),
            "one score": (juror == juror[7]) & (entry == entry[7]) & (criterion == criterion[7])}


@pytest.mark.parametrize("name", ["demo", "rounds", "one-score", "sparse"])
def test_the_standings_without_some_scores_are_the_rankings_of_the_festival_without_them(name, sparse):
    festival = _festival(name, sparse)
    lane = festival.config.lane_ids[0]
    shared = Shared(festival, [lane])
    for scope in ("weighted_total", festival.config.lane_criteria(lane)[0]):
        for case, mask in _cases(festival, lane).items():
            quick = rankings_without(shared, lane, mask, scope=scope)
            gone = shared.lane_scores(lane).index[mask]
            without = festival.__class__(**{**festival.__dict__, "scores": festival.scores.drop(gone).reset_index(drop=True)})
            full = rankings(without, lanes=[lane], scope=scope, n_boot=100)
            # every column but the resampled juries', to the decimals results are compared to
            pd.testing.assert_frame_equal(quick[AT_ONCE].reset_index(drop=True), full[AT_ONCE].reset_index(drop=True),
                                          check_exact=False, rtol=0, atol=1e-9, obj=f"{name}, {scope}, {case}")
            assert quick[RESAMPLED].isna().all().all()


def test_only_the_touched_entries_are_computed_again(sparse, monkeypatch):
    festival = _festival("sparse", sparse)
    lane = festival.config.lane_ids[0]
    shared = Shared(festival, [lane])
    scores = shared.lane_scores(lane)
    juror = min(scores["juror_id"].unique())
    mine = set(scores.loc[scores["juror_id"] == juror, "entry_id"])
    rankings_module._lane(shared, lane, "weighted_total")  # the lane as loaded, computed once (the explorer's first view)
    seen = []
    real = rankings_module._spliced
    monkeypatch.setattr(rankings_module, "_spliced",
                        lambda before, part, jurors: seen.append(part.official.entries) or real(before, part, jurors))
    rankings_without(shared, lane, (scores["juror_id"] == juror).to_numpy())
    (entries,) = seen
    assert set().union(*map(set, entries.values())) == mine  # the juror's entries, not the lane's
    assert len(mine) < len(shared.round_entries(lane)[""]) / 5


@pytest.mark.parametrize("name", ["demo", "rounds", "sparse"])
def test_a_what_if_shows_the_gates_numbers_before_and_after_the_lane_is_checked_again(name, sparse):
    festival = _festival(name, sparse)
    explorer = Explorer(festival, n_boot=100)
    explorer.set_view(round=festival.config.round_ids[-1])
    first = explorer.standings()
    assert first["p_first"].notna().all()  # the first view is the checks' own, resampled juries included
    jurors = explorer.jurors()
    explorer.exclude_juror(jurors[1])
    explorer.exclude_score(jurors[2], explorer.ratings().query("juror_id == @jurors[2]")["entry_id"].iloc[0])
    now, alpha = explorer.standings(), explorer.agreement()["alpha"]
    assert not explorer.settled and now["p_first"].isna().all()  # the whole lane is not checked again yet
    assert jurors[1] not in explorer.jurors()
    explorer.settle()
    assert explorer.settled
    settled = explorer.standings()
    gate = explorer.gate_result().after
    table = gate["rankings"]
    table = table[table["round"] == explorer.round]
    assert settled["p_first"].tolist() == table.sort_values(["rank", "entry_id"])["p_first"].tolist()
    columns = [c for c in now.columns if c not in RESAMPLED]
    pd.testing.assert_frame_equal(now[columns], settled[columns], check_exact=False, rtol=0, atol=1e-9)
    expected = krippendorff_alpha(gate.shared.ratings(explorer.lane, "weighted_total", explorer.round)).estimate
    assert alpha == pytest.approx(expected, abs=1e-12)
    assert explorer.jurors() == sorted(gate.shared.lane_scores(explorer.lane)["juror_id"].unique())


def test_a_criterion_in_view_settles_with_its_own_resampled_juries():
    explorer = Explorer(load_festival(DEMO), n_boot=100)
    explorer.set_view(scope="conducting")
    explorer.exclude_juror("JR06")
    assert explorer.standings()["p_first"].isna().all()
    explorer.settle()
    expected = rankings(explorer.current(), lanes=[explorer.lane], scope="conducting", n_boot=100)
    assert explorer.standings()["p_first"].sum() == pytest.approx(1.0)
    assert sorted(explorer.standings()["p_first"]) == sorted(expected["p_first"])


def test_the_app_on_a_large_lane_shows_its_first_rows_and_a_chart_of_bounded_size(sparse, tmp_path):
    """240 entries and 60 jurors in the lane: the tables show their first rows and count the rest,
    the linked chart the first entries of the standings and the jurors who scored most of them."""
    from analytics.apps import explorer_app
    from analytics.apps.explorer_app import ExplorerApp, linked_chart

    app = ExplorerApp(load_festival(sparse), n_boot=100, decisions_path=tmp_path / "decisions.csv")
    app.juror.value = app.juror.options[0]
    app.leave_juror.click()
    assert app.explorer.settled and "checking" not in app.status.value
    lane = app.explorer.standings()
    spec = linked_chart(app.explorer).to_dict()
    data = {name: rows for name, rows in spec["datasets"].items()}
    sizes = sorted(len(rows) for rows in data.values())
    assert len(lane) > explorer_app.CHART_ENTRIES and sizes[-1] <= explorer_app.CHART_ENTRIES * explorer_app.CHART_JURORS
    assert any(len(rows) == explorer_app.CHART_ENTRIES for rows in data.values())  # the standings' first 40
    assert f"(the first {explorer_app.CHART_ENTRIES} of {len(lane):,})" in str(spec)
    page = explorer_app.standings_html(lane, app.explorer.festival.config.scale, limit=explorer_app.SHOWN_ROWS)
    assert page.count("<tr") == explorer_app.SHOWN_ROWS + 1 and f"The first 100 of {len(lane):,} entries are shown" in page
