"""Agreement of a festival's panels: per lane, per criterion and on the weighted total.

Builds the tidy agreement table that ``jury check`` writes as ``agreement.csv``, each
juror's effect on alpha (alpha with the juror left out), agreement within and between the
jury's factions, the flags for criteria below the configured bar, and a plain-language
reading of the result.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.base import columns as col
from analytics.stats.additive import DENSE_MAX_RATERS
from analytics.load.festival import Festival
from analytics.checks.family import CheckFamily
from analytics.checks.flags import Flag, FlagKind, in_round
from analytics.rules.scoring import WEIGHTED_TOTAL
from analytics.checks.shared import Shared
from analytics.stats.agreement.alpha import interval_alpha_without_each, krippendorff_alpha
from analytics.stats.agreement.icc import icc
from analytics.stats.agreement.ranks import kendall_w
from analytics.stats.agreement.results import ICC_BANDS, band

TABLE_COLUMNS = ["lane", "round", "scope", "statistic", "estimate", "ci_low", "ci_high", "band", "n_units", "n_raters",
                 "n_ratings", "p_value", "reason"]

#: the flags this family raises
AGREEMENT_UNDEFINED = FlagKind("agreement_undefined", "info")
AGREEMENT_LOW = FlagKind("agreement_low", "warning")

#: statistic name in the table -> what it is
STATISTICS = {
    "alpha_interval": "Krippendorff's alpha, interval",
    "alpha_ordinal": "Krippendorff's alpha, ordinal",
    "icc_a1": "ICC(A,1): one juror's score, absolute agreement (ICC2)",
    "icc_ak": "ICC(A,k): the panel's mean score, absolute agreement (ICC2k)",
    "kendall_w": "Kendall's W over the jurors' rankings",
}
BETWEEN_FACTIONS = "between factions"


def scope_ratings(data: Festival | Shared, lane: str, scope: str) -> pd.DataFrame:
    """The long table (``entry_id, juror_id, score``) of one lane on one criterion or the total."""
    return Shared.of(data).ratings(lane, scope)


def _settings(festival: Festival, n_boot: int | None, random_state: int | None) -> tuple[int, int]:
    checks = festival.config.checks
    return (checks.bootstrap_resamples if n_boot is None else n_boot,
            checks.seed if random_state is None else random_state)


def _row(lane: str, rnd: str, scope: str, statistic: str, result, p_value: float = float("nan")) -> list:
    return [lane, rnd, scope, statistic, result.estimate, result.ci_low, result.ci_high, result.band, result.n_units,
            result.n_raters, result.n_ratings, p_value, result.reason]


#: an incomplete design's ICC interval is bootstrapped while resamples × ratings stays within
#: this, or when the panel is small (every resample's juror system then solves in a few steps)
ICC_BOOTSTRAP_MAX = 2_000_000
NO_ICC_INTERVAL = ("no interval: on an incomplete design this large the ICC's bootstrap would solve one "
                   "sparse system per resample (too slow); alpha's interval covers agreement here")


PREVIEW_NO_INTERVAL = "no interval in a what-if preview: no flag reads it (jury check computes it)"


#: why a design in which every juror scored one entry has no ICC(A,1) and ICC(A,k)
ONE_EACH_NO_ICC = ("does not apply: each juror scored one entry, so a juror's own leniency cannot be told apart "
                   "from the entry's merit (the two-way ICC's juror variance needs jurors who score several entries); "
                   "alpha applies")


def icc_bootstrap_affordable(ratings, n_boot: int) -> bool:
    """Whether :func:`agreement_table` bootstraps the ICC of an incomplete design: a panel of at
    most ``DENSE_MAX_RATERS`` jurors (solved all at once), or resamples × ratings within
    :data:`ICC_BOOTSTRAP_MAX`. Beyond that each resample's juror system is a large sparse
    solve that conjugate gradients need hundreds of steps for (see
    :func:`analytics.stats.agreement.icc._bootstrap_large`): at conference scale (2,000 jurors per
    lane, 32,000 ratings) about 100 s per criterion. The estimate is kept; the interval is
    NaN with :data:`NO_ICC_INTERVAL` as its reason."""
    return ratings.n_raters <= DENSE_MAX_RATERS or n_boot * len(ratings) <= ICC_BOOTSTRAP_MAX


def agreement_table(data: Festival | Shared, *, lanes: list[str] | None = None, n_boot: int | None = None,
                    random_state: int | None = None) -> pd.DataFrame:
    """Every lane (or each of ``lanes``) × scope × statistic (see :data:`STATISTICS`) with
    intervals and bands.

    Intervals: alpha by a bootstrap over entries; ICC by F on complete designs and by the
    bootstrap on incomplete ones; ``n_boot`` and ``random_state`` default to the
    ``[checks]`` of ``festival.toml``, so the same inputs give the same table. In a what-if
    preview (:attr:`analytics.checks.shared.Shared.preview`) the bootstrap intervals that no flag
    reads (ordinal alpha's, an incomplete design's ICC) are left out, with
    :data:`PREVIEW_NO_INTERVAL` as the ICC's reason; the estimates and interval alpha's
    interval (in the low-agreement flag) are as in a full run.
    """
    shared = Shared.of(data, lanes)
    n_boot, seed = _settings(shared.festival, n_boot, random_state)
    rows = []
    parts = sum(len(shared.scopes(lane)) for lane, _ in shared.stages)
    for lane, rnd in shared.stages:
        for scope in shared.scopes(lane):
            shared.part(len(rows) // 5, parts, f"{lane}{in_round(rnd)}: {scope}")
            ratings = shared.coded(lane, scope, rnd)
            rows.append(_row(lane, rnd, scope, "alpha_interval", krippendorff_alpha(ratings, n_boot=n_boot, random_state=seed)))
            rows.append(_row(lane, rnd, scope, "alpha_ordinal",
                             krippendorff_alpha(ratings, level="ordinal", n_boot=0 if shared.preview else n_boot,
                                                random_state=seed)))
            if shared.one_entry_each(lane, scope, rnd):
                for name in ("icc_a1", "icc_ak"):
                    rows.append([lane, rnd, scope, name, np.nan, np.nan, np.nan, "", ratings.n_units, ratings.n_raters,
                                 len(ratings), np.nan, ONE_EACH_NO_ICC])
                w = kendall_w(ratings)
                rows.append(_row(lane, rnd, scope, "kendall_w", w, w.details.get("p_value", float("nan"))))
                continue
            complete = len(ratings) == ratings.n_units * ratings.n_raters
            resampled = not complete and not shared.preview and icc_bootstrap_affordable(ratings, n_boot)
            result = icc(ratings, n_boot=n_boot if resampled else 0, random_state=seed)
            reason = result.reason or ("" if complete or resampled or np.isnan(result.estimate)
                                       else PREVIEW_NO_INTERVAL if shared.preview else NO_ICC_INTERVAL)
            forms = dict(zip(result.table["form"], result.table[["estimate", "ci_low", "ci_high", "p_value"]].to_numpy()))
            for form, name in (("ICC2", "icc_a1"), ("ICC2k", "icc_ak")):
                estimate, low, high, p_value = forms[form]
                rows.append([lane, rnd, scope, name, estimate, low, high, band(float(estimate), ICC_BANDS),
                             result.n_units, result.n_raters, result.n_ratings, p_value, reason])
            w = kendall_w(ratings)
            rows.append(_row(lane, rnd, scope, "kendall_w", w, w.details.get("p_value", float("nan"))))
    return pd.DataFrame(rows, columns=TABLE_COLUMNS)


def alpha_if_removed(data: Festival | Shared, *, lanes: list[str] | None = None,
                     scopes: list[str] | None = None) -> pd.DataFrame:
    """For each lane, scope and juror: interval alpha with and without that juror.

    Columns ``lane, scope, juror_id, alpha, alpha_without, change`` (``change`` =
    without − with: positive when the panel agrees better without the juror).
    """
    shared = Shared.of(data, lanes)
    rows = []
    for lane, rnd in shared.stages:
        for scope in scopes or shared.scopes(lane):
            ratings = shared.coded(lane, scope, rnd)  # jurors in sorted id order
            alpha = krippendorff_alpha(ratings).estimate
            for juror, without in zip(ratings.raters, interval_alpha_without_each(ratings)):
                rows.append([lane, rnd, scope, juror, alpha, without, without - alpha])
    return pd.DataFrame(rows, columns=["lane", "round", "scope", col.JUROR_ID, "alpha", "alpha_without", "change"])


def faction_agreement(festival: Festival | Shared, *, n_boot: int | None = None, random_state: int | None = None) -> pd.DataFrame:
    """Interval alpha within each faction of a panel, and between factions.

    *Between factions* treats each faction as one rater whose score for an entry is the
    mean of its jurors' scores: do the art, technology, ethics and community members, as
    groups, rank the entries alike? Columns ``lane, scope, group, estimate, ci_low,
    ci_high, band, n_raters, n_units, reason``. A faction with one juror in a lane has no
    within-faction agreement (NaN with the reason).
    """
    shared = Shared.of(festival)
    n_boot, seed = _settings(shared.festival, n_boot, random_state)
    faction_of = shared.festival.jurors.set_index(col.JUROR_ID)[col.FACTION]
    rows = []
    for lane, rnd in shared.stages:
        for scope in shared.scopes(lane):
            ratings = shared.ratings(lane, scope, rnd)
            ratings = ratings.assign(faction=ratings[col.JUROR_ID].map(faction_of).fillna("(none)"))
            for faction, group in ratings.groupby("faction", sort=True):
                r = krippendorff_alpha(group, n_boot=n_boot, random_state=seed)
                rows.append([lane, rnd, scope, faction, r.estimate, r.ci_low, r.ci_high, r.band, r.n_raters, r.n_units, r.reason])
            means = ratings.groupby([*shared.festival.judgement, "faction"], as_index=False)[col.SCORE].mean()
            r = krippendorff_alpha(means, rater="faction", n_boot=n_boot, random_state=seed)
            rows.append([lane, rnd, scope, BETWEEN_FACTIONS, r.estimate, r.ci_low, r.ci_high, r.band, r.n_raters, r.n_units,
                         r.reason])
    return pd.DataFrame(rows, columns=["lane", "round", "scope", "group", "estimate", "ci_low", "ci_high", "band", "n_raters",
                                       "n_units", "reason"])


def bar_statistic(config) -> str:
    """The alpha the bar reads, and every reader of agreement beside it (the flag, the summary, the report):
    interval alpha on a score scale; ordinal alpha on a rank scale, whose places are ordered, not spaced."""
    return "alpha_ordinal" if config.scale.ranks else "alpha_interval"


def agreement_flags(data: Festival | Shared, table: pd.DataFrame) -> list[Flag]:
    """A warning for each lane × scope whose interval alpha (ordinal on a rank scale) is below
    ``checks.agreement_min_alpha``;
    information when alpha cannot be computed."""
    shared = Shared.of(data)
    bar = shared.config.checks.agreement_min_alpha
    names = shared.lane_names
    labels = {c.id: c.label for c in shared.config.criteria} | {WEIGHTED_TOTAL: "the weighted total"}
    flags = []
    alphas = table[table["statistic"] == bar_statistic(shared.config)]
    for row in alphas.itertuples(index=False):
        what = labels[row.scope] if row.scope == WEIGHTED_TOTAL else f"'{labels[row.scope]}'"
        if np.isnan(row.estimate):
            flags.append(AGREEMENT_UNDEFINED.flag(row.lane,
                                   f"{names[row.lane]}{in_round(row.round)}: agreement on {what} cannot be computed "
                                   f"({row.reason}).", threshold=bar, round=row.round, **_scope_subject(row.scope)))
        elif row.estimate < bar:
            interval = f" (95% interval {row.ci_low:.2f} to {row.ci_high:.2f})" if not np.isnan(row.ci_low) else ""
            flags.append(AGREEMENT_LOW.flag(row.lane,
                f"{names[row.lane]}{in_round(row.round)}: the jurors agree too little on {what}: Krippendorff's alpha {row.estimate:.2f}"
                f"{interval} is below the bar of {bar:.3g}. Look at which jurors pull it down before relying on it.",
                value=row.estimate, threshold=bar, round=row.round, **_scope_subject(row.scope)))
    return flags


def _scope_subject(scope: str) -> dict[str, str]:
    """A flag's subject for a scope: the criterion, or (the weighted total is no criterion) the scope as ``item``."""
    return {"item": scope} if scope == WEIGHTED_TOTAL else {"criterion": scope}


