"""Standings: methods, leave-one-juror-out, bootstrap over jurors, and first-place blockers."""

from __future__ import annotations

import os
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd
import pytest

from analytics import load_festival
from analytics.checks.rankings import ranking_flags, rankings
from analytics.checks.shared import Shared

from .conftest import DEMO


@pytest.fixture(scope="module")
def demo():
    return load_festival(DEMO)


@pytest.fixture(scope="module")
def demo_rankings(demo):
    table = rankings(demo, n_boot=400)
    return table, ranking_flags(demo, table)


def test_official_rank_follows_the_official_score(demo, demo_rankings):
    table, _ = demo_rankings
    official = Shared(demo).entry_scores.set_index("entry_id")["score"]
    np.testing.assert_allclose(table.set_index("entry_id")["score"], official.reindex(table["entry_id"]))
    for _, lane in table.groupby("lane"):
        assert lane["rank"].is_monotonic_increasing and lane["rank"].iloc[0] == 1


def test_bootstrap_probabilities_are_probabilities(demo_rankings):
    table, _ = demo_rankings
    assert table.groupby("lane")["p_first"].sum().round(6).eq(1).all()  # one first place per resample
    assert ((table["p_top3"] >= table["p_first"]) & (table["rank_low"] <= table["rank_high"])).all()


def test_the_planted_near_tie_is_three_blockers_and_nothing_else(demo_rankings):
    table, flags = demo_rankings
    assert {(f.check, f.entry_id, f.severity) for f in flags} == {
        ("first_place_tie", "GC-06", "blocker"), ("first_place_uncertain", "GC-06", "blocker"),
        ("first_place_unstable", "GC-06", "blocker")}
    clear = table[(table["lane"] != "generative_cinema") & (table["rank"] == 1)]
    assert (clear["p_first"] == 1).all() and (clear["loo_rank_worst"] == 1).all()


def test_rankings_are_reproducible_from_the_seed(demo):
    a = rankings(demo, n_boot=200)
    b = rankings(demo, n_boot=200)
    pd.testing.assert_frame_equal(a, b)


def test_model_adjusted_ranking_allows_for_a_harsh_juror_on_a_subset(mini):
    """DB-1 and DB-2 are equally good, but only the harsh juror B2 judged DB-1 alongside B1...
    here: B1 scores both 7; harsh B2 scores only DB-1 (4) and a third entry. The mean punishes
    DB-1; the additive model sees that B2 is harsh on everything and does not."""
    append_rows = "\n".join([
        "DB-3,Third,digital_being,10,60,60,60,60,60,60,60,Sora,4K,yes,yes,yes,yes,yes,yes,Japan"])
    with (mini / "entries.csv").open("a", encoding="utf-8") as handle:
        handle.write(append_rows + "\n")
    lines = (mini / "scores.csv").read_text(encoding="utf-8").splitlines()
    rows = [line for line in lines[1:] if not line.startswith("DB-")]
    for c in ("story", "craft", "ethics"):
        rows += [f"DB-1,B1,{c},7", f"DB-2,B1,{c},7", f"DB-3,B1,{c},9", f"DB-1,B2,{c},4", f"DB-3,B2,{c},6"]
    (mini / "scores.csv").write_text("\n".join([lines[0], *rows]) + "\n", encoding="utf-8")
    (mini / "assignments.csv").write_text("juror_id,entry_id\nA1,GC-1\nA1,GC-2\nA2,GC-1\nB1,DB-1\nB1,DB-2\nB1,DB-3\n"
                                          "B2,DB-1\nB2,DB-3\n", encoding="utf-8")
    table = rankings(load_festival(mini), n_boot=100)
    db = table[table["lane"] == "digital_being"].set_index("entry_id")
    assert db.loc["DB-1", "score"] < db.loc["DB-2", "score"]  # official mean: 5.5 against 7
    assert db.loc["DB-1", "score_model"] == pytest.approx(db.loc["DB-2", "score_model"])  # model: equal


