"""Assessed AI participation (design section 17) in many shapes, through every command.

Random festivals: one to three lanes, only some with a minimum (``ai_share_min``) and only some assessed, one
possibly not in competition; 3 to 15 entries a lane; 2 to 6 dimensions with drawn weights; 1 to 8 assessors a
lane (verifiers, and jurors who also score); complete designs and designs where assessors skip entries or
dimensions, entries with one assessor and entries with none; shares spread, near the line, clustered at 0 and 100
or all equal, in quarter points; a planted lenient or severe assessor; declared shares close to and far from the
assessed ones; ids with spaces, ``:`` and Chinese characters. Each is loaded, gated, summarised, checked by the
CLI, explored (Explorer and ExplorerApp), given feedback pages and, for some, its report; every step runs with
warnings as errors.

Properties (recomputed here from the drawn shares, with plain numpy, scipy's t and fractions; never with the
package's own functions):

- the table has one row per assessed (entry, dimension) and one blend per assessed entry; every interval lies in
  0-100 and holds its mean, none exists with fewer than two assessors; ``p_eligible`` in [0, 1] (NaN without a
  minimum or a complete assessor; 1 or 0 where every resampled panel must, or cannot, reach the line);
- on a complete design each cell's assessed share is its plain mean + median(m) − mean(m), m the assessors' mean
  shares (derived in :func:`expected_complete`), in fractions; on any connected design the leans, means, intervals
  and blends match an independent dense least-squares fit; where every assessor's blend is exactly the same, the
  line is judged on the exact value;
- ``ai_share_assessed_below`` / ``ai_share_uncertain`` exactly on the entries in competition (lane with a minimum,
  in competition, an interval) wholly below / across the line; ``disclosure_disputed`` where the declared share lies
  more than ``dispute_margin`` outside; ``assessment_missing`` once per lane with assessments or a minimum, listing
  by why exactly the entries without an interval; ``assessor_lean`` exactly where the lean is 5 points from the
  median assessor's and its interval clear of it; a planted lenient (severe) assessor leans up (down);
- after the chair disqualifies an assessed entry, all of the above again without it;
- ``jury check`` exits 0 or 1 as the gate says and writes the tables; its summary gives, per lane, the entries the
  evidence puts below, across and above the line, and every ai_share blocker;
- the Explorer's panel of each entry agrees with the gate's table and the drawn shares; the ExplorerApp lists each
  lane's entries once, flagged first, and each entry's page names its assessors and no one else;
- one feedback page per juror and assessor, an assessor's naming no one else; the public report names no juror or
  assessor (as text, escaped, in chart data or in a drawing) and counts the entries as the evidence does.

The failures this test found are kept at the end, each as the smallest festival that showed it: an assessed lane
without a minimum (the flags crashed), every assessor exactly at the line (the float blend fell 1e-14 under it),
a lenient assessor at a share of 0 (the mean left 0-100 and its interval), two ids differing in punctuation only
(their feedback pages shared a file).
"""

from __future__ import annotations

import base64
import html
import json
import os
import re
import warnings
from contextlib import contextmanager
from fractions import Fraction
from pathlib import Path
from statistics import median

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from scipy import stats

from analytics import load_festival
from analytics.apps.cli import main
from analytics.apps.explorer import Explorer
from analytics.apps.explorer_app import ExplorerApp
from analytics.gate.decisions import run_gate
from analytics.present.feedback import write_feedback
from analytics.present.summary import summary_text

from .conftest import write_folder as write

DIMENSIONS = ("writing", "direction", "generation", "editing", "sound", "finishing")
MODES = ("spread", "near_min", "clustered", "equal")
LEAN_MAX = 5.0  # points of share from the median assessor (analytics.checks.assessed's notes)
DISPUTE_MARGIN = 3.0  # [participation] dispute_margin, default
BOOT = 200  # [checks] bootstrap_resamples
#: examples of the random test (a fixed few, for about a minute on two cores; more to hunt: the environment variable)
EXAMPLES = int(os.environ.get("ASSESSED_SHAPES_EXAMPLES", "5"))


def quarter(x) -> float:
    return float(np.clip(np.round(np.asarray(x, dtype=float) * 4) / 4, 0, 100))


# --- the random festivals ---------------------------------------------------------------------------------------

@st.composite
def lanes_spec(draw, index: int):
    """One lane's shape (what the writer needs to lay it out)."""
    tag = "ABC"[index]
    assessed = draw(st.booleans()) if index else True  # the first lane is always assessed
    n_entries = draw(st.integers(3, 15))
    n_jurors = draw(st.integers(2, 4))
    n_verifiers = draw(st.integers(0, 5))
    n_judging = draw(st.integers(0 if n_verifiers else 1, min(n_jurors, 8 - n_verifiers))) if assessed else 0
    return {
        "id": f"lane_{tag.lower()}", "tag": tag, "assessed": assessed,
        "minimum": draw(st.sampled_from([None, 30.0, 51.0, 51.0, 75.0])),
        "in_competition": draw(st.sampled_from([True, True, True, False])),
        "n_entries": n_entries, "n_jurors": n_jurors, "n_verifiers": n_verifiers if assessed else 0,
        "n_judging": n_judging,  # jurors of the lane (who score) who also assess
        "mode": draw(st.sampled_from(MODES)),
        "complete": draw(st.booleans()),
        "noise": draw(st.sampled_from([0.0, 1.0, 2.0])),
        "planted": draw(st.sampled_from([0.0, 0.0, 10.0, -10.0, 15.0, -15.0])),
        "n_missing": draw(st.integers(0, 2)),
        "n_single": draw(st.integers(0, 2)),
        "one_entry_assessor": draw(st.sampled_from([None, "shared", "alone"])),
        "borrow": draw(st.booleans()),  # a verifier of the first lane assesses here too
        "far": draw(st.lists(st.booleans(), min_size=n_entries, max_size=n_entries)),
        "equal_at": draw(st.sampled_from(["minimum", 0.0, 100.0, 37.5])),
    }


@st.composite
def assessed_festivals(draw):
    seed = draw(st.integers(0, 2**31))
    n_dims = draw(st.integers(2, 6))
    cuts = sorted(draw(st.lists(st.integers(1, 99), min_size=n_dims - 1, max_size=n_dims - 1, unique=True)))
    weights = dict(zip(DIMENSIONS[:n_dims], np.diff([0, *cuts, 100]).tolist()))
    n_lanes = draw(st.integers(1, 3))
    lanes = [draw(lanes_spec(i)) for i in range(n_lanes)]
    disqualify = draw(st.booleans())
    return build(seed, weights, lanes, disqualify=disqualify)


