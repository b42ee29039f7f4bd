"""Many-facet Rasch measurement by joint maximum likelihood, as FACETS estimates it (design section 16).

The model (Linacre's FACETS; rating scale, or partial credit where one facet's elements have their
own thresholds): for a rating in category k of 0 … m (the observed categories renumbered in order,
FACETS' "Ordinal"),

    log(P_k / P_{k-1}) = η - F_k,    η = Σ_f s_f · θ_f[element of the rating]

where ``s_f`` is +1 for a facet oriented *positive* (ability, leniency: a higher measure gives higher
ratings) and -1 for one oriented *negative* (severity, difficulty), and ``F_k`` the Rasch–Andrich
threshold into category k (the step facet's element's own, under partial credit).

Identification as FACETS: every facet but the one left *floating* (``centered=False``, FACETS'
``Noncenter=``) has measures that sum to 0, and the thresholds sum to 0 (each step element's, under
partial credit). Estimation: Newton–Raphson on the joint likelihood over every element and threshold at
once (its information matrix assembled sparse; the largest facet, whose elements never meet in a rating, eliminated
first and the rest solved by a sparse factorisation), each step at most :data:`MAX_STEP` logits and halved while the
likelihood falls, until the largest score residual is below ``tol``; no (L-1)/L bias correction (FACETS applies none
by default). The solution is the one FACETS' element-by-element iterations approach (they stop earlier, at 0.5 score
points). An element whose ratings are all in the lowest or highest category has no finite estimate: its score is
moved 0.3 score points inward (FACETS' ``Xtreme=0.3``), the other elements and the thresholds are estimated without
its ratings, then it from all of its own, and it is flagged ``extreme``.

Statistics, with FACETS' definitions (``E``, ``W`` and ``C``: a rating's expected category, its model
variance and fourth central moment):

- model S.E. = 1 / √(Σ W) over the element's ratings (its own information);
- infit = Σ (x - E)² / Σ W; outfit = the mean of (x - E)² / W;
- their ZStd by the Wilson–Hilferty transformation, (MnSq^{1/3} - 1)(3/q) + q/3, with
  q² = Σ (C - W²) / (Σ W)² for infit and Σ (C / W²) / N² - 1/N for outfit;
- the fair average: the expected rating, in the scale's own units, of the element with every other
  facet at the mean of its elements' measures;
- the standardised residual of a rating, (x - E) / √W.

Cost: each iteration is O(ratings × (facets² + categories)) arithmetic (sums per element by ``np.bincount``) and
one sparse factorisation of the smaller facets' system: no loop over elements or ratings. The conference preset's
480,000 ratings (20,000 entries, 5,000 jurors, six criteria on 1-10) take about 20 iterations (``make bench``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse, special
from scipy.sparse import linalg as splinalg

#: FACETS' default adjustment of an extreme score (all ratings in the lowest or highest category)
EXTREME = 0.3
#: the largest change of a measure or threshold in one Newton step (logits): a step is scaled down to it
MAX_STEP = 10.0


@dataclass(frozen=True)
class Facet:
    """One facet of the model: the ``column`` of the ratings naming its elements; ``orientation``
    ``"positive"`` (a higher measure, higher ratings: an entry's ability, a juror's leniency) or
    ``"negative"`` (a higher measure, lower ratings: a juror's severity, a criterion's difficulty);
    ``centered``: its measures sum to 0 (one facet floats: ``False``)."""

    column: str
    orientation: str = "negative"
    centered: bool = True

    @property
    def sign(self) -> float:
        return 1.0 if self.orientation == "positive" else -1.0


@dataclass(frozen=True)
class RaschFit:
    """A fitted model: per facet, a table of its elements (``measures[column]``: ``element, measure,
    se, infit, infit_zstd, outfit, outfit_zstd, observed_average, fair_average, score, count,
    extreme``); the thresholds (``step, category, threshold``: ``step`` the step facet's element, or
    empty under the rating scale model; ``category`` the original category the step leads into); per
    rating, ``expected`` (in the original units), ``residual`` and ``standardized`` (z); and how the
    estimation ended."""

    facets: tuple[Facet, ...]
    measures: dict[str, pd.DataFrame]
    thresholds: pd.DataFrame
    categories: np.ndarray
    expected: np.ndarray
    residual: np.ndarray
    standardized: np.ndarray
    iterations: int
    converged: bool
    largest_residual: float


def _probabilities(eta: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    """P(X = k), k = 0 … m, per rating (ratings × m + 1): ``thresholds`` ratings × m (each rating's own
    under partial credit) or m (one scale)."""
    m = thresholds.shape[-1]
    steps = eta[:, None] - thresholds  # ratings × m
    logits = np.concatenate([np.zeros((len(eta), 1)), np.cumsum(steps, axis=1)], axis=1)
    logits -= logits.max(axis=1, keepdims=True)
    p = np.exp(logits)
    p /= p.sum(axis=1, keepdims=True)
    assert p.shape[1] == m + 1
    return p


def _moments(p: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each rating's expected category, variance and fourth central moment from its probabilities."""
    k = np.arange(p.shape[1], dtype=float)
    expected = p @ k
    centred = k[None, :] - expected[:, None]
    variance = (p * centred**2).sum(axis=1)
    fourth = (p * centred**4).sum(axis=1)
    return expected, variance, fourth


