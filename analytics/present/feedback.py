"""Feedback to jurors: one confidential page per juror, about their own scoring only.

``jury feedback DIR [--out OUT]`` (:func:`write_feedback`) runs the gate (the chair's decisions
applied) and writes ``OUT/<juror_id>.html`` for every juror: per lane they judge, their
severity with its interval, the spread of their scores, how closely they rank the entries
like the rest of the panel; then their affiliation preference (with ``[jury]
affiliations``) and their drift (with ``submitted_at``); then the flags the chair saw about
their scores. Each figure comes with a sentence saying how to read it.

A page names no other juror, shows no other juror's id or scores: the panel appears only as
"the rest of the panel", through figures taken over all its other jurors (their mean, their
median). The pages are self-contained HTML (no script, no font or style sheet fetched),
rendered by the workbench's one renderer (:mod:`analytics.present.render`: jinja2 with
autoescaping, the report's style sheet), so a name or a title from the festival's files is
shown as text.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from analytics.base import columns as col
from analytics.base.columns import ALL_LANES
from analytics.load.festival import Festival
from analytics.checks.registry import juror_kinds
from analytics.gate.decisions import GateResult, run_gate
from analytics.present.render import render
from analytics.rules.scoring import WEIGHTED_TOTAL

TEMPLATE = "feedback.html.j2"
#: the flags about a juror's own scoring that their page repeats: the kinds the check families
#: declare ``about_juror`` (:func:`analytics.checks.registry.juror_kinds`)
OWN_CHECKS = juror_kinds()


def _points(value: float) -> str:
    return "–" if pd.isna(value) else f"{value:+.2f}"


def _lane_items(gate: GateResult, juror: str, lane: str) -> dict:
    after = gate.after
    festival = after.festival
    checks = festival.config.checks
    first = festival.config.round_ids[0]
    severity = after["juror_severity"]
    mine = severity[(severity[col.LANE] == lane) & (severity[col.JUROR_ID] == juror) & (severity["scope"] == WEIGHTED_TOTAL)
                    & (severity[col.ROUND] == first)]
    behaviour = after["juror_behaviour"]
    panel = behaviour[(behaviour[col.LANE] == lane) & (behaviour[col.ROUND] == first)]
    own = panel[panel[col.JUROR_ID] == juror]
    others = panel[panel[col.JUROR_ID] != juror]
    scores = festival.scores[(festival.scores[col.LANE] == lane) & (festival.scores[col.JUROR_ID] == juror)]
    items = []
    if len(mine):
        row = mine.iloc[0]
        lean = ("more lenient than" if row["ci_low"] > 0 else "harsher than" if row["ci_high"] < 0
                else "in line with")
        items.append({
            "title": "How generous you were",
            "figure": f"{_points(row['severity'])} points (95% interval {_points(row['ci_low'])} to {_points(row['ci_high'])})",
            "reading": f"On the same entries, your weighted totals were {abs(row['severity']):.2f} points "
                       f"{'above' if row['severity'] > 0 else 'below'} the rest of the panel's on average: you were "
                       f"{lean} the panel. The chair looks twice at a gap beyond ±{checks.severity_max:.2g} points.",
            "how": "Positive: kinder than the panel; negative: harsher. The panel's own average is 0. If the interval "
                   "crosses 0, the gap may be chance."})
    if len(own):
        row = own.iloc[0]
        median = float(others["sd"].median()) if len(others) else float("nan")
        items.append({
            "title": "How much your scores spread",
            "figure": f"standard deviation {row['sd']:.2f} points (the rest of the panel: median {median:.2f})",
            "reading": ("Your scores spread about as much as the panel's." if pd.isna(median) or abs(row["sd"] - median) < 0.3
                        else "Your scores spread less than the panel's: you told the entries apart less."
                        if row["sd"] < median else "Your scores spread more than the panel's."),
            "how": f"A spread below {checks.straightline_max_sd:.2g} points means giving nearly the same score to "
                   "everything, which tells the entries apart hardly at all."})
        if not pd.isna(row["rho_rest"]):
            items.append({
                "title": "How closely you ranked the entries like the rest of the panel",
                "figure": f"rank correlation {row['rho_rest']:.2f}",
                "reading": ("You ranked the entries much as the rest of the panel did." if row["rho_rest"] >= 0.7 else
                            "You ranked the entries somewhat like the rest of the panel." if row["rho_rest"] >= checks.out_of_line_max_rho
                            else "You ranked the entries differently from the rest of the panel."),
                "how": "1: the same order as the mean of the other jurors; 0: no relation; below "
                       f"{checks.out_of_line_max_rho:.2g} the chair is told. A different view is not a fault: it is "
                       "what a jury is for, and the chair reads it with your comments."})
    lanes = festival.juror_lanes
    return {"name": festival.lane_names()[lane], "n_scores": len(scores), "n_entries": scores[col.ENTRY_ID].nunique(),
            "panel_size": int((lanes[col.LANE] == lane).sum()), "figures": items}


def _person_items(gate: GateResult, juror: str) -> list[dict]:
    after = gate.after
    items = []
    performed = after.festival.has_performances
    judged = "performances" if performed else "entries"  # what a judgement is (design section 14)
    if "affiliation" in after:
        table = after["affiliation"]
        mine = table[table[col.JUROR_ID] == juror]
        lanes = {**after.festival.lane_names(), ALL_LANES: "all your lanes"}
        for row in mine.itertuples(index=False):
            stands = row.p_adjusted <= after.festival.config.checks.effect_p_max
            where = f" ({lanes.get(row.lane, row.lane)})" if mine[col.LANE].nunique() > 1 else ""  # a juror of several panels
            items.append({
                "title": f"{judged.capitalize()} that share your {row.affiliation} ({row.value}){where}",
                "figure": f"{_points(row.preference)} points (95% interval {_points(row.ci_low)} to {_points(row.ci_high)}) "
                          f"on {row.n_same} {judged}, against your other {row.n_other}",
                "reading": (f"You gave the {judged} sharing your {row.affiliation} more than the rest of the panel did, by "
                            f"more than on your other {judged}, beyond what chance explains: the chair has been asked to "
                            "look at it with you." if stands and row.preference > 0 else
                            f"You gave the {judged} sharing your {row.affiliation} less than the rest of the panel did, "
                            "beyond chance." if stands else
                            "No preference beyond what chance explains."),
                "how": f"The gap between you and the rest of the panel on those {judged}, minus the same gap on your "
                       f"other {judged} (so your general generosity cancels). Declared conflicts are not counted."})
    if "drift" in after:
        table = after["drift"]
        scores = after.festival.scores
        timed = col.SUBMITTED_AT in scores and scores[col.SUBMITTED_AT].notna().any()  # else: the order of performance
        for row in table[table[col.JUROR_ID] == juror].itertuples(index=False):
            stands = row.p_adjusted <= after.festival.config.checks.effect_p_max
            items.append({
                "title": "Whether your scoring changed as you went on",
                "figure": f"{row.slope:+.2f} points per 10 scores (rank correlation {row.rho:+.2f}; {row.n_scores} scores, "
                          f"{row.first_at} to {row.last_at})",
                "reading": ("Your scores moved with the order you gave them in, beyond chance: "
                            + ("you grew kinder as you went on." if row.rho > 0 else "you grew harsher as you went on.")
                            if stands else "No trend beyond what chance explains."),
                "how": ("Your scores minus what the entry and your own generosity lead one to expect, in the order you "
                        "submitted them. A trend can come from long sessions or from anchoring on the first entries."
                        if timed else "Your marks minus what the performance and your own generosity lead one to expect, in the "
                        "order the performances were given, round by round. A trend can come from a long competition "
                        "or from anchoring on the first performances.")})
    return items


def juror_page(gate: GateResult, juror: str, *, written: str | None = None) -> str:
    """The HTML page of one juror (see the module notes)."""
    festival = gate.after.festival
    jurors = festival.jurors.set_index(col.JUROR_ID)
    if juror not in jurors.index:
        raise ValueError(f"no juror {juror!r} in this festival")
    lanes = [lane for lane in festival.juror_lanes.loc[festival.juror_lanes[col.JUROR_ID] == juror, col.LANE]
             if lane in set(festival.config.lane_ids)]
    flags = gate.flags
    own = flags[(flags[col.JUROR_ID] == juror) & flags["check"].isin(OWN_CHECKS) & (flags["status"] != "resolved")]
    name = str(jurors.loc[juror, col.NAME]) if col.NAME in jurors and str(jurors.loc[juror, col.NAME]) else juror
    return str(render(
        TEMPLATE,
        festival=festival.config.name, synthetic=festival.config.synthetic, name=name, juror_id=juror,
        written=written or datetime.now(timezone.utc).strftime("%Y-%m-%d"),
        lanes=[_lane_items(gate, juror, lane) for lane in lanes], person=_person_items(gate, juror),
        notes=[f"{row.message} ({'decided: ' + row.decision if row.decision else row.status})" for row in own.itertuples()]))


def write_feedback(festival: Festival, out: str | Path, *, gate: GateResult | None = None) -> list[Path]:
    """Write ``out/<juror_id>.html`` for every juror with scores (see the module notes), atomically:
    the pages are written to a temporary folder beside ``out`` and moved into place together."""
    gate = gate or run_gate(festival)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    scored = set(gate.after.festival.scores[col.JUROR_ID])
    jurors = [j for j in festival.jurors[col.JUROR_ID] if j in scored]
    written = datetime.now(timezone.utc).strftime("%Y-%m-%d")
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        for juror in jurors:
            (staging / f"{_file_name(juror)}.html").write_text(juror_page(gate, juror, written=written), encoding="utf-8")
        if out.exists():
            shutil.rmtree(out)
        os.replace(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return [out / f"{_file_name(j)}.html" for j in jurors]


def _file_name(juror: str) -> str:
    """A juror id as a file name: characters outside letters, digits, ``-`` and ``_`` as ``_``."""
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in juror) or "juror"


__all__ = ["juror_page", "write_feedback"]
