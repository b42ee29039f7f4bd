"""The rank examples (analytics.synthetic.contests, design section 15): a song contest's jury vote and a
dance final by the Skating System.

The contest's official result is recomputed here from the example's CSV files and festival.toml alone, in
exact arithmetic (``fractions.Fraction``), with nothing imported from ``analytics`` for the computation:

- each jury's mean place per song, over its jurors who ranked the song (a juror does not rank their own
  country's song);
- the jury's ranking: lower mean place first; a tie goes to the higher ``televote`` of entries.csv
  (``[aggregation] tie_break``); songs still tied share their places, and the points of those places
  are averaged;
- the jury's top ten get ``[aggregation] juries.points`` (12, 10, 8, 7, 6, 5, 4, 3, 2, 1), summed over
  the 36 juries: the scoreboard, ordered by points, a tie by the televote;
- each jury left out whole, the scoreboard again: each song's best and worst rank, as
  :mod:`analytics.rules.leave_one_out` documents them (competition ranks: 1 + the songs with more points;
  ties share the best rank; the tie-break is not applied).

The recomputation is checked by hand on a small vote worked out in the comments, then against what
``jury check`` writes (rankings.csv, entry_scores.csv, flags.csv, collusion.csv). The dance final's places
are recomputed in tests/test_ranked.py (the Skating System read literally).
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import tomllib
from collections import defaultdict
from fractions import Fraction
from pathlib import Path

import pytest

from analytics.apps import cli

from .conftest import REPO

EXAMPLES = REPO / "data" / "examples"
CONTEST, DANCE = EXAMPLES / "contest", EXAMPLES / "dance"
SEED = 2026  # analytics.synthetic.examples.EXAMPLE_SEED, the seed `jury demo` writes the examples with
#: a number written by the package (float64, its shortest repr) against an exact fraction: a mean of five
#: places (a fifth) is exact in decimal, a mean of four (a quarter) too, and float64 keeps 15 digits
TOLERANCE = Fraction(1, 10**9)


# --- the independent recomputation ------------------------------------------------------

def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def table_points(points: list, start: int, count: int) -> Fraction:
    """The mean of the points of places start + 1 … start + count (0 beyond the table)."""
    return sum((Fraction(points[k]) if k < len(points) else Fraction(0) for k in range(start, start + count)),
               Fraction(0)) / count


def jury_ranking(places: dict[str, list[int]], tie: dict[str, int], points: list) -> dict[str, tuple]:
    """One jury: ``places`` song -> its jurors' places. Per song: (mean place, the jury's place, points)."""
    mean = {s: Fraction(sum(p), len(p)) for s, p in places.items()}
    key = {s: (mean[s], -tie[s]) for s in mean}  # lower first
    out = {}
    for s, m in mean.items():
        better = sum(k < key[s] for k in key.values())
        equal = sum(k == key[s] for k in key.values())  # itself included
        out[s] = (m, better + Fraction(1 + equal, 2), table_points(points, better, equal))
    return out


def contest(folder: Path) -> dict:
    """The contest's juries' rankings (``juries``: jury -> song -> (mean, place, points)), the ``televote``
    (the tie-break column), the ``points`` table, the ``jurors`` who ranked each song and the ``order``
    of the juries."""
    config = tomllib.loads((folder / "festival.toml").read_text(encoding="utf-8"))
    rule = config["aggregation"]
    assert rule["jurors"] == "rank_sum" and rule.get("panel", "mean") == "mean"  # the rule recomputed here
    tie_column, points = rule["tie_break"], rule["juries"]["points"]
    tie = {e["entry_id"]: int(e[tie_column]) for e in read(folder / "entries.csv")}
    jury_of = {j["juror_id"]: j["jury"] for j in read(folder / "jurors.csv")}
    places: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    ranked_by: dict[str, int] = defaultdict(int)
    for s in read(folder / "scores.csv"):
        places[jury_of[s["juror_id"]]][s["entry_id"]].append(int(s["score"]))
        ranked_by[s["entry_id"]] += 1
    juries = {j: jury_ranking(p, tie, points) for j, p in places.items()}
    return {"juries": juries, "televote": tie, "points": points, "jurors": dict(ranked_by), "order": sorted(juries)}


def scoreboard(juries: dict[str, dict[str, tuple]], counted) -> dict[str, Fraction]:
    total: dict[str, Fraction] = defaultdict(Fraction)
    for jury in counted:
        for song, (_, _, points) in juries[jury].items():
            total[song] += points
    return dict(total)


def standings(total: dict[str, Fraction], tie: dict[str, int] | None) -> dict[str, int]:
    """Competition ranks of the scoreboard (more points first); ``tie``: what decides a tie (higher wins),
    None for none; songs equal on both share the best rank."""
    key = {s: (total[s], tie[s] if tie else 0) for s in total}
    return {s: 1 + sum(key[t] > key[s] for t in total) for s in total}


def test_the_recomputation_by_hand():
    # a jury of two ranking four songs (televote W 5, X 9, Y 9, Z 1) with points 3, 2, 1:
    # W places 1 and 4, mean 5/2; X 2 and 3, 5/2; Y 3 and 2, 5/2; Z 4 and 1, 5/2: all four tie;
    # the televote puts X and Y (9) first, still tied: they share places 1-2 (1.5) and (3 + 2)/2 = 2.5 points;
    # then W (5) third with 1 point, Z (1) fourth with none
    places = {"W": [1, 4], "X": [2, 3], "Y": [3, 2], "Z": [4, 1]}
    tie = {"W": 5, "X": 9, "Y": 9, "Z": 1}
    assert jury_ranking(places, tie, [3, 2, 1]) == {
        "W": (Fraction(5, 2), 3, 1), "X": (Fraction(5, 2), Fraction(3, 2), Fraction(5, 2)),
        "Y": (Fraction(5, 2), Fraction(3, 2), Fraction(5, 2)), "Z": (Fraction(5, 2), 4, 0)}
    # one song fewer (a juror's own country's): the means are over the jurors who ranked it
    uneven = jury_ranking({"W": [1, 2, 1], "X": [2, 1], "Y": [3, 3, 2]}, tie, [12, 10])
    assert uneven == {"W": (Fraction(4, 3), 1, 12), "X": (Fraction(3, 2), 2, 10), "Y": (Fraction(8, 3), 3, 0)}
    # the scoreboard: two such juries, W 1 + 12, X 2.5 + 10, Y 2.5 + 0, Z 0; ranks 1, 2, 3, 4;
    # without a tie-break, equal totals share the best rank
    juries = {"a": jury_ranking(places, tie, [3, 2, 1]), "b": uneven}
    total = scoreboard(juries, ["a", "b"])
    assert total == {"W": 13, "X": Fraction(25, 2), "Y": Fraction(5, 2), "Z": 0}
    assert standings(total, tie) == {"W": 1, "X": 2, "Y": 3, "Z": 4}
    assert standings({"P": 3, "Q": 3, "R": 1}, {"P": 1, "Q": 2, "R": 9}) == {"P": 2, "Q": 1, "R": 3}
    assert standings({"P": 3, "Q": 3, "R": 1}, None) == {"P": 1, "Q": 1, "R": 3}
    assert standings({"P": 3, "Q": 3, "R": 1}, {"P": 2, "Q": 2, "R": 9}) == {"P": 1, "Q": 1, "R": 3}


def test_the_recomputation_on_the_example():
    c = contest(CONTEST)
    assert len(c["juries"]) == 36 and len(c["televote"]) == 26
    total = scoreboard(c["juries"], c["order"])
    # every jury gives 12 + 10 + 8 + 7 + 6 + 5 + 4 + 3 + 2 + 1 = 58 points
    assert sum(total.values()) == 36 * 58
    assert all(sum(p for _, _, p in ranking.values()) == 58 for ranking in c["juries"].values())
    # a jury whose country has a song ranks 25 songs, the others all 26 (130 = 26 × 5 conflicts)
    assert sorted({len(r) for r in c["juries"].values()}) == [25, 26]
    assert sum(len(r) == 25 for r in c["juries"].values()) == 26


# --- the folders: what the writers write --------------------------------------------------

@pytest.mark.parametrize("how", ["jury demo", "writer"])
@pytest.mark.parametrize("kind, folder, writer", [("contest", CONTEST, "write_contest"), ("dance", DANCE, "write_dance")])
def test_the_examples_are_what_jury_demo_and_the_writers_write(tmp_path, kind, folder, writer, how):
    from analytics.synthetic import contests
    from analytics.synthetic.examples import EXAMPLE_SEED

    assert EXAMPLE_SEED == SEED
    written = tmp_path / "written"
    if how == "jury demo":
        done = subprocess.run([sys.executable, "-m", "analytics", "demo", "--kind", kind, "--out", str(written)],
                              capture_output=True, text=True, cwd=REPO, timeout=300, check=False)
        assert done.returncode == 0, done.stderr
    else:
        getattr(contests, writer)(written, SEED)
    assert sorted(p.name for p in written.iterdir()) == sorted(p.name for p in folder.iterdir())
    for path in folder.iterdir():
        assert (written / path.name).read_bytes() == path.read_bytes(), path.name
    assert "SYNTHETIC" in (folder / "festival.toml").read_text(encoding="utf-8").splitlines()[0]
    assert tomllib.loads((folder / "festival.toml").read_text(encoding="utf-8"))["festival"]["synthetic"] is True


def test_another_seed_writes_other_places(tmp_path):
    from analytics.synthetic import contests

    contests.write_dance(tmp_path / "other", SEED + 1)
    assert (tmp_path / "other" / "scores.csv").read_bytes() != (DANCE / "scores.csv").read_bytes()


# --- what jury check says -----------------------------------------------------------------

def jury_check(folder: Path, out: Path) -> Path:
    """``jury check FOLDER --out OUT --quiet``, in this process (the command's entry point, as
    tests/test_cli.py calls it)."""
    assert cli.main(["check", str(folder), "--out", str(out), "--quiet"]) in (0, 1)  # 1: blockers open
    return out


@pytest.fixture(scope="module")
def checked(tmp_path_factory) -> Path:
    """``jury check data/examples/contest --out DIR``, once per module (per worker)."""
    return jury_check(CONTEST, tmp_path_factory.mktemp("contest") / "out")


def close(text: str, expected: Fraction) -> bool:
    return text != "" and abs(Fraction(text) - expected) <= TOLERANCE


def test_the_scoreboard_is_the_recomputed_one(checked):
    c = contest(CONTEST)
    total = scoreboard(c["juries"], c["order"])
    official = standings(total, c["televote"])
    rows = read(checked / "rankings.csv")
    assert [r["entry_id"] for r in rows] == sorted(total, key=lambda s: (-total[s], -c["televote"][s]))
    assert sorted(official.values()) == list(range(1, 27))  # the televote leaves no tie on this scoreboard
    for row in rows:
        song = row["entry_id"]
        assert close(row["score"], total[song]) and close(row["round_score"], total[song]), (row, total[song])
        assert int(row["rank"]) == official[song], (song, row["rank"], official[song])
        assert int(row["n_jurors"]) == c["jurors"][song]
    # the lane's own row in entry_scores.csv (no jury): the points summed
    lane_rows = [r for r in read(checked / "entry_scores.csv") if r["jury"] == ""]
    assert sorted(r["entry_id"] for r in lane_rows) == sorted(total)
    assert all(close(r["score"], total[r["entry_id"]]) for r in lane_rows)


def test_each_jury_s_ranking_and_points_are_the_recomputed_ones(checked):
    juries = contest(CONTEST)["juries"]
    rows = [r for r in read(checked / "entry_scores.csv") if r["jury"] != ""]
    assert sorted((r["jury"], r["entry_id"]) for r in rows) == sorted(
        (jury, song) for jury, ranking in juries.items() for song in ranking)  # 36 × 26 − 26 own songs = 910
    assert len(rows) == 910
    for row in rows:
        mean, place, points = juries[row["jury"]][row["entry_id"]]
        assert row["criterion"] == "rank"
        assert close(row["score"], mean), (row, mean)  # rank_sum: the jury's mean place
        assert close(row["jury_rank"], place), (row, place)
        assert close(row["points"], points), (row, points)


def test_the_recomputed_juries_have_televote_ties_and_shared_places():
    """What the comparison above exercises: within-jury ties of the mean place broken by the televote,
    and songs equal on both sharing a place (beyond the top ten here, so with no points to share)."""
    c = contest(CONTEST)
    broken = shared = 0
    for ranking in c["juries"].values():
        for s, (mean, place, _) in ranking.items():
            same = [t for t, (m, _, _) in ranking.items() if m == mean and t != s]
            broken += bool(same) and place.denominator == 1
            shared += place.denominator != 1
    assert broken > 0 and shared > 0


def test_leave_one_jury_out(checked):
    """leave_one_out.py: with juries, each jury is left out whole; the ranks are competition ranks of the
    points with the festival's tie-break (the televote), as the scoreboard itself ranks them."""
    c = contest(CONTEST)
    without = [standings(scoreboard(c["juries"], [j for j in c["order"] if j != out]), c["televote"])
               for out in c["order"]]
    rows = {r["entry_id"]: r for r in read(checked / "rankings.csv")}
    for song, row in rows.items():
        got = (float(row["loo_rank_best"]), float(row["loo_rank_worst"]))
        assert got == (min(r[song] for r in without), max(r[song] for r in without)), song
    # the tie-break reaches them: the three songs without a point keep the televote's order 24, 25, 26
    nil = sorted((s for s, r in rows.items() if float(r["score"]) == 0), key=lambda s: int(rows[s]["rank"]))
    assert [int(rows[s]["rank"]) for s in nil] == [24, 25, 26]
    for s in nil:
        assert float(rows[s]["loo_rank_best"]) <= int(rows[s]["rank"]) <= float(rows[s]["loo_rank_worst"])


