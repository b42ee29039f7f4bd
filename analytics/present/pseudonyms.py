"""Juror pseudonyms for public outputs, and the check that no juror identity is left in them.

A public report names jurors ``J1`` … ``Jn``. The numbers run lane by lane (in the order of
``festival.toml``), so a reader sees which pseudonyms judged together; inside a lane the
order is keyed on a digest of the scores as loaded, which are confidential, so knowing the
public roster (or the order of ``jurors.csv``) does not tell who is who. The same inputs
give the same pseudonyms, and every section and table of one report uses the same ones.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import re

import pandas as pd

from analytics.base import columns as col
from analytics.load.festival import Festival

PREFIX = "J"
FALLBACK_PREFIX = "Juror "  # when the festival's own juror ids look like J1, J2, …


def _key(festival: Festival) -> bytes:
    scores = festival.scores[[col.ENTRY_ID, col.JUROR_ID, col.CRITERION, col.SCORE]]
    text = scores.astype(str).sort_values([col.ENTRY_ID, col.JUROR_ID, col.CRITERION]).to_csv(index=False)
    return hashlib.sha256(text.encode("utf-8")).digest()


def pseudonyms(festival: Festival) -> dict[str, str]:
    """``juror_id -> "J1"`` … ``"Jn"`` for every juror of the festival.

    >>> from analytics import load_festival
    >>> names = pseudonyms(load_festival("data/demo"))
    >>> len(names), sorted(names.values(), key=lambda p: int(p[1:]))[:3]
    (24, ['J1', 'J2', 'J3'])
    """
    key = _key(festival)
    lanes = {lane.id: i for i, lane in enumerate(festival.config.lanes)}
    jurors = festival.juror_lanes.drop_duplicates(col.JUROR_ID)  # one pseudonym per person: their first lane
    order = sorted(zip(jurors[col.JUROR_ID], jurors[col.LANE]),
                   key=lambda row: (lanes.get(row[1], len(lanes)), hmac.new(key, str(row[0]).encode("utf-8"), "sha256").digest()))
    ids = {str(j).strip().lower() for j, _ in order}
    prefix = PREFIX if not ids & {f"{PREFIX}{i}".lower() for i in range(1, len(order) + 1)} else FALLBACK_PREFIX
    return {juror: f"{prefix}{i}" for i, (juror, _) in enumerate(order, start=1)}


def _pattern(text: str) -> re.Pattern:
    escaped = re.escape(text)
    if re.search(r"[^\x00-\x7f]", text):  # CJK and other scripts: no word boundaries to lean on
        return re.compile(escaped)
    return re.compile(rf"(?<![\w-]){escaped}(?![\w-])", re.IGNORECASE)


def identity_leaks(text: str, festival: Festival) -> list[str]:
    """Every juror id and juror name found in ``text`` (HTML entities decoded first); empty when none.

    Ids and Latin-script names match as whole words in any case (a name in capitals in a
    title is still a name; a juror called Ed is refused for the "ed." of a reference, which
    the error message says how to avoid), names in other scripts anywhere. Ids made of digits only are not searched for: they cannot be told from the
    numbers of a report (public tables hold no id column whatever the ids look like).

    >>> from analytics import load_festival
    >>> f = load_festival("data/demo")
    >>> identity_leaks("J1 and J2 agreed; GC-01 won", f)
    []
    >>> identity_leaks("JR02 (周曉彤) declared a conflict", f)
    ["juror id 'JR02'", "juror name '周曉彤'"]
    """
    plain = html.unescape(text)
    found = []
    for juror, name in zip(festival.jurors[col.JUROR_ID], festival.jurors[col.NAME]):
        if not str(juror).strip().isdigit() and _pattern(str(juror)).search(plain):
            found.append(f"juror id {str(juror)!r}")
        if isinstance(name, str) and name.strip() and _pattern(name.strip()).search(plain):
            found.append(f"juror name {name.strip()!r}")
    return found


def pseudonymise(table: pd.DataFrame, labels: dict[str, str], column: str = col.JUROR_ID) -> pd.DataFrame:
    """A copy with ``column`` (juror ids) replaced by a ``juror`` column of pseudonyms."""
    out = table.copy()
    position = list(out.columns).index(column)
    out.insert(position, "juror", out.pop(column).map(labels))
    return out
