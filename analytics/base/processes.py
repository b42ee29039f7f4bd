"""How many processes the workbench may use, and whether it may fork.

``JURY_JOBS`` sets the number (``JURY_JOBS=1``: everything in one process); otherwise one per
processor this process may run on. Forking (a child that starts with this process's memory, so
nothing is imported or computed again) is used where the platform offers it: the report's two
pages, and the rankings of a large festival beside its other checks.
"""

from __future__ import annotations

import os
from multiprocessing import get_all_start_methods


def workers() -> int:
    """How many processes may run at once: ``JURY_JOBS`` if set, else one per processor."""
    value = os.environ.get("JURY_JOBS", "")
    return max(1, int(value)) if value.isdigit() else max(1, os.cpu_count() or 1)


def forking() -> bool:
    """Whether work may go to a forked process: the platform forks and :func:`workers` allows two."""
    return workers() > 1 and "fork" in get_all_start_methods()
