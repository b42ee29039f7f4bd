"""The post-festival report, section by section, for one audience.

:class:`Report` holds the gate result of a festival and renders each part of the report as
a :class:`~analytics.present.html.Section`: notebook ``20-post-festival-report`` shows them
one per cell, and ``jury report`` exports the executed notebook into ``report.html``
(``audience="public"``) and ``chair.html`` (``audience="chair"``).

The two audiences differ in what they may see:

- **public**: jurors appear as pseudonyms (J1 … Jn, see :mod:`.pseudonyms`); flags are
  counted, never quoted (their sentences name jurors); decisions say what was done to which
  entry, never the reason given, who decided, or which juror a score belonged to;
- **chair**: jurors by id and name, every flag with its sentence, every decision in full.

The field of submissions (overview, AI participation, tools) is described as entered; the
agreement, jurors and standings after the chair's decisions.

Each section is rendered by its template, ``analytics/templates/sections/<method>.html.j2``
(``first_page`` by ``sections/first_page.html.j2``), from plain values computed here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from analytics.base import columns as col
from analytics.load import rule_families
from analytics.checks.score_effects import tool_usage
from analytics.checks.eligibility import _margin as near_margin
from analytics.load.festival import Festival, load_festival
from analytics.checks.flags import SEVERITIES
from analytics.gate.decisions import GateResult, run_gate
from analytics.checks.severity import ALL_LANES
from analytics.checks.behaviour import halo_note
from analytics.checks.agreement import bar_statistic
from analytics.checks.family import not_on_ranks
from analytics.rules.ranked import rule_words
from analytics.present.manifest import input_fingerprint
from analytics.rules.scoring import WEIGHTED_TOTAL
from analytics.present.viz.agreement_charts import alpha_forest_chart
from analytics.present.viz.juror_charts import juror_severity_chart
from analytics.present.viz.participation_charts import (ai_share_chart, assessed_distribution_chart,
                                                       assessed_share_chart, dimension_chart, tool_usage_chart)
from analytics.checks.rankings import cuts
from analytics.present.viz.ranking_charts import standings_chart
from analytics.present.viz.rasch_charts import wright_map_chart, wright_map_description
from analytics.checks import rasch as rasch_check
from analytics.present import methods
from analytics.present.html import Draw, Figure, Section, figure
from analytics.present.html import table as tabulate
from analytics.present.render import interval, percent, render
from analytics.present.pseudonyms import pseudonyms
from analytics.present.tables import SCORE_COUNTS, check_words, decisions_in_words, juror_statistics

Audience = Literal["public", "chair"]
#: gates remembered by :meth:`Report.remember`: (festival folder, decisions file, fingerprint) -> gate
_GATES: dict[tuple[str, str, str], GateResult] = {}


def _gate_key(festival_dir: str | Path, decisions_file: str | Path | None, fingerprint: str) -> tuple[str, str, str]:
    return str(Path(festival_dir).resolve()), str(Path(decisions_file).resolve()) if decisions_file else "", fingerprint

AUDIENCES = ("public", "chair")
SHOWN_STANDINGS = 10  # rows per lane in the standings table and chart
SHOWN_COUNTRIES = 15
SHOWN_UNEXPECTED = 10  # rows of the chair's table of unexpected ratings per lane
INTERACTION_T = 2.0  # the chair's report lists the Rasch interactions at least this large in |t|
SEVERITY_ORDER = {s: i for i, s in enumerate(SEVERITIES)}

_pct = percent  # a share as a whole percent
_ci = interval  # [low, high], – when undefined


@dataclass(frozen=True)
class Report:
    """The report of one festival for one audience; each method returns a :class:`Section`."""

    gate: GateResult
    audience: Audience = "public"
    fingerprint: str = ""  # SHA-256 over the input files, shortened: which inputs the report came from
    charts: Draw = "svg"  # drawn now as SVG images, or by the page in the reader's browser (jury report)

    def __post_init__(self) -> None:
        if self.audience not in AUDIENCES:
            raise ValueError(f"audience must be one of {AUDIENCES}; got {self.audience!r}")

    @classmethod
    def build(cls, festival_dir: str | Path, *, decisions_file: str | Path | None = None,
              audience: Audience = "public", charts: Draw = "svg") -> Report:
        """Load the folder, run the gate (with ``decisions_file`` in place of the folder's
        ``decisions.csv`` when given) and return the report for ``audience``. A gate this
        process already ran on exactly these input files (:meth:`remember`) is used again."""
        fingerprint = input_fingerprint(festival_dir, decisions_file or None)
        key = _gate_key(festival_dir, decisions_file, fingerprint)
        gate = _GATES.get(key)
        if gate is None:
            gate = run_gate(load_festival(festival_dir), decisions_file or None)
        return cls(gate, audience, fingerprint, charts)

    @staticmethod
    def remember(gate: GateResult, festival_dir: str | Path, decisions_file: str | Path | None = None) -> str:
        """Let :meth:`build` in this process (and in processes forked from it) use ``gate``, the
        gate of ``festival_dir`` with ``decisions_file``, for as long as those files are unchanged
        (the key is their SHA-256: a changed file is a new key, and the gate is run again). Returns
        the inputs' fingerprint (:func:`~analytics.present.manifest.input_fingerprint`)."""
        fingerprint = input_fingerprint(festival_dir, decisions_file or None)
        _GATES[_gate_key(festival_dir, decisions_file, fingerprint)] = gate
        return fingerprint

    def _figure(self, chart, description: str) -> Figure:
        return figure(chart, description, draw=self.charts)

    # -- what every section needs --------------------------------------------------------
    @property
    def festival(self) -> Festival:
        return self.gate.before.festival

    @property
    def public(self) -> bool:
        return self.audience == "public"

    @property
    def draft(self) -> bool:
        return not self.gate.publishable

    @property
    def title(self) -> str:
        config = self.festival.config
        year = f" {config.year}" if config.year is not None else ""
        return f"{config.name}{year}: {'post-festival report' if self.public else 'chair report'}"

    def juror_labels(self) -> dict[str, str]:
        """The names jurors go by in this report: pseudonyms (public) or ``id · name`` (chair)."""
        return pseudonyms(self.festival) if self.public else self.festival.juror_labels()

    def lane_names(self) -> dict[str, str]:
        return self.festival.lane_names()

    # -- sections ------------------------------------------------------------------------
    def heading(self) -> Section:
        config = self.festival.config
        return Section(render("sections/heading.html.j2", name=config.name, year=config.year, public=self.public,
                              synthetic=config.synthetic, status=self._status()))

    def _status(self) -> dict:
        """What the status box says: how many blockers are still open."""
        return {"open_blockers": len(self.gate.open_blockers)}

    def first_page(self) -> Section:
        """The page a partner reads first: each lane's winner with how robust the result is, the
        festival in numbers, the AI-participation headline (where festival.toml configures AI
        shares) and the gate's verdict. Names no juror, for either audience."""
        f = self.festival
        config = f.config
        rankings = self.gate.after["rankings"]
        final = rankings[rankings[col.ROUND] == config.round_ids[-1]]
        winners = []
        for lane in config.lanes:
            rows = final[final[col.LANE] == lane.id].dropna(subset=["rank"]).sort_values(["rank", col.ENTRY_ID])  # ranked
            winner = {"honour": lane.honour or lane.name, "first": None}
            if not rows.empty:
                first = rows.iloc[0]
                winner["first"] = {"title": first[col.TITLE], "entry_id": first[col.ENTRY_ID],
                                   "score": f"{first['score']:.2f}",
                                   "robustness": _robustness_sentence(rows, p_first_min=config.checks.p_first_min,
                                                                     unit=self._left_out())}
            winners.append(winner)
        numbers = [(len(f.entries), "entry", "entries"), (len(config.lanes), "lane", "lanes"),
                   (int((~f.is_verifier).sum()), "juror", "jurors"), (len(f.scores), "score", "scores")]
        if f.entries[col.COUNTRY].notna().any():
            numbers.append((int(f.entries[col.COUNTRY].dropna().nunique()), "country", "countries"))
        return Section(render("sections/first_page.html.j2", winners=winners,
                              numbers=[{"value": f"{n:,}", "what": one if n == 1 else many} for n, one, many in numbers],
                              ai_share=self._ai_headline(), status=self._status()))

    def _ai_headline(self) -> list[str]:
        """One sentence per lane on the declared AI shares: the median, and how many entries sit
        near or below the lane's minimum; empty when festival.toml configures no AI share."""
        f = self.festival
        if not rule_families.names(f.config) & {"ai_share_band", "disclosure"}:
            return []
        eligibility = self.gate.before["eligibility"]
        sentences = []
        for lane in f.config.lanes:
            shares = eligibility.loc[eligibility[col.LANE] == lane.id]
            declared = shares[col.AI_SHARE].dropna()
            if declared.empty:
                continue
            text = (f"{lane.name}: a median declared AI share of {declared.median():.0f}% "
                    f"({declared.min():.0f}–{declared.max():.0f}%)")
            if lane.ai_share_min is not None and "band" in shares:
                near = int(shares["near_threshold"].sum())
                below = int((shares["band"] == "below_minimum").sum())
                text += (f"; {near} {'entry' if near == 1 else 'entries'} within {near_margin(f.config):g} points above "
                         f"the lane's {lane.ai_share_min:g}% minimum and {below} below it")
            sentences.append(text + ".")
        return sentences

    def overview(self) -> Section:
        f = self.festival
        after = self.gate.after
        eligibility = self.gate.before["eligibility"] if "eligibility" in self.gate.before else None
        lanes = self.gate.before.lane_summary.set_index(col.LANE)
        eligible = eligibility.groupby(col.LANE)["eligible"].sum() if eligibility is not None else pd.Series(dtype=int)
        rows = []
        for lane in f.config.lanes:
            ranked = after["rankings"]
            in_competition = int(((ranked[col.LANE] == lane.id) & (ranked[col.ROUND] == f.config.round_ids[0])).sum())
            rows.append({"lane": lane.name, "honour": lane.honour or "", "entries": int(lanes.at[lane.id, col.N_ENTRIES]),
                         "eligible": int(eligible.get(lane.id, 0)), "ranked": in_competition,
                         "jurors": int(lanes.at[lane.id, col.N_JURORS]), "scores": int(lanes.at[lane.id, "n_scores"])})
        per_lane = pd.DataFrame(rows)
        if eligibility is None:  # no entry rule is configured: every entry competes
            per_lane = per_lane.drop(columns="eligible")
        text = (f"{len(f.entries)} entries competed in {len(f.config.lanes)} lanes. {int((~f.is_verifier).sum())} jurors gave "
                f"{len(f.scores):,} scores on {len(f.config.criteria)} criteria, on a scale of "
                f"{f.config.scale.minimum:g} to {f.config.scale.maximum:g}.")
        lane_table = tabulate(per_lane, [("lane", "Lane", None), ("honour", "Honour", None), ("entries", "Entries", None),
                                           ("eligible", "Eligible", None), ("ranked", "Ranked", None),
                                           ("jurors", "Jurors", None), ("scores", "Scores", None)],
                                caption="Entries, jurors and scores per lane")
        runtime_table = None
        if eligibility is not None and "runtime_class" in eligibility:
            runtime = pd.crosstab(eligibility[col.LANE].map(self.lane_names()), eligibility["runtime_class"].fillna("unknown"))
            runtime = runtime.reindex([lane.name for lane in f.config.lanes]).fillna(0).astype(int).reset_index()
            runtime_table = tabulate(runtime, [(c, "Lane" if c == col.LANE else c, None) for c in runtime.columns],
                                       caption="Entries by runtime class (festival.toml: short and feature thresholds)")
        if f.entries[col.COUNTRY].isna().all():
            return Section(render("sections/overview.html.j2", text=text, lanes=lane_table, runtime=runtime_table,
                                  countries=None))
        countries = f.entries[col.COUNTRY].fillna("not given").value_counts()
        top = countries.head(SHOWN_COUNTRIES)
        if len(countries) > SHOWN_COUNTRIES:
            top = pd.concat([top, pd.Series({f"{len(countries) - SHOWN_COUNTRIES} other countries": countries.iloc[SHOWN_COUNTRIES:].sum()})])
        country_table = tabulate(top.rename("entries").rename_axis("country").reset_index(),
                                   [("country", "Country", None), ("entries", "Entries", None)],
                                   caption=f"Entries by country ({len(countries)} countries)")
        return Section(render("sections/overview.html.j2", text=text, lanes=lane_table, runtime=runtime_table,
                              countries=country_table))

    def participation(self) -> Section:
        f = self.festival
        on = rule_families.names(f.config)
        if not on & {"ai_share_band", "disclosure"}:
            return Section.omitted("Left out of the report: festival.toml configures no AI-share band and no "
                                   "[participation], so there is no AI participation to report.")
        eligibility = self.gate.before["eligibility"]
        rows = []
        for lane in f.config.lanes:
            e = eligibility[eligibility[col.LANE] == lane.id]
            row = {"lane": lane.name, "band": f"{lane.ai_share_min:g}%+" if lane.ai_share_min is not None else "none",
                   "median": float(e[col.AI_SHARE].median()) if e[col.AI_SHARE].notna().any() else np.nan,
                   "range": (f"{e[col.AI_SHARE].min():.0f}–{e[col.AI_SHARE].max():.0f}%"
                             if e[col.AI_SHARE].notna().any() else "–")}
            if "band" in e:
                row.update(below=int((e["band"] == "below_minimum").sum()), near=int(e["near_threshold"].sum()))
            if "disclosure" in e:
                row["inconsistent"] = int((e["disclosure"] != "consistent").sum())
            rows.append(row)
        shares = tabulate(pd.DataFrame(rows), [
            ("lane", "Lane", None), ("band", "AI-share band", None), ("median", "Median declared share", ".1f"),
            ("range", "Range", None), ("below", "Below the band", None), ("near", "Near the line", None),
            ("inconsistent", "Disclosure to check", None)], caption="Declared AI participation per lane")
        band_chart = (self._figure(ai_share_chart(f, eligibility), "Declared AI share by lane, with the lane's band")
                      if "band" in eligibility else None)
        dimensions = None
        participation = f.config.participation
        if participation is not None:
            dims = participation.dimensions
            profile = f.entries.groupby(col.CATEGORY)[[col.share_column(d) for d in dims]].mean()
            profile = profile.reindex([lane.id for lane in f.config.lanes]).rename(index=self.lane_names())
            profile = profile.rename(columns=lambda c: c.removeprefix(col.SHARE_PREFIX)).rename_axis("lane").reset_index()
            weights = ", ".join(f"{d} {w:.0%}" for d, w in participation.weights.items())
            dimensions = {
                "table": tabulate(profile, [("lane", "Lane", None)] + [(d, d, ".0f") for d in dims],
                               caption="Mean AI share of each dimension per lane (%)"),
                "chart": self._figure(dimension_chart(f), f"The {len(dims)} participation dimensions per lane"),
                "text": (f"The holistic share blends {len(dims)} dimensions with the festival's weights ({weights}); a "
                         f"declared share more than {participation.disclosure_tolerance:g} points from the blend is "
                         "checked with the entrant.")}
        return Section(render("sections/participation.html.j2", shares=shares, chart=band_chart, dimensions=dimensions,
                              assessed=self._assessed_parts()))

    def _assessed_parts(self) -> list[dict]:
        """Per lane with assessments (design section 17): how many entries the evidence put below, across or above
        the line and what the chair decided on them; in public the distribution of the assessed shares (no entry,
        no assessor named), for the chair each entry's assessed against declared share, each assessor's lean and
        the agreement per dimension."""
        f = self.festival
        if not f.has_assessments:
            return []
        table = self.gate.before["participation_assessed"]  # the evidence, before the chair's decisions
        still_in = set(self.gate.after["participation_assessed"][col.ENTRY_ID])
        flags = self.gate.flags
        open_ids = set(flags.loc[flags["check"].isin(["ai_share_assessed_below", "ai_share_uncertain"])
                                 & (flags["status"] == "open"), col.ENTRY_ID])
        parts = []
        for lane in f.config.lanes:
            rows = table[(table[col.LANE] == lane.id) & (table[col.DIMENSION] == "blended")]
            if rows.empty:
                continue
            minimum = lane.ai_share_min
            text = (f"{len(rows)} entries were assessed by {int(rows['n_assessors'].median())} assessors each (median), "
                    "each assessor's lean taken off before the shares are read.")
            if minimum is not None and lane.in_competition:
                below = rows["ci_high"] < minimum
                across = (rows["ci_low"] < minimum) & (rows["ci_high"] >= minimum)
                text += (f" On the evidence, {int(below.sum())} lie below the lane's {minimum:g}%, {int(across.sum())} "
                         f"across it, and {int((rows['ci_high'].notna() & ~below & ~across).sum())} above it.")
                at_issue = rows.loc[below | across, col.ENTRY_ID]
                if len(at_issue):
                    out = int((~at_issue.isin(still_in)).sum())
                    waiting = int(at_issue.isin(open_ids).sum())
                    text += (f" Of the {len(at_issue)} below or across the line, the chair's decisions took {out} out of "
                             f"competition and kept {len(at_issue) - out - waiting} in"
                             + (f"; {waiting} await a decision." if waiting else "."))
            chart = (assessed_distribution_chart(f, table, lane.id) if self.public else
                     assessed_share_chart(f, table, lane.id))
            part = {"text": text, "chart": self._figure(chart, f"Assessed AI participation, {lane.name}" if self.public
                                                        else f"Declared against assessed AI participation, {lane.name}")}
            if not self.public:  # the chair: the assessors by name, their lean and their agreement per dimension
                more = self.gate.before.companions("participation_assessed")
                labels = f.juror_labels()
                lean = more["assessor_lean"]
                lean = lean[lean[col.LANE] == lane.id]
                lean = lean.assign(assessor=lean[col.ASSESSOR_ID].map(labels),
                                   interval=[_ci(lo, hi, "+.1f") for lo, hi in zip(lean["ci_low"], lean["ci_high"])])
                agreement = more["assessment_agreement"]
                part["tables"] = [
                    tabulate(lean, [("assessor", "Assessor", None), ("lean", "Lean from the median assessor (points)",
                                                                        "+.1f"), ("interval", "95% interval", None),
                                    ("n_assessments", "Assessments", None)],
                             caption="Each assessor's lean (taken off before the shares are read)"),
                    tabulate(agreement[agreement[col.LANE] == lane.id], [
                        (col.DIMENSION, "Dimension", None), ("alpha_interval", "Krippendorff's alpha", ".2f"),
                        ("icc_a1", "ICC(A,1)", ".2f"), ("n_entries", "Entries", None), ("n_assessors", "Assessors", None)],
                        caption="Agreement among the assessors per dimension")]
            parts.append(part)
        return parts

    def tools(self) -> Section:
        f = self.festival
        usage = tool_usage(f)
        if usage.empty:
            return Section.omitted("Left out of the report: no entry names the tools it used (entries.csv has no "
                                   "tools column, or it is empty).")
        effects = self.gate.after["score_effects"]
        tool_effects = effects[effects["factor"] == "tool"].assign(lane=lambda t: t[col.LANE].map(self.lane_names()))
        share = effects[effects["factor"] == col.AI_SHARE].assign(lane=lambda t: t[col.LANE].map(self.lane_names()))
        chart = self._figure(tool_usage_chart(f, usage), "Tools used per lane (festival vocabulary)")
        share_table = (tabulate(share, [("lane", "Lane", None), ("estimate", "Spearman's rho, score vs AI share", "+.2f"),
                                        ("ci_low", "95% low", "+.2f"), ("ci_high", "95% high", "+.2f"),
                                        ("p_value", "p", ".3f")],
                                caption="Do scores follow the declared AI share?"))
        tool_table = (tabulate(tool_effects, [("lane", "Lane", None), ("tool", "Tool", None),
                                               ("estimate", "Score difference (points)", "+.2f"),
                                               ("ci_low", "95% low", "+.2f"), ("ci_high", "95% high", "+.2f"),
                                               ("p_adjusted", "p (Holm)", ".3f"), ("n_with", "Films with", None),
                                               ("n_without", "Films without", None)],
                                caption="Do films made with a tool score differently? (mean of the films with the tool minus the others)"))
        return Section(render("sections/tools.html.j2", chart=chart, share=share_table, tools=tool_table))

    def agreement(self) -> Section:
        checks = self.festival.config.checks
        table = self.gate.after["agreement"]
        keys = [col.LANE, "scope"]
        statistic = bar_statistic(self.festival.config)
        alpha = table[table["statistic"] == statistic]
        icc = table[table["statistic"] == "icc_ak"][[*keys, "estimate", "ci_low", "ci_high", "band"]]
        rows = alpha.merge(icc, on=keys, how="left", suffixes=("", "_icc"))
        rows = rows.assign(lane=rows[col.LANE].map(self.lane_names()).fillna(rows[col.LANE]),
                           criterion=rows["scope"].replace({WEIGHTED_TOTAL: "weighted total"}),
                           alpha=rows["estimate"], alpha_ci=[_ci(lo, hi) for lo, hi in zip(rows["ci_low"], rows["ci_high"])],
                           band=rows["band"].where(rows["band"] != "", rows["reason"]), icc=rows["estimate_icc"],
                           icc_ci=[_ci(lo, hi) for lo, hi in zip(rows["ci_low_icc"], rows["ci_high_icc"])],
                           icc_band=rows["band_icc"].fillna(""))
        shown = tabulate(rows, [
            ("lane", "Lane", None), ("criterion", "Criterion", None), ("alpha", "Krippendorff's alpha", ".2f"),
            ("alpha_ci", "95% interval", None), ("band", "Reading", None), ("icc", "ICC(A,k)", ".2f"),
            ("icc_ci", "95% interval", None), ("icc_band", "Reading", None), ("n_units", "Entries", None),
            ("n_raters", "Jurors", None)], caption="Agreement between jurors per criterion", numeric=("alpha", "icc"))
        note = (("Alpha measures whether jurors order the entries alike (ordinal metric: places are ordered, not "
                 "spaced; 1 is perfect agreement, 0 is chance). " if statistic == "alpha_ordinal" else
                 "Alpha measures whether jurors order and space the entries alike (interval metric; 1 is perfect "
                 "agreement, 0 is chance). ")
                + f"Krippendorff's bands: at least 0.800 reliable, {checks.agreement_min_alpha:g} "
                "to 0.800 tentative, below that no conclusions should rest on the criterion alone. ICC(A,k) is the "
                f"reliability of the panel's mean {'place' if statistic == 'alpha_ordinal' else 'score'} (Koo & Li "
                "bands). Intervals are 95% bootstrap intervals "
                f"over entries ({checks.bootstrap_resamples:,} resamples, seed {checks.seed}).")
        chart = self._figure(alpha_forest_chart(table, bar=checks.agreement_min_alpha, lane_names=self.lane_names(),
                                                statistic=statistic),
                       "Krippendorff's alpha per criterion and lane with 95% intervals")
        return Section(render("sections/agreement.html.j2", note=note, chart=chart, alphas=shown))

    def jurors(self) -> Section:
        labels = self.juror_labels()
        after = self.gate.after
        severity = after["juror_severity"]
        reasons = severity[severity.get("reason", pd.Series("", index=severity.index)).fillna("") != ""]
        not_applying = {lane: group["reason"].iloc[0] for lane, group in reasons.groupby(col.LANE, sort=False)}
        table = juror_statistics(self.gate, labels, scope=WEIGHTED_TOTAL)
        table = table[~table[col.LANE].isin(list(not_applying))]  # said in a sentence below, not in a row per juror
        table = table.assign(juror=table[col.JUROR_ID].map(labels),
                             lane=table[col.LANE].map({**self.lane_names(), ALL_LANES: "all lanes"}),
                             interval=[_ci(lo, hi, "+.2f") for lo, hi in zip(table["ci_low"], table["ci_high"])])
        if self.public:
            first, last = (min(labels.values(), key=_number), max(labels.values(), key=_number)) if labels else ("", "")
            intro = (f"Jurors appear as {first} … {last}: the numbers run lane by lane and say nothing about who is who; "
                     "the same juror has the same pseudonym throughout this report.")
        else:
            intro = "Confidential: jurors by id and name."
        texts = [intro + (" " + " ".join(not_on_ranks(self.festival.config)) if self.festival.config.scale.ranks else
                          " Severity is the juror's effect on the weighted total in score points "
                          "(an additive model, entry plus juror, fitted on every score): negative is harsher than the "
                          "panel, positive more lenient.")]
        if (table[col.LANE] == "all lanes").any():
            texts.append("A juror who judges in several lanes also has a line across lanes ('all lanes'): "
                         "their severity in each lane, weighted by how many scores they gave there.")
        if halo_note(self.festival):
            texts.append(halo_note(self.festival))
        for lane in self.festival.config.lanes:
            if lane.id in not_applying:
                texts.append(f"{lane.name}: juror statistics {not_applying[lane.id]}.")
        charts = []
        for lane in self.festival.config.lanes:
            if (after["juror_severity"][col.LANE] == lane.id).any() and lane.id not in not_applying:
                chart = juror_severity_chart(after["juror_severity"], lane=lane.id, labels=labels, checks=self.festival.config.checks)
                charts.append(self._figure(chart.properties(title=f"Juror severity, {lane.name}: weighted total (dashed: the flag's bar)"),
                                     f"Juror severity in {lane.name}, with 95% intervals"))
        counts = [] if self.public else [(SCORE_COUNTS[0], "Scores", None)]  # a count would show whose scores were excluded
        statistics = tabulate(table, [
            ("lane", "Lane", None), ("juror", "Juror", None), *counts,
            ("severity", "Severity (points)", "+.2f"), ("interval", "95% interval", None),
            ("sd", "Spread of scores (SD)", ".2f"), ("halo", "Halo (criteria move together)", ".2f"),
            ("rho_rest", "Ranks like the others (rho)", ".2f")], caption="Juror statistics (after the decisions)")
        return Section(render("sections/jurors.html.j2", texts=texts, charts=charts, statistics=statistics,
                              affiliations=self._affiliation_parts(labels), drift=self._drift_table(labels)))

    def _affiliation_parts(self, labels: dict[str, str]) -> list[dict]:
        """The affiliation screen: festival-wide in the public report (``text``); per juror for the
        chair (``table``)."""
        after = self.gate.after
        if "affiliation" not in after or after["affiliation"].empty:
            return []
        table = after["affiliation"]
        bar = self.festival.config.checks.effect_p_max
        parts = []
        for affiliation in self.festival.config.jury.affiliations:
            rows = table[table["affiliation"] == affiliation]
            pooled = rows[(rows[col.JUROR_ID] == "") & (rows[col.LANE] == ALL_LANES)]  # festival-wide (not a lane's)
            if not len(pooled) or pd.isna(pooled.iloc[0]["preference"]):
                continue
            row = pooled.iloc[0]
            part = {"text": (
                f"Affiliation screen ({affiliation}): across the festival, jurors gave the entries that share their "
                f"{affiliation} {row['preference']:+.2f} points against the other jurors, compared with their other "
                f"entries (95% interval {_ci(row['ci_low'], row['ci_high'], '+.2f')}; {int(row['n_same'])} such "
                f"judgements). Declared conflicts are not counted: those jurors did not score those entries, or the "
                f"scores were handled by the chair."), "table": None}
            parts.append(part)
            if self.public:
                continue
            jurors = rows[rows[col.JUROR_ID] != ""].assign(
                juror=lambda d: d[col.JUROR_ID].map(labels),
                lane=lambda d: d[col.LANE].map({**self.lane_names(), ALL_LANES: "all lanes"}),
                interval=lambda d: [_ci(lo, hi, "+.2f") for lo, hi in zip(d["ci_low"], d["ci_high"])],
                reading=lambda d: ["stands out" if p <= bar else "" for p in d["p_adjusted"]])
            part["table"] = tabulate(jurors.sort_values("preference", ascending=False), [
                ("lane", "Lane", None), ("juror", "Juror", None), ("value", affiliation.capitalize(), None),
                ("n_same", "Shared entries", None), ("n_other", "Other entries", None),
                ("preference", "Preference (points)", "+.2f"), ("interval", "95% interval", None),
                ("p_adjusted", "Adjusted p (Benjamini–Hochberg)", ".4f"), ("reading", "", None)],
                caption=f"Affiliation screen per juror: {affiliation} (confidential)")
        return parts

    def _drift_table(self, labels: dict[str, str]):
        """Drift: for the chair only, the jurors whose scores trend with their order of work."""
        after = self.gate.after
        if self.public or "drift" not in after or after["drift"].empty:
            return None
        drift = after["drift"].assign(juror=lambda d: d[col.JUROR_ID].map(labels),
                                      lane=lambda d: d[col.LANE].map({**self.lane_names(), ALL_LANES: "all lanes"}))
        return tabulate(drift.sort_values("p_adjusted"), [
            ("lane", "Lane", None), ("juror", "Juror", None), ("n_scores", "Timed scores", None),
            ("rho", "Drift (rho with order)", "+.2f"), ("slope", "Points per 10 scores", "+.2f"),
            ("p_adjusted", "Adjusted p (Benjamini–Hochberg)", ".4f")],
            caption="Drift: residuals against the order of submission, per juror (confidential)")

    def rasch(self) -> Section:
        """The many-facet Rasch model, where festival.toml has ``[rasch]``: per lane (and round) the Wright map
        and the separation of each facet; for the chair also each juror's severity in logits beside their
        severity in points, with their fit, the thresholds, the unexpected ratings and the interactions."""
        after = self.gate.after
        if "rasch" not in after:
            return Section.omitted("Left out of the report: festival.toml has no [rasch], so no Rasch model was "
                                   "fitted.")
        table = after["rasch"]
        more = after.companions("rasch")
        labels = self.juror_labels()
        names = self.lane_names()
        config = self.festival.config
        lanes = []
        for lane in config.lanes:
            for rnd in config.round_ids:
                rows = table[(table[col.LANE] == lane.id) & (table[col.ROUND] == rnd)]
                if rows.empty:
                    continue
                lanes.append(self._rasch_lane(rows, more, labels, lane.id, rnd))
        unfitted = [f"{names[lane.id]}: {rasch_check.why_unfitted(self.festival.scores[self.festival.scores[col.LANE] == lane.id]) or 'no scores'}"
                    for lane in config.lanes if not (table[col.LANE] == lane.id).any()]
        model = config.rasch
        how = ("Andrich's rating scale model, one set of thresholds for every criterion" if model.model == "rating_scale"
               else "the partial credit model, each criterion with thresholds of its own")
        estimated = ("as the FACETS program does, by joint maximum likelihood" if model.estimation == "jmle"
                     else "by marginal maximum likelihood, the entries a normal population")
        intro = [("The many-facet Rasch model puts each lane's entries, jurors and criteria on one ruler in logits "
                  "(log-odds), each measured with the others taken into account: an entry's measure is its quality "
                  "as the jury saw it, a juror's their severity (positive: harsher), a criterion's its difficulty. "
                  f"The scores are taken as ordered categories ({how}), the model estimated {estimated}, on the "
                  "scores after the chair's decisions."),
                 ("Separation is the spread of a facet's measures in units of their measurement error; strata, how "
                  "many levels of it can be told apart; reliability (0 to 1), the share of the spread that is not "
                  "error. For the entries, reliability near 1 means the jury told the entries apart reproducibly; "
                  "for the jurors, reliability near 1 means the jurors' severities truly differ (it is no measure "
                  "of agreement: the higher it is, the more their severity matters), near 0 that they differ no "
                  "more than their measurement error.")]
        if unfitted:
            intro.append(f"No model for {'; '.join(unfitted)}.")
        if not self.public:
            low, high = rasch_check.MISFIT_RANGE
            intro.append(
                f"Confidential: jurors by id and name. Infit and outfit are mean-squares of the juror's residuals: 1 "
                f"is as the model expects, {low:g} to {high:g} is productive for measurement. Above {high:g} the "
                f"juror's scores are more erratic than the model expects (they often go against the entries' "
                f"standing and the other jurors); below {low:g}, more predictable (a narrow range, or a halo across "
                f"criteria). Outside that range with |z| of {rasch_check.MISFIT_Z:g} or more, the juror is flagged "
                "(rasch misfit). Outfit is the more sensitive to a few wild scores, infit to a steady pattern.")
        return Section(render("sections/rasch.html.j2", intro=intro, lanes=lanes, public=self.public))

    def _rasch_lane(self, rows: pd.DataFrame, more: dict[str, pd.DataFrame], labels: dict[str, str], lane: str,
                    rnd: str) -> dict:
        """One lane and round of :meth:`rasch`: what the template shows of it."""
        stage = self.festival.config.round(rnd) if rnd else None
        name = self.lane_names()[lane] + (f", {stage.name or stage.id}" if stage else f", round {rnd}" if rnd else "")

        def of(frame: pd.DataFrame) -> pd.DataFrame:
            return frame[(frame[col.LANE] == lane) & (frame[col.ROUND] == rnd)]

        chart = wright_map_chart(rows, lane=lane, labels=labels, counts=not self.public, lane_name=name).properties(
            title=f"Wright map, {name}: entries, jurors and criteria on one ruler (logits)")
        figure_ = self._figure(chart, wright_map_description(rows, lane=lane, lane_name=name))
        facet_words = {"entry": "Entries", "juror": "Jurors", "criterion": "Criteria"}
        separation = of(more["rasch_separation"]).assign(
            what=lambda t: t["facet"].map(lambda f: facet_words.get(f, f)))
        separation_table = tabulate(separation, [
            ("what", "Facet", None), ("elements", "Elements", None), ("true_sd", "True S.D. (logits)", ".2f"),
            ("rmse", "Error (RMSE)", ".2f"), ("separation", "Separation", ".2f"), ("strata", "Strata", ".1f"),
            ("reliability", "Reliability", ".2f")], caption=f"Separation and reliability, {name}")
        jurors = rows[rows["facet"] == rasch_check.JUROR]
        parts = int(jurors["subset"].max()) if len(jurors) else 1
        texts = [f"The design of {name} falls into {parts} subsets that share no entry and no juror: measures of "
                 "different subsets are not on one ruler."] if parts > 1 else []
        shown = {"heading": name, "chart": figure_, "texts": texts, "separation": separation_table}
        if self.public:
            return shown
        shown.update(self._rasch_jurors(jurors, labels, lane, rnd, name))
        shown.update(self._rasch_thresholds(of(more["rasch_thresholds"]), name))
        shown.update(self._rasch_unexpected(of(more["rasch_unexpected"]), labels, int(
            rows.loc[rows["facet"] == rasch_check.CRITERION, "n"].sum()), name))
        shown.update(self._rasch_interactions(of(more["rasch_interactions"]), labels, name))
        return shown

    def _rasch_jurors(self, jurors: pd.DataFrame, labels: dict[str, str], lane: str, rnd: str, name: str) -> dict:
        """The chair's table of the lane's jurors: severity in logits beside severity in points, and fit."""
        severity = self.gate.after["juror_severity"]
        points = severity[(severity[col.LANE] == lane) & (severity["scope"] == WEIGHTED_TOTAL)]
        if (points[col.ROUND] == rnd).any():
            points = points[points[col.ROUND] == rnd]
        points = points.drop_duplicates(col.JUROR_ID).set_index(col.JUROR_ID)["severity"]
        low, high = rasch_check.MISFIT_RANGE
        bar = rasch_check.MISFIT_Z

        def fit_note(row) -> str:
            off = [(what, ms, z) for what, ms, z in (("infit", row.infit, row.infit_z),
                                                     ("outfit", row.outfit, row.outfit_z)) if ms < low or ms > high]
            if not off:
                return ""
            what, ms, z = max(off, key=lambda o: abs(np.log(o[1])))
            kind = "erratic" if ms > high else "too predictable"
            return f"{kind} ({what} {ms:.2f}, z {z:+.1f})" + ("" if abs(z) >= bar else ": within chance")

        table = jurors.sort_values("measure", ascending=False).assign(
            juror=lambda t: t["element"].map(lambda j: labels.get(j, j)),
            points=lambda t: t["element"].map(points),
            note=lambda t: [fit_note(r) for r in t.itertuples(index=False)])
        return {"jurors": tabulate(table, [
            ("juror", "Juror", None), ("measure", "Severity (logits; + harsher)", "+.2f"), ("se", "S.E.", ".2f"),
            ("points", "Severity (points; − harsher)", "+.2f"), ("infit", "Infit", ".2f"), ("outfit", "Outfit", ".2f"),
            ("n", "Ratings", None), ("note", "Fit", None)],
            caption=f"Jurors in the Rasch model, {name}, harshest first (confidential)"),
            "juror_note": ("Severity in logits is the model's (positive: harsher); severity in points is the "
                           "additive model's effect on the weighted total of the Jurors section (negative: "
                           "harsher), so the two run in opposite directions and should order the jurors alike.")}

    @staticmethod
    def _rasch_thresholds(thresholds: pd.DataFrame, name: str) -> dict:
        """The chair's table of the thresholds, with any disordered (or any score nobody gave) named."""
        if thresholds.empty:
            return {"thresholds": None, "threshold_text": ""}
        observed = thresholds["observed"] if "observed" in thresholds else pd.Series(True, index=thresholds.index)
        steps = thresholds["step"].astype(str).ne("").any()

        def category(row) -> str:
            return f"{row['category']:g}" + (f" on {row['step']}" if steps else "")

        disordered = [category(r) for _, r in thresholds[thresholds["disordered"].astype(bool)].iterrows()]
        unused = sorted({f"{c:g}" for c in thresholds.loc[~observed.astype(bool), "category"]}, key=float)
        if disordered:
            text = (f"Disordered: the threshold into {', '.join(disordered)} lies below the one before, so that "
                    "score is nowhere the most probable one: the jurors did not use the scale's categories as "
                    "ordered steps there (reported as estimated, not forced into order).")
        else:
            text = "The thresholds rise with the scores: the jurors used the scale's categories as ordered steps."
        if unused:
            text += (f" Nobody gave {', '.join(unused)}: {'that score has' if len(unused) == 1 else 'those scores have'}"
                     " no threshold of its own (the categories are the scores given, in order).")
        shown = thresholds.assign(order=np.where(~observed.astype(bool), "never given",
                                                 np.where(thresholds["disordered"].astype(bool), "disordered", "")))
        columns = [*([("step", "Criterion", None)] if steps else []), ("category", "Into score", "g"),
                   ("threshold", "Threshold (logits)", "+.2f"), ("n", "Ratings of it", None), ("order", "", None)]
        return {"thresholds": tabulate(shown, columns, caption=f"Rasch–Andrich thresholds, {name}"),
                "threshold_text": text}

    @staticmethod
    def _rasch_unexpected(unexpected: pd.DataFrame, labels: dict[str, str], n_ratings: int, name: str) -> dict:
        """How many ratings the model did not expect, and the largest of them (chair)."""
        bound = rasch_check.unexpected_bound(n_ratings)
        flagged = int((unexpected["z"].abs() >= bound).sum())
        text = (f"{len(unexpected)} of {n_ratings:,} ratings {'lies' if len(unexpected) == 1 else 'lie'} "
                f"{rasch_check.UNEXPECTED_Z:g} or more standard errors from what the model expects (standardised "
                f"residual); {flagged} of them {'lies' if flagged == 1 else 'lie'} beyond "
                f"±{bound:.1f}, the bar at which the lane's ratings are flagged (unexpected rating): so far that "
                "among this many ratings one would appear by chance in fewer than one lane in "
                f"{round(1 / rasch_check.UNEXPECTED_ALPHA)}.")
        if unexpected.empty:
            return {"unexpected_text": text, "unexpected": None}
        top = unexpected.reindex(unexpected["z"].abs().sort_values(ascending=False).index).head(SHOWN_UNEXPECTED)
        top = top.assign(juror=top[col.JUROR_ID].map(lambda j: labels.get(j, j)))
        caption = (f"Unexpected ratings, {name}" + (f" (the {SHOWN_UNEXPECTED} largest; rasch_unexpected.csv holds "
                                                     "every one)" if len(unexpected) > SHOWN_UNEXPECTED else ""))
        return {"unexpected_text": text, "unexpected": tabulate(top, [
            (col.ENTRY_ID, "Entry", None), (col.PERFORMANCE, "Performance", None), ("juror", "Juror", None),
            (col.CRITERION, "Criterion", None), (col.SCORE, "Score", "g"), ("expected", "Expected", ".1f"),
            ("z", "Standardised residual", "+.1f")], caption=caption)}

    @staticmethod
    def _rasch_interactions(interactions: pd.DataFrame, labels: dict[str, str], name: str) -> dict:
        """The juror × criterion (and juror × affiliation) interactions with |t| ≥ 2 (chair)."""
        strong = interactions[interactions["t"].abs() >= INTERACTION_T]
        text = (f"Interactions (bias analysis): of {len(interactions)} juror × criterion"
                + (" and juror × affiliation" if interactions["kind"].astype(str).str.startswith("affiliation").any()
                   else "")
                + f" cells, {len(strong)} {'has' if len(strong) == 1 else 'have'} |t| ≥ {INTERACTION_T:g}: the juror "
                "was harsher (positive bias) or more lenient (negative) there than their overall severity predicts. "
                f"About 5% of cells reach |t| ≥ {INTERACTION_T:g} by chance alone (here about "
                f"{0.05 * len(interactions):.0f}), so read one as a question to ask, not as a finding.")
        if strong.empty:
            return {"interaction_text": text, "interactions": None}
        strong = strong.reindex(strong["t"].abs().sort_values(ascending=False).index).assign(
            juror=lambda t: t[col.JUROR_ID].map(lambda j: labels.get(j, j)),
            kind_words=lambda t: t["kind"].astype(str).str.replace("affiliation:", "shared ", regex=False))
        return {"interaction_text": text, "interactions": tabulate(strong, [
            ("juror", "Juror", None), ("kind_words", "With", None), ("with", "Which", None), ("n", "Ratings", None),
            ("observed_average", "Observed average", ".2f"), ("expected_average", "Expected average", ".2f"),
            ("bias", "Bias (logits; + harsher)", "+.2f"), ("se", "S.E.", ".2f"), ("t", "t", "+.2f")],
            caption=f"Interactions with |t| ≥ {INTERACTION_T:g}, {name} (confidential)")}

    def collusion(self) -> Section:
        """What the collusion screen found per lane and round: in public, how many pairs of jurors and
        juries were screened and how many stand out; for the chair, which, with their agreement against
        the lane's (design section 15)."""
        after = self.gate.after
        if "collusion" not in after or after["collusion"].empty:
            return Section.omitted("Left out of the report: no two jurors judged enough entries in common "
                                   f"({self.festival.config.checks.collusion_min_common}) for the collusion screen.")
        table = after["collusion"]
        labels = self.juror_labels()
        lanes = []
        for (lane, rnd), rows in table.groupby([col.LANE, col.ROUND], sort=False):
            pairs, juries = rows[rows["level"] == "pair"], rows[rows["level"] == "jury"]
            text = (f"{len(pairs)} pairs of jurors screened, {int(pairs['flagged'].sum())} agreeing far beyond the panel"
                    + (f"; {len(juries)} juries screened, {int(juries['flagged'].sum())} agreeing within themselves far "
                       "beyond the other juries" if len(juries) else "") + ".")
            flagged = rows[rows["flagged"].astype(bool)].assign(
                who=lambda t: [f"jury {j}" if level == "jury" else f"{labels.get(a, a)} and {labels.get(b, b)}"
                               for level, j, a, b in zip(t["level"], t["jury"], t["juror_a"], t["juror_b"])])
            shown = tabulate(flagged, [("who", "Jurors or jury", None), ("n_entries", "Entries", None),
                                       ("agreement", "Agreement on departures", ".2f"), ("typical", "The lane's", ".2f"),
                                       ("p", "p (permutation)", ".2g"), ("q", "q (Benjamini–Hochberg)", ".2g")],
                             caption="Pairs and juries that stand out") if len(flagged) else None
            name = self.lane_names()[lane] + (f", round {rnd}" if rnd else "")
            lanes.append({"heading": name, "text": text, "table": shown})
        intro = ["Jurors who settled their marks together agree not only on which entries are good but on where they "
                 "depart from the rest of the panel. The screen measures, for each pair of jurors (and each jury), how "
                 "alike their departures from the panel's consensus are, against pairs drawn at random from the panel "
                 f"({self.festival.config.checks.collusion_permutations:,} permutations, Benjamini–Hochberg at "
                 f"{self.festival.config.checks.collusion_fdr:g}). A pair that stands out is a question for the chair, "
                 "not a finding."]
        return Section(render("sections/collusion.html.j2", intro=intro, lanes=lanes, public=self.public))

    def _left_out(self) -> str:
        """What the leave-one-out ranks leave out: a juror, or where juries of juries vote, a jury."""
        config = self.festival.config
        return "jury" if any(config.rule(r).juries is not None for r in config.round_ids) else "juror"

    def winners(self) -> Section:
        config = self.festival.config
        rankings = self.gate.after["rankings"]
        final = rankings[rankings[col.ROUND] == config.round_ids[-1]]
        lanes = []
        for lane in config.lanes:
            rows = final[final[col.LANE] == lane.id].dropna(subset=["rank"]).sort_values(["rank", col.ENTRY_ID])  # ranked
            shown = {"heading": lane.honour or lane.name, "rounds": self._rounds_of(rankings, lane), "first": None}
            lanes.append(shown)
            if rows.empty:
                continue
            first = rows.iloc[0]
            shown["first"] = {"title": first[col.TITLE], "entry_id": first[col.ENTRY_ID], "score": f"{first['score']:.2f}",
                              "robustness": _robustness(first, self._left_out())}
            top = rows.head(SHOWN_STANDINGS).assign(
                interval=lambda t: [f"{lo:.0f}–{hi:.0f}" for lo, hi in zip(t["rank_low"], t["rank_high"])],
                loo=lambda t: [f"{lo:.0f}–{hi:.0f}" for lo, hi in zip(t["loo_rank_best"], t["loo_rank_worst"])])
            shown["standings"] = tabulate(top, [
                ("rank", "Rank", None), (col.ENTRY_ID, "Entry", None), (col.TITLE, "Title", None), ("score", "Score", ".2f"),
                ("n_jurors", "Jurors", None), ("p_first", "First in resampled juries", _pct),
                ("p_top3", "Top three", _pct), ("interval", "95% rank interval", None),
                ("loo", f"Rank with one {self._left_out()} left out", None), ("rank_trimmed", "Rank, trimmed mean", None),
                ("rank_model", "Rank, model-adjusted", None)], caption=f"Standings, {lane.name} (top {SHOWN_STANDINGS})",
                numeric=("interval", "loo"))
            chart = standings_chart(top, lane=lane.id, lower_is_better=config.rule(config.round_ids[-1]).lower_is_better
                                    ).properties(title=f"Standings, {lane.name}")
            shown["chart"] = self._figure(chart, f"Standings and robustness, {lane.name}")
        checks = self.festival.config.checks
        rule = config.rule(config.round_ids[-1])
        how = (lambda: rule_words(rule)) if rule.ranks else {"mean": lambda: "the mean over jurors", "median": lambda: "the median over jurors",
               "trimmed_mean": lambda: f"the {rule.trim:.0%}-trimmed mean over jurors",
               "drop_extremes": lambda: (f"the mean over jurors without the {rule.drop_high} highest and "
                                         f"{rule.drop_low} lowest"),
               "clip_to_mean": lambda: f"the mean over jurors, each score first kept within {rule.clip:g} points of it",
               }[rule.jurors]
        how = how()
        rounds = (" Each round's result weighs the entry's round scores as festival.toml says; the best of a round go on,"
                  " with every entry tied at the cut." if config.rounds else "")
        intro = (f"The official score is the competition's own rule ({'' if rule.ranks else 'the criteria combined, then '}{how}"
                 + (f", rounded half up to {rule.decimals} decimals" if rule.decimals is not None else "")
                 + f").{rounds} "
                 f"Robustness: the share of {checks.bootstrap_resamples:,} resampled juries ("
                 + ("the juries drawn with replacement, and each drawn jury's jurors within it"
                    if self._left_out() == "jury" else "jurors drawn with replacement") + f", seed {checks.seed}) that put each entry first or in the top three"
                 + (" or let it go on" if config.rounds else "") + ", its 95% rank interval over them, and its "
                 f"best and worst rank when any one {self._left_out()} is left out; all under the official rule.")
        return Section(render("sections/winners.html.j2", intro=intro, lanes=lanes))

    def _rounds_of(self, rankings: pd.DataFrame, lane) -> list:
        """Who went on in each round with a cut, with the share of resampled juries that let them go on."""
        config = self.festival.config
        shown = cuts(rankings, lane.id)
        parts = []
        for rnd, rows in shown.groupby(col.ROUND, sort=False):
            r = config.round(rnd)
            total = int(((rankings[col.LANE] == lane.id) & (rankings[col.ROUND] == rnd)).sum())
            going = int((rows["on"] == "went on").sum())
            parts.append(tabulate(rows, [
                ("rank", "Rank", None), (col.ENTRY_ID, "Entry", None), (col.TITLE, "Name", None),
                ("round_score", "Round score", ".2f"), ("score", "Result", ".2f"), ("on", "", None),
                ("p_advance", "Went on in resampled juries", _pct)],
                caption=f"{r.name or r.id}: {going} of {total} went on (advance {r.advance}); those out are shown "
                        "when the resampled juries were split on them"))
        return parts

    def decisions(self) -> Section:
        decided = decisions_in_words(self.gate, self.juror_labels(), public=self.public)
        if decided.empty:
            if self.gate.publishable:
                text = "No decision was needed: no check raised a blocker, and the chair recorded none."
            else:
                text = ("The chair has not recorded any decision yet; the open blockers are listed under "
                        "the publication gate.")
            return Section(render("sections/decisions.html.j2", text=text, table=None))
        table = decided.assign(lane=decided[col.LANE].map(self.lane_names()), what=decided["check"].map(check_words))
        columns = [("lane", "Lane", None), ("what", "Flag", None), ("concerning", "Concerning", None),
                   ("decision_words", "Decision", None), ("status_words", "Outcome", None)]
        text = (f"The chair recorded {len(decided)} decision{'s' * (len(decided) != 1)} on the checks' flags; re-running the "
                "checks with them gives the numbers in this report.")
        if self.public:
            return Section(render("sections/decisions.html.j2",
                                  text=text + " Reasons and names stay in the jury's confidential record.",
                                  table=tabulate(table, columns, caption="Decisions taken")))
        reasons = self.gate.decisions.set_index(col.FLAG_ID)
        table = table.assign(reason=table[col.FLAG_ID].map(reasons[col.REASON]),
                             decided_by=table[col.FLAG_ID].map(reasons[col.DECIDED_BY]),
                             decided_at=table[col.FLAG_ID].map(reasons[col.DECIDED_AT]))
        columns += [(col.FLAG_ID, "Flag id", None), (col.REASON, "Reason", None), (col.DECIDED_BY, "Decided by", None),
                    (col.DECIDED_AT, "When", None)]
        return Section(render("sections/decisions.html.j2", text=text,
                              table=tabulate(table, columns, caption="Decisions taken (decisions.csv)")))

    def publication(self) -> Section:
        flags = self.gate.flags
        counts = (flags.assign(lane=flags[col.LANE].map(self.lane_names()).fillna(flags[col.LANE]),
                               check=flags["check"].map(check_words))
                  .groupby(["lane", "check", "severity", "status"], sort=False).size().rename("flags").reset_index())
        counts["order"] = counts["severity"].map(SEVERITY_ORDER)
        counts = counts.sort_values(["order", "lane", "check"], kind="stable")
        every = None
        if not self.public:
            shown = flags.assign(order=flags["severity"].map(SEVERITY_ORDER)).sort_values(
                ["order", col.LANE, "check"], kind="stable")
            every = tabulate(shown, [("severity", "Severity", None), (col.FLAG_ID, "Flag id", None),
                                     ("message", "What the check found", None), ("decision", "Decision", None),
                                     ("status", "Status", None)], caption="Every flag")
        return Section(render("sections/publication.html.j2", status=self._status(), counts=tabulate(
            counts, [("severity", "Severity", None), ("lane", "Lane", None), ("check", "Check", None),
                     ("status", "Status", None), ("flags", "Flags", None)], caption="Flags by check"), every=every))

    def method(self) -> Section:
        return Section(methods.notes_html(self.festival.config))

    def footer(self) -> str:
        """The page's footer (HTML): which inputs the report came from."""
        return str(render("sections/footer.html.j2", fingerprint=self.fingerprint or "not recorded", public=self.public))