def build(seed: int, weights: dict[str, int], lanes: list[dict], *, disqualify: bool = False) -> dict:
    """The festival's files from its drawn shape, and what the test needs to know of it (``_``-keys)."""
    rng = np.random.default_rng(seed)
    dims = list(weights)
    w = {d: Fraction(v, 100) for d, v in weights.items()}
    entries, jurors, scores, shares = [], [], [], []
    planted = {}  # assessor -> sign of the planted lean
    for lane in lanes:
        lane_id, tag, minimum = lane["id"], lane["tag"], lane["minimum"]
        ids = [f"{tag} 作品:{i:02d}" for i in range(lane["n_entries"])]
        centre = minimum if minimum is not None else 50.0
        truth = {}
        for e in ids:
            if lane["mode"] == "spread":
                truth[e] = {d: float(rng.uniform(20, 80)) for d in dims}
            elif lane["mode"] == "near_min":
                truth[e] = {d: float(np.clip(centre + rng.uniform(-6, 6), 20, 80)) for d in dims}
            elif lane["mode"] == "clustered":
                truth[e] = {d: float(rng.choice([0.0, 100.0])) for d in dims}
            else:
                at = minimum if lane["equal_at"] == "minimum" and minimum is not None else (
                    50.0 if lane["equal_at"] == "minimum" else lane["equal_at"])
                truth[e] = {d: at for d in dims}
        for k, e in enumerate(ids):  # declared: close to the truth, or far from it
            declared = {d: quarter(truth[e][d] + (35 if truth[e][d] < 50 else -35) * lane["far"][k]
                                   + rng.uniform(-1, 1)) for d in dims}
            blend = sum(float(w[d]) * declared[d] for d in dims)
            entries.append({"entry_id": e, "title": f"Film {tag}{k}", "category": lane_id,
                            "ai_share": round(blend, 1), **{f"share_{d}": declared[d] for d in dims}})
        judges = [f"评委 {tag}:{j}" for j in range(lane["n_jurors"])]
        jurors += [{"juror_id": j, "name": f"Juror 名{tag}{k}号", "panel": lane_id, "role": "member"}
                   for k, j in enumerate(judges)]
        for e in ids:
            for j in judges:
                scores.append({"entry_id": e, "juror_id": j, "criterion": "overall", "score": int(rng.integers(3, 10))})
        if not lane["assessed"]:
            continue
        verifiers = [f"核查 {tag}:{v}" for v in range(lane["n_verifiers"])]
        jurors += [{"juror_id": v, "name": f"Verifier 名{tag}{k}号", "panel": lane_id, "role": "verifier"}
                   for k, v in enumerate(verifiers)]
        assessors = verifiers + judges[: lane["n_judging"]]
        if lane.get("borrow") and lane["tag"] != "A" and "核查 A:0" in {j["juror_id"] for j in jurors}:
            assessors.append("核查 A:0")  # a verifier of the first lane, assessing this lane too
        lean = {a: 0.0 for a in assessors}
        if lane["planted"] and len(assessors) >= 2 and lane["mode"] in ("spread", "near_min"):
            lean[assessors[0]] = lane["planted"]
            planted[(lane_id, assessors[0])] = np.sign(lane["planted"])
        # who assesses what: complete, or each assessor skipping entries and dimensions
        order = list(rng.permutation(ids))
        n_missing = min(lane["n_missing"], len(ids) - 1)
        missing, rest = order[:n_missing], order[n_missing:]
        single = rest[: min(lane["n_single"], len(rest) - 1)] if len(assessors) > 1 else []
        cells = []
        for e in rest:
            panel = assessors
            if e in single:
                panel = [assessors[int(rng.integers(len(assessors)))]]
            elif not lane["complete"]:
                panel = [a for a in assessors if rng.random() < 0.75] or [assessors[0]]
            for a in panel:
                for d in dims:
                    if lane["complete"] or e in single or rng.random() < 0.85:
                        cells.append((a, e, d))
        if lane["one_entry_assessor"]:  # an assessor who assesses one entry only, every dimension: one the others
            # assess too, or ("alone") one nobody else assesses (the design then falls apart)
            extra = f"核查 {tag}:单"
            target = missing[0] if lane["one_entry_assessor"] == "alone" and missing else rest[-1]
            jurors.append({"juror_id": extra, "name": f"Verifier 名{tag}单号", "panel": lane_id, "role": "verifier"})
            cells += [(extra, target, d) for d in dims]
            lean[extra] = 0.0
        for a, e, d in cells:
            value = truth[e][d] + lean[a] + (rng.uniform(-lane["noise"], lane["noise"]) if lane["mode"] != "equal" else 0)
            shares.append({"assessor_id": a, "entry_id": e, "dimension": d, "share": quarter(value)})
    toml = ['[festival]\nname = "Random assessed festival"\nsynthetic = true\n',
            "[scale]\nmin = 1\nmax = 10\n", '[[criteria]]\nid = "overall"\nlabel = "Overall"\n']
    for k, lane in enumerate(lanes):
        toml.append(f'[[lanes]]\nid = "{lane["id"]}"\nname = "Lane {lane["tag"]} 赛道"\n'
                    + (f"ai_share_min = {lane['minimum']:g}\n" if lane["minimum"] is not None else "")
                    + ("in_competition = false\n" if not lane["in_competition"] else ""))
    toml.append("[participation]\nweights = { " + ", ".join(f"{d} = {v}" for d, v in weights.items()) + " }\n")
    toml.append(f"[checks]\nbootstrap_resamples = {BOOT}\ncollusion_permutations = 99\nseed = {seed % 1000}\n")
    return {"festival.toml": "\n".join(toml),
            "entries.csv": pd.DataFrame(entries),
            "jurors.csv": pd.DataFrame(jurors),
            "scores.csv": pd.DataFrame(scores),
            "participation_assessments.csv": pd.DataFrame(shares, columns=["assessor_id", "entry_id", "dimension", "share"]),
            "_weights": weights, "_lanes": lanes, "_planted": planted, "_disqualify": disqualify}




# --- the expected values, recomputed here ------------------------------------------------------------------------

