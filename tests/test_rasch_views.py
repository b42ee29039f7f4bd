"""The Rasch model (design section 16) where people read it: the explorer's juror panel, each juror's feedback
page and the rankings' alternatives (the fair average).

Every number shown is checked against ``rasch.csv`` (and ``rasch_unexpected.csv``) of the same run, the one fit
that :mod:`analytics.checks.rasch` makes; festivals without ``[rasch]`` show none of it and their ``rankings.csv``
is the same as before, byte for byte.
"""

from __future__ import annotations

import base64
import html
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analytics import load_festival
from analytics.apps.cli import main
from analytics.apps.explorer import Explorer
from analytics.apps.explorer_app import ExplorerApp, wright_chart
from analytics.checks.rankings import (
    FAIR_COLUMNS,
    RANKING_COLUMNS,
    rankings,
    rankings_without,
)
from analytics.checks.rasch import rasch_companions, rasch_table
from analytics.checks.registry import juror_kinds, run_checks
from analytics.checks.shared import Shared
from analytics.gate.decisions import run_gate
from analytics.present import feedback
from analytics.present.explorer_tables import jurors_html, standings_html
from analytics.present.feedback import juror_page, wright_map
from analytics.present.html import figure
from analytics.present.pseudonyms import pseudonyms

from .conftest import DEMO, REPO

ROUNDS = REPO / "data" / "examples" / "rounds"
LANE = "generative_cinema"


def _without_rasch(tmp_path: Path) -> Path:
    """The demo festival without its ``[rasch]`` section (everything else as it is)."""
    folder = Path(shutil.copytree(DEMO, tmp_path / "demo-without-rasch"))
    toml = folder / "festival.toml"
    text = toml.read_text(encoding="utf-8")
    kept = re.sub(r"\n\[rasch\]\n(?:[^\[\n][^\n]*\n?)*", "\n", text)
    assert "[rasch]" in text and "[rasch]" not in kept
    toml.write_text(kept, encoding="utf-8")
    return folder


def _with_rasch(folder: Path, tmp_path: Path) -> Path:
    copy = Path(shutil.copytree(folder, tmp_path / f"{folder.name}-with-rasch"))
    with (copy / "festival.toml").open("a", encoding="utf-8") as toml:
        toml.write('\n[rasch]\nmodel = "rating_scale"\n')
    return copy


@pytest.fixture(scope="module")
def demo():
    return load_festival(DEMO)


@pytest.fixture(scope="module")
def demo_gate(demo):
    return run_gate(demo)


# --- the explorer's juror panel ------------------------------------------------------------------------------


def test_the_juror_panel_shows_each_jurors_logits_infit_and_outfit_from_rasch_csv(demo):
    explorer = Explorer(demo, n_boot=100)
    panel = explorer.juror_panel().set_index("juror_id")
    table = explorer.before()["rasch"]
    jurors = table[(table["facet"] == "juror") & (table["lane"] == LANE)].set_index("element")
    assert sorted(panel.index) == sorted(jurors.index)
    for ours, theirs in (("rasch_measure", "measure"), ("rasch_se", "se"), ("infit", "infit"), ("outfit", "outfit")):
        np.testing.assert_allclose(panel[ours], jurors.loc[panel.index, theirs], rtol=0, atol=1e-12)
    # a positive Rasch measure is a severe juror: the opposite sign of the severity in points (+ lenient)
    assert (np.sign(panel["rasch_measure"]) == -np.sign(panel["severity"])).mean() >= 0.8
    page = jurors_html(explorer.juror_panel())
    assert "Rasch severity (logits; + more severe)" in page and "Infit" in page and "Outfit" in page
    jr07 = jurors.loc["JR07"]
    assert f"{jr07['measure']:+.2f}" in page and f"{jr07['infit']:.2f}" in page and f"{jr07['outfit']:.2f}" in page
    assert "above 1.5, erratic; below 0.5, too predictable" in html.unescape(page)


