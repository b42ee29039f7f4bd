"""Synthetic competitions whose jurors rank rather than score (design section 15), for newcomers to copy.

- :func:`write_contest`: a song contest's grand final: 26 songs, 36 national juries of five jurors, each
  juror ranking every song but their own country's; each jury's ranking is its jurors' rank sum (ties:
  the televote), its top ten get 12, 10, 8, 7 … 1 points, and the scoreboard sums points over juries.
  One jury is planted whose five jurors ranked the songs almost identically (``planted.json``).
- :func:`write_dance`: a dance final of six couples and seven adjudicators placed by the Skating System
  (majority of places, rules 5 to 8), with one adjudicator planted who places one couple far from the panel.

The official results are recomputed independently of the engine by the tests (exact fractions). Every
name and place is invented and labelled so; the same seed writes the same bytes.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from analytics.base import columns as col
from analytics.synthetic.examples import EXAMPLE_SEED, _csv, _names, _write

__all__ = ["CONTEST_POINTS", "contest_tables", "dance_tables", "write_contest", "write_dance"]

#: the points a jury gives its top ten
CONTEST_POINTS = (12, 10, 8, 7, 6, 5, 4, 3, 2, 1)
CONTEST_LANE = "grand_final"
#: the 36 voting countries; the first 26 have a song in the final
CONTEST_COUNTRIES = (
    "Albania", "Armenia", "Australia", "Austria", "Belgium", "Croatia", "Cyprus", "Czechia", "Denmark", "Estonia",
    "Finland", "France", "Georgia", "Germany", "Greece", "Iceland", "Ireland", "Israel", "Italy", "Latvia",
    "Lithuania", "Malta", "Moldova", "Netherlands", "Norway", "Poland", "Portugal", "Romania", "San Marino", "Serbia",
    "Slovenia", "Spain", "Sweden", "Switzerland", "Ukraine", "United Kingdom")
SONGS = 26
JURORS_PER_JURY = 5
#: the jury planted with near-identical rankings
PLANTED_JURY = "Moldova"

CONTEST_TOML = """\
# A SYNTHETIC song contest's grand final (design section 15): national juries of five jurors rank the
# songs; each jury's ranking is its jurors' rank sum, its top ten get 12, 10, 8, 7 ... 1 points, and the
# scoreboard is the sum of the juries' points. Written by `jury demo --kind contest`; everything is invented.
[festival]
name = "Synthetic Song Contest, grand final (jury vote)"
year = 2026
synthetic = true

[scale]
kind = "rank"   # each juror ranks the songs they judge, 1 = best
max = {songs}

[[criteria]]
id = "rank"
label = "Place in the juror's ranking"

[[lanes]]
id = "{lane}"
name = "Grand final"
honour = "Winner"

