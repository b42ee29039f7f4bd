"""Synthetic festivals: the demo festival with planted anomalies, and a conference-scale one.

Everything here is invented and labelled so: titles, names, countries and scores are drawn
from a seeded generator (``numpy.random.default_rng(seed)``), so the same seed writes the
same bytes. Scores follow entry quality + criterion-specific quality + juror severity +
noise, rounded onto the 1–10 scale. :func:`write_demo` plants the anomalies of design
section 8 and documents them, machine-readable, in ``planted.json``.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from analytics.base import columns as col

CONFIG_TEXT = resources.files("analytics").joinpath("resources/demo-festival.toml").read_text(encoding="utf-8")
#: the demo's affiliation screen: the conference preset's jurors have no country, so its festival.toml leaves it out
AFFILIATION_LINES = ('# columns of jurors.csv and entries.csv to screen for undeclared conflicts (analytics.checks.affiliation)\n'
                     'affiliations = ["country"]\n')
#: the demo's Rasch model: left out of the conference preset, whose figures measure the rest of the pipeline (the
#: Rasch model at that scale has its own benchmark, benchmarks/bench_rasch.py)
RASCH_LINES = ("\n# the many-facet Rasch model (analytics.checks.rasch): entries, jurors and criteria on one logit ruler,\n"
               "# each juror's severity in logits with infit and outfit, estimated as the FACETS program does (JMLE)\n"
               '[rasch]\nmodel = "rating_scale"\nestimation = "jmle"\n')
DEMO_NAME_LINE = 'name = "Hong Kong AI International Film Festival (synthetic demo)"'
CONFERENCE_NAME_LINE = 'name = "Conference-scale festival (synthetic)"'
CRITERIA = ("conducting", "cohesion", "ethics", "risk", "orchestration", "failure_logs")
WEIGHTS_TENTHS = np.array([2, 2, 2, 2, 1, 1])  # the criteria weights of demo-festival.toml, in tenths
DIMENSIONS = ("writing", "direction", "generation", "editing", "sound", "finishing")
DIMENSION_WEIGHTS = np.array([0.20, 0.20, 0.20, 0.15, 0.15, 0.10])
APPENDIX = ("tools", "seeds", "prompts", "checkpoints")
FACTIONS = ("art", "technology", "ethics", "community")
#: (lane id, entry id prefix, entries, jurors on its panel)
LANES = (("generative_cinema", "GC", 25, 9), ("interactive_narrative", "IN", 12, 5),
         ("procedural_system", "PS", 12, 5), ("digital_being", "DB", 11, 5))

TITLES_EN = ("Latent Harbour", "The Seed Keeper", "Prompted Dawn", "Forty Frames of Rain", "Diffusion Lullaby",
             "Checkpoint Seven", "The Cartographer of Noise", "Glass Monsoon", "Orchestra of Models",
             "After the Render", "Kowloon in Latent Space", "Small Hours", "Synthetic Tide", "The Last Keyframe",
             "Paper Lanterns, Neon Ghosts", "Inpainting Memory", "Night Ferry", "Echoes of a Typhoon",
             "Borrowed Faces", "The Weight of Seeds", "Lantern Protocol", "A Room with No Camera", "Bloom Sequence",
             "Signal to Noise", "Cantonese Opera for Machines", "The Understudy", "Monsoon Atlas",
             "Dreaming in Tokens", "Salt and Silicon", "Harbour Lights")
TITLES_ZH = ("霓虹之夢", "海港迴聲", "無人之城", "記憶的潮汐", "第七道光", "夜行渡輪", "颱風過後", "紙燈籠與幽靈",
             "種子守護者", "最後一格", "雨中四十幀", "模型交響曲", "借來的臉", "潛在空間的九龍", "鹹水與矽",
             "沉睡的提示詞", "山城霧語", "光影編織者", "數碼花開", "無聲的合唱", "城市的呼吸", "夢的權重",
             "潮汐演算", "月下剪輯室", "渲染之後", "雲端茶餐廳", "獅子山下的算法", "燈塔與噪聲", "未完成的地圖",
             "回聲計劃")
SURNAMES_ZH = ("陳", "李", "張", "黃", "何", "林", "梁", "吳", "鄭", "王", "劉", "蔡", "周", "許")
GIVEN_ZH = ("嘉慧", "子軒", "詠琪", "家豪", "美玲", "志明", "曉彤", "俊傑", "雅雯", "浩然", "思穎", "偉倫")
FIRST_EN = ("Avery", "Morgan", "Priya", "Tomás", "Ingrid", "Kwame", "Sofia", "Hiro", "Noor", "Lucas", "Amara", "Jonah")
LAST_EN = ("Lam", "Okafor", "Silva", "Nakamura", "Haddad", "Novak", "Fischer", "Reyes", "Singh", "Duval", "Moreau")
COUNTRIES = ("Hong Kong", "Taiwan", "Japan", "South Korea", "Singapore", "United Kingdom", "United States",
             "France", "Germany", "Brazil", "Nigeria", "India", "Australia", "Canada", "Mainland China")
#: tool names as real entry forms spell them (the vocabulary is normalised by the eligibility checks)
TOOL_SPELLINGS = ("Sora", "Sora 2", "Veo 3", "veo", "Runway Gen-4", "runway gen-4", "Runway", "Kling 2.1", "KLING",
                  "Pika 2.2", "Luma Ray2", "Luma Dream Machine", "Seedance 1.0", "in-house", "In-house pipeline",
                  "ComfyUI", "Stable Audio")
RESOLUTIONS = ("3840x2160", "3840 × 2160", "4K", "UHD", "2160p", "4096x2160", "1080p", "1920x1080", "2K")
RESOLUTION_P = (0.2, 0.1, 0.2, 0.05, 0.1, 0.05, 0.15, 0.1, 0.05)
COMMENTS = ("", "", "", "", "", "Strong prompt discipline.", "節奏掌握得很好。", "Credits for training data are unclear.",
            "Failure log is exemplary.", "結局略嫌倉促。")

DEMO_SEED = 2026
SCALE_MIN, SCALE_MAX = 1, 10


@dataclass(frozen=True)
class Anomaly:
    """One planted anomaly, as documented in ``planted.json``."""

    kind: str
    severity: str  # the severity the checks are meant to give it
    lane: str
    description: str
    #: the subject, as the flag that must find it names it (empty where it does not apply)
    juror_id: str = ""
    entry_id: str = ""
    criterion: str = ""


def _csv_text(frame: pd.DataFrame) -> str:
    return frame.to_csv(index=False, lineterminator="\n")


def _write(folder: Path, name: str, text: str) -> None:
    (folder / name).write_text(text, encoding="utf-8", newline="\n")


def _dimension_shares(rng: np.random.Generator, base: np.ndarray, spread: float = 8.0) -> np.ndarray:
    """Six dimension shares scattered around ``base`` (one value per entry), in 0–100."""
    shares = base[:, None] + rng.normal(0.0, spread, size=(len(base), len(DIMENSIONS)))
    return np.clip(np.round(shares, 1), 0.0, 100.0)


def _blend(shares: np.ndarray) -> np.ndarray:
    return shares @ DIMENSION_WEIGHTS


def _tools(rng: np.random.Generator, n: int) -> list[str]:
    counts = rng.choice([1, 2, 3, 4], size=n, p=[0.25, 0.35, 0.25, 0.15])
    return [";".join(rng.choice(TOOL_SPELLINGS, size=k, replace=False)) for k in counts]


def _yes_no(flags: np.ndarray) -> np.ndarray:
    return np.where(flags, "yes", "no")


def _names(rng: np.random.Generator, n: int) -> list[str]:
    names: list[str] = []
    while len(names) < n:
        if rng.random() < 0.5:
            name = str(rng.choice(SURNAMES_ZH)) + str(rng.choice(GIVEN_ZH))
        else:
            name = f"{rng.choice(FIRST_EN)} {rng.choice(LAST_EN)}"
        if name not in names:
            names.append(name)
    return names


def _scores(rng: np.random.Generator, pairs: pd.DataFrame, quality: pd.Series, severity: pd.Series,
            criterion_sd: float = 0.4, noise_sd: float = 0.6) -> pd.DataFrame:
    """One row per (juror, entry) pair × criterion: quality + criterion quality + severity + noise."""
    n, k = len(pairs), len(CRITERIA)
    entry_codes, entry_index = pd.factorize(pairs[col.ENTRY_ID])
    criterion_quality = rng.normal(0.0, criterion_sd, size=(len(entry_index), k))
    latent = (quality.reindex(entry_index).to_numpy()[entry_codes][:, None]
              + criterion_quality[entry_codes]
              + severity.reindex(pairs[col.JUROR_ID]).to_numpy()[:, None]
              + rng.normal(0.0, noise_sd, size=(n, k)))
    score = np.clip(np.rint(latent), SCALE_MIN, SCALE_MAX).astype(np.int64)
    return pd.DataFrame({
        col.ENTRY_ID: np.repeat(pairs[col.ENTRY_ID].to_numpy(), k),
        col.JUROR_ID: np.repeat(pairs[col.JUROR_ID].to_numpy(), k),
        col.CRITERION: np.tile(CRITERIA, n),
        col.SCORE: score.ravel(),
    })


def _official_tenths(scores: pd.DataFrame) -> pd.Series:
    """Per entry, the sum over jurors of the criterion-weighted score, in tenths (exact integers)."""
    weight = scores[col.CRITERION].map(dict(zip(CRITERIA, WEIGHTS_TENTHS)))
    return (scores[col.SCORE] * weight).groupby(scores[col.ENTRY_ID]).sum()


def demo_tables(seed: int = DEMO_SEED) -> tuple[dict[str, pd.DataFrame], list[Anomaly]]:
    """The demo festival's tables and the anomalies planted in them."""
    rng = np.random.default_rng(seed)
    lane_of = np.concatenate([[lane] * n for lane, _, n, _ in LANES])
    entry_ids = np.concatenate([[f"{prefix}-{i:02d}" for i in range(1, n + 1)] for _, prefix, n, _ in LANES])
    n_entries = len(entry_ids)
    titles = np.array(TITLES_EN + TITLES_ZH, dtype=object)[rng.permutation(len(TITLES_EN) + len(TITLES_ZH))[:n_entries]]

    is_feature = rng.random(n_entries) < 0.3
    runtime = np.where(is_feature, rng.uniform(40, 120, n_entries), rng.uniform(6, 28, n_entries)).round(1)
    dims = _dimension_shares(rng, rng.uniform(62, 90, n_entries))
    declared = np.clip(_blend(dims) + rng.uniform(-3, 3, n_entries), 0, 100).round(1)
    entries = pd.DataFrame({
        col.ENTRY_ID: entry_ids, col.TITLE: titles, col.CATEGORY: lane_of, col.RUNTIME_MIN: runtime,
        col.AI_SHARE: declared,
        **{col.share_column(d): dims[:, i] for i, d in enumerate(DIMENSIONS)},
        col.TOOLS: _tools(rng, n_entries),
        col.RESOLUTION: rng.choice(RESOLUTIONS, size=n_entries, p=RESOLUTION_P),
        col.LOSSLESS_AUDIO: _yes_no(rng.random(n_entries) < 0.75),
        **{col.appendix_column(p): "yes" for p in APPENDIX},
        col.AUTHORSHIP_PROOF: "yes",
        col.COUNTRY: rng.choice(COUNTRIES, size=n_entries),
    })

    panel_sizes = [m for *_, m in LANES]
    juror_ids = [f"JR{i:02d}" for i in range(1, sum(panel_sizes) + 1)]
    panels = np.concatenate([[lane] * m for lane, _, _, m in LANES])
    gc_factions = ["art", "art", "art", "technology", "technology", "ethics", "ethics", "community", "community"]
    factions = gc_factions + [FACTIONS[i % len(FACTIONS)] for i in range(len(juror_ids) - len(gc_factions))]
    first_of_panel = np.r_[True, panels[1:] != panels[:-1]]
    jurors = pd.DataFrame({col.JUROR_ID: juror_ids, col.NAME: _names(rng, len(juror_ids)), col.PANEL: panels,
                           col.FACTION: factions, col.ROLE: np.where(first_of_panel, "chair", "member")})

    # entry quality: in Generative Cinema two entries share the top (the planted near-tie);
    # every other lane has one clear winner
    quality = pd.Series(np.clip(rng.normal(5.8, 1.3, n_entries), 2.0, 7.0), index=entry_ids)
    gc_top = ("GC-06", "GC-19")
    quality[list(gc_top)] = 8.3
    for _, prefix, n, _ in LANES[1:]:
        quality[f"{prefix}-{rng.integers(1, n + 1):02d}"] = 8.5
    severity = pd.Series(rng.normal(0.0, 0.35, len(juror_ids)), index=juror_ids)
    lenient, straight_liner, harsh = "JR04", "JR07", "JR01"
    severity[lenient] = 1.8
    severity[harsh] = -1.2

    pairs = jurors[[col.JUROR_ID, col.PANEL]].merge(entries[[col.ENTRY_ID, col.CATEGORY]],
                                                    left_on=col.PANEL, right_on=col.CATEGORY)
    conflicts = pd.DataFrame({col.JUROR_ID: ["JR02", "JR05", "JR12"], col.ENTRY_ID: ["GC-11", "GC-03", "IN-04"],
                              col.REASON: ["co-producer of the entry", "former student of the director",
                                           "same studio as the lead artist"]})
    respected = {("JR05", "GC-03"), ("JR12", "IN-04")}  # declared and not scored: as it should be
    keep = [(j, e) not in respected for j, e in zip(pairs[col.JUROR_ID], pairs[col.ENTRY_ID])]
    scores = _scores(rng, pairs.loc[keep].reset_index(drop=True), quality, severity)

    straight = scores[col.JUROR_ID] == straight_liner
    wobble = rng.random(len(scores)) < 0.04
    scores.loc[straight, col.SCORE] = np.where(wobble[straight], 8, 7)

    # near-tie: nudge the runner-up's breakthrough scores until it trails the leader by one
    # ninetieth of a point (the smallest gap nine jurors' weighted means can show)
    a, b = gc_top
    for _ in range(200):
        tenths = _official_tenths(scores)
        gap = tenths[a] - tenths[b]
        if gap == 1:
            break
        target, step = (b, 1) if gap > 1 else (b, -1)
        candidates = scores.index[(scores[col.ENTRY_ID] == target) & scores[col.CRITERION].isin(CRITERIA[4:])
                                  & ~scores[col.JUROR_ID].isin([lenient, straight_liner, harsh])
                                  & scores[col.SCORE].between(SCALE_MIN - min(step, 0), SCALE_MAX - max(step, 0))]
        scores.loc[candidates[int(rng.integers(len(candidates)))], col.SCORE] += step
    else:  # pragma: no cover - the loop converges for any seed in practice
        raise RuntimeError("could not plant the near-tie")

    missing = (scores[col.JUROR_ID] == "JR06") & (scores[col.ENTRY_ID] == "GC-17") & (scores[col.CRITERION] == "ethics")
    scores = scores.loc[~missing].reset_index(drop=True)

    # an undeclared affiliation: JR08 shares a country with the lane's entries of that country and
    # scores them 1.5 points higher (rounded onto the whole-point scale, capped at its top); the
    # jurors' countries come from a stream of their own, so the rest of the demo is as before
    affiliated, home = "JR08", "South Korea"
    others = [c for c in COUNTRIES if c != home]
    jurors[col.COUNTRY] = np.random.default_rng([seed, 12]).choice(others, size=len(jurors))
    jurors.loc[jurors[col.JUROR_ID] == affiliated, col.COUNTRY] = home
    home_entries = set(entries.loc[(entries[col.COUNTRY] == home) & (entries[col.CATEGORY] == "generative_cinema"),
                                   col.ENTRY_ID])
    if home_entries & set(gc_top):  # pragma: no cover - the seed's countries keep the near-tie apart
        raise RuntimeError("the affiliated juror's country holds a top entry; choose another")
    favoured = (scores[col.JUROR_ID] == affiliated) & scores[col.ENTRY_ID].isin(home_entries)
    scores.loc[favoured, col.SCORE] = np.clip(np.rint(scores.loc[favoured, col.SCORE] + 1.5), SCALE_MIN, SCALE_MAX).astype(np.int64)

    below_band, inconsistent, near = "GC-21", "GC-08", "GC-14"
    shares = entries.set_index(col.ENTRY_ID)
    # (entry, declared share, what its dimensions blend to)
    for entry, declared_share, blend in ((below_band, 44.0, 44.0), (near, 52.5, 52.5), (inconsistent, 78.0, 55.0)):
        dims_row = _dimension_shares(rng, np.array([blend]), spread=4.0)[0]
        dims_row = np.clip(np.round(dims_row + blend - _blend(dims_row[None, :])[0], 1), 0.0, 100.0)
        for i, d in enumerate(DIMENSIONS):
            shares.loc[entry, col.share_column(d)] = dims_row[i]
        shares.loc[entry, col.AI_SHARE] = declared_share
    entries = shares.reset_index()

    # assessed AI participation (design section 17): three verifiers assess every Generative Cinema entry on each
    # dimension, from streams of their own (the rest of the demo is as before); planted: an entry declared 58% (its
    # dimensions with it) that the verifiers put at 45-50%, the near-line entry assessed around 51%, and a verifier
    # who rates AI participation about 10 points lower than the other two
    disputed, low_verifier = "GC-16", "VF03"
    shares = entries.set_index(col.ENTRY_ID)
    share_columns = [col.share_column(d) for d in DIMENSIONS]
    own = shares.loc[disputed, share_columns].to_numpy(dtype=float)
    for i, name in enumerate(share_columns):
        shares.loc[disputed, name] = float(np.clip(np.round(own[i] - _blend(own[None, :])[0] + 58.0, 1), 0.0, 100.0))
    shares.loc[disputed, col.AI_SHARE] = 58.0
    entries = shares.reset_index()
    verifiers = pd.DataFrame({col.JUROR_ID: ["VF01", "VF02", "VF03"], col.NAME: _names(np.random.default_rng([seed, 17]), 3),
                              col.PANEL: "generative_cinema", col.FACTION: "", col.ROLE: "verifier", col.COUNTRY: ""})
    # (the share each entry truly has, where it is not its declared dimensions' blend)
    assessments = _assessments(np.random.default_rng([seed, 18]), entries,
                               {disputed: 47.5, near: 51.0, inconsistent: 76.0}, {low_verifier: -10.0})

    submitted = pd.Timestamp("2026-10-05T09:00:00") + pd.to_timedelta(rng.integers(0, 14 * 24 * 60, len(scores)), unit="min")
    scores[col.SUBMITTED_AT] = submitted.strftime("%Y-%m-%dT%H:%M")
    scores[col.COMMENT] = rng.choice(COMMENTS, size=len(scores))

    anomalies = [
        Anomaly("lenient_juror", "warning", "generative_cinema", "scores about 1.8 points above the panel on every entry",
                juror_id=lenient),
        Anomaly("harsh_juror", "warning", "generative_cinema", "scores about 1.2 points below the panel on every entry",
                juror_id=harsh),
        Anomaly("straight_liner", "warning", "generative_cinema", "gives 7 to nearly everything (8 on about 4% of scores)",
                juror_id=straight_liner),
        Anomaly("counted_conflict", "blocker", "generative_cinema",
                "JR02 declared a conflict with GC-11 (co-producer) and their scores for it are counted",
                juror_id="JR02", entry_id="GC-11"),
        Anomaly("missing_score", "blocker", "generative_cinema", "JR06 is assigned GC-17 but left the ethics criterion unscored",
                juror_id="JR06", entry_id="GC-17", criterion="ethics"),
        Anomaly("below_band", "blocker", "generative_cinema", "declares 44% AI participation, below the lane's 51% minimum",
                entry_id=below_band),
        Anomaly("inconsistent_disclosure", "warning", "generative_cinema",
                "declares 78% but its six dimension shares blend to about 55%", entry_id=inconsistent),
        Anomaly("near_threshold", "info", "generative_cinema", "declares 52.5%, within the 3-point margin above the 51% line",
                entry_id=near),
        Anomaly("near_tie", "blocker", "generative_cinema", f"{a} leads {b} by 1/90 of a point on the official weighted mean",
                entry_id=a),
        Anomaly("affiliation_bias", "warning", "generative_cinema",
                f"{affiliated} comes from {home}, like {len(home_entries)} of the lane's entries "
                f"({', '.join(sorted(home_entries))}), declares no conflict with them, and scores them about 1.5 points "
                "higher than their other entries, against the other jurors", juror_id=affiliated),
        Anomaly("ai_share_assessed_below", "blocker", "generative_cinema",
                "declares 58% AI participation (its dimensions blend to 58%); the three verifiers put it at 45-50%, "
                "below the lane's 51% (and more than 3 points from its declaration: disclosure_disputed too)",
                entry_id=disputed),
        Anomaly("ai_share_uncertain", "blocker", "generative_cinema",
                "the verifiers put its AI participation around the 51% line", entry_id=near),
        Anomaly("assessor_lean", "info", "generative_cinema",
                "a verifier who rates AI participation about 10 points lower than the other two on every entry",
                juror_id=low_verifier),
        Anomaly("low_agreement", "warning", "generative_cinema",
                f"a consequence of {harsh}, {lenient} and {straight_liner}: every criterion's alpha falls below 0.667, "
                "and rises above it when the three are left out"),
    ]
    tables = {"entries": entries, "jurors": pd.concat([jurors, verifiers], ignore_index=True), "scores": scores,
              "conflicts": conflicts.sort_values([col.JUROR_ID, col.ENTRY_ID]).reset_index(drop=True),
              "participation_assessments": assessments}
    return tables, anomalies


