"""Benchmark: rank scales and the collusion screen (design section 15): `jury check` on a song contest of 40
juries, and the collusion screen alone at conference scale.

What is measured, each in a fresh subprocess:

- ``jury check`` (whole process): ``python -m analytics check DIR --quiet`` under ``/usr/bin/time -v``
  (``bench_commands.timed``: wall seconds and peak memory, imports included) on a contest of 40 national
  juries of 5 jurors ranking 26 songs (``analytics.synthetic.contests.contest_tables`` with four more voting
  countries, which have no song, appended to its ``CONTEST_COUNTRIES``: 200 jurors, one jury
  planted with near-identical rankings, 5,070 places; written afresh into ``build/bench/contest-40x5x26-seed<N>/`` at
  each run, in a second or two). Beside it, the bare ``import pandas, scipy.stats`` every command pays.
- the checks' own time: in a process that has loaded the contest, ``run_checks(festival)`` (every family
  of the registry, what ``jury check`` computes); then, on a fresh ``Shared``, each family's table and
  flags timed apart (the same walk as ``run_checks``), so the slowest families can be named.
- the collusion screen alone: ``analytics.checks.collusion.collusion(festival)`` on the conference preset
  (``jury demo --scale conference``: 20,000 entries, 5,000 jurors, 480,000 scores; the folder of
  ``bench_load.py``, ``build/bench/conference-seed<N>/``, reused while its manifest matches), after the
  load; then, on a fresh ``Shared``, the lane ratings it reads (weighted totals, coded) and the screen
  itself timed apart. The pairs it screened are printed, with the most entries any two jurors share
  (the preset's cyclic design gives every pair of jurors at most 4 entries in common, fewer than
  ``collusion_min_common``).
- for information (no target; ``--skip-federation`` leaves it out): the same call on the federation
  (``jury demo --scale federation``: 136 panels of 9 judges, 12 entries each, 73,440 marks; the folder of
  ``bench_commands.py``, ``build/bench/commands-federation/``), a shape where every pair is screened.

Timings: min and median over ``--repeat`` processes (default 3), with each call's CPU seconds
(``time.process_time``). The share of the CPUs other processes kept busy is sampled for 2 s before the run
and over the timed runs (``bench_agreement.cpu_busy_percent``, ``bench_explorer.others_busy_percent``); a NOTE
is printed from 10%.

Targets: the checks of the 40-jury contest (``run_checks``, every family), median at most ``--max-check-s``
(2 s; the whole ``jury check`` process, imports included, is shown beside it); the collusion screen on the
conference preset, median at most ``--max-collusion-s`` (5 s), both as configured (no pair of jurors shares 8
entries there) and with ``collusion_min_common = 4`` (every pair sharing its 4 entries screened: 30,000 pairs). A miss is named
and the exit status is 1. ``--profile`` adds one cProfile run (not timed) of each targeted measurement
and prints the functions with the largest own and cumulative time. Output: ``build/bench/ranks.json``.

Run from the repository root::

    .venv/bin/python benchmarks/bench_ranks.py [--seed 2026] [--repeat 3] [--profile] [--skip-federation]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

# stdlib-only, like the other benchmarks: the timing summaries, the folders and the CPU-busy samples are theirs
from bench_agreement import BUSY_NOTE_PERCENT, cpu_busy_percent, fmt, process_peak_kib
from bench_commands import _write as write_demo
from bench_commands import timed
from bench_explorer import cpu_sample, others_busy_percent
from bench_load import BENCH_DIR, ROOT, ensure_folder, peak_mib, timing, write_results

#: voting countries added to the contest's 36 (juries without a song in the final)
EXTRA_JURIES = ("Andorra", "Belarus", "Bulgaria", "Hungary")
FEDERATION = BENCH_DIR / "commands-federation"


# ---------------------------------------------------------------- the measured subprocesses

def write_contest(folder: Path, seed: int) -> dict:
    """The contest of :func:`analytics.synthetic.contests.contest_tables` with :data:`EXTRA_JURIES` appended
    to its voting countries, written as ``write_contest`` writes its tables (no README)."""
    from analytics.synthetic import contests

    contests.CONTEST_COUNTRIES = (*contests.CONTEST_COUNTRIES, *EXTRA_JURIES)  # this process only
    tables, planted = contests.contest_tables(seed)
    folder.mkdir(parents=True, exist_ok=True)
    toml = contests.CONTEST_TOML.format(songs=contests.SONGS, lane=contests.CONTEST_LANE,
                                        points=", ".join(map(str, contests.CONTEST_POINTS)))
    (folder / "festival.toml").write_text(toml, encoding="utf-8")
    for name in ("entries", "jurors", "scores", "conflicts"):
        (folder / f"{name}.csv").write_text(tables[name].to_csv(index=False, lineterminator="\n"), encoding="utf-8")
    (folder / "planted.json").write_text(json.dumps({"synthetic": True, "seed": seed, "anomalies": planted}, indent=2))
    jurors = tables["jurors"]
    return {"juries": int(jurors["jury"].nunique()), "jurors": len(jurors), "songs": len(tables["entries"]),
            "places": len(tables["scores"])}


def check_work(folder: Path) -> dict:
    """Load the contest, then ``run_checks``; then each family of the registry timed apart on a fresh Shared."""
    import analytics
    from analytics.checks.registry import REGISTRY, run_checks
    from analytics.checks.shared import Shared

    start = time.perf_counter()
    festival = analytics.load_festival(folder)
    out = {"load_s": time.perf_counter() - start}
    cpu, start = time.process_time(), time.perf_counter()
    result = run_checks(festival)
    out["seconds"], out["cpu_s"] = time.perf_counter() - start, time.process_time() - cpu
    flags = result.flags
    screened = result["collusion"]
    out.update(flags=len(flags), collusion_flags=int((flags["check"] == "collusion_suspected").sum()),
               pairs=int((screened["level"] == "pair").sum()), juries=int((screened["level"] == "jury").sum()))
    shared, families = Shared(festival), {}
    for check in REGISTRY:
        if not check.configured(festival.config):
            continue
        start = time.perf_counter()
        check.flags(shared, check.table(shared))
        families[check.name] = time.perf_counter() - start
    out["families_s"] = families
    return out


def collusion_work(folder: Path, min_common: int | None = None) -> dict:
    """Load, then ``collusion(festival)`` (the target); then on a fresh Shared the lane ratings it reads and the
    screen timed apart; the pairs screened and the most entries two jurors share. ``min_common``: in place of
    ``[checks] collusion_min_common`` (4 on the conference preset: every pair that shares its most entries)."""
    from dataclasses import replace

    import numpy as np
    import pandas as pd

    import analytics
    from analytics.checks.collusion import collusion
    from analytics.checks.shared import Shared
    from analytics.rules.scoring import WEIGHTED_TOTAL

    start = time.perf_counter()
    festival = analytics.load_festival(folder)
    if min_common is not None:
        festival = replace(festival, config=festival.config.with_checks(collusion_min_common=min_common))
    out = {"load_s": time.perf_counter() - start, "scores": len(festival.scores)}
    cpu, start = time.process_time(), time.perf_counter()
    table = collusion(festival)
    out["seconds"], out["cpu_s"] = time.perf_counter() - start, time.process_time() - cpu
    shared = Shared(festival)
    start = time.perf_counter()
    coded = {stage: shared.coded(stage[0], WEIGHTED_TOTAL, stage[1]) for stage in shared.stages}
    out["ratings_s"] = time.perf_counter() - start
    start = time.perf_counter()
    collusion(shared)
    out["screen_s"] = time.perf_counter() - start
    most = 0
    for ratings in coded.values():  # the most entries any two jurors share (a self-join per stage's entries)
        d = pd.DataFrame({"u": ratings.unit, "j": ratings.rater})
        both = d.merge(d, on="u")
        both = both[both["j_x"] < both["j_y"]]
        if len(both):
            most = max(most, int(both.groupby(["j_x", "j_y"]).size().max()))
    pairs = table[table["level"] == "pair"]
    out.update(stages=len(shared.stages), pairs=len(pairs), juries=int((table["level"] == "jury").sum()),
               pair_entries=int(pairs["n_entries"].sum()), flagged=int(table["flagged"].sum()),
               most_common=most, min_common=festival.config.checks.collusion_min_common,
               permutations=festival.config.checks.collusion_permutations,
               ratings=int(sum(len(r.unit) for r in coded.values())), numpy=np.__version__)
    return out


def profile(target: str, folder: Path) -> str:
    """One cProfile run (not timed) of ``target`` after the load: the top functions by own and by cumulative time."""
    import cProfile
    import io
    import pstats

    import analytics
    from analytics.checks.collusion import collusion
    from analytics.checks.registry import run_checks

    festival = analytics.load_festival(folder)
    call = run_checks if target == "check" else collusion
    profiler = cProfile.Profile()
    profiler.runcall(call, festival)
    text = io.StringIO()
    for key in ("tottime", "cumulative"):
        pstats.Stats(profiler, stream=text).sort_stats(key).print_stats(12)
    return text.getvalue()


def child(mode: str, args: argparse.Namespace) -> dict:
    if mode == "generate":
        return write_contest(args.folder, args.seed)
    if mode == "check":
        out = check_work(args.folder)
    elif mode == "collusion":
        out = collusion_work(args.folder)
    elif mode == "collusion-4":
        out = collusion_work(args.folder, min_common=4)
    elif mode.startswith("profile-"):
        return {"profile": profile(mode.removeprefix("profile-"), args.folder)}
    else:
        raise ValueError(f"unknown mode {mode!r}")
    out["peak_rss_kib"] = process_peak_kib()
    return out


def run_child(mode: str, folder: Path, args: argparse.Namespace) -> dict:
    command = [sys.executable, str(Path(__file__).resolve()), "--child", mode, "--folder", str(folder),
               "--seed", str(args.seed)]
    print(f"  {mode} {folder.name} ...", end="", flush=True, file=sys.stderr)
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=args.timeout, check=False)
    print(f" {time.perf_counter() - start:.1f} s", file=sys.stderr)
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"bench_ranks: the '{mode}' subprocess failed (exit {done.returncode})")
    return json.loads(done.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------- report

def summary(runs: list[dict]) -> dict:
    """Timing and CPU seconds (min/median), peak memory, and the first run's facts."""
    facts = {k: v for k, v in runs[0].items() if not isinstance(v, (float, dict)) and k != "peak_rss_kib"}
    out = {**timing(runs, "seconds"), "cpu": timing(runs, "cpu_s"), "peak_rss_mib": peak_mib(runs), **facts}
    for key in ("load_s", "ratings_s", "screen_s"):
        if key in runs[0]:
            out[key.removesuffix("_s") + "_time"] = timing(runs, key)
    if "families_s" in runs[0]:
        out["families_median_s"] = {name: round(statistics.median(r["families_s"][name] for r in runs), 4)
                                    for name in runs[0]["families_s"]}
    return out


