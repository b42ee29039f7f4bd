"""The publication gate: every check's flags in one table, the chair's decisions applied.

:func:`run_checks` runs every check on a festival. :func:`run_gate` first checks the data
as loaded, then applies ``decisions.csv`` (design section 5) and checks again:

- ``exclude_score`` on a score flag removes those scores (they are no longer expected);
- ``exclude_juror`` on a juror or score flag removes the juror's scores in that lane;
- ``disqualify_entry`` on an entry or score flag removes the entry from the lane;
- ``accept`` on any flag: the chair has looked and it no longer blocks.

The decision log is append-only: when a flag is decided twice, the later row wins. A
decision may answer a flag that only appears once other decisions are applied (up to
``ROUNDS`` deep). Every
flag of the data as loaded keeps its row in the output, with the ``decision`` taken and a
``status``: ``open``, ``accepted``, ``resolved`` (gone after the decisions) or
``excluded`` (its scores, juror or entry were taken out). The results are publishable when
no blocker is ``open``. An unknown flag id, or an action that does not fit the flag, is a
:class:`~analytics.problems.FestivalDataError` naming the row of ``decisions.csv``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from . import columns as col
from .agreement.panels import agreement_flags, agreement_table
from .coverage import coverage_flags, lane_summary, missing_scores
from .eligibility import effect_flags, eligibility_flags, eligibility_table, score_effects
from .festival import Festival, read_decisions
from .flags import FLAG_COLUMNS, flags_frame
from .jurors import design_parts, juror_behaviour, juror_flags, juror_severity
from .outliers import disagreement, outlier_flags, score_residuals
from .problems import ProblemLog
from .rankings import rankings

GATE_COLUMNS = [*FLAG_COLUMNS, "decision", "status"]
ROUNDS = 3  # decisions answering flags that earlier decisions brought up: at most this deep


@dataclass(frozen=True)
class CheckResult:
    """Every check's tables for one festival, and all their flags."""

    festival: Festival
    lanes: pd.DataFrame
    missing: pd.DataFrame
    eligibility: pd.DataFrame
    effects: pd.DataFrame
    agreement: pd.DataFrame
    severity: pd.DataFrame
    behaviour: pd.DataFrame
    parts: pd.DataFrame
    residuals: pd.DataFrame
    disagreement: pd.DataFrame
    rankings: pd.DataFrame
    flags: pd.DataFrame


def run_checks(festival: Festival) -> CheckResult:
    """Every check (seeded by ``festival.toml``: the same inputs give the same numbers)."""
    eligibility = eligibility_table(festival)
    effects = score_effects(festival)
    agreement = agreement_table(festival)
    severity, behaviour, parts = juror_severity(festival), juror_behaviour(festival), design_parts(festival)
    residuals, spread = score_residuals(festival), disagreement(festival)
    standings, ranking_flags = rankings(festival)
    flags = flags_frame([*coverage_flags(festival), *eligibility_flags(festival, eligibility),
                         *ranking_flags, *juror_flags(festival, severity, behaviour, parts),
                         *outlier_flags(festival, residuals, spread), *effect_flags(festival, effects),
                         *agreement_flags(festival, agreement)])
    return CheckResult(festival, lane_summary(festival), missing_scores(festival), eligibility, effects, agreement,
                       severity, behaviour, parts, residuals, spread, standings, flags)


@dataclass(frozen=True)
class GateResult:
    before: CheckResult  # the data as loaded
    after: CheckResult  # after the decisions (the same object when there are none)
    flags: pd.DataFrame  # GATE_COLUMNS: every flag, its decision and status
    decisions: pd.DataFrame  # decisions.csv as applied, with the flag each answers

    @property
    def open_blockers(self) -> pd.DataFrame:
        return self.flags[(self.flags["severity"] == "blocker") & (self.flags["status"] == "open")]

    @property
    def publishable(self) -> bool:
        return self.open_blockers.empty


def _target(flag: pd.Series, part: str) -> str | None:
    """The juror, entry or criterion a flag is about (entity ids: ``juror:entry[:criterion]`` for scores)."""
    ids = flag["entity_id"].split(":")
    if flag["entity"] == "score":
        return dict(zip(("juror", "entry", "criterion"), ids)).get(part)
    return flag["entity_id"] if flag["entity"] == part else None


