"""Benchmark: the chair explorer's what-if updates (``analytics.apps.explorer.Explorer``).

A what-if update is what the notebook does when the chair leaves a juror out or takes that
back. The explorer shows it in two steps, and each step is timed on its own:

- at once: ``ex.exclude_juror(juror)`` (or ``ex.undo()``), then ``ex.standings();
  ex.agreement(); ex.jurors()``, timed from the exclude/undo call to the end of
  ``jurors()``. Only what the change touches is computed: the standings' resampled columns
  (p_first, p_top3, rank_low, rank_high) are missing and ``ex.settled`` is False until the
  lane is settled. An undo returns to a state whose gate the explorer kept, so that state is
  settled at once.
- settle: ``ex.settle(); ex.standings(); ex.juror_panel(); ex.gate()``, timed from the
  ``settle`` call to the end of ``gate()``: the whole lane checked again by the gate
  (``settle`` runs it, or reads the one kept for that state after an undo; ``gate`` then
  reads it; ``juror_panel`` reads it and computes alpha without each juror again on every
  call).

The update is the sum of the two parts (the untimed checks between them are not counted).
All on the lane in view (the first lane, ``generative_cinema``), scope ``weighted_total``,
method ``official``.

Three festivals (``--kinds``, default all three):

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
  ``festival.toml`` copied from ``data/demo`` without its ``[jury] affiliations`` lines
  (the generator writes no ``country`` column in ``jurors.csv``). The other three lanes
  are declared but empty; ``--other-lanes`` keeps the generator's other lanes too (1,500 entries, 60 jurors, 6 per
  entry), for a festival-wide cost check. Written once into
  ``build/bench/explorer-1000x40-seed<N>[-lanes]/`` and reused while its manifest matches.
  Updates: exclude 5 jurors spread over the panel (stacked), undo 5 times, then
  exclude-and-undo 3 more jurors: 16 updates per process.
- ``conference``: the folder ``analytics.synthetic.demo.write_conference(folder, seed)``
  writes with its defaults (what ``jury demo --scale conference`` writes): 20,000 entries,
  5,000 jurors, 4 jurors per entry, 6 criteria, 480,000 scores in four lanes; the lane in
  view holds 8,000 entries and 2,000 jurors (32,000 pairs, 192,000 scores). The script
  checks these counts after writing it. Written once into
  ``build/bench/explorer-conference-seed<N>/`` and reused while its manifest matches (seed,
  generator and sizes, file sizes). Updates: exclude 3 jurors spread over the panel
  (stacked), then undo 3 times: 6 updates per process.

Each measurement runs in a fresh subprocess (``--repeat`` of them, default 3): it loads the
festival, builds ``Explorer(festival, n_boot=...)`` (timed: ``init``), computes the first
view, ``ex.standings(); ex.agreement(); ex.juror_panel(); ex.gate()`` (timed on its own: it
includes first-call costs such as lazy imports, and the checks of the lane as loaded), then
runs the updates, each part timed alone and split by call. Between and after the parts the
process checks, untimed, that each showed what it claims: after an exclusion the lane is not
settled at once and the resampled columns of the standings are all missing; after the
settle it is settled and p_first is present; ``jurors()`` and the juror panel list exactly
the jurors who still count. Reported per festival and ``n_boot``, one row each for the first
view (over the processes), the at-once part, the settle and the update (over all updates of
all processes): median, max and min, the medians of the exclusions and of the undos, and the
process's CPU time (``time.process_time``, all its threads), which waiting for a CPU that
another process holds does not inflate; also the median of each call.

``n_boot``: the ``festival.toml`` default (``[checks] bootstrap_resamples`` = 1000) is the
one the targets apply to; each festival is also run with ``--alt-boot`` (default 200)
resamples, for information (0 skips it).

Targets, at the default ``n_boot``:

- ``demo``: median at-once part at most 100 ms;
- ``scale``: median at-once part at most 1 s at 1,000 entries × 40 jurors;

(these two were set when an update was one step, the whole lane through the gate: that is now
the update row, at once + settle, reported beside them);
- ``conference``: the exclusions' median at-once part at most 1 s (the issue: "the explorer on
  that folder: one what-if (leave one juror out) ≤ 1 s"; the undos, which return to a kept
  state, are not pooled in). The first view and the settle are reported without a target.

The max of the part a target applies to is reported beside its median, with a NOTE when it
is over the target. The script exits with status 1 naming a missed target.

When a target is missed or close (median or max at 80% of the target or more), or with
``--profile``, one more process per festival (not timed) runs the same updates under
cProfile, one profiler for the at-once parts and one for the settles, and prints for each the
functions of ``analytics/`` with the largest cumulative time, in ms per update.

The numbers are printed as a table and written to ``build/bench/explorer.json`` with the
machine facts, the date and the share of the CPUs other processes kept busy just before
the run (as in ``bench_agreement.py``) and during the timed runs (all CPU time from
``/proc/stat`` minus our subprocesses' own, ``RUSAGE_CHILDREN``); a NOTE is printed from
10%. The parent process imports only the standard library.

Run from the repository root (``make bench`` runs it after ``bench_commands.py``, ``bench_load.py`` and
``bench_agreement.py``)::

    .venv/bin/python benchmarks/bench_explorer.py [--kinds demo,scale,conference] [--repeat 3] [--alt-boot 200] [--profile] [--other-lanes]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

# stdlib-only, like this script
from bench_agreement import BUSY_NOTE_PERCENT, cpu_busy_percent
from bench_load import BENCH_DIR, MIB, ROOT, cached_folder, write_results

DEMO_FOLDER = ROOT / "data" / "demo"
LANE = "generative_cinema"
KINDS = ("demo", "scale", "conference")
CRITERIA = ("conducting", "cohesion", "ethics", "risk", "orchestration", "failure_logs")
SCALE_ENTRIES, SCALE_JURORS = 1000, 40
OFFSETS = (0, 1, 3, 7, 12, 20, 30, 37)  # distinct modulo 40: 8 jurors per entry, connected through offset 1
# write_conference's defaults, checked after writing (the lane in view: 40% of the entries and jurors)
CONFERENCE = {"entries": 20_000, "jurors": 5_000, "jurors_per_entry": 4, "scores": 480_000,
              "lane_entries": 8_000, "lane_jurors": 2_000}
FILES = ("festival.toml", "entries.csv", "jurors.csv", "assignments.csv", "scores.csv")
MANIFEST = ".bench-manifest.json"  # written last: its presence means the folder is complete
CLOSE_SHARE = 0.8  # a median at this share of its target or more counts as close: profiled
FIRST_VIEW = ("standings", "agreement", "juror_panel", "gate")
AT_ONCE = ("standings", "agreement", "jurors")  # after the change (exclude_juror or undo)
SETTLE = ("settle", "standings", "juror_panel", "gate")
STEPS = ("at_once", "settle")
RESAMPLED = ["p_first", "p_top3", "rank_low", "rank_high"]
DEMO_STACK = ("JR06", "JR04", "JR01")
DEMO_SINGLES = ("JR02", "JR03", "JR05", "JR07", "JR08", "JR09")
SCALE_STACK, SCALE_SINGLES = 5, 3
CONFERENCE_STACK, CONFERENCE_SINGLES = 3, 0
#: the part each target applies to: what the chair sees at once (the settle that follows is reported beside it)
TARGET_PART = {"demo": "at_once", "scale": "at_once", "conference": "at_once"}
EXCLUSIONS_ONLY = {"conference"}  # targets on the exclusions' own median (the issue's "leave one juror out"), not pooled with undos
PART_LABELS = {"first_view": "first view", "at_once": "at once", "settle": "settle", "update": "update"}


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
        n_stack, n_singles = (CONFERENCE_STACK, CONFERENCE_SINGLES) if kind == "conference" else (SCALE_STACK, SCALE_SINGLES)
        step = len(jurors) // (n_stack + n_singles)
        picks = jurors[::step][:n_stack + n_singles]
        stack, singles = picks[:n_stack], picks[n_stack:]
    updates: list[str | None] = [*stack, *([None] * len(stack))]
    for juror in singles:
        updates += [juror, None]
    return updates


def calls(ex, names: tuple[str, ...]) -> tuple[dict, dict]:
    """Call the explorer's methods in turn: the seconds each took and what each returned."""
    seconds, values = {}, {}
    for name in names:
        start = time.perf_counter()
        values[name] = getattr(ex, name)()
        seconds[name] = time.perf_counter() - start
    return seconds, values


