"""Scores far from what the model expects, and the entries the jury disagrees on most.

A score's expected value is entry effect + juror effect from the additive model fitted to
its lane and criterion, kept within the score scale; its residual is scaled robustly (1.4826 × the median absolute
residual of the lane and criterion, so the outliers themselves do not inflate the scale).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import columns as col
from .additive import fit_additive
from .festival import Festival
from .flags import Flag, make_flag
from .scoring import weighted_totals

MAD_TO_SD = 1.4826  # MAD of a normal distribution times this is its standard deviation


def score_residuals(festival: Festival) -> pd.DataFrame:
    """Every score with ``expected`` (entry + juror effect, per lane and criterion),
    ``residual`` and robust ``z``."""
    frames = []
    for (lane, criterion), data in festival.scores.groupby([col.LANE, col.CRITERION], sort=False):
        unit, units = pd.factorize(data[col.ENTRY_ID])
        rater, raters = pd.factorize(data[col.JUROR_ID])
        y = data[col.SCORE].to_numpy(dtype=float)
        fit = fit_additive(unit, rater, y, len(units), len(raters))
        scale_ = festival.config.scale
        expected = np.clip(fit.fitted, scale_.minimum, scale_.maximum)  # no score can exceed the scale
        residual = y - expected
        scale = MAD_TO_SD * np.median(np.abs(residual - np.median(residual)))
        with np.errstate(divide="ignore", invalid="ignore"):
            z = residual / scale if scale > 0 else np.full(len(y), np.nan)
        frames.append(data[[col.LANE, col.ENTRY_ID, col.JUROR_ID, col.CRITERION, col.SCORE]].assign(
            expected=expected, residual=residual, z=z))
    return pd.concat(frames, ignore_index=True)


def disagreement(festival: Festival) -> pd.DataFrame:
    """Per entry: spread of the jurors' weighted totals (``sd``, ``range``) and its robust
    z within the lane (how unusual the disagreement is)."""
    totals = weighted_totals(festival)
    spread = totals.groupby([col.LANE, col.ENTRY_ID])[col.SCORE].agg(n_jurors="size", mean="mean", sd="std",
                                                                       low="min", high="max").reset_index()
    spread["range"] = spread["high"] - spread["low"]
    median = spread.groupby(col.LANE)["sd"].transform("median")
    mad = spread.groupby(col.LANE)["sd"].transform(lambda s: MAD_TO_SD * (s - s.median()).abs().median())
    spread["z"] = (spread["sd"] - median) / mad.where(mad > 0)
    return spread.sort_values([col.LANE, "sd"], ascending=[True, False], ignore_index=True)


def outlier_flags(festival: Festival, residuals: pd.DataFrame, spread: pd.DataFrame) -> list[Flag]:
    """A warning per score beyond ``residual_cutoff`` robust z; information for entries whose
    disagreement is beyond ``disagreement_z`` robust z in their lane."""
    checks = festival.config.checks
    names = festival.lane_names()
    flags = []
    far = residuals[residuals["z"].abs() > checks.residual_cutoff]
    for row in far.itertuples(index=False):
        flags.append(make_flag("score_outlier", "warning", row.lane, "score",
                               f"{row.juror_id}:{row.entry_id}:{row.criterion}",
                               f"{names[row.lane]}: juror {row.juror_id} gave {row.entry_id} {row.score:g} on {row.criterion}, "
                               f"where {row.expected:.1f} was expected from the entry and the juror (robust z {row.z:+.1f}).",
                               row.z, checks.residual_cutoff))
    for row in spread[spread["z"] > checks.disagreement_z].itertuples(index=False):
        flags.append(make_flag("entry_disagreement", "info", row.lane, "entry", row.entry_id,
                               f"{names[row.lane]}: the jurors disagree most on {row.entry_id}: their totals run from "
                               f"{row.low:.1f} to {row.high:.1f} (sd {row.sd:.2f}).", row.z, checks.disagreement_z))
    return flags
