"""Affiliation screen: does a juror score entries that share their affiliation higher?

``[jury] affiliations = ["country", ...]`` names columns of both ``jurors.csv`` and
``entries.csv`` (a cell may hold several values separated by ``;``: a dual national, a
co-production). A juror and an entry *share* an affiliation when their values meet.

Per juror and affiliation (a juror on several panels is one person: their judgements of every
lane are pooled, ``lane`` is then ``all``):

- each judgement's **deviation**: the juror's weighted total for the entry minus the mean of
  the other jurors' totals for it (in points of the scale, as severity is), so an entry's
  quality cancels out;
- the **preference**: the mean deviation on entries sharing the affiliation minus the mean on
  the rest, so the juror's general generosity cancels out too; its 95% interval from the
  two-sample t with the juror's pooled variance (``n - 2`` degrees of freedom);
- a **permutation p-value** (two-sided): the juror's same/other labels shuffled among their
  own judgements, seeded by ``[checks] seed`` (each juror's own draws,
  :mod:`analytics.stats.randomness`), ``[checks] bootstrap_resamples`` times, and
  again :data:`REFINE_PERMUTATIONS` times for a juror whose p-value is then at most
  :data:`REFINE_BELOW` (sequential Monte Carlo: a small p-value needs many permutations to be
  resolved, a large one does not), ``p = (1 + #{|shuffled| >= |observed|}) / (1 + permutations)``;
- ``p_adjusted``: Benjamini–Hochberg across the jurors of each lane screened on the affiliation
  (jurors of several panels, ``all``, form their own family; :func:`adjust_by_lane`), so a
  lane's numbers are the same in a run of that lane alone and of the festival. The screen
  looks for the few jurors a chair should ask about, among many: the false discovery rate
  (the expected share of wrongly flagged jurors among the flagged) is the error that matters
  to a chair who reads each flag, and Holm's family-wise control would, on a panel of
  hundreds, hide every juror but the most extreme.

A declared conflict is the conflict checks' business (``coverage``): its judgements are left
out of the screen, which is for what was not declared. Festival-wide (``juror_id`` empty,
``lane`` ``all``): the pooled preference of the fixed-effects regression ``deviation ~ same +
juror`` (each juror's preference weighted by ``n_same n_other / n``) with its 95% interval, in a run
of the whole festival.

Flag ``affiliation_bias`` (warning) where ``p_adjusted <= [checks] effect_p_max``; flag
``affiliation_no_match`` (warning) when an affiliation is declared but no juror shares it with
an entry they judged (there is then nothing to screen).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import special  # Student's t as scipy.stats computes it (stdtrit, stdtr), without importing scipy.stats

from analytics.base import columns as col
from analytics.checks.family import CheckFamily
from analytics.checks.flags import Flag, FlagKind
from analytics.checks.severity import ALL_LANES
from analytics.checks.shared import Shared
from analytics.load.config import FestivalConfig
from analytics.load.festival import Festival
from analytics.stats.multiple_testing import adjust
from analytics.stats.randomness import juror_keys, uniforms

COLUMNS = [col.LANE, col.JUROR_ID, "affiliation", "n_same", "n_other", "preference", "ci_low", "ci_high", "p_value",
           "p_adjusted", "value"]

#: the flags this family raises
AFFILIATION_NO_MATCH = FlagKind("affiliation_no_match", "warning")
AFFILIATION_BIAS = FlagKind("affiliation_bias", "warning", about_juror=True)

#: a juror whose p-value after the first permutations is at most this gets REFINE_PERMUTATIONS more
REFINE_BELOW = 0.05
REFINE_PERMUTATIONS = 20_000
#: numbers held at once by the permutation sampler (chunks of permutations × judgements)
CHUNK_VALUES = 4_000_000
#: the stream of analytics.stats.randomness that the screen's shuffles draw from
STREAM = 7


def configured(config: FestivalConfig) -> bool:
    return bool(config.jury.affiliations)


def values_of(cells: pd.Series) -> pd.Series:
    """A table's affiliation cells as one value per row, ``;``-separated values split, blanks
    dropped, compared without case or surrounding spaces; indexed like ``cells`` (repeated)."""
    text = cells.astype("string").fillna("").str.split(";").explode().str.strip().str.casefold()
    return text[text != ""]


def deviations(data: Festival | Shared) -> pd.DataFrame:
    """Every judgement that has other jurors beside it: ``lane, round, entry_id, juror_id,
    deviation`` (the juror's total minus the others' mean, in points of the scale), declared
    conflicts left out, computed once per run. Cost: O(totals)."""
    shared = Shared.of(data)
    return shared.memo(("affiliation_deviations"), lambda: _deviations(shared))


def _deviations(shared: Shared) -> pd.DataFrame:
    t = shared.totals
    if t.empty:
        return pd.DataFrame(columns=[col.LANE, col.ROUND, col.ENTRY_ID, col.JUROR_ID, "deviation"])
    points = t[col.LANE].map({lane: sum(shared.config.criterion_weights(lane).values()) for lane in shared.lanes})
    x = t[col.SCORE].to_numpy(dtype=float) / points.to_numpy(dtype=float)
    if shared.config.scale.ranks:  # places: a better place is a preference, so the places are turned round
        x = -x
    keys = pd.MultiIndex.from_frame(t[[col.LANE, col.ROUND, *shared.festival.judgement]])
    group, _ = pd.factorize(keys)
    n = np.bincount(group)[group]
    total = np.bincount(group, weights=x)[group]
    with np.errstate(divide="ignore", invalid="ignore"):
        deviation = x - (total - x) / (n - 1)
    out = t[[col.LANE, col.ROUND, *shared.festival.judgement, col.JUROR_ID]].assign(deviation=deviation)[n >= 2]
    conflicts = shared.festival.conflicts
    if len(conflicts):
        declared = pd.MultiIndex.from_frame(conflicts[[col.JUROR_ID, col.ENTRY_ID]])
        out = out[~pd.MultiIndex.from_frame(out[[col.JUROR_ID, col.ENTRY_ID]]).isin(declared)]
    return out.reset_index(drop=True)


def shares(festival: Festival, pairs: pd.DataFrame, affiliation: str) -> np.ndarray:
    """For each row of ``pairs`` (``juror_id, entry_id``): whether juror and entry share a value of
    ``affiliation``. Cost: O(pairs + values), by one merge."""
    juror_values = values_of(festival.jurors.set_index(col.JUROR_ID)[affiliation])
    entry_values = values_of(festival.entries.set_index(col.ENTRY_ID)[affiliation])
    both = (pd.DataFrame({col.JUROR_ID: juror_values.index, "value": juror_values.to_numpy()})
            .merge(pd.DataFrame({col.ENTRY_ID: entry_values.index, "value": entry_values.to_numpy()}), on="value")
            [[col.JUROR_ID, col.ENTRY_ID]].drop_duplicates())
    if both.empty:
        return np.zeros(len(pairs), dtype=bool)
    return pd.MultiIndex.from_frame(pairs[[col.JUROR_ID, col.ENTRY_ID]]).isin(pd.MultiIndex.from_frame(both))


def subset_sums(d: np.ndarray, starts: np.ndarray, sizes: np.ndarray, picks: np.ndarray, keys: np.ndarray,
                n_perm: int, first: int = 0) -> np.ndarray:
    """For each group g (``d[starts[g]:starts[g] + sizes[g]]``, ``keys[g]`` its juror's key of
    :mod:`analytics.stats.randomness`) and each permutation ``first`` .. ``first + n_perm - 1``: the sum
    of ``d`` over ``picks[g]`` of the group's values drawn without replacement (n_perm × groups).
    A uniformly random subset, by the first ``picks[g]`` steps of a Fisher–Yates shuffle of each
    group, run for all groups and a chunk of permutations at once, each group on its juror's own
    draws. Cost: O(n_perm × sum(picks)) draws; the loop runs ``max(picks)`` steps, each over
    every group still drawing."""
    n_groups, n_values = len(starts), len(d)
    out = np.zeros((n_perm, n_groups))
    if n_groups == 0 or n_perm == 0 or picks.max(initial=0) == 0:
        return out
    order = np.argsort(-picks, kind="stable")  # groups drawing most first: step i's groups are a prefix
    still = np.searchsorted(-picks[order], -np.arange(picks.max()), side="left")  # how many groups have picks > step
    chunk = max(1, min(n_perm, CHUNK_VALUES // max(n_values, 1)))
    for begin in range(0, n_perm, chunk):
        b = min(chunk, n_perm - begin)
        shuffled = np.broadcast_to(np.arange(n_values), (b, n_values)).copy()
        rows = np.arange(b)[:, None]
        permutation = np.arange(first + begin, first + begin + b)[:, None]
        for step, active in enumerate(still):
            g = order[:active]
            here = starts[g] + step
            u = uniforms(keys[g][None, :], permutation, np.full((1, 1), step))
            there = here + (u * (sizes[g] - step)).astype(np.int64)
            chosen = shuffled[rows, there]
            shuffled[rows, there] = shuffled[rows, here]
            shuffled[rows, here] = chosen
            out[begin:begin + b, g] += d[chosen]
    return out


def _permutation_p(d: np.ndarray, same: np.ndarray, juror: np.ndarray, keys: np.ndarray, n_perm: int) -> np.ndarray:
    """Two-sided permutation p-value of each juror's preference (jurors coded 0..J-1, each with
    judgements of both kinds), in two stages (see the module notes)."""
    order = np.lexsort((~same, juror))
    d, same, juror = d[order], same[order], juror[order]
    n_j = np.bincount(juror)
    k = np.bincount(juror, weights=same).astype(np.int64)
    starts = np.concatenate(([0], np.cumsum(n_j)[:-1]))
    total = np.bincount(juror, weights=d)
    s_same = np.bincount(juror, weights=d * same)
    other = k > n_j - k  # draw the smaller side; the other side's sum is the rest
    picks = np.where(other, n_j - k, k)

    def preference(sum_same):
        return sum_same / k - (total - sum_same) / (n_j - k)

    observed = np.abs(preference(s_same)) * (1 - 1e-12)  # ties within rounding count as reached

    def exceed(groups, count, first):
        if not len(groups):
            return np.zeros(0)
        sub_n, sub_starts = n_j[groups], starts[groups]
        positions = np.concatenate(([0], np.cumsum(sub_n)[:-1]))
        index = np.repeat(sub_starts - positions, sub_n) + np.arange(sub_n.sum())  # the jurors' own rows
        drawn = subset_sums(d[index], positions, sub_n, picks[groups], keys[groups], count, first)
        sums = np.where(other[groups], total[groups] - drawn, drawn)
        pref = sums / k[groups] - (total[groups] - sums) / (n_j[groups] - k[groups])
        return (np.abs(pref) >= observed[groups]).sum(axis=0)

    everyone = np.arange(len(n_j))
    hits = exceed(everyone, n_perm, 0)
    p = (1 + hits) / (1 + n_perm)
    refine = everyone[p <= REFINE_BELOW]
    if len(refine):
        more = exceed(refine, REFINE_PERMUTATIONS, n_perm)
        p[refine] = (1 + hits[refine] + more) / (1 + n_perm + REFINE_PERMUTATIONS)
    return p


def adjust_by_lane(lane: pd.Series, p: np.ndarray) -> np.ndarray:
    """Benjamini–Hochberg (:func:`analytics.stats.multiple_testing.adjust`) within each lane (the jurors of
    one panel; ``all``: the jurors of several panels), so a lane's adjusted p-values are the same whether a run covers it alone or every lane."""
    out = np.full(len(p), np.nan)
    for at in pd.Series(np.arange(len(p))).groupby(np.asarray(lane)).indices.values():  # the lanes: a handful
        out[at] = adjust(p[at], method="bh")
    return out


