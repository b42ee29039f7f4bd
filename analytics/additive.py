"""The crossed additive model score = entry effect + juror effect + noise, by sparse least squares.

Fitted without building a raters × units matrix: the entry effects are eliminated in closed
form, leaving a juror × juror system (a weighted graph Laplacian whose non-zeros are the
pairs of jurors who scored a common entry), solved per connected part of the design with
one juror held at zero. Juror effects are comparable only within a connected part: when
the design falls apart, :attr:`AdditiveFit.n_components` says so and ``component`` labels
each entry and juror.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.sparse import csgraph
from scipy.sparse.linalg import spsolve


@dataclass(frozen=True)
class AdditiveFit:
    """Least-squares fit of ``y = a[unit] + b[rater]``; ``b`` sums to zero within each
    connected part. ``fitted`` has one value per rating."""

    a: np.ndarray
    b: np.ndarray
    fitted: np.ndarray
    n_components: int
    unit_component: np.ndarray
    rater_component: np.ndarray


def fit_additive(unit: np.ndarray, rater: np.ndarray, y: np.ndarray, n_units: int, n_raters: int) -> AdditiveFit:
    """Fit the additive model to ratings coded as integer ``unit`` and ``rater`` arrays
    (each pair at most once). Cost: the ratings plus a sparse solve of the juror system."""
    n = len(y)
    ones = np.ones(n)
    incidence = sparse.csr_matrix((ones, (unit, rater)), shape=(n_units, n_raters))
    n_u = np.asarray(incidence.sum(axis=1)).ravel()
    n_r = np.asarray(incidence.sum(axis=0)).ravel()
    y_u = np.bincount(unit, weights=y, minlength=n_units)
    y_r = np.bincount(rater, weights=y, minlength=n_raters)

    graph = sparse.bmat([[None, incidence], [incidence.T, None]], format="csr")
    n_components, labels = csgraph.connected_components(graph, directed=False)
    unit_component, rater_component = labels[:n_units], labels[n_units:]

    # normal equations after eliminating a = (y_u - N b) / n_u:  (D_r - N' D_u^-1 N) b = y_r - N' D_u^-1 y_u
    inv_u = sparse.diags(1.0 / np.maximum(n_u, 1))
    system = (sparse.diags(n_r) - incidence.T @ inv_u @ incidence).tocsc()
    rhs = y_r - incidence.T @ (y_u / np.maximum(n_u, 1))
    b = np.zeros(n_raters)
    # hold the first juror of each connected part at zero: the reduced system is non-singular
    first = np.full(n_components, n_raters)
    np.minimum.at(first, rater_component, np.arange(n_raters))
    free = np.setdiff1d(np.arange(n_raters), first[first < n_raters])
    if free.size:
        reduced = system[free][:, free]
        b[free] = spsolve(reduced.tocsc(), rhs[free]) if free.size > 1 else rhs[free] / reduced.toarray()[0, 0]
    # centre juror effects within each part (the split between a and b is arbitrary per part)
    sums = np.bincount(rater_component, weights=b, minlength=n_components)
    counts = np.bincount(rater_component, minlength=n_components)
    shift = np.where(counts > 0, sums / np.maximum(counts, 1), 0.0)
    b = b - shift[rater_component]
    a = (y_u - incidence @ b) / np.maximum(n_u, 1)
    return AdditiveFit(a, b, a[unit] + b[rater], n_components, unit_component, rater_component)
