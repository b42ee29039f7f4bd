"""Benchmark: agreement statistics at conference scale, against the peer libraries.

The data: one criterion (``--criterion``, default ``ethics``) of the conference folder that
``bench_load.py`` writes (20,000 entries × 4 of 5,000 jurors = 80,000 ratings, an
incomplete design). Every measurement runs in a fresh subprocess (clean imports, clean
memory), which loads the festival, selects the criterion, makes one warm-up call on the
first 1,000 ratings (so lazy imports are not timed), then times one call on the full data:

- ``alpha``: ``krippendorff_alpha(data, level="interval")``, the point estimate.
- ``alpha_boot``: the same with ``n_boot=1000, random_state=1`` (percentile interval).
- ``icc``: ``icc(data)``, the six forms from the variance components of the sparse fit.
- ``baseline``: load + select only; its peak resident memory is what the others are
  compared with.

Peers, timed on the same data in the same run, each in its own subprocess:

- ``krippendorff.alpha(reliability_data=M, level_of_measurement="interval")``: M is the
  dense jurors × entries matrix (5,000 × 20,000 float64, 800 MB), built the obvious way,
  ``data.pivot(index="juror_id", columns="entry_id", values="score").to_numpy()``.
  Timed: building M, and alpha on M; its value must equal ours to 1e-9.
- the peer bootstrap: the obvious loop (resample the columns of M, call
  ``krippendorff.alpha``), timed for ``--peer-resamples`` (default 3) resamples and
  EXTRAPOLATED to 1,000 (running 1,000 would take hours).
- ``pingouin.intraclass_corr`` on the incomplete design, with the default ``nan_policy``
  and with ``nan_policy="omit"``: the outcome (exception or result) is recorded.
- ICC on complete synthetic data (``--complete-entries`` × ``--complete-jurors``,
  default 2,000 × 10, seeded), ours and pingouin's: timed, and the six estimates must agree
  to 1e-9.
- Informational, no target: ``agreement_table(festival, n_boot=0)`` (every lane × scope ×
  statistic of the whole festival) and with ``n_boot=--table-boot`` (default 10), the
  difference extrapolated to 1,000 resamples (the ``festival.toml`` default, what
  ``jury check`` runs); and ``icc(data, n_boot=--icc-boot)`` (default 20) extrapolated to
  1,000 resamples.

Memory, per measurement: the process peak (``ru_maxrss``) and its increment over the
baseline process; and, where Linux allows it (``/proc/self/clear_refs``), the in-process
increment: the high-water mark is reset after the load and warm-up, and the peak during
the measured call is compared with the resident size just before it (this one is not
hidden under the load's own transient peak). The memory target applies to the larger
of the two increments.

Timings: min and median over ``--repeat`` processes (default 5; peers ``--peer-repeat``,
default 3); peak memory is the maximum over the repeats. Results are printed as a table
and written to ``build/bench/agreement.json`` with the machine facts, the date and the share
of the CPUs other processes kept busy just before the run (sampled for 2 s from
``/proc/stat``; a note is printed from 10%: on a 2-core machine a busy core can make a
multithreaded BLAS call wait milliseconds for its worker thread).

Targets (``--max-*``): alpha point estimate median under 0.1 s; 1,000-resample alpha
bootstrap under 2 s; incomplete-design ICC under 1 s; memory increment of each of our
computations under 500 MiB. The agreement checks (alpha vs krippendorff, ICC vs
pingouin, 1e-9) must hold. The script exits with status 1, naming each miss.

Run from the repository root (``make bench`` runs it after ``bench_load.py``)::

    .venv/bin/python benchmarks/bench_agreement.py [--seed 2026] [--repeat 5] [--profile]

``--profile`` adds one cProfile run of each of our three calls (not timed) and prints the
functions with the largest own time.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
import traceback
from datetime import datetime, timezone
from pathlib import Path

# stdlib-only, like this script; also reused: the folder is generated/reused the same way
from bench_load import BENCH_DIR, MIB, ROOT, ensure_folder, peak_mib, timing, write_results

TOLERANCE = 1e-9
WARMUP_ROWS = 1_000
BUSY_NOTE_PERCENT = 10.0  # CPU busy before the run above which the timings are flagged as unreliable
OURS = ("alpha", "alpha_boot", "icc")
FORMS = ("ICC1", "ICC2", "ICC3", "ICC1k", "ICC2k", "ICC3k")
PINGOUIN_TYPES = ("ICC(1,1)", "ICC(A,1)", "ICC(C,1)", "ICC(1,k)", "ICC(A,k)", "ICC(C,k)")  # same order as FORMS


# ---------------------------------------------------------------- machine state

def cpu_busy_percent(seconds: float = 2.0) -> float | None:
    """Share of all CPUs busy (not idle or iowait) over ``seconds``, from /proc/stat; taken
    before the run, while nothing of ours is running, it measures the other processes."""
    def sample():
        fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
        return sum(fields[:8]), fields[3] + fields[4]
    try:
        total0, idle0 = sample()
        time.sleep(seconds)
        total1, idle1 = sample()
    except (OSError, ValueError, IndexError):
        return None
    return round(100.0 * (1 - (idle1 - idle0) / max(total1 - total0, 1)), 1)


# ---------------------------------------------------------------- memory inside a child

def _status_kib(field: str) -> int | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


_peak_before_reset_kib = 0  # the reset also resets ru_maxrss: keep the process peak up to it


def process_peak_kib() -> int:
    """The peak resident memory of this process over its whole life (KiB)."""
    return max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, _peak_before_reset_kib)


def reset_peak() -> int | None:
    """Reset the process's high-water mark (Linux ≥ 4.0; this also resets ``ru_maxrss``,
    whose value so far is kept for :func:`process_peak_kib`) and return the resident KiB
    now; ``None`` when the reset is not possible here."""
    global _peak_before_reset_kib
    gc.collect()
    _peak_before_reset_kib = process_peak_kib()
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return None
    return _status_kib("VmRSS")


def peak_since(rss_before: int | None) -> float | None:
    """MiB above ``rss_before`` reached since :func:`reset_peak`."""
    if rss_before is None:
        return None
    hwm = _status_kib("VmHWM")
    return None if hwm is None else round((hwm - rss_before) / MIB, 1)


# ---------------------------------------------------------------- the measured subprocess

def complete_data(n_entries: int, n_jurors: int, seed: int):
    """Complete synthetic ratings: quality + juror severity + noise, rounded onto 1–10."""
    import numpy as np
    import pandas as pd
    rng = np.random.default_rng(seed)
    latent = (rng.normal(5.8, 1.3, n_entries)[:, None] + rng.normal(0.0, 0.35, n_jurors)[None, :]
              + rng.normal(0.0, 0.6, (n_entries, n_jurors)))
    return pd.DataFrame({"entry_id": np.repeat([f"E{i:05d}" for i in range(n_entries)], n_jurors),
                         "juror_id": np.tile([f"R{j:02d}" for j in range(n_jurors)], n_entries),
                         "score": np.clip(np.rint(latent), 1, 10).ravel()})


def child(mode: str, args: argparse.Namespace) -> dict:
    """Run one measurement in this (fresh) process and return its numbers."""
    import numpy as np
    import pandas as pd

    import analytics
    from analytics.stats.agreement import icc, krippendorff_alpha
    result = {"mode": mode, "pandas": pd.__version__, "numpy": np.__version__}
    if mode.startswith("complete"):  # synthetic complete design, no festival
        data = complete_data(args.complete_entries, args.complete_jurors, args.seed)
        festival = None
    else:
        festival = analytics.load_festival(args.folder)
        scores = festival.scores
        data = scores.loc[scores["criterion"] == args.criterion, ["entry_id", "juror_id", "score"]].reset_index(drop=True)
    result["ratings"] = len(data)
    result["entries"] = int(data["entry_id"].nunique())
    result["jurors"] = int(data["juror_id"].nunique())
    warm = data.iloc[:WARMUP_ROWS]
    timed = None  # the measured call
    if mode == "baseline":  # versions from the metadata: importing the peers would inflate the baseline
        from importlib import metadata
        for name in ("scipy", "krippendorff", "pingouin"):
            try:
                result[name] = metadata.version(name)
            except metadata.PackageNotFoundError:
                result[name] = "not installed"
    elif mode == "alpha":
        krippendorff_alpha(warm)
        timed = lambda: krippendorff_alpha(data, level="interval")  # noqa: E731
    elif mode == "alpha_boot":
        krippendorff_alpha(warm, n_boot=10, random_state=1)
        timed = lambda: krippendorff_alpha(data, level="interval", n_boot=1000, random_state=1)  # noqa: E731
    elif mode in ("icc", "complete_ours"):
        icc(warm)
        timed = lambda: icc(data)  # noqa: E731
    elif mode == "icc_boot":
        icc(warm, n_boot=2, random_state=1)
        timed = lambda: icc(data, n_boot=args.icc_boot, random_state=1)  # noqa: E731
    elif mode in ("table", "table_boot"):
        from analytics.checks.agreement import agreement_table
        krippendorff_alpha(warm)
        n_boot = 0 if mode == "table" else args.table_boot
        timed = lambda: agreement_table(festival, n_boot=n_boot, random_state=1)  # noqa: E731
    elif mode in ("peer_alpha", "peer_boot"):
        import krippendorff
        rss = reset_peak()
        start = time.perf_counter()
        matrix = data.pivot(index="juror_id", columns="entry_id", values="score").to_numpy(dtype=float)
        result["build_s"] = time.perf_counter() - start
        result["matrix_shape"] = list(matrix.shape)
        if mode == "peer_alpha":
            start = time.perf_counter()
            value = krippendorff.alpha(reliability_data=matrix, level_of_measurement="interval")
            result["alpha_s"] = time.perf_counter() - start
            result["seconds"] = result["build_s"] + result["alpha_s"]
            result["value"] = float(value)
        else:
            rng = np.random.default_rng(1)
            runs = []
            for _ in range(args.peer_resamples):
                start = time.perf_counter()
                columns = rng.integers(0, matrix.shape[1], matrix.shape[1])
                krippendorff.alpha(reliability_data=matrix[:, columns], level_of_measurement="interval")
                runs.append(time.perf_counter() - start)
            result["resample_runs_s"] = runs
            result["per_resample_s"] = statistics.mean(runs)
            result["extrapolated_1000_s"] = result["build_s"] + 1000 * result["per_resample_s"]
            result["seconds"] = result["extrapolated_1000_s"]
        result["increment_mib"] = peak_since(rss)
    elif mode == "peer_icc_incomplete":
        import pingouin
        outcomes = {}
        rss = reset_peak()
        for policy in ("raise", "omit"):
            start = time.perf_counter()
            try:
                table = pingouin.intraclass_corr(data=data, targets="entry_id", raters="juror_id", ratings="score",
                                                 nan_policy=policy)
                outcome = (f"returned {len(table)} rows; ICC column: "
                           + ", ".join(f"{t}={v:.4g}" for t, v in zip(table["Type"], table["ICC"])))
            except Exception as error:  # noqa: BLE001 - the outcome is the measurement
                outcome = f"{type(error).__name__}: {str(error).strip() or '(no message)'}"
                where = traceback.extract_tb(error.__traceback__)[-1]
                outcome += f" [raised in {Path(where.filename).name}:{where.lineno} {where.name}]"
            outcomes[policy] = {"outcome": " ".join(outcome.split()), "seconds": time.perf_counter() - start}
        # what listwise deletion (nan_policy="omit") can keep: the entries rated by every juror
        per_entry = data.groupby("entry_id")["juror_id"].count()
        result["entries_complete"] = int((per_entry == result["jurors"]).sum())
        result["outcomes"] = outcomes
        result["increment_mib"] = peak_since(rss)
    elif mode == "complete_peer":
        import pingouin
        pingouin.intraclass_corr(data=warm, targets="entry_id", raters="juror_id", ratings="score")
        timed = lambda: pingouin.intraclass_corr(data=data, targets="entry_id", raters="juror_id",  # noqa: E731
                                                 ratings="score")
    elif mode == "profile":
        import cProfile
        import io
        import pstats
        krippendorff_alpha(warm)
        icc(warm)
        text = io.StringIO()
        for label, call in (("krippendorff_alpha(data)", lambda: krippendorff_alpha(data)),
                            ("krippendorff_alpha(data, n_boot=1000)",
                             lambda: krippendorff_alpha(data, n_boot=1000, random_state=1)),
                            ("icc(data)", lambda: icc(data))):
            profiler = cProfile.Profile()
            profiler.runcall(call)
            text.write(f"--- {label}\n")
            stats = pstats.Stats(profiler, stream=text).sort_stats("tottime")
            stats.print_stats(8)
        result["profile"] = text.getvalue()
    else:
        raise ValueError(f"unknown mode {mode!r}")

    if timed is not None:
        rss = reset_peak()
        start = time.perf_counter()
        out = timed()
        result["seconds"] = time.perf_counter() - start
        result["increment_mib"] = peak_since(rss)
        if mode in ("alpha", "alpha_boot"):
            result["value"] = out.estimate
            result["ci"] = [out.ci_low, out.ci_high]
        elif mode in ("icc", "icc_boot", "complete_ours"):
            result["estimates"] = dict(zip(out.table["form"], map(float, out.table["estimate"])))
            result["complete"] = bool(out.complete)
            result["components"] = int(out.details.get("components", 0))
        elif mode == "complete_peer":
            by_type = dict(zip(out["Type"], map(float, out["ICC"])))
            result["estimates"] = {form: by_type[t] for form, t in zip(FORMS, PINGOUIN_TYPES)}
        elif mode in ("table", "table_boot"):
            result["rows_out"] = len(out)
    result["peak_rss_kib"] = process_peak_kib()
    return result


def run_child(mode: str, args: argparse.Namespace, *, peer: bool = False) -> dict:
    """One measurement in a fresh process. A failing peer is recorded, not fatal."""
    command = [sys.executable, str(Path(__file__).resolve()), "--child", mode, "--folder", str(args.folder),
               "--seed", str(args.seed), "--criterion", args.criterion,
               "--complete-entries", str(args.complete_entries), "--complete-jurors", str(args.complete_jurors),
               "--peer-resamples", str(args.peer_resamples), "--icc-boot", str(args.icc_boot),
               "--table-boot", str(args.table_boot)]
    print(f"  {mode} ...", end="", flush=True, file=sys.stderr)
    start = time.perf_counter()
    try:
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=args.timeout)
    except subprocess.TimeoutExpired:
        print(" timed out", file=sys.stderr)
        if peer:
            return {"mode": mode, "error": f"timed out after {args.timeout:g} s"}
        raise SystemExit(f"bench_agreement: the '{mode}' subprocess timed out") from None
    print(f" {time.perf_counter() - start:.1f} s", file=sys.stderr)
    if done.returncode != 0:
        if peer:
            tail = (done.stderr.strip().splitlines() or ["(no output)"])[-1]
            return {"mode": mode, "error": f"exit {done.returncode}: {tail}"}
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"bench_agreement: the '{mode}' subprocess failed (exit {done.returncode})")
    return json.loads(done.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------- report

def summary(runs: list[dict], base_mib: float | None = None) -> dict:
    """Timing (min/median) and memory over repeats of one measurement."""
    out = {**timing(runs, "seconds"), "peak_rss_mib": peak_mib(runs)}
    if base_mib is not None:
        out["increment_over_baseline_mib"] = round(out["peak_rss_mib"] - base_mib, 1)
    inproc = [r["increment_mib"] for r in runs if r.get("increment_mib") is not None]
    out["increment_in_process_mib"] = max(inproc) if inproc else None
    return out


def fmt(value, spec: str, width: int) -> str:
    return f"{'—':>{width}}" if value is None else f"{value:>{width}{spec}}"


def table(res: dict) -> str:
    m, ours, peers = res["machine"], res["ours"], res["peers"]
    d = res["data"]
    lines = [
        f"{res['folder']}, criterion '{res['criterion']}': {d['ratings']:,} ratings, {d['entries']:,} entries, "
        f"{d['jurors']:,} jurors (incomplete: {d['ratings'] // d['entries']} jurors per entry)",
        f"ours: {res['repeat']} fresh processes each; peers: {res['peer_repeat']}; {m['nproc']} CPUs, "
        f"Python {m['python']}, numpy {m['numpy']}, pandas {m['pandas']}, scipy {m['scipy']}, "
        f"krippendorff {m['krippendorff']}, pingouin {m['pingouin']}",
        "",
        f"{'operation':<44}{'ours min':>9}{'ours med':>9}{'peer s':>10}{'ratio':>8}{'peak MiB':>10}{'+MiB':>7}"
        f"{'peer MiB':>10}",
    ]

    def row(label, mine, peer_s=None, peer_mib=None, note=""):
        ratio = peer_s / mine["median_s"] if peer_s is not None and mine is not None else None
        incs = [] if mine is None else [x for x in (mine.get("increment_over_baseline_mib"),
                                                      mine.get("increment_in_process_mib")) if x is not None]
        lines.append(f"{label:<44}" + fmt(mine and mine["min_s"], ".3f", 9) + fmt(mine and mine["median_s"], ".3f", 9)
                     + fmt(peer_s, ".2f", 10) + (fmt(ratio, ".0f", 7) + "x" if ratio is not None else fmt(None, "", 8))
                     + fmt(mine and mine["peak_rss_mib"], ".0f", 10) + fmt(max(incs) if incs else None, ".0f", 7)
                     + fmt(peer_mib, ".0f", 10) + (f"  {note}" if note else ""))

    pa, pb = peers["krippendorff"], peers["krippendorff_boot"]
    lines.append(f"{'baseline: load festival + select criterion':<44}{'':>18}{'':>10}{'':>8}"
                 f"{res['baseline']['peak_rss_mib']:>10.0f}")
    if "error" in pa:
        row("alpha interval, point estimate", ours["alpha"], note=f"krippendorff: {pa['error']}")
    else:
        row("alpha interval  vs build M + krippendorff", ours["alpha"], pa["median_s"], pa["peak_rss_mib"])
        row("alpha interval  vs krippendorff on M only", ours["alpha"], pa["alpha"]["median_s"])
    if "error" in pb:
        row("alpha bootstrap, 1,000 resamples", ours["alpha_boot"], note=f"peer: {pb['error']}")
    else:
        row("alpha bootstrap 1,000  vs peer loop", ours["alpha_boot"], pb["extrapolated_1000_s"], pb["peak_rss_mib"],
            note=f"peer EXTRAPOLATED from {pb['resamples']} resamples ({pb['per_resample_s']:.2f} s each)")
    pi = peers["pingouin_incomplete"]
    row("ICC incomplete design, 6 forms", ours["icc"], None, pi.get("peak_rss_mib"), note="pingouin: see below")
    pc = peers["pingouin_complete"]
    row(f"ICC complete {res['complete']['entries']:,}x{res['complete']['jurors']}  vs pingouin",
        res["complete"]["ours"], pc.get("median_s"), pc.get("peak_rss_mib"))
    info = res["informational"]
    row("(info) agreement_table(festival, n_boot=0)", info["agreement_table"])
    tb = info["agreement_table_boot"]
    row(f"(info) agreement_table, n_boot={tb['n_boot']}", tb)
    ib = info["icc_boot"]
    row(f"(info) icc bootstrap, {ib['n_boot']} resamples", ib)
    lines += [
        "",
        "ratio = peer seconds / our median seconds; peak MiB = process peak (ru_maxrss); +MiB = our increment "
        "(larger of: over the baseline process, in-process high-water mark)",
        f"(info) icc bootstrap extrapolated to 1,000 resamples: {ib['extrapolated_1000_s']:.0f} s "
        f"({ib['per_resample_s'] * 1000:.0f} ms per resample)",
        f"(info) agreement_table extrapolated to n_boot=1,000 (the festival.toml default): "
        f"{tb['extrapolated_1000_s'] / 60:.0f} min",
        "",
        "agreement with the peers:",
    ]
    checks = res["checks"]
    a = checks["alpha_vs_krippendorff"]
    lines.append(f"  alpha: ours {a['ours']!r}, krippendorff {a['peer']!r}, |difference| "
                 + (f"{a['difference']:.3g}" if a["difference"] is not None else "—")
                 + f" ({'OK' if a['ok'] else 'FAILED'}, tolerance {TOLERANCE:g})")
    c = checks["icc_complete_vs_pingouin"]
    lines.append("  ICC, complete data, six forms: max |difference| "
                 + (f"{c['max_difference']:.3g}" if c["max_difference"] is not None else "—")
                 + f" ({'OK' if c['ok'] else 'FAILED'}); ours " + ", ".join(f"{k} {v:.6f}" for k, v in c["ours"].items()))
    lines.append(f"  ICC, incomplete design ({d['entries']:,} entries, "
                 f"{pi.get('entries_complete', '?')} rated by every juror), pingouin.intraclass_corr:")
    for policy, o in pi.get("outcomes", {}).items():
        lines.append(f"    nan_policy={policy!r} ({o['seconds']:.1f} s): {o['outcome']}")
    if "error" in pi:
        lines.append(f"    {pi['error']}")
    ic = ours["icc_estimates"]
    lines.append("  ours on the incomplete design: " + ", ".join(f"{k} {v:.4f}" for k, v in ic.items()))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2026, help="seed of the conference folder and of the complete data")
    parser.add_argument("--criterion", default="ethics", help="the criterion measured (default ethics)")
    parser.add_argument("--repeat", type=int, default=5, help="timed processes per measurement of ours (default 5)")
    parser.add_argument("--peer-repeat", type=int, default=3, help="timed processes per peer measurement (default 3)")
    parser.add_argument("--peer-resamples", type=int, default=3, help="peer bootstrap resamples timed (default 3)")
    parser.add_argument("--icc-boot", type=int, default=20, help="resamples of the informational ICC bootstrap")
    parser.add_argument("--table-boot", type=int, default=10,
                        help="resamples of the informational agreement_table run (extrapolated to 1,000)")
    parser.add_argument("--complete-entries", type=int, default=2000)
    parser.add_argument("--complete-jurors", type=int, default=10)
    parser.add_argument("--max-alpha-s", type=float, default=0.1, help="alpha point estimate, median (default 0.1 s)")
    parser.add_argument("--max-boot-s", type=float, default=2.0, help="alpha 1,000-resample bootstrap (default 2 s)")
    parser.add_argument("--max-icc-s", type=float, default=1.0, help="incomplete-design ICC, median (default 1 s)")
    parser.add_argument("--max-mem-mib", type=float, default=500.0, help="memory increment of ours (default 500 MiB)")
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds allowed per subprocess")
    parser.add_argument("--profile", action="store_true", help="also print a cProfile of our three calls")
    parser.add_argument("--out", type=Path, default=BENCH_DIR / "agreement.json", help="JSON output")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args)))
        return 0
    if min(args.repeat, args.peer_repeat, args.peer_resamples, args.icc_boot, args.table_boot) < 1:
        parser.error("--repeat, --peer-repeat, --peer-resamples, --icc-boot and --table-boot must be at least 1")
    busy_before = cpu_busy_percent()

    folder, generate_s = ensure_folder(args.seed)
    args.folder = folder
    print(f"{'wrote' if generate_s is not None else 'reusing'} {folder.relative_to(ROOT)}"
          + (f" in {generate_s:.1f} s" if generate_s is not None else ""), flush=True)
    print("running (one fresh process each):", file=sys.stderr)
    base = run_child("baseline", args)
    base_mib = peak_mib([base])
    runs = {mode: [run_child(mode, args) for _ in range(args.repeat)] for mode in OURS}
    ours = {mode: summary(runs[mode], base_mib) for mode in OURS}
    ours["alpha"]["value"] = runs["alpha"][0]["value"]
    ours["alpha_boot"]["ci"] = runs["alpha_boot"][0]["ci"]
    ours["icc_estimates"] = runs["icc"][0]["estimates"]
    ours["icc"]["components"] = runs["icc"][0]["components"]

    peer_alpha = [run_child("peer_alpha", args, peer=True) for _ in range(args.peer_repeat)]
    peers = {}
    if any("error" in r for r in peer_alpha):
        peers["krippendorff"] = next(r for r in peer_alpha if "error" in r)
    else:
        peers["krippendorff"] = {**summary(peer_alpha), "build": timing(peer_alpha, "build_s"),
                                 "alpha": timing(peer_alpha, "alpha_s"), "value": peer_alpha[0]["value"],
                                 "matrix_shape": peer_alpha[0]["matrix_shape"]}
    boot = run_child("peer_boot", args, peer=True)
    peers["krippendorff_boot"] = boot if "error" in boot else {
        "label": f"EXTRAPOLATED: {args.peer_resamples} resamples timed, scaled to 1,000",
        "resamples": args.peer_resamples, "build_s": round(boot["build_s"], 4),
        "resample_runs_s": [round(x, 4) for x in boot["resample_runs_s"]],
        "per_resample_s": round(boot["per_resample_s"], 4), "extrapolated_1000_s": round(boot["extrapolated_1000_s"], 1),
        "peak_rss_mib": peak_mib([boot]), "increment_in_process_mib": boot.get("increment_mib")}
    pi = run_child("peer_icc_incomplete", args, peer=True)
    peers["pingouin_incomplete"] = pi if "error" in pi else {
        "outcomes": {k: {"outcome": v["outcome"], "seconds": round(v["seconds"], 3)} for k, v in pi["outcomes"].items()},
        "entries_complete": pi["entries_complete"], "peak_rss_mib": peak_mib([pi]),
        "increment_in_process_mib": pi.get("increment_mib")}

    complete_ours = [run_child("complete_ours", args) for _ in range(args.repeat)]
    complete_peer = [run_child("complete_peer", args, peer=True) for _ in range(args.peer_repeat)]
    peers["pingouin_complete"] = (next(r for r in complete_peer if "error" in r) if any("error" in r for r in complete_peer)
                                  else summary(complete_peer))
    table_runs = [run_child("table", args)]
    table_boot = run_child("table_boot", args)
    icc_boot = run_child("icc_boot", args)

    results = {
        "benchmark": "bench_agreement",
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": {"nproc": len(os.sched_getaffinity(0)), "cpu_count": os.cpu_count(),
                    "platform": platform.platform(), "python": platform.python_version(),
                    **{k: base[k] for k in ("numpy", "pandas", "scipy", "krippendorff", "pingouin")}},
        "folder": str(folder.relative_to(ROOT)), "seed": args.seed, "generate_s": generate_s,
        "cpu_busy_percent_before": busy_before, "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        "criterion": args.criterion, "repeat": args.repeat, "peer_repeat": args.peer_repeat,
        "data": {k: base[k] for k in ("ratings", "entries", "jurors")},
        "baseline": {"peak_rss_mib": base_mib},
        "ours": ours, "peers": peers,
        "complete": {"entries": args.complete_entries, "jurors": args.complete_jurors, "seed": args.seed,
                     "ours": summary(complete_ours)},
        "informational": {
            "agreement_table": {**summary(table_runs, base_mib), "n_boot": 0, "rows": table_runs[0]["rows_out"]},
            "agreement_table_boot": {**summary([table_boot], base_mib), "n_boot": args.table_boot,
                                     "extrapolated_1000_s": round(table_runs[0]["seconds"] + (
                                         table_boot["seconds"] - table_runs[0]["seconds"]) / args.table_boot * 1000, 1)},
            "icc_boot": {**summary([icc_boot], base_mib), "n_boot": args.icc_boot,
                         "per_resample_s": round(icc_boot["seconds"] / args.icc_boot, 4),
                         "extrapolated_1000_s": round(icc_boot["seconds"] / args.icc_boot * 1000, 1)},
        },
    }

    # agreement checks
    pk = peers["krippendorff"]
    diff = abs(ours["alpha"]["value"] - pk["value"]) if "value" in pk else None
    alpha_check = {"ours": ours["alpha"]["value"], "peer": pk.get("value"), "difference": diff,
                   "ok": diff is not None and diff <= TOLERANCE}
    mine, theirs = complete_ours[0]["estimates"], (complete_peer[0].get("estimates") or {})
    diffs = {form: abs(mine[form] - theirs[form]) for form in FORMS if form in theirs}
    icc_check = {"ours": mine, "peer": theirs, "differences": diffs,
                 "max_difference": max(diffs.values()) if diffs else None,
                 "ok": len(diffs) == len(FORMS) and max(diffs.values()) <= TOLERANCE}
    results["checks"] = {"alpha_vs_krippendorff": alpha_check, "icc_complete_vs_pingouin": icc_check}

    missed = []
    if ours["alpha"]["median_s"] > args.max_alpha_s:
        missed.append(f"alpha point estimate median {ours['alpha']['median_s']:.3f} s exceeds {args.max_alpha_s:g} s")
    if ours["alpha_boot"]["median_s"] > args.max_boot_s:
        missed.append(f"alpha 1,000-resample bootstrap median {ours['alpha_boot']['median_s']:.2f} s exceeds "
                      f"{args.max_boot_s:g} s")
    if ours["icc"]["median_s"] > args.max_icc_s:
        missed.append(f"incomplete-design ICC median {ours['icc']['median_s']:.3f} s exceeds {args.max_icc_s:g} s")
    for mode in OURS:
        incs = [x for x in (ours[mode]["increment_over_baseline_mib"], ours[mode]["increment_in_process_mib"])
                if x is not None]
        if incs and max(incs) > args.max_mem_mib:
            missed.append(f"{mode} memory increment {max(incs):.0f} MiB exceeds {args.max_mem_mib:g} MiB")
    if not alpha_check["ok"]:
        missed.append(f"alpha differs from krippendorff.alpha by {diff!r} (tolerance {TOLERANCE:g})")
    if not icc_check["ok"]:
        missed.append(f"ICC on complete data differs from pingouin by {icc_check['max_difference']!r} "
                      f"(tolerance {TOLERANCE:g})")
    results["targets"] = {"max_alpha_median_s": args.max_alpha_s, "max_boot_median_s": args.max_boot_s,
                          "max_icc_median_s": args.max_icc_s, "max_increment_mib": args.max_mem_mib,
                          "tolerance": TOLERANCE, "missed": missed, "ok": not missed}

    print(table(results))
    if busy_before is not None and busy_before >= BUSY_NOTE_PERCENT:
        print(f"\nNOTE: other processes kept {busy_before:.0f}% of the CPUs busy just before the run: the timings "
              "(multithreaded BLAS calls above all) may be inflated; rerun on a quiet machine")
    if args.profile:
        print("\ncProfile of our calls (one extra run, not timed), by own time:")
        print(run_child("profile", args)["profile"].strip())
    write_results(args.out, results, missed)
    if not missed:
        worst = max(max(x for x in (ours[m]["increment_over_baseline_mib"], ours[m]["increment_in_process_mib"])
                        if x is not None) for m in OURS)
        print(f"targets met: alpha {ours['alpha']['median_s']:.3f} s <= {args.max_alpha_s:g} s, bootstrap "
              f"{ours['alpha_boot']['median_s']:.2f} s <= {args.max_boot_s:g} s, ICC {ours['icc']['median_s']:.3f} s "
              f"<= {args.max_icc_s:g} s, memory increment {worst:.0f} MiB <= {args.max_mem_mib:g} MiB; "
              f"values agree with the peers to {TOLERANCE:g}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