[aggregation]
jurors = "rank_sum"       # a jury's ranking: its jurors' places summed (the mean, as some rank one song fewer)
tie_break = "televote"    # a tie (within a jury, or on the scoreboard): the song with more televote points
juries = {{ points = [{points}] }}
"""


def contest_tables(seed: int = EXAMPLE_SEED) -> tuple[dict[str, pd.DataFrame], list[dict]]:
    """The contest's tables (entries, jurors, scores, conflicts) and what is planted."""
    rng = np.random.default_rng(seed)
    countries = CONTEST_COUNTRIES[:SONGS]
    entries = pd.DataFrame({col.ENTRY_ID: [f"S{i:02d}" for i in range(1, SONGS + 1)],
                            col.TITLE: [f"Song of {c}" for c in countries], col.CATEGORY: CONTEST_LANE,
                            col.COUNTRY: countries})
    appeal = rng.normal(0.0, 1.0, SONGS)
    entries["televote"] = np.maximum(1, np.rint(150 + 90 * appeal + rng.normal(0, 50, SONGS))).astype(int)
    juries = CONTEST_COUNTRIES
    n_jurors = len(juries) * JURORS_PER_JURY
    jurors = pd.DataFrame({col.JUROR_ID: [f"J{i:03d}" for i in range(1, n_jurors + 1)],
                           col.NAME: _names(rng, n_jurors), col.PANEL: CONTEST_LANE,
                           "jury": np.repeat(juries, JURORS_PER_JURY), col.COUNTRY: np.repeat(juries, JURORS_PER_JURY)})
    rows, conflicts = [], []
    planted_base = None
    for juror, jury in zip(jurors[col.JUROR_ID], jurors["jury"]):
        own = [i for i, c in enumerate(countries) if c == jury]
        songs = [i for i in range(SONGS) if i not in own]
        if jury == PLANTED_JURY:  # five jurors who agreed their ranking: one order, a swap or two each
            if planted_base is None:
                planted_base = list(np.array(songs)[np.argsort(-(appeal[songs] + rng.normal(0, 1.2, len(songs))))])
            order = list(planted_base)
            for _ in range(int(rng.integers(0, 3))):
                k = int(rng.integers(0, len(order) - 1))
                order[k], order[k + 1] = order[k + 1], order[k]
        else:
            order = list(np.array(songs)[np.argsort(-(appeal[songs] + rng.normal(0, 1.0, len(songs))))])
        rows += [(entries[col.ENTRY_ID][s], juror, "rank", place) for place, s in enumerate(order, start=1)]
        conflicts += [(juror, entries[col.ENTRY_ID][i], "own country's song (no vote)") for i in own]
    scores = pd.DataFrame(rows, columns=[col.ENTRY_ID, col.JUROR_ID, col.CRITERION, col.SCORE])
    conflicts = pd.DataFrame(conflicts, columns=[col.JUROR_ID, col.ENTRY_ID, col.REASON])
    planted = [{"kind": "collusion_suspected", "severity": "warning", "jury": PLANTED_JURY,
                "jurors": list(jurors.loc[jurors["jury"] == PLANTED_JURY, col.JUROR_ID]),
                "what": "the jury's five jurors ranked the songs in one agreed order, each with at most two swaps of "
                        "neighbouring songs"}]
    return {"entries": entries, "jurors": jurors, "scores": scores, "conflicts": conflicts}, planted


def write_contest(out: str | Path, seed: int = EXAMPLE_SEED) -> Path:
    """Write the song contest to ``out``, with its ``planted.json`` and README."""
    from analytics import load_festival
    from analytics.checks.collusion import collusion
    from analytics.checks.rankings import rankings

    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    tables, planted = contest_tables(seed)
    _write(folder, "festival.toml", CONTEST_TOML.format(songs=SONGS, lane=CONTEST_LANE,
                                                        points=", ".join(map(str, CONTEST_POINTS))))
    for name in ("entries", "jurors", "scores", "conflicts"):
        _write(folder, f"{name}.csv", _csv(tables[name]))
    _write(folder, "planted.json", json.dumps({"synthetic": True, "generator": "jury demo --kind contest", "seed": seed,
                                               "anomalies": planted}, ensure_ascii=False, indent=2) + "\n")
    festival = load_festival(folder)
    board = rankings(festival, n_boot=100)
    screen = collusion(festival)
    flagged = screen[screen["flagged"]]
    others = flagged[(flagged["level"] == "pair") & (flagged["jury"] != PLANTED_JURY)]
    chance = "".join(
        f" At this seed the screen also flags the pair {r.juror_a} and {r.juror_b} of the jury of {r.jury} (their "
        f"departures correlate at {r.agreement:.2f} over {r.n_entries} songs), which nothing planted: Benjamini–Hochberg "
        "holds the share of false alarms among the flags near 5%, so a flag is a question for the chair, not a finding."
        for r in others.itertuples())
    top = board.head(5)
    lines = "\n".join(f"| {int(r['rank'])} | {r['entry_id']} | {r['title']} | {r['score']:g} |"
                      for _, r in top.iterrows())
    _write(folder, "README.md", f"""# Example: a song contest's jury vote (SYNTHETIC DATA)

Written by `jury demo --kind contest --out data/examples/contest --seed {seed}`: every song, juror
and place is invented. A grand final as song contests vote it (design section 15):

- {SONGS} songs (`entries.csv`, with their `country` and their `televote` points), {len(CONTEST_COUNTRIES)} national
  juries of {JURORS_PER_JURY} jurors (`jurors.csv`, column `jury`).
- A rank scale (`[scale] kind = "rank"`): each juror ranks every song but their own country's, 1 = best
  (`scores.csv`, criterion `rank`); the song a juror may not vote for is a declared conflict
  (`conflicts.csv`), so it is not expected.
- The rule (`[aggregation]`): each jury's ranking is its jurors' places summed (`rank_sum`; the mean,
  since a jury whose country is in the final ranks one song fewer); its top ten get
  {", ".join(map(str, CONTEST_POINTS))} points (`juries = {{ points = [...] }}`); the scoreboard sums
  the points over juries. A tie, within a jury's ranking or on the scoreboard, goes to the song
  with more televote points (`tie_break = "televote"`).
- `jury check --out` writes each jury's ranking and points in `entry_scores.csv` (a row per jury
  and song) and the scoreboard in `rankings.csv`, with its robustness: the ranks with each jury
  left out, and the juries resampled with their jurors resampled within them.

The top of the scoreboard at this seed:

| rank | song | title | points |
|---|---|---|---|
{lines}

Planted, and documented in `planted.json`: the jury of {PLANTED_JURY} ranked the songs in one agreed
order, each juror with at most two swaps of neighbouring songs. The collusion screen
(`collusion.csv`, flag `collusion_suspected`) finds it: its jurors' departures from the other juries'
consensus agree far beyond what the panel's agreement predicts: the jury ({int((flagged["level"] == "jury").sum())} flag) and
its {int(((flagged["level"] == "pair") & (flagged["jury"] == PLANTED_JURY)).sum())} pairs of jurors.{chance}

```
jury check data/examples/contest
jury report data/examples/contest --draft
```
""")
    return folder


