"""Result types of the agreement statistics and the interpretation bands, with their sources."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

NAN = float("nan")

#: Krippendorff (2004), *Content Analysis*, 2nd ed., p. 241: rely on data with alpha >= .800;
#: consider variables with .667 <= alpha < .800 only for drawing tentative conclusions.
ALPHA_BANDS = ((0.800, "reliable"), (0.667, "tentative"), (-math.inf, "unreliable"))
#: Koo & Li (2016), J. Chiropractic Medicine 15(2):155-163: below .50 poor, .50-.75 moderate,
#: .75-.90 good, above .90 excellent.
ICC_BANDS = ((0.90, "excellent"), (0.75, "good"), (0.50, "moderate"), (-math.inf, "poor"))
#: Landis & Koch (1977), Biometrics 33(1):159-174, for kappa-type coefficients.
KAPPA_BANDS = ((0.81, "almost perfect"), (0.61, "substantial"), (0.41, "moderate"), (0.21, "fair"),
               (0.0, "slight"), (-math.inf, "poor"))
#: Schmidt (1997), Decision Sciences 28(3):763-774, for Kendall's W.
W_BANDS = ((0.9, "unusually strong"), (0.7, "strong"), (0.5, "moderate"), (0.3, "weak"), (-math.inf, "very weak"))


def band(value: float, bands: tuple[tuple[float, str], ...]) -> str:
    """The label of the first band whose lower bound ``value`` reaches; ``""`` for NaN.

    >>> band(0.70, ALPHA_BANDS), band(0.95, ICC_BANDS), band(0.2, KAPPA_BANDS)
    ('tentative', 'excellent', 'slight')
    """
    if value is None or math.isnan(value):
        return ""
    return next(label for low, label in bands if value >= low)


@dataclass(frozen=True)
class AgreementResult:
    """One agreement coefficient.

    ``estimate`` is NaN exactly when the statistic is undefined for the data; ``reason``
    then says why. ``ci_low``/``ci_high`` are NaN when no interval was computed.
    ``details`` holds the statistic's parts (observed and expected disagreement, test
    statistics, ...).
    """

    statistic: str
    estimate: float
    n_units: int
    n_raters: int
    n_ratings: int
    ci_low: float = NAN
    ci_high: float = NAN
    band: str = ""
    reason: str = ""
    details: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class ICCResult(AgreementResult):
    """An ICC: ``estimate`` is the chosen ``form``; ``table`` has all six forms
    (``form, description, estimate, f, df1, df2, p_value, ci_low, ci_high``)."""

    form: str = "ICC2"
    complete: bool = True
    table: pd.DataFrame = field(default_factory=pd.DataFrame)


def undefined(statistic: str, reason: str, n_units: int = 0, n_raters: int = 0, n_ratings: int = 0,
              **extra) -> AgreementResult:
    """A result for data on which the statistic is not defined: NaN, with the reason."""
    return AgreementResult(statistic, NAN, n_units, n_raters, n_ratings, reason=reason, **extra)
