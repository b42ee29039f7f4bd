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

Each rule belongs to a family (:mod:`analytics.load.rule_families`) and runs only where
``festival.toml`` configures it: the table has the columns of the configured families only,
and a festival that configures none has no eligibility check at all.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics.base import columns as col
from analytics.load.config import FestivalConfig, Participation
from analytics.load.festival import Festival
from analytics.checks.family import CheckFamily
from analytics.checks.flags import Flag, FlagKind, make_flag
from analytics.load import rule_families
from analytics.load.rule_families import FAMILIES
from analytics.load.rule_families import names as family_names
from analytics.checks.shared import Shared
from analytics.load.resolution import resolution_lines

#: the flags this family raises, with their severity for an entry in competition: out of competition a
#: blocker is a warning, and a rule configured as "preferred" (or a short film a lane allows) only informs
AI_SHARE_BELOW_BAND = FlagKind("ai_share_below_band", "blocker")
AI_SHARE_MISSING = FlagKind("ai_share_missing", "blocker")
AI_SHARE_ABOVE_TYPICAL = FlagKind("ai_share_above_typical", "info")
AI_SHARE_NEAR_THRESHOLD = FlagKind("ai_share_near_threshold", "info")
DISCLOSURE_INCONSISTENT = FlagKind("disclosure_inconsistent", "warning")
DIMENSION_SHARE_MISSING = FlagKind("dimension_share_missing", "warning")
RUNTIME_TOO_SHORT = FlagKind("runtime_too_short", "blocker")
RUNTIME_MISSING = FlagKind("runtime_missing", "warning")
APPENDIX_INCOMPLETE = FlagKind("appendix_incomplete", "warning")
AUTHORSHIP_PROOF_MISSING = FlagKind("authorship_proof_missing", "blocker")
MASTER_BELOW_MINIMUM = FlagKind("master_below_minimum", "blocker")
MASTER_BELOW_PREFERRED = FlagKind("master_below_preferred", "info")
RESOLUTION_UNREADABLE = FlagKind("resolution_unreadable", "warning")
RESOLUTION_MISSING = FlagKind("resolution_missing", "warning")
LOSSLESS_AUDIO_MISSING = FlagKind("lossless_audio_missing", "blocker")
KINDS = (AI_SHARE_BELOW_BAND, AI_SHARE_MISSING, AI_SHARE_ABOVE_TYPICAL, AI_SHARE_NEAR_THRESHOLD, DISCLOSURE_INCONSISTENT,
         DIMENSION_SHARE_MISSING, RUNTIME_TOO_SHORT, RUNTIME_MISSING, APPENDIX_INCOMPLETE, AUTHORSHIP_PROOF_MISSING,
         MASTER_BELOW_MINIMUM, MASTER_BELOW_PREFERRED, RESOLUTION_UNREADABLE, RESOLUTION_MISSING, LOSSLESS_AUDIO_MISSING)

#: each family's columns in eligibility.csv, after ``entry_id, lane, title``
FAMILY_COLUMNS = {
    "ai_share_band": ["ai_share", "band", "near_threshold"],
    "disclosure": ["ai_share", "blend", "blend_gap", "disclosure", "missing_dimensions"],
    "runtime": ["runtime_min", "runtime_class"],
    "appendix": ["appendix_missing"],
    "authorship": ["authorship_proof"],
    "resolution": ["resolution", "resolution_lines", "master"],
    "audio": ["lossless_audio"],
}
COUNT_COLUMNS = ["n_blockers", "n_warnings", "n_info", "eligible"]
#: the columns when every family is configured (the film festival of design part one), in their order
ELIGIBILITY_COLUMNS = [
    "entry_id", "lane", "title", "ai_share", "blend", "blend_gap", "band", "near_threshold", "disclosure",
    "missing_dimensions", "runtime_min", "runtime_class", "appendix_missing", "authorship_proof", "resolution",
    "resolution_lines", "master", "lossless_audio", *COUNT_COLUMNS]


def eligibility_columns(config: FestivalConfig) -> list[str]:
    """The columns of ``eligibility.csv`` for this configuration: the configured families' only."""
    on = family_names(config)
    shown = {c for family, cs in FAMILY_COLUMNS.items() if family in on for c in cs}
    return [c for c in ELIGIBILITY_COLUMNS if c in shown or c in ("entry_id", "lane", "title", *COUNT_COLUMNS)]


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


