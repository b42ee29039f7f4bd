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
from analytics.checks.family import CheckFamily, on_scores
from analytics.checks.flags import Flag, FlagKind, in_round
from analytics.checks.shared import Shared, judgement_codes


DESIGN_DISCONNECTED = FlagKind("design_disconnected", "warning")


def design_parts(data: Festival | Shared, *, lanes: list[str] | None = None) -> pd.DataFrame:
    """The connected parts of each lane's (and round's) design: ``lane, round, part, n_jurors,
    n_entries, jurors, entries`` (the last two: the ids joined with ';', for reading). More
    than one part means some jurors' severities cannot be compared (no chain of shared entries
    links them)."""
    shared = Shared.of(data, lanes)
    rows = []
    judgement = shared.festival.judgement  # an entry, or each of its performances (design section 14)
    pairs = shared.scores.drop_duplicates([col.LANE, col.ROUND, *judgement, col.JUROR_ID])
    for (lane, rnd), data in pairs.groupby([col.LANE, col.ROUND], sort=False):
        unit, units = judgement_codes(data, sort=False)
        if col.PERFORMANCE in data:  # listed by entry and performance
            units = pd.Index([f"{e} ({p})" for e, p in units])
        rater, raters = pd.factorize(data[col.JUROR_ID])
        fit = fit_additive(unit, rater, np.zeros(len(unit)), len(units), len(raters))
        # each part's jurors and entries, sorted and joined: one sort per lane, not a pass per part
        # (a conference whose reviewers each score one paper has a part per paper)
        jurors = pd.Series(np.asarray(raters, dtype=object)).groupby(fit.rater_component).agg(lambda ids: ";".join(sorted(ids)))
        entries = pd.Series(np.asarray(units, dtype=object)).groupby(fit.unit_component).agg(lambda ids: ";".join(sorted(ids)))
        n_jurors = np.bincount(fit.rater_component, minlength=fit.n_components)
        n_entries = np.bincount(fit.unit_component, minlength=fit.n_components)
        parts = np.arange(fit.n_components)
        rows.append(pd.DataFrame({"lane": lane, "round": rnd, "part": parts, "n_jurors": n_jurors, "n_entries": n_entries,
                                  "jurors": jurors.reindex(parts).to_numpy(), "entries": entries.reindex(parts).to_numpy()}))
    columns = ["lane", "round", "part", "n_jurors", "n_entries", "jurors", "entries"]
    return pd.concat(rows, ignore_index=True)[columns] if rows else pd.DataFrame(columns=columns)


def parts_flags(data: Festival | Shared, parts: pd.DataFrame) -> list[Flag]:
    """A warning for each lane whose design falls apart into parts that share no entry (not where
    every part is one entry and its own jurors, as when each juror scored one entry: severity
    says there that it does not apply)."""
    shared = Shared.of(data)
    names, performed = shared.lane_names, shared.festival.has_performances
    flags = []
    for (lane, rnd), group in parts.groupby(["lane", "round"], sort=False):
        if len(group) > 1 and not (group["n_entries"] == 1).all():  # a part per entry: severity does not apply there
            shown = group.head(LISTED)
            listing = "; ".join(f"{{{r.jurors.replace(';', ', ')}}}" for r in shown.itertuples(index=False))
            more = f"; and {len(group) - len(shown):,} more groups" if len(group) > len(shown) else ""
            flags.append(DESIGN_DISCONNECTED.flag(lane,
                                   f"{names[lane]}{in_round(rnd)}: the jurors fall into {len(group)} groups that share no "
                                   f"{'performance' if performed else 'entry'}, so "
                                   f"their severities cannot be compared: {listing}{more}.", round=rnd))
    return flags


#: a flag's sentence lists at most this many groups
LISTED = 12


FAMILY = CheckFamily("design_parts", design_parts, parts_flags,
                     configured=on_scores, kinds=(DESIGN_DISCONNECTED,),
                     shows="sections/jurors.html.j2")
