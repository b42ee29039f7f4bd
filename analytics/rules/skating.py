"""The Skating System for one dance (design section 15, ``majority``): rules 5 to 8.

Each adjudicator ranks the ``n`` couples of a final ``1 … n``, each place once. The couples are
placed from first to last by majority of places:

- **Rule 5** (majority): the winner is the couple placed first by an absolute majority of the
  adjudicators (more than half: ``J // 2 + 1`` of ``J``); second, the couple placed "second or
  higher" by a majority, and so on.
- **Rule 8** (no majority): if no couple still to be placed has a majority in the column under
  review, the next lower place is brought in ("1-3", "1-4", ...).
- **Rule 6** (greater majority): if several couples have a majority in the same column, the couple
  with the largest majority takes the place under review, the next largest the following place.
- **Rule 7** (equal majorities): (a) the lower total of the marks that make up the majority wins;
  (b) if the totals are equal too, the next lower place is brought in for the couples concerned.
  Couples still equal when every place has been brought in share the places (mean of the places
  shared, e.g. ``2.5`` for second and third).

Rules 9 to 11 (combining dances) are not implemented.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SKATING_TABLE_COLUMNS = ["couple", "places_up_to", "count", "total", "has_majority", "decisive", "place",
                         "rule"]


def _labels(marks) -> tuple[list, list]:
    """Couple and adjudicator labels: a DataFrame's index and columns, else positions."""
    if isinstance(marks, pd.DataFrame):
        return list(marks.index), list(marks.columns)
    shape = np.shape(marks)
    couples = list(range(shape[0])) if len(shape) >= 1 else []
    judges = list(range(shape[1])) if len(shape) == 2 else []
    return couples, judges


def _validated(marks) -> np.ndarray:
    """``marks`` as an integer couples × adjudicators array; raise one ValueError listing every problem."""
    _, judges = _labels(marks)
    try:
        values = np.asarray(marks, dtype=float)
    except (TypeError, ValueError) as error:
        raise ValueError(f"marks must be numbers (couples × adjudicators places 1..n); got {error}.") from None
    if values.ndim != 2 or values.shape[0] == 0 or values.shape[1] == 0:
        raise ValueError("marks must be a 2-D couples × adjudicators array with at least one couple and one "
                         f"adjudicator; got shape {values.shape}.")
    n = values.shape[0]
    problems: list[str] = []
    for j, judge in enumerate(judges):
        column = values[:, j]
        for value in column[~(np.isfinite(column) & (column == np.round(column)))]:
            problems.append(f"adjudicator column {judge!r}: mark {float(value)!r} is not a whole number")
        whole = column[np.isfinite(column) & (column == np.round(column))]
        for value in whole[(whole < 1) | (whole > n)]:
            problems.append(f"adjudicator column {judge!r}: mark {int(value)} is outside 1..{n}")
        places, counts = np.unique(whole, return_counts=True)
        for value in places[counts > 1]:
            problems.append(f"adjudicator column {judge!r}: place {int(value)} is given "
                            f"{int(counts[places == value][0])} times")
        missing = np.setdiff1d(np.arange(1, n + 1), whole)
        if missing.size:
            problems.append(f"adjudicator column {judge!r}: places {missing.astype(int).tolist()} are missing")
    if problems:
        raise ValueError(f"Each adjudicator must rank the {n} couples 1..{n}, each place once; "
                         + "; ".join(problems) + ". Correct the marks with the adjudicator (Skating System "
                         "rules 3 and 4).")
    return values.astype(int)


