"""Writing result tables safely: formula-neutralised CSV and XLSX, each output file written
atomically in place.

A spreadsheet opens a cell that begins with ``=``, ``+``, ``-`` or ``@`` (or a tab or a
carriage return) as a formula, so a title such as ``=HYPERLINK(...)`` in an export could
run when an organiser opens it (CSV injection; OWASP). Every such text cell is written with
a leading apostrophe, which spreadsheets show as text. Numbers are untouched (a negative
number is a number, not text).

The XLSX workbook (one sheet per table) is reproducible byte for byte: its document
properties and the dates of its zip members are fixed, so two runs on the same inputs give
the same file.

An output folder (``jury check --out``, ``jury report``, ``jury feedback``) is written file
by file, in place (:class:`OutFolder`); the folder itself is never moved or replaced:

- every output of a run is first written whole to a temporary file in the folder it goes to
  (``.<name>.<random>.tmp``, so on the same file system); only when all of them are written
  is each put in place by one rename onto its name (``os.replace``). Whoever reads an output
  sees the old file or the new one, never a part of either. A new file gets the permissions
  the user's umask gives (``0o666 & ~umask``), as any file the user makes.
- then the workbench's stale outputs are removed: the files the folder's previous
  ``manifest.json`` lists as written by an earlier run (its ``written``) that this run did not
  write, e.g. ``rasch.csv`` once ``[rasch]`` is taken out of festival.toml; and ``jury
  check``'s own ``problems.csv``. A manifest without ``written`` (older than it) names none.
- nothing else in the folder is removed, rewritten or moved: a chair's ``notes.txt``, a
  subfolder of theirs, a file another program holds open all stay as they are.
- ``manifest.json`` is written last, the same way (:func:`replace_file`). A folder whose
  manifest matches its files (``jury verify``) therefore holds one complete run.

What this no longer promises: the folder as a whole is not swapped in at once, only each file
is. A failure while the outputs are being written (an exception, a full disk) removes the
temporary files and leaves every output as it was, since none had been put in place yet. A
failure (or a kill) while they are being put in place, a few renames, can leave some outputs
new and others old, each whole; the manifest is then still the earlier run's, so ``jury
verify`` reports the difference until a run completes (and a file only that interrupted run
wrote is not known as the workbench's, so no later run removes it). A killed run can leave
hidden ``.<name>.<random>.tmp`` files or a hidden work folder ``.jury-work.<random>`` (of
``jury report``), safe to delete; the workbench does not remove them itself, as they could
be another run writing into the same folder at that moment.

When a festival folder cannot be loaded, ``jury check --out`` writes ``problems.csv`` and
then removes the earlier run's outputs and, last, its manifest: results of earlier inputs left
beside this input's problems would be read as this input's results, and the manifest no longer
describes the folder. The next good run removes ``problems.csv``.
"""

from __future__ import annotations

import errno
import io
import json
import os
import re
import secrets
import shutil
import tempfile
import zipfile
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

import pandas as pd

from analytics.base.text import per_distinct
from analytics.present.manifest import MANIFEST

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: the date written into every XLSX (document properties and zip members), so runs compare equal
FIXED_DATE = (1980, 1, 1, 0, 0, 0)
_CORE_DATES = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")
SHEET_NAME_MAX = 31  # Excel's limit
#: the prefix of the hidden folder ``jury report`` builds its outputs in, inside the output folder
WORK_PREFIX = ".jury-work."


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


