"""The entries the jury disagrees on most: the spread of the jurors' weighted totals per entry,
against the lane's usual spread (robust z of the standard deviation).
"""

from __future__ import annotations

import pandas as pd
from analytics.base import columns as col
from analytics.load.festival import Festival
from analytics.checks.family import CheckFamily
from analytics.checks.flags import Flag, FlagKind, in_round
from analytics.checks.residuals import MAD_TO_SD
from analytics.checks.shared import Shared, judged


#: the flags this family raises
ENTRY_DISAGREEMENT = FlagKind("entry_disagreement", "info")


def disagreement(data: Festival | Shared, *, lanes: list[str] | None = None) -> pd.DataFrame:
    """Per entry (per performance, where the scores judge performances): spread of the jurors'
    weighted totals (``sd``, ``range``) and its robust z within the lane (how unusual the disagreement is)."""
    shared = Shared.of(data, lanes)
    totals = shared.totals
    spread = totals.groupby([col.LANE, col.ROUND, *shared.festival.judgement])[col.SCORE].agg(n_jurors="size", mean="mean", sd="std",
                                                                       low="min", high="max").reset_index()
    spread["range"] = spread["high"] - spread["low"]
    stage = spread.groupby([col.LANE, col.ROUND])["sd"]
    median = stage.transform("median")
    mad = MAD_TO_SD * (spread["sd"] - median).abs().groupby([spread[col.LANE], spread[col.ROUND]]).transform("median")
    spread["z"] = (spread["sd"] - median) / mad.where(mad > 0)
    return spread.sort_values([col.LANE, col.ROUND, "sd"], ascending=[True, True, False], ignore_index=True)


def disagreement_flags(data: Festival | Shared, spread: pd.DataFrame) -> list[Flag]:
    """Information for entries whose disagreement is beyond ``disagreement_z`` robust z in their lane."""
    shared = Shared.of(data)
    bar, names = shared.config.checks.disagreement_z, shared.lane_names
    return [ENTRY_DISAGREEMENT.flag(row["lane"],
                      f"{names[row['lane']]}{in_round(row['round'])}: the jurors disagree most on {judged(row)}: their "
                      f"totals run from {row['low']:.1f} to {row['high']:.1f} (sd {row['sd']:.2f}).",
                      entry_id=row["entry_id"], round=row["round"], item=row.get(col.PERFORMANCE, ""), value=row["z"],
                      threshold=bar)
            for row in spread[spread["z"] > bar].to_dict("records")]


FAMILY = CheckFamily("disagreement", disagreement, disagreement_flags,
                     kinds=(ENTRY_DISAGREEMENT,),
                     shows="sections/jurors.html.j2")
