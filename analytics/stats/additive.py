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


#: below this many raters the juror system is solved densely (scipy.sparse's overhead dominates)
DENSE_MAX_RATERS = 64


def fit_additive(unit: np.ndarray, rater: np.ndarray, y: np.ndarray, n_units: int, n_raters: int) -> AdditiveFit:
    """Fit the additive model to ratings coded as integer ``unit`` and ``rater`` arrays
    (each pair at most once). Cost: the ratings plus a sparse solve of the juror system."""
    if n_raters <= DENSE_MAX_RATERS:
        return _fit_small(unit, rater, y, n_units, n_raters)
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


def _fit_small(unit: np.ndarray, rater: np.ndarray, y: np.ndarray, n_units: int, n_raters: int) -> AdditiveFit:
    """The same fit for a panel of at most ``DENSE_MAX_RATERS`` raters: the juror system is
    raters × raters and dense; the units are never expanded into a matrix."""
    n_u = np.bincount(unit, minlength=n_units).astype(float)
    n_r = np.bincount(rater, minlength=n_raters).astype(float)
    y_u = np.bincount(unit, weights=y, minlength=n_units)
    y_r = np.bincount(rater, weights=y, minlength=n_raters)
    # N' D_u^-1 N summed over ratings that share a unit: pairs (j, k) within each unit
    order = np.argsort(unit, kind="stable")
    u_sorted, r_sorted = unit[order], rater[order]
    starts = np.searchsorted(u_sorted, np.arange(n_units + 1))
    system = np.diag(n_r)
    cross = np.zeros((n_raters, n_raters))
    for size in np.unique(np.diff(starts)):
        units = np.flatnonzero(np.diff(starts) == size)
        block = r_sorted[starts[units][:, None] + np.arange(size)]  # units × size rater codes
        j, k = np.repeat(block, size, axis=1).ravel(), np.tile(block, (1, size)).ravel()
        np.add.at(cross, (j, k), 1.0 / size)
    system -= cross
    rhs = y_r - np.bincount(rater, weights=(y_u / n_u)[unit], minlength=n_raters)
    b = np.linalg.lstsq(system, rhs, rcond=None)[0]  # minimum norm: sums to zero in each connected part
    n_components, labels = csgraph.connected_components(cross > 0, directed=False)
    sums = np.bincount(labels, weights=b, minlength=n_components)
    counts = np.bincount(labels, minlength=n_components)
    b = b - (sums / counts)[labels]
    a = (y_u - np.bincount(unit, weights=b[rater], minlength=n_units)) / n_u
    unit_component = labels[r_sorted[starts[:-1]]]
    return AdditiveFit(a, b, a[unit] + b[rater], n_components, unit_component, labels)
