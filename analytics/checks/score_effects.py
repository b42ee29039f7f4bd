"""What the lanes look like in AI participation and tools, and whether scores follow them.

The festival is tool-agnostic: a jury should neither reward nor punish a brand. For each
lane, :func:`score_effects` measures how entry scores move with the declared AI share
(Spearman's rho) and with each tool (mean score of the films that used it minus the
others'), each with a bootstrap interval over entries and a permutation p-value; tool
p-values are Holm-adjusted within the lane (:func:`analytics.stats.multiple_testing.adjust`). A tool
effect below ``[checks] effect_p_max`` after adjustment is a warning for the chair; an AI-share
trend is information.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.base import columns as col
from analytics.checks.family import CheckFamily, on_scores
from analytics.checks.flags import Flag, FlagKind
from analytics.checks.shared import Shared, lane_rng
from analytics.load.festival import Festival
from analytics.load.tools import TOOLS, tools_long
from analytics.stats.multiple_testing import adjust

EFFECT_COLUMNS = ["lane", "factor", "tool", "effect", "estimate", "ci_low", "ci_high", "p_value", "p_adjusted", "n_with",
                  "n_without"]

#: the flags this family raises
SCORE_FOLLOWS_AI_SHARE = FlagKind("score_follows_ai_share", "info")
TOOL_EFFECT = FlagKind("tool_effect", "warning")

MIN_GROUP = 3


def entry_tools(festival: Festival) -> pd.DataFrame:
    """One row per entry × tool: ``lane, entry_id, tool, spelling`` (festival tool names)."""
    tools = tools_long(festival.entries)
    lane = festival.entries.set_index(col.ENTRY_ID)[col.CATEGORY]
    return tools.assign(lane=tools[col.ENTRY_ID].map(lane))[[col.LANE, col.ENTRY_ID, "tool", "spelling"]]


def tool_usage(festival: Festival) -> pd.DataFrame:
    """Per lane and tool: how many entries used it and their share of the lane."""
    tools = entry_tools(festival)
    counts = tools.groupby([col.LANE, "tool"]).size().rename("n_entries").reset_index()
    lane_size = festival.entries[col.CATEGORY].value_counts()
    counts["share_of_lane"] = counts["n_entries"] / counts[col.LANE].map(lane_size).astype(float)
    order = {t: i for i, t in enumerate(TOOLS)}
    return counts.sort_values([col.LANE, "tool"], key=lambda s: s.map(order) if s.name == "tool" else s,
                              ignore_index=True)


def tools_per_entry(festival: Festival) -> pd.DataFrame:
    """``lane, entry_id, n_tools``: how many distinct tools each film orchestrates."""
    tools = entry_tools(festival)
    n = tools.groupby(col.ENTRY_ID).size()
    entries = festival.entries[[col.CATEGORY, col.ENTRY_ID]].rename(columns={col.CATEGORY: col.LANE})
    return entries.assign(n_tools=entries[col.ENTRY_ID].map(n).fillna(0).astype(np.int64)).reset_index(drop=True)


def _centred(ranks: np.ndarray) -> np.ndarray:
    return ranks - ranks.mean(axis=-1, keepdims=True)


def _rho(rx: np.ndarray, ry: np.ndarray) -> np.ndarray:
    """Pearson's correlation of each row of ``rx`` with the same row of ``ry`` (ranks: Spearman's rho)."""
    rx, ry = np.broadcast_arrays(_centred(rx), _centred(ry))
    dot = lambda a, b: np.einsum("...i,...i->...", a, b)  # noqa: E731 - row-wise sums of products, no temporary
    with np.errstate(invalid="ignore", divide="ignore"):
        return dot(rx, ry) / np.sqrt(dot(rx, rx) * dot(ry, ry))


def _ranks(values: np.ndarray) -> np.ndarray:
    """Average ranks (ties share the mean of their places), as ``scipy.stats.rankdata``."""
    return pd.Series(values).rank().to_numpy()


def _spearman_permuted(x: np.ndarray, y: np.ndarray, perms: np.ndarray) -> np.ndarray:
    """Spearman's rho of ``x`` with ``y`` permuted by each row of ``perms``: the ranks of a
    permutation are the permuted ranks, so ``y`` is ranked once. O(resamples × entries)."""
    return _rho(_ranks(x)[None, :], _ranks(y)[perms])


def _resampled_ranks(values: np.ndarray, draws: np.ndarray) -> np.ndarray:
    """The average ranks of ``values[draws[b]]`` within each resample b, without sorting any:
    a drawn value's rank is the number of draws below it plus half of (the draws equal to it,
    plus one), counted from each resample's multiplicities over the sorted distinct values.
    O(resamples × entries)."""
    codes, distinct = pd.factorize(values, sort=True)
    n_b, n_v = len(draws), len(distinct)
    drawn = codes[draws]
    equal = np.bincount((np.arange(n_b)[:, None] * n_v + drawn).ravel(), minlength=n_b * n_v).reshape(n_b, n_v)
    mid = np.cumsum(equal, axis=1) - (equal - 1) / 2  # per resample and distinct value: below + (equal + 1) / 2
    return np.take_along_axis(mid, drawn, axis=1)


def _spearman_resampled(x: np.ndarray, y: np.ndarray, draws: np.ndarray) -> np.ndarray:
    """Spearman's rho of the pairs (x, y) drawn by each row of ``draws`` (a bootstrap over entries)."""
    return _rho(_resampled_ranks(x, draws), _resampled_ranks(y, draws))