def row(label: str, timed: dict, cpu: float | None = None, peak: float | None = None) -> str:
    """One line of the table: label, min and median seconds, CPU seconds and peak MiB where known."""
    return (f"{label:<58}{timed['min_s']:>8.2f}{timed['median_s']:>10.2f}" + fmt(cpu, ".2f", 8)
            + fmt(peak, ".0f", 10))


def report(res: dict) -> str:
    m, c, rows = res["machine"], res["contest"], res["rows"]
    proc, base, work = rows["check_process"], rows["import"], rows["check_work"]
    families = sorted(work["families_median_s"].items(), key=lambda kv: -kv[1])
    lines = [
        (f"contest {res['contest_folder']}: {c['juries']} juries, {c['jurors']} jurors, {c['songs']} songs, "
         f"{c['places']:,} places"),
        f"{res['repeat']} fresh process{'es' * (res['repeat'] != 1)} each; {m['nproc']} CPUs, Python {m['python']}",
        "",
        f"{'measurement':<58}{'min s':>8}{'median s':>10}{'CPU s':>8}{'peak MiB':>10}",
        row("import pandas, scipy.stats (process)", base, peak=base["peak_mib"]),
        row("jury check contest --quiet (process)", proc, peak=proc["peak_mib"]),
        row("  load_festival (in the checks process)", work["load_time"]),
        row("  run_checks: the checks' own time", work, work["cpu"]["median_s"], work["peak_rss_mib"]),
        "    slowest families (table + flags, medians): " + ", ".join(f"{name} {s:.2f}" for name, s in families[:6]),
        (f"    {work['flags']} flags, {work['collusion_flags']} collusion_suspected; {work['pairs']} pairs and "
         f"{work['juries']} juries screened"),
    ]
    for key, label in (("collusion_conference", "collusion(festival), conference preset"),
                       ("collusion_conference_4", "  the same, collusion_min_common = 4"),
                       ("collusion_federation", "collusion(festival), federation (info)")):
        r = rows.get(key)
        if r is None:
            continue
        lines += [
            row(label, r, r["cpu"]["median_s"], r["peak_rss_mib"]),
            row("  the lane ratings it reads (weighted totals, coded)", r["ratings_time"]),
            row("  the screen on them", r["screen_time"]),
            (f"    {r['scores']:,} scores, {r['ratings']:,} juror x entry ratings in {r['stages']} lanes x rounds; "
             f"pairs screened: {r['pairs']:,} ({r['pair_entries']:,} pair x entry values, {r['permutations']} "
             f"permutations), juries: {r['juries']}, flagged: {r['flagged']}; the most entries two jurors share: "
             f"{r['most_common']} (collusion_min_common {r['min_common']})"),
        ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2026, help="seed of the contest and the conference (default 2026)")
    parser.add_argument("--repeat", type=int, default=3, help="timed processes per measurement (default 3)")
    parser.add_argument("--max-check-s", type=float, default=2.0, help="the checks of the contest (run_checks), median (default 2 s)")
    parser.add_argument("--max-collusion-s", type=float, default=5.0,
                        help="the collusion screen on the conference preset, median (default 5 s)")
    parser.add_argument("--skip-federation", action="store_true", help="leave out the federation (information only)")
    parser.add_argument("--profile", action="store_true", help="also print a cProfile of each targeted measurement")
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds allowed per subprocess")
    parser.add_argument("--out", type=Path, default=BENCH_DIR / "ranks.json", help="JSON output")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args)))
        return 0
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    busy_before = cpu_busy_percent()

    contest_dir = BENCH_DIR / f"contest-40x5x26-seed{args.seed}"
    start = time.perf_counter()
    contest = run_child("generate", contest_dir, args)
    print(f"wrote {contest_dir.relative_to(ROOT)} in {time.perf_counter() - start:.1f} s", flush=True)
    conference, generate_s = ensure_folder(args.seed)
    print(f"{'wrote' if generate_s is not None else 'reusing'} {conference.relative_to(ROOT)}", flush=True)
    if not args.skip_federation:
        write_demo(["--scale", "federation"], FEDERATION)

    print("running (one fresh process each):", file=sys.stderr)
    rows, busy = {}, {}
    sample_start = cpu_sample()
    before = cpu_sample()
    runs = [timed([sys.executable, "-c", "import pandas, scipy.stats"]) for _ in range(args.repeat)]
    rows["import"] = {**timing(runs, "wall_s"), "peak_mib": max(r["peak_mib"] for r in runs)}
    runs = [timed([sys.executable, "-m", "analytics", "check", str(contest_dir), "--quiet"]) for _ in range(args.repeat)]
    if any(r["exit"] not in (0, 1) for r in runs):
        raise SystemExit(f"bench_ranks: jury check exited {[r['exit'] for r in runs]}")
    rows["check_process"] = {**timing(runs, "wall_s"), "peak_mib": max(r["peak_mib"] for r in runs)}
    busy["check_process"] = others_busy_percent(before, cpu_sample())
    measured = [("check_work", "check", contest_dir), ("collusion_conference", "collusion", conference),
                ("collusion_conference_4", "collusion-4", conference)]
    if not args.skip_federation:
        measured.append(("collusion_federation", "collusion", FEDERATION))
    for key, mode, folder in measured:
        before = cpu_sample()
        rows[key] = summary([run_child(mode, folder, args) for _ in range(args.repeat)])
        busy[key] = others_busy_percent(before, cpu_sample())
    busy_during = others_busy_percent(sample_start, cpu_sample())

    results = {
        "benchmark": "bench_ranks",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"nproc": len(os.sched_getaffinity(0)), "cpu_count": os.cpu_count(),
                    "platform": platform.platform(), "python": platform.python_version()},
        "contest_folder": str(contest_dir.relative_to(ROOT)), "contest": contest,
        "conference_folder": str(conference.relative_to(ROOT)), "seed": args.seed, "repeat": args.repeat,
        "cpu_busy_percent_before": busy_before, "cpu_busy_others_percent_during": busy_during,
        "cpu_busy_others_percent": busy, "rows": rows,
    }
    check_s = rows["check_work"]["median_s"]
    collusion_s = max(rows["collusion_conference"]["median_s"], rows["collusion_conference_4"]["median_s"])
    missed = []
    if check_s > args.max_check_s:
        missed.append(f"the checks of the 40-jury contest: median {check_s:.2f} s exceeds the target "
                      f"{args.max_check_s:g} s by {check_s - args.max_check_s:.2f} s ({check_s / args.max_check_s:.2f}x)")
    if collusion_s > args.max_collusion_s:
        missed.append(f"the collusion screen on the conference preset: median {collusion_s:.2f} s exceeds the target "
                      f"{args.max_collusion_s:g} s by {collusion_s - args.max_collusion_s:.2f} s")
    results["targets"] = {"max_check_s": args.max_check_s, "max_collusion_s": args.max_collusion_s,
                          "missed": missed, "ok": not missed}

    print(report(results))
    print(f"\nCPU busy with other processes: {busy_before}% before, {busy_during}% during the timed runs ("
          + ", ".join(f"{k} {v}%" for k, v in busy.items()) + ")")
    for when, value in (("just before the run", busy_before), ("during the timed runs", busy_during)):
        if value is not None and value >= BUSY_NOTE_PERCENT:
            print(f"NOTE: other processes kept {value:.0f}% of the CPUs busy {when}: the timings may be inflated; "
                  "rerun on a quiet machine")
    if args.profile:
        for target, folder in (("check", contest_dir), ("collusion", conference)):
            print(f"\ncProfile of {'run_checks on the contest' if target == 'check' else 'collusion on the conference'}"
                  " (one extra run, not timed):")
            print(run_child(f"profile-{target}", folder, args)["profile"].strip())
    write_results(args.out, results, missed)
    if not missed:
        print(f"targets met: the contest's checks {check_s:.2f} s <= {args.max_check_s:g} s, collusion screen "
              f"{collusion_s:.2f} s <= {args.max_collusion_s:g} s")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
