"""Many-facet Rasch measurement of each lane's judging (design section 16), where ``festival.toml`` has ``[rasch]``.

Each lane (and round) is fitted on its own (not one whose every juror judged a single entry, :data:`ONE_ENTRY_EACH`:
a peer-review track with one score per reviewer has no Rasch rows): entries, jurors and criteria (and any ``[rasch] facets``) on one
logit ruler, by JMLE as the FACETS program or MML as R's TAM (:mod:`analytics.stats.rasch`,
:mod:`analytics.stats.rasch_mml`). A juror's measure is their severity in logits: positive is severe. The
scores are the scale's categories, the observed ones renumbered in order (a category nobody used is left out,
FACETS' "Ordinal", and named in ``rasch_thresholds.csv``).

Tables (``jury check --out``, confidential: they name jurors):

- ``rasch.csv``: per element of each facet its measure, S.E., infit and outfit mean-squares with their
  Wilson–Hilferty z, fair and observed averages, ratings, whether its score is extreme, and its subset (the
  connected part of the design of entries and jurors it belongs to; measures of two subsets are not comparable);
- ``rasch_thresholds.csv``: the Rasch–Andrich thresholds, each marked where it lies below the one before
  (disordered: reported, never forced into order), with the ratings in each category; a score of the scale that
  lies between the lowest and highest given but that nobody gave has a row with no threshold (``observed`` false);
- ``rasch_unexpected.csv``: the ratings whose standardised residual is 3 or more in size (FACETS' list);
- ``rasch_separation.csv``: per facet, FACETS' separation statistics (RMSE, adjusted "true" S.D., separation,
  strata, reliability, and the fixed chi-square that all elements are equal);
- ``rasch_interactions.csv``: the bias analysis: per juror × criterion, and per juror × "entries sharing the
  juror's affiliation" (``[jury] affiliations``), the extra severity in logits with its S.E. and t.

Flags (warnings, each about a juror's own scoring):

- ``rasch_misfit``: a juror with at least :data:`MISFIT_MIN_RATINGS` ratings whose infit or outfit mean-square
  lies outside :data:`MISFIT_RANGE` *and* whose z says it is more than chance (|z| ≥ :data:`MISFIT_Z`): with a few
  ratings a mean-square strays far by chance;
- ``unexpected_rating``: a rating so far from what the model expects that, among the lane's ratings, fewer than
  one in twenty festivals would show one as far by chance (|z| at least 3, and at least the Bonferroni bound at
  5% over the lane's ratings: 4.1 over 1,000 ratings, 5.3 over 480,000), so that a large festival is not flagged
  wholesale; every rating of 3 or more is in ``rasch_unexpected.csv``;
- ``rasch_subsets``: the design falls into subsets that share no entry and no juror.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse, special
from scipy.sparse import csgraph

from analytics.base import columns as col
from analytics.checks.family import CheckFamily
from analytics.checks.flags import Flag, FlagKind, in_round
from analytics.checks.shared import Shared
from analytics.load.config import FestivalConfig, Rasch
from analytics.load.festival import Festival
from analytics.stats.rasch import Facet, expected_rating, fit_rasch, separation
from analytics.stats.rasch_mml import fit_rasch_mml

#: the flags this family raises
RASCH_MISFIT = FlagKind("rasch_misfit", "warning", about_juror=True)
UNEXPECTED_RATING = FlagKind("unexpected_rating", "warning", about_juror=True)
RASCH_SUBSETS = FlagKind("rasch_subsets", "warning")

#: a juror's infit or outfit mean-square outside this range misfits (Linacre's "productive for measurement")
MISFIT_RANGE = (0.5, 1.5)
#: ... when its Wilson–Hilferty z is at least this large in size
MISFIT_Z = 2.0
#: a rating with a standardised residual at least this large in size is unexpected (FACETS' default list)
UNEXPECTED_Z = 3.0
#: the false-alarm rate per lane of the unexpected_rating flag (a Bonferroni bound over the lane's ratings)
UNEXPECTED_ALPHA = 0.05
#: a juror with fewer ratings than this is not flagged for misfit: a mean-square over a handful of ratings (and its
#: z, which assumes many) says little
MISFIT_MIN_RATINGS = 20
#: where every juror of a lane (and round) judged one entry, their severity cannot be told apart from the entry's
#: merit (as the additive severity, analytics.checks.severity): the lane is not fitted, and has no Rasch rows
ONE_ENTRY_EACH = "each juror judged one entry, so a juror's severity cannot be told apart from the entry's merit"
#: a bias estimate is held within this many logits (a cell of ratings all at one end of the scale has none)
BIAS_MAX = 5.0

#: the model's facets, by the names the tables give them
ENTRY, JUROR, CRITERION = "entry", "juror", "criterion"
#: the column naming an entry's judgement where entries have performances (``"D01 · 3"``: dive 3 of D01)
JUDGEMENT = "judgement"

RASCH_COLUMNS = ["lane", "round", "facet", "element", "measure", "se", "infit", "infit_z", "outfit", "outfit_z",
                 "fair_average", "observed_average", "n", "extreme", "subset"]
THRESHOLD_COLUMNS = ["lane", "round", "step", "category", "threshold", "n", "disordered", "observed"]
UNEXPECTED_COLUMNS = ["lane", "round", "entry_id", "juror_id", "criterion", "score", "expected", "residual", "z"]
SEPARATION_COLUMNS = ["lane", "round", "facet", "elements", "rmse", "true_sd", "separation", "strata", "reliability",
                      "chi_square", "df", "p"]
INTERACTION_COLUMNS = ["lane", "round", "juror_id", "kind", "with", "n", "observed_average", "expected_average", "bias",
                       "se", "t"]


def configured(config: FestivalConfig) -> bool:
    return config.rasch is not None


class LaneRasch:
    """One lane and round's fitted model and the tables drawn from it."""

    def __init__(self, shared: Shared, lane: str, rnd: str):
        config = shared.config.rasch or Rasch()  # (the defaults, where a caller asks a festival without [rasch])
        self.lane, self.round = lane, rnd
        scores = shared.lane_scores(lane)
        scores = scores[scores[col.ROUND] == rnd] if rnd else scores
        self.ratings = _with_facets(scores, shared.festival, config.facets).reset_index(drop=True)
        extra = [f for f in config.facets]
        # with performances, each (entry, performance) is a judgement of its own: the entry facet's elements
        entry = JUDGEMENT if JUDGEMENT in self.ratings else col.ENTRY_ID
        names = {ENTRY: entry, JUROR: col.JUROR_ID, CRITERION: col.CRITERION, **{f: f for f in extra}}
        self.names = names
        floating = config.floating
        step = col.CRITERION if config.model == "partial_credit" else None
        orientation = {ENTRY: "positive"}
        facets = [Facet(names[n], orientation.get(n, "negative"), centered=(n != floating))
                  for n in (ENTRY, JUROR, CRITERION, *extra)]
        self.categories = np.unique(self.ratings[col.SCORE].to_numpy(dtype=float))
        self.scale = shared.config.scale
        if config.estimation == "mml":
            fit = fit_rasch_mml(self.ratings, facets[1:], person=entry, step_facet=step)
        else:
            fit = fit_rasch(self.ratings, facets, step_facet=step)
        self.fit, self.facets, self.mml = fit, facets, config.estimation == "mml"
        # each rating under the fitted model (either estimator): its η, thresholds, category, expectation
        r = self.ratings
        self.eta = sum(f.sign * r[f.column].astype(str).map(
            dict(zip(fit.measures[f.column]["element"].astype(str), fit.measures[f.column]["measure"]))).to_numpy(
            dtype=float) for f in facets)
        tau = fit.thresholds
        m = len(self.categories) - 1
        if step is None:
            self.tau = tau["threshold"].to_numpy(dtype=float).reshape(-1, m)[:1]
            self.step_index = np.zeros(len(r), dtype=np.int64)
        else:
            steps = tau["step"].astype(str).drop_duplicates().tolist()
            self.tau = tau["threshold"].to_numpy(dtype=float).reshape(len(steps), m)
            self.step_index = pd.Index(steps).get_indexer(r[col.CRITERION].astype(str))
        self.x = np.searchsorted(self.categories, r[col.SCORE].to_numpy(dtype=float))
        mean, variance = _mean_variance(self.eta, self.tau[self.step_index])
        self.expected = np.interp(mean, np.arange(m + 1), self.categories)
        self.residual = (self.x - mean) * (np.diff(self.categories).mean())
        with np.errstate(divide="ignore", invalid="ignore"):  # a rating the model is sure of (variance 0): no z
            self.z = (self.x - mean) / np.sqrt(variance)

    # -- the tables ----------------------------------------------------------------------------------------------
    def measures(self) -> pd.DataFrame:
        subsets = _subsets(self.ratings, self.names[ENTRY])
        frames = []
        for name, column in self.names.items():
            m = self.fit.measures[column]
            fair = m["fair_average"] if "fair_average" in m else self._fair(column, m)
            frames.append(pd.DataFrame({
                "lane": self.lane, "round": self.round, "facet": name, "element": m["element"].astype(str),
                "measure": m["measure"], "se": m["se"], "infit": m["infit"], "infit_z": m["infit_zstd"],
                "outfit": m["outfit"], "outfit_z": m["outfit_zstd"], "fair_average": fair,
                "observed_average": m["observed_average"], "n": m["count"].astype(np.int64),
                "extreme": m["extreme"].astype(bool) if "extreme" in m else False,
                "subset": m["element"].astype(str).map(subsets.get(name, {})).fillna(1).astype(np.int64)}))
        return pd.concat(frames, ignore_index=True)[RASCH_COLUMNS]

    def _fair(self, column: str, m: pd.DataFrame) -> np.ndarray:
        """The fair average (every other facet at its elements' mean measure) where the estimator gives none."""
        means = {f.column: float(self.fit.measures[f.column]["measure"].mean()) for f in self.facets}
        signs = {f.column: f.sign for f in self.facets}
        rest = sum(signs[c] * means[c] for c in means if c != column)
        eta = signs[column] * m["measure"].to_numpy(dtype=float) + rest
        if len(self.tau) == 1 or column == col.CRITERION:
            taus = self.tau[0] if len(self.tau) == 1 else self.tau[pd.Index(
                self.fit.thresholds["step"].astype(str).drop_duplicates()).get_indexer(m["element"].astype(str))]
            return expected_rating(eta, taus, self.categories)
        return np.mean([expected_rating(eta, t, self.categories) for t in self.tau], axis=0)

    def thresholds(self) -> pd.DataFrame:
        t = self.fit.thresholds
        step = t["step"].astype(str) if "step" in t else ""
        counts = self.ratings.groupby([col.CRITERION, col.SCORE]).size() if "step" in t and t["step"].astype(
            str).ne("").any() else self.ratings.groupby(col.SCORE).size()
        if isinstance(counts.index, pd.MultiIndex):
            n = [int(counts.get((s, c), 0)) for s, c in zip(step, t["category"])]
        else:
            n = [int(counts.get(c, 0)) for c in t["category"]]
        out = pd.DataFrame({"lane": self.lane, "round": self.round, "step": step, "category": t["category"],
                            "threshold": t["threshold"], "n": n})
        previous = out.groupby("step", sort=False)["threshold"].shift()
        out["disordered"] = (out["threshold"] < previous).fillna(False).astype(bool)
        out["observed"] = True
        # a score of the scale between the lowest and highest used that nobody gave: no threshold of its own (the
        # categories are the observed ones, renumbered: FACETS' "Ordinal"), listed so that nobody misses it
        scale = self.scale
        possible = scale.minimum + scale.step * np.arange(round((scale.maximum - scale.minimum) / scale.step) + 1)
        inside = possible[(possible > self.categories[0]) & (possible < self.categories[-1])]
        unused = inside[~np.isclose(inside[:, None], self.categories[None, :]).any(axis=1)]
        if len(unused):
            gaps = pd.DataFrame([{"lane": self.lane, "round": self.round, "step": s_, "category": float(c),
                                  "threshold": np.nan, "n": 0, "disordered": False, "observed": False}
                                 for s_ in out["step"].drop_duplicates() for c in unused])
            out = pd.concat([out, gaps], ignore_index=True).sort_values(["step", "category"], kind="stable")
        return out[THRESHOLD_COLUMNS].reset_index(drop=True)

    def residuals(self) -> pd.DataFrame:
        """Every rating with its expected score, residual and standardised residual."""
        r = self.ratings
        return pd.DataFrame({"lane": self.lane, "round": self.round, col.ENTRY_ID: r[col.ENTRY_ID].to_numpy(),
                             col.JUROR_ID: r[col.JUROR_ID].to_numpy(), col.CRITERION: r[col.CRITERION].to_numpy(),
                             col.SCORE: r[col.SCORE].to_numpy(dtype=float), "expected": self.expected,
                             "residual": self.residual, "z": self.z,
                             **({col.PERFORMANCE: r[col.PERFORMANCE].to_numpy()} if col.PERFORMANCE in r else {})})

    def separation(self) -> pd.DataFrame:
        frames = []
        for name, column in self.names.items():
            m = self.fit.measures[column]
            kept = m[~m["extreme"].astype(bool)] if "extreme" in m else m
            s = separation(kept["measure"].to_numpy(dtype=float), kept["se"].to_numpy(dtype=float))
            frames.append({"lane": self.lane, "round": self.round, "facet": name, **s})
        return pd.DataFrame(frames, columns=SEPARATION_COLUMNS)

    def interactions(self, affiliations: tuple[str, ...], festival: Festival) -> pd.DataFrame:
        """The bias analysis (FACETS' Table 13): per cell of ratings, the extra severity that makes the cell's
        expected score equal its observed score, everything else held at its estimate."""
        r = self.ratings
        frames = [self._bias(r[col.JUROR_ID].to_numpy(), r[col.CRITERION].astype(str).to_numpy(), "criterion")]
        jurors = festival.jurors.drop_duplicates(col.JUROR_ID).set_index(col.JUROR_ID)
        entries = festival.entries.drop_duplicates(col.ENTRY_ID).set_index(col.ENTRY_ID)
        for affiliation in affiliations:
            if affiliation not in jurors or affiliation not in entries:
                continue
            own = r[col.JUROR_ID].map(jurors[affiliation])
            theirs = r[col.ENTRY_ID].map(entries[affiliation])
            same = (own.notna() & (own == theirs)).to_numpy()
            if same.any():
                cells = np.where(same, "same " + affiliation + ": " + own.fillna("").astype(str), "")
                frames.append(self._bias(r[col.JUROR_ID].to_numpy()[same], cells[same], f"affiliation:{affiliation}",
                                         rows=np.flatnonzero(same)))
        return pd.concat(frames, ignore_index=True)[INTERACTION_COLUMNS]

    def _bias(self, juror: np.ndarray, other: np.ndarray, kind: str, rows: np.ndarray | None = None) -> pd.DataFrame:
        rows = np.arange(len(self.ratings)) if rows is None else rows
        keys = pd.MultiIndex.from_arrays([juror, other])
        cell, labels = pd.factorize(keys, sort=True)
        eta, tau = self.eta[rows], self.tau[self.step_index[rows]]
        x = self.x[rows].astype(float)
        m = tau.shape[1]
        n_cells = len(labels)
        n = np.bincount(cell, minlength=n_cells).astype(float)
        observed = np.bincount(cell, weights=x, minlength=n_cells)
        # a cell all at one end has no finite bias: its score is moved 0.3 inward, as an extreme element's
        target = np.clip(observed, 0.3, m * n - 0.3)
        bias = np.zeros(n_cells)
        for _ in range(50):  # Newton per cell, all cells at once, until every cell not held at the bound has converged
            e, w = _mean_variance(eta - bias[cell], tau)
            residual = np.bincount(cell, weights=e, minlength=n_cells) - target
            info = np.bincount(cell, weights=w, minlength=n_cells)
            step = np.clip(residual / np.maximum(info, 1e-12), -1, 1)
            held = ((bias >= BIAS_MAX) & (step > 0)) | ((bias <= -BIAS_MAX) & (step < 0))
            if np.abs(residual[~held]).max(initial=0) < 1e-6:
                break
            bias = np.clip(bias + step, -BIAS_MAX, BIAS_MAX)
        e0, _ = _mean_variance(eta, tau)
        _, w = _mean_variance(eta - bias[cell], tau)
        se = 1 / np.sqrt(np.maximum(np.bincount(cell, weights=w, minlength=n_cells), 1e-300))
        def average(values: np.ndarray) -> np.ndarray:  # a cell's mean category, in the scale's units
            return np.interp(np.bincount(cell, weights=values, minlength=n_cells) / n, np.arange(m + 1), self.categories)

        return pd.DataFrame({"lane": self.lane, "round": self.round, "juror_id": labels.get_level_values(0).astype(str),
                             "kind": kind, "with": labels.get_level_values(1).astype(str), "n": n.astype(np.int64),
                             "observed_average": average(x), "expected_average": average(e0), "bias": bias, "se": se,
                             "t": bias / se})


