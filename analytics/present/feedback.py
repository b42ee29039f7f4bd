"""Feedback to jurors: one confidential page per juror, about their own scoring only.

``jury feedback DIR [--out OUT]`` (:func:`write_feedback`) runs the gate (the chair's decisions
applied) and writes ``OUT/<juror_id>.html`` for every juror: per lane they judge, their
severity with its interval, the spread of their scores, how closely they rank the entries
like the rest of the panel, and with ``[rasch]`` their Rasch measure (severity in logits with its
S.E.), infit and outfit, their own unexpected ratings (``rasch_unexpected.csv``, their rows
only) and the lane's Wright map with their own dot labelled "you" and every other juror's dot
unlabelled (:func:`wright_map`); then their affiliation preference (with ``[jury]
affiliations``) and their drift (with ``submitted_at``); then the flags the chair saw about
their scores (among them ``rasch_misfit`` and ``unexpected_rating``). Each figure comes with a
sentence saying how to read it.

A page names no other juror, shows no other juror's id or scores: the panel appears only as
"the rest of the panel", through figures taken over all its other jurors (their mean, their
median), and on the Wright map as unlabelled dots (their measures; no id, name, pseudonym or
count of ratings). The pages are self-contained HTML (no script, no font or style sheet fetched;
the Wright map is drawn by vl-convert when the page is written, as the report draws its charts,
and shown as an image inside an inline ``<svg>``), rendered by the workbench's one renderer (:mod:`analytics.present.render`: jinja2 with
autoescaping, the report's style sheet), so a name or a title from the festival's files is
shown as text.

The pages are written in place, each atomically, and ``manifest.json`` last, as ``jury check
--out`` writes its tables (:mod:`analytics.present.exports`): the chair's other files in ``OUT``
stay, and the page of a juror who no longer scores, written by an earlier run, is removed.
"""

from __future__ import annotations

import base64
import hashlib
import re
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd

from analytics.base import columns as col
from analytics.base.columns import ALL_LANES
from analytics.load.festival import Festival
from analytics.checks.assessed import cell_totals, lean_table
from analytics.checks.rasch import JUROR as JUROR_FACET
from analytics.checks.rasch import MISFIT_RANGE, MISFIT_Z, UNEXPECTED_Z
from analytics.checks.registry import CheckResult, juror_kinds
from analytics.gate.decisions import GateResult, run_gate
from analytics.present.exports import OutFolder, replace_file, written_before
from analytics.present.html import Figure, figure
from analytics.present.manifest import MANIFEST, build_manifest
from analytics.present.render import render
from analytics.present.viz import alt  # altair, loaded the quick way (analytics.present.viz)
from analytics.present.viz.rasch_charts import MAX_LABELS, wright_map_chart, wright_map_description
from analytics.rules.scoring import WEIGHTED_TOTAL

TEMPLATE = "feedback.html.j2"
#: the flags about a juror's own scoring that their page repeats: the kinds the check families
#: declare ``about_juror`` (:func:`analytics.checks.registry.juror_kinds`)
OWN_CHECKS = juror_kinds()
#: the label of the juror's own dot on their Wright map; every other juror's dot has none
YOU = "you"


def _points(value: float) -> str:
    return "–" if pd.isna(value) else f"{value:+.2f}"


