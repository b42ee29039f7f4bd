"""Scores far from what the model expects, and the entries the jury disagrees on most.

A score's expected value is entry effect + juror effect from the additive model fitted to
its lane and criterion, kept within the score scale; its residual is scaled robustly (1.4826 × the median absolute
residual of the lane and criterion, so the outliers themselves do not inflate the scale).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import columns as col
from .festival import Festival
from .flags import Flag, make_flag
from .shared import Shared

MAD_TO_SD = 1.4826  # MAD of a normal distribution times this is its standard deviation


def score_residuals(data: Festival | Shared, *, lanes: list[str] | None = None) -> pd.DataFrame:
    """Every score with ``expected`` (entry + juror effect, per lane and criterion),
    ``residual`` and robust ``z``."""
    shared = Shared.of(data, lanes)
    return shared.memo(("residuals",), lambda: _residuals(shared))  # the residuals check's table, and drift's input


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
    columns = [col.LANE, col.ROUND, col.ENTRY_ID, col.JUROR_ID, col.CRITERION, col.SCORE, "expected", "residual", "z"]
    return pd.concat(frames, ignore_index=True)[columns] if frames else pd.DataFrame(columns=columns)


def disagreement(data: Festival | Shared, *, lanes: list[str] | None = None) -> pd.DataFrame:
    """Per entry: spread of the jurors' weighted totals (``sd``, ``range``) and its robust
    z within the lane (how unusual the disagreement is)."""
    totals = Shared.of(data, lanes).totals
    spread = totals.groupby([col.LANE, col.ROUND, col.ENTRY_ID])[col.SCORE].agg(n_jurors="size", mean="mean", sd="std",
                                                                       low="min", high="max").reset_index()
    spread["range"] = spread["high"] - spread["low"]
    stage = spread.groupby([col.LANE, col.ROUND])["sd"]
    median = stage.transform("median")
    mad = MAD_TO_SD * (spread["sd"] - median).abs().groupby([spread[col.LANE], spread[col.ROUND]]).transform("median")
    spread["z"] = (spread["sd"] - median) / mad.where(mad > 0)
    return spread.sort_values([col.LANE, col.ROUND, "sd"], ascending=[True, True, False], ignore_index=True)


def _in(rnd: str) -> str:
    return f", round {rnd}" if rnd else ""


def residual_flags(data: Festival | Shared, residuals: pd.DataFrame) -> list[Flag]:
    """A warning per score beyond ``residual_cutoff`` robust z."""
    shared = Shared.of(data)
    cutoff, names = shared.config.checks.residual_cutoff, shared.lane_names
    far = residuals[residuals["z"].abs() > cutoff]
    return [make_flag("score_outlier", "warning", row.lane,
                      f"{names[row.lane]}{_in(row.round)}: juror {row.juror_id} gave {row.entry_id} {row.score:g} on {row.criterion}, "
                      f"where {row.expected:.1f} was expected from the entry and the juror (robust z {row.z:+.1f}).",
                      juror_id=row.juror_id, entry_id=row.entry_id, criterion=row.criterion, round=row.round, value=row.z,
                      threshold=cutoff)
            for row in far.itertuples(index=False)]


def disagreement_flags(data: Festival | Shared, spread: pd.DataFrame) -> list[Flag]:
    """Information for entries whose disagreement is beyond ``disagreement_z`` robust z in their lane."""
    shared = Shared.of(data)
    bar, names = shared.config.checks.disagreement_z, shared.lane_names
    return [make_flag("entry_disagreement", "info", row.lane,
                      f"{names[row.lane]}{_in(row.round)}: the jurors disagree most on {row.entry_id}: their totals run from "
                      f"{row.low:.1f} to {row.high:.1f} (sd {row.sd:.2f}).", entry_id=row.entry_id, round=row.round, value=row.z,
                      threshold=bar)
            for row in spread[spread["z"] > bar].itertuples(index=False)]
