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

from .check import run_check, summary_text
from .demo import DEMO_SEED, write_conference, write_demo
from .festival import Festival, load_festival
from .problems import FestivalDataError

EXIT_OK, EXIT_BLOCKERS, EXIT_BAD_INPUT, EXIT_INTERNAL = 0, 1, 2, 3


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
    result = run_check(festival)
    print(summary_text(result))
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        for name, table in result.tables().items():
            table.to_csv(out / f"{name}.csv", index=False)
    return EXIT_OK


def _report(folder: Path, out: Path) -> int:
    status = _check(folder, out)
    if status == EXIT_BAD_INPUT:
        return status
    from .report import execute_notebooks

    for path in execute_notebooks(folder, out):
        print(f"executed {path}")
    return status
