"""An executed report notebook into the body of a page.

Markdown cells become HTML (the report's narrative); each code cell contributes what it
displayed: HTML (the report's sections), an image, or else its text, escaped. A section left
out for this festival (nothing configured for it) is dropped with the markdown cell just
before it, which introduces it. Cells tagged
``notebook-only`` (and papermill's parameter cells) stay out, as do printed streams. A cell
that failed stops the assembly: a report is never built from a notebook with an error.
"""

from __future__ import annotations

from nbconvert.filters.markdown_mistune import markdown2html_mistune
from nbformat import NotebookNode

from analytics.present.html import LEFT_OUT, esc

SKIPPED_TAGS = {"notebook-only", "parameters", "injected-parameters"}


class NotebookFailed(RuntimeError):
    """An executed notebook holds an error output."""


def notebook_body(notebook: NotebookNode, name: str = "the notebook") -> str:
    """The HTML of the report parts of an executed notebook, in cell order.

    >>> from nbformat.v4 import new_notebook, new_markdown_cell, new_code_cell, new_output
    >>> cell = new_code_cell("x", outputs=[new_output("execute_result", {"text/plain": "<b>1</b>"}, execution_count=1)])
    >>> notebook_body(new_notebook(cells=[new_markdown_cell("## Agreement"), cell]))
    '<h2 id="Agreement">Agreement<a class="anchor-link" href="#Agreement">&#182;</a></h2>\\n<pre>&lt;b&gt;1&lt;/b&gt;</pre>'
    """
    parts = []
    introduced = None  # the position in parts of the last markdown cell, until a code cell shows something
    for number, cell in enumerate(notebook.cells, start=1):
        if SKIPPED_TAGS & set(cell.get("metadata", {}).get("tags", [])):
            continue
        if cell.cell_type == "markdown":
            parts.append(markdown2html_mistune(cell.source))
            introduced = len(parts) - 1
        elif cell.cell_type == "code":
            for output in cell.get("outputs", []):
                if output.output_type == "error":
                    raise NotebookFailed(f"cell {number} of {name} failed: {output.ename}: {output.evalue}")
                if output.output_type in ("display_data", "execute_result"):
                    shown = _shown(output.data)
                    if shown.startswith(LEFT_OUT):
                        if introduced is not None:
                            parts[introduced] = ""
                        continue
                    parts.append(shown)
            introduced = None
    return "\n".join(p for p in parts if p)


def _shown(data: dict) -> str:
    if "text/html" in data:
        return data["text/html"] if isinstance(data["text/html"], str) else "".join(data["text/html"])
    if "image/png" in data:
        return f'<figure><img src="data:image/png;base64,{data["image/png"].strip()}" alt="chart"></figure>'
    if "text/plain" in data:
        return f"<pre>{esc(data['text/plain'])}</pre>"
    return ""
