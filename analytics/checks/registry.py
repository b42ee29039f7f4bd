"""The checks: one registry, one shape, one run.

:data:`REGISTRY` lists every check family (:class:`~analytics.checks.family.CheckFamily`,
one module of ``analytics/checks`` each) in the order they run; :func:`run_checks` walks it.
Everything that lists checks reads it: the tables ``jury check --out`` writes
(:func:`output_names`), the public tables (:func:`public_names`), the flags about a juror's own
scoring that their feedback page repeats (:func:`juror_kinds`), the report's sections, the tests.
Adding a check is one module, one line here and one template.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from functools import cached_property
from multiprocessing import get_context

import pandas as pd

from analytics.base.processes import forking
from analytics.base.progress import Reporter, silent
from analytics.checks import (
    affiliation,
    agreement,
    assessed,
    behaviour,
    collusion,
    coverage,
    design_parts,
    disagreement,
    drift,
    eligibility,
    entry_scores,
    rasch,
    rankings,
    residuals,
    round_correlations,
    score_effects,
    severity,
)
from analytics.checks.family import CheckFamily
from analytics.checks.flags import Flag, FlagKind, flags_frame
from analytics.checks.shared import Shared
from analytics.load.festival import Festival

REGISTRY: tuple[CheckFamily, ...] = (
    coverage.FAMILY,
    eligibility.FAMILY,
    assessed.FAMILY,
    score_effects.FAMILY,
    agreement.FAMILY,
    severity.FAMILY,
    rasch.FAMILY,
    behaviour.FAMILY,
    design_parts.FAMILY,
    residuals.FAMILY,
    disagreement.FAMILY,
    affiliation.FAMILY,
    collusion.FAMILY,
    drift.FAMILY,
    rankings.FAMILY,
    entry_scores.FAMILY,
    round_correlations.FAMILY,
)


def family(name: str, registry: Sequence[CheckFamily] = REGISTRY) -> CheckFamily:
    """The family called ``name``; a KeyError naming the families otherwise."""
    for check in registry:
        if check.name == name:
            return check
    raise KeyError(f"no check {name!r}; the checks are {', '.join(c.name for c in registry)}")


def flag_kinds(registry: Sequence[CheckFamily] = REGISTRY) -> dict[str, FlagKind]:
    """Every flag kind the families raise, by name (a kind belongs to one family)."""
    return {kind.name: kind for check in registry for kind in check.kinds}


def juror_kinds(registry: Sequence[CheckFamily] = REGISTRY) -> tuple[str, ...]:
    """The flag kinds about a juror's own scoring: what their feedback page repeats."""
    return tuple(name for name, kind in flag_kinds(registry).items() if kind.about_juror)


def output_names(registry: Sequence[CheckFamily] = REGISTRY) -> list[str]:
    """The check tables ``jury check --out`` writes."""
    return [check.name for check in registry if check.output]


def public_names(registry: Sequence[CheckFamily] = REGISTRY) -> list[str]:
    """The check tables that may be handed out with the public report."""
    return [check.name for check in registry if check.public]


@dataclass(frozen=True)
class CheckResult:
    """Every configured check's table for one festival (``result["rankings"]``), and all
    their flags in one table."""

    shared: Shared
    tables: Mapping[str, pd.DataFrame]
    flags: pd.DataFrame

    @property
    def festival(self) -> Festival:
        return self.shared.festival

    def __getitem__(self, name: str) -> pd.DataFrame:
        """The table of ``name``; of a family the festival does not configure but whose columns are
        declared (one that needs a score scale, on a rank scale), an empty table of those columns."""
        if name not in self.tables and family(name).columns:
            return pd.DataFrame(columns=list(family(name).columns))
        return self.tables[name]

    def __contains__(self, name: str) -> bool:
        return name in self.tables

    def companions(self, name: str) -> dict[str, pd.DataFrame]:
        """The companion tables of the check ``name`` (:attr:`analytics.checks.family.CheckFamily.companions`),
        of this run's data: none where the check has none or the festival does not configure it."""
        check = family(name)
        if check.companions is None or name not in self.tables:
            return {}
        return check.companions(self.shared)

    def table_of(self, name: str) -> pd.DataFrame:
        """The table of the check ``name`` of :data:`REGISTRY`: this run's, or (for a check
        the festival does not configure, which the run skipped) computed now on the same data."""
        if name in self.tables:
            return self.tables[name]
        return family(name).table(self.shared)

    @cached_property
    def lane_summary(self) -> pd.DataFrame:
        """Per lane: entries, jurors, scores, and what is missing (:func:`analytics.checks.coverage.lane_summary`)."""
        return coverage.lane_summary(self.shared)

    @cached_property
    def missing_scores(self) -> pd.DataFrame:
        """Every expected score that is absent (:func:`analytics.checks.coverage.missing_scores`)."""
        return coverage.missing_scores(self.shared)