@contextmanager
def warnings_are_errors():
    """A warning anywhere (numpy's RuntimeWarning, pandas', a library's) fails the test."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


def connected(cells: pd.DataFrame) -> bool:
    """Whether the lane's assessors form one connected design (linked by a shared entry and dimension)."""
    parent = {a: a for a in cells["assessor_id"].unique()}

    def root(a):
        while parent[a] != a:
            a = parent[a]
        return a

    for _, panel in cells.groupby(["entry_id", "dimension"]):
        first, *rest = panel["assessor_id"]
        for a in rest:
            parent[root(a)] = root(first)
    return len({root(a) for a in parent}) == 1


def complete(cells: pd.DataFrame) -> bool:
    """Every assessor of the lane assessed the same entries on the same dimensions."""
    sets = cells.groupby("assessor_id").apply(lambda g: frozenset(zip(g["entry_id"], g["dimension"])),
                                              include_groups=False)
    return sets.nunique() == 1


def leans_lstsq(cells: pd.DataFrame) -> pd.Series:
    """The assessor effects of share = (entry × dimension) + assessor by plain least squares (a dense dummy
    matrix), centred to sum to zero: the design must be connected."""
    unit = pd.factorize(cells["entry_id"] + "\x1f" + cells["dimension"])[0]
    assessors = pd.Index(sorted(cells["assessor_id"].unique()))
    rater = assessors.get_indexer(cells["assessor_id"])
    x = np.zeros((len(cells), unit.max() + 1 + len(assessors)))
    x[np.arange(len(cells)), unit] = 1
    x[np.arange(len(cells)), unit.max() + 1 + rater] = 1
    coef = np.linalg.lstsq(x, cells["share"].to_numpy(dtype=float), rcond=None)[0]
    b = coef[unit.max() + 1:]
    return pd.Series(b - b.mean(), index=assessors)


def expected_complete(cells: pd.DataFrame) -> tuple[dict[str, Fraction], Fraction]:
    """On a complete design the least-squares assessor effect is exact: lean_a = m_a − mean(m), m_a the assessor's
    mean share (every assessor has the same cells, so the entry × dimension effects cancel). The module reads each
    share with (lean_a − median(lean)) taken off, i.e. ``share − m_a + median(m)`` (the mean of m cancels): a cell's
    assessed share is the plain mean of its shares + median(m) − mean(m), since the leans average to zero. The
    adjustment per assessor and that shift, exactly."""
    m = {a: sum(map(Fraction, g["share"])) / len(g) for a, g in cells.groupby("assessor_id")}
    centre = median(sorted(m.values()))
    return {a: v - centre for a, v in m.items()}, centre - sum(m.values()) / len(m)


def t_interval(values: list[float]) -> tuple[float, float, float]:
    n = len(values)
    mean = float(np.mean(values))
    if n < 2:
        return within(mean), np.nan, np.nan
    half = stats.t.ppf(0.975, n - 1) * float(np.std(values, ddof=1)) / np.sqrt(n)
    return within(mean), within(mean - half), within(mean + half)  # (the module keeps a share within 0-100)


def within(x: float) -> float:
    """A share kept within 0-100, as the module keeps the assessed shares and their intervals."""
    return float(np.clip(x, 0.0, 100.0))


def expected_table(cells: pd.DataFrame, weights: dict[str, int]) -> tuple[dict, dict, dict] | None:
    """Per (entry, dimension) and per entry's blend: (n, mean, ci_low, ci_high, raw), recomputed; and per entry
    the adjusted blend of each complete assessor. ``None`` where the design is not connected (the leans are then
    not comparable across its parts, and the module's convention is its own)."""
    shift = None  # on a complete design: what the leans move every cell's mean by, exactly
    if cells["share"].nunique() == 1:  # every share equal: every lean is exactly 0, in any design
        exact = {a: Fraction(0) for a in cells["assessor_id"].unique()}
        off, shift = {a: 0.0 for a in exact}, Fraction(0)
    elif not connected(cells):
        return None
    elif complete(cells):
        exact, shift = expected_complete(cells)
        off = {a: float(v) for a, v in exact.items()}
    else:
        exact = None
        lean = leans_lstsq(cells)
        off = (lean - lean.median()).to_dict()
    adjusted = cells.assign(adj=cells["share"].astype(float) - cells["assessor_id"].map(off))
    dims, w = list(weights), {d: v / 100 for d, v in weights.items()}
    per_cell = {}
    for (e, d), g in adjusted.groupby(["entry_id", "dimension"]):
        mean, low, high = t_interval(list(g["adj"]))
        if shift is not None:  # the plain mean moved by the shift, in fractions (not the adjusted shares' mean)
            plain = sum(map(Fraction, g["share"])) / len(g)
            mean = within(float(plain + shift))
        per_cell[(e, d)] = (len(g), mean, low, high, float(g["share"].astype(float).mean()))
    per_entry, blends = {}, {}
    for e, g in adjusted.groupby("entry_id"):
        wide = g.pivot(index="assessor_id", columns="dimension", values="adj").reindex(columns=dims).dropna()
        raw = g.pivot(index="assessor_id", columns="dimension", values="share").reindex(columns=dims).dropna()
        values = list(wide.to_numpy(dtype=float) @ np.array([w[d] for d in dims]))
        blends[e] = values
        if exact is not None and len(values):  # the blends exactly: Σ w_d (share − adjustment) = Σ w_d share − adj
            blends[e] = [sum(Fraction(v, 100) * Fraction(raw.loc[a, d]) for d, v in weights.items()) - exact[a]
                         for a in raw.index]
        mean, low, high = t_interval(values) if values else (np.nan, np.nan, np.nan)
        raw_blend = float(np.mean(raw.to_numpy(dtype=float) @ np.array([w[d] for d in dims]))) if len(raw) else np.nan
        per_entry[e] = (len(values), mean, low, high, raw_blend)
    return per_cell, per_entry, blends


def close(a, b, tol=1e-6) -> bool:
    if pd.isna(a) or pd.isna(b):
        return pd.isna(a) and pd.isna(b)
    return abs(float(a) - float(b)) <= tol * max(1.0, abs(float(b)))


def flag_set(flags: pd.DataFrame, check: str, column: str = "entry_id") -> set:
    rows = flags[flags["check"] == check]
    return set(zip(rows["lane"], rows[column]))


