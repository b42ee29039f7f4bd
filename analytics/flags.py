"""Flags: every check's findings in one table with fixed columns (design section 5).

``flag_id`` is stable across re-runs: built from the check, the lane and the entity, never
from a counter, so a chair's decision on a flag still applies after the data is re-loaded.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import astuple, dataclass, fields
from typing import Literal

import pandas as pd

Severity = Literal["blocker", "warning", "info"]
SEVERITIES = ("blocker", "warning", "info")
ENTITIES = ("entry", "juror", "score", "criterion", "lane")


@dataclass(frozen=True)
class Flag:
    flag_id: str
    check: str
    severity: Severity
    lane: str
    entity: str
    entity_id: str
    message: str
    value: float
    threshold: float


def make_flag(check: str, severity: Severity, lane: str, entity: str, entity_id: str, message: str,
              value: float = float("nan"), threshold: float = float("nan")) -> Flag:
    """A flag whose id is ``check:lane:entity_id``.

    >>> make_flag("agreement_low", "warning", "generative_cinema", "criterion", "ethics", "...").flag_id
    'agreement_low:generative_cinema:ethics'
    """
    if severity not in SEVERITIES:
        raise ValueError(f"severity must be one of {', '.join(SEVERITIES)}; got {severity!r}")
    if entity not in ENTITIES:
        raise ValueError(f"entity must be one of {', '.join(ENTITIES)}; got {entity!r}")
    return Flag(f"{check}:{lane}:{entity_id}", check, severity, lane, entity, entity_id, message, float(value),
                float(threshold))


FLAG_COLUMNS = [f.name for f in fields(Flag)]


def flags_frame(flags: Iterable[Flag]) -> pd.DataFrame:
    """Flags as a table with the columns of design section 5, even when there are none;
    blockers first, then warnings, then information."""
    frame = pd.DataFrame([astuple(f) for f in flags], columns=FLAG_COLUMNS)
    order = frame["severity"].map({s: i for i, s in enumerate(SEVERITIES)})
    return frame.assign(_order=order).sort_values(["_order", "lane", "flag_id"]).drop(columns="_order").reset_index(drop=True)
