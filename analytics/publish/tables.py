"""The result tables of a report folder: public (pseudonymised, no confidential detail) and
the chair's (everything, as ``jury check --out`` writes them).

Public tables never carry a juror id or name, a flag id (flag ids name jurors), a reason or
who decided: jurors are pseudonyms, listed in pseudonym order, without score counts (a juror
with one score fewer would show whose score a decision excluded); decisions say what was
done to which entry.
"""

from __future__ import annotations

import pandas as pd

from .. import columns as col
from ..check import output_tables
from ..gate import GateResult
from .pseudonyms import pseudonymise, pseudonyms
from .sections import ACTION_WORDS, STATUS_WORDS, _concerning, check_words


def chair_tables(gate: GateResult) -> dict[str, pd.DataFrame]:
    """Every table ``jury check --out`` writes (confidential)."""
    return output_tables(gate)


def public_tables(gate: GateResult) -> dict[str, pd.DataFrame]:
    """The tables safe to hand out, by file name (without ``.csv``)."""
    festival = gate.before.festival
    labels = pseudonyms(festival)
    after = gate.after
    jurors = after.severity.merge(after.behaviour, on=[col.LANE, col.JUROR_ID], how="left", suffixes=("", "_all"))
    # rows in pseudonym order (the id order would tell who is who) and no score counts (they
    # would show whose scores a decision excluded)
    lanes = {lane.id: i for i, lane in enumerate(festival.config.lanes)}
    scopes = {scope: i for i, scope in enumerate(dict.fromkeys(jurors["scope"]))}
    number = jurors[col.JUROR_ID].map(labels).map(lambda p: int("".join(ch for ch in p if ch.isdigit())))
    jurors = (jurors.assign(_lane=jurors[col.LANE].map(lanes), _scope=jurors["scope"].map(scopes), _number=number)
              .sort_values(["_lane", "_scope", "_number"], kind="stable")
              .drop(columns=["_lane", "_scope", "_number", "n_scores", "n_scores_all"], errors="ignore")
              .reset_index(drop=True))
    flags = gate.flags
    titles = festival.entries.set_index(col.ENTRY_ID)[col.TITLE]
    decided = flags[flags["decision"] != ""]
    decisions = pd.DataFrame({
        col.LANE: decided[col.LANE], "check": decided["check"], "severity": decided["severity"],
        "concerning": [_concerning(r, labels, titles, public=True) for _, r in decided.iterrows()],
        "decision": decided["decision"], "decision_words": decided["decision"].map(lambda a: ACTION_WORDS.get(a, a)),
        col.STATUS: decided[col.STATUS], "status_words": decided[col.STATUS].map(lambda s: STATUS_WORDS.get(s, s)),
    }).reset_index(drop=True)
    summary = (flags.groupby([col.LANE, "check", "severity", col.STATUS], sort=False).size().rename("n_flags")
               .reset_index().assign(check_words=lambda t: t["check"].map(check_words)))
    return {"rankings": after.rankings, "agreement": after.agreement, "eligibility": gate.before.eligibility,
            "jurors": pseudonymise(jurors, labels), "score_effects": after.effects, "lanes": gate.before.lanes,
            "decisions": decisions, "flags_summary": summary}
