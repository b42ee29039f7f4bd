"""Benchmark: the chair explorer's what-if updates (``analytics.apps.explorer.Explorer``).

A what-if update is what the notebook does when the chair leaves a juror out or takes that
back: ``ex.exclude_juror(juror)`` (or ``ex.undo()``), then everything the screen shows,
``ex.standings(); ex.juror_panel(); ex.agreement(); ex.gate()``. It is timed from the
exclude/undo call to the end of ``gate()``, on the lane in view (the first lane,
``generative_cinema``), scope ``weighted_total``, method ``official``.

Two festivals:

- ``demo``: ``analytics.load_festival("data/demo")``. The lane in view has 25 entries and
  9 jurors (JR01–JR09), every juror scores every entry. Updates, in this order: exclude JR06,
  JR04, JR01 (stacked: three out at once), undo three times, then exclude-and-undo each of
  JR02, JR03, JR05, JR07, JR08, JR09: 18 updates per process.
- ``scale``: a festival whose lane in view holds 1,000 entries and 40 jurors; each entry is
  scored by 8 of the 40 (a cyclic design: entry k takes the jurors at positions k + 0, 1,
  3, 7, 12, 20, 30, 37 of a shuffled panel, so the design is balanced, 200 entries per
  juror, and connected), on the 6 criteria: 8,000 (juror, entry) pairs, 48,000 scores.
  ``analytics.synthetic.demo.conference_tables`` cannot give this through its parameters (it puts
  40% of the entries and of the jurors in this lane, but its offsets 0, 1, 3, 7, 15, 31,
  63, ... repeat modulo 40 from the 8th juror and modulo 20 (the other lanes) from the
  7th, which writes duplicate scores), so the folder is built here: entries and jurors
  from ``write_conference(folder, seed, n_entries=2500, n_jurors=100, jurors_per_entry=6)``
  (the lane's 1,000 entries and 40 jurors), assignments and scores of the design above
  drawn like the generator's (entry quality N(5.8, 1.3) + criterion quality N(0, 0.4) +
  juror severity N(0, 0.35) + noise N(0, 0.6), rounded and clipped onto 1–10), and
  ``festival.toml`` copied from ``data/demo``. The other three lanes are declared but empty;
  ``--other-lanes`` keeps the generator's other lanes too (1,500 entries, 60 jurors, 6 per
  entry), for a festival-wide cost check. Written once into
  ``build/bench/explorer-1000x40-seed<N>[-lanes]/`` and reused while its manifest matches.
  Updates: exclude 5 jurors spread over the panel (stacked), undo 5 times, then
  exclude-and-undo 3 more jurors: 16 updates per process.

Each measurement runs in a fresh subprocess (``--repeat`` of them, default 3): it loads the
festival, builds ``Explorer(festival, n_boot=...)`` (timed: ``init``), computes the first
view (timed separately: it includes first-call costs such as lazy imports), then runs the
updates, each timed alone and split into the exclude/undo call and the four views (the
views share a cache: ``juror_panel`` computes the gate, ``gate`` then reads the cache).
Reported: the first view (min and median over the processes), and per update the median,
max and min over all updates of all processes (also split by exclude / undo and by call),
and the process's CPU time per update (``time.process_time``, all its threads), which
waiting for a CPU that another process holds does not inflate.

``n_boot``: the ``festival.toml`` default (``[checks] bootstrap_resamples`` = 1000) is the
one the targets apply to; each festival is also run with ``--alt-boot`` (default 200)
resamples, for information (0 skips it).

Targets (from the issue): median update under 100 ms on the demo festival and under 1 s at
1,000 entries × 40 jurors, at the default ``n_boot``. The max is reported beside it, with a
NOTE when it is over the target. The script exits with status 1 naming a missed target.

When a target is missed or close (median or max at 80% of the target or more), or with
``--profile``, one more process per festival (not timed) runs the same updates under
cProfile and prints the functions of ``analytics/`` with the largest cumulative time, in
ms per update.

The numbers are printed as a table and written to ``build/bench/explorer.json`` with the
machine facts, the date and the share of the CPUs other processes kept busy just before
the run (as in ``bench_agreement.py``) and during the timed runs (all CPU time from
``/proc/stat`` minus our subprocesses' own, ``RUSAGE_CHILDREN``); a NOTE is printed from
10%. The parent process imports only the standard library.

Run from the repository root (``make bench`` runs it after the other two)::

    .venv/bin/python benchmarks/bench_explorer.py [--repeat 3] [--alt-boot 200] [--profile] [--other-lanes]
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

# stdlib-only, like this script
from bench_agreement import BUSY_NOTE_PERCENT, cpu_busy_percent
from bench_load import BENCH_DIR, MIB, ROOT, cached_folder, write_results

DEMO_FOLDER = ROOT / "data" / "demo"
LANE = "generative_cinema"
CRITERIA = ("conducting", "cohesion", "ethics", "risk", "orchestration", "failure_logs")
SCALE_ENTRIES, SCALE_JURORS = 1000, 40
OFFSETS = (0, 1, 3, 7, 12, 20, 30, 37)  # distinct modulo 40: 8 jurors per entry, connected through offset 1
FILES = ("festival.toml", "entries.csv", "jurors.csv", "assignments.csv", "scores.csv")
MANIFEST = ".bench-manifest.json"  # written last: its presence means the folder is complete
CLOSE_SHARE = 0.8  # a median at this share of its target or more counts as close: profiled
PARTS = ("change", "standings", "juror_panel", "agreement", "gate")
DEMO_STACK = ("JR06", "JR04", "JR01")
DEMO_SINGLES = ("JR02", "JR03", "JR05", "JR07", "JR08", "JR09")
SCALE_STACK, SCALE_SINGLES = 5, 3


# ---------------------------------------------------------------- machine state

def cpu_sample() -> tuple[float, float, float] | None:
    """(busy CPU-seconds of all processes, elapsed CPU-seconds of all CPUs, CPU-seconds of
    this process's finished children), from /proc/stat and getrusage."""
    try:
        fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    except (OSError, ValueError, IndexError):
        return None
    tick = os.sysconf("SC_CLK_TCK")
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (sum(fields[:8]) - fields[3] - fields[4]) / tick, sum(fields[:8]) / tick, children.ru_utime + children.ru_stime


def others_busy_percent(before, after) -> float | None:
    """Share of all CPUs that processes other than ours kept busy between two samples."""
    if before is None or after is None or after[1] <= before[1]:
        return None
    others = (after[0] - before[0]) - (after[2] - before[2])
    return round(max(0.0, 100.0 * others / (after[1] - before[1])), 1)


# ---------------------------------------------------------------- the measured subprocess

def plan(kind: str, jurors: list[str]) -> list[str | None]:
    """The updates: a juror id to exclude, or None for an undo."""
    if kind == "demo":
        stack, singles = list(DEMO_STACK), list(DEMO_SINGLES)
    else:  # jurors spread over the (sorted) panel
        step = len(jurors) // (SCALE_STACK + SCALE_SINGLES)
        picks = jurors[::step][:SCALE_STACK + SCALE_SINGLES]
        stack, singles = picks[:SCALE_STACK], picks[SCALE_STACK:]
    updates: list[str | None] = [*stack, *([None] * len(stack))]
    for juror in singles:
        updates += [juror, None]
    return updates


def view(ex) -> dict:
    """What the screen shows after a what-if, each call timed (seconds)."""
    parts = {}
    for name in PARTS[1:]:
        start = time.perf_counter()
        getattr(ex, name)()
        parts[name] = time.perf_counter() - start
    return parts


def child(args: argparse.Namespace) -> dict:
    """Run one measurement in this (fresh) process and return its numbers."""
    import numpy as np
    import pandas as pd

    import analytics
    result = {"pandas": pd.__version__, "numpy": np.__version__}
    if args.child == "generate":
        generate(args.folder, args.seed, args.other_lanes)
        return result
    if args.child == "versions":
        import scipy
        result["scipy"] = scipy.__version__
        try:
            blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
            result["blas"] = f"{blas.get('name')} {blas.get('version')}"
        except Exception:  # noqa: BLE001 - informational only
            result["blas"] = "unknown"
        return result

    from analytics.apps.explorer import Explorer
    start = time.perf_counter()
    festival = analytics.load_festival(args.folder)
    result["load_s"] = time.perf_counter() - start
    start = time.perf_counter()
    ex = Explorer(festival, n_boot=args.n_boot)
    result["init_s"] = time.perf_counter() - start
    ex.set_view(lane=LANE)
    s = festival.scores
    lane_scores = s[s["lane"] == LANE]
    result.update(lane=LANE, n_boot=ex.n_boot, festival_entries=len(festival.entries),
                  festival_jurors=len(festival.jurors), festival_scores=len(s),
                  lane_entries=int(lane_scores["entry_id"].nunique()),
                  lane_jurors=int(lane_scores["juror_id"].nunique()), lane_scores=len(lane_scores),
                  lane_pairs=int(len(lane_scores[["juror_id", "entry_id"]].drop_duplicates())))
    start = time.perf_counter()
    parts = view(ex)
    result["first_view_s"] = time.perf_counter() - start
    result["first_view_parts"] = parts
    jurors = ex.jurors()
    updates = plan(args.kind, jurors)

    def apply(juror):
        if juror is None:
            ex.undo()
        else:
            ex.exclude_juror(juror)

    if args.child == "profile":
        import cProfile
        import pstats
        profiler = cProfile.Profile()
        wall = 0.0
        for juror in updates:
            start = time.perf_counter()
            profiler.enable()
            apply(juror)
            view(ex)
            profiler.disable()
            wall += time.perf_counter() - start
        stats = pstats.Stats(profiler).stats  # (file, line, name) -> (cc, nc, tottime, cumtime, callers)
        per = 1000.0 / len(updates)
        rows = []
        for (file, line, name), (_, ncalls, tottime, cumtime, _) in stats.items():
            norm = file.replace(os.sep, "/")
            if "/analytics/" in norm and "/.venv/" not in norm:
                rows.append({"function": f"{norm.split('/analytics/', 1)[1]}:{line}({name})",
                             "calls_per_update": round(ncalls / len(updates), 2),
                             "cum_ms_per_update": round(cumtime * per, 1), "own_ms_per_update": round(tottime * per, 1)})
        rows.sort(key=lambda r: -r["cum_ms_per_update"])
        own = sorted(({"function": f"{Path(f).name}:{ln}({n})", "own_ms_per_update": round(v[2] * per, 1),
                       "calls_per_update": round(v[1] / len(updates), 1)} for (f, ln, n), v in stats.items()),
                     key=lambda r: -r["own_ms_per_update"])
        result["profile"] = {"updates": len(updates), "profiled_ms_per_update": round(wall * per, 1),
                             "analytics_by_cumulative": rows[:args.profile_rows],
                             "all_by_own_time": own[:args.profile_rows]}
        return result

    runs = []
    for juror in updates:
        cpu = time.process_time()
        start = time.perf_counter()
        apply(juror)
        change = time.perf_counter() - start
        parts = view(ex)
        seconds = time.perf_counter() - start
        cpu = time.process_time() - cpu
        panel = ex.juror_panel()  # cached parts of it only; not timed: checks that the what-if took effect
        runs.append({"action": f"exclude {juror}" if juror else "undo", "s": seconds, "cpu_s": cpu,
                     "parts": {"change": change, **parts}, "jurors_counting": len(panel),
                     "excluded": len(ex.exclusions)})
    expected = len(jurors)
    for run in runs:  # the panel must list exactly the jurors who still count
        if run["jurors_counting"] != expected - run["excluded"]:
            raise RuntimeError(f"after {run['action']}: {run['jurors_counting']} jurors in the panel, "
                               f"expected {expected - run['excluded']}")
    result["updates"] = runs
    result["peak_rss_kib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return result


def generate(folder: Path, seed: int, other_lanes: bool) -> None:
    """Write the scale festival (see the module docstring) into ``folder``."""
    import numpy as np
    import pandas as pd

    from analytics.synthetic.demo import write_conference
    write_conference(folder, seed, n_entries=2500, n_jurors=100, jurors_per_entry=6)
    read = {name: pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False)
            for name in ("entries", "jurors", "assignments", "scores")}
    entries, jurors = read["entries"], read["jurors"]
    lane_entries = entries.loc[entries["category"] == LANE, "entry_id"].to_numpy()
    panel = jurors.loc[jurors["panel"] == LANE, "juror_id"].to_numpy()
    if (len(lane_entries), len(panel)) != (SCALE_ENTRIES, SCALE_JURORS):
        raise RuntimeError(f"write_conference put {len(lane_entries)} entries and {len(panel)} jurors in {LANE}, "
                           f"expected {SCALE_ENTRIES} and {SCALE_JURORS}")
    rng = np.random.default_rng(seed)
    order, members = rng.permutation(lane_entries), rng.permutation(panel)
    slots = (np.arange(len(order))[:, None] + np.array(OFFSETS)) % len(members)
    pair_juror, pair_entry = members[slots].ravel(), np.repeat(order, len(OFFSETS))
    quality = dict(zip(order, rng.normal(5.8, 1.3, len(order))))
    criterion_quality = dict(zip(order, rng.normal(0.0, 0.4, (len(order), len(CRITERIA)))))
    severity = dict(zip(members, rng.normal(0.0, 0.35, len(members))))
    latent = (np.array([quality[e] for e in pair_entry])[:, None] + np.stack([criterion_quality[e] for e in pair_entry])
              + np.array([severity[j] for j in pair_juror])[:, None] + rng.normal(0.0, 0.6, (len(pair_entry), len(CRITERIA))))
    assignments = pd.DataFrame({"juror_id": pair_juror, "entry_id": pair_entry})
    scores = pd.DataFrame({"entry_id": np.repeat(pair_entry, len(CRITERIA)), "juror_id": np.repeat(pair_juror, len(CRITERIA)),
                           "criterion": np.tile(CRITERIA, len(pair_entry)),
                           "score": np.clip(np.rint(latent), 1, 10).astype(np.int64).ravel().astype(str)})
    if other_lanes:
        rest = ~read["assignments"]["entry_id"].isin(lane_entries)
        assignments = pd.concat([assignments, read["assignments"][rest]], ignore_index=True)
        scores = pd.concat([scores, read["scores"][~read["scores"]["entry_id"].isin(lane_entries)]], ignore_index=True)
    else:
        entries, jurors = entries[entries["category"] == LANE], jurors[jurors["panel"] == LANE]
    shutil.copyfile(DEMO_FOLDER / "festival.toml", folder / "festival.toml")
    for name, frame in (("entries", entries), ("jurors", jurors), ("assignments", assignments), ("scores", scores)):
        (folder / f"{name}.csv").write_text(frame.to_csv(index=False, lineterminator="\n"), encoding="utf-8", newline="\n")
    (folder / "README.md").write_text(
        "# Explorer benchmark festival: SYNTHETIC DATA\n\nWritten by `benchmarks/bench_explorer.py` with seed "
        f"{seed}: {LANE} holds {SCALE_ENTRIES} entries and {SCALE_JURORS} jurors, {len(OFFSETS)} jurors per entry.\n",
        encoding="utf-8")


def run_child(mode: str, args: argparse.Namespace, *, kind: str = "scale", folder: Path | None = None,
              n_boot: int | None = None) -> dict:
    command = [sys.executable, str(Path(__file__).resolve()), "--child", mode, "--kind", kind,
               "--folder", str(folder or args.folder), "--seed", str(args.seed),
               "--profile-rows", str(args.profile_rows)]
    if n_boot is not None:
        command += ["--n-boot", str(n_boot)]
    if args.other_lanes:
        command.append("--other-lanes")
    label = f"{mode} {kind}" + (f" n_boot={n_boot or 'default'}" if mode in ("run", "profile") else "")
    print(f"  {label} ...", end="", flush=True, file=sys.stderr)
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    print(f" {time.perf_counter() - start:.1f} s", file=sys.stderr)
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"bench_explorer: the '{mode} {kind}' subprocess failed (exit {done.returncode})")
    return json.loads(done.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------- the festival folder

def ensure_folder(args: argparse.Namespace) -> tuple[Path, float | None]:
    """The scale folder (see ``bench_load.cached_folder``)."""
    folder = BENCH_DIR / f"explorer-{SCALE_ENTRIES}x{SCALE_JURORS}-seed{args.seed}{'-lanes' * args.other_lanes}"
    design = {"seed": args.seed, "entries": SCALE_ENTRIES, "jurors": SCALE_JURORS, "offsets": list(OFFSETS),
              "other_lanes": args.other_lanes}
    return cached_folder(folder, design, lambda path: run_child("generate", args, folder=path))


# ---------------------------------------------------------------- report

def ms(values: list[float]) -> dict:
    values = [v * 1000 for v in values]
    return {"n": len(values), "min_ms": round(min(values), 1), "median_ms": round(statistics.median(values), 1),
            "max_ms": round(max(values), 1)}


def summarise(runs: list[dict]) -> dict:
    updates = [u for r in runs for u in r["updates"]]
    first = runs[0]
    return {
        "n_boot": first["n_boot"], "processes": len(runs),
        "data": {k: first[k] for k in ("lane", "lane_entries", "lane_jurors", "lane_pairs", "lane_scores",
                                       "festival_entries", "festival_jurors", "festival_scores")},
        "load_s": [round(r["load_s"], 3) for r in runs],
        "init": ms([r["init_s"] for r in runs]),
        "first_view": ms([r["first_view_s"] for r in runs]),
        "first_view_parts_median_ms": {p: round(statistics.median(r["first_view_parts"][p] for r in runs) * 1000, 1)
                                       for p in PARTS[1:]},
        "update": ms([u["s"] for u in updates]),
        "exclude": ms([u["s"] for u in updates if u["action"] != "undo"]),
        "undo": ms([u["s"] for u in updates if u["action"] == "undo"]),
        "update_cpu": ms([u["cpu_s"] for u in updates]),
        "parts_median_ms": {p: round(statistics.median(u["parts"][p] for u in updates) * 1000, 1) for p in PARTS},
        "sequence": [u["action"] for u in first["updates"]],
        "runs_ms": [[round(u["s"] * 1000, 1) for u in r["updates"]] for r in runs],
        "peak_rss_mib": round(max(r["peak_rss_kib"] for r in runs) / MIB, 1),
    }


def table(res: dict) -> str:
    m = res["machine"]
    lines = [f"{m['nproc']} CPUs, Python {m['python']}, numpy {m['numpy']} ({m['blas']}), pandas {m['pandas']}, "
             f"scipy {m['scipy']}; {res['repeat']} fresh processes per row", ""]
    for kind, label in (("demo", "demo"), ("scale", "scale")):
        d = res["festivals"][kind]["default"]["data"]
        lines.append(f"{label}: {d['lane']} {d['lane_entries']:,} entries x {d['lane_jurors']} jurors, "
                     f"{d['lane_pairs']:,} juror-entry pairs, {d['lane_scores']:,} scores (festival: "
                     f"{d['festival_entries']:,} entries, {d['festival_jurors']} jurors, {d['festival_scores']:,} scores)")
    lines += ["", f"{'festival':<8}{'n_boot':>7}{'first view ms':>15}{'updates':>9}{'median ms':>11}{'max ms':>9}"
                  f"{'min ms':>9}{'excl med':>10}{'undo med':>10}{'CPU med':>9}{'CPU max':>9}{'target ms':>11}  met"]
    for kind in ("demo", "scale"):
        for which, row in res["festivals"][kind].items():
            target = res["targets"][kind]["target_ms"] if which == "default" else None
            met = ("yes" if row["update"]["median_ms"] <= target else "NO") if target else "(info)"
            lines.append(f"{kind:<8}{row['n_boot']:>7}{row['first_view']['median_ms']:>15.0f}{row['update']['n']:>9}"
                         f"{row['update']['median_ms']:>11.1f}{row['update']['max_ms']:>9.1f}{row['update']['min_ms']:>9.1f}"
                         f"{row['exclude']['median_ms']:>10.1f}{row['undo']['median_ms']:>10.1f}"
                         f"{row['update_cpu']['median_ms']:>9.1f}{row['update_cpu']['max_ms']:>9.1f}"
                         f"{target if target else '':>11}  {met}")
    lines += ["(all ms per update, wall clock; CPU = this process's CPU time, all its threads: not inflated by "
              "waiting for a busy CPU)",
              "", "median ms per call within an update (change = exclude_juror/undo; juror_panel also computes the gate):",
              f"{'festival':<8}{'n_boot':>7}" + "".join(f"{p:>13}" for p in PARTS)]
    for kind in ("demo", "scale"):
        for row in res["festivals"][kind].values():
            lines.append(f"{kind:<8}{row['n_boot']:>7}" + "".join(f"{row['parts_median_ms'][p]:>13.1f}" for p in PARTS))
    lines += ["", "first view (fresh process, median ms per call): " + "; ".join(
        f"{kind} n_boot={row['n_boot']}: " + ", ".join(f"{p} {v:.0f}" for p, v in row["first_view_parts_median_ms"].items())
        for kind in ("demo", "scale") for row in res["festivals"][kind].values())]
    return "\n".join(lines)


def profile_text(kind: str, prof: dict, timed_median_ms: float) -> str:
    lines = [f"--- {kind}: cProfile over {prof['updates']} updates; under the profiler an update took "
             f"{prof['profiled_ms_per_update']:.0f} ms (timed median {timed_median_ms:.0f} ms): read the shares",
             "  analytics/ by cumulative time, ms per update:",
             f"{'cum ms':>8}{'own ms':>8}{'calls':>8}  function"]
    lines += [f"{r['cum_ms_per_update']:>8.1f}{r['own_ms_per_update']:>8.1f}{r['calls_per_update']:>8g}  {r['function']}"
              for r in prof["analytics_by_cumulative"]]
    lines += ["  all functions by own time, ms per update:"]
    lines += [f"{r['own_ms_per_update']:>8.1f}{'':>8}{r['calls_per_update']:>8g}  {r['function']}"
              for r in prof["all_by_own_time"][:10]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2026, help="seed of the scale festival (default 2026)")
    parser.add_argument("--repeat", type=int, default=3, help="fresh processes per festival and n_boot (default 3)")
    parser.add_argument("--alt-boot", type=int, default=200, help="also run with this n_boot, for information (0: skip)")
    parser.add_argument("--other-lanes", action="store_true", help="scale festival keeps the generator's other 3 lanes")
    parser.add_argument("--max-demo-ms", type=float, default=100.0, help="demo median update target (default 100 ms)")
    parser.add_argument("--max-scale-ms", type=float, default=1000.0, help="scale median update target (default 1000 ms)")
    parser.add_argument("--profile", action="store_true", help="always profile (otherwise only when missed or close)")
    parser.add_argument("--profile-rows", type=int, default=15, help="functions listed per profile (default 15)")
    parser.add_argument("--out", type=Path, default=BENCH_DIR / "explorer.json", help="JSON output")
    parser.add_argument("--child", choices=("generate", "versions", "run", "profile"), help=argparse.SUPPRESS)
    parser.add_argument("--kind", choices=("demo", "scale"), default="scale", help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--n-boot", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args)))
        return 0
    if args.repeat < 1 or args.alt_boot < 0:
        parser.error("--repeat must be at least 1 and --alt-boot at least 0")
    busy_before = cpu_busy_percent()

    folder, generate_s = ensure_folder(args)
    args.folder = folder
    print(f"{'wrote' if generate_s is not None else 'reusing'} {folder.relative_to(ROOT)}"
          + (f" in {generate_s:.1f} s" if generate_s is not None else ""), flush=True)
    print("running (one fresh process each):", file=sys.stderr)
    versions = run_child("versions", args)
    sample_start = cpu_sample()
    folders = {"demo": DEMO_FOLDER, "scale": folder}
    targets = {"demo": args.max_demo_ms, "scale": args.max_scale_ms}
    boots = {"default": None, **({f"n_boot={args.alt_boot}": args.alt_boot} if args.alt_boot else {})}
    festivals = {kind: {which: summarise([run_child("run", args, kind=kind, folder=folders[kind], n_boot=n_boot)
                                          for _ in range(args.repeat)])
                        for which, n_boot in boots.items()}
                 for kind in folders}

    busy_during = others_busy_percent(sample_start, cpu_sample())
    missed, notes, profiles = [], [], {}
    target_info = {}
    for kind, target in targets.items():
        row = festivals[kind]["default"]
        median, worst = row["update"]["median_ms"], row["update"]["max_ms"]
        close = max(median, worst) >= CLOSE_SHARE * target
        target_info[kind] = {"target_ms": target, "median_ms": median, "max_ms": worst, "met": median <= target,
                             "close": close}
        if median > target:
            missed.append(f"{kind}: median update {median:.1f} ms exceeds the target {target:g} ms "
                          f"(n_boot={row['n_boot']})")
        if worst > target:
            notes.append(f"{kind}: the slowest update took {worst:.1f} ms, over the {target:g} ms target")
        if args.profile or close:
            profiles[kind] = run_child("profile", args, kind=kind, folder=folders[kind])["profile"]

    results = {
        "benchmark": "bench_explorer",
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": {"nproc": len(os.sched_getaffinity(0)), "cpu_count": os.cpu_count(),
                    "platform": platform.platform(), "python": platform.python_version(),
                    **{k: versions[k] for k in ("numpy", "pandas", "scipy", "blas")}},
        "cpu_busy_percent_before": busy_before, "cpu_busy_others_percent_during": busy_during,
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        "scale_folder": str(folder.relative_to(ROOT)), "seed": args.seed, "generate_s": generate_s,
        "other_lanes": args.other_lanes, "repeat": args.repeat,
        "festivals": festivals, "profiles": profiles,
        "targets": {**target_info, "applies_to": "median update at the festival.toml n_boot", "missed": missed,
                    "ok": not missed},
    }
    print(table(results))
    for message in notes:
        print(f"NOTE: {message}")
    for when, busy in (("just before the run", busy_before), ("during the timed runs", busy_during)):
        if busy is not None and busy >= BUSY_NOTE_PERCENT:
            print(f"NOTE: other processes kept {busy:.0f}% of the CPUs busy {when}: the timings (the max above "
                  "all) may be inflated; rerun on a quiet machine")
    print(f"CPU busy with other processes: {busy_before}% before, {busy_during}% during the timed runs")
    for kind, prof in profiles.items():
        print("\n" + profile_text(kind, prof, festivals[kind]["default"]["update"]["median_ms"]))
    write_results(args.out, results, missed)
    if not missed:
        print("targets met: " + ", ".join(f"{kind} median update {t['median_ms']:.1f} ms <= {t['target_ms']:g} ms"
                                         for kind, t in target_info.items()))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
