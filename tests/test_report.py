"""Executing the notebooks on a festival folder (what `make report` runs)."""

from __future__ import annotations

import shutil

import nbformat

from analytics.report import execute_notebooks, report_notebooks

from .conftest import DEMO, REPO


def test_report_notebooks_are_the_numbered_batch_notebooks():
    names = [p.name for p in report_notebooks()]
    assert names[0] == "01-load-and-validate.ipynb"
    assert "10-chair-explorer.ipynb" not in names


def test_execute_notebooks_injects_the_folder_and_keeps_outputs(tmp_path):
    # one notebook is enough to test the runner (nbval executes all of them elsewhere in the suite)
    notebooks = tmp_path / "notebooks-in"
    notebooks.mkdir()
    shutil.copy(REPO / "notebooks" / "01-load-and-validate.ipynb", notebooks)
    written = execute_notebooks(DEMO, tmp_path / "out", notebooks_dir=notebooks)
    assert [p.name for p in written] == ["01-load-and-validate.ipynb"]
    assert written[0].parent == tmp_path / "out" / "notebooks"
    nb = nbformat.read(written[0], as_version=4)
    injected = next(c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", []))
    assert str(DEMO) in injected.source
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert any("image/png" in o.get("data", {}) for o in outputs)  # the coverage chart, drawn offline
