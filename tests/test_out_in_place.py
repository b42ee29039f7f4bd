"""``--out`` written file by file, in place (issue 26, item 3; analytics.present.exports).

Each output is written to a temporary file beside its name and renamed onto it; the outputs an
earlier run wrote (its manifest's ``written``) and this one did not are removed; nothing else in
the folder is touched, and the folder itself is never replaced: a chair's notes and subfolders
keep their bytes and inodes, a file another program holds open keeps receiving what it writes.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

import analytics.apps.report as report_module
import analytics.present.exports as exports
from analytics.apps import cli
from analytics.present.manifest import MANIFEST, verify

from .conftest import REPO, only_report_notebook, replace

ONE_SCORE = REPO / "data" / "examples" / "one-score"


def check(folder: Path, out: Path) -> int:
    return cli.main(["check", str(folder), "--out", str(out), "--quiet"])


def files(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (hidden ones too) by its path there."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def hidden(folder: Path) -> list[str]:
    """What a run may leave behind: temporary files, work folders (anything hidden)."""
    return [p.relative_to(folder).as_posix() for p in folder.rglob(".*")]


def outputs(out: Path) -> list[str]:
    return json.loads((out / MANIFEST).read_text(encoding="utf-8"))["written"]


def chairs_files(out: Path) -> dict[str, tuple[bytes, int, int]]:
    """The chair's own files in ``out``: a note, a subfolder with a file in it."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "notes.txt").write_text("the chair's own notes\n", encoding="utf-8")
    (out / "drafts").mkdir()
    (out / "drafts" / "speech.md").write_text("# Thanks to the jury\n", encoding="utf-8")
    return stamps(out, "notes.txt", "drafts/speech.md", "drafts")


def stamps(out: Path, *names: str) -> dict[str, tuple[bytes, int, int]]:
    """Bytes (of a file), inode and modification time of each of ``names`` in ``out``."""
    found = {}
    for name in names:
        path, status = out / name, (out / name).stat()
        found[name] = (path.read_bytes() if path.is_file() else b"", status.st_ino, status.st_mtime_ns)
    return found


@pytest.fixture
def changed(mini: Path, tmp_path: Path) -> Path:
    """The mini festival with one score changed: outputs that differ from the mini's."""
    folder = Path(shutil.copytree(mini, tmp_path / "changed"))
    replace(folder / "scores.csv", "GC-1,A1,story,7.5", "GC-1,A1,story,9.5")
    return folder


# -- jury check --out --------------------------------------------------------------------

def test_the_chairs_files_and_the_folder_itself_survive_two_runs_untouched(tmp_path, mini, changed):
    out = tmp_path / "out"
    before = chairs_files(out)
    folder_inode = out.stat().st_ino
    assert check(mini, out) in (0, 1)
    assert check(changed, out) in (0, 1)
    assert stamps(out, *before) == before  # same bytes, same inode, not even rewritten
    assert out.stat().st_ino == folder_inode  # the folder was not swapped
    assert "flags.csv" in outputs(out) and "notes.txt" not in outputs(out)
    assert hidden(out) == []


def test_a_file_held_open_in_the_folder_keeps_receiving_writes(tmp_path, mini, changed):
    out = tmp_path / "out"
    out.mkdir()
    folder_inode = out.stat().st_ino
    with (out / "live.log").open("a", encoding="utf-8") as log:
        log.write("before the runs\n")
        log.flush()
        assert check(mini, out) in (0, 1)
        log.write("between the runs\n")
        log.flush()
        assert check(changed, out) in (0, 1)
        log.write("after the runs\n")
    assert (out / "live.log").read_text(encoding="utf-8") == "before the runs\nbetween the runs\nafter the runs\n"
    assert out.stat().st_ino == folder_inode


def test_an_output_replaced_is_a_new_file_and_a_reader_of_the_old_one_reads_it_whole(tmp_path, mini, changed):
    out = tmp_path / "out"
    assert check(mini, out) in (0, 1)
    old = (out / "rankings.csv").read_bytes()
    with (out / "rankings.csv").open("rb") as reader:  # e.g. a spreadsheet that has it open
        assert check(changed, out) in (0, 1)
        assert reader.read() == old
    assert (out / "rankings.csv").read_bytes() != old


def test_stale_outputs_of_an_earlier_run_are_removed_and_nothing_else(tmp_path, mini):
    with_rasch = Path(shutil.copytree(mini, tmp_path / "with-rasch"))
    (with_rasch / "festival.toml").write_text((mini / "festival.toml").read_text(encoding="utf-8") + "\n[rasch]\n",
                                              encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "rasch-notes.csv").write_text("juror,remark\nA1,strict\n", encoding="utf-8")
    assert check(with_rasch, out) in (0, 1)
    assert (out / "rasch.csv").is_file() and "rasch.csv" in outputs(out)
    assert check(mini, out) in (0, 1)  # the same festival without [rasch]
    names = {p.name for p in out.iterdir()}
    assert not {n for n in names if n.startswith("rasch_") or n == "rasch.csv"}
    assert "rasch-notes.csv" in names and (out / "rasch-notes.csv").read_text(encoding="utf-8") == "juror,remark\nA1,strict\n"
    assert names == {*outputs(out), MANIFEST, "rasch-notes.csv"}
    assert verify(out) == []


