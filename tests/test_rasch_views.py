"""The Rasch model (design section 16) where people read it: the explorer's juror panel, each juror's feedback
page and the rankings' alternatives (the fair average).

Every number shown is checked against ``rasch.csv`` (and ``rasch_unexpected.csv``) of the same run, the one fit
that :mod:`analytics.checks.rasch` makes; festivals without ``[rasch]`` show none of it and their ``rankings.csv``
is the same as before, byte for byte.
"""

from __future__ import annotations

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
from analytics.present.explorer_tables import jurors_html, standings_html
from analytics.present.feedback import juror_page

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