def _lane_items(gate: GateResult, juror: str, lane: str) -> dict:
    after = gate.after
    festival = after.festival
    checks = festival.config.checks
    first = festival.config.round_ids[0]
    severity = after["juror_severity"]
    mine = severity[(severity[col.LANE] == lane) & (severity[col.JUROR_ID] == juror) & (severity["scope"] == WEIGHTED_TOTAL)
                    & (severity[col.ROUND] == first)]
    behaviour = after["juror_behaviour"]
    panel = behaviour[(behaviour[col.LANE] == lane) & (behaviour[col.ROUND] == first)]
    own = panel[panel[col.JUROR_ID] == juror]
    others = panel[panel[col.JUROR_ID] != juror]
    scores = festival.scores[(festival.scores[col.LANE] == lane) & (festival.scores[col.JUROR_ID] == juror)]
    items = []
    if len(mine):
        row = mine.iloc[0]
        lean = ("more lenient than" if row["ci_low"] > 0 else "harsher than" if row["ci_high"] < 0
                else "in line with")
        items.append({
            "title": "How generous you were",
            "figure": f"{_points(row['severity'])} points (95% interval {_points(row['ci_low'])} to {_points(row['ci_high'])})",
            "reading": f"On the same entries, your weighted totals were {abs(row['severity']):.2f} points "
                       f"{'above' if row['severity'] > 0 else 'below'} the rest of the panel's on average: you were "
                       f"{lean} the panel. The chair looks twice at a gap beyond ±{checks.severity_max:.2g} points.",
            "how": "Positive: kinder than the panel; negative: harsher. The panel's own average is 0. If the interval "
                   "crosses 0, the gap may be chance."})
    if len(own):
        row = own.iloc[0]
        if festival.config.scale.ranks:  # places: the spread of a juror's marks says nothing, and the page says so
            items.append({"title": "How much your places spread", "figure": "does not apply",
                          "reading": "You ranked the entries: each place is given once, so the spread of your marks "
                                     "tells nothing about how you judged, and neither does their average.",
                          "how": "The ranking itself is read below, beside the rest of the panel's."})
        else:
            median = float(others["sd"].median()) if len(others) else float("nan")
            items.append({
                "title": "How much your scores spread",
                "figure": f"standard deviation {row['sd']:.2f} points (the rest of the panel: median {median:.2f})",
                "reading": ("Your scores spread about as much as the panel's." if pd.isna(median) or abs(row["sd"] - median) < 0.3
                            else "Your scores spread less than the panel's: you told the entries apart less."
                            if row["sd"] < median else "Your scores spread more than the panel's."),
                "how": f"A spread below {checks.straightline_max_sd:.2g} points means giving nearly the same score to "
                       "everything, which tells the entries apart hardly at all."})
        if not pd.isna(row["rho_rest"]):
            items.append({
                "title": "How closely you ranked the entries like the rest of the panel",
                "figure": f"rank correlation {row['rho_rest']:.2f}",
                "reading": ("You ranked the entries much as the rest of the panel did." if row["rho_rest"] >= 0.7 else
                            "You ranked the entries somewhat like the rest of the panel." if row["rho_rest"] >= checks.out_of_line_max_rho
                            else "You ranked the entries differently from the rest of the panel."),
                "how": "1: the same order as the mean of the other jurors; 0: no relation; below "
                       f"{checks.out_of_line_max_rho:.2g} the chair is told. A different view is not a fault: it is "
                       "what a jury is for, and the chair reads it with your comments."})
    rasch, unexpected = _rasch_items(after, juror, lane) if "rasch" in after else ([], [])
    maps = _wright_maps(after, juror, lane) if "rasch" in after else []
    rounds = bool(festival.config.rounds)
    lanes = festival.juror_lanes
    return {"name": festival.lane_names()[lane], "n_scores": len(scores), "n_entries": scores[col.ENTRY_ID].nunique(),
            "panel_size": int((lanes[col.LANE] == lane).sum()), "figures": items + rasch, "maps": maps,
            "unexpected": unexpected, "rounds": rounds, "unexpected_z": f"{UNEXPECTED_Z:g}"}


def _logits(value: float) -> str:
    """A measure in logits, signed, to two decimals; 0 without a sign.

    >>> _logits(0.4213), _logits(-0.001), _logits(-1.5)
    ('+0.42', '0', '-1.50')
    """
    value = round(float(value), 2) + 0.0
    return "0" if value == 0 else f"{value:+.2f}"


def _unexpected_ratings(after: CheckResult) -> pd.DataFrame:
    """``rasch_unexpected.csv`` of the run, computed once for every page (the Rasch fit is the run's own)."""
    return after.shared.memo(("feedback", "rasch_unexpected"), lambda: after.companions("rasch")["rasch_unexpected"])


