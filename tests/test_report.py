"""`jury report`: the output folder, safe to hand out, self-contained, reproducible, atomic.

The demo's report is built twice per test run (conftest: ``draft_report`` with the planted
blockers open, ``final_report`` with data/examples/demo-decisions.csv); tests that need a
festival of their own run only notebook 20 (``notebooks_dir``) to stay quick. The export of
an executed notebook into a page is tested on notebooks made here, without a kernel.
"""

from __future__ import annotations

import html
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import openpyxl
import pandas as pd
import pytest
from markupsafe import escape
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

import analytics.apps.report as report_module
from analytics.apps.cli import main
from analytics.apps.report import (
    REPORT_NOTEBOOK,
    NotebookFailed,
    build_report,
    execute_notebooks,
    export_page,
    report_notebooks,
)
from analytics.gate.decisions import run_gate
from analytics.load.festival import load_festival
from analytics.present.html import CONFIDENTIAL_MARK, DRAFT_MARK, LEFT_OUT, Section
from analytics.present.manifest import sha256, verify

from .conftest import (
    DEMO,
    FORMULA_TITLE,
    IMG_TITLE,
    REPO,
    SCRIPT_TITLE,
    only_report_notebook,
    quick_build,
    replace,
)

pytestmark = pytest.mark.slow  # every test here executes notebooks or builds a report

JURORS = pd.read_csv(DEMO / "jurors.csv", dtype=str)
PUBLIC_TEXT_FILES = ("report.html",)



# -- helpers ---------------------------------------------------------------------------

def identity_hits(text: str) -> list[str]:
    """Juror ids (as words) and juror names (anywhere) of the demo found in ``text``."""
    plain = html.unescape(text)
    hits = [j for j in JURORS["juror_id"] if re.search(rf"(?<![\w-]){re.escape(j)}(?![\w-])", plain)]
    return hits + [n for n in JURORS["name"] if n in plain]


def xlsx_text(path: Path) -> str:
    workbook = openpyxl.load_workbook(path)
    return "\n".join(str(cell.value) for sheet in workbook for row in sheet.iter_rows() for cell in row
                     if cell.value is not None)


def folder_hashes(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): sha256(p) for p in sorted(folder.rglob("*")) if p.is_file()}


