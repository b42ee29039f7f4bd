"""The checks computed once per report and read by its notebooks (analytics.apps.results)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from analytics import load_festival
from analytics.apps import results
from analytics.gate.decisions import run_gate
from analytics.apps.report import _results_for_kernels

from .conftest import DEMO_DECISIONS, MINI, replace


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return Path(shutil.copytree(MINI, tmp_path / "mini"))


def test_without_a_report_run_the_notebook_computes_the_gate_itself(folder: Path, monkeypatch):
    monkeypatch.delenv(results.RESULTS_ENV, raising=False)
    got = results.gate(folder)
    expected = run_gate(load_festival(folder))
    pd.testing.assert_frame_equal(got.flags, expected.flags)
    pd.testing.assert_frame_equal(results.checks(folder)["rankings"], expected.before["rankings"])


def test_the_saved_gate_is_used_only_for_the_very_files_it_was_computed_from(folder: Path, tmp_path: Path, monkeypatch):
    saved_gate = run_gate(load_festival(folder))
    path = results.save(saved_gate, tmp_path / "gate.pickle", folder)
    monkeypatch.setenv(results.RESULTS_ENV, str(path))
    assert results.gate(folder) is not saved_gate  # a fresh unpickled copy ...
    pd.testing.assert_frame_equal(results.gate(folder).flags, saved_gate.flags)  # ... of the same gate
    marker = results.gate(folder)
    marker.before.tables["rankings"].attrs["from"] = "the saved file"
    assert results.checks(folder)["rankings"].attrs == {}  # each call reads the file anew: no shared state
    replace(folder / "scores.csv", ",7", ",8")  # a score changed: the saved gate no longer applies
    changed = results.gate(folder)
    assert not changed.before["rankings"]["score"].equals(saved_gate.before["rankings"]["score"])
    pd.testing.assert_frame_equal(changed.flags, run_gate(load_festival(folder)).flags)


def test_a_gate_saved_with_a_decisions_file_answers_that_file_only(tmp_path: Path, monkeypatch):
    demo = Path(shutil.copytree(DEMO_DECISIONS.parents[2] / "data" / "demo", tmp_path / "demo"))
    decided = run_gate(load_festival(demo), DEMO_DECISIONS)
    path = results.save(decided, tmp_path / "gate.pickle", demo, DEMO_DECISIONS)
    monkeypatch.setenv(results.RESULTS_ENV, str(path))
    assert results.gate(demo, DEMO_DECISIONS).publishable  # the saved gate: the decisions pass it
    assert not results.gate(demo).publishable  # the folder's own decisions (none): computed here, blockers open
    # the data as loaded is the same whatever the decisions: the saved checks serve
    pd.testing.assert_frame_equal(results.checks(demo)["agreement"], decided.before["agreement"])


def test_the_report_run_names_the_saved_gate_for_its_kernels_and_removes_it(folder: Path, monkeypatch):
    monkeypatch.delenv(results.RESULTS_ENV, raising=False)
    gate = run_gate(load_festival(folder))
    with _results_for_kernels(gate, folder, None):
        path = Path(__import__("os").environ[results.RESULTS_ENV])
        assert path.is_file() and (path.parent.stat().st_mode & 0o077) == 0  # private to this user
        pd.testing.assert_frame_equal(results.gate(folder).flags, gate.flags)
    assert results.RESULTS_ENV not in __import__("os").environ and not path.exists()


def test_a_check_the_festival_does_not_configure_is_computed_on_demand(folder: Path):
    checks = results.checks(folder)
    assert "round_correlations" not in checks  # no [[rounds]]: not run
    assert checks.table_of("round_correlations").empty
    with pytest.raises(KeyError, match="no check 'nonsense'"):
        checks.table_of("nonsense")
