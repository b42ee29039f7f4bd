"""The one renderer of every HTML surface: the report's sections and pages, the chair page,
the jurors' feedback pages and the chair explorer's tables.

One jinja2 environment, created once, loads the templates of ``analytics/templates/`` with
autoescaping on (text from the festival's files is shown, never run) and undefined names
as errors. Python turns results into plain values (rows, dicts, strings); every piece of
markup lives in a template, and the one style sheet, ``report.css``, is included by every
page.

>>> str(render("sections/_paragraph.html.j2", text="<script>alert(1)</script>"))
'<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>'
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import jinja2
import pandas as pd
from markupsafe import Markup

MISSING = "–"

ENVIRONMENT = jinja2.Environment(
    loader=jinja2.PackageLoader("analytics", "templates"), autoescape=True, undefined=jinja2.StrictUndefined,
    trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=False)


def missing(value: object) -> bool:
    """Whether ``value`` is absent (None or NaN)."""
    return value is None or bool(pd.api.types.is_scalar(value) and pd.isna(value))


def number(value: object, spec: str = "") -> str:
    """``value`` formatted by ``spec`` (a format spec), – when it is missing.

    >>> number(7.256, ".2f"), number(float("nan"), ".2f"), number("x", ".2f")
    ('7.26', '–', 'x')
    """
    if missing(value):
        return MISSING
    if not spec:
        return str(value)
    try:
        return format(value, spec)
    except (TypeError, ValueError):
        return str(value)


def percent(value: object) -> str:
    """A share as a whole percent: ``0.555`` as ``56%``.

    >>> percent(0.555), percent(1)
    ('56%', '100%')
    """
    return MISSING if missing(value) else f"{float(value):.0%}"


def interval(low: object, high: object, spec: str = ".2f") -> str:
    """An interval as ``[low, high]``, – when either end is missing.

    >>> interval(0.1234, 0.5), interval(-0.5, 1, "+.2f"), interval(None, 1)
    ('[0.12, 0.50]', '[-0.50, +1.00]', '–')
    """
    if missing(low) or missing(high):
        return MISSING
    return f"[{format(float(low), spec)}, {format(float(high), spec)}]"


def css_string(text: object) -> str:
    """``text`` safe inside a double-quoted CSS string within a ``<style>`` element (the page's
    running header and footer): every character other than letters, digits and plain
    punctuation as a CSS escape.

    >>> css_string('Fest"</style>')
    'Fest\\\\000022\\\\00003c/style\\\\00003e'
    """
    return "".join(char if char.isalnum() or char in " .,:;–—-_()/&'·%+" else f"\\{ord(char):06x}"
                   for char in str(text))


ENVIRONMENT.filters.update(number=number, percent=percent, interval=interval, css_string=css_string)
ENVIRONMENT.globals.update(MISSING=MISSING)


def render(template_name: str, /, **context: object) -> Markup:
    """The template ``template_name`` (a path under ``analytics/templates``) rendered with
    ``context``, as markup (safe to place in another template as it is)."""
    return Markup(ENVIRONMENT.get_template(template_name).render(**context))


@functools.cache
def macro(name: str, template: str = "_macros.html.j2") -> Callable[..., Markup]:
    """The macro ``name`` of ``template`` (by default the building blocks: ``table``, ``figure``,
    ``paragraph``), to call from Python; it returns markup."""
    return getattr(ENVIRONMENT.get_template(template).module, name)


__all__ = ["ENVIRONMENT", "MISSING", "css_string", "interval", "macro", "number", "percent", "render"]
