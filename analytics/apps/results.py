"""The checks of a festival folder, computed once per report and read by every notebook.

``jury report`` runs the gate once, then executes seven notebooks (five analyses and the
report twice, once per audience), each in its own kernel. Without this module each kernel
would load the folder and run the checks again. Instead the report saves its gate
(:func:`save`) into a private temporary folder and names the file in the environment
variable ``JURY_RESULTS`` for the kernels; a notebook asks :func:`gate` (or :func:`checks`)
for the festival's results, and gets the saved ones when they were computed from exactly the
files it was given (the inputs' SHA-256 fingerprint, :func:`~analytics.present.manifest.input_fingerprint`,
and the same decisions file), and computes them itself otherwise: opened alone in JupyterLab,
a notebook needs nothing from a report run.

The file is a pickle written by this process for its own kernels and removed when the report
is written; it never leaves the temporary folder (the confidential data it holds stays there).
"""

from __future__ import annotations

import os
import pickle
from dataclasses import dataclass
from pathlib import Path

from analytics.checks.registry import CheckResult, run_checks
from analytics.load.festival import load_festival
from analytics.gate.decisions import GateResult, run_gate
from analytics.present.manifest import input_fingerprint

#: the environment variable naming the saved results for the kernels of a report run
RESULTS_ENV = "JURY_RESULTS"


@dataclass(frozen=True)
class _Saved:
    folder: str  # the festival folder's fingerprint
    decisions: str  # the decisions file's fingerprint, with the folder's (or "" for the folder's own decisions.csv)
    gate: GateResult


def _decisions_key(festival_dir, decisions_file) -> str:
    return input_fingerprint(festival_dir, decisions_file) if decisions_file else ""


def save(gate: GateResult, path: str | Path, festival_dir: str | Path, decisions_file: str | Path | None = None) -> Path:
    """Write ``gate`` (computed from ``festival_dir`` and ``decisions_file``) to ``path``."""
    path = Path(path)
    saved = _Saved(input_fingerprint(festival_dir), _decisions_key(festival_dir, decisions_file), gate)
    path.write_bytes(pickle.dumps(saved, protocol=pickle.HIGHEST_PROTOCOL))
    return path


def _saved(festival_dir) -> _Saved | None:
    path = os.environ.get(RESULTS_ENV, "")
    if not path or not Path(path).is_file():
        return None
    saved = pickle.loads(Path(path).read_bytes())  # written by save() for this run's kernels
    return saved if saved.folder == input_fingerprint(festival_dir) else None


def gate(festival_dir: str | Path, decisions_file: str | Path | None = None) -> GateResult:
    """The gate of the folder (with ``decisions_file`` in place of its decisions.csv when
    given): the report run's, when it was computed from these very files, else computed here."""
    decisions_file = decisions_file or None
    saved = _saved(festival_dir)
    if saved is not None and saved.decisions == _decisions_key(festival_dir, decisions_file):
        return saved.gate
    festival = load_festival(festival_dir)
    return run_gate(festival, decisions_file) if decisions_file else run_gate(festival)


def checks(festival_dir: str | Path) -> CheckResult:
    """Every configured check on the folder's data as loaded, before any decision (the
    report run's, when computed from these very files, whatever decisions it applied)."""
    saved = _saved(festival_dir)
    return saved.gate.before if saved is not None else run_checks(load_festival(festival_dir))
