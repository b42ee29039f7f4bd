"""Synthetic competitions of other shapes than the film festival, for newcomers to copy.

- :func:`write_one_score`: a music competition with one overall score per juror on a 1–25
  scale, two lanes, two jurors (the chair among them) on both panels, and jurors abstaining
  for their own students (declared conflicts); no film rule at all.
- :func:`write_wide_sheet`: the same competition with its scores as the sheet such
  competitions publish (``[layout] scores = "wide_jurors"``: one row per contestant, one
  column per juror, an empty cell where a juror abstained). It gives identical results.

Everything is invented and labelled so; the same seed writes the same bytes.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from analytics.base import columns as col

EXAMPLE_SEED = 2026
#: the scale and the one criterion of the synthetic music competitions
SCALE_AND_CRITERION = """\
[scale]
min = 1
max = 25
step = 1

[[criteria]]
id = "overall"
label = "Overall performance"
"""
ONE_SCORE_TOML = """\
# A SYNTHETIC music competition: one overall score per juror, no film rules.
# Written by `jury demo --kind {kind}`; every name and score is invented.
[festival]
name = "Synthetic Piano and Strings Competition"
year = 2026
synthetic = true

{scale_and_criterion}
[[lanes]]
id = "piano"
name = "Piano"
honour = "First Prize, Piano"

[[lanes]]
id = "strings"
name = "Strings"
honour = "First Prize, Strings"

[aggregation]
jurors = "mean"

[checks]
bootstrap_resamples = 1000
seed = 2026
{layout}"""
FIRST = ("Ana", "Ben", "Chloé", "Dmitri", "Elif", "Farah", "Gustav", "Hana", "Ilya", "Jia", "Kenji", "Lena", "Mateo",
         "Nadia", "Oskar", "Priya", "Quentin", "Rosa", "Sven", "Tomoko", "Uma", "Viktor", "Wen", "Yara", "Zoltán")
LAST = ("Abe", "Bauer", "Costa", "Dubois", "Eriksen", "Fujita", "García", "Horvat", "Ivanova", "Jensen", "Kim",
        "Larsen", "Moreau", "Novak", "Okoye", "Petrov", "Quinn", "Rossi", "Sato", "Tanaka", "陳", "林", "王", "李")
COUNTRIES = ("Austria", "Japan", "Poland", "South Korea", "Hong Kong", "Italy", "France", "Brazil", "Canada")
#: (lane, entry id prefix, contestants)
LANES = (("piano", "P", 24), ("strings", "S", 16))
PANELS = ("piano;strings", "piano;strings", "piano", "piano", "piano", "piano", "piano", "strings", "strings",
          "strings", "strings")  # JR01, the chair, and JR02 judge both lanes


def _names(rng: np.random.Generator, n: int) -> list[str]:
    names: list[str] = []
    while len(names) < n:
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        if name not in names:
            names.append(name)
    return names


def one_score_tables(seed: int = EXAMPLE_SEED) -> dict[str, pd.DataFrame]:
    """The competition's tables: entries, jurors, scores (long), conflicts."""
    rng = np.random.default_rng(seed)
    entries = pd.DataFrame([(f"{prefix}{i:02d}", lane) for lane, prefix, n in LANES for i in range(1, n + 1)],
                           columns=[col.ENTRY_ID, col.CATEGORY])
    people = _names(rng, len(entries) + len(PANELS))  # no contestant shares a juror's name (public files name contestants)
    entries.insert(1, col.TITLE, people[:len(entries)])
    entries[col.COUNTRY] = rng.choice(COUNTRIES, size=len(entries))
    entries["teacher"] = rng.choice([f"Prof. {n}" for n in LAST[:8]], size=len(entries))  # a column no film has
    juror_ids = [f"JR{i:02d}" for i in range(1, len(PANELS) + 1)]
    jurors = pd.DataFrame({col.JUROR_ID: juror_ids, col.NAME: people[len(entries):], col.PANEL: PANELS,
                           col.ROLE: ["chair"] + ["member"] * (len(PANELS) - 1)})
    pairs = jurors[[col.JUROR_ID, col.PANEL]].assign(**{col.LANE: jurors[col.PANEL].str.split(";")}).explode(col.LANE)
    pairs = pairs.merge(entries[[col.ENTRY_ID, col.CATEGORY]], left_on=col.LANE, right_on=col.CATEGORY)
    # jurors abstain for their own students: about one contestant in six is a juror's student
    students = rng.random(len(pairs)) < 0.06
    conflicts = pairs.loc[students, [col.JUROR_ID, col.ENTRY_ID]].assign(**{col.REASON: "own student (abstains)"})
    scored = pairs.loc[~students, [col.ENTRY_ID, col.JUROR_ID]].reset_index(drop=True)
    quality = pd.Series(rng.normal(16.0, 3.0, len(entries)), index=entries[col.ENTRY_ID])
    severity = pd.Series(rng.normal(0.0, 1.2, len(juror_ids)), index=juror_ids)
    latent = (quality.reindex(scored[col.ENTRY_ID]).to_numpy() + severity.reindex(scored[col.JUROR_ID]).to_numpy()
              + rng.normal(0.0, 1.5, len(scored)))
    scores = scored.assign(**{col.CRITERION: "overall", col.SCORE: np.clip(np.rint(latent), 1, 25).astype(np.int64)})
    scores = scores.sort_values([col.ENTRY_ID, col.JUROR_ID], ignore_index=True)
    return {"entries": entries, "jurors": jurors, "scores": scores,
            "conflicts": conflicts.sort_values([col.JUROR_ID, col.ENTRY_ID], ignore_index=True)}


