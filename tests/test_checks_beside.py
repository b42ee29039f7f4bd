"""The rankings computed beside the other checks, in a forked process on another processor (a run
of at least ``BESIDE_MIN_SCORES`` scores): the same tables and flags as computed in the run's own
process, an error raised there reaches the caller, and a process that gives nothing back is made
up for. Forced here on small festivals by lowering the bar."""

from __future__ import annotations

import os

import pandas as pd
import pytest

from analytics import load_festival
from analytics.checks import registry
from analytics.checks.family import CheckFamily
from analytics.checks.rankings import FAMILY as RANKINGS

from .conftest import DEMO

pytestmark = pytest.mark.skipif(not hasattr(os, "fork") or len(os.sched_getaffinity(0)) < 2,
                                reason="the rankings are computed beside the others only where the system can fork, "
                                       "on two processors or more")


@pytest.fixture(scope="module")
def demo():
    festival = load_festival(DEMO)
    return festival.__class__(**{**festival.__dict__, "config": festival.config.with_checks(bootstrap_resamples=200)})


def test_the_rankings_computed_beside_are_those_computed_here(demo, monkeypatch):
    here = registry.run_checks(demo)
    monkeypatch.setattr(registry, "BESIDE_MIN_SCORES", 0)
    beside = registry.run_checks(demo)
    assert set(beside.tables) == set(here.tables)
    for name in here.tables:
        pd.testing.assert_frame_equal(beside[name], here[name], check_exact=True, obj=name)
    pd.testing.assert_frame_equal(beside.flags, here.flags, check_exact=True)


def _with_rankings(table) -> tuple[CheckFamily, ...]:
    fake = CheckFamily(RANKINGS.name, table, RANKINGS.flags, RANKINGS.kinds, RANKINGS.configured)
    return tuple(fake if family.name == RANKINGS.name else family for family in registry.REGISTRY)


def test_an_error_of_the_check_beside_reaches_the_caller(demo, monkeypatch):
    monkeypatch.setattr(registry, "BESIDE_MIN_SCORES", 0)

    def broken(shared):
        raise ValueError("the rankings failed")

    with pytest.raises(ValueError, match="^the rankings failed$"):
        registry.run_checks(demo, registry=_with_rankings(broken))


def test_a_process_that_gives_nothing_back_is_made_up_for_here(demo, monkeypatch):
    monkeypatch.setattr(registry, "BESIDE_MIN_SCORES", 0)
    parent = os.getpid()

    def vanishing(shared):
        if os.getpid() != parent:  # the forked process ends without a word (as one killed for memory would)
            os._exit(9)
        return RANKINGS.table(shared)

    made_up = registry.run_checks(demo, registry=_with_rankings(vanishing))
    pd.testing.assert_frame_equal(made_up["rankings"], registry.run_checks(demo)["rankings"], check_exact=True)


def test_the_run_stays_in_one_process_without_the_memory_to_fork_or_with_jury_jobs_1(demo, monkeypatch):
    monkeypatch.setattr(registry, "BESIDE_MIN_SCORES", 0)
    forks = []
    monkeypatch.setattr(registry, "_beside", lambda check, shared: forks.append(check.name))
    monkeypatch.setattr(registry, "_memory", lambda: (10_000, 15_000))  # 1.5 times what the run holds
    registry.run_checks(demo)
    monkeypatch.setattr(registry, "_memory", lambda: None)  # a system that does not say
    registry.run_checks(demo)
    monkeypatch.setattr(registry, "_memory", lambda: (10_000, 10**9))
    monkeypatch.setenv("JURY_JOBS", "1")  # one process asked for
    registry.run_checks(demo)
    assert forks == []
    assert registry._memory() is None or registry._memory()[0] > 0
