"""Scores far from what the model expects.

A score's expected value is entry effect + juror effect from the additive model fitted to
its lane and criterion, kept within the score scale; its residual is scaled robustly (1.4826 × the median absolute
residual of the lane and criterion, so the outliers themselves do not inflate the scale).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from analytics.base import columns as col
from analytics.load.festival import Festival
from analytics.checks.family import CheckFamily
from analytics.checks.flags import Flag, FlagKind, in_round
from analytics.checks.shared import Shared, judged


#: the flags this family raises
SCORE_OUTLIER = FlagKind("score_outlier", "warning", about_juror=True)


MAD_TO_SD = 1.4826  # MAD of a normal distribution times this is its standard deviation


def score_residuals(data: Festival | Shared, *, lanes: list[str] | None = None) -> pd.DataFrame:
    """Every score with ``expected`` (entry + juror effect, per lane and criterion),
    ``residual`` and robust ``z``."""
    shared = Shared.of(data, lanes)
    return shared.memo(("residuals"), lambda: _residuals(shared))  # the residuals check's table, and drift's input


def _residuals(shared: Shared) -> pd.DataFrame:
    scale_ = shared.config.scale
    frames = []
    scores = shared.scores
    for lane, rnd, criterion in scores[[col.LANE, col.ROUND, col.CRITERION]].drop_duplicates().itertuples(index=False):
        lane_fit = shared.fit(lane, criterion, rnd)
        y = lane_fit.data[col.SCORE].to_numpy(dtype=float)
        expected = np.clip(lane_fit.fit.fitted, scale_.minimum, scale_.maximum)  # no score can exceed the scale
        residual = y - expected
        scale = MAD_TO_SD * np.median(np.abs(residual - np.median(residual)))
        with np.errstate(divide="ignore", invalid="ignore"):
            z = residual / scale if scale > 0 else np.full(len(y), np.nan)
        frames.append(lane_fit.data.assign(**{col.LANE: lane, col.ROUND: rnd, col.CRITERION: criterion},
                                           expected=expected, residual=residual, z=z))
    judgement = shared.festival.judgement  # the entry (and its performance)
    columns = [col.LANE, col.ROUND, *judgement, col.JUROR_ID, col.CRITERION, col.SCORE, "expected", "residual", "z"]
    return pd.concat(frames, ignore_index=True)[columns] if frames else pd.DataFrame(columns=columns)


def residual_flags(data: Festival | Shared, residuals: pd.DataFrame) -> list[Flag]:
    """A warning per score beyond ``residual_cutoff`` robust z."""
    shared = Shared.of(data)
    cutoff, names = shared.config.checks.residual_cutoff, shared.lane_names
    far = residuals[residuals["z"].abs() > cutoff].to_dict("records")
    return [SCORE_OUTLIER.flag(row["lane"],
                      f"{names[row['lane']]}{in_round(row['round'])}: juror {row['juror_id']} gave {judged(row)} "
                      f"{row['score']:g} on {row['criterion']}, where {row['expected']:.1f} was expected from the "
                      f"{'performance' if col.PERFORMANCE in row else 'entry'} and the juror (robust z {row['z']:+.1f}).",
                      juror_id=row["juror_id"], entry_id=row["entry_id"], criterion=row["criterion"], round=row["round"],
                      item=row.get(col.PERFORMANCE, ""), value=row["z"], threshold=cutoff)
            for row in far]



FAMILY = CheckFamily("residuals", score_residuals, residual_flags,
                     kinds=(SCORE_OUTLIER,),
                     shows="sections/jurors.html.j2")