def _write(folder: Path, name: str, text: str) -> None:
    (folder / name).write_text(text, encoding="utf-8", newline="\n")


def _csv(frame: pd.DataFrame) -> str:
    return frame.to_csv(index=False, lineterminator="\n")


def write_one_score(out: str | Path, seed: int = EXAMPLE_SEED) -> Path:
    """Write the one-score competition (long scores sheet) to ``out``."""
    return _write_competition(Path(out), seed, wide=False)


def write_wide_sheet(out: str | Path, seed: int = EXAMPLE_SEED) -> Path:
    """Write the same competition with its scores as a ``wide_jurors`` sheet to ``out``."""
    return _write_competition(Path(out), seed, wide=True)


def wide_scores(scores: pd.DataFrame, juror_ids: list[str]) -> pd.DataFrame:
    """Long scores of one criterion as the wide sheet: one row per entry, a column per juror (empty: not scored)."""
    wide = scores.pivot(index=col.ENTRY_ID, columns=col.JUROR_ID, values=col.SCORE).reindex(columns=juror_ids)
    return wide.astype("Int64").astype("string").fillna("").reset_index()


def _write_competition(folder: Path, seed: int, *, wide: bool) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    tables = one_score_tables(seed)
    kind = "wide-sheet" if wide else "one-score"
    layout = '\n[layout]\nscores = "wide_jurors"   # one row per contestant, one column per juror\n' if wide else ""
    _write(folder, "festival.toml", ONE_SCORE_TOML.format(kind=kind, layout=layout, scale_and_criterion=SCALE_AND_CRITERION))
    _write(folder, "entries.csv", _csv(tables["entries"]))
    _write(folder, "jurors.csv", _csv(tables["jurors"]))
    _write(folder, "conflicts.csv", _csv(tables["conflicts"]))
    scores = wide_scores(tables["scores"], list(tables["jurors"][col.JUROR_ID])) if wide else tables["scores"]
    _write(folder, "scores.csv", _csv(scores))
    _write(folder, "README.md", _readme(kind, seed, tables))
    return folder


def _readme(kind: str, seed: int, tables: dict[str, pd.DataFrame]) -> str:
    counts = tables["entries"][col.CATEGORY].value_counts(sort=False)
    sheet = ("`scores.csv` is laid out wide, as competitions publish their results: one row per contestant, one "
             "column per juror id, an empty cell where the juror abstained (`[layout] scores = \"wide_jurors\"` in "
             "`festival.toml`). It holds exactly the scores of `../one-score/`, and `jury check` gives the same "
             "results for both folders (a test checks it)."
             if kind == "wide-sheet" else
             "`scores.csv` is the long sheet of the contract: one row per contestant × juror, criterion `overall`.")
    return f"""# Example: a competition with one overall score (SYNTHETIC DATA)

Written by `jury demo --kind {kind} --out data/examples/{kind} --seed {seed}`: every name and
score is invented. Copy this folder to bring a competition that is not a film festival.

- {len(tables["entries"])} contestants in two lanes ({", ".join(f"{lane} {n}" for lane, n in counts.items())}),
  {len(tables["jurors"])} jurors; JR01 (the chair) and JR02 sit on both panels (`panel = "piano;strings"`).
- One criterion, `overall`, on a scale of 1 to 25: halo does not apply, everything else does.
- Jurors abstain for their own students: {len(tables["conflicts"])} declared conflicts in `conflicts.csv`,
  so those pairs are not expected to be scored.
- Only the core columns of the contract, plus `country` and a `teacher` column a film festival never has
  (kept as text). `festival.toml` configures no film rule (no AI-share band, no `[participation]`, no
  `[requirements]`), so no such rule runs and no such column is asked for.
- {sheet}

```
jury check data/examples/{kind}
jury report data/examples/{kind} --draft
```
"""