def _number(pseudonym: str) -> int:
    """The number of a pseudonym (``J12`` or ``Juror 12``), to name the first and the last."""
    digits = "".join(ch for ch in pseudonym if ch.isdigit())
    return int(digits) if digits else 0


def _robustness(row: pd.Series, unit: str = "juror") -> str:
    loo = (f"It stays first whichever {unit} is left out" if row["loo_rank_worst"] == 1
           else f"With one {unit} left out it ranks between {row['loo_rank_best']:.0f} and {row['loo_rank_worst']:.0f}")
    return (f"It comes first in {row['p_first']:.0%} of resampled juries and in the top three in {row['p_top3']:.0%}; "
            f"{loo[0].lower() + loo[1:]}.")




def _robustness_sentence(standings: pd.DataFrame, *, p_first_min: float, unit: str = "juror") -> str:
    """How robust a lane's first place is, in one sentence, from the same facts as the standings
    (the tie within noise, the first place with one juror left out, the share of resampled
    juries that put it first, and the festival's bar for it)."""
    first = standings.iloc[0]
    if pd.isna(first["p_first"]):
        return "Its robustness cannot be measured: the jury could not be resampled for this lane."
    if len(standings) >= 2 and first["gap_low"] <= 0 <= first["gap_high"]:
        runner = standings.iloc[1]
        return (f"Too close to call: it leads {runner[col.TITLE]} by {first['gap_next']:.2f} points, a tie within the "
                f"noise of the jury; it comes first in {first['p_first']:.0%} of resampled juries.")
    stays = first["loo_rank_worst"] == 1
    if stays and first["p_first"] >= p_first_min:
        return (f"A robust result: it stays first whichever {unit} is left out and comes first in "
                f"{first['p_first']:.0%} of resampled juries.")
    loo = (f"it stays first whichever {unit} is left out" if stays
           else f"with one {unit} left out it ranks between {first['loo_rank_best']:.0f} and {first['loo_rank_worst']:.0f}")
    bar = f" (the festival's bar is {p_first_min:.0%})" if first["p_first"] < p_first_min else ""
    return f"A fragile result: it comes first in {first['p_first']:.0%} of resampled juries{bar}, and {loo}."