def test_a_folder_that_no_longer_loads_and_then_loads_again(tmp_path, mini, capsys):
    out = tmp_path / "out"
    before = chairs_files(out)
    assert check(mini, out) in (0, 1)
    good = set(outputs(out))
    scores = (mini / "scores.csv").read_bytes()
    (mini / "scores.csv").write_text("entry_id,juror_id,criterion,score\nGC-1,A1,story,eleven\n", encoding="utf-8")
    assert check(mini, out) == cli.EXIT_BAD_INPUT
    # the problems, in place of the results of earlier inputs (and of their manifest); the chair's files stay
    assert {p.name for p in out.iterdir()} == {"problems.csv", "notes.txt", "drafts"}
    assert cli.main(["verify", str(out)]) == cli.EXIT_BAD_INPUT  # no manifest: nothing to vouch for
    (mini / "scores.csv").write_bytes(scores)
    assert check(mini, out) in (0, 1)
    assert {p.name for p in out.iterdir()} == good | {MANIFEST, "notes.txt", "drafts"}  # problems.csv removed
    assert stamps(out, *before) == before
    capsys.readouterr()


def test_a_failure_while_writing_leaves_every_output_as_it_was(tmp_path, mini, changed, monkeypatch):
    out = tmp_path / "out"
    chairs_files(out)
    assert check(mini, out) in (0, 1)
    old = files(out)
    real = pd.DataFrame.to_csv
    written = []

    def failing_on_the_third_file(self, path=None, *args, **kwargs):
        if path is not None and Path(path).parent == out:
            written.append(path)
            if len(written) == 3:
                raise OSError(28, "No space left on device")
        return real(self, path, *args, **kwargs)

    monkeypatch.setattr(pd.DataFrame, "to_csv", failing_on_the_third_file)
    assert check(changed, out) == cli.EXIT_INTERNAL
    assert len(written) == 3 and all(Path(p).name.startswith(".") for p in written)  # temporary files
    assert files(out) == old  # no output was put in place before all were written
    assert hidden(out) == []
    assert verify(out) == []


def test_a_failure_while_putting_outputs_in_place_leaves_each_whole(tmp_path, mini, changed, monkeypatch):
    out, reference = tmp_path / "out", tmp_path / "reference"
    assert check(mini, out) in (0, 1)
    assert check(changed, reference) in (0, 1)
    old, new = files(out), files(reference)
    last = len(outputs(out))
    real = os.replace
    placed = []

    def failing_on_the_last_rename(source, target):
        if Path(target).parent == out and Path(target).suffix == ".csv":
            placed.append(Path(target).name)
            if len(placed) == last:
                raise OSError(5, "Input/output error")
        real(source, target)

    monkeypatch.setattr(exports.os, "replace", failing_on_the_last_rename)
    assert check(changed, out) == cli.EXIT_INTERNAL
    monkeypatch.undo()
    assert hidden(out) == []
    now = files(out)
    assert set(now) == set(old)
    for name, data in now.items():  # each file whole: the old one or the new one
        assert data in (old[name], new[name]), name
    replaced = [name for name in now if now[name] != old[name]]
    assert replaced and set(replaced) <= set(placed[:-1])  # rankings.csv among them
    assert cli.main(["verify", str(out)]) == cli.EXIT_BLOCKERS  # the manifest is still the earlier run's: it says so
    assert check(changed, out) in (0, 1)
    assert cli.main(["verify", str(out)]) == cli.EXIT_OK


def test_jury_verify_passes_after_a_run_and_two_runs_give_the_same_bytes(tmp_path, mini):
    out = tmp_path / "out"
    chairs_files(out)
    assert check(mini, out) in (0, 1)
    assert cli.main(["verify", str(out)]) == cli.EXIT_OK
    first = {name: data for name, data in files(out).items() if name != MANIFEST}
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    assert check(mini, out) in (0, 1)
    assert {name: data for name, data in files(out).items() if name != MANIFEST} == first
    again = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    assert again["outputs"] == manifest["outputs"] and again["written"] == manifest["written"]
    assert cli.main(["verify", str(out)]) == cli.EXIT_OK


def test_new_outputs_have_the_permissions_the_umask_gives(tmp_path, mini):
    out = tmp_path / "out"
    umask = os.umask(0o027)
    try:
        assert check(mini, out) in (0, 1)
    finally:
        os.umask(umask)
    for path in out.iterdir():
        assert path.stat().st_mode & 0o777 == 0o640, path.name


def test_write_tables_never_removes_what_no_manifest_names(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "mine.csv").write_text("a\n1\n", encoding="utf-8")
    (out / "mine").mkdir()
    exports.write_tables(out, {"flags": pd.DataFrame({"a": [1]})},
                         drop={"mine", "../out/mine.csv", "/etc/hostname", ".hidden", "flags.csv"})
    assert sorted(p.name for p in out.iterdir()) == ["flags.csv", "mine", "mine.csv"]


