"""Jury analytics workbench: can this festival's results be published?

The public API: :func:`load_festival` (the validated load boundary), :func:`validate_festival`
(the same checks as a problem table), :class:`Festival`, :class:`FestivalDataError`.
Modules: ``config`` (festival.toml), ``schema`` (the input tables), ``reading`` and
``validation`` (the load boundary's two halves), ``coverage`` (who scored what), ``viz``
(charts, offline), ``demo`` (synthetic festivals), ``report`` (executing the notebooks),
``cli`` (the ``jury`` command).
"""

from . import flags
from .festival import Festival, load_festival, validate_festival
from .problems import FestivalDataError, Problem

__all__ = ["Festival", "FestivalDataError", "Problem", "load_festival", "validate_festival"]
__version__ = "0.1.0"
