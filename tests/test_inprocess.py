"""Executing a notebook in this process (analytics.apps.inprocess), as a kernel would."""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from analytics.apps.inprocess import CellFailed, execute_in_process


def shown(cell) -> list[tuple[str, str]]:
    """(output type, its text) for each output of ``cell``."""
    out = []
    for o in cell.outputs:
        text = o.get("text") or o.get("data", {}).get("text/html") or o.get("data", {}).get("text/plain") or o.get("ename")
        out.append((o.output_type, text))
    return out


def test_outputs_come_as_a_kernel_gives_them_in_order(capfd):
    notebook = new_notebook(cells=[
        new_markdown_cell("# Title"),
        new_code_cell("x = 6\nprint('one')\nprint('two')\nx * 7"),
        new_code_cell("from IPython.display import HTML, display\ndisplay(HTML('<b>bold</b>'))\nprint('after')\nx"),
        new_code_cell("x;"),  # a trailing semicolon hides the result, as in Jupyter
        new_code_cell("import sys\nprint('to stderr', file=sys.stderr)"),
    ])
    done = execute_in_process(notebook, ".")
    assert shown(done.cells[1]) == [("stream", "one\ntwo\n"), ("execute_result", "42")]
    assert shown(done.cells[2]) == [("display_data", "<b>bold</b>"), ("stream", "after\n"), ("execute_result", "6")]
    assert shown(done.cells[3]) == []
    assert shown(done.cells[4]) == [("stream", "to stderr\n")] and done.cells[4].outputs[0].name == "stderr"
    assert [c.execution_count for c in done.cells if c.cell_type == "code"] == [1, 2, 3, 4]
    assert done.cells[1].outputs[1].execution_count == 1
    nbformat.validate(done)
    assert capfd.readouterr() == ("", "")  # nothing reached the terminal


def test_a_warning_is_an_output_of_its_cell_not_a_line_on_the_terminal(capfd):
    done = execute_in_process(new_notebook(cells=[new_code_cell("import warnings\nwarnings.warn('careful')")]), ".")
    (output,) = done.cells[0].outputs
    assert output.name == "stderr" and "UserWarning: careful" in output.text
    assert capfd.readouterr() == ("", "")


def test_the_first_failing_cell_stops_the_run_and_says_which_it_was():
    notebook = new_notebook(cells=[new_markdown_cell("intro"), new_code_cell("a = 1"), new_code_cell("1 / 0"),
                                   new_code_cell("a = 2")])
    with pytest.raises(CellFailed, match="cell 3 failed: ZeroDivisionError: division by zero") as failure:
        execute_in_process(notebook, ".")
    executed = failure.value.notebook
    assert shown(executed.cells[2])[0] == ("error", "ZeroDivisionError")
    assert executed.cells[3].outputs == [] and executed.cells[3].execution_count is None
    assert notebook.cells[2].get("outputs") == []  # the notebook given is left alone


def test_a_syntax_error_fails_its_cell():
    with pytest.raises(CellFailed, match="cell 1 failed: SyntaxError"):
        execute_in_process(new_notebook(cells=[new_code_cell("def (")]), ".")


def test_each_run_is_a_fresh_namespace_in_the_folder_given(tmp_path: Path):
    here = Path.cwd()
    execute_in_process(new_notebook(cells=[new_code_cell("secret = 1")]), ".")
    with pytest.raises(CellFailed, match="NameError"):
        execute_in_process(new_notebook(cells=[new_code_cell("secret")]), ".")
    done = execute_in_process(new_notebook(cells=[new_code_cell("import os\nos.getcwd()")]), tmp_path)
    assert shown(done.cells[0]) == [("execute_result", repr(str(tmp_path)))]
    assert Path.cwd() == here and os.getcwd() == str(here)  # the folder is given back


def test_clear_output_clears_what_the_cell_showed_so_far():
    source = "from IPython.display import clear_output\nprint('old')\nclear_output()\nprint('new')"
    done = execute_in_process(new_notebook(cells=[new_code_cell(source)]), ".")
    assert shown(done.cells[0]) == [("stream", "new\n")]
