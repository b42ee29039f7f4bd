"""Every number `jury check --out` writes is the same as before the redesign of issue 20.

``tests/fixtures/baseline/<name>/`` holds the tables that `jury check --out` wrote on
``data/demo`` (with and without the chair's decisions of ``data/examples/demo-decisions.csv``)
and on each runnable folder of ``data/examples``, at commit 70a0e24 (before the redesign: new
layers, one registry object per check family, one renderer). A later change that moves a number
must say so here, with the reason, and update the fixture in the same commit.

Changes since:

- ``first_place_unstable`` on the demo (issue 21, each juror left out computed per entry they
  scored): a juror whose absence leaves another entry exactly level with the leader is listed,
  as "ties for first". Before, such a tie was read off the last bit of a float (GC-19's
  8.225000000000001 against GC-06's 8.225 without JR02 "won"; 8.275 against 8.275 without JR05
  did not), so JR05 and JR08 were missing and JR02 and JR04 were said to win. The flag's value
  (jurors listed) goes from 4 to 6; ``rankings.csv`` is unchanged.
- ``rankings.csv`` p_first, p_top3 and the rank interval on the demo (issue 21, the resampled
  juries streamed in chunks): a resampled jury's results are now compared to 9 decimals, as the
  juror left out already was, so an exact tie is a tie. Before, it turned on the last bit of a
  float (a mean of 98/15 came out 6.533333333333333 or 6.533333333333335 depending on how many
  juries were computed together), so the numbers depended on the chunking. GC-06's p_first goes
  from 0.549 to 0.5535 (GC-19's from 0.451 to 0.4465: their shared first places now split),
  GC-07's p_top3 from 0.661 to 0.673, DB-11's from 0.574 to 0.632; a few rank interval ends move
  by one place; ``flags.csv`` carries GC-06's new p_first as the value of its
  ``first_place_uncertain`` flag (its message, 55%, is unchanged).
- The demo configures ``[rasch]`` (issue 23): ``jury check --out`` on it also writes ``rasch.csv``,
  ``rasch_thresholds.csv``, ``rasch_unexpected.csv``, ``rasch_separation.csv`` and ``rasch_interactions.csv``;
  ``flags.csv`` gains one flag, ``rasch_misfit`` for JR07 (the planted juror who gives every film nearly the same
  score); ``rankings.csv`` gains ``score_fair`` and ``rank_fair`` (the Rasch fair average). Every other row and
  column is unchanged.
- ``collusion.csv`` (issue 24: the collusion screen runs on every festival): the pairs of jurors who judged
  eight entries or more in common, none flagged in these folders; every other table is unchanged.
- The demo gains assessed AI participation (issue 25): three verifiers (``jurors.csv`` role ``verifier``, who
  score nothing) assess every Generative Cinema entry in ``participation_assessments.csv``; GC-16 now declares 58%
  (its dimension shares with it), which the verifiers put at 45-50%. ``jury check --out`` on the demo also writes
  ``participation_assessed.csv``, ``assessment_agreement.csv`` and ``assessor_lean.csv``; ``eligibility.csv`` and
  ``score_effects.csv`` follow GC-16's new declaration; ``flags.csv`` gains the assessed-participation flags (GC-16
  and GC-21 assessed below the line, GC-14 across it, GC-16 disputed, VF03's lean). With the chair's decisions
  (``demo-decisions.csv`` disqualifies GC-16 and keeps GC-14) every table of ``demo-decided`` follows GC-16 leaving
  the lane; ``demo``'s other tables are unchanged.
- Assessed participation after its review (issue 25): ``assessor_lean.csv`` gives each assessor's lean from the
  median assessor's, as the flag, the report and the feedback pages read it (VF03 -9.84 where the model's mean-centred
  effect was -6.80; the median assessor VF02 0); ``participation_assessed.csv`` holds intervals within 0-100 (a
  share cannot pass 100: GC-04's editing, GC-06's sound and GC-09's writing end at 100.0); ``flags.csv``: GC-14's
  ``ai_share_uncertain`` message adds how often resampled panels of its assessors reach the line (0%, of 10
  distinct panels). Every other table is unchanged.
- ``juror_severity.csv`` gains a ``reason`` column (issue 21: why a juror has no severity where
  each juror scored one entry), empty in every folder here; every number is unchanged.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analytics.apps.cli import main

REPO = Path(__file__).resolve().parents[1]
BASELINE = REPO / "tests" / "fixtures" / "baseline"
FOLDERS = {
    "demo": (REPO / "data" / "demo", None),
    "demo-decided": (REPO / "data" / "demo", REPO / "data" / "examples" / "demo-decisions.csv"),
    "one-score": (REPO / "data" / "examples" / "one-score", None),
    "rounds": (REPO / "data" / "examples" / "rounds", None),
    "wide-sheet": (REPO / "data" / "examples" / "wide-sheet", None),
}
#: the exit code of each run: the gate (1: blockers open; the decided demo publishes)
EXIT = {"demo": 1, "demo-decided": 0, "one-score": 1, "rounds": 1, "wide-sheet": 1}


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, keep_default_na=False, na_values=[""], dtype=str)


def _numeric(frame: pd.DataFrame) -> pd.DataFrame:
    """Columns that parse as numbers compared as numbers (formatting aside), the rest as text."""
    out = frame.copy()
    for name in out.columns:
        parsed = pd.to_numeric(out[name], errors="coerce")
        if parsed.notna().sum() == out[name].notna().sum():
            out[name] = parsed.astype(float)
    return out


@pytest.mark.parametrize("name", sorted(FOLDERS))
def test_every_table_of_jury_check_is_unchanged(name, tmp_path, capsys):
    folder, decisions = FOLDERS[name]
    argv = ["check", str(folder), "--out", str(tmp_path / name), "--quiet"]
    if decisions is not None:
        argv += ["--decisions", str(decisions)]
    assert main(argv) == EXIT[name]
    capsys.readouterr()
    expected = sorted(p.name for p in (BASELINE / name).glob("*.csv"))
    written = sorted(p.name for p in (tmp_path / name).glob("*.csv"))
    assert written == expected
    for table in expected:
        before, now = _numeric(_read(BASELINE / name / table)), _numeric(_read(tmp_path / name / table))
        pd.testing.assert_frame_equal(now, before, rtol=1e-10, atol=1e-12, check_dtype=False, obj=f"{name}/{table}")
