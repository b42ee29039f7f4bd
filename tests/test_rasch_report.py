"""The Rasch model in the report (design section 16): the Wright map (:mod:`analytics.present.viz.rasch_charts`),
the report section ``Report.rasch`` (``sections/rasch.html.j2``) for the chair and the public, and its method note.

Every number shown is checked against the tables of the same run (``rasch.csv``, its companions and
``juror_severity.csv``); the public section is scanned for juror ids and names as every public output is; a
festival without ``[rasch]`` shows none of it.
"""

from __future__ import annotations

import base64
import html
import json
import re
import shutil

import nbformat
import numpy as np
import pandas as pd
import pytest
import vl_convert as vlc

from analytics import load_festival
from analytics.checks.rasch import MISFIT_RANGE
from analytics.gate.decisions import run_gate
from analytics.present import methods
from analytics.present.html import figure
from analytics.present.pseudonyms import identity_leaks, pseudonyms
from analytics.present.sections import Report
from analytics.present.viz import rasch_charts, wright_map_chart, wright_map_data

from .conftest import DEMO, REPO

EXAMPLES = DEMO.parent / "examples"


@pytest.fixture(scope="module")
def gate():
    return run_gate(load_festival(DEMO))


@pytest.fixture(scope="module")
def rasch(gate):
    return gate.after["rasch"]


@pytest.fixture(scope="module")
def chair(gate):
    return Report(gate, "chair").rasch()


@pytest.fixture(scope="module")
def public(gate):
    return Report(gate, "public").rasch()


@pytest.fixture(scope="module")
def public_browser(gate):
    """The public section as ``jury report`` makes it: each chart's spec, with its data, in the page."""
    return Report(gate, "public", charts="browser").rasch()


def _rows(spec: dict) -> list[dict]:
    return spec["datasets"][spec["data"]["name"]]


def _specs(section_html: str) -> list[dict]:
    return [json.loads(html.unescape(s)) for s in re.findall(r'data-spec="([^"]*)"', section_html)]


def _svgs(section_html: str) -> list[str]:
    return [base64.b64decode(s).decode("utf-8") for s in re.findall(r'src="data:image/svg\+xml;base64,([^"]*)"',
                                                                     section_html)]


def _table(section_html: str, caption: str) -> list[list[str]]:
    """The cells of the table whose caption starts with ``caption`` (the header row first)."""
    found = re.search(rf"<table><caption>{re.escape(caption)}[^<]*</caption>(.*?)</table>", section_html, re.S)
    assert found, caption
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", found.group(1), re.S)
    return [[html.unescape(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)] for row in rows]


# -- the Wright map ---------------------------------------------------------------------------------------------


def test_the_wright_map_lists_every_entry_juror_and_criterion_of_each_lane(gate, rasch):
    festival = gate.before.festival
    labels = festival.juror_labels()
    for lane in festival.config.lanes:
        spec = wright_map_chart(rasch, lane=lane.id, labels=labels, lane_name=lane.name).to_dict()
        rows = _rows(spec)
        mine = rasch[rasch["lane"] == lane.id]
        for facet in ("entry", "juror", "criterion"):
            expected = mine.loc[mine["facet"] == facet, "element"]
            expected = expected.map(labels) if facet == "juror" else expected
            assert sorted(r["label"] for r in rows if r["facet"] == facet) == sorted(expected), (lane.id, facet)
        by_label = {(r["facet"], r["label"]): r["measure"] for r in rows}
        for row in mine.itertuples(index=False):
            label = labels[row.element] if row.facet == "juror" else row.element
            assert by_label[(row.facet, label)] == pytest.approx(row.measure, abs=1e-12)
        # three columns on one ruler, each saying how to read it; a description for screen readers
        panels = spec["hconcat"]
        assert [p["title"]["text"] for p in panels] == [["Entries", "higher: stronger"],
                                                       ["Jurors", "higher: more severe"],
                                                       ["Criteria", "higher: harder"]]
        domains = {json.dumps(layer["encoding"]["y"]["scale"]["domain"]) for p in panels for layer in p["layer"]
                   if "field" in layer.get("encoding", {}).get("y", {})}
        assert len(domains) == 1
        assert spec["description"].startswith(f"Wright map of {lane.name}: ")
        assert "Higher up is a stronger entry, a more severe juror, a harder criterion" in spec["description"]


