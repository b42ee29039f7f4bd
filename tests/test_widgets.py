"""The sortable table: its controls drive the order, without a browser."""

from __future__ import annotations

import pandas as pd

from analytics.apps.widgets import SortableTable


def test_controls_sort_the_table():
    table = SortableTable(pd.DataFrame({"entry_id": ["b", "a", "c"], "n_blockers": [0, 2, None]}), sort_by="n_blockers",
                          ascending=False)
    assert table.sorted()["entry_id"].tolist() == ["a", "b", "c"]  # missing values last
    table.column.value = "entry_id"
    table.order.value = "descending"
    assert table.sorted()["entry_id"].tolist() == ["c", "b", "a"]
    assert list(table.column.options) == ["entry_id", "n_blockers"]
