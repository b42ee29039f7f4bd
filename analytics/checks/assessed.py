"""Assessed AI participation (design section 17): is the lane's minimum met on the evidence, and how sure are we.

Where the festival has ``participation_assessments.csv``, assessors (jurors, or verifiers: ``jurors.csv`` role
``verifier``, who assess and never score) give each entry's AI share per dimension of ``[participation]
weights``. Per lane, entry and dimension: the assessors' mean share; and the blended share, ``Σ weight ×
share`` of each assessor who assessed every dimension, their mean. Each with a 95% interval from the same
``[checks] bootstrap_resamples`` panels of assessors, drawn with replacement from the entry's own (percentile
interval; with three assessors it is close to the range of their values, which is what three assessors can
tell); ``p_eligible``: the share of those panels whose blend reaches the lane's ``ai_share_min``, so the
interval and the probability never disagree. An entry with no assessor who assessed every dimension has no
blend. ``declared`` beside: the entry's ``share_<dimension>``, and ``ai_share`` for the blend.

``participation_assessed.csv``: ``lane, entry_id, dimension`` (``blended`` for the blend), ``n_assessors,
assessed, ci_low, ci_high, declared, minimum, p_eligible``. Companions: ``assessment_agreement.csv`` (per lane
and dimension, Krippendorff's alpha, interval, and ICC(A,1) among the assessors) and ``assessor_lean.csv`` (per
lane and assessor, their lean in points of share from the additive model share = entry × dimension + assessor,
with its 95% interval, as a juror's severity: positive, they rate AI participation higher than the others).

Flags, in a lane with a minimum (``ai_share_min``) for entries in competition:

- ``ai_share_assessed_below`` (blocker): the blend's interval lies wholly below the minimum;
- ``ai_share_uncertain`` (blocker, until the chair decides): the interval straddles the minimum;
- ``disclosure_disputed`` (warning): the declared share lies outside the assessed interval;
- ``assessment_missing`` (warning, one per lane): entries of a lane with assessments that have none, listed.

Cost: O(assessments) for the means, O(resamples × the entries' assessors) for ``p_eligible``, in chunks.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.base import columns as col
from analytics.checks.family import CheckFamily
from analytics.checks.flags import Flag, FlagKind
from analytics.checks.severity import _severity_one
from analytics.checks.shared import LaneFit, Shared, lane_rng
from analytics.load.config import FestivalConfig
from analytics.load.festival import Festival
from analytics.stats.streaming import Tails, tail_size

ASSESSED_COLUMNS = [col.LANE, col.ENTRY_ID, col.DIMENSION, "n_assessors", "assessed", "ci_low", "ci_high", "declared",
                    "minimum", "p_eligible"]
BLENDED = "blended"

AI_SHARE_ASSESSED_BELOW = FlagKind("ai_share_assessed_below", "blocker")
AI_SHARE_UNCERTAIN = FlagKind("ai_share_uncertain", "blocker")
DISCLOSURE_DISPUTED = FlagKind("disclosure_disputed", "warning")
ASSESSMENT_MISSING = FlagKind("assessment_missing", "warning")

#: resampled assessor panels are drawn in chunks whose arrays hold about this many numbers
CHUNK_VALUES = 2_000_000


def configured(config: FestivalConfig) -> bool:
    """Assessments need the dimensions of ``[participation]`` (the load says so where they are missing)."""
    return config.participation is not None


QS = (0.025, 0.975)


def _resampled(values: np.ndarray, owner: np.ndarray, n_owners: int, resamples: int, rng: np.random.Generator,
               minimum: float | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each owner's mean of ``values`` (one per assessor, grouped by ``owner``) over ``resamples`` panels of its
    assessors drawn with replacement: the 95% percentile interval (low, high) and the share of panels whose mean
    reaches ``minimum`` (NaN without one, or for an owner with no value). A chunk of panels at a time, the
    intervals kept as tails (:class:`~analytics.stats.streaming.Tails`): memory O(owners)."""
    order = np.argsort(owner, kind="stable")
    values, owner = values[order], owner[order]
    size = np.bincount(owner, minlength=n_owners)
    start = np.r_[0, np.cumsum(size)[:-1]]
    have = np.flatnonzero(size)
    tails = Tails(len(have), tail_size(resamples, QS))
    reached = np.zeros(len(have))
    step = max(1, CHUNK_VALUES // max(len(values), 1))
    for done in range(0, resamples if len(values) else 0, step):  # chunks of panels, not panels
        b = min(step, resamples - done)
        pick = start[owner] + np.minimum((rng.random((b, len(values))) * size[owner]).astype(np.int64), size[owner] - 1)
        means = np.add.reduceat(values[pick], start[have], axis=1) / size[have]
        tails.add(means)
        if minimum is not None:
            reached += (means >= minimum - 1e-9).sum(axis=0)
    low, high, p = np.full(n_owners, np.nan), np.full(n_owners, np.nan), np.full(n_owners, np.nan)
    if len(values):
        low[have], high[have] = tails.quantiles(QS)
        if minimum is not None:
            p[have] = reached / resamples
    return low, high, p


def assessed(data: Festival | Shared, *, lanes: list[str] | None = None) -> pd.DataFrame:
    """``participation_assessed.csv`` (see the module notes)."""
    shared = Shared.of(data, lanes)
    festival, config = shared.festival, shared.config
    if not festival.has_assessments or config.participation is None:
        return pd.DataFrame(columns=ASSESSED_COLUMNS)
    a = festival.assessments[festival.assessments[col.LANE].isin(shared.lanes)]
    weights = config.participation.weights
    entries = festival.entries.set_index(col.ENTRY_ID)
    frames = []
    for lane, rows in a.groupby(col.LANE, sort=False):  # a few lanes
        minimum = config.lane(lane).ai_share_min
        checks = config.checks
        rng = lane_rng(checks.seed, f"assessed:{lane}")
        cell, cells = pd.MultiIndex.from_frame(rows[[col.ENTRY_ID, col.DIMENSION]]).factorize(sort=True)
        cells = pd.MultiIndex.from_tuples(list(cells), names=[col.ENTRY_ID, col.DIMENSION])
        per = rows.groupby([col.ENTRY_ID, col.DIMENSION])[col.SHARE].agg(["size", "mean"]).reindex(cells).reset_index()
        low, high, _ = _resampled(rows[col.SHARE].to_numpy(dtype=float), cell, len(cells), checks.bootstrap_resamples, rng)
        declared_of = {d: entries[col.share_column(d)] if col.share_column(d) in entries else None for d in weights}
        declared = [declared_of[d].get(e, np.nan) if declared_of[d] is not None else np.nan
                    for e, d in zip(per[col.ENTRY_ID], per[col.DIMENSION])]
        frames.append(pd.DataFrame({col.LANE: lane, col.ENTRY_ID: per[col.ENTRY_ID], col.DIMENSION: per[col.DIMENSION],
                                    "n_assessors": per["size"], "assessed": per["mean"], "ci_low": low, "ci_high": high,
                                    "declared": declared, "minimum": np.nan, "p_eligible": np.nan}))
        frames.append(_blended(shared, lane, rows, weights, entries, minimum, rng))
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=ASSESSED_COLUMNS)
    order = {d: i for i, d in enumerate([*weights, BLENDED])}
    return out.sort_values([col.LANE, col.ENTRY_ID, col.DIMENSION], key=lambda s: s.map(order) if s.name == col.DIMENSION
                           else s, kind="stable", ignore_index=True)[ASSESSED_COLUMNS]


