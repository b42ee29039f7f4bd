"""Charts: functions that turn analysis tables into altair charts, and an offline renderer.

Call :func:`enable` once per notebook. Every chart is a plain altair object, so it can be
tested with ``chart.to_dict()`` and reused by notebooks and reports.
"""

import altair as alt

from analytics.present.viz.agreement_charts import (
    alpha_forest_chart,
    alpha_if_removed_chart,
    faction_chart,
    rank_correlation_chart,
)
from analytics.present.viz.coverage_charts import coverage_chart
from analytics.present.viz.juror_charts import (
    affiliation_chart,
    disagreement_chart,
    drift_chart,
    juror_behaviour_chart,
    juror_severity_chart,
    residual_chart,
)
from analytics.present.viz.participation_charts import (
    ai_share_chart,
    assessed_distribution_chart,
    assessed_share_chart,
    declared_vs_blend_chart,
    dimension_chart,
    dimension_profile_chart,
    note_chart,
    score_effect_chart,
    tool_usage_chart,
    tools_per_film_chart,
)
from analytics.present.viz.ranking_charts import method_comparison_chart, standings_chart
from analytics.present.viz.rasch_charts import wright_map_chart, wright_map_data, wright_map_description
from analytics.present.viz.theme import (
    CJK_FONT,
    FONT,
    RENDERER,
    THEME,
    VEGALITE_MIME,
    cjk_font_file,
    enable,
    mimebundle,
)

__all__ = ["alt", "ai_share_chart", "assessed_distribution_chart", "assessed_share_chart", "note_chart", "declared_vs_blend_chart", "dimension_chart", "dimension_profile_chart",
           "score_effect_chart", "tool_usage_chart", "tools_per_film_chart", "CJK_FONT", "FONT", "RENDERER", "THEME", "VEGALITE_MIME", "alpha_forest_chart", "alpha_if_removed_chart",
           "cjk_font_file", "coverage_chart", "enable", "faction_chart", "mimebundle", "rank_correlation_chart",
           "affiliation_chart", "disagreement_chart", "drift_chart", "juror_behaviour_chart", "juror_severity_chart",
           "method_comparison_chart",
           "residual_chart", "standings_chart", "wright_map_chart", "wright_map_data", "wright_map_description"]
