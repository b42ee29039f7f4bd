"""Benchmark: the affiliation screen (analytics.checks.affiliation) at conference scale.

The festival is ``jury demo --scale conference`` (20,000 entries, 5,000 jurors, 480,000
scores) with a ``country`` column added to ``jurors.csv`` and ``entries.csv`` (30 countries,
drawn with seed 1) and ``[jury] affiliations = ["country"]``: written once into
``build/bench/affiliation-conference/`` and reused. Each measurement is a fresh process:
load, the weighted totals (shared with the other checks, timed apart), then the screen
(``affiliation_table`` and its flags: deviations, preferences, 1,000 permutations per juror
and the refinement of small p-values). ``--repeat`` runs (default 3) give the median.

Target (issue 15): the screen on 480,000 scores in at most 5 s. Exit status 1 names a missed
target. Output: ``build/bench/affiliation.json``.

Run from the repository root (``make bench`` does)::

    .venv/bin/python benchmarks/bench_affiliation.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "build" / "bench"
FOLDER = BENCH_DIR / "affiliation-conference"
TARGET_S = 5.0

WRITE = r"""
import sys
from pathlib import Path
import numpy as np, pandas as pd
from analytics.synthetic.demo import write_conference
folder = Path(sys.argv[1])
write_conference(folder, 2026)
rng = np.random.default_rng(1)
countries = [f"C{i:02d}" for i in range(30)]
for name in ("jurors.csv", "entries.csv"):
    table = pd.read_csv(folder / name, dtype=str, keep_default_na=False)
    table["country"] = rng.choice(countries, len(table))
    table.to_csv(folder / name, index=False)
toml = (folder / "festival.toml").read_text(encoding="utf-8")
toml = (toml.replace("[jury]\n", '[jury]\naffiliations = ["country"]\n', 1) if "[jury]\n" in toml
        else toml + '\n[jury]\naffiliations = ["country"]\n')
(folder / "festival.toml").write_text(toml, encoding="utf-8")
(folder / ".bench-complete").write_text("ok")
"""

CHILD = r"""
import json, resource, sys, time
import analytics
from analytics import affiliation
from analytics.checks.shared import Shared
festival = analytics.load_festival(sys.argv[1])
shared = Shared(festival)
start = time.perf_counter()
shared.totals
totals = time.perf_counter() - start
start = time.perf_counter()
table = affiliation.table(shared)
flags = affiliation.flags(shared, table)
screen = time.perf_counter() - start
print(json.dumps({"scores": len(festival.scores), "totals_s": totals, "screen_s": screen, "rows": len(table),
                  "flags": len(flags), "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    python = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").exists() else sys.executable
    if not (FOLDER / ".bench-complete").exists():
        print(f"  writing {FOLDER} ...", flush=True)
        subprocess.run([python, "-c", WRITE, str(FOLDER)], check=True, cwd=ROOT)
    runs = []
    for i in range(args.repeat):
        out = subprocess.run([python, "-c", CHILD, str(FOLDER)], check=True, cwd=ROOT, capture_output=True, text=True)
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
        print(f"  run {i + 1}: screen {runs[-1]['screen_s']:.2f} s", flush=True)
    median = statistics.median(r["screen_s"] for r in runs)
    result = {"benchmark": "bench_affiliation", "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
              "machine": {"platform": platform.platform(), "python": platform.python_version()},
              "folder": str(FOLDER.relative_to(ROOT)), "runs": runs, "screen_median_s": median, "target_s": TARGET_S}
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    (BENCH_DIR / "affiliation.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    r = runs[0]
    print(f"affiliation screen on {r['scores']:,} scores: median {median:.2f} s over {len(runs)} runs "
          f"(weighted totals {r['totals_s']:.2f} s apart; {r['rows']:,} rows, {r['flags']} flags; peak {r['peak_mib']:.0f} MiB)")
    print(f"wrote {(BENCH_DIR / 'affiliation.json').relative_to(ROOT)}")
    if median > TARGET_S:
        print(f"TARGET MISSED: the screen took {median:.2f} s, over {TARGET_S:g} s")
        return 1
    print(f"target met: {median:.2f} s <= {TARGET_S:g} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
