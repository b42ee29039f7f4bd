"""Safe exports: formula injection neutralised, and a failed write never replaces a good folder."""

from __future__ import annotations


import pandas as pd
import pytest

from analytics.present.exports import neutralise, write_tables


@pytest.mark.parametrize("text", ["=HYPERLINK(\"http://x\",\"click\")", "+1", "-2+3", "@SUM(A1:A9)", "\tx", "\rx"])
def test_text_that_a_spreadsheet_would_run_is_neutralised(text):
    cell = neutralise(pd.DataFrame({"title": [text]}))["title"].item()
    assert cell == "'" + text


def test_ordinary_text_numbers_and_missing_values_are_untouched():
    frame = pd.DataFrame({"title": ["霓虹之夢", None, "a=b"], "score": [-1.5, 0.0, 3.0]})
    pd.testing.assert_frame_equal(neutralise(frame), frame)


def test_written_csv_is_neutralised_and_the_folder_keeps_other_files(tmp_path):
    out = tmp_path / "out"
    (out / "notebooks").mkdir(parents=True)
    (out / "notebooks" / "01.ipynb").write_text("{}", encoding="utf-8")
    write_tables(out, {"rankings": pd.DataFrame({"title": ["=cmd|' /C calc'!A0"], "score": [7.5]})})
    text = (out / "rankings.csv").read_text(encoding="utf-8")
    assert text == "title,score\n'=cmd|' /C calc'!A0,7.5\n"
    assert (out / "notebooks" / "01.ipynb").exists()


def test_a_failed_write_leaves_the_previous_folder_intact(tmp_path, monkeypatch):
    out = tmp_path / "out"
    write_tables(out, {"flags": pd.DataFrame({"a": [1]})})
    before = (out / "flags.csv").read_bytes()
    real = pd.DataFrame.to_csv
    calls = []

    def failing_on_the_second_file(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise OSError("disk full")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(pd.DataFrame, "to_csv", failing_on_the_second_file)
    with pytest.raises(OSError, match="disk full"):
        write_tables(out, {"flags": pd.DataFrame({"a": [2]}), "rankings": pd.DataFrame({"b": [1]})})
    assert (out / "flags.csv").read_bytes() == before  # the new flags.csv was written, but only in staging
    assert sorted(p.name for p in out.iterdir()) == ["flags.csv"]
    assert [p.name for p in tmp_path.iterdir()] == ["out"]  # no staging folder left behind