def profile_rows(profiler, wall: float, n_updates: int, n_rows: int) -> dict:
    """A cProfile run as ms per update: ``analytics/`` by cumulative time, everything by own time."""
    import pstats
    stats = pstats.Stats(profiler).stats  # (file, line, name) -> (cc, nc, tottime, cumtime, callers)
    per = 1000.0 / n_updates
    rows = []
    for (file, line, name), (_, ncalls, tottime, cumtime, _) in stats.items():
        norm = file.replace(os.sep, "/")
        if "/analytics/" in norm and "/.venv/" not in norm:
            rows.append({"function": f"{norm.split('/analytics/', 1)[1]}:{line}({name})",
                         "calls_per_update": round(ncalls / n_updates, 2),
                         "cum_ms_per_update": round(cumtime * per, 1), "own_ms_per_update": round(tottime * per, 1)})
    rows.sort(key=lambda r: -r["cum_ms_per_update"])
    own = sorted(({"function": f"{Path(f).name}:{ln}({n})", "own_ms_per_update": round(v[2] * per, 1),
                   "calls_per_update": round(v[1] / n_updates, 1)} for (f, ln, n), v in stats.items()),
                 key=lambda r: -r["own_ms_per_update"])
    return {"updates": n_updates, "profiled_ms_per_update": round(wall * per, 1),
            "analytics_by_cumulative": rows[:n_rows], "all_by_own_time": own[:n_rows]}