def _assessments(rng: np.random.Generator, entries: pd.DataFrame, truth: dict[str, float],
                 lean: dict[str, float]) -> pd.DataFrame:
    """Three verifiers' shares of each Generative Cinema entry's dimensions: the entry's declared dimension
    shares moved to blend to its true share (its declared ``ai_share``, or for the entries of ``truth`` that
    share), plus the verifier's ``lean``, plus noise of 3 points, to one decimal within 0–100."""
    gc = entries[entries[col.CATEGORY] == "generative_cinema"].set_index(col.ENTRY_ID)
    dims = gc[[col.share_column(d) for d in DIMENSIONS]].to_numpy(dtype=float)
    true_share = gc[col.AI_SHARE].astype(float).copy()
    for entry, share in truth.items():
        true_share[entry] = share
    dims = dims - _blend(dims)[:, None] + true_share.to_numpy()[:, None]
    rows = []
    for verifier in ("VF01", "VF02", "VF03"):
        seen = np.clip(np.round(dims + lean.get(verifier, 0.0) + rng.normal(0, 3.0, dims.shape), 1), 0.0, 100.0)
        rows.append(pd.DataFrame({col.ASSESSOR_ID: verifier, col.ENTRY_ID: np.repeat(gc.index.to_numpy(), len(DIMENSIONS)),
                                  col.DIMENSION: np.tile(DIMENSIONS, len(gc)), col.SHARE: seen.ravel()}))
    out = pd.concat(rows, ignore_index=True)
    out[col.SHARE] = out[col.SHARE].map(lambda v: f"{v:.1f}")
    return out


