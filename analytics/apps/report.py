"""``jury report``: the output folder of a festival, written in place file by file, each file atomically.

The folder (default ``build/<festival>/``)::

    report.html        public report, self-contained (jurors pseudonymised)
    report.pdf         the same, printed (A4) for partners who want paper
    public/            public tables: <table>.csv and results.xlsx
    chair.html         confidential report: juror names, every flag and decision
    confidential/      the chair's tables (as `jury check --out`), results.xlsx,
                       and notebooks/ (notebook 20 as executed for each page; with
                       ``--appendix``, every analysis notebook executed on the festival too)
    manifest.json      SHA-256 of every input and output, versions, seed, gate, time
    README.txt         which file may be handed out

The two pages are notebook 20, executed once per audience and exported by nbconvert's
``HTMLExporter`` with the template ``report`` shipped in ``analytics/templates/nbconvert/``:
the notebook's markdown and what its cells display, in a page of our own (no code, no
prompts). Its cells build the report from the festival folder and the decisions file, exactly
as in JupyterLab, but run in IPython in processes forked from this one once the gate is known
(:func:`make_pages`), not in kernels that would import everything and run the gate again. The
charts are drawn by the page in the reader's browser, from their Vega-Lite specs, with the
vega-embed script the page carries (nothing is loaded from the network).

Everything is built in a hidden work folder inside ``out`` (``.jury-work.<random>``), then put
in place file by file, each by one rename (:class:`~analytics.present.exports.OutFolder`): a
failed build leaves the previous report untouched, every file is either the old one or the new
one, and the files of the previous report this one does not have (``report.pdf`` after a run
with ``--no-pdf``, the appendix's notebooks) are removed. Nothing else in ``out`` is touched (a
chair's notes there stay), and ``out`` itself is not replaced; manifest.json is written last
(see :mod:`analytics.present.exports` for what a failure while the files are put in place
leaves). An ``out`` that is (or holds, or sits in) the festival folder, or that holds files but
no earlier report, is refused. Before anything is put in place, every public file (with the
spec or text of each chart and the cells of the workbook) is searched for juror ids and names
(:func:`~analytics.present.pseudonyms.identity_leaks`); one found stops the run.
"""

from __future__ import annotations

import base64
import html
import os
import re
import sys
from concurrent.futures import ProcessPoolExecutor, as_completed
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from multiprocessing import get_context
from pathlib import Path

import nbformat
import openpyxl
import pandas as pd
from nbconvert import HTMLExporter, TemplateExporter
from nbformat import NotebookNode
from traitlets.config import Config

from analytics.present.exports import OutFolder, replace_file, write_csvs, written_before, xlsx_bytes
from analytics.gate.decisions import GateResult
from analytics.present.manifest import MANIFEST, build_manifest
from analytics.base.processes import forking, workers
from analytics.base.progress import Progress
from analytics.present.html import LEFT_OUT, page
from analytics.present.pdf import PdfUnavailable, print_pdf
from analytics.present.pseudonyms import identity_leaks, leak_searcher
from analytics.present.sections import Report
from analytics.present.tables import chair_tables, public_tables


def shipped_notebooks() -> Path:
    """The workbench's notebooks: the package ``analytics.notebooks``, which pyproject.toml maps
    onto the repository's ``notebooks/`` (so an editable install and the wheel both have it).
    A source checkout imported without being installed (``PYTHONPATH=.``) has no such package;
    its notebooks are the repository's ``notebooks/`` beside ``analytics/``."""
    try:
        return Path(str(resources.files("analytics.notebooks")))
    except ModuleNotFoundError:
        return Path(str(resources.files("analytics"))).parent / "notebooks"


