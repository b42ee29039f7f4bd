"""Juror pseudonyms (J1 … Jn) and the search for juror identities in public text."""

from __future__ import annotations

import random
import re
import shutil
from types import SimpleNamespace

import pandas as pd

from analytics import load_festival
from analytics.present.pseudonyms import identity_leaks, pseudonymise, pseudonyms

from .conftest import DEMO, replace


def test_every_juror_gets_one_pseudonym_numbered_lane_by_lane():
    festival = load_festival(DEMO)
    names = pseudonyms(festival)
    assert set(names) == set(festival.jurors["juror_id"])
    assert sorted(names.values(), key=lambda p: int(p[1:])) == [f"J{i}" for i in range(1, 28)]
    panel = festival.jurors.set_index("juror_id")["panel"]
    lanes = [lane.id for lane in festival.config.lanes]
    by_number = sorted(names, key=lambda j: int(names[j][1:]))
    verifiers = set(festival.jurors.loc[festival.is_verifier, "juror_id"])
    assert set(by_number[-3:]) == verifiers == {"VF01", "VF02", "VF03"}  # the verifiers after every juror
    by_number = [j for j in by_number if j not in verifiers]
    assert [panel[j] for j in by_number] == sorted((panel[j] for j in by_number), key=lanes.index)


def test_the_order_inside_a_lane_does_not_follow_the_ids():
    names = pseudonyms(load_festival(DEMO))
    generative = [names[f"JR0{i}"] for i in range(1, 10)]
    assert sorted(generative, key=lambda p: int(p[1:])) == [f"J{i}" for i in range(1, 10)]
    assert generative != [f"J{i}" for i in range(1, 10)]  # JR01 is not simply J1


def test_the_same_inputs_give_the_same_pseudonyms_whatever_the_row_order(tmp_path):
    folder = shutil.copytree(DEMO, tmp_path / "demo")
    jurors = pd.read_csv(folder / "jurors.csv", dtype=str)
    jurors.iloc[::-1].to_csv(folder / "jurors.csv", index=False)
    scores = pd.read_csv(folder / "scores.csv", dtype=str, keep_default_na=False)
    scores.sample(frac=1, random_state=1).to_csv(folder / "scores.csv", index=False)
    assert pseudonyms(load_festival(folder)) == pseudonyms(load_festival(DEMO))


def test_ids_that_look_like_pseudonyms_get_a_longer_prefix(mini):
    # the mini festival's jurors are A1, A2, B1, B2; call them J1 … J4 in every file
    new = {"A1": "J1", "A2": "J2", "B1": "J3", "B2": "J4"}
    for path in mini.glob("*.csv"):
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r"(?<![\w-])([AB]\d)(?![\w-])", lambda m: new[m.group(1)], text), encoding="utf-8")
    festival = load_festival(mini)
    assert sorted(festival.jurors["juror_id"]) == ["J1", "J2", "J3", "J4"]
    labels = pseudonyms(festival)
    assert sorted(labels.values()) == ["Juror 1", "Juror 2", "Juror 3", "Juror 4"]


def test_identity_leaks_finds_ids_and_names_in_any_script():
    festival = load_festival(DEMO)
    assert identity_leaks("J1, J2 and J24 agreed on GC-01", festival) == []
    assert identity_leaks("JR04 was lenient", festival) == ["juror id 'JR04'"]
    assert identity_leaks("xJR04 and JR040 are other words", festival) == []
    assert identity_leaks("PRIYA DUVAL chaired", festival) == ["juror name 'Priya Duval'"]
    assert identity_leaks("評審周曉彤認為", festival) == ["juror name '周曉彤'"]  # no word boundaries in Chinese


def test_identity_leaks_sees_through_html_entities(mini):
    replace(mini / "jurors.csv", next(iter(pd.read_csv(mini / "jurors.csv")["name"])), "Ann O'Brien")
    festival = load_festival(mini)
    assert identity_leaks("<td>Ann O&#x27;Brien</td>", festival) == ["juror name \"Ann O'Brien\""]


def test_pseudonymise_replaces_the_id_column_in_place():
    table = pd.DataFrame({"lane": ["a"], "juror_id": ["JR01"], "severity": [0.5]})
    out = pseudonymise(table, {"JR01": "J7"})
    assert list(out.columns) == ["lane", "juror", "severity"] and out.loc[0, "juror"] == "J7"
    assert list(table.columns) == ["lane", "juror_id", "severity"]  # the input is not modified


def _one_term_at_a_time(text: str, jurors: pd.DataFrame) -> list[str]:
    """The search as it was first written: each id and name searched for on its own."""
    def pattern(term: str) -> re.Pattern:
        if re.search(r"[^\x00-\x7f]", term):
            return re.compile(re.escape(term))
        return re.compile(rf"(?<![\w-]){re.escape(term)}(?![\w-])", re.IGNORECASE)

    found = []
    for juror, name in zip(jurors["juror_id"], jurors["name"]):
        if not str(juror).strip().isdigit() and pattern(str(juror)).search(text):
            found.append(f"juror id {str(juror)!r}")
        if isinstance(name, str) and name.strip() and pattern(name.strip()).search(text):
            found.append(f"juror name {name.strip()!r}")
    return found


def test_the_one_pass_search_finds_what_a_search_per_term_finds():
    # names that are prefixes of each other, in two scripts, with hyphens and apostrophes, in any case
    words = ["Ann", "Ann Lee", "ann-lee", "Lee", "JR1", "JR10", "J-7", "周曉彤", "周曉", "Ed", "Édith", "Bo", "Bob",
             "O'Neil", "and", "x", "-", "JR", "JR100", "Anne", "bob's", "周", "曉彤", "ANN LEE"]
    rng = random.Random(2026)
    for _ in range(400):
        ids = rng.sample(["JR1", "JR10", "JR2", "A", "B-2", "x_y", "007"], 3)
        jurors = pd.DataFrame({"juror_id": ids, "name": rng.sample(words[:14], 2) + [None]})
        festival = SimpleNamespace(jurors=jurors)
        text = rng.choice(["", "(", "-"]) + " ".join(rng.choice(words) for _ in range(12))
        assert identity_leaks(text, festival) == _one_term_at_a_time(text, jurors), text