def _blended(shared: Shared, lane: str, rows: pd.DataFrame, weights: dict[str, float], entries: pd.DataFrame,
             minimum: float | None, rng: np.random.Generator) -> pd.DataFrame:
    """The blend per entry: each complete assessor's weighted share, their mean, the interval and
    ``p_eligible`` from resampled panels of the entry's complete assessors."""
    dims = list(weights)
    wide = rows.pivot_table(index=[col.ENTRY_ID, col.ASSESSOR_ID], columns=col.DIMENSION, values=col.SHARE,
                            aggfunc="first").reindex(columns=dims)
    complete = wide.dropna()
    blend = complete.to_numpy() @ np.array([weights[d] for d in dims])
    entry_ids = pd.Index(sorted(rows[col.ENTRY_ID].unique()))
    owner = entry_ids.get_indexer(complete.index.get_level_values(0))
    n = np.bincount(owner, minlength=len(entry_ids))
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.bincount(owner, blend, minlength=len(entry_ids)) / n
    low, high, p = _resampled(blend, owner, len(entry_ids), shared.config.checks.bootstrap_resamples, rng, minimum)
    declared = entries[col.AI_SHARE].reindex(entry_ids).to_numpy(dtype=float) if col.AI_SHARE in entries else np.nan
    return pd.DataFrame({col.LANE: lane, col.ENTRY_ID: entry_ids, col.DIMENSION: BLENDED, "n_assessors": n,
                         "assessed": mean, "ci_low": low, "ci_high": high, "declared": declared,
                         "minimum": np.nan if minimum is None else minimum, "p_eligible": p})


