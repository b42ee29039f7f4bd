"""Benchmark: how `jury check` grows with the number of scores, in two shapes of festival.

Four sizes from 20,000 to 2,000,000 scores, log-spaced, in each shape:

- ``review``: a peer-review conference as exported (``examples.write_review``): each paper
  reviewed three to five times, every review by its own anonymous reviewer: many jurors with
  one score each (2,000,000 scores: about 528,000 papers and 2,000,000 reviewers);
- ``panel``: few jurors with many scores (``demo.write_conference``): each entry scored by 4
  jurors of its lane on 6 criteria, one juror for every 40 entries, so each juror gives about
  960 scores (2,000,000 scores: 83,333 entries, 2,083 jurors).

Each row is ``jury check DIR --quiet`` in a fresh process (wall time, median of ``--repeat``
runs; peak resident memory of the process and its children, the largest), beside a pandas
floor that only reads ``scores.csv`` and averages the scores per entry. The log-log slope of
time and of memory against the number of scores is fitted over the four sizes (target for
time: at most 1.15, no worse than linear beyond a small margin); the slope between the two
largest sizes is shown too, since fixed costs (imports: about 1.6 s) flatten the small end.

A run that passes ``--memory-cap`` GiB of resident memory is stopped (its process group
killed) and reported as such, so a shape that blows up cannot take the machine with it.

The festivals are written once into ``build/bench/scaling-*`` and reused (delete the folders
after a change to the generators). Results are printed and written to
``build/bench/scaling.json``. Run from the repository root::

    .venv/bin/python benchmarks/bench_scaling.py [--repeat 1] [--shapes review,panel] [--sizes 20000,2000000]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "build" / "bench"
PYTHON = sys.executable
SIZES = (20_000, 92_832, 430_887, 2_000_000)  # 20,000 × (100)^(i/3)
SLOPE_TARGET = 1.15
REVIEWS_PER_PAPER = 3.787  # write_review's mean (3 to 5 reviews, p = .35, .52, .13)

WRITE = {
    "review": "from analytics.synthetic.examples import write_review\n"
              "write_review({out!r}, 2026, papers={papers})\n",
    "panel": "from analytics.synthetic.demo import write_conference\n"
             "write_conference({out!r}, 2026, n_entries={entries}, n_jurors={jurors})\n",
}

FLOOR = r"""
import sys, time
import pandas as pd
start = time.perf_counter()
scores = pd.read_csv(sys.argv[1] + "/scores.csv", usecols=["entry_id", "score"])
means = scores.groupby("entry_id")["score"].mean()
print(f"{time.perf_counter() - start:.3f}")
"""


def festival(shape: str, size: int) -> tuple[Path, int]:
    """The folder of ``shape`` at about ``size`` scores (written once), and its exact number of scores."""
    folder = BENCH_DIR / f"scaling-{shape}-{size}"
    if not (folder / "scores.csv").is_file():
        if shape == "review":
            code = WRITE[shape].format(out=str(folder), papers=round(size / REVIEWS_PER_PAPER))
        else:
            entries = round(size / 24)
            code = WRITE[shape].format(out=str(folder), entries=entries, jurors=max(entries // 40, 40))
        subprocess.run([PYTHON, "-c", code], check=True, cwd=ROOT)
    with open(folder / "scores.csv", "rb") as handle:
        n = sum(1 for _ in handle) - 1
    return folder, n


def _rss_kib(group: int) -> int:
    """Resident memory of every process of ``group`` (KiB), from /proc."""
    total = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            if int(fields[2]) != group:  # the process group (field 5 of stat)
                continue
            with open(f"/proc/{entry.name}/status") as handle:
                total += next(int(line.split()[1]) for line in handle if line.startswith("VmRSS:"))
        except (OSError, StopIteration, ValueError, IndexError):
            continue
    return total


def watched(argv: list[str], cap_gib: float, timeout: float) -> dict:
    """Run ``argv`` in its own process group, sampling its memory every 0.1 s; stop it at the cap."""
    start = time.perf_counter()
    # the output into files, read at the end: a pipe that nobody reads while the run goes on would block
    # the run once its summary passes the pipe's 64 KiB
    out_file, err_file = tempfile.TemporaryFile(), tempfile.TemporaryFile()
    process = subprocess.Popen(argv, cwd=ROOT, stdout=out_file, stderr=err_file, start_new_session=True)
    peak, stopped = 0, ""
    while process.poll() is None:
        peak = max(peak, _rss_kib(process.pid))
        if peak > cap_gib * 1024 * 1024:
            stopped = f"stopped at the memory cap of {cap_gib:g} GiB"
        elif time.perf_counter() - start > timeout:
            stopped = f"stopped after {timeout:.0f} s"
        if stopped:
            os.killpg(process.pid, signal.SIGKILL)
            break
        time.sleep(0.1)
    process.wait()
    seconds = time.perf_counter() - start
    out_file.seek(0)
    err_file.seek(0)
    out, err = out_file.read(), err_file.read()
    return {"seconds": seconds, "peak_mib": peak / 1024, "exit": process.returncode, "stopped": stopped,
            "stdout": out.decode(errors="replace")[-2000:], "stderr": err.decode(errors="replace")[-2000:]}


def slope(xs: list[float], ys: list[float]) -> float:
    """Least-squares slope of log(y) on log(x)."""
    lx, ly = [math.log(x) for x in xs], [math.log(y) for y in ys]
    mx, my = statistics.fmean(lx), statistics.fmean(ly)
    return sum((a - mx) * (b - my) for a, b in zip(lx, ly)) / sum((a - mx) ** 2 for a in lx)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=1, help="runs per size (the median is reported)")
    parser.add_argument("--shapes", default="review,panel")
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="numbers of scores, comma-separated")
    parser.add_argument("--memory-cap", type=float, default=8.0, help="GiB of resident memory at which a run is stopped")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds after which a run is stopped")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    results: dict[str, list[dict]] = {}
    missed = []
    for shape in args.shapes.split(","):
        rows = []
        for size in sizes:
            folder, n = festival(shape, size)
            runs = [watched([PYTHON, "-m", "analytics", "check", str(folder), "--quiet"], args.memory_cap, args.timeout)
                    for _ in range(args.repeat)]
            floor = watched([PYTHON, "-c", FLOOR, str(folder)], args.memory_cap, args.timeout)
            failed = [r for r in runs if r["stopped"] or r["exit"] not in (0, 1)]
            row = {"scores": n, "seconds": statistics.median(r["seconds"] for r in runs),
                   "peak_mib": max(r["peak_mib"] for r in runs), "floor_seconds": floor["seconds"],
                   "floor_peak_mib": floor["peak_mib"], "failed": [r["stopped"] or r["stderr"][-500:] for r in failed]}
            rows.append(row)
            print(f"{shape:7s} {n:>10,d} scores  jury check {row['seconds']:7.1f} s {row['peak_mib']:7.0f} MiB"
                  f"   pandas floor {row['floor_seconds']:5.1f} s {row['floor_peak_mib']:5.0f} MiB"
                  f"{'   FAILED: ' + '; '.join(row['failed']) if failed else ''}", flush=True)
        results[shape] = rows
        ok = [r for r in rows if not r["failed"]]
        if len(ok) >= 2:
            xs = [r["scores"] for r in ok]
            time_slope = slope(xs, [r["seconds"] for r in ok])
            memory_slope = slope(xs, [r["peak_mib"] for r in ok])
            top = slope(xs[-2:], [r["seconds"] for r in ok[-2:]])
            print(f"{shape:7s} log-log slope: time {time_slope:.2f} (largest two sizes {top:.2f}), memory "
                  f"{memory_slope:.2f}; target for time <= {SLOPE_TARGET}")
            results[shape + "_slopes"] = {"time": time_slope, "time_largest_two": top, "memory": memory_slope}
            if time_slope > SLOPE_TARGET:
                missed.append(f"{shape}: time slope {time_slope:.2f} > {SLOPE_TARGET}")
        if len(ok) < len(rows):
            missed.append(f"{shape}: {len(rows) - len(ok)} size(s) failed")
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    record = {"when": datetime.now(timezone.utc).isoformat(timespec="seconds"), "machine": platform.platform(),
              "cpus": os.cpu_count(), "python": platform.python_version(), "results": results, "missed": missed}
    (BENCH_DIR / "scaling.json").write_text(json.dumps(record, indent=2))
    for line in missed:
        print("MISSED:", line)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