def _screen(pairs: pd.DataFrame, same: np.ndarray, affiliation: str, lane: str, value_of: pd.Series,
            n_perm: int, seed: int, *, permute: bool = True) -> pd.DataFrame:
    """The rows of one family (the jurors of ``lane``, or ``all``: the jurors of several panels across
    their lanes) on ``pairs``, then the row pooled over them (``juror_id`` empty); ``permute=False``:
    the jurors' rows without their permutation p-values."""
    juror, jurors = pd.factorize(pairs[col.JUROR_ID], sort=True)
    d = pairs["deviation"].to_numpy(dtype=float)
    n_j = np.bincount(juror, minlength=len(jurors)).astype(float)
    k = np.bincount(juror, weights=same, minlength=len(jurors))
    s_same = np.bincount(juror, weights=d * same, minlength=len(jurors))
    s_all = np.bincount(juror, weights=d, minlength=len(jurors))
    ss_all = np.bincount(juror, weights=d * d, minlength=len(jurors))
    s_other, m = s_all - s_same, n_j - k
    both = (k >= 1) & (m >= 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        pref = s_same / k - s_other / m
        ss_same = np.bincount(juror, weights=d * d * same, minlength=len(jurors))
        within = (ss_same - s_same**2 / k) + (ss_all - ss_same - s_other**2 / m)  # around each side's own mean
        df = n_j - 2
        se = np.sqrt(np.maximum(within, 0) / df * (1 / k + 1 / m))
        half = special.stdtrit(df, 0.975) * se
    half = np.where(df >= 1, half, np.nan)
    p = np.full(len(jurors), np.nan)
    screened = np.flatnonzero(both)
    if len(screened) and permute:
        rows = both[juror]
        recode = np.cumsum(both) - 1
        keys = juror_keys(np.asarray(jurors)[screened], seed, STREAM)
        p[screened] = _permutation_p(d[rows], same[rows], recode[juror[rows]], keys, n_perm)
    out = pd.DataFrame({col.LANE: lane, col.JUROR_ID: np.asarray(jurors, dtype=object),
                        "affiliation": affiliation, "n_same": k.astype(int), "n_other": m.astype(int), "preference": pref,
                        "ci_low": pref - half, "ci_high": pref + half, "p_value": p,
                        "p_adjusted": np.nan, "value": value_of.reindex(jurors).to_numpy()})
    out = out[both].reset_index(drop=True)
    out["p_adjusted"] = adjust_by_lane(out[col.LANE], out["p_value"].to_numpy(dtype=float))
    return pd.concat([out, _pooled(len(d), affiliation, n_j, k, pref, ss_all, s_all).assign(**{col.LANE: lane})],
                     ignore_index=True)


def _pooled(n_ratings: int, affiliation: str, n_j, k, pref, ss_all, s_all) -> pd.DataFrame:
    """The festival-wide row: the fixed-effects estimate of ``deviation ~ same + C(juror)``."""
    m = n_j - k
    both = (k >= 1) & (m >= 1)
    weight = np.where(both, k * m / np.where(n_j > 0, n_j, 1), 0.0)  # each juror's sum of squares of `same` around its mean
    total_weight = weight.sum()
    s_xy = weight * np.where(both, pref, 0.0)  # per juror: sum of (same - mean)(deviation - mean) = w_j pref_j
    row = {col.LANE: ALL_LANES, col.JUROR_ID: "", "affiliation": affiliation, "n_same": int(k[both].sum()),
           "n_other": int(m[both].sum()), "preference": np.nan, "ci_low": np.nan, "ci_high": np.nan, "p_value": np.nan,
           "p_adjusted": np.nan, "value": ""}
    if total_weight > 0:
        beta = float(s_xy.sum() / total_weight)
        # residual sum of squares with juror means and one common slope; df = N - jurors - 1
        around_juror = ss_all - s_all**2 / np.where(n_j > 0, n_j, 1)
        rss = float(around_juror.sum() - 2 * beta * s_xy.sum() + beta**2 * total_weight)
        df = n_ratings - len(n_j) - 1
        if df >= 1:
            se = np.sqrt(max(rss, 0.0) / df / total_weight)
            half = float(special.stdtrit(df, 0.975) * se)
            t_value = beta / se if se > 0 else np.nan
            row.update(preference=beta, ci_low=beta - half, ci_high=beta + half,
                       p_value=float(2 * special.stdtr(df, -abs(t_value))) if np.isfinite(t_value) else np.nan)
        else:
            row.update(preference=beta)
    return pd.DataFrame([row])


def affiliation_table(data: Festival | Shared, *, lanes: list[str] | None = None) -> pd.DataFrame:
    """The screen (see the module notes): one row per juror screened on each affiliation (a juror
    with judgements of both kinds), then the festival-wide row, per affiliation; columns
    :data:`COLUMNS`. Cost: O(totals) for the preferences; the permutations
    O(resamples × sum over jurors of min(n_same, n_other)), in chunks."""
    shared = Shared.of(data, lanes)
    festival = shared.festival
    names = festival.config.jury.affiliations
    pairs = deviations(shared)
    if not names or pairs.empty:
        return pd.DataFrame(columns=COLUMNS)
    several = pairs.groupby(col.JUROR_ID)[col.LANE].nunique()
    several = pairs[col.JUROR_ID].map(several).to_numpy() > 1  # the judgements of jurors on several panels
    lanes_at = pairs.groupby(col.LANE, sort=False).indices
    checks = festival.config.checks
    order = {lane: i for i, lane in enumerate(festival.config.lane_ids)}
    frames = []
    for affiliation in names:  # the configured affiliations: a handful
        same = shares(festival, pairs, affiliation)
        values = festival.jurors.set_index(col.JUROR_ID)[affiliation].astype("string").fillna("").str.strip()

        def screen(at, lane, permute=True):
            return _screen(pairs.take(at), same[at], affiliation, lane, values, checks.bootstrap_resamples, checks.seed,
                           permute=permute)
        lanes = [screen(at, lane) for lane, at in sorted(lanes_at.items(), key=lambda item: order[item[0]])]
        across = [screen(np.flatnonzero(several), ALL_LANES)] if several.any() else []
        festival_wide = screen(np.arange(len(pairs)), ALL_LANES, permute=False).tail(1)  # each juror one person, every lane pooled
        rows = pd.concat([*lanes, *across], ignore_index=True)
        jurors = rows[rows[col.JUROR_ID] != ""]
        jurors = jurors.assign(_lane=jurors[col.LANE].map(order).fillna(len(order))).sort_values(
            [col.JUROR_ID, "_lane"], kind="stable").drop(columns="_lane")  # a juror's lanes, then across them
        pooled = rows[(rows[col.JUROR_ID] == "") & (rows[col.LANE] != ALL_LANES)]
        frames += [jurors, *([pooled] if len(festival.config.lane_ids) > 1 else []), festival_wide]
    out = pd.concat([f for f in frames if len(f)], ignore_index=True)[COLUMNS]
    if not shared.all_lanes:  # a run of some lanes (the chair explorer's): its lanes' rows, no festival-wide one
        out = out[out[col.LANE] != ALL_LANES].reset_index(drop=True)
    return out


def affiliation_flags(data: Festival | Shared, table: pd.DataFrame) -> list[Flag]:
    """``affiliation_bias`` for each juror whose preference stands after adjustment (in each lane
    the juror judges); ``affiliation_no_match`` per lane when an affiliation has nobody to screen."""
    shared = Shared.of(data)
    names, bar = shared.lane_names, shared.config.checks.effect_p_max
    pairs = deviations(shared)
    most = pairs.groupby([col.JUROR_ID, col.LANE]).size().sort_values(ascending=False, kind="stable").reset_index()
    main_lane = most.drop_duplicates(col.JUROR_ID).set_index(col.JUROR_ID)[col.LANE]  # where each juror judged most
    several_lanes = set(most.loc[most[col.JUROR_ID].duplicated(), col.JUROR_ID])
    flags = []
    for affiliation in shared.config.jury.affiliations:
        rows = table[(table["affiliation"] == affiliation) & (table[col.JUROR_ID] != "")]
        screened = set(rows[col.LANE])  # lanes with a juror screened
        for lane in shared.lanes:  # per lane, so a lane alone (the chair explorer) says what the whole run says
            if lane not in screened:
                flags.append(AFFILIATION_NO_MATCH.flag(lane,
                    f"{names[lane]}: festival.toml declares the affiliation '{affiliation}', but no juror of this lane "
                    f"shares a '{affiliation}' with an entry they scored (and scored others too): there is nothing to "
                    f"screen. Check the '{affiliation}' columns of jurors.csv and entries.csv.", item=affiliation))
        standing = rows[rows["p_adjusted"] <= bar]
        in_lane = set(zip(standing[col.JUROR_ID], standing[col.LANE]))
        for row in standing.itertuples(index=False):
            direction = "higher" if row.preference > 0 else "lower"
            across = row.lane == ALL_LANES  # a juror of several panels, every lane pooled
            lane = main_lane.get(row.juror_id) if across else row.lane
            if lane not in names or (across and (row.juror_id, lane) in in_lane):
                continue  # (in this lane the juror's own line is flagged already)
            where = " across the lanes they judge" if across else " in this lane" if row.juror_id in several_lanes else ""
            flags.append(AFFILIATION_BIAS.flag(lane,
                f"{names[lane]}: juror {row.juror_id} scored the {row.n_same} {_judgements(shared)} sharing their "
                f"{affiliation} ({row.value}){where} {abs(row.preference):.2f} points {direction} than the other jurors "
                f"did, compared with their other {row.n_other} {_judgements(shared)} (95% interval {row.ci_low:+.2f} to {row.ci_high:+.2f}; "
                f"permutation p {row.p_value:.4f}, {row.p_adjusted:.4f} after Benjamini–Hochberg across jurors). An "
                f"undeclared conflict of interest? Ask before relying on those scores.",
                juror_id=row.juror_id, item=affiliation, value=row.preference, threshold=bar))
    return flags


def _judgements(shared: Shared) -> str:
    return "performances" if shared.festival.has_performances else "entries"


FAMILY = CheckFamily("affiliation", affiliation_table, affiliation_flags,
                     kinds=(AFFILIATION_NO_MATCH, AFFILIATION_BIAS),
                     configured=configured,
                     output=True,
                     shows="sections/jurors.html.j2")
