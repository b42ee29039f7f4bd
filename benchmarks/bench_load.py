"""Benchmark: loading and validating a conference-scale festival folder.

What is measured, each in a fresh subprocess (clean imports, clean memory):

- ``import``: a process that only imports ``analytics`` and pandas; its peak resident
  memory is the baseline that the other figures are compared with.
- ``load``: ``analytics.load_festival(folder)`` wall time (read + validate).
- ``check``: ``load_festival`` + ``coverage.lane_summary`` + ``coverage.missing_scores``
  wall time, i.e. what ``jury check`` computes, and the peak resident memory of that
  process (``getrusage(RUSAGE_SELF).ru_maxrss``, KiB on Linux).

Timings are repeated (``--repeat``, default 3) and reported as min and median; peak
memory is the maximum over the repeats. The festival is written once by
``analytics.synthetic.demo.write_conference`` (20,000 entries, 5,000 jurors, 4 jurors per entry,
6 criteria: 480,000 scores) into ``build/bench/conference-seed<N>/`` and reused while its
files are complete. The numbers are printed as a table and written to
``build/bench/load.json`` with the machine facts and the date.

Targets: median check time under 60 s and peak memory under 1 GiB (1024 MiB). The script
exits with status 1, saying which target was missed, when either is missed.

Run from the repository root (this is what ``make bench`` does)::

    .venv/bin/python benchmarks/bench_load.py [--seed 2026] [--repeat 3] [--profile]

``--profile`` adds one cProfile run of ``load_festival`` (not timed) and prints the
functions of ``analytics/`` with the largest cumulative time.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

# The parent process imports only the standard library: pandas and analytics are imported
# in the measured subprocesses alone, so nothing the parent holds can leak into them.

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "build" / "bench"
TABLES = ("entries", "jurors", "scores", "assignments")
FILES = ("festival.toml", *(f"{name}.csv" for name in TABLES))
MANIFEST = ".bench-manifest.json"  # written last: its presence means the folder is complete
MIB = 1024  # ru_maxrss is in KiB on Linux


# ---------------------------------------------------------------- the measured subprocess

def child(mode: str, folder: Path, seed: int) -> dict:
    """Run one measurement in this (fresh) process and return its numbers."""
    start = time.perf_counter()
    import numpy as np
    import pandas as pd

    import analytics
    result = {"mode": mode, "import_s": time.perf_counter() - start,
              "pandas": pd.__version__, "numpy": np.__version__}
    if mode == "generate":
        from analytics.synthetic.demo import write_conference
        write_conference(folder, seed)
    elif mode in ("load", "check"):
        start = time.perf_counter()
        festival = analytics.load_festival(folder)
        result["load_s"] = time.perf_counter() - start
        result["rows"] = {name: len(getattr(festival, name)) for name in TABLES}
        if mode == "check":
            from analytics.checks.coverage import lane_summary, missing_scores
            start = time.perf_counter()
            lanes = lane_summary(festival)
            missing = missing_scores(festival)
            result["summaries_s"] = time.perf_counter() - start
            result["check_s"] = result["load_s"] + result["summaries_s"]
            result["lanes"] = len(lanes)
            result["missing_scores"] = len(missing)
    elif mode == "profile":
        import cProfile
        import io
        import pstats
        profiler = cProfile.Profile()
        profiler.runcall(analytics.load_festival, folder)
        text = io.StringIO()
        stats = pstats.Stats(profiler, stream=text).sort_stats("cumulative")
        stats.print_stats("/analytics/", 12)
        result["profile"] = text.getvalue()
    result["peak_rss_kib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return result


def run_child(mode: str, folder: Path, seed: int) -> dict:
    command = [sys.executable, str(Path(__file__).resolve()), "--child", mode,
               "--folder", str(folder), "--seed", str(seed)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"bench_load: the '{mode}' subprocess failed (exit {done.returncode})")
    return json.loads(done.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------- the festival folder

def cached_folder(folder: Path, design: dict, generate) -> tuple[Path, float | None]:
    """``folder`` as ``generate(path)`` writes it for ``design``, written again only when its
    manifest names another design or a file's size differs; also the seconds it took to write
    (``None`` when reused). Written into ``<folder>.partial`` and renamed when complete."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
        if manifest.get("design") == design and all(
                (folder / name).is_file() and (folder / name).stat().st_size == manifest["sizes"].get(name)
                for name in FILES):
            return folder, None
    except (OSError, ValueError, KeyError):
        pass
    partial = folder.with_name(folder.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    start = time.perf_counter()
    generate(partial)
    seconds = time.perf_counter() - start
    sizes = {name: (partial / name).stat().st_size for name in FILES}
    (partial / MANIFEST).write_text(json.dumps({"design": design, "sizes": sizes}, indent=1))
    shutil.rmtree(folder, ignore_errors=True)
    partial.rename(folder)
    return folder, seconds


def ensure_folder(seed: int) -> tuple[Path, float | None]:
    """The conference folder for ``seed`` (see :func:`cached_folder`)."""
    return cached_folder(BENCH_DIR / f"conference-seed{seed}", {"seed": seed},
                         lambda path: run_child("generate", path, seed))


# ---------------------------------------------------------------- report

def timing(runs: list[dict], key: str) -> dict:
    values = [r[key] for r in runs]
    return {"runs_s": [round(v, 4) for v in values], "min_s": round(min(values), 4),
            "median_s": round(statistics.median(values), 4)}


def peak_mib(runs: list[dict]) -> float:
    return round(max(r["peak_rss_kib"] for r in runs) / MIB, 1)


def table(results: dict) -> str:
    rows, load, check, base = results["rows"], results["load"], results["check"], results["import_baseline"]
    lines = [
        f"{results['folder']}: " + ", ".join(f"{rows[name]:,} {name}" for name in TABLES),
        f"{results['repeat']} run{'s' * (results['repeat'] != 1)} each, one fresh process per run; "
        f"{results['machine']['nproc']} CPUs, Python {results['machine']['python']}, "
        f"pandas {results['machine']['pandas']}, numpy {results['machine']['numpy']}",
        "",
        f"{'phase':<44}{'min s':>8}{'median s':>10}{'peak MiB':>10}",
        f"{'import analytics + pandas (baseline)':<44}{base['import_s']:>8.2f}{'':>10}{base['peak_rss_mib']:>10.0f}",
        f"{'load_festival':<44}{load['min_s']:>8.2f}{load['median_s']:>10.2f}{load['peak_rss_mib']:>10.0f}",
        f"{'  of which in the check runs':<44}{check['load']['min_s']:>8.2f}{check['load']['median_s']:>10.2f}",
        f"{'  lane_summary + missing_scores':<44}{check['summaries']['min_s']:>8.2f}{check['summaries']['median_s']:>10.2f}",
        f"{'check = load + lane_summary + missing_scores':<44}{check['min_s']:>8.2f}{check['median_s']:>10.2f}"
        f"{check['peak_rss_mib']:>10.0f}",
        f"{'check peak memory above the baseline':<44}{'':>8}{'':>10}{results['increment_rss_mib']:>10.0f}",
        "",
        f"missing scores found: {results['missing_scores']:,}",
    ]
    return "\n".join(lines)



def write_results(out: Path, results: dict, missed: list[str]) -> None:
    """Write the JSON results and name every missed target on stderr (shared by the benchmarks)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nwrote {out.relative_to(ROOT) if out.resolve().is_relative_to(ROOT) else out}")
    for message in missed:
        print(f"TARGET MISSED: {message}", file=sys.stderr)

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2026, help="seed of the conference folder (default 2026)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per measurement (default 3)")
    parser.add_argument("--profile", action="store_true", help="also print a cProfile of load_festival")
    parser.add_argument("--max-rss-mib", type=float, default=1024.0, help="peak memory target (default 1024 MiB = 1 GiB)")
    parser.add_argument("--max-check-s", type=float, default=60.0, help="median check time target (default 60 s)")
    parser.add_argument("--out", type=Path, default=BENCH_DIR / "load.json", help="JSON output (default build/bench/load.json)")
    parser.add_argument("--child", choices=("generate", "import", "load", "check", "profile"), help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.folder, args.seed)))
        return 0
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    folder, generate_s = ensure_folder(args.seed)
    print(f"{'wrote' if generate_s is not None else 'reusing'} {folder.relative_to(ROOT)}"
          + (f" in {generate_s:.1f} s" if generate_s is not None else ""), flush=True)
    base = run_child("import", folder, args.seed)
    loads = [run_child("load", folder, args.seed) for _ in range(args.repeat)]
    checks = [run_child("check", folder, args.seed) for _ in range(args.repeat)]

    results = {
        "benchmark": "bench_load",
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": {"nproc": len(os.sched_getaffinity(0)), "cpu_count": os.cpu_count(),
                    "platform": platform.platform(), "python": platform.python_version(),
                    "pandas": base["pandas"], "numpy": base["numpy"]},
        "folder": str(folder.relative_to(ROOT)), "seed": args.seed, "generate_s": generate_s,
        "repeat": args.repeat, "rows": checks[0]["rows"], "missing_scores": checks[0]["missing_scores"],
        "import_baseline": {"import_s": round(base["import_s"], 4), "peak_rss_mib": peak_mib([base])},
        "load": {**timing(loads, "load_s"), "peak_rss_mib": peak_mib(loads)},
        "check": {**timing(checks, "check_s"), "load": timing(checks, "load_s"),
                  "summaries": timing(checks, "summaries_s"), "peak_rss_mib": peak_mib(checks)},
    }
    results["increment_rss_mib"] = round(results["check"]["peak_rss_mib"] - results["import_baseline"]["peak_rss_mib"], 1)
    missed = []
    if results["check"]["peak_rss_mib"] > args.max_rss_mib:
        missed.append(f"peak memory {results['check']['peak_rss_mib']:.0f} MiB exceeds the target {args.max_rss_mib:g} MiB")
    if results["check"]["median_s"] > args.max_check_s:
        missed.append(f"median check time {results['check']['median_s']:.1f} s exceeds the target {args.max_check_s:g} s")
    results["targets"] = {"max_peak_rss_mib": args.max_rss_mib, "max_check_median_s": args.max_check_s,
                          "missed": missed, "ok": not missed}

    print(table(results))
    if args.profile:
        print("\ncProfile of load_festival (one extra run, not timed), analytics/ by cumulative time:")
        print(run_child("profile", folder, args.seed)["profile"].strip())
    write_results(args.out, results, missed)
    if not missed:
        print(f"targets met: median check {results['check']['median_s']:.2f} s <= {args.max_check_s:.0f} s, "
              f"peak {results['check']['peak_rss_mib']:.0f} MiB <= {args.max_rss_mib:.0f} MiB")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
