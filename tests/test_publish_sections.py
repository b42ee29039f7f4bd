"""The report's sections for the two audiences (the demo with its example decisions)."""

from __future__ import annotations

import re

import pytest

from analytics import load_festival
from analytics.gate.decisions import run_gate
from analytics.present.sections import Report
from analytics.present.pseudonyms import identity_leaks
from analytics.present.sections import input_fingerprint

from .conftest import DEMO, DEMO_DECISIONS

SECTIONS = ("heading", "overview", "participation", "tools", "agreement", "jurors", "rasch", "winners", "decisions",
            "publication", "method")


@pytest.fixture(scope="module")
def gate():
    return run_gate(load_festival(DEMO), DEMO_DECISIONS)


@pytest.fixture(scope="module")
def public(gate):
    return Report(gate, "public", "0123456789abcdef")


@pytest.fixture(scope="module")
def chair(gate):
    return Report(gate, "chair")


@pytest.fixture(scope="module")
def public_html(public):
    return {name: getattr(public, name)().html for name in SECTIONS}


def test_an_unknown_audience_is_refused(gate):
    with pytest.raises(ValueError, match="audience must be one of \\('public', 'chair'\\); got 'press'"):
        Report(gate, "press")


def test_no_public_section_names_a_juror(public, public_html):
    leaks = {name: identity_leaks(text, public.festival) for name, text in public_html.items()}
    assert {name: found for name, found in leaks.items() if found} == {}
    assert identity_leaks(public.footer(), public.festival) == []


def test_public_jurors_are_pseudonyms_and_the_chair_sees_names(public_html, chair):
    rows = re.findall(r"<td class=\"nowrap\">(J\d+)</td>", public_html["jurors"])
    assert sorted(set(rows), key=lambda p: int(p[1:])) == [f"J{i}" for i in range(1, 25)]
    assert "JR01 · Priya Duval" in chair.jurors().html


def test_heading_says_publishable_synthetic_and_for_whom(public_html, chair):
    heading = public_html["heading"]
    assert "Publishable" in heading and "Synthetic data" in heading and "Post-festival report" in heading
    assert "Chair report: confidential" in chair.heading().html


def test_winners_are_the_official_first_places_with_their_robustness(gate, public_html):
    rankings = gate.after["rankings"]
    for lane in gate.before.festival.config.lanes:
        first = rankings[rankings["lane"] == lane.id].iloc[0]
        assert f"({first['entry_id']}), official score {first['score']:.2f}" in public_html["winners"]
        assert f"first in {first['p_first']:.0%} of resampled juries" in public_html["winners"]


def test_participation_counts_the_entry_below_the_band(public_html):
    row = re.search(r"<tr><td[^>]*>Generative Cinema</td><td[^>]*>51%\+</td>(.*?)</tr>", public_html["participation"])
    cells = re.findall(r">([^<]*)</td>", row.group(1))
    assert cells[2:5] == ["1", "1", "1"]  # GC-21 below the band, GC-14 near the line, GC-08's disclosure


def test_public_juror_statistics_hold_no_score_counts(public_html, chair):
    assert "<th>Scores</th>" not in public_html["jurors"] and "<th>Scores</th>" in chair.jurors().html


def test_no_decision_yet_is_said_as_such():
    draft = Report(run_gate(load_festival(DEMO)), "public")
    assert "has not recorded any decision yet" in draft.decisions().html


def test_public_decisions_say_what_not_who_or_why(public_html, chair):
    decisions = public_html["decisions"]
    assert "one juror&#39;s score for GC-11" in decisions and "entry taken out of competition" in decisions
    assert "co-producer" not in decisions and "jury chair (synthetic)" not in decisions
    full = chair.decisions().html
    assert "juror JR02 · 周曉彤&#39;s score for GC-11" in full and "co-producer" in full


def test_public_gate_counts_flags_the_chair_reads_them(public_html, chair, gate):
    assert "declared a conflict" not in public_html["publication"]
    chair_html = chair.publication().html
    assert all(flag_id in chair_html for flag_id in gate.flags["flag_id"])


def test_method_notes_cite_their_sources_and_the_festivals_settings(public_html, gate):
    notes = public_html["method"]
    for source in ("Krippendorff 2011", "Shrout &amp; Fleiss 1979", "Iglewicz &amp; Hoaglin 1993", "Holm 1979",
                   "Koo &amp; Li 2016", "Efron &amp; Tibshirani 1993"):
        assert source in notes
    checks = gate.before.festival.config.checks
    assert f"seed {checks.seed}" in notes and f"{checks.bootstrap_resamples:,} times" in notes


def test_charts_are_inline_images(public_html):
    for name in ("participation", "tools", "agreement", "jurors", "winners"):
        assert 'src="data:image/svg+xml;base64,' in public_html[name]


def test_the_fingerprint_changes_with_any_input(tmp_path):
    import shutil

    folder = shutil.copytree(DEMO, tmp_path / "demo")
    before = input_fingerprint(folder)
    assert before == input_fingerprint(DEMO) and len(before) == 16
    (folder / "jurors.csv").write_text((folder / "jurors.csv").read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert input_fingerprint(folder) != before