def _rasch_items(after: CheckResult, juror: str, lane: str) -> tuple[list[dict], list[dict[str, str]]]:
    """The juror's Rasch figures in ``lane`` (per round, where the festival has rounds): their measure with its
    S.E., their infit and outfit; and their own unexpected ratings as rows (entry, criterion, their score, the
    score the model expects, the standardised residual). Nothing of another juror: the panel appears only as its
    average measure."""
    table = after["rasch"]
    jurors = table[(table["facet"] == JUROR_FACET) & (table[col.LANE] == lane)]
    rounds = after.festival.config.rounds
    low, high = MISFIT_RANGE
    items = []
    for row in jurors[jurors["element"] == juror].itertuples(index=False):
        panel = jurors[jurors[col.ROUND] == row.round]
        where = f" ({after.festival.config.round(row.round).name or row.round})" if rounds else ""
        centre = float(panel["measure"].mean())  # 0 where the jurors are centred (every [rasch] floating but "juror")
        gap = row.measure - centre
        lean = ("more severe than" if row.measure - 1.96 * row.se > centre else
                "more lenient than" if row.measure + 1.96 * row.se < centre else "in line with")
        parts = int(panel["subset"].max())
        apart = (f" The ratings of your lane fall into {parts} parts that share no entry and no juror: your measure "
                 "compares you with the jurors of your part only." if parts > 1 else "")
        items.append({
            "title": f"Your severity on the Rasch model{where}",
            "figure": f"{_logits(row.measure)} logits (S.E. {row.se:.2f}; the panel's average {_logits(centre)}) over "
                      f"{row.n} ratings"
                      + (" (all at one end of the scale: an estimate)" if row.extreme else ""),
            "reading": f"Your measure is {abs(gap):.2f} logits {'above' if gap > 0 else 'below'} the panel's average: "
                       f"after allowing for the entries you judged and the criteria, you were {lean} the panel."
                       + apart,
            "how": "The many-facet Rasch model puts the entries, the jurors and the criteria on one ruler, in logits. "
                   f"A measure above {_logits(centre)} (the panel's average) means you scored more severely than the "
                   "panel's average, after allowing for the entries you judged; below it, more leniently. Unlike the "
                   "figure in points, a higher number here means harsher. Within about two S.E. of the average, the "
                   "gap may be chance."})
        off = [ms for ms in (row.infit, row.outfit) if not low <= ms <= high]  # as the rasch_misfit flag reads them
        beyond = [ms for ms, z in ((row.infit, row.infit_z), (row.outfit, row.outfit_z))
                  if not low <= ms <= high and abs(z) >= MISFIT_Z]
        erratic, predictable = any(ms > high for ms in beyond), any(ms < low for ms in beyond)
        items.append({
            "title": f"How consistent your scores were with the model{where}",
            "figure": f"infit {row.infit:.2f} (z {row.infit_z:+.1f}), outfit {row.outfit:.2f} (z {row.outfit_z:+.1f})",
            "reading": ("Your scores went against the entries' standing and the rest of the panel more often than the "
                        "model expects." if erratic else
                        "Your scores varied less than the entries' merit would make them: a narrow range, or the same "
                        "judgement carried across the criteria." if predictable else
                        f"Outside {low:g} to {high:g}, but by no more than chance gives over {row.n} ratings." if off else
                        "Your scores follow the entries' standing about as closely as the model expects."),
            "how": f"Infit near 1 means your scores follow the entries' standing as much as the model expects; above "
                   f"{high:g} erratic; below {low:g} too predictable. Outfit reads the same way but weighs your most "
                   f"surprising scores more. With few ratings a value strays by chance: a z within ±{MISFIT_Z:g} says "
                   "it may be chance."})
    unexpected = _unexpected_ratings(after)
    mine = unexpected[(unexpected[col.LANE] == lane) & (unexpected[col.JUROR_ID] == juror)]
    performed = col.PERFORMANCE in mine
    config = after.festival.config
    rows = [{"entry": f"performance {r[col.PERFORMANCE]} of {r[col.ENTRY_ID]}" if performed and r[col.PERFORMANCE]
             else r[col.ENTRY_ID], "round": (config.round(r[col.ROUND]).name or r[col.ROUND]) if rounds else "",
             "criterion": r[col.CRITERION], "score": f"{r[col.SCORE]:g}", "expected": f"{r['expected']:.1f}",
             "z": f"{r['z']:+.1f}"} for r in mine.to_dict("records")]
    return items, rows


