"""The post-festival report, section by section, for one audience.

:class:`Report` holds the gate result of a festival and renders each part of the report as
a :class:`~analytics.publish.html.Section`: notebook ``20-post-festival-report`` shows them
one per cell, and ``jury report`` exports the executed notebook into ``report.html``
(``audience="public"``) and ``chair.html`` (``audience="chair"``).

The two audiences differ in what they may see:

- **public**: jurors appear as pseudonyms (J1 … Jn, see :mod:`.pseudonyms`); flags are
  counted, never quoted (their sentences name jurors); decisions say what was done to which
  entry, never the reason given, who decided, or which juror a score belonged to;
- **chair**: jurors by id and name, every flag with its sentence, every decision in full.

The field of submissions (overview, AI participation, tools) is described as entered; the
agreement, jurors and standings after the chair's decisions.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from .. import columns as col
from .. import rule_families
from ..eligibility.participation import tool_usage
from ..festival import Festival, load_festival
from ..flags import SEVERITIES
from ..gate import GateResult, run_gate
from ..jurors import ALL_LANES, halo_note
from ..manifest import input_fingerprint
from ..scoring import WEIGHTED_TOTAL
from ..viz.agreement_charts import alpha_forest_chart
from ..viz.juror_charts import juror_severity_chart
from ..viz.participation_charts import ai_share_chart, dimension_chart, tool_usage_chart
from ..rankings import cuts
from ..viz.ranking_charts import standings_chart
from . import methods
from .html import Section, chart_html, esc, paragraph, table_html
from .pseudonyms import pseudonyms
from .tables import SCORE_COUNTS, check_words, decisions_in_words, juror_statistics

Audience = Literal["public", "chair"]
AUDIENCES = ("public", "chair")
SHOWN_STANDINGS = 10  # rows per lane in the standings table and chart
SHOWN_COUNTRIES = 15
SEVERITY_ORDER = {s: i for i, s in enumerate(SEVERITIES)}

def _pct(value: object) -> str:
    return f"{float(value):.0%}"


def _ci(low: object, high: object, fmt: str = ".2f") -> str:
    if pd.isna(low) or pd.isna(high):
        return "–"
    return f"[{format(float(low), fmt)}, {format(float(high), fmt)}]"


@dataclass(frozen=True)
class Report:
    """The report of one festival for one audience; each method returns a :class:`Section`."""

    gate: GateResult
    audience: Audience = "public"
    fingerprint: str = ""  # SHA-256 over the input files, shortened: which inputs the report came from

    def __post_init__(self) -> None:
        if self.audience not in AUDIENCES:
            raise ValueError(f"audience must be one of {AUDIENCES}; got {self.audience!r}")

    @classmethod
    def build(cls, festival_dir: str | Path, *, decisions_file: str | Path | None = None,
              audience: Audience = "public") -> Report:
        """Load the folder, run the gate (with ``decisions_file`` in place of the folder's
        ``decisions.csv`` when given) and return the report for ``audience``."""
        gate = run_gate(load_festival(festival_dir), decisions_file or None)
        return cls(gate, audience, input_fingerprint(festival_dir, decisions_file or None))

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
        parts = [f"<h1>{esc(config.name)}{'' if config.year is None else ' ' + esc(config.year)}</h1>",
                 f'<p class="subtitle">{"Post-festival report: results, agreement and method" if self.public else "Chair report: confidential, with juror names, every flag and every decision"}</p>']
        if config.synthetic:
            parts.append('<p class="synthetic">Synthetic data: every entry, juror and score in this report was '
                         "invented by <code>jury demo</code>; no real entry or person is described.</p>")
        parts.append(self._status_box())
        return Section("".join(parts))

    def _status_box(self) -> str:
        open_blockers = len(self.gate.open_blockers)
        if open_blockers:
            text = (f"Not publishable: {open_blockers} blocker{'s' * (open_blockers != 1)} still open. "
                    "This report is a draft; the chair must decide on every blocker first.")
            return f'<div class="status blocked">{esc(text)}</div>'
        return '<div class="status">Publishable: every blocker raised by the checks has been answered by a recorded decision.</div>'

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
        text = (f"{len(f.entries)} entries competed in {len(f.config.lanes)} lanes. {len(f.jurors)} jurors gave "
                f"{len(f.scores):,} scores on {len(f.config.criteria)} criteria, on a scale of "
                f"{f.config.scale.minimum:g} to {f.config.scale.maximum:g}.")
        lane_table = table_html(per_lane, [("lane", "Lane", None), ("honour", "Honour", None), ("entries", "Entries", None),
                                           ("eligible", "Eligible", None), ("ranked", "Ranked", None),
                                           ("jurors", "Jurors", None), ("scores", "Scores", None)],
                                caption="Entries, jurors and scores per lane")
        runtime_table = ""
        if eligibility is not None and "runtime_class" in eligibility:
            runtime = pd.crosstab(eligibility[col.LANE].map(self.lane_names()), eligibility["runtime_class"].fillna("unknown"))
            runtime = runtime.reindex([lane.name for lane in f.config.lanes]).fillna(0).astype(int).reset_index()
            runtime_table = table_html(runtime, [(c, "Lane" if c == col.LANE else c, None) for c in runtime.columns],
                                       caption="Entries by runtime class (festival.toml: short and feature thresholds)")
        if f.entries[col.COUNTRY].isna().all():
            return Section(paragraph(text) + lane_table + (f'<div class="row">{runtime_table}</div>' if runtime_table else ""))
        countries = f.entries[col.COUNTRY].fillna("not given").value_counts()
        top = countries.head(SHOWN_COUNTRIES)
        if len(countries) > SHOWN_COUNTRIES:
            top = pd.concat([top, pd.Series({f"{len(countries) - SHOWN_COUNTRIES} other countries": countries.iloc[SHOWN_COUNTRIES:].sum()})])
        country_table = table_html(top.rename("entries").rename_axis("country").reset_index(),
                                   [("country", "Country", None), ("entries", "Entries", None)],
                                   caption=f"Entries by country ({len(countries)} countries)")
        return Section(paragraph(text) + lane_table + f'<div class="row">{runtime_table}{country_table}</div>')

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
        table = table_html(pd.DataFrame(rows), [
            ("lane", "Lane", None), ("band", "AI-share band", None), ("median", "Median declared share", ".1f"),
            ("range", "Range", None), ("below", "Below the band", None), ("near", "Near the line", None),
            ("inconsistent", "Disclosure to check", None)], caption="Declared AI participation per lane")
        parts = [table]
        if "band" in eligibility:
            parts.append(chart_html(ai_share_chart(f, eligibility), "Declared AI share by lane, with the lane's band"))
        participation = f.config.participation
        if participation is not None:
            dims = participation.dimensions
            profile = f.entries.groupby(col.CATEGORY)[[col.share_column(d) for d in dims]].mean()
            profile = profile.reindex([lane.id for lane in f.config.lanes]).rename(index=self.lane_names())
            profile = profile.rename(columns=lambda c: c.removeprefix(col.SHARE_PREFIX)).rename_axis("lane").reset_index()
            parts.append(table_html(profile, [("lane", "Lane", None)] + [(d, d, ".0f") for d in dims],
                                    caption="Mean AI share of each dimension per lane (%)"))
            parts.append(chart_html(dimension_chart(f), f"The {len(dims)} participation dimensions per lane"))
            weights = ", ".join(f"{d} {w:.0%}" for d, w in participation.weights.items())
            parts.append(paragraph(f"The holistic share blends {len(dims)} dimensions with the festival's weights "
                                   f"({weights}); a declared share more than {participation.disclosure_tolerance:g} points "
                                   "from the blend is checked with the entrant."))
        return Section("".join(parts))

    def tools(self) -> Section:
        f = self.festival
        usage = tool_usage(f)
        if usage.empty:
            return Section.omitted("Left out of the report: no entry names the tools it used (entries.csv has no "
                                   "tools column, or it is empty).")
        effects = self.gate.after["score_effects"]
        tool_effects = effects[effects["factor"] == "tool"].assign(lane=lambda t: t[col.LANE].map(self.lane_names()))
        share = effects[effects["factor"] == col.AI_SHARE].assign(lane=lambda t: t[col.LANE].map(self.lane_names()))
        parts = [chart_html(tool_usage_chart(f, usage), "Tools used per lane (festival vocabulary)")]
        parts.append(table_html(share, [("lane", "Lane", None), ("estimate", "Spearman's rho, score vs AI share", "+.2f"),
                                        ("ci_low", "95% low", "+.2f"), ("ci_high", "95% high", "+.2f"),
                                        ("p_value", "p", ".3f")],
                                caption="Do scores follow the declared AI share?"))
        parts.append(table_html(tool_effects, [("lane", "Lane", None), ("tool", "Tool", None),
                                               ("estimate", "Score difference (points)", "+.2f"),
                                               ("ci_low", "95% low", "+.2f"), ("ci_high", "95% high", "+.2f"),
                                               ("p_adjusted", "p (Holm)", ".3f"), ("n_with", "Films with", None),
                                               ("n_without", "Films without", None)],
                                caption="Do films made with a tool score differently? (mean of the films with the tool minus the others)"))
        return Section("".join(parts))

    def agreement(self) -> Section:
        checks = self.festival.config.checks
        table = self.gate.after["agreement"]
        keys = [col.LANE, "scope"]
        alpha = table[table["statistic"] == "alpha_interval"]
        icc = table[table["statistic"] == "icc_ak"][[*keys, "estimate", "ci_low", "ci_high", "band"]]
        rows = alpha.merge(icc, on=keys, how="left", suffixes=("", "_icc"))
        rows = rows.assign(lane=rows[col.LANE].map(self.lane_names()).fillna(rows[col.LANE]),
                           criterion=rows["scope"].replace({WEIGHTED_TOTAL: "weighted total"}),
                           alpha=rows["estimate"], alpha_ci=[_ci(lo, hi) for lo, hi in zip(rows["ci_low"], rows["ci_high"])],
                           band=rows["band"].where(rows["band"] != "", rows["reason"]), icc=rows["estimate_icc"],
                           icc_ci=[_ci(lo, hi) for lo, hi in zip(rows["ci_low_icc"], rows["ci_high_icc"])],
                           icc_band=rows["band_icc"].fillna(""))
        shown = table_html(rows, [
            ("lane", "Lane", None), ("criterion", "Criterion", None), ("alpha", "Krippendorff's alpha", ".2f"),
            ("alpha_ci", "95% interval", None), ("band", "Reading", None), ("icc", "ICC(A,k)", ".2f"),
            ("icc_ci", "95% interval", None), ("icc_band", "Reading", None), ("n_units", "Entries", None),
            ("n_raters", "Jurors", None)], caption="Agreement between jurors per criterion", numeric=("alpha", "icc"))
        note = paragraph(f"Alpha measures whether jurors order and space the entries alike (interval metric; 1 is perfect "
                         f"agreement, 0 is chance). Krippendorff's bands: at least 0.800 reliable, {checks.agreement_min_alpha:g} "
                         "to 0.800 tentative, below that no conclusions should rest on the criterion alone. ICC(A,k) is the "
                         "reliability of the panel's mean score (Koo & Li bands). Intervals are 95% bootstrap intervals "
                         f"over entries ({checks.bootstrap_resamples:,} resamples, seed {checks.seed}).")
        chart = chart_html(alpha_forest_chart(table, bar=checks.agreement_min_alpha, lane_names=self.lane_names()),
                           "Krippendorff's alpha per criterion and lane with 95% intervals")
        return Section(note + chart + shown)

    def jurors(self) -> Section:
        labels = self.juror_labels()
        after = self.gate.after
        table = juror_statistics(self.gate, labels, scope=WEIGHTED_TOTAL)
        table = table.assign(juror=table[col.JUROR_ID].map(labels),
                             lane=table[col.LANE].map({**self.lane_names(), ALL_LANES: "all lanes"}),
                             interval=[_ci(lo, hi, "+.2f") for lo, hi in zip(table["ci_low"], table["ci_high"])])
        if self.public:
            first, last = (min(labels.values(), key=_number), max(labels.values(), key=_number)) if labels else ("", "")
            intro = (f"Jurors appear as {first} … {last}: the numbers run lane by lane and say nothing about who is who; "
                     "the same juror has the same pseudonym throughout this report.")
        else:
            intro = "Confidential: jurors by id and name."
        parts = [paragraph(intro + " Severity is the juror's effect on the weighted total in score points "
                           "(an additive model, entry plus juror, fitted on every score): negative is harsher than the "
                           "panel, positive more lenient.")]
        if (table[col.LANE] == "all lanes").any():
            parts.append(paragraph("A juror who judges in several lanes also has a line across lanes ('all lanes'): "
                                   "their severity in each lane, weighted by how many scores they gave there."))
        if halo_note(self.festival):
            parts.append(paragraph(halo_note(self.festival)))
        for lane in self.festival.config.lanes:
            if (after["juror_severity"][col.LANE] == lane.id).any():
                chart = juror_severity_chart(after["juror_severity"], lane=lane.id, labels=labels, checks=self.festival.config.checks)
                parts.append(chart_html(chart.properties(title=f"Juror severity, {lane.name}: weighted total (dashed: the flag's bar)"),
                                        f"Juror severity in {lane.name}, with 95% intervals"))
        counts = [] if self.public else [(SCORE_COUNTS[0], "Scores", None)]  # a count would show whose scores were excluded
        parts.append(table_html(table, [
            ("lane", "Lane", None), ("juror", "Juror", None), *counts,
            ("severity", "Severity (points)", "+.2f"), ("interval", "95% interval", None),
            ("sd", "Spread of scores (SD)", ".2f"), ("halo", "Halo (criteria move together)", ".2f"),
            ("rho_rest", "Ranks like the others (rho)", ".2f")], caption="Juror statistics (after the decisions)"))
        parts += self._affiliation_parts(labels) + self._drift_parts(labels)
        return Section("".join(parts))

    def _affiliation_parts(self, labels: dict[str, str]) -> list[str]:
        """The affiliation screen: festival-wide in the public report; per juror for the chair."""
        after = self.gate.after
        if "affiliation" not in after or after["affiliation"].empty:
            return []
        table = after["affiliation"]
        bar = self.festival.config.checks.effect_p_max
        parts = []
        for affiliation in self.festival.config.jury.affiliations:
            rows = table[table["affiliation"] == affiliation]
            pooled = rows[rows[col.JUROR_ID] == ""]
            if not len(pooled) or pd.isna(pooled.iloc[0]["preference"]):
                continue
            row = pooled.iloc[0]
            parts.append(paragraph(
                f"Affiliation screen ({affiliation}): across the festival, jurors gave the entries that share their "
                f"{affiliation} {row['preference']:+.2f} points against the other jurors, compared with their other "
                f"entries (95% interval {_ci(row['ci_low'], row['ci_high'], '+.2f')}; {int(row['n_same'])} such "
                f"judgements). Declared conflicts are not counted: those jurors did not score those entries, or the "
                f"scores were handled by the chair."))
            if self.public:
                continue
            jurors = rows[rows[col.JUROR_ID] != ""].assign(
                juror=lambda d: d[col.JUROR_ID].map(labels),
                lane=lambda d: d[col.LANE].map({**self.lane_names(), ALL_LANES: "all lanes"}),
                interval=lambda d: [_ci(lo, hi, "+.2f") for lo, hi in zip(d["ci_low"], d["ci_high"])],
                reading=lambda d: ["stands out" if p <= bar else "" for p in d["p_adjusted"]])
            parts.append(table_html(jurors.sort_values("preference", ascending=False), [
                ("lane", "Lane", None), ("juror", "Juror", None), ("value", affiliation.capitalize(), None),
                ("n_same", "Shared entries", None), ("n_other", "Other entries", None),
                ("preference", "Preference (points)", "+.2f"), ("interval", "95% interval", None),
                ("p_adjusted", "Adjusted p (Benjamini–Hochberg)", ".4f"), ("reading", "", None)],
                caption=f"Affiliation screen per juror: {affiliation} (confidential)"))
        return parts

    def _drift_parts(self, labels: dict[str, str]) -> list[str]:
        """Drift: for the chair only, the jurors whose scores trend with their order of work."""
        after = self.gate.after
        if self.public or "drift" not in after or after["drift"].empty:
            return []
        table = after["drift"].assign(juror=lambda d: d[col.JUROR_ID].map(labels),
                                      lane=lambda d: d[col.LANE].map({**self.lane_names(), ALL_LANES: "all lanes"}))
        return [table_html(table.sort_values("p_adjusted"), [
            ("lane", "Lane", None), ("juror", "Juror", None), ("n_scores", "Timed scores", None),
            ("rho", "Drift (rho with order)", "+.2f"), ("slope", "Points per 10 scores", "+.2f"),
            ("p_adjusted", "Adjusted p (Benjamini–Hochberg)", ".4f")],
            caption="Drift: residuals against the order of submission, per juror (confidential)")]

    def winners(self) -> Section:
        config = self.festival.config
        rankings = self.gate.after["rankings"]
        final = rankings[rankings[col.ROUND] == config.round_ids[-1]]
        parts = []
        for lane in config.lanes:
            rows = final[final[col.LANE] == lane.id].sort_values(["rank", col.ENTRY_ID])
            parts.append(f"<h3>{esc(lane.honour or lane.name)}</h3>")
            parts += self._rounds_of(rankings, lane)
            if rows.empty:
                parts.append(paragraph("No entry of this lane is ranked."))
                continue
            first = rows.iloc[0]
            parts.append(f"<p><strong>{esc(first[col.TITLE])}</strong> ({esc(first[col.ENTRY_ID])}), official score "
                         f"{first['score']:.2f}. {esc(_robustness(first))}</p>")
            top = rows.head(SHOWN_STANDINGS).assign(
                interval=lambda t: [f"{lo:.0f}–{hi:.0f}" for lo, hi in zip(t["rank_low"], t["rank_high"])],
                loo=lambda t: [f"{lo:.0f}–{hi:.0f}" for lo, hi in zip(t["loo_rank_best"], t["loo_rank_worst"])])
            parts.append(table_html(top, [
                ("rank", "Rank", None), (col.ENTRY_ID, "Entry", None), (col.TITLE, "Title", None), ("score", "Score", ".2f"),
                ("n_jurors", "Jurors", None), ("p_first", "First in resampled juries", _pct),
                ("p_top3", "Top three", _pct), ("interval", "95% rank interval", None),
                ("loo", "Rank with one juror left out", None), ("rank_trimmed", "Rank, trimmed mean", None),
                ("rank_model", "Rank, model-adjusted", None)], caption=f"Standings, {lane.name} (top {SHOWN_STANDINGS})",
                numeric=("interval", "loo")))
            chart = standings_chart(top, lane=lane.id).properties(title=f"Standings, {lane.name}")
            parts.append(chart_html(chart, f"Standings and robustness, {lane.name}"))
        checks = self.festival.config.checks
        rule = config.rule(config.round_ids[-1])
        how = {"mean": lambda: "the mean over jurors", "median": lambda: "the median over jurors",
               "trimmed_mean": lambda: f"the {rule.trim:.0%}-trimmed mean over jurors",
               "drop_extremes": lambda: (f"the mean over jurors without the {rule.drop_high} highest and "
                                         f"{rule.drop_low} lowest"),
               "clip_to_mean": lambda: f"the mean over jurors, each score first kept within {rule.clip:g} points of it",
               }[rule.jurors]()
        rounds = (" Each round's result weighs the entry's round scores as festival.toml says; the best of a round go on,"
                  " with every entry tied at the cut." if config.rounds else "")
        intro = paragraph(f"The official score is the competition's own rule (the criteria combined, then {how}"
                          + (f", rounded half up to {rule.decimals} decimals" if rule.decimals is not None else "")
                          + f").{rounds} "
                          f"Robustness: the share of {checks.bootstrap_resamples:,} resampled juries (jurors drawn with "
                          "replacement, seed " f"{checks.seed}) that put each entry first or in the top three"
                          + (" or let it go on" if config.rounds else "") + ", its 95% rank interval over them, and its "
                          "best and worst rank when any one juror is left out; all under the official rule.")
        return Section(intro + "".join(parts))

    def _rounds_of(self, rankings: pd.DataFrame, lane) -> list[str]:
        """Who went on in each round with a cut, with the share of resampled juries that let them go on."""
        config = self.festival.config
        shown = cuts(rankings, lane.id)
        parts = []
        for rnd, rows in shown.groupby(col.ROUND, sort=False):
            r = config.round(rnd)
            total = int(((rankings[col.LANE] == lane.id) & (rankings[col.ROUND] == rnd)).sum())
            going = int((rows["on"] == "went on").sum())
            parts.append(table_html(rows, [
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
                return Section(paragraph("No decision was needed: no check raised a blocker, and the chair recorded none."))
            return Section(paragraph("The chair has not recorded any decision yet; the open blockers are listed under "
                                     "the publication gate."))
        table = decided.assign(lane=decided[col.LANE].map(self.lane_names()), what=decided["check"].map(check_words))
        columns = [("lane", "Lane", None), ("what", "Flag", None), ("concerning", "Concerning", None),
                   ("decision_words", "Decision", None), ("status_words", "Outcome", None)]
        text = (f"The chair recorded {len(decided)} decision{'s' * (len(decided) != 1)} on the checks' flags; re-running the "
                "checks with them gives the numbers in this report.")
        if self.public:
            return Section(paragraph(text + " Reasons and names stay in the jury's confidential record.")
                           + table_html(table, columns, caption="Decisions taken"))
        reasons = self.gate.decisions.set_index(col.FLAG_ID)
        table = table.assign(reason=table[col.FLAG_ID].map(reasons[col.REASON]),
                             decided_by=table[col.FLAG_ID].map(reasons[col.DECIDED_BY]),
                             decided_at=table[col.FLAG_ID].map(reasons[col.DECIDED_AT]))
        columns += [(col.FLAG_ID, "Flag id", None), (col.REASON, "Reason", None), (col.DECIDED_BY, "Decided by", None),
                    (col.DECIDED_AT, "When", None)]
        return Section(paragraph(text) + table_html(table, columns, caption="Decisions taken (decisions.csv)"))

    def publication(self) -> Section:
        flags = self.gate.flags
        counts = (flags.assign(lane=flags[col.LANE].map(self.lane_names()).fillna(flags[col.LANE]),
                               check=flags["check"].map(check_words))
                  .groupby(["lane", "check", "severity", "status"], sort=False).size().rename("flags").reset_index())
        counts["order"] = counts["severity"].map(SEVERITY_ORDER)
        counts = counts.sort_values(["order", "lane", "check"], kind="stable")
        parts = [self._status_box(), paragraph(
            "Every check raises flags: blockers must be answered by a recorded decision before results are published; "
            "warnings and notes are for the jury's attention."),
            table_html(counts, [("severity", "Severity", None), ("lane", "Lane", None), ("check", "Check", None),
                                ("status", "Status", None), ("flags", "Flags", None)], caption="Flags by check")]
        if not self.public:
            shown = flags.assign(order=flags["severity"].map(SEVERITY_ORDER)).sort_values(
                ["order", col.LANE, "check"], kind="stable")
            parts.append(table_html(shown, [("severity", "Severity", None), (col.FLAG_ID, "Flag id", None),
                                            ("message", "What the check found", None), ("decision", "Decision", None),
                                            ("status", "Status", None)], caption="Every flag"))
        return Section("".join(parts))

    def method(self) -> Section:
        return Section(methods.notes_html(self.festival.config))

    def footer(self) -> str:
        return (f"Made by the jury analytics workbench from inputs with fingerprint {esc(self.fingerprint or 'not recorded')} "
                "(SHA-256 over the input files; manifest.json lists each). "
                + ("Jurors are pseudonymised." if self.public else "Confidential: do not forward."))


def _number(pseudonym: str) -> int:
    """The number of a pseudonym (``J12`` or ``Juror 12``), to name the first and the last."""
    digits = "".join(ch for ch in pseudonym if ch.isdigit())
    return int(digits) if digits else 0


def _robustness(row: pd.Series) -> str:
    loo = ("It stays first whichever juror is left out" if row["loo_rank_worst"] == 1
           else f"With one juror left out it ranks between {row['loo_rank_best']:.0f} and {row['loo_rank_worst']:.0f}")
    return (f"It comes first in {row['p_first']:.0%} of resampled juries and in the top three in {row['p_top3']:.0%}; "
            f"{loo[0].lower() + loo[1:]}.")