def _mean_variance(eta: np.ndarray, tau: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    steps = np.cumsum(eta[:, None] - tau, axis=1)
    logits = np.concatenate([np.zeros((len(eta), 1)), steps], axis=1)
    p = special.softmax(logits, axis=1)
    k = np.arange(p.shape[1], dtype=float)
    mean = p @ k
    return mean, p @ k**2 - mean**2


def _with_facets(scores: pd.DataFrame, festival: Festival, facets) -> pd.DataFrame:
    """The ratings with a column per extra facet: from scores.csv, else the entry's, else the juror's."""
    keep = [col.ENTRY_ID, col.JUROR_ID, col.CRITERION, col.SCORE, *([col.PERFORMANCE] if col.PERFORMANCE in scores else [])]
    out = scores[[c for c in keep if c in scores]].copy()
    if col.PERFORMANCE in out and out[col.PERFORMANCE].notna().any():
        out[JUDGEMENT] = (out[col.ENTRY_ID].astype(str) + " · " + out[col.PERFORMANCE].astype("string").fillna("")
                          ).to_numpy()
    for facet in facets:
        if facet in scores and scores[facet].notna().any():
            out[facet] = scores[facet].astype("string").fillna("").to_numpy()
        elif facet in festival.entries:
            by = festival.entries.drop_duplicates(col.ENTRY_ID).set_index(col.ENTRY_ID)[facet]
            out[facet] = scores[col.ENTRY_ID].map(by).astype("string").fillna("").to_numpy()
        else:
            by = festival.jurors.drop_duplicates(col.JUROR_ID).set_index(col.JUROR_ID)[facet]
            out[facet] = scores[col.JUROR_ID].map(by).astype("string").fillna("").to_numpy()
    return out


def _subsets(ratings: pd.DataFrame, entry: str) -> dict[str, dict[str, int]]:
    """FACETS' subsets: the connected parts of the design of entries and jurors (a juror and an entry are linked by
    a rating), numbered from 1 by size; {facet: {element: subset}}."""
    e, entries = pd.factorize(ratings[entry].astype(str), sort=True)
    j, jurors = pd.factorize(ratings[col.JUROR_ID].astype(str), sort=True)
    n_e, n_j = len(entries), len(jurors)
    graph = sparse.coo_matrix((np.ones(len(e)), (e, n_e + j)), shape=(n_e + n_j, n_e + n_j))
    count, label = csgraph.connected_components(graph, directed=False)
    sizes = np.bincount(label, minlength=count)
    order = np.argsort(-sizes, kind="stable")
    number = np.empty(count, dtype=np.int64)
    number[order] = np.arange(1, count + 1)
    label = number[label]
    return {ENTRY: dict(zip(entries, label[:n_e].tolist())), JUROR: dict(zip(jurors, label[n_e:].tolist()))}


def _fits(shared: Shared) -> list[LaneRasch]:
    def compute() -> list[LaneRasch]:
        fits = []
        for i, (lane, rnd) in enumerate(shared.stages):
            shared.part(i, len(shared.stages), f"lane {lane}{in_round(rnd)}")
            lane_scores = shared.lane_scores(lane)
            if rnd:
                lane_scores = lane_scores[lane_scores[col.ROUND] == rnd]
            if why_unfitted(lane_scores) is None:
                fits.append(LaneRasch(shared, lane, rnd))
        return fits
    return shared.memo(("rasch",), compute)


#: why a lane has no model where all its scores are the same
ONE_CATEGORY = "every score is the same, so there is no scale to measure on"


def why_unfitted(scores: pd.DataFrame) -> str | None:
    """Why the scores of a lane (and round) get no Rasch model, or None where they get one: all in one category
    (:data:`ONE_CATEGORY`), or each juror judged one entry (:data:`ONE_ENTRY_EACH`).

    >>> why_unfitted(pd.DataFrame({"entry_id": ["a", "b"], "juror_id": ["J1", "J2"], "score": [3, 5]}))
    "each juror judged one entry, so a juror's severity cannot be told apart from the entry's merit"
    """
    if scores[col.SCORE].nunique() < 2:
        return ONE_CATEGORY
    if not scores[[col.JUROR_ID, col.ENTRY_ID]].drop_duplicates()[col.JUROR_ID].duplicated().any():
        return ONE_ENTRY_EACH
    return None


def rasch_table(data: Festival | Shared, *, lanes: list[str] | None = None) -> pd.DataFrame:
    """``rasch.csv``: every element's measure and fit, per lane and round (see the module notes)."""
    shared = Shared.of(data, lanes)

    def compute() -> pd.DataFrame:
        fits = _fits(shared)
        return (pd.concat([f.measures() for f in fits], ignore_index=True) if fits
                else pd.DataFrame(columns=RASCH_COLUMNS))
    return shared.memo(("rasch_table",), compute)  # the check's table, and the rankings' fair averages


def _concat(frames: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    frames = [f for f in frames if not f.empty]
    return pd.concat(frames, ignore_index=True)[columns] if frames else pd.DataFrame(columns=columns)


def rasch_companions(data: Festival | Shared) -> dict[str, pd.DataFrame]:
    """The other Rasch tables, by file name (see the module notes)."""
    shared = Shared.of(data)
    fits = _fits(shared)
    affiliations = shared.config.jury.affiliations
    unexpected = [_unexpected(f.residuals()) for f in fits]
    return {"rasch_thresholds": _concat([f.thresholds() for f in fits], THRESHOLD_COLUMNS),
            "rasch_unexpected": _concat(unexpected, UNEXPECTED_COLUMNS + ([col.PERFORMANCE] if any(
                col.PERFORMANCE in u for u in unexpected) else [])),
            "rasch_separation": _concat([f.separation() for f in fits], SEPARATION_COLUMNS),
            "rasch_interactions": _concat([f.interactions(affiliations, shared.festival) for f in fits],
                                          INTERACTION_COLUMNS)}


def _unexpected(residuals: pd.DataFrame) -> pd.DataFrame:
    far = residuals[residuals["z"].abs() >= UNEXPECTED_Z]
    return far.reindex(far["z"].abs().sort_values(ascending=False).index)


def unexpected_bound(n_ratings: int) -> float:
    """The |z| beyond which the lane's ratings flag: :data:`UNEXPECTED_Z`, or the two-sided Bonferroni bound at
    :data:`UNEXPECTED_ALPHA` over ``n_ratings`` where that is larger.

    >>> round(unexpected_bound(1000), 2), round(unexpected_bound(480_000), 2), unexpected_bound(10)
    (4.06, 5.32, 3.0)
    """
    return max(UNEXPECTED_Z, float(special.ndtri(1 - UNEXPECTED_ALPHA / (2 * max(n_ratings, 1)))))


def rasch_flags(data: Festival | Shared, table: pd.DataFrame) -> list[Flag]:
    shared = Shared.of(data)
    names = shared.lane_names
    flags: list[Flag] = []
    low, high = MISFIT_RANGE
    jurors = table[table["facet"] == JUROR]
    for row in jurors[jurors["n"] >= MISFIT_MIN_RATINGS].itertuples(index=False):
        off = [(what, ms, z) for what, ms, z in (("infit", row.infit, row.infit_z), ("outfit", row.outfit, row.outfit_z))
               if (ms < low or ms > high) and abs(z) >= MISFIT_Z]
        if not off:
            continue
        what, ms, z = max(off, key=lambda o: abs(np.log(o[1])))
        how = ("more erratic than the model expects: their scores often go against the entries' standing and the "
               "other jurors" if ms > high else
               "more predictable than the model expects: their scores vary less than the entries' merit would make "
               "them (a narrow range, or a halo across criteria)")
        flags.append(RASCH_MISFIT.flag(
            row.lane, f"{names[row.lane]}{in_round(row.round)}: juror {row.element}'s {what} mean-square is {ms:.2f} "
            f"(z {z:+.1f}; between {low:g} and {high:g} is productive for measurement) over {row.n} ratings: {how}.",
            juror_id=row.element, round=row.round, value=ms, threshold=high if ms > high else low))
    for fit in _fits(shared):
        residuals = fit.residuals()
        bound = unexpected_bound(len(residuals))
        far = residuals[residuals["z"].abs() >= bound]
        for row in far.to_dict("records"):
            performance = row.get(col.PERFORMANCE, "")
            what = f"performance {performance} of {row['entry_id']}" if performance else row["entry_id"]
            flags.append(UNEXPECTED_RATING.flag(
                fit.lane, f"{names[fit.lane]}{in_round(fit.round)}: juror {row['juror_id']} gave {what} "
                f"{row['score']:g} on {row['criterion']}, where the model expects {row['expected']:.1f} from the "
                f"entry's measure, the juror's severity and the criterion (standardised residual {row['z']:+.1f}; "
                f"flagged beyond ±{bound:.1f}, where one such rating in {len(residuals):,} happens by chance in fewer "
                f"than one lane in {round(1 / UNEXPECTED_ALPHA)}).",
                juror_id=row["juror_id"], entry_id=row["entry_id"], criterion=row["criterion"], round=fit.round,
                item=str(performance), value=row["z"], threshold=bound))
    for (lane, rnd), group in table[table["facet"] == JUROR].groupby(["lane", "round"], sort=False):
        if group["subset"].max() > 1:
            parts = "; ".join("{" + ", ".join(sorted(g["element"])[:3]) + (", …" if len(g) > 3 else "") + "}"
                              for _, g in group.groupby("subset"))
            flags.append(RASCH_SUBSETS.flag(
                lane, f"{names[lane]}{in_round(rnd)}: the Rasch design falls into {group['subset'].max()} subsets "
                f"that share no entry and no juror, so measures in different subsets are not on one ruler "
                f"(jurors {parts}).", round=rnd, value=float(group["subset"].max()), threshold=1.0))
    return flags


FAMILY = CheckFamily("rasch", rasch_table, rasch_flags,
                     kinds=(RASCH_MISFIT, UNEXPECTED_RATING, RASCH_SUBSETS),
                     configured=configured,
                     companions=rasch_companions,
                     output=True,
                     shows="sections/rasch.html.j2")
