"""The chair explorer's widgets: controls wired to :class:`analytics.apps.explorer.Explorer`.

One screen: selectors for lane, scope (a criterion or the weighted total) and method; the
standings with p(first) and rank intervals; the juror panel, with ``[rasch]`` the lane's Wright
map beside it (jurors by id: the chair's view, fitted again after each what-if); a linked chart
(select a juror in the severity view or an entry in the standings view and the heatmap of scores
highlights it; the juror selection reaches Python and lists that juror's scores against the panel);
with assessments of AI participation, an entry's panel of assessments (each assessor's shares, the
assessed shares with the leans taken off, the declared ones and the flags on them), the entries the
participation flags name listed first; what-if buttons to leave a juror or one score out, undo and reset; and the current
exclusions as rows for ``decisions.csv``, shown for copying or appended on confirmation.

The notebook creates one :class:`ExplorerApp` and displays it; every callback is a method
here, so the tests drive it by setting widget values, without a browser.
"""

from __future__ import annotations

from pathlib import Path

import ipywidgets as widgets
from IPython.display import display

from analytics.base import columns as col
from analytics.apps.explorer import Explorer
from analytics.checks import assessed
from analytics.checks.rasch import why_unfitted
from analytics.present.explorer_tables import (
    assessments_html,
    decisions_html,
    flags_html,
    juror_scores_html,
    jurors_html,
    nan_to_missing,
    standings_html,
)
from analytics.load.festival import Festival
from analytics.present.render import macro
from analytics.rules.scoring import WEIGHTED_TOTAL
from analytics.present.viz import alt  # altair, loaded the quick way (analytics.present.viz)
from analytics.present.viz.rasch_charts import wright_map_chart, wright_map_description

#: a large lane (a conference's thousands of papers and reviewers) shows the first rows of each table
SHOWN_ROWS = 100
#: and its linked chart the first entries of the standings, and of the jurors who scored them those
#: who scored the most of them (a chart of every entry and juror would be unreadable, and too large to draw)
CHART_ENTRIES = 40
CHART_JURORS = 40
SELECTED = "#d1495b"
#: the flags on an entry's AI participation, shown under its panel of assessments
PARTICIPATION_FLAGS = [kind.name for kind in (assessed.AI_SHARE_ASSESSED_BELOW, assessed.AI_SHARE_UNCERTAIN,
                                              assessed.DISCLOSURE_DISPUTED)]
#: a heatmap cell in the selected juror's row or the selected entry's column (an empty selection selects nothing)
SELECTED_CELL = {"or": [{"param": "juror", "empty": False}, {"param": "entry", "empty": False}]}