def _mean_difference(values: np.ndarray, used: np.ndarray) -> np.ndarray:
    """Mean of the users minus mean of the others, for each row of the 0/1 matrix ``used``."""
    n_with = used.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (used @ values) / n_with - ((1 - used) @ values) / (len(values) - n_with)


def score_effects(data: Festival | Shared, *, lanes: list[str] | None = None, n_resamples: int | None = None,
                  random_state: int | None = None) -> pd.DataFrame:
    """Per lane: does the official entry score move with AI share, or with any tool?

    Rows: ``factor = "ai_share"`` (``effect = "spearman_rho"``) and ``factor = "tool"`` with the
    tool's name in ``tool`` (``effect = "mean_difference"``, in score points) for each tool used by at least 3
    entries and not used by at least 3. Intervals: percentile bootstrap over entries;
    p-values: two-sided permutation tests (``(1 + #{|perm| >= |observed|}) / (1 + B)``);
    ``n_resamples`` and ``random_state`` default to ``[checks]``; each lane draws from its
    own generator (:func:`analytics.checks.shared.lane_rng`). Cost: O(resamples × entries) per lane
    and tool, vectorised.
    """
    shared = Shared.of(data, lanes)
    festival = shared.festival
    checks = festival.config.checks
    b = checks.bootstrap_resamples if n_resamples is None else n_resamples
    seed = checks.seed if random_state is None else random_state
    scores = shared.entry_scores.set_index(col.ENTRY_ID)[col.SCORE]
    share = festival.entries.set_index(col.ENTRY_ID)[col.AI_SHARE]
    lane_of = festival.entries.set_index(col.ENTRY_ID)[col.CATEGORY]
    tools = entry_tools(festival)
    rows = []
    for done, lane in enumerate(shared.lanes):
        shared.part(done, len(shared.lanes), lane)
        rng = lane_rng(seed, lane)
        ids = scores.index[(lane_of.reindex(scores.index) == lane).to_numpy()]
        ids = ids[share.reindex(ids).notna().to_numpy()]
        if len(ids) < 2 * MIN_GROUP:
            continue
        y = scores.loc[ids].to_numpy()
        x = share.loc[ids].to_numpy()
        n = len(ids)
        observed = float(_rho(_ranks(x), _ranks(y)))
        perms = np.argsort(rng.random((b, n)), axis=1)
        null = _spearman_permuted(x, y, perms)
        boot = rng.integers(0, n, size=(b, n))
        low, high = np.nanquantile(_spearman_resampled(x, y, boot), [0.025, 0.975])
        p = (1 + np.sum(np.abs(null) >= abs(observed) - 1e-12)) / (1 + b)
        rows.append([lane, "ai_share", "", "spearman_rho", observed, low, high, p, p, n, 0])
        lane_tools = tools[tools[col.ENTRY_ID].isin(ids)]
        tool_rows = []
        position = pd.Index(ids)
        # once per lane, so that each tool costs a few matrix-vector products, O(resamples × entries):
        # a permuted score sum over a tool's users is sum_j used_j y[inverse_b(j)], and a resample is
        # each entry's multiplicity
        inverse = np.empty_like(perms)  # each permutation's inverse, by one scatter rather than a sort
        np.put_along_axis(inverse, perms, np.broadcast_to(np.arange(n), perms.shape), axis=1)
        permuted_y = y[inverse]
        drawn = np.bincount((np.arange(b)[:, None] * n + boot).ravel(), minlength=b * n).reshape(b, n).astype(float)
        drawn_total = drawn @ y
        # every tool of the lane at once: one matrix of users (entries × tools), so the permuted and
        # resampled sums are three matrix products, not three per tool
        names, users = [], []
        for tool, group in lane_tools.groupby("tool", sort=True):
            used = np.zeros(n)
            used[position.get_indexer(group[col.ENTRY_ID].unique())] = 1.0
            k = int(used.sum())
            if MIN_GROUP <= k <= n - MIN_GROUP:
                names.append(tool)
                users.append(used)
        if names:
            used = np.array(users).T  # entries × tools
            k = used.sum(axis=0)
            observed = (y @ used) / k - (y.sum() - y @ used) / (n - k)
            with_sum = permuted_y @ used  # resamples × tools
            null = with_sum / k - (y.sum() - with_sum) / (n - k)
            n_with, boot_with = drawn @ used, drawn @ (used * y[:, None])
            with np.errstate(invalid="ignore", divide="ignore"):
                diffs = boot_with / n_with - (drawn_total[:, None] - boot_with) / (n - n_with)
            lows, highs = np.nanquantile(diffs, [0.025, 0.975], axis=0)
            ps = (1 + np.sum(np.abs(null) >= np.abs(observed) - 1e-12, axis=0)) / (1 + b)
            for t, tool in enumerate(names):
                tool_rows.append([lane, "tool", tool, "mean_difference", float(observed[t]), lows[t], highs[t], ps[t],
                                  np.nan, int(k[t]), n - int(k[t])])
        if tool_rows:
            adjusted = adjust(np.array([r[7] for r in tool_rows]), method="holm")
            for r, a in zip(tool_rows, adjusted):
                r[8] = a
        rows.extend(tool_rows)
    return pd.DataFrame(rows, columns=EFFECT_COLUMNS)


