"""The load boundary: a festival folder in, one validated :class:`Festival` out.

After :func:`load_festival` returns, the rest of the package trusts the data: every id a
score names exists, every score is on the scale, every juror scores in their own lane.
When anything is wrong it raises one :class:`~analytics.base.problems.FestivalDataError`
listing every problem; :func:`validate_festival` returns the same list as a table.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd

from analytics.base import columns as col
from analytics.load.config import CONFIG_FILE, FestivalConfig, parse_config
from analytics.base.problems import FestivalDataError, ProblemLog
from analytics.base.progress import silent
from analytics.load.reading import _read_csv, _with_header, read_config_text, read_tables
from analytics.load.schema import table_specs
from analytics.load.validation import check_references, juror_lanes, typed_table

DEFAULT_ASSIGNMENTS = "every panel member × every entry of the panel's lane (no assignments table)"
AS_SCORED_ASSIGNMENTS = "the jurors who scored each entry (no assignments table; [jury] panels = \"as_scored\")"
PERFORMANCE_ASSIGNMENTS = "the jurors who scored each performance (no assignments table; the scores name performances)"


@dataclass(frozen=True, repr=False)
class Festival:
    """A festival's rules and typed tables, as validated at load.

    Tables (pandas DataFrames, one row per input row, with ``source_row`` = the row in the
    input file as a spreadsheet counts it):

    - ``entries``: ids and titles as text, ``runtime_min`` and shares as float (NaN when
      not declared), yes/no columns as nullable boolean; extra columns kept as text.
    - ``jurors``: ``juror_id, name, panel, faction, role`` (``panel``: the lane ids the juror
      judges, several separated by ';'); :attr:`juror_lanes` has one row per juror × lane.
    - ``scores``: ``entry_id, juror_id, criterion, score`` (float), the entry's ``lane`` and
      the ``round`` (``""`` in a festival without ``[[rounds]]``).
    - ``assignments``: ``juror_id, entry_id, lane, round``; the declared table, or when there is
      none, every panel member × every entry of their lane (``source_row`` is then empty);
      ``round`` empty: every round the entry takes part in.
    - ``stages``: ``lane, round, entry_id``: which entries took part in each round (every entry
      of the lane in the first; then those who went on), once the official rules have decided it: :func:`analytics.rules.stages.with_stages`.
    - ``conflicts``: ``juror_id, entry_id, reason``; empty when none are declared.
    - ``decisions``: ``flag_id, action, reason, decided_by, decided_at``; empty when none.
    """

    folder: Path
    config: FestivalConfig
    entries: pd.DataFrame
    jurors: pd.DataFrame
    scores: pd.DataFrame
    assignments: pd.DataFrame
    conflicts: pd.DataFrame
    decisions: pd.DataFrame
    #: table -> where it was read from (file, workbook sheet, or how it was derived)
    sources: Mapping[str, str]
    #: scores the chair excluded by decision (``juror_id, entry_id, criterion``): no longer expected
    excluded: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=[col.JUROR_ID, col.ENTRY_ID, col.CRITERION,
                                                                              col.ROUND]))
    #: which entries took part in each round: ``lane, round, entry_id``, as the competition ran; ``None`` until the
    #: official rules have decided it (:func:`analytics.rules.stages.with_stages`: loading runs no rule)
    stages: pd.DataFrame | None = None
    #: the performances judged (design section 14): ``lane, round, entry_id, performance, factor, base,
    #: performance_order, scored, n_jurors, usual_panel`` (``n_jurors``: who judged it; ``usual_panel``: its round's), one row per performance of an entry in a round that ``scores.csv`` or
    #: ``performances.csv`` names (``scored``: it has a score); ``None`` in a festival whose scores name none
    performances: pd.DataFrame | None = None
    #: assessed AI participation (design section 17): ``assessor_id, entry_id, dimension, share`` and the entry's
    #: ``lane``; ``None`` where the festival has no ``participation_assessments.csv``
    assessments: pd.DataFrame | None = None

    @property
    def has_assessments(self) -> bool:
        """Whether the festival's AI participation is assessed (``participation_assessments.csv``)."""
        return self.assessments is not None

    @property
    def has_performances(self) -> bool:
        """Whether the scores judge performances (a ``performance`` column): every juror statistic then
        treats an entry's performance as one judgement, and an entry's result adds up its performances."""
        return self.performances is not None

    @property
    def judgement(self) -> list[str]:
        """The columns that name one judgement in ``scores``: ``entry_id`` (and ``performance`` where the
        scores judge performances)."""
        return [col.ENTRY_ID, col.PERFORMANCE] if self.has_performances else [col.ENTRY_ID]

    @property
    def name(self) -> str:
        return self.config.name

    @property
    def juror_lanes(self) -> pd.DataFrame:
        """One row per juror × lane they judge: ``juror_id, lane`` (a juror on several panels has several); a
        verifier (role ``verifier``, design section 17) judges nothing and has none."""
        return juror_lanes(self.jurors[~self.is_verifier])[[col.JUROR_ID, col.LANE]]

    @property
    def is_verifier(self) -> pd.Series:
        """Per row of ``jurors``: a verifier, who assesses AI participation and never scores (design section 17)."""
        return is_verifier(self.jurors)

    @property
    def assignments_declared(self) -> bool:
        return self.sources["assignments"] not in (DEFAULT_ASSIGNMENTS, AS_SCORED_ASSIGNMENTS, PERFORMANCE_ASSIGNMENTS)

    def juror_labels(self) -> dict[str, str]:
        """``juror_id -> "JR01 · name"`` for the chair's charts (confidential: names)."""
        return {j: f"{j} · {n}" for j, n in zip(self.jurors[col.JUROR_ID], self.jurors[col.NAME])}

    def lane_id(self, lane: str = "") -> str:
        """``lane`` when it is a lane of the festival, its first lane when ``lane`` is empty
        (a notebook's default); a ValueError naming the lanes otherwise.

        >>> load_festival("data/demo").lane_id()
        'generative_cinema'
        """
        lanes = self.config.lane_ids
        if not lane:
            return lanes[0]
        if lane not in lanes:
            raise ValueError(f"lane must be one of {', '.join(lanes)}; got {lane!r}")
        return lane

    def lane_names(self) -> dict[str, str]:
        return {lane.id: lane.name for lane in self.config.lanes}

    def __repr__(self) -> str:
        synthetic = " (synthetic)" if self.config.synthetic else ""
        return (f"<Festival {self.name!r}{synthetic}: {len(self.entries)} entries in {len(self.config.lanes)} lanes, "
                f"{len(self.jurors)} jurors, {len(self.scores)} scores on {len(self.config.criteria)} criteria>")