def test_a_what_if_refits_the_model_in_the_preview_and_the_panel_shows_the_new_measures(demo):
    explorer = Explorer(demo, n_boot=100)
    before = explorer.juror_panel().set_index("juror_id")
    explorer.exclude_juror("JR07")
    explorer.settle()
    after = explorer.gate_result().after
    assert after.shared.preview and "rasch" in after  # the preview runs the rasch check: its flags are the gate's
    panel = explorer.juror_panel().set_index("juror_id")
    assert "JR07" not in panel.index
    expected = rasch_table(explorer.current(), lanes=[LANE])
    expected = expected[expected["facet"] == "juror"].set_index("element")
    np.testing.assert_allclose(panel["rasch_measure"], expected.loc[panel.index, "measure"], rtol=0, atol=1e-9)
    assert not np.allclose(panel["rasch_measure"], before.loc[panel.index, "rasch_measure"])


def test_without_rasch_the_panel_and_its_page_show_no_rasch_figure(tmp_path):
    explorer = Explorer(load_festival(_without_rasch(tmp_path)), n_boot=100)
    panel = explorer.juror_panel()
    assert not {"rasch_measure", "rasch_se", "infit", "outfit"} & set(panel.columns)
    assert "Rasch" not in jurors_html(panel) and "Infit" not in jurors_html(panel)
    assert "fair" not in explorer.methods()
    with pytest.raises(ValueError, match=r"method must be one of official, z, median, trimmed, model; got 'fair' "
                                         r"\(the Rasch fair average needs \[rasch\]"):
        explorer.set_view(method="fair")


# --- each juror's feedback page --------------------------------------------------------------------------------


def _mentions(text: str, token: str) -> bool:
    forms = {token, html.escape(token, quote=True)}
    return any(re.search(rf"(?<!\w){re.escape(t)}(?!\w)", text) for t in forms)


def test_the_rasch_flags_are_about_the_jurors_own_scoring_so_their_page_repeats_them(demo_gate):
    assert {"rasch_misfit", "unexpected_rating"} <= set(juror_kinds())
    assert "rasch_subsets" not in juror_kinds()  # it names the jurors of each part
    flags = demo_gate.flags
    misfit = flags[(flags["check"] == "rasch_misfit") & (flags["juror_id"] == "JR07")]
    assert len(misfit) == 1
    page = html.unescape(juror_page(demo_gate, "JR07", written="2026-12-03"))
    assert misfit["message"].iloc[0] in page


@pytest.mark.parametrize("juror", ["JR07", "JR03"])
def test_a_feedback_page_shows_the_jurors_own_measure_fit_and_unexpected_ratings_and_no_other_juror(demo, demo_gate,
                                                                                                     juror):
    page = juror_page(demo_gate, juror, written="2026-12-03")
    text = html.unescape(page)
    after = demo_gate.after
    table = after["rasch"]
    mine = table[(table["facet"] == "juror") & (table["element"] == juror) & (table["lane"] == LANE)].iloc[0]
    assert "Your severity on the Rasch model" in text
    assert f"{mine['measure']:+.2f} logits (S.E. {mine['se']:.2f}; the panel's average 0) over {mine['n']} ratings" in text
    assert f"infit {mine['infit']:.2f} (z {mine['infit_z']:+.1f}), outfit {mine['outfit']:.2f}" in text
    assert "A measure above 0 (the panel's average) means you scored more severely than the panel's average, after " \
           "allowing for the entries you judged" in text
    assert "Infit near 1 means your scores follow the entries' standing as much as the model expects; above 1.5 " \
           "erratic; below 0.5 too predictable" in text
    lean = "more severe than" if mine["measure"] - 1.96 * mine["se"] > 0 else "more lenient than" \
        if mine["measure"] + 1.96 * mine["se"] < 0 else "in line with"
    assert f"you were {lean} the panel" in text
    unexpected = after.companions("rasch")["rasch_unexpected"]
    own = unexpected[unexpected["juror_id"] == juror]
    if len(own):
        assert "Your unexpected ratings" in text
        shown = re.search(r"<h3>Your unexpected ratings</h3>\s*<table>(.*?)</table>", page, flags=re.DOTALL).group(1)
        assert shown.count("<tr>") == len(own) + 1  # the header and the juror's own rows, no one else's
        for row in own.itertuples(index=False):
            assert f"<td>{row.entry_id}</td><td>{row.criterion}</td><td class=\"num\">{row.score:g}</td>" \
                   f"<td class=\"num\">{row.expected:.1f}</td><td class=\"num\">{row.z:+.1f}</td>" in shown
    else:
        assert "Your unexpected ratings" not in text
    jurors = demo.jurors.set_index("juror_id")
    for other, row in jurors.drop(index=juror).iterrows():
        assert not _mentions(page, other), f"the page of {juror} names juror id {other}"
        assert not _mentions(page, str(row["name"])), f"the page of {juror} names juror {row['name']}"