def test_the_readme_shows_the_top_of_the_recomputed_scoreboard():
    c = contest(CONTEST)
    total = scoreboard(c["juries"], c["order"])
    official = standings(total, c["televote"])
    titles = {e["entry_id"]: e["title"] for e in read(CONTEST / "entries.csv")}
    top = sorted(official, key=official.get)[:5]
    readme = (CONTEST / "README.md").read_text(encoding="utf-8")
    for song in top:
        assert f"| {official[song]} | {song} | {titles[song]} | {total[song]} |" in readme, song


# --- the planted jury ---------------------------------------------------------------------

def test_the_planted_jury_is_flagged(checked):
    (plant,) = json.loads((CONTEST / "planted.json").read_text(encoding="utf-8"))["anomalies"]
    assert (plant["kind"], plant["jury"]) == ("collusion_suspected", "Moldova")
    flags = [f for f in read(checked / "flags.csv") if f["check"] == "collusion_suspected"]
    jury_flags = [f for f in flags if not f["juror_id"]]  # a jury's flag names no juror, its jury as the item
    assert [(f["severity"], f["item"]) for f in jury_flags] == [("warning", plant["jury"])]
    assert f"the jury {plant['jury']} agrees within itself far beyond the other juries" in jury_flags[0]["message"]
    screen = read(checked / "collusion.csv")
    juries = [r for r in screen if r["level"] == "jury"]
    assert len(juries) == 36
    assert [r["jury"] for r in juries if r["flagged"] == "True"] == [plant["jury"]]
    # and the planted jurors' ten pairs among the flagged pairs
    pairs = {frozenset((r["juror_a"], r["juror_b"])) for r in screen if r["level"] == "pair" and r["flagged"] == "True"}
    members = plant["jurors"]
    assert {frozenset((a, b)) for i, a in enumerate(members) for b in members[i + 1:]} <= pairs


# --- the same seed, the same bytes --------------------------------------------------------

def test_jury_check_gives_the_same_rankings_twice(checked, tmp_path):
    """The second run in a process of its own (another hash seed: no order may come from a set of strings)."""
    again = tmp_path / "again"
    done = subprocess.run([sys.executable, "-m", "analytics", "check", str(CONTEST), "--out", str(again), "--quiet"],
                          capture_output=True, text=True, cwd=REPO, timeout=300, check=False,
                          env={**os.environ, "PYTHONHASHSEED": "12345"})
    assert done.returncode in (0, 1), done.stdout[-3000:] + done.stderr[-3000:]
    for name in ("rankings.csv", "entry_scores.csv", "collusion.csv"):
        assert (again / name).read_bytes() == (checked / name).read_bytes(), name