def check_result(result, files: dict, *, gone: frozenset = frozenset()) -> None:
    """Every property of the assessed shares and their flags on one check run (the data as loaded, or after the
    chair disqualified the entries ``gone``)."""
    lanes = {lane["id"]: lane for lane in files["_lanes"]}
    weights = files["_weights"]
    loaded = files["participation_assessments.csv"]
    entries = files["entries.csv"][~files["entries.csv"]["entry_id"].isin(gone)]
    lane_of = dict(zip(entries["entry_id"], entries["category"]))
    declared = entries.set_index("entry_id")
    shares = loaded[loaded["entry_id"].isin(lane_of)]
    shares = shares.assign(lane=shares["entry_id"].map(lane_of))
    table = result["participation_assessed"]
    flags = result.flags

    # the rows: one per assessed (entry, dimension) and one blend per assessed entry, nothing else
    want = set(zip(shares["lane"], shares["entry_id"], shares["dimension"])) | {
        (lane_of[e], e, "blended") for e in shares["entry_id"]}
    assert set(zip(table["lane"], table["entry_id"], table["dimension"])) == want
    assert not table.duplicated(["lane", "entry_id", "dimension"]).any()

    # every interval holds its mean; none with fewer than two assessors; p_eligible a share
    for row in table.itertuples(index=False):
        where = (row.lane, row.entry_id, row.dimension)
        if row.n_assessors >= 2:
            assert 0 <= row.ci_low <= row.ci_high <= 100, where
            assert row.ci_low - 1e-9 <= row.assessed <= row.ci_high + 1e-9, where
        else:
            assert np.isnan(row.ci_low) and np.isnan(row.ci_high), where
        if row.n_assessors == 0:
            assert np.isnan(row.assessed) and np.isnan(row.assessed_raw), where
        minimum = lanes[row.lane]["minimum"]
        if row.dimension == "blended":
            assert close(row.minimum, np.nan if minimum is None else minimum), where
            assert close(row.declared, declared.loc[row.entry_id, "ai_share"]), where
            if minimum is None or row.n_assessors == 0:
                assert np.isnan(row.p_eligible), where
            else:
                assert 0 <= row.p_eligible <= 1, where
        else:
            assert np.isnan(row.minimum) and np.isnan(row.p_eligible), where
            assert close(row.declared, declared.loc[row.entry_id, f"share_{row.dimension}"]), where

    # the numbers, recomputed from the drawn shares; the flags the ai_share rules must raise
    blended = table[table["dimension"] == "blended"].set_index("entry_id")
    below, across = set(), set()
    for row in blended.itertuples():
        minimum, lane = lanes[row.lane]["minimum"], lanes[row.lane]
        if minimum is None or not lane["in_competition"] or np.isnan(row.ci_high):
            continue
        if row.ci_high < minimum:
            below.add((row.lane, row.Index))
        elif row.ci_low < minimum <= row.ci_high:
            across.add((row.lane, row.Index))
    for lane_id, cells in shares.groupby("lane"):
        expected = expected_table(cells, weights)
        if expected is None:
            continue
        per_cell, per_entry, blends = expected
        mine = table[table["lane"] == lane_id]
        for row in mine.itertuples(index=False):
            n, mean, low, high, raw = (per_entry[row.entry_id] if row.dimension == "blended"
                                       else per_cell[(row.entry_id, row.dimension)])
            where = (row.lane, row.entry_id, row.dimension)
            assert row.n_assessors == n, where
            assert close(row.assessed, mean, 1e-9) and close(row.ci_low, low, 1e-9), where
            assert close(row.ci_high, high, 1e-9) and close(row.assessed_raw, raw, 1e-9), where
        minimum = lanes[lane_id]["minimum"]
        for e, values in blends.items():
            if minimum is None or not values:
                continue
            p = blended.loc[e, "p_eligible"]
            reach = [float(v) >= minimum - 1e-9 for v in values]
            if all(abs(float(v) - minimum) > 1e-6 for v in values):
                if all(reach):
                    assert p == 1, e
                elif not any(reach):
                    assert p == 0, e
            exact = all(isinstance(v, Fraction) for v in values)
            if exact and len(values) >= 2 and len(set(values)) == 1 and lanes[lane_id]["in_competition"]:
                # every assessor's blend the same, exactly: an interval of one point, below the line or not
                below.discard((lane_id, e)), across.discard((lane_id, e))
                if values[0] < Fraction(minimum):
                    below.add((lane_id, e))
    assert flag_set(flags, "ai_share_assessed_below") == below
    assert flag_set(flags, "ai_share_uncertain") == across
    disputed = {(r.lane, r.Index) for r in blended.itertuples() if not np.isnan(r.declared) and not np.isnan(r.ci_low)
                and not (r.ci_low - DISPUTE_MARGIN <= r.declared <= r.ci_high + DISPUTE_MARGIN)}
    assert flag_set(flags, "disclosure_disputed") == disputed

    # assessment_missing: one flag per lane with assessments, or with a minimum and in competition, listing by why the
    # entries without an assessed blend with an interval: no assessment, one assessor of every dimension, or none
    lane_of_all = dict(zip(files["entries.csv"]["entry_id"], files["entries.csv"]["category"]))
    assessed_lanes = set(loaded["entry_id"].map(lane_of_all))
    complete_assessors = {}  # entry -> assessors who assessed every dimension, from the drawn shares
    for e, g in shares.groupby("entry_id"):
        complete_assessors[e] = int((g.groupby("assessor_id").size() == len(weights)).sum())
    expected_missing = {}
    for lane_id, spec in lanes.items():
        if lane_id not in assessed_lanes and (spec["minimum"] is None or not spec["in_competition"]):
            continue
        ids = entries.loc[entries["category"] == lane_id, "entry_id"]
        groups = {"no assessment": sorted(e for e in ids if e not in set(loaded["entry_id"])),
                  "a single assessor of every dimension": sorted(e for e in ids if complete_assessors.get(e) == 1),
                  "no assessor of every dimension": sorted(e for e in ids if complete_assessors.get(e) == 0)}
        groups = {why: g for why, g in groups.items() if g}
        if groups:
            expected_missing[lane_id] = groups
    raised = flags[flags["check"] == "assessment_missing"]
    assert sorted(raised["lane"]) == sorted(expected_missing)
    for row in raised.itertuples(index=False):
        listed = row.message.rsplit("stands for their share (", 1)[1].removesuffix(").")
        got = dict(part.split(": ", 1) for part in listed.split("; "))
        assert {why: ids.split(", ") for why, ids in got.items()} == expected_missing[row.lane], row.lane
        assert row.value == sum(map(len, expected_missing[row.lane].values()))

    # the assessors' leans: the least-squares fit, the planted sign, the flag
    leans = result.companions("participation_assessed")["assessor_lean"]
    expected_lean_flags = set()
    for lane_id, cells in shares.groupby("lane"):
        mine = leans[leans["lane"] == lane_id].set_index("assessor_id")
        if cells["assessor_id"].nunique() < 2:
            assert mine.empty
            continue
        assert set(mine.index) == set(cells["assessor_id"])
        assert (mine["n_assessments"] == cells.groupby("assessor_id").size().reindex(mine.index)).all()
        has_ci = mine["ci_low"].notna()
        assert (mine.loc[has_ci, "ci_low"] <= mine.loc[has_ci, "lean"] + 1e-9).all()
        assert (mine.loc[has_ci, "lean"] <= mine.loc[has_ci, "ci_high"] + 1e-9).all()
        centre = mine["lean"].median()
        assert abs(centre) < 1e-9  # assessor_lean.csv: from the median assessor's
        if connected(cells):
            fitted = leans_lstsq(cells)
            for a, v in (fitted - fitted.median()).items():
                assert close(mine.loc[a, "lean"], v, 1e-9), (lane_id, a)
            for (lane, a), sign in files["_planted"].items():
                if lane == lane_id and a in mine.index:
                    assert np.sign(mine.loc[a, "lean"] - centre) == sign, (lane_id, a)
        for a, row in mine.iterrows():
            off = row["lean"] - centre
            if abs(off) >= LEAN_MAX and not (row["ci_low"] <= centre <= row["ci_high"]):
                expected_lean_flags.add((lane_id, a))
    assert flag_set(flags, "assessor_lean", "juror_id") == expected_lean_flags