def test_the_demo_has_a_juror_with_unexpected_ratings_to_show():
    """(So the test above checks the table, not only its absence.)"""
    unexpected = rasch_companions(load_festival(DEMO))["rasch_unexpected"]
    assert "JR07" in set(unexpected["juror_id"])


def test_without_rasch_a_feedback_page_shows_no_rasch_figure(tmp_path):
    page = juror_page(run_gate(load_festival(_without_rasch(tmp_path))), "JR07", written="2026-12-03")
    assert "Rasch" not in page and "logits" not in page and "unexpected ratings" not in page


# --- each juror's feedback page: the Wright map --------------------------------------------------------------------

SVG_IMAGE = re.compile(r'<svg role="img" aria-label="([^"]*)" width="(\d+)" height="(\d+)" viewBox="0 0 \2 \3" '
                       r'style="max-width: 100%; height: auto"><image href="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)" '
                       r'width="\2" height="\3"/></svg>')


def _maps(page: str) -> list[str]:
    """The Wright maps a feedback page carries: each an SVG drawing made when the page was written (shown as an
    image, inside an inline svg element), decoded."""
    return [base64.b64decode(data).decode("utf-8") for *_, data in SVG_IMAGE.findall(page)]


def _texts(svg: str) -> list[str]:
    return [html.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg)]


def _rows(spec: dict) -> list[dict]:
    return spec["datasets"][spec["data"]["name"]]


@pytest.mark.parametrize("juror", ["JR07", "JR03", "JR22"])
def test_the_feedback_map_labels_the_jurors_own_dot_you_and_no_other_juror(demo, demo_gate, juror):
    """The chart's data: one juror point labelled "you" (at the juror's own measure), every other juror's point with
    an empty label; no juror id, name or pseudonym anywhere in the spec."""
    table = demo_gate.after["rasch"]
    lane = demo.juror_lanes.set_index("juror_id").loc[juror, "lane"]
    spec = wright_map(table, juror, lane=lane, lane_name="the lane").to_dict()
    jurors = table[(table["facet"] == "juror") & (table["lane"] == lane)].set_index("element")
    points = [r for r in _rows(spec) if r["facet"] == "juror"]
    assert len(points) == len(jurors) > 1
    assert [r["label"] for r in points].count("you") == 1
    assert {r["label"] for r in points} == {"you", ""}
    you = next(r for r in points if r["label"] == "you")
    assert you["measure"] == pytest.approx(jurors.loc[juror, "measure"], abs=1e-12)
    assert "n" not in you  # no count of ratings (a juror with a rating fewer would show whose score was excluded)
    # entries and criteria as in the report: by their ids
    assert sorted(r["label"] for r in _rows(spec) if r["facet"] == "entry") == sorted(
        table.loc[(table["facet"] == "entry") & (table["lane"] == lane), "element"])
    text = str(spec)
    names = pseudonyms(demo)
    for other, row in demo.jurors.set_index("juror_id").iterrows():
        assert not _mentions(text, other) and not _mentions(text, str(row["name"]))
        assert not _mentions(text, names[other])


