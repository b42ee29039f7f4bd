"""Jury analytics workbench: can this festival's results be published?

The public API: :func:`load_festival` (the validated load boundary), :func:`validate_festival`
(the same checks as a problem table), :class:`Festival`, :class:`FestivalDataError`.
Modules, by concern:

- the load boundary: ``config`` (festival.toml), ``schema`` (the input tables), ``reading``
  and ``validation`` (its two halves), ``festival``, ``problems``;
- the checks: ``coverage`` (who scored what), ``eligibility`` (rules, tools, participation),
  ``agreement`` (the statistics and their per-festival table), ``jurors``, ``outliers``,
  ``rankings``, with ``scoring`` (weighted totals) and ``additive`` (the crossed model);
- the gate: ``flags``, ``gate`` (all checks, decisions, verdict), ``check`` (its summary);
- the chair: ``explorer`` (what-if logic), ``explorer_app`` and ``widgets`` (ipywidgets);
- output: ``viz`` (charts, offline), ``report`` (executing the notebooks), ``cli`` (``jury``),
  ``demo`` (synthetic festivals).
"""

from . import flags  # noqa: F401  (analytics.flags for notebooks: analytics.flags.flags_frame)
from .festival import Festival, load_festival, validate_festival
from .problems import FestivalDataError, Problem

__all__ = ["Festival", "FestivalDataError", "Problem", "load_festival", "validate_festival"]
__version__ = "0.1.0"
