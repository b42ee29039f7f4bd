"""Benchmark: the official rules and rounds under `jury check` (analytics.rules.official, analytics.rules.rounds).

Festivals, each written once into ``build/bench/`` and reused:

- ``rounds``: the three-round piano competition of ``data/examples/rounds`` (clip to the
  mean, two decimals, carry-over weights);
- ``federation``: ``jury demo --scale federation`` (136 panels of 9 judges, 1,632 entries,
  five components, 73,440 marks; ``jurors_first``, ``drop_extremes`` 1/1, per-event factors,
  two decimals);
- ``federation-mean``: the same marks under the plain mean rule (``criteria_first``, mean,
  full precision): the figure the other rule is compared with.

Each measurement runs in a fresh process: the load, every check of the registry (the same
work as ``jury check``), the rankings check alone (where the rule is applied: the official
result, each juror left out, the bootstrap over jurors) and the process's peak memory.
``--repeat`` runs (default 3) give the median. The numbers are printed and written to
``build/bench/rules.json``.

Run from the repository root (``make bench`` does)::

    .venv/bin/python benchmarks/bench_rules.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import platform
import re
import shutil
import statistics
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "build" / "bench"
MEAN_RULE = '[aggregation]\norder = "criteria_first"\ncriteria = "weighted_sum"\njurors = "mean"\n'

CHILD = r"""
import json, resource, sys, time
start = time.perf_counter()
import analytics
from analytics.checks.registry import REGISTRY
from analytics.checks.shared import Shared
imported = time.perf_counter() - start
start = time.perf_counter()
festival = analytics.load_festival(sys.argv[1])
load = time.perf_counter() - start
shared = Shared(festival)
times = {}
for check in REGISTRY:
    if check.configured(festival.config):
        start = time.perf_counter()
        check.flags(shared, check.table(shared))
        times[check.name] = time.perf_counter() - start
print(json.dumps({"import_s": imported, "load_s": load, "checks_s": sum(times.values()), "rankings_s": times["rankings"],
                  "by_check_s": times, "scores": len(festival.scores),
                  "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def folders() -> dict[str, Path]:
    """The three festivals, written when missing."""
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    rounds = BENCH_DIR / "rules-rounds"
    if not (rounds / "festival.toml").is_file():
        shutil.copytree(ROOT / "data" / "examples" / "rounds", rounds, dirs_exist_ok=True)
    federation = BENCH_DIR / "rules-federation"
    if not (federation / "scores.csv").is_file():
        subprocess.run([sys.executable, "-m", "analytics", "demo", "--scale", "federation", "--out", str(federation)],
                       check=True, cwd=ROOT, capture_output=True)
    mean = BENCH_DIR / "rules-federation-mean"
    if not (mean / "scores.csv").is_file():
        shutil.copytree(federation, mean, dirs_exist_ok=True)
        text = (federation / "festival.toml").read_text(encoding="utf-8")
        text = re.sub(r"\[aggregation\].*?(?=\n\[checks\])", MEAN_RULE, text, flags=re.S)
        (mean / "festival.toml").write_text(text, encoding="utf-8")
    return {"rounds": rounds, "federation": federation, "federation-mean": mean}


def measure(folder: Path) -> dict:
    done = subprocess.run([sys.executable, "-c", CHILD, str(folder)], capture_output=True, text=True, cwd=ROOT)
    if done.returncode:
        raise SystemExit(f"bench_rules: measuring {folder.name} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=BENCH_DIR / "rules.json")
    args = parser.parse_args(argv)
    results = {}
    for name, folder in folders().items():
        runs = [measure(folder) for _ in range(args.repeat)]
        results[name] = {key: statistics.median(run[key] for run in runs)
                         for key in ("import_s", "load_s", "checks_s", "rankings_s", "peak_mib")}
        results[name]["scores"] = runs[0]["scores"]
        results[name]["by_check_s"] = {k: statistics.median(run["by_check_s"][k] for run in runs)
                                       for k in runs[0]["by_check_s"]}
    print(f"{'festival':<17} {'scores':>7} {'load s':>7} {'checks s':>9} {'rankings s':>11} {'peak MiB':>9}")
    for name, r in results.items():
        print(f"{name:<17} {r['scores']:>7} {r['load_s']:>7.2f} {r['checks_s']:>9.2f} {r['rankings_s']:>11.2f} "
              f"{r['peak_mib']:>9.0f}")
    rule, mean = results["federation"], results["federation-mean"]
    verdict = []
    for key in ("checks_s", "rankings_s"):
        ratio = rule[key] / mean[key]
        verdict.append(f"federation {key[:-2]}: drop_extremes/jurors_first {rule[key]:.2f} s, mean {mean[key]:.2f} s "
                       f"(ratio {ratio:.2f})")
    print("\n".join(verdict))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"benchmark": "bench_rules", "date": datetime.now(timezone.utc).isoformat(),
                                    "machine": platform.platform(), "python": platform.python_version(),
                                    "repeat": args.repeat, "results": results}, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