def effect_flags(data: Festival | Shared, effects: pd.DataFrame) -> list[Flag]:
    """A warning for each tool whose films score differently (Holm-adjusted p below
    ``effect_p_max``); information for a trend of scores with AI share."""
    shared = Shared.of(data)
    bar = shared.config.checks.effect_p_max
    names = shared.lane_names
    flags = []
    for row in effects.itertuples(index=False):
        if row.p_adjusted >= bar:
            continue
        if row.factor == "ai_share":
            flags.append(SCORE_FOLLOWS_AI_SHARE.flag(row.lane,
                                   f"{names[row.lane]}: scores move with the declared AI share (Spearman's rho "
                                   f"{row.estimate:.2f}, 95% interval {row.ci_low:.2f} to {row.ci_high:.2f}, "
                                   f"permutation p = {row.p_value:.3f}).", item=col.AI_SHARE, value=row.p_value,
                                   threshold=bar))
        else:
            tool = row.tool
            direction = "higher" if row.estimate > 0 else "lower"
            flags.append(TOOL_EFFECT.flag(row.lane,
                                   f"{names[row.lane]}: films made with {tool} score {abs(row.estimate):.2f} points "
                                   f"{direction} than the others (95% interval {row.ci_low:.2f} to {row.ci_high:.2f}; "
                                   f"Holm-adjusted permutation p = {row.p_adjusted:.3f}). The festival is "
                                   "tool-agnostic: check that the jury is.", item=tool, value=row.p_adjusted,
                                   threshold=bar))
    return flags


FAMILY = CheckFamily("score_effects", score_effects, effect_flags,
                     configured=on_scores, columns=tuple(EFFECT_COLUMNS), kinds=(SCORE_FOLLOWS_AI_SHARE, TOOL_EFFECT),
                     output=True,
                     public=True,
                     shows="sections/tools.html.j2")
