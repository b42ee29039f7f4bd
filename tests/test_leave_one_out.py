"""Each juror left out, kept sparse (analytics.rules.leave_one_out), against the juries computed in full.

The reference is written here: every juror's jury as a row of multiplicities over all jurors
(:func:`analytics.rules.rounds.round_results`, a jurors × entries matrix), its ranks, first place
and who goes on taken row by row, on folders of every shape: the demo (everyone scores
everything), the three-round example (cuts, round weights), the one-score example, a small
federation (drop_extremes, per-event factors) and a small peer-review conference (one score
per reviewer), with scores taken away at random so that panels are incomplete.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from analytics.checks.shared import Shared
from analytics.load.festival import load_festival
from analytics.rules.leave_one_out import leave_one_out
from analytics.rules.rounds import going_on, ranks, round_results
from analytics.synthetic.examples import write_federation, write_review

from .conftest import DEMO, REPO

EXAMPLES = REPO / "data" / "examples"


def _without(festival, share: float, seed: int):
    """The festival with ``share`` of its (juror, entry) pairs' scores taken away."""
    if not share:
        return festival
    pairs = festival.scores[["entry_id", "juror_id"]].drop_duplicates().sample(frac=share, random_state=seed)
    gone = festival.scores.set_index(["entry_id", "juror_id"]).index.isin(pd.MultiIndex.from_frame(pairs))
    return dataclasses.replace(festival, scores=festival.scores[~gone].reset_index(drop=True))


def _full_range(juries: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    have = ~np.isnan(juries)
    r = np.where(have, ranks(juries), np.nan)
    known = have.any(axis=0)
    best = np.where(known, np.nanmin(np.where(have, r, np.inf), axis=0), np.nan)
    worst = np.where(known, np.nanmax(np.where(have, r, -np.inf), axis=0), np.nan)
    return best, worst


def _full_leader(row: np.ndarray, base: np.ndarray, leader: int) -> int:
    """Who takes the first place of ``leader`` in a jury: an entry that passes it (the best, the first
    among equals), else one that was behind it as the panel sat and comes level, else the leader."""
    value = np.where(np.isnan(row), -np.inf, row)
    mine = value[leader]
    level = np.where(np.isnan(base), -np.inf, base) == np.where(np.isnan(base), -np.inf, base)[leader]
    others = [i for i in range(len(row)) if i != leader]
    above = [i for i in others if value[i] > mine and np.isfinite(value[i])]
    if above:
        top = max(value[i] for i in above)
        return min(i for i in above if value[i] == top)
    joined = [i for i in others if not level[i] and value[i] == mine and np.isfinite(value[i])]
    if joined:
        return min(joined)
    return leader if np.isfinite(mine) else -1


def _cases(tmp_path_factory):
    folder = tmp_path_factory.mktemp("shapes")
    return [(DEMO, (0, 0.3, 0.6, 0.85)), (EXAMPLES / "one-score", (0, 0.3, 0.6)), (EXAMPLES / "rounds", (0,)),
            (write_federation(folder / "federation", panels=5), (0, 0.2)),
            (write_review(folder / "review", papers=150), (0, 0.3, 0.6))]


def test_each_juror_left_out_is_the_jury_computed_in_full(tmp_path_factory):
    checked = 0
    for folder, shares in _cases(tmp_path_factory):
        for seed, share in enumerate(shares):
            shared = Shared.of(_without(load_festival(folder), share, seed))
            for lane in shared.lanes:
                jurors = shared.lane_jurors(lane)
                if len(jurors) < 2:
                    continue
                panels, official, entries = shared.panels(lane), shared.official(lane), shared.round_entries(lane)
                eye = np.ones((len(jurors), len(jurors))) - np.eye(len(jurors))
                full = round_results(shared.config, lane, panels, entries, eye, jurors, keep=False)
                sparse = leave_one_out(shared.config, lane, panels, official, jurors)
                for rnd in shared.config.round_ids:
                    if not len(entries[rnd]):
                        continue
                    juries = np.round(full.results[rnd], 9)
                    laid = np.tile(sparse.base[rnd], (len(jurors), 1))
                    laid[sparse.juror[rnd], sparse.entry[rnd]] = sparse.value[rnd]
                    np.testing.assert_allclose(laid, juries, rtol=0, atol=1e-9, equal_nan=True)
                    best, worst = sparse.rank_range(rnd)
                    np.testing.assert_array_equal(np.c_[best, worst], np.c_[_full_range(juries)])
                    base = sparse.base[rnd]
                    leader = int(np.nanargmax(base)) if np.isfinite(base).any() else -1
                    if leader >= 0:
                        expected = [_full_leader(row, base, leader) for row in juries]
                        assert sparse.leaders(rnd, leader)[0].tolist() == expected, (folder.name, lane, rnd)
                    cut = shared.config.round(rnd).advance if shared.config.round(rnd) is not None else None
                    for advance in {a for a in (cut, 1, 2, 3, 5) if a}:
                        before = going_on(base[None, :], advance)[0]
                        after = going_on(juries, advance)
                        moves = sparse.going_on(rnd, advance)
                        assert set(moves) == set(np.flatnonzero((after != before).any(axis=1)))
                        for code, (joined, left) in moves.items():
                            assert joined.tolist() == np.flatnonzero(after[code] & ~before).tolist()
                            assert left.tolist() == np.flatnonzero(~after[code] & before).tolist()
                    checked += 1
    assert checked >= 20


@pytest.mark.parametrize("papers", [40, 400])
def test_a_paper_keeps_its_scores_in_every_resample_when_each_reviewer_scores_one(tmp_path, papers):
    """One score per reviewer: each paper's own reviews are resampled (design section 18), so every
    paper is ranked in every resample and its rank interval is that of its own reviews."""
    from analytics.checks.rankings import rankings

    table = rankings(load_festival(write_review(tmp_path / "review", papers=papers)), n_boot=200)
    assert table["rank_low"].notna().all() and table["rank_high"].notna().all()
    assert np.isclose(table["p_first"].sum(), 1.0)  # every resample has a first place, shared ones as shares
    # the best papers are not sent to the bottom by a resample without their reviewers
    top = table.sort_values("rank").head(3)
    assert (top["rank_high"] < papers / 2).all(), top
