"""The ``jury`` command (also ``python -m analytics``).

Exit codes (design section 6): 0 publishable, 1 unresolved blockers, 2 the input could not
be loaded. A data problem never shows a traceback: it prints the problem list (and, with
``--out``, writes it to ``problems.csv``). Set ``JURY_DEBUG=1`` to see tracebacks of
unexpected errors.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import traceback
from pathlib import Path
from typing import TYPE_CHECKING

from analytics.present.manifest import MANIFEST, build_manifest, verify
from analytics.base.problems import FestivalDataError
from analytics.base.progress import Progress, Reporter

if TYPE_CHECKING:
    from analytics.load.festival import Festival

# Start-up costs: each command imports what it uses, when it runs (`jury check` needs pandas,
# scipy and the checks; not the demo writers, papermill, the charts or the report machinery).

EXIT_OK, EXIT_BLOCKERS, EXIT_BAD_INPUT, EXIT_INTERNAL = 0, 1, 2, 3
#: the seed of data/demo (analytics.synthetic.demo.DEMO_SEED, without importing the demo writers)
DEMO_SEED = 2026
#: jury demo --kind: the synthetic competitions beside the film festival, each by its module of
#: analytics.synthetic and its writer there
KINDS = {"festival": None, "one-score": ("examples", "write_one_score"), "wide-sheet": ("examples", "write_wide_sheet"),
         "rounds": ("examples", "write_rounds"), "diving": ("sports", "write_diving"),
         "ski-jumping": ("sports", "write_ski_jumping"), "contest": ("contests", "write_contest"),
         "dance": ("contests", "write_dance")}


def _festival_arguments(command: argparse.ArgumentParser, out_help: str) -> None:
    """The arguments every command on a festival folder takes: DIR, --out, --decisions, --quiet."""
    command.add_argument("dir", type=Path, help="festival folder (festival.toml, entries, jurors, scores, ...)")
    command.add_argument("--out", type=Path, help=out_help)
    command.add_argument("--decisions", type=Path, help="a decisions file to use instead of DIR/decisions.csv")
    command.add_argument("--quiet", action="store_true", help="no progress lines on standard error")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="jury", description="Jury analytics workbench: can this festival publish its results?")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = commands.add_parser("check", help="load and validate a festival folder and print a summary",
                                description="Load and validate DIR; print counts per lane, juror and criterion and what is missing. "
                                            "Exit 0 when it loads, 2 when it cannot be loaded.")
    _festival_arguments(check, "also write flags.csv, rankings.csv and the other tables (or problems.csv) here")

    report = commands.add_parser("report", help="write the post-festival report (public and confidential) and its tables",
                                 description="Check DIR as `jury check` does, execute notebook 20 on it once per page, and write OUT/: "
                                             "report.html and report.pdf (public), public/ (CSV, XLSX), chair.html and "
                                             "confidential/ (jury room only), manifest.json. With blockers open every page "
                                             "says DRAFT — NOT FOR PUBLICATION and the exit code is 1 unless --draft is given.")
    _festival_arguments(report, "output folder (default: build/<festival folder name>)")
    report.add_argument("--draft", action="store_true", help="exit 0 even when blockers are open (the report is marked DRAFT)")
    report.add_argument("--no-pdf", action="store_true", help="do not print report.pdf (it needs Chromium)")
    report.add_argument("--appendix", action="store_true",
                        help="also execute the analysis notebooks (01-05) on DIR into OUT/confidential/notebooks/")

    feedback = commands.add_parser("feedback", help="write one confidential feedback page per juror",
                                   description="Check DIR as `jury check` does (the chair's decisions applied) and write "
                                               "OUT/<juror_id>.html for every juror: their own severity, spread, agreement "
                                               "with the rest of the panel, affiliation preference and drift, each with a "
                                               "sentence on how to read it. A page names no other juror. OUT/manifest.json "
                                               "records the pages (jury verify); other files in OUT are left alone.")
    _festival_arguments(feedback, "output folder (default: build/<festival folder name>-feedback, beside the report)")

    verify = commands.add_parser("verify", help="check an output folder against its manifest.json",
                                 description="Hash the inputs and outputs recorded in OUT/manifest.json again and say "
                                             "whether anything changed. Exit 0 unchanged, 1 changed, 2 no manifest.")
    verify.add_argument("out", type=Path)

    demo = commands.add_parser("demo", help="write a synthetic festival",
                               description="Write a synthetic festival: the demo (with planted, documented anomalies) "
                                           "or a conference-scale one for benchmarks. The same seed writes the same bytes.")
    demo.add_argument("--out", type=Path, required=True)
    demo.add_argument("--seed", type=int, default=DEMO_SEED)
    demo.add_argument("--scale", choices=("demo", "conference", "federation", "review"), default="demo",
                      help="demo: ~60 entries with planted anomalies; conference: 20,000 entries, 5,000 jurors, 4 per "
                           "entry; federation: 136 panels of 9 judges, 12 entries each, 5 components, drop_extremes; review: "
                           "4,919 papers, about 18,600 reviews, each by its own anonymous reviewer (one score per juror)")
    demo.add_argument("--kind", choices=KINDS, default="festival",
                      help="festival: the film festival (see --scale); one-score: a music competition with one overall "
                           "score, abstentions and jurors on two panels; wide-sheet: the same as a wide_jurors sheet; "
                           "rounds: a piano competition in three rounds with clip-to-mean and a tie at a cut; diving: a "
                           "springboard event judged dive by dive (degrees of difficulty, rotating panels, a withdrawal, "
                           "a missing mark, a home judge); ski-jumping: two rounds of jumps, style marks plus distance "
                           "and wind points; contest: a song contest's 36 national juries of five ranking 26 songs, "
                           "points per jury, one jury planted with near-identical rankings; dance: a final of six "
                           "couples and seven adjudicators placed by the Skating System")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "demo":
            return _demo(args)
        if args.command == "check":
            return _check(args.dir, args.out, args.decisions, progress=Reporter(quiet=args.quiet))[0]
        if args.command == "verify":
            return _verify(args.out)
        if args.command == "feedback":
            return _feedback(args.dir, args.out or Path("build") / f"{args.dir.resolve().name}-feedback", args.decisions,
                             progress=Reporter(quiet=args.quiet))
        return _report(args.dir, args.out or Path("build") / args.dir.resolve().name, args.decisions, args.draft,
                       pdf=not args.no_pdf, appendix=args.appendix, progress=Reporter(quiet=args.quiet))
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # the last line of defence: no traceback for a jury chair
        if os.environ.get("JURY_DEBUG"):
            traceback.print_exc()
        print(f"jury: unexpected error ({type(error).__name__}: {error}). "
              "Set JURY_DEBUG=1 for details, and please report it.", file=sys.stderr)
        return EXIT_INTERNAL


def _demo(args) -> int:
    from analytics.synthetic import examples
    from analytics.synthetic.demo import write_conference, write_demo

    if args.kind != "festival":
        module, writer = KINDS[args.kind]
        folder = getattr(importlib.import_module(f"analytics.synthetic.{module}"), writer)(args.out, args.seed)
        print(f"wrote a synthetic {args.kind} competition to {folder} (seed {args.seed})")
        return EXIT_OK
    if args.scale == "federation":
        folder = examples.write_federation(args.out, args.seed)
    elif args.scale == "review":
        folder = examples.write_review(args.out, args.seed)
    elif args.scale == "conference":
        folder = write_conference(args.out, args.seed)
    else:
        folder = write_demo(args.out, args.seed)
    print(f"wrote a synthetic {args.scale} festival to {folder} (seed {args.seed})")
    return EXIT_OK


def _load_or_report(folder: Path, out: Path | None, progress: Progress | None = None) -> Festival | None:
    """The festival in ``folder`` with its rounds decided by its rules; ``None`` (and every
    problem reported) when its tables or its rounds have problems. ``progress``: the load's bar."""
    from analytics.load.festival import load_festival
    from analytics.rules.stages import with_stages

    try:
        return with_stages(load_festival(folder, progress=progress.part if progress else None))
    except FestivalDataError as error:
        _report_problems(error, out)
        return None


