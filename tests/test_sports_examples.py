"""The sports examples (analytics.synthetic.sports, design section 14): springboard diving and
ski jumping, each judged performance by performance.

Every official number is recomputed here from the example's CSV files and festival.toml alone,
in exact decimal arithmetic (``decimal.Decimal``, rounding half up at every step), with nothing
imported from ``analytics`` for the computation: per performance, the marks sorted, the highest
and lowest dropped, the rest summed (or averaged) and rounded, times the factor and the
multiplier, plus the base, rounded; a round's score the sum of its performance points; a round's
result the weighted sum of round scores; the ``advance`` best going on, ties at the cut all of them.

That recomputation is checked by hand on dives and jumps worked out in the comments below, and
against the generator's own construction; then (the tests named ``test_engine_...``) against what
``jury check`` writes. Those need the engine of design section 14 (``performance`` in scores.csv,
performances.csv, ``[aggregation] panel``, ``multiplier``, ``performances``) and fail without
it; ``-k "not engine"`` leaves them out.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import tomllib
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from .conftest import REPO

EXAMPLES = REPO / "data" / "examples"
DIVING, SKI_JUMPING = EXAMPLES / "diving", EXAMPLES / "ski-jumping"
SEED = 2026
TOLERANCE = Decimal("1e-9")


# --- the independent recomputation ------------------------------------------------------

def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def half_up(value: Decimal, decimals: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def panel_and_points(marks: list[str], rule: dict, factor: str = "1", base: str = "0",
                     usual: int | None = None) -> tuple[Decimal, Decimal]:
    """A performance's panel score and points under ``rule`` (an ``[aggregation]`` table); ``usual``: the
    round's usual panel (design section 14: with ``panel = "sum"`` a short panel's kept marks' mean counts as
    many times as the usual panel keeps marks)."""
    ordered = sorted(Decimal(m) for m in marks)
    drops = rule.get("drop_low", 0) + rule.get("drop_high", 0)
    kept = ordered[rule.get("drop_low", 0): len(ordered) - rule.get("drop_high", 0)]
    total = sum(kept, Decimal(0))
    if rule.get("panel") == "sum" and usual is not None and len(ordered) != usual:
        total = total / len(kept) * (usual - drops)
    decimals = rule["decimals"]
    panel = half_up(total if rule.get("panel", "mean") == "sum" else total / len(kept), decimals)
    multiplier = Decimal(str(rule.get("multiplier", 1)))
    return panel, half_up(panel * Decimal(factor or "1") * multiplier + Decimal(base or "0"), decimals)


def recompute(folder: Path) -> dict:
    """The folder's official results, round by round: ``panel`` and ``points`` per
    ``(entry, performance)``, ``round_score`` and ``result`` per entry that has a score in the
    round, ``going_on`` (the entries that go on; absent in the last round), ``order`` the rounds."""
    config = tomllib.loads((folder / "festival.toml").read_text(encoding="utf-8"))
    scores = read(folder / "scores.csv")
    sheet = {(r["entry_id"], r["round"], r["performance"]): r for r in read(folder / "performances.csv")}
    out: dict = {"order": [r["id"] for r in config["rounds"]]}
    for rnd in config["rounds"]:
        rule = {**config["aggregation"], **rnd.get("aggregation", {})}
        assert rule["jurors"] == "drop_extremes"  # the only rule these examples use
        marks: dict[tuple[str, str], list[str]] = defaultdict(list)
        for row in scores:
            if row["round"] == rnd["id"]:
                marks[(row["entry_id"], row["performance"])].append(row["score"])
        panel, points, by_entry = {}, {}, defaultdict(list)
        sizes = defaultdict(int)
        for given in marks.values():
            sizes[len(given)] += 1
        usual = max(sizes, key=lambda n: (sizes[n], n)) if sizes else None  # the number of judges of most dives
        for (entry, performance), given in marks.items():
            line = sheet.get((entry, rnd["id"], performance), {})
            panel[(entry, performance)], points[(entry, performance)] = panel_and_points(
                given, rule, line.get("factor", "1"), line.get("base", "0"), usual)
            by_entry[entry].append(points[(entry, performance)])
        combine = {"sum": lambda ps: sum(ps, Decimal(0)), "mean": lambda ps: sum(ps, Decimal(0)) / len(ps),
                   "best": max}[rule.get("performances", "sum")]
        round_score = {e: half_up(combine(ps), rule["decimals"]) for e, ps in by_entry.items()}
        out[rnd["id"]] = {"panel": panel, "points": points, "round_score": round_score}
        weights = rnd.get("weights", {rnd["id"]: 1})
        result = {e: half_up(sum((Decimal(str(w)) * out[r]["round_score"][e] for r, w in weights.items()), Decimal(0)),
                             rule["decimals"]) for e in round_score}
        out[rnd["id"]]["result"] = result
        if "advance" in rnd:
            ordered = sorted(result.values(), reverse=True)
            bar = ordered[min(rnd["advance"], len(ordered)) - 1]
            out[rnd["id"]]["going_on"] = sorted(e for e, v in result.items() if v >= bar)
    return out


def test_the_recomputation_by_hand():
    diving = {"jurors": "drop_extremes", "drop_high": 1, "drop_low": 1, "panel": "sum", "multiplier": 0.6,
              "decimals": 2}
    # D04's fifth dive of the final (109C, degree of difficulty 3.8): 8.5 six times and a 9; the 9
    # and one 8.5 dropped, 5 x 8.5 = 42.5; 42.5 x 3.8 = 161.5; x 0.6 = 96.90
    assert panel_and_points(["8.5"] * 6 + ["9.0"], diving, "3.8") == (Decimal("42.5"), Decimal("96.90"))
    # the short panel, D28's fourth dive of the preliminary (405B, 3.1), six marks 8.5 8.5 8.5 8.5 8.0 8.0
    # where the round's panel is seven: an 8.0 and an 8.5 dropped, the middle four 33.5, their mean 8.375
    # counted five times 41.875 -> 41.88; 41.88 x 3.1 = 129.828; x 0.6 = 77.8968 -> 77.90. With the
    # missing 8.5 the middle five were 42.0: 42.0 x 3.1 x 0.6 = 78.12
    assert panel_and_points(["8.5", "8.5", "8.5", "8.5", "8.0", "8.0"], diving, "3.1", usual=7) == (
        Decimal("41.88"), Decimal("77.90"))
    assert panel_and_points(["8.5"] * 5 + ["8.0", "8.0"], diving, "3.1")[1] == Decimal("78.12")
    # the withdrawn D06's two dives: 6.5 x 6 and a 6.0 (5235D, 2.8): 32.5 x 2.8 x 0.6 = 54.60;
    # 6.0 6.0 and 6.5 x 5 (5154B, 3.0): 6.0 + 4 x 6.5 = 32.0; 32.0 x 3.0 x 0.6 = 57.60; 112.20 in all
    assert panel_and_points(["6.5"] * 6 + ["6.0"], diving, "2.8")[1] == Decimal("54.60")
    assert panel_and_points(["6.0", "6.0"] + ["6.5"] * 5, diving, "3.0")[1] == Decimal("57.60")
    ski = {"jurors": "drop_extremes", "drop_high": 1, "drop_low": 1, "panel": "sum", "decimals": 1}
    # SJ50's first jump: style 19 18.5 18 18.5 18 (19 and an 18 dropped: 55.0); 136.0 m = 60 + 1.8 x 11
    # = 79.8, wind -0.9, gate +7.2: base 86.1; 141.1. The final jump: 17.5 17.5 18 17 17 (52.0), base
    # 98.7 - 9.9 = 88.8: 140.8; the result 141.1 + 140.8 = 281.9
    assert panel_and_points(["19.0", "18.5", "18.0", "18.5", "18.0"], ski, base="86.1") == (Decimal("55.0"),
                                                                                              Decimal("141.1"))
    assert panel_and_points(["17.5", "17.5", "18.0", "17.0", "17.0"], ski, base="88.8")[1] == Decimal("140.8")
    # half up, never half to even: a mean of 7.5 7.5 7.5 8 is 7.625 -> 7.63 (half to even: 7.62)
    assert panel_and_points(["7.5", "7.5", "7.5", "8"], {"decimals": 2})[0] == Decimal("7.63")
    assert half_up(Decimal("2.675"), 2) == Decimal("2.68")


def test_the_recomputation_by_hand_on_the_examples():
    diving = recompute(DIVING)
    assert diving["final"]["points"][("D04", "5")] == Decimal("96.90")
    assert diving["preliminary"]["points"][("D28", "4")] == Decimal("77.90")  # the short panel, worked above
    assert diving["preliminary"]["round_score"]["D06"] == Decimal("112.20")
    ski = recompute(SKI_JUMPING)
    assert ski["first"]["points"][("SJ50", "1")] == Decimal("141.1")
    assert ski["final"]["round_score"]["SJ50"] == Decimal("140.8")
    assert ski["final"]["result"]["SJ50"] == Decimal("281.9")


@pytest.mark.parametrize("folder, tables, rule, rounds", [
    (DIVING, "diving_tables", "DIVING_RULE", "DIVING_ROUNDS"),
    (SKI_JUMPING, "ski_jumping_tables", "SKI_JUMPING_RULE", "SKI_ROUNDS"),
])
def test_the_recomputation_agrees_with_the_generators_construction(folder, tables, rule, rounds):
    """Two independent decimal computations (the generator's, on its tables, which decided who
    went on; this module's, on the CSV files) give the same numbers."""
    from analytics.synthetic import sports

    built = getattr(sports, tables)(SEED)
    built = built[0] if isinstance(built, tuple) else built
    theirs = sports.official_results(built["scores"], built["performances"], getattr(sports, rule),
                                     getattr(sports, rounds))
    mine = recompute(folder)
    for rnd in mine["order"]:
        assert {f"{e}/{p}": v for (e, p), v in mine[rnd]["points"].items()} == theirs[rnd]["points"], rnd
        assert mine[rnd]["round_score"] == theirs[rnd]["round_score"], rnd
        assert mine[rnd]["result"] == theirs[rnd]["result"], rnd


@pytest.mark.parametrize("folder, taking_part", [(DIVING, {"preliminary": 39, "semifinal": 18, "final": 12}),
                                                 (SKI_JUMPING, {"first": 50, "final": 30})])
def test_those_who_went_on_are_those_scored_in_the_next_round(folder, taking_part):
    results = recompute(folder)
    assert {r: len(results[r]["result"]) for r in results["order"]} == taking_part
    for before, after in zip(results["order"], results["order"][1:]):
        assert results[before]["going_on"] == sorted(results[after]["result"]), (before, after)
    sheet = defaultdict(set)
    for row in read(folder / "performances.csv"):
        sheet[row["round"]].add(row["entry_id"])
    for rnd in results["order"][1:]:  # a dive sheet only for those who reached the round
        assert sheet[rnd] == set(results[rnd]["result"])


# --- the folders: what the writers write, and what is planted -------------------------------

@pytest.mark.parametrize("kind, folder, writer", [("diving", DIVING, "write_diving"),
                                                  ("ski-jumping", SKI_JUMPING, "write_ski_jumping")])
def test_the_examples_are_what_jury_demo_and_the_writers_write(tmp_path, kind, folder, writer):
    from analytics.synthetic import sports

    done = subprocess.run([sys.executable, "-m", "analytics", "demo", "--kind", kind, "--out", str(tmp_path / "cli")],
                          capture_output=True, text=True, cwd=REPO, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    getattr(sports, writer)(tmp_path / "call", SEED)
    for written in (tmp_path / "cli", tmp_path / "call"):
        assert sorted(p.name for p in written.iterdir()) == sorted(p.name for p in folder.iterdir())
        for path in folder.iterdir():
            assert (written / path.name).read_bytes() == path.read_bytes(), (written.name, path.name)
    assert "SYNTHETIC" in (folder / "festival.toml").read_text(encoding="utf-8").splitlines()[0]
    assert tomllib.loads((folder / "festival.toml").read_text(encoding="utf-8"))["festival"]["synthetic"] is True


def test_another_seed_writes_other_marks(tmp_path):
    from analytics.synthetic import sports

    sports.write_diving(tmp_path / "other", SEED + 1)
    assert (tmp_path / "other" / "scores.csv").read_bytes() != (DIVING / "scores.csv").read_bytes()


def planted() -> dict[str, dict]:
    return {a["kind"]: a for a in json.loads((DIVING / "planted.json").read_text(encoding="utf-8"))["anomalies"]}


def test_the_diving_event_is_shaped_as_the_sport_and_its_plants_are_in_the_data():
    scores, sheet = read(DIVING / "scores.csv"), read(DIVING / "performances.csv")
    jurors = {j["juror_id"]: j for j in read(DIVING / "jurors.csv")}
    entries = {e["entry_id"]: e for e in read(DIVING / "entries.csv")}
    assert len(entries) == 40 and len(jurors) == 14
    assert {Decimal(s["score"]) for s in scores} <= {Decimal(k) / 2 for k in range(21)}  # 0-10 in half points
    assert all(Decimal("1.5") <= Decimal(d["factor"]) <= Decimal("3.8") and len(d["factor"]) == 3 for d in sheet)
    dives = defaultdict(set)
    judged = defaultdict(list)
    for s in scores:
        judged[(s["round"], s["entry_id"], s["performance"])].append(s)
    for d in sheet:
        dives[(d["round"], d["entry_id"])].add(d["performance"])
    assert {r: {len(v) for (rr, _), v in dives.items() if rr == r} for r in ("preliminary", "semifinal", "final")} == \
        {"preliminary": {6}, "semifinal": {5}, "final": {6}}
    for (rnd, entry, performance), marks in judged.items():  # panel A the odd dives, panel B the even ones
        assert {jurors[m["juror_id"]]["rotation"] for m in marks} == {"A" if int(performance) % 2 else "B"}
    plants = planted()
    short = plants["performance_short_panel"]
    sizes = {key: len(marks) for key, marks in judged.items()}
    assert [k for k, n in sizes.items() if n != 7] == [(short["round"], short["entry_id"], short["performance"])]
    assert sizes[(short["round"], short["entry_id"], short["performance"])] == 6
    withdrawn = plants["performances_incomplete"]["entry_id"]
    assert sorted(p for r, e, p in judged if e == withdrawn) == ["1", "2"]
    assert dives[("preliminary", withdrawn)] == {"1", "2", "3", "4", "5", "6"}  # the dive sheet keeps every dive
    absent = plants["did_not_start"]["entry_id"]
    assert absent in entries and not [k for k in judged if k[1] == absent] and dives[("preliminary", absent)]
    # the home judge: their mark minus the mean of the other marks of the same dive, on their
    # country's divers against the rest, is about one point (the others' about nothing)
    home = plants["affiliation_bias"]["juror_id"]
    gaps = {}
    for juror in jurors:
        same, other = [], []
        for marks in judged.values():
            mine = [Decimal(m["score"]) for m in marks if m["juror_id"] == juror]
            if mine:
                rest = [Decimal(m["score"]) for m in marks if m["juror_id"] != juror]
                shared = entries[marks[0]["entry_id"]]["country"] == jurors[juror]["country"]
                (same if shared else other).append(mine[0] - sum(rest) / len(rest))
        if same:
            gaps[juror] = sum(same) / len(same) - sum(other) / len(other)
    assert gaps[home] > Decimal("0.8")
    assert all(abs(g) < Decimal("0.3") for j, g in gaps.items() if j != home)


def test_the_ski_jumps_points_no_judge_gives_add_up():
    sheet = read(SKI_JUMPING / "performances.csv")
    for jump in sheet:
        distance_points = 60 + Decimal("1.8") * (Decimal(jump["distance"]) - 125)
        assert Decimal(jump["distance_points"]) == distance_points
        assert Decimal(jump["base"]) == distance_points + Decimal(jump["wind_points"]) + Decimal(jump["gate_points"])
        assert (Decimal(jump["wind_points"]) <= 0) == (Decimal(jump["wind"]) >= 0)  # a headwind costs points
    scores = read(SKI_JUMPING / "scores.csv")
    assert {Decimal(s["score"]) for s in scores} <= {Decimal(k) / 2 for k in range(41)}  # 0-20 in half points
    per_jump = defaultdict(int)
    for s in scores:
        per_jump[(s["round"], s["entry_id"], s["performance"])] += 1
    assert set(per_jump.values()) == {5} and {k[2] for k in per_jump} == {"1"}


# --- what jury check says (needs the engine of design section 14) ------------------------------

@pytest.fixture(scope="module")
def checked(tmp_path_factory) -> dict[str, Path]:
    """``jury check`` run once on each example, its outputs in a folder of their own."""
    outs = {}
    for folder in (DIVING, SKI_JUMPING):
        out = tmp_path_factory.mktemp(folder.name)
        done = subprocess.run([sys.executable, "-m", "analytics", "check", str(folder), "--out", str(out), "--quiet"],
                              capture_output=True, text=True, cwd=REPO, timeout=900, check=False)
        assert done.returncode in (0, 1), done.stdout[-3000:] + done.stderr[-3000:]  # 1: blockers open, not a failure
        outs[folder.name] = out
    return outs


def close(text: str, expected: Decimal) -> bool:
    return text != "" and abs(Decimal(text) - expected) <= TOLERANCE


@pytest.mark.parametrize("folder", [DIVING, SKI_JUMPING], ids=["diving", "ski-jumping"])
def test_engine_jury_check_gives_the_recomputed_results(checked, folder):
    expected = recompute(folder)
    rankings = read(checked[folder.name] / "rankings.csv")
    for rnd in expected["order"]:
        want = expected[rnd]
        rows = {r["entry_id"]: r for r in rankings if r["round"] == rnd and r["rank"] != ""}
        assert sorted(rows) == sorted(want["result"]), rnd
        for entry, row in rows.items():
            assert close(row["score"], want["result"][entry]), (rnd, entry, row["score"], want["result"][entry])
            assert close(row["round_score"], want["round_score"][entry]), (rnd, entry, row["round_score"])
            assert int(float(row["rank"])) == 1 + sum(v > want["result"][entry] for v in want["result"].values())
            if "going_on" in want:
                assert row["advances"] == ("yes" if entry in want["going_on"] else "no"), (rnd, entry)
            else:
                assert row["advances"] == "", (rnd, entry)
    entry_scores = [r for r in read(checked[folder.name] / "entry_scores.csv") if r.get("performance")]
    sheet = {(r["entry_id"], r["round"], r["performance"]): r for r in read(folder / "performances.csv")}
    found = set()
    for row in entry_scores:
        key = (row["entry_id"], row["performance"])
        want = expected[row["round"]]
        found.add((row["round"], *key))
        assert close(row["score"], want["panel"][key]), (row, want["panel"][key])
        assert close(row["points"], want["points"][key]), (row, want["points"][key])
        line = sheet[(row["entry_id"], row["round"], row["performance"])]
        assert close(row["factor"], Decimal(line.get("factor", "1")))
        assert close(row["base"], Decimal(line.get("base", "0")))
    assert found == {(rnd, e, p) for rnd in expected["order"] for e, p in expected[rnd]["points"]}


def test_engine_diving_flags_the_planted_cases_and_no_missing_score(checked):
    flags = read(checked["diving"] / "flags.csv")
    plants = planted()
    found = defaultdict(list)
    for flag in flags:
        found[flag["check"]].append(flag)
    assert "score_missing" not in found  # rotating panels, a withdrawal, a missing mark: no missing-score blocker
    incomplete = plants["performances_incomplete"]
    assert [(f["entry_id"], f["round"], f["severity"]) for f in found["performances_incomplete"]] == [
        (incomplete["entry_id"], incomplete["round"], "warning")]
    short = plants["performance_short_panel"]
    assert [(f["entry_id"], f["round"], f["severity"]) for f in found["performance_short_panel"]] == [
        (short["entry_id"], short["round"], "warning")]
    assert {f["juror_id"] for f in found["affiliation_bias"]} == {plants["affiliation_bias"]["juror_id"]}


def test_engine_the_diving_readme_says_which_blockers_the_check_finds(checked):
    """The example's README (written by the generator at its seed) says what jury check finds beyond the plants."""
    flags = read(checked["diving"] / "flags.csv")
    blockers = sorted((f["check"], f["round"]) for f in flags if f["severity"] == "blocker")
    assert blockers == [("cut_unstable", "preliminary"), ("first_place_tie", "final")]
    cut = next(f for f in flags if f["check"] == "cut_unstable")
    assert "without JD04 D34 would go on instead of D30" in cut["message"] and "without JD06" in cut["message"]
    assert cut["message"].count("without ") == 2
    tie = next(f for f in flags if f["check"] == "first_place_tie")
    assert "by 14.550 points" in tie["message"]
    readme = (DIVING / "README.md").read_text(encoding="utf-8")
    assert "one of two\njudges of panel A" in readme and "leads by 14.55 points" in readme
    rankings = {(r["round"], r["rank"]): r for r in read(checked["diving"] / "rankings.csv")}
    gap = Decimal(rankings[("preliminary", "18")]["score"]) - Decimal(rankings[("preliminary", "19")]["score"])
    assert f"({gap} points)" in readme.replace("\n", " ")


def test_engine_the_diver_who_did_not_start_is_not_ranked(checked):
    absent = planted()["did_not_start"]["entry_id"]
    rankings = read(checked["diving"] / "rankings.csv")
    for row in (r for r in rankings if r["entry_id"] == absent):  # listed or not, never ranked nor given a chance
        assert row["rank"] == "", row
        assert {k: v for k, v in row.items() if k.startswith("p_") and v != ""} == {}, row
    withdrawn = planted()["performances_incomplete"]["entry_id"]
    ranked = [r for r in rankings if r["entry_id"] == withdrawn]
    assert [(r["round"], r["advances"]) for r in ranked] == [("preliminary", "no")]  # ranked on two dives
    assert close(ranked[0]["score"], recompute(DIVING)["preliminary"]["result"][withdrawn])


def test_engine_rotating_panels_are_two_parts_whose_severities_have_sound_errors(checked):
    """Panel A judges the odd dives and panel B the even ones: no dive links them, so the design falls into
    the two panels (design_disconnected names them) and each judge's severity is within their own panel,
    with a standard error of a few hundredths of a mark (115 dives each), not the pseudo-inverse's noise."""
    flags = [f for f in read(checked["diving"] / "flags.csv") if f["check"] == "design_disconnected"]
    assert sorted(f["round"] for f in flags) == ["final", "preliminary", "semifinal"]
    panel_a = ", ".join(f"JD{i:02d}" for i in range(1, 8))
    panel_b = ", ".join(f"JD{i:02d}" for i in range(8, 15))
    assert all(f"{{{panel_a}}}; {{{panel_b}}}" in f["message"] and "share no performance" in f["message"] for f in flags)
    severity = [r for r in read(checked["diving"] / "juror_severity.csv") if r["lane"] != "all"]
    assert severity and all(0 < float(r["se"]) < 0.1 for r in severity)
    parts = {r["juror_id"]: r["part"] for r in severity if r["round"] == "preliminary"}
    assert len({parts[f"JD{i:02d}"] for i in range(1, 8)} | {parts[f"JD{i:02d}"] for i in range(8, 15)}) == 2