def _format_entries(entries: pd.DataFrame) -> pd.DataFrame:
    out = entries.copy()
    number_columns = [col.RUNTIME_MIN, col.AI_SHARE, *(col.share_column(d) for d in DIMENSIONS)]
    for name in number_columns:
        out[name] = out[name].map(lambda v: f"{v:.1f}")
    return out


def write_demo(out: str | Path, seed: int = DEMO_SEED) -> Path:
    """Write the demo festival (design section 8) to ``out``; the same seed, the same bytes."""
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    tables, anomalies = demo_tables(seed)
    _write(folder, "festival.toml", CONFIG_TEXT)
    _write(folder, "entries.csv", _csv_text(_format_entries(tables["entries"])))
    for name in ("jurors", "scores", "conflicts", "participation_assessments"):
        _write(folder, f"{name}.csv", _csv_text(tables[name]))
    planted = {"synthetic": True, "generator": "jury demo", "seed": seed,
               "anomalies": [asdict(a) for a in anomalies]}
    _write(folder, "planted.json", json.dumps(planted, ensure_ascii=False, indent=2) + "\n")
    _write(folder, "README.md", _readme(seed, anomalies, tables))
    return folder


def _subject(anomaly: Anomaly) -> str:
    parts = [f"{name} `{value}`" for name, value in (("juror", anomaly.juror_id), ("entry", anomaly.entry_id),
                                                      ("criterion", anomaly.criterion)) if value]
    return ", ".join(parts) or "the lane"