def labels(files: dict) -> dict[str, str]:
    jurors = files["jurors.csv"]
    return dict(zip(jurors["juror_id"], jurors["name"]))


def without_tags(page: str) -> str:
    """A page's text, with the SVG drawings its data URIs hold decoded into it (a name could hide there)."""
    svgs = [base64.b64decode(m).decode("utf-8", "replace")
            for m in re.findall(r"data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)", page)]
    return html.unescape(re.sub(r"<[^>]+>", " ", page + " ".join(svgs)))


def named(text: str, people: dict[str, str]) -> list[str]:
    """The ids and names of ``people`` that ``text`` holds, as written, HTML-escaped or JSON-escaped."""
    found = []
    for who in [*people, *people.values()]:
        forms = {who, html.escape(who), json.dumps(who)[1:-1], json.dumps(who, ensure_ascii=False)[1:-1]}
        if any(f in text for f in forms):
            found.append(who)
    return found


# --- through every command -----------------------------------------------------------------------------------------

PARTICIPATION_FLAGS = ("ai_share_assessed_below", "ai_share_uncertain", "disclosure_disputed")


def check_summary(gate, files: dict) -> None:
    """``jury check``'s summary: the assessments among the sources, a paragraph on assessed participation with, per
    lane with a minimum, the entries the evidence puts below, across and above the line; every ai_share blocker."""
    text = summary_text(gate)
    assert "participation_assessments" in text  # the table among the sources
    table = gate.after["participation_assessed"]
    if table.empty:
        return
    assert "assessed AI participation (" in text
    for spec in files["_lanes"]:
        rows = table[(table["lane"] == spec["id"]) & (table["dimension"] == "blended")]
        name = f"Lane {spec['tag']} 赛道"
        if rows.empty:
            continue
        line = re.search(rf"^  {re.escape(name)}: (\d+) entries assessed by \d+ assessors each \(median\)(.*)$", text,
                         re.MULTILINE)
        assert line and int(line.group(1)) == len(rows), name
        m = spec["minimum"]
        if m is not None:
            counts = re.search(r"on the evidence (\d+) below the [\d.]+% line, (\d+) across it, (\d+) above", line.group(2))
            assert counts and tuple(map(int, counts.groups())) == evidence(rows, m), name
    for row in gate.open_blockers.itertuples(index=False):
        if row.check in ("ai_share_assessed_below", "ai_share_uncertain"):
            assert row.flag_id in text and "the assessors put its AI participation at" in text


def evidence(rows: pd.DataFrame, m: float) -> tuple[int, int, int]:
    """Entries whose blended interval lies below the line, across it, and at or above it (an entry of one assessor,
    or of none who assessed every dimension, has no interval and counts in none)."""
    return (int((rows["ci_high"] < m).sum()), int(((rows["ci_low"] < m) & (m <= rows["ci_high"])).sum()),
            int((rows["ci_low"] >= m).sum()))


def check_cli(folder: Path, out: Path, gate) -> None:
    os.environ["JURY_DEBUG"] = "1"  # an unexpected error prints its traceback (exit 3 otherwise says nothing)
    try:
        code = main(["check", str(folder), "--out", str(out), "--quiet"])
    finally:
        os.environ.pop("JURY_DEBUG", None)
    assert code == (0 if gate.publishable else 1)
    table = gate.after["participation_assessed"]
    if table.empty:  # (an empty table is not written)
        assert not (out / "participation_assessed.csv").exists()
        return
    written = pd.read_csv(out / "participation_assessed.csv", dtype={"entry_id": str, "lane": str})
    assert sorted(zip(written["entry_id"], written["dimension"])) == sorted(zip(table["entry_id"], table["dimension"]))
    assert (out / "assessor_lean.csv").exists() and (out / "assessment_agreement.csv").exists()


def check_explorer(festival, files: dict, gate) -> None:
    """Each lane's entries: the panel of assessments agrees with the gate's table and with the drawn shares."""
    shares = files["participation_assessments.csv"]
    weights = pd.Series(files["_weights"]) / 100
    names = festival.juror_labels()
    table = gate.before["participation_assessed"].set_index(["entry_id", "dimension"])
    explorer = Explorer(festival, n_boot=100)
    for lane in festival.config.lane_ids:
        explorer.set_view(lane=lane)
        for e in festival.entries.loc[festival.entries["category"] == lane, "entry_id"]:
            panel = explorer.assessments(e)
            mine = shares[shares["entry_id"] == e]
            if mine.empty:
                assert panel.empty
                continue
            wide = mine.pivot(index="assessor_id", columns="dimension", values="share").reindex(columns=list(weights.index))
            assert list(panel["assessor"]) == [*(names[a] for a in wide.index), "assessed (leans taken off)", "declared"]
            for k, a in enumerate(wide.index):
                blend = float(wide.loc[a].astype(float) @ weights) if wide.loc[a].notna().all() else np.nan
                assert close(panel["blended"].iloc[k], blend), (e, a)
            assessed_row, declared_row = panel.iloc[-2], panel.iloc[-1]
            for d in [*weights.index, "blended"]:
                got = table["assessed"].get((e, d), np.nan)
                assert close(assessed_row[d], got, 1e-9), (e, d)
                assert close(declared_row[d], table["declared"].get((e, d), np.nan), 1e-9), (e, d)


