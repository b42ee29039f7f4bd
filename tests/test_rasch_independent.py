"""The many-facet Rasch estimator (analytics.stats.rasch) against an independent estimator written here.

``fit_rasch`` updates each facet's elements from the diagonal of the likelihood's Hessian and the
thresholds from their own block, and re-centres after every sweep. The estimator below shares none of
that: it is plain Newton–Raphson on the *full* joint log-likelihood, with a dense gradient and Hessian
over every free parameter at once, in a different parametrisation (reference coding: the first element
of each centred facet and the first threshold of each scale fixed at 0), and only afterwards moved to
FACETS' identification (the floating facet free; every other facet, and each scale's thresholds,
summing to 0). Both maximise the same likelihood, so at convergence they must agree to rounding.

The joint log-likelihood is written as an exponential family: a rating in category j (0 … m) has

    log P(X = j) = j·η - Σ_{k ≤ j} F_k - A(η, F),    η = Σ_f s_f θ_f,

so with the sufficient statistic t(j) = (j, -[j ≥ 1], …, -[j ≥ m]) and the natural parameters
φ = (η, F_1 … F_m) = D β of a rating (D: which free parameters enter its η and its thresholds), the
gradient is Σ Dᵀ (t(x) - E t) and the information Σ Dᵀ Cov(t) D.

Then the statistics (model S.E., infit, outfit) are recomputed here from the fitted measures, and a few
invariants and FACETS' treatment of extreme elements are checked. Small designs only: the whole file
runs in a few seconds.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analytics.stats.rasch import Facet, fit_rasch

TOL = 1e-6  # agreement with the independent estimator (fit_rasch stops at a score residual of 1e-8)


# --- the independent estimator -------------------------------------------------------------------------

def _sign(facet: Facet) -> float:
    return 1.0 if facet.orientation == "positive" else -1.0


def _log_probabilities(eta: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    """log P(X = j), j = 0 … m, per rating: j·η - Σ_{k ≤ j} F_k, normalised (``thresholds``: ratings × m)."""
    m = thresholds.shape[1]
    j = np.arange(m + 1, dtype=float)
    partial = np.concatenate([np.zeros((len(eta), 1)), np.cumsum(thresholds, axis=1)], axis=1)
    logits = j[None, :] * eta[:, None] - partial
    top = logits.max(axis=1, keepdims=True)
    return logits - (top + np.log(np.exp(logits - top).sum(axis=1, keepdims=True)))


def _layout(data: pd.DataFrame, facets, step_facet, score="score"):
    """The ratings as category indices 0 … m, each facet's sorted element labels and per-rating codes."""
    categories, x = np.unique(data[score].to_numpy(dtype=float), return_inverse=True)
    labels = {f.column: sorted(data[f.column].unique()) for f in facets}
    codes = {f.column: data[f.column].map({e: i for i, e in enumerate(labels[f.column])}).to_numpy()
             for f in facets}
    steps = labels[step_facet] if step_facet else [""]
    step_of = codes[step_facet] if step_facet else np.zeros(len(x), dtype=int)
    return categories, x, labels, codes, steps, step_of