def child(args: argparse.Namespace) -> dict:
    """Run one measurement in this (fresh) process and return its numbers."""
    import numpy as np
    import pandas as pd

    import analytics
    result = {"pandas": pd.__version__, "numpy": np.__version__}
    if args.child == "generate":
        if args.kind == "conference":
            generate_conference(args.folder, args.seed)
        else:
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
                  lane_pairs=len(lane_scores[["juror_id", "entry_id"]].drop_duplicates()))
    cpu = time.process_time()
    start = time.perf_counter()
    seconds, values = calls(ex, FIRST_VIEW)
    result["first_view_s"] = time.perf_counter() - start
    result["first_view_cpu_s"] = time.process_time() - cpu
    result["first_view_calls"] = seconds
    jurors = ex.jurors()
    if len(values["juror_panel"]) != len(jurors):
        raise RuntimeError(f"first view: {len(values['juror_panel'])} jurors in the panel, expected {len(jurors)}")
    updates = plan(args.kind, jurors)

    def apply(juror):
        if juror is None:
            ex.undo()
        else:
            ex.exclude_juror(juror)

    if args.child == "profile":
        import cProfile
        profilers = {step: cProfile.Profile() for step in STEPS}
        wall = dict.fromkeys(STEPS, 0.0)
        for juror in updates:
            for step in STEPS:
                start = time.perf_counter()
                profilers[step].enable()
                if step == "at_once":
                    apply(juror)
                    calls(ex, AT_ONCE)
                else:
                    calls(ex, SETTLE)
                profilers[step].disable()
                wall[step] += time.perf_counter() - start
        result["profile"] = {step: profile_rows(profilers[step], wall[step], len(updates), args.profile_rows)
                             for step in STEPS}
        return result

    runs = []
    for juror in updates:
        action = f"exclude {juror}" if juror else "undo"
        cpu = time.process_time()
        start = time.perf_counter()
        apply(juror)
        change = time.perf_counter() - start
        at_once_calls, at_once = calls(ex, AT_ONCE)
        at_once_s = time.perf_counter() - start
        at_once_cpu = time.process_time() - cpu
        settled_at_once = ex.settled  # not timed, from here to the settle: checks of what the part showed
        missing_at_once = bool(at_once["standings"][RESAMPLED].isna().all().all())
        cpu = time.process_time()
        start = time.perf_counter()
        settle_calls, settled = calls(ex, SETTLE)
        settle_s = time.perf_counter() - start
        settle_cpu = time.process_time() - cpu
        expected = len(jurors) - len(ex.exclusions)
        problems = []
        if juror is not None and settled_at_once:
            problems.append("the lane was settled at once after an exclusion")
        if not settled_at_once and not missing_at_once:
            problems.append("the standings had resampled columns before the lane was settled")
        if not ex.settled or not settled["standings"]["p_first"].notna().any():
            problems.append("after settle the lane is not settled or the standings have no p_first")
        if len(at_once["jurors"]) != expected or len(settled["juror_panel"]) != expected:
            problems.append(f"{len(at_once['jurors'])} jurors counting and {len(settled['juror_panel'])} in the panel, "
                            f"expected {expected}")
        if problems:
            raise RuntimeError(f"after {action}: " + "; ".join(problems))
        runs.append({"action": action, "excluded": len(ex.exclusions), "jurors_counting": expected,
                     "settled_at_once": settled_at_once,
                     "at_once": {"s": at_once_s, "cpu_s": at_once_cpu, "calls": {"change": change, **at_once_calls}},
                     "settle": {"s": settle_s, "cpu_s": settle_cpu, "calls": settle_calls},
                     "update": {"s": at_once_s + settle_s, "cpu_s": at_once_cpu + settle_cpu}})
    result["updates"] = runs
    result["peak_rss_kib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return result


def generate_conference(folder: Path, seed: int) -> None:
    """Write the conference festival (see the module docstring) into ``folder`` and check its sizes."""
    import pandas as pd

    from analytics.synthetic.demo import write_conference
    write_conference(folder, seed)
    entries = pd.read_csv(folder / "entries.csv", dtype=str, keep_default_na=False)
    jurors = pd.read_csv(folder / "jurors.csv", dtype=str, keep_default_na=False)
    scores = pd.read_csv(folder / "scores.csv", dtype=str, keep_default_na=False)
    found = {"entries": len(entries), "jurors": len(jurors), "scores": len(scores),
             "jurors_per_entry": round(scores[["juror_id", "entry_id"]].drop_duplicates().shape[0] / len(entries), 6),
             "lane_entries": int((entries["category"] == LANE).sum()), "lane_jurors": int((jurors["panel"] == LANE).sum())}
    if found != CONFERENCE:
        raise RuntimeError(f"write_conference wrote {found}, expected {CONFERENCE}")


def generate(folder: Path, seed: int, other_lanes: bool) -> None:
    """Write the scale festival (see the module docstring) into ``folder``."""
    import numpy as np
    import pandas as pd

    from analytics.synthetic.demo import AFFILIATION_LINES, write_conference
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
    config = (DEMO_FOLDER / "festival.toml").read_text(encoding="utf-8").replace(AFFILIATION_LINES, "")
    if "affiliations" in config:
        raise RuntimeError("data/demo/festival.toml declares [jury] affiliations in a form the benchmark cannot remove")
    (folder / "festival.toml").write_text(config, encoding="utf-8", newline="\n")
    for name, frame in (("entries", entries), ("jurors", jurors), ("assignments", assignments), ("scores", scores)):
        (folder / f"{name}.csv").write_text(frame.to_csv(index=False, lineterminator="\n"), encoding="utf-8", newline="\n")
    (folder / "README.md").write_text(
        "# Explorer benchmark festival: SYNTHETIC DATA\n\nWritten by `benchmarks/bench_explorer.py` with seed "
        f"{seed}: {LANE} holds {SCALE_ENTRIES} entries and {SCALE_JURORS} jurors, {len(OFFSETS)} jurors per entry.\n",
        encoding="utf-8")


def run_child(mode: str, args: argparse.Namespace, *, kind: str = "scale", folder: Path = DEMO_FOLDER,
              n_boot: int | None = None) -> dict:
    command = [sys.executable, str(Path(__file__).resolve()), "--child", mode, "--kind", kind,
               "--folder", str(folder), "--seed", str(args.seed), "--profile-rows", str(args.profile_rows)]
    if n_boot is not None:
        command += ["--n-boot", str(n_boot)]
    if args.other_lanes:
        command.append("--other-lanes")
    label = mode if mode == "versions" else f"{mode} {kind}" + (f" n_boot={n_boot or 'default'}" if mode != "generate" else "")
    print(f"  {label} ...", end="", flush=True, file=sys.stderr)
    start = time.perf_counter()
    done = subprocess.run(command, check=False, cwd=ROOT, capture_output=True, text=True)
    print(f" {time.perf_counter() - start:.1f} s", file=sys.stderr)
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"bench_explorer: the '{mode} {kind}' subprocess failed (exit {done.returncode})")
    return json.loads(done.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------- the festival folders

def ensure_folder(args: argparse.Namespace, kind: str) -> tuple[Path, float | None]:
    """The folder of ``kind`` (see ``bench_load.cached_folder``); ``demo`` is ``data/demo``, as it is."""
    if kind == "demo":
        return DEMO_FOLDER, None
    if kind == "conference":
        folder = BENCH_DIR / f"explorer-conference-seed{args.seed}"
        design = {"seed": args.seed, "generator": "analytics.synthetic.demo.write_conference, defaults",
                  **{k: CONFERENCE[k] for k in ("entries", "jurors", "jurors_per_entry")}}
    else:
        folder = BENCH_DIR / f"explorer-{SCALE_ENTRIES}x{SCALE_JURORS}-seed{args.seed}{'-lanes' * args.other_lanes}"
        design = {"seed": args.seed, "entries": SCALE_ENTRIES, "jurors": SCALE_JURORS, "offsets": list(OFFSETS),
                  "other_lanes": args.other_lanes, "festival_toml": "data/demo without [jury] affiliations"}
    return cached_folder(folder, design, lambda path: run_child("generate", args, kind=kind, folder=path))


# ---------------------------------------------------------------- report

def ms(values: list[float]) -> dict:
    values = [v * 1000 for v in values]
    return {"n": len(values), "min_ms": round(min(values), 1), "median_ms": round(statistics.median(values), 1),
            "max_ms": round(max(values), 1)}


def median_ms(values: list[float]) -> float | None:
    return round(statistics.median(values) * 1000, 1) if values else None


def part_summary(updates: list[dict], part: str) -> dict:
    """One part (``at_once``, ``settle`` or their sum ``update``) over all updates: wall ms, the
    medians of the exclusions and of the undos, and CPU ms."""
    cpu = ms([u[part]["cpu_s"] for u in updates])
    return {**ms([u[part]["s"] for u in updates]),
            "exclude_median_ms": median_ms([u[part]["s"] for u in updates if u["action"] != "undo"]),
            "undo_median_ms": median_ms([u[part]["s"] for u in updates if u["action"] == "undo"]),
            "cpu_median_ms": cpu["median_ms"], "cpu_max_ms": cpu["max_ms"]}


def summarise(runs: list[dict]) -> dict:
    updates = [u for r in runs for u in r["updates"]]
    first = runs[0]
    cpu = ms([r["first_view_cpu_s"] for r in runs])
    return {
        "n_boot": first["n_boot"], "processes": len(runs),
        "data": {k: first[k] for k in ("lane", "lane_entries", "lane_jurors", "lane_pairs", "lane_scores",
                                       "festival_entries", "festival_jurors", "festival_scores")},
        "load_s": [round(r["load_s"], 3) for r in runs],
        "init": ms([r["init_s"] for r in runs]),
        "first_view": {**ms([r["first_view_s"] for r in runs]), "exclude_median_ms": None, "undo_median_ms": None,
                       "cpu_median_ms": cpu["median_ms"], "cpu_max_ms": cpu["max_ms"]},
        "first_view_calls_median_ms": {c: round(statistics.median(r["first_view_calls"][c] for r in runs) * 1000, 1)
                                       for c in FIRST_VIEW},
        **{part: part_summary(updates, part) for part in (*STEPS, "update")},
        "calls_median_ms": {step: {c: round(statistics.median(u[step]["calls"][c] for u in updates) * 1000, 1)
                                   for c in updates[0][step]["calls"]} for step in STEPS},
        "sequence": [u["action"] for u in first["updates"]],
        "settled_at_once": [u["settled_at_once"] for u in first["updates"]],
        "runs_ms": [[{step: round(u[step]["s"] * 1000, 1) for step in STEPS} for u in r["updates"]] for r in runs],
        "peak_rss_mib": round(max(r["peak_rss_kib"] for r in runs) / MIB, 1),
    }


def table(res: dict) -> str:
    m = res["machine"]
    kinds = res["kinds"]
    lines = [(f"{m['nproc']} CPUs, Python {m['python']}, numpy {m['numpy']} ({m['blas']}), pandas {m['pandas']}, "
              f"scipy {m['scipy']}; {res['repeat']} fresh processes per festival and n_boot"), ""]
    for kind in kinds:
        d = res["festivals"][kind]["default"]["data"]
        lines.append(f"{kind}: {d['lane']} {d['lane_entries']:,} entries x {d['lane_jurors']:,} jurors, "
                     f"{d['lane_pairs']:,} juror-entry pairs, {d['lane_scores']:,} scores (festival: "
                     f"{d['festival_entries']:,} entries, {d['festival_jurors']:,} jurors, {d['festival_scores']:,} scores); "
                     f"updates: {', '.join(res['festivals'][kind]['default']['sequence'])}")
    lines += ["", (f"{'festival':<11}{'n_boot':>7}  {'part':<11}{'n':>4}{'median ms':>11}{'max ms':>10}{'min ms':>10}"
                   f"{'excl med':>10}{'undo med':>10}{'CPU med':>10}{'CPU max':>10}{'target ms':>11}  met")]

    def cell(value: float | None, width: int) -> str:
        return f"{value:>{width}.1f}" if value is not None else f"{'':>{width}}"

    for kind in kinds:
        for which, row in res["festivals"][kind].items():
            for part, label in PART_LABELS.items():
                p = row[part]
                target, met = "", ""
                if part == res["targets"][kind]["part"]:
                    target = f"{res['targets'][kind]['target_ms']:g}"
                    met = "(info)" if which != "default" else (
                        "yes" if p["median_ms"] <= res["targets"][kind]["target_ms"] else "NO")
                lines.append(f"{kind:<11}{row['n_boot']:>7}  {label:<11}{p['n']:>4}{p['median_ms']:>11.1f}"
                             f"{p['max_ms']:>10.1f}{p['min_ms']:>10.1f}{cell(p['exclude_median_ms'], 10)}"
                             f"{cell(p['undo_median_ms'], 10)}{p['cpu_median_ms']:>10.1f}{p['cpu_max_ms']:>10.1f}"
                             f"{target:>11}  {met}".rstrip())
    lines += [("(ms, wall clock; first view: over the processes; at once, settle and update (their sum): over all "
               "updates of all processes; CPU = the process's CPU time, all its threads: not inflated by waiting for "
               "a busy CPU)"),
              "", ("median ms per call within an update (at once: change = exclude_juror/undo, then standings, agreement, "
                   "jurors; settle: settle runs the gate (or reads the kept one), then standings, juror_panel, gate):"),
              (f"{'festival':<11}{'n_boot':>7}" + "".join(f"{c:>12}" for c in ("change", *AT_ONCE)) + "  |"
               + "".join(f"{c:>12}" for c in SETTLE))]
    for kind in kinds:
        for row in res["festivals"][kind].values():
            c = row["calls_median_ms"]
            lines.append(f"{kind:<11}{row['n_boot']:>7}" + "".join(f"{v:>12.1f}" for v in c["at_once"].values()) + "  |"
                         + "".join(f"{v:>12.1f}" for v in c["settle"].values()))
    lines += ["", "first view (fresh process, median ms per call):"]
    lines += [f"  {kind} n_boot={row['n_boot']}: "
              + ", ".join(f"{c} {v:.0f}" for c, v in row["first_view_calls_median_ms"].items())
              for kind in kinds for row in res["festivals"][kind].values()]
    return "\n".join(lines)


def profile_text(kind: str, prof: dict, row: dict) -> str:
    lines = []
    for step in STEPS:
        p = prof[step]
        lines += [(f"--- {kind}, {PART_LABELS[step]}: cProfile over {p['updates']} updates; under the profiler this part "
                   f"took {p['profiled_ms_per_update']:.0f} ms per update (timed median {row[step]['median_ms']:.0f} ms): "
                   "read the shares"),
                  "  analytics/ by cumulative time, ms per update:",
                  f"{'cum ms':>8}{'own ms':>8}{'calls':>8}  function"]
        lines += [f"{r['cum_ms_per_update']:>8.1f}{r['own_ms_per_update']:>8.1f}{r['calls_per_update']:>8g}  {r['function']}"
                  for r in p["analytics_by_cumulative"]]
        lines += ["  all functions by own time, ms per update:"]
        lines += [f"{r['own_ms_per_update']:>8.1f}{'':>8}{r['calls_per_update']:>8g}  {r['function']}"
                  for r in p["all_by_own_time"][:10]]
    return "\n".join(lines)


def parse_kinds(text: str) -> list[str]:
    kinds = list(dict.fromkeys(k.strip() for k in text.split(",") if k.strip()))
    unknown = [k for k in kinds if k not in KINDS]
    if unknown or not kinds:
        raise argparse.ArgumentTypeError(f"choose among {', '.join(KINDS)}, comma-separated; got {text!r}")
    return kinds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kinds", type=parse_kinds, default=list(KINDS),
                        help="festivals to run, comma-separated (default demo,scale,conference)")
    parser.add_argument("--seed", type=int, default=2026, help="seed of the scale and conference festivals (default 2026)")
    parser.add_argument("--repeat", type=int, default=3, help="fresh processes per festival and n_boot (default 3)")
    parser.add_argument("--alt-boot", type=int, default=200, help="also run with this n_boot, for information (0: skip)")
    parser.add_argument("--other-lanes", action="store_true", help="scale festival keeps the generator's other 3 lanes")
    parser.add_argument("--max-demo-ms", type=float, default=100.0, help="demo median update target (default 100 ms)")
    parser.add_argument("--max-scale-ms", type=float, default=1000.0, help="scale median update target (default 1000 ms)")
    parser.add_argument("--max-conference-ms", type=float, default=1000.0,
                        help="conference median at-once target (default 1000 ms)")
    parser.add_argument("--profile", action="store_true", help="always profile (otherwise only when missed or close)")
    parser.add_argument("--profile-rows", type=int, default=15, help="functions listed per profile (default 15)")
    parser.add_argument("--out", type=Path, default=BENCH_DIR / "explorer.json", help="JSON output")
    parser.add_argument("--child", choices=("generate", "versions", "run", "profile"), help=argparse.SUPPRESS)
    parser.add_argument("--kind", choices=KINDS, default="scale", help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--n-boot", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args)))
        return 0
    if args.repeat < 1 or args.alt_boot < 0:
        parser.error("--repeat must be at least 1 and --alt-boot at least 0")
    busy_before = cpu_busy_percent()

    folders, generate_s = {}, {}
    for kind in args.kinds:
        folders[kind], generate_s[kind] = ensure_folder(args, kind)
        if kind != "demo":
            print(f"{'wrote' if generate_s[kind] is not None else 'reusing'} {folders[kind].relative_to(ROOT)}"
                  + (f" in {generate_s[kind]:.1f} s" if generate_s[kind] is not None else ""), flush=True)
    print("running (one fresh process each):", file=sys.stderr)
    versions = run_child("versions", args)
    sample_start = cpu_sample()
    targets = {"demo": args.max_demo_ms, "scale": args.max_scale_ms, "conference": args.max_conference_ms}
    boots = {"default": None, **({f"n_boot={args.alt_boot}": args.alt_boot} if args.alt_boot else {})}
    festivals = {kind: {which: summarise([run_child("run", args, kind=kind, folder=folders[kind], n_boot=n_boot)
                                          for _ in range(args.repeat)])
                        for which, n_boot in boots.items()}
                 for kind in args.kinds}

    busy_during = others_busy_percent(sample_start, cpu_sample())
    missed, notes, profiles = [], [], {}
    target_info = {}
    for kind in args.kinds:
        target, part = targets[kind], TARGET_PART[kind]
        row = festivals[kind]["default"]
        median = row[part]["exclude_median_ms"] if kind in EXCLUSIONS_ONLY else row[part]["median_ms"]
        worst = row[part]["max_ms"]
        close = max(median, worst) >= CLOSE_SHARE * target
        target_info[kind] = {"part": part, "target_ms": target, "median_ms": median, "max_ms": worst,
                             "exclude_median_ms": row[part]["exclude_median_ms"], "met": median <= target, "close": close}
        what = f"median {PART_LABELS[part]}" + (" part" if part == "at_once" else "") + (
            " of the exclusions" if kind in EXCLUSIONS_ONLY else "")
        if median > target:
            missed.append(f"{kind}: {what} {median:.1f} ms exceeds the target {target:g} ms (n_boot={row['n_boot']})")
        if worst > target:
            notes.append(f"{kind}: the slowest {PART_LABELS[part]} took {worst:.1f} ms, over the {target:g} ms target")
        if args.profile or close:
            profiles[kind] = run_child("profile", args, kind=kind, folder=folders[kind])["profile"]

    results = {
        "benchmark": "bench_explorer",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"nproc": len(os.sched_getaffinity(0)), "cpu_count": os.cpu_count(),
                    "platform": platform.platform(), "python": platform.python_version(),
                    **{k: versions[k] for k in ("numpy", "pandas", "scipy", "blas")}},
        "cpu_busy_percent_before": busy_before, "cpu_busy_others_percent_during": busy_during,
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        "kinds": args.kinds, "folders": {kind: str(folders[kind].relative_to(ROOT)) for kind in args.kinds},
        "seed": args.seed, "generate_s": generate_s, "other_lanes": args.other_lanes, "repeat": args.repeat,
        "festivals": festivals, "profiles": profiles,
        "targets": {**target_info, "applies_to": "median of the part named (update = at once + settle) at the "
                    "festival.toml n_boot", "missed": missed, "ok": not missed},
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
        print("\n" + profile_text(kind, prof, festivals[kind]["default"]))
    write_results(args.out, results, missed)
    if "conference" in args.kinds:
        row = festivals["conference"]["default"]
        print(f"conference, no target (n_boot={row['n_boot']}): first view median {row['first_view']['median_ms']:.1f} ms, "
              f"settle median {row['settle']['median_ms']:.1f} ms (exclusions {row['settle']['exclude_median_ms']:.1f} ms, "
              f"undos {row['settle']['undo_median_ms']:.1f} ms)")
    if not missed:
        print("targets met: " + ", ".join(f"{kind} median {PART_LABELS[t['part']]} {t['median_ms']:.1f} ms <= "
                                         f"{t['target_ms']:g} ms" for kind, t in target_info.items()))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