def load_festival(path: str | Path, *, progress: Callable[[int, int, str], None] | None = None) -> Festival:
    """Read and validate a festival folder (design section 3).

    Parameters
    ----------
    path
        Folder holding ``festival.toml`` and the tables, each as ``<table>.csv`` (UTF-8,
        with or without BOM) or as a sheet of the folder's one ``.xlsx`` workbook.
    progress
        Told ``(done, parts, what)`` as the reading goes (the tables read, each table checked, the
        references between them): :meth:`analytics.base.progress.Progress.part`.

    Returns
    -------
    Festival
        The configuration and the typed tables. The input files are only read.

    Raises
    ------
    FestivalDataError
        Listing every problem found, with file, row, column, value and what was expected.

    Examples
    --------
    >>> festival = load_festival("data/demo")
    >>> festival.config.scale.describe()
    'a number from 1 to 10 in steps of 1'
    >>> list(festival.scores.columns[:6])
    ['source_row', 'entry_id', 'juror_id', 'criterion', 'lane', 'score']
    """
    festival, log = read_festival(Path(path), progress=progress)
    log.raise_if_any(str(path))
    return festival


def read_decisions(path: str | Path) -> pd.DataFrame:
    """A decisions file (the columns of ``decisions.csv``) read and validated on its own,
    for ``jury check --decisions FILE``. Raises FestivalDataError listing every problem."""
    path = Path(path)
    log = ProblemLog()
    spec = table_specs(None)["decisions"]
    if not path.is_file():
        log.add(path.name, None, None, None, "the file is missing; expected a decisions file with the columns "
                + ", ".join(spec.required_columns))
        log.raise_if_any(str(path.parent))
    grid = _read_csv(path, path.name, log)
    raw = _with_header(grid, spec, path.name, {}, log) if grid is not None else None
    table = typed_table(raw, spec, None, log) if raw is not None else None
    log.raise_if_any(str(path.parent))
    return table


def _declared_layout(text: str | None) -> tuple[str, tuple[str, ...]]:
    """Where festival.toml has problems: the scores layout and criteria ids it declares, as far as they can be read,
    so that a wide sheet is still read as one (its problems, not a long table's missing columns, are listed)."""
    try:
        raw = tomllib.loads(text or "")
    except tomllib.TOMLDecodeError:
        return "long", ()
    layout = raw.get("layout", {}).get("scores", "long") if isinstance(raw.get("layout"), dict) else "long"
    criteria = tuple(str(c["id"]) for c in raw.get("criteria", []) if isinstance(c, dict) and "id" in c)
    return (layout if layout in ("long", "wide_jurors", "wide_criteria") else "long"), criteria


