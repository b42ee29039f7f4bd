"""Reading a festival folder's tables as text, exactly as written.

Each table comes from ``<name>.csv`` or from the sheet ``<name>`` of the folder's one
``.xlsx`` workbook, never both. Every cell is read as text (nothing is coerced here; the
validator parses and reports), column names from a platform export are mapped onto the
contract's names, and each row keeps the number a spreadsheet user sees (header = row 1).
Wholly blank rows carry no data and are skipped; every other row is kept or reported.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analytics.base import columns as col
from analytics.load.config import CONFIG_FILE
from analytics.base.problems import ProblemLog
from analytics.base.text import strip
from analytics.load.schema import TableSpec

SAVE_AS_UTF8 = ("save it as UTF-8: in Excel, File > Save As > 'CSV UTF-8 (Comma delimited)'; "
                "in LibreOffice, tick 'Edit filter settings' and choose 'Unicode (UTF-8)'")
# encodings a festival's spreadsheets are commonly saved in, tried only to name the culprit
_LIKELY_ENCODINGS = (("utf-16", "UTF-16 ('Unicode Text')"), ("big5", "Big5 (Traditional Chinese)"),
                     ("gb18030", "GB18030 (Simplified Chinese)"), ("shift_jis", "Shift-JIS (Japanese)"),
                     ("cp1252", "Windows-1252 (Western European)"))


@dataclass(frozen=True)
class RawTable:
    """One table as text: ``frame`` has one str column per header cell plus ``source_row``."""

    name: str
    source: str  # as shown in problems: "scores.csv" or "festival.xlsx[scores]"
    frame: pd.DataFrame
    #: a wide sheet read into long form: per contract column, the sheet column each row's cell came from
    cell_columns: dict[str, pd.Series] | None = None


def find_workbook(folder: Path, log: ProblemLog) -> Path | None:
    books = sorted(p for p in folder.glob("*.xlsx") if not p.name.startswith("~$"))
    if len(books) > 1:
        log.add(books[1].name, None, None, None,
                f"expected at most one .xlsx workbook in the folder; found {', '.join(b.name for b in books)}")
    return books[0] if books else None


def read_config_text(folder: Path, log: ProblemLog) -> str | None:
    path = folder / CONFIG_FILE
    if not path.is_file():
        log.add(CONFIG_FILE, None, None, None, f"the file is missing; every festival folder needs a {CONFIG_FILE} with its rules")
        return None
    return _decode(path.read_bytes(), CONFIG_FILE, log)


def read_tables(folder: Path, specs: dict[str, TableSpec], mapping, log: ProblemLog, *, layout: str = "long",
                criteria: tuple[str, ...] = ()) -> dict[str, RawTable]:
    """Read every table of ``specs`` that exists; report missing required ones. A scores
    sheet laid out wide (``layout``, see :func:`wide_to_long`) is read into long form."""
    workbook = find_workbook(folder, log)
    sheets = _read_workbook(workbook, log) if workbook else {}
    for table in mapping.keys() - specs.keys():
        log.add(CONFIG_FILE, None, f"columns.{table}", None, "unknown table; the tables are: " + ", ".join(specs))
    tables: dict[str, RawTable] = {}
    for name, spec in specs.items():
        csv_path = folder / spec.file
        in_book = name in sheets
        if csv_path.is_file() and in_book:
            log.add(spec.file, None, None, None,
                    f"the table '{name}' is both in {spec.file} and in the sheet '{name}' of {workbook.name}; keep one of the two")
            continue
        if csv_path.is_file():
            grid = _read_csv(csv_path, spec.file, log)
            source = spec.file
        elif in_book:
            grid = sheets[name]
            source = f"{workbook.name}[{name}]"
        else:
            if spec.required:
                where = f" or a sheet named '{name}' in {workbook.name}" if workbook else ""
                log.add(spec.file, None, None, None,
                        f"the file is missing; expected {spec.file}{where} with the columns {', '.join(spec.required_columns)}")
            continue
        if grid is None:
            continue
        if name == "scores" and layout != "long":
            jurors = tables.get("jurors")
            juror_ids = tuple(jurors.frame[col.JUROR_ID].str.strip()) if jurors is not None else ()
            table = wide_to_long(grid, spec, source, mapping.get(name, {}), log, layout=layout, juror_ids=juror_ids,
                                 criteria=criteria)
        else:
            table = _with_header(grid, spec, source, mapping.get(name, {}), log)
        if table is not None:
            tables[name] = table
    return tables


def _decode(data: bytes, file: str, log: ProblemLog) -> str | None:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        log.add(file, None, None, None, f"the file is saved as UTF-16; {SAVE_AS_UTF8}")
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        bad = data[error.start : error.start + 4].hex(" ")
        guess = next((label for enc, label in _LIKELY_ENCODINGS if _decodes(data, enc)), None)
        saved = f"it looks saved as {guess}" if guess else "its encoding is not UTF-8"
        log.add(file, line, None, f"bytes {bad}", f"text in UTF-8; {saved}. Please {SAVE_AS_UTF8}")
        return None


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _read_csv(path: Path, file: str, log: ProblemLog) -> pd.DataFrame | None:
    """The file as a grid of str (row 0 = header), or ``None`` after reporting why not."""
    data = path.read_bytes()
    if not data.strip(b" \t\r\n\xef\xbb\xbf"):
        log.add(file, None, None, None, "the file is empty; expected a header row naming the columns, then one row per record")
        return None
    if _decode(data, file, log) is None:  # the strict UTF-8 check; pandas then parses the bytes
        return None
    try:
        grid = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", header=None, dtype=str, keep_default_na=False,
                           na_filter=False, skip_blank_lines=False)
    except pd.errors.ParserError:
        _report_ragged_rows(data.decode("utf-8-sig"), file, log)
        return None
    return grid.fillna("")


def _report_ragged_rows(text: str, file: str, log: ProblemLog) -> None:
    rows = list(csv.reader(io.StringIO(text)))
    width = len(rows[0])
    for number, row in enumerate(rows[1:], start=2):
        if len(row) > width:
            log.add(file, number, None, ",".join(row),
                    f"at most {width} values (the header has {width}); a value containing a comma must be in double quotes")


def _read_workbook(path: Path, log: ProblemLog) -> dict[str, pd.DataFrame]:
    try:
        book = pd.read_excel(path, sheet_name=None, header=None, dtype=object, engine="openpyxl")
    except Exception as error:  # openpyxl raises many types for a damaged file
        log.add(path.name, None, None, None, f"an .xlsx workbook that can be opened ({type(error).__name__}: {error})")
        return {}
    return {name: sheet.map(_cell_text) for name, sheet in book.items()}


def _cell_text(value) -> str:
    """A spreadsheet cell as the text a person sees in it."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, pd.Timestamp) or hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _with_header(grid: pd.DataFrame, spec: TableSpec, source: str, mapping: dict[str, str],
                 log: ProblemLog) -> RawTable | None:
    if grid.empty:
        log.add(source, None, None, None, "the table is empty; expected a header row naming the columns, then one row per record")
        return None
    header = [str(h).strip() for h in grid.iloc[0]]
    known = {c.name for c in spec.columns}
    for export, contract in mapping.items():
        if contract not in known:
            log.add(CONFIG_FILE, None, f"columns.{spec.name}.{contract}", export,
                    f"expected a column of {spec.name}: {', '.join(sorted(known))}")
        elif contract in header and export in header:
            log.add(source, 1, contract, None,
                    f"festival.toml maps '{export}' onto '{contract}', but the file has both columns; remove one or the mapping")
    header = [mapping.get(h, h) for h in header]
    ok = True
    for position, name in enumerate(header):
        if name == "" and (grid.iloc[1:, position] != "").any():
            log.add(source, 1, f"#{position + 1}", "", "a name for every column that holds values")
            ok = False
    for dup in sorted({h for h in header if h and header.count(h) > 1}):
        log.add(source, 1, dup, None, f"expected each column name once; '{dup}' appears {header.count(dup)} times")
        ok = False
    found = ", ".join(h for h in header if h) or "none"
    for name in spec.required_columns:
        if name not in header:
            hint = f"; if your export names it differently, map it in festival.toml under [columns.{spec.name}]"
            needed_by = spec.column(name).needed_by
            if needed_by:
                hint = f"; {needed_by} reads it: add the column, or leave the rule out of festival.toml"
            log.add(source, 1, name, None, f"expected a column named '{name}' (the columns found are: {found}){hint}")
            ok = False
    if not ok:
        return None
    body = grid.iloc[1:].copy()
    body.columns = [h if h else f"#{i + 1}" for i, h in enumerate(header)]
    body = body.loc[:, [h != "" or (body.iloc[:, i] != "").any() for i, h in enumerate(header)]]
    body.insert(0, col.SOURCE_ROW, np.arange(2, len(body) + 2, dtype=np.int64))
    filled = body.drop(columns=col.SOURCE_ROW).apply(lambda s: strip(s) != "").any(axis=1)
    body = body.loc[filled].reset_index(drop=True)
    if body.empty and spec.required:
        log.add(source, None, None, None, "the table has a header but no rows; expected one row per record")
        return None
    return RawTable(spec.name, source, body)  # an optional table with only its header declares nothing