def assessment_companions(data: Festival | Shared) -> dict[str, pd.DataFrame]:
    """``assessment_agreement`` and ``assessor_lean`` (see the module notes)."""
    shared = Shared.of(data)
    festival = shared.festival
    agreement_rows, lean_parts = [], []
    if festival.has_assessments:
        from analytics.stats.agreement import icc, krippendorff_alpha  # (the statistics, where there are assessments)

        a = festival.assessments[festival.assessments[col.LANE].isin(shared.lanes)]
        for lane, rows in a.groupby(col.LANE, sort=False):
            for dimension, part in rows.groupby(col.DIMENSION, sort=False):  # a few dimensions
                data_ = part.rename(columns={col.ASSESSOR_ID: col.JUROR_ID, col.SHARE: col.SCORE})
                alpha = krippendorff_alpha(data_).estimate if part[col.ENTRY_ID].nunique() > 1 else np.nan
                try:
                    coefficient = icc(data_, form="ICC2").estimate
                except ValueError:  # too few entries or assessors for the variance components
                    coefficient = np.nan
                agreement_rows.append({col.LANE: lane, col.DIMENSION: dimension, "alpha_interval": alpha,
                                       "icc_a1": coefficient, "n_entries": part[col.ENTRY_ID].nunique(),
                                       "n_assessors": part[col.ASSESSOR_ID].nunique()})
            units = rows.assign(**{col.ENTRY_ID: rows[col.ENTRY_ID] + "\x1f" + rows[col.DIMENSION],
                                   col.JUROR_ID: rows[col.ASSESSOR_ID], col.SCORE: rows[col.SHARE]})
            if units[col.JUROR_ID].nunique() >= 2:
                one = _severity_one(LaneFit.of(units[[col.ENTRY_ID, col.JUROR_ID, col.SCORE]]))
                lean_parts.append(pd.DataFrame({col.LANE: lane, col.ASSESSOR_ID: one[col.JUROR_ID], "lean": one["severity"],
                                                "ci_low": one["ci_low"], "ci_high": one["ci_high"],
                                                "n_assessments": one["n_scores"]}))
    agreement = pd.DataFrame(agreement_rows, columns=[col.LANE, col.DIMENSION, "alpha_interval", "icc_a1", "n_entries",
                                                      "n_assessors"])
    lean = (pd.concat(lean_parts, ignore_index=True) if lean_parts else
            pd.DataFrame(columns=[col.LANE, col.ASSESSOR_ID, "lean", "ci_low", "ci_high", "n_assessments"]))
    return {"assessment_agreement": agreement, "assessor_lean": lean}


def assessed_flags(data: Festival | Shared, table: pd.DataFrame) -> list[Flag]:
    """The four flags of the module notes."""
    shared = Shared.of(data)
    festival, config, names = shared.festival, shared.config, shared.lane_names
    flags: list[Flag] = []
    if not festival.has_assessments:
        return flags
    blended = table[table[col.DIMENSION] == BLENDED]
    titles = festival.entries.set_index(col.ENTRY_ID)[col.TITLE]
    for row in blended.itertuples(index=False):
        lane = config.lane(row.lane)
        what = f"{names[row.lane]}: {row.entry_id} ({titles.get(row.entry_id, '')})"
        interval = (f"{row.assessed:.1f}% (95% interval over resampled assessors {row.ci_low:.1f} to {row.ci_high:.1f}, "
                    f"{row.n_assessors} assessors)")
        if lane.ai_share_min is not None and lane.in_competition and not np.isnan(row.ci_high):
            minimum = lane.ai_share_min
            if row.ci_high < minimum:
                flags.append(AI_SHARE_ASSESSED_BELOW.flag(row.lane,
                    f"{what}: the assessors put its AI participation at {interval}, wholly below the lane's "
                    f"{minimum:g}%: on the evidence it does not meet the lane's standard.",
                    entry_id=row.entry_id, value=row.assessed, threshold=minimum))
            elif row.ci_low < minimum <= row.ci_high:
                flags.append(AI_SHARE_UNCERTAIN.flag(row.lane,
                    f"{what}: the assessors put its AI participation at {interval}, an interval across the lane's "
                    f"{minimum:g}% (it reaches it in {row.p_eligible:.0%} of resampled assessor panels): the chair "
                    "decides whether it stays in competition.",
                    entry_id=row.entry_id, value=row.p_eligible, threshold=minimum))
        if not np.isnan(row.declared) and not np.isnan(row.ci_low) and not row.ci_low <= row.declared <= row.ci_high:
            flags.append(DISCLOSURE_DISPUTED.flag(row.lane,
                f"{what}: it declares {row.declared:g}% AI participation, outside the assessors' {interval}.",
                entry_id=row.entry_id, value=row.declared, threshold=row.assessed))
    assessed_lanes = set(festival.assessments[col.LANE])
    have = set(festival.assessments[col.ENTRY_ID])
    for lane in shared.lanes:
        if lane not in assessed_lanes:
            continue
        missing = sorted(set(festival.entries.loc[festival.entries[col.CATEGORY] == lane, col.ENTRY_ID]) - have)
        if missing:
            shown = ", ".join(missing[:20]) + (f" and {len(missing) - 20} more" if len(missing) > 20 else "")
            flags.append(ASSESSMENT_MISSING.flag(lane,
                f"{names[lane]}: {len(missing)} entr{'y has' if len(missing) == 1 else 'ies have'} no assessment of AI "
                f"participation, so nothing but the entrant's declaration stands for their share: {shown}.",
                value=len(missing), threshold=0))
    return flags


FAMILY = CheckFamily("participation_assessed", assessed, assessed_flags,
                     kinds=(AI_SHARE_ASSESSED_BELOW, AI_SHARE_UNCERTAIN, DISCLOSURE_DISPUTED, ASSESSMENT_MISSING),
                     configured=configured, output=True, columns=tuple(ASSESSED_COLUMNS),
                     companions=assessment_companions, shows="sections/participation.html.j2")