def read_festival(folder: Path, *, progress: Callable[[int, int, str], None] | None = None
                  ) -> tuple[Festival | None, ProblemLog]:
    """The festival in ``folder`` and every problem found loading it (``None`` when there are problems);
    ``progress`` as in :func:`load_festival`."""
    told = progress or silent
    log = ProblemLog()
    if not folder.is_dir():
        log.add(str(folder), None, None, None, "no such folder; expected a festival folder holding festival.toml and the tables")
        return None, log
    text = read_config_text(folder, log)
    config = parse_config(text, log) if text is not None else None
    specs = table_specs(config)
    told(0, 3, "reading the tables")
    layout, criteria = ((config.layout.scores, config.criterion_ids) if config else _declared_layout(text))
    raw = read_tables(folder, specs, config.column_mapping if config else {}, log, layout=layout, criteria=criteria)
    sources = {name: table.source for name, table in raw.items()}
    told(1, 3, "checking each cell")
    tables = {name: typed_table(table, specs[name], config, log) for name, table in raw.items()}
    if config is None:
        return None, log
    told(2, 3, "checking the ids across tables")
    check_references(tables, sources, config, log)
    if log.problems:
        return None, log

    entries, jurors, scores = tables["entries"], tables["jurors"], tables["scores"]
    lane_of_entry = entries.set_index(col.ENTRY_ID)[col.CATEGORY]
    scores.insert(scores.columns.get_loc(col.CRITERION) + 1, col.LANE, scores[col.ENTRY_ID].map(lane_of_entry).astype("str"))
    scores[col.ROUND] = scores[col.ROUND].fillna("").astype("str")
    if col.JURY in jurors.columns and any(config.rule(r).juries is not None for r in config.round_ids):
        jury_of = jurors.set_index(col.JUROR_ID)[col.JURY].astype("str").str.strip()
        scores[col.JURY] = scores[col.JUROR_ID].map(jury_of).astype("str")
    tie_columns = {config.rule(r).tie_break for r in config.round_ids} - {"none", "best_rank", "more_first"}
    for name in tie_columns:  # (one column: a festival breaks its ties one way)
        value = pd.to_numeric(entries.set_index(col.ENTRY_ID)[name], errors="coerce")
        scores[col.TIE_VALUE] = scores[col.ENTRY_ID].map(value).astype(float)
    performances = _performances(scores, tables.get("performances"), lane_of_entry, config.round_ids)
    if performances is None:
        scores = scores.drop(columns=col.PERFORMANCE)
    elif tie_columns:
        log.add(CONFIG_FILE, None, "aggregation.tie_break", ", ".join(sorted(tie_columns)),
                "'none' where the scores judge performances: a tie is broken among entries, and a column of "
                "entries.csv does not follow an entry's performances (break ties by the rule instead)")
        return None, log
    elif config.scale.ranks:
        log.add(CONFIG_FILE, None, "scale.kind", "rank",
                "scores of whole entries: a juror ranks the entries, not each performance (leave scores.csv "
                "performance empty, or score the performances on a scale)")
        return None, log
    if "assignments" in tables:
        assignments = tables["assignments"]
        assignments[col.LANE] = assignments[col.ENTRY_ID].map(lane_of_entry).astype("str")
        assignments[col.ROUND] = assignments[col.ROUND].fillna("").astype("str")
        if performances is None:
            assignments = assignments.drop(columns=col.PERFORMANCE)
        else:
            assignments[col.PERFORMANCE] = assignments[col.PERFORMANCE].fillna("").astype("str")
    elif performances is not None:  # rotating panels: each performance's panel is the jurors who scored it
        assignments = _scored_pairs(scores, [col.ROUND, col.PERFORMANCE])
        sources["assignments"] = PERFORMANCE_ASSIGNMENTS
    elif config.jury.panels == "as_scored":
        assignments = _scored_pairs(scores)
        sources["assignments"] = AS_SCORED_ASSIGNMENTS
    else:
        problem = _implausible_full_panels(entries, jurors, scores)
        if problem:
            log.add(CONFIG_FILE, None, "jury.panels", "full", problem)
            return None, log
        assignments = _default_assignments(entries, jurors)
        sources["assignments"] = DEFAULT_ASSIGNMENTS
    for name in ("conflicts", "decisions"):
        if name not in tables:
            tables[name] = pd.DataFrame({c.name: pd.Series(dtype="str") for c in specs[name].columns})
            tables[name].insert(0, col.SOURCE_ROW, pd.Series(dtype="int64"))
            sources[name] = f"(no {name}.csv: none declared)"
    if performances is not None and "performances" not in sources:
        sources["performances"] = "(no performances.csv: every performance scored counts once, with no base points)"
    assessments = tables.get("participation_assessments")
    if assessments is not None:
        assessments[col.LANE] = assessments[col.ENTRY_ID].map(lane_of_entry).astype("str")
    return Festival(folder, config, entries, jurors, scores, assignments, tables["conflicts"], tables["decisions"],
                    sources, performances=performances, assessments=assessments), log