NOTEBOOKS_DIR = shipped_notebooks()
#: notebooks that need a person at the controls, not run in a batch
INTERACTIVE = ("10-chair-explorer.ipynb",)
#: the report's narrative: run once per audience and exported into report.html and chair.html
REPORT_NOTEBOOK = "20-post-festival-report.ipynb"
PAGES = {"public": "report.html", "chair": "chair.html"}
KERNEL_LOG = "kernel-messages.log"  # beside the executed notebooks
_SVG_IMAGE = re.compile(r"data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)")
_CHART_SPEC = re.compile(r'data-spec="([^"]*)"')  # a chart the page draws (its spec, HTML-escaped)
#: cells that stay out of the pages: the notebook's own notes and papermill's parameter cells
HIDDEN_TAGS = ("notebook-only", "parameters", "injected-parameters")
#: what a code cell may contribute to a page, in order of preference
SHOWN_TYPES = ["text/html", "image/svg+xml", "image/png", "text/plain"]
README = """\
This folder was written by `jury report`.

SAFE TO HAND OUT (jurors pseudonymised as J1 ... Jn; no juror name or id, no reasons):
  report.html   the post-festival report (one self-contained file; opens offline)
  report.pdf    the same, printed
  public/       its tables as CSV and results.xlsx

CONFIDENTIAL (jury room only: juror names, every flag, every decision and its reason):
  chair.html
  confidential/ the chair's tables and the executed notebooks (notebook 20 for each page;
                with `jury report --appendix`, every analysis notebook too)

manifest.json records the SHA-256 of every input and output; `jury verify <this folder>`
checks that nothing changed since.
"""


class IdentityLeak(RuntimeError):
    """A public file would name a juror."""


class NotebookFailed(RuntimeError):
    """A cell of an executed notebook failed: a report is never made from it."""


class UnsafeOut(ValueError):
    """The output folder is one ``jury report`` must not replace."""


def check_out(festival_dir: Path, out: Path) -> None:
    """Refuse an output folder that is, holds or sits inside the festival folder, or that
    holds files but no earlier report (its ``manifest.json``): the run writes a dozen files
    and folders into it."""
    festival, target = Path(festival_dir).resolve(), Path(out).resolve()
    if target == festival or festival.is_relative_to(target) or target.is_relative_to(festival):
        raise UnsafeOut(f"the output folder {out} is, holds or sits inside the festival folder {festival_dir}; "
                        "choose another --out (the default is build/<festival folder name>)")
    if target.is_dir() and any(target.iterdir()) and not (target / MANIFEST).is_file():
        raise UnsafeOut(f"the output folder {out} holds files but no earlier report ({MANIFEST}); a report writes "
                        "report.html, public/, confidential/ and more into it, so choose an empty or new --out")


@dataclass(frozen=True)
class ReportOutcome:
    out: Path
    draft: bool
    pdf_problem: str | None  # why report.pdf is missing, or None


def report_notebooks(notebooks_dir: Path | None = None) -> list[Path]:
    """The analysis notebooks a report executes once each, in their numbered order (the
    chair explorer and the report notebook itself excluded); default: :data:`NOTEBOOKS_DIR`."""
    notebooks_dir = NOTEBOOKS_DIR if notebooks_dir is None else notebooks_dir
    return [p for p in sorted(notebooks_dir.glob("[0-9][0-9]-*.ipynb")) if p.name not in (*INTERACTIVE, REPORT_NOTEBOOK)]


@contextmanager
def _kernel_messages_to(log: Path):
    """Send what kernels print on their standard error (start-up warnings) to ``log``, not the terminal."""
    sys.stderr.flush()
    saved = os.dup(2)
    with log.open("ab") as handle:
        os.dup2(handle.fileno(), 2)
    try:
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)


#: a cell that runs this long (seconds) is taken as a kernel that lost a message, and the notebook runs once more
CELL_TIMEOUT = 300


def _kernel_lost(error: BaseException) -> bool:
    """Whether ``error`` is a kernel that hung, died or did not answer at start-up (seen on loaded
    machines: "Kernel didn't respond in 120 seconds", nbclient's cell timeout, a dead kernel),
    however papermill wraps it, as opposed to an error in a notebook's own code."""
    text = f"{type(error).__name__} {getattr(error, 'ename', '')} {error}".lower()
    return any(sign in text for sign in ("timeout", "timed out", "didn't respond", "did not respond", "deadkernel",
                                         "kernel died"))