def test_the_wright_map_draws_offline_with_the_labels_as_text(gate, rasch):
    festival = gate.before.festival
    names = pseudonyms(festival)
    chart = wright_map_chart(rasch, lane="generative_cinema", labels=names)
    drawn = base64.b64decode(figure(chart, "Wright map").src.split(",", 1)[1]).decode("utf-8")
    assert drawn.startswith("<svg") and "http" not in drawn.replace("http://www.w3.org", "")
    jurors = rasch.loc[(rasch["lane"] == "generative_cinema") & (rasch["facet"] == "juror"), "element"]
    for juror in jurors:
        assert f">{names[juror]}</text>" in drawn
    assert identity_leaks(drawn, festival) == []
    assert vlc.vegalite_to_png(chart.to_dict(), scale=1).startswith(b"\x89PNG")


def test_the_wright_maps_data_hold_labels_never_juror_ids(gate, rasch):
    festival = gate.before.festival
    spec = wright_map_chart(rasch, lane="generative_cinema", labels=pseudonyms(festival), counts=False).to_dict()
    assert identity_leaks(json.dumps(spec, ensure_ascii=False), festival) == []
    assert {key for row in _rows(spec) for key in row} == {"facet", "label", "measure", "se", "extreme", "x"}
    with_counts = wright_map_chart(rasch, lane="generative_cinema").to_dict()
    assert "n" in _rows(with_counts)[0]


def test_labels_at_nearly_the_same_height_are_set_side_by_side_never_on_top_of_each_other():
    rng = np.random.default_rng(7)
    for _ in range(50):
        n = int(rng.integers(1, 40))
        measures = np.round(rng.normal(0, 1, n), 1)  # many ties
        widths = rng.uniform(20, 120, n)
        gap = float(rng.uniform(0.05, 0.6))
        x = rasch_charts._pack(measures, widths, gap)
        assert (x >= 0).all()
        for i in range(n):
            for j in range(i + 1, n):
                if abs(measures[i] - measures[j]) < gap:  # they would touch: apart sideways
                    assert x[i] + widths[i] <= x[j] + 1e-9 or x[j] + widths[j] <= x[i] + 1e-9, (i, j)
        lone = [i for i in range(n) if not any(abs(measures[i] - measures[j]) < gap for j in range(n) if j != i)]
        assert (x[lone] == 0).all()  # a label with nothing near it stays at the ruler


def test_a_facet_of_many_elements_is_a_histogram():
    n = rasch_charts.MAX_LABELS + 1
    table = pd.DataFrame({"lane": "a", "round": "", "facet": ["entry"] * n + ["juror", "criterion"],
                          "element": [f"E{i}" for i in range(n)] + ["JR1", "C1"],
                          "measure": np.linspace(-3, 3, n + 2), "se": 0.3, "n": 4, "extreme": False})
    spec = wright_map_chart(table, lane="a").to_dict()
    entries, jurors, _ = spec["hconcat"]
    assert entries["layer"][0]["mark"]["type"] == "bar" and entries["layer"][0]["encoding"]["x"]["field"] == "count"
    assert [layer["mark"]["type"] for layer in jurors["layer"]] == ["rule", "point", "text"]
    assert len(_rows(spec)) == n + 2


def test_an_unknown_lane_or_facet_is_refused(rasch):
    with pytest.raises(ValueError, match="the rasch table has no rows for lane 'opera'; its lanes are "
                                         "'generative_cinema', 'interactive_narrative'"):
        wright_map_chart(rasch, lane="opera")
    with pytest.raises(ValueError, match="the rasch table has no facet 'country' in lane 'generative_cinema'; its "
                                         "facets are 'entry', 'juror', 'criterion'"):
        wright_map_data(rasch, lane="generative_cinema", facets=["entry", "country"])


