"""Reading tables as text: files, encodings, sheets, headers, blank rows, column mapping."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from analytics import load_festival

from .conftest import append, only_problem, problems, replace


def test_missing_required_file(mini):
    (mini / "scores.csv").unlink()
    problem = only_problem(mini)
    assert (problem.file, problem.row, problem.column) == ("scores.csv", None, None)
    assert problem.expected == "the file is missing; expected scores.csv with the columns entry_id, juror_id, criterion, score"


def test_missing_festival_toml(mini):
    (mini / "festival.toml").unlink()
    found = problems(mini)
    assert found[0].file == "festival.toml"
    assert found[0].expected.startswith("the file is missing")


def test_missing_folder(tmp_path):
    problem = only_problem(tmp_path / "nowhere")
    assert problem.expected.startswith("no such folder")


def test_optional_files_may_be_absent(mini):
    (mini / "conflicts.csv").unlink()
    festival = load_festival(mini)
    assert festival.conflicts.empty and list(festival.conflicts.columns[1:]) == ["juror_id", "entry_id", "reason"]
    assert festival.decisions.empty


@pytest.mark.parametrize("content", [b"", b"\n\n", b"\xef\xbb\xbf"])
def test_empty_file(mini, content):
    (mini / "jurors.csv").write_bytes(content)
    problem = only_problem(mini)
    assert (problem.file, problem.row) == ("jurors.csv", None)
    assert problem.expected.startswith("the file is empty")


def test_header_without_rows(mini):
    (mini / "jurors.csv").write_text("juror_id,name,panel,faction,role\n", encoding="utf-8")
    found = problems(mini)
    assert found[0].sentence() == "jurors.csv: the table has a header but no rows; expected one row per record"


def test_an_optional_table_with_only_its_header_declares_nothing(mini):
    (mini / "conflicts.csv").write_text("juror_id,entry_id,reason\n", encoding="utf-8")
    (mini / "decisions.csv").write_text("flag_id,action,reason,decided_by,decided_at\n", encoding="utf-8")
    festival = load_festival(mini)
    assert festival.conflicts.empty and festival.decisions.empty


def test_missing_column_names_what_was_found_and_how_to_map(mini):
    replace(mini / "scores.csv", "entry_id,juror_id,criterion,score", "entry_id,judge,criterion,score")
    problem = only_problem(mini)
    assert (problem.file, problem.row, problem.column) == ("scores.csv", 1, "juror_id")
    assert problem.expected == ("expected a column named 'juror_id' (the columns found are: entry_id, judge, criterion, score); "
                                "if your export names it differently, map it in festival.toml under [columns.scores]")


def test_extra_column_is_kept_not_an_error(mini):
    text = (mini / "jurors.csv").read_text(encoding="utf-8").splitlines()
    lines = [text[0] + ",email"] + [line + f",j{i}@example.org" for i, line in enumerate(text[1:])]
    (mini / "jurors.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    jurors = load_festival(mini).jurors
    assert jurors["email"].tolist() == [f"j{i}@example.org" for i in range(4)]


def test_duplicate_column_names(mini):
    replace(mini / "jurors.csv", "juror_id,name,panel,faction,role", "juror_id,name,panel,faction,name")
    (duplicate,) = problems(mini)  # role is optional (design section 9): only the repeated name is wrong
    assert (duplicate.row, duplicate.column) == (1, "name")
    assert duplicate.expected == "expected each column name once; 'name' appears 2 times"


def test_bom_is_accepted_and_traditional_chinese_round_trips(mini):
    raw = (mini / "entries.csv").read_bytes()
    (mini / "entries.csv").write_bytes(b"\xef\xbb\xbf" + raw)
    entries = load_festival(mini).entries.set_index("entry_id")
    assert entries.loc["GC-1", "title"] == "霓虹之夢"
    assert entries.loc["DB-1", "title"] == "數碼花開"
    assert entries.loc["GC-2", "title"] == "Latent Harbour, Part 2"  # a quoted comma stays in the title


def test_bytes_that_are_not_utf8_name_the_likely_encoding(mini):
    text = (mini / "entries.csv").read_text(encoding="utf-8")
    (mini / "entries.csv").write_bytes(text.encode("big5"))
    problem = only_problem(mini)
    assert (problem.file, problem.row) == ("entries.csv", 2)  # the first Chinese title is on line 2
    assert problem.value.startswith("bytes ")
    assert "it looks saved as Big5 (Traditional Chinese)" in problem.expected
    assert "'CSV UTF-8 (Comma delimited)'" in problem.expected


def test_utf16_is_named(mini):
    text = (mini / "jurors.csv").read_text(encoding="utf-8")
    (mini / "jurors.csv").write_bytes(text.encode("utf-16"))
    assert "saved as UTF-16" in only_problem(mini).expected


def test_ragged_rows_are_reported_with_their_rows(mini):
    append(mini / "jurors.csv", "C1,Lee, Ann,digital_being,art,member")
    problem = only_problem(mini)
    assert (problem.file, problem.row) == ("jurors.csv", 6)
    assert problem.expected.startswith("at most 5 values (the header has 5)")


def test_blank_lines_are_skipped_but_row_numbers_stay_true(mini):
    lines = (mini / "scores.csv").read_text(encoding="utf-8").splitlines()
    lines.insert(3, "")
    lines.insert(4, ",,,")
    lines[10] = lines[10].rsplit(",", 1)[0] + ",eleven"
    (mini / "scores.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    problem = only_problem(mini)
    assert (problem.row, problem.value) == (11, "eleven")  # the row a spreadsheet shows


def test_column_mapping_reads_a_platform_export(mini):
    replace(mini / "scores.csv", "entry_id,juror_id,criterion,score", "Submission,Judge ID,Criterion Name,Points")
    replace(mini / "festival.toml", "[participation]",
            '[columns.scores]\nentry_id = "Submission"\njuror_id = "Judge ID"\ncriterion = "Criterion Name"\n'
            'score = "Points"\n\n[participation]')
    scores = load_festival(mini).scores
    assert len(scores) == 21 and scores["score"].dtype == "float64"


def test_column_mapping_errors(mini):
    replace(mini / "festival.toml", "[participation]", '[columns.scores]\nscore = "score"\nmark = "Mark"\n\n'
                                                       '[columns.reviews]\nx = "y"\n\n[participation]')
    expected = {p.column: p.expected for p in problems(mini)}
    assert expected["columns.reviews"].startswith("unknown table; the tables are: entries, jurors, scores")
    assert expected["columns.scores.mark"].startswith("expected a column of scores:")


def _write_workbook(folder, names):
    with pd.ExcelWriter(folder / "festival.xlsx", engine="openpyxl") as book:
        for name in names:
            csv = folder / f"{name}.csv"
            pd.read_csv(csv, dtype=str, keep_default_na=False).to_excel(book, sheet_name=name, index=False)
            csv.unlink()


def test_xlsx_workbook_gives_the_same_tables_as_csv(mini, tmp_path):
    from_csv = load_festival(mini)
    book_folder = shutil.copytree(mini, tmp_path / "book")
    _write_workbook(book_folder, ["entries", "jurors", "scores", "conflicts"])
    from_xlsx = load_festival(book_folder)
    for name in ("entries", "jurors", "scores", "conflicts"):
        pd.testing.assert_frame_equal(getattr(from_xlsx, name), getattr(from_csv, name), check_dtype=True)
    assert from_xlsx.sources["scores"] == "festival.xlsx[scores]"


def test_xlsx_problems_name_the_sheet_and_row(mini):
    replace(mini / "scores.csv", "GC-1,A1,story,7.5", "GC-1,A1,story,12")
    _write_workbook(mini, ["scores"])
    problem = only_problem(mini)
    assert (problem.file, problem.row, problem.value) == ("festival.xlsx[scores]", 2, "12")


def test_a_table_in_both_csv_and_workbook_is_ambiguous(mini):
    shutil.copy(mini / "jurors.csv", mini / "keep.csv")
    _write_workbook(mini, ["jurors"])
    shutil.move(mini / "keep.csv", mini / "jurors.csv")
    problem = only_problem(mini)
    assert "both in jurors.csv and in the sheet 'jurors' of festival.xlsx" in problem.expected


# --- wide sheets: [layout] scores = "wide_jurors" | "wide_criteria" ---------------------

def _wide_jurors(mini, text: str) -> None:
    replace(mini / "festival.toml", "[participation]", '[layout]\nscores = "wide_jurors"\n\n[participation]')
    (mini / "scores.csv").write_text(text, encoding="utf-8")


def _long_scores(folder) -> pd.DataFrame:
    s = load_festival(folder).scores
    return s[["entry_id", "juror_id", "criterion", "score"]].sort_values(["entry_id", "juror_id", "criterion"],
                                                                           ignore_index=True)


def test_a_wide_jurors_sheet_gives_the_scores_of_the_long_one(mini, tmp_path):
    long = _long_scores(mini)
    wide = long.pivot(index=["entry_id", "criterion"], columns="juror_id", values="score").reset_index()
    text = wide.to_csv(index=False, float_format="%g").replace(",nan", ",")
    _wide_jurors(mini, text)
    pd.testing.assert_frame_equal(_long_scores(mini), long)


def test_a_wide_criteria_sheet_gives_the_scores_of_the_long_one(mini):
    long = _long_scores(mini)
    wide = long.pivot(index=["entry_id", "juror_id"], columns="criterion", values="score").reset_index()
    replace(mini / "festival.toml", "[participation]", '[layout]\nscores = "wide_criteria"\n\n[participation]')
    (mini / "scores.csv").write_text(wide.to_csv(index=False, float_format="%g"), encoding="utf-8")
    pd.testing.assert_frame_equal(_long_scores(mini), long)


def test_wide_sheet_problems_name_the_sheets_own_row_and_column(mini):
    _wide_jurors(mini, "entry_id,criterion,A1,A2,A9,A2\nGC-1,story,7,eight,6,7\nGC-1,craft,7,8,,\n")
    found = problems(mini)
    assert [(p.row, p.column, p.value, p.expected) for p in found] == [
        (1, "A2", None, "expected each column name once; 'A2' appears 2 times"),
        (1, "A9", "A9", "a juror_id of jurors.csv: in a wide_jurors sheet every column other than entry_id, criterion, "
                        "round, performance, submitted_at, comment is one juror")]
    (mini / "scores.csv").write_text("entry_id,criterion,A1,A2\nGC-1,story,7,eight\nGC-1,craft,7,11\nGC-1,ethics,,8\n",
                                     encoding="utf-8")
    found = problems(mini)
    assert [(p.file, p.row, p.column, p.value) for p in found] == [
        ("scores.csv", 2, "A2", "eight"), ("scores.csv", 3, "A2", "11")]  # the juror's column, the sheet's row


def test_a_wide_sheet_needs_its_keys(mini):
    _wide_jurors(mini, "A1,A2\n7,8\n")
    found = problems(mini)
    assert [(p.column, p.expected) for p in found] == [
        ("entry_id", "expected a column named 'entry_id' in a wide_jurors sheet (the columns found are: A1, A2)"),
        ("criterion", "expected a column named 'criterion' in a wide_jurors sheet (the columns found are: A1, A2)")]


def test_a_configured_rule_whose_column_is_missing_names_the_rule(mini):
    entries = pd.read_csv(mini / "entries.csv", dtype=str, keep_default_na=False).drop(columns=["runtime_min", "tools"])
    entries.to_csv(mini / "entries.csv", index=False)
    (problem,) = problems(mini)  # tools is optional; runtime_min is read by the configured runtime rule
    assert (problem.file, problem.row, problem.column) == ("entries.csv", 1, "runtime_min")
    assert problem.expected.endswith("the runtime rule ([requirements] feature_min_runtime / short_min_runtime in "
                                     "festival.toml) reads it: add the column, or leave the rule out of festival.toml")


def test_the_core_columns_are_all_a_folder_needs(mini):
    entries = pd.read_csv(mini / "entries.csv", dtype=str, keep_default_na=False)[["entry_id", "title", "category"]]
    entries.to_csv(mini / "entries.csv", index=False)
    jurors = pd.read_csv(mini / "jurors.csv", dtype=str, keep_default_na=False)[["juror_id", "name", "panel"]]
    jurors.to_csv(mini / "jurors.csv", index=False)
    text = (mini / "festival.toml").read_text(encoding="utf-8")
    core = text.split("[participation]")[0].replace("ai_share_min = 51\nai_share_typical_max = 70\n", "")
    (mini / "festival.toml").write_text(core, encoding="utf-8")
    festival = load_festival(mini)
    assert len(festival.entries) == 4 and festival.config.participation is None