ROUNDS_TOML = """\
# A SYNTHETIC piano competition in three rounds, in the style of major music competitions:
# each score further than 3 points from the entry's mean is moved to mean ± 3, every corrected
# score and result is rounded half up to two decimals, and results carry across rounds.
# Written by `jury demo --kind rounds`; every name and score is invented.
[festival]
name = "Synthetic International Piano Competition (three rounds)"
year = 2026
synthetic = true

{scale_and_criterion}
[[lanes]]
id = "piano"
name = "Piano"
honour = "First Prize"

[aggregation]
jurors = "clip_to_mean"
clip = 3
decimals = 2

[[rounds]]
id = "stage1"
name = "First stage"
advance = 12
weights = {{ stage1 = 1 }}

[[rounds]]
id = "stage2"
name = "Second stage"
advance = 6
weights = {{ stage1 = 0.3, stage2 = 0.7 }}

[[rounds]]
id = "final"
name = "Final"
weights = {{ stage1 = 0.1, stage2 = 0.2, final = 0.7 }}
aggregation = {{ clip = 2.5 }}

[checks]
bootstrap_resamples = 1000
seed = 2026
"""
ROUND_CONTESTANTS, ROUND_JURORS = 30, 9


def rounds_tables(seed: int = EXAMPLE_SEED) -> tuple[dict[str, pd.DataFrame], list[dict]]:
    """The three-round competition's tables and its planted anomalies: a tie at the first cut
    (two contestants with the same first-stage scores, twelfth and thirteenth), and a juror who
    abstains for their own students."""
    from analytics.load.config import parse_config
    from analytics.base.problems import ProblemLog
    from analytics.rules.rounds import progression

    rng = np.random.default_rng(seed)
    people = _names(rng, ROUND_CONTESTANTS + ROUND_JURORS)
    entries = pd.DataFrame({col.ENTRY_ID: [f"P{i:02d}" for i in range(1, ROUND_CONTESTANTS + 1)],
                            col.TITLE: people[:ROUND_CONTESTANTS], col.CATEGORY: "piano",
                            col.COUNTRY: rng.choice(COUNTRIES, size=ROUND_CONTESTANTS)})
    juror_ids = [f"JR{i:02d}" for i in range(1, ROUND_JURORS + 1)]
    jurors = pd.DataFrame({col.JUROR_ID: juror_ids, col.NAME: people[ROUND_CONTESTANTS:], col.PANEL: "piano",
                           col.ROLE: ["chair"] + ["member"] * (ROUND_JURORS - 1)})
    quality = pd.Series(rng.normal(16.0, 2.5, ROUND_CONTESTANTS), index=entries[col.ENTRY_ID])
    students = quality.nlargest(3).index.to_numpy()  # JR05 teaches three of the strongest (far from the first cut)
    conflicts = pd.DataFrame({col.JUROR_ID: "JR05", col.ENTRY_ID: sorted(students), col.REASON: "own student (abstains)"})
    severity = pd.Series(rng.normal(0.0, 1.0, ROUND_JURORS), index=juror_ids)
    config = parse_config(ROUNDS_TOML.format(scale_and_criterion=SCALE_AND_CRITERION), ProblemLog())

    def scored(ids, rnd: str) -> pd.DataFrame:
        pairs = pd.MultiIndex.from_product([ids, juror_ids], names=[col.ENTRY_ID, col.JUROR_ID]).to_frame(index=False)
        pairs = pairs[~(pairs[col.JUROR_ID].eq("JR05") & pairs[col.ENTRY_ID].isin(students))]
        latent = (quality.reindex(pairs[col.ENTRY_ID]).to_numpy() + severity.reindex(pairs[col.JUROR_ID]).to_numpy()
                  + rng.normal(0.0, 1.8, len(pairs)))
        latent[rng.random(len(pairs)) < 0.03] += rng.choice([-7.0, 7.0])  # now and then a score the clip corrects
        return pairs.assign(**{col.CRITERION: "overall", col.SCORE: np.clip(np.rint(latent), 1, 25).astype(np.int64),
                               col.ROUND: rnd})

    scores = scored(entries[col.ENTRY_ID], "stage1")
    steps = progression(config, entries, scores.assign(**{col.LANE: "piano"}))
    first = steps[steps[col.ROUND] == "stage1"].sort_values(["rank", col.ENTRY_ID])
    twelfth, thirteenth = first[col.ENTRY_ID].iloc[11], first[col.ENTRY_ID].iloc[12]
    own = scores[scores[col.ENTRY_ID] == twelfth].set_index(col.JUROR_ID)[col.SCORE]  # the planted tie at the cut
    copy = scores[col.ENTRY_ID].eq(thirteenth) & scores[col.JUROR_ID].isin(own.index)
    scores.loc[copy, col.SCORE] = scores.loc[copy, col.JUROR_ID].map(own).to_numpy()
    for rnd in ("stage2", "final"):
        steps = progression(config, entries, scores.assign(**{col.LANE: "piano"}))
        on = steps[(steps[col.ROUND] == config.round_ids[config.round_ids.index(rnd) - 1]) & (steps["advances"] == "yes")]
        scores = pd.concat([scores, scored(sorted(on[col.ENTRY_ID]), rnd)], ignore_index=True)
    scores = scores.sort_values([col.ROUND, col.ENTRY_ID, col.JUROR_ID], key=lambda s: s.map(
        {r: i for i, r in enumerate(config.round_ids)}) if s.name == col.ROUND else s, ignore_index=True)
    scores = scores[[col.ENTRY_ID, col.JUROR_ID, col.CRITERION, col.SCORE, col.ROUND]]
    planted = [
        {"kind": "cut_tie", "severity": "warning", "lane": "piano", "round": "stage1",
         "entry_id": "", "juror_id": "", "criterion": "",
         "description": f"{thirteenth} has the first-stage scores of {twelfth}: tied twelfth, so 13 go on where 12 should"},
        {"kind": "abstaining_juror", "severity": "", "lane": "piano", "round": "", "entry_id": "", "juror_id": "JR05",
         "criterion": "", "description": f"JR05 abstains for their own students {', '.join(sorted(students))} (conflicts.csv):"
                                         " their scores are not expected, in any round"},
    ]
    return {"entries": entries, "jurors": jurors, "scores": scores, "conflicts": conflicts}, planted


