"""Shared fixtures: a fresh copy of the small valid festival, and helpers to break it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import settings

from analytics import FestivalDataError, load_festival
from analytics.rules.stages import with_stages
from analytics.gate.decisions import run_gate
from analytics.apps.report import REPORT_NOTEBOOK, build_report

REPO = Path(__file__).resolve().parents[1]
MINI = REPO / "tests" / "fixtures" / "mini"
DEMO = REPO / "data" / "demo"
BROKEN = REPO / "data" / "examples" / "broken"


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    """A writable copy of tests/fixtures/mini: 4 entries, 4 jurors, 3 criteria, 2 lanes."""
    return Path(shutil.copytree(MINI, tmp_path / "mini"))


def replace(path: Path, old: str, new: str, count: int = 1) -> None:
    """Replace ``old`` by ``new`` in a text file, insisting that ``old`` is there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def append(path: Path, line: str) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write(line + "\n")


def problems(folder: Path) -> list:
    """The problems that loading ``folder`` reports (the load must fail)."""
    with pytest.raises(FestivalDataError) as caught:
        with_stages(load_festival(folder))  # the tables' problems, then those of the rounds
    return caught.value.problems


def only_problem(folder: Path):
    found = problems(folder)
    assert len(found) == 1, "\n".join(p.sentence() for p in found)
    return found[0]


DEMO_DECISIONS = REPO / "data" / "examples" / "demo-decisions.csv"


def _built_report(tmp_path_factory, name: str, decisions: Path | None) -> Path:
    """``jury report`` (the library call behind it) on data/demo into a fresh folder: every
    notebook, and the PDF."""
    tmp_path = tmp_path_factory.mktemp(name)
    out = tmp_path / "demo"
    quick_build(DEMO, out, tmp_path, decisions, notebooks_dir=REPO / "notebooks", pdf=True)
    return out


@pytest.fixture(scope="session")
def draft_report(tmp_path_factory) -> Path:
    """The demo's report with its planted blockers open (a DRAFT): built once per test run."""
    return _built_report(tmp_path_factory, "draft-report", None)


@pytest.fixture(scope="session")
def final_report(tmp_path_factory) -> Path:
    """The demo's report with data/examples/demo-decisions.csv applied (publishable)."""
    return _built_report(tmp_path_factory, "final-report", DEMO_DECISIONS)


SCRIPT_TITLE = '<script>alert("title")</script>'
IMG_TITLE = "<img src=x onerror=alert(1)>"
FORMULA_TITLE = '=HYPERLINK("http://example.invalid","open me")'


def only_report_notebook(tmp_path: Path) -> Path:
    """A notebooks folder holding only notebook 20, so a build runs the report alone."""
    folder = tmp_path / "notebooks-20"
    folder.mkdir()
    shutil.copy(REPO / "notebooks" / REPORT_NOTEBOOK, folder)
    return folder


def quick_build(festival_dir: Path, out: Path, tmp_path: Path, decisions: Path | None = None, *,
                notebooks_dir: Path | None = None, pdf: bool = False):
    """Build a report folder; by default running notebook 20 only and printing no PDF, to stay quick."""
    festival = load_festival(festival_dir)
    gate = run_gate(festival, decisions) if decisions else run_gate(festival)
    return build_report(festival_dir, out, gate, decisions_file=decisions,
                        notebooks_dir=notebooks_dir or only_report_notebook(tmp_path), pdf=pdf)


def csv_field(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def hostile_festival(tmp_path: Path) -> tuple[Path, Path]:
    """The demo with titles and a decision reason that are HTML, script or spreadsheet formulas."""
    folder = Path(shutil.copytree(DEMO, tmp_path / "hostile"))
    entries = folder / "entries.csv"
    # the first three of the lane: their titles are in the report's text, tables and charts
    replace(entries, "GC-06,Checkpoint Seven,", f"GC-06,{csv_field(SCRIPT_TITLE)},")
    replace(entries, "GC-19,潛在空間的九龍,", f"GC-19,{IMG_TITLE},")
    replace(entries, "GC-07,沉睡的提示詞,", f"GC-07,{csv_field(FORMULA_TITLE)},")
    replace(folder / "scores.csv", "Strong prompt discipline.", csv_field("<script>alert('comment')</script>"))
    decisions = tmp_path / "hostile-decisions.csv"
    text = (REPO / "data" / "examples" / "demo-decisions.csv").read_text(encoding="utf-8")
    decisions.write_text(text.replace("(co-producer)", "(co-producer) <script>alert('reason')</script>"), encoding="utf-8")
    return folder, decisions


@pytest.fixture(scope="session")
def hostile_report(tmp_path_factory) -> Path:
    tmp_path = tmp_path_factory.mktemp("hostile")
    festival, decisions = hostile_festival(tmp_path)
    out = tmp_path / "out"
    quick_build(festival, out, tmp_path, decisions)
    return out




def pytest_collection_modifyitems(items):
    """The notebooks' cells (nbval) are end-to-end: marked slow like the report builds."""
    for item in items:
        if item.nodeid.startswith("notebooks/"):
            item.add_marker(pytest.mark.slow)


def write_folder(folder: Path, files: dict) -> Path:
    """A festival folder from ``{file name: text or DataFrame}`` (keys starting with ``_`` are the test's own notes,
    not files): what the random-shape tests write."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        if name.startswith("_"):
            continue
        if isinstance(content, str):
            (folder / name).write_text(content, encoding="utf-8")
        else:
            content.to_csv(folder / name, index=False)
    return folder


# hypothesis: ``--hypothesis-profile=long`` runs the property tests with thousands of examples (before a release:
# tests/test_property_folders.py reads the profile's name); the default profile is hypothesis's own
settings.register_profile("long", max_examples=1500, deadline=None)