#: a run with at least this many scores computes :data:`BESIDE` in a forked process on another
#: processor while the other checks run here (where :func:`analytics.base.processes.forking` allows it)
BESIDE_MIN_SCORES = 200_000
#: the check computed beside the others: the longest (its bootstrap), and one no other check reads
BESIDE = "rankings"
#: and when the memory available is at least this many times what the run holds already: the forked
#: process adds its own bootstrap's memory to the others' (2 million one-score reviews: 4.5 -> 6.3 GB)
BESIDE_MEMORY_FACTOR = 2.0
#: the check and data of the run under way, which the forked process starts with (nothing is pickled to it)
_STARTED: dict[str, tuple[CheckFamily, Shared]] = {}


def _computed_beside(name: str) -> tuple[pd.DataFrame, list[Flag]]:
    """In the forked process: the table and flags of the check started as ``name``."""
    check, shared = _STARTED[name]
    shared.on_part = silent
    table = check.table(shared)
    return table, check.flags(shared, table)


def _beside(check: CheckFamily, shared: Shared) -> Callable[[], tuple[pd.DataFrame, list[Flag]] | None]:
    """Start ``check`` in a forked process on the same data (copy-on-write: nothing is copied up
    front); returns the function that waits for its table and flags, raising the check's own error,
    or None when the process died (the caller then computes them itself). The check draws from its
    own seeded generators, so its numbers are those it gives in this process."""
    _STARTED[check.name] = (check, shared)
    with warnings.catch_warnings():  # Python 3.12+ warns of any fork beside threads (here: idle BLAS and progress threads)
        warnings.simplefilter("ignore", DeprecationWarning)
        pool = ProcessPoolExecutor(1, mp_context=get_context("fork"))
        future = pool.submit(_computed_beside, check.name)

    def wait() -> tuple[pd.DataFrame, list[Flag]] | None:
        try:
            return future.result()
        except BrokenProcessPool:  # the process died (its memory taken back by the system, say)
            return None
        finally:
            pool.shutdown()
            _STARTED.pop(check.name, None)
    return wait


def _memory() -> tuple[int, int] | None:
    """This process's resident memory and the system's available memory, in bytes (None where
    ``/proc`` does not say: then the run stays in one process)."""
    try:
        with open("/proc/self/statm") as statm:
            resident = int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        with open("/proc/meminfo") as meminfo:
            available = next(int(line.split()[1]) * 1024 for line in meminfo if line.startswith("MemAvailable:"))
        return resident, available
    except (OSError, ValueError, IndexError, StopIteration):
        return None


def _can_fork(shared: Shared) -> bool:
    if len(shared.scores) < BESIDE_MIN_SCORES or not forking():
        return False
    memory = _memory()
    return memory is not None and memory[1] >= BESIDE_MEMORY_FACTOR * memory[0]


def run_checks(festival: Festival, *, lanes: Sequence[str] | None = None,
               registry: Sequence[CheckFamily] = REGISTRY, progress: Reporter | None = None,
               label: str = "checks", preview: bool = False) -> CheckResult:
    """Every configured check of ``registry`` on the festival (or on ``lanes`` only: the
    chair's view of one lane), sharing one :class:`~analytics.checks.shared.Shared`. Seeded by
    ``festival.toml``: the same inputs give the same numbers, and a lane's numbers are the
    same whether the run covers it alone or every lane. ``progress`` is told of each check
    as it finishes (under ``label``). ``preview``: a what-if of the chair explorer, whose tables
    leave out the intervals no flag reads (:attr:`analytics.checks.shared.Shared.preview`).

    A run of at least :data:`BESIDE_MIN_SCORES` scores, where the system can fork, ``JURY_JOBS``
    allows two processes (:func:`analytics.base.processes.forking`) and :data:`BESIDE_MEMORY_FACTOR`
    times the run's memory is available, computes :data:`BESIDE` (the rankings, the longest check)
    in a forked process while the others run here: the same numbers (a test compares them), about a fifth less time at
    conference scale, and the memory of the rankings' bootstrap beside that of the other checks.

    A flag whose kind its family does not declare is a bug, raised as a ValueError."""
    shared = Shared(festival, lanes, preview=preview)
    tables: dict[str, pd.DataFrame] = {}
    found: list[Flag] = []
    configured = [check for check in registry if check.configured(festival.config)]
    steps = (progress or Reporter(quiet=True))(len(configured), label)
    waiting = {check.name: _beside(check, shared) for check in configured if check.name == BESIDE and _can_fork(shared)}
    for check in configured:
        shared.on_part = lambda done, parts, what, name=check.name: steps.part(done, parts, f"{name}, {what}")
        if check.name in waiting:
            steps.part(0, 1, f"{check.name}, computed beside the others on another processor")
        got = waiting[check.name]() if check.name in waiting else None
        table = check.table(shared) if got is None else got[0]
        tables[check.name] = table
        raised = check.flags(shared, table) if got is None else got[1]
        undeclared = {f.check for f in raised} - set(check.severities)
        if undeclared:
            raise ValueError(f"check {check.name} raised flags of kinds it does not declare: {', '.join(sorted(undeclared))}")
        found.extend(raised)
        steps.step(check.name)
    steps.done()
    shared.on_part = silent  # a table computed after the run (CheckResult.table_of) has no bar to move
    return CheckResult(shared, tables, flags_frame(found))
