"""Eligibility of each entry under the festival's rules (design sections 2 and 4).

:func:`eligibility_table` gives one row per entry with every rule's outcome (what
``jury check`` writes as ``eligibility.csv``); :func:`eligibility_flags` turns the outcomes
into flags. The rules, all configured in ``festival.toml``:

- **AI share band** (``[[lanes]] ai_share_min``, ``ai_share_typical_max``): a declared share
  below the minimum is a blocker; the minimum itself is inside (51.0 qualifies, 50.99 does
  not); above the typical maximum is information. An undeclared share in a lane with a
  band is a blocker: eligibility cannot be established.
- **Near the line** (``near_threshold_margin``): minimum ≤ share < minimum + margin is
  information, so the chair looks twice.
- **Disclosure** (``[participation]``): the declared share against the weighted blend of
  the dimension shares; a gap beyond ``disclosure_tolerance`` points is a warning; a
  dimension not declared is a warning (the blend is then not computed, never imputed).
- **Runtime** (``[requirements]``): a feature runs *more than* ``feature_min_runtime``
  (30.0 is a short); a short runs ``short_min_runtime`` or more (5.0 is a short); below
  that an entry is ineligible (blocker) unless its lane sets ``allow_under_short``.
- **Appendix and authorship**: each required appendix part not confirmed is a warning;
  authorship proof not confirmed is a blocker when ``authorship_proof = "required"``.
- **Master**: below ``min_resolution_lines`` a blocker, below
  ``preferred_resolution_lines`` information, an unreadable or absent resolution a
  warning; no lossless audio is information (``"preferred"``) or a blocker (``"required"``).

Blockers apply to lanes in competition; elsewhere they are downgraded to warnings.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import columns as col
from ..festival import Festival
from ..flags import Flag, make_flag
from .resolution import resolution_lines

ELIGIBILITY_COLUMNS = [
    "entry_id", "lane", "title", "ai_share", "blend", "blend_gap", "band", "near_threshold", "disclosure",
    "missing_dimensions", "runtime_min", "runtime_class", "appendix_missing", "authorship_proof", "resolution",
    "resolution_lines", "master", "lossless_audio", "n_blockers", "n_warnings", "n_info", "eligible"]


def blend(entries: pd.DataFrame, weights: dict[str, float]) -> pd.Series:
    r"""The weighted blend :math:`\sum_d w_d \, s_d` of the dimension shares (weights sum to 1);
    NaN for an entry with any dimension not declared (never imputed).

    >>> import pandas as pd
    >>> e = pd.DataFrame({"share_a": [60.0, 80.0], "share_b": [40.0, None]})
    >>> blend(e, {"a": 0.75, "b": 0.25}).tolist()
    [55.0, nan]
    """
    shares = entries[[col.share_column(d) for d in weights]].to_numpy(dtype=float)
    return pd.Series(shares @ np.array(list(weights.values())), index=entries.index)


def runtime_class(runtime: pd.Series, feature_min: float, short_min: float) -> pd.Series:
    """``feature`` (> feature_min), ``short`` (short_min to feature_min, both included),
    ``too_short`` (below short_min) or ``unknown`` (not declared).

    >>> import pandas as pd
    >>> runtime_class(pd.Series([30.0, 30.01, 5.0, 4.99, None]), 30.0, 5.0).tolist()
    ['short', 'feature', 'short', 'too_short', 'unknown']
    """
    return pd.Series(np.select([runtime.isna(), runtime > feature_min, runtime >= short_min],
                               ["unknown", "feature", "short"], default="too_short"), index=runtime.index)


def eligibility_table(festival: Festival) -> pd.DataFrame:
    """Every rule's outcome for every entry, one row per entry (see the module notes)."""
    config, entries = festival.config, festival.entries
    p, req = config.participation, config.requirements
    lanes = {lane.id: lane for lane in config.lanes}
    lane = entries[col.CATEGORY]
    share = entries[col.AI_SHARE]
    low = lane.map(lambda l: lanes[l].ai_share_min).astype(float)
    high = lane.map(lambda l: lanes[l].ai_share_typical_max).astype(float)
    mixed = blend(entries, dict(p.weights))
    dims = [col.share_column(d) for d in p.dimensions]
    missing_dims = pd.Series([";".join(d for d, gone in zip(p.dimensions, row) if gone)
                              for row in entries[dims].isna().to_numpy()], index=entries.index, dtype=object)
    band = np.select([low.isna(), share.isna(), share < low, share > high],
                     ["no_band", "not_declared", "below_minimum", "above_typical"], default="in_band")
    near = (share >= low) & (share < low + p.near_threshold_margin)
    gap = share - mixed
    disclosure = np.select([missing_dims != "", share.isna(), gap.abs() > p.disclosure_tolerance],
                           ["incomplete", "not_declared", "inconsistent"], default="consistent")
    confirmed = entries[[col.appendix_column(part) for part in req.appendix]].fillna(False).astype(bool)
    appendix_missing = pd.Series([";".join(part for part, ok in zip(req.appendix, row) if not ok)
                                  for row in confirmed.to_numpy()], index=entries.index, dtype=object)
    lines = entries[col.RESOLUTION].map(lambda text: resolution_lines(text) if isinstance(text, str) else None)
    lines = pd.to_numeric(lines, errors="coerce")
    master = np.select([entries[col.RESOLUTION].isna(), lines.isna(), lines < req.min_resolution_lines,
                        lines < req.preferred_resolution_lines],
                       ["not_declared", "unreadable", "below_minimum", "below_preferred"], default="preferred")
    table = pd.DataFrame({
        "entry_id": entries[col.ENTRY_ID], "lane": lane, "title": entries[col.TITLE], "ai_share": share,
        "blend": mixed, "blend_gap": gap, "band": band, "near_threshold": near.fillna(False).astype(bool),
        "disclosure": disclosure, "missing_dimensions": missing_dims, "runtime_min": entries[col.RUNTIME_MIN],
        "runtime_class": runtime_class(entries[col.RUNTIME_MIN], req.feature_min_runtime, req.short_min_runtime),
        "appendix_missing": appendix_missing,
        "authorship_proof": entries[col.AUTHORSHIP_PROOF].map({True: "yes", False: "no"}).fillna("not_declared"),
        "resolution": entries[col.RESOLUTION], "resolution_lines": lines, "master": master,
        "lossless_audio": entries[col.LOSSLESS_AUDIO].map({True: "yes", False: "no"}).fillna("not_declared"),
    })
    counts = _flags_by_entry(festival, table)
    for severity in ("blocker", "warning", "info"):
        table[f"n_{severity}s" if severity != "info" else "n_info"] = table["entry_id"].map(
            counts.get(severity, {})).fillna(0).astype(np.int64)
    table["eligible"] = table["n_blockers"] == 0
    return table[ELIGIBILITY_COLUMNS].reset_index(drop=True)