@pytest.mark.parametrize("juror", ["JR07", "JR03"])
def test_a_feedback_page_draws_the_map_as_an_svg_image_naming_no_other_juror(demo, demo_gate, juror):
    page = juror_page(demo_gate, juror, written="2026-12-03")
    maps = _maps(page)
    assert len(maps) == 1 and page.count("<svg") == 1  # the one lane the juror judged, no rounds
    svg = maps[0]
    width, height = SVG_IMAGE.search(page).group(2, 3)
    assert svg.startswith("<svg") and f'width="{width}" height="{height}"' in svg  # shown at the drawing's size
    texts = _texts(svg)
    assert texts.count("you") == 1
    assert "\u00a7" not in svg  # the map is drawn once per lane: every other juror's token is gone from this copy
    # the reader's own dot carries "you" where a map drawn for them alone puts it
    own = figure(wright_map(demo_gate.after["rasch"], juror, lane=LANE, lane_name="Generative Cinema"), "", draw="svg")
    alone = base64.b64decode(own.src.split(",", 1)[1]).decode("utf-8")
    assert re.search(r'<text[^>]*>you</text>', alone).group(0) == re.search(r'<text[^>]*>you</text>', svg).group(0)
    assert "Wright map, Generative Cinema: you among the entries, jurors and criteria (logits)" in texts
    table = demo_gate.after["rasch"]
    lane = table[table["lane"] == LANE]
    assert set(lane.loc[lane["facet"] == "entry", "element"]) <= set(texts)  # entries and criteria by their ids
    assert set(lane.loc[lane["facet"] == "criterion", "element"]) <= set(texts)
    # every other juror's dot is drawn, unlabelled: the tooltips (aria-labels) carry no label for them
    juror_dots = [a for a in re.findall(r'aria-label="([^"]*)"', svg) if "label: " not in a and "element: " in a]
    assert sum(1 for a in re.findall(r'aria-label="([^"]*)"', svg) if "element: you;" in a) == 2  # its dot and label
    assert juror_dots  # (the points' own descriptions)
    names = pseudonyms(demo)
    for other, row in demo.jurors.set_index("juror_id").iterrows():  # nor the juror's own id: "you" stands for it
        for token in (other, str(row["name"]), names[other]):
            assert not _mentions(svg, token), f"the map on the page of {juror} names {token}"
    text = html.unescape(page)
    assert "Where you stand on the Rasch ruler" in text
    assert "Higher up: a stronger entry, a more severe juror, a harder criterion. Your dot against the other " \
           "jurors' (unlabelled: the page names no one) shows your severity after allowing for the entries you " \
           "judged" in text
    assert 'Your dot is labelled "you"; the other jurors\' dots are not labelled.' in text  # the image's alt text
    assert "<script" not in page and "http://" not in page and "https://" not in page  # self-contained, offline
    assert "<img" not in page  # (test_feedback's hostile name: no image element a name could have made)


def test_a_feedback_page_draws_one_map_per_round_the_juror_is_measured_in(tmp_path):
    gate = run_gate(load_festival(_with_rasch(ROUNDS, tmp_path)))
    table = gate.after["rasch"]
    juror = "JR01"
    rounds = table.loc[(table["facet"] == "juror") & (table["element"] == juror), "round"].tolist()
    assert len(rounds) > 1
    page = juror_page(gate, juror, written="2026-12-03")
    maps = _maps(page)
    assert len(maps) == len(rounds)
    config = gate.after.festival.config
    for svg, rnd in zip(maps, rounds):
        assert _texts(svg).count("you") == 1
        assert f"Wright map, Piano, {config.round(rnd).name}: you among the entries, jurors and criteria (logits)" \
            in _texts(svg)
        assert f"Where you stand on the Rasch ruler ({config.round(rnd).name})" in page
    jurors = gate.after.festival.jurors.set_index("juror_id")
    for other, row in jurors.drop(index=juror).iterrows():
        assert not _mentions(page, other) and not _mentions(page, str(row["name"]))


def test_a_lane_with_too_many_jurors_to_mark_one_says_so_instead_of_drawing(demo_gate, monkeypatch):
    monkeypatch.setattr(feedback, "MAX_LABELS", 4)  # Generative Cinema's 9 jurors: a histogram, where no dot is "you"
    page = html.unescape(juror_page(demo_gate, "JR07", written="2026-12-03"))
    assert _maps(page) == []
    assert "The Wright map of Generative Cinema is left out of this page: its 9 jurors are too many to draw one dot " \
           "each, so your own could not be marked." in page


def test_without_rasch_a_feedback_page_draws_no_map(tmp_path):
    page = juror_page(run_gate(load_festival(_without_rasch(tmp_path))), "JR07", written="2026-12-03")
    assert _maps(page) == [] and "<figure" not in page and "Wright map" not in page and "ruler" not in page


# --- the explorer's juror panel: the Wright map ---------------------------------------------------------------------


def _lane_measures(table: pd.DataFrame) -> pd.Series:
    jurors = table[(table["facet"] == "juror") & (table["lane"] == LANE)]
    return jurors.set_index("element")["measure"]


