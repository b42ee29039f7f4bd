"""Writing result tables safely: formula-neutralised CSV and XLSX, written atomically.

A spreadsheet opens a cell that begins with ``=``, ``+``, ``-`` or ``@`` (or a tab or a
carriage return) as a formula, so a title such as ``=HYPERLINK(...)`` in an export could
run when an organiser opens it (CSV injection; OWASP). Every such text cell is written with
a leading apostrophe, which spreadsheets show as text. Numbers are untouched (a negative
number is a number, not text).

The XLSX workbook (one sheet per table) is reproducible byte for byte: its document
properties and the dates of its zip members are fixed, so two runs on the same inputs give
the same file.

All files of one output folder are written into a staging folder beside it and swapped in
at the end, so a failed run never leaves a half-written folder over a good one.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import tempfile
import zipfile
from pathlib import Path

import pandas as pd

from analytics.base.text import per_distinct

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: the date written into every XLSX (document properties and zip members), so runs compare equal
FIXED_DATE = (1980, 1, 1, 0, 0, 0)
_CORE_DATES = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")
SHEET_NAME_MAX = 31  # Excel's limit


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
            risky = per_distinct(text, lambda t: t.str.startswith(FORMULA_STARTS)).fillna(False).astype(bool)
            if risky.any():
                out[name] = column.where(~risky.to_numpy(), "'" + text)
    return out


def staging_folder(out: Path) -> Path:
    """A new empty folder beside ``out`` to build its next version in (usual permissions)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    umask = os.umask(0)
    os.umask(umask)
    staging.chmod(0o777 & ~umask)  # mkdtemp makes it private
    return staging


def swap_in(staging: Path, out: Path) -> None:
    """Put ``staging`` where ``out`` is: two renames, the old folder removed only after them."""
    if out.exists():
        previous = out.with_name(f".{out.name}.previous")
        shutil.rmtree(previous, ignore_errors=True)
        os.replace(out, previous)
        try:
            os.replace(staging, out)
        except BaseException:
            os.replace(previous, out)  # put the old folder back
            raise
        shutil.rmtree(previous, ignore_errors=True)
    else:
        os.replace(staging, out)


def write_csvs(folder: Path, tables: dict[str, pd.DataFrame]) -> None:
    """``<name>.csv`` for each table, neutralised, UTF-8 with ``\\n`` line ends."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, table in tables.items():
        neutralise(table).to_csv(folder / f"{name}.csv", index=False, lineterminator="\n")


def write_tables(out: str | Path, tables: dict[str, pd.DataFrame], extra: dict[str, str] | None = None, *,
                 drop: set[str] = frozenset()) -> Path:
    """Write ``<name>.csv`` for each table (neutralised) and each ``extra`` text file into
    ``out``, atomically: everything is written to a staging folder first, then swapped in.
    Other files already in ``out`` are kept, except those named in ``drop`` (what an earlier
    run of the workbench wrote there)."""
    out = Path(out)
    staging = staging_folder(out)
    try:
        write_csvs(staging, tables)
        for name, text in (extra or {}).items():
            (staging / name).write_text(text, encoding="utf-8")
        if out.exists():
            for item in out.iterdir():  # keep (copies of) what other commands wrote there, e.g. executed notebooks
                if not (staging / item.name).exists() and item.name not in drop:
                    (shutil.copytree if item.is_dir() else shutil.copy2)(item, staging / item.name)
        swap_in(staging, out)  # nothing in ``out`` was touched until here
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return out


def xlsx_bytes(tables: dict[str, pd.DataFrame]) -> bytes:
    """One workbook with a sheet per table (formula-neutralised, header row frozen), with
    fixed dates: the same tables give the same bytes.

    >>> import pandas as pd
    >>> xlsx_bytes({"t": pd.DataFrame({"a": ["=1"]})}) == xlsx_bytes({"t": pd.DataFrame({"a": ["=1"]})})
    True
    """
    too_long = [name for name in tables if len(name) > SHEET_NAME_MAX]
    if too_long:
        raise ValueError(f"sheet names longer than {SHEET_NAME_MAX} characters: {too_long}; shorten the table names")
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, table in tables.items():
            neutralise(table).to_excel(writer, sheet_name=name, index=False, freeze_panes=(1, 0))
    return _fix_dates(buffer.getvalue())


def _fix_dates(workbook: bytes) -> bytes:
    stamp = "%04d-%02d-%02dT%02d:%02d:%02dZ" % FIXED_DATE
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(workbook)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "docProps/core.xml":
                data = _CORE_DATES.sub(rb"\g<1>" + stamp.encode() + rb"\g<2>", data)
            target.writestr(zipfile.ZipInfo(info.filename, date_time=FIXED_DATE), data, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()