def write_rounds(out: str | Path, seed: int = EXAMPLE_SEED) -> Path:
    """Write the three-round competition to ``out``, with its ``planted.json``."""
    import json

    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    tables, planted = rounds_tables(seed)
    _write(folder, "festival.toml", ROUNDS_TOML.format(scale_and_criterion=SCALE_AND_CRITERION))
    for name in ("entries", "jurors", "scores", "conflicts"):
        _write(folder, f"{name}.csv", _csv(tables[name]))
    _write(folder, "planted.json", json.dumps({"synthetic": True, "generator": "jury demo --kind rounds", "seed": seed,
                                               "anomalies": planted}, ensure_ascii=False, indent=2) + "\n")
    rows = "\n".join(f"| `{a['kind']}` | {a['severity'] or '—'} | {a['round'] or 'every round'} | {a['description']} |"
                     for a in planted)
    _write(folder, "README.md", f"""# Example: a competition in three rounds (SYNTHETIC DATA)

Written by `jury demo --kind rounds --out data/examples/rounds --seed {seed}`: every name and
score is invented. The style of major music competitions:

- {ROUND_CONTESTANTS} pianists, {ROUND_JURORS} jurors, one overall score on 1 to 25 per juror and round.
- The official rule (`[aggregation]`): a score further than 3 points from the mean of the entry's
  scores is moved to mean ± 3 (2.5 in the final), and every corrected score and result is rounded
  half up to two decimals.
- Three rounds (`[[rounds]]`): 12 go on after the first stage, 6 after the second; the second stage
  counts the first 30% and itself 70%, the final 10%, 20% and 70%. Every entry tied at a cut goes on.
- `scores.csv` has a `round` column; a contestant has scores only in the rounds they reached.

Planted, and documented in `planted.json`:

| kind | severity | round | what |
|---|---|---|---|
{rows}

```
jury check data/examples/rounds
jury report data/examples/rounds --draft
```
""")
    return folder


