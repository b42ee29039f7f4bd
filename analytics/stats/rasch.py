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
partial credit). Estimation: Newton–Raphson on every element at once from its own score residual and
information (the diagonal of the joint likelihood's Hessian, as JMLE programs do), damped to one logit
a step, until the largest score residual is below ``tol``; no (L-1)/L bias correction (FACETS applies
none by default). An element whose ratings are all in the lowest or highest category has no finite
estimate: its score is moved 0.3 score points inward (FACETS' ``Xtreme=0.3``), its measure is
estimated from its own ratings while the other elements and the thresholds are estimated without them,
and it is flagged ``extreme``.

Statistics, with FACETS' definitions (``E``, ``W`` and ``C``: a rating's expected category, its model
variance and fourth central moment):

- model S.E. = 1 / √(Σ W) over the element's ratings (its own information);
- infit = Σ (x - E)² / Σ W; outfit = the mean of (x - E)² / W;
- their ZStd by the Wilson–Hilferty transformation, (MnSq^{1/3} - 1)(3/q) + q/3, with
  q² = Σ (C - W²) / (Σ W)² for infit and Σ (C / W²) / N² - 1/N for outfit;
- the fair average: the expected rating, in the scale's own units, of the element with every other
  facet at the mean of its elements' measures;
- the standardised residual of a rating, (x - E) / √W.

Cost: each iteration is O(ratings × categories) arithmetic, with sums per element by ``np.bincount``:
no loop over elements, ratings or iterations' elements.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

#: FACETS' default adjustment of an extreme score (all ratings in the lowest or highest category)
EXTREME = 0.3
#: the largest change of a measure or threshold in one Newton step (logits)
MAX_STEP = 1.0


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
              max_iterations: int = 1000, tol: float = 1e-8) -> RaschFit:
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
    # the ratings of an extreme element inform nothing else: the other elements and the thresholds are
    # estimated without them, the extreme element from all of its own (as FACETS does)
    inner = np.ones(len(x), dtype=bool)
    for f in facets:
        inner &= ~extreme[f.column][codes[f.column]]
    for f in facets:
        c, n_el = codes[f.column], len(labels[f.column])
        kept = np.where(extreme[f.column], observed[f.column], np.bincount(c, weights=x * inner, minlength=n_el))
        observed[f.column] = kept
    at_least = (x[:, None] >= np.arange(1, m + 1)[None, :]).astype(float) * inner[:, None]  # ratings × m: x >= k
    step_counts = np.zeros((n_steps, m))
    np.add.at(step_counts, step_of, at_least)

    def eta_of() -> np.ndarray:
        return sum(f.sign * theta[f.column][codes[f.column]] for f in facets)

    converged, largest, iteration = False, np.inf, 0
    for iteration in range(1, max_iterations + 1):
        largest = 0.0
        for f in facets:  # a handful of facets, one after the other: every element of each at once
            p = _probabilities(eta_of(), tau[step_of])
            expected, variance, _ = _moments(p)
            c, n_el = codes[f.column], len(labels[f.column])
            use = np.where(extreme[f.column][c], 1.0, inner)  # an extreme element: all its ratings; else the inner ones
            residual = observed[f.column] - np.bincount(c, weights=expected * use, minlength=n_el)
            information = np.bincount(c, weights=variance * use, minlength=n_el)
            largest = max(largest, float(np.abs(residual).max(initial=0)))
            theta[f.column] += f.sign * np.clip(residual / np.maximum(information, 1e-12), -MAX_STEP, MAX_STEP)
        # thresholds: the score residual of each step (observed minus expected ratings at or above it)
        p = _probabilities(eta_of(), tau[step_of])
        above = (1.0 - np.cumsum(p, axis=1)[:, :m]) * inner[:, None]  # P(X >= k), k = 1..m, of the inner ratings
        expected_steps = np.zeros((n_steps, m))
        np.add.at(expected_steps, step_of, above)
        residual_steps = step_counts - expected_steps
        largest = max(largest, float(np.abs(residual_steps).max(initial=0)))
        # the thresholds of a scale move together: Newton on their whole information matrix, Σ Cov(X>=k, X>=l)
        # = Σ P(X >= max(k, l)) - P(X >= k) P(X >= l), m × m per step element (a handful)
        for s_el in range(n_steps):
            mine = above if n_steps == 1 else above[step_of == s_el]
            total = mine.sum(axis=0)  # (a rating left out contributes zeros)
            information = total[np.maximum.outer(np.arange(m), np.arange(m))] - mine.T @ mine
            step = np.linalg.lstsq(information, residual_steps[s_el], rcond=None)[0]
            tau[s_el] -= step * min(1.0, MAX_STEP / max(float(np.abs(step).max(initial=0)), 1e-12))
        _identify(facets, theta, tau, step_facet)
        if largest < tol:
            converged = True
            break
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
        fair = _expected_rating(eta, tau[0], categories)
    elif f.column == step_facet:
        fair = _expected_rating(eta, tau, categories)
    else:  # under partial credit, averaged over the step facet's elements
        fair = np.mean([_expected_rating(eta, tau[s], categories) for s in range(len(tau))], axis=0)
    raw = categories[x]
    return pd.DataFrame({"element": np.asarray(labels[f.column], dtype=object), "measure": theta[f.column], "se": se,
                         "infit": infit, "infit_zstd": z_in, "outfit": outfit, "outfit_zstd": z_out,
                         "observed_average": np.bincount(c, weights=raw, minlength=n_el) / n, "fair_average": fair,
                         "score": np.bincount(c, weights=raw, minlength=n_el), "count": n.astype(np.int64),
                         "extreme": extreme[f.column]})


def _expected_rating(eta: np.ndarray, thresholds: np.ndarray, categories: np.ndarray) -> np.ndarray:
    """The expected rating, in the original units, at each ``eta`` (``thresholds``: one scale, or one per eta)."""
    p = _probabilities(np.asarray(eta, dtype=float), np.broadcast_to(thresholds, (len(eta), thresholds.shape[-1])))
    return p @ categories.astype(float)
