"""Synthetic sports that judge each attempt (design section 14), for newcomers to copy.

- :func:`write_diving`: a 3 m springboard event in three rounds (preliminary, semifinal, final),
  seven judges per dive drawn from two rotating panels of seven, each dive's points the sum of
  the five middle marks × its degree of difficulty × 0.6; a diver who withdrew, a dive with a
  judge's mark missing, a judge who favours their own country's divers and a diver who did not
  start are planted and documented in ``planted.json``.
- :func:`write_ski_jumping`: a large-hill competition in two rounds, five judges' style marks
  (the sum of the middle three) plus the distance, wind and gate points no judge gives.

Each folder is written from its tables by the helpers of :mod:`analytics.synthetic.examples`.
The generators decide who goes on into the next round by the official rule, computed here in
exact decimal arithmetic (:func:`performance_points`, :func:`official_results`), independently
of the engine that ``jury check`` runs. Everything is invented and labelled so; the same seed
writes the same bytes.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from analytics.base import columns as col
from analytics.synthetic.examples import EXAMPLE_SEED, _csv, _names, _write

__all__ = ["DIVING_RULE", "SKI_JUMPING_RULE", "Round", "Rule", "diving_tables", "going_on", "official_results",
           "performance_points", "ski_jumping_tables", "write_diving", "write_ski_jumping"]


# --- the official rule, in exact decimal arithmetic -------------------------------------

@dataclass(frozen=True)
class Rule:
    """The rule of ``[aggregation]`` for a sport that judges each attempt.

    ``drop_high``/``drop_low``: marks dropped at each end of a performance's panel (``drop_extremes``);
    ``panel``: the kept marks summed or averaged; ``multiplier``: a factor of every performance;
    ``decimals``: round half up at every step; ``performances``: how a round's performance points
    make the entry's round score.
    """

    drop_high: int
    drop_low: int
    panel: Literal["mean", "sum"]
    multiplier: Decimal
    decimals: int
    performances: Literal["sum", "mean", "best"] = "sum"


@dataclass(frozen=True)
class Round:
    """One ``[[rounds]]`` table: ``advance`` entries go on (``None``: the last round), the round's
    result is the weighted sum of the entry's round scores named in ``weights``, each entry
    performs ``performances`` times."""

    id: str
    name: str
    advance: int | None
    weights: dict[str, Decimal] = field(hash=False)
    performances: int


def half_up(value: Decimal, decimals: int) -> Decimal:
    """``value`` rounded half up (never half to even) to ``decimals`` places."""
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def performance_points(marks: Iterable[Decimal | float | str], rule: Rule, *, factor: Decimal | str = "1",
                       base: Decimal | str = "0", usual: int | None = None) -> Decimal:
    """A performance's points: ``round(round(panel) × factor × multiplier + base)``.

    The panel is the performance's marks less the ``drop_low`` lowest and ``drop_high`` highest,
    summed (``panel = "sum"``) or averaged; every rounding half up to ``rule.decimals``. ``usual``: the
    round's usual panel; a sum over a short panel counts the kept marks' mean as many times as the usual
    panel keeps marks (as a missing mark is replaced by the others' average).

    Examples
    --------
    A dive of degree of difficulty 3.1 marked 7.5, 8, 8, 8.5, 8, 7.5, 8 by seven judges: 8.5 and
    one 7.5 are dropped, the middle five sum to 39.5, and 39.5 × 3.1 × 0.6 = 73.47 points.

    >>> performance_points(["7.5", "8", "8", "8.5", "8", "7.5", "8"], DIVING_RULE, factor="3.1")
    Decimal('73.47')

    A jump marked 18, 18.5, 18.5, 19, 17.5 for style (19 and 17.5 dropped: 55.0) with 62.7
    distance, wind and gate points:

    >>> performance_points(["18", "18.5", "18.5", "19", "17.5"], SKI_JUMPING_RULE, base="62.7")
    Decimal('117.7')
    """
    ordered = sorted(Decimal(str(m)) for m in marks)
    kept = ordered[rule.drop_low: len(ordered) - rule.drop_high]
    total = sum(kept, Decimal(0))
    full = len(ordered) if usual is None else usual
    if rule.panel == "sum":
        total = total if len(ordered) == full else total / len(kept) * (full - rule.drop_low - rule.drop_high)
    panel = half_up(total if rule.panel == "sum" else total / len(kept), rule.decimals)
    return half_up(panel * Decimal(str(factor)) * rule.multiplier + Decimal(str(base)), rule.decimals)


def going_on(results: dict[str, Decimal], advance: int) -> list[str]:
    """The ``advance`` best and every entry tied with the last of them, sorted by id."""
    if len(results) <= advance:
        return sorted(results)
    bar = sorted(results.values(), reverse=True)[advance - 1]
    return sorted(e for e, v in results.items() if v >= bar)


def official_results(scores: pd.DataFrame, performances: pd.DataFrame, rule: Rule,
                     rounds: tuple[Round, ...]) -> dict[str, dict[str, dict[str, Decimal]]]:
    """Per round: each performance's ``points`` (keyed ``entry_id/performance``), each entry's
    ``round_score`` and ``result`` (the weighted sum of its round scores), for the entries with a
    score in the round. ``performances``: ``entry_id, round, performance`` and optionally
    ``factor``, ``base`` (missing: 1 and 0)."""
    sheet = performances.set_index([col.ENTRY_ID, col.ROUND, col.PERFORMANCE])
    out: dict[str, dict[str, dict[str, Decimal]]] = {}
    for rnd in rounds:
        marks: dict[tuple[str, str], list] = defaultdict(list)
        here = scores[scores[col.ROUND] == rnd.id]
        for entry, performance, mark in zip(here[col.ENTRY_ID], here[col.PERFORMANCE], here[col.SCORE]):
            marks[(entry, performance)].append(mark)
        points, by_entry = {}, defaultdict(list)
        sizes = Counter(len(given) for given in marks.values())
        usual = max(sizes, key=lambda n: (sizes[n], n)) if sizes else None  # the round's usual panel
        for (entry, performance), given in marks.items():
            row = sheet.loc[(entry, rnd.id, performance)]
            factor = row[col.FACTOR] if col.FACTOR in sheet.columns else "1"
            base = row[col.BASE] if col.BASE in sheet.columns else "0"
            points[f"{entry}/{performance}"] = p = performance_points(given, rule, factor=factor, base=base, usual=usual)
            by_entry[entry].append(p)
        combine = {"sum": lambda ps: sum(ps, Decimal(0)), "best": max,
                   "mean": lambda ps: sum(ps, Decimal(0)) / len(ps)}[rule.performances]
        round_score = {e: half_up(combine(ps), rule.decimals) for e, ps in by_entry.items()}
        out[rnd.id] = {"points": points, "round_score": round_score}
        out[rnd.id]["result"] = {e: half_up(sum((w * out[r]["round_score"][e] for r, w in rnd.weights.items()),
                                                Decimal(0)), rule.decimals) for e in round_score}
    return out


def _rounds_toml(rounds: tuple[Round, ...]) -> str:
    blocks = []
    for rnd in rounds:
        weights = ", ".join(f"{r} = {w}" for r, w in rnd.weights.items())
        advance = f"advance = {rnd.advance}\n" if rnd.advance is not None else ""
        blocks.append(f'[[rounds]]\nid = "{rnd.id}"\nname = "{rnd.name}"\n{advance}weights = {{ {weights} }}\n')
    return "\n".join(blocks)


def _marks(values: np.ndarray, top: float) -> np.ndarray:
    """Latent marks on the half-point grid of 0 .. ``top``."""
    return np.clip(np.round(values * 2) / 2, 0, top)


def _readme_rows(planted: list[dict]) -> str:
    return "\n".join(f"| `{a['kind']}` | {a['severity'] or '—'} | {a['round'] or 'every round'} | "
                     f"{a['entry_id'] or a['juror_id'] or '—'} | {a['description']} |" for a in planted)


# --- diving -------------------------------------------------------------------------------

DIVING_LANE = "springboard_3m"
DIVING_RULE = Rule(drop_high=1, drop_low=1, panel="sum", multiplier=Decimal("0.6"), decimals=2)
DIVING_ROUNDS = (
    Round("preliminary", "Preliminary", 18, {"preliminary": Decimal(1)}, 6),
    Round("semifinal", "Semifinal", 12, {"semifinal": Decimal(1)}, 5),
    Round("final", "Final", None, {"semifinal": Decimal(1), "final": Decimal(1)}, 6),
)
DIVERS, DIVING_JUDGES, HOME_BONUS = 40, 14, 1.0
DIVING_TOML = """\
# A SYNTHETIC 3 m springboard diving event in three rounds: seven judges per dive, from two
# panels of seven that take turns (panel A the odd dives, panel B the even ones); each dive's
# points are the sum of the five middle marks x the dive's degree of difficulty x 0.6.
# Written by `jury demo --kind diving`; every name, dive sheet and mark is invented.
[festival]
name = "Synthetic Springboard Diving Championships"
year = 2026
synthetic = true

[scale]
min = 0
max = 10
step = 0.5

[[criteria]]
id = "execution"
label = "Execution (each judge's mark for the dive)"

[[lanes]]
id = "{lane}"
name = "3 m springboard"
honour = "Gold medal, 3 m springboard"

[jury]
affiliations = ["country"]

[aggregation]
jurors = "drop_extremes"
drop_high = 1
drop_low = 1
panel = "sum"            # the five middle marks of seven are summed, not averaged
multiplier = 0.6         # ... x the dive's degree of difficulty (performances.csv factor) x 0.6
performances = "sum"     # a round's score: the sum of the diver's dive points
decimals = 2

{rounds}
[checks]
bootstrap_resamples = 1000
seed = 2026
"""
DIVING_COUNTRIES = ("China", "Mexico", "Great Britain", "Australia", "Canada", "Germany", "Italy", "United States",
                    "Japan", "Ukraine", "Malaysia", "Brazil", "France", "Sweden", "South Korea", "Colombia")
#: the dives a diver may choose, by group (forward, back, reverse, inward, twisting), with degrees of
#: difficulty in the range of the sport's tables (invented here, not copied from them)
DIVES = (
    (("101B", 1.5), ("103B", 1.9), ("105C", 2.6), ("105B", 2.8), ("107C", 3.1), ("107B", 3.3), ("109C", 3.8)),
    (("201B", 1.6), ("203C", 2.3), ("203B", 2.5), ("205C", 2.8), ("205B", 3.0), ("207C", 3.5)),
    (("301B", 1.7), ("303C", 2.5), ("303B", 2.7), ("305C", 3.0), ("305B", 3.2), ("307C", 3.5)),
    (("401B", 1.5), ("403C", 2.2), ("403B", 2.4), ("405C", 2.9), ("405B", 3.1), ("407C", 3.4)),
    (("5132D", 2.2), ("5152B", 2.6), ("5235D", 2.8), ("5154B", 3.0), ("5337D", 3.3), ("5156B", 3.6)),
)


def _dive_sheet(rng: np.random.Generator, level: float) -> list[tuple[str, float]]:
    """Six dives: one of each group, then a second of a group drawn at random, in a random
    order; harder for a stronger diver (``level``: the diver's standard score)."""
    def pick(group: int, taken: set[str]) -> tuple[str, float]:
        target = np.clip(2.9 + 0.35 * level + rng.normal(0, 0.2), 1.6, 3.7)
        options = [d for d in DIVES[group] if d[0] not in taken]
        return min(options, key=lambda d: abs(d[1] - target))

    five = [pick(g, set()) for g in range(5)]
    extra = pick(int(rng.integers(0, 5)), {d for d, _ in five})
    order = rng.permutation(6)
    return [(five + [extra])[i] for i in order]


def diving_tables(seed: int = EXAMPLE_SEED) -> tuple[dict[str, pd.DataFrame], list[dict]]:
    """The diving event's tables (``entries``, ``jurors``, ``scores``, ``performances``) and its
    planted cases (as ``planted.json`` lists them)."""
    rng = np.random.default_rng(seed)
    entry_ids = [f"D{i:02d}" for i in range(1, DIVERS + 1)]
    level = rng.normal(0.0, 1.0, DIVERS)  # each diver's standard score
    share = np.linspace(3.0, 1.0, len(DIVING_COUNTRIES))  # some nations send bigger teams
    countries = rng.choice(DIVING_COUNTRIES, size=DIVERS, p=share / share.sum())
    people = _names(rng, DIVERS + DIVING_JUDGES)
    entries = pd.DataFrame({col.ENTRY_ID: entry_ids, col.TITLE: people[:DIVERS], col.CATEGORY: DIVING_LANE,
                            col.COUNTRY: countries})
    team = pd.Series(countries).value_counts()
    home_country = min(team[team == team.max()].index)  # the biggest team's nation has a judge
    others = [c for c in DIVING_COUNTRIES if c != home_country]
    judge_countries = rng.permutation([home_country, *rng.choice(others, size=DIVING_JUDGES - 1, replace=False)])
    judge_ids = [f"JD{i:02d}" for i in range(1, DIVING_JUDGES + 1)]
    rotation = ["A"] * 7 + ["B"] * 7
    jurors = pd.DataFrame({col.JUROR_ID: judge_ids, col.NAME: people[DIVERS:], col.PANEL: DIVING_LANE,
                           col.COUNTRY: judge_countries, "rotation": rotation})
    home = judge_ids[list(judge_countries).index(home_country)]
    panels = {"A": judge_ids[:7], "B": judge_ids[7:]}

    execution = dict(zip(entry_ids, 6.9 + 0.8 * level))
    sheets = {e: _dive_sheet(rng, z) for e, z in zip(entry_ids, level)}
    severity = dict(zip(judge_ids, rng.normal(0.0, 0.12, DIVING_JUDGES)))
    own = {e for e, c in zip(entry_ids, countries) if c == home_country}
    by_level = [entry_ids[i] for i in np.argsort(-level)]
    withdrawn, absent = by_level[26], by_level[33]  # far from the cuts

    def dives(entry: str, rnd: Round) -> list[tuple[str, float]]:
        if rnd.performances == 6:
            return sheets[entry]
        five, groups = [], set()  # the semifinal: the first dive of each group, in the sheet's order
        for code, dd in sheets[entry]:
            if code[0] not in groups:
                groups.add(code[0])
                five.append((code, dd))
        return five

    def judged(ids: list[str], rnd: Round) -> tuple[pd.DataFrame, pd.DataFrame]:
        rows, sheet_rows = [], []
        form = dict(zip(ids, rng.normal(0.0, 0.2, len(ids)))) if rnd.id != "preliminary" else dict.fromkeys(ids, 0.0)
        for entry in ids:
            for k, (code, dd) in enumerate(dives(entry, rnd), start=1):
                sheet_rows.append((entry, rnd.id, str(k), dd, code))
                if entry == absent or (entry == withdrawn and rnd.id == "preliminary" and k > 2):
                    continue
                quality = execution[entry] + form[entry] - 0.4 * (dd - 2.9) + rng.normal(0.0, 0.5)
                if rng.random() < 0.04:  # a failed dive: every judge sees it
                    quality -= rng.uniform(2.5, 4.0)
                panel = panels["A" if k % 2 else "B"]
                latent = (quality + np.array([severity[j] for j in panel]) + rng.normal(0.0, 0.2, len(panel))
                          + HOME_BONUS * np.array([j == home and entry in own for j in panel]))
                rows += [(entry, j, "execution", m, rnd.id, str(k)) for j, m in zip(panel, _marks(latent, 10))]
        return (pd.DataFrame(rows, columns=[col.ENTRY_ID, col.JUROR_ID, col.CRITERION, col.SCORE, col.ROUND,
                                            col.PERFORMANCE]),
                pd.DataFrame(sheet_rows, columns=[col.ENTRY_ID, col.ROUND, col.PERFORMANCE, col.FACTOR, "dive"]))

    scores, performances = judged(entry_ids, DIVING_ROUNDS[0])
    # the short panel: one judge's mark of a dive of the preliminary's third best is missing
    prelim = official_results(scores, performances, DIVING_RULE, DIVING_ROUNDS[:1])["preliminary"]["result"]
    short_entry = sorted(prelim, key=lambda e: (-prelim[e], e))[2]
    dive = scores[(scores[col.ENTRY_ID] == short_entry) & (scores[col.PERFORMANCE] == "4")]
    lost = dive[dive[col.JUROR_ID] != home].sort_values([col.SCORE, col.JUROR_ID]).iloc[3]  # a middle mark
    factor = performances.loc[(performances[col.ENTRY_ID] == short_entry) & (performances[col.PERFORMANCE] == "4"),
                              col.FACTOR].iloc[0]
    seven = performance_points(dive[col.SCORE], DIVING_RULE, factor=str(factor))
    scores = scores.drop(index=lost.name).reset_index(drop=True)
    six = performance_points(dive[col.SCORE].drop(index=lost.name), DIVING_RULE, factor=str(factor), usual=7)
    taking_part = entry_ids
    for before, rnd in pairwise(DIVING_ROUNDS):
        results = official_results(scores, performances, DIVING_RULE, DIVING_ROUNDS)[before.id]["result"]
        taking_part = going_on(results, before.advance)
        more_scores, more_sheets = judged(taking_part, rnd)
        scores = pd.concat([scores, more_scores], ignore_index=True)
        performances = pd.concat([performances, more_sheets], ignore_index=True)
    order = {r.id: i for i, r in enumerate(DIVING_ROUNDS)}
    scores = scores.sort_values([col.ROUND, col.ENTRY_ID, col.PERFORMANCE, col.JUROR_ID], ignore_index=True,
                                key=lambda s: s.map(order) if s.name == col.ROUND else s)
    performances = performances.sort_values([col.ROUND, col.ENTRY_ID, col.PERFORMANCE], ignore_index=True,
                                            key=lambda s: s.map(order) if s.name == col.ROUND else s)
    results = official_results(scores, performances, DIVING_RULE, DIVING_ROUNDS)
    prelim = results["preliminary"]["result"]
    place = 1 + sum(v > prelim[withdrawn] for v in prelim.values())
    planted = [
        {"kind": "performances_incomplete", "severity": "warning", "lane": DIVING_LANE, "round": "preliminary",
         "entry_id": withdrawn, "juror_id": "", "criterion": "", "performance": "",
         "description": f"{withdrawn} withdrew after two dives of the preliminary: dives 3-6 of their sheet are in "
                        f"performances.csv but have no marks in scores.csv; ranked on two dives ({prelim[withdrawn]} "
                        f"points, {place} of {len(prelim)})"},
        {"kind": "performance_short_panel", "severity": "warning", "lane": DIVING_LANE, "round": "preliminary",
         "entry_id": short_entry, "juror_id": "", "criterion": "", "performance": "4",
         "description": f"dive 4 of {short_entry} has six marks: {lost[col.JUROR_ID]}'s mark ({lost[col.SCORE]:g}) is "
                        f"missing, so the mean of the four middle marks of six counts five times, as the five middle "
                        f"marks of a full panel would: {six} points where the seven marks gave {seven}"},
        {"kind": "affiliation_bias", "severity": "warning", "lane": DIVING_LANE, "round": "", "entry_id": "",
         "juror_id": home, "criterion": "", "performance": "",
         "description": f"{home} ({home_country}, panel {rotation[judge_ids.index(home)]}) marks the divers of "
                        f"{home_country} ({', '.join(sorted(own))}) about {HOME_BONUS:g} point higher than their "
                        "judgement; often dropped as the highest mark, still seen by the affiliation screen"},
        {"kind": "did_not_start", "severity": "", "lane": DIVING_LANE, "round": "preliminary", "entry_id": absent,
         "juror_id": "", "criterion": "", "performance": "",
         "description": f"{absent} did not start: in entries.csv and on the dive sheet (performances.csv), no "
                        "score at all: not ranked, no probabilities"},
    ]
    return {"entries": entries, "jurors": jurors, "scores": scores, "performances": performances}, planted


#: what `jury check` finds in the example beyond what was planted (at its seed)
DIVING_OUTCOME = """Nothing else is planted, yet `jury check` exits 1, and that is the workbench's point: at this
seed the preliminary's cut between the 18th and 19th diver (2.46 points) changes when one of two
judges of panel A is left out (`cut_unstable`), and the final's winner leads by 14.55 points,
which the resampled juries do not separate from zero (`first_place_tie`): blockers the chair
decides on before the results are published.

"""


def write_diving(out: str | Path, seed: int = EXAMPLE_SEED) -> Path:
    """Write the diving event to ``out``, with its ``planted.json``."""
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    tables, planted = diving_tables(seed)
    _write(folder, "festival.toml", DIVING_TOML.format(lane=DIVING_LANE, rounds=_rounds_toml(DIVING_ROUNDS)))
    for name in ("entries", "jurors", "scores", "performances"):
        _write(folder, f"{name}.csv", _csv(tables[name]))
    _write(folder, "planted.json", json.dumps({"synthetic": True, "generator": "jury demo --kind diving", "seed": seed,
                                               "anomalies": planted}, ensure_ascii=False, indent=2) + "\n")
    results = official_results(tables["scores"], tables["performances"], DIVING_RULE, DIVING_ROUNDS)
    taking = {r.id: len(results[r.id]["result"]) for r in DIVING_ROUNDS}
    final = results["final"]["result"]
    winner = min(final, key=lambda e: (-final[e], e))
    best = max((k for k in results["final"]["points"] if k.startswith(f"{winner}/")),
               key=lambda k: (results["final"]["points"][k], k))
    performance = best.split("/")[1]
    scores, sheet = tables["scores"], tables["performances"]
    marks = sorted(scores.loc[(scores[col.ROUND] == "final") & (scores[col.ENTRY_ID] == winner)
                              & (scores[col.PERFORMANCE] == performance), col.SCORE])
    dive = sheet[(sheet[col.ROUND] == "final") & (sheet[col.ENTRY_ID] == winner)
                 & (sheet[col.PERFORMANCE] == performance)]
    code, factor = dive["dive"].iloc[0], dive[col.FACTOR].iloc[0]
    kept = sum(Decimal(str(m)) for m in marks[1:-1])
    _write(folder, "README.md", f"""# Example: springboard diving, judged dive by dive (SYNTHETIC DATA)

Written by `jury demo --kind diving --out data/examples/diving --seed {seed}`: every name, dive
sheet and mark is invented. The style of the sport's championships (design section 14):

- {DIVERS} divers on the 3 m springboard (`entries.csv`, with their `country`), {DIVING_JUDGES} judges
  (`jurors.csv`, with their `country` and their `rotation`): seven judge each dive, panel A
  (JD01-JD07) the odd dives, panel B (JD08-JD14) the even ones. There is no `assignments.csv`: a
  dive's panel is the judges who marked it.
- One mark per judge and dive (criterion `execution`), 0 to 10 in half points. `scores.csv` says
  which dive each mark is for (`round`, `performance`: 1 to 6 in the order dived).
- `performances.csv` is the dive sheet: each dive's code (`dive`, e.g. `{code}`) and its degree of
  difficulty (`factor`).
- The official rule (`[aggregation]`): of a dive's seven marks the highest and the lowest are
  dropped and the five middle marks summed (`drop_extremes`, `panel = "sum"`), times the degree
  of difficulty, times 0.6 (`multiplier`), rounded half up to two decimals; a round's score is
  the sum of the diver's dive points. For example the winner {winner}'s best dive of the final,
  dive {performance} (`{code}`, degree of difficulty {factor:g}), was marked
  {", ".join(f"{m:g}" for m in marks)}: the middle five sum to {kept}, and {kept} × {factor:g} × 0.6 =
  {results["final"]["points"][best]} points.
- Three rounds (`[[rounds]]`): the preliminary (six dives, {taking["preliminary"]} divers took part), 18
  go on to the semifinal (five dives, {taking["semifinal"]} divers), 12 to the final (six dives,
  {taking["final"]} divers), whose result is the semifinal's score plus the final's. Every diver tied
  at a cut goes on.

Planted, and documented in `planted.json`:

| kind | severity | round | who | what |
|---|---|---|---|---|
{_readme_rows(planted)}

{DIVING_OUTCOME if seed == EXAMPLE_SEED else ""}```
jury check data/examples/diving
jury report data/examples/diving --draft
```
""")
    return folder


# --- ski jumping --------------------------------------------------------------------------

SKI_LANE = "large_hill"
SKI_JUMPING_RULE = Rule(drop_high=1, drop_low=1, panel="sum", multiplier=Decimal(1), decimals=1)
SKI_ROUNDS = (
    Round("first", "First round", 30, {"first": Decimal(1)}, 1),
    Round("final", "Final round", None, {"first": Decimal(1), "final": Decimal(1)}, 1),
)
JUMPERS, SKI_JUDGES = 50, 5
K_POINT, HILL_SIZE, METRE_POINTS, GATE_POINTS = 125, 140, Decimal("1.8"), Decimal("7.2")
HEADWIND_POINTS, TAILWIND_POINTS = Decimal("-8.5"), Decimal("-10.3")  # points per m/s of head (+) or tail (-) wind
#: the first round starts from gate 14 and the jury lowers it to 13 after the twentieth jumper; the final starts from 13
START_GATE, LOWERED_AFTER = 14, 20
SKI_TOML = """\
# A SYNTHETIC ski jumping competition on a large hill (K {k}, HS {hs}) in two rounds: five judges
# mark each jump's style, the highest and lowest marks are dropped and the middle three summed,
# and the distance, wind and gate points no judge gives (performances.csv base) are added.
# Written by `jury demo --kind ski-jumping`; every name, distance and mark is invented.
[festival]
name = "Synthetic Ski Jumping Cup, large hill"
year = 2026
synthetic = true

[scale]
min = 0
max = 20
step = 0.5

[[criteria]]
id = "style"
label = "Style (flight, landing and outrun)"

[[lanes]]
id = "{lane}"
name = "Large hill HS{hs}"
honour = "Winner, large hill"

[aggregation]
jurors = "drop_extremes"
drop_high = 1
drop_low = 1
panel = "sum"            # style points: the three middle marks of five, summed
performances = "sum"     # one jump per round
decimals = 1

{rounds}
[checks]
bootstrap_resamples = 1000
seed = 2026
"""
SKI_COUNTRIES = ("Norway", "Austria", "Germany", "Slovenia", "Poland", "Japan", "Switzerland", "Finland", "Czechia",
                 "United States", "Italy", "France", "Canada")


def _tenth(value: float) -> Decimal:
    return half_up(Decimal(repr(float(value))), 1)


def ski_jumping_tables(seed: int = EXAMPLE_SEED) -> dict[str, pd.DataFrame]:
    """The ski jumping competition's tables: ``entries``, ``jurors``, ``scores``, ``performances``
    (each jump's distance, wind and gate, their points and their sum, ``base``)."""
    rng = np.random.default_rng(seed)
    entry_ids = [f"SJ{i:02d}" for i in range(1, JUMPERS + 1)]
    ability = dict(zip(entry_ids, rng.normal(0.0, 1.0, JUMPERS)))
    people = _names(rng, JUMPERS + SKI_JUDGES)
    entries = pd.DataFrame({col.ENTRY_ID: entry_ids, col.TITLE: people[:JUMPERS], col.CATEGORY: SKI_LANE,
                            col.COUNTRY: rng.choice(SKI_COUNTRIES, size=JUMPERS)})
    judge_ids = [f"JS{i}" for i in range(1, SKI_JUDGES + 1)]
    jurors = pd.DataFrame({col.JUROR_ID: judge_ids, col.NAME: people[JUMPERS:], col.PANEL: SKI_LANE,
                           col.COUNTRY: rng.choice(SKI_COUNTRIES, size=SKI_JUDGES, replace=False)})
    severity = rng.normal(0.0, 0.15, SKI_JUDGES)

    def jumps(ids: list[str], rnd: Round, start_gate: int,
              lowered_after: int | None) -> tuple[pd.DataFrame, pd.DataFrame]:
        start = sorted(ids, key=lambda e: (ability[e] + rng.normal(0.0, 0.5), e))  # the weakest jump first
        rows, sheet = [], []
        for n, entry in enumerate(start, start=1):
            gate = start_gate - (lowered_after is not None and n > lowered_after)  # the jury lowered the gate
            wind = float(np.round(rng.normal(0.3, 0.5), 2))  # m/s, + headwind, - tailwind
            metres = K_POINT + 6.0 * ability[entry] + 4.0 * wind - 4.0 * (start_gate - gate) + rng.normal(0.0, 3.5)
            distance = Decimal(repr(float(np.round(metres * 2) / 2)))
            distance_points = 60 + METRE_POINTS * (distance - K_POINT)
            wind_points = _tenth(float(wind) * float(HEADWIND_POINTS if wind > 0 else TAILWIND_POINTS))
            gate_points = (start_gate - gate) * GATE_POINTS  # compensation against the round's start gate
            base = distance_points + wind_points + gate_points
            sheet.append((entry, rnd.id, "1", f"{base:.1f}", f"{distance:.1f}", f"{distance_points:.1f}",
                          f"{wind:.2f}", f"{wind_points:.1f}", str(gate), f"{gate_points:.1f}"))
            landing = 17.2 + 0.5 * ability[entry] + rng.normal(0.0, 0.5) - 0.15 * max(0.0, float(distance) - HILL_SIZE)
            marks = _marks(landing + severity + rng.normal(0.0, 0.25, SKI_JUDGES), 20)
            rows += [(entry, j, "style", m, rnd.id, "1") for j, m in zip(judge_ids, marks)]
        return (pd.DataFrame(rows, columns=[col.ENTRY_ID, col.JUROR_ID, col.CRITERION, col.SCORE, col.ROUND,
                                            col.PERFORMANCE]),
                pd.DataFrame(sheet, columns=[col.ENTRY_ID, col.ROUND, col.PERFORMANCE, col.BASE, "distance",
                                             "distance_points", "wind", "wind_points", "gate", "gate_points"]))

    scores, performances = jumps(entry_ids, SKI_ROUNDS[0], START_GATE, lowered_after=LOWERED_AFTER)
    first = official_results(scores, performances, SKI_JUMPING_RULE, SKI_ROUNDS[:1])["first"]["result"]
    more_scores, more_sheet = jumps(going_on(first, SKI_ROUNDS[0].advance), SKI_ROUNDS[1], START_GATE - 1,
                                    lowered_after=None)
    scores = pd.concat([scores, more_scores], ignore_index=True)
    performances = pd.concat([performances, more_sheet], ignore_index=True)
    order = {r.id: i for i, r in enumerate(SKI_ROUNDS)}
    key = {"key": lambda s: s.map(order) if s.name == col.ROUND else s, "ignore_index": True}
    return {"entries": entries, "jurors": jurors,
            "scores": scores.sort_values([col.ROUND, col.ENTRY_ID, col.JUROR_ID], **key),
            "performances": performances.sort_values([col.ROUND, col.ENTRY_ID], **key)}


def write_ski_jumping(out: str | Path, seed: int = EXAMPLE_SEED) -> Path:
    """Write the ski jumping competition to ``out``."""
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    tables = ski_jumping_tables(seed)
    _write(folder, "festival.toml", SKI_TOML.format(lane=SKI_LANE, k=K_POINT, hs=HILL_SIZE,
                                                    rounds=_rounds_toml(SKI_ROUNDS)))
    for name in ("entries", "jurors", "scores", "performances"):
        _write(folder, f"{name}.csv", _csv(tables[name]))
    results = official_results(tables["scores"], tables["performances"], SKI_JUMPING_RULE, SKI_ROUNDS)
    final = results["final"]["result"]
    winner = min(final, key=lambda e: (-final[e], e))
    scores, sheet = tables["scores"], tables["performances"]
    marks = sorted(scores.loc[(scores[col.ROUND] == "final") & (scores[col.ENTRY_ID] == winner), col.SCORE])
    jump = sheet[(sheet[col.ROUND] == "final") & (sheet[col.ENTRY_ID] == winner)].iloc[0]
    style = sum(Decimal(str(m)) for m in marks[1:-1])
    went_on = len(results["final"]["result"])
    tie = (f"{went_on} went on: the jumpers tied thirtieth all go on, as the sport's rules say" if went_on > 30
           else "no tie at the cut this time; jumpers tied thirtieth would all go on")
    _write(folder, "README.md", f"""# Example: ski jumping, judged jump by jump (SYNTHETIC DATA)

Written by `jury demo --kind ski-jumping --out data/examples/ski-jumping --seed {seed}`: every
name, distance and mark is invented. The style of a large-hill competition (K point {K_POINT} m,
hill size {HILL_SIZE} m; design section 14):

- {JUMPERS} jumpers (`entries.csv`, with their `country`), five judges (`jurors.csv`), one style mark
  per judge and jump (criterion `style`), 0 to 20 in half points.
- `performances.csv` holds what no judge gives: each jump's `distance` (60 points at the K point,
  {METRE_POINTS} per metre more or less), the `wind` (in m/s; a headwind, positive, costs
  {-HEADWIND_POINTS} points per m/s, a tailwind, negative, earns {-TAILWIND_POINTS}) and the `gate` (the
  first round starts from gate {START_GATE} and the jury lowers it to {START_GATE - 1} after the twentieth
  jumper: those after get {GATE_POINTS} points back for the shorter in-run; the final starts from gate
  {START_GATE - 1}), their points, and their sum, `base`. It has no `factor` column: every jump's
  factor is 1.
- The official rule (`[aggregation]`): of a jump's five style marks the highest and the lowest
  are dropped and the middle three summed (`drop_extremes`, `panel = "sum"`), and `base` is
  added, to one decimal (`decimals = 1`). For example the winner {winner}'s final jump: style marks
  {", ".join(f"{m:g}" for m in marks)} (middle three: {style}); {jump['distance']} m ({jump['distance_points']} points),
  wind {jump['wind']} m/s ({jump['wind_points']} points), gate {jump['gate']} ({jump['gate_points']} points): base
  {jump['base']}, and {style} + {jump['base']} = {results["final"]["points"][f"{winner}/1"]} points.
- Two rounds (`[[rounds]]`), one jump each (`performance` 1): after the first round the 30 best
  go on ({tie}); the final result is the sum of both jumps' points.
- Nothing is planted: a jump's marks and its points are as the sport gives them.

```
jury check data/examples/ski-jumping
jury report data/examples/ski-jumping --draft
```
""")
    return folder
