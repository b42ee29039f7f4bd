"""Charts: functions that turn analysis tables into altair charts, and an offline renderer.

Call :func:`enable` once per notebook. Every chart is a plain altair object, so it can be
tested with ``chart.to_dict()`` and reused by notebooks and reports.
"""

from .agreement_charts import alpha_forest_chart, alpha_if_removed_chart, faction_chart, rank_correlation_chart
from .coverage_charts import coverage_chart
from .theme import CJK_FONT, FONT, RENDERER, THEME, VEGALITE_MIME, cjk_font_file, enable, mimebundle

__all__ = ["CJK_FONT", "FONT", "RENDERER", "THEME", "VEGALITE_MIME", "alpha_forest_chart", "alpha_if_removed_chart",
           "cjk_font_file", "coverage_chart", "enable", "faction_chart", "mimebundle", "rank_correlation_chart"]
