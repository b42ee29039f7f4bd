"""What several checks share (analytics.checks.shared): answers from the run's codes equal the
plain computation on the ids."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analytics import load_festival
from analytics.checks.pairs import one_entry_each
from analytics.checks.shared import Shared
from analytics.synthetic.examples import write_review

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="module")
def review(tmp_path_factory) -> Path:
    """A peer review's shape: each reviewer scores one paper."""
    return write_review(tmp_path_factory.mktemp("review"), papers=60)


@pytest.mark.parametrize("folder", ["demo", "review", "examples/one-score", "examples/rounds"])
def test_one_entry_each_from_the_codes_is_the_answer_on_the_ids(folder, review):
    shared = Shared(load_festival(review if folder == "review" else DATA / folder))
    answers = []
    for lane, rnd in shared.stages:
        for scope in shared.scopes(lane):
            answers.append(shared.one_entry_each(lane, scope, rnd))
            assert answers[-1] == one_entry_each(shared.ratings(lane, scope, rnd)), (lane, scope, rnd)
    assert all(answers) if folder == "review" else not any(answers)


def test_a_juror_with_two_entries_in_one_round_is_not_one_entry_each(review):
    shared = Shared(load_festival(review))
    lane = next(lane for lane, rnd in shared.stages if shared.one_entry_each(lane, "weighted_total", rnd))
    scores = shared.festival.scores
    mine = scores[scores["lane"] == lane]
    juror = mine["juror_id"].iloc[0]
    other = mine.loc[mine["entry_id"] != mine["entry_id"].iloc[0]].iloc[[0]].assign(juror_id=juror)
    twice = shared.festival.__class__(**{**shared.festival.__dict__, "scores": pd.concat([scores, other], ignore_index=True)})
    again = Shared(twice)
    assert not again.one_entry_each(lane, other["criterion"].iloc[0], other["round"].iloc[0])