def linked_chart(explorer: Explorer) -> alt.VConcatChart:
    """Juror severity (select a juror) and standings (select an entry) above a juror × entry
    heatmap of scores minus the entry's panel mean; both selections highlight the heatmap.

    >>> from analytics import load_festival
    >>> spec = linked_chart(Explorer(load_festival("data/demo"), n_boot=100)).to_dict()
    >>> sorted(p["name"] for p in spec["params"])
    ['entry', 'juror']
    """
    festival = explorer.festival
    labels = festival.juror_labels()
    titles = festival.entries.set_index(col.ENTRY_ID)[col.TITLE]
    all_entries = explorer.standings()
    standings = all_entries.head(CHART_ENTRIES).assign(label=lambda d: d[col.ENTRY_ID] + " · " + d["title"])
    ratings = explorer.ratings()
    ratings = ratings[ratings[col.ENTRY_ID].isin(standings[col.ENTRY_ID])]
    busiest = ratings[col.JUROR_ID].value_counts(sort=False)
    busiest = busiest.sort_values(ascending=False, kind="stable").head(CHART_JURORS)
    ratings = ratings[ratings[col.JUROR_ID].isin(busiest.index)]
    panel = explorer.juror_panel()
    n_jurors = len(panel)
    panel = panel[panel[col.JUROR_ID].isin(busiest.index)] if n_jurors > CHART_JURORS else panel
    shown = "" if len(all_entries) <= CHART_ENTRIES else f" (the first {CHART_ENTRIES} of {len(all_entries):,})"
    who = "" if n_jurors <= CHART_JURORS else f" ({len(panel)} of {n_jurors:,}: those who scored most of the entries shown)"
    ratings = ratings.assign(difference=ratings[col.SCORE] - ratings.groupby(col.ENTRY_ID)[col.SCORE].transform("mean"),
                             juror=ratings[col.JUROR_ID].map(labels), title=ratings[col.ENTRY_ID].map(titles))
    juror = alt.selection_point(name="juror", fields=[col.JUROR_ID], on="click", clear="dblclick")
    entry = alt.selection_point(name="entry", fields=[col.ENTRY_ID], on="click", clear="dblclick")
    order = standings[col.ENTRY_ID].tolist()
    rasch = [alt.Tooltip("rasch_measure:Q", format="+.2f", title="Rasch severity (logits; + severe)"),
             alt.Tooltip("infit:Q", format=".2f"), alt.Tooltip("outfit:Q", format=".2f")] if "rasch_measure" in panel else []
    severity = alt.Chart(panel).mark_point(filled=True, size=90).encode(
        x=alt.X("severity:Q", title="severity (points; + lenient)"), y=alt.Y("label:N", title=None, sort="-x"),
        color=alt.condition(juror, alt.value(SELECTED), alt.value("#4a7fb5"), empty=False),
        tooltip=["label:N", alt.Tooltip("severity:Q", format="+.2f"), *rasch,
                 alt.Tooltip("alpha_without:Q", format=".3f"), "n_flags:Q"],
    ).add_params(juror).properties(width=260, height=alt.Step(18), title=f"Jurors{who} (click one)")
    bars = alt.Chart(standings).mark_bar().encode(
        x=alt.X("score:Q", title=f"score ({explorer.method})"), y=alt.Y("label:N", sort=order, title=None),
        color=alt.condition(entry, alt.value(SELECTED), alt.value("#4c9a6a"), empty=False),
        tooltip=["label:N", alt.Tooltip("score:Q", format=".3f"), alt.Tooltip("p_first:Q", format=".0%"), "rank:Q"],
    ).add_params(entry).properties(width=260, height=alt.Step(14), title=f"Standings{shown} (click an entry)")
    heat = alt.Chart(ratings).mark_rect().encode(
        x=alt.X(f"{col.ENTRY_ID}:N", sort=order, title=None, axis=alt.Axis(labelAngle=-60)),
        y=alt.Y("juror:N", title=None),
        color=alt.Color("difference:Q", scale=alt.Scale(scheme="redblue", domainMid=0), title="− panel mean"),
        # selected juror row or entry column outlined; nothing outlined while nothing is selected
        stroke={"condition": {"test": SELECTED_CELL, "value": "black"}, "value": None},
        strokeWidth={"condition": {"test": SELECTED_CELL, "value": 2}, "value": 0},
        tooltip=["juror:N", f"{col.ENTRY_ID}:N", "title:N", alt.Tooltip(f"{col.SCORE}:Q", format=".2f"),
                 alt.Tooltip("difference:Q", format="+.2f")],
    ).properties(width=alt.Step(16), height=alt.Step(16), title="Scores against the panel mean")
    return alt.vconcat(alt.hconcat(severity, bars), heat)