def newton_jmle(data: pd.DataFrame, facets, step_facet=None, score="score"):
    """The JMLE by plain Newton–Raphson on the joint log-likelihood (dense gradient and Hessian, one
    solve per iteration, step halving to keep the concave log-likelihood rising), re-centred to FACETS'
    identification. Returns ({column: Series of measures by element}, thresholds: steps × m array,
    step labels)."""
    categories, x, labels, codes, steps, step_of = _layout(data, facets, step_facet, score)
    n, m = len(x), len(categories) - 1
    # the free parameters: every element of the floating facet; all but the first of each centred facet;
    # each scale's thresholds but the first (into category 1), fixed at 0
    columns = []
    for f in facets:
        first = 0 if not f.centered else 1
        columns += [("facet", f.column, e) for e in range(first, len(labels[f.column]))]
    columns += [("step", s, k) for s in range(len(steps)) for k in range(1, m)]
    design = np.zeros((n, m + 1, len(columns)))  # φ = (η, F_1 … F_m) of each rating = design @ β
    for p, (kind, which, index) in enumerate(columns):
        if kind == "facet":
            facet = next(f for f in facets if f.column == which)
            design[codes[which] == index, 0, p] = _sign(facet)
        else:
            design[step_of == which, 1 + index, p] = 1.0
    j = np.arange(m + 1)
    stat = np.column_stack([j, *[-(j >= k).astype(float) for k in range(1, m + 1)]])  # t(j): (m+1) × (m+1)
    observed = stat[x]

    def log_likelihood(beta):
        phi = design @ beta
        logp = _log_probabilities(phi[:, 0], phi[:, 1:])
        return logp[np.arange(n), x].sum(), np.exp(logp)

    beta = np.zeros(len(columns))
    ll, p = log_likelihood(beta)
    for _ in range(200):
        mean = p @ stat
        gradient = np.einsum("rcp,rc->p", design, observed - mean)
        if np.abs(gradient).max() < 1e-10:
            break
        cov = np.einsum("rj,jc,jd->rcd", p, stat, stat) - mean[:, :, None] * mean[:, None, :]
        weighted = np.einsum("rcd,rdq->rcq", cov, design)
        information = design.reshape(n * (m + 1), -1).T @ weighted.reshape(n * (m + 1), -1)
        delta = np.linalg.solve(information, gradient)
        t = 1.0
        while True:
            new_ll, new_p = log_likelihood(beta + t * delta)
            if new_ll >= ll - 1e-12 or t < 1e-8:
                break
            t /= 2
        beta, ll, p = beta + t * delta, new_ll, new_p
    else:
        raise AssertionError("the independent Newton–Raphson did not converge")
    theta = {f.column: np.zeros(len(labels[f.column])) for f in facets}
    tau = np.zeros((len(steps), m))
    for value, (kind, which, index) in zip(beta, columns):
        if kind == "facet":
            theta[which][index] = value
        else:
            tau[which, index] = value
    # FACETS' identification. Each scale's thresholds to mean 0: η - F_k is unchanged if the ratings on
    # that scale have η lowered by the same mean, through the floating facet (one scale) or the step
    # facet's own element (partial credit).
    floating = next(f for f in facets if not f.centered)
    shift = tau.mean(axis=1)
    tau -= shift[:, None]
    if step_facet is None:
        theta[floating.column] -= _sign(floating) * shift[0]
    else:
        facet = next(f for f in facets if f.column == step_facet)
        theta[step_facet] -= _sign(facet) * shift
    # then every centred facet to mean 0, the floating facet taking up the same contribution to η
    for f in facets:
        if f.centered:
            mean = theta[f.column].mean()
            theta[f.column] -= mean
            theta[floating.column] += _sign(f) * _sign(floating) * mean
    measures = {f.column: pd.Series(theta[f.column], index=labels[f.column]) for f in facets}
    return measures, tau, steps


# --- helpers -------------------------------------------------------------------------------------------

def fitted_thresholds(fit, steps) -> np.ndarray:
    """fit_rasch's thresholds as a steps × m array, each step's in the order of its categories."""
    t = fit.thresholds.sort_values(["step", "category"])
    return np.vstack([t.loc[t["step"] == s, "threshold"].to_numpy(dtype=float) for s in steps])


def fitted_measures(fit, column) -> pd.Series:
    return fit.measures[column].set_index("element")["measure"]


def recomputed_statistics(data, facets, fit, step_facet=None, score="score") -> dict[str, pd.DataFrame]:
    """Model S.E., infit, outfit, observed and fair average of every element, recomputed from fit_rasch's
    own measures and thresholds: E, W the expected category and model variance of each rating;
    S.E. = 1/√ΣW, infit = Σ(x-E)²/ΣW, outfit = mean of (x-E)²/W, over the element's ratings; the fair
    average the expected rating (in the scale's own units) at the element's measure with every other
    facet at its elements' mean measure (under partial credit, on the element's own scale if it is of
    the step facet, else averaged over the step facet's scales)."""
    categories, x, _labels, _codes, steps, step_of = _layout(data, facets, step_facet, score)
    eta = sum(_sign(f) * data[f.column].map(fitted_measures(fit, f.column)).to_numpy(dtype=float) for f in facets)
    tau = fitted_thresholds(fit, steps)
    p = np.exp(_log_probabilities(eta, tau[step_of]))
    j = np.arange(p.shape[1])
    expected = p @ j
    variance = p @ j**2 - expected**2
    squared = (x - expected) ** 2
    out = {}
    for f in facets:
        frame = pd.DataFrame({"element": data[f.column].to_numpy(), "w": variance, "sq": squared,
                              "z2": squared / variance})
        g = frame.groupby("element")
        out[f.column] = pd.DataFrame({"se": 1 / np.sqrt(g["w"].sum()), "infit": g["sq"].sum() / g["w"].sum(),
                                      "outfit": g["z2"].mean()})
        out[f.column]["observed_average"] = data.groupby(f.column)[score].mean()
        own = fitted_measures(fit, f.column).reindex(out[f.column].index).to_numpy(dtype=float)
        level = _sign(f) * own + sum(_sign(g) * fitted_measures(fit, g.column).mean() for g in facets if g is not f)
        if step_facet == f.column:  # each element on its own scale
            scales = tau[[steps.index(e) for e in out[f.column].index]]
            fair = np.exp(_log_probabilities(level, scales)) @ categories
        else:
            fair = np.mean([np.exp(_log_probabilities(level, np.tile(t, (len(level), 1)))) @ categories for t in tau],
                           axis=0)
        out[f.column]["fair_average"] = fair
    return out


