"""The publication gate: every check's flags in one table, the chair's decisions applied.

:func:`run_gate` first checks the data as loaded (:func:`analytics.checks.registry.run_checks`),
then applies ``decisions.csv`` (design section 5) and checks again. A decision acts on the
subject of the flag it answers (the flag's ``juror_id``, ``entry_id`` and ``criterion``
columns; nothing is read out of the flag id):

- ``exclude_score`` on a score flag removes those scores (they are no longer expected);
- ``exclude_juror`` on a juror or score flag removes the juror's scores in that lane;
- ``disqualify_entry`` on an entry or score flag removes the entry from the lane;
- ``accept`` on any flag: the chair has looked and it no longer blocks.

A *what-if* (the chair explorer's) is a decision row with no ``flag_id`` that names its
subject itself in ``lane``, ``juror_id``, ``entry_id`` and ``criterion``: it is applied the
same way, and answers no flag.

The decision log is append-only: when a flag is decided twice, the later row wins. A
decision may answer a flag that only appears once other decisions are applied (up to
``ROUNDS`` deep). Every flag of the data as loaded keeps its row in the output, with the
``decision`` taken and a ``status``: ``open``, ``accepted``, ``resolved`` (gone after the
decisions) or ``excluded`` (its scores, juror or entry were taken out). The results are
publishable when no blocker is ``open``. An unknown flag id, or an action that does not fit
the flag, is a :class:`~analytics.base.problems.FestivalDataError` naming the row of ``decisions.csv``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from analytics.base import columns as col
from analytics.checks.registry import CheckResult, run_checks
from analytics.rules.stages import with_stages
from analytics.load.festival import Festival, read_decisions
from analytics.checks.flags import FLAG_COLUMNS, sort_flags
from analytics.base.problems import ProblemLog
from analytics.base.progress import Reporter
from analytics.load.schema import ACTIONS

GATE_COLUMNS = [*FLAG_COLUMNS, "decision", "status"]
ROUNDS = 3  # decisions answering flags that earlier decisions brought up: at most this deep
#: what a what-if (a decision answering no flag) names itself
WHATIF_SUBJECT = (col.LANE, col.JUROR_ID, col.ENTRY_ID, col.CRITERION)


@dataclass(frozen=True)
class GateResult:
    before: CheckResult  # the data as loaded
    after: CheckResult  # after the decisions (the same object when there are none)
    flags: pd.DataFrame  # GATE_COLUMNS: every flag, its decision and status
    decisions: pd.DataFrame  # as applied: the last decision per flag, and every what-if (no flag_id)

    @property
    def open_blockers(self) -> pd.DataFrame:
        return self.flags[(self.flags["severity"] == "blocker") & (self.flags["status"] == "open")]

    @property
    def publishable(self) -> bool:
        return self.open_blockers.empty


def latest_decisions(decisions: pd.DataFrame) -> pd.DataFrame:
    """The decisions that count: the last per flag, and every what-if (a row without a flag)."""
    answered = decisions[col.FLAG_ID].fillna("") != ""
    flagged = decisions[answered].drop_duplicates(col.FLAG_ID, keep="last")
    return pd.concat([flagged, decisions[~answered]]).sort_index().reset_index(drop=True)


def _text(value) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def apply_decisions(festival: Festival, flags: pd.DataFrame, decisions: pd.DataFrame, *,
                    strict: bool = True) -> tuple[Festival, pd.DataFrame]:
    """The festival with the decisions' exclusions applied, and the decisions that count
    (:func:`latest_decisions`). Raises FestivalDataError listing every decision that cannot
    apply (``strict=False``: skips them, for the intermediate rounds of :func:`run_gate`)."""
    log = ProblemLog()
    known = flags.set_index("flag_id")
    source = festival.sources.get("decisions", "decisions.csv")
    if festival.decisions is not decisions and not decisions.get(col.SOURCE_ROW, pd.Series(dtype=float)).notna().any():
        source = "decisions (not read from a file)"  # e.g. the explorer's what-ifs
    latest = latest_decisions(decisions)
    scores, entries, assignments = festival.scores, festival.entries, festival.assignments
    excluded = [festival.excluded]
    for row in latest.to_dict("records"):
        where = (source, int(row[col.SOURCE_ROW]) if pd.notna(row.get(col.SOURCE_ROW)) else None)
        flag_id, action = _text(row[col.FLAG_ID]), row[col.ACTION]
        if flag_id:
            if flag_id not in known.index:
                log.add(*where, col.FLAG_ID, flag_id, "a flag_id of this festival (see flags.csv from jury check)")
                continue
            flag = known.loc[flag_id]
            entity = flag["entity"]
            lane, juror, entry, criterion = (flag[col.LANE], flag[col.JUROR_ID], flag[col.ENTRY_ID], flag[col.CRITERION])
            in_round = flag[col.ROUND]
        else:  # a what-if: the row names its subject
            lane, juror, entry, criterion = (_text(row.get(c)) for c in WHATIF_SUBJECT)
            in_round = _text(row.get(col.ROUND))
            wrong = _whatif_problems(festival, lane, juror, entry, criterion)
            for column, value, expected in wrong:
                log.add(*where, column, value, expected)
            if wrong:
                continue
            entity = "score" if juror and entry else "juror" if juror else "entry"
        if action not in ACTIONS:
            log.add(*where, col.ACTION, action, "one of " + ", ".join(ACTIONS))
            continue
        if action == "exclude_score":
            if entity != "score":
                log.add(*where, col.ACTION, action, f"exclude_score answers a flag on a score; {flag_id} is on "
                        f"{'an' if entity == 'entry' else 'a'} {entity} (use accept, or exclude_juror/disqualify_entry)")
                continue
            hit = (scores[col.JUROR_ID] == juror) & (scores[col.ENTRY_ID] == entry)
            if criterion:
                hit &= scores[col.CRITERION] == criterion
            if in_round:
                hit &= scores[col.ROUND] == in_round
            # where the scores judge performances, a flag on a score names its performance as its item (a what-if, in
            # its own column)
            performance = "" if not festival.has_performances else _text(flag["item"] if flag_id else row.get(col.PERFORMANCE))
            if performance:
                hit &= scores[col.PERFORMANCE] == performance
            cells = [col.JUROR_ID, col.ENTRY_ID, col.CRITERION, col.ROUND, *([col.PERFORMANCE] if performance else [])]
            gone = scores.loc[hit, cells]
            if criterion and gone.empty:  # a missing score answered by exclusion: no longer expected
                gone = pd.DataFrame({col.JUROR_ID: [juror], col.ENTRY_ID: [entry], col.CRITERION: [criterion],
                                     col.ROUND: [in_round], **({col.PERFORMANCE: [performance]} if performance else {})})
            excluded.append(gone)
            scores = scores.loc[~hit]
        elif action == "exclude_juror":
            if not juror:
                log.add(*where, col.ACTION, action, f"exclude_juror answers a flag on a juror or a score; {flag_id} is "
                        f"on a {entity}")
                continue
            scores = scores.loc[~((scores[col.JUROR_ID] == juror) & (scores[col.LANE] == lane))]
            assignments = assignments.loc[~((assignments[col.JUROR_ID] == juror) & (assignments[col.LANE] == lane))]
        elif action == "disqualify_entry":
            if not entry:
                log.add(*where, col.ACTION, action, f"disqualify_entry answers a flag on an entry or a score; "
                        f"{flag_id} is on a {entity}")
                continue
            scores = scores.loc[scores[col.ENTRY_ID] != entry]
            entries = entries.loc[entries[col.ENTRY_ID] != entry]
            assignments = assignments.loc[assignments[col.ENTRY_ID] != entry]
    if strict:
        log.raise_if_any(str(festival.folder))
    decided = replace(festival, scores=scores.reset_index(drop=True), entries=entries.reset_index(drop=True),
                      assignments=assignments.reset_index(drop=True),
                      excluded=pd.concat(excluded, ignore_index=True).drop_duplicates())
    return decided, latest


def _whatif_problems(festival: Festival, lane: str, juror: str, entry: str, criterion: str) -> list[tuple]:
    """What is wrong with the subject a what-if names: ``(column, value, expected)`` each."""
    config = festival.config
    if lane not in config.lane_ids:
        return [(col.LANE, lane, "a lane id of festival.toml: " + ", ".join(config.lane_ids))]
    if not (juror or entry):
        return [(col.JUROR_ID, "", "a what-if without a flag names what it leaves out: a juror, an entry, or both")]
    out = []
    if juror and juror not in set(festival.jurors[col.JUROR_ID]):
        out.append((col.JUROR_ID, juror, "a juror_id listed in jurors"))
    lanes_of_entry = festival.entries.set_index(col.ENTRY_ID)[col.CATEGORY]
    if entry and lanes_of_entry.get(entry) != lane:
        out.append((col.ENTRY_ID, entry, f"an entry of the lane {lane}"))
    if criterion and criterion not in config.criterion_ids:
        out.append((col.CRITERION, criterion, "a criterion id of festival.toml: " + ", ".join(config.criterion_ids)))
    if criterion and not entry:
        out.append((col.CRITERION, criterion, "a criterion only with the entry whose score it is"))
    return out


def _changed(festival: Festival, decided: Festival) -> bool:
    return (len(decided.scores), len(decided.entries), len(decided.assignments), len(decided.excluded)) != (
        len(festival.scores), len(festival.entries), len(festival.assignments), len(festival.excluded))


def run_gate(festival: Festival, decisions: pd.DataFrame | str | Path | None = None, *,
             lanes: Sequence[str] | None = None, before: CheckResult | None = None,
             progress: Reporter | None = None, preview: bool = False) -> GateResult:
    """Check the festival, apply the decisions, check again, and say whether the results are
    publishable. ``decisions``: a table like ``decisions.csv``, or the path of such a file;
    ``None`` or ``""`` means the folder's own ``decisions.csv``. ``lanes``: check those lanes
    only (the decisions must then answer flags of those lanes); ``before``: the checks of
    the data as loaded, when the caller has them already (the chair explorer); ``progress``:
    told of each check as it finishes (:mod:`analytics.base.progress`); ``preview``: the checks after
    the decisions are a what-if preview (:func:`analytics.checks.registry.run_checks`): the same flags,
    without the intervals no flag reads."""
    if isinstance(decisions, (str, Path)):
        decisions = read_decisions(decisions) if str(decisions) else None
    festival = with_stages(festival)  # the rounds as the competition ran, before any decision
    decisions = festival.decisions if decisions is None else decisions
    before = run_checks(festival, lanes=lanes, progress=progress) if before is None else before
    if decisions.empty:
        flags = before.flags.assign(decision="", status="open")
        return GateResult(before, before, flags[GATE_COLUMNS], decisions)
    # A decision may answer a flag that appears only once other decisions are applied (exclude a
    # juror, and the lead passes to another entry with flags of its own): apply what can be
    # answered, check again, and repeat, at most ROUNDS times.
    latest = latest_decisions(decisions)
    asks = latest[col.FLAG_ID].fillna("")
    known, after, applied = before.flags, before, None
    for _ in range(ROUNDS):
        answerable = latest[(asks == "") | asks.isin(known["flag_id"])]
        ids = frozenset(answerable.index)
        if ids == applied:
            break
        decided, _ = apply_decisions(festival, known, answerable, strict=False)
        after = (run_checks(decided, lanes=lanes, progress=progress, label="checks after decisions", preview=preview)
                 if _changed(festival, decided) else before)
        applied = ids
        known = pd.concat([before.flags, after.flags]).drop_duplicates("flag_id")
    decided, latest = apply_decisions(festival, known, decisions)  # every decision must answer a known flag
    if frozenset(latest.index) != applied:  # the rounds ran out: check what was finally applied
        after = (run_checks(decided, lanes=lanes, progress=progress, label="checks after decisions", preview=preview)
                 if _changed(festival, decided) else before)
    answered = latest[latest[col.FLAG_ID].fillna("") != ""]
    action = dict(zip(answered[col.FLAG_ID], answered[col.ACTION]))
    still = set(after.flags["flag_id"])
    flags = pd.concat([after.flags, before.flags[~before.flags["flag_id"].isin(still)]], ignore_index=True)
    flags["decision"] = [action.get(fid, "") for fid in flags["flag_id"]]
    flags["status"] = [
        "accepted" if act == "accept" else
        ("open" if fid in still else ("excluded" if act.startswith(("exclude", "disqualify")) else "resolved"))
        for fid, act in zip(flags["flag_id"], flags["decision"])]
    return GateResult(before, after, sort_flags(flags)[GATE_COLUMNS], latest)