def write_csvs(folder: Path, tables: dict[str, pd.DataFrame]) -> None:
    """``<name>.csv`` for each table, neutralised, UTF-8 with ``\\n`` line ends."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, table in tables.items():
        write_csv(folder / f"{name}.csv", table)


def write_csv(path: Path, table: pd.DataFrame) -> None:
    """``table`` neutralised into ``path``, UTF-8 with ``\\n`` line ends."""
    neutralise(table).to_csv(path, index=False, lineterminator="\n")


def output_name(name: str) -> PurePosixPath | None:
    """``name`` as a path inside an output folder (``public/flags.csv``), or None when it is
    not one: absolute, empty, with a ``.`` or ``..`` part, or hidden (a part starting with ``.``,
    which the workbench never writes and the manifest never lists).

    >>> output_name("public/flags.csv"), output_name("../notes.txt"), output_name("/etc/passwd"), output_name(".x.tmp")
    (PurePosixPath('public/flags.csv'), None, None, None)
    """
    path = PurePosixPath(name)
    if not name or "\\" in name or path.is_absolute() or any(part in ("", ".", "..") or part.startswith(".")
                                                                for part in path.parts):
        return None
    return path


def written_before(out: str | Path) -> set[str]:
    """The outputs an earlier run of the workbench wrote into ``out``: the ``written`` of its
    ``manifest.json`` (paths inside ``out``, ``/``-separated; the manifest itself not among them).
    Empty when there is no readable manifest, or it has no ``written`` (a manifest older than it
    lists every file of the folder, maybe the chair's too, so it names nothing to remove)."""
    try:
        recorded = json.loads((Path(out) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return set()
    written = recorded.get("written") if isinstance(recorded, dict) else None
    if not isinstance(written, list):
        return set()
    return {name for name in written if isinstance(name, str) and output_name(name) is not None} - {MANIFEST}


def _new_temporary(path: Path) -> Path:
    """A new empty file beside ``path``, ``.<name>.<random>.tmp``, made as ``open`` makes a file
    (mode ``0o666`` less the umask; ``tempfile.mkstemp`` would make it private)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    for _ in range(100):
        candidate = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        try:
            os.close(os.open(candidate, flags, 0o666))
        except FileExistsError:
            continue
        return candidate
    raise FileExistsError(errno.EEXIST, "no free temporary name", str(path))


def _place(source: Path, target: Path) -> None:
    """Put ``source`` where ``target`` is, by one rename; across file systems (a subfolder that
    is a mount or a link elsewhere), by a copy into a temporary file beside ``target`` renamed."""
    try:
        os.replace(source, target)
    except OSError as error:
        if error.errno != errno.EXDEV:
            raise
        replace_file(target, source.read_bytes())
        source.unlink()


def replace_file(path: str | Path, data: str | bytes) -> None:
    """Write ``data`` (text as UTF-8) to ``path`` atomically: into a temporary file beside it,
    renamed onto it. Whoever reads ``path`` sees the old file or the new one, whole."""
    path = Path(path)
    temporary = _new_temporary(path)
    try:
        temporary.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def remove_stale(out: Path, names: Iterable[str]) -> list[str]:
    """Remove each file ``names`` lists inside ``out`` (paths as :func:`output_name` accepts them;
    ``manifest.json`` last), and each folder that removing it left empty (not ``out``); never a
    folder with anything in it, nor anything outside ``out``. The names removed."""
    removed = []
    for name in sorted(set(names), key=lambda n: (n == MANIFEST, n)):
        relative = output_name(name)
        if relative is None:
            continue
        path = out.joinpath(*relative.parts)
        if not (path.is_symlink() or path.is_file()):
            continue
        path.unlink(missing_ok=True)
        removed.append(name)
        for parent in path.parents:
            if parent == out or out not in parent.parents:
                break
            try:
                parent.rmdir()
            except OSError:  # not empty (or not ours to remove): it stays, and so do its parents
                break
    return removed


class OutFolder:
    """One run's outputs into the folder ``out``, written in place (see the module notes).

    Each output is written to a new temporary file (:meth:`file`, :meth:`write_text`,
    :meth:`write_bytes`, :meth:`write_csv`) or built in a hidden work folder inside ``out``
    (:meth:`work_folder`, then :meth:`adopt`); :meth:`commit` puts them all in place, one rename
    each, and removes the stale outputs. Used as a context manager: an exception before the
    commit removes the temporary files and the work folders (and ``out`` and the folders the run
    made, when they are left empty), so every output stays as it was::

        with OutFolder(out) as folder:
            folder.write_csv("flags.csv", flags)
            folder.commit(stale=written_before(out))
    """

    def __init__(self, out: str | Path) -> None:
        self.out = Path(out)
        self._made: list[Path] = []  # folders this run made, parents first
        self._pending: dict[str, Path] = {}  # name in ``out`` -> the file to put there
        self._work: list[Path] = []
        self.written: list[str] = []
        self._mkdir(self.out)

    def __enter__(self) -> OutFolder:
        return self

    def __exit__(self, kind, error, trace) -> None:
        self.discard()  # after a commit: nothing left to discard

    def _mkdir(self, folder: Path) -> None:
        missing = []
        while not (folder.exists() or folder.is_symlink()):
            missing.append(folder)
            folder = folder.parent
        for folder in reversed(missing):
            folder.mkdir(exist_ok=True)
            self._made.append(folder)

    def _target(self, name: str) -> Path:
        relative = output_name(name)
        if relative is None:
            raise ValueError(f"not a file name inside the output folder: {name!r}")
        return self.out.joinpath(*relative.parts)

    def file(self, name: str) -> Path:
        """A new empty temporary file beside the output ``name`` (``flags.csv``,
        ``public/flags.csv``), to write it into; :meth:`commit` puts it in place."""
        target = self._target(name)
        self._mkdir(target.parent)
        if name in self._pending:
            self._pending.pop(name).unlink(missing_ok=True)
        self._pending[name] = temporary = _new_temporary(target)
        return temporary

    def write_bytes(self, name: str, data: bytes) -> None:
        self.file(name).write_bytes(data)

    def write_text(self, name: str, text: str) -> None:
        self.file(name).write_text(text, encoding="utf-8")

    def write_csv(self, name: str, table: pd.DataFrame) -> None:
        """``table`` as the output ``name``, neutralised, UTF-8 with ``\\n`` line ends."""
        write_csv(self.file(name), table)

    def work_folder(self) -> Path:
        """A new hidden folder inside ``out`` (``.jury-work.<random>``) to build outputs in; what
        is in it when :meth:`adopt` is called becomes outputs under the same names."""
        work = Path(tempfile.mkdtemp(prefix=WORK_PREFIX, dir=self.out))
        self._work.append(work)
        return work

    def adopt(self, folder: Path) -> list[str]:
        """Every file in ``folder`` (a :meth:`work_folder`) as an output of the same name; the
        names. Hidden files (a tool's cache or checkpoints) are left out, as the manifest leaves
        them out: they are removed with the work folder."""
        names = []
        for path in sorted(folder.rglob("*")):
            name = path.relative_to(folder).as_posix()
            if (path.is_file() or path.is_symlink()) and output_name(name) is not None:
                self._pending[name] = path
                names.append(name)
        return names

    def commit(self, stale: Iterable[str] = ()) -> list[str]:
        """Put every output in place, one rename each; then remove the files ``stale`` names that
        this run did not write (:func:`remove_stale`) and the work folders. The names written."""
        for name in list(self._pending):
            target = self._target(name)
            self._mkdir(target.parent)
            _place(self._pending[name], target)
            del self._pending[name]
            self.written.append(name)
        remove_stale(self.out, set(stale) - set(self.written))
        for work in self._work:
            shutil.rmtree(work, ignore_errors=True)
        self._work.clear()
        self._made.clear()  # they hold outputs now
        return list(self.written)

    def discard(self) -> None:
        """Remove what was written and not put in place: the temporary files, the work folders,
        and the folders this run made (``out`` among them) that are left empty."""
        for temporary in self._pending.values():
            temporary.unlink(missing_ok=True)
        self._pending.clear()
        for work in self._work:
            shutil.rmtree(work, ignore_errors=True)
        self._work.clear()
        for folder in reversed(self._made):
            try:
                folder.rmdir()
            except OSError:
                pass
        self._made.clear()


def write_tables(out: str | Path, tables: dict[str, pd.DataFrame], extra: dict[str, str] | None = None, *,
                 drop: Iterable[str] = frozenset()) -> Path:
    """Write ``<name>.csv`` for each table (neutralised) and each ``extra`` text file into
    ``out``, in place (see the module notes): each to a temporary file first, then all put in
    place, one rename each. Then the files named in ``drop`` that this run did not write (what
    an earlier run of the workbench wrote there, :func:`written_before`) are removed. Nothing
    else in ``out`` is touched. On an exception no output has changed."""
    with OutFolder(out) as folder:
        for name, table in tables.items():
            folder.write_csv(f"{name}.csv", table)
        for name, text in (extra or {}).items():
            folder.write_text(name, text)
        folder.commit(stale=drop)
    return folder.out


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
