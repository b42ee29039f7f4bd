"""Many-facet Rasch measurement by marginal maximum likelihood, as R's TAM estimates it (``tam.mml.mfr``).

The model is the one of :mod:`analytics.stats.rasch` (FACETS' sign convention; rating scale, or partial
credit where one facet's elements have their own thresholds): for a rating of entry ``n`` in category k of
0 … m (the observed categories renumbered in order),

    log(P_k / P_{k-1}) = θ_n + Σ_f s_f · β_f[element of the rating] - τ_k

with ``s_f = -1`` for a facet oriented *negative* (severity, difficulty: TAM's ``xsi`` has this sign, a
positive measure is a harsh juror or a hard criterion) and ``τ_k`` the threshold into category k (the step
facet's element's own, under partial credit). Unlike JMLE, the entries' measures θ are not parameters: they
are integrated out, θ ~ N(μ, σ²), and the facets, thresholds, μ and σ² maximise the marginal likelihood.

TAM's conventions, followed exactly so that its published outputs are reproduced:

- the integral is a sum over fixed nodes (``nodes``: 21 on [-6, 6]) with weights the normal *density* at
  each node, and the deviance is TAM's Riemann sum, -2 Σ_n log Σ_q f(x_n | θ_q) φ(θ_q; μ, σ) Δ, Δ the
  node spacing (0.6); the estimates maximise that same sum;
- identification: the thresholds sum to 0 (each step element's, under partial credit) and every facet
  with ``centered=True`` sums to 0 (TAM derives its last element as minus the sum of the others).
  ``constraint="items"``: every facet is centred and μ is estimated. ``constraint="cases"``: μ is fixed
  at 0 and one facet floats (``centered=False``: TAM's item facet); σ² is then computed, as TAM does,
  around the mean of the entries' posterior means rather than around 0;
- the facets' standard errors are TAM's: 1/√ of the diagonal of the item parameters' information given
  the posterior (Σ over ratings and nodes of posterior weight × model variance of the parameter's design
  column), in TAM's parametrisation where a centred facet's *last* element (in the order of
  ``pd.factorize(sort=True)``: sorted labels, or a categorical column's category order) is minus the sum
  of the others, so each other element's column also loads on the last element's ratings; the last
  element's S.E. is √Σ of the others' squared S.E.s (``derived`` in the tables), and likewise the last
  threshold of each scale. A floating facet has no derived element. (These S.E.s take the entries'
  posteriors as known: where each entry has few ratings they understate the estimates' sampling error);
- the entries' measures are Warm's weighted likelihood estimates (WLE) computed after calibration, finite
  also for extreme scores, with S.E. 1/√(test information at the WLE).

The estimates themselves are the constrained maximum of the marginal likelihood, whichever element is
derived (TAM stops by default while some of its estimates still drift, and leaves its derived element a
little off the constrained optimum: see the reference cases). Estimation is EM. Each iteration computes the
entries' posteriors over the nodes; μ and σ² follow from them (TAM's regression step); then each facet in
turn takes a Newton step (every element at once, with its own information; a centred facet's steps sum to
0 through a Lagrange multiplier), each step moving the items' expected scores for the next to first order,
and the thresholds take one on each scale's whole information matrix (steps summing to 0). EM is slow in
the directions that move whole entries, as the posteriors follow them: a floating facet's common shift
(``"cases"``) and the elements of a facet constant within each entry (an entry's group, say). Those take a
Newton step on the marginal likelihood itself instead (its gradient and Hessian from the posteriors; the
Hessian, which the coarse grid of nodes makes swing, kept at least as curved as under a continuous normal
population). SQUAREM (Varadhan & Roland 2008) extrapolates along the remaining slow modes. ``tol`` bounds
the largest change of a measure, threshold, μ or log σ² in the last iteration.

For the workbench the tables also carry FACETS' infit and outfit mean-squares (with their Wilson–Hilferty
ZStd) for every element, the entries' included, computed from the residuals with the entries at their WLE
(the formulas of :mod:`analytics.stats.rasch`). For the entries they are TAM's ``tam.personfit``, except
that TAM's outfit caps each squared standardised residual at 10 S.D.s of them all; for the facets they are
not TAM's posterior-based ``msq.itemfit``.

Cost: the ratings that share every facet element form one "generalised item" (TAM's term; a juror ×
criterion pair, say), so an iteration costs O(items × nodes × categories) arithmetic, twice, plus
O(ratings × nodes) in sparse sums; the WLE and the fit statistics cost O(ratings × categories) per Newton
step. Temporaries are built ``chunk`` cells at a time (items × nodes × categories, or ratings ×
categories); the items' probabilities are kept between the E- and M-steps only when they fill at most
``KEEP`` chunks (else computed again), so memory is O(ratings + entries × nodes + items × nodes), never
ratings × nodes × categories. The iterations needed grow with how weakly the design links jurors through
shared entries: tens for the published cases, about sixty for 20,000 entries each rated by 3 of 5,000
jurors on 8 criteria.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy import sparse

from analytics.stats.rasch import Facet, _moments

#: TAM's default quadrature nodes: 21 on [-6, 6]
NODES = 21
NODE_RANGE = 6.0
#: the largest change of a measure or threshold in one Newton step (logits)
MAX_STEP = 1.0
#: cells of one temporary array (items × categories × nodes, or ratings × categories): 8 MB of float64
CHUNK = 1 << 20
#: the E-step keeps the items' probabilities for the M-step when they fill at most this many chunks
KEEP = 12


class _Moments(NamedTuple):
    """Per item, summed over the nodes with the posterior weights: E X, Var X, P(X >= j), Cov(X, [X >= j]);
    per step element, Σ P(X >= j) P(X >= l)."""

    expected: np.ndarray
    information: np.ndarray
    above: np.ndarray
    covariance: np.ndarray
    cross: np.ndarray


@dataclass(frozen=True)
class MmlFit:
    """A model fitted by MML.

    ``measures[column]``, one table per facet: ``element, measure, se, derived, infit, infit_zstd, outfit,
    outfit_zstd, observed_average, count`` (``se`` as TAM reports it, ``derived`` marking the element TAM
    derives from the others); and for the entries (``measures[person]``): ``element, measure, se`` (their
    WLE), ``eap, eap_sd`` (posterior mean and S.D.), ``extreme`` (every rating in the lowest or every one in
    the highest category), then the same fit columns. ``thresholds``: ``step, category, threshold, se,
    derived`` (``step`` the step facet's element, empty under the rating scale model; ``category`` the
    original category the step leads into). ``mean``, ``variance``: the entries' population; ``deviance``:
    TAM's (see the module notes); ``iterations`` (EM iterations), ``converged`` and ``largest_change`` (of
    the last iteration)."""

    facets: tuple[Facet, ...]
    person: str
    constraint: str
    measures: dict[str, pd.DataFrame]
    thresholds: pd.DataFrame
    categories: np.ndarray
    mean: float
    variance: float
    deviance: float
    iterations: int
    converged: bool
    largest_change: float

    @property
    def log_likelihood(self) -> float:
        return -self.deviance / 2


def fit_rasch_mml(data: pd.DataFrame, facets: Sequence[Facet], *, person: str, score: str = "score",
                  step_facet: str | None = None, constraint: str = "items", nodes: int | Sequence[float] = NODES,
                  max_iterations: int = 2000, tol: float = 1e-8, chunk: int = CHUNK) -> MmlFit:
    """The many-facet Rasch model fitted to ``data`` (one row per rating: ``person`` naming the entry, a
    column per facet naming its element, and ``score``) by marginal maximum likelihood as TAM's
    ``tam.mml.mfr`` estimates it (see the module notes).

    ``facets``: the facets other than the entries, in the order of the model (oriented negative, as TAM's
    parameters are, unless a facet is a leniency); ``step_facet``: the column of the facet whose elements
    have their own thresholds (partial credit), or None (rating scale). ``constraint``: ``"items"`` (every
    facet centred, the population mean estimated) or ``"cases"`` (the population mean 0 and one facet with
    ``centered=False``). ``nodes``: how many nodes on [-6, 6], or the nodes themselves (equally spaced).
    ``tol``: the largest change of a measure, threshold, μ or log σ² in the last iteration at convergence;
    ``max_iterations`` counts EM iterations (SQUAREM's included). ``chunk``: cells of a temporary array.

    Examples
    --------
    Two jurors, the second harsher, rate twenty entries: the harsh juror's measure is positive, the two sum
    to 0, and every entry gets a finite WLE (even those rated 0 or 2 by both).

    >>> rng = np.random.default_rng(1)
    >>> ability = rng.normal(0, 1.5, 20)
    >>> d = pd.DataFrame({"entry": np.tile(np.arange(20), 2), "juror": np.repeat(["J1", "J2"], 20),
    ...                   "score": np.clip(np.round(np.tile(ability, 2) + 1 - np.repeat([0, 1], 20)), 0, 2)})
    >>> fit = fit_rasch_mml(d, [Facet("juror")], person="entry")
    >>> j = fit.measures["juror"].set_index("element")["measure"]
    >>> bool(j["J2"] > 0 > j["J1"]), round(float(j.sum()), 9), fit.converged
    (True, 0.0, True)
    >>> bool(np.isfinite(fit.measures["entry"]["measure"]).all())
    True
    """
    model = _Model(data, tuple(facets), person, score, step_facet, constraint, nodes, chunk)
    # the iterations accelerated by SQUAREM (Varadhan & Roland 2008): two steps give the direction of the
    # slow modes, and an extrapolation along it is kept unless the step from there is much larger than before
    state, iterations, converged, change, longest = model.state(), 0, False, np.inf, 1.0
    while iterations < max_iterations:
        one = model.step(state)
        iterations += 1
        r = one - state
        change = float(np.abs(r).max())
        state = one
        if change < tol:
            converged = True
            break
        if iterations + 2 > max_iterations:
            continue
        two = model.step(one)
        iterations += 1
        v = two - 2 * one + (one - r)
        length = float(np.sqrt(r @ r / max(float(v @ v), 1e-300)))
        alpha = -min(max(length, 1.0), longest)
        if -alpha == longest:
            longest *= 4
        guess = one - r - 2 * alpha * r + alpha**2 * v
        three = model.step(guess)
        iterations += 1
        if np.isfinite(three).all() and float(np.abs(three - guess).max()) <= 3 * change:
            state = three
        else:
            state, longest = two, max(1.0, longest / 4)
    model.set_state(state)
    return model.result(iterations, converged, change)


class _Model:
    """The data arranged for estimation, and the parameters."""

    def __init__(self, data, facets, person, score, step_facet, constraint, nodes, chunk):
        if not facets:
            raise ValueError("at least one facet besides the entries is needed")
        columns = [f.column for f in facets]
        if len(set(columns)) != len(columns) or person in columns:
            raise ValueError(f"the facets' columns and the person column must differ; got {columns} and {person!r}")
        if step_facet is not None and step_facet not in columns:
            raise ValueError(f"step_facet must be one of the facets' columns ({', '.join(columns)}); "
                             f"got {step_facet!r}")
        floating = [i for i, f in enumerate(facets) if not f.centered]
        if constraint == "items" and floating:
            raise ValueError('constraint="items" centres every facet: none may have centered=False')
        if constraint == "cases" and len(floating) != 1:
            raise ValueError(f'constraint="cases" fixes the population mean: one facet floats (centered=False); '
                             f"got {len(floating)}")
        if constraint not in ("items", "cases"):
            raise ValueError(f'constraint must be "items" or "cases"; got {constraint!r}')
        self.facets, self.person, self.constraint, self.step_facet = facets, person, constraint, step_facet
        self.floating = floating[0] if floating else None
        self.chunk = max(int(chunk), 1)
        rows = data[[person, *columns, score]].dropna()
        categories, x = np.unique(rows[score].to_numpy(dtype=float), return_inverse=True)
        if len(categories) < 2:
            raise ValueError("a Rasch model needs ratings in at least two categories")
        self.categories, self.x, self.m = categories, x.astype(np.int64), len(categories) - 1
        self.k = np.arange(self.m + 1, dtype=float)
        self.nodes = (np.linspace(-NODE_RANGE, NODE_RANGE, nodes) if np.isscalar(nodes)
                      else np.asarray(nodes, dtype=float))
        self.width = float(np.diff(self.nodes)[0])
        self.person_codes, self.person_labels = pd.factorize(rows[person], sort=True)
        self.n_persons = len(self.person_labels)
        self.codes, self.labels = [], []
        for f in facets:
            c, lab = pd.factorize(rows[f.column], sort=True)
            self.codes.append(c.astype(np.int64))
            self.labels.append(lab)
        self.sizes = [len(lab) for lab in self.labels]
        self.signs = np.array([f.sign for f in facets])
        # generalised items: the ratings that share every facet element, ordered by their step element
        self.step_index = columns.index(step_facet) if step_facet else None
        self.item, self.item_codes = _combinations(self.codes, self.sizes, self.step_index)
        self.n_items = len(self.item_codes)
        self.step_of_item = (self.item_codes[:, self.step_index] if step_facet
                             else np.zeros(self.n_items, dtype=np.int64))
        self.n_steps = self.sizes[self.step_index] if step_facet else 1
        # observed sufficient statistics
        n_ratings = len(x)
        self.observed = [np.bincount(c, weights=self.x, minlength=n) for c, n in zip(self.codes, self.sizes)]
        at_least = (self.x[:, None] >= np.arange(1, self.m + 1)[None, :]).astype(float)  # ratings × m
        self.observed_steps = _sum_by(self.step_of_item[self.item], at_least, self.n_steps)  # steps × m
        self.person_score = np.bincount(self.person_codes, weights=self.x, minlength=self.n_persons)
        self.person_count = np.bincount(self.person_codes, minlength=self.n_persons).astype(float)
        # entries × items counts, in blocks of items (the E-step's sums) and whole (items × entries)
        K, Q = self.m + 1, len(self.nodes)
        per_item = max(1, self.chunk // (K * Q))
        self.item_chunks = [(g0, min(g0 + per_item, self.n_items)) for g0 in range(0, self.n_items, per_item)]
        by_item = sparse.csc_matrix((np.ones(n_ratings), (self.person_codes, self.item)),
                                    shape=(self.n_persons, self.n_items))
        self.item_blocks = [by_item[:, g0:g1].tocsr() for g0, g1 in self.item_chunks]
        self.items_by_person = by_item.T.tocsr()  # items × entries
        # the runs of items sharing a step element, within each block
        self.step_runs = []
        for g0, g1 in self.item_chunks:
            cuts = np.flatnonzero(np.diff(self.step_of_item[g0:g1])) + 1
            starts, ends = np.r_[0, cuts], np.r_[cuts, g1 - g0]
            self.step_runs.append([(a, b, int(self.step_of_item[g0 + a])) for a, b in zip(starts, ends)])
        # the directions EM is slow in, which take a Newton step on the marginal likelihood instead: the elements
        # of the facets constant within every entry (an entry's group), and under "cases" the floating facet's
        # common shift; per direction, how far it moves each entry (entries × directions, sparse)
        self.person_level, self.slow_owners, columns_of, entries_of, signs_of = [], [], [], [], []
        for i, c in enumerate(self.codes):
            element = np.full(self.n_persons, -1)
            element[self.person_codes] = c
            if self.sizes[i] > 1 and np.array_equal(element[self.person_codes], c):
                self.person_level.append(i)
                columns_of.append(len(self.slow_owners) + element)
                entries_of.append(np.arange(self.n_persons))
                signs_of.append(np.full(self.n_persons, self.facets[i].sign))
                self.slow_owners += [(i, e) for e in range(self.sizes[i])]
        if self.floating is not None and self.floating not in self.person_level:
            columns_of.append(np.full(self.n_persons, len(self.slow_owners)))
            entries_of.append(np.arange(self.n_persons))
            signs_of.append(np.full(self.n_persons, self.facets[self.floating].sign))
            self.slow_owners.append((self.floating, None))
        if self.slow_owners:
            self.slow_directions = sparse.csr_matrix(
                (np.concatenate(signs_of), (np.concatenate(entries_of), np.concatenate(columns_of))),
                shape=(self.n_persons, len(self.slow_owners)))
        # a centred facet's elements' steps sum to 0
        self.slow_constraints = np.zeros((0, len(self.slow_owners)))
        for i in self.person_level:
            if self.facets[i].centered:
                row = np.array([[1.0 if owner == i else 0.0 for owner, _ in self.slow_owners]])
                self.slow_constraints = np.concatenate([self.slow_constraints, row])
        # starting values: thresholds from the categories' frequencies, facets 0, θ ~ N(0, 1)
        self.beta = [np.zeros(n) for n in self.sizes]
        counts = np.bincount(self.step_of_item[self.item] * K + self.x, minlength=self.n_steps * K)
        counts = counts.reshape(self.n_steps, K)
        if (counts == 0).any():
            s, k = np.argwhere(counts == 0)[0]
            raise ValueError(f"{step_facet} {self.labels[self.step_index][s]!r} has no rating in category "
                             f"{categories[k]:g}: its threshold cannot be estimated")
        counts = counts + 0.5
        tau = np.log(counts[:, :-1] / counts[:, 1:])
        self.tau = tau - tau.mean(axis=1, keepdims=True)
        self.mu, self.var = 0.0, 1.0
        self.kept = None  # the items' probabilities at the current parameters, when the E-step kept them

    # ---- the model's pieces ---------------------------------------------------------------------------------
    def offsets(self) -> np.ndarray:
        """Each item's Σ_f s_f β_f."""
        return sum(s * b[c] for s, b, c in zip(self.signs, self.beta, self.item_codes.T))

    def cumulative_tau(self) -> np.ndarray:
        """Per step element: 0, τ_1, τ_1 + τ_2, … (steps × m + 1)."""
        return np.concatenate([np.zeros((self.n_steps, 1)), np.cumsum(self.tau, axis=1)], axis=1)

    def tables(self, g0: int, g1: int, offset: np.ndarray, cumtau: np.ndarray):
        """For items g0..g1-1 at every node: P(X = k | θ_q) (items × nodes × categories) and the log of the
        normaliser, log Σ_k exp(k (θ_q + offset) - Σ_{j<=k} τ_j) (items × nodes)."""
        eta = self.nodes[None, :] + offset[g0:g1, None]
        last = cumtau[self.step_of_item[g0:g1], -1]
        logits = eta[:, :, None] * self.k[None, None, :] - cumtau[self.step_of_item[g0:g1]][:, None, :]
        # against overflow, the larger of the extreme categories' logits (0 and m η - Σ τ) is taken out: the
        # normaliser is then at least 1, and a middle category exceeds it by at most the thresholds' disorder
        top = np.maximum(self.m * eta - last[:, None], 0)
        p = np.exp(logits - top[:, :, None], out=logits)
        total = p @ np.ones(self.m + 1)
        p /= total[:, :, None]
        return p, np.log(total) + top

    def probabilities(self):
        """P(X = k | θ_q), item block by item block: (g0, g1, items × nodes × categories); those the E-step
        kept, if the parameters have not moved since."""
        if self.kept is not None:
            yield from self.kept
            return
        offset, cumtau = self.offsets(), self.cumulative_tau()
        for g0, g1 in self.item_chunks:
            yield g0, g1, self.tables(g0, g1, offset, cumtau)[0]

    def log_prior(self) -> np.ndarray:
        return -0.5 * (self.nodes - self.mu) ** 2 / self.var - 0.5 * np.log(2 * np.pi * self.var)

    # ---- estimation -----------------------------------------------------------------------------------------
    def e_step(self, moments: bool = False, keep: bool = False):
        """The entries' posteriors over the nodes (entries × nodes) and TAM's deviance; with ``moments``,
        also each entry's expected score and its variance at each node (entries × nodes). With ``keep``, the
        items' probabilities are kept for the M-step when they fit in ``KEEP`` blocks.

        log f(x_n | θ_q) = S_n θ_q + Σ_r (x_r offset_r - Σ_{j<=x_r} τ_j) - Σ_r log-normaliser_r(θ_q): only the
        items' normalisers are summed per entry."""
        Q = len(self.nodes)
        keep = keep and len(self.item_chunks) <= KEEP
        self.kept = [] if keep else None
        normalisers = np.zeros((self.n_persons, Q))
        expected = np.zeros((self.n_persons, Q)) if moments else None
        variance = np.zeros((self.n_persons, Q)) if moments else None
        offset, cumtau = self.offsets(), self.cumulative_tau()
        for (g0, g1), by_item in zip(self.item_chunks, self.item_blocks):
            p, log_total = self.tables(g0, g1, offset, cumtau)
            normalisers += by_item @ log_total
            if keep:
                self.kept.append((g0, g1, p))
            if moments:
                e = p @ self.k
                expected += by_item @ e
                variance += by_item @ (p @ self.k**2 - e**2)
        constant = np.bincount(self.person_codes, minlength=self.n_persons,
                               weights=self.x * offset[self.item] - cumtau[self.step_of_item[self.item], self.x])
        joint = (self.person_score[:, None] * self.nodes[None, :] - normalisers + constant[:, None]
                 + self.log_prior()[None, :])
        top = joint.max(axis=1, keepdims=True)
        posterior = np.exp(joint - top)
        total = posterior.sum(axis=1, keepdims=True)
        posterior /= total
        deviance = -2.0 * float((np.log(total[:, 0]) + top[:, 0] + np.log(self.width)).sum())
        return posterior, deviance, expected, variance

    def state(self) -> np.ndarray:
        """The parameters as one vector: the facets' measures, the thresholds, μ and log σ²."""
        return np.concatenate([*self.beta, self.tau.ravel(), [self.mu, np.log(self.var)]])

    def set_state(self, state: np.ndarray) -> None:
        at = 0
        for i, n in enumerate(self.sizes):
            self.beta[i] = state[at:at + n].copy()
            at += n
        self.tau = state[at:at + self.tau.size].reshape(self.tau.shape).copy()
        self.mu, self.var = float(state[-2]), float(np.exp(state[-1]))

    def step(self, state: np.ndarray) -> np.ndarray:
        """One iteration from ``state``: the new state (not finite if ``state`` is beyond reach)."""
        if not np.isfinite(state).all():
            return np.full_like(state, np.nan)
        self.set_state(state)
        with np.errstate(over="ignore", under="ignore"):
            try:
                self.iterate()
            except np.linalg.LinAlgError:
                return np.full_like(state, np.nan)
        return self.state()

    def iterate(self) -> None:
        """One EM iteration, plus the Newton step in the slow directions."""
        slow = bool(self.slow_owners)
        posterior, _, e_score, v_score = self.e_step(moments=slow, keep=True)
        weights = self.items_by_person @ posterior  # items × nodes: expected ratings of each item at each node
        # the population (TAM's regression step)
        eap = posterior @ self.nodes
        centre = eap.mean()
        self.mu = centre if self.constraint == "items" else 0.0
        self.var = max(float((posterior * (self.nodes[None, :] - centre) ** 2).sum(axis=1).mean()), 1e-6)
        # the items' expected scores, information, Σ P(X >= j) and their covariances, at the current parameters
        moments = self.item_moments(weights)
        # the facets, one after the other: each facet's step moves the items' expected scores by W Δη (to first
        # order), which the next facet and the thresholds take into account; a facet constant within entries
        # moves by the marginal Newton step below instead
        shift = np.zeros(self.n_items)
        for i, f in enumerate(self.facets):
            if i in self.person_level:
                continue
            c, n = self.item_codes[:, i], self.sizes[i]
            expected = np.bincount(c, weights=moments.expected + moments.information * shift, minlength=n)
            information = np.bincount(c, weights=moments.information, minlength=n)
            # a centred facet's steps sum to 0; so do the floating facet's (its common shift is a slow direction)
            step = _limited(_constrained_step(f.sign * (self.observed[i] - expected), information))
            self.beta[i] += step
            if f.centered:
                self.beta[i] -= self.beta[i].mean()  # (rounding)
            shift += f.sign * step[c]
        # the thresholds: Newton on each scale's whole information matrix, the steps summing to 0
        above = _sum_by(self.step_of_item, moments.above + moments.covariance * shift[:, None], self.n_steps)
        information = self.step_information(moments)
        for s in range(self.n_steps):
            # ∂/∂τ_j = Σ P(X >= j) - [x >= j]
            step = _limited(_kkt_step(above[s] - self.observed_steps[s], information[s]))
            self.tau[s] += step
        if slow:
            self.slow_step(posterior, e_score, v_score)
        self.kept = None

    def item_moments(self, weights: np.ndarray) -> _Moments:
        """Per item, summed over the nodes with ``weights`` (items × nodes): the expected score and its
        variance, P(X >= j) and Cov(X, [X >= j]) (j = 1..m); per step element, Σ P(X >= j) P(X >= l)."""
        m, G = self.m, self.n_items
        out = _Moments(np.zeros(G), np.zeros(G), np.zeros((G, m)), np.zeros((G, m)), np.zeros((self.n_steps, m, m)))
        upper = (self.k[:, None] >= np.arange(1, m + 1)[None, :]).astype(float)  # categories × m: [k >= j]
        sums = np.concatenate([self.k[:, None], self.k[:, None] ** 2, upper, self.k[:, None] * upper], axis=1)
        for (g0, g1, p), runs in zip(self.probabilities(), self.step_runs):
            wt = weights[g0:g1]
            g, Q, K = p.shape
            flat = p.reshape(-1, K)
            e = (flat @ self.k).reshape(g, Q)
            tail = np.empty((g, Q, m))  # P(X >= j), j = 1..m, at every node: suffix sums over the categories
            tail[:, :, m - 1] = p[:, :, m]
            for j in range(m - 2, -1, -1):
                np.add(tail[:, :, j + 1], p[:, :, j + 1], out=tail[:, :, j])
            # Σ_q weight × P(X = k) gives the weighted sums of everything linear in the probabilities
            summed = np.einsum("gq,gqk->gk", wt, p, optimize=True) @ sums
            out.expected[g0:g1] = summed[:, 0]
            out.information[g0:g1] = summed[:, 1] - np.einsum("gq,gq->g", wt, e * e)
            out.above[g0:g1] = summed[:, 2:2 + m]
            out.covariance[g0:g1] = summed[:, 2 + m:] - np.einsum("gq,gqj->gj", wt * e, tail, optimize=True)
            for a, b, step in runs:
                rows = tail[a:b].reshape(-1, m)
                out.cross[step] += (rows * wt[a:b].reshape(-1, 1)).T @ rows
        return out

    def step_information(self, moments: _Moments) -> np.ndarray:
        """Per step element, the thresholds' information matrix Σ Cov([X >= j], [X >= l]) (steps × m × m)."""
        above = _sum_by(self.step_of_item, moments.above, self.n_steps)
        j = np.arange(self.m)
        return above[:, np.maximum.outer(j, j)] - moments.cross

    def slow_step(self, posterior, e_score, v_score) -> None:
        """A Newton step on the marginal likelihood in the directions that move whole entries: the floating
        facet's common shift (constraint "cases") and the elements of facets constant within entries."""
        c = self.slow_directions  # entries × directions: how far each direction moves each entry
        mean_score = (posterior * e_score).sum(axis=1)
        # d/dt log f(x_n | θ_q) = c_n (S_n - e_nq); the marginal Hessian Σ_n c_n c_n' (Var_post e - E_post w)
        information = (posterior * v_score).sum(axis=1)
        curvature = (posterior * e_score**2).sum(axis=1) - mean_score**2 - information
        gradient = c.T @ (self.person_score - mean_score)
        hessian = (c.T @ c.multiply(curvature[:, None])).toarray()
        # on the coarse grid of nodes that curvature swings with the entries' places between the nodes, even to
        # > 0: it is kept at least that of a continuous normal population, -Σ c_n c_n' / (σ² + 1 / E_post w)
        floor = (c.T @ c.multiply(-1 / (self.var + 1 / np.maximum(information, 1e-12))[:, None])).toarray()
        values, vectors = np.linalg.eigh(hessian - floor)
        hessian = floor + (vectors * np.minimum(values, 0)) @ vectors.T
        step = _limited(_kkt_step(gradient, -hessian, self.slow_constraints))
        for (i, e), s in zip(self.slow_owners, step):
            if e is None:
                self.beta[i] += s
            else:
                self.beta[i][e] += s
        for i in {i for i, _ in self.slow_owners}:
            if self.facets[i].centered:
                self.beta[i] -= self.beta[i].mean()  # (rounding)

    # ---- results --------------------------------------------------------------------------------------------
    def result(self, iterations: int, converged: bool, change: float) -> MmlFit:
        posterior, deviance, _, _ = self.e_step()
        weights = self.items_by_person @ posterior
        eap = posterior @ self.nodes
        eap_sd = np.sqrt(np.maximum(posterior @ self.nodes**2 - eap**2, 0))
        theta, theta_se = self.wle(eap)
        fit = self.fit_at(theta)
        moments = self.item_moments(weights)
        measures = {}
        for i, f in enumerate(self.facets):
            information = np.bincount(self.item_codes[:, i], weights=moments.information, minlength=self.sizes[i])
            se, derived = _tam_se(information, f.centered)
            table = pd.DataFrame({"element": np.asarray(self.labels[i], dtype=object), "measure": self.beta[i],
                                  "se": se, "derived": derived})
            measures[f.column] = pd.concat([table, fit[i]], axis=1)
        extreme = (self.person_score == 0) | (self.person_score == self.m * self.person_count)
        person = pd.DataFrame({"element": np.asarray(self.person_labels, dtype=object), "measure": theta,
                               "se": theta_se, "eap": eap, "eap_sd": eap_sd, "extreme": extreme})
        measures[self.person] = pd.concat([person, fit[-1]], axis=1)
        # thresholds' S.E.s, TAM's: step j < m loads -[k >= j] + [k >= m], the last is derived
        information = self.step_information(moments)
        m = self.m
        se = np.zeros((self.n_steps, m))
        for s in range(self.n_steps):
            c = information[s]
            own = np.array([c[j, j] + c[m - 1, m - 1] - 2 * c[j, m - 1] for j in range(m - 1)])
            se[s, : m - 1] = 1 / np.sqrt(own)
            se[s, m - 1] = np.sqrt((se[s, : m - 1] ** 2).sum()) if m > 1 else np.nan  # (one step: fixed at 0)
        steps = pd.DataFrame({
            "step": np.repeat(np.asarray(self.labels[self.step_index], dtype=object) if self.step_facet else [""], m),
            "category": np.tile(self.categories[1:], self.n_steps), "threshold": self.tau.ravel(), "se": se.ravel(),
            "derived": np.tile(np.arange(1, m + 1) == m, self.n_steps) & (m > 1)})
        return MmlFit(self.facets, self.person, self.constraint, measures, steps, self.categories, float(self.mu),
                      float(self.var), deviance, iterations, converged, float(change))

    def rating_probabilities(self, theta: np.ndarray, ratings: np.ndarray | None = None):
        """P(X = k) of each rating (of ``ratings``, indices, or all) with the entries at ``theta``, ``chunk``
        cells at a time: (indices or slice, ratings × categories)."""
        n = len(self.x) if ratings is None else len(ratings)
        per = max(1, self.chunk // (self.m + 1))
        offset, cumtau = self.offsets(), self.cumulative_tau()
        for r0 in range(0, n, per):
            r = slice(r0, min(r0 + per, n)) if ratings is None else ratings[r0:r0 + per]
            item = self.item[r]
            eta = theta[self.person_codes[r]] + offset[item]
            logits = eta[:, None] * self.k[None, :] - cumtau[self.step_of_item[item]]
            p = np.exp(logits - logits.max(axis=1, keepdims=True))
            yield r, p / (p @ np.ones(self.m + 1))[:, None]

    def wle(self, start: np.ndarray, tol: float = 1e-10, max_iterations: int = 100):
        """Warm's weighted likelihood estimates of the entries and their S.E.s: Newton on
        S - Σ E + J / 2I = 0 (I the test information, J = Σ third central moments = dI/dθ, and
        dJ/dθ = Σ fourth cumulants), each entry until its own step is below ``tol``."""
        theta, n = start.copy(), self.n_persons
        powers = self.k[:, None] ** np.arange(1, 5)[None, :]  # categories × (k, k², k³, k⁴)
        active, ratings = np.ones(n, dtype=bool), None
        info = np.zeros(n)
        for _ in range(max_iterations):
            e_sum, info_now, third, fourth = (np.zeros(n) for _ in range(4))
            for r, p in self.rating_probabilities(theta, ratings):
                e, e2, e3, e4 = (p @ powers).T
                w = e2 - e**2
                codes = self.person_codes[r]
                e_sum += np.bincount(codes, weights=e, minlength=n)
                info_now += np.bincount(codes, weights=w, minlength=n)
                third += np.bincount(codes, weights=e3 - 3 * e * e2 + 2 * e**3, minlength=n)
                fourth += np.bincount(codes, weights=e4 - 4 * e * e3 + 6 * e**2 * e2 - 3 * e**4 - 3 * w**2,
                                      minlength=n)
            info[active] = info_now[active]
            own = np.where(active, info_now, 1.0)  # (the others' sums are 0)
            value = self.person_score - e_sum + third / (2 * own)
            slope = -own + (fourth * own - third**2) / (2 * own**2)
            slope = np.where(slope < 0, slope, -own)
            step = np.where(active, np.clip(-value / slope, -MAX_STEP, MAX_STEP), 0.0)
            theta += step
            active &= np.abs(step) >= tol
            if not active.any():
                break
            ratings = np.flatnonzero(active[self.person_codes])
        # the S.E. from the information at the estimate (an entry's last step moved it by less than ``tol``)
        return theta, 1 / np.sqrt(info)

    def fit_at(self, theta: np.ndarray) -> list[pd.DataFrame]:
        """FACETS' infit and outfit (with ZStd), observed average and count of every facet's elements and of
        the entries, from the residuals with the entries at ``theta``."""
        groups = [*self.codes, self.person_codes]
        sizes = [*self.sizes, self.n_persons]
        names = ("squared", "variance", "standardized", "kurtosis", "outfit_q", "raw")
        sums = [{name: np.zeros(n) for name in names} for n in sizes]
        for r, p in self.rating_probabilities(theta):
            e, w, c = _moments(p)
            squared = (self.x[r] - e) ** 2
            terms = {"squared": squared, "variance": w, "standardized": squared / w, "kurtosis": c - w**2,
                     "outfit_q": c / w**2, "raw": self.categories[self.x[r]]}
            for codes, n, acc in zip(groups, sizes, sums):
                for name, values in terms.items():
                    acc[name] += np.bincount(codes[r], weights=values, minlength=n)
        tables = []
        for codes, n, acc in zip(groups, sizes, sums):
            count = np.bincount(codes, minlength=n).astype(float)
            with np.errstate(divide="ignore", invalid="ignore"):
                infit = acc["squared"] / acc["variance"]
                outfit = acc["standardized"] / count
                q_in = np.sqrt(acc["kurtosis"]) / acc["variance"]
                q_out = np.sqrt(np.maximum(acc["outfit_q"] / count**2 - 1 / count, 0))
                z_in = (np.cbrt(infit) - 1) * (3 / q_in) + q_in / 3
                z_out = (np.cbrt(outfit) - 1) * (3 / q_out) + q_out / 3
            tables.append(pd.DataFrame({"infit": infit, "infit_zstd": z_in, "outfit": outfit, "outfit_zstd": z_out,
                                        "observed_average": acc["raw"] / count, "count": count.astype(np.int64)}))
        return tables


def _combinations(codes: list[np.ndarray], sizes: list[int], first: int | None) -> tuple[np.ndarray, np.ndarray]:
    """Each rating's generalised item (its combination of facet elements) and the items' elements
    (items × facets), the items ordered by facet ``first`` (the step facet) if given."""
    order = list(range(len(codes)))
    if first is not None:
        order.remove(first)
        order.insert(0, first)
    stacked = np.stack(codes, axis=1)
    if np.prod(np.array(sizes, dtype=float)) < 2.0**62:
        key = np.zeros(len(stacked), dtype=np.int64)
        for i in order:
            key = key * sizes[i] + codes[i]
        _, first_row, item = np.unique(key, return_index=True, return_inverse=True)
        return item.ravel().astype(np.int64), stacked[first_row]
    combos, item = np.unique(stacked[:, order], axis=0, return_inverse=True)
    return item.ravel().astype(np.int64), combos[:, np.argsort(order)]


def _sum_by(codes: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """Sums of the rows of ``values`` by ``codes`` (0..n-1): n × columns."""
    one_hot = sparse.csr_matrix((np.ones(len(codes)), (codes, np.arange(len(codes)))), shape=(n, len(codes)))
    return np.asarray(one_hot @ values)


def _limited(step: np.ndarray) -> np.ndarray:
    """``step`` scaled down so that no parameter moves more than ``MAX_STEP``."""
    return step * min(1.0, MAX_STEP / max(float(np.abs(step).max(initial=0)), 1e-300))


def _constrained_step(gradient: np.ndarray, information: np.ndarray) -> np.ndarray:
    """Newton steps (diagonal information) whose sum is 0: (g_e - λ) / I_e, λ = Σ(g/I) / Σ(1/I)."""
    information = np.maximum(information, 1e-12)
    multiplier = (gradient / information).sum() / (1 / information).sum()
    return (gradient - multiplier) / information


def _kkt_step(gradient: np.ndarray, information: np.ndarray, constraints: np.ndarray | None = None) -> np.ndarray:
    """The Newton step maximising g·Δ - Δ'IΔ/2 subject to ``constraints`` Δ = 0 (default: Σ Δ = 0)."""
    n = len(gradient)
    a = np.ones((1, n)) if constraints is None else constraints
    r = len(a)
    system = np.zeros((n + r, n + r))
    system[:n, :n], system[:n, n:], system[n:, :n] = information, a.T, a
    return np.linalg.lstsq(system, np.concatenate([gradient, np.zeros(r)]), rcond=None)[0][:n]


def _tam_se(information: np.ndarray, centered: bool) -> tuple[np.ndarray, np.ndarray]:
    """TAM's S.E.s of a facet's elements from each element's own information (Σ posterior weight × model
    variance of its ratings): a centred facet's last element is derived, each other element's design column
    also loads on the last one's ratings, and the derived element's S.E. is √Σ of the others' squared."""
    n = len(information)
    derived = np.zeros(n, dtype=bool)
    if not centered:
        return 1 / np.sqrt(information), derived
    derived[-1] = True
    if n == 1:
        return np.array([np.nan]), derived
    se = 1 / np.sqrt(information[:-1] + information[-1])
    return np.append(se, np.sqrt((se**2).sum())), derived