def _execute(notebook: Path, executed: Path, parameters: dict, notebooks_dir: Path) -> Path:
    import papermill  # imported here: heavy, and only this command needs it

    executed.parent.mkdir(parents=True, exist_ok=True)
    for attempt in (1, 2):
        try:
            with _kernel_messages_to(executed.parent / KERNEL_LOG):
                papermill.execute_notebook(str(notebook), str(executed), parameters=parameters, cwd=str(notebooks_dir),
                                           kernel_name="python3", progress_bar=False, execution_timeout=CELL_TIMEOUT,
                                           start_timeout=120)
            return executed
        except papermill.PapermillExecutionError as error:
            raise NotebookFailed(f"cell {error.exec_count} of {notebook.name} failed: {error.ename}: {error.evalue}") from None
        except Exception as error:
            if attempt == 2 or not _kernel_lost(error):
                raise
            with (executed.parent / KERNEL_LOG).open("a", encoding="utf-8") as log:
                log.write(f"{notebook.name}: {type(error).__name__}: {error}; running it once more\n")
    return executed


def _parameters(notebook: Path, festival_dir: str | Path, decisions_file: str | Path | None, **extra) -> dict:
    parameters = {"festival_dir": str(Path(festival_dir).resolve()), **extra}
    if "decisions_file" in notebook.read_text(encoding="utf-8"):
        parameters["decisions_file"] = str(Path(decisions_file).resolve()) if decisions_file else ""
    return parameters


def _run(jobs: list[tuple[Path, Path, dict]], notebooks_dir: Path, progress: Progress | None = None) -> list[Path]:
    """Execute ``jobs`` (notebook, executed copy, parameters), up to :func:`workers` at a time,
    each kernel in its own process; the executed copies in the order of ``jobs``. The first
    notebook to fail stops the rest and its error is raised."""
    progress = progress or Progress(len(jobs), "notebooks", quiet=True)
    if workers() == 1 or len(jobs) == 1:
        done = []
        for notebook, executed, parameters in jobs:
            done.append(_execute(notebook, executed, parameters, notebooks_dir))
            progress.step(notebook.stem)
        return done
    # spawned, not forked: the client of each kernel starts clean, whatever this process holds
    with ProcessPoolExecutor(min(workers(), len(jobs)), mp_context=get_context("spawn")) as pool:
        futures = {pool.submit(_execute, notebook, executed, parameters, notebooks_dir): notebook
                   for notebook, executed, parameters in jobs}
        try:
            for future in as_completed(futures):
                future.result()
                progress.step(futures[future].stem)
        except BaseException:
            for future in futures:
                future.cancel()
            raise
    return [executed for _, executed, _ in jobs]


def _analysis_jobs(festival_dir, target: Path, notebooks_dir: Path, decisions_file, only: tuple[str, ...] = ()):
    notebooks = [notebooks_dir / name for name in only] if only else report_notebooks(notebooks_dir)
    return [(nb, Path(target) / nb.name, _parameters(nb, festival_dir, decisions_file)) for nb in notebooks]


def execute_notebooks(festival_dir: str | Path, target: str | Path, notebooks_dir: Path = NOTEBOOKS_DIR,
                      decisions_file: str | Path | None = None, *, only: tuple[str, ...] = ()) -> list[Path]:
    """Run every analysis notebook (or the notebooks named in ``only``, interactive ones too)
    on ``festival_dir`` (and, where a notebook takes it, the ``decisions_file``; empty: the
    folder's own decisions.csv) into ``target``; return the executed copies' paths. Raises
    :class:`NotebookFailed` naming the notebook and the cell when a notebook fails.
    """
    return _run(_analysis_jobs(festival_dir, Path(target), notebooks_dir, decisions_file, only), notebooks_dir)


# -- notebook 20: executed once per audience, exported into the pages ---------------------

def _report_notebook(notebooks_dir: Path, festival_dir, decisions_file, audience: str) -> NotebookNode:
    """Notebook 20 with its parameters injected as papermill injects them: a cell tagged
    ``injected-parameters`` after the one tagged ``parameters``; its charts are left for the page
    to draw (``charts = "browser"``)."""
    notebook = notebooks_dir / REPORT_NOTEBOOK
    parameters = _parameters(notebook, festival_dir, decisions_file, audience=audience, charts="browser")
    node = nbformat.read(notebook, as_version=4)
    source = "\n".join(["# Parameters", *(f"{name} = {value!r}" for name, value in parameters.items())]) + "\n"
    after = next((i + 1 for i, cell in enumerate(node.cells) if "parameters" in cell.metadata.get("tags", [])), 0)
    cell = nbformat.v4.new_code_cell(source, metadata={"tags": ["injected-parameters"]})
    cell.id = "injected-parameters"  # not a random id: the same inputs give the same executed notebook
    node.cells.insert(after, cell)
    return node


