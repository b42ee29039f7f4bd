"""Executing the notebooks on a festival folder, with papermill, into an output folder.

Each notebook's ``parameters`` cell names the festival folder; papermill injects the folder
given here, runs every cell in a fresh kernel and keeps the executed copy (outputs included)
under ``<out>/notebooks/``. The executed copies hold jury data: ``build/`` is not committed.
"""

from __future__ import annotations

from pathlib import Path

NOTEBOOKS_DIR = Path(__file__).resolve().parents[1] / "notebooks"
#: notebooks that need a person at the controls, not run in a batch
INTERACTIVE = ("10-chair-explorer.ipynb",)


def report_notebooks(notebooks_dir: Path = NOTEBOOKS_DIR) -> list[Path]:
    """The notebooks a report executes, in their numbered order."""
    return [p for p in sorted(notebooks_dir.glob("[0-9][0-9]-*.ipynb")) if p.name not in INTERACTIVE]


def execute_notebooks(festival_dir: str | Path, out: str | Path, notebooks_dir: Path = NOTEBOOKS_DIR,
                      decisions_file: str | Path | None = None) -> list[Path]:
    """Run every report notebook on ``festival_dir`` (and, where a notebook takes it, the
    ``decisions_file``; empty: the folder's own decisions.csv); return the executed copies' paths.

    Raises ``papermill.PapermillExecutionError`` naming the cell when a notebook fails.
    """
    import papermill  # imported here: heavy, and only this command needs it

    target = Path(out) / "notebooks"
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for notebook in report_notebooks(notebooks_dir):
        executed = target / notebook.name
        parameters = {"festival_dir": str(Path(festival_dir).resolve())}
        if "decisions_file" in notebook.read_text(encoding="utf-8"):
            parameters["decisions_file"] = str(Path(decisions_file).resolve()) if decisions_file else ""
        papermill.execute_notebook(str(notebook), str(executed), parameters=parameters,
                                   cwd=str(notebooks_dir), kernel_name="python3", progress_bar=False)
        written.append(executed)
    return written
