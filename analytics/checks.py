"""The checks: one registry, one shape, one run.

Every family of checks offers the same two calls, and says what configuration it needs:

- ``table(data, *, lanes=None) -> DataFrame``: what the check measures, per lane (``data``
  is a :class:`~analytics.festival.Festival`, or the :class:`~analytics.shared.Shared` of a
  run, which hands in what several checks use: weighted totals, ratings, model fits);
- ``flags(data, table) -> list[Flag]``: what in that table a chair must look at;
- ``configured(config) -> bool``: whether ``festival.toml`` sets the family up at all. A
  family that is not configured is not run: no table, no flag.

:func:`run_checks` walks :data:`REGISTRY` in order. Adding a check is one module with its
two calls and one line here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from . import affiliation, coverage, drift, jurors, outliers, rankings, rounds
from .agreement import panels
from .config import FestivalConfig
from .eligibility import participation, rules
from .festival import Festival
from .flags import Flag, flags_frame
from .progress import Reporter
from .rule_families import any_configured
from .shared import Shared


def always(config: FestivalConfig) -> bool:
    """A family that every festival has (it needs only the core of ``festival.toml``)."""
    return True


@dataclass(frozen=True)
class Check:
    """One family of checks (see the module notes). ``output``: written by ``jury check
    --out`` as ``<name>.csv``."""

    name: str
    table: Callable[..., pd.DataFrame]
    flags: Callable[[Shared, pd.DataFrame], list[Flag]]
    configured: Callable[[FestivalConfig], bool] = always
    output: bool = False


REGISTRY: tuple[Check, ...] = (
    Check("coverage", coverage.table, coverage.flags),
    Check("eligibility", rules.table, rules.flags, configured=any_configured, output=True),
    Check("score_effects", participation.table, participation.flags, output=True),
    Check("agreement", panels.table, panels.flags, output=True),
    Check("juror_severity", jurors.juror_severity, jurors.severity_flags, output=True),
    Check("juror_behaviour", jurors.juror_behaviour, jurors.behaviour_flags),
    Check("design_parts", jurors.design_parts, jurors.parts_flags),
    Check("residuals", outliers.score_residuals, outliers.residual_flags),
    Check("disagreement", outliers.disagreement, outliers.disagreement_flags),
    Check("affiliation", affiliation.table, affiliation.flags, configured=affiliation.configured, output=True),
    Check("drift", drift.table, drift.flags, output=True),
    Check("rankings", rankings.rankings, rankings.ranking_flags, output=True),
    Check("entry_scores", rankings.entry_scores, rankings.no_flags, output=True),
    Check("round_correlations", rounds.round_correlations, rankings.no_flags, configured=rounds.has_rounds, output=True),
)


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
        known = {check.name: check for check in REGISTRY}
        if name not in known:
            raise KeyError(f"no check {name!r}; the checks are {', '.join(known)}")
        return known[name].table(self.shared)

    @cached_property
    def lane_summary(self) -> pd.DataFrame:
        """Per lane: entries, jurors, scores, and what is missing (:func:`analytics.coverage.lane_summary`)."""
        return coverage.lane_summary(self.shared)

    @cached_property
    def missing_scores(self) -> pd.DataFrame:
        """Every expected score that is absent (:func:`analytics.coverage.missing_scores`)."""
        return coverage.missing_scores(self.shared)


def run_checks(festival: Festival, *, lanes: Sequence[str] | None = None,
               registry: Sequence[Check] = REGISTRY, progress: Reporter | None = None,
               label: str = "checks", preview: bool = False) -> CheckResult:
    """Every configured check of ``registry`` on the festival (or on ``lanes`` only: the
    chair's view of one lane), sharing one :class:`~analytics.shared.Shared`. Seeded by
    ``festival.toml``: the same inputs give the same numbers, and a lane's numbers are the
    same whether the run covers it alone or every lane. ``progress`` is told of each check
    as it finishes (under ``label``). ``preview``: a what-if of the chair explorer, whose tables
    leave out the intervals no flag reads (:attr:`analytics.shared.Shared.preview`)."""
    shared = Shared(festival, lanes, preview=preview)
    tables: dict[str, pd.DataFrame] = {}
    found: list[Flag] = []
    configured = [check for check in registry if check.configured(festival.config)]
    steps = (progress or Reporter(quiet=True))(len(configured), label)
    for check in configured:
        table = check.table(shared)
        tables[check.name] = table
        found.extend(check.flags(shared, table))
        steps.step(check.name)
    steps.done()
    return CheckResult(shared, tables, flags_frame(found))


def output_names(registry: Sequence[Check] = REGISTRY) -> list[str]:
    """The check tables ``jury check --out`` writes."""
    return [check.name for check in registry if check.output]
