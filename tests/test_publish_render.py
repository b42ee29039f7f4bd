"""The one renderer: one jinja2 environment (autoescape, strict), every page and table drawn by a
template, no markup put together in Python strings; every report section, the first page
included, for both audiences on the demo and on each example festival."""

from __future__ import annotations

import ast
import re
import shutil
from pathlib import Path

import jinja2
import pandas as pd
import pytest

import analytics
from analytics import load_festival
from analytics.load import rule_families
from analytics.present.feedback import juror_page
from analytics.gate.decisions import run_gate
from analytics.present.pseudonyms import identity_leaks
from analytics.present.sections import Report
from analytics.present.html import page
from analytics.present.render import ENVIRONMENT, render

from .conftest import DEMO

PACKAGE = Path(analytics.__file__).parent
TEMPLATES = PACKAGE / "templates"
EXAMPLES = ("one-score", "rounds", "wide-sheet")  # data/examples/broken cannot be loaded, by design
SECTIONS = ("heading", "first_page", "overview", "participation", "tools", "agreement", "jurors", "rasch", "winners",
            "decisions", "publication", "method")
HOSTILE = "<script>alert(1)</script>"
SHOWN = "&lt;script&gt;alert(1)&lt;/script&gt;"

#: markup that must not appear in a string literal of analytics/ (item 3 of issue 20)
#: (a tag's name ends at a space, ``>``, ``/`` or the end of an f-string's part: ``f"<td{attrs}>"``)
MARKUP = re.compile(r"<(?:table|thead|tbody|div|p|tr|td|th|span|h[1-6]|ul|ol|li|figure|figcaption|img|style|a|br|b|"
                    r"pre|strong|code|caption|footer|html|body|head|meta|title)(?=[\s>/]|$)|<!doctype", re.IGNORECASE)
#: literals that hold markup for another reason, each with the reason
NOT_MARKUP = {
    ("apps/report.py", "<style>.*?</style>"): "a regular expression that removes the style sheet before the identity check",
}


def markup_literals(source: str, name: str = "<source>") -> list[str]:
    """``name:line: literal`` for every string literal (f-string parts included) of ``source``
    holding markup, docstrings excepted."""
    tree = ast.parse(source)
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
                docstrings.add(id(first.value))
    found = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
                and MARKUP.search(node.value) and (name, node.value) not in NOT_MARKUP):
            found.append(f"{name}:{node.lineno}: {node.value[:60]!r}")
    return sorted(found)


def test_the_scan_finds_markup_in_literals_and_f_strings_but_not_in_docstrings():
    source = ('"""A module: <p>docstring</p>."""\n'
              'def f(x):\n'
              '    """<table> in a docstring."""\n'
              '    a = f"<td class=\'num\'>{x}</td>"\n'
              '    b = "x < y and <b>bold</b>"\n'
              '    c = f"<td{x}>" + "jury verify <this folder>" + "<thing>"\n'
              '    return "<tr>" + "a <= b"\n')
    assert markup_literals(source, "m.py") == ["m.py:4: \"<td class='num'>\"", "m.py:5: 'x < y and <b>bold</b>'",
                                               "m.py:6: '<td'", "m.py:7: '<tr>'"]


def test_no_markup_is_put_together_in_python_strings():
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        name = path.relative_to(PACKAGE).as_posix()
        found += markup_literals(path.read_text(encoding="utf-8"), name)
    assert found == [], "markup belongs in analytics/templates:\n" + "\n".join(found)


def test_one_environment_autoescapes_and_refuses_undefined_names():
    assert ENVIRONMENT.autoescape is True and ENVIRONMENT.undefined is jinja2.StrictUndefined
    with pytest.raises(jinja2.UndefinedError):
        render("sections/_paragraph.html.j2")
    calls = [f"{path.relative_to(PACKAGE)}:{node.lineno}" for path in PACKAGE.rglob("*.py")
             for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
             if isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) == "Environment"]
    assert [call.split(":")[0] for call in calls] == ["present/render.py"]  # the only one


def test_every_template_compiles_and_the_style_sheet_is_one_file_every_page_includes():
    # nbconvert/report is the notebook's body as nbconvert's exporter renders it (with nbconvert's
    # filters); the page around it is page.html.j2, rendered here
    names = ENVIRONMENT.list_templates(filter_func=lambda n: n.endswith(".j2") and not n.startswith("nbconvert/"))
    for name in names:
        ENVIRONMENT.get_template(name)
    expected = {"page.html.j2", "feedback.html.j2", "_macros.html.j2", "explorer/standings.html.j2",
                *(f"sections/{s}.html.j2" for s in SECTIONS if s != "method"), "sections/method.html.j2"}
    assert expected <= set(names)
    css = (TEMPLATES / "report.css").read_text(encoding="utf-8")
    assert not re.search(r"\{[{%#]", css)  # plain CSS: jinja2 includes it as it is
    including = sorted(p.relative_to(TEMPLATES).as_posix() for p in TEMPLATES.rglob("*.j2")
                       if '{% include "report.css" %}' in p.read_text(encoding="utf-8"))
    assert including == ["explorer/_frame.html.j2", "feedback.html.j2", "page.html.j2"]
    assert sorted(p.name for p in TEMPLATES.rglob("*.css")) == ["report.css"]
    assert not list(PACKAGE.rglob("*.j2")) or all(p.is_relative_to(TEMPLATES) for p in PACKAGE.rglob("*.j2"))


