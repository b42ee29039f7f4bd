"""Jurors (and juries) who agree too well: the collusion screen (design section 15), on any scale.

Per lane and round, on the jurors' weighted totals (on a rank scale, their places), the screen of
:mod:`analytics.stats.collusion`: each juror's departures from the panel's consensus, and

- per **pair** of jurors who judged at least ``[checks] collusion_min_common`` entries in common (where
  the lane has juries of juries, ``jurors.csv`` ``jury``: the pairs within a jury), the correlation of
  their departures against the permutation null that they agree as two jurors of the panel drawn at
  random do, with Benjamini–Hochberg over the lane's pairs;
- per **jury** (where the lane has juries), its jurors' pooled agreement on their departures against
  juries of the same size drawn from the panel (permutation), with Benjamini–Hochberg over the
  juries, and a robust z against the other juries' agreement (median and MAD).

Flag ``collusion_suspected`` (warning) names the pair or the jury where the adjusted p-value is at most
``[checks] collusion_fdr`` and, so that a panel whose every pair (or jury) agrees a little more than
chance is not flagged wholesale, the agreement also stands out among the lane's: a robust z of at least
:data:`STANDS_OUT` against the other pairs (where there are :data:`FEW` or more) or juries. The flag is
not repeated on a juror's feedback page: it names another juror.

``collusion.csv``: ``lane, round, level`` (``pair`` or ``jury``), ``jury``, ``juror_a``, ``juror_b``
(the pair; empty for a jury), ``n_entries``, ``agreement`` (on departures), ``agreement_marks`` (the
correlation of the pair's own marks), ``typical`` (the median of the lane's pairs, or of the other
juries), ``z``, ``p``, ``q`` and ``flagged``. Each lane and round draws from its own generator.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.base import columns as col
from analytics.checks.family import CheckFamily
from analytics.checks.flags import Flag, FlagKind, in_round
from analytics.checks.residuals import MAD_TO_SD
from analytics.checks.shared import Shared, lane_rng
from analytics.load.festival import Festival
from analytics.rules.ranked import juries_of
from analytics.rules.scoring import WEIGHTED_TOTAL
from analytics.stats.collusion import residuals, screen_groups, screen_pairs
from analytics.stats.multiple_testing import adjust

COLLUSION_COLUMNS = ["lane", "round", "level", "jury", "juror_a", "juror_b", "n_entries", "agreement",
                     "agreement_marks", "typical", "z", "p", "q", "flagged"]

#: the flag this family raises
COLLUSION_SUSPECTED = FlagKind("collusion_suspected", "warning")
#: a flagged pair's or jury's agreement stands this far (robust z) above the lane's others
STANDS_OUT = 3.0
#: the robust z guards pairs only where the lane has this many pairs or more
FEW = 10


def _robust_z(values: np.ndarray, others: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Each value's robust z against ``others`` (default: all values; with ``others`` a boolean
    matrix, against the values it marks for each): (value − median) / (1.4826 MAD), and the median."""
    if others is None:
        median = np.nanmedian(values) if np.isfinite(values).any() else np.nan
        mad = MAD_TO_SD * np.nanmedian(np.abs(values - median)) if np.isfinite(values).any() else np.nan
        with np.errstate(invalid="ignore", divide="ignore"):
            return (values - median) / mad, np.full(len(values), median)
    z, typical = np.full(len(values), np.nan), np.full(len(values), np.nan)
    for i in range(len(values)):  # a few dozen juries: each against the others
        rest = values[others[i]]
        rest = rest[np.isfinite(rest)]
        if len(rest) < 2:
            continue
        typical[i] = np.median(rest)
        mad = MAD_TO_SD * np.median(np.abs(rest - typical[i]))
        z[i] = (values[i] - typical[i]) / mad if mad > 0 else np.inf * np.sign(values[i] - typical[i])
    return z, typical


