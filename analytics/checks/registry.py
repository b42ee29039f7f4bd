"""The checks: one registry, one shape, one run.

:data:`REGISTRY` lists every check family (:class:`~analytics.checks.family.CheckFamily`,
one module of ``analytics/checks`` each) in the order they run; :func:`run_checks` walks it.
Everything that lists checks reads it: the tables ``jury check --out`` writes
(:func:`output_names`), the public tables (:func:`public_names`), the flags about a juror's own
scoring that their feedback page repeats (:func:`juror_kinds`), the report's sections, the tests.
Adding a check is one module, one line here and one template.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from analytics.base.progress import Reporter, silent
from analytics.checks import (
    affiliation,
    agreement,
    behaviour,
    coverage,
    design_parts,
    disagreement,
    drift,
    eligibility,
    entry_scores,
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
    score_effects.FAMILY,
    agreement.FAMILY,
    severity.FAMILY,
    behaviour.FAMILY,
    design_parts.FAMILY,
    residuals.FAMILY,
    disagreement.FAMILY,
    affiliation.FAMILY,
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
        return self.tables[name]

    def __contains__(self, name: str) -> bool:
        return name in self.tables

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


def run_checks(festival: Festival, *, lanes: Sequence[str] | None = None,
               registry: Sequence[CheckFamily] = REGISTRY, progress: Reporter | None = None,
               label: str = "checks", preview: bool = False) -> CheckResult:
    """Every configured check of ``registry`` on the festival (or on ``lanes`` only: the
    chair's view of one lane), sharing one :class:`~analytics.checks.shared.Shared`. Seeded by
    ``festival.toml``: the same inputs give the same numbers, and a lane's numbers are the
    same whether the run covers it alone or every lane. ``progress`` is told of each check
    as it finishes (under ``label``). ``preview``: a what-if of the chair explorer, whose tables
    leave out the intervals no flag reads (:attr:`analytics.checks.shared.Shared.preview`).

    A flag whose kind its family does not declare is a bug, raised as a ValueError."""
    shared = Shared(festival, lanes, preview=preview)
    tables: dict[str, pd.DataFrame] = {}
    found: list[Flag] = []
    configured = [check for check in registry if check.configured(festival.config)]
    steps = (progress or Reporter(quiet=True))(len(configured), label)
    for check in configured:
        shared.on_part = lambda done, parts, what, name=check.name: steps.part(done, parts, f"{name}, {what}")
        table = check.table(shared)
        tables[check.name] = table
        raised = check.flags(shared, table)
        undeclared = {f.check for f in raised} - set(check.severities)
        if undeclared:
            raise ValueError(f"check {check.name} raised flags of kinds it does not declare: {', '.join(sorted(undeclared))}")
        found.extend(raised)
        steps.step(check.name)
    steps.done()
    shared.on_part = silent  # a table computed after the run (CheckResult.table_of) has no bar to move
    return CheckResult(shared, tables, flags_frame(found))