def test_the_juror_panel_shows_the_lanes_wright_map_by_juror_id_beside_the_table(demo, tmp_path):
    app = ExplorerApp(demo, n_boot=100, decisions_path=tmp_path / "decisions.csv")
    assert app.wright is not None and app.wright.layout.display != "none"
    assert list(app.wright_box.children) == [app.wright, app.wright_words]
    beside = [box for box in app.widget.children[2].children[1].children if hasattr(box, "children")]
    assert list(beside[-1].children) == [app.panel_out, app.wright_box]  # the table, then the map, in one wrapping row
    assert beside[-1].layout.flex_flow == "row wrap"
    # drawn as the linked chart is (a JupyterChart, vega bundled: offline), on a canvas
    assert app.wright.embed_options["renderer"] == "canvas"
    spec = app.wright.chart.to_dict()
    measures = _lane_measures(app.explorer.before()["rasch"])
    points = {r["label"]: r for r in _rows(spec) if r["facet"] == "juror"}
    assert sorted(points) == sorted(measures.index)  # the chair's view: jurors by id
    for juror, row in points.items():
        assert row["measure"] == pytest.approx(measures[juror], abs=1e-12) and row["n"] > 0
    words = html.unescape(app.wright_words.value)
    assert "Wright map of Generative Cinema: 25 entries, 9 jurors and 6 criteria on one ruler in logits. Higher up is " \
           "a stronger entry, a more severe juror, a harder criterion" in words
    assert "Jurors by id (confidential)" in words and "Fitted again" not in words


def test_after_a_what_if_the_panels_map_is_the_preview_refit(demo, tmp_path):
    app = ExplorerApp(demo, n_boot=100, decisions_path=tmp_path / "decisions.csv")
    first = app.wright
    before = {r["label"]: r["measure"] for r in _rows(first.chart.to_dict()) if r["facet"] == "juror"}
    app.juror.value = "JR07"
    app.leave_juror.click()
    assert app.wright is first  # the same widget, a new chart
    assert app.explorer.gate_result().after.shared.preview
    refit = _lane_measures(rasch_table(app.explorer.current(), lanes=[LANE]))
    points = {r["label"]: r["measure"] for r in _rows(app.wright.chart.to_dict()) if r["facet"] == "juror"}
    assert "JR07" not in points and sorted(points) == sorted(refit.index)
    np.testing.assert_allclose([points[j] for j in refit.index], refit.to_numpy(), rtol=0, atol=1e-9)
    assert not np.allclose([points[j] for j in refit.index], [before[j] for j in refit.index])
    # the map and the table beside it read the same fit
    panel = app.explorer.juror_panel().set_index("juror_id")
    np.testing.assert_allclose([points[j] for j in panel.index], panel["rasch_measure"], rtol=0, atol=1e-12)
    assert "8 jurors" in app.wright_words.value and "Fitted again for the what-ifs" in app.wright_words.value
    app.undo_button.click()
    undone = {r["label"]: r["measure"] for r in _rows(app.wright.chart.to_dict()) if r["facet"] == "juror"}
    assert undone == pytest.approx(before, abs=1e-12)


def test_the_panels_map_follows_the_lane_in_view(demo):
    explorer = Explorer(demo, n_boot=100)
    explorer.set_view(lane="digital_being")
    spec = wright_chart(explorer).to_dict()
    labels = sorted(r["label"] for r in _rows(spec) if r["facet"] == "juror")
    assert labels == ["JR20", "JR21", "JR22", "JR23", "JR24"]
    assert spec["title"] == "Wright map, Digital Being (logits)"


def test_without_rasch_the_panel_has_no_map(tmp_path):
    festival = load_festival(_without_rasch(tmp_path))
    explorer = Explorer(festival, n_boot=100)
    assert explorer.rasch_map() is None and wright_chart(explorer) is None
    app = ExplorerApp(festival, n_boot=100, decisions_path=tmp_path / "decisions.csv")
    assert app.wright is None and app.wright_box.layout.display == "none" and app.wright_words.value == ""


# --- the rankings' alternatives --------------------------------------------------------------------------------


