"""Benchmark: assessed AI participation (design section 17) at conference scale, in three shapes.

Each shape is the conference preset (``jury demo --scale conference``: 20,000 entries in four lanes, 5,000 jurors,
480,000 scores; the folder of ``bench_load.py``, ``build/bench/conference-seed<N>/``, reused while its manifest
matches) with a ``participation_assessments.csv`` added, every assessor's shares of an entry's six dimensions
drawn as the entry's declared dimension shares plus the assessor's lean (normal, sd 3 points) plus noise (sd 3),
to one decimal within 0–100:

- ``verifiers``: three verifiers (``role = verifier``) assess every Generative Cinema entry (8,000 entries):
  144,000 assessments by 3 assessors, the demo's shape grown 300-fold;
- ``pool``: 300 verifiers, 75 per lane, three drawn at random for each of the 20,000 entries: 360,000
  assessments, each assessor assessing about 240 entries (a festival with an assessment office);
- ``jurors``: each entry assessed by the four jurors who score it (``assignments.csv``): 480,000 assessments by
  5,000 assessors (a conference whose reviewers also assess), so that the assessor model has thousands of raters.

The folders are written into ``build/bench/assessed-<shape>-seed<N>/`` at each run (a few seconds each).

What is measured, each in a fresh subprocess:

- ``jury check`` (whole process): ``python -m analytics check DIR --quiet`` under ``/usr/bin/time -v``
  (``bench_commands.timed``: wall seconds and peak memory, imports included) on the conference preset without
  assessments and on each shape: the difference is what the assessments cost a whole run.
- the family's own time: in a process that has loaded the shape, the ``participation_assessed`` family's table
  (``participation_assessed.csv``: the lean-adjusted means, intervals and ``p_eligible`` by resampling), its flags
  and its companions (agreement per dimension and each assessor's lean) on one ``Shared``, as ``run_checks``
  computes them; the flags of each kind are counted.

Timings: min and median over ``--repeat`` processes (default 3). Target: the family's table, flags and
companions together, median at most ``--max-family-s`` (3 s) in every shape; a miss is named and the exit
status is 1. Output: ``build/bench/assessed.json``.

Run from the repository root (``make bench`` runs it)::

    .venv/bin/python benchmarks/bench_assessed.py [--seed 2026] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

# stdlib-only in this process, like the other benchmarks: pandas and analytics are imported in the measured ones
from bench_agreement import fmt, process_peak_kib
from bench_commands import timed
from bench_load import BENCH_DIR, ROOT, ensure_folder, peak_mib, timing, write_results

SHAPES = ("verifiers", "pool", "jurors")
DIMENSIONS = ("writing", "direction", "generation", "editing", "sound", "finishing")
POOL_PER_LANE = 75
PER_ENTRY = 3
FAMILY = "participation_assessed"


# ---------------------------------------------------------------- the measured subprocesses

def write_shape(folder: Path, conference: Path, shape: str, seed: int) -> dict:
    """The conference folder with the assessments of ``shape`` (module notes); the preset's files are copied."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng([seed, SHAPES.index(shape)])
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("festival.toml", "entries.csv", "scores.csv", "assignments.csv"):
        shutil.copyfile(conference / name, folder / name)
    entries = pd.read_csv(conference / "entries.csv", dtype=str, keep_default_na=False)
    jurors = pd.read_csv(conference / "jurors.csv", dtype=str, keep_default_na=False)
    if shape == "jurors":
        assigned = pd.read_csv(conference / "assignments.csv", dtype=str).sort_values("entry_id", kind="stable")
        assessed = entries.set_index("entry_id").loc[assigned["entry_id"].unique()].reset_index()
        pool = jurors["juror_id"].to_numpy()
        panel = pd.Index(pool).get_indexer(assigned["juror_id"]).reshape(len(assessed), -1)
        added = jurors.iloc[:0]
    else:
        lanes = ["generative_cinema"] if shape == "verifiers" else sorted(entries["category"].unique())
        per_lane = PER_ENTRY if shape == "verifiers" else POOL_PER_LANE
        assessed = entries[entries["category"].isin(lanes)].reset_index(drop=True)
        pool = np.array([f"VF{i:04d}" for i in range(1, per_lane * len(lanes) + 1)])
        lane_of = np.repeat(lanes, per_lane)
        panel = np.empty((len(assessed), PER_ENTRY), dtype=int)
        for lane in lanes:  # a few lanes: each entry's assessors drawn from its lane's (all of them for verifiers)
            at = (assessed["category"] == lane).to_numpy()
            own = np.flatnonzero(lane_of == lane)
            panel[at] = own[np.argsort(rng.random((at.sum(), len(own))), axis=1)[:, :PER_ENTRY]]
        added = pd.DataFrame({"juror_id": pool, "name": [f"Verifier {i}" for i in range(1, len(pool) + 1)],
                              "panel": lane_of, "faction": "", "role": "verifier"})
    pd.concat([jurors, added], ignore_index=True).to_csv(folder / "jurors.csv", index=False, lineterminator="\n")
    truth = assessed[[f"share_{d}" for d in DIMENSIONS]].to_numpy(dtype=float)
    lean = rng.normal(0.0, 3.0, len(pool))
    k = panel.shape[1]
    shares = truth[:, None, :] + lean[panel][:, :, None] + rng.normal(0.0, 3.0, (len(assessed), k, len(DIMENSIONS)))
    table = pd.DataFrame({"assessor_id": np.repeat(pool[panel].ravel(), len(DIMENSIONS)),
                          "entry_id": np.repeat(assessed["entry_id"].to_numpy(), k * len(DIMENSIONS)),
                          "dimension": np.tile(DIMENSIONS, len(assessed) * k),
                          "share": np.clip(np.round(shares, 1), 0.0, 100.0).ravel()})
    table.to_csv(folder / "participation_assessments.csv", index=False, lineterminator="\n", float_format="%.1f")
    return {"assessments": len(table), "assessors": int(table["assessor_id"].nunique()),
            "entries_assessed": len(assessed)}