# --- dance: the Skating System ----------------------------------------------------------------------

DANCE_LANE = "latin_final"
COUPLES = 6
ADJUDICATORS = 7
#: the adjudicator planted who places one couple far from where the panel does
PLANTED_ADJUDICATOR = "A4"

DANCE_TOML = """\
# A SYNTHETIC dance final placed by the Skating System (design section 15): seven adjudicators each
# place the six couples 1 to 6, and the couples are placed by majority of places (rules 5 to 8).
# Written by `jury demo --kind dance`; every couple and mark is invented.
[festival]
name = "Synthetic Dance Championship, Latin final (Rumba)"
year = 2026
synthetic = true

[scale]
kind = "rank"
max = {couples}

[[criteria]]
id = "place"
label = "The adjudicator's place for the couple"

[[lanes]]
id = "{lane}"
name = "Latin final: Rumba"
honour = "Champions"

[aggregation]
jurors = "majority"   # the Skating System, rules 5 to 8
tie_break = "none"    # couples the rules leave equal share the places, and the standings say so
"""


def dance_tables(seed: int = EXAMPLE_SEED) -> tuple[dict[str, pd.DataFrame], list[dict]]:
    """The dance final's tables (entries, jurors, scores) and what is planted."""
    rng = np.random.default_rng(seed)
    numbers = [str(n) for n in sorted(rng.choice(np.arange(11, 99), COUPLES, replace=False))]
    names = _names(rng, 2 * COUPLES + ADJUDICATORS)
    entries = pd.DataFrame({col.ENTRY_ID: [f"C{n}" for n in numbers],
                            col.TITLE: [f"{names[2 * i]} & {names[2 * i + 1]}" for i in range(COUPLES)],
                            col.CATEGORY: DANCE_LANE})
    jurors = pd.DataFrame({col.JUROR_ID: [f"A{i}" for i in range(1, ADJUDICATORS + 1)],
                           col.NAME: names[2 * COUPLES:], col.PANEL: DANCE_LANE})
    level = np.linspace(1.2, -1.2, COUPLES) + rng.normal(0, 0.15, COUPLES)  # close couples: the rules have work to do
    rows = []
    favoured = int(np.argsort(-level)[COUPLES - 2])  # the fifth-best couple on the night
    for judge in jurors[col.JUROR_ID]:
        seen = level + rng.normal(0, 0.6, COUPLES)
        if judge == PLANTED_ADJUDICATOR:
            seen[favoured] = seen.max() + 1.0  # places the fifth couple first
        order = np.argsort(-seen)
        place = np.empty(COUPLES, dtype=int)
        place[order] = np.arange(1, COUPLES + 1)
        rows += [(entries[col.ENTRY_ID][i], judge, "place", int(place[i])) for i in range(COUPLES)]
    scores = pd.DataFrame(rows, columns=[col.ENTRY_ID, col.JUROR_ID, col.CRITERION, col.SCORE])
    planted = [{"kind": "outlying_place", "juror_id": PLANTED_ADJUDICATOR, "entry_id": entries[col.ENTRY_ID][favoured],
                "what": "the adjudicator places first a couple the rest of the panel places near the bottom"}]
    return {"entries": entries, "jurors": jurors, "scores": scores}, planted


