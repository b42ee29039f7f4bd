"""The chair's what-if explorer: the logic behind ``notebooks/10-chair-explorer.ipynb``.

:class:`Explorer` holds a view (lane, scope, method) and a list of what-if exclusions
(a juror, or one score), and recomputes for the lane in view only what an exclusion can
change: the standings with their robustness, the juror panel (severity and alpha without
each juror), agreement on the scope, and the lane's gate flags. Eligibility flags do not
depend on scores and are computed once. Every exclusion can be undone, and the current
exclusions become rows for ``decisions.csv`` (each must answer a flag, as the gate requires).
The widgets of the notebook only call these methods; everything here is testable without
a browser.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timezone

import numpy as np
import pandas as pd

from . import columns as col
from .agreement import krippendorff_alpha
from .agreement.panels import scope_ratings
from .coverage import coverage_flags
from .eligibility import eligibility_flags
from .festival import Festival
from .flags import flags_frame
from .jurors import design_parts, juror_behaviour, juror_flags, juror_severity
from .rankings import rankings
from .scoring import WEIGHTED_TOTAL

METHODS = {"official": "score", "z": "score_z", "median": "score_median", "trimmed": "score_trimmed", "model": "score_model"}
STANDING_COLUMNS = ["rank", "entry_id", "title", "score", "p_first", "p_top3", "rank_low", "rank_high", "loo_rank_best",
                    "loo_rank_worst", "n_jurors"]


@dataclass(frozen=True)
class Exclusion:
    """A what-if: a juror of a lane (``criterion`` and ``entry_id`` None) or one score
    (``criterion`` None: all of the juror's criteria for the entry)."""

    lane: str
    juror_id: str
    entry_id: str | None = None
    criterion: str | None = None

    def describe(self, lane_names: dict[str, str] | None = None) -> str:
        if self.entry_id is None:
            return f"juror {self.juror_id} left out of {(lane_names or {}).get(self.lane, self.lane)}"
        what = f"{self.criterion} score" if self.criterion else "scores"
        return f"juror {self.juror_id}'s {what} for {self.entry_id} left out"


class Explorer:
    """What-if analysis of one festival for the chair.

    Parameters
    ----------
    festival
        A loaded festival (decisions already in ``decisions.csv`` are not applied here:
        the explorer is for trying things before deciding).
    n_boot
        Resamples of the bootstrap over jurors behind p(first) and the rank intervals
        (default: ``[checks] bootstrap_resamples``).
    """

    def __init__(self, festival: Festival, *, n_boot: int | None = None):
        self.festival = festival
        self.n_boot = festival.config.checks.bootstrap_resamples if n_boot is None else n_boot
        self.lane = festival.config.lane_ids[0]
        self.scope = WEIGHTED_TOTAL
        self.method = "official"
        self.exclusions: list[Exclusion] = []
        self._eligibility = flags_frame(eligibility_flags(festival))
        self._cache: dict = {}  # cleared by every what-if
        self._before: dict = {}  # results on the data as loaded, kept

    # --- the view and the what-ifs ----------------------------------------------------

    def set_view(self, *, lane: str | None = None, scope: str | None = None, method: str | None = None) -> None:
        if lane is not None and lane not in self.festival.config.lane_ids:
            raise ValueError(f"lane must be one of {', '.join(self.festival.config.lane_ids)}; got {lane!r}")
        if scope is not None and scope not in (*self.festival.config.criterion_ids, WEIGHTED_TOTAL):
            raise ValueError(f"scope must be a criterion or {WEIGHTED_TOTAL!r}; got {scope!r}")
        if method is not None and method not in METHODS:
            raise ValueError(f"method must be one of {', '.join(METHODS)}; got {method!r}")
        self.lane, self.scope, self.method = lane or self.lane, scope or self.scope, method or self.method

    def exclude_juror(self, juror_id: str) -> None:
        """Leave a juror of the lane in view out of every number."""
        if juror_id not in set(self.jurors()):
            raise ValueError(f"{juror_id!r} is not a juror of {self.lane} (or is already left out)")
        self._push(Exclusion(self.lane, juror_id))

    def exclude_score(self, juror_id: str, entry_id: str, criterion: str | None = None) -> None:
        """Leave one score (or all of a juror's criteria for one entry) out."""
        s = self._scores()
        hit = (s[col.JUROR_ID] == juror_id) & (s[col.ENTRY_ID] == entry_id)
        if criterion is not None:
            hit &= s[col.CRITERION] == criterion
        if not hit.any():
            raise ValueError(f"no score of juror {juror_id!r} for {entry_id!r}{f' on {criterion!r}' if criterion else ''} "
                             f"in {self.lane} (or it is already left out)")
        self._push(Exclusion(self.lane, juror_id, entry_id, criterion))

    def undo(self) -> Exclusion | None:
        """Take back the last exclusion; returns it (None when there was none)."""
        if not self.exclusions:
            return None
        self._cache.clear()
        return self.exclusions.pop()

    def reset(self) -> None:
        self.exclusions.clear()
        self._cache.clear()

    def _push(self, exclusion: Exclusion) -> None:
        self.exclusions.append(exclusion)
        self._cache.clear()

    # --- the festival as the what-ifs leave it -----------------------------------------

    def _scores(self) -> pd.DataFrame:
        if "scores" not in self._cache:
            s = self.festival.scores
            keep = np.ones(len(s), dtype=bool)
            for e in self.exclusions:
                hit = (s[col.LANE] == e.lane) & (s[col.JUROR_ID] == e.juror_id)
                if e.entry_id is not None:
                    hit &= s[col.ENTRY_ID] == e.entry_id
                if e.criterion is not None:
                    hit &= s[col.CRITERION] == e.criterion
                keep &= ~hit.to_numpy()
            self._cache["scores"] = s.loc[keep]
        return self._cache["scores"]

    def current(self) -> Festival:
        """The festival with the what-if exclusions applied (as the gate would apply them)."""
        if "festival" not in self._cache:
            scores = self._scores()
            a = self.festival.assignments
            out = [(e.lane, e.juror_id) for e in self.exclusions if e.entry_id is None]
            drop = np.zeros(len(a), dtype=bool)
            for lane, juror in out:
                drop |= ((a[col.LANE] == lane) & (a[col.JUROR_ID] == juror)).to_numpy()
            gone = self.festival.scores.loc[~self.festival.scores.index.isin(scores.index),
                                            [col.JUROR_ID, col.ENTRY_ID, col.CRITERION]]
            self._cache["festival"] = replace(self.festival, scores=scores, assignments=a.loc[~drop],
                                              excluded=pd.concat([self.festival.excluded, gone], ignore_index=True))
        return self._cache["festival"]

    def jurors(self) -> list[str]:
        """The jurors of the lane in view who still count."""
        s = self._scores()
        return sorted(s.loc[s[col.LANE] == self.lane, col.JUROR_ID].unique())

    # --- what the chair sees -----------------------------------------------------------

    def _rankings(self) -> tuple[pd.DataFrame, list]:
        key = ("rankings", self.lane, self.scope)
        if key not in self._cache:
            festival = self.current()
            totals = None
            if self.scope != WEIGHTED_TOTAL:
                totals = scope_ratings(festival, self.lane, self.scope).assign(**{col.LANE: self.lane})
            self._cache[key] = rankings(festival, n_boot=self.n_boot, lanes=[self.lane], totals=totals)
        return self._cache[key]

    def standings(self) -> pd.DataFrame:
        """The lane's standings on the scope, ordered by the chosen method, with the official
        robustness: p(first), p(top 3), the 95% rank interval, leave-one-juror-out ranks."""
        table, _ = self._rankings()
        score = METHODS[self.method]
        out = table.assign(score=table[score], rank=table[score].rank(ascending=False, method="min").astype("Int64"))
        return out.sort_values(["rank", col.ENTRY_ID])[STANDING_COLUMNS].reset_index(drop=True)

    def agreement(self) -> dict[str, float]:
        """Interval alpha on the scope, with everyone who counts and as it was before the what-ifs."""
        now = krippendorff_alpha(scope_ratings(self.current(), self.lane, self.scope))
        key = ("alpha_before", self.lane, self.scope)  # the data as loaded: computed once per view
        if key not in self._before:
            self._before[key] = krippendorff_alpha(scope_ratings(self.festival, self.lane, self.scope))
        before = self._before[key]
        return {"alpha": now.estimate, "alpha_before": before.estimate, "band": now.band,
                "bar": self.festival.config.checks.agreement_min_alpha, "reason": now.reason}

    def juror_panel(self) -> pd.DataFrame:
        """Per juror of the lane: severity on the scope with its interval, alpha without them,
        and their number of open flags."""
        festival = self.current()
        data = scope_ratings(festival, self.lane, self.scope)
        alpha = krippendorff_alpha(data).estimate
        severity = juror_severity(festival, lanes=[self.lane], scopes=[self.scope]).set_index(col.JUROR_ID)
        rows = []
        flags = self.gate()
        labels = festival.juror_labels()
        for juror in self.jurors():
            without = krippendorff_alpha(data[data[col.JUROR_ID] != juror]).estimate
            n_flags = int((flags["entity_id"].str.split(":").str[0] == juror).sum())
            s = severity.loc[juror] if juror in severity.index else None
            rows.append([juror, labels.get(juror, juror), np.nan if s is None else s["severity"],
                         np.nan if s is None else s["ci_low"], np.nan if s is None else s["ci_high"],
                         without, without - alpha, n_flags])
        return pd.DataFrame(rows, columns=[col.JUROR_ID, "label", "severity", "ci_low", "ci_high", "alpha_without",
                                           "alpha_change", "n_flags"])

    def gate(self) -> pd.DataFrame:
        """The lane's flags as the what-ifs leave them: coverage, rankings, jurors, eligibility."""
        key = ("gate", self.lane, self.scope)
        if key not in self._cache:
            festival = self.current()
            _, ranking_flags = self._rankings() if self.scope == WEIGHTED_TOTAL else rankings(
                festival, n_boot=self.n_boot, lanes=[self.lane])
            severity = juror_severity(festival, lanes=[self.lane], scopes=[WEIGHTED_TOTAL])
            parts = design_parts(festival)
            jflags = juror_flags(festival, severity, juror_behaviour(festival, lanes=[self.lane]),
                                 parts[parts["lane"] == self.lane])
            lane_coverage = coverage_flags(festival, lanes=[self.lane])
            eligible = self._eligibility[self._eligibility["lane"] == self.lane]
            self._cache[key] = pd.concat([flags_frame([*lane_coverage, *ranking_flags, *jflags]), eligible],
                                         ignore_index=True)
        return self._cache[key]

    def blockers(self) -> pd.DataFrame:
        g = self.gate()
        return g[g["severity"] == "blocker"].reset_index(drop=True)

    def juror_scores(self, juror_id: str) -> pd.DataFrame:
        """One juror's scores in the lane, with the panel's mean for each entry and criterion."""
        s = self.festival.scores
        lane = s[s[col.LANE] == self.lane]
        panel = lane.groupby([col.ENTRY_ID, col.CRITERION])[col.SCORE].mean().rename("panel_mean")
        own = lane[lane[col.JUROR_ID] == juror_id].join(panel, on=[col.ENTRY_ID, col.CRITERION])
        return own[[col.ENTRY_ID, col.CRITERION, col.SCORE, "panel_mean"]].assign(
            difference=own[col.SCORE] - own["panel_mean"]).reset_index(drop=True)

    def decision_rows(self, *, decided_by: str = "jury chair", reason: str = "") -> pd.DataFrame:
        """The current exclusions as rows for ``decisions.csv``. Each must answer a flag (of
        the data as loaded): a juror's flag for an excluded juror, a score flag for an
        excluded score. Exclusions that answer no flag are listed with an empty flag_id and
        ``note`` saying so, so the chair can see why they cannot be recorded."""
        loaded = Explorer(self.festival, n_boot=self.n_boot)
        stamp = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M")
        rows = []
        for e in self.exclusions:
            loaded.set_view(lane=e.lane)
            flags = loaded.gate()
            if e.entry_id is None:
                match = flags[(flags["entity"] == "juror") & (flags["entity_id"] == e.juror_id)]
                action = "exclude_juror"
            else:
                target = f"{e.juror_id}:{e.entry_id}" + (f":{e.criterion}" if e.criterion else "")
                match = flags[(flags["entity"] == "score") & flags["entity_id"].str.startswith(target)]
                action = "exclude_score"
            flag_id = match["flag_id"].iloc[0] if not match.empty else ""
            rows.append({"flag_id": flag_id, "action": action, "reason": reason or e.describe(),
                         "decided_by": decided_by, "decided_at": stamp,
                         "note": "" if flag_id else "no flag to answer: the gate records decisions on flags only"})
        return pd.DataFrame(rows, columns=["flag_id", "action", "reason", "decided_by", "decided_at", "note"])
