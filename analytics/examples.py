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

from . import columns as col

EXAMPLE_SEED = 2026
ONE_SCORE_TOML = """\
# A SYNTHETIC music competition: one overall score per juror, no film rules.
# Written by `jury demo --kind {kind}`; every name and score is invented.
[festival]
name = "Synthetic Piano and Strings Competition"
year = 2026
synthetic = true

[scale]
min = 1
max = 25
step = 1

[[criteria]]
id = "overall"
label = "Overall performance"

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
    _write(folder, "festival.toml", ONE_SCORE_TOML.format(kind=kind, layout=layout))
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
