"""The chair's what-if explorer: the logic behind ``notebooks/10-chair-explorer.ipynb``.

:class:`Explorer` holds a view (lane, scope, method) and the chair's what-ifs (leave a
juror out, or one score). A what-if is a decision: it answers the flag on exactly its
subject when there is one (``flag_id``), and names its subject itself when there is none.
A what-if is shown in two steps. At once, what the change touches: the standings
(:func:`analytics.checks.rankings.rankings_without`: the left-out juror's entries computed again and
spliced into the lane's official result, the lane's totals ranked again, the leave-one-juror-out
ranks) and the agreement on the lane's totals; these are the numbers the gate would give, without
the resampled juries (p(first), rank intervals: missing until settled). Then, when asked
(:meth:`Explorer.settle`, or any of :meth:`~Explorer.gate`, :meth:`~Explorer.blockers`,
:meth:`~Explorer.juror_panel`, :meth:`~Explorer.current`), the whole lane:
:func:`analytics.gate.decisions.run_gate` on those decisions, for the lane in view: the same
:func:`~analytics.gate.decisions.apply_decisions` and the same registry of checks as ``jury check``,
so the explorer's flags are the gate's flags. The checks of the data as loaded are computed once
per lane and kept.

Every what-if can be undone, and the current what-ifs become rows for ``decisions.csv``
(each must answer a flag, as the gate requires). The widgets of the notebook only call these
methods; everything here is testable without a browser.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timezone

import numpy as np
import pandas as pd

from analytics.base import columns as col
from analytics.checks.rankings import FAIR, fair_applies, rankings, rankings_without
from analytics.checks.rasch import JUROR as JUROR_FACET
from analytics.checks.registry import CheckResult, run_checks
from analytics.checks.severity import juror_severity
from analytics.gate.decisions import GateResult, run_gate
from analytics.load.festival import Festival
from analytics.rules.scoring import WEIGHTED_TOTAL
from analytics.rules.stages import with_stages
from analytics.stats.agreement import krippendorff_alpha
from analytics.stats.agreement.alpha import interval_alpha_without_each

METHODS = {"official": "score", "z": "score_z", "median": "score_median", "trimmed": "score_trimmed", "model": "score_model",
           FAIR: f"score_{FAIR}"}
#: the Rasch model's figures of each juror in the panel (:meth:`Explorer.juror_panel`), from ``rasch.csv``
RASCH_PANEL = {"rasch_measure": "measure", "rasch_se": "se", "infit": "infit", "outfit": "outfit"}
STANDING_COLUMNS = ["rank", "entry_id", "title", "score", "p_first", "p_top3", "rank_low", "rank_high", "loo_rank_best",
                    "loo_rank_worst", "n_jurors", "round_score", "advances", "p_advance"]
DECISION_COLUMNS = ["flag_id", "action", "reason", "decided_by", "decided_at"]


@dataclass(frozen=True)
class Exclusion:
    """A what-if: a juror of a lane left out (``entry_id`` None), or one juror's scores for one
    entry (``criterion`` None: all of them). ``flag_id``: the flag of the data as loaded whose
    subject is exactly this (empty when none is)."""

    lane: str
    juror_id: str
    entry_id: str | None = None
    criterion: str | None = None
    flag_id: str = ""
    #: where the scores judge performances: the one performance (None: all of the entry's)
    performance: str | None = None
    #: the one round (None: every round)
    round: str | None = None

    @property
    def action(self) -> str:
        return "exclude_juror" if self.entry_id is None else "exclude_score"

    def describe(self, lane_names: dict[str, str] | None = None) -> str:
        if self.entry_id is None:
            return f"juror {self.juror_id} left out of {(lane_names or {}).get(self.lane, self.lane)}"
        what = f"{self.criterion} score" if self.criterion else "scores"
        judged = f"performance {self.performance} of {self.entry_id}" if self.performance else self.entry_id
        return f"juror {self.juror_id}'s {what} for {judged}{f' in round {self.round}' if self.round else ''} left out"

    def decision(self) -> dict[str, str]:
        """The what-if as a decision row (with its own subject, for a what-if that answers no flag)."""
        return {col.FLAG_ID: self.flag_id, col.ACTION: self.action, col.REASON: self.describe(), col.DECIDED_BY: "what-if",
                col.DECIDED_AT: "", col.LANE: self.lane, col.JUROR_ID: self.juror_id, col.ENTRY_ID: self.entry_id or "",
                col.CRITERION: self.criterion or "", col.PERFORMANCE: self.performance or "", col.ROUND: self.round or ""}


def _with_resamples(festival: Festival, n_boot: int | None) -> Festival:
    if n_boot is None or n_boot == festival.config.checks.bootstrap_resamples:
        return festival
    return replace(festival, config=festival.config.with_checks(bootstrap_resamples=n_boot))


class Explorer:
    """What-if analysis of one festival for the chair.

    Parameters
    ----------
    festival
        A loaded festival (decisions already in ``decisions.csv`` are not applied here:
        the explorer is for trying things before deciding).
    n_boot
        Resamples of every bootstrap (default: ``[checks] bootstrap_resamples``); the
        explorer's flags are the gate's flags with that setting.
    """

    def __init__(self, festival: Festival, *, n_boot: int | None = None):
        self.festival = _with_resamples(with_stages(festival), n_boot)
        self.n_boot = self.festival.config.checks.bootstrap_resamples
        self.lane = festival.config.lane_ids[0]
        self.round = festival.config.round_ids[-1]  # with rounds: the final, where the honour is decided
        self.scope = WEIGHTED_TOTAL
        self.method = "official"
        self.exclusions: list[Exclusion] = []
        self._before: dict[str, CheckResult] = {}  # per lane: the checks of the data as loaded, kept
        self._gates: dict[tuple, GateResult] = {}  # per lane and what-ifs: the gate
        self._quick: dict[tuple, object] = {}  # per lane, what-ifs and view: what a what-if shows at once

    # --- the view and the what-ifs ----------------------------------------------------

    def scopes(self, lane: str | None = None) -> list[str]:
        """What the lane can be viewed on: the weighted total, then each criterion the lane uses."""
        criteria = self.festival.config.lane_criteria(lane or self.lane)
        return [WEIGHTED_TOTAL, *criteria] if len(criteria) > 1 else [WEIGHTED_TOTAL]

    def set_view(self, *, lane: str | None = None, scope: str | None = None, method: str | None = None,
                 round: str | None = None) -> None:
        """Change the lane, scope, method or round in view; a lane that does not use the scope in
        view is shown on its weighted total."""
        if round is not None:
            if round not in self.festival.config.round_ids:
                raise ValueError(f"round must be one of {', '.join(self.festival.config.round_ids)}; got {round!r}")
            self.round = round
        if lane is not None and lane not in self.festival.config.lane_ids:
            raise ValueError(f"lane must be one of {', '.join(self.festival.config.lane_ids)}; got {lane!r}")
        lane = lane or self.lane
        allowed = self.scopes(lane)
        if scope is not None and scope not in allowed:
            raise ValueError(f"scope must be one of {', '.join(allowed)} (the lane {lane}); got {scope!r}")
        if method is not None and method not in self.methods():
            raise ValueError(f"method must be one of {', '.join(self.methods())}; got {method!r}"
                             + (" (the Rasch fair average needs [rasch] in festival.toml, and scores that judge "
                                "entries, not performances)" if method == FAIR else ""))
        scope = scope or (self.scope if self.scope in allowed else WEIGHTED_TOTAL)
        self.lane, self.scope, self.method = lane, scope, method or self.method

    def methods(self) -> list[str]:
        """The methods the standings can be ordered by (:data:`METHODS`): the Rasch fair average only where
        the festival has it (:func:`analytics.checks.rankings.fair_applies`, on its weighted total)."""
        return [m for m in METHODS if m != FAIR or fair_applies(self.festival)]

    def method_note(self) -> str:
        """Why the method in view gives no score, in a sentence: the Rasch fair average on one criterion (the
        model measures every criterion at once), or after a what-if until the lane is checked again; else ""."""
        if self.method != FAIR:
            return ""
        if self.scope != WEIGHTED_TOTAL:
            return ("The Rasch fair average measures each entry over every criterion at once: it is shown on the "
                    "weighted total, not on one criterion.")
        return "" if self.settled else "The Rasch fair average is fitted again when the lane is checked again."

    def exclude_juror(self, juror_id: str) -> None:
        """Leave a juror of the lane in view out of every number."""
        if juror_id not in set(self.jurors()):
            raise ValueError(f"{juror_id!r} is not a juror of {self.lane} (or is already left out)")
        flags = self.before().flags
        taken = {e.flag_id for e in self.exclusions}
        # the flag on exactly this juror (not one on a score of theirs: a later decision on that
        # flag would replace this one, and the juror would silently count again)
        mine = flags[(flags[col.JUROR_ID] == juror_id) & (flags[col.ENTRY_ID] == "") & (flags[col.LANE] == self.lane)
                     & ~flags["flag_id"].isin(taken)]
        self.exclusions.append(Exclusion(self.lane, juror_id, flag_id=mine["flag_id"].iloc[0] if len(mine) else ""))

    def exclude_score(self, juror_id: str, entry_id: str, criterion: str | None = None,
                      performance: str | None = None, round: str | None = None) -> None:
        """Leave one score (or all of a juror's criteria for one entry) out; where the scores judge
        performances, of one ``performance`` (None: of every performance of the entry); of one ``round``
        (None: of every round). A missing score can be left out too when a flag asks for it: it is then
        no longer expected."""
        s = self.before().shared.lane_scores(self.lane)
        hit = ~self._removed() & (s[col.JUROR_ID] == juror_id).to_numpy() & (s[col.ENTRY_ID] == entry_id).to_numpy()
        if criterion is not None:
            hit &= (s[col.CRITERION] == criterion).to_numpy()
        if round is not None:
            if round not in self.festival.config.round_ids:
                raise ValueError(f"round must be one of {', '.join(self.festival.config.round_ids)}; got {round!r}")
            hit &= (s[col.ROUND] == round).to_numpy()
        performed = self.festival.has_performances
        if performance is not None:
            if not performed:
                raise ValueError("performance: the scores of this festival name no performances")
            hit &= (s[col.PERFORMANCE] == performance).to_numpy()
        flags = self.before().flags
        exact = flags[(flags[col.LANE] == self.lane) & (flags[col.JUROR_ID] == juror_id) & (flags[col.ENTRY_ID] == entry_id)
                      & (flags[col.CRITERION] == (criterion or ""))]
        if performed:  # a flag on one performance's score names it (its item) and its round: exactly this what-if's
            rounds = s[col.ROUND].to_numpy()
            exact = exact[(exact["item"] == (performance or ""))
                          & np.array([not (hit & (rounds != r)).any() if r else True for r in exact[col.ROUND]],
                                     dtype=bool)]  # (a handful of flags on one juror's scores of one entry)
        taken = {e.flag_id for e in self.exclusions}
        exact = exact[~exact["flag_id"].isin(taken)]
        if not hit.any() and exact.empty:
            raise ValueError(f"no score of juror {juror_id!r} for {entry_id!r}{f' on {criterion!r}' if criterion else ''} "
                             f"in {self.lane} (or it is already left out)")
        if round is not None:
            exact = exact[exact[col.ROUND] == round]
        self.exclusions.append(Exclusion(self.lane, juror_id, entry_id, criterion,
                                         exact["flag_id"].iloc[0] if len(exact) else "", performance, round))

    def undo(self) -> Exclusion | None:
        """Take back the last what-if; returns it (None when there was none)."""
        return self.exclusions.pop() if self.exclusions else None

    def reset(self) -> None:
        self.exclusions.clear()

    # --- the gate, for the lane in view -------------------------------------------------

    def before(self, lane: str | None = None) -> CheckResult:
        """Every check on the lane's data as loaded (computed once per lane)."""
        lane = lane or self.lane
        if lane not in self._before:
            self._before[lane] = run_checks(self.festival, lanes=[lane])
        return self._before[lane]

    def decisions(self, lane: str | None = None) -> pd.DataFrame:
        """The what-ifs of the lane as decisions (see :class:`Exclusion`)."""
        lane = lane or self.lane
        rows = [e.decision() for e in self.exclusions if e.lane == lane]
        return pd.DataFrame(rows, columns=[*DECISION_COLUMNS, col.LANE, col.JUROR_ID, col.ENTRY_ID, col.CRITERION,
                                           col.PERFORMANCE, col.ROUND])

    def _key(self) -> tuple:
        return (self.lane, tuple(e for e in self.exclusions if e.lane == self.lane))

    @property
    def settled(self) -> bool:
        """Whether the whole lane has been checked again for the what-ifs in view (:meth:`settle`)."""
        return not self._key()[1] or self._key() in self._gates

    def gate_result(self) -> GateResult:
        """:func:`analytics.gate.decisions.run_gate` on the lane in view with its what-ifs as decisions."""
        key = self._key()
        if key not in self._gates:
            self._gates[key] = run_gate(self.festival, self.decisions(), lanes=[self.lane], before=self.before(),
                                        preview=True)
        return self._gates[key]

    def settle(self) -> GateResult:
        """Check the whole lane again for the what-ifs in view: the flags, the jurors' panel and the
        resampled juries of the standings (on the scope in view) are then those of the gate."""
        gate = self.gate_result()
        self._rankings()
        return gate

    def current(self) -> Festival:
        """The festival with the lane's what-ifs applied, exactly as the gate applies decisions."""
        return self.gate_result().after.festival

    # --- what a what-if shows at once: only what it touches ----------------------------------

    def _quick_memo(self, name, compute):
        key = (name, *self._key())
        if key not in self._quick:
            self._quick[key] = compute()
        return self._quick[key]

    def _removed(self) -> np.ndarray:
        """The lane's scores (a mask over the lane's scores as loaded) that the what-ifs in view leave
        out, as :func:`~analytics.gate.decisions.apply_decisions` leaves them out. O(the lane's scores)."""
        def compute() -> np.ndarray:
            s = self.before().shared.lane_scores(self.lane)
            juror, entry, criterion = (s[c].to_numpy() for c in (col.JUROR_ID, col.ENTRY_ID, col.CRITERION))
            out = np.zeros(len(s), dtype=bool)
            for e in self._key()[1]:  # the chair's what-ifs: a handful
                hit = juror == e.juror_id
                if e.entry_id is not None:
                    hit &= entry == e.entry_id
                    if e.criterion:
                        hit &= criterion == e.criterion
                    if e.performance:
                        hit &= (s[col.PERFORMANCE] == e.performance).to_numpy()
                    if e.round is not None:
                        hit &= (s[col.ROUND] == e.round).to_numpy()
                out |= hit
            return out
        return self._quick_memo("removed", compute)

    def ratings(self) -> pd.DataFrame:
        """The ratings (``entry_id, juror_id, score``) of the lane, scope and round in view, with the
        what-ifs applied (the rows of the scores left out dropped)."""
        shared = self.before().shared
        return self._quick_memo(("ratings", self.scope, self.round), lambda: shared.ratings_without(
            self.lane, self.scope, self.round, self._removed()))

    def jurors(self) -> list[str]:
        """The jurors of the lane in view who still count."""
        s = self.before().shared.lane_scores(self.lane)
        return self._quick_memo("jurors", lambda: sorted(s.loc[~self._removed(), col.JUROR_ID].unique()))

    def gate(self) -> pd.DataFrame:
        """The lane's flags with the decision each what-if took and their status (the
        columns of :data:`analytics.gate.decisions.GATE_COLUMNS`), blockers first."""
        return self.gate_result().flags

    def blockers(self) -> pd.DataFrame:
        """The lane's open blockers."""
        return self.gate_result().open_blockers.reset_index(drop=True)

    # --- what the chair sees -----------------------------------------------------------

    def _after(self) -> CheckResult:
        """The checks of the lane in view after its what-ifs (the data as loaded without any)."""
        return self.gate_result().after if self._key()[1] else self.before()

    def _rankings(self) -> pd.DataFrame:
        """The lane's standings (every round) on the scope in view with the resampled juries: the
        checks' own (after the what-ifs: the whole lane checked again)."""
        after = self._after()
        if self.scope == WEIGHTED_TOTAL:
            return after["rankings"]
        return self._quick_memo(("rankings", self.scope), lambda: rankings(after.shared, lanes=[self.lane],
                                                                           scope=self.scope))

    def _standings_now(self) -> pd.DataFrame:
        """The lane's standings (every round) on the scope in view: the checks' own without what-ifs
        or once the lane is settled; before that, what the what-ifs touch computed again
        (:func:`~analytics.checks.rankings.rankings_without`), without the resampled juries."""
        if not self._key()[1] or (self.settled and (self.scope == WEIGHTED_TOTAL
                                                    or (("rankings", self.scope), *self._key()) in self._quick)):
            return self._rankings()
        return self._quick_memo(("standings", self.scope), lambda: rankings_without(
            self.before().shared, self.lane, self._removed(), scope=self.scope))

    def standings(self) -> pd.DataFrame:
        """The lane's standings on the scope, ordered by the chosen method, with the official
        robustness: p(first), p(top 3), the 95% rank interval (from the resampled juries: missing
        after a what-if until :meth:`settle`), leave-one-juror-out ranks."""
        table = self._standings_now()
        table = table[table[col.ROUND] == self.round]
        score = METHODS[self.method]
        values = table[score] if score in table else pd.Series(np.nan, index=table.index)  # (see method_note)
        # each method's own rank (the official one with its tie-break; lower is better where the rule says so)
        by = "rank" if score == "score" else score.replace("score_", "rank_", 1)
        ranked = (table[by].astype("Int64") if by in table else
                  values.rank(ascending=bool(self.festival.config.scale.ranks), method="min").astype("Int64"))
        out = table.assign(score=values, rank=ranked)
        return out.sort_values(["rank", col.ENTRY_ID])[STANDING_COLUMNS].reset_index(drop=True)

    def cut(self) -> int | None:
        """How many entries of the round in view go on (None in the last round, or without rounds)."""
        r = self.festival.config.round(self.round)
        return None if r is None else r.advance

    def agreement(self) -> dict[str, float]:
        """Interval alpha on the scope, with everyone who counts and as it was before the what-ifs."""
        now = self._quick_memo(("alpha", self.scope, self.round), lambda: krippendorff_alpha(self.ratings()))
        before = self.before().shared.memo(("explorer_alpha", self.lane, self.scope, self.round), lambda: krippendorff_alpha(
            self.before().shared.ratings(self.lane, self.scope, self.round)))  # the key names all that the value depends on
        return {"alpha": now.estimate, "alpha_before": before.estimate, "band": now.band,
                "bar": self.festival.config.checks.agreement_min_alpha, "reason": now.reason}

    def juror_panel(self) -> pd.DataFrame:
        """Per juror of the lane: severity on the scope with its interval, alpha without them,
        their number of open flags, and (where the festival has them) their affiliation
        preference with its interval and adjusted p (``affiliation_*``, the first declared
        affiliation), their drift (``drift_rho``, ``drift_p``) and, with ``[rasch]``, their Rasch
        measure from ``rasch.csv`` in the round in view (:data:`RASCH_PANEL`: ``rasch_measure``, their
        severity in logits over every criterion, positive = severe, the opposite sign of ``severity``,
        with ``rasch_se``; ``infit`` and ``outfit`` mean-squares). Computed once per what-ifs and view,
        on the lane checked again for them (the preview's own Rasch fit)."""
        return self._quick_memo(("juror_panel", self.scope, self.round), self._juror_panel).copy()

    def _juror_panel(self) -> pd.DataFrame:
        after = self.gate_result().after
        data = after.shared.ratings(self.lane, self.scope, self.round)
        alpha = krippendorff_alpha(data).estimate
        severity = after["juror_severity"]
        severity = severity[(severity["scope"] == self.scope) & (severity[col.LANE] == self.lane)
                            & (severity[col.ROUND] == self.round)]
        if severity.empty and not self.festival.config.scale.ranks:  # a scope the checks do not measure on its own
            # (the one criterion of a lane); on a rank scale severity does not apply: every juror gives each place once
            severity = juror_severity(after.shared, lanes=[self.lane], scopes=[self.scope])
            severity = severity[severity[col.ROUND] == self.round]
        severity = severity.set_index(col.JUROR_ID)
        flags = self.gate()
        open_flags = flags[flags["status"] == "open"].groupby(col.JUROR_ID).size()
        jurors = self.jurors()
        coded = after.shared.coded(self.lane, self.scope, self.round)
        without_each = dict(zip(coded.raters, interval_alpha_without_each(coded)))
        without = [without_each.get(juror, alpha) for juror in jurors]  # a juror with no score here changes nothing
        labels = self.festival.juror_labels()
        out = pd.DataFrame({col.JUROR_ID: jurors, "label": [labels.get(j, j) for j in jurors]})
        for name in ("severity", "ci_low", "ci_high"):
            out[name] = out[col.JUROR_ID].map(severity[name]) if name in severity else float("nan")
        out["alpha_without"] = without
        out["alpha_change"] = out["alpha_without"] - alpha
        out["n_flags"] = out[col.JUROR_ID].map(open_flags).fillna(0).astype(int)
        # the affiliation screen (first declared affiliation) and drift, where the festival has them
        preference = after["affiliation"] if "affiliation" in after else None
        if preference is not None and len(preference):
            first = preference[preference["affiliation"] == self.festival.config.jury.affiliations[0]]
            first = first[first[col.JUROR_ID] != ""].set_index(col.JUROR_ID)
            for name, source in (("affiliation_preference", "preference"), ("affiliation_low", "ci_low"),
                                 ("affiliation_high", "ci_high"), ("affiliation_p", "p_adjusted")):
                out[name] = out[col.JUROR_ID].map(first[source])
        drift = after["drift"] if "drift" in after else None
        if drift is not None and len(drift):
            by_juror = drift.set_index(col.JUROR_ID)
            out["drift_rho"] = out[col.JUROR_ID].map(by_juror["rho"])
            out["drift_p"] = out[col.JUROR_ID].map(by_juror["p_adjusted"])
        if "rasch" in after:  # the model's measure of each juror, over every criterion of the round in view
            rasch = after["rasch"]
            mine = rasch[(rasch["facet"] == JUROR_FACET) & (rasch[col.LANE] == self.lane) & (rasch[col.ROUND] == self.round)]
            by_juror = mine.set_index("element")
            for name, source in RASCH_PANEL.items():
                out[name] = out[col.JUROR_ID].map(by_juror[source]).astype(float)
        return out

    def rasch_map(self) -> pd.DataFrame | None:
        """The rows of ``rasch.csv`` (:func:`analytics.checks.rasch.rasch_table`) of the lane and round in view,
        after the what-ifs: the lane checked again for them, the preview's own Rasch fit, the one
        :meth:`juror_panel` reads. What the juror panel's Wright map draws. None without ``[rasch]``; no rows
        where the lane has no model (every score the same: no scale to measure on)."""
        after = self.gate_result().after
        if "rasch" not in after:
            return None
        rasch = after["rasch"]
        return rasch[(rasch[col.LANE] == self.lane) & (rasch[col.ROUND] == self.round)].reset_index(drop=True)

    def juror_scores(self, juror_id: str) -> pd.DataFrame:
        """One juror's scores in the lane, with the panel's mean for each entry (each performance, where the
        scores judge performances) and criterion."""
        s = self.festival.scores
        lane = s[(s[col.LANE] == self.lane) & (s[col.ROUND] == self.round)]
        judged = [*self.festival.judgement, col.CRITERION]  # where the scores judge performances, per performance
        panel = lane.groupby(judged)[col.SCORE].mean().rename("panel_mean")
        own = lane[lane[col.JUROR_ID] == juror_id].join(panel, on=judged)
        return own[[*judged, col.SCORE, "panel_mean"]].assign(
            difference=own[col.SCORE] - own["panel_mean"]).reset_index(drop=True)

    def assessments(self, entry_id: str) -> pd.DataFrame:
        """An entry's panel of assessments of its AI participation (design section 17): one row per assessor
        (their share on each dimension of ``[participation] weights`` and their blend), then the assessed row
        (each assessor's lean taken off: :mod:`analytics.checks.assessed`) and the declared row. Empty where the
        festival has no assessments of the entry."""
        festival = self.festival
        if not festival.has_assessments or festival.config.participation is None:
            return pd.DataFrame()
        dims = list(festival.config.participation.weights)
        weights = pd.Series(festival.config.participation.weights)
        a = festival.assessments[festival.assessments[col.ENTRY_ID] == entry_id]
        if a.empty:
            return pd.DataFrame()
        wide = a.pivot_table(index=col.ASSESSOR_ID, columns=col.DIMENSION, values=col.SHARE, aggfunc="first").reindex(
            columns=dims)
        wide["blended"] = (wide[dims] * weights[dims]).sum(axis=1, min_count=len(dims))
        table = self.gate_result().after["participation_assessed"]
        mine = table[table[col.ENTRY_ID] == entry_id].set_index(col.DIMENSION)
        assessed = mine["assessed"].reindex([*dims, "blended"]).rename("assessed (leans taken off)")
        declared = mine["declared"].reindex([*dims, "blended"]).rename("declared")
        labels = festival.juror_labels()
        out = pd.concat([wide.rename(index=lambda j: labels.get(j, j)), assessed.to_frame().T, declared.to_frame().T])
        return out.rename_axis("assessor").reset_index()

    def decision_rows(self, *, decided_by: str = "jury chair", reason: str = "") -> pd.DataFrame:
        """The current what-ifs (every lane) as rows for ``decisions.csv``. Each must answer a
        flag of the data as loaded: the flag on exactly the what-if's subject. What-ifs that
        answer no flag are listed with an empty flag_id and ``note`` saying so, so the chair
        can see why they cannot be recorded."""
        stamp = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M")
        rows = [{col.FLAG_ID: e.flag_id, col.ACTION: e.action, col.REASON: reason or e.describe(),
                 col.DECIDED_BY: decided_by, col.DECIDED_AT: stamp,
                 "note": "" if e.flag_id else "no flag to answer: the gate records decisions on flags only"}
                for e in self.exclusions]
        return pd.DataFrame(rows, columns=[*DECISION_COLUMNS, "note"])