# -- the chair's section --------------------------------------------------------------------------------------


def test_the_chair_sees_each_jurors_severity_in_logits_beside_their_severity_in_points(gate, rasch, chair):
    labels = gate.before.festival.juror_labels()
    severity = gate.after["juror_severity"]
    for lane in gate.before.festival.config.lanes:
        cells = _table(chair.html, f"Jurors in the Rasch model, {lane.name}")
        header, rows = cells[0], cells[1:]
        assert header[:4] == ["Juror", "Severity (logits; + harsher)", "S.E.", "Severity (points; − harsher)"]
        assert header[4:6] == ["Infit", "Outfit"]
        jurors = rasch[(rasch["lane"] == lane.id) & (rasch["facet"] == "juror")].sort_values("measure",
                                                                                              ascending=False)
        points = severity[(severity["lane"] == lane.id) & (severity["scope"] == "weighted_total")].set_index(
            "juror_id")["severity"]
        assert [r[0] for r in rows] == [labels[j] for j in jurors["element"]]  # harshest first
        for row, juror in zip(rows, jurors.itertuples(index=False)):
            assert row[1] == f"{juror.measure:+.2f}" and row[3] == f"{points[juror.element]:+.2f}"
            assert row[4] == f"{juror.infit:.2f}" and row[5] == f"{juror.outfit:.2f}"
        # the two severities run in opposite directions and order the jurors alike
        logits = jurors.set_index("element")["measure"]
        assert logits.rank().corr(points.reindex(logits.index).rank()) < -0.8, lane.id


def test_the_chair_reads_the_misfit_the_thresholds_the_unexpected_ratings_and_the_interactions(gate, chair):
    text = html.unescape(chair.html)
    more = gate.after.companions("rasch")
    # JR07 gives 7 to nearly everything (data/demo/planted.json): against the entries' standing, erratic to the model
    row = next(r for r in _table(chair.html, "Jurors in the Rasch model, Generative Cinema")
               if r[0].startswith("JR07 "))
    assert row[-1].startswith("erratic (infit ")
    low, high = MISFIT_RANGE
    assert f"{low:g} to {high:g} is productive for measurement" in text
    # thresholds, in order in the demo
    thresholds = more["rasch_thresholds"]
    gc = thresholds[thresholds["lane"] == "generative_cinema"]
    cells = _table(chair.html, "Rasch–Andrich thresholds, Generative Cinema")
    assert [r[1] for r in cells[1:]] == [f"{t:+.2f}" for t in gc["threshold"]]
    assert "The thresholds rise with the scores" in text
    # unexpected ratings: counted per lane
    unexpected = more["rasch_unexpected"]
    n_gc = int((unexpected["lane"] == "generative_cinema").sum())
    assert re.search(rf"{n_gc} of [\d,]+ ratings lie 3 or more standard errors", text)
    # interactions with |t| of 2 or more, and only those
    interactions = more["rasch_interactions"]
    strong = interactions[(interactions["lane"] == "generative_cinema") & (interactions["t"].abs() >= 2)]
    cells = _table(chair.html, "Interactions with |t| ≥ 2, Generative Cinema")
    assert sorted(r[-1] for r in cells[1:]) == sorted(f"{t:+.2f}" for t in strong["t"])
    assert identity_leaks(chair.html, gate.before.festival)  # the chair's section names jurors


def test_a_disordered_threshold_and_a_score_nobody_gave_are_named():
    thresholds = pd.DataFrame({"lane": "a", "round": "", "step": "", "category": [2.0, 3.0, 4.0, 5.0],
                               "threshold": [-1.0, 0.5, 0.2, np.nan], "n": [10, 5, 8, 0],
                               "disordered": [False, False, True, False], "observed": [True, True, True, False]})
    shown = Report._rasch_thresholds(thresholds, "Shorts")
    assert shown["threshold_text"].startswith("Disordered: the threshold into 4 lies below the one before")
    assert "Nobody gave 5: that score has no threshold of its own" in shown["threshold_text"]
    assert [row.cells[-1].text for row in shown["thresholds"].rows] == ["", "", "disordered", "never given"]


