"""Jury analytics workbench: can this competition's results be published?

The public API: :func:`load_festival` (the validated load boundary: it runs no rule and no
check), :func:`validate_festival` (every problem of a folder, its rounds included, as a
table), :class:`Festival`, :class:`FestivalDataError`.

The package's folders are its layers, from the bottom up; a module imports only from its own
layer or a lower one (``tests/test_layers.py`` reads the import graph and fails otherwise):

- ``base``: column names, the problem list, progress;
- ``load``: reading and validating a festival folder (``festival.toml`` and the tables);
- ``stats``: statistics that know nothing of festivals (agreement, the additive model, draws);
- ``rules``: the competition's own rules (weighted totals, the official rule, rounds);
- ``checks``: one module per check family and the registry that runs them;
- ``gate``: the chair's decisions and the verdict;
- ``present``: the text summary, the report's sections, feedback pages, the explorer's tables,
  charts, exported tables;
- ``synthetic``: synthetic festivals (the demo, the examples, benchmark presets);
- ``apps``: the ``jury`` command, the report runner, the chair explorer.

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

from analytics.checks import flags  # noqa: F401,E402  (analytics.checks.flags.flags_frame for notebooks)
from analytics.load.festival import Festival, load_festival  # noqa: E402
from analytics.rules.stages import validate_festival  # noqa: E402
from analytics.base.problems import FestivalDataError, Problem

__all__ = ["Festival", "FestivalDataError", "Problem", "load_festival", "validate_festival"]
__version__ = "0.1.0"
