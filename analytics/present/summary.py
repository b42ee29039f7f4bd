"""What ``jury check`` prints and writes: the gate summary of :func:`analytics.gate.decisions.run_gate`.

:func:`summary_text` is the chair's summary (counts, eligibility, agreement, the gate per
lane with every blocker in a sentence, the decisions taken, the standings with their
robustness); :func:`output_tables` are the CSV files of ``--out``. The CLI only prints and writes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.base import columns as col
from analytics.base.columns import ALL_LANES
from analytics.load import rule_families
from analytics.checks.registry import CheckResult, output_names
from analytics.checks.flags import SEVERITIES
from analytics.gate.decisions import GateResult
from analytics.checks.behaviour import halo_note
from analytics.checks.agreement import bar_statistic
from analytics.checks.family import not_on_ranks
from analytics.checks.rankings import resamples_own_jurors
from analytics.rules.scoring import WEIGHTED_TOTAL

SHOWN_STANDINGS = 5


def output_tables(gate: GateResult) -> dict[str, pd.DataFrame]:
    """The tables ``jury check --out`` writes, by file name (without ``.csv``); all after the decisions."""
    after = gate.after
    checks = {name: after[name] for name in output_names()  # (a table a festival has nothing for is not written)
              if name in after and not (name in ("score_effects", "participation_assessed") and after[name].empty)}
    for name in list(checks):
        checks.update(after.companions(name))
    return {"flags": gate.flags, **checks, "lanes": after.lane_summary, "missing_scores": after.missing_scores,
            "decisions_applied": gate.decisions}

SHOWN_MISSING = 20
#: open warnings listed in full; beyond them, a count per kind (flags.csv holds every one)
SHOWN_WARNINGS = 50


def summary_text(gate: GateResult) -> str:
    """What ``jury check`` prints: the festival, its sources, counts, what is missing,
    eligibility, agreement, the gate and the standings (all after the chair's decisions)."""
    result = gate.after
    festival = result.festival
    config = festival.config
    lines = [f"{config.name}{' (SYNTHETIC DATA)' if config.synthetic else ''}", f"folder: {festival.folder}"]
    lines += [f"  {name:<12} {source}" for name, source in festival.sources.items()]
    lanes = result.lane_summary.set_index(col.LANE)
    lines.append("")
    lines.append(_table(lanes.rename(index={lane.id: lane.name for lane in config.lanes}), "per lane"))
    counts = result.shared.score_counts().reindex(index=list(config.lane_ids), fill_value=0).astype(object)
    counts.index.name, counts.columns.name = col.LANE, col.CRITERION
    for lane in config.lane_ids:  # a criterion a lane does not use is not a missing score
        for criterion in set(config.criterion_ids) - set(config.lane_criteria(lane)):
            counts.loc[lane, criterion] = "–"
    lines.append(_table(counts, "scores per criterion"))
    spread = pd.DataFrame([_spread(result.shared.scores_per_juror(lane)) for lane in config.lane_ids],
                          index=pd.Index(config.lane_ids, name=col.LANE), columns=["min", "median", "max"])
    lines.append(_table(spread.rename(columns=lambda c: f"{c} per juror"), "scores per juror"))
    missing = result.missing_scores
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
    if "eligibility" in result:
        lines.append(_eligibility_text(result))
    if "participation_assessed" in result and festival.has_assessments:
        lines.append(_assessed_text(result))
    lines.append(_agreement_text(result))
    if "affiliation" in result:
        lines.append(_affiliation_text(result))
    if halo_note(festival):
        lines.append(halo_note(festival) + "\n")
    lines += [text + "\n" for text in not_on_ranks(config)]
    if "collusion" in result:
        lines.append(_collusion_text(result))
    lines.append(_standings_text(result))
    lines.append(_gate_text(gate))
    return "\n".join(lines)


def _eligibility_text(result: CheckResult) -> str:
    table = result["eligibility"]
    on = rule_families.configured(result.festival.config)
    lines = ["eligibility (rules of festival.toml: " + ", ".join(f.words for f in on)
             + "; every rule's outcome per entry in eligibility.csv):"]
    for lane in result.festival.config.lanes:
        rows = table[table["lane"] == lane.id]
        parts = []
        if "band" in rows:
            parts.append(f"AI share band {lane.ai_share_min:g}%+" if lane.ai_share_min is not None else "no AI-share band")
        text = f"  {lane.name}: {int(rows['eligible'].sum())} of {len(rows)} entries eligible"
        if result.festival.has_assessments:  # the declarations; what the evidence says follows (_assessed_text)
            text += " on their declarations"
        text += f" ({'; '.join(parts)})" if parts else ""
        notes = []
        if "near_threshold" in rows and lane.ai_share_min is not None:
            notes.append(f"{int(rows['near_threshold'].sum())} near the line")
        if "disclosure" in rows:
            notes.append(f"{int((rows['disclosure'] != 'consistent').sum())} with a disclosure to check")
        lines.append(text + (f"; {', '.join(notes)}" if notes else ""))
    return "\n".join(lines) + "\n"


def _assessed_text(result: CheckResult) -> str:
    """Per lane with assessments (design section 17): how many entries the evidence puts below, across and above
    the lane's minimum, the declarations it disputes, the assessors' agreement and who leans (counts only)."""
    table, config = result["participation_assessed"], result.festival.config
    more = result.companions("participation_assessed")
    agreement, flags = more["assessment_agreement"], result.flags
    lines = ["assessed AI participation (each assessor's lean taken off; 95% intervals over the assessors; "
             "participation_assessed.csv with --out):"]
    for lane in config.lanes:
        rows = table[(table[col.LANE] == lane.id) & (table[col.DIMENSION] == "blended")]
        missing = flags[(flags["check"] == "assessment_missing") & (flags[col.LANE] == lane.id)]
        if rows.empty and missing.empty:
            continue
        text = f"  {lane.name}: {len(rows)} entries assessed"
        if len(rows):
            text += f" by {int(rows['n_assessors'].median())} assessors each (median)"
        minimum = lane.ai_share_min
        if minimum is not None and len(rows):
            below = rows["ci_high"] < minimum
            across = (rows["ci_low"] < minimum) & (rows["ci_high"] >= minimum)
            text += (f"; on the evidence {int(below.sum())} below the {minimum:g}% line, {int(across.sum())} across it, "
                     f"{int((rows['ci_high'].notna() & ~below & ~across).sum())} above")
        disputed = int(((flags["check"] == "disclosure_disputed") & (flags[col.LANE] == lane.id)).sum())
        text += f"; {disputed} declaration{'s' * (disputed != 1)} disputed"
        if len(missing):
            text += f"; {int(missing['value'].iloc[0])} without an assessed share (assessment_missing)"
        lines.append(text)
        alphas = agreement.loc[agreement[col.LANE] == lane.id, "alpha_interval"].dropna()
        leaning = int(((flags["check"] == "assessor_lean") & (flags[col.LANE] == lane.id)).sum())
        if len(alphas):
            lines.append(f"    assessors' agreement (Krippendorff's alpha) {alphas.min():.2f} to {alphas.max():.2f} "
                         f"across the dimensions; {leaning} assessor{'s' * (leaning != 1)} leaning 5 points or more "
                         "from the median assessor")
    return "\n".join(lines) + "\n"


def _round_label(config, rnd: str) -> str:
    r = config.round(rnd)
    return f"round {r.name or r.id}" if r is not None else ""


def _agreement_text(result: CheckResult) -> str:
    agreement = result["agreement"]
    config = result.festival.config
    statistic = bar_statistic(config)
    level = statistic.removeprefix("alpha_")
    alphas = agreement[agreement["statistic"] == statistic]
    bar = config.checks.agreement_min_alpha
    lines = [f"agreement (Krippendorff's alpha, {level}; 95% bootstrap interval; bar {bar:g}):"]
    for lane in config.lanes:
        for rnd in config.round_ids:
            rows = alphas[(alphas["lane"] == lane.id) & (alphas["round"] == rnd)]
            if rows.empty:
                continue
            lines.append(f"  {lane.name}" + (f", {_round_label(config, rnd)}" if rnd else ""))
            for row in rows.itertuples(index=False):
                name = "weighted total" if row.scope == WEIGHTED_TOTAL else row.scope
                if np.isnan(row.estimate):
                    lines.append(f"    {name:<16} undefined: {row.reason}")
                else:
                    mark = "  <- below the bar" if row.estimate < bar else ""
                    lines.append(f"    {name:<16} {row.estimate:5.2f}  [{row.ci_low:5.2f}, {row.ci_high:5.2f}]  "
                                 f"{row.band}{mark}")
    return "\n".join(lines) + "\n"


def _affiliation_text(result: CheckResult) -> str:
    """The affiliation screen: per affiliation, the festival-wide preference and the jurors whose
    preference stands after adjustment (the flags say more)."""
    table = result["affiliation"]
    bar = result.festival.config.checks.effect_p_max
    lines = ["affiliation screen (points a juror gives entries sharing their affiliation above the rest, against the "
             "other jurors; permutation p-values, Benjamini–Hochberg across jurors):"]
    for affiliation in result.festival.config.jury.affiliations:
        rows = table[table["affiliation"] == affiliation]
        jurors = rows[rows[col.JUROR_ID] != ""]
        if jurors.empty:
            lines.append(f"  {affiliation}: no juror shares a {affiliation} with an entry they scored: nothing to screen")
            continue
        pooled = rows[(rows[col.JUROR_ID] == "") & (rows[col.LANE] == ALL_LANES)].iloc[0]  # festival-wide: once
        standing = jurors[jurors["p_adjusted"] <= bar]
        lines.append(f"  {affiliation}: {jurors[col.JUROR_ID].nunique()} jurors screened ({int(pooled['n_same'])} "
                     f"same-{affiliation} judgements); festival-wide {_preference(pooled)}; {_standing(standing)}")
        by_lane = rows[(rows[col.JUROR_ID] == "") & (rows[col.LANE] != ALL_LANES)]
        lanes = result.festival.lane_names()
        groups = ([(lanes[row[col.LANE]], row, jurors[jurors[col.LANE] == row[col.LANE]]) for _, row in by_lane.iterrows()]
                  + [("across the lanes of jurors on several panels", None, jurors[jurors[col.LANE] == ALL_LANES])])
        for name, lane_row, lane_jurors in groups:  # a lane's own line, with its own counts (a festival of several lanes)
            if lane_jurors.empty:
                continue
            lane_standing = lane_jurors[lane_jurors["p_adjusted"] <= bar]
            if lane_row is not None:
                lines.append(f"    {name}: {len(lane_jurors)} juror{'s' * (len(lane_jurors) != 1)} screened ({int(lane_row['n_same'])} "
                             f"same-{affiliation} judgements); {_preference(lane_row)}; {_standing(lane_standing)}")
            elif by_lane.empty and len(lane_standing) == 0:
                continue
            else:
                lines.append(f"    {name}: {len(lane_jurors)} jurors; {_standing(lane_standing)}")
            for row in lane_standing.itertuples(index=False):
                lines.append(f"      {row.juror_id:<8} {row.preference:+.2f} [{row.ci_low:+.2f}, {row.ci_high:+.2f}] on "
                             f"{row.n_same} judgements ({row.value}), adjusted p {row.p_adjusted:.4f}")
        if by_lane.empty:  # one lane: its jurors under the festival's line
            for row in standing[standing[col.LANE] != ALL_LANES].itertuples(index=False):
                lines.append(f"    {row.juror_id:<8} {row.preference:+.2f} [{row.ci_low:+.2f}, {row.ci_high:+.2f}] on "
                             f"{row.n_same} judgements ({row.value}), adjusted p {row.p_adjusted:.4f}")
    return "\n".join(lines) + "\n"


def _preference(row) -> str:
    interval = f" [{row['ci_low']:+.2f}, {row['ci_high']:+.2f}]" if not np.isnan(row["ci_low"]) else ""
    return f"{row['preference']:+.2f} points{interval}"


def _collusion_text(result: CheckResult) -> str:
    """How many pairs (and juries) the collusion screen looked at per lane and round, and which stand out."""
    table = result["collusion"]
    config = result.festival.config
    lines = [f"collusion screen (agreement on departures from the panel; permutations, Benjamini–Hochberg at "
             f"{config.checks.collusion_fdr:g}; collusion.csv with --out):"]
    for (lane, rnd), rows in table.groupby(["lane", "round"], sort=False):
        pairs, juries = rows[rows["level"] == "pair"], rows[rows["level"] == "jury"]
        name = result.shared.lane_names[lane] + (f", {_round_label(config, rnd)}" if rnd else "")
        parts = [f"{len(pairs)} pairs of jurors screened, {int(pairs['flagged'].sum())} stand out"]
        if len(juries):
            parts.append(f"{len(juries)} juries, {int(juries['flagged'].sum())} stand out"
                         + (f" ({', '.join(map(str, juries.loc[juries['flagged'], 'jury']))})"
                            if juries["flagged"].any() else ""))
        lines.append(f"  {name}: " + "; ".join(parts))
    if len(lines) == 1:
        lines.append(f"  no pair of jurors judged {config.checks.collusion_min_common} entries or more in common")
    return "\n".join(lines) + "\n"


def _standing(standing: pd.DataFrame) -> str:
    n = len(standing)
    return f"{n} juror{'s' * (n != 1)} stand{'s' * (n == 1)} out"


def _standings_text(result: CheckResult) -> str:
    config = result.festival.config
    juries = any(config.rule(r).juries is not None for r in config.round_ids)
    lines = ["standings (official method; p(first), p(top 3) and 95% rank interval over resampled juries; "
             f"ranks with one {'jury' if juries else 'juror'} left out" + ("; p(on): share of resampled juries that let the entry go on" if config.rounds
                                                else "") + "):"]
    table = result["rankings"]
    # every lane × round's rows at once (one pass over the table, in its order: best first)
    groups = dict(list(table.groupby(["lane", "round"], sort=False))) if len(table) else {}
    for lane in config.lanes:
        for rnd in config.round_ids:
            rows = groups.get((lane.id, rnd))
            if rows is None or rows.empty:
                continue
            r_ = config.round(rnd)
            if r_ is not None and r_.advance is not None:  # a cut: the entries around it
                going = int((rows["advances"] == "yes").sum())
                lines.append(f"  {lane.name}, {_round_label(config, rnd)}: {going} of {len(rows)} go on "
                             f"(advance {r_.advance}); around the cut:")
                around = rows[(rows["rank"] >= r_.advance - 2) & (rows["rank"] <= r_.advance + 2)]
                for r in around.itertuples(index=False):
                    lines.append(f"    {_whole(r.rank):>2}. {r.entry_id:<8} {r.score:6.3f}  "
                                 f"{'goes on ' if r.advances == 'yes' else 'out     '}  p(on) {r.p_advance:4.0%}  {r.title}")
                continue
            own = resamples_own_jurors(result.shared, lane.id)
            lines.append(f"  {lane.name}" + (f", {_round_label(config, rnd)}" if rnd else "")
                         + f" ({lane.honour or 'no honour'})"
                         + ("; each juror scored one entry, so each entry's own jurors are resampled" if own else ""))
            for r in rows.head(SHOWN_STANDINGS).itertuples(index=False):
                lines.append(f"    {_whole(r.rank):>2}. {r.entry_id:<8} {r.score:6.3f}  p(first) {r.p_first:4.0%}  "
                             f"p(top 3) {r.p_top3:4.0%}  rank {_whole(r.rank_low)}–{_whole(r.rank_high)}  "
                             f"leave-one-out {_whole(r.loo_rank_best)}–{_whole(r.loo_rank_worst)}  {r.title}")
    return "\n".join(lines) + "\n"


def _gate_text(gate: GateResult) -> str:
    flags = gate.flags
    live = flags[flags["status"].isin(["open", "accepted"])]
    counts = live["severity"].value_counts()
    summary = ", ".join(f"{counts.get(s, 0)} {s}{'s' if counts.get(s, 0) != 1 and s != 'info' else ''}" for s in SEVERITIES)
    verdict = "PUBLISHABLE: no blocker is open" if gate.publishable else (
        f"NOT PUBLISHABLE: {len(gate.open_blockers)} blocker{'s' * (len(gate.open_blockers) != 1)} open")
    lines = [f"GATE: {verdict}", f"  flags: {summary}"]
    for lane in gate.after.festival.config.lanes:
        lane_flags = live[live["lane"] == lane.id]
        if lane_flags.empty:
            continue
        c = lane_flags["severity"].value_counts()
        lines.append(f"  {lane.name}: {c.get('blocker', 0)} blockers, {c.get('warning', 0)} warnings, {c.get('info', 0)} info")
    for row in gate.open_blockers.itertuples(index=False):
        lines.append(f"  [blocker] {row.message}  ({row.flag_id})")
    decided = flags[flags["decision"] != ""]
    if not decided.empty:
        lines.append(f"  decisions applied ({len(decided)}):")
        lines += [f"    {r.decision:<16} {r.flag_id}  -> {r.status}" for r in decided.itertuples(index=False)]
    warnings = live[(live["severity"] == "warning")]
    if not warnings.empty:
        lines.append(f"  warnings ({len(warnings)}):")
        lines += [f"    {message}" for message in warnings["message"].head(SHOWN_WARNINGS)]
        if len(warnings) > SHOWN_WARNINGS:
            rest = warnings["check"].iloc[SHOWN_WARNINGS:].value_counts()
            kinds = ", ".join(f"{n:,} {check}" for check, n in rest.items())
            lines.append(f"    … and {len(warnings) - SHOWN_WARNINGS:,} more ({kinds}): see flags.csv with --out")
    if counts.get("info", 0):
        lines.append(f"  (and {counts['info']} for information: see flags.csv)")
    return "\n".join(lines)


def _spread(counts: np.ndarray) -> list[float]:
    """Fewest, median and most scores per juror of a lane (NaN without any)."""
    if not len(counts):
        return [np.nan] * 3
    return [counts.min(), float(np.median(counts)), counts.max()]


def _whole(value) -> str:
    """A rank as a whole number, or – when it is undefined (with one juror left out an entry may have no total)."""
    return "–" if pd.isna(value) else str(int(value))


def _table(frame: pd.DataFrame, title: str) -> str:
    with pd.option_context("display.width", 160, "display.max_columns", 20):
        return f"{title}:\n{frame.to_string()}\n"
