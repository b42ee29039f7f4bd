"""Writing result tables safely: formula-neutralised CSV, written atomically.

A spreadsheet opens a cell that begins with ``=``, ``+``, ``-`` or ``@`` (or a tab or a
carriage return) as a formula, so a title such as ``=HYPERLINK(...)`` in an export could
run when an organiser opens it (CSV injection; OWASP). Every such text cell is written with
a leading apostrophe, which spreadsheets show as text. Numbers are untouched (a negative
number is a number, not text).

All files of one output folder are written into a staging folder beside it and swapped in
at the end, so a failed run never leaves a half-written folder over a good one.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with every text cell that a spreadsheet would read as a formula prefixed by ``'``.

    >>> import pandas as pd
    >>> neutralise(pd.DataFrame({"title": ["=1+1", "Night Ferry", "-x", "@SUM(A1)"], "score": [-1.5, 2, 3, 4]})
    ...            ).to_dict("list")
    {'title': ["'=1+1", 'Night Ferry', "'-x", "'@SUM(A1)"], 'score': [-1.5, 2.0, 3.0, 4.0]}
    """
    out = frame.copy()
    for name in out.columns:
        column = out[name]
        if pd.api.types.is_string_dtype(column) or column.dtype == object:
            text = column.astype("string")
            risky = text.str.startswith(FORMULA_STARTS).fillna(False)
            if risky.any():
                out[name] = column.where(~risky.to_numpy(), "'" + text)
    return out


def write_tables(out: str | Path, tables: dict[str, pd.DataFrame], extra: dict[str, str] | None = None) -> Path:
    """Write ``<name>.csv`` for each table (neutralised) and each ``extra`` text file into
    ``out``, atomically: everything is written to a staging folder first, then swapped in."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        for name, table in tables.items():
            neutralise(table).to_csv(staging / f"{name}.csv", index=False, lineterminator="\n")
        for name, text in (extra or {}).items():
            (staging / name).write_text(text, encoding="utf-8")
        if out.exists():
            for item in out.iterdir():  # keep (copies of) what other commands wrote there, e.g. executed notebooks
                if not (staging / item.name).exists():
                    (shutil.copytree if item.is_dir() else shutil.copy2)(item, staging / item.name)
            # nothing in ``out`` was touched until here; the swap is two renames
            previous = out.with_name(f".{out.name}.previous")
            shutil.rmtree(previous, ignore_errors=True)
            os.replace(out, previous)
            os.replace(staging, out)
            shutil.rmtree(previous, ignore_errors=True)
        else:
            os.replace(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return out