def _readme(seed: int, anomalies: list[Anomaly], tables: dict[str, pd.DataFrame]) -> str:
    rows = "\n".join(f"| `{a.kind}` | {a.severity} | {_subject(a)} | {a.description} |" for a in anomalies)
    counts = tables["entries"][col.CATEGORY].value_counts(sort=False)
    lanes = ", ".join(f"{lane} {n}" for lane, n in counts.items())
    return f"""# Demo festival: SYNTHETIC DATA

Everything in this folder is invented by `jury demo --out data/demo --seed {seed}`: no real
film, person or score is described. Regenerate it with that command; `tests/test_demo.py`
checks that the committed files are exactly what the generator writes.

- {len(tables["entries"])} entries ({lanes}), {len(tables["jurors"]) - 3} jurors
  (9 on the Generative Cinema panel, from the factions art, technology, ethics, community),
  and three verifiers (`jurors.csv` role `verifier`: they score nothing), whose assessments of each
  Generative Cinema entry's AI participation per dimension are in `participation_assessments.csv`;
  {len(tables["scores"])} scores on six criteria, 1–10.
- Titles and names in English and Traditional Chinese; tools spelled as entry forms spell them.
- No `assignments.csv`: every panel member is expected to score every entry of their lane,
  except where a conflict is declared in `conflicts.csv`.

## Planted anomalies

These are also in `planted.json`, machine-readable, with the severity the checks are meant
to give each one. Nothing else in the data is meant to stop publication.

| kind | severity | where | what |
|---|---|---|---|
{rows}
"""


