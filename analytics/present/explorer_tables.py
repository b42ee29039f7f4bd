"""The chair explorer's tables, in words: what :class:`~analytics.apps.explorer.Explorer` computes,
shown as the report shows it (the templates ``explorer/*.html.j2``, with the report's style
sheet: escaped HTML tables, no DataFrame index).

Labels are words, not column names; scores are shown to the precision of the festival's
scale (a mean to two more decimals than a single score, at most three); probabilities as
percentages; rank intervals as ``1–2``; flag messages in full, wrapping; blockers first
and marked. The numbers themselves stay at full precision in the explorer's tables.
"""

from __future__ import annotations

import math

import pandas as pd

from analytics.load.config import Scale
from analytics.checks.flags import SEVERITIES
from analytics.checks.rasch import MISFIT_RANGE
from analytics.present.html import table as table_of
from analytics.present.render import MISSING, render
from analytics.present.tables import ACTION_WORDS, STATUS_WORDS, check_words

SEVERITY_WORDS = {"blocker": "BLOCKER", "warning": "warning", "info": "note"}


def _first(table: pd.DataFrame, limit: int | None, noun: str, where: str) -> tuple[pd.DataFrame, str]:
    """The first ``limit`` rows of ``table`` (all with None), and the sentence that counts the rest.

    >>> rows, note = _first(pd.DataFrame({"x": range(5)}), 2, "entries", "rankings.csv")
    >>> len(rows), note
    (2, 'The first 2 of 5 entries are shown; every one is in rankings.csv.')
    """
    if limit is None or len(table) <= limit:
        return table, ""
    return table.head(limit), f"The first {limit:,} of {len(table):,} {noun} are shown; every one is in {where}."
def score_decimals(scale: Scale) -> int:
    """Decimals of the scale's step: how precisely a single score is written.

    >>> from analytics.load.config import Scale
    >>> [score_decimals(Scale(min=lo, max=hi, step=s)) for lo, hi, s in ((1, 10, 1), (1, 10, 0.5), (0.25, 10, 0.25))]
    [0, 1, 2]
    """
    text = f"{scale.step:.10f}".rstrip("0").rstrip(".")
    return len(text.split(".")[1]) if "." in text else 0


def mean_decimals(scale: Scale) -> int:
    """Decimals for a mean of scores: two more than a score, at most three."""
    return min(score_decimals(scale) + 2, 3)


def percent(value: object) -> str:
    """``0.555`` as ``56%``.

    >>> percent(0.555), percent(1)
    ('56%', '100%')
    """
    return f"{float(value):.0%}"


def span(low: object, high: object) -> str:
    """A rank interval: ``1–2``, or ``3`` when both ends agree.

    >>> span(1.0, 2.0), span(3, 3)
    ('1–2', '3')
    """
    if pd.isna(low) or pd.isna(high):
        return MISSING
    lo, hi = int(round(float(low))), int(round(float(high)))
    return f"{lo}" if lo == hi else f"{lo}–{hi}"


#: the standings' methods (:data:`analytics.apps.explorer.METHODS`) in the header of their score
METHOD_WORDS = {"official": "official score", "z": "score (z)", "median": "score (median)",
                "trimmed": "score (trimmed)", "model": "score (model)", "fair": "score (Rasch fair average)"}


