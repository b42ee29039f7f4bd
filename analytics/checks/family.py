"""What a check family is: one object that says everything the rest of the package needs.

A family (one module of ``analytics/checks``, exposing ``FAMILY``) declares:

- ``name``: its table's name (``<name>.csv`` under ``jury check --out`` when ``output``);
- ``table(data, *, lanes=None) -> DataFrame``: what it measures, per lane (``data`` is a
  :class:`~analytics.load.festival.Festival` or the :class:`~analytics.checks.shared.Shared`
  of a run);
- ``flags(data, table) -> list[Flag]``: what in that table a chair must look at;
- ``kinds``: the :class:`~analytics.checks.flags.FlagKind` s it raises, with their severities
  (its flags are made from them, never from a string written again);
- ``configured(config) -> bool``: whether ``festival.toml`` sets it up; a family that is not
  configured is not run: no table, no flag, no line anywhere;
- ``public``: its table may be handed out (in the public report folder); ``output``: written
  by ``jury check --out``;
- ``shows``: the template (under ``analytics/templates``) of the report section that shows it;
- ``companions(data) -> dict[name, DataFrame]``: more tables of the same measurement, written beside its own
  (``<name>.csv``) where it is ``output`` (the Rasch model's thresholds and unexpected ratings, say).

:data:`analytics.checks.registry.REGISTRY` lists the families in the order they run; adding a
check is one module, one line there and one template.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from analytics.checks.flags import Flag, FlagKind
from analytics.load.config import FestivalConfig


def always(config: FestivalConfig) -> bool:
    """A family that every festival has (it needs only the core of ``festival.toml``)."""
    return True


def on_scores(config: FestivalConfig) -> bool:
    """A family that needs a score scale (a juror's leniency, the spread of their marks, a trend of their
    marks): on a rank scale each juror gives each place once, so it does not apply (:func:`not_on_ranks`)."""
    return not config.scale.ranks


def not_on_ranks(config: FestivalConfig) -> list[str]:
    """The sentence each family that needs a score scale shows in place of its results on a rank scale
    (design section 15); empty on a score scale."""
    if not config.scale.ranks:
        return []
    return ["Juror severity, straight-lining, score drift, the severity parts of the design and the effects of "
            "AI share and tools on scores do not apply: a place says where an entry stands among those the juror "
            "ranked, not how good the juror found it, so neither a juror's leniency nor the spread or the trend of "
            "their marks can be read from places."]


def no_flags(data, table: pd.DataFrame) -> list[Flag]:
    """The flags of a family that only measures (its table is read by people and other tables)."""
    return []


@dataclass(frozen=True)
class CheckFamily:
    """One family of checks (see the module notes)."""

    name: str
    table: Callable[..., pd.DataFrame]
    flags: Callable[..., list[Flag]]
    kinds: tuple[FlagKind, ...] = ()
    configured: Callable[[FestivalConfig], bool] = always
    output: bool = False
    public: bool = False
    shows: str | None = None
    companions: Callable[..., dict[str, pd.DataFrame]] | None = None
    #: the columns of its table: where the festival does not configure it, readers get an empty table of them
    columns: tuple[str, ...] = ()

    @property
    def severities(self) -> dict[str, str]:
        """``flag kind -> severity`` of the flags this family raises."""
        return {kind.name: kind.severity for kind in self.kinds}