def wright_map(rasch: pd.DataFrame, juror: str, *, lane: str, round: str = "",
               lane_name: str | None = None) -> alt.HConcatChart:
    """The Wright map of ``lane`` (and ``round``) as ``juror``'s page shows it
    (:func:`~analytics.present.viz.rasch_charts.wright_map_chart`): the entries and criteria as in the report,
    the juror's own dot labelled :data:`YOU`, every other juror's dot with an empty label, and no count of
    ratings. The chart's data hold the labels only (never a juror's id), so nothing in it names, or tells apart,
    another juror. ``rasch``: ``rasch.csv`` of the run (:func:`analytics.checks.rasch.rasch_table`).

    >>> import pandas as pd
    >>> t = pd.DataFrame({"lane": "a", "round": "", "facet": ["entry", "entry", "juror", "juror", "criterion"],
    ...                   "element": ["E1", "E2", "JR1", "JR2", "C1"], "measure": [1.0, -1.0, 0.3, -0.3, 0.0],
    ...                   "se": 0.2, "n": 4, "extreme": False})
    >>> spec = wright_map(t, "JR2", lane="a").to_dict()
    >>> [r["label"] for r in spec["datasets"][spec["data"]["name"]] if r["facet"] == "juror"]
    ['', 'you']
    >>> "JR1" in str(spec) or "JR2" in str(spec)
    False
    """
    rows = rasch[(rasch[col.LANE] == lane) & (rasch[col.ROUND] == round)]
    jurors = rows.loc[rows["facet"] == JUROR_FACET, "element"]
    labels = {j: YOU if j == juror else "" for j in jurors}
    shown = lane_name if lane_name is not None else lane
    return wright_map_chart(rows, lane=lane, round=round, labels=labels, lane_name=shown, counts=False).properties(
        title=f"Wright map, {shown}: you among the entries, jurors and criteria (logits)")


def _wright_maps(after: CheckResult, juror: str, lane: str) -> list[dict]:
    """The juror's Wright map of ``lane``, one per round they are measured in (:func:`wright_map`), drawn now
    as an SVG image, with how to read it. A lane of more than
    :data:`~analytics.present.viz.rasch_charts.MAX_LABELS` jurors draws its jurors as a histogram, where no dot
    can be labelled "you": the page says so instead of drawing it."""
    table = after["rasch"]
    rows = table[table[col.LANE] == lane]
    config = after.festival.config
    lane_name = after.festival.lane_names()[lane]
    mine = rows[(rows["facet"] == JUROR_FACET) & (rows["element"] == juror)]
    maps = []
    for rnd in mine[col.ROUND]:
        stage = config.round(rnd) if config.rounds else None
        name = lane_name + (f", {stage.name or stage.id}" if stage else "")
        where = f" ({stage.name or stage.id})" if stage else ""
        rnd_rows = rows[rows[col.ROUND] == rnd]
        n_jurors = int((rnd_rows["facet"] == JUROR_FACET).sum())
        if n_jurors > MAX_LABELS:
            maps.append({"title": f"Where you stand on the Rasch ruler{where}", "figure": None,
                         "how": f"The Wright map of {name} is left out of this page: its {n_jurors} jurors are too many "
                                "to draw one dot each, so your own could not be marked. Your measure above places "
                                "you among them."})
            continue
        description = wright_map_description(rnd_rows, lane=lane, round=rnd, lane_name=name)
        drawn = Figure(_own_map(after, table, juror, lane, rnd, name),
                       description + f' Your dot is labelled "{YOU}"; the other jurors\' dots are not labelled.')
        maps.append({
            "title": f"Where you stand on the Rasch ruler{where}",
            "figure": drawn, "size": _svg_size(drawn.src),
            "how": "How to read it: the entries, the jurors and the criteria on one ruler, in logits. Higher up: a "
                   "stronger entry, a more severe juror, a harder criterion. Your dot against the other jurors' "
                   "(unlabelled: the page names no one) shows your severity after allowing for the entries you "
                   "judged: above most of them, you scored more severely than most of the panel; below, more "
                   "leniently. An entry placed above a juror and a criterion tends to get scores above the middle "
                   "of the scale from that juror on that criterion."})
    return maps