def fit_rasch(data: pd.DataFrame, facets: Sequence[Facet], *, score: str = "score", step_facet: str | None = None,
              max_iterations: int = 200, tol: float = 1e-8) -> RaschFit:
    """The many-facet Rasch model fitted to ``data`` (one row per rating: a column per facet naming
    its element, and ``score``) by JMLE as FACETS estimates it (see the module notes).

    ``facets``: the facets in the order of the model, one of them floating (``centered=False``);
    ``step_facet``: the column of the facet whose elements have their own thresholds (partial credit),
    or None (rating scale). ``tol``: the largest score residual (in score points) at convergence.

    Examples
    --------
    Two jurors of opposite severity rating four entries on 0-2: the severe juror's measure is higher
    (facets oriented negative), and the two sum to 0.

    >>> d = pd.DataFrame({"entry": list("abcdabcd"), "juror": ["J1"] * 4 + ["J2"] * 4,
    ...                   "score": [0, 1, 1, 2, 1, 2, 1, 2]})
    >>> fit = fit_rasch(d, [Facet("entry", "positive", centered=False), Facet("juror")])
    >>> j = fit.measures["juror"].set_index("element")["measure"]
    >>> bool(j["J1"] > 0 > j["J2"]), round(float(j.sum()), 9)
    (True, 0.0)
    """
    facets = tuple(facets)
    floating = [f for f in facets if not f.centered]
    if len(floating) != 1:
        raise ValueError(f"one facet floats (centered=False); got {len(floating)}")
    columns = [f.column for f in facets]
    if step_facet is not None and step_facet not in columns:
        raise ValueError(f"step_facet must be one of the facets' columns ({', '.join(columns)}); got {step_facet!r}")
    rows = data[[*columns, score]].dropna()
    x_raw = rows[score].to_numpy(dtype=float)
    categories, x = np.unique(x_raw, return_inverse=True)  # observed categories renumbered 0..m
    m = len(categories) - 1
    if m < 1:
        raise ValueError("a Rasch model needs ratings in at least two categories")
    codes, labels = {}, {}
    for f in facets:
        codes[f.column], labels[f.column] = pd.factorize(rows[f.column], sort=True)
    theta = {f.column: np.zeros(len(labels[f.column])) for f in facets}
    n_steps = len(labels[step_facet]) if step_facet else 1
    step_of = codes[step_facet] if step_facet else np.zeros(len(x), dtype=np.int64)
    tau = np.zeros((n_steps, m))
    # per element: its observed score and count; extreme elements are moved 0.3 inward
    observed, counts, extreme = {}, {}, {}
    for f in facets:
        c, n_el = codes[f.column], len(labels[f.column])
        counts[f.column] = np.bincount(c, minlength=n_el).astype(float)
        total = np.bincount(c, weights=x, minlength=n_el)
        low, high = total <= 0, total >= m * counts[f.column]
        extreme[f.column] = low | high
        observed[f.column] = np.where(low, EXTREME, np.where(high, total - EXTREME, total))
    signs = {f.column: f.sign for f in facets}
    sizes = {f.column: len(labels[f.column]) for f in facets}
    # the ratings of an extreme element inform nothing else: the other elements and the thresholds are estimated
    # without them (stage 1), the extreme element from all of its own (stage 2), as FACETS does. Leaving them out can
    # leave another element with only its lowest or highest ratings among those kept: it moves to stage 2 as well
    # (estimated from all of its ratings, with its own score), and so on until every element kept has a finite estimate
    free = {f.column: ~extreme[f.column] for f in facets}
    while True:
        inner = np.ones(len(x), dtype=bool)
        for f in facets:
            inner &= free[f.column][codes[f.column]]
        changed = False
        for f in facets:
            c = codes[f.column]
            n_in = np.bincount(c, weights=inner, minlength=sizes[f.column])
            total_in = np.bincount(c, weights=x * inner, minlength=sizes[f.column])
            now = free[f.column] & (n_in > 0) & (total_in > 0) & (total_in < m * n_in)
            changed |= bool((now != free[f.column]).any())
            free[f.column] = now
        if not changed:
            break
    inner_scores = {f.column: np.bincount(codes[f.column], weights=x * inner, minlength=sizes[f.column]) for f in facets}
    # stage 1: every element kept, and the thresholds, all at once
    iteration, converged, largest = _newton(x, codes, sizes, signs, step_of, n_steps, m, inner_scores, inner, free,
                                            theta, tau, max_iterations, tol)
    # stage 2: the elements left (extreme, or rated only beside extreme ones) from all of their own ratings, the
    # others held where stage 1 put them
    rest = {f.column: ~free[f.column] for f in facets}
    if any(r.any() for r in rest.values()):
        totals = {f.column: np.where(extreme[f.column], observed[f.column],
                                     np.bincount(codes[f.column], weights=x, minlength=sizes[f.column]))
                  for f in facets}
        touching = np.zeros(len(x), dtype=bool)
        for f in facets:
            touching |= rest[f.column][codes[f.column]]
        more, done, left = _newton(x, codes, sizes, signs, step_of, n_steps, m, totals, touching, rest, theta, tau,
                                   max_iterations, tol, thresholds=False)
        iteration, converged, largest = iteration + more, converged and done, max(largest, left)
    _identify(facets, theta, tau, step_facet)

    def eta_of() -> np.ndarray:
        return sum(f.sign * theta[f.column][codes[f.column]] for f in facets)

    p = _probabilities(eta_of(), tau[step_of])
    expected, variance, fourth = _moments(p)
    residual = x - expected
    measures = {f.column: _element_table(f, facets, codes, labels, theta, tau, categories, x, expected, variance,
                                         fourth, counts, extreme, step_facet) for f in facets}
    steps = pd.DataFrame({"step": np.repeat(np.asarray(labels[step_facet], dtype=object) if step_facet else [""], m),
                          "category": np.tile(categories[1:], n_steps), "threshold": tau.ravel()})
    spread = np.diff(categories).mean() if m else 1.0  # residuals in category steps, expected in original units
    return RaschFit(facets, measures, steps, categories, np.interp(expected, np.arange(m + 1), categories),
                    residual * spread, residual / np.sqrt(variance), iteration, converged, largest)


