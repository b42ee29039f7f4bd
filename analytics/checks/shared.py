"""What several checks use, computed once per check run.

A :class:`Shared` holds one festival, the lanes a run covers (all, or the lane a chair has
in view), and the intermediates that more than one check needs: each juror's weighted total
per entry, each lane's ratings on each criterion and on the total, the additive model fitted
to them, who scored what, and the official result (:meth:`Shared.official`, which every table
showing an official number reads). Each is computed the first time a check asks for it and
then handed to every other check of the run.

Every check's table function takes a :class:`Festival` or a :class:`Shared` as its first
argument (``Shared.of`` turns the one into the other), so a notebook calls
``juror_severity(festival)`` while :func:`analytics.checks.registry.run_checks` hands every check
the same ``Shared``.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from analytics.base import columns as col
from analytics.base.progress import silent
from analytics.checks.pairs import coverage
from analytics.load.festival import Festival
from analytics.rules.official import Panel
from analytics.rules.rounds import PROGRESSION_COLUMNS, LaneRounds, lane_panels, official_result, progression_table
from analytics.rules.scoring import WEIGHTED_TOTAL, weighted_totals
from analytics.rules.stages import with_stages
from analytics.stats.additive import AdditiveFit, fit_additive
from analytics.stats.agreement.longdata import Ratings


def judgement_codes(table: pd.DataFrame, *, sort: bool = True) -> tuple[np.ndarray, pd.Index]:
    """Each row's judgement (design section 14) as a code, and the judgements: the entry, or where
    ``table`` has a ``performance`` column, the (entry, performance) pair (a MultiIndex).

    >>> judgement_codes(pd.DataFrame({"entry_id": ["b", "a", "b"], "performance": ["1", "1", "2"]}))[0].tolist()
    [1, 0, 2]
    """
    if col.PERFORMANCE not in table.columns:
        codes, ids = pd.factorize(table[col.ENTRY_ID], sort=sort)
        return codes, pd.Index(ids)
    return pd.MultiIndex.from_frame(table[[col.ENTRY_ID, col.PERFORMANCE]]).factorize(sort=sort)


def judged(row: dict) -> str:
    """What a row of a check's table judged, in words: its entry, or its entry's performance.

    >>> judged({"entry_id": "D07", "performance": "3"}), judged({"entry_id": "GC-01"})
    ('performance 3 of D07', 'GC-01')
    """
    return f"performance {row[col.PERFORMANCE]} of {row[col.ENTRY_ID]}" if col.PERFORMANCE in row else row[col.ENTRY_ID]


def lane_rng(seed: int, lane: str) -> np.random.Generator:
    """The random generator of one lane's resampling: seeded by the festival's seed and the
    lane's id, so a lane draws the same resamples whether a run covers every lane or that
    lane alone, and whatever order the lanes are listed in.

    >>> float(lane_rng(2026, "gc").random()) == float(lane_rng(2026, "gc").random())
    True
    """
    return np.random.default_rng([seed, zlib.crc32(lane.encode("utf-8"))])


@dataclass(frozen=True)
class LaneFit:
    """The additive model fitted to one lane's ratings on one scope: the ratings, their
    entries and jurors as codes (``unit``, ``rater``) and labels (``units``, ``raters``)."""

    data: pd.DataFrame
    unit: np.ndarray
    rater: np.ndarray
    units: pd.Index
    raters: pd.Index
    fit: AdditiveFit

    @classmethod
    def of(cls, data: pd.DataFrame) -> LaneFit:
        """Fit a long table of ratings (``entry_id, juror_id, score``, each pair at most once; with
        ``performance``, each performance of an entry is a unit of its own)."""
        unit, units = judgement_codes(data, sort=False)
        rater, raters = pd.factorize(data[col.JUROR_ID])
        y = data[col.SCORE].to_numpy(dtype=float)
        return cls(data, unit, rater, pd.Index(units), pd.Index(raters), fit_additive(unit, rater, y, len(units), len(raters)))


class Shared:
    """One check run: a festival, the lanes it covers, and intermediates computed once."""

    def __init__(self, festival: Festival, lanes: Sequence[str] | None = None, *, preview: bool = False):
        known = festival.config.lane_ids
        if lanes is not None:
            unknown = [lane for lane in lanes if lane not in known]
            if unknown:
                raise ValueError(f"lanes must be lane ids of festival.toml ({', '.join(known)}); got {', '.join(map(repr, unknown))}")
        self.festival = with_stages(festival)  # who took part in each round: once, by the official rules
        #: a what-if preview (the chair explorer): intervals that no flag reads are left out
        #: (:func:`analytics.checks.agreement.agreement_table`); every flag is the same as in a full run
        self.preview = preview
        self.lanes: tuple[str, ...] = known if lanes is None else tuple(lane for lane in known if lane in set(lanes))
        self._ratings: dict[tuple[str, str, str], pd.DataFrame] = {}
        self._coded: dict[tuple[str, str, str], Ratings] = {}
        self._fits: dict[tuple[str, str, str], LaneFit] = {}
        self._memo: dict[tuple, object] = {}
        #: told how far the check under way got (:meth:`part`); :func:`analytics.checks.registry.run_checks`
        #: points it at the progress bar
        self.on_part: Callable[[int, int, str], None] = silent

    @classmethod
    def of(cls, data: Festival | Shared, lanes: Sequence[str] | None = None) -> Shared:
        """``data`` itself when it is a run over ``lanes`` already, else a new run."""
        if isinstance(data, Shared):
            if lanes is None or tuple(lanes) == data.lanes:
                return data
            return cls(data.festival, lanes)
        return cls(data, lanes)

    @property
    def config(self):
        return self.festival.config

    @property
    def all_lanes(self) -> bool:
        return self.lanes == self.festival.config.lane_ids

    @cached_property
    def lane_names(self) -> dict[str, str]:
        return self.festival.lane_names()

    @cached_property
    def scores(self) -> pd.DataFrame:
        """The scores of the run's lanes."""
        s = self.festival.scores
        return s if self.all_lanes else s[s[col.LANE].isin(self.lanes)]

    @cached_property
    def entries(self) -> pd.DataFrame:
        """The entries of the run's lanes."""
        e = self.festival.entries
        return e if self.all_lanes else e[e[col.CATEGORY].isin(self.lanes)]

    @cached_property
    def totals(self) -> pd.DataFrame:
        """Each juror's weighted total per entry (:func:`analytics.rules.scoring.weighted_totals`), in the run's lanes."""
        totals = weighted_totals(self.festival)
        return totals if self.all_lanes else totals[totals[col.LANE].isin(self.lanes)].reset_index(drop=True)

    def scopes(self, lane: str) -> list[str]:
        """What agreement and severity are measured on in a lane: each of its criteria, then the
        weighted total; a lane with one criterion has the weighted total only (it says the same)."""
        criteria = self.config.lane_criteria(lane)
        return [*criteria, WEIGHTED_TOTAL] if len(criteria) > 1 else [WEIGHTED_TOTAL]

    @cached_property
    def stages(self) -> list[tuple[str, str]]:
        """The run's (lane, round) pairs in order: each lane's rounds that have entries (one, ``""``, without rounds)."""
        taking_part = set(zip(self.festival.stages[col.LANE], self.festival.stages[col.ROUND]))
        return [(lane, r) for lane in self.lanes for r in self.config.round_ids
                if (lane, r) in taking_part or not taking_part]

    @cached_property
    def _by_lane(self) -> dict[str, dict[str, np.ndarray]]:
        """Positions of the scores, stages and entries of each lane: one pass over each table."""
        stages = self.festival.stages
        return {"scores": _positions(self.scores, [col.LANE]), "stages": _positions(stages, [col.LANE]),
                "entries": _positions(self.entries, [col.CATEGORY])}

    def _of_lane(self, name: str, table: pd.DataFrame, lane: str) -> pd.DataFrame:
        at = self._by_lane[name].get((lane,))
        return table.take(at) if at is not None else table.iloc[:0]

    def lane_scores(self, lane: str) -> pd.DataFrame:
        """The run's scores in ``lane`` (every criterion and round)."""
        return self._of_lane("scores", self.scores, lane)

    def lane_stages(self, lane: str) -> pd.DataFrame:
        """Who took part in each round of ``lane`` (:attr:`analytics.load.festival.Festival.stages`)."""
        return self._of_lane("stages", self.festival.stages, lane)

    def lane_entries(self, lane: str) -> pd.Series:
        """The ids of the entries now in ``lane`` (after any disqualification)."""
        return self._of_lane("entries", self.entries, lane)[col.ENTRY_ID]

    @cached_property
    def _score_rows(self) -> dict[tuple[str, str, str], np.ndarray]:
        """Positions of the scores of each (lane, criterion, round): one pass, O(scores)."""
        return _positions(self.scores, [col.LANE, col.CRITERION, col.ROUND])

    @cached_property
    def _total_rows(self) -> dict[tuple[str, str], np.ndarray]:
        """Positions of the weighted totals of each (lane, round): one pass, O(totals)."""
        return _positions(self.totals, [col.LANE, col.ROUND])

    def _rows(self, lane: str, scope: str, round: str) -> tuple[str, np.ndarray]:
        """Which table (``scores`` or ``totals``) holds a lane's ratings on ``scope``, and their positions."""
        if scope == WEIGHTED_TOTAL:
            name, at = "totals", self._total_rows.get((lane, round))
        elif scope in self.config.criterion_ids:
            name, at = "scores", self._score_rows.get((lane, scope, round))
        else:
            raise ValueError(f"scope must be a criterion ({', '.join(self.config.criterion_ids)}) or "
                             f"{WEIGHTED_TOTAL!r}; got {scope!r}")
        return name, np.zeros(0, dtype=np.intp) if at is None else at

    def ratings(self, lane: str, scope: str, round: str = "") -> pd.DataFrame:
        """The long table (``entry_id, juror_id, score``; with ``performance`` after ``entry_id`` where the
        scores judge performances) of one lane (and round) on one criterion or the total."""
        key = (lane, scope, round)
        if key not in self._ratings:
            name, at = self._rows(lane, scope, round)
            table = self.totals if name == "totals" else self.scores
            self._ratings[key] = table[[*self.festival.judgement, col.JUROR_ID, col.SCORE]].take(at).reset_index(drop=True)
        return self._ratings[key]

    def ratings_without(self, lane: str, scope: str, round: str, removed: np.ndarray) -> pd.DataFrame:
        """:meth:`ratings` as they are without some of the lane's scores (``removed``: a mask over
        :meth:`lane_scores`): the rows of the (juror, entry) pairs with a removed score are left out (a
        juror's total needs every criterion), the rows stay in order, as :meth:`ratings` of the festival
        without those scores has them. O(the lane's ratings)."""
        t = self.ratings(lane, scope, round)
        scores = self.lane_scores(lane)
        here = np.asarray(removed, dtype=bool) & (scores[col.ROUND] == round).to_numpy()
        if scope != WEIGHTED_TOTAL:
            here &= (scores[col.CRITERION] == scope).to_numpy()
        if not here.any():
            return t
        pair = [col.JUROR_ID, *self.festival.judgement]
        gone = pd.MultiIndex.from_frame(scores.loc[here, pair])
        return t[~pd.MultiIndex.from_frame(t[pair]).isin(gone)].reset_index(drop=True)

    @cached_property
    def _codes(self) -> dict[str, tuple[np.ndarray, np.ndarray, pd.Index, pd.Index, np.ndarray]]:
        """Each of ``scores`` and ``totals`` coded once: entry codes, juror codes (both in sorted
        id order), the ids, and the scores as floats. O(scores log scores), once per run."""
        out = {}
        for name, table in (("scores", self.scores), ("totals", self.totals)):
            units, unit_ids = judgement_codes(table)
            raters, rater_ids = pd.factorize(table[col.JUROR_ID], sort=True)
            out[name] = units, raters, pd.Index(unit_ids), pd.Index(rater_ids), table[col.SCORE].to_numpy(dtype=float)
        return out

    def coded(self, lane: str, scope: str, round: str = "") -> Ratings:
        """:meth:`ratings` coded for the statistics, as :func:`analytics.stats.agreement.longdata.ratings`
        codes it (units and raters in sorted id order, missing scores left out), from codes made
        once per run: O(the lane's scores)."""
        key = (lane, scope, round)
        if key not in self._coded:
            name, at = self._rows(lane, scope, round)
            units, raters, unit_ids, rater_ids, values = self._codes[name]
            value = values[at]
            at = at[~np.isnan(value)]
            seen_units, unit = np.unique(units[at], return_inverse=True)
            seen_raters, rater = np.unique(raters[at], return_inverse=True)
            self._coded[key] = Ratings(unit.astype(np.intp), rater.astype(np.intp), values[at],
                                       unit_ids[seen_units], rater_ids[seen_raters])
        return self._coded[key]

    def score_counts(self) -> pd.DataFrame:
        """How many scores each lane (rows) has on each criterion (columns), in the run's lanes and
        the festival's criteria (0 where none), from the positions found once per run."""
        counts = pd.DataFrame(0, index=pd.Index(self.lanes, name=col.LANE),
                              columns=pd.Index(self.config.criterion_ids, name=col.CRITERION), dtype=np.int64)
        for (lane, criterion, _), at in self._score_rows.items():  # a few lanes × criteria × rounds
            if lane in counts.index and criterion in counts.columns:
                counts.loc[lane, criterion] += len(at)
        return counts

    def scores_per_juror(self, lane: str) -> np.ndarray:
        """The number of scores of each juror with a score in ``lane``, from the run's codes: O(the lane's scores)."""
        at = self._by_lane["scores"].get((lane,))
        if at is None:
            return np.zeros(0, dtype=np.int64)
        counts = np.bincount(self._codes["scores"][1][at])
        return counts[counts > 0]

    def lane_one_entry_each(self, lane: str) -> bool:
        """:func:`analytics.checks.pairs.one_entry_each` of the lane's scores (every criterion and round),
        from the codes made once per run: O(the lane's scores)."""
        at = self._by_lane["scores"].get((lane,))
        return self._one_each("scores", np.zeros(0, dtype=np.intp) if at is None else at)

    def one_entry_each(self, lane: str, scope: str, round: str = "") -> bool:
        """:func:`analytics.checks.pairs.one_entry_each` of :meth:`ratings`, from the codes made once per
        run (no hash of the ids): O(the lane's ratings)."""
        return self._one_each(*self._rows(lane, scope, round))

    def _one_each(self, name: str, at: np.ndarray) -> bool:
        """Whether the rows ``at`` of ``scores`` or ``totals`` (``name``) pair each juror with one entry."""
        if not len(at):
            return False
        units, raters = self._codes[name][:2]
        width = np.int64(units.max()) + 1
        pairs = np.unique(raters[at].astype(np.int64) * width + units[at])
        return len(np.unique(pairs // width)) == len(pairs)

    def fit(self, lane: str, scope: str, round: str = "") -> LaneFit:
        """The additive model (entry + juror) fitted to :meth:`ratings` of the lane, scope and round."""
        key = (lane, scope, round)
        if key not in self._fits:
            self._fits[key] = LaneFit.of(self.ratings(lane, scope, round))
        return self._fits[key]

    def part(self, done: int, parts: int, what: str) -> None:
        """The check under way has finished ``done`` of its ``parts`` parts and works on ``what`` (a
        lane, a criterion): a long check says so, and the progress bar moves within its step."""
        self.on_part(done, parts, what)

    def memo(self, key: tuple, compute):
        """``compute()``, once per run and ``key``: for an intermediate that one module's
        table and flags both use (the key starts with the module's own name for it)."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    @cached_property
    def pairs(self) -> pd.DataFrame:
        """Who scored what (:func:`analytics.checks.pairs.coverage`), in the run's lanes."""

        pairs = coverage(self.festival)
        return pairs if self.all_lanes else pairs[pairs[col.LANE].isin(self.lanes)].reset_index(drop=True)

    def round_entries(self, lane: str) -> dict[str, pd.Index]:
        """The entries of each round of ``lane`` (sorted ids): those that took part in it
        (:attr:`analytics.load.festival.Festival.stages`) and are still in the lane (an entry
        disqualified by decision is out)."""
        def compute() -> dict[str, pd.Index]:
            current = pd.Index(sorted(self.lane_entries(lane)))
            if not len(self.festival.stages):  # a festival built without its stages: every entry in the one round
                return {r: current for r in self.config.round_ids}
            stages = self.lane_stages(lane)
            return {r: pd.Index(sorted(stages.loc[stages[col.ROUND] == r, col.ENTRY_ID])).intersection(current)
                    for r in self.config.round_ids}
        return self.memo(("round_entries", lane), compute)

    def lane_jurors(self, lane: str) -> pd.Index:
        """The ids (sorted) of the jurors with a score in ``lane``."""
        return self.memo(("lane_jurors", lane), lambda: pd.Index(sorted(self.lane_scores(lane)[col.JUROR_ID].unique())))

    def panels(self, lane: str) -> dict[str, Panel]:
        """Each round's scores of ``lane`` laid out per entry (:func:`analytics.rules.rounds.lane_panels`)."""
        return self.memo(("panels", lane), lambda: lane_panels(self.config, self.lane_scores(lane), lane))

    def official(self, lane: str) -> LaneRounds:
        """The official result of ``lane`` (:func:`analytics.rules.rounds.official_result`): every round's
        panel scores per criterion, round scores and results, for the panel as it sat. Computed
        once per run; ``rankings.csv`` ``score``, ``entry_scores.csv``, :attr:`progression` and
        :attr:`entry_scores` (so the summary, the explorer and the reports) all read it."""
        return self.memo(("official", lane), lambda: official_result(
            self.config, lane, self.panels(lane), self.round_entries(lane), self.lane_jurors(lane)))

    @cached_property
    def progression(self) -> pd.DataFrame:
        """Each lane's rounds under the official rules (columns of :func:`analytics.rules.rounds.progression`),
        in the run's lanes, from :meth:`official`."""
        frames = [progression_table(self.config, lane, self.official(lane)) for lane in self.lanes]
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=PROGRESSION_COLUMNS)

    @cached_property
    def entry_scores(self) -> pd.DataFrame:
        """Each entry's official result in the first round (every entry takes part in it):
        ``lane, entry_id, score``, from :meth:`official`."""
        steps = self.progression
        return steps.loc[steps[col.ROUND] == self.config.round_ids[0], [col.LANE, col.ENTRY_ID, "score"]].rename(
            columns={"score": col.SCORE}).reset_index(drop=True)


def _positions(table: pd.DataFrame, keys: list[str]) -> dict[tuple, np.ndarray]:
    """Row positions of ``table`` per combination of ``keys`` (in table order within each)."""
    if table.empty:
        return {}
    groups = table.groupby(keys, sort=False, observed=True).indices
    return {(key if isinstance(key, tuple) else (key,)): rows for key, rows in groups.items()}
