"""Feedback to jurors: one confidential page per juror, naming no other juror."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from analytics import load_festival
from analytics.apps.cli import main
from analytics.present.feedback import juror_page, write_feedback
from analytics.gate.decisions import run_gate

from .conftest import DEMO, REPO

FOLDERS = [DEMO, REPO / "data" / "examples" / "one-score", REPO / "data" / "examples" / "rounds"]


def _mentions(text: str, token: str) -> bool:
    """Whether ``token`` (a juror's id or name) appears in ``text`` as a whole word, or in an HTML-escaped form
    (the standard library's or markupsafe's, which jinja2 uses)."""
    import html

    from markupsafe import escape

    forms = {token, html.escape(token, quote=True), str(escape(token))}
    return any(re.search(rf"(?<!\w){re.escape(t)}(?!\w)", text) for t in forms)


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: p.name)
def test_every_page_names_its_juror_and_no_other(folder, tmp_path):
    festival = load_festival(folder)
    pages = write_feedback(festival, tmp_path / "feedback")
    jurors = festival.jurors.set_index("juror_id")
    scored = set(festival.scores["juror_id"])
    if festival.has_assessments:  # an assessor of AI participation reads their own page too (design section 17)
        scored |= set(festival.assessments["assessor_id"])
    assert {p.stem for p in pages} == scored
    for page in pages:
        text = page.read_text(encoding="utf-8")
        me = page.stem
        assert _mentions(text, me) and _mentions(text, str(jurors.loc[me, "name"]))
        for other, row in jurors.drop(index=me).iterrows():
            assert not _mentions(text, other), f"{page.name} names juror id {other}"
            assert not _mentions(text, str(row["name"])), f"{page.name} names juror {row['name']}"
        assert "<script" not in text and "http://" not in text and "https://" not in text  # self-contained
        assert "CONFIDENTIAL" in text


def test_the_demos_affiliated_juror_reads_their_preference_and_the_others_read_none():
    gate = run_gate(load_festival(DEMO))
    mine = juror_page(gate, "JR08", written="2026-12-03")
    assert "Entries that share your country (South Korea)" in mine
    assert "beyond what chance explains: the chair has been asked to look at it with you" in mine
    other = juror_page(gate, "JR02", written="2026-12-03")
    assert "No preference beyond what chance explains" in other or "Entries that share your country" not in other
    lenient = juror_page(gate, "JR04", written="2026-12-03")
    assert "more lenient than the panel" in lenient


def test_a_hostile_name_is_shown_as_text(tmp_path):
    folder = Path(shutil.copytree(DEMO, tmp_path / "demo"))
    jurors = pd.read_csv(folder / "jurors.csv", dtype=str, keep_default_na=False)
    jurors.loc[jurors["juror_id"] == "JR01", "name"] = '<img src=x onerror="alert(1)">'
    jurors.to_csv(folder / "jurors.csv", index=False)
    page = juror_page(run_gate(load_festival(folder)), "JR01", written="2026-12-03")
    assert "<img" not in page and "&lt;img src=x" in page


def test_jury_feedback_writes_the_pages_and_refuses_bad_input(tmp_path, capsys):
    out = tmp_path / "pages"
    assert main(["feedback", str(REPO / "data" / "examples" / "one-score"), "--out", str(out), "--quiet"]) == 0
    assert len(list(out.glob("*.html"))) == 11
    assert "11 confidential feedback pages" in capsys.readouterr().out
    assert main(["feedback", str(REPO / "data" / "examples" / "broken"), "--out", str(tmp_path / "x"), "--quiet"]) == 2
    assert not (tmp_path / "x").exists()