def family_work(folder: Path) -> dict:
    """Load, then the family's table, flags and companions on one Shared, each timed."""
    import analytics
    from analytics.checks.registry import REGISTRY
    from analytics.checks.shared import Shared

    start = time.perf_counter()
    festival = analytics.load_festival(folder)
    out = {"load_s": time.perf_counter() - start}
    family = next(check for check in REGISTRY if check.name == FAMILY)
    shared = Shared(festival)
    cpu, start = time.process_time(), time.perf_counter()
    table = family.table(shared)
    out["table_s"] = time.perf_counter() - start
    start = time.perf_counter()
    flags = family.flags(shared, table)
    out["flags_s"] = time.perf_counter() - start
    start = time.perf_counter()
    companions = family.companions(shared)
    out["companions_s"] = time.perf_counter() - start
    out["seconds"], out["cpu_s"] = out["table_s"] + out["flags_s"] + out["companions_s"], time.process_time() - cpu
    kinds: dict[str, int] = {}
    for flag in flags:
        kinds[flag.check] = kinds.get(flag.check, 0) + 1
    out.update(rows=len(table), flags=kinds, leans=len(companions["assessor_lean"]),
               dimensions=len(companions["assessment_agreement"]))
    return out


def child(mode: str, args: argparse.Namespace) -> dict:
    if mode.startswith("generate-"):
        return write_shape(args.folder, args.conference, mode.removeprefix("generate-"), args.seed)
    if mode == "family":
        out = family_work(args.folder)
        out["peak_rss_kib"] = process_peak_kib()
        return out
    raise ValueError(f"unknown mode {mode!r}")