def _performances(scores: pd.DataFrame, listed: pd.DataFrame | None, lane_of_entry: pd.Series,
                  rounds: tuple[str, ...]) -> pd.DataFrame | None:
    """The performances of a festival whose scores name them (:attr:`Festival.performances`; None
    otherwise), and ``scores`` given each score's performance ``factor``, ``base`` and
    ``performance_order``. A performance ``performances.csv`` lists keeps its factor and base (empty:
    1 and 0) and its place in the file; one it does not list counts once with no base, after the
    listed ones in the order of ``scores.csv``. O(scores)."""
    if col.PERFORMANCE not in scores or not scores[col.PERFORMANCE].notna().any():
        return None
    keys = [col.ENTRY_ID, col.ROUND, col.PERFORMANCE]
    scores[col.PERFORMANCE] = scores[col.PERFORMANCE].astype("str")
    scored = scores[keys].drop_duplicates()
    if listed is not None and len(listed):
        listed = listed.assign(**{col.ROUND: listed[col.ROUND].fillna("").astype("str"),
                                  col.FACTOR: pd.to_numeric(listed[col.FACTOR]).fillna(1.0),  # (a column absent: all empty)
                                  col.BASE: pd.to_numeric(listed[col.BASE]).fillna(0.0)})
        extra = [c for c in listed.columns if c not in (col.SOURCE_ROW, *keys, col.FACTOR, col.BASE)]
        table = pd.concat([listed[[*keys, col.FACTOR, col.BASE, *extra]],
                           scored.assign(**{col.FACTOR: 1.0, col.BASE: 0.0})]).drop_duplicates(keys)
    else:
        table = scored.assign(**{col.FACTOR: 1.0, col.BASE: 0.0})
    table = table.reset_index(drop=True)
    order = {r: i for i, r in enumerate(rounds)}
    table[col.PERFORMANCE_ORDER] = table.groupby([col.ENTRY_ID, col.ROUND], sort=False).cumcount()
    table.insert(0, col.LANE, table[col.ENTRY_ID].map(lane_of_entry).astype("str"))
    at = pd.MultiIndex.from_frame(scores[keys])
    here = pd.MultiIndex.from_frame(table[keys])
    table["scored"] = here.isin(at)
    table = table.sort_values([col.LANE, col.ROUND, col.ENTRY_ID, col.PERFORMANCE_ORDER],
                              key=lambda s: s.map(order) if s.name == col.ROUND else s, kind="stable", ignore_index=True)
    judges = scores.drop_duplicates([*keys, col.JUROR_ID]).groupby(keys, sort=False).size()
    table["n_jurors"] = judges.reindex(pd.MultiIndex.from_frame(table[keys])).fillna(0).astype(np.int64).to_numpy()
    table[col.USUAL_PANEL] = _usual(table)
    where = pd.MultiIndex.from_frame(table[keys]).get_indexer(at)
    for name in (col.FACTOR, col.BASE, col.PERFORMANCE_ORDER, col.USUAL_PANEL):
        scores[name] = table[name].to_numpy()[where]
    return table


#: without assignments.csv, panels of more expected pairs than this, of which fewer than
#: :data:`FULL_PANEL_MIN_SHARE` were scored, are taken for a design in which jurors score a part of
#: their lane (a conference), not for a jury that has barely started: the load says so
FULL_PANEL_MAX_UNSCORED = 100_000
FULL_PANEL_MIN_SHARE = 0.1


def is_verifier(jurors: pd.DataFrame) -> pd.Series:
    """Per row of ``jurors``: a verifier (role ``verifier``), who assesses AI participation and scores nothing
    (design section 17)."""
    if col.ROLE not in jurors.columns:
        return pd.Series(False, index=jurors.index)
    return jurors[col.ROLE].fillna("").astype("str").str.strip().str.lower() == col.VERIFIER