FEDERATION_TOML = """\
# A SYNTHETIC federation's season, for benchmarks: {panels} panels (events) of {per_panel} judges,
# {entries} entries each, five components on 0.25-10, the highest and lowest mark of each component
# dropped, components factored per event and rounded to two decimals (figure skating's rule).
# Written by `jury demo --scale federation`; every name and mark is invented.
[festival]
name = "Synthetic federation season"
year = 2026
synthetic = true

[scale]
min = 0.25
max = 10
step = 0.25

{criteria}
{lanes}
[aggregation]
order = "jurors_first"
criteria = "weighted_sum"
jurors = "drop_extremes"
drop_high = 1
drop_low = 1
decimals = 2

[checks]
bootstrap_resamples = 1000
seed = 2026
"""
COMPONENTS = ("skating", "transitions", "performance", "composition", "interpretation")


def write_federation(out: str | Path, seed: int = EXAMPLE_SEED, *, panels: int = 136, per_panel: int = 9,
                     entries_per_panel: int = 12, pool: int = 300) -> Path:
    """A federation-shaped season: many panels, judges who sit on several of them, per-event
    factors, ``drop_extremes`` under ``jurors_first``, about 73,000 marks."""
    rng = np.random.default_rng(seed)
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    lanes = [f"event_{i:03d}" for i in range(1, panels + 1)]
    criteria = "\n".join(f'[[criteria]]\nid = "{c}"\nlabel = "{c.capitalize()}"\nweight = 1\n' for c in COMPONENTS)
    factors = {lane: dict(zip(COMPONENTS, rng.choice([0.8, 1.0, 1.6, 2.0], size=len(COMPONENTS)))) for lane in lanes}
    lane_text = "\n".join(f'[[lanes]]\nid = "{lane}"\nname = "Event {i + 1}"\nweights = {{ '
                          + ", ".join(f"{c} = {w:g}" for c, w in factors[lane].items()) + " }\n"
                          for i, lane in enumerate(lanes))
    _write(folder, "festival.toml", FEDERATION_TOML.format(panels=panels, per_panel=per_panel, entries=entries_per_panel,
                                                           criteria=criteria, lanes=lane_text))
    judges = np.array([f"JU{i:04d}" for i in range(1, pool + 1)])
    sits = {lane: rng.choice(judges, size=per_panel, replace=False) for lane in lanes}
    panel_of = {j: [] for j in judges}
    for lane, members in sits.items():
        for j in members:
            panel_of[j].append(lane)
    busy = [j for j in judges if panel_of[j]]
    jurors = pd.DataFrame({col.JUROR_ID: busy, col.NAME: [f"Judge {j[2:]}" for j in busy],
                           col.PANEL: [";".join(panel_of[j]) for j in busy]})
    entry_ids = [f"{lane[6:]}-{k:02d}" for lane in lanes for k in range(1, entries_per_panel + 1)]
    entries = pd.DataFrame({col.ENTRY_ID: entry_ids, col.TITLE: [f"Skater {e}" for e in entry_ids],
                            col.CATEGORY: np.repeat(lanes, entries_per_panel)})
    quality = rng.normal(6.5, 1.2, len(entry_ids))
    lane_index = np.repeat(np.arange(panels), entries_per_panel)
    members = np.stack([sits[lane] for lane in lanes])  # panels × judges
    e_idx = np.repeat(np.arange(len(entry_ids)), per_panel * len(COMPONENTS))
    j_idx = np.tile(np.repeat(np.arange(per_panel), len(COMPONENTS)), len(entry_ids))
    c_idx = np.tile(np.arange(len(COMPONENTS)), len(entry_ids) * per_panel)
    severity = dict(zip(judges, rng.normal(0, 0.3, pool)))
    judge = members[lane_index[e_idx], j_idx]
    latent = quality[e_idx] + np.vectorize(severity.get)(judge) + rng.normal(0, 0.45, len(e_idx))
    marks = np.clip(np.round(latent * 4) / 4, 0.25, 10)
    scores = pd.DataFrame({col.ENTRY_ID: np.asarray(entry_ids)[e_idx], col.JUROR_ID: judge,
                           col.CRITERION: np.asarray(COMPONENTS)[c_idx], col.SCORE: marks})
    _write(folder, "entries.csv", _csv(entries))
    _write(folder, "jurors.csv", _csv(jurors))
    _write(folder, "scores.csv", _csv(scores))
    _write(folder, "README.md", f"# Federation-scale season: SYNTHETIC DATA\n\nWritten by `jury demo --scale federation` with "
                                f"seed {seed}, for benchmarks: {panels} panels of {per_panel} judges, {len(entry_ids)} "
                                f"entries, {len(scores)} marks. No anomalies are planted.\n")
    return folder