def test_rankings_have_the_fair_average_as_an_alternative_with_rasch(demo):
    result = run_checks(demo)
    table = result["rankings"]
    assert list(table.columns) == [*RANKING_COLUMNS[:18], *FAIR_COLUMNS, *RANKING_COLUMNS[18:]]
    assert RANKING_COLUMNS[16:18] == ["score_model", "rank_model"]
    rasch = result["rasch"]
    entries = rasch[rasch["facet"] == "entry"].set_index(["lane", "element"])["fair_average"]
    np.testing.assert_allclose(table["score_fair"], entries.loc[list(zip(table["lane"], table["entry_id"]))],
                               rtol=0, atol=1e-12)
    for _, lane in table.groupby("lane"):  # ranked as the other alternatives: higher is better, ties share
        assert lane["rank_fair"].tolist() == lane["score_fair"].rank(ascending=False, method="min").astype(int).tolist()
    # one criterion in view: the model measures every criterion at once, so no fair average there
    assert list(rankings(demo, lanes=[LANE], scope="conducting", n_boot=100).columns) == RANKING_COLUMNS


def test_rankings_csv_without_rasch_is_the_same_file_with_rasch_less_the_fair_columns(tmp_path, capsys):
    with_rasch, without = tmp_path / "with", tmp_path / "without"
    assert main(["check", str(DEMO), "--out", str(with_rasch), "--quiet"]) in (0, 1)
    assert main(["check", str(_without_rasch(tmp_path)), "--out", str(without), "--quiet"]) in (0, 1)
    capsys.readouterr()
    text = (without / "rankings.csv").read_text(encoding="utf-8")
    assert text.splitlines()[0] == ",".join(RANKING_COLUMNS)
    fair = pd.read_csv(with_rasch / "rankings.csv", dtype=str, keep_default_na=False)
    assert list(fair.columns[16:20]) == ["score_model", "rank_model", "score_fair", "rank_fair"]
    assert fair.drop(columns=FAIR_COLUMNS).to_csv(index=False, lineterminator="\n") == text.replace("\r\n", "\n")
    assert not (without / "rasch.csv").exists() and (with_rasch / "rasch.csv").exists()


def test_the_fair_average_of_later_rounds_combines_the_rounds_with_their_weights(tmp_path):
    festival = load_festival(_with_rasch(ROUNDS, tmp_path))
    result = run_checks(festival)
    table, rasch = result["rankings"], result["rasch"]
    fair = rasch[rasch["facet"] == "entry"].set_index(["lane", "round", "element"])["fair_average"]
    config = festival.config
    for row in table.itertuples(index=False):
        weights = config.round_weights(row.round)
        expected = sum(w * fair.get((row.lane, earlier, row.entry_id), np.nan) for earlier, w in weights.items())
        assert row.score_fair == pytest.approx(expected, abs=1e-12), (row.lane, row.round, row.entry_id)


def test_at_once_the_fair_average_is_missing_and_settling_fits_it_again(demo):
    shared = Shared(demo, [LANE])
    scores = shared.lane_scores(LANE)
    quick = rankings_without(shared, LANE, (scores["juror_id"] == "JR07").to_numpy())
    assert FAIR_COLUMNS == ["score_fair", "rank_fair"] and quick[FAIR_COLUMNS].isna().all().all()
    explorer = Explorer(demo, n_boot=100)
    explorer.set_view(method="fair")
    first = explorer.standings()
    assert explorer.method_note() == "" and first["score"].notna().all()
    explorer.exclude_juror("JR07")
    assert explorer.standings()["score"].isna().all() and "fitted again" in explorer.method_note()
    explorer.settle()
    now = explorer.standings()
    refit = rasch_table(explorer.current(), lanes=[LANE])
    refit = refit[refit["facet"] == "entry"].set_index("element")["fair_average"]
    np.testing.assert_allclose(now["score"], refit.loc[now["entry_id"]], rtol=0, atol=1e-9)
    assert now["rank"].tolist() == sorted(now["rank"].tolist())
    explorer.set_view(scope="conducting")
    note = explorer.method_note()
    assert explorer.standings()["score"].isna().all() and "over every criterion at once" in note
    page = standings_html(explorer.standings(), demo.config.scale, method="fair", note=note)
    assert "Score (Rasch fair average)" in page and "over every criterion at once" in page