def _working(m: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Counts and totals per couple and column ``1..k`` (couples × n), places, decisive column, rule."""
    n, n_judges = m.shape
    majority = n_judges // 2 + 1
    within = m[:, :, None] <= np.arange(1, n + 1)  # couples × judges × columns: O(n² J)
    count = within.sum(axis=1)
    total = (m[:, :, None] * within).sum(axis=1)
    place = np.full(n, np.nan)
    decisive = np.full(n, -1)
    rule = np.full(n, "", dtype=object)
    unplaced = np.ones(n, dtype=bool)
    next_place = 1
    for k in range(n):
        candidates = np.flatnonzero(unplaced & (count[:, k] >= majority))
        if candidates.size == 0:
            continue  # rule 8: bring in the next place
        # rules 6, 7a, 7b: greater count, then lower total, column k then k + 1, ...
        keys = np.column_stack([np.column_stack([-count[candidates, c], total[candidates, c]])
                                for c in range(k, n)])
        order = np.lexsort(keys.T[::-1])
        keys, candidates = keys[order], candidates[order]
        differs = np.any(keys[1:] != keys[:-1], axis=1)
        first_diff = np.where(differs, np.argmax(keys[1:] != keys[:-1], axis=1), -1)
        starts = np.flatnonzero(np.r_[True, differs])
        ends = np.r_[starts[1:], len(candidates)]
        for start, end in zip(starts, ends):
            group = candidates[start:end]
            place[group] = next_place + (end - start - 1) / 2
            next_place += end - start
            decisive[group] = k + 1
            unplaced[group] = False
            if end - start > 1:
                rule[group] = "shared"
                continue
            gaps = [first_diff[i] for i in (start - 1, start) if 0 <= i < len(first_diff)]
            key = max(gaps, default=None)
            rule[group] = ("5" if key is None else "6" if key == 0 else "7a" if key == 1 else "7b")
    return count, total, place, decisive, rule


def skating_places(marks: np.ndarray) -> np.ndarray:
    """Each couple's place in one dance by the Skating System, rules 5 to 8.

    Parameters
    ----------
    marks : array-like or DataFrame, couples × adjudicators
        Each adjudicator's place for each couple: every column a permutation of ``1 … n``.

    Returns
    -------
    numpy.ndarray of float
        The couples' places, 1 = best; couples still equal after rule 7 share the places, each
        getting their mean (two couples sharing second and third get ``2.5``).

    Raises
    ------
    ValueError
        Listing every adjudicator column whose marks are not whole numbers or not a permutation
        of ``1 … n``, with the value.

    Notes
    -----
    With ``J`` adjudicators the majority is ``J // 2 + 1``. For column ``k`` ("1-k") let
    ``count_k`` be the number of marks ``≤ k`` and ``total_k`` their sum. Columns are reviewed
    from ``k = 1``; the couples not yet placed whose ``count_k`` reaches the majority take the
    next places in order of larger ``count_k`` (rule 6), lower ``total_k`` (rule 7a), then the
    same comparison at ``k + 1``, ``k + 2``, ... (rule 7b); a column where no such couple exists
    is passed over (rule 8). Cost O(n² J) for the working, O(n² log n) for the sorting.

    References
    ----------
    A. Dawson, *The Skating System* (Official Board of Ballroom Dancing), rules 5 to 8, as
    reprinted at https://slydance.org/sistem.php?st=2 and quoted at
    http://www.fdo.fi/skating_system.htm.

    Examples
    --------
    The rule 5 example of Dawson's booklet (reprint at slydance.org): couples 11, 21 and 31 are
    placed 1, 2, 3 (the three other couples' rows are filled in here, the published rows are
    the first three).

    >>> marks = np.array([[1, 5, 1, 1, 2], [2, 2, 5, 4, 1], [3, 3, 3, 2, 3],
    ...                   [4, 4, 2, 3, 4], [5, 1, 4, 5, 5], [6, 6, 6, 6, 6]])
    >>> skating_places(marks)
    array([1., 2., 3., 4., 5., 6.])

    Three adjudicators in a cycle leave three couples equal to the end: they share 1st-3rd.

    >>> skating_places([[1, 2, 3], [2, 3, 1], [3, 1, 2]])
    array([2., 2., 2.])
    """
    return _working(_validated(marks))[2]


def skating_table(marks: np.ndarray) -> pd.DataFrame:
    """The working of :func:`skating_places`: per couple and column ``1-k``, the count and total.

    Returns
    -------
    DataFrame
        One row per couple × column, columns ``SKATING_TABLE_COLUMNS``: ``couple`` (the row label),
        ``places_up_to`` (``k`` of the column "1-k"), ``count`` (marks ``≤ k``), ``total`` (their
        sum), ``has_majority``, ``decisive`` (the column where the couple was placed), ``place``
        and ``rule`` (``"5"``, ``"6"``, ``"7a"``, ``"7b"`` or ``"shared"``: what decided its place).
        Published tables show ``count`` (and ``total`` in brackets when rule 7 is used) up to
        the decisive column; ``pivot`` gives that layout.

    Examples
    --------
    >>> table = skating_table([[1, 2, 2, 3, 3], [3, 3, 1, 1, 2], [2, 1, 3, 4, 4],
    ...                        [4, 4, 4, 2, 1], [5, 5, 5, 5, 5]])
    >>> table.pivot(index="couple", columns="places_up_to", values="count")
    places_up_to  1  2  3  4  5
    couple
    0             1  3  5  5  5
    1             2  3  5  5  5
    2             1  2  3  5  5
    3             1  2  2  5  5
    4             0  0  0  0  5
    >>> table[table.decisive].loc[:, ["couple", "count", "total", "place", "rule"]]
       couple  count  total  place rule
    1       0      3      5    2.0   7a
    6       1      3      4    1.0   7a
    12      2      3      6    3.0    5
    18      3      5     15    4.0    5
    24      4      5     25    5.0    5
    """
    couples, _ = _labels(marks)
    m = _validated(marks)
    n, n_judges = m.shape
    count, total, place, decisive, rule = _working(m)
    columns = np.arange(1, n + 1)
    return pd.DataFrame({
        "couple": np.repeat(np.asarray(couples, dtype=object), n),
        "places_up_to": np.tile(columns, n),
        "count": count.ravel(),
        "total": total.ravel(),
        "has_majority": count.ravel() >= n_judges // 2 + 1,
        "decisive": (decisive[:, None] == columns).ravel(),
        "place": np.repeat(place, n),
        "rule": np.repeat(rule, n),
    }, columns=SKATING_TABLE_COLUMNS)