def test_the_page_carries_the_style_sheet_once_and_the_title_only_as_text():
    html = page("<p>x</p>", title=HOSTILE, draft=True, confidential=False)
    assert html.count("<style>") == 1 and "<script" not in html and f"<title>{SHOWN}</title>" in html
    assert ".jury td.num" in html and "@bottom-left" in html


# -- every section on every festival, with hostile titles -------------------------------------


def hostile_copy(folder: Path, tmp: Path) -> Path:
    """A copy of ``folder`` whose entry titles all begin with a script tag."""
    copy = shutil.copytree(folder, tmp / folder.name)
    entries = pd.read_csv(copy / "entries.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    entries["title"] = HOSTILE + " " + entries["title"]
    entries.to_csv(copy / "entries.csv", index=False, encoding="utf-8")
    return copy


@pytest.fixture(scope="module", params=["demo", *EXAMPLES])
def rendered(request, tmp_path_factory):
    folder = DEMO if request.param == "demo" else DEMO.parent / "examples" / request.param
    festival = load_festival(hostile_copy(folder, tmp_path_factory.mktemp(request.param)))
    gate = run_gate(festival)
    sections = {audience: {name: getattr(Report(gate, audience), name)() for name in SECTIONS}
                for audience in ("public", "chair")}
    return festival, gate, sections


def test_every_section_renders_for_both_audiences_with_titles_as_text(rendered):
    festival, _, sections = rendered
    for audience, shown in sections.items():
        for name, section in shown.items():
            html = section._repr_html_()
            assert "<script" not in html, (audience, name)
            assert section.left_out or html.startswith('<div class="jury jury-section">'), (audience, name)
        assert SHOWN in shown["winners"].html and SHOWN in shown["first_page"].html, audience
    leaks = {name: identity_leaks(s.html, festival) for name, s in sections["public"].items()}
    assert {name: found for name, found in leaks.items() if found} == {}
    assert identity_leaks(sections["chair"]["first_page"].html, festival) == []  # the first page names no juror


def test_the_first_page_names_each_winner_with_its_robustness(rendered):
    festival, gate, sections = rendered
    first_page = sections["public"]["first_page"].html
    config = festival.config
    rankings = gate.after["rankings"]
    final = rankings[rankings["round"] == config.round_ids[-1]]
    for lane in config.lanes:
        rows = final[final["lane"] == lane.id].sort_values(["rank", "entry_id"])
        first = rows.iloc[0]
        winner = re.search(rf"<strong>{re.escape(lane.honour or lane.name)}</strong>: .*? \({first['entry_id']}\), "
                           rf"official score {first['score']:.2f}\. (.*?)</p>", first_page)
        assert winner, lane.id
        sentence = winner.group(1)
        # the same facts the standings and the flags use
        tie = len(rows) >= 2 and first["gap_low"] <= 0 <= first["gap_high"]
        if tie:
            assert sentence.startswith("Too close to call") and f"{first['gap_next']:.2f} points" in sentence
        elif first["loo_rank_worst"] == 1 and first["p_first"] >= config.checks.p_first_min:
            assert sentence.startswith("A robust result: it stays first whichever juror is left out")
        else:
            assert sentence.startswith("A fragile result")
        assert f"first in {first['p_first']:.0%} of resampled juries" in sentence
    assert f"<strong>{len(festival.entries)}</strong> entries" in first_page
    assert f"<strong>{len(festival.scores):,}</strong> scores" in first_page
    blockers = len(gate.open_blockers)
    assert (f"Not publishable: {blockers} blocker" in first_page) == bool(blockers)


@pytest.mark.parametrize("rendered", ["demo"], indirect=True)
def test_the_first_page_of_the_demo(rendered):
    _, _, sections = rendered
    first_page = sections["public"]["first_page"].html
    # data/demo/planted.json: GC-06 and GC-19 are the planted near-tie; the other lanes have clear winners
    assert "(GC-06), official score 8.30. Too close to call" in first_page
    assert first_page.count("A robust result") == 3
    # the AI headline: GC-21 below the band and GC-14 near the line (data/demo/planted.json)
    assert "1 entry within 3 points above the lane&#39;s 51% minimum and 1 below it" in first_page
    assert "<strong>15</strong> countries" in first_page and "Not publishable: 9 blockers" in first_page


def test_the_ai_headline_only_where_the_festival_configures_ai_shares(rendered):
    festival, _, sections = rendered
    configured = bool(rule_families.names(festival.config) & {"ai_share_band", "disclosure"})
    assert ("<h3>AI participation</h3>" in sections["public"]["first_page"].html) == configured


def test_feedback_pages_share_the_style_sheet_and_escape_names(rendered):
    festival, gate, _ = rendered
    juror = festival.scores["juror_id"].iloc[0]
    html = juror_page(gate, juror, written="2026-01-01")
    assert html.startswith("<!DOCTYPE html>") and '<body class="jury feedback">' in html and ".jury td.num" in html
    assert "<script" not in html
