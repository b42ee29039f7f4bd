"""Executing a notebook in this process, as a Jupyter kernel would, for ``jury report``.

A kernel is a second Python process that imports pandas, scipy and the workbench again and
loads the festival again before the notebook's first section; for notebook 20, run once per
audience, that was most of the report's time. Here the notebook's code cells run in an IPython
shell of this process instead (IPython is the shell inside the Python kernel, so a cell runs
as it runs in JupyterLab): what a cell displays, its last expression, what it prints and its
error become the cell's outputs, in the order they came, as nbformat output nodes
(``display_data``, ``execute_result``, ``stream``, ``error``), and the executed notebook is
exported by nbconvert like any other.

Each call gets a fresh shell and namespace. The notebook's working folder is ``cwd`` while
it runs. Standard output and error are the cell's while it runs: nothing reaches the terminal.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path

import nbformat
from IPython.core.displayhook import DisplayHook
from IPython.core.displaypub import DisplayPublisher
from IPython.core.interactiveshell import InteractiveShell
from nbformat import NotebookNode
from nbformat.v4 import new_output
from traitlets import Type
from traitlets.config import Config


class CellFailed(RuntimeError):
    """A code cell raised: ``number`` (1-based, counting every cell), ``ename`` and ``evalue``."""

    def __init__(self, number: int, ename: str, evalue: str):
        super().__init__(f"cell {number} failed: {ename}: {evalue}")
        self.number, self.ename, self.evalue = number, ename, evalue


class _Outputs(list):
    """The outputs of the cell running now, in order; consecutive text on one stream is one output."""

    def stream(self, name: str, text: str) -> None:
        if not text:
            return
        if self and self[-1].output_type == "stream" and self[-1].name == name:
            self[-1].text += text
        else:
            self.append(new_output("stream", name=name, text=text))


class _Stream(io.TextIOBase):
    """``sys.stdout`` or ``sys.stderr`` while a cell runs: text goes into its outputs."""

    def __init__(self, outputs: _Outputs, name: str):
        self.outputs, self.name = outputs, name

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self.outputs.stream(self.name, text)
        return len(text)


class _Publisher(DisplayPublisher):
    """``display(...)``: a ``display_data`` output."""

    def publish(self, data, metadata=None, source=None, *, transient=None, update=False, **kwargs) -> None:
        self.shell.outputs.append(new_output("display_data", data=data, metadata=metadata or {}))

    def clear_output(self, wait=False) -> None:
        self.shell.outputs.clear()


class _ResultHook(DisplayHook):
    """A cell's last expression: an ``execute_result`` output (no ``Out[n]:`` printed)."""

    def write_output_prompt(self) -> None:
        pass

    def write_format_data(self, format_dict, md_dict=None) -> None:
        self.shell.outputs.append(new_output("execute_result", data=format_dict, metadata=md_dict or {}))

    def finish_displayhook(self) -> None:
        pass


class _Shell(InteractiveShell):
    displayhook_class = Type(_ResultHook)
    display_pub_class = Type(_Publisher)

    def __init__(self, **kwargs):
        self.outputs = _Outputs()
        super().__init__(**kwargs)

    def _showtraceback(self, etype, evalue, stb: list[str]) -> None:
        self.outputs.append(new_output("error", ename=getattr(etype, "__name__", str(etype)), evalue=str(evalue),
                                       traceback=list(stb)))


#: the shell as a kernel sets it up for a batch run: no history file, no colour codes in tracebacks
_CONFIG = Config({"HistoryManager": {"enabled": False}, "InteractiveShell": {"colors": "nocolor"}})


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    sys.stderr.write(warnings.formatwarning(message, category, filename, lineno, line))


@contextlib.contextmanager
def _running_in(cwd: Path, outputs: _Outputs) -> Iterator[None]:
    here, saved = Path.cwd(), (sys.stdout, sys.stderr, sys.displayhook)
    os.chdir(cwd)
    sys.stdout, sys.stderr = _Stream(outputs, "stdout"), _Stream(outputs, "stderr")
    try:
        with warnings.catch_warnings():  # a warning a cell raises is shown in its outputs, as in a kernel
            warnings.simplefilter("default")
            warnings.showwarning = _show_warning
            yield
    finally:
        sys.stdout, sys.stderr, sys.displayhook = saved
        os.chdir(here)


def execute_in_process(notebook: NotebookNode, cwd: str | Path) -> NotebookNode:
    """``notebook`` with every code cell run, in order, in a fresh IPython shell of this process
    (working folder ``cwd``), its outputs and execution counts filled in; the notebook given is
    not modified. The first cell that raises stops the run: :class:`CellFailed`, and the error is
    in that cell's outputs of the copy, which is attached as ``error.notebook``.

    >>> from nbformat.v4 import new_notebook, new_code_cell
    >>> done = execute_in_process(new_notebook(cells=[new_code_cell("x = 6\\nprint('hi')\\nx * 7")]), ".")
    >>> [(o.output_type, o.get("text") or o.data["text/plain"]) for o in done.cells[0].outputs]
    [('stream', 'hi\\n'), ('execute_result', '42')]
    """
    executed = nbformat.from_dict(dict(notebook))
    executed.cells = [nbformat.from_dict(dict(cell)) for cell in notebook.cells]
    _Shell.clear_instance()  # a fresh shell, which IPython's display() finds as the instance
    InteractiveShell.clear_instance()
    shell = _Shell.instance(config=_CONFIG)
    try:
        for number, cell in enumerate(executed.cells, start=1):
            if cell.cell_type != "code":
                continue
            shell.outputs = outputs = _Outputs()
            with _running_in(Path(cwd), outputs):
                result = shell.run_cell(cell.source, store_history=True)
            cell.outputs, cell.execution_count = list(outputs), shell.execution_count - 1
            for output in cell.outputs:
                if output.output_type == "execute_result":
                    output.execution_count = cell.execution_count
            error = result.error_before_exec or result.error_in_exec
            if error is not None:
                failed = CellFailed(number, type(error).__name__, str(error))
                failed.notebook = executed
                raise failed
    finally:
        shell.cleanup()
        _Shell.clear_instance()
    return executed


__all__ = ["CellFailed", "execute_in_process"]
