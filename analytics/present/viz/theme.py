"""Showing charts offline: the ``jury`` renderer and theme.

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
import functools
from pathlib import Path

import altair as alt
import vl_convert as vlc

RENDERER = "jury"
THEME = "jury"
CJK_FONT = "Noto Sans CJK TC"
FONT = f"{CJK_FONT}, sans-serif"
VEGALITE_MIME = "application/vnd.vegalite.v5+json"
FONT_DIRS = (Path("/usr/share/fonts/opentype/noto"), Path("/usr/share/fonts/truetype/noto"),
             Path("/usr/share/fonts"), Path.home() / ".fonts", Path.home() / ".local/share/fonts")



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


@functools.cache
def _register_cjk_font() -> None:
    """The CJK font's folder registered with vl-convert, once per process: finding the file walks
    the font folders and registering reloads vl-convert's font database (about 0.3 s each time,
    which every chart paid when this ran per chart)."""
    font = cjk_font_file()
    if font is not None:
        vlc.register_font_directory(str(font.parent))


def enable(*, fonts: bool = True) -> None:
    """Show charts offline in JupyterLab, Voila, exports and untrusted notebooks; idempotent.
    ``fonts=False``: the theme only, without registering the CJK font with vl-convert (for
    charts that a browser draws, with its own fonts)."""
    if fonts:
        _register_cjk_font()
    # altair refuses a chart of more than 5,000 rows by default: a conference's 20,000 entries in one
    # histogram are a chart the workbench must draw (the data reach the page cut to the columns used)
    alt.data_transformers.disable_max_rows()
    alt.renderers.register(RENDERER, mimebundle)
    alt.renderers.enable(RENDERER)
    alt.theme.register(THEME, enable=True)(_theme)
