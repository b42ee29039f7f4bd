"""Charts: altair specs built from analysis tables, and an offline way to show them.

Altair 6 emits Vega-Lite 6, which JupyterLab 4's bundled renderer (Vega-Lite 5) does not
claim, and altair's default renderer loads vega from a CDN. :func:`enable` registers the
``jury`` renderer, which returns two representations of each chart: the Vega-Lite spec
under the v5 mime type (interactive in JupyterLab and Voila, no network) and a PNG drawn by
vl-convert (for exported HTML, untrusted notebooks and viewers without a renderer). It
also enables a theme whose font renders Traditional Chinese (Noto Sans CJK TC, from the
Debian package ``fonts-noto-cjk``).
"""

from __future__ import annotations

import base64
from pathlib import Path

import altair as alt
import vl_convert as vlc

from . import columns as col
from .coverage import STATUSES, coverage
from .festival import Festival

RENDERER = "jury"
THEME = "jury"
CJK_FONT = "Noto Sans CJK TC"
FONT = f"{CJK_FONT}, sans-serif"
VEGALITE_MIME = "application/vnd.vegalite.v5+json"
FONT_DIRS = (Path("/usr/share/fonts/opentype/noto"), Path("/usr/share/fonts/truetype/noto"),
             Path("/usr/share/fonts"), Path.home() / ".fonts", Path.home() / ".local/share/fonts")

STATUS_COLOURS = {"complete": "#4c9a6a", "partial": "#e0a030", "missing": "#d1495b", "conflict": "#b8b8b8",
                  "conflict_scored": "#6a3d9a", "unassigned": "#4a7fb5"}


def cjk_font_file() -> Path | None:
    """The first Noto Sans CJK font file found on this machine, or ``None``."""
    for folder in FONT_DIRS:
        if folder.is_dir():
            found = sorted(folder.rglob("NotoSansCJK*.tt[cf]")) + sorted(folder.rglob("NotoSansCJK*.otf"))
            if found:
                return found[0]
    return None


def mimebundle(spec: dict, **metadata) -> dict:
    """The ``jury`` renderer: Vega-Lite spec for live front ends plus a PNG for the rest."""
    png = vlc.vegalite_to_png(spec, scale=2)
    return {VEGALITE_MIME: spec, "image/png": base64.b64encode(png).decode("ascii"), "text/plain": "<altair chart>"}


def _theme() -> alt.theme.ThemeConfig:
    return alt.theme.ThemeConfig({"config": {
        "font": FONT,
        "title": {"font": FONT, "anchor": "start"},
        "axis": {"labelFont": FONT, "titleFont": FONT},
        "legend": {"labelFont": FONT, "titleFont": FONT},
        "header": {"labelFont": FONT, "titleFont": FONT},
        "view": {"stroke": None},
    }})


def enable() -> None:
    """Show charts offline in JupyterLab, Voila, exports and untrusted notebooks; idempotent."""
    font = cjk_font_file()
    if font is not None:
        vlc.register_font_directory(str(font.parent))
    alt.renderers.register(RENDERER, mimebundle)
    alt.renderers.enable(RENDERER)
    alt.theme.register(THEME, enable=True)(_theme)


def coverage_chart(festival: Festival) -> alt.FacetChart:
    """Which juror scored which entry, one heatmap per lane (see :func:`analytics.coverage.coverage`).

    >>> from analytics import load_festival
    >>> spec = coverage_chart(load_festival("data/demo")).to_dict()
    >>> spec["spec"]["mark"]["type"], spec["facet"]["row"]["field"]
    ('rect', 'lane_name')
    """
    pairs = coverage(festival)
    names = {lane.id: lane.name for lane in festival.config.lanes}
    titles = festival.entries.set_index(col.ENTRY_ID)[col.TITLE]
    data = pairs.assign(lane_name=pairs[col.LANE].map(names), title=pairs[col.ENTRY_ID].map(titles))
    base = alt.Chart(data).mark_rect(stroke="white", strokeWidth=1).encode(
        x=alt.X(f"{col.ENTRY_ID}:N", title="entry", sort="ascending", axis=alt.Axis(labelAngle=-60)),
        y=alt.Y(f"{col.JUROR_ID}:N", title="juror", sort="ascending"),
        color=alt.Color(f"{col.STATUS}:N", title="scores",
                        scale=alt.Scale(domain=list(STATUSES), range=[STATUS_COLOURS[s] for s in STATUSES])),
        tooltip=[alt.Tooltip(f"{col.ENTRY_ID}:N", title="entry"), alt.Tooltip("title:N"),
                 alt.Tooltip(f"{col.JUROR_ID}:N", title="juror"), alt.Tooltip(f"{col.N_SCORED}:Q", title="scored"),
                 alt.Tooltip(f"{col.N_EXPECTED}:Q", title="expected"), alt.Tooltip(f"{col.STATUS}:N", title="status")],
    ).properties(width=alt.Step(16), height=alt.Step(16))
    order = [names[lane] for lane in festival.config.lane_ids]
    return base.facet(row=alt.Row("lane_name:N", title=None, sort=order, header=alt.Header(labelAngle=0, labelAlign="left")),
                      ).resolve_scale(x="independent", y="independent").properties(
        title="Coverage: which juror scored which entry")