def check_app(festival, files: dict, gate, decisions: Path) -> None:
    """The ExplorerApp: per lane, the assessments dropdown (flagged entries first, each entry once) and the page of
    each entry (its assessors named as the juror panel names them, no one else; the flags on it)."""
    shares = files["participation_assessments.csv"]
    names = festival.juror_labels()
    app = ExplorerApp(festival, n_boot=100, decisions_path=decisions)
    assert app.assessment_box.layout.display == ""
    for lane in festival.config.lane_ids:
        app.lane.value = lane
        options = list(app.assessed_entry.options)
        flags = app.explorer.gate()
        named_first = list(dict.fromkeys(flags.loc[flags["check"].isin(PARTICIPATION_FLAGS) & (flags["entry_id"] != ""),
                                                   "entry_id"]))
        entries = set(festival.entries.loc[festival.entries["category"] == lane, "entry_id"])
        assert len(options) == len(set(options)) and set(options) == entries
        assert options[: len(named_first)] == named_first
        for e in options:
            app.assessed_entry.value = e
            page = html.unescape(app.assessment_page.value)
            mine = set(shares.loc[shares["entry_id"] == e, "assessor_id"])
            if not mine:
                assert "No assessment of this entry" in page
            for a in shares["assessor_id"].unique():
                assert (names[a] in page) == (a in mine), (e, a)
            for check in PARTICIPATION_FLAGS:
                on = ((flags["check"] == check) & (flags["entry_id"] == e)).any()
                assert (check.replace("_", " ") in page) == on, (e, check)


def check_feedback(festival, files: dict, gate, out: Path) -> None:
    """One page per juror who scores and per assessor; an assessor's page names no one else."""
    pages = write_feedback(festival, out, gate=gate)
    people = labels(files)
    assessors = set(files["participation_assessments.csv"]["assessor_id"])
    scorers = set(files["scores.csv"]["juror_id"])
    assert len(pages) == len(set(pages)) == len(assessors | scorers)
    by_juror = dict(zip([j for j in festival.jurors["juror_id"] if j in assessors | scorers], pages))
    leans = gate.after.companions("participation_assessed")["assessor_lean"]
    for a in assessors:
        text = without_tags(by_juror[a].read_text(encoding="utf-8"))
        others = {j: n for j, n in people.items() if j != a}
        assert not named(text, others), (a, named(text, others))
        crowded = leans.groupby("lane")["assessor_id"].nunique()  # an item against at least two others
        if any(crowded[lane] >= 3 for lane in leans.loc[leans["assessor_id"] == a, "lane"]):
            assert "points of share from the typical assessor" in text


def disqualify_one(festival, gate, files: dict):
    """The chair disqualifies an assessed entry on one of its flags: the gate again with that decision."""
    flags = gate.before.flags
    assessed = set(files["participation_assessments.csv"]["entry_id"])
    candidates = flags[flags["entry_id"].isin(assessed)]
    if candidates.empty:
        return None, None
    row = candidates.iloc[0]
    decisions = pd.DataFrame([{"flag_id": row["flag_id"], "action": "disqualify_entry", "reason": "a test",
                               "decided_by": "chair", "decided_at": "2026-01-01T00:00"}])
    return run_gate(festival, decisions), row["entry_id"]


def run_everything(root: Path, files: dict):
    """Write the festival, then load, gate, summary, ``jury check``, the explorer, the explorer app and the feedback
    pages, with every property checked and warnings as errors; with ``_disqualify``, the gate again after the chair
    disqualifies an assessed entry. The gate."""
    folder = write(root / "festival", files)
    with warnings_are_errors():
        festival = load_festival(folder)
        gate = run_gate(festival)
        check_result(gate.before, files)
        check_summary(gate, files)
        check_cli(folder, root / "out", gate)
        check_explorer(festival, files, gate)
        check_app(festival, files, gate, root / "decisions.csv")
        check_feedback(festival, files, gate, root / "pages")
        if files["_disqualify"]:
            after, gone = disqualify_one(festival, gate, files)
            if after is not None:
                check_result(after.after, files, gone=frozenset({gone}))
                assert gone not in set(after.after["participation_assessed"]["entry_id"])
                assert not (after.after.flags["entry_id"] == gone).any()
                assert set(after.flags.loc[after.flags["entry_id"] == gone, "status"]) <= {"excluded", "resolved"}
    return gate


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          phases=[Phase.explicit, Phase.generate],  # (no shrinking: a failure is reported in seconds, as drawn)
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(assessed_festivals())
def test_any_assessed_festival_runs_through_every_command(tmp_path_factory, files):
    run_everything(tmp_path_factory.mktemp("assessed"), files)


# --- shapes written out: the report, and the edge cases ------------------------------------------------------------

def lane(tag: str, **shape) -> dict:
    """A lane's shape with the defaults of a tidy assessed lane (see :func:`lanes_spec`)."""
    n_entries = shape.get("n_entries", 6)
    return {"id": f"lane_{tag.lower()}", "tag": tag, "assessed": True, "minimum": 51.0, "in_competition": True,
            "n_entries": n_entries, "n_jurors": 2, "n_verifiers": 3, "n_judging": 1, "mode": "near_min",
            "complete": True, "noise": 2.0, "planted": 0.0, "n_missing": 0, "n_single": 0,
            "one_entry_assessor": None, "borrow": False, "far": [k % 3 == 0 for k in range(n_entries)], "equal_at": "minimum",
            **shape}


TWO_WEIGHTS = {"writing": 40, "generation": 60}
SIX_WEIGHTS = {"writing": 20, "direction": 20, "generation": 20, "editing": 15, "sound": 15, "finishing": 10}

REPORTED = {
    # an incomplete lane with one entry of a single assessor, one of none, a severe assessor, an assessor of one
    # entry; a second lane not assessed and without a minimum
    "incomplete": build(11, SIX_WEIGHTS, [
        lane("A", n_entries=9, complete=False, n_single=1, n_missing=1, planted=-15.0, one_entry_assessor="shared"),
        lane("B", assessed=False, minimum=None, mode="spread")]),
    # a complete lane, the shares spread, a lenient assessor, judges who also assess; a lane at 75% assessed too
    "complete": build(12, TWO_WEIGHTS, [lane("A", n_entries=7, mode="spread", planted=15.0, n_judging=2),
                                        lane("B", minimum=75.0, n_verifiers=2, n_single=2, complete=False)]),
}