def write_dance(out: str | Path, seed: int = EXAMPLE_SEED) -> Path:
    """Write the dance final to ``out``, with its ``planted.json`` and README (with the Skating System's working)."""
    from analytics.rules.skating import skating_table

    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    tables, planted = dance_tables(seed)
    _write(folder, "festival.toml", DANCE_TOML.format(couples=COUPLES, lane=DANCE_LANE))
    for name in ("entries", "jurors", "scores"):
        _write(folder, f"{name}.csv", _csv(tables[name]))
    _write(folder, "planted.json", json.dumps({"synthetic": True, "generator": "jury demo --kind dance", "seed": seed,
                                               "anomalies": planted}, ensure_ascii=False, indent=2) + "\n")
    marks = tables["scores"].pivot(index=col.ENTRY_ID, columns=col.JUROR_ID, values=col.SCORE)
    table = skating_table(marks)
    counts = table.pivot(index="couple", columns="places_up_to", values="count")
    totals = table.pivot(index="couple", columns="places_up_to", values="total")
    decided = table[table["decisive"]].set_index("couple")
    header = "| couple | " + " | ".join(marks.columns) + " | " + " | ".join(f"1-{k}" for k in counts.columns) + \
        " | place | rule |"
    rule_of = {"5": "5", "6": "6", "7a": "7 (lower sum)", "7b": "7 (next place)", "shared": "shared"}
    body = []
    for couple in marks.sort_values(list(marks.columns)).index.sort_values():
        cells = []
        for k in counts.columns:
            here = decided.loc[couple, "places_up_to"]
            if k > here:
                cells.append("")
            else:
                n = counts.loc[couple, k]
                shown = str(n) if n else "-"
                if k == here and decided.loc[couple, "rule"] in ("7a", "7b", "shared"):
                    shown += f" ({totals.loc[couple, k]})"
                cells.append(shown)
        place = decided.loc[couple, "place"]
        body.append(f"| {couple} | " + " | ".join(str(v) for v in marks.loc[couple]) + " | " + " | ".join(cells)
                    + f" | {place:g} | {rule_of[decided.loc[couple, 'rule']]} |")
    _write(folder, "README.md", f"""# Example: a dance final by the Skating System (SYNTHETIC DATA)

Written by `jury demo --kind dance --out data/examples/dance --seed {seed}`: every couple and mark is
invented. A final as dance sport places it (design section 15):

- {COUPLES} couples (`entries.csv`), {ADJUDICATORS} adjudicators (`jurors.csv`); each adjudicator places the
  couples 1 to {COUPLES}, each place once (`[scale] kind = "rank"`; `scores.csv`, criterion `place`).
- The rule (`[aggregation] jurors = "majority"`): the Skating System's rules 5 to 8 for one dance
  (:mod:`analytics.rules.skating`). A couple placed "1st or higher" by a majority (4 of 7) is first;
  then "2nd or higher", and so on (rule 5); several majorities in one column: the larger wins (rule 6),
  then the lower sum of those marks, then the next column (rule 7); no majority: the next column
  (rule 8). Couples still equal share the places (`tie_break = "none"`), and the standings say so.

The marks and the working (counts "1-k" of marks k or better, up to the column that decided; the
sum of those marks in brackets where it decided):

{header}
|{"---|" * (1 + ADJUDICATORS + COUPLES + 2)}
{chr(10).join(body)}

Planted, and documented in `planted.json`: adjudicator {PLANTED_ADJUDICATOR} places first the couple
{planted[0]["entry_id"]}, which the rest of the panel places near the bottom.

```
jury check data/examples/dance
jury report data/examples/dance --draft
```
""")
    return folder