def runtime_class(runtime: pd.Series, feature_min: float | None, short_min: float | None) -> pd.Series:
    """``feature`` (> feature_min), ``short`` (short_min to feature_min, both included),
    ``too_short`` (below short_min) or ``unknown`` (not declared); a threshold that is not
    configured (None) is not applied.

    >>> import pandas as pd
    >>> runtime_class(pd.Series([30.0, 30.01, 5.0, 4.99, None]), 30.0, 5.0).tolist()
    ['short', 'feature', 'short', 'too_short', 'unknown']
    >>> runtime_class(pd.Series([4.0, 90.0]), None, 5.0).tolist()
    ['too_short', 'short']
    """
    feature = np.inf if feature_min is None else feature_min
    short = -np.inf if short_min is None else short_min
    return pd.Series(np.select([runtime.isna(), runtime > feature, runtime >= short],
                               ["unknown", "feature", "short"], default="too_short"), index=runtime.index)


def _margin(config: FestivalConfig) -> float:
    """Near the line: within this many points above a lane's minimum ([participation], or its declared default)."""
    p = config.participation
    return p.near_threshold_margin if p is not None else Participation.model_fields["near_threshold_margin"].default


def eligibility_table(data: Festival | Shared, *, lanes: list[str] | None = None) -> pd.DataFrame:
    """Every configured rule's outcome for every entry of the lanes (all, or ``lanes``), one
    row per entry (see the module notes), with the number of blockers, warnings and notes the
    rules raise and whether the entry is ``eligible`` (no blocker)."""
    shared = Shared.of(data, lanes)
    config, entries = shared.config, shared.entries
    on = family_names(config)
    p, req = config.participation, config.requirements
    lanes_by_id = {lane.id: lane for lane in config.lanes}
    lane = entries[col.CATEGORY]
    columns: dict[str, pd.Series | np.ndarray] = {"entry_id": entries[col.ENTRY_ID], "lane": lane,
                                                  "title": entries[col.TITLE]}
    if "ai_share_band" in on or "disclosure" in on:
        columns["ai_share"] = entries[col.AI_SHARE]
    if "ai_share_band" in on:
        share = entries[col.AI_SHARE]
        low = lane.map(lambda l: lanes_by_id[l].ai_share_min).astype(float)
        high = lane.map(lambda l: lanes_by_id[l].ai_share_typical_max).astype(float)
        columns["band"] = np.select([low.isna(), share.isna(), share < low, share > high],
                                    ["no_band", "not_declared", "below_minimum", "above_typical"], default="in_band")
        columns["near_threshold"] = ((share >= low) & (share < low + _margin(config))).fillna(False).astype(bool)
    if "disclosure" in on:
        share = entries[col.AI_SHARE]
        mixed = blend(entries, dict(p.weights))
        dims = [col.share_column(d) for d in p.dimensions]
        missing_dims = _joined(entries[dims].isna().to_numpy(), p.dimensions, entries.index)
        gap = share - mixed
        columns.update(blend=mixed, blend_gap=gap, missing_dimensions=missing_dims,
                       disclosure=np.select([missing_dims != "", share.isna(), gap.abs() > p.disclosure_tolerance],
                                            ["incomplete", "not_declared", "inconsistent"], default="consistent"))
    if "runtime" in on:
        columns["runtime_min"] = entries[col.RUNTIME_MIN]
        columns["runtime_class"] = runtime_class(entries[col.RUNTIME_MIN], req.feature_min_runtime, req.short_min_runtime)
    if "appendix" in on:
        confirmed = entries[[col.appendix_column(part) for part in req.appendix]].fillna(False).astype(bool)
        columns["appendix_missing"] = _joined(~confirmed.to_numpy(), req.appendix, entries.index)
    if "authorship" in on:
        columns["authorship_proof"] = entries[col.AUTHORSHIP_PROOF].map({True: "yes", False: "no"}).fillna("not_declared")
    if "resolution" in on:
        lines = entries[col.RESOLUTION].map(lambda text: resolution_lines(text) if isinstance(text, str) else None)
        lines = pd.to_numeric(lines, errors="coerce")
        low = -np.inf if req.min_resolution_lines is None else req.min_resolution_lines
        preferred = -np.inf if req.preferred_resolution_lines is None else req.preferred_resolution_lines
        columns.update(resolution=entries[col.RESOLUTION], resolution_lines=lines,
                       master=np.select([entries[col.RESOLUTION].isna(), lines.isna(), lines < low, lines < preferred],
                                        ["not_declared", "unreadable", "below_minimum", "below_preferred"],
                                        default="preferred"))
    if "audio" in on:
        columns["lossless_audio"] = entries[col.LOSSLESS_AUDIO].map({True: "yes", False: "no"}).fillna("not_declared")
    table = pd.DataFrame(columns).reset_index(drop=True)
    rules = _findings(config, table)
    severities = np.stack([severity for _, _, severity in rules], axis=1) if rules and len(table) else None
    for severity, name in (("blocker", "n_blockers"), ("warning", "n_warnings"), ("info", "n_info")):
        table[name] = (severities == severity).sum(axis=1).astype(np.int64) if severities is not None else np.int64(0)
    table["eligible"] = table["n_blockers"] == 0
    return table[eligibility_columns(config)]