def _flags_by_entry(festival: Festival, table: pd.DataFrame) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {}
    for flag in _rule_flags(festival, table):
        per = counts.setdefault(flag.severity, {})
        per[flag.entity_id] = per.get(flag.entity_id, 0) + 1
    return counts


def eligibility_flags(festival: Festival, table: pd.DataFrame | None = None) -> list[Flag]:
    """The flags of every rule for every entry (ids ``check:lane:entry_id``)."""
    return _rule_flags(festival, eligibility_table(festival) if table is None else table)


def _rule_flags(festival: Festival, table: pd.DataFrame) -> list[Flag]:
    config = festival.config
    p, req = config.participation, config.requirements
    lanes = {lane.id: lane for lane in config.lanes}
    flags: list[Flag] = []
    for row in table.itertuples(index=False):
        lane = lanes[row.lane]
        blocker = "blocker" if lane.in_competition else "warning"

        def add(check, severity, message, value=float("nan"), threshold=float("nan")):
            flags.append(make_flag(check, severity, row.lane, "entry", row.entry_id,
                                   f"{row.entry_id} ({row.title}): {message}", value, threshold))

        if row.band == "below_minimum":
            add("ai_share_below_band", blocker, f"declares {row.ai_share:g}% AI participation, below the "
                f"{lane.name} minimum of {lane.ai_share_min:g}%: it does not belong in this lane.",
                row.ai_share, lane.ai_share_min)
        elif row.band == "not_declared":
            add("ai_share_missing", blocker, f"declares no AI share, so its place in {lane.name} "
                f"(minimum {lane.ai_share_min:g}%) cannot be established.", threshold=lane.ai_share_min)
        elif row.band == "above_typical":
            add("ai_share_above_typical", "info", f"declares {row.ai_share:g}%, above the typical "
                f"{lane.ai_share_typical_max:g}% of {lane.name} (allowed; information only).",
                row.ai_share, lane.ai_share_typical_max)
        if row.near_threshold:
            add("ai_share_near_threshold", "info", f"declares {row.ai_share:g}%, within {p.near_threshold_margin:g} "
                f"points of the {lane.ai_share_min:g}% line: worth a second look at its disclosure.",
                row.ai_share, lane.ai_share_min)
        if row.disclosure == "inconsistent":
            add("disclosure_inconsistent", "warning", f"declares {row.ai_share:g}% but its dimension shares "
                f"blend to {row.blend:.1f}% (a gap of {abs(row.blend_gap):.1f} points, more than the "
                f"{p.disclosure_tolerance:g} allowed).", abs(row.blend_gap), p.disclosure_tolerance)
        elif row.disclosure == "incomplete":
            add("dimension_share_missing", "warning", f"does not declare its share of {row.missing_dimensions.replace(';', ', ')}; "
                "the blend cannot be checked (nothing is imputed).")
        if row.runtime_class == "too_short":
            severity = "info" if lane.allow_under_short else blocker
            add("runtime_too_short", severity, f"runs {row.runtime_min:g} minutes, under the "
                f"{req.short_min_runtime:g}-minute minimum for a short.", row.runtime_min, req.short_min_runtime)
        elif row.runtime_class == "unknown":
            add("runtime_missing", "warning", "declares no runtime, so its class (feature or short) is unknown.")
        if row.appendix_missing:
            add("appendix_incomplete", "warning", "the pipeline appendix does not confirm "
                f"{row.appendix_missing.replace(';', ', ')}.")
        if row.authorship_proof != "yes" and req.authorship_proof != "ignored":
            severity = blocker if req.authorship_proof == "required" else "warning"
            add("authorship_proof_missing", severity, "has no confirmed proof of human authorship.")
        if row.master == "below_minimum":
            add("master_below_minimum", blocker, f"master '{row.resolution}' ({row.resolution_lines:g} lines) is below "
                f"the {req.min_resolution_lines}p minimum.", row.resolution_lines, req.min_resolution_lines)
        elif row.master == "below_preferred":
            add("master_below_preferred", "info", f"master '{row.resolution}' is below the preferred "
                f"{req.preferred_resolution_lines}p (allowed).", row.resolution_lines, req.preferred_resolution_lines)
        elif row.master == "unreadable":
            add("resolution_unreadable", "warning", f"the resolution '{row.resolution}' cannot be read; "
                "write it as e.g. 3840x2160, 4K or 1080p.")
        elif row.master == "not_declared":
            add("resolution_missing", "warning", "declares no master resolution.")
        if row.lossless_audio != "yes" and req.lossless_audio != "ignored":
            severity = blocker if req.lossless_audio == "required" else "info"
            add("lossless_audio_missing", severity, "supplies no lossless audio master.")
    return flags
