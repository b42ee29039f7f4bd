"""What ``jury check`` computes and prints: coverage, eligibility, agreement and the flags so far.

:func:`run_check` runs every check on a loaded festival and returns the tables;
:func:`summary_text` is the chair's summary of them. The CLI only prints and writes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import columns as col
from .agreement.panels import agreement_flags, agreement_table
from .coverage import lane_summary, missing_scores
from .eligibility import effect_flags, eligibility_flags, eligibility_table, score_effects
from .festival import Festival
from .flags import SEVERITIES, flags_frame
from .scoring import WEIGHTED_TOTAL

SHOWN_MISSING = 20


@dataclass(frozen=True)
class CheckResult:
    festival: Festival
    lanes: pd.DataFrame
    missing: pd.DataFrame
    eligibility: pd.DataFrame
    effects: pd.DataFrame
    agreement: pd.DataFrame
    flags: pd.DataFrame

    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables ``jury check --out`` writes, by file name (without ``.csv``)."""
        return {"lanes": self.lanes, "missing_scores": self.missing, "eligibility": self.eligibility,
                "score_effects": self.effects, "agreement": self.agreement, "flags": self.flags}


def run_check(festival: Festival) -> CheckResult:
    """Every check on a loaded festival (seeded by ``festival.toml``: same inputs, same numbers)."""
    eligibility = eligibility_table(festival)
    effects = score_effects(festival)
    agreement = agreement_table(festival)
    flags = flags_frame([*eligibility_flags(festival, eligibility), *effect_flags(festival, effects),
                         *agreement_flags(festival, agreement)])
    return CheckResult(festival, lane_summary(festival), missing_scores(festival), eligibility, effects, agreement, flags)


def summary_text(result: CheckResult) -> str:
    """What ``jury check`` prints: the festival, its sources, counts per lane, criterion and
    juror, what is missing, agreement per criterion, and the flags."""
    festival = result.festival
    config = festival.config
    lines = [f"{config.name}{' (SYNTHETIC DATA)' if config.synthetic else ''}", f"folder: {festival.folder}"]
    lines += [f"  {name:<12} {source}" for name, source in festival.sources.items()]
    lanes = result.lanes.set_index(col.LANE)
    lines.append("")
    lines.append(_table(lanes.rename(index={lane.id: lane.name for lane in config.lanes}), "per lane"))
    counts = festival.scores.pivot_table(index=col.LANE, columns=col.CRITERION, values=col.SCORE, aggfunc="size", fill_value=0)
    counts = counts.reindex(index=list(config.lane_ids), columns=list(config.criterion_ids), fill_value=0)
    lines.append(_table(counts, "scores per criterion"))
    per_juror = festival.scores.groupby([col.LANE, col.JUROR_ID]).size()
    spread = per_juror.groupby(level=0).agg(["min", "median", "max"]).reindex(list(config.lane_ids))
    lines.append(_table(spread.rename(columns=lambda c: f"{c} per juror"), "scores per juror"))
    missing = result.missing
    if missing.empty:
        lines.append("missing: no expected score is missing")
    else:
        lines.append(f"missing: {len(missing)} expected score{'s' * (len(missing) != 1)} absent")
        for row in missing.head(SHOWN_MISSING).itertuples(index=False):
            lines.append(f"  - juror {row.juror_id} has not scored {row.entry_id} on {row.criterion}")
        if len(missing) > SHOWN_MISSING:
            lines.append(f"  - … and {len(missing) - SHOWN_MISSING} more (see missing_scores.csv with --out)")
    scored_conflicts = int(lanes["n_conflicts_scored"].sum())
    if scored_conflicts:
        lines.append(f"conflicts: {scored_conflicts} declared conflict{'s' * (scored_conflicts != 1)} "
                     "scored anyway (see the coverage chart in notebooks/01-load-and-validate)")
    lines.append("")
    lines.append(_eligibility_text(result))
    lines.append(_agreement_text(result))
    lines.append(_flags_text(result.flags))
    return "\n".join(lines)


def _eligibility_text(result: CheckResult) -> str:
    table = result.eligibility
    lines = ["eligibility (rules of festival.toml; every rule's outcome per entry in eligibility.csv):"]
    for lane in result.festival.config.lanes:
        rows = table[table["lane"] == lane.id]
        band = f"AI share band {lane.ai_share_min:g}%+" if lane.ai_share_min is not None else "no AI-share band"
        lines.append(f"  {lane.name}: {int(rows['eligible'].sum())} of {len(rows)} entries eligible ({band}); "
                     f"{int(rows['near_threshold'].sum())} near the line, "
                     f"{int((rows['disclosure'] != 'consistent').sum())} with a disclosure to check")
    return "\n".join(lines) + "\n"


def _agreement_text(result: CheckResult) -> str:
    alphas = result.agreement[result.agreement["statistic"] == "alpha_interval"]
    bar = result.festival.config.checks.agreement_min_alpha
    lines = [f"agreement (Krippendorff's alpha, interval; 95% bootstrap interval; bar {bar:g}):"]
    for lane in result.festival.config.lanes:
        lines.append(f"  {lane.name}")
        for row in alphas[alphas["lane"] == lane.id].itertuples(index=False):
            name = "weighted total" if row.scope == WEIGHTED_TOTAL else row.scope
            if np.isnan(row.estimate):
                lines.append(f"    {name:<16} undefined: {row.reason}")
            else:
                mark = "  <- below the bar" if row.estimate < bar else ""
                lines.append(f"    {name:<16} {row.estimate:5.2f}  [{row.ci_low:5.2f}, {row.ci_high:5.2f}]  {row.band}{mark}")
    return "\n".join(lines) + "\n"


def _flags_text(flags: pd.DataFrame) -> str:
    counts = flags["severity"].value_counts()
    summary = ", ".join(f"{counts.get(s, 0)} {s}{'s' if counts.get(s, 0) != 1 and s != 'info' else ''}" for s in SEVERITIES)
    lines = [f"flags: {summary}"]
    shown = flags[flags["severity"] != "info"]
    lines += [f"  [{row.severity}] {row.message}" for row in shown.itertuples(index=False)]
    if counts.get("info", 0):
        lines.append(f"  (and {counts['info']} for information: see flags.csv)")
    return "\n".join(lines)


def _table(frame: pd.DataFrame, title: str) -> str:
    with pd.option_context("display.width", 160, "display.max_columns", 20):
        return f"{title}:\n{frame.to_string()}\n"