def standings_html(standings: pd.DataFrame, scale: Scale, *, method: str = "official", cut: int | None = None,
                   limit: int | None = None, note: str = "") -> str:
    """The standings as the chair reads them; in a round with a cut (``cut`` entries go on),
    who goes on, the share of resampled juries that let each go on, the entries below the cut
    greyed and the bubble (going on in 20% to 80% of them) marked. ``limit``: the first rows only,
    the rest counted (a conference's thousands of papers). ``note``: a sentence shown above them
    (why the method in view gives no score: :meth:`analytics.apps.explorer.Explorer.method_note`)."""
    standings, more = _first(standings, limit, "entries", "rankings.csv of jury check")
    table = standings.assign(interval=[span(lo, hi) for lo, hi in zip(standings["rank_low"], standings["rank_high"])],
                             loo=[span(lo, hi) for lo, hi in zip(standings["loo_rank_best"], standings["loo_rank_worst"])])
    method_words = METHOD_WORDS.get(method, f"score ({method})")
    columns = [("rank", "Rank", None), ("entry_id", "Entry", None), ("title", "Title", None),
               ("score", method_words[:1].upper() + method_words[1:], f".{mean_decimals(scale)}f")]
    classes = None
    if cut is not None and "advances" in table:
        table = table.assign(on=table["advances"].map({"yes": "goes on", "no": "out"}))
        columns += [("on", f"Cut: {cut} go on", None), ("p_advance", "Goes on in resampled juries", percent)]
        bubble = (table["p_advance"] > 0.2) & (table["p_advance"] < 0.8)
        classes = ["bubble" if b else ("out" if a == "no" else "") for a, b in zip(table["advances"], bubble)]
    columns += [("p_first", "First in resampled juries", percent), ("p_top3", "In the top three", percent),
                ("interval", "95% rank interval", None), ("loo", "Rank with one juror left out", None),
                ("n_jurors", "Jurors", None)]
    return str(render("explorer/standings.html.j2", table=table_of(table, columns, numeric=("interval", "loo"), row_class=classes),
                      more=more, note=note))


def _signed_interval(low: object, high: object) -> str:
    if pd.isna(low) or pd.isna(high):
        return MISSING
    return f"{float(low):+.2f} to {float(high):+.2f}"


def jurors_html(panel: pd.DataFrame, *, limit: int | None = None) -> str:
    """The juror panel: severity with its interval, agreement without each juror, open flags, and
    the affiliation preference, drift and Rasch measure with its infit and outfit where the festival
    has them (the Rasch measure is a severity, in logits: its sign is the opposite of the severity in
    points, and both headers say which way is which). ``limit``: with more jurors than that, those
    with the most open flags, then the most severe or lenient, the rest counted."""
    if limit is not None and len(panel) > limit:
        order = pd.DataFrame({"flags": -panel["n_flags"], "lean": -panel["severity"].abs().fillna(0)}, index=panel.index)
        panel = panel.loc[order.sort_values(["flags", "lean"], kind="stable").index]
    panel, more = _first(panel, limit, "jurors (the most flagged, then the most severe or lenient)",
                         "juror_severity.csv of jury check")
    table = panel.assign(interval=[_signed_interval(lo, hi) for lo, hi in zip(panel["ci_low"], panel["ci_high"])])
    columns = [("label", "Juror", None)]
    if table["severity"].notna().any():  # (on a rank scale severity does not apply: no column of dashes)
        columns += [("severity", "Severity (points; + more lenient)", "+.2f"), ("interval", "95% interval", None)]
    if "rasch_measure" in table:  # beside the severity in points: the Rasch model's, in logits, and its fit
        columns += [("rasch_measure", "Rasch severity (logits; + more severe)", "+.2f"), ("rasch_se", "S.E.", ".2f"),
                    ("infit", "Infit", ".2f"), ("outfit", "Outfit", ".2f")]
    columns += [("alpha_without", "Agreement without them (alpha)", ".3f"), ("alpha_change", "Change in agreement", "+.3f")]
    numeric = ["interval"]
    if "affiliation_preference" in table:
        table = table.assign(affiliation_interval=[_signed_interval(lo, hi) for lo, hi in
                                                   zip(table["affiliation_low"], table["affiliation_high"])])
        columns += [("affiliation_preference", "Own-affiliation preference (points)", "+.2f"),
                    ("affiliation_interval", "95% interval", None), ("affiliation_p", "Adjusted p", ".3f")]
        numeric.append("affiliation_interval")
    if "drift_rho" in table:
        columns += [("drift_rho", "Drift (rho with order)", "+.2f"), ("drift_p", "Adjusted p", ".3f")]
    columns.append(("n_flags", "Open flags", None))
    low, high = MISFIT_RANGE
    legend = (f"Rasch severity: the many-facet Rasch model's, over every criterion of the round, in logits. Infit and outfit: near 1, the juror's scores follow the entries' standing as "
              f"much as the model expects; above {high:g}, erratic; below {low:g}, too predictable (a narrow range, "
              f"or a halo across criteria)." if "rasch_measure" in table else "")
    return str(render("explorer/jurors.html.j2", table=table_of(table, columns, numeric=tuple(numeric)), more=more,
                      legend=legend))