class Tags(HTMLParser):
    """Every start tag with its attributes, and the text of <style> and <script> elements."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.styles: list[str] = []
        self.scripts: list[str] = []
        self._in = None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in = tag if tag in ("style", "script") else None
        if tag == "script":
            self.scripts.append("")

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in == "style":
            self.styles.append(data)
        elif self._in == "script":
            self.scripts[-1] += data


def parse(path: Path) -> Tags:
    parser = Tags()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def tagged(cell, *tags):
    cell.metadata["tags"] = list(tags)
    return cell


def with_cell(tmp_path: Path, cell, after: str) -> Path:
    """A notebooks folder holding notebook 20 with ``cell`` added after the cell whose source is ``after``."""
    folder = only_report_notebook(tmp_path)
    notebook = nbformat.read(folder / REPORT_NOTEBOOK, as_version=4)
    position = next(i for i, c in enumerate(notebook.cells) if c.source == after)
    notebook.cells.insert(position + 1, cell)
    nbformat.write(notebook, folder / REPORT_NOTEBOOK)
    return folder


# -- the export of an executed notebook into a page --------------------------------------

def test_the_page_keeps_the_narrative_and_what_cells_display_only():
    hidden = tagged(new_markdown_cell("# Notebook title"), "notebook-only")
    parameters = tagged(new_code_cell('festival_dir = "x"'), "parameters")
    injected = tagged(new_code_cell('festival_dir = "/secret/path"'), "injected-parameters")
    shown = new_code_cell("report.overview()", outputs=[
        new_output("stream", name="stderr", text="a warning\n"),
        new_output("execute_result", {"text/html": "<p>overview</p>", "text/plain": "<Section>"}, execution_count=2)])
    picture = new_code_cell("chart", outputs=[new_output("display_data", {"image/png": "iVBORw0KGgo=\n"})])
    text = new_code_cell("1 + 1", outputs=[new_output("execute_result", {"text/plain": "<b>2</b>"}, execution_count=3)])
    page = export_page(new_notebook(cells=[hidden, parameters, injected, new_markdown_cell("## Numbers\n\nText."),
                                           shown, picture, text]), title="Fest: report", draft=False, confidential=False)
    for absent in ("Notebook title", "festival_dir", "/secret/path", "a warning", "report.overview()", "&lt;Section&gt;",
                   "In&nbsp;[", "jp-", "<script", "<link"):
        assert absent not in page, absent
    assert page.index("<h2") < page.index("<p>Text.</p>") < page.index("<p>overview</p>")
    assert '<figure><img src="data:image/png;base64,iVBORw0KGgo=" alt="chart"></figure>' in page
    assert "<pre>&lt;b&gt;2&lt;/b&gt;</pre>" in page
    assert page.startswith("<!DOCTYPE html>") and "<title>Fest: report</title>" in page and "DRAFT" not in page


def test_the_page_wraps_the_cells_in_the_marks_the_style_and_the_footer():
    page = export_page(new_notebook(cells=[new_markdown_cell("Hello")]), title="Fest", draft=True, confidential=True,
                       footer="inputs <code>abc123</code>")
    assert (f'<body class="jury"><div class="mark confidential">{CONFIDENTIAL_MARK}</div><div class="mark">{DRAFT_MARK}</div>'
            in page)
    assert "@page { size: A4" in page and "<footer>inputs <code>abc123</code></footer></body></html>" in page


def test_a_left_out_section_leaves_the_page_with_its_heading():
    from IPython.core.formatters import DisplayFormatter

    data, metadata = DisplayFormatter().format(Section.omitted("Left out: no tools recorded."))
    assert metadata == {"text/html": {LEFT_OUT: "Left out: no tools recorded."}}  # what the kernel sends
    left_out = new_code_cell("report.tools()", outputs=[new_output("execute_result", data, metadata=metadata,
                                                                   execution_count=4)])
    kept = new_code_cell("report.agreement()", outputs=[
        new_output("execute_result", {"text/html": "<p>alpha</p>"}, execution_count=5)])
    page = export_page(new_notebook(cells=[new_markdown_cell("## Tools used\n\nWhich tools."), left_out,
                                           new_markdown_cell("## Agreement"), kept]),
                       title="Fest", draft=False, confidential=False)
    assert "Tools used" not in page and "Which tools" not in page and "no tools recorded" not in page
    assert 'id="Agreement"' in page and "<p>alpha</p>" in page  # the test can fail: the rest stays


def test_a_notebook_with_an_error_makes_no_page():
    failed = new_code_cell("1/0", outputs=[new_output("error", ename="ZeroDivisionError", evalue="division by zero",
                                                      traceback=[])])
    with pytest.raises(NotebookFailed, match="cell 2 of 20.ipynb failed: ZeroDivisionError: division by zero"):
        export_page(new_notebook(cells=[new_markdown_cell("x"), failed]), title="T", draft=False, confidential=False,
                    name="20.ipynb")


# -- notebooks -------------------------------------------------------------------------

def test_report_notebooks_are_the_numbered_analysis_notebooks():
    names = [p.name for p in report_notebooks()]
    assert names[0] == "01-load-and-validate.ipynb"
    assert "10-chair-explorer.ipynb" not in names and REPORT_NOTEBOOK not in names


def test_execute_notebooks_injects_the_folder_and_keeps_outputs(tmp_path):
    # one notebook is enough to test the runner (nbval executes all of them elsewhere in the suite)
    notebooks = tmp_path / "notebooks-in"
    notebooks.mkdir()
    shutil.copy(REPO / "notebooks" / "01-load-and-validate.ipynb", notebooks)
    written = execute_notebooks(DEMO, tmp_path / "out", notebooks_dir=notebooks)
    assert [p.name for p in written] == ["01-load-and-validate.ipynb"]
    assert written[0].parent == tmp_path / "out"
    nb = nbformat.read(written[0], as_version=4)
    injected = next(c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", []))
    assert str(DEMO) in injected.source
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert any("image/png" in o.get("data", {}) for o in outputs)  # the coverage chart, drawn offline


@pytest.mark.parametrize("lost", [RuntimeError("Kernel didn't respond in 120 seconds"),  # seen in CI, start-up
                                  TimeoutError("A cell timed out while it was being executed")])
def test_a_kernel_that_does_not_answer_is_started_once_more(tmp_path, monkeypatch, lost):
    import papermill

    calls = []

    def execute(source, executed, **kwargs):
        calls.append(source)
        if len(calls) == 1:
            raise lost
        Path(executed).write_text("{}", encoding="utf-8")

    monkeypatch.setattr(papermill, "execute_notebook", execute)
    notebook = REPO / "notebooks" / "01-load-and-validate.ipynb"
    done = report_module._execute(notebook, tmp_path / "out" / notebook.name, {}, REPO / "notebooks")
    assert done.exists() and len(calls) == 2
    assert "running it once more" in (tmp_path / "out" / report_module.KERNEL_LOG).read_text(encoding="utf-8")


def test_an_error_that_is_not_a_lost_kernel_is_raised_at_once(tmp_path, monkeypatch):
    import papermill

    calls = []

    def execute(source, executed, **kwargs):
        calls.append(source)
        raise ValueError("no such kernel spec: python3")

    monkeypatch.setattr(papermill, "execute_notebook", execute)
    notebook = REPO / "notebooks" / "01-load-and-validate.ipynb"
    with pytest.raises(ValueError, match="no such kernel"):
        report_module._execute(notebook, tmp_path / "out" / notebook.name, {}, REPO / "notebooks")
    assert len(calls) == 1


# -- the folder ------------------------------------------------------------------------

def test_the_folder_holds_both_reports_the_exports_and_the_manifest(draft_report: Path):
    files = {p.relative_to(draft_report).as_posix() for p in draft_report.rglob("*") if p.is_file()}
    for name in ("report.html", "chair.html", "manifest.json", "README.txt", "public/results.xlsx",
                 "confidential/results.xlsx", "confidential/notebooks/20-post-festival-report.public.ipynb",
                 "confidential/notebooks/20-post-festival-report.chair.ipynb"):
        assert name in files
    assert not [name for name in files if name.startswith("confidential/notebooks/0")]  # only with --appendix
    for table in ("rankings", "agreement", "eligibility", "jurors", "decisions", "flags_summary"):
        assert f"public/{table}.csv" in files
    for table in ("flags", "rankings", "agreement", "eligibility", "juror_severity"):
        assert f"confidential/{table}.csv" in files
    sheets = openpyxl.load_workbook(draft_report / "public" / "results.xlsx").sheetnames
    assert {"rankings", "agreement", "eligibility", "jurors"} <= set(sheets)
    assert verify(draft_report) == []  # the manifest covers every file


def test_the_public_numbers_are_the_gate_numbers(final_report: Path):
    festival = load_festival(DEMO)
    gate = run_gate(festival, REPO / "data" / "examples" / "demo-decisions.csv")
    rankings = pd.read_csv(final_report / "public" / "rankings.csv")
    expected = gate.after["rankings"].reset_index(drop=True)
    pd.testing.assert_series_equal(rankings["score"], expected["score"], check_names=False, rtol=1e-12)
    assert list(rankings["entry_id"]) == list(expected["entry_id"])
    winner = expected.iloc[0]
    text = (final_report / "report.html").read_text(encoding="utf-8")
    assert f"official score {winner['score']:.2f}" in text and f"{winner['p_first']:.0%} of resampled juries" in text


# -- safe to hand out ------------------------------------------------------------------

@pytest.mark.parametrize("which", ["draft_report", "final_report"])
def test_no_juror_name_or_id_in_any_public_file(which, request):
    folder = request.getfixturevalue(which)
    public = {"report.html": (folder / "report.html").read_text(encoding="utf-8")}
    # each chart's spec with its data (the page draws it; the PDF, printed from the page, has it drawn)
    specs = [a["data-spec"] for t, a in parse(folder / "report.html").tags if t == "figure" and "data-spec" in a]
    assert specs
    public |= {f"chart {i}": spec for i, spec in enumerate(specs, start=1)}
    public |= {f"public/{p.name}": p.read_text(encoding="utf-8") for p in (folder / "public").glob("*.csv")}
    public["public/results.xlsx"] = xlsx_text(folder / "public" / "results.xlsx")
    if (folder / "report.pdf").exists():
        import pypdfium2

        document = pypdfium2.PdfDocument(folder / "report.pdf")
        public["report.pdf"] = "\n".join(page.get_textpage().get_text_range() for page in document)
    leaks = {name: identity_hits(text) for name, text in public.items() if identity_hits(text)}
    assert leaks == {}
    # the test can fail: the confidential report does name them
    chair = (folder / "chair.html").read_text(encoding="utf-8")
    assert "JR04" in identity_hits(chair) and "周曉彤" in identity_hits(chair)
    assert re.search(r">J\d+<", public["report.html"])  # jurors appear as J1 … Jn instead


def test_public_juror_table_is_in_pseudonym_order_without_score_counts(final_report: Path):
    jurors = pd.read_csv(final_report / "public" / "jurors.csv")
    assert "juror_id" not in jurors.columns and not {"n_scores", "n_scores_all"} & set(jurors.columns)
    for _, rows in jurors.groupby(["lane", "scope"], sort=False):
        numbers = [int(j[1:]) for j in rows["juror"]]
        assert numbers == sorted(numbers)  # the order of the ids would tell who is who
    gc = jurors[(jurors["lane"] == "generative_cinema") & (jurors["scope"] == "weighted_total")]
    assert list(gc["juror"]) == [f"J{i}" for i in range(1, 10)]


def test_public_decisions_say_what_was_done_but_not_why_or_by_whom(final_report: Path):
    decisions = pd.read_csv(final_report / "public" / "decisions.csv")
    assert set(decisions["decision"]) == {"exclude_score", "disqualify_entry", "accept"}
    assert not {"reason", "decided_by", "flag_id", "juror_id"} & set(decisions.columns)
    report = (final_report / "report.html").read_text(encoding="utf-8")
    assert "co-producer" not in report and "recorded vote" not in report  # words of the reasons
    chair = (final_report / "chair.html").read_text(encoding="utf-8")
    assert "co-producer" in chair and "recorded vote of 6 to 3" in chair


@pytest.mark.parametrize("name", ["report.html", "chair.html"])
def test_html_is_self_contained(draft_report: Path, name: str):
    text = (draft_report / name).read_text("utf-8")
    parsed = parse(draft_report / name)
    tags = [tag for tag, _ in parsed.tags]
    assert not {"link", "iframe", "object", "embed", "base", "frame", "video", "audio", "source"} & set(tags)
    # two scripts, both inline: vega-embed as shipped in the package, and the lines that draw the charts
    assert tags.count("script") == 2 and not [a for t, a in parsed.tags if t == "script" and a]
    shipped = (REPO / "analytics" / "templates" / "vendor" / "vega-embed.js").read_text(encoding="utf-8")
    assert parsed.scripts[0] == shipped
    assert "vegaEmbed(" in parsed.scripts[1] and "http" not in parsed.scripts[1] and "fetch" not in parsed.scripts[1]
    for tag, attrs in parsed.tags:
        assert not [a for a in attrs if a.startswith("on")], (tag, attrs)
        for attribute in ("src", "srcset", "data", "poster", "background"):
            if attribute in attrs:
                assert attrs[attribute].startswith("data:"), (tag, attrs[attribute][:60])
        if "href" in attrs:
            assert attrs["href"].startswith("#"), attrs["href"]
        assert "url(" not in attrs.get("style", "")
    markup = re.sub(r"<script>.*?</script>", "", text, flags=re.S)
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", markup)
    css = "".join(parsed.styles)
    assert "@import" not in css and "url(" not in css and "@font-face" not in css
    # every chart is drawn by the page from a spec that carries its data: nothing for the page to load
    specs = [json.loads(a["data-spec"]) for t, a in parsed.tags if t == "figure" and "data-spec" in a]
    assert len(specs) >= 12  # AI share, dimensions, tools, agreement, 4 severity, 4 standings
    for spec in specs:
        assert "url" not in json.dumps(spec.get("data", {})) and spec["datasets"], spec.get("data")


def test_draft_marks_when_blockers_are_open(draft_report: Path, final_report: Path):
    draft = (draft_report / "report.html").read_text(encoding="utf-8")
    assert f'<div class="mark">{DRAFT_MARK}</div>' in draft  # the banner on screen
    assert "@top-center" in draft and "DRAFT" in draft.split("@top-center")[1][:200]  # every printed page
    final = (final_report / "report.html").read_text(encoding="utf-8")
    assert "DRAFT" not in final and "Publishable" in final
    chair = (final_report / "chair.html").read_text(encoding="utf-8")
    assert f'<div class="mark confidential">{CONFIDENTIAL_MARK}</div>' in chair and "DRAFT" not in chair


def test_hostile_titles_and_reasons_are_shown_as_text(hostile_report: Path):
    for name in ("report.html", "chair.html"):
        text = (hostile_report / name).read_text(encoding="utf-8")
        parsed = parse(hostile_report / name)
        # the page's own two scripts only (vega-embed and the lines that draw the charts), with no title in them
        assert [t for t, _ in parsed.tags].count("script") == 2 and "alert(" not in "".join(parsed.scripts)
        assert not [a for _, a in parsed.tags if "onerror" in a]
        assert str(escape(SCRIPT_TITLE)) in text and str(escape(IMG_TITLE)) in text  # as jinja2 escapes (markupsafe)
    assert str(escape("<script>alert('reason')</script>")) in (hostile_report / "chair.html").read_text("utf-8")


def test_score_comments_never_reach_the_outputs(hostile_report: Path):
    for path in hostile_report.rglob("*"):
        if path.suffix in (".html", ".csv"):
            assert "alert('comment')" not in html.unescape(path.read_text(encoding="utf-8")), path.name


def test_hostile_titles_are_neutralised_in_csv_and_xlsx(hostile_report: Path):
    for folder in ("public", "confidential"):
        rankings = pd.read_csv(hostile_report / folder / "rankings.csv", dtype=str)
        titles = set(rankings["title"])
        assert "'" + FORMULA_TITLE in titles and FORMULA_TITLE not in titles
        assert SCRIPT_TITLE in titles  # text stays text in a table: escaping is the HTML's job
        sheet = openpyxl.load_workbook(hostile_report / folder / "results.xlsx")["rankings"]
        cells = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, str) and "HYPERLINK" in c.value]
        assert cells and all(c.value == "'" + FORMULA_TITLE and c.data_type == "s" for c in cells)


# -- notebook 20 is the report -----------------------------------------------------------

def test_a_markdown_cell_added_to_notebook_20_appears_in_both_pages(tmp_path: Path):
    note = new_markdown_cell("## A note from the organisers\n\nThank you, Kowloon.")
    notebooks = with_cell(tmp_path, note, after="report.winners()")
    build_report(DEMO, tmp_path / "out", run_gate(load_festival(DEMO)), notebooks_dir=notebooks, pdf=False)
    for name in ("report.html", "chair.html"):
        text = (tmp_path / "out" / name).read_text(encoding="utf-8")
        assert '<h2 id="A-note-from-the-organisers">A note from the organisers' in text and "Thank you, Kowloon." in text
        assert text.index("Thank you, Kowloon.") < text.index('id="Decisions-of-the-chair"')  # where it was added
        assert "report.winners()" not in text and "Post-festival report: what can we tell" not in text  # no code, no notes


def test_a_failing_cell_of_notebook_20_writes_no_report(tmp_path: Path, monkeypatch, capsys):
    notebooks = with_cell(tmp_path, new_code_cell("1 / 0"), after="report.heading()")
    out = tmp_path / "out"
    with pytest.raises(NotebookFailed, match=r"cell \d+ of 20-post-festival-report\.(public|chair)\.ipynb failed: "
                                             "ZeroDivisionError: division by zero"):
        build_report(DEMO, out, run_gate(load_festival(DEMO)), notebooks_dir=notebooks, pdf=False)
    assert not out.exists()
    monkeypatch.setattr(report_module, "NOTEBOOKS_DIR", notebooks)
    assert main(["report", str(DEMO), "--out", str(out), "--no-pdf", "--draft", "--quiet"]) == 3
    assert "a notebook failed, so no report was written" in capsys.readouterr().err and not out.exists()


def test_the_appendix_executes_the_analysis_notebooks_into_the_confidential_folder(tmp_path: Path):
    notebooks = only_report_notebook(tmp_path)
    shutil.copy(REPO / "notebooks" / "01-load-and-validate.ipynb", notebooks)
    build_report(DEMO, tmp_path / "out", run_gate(load_festival(DEMO)), notebooks_dir=notebooks, pdf=False, appendix=True)
    executed = nbformat.read(tmp_path / "out" / "confidential" / "notebooks" / "01-load-and-validate.ipynb", as_version=4)
    assert [c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert not [o for c in executed.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert verify(tmp_path / "out") == []  # in the manifest like every output


# -- reproducible, verifiable, atomic ---------------------------------------------------

def test_two_runs_give_identical_reports_and_exports_and_leave_the_inputs_alone(draft_report: Path, tmp_path: Path):
    inputs = folder_hashes(DEMO)
    again = tmp_path / "again"
    quick_build(DEMO, again, tmp_path)
    assert folder_hashes(DEMO) == inputs
    for name in ("report.html", "chair.html", "public/results.xlsx", "confidential/results.xlsx",
                 *[f"public/{p.name}" for p in (draft_report / "public").glob("*.csv")],
                 *[f"confidential/{p.name}" for p in (draft_report / "confidential").glob("*.csv")]):
        assert (again / name).read_bytes() == (draft_report / name).read_bytes(), name


def test_verify_detects_a_changed_input_and_a_changed_output(hostile_report: Path, tmp_path: Path):
    out = Path(shutil.copytree(hostile_report, tmp_path / "copy"))
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    festival = Path(shutil.copytree(manifest["festival_dir"], tmp_path / "festival"))
    manifest["festival_dir"] = str(festival)  # the copy, so the shared fixture stays as it was
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert verify(out) == []
    replace(festival / "scores.csv", "DB-11,JR24,orchestration,8,", "DB-11,JR24,orchestration,9,")
    (out / "public" / "rankings.csv").write_text("changed", encoding="utf-8")
    assert verify(out) == ["input scores.csv: changed since the manifest (SHA-256 differs)",
                           "output public/rankings.csv: changed since the manifest (SHA-256 differs)"]
    assert main(["verify", str(out)]) == 1


def test_verify_detects_a_changed_decisions_file(hostile_report: Path, tmp_path: Path):
    out = Path(shutil.copytree(hostile_report, tmp_path / "copy"))
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    decisions = tmp_path / "decisions.csv"
    shutil.copy(manifest["decisions_file"]["path"], decisions)
    manifest["decisions_file"]["path"] = str(decisions)
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert verify(out) == []
    replace(decisions, "exclude_score", "accept")
    assert verify(out) == [f"decisions file {decisions}: changed since the manifest (SHA-256 differs)"]


@pytest.mark.parametrize("where", ["festival", "inside", "holds", "foreign"])
def test_an_output_folder_that_is_not_a_reports_own_is_refused(tmp_path: Path, where: str):
    festival = Path(shutil.copytree(DEMO, tmp_path / "festival"))
    out = {"festival": festival, "inside": festival / "build", "holds": tmp_path, "foreign": tmp_path / "notes"}[where]
    if where == "foreign":
        out.mkdir()
        (out / "minutes.txt").write_text("the jury's own notes", encoding="utf-8")
    inputs = folder_hashes(festival)
    with pytest.raises(report_module.UnsafeOut, match="choose"):
        build_report(festival, out, run_gate(load_festival(festival)), pdf=False)
    assert folder_hashes(festival) == inputs
    if where == "foreign":
        assert (out / "minutes.txt").read_text(encoding="utf-8") == "the jury's own notes"


def test_a_failed_run_leaves_the_previous_report_untouched(draft_report: Path, tmp_path: Path, monkeypatch):
    out = Path(shutil.copytree(draft_report, tmp_path / "demo"))
    before = folder_hashes(out)

    def broken(*args, **kwargs):
        raise RuntimeError("the printer caught fire")

    monkeypatch.setattr(report_module, "print_pdf", broken)
    with pytest.raises(RuntimeError, match="caught fire"):
        quick_build(DEMO, out, tmp_path, pdf=True)
    assert folder_hashes(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo", "notebooks-20"]  # no staging folder left


def test_a_report_that_would_name_a_juror_is_refused(tmp_path: Path):
    folder = Path(shutil.copytree(DEMO, tmp_path / "leaky"))
    # a juror whose name is also a film's title: the public report would print it
    replace(folder / "jurors.csv", "Priya Duval", "Checkpoint Seven")
    out = tmp_path / "out"
    with pytest.raises(report_module.IdentityLeak, match="report.html: juror name 'Checkpoint Seven'"):
        quick_build(folder, out, tmp_path)
    assert not out.exists()


# -- the command -----------------------------------------------------------------------

def test_jury_report_exits_1_on_a_draft_unless_draft_is_given(tmp_path: Path, monkeypatch, capsys):
    monkeypatch.setattr(report_module, "NOTEBOOKS_DIR", only_report_notebook(tmp_path))
    assert main(["report", str(DEMO), "--out", str(tmp_path / "a"), "--no-pdf"]) == 1
    out = capsys.readouterr().out
    assert "DRAFT — NOT FOR PUBLICATION: 9 blocker(s) open" in out and "pass --draft" in out
    assert (tmp_path / "a" / "report.html").exists()  # written, and marked
    decisions = REPO / "data" / "examples" / "demo-decisions.csv"
    assert main(["report", str(DEMO), "--out", str(tmp_path / "b"), "--no-pdf", "--decisions", str(decisions)]) == 0
    assert "DRAFT" not in capsys.readouterr().out


def test_a_report_can_be_built_where_an_event_loop_runs(tmp_path: Path):
    # as in a notebook, or under Playwright's synchronous API: the kernels then run in a thread of their own
    import asyncio

    async def inside_a_loop():
        return quick_build(DEMO, tmp_path / "out", tmp_path)

    assert asyncio.run(inside_a_loop()).out == tmp_path / "out"
    assert load_festival(DEMO).config.name in (tmp_path / "out" / "report.html").read_text(encoding="utf-8")


def test_pages_made_in_forked_processes_are_the_pages_made_here(tmp_path: Path, monkeypatch):
    """``make_pages`` forks a process per page (sharing this one's imports and gate) where it can,
    and runs the two executions here one after the other with ``JURY_JOBS=1``: the same pages."""
    gate = run_gate(load_festival(DEMO))
    made = {}
    for jobs in ("1", "2"):
        monkeypatch.setenv("JURY_JOBS", jobs)
        assert report_module.forking() == (jobs == "2")
        staging = tmp_path / f"jobs-{jobs}"
        calls = []
        pages = report_module.make_pages(gate, DEMO, staging, meanwhile=lambda: calls.append("tables"))
        assert calls == ["tables"] and set(pages) == {"public", "chair"}
        made[jobs] = {p.relative_to(staging).as_posix(): p.read_bytes() for p in staging.rglob("*") if p.is_file()}
    assert sorted(made["1"]) == ["chair.html", "confidential/notebooks/20-post-festival-report.chair.ipynb",
                                 "confidential/notebooks/20-post-festival-report.public.ipynb", "report.html"]
    assert made["1"] == made["2"]


def test_the_gate_is_run_again_when_an_input_changes(tmp_path: Path):
    """A report built where a gate is remembered uses it only for exactly the same input files."""
    from analytics.present.sections import Report

    folder = Path(shutil.copytree(DEMO, tmp_path / "demo"))
    gate = run_gate(load_festival(folder))
    Report.remember(gate, folder)
    assert Report.build(folder).gate is gate
    replace(folder / "entries.csv", "Checkpoint Seven", "Checkpoint Eight")
    rebuilt = Report.build(folder)
    assert rebuilt.gate is not gate and "Checkpoint Eight" in set(rebuilt.festival.entries["title"])
