"""Benchmark: the `jury` commands end to end, at every scale, each in a fresh process.

Rows (each run ``--repeat`` times under ``/usr/bin/time -v``; the median wall time and the
peak resident memory are reported):

- ``import pandas, scipy.stats``: the bare import every command pays, the yardstick of
  start-up (target: ``jury check data/demo`` within 2× of it, measured in the same run);
- ``import analytics.apps.cli``: what `jury` imports before it does anything;
- ``jury check`` on the demo (60 entries), the diving example (``data/examples/diving``: 40
  divers, three rounds of six, five and six dives, seven judges per dive from two rotating panels,
  2,743 marks; target 3 s), the federation (``jury demo --scale federation``:
  136 panels of 9 judges, 1,632 entries, 73,440 marks, drop_extremes and per-event factors)
  and the conference (``jury demo --scale conference``: 20,000 entries, 5,000 jurors,
  480,000 scores), with ``--quiet``;
- a pandas baseline on the federation's marks: the plain mean of each entry's marks and
  each entry's mean with each judge left out, by ``groupby`` (no official rule, no
  bootstrap, no other check): the floor any aggregation over these marks pays, beside our
  rankings check (the official rule, leave-one-out and 1,000 bootstrap juries);
- with ``--report``: ``jury report data/demo --no-pdf --draft`` (executes the notebooks).

The festivals are written once into ``build/bench/`` and reused. Results are printed and
written to ``build/bench/commands.json``. Run from the repository root::

    .venv/bin/python benchmarks/bench_commands.py [--repeat 3] [--report] [--only demo,diving,federation]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "build" / "bench"
PYTHON = sys.executable

PANDAS_BASELINE = r"""
import sys, time
import pandas as pd
start = time.perf_counter()
scores = pd.read_csv(sys.argv[1] + "/scores.csv")
lanes = pd.read_csv(sys.argv[1] + "/entries.csv")[["entry_id", "category"]]
t = scores.groupby(["entry_id", "juror_id"], as_index=False)["score"].sum()
g = t.groupby("entry_id")["score"]
mean = g.mean()
total, n = g.transform("sum"), g.transform("size")
loo = ((total - t["score"]) / (n - 1)).groupby(t["juror_id"]).size()
print(f"{time.perf_counter() - start:.3f}")
"""

RANKINGS_ONLY = r"""
import sys, time
import analytics
from analytics import rankings
from analytics.checks.shared import Shared
festival = analytics.load_festival(sys.argv[1])
start = time.perf_counter()
rankings.rankings(Shared(festival))
print(f"{time.perf_counter() - start:.3f}")
"""


def _write(kind: list[str], folder: Path) -> Path:
    if not (folder / "scores.csv").is_file():
        subprocess.run([PYTHON, "-m", "analytics", "demo", *kind, "--out", str(folder)], check=True, cwd=ROOT,
                       capture_output=True)
    return folder


def festivals() -> dict[str, Path]:
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    return {"demo": ROOT / "data" / "demo", "diving": ROOT / "data" / "examples" / "diving",
            "federation": _write(["--scale", "federation"], BENCH_DIR / "commands-federation"),
            "conference": _write(["--scale", "conference"], BENCH_DIR / "commands-conference")}


def timed(argv: list[str]) -> dict:
    """One run of ``argv`` under /usr/bin/time -v: wall seconds, peak MiB, exit code, its last output line."""
    done = subprocess.run(["/usr/bin/time", "-v", *argv], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):(\d+(?:\.\d+)?)", done.stderr)
    hours, minutes, seconds = (float(x) if x else 0.0 for x in wall.groups())
    peak = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr).group(1)) / 1024
    lines = done.stdout.strip().splitlines()
    return {"wall_s": hours * 3600 + minutes * 60 + seconds, "peak_mib": peak, "exit": done.returncode,
            "last_line": lines[-1] if lines else ""}


def median_of(argv: list[str], repeat: int, ok_exits=(0, 1)) -> dict:
    runs = [timed(argv) for _ in range(repeat)]
    bad = [r for r in runs if r["exit"] not in ok_exits]
    if bad:
        raise SystemExit(f"bench_commands: {' '.join(argv)} exited {bad[0]['exit']}")
    return {"wall_s": statistics.median(r["wall_s"] for r in runs), "peak_mib": max(r["peak_mib"] for r in runs),
            "inner_s": statistics.median(float(r["last_line"]) for r in runs) if all(
                re.fullmatch(r"\d+\.\d+", r["last_line"]) for r in runs) else None}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--report", action="store_true", help="also time jury report data/demo (no PDF)")
    parser.add_argument("--only", default="demo,diving,federation,conference", help="festivals to check, comma-separated")
    parser.add_argument("--out", type=Path, default=BENCH_DIR / "commands.json")
    args = parser.parse_args(argv)
    jury = [PYTHON, "-m", "analytics"]
    rows: dict[str, dict] = {}
    rows["import pandas, scipy.stats"] = median_of([PYTHON, "-c", "import pandas, scipy.stats"], args.repeat)
    rows["import analytics.apps.cli"] = median_of([PYTHON, "-c", "import analytics.apps.cli"], args.repeat)
    folders = festivals()
    for name in args.only.split(","):
        rows[f"jury check {name}"] = median_of([*jury, "check", str(folders[name]), "--quiet"], args.repeat)
        if name == "federation":
            rows["federation: pandas groupby mean + leave-one-out (baseline)"] = median_of(
                [PYTHON, "-c", PANDAS_BASELINE, str(folders[name])], args.repeat)
            rows["federation: our rankings check (official rule, LOO, 1,000 bootstrap juries)"] = median_of(
                [PYTHON, "-c", RANKINGS_ONLY, str(folders[name])], args.repeat)
    if args.report:
        out = BENCH_DIR / "commands-report"
        rows["jury report demo (no PDF)"] = median_of(
            [*jury, "report", str(folders["demo"]), "--out", str(out), "--no-pdf", "--draft", "--quiet"], 1)
    bare = rows["import pandas, scipy.stats"]["wall_s"]
    print(f"{'run':<78} {'wall s':>8} {'× import':>9} {'peak MiB':>9}")
    for name, r in rows.items():
        inner = f" (work {r['inner_s']:.2f} s)" if r["inner_s"] is not None else ""
        print(f"{name + inner:<78} {r['wall_s']:>8.2f} {r['wall_s'] / bare:>9.1f} {r['peak_mib']:>9.0f}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"benchmark": "bench_commands", "date": datetime.now(timezone.utc).isoformat(),
                                    "machine": platform.platform(), "cpus": os.cpu_count(),
                                    "python": platform.python_version(), "repeat": args.repeat, "results": rows},
                                   indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
