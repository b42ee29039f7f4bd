"""Problems found in a festival's input, and the one error that reports all of them.

Loading never stops at the first problem: every check adds :class:`Problem` records to a
:class:`ProblemLog`, and when the log is not empty the load raises one
:class:`FestivalDataError` that lists them all, each with the file, the row as a
spreadsheet user counts it (the header is row 1), the column, the value found and what was
expected.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import astuple, dataclass, fields

import pandas as pd

from analytics.base import columns as col

#: In the error message, problems of one kind (same file, column and rule) beyond this many
#: are summarised in one line; :attr:`FestivalDataError.problems` always holds every one.
SHOWN_PER_KIND = 20


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input.

    ``row`` is the spreadsheet row (header = 1) or ``None`` for a whole-file problem;
    ``column`` is the column (or, in ``festival.toml``, the key) or ``None``.
    """

    file: str
    row: int | None
    column: str | None
    value: str | None
    expected: str

    def sentence(self) -> str:
        """The problem as one line a spreadsheet user can act on."""
        toml = self.file.endswith(".toml")
        where = [self.file]
        if self.row is not None:
            where.append(f"{'line' if toml else 'row'} {self.row}")
        if self.column is not None:
            where.append(f"{'key' if toml else 'column'} {self.column}")
        if self.value is None:
            return f"{', '.join(where)}: {self.expected}"
        expected = self.expected if self.expected.startswith("expected") else f"expected {self.expected}"
        return f"{', '.join(where)}: found {_quote(self.value)}; {expected}"


#: problems are listed in the order a person fixes them: rules first, then the tables
FILE_ORDER = ("festival.toml", "entries", "jurors", "scores", "assignments", "conflicts", "decisions")


def _file_rank(file: str) -> int:
    return next((i for i, name in enumerate(FILE_ORDER) if name in file), len(FILE_ORDER))


def _quote(value: str, limit: int = 60) -> str:
    text = value if len(value) <= limit else value[: limit - 1] + "…"
    return repr(text)


class FestivalDataError(ValueError):
    """The festival folder cannot be loaded; ``problems`` lists every reason.

    ``str(error)`` is the message for a person; :meth:`to_frame` gives the same problems as
    a table (one row per problem) for a notebook or a ``problems.csv``.
    """

    def __init__(self, folder: str, problems: list[Problem]):
        self.folder = folder
        unique = list(dict.fromkeys(problems))  # one cell of a wide sheet feeds several rows: say it once
        self.problems = sorted(unique, key=lambda p: (_file_rank(p.file), p.file, p.row or 0))
        super().__init__(self._message())

    def _message(self) -> str:
        n = len(self.problems)
        lines = [f"Cannot load the festival in {self.folder}: {n} problem{'s' * (n != 1)} found."]
        groups: dict[tuple, list[Problem]] = defaultdict(list)
        for p in self.problems:
            groups[(p.file, p.column, p.expected)].append(p)
        for group in groups.values():
            lines.extend(f"  - {p.sentence()}" for p in group[:SHOWN_PER_KIND])
            rest = group[SHOWN_PER_KIND:]
            if rest:
                rows = [p.row for p in rest if p.row is not None]
                span = f" (rows {min(rows)} to {max(rows)})" if rows else ""
                lines.append(f"  - … and {len(rest)} more like the line above in {rest[0].file}{span}")
        lines.append("Correct the files (or festival.toml) and run again; the inputs were not changed.")
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        """Every problem as a row: ``file``, ``row``, ``column``, ``value``, ``expected``."""
        return problems_frame(self.problems)


def problems_frame(problems: list[Problem]) -> pd.DataFrame:
    """Problems as a table with the fixed columns ``file, row, column, value, expected``."""
    names = [f.name for f in fields(Problem)]  # file, row, column, value, expected
    frame = pd.DataFrame([astuple(p) for p in problems], columns=names)
    return frame.astype({col.ROW: "Int64"})


class ProblemLog:
    """Collects problems during a load; ``raise_if_any`` turns them into one error."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, file: str, row: int | None, column: str | None, value, expected: str) -> None:
        self.problems.append(Problem(file, row, column, None if value is None else str(value), expected))

    def add_rows(self, file: str, rows, column, values, expected: str) -> None:
        """Add one problem per (row, value) pair: the vectorised checks' way in. ``column`` is
        one name, or one name per row (a wide sheet's cells each have their own column)."""
        columns = [column] * len(values) if column is None or isinstance(column, str) else list(column)
        for row, name, value in zip(rows, columns, values):
            self.add(file, int(row), name, value, expected)

    def __len__(self) -> int:
        return len(self.problems)

    def raise_if_any(self, folder: str) -> None:
        if self.problems:
            raise FestivalDataError(folder, self.problems)