def wright_chart(explorer: Explorer) -> alt.HConcatChart | None:
    """The Wright map of the lane and round in view after the what-ifs (:meth:`Explorer.rasch_map`: the model
    fitted again on the lane checked again), jurors by id and with their count of ratings (the chair's view,
    confidential); None without ``[rasch]`` or where the lane has no model.

    >>> from analytics import load_festival
    >>> spec = wright_chart(Explorer(load_festival("data/demo"), n_boot=100)).to_dict()
    >>> sorted(r["label"] for r in spec["datasets"][spec["data"]["name"]] if r["facet"] == "juror")[:3]
    ['JR01', 'JR02', 'JR03']
    """
    rows = explorer.rasch_map()
    if rows is None or rows.empty:
        return None
    return wright_map_chart(rows, lane=explorer.lane, round=explorer.round, lane_name=_where(explorer)).properties(
        title=f"Wright map, {_where(explorer)} (logits)")


def _where(explorer: Explorer) -> str:
    """The lane in view by its name, with the round's where the festival has rounds."""
    config = explorer.festival.config
    stage = config.round(explorer.round) if config.rounds else None
    return explorer.festival.lane_names()[explorer.lane] + (f", {stage.name or stage.id}" if stage else "")


def wright_words(explorer: Explorer) -> str:
    """What the juror panel says under its Wright map: how to read it, or why there is none
    (:func:`wright_chart`); empty without ``[rasch]``."""
    rows = explorer.rasch_map()
    if rows is None:
        return ""
    if rows.empty:
        scores = explorer.festival.scores
        scores = scores[(scores[col.LANE] == explorer.lane) & ((scores[col.ROUND] == explorer.round) if explorer.round
                                                               else True)]
        return f"No Rasch model for {_where(explorer)}: {why_unfitted(scores) or 'it has no scores'}."
    after = " Fitted again for the what-ifs: the scores left out are not in the model." if any(
        e.lane == explorer.lane for e in explorer.exclusions) else ""
    return (wright_map_description(rows, lane=explorer.lane, round=explorer.round, lane_name=_where(explorer))
            + " Jurors by id (confidential); a juror's dot against the others is their severity after allowing for "
              "the entries they judged." + after)


def _words(name: str):
    """The macro ``name`` of ``explorer/app.html.j2`` (the explorer's words around its tables),
    returning the HTML text a widget shows."""
    shown = macro(name, "explorer/app.html.j2")
    return lambda *args: str(shown(*args))