def test_a_winner_carried_by_one_juror_is_unstable(mini):
    # B1 and B2 split: B2 alone lifts DB-2 above DB-1
    lines = (mini / "scores.csv").read_text(encoding="utf-8").splitlines()
    rows = [line for line in lines[1:] if not line.startswith("DB-")]
    for c in ("story", "craft", "ethics"):
        rows += [f"DB-1,B1,{c},8", f"DB-2,B1,{c},7", f"DB-1,B2,{c},6", f"DB-2,B2,{c},9"]
    (mini / "scores.csv").write_text("\n".join([lines[0], *rows]) + "\n", encoding="utf-8")
    festival = load_festival(mini)
    flags = ranking_flags(festival, rankings(festival, n_boot=200))
    unstable = [f for f in flags if f.check == "first_place_unstable"]
    assert [(f.lane, f.entry_id) for f in unstable] == [("digital_being", "DB-2")]
    assert "without B2 DB-1 wins" in unstable[0].message


@pytest.mark.parametrize("trim", [0.0, 0.1, 0.2, 0.34])
def test_trimmed_mean_equals_scipy(demo, trim):
    from scipy import stats  # peer: scipy.stats.trim_mean(values, proportiontocut)

    from analytics.checks.rankings import _trimmed_means
    from analytics.rules.scoring import weighted_totals

    totals = weighted_totals(demo)
    expected = totals.groupby("entry_id")["score"].agg(lambda s: stats.trim_mean(s, trim))
    np.testing.assert_allclose(_trimmed_means(totals, trim).sort_index(), expected.sort_index(), atol=1e-12)


# --- the official result once: decimals coarser than the scale's step (issue 20) ---------------

QUARTER_POINTS = """[festival]
name = "Quarter points, one decimal"

[scale]
min = 0
max = 6
step = 0.25

[[criteria]]
id = "overall"
label = "Overall"

[[criteria]]
id = "story"
label = "Story"

[[criteria]]
id = "craft"
label = "Craft"

[[lanes]]
id = "solo"
name = "One criterion"
weights = { overall = 1 }

[[lanes]]
id = "duo"
name = "Two criteria"
weights = { story = 1, craft = 1 }

[aggregation]
jurors = "mean"
decimals = 1

[checks]
bootstrap_resamples = 100
seed = 7
"""


def write_quarter_points(folder, seed: int) -> pd.DataFrame:
    """A 0-6 scale in quarter points with ``decimals = 1``: each juror's marks finer than the
    official result. SOLO-0 (2.25, 2.25, 2.75: mean 2.4167, 2.4; with each mark rounded first,
    2.4667, 2.5) and DUO-0 (each juror's total 2.125: 2.1; with each contribution rounded first,
    1.4 + 0.8 = 2.2) are where rounding a juror's own numbers changes the official result."""
    rng = np.random.default_rng(seed)
    folder.mkdir()
    (folder / "festival.toml").write_text(QUARTER_POINTS, encoding="utf-8")
    lanes = {"solo": (["J1", "J2", "J3"], ["overall"]), "duo": (["K1", "K2", "K3"], ["story", "craft"])}
    rows = [("SOLO-0", j, "overall", m) for j, m in zip(["J1", "J2", "J3"], [2.25, 2.25, 2.75])]
    rows += [("DUO-0", j, c, m) for j in ["K1", "K2", "K3"] for c, m in (("story", 2.75), ("craft", 1.5))]
    entries = [("SOLO-0", "solo"), ("DUO-0", "duo")]
    for lane, (jurors, criteria) in lanes.items():
        for e in range(1, 8):
            entry = f"{lane.upper()}-{e}"
            entries.append((entry, lane))
            rows += [(entry, j, c, rng.integers(0, 25) / 4) for j in jurors for c in criteria]
    pd.DataFrame([(e, f"Entry {e}", lane) for e, lane in entries], columns=["entry_id", "title", "category"]).to_csv(
        folder / "entries.csv", index=False)
    pd.DataFrame([(j, f"Juror {j}", lane) for lane, (jurors, _) in lanes.items() for j in jurors],
                 columns=["juror_id", "name", "panel"]).to_csv(folder / "jurors.csv", index=False)
    scores = pd.DataFrame(rows, columns=["entry_id", "juror_id", "criterion", "score"])
    scores.to_csv(folder / "scores.csv", index=False)
    return scores