@dataclass(frozen=True)
class _PageJob:
    """What it takes to make one page: notebook 20 for ``audience``, executed into ``executed``
    and exported into ``page`` with the page's title, marks and footer."""

    audience: str
    notebook: NotebookNode
    notebooks_dir: Path
    executed: Path
    page: Path
    title: str
    draft: bool
    footer: str


def _make_page(job: _PageJob) -> Path:
    """Execute notebook 20 for ``job.audience`` in this process (:mod:`.inprocess`), keep the
    executed copy, and export it into the page. A failed cell raises :class:`NotebookFailed`
    (the executed copy, with the error in that cell, is kept beside the others)."""
    from analytics.apps.inprocess import CellFailed, execute_in_process

    try:
        executed = execute_in_process(job.notebook, job.notebooks_dir)
    except CellFailed as error:
        nbformat.write(error.notebook, job.executed)
        raise NotebookFailed(f"cell {error.number} of {job.executed.name} failed: {error.ename}: {error.evalue}") from None
    nbformat.write(executed, job.executed)
    text = export_page(executed, title=job.title, draft=job.draft, confidential=job.audience == "chair",
                       footer=job.footer, name=job.executed.name)
    job.page.write_text(text, encoding="utf-8")
    return job.page


def make_pages(gate: GateResult, festival_dir: str | Path, staging: Path, *, decisions_file: str | Path | None = None,
               notebooks_dir: Path | None = None, progress: Progress | None = None,
               meanwhile: Callable[[], None] | None = None) -> dict[str, Path]:
    """Notebook 20 executed once per audience into ``staging/confidential/notebooks/`` and exported
    into ``staging/report.html`` and ``staging/chair.html``; the pages by audience.

    Each execution runs in a process forked from this one after the gate is known (so neither
    imports the workbench again nor runs the gate again: :meth:`Report.remember`), both at once,
    while this process does ``meanwhile`` (the tables); where the platform cannot fork, or
    ``JURY_JOBS=1``, ``meanwhile`` and then the two executions, one after the other, here.
    """
    notebooks_dir = Path(notebooks_dir) if notebooks_dir is not None else NOTEBOOKS_DIR
    target = staging / "confidential" / "notebooks"
    target.mkdir(parents=True, exist_ok=True)
    fingerprint = Report.remember(gate, festival_dir, decisions_file)  # the inputs hashed once
    jobs = []
    for audience, name in PAGES.items():
        report = Report(gate, audience, fingerprint)
        jobs.append(_PageJob(audience, _report_notebook(notebooks_dir, festival_dir, decisions_file, audience),
                             notebooks_dir, target / f"{Path(REPORT_NOTEBOOK).stem}.{audience}.ipynb", staging / name,
                             report.title, report.draft, report.footer()))
    progress = progress or Progress(len(jobs), "pages", quiet=True)
    if not forking():
        if meanwhile is not None:
            meanwhile()
        for job in jobs:
            _make_page(job)
            progress.step(f"{Path(REPORT_NOTEBOOK).stem} ({job.audience})")
        return {job.audience: job.page for job in jobs}
    with ProcessPoolExecutor(len(jobs), mp_context=get_context("fork")) as pool:
        futures = {pool.submit(_make_page, job): job for job in jobs}
        try:
            if meanwhile is not None:
                meanwhile()
            for future in as_completed(futures):
                future.result()
                progress.step(f"{Path(REPORT_NOTEBOOK).stem} ({futures[future].audience})")
        except BaseException:
            for future in futures:
                future.cancel()
            raise
    return {job.audience: job.page for job in jobs}


def _error_of(cell: NotebookNode) -> NotebookNode | None:
    return next((o for o in cell.get("outputs", []) if o.output_type == "error"), None)