def _identify(facets, theta, tau, step_facet) -> None:
    """FACETS' identification: thresholds sum to 0 (each step element's), every facet but the floating
    one sums to 0; what each centring removes moves into the facet that absorbs it, so that no rating's
    probabilities change."""
    float_facet = next(f for f in facets if not f.centered)
    shift = tau.mean(axis=1)  # per step element (one row under the rating scale model)
    tau -= shift[:, None]
    if step_facet is None:  # η - F: F - c needs η - c, taken by the floating facet
        theta[float_facet.column] -= float_facet.sign * shift[0]
    else:  # each step element's own measure takes its thresholds' mean
        facet = next(f for f in facets if f.column == step_facet)
        theta[step_facet] -= facet.sign * shift
    for f in facets:
        if f.centered:
            mean = theta[f.column].mean()
            theta[f.column] -= mean
            theta[float_facet.column] += f.sign * float_facet.sign * mean


def _element_table(f, facets, codes, labels, theta, tau, categories, x, expected, variance, fourth, counts, extreme,
                   step_facet) -> pd.DataFrame:
    """One facet's elements with FACETS' statistics (see the module notes)."""
    c, n_el = codes[f.column], len(labels[f.column])
    w = np.bincount(c, weights=variance, minlength=n_el)
    squared = (x - expected) ** 2
    n = counts[f.column]
    with np.errstate(divide="ignore", invalid="ignore"):
        infit = np.bincount(c, weights=squared, minlength=n_el) / w
        outfit = np.bincount(c, weights=squared / variance, minlength=n_el) / n
        q_in = np.sqrt(np.bincount(c, weights=fourth - variance**2, minlength=n_el)) / w
        q_out = np.sqrt(np.maximum(np.bincount(c, weights=fourth / variance**2, minlength=n_el) / n**2 - 1 / n, 0))
        z_in = (np.cbrt(infit) - 1) * (3 / q_in) + q_in / 3
        z_out = (np.cbrt(outfit) - 1) * (3 / q_out) + q_out / 3
        se = 1 / np.sqrt(w)
    # the fair average: every other facet at the mean of its elements' measures
    rest = sum(g.sign * theta[g.column].mean() for g in facets if g.column != f.column)
    eta = f.sign * theta[f.column] + rest
    if step_facet is None:
        fair = expected_rating(eta, tau[0], categories)
    elif f.column == step_facet:
        fair = expected_rating(eta, tau, categories)
    else:  # under partial credit, averaged over the step facet's elements
        fair = np.mean([expected_rating(eta, tau[s], categories) for s in range(len(tau))], axis=0)
    raw = categories[x]
    return pd.DataFrame({"element": np.asarray(labels[f.column], dtype=object), "measure": theta[f.column], "se": se,
                         "infit": infit, "infit_zstd": z_in, "outfit": outfit, "outfit_zstd": z_out,
                         "observed_average": np.bincount(c, weights=raw, minlength=n_el) / n, "fair_average": fair,
                         "score": np.bincount(c, weights=raw, minlength=n_el), "count": n.astype(np.int64),
                         "extreme": extreme[f.column]})