def agreement_reading(festival: Festival, table: pd.DataFrame, removed: pd.DataFrame) -> str:
    """A short plain-language reading of the agreement, per lane, in Markdown."""
    bar = festival.config.checks.agreement_min_alpha
    labels = {c.id: c.label for c in festival.config.criteria}
    lines = []
    first = festival.config.round_ids[0]  # every entry takes part in the first round
    table = table[table["round"] == first] if "round" in table else table
    removed = removed[removed["round"] == first] if "round" in removed else removed
    for lane in festival.config.lanes:
        alphas = table[(table["lane"] == lane.id) & (table["statistic"] == bar_statistic(festival.config))].set_index("scope")
        if alphas.empty or np.isnan(alphas.loc[WEIGHTED_TOTAL, "estimate"]):
            reason = alphas["reason"].iloc[0] if len(alphas) else "no scores"
            lines.append(f"- **{lane.name}**: agreement cannot be computed ({reason}).")
            continue
        per_criterion = alphas.drop(index=WEIGHTED_TOTAL)["estimate"]
        total = alphas.loc[WEIGHTED_TOTAL]
        low = per_criterion[per_criterion < bar]
        text = (f"- **{lane.name}**: on the weighted total, alpha is {total['estimate']:.2f} "
                f"({total['band']}; Krippendorff's bar is {bar:.3g}). ")
        if per_criterion.empty:
            text += "The lane scores one criterion: the total is that score. "
        elif low.empty:
            text += "Every criterion clears the bar. "
        else:
            worst = low.idxmin()
            text += (f"{len(low)} of {len(per_criterion)} criteria fall below it; the weakest is "
                     f"'{labels[worst]}' ({low[worst]:.2f}). ")
        lane_removed = removed[(removed["lane"] == lane.id) & (removed["scope"] == WEIGHTED_TOTAL)]
        helpful = lane_removed[lane_removed["change"] > 0.05].sort_values("change", ascending=False)
        if not helpful.empty:
            who = ", ".join(f"{j} (+{c:.2f})" for j, c in zip(helpful[col.JUROR_ID], helpful["change"]))
            text += f"Leaving out {who} would raise it the most: look at these jurors' scores first."
        else:
            text += "No single juror moves it by more than 0.05."
        lines.append(text)
    return "\n".join(lines)


FAMILY = CheckFamily("agreement", agreement_table, agreement_flags,
                     kinds=(AGREEMENT_UNDEFINED, AGREEMENT_LOW),
                     output=True,
                     public=True,
                     shows="sections/agreement.html.j2")