def _joined(gone: np.ndarray, names: tuple[str, ...], index: pd.Index) -> pd.Series:
    """Per row, the names whose column is True, joined with ';' (a readable list, never parsed)."""
    return pd.Series([";".join(n for n, g in zip(names, row) if g) for row in gone], index=index, dtype=object)


def _findings(config: FestivalConfig, table: pd.DataFrame) -> list[tuple[str, object, np.ndarray]]:
    """Each configured rule as ``(check, message, severity)``: ``severity`` per entry ('' where
    the rule raises nothing), ``message(row)`` the sentence for a flagged entry. Vectorised
    over entries; the table's counts and :func:`eligibility_flags` both read these."""
    p, req = config.participation, config.requirements
    on = family_names(config)
    lanes = {lane.id: lane for lane in config.lanes}
    in_competition = table["lane"].map(lambda l: lanes[l].in_competition).to_numpy(dtype=bool)
    blocker = np.where(in_competition, "blocker", "warning")  # out of competition, blockers are warnings
    allow_short = table["lane"].map(lambda l: lanes[l].allow_under_short).to_numpy(dtype=bool)

    def when(mask, severity) -> np.ndarray:
        return np.where(np.asarray(mask, dtype=bool), severity, "")

    def name(row) -> str:
        return lanes[row.lane].name

    rules = []
    if "ai_share_band" in on:
        rules += [
            (AI_SHARE_BELOW_BAND.name, lambda r: (f"declares {r.ai_share:g}% AI participation, below the {name(r)} minimum "
                                               f"of {lanes[r.lane].ai_share_min:g}%: it does not belong in this lane.",
                                               r.ai_share, lanes[r.lane].ai_share_min),
             when(table["band"] == "below_minimum", blocker)),
            (AI_SHARE_MISSING.name, lambda r: (f"declares no AI share, so its place in {name(r)} (minimum "
                                            f"{lanes[r.lane].ai_share_min:g}%) cannot be established.", np.nan,
                                            lanes[r.lane].ai_share_min),
             when(table["band"] == "not_declared", blocker)),
            (AI_SHARE_ABOVE_TYPICAL.name, lambda r: (f"declares {r.ai_share:g}%, above the typical "
                                                  f"{lanes[r.lane].ai_share_typical_max:g}% of {name(r)} (allowed; "
                                                  "information only).", r.ai_share, lanes[r.lane].ai_share_typical_max),
             when(table["band"] == "above_typical", "info")),
            (AI_SHARE_NEAR_THRESHOLD.name, lambda r: (f"declares {r.ai_share:g}%, within {_margin(config):g} points of the "
                                                   f"{lanes[r.lane].ai_share_min:g}% line: worth a second look at its "
                                                   "disclosure.", r.ai_share, lanes[r.lane].ai_share_min),
             when(table["near_threshold"], "info")),
        ]
    if "disclosure" in on:
        rules += [
            (DISCLOSURE_INCONSISTENT.name, lambda r: (f"declares {r.ai_share:g}% but its dimension shares blend to "
                                                   f"{r.blend:.1f}% (a gap of {abs(r.blend_gap):.1f} points, more than the "
                                                   f"{p.disclosure_tolerance:g} allowed).", abs(r.blend_gap),
                                                   p.disclosure_tolerance),
             when(table["disclosure"] == "inconsistent", "warning")),
            (DIMENSION_SHARE_MISSING.name, lambda r: (f"does not declare its share of {r.missing_dimensions.replace(';', ', ')}; "
                                                   "the blend cannot be checked (nothing is imputed).", np.nan, np.nan),
             when(table["disclosure"] == "incomplete", "warning")),
        ]
    if "runtime" in on:
        rules += [
            (RUNTIME_TOO_SHORT.name, lambda r: (f"runs {r.runtime_min:g} minutes, under the {req.short_min_runtime:g}-minute "
                                             "minimum for a short.", r.runtime_min, req.short_min_runtime),
             when(table["runtime_class"] == "too_short", np.where(allow_short, "info", blocker))),
            (RUNTIME_MISSING.name, lambda r: ("declares no runtime, so its class (feature or short) is unknown.", np.nan,
                                           np.nan),
             when(table["runtime_class"] == "unknown", "warning")),
        ]
    if "appendix" in on:
        rules.append((APPENDIX_INCOMPLETE.name, lambda r: ("the pipeline appendix does not confirm "
                                                        f"{r.appendix_missing.replace(';', ', ')}.", np.nan, np.nan),
                      when(table["appendix_missing"] != "", "warning")))
    if "authorship" in on:
        rules.append((AUTHORSHIP_PROOF_MISSING.name, lambda r: ("has no confirmed proof of human authorship.", np.nan, np.nan),
                      when(table["authorship_proof"] != "yes",
                           blocker if req.authorship_proof == "required" else "warning")))
    if "resolution" in on:
        rules += [
            (MASTER_BELOW_MINIMUM.name, lambda r: (f"master '{r.resolution}' ({r.resolution_lines:g} lines) is below the "
                                                f"{req.min_resolution_lines}p minimum.", r.resolution_lines,
                                                req.min_resolution_lines),
             when(table["master"] == "below_minimum", blocker)),
            (MASTER_BELOW_PREFERRED.name, lambda r: (f"master '{r.resolution}' is below the preferred "
                                                  f"{req.preferred_resolution_lines}p (allowed).", r.resolution_lines,
                                                  req.preferred_resolution_lines),
             when(table["master"] == "below_preferred", "info")),
            (RESOLUTION_UNREADABLE.name, lambda r: (f"the resolution '{r.resolution}' cannot be read; write it as e.g. "
                                                 "3840x2160, 4K or 1080p.", np.nan, np.nan),
             when(table["master"] == "unreadable", "warning")),
            (RESOLUTION_MISSING.name, lambda r: ("declares no master resolution.", np.nan, np.nan),
             when(table["master"] == "not_declared", "warning")),
        ]
    if "audio" in on:
        rules.append((LOSSLESS_AUDIO_MISSING.name, lambda r: ("supplies no lossless audio master.", np.nan, np.nan),
                      when(table["lossless_audio"] != "yes", blocker if req.lossless_audio == "required" else "info")))
    return [(check, message, np.broadcast_to(severity, len(table))) for check, message, severity in rules]


