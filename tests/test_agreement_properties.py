"""Property tests for ``analytics.stats.agreement`` (hypothesis, derandomized so CI is reproducible).

The properties hold for any data, so they are checked on generated long tables rather than
on published examples (those are in ``test_agreement_reference.py``):

* perfect agreement gives alpha = 1 at every level, ICC = 1 in every form (when units
  differ), and kappa-type coefficients and Kendall's W of 1;
* relabelling or reordering jurors, entries and rows changes nothing;
* shifting one juror's scores by a constant leaves ICC3 (consistency) unchanged on complete
  data and moves ICC2 (absolute agreement) towards 0;
* interval alpha is invariant under affine maps of the scores, ordinal alpha under
  increasing maps, nominal alpha under any one-to-one recoding;
* degenerate inputs (all scores equal, a single juror, every entry rated once, an empty
  table) give NaN with a reason, or a ValueError with a message - never a number and never
  another exception type.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from analytics.stats import agreement

LEVELS = ("nominal", "ordinal", "interval", "ratio")
FORMS = ("ICC1", "ICC2", "ICC3", "ICC1k", "ICC2k", "ICC3k")
TOL = 1e-9

PROPERTY = settings(max_examples=50, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


# ---------------------------------------------------------------------------------------------
# Building tables
# ---------------------------------------------------------------------------------------------

def long_table(wide, *, drop_missing: bool = False) -> pd.DataFrame:
    """A units x raters matrix (NaN = not rated) as a long table with the default columns;
    with ``drop_missing`` the unrated cells are absent rather than NaN rows."""
    wide = np.asarray(wide, dtype=float)
    rows = [(f"E{i:02d}", f"J{j}", wide[i, j]) for i in range(wide.shape[0]) for j in range(wide.shape[1])]
    frame = pd.DataFrame(rows, columns=["entry_id", "juror_id", "score"])
    return frame.dropna(subset=["score"]).reset_index(drop=True) if drop_missing else frame


@st.composite
def score_matrices(draw, *, min_units=3, max_units=10, min_raters=2, max_raters=6, missing=True,
                   low=1, high=7):
    """Integer scores low..high, units x raters, optionally with NaN holes."""
    n_units = draw(st.integers(min_units, max_units))
    n_raters = draw(st.integers(min_raters, max_raters))
    cells = draw(st.lists(st.integers(low, high), min_size=n_units * n_raters, max_size=n_units * n_raters))
    wide = np.array(cells, dtype=float).reshape(n_units, n_raters)
    if missing and draw(st.booleans()):
        holes = draw(st.lists(st.booleans(), min_size=wide.size, max_size=wide.size))
        wide[np.array(holes).reshape(wide.shape)] = np.nan
    return wide


ICC_NUMBERS = ["estimate", "f", "df1", "df2", "p_value", "ci_low", "ci_high"]


def estimate_of(result) -> float:
    return float(result.estimate)


def icc_numbers(frame: pd.DataFrame) -> pd.DataFrame:
    """The numeric columns of the ICC table, one row per form (NaN rows if the table is empty,
    which ``test_icc_table_has_six_forms_even_when_undefined`` reports separately)."""
    table = agreement.icc(frame).table
    if table.empty:
        return pd.DataFrame(np.nan, index=list(FORMS), columns=ICC_NUMBERS)
    return table.set_index("form").loc[list(FORMS), ICC_NUMBERS].astype(float)


def same(a: float, b: float, tol: float = TOL) -> bool:
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return abs(a - b) <= tol * max(1.0, abs(b))


def statistics(frame: pd.DataFrame) -> dict[str, float]:
    """Every scalar statistic on ``frame`` (Cohen's kappa on the first two jurors)."""
    out = {f"alpha_{level}": estimate_of(agreement.krippendorff_alpha(frame, level=level)) for level in LEVELS}
    estimates = icc_numbers(frame)["estimate"]
    out |= {f"icc_{form}": float(estimates[form]) for form in FORMS}
    out["kendall_w"] = estimate_of(agreement.kendall_w(frame))
    out["fleiss"] = estimate_of(agreement.fleiss_kappa(frame))
    out["ac1"] = estimate_of(agreement.gwet_ac1(frame))
    out["ac2"] = estimate_of(agreement.gwet_ac2(frame))
    return out


def pair_of_jurors(frame: pd.DataFrame, jurors) -> pd.DataFrame:
    return frame.loc[frame["juror_id"].isin(jurors)]


# ---------------------------------------------------------------------------------------------
# Perfect agreement
# ---------------------------------------------------------------------------------------------

@st.composite
def perfect_agreement(draw, missing: bool):
    """Each entry has one true score that every juror who rates it gives."""
    n_units = draw(st.integers(3, 10))
    n_raters = draw(st.integers(2, 6))
    truth = np.array(draw(st.lists(st.integers(1, 9), min_size=n_units, max_size=n_units)), dtype=float)
    wide = np.repeat(truth[:, None], n_raters, axis=1)
    if missing:
        holes = np.array(draw(st.lists(st.booleans(), min_size=wide.size, max_size=wide.size))).reshape(wide.shape)
        wide[holes] = np.nan
    return wide


@PROPERTY
@given(perfect_agreement(missing=True))
def test_perfect_agreement_gives_alpha_one(wide):
    pairable = (~np.isnan(wide)).sum(axis=1) >= 2
    assume(len(np.unique(wide[pairable][~np.isnan(wide[pairable])])) >= 2)
    frame = long_table(wide)
    for level in LEVELS:
        assert agreement.krippendorff_alpha(frame, level=level).estimate == pytest.approx(1.0, abs=TOL), level


@PROPERTY
@given(perfect_agreement(missing=False))
def test_perfect_agreement_gives_icc_kappa_w_one(wide):
    assume(len(np.unique(wide[:, 0])) >= 2)  # variance between entries exists
    frame = long_table(wide)
    estimates = icc_numbers(frame)["estimate"]
    for form in FORMS:
        assert estimates[form] == pytest.approx(1.0, abs=TOL), form
    assert agreement.fleiss_kappa(frame).estimate == pytest.approx(1.0, abs=TOL)
    assert agreement.gwet_ac1(frame).estimate == pytest.approx(1.0, abs=TOL)
    assert agreement.gwet_ac2(frame).estimate == pytest.approx(1.0, abs=TOL)
    assert agreement.kendall_w(frame).estimate == pytest.approx(1.0, abs=TOL)
    for weights in (None, "linear", "quadratic"):
        kappa = agreement.cohen_kappa(pair_of_jurors(frame, ["J0", "J1"]), weights=weights)
        assert kappa.estimate == pytest.approx(1.0, abs=TOL)


# ---------------------------------------------------------------------------------------------
# Relabelling and reordering
# ---------------------------------------------------------------------------------------------

@PROPERTY
@given(score_matrices(min_units=4, min_raters=3), st.randoms(use_true_random=False))
def test_relabelling_and_reordering_change_nothing(wide, rnd):
    frame = long_table(wide)
    units = sorted(frame["entry_id"].unique())
    raters = sorted(frame["juror_id"].unique())
    new_units = [f"film-{k}" for k in rnd.sample(range(1000), len(units))]
    new_raters = rnd.sample(range(100, 1000), len(raters))  # integer ids, another sort order
    unit_map, rater_map = dict(zip(units, new_units)), dict(zip(raters, new_raters))
    moved = frame.assign(entry_id=frame["entry_id"].map(unit_map), juror_id=frame["juror_id"].map(rater_map))
    moved = moved.sample(frac=1.0, random_state=rnd.randrange(2**31)).reset_index(drop=True)

    before, after = statistics(frame), statistics(moved)
    for name in before:
        assert same(after[name], before[name]), (name, before[name], after[name])

    np.testing.assert_allclose(icc_numbers(moved).to_numpy(), icc_numbers(frame).to_numpy(), rtol=TOL, atol=TOL)

    first_two = raters[:2]
    for weights in (None, "linear", "quadratic"):
        a = agreement.cohen_kappa(pair_of_jurors(frame, first_two), weights=weights).estimate
        b = agreement.cohen_kappa(pair_of_jurors(moved, [rater_map[r] for r in first_two]), weights=weights).estimate
        assert same(a, b), weights

    for method in ("spearman", "kendall"):
        old = agreement.rank_correlations(frame, method=method)
        new = agreement.rank_correlations(moved, method=method)
        for r1 in raters:
            for r2 in raters:
                assert same(new.loc[rater_map[r1], rater_map[r2]], old.loc[r1, r2]), (method, r1, r2)


# ---------------------------------------------------------------------------------------------
# ICC: consistency versus absolute agreement
# ---------------------------------------------------------------------------------------------

@PROPERTY
@given(score_matrices(min_units=3, missing=False), st.integers(1, 5))
def test_shifting_one_juror_keeps_icc3_and_moves_icc2_towards_zero(wide, shift):
    before = icc_numbers(long_table(wide))["estimate"]
    assume(np.isfinite(before.to_numpy()).all())
    # Shift the most lenient juror further up: the jurors' means spread out, MS_raters grows.
    lenient = int(np.argmax(wide.mean(axis=0)))
    shifted = wide.copy()
    shifted[:, lenient] += shift
    after = icc_numbers(long_table(shifted))["estimate"]
    assert after["ICC3"] == pytest.approx(before["ICC3"], abs=TOL)
    assert after["ICC3k"] == pytest.approx(before["ICC3k"], abs=TOL)
    # ICC2 = (MSB - MSE) / (MSB + (k-1) MSE + k (MSJ - MSE) / n): a larger MSJ shrinks |ICC2|.
    assert abs(after["ICC2"]) <= abs(before["ICC2"]) + TOL
    if before["ICC3"] > 0:
        assert after["ICC2"] < before["ICC2"]


def test_shifting_one_juror_example():
    """A concrete case: consistency unchanged, absolute agreement lower."""
    wide = np.array([[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]], float)
    shifted = wide.copy()
    shifted[:, 0] += 3
    before = icc_numbers(long_table(wide))["estimate"]
    after = icc_numbers(long_table(shifted))["estimate"]
    assert after["ICC3"] == pytest.approx(before["ICC3"], abs=TOL)
    assert after["ICC2"] < before["ICC2"] - 0.05


# ---------------------------------------------------------------------------------------------
# Krippendorff's alpha under transformations of the scale
# ---------------------------------------------------------------------------------------------

@PROPERTY
@given(score_matrices(), st.floats(-5, 5).filter(lambda a: abs(a) > 0.1), st.floats(-50, 50))
def test_interval_alpha_invariant_to_affine_maps(wide, scale, offset):
    base = agreement.krippendorff_alpha(long_table(wide), level="interval").estimate
    moved = agreement.krippendorff_alpha(long_table(scale * wide + offset), level="interval").estimate
    assert same(moved, base, tol=1e-8)


@PROPERTY
@given(score_matrices())
def test_ordinal_alpha_invariant_to_increasing_maps(wide):
    base = agreement.krippendorff_alpha(long_table(wide), level="ordinal").estimate
    moved = agreement.krippendorff_alpha(long_table(wide**3 + 2 * wide), level="ordinal").estimate
    assert same(moved, base, tol=1e-8)


@PROPERTY
@given(score_matrices(), st.permutations(list(range(1, 8))))
def test_nominal_alpha_invariant_to_recoding(wide, permutation):
    recode = dict(zip(range(1, 8), permutation))
    recoded = np.array([[recode[int(v)] if not np.isnan(v) else np.nan for v in row] for row in wide])
    base = agreement.krippendorff_alpha(long_table(wide), level="nominal").estimate
    moved = agreement.krippendorff_alpha(long_table(recoded), level="nominal").estimate
    assert same(moved, base, tol=1e-8)


# ---------------------------------------------------------------------------------------------
# Degenerate inputs
# ---------------------------------------------------------------------------------------------

SCALARS = {
    "krippendorff_alpha": lambda d: agreement.krippendorff_alpha(d),
    "krippendorff_alpha_nominal": lambda d: agreement.krippendorff_alpha(d, level="nominal"),
    "icc": lambda d: agreement.icc(d),
    "kendall_w": lambda d: agreement.kendall_w(d),
    "fleiss_kappa": lambda d: agreement.fleiss_kappa(d),
    "gwet_ac1": lambda d: agreement.gwet_ac1(d),
    "gwet_ac2": lambda d: agreement.gwet_ac2(d),
    "cohen_kappa": lambda d: agreement.cohen_kappa(d),
}


def assert_undefined(name: str, frame: pd.DataFrame) -> None:
    """NaN with a reason, or a ValueError with a message; nothing else."""
    try:
        result = SCALARS[name](frame)
    except ValueError as error:
        assert str(error).strip(), f"{name}: ValueError without a message"
        return
    assert math.isnan(result.estimate), f"{name} returned the number {result.estimate!r} on degenerate data"
    assert isinstance(result.reason, str) and result.reason.strip(), f"{name}: NaN without a reason"


def assert_rank_matrix_undefined(frame: pd.DataFrame) -> None:
    """rank_correlations: a ValueError with a message, or a matrix with no defined off-diagonal value."""
    try:
        matrix = agreement.rank_correlations(frame)
    except ValueError as error:
        assert str(error).strip()
        return
    values = matrix.to_numpy(float)
    off_diagonal = values[~np.eye(len(values), dtype=bool)]
    assert np.isnan(off_diagonal).all()


@st.composite
def all_scores_equal(draw):
    wide = np.full((draw(st.integers(1, 8)), draw(st.integers(1, 5))), float(draw(st.integers(0, 10))))
    holes = np.array(draw(st.lists(st.booleans(), min_size=wide.size, max_size=wide.size))).reshape(wide.shape)
    wide[holes & draw(st.booleans())] = np.nan
    return long_table(wide)


@st.composite
def single_juror(draw):
    scores = draw(st.lists(st.integers(1, 10), min_size=0, max_size=10))
    return pd.DataFrame({"entry_id": [f"E{i}" for i in range(len(scores))], "juror_id": "J0",
                         "score": np.array(scores, dtype=float)})


@st.composite
def every_entry_rated_once(draw):
    n_units = draw(st.integers(1, 10))
    n_raters = draw(st.integers(1, 5))
    wide = np.full((n_units, n_raters), np.nan)
    for i in range(n_units):
        wide[i, draw(st.integers(0, n_raters - 1))] = draw(st.integers(1, 10))
    return long_table(wide, drop_missing=draw(st.booleans()))


DEGENERATE = {
    "all_scores_equal": all_scores_equal(),
    "single_juror": single_juror(),
    "every_entry_rated_once": every_entry_rated_once(),
}


@pytest.mark.parametrize("name", sorted(SCALARS))
@pytest.mark.parametrize("kind", sorted(DEGENERATE))
def test_degenerate_inputs_are_undefined(kind, name):
    @PROPERTY
    @given(DEGENERATE[kind])
    def check(frame):
        assert_undefined(name, frame)

    check()


@pytest.mark.parametrize("kind", sorted(DEGENERATE))
def test_degenerate_inputs_give_no_rank_correlation(kind):
    @PROPERTY
    @given(DEGENERATE[kind])
    def check(frame):
        assert_rank_matrix_undefined(frame)

    check()


EMPTY_TABLES = {
    "no_rows": pd.DataFrame({"entry_id": pd.Series([], dtype=object), "juror_id": pd.Series([], dtype=object),
                             "score": pd.Series([], dtype=float)}),
    "only_missing_scores": long_table(np.full((4, 3), np.nan)),
}


@pytest.mark.parametrize("name", sorted(SCALARS))
@pytest.mark.parametrize("table", sorted(EMPTY_TABLES))
def test_empty_tables_are_undefined(table, name):
    assert_undefined(name, EMPTY_TABLES[table])


@pytest.mark.parametrize("table", sorted(EMPTY_TABLES))
def test_empty_tables_give_no_rank_correlation(table):
    assert_rank_matrix_undefined(EMPTY_TABLES[table])


def test_icc_table_has_six_forms_even_when_undefined():
    """The ICC contract: ``table`` has one row per form, ICC1..ICC3k. On data where the ICC is
    undefined the rows should still be there (with NaN), so code that looks a form up does
    not need a special case."""
    result = agreement.icc(long_table(np.ones((4, 3))))
    assert math.isnan(result.estimate) and result.reason.strip()
    assert list(result.table.get("form", pd.Series(dtype=object))) == list(FORMS)
    assert result.table["estimate"].isna().all()


# ---------------------------------------------------------------------------------------------
# The ICC bootstrap: all resamples at once equals one resample at a time
# ---------------------------------------------------------------------------------------------

def test_a_design_with_as_many_ratings_as_raters_is_undefined_not_an_error():
    # unit A rated by r1 and r2, unit B by r3: N = J, so the unit variance has no degrees of freedom
    table = pd.DataFrame({"entry_id": ["A", "A", "B"], "juror_id": ["r1", "r2", "r3"], "score": [1.0, 3.0, 2.0]})
    result = agreement.icc(table, n_boot=50, random_state=1)
    assert math.isnan(result.estimate)


@PROPERTY
@given(score_matrices(min_units=3, max_units=12, min_raters=2, max_raters=8, low=1, high=5),
       st.integers(0, 2**16), st.booleans())
def test_icc_bootstrap_all_at_once_equals_the_loop(wide, seed, split):
    """Independent computation: the loop refits each resample with the sparse least-squares
    solver of analytics.stats.additive and counts its design's parts by graph search; the batched
    routes solve every resample's juror system at once, by one batched solve with the parts
    from the raters' reachability (small panels) or by conjugate gradients with the parts from one graph search over the chunk
    (any panel). Same resamples (the same generator draws), same six forms, to floating-point
    error."""
    import importlib

    icc_module = importlib.import_module("analytics.stats.agreement.icc")  # the module, not the function it exports
    from analytics.stats.agreement.longdata import ratings

    if split:  # a design that falls apart into two groups of jurors sharing no entry
        half_u, half_r = wide.shape[0] // 2, wide.shape[1] // 2
        wide = wide.copy()
        wide[:half_u, half_r:] = np.nan
        wide[half_u:, :half_r] = np.nan
    table = long_table(wide, drop_missing=True)
    assume(table["entry_id"].nunique() >= 2 and table["juror_id"].nunique() >= 2)
    r = ratings(table, "entry_id", "juror_id", "score")
    draws = np.random.default_rng(seed).integers(0, r.n_units, size=(60, r.n_units))
    looped = icc_module._bootstrap_loop(r, draws)
    for batched in (icc_module._bootstrap_small(r, draws), icc_module._bootstrap_large(r, draws)):
        np.testing.assert_array_equal(np.isnan(batched), np.isnan(looped))
        np.testing.assert_allclose(batched, looped, rtol=1e-7, atol=1e-9)


@PROPERTY
@given(st.integers(1, 9), st.integers(0, 2**16), st.floats(0.0, 0.6))
def test_same_part_equals_a_graph_search(n_raters, seed, density):
    """``icc._same_part`` (reachability by repeated squaring) against scipy's
    ``csgraph.connected_components`` on each of a batch of random rater graphs."""
    import importlib

    from scipy.sparse.csgraph import connected_components

    icc_module = importlib.import_module("analytics.stats.agreement.icc")
    linked = np.random.default_rng(seed).random((20, n_raters, n_raters)) < density
    linked = linked | linked.transpose(0, 2, 1)
    together = icc_module._same_part(linked)
    for graph, ours in zip(linked, together):
        _, labels = connected_components(graph, directed=False)
        np.testing.assert_array_equal(ours, (labels[:, None] == labels[None, :]).astype(float))


def test_icc_bootstrap_of_a_large_sparse_design_equals_the_loop():
    """A design beyond the dense route (90 raters, 4 of them per unit, two parts): the
    conjugate-gradient route against the per-resample refit, on the same draws."""
    import importlib

    icc_module = importlib.import_module("analytics.stats.agreement.icc")
    from analytics.stats.agreement.longdata import Ratings

    rng = np.random.default_rng(7)
    n_u, n_r, per = 300, 90, 4
    unit = np.repeat(np.arange(n_u), per)
    rater = np.concatenate([rng.choice(45, per, replace=False) + (45 if u >= 150 else 0) for u in range(n_u)])
    value = np.round(2 * (rng.normal(size=n_u)[unit] + rng.normal(size=n_r)[rater] + rng.normal(size=len(unit)))) / 2
    r = Ratings(unit, rater, value, pd.Index(range(n_u)), pd.Index(range(n_r)))
    assert r.n_raters > icc_module.DENSE_MAX_RATERS
    draws = rng.integers(0, n_u, size=(40, n_u))
    np.testing.assert_allclose(icc_module._bootstrap_large(r, draws), icc_module._bootstrap_loop(r, draws),
                               rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("n_units, n_boot", [(7, 50), (3000, 400), (5000, 400), (40_000, 500)])
def test_seeded_weights_equal_a_fresh_draw_whether_kept_or_not(n_units, n_boot, monkeypatch):
    """The alphas of a lane reuse the last resample weights drawn with their seed: kept as floats,
    as 16-bit counts (a larger set) or not at all (beyond the cap), they are the very numbers a
    fresh generator gives, and a second call gives them again (the 14 alphas of a lane agree with
    14 separate draws)."""
    from analytics.stats.agreement import longdata

    monkeypatch.setattr(longdata, "CACHED_AS_FLOATS", 1_500_000)
    monkeypatch.setattr(longdata, "CACHED_VALUES", 15_000_000)
    fresh = np.concatenate(list(longdata.resample_weights(np.random.default_rng(2026), n_units, n_boot)))
    for _ in range(2):
        kept = np.concatenate(list(longdata.seeded_resample_weights(2026, n_units, n_boot)))
        assert kept.dtype == np.float64
        np.testing.assert_array_equal(kept, fresh)
    other = np.concatenate(list(longdata.seeded_resample_weights(7, n_units, n_boot)))
    assert not np.array_equal(other, fresh)


def test_an_alpha_interval_is_the_same_after_another_scopes_alpha():
    """The interval of one table does not depend on what was computed before it in the process."""
    rng = np.random.default_rng(3)
    long = pd.DataFrame({"entry_id": np.repeat(np.arange(60), 3), "juror_id": np.tile([0, 1, 2], 60),
                         "score": rng.integers(1, 8, 180).astype(float)})
    first = agreement.krippendorff_alpha(long, n_boot=300, random_state=11)
    agreement.krippendorff_alpha(long.assign(score=long["score"][::-1].to_numpy()), level="ordinal", n_boot=300,
                                 random_state=11)
    again = agreement.krippendorff_alpha(long, n_boot=300, random_state=11)
    assert (first.ci_low, first.ci_high) == (again.ci_low, again.ci_high)
