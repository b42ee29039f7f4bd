"""Inter-rater agreement: one pure function per statistic, long table in, result out.

Every function takes a long table (one row per unit × rater; a missing value is a missing
rating) with the column names as keywords, defaulting to ``entry_id``, ``juror_id``,
``score``, and returns an :class:`AgreementResult` (``ICCResult`` for :func:`icc`;
a matrix for :func:`rank_correlations`). None of them builds a raters × units matrix for
an incomplete design.
"""

from analytics.stats.agreement.alpha import krippendorff_alpha
from analytics.stats.agreement.categorical import cohen_kappa, fleiss_kappa, gwet_ac1, gwet_ac2
from analytics.stats.agreement.icc import icc
from analytics.stats.agreement.ranks import kendall_w, rank_correlation_pairs, rank_correlations
from analytics.stats.agreement.results import AgreementResult, ICCResult

__all__ = ["AgreementResult", "ICCResult", "cohen_kappa", "fleiss_kappa", "gwet_ac1", "gwet_ac2", "icc", "kendall_w",
           "krippendorff_alpha", "rank_correlation_pairs", "rank_correlations"]