def conference_tables(seed: int = DEMO_SEED, n_entries: int = 20_000, n_jurors: int = 5_000,
                      jurors_per_entry: int = 4) -> dict[str, pd.DataFrame]:
    """A conference-scale festival: ``n_entries`` entries, each scored by ``jurors_per_entry``
    jurors of its lane's panel on six criteria, with an explicit assignments table."""
    rng = np.random.default_rng(seed)
    lane_ids = np.array([lane for lane, *_ in LANES])
    share = np.array([0.4, 0.2, 0.2, 0.2])
    entry_lane = lane_ids[np.minimum(np.searchsorted(np.cumsum(share), (np.arange(n_entries) + 0.5) / n_entries),
                                     len(lane_ids) - 1)]
    juror_lane = lane_ids[np.minimum(np.searchsorted(np.cumsum(share), (np.arange(n_jurors) + 0.5) / n_jurors),
                                     len(lane_ids) - 1)]
    entry_ids = np.array([f"E{i:06d}" for i in range(1, n_entries + 1)])
    juror_ids = np.array([f"R{i:05d}" for i in range(1, n_jurors + 1)])
    base_titles = np.array(TITLES_EN + TITLES_ZH, dtype=object)
    titles = [f"{t} #{i}" for t, i in zip(base_titles[rng.integers(0, len(base_titles), n_entries)], range(1, n_entries + 1))]
    dims = _dimension_shares(rng, rng.uniform(55, 95, n_entries))
    entries = pd.DataFrame({
        col.ENTRY_ID: entry_ids, col.TITLE: titles, col.CATEGORY: entry_lane,
        col.RUNTIME_MIN: rng.uniform(6, 120, n_entries).round(1),
        col.AI_SHARE: np.clip(_blend(dims) + rng.uniform(-3, 3, n_entries), 0, 100).round(1),
        **{col.share_column(d): dims[:, i] for i, d in enumerate(DIMENSIONS)},
        col.TOOLS: rng.choice(TOOL_SPELLINGS, size=n_entries),
        col.RESOLUTION: rng.choice(RESOLUTIONS, size=n_entries, p=RESOLUTION_P),
        col.LOSSLESS_AUDIO: _yes_no(rng.random(n_entries) < 0.75),
        **{col.appendix_column(p): "yes" for p in APPENDIX},
        col.AUTHORSHIP_PROOF: "yes",
        col.COUNTRY: rng.choice(COUNTRIES, size=n_entries),
    })
    jurors = pd.DataFrame({col.JUROR_ID: juror_ids, col.NAME: [f"Juror {i}" for i in range(1, n_jurors + 1)],
                           col.PANEL: juror_lane, col.FACTION: rng.choice(FACTIONS, size=n_jurors),
                           col.ROLE: "member"})
    # balanced and connected: within a lane, entry k takes the jurors at positions k + offset of a
    # shuffled panel, offsets 0, 1, 3, 7, ... so neighbouring entries share jurors (one connected design)
    offsets = np.array([0] + [2**i - 1 for i in range(1, jurors_per_entry)])
    assigned = []
    for lane in lane_ids:
        lane_entries = rng.permutation(entry_ids[entry_lane == lane])
        panel = rng.permutation(juror_ids[juror_lane == lane])
        slots = (np.arange(len(lane_entries))[:, None] + offsets) % len(panel)
        assigned.append(pd.DataFrame({col.JUROR_ID: panel[slots].ravel(),
                                      col.ENTRY_ID: np.repeat(lane_entries, jurors_per_entry)}))
    assignments = pd.concat(assigned, ignore_index=True)
    quality = pd.Series(rng.normal(5.8, 1.3, n_entries), index=entry_ids)
    severity = pd.Series(rng.normal(0.0, 0.35, n_jurors), index=juror_ids)
    scores = _scores(rng, assignments, quality, severity)
    return {"entries": entries, "jurors": jurors, "scores": scores, "assignments": assignments}


def write_conference(out: str | Path, seed: int = DEMO_SEED, **sizes) -> Path:
    """Write a conference-scale festival (20,000 entries, 5,000 jurors, 4 per entry) to ``out``."""
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    tables = conference_tables(seed, **sizes)
    if DEMO_NAME_LINE not in CONFIG_TEXT:
        raise RuntimeError("demo-festival.toml lost its name line; update DEMO_NAME_LINE")
    if RASCH_LINES not in CONFIG_TEXT:
        raise RuntimeError("demo-festival.toml lost its [rasch] lines; update RASCH_LINES")
    _write(folder, "festival.toml", CONFIG_TEXT.replace(DEMO_NAME_LINE, CONFERENCE_NAME_LINE).replace(AFFILIATION_LINES, "")
           .replace(RASCH_LINES, ""))
    _write(folder, "entries.csv", _csv_text(_format_entries(tables["entries"])))
    for name in ("jurors", "scores", "assignments"):
        _write(folder, f"{name}.csv", _csv_text(tables[name]))
    _write(folder, "README.md", "# Conference-scale festival: SYNTHETIC DATA\n\nWritten by `jury demo --scale conference`"
                                f" with seed {seed}, for benchmarks. No anomalies are planted.\n")
    return folder