def _page_cells(notebook: NotebookNode, name: str) -> NotebookNode:
    """The cells of an executed notebook that a page shows: not the hidden ones (:data:`HIDDEN_TAGS`),
    nor a section left out for this festival (:data:`~analytics.present.html.LEFT_OUT` in its
    output's metadata) with the markdown cell just before it, which introduces it. A cell with
    an error raises :class:`NotebookFailed`."""
    kept = []
    for number, cell in enumerate(notebook.cells, start=1):
        error = _error_of(cell)
        if error is not None:
            raise NotebookFailed(f"cell {number} of {name} failed: {error.ename}: {error.evalue}")
        if set(HIDDEN_TAGS) & set(cell.get("metadata", {}).get("tags", [])):
            continue
        if cell.cell_type == "code" and any(LEFT_OUT in output.get("metadata", {}).get("text/html", {})
                                            for output in cell.get("outputs", [])):
            if kept and kept[-1].cell_type == "markdown":
                kept.pop()
            continue
        kept.append(cell)
    shown = nbformat.from_dict(dict(notebook))
    shown.cells = kept
    return shown


class _PageExporter(HTMLExporter):
    """nbconvert's HTML exporter, minus its last step: it re-serialises the page through
    BeautifulSoup, which would rewrite the markup the sections wrote (their escaping too)."""

    def from_notebook_node(self, nb, resources=None, **kw):
        return TemplateExporter.from_notebook_node(self, nb, self._init_resources(resources), **kw)


def export_page(notebook: NotebookNode, *, title: str, draft: bool, confidential: bool, footer: str = "",
                name: str = "the notebook") -> str:
    """An executed notebook as one self-contained HTML page (nbconvert, template ``report``).

    >>> from nbformat.v4 import new_notebook, new_markdown_cell, new_code_cell, new_output
    >>> cell = new_code_cell("x", outputs=[new_output("execute_result", {"text/plain": "<b>1</b>"}, execution_count=1)])
    >>> page = export_page(new_notebook(cells=[new_markdown_cell("## Agreement"), cell]), title="T", draft=True,
    ...                    confidential=False)
    >>> print(page[page.index("<body"):page.index("<footer>")].strip())
    <body class="jury"><div class="mark">DRAFT — NOT FOR PUBLICATION</div>
    <h2 id="Agreement">Agreement<a class="anchor-link" href="#Agreement">&#182;</a></h2>
    <pre>&lt;b&gt;1&lt;/b&gt;</pre>
    """
    config = Config({"NbConvertBase": {"display_data_priority": SHOWN_TYPES}})
    exporter = _PageExporter(config=config, template_name="report",
                            extra_template_basedirs=[str(resources.files("analytics") / "templates" / "nbconvert")])
    exporter.register_filter("jury_base64", lambda svg: base64.b64encode(svg.encode("utf-8")).decode("ascii"))
    body, _ = exporter.from_notebook_node(_page_cells(notebook, name))
    return page(body, title=title, draft=draft, confidential=confidential, footer=footer)


def _write_tables(folder: Path, tables: dict[str, pd.DataFrame]) -> None:
    write_csvs(folder, tables)
    (folder / "results.xlsx").write_bytes(xlsx_bytes(tables))


def _page_texts(folder: Path) -> dict[str, str]:
    """The public page's text and each chart in it (the text of an SVG image; the spec, with its
    data, of a chart the page draws)."""
    page_text = (folder / PAGES["public"]).read_text(encoding="utf-8")
    # what a reader sees: not the style sheet (``@page { size: A4 }`` is no juror A4), nor the
    # scripts (vega-embed's code, which carries no data), nor the images' base64 and the specs
    # (each chart is searched on its own)
    visible = re.sub(r"<(style|script)>.*?</\1>", "", page_text, flags=re.S)
    visible = _CHART_SPEC.sub('data-spec=""', _SVG_IMAGE.sub("data:image/svg+xml;base64,", visible))
    texts = {PAGES["public"]: visible}
    charts = [base64.b64decode(data).decode("utf-8") for data in _SVG_IMAGE.findall(page_text)]
    charts += [html.unescape(spec) for spec in _CHART_SPEC.findall(page_text)]
    for number, chart in enumerate(charts, start=1):
        texts[f"{PAGES['public']} chart {number}"] = chart
    return texts