def simulate(rng, eta: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    """A category 0 … m per rating drawn from the model (``thresholds``: ratings × m)."""
    cumulative = np.cumsum(np.exp(_log_probabilities(eta, thresholds)), axis=1)
    return (rng.random(len(eta))[:, None] > cumulative[:, :-1]).sum(axis=1)


def assert_clean(data, facets, step_facet=None, score="score"):
    """No element extreme (all its ratings in the lowest or in the highest category) and every category
    observed (on each step element's scale, under partial credit): a finite JMLE for everything."""
    categories = np.unique(data[score])
    for f in facets:
        lo = data.groupby(f.column)[score].agg(["min", "max"])
        assert (lo["min"] < categories[-1]).all() and (lo["max"] > categories[0]).all(), f.column
    if step_facet:
        for s, group in data.groupby(step_facet):
            assert len(np.unique(group[score])) == len(categories), s


def names(prefix, n):
    return [f"{prefix}{i:02d}" for i in range(n)]


# --- the random designs --------------------------------------------------------------------------------

def crossed_two_facets(seed=11, n_entries=30, n_jurors=6):
    """(a) 30 entries × 6 jurors fully crossed, 5 categories labelled 1-5, one rating scale."""
    rng = np.random.default_rng(seed)
    ability, severity = rng.normal(0, 1.0, n_entries), rng.normal(0, 0.6, n_jurors)
    e, j = np.meshgrid(np.arange(n_entries), np.arange(n_jurors), indexing="ij")
    e, j = e.ravel(), j.ravel()
    x = simulate(rng, ability[e] - severity[j], np.tile([-1.6, -0.5, 0.4, 1.7], (len(e), 1)))
    data = pd.DataFrame({"entry": np.array(names("E", n_entries))[e], "juror": np.array(names("J", n_jurors))[j],
                         "score": x + 1})
    return data, [Facet("entry", "positive", centered=False), Facet("juror")], None


def rotating_three_facets(seed=1):
    """(b) 40 entries × 8 jurors × 3 criteria, each entry rated by 3 of the 8 jurors (jurors e, e+1, e+2
    mod 8: the panels overlap, so the design stays connected) on every criterion; 4 categories."""
    rng = np.random.default_rng(seed)
    n_entries, n_jurors = 40, 8
    ability, severity, difficulty = rng.normal(0, 1.0, n_entries), rng.normal(0, 0.5, n_jurors), [-0.4, 0.1, 0.3]
    rows = [(e, (e + d) % n_jurors, c) for e in range(n_entries) for d in range(3) for c in range(3)]
    e, j, c = (np.array(v) for v in zip(*rows))
    x = simulate(rng, ability[e] - severity[j] - np.take(difficulty, c), np.tile([-1.2, 0.0, 1.2], (len(e), 1)))
    data = pd.DataFrame({"entry": np.array(names("E", n_entries))[e], "juror": np.array(names("J", n_jurors))[j],
                         "criterion": np.array(["Craft", "Depth", "Voice"])[c], "score": x})
    return data, [Facet("entry", "positive", centered=False), Facet("juror"), Facet("criterion")], None


def partial_credit(seed=5):
    """(c) 30 entries × 4 jurors × 3 criteria, partial credit: each criterion its own thresholds
    (``step_facet="criterion"``), 4 categories."""
    rng = np.random.default_rng(seed)
    n_entries, n_jurors = 30, 4
    ability, severity, difficulty = rng.normal(0, 1.0, n_entries), rng.normal(0, 0.5, n_jurors), [-0.5, 0.2, 0.3]
    scales = np.array([[-2.0, 0.0, 2.0], [-0.8, -0.3, 1.1], [-1.0, 0.6, 0.4]])
    e, j, c = (v.ravel() for v in np.meshgrid(np.arange(n_entries), np.arange(n_jurors), np.arange(3),
                                              indexing="ij"))
    x = simulate(rng, ability[e] - severity[j] - np.take(difficulty, c), scales[c])
    data = pd.DataFrame({"entry": np.array(names("E", n_entries))[e], "juror": np.array(names("J", n_jurors))[j],
                         "criterion": np.array(["Craft", "Depth", "Voice"])[c], "score": x})
    return data, [Facet("entry", "positive", centered=False), Facet("juror"), Facet("criterion")], "criterion"


def juror_floating(seed=8):
    """(d) the juror facet floats (oriented positive: leniency, centred near +0.7, not 0), entries centred,
    criteria centred; 20 entries × 5 jurors × 2 criteria, 5 categories, one rating scale."""
    rng = np.random.default_rng(seed)
    n_entries, n_jurors = 20, 5
    ability, leniency, difficulty = rng.normal(0, 1.0, n_entries), rng.normal(0.7, 0.5, n_jurors), [-0.3, 0.3]
    e, j, c = (v.ravel() for v in np.meshgrid(np.arange(n_entries), np.arange(n_jurors), np.arange(2),
                                              indexing="ij"))
    x = simulate(rng, ability[e] + leniency[j] - np.take(difficulty, c), np.tile([-1.5, -0.4, 0.5, 1.4], (len(e), 1)))
    data = pd.DataFrame({"entry": np.array(names("E", n_entries))[e], "juror": np.array(names("J", n_jurors))[j],
                         "criterion": np.array(["Craft", "Voice"])[c], "score": x})
    facets = [Facet("juror", "positive", centered=False), Facet("entry", "positive"), Facet("criterion")]
    return data, facets, None


DESIGNS = {"a-crossed-2-facets": crossed_two_facets, "b-rotating-3-facets": rotating_three_facets,
           "c-partial-credit": partial_credit, "d-juror-floating": juror_floating}


# --- 1. against the independent estimator --------------------------------------------------------------

@pytest.mark.parametrize("design", DESIGNS.values(), ids=DESIGNS.keys())
def test_measures_and_thresholds_agree_with_an_independent_newton_raphson(design):
    """Simulated designs (a)–(d): fit_rasch's measures and thresholds equal, to 1e-6, those of the
    dense Newton–Raphson on the joint log-likelihood above, re-centred to FACETS' identification. True
    because both maximise the same likelihood (concave, with a unique maximum once identified: no
    element extreme, every category observed, a connected design) and identify it the same way."""
    data, facets, step_facet = design()
    assert_clean(data, facets, step_facet)
    fit = fit_rasch(data, facets, step_facet=step_facet)
    assert fit.converged
    measures, tau, steps = newton_jmle(data, facets, step_facet)
    for f in facets:
        got = fitted_measures(fit, f.column).reindex(measures[f.column].index)
        np.testing.assert_allclose(got.to_numpy(), measures[f.column].to_numpy(), rtol=0, atol=TOL,
                                   err_msg=f.column)
    np.testing.assert_allclose(fitted_thresholds(fit, steps), tau, rtol=0, atol=TOL)
    # and the identification really is FACETS': the centred facets and each scale sum to 0
    for f in facets:
        if f.centered:
            assert measures[f.column].sum() == pytest.approx(0, abs=1e-9)
            assert fitted_measures(fit, f.column).sum() == pytest.approx(0, abs=1e-9)
    assert np.abs(fitted_thresholds(fit, steps).sum(axis=1)).max() < 1e-9


@pytest.mark.parametrize("design", DESIGNS.values(), ids=DESIGNS.keys())
def test_se_infit_outfit_and_averages_agree_with_their_definitions(design):
    """Designs (a)–(d): each element's model S.E. = 1/√ΣW, infit = Σ(x-E)²/ΣW and outfit = the mean of
    (x-E)²/W (E, W: a rating's expected category and model variance), and its observed and fair
    averages, recomputed here from fit_rasch's own measures and thresholds, equal its table to 1e-6: the
    statistics are FACETS' definitions applied to the fitted model, whatever the solver."""
    data, facets, step_facet = design()
    fit = fit_rasch(data, facets, step_facet=step_facet)
    recomputed = recomputed_statistics(data, facets, fit, step_facet)
    for f in facets:
        table = fit.measures[f.column].set_index("element")
        for stat in ("se", "infit", "outfit", "observed_average", "fair_average"):
            expected = recomputed[f.column][stat]
            np.testing.assert_allclose(table[stat].reindex(expected.index).to_numpy(), expected.to_numpy(), rtol=0,
                                       atol=TOL, err_msg=f"{f.column} {stat}")


# --- 2. invariants -------------------------------------------------------------------------------------

def test_a_juror_shifted_up_one_category_becomes_more_lenient_and_alone():
    """A juror (J00, never using the top category) gives every rating one category higher.

    What is exactly true: this is *not* a pure change of the juror's severity (under the Rasch model a
    severity change moves the juror's category probabilities, it does not add 1 to every rating), and it
    also raises every entry's score and changes the category counts, so no measure is predicted
    exactly. But the JMLE solves ∇A(β) = T (A the log-partition function of the identified model,
    strictly convex; T the sufficient statistics), so for the two data sets
    (β' - β)·(T' - T) = (β' - β)·(∇A(β') - ∇A(β)) > 0. Only the shifted ratings' statistic changes,
    t(x+1) - t(x) = (1, 0 … -1 at step x+1 … 0), so this is Σ over J00's ratings of
    Δη - ΔF_{x+1} > 0: the log-odds of each shifted rating's new category over its old one rise on
    balance. That is asserted first.

    What is true in practice (not a theorem, asserted with a wide margin): the shift is J00's
    (its score rises by its 30 ratings, each entry's by a single rating), so J00's severity falls by a
    clearly positive amount, while the other jurors, whose ratings did not change, move nearly together:
    their changes relative to each other are a small fraction of J00's."""
    data, facets, _ = crossed_two_facets(seed=21)
    data = data.assign(score=np.where(data["juror"] == "J00", np.minimum(data["score"], 4), data["score"]))
    shifted = data.assign(score=np.where(data["juror"] == "J00", data["score"] + 1, data["score"]))
    for d in (data, shifted):
        assert_clean(d, facets)
        assert sorted(d["score"].unique()) == [1, 2, 3, 4, 5]
    before, after = fit_rasch(data, facets), fit_rasch(shifted, facets)
    assert before.converged and after.converged
    # the exact inequality, on J00's ratings (entries positive, jurors negative: η = θ_entry - θ_juror)
    mine = data["juror"] == "J00"
    d_entry = fitted_measures(after, "entry") - fitted_measures(before, "entry")
    d_juror = fitted_measures(after, "juror") - fitted_measures(before, "juror")
    d_eta = data.loc[mine, "entry"].map(d_entry).to_numpy() - d_juror["J00"]
    d_tau = fitted_thresholds(after, [""])[0] - fitted_thresholds(before, [""])[0]  # into categories 2 … 5
    old = data.loc[mine, "score"].to_numpy() - 1  # category index 0 … 3; the step into the new one is old+1
    inner = float(np.sum(d_eta - d_tau[old]))
    assert inner > 0, inner
    # J00 more lenient (severity down), relative to the other jurors too, by a clear amount ...
    others = d_juror.drop(index="J00")
    assert d_juror["J00"] < -0.5, d_juror["J00"]
    assert d_juror["J00"] - others.mean() < -0.5
    # ... while the others' changes relative to each other are a small fraction of it
    assert others.max() - others.min() < 0.15 * abs(d_juror["J00"]), (others, d_juror["J00"])


def test_renaming_jurors_and_shuffling_rows_changes_nothing():
    """Design (b) with the jurors renamed (reversing their sorted order, so every juror's index changes)
    and the rows shuffled: every statistic of every element, the thresholds and each rating's expected
    value and residual are the same to 1e-9. True because the likelihood depends on neither the
    elements' names nor the order of the ratings. (A tight ``tol`` makes both fits land on the same
    maximum well within 1e-9, whatever the iteration path.)"""
    data, facets, _ = rotating_three_facets()
    rename = dict(zip(names("J", 8), [f"Z{9 - i}" for i in range(8)]))
    order = np.random.default_rng(0).permutation(len(data))
    other = data.iloc[order].assign(juror=lambda d: d["juror"].map(rename)).reset_index(drop=True)
    base, again = fit_rasch(data, facets, tol=1e-11), fit_rasch(other, facets, tol=1e-11)
    columns = ["measure", "se", "infit", "infit_zstd", "outfit", "outfit_zstd", "observed_average", "fair_average",
               "score", "count"]
    for f in facets:
        a = base.measures[f.column].set_index("element")[columns]
        b = again.measures[f.column].set_index("element")[columns]
        if f.column == "juror":
            b = b.rename(index={v: k for k, v in rename.items()})
        b = b.reindex(a.index)
        np.testing.assert_allclose(b.to_numpy(dtype=float), a.to_numpy(dtype=float), rtol=0, atol=1e-9,
                                   err_msg=f.column)
    np.testing.assert_allclose(again.thresholds["threshold"], base.thresholds["threshold"], rtol=0, atol=1e-9)
    for name in ("expected", "residual", "standardized"):
        np.testing.assert_allclose(getattr(again, name), getattr(base, name)[order], rtol=0, atol=1e-9, err_msg=name)


def test_relabelling_the_categories_by_a_constant_changes_no_measure():
    """Design (a) with the scores 1-5 relabelled 11-15: the model sees only the ordered categories
    (FACETS' Ordinal), so every measure, S.E., fit statistic and threshold is unchanged; the observed
    and fair averages and each rating's expected value, being in the scale's own units, move by exactly
    10, and the thresholds' categories are the new labels."""
    data, facets, _ = crossed_two_facets()
    base, moved = fit_rasch(data, facets), fit_rasch(data.assign(score=data["score"] + 10), facets)
    for f in facets:
        a, b = base.measures[f.column].set_index("element"), moved.measures[f.column].set_index("element")
        for stat in ("measure", "se", "infit", "outfit"):
            np.testing.assert_allclose(b[stat], a[stat], rtol=0, atol=1e-9, err_msg=stat)
        for stat in ("observed_average", "fair_average"):
            np.testing.assert_allclose(b[stat], a[stat] + 10, rtol=0, atol=1e-9, err_msg=stat)
    np.testing.assert_allclose(moved.thresholds["threshold"], base.thresholds["threshold"], rtol=0, atol=1e-9)
    assert list(moved.thresholds["category"]) == [12, 13, 14, 15]
    np.testing.assert_allclose(moved.expected, base.expected + 10, rtol=0, atol=1e-9)
    np.testing.assert_allclose(moved.residual, base.residual, rtol=0, atol=1e-9)


def test_a_juror_rating_at_random_misfits_and_the_others_do_not():
    """100 entries × 8 jurors: seven rate from the model, the eighth (J07) uniformly at random among the
    5 categories. J07's ratings ignore entries that lie logits apart, so its squared residuals are far
    larger than the model variance the fit implies: its infit and outfit are far above 1 (> 1.8).

    The seven consistent jurors' data fit the model: fitted on their own, each one's infit is within
    0.7–1.3 (mean 1, sampling S.D. about 0.1 over 100 ratings). With J07 in the same fit their infit
    *falls* (to about 0.8 on average here): J07's ratings carry no information about the entries, so the
    shared rating scale flattens (its thresholds draw together), each rating's model variance W grows,
    and Σ(x-E)²/ΣW of the jurors who do follow the entries drops. So each consistent juror's infit is
    lower than when fitted without J07, and still far below J07's and under 1.3 — the 0.7 floor does
    not hold in general with J07 present (over seeds the lowest is about 0.6), so it is asserted on the
    fit without J07 only."""
    rng = np.random.default_rng(12)
    n_entries, n_jurors = 100, 8
    ability, severity = rng.normal(0, 1.0, n_entries), np.append(rng.normal(0, 0.4, n_jurors - 1), 0.0)
    e, j = (v.ravel() for v in np.meshgrid(np.arange(n_entries), np.arange(n_jurors), indexing="ij"))
    x = simulate(rng, ability[e] - severity[j], np.tile([-1.5, -0.5, 0.5, 1.5], (len(e), 1)))
    x = np.where(j == n_jurors - 1, rng.integers(0, 5, len(e)), x)
    data = pd.DataFrame({"entry": np.array(names("E", n_entries))[e], "juror": np.array(names("J", n_jurors))[j],
                         "score": x})
    facets = [Facet("entry", "positive", centered=False), Facet("juror")]
    fit, alone = fit_rasch(data, facets), fit_rasch(data[data["juror"] != "J07"], facets)
    assert fit.converged and alone.converged
    jurors = fit.measures["juror"].set_index("element")
    assert jurors.loc["J07", "infit"] > 1.8 and jurors.loc["J07", "outfit"] > 1.8, jurors.loc["J07"]
    consistent_alone = alone.measures["juror"].set_index("element")["infit"]
    assert consistent_alone.between(0.7, 1.3).all(), consistent_alone
    consistent = jurors.drop(index="J07")["infit"]
    assert (consistent < consistent_alone.reindex(consistent.index)).all(), (consistent, consistent_alone)
    assert (consistent < 1.3).all() and (consistent > 0.5).all(), consistent
    spread = fit.thresholds["threshold"].max() - fit.thresholds["threshold"].min()
    assert spread < alone.thresholds["threshold"].max() - alone.thresholds["threshold"].min()


# --- 3. extreme elements -------------------------------------------------------------------------------

def test_an_extreme_entry_informs_nothing_else():
    """Design (b) with entry E05 rated in the top category by all its jurors on every criterion. Its
    JMLE is infinite; FACETS moves its score 0.3 points inward and estimates it from its own ratings,
    everything else without them. So: E05 is the only element flagged extreme; its measure is finite,
    above every other entry's, and solves Σ E(θ) = (its score - 0.3) with the other elements and the
    thresholds as fitted (checked by bisection here); and every other measure and threshold equals,
    to 1e-6, a fit of the data without E05 (the entries float, so dropping one re-centres nothing),
    which in turn equals the independent Newton–Raphson on those data."""
    data, facets, _ = rotating_three_facets()
    top = data["score"].max()
    data.loc[data["entry"] == "E05", "score"] = top
    without = data[data["entry"] != "E05"].reset_index(drop=True)
    assert_clean(without, facets)
    fit, reduced = fit_rasch(data, facets), fit_rasch(without, facets)
    assert fit.converged and reduced.converged
    flags = {f.column: fit.measures[f.column].set_index("element")["extreme"] for f in facets}
    assert flags["entry"]["E05"] and flags["entry"].sum() == 1
    assert not flags["juror"].any() and not flags["criterion"].any()
    entries = fitted_measures(fit, "entry")
    assert np.isfinite(entries["E05"]) and entries["E05"] > entries.drop(index="E05").max()
    independent, tau, _ = newton_jmle(without, facets)
    for f in facets:
        got = fitted_measures(fit, f.column).drop(index="E05", errors="ignore")
        np.testing.assert_allclose(got.to_numpy(), fitted_measures(reduced, f.column).reindex(got.index).to_numpy(),
                                   rtol=0, atol=TOL, err_msg=f.column)
        np.testing.assert_allclose(got.to_numpy(), independent[f.column].reindex(got.index).to_numpy(), rtol=0,
                                   atol=TOL, err_msg=f.column)
    np.testing.assert_allclose(fitted_thresholds(fit, [""]), fitted_thresholds(reduced, [""]), rtol=0, atol=TOL)
    np.testing.assert_allclose(fitted_thresholds(fit, [""]), tau, rtol=0, atol=TOL)
    # E05's measure: Σ over its ratings of the expected category = its maximum score - 0.3
    own = data[data["entry"] == "E05"]
    rest = (-own["juror"].map(fitted_measures(fit, "juror")) - own["criterion"].map(fitted_measures(fit, "criterion")))
    rest = rest.to_numpy(dtype=float)
    m = len(np.unique(data["score"])) - 1
    target = m * len(own) - 0.3
    scale = np.tile(fitted_thresholds(fit, [""]), (len(own), 1))

    def expected_score(theta):
        return float((np.exp(_log_probabilities(theta + rest, scale)) @ np.arange(m + 1)).sum())

    low, high = -10.0, 30.0
    for _ in range(200):
        mid = (low + high) / 2
        low, high = (mid, high) if expected_score(mid) < target else (low, mid)
    assert entries["E05"] == pytest.approx((low + high) / 2, abs=TOL)