def judging(jurors: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``jurors`` who judge: all but the verifiers."""
    return jurors[~is_verifier(jurors)]


def _implausible_full_panels(entries: pd.DataFrame, jurors: pd.DataFrame, scores: pd.DataFrame) -> str:
    """Why every panel member scoring every entry of its lane cannot be the design, or "".
    Counts only (entries per lane × members per panel): the pairs are never listed.

    >>> import pandas as pd
    >>> e = pd.DataFrame({"entry_id": [f"P{i}" for i in range(1000)], "category": "main"})
    >>> j = pd.DataFrame({"juror_id": [f"R{i}" for i in range(2000)], "panel": "main", "source_row": range(2, 2002)})
    >>> s = pd.DataFrame({"entry_id": [f"P{i // 2}" for i in range(2000)], "juror_id": j["juror_id"]})
    >>> print(_implausible_full_panels(e, j, s))
    assignments.csv, or panels = "as_scored" under [jury] (each entry's panel is then the jurors who scored it): without either, every panel member is expected to score every entry of their lane, 2,000,000 juror-entry pairs, and only 2,000 (0.10%) have scores
    """
    members = juror_lanes(judging(jurors))[col.LANE].value_counts()
    sizes = entries[col.CATEGORY].value_counts()
    expected = int((members.reindex(sizes.index).fillna(0) * sizes).sum())
    scored = len(scores[[col.JUROR_ID, col.ENTRY_ID]].drop_duplicates())
    if expected <= FULL_PANEL_MAX_UNSCORED or scored >= FULL_PANEL_MIN_SHARE * expected:
        return ""
    return (f'assignments.csv, or panels = "as_scored" under [jury] (each entry\'s panel is then the jurors who scored '
            f"it): without either, every panel member is expected to score every entry of their lane, {expected:,} "
            f"juror-entry pairs, and only {scored:,} ({scored / expected:.2%}) have scores")


def usual_panel(n_jurors: np.ndarray) -> int:
    """The usual panel of performances judged by ``n_jurors`` jurors each: the most frequent number (the
    larger on a tie); 0 for none.

    >>> usual_panel(np.array([7, 7, 6, 7, 5, 5, 5]))
    7
    """
    times = np.bincount(np.asarray(n_jurors, dtype=np.int64))
    return len(times) - 1 - int(np.argmax(times[::-1])) if len(times) else 0


def _usual(performances: pd.DataFrame) -> np.ndarray:
    """Per performance: its lane and round's :func:`usual_panel`, from ``n_jurors`` of the performances
    scored (a few lanes × rounds)."""
    scored = performances[performances["n_jurors"] > 0]
    usual = scored.groupby([col.LANE, col.ROUND])["n_jurors"].agg(usual_panel)
    at = usual.index.get_indexer(pd.MultiIndex.from_frame(performances[[col.LANE, col.ROUND]]))
    return np.where(at >= 0, usual.to_numpy()[np.maximum(at, 0)], 0).astype(np.int64)


def _scored_pairs(scores: pd.DataFrame, within: list[str] | None = None) -> pd.DataFrame:
    """The design ``panels = "as_scored"`` declares: each (juror, entry) pair with a score, in every round
    (or, ``within`` = round and performance: each (juror, entry, round, performance) with a score)."""
    if within:
        out = scores[[col.JUROR_ID, col.ENTRY_ID, col.LANE, *within]].drop_duplicates([col.JUROR_ID, col.ENTRY_ID, *within])
        out.insert(0, col.SOURCE_ROW, pd.array([pd.NA] * len(out), dtype="Int64"))
        return out.reset_index(drop=True)
    out = scores[[col.JUROR_ID, col.ENTRY_ID, col.LANE]].drop_duplicates([col.JUROR_ID, col.ENTRY_ID]).assign(**{col.ROUND: ""})
    out.insert(0, col.SOURCE_ROW, pd.array([pd.NA] * len(out), dtype="Int64"))
    return out.reset_index(drop=True)


def _default_assignments(entries: pd.DataFrame, jurors: pd.DataFrame) -> pd.DataFrame:
    """Every panel member × every entry of their lane; a verifier (role ``verifier``: assesses AI participation,
    design section 17) scores nothing and is expected to score nothing."""
    pairs = juror_lanes(judging(jurors)).merge(entries[[col.ENTRY_ID, col.CATEGORY]], left_on=col.LANE, right_on=col.CATEGORY)
    out = pairs[[col.JUROR_ID, col.ENTRY_ID, col.LANE]].assign(**{col.ROUND: ""})
    out.insert(0, col.SOURCE_ROW, pd.array([pd.NA] * len(out), dtype="Int64"))
    return out.reset_index(drop=True)


__all__ = ["Festival", "FestivalDataError", "load_festival", "read_festival", "CONFIG_FILE"]