#: what marks each juror's dot in the map drawn once for a lane's pages (:func:`_own_map`): three characters, as
#: wide as :data:`YOU`, so the labels are laid out as on a page that labels one dot "you"
TOKEN = "\u00a7{:02x}"


def _own_map(after: CheckResult, table: pd.DataFrame, juror: str, lane: str, rnd: str, name: str) -> str:
    """The ``data:`` URI of ``juror``'s Wright map of ``lane`` and ``rnd`` (:func:`wright_map`). Drawing a chart
    takes about half a second, so the map is drawn once per lane and round for every page: each juror's dot
    carries a token of its own (:data:`TOKEN`, not an id), and each page's copy has its reader's token turned into
    :data:`YOU` and every other token removed, so the drawing names no one, as :func:`wright_map` draws it."""
    def base() -> tuple[str, dict[str, str]]:
        rows = table[(table[col.LANE] == lane) & (table[col.ROUND] == rnd)]
        jurors = list(rows.loc[rows["facet"] == JUROR_FACET, "element"])
        tokens = {j: TOKEN.format(k) for k, j in enumerate(jurors)}
        chart = wright_map_chart(rows, lane=lane, round=rnd, labels=tokens, lane_name=name, counts=False).properties(
            title=f"Wright map, {name}: you among the entries, jurors and criteria (logits)")
        svg = base64.b64decode(figure(chart, "", draw="svg").src.split(",", 1)[1]).decode("utf-8")
        return svg, tokens

    svg, tokens = after.shared.memo(("feedback", "wright_map", lane, rnd), base)
    own = tokens[juror]
    svg = re.sub("\u00a7[0-9a-f]{2}", lambda m: YOU if m.group(0) == own else "", svg)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _svg_size(src: str) -> tuple[str, str]:
    """The width and height (pixels) of the SVG drawing in the ``data:`` URI ``src`` (the page shows it at that
    size, narrower where the page is).

    >>> import base64
    >>> _svg_size("data:image/svg+xml;base64," + base64.b64encode(b'<svg class="marks" width="936" height="420">').decode())
    ('936', '420')
    """
    svg = base64.b64decode(src.split(",", 1)[1]).decode("utf-8")
    root = re.match(r"<svg\b[^>]*>", svg).group(0)
    return re.search(r'\swidth="([\d.]+)"', root).group(1), re.search(r'\sheight="([\d.]+)"', root).group(1)


def _person_items(gate: GateResult, juror: str) -> list[dict]:
    after = gate.after
    items = []
    performed = after.festival.has_performances
    judged = "performances" if performed else "entries"  # what a judgement is (design section 14)
    if "affiliation" in after:
        table = after["affiliation"]
        mine = table[table[col.JUROR_ID] == juror]
        lanes = {**after.festival.lane_names(), ALL_LANES: "all your lanes"}
        for row in mine.itertuples(index=False):
            stands = row.p_adjusted <= after.festival.config.checks.effect_p_max
            where = f" ({lanes.get(row.lane, row.lane)})" if mine[col.LANE].nunique() > 1 else ""  # a juror of several panels
            items.append({
                "title": f"{judged.capitalize()} that share your {row.affiliation} ({row.value}){where}",
                "figure": f"{_points(row.preference)} points (95% interval {_points(row.ci_low)} to {_points(row.ci_high)}) "
                          f"on {row.n_same} {judged}, against your other {row.n_other}",
                "reading": (f"You gave the {judged} sharing your {row.affiliation} more than the rest of the panel did, by "
                            f"more than on your other {judged}, beyond what chance explains: the chair has been asked to "
                            "look at it with you." if stands and row.preference > 0 else
                            f"You gave the {judged} sharing your {row.affiliation} less than the rest of the panel did, "
                            "beyond chance." if stands else
                            "No preference beyond what chance explains."),
                "how": f"The gap between you and the rest of the panel on those {judged}, minus the same gap on your "
                       f"other {judged} (so your general generosity cancels). Declared conflicts are not counted."})
    if "drift" in after:
        table = after["drift"]
        scores = after.festival.scores
        timed = col.SUBMITTED_AT in scores and scores[col.SUBMITTED_AT].notna().any()  # else: the order of performance
        for row in table[table[col.JUROR_ID] == juror].itertuples(index=False):
            stands = row.p_adjusted <= after.festival.config.checks.effect_p_max
            items.append({
                "title": "Whether your scoring changed as you went on",
                "figure": f"{row.slope:+.2f} points per 10 scores (rank correlation {row.rho:+.2f}; {row.n_scores} scores, "
                          f"{row.first_at} to {row.last_at})",
                "reading": ("Your scores moved with the order you gave them in, beyond chance: "
                            + ("you grew kinder as you went on." if row.rho > 0 else "you grew harsher as you went on.")
                            if stands else "No trend beyond what chance explains."),
                "how": ("Your scores minus what the entry and your own generosity lead one to expect, in the order you "
                        "submitted them. A trend can come from long sessions or from anchoring on the first entries."
                        if timed else "Your marks minus what the performance and your own generosity lead one to expect, in the "
                        "order the performances were given, round by round. A trend can come from a long competition "
                        "or from anchoring on the first performances.")})
    items += _assessor_items(after, juror)
    return items