def expected_rating(eta: np.ndarray, thresholds: np.ndarray, categories: np.ndarray) -> np.ndarray:
    """The expected rating, in the original units, at each ``eta`` (``thresholds``: one scale, or one per eta)."""
    p = _probabilities(np.asarray(eta, dtype=float), np.broadcast_to(thresholds, (len(eta), thresholds.shape[-1])))
    return p @ categories.astype(float)


def _by_step(values: np.ndarray, step: np.ndarray, n_steps: int) -> np.ndarray:
    """Per step element, the sums of ``values`` (ratings × m) over its ratings: n_steps × m."""
    return np.stack([np.bincount(step, weights=values[:, k], minlength=n_steps) for k in range(values.shape[1])], axis=1)


def _newton(x, codes, sizes, signs, step_of, n_steps, m, observed, rows, free, theta, tau, max_iterations, tol, *,
            thresholds=True) -> tuple[int, bool, float]:
    """Newton–Raphson on the joint likelihood of the ratings ``rows`` (a mask) over the ``free`` elements (per facet,
    a mask) and, with ``thresholds``, every threshold, all at once; ``observed`` per facet the score each element's
    expected score must meet. ``theta`` and ``tau`` are updated in place. Returns the iterations, whether the
    largest score residual fell below ``tol``, and that residual.

    The information matrix (the negative Hessian: Σ over ratings of s_a s_b Var X between two elements of a rating,
    -s_a Cov(X, 1[X >= k]) between an element and a threshold, Cov(1[X >= k], 1[X >= l]) between two thresholds of
    one step element) is assembled sparse, its structure once and its values per iteration by ``np.bincount``; the
    Newton step is solved by conjugate gradients (preconditioned by its diagonal; the system is singular along the
    directions the identification removes, and consistent, so CG finds a step), scaled to at most
    :data:`MAX_STEP` logits and halved while the likelihood falls. Cost per iteration: O(ratings × (facets² +
    categories)) arithmetic and a CG solve of O(pairs of elements met in a rating) per product."""
    columns = list(codes)
    offsets = np.concatenate([[0], np.cumsum([sizes[c] for c in columns])]).astype(np.int64)
    n_theta = int(offsets[-1])
    n_tau = n_steps * m if thresholds else 0
    n_params = n_theta + n_tau
    r = np.flatnonzero(rows)
    x_r, step = x[r], step_of[r]
    index = [offsets[i] + codes[c][r] for i, c in enumerate(columns)]
    sign = np.array([signs[c] for c in columns])
    # the structure, fixed over the iterations: each (element, element) pair met in a rating (upper triangle) and
    # each (element, step element) pair
    pair_keys = np.concatenate([index[i] * n_params + index[j] for i in range(len(columns)) for j in range(i, len(columns))])
    pair_sign = np.concatenate([np.full(len(r), sign[i] * sign[j]) for i in range(len(columns)) for j in range(i, len(columns))])
    pair_unique, pair_slot = np.unique(pair_keys, return_inverse=True)
    del pair_keys
    p_row, p_col = np.divmod(pair_unique, n_params)
    off = p_row != p_col
    rows_all, cols_all = [p_row, p_col[off]], [p_col, p_row[off]]
    if thresholds:
        cross_unique, cross_slot = np.unique(np.concatenate([i * n_steps + step for i in index]), return_inverse=True)
        cross_sign = np.repeat(sign, len(r))
        c_el, c_step = np.divmod(cross_unique, n_steps)
        c_tau = n_theta + (c_step[:, None] * m + np.arange(m)[None, :])  # slots × m
        c_el = np.broadcast_to(c_el[:, None], c_tau.shape)
        t_step, t_k, t_l = (a.ravel() for a in np.meshgrid(np.arange(n_steps), np.arange(m), np.arange(m), indexing="ij"))
        rows_all += [c_el.ravel(), c_tau.ravel(), n_theta + t_step * m + t_k]
        cols_all += [c_tau.ravel(), c_el.ravel(), n_theta + t_step * m + t_l]
        at_least = x_r[:, None] >= np.arange(1, m + 1)[None, :]
        observed_steps = _by_step(at_least.astype(float), step, n_steps)
    rows_all, cols_all = np.concatenate(rows_all), np.concatenate(cols_all)
    is_free = np.concatenate([np.concatenate([free[c] for c in columns]), np.ones(n_tau, dtype=bool)])
    keep = np.flatnonzero(is_free)
    # the largest facet's elements never meet in a rating: their block of the information matrix is diagonal, and
    # is eliminated first (its Schur complement is the system solved)
    largest_facet = max(range(len(columns)), key=lambda j: int(free[columns[j]].sum()))
    in_largest = np.zeros(n_params, dtype=bool)
    in_largest[offsets[largest_facet]:offsets[largest_facet + 1]] = True
    eliminated = in_largest[keep]
    target = np.concatenate([observed[c] for c in columns])
    arange_r = np.arange(len(r))
    k_values = np.arange(m + 1, dtype=float)

    def state():
        eta = sum(sign[i] * theta[c][codes[c][r]] for i, c in enumerate(columns))
        p = _probabilities(eta, tau[step])
        loglik = float(np.log(np.maximum(p[arange_r, x_r], 1e-300)).sum())
        return p, loglik

    p, loglik = state()
    largest = np.inf
    # below this the score residuals are the rounding of sums over many ratings, not a lack of convergence
    tol = max(tol, 256 * np.finfo(float).eps * float(x_r.sum()))
    for iteration in range(max_iterations + 1):
        expected = p @ k_values
        variance = p @ k_values**2 - expected**2
        scored = np.concatenate([np.bincount(i, weights=expected, minlength=n_params)[offsets[j]:offsets[j + 1]]
                                 for j, i in enumerate(index)])
        gradient = np.repeat(sign, np.diff(offsets)) * (target - scored)
        parts = [np.bincount(pair_slot, weights=np.tile(variance, len(sign) * (len(sign) + 1) // 2) * pair_sign,
                             minlength=len(pair_unique))]
        parts.append(parts[0][off])
        if thresholds:
            above = np.cumsum(p[:, ::-1], axis=1)[:, ::-1][:, 1:]  # P(X >= k), k = 1 … m
            # Cov(X, 1[X >= k]) = Σ_{j >= k} j p_j - E[X] P(X >= k)
            cov_x = np.cumsum((p * k_values)[:, ::-1], axis=1)[:, ::-1][:, 1:] - expected[:, None] * above
            gradient = np.concatenate([gradient, -(observed_steps - _by_step(above, step, n_steps)).ravel()])
            cross = np.stack([np.bincount(cross_slot, weights=-cross_sign * np.tile(cov_x[:, k], len(sign)),
                                          minlength=len(cross_unique)) for k in range(m)], axis=1)
            # Σ Cov(1[X >= k], 1[X >= l]) = Σ P(X >= max(k, l)) - P(X >= k) P(X >= l), per step element
            sums = _by_step(above, step, n_steps)
            if n_steps == 1:
                products = (above.T @ above)[None]
            else:
                products = np.stack([_by_step(above * above[:, [k]], step, n_steps) for k in range(m)], axis=1)
            steps_info = sums[:, np.maximum.outer(np.arange(m), np.arange(m))] - products
            parts += [cross.ravel(), cross.ravel(), steps_info.ravel()]
        gradient[~is_free] = 0.0
        largest = float(np.abs(gradient).max(initial=0))
        if largest < tol or iteration == max_iterations:
            break
        delta = np.zeros(n_params)
        if len(keep) <= DENSE_SOLVE_MAX:  # a small system (a panel of a few jurors): dense, without sparse overheads
            info = np.bincount(rows_all * n_params + cols_all, weights=np.concatenate(parts),
                               minlength=n_params * n_params).reshape(n_params, n_params)[np.ix_(keep, keep)]
            diagonal = np.maximum(np.diag(info), 1e-12)
            delta[keep] = np.linalg.solve(info + np.diag(RIDGE * diagonal), gradient[keep])
        else:
            info = sparse.csr_matrix((np.concatenate(parts), (rows_all, cols_all)), shape=(n_params, n_params))
            delta[keep] = _newton_step(info[keep][:, keep], gradient[keep], eliminated)
        delta *= min(1.0, MAX_STEP / max(float(np.abs(delta).max(initial=0)), 1e-12))
        start = ({c: theta[c].copy() for c in columns}, tau.copy())
        for _ in range(40):
            for j, c in enumerate(columns):
                theta[c] = start[0][c] + delta[offsets[j]:offsets[j + 1]]
            if thresholds:
                tau[:] = start[1] + delta[n_theta:].reshape(n_steps, m)
            p_new, loglik_new = state()
            if loglik_new >= loglik - 1e-12 * abs(loglik):
                break
            delta /= 2
        p, loglik = p_new, loglik_new
    return iteration, largest < tol, largest


#: the Newton system's ridge, relative to its diagonal: it is singular along the directions the identification
#: removes (and along each further part of a disconnected design), where the step is then left at 0
RIDGE = 1e-8
#: up to this many unknowns the Schur complement is solved dense
DENSE_SOLVE_MAX = 1000


def _newton_step(info: sparse.csr_matrix, gradient: np.ndarray, eliminated: np.ndarray) -> np.ndarray:
    """The Newton step ``info⁻¹ gradient``, ``info`` the (symmetric, positive semi-definite) information matrix
    whose ``eliminated`` unknowns form a diagonal block: those are eliminated first, the Schur complement of the
    others (the smaller facets and the thresholds) solved by a sparse (or, while small, dense) factorisation with a
    ridge of :data:`RIDGE` times its diagonal, and the eliminated ones recovered. Cost: the products of the
    eliminated block's rows (O(Σ over its elements of the other unknowns it meets, squared)) and the factorisation
    of the complement."""
    e, o = np.flatnonzero(eliminated), np.flatnonzero(~eliminated)
    d = np.maximum(info[e][:, e].diagonal(), 1e-300)
    b = info[e][:, o]
    complement = (info[o][:, o] - b.T @ sparse.diags(1.0 / d) @ b).tocsc()
    ridge = RIDGE * np.maximum(info[o][:, o].diagonal(), 1e-12)
    right = gradient[o] - b.T @ (gradient[e] / d)
    if len(o) <= DENSE_SOLVE_MAX:
        y = np.linalg.solve(complement.toarray() + np.diag(ridge), right)
    else:
        y = splinalg.spsolve(complement + sparse.diags(ridge), right)
    step = np.empty(len(gradient))
    step[o] = y
    step[e] = (gradient[e] - b @ y) / d
    return step


def separation(measures: np.ndarray, se: np.ndarray) -> dict[str, float]:
    """FACETS' summary of a facet's spread against its measurement error (its Table 7 "Model, Populn" line):
    ``rmse`` the root mean square S.E.; ``true_sd`` the population S.D. of the measures with the error variance
    taken out; ``separation`` their ratio G (how many error-widths the spread spans); ``strata`` (4G + 1) / 3;
    ``reliability`` true over observed variance; and the fixed chi-square that every element has the same measure
    (Σ w (d - d̄_w)², w = 1/S.E.², on ``elements`` - 1 ``df``) with its ``p``.

    >>> s = separation(np.array([-1.0, 0.0, 1.0]), np.array([0.5, 0.5, 0.5]))
    >>> round(s["separation"], 3), round(s["reliability"], 3)
    (1.291, 0.625)
    """
    d, e = np.asarray(measures, dtype=float), np.asarray(se, dtype=float)
    ok = np.isfinite(d) & np.isfinite(e) & (e > 0)
    d, e = d[ok], e[ok]
    n = len(d)
    if n < 2:
        return {"elements": n, "rmse": np.nan, "true_sd": np.nan, "separation": np.nan, "strata": np.nan,
                "reliability": np.nan, "chi_square": np.nan, "df": max(n - 1, 0), "p": np.nan}
    rmse = float(np.sqrt(np.mean(e**2)))
    observed = float(d.var())
    true = max(observed - rmse**2, 0.0)
    g = np.sqrt(true) / rmse
    w = 1 / e**2
    chi2 = float((w * (d - (w * d).sum() / w.sum()) ** 2).sum())
    return {"elements": n, "rmse": rmse, "true_sd": float(np.sqrt(true)), "separation": float(g),
            "strata": float((4 * g + 1) / 3), "reliability": true / observed if observed > 0 else np.nan,
            "chi_square": chi2, "df": n - 1, "p": float(special.chdtrc(n - 1, chi2))}