PROBLEMS = "problems.csv"


def _stale(out: Path) -> set[str]:
    """What an earlier run of the workbench wrote into ``out`` (its manifest's ``written``) and
    problems.csv: removed after this run has written its outputs, where it did not write them.
    Nothing else in ``out`` is touched (:mod:`analytics.present.exports`)."""
    from analytics.present.exports import written_before

    return written_before(out) | {PROBLEMS}


def _report_problems(error: FestivalDataError, out: Path | None) -> None:
    """Print every problem; with ``--out``, write them to problems.csv there, in place of an
    earlier run's results (which would no longer be this run's): its outputs are removed, and
    its manifest last, which no longer describes the folder."""
    print(error, file=sys.stderr)
    if out is not None:
        from analytics.present.exports import write_tables

        write_tables(out, {PROBLEMS.removesuffix(".csv"): error.to_frame()}, drop=_stale(out) | {MANIFEST})
        print(f"the full list is in {out / PROBLEMS}", file=sys.stderr)


def _with_decisions(festival: Festival, path: Path | None) -> Festival:
    """The festival with the decisions file given on the command line in place of decisions.csv."""
    if path is None:
        return festival
    from dataclasses import replace

    from analytics.load.festival import read_decisions

    return replace(festival, decisions=read_decisions(path), sources={**festival.sources, "decisions": path.name})


def _gate(folder: Path, out: Path | None, decisions_file: Path | None, progress: Reporter | None = None):
    """Load the folder and run the gate, printing the summary; the gate, or None when the input is bad.
    ``progress`` shows each step on standard error as it finishes."""
    progress = progress or Reporter(quiet=True)
    loading = progress(1, "load")
    festival = _load_or_report(folder, out, loading)
    if festival is None:
        return None
    loading.step(f"{folder} ({len(festival.scores):,} scores)")
    from analytics.gate.decisions import run_gate
    from analytics.present.summary import summary_text

    try:
        gate = run_gate(_with_decisions(festival, decisions_file), progress=progress)
    except FestivalDataError as error:
        _report_problems(error, out)
        return None
    print(summary_text(gate))
    return gate