# -- the public section ---------------------------------------------------------------------------------------


def test_the_public_section_shows_the_map_with_pseudonyms_and_the_separation_only(gate, rasch, public,
                                                                                   public_browser):
    festival = gate.before.festival
    names = pseudonyms(festival)
    for section in (public, public_browser):
        assert identity_leaks(section.html, festival) == []
        assert "<th>Infit</th>" not in section.html and "Threshold" not in section.html
        assert "Interactions" not in section.html and "Unexpected" not in section.html
        assert "reliability near 1 means the jurors&#39; severities truly differ" in section.html
    for lane in festival.config.lanes:
        cells = _table(public.html, f"Separation and reliability, {lane.name}")
        assert [r[0] for r in cells[1:]] == ["Entries", "Jurors", "Criteria"]
    # the drawn maps carry the pseudonyms as text, and nothing else of the jurors
    svgs = _svgs(public.html)
    assert len(svgs) == len(festival.config.lanes)
    for svg in svgs:
        assert identity_leaks(svg, festival) == []
    jurors = rasch.loc[rasch["facet"] == "juror", "element"]
    assert all(any(f">{names[j]}</text>" in svg for svg in svgs) for j in jurors)
    # the maps the page draws: their data hold the pseudonyms, no id, no count of ratings
    specs = _specs(public_browser.html)
    assert len(specs) == len(festival.config.lanes)
    labels = {r["label"] for spec in specs for r in _rows(spec) if r["facet"] == "juror"}
    assert labels == {names[j] for j in jurors}
    assert not [spec for spec in specs if "n" in _rows(spec)[0]]
    assert identity_leaks(json.dumps(specs, ensure_ascii=False), festival) == []


# -- a festival with rounds, and one without [rasch] --------------------------------------------------------


def test_a_festival_with_rounds_gets_a_map_per_round(tmp_path):
    folder = shutil.copytree(EXAMPLES / "rounds", tmp_path / "rounds")
    with (folder / "festival.toml").open("a", encoding="utf-8") as handle:
        handle.write("\n[rasch]\n")
    gate = run_gate(load_festival(folder))
    config = gate.before.festival.config
    section = Report(gate, "public").rasch()
    headings = re.findall(r"<h3>(.*?)</h3>", section.html)
    assert headings == [f"{lane.name}, {r.name or r.id}" for lane in config.lanes for r in config.rounds]
    assert identity_leaks(section.html, gate.before.festival) == []
    assert len(_table(Report(gate, "chair").rasch().html, f"Jurors in the Rasch model, {headings[0]}")) > 1


def test_a_festival_without_rasch_says_nothing_of_it():
    festival = load_festival(EXAMPLES / "one-score")
    assert festival.config.rasch is None
    gate = run_gate(festival)
    for audience in ("public", "chair"):
        section = Report(gate, audience).rasch()
        assert section.html == "" and "no [rasch]" in section.left_out  # the report leaves it out, heading and all
    notes = methods.notes_html(festival.config)
    assert "Rasch" not in notes and "Linacre" not in notes


def test_the_method_notes_describe_the_model_where_it_is_configured(gate):
    config = gate.before.festival.config
    notes = dict(methods.notes(config))
    text = notes["Rasch measurement"]
    assert "many-facet Rasch model [Linacre 1989]" in text and "rating scale model" in text
    assert "joint maximum likelihood" in text
    shown = methods.notes_html(config)
    assert "<strong>Linacre 1989</strong>" in shown and "<strong>Wright &amp; Masters 1982</strong>" in shown
    assert "<strong>Masters 1982</strong>" not in shown  # partial credit: not this festival's model


def test_the_report_notebook_shows_the_section_after_the_jurors():
    notebook = nbformat.read(REPO / "notebooks" / "20-post-festival-report.ipynb", as_version=4)
    sources = [cell.source for cell in notebook.cells]
    at = sources.index("report.rasch()")
    assert sources[at - 1].startswith("## Rasch measurement") and sources.index("report.jurors()") < at