def _table_texts(folder: Path) -> dict[str, str]:
    """The text of each public CSV and the cells of the public workbook."""
    texts = {}
    for path in sorted((folder / "public").glob("*.csv")):
        texts[f"public/{path.name}"] = path.read_text(encoding="utf-8")
    workbook = openpyxl.load_workbook(folder / "public" / "results.xlsx", read_only=True)
    texts["public/results.xlsx"] = "\n".join(str(value) for sheet in workbook for row in sheet.iter_rows(values_only=True)
                                             for value in row if value is not None)
    workbook.close()
    return texts


def public_texts(folder: Path) -> dict[str, str]:
    """The text of every public file of a report folder, by name: the page and each chart in it,
    each CSV and the cells of the workbook (the PDF is printed from the page)."""
    return _page_texts(folder) | _table_texts(folder)


def _leaks(texts: dict[str, str], festival) -> list[str]:
    """Every juror id and name found in ``texts``, as ``"<file>: juror id 'JR01'"``."""
    searcher = leak_searcher(festival)
    return [f"{name}: {found}" for name, text in texts.items() for found in identity_leaks(text, festival, searcher)]


def _refuse(leaks: list[str]) -> None:
    if leaks:
        raise IdentityLeak("refusing to write the public report: it would name jurors:\n" +
                           "\n".join(f"  - {leak}" for leak in leaks) +
                           "\n(if a film title or country merely contains a juror's name, give the juror a distinct "
                           "name in jurors.csv's name column, e.g. with an initial)")


def build_report(festival_dir: str | Path, out: str | Path, gate: GateResult, *,
                 decisions_file: str | Path | None = None, notebooks_dir: Path | None = None,
                 pdf: bool = True, appendix: bool = False, progress: Progress | None = None) -> ReportOutcome:
    """Write the whole output folder for ``gate`` (the festival in ``festival_dir`` after its decisions).

    ``notebooks_dir`` (default: :data:`NOTEBOOKS_DIR`, the notebooks shipped with the package)
    must hold ``20-post-festival-report.ipynb``, which runs once per page. ``appendix=True``
    also executes every analysis notebook into ``confidential/notebooks/`` (at most
    :func:`workers` at a time). ``pdf=False`` skips report.pdf. ``progress`` is told as each
    step finishes.
    """
    notebooks_dir = Path(notebooks_dir) if notebooks_dir is not None else NOTEBOOKS_DIR
    out = Path(out)
    check_out(Path(festival_dir), out)
    stale = written_before(out)  # the files of the previous report, as its manifest lists them
    progress = progress or Progress(len(PAGES) + appendix * len(report_notebooks(notebooks_dir)), "notebooks", quiet=True)
    with OutFolder(out) as folder:  # on an exception before the commit: the work folder removed, ``out`` as it was
        staging = folder.work_folder()
        festival = gate.before.festival

        leaks = []

        def tables() -> None:  # while the pages are made
            _write_tables(staging / "confidential", chair_tables(gate))
            _write_tables(staging / "public", public_tables(gate))
            leaks.extend(_leaks(_table_texts(staging), festival))

        notebooks = staging / "confidential" / "notebooks"
        make_pages(gate, festival_dir, staging, decisions_file=decisions_file, notebooks_dir=notebooks_dir,
                   progress=progress, meanwhile=tables)
        _refuse(_leaks(_page_texts(staging), festival) + leaks)  # every leak of every public file, in one error
        if appendix:
            _run(_analysis_jobs(festival_dir, notebooks, notebooks_dir, decisions_file), notebooks_dir, progress)
        (staging / "README.txt").write_text(README, encoding="utf-8")
        pdf_problem = None
        if pdf:
            try:
                print_pdf(staging / PAGES["public"], staging / "report.pdf")
            except PdfUnavailable as error:
                pdf_problem = str(error)
        folder.adopt(staging)
        written = folder.commit(stale=stale)  # each file renamed into place; the previous report's others removed
        manifest = build_manifest(festival_dir, out, seed=festival.config.checks.seed,
                                  gate="publishable" if gate.publishable else "blockers open", decisions_file=decisions_file,
                                  written=written)
        replace_file(out / MANIFEST, manifest)  # last: a folder matching its manifest is complete
    return ReportOutcome(out, not gate.publishable, pdf_problem)


__all__ = [
    "IdentityLeak",
    "NotebookFailed",
    "UnsafeOut",
    "ReportOutcome",
    "build_report",
    "execute_notebooks",
    "make_pages",
    "export_page",
    "report_notebooks",
]
