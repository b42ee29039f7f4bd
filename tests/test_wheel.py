"""The built wheel makes a report anywhere: notebooks and templates ship as package data.

The wheel is built from the repository, installed (without its dependencies) into a fresh
virtual environment outside the repository, and its ``jury report`` is run on a copy of the
demo in a temporary folder, from a working directory outside the repository. The fresh
environment sees the dependencies already installed for the tests through a ``.pth`` file
naming their site-packages: Python adds that folder to ``sys.path`` but runs no ``.pth`` file
inside it, so the repository's own (editable) ``analytics`` stays invisible.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from importlib.metadata import version
from pathlib import Path

import pytest
from packaging.version import Version

from analytics import load_festival
from analytics.apps.report import REPORT_NOTEBOOK

from .conftest import DEMO, REPO

pytestmark = pytest.mark.slow  # builds a wheel and a report (about a minute)

FESTIVAL_NAME = load_festival(DEMO).config.name


#: the environment of the commands: no PYTHONPATH, which could name the repository
CLEAN = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "JURY_DEBUG")}


def run(command: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=cwd, env=CLEAN, capture_output=True, text=True, timeout=600, check=False)


def source_copy(target: Path) -> Path:
    """The files the wheel is built from, copied out of the repository (a build writes build/
    and *.egg-info beside its sources, and could pick up files a checkout does not track)."""
    tracked = run(["git", "ls-files", "pyproject.toml", "README.md", "LICENSE*", "analytics", "notebooks"], cwd=REPO)
    for name in tracked.stdout.split():
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, target / name)
    return target


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("wheel")
    source = source_copy(tmp_path_factory.mktemp("source"))
    # pyproject's build backend needs setuptools >= 77: the test environment's when it has it,
    # else pip fetches it as for any `pip install .`
    isolation = ["--no-build-isolation"] if Version(version("setuptools")) >= Version("77") else []
    built = run([sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", *isolation, "-q", "-w", str(folder)],
                cwd=folder)
    assert built.returncode == 0, built.stderr[-3000:]
    (found,) = folder.glob("jury_analytics-*.whl")
    return found


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("venv") / "env"
    assert run([sys.executable, "-m", "venv", "--without-pip", str(root)], cwd=root.parent).returncode == 0
    python = root / "bin" / "python"
    purelib = Path(run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                       cwd=root).stdout.strip())
    (purelib / "test-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    installed = run([str(python), "-m", "pip", "install", "--no-deps", "-q", str(wheel)], cwd=root)
    assert installed.returncode == 0, installed.stderr[-3000:]
    return root


def test_the_wheel_holds_every_module_notebook_and_template(wheel: Path):
    names = set(zipfile.ZipFile(wheel).namelist())
    tracked = run(["git", "ls-files", "analytics", "notebooks"], cwd=REPO).stdout.split()
    expected = {f"analytics/{path}" if path.startswith("notebooks/") else path for path in tracked}
    assert len(expected) > 50 and expected - names == set()
    assert f"analytics/notebooks/{REPORT_NOTEBOOK}" in names
    assert "analytics/templates/nbconvert/report/index.html.j2" in names
    assert not [n for n in names if n.startswith(("notebooks/", "tests/", "data/"))]  # nothing outside the package


def test_the_installed_wheel_writes_a_report_outside_the_repository(venv: Path, tmp_path: Path):
    python, jury = venv / "bin" / "python", venv / "bin" / "jury"
    where = run([str(python), "-c", "import analytics.apps.report as r; print(r.__file__); print(r.NOTEBOOKS_DIR)"],
                cwd=tmp_path)
    module, notebooks = where.stdout.split()
    assert Path(module).is_relative_to(venv) and not Path(module).is_relative_to(REPO), where.stdout
    assert Path(notebooks).is_relative_to(venv) and (Path(notebooks) / REPORT_NOTEBOOK).is_file()
    festival = Path(shutil.copytree(DEMO, tmp_path / "festival"))
    done = run([str(jury), "report", str(festival), "--no-pdf", "--draft", "--quiet", "--out", str(tmp_path / "out")],
               cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    for page in ("report.html", "chair.html"):
        text = (tmp_path / "out" / page).read_text(encoding="utf-8")
        assert FESTIVAL_NAME in text, page