def report_counts(public: str) -> list[tuple[int, ...]]:
    """Per assessed lane with a minimum and in competition, as the public report says it: (entries, below, across,
    above)."""
    text = re.sub(r"\s+", " ", without_tags(public))
    found = re.findall(r"(\d+) entries were assessed by \d+ assessors each \(median\), each assessor's lean taken off "
                       r"before the shares are read\. On the evidence, (\d+) lie below the lane's [\d.]+%, (\d+) across "
                       r"it[^,]*, and (\d+) above it\.", text)
    return [tuple(map(int, f)) for f in found]


def expected_counts(gate, files: dict) -> list[tuple[int, ...]]:
    table = gate.before["participation_assessed"]
    expected = []
    for spec in files["_lanes"]:
        rows = table[(table["lane"] == spec["id"]) & (table["dimension"] == "blended")]
        if rows.empty or spec["minimum"] is None or not spec["in_competition"]:
            continue
        expected.append((len(rows), *evidence(rows, spec["minimum"])))
    return expected


@pytest.fixture(scope="module")
def reported(tmp_path_factory):
    """``jury report --draft --no-pdf`` on each shape of :data:`REPORTED`, once: the gate and the output folder."""
    built = {}

    def build_report(shape: str):
        if shape not in built:
            files = REPORTED[shape]
            root = tmp_path_factory.mktemp(f"report-{shape}")
            folder = write(root / "festival", files)
            with warnings_are_errors():
                gate = run_gate(load_festival(folder))
                check_result(gate.before, files)
            out = root / "out"
            assert main(["report", str(folder), "--out", str(out), "--draft", "--no-pdf", "--quiet"]) in (0, 1)
            built[shape] = files, folder, gate, out
        return built[shape]

    return build_report


@pytest.mark.parametrize("shape", list(REPORTED))
def test_the_report_names_no_assessor_and_counts_the_entries_on_the_evidence(reported, shape):
    """The public report names no juror or assessor (as text, escaped, in a chart's data or a drawing) and says how
    many entries the evidence puts below, across and above each line; the chair's report names each assessor."""
    files, folder, gate, out = reported(shape)
    public = (out / "report.html").read_text(encoding="utf-8")
    assert not named(public + without_tags(public), labels(files))
    assert report_counts(public) == expected_counts(gate, files)
    chair = html.unescape((out / "chair.html").read_text(encoding="utf-8"))
    assert "declared against assessed AI participation" in chair  # the chart's title, in its spec
    leans = gate.before.companions("participation_assessed")["assessor_lean"]
    names = load_festival(folder).juror_labels()
    assert all(names[a] in chair for a in leans["assessor_id"])  # the chair's page names each assessor with a lean


def blended_of(gate) -> pd.DataFrame:
    table = gate.before["participation_assessed"]
    return table[table["dimension"] == "blended"].set_index("entry_id")


def test_one_assessor_in_a_lane_gives_shares_but_no_interval_lean_or_flag(tmp_path):
    """A lane assessed by one verifier alone: each entry's share is theirs, with no interval and no lean (there is
    no one to lean against), so no flag on the line; p_eligible is 0 or 1. The second lane has two assessors."""
    files = build(21, SIX_WEIGHTS, [lane("A", n_verifiers=1, n_judging=0, mode="spread", n_entries=5),
                                    lane("B", n_verifiers=2, n_judging=0)])
    gate = run_everything(tmp_path, files)
    blended = blended_of(gate)
    alone = blended[blended["lane"] == "lane_a"]
    assert (alone["n_assessors"] == 1).all() and alone["ci_low"].isna().all()
    assert close_all(alone["assessed"], alone["assessed_raw"])  # no lean to take off
    assert set(alone["p_eligible"]) <= {0.0, 1.0}
    assert set(alone["p_eligible"]) == set((alone["assessed"] >= 51).astype(float))
    leans = gate.before.companions("participation_assessed")["assessor_lean"]
    assert set(leans["lane"]) == {"lane_b"}
    flags = gate.before.flags
    assert not flags[(flags["lane"] == "lane_a") & flags["check"].isin(
        ["ai_share_assessed_below", "ai_share_uncertain", "disclosure_disputed", "assessor_lean"])].shape[0]


def close_all(a: pd.Series, b: pd.Series) -> bool:
    return all(close(x, y, 1e-9) for x, y in zip(a, b))


@pytest.mark.parametrize("at, weights", [(51.0, TWO_WEIGHTS), (0.0, SIX_WEIGHTS), (100.0, SIX_WEIGHTS)])
def test_all_shares_equal_give_a_point_interval_and_no_warning(tmp_path, at, weights):
    """Every assessor gives every entry the same share on every dimension (zero variance: the agreement statistics
    have nothing to divide by): no warning, intervals of one point at that share, no lean, and the line decides:
    below it a blocker on every entry, at or above it none."""
    files = build(22, weights, [lane("A", mode="equal", equal_at=at, noise=0.0, n_entries=5, complete=False,
                                     n_single=1)])
    gate = run_everything(tmp_path, files)
    blended = blended_of(gate)
    two = blended[blended["n_assessors"] >= 2]
    assert close_all(two["assessed"], pd.Series(at, index=two.index)) and close_all(two["ci_low"], two["ci_high"])
    leans = gate.before.companions("participation_assessed")["assessor_lean"]
    assert (leans["lean"].abs() < 1e-9).all()
    below = set(gate.before.flags.loc[gate.before.flags["check"] == "ai_share_assessed_below", "entry_id"])
    assert below == (set(two.index) if at < 51 else set())


def test_an_assessor_of_one_entry_is_read_beside_the_others(tmp_path):
    """A verifier who assessed one entry only (every dimension): their shares count in that entry's mean and blend,
    they have a lean with few assessments, and their feedback page names no other assessor."""
    files = build(23, TWO_WEIGHTS, [lane("A", one_entry_assessor="shared", n_entries=6, mode="spread")])
    gate = run_everything(tmp_path, files)
    shares = files["participation_assessments.csv"]
    (target,) = set(shares.loc[shares["assessor_id"] == "核查 A:单", "entry_id"])
    blended = blended_of(gate)
    assert blended.loc[target, "n_assessors"] == shares.loc[shares["entry_id"] == target, "assessor_id"].nunique()
    leans = gate.before.companions("participation_assessed")["assessor_lean"].set_index("assessor_id")
    assert leans.loc["核查 A:单", "n_assessments"] == 2