def run_child(mode: str, folder: Path, args: argparse.Namespace, conference: Path | None = None) -> dict:
    command = [sys.executable, str(Path(__file__).resolve()), "--child", mode, "--folder", str(folder),
               "--seed", str(args.seed)] + (["--conference", str(conference)] if conference else [])
    print(f"  {mode} {folder.name} ...", end="", flush=True, file=sys.stderr)
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=args.timeout, check=False)
    print(f" {time.perf_counter() - start:.1f} s", file=sys.stderr)
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"bench_assessed: the '{mode}' subprocess failed (exit {done.returncode})")
    return json.loads(done.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------- report

def row(label: str, timed_: dict, peak: float | None = None) -> str:
    return f"{label:<58}{timed_['min_s']:>8.2f}{timed_['median_s']:>10.2f}" + fmt(peak, ".0f", 10)


def report(res: dict) -> str:
    m, rows = res["machine"], res["rows"]
    lines = [f"{res['repeat']} fresh process{'es' * (res['repeat'] != 1)} each; {m['nproc']} CPUs, Python {m['python']}",
             "", f"{'measurement':<58}{'min s':>8}{'median s':>10}{'peak MiB':>10}",
             row("jury check, conference preset, no assessments (process)", rows["check_plain"],
                 rows["check_plain"]["peak_mib"])]
    for shape in SHAPES:
        facts, check, fam = res["shapes"][shape], rows[f"check_{shape}"], rows[f"family_{shape}"]
        lines += [
            (f"{shape}: {facts['assessments']:,} assessments by {facts['assessors']:,} assessors of "
             f"{facts['entries_assessed']:,} entries"),
            row("  jury check (process)", check, check["peak_mib"]),
            row("  the family: table + flags + companions", fam, fam["peak_rss_mib"]),
            row("    table (means, intervals, p_eligible)", fam["table"]),
            row("    flags", fam["flags_time"]),
            row("    companions (agreement, leans)", fam["companions"]),
            "    flags: " + (", ".join(f"{k} {v}" for k, v in sorted(fam["flags_count"].items())) or "none"),
        ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2026, help="seed of the conference and the assessments (default 2026)")
    parser.add_argument("--repeat", type=int, default=3, help="timed processes per measurement (default 3)")
    parser.add_argument("--max-family-s", type=float, default=3.0,
                        help="the family's table, flags and companions, median, every shape (default 3 s)")
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds allowed per subprocess")
    parser.add_argument("--out", type=Path, default=BENCH_DIR / "assessed.json", help="JSON output")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--conference", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args)))
        return 0
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    conference, generate_s = ensure_folder(args.seed)
    print(f"{'wrote' if generate_s is not None else 'reusing'} {conference.relative_to(ROOT)}", flush=True)
    folders, shapes = {}, {}
    for shape in SHAPES:
        folders[shape] = BENCH_DIR / f"assessed-{shape}-seed{args.seed}"
        shapes[shape] = run_child(f"generate-{shape}", folders[shape], args, conference)

    print("running (one fresh process each):", file=sys.stderr)
    rows = {}
    for key, folder in (("check_plain", conference), *((f"check_{s}", folders[s]) for s in SHAPES)):
        runs = [timed([sys.executable, "-m", "analytics", "check", str(folder), "--quiet"]) for _ in range(args.repeat)]
        if any(r["exit"] not in (0, 1) for r in runs):
            raise SystemExit(f"bench_assessed: jury check {folder.name} exited {[r['exit'] for r in runs]}")
        rows[key] = {**timing(runs, "wall_s"), "peak_mib": max(r["peak_mib"] for r in runs)}
    for shape in SHAPES:
        runs = [run_child("family", folders[shape], args) for _ in range(args.repeat)]
        rows[f"family_{shape}"] = {**timing(runs, "seconds"), "peak_rss_mib": peak_mib(runs),
                                   "table": timing(runs, "table_s"), "flags_time": timing(runs, "flags_s"),
                                   "companions": timing(runs, "companions_s"), "load": timing(runs, "load_s"),
                                   "flags_count": runs[0]["flags"], "rows": runs[0]["rows"]}
    results = {
        "benchmark": "bench_assessed", "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"nproc": len(os.sched_getaffinity(0)), "cpu_count": os.cpu_count(),
                    "platform": platform.platform(), "python": platform.python_version()},
        "seed": args.seed, "repeat": args.repeat, "shapes": shapes, "rows": rows,
    }
    missed = [f"the {FAMILY} family on the '{shape}' shape: median {rows[f'family_{shape}']['median_s']:.2f} s exceeds "
              f"the target {args.max_family_s:g} s" for shape in SHAPES
              if rows[f"family_{shape}"]["median_s"] > args.max_family_s]
    results["targets"] = {"max_family_s": args.max_family_s, "missed": missed, "ok": not missed}
    print(report(results))
    write_results(args.out, results, missed)
    if not missed:
        print(f"target met: the family's median at most {args.max_family_s:g} s in every shape")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
