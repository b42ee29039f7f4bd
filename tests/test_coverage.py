"""Coverage: expected, scored, conflicted and unassigned pairs, and the counts built on them."""

from __future__ import annotations

from analytics import load_festival
from analytics.checks.coverage import coverage, criterion_summary, juror_summary, lane_summary, missing_scores

from .conftest import append, replace


def status_of(festival) -> dict:
    table = coverage(festival)
    return {(j, e): s for j, e, s in zip(table["juror_id"], table["entry_id"], table["status"])}


def test_statuses_on_the_mini_festival(mini):
    status = status_of(load_festival(mini))
    assert status[("A2", "GC-2")] == "conflict"  # declared and, rightly, not scored
    assert {s for k, s in status.items() if k != ("A2", "GC-2")} == {"complete"}


def test_a_scored_conflict_a_partial_and_a_missing_pair(mini):
    append(mini / "scores.csv", "GC-2,A2,story,6")
    lines = (mini / "scores.csv").read_text(encoding="utf-8").splitlines()
    kept = [line for line in lines if not line.startswith("DB-2,B2,") and line != "GC-1,A1,craft,8"]
    (mini / "scores.csv").write_text("\n".join(kept) + "\n", encoding="utf-8")
    festival = load_festival(mini)
    status = status_of(festival)
    assert (status[("A2", "GC-2")], status[("A1", "GC-1")], status[("B2", "DB-2")]) == ("conflict_scored", "partial", "missing")
    missing = missing_scores(festival)
    assert missing[["juror_id", "entry_id", "criterion"]].values.tolist() == [
        ["B2", "DB-2", "story"], ["B2", "DB-2", "craft"], ["B2", "DB-2", "ethics"], ["A1", "GC-1", "craft"]]
    lanes = lane_summary(festival).set_index("lane")
    assert lanes.loc["generative_cinema", ["n_scores", "n_expected", "n_missing", "n_conflicts", "n_conflicts_scored"]].tolist() == [
        9, 9, 1, 1, 1]
    assert lanes.loc["digital_being", ["n_scores", "n_expected", "n_missing"]].tolist() == [9, 12, 3]


def test_unassigned_scores_with_an_assignments_table(mini):
    (mini / "assignments.csv").write_text("juror_id,entry_id\nA1,GC-1\nA1,GC-2\nA2,GC-1\nB1,DB-1\nB1,DB-2\nB2,DB-1\n",
                                          encoding="utf-8")
    festival = load_festival(mini)
    status = status_of(festival)
    assert status[("B2", "DB-2")] == "unassigned"
    assert lane_summary(festival).set_index("lane").loc["digital_being", "n_unassigned"] == 1
    assert missing_scores(festival).empty


def test_juror_and_criterion_summaries(mini):
    replace(mini / "scores.csv", "GC-1,A1,craft,8\n", "")
    festival = load_festival(mini)
    jurors = juror_summary(festival).set_index("juror_id")
    assert jurors.loc["A1", ["n_entries", "n_scores", "n_missing"]].tolist() == [2, 5, 1]
    assert jurors.loc["A2", ["n_entries", "n_scores", "n_missing"]].tolist() == [1, 3, 0]
    assert jurors.loc["A1", "mean_score"] == (7.5 + 8.5 + 6 + 6.5 + 7) / 5
    criteria = criterion_summary(festival)
    assert criteria[["lane", "criterion"]].values.tolist()[:3] == [
        ["generative_cinema", "story"], ["generative_cinema", "craft"], ["generative_cinema", "ethics"]]
    assert criteria["n_scores"].sum() == 20