def test_a_failed_write_into_a_new_folder_leaves_no_folder(tmp_path, monkeypatch):
    def broken(self, *args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_csv", broken)
    with pytest.raises(OSError):
        exports.write_tables(tmp_path / "new" / "out", {"flags": pd.DataFrame({"a": [1]})})
    assert list(tmp_path.iterdir()) == []


# -- jury feedback --out -----------------------------------------------------------------

def test_feedback_pages_are_written_in_place_and_a_gone_jurors_page_removed(tmp_path):
    festival = Path(shutil.copytree(ONE_SCORE, tmp_path / "one-score"))
    out = tmp_path / "pages"
    before = chairs_files(out)
    folder_inode = out.stat().st_ino
    assert cli.main(["feedback", str(festival), "--out", str(out), "--quiet"]) == 0
    assert (out / "JR03.html").is_file() and "JR03.html" in outputs(out)
    assert cli.main(["verify", str(out)]) == cli.EXIT_OK
    scores = pd.read_csv(festival / "scores.csv", dtype=str, keep_default_na=False)
    scores[scores["juror_id"] != "JR03"].to_csv(festival / "scores.csv", index=False)  # JR03 no longer scores
    assert cli.main(["feedback", str(festival), "--out", str(out), "--quiet"]) == 0
    assert not (out / "JR03.html").exists() and len(list(out.glob("*.html"))) == 10
    assert stamps(out, *before) == before and out.stat().st_ino == folder_inode
    assert cli.main(["verify", str(out)]) == cli.EXIT_OK
    assert hidden(out) == []


# -- jury report --out -------------------------------------------------------------------

@pytest.mark.slow
def test_jury_report_writes_in_place_keeping_the_chairs_files(tmp_path, monkeypatch):
    monkeypatch.setattr(report_module, "NOTEBOOKS_DIR", only_report_notebook(tmp_path))
    out = tmp_path / "report"

    def report() -> int:
        return cli.main(["report", str(ONE_SCORE), "--out", str(out), "--no-pdf", "--draft", "--quiet"])

    assert report() == 0
    first = files(out)
    assert "public/rankings.csv" in outputs(out) and "confidential/flags.csv" in outputs(out)
    before = chairs_files(out)
    (out / "public" / "handout-note.txt").write_text("printed for the press\n", encoding="utf-8")
    before |= stamps(out, "public/handout-note.txt")
    # a file of an earlier report that this one does not write (as report.pdf after --no-pdf)
    (out / "confidential" / "notebooks" / "01-load-and-validate.ipynb").write_text("{}", encoding="utf-8")
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    manifest["written"].append("confidential/notebooks/01-load-and-validate.ipynb")
    (out / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    inodes = {name: (out / name).stat().st_ino for name in ("public", "confidential")} | {".": out.stat().st_ino}
    with (out / "live.log").open("a", encoding="utf-8") as log:
        assert report() == 0
        assert verify(out) == []  # the chair's files are in the folder, as in that of jury check --out
        log.write("still here\n")
    assert (out / "live.log").read_text(encoding="utf-8") == "still here\n"
    assert stamps(out, *before) == before
    assert {name: (out / name).stat().st_ino for name in ("public", "confidential")} | {".": out.stat().st_ino} == inodes
    assert not (out / "confidential" / "notebooks" / "01-load-and-validate.ipynb").exists()
    assert hidden(out) == []
    again = files(out)
    for name in ("report.html", "chair.html", "public/results.xlsx", "confidential/results.xlsx",
                 *[n for n in first if n.endswith(".csv")]):
        assert again[name] == first[name], name  # the same bytes, run after run

    def broken(*args, **kwargs):
        raise RuntimeError("the kernel caught fire")

    monkeypatch.setattr(report_module, "make_pages", broken)
    kept = files(out)
    assert report() == cli.EXIT_INTERNAL
    assert files(out) == kept and hidden(out) == []  # the work folder removed, every output as it was


def test_the_manifest_lists_the_outputs_not_the_users_files(tmp_path):
    """A user's file beside the outputs is theirs: not hashed into manifest.json, so editing it leaves `jury verify`
    content; an output changed after the run is still reported."""
    from analytics.apps.cli import main
    from analytics.present.manifest import verify

    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("my notes\n", encoding="utf-8")
    assert main(["check", "data/examples/one-score", "--out", str(out), "--quiet"]) in (0, 1)
    recorded = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert "notes.txt" not in recorded["outputs"] and "rankings.csv" in recorded["outputs"]
    with open(out / "notes.txt", "a", encoding="utf-8") as handle:
        handle.write("more\n")
    assert verify(out) == []
    with open(out / "rankings.csv", "a", encoding="utf-8") as handle:
        handle.write("x\n")
    assert verify(out) == ["output rankings.csv: changed since the manifest (SHA-256 differs)"]
