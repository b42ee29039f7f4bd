"""The connected parts of each lane's design: which jurors' severities can be compared.

Two jurors are linked when they scored a common entry; a lane whose jurors fall into parts
linked by no chain of shared entries cannot compare severities across the parts.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from analytics.base import columns as col
from analytics.stats.additive import fit_additive
from analytics.load.festival import Festival
from analytics.checks.family import CheckFamily
from analytics.checks.flags import Flag, FlagKind, in_round
from analytics.checks.shared import Shared


DESIGN_DISCONNECTED = FlagKind("design_disconnected", "warning")


def design_parts(data: Festival | Shared, *, lanes: list[str] | None = None) -> pd.DataFrame:
    """The connected parts of each lane's (and round's) design: ``lane, round, part, n_jurors,
    n_entries, jurors, entries`` (the last two: the ids joined with ';', for reading). More
    than one part means some jurors' severities cannot be compared (no chain of shared entries
    links them)."""
    shared = Shared.of(data, lanes)
    rows = []
    pairs = shared.scores.drop_duplicates([col.LANE, col.ROUND, col.ENTRY_ID, col.JUROR_ID])
    for (lane, rnd), data in pairs.groupby([col.LANE, col.ROUND], sort=False):
        unit, units = pd.factorize(data[col.ENTRY_ID])
        rater, raters = pd.factorize(data[col.JUROR_ID])
        fit = fit_additive(unit, rater, np.zeros(len(unit)), len(units), len(raters))
        for part in range(fit.n_components):  # the parts of one design: a handful
            jurors = sorted(raters[fit.rater_component == part])
            entries = sorted(units[fit.unit_component == part])
            rows.append([lane, rnd, part, len(jurors), len(entries), ";".join(jurors), ";".join(entries)])
    return pd.DataFrame(rows, columns=["lane", "round", "part", "n_jurors", "n_entries", "jurors", "entries"])


def parts_flags(data: Festival | Shared, parts: pd.DataFrame) -> list[Flag]:
    """A warning for each lane whose design falls apart into parts that share no entry."""
    names = Shared.of(data).lane_names
    flags = []
    for (lane, rnd), group in parts.groupby(["lane", "round"], sort=False):
        if len(group) > 1:
            listing = "; ".join(f"{{{r.jurors.replace(';', ', ')}}}" for r in group.itertuples(index=False))
            flags.append(DESIGN_DISCONNECTED.flag(lane,
                                   f"{names[lane]}{in_round(rnd)}: the jurors fall into {len(group)} groups that share no entry, so "
                                   f"their severities cannot be compared: {listing}.", round=rnd))
    return flags


FAMILY = CheckFamily("design_parts", design_parts, parts_flags,
                     kinds=(DESIGN_DISCONNECTED,),
                     shows="sections/jurors.html.j2")
