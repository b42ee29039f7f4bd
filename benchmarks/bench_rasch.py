"""Benchmark: the many-facet Rasch model at conference scale, beside the additive model on the same data.

The data: the conference folder that ``bench_load.py`` writes (``analytics.synthetic.demo.write_conference``
into ``build/bench/conference-seed<N>/``, reused while its manifest matches): 20,000 entries, 5,000 jurors,
4 lanes, 6 criteria, each entry scored by 4 of its lane's jurors on 1–10, 480,000 scores. Every measurement
runs in a fresh subprocess (clean imports, clean memory), which imports the modules it calls (so no import is
timed), loads the festival (``analytics.load_festival``), takes the resident size after the load as its
baseline, and times one call on the whole of ``festival.scores`` (every lane at once):

- ``jmle``: ``fit_rasch(scores, [Facet("entry_id", "positive", centered=False), Facet("juror_id"),
  Facet("criterion")])``, JMLE as FACETS estimates it (:mod:`analytics.stats.rasch`); its iterations,
  whether it converged and its largest score residual are recorded.
- ``mml``: ``fit_rasch_mml(scores, [Facet("juror_id"), Facet("criterion")], person="entry_id")``, MML as
  TAM's ``tam.mml.mfr`` estimates it (:mod:`analytics.stats.rasch_mml`; ``constraint="items"``, 21 nodes).
  Reported only, no target (``--skip-mml`` leaves it out).
- ``severity``: the additive model as the workbench runs it, the ``juror_severity`` check's table
  (``analytics.checks.registry.family("juror_severity").table(festival)``): per lane, each criterion and the
  weighted total (the totals computed first), the fit, and the jurors' standard errors where the panel is
  small enough for them.
- ``additive``: the floor, ``analytics.stats.additive.fit_additive`` on each lane × criterion (entries and
  jurors coded by ``pd.factorize``), the split and coding included; the fits' own seconds are in the JSON.
- ``baseline``: load only; its process peak is what the others' process peaks are compared with.

Memory, per measurement: the process peak (``ru_maxrss``) and its increment over the baseline process; and
the in-process increment: after the load the kernel's high-water mark is reset (``/proc/self/clear_refs``)
and the peak during the measured call is compared with the resident size just before it, that is above the
loaded festival. The memory target applies to the larger of the two increments.

Timings: min and median over ``--repeat`` processes (default 3); the CPU seconds of the call
(``time.process_time``, all threads) beside them; peak memory is the maximum over the repeats. Results are
printed as a table and written to ``build/bench/rasch.json`` with the machine facts, the date and the share of
the CPUs other processes kept busy just before the run (sampled for 2 s from ``/proc/stat``) and during the
timed runs (all CPU time from ``/proc/stat`` minus this script's subprocesses' own, as ``bench_explorer.py``
measures it; also per measurement); a note is printed when either reaches 10%.

Targets (issue 23: "JMLE on the conference preset in ≤ 10 s and ≤ 1 GB above the loaded festival"): the JMLE
fit's median wall time at most ``--max-jmle-s`` (10 s), its memory increment at most ``--max-mem-mib``
(1024 MiB), and the fit converged. The script exits with status 1, naming each miss.

Run from the repository root (``make bench`` runs it last)::

    .venv/bin/python benchmarks/bench_rasch.py [--seed 2026] [--repeat 3] [--skip-mml] [--profile]

``--profile`` adds one cProfile run of the JMLE fit (not timed) and prints the functions with the largest
own time.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

# stdlib-only, like this script: the folder is generated/reused as bench_load.py does it, and the CPU-busy
# sample is bench_agreement.py's (bench_explorer.py imports it the same way)
from bench_agreement import (
    BUSY_NOTE_PERCENT,
    cpu_busy_percent,
    fmt,
    peak_since,
    process_peak_kib,
    reset_peak,
)
from bench_agreement import summary as agreement_summary
from bench_explorer import cpu_sample, others_busy_percent
from bench_load import (
    BENCH_DIR,
    MIB,
    ROOT,
    ensure_folder,
    peak_mib,
    timing,
    write_results,
)

MODES = ("jmle", "mml", "severity", "additive")
LABELS = {
    "jmle": "Rasch JMLE, entry + juror + criterion",
    "mml": "Rasch MML (TAM), juror + criterion",
    "severity": "additive: juror_severity table",
    "additive": "additive floor: fit_additive per lane×crit.",
}


def additive_floor(scores) -> dict:
    """``fit_additive`` on each lane × criterion of ``scores``; the seconds of the fits alone and the count."""
    import numpy as np
    import pandas as pd

    from analytics.stats.additive import fit_additive
    fit_s, fits, parts = 0.0, 0, 0
    for _, part in scores.groupby(["lane", "criterion"], sort=False, observed=True):
        unit, units = pd.factorize(part["entry_id"])
        rater, raters = pd.factorize(part["juror_id"])
        y = part["score"].to_numpy(dtype=float)
        start = time.perf_counter()
        fit = fit_additive(unit, rater, y, len(units), len(raters))
        fit_s += time.perf_counter() - start
        fits += 1
        parts += fit.n_components
        assert np.isfinite(fit.b).all()
    return {"fits": fits, "fit_only_s": fit_s, "components": parts}


def child(mode: str, args: argparse.Namespace) -> dict:
    """Run one measurement in this (fresh) process and return its numbers."""
    start = time.perf_counter()
    import numpy as np
    import pandas as pd
    import scipy

    import analytics
    from analytics.checks.registry import family
    from analytics.stats.rasch import Facet, fit_rasch
    from analytics.stats.rasch_mml import fit_rasch_mml
    result = {"mode": mode, "import_s": time.perf_counter() - start,
              "numpy": np.__version__, "pandas": pd.__version__, "scipy": scipy.__version__}
    start = time.perf_counter()
    festival = analytics.load_festival(args.folder)
    result["load_s"] = time.perf_counter() - start
    scores = festival.scores
    result["data"] = {"ratings": len(scores), "entries": int(scores["entry_id"].nunique()),
                      "jurors": int(scores["juror_id"].nunique()), "criteria": int(scores["criterion"].nunique()),
                      "lanes": int(scores["lane"].nunique()),
                      "categories": sorted(float(v) for v in scores["score"].dropna().unique())}
    facets = [Facet("entry_id", "positive", centered=False), Facet("juror_id"), Facet("criterion")]
    timed = None
    if mode == "baseline":
        pass
    elif mode == "jmle":
        timed = lambda: fit_rasch(scores, facets)
    elif mode == "mml":
        timed = lambda: fit_rasch_mml(scores, [Facet("juror_id"), Facet("criterion")], person="entry_id")
    elif mode == "severity":
        check = family("juror_severity")
        timed = lambda: check.table(festival)
    elif mode == "additive":
        timed = lambda: additive_floor(scores)
    elif mode == "profile":
        import cProfile
        import io
        import pstats
        profiler = cProfile.Profile()
        profiler.runcall(fit_rasch, scores, facets)
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats("tottime").print_stats(12)
        result["profile"] = text.getvalue()
    else:
        raise ValueError(f"unknown mode {mode!r}")

    rss = reset_peak()  # the loaded festival: what the increments are measured above
    result["loaded_rss_mib"] = None if rss is None else round(rss / MIB, 1)
    if timed is not None:
        cpu, start = time.process_time(), time.perf_counter()
        out = timed()
        result["seconds"] = time.perf_counter() - start
        result["cpu_s"] = time.process_time() - cpu
        result["increment_mib"] = peak_since(rss)
        if mode == "jmle":
            result.update(iterations=int(out.iterations), converged=bool(out.converged),
                          largest_residual=float(out.largest_residual),
                          elements={c: len(t) for c, t in out.measures.items()},
                          extreme={c: int(t["extreme"].sum()) for c, t in out.measures.items()},
                          juror_measure_sd=float(out.measures["juror_id"]["measure"].std()))
        elif mode == "mml":
            result.update(iterations=int(out.iterations), converged=bool(out.converged),
                          largest_change=float(out.largest_change), deviance=float(out.deviance),
                          population_mean=float(out.mean), population_variance=float(out.variance))
        elif mode == "severity":
            result.update(rows_out=len(out), fits=int(out.groupby(["lane", "round", "scope"]).ngroups),
                          se_missing=int(out["se"].isna().sum()))
        elif mode == "additive":
            result.update(out)
    result["peak_rss_kib"] = process_peak_kib()
    return result


def run_child(mode: str, args: argparse.Namespace) -> dict:
    """One measurement in a fresh process."""
    command = [sys.executable, str(Path(__file__).resolve()), "--child", mode, "--folder", str(args.folder),
               "--seed", str(args.seed)]
    print(f"  {mode} ...", end="", flush=True, file=sys.stderr)
    start = time.perf_counter()
    try:
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=args.timeout)
    except subprocess.TimeoutExpired:
        print(" timed out", file=sys.stderr)
        raise SystemExit(f"bench_rasch: the '{mode}' subprocess timed out after {args.timeout:g} s") from None
    print(f" {time.perf_counter() - start:.1f} s", file=sys.stderr)
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"bench_rasch: the '{mode}' subprocess failed (exit {done.returncode})")
    return json.loads(done.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------- report

def summary(runs: list[dict], base_mib: float) -> dict:
    """bench_agreement.py's summary of repeats (timing, peak, increments), with the CPU seconds and the larger of
    the two increments (the one the target reads)."""
    out = {**agreement_summary(runs, base_mib), "cpu": timing(runs, "cpu_s")}
    out["increment_mib"] = max(x for x in (out["increment_over_baseline_mib"], out["increment_in_process_mib"])
                               if x is not None)
    return out


def table(res: dict) -> str:
    m, d, rows = res["machine"], res["data"], res["results"]
    cats = d["categories"]
    lines = [
        f"{res['folder']}: {d['ratings']:,} ratings, {d['entries']:,} entries, {d['jurors']:,} jurors, "
        f"{d['criteria']} criteria, {d['lanes']} lanes, categories {cats[0]:g}-{cats[-1]:g} ({len(cats)}); "
        "one fit over every lane",
        f"{res['repeat']} fresh process{'es' * (res['repeat'] != 1)} each; {m['nproc']} CPUs, Python {m['python']}, "
        f"numpy {m['numpy']}, pandas {m['pandas']}, scipy {m['scipy']}"
        + (f", OPENBLAS_NUM_THREADS={m['openblas_num_threads']}" if m["openblas_num_threads"] else ""),
        "",
        f"{'operation':<46}{'min s':>8}{'median s':>10}{'CPU s':>8}{'peak MiB':>10}{'+MiB':>7}{'x severity':>12}",
        f"{'baseline: load_festival (process peak)':<46}{'':>26}{res['baseline']['peak_rss_mib']:>10.0f}"
        f"  (resident after the load {res['baseline']['loaded_rss_mib']:.0f} MiB)",
    ]
    sev = rows.get("severity")
    for mode in MODES:
        r = rows.get(mode)
        if r is None:
            lines.append(f"{LABELS[mode]:<46}  skipped")
            continue
        ratio = r["median_s"] / sev["median_s"] if sev and mode != "severity" else None
        lines.append(f"{LABELS[mode]:<46}" + fmt(r["min_s"], ".2f", 8) + fmt(r["median_s"], ".2f", 10)
                     + fmt(r["cpu"]["median_s"], ".2f", 8) + fmt(r["peak_rss_mib"], ".0f", 10)
                     + fmt(r["increment_mib"], ".0f", 7) + (fmt(ratio, ".1f", 11) + "x" if ratio is not None else fmt(None, "", 12)))
    j = rows["jmle"]
    lines += [
        "",
        "CPU s = the call's process time, all threads (median); +MiB = the larger of: peak above the loaded festival "
        "(in-process high-water mark), process peak over the baseline process",
        f"JMLE: {', '.join(f'{n:,} {c}' for c, n in j['elements'].items())} elements; {j['iterations']} Newton "
        f"iterations, {'converged' if j['converged'] else 'NOT converged'} (largest score residual "
        f"{j['largest_residual']:.2g}); extreme elements: "
        + ", ".join(f"{c} {n}" for c, n in j["extreme"].items()),
    ]
    if "mml" in rows:
        mm = rows["mml"]
        lines.append(f"MML: {mm['iterations']} EM iterations, {'converged' if mm['converged'] else 'NOT converged'} "
                     f"(largest change {mm['largest_change']:.2g}); population N({mm['population_mean']:.3f}, "
                     f"{mm['population_variance']:.3f})")
    lines.append(f"severity table: {sev['fits']} fits (lanes × criteria and weighted total), {sev['rows_out']:,} rows, "
                 f"{sev['se_missing']:,} without an S.E.")
    fl = rows["additive"]
    lines.append(f"additive floor: {fl['fits']} fits, of which fit_additive alone {fl['fit_only_median_s']:.2f} s "
                 f"(median); JMLE / floor {j['median_s'] / fl['median_s']:.1f}x, JMLE / fit_additive alone "
                 f"{j['median_s'] / fl['fit_only_median_s']:.1f}x")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2026, help="seed of the conference folder (default 2026)")
    parser.add_argument("--repeat", type=int, default=3, help="timed processes per measurement (default 3)")
    parser.add_argument("--skip-mml", action="store_true", help="leave out the MML fit (about 30 s a process)")
    parser.add_argument("--max-jmle-s", type=float, default=10.0, help="JMLE fit, median wall time (default 10 s)")
    parser.add_argument("--max-mem-mib", type=float, default=1024.0,
                        help="JMLE memory above the loaded festival (default 1024 MiB)")
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds allowed per subprocess")
    parser.add_argument("--profile", action="store_true", help="also print a cProfile of the JMLE fit")
    parser.add_argument("--out", type=Path, default=BENCH_DIR / "rasch.json", help="JSON output")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args)))
        return 0
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    busy_before = cpu_busy_percent()

    folder, generate_s = ensure_folder(args.seed)
    args.folder = folder
    print(f"{'wrote' if generate_s is not None else 'reusing'} {folder.relative_to(ROOT)}"
          + (f" in {generate_s:.1f} s" if generate_s is not None else ""), flush=True)
    print("running (one fresh process each):", file=sys.stderr)
    base = run_child("baseline", args)
    base_mib = peak_mib([base])
    modes = [mode for mode in MODES if not (mode == "mml" and args.skip_mml)]
    runs, busy = {}, {}
    sample_start = cpu_sample()
    for mode in modes:
        before = cpu_sample()
        runs[mode] = [run_child(mode, args) for _ in range(args.repeat)]
        busy[mode] = others_busy_percent(before, cpu_sample())
    busy_during = others_busy_percent(sample_start, cpu_sample())
    rows = {mode: {**summary(runs[mode], base_mib), "cpu_busy_others_percent_during": busy[mode]} for mode in modes}
    first = {mode: runs[mode][0] for mode in modes}
    rows["jmle"].update({k: first["jmle"][k] for k in ("elements", "extreme", "juror_measure_sd")},
                        iterations=first["jmle"]["iterations"],
                        converged=all(r["converged"] for r in runs["jmle"]),
                        largest_residual=max(r["largest_residual"] for r in runs["jmle"]))
    if "mml" in rows:
        rows["mml"].update({k: first["mml"][k] for k in ("iterations", "deviance", "population_mean",
                                                           "population_variance")},
                           converged=all(r["converged"] for r in runs["mml"]),
                           largest_change=max(r["largest_change"] for r in runs["mml"]))
    rows["severity"].update({k: first["severity"][k] for k in ("rows_out", "fits", "se_missing")})
    rows["additive"].update(fits=first["additive"]["fits"], components=first["additive"]["components"],
                            fit_only=timing(runs["additive"], "fit_only_s"),
                            fit_only_median_s=timing(runs["additive"], "fit_only_s")["median_s"])
    ratios = {f"{mode}_over_severity": round(rows[mode]["median_s"] / rows["severity"]["median_s"], 2)
              for mode in modes if mode != "severity"}
    ratios["jmle_over_additive_floor"] = round(rows["jmle"]["median_s"] / rows["additive"]["median_s"], 2)

    results = {
        "benchmark": "bench_rasch",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"nproc": len(os.sched_getaffinity(0)), "cpu_count": os.cpu_count(),
                    "platform": platform.platform(), "python": platform.python_version(),
                    "openblas_num_threads": os.environ.get("OPENBLAS_NUM_THREADS"),
                    **{k: base[k] for k in ("numpy", "pandas", "scipy")}},
        "folder": str(folder.relative_to(ROOT)), "seed": args.seed, "generate_s": generate_s,
        "cpu_busy_percent_before": busy_before, "cpu_busy_others_percent_during": busy_during,
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        "repeat": args.repeat, "data": base["data"],
        "baseline": {"peak_rss_mib": base_mib, "loaded_rss_mib": base["loaded_rss_mib"],
                     "load_s": round(base["load_s"], 4)},
        "results": rows, "ratios": ratios,
        "runs": {mode: [{k: v for k, v in r.items() if k not in ("data", "elements", "extreme")} for r in runs[mode]]
                 for mode in modes},
    }

    j = rows["jmle"]
    missed = []
    if j["median_s"] > args.max_jmle_s:
        missed.append(f"Rasch JMLE median {j['median_s']:.2f} s exceeds the target {args.max_jmle_s:g} s")
    if j["increment_mib"] > args.max_mem_mib:
        missed.append(f"Rasch JMLE memory {j['increment_mib']:.0f} MiB above the loaded festival exceeds the target "
                      f"{args.max_mem_mib:g} MiB")
    if not j["converged"]:
        missed.append(f"Rasch JMLE did not converge (largest score residual {j['largest_residual']:.3g})")
    results["targets"] = {"max_jmle_median_s": args.max_jmle_s, "max_jmle_increment_mib": args.max_mem_mib,
                          "jmle_converged": True, "missed": missed, "ok": not missed}

    print(table(results))
    print(f"\nCPU busy with other processes: {busy_before}% before, {busy_during}% during the timed runs ("
          + ", ".join(f"{mode} {busy[mode]}%" for mode in modes) + ")")
    for when, value in (("just before the run", busy_before), ("during the timed runs", busy_during)):
        if value is not None and value >= BUSY_NOTE_PERCENT:
            print(f"NOTE: other processes kept {value:.0f}% of the CPUs busy {when}: the timings "
                  "(multithreaded BLAS calls above all) may be inflated; rerun on a quiet machine")
    if args.profile:
        print("\ncProfile of the JMLE fit (one extra run, not timed), by own time:")
        print(run_child("profile", args)["profile"].strip())
    write_results(args.out, results, missed)
    if not missed:
        print(f"targets met: Rasch JMLE {j['median_s']:.2f} s <= {args.max_jmle_s:g} s, {j['increment_mib']:.0f} MiB "
              f"above the loaded festival <= {args.max_mem_mib:g} MiB, converged")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
