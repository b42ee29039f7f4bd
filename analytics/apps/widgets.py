"""Small ipywidgets controls the notebooks wire up (the logic stays here, testable without a browser)."""

from __future__ import annotations

import ipywidgets as widgets
import pandas as pd
from IPython.display import display


class SortableTable:
    """A table the chair can sort by any column, ascending or descending: a dropdown of the
    columns, an order toggle, and the table below them (tested in ``tests/test_widgets.py``)."""

    def __init__(self, frame: pd.DataFrame, *, sort_by: str | None = None, ascending: bool = True):
        self.frame = frame
        self.column = widgets.Dropdown(options=list(frame.columns), value=sort_by or frame.columns[0], description="sort by")
        self.order = widgets.ToggleButtons(options=["ascending", "descending"],
                                           value="ascending" if ascending else "descending")
        self.output = widgets.Output()
        self.column.observe(self._refresh, names="value")
        self.order.observe(self._refresh, names="value")
        self.widget = widgets.VBox([widgets.HBox([self.column, self.order]), self.output])
        self._refresh()

    def sorted(self) -> pd.DataFrame:
        return self.frame.sort_values(self.column.value, ascending=self.order.value == "ascending",
                                      kind="stable", na_position="last")

    def _refresh(self, *_) -> None:
        self.output.clear_output(wait=True)
        with self.output:
            display(self.sorted())

    def _ipython_display_(self) -> None:
        display(self.widget)
