"""Flags: every check's findings in one table with fixed columns (design sections 5 and 13).

A flag names its subject in columns: ``juror_id``, ``entry_id``, ``criterion``, ``round``
and ``item`` (what else it is about: a tool, an affiliation), each empty where it does not
apply. Code reads those columns; nothing ever splits an id apart.

``flag_id`` is stable across re-runs (built from the check, the lane and the subject, never
from a counter), so a chair's decision on a flag still applies after the data is re-loaded.
It is ``check:lane`` followed by the subject's non-empty fields in the fixed order above,
each with ``%`` written ``%25`` and ``:`` written ``%3A``: a ``:`` in the id only ever
separates fields, so ids that contain ``:`` cannot collide (juror ``A:1`` with entry ``B``
is ``…:A%3A1:B``; juror ``A`` with entry ``1:B`` is ``…:A:1%3AB``). Every flag of one check
has the same subject fields (a check flags scores, or entries, or jurors), so leaving out
the empty ones loses nothing. For ordinary ids the flag id reads as before:
``conflict_scored:generative_cinema:JR02:GC-11``.

``entity`` says what kind of thing the subject is (``score`` when it names a juror and an
entry, then ``entry``, ``juror``, ``criterion``, else ``lane``); ``entity_id`` is the
subject part of the flag id (escaped as there), to tell flags apart at a glance.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from typing import Literal

import pandas as pd

Severity = Literal["blocker", "warning", "info"]
SEVERITIES = ("blocker", "warning", "info")
#: the subject of a flag, in the order its fields appear in the flag id
SUBJECT = ("juror_id", "entry_id", "criterion", "round", "item")


@dataclass(frozen=True)
class Flag:
    flag_id: str
    check: str
    severity: Severity
    lane: str
    entity: str
    entity_id: str
    juror_id: str
    entry_id: str
    criterion: str
    round: str
    item: str
    message: str
    value: float
    threshold: float


def escape_part(part: str) -> str:
    """One field of a flag id: ``%`` and ``:`` escaped, so ``:`` only separates fields.

    >>> escape_part("A:1"), escape_part("50%:x")
    ('A%3A1', '50%25%3Ax')
    """
    if "%" not in part and ":" not in part:  # nearly every part: nothing to escape
        return part
    return part.replace("%", "%25").replace(":", "%3A")


def flag_id(check: str, lane: str, **subject: str) -> str:
    """The id of the flag of ``check`` in ``lane`` about ``subject`` (see the module notes).

    >>> flag_id("score_missing", "generative_cinema", juror_id="JR06", entry_id="GC-17", criterion="ethics")
    'score_missing:generative_cinema:JR06:GC-17:ethics'
    >>> flag_id("conflict_scored", "lane", juror_id="A:1", entry_id="B") != flag_id("conflict_scored", "lane", juror_id="A", entry_id="1:B")
    True
    """
    unknown = set(subject) - set(SUBJECT)
    if unknown:
        raise ValueError(f"a flag's subject has the fields {', '.join(SUBJECT)}; got {', '.join(sorted(unknown))}")
    return ":".join(escape_part(p) for p in (check, lane, *(subject.get(name, "") for name in SUBJECT)) if p)


def _entity(subject: dict[str, str]) -> str:
    if subject.get("juror_id") and subject.get("entry_id"):
        return "score"
    for name, entity in (("entry_id", "entry"), ("juror_id", "juror"), ("criterion", "criterion")):
        if subject.get(name):
            return entity
    return "lane"


def make_flag(check: str, severity: Severity, lane: str, message: str, *, juror_id: str = "", entry_id: str = "",
              criterion: str = "", round: str = "", item: str = "", value: float = float("nan"),
              threshold: float = float("nan")) -> Flag:
    """A flag of ``check`` in ``lane`` about the subject given by keyword.

    >>> f = make_flag("agreement_low", "warning", "generative_cinema", "...", criterion="ethics")
    >>> f.flag_id, f.entity, f.entity_id
    ('agreement_low:generative_cinema:ethics', 'criterion', 'ethics')
    >>> make_flag("conflict_scored", "blocker", "gc", "...", juror_id="JR02", entry_id="GC-11").entity
    'score'
    """
    if severity not in SEVERITIES:
        raise ValueError(f"severity must be one of {', '.join(SEVERITIES)}; got {severity!r}")
    subject = {"juror_id": str(juror_id), "entry_id": str(entry_id), "criterion": str(criterion), "round": str(round),
               "item": str(item)}
    named = ":".join(escape_part(p) for p in subject.values() if p)  # as flag_id writes the subject
    prefix = ":".join(escape_part(p) for p in (check, lane) if p)
    fid = f"{prefix}:{named}" if named and prefix else prefix or named
    entity_id = named or escape_part(lane)
    return Flag(fid, check, severity, lane, _entity(subject), entity_id, *subject.values(), message, float(value),
                float(threshold))


@dataclass(frozen=True)
class FlagKind:
    """One kind of flag a check family raises: its name (the ``check`` column of ``flags.csv``)
    and its severity, declared once in the family's module and read by everything that lists
    flags (the registry, the gate, the juror feedback pages, the report).

    ``about_juror``: the flag is about a juror's own scoring, so their feedback page repeats it.

    >>> MISSING = FlagKind("score_missing", "blocker", about_juror=True)
    >>> MISSING.flag("gc", "...", juror_id="JR06", entry_id="GC-17").flag_id
    'score_missing:gc:JR06:GC-17'
    """

    name: str
    severity: Severity
    about_juror: bool = False

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"severity must be one of {', '.join(SEVERITIES)}; got {self.severity!r}")

    def flag(self, lane: str, message: str, **subject) -> Flag:
        """A flag of this kind in ``lane`` (:func:`make_flag`; ``subject`` and ``value``, ``threshold`` by keyword)."""
        return make_flag(self.name, self.severity, lane, message, **subject)


def in_round(rnd: str) -> str:
    """Where a flag's message says its round: ``", round r2"``, or nothing without rounds.

    >>> in_round("r2"), in_round("")
    (', round r2', '')
    """
    return f", round {rnd}" if rnd else ""


FLAG_COLUMNS = [f.name for f in fields(Flag)]


def flags_frame(flags: Iterable[Flag]) -> pd.DataFrame:
    """Flags as a table with the columns of design sections 5 and 13, even when there are
    none; blockers first, then warnings, then information.

    Raises ValueError when two flags share an id: a check that flags one subject twice, or
    flags subjects of different shapes, is a bug the chair must never see as one flag.
    """
    # the fields read directly: a flag holds only strings and floats, and dataclasses.astuple deep-copies each
    # (1.4 s for the 16,000 flags of the conference preset)
    frame = pd.DataFrame([[getattr(f, name) for name in FLAG_COLUMNS] for f in flags], columns=FLAG_COLUMNS)
    repeated = frame["flag_id"][frame["flag_id"].duplicated()]
    if not repeated.empty:
        raise ValueError(f"flag ids must be unique; repeated: {', '.join(sorted(set(repeated)))}")
    return sort_flags(frame)


def sort_flags(frame: pd.DataFrame) -> pd.DataFrame:
    """Blockers first, then warnings, then information; by lane and flag id within each."""
    order = frame["severity"].map({s: i for i, s in enumerate(SEVERITIES)})
    return (frame.assign(_order=order).sort_values(["_order", "lane", "flag_id"], kind="stable")
            .drop(columns="_order").reset_index(drop=True))