#: an assessor's page compares them with at least this many other assessors (one other's figures could be read off)
MIN_OTHERS = 2


def _assessor_items(after: CheckResult, juror: str) -> list[dict]:
    """What an assessor of AI participation (design section 17: a verifier, or a juror who also assesses) reads
    of their own assessments: their lean against the other assessors, and how closely their shares follow the
    others' on the same entries and dimensions, each against at least :data:`MIN_OTHERS` others. No other assessor
    is named."""
    festival = after.festival
    if not festival.has_assessments or "participation_assessed" not in after:
        return []
    a = festival.assessments
    mine = a[(a[col.ASSESSOR_ID] == juror) & a[col.ENTRY_ID].isin(festival.entries[col.ENTRY_ID])]  # as the leans
    if mine.empty:
        return []
    items = []
    leans = lean_table(after.shared)  # fitted once per run, whatever the number of pages
    names = festival.lane_names()
    assessors = leans.groupby(col.LANE)[col.ASSESSOR_ID].nunique()
    for row in leans[leans[col.ASSESSOR_ID] == juror].itertuples(index=False):
        if assessors[row.lane] < MIN_OTHERS + 1:  # with one other assessor, a lean from the median reveals theirs
            continue
        off = row.lean  # from the median assessor's (assessor_lean.csv)
        items.append({
            "title": f"How you assessed AI participation ({names.get(row.lane, row.lane)})",
            "figure": f"{_points(off)} points of share from the typical assessor ({row.n_assessments} assessments; "
                      f"95% interval {_points(row.ci_low)} to {_points(row.ci_high)})",
            "reading": ("You rate AI participation higher than the other assessors on the same entries." if off >= 2 else
                        "You rate AI participation lower than the other assessors on the same entries." if off <= -2 else
                        "You rate AI participation about as the other assessors do."),
            "how": "Your shares minus the other assessors' on the same entries and dimensions (an additive model, as "
                   "for jurors' severity), measured from the median assessor. The festival reads every assessment with "
                   "its assessor's lean taken off, so a lean moves no entry; what matters is telling the entries apart."})
    totals = cell_totals(after.shared).reindex(pd.MultiIndex.from_frame(mine[[col.ENTRY_ID, col.DIMENSION]]))
    own = mine[col.SHARE].astype(float).to_numpy()
    n_others = totals["size"].to_numpy() - 1  # the others' mean: the cell's total less this assessor's share
    with np.errstate(invalid="ignore", divide="ignore"):
        others = np.where(n_others >= MIN_OTHERS, (totals["sum"].to_numpy() - own) / n_others, np.nan)
    pairs = mine.assign(others=others).dropna(subset=["others"])  # never one other assessor's shares
    if len(pairs) >= 3 and pairs[col.SHARE].std() > 0 and pairs["others"].std() > 0:
        r = float(np.corrcoef(pairs[col.SHARE].astype(float), pairs["others"].astype(float))[0, 1])
        items.append({
            "title": "How closely your assessments follow the other assessors'",
            "figure": f"correlation {r:.2f} over {len(pairs)} assessments",
            "reading": ("Your shares rise and fall with the other assessors' on the same entries and dimensions."
                        if r >= 0.7 else "Your shares follow the other assessors' only in part." if r >= 0.3 else
                        "Your shares follow the other assessors' little: worth a word with the chair about the evidence."),
            "how": "1: your shares order the entries and dimensions as the others' mean does; 0: no relation."})
    return items