REVIEW_TOML = """\
# A SYNTHETIC peer-review conference as its reviews are exported: {papers} papers, {reviews}
# reviews, every review by its own anonymous reviewer (one score per reviewer), 1-10, the mean
# of a paper's reviews its score. Written by `jury demo --scale review`; every id and score is invented.
[festival]
name = "Synthetic peer-review conference"
year = 2026
synthetic = true

[scale]
min = 1
max = 10
step = 1

[[criteria]]
id = "overall"
label = "Overall recommendation"

[[lanes]]
id = "main_track"
name = "Main track"
honour = "Best paper"

[jury]
panels = "as_scored"  # no assignments table: a paper's panel is the reviewers who scored it

[aggregation]
jurors = "mean"

[checks]
bootstrap_resamples = 1000
seed = 2026
"""


def write_review(out: str | Path, seed: int = EXAMPLE_SEED, *, papers: int = 4_919) -> Path:
    """A peer-review conference as exported (the shape of OpenReview's tables): ``papers`` papers
    with three to five reviews each (about 3.8 on average), every review by a reviewer seen
    nowhere else (``R<paper>-<k>``: one score per juror), an overall score on 1-10 and the
    reviewer's confidence (1-5), a column the workbench does not read."""
    rng = np.random.default_rng(seed)
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    paper_ids = np.array([f"P{i:05d}" for i in range(1, papers + 1)])
    n_reviews = rng.choice([3, 4, 5], size=papers, p=[0.35, 0.52, 0.13])
    paper = np.repeat(np.arange(papers), n_reviews)
    k = np.arange(len(paper)) - np.repeat(np.cumsum(n_reviews) - n_reviews, n_reviews) + 1
    reviewers = np.char.add(np.char.add(np.char.add("R", paper_ids[paper].astype(str)), "-"), k.astype(str))
    quality = rng.normal(5.2, 1.1, papers)
    marks = np.clip(np.rint(quality[paper] + rng.normal(0, 1.4, len(paper))), 1, 10).astype(int)
    confidence = np.clip(np.rint(rng.normal(3.4, 0.8, len(paper))), 1, 5).astype(int)
    entries = pd.DataFrame({col.ENTRY_ID: paper_ids, col.TITLE: [f"Paper {i}" for i in range(1, papers + 1)],
                            col.CATEGORY: "main_track"})
    jurors = pd.DataFrame({col.JUROR_ID: reviewers, col.NAME: [f"Anonymous reviewer {r[1:]}" for r in reviewers],
                           col.PANEL: "main_track"})
    scores = pd.DataFrame({col.ENTRY_ID: paper_ids[paper], col.JUROR_ID: reviewers, col.CRITERION: "overall",
                           col.SCORE: marks, "confidence": confidence})
    _write(folder, "festival.toml", REVIEW_TOML.format(papers=papers, reviews=len(scores)))
    _write(folder, "entries.csv", _csv(entries))
    _write(folder, "jurors.csv", _csv(jurors))
    _write(folder, "scores.csv", _csv(scores))
    _write(folder, "README.md", f"# Peer-review conference: SYNTHETIC DATA\n\nWritten by `jury demo --scale review` with seed "
                                f"{seed}, for benchmarks: {papers} papers, {len(scores)} reviews, each by its own anonymous "
                                "reviewer (one score per juror). No anomalies are planted.\n")
    return folder