def exact_half_up(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def exact_official(scores: pd.DataFrame) -> tuple[dict, dict]:
    """Design section 10 in exact decimal arithmetic, with no project code: each juror's total
    (weighted mean of their marks, never rounded), its mean over the jurors rounded half up to one
    decimal (the entry's result); per criterion, the mean of the marks rounded half up."""
    result, per_criterion = {}, {}
    for entry, rows in scores.groupby("entry_id"):
        criteria = sorted(set(rows["criterion"]))
        weight = Decimal(1) / Decimal(len(criteria))  # equal weights, weighted_mean
        totals = [sum(weight * Decimal(str(m)) for m in mine["score"]) for _, mine in rows.groupby("juror_id")]
        result[entry] = exact_half_up(sum(totals) / Decimal(len(totals)))
        for c in criteria:
            marks = [Decimal(str(m)) for m in rows.loc[rows["criterion"] == c, "score"]]
            per_criterion[(entry, c)] = exact_half_up(sum(marks) / Decimal(len(marks)))
    return result, per_criterion


@pytest.mark.parametrize("seed", [1, 2])
def test_rankings_and_entry_scores_are_one_official_result_in_exact_decimals(tmp_path, seed):
    from analytics.apps import cli

    scores = write_quarter_points(tmp_path / "quarter", seed)
    out = tmp_path / "out"
    assert cli.main(["check", str(tmp_path / "quarter"), "--out", str(out), "--quiet"]) in (0, 1)
    result, per_criterion = exact_official(scores)
    ranked = pd.read_csv(out / "rankings.csv").set_index("entry_id")
    got = pd.read_csv(out / "entry_scores.csv").set_index(["entry_id", "criterion"])["score"]
    # each number is a multiple of 0.1: a float within 1e-9 of it is that number
    assert ranked.loc["SOLO-0", "score"] == pytest.approx(2.4, abs=1e-9)
    assert got.loc[("SOLO-0", "overall")] == pytest.approx(2.4, abs=1e-9)
    assert ranked.loc["DUO-0", "score"] == pytest.approx(2.1, abs=1e-9)
    for entry, want in result.items():
        assert ranked.loc[entry, "score"] == pytest.approx(float(want), abs=1e-9), entry
        assert ranked.loc[entry, "round_score"] == pytest.approx(float(want), abs=1e-9), entry
    for key, want in per_criterion.items():
        assert got.loc[key] == pytest.approx(float(want), abs=1e-9), key
    solo = ranked[ranked["lane"] == "solo"]  # one criterion: its panel score is the entry's result
    np.testing.assert_allclose(solo["score"], got.xs("overall", level="criterion").reindex(solo.index), atol=1e-9)


# --- no warning reaches the chair's terminal (issue 20) -----------------------------------------

SPARSE = """[festival]
name = "Sparse panels"

[scale]
min = 1
max = 10
step = 1

[[criteria]]
id = "story"
label = "Story"

[[criteria]]
id = "craft"
label = "Craft"

[[lanes]]
id = "alone"
name = "A lane with one juror"

[[lanes]]
id = "thin"
name = "Entries scored by one juror"

[checks]
bootstrap_resamples = 100
seed = 3
"""


def write_sparse(folder) -> None:
    """A lane judged by one juror, and a lane where some entries have one juror's scores only and
    one (T5) has none."""
    folder.mkdir()
    (folder / "festival.toml").write_text(SPARSE, encoding="utf-8")
    (folder / "entries.csv").write_text("entry_id,title,category\nA1,One,alone\nA2,Two,alone\nA3,Three,alone\n"
                                        "T1,Four,thin\nT2,Five,thin\nT3,Six,thin\nT4,Seven,thin\nT5,Eight,thin\n", encoding="utf-8")
    (folder / "jurors.csv").write_text("juror_id,name,panel\nJ1,Ann,alone\nJ2,Bob,thin\nJ3,Cy,thin\nJ4,Di,thin\n",
                                       encoding="utf-8")
    pairs = [("A1", "J1"), ("A2", "J1"), ("A3", "J1"), ("T1", "J2"), ("T1", "J3"), ("T2", "J2"), ("T3", "J3"),
             ("T3", "J4"), ("T4", "J4"), ("T2", "J4")]
    rows = [f"{e},{j},{c},{(len(e + j) * 7 + i * 3 + int(e[1])) % 10 + 1}"
            for i, (e, j) in enumerate(pairs) for c in ("story", "craft")]
    (folder / "scores.csv").write_text("entry_id,juror_id,criterion,score\n" + "\n".join(rows) + "\n", encoding="utf-8")


def test_jury_check_on_one_juror_panels_and_entries_writes_no_warning(tmp_path):
    import subprocess
    import sys

    from .conftest import REPO

    write_sparse(tmp_path / "sparse")
    result = subprocess.run([sys.executable, "-W", "error", "-m", "analytics", "check", str(tmp_path / "sparse"),
                             "--out", str(tmp_path / "out")], cwd=REPO, capture_output=True, text=True, timeout=300, check=False,
                            env={**os.environ, "PYTHONWARNINGS": "error", "JURY_DEBUG": "1"})
    assert result.returncode in (0, 1), result.stderr
    assert "Warning" not in result.stderr, result.stderr
    ranked = pd.read_csv(tmp_path / "out" / "rankings.csv").set_index("entry_id")
    assert ranked.loc[["A1", "A2", "A3"], "loo_rank_best"].isna().all()  # one juror: none to leave out
    assert ranked.loc[["T1", "T2", "T3", "T4"], "loo_rank_best"].notna().all()
    assert np.isnan(ranked.loc["T5", "score"]) and ranked["gap_low"].notna().sum() == 5  # no lead to or from T5


def test_the_bootstrap_quantiles_are_numpys_over_the_resamples_that_define_them():
    """The intervals kept from the tails of each column, a chunk of resamples at a time, for
    columns with gaps (an entry a resample left without scores): the same numbers as
    ``np.nanquantile`` on the whole column, whatever the chunks."""
    import warnings

    from analytics.stats.streaming import Tails, tail_size

    rng = np.random.default_rng(21)
    for _ in range(200):
        values = rng.normal(size=(rng.integers(1, 1200), rng.integers(1, 30))).round(rng.integers(0, 3))
        values[rng.random(values.shape) < rng.random()] = np.nan
        tails = Tails(values.shape[1], tail_size(len(values), (0.025, 0.975)))
        step = int(rng.integers(1, 400))
        for start in range(0, len(values), step):
            tails.add(values[start:start + step])
        low, high = tails.quantiles((0.025, 0.975))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # numpy's all-NaN columns
            expected = np.nanquantile(values, [0.025, 0.975], axis=0)
        np.testing.assert_allclose(np.c_[low, high], expected.T, rtol=0, atol=1e-12)


@pytest.mark.parametrize("chunk", [1, 37, 2_000_000])
def test_the_resampled_juries_in_chunks_give_the_numbers_of_one_piece(chunk, monkeypatch):
    """The bootstrap is streamed a chunk of juries at a time (one jury per chunk at the smallest);
    the draws continue the same generator and the intervals are kept from each entry's tails, so
    the table is that of all juries at once (p_first summed by chunk: within rounding)."""
    import analytics.checks.rankings as module

    festival = load_festival(DEMO)
    whole = rankings(Shared(festival))
    monkeypatch.setattr(module, "CHUNK_VALUES", chunk)
    chunked = rankings(Shared(festival))
    pd.testing.assert_frame_equal(chunked, whole, rtol=1e-12, atol=1e-14)
    assert whole["rank_low"].notna().all() and (whole["rank_low"] <= whole["rank_high"]).all()