def flags_html(flags: pd.DataFrame, *, limit: int | None = None) -> str:
    """The lane's flags, blockers first and marked, each message in full; ``limit``: the first rows
    only, the rest counted."""
    if flags.empty:
        return str(render("explorer/flags.html.j2", table=None))
    order = flags["severity"].map({s: i for i, s in enumerate(SEVERITIES)})
    shown, more = _first(flags.assign(_order=order).sort_values(["_order", "check"], kind="stable"), limit, "flags",
                         "flags.csv of jury check")
    table = shown.assign(severity_words=shown["severity"].map(SEVERITY_WORDS), check_words=shown["check"].map(check_words),
                         decision_words=shown["decision"].map(lambda a: ACTION_WORDS.get(a, a) if a else ""),
                         status_words=shown["status"].map(lambda s: STATUS_WORDS.get(s, s)))
    classes = ["blocker" if s == "blocker" and st == "open" else "" for s, st in zip(table["severity"], table["status"])]
    return str(render("explorer/flags.html.j2", table=table_of(table, [
        ("severity_words", "Severity", None), ("check_words", "Check", None), ("message", "What the check found", None),
        ("decision_words", "What-if", None), ("status_words", "Status", None)], row_class=classes), more=more))


def juror_scores_html(scores: pd.DataFrame, scale: Scale) -> str:
    """One juror's scores beside the panel's mean, the largest differences first."""
    table = scores.reindex(scores["difference"].abs().sort_values(ascending=False, kind="stable").index)
    return str(render("explorer/juror_scores.html.j2", table=table_of(table, [
        ("entry_id", "Entry", None), ("criterion", "Criterion", None), ("score", "Score", f".{score_decimals(scale)}f"),
        ("panel_mean", "Panel mean", f".{mean_decimals(scale)}f"), ("difference", "Difference", f"+.{mean_decimals(scale)}f")])))


def assessments_html(panel: pd.DataFrame) -> str:
    """An entry's panel of assessments (:meth:`analytics.apps.explorer.Explorer.assessments`): each assessor's share
    per dimension and blend, the assessed shares (leans taken off) and the declared ones, to one decimal."""
    if panel.empty:
        return str(render("explorer/assessments.html.j2", table=None))
    columns = [("assessor", "Assessor", None)] + [(c, c, ".1f") for c in panel.columns if c != "assessor"]
    return str(render("explorer/assessments.html.j2", table=table_of(panel, columns)))


def decisions_html(rows: pd.DataFrame) -> str:
    """The what-ifs as decisions: which flag each answers, or why it cannot be recorded."""
    table = rows.assign(action_words=rows["action"].map(lambda a: ACTION_WORDS.get(a, a)),
                        answers=[f or n for f, n in zip(rows["flag_id"], rows["note"])])
    return str(render("explorer/decisions.html.j2", table=table_of(table, [
        ("reason", "What-if", None), ("action_words", "Decision", None), ("answers", "Answers the flag", None)])))


def nan_to_missing(value: float) -> str:
    """A statistic to three decimals, or – when it is undefined."""
    return MISSING if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.3f}"