def eligibility_flags(data: Festival | Shared, table: pd.DataFrame | None = None) -> list[Flag]:
    """The flags of every rule for every entry of ``table`` (default: :func:`eligibility_table`),
    entry by entry in the table's order."""
    shared = Shared.of(data)
    table = eligibility_table(shared) if table is None else table
    rules = _findings(shared.config, table)
    raised = sorted((i, order) for order, (_, _, severity) in enumerate(rules) for i in np.flatnonzero(severity != ""))
    shown = sorted({i for i, _ in raised})
    rows = dict(zip(shown, table.iloc[shown].itertuples(index=False)))
    flags = []
    for i, order in raised:
        check, message, severity = rules[order]
        row = rows[i]
        text, value, threshold = message(row)
        flags.append(make_flag(check, severity[i], row.lane, f"{row.entry_id} ({row.title}): {text}", entry_id=row.entry_id,
                               value=value, threshold=threshold))
    return flags


@dataclass(frozen=True)
class NotConfigured:
    """Shown in a notebook in place of a table of a rule the festival does not configure."""

    what: str

    def _repr_markdown_(self) -> str:
        """A notebook shows the note in italics (markdown: no markup put together here)."""
        return f"*{self.what}*"

    def __repr__(self) -> str:
        return self.what


def near_the_line(table: pd.DataFrame) -> pd.DataFrame | NotConfigured:
    """The entries declaring a share just above their lane's minimum."""
    if "near_threshold" not in table:
        return NotConfigured("No AI-share band is configured (no lane sets ai_share_min): no entry is near a line.")
    return table[table["near_threshold"]]


def disclosures_to_check(table: pd.DataFrame) -> pd.DataFrame | NotConfigured:
    """The entries whose declared share does not match the blend of their dimensions, or that left a dimension out."""
    if "disclosure" not in table:
        return NotConfigured("No [participation] is configured: there is no disclosure to check.")
    return table[table["disclosure"] != "consistent"]


def configured_rules(festival: Festival) -> pd.DataFrame:
    """Which entry rules this festival configures: ``family, rule, configured_by, configured``."""
    on = family_names(festival.config)
    return pd.DataFrame([(f.name, f.words, f.keys, f.name in on) for f in FAMILIES],
                        columns=["family", "rule", "configured_by", "configured"])


def configured(config: FestivalConfig) -> bool:
    """Whether ``festival.toml`` sets up any family of entry rules (:mod:`analytics.load.rule_families`)."""
    return bool(rule_families.configured(config))


FAMILY = CheckFamily("eligibility", eligibility_table, eligibility_flags,
                     kinds=KINDS,
                     configured=configured,
                     output=True,
                     public=True,
                     shows="sections/participation.html.j2")