def juror_page(gate: GateResult, juror: str, *, written: str | None = None) -> str:
    """The HTML page of one juror (see the module notes)."""
    festival = gate.after.festival
    jurors = festival.jurors.set_index(col.JUROR_ID)
    if juror not in jurors.index:
        raise ValueError(f"no juror {juror!r} in this festival")
    lanes = [lane for lane in festival.juror_lanes.loc[festival.juror_lanes[col.JUROR_ID] == juror, col.LANE]
             if lane in set(festival.config.lane_ids)]
    flags = gate.flags
    own = flags[(flags[col.JUROR_ID] == juror) & flags["check"].isin(OWN_CHECKS) & (flags["status"] != "resolved")]
    name = str(jurors.loc[juror, col.NAME]) if col.NAME in jurors and str(jurors.loc[juror, col.NAME]) else juror
    return str(render(
        TEMPLATE,
        festival=festival.config.name, synthetic=festival.config.synthetic, name=name, juror_id=juror,
        written=written or datetime.now(timezone.utc).strftime("%Y-%m-%d"),
        lanes=[_lane_items(gate, juror, lane) for lane in lanes], person=_person_items(gate, juror),
        notes=[f"{row.message} ({'decided: ' + row.decision if row.decision else row.status})" for row in own.itertuples()]))


def write_feedback(festival: Festival, out: str | Path, *, gate: GateResult | None = None,
                   decisions_file: str | Path | None = None) -> list[Path]:
    """Write ``out/<juror_id>.html`` for every juror with scores (see the module notes), and
    ``out/manifest.json`` last (as ``jury check --out`` does; ``decisions_file``: a decisions
    file used instead of the festival folder's own, recorded there). Each page is written in
    place (:mod:`analytics.present.exports`): all pages into temporary files beside their names
    first, then each renamed onto its name; then the pages an earlier run wrote (its manifest's
    ``written``) for jurors no longer there are removed. Nothing else in ``out`` is touched."""
    gate = gate or run_gate(festival)
    out = Path(out)
    scored = set(gate.after.festival.scores[col.JUROR_ID])
    if festival.has_assessments:  # an assessor of AI participation (a verifier scores nothing) reads their own page
        scored |= set(festival.assessments[col.ASSESSOR_ID])
    jurors = [j for j in festival.jurors[col.JUROR_ID] if j in scored]
    written = datetime.now(timezone.utc).strftime("%Y-%m-%d")
    stale = written_before(out)
    with OutFolder(out) as folder:
        for juror in jurors:
            folder.write_text(f"{_file_name(juror)}.html", juror_page(gate, juror, written=written))
        pages = folder.commit(stale=stale)
        replace_file(out / MANIFEST, build_manifest(
            festival.folder, out, seed=festival.config.checks.seed,
            gate="publishable" if gate.publishable else "blockers open", decisions_file=decisions_file, written=pages))
    return [out / f"{_file_name(j)}.html" for j in jurors]


def _file_name(juror: str) -> str:
    """A juror id as a file name: the id itself where it is letters, digits, ``-`` and ``_`` only; otherwise those
    characters kept, the others as ``_``, and the first 8 hex digits of the id's SHA-256 appended, so that two
    ids differing only in punctuation (``A:0``, ``A 0``) never share a page.

    >>> _file_name("JR01"), _file_name("A:0"), _file_name("A 0")
    ('JR01', 'A_0-bc5d0fcc', 'A_0-4306e970')
    """
    kept = "".join(c if c.isalnum() or c in "-_" else "_" for c in juror)
    if kept == juror and juror:
        return juror
    return f"{kept or 'juror'}-{hashlib.sha256(juror.encode('utf-8')).hexdigest()[:8]}"


__all__ = ["juror_page", "write_feedback"]
