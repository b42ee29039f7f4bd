"""Any competition that ranks rather than scores runs through every command (design section 15).

Random rank competitions: one to two lanes, 3 to 12 entries, 3 to 15 jurors, some jurors ranking
only part of the lane (an own entry left out, declared as a conflict), every rule over places
(``rank_sum`` with mean or sum, ``borda``, ``rank_points``, ``majority``), each tie-break, with or
without juries of juries, with or without rounds. Each is loaded, checked, gated, summarised and
explored (the official standings, each method's standings, a juror's panel, a what-if); and on each,
the properties every such result must have: the official places are 1 … n in the order of the rule
(lower first where the rule says lower is better), a tie-break leaves no tie it can break, and the
standings of the explorer agree with ``rankings.csv``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics import load_festival
from analytics.apps.explorer import Explorer
from analytics.gate.decisions import run_gate
from analytics.present.summary import summary_text

from .conftest import write_folder as _write

RULES = ("rank_sum", "rank_sum_total", "borda", "rank_points", "majority")


@st.composite
def rank_competitions(draw):
    seed = draw(st.integers(0, 2**31))
    rng = np.random.default_rng(seed)
    rule = draw(st.sampled_from(RULES))
    juries = rule != "majority" and draw(st.booleans())
    tie = draw(st.sampled_from(["none", "best_rank", "more_first", "televote"]))
    rounds = not juries and draw(st.booleans())
    n_lanes = draw(st.integers(1, 2))
    lanes = [f"lane_{i}" for i in range(n_lanes)]
    entries, jurors, scores, conflicts = [], [], [], []
    for lane in lanes:
        n_e = draw(st.integers(4 if rounds else 3, 12))
        entries += [(f"{lane}-E{i}", f"Entry {i}", lane, int(rng.integers(0, 50))) for i in range(n_e)]
    for lane in lanes:
        mine = [e for e in entries if e[2] == lane]
        n_j = draw(st.integers(3, 15))
        groups = max(2, n_j // 3)
        for j in range(n_j):
            juror = f"{lane}:J{j}"
            jurors.append((juror, f"Person {lane} {j}", lane, f"G{j % groups}"))
            own = [e[0] for e in mine if rule != "majority" and rng.random() < 0.08]  # an own entry, not ranked
            conflicts += [(juror, e, "own entry") for e in own]
            ranked = [e for e in mine if e[0] not in own]
            merit = np.array([hash(e[0]) % 7 for e in ranked], dtype=float) + rng.normal(0, 2, len(ranked))
            order = np.argsort(-merit)
            for place, k in enumerate(order, start=1):
                stage = ["stage1", "final"] if rounds else [""]
                scores.append((ranked[k][0], juror, "rank", place, stage[0]))
    toml = [f'[festival]\nname = "Random ranking {seed}"\nsynthetic = true\n',
            f'[scale]\nkind = "rank"\nmax = {max(12, 1)}\n', '[[criteria]]\nid = "rank"\nlabel = "Place"\n']
    toml += [f'[[lanes]]\nid = "{lane}"\nname = "Lane {lane}"\n' for lane in lanes]
    jurors_rule = "rank_sum" if rule == "rank_sum_total" else rule
    agg = [f'[aggregation]\njurors = "{jurors_rule}"\ntie_break = "{tie}"\n']
    if rule == "rank_sum_total":
        agg.append('panel = "sum"\n')
    if rule == "rank_points":
        agg.append("rank_points = [25, 18, 15, 12, 10, 8, 6, 4, 2, 1]\n")
    if juries:
        agg.append("juries = { points = [12, 10, 8, 7, 6, 5, 4, 3, 2, 1] }\n")
    toml.append("".join(agg))
    if rounds:
        toml.append('[[rounds]]\nid = "stage1"\nadvance = 3\n\n[[rounds]]\nid = "final"\n')
    toml.append("[checks]\nbootstrap_resamples = 100\ncollusion_permutations = 99\n")
    frame = pd.DataFrame(scores, columns=["entry_id", "juror_id", "criterion", "score", "round"])
    if rounds:  # the final: the entries that went on, ranked again by the lane's jurors (decided after loading)
        frame = frame.drop(columns="round").assign(round="stage1")
    else:
        frame = frame.drop(columns="round")
    return {"festival.toml": "\n".join(toml),
            "entries.csv": pd.DataFrame(entries, columns=["entry_id", "title", "category", "televote"]),
            "jurors.csv": pd.DataFrame(jurors, columns=["juror_id", "name", "panel", "jury"]),
            "scores.csv": frame,
            "conflicts.csv": pd.DataFrame(conflicts, columns=["juror_id", "entry_id", "reason"]),
            "_rounds": rounds, "_rule": rule}




def _final_round(folder: Path) -> None:
    """With rounds: the final's places, by the lane's jurors, of the entries that went on in stage1."""
    festival = load_festival(folder)
    from analytics.checks.shared import Shared

    steps = Shared(festival).progression
    scores = pd.read_csv(folder / "scores.csv", dtype=str)
    rows = []
    for lane, on in steps[(steps["round"] == "stage1") & (steps["advances"] == "yes")].groupby("lane"):
        entries = list(on["entry_id"])
        jurors = scores.loc[scores["entry_id"].isin(entries), "juror_id"].unique()
        for j, juror in enumerate(jurors):
            mine = [e for e in entries if ((scores["juror_id"] == juror) & (scores["entry_id"] == e)).any()]
            for place, e in enumerate(np.roll(mine, j), start=1):
                rows.append((e, juror, "rank", str(place), "final"))
    extra = pd.DataFrame(rows, columns=["entry_id", "juror_id", "criterion", "score", "round"])
    pd.concat([scores, extra]).to_csv(folder / "scores.csv", index=False)


@settings(max_examples=14, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rank_competitions())
def test_any_rank_competition_is_checked_and_explored(tmp_path_factory, files):
    folder = _write(tmp_path_factory.mktemp("ranking"), files)
    if files["_rounds"]:
        _final_round(folder)
    festival = load_festival(folder)
    gate = run_gate(festival)
    text = summary_text(gate)
    assert "GATE:" in text and "ordinal" in text and "do not apply" in text
    table = gate.after["rankings"]
    config = festival.config
    for (lane, rnd), rows in table.groupby(["lane", "round"]):
        rule = config.rule(rnd)
        ranked = rows.dropna(subset=["score"])
        # the places follow the rule's direction: a better rank never has a worse result
        ordered = ranked.sort_values("rank")
        step = np.diff(ordered["score"].to_numpy())
        assert (step >= -1e-9).all() if rule.lower_is_better else (step <= 1e-9).all(), (lane, rnd)
        assert ordered["rank"].iloc[0] == 1
        if rule.tie_break == "televote" and rule.ranks:
            tv = festival.entries.set_index("entry_id")["televote"].astype(float)
            keyed = ordered.assign(tv=ordered["entry_id"].map(tv))
            shared_places = keyed[keyed.duplicated(["rank"], keep=False)]
            # a shared place is left only where the result and the televote are both equal
            for _, group in shared_places.groupby("rank"):
                assert group["score"].nunique() == 1 and group["tv"].nunique() == 1
    entry_scores = gate.after["entry_scores"]
    if any(config.rule(r).juries is not None for r in config.round_ids):
        per_jury = entry_scores[entry_scores["jury"] != ""]
        assert not per_jury.empty and per_jury["points"].ge(0).all()
        lane_rows = entry_scores[entry_scores["jury"] == ""]
        points = per_jury.groupby("entry_id")["points"].sum()
        merged = lane_rows.set_index("entry_id")["score"]
        assert np.allclose(merged.reindex(points.index).to_numpy(), points.to_numpy())  # the scoreboard adds the points
    explorer = Explorer(festival, n_boot=100)
    for lane in config.lane_ids:
        explorer.set_view(lane=lane)
        for method in explorer.methods():
            explorer.set_view(method=method)
            explorer.standings()
        explorer.set_view(method="official")
        standings = explorer.standings()
        official = table[(table["lane"] == lane) & (table["round"] == explorer.round)]
        assert standings.set_index("entry_id")["rank"].to_dict() == official.set_index("entry_id")["rank"].astype(
            "Int64").to_dict()
        explorer.juror_panel(), explorer.gate(), explorer.agreement()
        jurors = explorer.jurors()
        if len(jurors) > 3:
            explorer.exclude_juror(jurors[0])
            explorer.standings(), explorer.gate()
            explorer.undo()


@pytest.mark.parametrize("kind", ["contest", "dance"])
def test_the_examples_get_their_report(tmp_path, kind):
    from analytics.apps.cli import main

    assert main(["report", f"data/examples/{kind}", "--out", str(tmp_path / "out"), "--draft", "--no-pdf",
                 "--quiet"]) in (0, 1)
    public = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "Skating System" in public if kind == "dance" else "summed over juries" in public
    assert "J111" not in public  # no juror id in public (the contest's planted jury)