def test_a_header_only_assessments_file_is_no_assessment(tmp_path):
    """participation_assessments.csv with its header and no row: every entry is unassessed, and nothing fails; the
    lane with a minimum lists them all as assessment_missing."""
    files = build(24, TWO_WEIGHTS, [lane("A", assessed=False), lane("B", assessed=False, minimum=None)])
    gate = run_everything(tmp_path, files)
    assert gate.before["participation_assessed"].empty
    flags = gate.before.flags
    assert not flags["check"].isin(["ai_share_assessed_below", "ai_share_uncertain", "assessor_lean"]).any()
    # the lane with a minimum: none of its entries is silently eligible (the lane without one: nothing to say)
    missing = flags[flags["check"] == "assessment_missing"]
    assert list(missing["lane"]) == ["lane_a"] and missing["value"].iloc[0] == 6


# --- the failures it found, each as the smallest festival that showed it -------------------------------------------

def test_every_assessor_exactly_at_the_line_is_not_below_it(tmp_path):
    """Three verifiers put every dimension of every entry at exactly 51%, the lane's minimum, with weights 30/70:
    the entries meet the standard (p_eligible is 1) and none is assessed below it (the float blend once fell
    1e-14 under the line, and every entry got the blocker)."""
    files = build(25, {"writing": 30, "generation": 70}, [lane("A", mode="equal", equal_at="minimum", noise=0.0)])
    folder = write(tmp_path / "festival", files)
    gate = run_gate(load_festival(folder))
    blended = blended_of(gate)
    assert (blended["p_eligible"] == 1).all()
    assert not (gate.before.flags["check"] == "ai_share_assessed_below").any()


def colliding(tmp_path) -> tuple[Path, dict]:
    files = build(26, TWO_WEIGHTS, [lane("A", n_verifiers=2, n_judging=0, mode="spread")])
    jurors = files["jurors.csv"]
    shares = files["participation_assessments.csv"]
    # the second verifier's id differs from the first's only by ':' against ' '
    jurors.loc[jurors["juror_id"] == "核查 A:1", ["juror_id", "name"]] = ["核查 A 0", "Verifier 名A1号"]
    shares.loc[shares["assessor_id"] == "核查 A:1", "assessor_id"] = "核查 A 0"
    return write(tmp_path / "festival", files), files


def test_two_assessors_whose_ids_differ_in_punctuation_get_a_page_each(tmp_path):
    folder, files = colliding(tmp_path)
    festival = load_festival(folder)
    pages = write_feedback(festival, tmp_path / "pages")
    assert len(set(pages)) == len(pages)
    for juror, page in zip([j for j in festival.jurors["juror_id"]], pages):
        if juror.startswith("核查"):
            text = without_tags(page.read_text(encoding="utf-8"))
            others = {j: n for j, n in labels(files).items() if j != juror}
            assert not named(text, others)


def tiny(folder: Path, shares: dict, *, minimum: str = "ai_share_min = 51\n") -> Path:
    """The smallest assessed festival: one lane (its minimum as given), two dimensions 50/50, three verifiers whose
    (writing, generation) shares are ``shares[entry][verifier]``, two jurors who score."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "festival.toml").write_text(
        '[festival]\nname = "Tiny"\nsynthetic = true\n[scale]\nmin = 1\nmax = 10\n[[criteria]]\nid = "overall"\n'
        f'label = "Overall"\n[[lanes]]\nid = "gc"\nname = "GC"\n{minimum}[participation]\n'
        "weights = { writing = 50, generation = 50 }\n[checks]\nbootstrap_resamples = 200\n", encoding="utf-8")
    (folder / "entries.csv").write_text("entry_id,title,category,ai_share,share_writing,share_generation\n" + "".join(
        f"{e},Film {e},gc,60,60,60\n" for e in shares), encoding="utf-8")
    (folder / "jurors.csv").write_text("juror_id,name,panel,role\nJ1,Juror One,gc,member\nJ2,Juror Two,gc,member\n"
                                       + "".join(f"{v},Verifier {v},gc,verifier\n" for v in ("V1", "V2", "V3")),
                                       encoding="utf-8")
    (folder / "scores.csv").write_text("entry_id,juror_id,criterion,score\n" + "".join(
        f"{e},{j},overall,{5 + k % 3}\n" for k, e in enumerate(shares) for j in ("J1", "J2")), encoding="utf-8")
    (folder / "participation_assessments.csv").write_text("assessor_id,entry_id,dimension,share\n" + "".join(
        f"{v},{e},{d},{x}\n" for e, by in shares.items() for v, pair in by.items()
        for d, x in zip(("writing", "generation"), pair)), encoding="utf-8")
    return folder


def test_assessed_lanes_without_a_minimum_are_checked(tmp_path):
    shares = {"E1": {"V1": (60, 62), "V2": (58, 60), "V3": (70, 66)}, "E2": {"V1": (40, 44), "V2": (42, 38), "V3": (36, 34)}}
    gate = run_gate(load_festival(tiny(tmp_path / "f", shares, minimum="")))
    assert not gate.before.flags["check"].isin(["ai_share_assessed_below", "ai_share_uncertain"]).any()


def test_a_lenient_assessor_at_zero_leaves_the_share_in_its_interval(tmp_path):
    """V1 rates 10 points above V2 and V3 on E1 and, like them, 0 on E2: their lean (+5 from the median assessor) is
    taken off their 0: E2's assessed share stays at 0%, within its interval (it once fell below 0%, outside it)."""
    shares = {"E1": {"V1": (60, 60), "V2": (50, 50), "V3": (50, 50)}, "E2": {"V1": (0, 0), "V2": (0, 0), "V3": (0, 0)}}
    table = run_gate(load_festival(tiny(tmp_path / "f", shares))).before["participation_assessed"]
    assert (table["assessed"] >= 0).all() and (table["assessed"] <= 100).all()
    assert (table["ci_low"] <= table["assessed"]).all() and (table["assessed"] <= table["ci_high"]).all()


def test_the_explorer_shows_an_assessed_lane_without_a_minimum(tmp_path):
    files = build(27, TWO_WEIGHTS, [lane("A", n_entries=4), lane("B", n_entries=4, minimum=None, mode="spread")])
    festival = load_festival(write(tmp_path / "festival", files))
    run_gate(festival)  # the festival as a whole: fine
    explorer = Explorer(festival, n_boot=100)
    explorer.set_view(lane="lane_b")
    assert len(explorer.assessments("B 作品:00")) == 3 + 1 + 2  # three verifiers, a judge, assessed and declared rows
