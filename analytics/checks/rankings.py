"""Standings per lane and round: the official result beside alternatives, and how robust each place is.

The official result is the competition's own rule (:mod:`analytics.rules.official`): ``[aggregation]``
and each round's own keys, and a round's result combines the entry's round scores with the
round's ``weights`` (:mod:`analytics.rules.rounds`). Beside it, alternatives computed from the
jurors' weighted totals of each round and combined with the same round weights:

- ``z``: each juror's totals standardised over the entries they judged, then averaged;
- ``median`` and ``trimmed`` (``[aggregation] trim``) over jurors;
- ``model``: the entry effect of the additive model (entry + juror), which allows for which
  jurors judged which entries;
- ``fair``, where ``festival.toml`` has ``[rasch]`` (design section 16): the entry's Rasch fair average
  (``rasch.csv``, facet ``entry``: its expected rating with every juror and criterion at their mean, so
  that who judged it does not count), on the scale of one rating, the criteria counting alike (not by
  their weights), each round's model on its own. It is the model's, over every criterion
  at once: on one criterion alone (``scope``) it does not apply, and neither where the scores judge
  performances (design section 14: the model measures the marks, not the points a performance's factor
  makes of them); the table then has no ``fair`` columns, as without ``[rasch]``.

Robustness, all under the official rule and round weights, for every round at once: the rank
of each entry with each juror left out in turn (best and worst; computed per entry the juror
scored, :mod:`analytics.rules.leave_one_out`: O(scores), never jurors × entries), and a bootstrap
(``[checks] bootstrap_resamples`` and ``seed``) over the lane's jurors, resampled with replacement,
the same resampled jury judging every round; or, where every juror of the lane scored one entry
(a conference whose reviews are each by their own reviewer), over each entry's own jurors, so that
no entry is ever left without scores; where panels rotate between performances (design section 14),
within each rotation (:func:`_rotations`). Where jurors are resampled and a resample leaves an entry
without scores, the entry is not ranked in it (it is neither first nor in the top three there;
its rank interval is over the resamples that rank it). From the bootstrap: the probability of
first place (an exact tie for first counts as a share, so the probabilities of a round sum to 1),
of the top three and of going on (``p_advance``), and a 95% rank interval. Each entry's
``gap_next`` is its lead over the entry below it, with the 95% bootstrap interval of that lead
(``gap_low``, ``gap_high``). Juries are rows of multiplicities (:mod:`analytics.rules.official`): no
loop over resamples, entries or jurors; cost O(resamples × scores) per round.

Flags. In the last round (the only one without rounds), the first place is a blocker when
leaving out one juror changes it, when its bootstrap probability is below ``p_first_min``, or
when the top two are tied within noise (the interval of the leader's ``gap_next`` includes
zero). In a round with a cut: ``cut_tie`` (warning: entries tied across the cut, so more than
``advance`` go on), ``cut_unstable`` (blocker: the set that goes on changes when one juror is
left out), ``cut_uncertain`` (warning: an entry whose ``p_advance`` lies between 0.2 and 0.8).
Each lane draws its resamples from its own generator (:func:`analytics.checks.shared.lane_rng`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from analytics.base import columns as col
from analytics.checks.family import CheckFamily
from analytics.checks.flags import Flag, FlagKind, in_round
from analytics.checks.rasch import ENTRY, rasch_table
from analytics.checks.shared import LaneFit, Shared, lane_rng
from analytics.load.festival import Festival
from analytics.rules.official import kept_count
from analytics.rules.ranked import juries_of, shown
from analytics.rules.leave_one_out import DIGITS, LeaveOneOut, leave_one_out, whole_lane
from analytics.rules.rounds import (LaneRounds, RoundPositions, going_on, lane_panels, official_result, ranks,
                                    round_results)
from analytics.rules.scoring import WEIGHTED_TOTAL
from analytics.stats.streaming import Tails, tail_size

RANKING_COLUMNS = ["lane", "round", "entry_id", "title", "n_jurors", "round_score", "score", "rank", "advances",
                   "p_advance", "score_z", "rank_z", "score_median", "rank_median", "score_trimmed", "rank_trimmed",
                   "score_model", "rank_model", "loo_rank_best", "loo_rank_worst", "p_first", "p_top3", "rank_low",
                   "rank_high", "gap_next", "gap_low", "gap_high"]

#: the flags this family raises
FIRST_PLACE_UNSTABLE = FlagKind("first_place_unstable", "blocker")
FIRST_PLACE_UNCERTAIN = FlagKind("first_place_uncertain", "blocker")
FIRST_PLACE_TIE = FlagKind("first_place_tie", "blocker")
CUT_TIE = FlagKind("cut_tie", "warning")
CUT_UNSTABLE = FlagKind("cut_unstable", "blocker")
CUT_UNCERTAIN = FlagKind("cut_uncertain", "warning")
#: on a rank scale with ``tie_break = "none"`` (design section 15): entries that share a place
PLACE_SHARED = FlagKind("place_shared", "warning")

ALTERNATIVES = ("z", "median", "trimmed", "model")
#: the alternative from the Rasch model, where ``[rasch]`` is configured (:func:`fair_applies`)
FAIR = "fair"
#: its columns, after the other alternatives' in :func:`ranking_columns`
FAIR_COLUMNS = [f"score_{FAIR}", f"rank_{FAIR}"]
#: the columns of the resampled juries (:class:`_Tally`)
RESAMPLED_COLUMNS = ("p_first", "p_top3", "p_advance", "rank_low", "rank_high", "gap_low", "gap_high")
UNCERTAIN = (0.2, 0.8)  # p_advance between these: the bubble of a cut


def _trimmed_means(t: pd.DataFrame, trim: float) -> pd.Series:
    """Per entry, the mean of its jurors' totals after dropping ``int(trim * n)`` from each end
    (scipy.stats.trim_mean's rule), vectorised over entries."""
    ordered = t.sort_values([col.ENTRY_ID, col.SCORE])
    position = ordered.groupby(col.ENTRY_ID).cumcount()
    n = ordered.groupby(col.ENTRY_ID)[col.SCORE].transform("size")
    cut = (trim * n).astype(int)
    kept = ordered[(position >= cut) & (position < n - cut)]
    return kept.groupby(col.ENTRY_ID)[col.SCORE].mean()


#: a chunk of resampled juries holds at most this many numbers per array (multiplicities, results)
CHUNK_VALUES = 2_000_000


@dataclass(frozen=True)
class LaneStandings:
    """One lane on one scope: its jurors, the official rounds of the panel as it sat, with each
    juror left out, and what the resampled juries need (:meth:`resampled`)."""

    jurors: pd.Index
    official: LaneRounds
    loo: LeaveOneOut
    panels: dict
    factors: dict[str, float] | None
    own: np.ndarray | None  # each juror's one entry, when every juror scored one (see _own_entry)

    def resampled(self, config, lane: str):
        """The rounds under the resampled juries, a chunk of juries at a time (:class:`LaneRounds`
        each, without the per-criterion scores): ``[checks] bootstrap_resamples`` juries drawn from
        the lane's generator, each a row of multiplicities over the jurors; a chunk holds at most
        :data:`CHUNK_VALUES` numbers per array, so memory is O(jurors + entries), whatever the
        number of resamples. The draws are the same as in one piece."""
        checks = config.checks
        n_boot, n_j = checks.bootstrap_resamples, len(self.jurors)
        rng = lane_rng(checks.seed, lane)
        widest = max([n_j, *(len(e) for e in self.official.entries.values()), 1])
        positions = RoundPositions.of(config, self.panels, self.official.entries, self.jurors)  # once, not per chunk
        own = _OwnJurors.of(self.own) if self.own is not None else None
        seated = [p for r, p in self.panels.items() if config.rule(r).juries is not None]
        found = juries_of(seated, self.jurors)
        juries = None if found is None else np.where(found[0] >= 0, found[0], len(found[1]))  # no jury: one of its own
        within = _OwnJurors.of(juries) if juries is not None else None
        step = max(1, CHUNK_VALUES // widest)
        for start in range(0, n_boot, step):  # chunks of resamples, not resamples
            b = min(step, n_boot - start)
            if not n_j:
                draws = np.zeros((b, 0), dtype=np.int64)
            elif within is not None:  # juries of juries: the juries resampled, and each drawn jury's jurors within it
                n_g = int(juries.max()) + 1
                drawn = rng.integers(0, n_g, size=(b, n_g))
                times = np.bincount((np.arange(b)[:, None] * n_g + drawn).ravel(), minlength=b * n_g).reshape(b, n_g)
                draws = within.draw(rng.random((b, n_j)))
                rows = np.repeat(np.arange(b, dtype=np.int64) * n_j, n_j)
                seats = np.bincount(rows + draws.ravel(), minlength=b * n_j).reshape(b, n_j).astype(float)
                yield round_results(config, lane, self.panels, self.official.entries, seats * times[:, juries],
                                    self.jurors, self.factors, keep=False, positions=positions)
                continue
            elif own is None:  # jurors resampled: a resampled jury judges every round, as the panel did
                draws = rng.integers(0, n_j, size=(b, n_j))
            else:  # each juror scored one entry (or panels rotate): each entry's own jurors (each rotation's) resampled
                draws = own.draw(rng.random((b, n_j)))
            rows = np.repeat(np.arange(b, dtype=np.int64) * n_j, n_j)  # each resample's multiplicities, in one pass
            juries = np.bincount(rows + draws.ravel(), minlength=b * n_j).reshape(b, n_j).astype(float)
            yield round_results(config, lane, self.panels, self.official.entries, juries, self.jurors, self.factors,
                                keep=False, positions=positions)


def _lane(shared: Shared, lane: str, scope: str) -> LaneStandings:
    def compute() -> LaneStandings:
        config = shared.config
        entries = shared.round_entries(lane)
        if scope == WEIGHTED_TOTAL:  # the official result itself, computed once per run
            factors, panels, jurors, official = None, shared.panels(lane), shared.lane_jurors(lane), shared.official(lane)
        else:  # one criterion on its own: the rule of the round over that criterion
            scores = shared.lane_scores(lane)
            scores = scores[scores[col.CRITERION] == scope]
            factors = {scope: 1.0}
            panels = lane_panels(config, scores, lane, criteria=(scope,))
            jurors = pd.Index(sorted(scores[col.JUROR_ID].unique()))
            official = official_result(config, lane, panels, entries, jurors, factors)
        own = (_own_entry(shared.lane_scores(lane), jurors) if shared.lane_one_entry_each(lane)
               else _rotations(shared.lane_scores(lane), jurors) if shared.festival.has_performances else None)
        return LaneStandings(jurors, official, leave_one_out(config, lane, panels, official, jurors, factors), panels,
                             factors, own)
    return shared.memo(("ranking_lane", lane, scope), compute)


def _own_entry(scores: pd.DataFrame, jurors: pd.Index) -> np.ndarray:
    """Each juror's one entry (a code per juror of ``jurors``), where every juror of the lane scored
    exactly one entry (a conference's reviews, each by its own reviewer). O(scores)."""
    entry_of = scores.drop_duplicates(col.JUROR_ID).set_index(col.JUROR_ID)[col.ENTRY_ID].reindex(jurors)
    return pd.factorize(entry_of)[0]


#: jurors are resampled within their rotation only where every rotation has at least this many jurors
ROTATION_MIN_JURORS = 3
#: and where the rounds' performances carry fewer than this many labels (1 … 6 in each round, not a code per dive)
ROTATION_MAX_LABELS = 1000


def _rotations(scores: pd.DataFrame, jurors: pd.Index) -> np.ndarray | None:
    """Where panels rotate between performances (design section 14: panel A judges the odd dives, panel
    B the even ones), each juror's rotation as a code per juror of ``jurors``: the jurors who judged
    the same performances (by round and performance label). A resampled jury then draws each rotation's
    jurors from that rotation, as the competition seats them, so that no resample leaves a rotation's
    performances with one or two marks. None (jurors resampled across the lane) where every juror
    judged the same performances, or where a rotation has fewer than :data:`ROTATION_MIN_JURORS` jurors
    (panels drawn afresh for each performance: no rotation to keep). O(scores + jurors × labels)."""
    where = scores.groupby([col.ROUND, col.PERFORMANCE], sort=False, observed=True).ngroup().to_numpy()
    if where.max(initial=0) >= ROTATION_MAX_LABELS:  # performances named one by one (a code per dive): no rotation
        return None
    who = jurors.get_indexer(scores[col.JUROR_ID])
    judged = np.zeros((len(jurors), where.max(initial=0) + 1), dtype=bool)  # jurors × performance labels: a few
    judged[who, where] = True
    _, code = np.unique(judged, axis=0, return_inverse=True)
    code = code.ravel()
    if code.max(initial=0) < 1 or np.bincount(code).min() < ROTATION_MIN_JURORS:
        return None
    return code


def resamples_own_jurors(data: Festival | Shared, lane: str) -> bool:
    """Whether the lane's bootstrap resamples each entry's own jurors (every juror of the lane
    scored one entry) rather than the lane's jurors: what the summary and the method notes say."""
    return Shared.of(data).lane_one_entry_each(lane)


@dataclass(frozen=True)
class _OwnJurors:
    """The jurors grouped by their one entry (``own``: each juror's entry code), found once per
    lane (a sort of the jurors) and read by every chunk of resamples.

    >>> _OwnJurors.of(np.array([0, 0, 1])).draw(np.array([[0.1, 0.9, 0.5]])).tolist()  # entry 0 has jurors 0 and 1
    [[0, 1, 2]]
    """

    own: np.ndarray
    order: np.ndarray  # the jurors grouped by entry
    sizes: np.ndarray  # per entry, its jurors
    start: np.ndarray  # per entry, where its jurors begin in ``order``

    @classmethod
    def of(cls, own: np.ndarray) -> _OwnJurors:
        sizes = np.bincount(own)
        return cls(own, np.argsort(own, kind="stable"), sizes, np.r_[0, np.cumsum(sizes)[:-1]])

    def draw(self, uniform: np.ndarray) -> np.ndarray:
        """For each resample (rows of ``uniform``, numbers in [0, 1)) and each juror, a juror drawn
        with replacement from the jurors of the same entry: the draws that resample each entry's
        own jurors. O(resamples × jurors), jurors being the ratings here."""
        size = self.sizes[self.own]
        pick = self.start[self.own] + np.minimum((uniform * size).astype(np.int64), size - 1)
        return self.order[pick]


def _alternatives(t: pd.DataFrame, trim: float, fit: Callable[[], LaneFit]) -> pd.DataFrame:
    """A round's alternative scores per entry scored in it (see the module notes), from the
    jurors' totals ``t`` (``entry_id, juror_id, score``); ``fit``: the additive model of ``t``."""
    entries = pd.Index(sorted(t[col.ENTRY_ID].unique()))
    out = pd.DataFrame(index=entries)
    if t.empty:
        return out.assign(**{f"score_{m}": np.nan for m in ALTERNATIVES})
    grouped = t.groupby(col.ENTRY_ID)[col.SCORE]
    by_juror = t.groupby(col.JUROR_ID)[col.SCORE]
    sd = by_juror.transform("std")
    z = ((t[col.SCORE] - by_juror.transform("mean")) / sd).where(sd > 0)
    out["score_z"] = z.groupby(t[col.ENTRY_ID]).mean()
    out["score_median"] = grouped.median()
    out["score_trimmed"] = _trimmed_means(t, trim)
    model = fit()
    out["score_model"] = pd.Series(model.fit.a, index=model.units)
    return out.reindex(entries)


def _lane_alternatives(shared: Shared, lane: str, rnd: str, scope: str) -> pd.DataFrame:
    """:func:`_alternatives` of a lane's round, computed once per lane, round and scope (each later
    round reuses them)."""
    if shared.festival.has_performances:
        return shared.memo(("alternatives", lane, rnd, scope), lambda: _performance_alternatives(
            shared.ratings(lane, scope, rnd), shared.config.rule(rnd), shared.festival.performances, lane, rnd))
    return shared.memo(("alternatives", lane, rnd, scope), lambda: _alternatives(
        shared.ratings(lane, scope, rnd), shared.config.rule(rnd).trim, lambda: shared.fit(lane, scope, rnd)))


def _performance_alternatives(t: pd.DataFrame, rule, performances: pd.DataFrame, lane: str, rnd: str) -> pd.DataFrame:
    """Where the scores judge performances (design section 14): :func:`_alternatives` of each
    performance (its jurors' marks), made into points as the official rule makes its panel score (×
    the marks the rule keeps of the round's usual panel where ``panel = "sum"``, × factor × ``multiplier``
    + base; not rounded)
    and added up per entry as the rule adds up performances. ``t``: ratings with ``performance``;
    ``performances``: :attr:`~analytics.load.festival.Festival.performances`. O(ratings)."""
    code, judgements = pd.MultiIndex.from_frame(t[[col.ENTRY_ID, col.PERFORMANCE]]).factorize()
    by_code = t[[col.JUROR_ID, col.SCORE]].assign(**{col.ENTRY_ID: code})
    per = _alternatives(by_code, rule.trim, lambda: LaneFit.of(by_code)).reindex(np.arange(len(judgements)))
    here = performances[(performances[col.LANE] == lane) & (performances[col.ROUND] == rnd)]
    at = pd.MultiIndex.from_frame(here[[col.ENTRY_ID, col.PERFORMANCE]]).get_indexer(judgements)
    # a summed panel: the marks the round's usual panel keeps, as the official rule counts them
    kept = kept_count(rule, here[col.USUAL_PANEL].to_numpy(dtype=float)[at]) if rule.panel == "sum" else 1.0
    factor = here[col.FACTOR].to_numpy(dtype=float)[at] * rule.multiplier * kept
    base = here[col.BASE].to_numpy(dtype=float)[at]
    points = per.to_numpy() * factor[:, None] + base[:, None]
    entry = judgements.get_level_values(0)
    frame = pd.DataFrame(points, columns=per.columns).groupby(np.asarray(entry), sort=True)
    how = {"sum": "sum", "mean": "mean", "best": "max"}[rule.performances]
    return frame.agg(how) if how != "sum" else frame.sum(min_count=1)


def _rank(scores: pd.Series) -> pd.Series:
    return scores.rank(ascending=False, method="min").astype("Int64")


def _round_table(config, rnd: str, standing: LaneStandings, ratings: pd.DataFrame,
                 alternatives: Callable[[str], pd.DataFrame], fair: pd.Series | None = None) -> pd.DataFrame:
    """One lane's round, without the columns of the resampled juries (:class:`_Tally`): the
    columns from arrays, one frame built at the end, best first. ``ratings``: the round's jurors'
    totals (one row per entry and juror); ``alternatives(round)``: :func:`_alternatives` of a round;
    ``fair``: the lane's Rasch fair averages by (round, entry) (:func:`_fair_averages`), None where the
    ``fair`` alternative does not apply (an empty Series: it applies, missing until computed).
    Cost: O(scores)."""
    entries = standing.official.entries[rnd]
    official = standing.official.results[rnd][0]  # merit: higher is better, whatever the rule (analytics.rules.ranked)
    rule = config.rule(rnd)
    index = pd.Index(entries, name=col.ENTRY_ID)
    judges = ratings.drop_duplicates([col.ENTRY_ID, col.JUROR_ID]) if col.PERFORMANCE in ratings else ratings
    out = {"n_jurors": judges[col.ENTRY_ID].value_counts().reindex(entries).fillna(0).astype(int).to_numpy(),
           "round_score": shown(standing.official.round_scores[rnd][0], rule), "score": shown(official, rule)}
    then = standing.official.then(rnd)
    then = None if then is None else then[0][None, :]
    out["rank"] = (_rank(pd.Series(official, index=index)) if then is None else
                   pd.Series(np.where(np.isnan(official), np.nan, ranks(official[None, :], then)[0]),
                             index=index).astype("Int64"))
    advance = config.round(rnd).advance if config.round(rnd) is not None else None
    last = rnd == config.round_ids[-1]
    out["advances"] = "" if last else np.where(going_on(official[None, :], advance, then)[0], "yes", "no")
    # the alternatives are over the jurors' own marks: on a rank scale, places, lower being better
    orient = -1.0 if config.scale.ranks else 1.0
    # the alternatives, combined across rounds with the round's weights
    totals = {method: np.zeros(len(entries)) for method in ALTERNATIVES}
    for earlier, weight in config.round_weights(rnd).items():
        scores = alternatives(earlier)
        for method in ALTERNATIVES:
            totals[method] = totals[method] + weight * scores[f"score_{method}"].reindex(entries).to_numpy()
    for method in ALTERNATIVES:
        out[f"score_{method}"] = totals[method]
    for method in ALTERNATIVES:
        out[f"rank_{method}"] = _rank(pd.Series(orient * totals[method], index=index))
    if fair is not None:  # the Rasch fair average, combined across rounds with the same weights
        total = np.zeros(len(entries))
        for earlier, weight in config.round_weights(rnd).items():
            total = total + weight * fair.reindex(pd.MultiIndex.from_product([[earlier], entries])).to_numpy(dtype=float)
        out[f"score_{FAIR}"], out[f"rank_{FAIR}"] = total, _rank(pd.Series(total, index=index))
    out["loo_rank_best"], out["loo_rank_worst"] = standing.loo.rank_range(rnd)
    frame = pd.DataFrame(out, index=index).sort_values(["rank", "score_model"], ascending=[True, orient < 0])
    lead = np.full(len(frame), np.nan)
    order = entries.get_indexer(frame.index)
    if len(order) >= 2:
        lead[:-1] = official[order[:-1]] - official[order[1:]]
    frame["gap_next"] = lead
    return frame.reset_index()


class _Tally:
    """What the resampled juries say of a round's entries, gathered a chunk of juries at a time:
    p_first, p_top3, p_advance, the 95% rank interval and the interval of each entry's lead over
    the next in the standings (``order``: the entries' positions, best first). A resample that
    leaves an entry without scores (jurors resampled, few of them per entry) gives it no rank:
    it is neither first nor in the top three there, and its rank interval is taken over the
    resamples that rank it. Memory: O(entries × the tails of the intervals)."""

    QS = (0.025, 0.975)

    def __init__(self, n_boot: int, order: np.ndarray, advance: int | None, last: bool):
        n = len(order)
        self.n_boot, self.order, self.advance, self.last = n_boot, order, advance, last
        self.first, self.top3, self.on = np.zeros(n), np.zeros(n), np.zeros(n)
        k = tail_size(n_boot, self.QS)
        self.ranks, self.leads = Tails(n, k), Tails(max(n - 1, 0), k)

    def add(self, results: np.ndarray, then: np.ndarray | None = None) -> None:
        """One chunk: the round's results under each of its juries (juries × entries), compared to
        :data:`~analytics.rules.leave_one_out.DIGITS` decimals as the juror left out is: a jury's
        results are other sums than the panel's, and an exact tie (two means of 98/15) must not turn
        on the last bit of a float, which would also make the numbers depend on the chunks."""
        compared = np.round(results, DIGITS)
        boot_ranks = np.where(np.isnan(compared), np.nan, ranks(compared, then))
        first = boot_ranks == 1
        firsts = first.sum(axis=1, keepdims=True)  # none: a resample that ranks no entry at all
        self.first += (first / np.maximum(firsts, 1)).sum(axis=0)  # a shared first place counts as a share
        self.top3 += (boot_ranks <= 3).sum(axis=0)
        if not self.last:
            self.on += going_on(compared, self.advance, then).sum(axis=0)
        self.ranks.add(boot_ranks)
        if len(self.order) >= 2:
            self.leads.add(results[:, self.order[:-1]] - results[:, self.order[1:]])

    def columns(self) -> dict[str, np.ndarray]:
        """The columns, in the entries' own order (the leads in the order of the standings)."""
        n_boot = max(self.n_boot, 1)
        out = {"p_first": self.first / n_boot, "p_top3": self.top3 / n_boot,
               "p_advance": np.full(len(self.first), np.nan) if self.last else self.on / n_boot}
        out["rank_low"], out["rank_high"] = self.ranks.quantiles(self.QS)
        low, high = np.full(len(self.order), np.nan), np.full(len(self.order), np.nan)
        if len(self.order) >= 2:
            low[:-1], high[:-1] = self.leads.quantiles(self.QS)
        out["gap_low"], out["gap_high"] = low, high
        return out


def _resampled_columns(shared: Shared, lane: str, standing: LaneStandings, tables: dict[str, pd.DataFrame],
                       told: Callable[[int, int], None]) -> None:
    """Fill each round's table (best first) with the columns of the resampled juries, every round
    from one pass over the chunks of juries; ``told(juries done, juries)`` after each chunk."""
    config = shared.config
    n_boot, done = config.checks.bootstrap_resamples, 0
    tallies = {}
    for rnd, table in tables.items():
        entries = standing.official.entries[rnd]
        advance = config.round(rnd).advance if config.round(rnd) is not None else None
        tallies[rnd] = _Tally(config.checks.bootstrap_resamples, entries.get_indexer(table[col.ENTRY_ID]), advance,
                              rnd == config.round_ids[-1])
    for chunk in standing.resampled(config, lane):
        for rnd, tally in tallies.items():
            tally.add(chunk.results[rnd], chunk.then(rnd))
        done += len(chunk.results[config.round_ids[0]])
        told(done, n_boot)
    for rnd, table in tables.items():
        tally = tallies[rnd]
        columns = tally.columns()
        unscored = np.isnan(standing.official.results[rnd][0])[tally.order]  # no score, no probability of anything
        for name in ("p_first", "p_top3", "p_advance", "rank_low", "rank_high"):
            table[name] = np.where(unscored, np.nan, columns[name][tally.order])
        table["gap_low"], table["gap_high"] = columns["gap_low"], columns["gap_high"]


def rankings(data: Festival | Shared, *, lanes: list[str] | None = None, scope: str = WEIGHTED_TOTAL,
             n_boot: int | None = None) -> pd.DataFrame:
    """The standings of every lane (or of ``lanes``) in every round: one row per lane × round
    × entry of the round, best first (see :data:`RANKING_COLUMNS`), on the official result (or,
    with ``scope``, on one criterion alone under the same rule). ``n_boot``: resamples, in
    place of ``[checks] bootstrap_resamples``."""
    shared = Shared.of(data, lanes)
    fair = _fair_averages(shared, scope)  # (the Rasch fit of this run's data, whatever the resamples)
    if n_boot is not None and n_boot != shared.config.checks.bootstrap_resamples:
        festival = shared.festival
        shared = Shared(replace(festival, config=festival.config.with_checks(bootstrap_resamples=n_boot)), shared.lanes)
    titles = shared.festival.entries.set_index(col.ENTRY_ID)[col.TITLE]
    frames = []
    for done, lane in enumerate(shared.lanes):
        if not (shared.scores[col.LANE] == lane).any():  # nobody scored (every juror abstained): listed, unranked
            first = shared.config.round_ids[0]
            ids = shared.round_entries(lane)[first]
            frames.append(pd.DataFrame({col.ENTRY_ID: ids, col.LANE: lane, col.ROUND: first, col.TITLE: ids.map(titles),
                                        col.N_JURORS: 0}))
            continue
        n_boot = shared.config.checks.bootstrap_resamples  # the parts: each lane's resampled juries
        shared.part(done * n_boot, len(shared.lanes) * n_boot, lane)
        standing = _lane(shared, lane, scope)
        tables = {rnd: _round_table(shared.config, rnd, standing, shared.ratings(lane, scope, rnd),
                                    lambda earlier: _lane_alternatives(shared, lane, earlier, scope),
                                    None if fair is None else fair.get(lane, _NO_FAIR))
                  for rnd in shared.config.round_ids if len(standing.official.entries[rnd])}
        _resampled_columns(shared, lane, standing, tables,
                           lambda juries, n, lane_done=done, lane=lane: shared.part(
                               lane_done * n + juries, len(shared.lanes) * n, f"{lane}: resampled juries"))
        frames += _lane_frames(lane, tables, titles)
    return _ranking_table(frames, fair=fair is not None)


def _lane_frames(lane: str, tables: dict[str, pd.DataFrame], titles: pd.Series) -> list[pd.DataFrame]:
    """A lane's round tables as rows of :func:`rankings`: with the lane, the round and the titles."""
    return [table.assign(**{col.LANE: lane, col.ROUND: rnd, col.TITLE: table[col.ENTRY_ID].map(titles)})
            for rnd, table in tables.items()]


def _ranking_table(frames: list[pd.DataFrame], *, fair: bool = False) -> pd.DataFrame:
    """The rows of :func:`rankings` in its columns (:func:`ranking_columns`)."""
    columns = ranking_columns(fair=fair)
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)
    return table.reindex(columns=columns)  # (a lane nobody scored has its entries and nothing more)


def ranking_columns(*, fair: bool = False) -> list[str]:
    """The columns of :func:`rankings`: :data:`RANKING_COLUMNS`, with the Rasch fair average's
    (:data:`FAIR_COLUMNS`) after the other alternatives' where it applies (:func:`fair_applies`).

    >>> ranking_columns(fair=True)[16:20]
    ['score_model', 'rank_model', 'score_fair', 'rank_fair']
    >>> ranking_columns() == RANKING_COLUMNS
    True
    """
    if not fair:
        return list(RANKING_COLUMNS)
    at = RANKING_COLUMNS.index(f"rank_{ALTERNATIVES[-1]}") + 1
    return [*RANKING_COLUMNS[:at], *FAIR_COLUMNS, *RANKING_COLUMNS[at:]]


def fair_applies(data: Festival | Shared, scope: str = WEIGHTED_TOTAL) -> bool:
    """Whether the standings on ``scope`` have the Rasch fair average as an alternative: where
    ``festival.toml`` has ``[rasch]``, on the weighted total (the model measures every criterion at
    once), and where the scores do not judge performances (see the module notes)."""
    festival = data.festival if isinstance(data, Shared) else data
    return festival.config.rasch is not None and scope == WEIGHTED_TOTAL and not festival.has_performances


#: a lane that the Rasch model did not fit (its ratings all in one category): no fair average
_NO_FAIR = pd.Series(dtype=float, index=pd.MultiIndex.from_arrays([[], []], names=[col.ROUND, col.ENTRY_ID]))


def _fair_averages(shared: Shared, scope: str) -> dict[str, pd.Series] | None:
    """Per lane, the entries' Rasch fair averages by (round, entry) from ``rasch.csv`` of the run
    (:func:`analytics.checks.rasch.rasch_table`: fitted once per run and kept on ``shared``, so the
    rasch check and this table share one fit; in a process forked for the rankings, its own); None
    where the alternative does not apply (:func:`fair_applies`)."""
    if not fair_applies(shared, scope):
        return None
    table = rasch_table(shared)
    entries = table[table["facet"] == ENTRY]
    return {lane: rows.set_index([col.ROUND, "element"])["fair_average"].astype(float).rename_axis(
                [col.ROUND, col.ENTRY_ID])
            for lane, rows in entries.groupby(col.LANE, sort=False)}


def rankings_without(shared: Shared, lane: str, removed: np.ndarray, *, scope: str = WEIGHTED_TOTAL) -> pd.DataFrame:
    """:func:`rankings` of one lane with some of its scores left out (``removed``: a mask over
    ``shared.lane_scores(lane)``), without the columns of the resampled juries (NaN) nor, where it
    applies, the Rasch fair average (NaN: a fit of the whole lane, computed when the lane is checked
    again): what a chair's what-if shows at once. Only what the change touches is computed again: the
    entries whose scores are removed (their panels, official rounds and each juror left out), spliced into the lane's
    official result as it was; the alternatives from the lane's totals without the removed ones.
    Every other column is the same as :func:`rankings` on the festival without those scores (a test
    compares them). Cost: O(the touched entries' scores) for the official rule and the jurors left
    out, O(the lane's ratings) for the alternatives and the ranks."""
    before = _lane(shared, lane, scope)
    lane_scores = shared.lane_scores(lane)
    removed = np.asarray(removed, dtype=bool)
    kept = lane_scores[~removed]
    if scope != WEIGHTED_TOTAL:
        kept = kept[kept[col.CRITERION] == scope]
    touched = pd.Index(lane_scores.loc[removed, col.ENTRY_ID].unique())
    whole = any(whole_lane(shared.config.rule(r)) for r in shared.config.round_ids)
    if whole:  # a place by majority, juries' points, or ties broken by places: one mark changes every entry's place
        touched = pd.Index(lane_scores[col.ENTRY_ID].unique())
    mine = kept[col.ENTRY_ID].isin(touched).to_numpy()
    festival = shared.festival  # the touched entries alone, as a festival, through the same code as the whole lane
    part = Shared(replace(festival, scores=kept[mine], entries=festival.entries[festival.entries[col.ENTRY_ID].isin(touched)],
                          assignments=festival.assignments.iloc[:0],
                          stages=festival.stages[festival.stages[col.ENTRY_ID].isin(touched)]), [lane])
    jurors = pd.Index(sorted(kept[col.JUROR_ID].unique()))
    standing = _lane(part, lane, scope) if whole else _spliced(before, _lane(part, lane, scope), jurors)
    after = {rnd: shared.ratings_without(lane, scope, rnd, removed) for rnd in shared.config.round_ids}
    found: dict[str, pd.DataFrame] = {}

    def alternatives(rnd: str) -> pd.DataFrame:
        if rnd not in found:
            found[rnd] = _alternatives(after[rnd], shared.config.rule(rnd).trim, lambda: LaneFit.of(after[rnd]))
        return found[rnd]

    fair = fair_applies(shared, scope)
    tables = {rnd: _round_table(shared.config, rnd, standing, after[rnd], alternatives,
                                _NO_FAIR if fair else None).assign(**dict.fromkeys(RESAMPLED_COLUMNS, np.nan))
              for rnd in shared.config.round_ids if len(standing.official.entries[rnd])}
    return _ranking_table(_lane_frames(lane, tables, festival.entries.set_index(col.ENTRY_ID)[col.TITLE]), fair=fair)


def _spliced(before: LaneStandings, part: LaneStandings, jurors: pd.Index) -> LaneStandings:
    """``before`` (a lane's standing) with the entries of ``part`` (the same lane's touched entries,
    computed alone) put in: their official rounds and their pairs of the jurors left out; ``jurors``:
    the lane's jurors now. O(the lane's pairs)."""
    official, loo = before.official, before.loo
    scores, results, per_criterion, tiebreak = {}, {}, {}, {}
    base, juror, entry, value = {}, {}, {}, {}
    old_codes, new_codes = jurors.get_indexer(loo.jurors), jurors.get_indexer(part.loo.jurors)
    for rnd in official.rounds:  # a few rounds
        at = official.entries[rnd].get_indexer(part.official.entries[rnd])
        scores[rnd], results[rnd] = official.round_scores[rnd].copy(), official.results[rnd].copy()
        scores[rnd][:, at], results[rnd][:, at] = part.official.round_scores[rnd], part.official.results[rnd]
        if rnd in official.per_criterion:
            per_criterion[rnd] = official.per_criterion[rnd].copy()
            per_criterion[rnd][..., at] = part.official.per_criterion[rnd]
        stays = ~np.isin(loo.entry[rnd], at)
        codes = np.concatenate([old_codes[loo.juror[rnd][stays]], new_codes[part.loo.juror[rnd]]])
        places = np.concatenate([loo.entry[rnd][stays], at[part.loo.entry[rnd]]])
        order = np.lexsort((places, codes))
        juror[rnd], entry[rnd] = codes[order], places[order]
        value[rnd] = np.concatenate([loo.value[rnd][stays], part.loo.value[rnd]])[order]
        base[rnd] = loo.base[rnd].copy()
        base[rnd][at] = part.loo.base[rnd]
        if official.then(rnd) is not None and part.official.then(rnd) is not None:
            tiebreak[rnd] = official.then(rnd).copy()
            tiebreak[rnd][:, at] = part.official.then(rnd)
    rounds = LaneRounds(official.rounds, official.entries, scores, results, per_criterion, official.criteria, tiebreak)
    return LaneStandings(jurors, rounds, LeaveOneOut(jurors, dict(official.entries), base, juror, entry, value, loo.unit),
                         before.panels, before.factors, None)


def ranking_flags(data: Festival | Shared, table: pd.DataFrame, *, scope: str = WEIGHTED_TOTAL) -> list[Flag]:
    """The cut flags of each round with a cut, and the first-place flags of the last round
    (see the module notes), from ``table`` (:func:`rankings`, ranked on ``scope``)."""
    shared = Shared.of(data)
    checks, names, config = shared.config.checks, shared.lane_names, shared.config
    last = config.round_ids[-1]
    flags = []
    for (lane, rnd), standings in table.groupby([col.LANE, col.ROUND], sort=False):
        where = f"{names[lane]}{in_round(rnd)}"
        standing = _lane(shared, lane, scope)
        entries = standing.official.entries[rnd]
        flags += _shared_places(config, lane, rnd, where, standings)
        if rnd != last:
            flags += _cut_flags(config, lane, rnd, where, standings, standing, entries)
            continue
        first = standings.iloc[0]
        leader = first[col.ENTRY_ID]
        leaders, tied = standing.loo.leaders(rnd, entries.get_loc(leader))  # per juror: who holds first place without them
        changed = [(j, entries[new], tie) for j, new, tie in zip(standing.loo.jurors, leaders, tied)
                   if new >= 0 and entries[new] != leader]
        if changed:
            who = _listed([f"without {j} {new} {'ties for first' if tie else 'wins'}" for j, new, tie in changed], ", ")
            flags.append(FIRST_PLACE_UNSTABLE.flag(lane,
                                   f"{where}: the first place of {leader} ({first['title']}) changes when one "
                                   f"{standing.loo.unit} is left out: {who}.", entry_id=leader, round=rnd,
                                   value=len(changed), threshold=0))
        if first["p_first"] < checks.p_first_min:
            flags.append(FIRST_PLACE_UNCERTAIN.flag(lane,
                                   f"{where}: {leader} ({first['title']}) comes first in only {first['p_first']:.0%} "
                                   f"of the resampled juries (the bar is {checks.p_first_min:.0%}).",
                                   entry_id=leader, round=rnd, value=first["p_first"], threshold=checks.p_first_min))
        # a tie the rule breaks (tie_break) is decided, not a tie within noise: only a runner-up that passes
        # the leader in some resampled juries (a gap below zero) makes one there
        low, high = first["gap_low"], first["gap_high"]
        tied = (low < 0 <= high) if standing.official.then(rnd) is not None else (low <= 0 <= high)
        if len(standings) >= 2 and tied:
            runner = standings.iloc[1]
            flags.append(FIRST_PLACE_TIE.flag(lane,
                                   f"{where}: {leader} ({first['title']}) leads {runner[col.ENTRY_ID]} "
                                   f"({runner['title']}) by {first['gap_next']:.3f} points, a tie within noise (95% interval "
                                   f"of the gap over resampled juries {first['gap_low']:+.2f} to {first['gap_high']:+.2f}).",
                                   entry_id=leader, round=rnd, value=first["gap_next"], threshold=0))
    return flags


#: a flag's sentence names at most this many jurors (a conference can have thousands whose absence matters)
LISTED = 12


def _listed(parts: list[str], sep: str) -> str:
    """``parts`` joined, the first :data:`LISTED` of them and a count of the rest.

    >>> _listed([f"without J{i} E wins" for i in range(14)], ", ").endswith("without J11 E wins, and 2 more jurors like these")
    True
    """
    if len(parts) <= LISTED:
        return sep.join(parts)
    return sep.join(parts[:LISTED]) + f"{sep}and {len(parts) - LISTED:,} more jurors like these"


def _shared_places(config, lane: str, rnd: str, where: str, standings: pd.DataFrame) -> list[Flag]:
    """``place_shared`` for each place two or more entries share under a rule over places: the rule (and its
    ``tie_break``, where it has one) leaves them equal, and the chair decides what is published."""
    rule = config.rule(rnd)
    if not rule.ranks:
        return []
    ranked = standings.dropna(subset=["score"])
    flags = []
    for place, group in ranked[ranked["rank"].duplicated(keep=False)].groupby("rank", sort=True):
        ids = list(group[col.ENTRY_ID])
        flags.append(PLACE_SHARED.flag(lane,
                     f"{where}: {', '.join(ids)} share place {int(place)} ({group['score'].iloc[0]:g} each under the "
                     f"rule, and {'no tie-break' if rule.tie_break == 'none' else 'equal on the tie-break, ' + rule.tie_break}"
                     "): decide how the place is published.",
                     entry_id=ids[0], round=rnd, value=len(ids), threshold=1))
    return flags


def _cut_flags(config, lane: str, rnd: str, where: str, standings: pd.DataFrame, standing: LaneStandings,
               entries: pd.Index) -> list[Flag]:
    advance = config.round(rnd).advance
    flags = []
    going = standings[standings["advances"] == "yes"]
    if len(going) > advance:
        tied = standings[standings["rank"] == going["rank"].max()]
        flags.append(CUT_TIE.flag(lane,
                               f"{where}: {len(going)} entries go on where {advance} should: "
                               f"{', '.join(tied[col.ENTRY_ID])} are tied at the cut ({tied['score'].iloc[0]:g}).",
                               round=rnd, value=len(going), threshold=advance))
    changes = []
    moves = standing.loo.going_on(rnd, advance) if len(standing.jurors) > 1 else {}
    for code, (joined, left) in sorted(moves.items()):  # one line per juror whose absence changes the cut
        juror, moved, out = standing.loo.jurors[code], list(entries[joined]), list(entries[left])
        if moved and out:
            changes.append(f"without {juror} {', '.join(moved)} would go on instead of {', '.join(out)}")
        else:
            changes.append(f"without {juror} {', '.join(moved or out)} would {'also go on' if moved else 'not go on'}")
    if changes:
        flags.append(CUT_UNSTABLE.flag(lane,
                               f"{where}: who goes on changes when one {standing.loo.unit} is left out: "
                               f"{_listed(changes, '; ')}.",
                               round=rnd, value=len(changes), threshold=0))
    bubble = standings[(standings["p_advance"] > UNCERTAIN[0]) & (standings["p_advance"] < UNCERTAIN[1])]
    for row in bubble.itertuples(index=False):
        flags.append(CUT_UNCERTAIN.flag(lane,
                               f"{where}: {row.entry_id} ({row.title}) goes on in {row.p_advance:.0%} of the resampled "
                               f"juries: {'in' if row.advances == 'yes' else 'out'} now, on the bubble of the cut.",
                               entry_id=row.entry_id, round=rnd, value=row.p_advance, threshold=UNCERTAIN[1]))
    return flags




def cuts(table: pd.DataFrame, lane: str) -> pd.DataFrame:
    """Each round with a cut in ``lane``: the entries that went on and those on the bubble
    (``p_advance`` between 0.2 and 0.8, in or out), best first; ``on`` says ``went on`` or
    ``out``. Empty without rounds. For notebook 05 and the report."""
    rows = table[(table[col.LANE] == lane) & (table["advances"] != "")]
    keep = (rows["advances"] == "yes") | ((rows["p_advance"] > UNCERTAIN[0]) & (rows["p_advance"] < UNCERTAIN[1]))
    shown = rows[keep].assign(on=rows["advances"].map({"yes": "went on", "no": "out"}))
    return shown[[col.LANE, col.ROUND, "rank", col.ENTRY_ID, col.TITLE, "round_score", "score", "on", "p_advance"]
                 ].reset_index(drop=True)


FAMILY = CheckFamily("rankings", rankings, ranking_flags,
                     kinds=(FIRST_PLACE_UNSTABLE, FIRST_PLACE_UNCERTAIN, FIRST_PLACE_TIE, CUT_TIE, CUT_UNSTABLE, CUT_UNCERTAIN,
                            PLACE_SHARED),
                     output=True, public=True, shows="sections/winners.html.j2")