#: the columns of a wide sheet that are not jurors (wide_jurors) or criteria (wide_criteria)
_ROW_KEYS = {"wide_jurors": (col.ENTRY_ID, col.CRITERION, col.ROUND, col.PERFORMANCE),
             "wide_criteria": (col.ENTRY_ID, col.JUROR_ID, col.ROUND, col.PERFORMANCE)}
_KEPT = (col.SUBMITTED_AT, col.COMMENT)


def wide_to_long(grid: pd.DataFrame, spec: TableSpec, source: str, mapping: dict[str, str], log: ProblemLog, *,
                 layout: str, juror_ids: tuple[str, ...], criteria: tuple[str, ...]) -> RawTable | None:
    """A wide scores sheet as the long table of the contract, each cell one score.

    - ``wide_jurors``: one row per entry (and per criterion and round where those vary: a
      ``criterion`` column is needed unless the festival has one criterion), one column per
      juror id; the sheet many competitions publish.
    - ``wide_criteria``: one row per entry × juror, one column per criterion id; how judging
      platforms export.

    An empty cell is "not scored". Every other cell becomes a row that keeps the sheet's row
    number, and problems in it name the sheet's own column (the juror or criterion). A
    column that is neither a key of the layout nor a juror id (a criterion id) is reported.

    >>> grid = pd.DataFrame([["entry_id", "J1", "J2"], ["E1", "7", ""], ["E2", "8", "6"]])
    >>> from analytics.load.schema import table_specs
    >>> log = ProblemLog()
    >>> long = wide_to_long(grid, table_specs(None)["scores"], "scores.csv", {}, log, layout="wide_jurors",
    ...                     juror_ids=("J1", "J2"), criteria=("overall",))
    >>> long.frame[["source_row", "entry_id", "juror_id", "criterion", "score"]].values.tolist()
    [[2, 'E1', 'J1', 'overall', '7'], [3, 'E2', 'J1', 'overall', '8'], [3, 'E2', 'J2', 'overall', '6']]
    """
    if grid.empty:
        log.add(source, None, None, None, "the table is empty; expected a header row naming the columns, then one row per record")
        return None
    header = [mapping.get(str(h).strip(), str(h).strip()) for h in grid.iloc[0]]
    keys = _ROW_KEYS[layout]
    spread, what = (juror_ids, "a juror_id of jurors.csv") if layout == "wide_jurors" else (criteria, "a criterion id of festival.toml")
    ok = True
    for dup in sorted({h for h in header if h and header.count(h) > 1}):
        log.add(source, 1, dup, None, f"expected each column name once; '{dup}' appears {header.count(dup)} times")
        ok = False
    needed = [col.ENTRY_ID] + ([col.JUROR_ID] if layout == "wide_criteria" else [])
    if layout == "wide_jurors" and len(criteria) > 1:
        needed.append(col.CRITERION)
    for name in needed:
        if name not in header:
            log.add(source, 1, name, None, f"expected a column named '{name}' in a {layout} sheet (the columns found "
                    f"are: {', '.join(h for h in header if h) or 'none'})")
            ok = False
    value_columns = [h for h in header if h and h not in keys and h not in _KEPT]
    known = set(spread)
    for position, name in enumerate(header):
        if name and name in value_columns and name not in known:
            log.add(source, 1, name, name, f"{what}: in a {layout} sheet every column other than "
                    f"{', '.join(keys + _KEPT)} is one {'juror' if layout == 'wide_jurors' else 'criterion'}")
            ok = False
        elif not name and (grid.iloc[1:, position] != "").any():
            log.add(source, 1, f"#{position + 1}", "", "a name for every column that holds values")
            ok = False
    if not value_columns and ok:
        log.add(source, 1, None, None, f"at least one {'juror' if layout == 'wide_jurors' else 'criterion'} column in a "
                f"{layout} sheet")
        ok = False
    if not ok:
        return None
    body = grid.iloc[1:].copy()
    body.columns = [h if h else f"#{i + 1}" for i, h in enumerate(header)]
    body.insert(0, col.SOURCE_ROW, np.arange(2, len(body) + 2, dtype=np.int64))
    ids = [c for c in (col.SOURCE_ROW, *keys, *_KEPT) if c in body.columns]
    long = body.melt(id_vars=ids, value_vars=value_columns, var_name="_column", value_name=col.SCORE)
    long = long[long[col.SCORE].str.strip() != ""]  # an empty cell: not scored
    if long.empty:  # as the long layout's header without rows: a festival with no score is not one to check
        log.add(source, None, None, None, f"the {layout} sheet has {'no rows' if len(body) == 0 else 'no score'}: "
                f"every cell under its {'juror' if layout == 'wide_jurors' else 'criterion'} columns is empty; expected "
                "at least one score")
        return None
    spread_as = col.JUROR_ID if layout == "wide_jurors" else col.CRITERION
    long[spread_as] = long["_column"]
    if col.CRITERION not in long:
        long[col.CRITERION] = criteria[0]
    long = long.sort_values([col.SOURCE_ROW, "_column"], key=lambda s: s.map({c: i for i, c in enumerate(value_columns)})
                            if s.name == "_column" else s, kind="stable").reset_index(drop=True)
    cells = {col.SCORE: long["_column"], spread_as: long["_column"]}
    frame = long.rename(columns={"_column": col.SOURCE_COLUMN})
    return RawTable(spec.name, source, frame, cells)
