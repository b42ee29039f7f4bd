"""Assessed AI participation (design section 17): is the lane's minimum met on the evidence, and how sure are we.

Where the festival has ``participation_assessments.csv``, assessors (jurors, or verifiers: ``jurors.csv`` role
``verifier``, who assess and never score) give each entry's AI share per dimension of ``[participation]
weights``. An assessor who rates AI participation higher or lower than the others on every entry (their
*lean*: the assessor effect of the additive model share = entry × dimension + assessor, as a juror's severity)
would move every entry their way, so each share is read with the assessor's lean taken off, the leans centred
on the median assessor's of their connected part of the design (one assessor far from the others does not move
the rest; assessors who share no entry with the others are compared among themselves). The shares and their
intervals are kept within 0–100 and read to :data:`DECIMALS` decimals. Per lane, entry and
dimension: the assessors' mean (so adjusted) share with a 95% interval, ``mean ± t(n − 1) · sd / √n`` over the
assessors; and the blended share, ``Σ weight × share`` of each assessor who assessed every dimension, their mean
with its interval the same way. ``p_eligible``: the share of ``[checks] bootstrap_resamples`` panels of the
entry's assessors, drawn with replacement, whose blend reaches the lane's ``ai_share_min``. ``assessed_raw``:
the plain mean, before the leans. ``declared`` beside: the entry's ``share_<dimension>``, and ``ai_share`` for the
blend. An entry with no assessor who assessed every dimension has no blend.

``participation_assessed.csv``: ``lane, entry_id, dimension`` (``blended`` for the blend), ``n_assessors,
assessed, ci_low, ci_high, declared, minimum, p_eligible``. Companions: ``assessment_agreement.csv`` (per lane
and dimension, Krippendorff's alpha, interval, and ICC(A,1) among the assessors) and ``assessor_lean.csv`` (per
lane and assessor, their lean in points of share from the median assessor's: the additive model share = entry ×
dimension + assessor, as a juror's severity, its assessor effect less the median assessor's, with the effect's 95%
interval so shifted (the median assessor's own uncertainty not added); positive, they rate AI participation
higher than the others).

Flags, in a lane with a minimum (``ai_share_min``) for entries in competition:

- ``ai_share_assessed_below`` (blocker): the blend's interval lies wholly below the minimum;
- ``ai_share_uncertain`` (blocker, until the chair decides): the interval straddles the minimum;
- ``disclosure_disputed`` (warning): the declared share lies outside the assessed interval by more than
  ``[participation] dispute_margin`` points;
- ``assessment_missing`` (warning, one per lane with assessments or a minimum): its entries with no assessed blend
  with an interval, listed by why: no assessment, a single assessor of every dimension, or none of every dimension
  (never silently eligible);
- ``assessor_lean`` (information): an assessor whose lean lies :data:`LEAN_MAX` (5) points of share or more from
  the median assessor's, with its 95% interval clear of the median's (the shares are read with it taken off, so
  it moves no entry).

Cost: O(assessments) for the means, O(resamples × the entries' assessors) for ``p_eligible``, in chunks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special

from analytics.base import columns as col
from analytics.checks.family import CheckFamily
from analytics.checks.flags import Flag, FlagKind
from analytics.checks.severity import rater_effects
from analytics.checks.shared import LaneFit, Shared, lane_rng
from analytics.load.config import FestivalConfig
from analytics.load.festival import Festival

ASSESSED_COLUMNS = [col.LANE, col.ENTRY_ID, col.DIMENSION, "n_assessors", "assessed", "ci_low", "ci_high",
                    "assessed_raw", "declared", "minimum", "p_eligible"]
BLENDED = "blended"

AI_SHARE_ASSESSED_BELOW = FlagKind("ai_share_assessed_below", "blocker")
AI_SHARE_UNCERTAIN = FlagKind("ai_share_uncertain", "blocker")
DISCLOSURE_DISPUTED = FlagKind("disclosure_disputed", "warning")
ASSESSMENT_MISSING = FlagKind("assessment_missing", "warning")
#: information: an assessor whose lean (from the median assessor's) is at least :data:`LEAN_MAX` points of share
ASSESSOR_LEAN = FlagKind("assessor_lean", "info", about_juror=True)
LEAN_MAX = 5.0

#: the assessed shares and their intervals are read to this many decimals (module notes)
DECIMALS = 9
#: resampled assessor panels are drawn in chunks whose arrays hold about this many numbers
CHUNK_VALUES = 2_000_000


def configured(config: FestivalConfig) -> bool:
    """Assessments need the dimensions of ``[participation]`` (the load says so where they are missing)."""
    return config.participation is not None


def _owner_means(values: np.ndarray, owner: np.ndarray, n_owners: int) -> tuple[np.ndarray, ...]:
    """Per owner (an entry and dimension, or an entry's blend): the number of values, their mean and the 95%
    interval ``mean ± t(n − 1, 0.975) · sd / √n`` (NaN for fewer than two). O(values)."""
    n = np.bincount(owner, minlength=n_owners).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.bincount(owner, values, minlength=n_owners) / n
        sd = np.sqrt(np.bincount(owner, (values - mean[owner]) ** 2, minlength=n_owners) / (n - 1))
        half = np.where(n >= 2, special.stdtrit(np.maximum(n - 1, 1), 0.975), np.nan) * sd / np.sqrt(n)
    # a share is 0-100 (an assessor's lean taken off can carry a mean past either end), and read to 9 decimals: a
    # blend of shares given to a tenth, Σ weight × share in floating point, lands on the line, not 1e-14 below it
    return (n.astype(int), *(np.round(np.clip(v, 0.0, 100.0), DECIMALS) for v in (mean, mean - half, mean + half)))


def _p_reaching(values: np.ndarray, owner: np.ndarray, n_owners: int, resamples: int, rng: np.random.Generator,
                minimum: float) -> np.ndarray:
    """Per owner, the share of ``resamples`` panels of its values drawn with replacement whose mean reaches
    ``minimum`` (NaN for an owner with none). A chunk of panels at a time: memory O(values)."""
    order = np.argsort(owner, kind="stable")
    values, owner = values[order], owner[order]
    size = np.bincount(owner, minlength=n_owners)
    start = np.r_[0, np.cumsum(size)[:-1]]
    have = np.flatnonzero(size)
    reached = np.zeros(len(have))
    step = max(1, CHUNK_VALUES // max(len(values), 1))
    for done in range(0, resamples if len(values) else 0, step):  # chunks of panels, not panels
        b = min(step, resamples - done)
        pick = start[owner] + np.minimum((rng.random((b, len(values))) * size[owner]).astype(np.int64), size[owner] - 1)
        reached += (np.add.reduceat(values[pick], start[have], axis=1) / size[have] >= minimum - 1e-9).sum(axis=0)
    p = np.full(n_owners, np.nan)
    p[have] = reached / max(resamples, 1)
    return p


def _reached(p: float, n: int) -> str:
    """``p_eligible`` in words, with how few distinct panels a handful of assessors allows.

    >>> _reached(0.0, 3)
    'resampled panels of its assessors reach the line in 0% (3 assessors allow only 10 distinct panels)'
    """
    distinct = int(special.comb(2 * n - 1, n, exact=True))  # multisets of n of the n assessors
    return (f"resampled panels of its assessors reach the line in {p:.0%}"
            + (f" ({n} assessors allow only {distinct} distinct panels)" if distinct < 100 else ""))


def assessor_leans(rows: pd.DataFrame) -> pd.DataFrame:
    """Each assessor's lean in one lane's assessments (``assessor_id, lean, ci_low, ci_high, n_assessments``): the
    assessor effect of the additive model share = entry × dimension + assessor, with its 95% interval, as a juror's
    severity (:func:`analytics.checks.severity.rater_effects`), and the connected ``part`` of the design it is
    measured in; empty with fewer than two assessors."""
    columns = [col.ASSESSOR_ID, "lean", "ci_low", "ci_high", "n_assessments", "part"]
    if rows[col.ASSESSOR_ID].nunique() < 2:
        return pd.DataFrame(columns=columns)
    dimension, dimensions = pd.factorize(rows[col.DIMENSION])
    unit = pd.factorize(rows[col.ENTRY_ID])[0].astype(np.int64) * len(dimensions) + dimension  # (entry, dimension)
    units = pd.DataFrame({col.ENTRY_ID: unit, col.JUROR_ID: rows[col.ASSESSOR_ID].to_numpy(),
                          col.SCORE: rows[col.SHARE].to_numpy(dtype=float)})
    one = rater_effects(LaneFit.of(units))
    return pd.DataFrame({col.ASSESSOR_ID: one[col.JUROR_ID], "lean": one["severity"], "ci_low": one["ci_low"],
                         "ci_high": one["ci_high"], "n_assessments": one["n_scores"], "part": one["part"]})[columns]


def _lane_leans(shared: Shared, lane: str, rows: pd.DataFrame) -> pd.DataFrame:
    """:func:`assessor_leans` of one lane's assessments measured from the median assessor's of their part of the
    design (lean and interval shifted alike: assessors who share no entry with the others are compared only among
    themselves, an assessor alone on their entries is at 0), once per run (the table, its flags and the companions
    read it)."""
    def compute() -> pd.DataFrame:
        leans = assessor_leans(rows)
        if leans.empty:
            return leans.drop(columns="part")
        median = leans.groupby("part")["lean"].transform("median")
        return leans.assign(lean=leans["lean"] - median, ci_low=leans["ci_low"] - median,
                            ci_high=leans["ci_high"] - median).drop(columns="part")

    return shared.memo(("assessed", "leans", lane), compute)


def _in_competition(festival: Festival, lanes) -> pd.DataFrame:
    """The assessments of the run's lanes, of entries still in the festival (one the chair disqualified is not)."""
    a = festival.assessments
    return a[a[col.LANE].isin(lanes) & a[col.ENTRY_ID].isin(festival.entries[col.ENTRY_ID])]


def assessed(data: Festival | Shared, *, lanes: list[str] | None = None) -> pd.DataFrame:
    """``participation_assessed.csv`` (see the module notes)."""
    shared = Shared.of(data, lanes)
    festival, config = shared.festival, shared.config
    if not festival.has_assessments or config.participation is None:
        return pd.DataFrame(columns=ASSESSED_COLUMNS)
    a = _in_competition(festival, shared.lanes)
    weights = config.participation.weights
    entries = festival.entries.set_index(col.ENTRY_ID)
    frames = []
    for lane, rows in a.groupby(col.LANE, sort=False):  # a few lanes
        minimum = config.lane(lane).ai_share_min
        checks = config.checks
        rng = lane_rng(checks.seed, f"assessed:{lane}")
        leans = _lane_leans(shared, lane, rows).set_index(col.ASSESSOR_ID)["lean"]  # from the median assessor
        raw = rows[col.SHARE].to_numpy(dtype=float)
        share = raw - rows[col.ASSESSOR_ID].map(leans).fillna(0.0).to_numpy(dtype=float)
        # the lane's assessments coded once: entry (sorted ids), dimension (the weights' order), assessor (sorted ids)
        entry_code, entry_ids = pd.factorize(rows[col.ENTRY_ID], sort=True)
        dims = pd.Index(list(weights))
        dim_code = dims.get_indexer(rows[col.DIMENSION])
        assessor_code = pd.factorize(rows[col.ASSESSOR_ID], sort=True)[0]
        # each (entry, dimension) cell: entry code × dimensions + dimension code
        cells, cell = np.unique(entry_code.astype(np.int64) * len(dims) + dim_code, return_inverse=True)
        n, mean, low, high = _owner_means(share, cell, len(cells))
        with np.errstate(invalid="ignore", divide="ignore"):
            raw_mean = np.bincount(cell, raw, minlength=len(cells)) / n
        ids, cell_dim = entry_ids[cells // len(dims)], cells % len(dims)
        declared = np.full(len(cells), np.nan)
        for k, d in enumerate(dims):  # a few dimensions: each one's declared share read at once
            if col.share_column(d) in entries:
                at = cell_dim == k
                declared[at] = entries[col.share_column(d)].reindex(ids[at]).to_numpy(dtype=float)
        frames.append(pd.DataFrame({col.LANE: lane, col.ENTRY_ID: ids, col.DIMENSION: dims[cell_dim], "n_assessors": n,
                                    "assessed": mean, "ci_low": low, "ci_high": high, "assessed_raw": raw_mean,
                                    "declared": declared, "minimum": np.nan, "p_eligible": np.nan}))
        factor = np.array([weights[d] for d in dims], dtype=float)
        frames.append(_blended(shared, lane, Coded(share, raw, entry_code, pd.Index(entry_ids), assessor_code, dim_code),
                               factor, entries, minimum, rng))
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=ASSESSED_COLUMNS)
    order = {d: i for i, d in enumerate([*weights, BLENDED])}
    return out.sort_values([col.LANE, col.ENTRY_ID, col.DIMENSION], key=lambda s: s.map(order) if s.name == col.DIMENSION
                           else s, kind="stable", ignore_index=True)[ASSESSED_COLUMNS]


@dataclass(frozen=True)
class Coded:
    """One lane's assessments as arrays: the shares with the leans taken off and as given, and integer codes of the
    entry (into ``entries``, sorted ids), the assessor (sorted ids) and the dimension (the weights' order)."""

    share: np.ndarray
    raw: np.ndarray
    entry: np.ndarray
    entries: pd.Index
    assessor: np.ndarray
    dimension: np.ndarray


def _blended(shared: Shared, lane: str, coded: Coded, factor: np.ndarray, entries: pd.DataFrame,
             minimum: float | None, rng: np.random.Generator) -> pd.DataFrame:
    """The blend per entry: each complete assessor's weighted share (an assessor who assessed every dimension: the
    load refuses a repeated one), their mean, the interval and ``p_eligible`` from resampled panels of the entry's
    complete assessors (the shares with the leans taken off). O(assessments log assessments): a sort of the
    (entry, assessor) keys, never a table of entries × assessors."""
    n_assessors = int(coded.assessor.max()) + 1 if len(coded.assessor) else 1
    keys, key = np.unique(coded.entry.astype(np.int64) * n_assessors + coded.assessor, return_inverse=True)
    weight = factor[coded.dimension]
    complete = np.bincount(key, minlength=len(keys)) == len(factor)
    blend = np.bincount(key, weight * coded.share, minlength=len(keys))[complete]
    raw_blend = np.bincount(key, weight * coded.raw, minlength=len(keys))[complete]
    owner = keys[complete] // n_assessors  # sorted by entry, then assessor id
    entry_ids = coded.entries
    n, mean, low, high = _owner_means(blend, owner, len(entry_ids))
    with np.errstate(invalid="ignore", divide="ignore"):  # NaN for an entry with no assessor of every dimension
        raw = np.bincount(owner, raw_blend, minlength=len(entry_ids)) / n
    p = (np.full(len(entry_ids), np.nan) if minimum is None else
         _p_reaching(blend, owner, len(entry_ids), shared.config.checks.bootstrap_resamples, rng, minimum))
    declared = entries[col.AI_SHARE].reindex(entry_ids).to_numpy(dtype=float) if col.AI_SHARE in entries else np.nan
    return pd.DataFrame({col.LANE: lane, col.ENTRY_ID: entry_ids, col.DIMENSION: BLENDED, "n_assessors": n,
                         "assessed": mean, "ci_low": low, "ci_high": high, "assessed_raw": raw, "declared": declared,
                         "minimum": np.nan if minimum is None else minimum, "p_eligible": p})


def lean_table(data: Festival | Shared) -> pd.DataFrame:
    """``assessor_lean.csv`` alone (the leans fitted once per lane and run): what an assessor's feedback page reads,
    without the agreement statistics."""
    shared = Shared.of(data)
    columns = [col.LANE, col.ASSESSOR_ID, "lean", "ci_low", "ci_high", "n_assessments"]
    if not shared.festival.has_assessments:
        return pd.DataFrame(columns=columns)
    parts = [_lane_leans(shared, lane, rows).assign(**{col.LANE: lane})  # from the median assessor
             for lane, rows in _in_competition(shared.festival, shared.lanes).groupby(col.LANE, sort=False)]
    return pd.concat(parts, ignore_index=True)[columns] if parts else pd.DataFrame(columns=columns)


def cell_totals(data: Festival | Shared) -> pd.DataFrame:
    """Per (entry, dimension) of the entries still in competition: the sum and number of the shares given, once
    per run (an assessor's page reads the others' mean as the total less their own)."""
    shared = Shared.of(data)

    def compute() -> pd.DataFrame:
        a = _in_competition(shared.festival, shared.lanes)
        return a.assign(**{col.SHARE: a[col.SHARE].astype(float)}).groupby(
            [col.ENTRY_ID, col.DIMENSION])[col.SHARE].agg(["sum", "size"])

    return shared.memo(("assessed", "cell totals"), compute)


def assessment_companions(data: Festival | Shared) -> dict[str, pd.DataFrame]:
    """``assessment_agreement`` and ``assessor_lean`` (see the module notes)."""
    shared = Shared.of(data)
    festival = shared.festival
    agreement_rows = []
    if festival.has_assessments:
        from analytics.stats.agreement import icc, krippendorff_alpha  # (the statistics, where there are assessments)

        for lane, rows in _in_competition(festival, shared.lanes).groupby(col.LANE, sort=False):
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
    agreement = pd.DataFrame(agreement_rows, columns=[col.LANE, col.DIMENSION, "alpha_interval", "icc_a1", "n_entries",
                                                      "n_assessors"])
    return {"assessment_agreement": agreement, "assessor_lean": lean_table(shared)}


def assessed_flags(data: Festival | Shared, table: pd.DataFrame) -> list[Flag]:
    """The four flags of the module notes."""
    shared = Shared.of(data)
    festival, config, names = shared.festival, shared.config, shared.lane_names
    flags: list[Flag] = []
    if not festival.has_assessments:
        return flags
    blended = table[table[col.DIMENSION] == BLENDED]
    minimum = blended[col.LANE].map({lane: config.lane(lane).ai_share_min for lane in blended[col.LANE].unique()}
                                    ).astype(float)  # NaN where a lane has no minimum
    judged = blended[col.LANE].map({lane: config.lane(lane).in_competition for lane in blended[col.LANE].unique()})
    has_line = minimum.notna() & judged.astype(bool) & blended["ci_high"].notna()
    below = has_line & (blended["ci_high"] < minimum)
    across = has_line & ~below & (blended["ci_low"] < minimum) & (minimum <= blended["ci_high"])
    margin = config.participation.dispute_margin
    disputed = (blended["declared"].notna() & blended["ci_low"].notna()
                & ((blended["declared"] < blended["ci_low"] - margin) | (blended["declared"] > blended["ci_high"] + margin)))
    titles = festival.entries.set_index(col.ENTRY_ID)[col.TITLE]
    for row in blended[below | across | disputed].itertuples(index=False):  # only the entries flagged
        what = f"{names[row.lane]}: {row.entry_id} ({titles.get(row.entry_id, '')})"
        interval = (f"{row.assessed:.1f}% (95% interval {row.ci_low:.1f} to {row.ci_high:.1f}, {row.n_assessors} "
                    "assessors, each assessor's lean taken off)")
        line = config.lane(row.lane).ai_share_min
        if line is not None and config.lane(row.lane).in_competition and not np.isnan(row.ci_high):
            if row.ci_high < line:
                flags.append(AI_SHARE_ASSESSED_BELOW.flag(row.lane,
                    f"{what}: the assessors put its AI participation at {interval}, wholly below the lane's "
                    f"{line:g}%: on the evidence it does not meet the lane's standard.",
                    entry_id=row.entry_id, value=row.assessed, threshold=line))
            elif row.ci_low < line <= row.ci_high:
                flags.append(AI_SHARE_UNCERTAIN.flag(row.lane,
                    f"{what}: the assessors put its AI participation at {interval}, an interval across the lane's "
                    f"{line:g}%; {_reached(row.p_eligible, row.n_assessors)}: the chair decides whether it stays in "
                    "competition.",
                    entry_id=row.entry_id, value=row.p_eligible, threshold=line))
        if not np.isnan(row.declared) and not np.isnan(row.ci_low) and not (
                row.ci_low - margin <= row.declared <= row.ci_high + margin):
            flags.append(DISCLOSURE_DISPUTED.flag(row.lane,
                f"{what}: it declares {row.declared:g}% AI participation, more than {margin:g} points outside the "
                f"assessors' {interval}.",
                entry_id=row.entry_id, value=row.declared, threshold=row.assessed))
    lean_parts = [_lane_leans(shared, lane, rows).assign(**{col.LANE: lane})
                  for lane, rows in _in_competition(festival, shared.lanes).groupby(col.LANE, sort=False)]
    for leans in lean_parts:
        offs = leans["lean"]  # from the median assessor of their part of the design
        # 5 points or more from the median assessor, and the interval clear of it (an assessor of a few entries
        # whose noise alone puts them there is not named; beyond the dense covariance's reach no interval: the lean)
        clear = ~((leans["ci_low"] <= 0) & (0 <= leans["ci_high"]))
        lean_out = (offs.abs() >= LEAN_MAX) & clear
        for row, off in zip(leans[lean_out].itertuples(index=False), offs[lean_out]):
            flags.append(ASSESSOR_LEAN.flag(row.lane,
                f"{names[row.lane]}: assessor {row.assessor_id} rates AI participation {abs(off):.1f} points "
                f"{'higher' if off > 0 else 'lower'} than the median assessor on the same entries and dimensions; the "
                "assessed shares are read with each assessor's lean taken off.",
                juror_id=row.assessor_id, value=off, threshold=LEAN_MAX))
    assessed_lanes = set(festival.assessments[col.LANE].unique())
    have = set(festival.assessments[col.ENTRY_ID].unique())
    complete = blended.set_index(col.ENTRY_ID)["n_assessors"]  # per assessed entry: assessors of every dimension
    for lane in shared.lanes:  # a few lanes
        spec = config.lane(lane)
        if lane not in assessed_lanes and (spec.ai_share_min is None or not spec.in_competition):
            continue
        ids = festival.entries.loc[festival.entries[col.CATEGORY] == lane, col.ENTRY_ID]
        n = complete.reindex(ids).to_numpy(dtype=float)
        groups = [("no assessment", sorted(set(ids) - have)),
                  ("a single assessor of every dimension", sorted(ids[n == 1])),
                  ("no assessor of every dimension", sorted(ids[(n == 0) & ids.isin(have)]))]
        total = sum(len(g) for _, g in groups)
        if total:
            listed = "; ".join(f"{what}: " + ", ".join(g[:20]) + (f" and {len(g) - 20} more" if len(g) > 20 else "")
                               for what, g in groups if g)
            flags.append(ASSESSMENT_MISSING.flag(lane,
                f"{names[lane]}: {total} entr{'y has' if total == 1 else 'ies have'} no assessed AI participation "
                f"with an interval, so nothing but the entrant's declaration stands for their share ({listed}).",
                value=total, threshold=0))
    return flags


FAMILY = CheckFamily("participation_assessed", assessed, assessed_flags,
                     kinds=(AI_SHARE_ASSESSED_BELOW, AI_SHARE_UNCERTAIN, DISCLOSURE_DISPUTED, ASSESSMENT_MISSING,
                            ASSESSOR_LEAN),
                     configured=configured, output=True, columns=tuple(ASSESSED_COLUMNS),
                     companions=assessment_companions, shows="sections/participation.html.j2")