def _feedback(folder: Path, out: Path, decisions_file: Path | None, *, progress: Reporter) -> int:
    """The gate, then one page per juror into ``out``; exit 0, or 2 when the input cannot be loaded."""
    festival = _load_or_report(folder, None)
    if festival is None:
        return EXIT_BAD_INPUT
    from analytics.present.feedback import write_feedback
    from analytics.gate.decisions import run_gate

    try:
        gate = run_gate(_with_decisions(festival, decisions_file), progress=progress)
    except FestivalDataError as error:
        _report_problems(error, None)
        return EXIT_BAD_INPUT
    pages = write_feedback(festival, out, gate=gate, decisions_file=decisions_file)
    print(f"wrote {len(pages)} confidential feedback page{'s' * (len(pages) != 1)} to {out} (one per juror: "
          "hand each juror their own file only)")
    return EXIT_OK


def _check(folder: Path, out: Path | None, decisions_file: Path | None = None, *,
           progress: Reporter | None = None) -> tuple[int, Festival | None]:
    """Run the gate; the exit code, and the festival when it loaded."""
    progress = progress or Reporter(quiet=True)
    whole = progress(0, "jury check")
    gate = _gate(folder, out, decisions_file, progress)
    if gate is None:
        return EXIT_BAD_INPUT, None
    festival = gate.before.festival
    if out is not None:
        from analytics.present.exports import write_tables
        from analytics.present.summary import output_tables

        tables = output_tables(gate)
        write_tables(out, tables, drop=_stale(out))
        _write_manifest(folder, out, festival.config.checks.seed, gate.publishable, decisions_file,
                        written=[f"{name}.csv" for name in tables])
    whole.done()
    return (EXIT_OK if gate.publishable else EXIT_BLOCKERS), festival


def _write_manifest(folder: Path, out: Path, seed: int, publishable: bool, decisions_file: Path | None,
                    written: list[str]) -> None:
    """manifest.json, written last (atomically): the folder's files then are this run's."""
    from analytics.present.exports import replace_file

    text = build_manifest(folder, out, seed=seed, gate="publishable" if publishable else "blockers open",
                          decisions_file=decisions_file, written=written)
    replace_file(out / MANIFEST, text)


def _verify(out: Path) -> int:
    try:
        problems = verify(out)
    except (FileNotFoundError, KeyError, ValueError) as error:
        print(f"jury verify: no readable {MANIFEST} in {out} ({type(error).__name__}: {error})", file=sys.stderr)
        return EXIT_BAD_INPUT
    if problems:
        print(f"{out}: {len(problems)} difference{'s' * (len(problems) != 1)} from {MANIFEST}:")
        print("\n".join(f"  - {p}" for p in problems))
        return EXIT_BLOCKERS
    print(f"{out}: every input and output matches {MANIFEST}")
    return EXIT_OK


def _report(folder: Path, out: Path, decisions_file: Path | None, draft: bool, *, pdf: bool = True,
            appendix: bool = False, progress: Reporter | None = None) -> int:
    progress = progress or Reporter(quiet=True)
    whole = progress(0, "jury report")
    gate = _gate(folder, None, decisions_file, progress)
    if gate is None:
        return EXIT_BAD_INPUT
    from analytics.apps.report import PAGES, IdentityLeak, NotebookFailed, UnsafeOut, build_report, report_notebooks
    from analytics.base.processes import workers

    steps = len(PAGES) + (len(report_notebooks()) if appendix else 0)
    try:
        outcome = build_report(folder, out, gate, decisions_file=decisions_file, pdf=pdf, appendix=appendix,
                               progress=progress(steps, f"notebooks ({min(workers(), steps)} at a time)"))
    except (IdentityLeak, UnsafeOut) as error:
        print(f"jury report: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except NotebookFailed as error:
        print(f"jury report: a notebook failed, so no report was written ({out} is unchanged): {error}", file=sys.stderr)
        return EXIT_INTERNAL
    whole.done()
    print(f"\nwrote {out}/: report.html{', report.pdf' if outcome.pdf_problem is None and pdf else ''}, public/ "
          "(safe to hand out); chair.html, confidential/ (jury room only); manifest.json")
    if outcome.pdf_problem:
        print(f"jury report: report.pdf not written: {outcome.pdf_problem}", file=sys.stderr)
    if outcome.draft:
        print(f"DRAFT — NOT FOR PUBLICATION: {len(gate.open_blockers)} blocker(s) open; every page of the report says so"
              + (" (--draft given)" if draft else "; decide on them in decisions.csv, or pass --draft to accept a draft"))
        return EXIT_OK if draft else EXIT_BLOCKERS
    return EXIT_OK
