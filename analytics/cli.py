"""The ``jury`` command (also ``python -m analytics``).

Exit codes (design section 6): 0 publishable, 1 unresolved blockers, 2 the input could not
be loaded. A data problem never shows a traceback: it prints the problem list (and, with
``--out``, writes it to ``problems.csv``). Set ``JURY_DEBUG=1`` to see tracebacks of
unexpected errors.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from pathlib import Path

import pandas as pd

from . import columns as col
from .coverage import lane_summary, missing_scores
from .demo import DEMO_SEED, write_conference, write_demo
from .festival import Festival, load_festival
from .problems import FestivalDataError

EXIT_OK, EXIT_BLOCKERS, EXIT_BAD_INPUT, EXIT_INTERNAL = 0, 1, 2, 3
SHOWN_MISSING = 20


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="jury", description="Jury analytics workbench: can this festival publish its results?")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = commands.add_parser("check", help="load and validate a festival folder and print a summary",
                                description="Load and validate DIR; print counts per lane, juror and criterion and what is missing. "
                                            "Exit 0 when it loads, 2 when it cannot be loaded.")
    check.add_argument("dir", type=Path, help="festival folder (festival.toml, entries, jurors, scores, ...)")
    check.add_argument("--out", type=Path, help="also write the summary tables (or problems.csv) to this folder")

    report = commands.add_parser("report", help="check a festival and execute the notebooks on it",
                                 description="Check DIR as `jury check` does, then execute the notebooks on it into OUT/notebooks/.")
    report.add_argument("dir", type=Path)
    report.add_argument("--out", type=Path, help="output folder (default: build/<festival folder name>)")

    demo = commands.add_parser("demo", help="write a synthetic festival",
                               description="Write a synthetic festival: the demo (with planted, documented anomalies) "
                                           "or a conference-scale one for benchmarks. The same seed writes the same bytes.")
    demo.add_argument("--out", type=Path, required=True)
    demo.add_argument("--seed", type=int, default=DEMO_SEED)
    demo.add_argument("--scale", choices=("demo", "conference"), default="demo",
                      help="demo: ~60 entries with planted anomalies; conference: 20,000 entries, 5,000 jurors, 4 per entry")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "demo":
            return _demo(args)
        if args.command == "check":
            return _check(args.dir, args.out)
        return _report(args.dir, args.out or Path("build") / args.dir.resolve().name)
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # the last line of defence: no traceback for a jury chair
        if os.environ.get("JURY_DEBUG"):
            traceback.print_exc()
        print(f"jury: unexpected error ({type(error).__name__}: {error}). "
              "Set JURY_DEBUG=1 for details, and please report it.", file=sys.stderr)
        return EXIT_INTERNAL


def _demo(args) -> int:
    if args.scale == "conference":
        folder = write_conference(args.out, args.seed)
    else:
        folder = write_demo(args.out, args.seed)
    print(f"wrote a synthetic {args.scale} festival to {folder} (seed {args.seed})")
    return EXIT_OK


def _load_or_report(folder: Path, out: Path | None) -> Festival | None:
    try:
        return load_festival(folder)
    except FestivalDataError as error:
        print(error, file=sys.stderr)
        if out is not None:
            out.mkdir(parents=True, exist_ok=True)
            error.to_frame().to_csv(out / "problems.csv", index=False)
            print(f"the full list is in {out / 'problems.csv'}", file=sys.stderr)
        return None


def _check(folder: Path, out: Path | None) -> int:
    festival = _load_or_report(folder, out)
    if festival is None:
        return EXIT_BAD_INPUT
    print(summary_text(festival))
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        lane_summary(festival).to_csv(out / "lanes.csv", index=False)
        missing_scores(festival).to_csv(out / "missing_scores.csv", index=False)
    return EXIT_OK


def _report(folder: Path, out: Path) -> int:
    status = _check(folder, out)
    if status == EXIT_BAD_INPUT:
        return status
    from .report import execute_notebooks

    for path in execute_notebooks(folder, out):
        print(f"executed {path}")
    return status


def summary_text(festival: Festival) -> str:
    """What ``jury check`` prints: the festival, its sources, counts per lane, criterion and juror, what is missing."""
    config = festival.config
    lines = [f"{config.name}{' (SYNTHETIC DATA)' if config.synthetic else ''}", f"folder: {festival.folder}"]
    lines += [f"  {name:<12} {source}" for name, source in festival.sources.items()]
    lanes = lane_summary(festival).set_index(col.LANE)
    lines.append("")
    lines.append(_table(lanes.rename(index={lane.id: lane.name for lane in config.lanes}), "per lane"))
    counts = festival.scores.pivot_table(index=col.LANE, columns=col.CRITERION, values=col.SCORE, aggfunc="size", fill_value=0)
    counts = counts.reindex(index=list(config.lane_ids), columns=list(config.criterion_ids), fill_value=0)
    lines.append(_table(counts, "scores per criterion"))
    per_juror = festival.scores.groupby([col.LANE, col.JUROR_ID]).size()
    spread = per_juror.groupby(level=0).agg(["min", "median", "max"]).reindex(list(config.lane_ids))
    lines.append(_table(spread.rename(columns=lambda c: f"{c} per juror"), "scores per juror"))
    missing = missing_scores(festival)
    if missing.empty:
        lines.append("missing: no expected score is missing")
    else:
        lines.append(f"missing: {len(missing)} expected score{'s' * (len(missing) != 1)} absent")
        for row in missing.head(SHOWN_MISSING).itertuples(index=False):
            lines.append(f"  - juror {row.juror_id} has not scored {row.entry_id} on {row.criterion}")
        if len(missing) > SHOWN_MISSING:
            lines.append(f"  - … and {len(missing) - SHOWN_MISSING} more (see missing_scores.csv with --out)")
    scored_conflicts = int(lanes["n_conflicts_scored"].sum())
    if scored_conflicts:
        lines.append(f"conflicts: {scored_conflicts} declared conflict{'s' * (scored_conflicts != 1)} "
                     "scored anyway (see the coverage chart in notebooks/01-load-and-validate)")
    lines.append("loaded and validated: every input row is used")
    return "\n".join(lines)


def _table(frame: pd.DataFrame, title: str) -> str:
    with pd.option_context("display.width", 160, "display.max_columns", 20):
        return f"{title}:\n{frame.to_string()}\n"