def collusion(data: Festival | Shared, *, lanes: list[str] | None = None) -> pd.DataFrame:
    """The screen of every lane and round (see the module notes): one row per screened pair and jury."""
    shared = Shared.of(data, lanes)
    checks = shared.config.checks
    frames = []
    for lane, rnd in shared.stages:
        ratings = shared.coded(lane, WEIGHTED_TOTAL, rnd)
        if not len(ratings.value):
            continue
        rng = lane_rng(checks.seed, f"collusion:{lane}:{rnd}")
        res = residuals(ratings.unit, ratings.rater, ratings.value)
        juries = juries_of(shared.panels(lane).values(), ratings.raters)
        group = juries[0] if juries is not None else None
        pairs = screen_pairs(res, group=group, min_common=checks.collusion_min_common,
                             permutations=checks.collusion_permutations, rng=rng)
        q = adjust(pairs.p, method="bh") if len(pairs.p) else pairs.p
        z, typical = _robust_z(pairs.r)
        stands = (z >= STANDS_OUT) if len(pairs.r) >= FEW else np.ones(len(pairs.r), dtype=bool)
        names = ratings.raters
        frames.append(pd.DataFrame({
            "lane": lane, "round": rnd, "level": "pair",
            "jury": np.asarray(juries[1])[group[pairs.a]] if juries is not None else "",
            "juror_a": np.asarray(names)[pairs.a], "juror_b": np.asarray(names)[pairs.b], "n_entries": pairs.n,
            "agreement": pairs.r, "agreement_marks": pairs.r_marks, "typical": typical, "z": z, "p": pairs.p, "q": q,
            "flagged": (q <= checks.collusion_fdr) & stands}))
        if juries is not None and len(juries[1]) >= 2:
            groups = screen_groups(res, group, permutations=checks.collusion_permutations, rng=rng)
            screened = groups.n > 0
            a = groups.agreement
            others = ~np.eye(len(a), dtype=bool) & screened[None, :]
            gz, gtyp = _robust_z(a, others)
            gq = np.full(len(a), np.nan)
            gq[screened] = adjust(groups.p[screened], method="bh")
            frames.append(pd.DataFrame({
                "lane": lane, "round": rnd, "level": "jury", "jury": juries[1], "juror_a": "", "juror_b": "",
                "n_entries": groups.n, "agreement": a, "agreement_marks": np.nan, "typical": gtyp, "z": gz,
                "p": groups.p, "q": gq, "flagged": (gq <= checks.collusion_fdr) & (gz >= STANDS_OUT)})[screened])
    if not frames:
        return pd.DataFrame(columns=COLLUSION_COLUMNS)
    return pd.concat(frames, ignore_index=True)[COLLUSION_COLUMNS]


def _p(p: float) -> str:
    return f"p = {p:.3f}" if p >= 0.001 else f"p = {p:.1e}"


def collusion_flags(data: Festival | Shared, table: pd.DataFrame) -> list[Flag]:
    """``collusion_suspected`` for each flagged pair and jury (see the module notes)."""
    shared = Shared.of(data)
    names = shared.lane_names
    flags = []
    for row in table[table["flagged"].astype(bool)].to_dict("records"):
        where = f"{names[row['lane']]}{in_round(row['round'])}"
        if row["level"] == "pair":
            within = f" (jury {row['jury']})" if row["jury"] else ""
            flags.append(COLLUSION_SUSPECTED.flag(row["lane"],
                f"{where}: jurors {row['juror_a']} and {row['juror_b']}{within} agree far beyond the panel: where they "
                f"depart from the panel's consensus they depart alike (correlation {row['agreement']:.2f} over "
                f"{row['n_entries']} entries, where the lane's pairs sit at {row['typical']:.2f}; permutation "
                f"{_p(row['p'])}, {row['q']:.3f} after Benjamini–Hochberg). Ask whether their marks were settled "
                "together before the vote.", juror_id=row["juror_a"], item=row["juror_b"], round=row["round"],
                value=row["agreement"], threshold=row["typical"]))
        else:
            flags.append(COLLUSION_SUSPECTED.flag(row["lane"],
                f"{where}: the jury {row['jury']} agrees within itself far beyond the other juries: its jurors depart "
                f"from the panel's consensus alike (agreement {row['agreement']:.2f} over {row['n_entries']} entries, "
                f"where the other juries sit at {row['typical']:.2f}; permutation {_p(row['p'])}, {row['q']:.3f} after "
                "Benjamini–Hochberg). Ask whether its votes were settled together before the vote.",
                item=row["jury"], round=row["round"], value=row["agreement"], threshold=row["typical"]))
    return flags


FAMILY = CheckFamily("collusion", collusion, collusion_flags, kinds=(COLLUSION_SUSPECTED,), output=True,
                     shows="sections/collusion.html.j2")
