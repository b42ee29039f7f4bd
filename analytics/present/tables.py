"""The result tables of a report folder: public (pseudonymised, no confidential detail) and
the chair's (everything, as ``jury check --out`` writes them), and the two tables the
report's sections share with them (juror statistics, decisions in words).

Public tables never carry a juror id or name, a flag id (flag ids name jurors), a reason or
who decided: jurors are pseudonyms, listed in pseudonym order, without score counts (a juror
with one score fewer would show whose score a decision excluded); decisions say what was
done to which entry.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.base import columns as col
from analytics.present.summary import output_tables
from analytics.checks.registry import public_names
from analytics.gate.decisions import GateResult
from analytics.checks.severity import juror_across_lanes
from analytics.present.pseudonyms import pseudonymise, pseudonyms

ACTION_WORDS = {"exclude_score": "scores not counted", "exclude_juror": "the juror's scores in this lane not counted",
                "disqualify_entry": "entry taken out of competition", "accept": "reviewed and accepted"}
STATUS_WORDS = {"open": "open", "accepted": "accepted by the chair", "resolved": "resolved by the decisions",
                "excluded": "the data concerned taken out"}
SCORE_COUNTS = ["n_scores", "n_scores_all"]


def check_words(check: str) -> str:
    """A flag's check as words: ``conflict_scored`` -> ``conflict scored``."""
    return check.replace("_", " ")


def concerning(flag: pd.Series, labels: dict[str, str], titles: pd.Series, *, public: bool) -> str:
    """What a flag is about, in words, from its subject columns; the public version never
    says which juror."""
    juror, entry, criterion, item = (str(flag.get(c) or "") for c in (col.JUROR_ID, col.ENTRY_ID, col.CRITERION, "item"))

    def film(entry: str) -> str:
        return f"{entry} ({titles.get(entry, '')})" if entry in titles.index else entry

    on = f" on {criterion}" if criterion else ""
    if juror and entry:
        whose = "one juror's" if public else f"juror {labels.get(juror, juror)}'s"
        return f"{whose} score for {film(entry)}{on}"
    if entry:
        return film(entry)
    if juror:
        return "one juror of the lane" if public else f"juror {labels.get(juror, juror)}"
    if criterion:
        return f"criterion {criterion}"
    return item or "the lane"


def decisions_in_words(gate: GateResult, labels: dict[str, str], *, public: bool) -> pd.DataFrame:
    """Every decided flag: ``lane, flag_id, check, severity, concerning, decision,
    decision_words, status, status_words`` (``concerning`` names no juror when ``public``)."""
    flags = gate.flags
    decided = flags[flags["decision"] != ""]
    titles = gate.before.festival.entries.set_index(col.ENTRY_ID)[col.TITLE]
    return pd.DataFrame({
        col.LANE: decided[col.LANE], col.FLAG_ID: decided[col.FLAG_ID], "check": decided["check"],
        "severity": decided["severity"],
        "concerning": [concerning(r, labels, titles, public=public) for _, r in decided.iterrows()],
        "decision": decided["decision"], "decision_words": decided["decision"].map(lambda a: ACTION_WORDS.get(a, a)),
        col.STATUS: decided[col.STATUS], "status_words": decided[col.STATUS].map(lambda s: STATUS_WORDS.get(s, s)),
    }).reset_index(drop=True)


def juror_statistics(gate: GateResult, labels: dict[str, str], *, scope: str | None = None) -> pd.DataFrame:
    """Juror severity (of ``scope``, or every scope) beside the juror's behaviour, after the
    decisions; rows by lane (festival order, then the line across lanes, ``lane = "all"``, of
    each juror on several panels), scope, then the order of ``labels`` (for pseudonyms
    J1 … Jn: never the order of the ids, which would tell who is who)."""
    after = gate.after
    severity = after["juror_severity"]
    severity = pd.concat([severity, juror_across_lanes(severity)], ignore_index=True)  # jurors on several panels
    severity = severity if scope is None else severity[severity["scope"] == scope]
    table = severity.merge(after["juror_behaviour"], on=[col.LANE, col.JUROR_ID], how="left", suffixes=("", "_all"))
    lanes = {lane.id: i for i, lane in enumerate(gate.before.festival.config.lanes)}
    scopes = {s: i for i, s in enumerate(dict.fromkeys(table["scope"]))}
    position = {juror: i for i, juror in enumerate(labels)}
    order = np.lexsort((table[col.JUROR_ID].map(position).fillna(len(position)).to_numpy(),
                        table["scope"].map(scopes).to_numpy(),
                        table[col.LANE].map(lanes).fillna(len(lanes)).to_numpy()))
    return table.iloc[order].reset_index(drop=True)


def chair_tables(gate: GateResult) -> dict[str, pd.DataFrame]:
    """Every table ``jury check --out`` writes (confidential)."""
    return output_tables(gate)


def public_tables(gate: GateResult) -> dict[str, pd.DataFrame]:
    """The tables safe to hand out, by file name (without ``.csv``)."""
    labels = pseudonyms(gate.before.festival)
    jurors = juror_statistics(gate, labels).drop(columns=SCORE_COUNTS, errors="ignore")
    decisions = decisions_in_words(gate, labels, public=True).drop(columns=col.FLAG_ID)
    flags = gate.flags
    summary = (flags.groupby([col.LANE, "check", "severity", col.STATUS], sort=False).size().rename("n_flags")
               .reset_index().assign(check_words=lambda t: t["check"].map(check_words)))
    tables = {}
    for name in public_names():  # the families whose tables may be handed out, where configured and not empty
        # eligibility as the entries came in: an entry disqualified by decision keeps the rule that took it out
        result = gate.before if name == "eligibility" else gate.after
        if name in result and not result[name].empty:
            tables[name] = result[name]
    tables["jurors"] = pseudonymise(jurors, labels)
    return {**tables, "lanes": gate.before.lane_summary, "decisions": decisions, "flags_summary": summary}