def apply_decisions(festival: Festival, flags: pd.DataFrame, decisions: pd.DataFrame, *,
                    strict: bool = True) -> tuple[Festival, pd.DataFrame]:
    """The festival with the decisions' exclusions applied, and the decisions that count
    (the last per flag). Raises FestivalDataError listing every decision that cannot apply
    (``strict=False``: skips them, for the intermediate rounds of :func:`run_gate`)."""
    log = ProblemLog()
    known = flags.set_index("flag_id")
    source = festival.sources.get("decisions", "decisions.csv")
    latest = decisions.drop_duplicates(col.FLAG_ID, keep="last")
    scores, entries, assignments = festival.scores, festival.entries, festival.assignments
    excluded = [festival.excluded]
    for row in latest.itertuples(index=False):
        where = (source, int(row.source_row) if pd.notna(row.source_row) else None)
        if row.flag_id not in known.index:
            log.add(*where, col.FLAG_ID, row.flag_id, "a flag_id of this festival (see flags.csv from jury check)")
            continue
        flag = known.loc[row.flag_id]
        lane = flag["lane"]
        juror, entry, criterion = _target(flag, "juror"), _target(flag, "entry"), _target(flag, "criterion")
        if row.action == "exclude_score":
            if flag["entity"] != "score":
                log.add(*where, col.ACTION, row.action, f"exclude_score answers a flag on a score; {row.flag_id} is on "
                        f"{'an' if flag['entity'] == 'entry' else 'a'} {flag['entity']} (use accept, or exclude_juror/disqualify_entry)")
                continue
            hit = (scores[col.JUROR_ID] == juror) & (scores[col.ENTRY_ID] == entry)
            if criterion:
                hit &= scores[col.CRITERION] == criterion
            gone = scores.loc[hit, [col.JUROR_ID, col.ENTRY_ID, col.CRITERION]]
            if criterion and gone.empty:  # a missing score answered by exclusion: no longer expected
                gone = pd.DataFrame({col.JUROR_ID: [juror], col.ENTRY_ID: [entry], col.CRITERION: [criterion]})
            excluded.append(gone)
            scores = scores.loc[~hit]
        elif row.action == "exclude_juror":
            if juror is None:
                log.add(*where, col.ACTION, row.action, f"exclude_juror answers a flag on a juror or a score; {row.flag_id} is "
                        f"on a {flag['entity']}")
                continue
            scores = scores.loc[~((scores[col.JUROR_ID] == juror) & (scores[col.LANE] == lane))]
            assignments = assignments.loc[~((assignments[col.JUROR_ID] == juror) & (assignments[col.LANE] == lane))]
        elif row.action == "disqualify_entry":
            if entry is None:
                log.add(*where, col.ACTION, row.action, f"disqualify_entry answers a flag on an entry or a score; "
                        f"{row.flag_id} is on a {flag['entity']}")
                continue
            scores = scores.loc[scores[col.ENTRY_ID] != entry]
            entries = entries.loc[entries[col.ENTRY_ID] != entry]
            assignments = assignments.loc[assignments[col.ENTRY_ID] != entry]
    if strict:
        log.raise_if_any(str(festival.folder))
    decided = replace(festival, scores=scores.reset_index(drop=True), entries=entries.reset_index(drop=True),
                      assignments=assignments.reset_index(drop=True),
                      excluded=pd.concat(excluded, ignore_index=True).drop_duplicates())
    return decided, latest.reset_index(drop=True)


def _changed(festival: Festival, decided: Festival) -> bool:
    return (len(decided.scores), len(decided.entries), len(decided.assignments), len(decided.excluded)) != (
        len(festival.scores), len(festival.entries), len(festival.assignments), len(festival.excluded))


def run_gate(festival: Festival, decisions: pd.DataFrame | str | Path | None = None) -> GateResult:
    """Check the festival, apply the decisions, check again, and say whether the results are
    publishable. ``decisions``: a table like ``decisions.csv``, or the path of such a file;
    ``None`` or ``""`` means the folder's own ``decisions.csv``."""
    if isinstance(decisions, (str, Path)):
        decisions = read_decisions(decisions) if str(decisions) else None
    decisions = festival.decisions if decisions is None else decisions
    before = run_checks(festival)
    if decisions.empty:
        flags = before.flags.assign(decision="", status="open")
        return GateResult(before, before, flags[GATE_COLUMNS], decisions)
    # A decision may answer a flag that appears only once other decisions are applied (exclude a
    # juror, and the lead passes to another entry with flags of its own): apply what can be
    # answered, check again, and repeat, at most ROUNDS times.
    latest = decisions.drop_duplicates(col.FLAG_ID, keep="last")
    known, after, applied, decided = before.flags, before, frozenset(), festival
    for _ in range(ROUNDS):
        answerable = latest[latest[col.FLAG_ID].isin(known["flag_id"])]
        ids = frozenset(answerable[col.FLAG_ID])
        if ids == applied:
            break
        decided, _ = apply_decisions(festival, known, answerable, strict=False)
        after = run_checks(decided) if _changed(festival, decided) else before
        applied = ids
        known = pd.concat([before.flags, after.flags]).drop_duplicates("flag_id")
    decided, latest = apply_decisions(festival, known, decisions)  # every decision must answer a known flag
    if frozenset(latest[col.FLAG_ID]) != applied:  # the rounds ran out: check what was finally applied
        after = run_checks(decided) if _changed(festival, decided) else before
    action = dict(zip(latest[col.FLAG_ID], latest[col.ACTION]))
    still = set(after.flags["flag_id"])
    rows = [after.flags, before.flags[~before.flags["flag_id"].isin(still)]]
    flags = pd.concat(rows, ignore_index=True)
    flags["decision"] = flags["flag_id"].map(action).fillna("")
    flags["status"] = [
        "accepted" if act == "accept" else
        ("open" if fid in still else ("excluded" if act.startswith(("exclude", "disqualify")) else "resolved"))
        for fid, act in zip(flags["flag_id"], flags["decision"])]
    order = flags["severity"].map({"blocker": 0, "warning": 1, "info": 2})
    flags = flags.assign(_o=order).sort_values(["_o", "lane", "flag_id"]).drop(columns="_o").reset_index(drop=True)
    return GateResult(before, after, flags[GATE_COLUMNS], latest)
