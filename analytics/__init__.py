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

Importing analytics sets pandas' ``mode.string_storage`` to ``"python"`` (see below).
"""

import pandas as _pd

# Text columns in Python objects rather than pyarrow arrays (pandas 3 uses pyarrow when it is
# installed). The checks make many small per-lane selections, and pyarrow's per-call cost
# dominated them: the chair's what-if went from ~190 to ~140 ms, `jury check` on the federation
# preset from 11.3 to 9.8 s, and the conference check's peak memory fell (1.48 -> 1.42 GB). The
# values and the `str` dtype's behaviour are the same; the setting applies to the session that
# imports analytics (a notebook's other frames too), which is why it is said here.
_pd.set_option("mode.string_storage", "python")

from . import flags  # noqa: F401,E402  (analytics.flags for notebooks: analytics.flags.flags_frame)
from .festival import Festival, load_festival, validate_festival
from .problems import FestivalDataError, Problem

__all__ = ["Festival", "FestivalDataError", "Problem", "load_festival", "validate_festival"]
__version__ = "0.1.0"