class ExplorerApp:
    """The explorer as one widget; ``decisions_path`` is where confirmed decisions are appended."""

    def __init__(self, festival: Festival, *, n_boot: int | None = None, decisions_path: str | Path | None = None):
        self.explorer = Explorer(festival, n_boot=n_boot)
        self.decisions_path = Path(decisions_path) if decisions_path else festival.folder / "decisions.csv"
        config = festival.config
        self.lane = widgets.Dropdown(options=[(lane.name, lane.id) for lane in config.lanes], description="lane")
        self.scope = widgets.Dropdown(options=self._scope_options(), description="criterion")
        self.method = widgets.Dropdown(options=self.explorer.methods(), description="method")
        self.round = widgets.Dropdown(options=[(r.name or r.id, r.id) for r in config.rounds] or [("", "")],
                                      value=config.round_ids[-1], description="round",
                                      layout=widgets.Layout(display="" if config.rounds else "none"))
        self.juror = widgets.Dropdown(description="juror")
        self.entry = widgets.Dropdown(description="entry")
        self.criterion = widgets.Dropdown(options=[("all criteria", "")] + [(c.id, c.id) for c in config.criteria],
                                          description="criterion")
        self.leave_juror = widgets.Button(description="Leave juror out", button_style="warning")
        self.leave_score = widgets.Button(description="Leave score out", button_style="warning")
        self.undo_button = widgets.Button(description="Undo", icon="undo")
        self.reset_button = widgets.Button(description="Reset")
        self.to_decisions = widgets.Button(description="Exclusions → decisions")
        self.confirm = widgets.Checkbox(description="I confirm: append to decisions.csv", value=False)
        self.append_button = widgets.Button(description="Append", button_style="danger", disabled=True)
        self.status = widgets.HTML()
        self.standings_out = widgets.Output()
        self.panel_out = widgets.Output()
        self.gate_out = widgets.Output()
        self.selection_out = widgets.Output()
        self.decisions_out = widgets.Output()
        # with assessments (design section 17): an entry's panel of assessments of its AI participation, the
        # entry chosen here (the lane's entries, those the participation flags name first)
        self.assessed_entry = widgets.Dropdown(description="entry")
        self.assessment_page = widgets.HTML()
        self.assessment_box = widgets.VBox(
            [widgets.HTML(_words("heading")("AI participation: the entry's assessments")), self.assessed_entry,
             self.assessment_page],
            layout=widgets.Layout(display="" if self.festival_has_assessments else "none"))
        alt.JupyterChart.enable_offline()  # bundle vega into the notebook: no network, also when reopened
        self.chart = alt.JupyterChart(linked_chart(self.explorer))
        # with [rasch]: the lane's Wright map beside the juror table, drawn as the linked chart is (a JupyterChart,
        # vega bundled offline), on a canvas, so that the page's SVG marks stay the linked chart's alone (its juror
        # points, one per juror, are what the browser tests count)
        self.wright: alt.JupyterChart | None = None
        self.wright_words = widgets.HTML()
        self.wright_box = widgets.VBox([self.wright_words], layout=widgets.Layout(
            display="" if config.rasch is not None else "none"))
        for control in (self.lane, self.scope, self.method, self.round):
            control.observe(self._on_view, names="value")
        self.leave_juror.on_click(self._on_leave_juror)
        self.leave_score.on_click(self._on_leave_score)
        self.undo_button.on_click(self._on_undo)
        self.reset_button.on_click(self._on_reset)
        self.to_decisions.on_click(self._on_to_decisions)
        self.confirm.observe(lambda change: setattr(self.append_button, "disabled", not change["new"]), names="value")
        self.append_button.on_click(self._on_append)
        self.assessed_entry.observe(self._show_assessments, names="value")
        self.widget = widgets.VBox([
            widgets.HBox([self.lane, self.round, self.scope, self.method]),
            self.status,
            widgets.Box([widgets.VBox([widgets.HTML(_words("heading")("Standings")), self.standings_out]),
                         widgets.VBox([widgets.HTML(_words("heading")("Jurors")), widgets.Box(
                             [self.panel_out, self.wright_box],
                             layout=widgets.Layout(flex_flow="row wrap", grid_gap="8px 24px"))])],
                        layout=widgets.Layout(flex_flow="row wrap", grid_gap="8px 32px")),  # side by side when they fit
            self.chart,
            self.selection_out,
            self.assessment_box,
            widgets.HTML(_words("heading")("What if…")),
            widgets.HBox([self.juror, self.leave_juror]),
            widgets.HBox([self.entry, self.criterion, self.leave_score]),
            widgets.HBox([self.undo_button, self.reset_button, self.to_decisions]),
            widgets.HTML(_words("heading")("Gate for this lane")), self.gate_out,
            self.decisions_out, widgets.HBox([self.confirm, self.append_button]),
        ])
        self.refresh()

    # --- callbacks --------------------------------------------------------------------

    def _scope_options(self) -> list[tuple[str, str]]:
        """The lane's scopes in words: the weighted total, then each criterion the lane uses."""
        labels = {c.id: c.label for c in self.explorer.festival.config.criteria} | {WEIGHTED_TOTAL: "weighted total"}
        return [(labels[s], s) for s in self.explorer.scopes()]

    def _on_view(self, change=None) -> None:
        if getattr(self, "_rebuilding", False):
            return
        if change is not None and change.get("owner") is self.lane:  # the new lane's own criteria
            self.explorer.set_view(lane=self.lane.value, method=self.method.value)
            self._rebuilding = True
            try:
                self.scope.options = self._scope_options()
                self.scope.value = self.explorer.scope
            finally:
                self._rebuilding = False
        else:
            self.explorer.set_view(lane=self.lane.value, scope=self.scope.value, method=self.method.value,
                                   round=self.round.value)
        self.refresh()

    def _on_leave_juror(self, _=None) -> None:
        if not self.juror.value:
            self.status.value = _words("hint")("Choose a juror first", " (in the list, or by clicking one in the chart).")
            return
        self.explorer.exclude_juror(self.juror.value)
        self.refresh()

    def _on_leave_score(self, _=None) -> None:
        if not (self.juror.value and self.entry.value):
            self.status.value = _words("hint")("Choose a juror and an entry first.")
            return
        self.explorer.exclude_score(self.juror.value, self.entry.value, self.criterion.value or None)
        self.refresh()

    def _on_undo(self, _=None) -> None:
        self.explorer.undo()
        self.refresh()

    def _on_reset(self, _=None) -> None:
        self.explorer.reset()
        self.refresh()

    def _on_selection(self, change) -> None:
        value = self.chart.selections.juror.value
        juror = value[0][col.JUROR_ID] if value else None
        self.selection_out.clear_output(wait=True)
        with self.selection_out:
            if juror:
                if juror in self.juror.options:
                    self.juror.value = juror
                label = self.explorer.festival.juror_labels().get(juror, juror)
                display(widgets.HTML(_words("selection")(label)))
                display(widgets.HTML(juror_scores_html(self.explorer.juror_scores(juror), self.explorer.festival.config.scale)))

    def _on_to_decisions(self, _=None) -> None:
        self.decisions_out.clear_output(wait=True)
        with self.decisions_out:
            rows = self.explorer.decision_rows()
            display(widgets.HTML(decisions_html(rows) if not rows.empty else _words("message")("No exclusions to record.")))
            if not rows.empty:
                display(widgets.HTML(_words("csv")(rows.drop(columns="note").to_csv(index=False))))

    def _on_append(self, _=None) -> int:
        """Append the exclusions that answer a flag to decisions.csv; returns how many."""
        rows = self.explorer.decision_rows()
        rows = rows[rows["flag_id"] != ""].drop(columns="note")
        if rows.empty or not self.confirm.value:
            return 0
        exists = self.decisions_path.exists() and self.decisions_path.stat().st_size > 0
        with self.decisions_path.open("a", encoding="utf-8", newline="") as handle:
            rows.to_csv(handle, index=False, header=not exists)
        self.confirm.value = False
        self.status.value = _words("message")(f"appended {len(rows)} decision(s) to {self.decisions_path}")
        return len(rows)

    # --- redraw -----------------------------------------------------------------------

    def refresh(self) -> None:
        """Redraw in two steps: at once what the what-ifs touch (the standings and the agreement, see
        :class:`~analytics.apps.explorer.Explorer`), then the lane checked again (the flags, the jurors'
        panel, the resampled juries of the standings and the chart)."""
        ex = self.explorer
        # nothing chosen after a change: a second click must not act on a juror nobody picked
        self.juror.options, self.juror.value = ex.jurors(), None
        self.entry.options, self.entry.value = ex.standings()[col.ENTRY_ID].tolist(), None
        settled = ex.settled
        self._show_status(None if not settled else len(ex.blockers()))
        self._show(self.standings_out, standings_html(ex.standings(), ex.festival.config.scale, method=ex.method,
                                                      cut=ex.cut(), limit=SHOWN_ROWS, note=ex.method_note()))
        if not settled:
            for out in (self.panel_out, self.gate_out):
                self._show(out, _words("message")("checking the lane again…"))
            if self.festival_has_rasch:
                self.wright_words.value = _words("chart_note")("checking the lane again: the Rasch model is fitted "
                                                               "again…")
            ex.settle()
            self._show_status(len(ex.blockers()))
            self._show(self.standings_out, standings_html(ex.standings(), ex.festival.config.scale, method=ex.method,
                                                          cut=ex.cut(), limit=SHOWN_ROWS, note=ex.method_note()))
        self._show(self.panel_out, jurors_html(ex.juror_panel(), limit=SHOWN_ROWS))
        self._show_wright()
        self._show(self.gate_out, flags_html(ex.gate(), limit=SHOWN_ROWS))
        self._assessed_options()
        self.chart.chart = linked_chart(ex)
        # a new chart gets a new ``selections`` object (altair's JupyterChart): observe it again
        self.chart.selections.observe(self._on_selection, ["juror"])

    @property
    def festival_has_rasch(self) -> bool:
        return self.explorer.festival.config.rasch is not None

    @property
    def festival_has_assessments(self) -> bool:
        festival = self.explorer.festival
        return festival.has_assessments and festival.config.participation is not None

    def _assessed_options(self) -> None:
        """The lane's entries for the assessments panel: those a participation flag names first (in the gate's
        order, blockers first), then the rest by id; the entry in view kept where it is still the lane's."""
        if not self.festival_has_assessments:
            return
        ex = self.explorer
        flags = ex.gate()
        named = flags.loc[flags["check"].isin(PARTICIPATION_FLAGS) & (flags[col.ENTRY_ID] != ""), col.ENTRY_ID]
        lane = sorted(ex.standings()[col.ENTRY_ID].unique())
        options = list(dict.fromkeys([*named, *lane]))
        if list(self.assessed_entry.options) != options:
            keep = self.assessed_entry.value if self.assessed_entry.value in options else None
            self.assessed_entry.options = options
            self.assessed_entry.value = keep or (options[0] if options else None)
        self._show_assessments()

    def _show_assessments(self, _=None) -> None:
        """The chosen entry's panel: each assessor's shares (named as the juror panel names them), the assessed row with the
        leans taken off and the declared row (:meth:`~analytics.apps.explorer.Explorer.assessments`), with the
        participation flags on the entry."""
        entry = self.assessed_entry.value
        if not entry:
            self.assessment_page.value = _words("message")("No entry in this lane.")
            return
        ex = self.explorer
        flags = ex.gate()
        mine = flags[flags["check"].isin(PARTICIPATION_FLAGS) & (flags[col.ENTRY_ID] == entry)]
        self.assessment_page.value = assessments_html(ex.assessments(entry)) + (
            flags_html(mine, limit=SHOWN_ROWS) if not mine.empty else "")

    def _show_wright(self) -> None:
        """The Wright map of the lane in view after the what-ifs (:func:`wright_chart`) with its words; hidden
        where the lane has no model, and the whole box without ``[rasch]``."""
        if not self.festival_has_rasch:
            return
        chart = wright_chart(self.explorer)
        self.wright_words.value = _words("chart_note")(wright_words(self.explorer))
        if chart is None:
            if self.wright is not None:
                self.wright.layout.display = "none"
            return
        if self.wright is None:
            self.wright = alt.JupyterChart(chart, embed_options={"renderer": "canvas", "actions": False})
            self.wright_box.children = (self.wright, self.wright_words)
        else:
            self.wright.chart = chart
            self.wright.layout.display = ""

    def _show_status(self, blockers: int | None) -> None:
        """The status line; ``blockers`` None while the lane is being checked again."""
        ex = self.explorer
        agreement = ex.agreement()
        excluded = "; ".join(e.describe(ex.festival.lane_names()) for e in ex.exclusions) or "none"
        self.status.value = _words("status")(nan_to_missing(agreement["alpha"]), nan_to_missing(agreement["alpha_before"]),
                                             f"{agreement['bar']:g}", "checking…" if blockers is None else blockers,
                                             excluded)

    @staticmethod
    def _show(out: widgets.Output, page: str) -> None:
        out.clear_output(wait=True)
        with out:
            display(widgets.HTML(page))

    def _ipython_display_(self) -> None:
        display(self.widget)
