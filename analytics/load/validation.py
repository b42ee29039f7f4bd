"""From text tables to typed tables, reporting every cell that breaks the contract.

Column by column (vectorised, so 480,000 score rows take well under a second): ids and
required texts must not be empty; numbers must parse; shares lie in 0–100; scores lie on
the configured scale and step; yes/no columns hold a yes or a no. Then table by table:
unique keys; and across tables: every id a score, assignment or conflict names exists,
every score's criterion is configured, and every juror scores only in their own lane.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.base import columns as col
from analytics.load.config import FestivalConfig
from analytics.base.problems import ProblemLog
from analytics.base.text import per_distinct, strip
from analytics.load.reading import RawTable
from analytics.load.schema import ACTIONS, FALSE_WORDS, TRUE_WORDS, ColumnSpec, TableSpec

_NUMERIC = ("number", "positive", "share", "score")


def typed_table(raw: RawTable, spec: TableSpec, config: FestivalConfig | None, log: ProblemLog) -> pd.DataFrame:
    """Parse each column of ``raw`` by its spec. Extra columns are kept as text."""
    frame = raw.frame
    out = {col.SOURCE_ROW: frame[col.SOURCE_ROW]}
    for name in frame.columns.drop(col.SOURCE_ROW):
        spec_col = next((c for c in spec.columns if c.name == name), None)
        if spec_col is None:
            out[name] = frame[name].replace("", pd.NA)  # an extra column: kept, as text
        else:
            names = raw.cell_columns.get(name) if raw.cell_columns else None  # a wide sheet: each cell's own column
            names = pd.Series(name, index=frame.index) if names is None else names
            out[name] = _parse_column(frame[name], frame[col.SOURCE_ROW], spec_col, raw.source, config, log, names)
    typed = pd.DataFrame(out)
    for spec_col in spec.columns:  # optional columns that are absent: present, all missing
        if spec_col.name not in typed:
            typed[spec_col.name] = pd.Series(pd.NA, index=typed.index, dtype="str")
    if spec.key:
        _report_duplicates(typed, spec.key, raw.source, log)
    return typed


def _parse_column(text: pd.Series, rows: pd.Series, spec: ColumnSpec, source: str,
                  config: FestivalConfig | None, log: ProblemLog, names: pd.Series) -> pd.Series:
    kind = spec.kind
    stripped = strip(text)
    value = text if kind == "text" else stripped
    empty = stripped == ""
    if not spec.nullable and empty.any():
        what = "an id" if kind == "id" else "a value"
        log.add_rows(source, rows[empty], names[empty], value[empty], f"{what}; this cell may not be empty")
    if kind in ("id", "text"):
        return value.mask(empty, pd.NA).astype("str")
    if kind == "lanes":  # lane ids separated by ';': written back tidily, checked against the lanes later
        tidy = value.str.split(";").map(lambda parts: ";".join(p.strip() for p in parts if p.strip()))
        blank = ~empty & (tidy == "")
        log.add_rows(source, rows[blank], names[blank], value[blank], "lane ids separated by ';'")
        return tidy.mask(empty | blank, pd.NA).astype("str")
    if kind == "action":
        bad = ~empty & ~value.isin(ACTIONS)
        log.add_rows(source, rows[bad], names[bad], value[bad], "one of " + ", ".join(ACTIONS))
        return value.mask(empty, pd.NA).astype("str")
    if kind == "bool":
        lower = value.str.lower()
        truth = pd.Series(pd.NA, index=value.index, dtype="boolean")
        truth[lower.isin(TRUE_WORDS)] = True
        truth[lower.isin(FALSE_WORDS)] = False
        bad = ~empty & truth.isna()
        log.add_rows(source, rows[bad], names[bad], value[bad], "yes or no (also accepted: true/false, y/n, 1/0, 是/否)")
        return truth
    return _parse_number(value, empty, rows, spec, source, config, log, names)


def _parse_number(value: pd.Series, empty: pd.Series, rows: pd.Series, spec: ColumnSpec, source: str,
                  config: FestivalConfig | None, log: ProblemLog, names: pd.Series) -> pd.Series:
    number = pd.to_numeric(value.mask(empty), errors="coerce").astype("float64")
    not_number = ~empty & ~np.isfinite(number)
    if not_number.any():
        hints = np.where(value[not_number].str.endswith("%"), " (write the number without %)",
                         np.where(value[not_number].str.fullmatch(r"-?\d+,\d+"), " (use a point as the decimal separator)", ""))
        for row, name, text, hint in zip(rows[not_number], names[not_number], value[not_number], hints):
            log.add(source, int(row), name, text, f"a number{hint}")
    number = number.mask(not_number)
    present = number.notna()
    if spec.kind == "positive":
        bad = present & (number <= 0)
        log.add_rows(source, rows[bad], names[bad], value[bad], "a number above 0")
    elif spec.kind == "share":
        bad = present & ((number < 0) | (number > 100))
        log.add_rows(source, rows[bad], names[bad], value[bad], "a share from 0 to 100 (percent)")
    elif spec.kind == "score" and config is not None:
        scale = config.scale
        steps = (number - scale.minimum) / scale.step
        bad = present & ((number < scale.minimum - 1e-9) | (number > scale.maximum + 1e-9)
                         | (np.abs(steps - np.round(steps)) > 1e-6))
        log.add_rows(source, rows[bad], names[bad], value[bad], f"a score on the festival's scale: {scale.describe()}")
    return number


def _report_duplicates(frame: pd.DataFrame, key: tuple[str, ...], source: str, log: ProblemLog) -> None:
    optional = (col.ROUND, col.PERFORMANCE)
    # no round (or performance) given at all: the key is the rest
    key = tuple(k for k in key if k not in optional or (k in frame and frame[k].notna().any()))
    ids = [k for k in key if k not in optional]  # an empty round (assignments: every round) is a value like any other
    usable = frame[ids].notna().all(axis=1)
    keyed = frame.loc[usable].assign(**{k: frame[k].fillna("") for k in optional if k in key})
    repeated = keyed.duplicated(list(key), keep="first")
    if not repeated.any():
        return
    first_row = keyed.groupby(list(key), sort=False)[col.SOURCE_ROW].transform("first")
    label = key[0] if len(key) == 1 else "(" + ", ".join(key) + ")"
    for idx in keyed.index[repeated.to_numpy()]:
        shown = " × ".join(str(frame.at[idx, k]) for k in key)
        log.add(source, int(frame.at[idx, col.SOURCE_ROW]), label, shown,
                f"each {label} once; the same appears on row {int(first_row[idx])}")


def _rasch_facets_named(tables: dict[str, pd.DataFrame], sources: dict[str, str], config: FestivalConfig,
                        log: ProblemLog) -> None:
    """Each facet ``[rasch] facets`` adds is a column of scores.csv, entries.csv or jurors.csv."""
    if config.rasch is None:
        return
    for facet in config.rasch.facets:
        found = [name for name in ("scores", "entries", "jurors") if name in tables and facet in tables[name].columns
                 and (name != "scores" or tables[name][facet].notna().any())]  # (scores: an optional column, maybe empty)
        if not found:
            log.add("festival.toml", None, "rasch.facets", facet,
                    f"a column of scores.csv, entries.csv or jurors.csv named '{facet}' (festival.toml [rasch] facets "
                    "names it as a facet of the model; add the column or remove the facet)")


def _assessments_valid(tables: dict[str, pd.DataFrame], sources: dict[str, str], config: FestivalConfig,
                       entries: pd.DataFrame, jurors: pd.DataFrame, log: ProblemLog) -> None:
    """``participation_assessments.csv`` (design section 17): it needs ``[participation]`` (its dimensions);
    each row names an entry of entries.csv, an assessor of jurors.csv and a dimension of the weights."""
    table = tables.get("participation_assessments")
    if table is None:
        return
    source = sources["participation_assessments"]
    if config.participation is None:
        log.add("festival.toml", None, "participation", None,
                f"a [participation] section with the dimensions' weights: {source} assesses AI participation per "
                "dimension (add [participation] weights, or remove the assessments)")
        return
    dimensions = list(config.participation.dimensions)
    _unknown(table, col.DIMENSION, dimensions, source,
             "a dimension of festival.toml [participation] weights: " + ", ".join(dimensions), log)
    _unknown(table, col.ENTRY_ID, list(entries[col.ENTRY_ID]), source, "an entry_id listed in entries", log)
    _unknown(table, col.ASSESSOR_ID, list(jurors[col.JUROR_ID]), source,
             "a juror_id listed in jurors (a juror, or a verifier: role verifier)", log)


#: the tie-breaks ``[aggregation] tie_break`` knows by name; any other name is a column of entries.csv
TIE_BREAKS = ("none", "best_rank", "more_first")


def _tie_breaks_named(entries: pd.DataFrame, jurors: pd.DataFrame, sources: dict[str, str], config: FestivalConfig,
                      log: ProblemLog) -> None:
    """A ``tie_break`` that is not one of :data:`TIE_BREAKS` is a column of entries.csv holding a number for
    every entry (higher wins the tie). (An empty ``jury`` is the schema's: the column is required with juries.)"""
    columns = sorted({config.rule(r).tie_break for r in config.round_ids} - set(TIE_BREAKS))
    if len(columns) > 1:
        log.add("festival.toml", None, "aggregation.tie_break", ", ".join(columns),
                "one column of entries.csv to break ties by in every round (the rounds name several)")
    for r in config.round_ids:
        rule = config.rule(r)
        key = "aggregation.tie_break" if not r else f"aggregation.tie_break (round {r})"
        name = rule.tie_break
        if name in TIE_BREAKS:
            pass
        elif name not in entries.columns:
            log.add("festival.toml", None, key, name,
                    f"'none', 'best_rank', 'more_first' or a column of {sources['entries']} (to sort tied entries by, "
                    "higher first)")
        else:
            number = pd.to_numeric(entries[name], errors="coerce")
            bad = number.isna()
            log.add_rows(sources["entries"], entries.loc[bad, col.SOURCE_ROW], name, entries.loc[bad, name].fillna(""),
                         f"a number for every entry ([aggregation] tie_break sorts tied entries by {name}, higher first)")


def check_references(tables: dict[str, pd.DataFrame], sources: dict[str, str], config: FestivalConfig,
                     log: ProblemLog) -> None:
    """Cross-table rules: lanes, factions, ids, criteria, and each juror in their own lane."""
    entries, jurors = tables.get("entries"), tables.get("jurors")
    lanes = list(config.lane_ids)
    lane_list = ", ".join(lanes)
    if entries is not None:
        _unknown(entries, col.CATEGORY, lanes, sources["entries"], f"a lane id of festival.toml: {lane_list}", log)
    if jurors is not None:
        panels = juror_lanes(jurors)
        bad = ~panels[col.LANE].isin(lanes)
        for row, lane in zip(panels.loc[bad, col.SOURCE_ROW], panels.loc[bad, col.LANE]):
            log.add(sources["jurors"], int(row), col.PANEL, lane,
                    f"a lane id of festival.toml: {lane_list} (several separated by ';')")
        repeated = panels.duplicated([col.JUROR_ID, col.LANE, col.SOURCE_ROW])
        for row, lane in zip(panels.loc[repeated, col.SOURCE_ROW], panels.loc[repeated, col.LANE]):
            log.add(sources["jurors"], int(row), col.PANEL, lane, "each lane once in a juror's panel")
        if config.factions:
            _unknown(jurors, col.FACTION, list(config.factions), sources["jurors"],
                     "a faction of festival.toml [jury]: " + ", ".join(config.factions), log)
    scores = tables.get("scores")
    if scores is not None and col.SUBMITTED_AT in scores and scores[col.SUBMITTED_AT].notna().any():
        # the order of work (analytics.checks.drift): ISO 8601 or empty; each distinct text read once
        given = strip(scores[col.SUBMITTED_AT].astype("string")).fillna("")
        parsed = per_distinct(given, lambda t: pd.to_datetime(t.where(t != ""), format="ISO8601", errors="coerce", utc=True))
        bad = (given != "") & parsed.isna()
        log.add_rows(sources["scores"], scores.loc[bad, col.SOURCE_ROW], col.SUBMITTED_AT, given[bad],
                     "a date and time in ISO 8601 form, such as 2026-10-13T13:56 or 2026-10-13 13:56:00+08:00 "
                     "(or an empty cell)")
    if entries is None or jurors is None:
        return
    for affiliation in config.jury.affiliations:  # a column the screen compares: in both tables
        for table, name in ((jurors, "jurors"), (entries, "entries")):
            if affiliation not in table.columns:
                log.add(sources[name], None, affiliation, None,
                        f"a column '{affiliation}' (festival.toml [jury] affiliations names it; it must be in both "
                        f"jurors.csv and entries.csv)")
    _rasch_facets_named(tables, sources, config, log)
    _tie_breaks_named(entries, jurors, sources, config, log)
    _assessments_valid(tables, sources, config, entries, jurors, log)
    _performances_named(tables, sources, log)
    lane_of_entry = pd.Series(entries[col.CATEGORY].to_numpy(), index=entries[col.ENTRY_ID]).groupby(level=0).first()
    panel_of_juror = pd.Series(jurors[col.PANEL].to_numpy(), index=jurors[col.JUROR_ID]).groupby(level=0).first()
    panels = juror_lanes(jurors)
    sits = pd.MultiIndex.from_frame(panels[[col.JUROR_ID, col.LANE]])
    verifiers = (jurors.loc[strip(jurors[col.ROLE].astype("string")).str.lower() == col.VERIFIER, col.JUROR_ID].unique()
                 if col.ROLE in jurors.columns else [])
    for name in ("scores", "assignments", "conflicts", "performances"):
        table = tables.get(name)
        if table is None:
            continue
        source = sources[name]
        known_entry = _unknown(table, col.ENTRY_ID, lane_of_entry.index, source, "an entry_id listed in entries", log)
        if name == "performances":
            if config.rounds:
                _unknown(table, col.ROUND, list(config.round_ids), source,
                         f"a round id of festival.toml [[rounds]]: {', '.join(config.round_ids)}", log)
            elif table[col.ROUND].notna().any():
                rows = table.loc[table[col.ROUND].notna(), col.SOURCE_ROW]
                log.add_rows(source, rows, col.ROUND, table.loc[rows.index, col.ROUND],
                             "no round: festival.toml declares no [[rounds]] (declare them, or leave the column empty)")
            continue
        known_juror = _unknown(table, col.JUROR_ID, panel_of_juror.index, source, "a juror_id listed in jurors", log)
        if name in ("scores", "assignments") and len(verifiers):  # design section 17: a verifier never scores
            named = known_juror & table[col.JUROR_ID].isin(verifiers)
            log.add_rows(source, table.loc[named, col.SOURCE_ROW], col.JUROR_ID, table.loc[named, col.JUROR_ID],
                         "a juror who judges: jurors.csv gives this one the role verifier, who assesses AI "
                         "participation (participation_assessments.csv) and scores nothing (give them another role "
                         "to let them score)")
        if name in ("scores", "assignments") and config.rounds:
            rounds = ", ".join(config.round_ids)
            _unknown(table, col.ROUND, list(config.round_ids), source, f"a round id of festival.toml [[rounds]]: {rounds}", log)
        elif name == "scores" and table[col.ROUND].notna().any():
            rows = table.loc[table[col.ROUND].notna(), col.SOURCE_ROW]
            log.add_rows(source, rows, col.ROUND, table.loc[rows.index, col.ROUND],
                         "no round: festival.toml declares no [[rounds]] (declare them, or leave the column empty)")
        if name == "scores":
            known = _unknown(table, col.CRITERION, list(config.criterion_ids), source,
                             "a criterion id of festival.toml: " + ", ".join(config.criterion_ids), log)
            _criteria_of_lane(table, known & known_entry, lane_of_entry, config, source, log)
            if config.scale.ranks:
                _ranks_complete(table, known & known_entry & known_juror, lane_of_entry, source, log)
                _majority_small(table, known_entry, lane_of_entry, config, log)
        if name == "conflicts":
            continue  # a declared conflict may name any juror and entry
        both = known_entry & known_juror
        entry_lane = table.loc[both, col.ENTRY_ID].map(lane_of_entry)
        inside = pd.MultiIndex.from_arrays([table.loc[both, col.JUROR_ID], entry_lane]).isin(sits)
        # a wide sheet: name the juror's own column (wide_jurors), where the score was read
        cell = table[col.SOURCE_COLUMN] if col.SOURCE_COLUMN in table and name == "scores" else None
        judged = table.loc[both, col.JUROR_ID].isin(set(panels.loc[panels[col.LANE].isin(lanes), col.JUROR_ID]))
        outside = ~pd.Series(inside, index=entry_lane.index) & entry_lane.isin(lanes) & judged  # (a bad panel is reported above)
        idx = outside[outside].index
        verb = "scored" if name == "scores" else "is assigned"
        for i, juror, entry in zip(idx, table.loc[idx, col.JUROR_ID], table.loc[idx, col.ENTRY_ID]):
            panel = panel_of_juror[juror]
            what = f"the '{panel}' panel" if ";" not in str(panel) else f"the panels {', '.join(str(panel).split(';'))}"
            where = cell[i] if cell is not None and cell[i] == juror else col.ENTRY_ID  # wide_jurors: the juror's column
            log.add(source, int(table.at[i, col.SOURCE_ROW]), where, entry,
                    f"an entry of the juror's own lane: juror {juror} judges {what} "
                    f"but {verb} entry {entry} of the '{lane_of_entry[entry]}' lane")


def _performances_named(tables: dict[str, pd.DataFrame], sources: dict[str, str], log: ProblemLog) -> None:
    """Performances (design section 14): every score names its performance, or none does; ``performances.csv``
    and a ``performance`` column in ``assignments.csv`` need the performances of ``scores.csv``."""
    scores = tables.get("scores")
    named = scores is not None and col.PERFORMANCE in scores and scores[col.PERFORMANCE].notna().any()
    if named:
        blank = scores[col.PERFORMANCE].isna()
        log.add_rows(sources["scores"], scores.loc[blank, col.SOURCE_ROW], col.PERFORMANCE,
                     scores.loc[blank, col.PERFORMANCE].astype("object").fillna(""),
                     "a performance: other scores name theirs, and where scores judge performances every score says "
                     "which one it judges")
        return
    for name, what in (("performances", "its rows"), ("assignments", "its performance column")):
        table = tables.get(name)
        if table is None or (name == "assignments" and not (col.PERFORMANCE in table and table[col.PERFORMANCE].notna().any())):
            continue
        column = col.PERFORMANCE if name == "assignments" else None
        log.add(sources[name], None, column, None,
                f"a performance column in scores.csv: {what} name performances, and no score says which performance "
                "it judges (or leave the performances out)")


def juror_lanes(jurors: pd.DataFrame) -> pd.DataFrame:
    """One row per juror × lane of their panel (``panel`` lists lanes separated by ';'):
    ``juror_id, lane, source_row``, in the order of ``jurors.csv``."""
    present = jurors[jurors[col.PANEL].notna()]
    parts = present[col.PANEL].astype(str).str.split(";")
    long = present[[col.JUROR_ID, col.SOURCE_ROW]].assign(**{col.LANE: parts}).explode(col.LANE)
    return long.assign(**{col.LANE: long[col.LANE].str.strip()})[[col.JUROR_ID, col.LANE, col.SOURCE_ROW]].reset_index(drop=True)


def _ranks_complete(scores: pd.DataFrame, usable: pd.Series, lane_of_entry: pd.Series, source: str,
                    log: ProblemLog) -> None:
    """On a rank scale (design section 15), each juror's places in a lane and round are 1 … n, each once,
    n being the entries the juror ranked there: every place given twice (each row), and every juror
    whose places leave a gap (the places missing), is a problem. O(scores)."""
    rows = scores.loc[usable & scores[col.SCORE].notna()]
    if rows.empty:
        return
    lane = rows[col.ENTRY_ID].map(lane_of_entry).astype("str")
    rnd = rows[col.ROUND].fillna("").astype("str")
    keys = [rows[col.JUROR_ID].astype("str"), lane, rnd]
    place = rows[col.SCORE].astype(float)
    twice = pd.Series(pd.MultiIndex.from_arrays([*keys, place]).duplicated(keep=False), index=rows.index)
    for i in rows.index[twice.to_numpy()]:
        where = f" in round {rnd[i]}" if rnd[i] else ""
        log.add(source, int(scores.at[i, col.SOURCE_ROW]), col.SCORE, f"{place[i]:g}",
                f"each place once per juror, lane and round: juror {rows.at[i, col.JUROR_ID]} gives place "
                f"{place[i]:g} to more than one entry of the lane {lane[i]}{where}")
    grouped = place.groupby(keys, sort=True)
    n, top, distinct = grouped.size(), grouped.max(), grouped.nunique()
    at = grouped.indices  # each juror's rows, once: O(scores) whatever the number of jurors with a gap
    values = place.to_numpy()
    for (juror, lane_id, round_id), count in n[(top > n) | (distinct < n)].items():  # a place beyond n, or one twice
        given = set(values[at[(juror, lane_id, round_id)]].astype(int))
        missing = [k for k in range(1, int(count) + 1) if k not in given]
        where = f" in round {round_id}" if round_id else ""
        log.add(source, None, col.SCORE, None,
                f"the places 1 to {count} of juror {juror} in the lane {lane_id}{where}, each once (a place for "
                f"each of the {count} entries the juror ranked); missing: {', '.join(map(str, missing[:20]))}"
                f"{' …' if len(missing) > 20 else ''}")


#: the Skating System places a final: at most this many entries in a lane and round under ``majority``
MAJORITY_MAX_ENTRIES = 100


def _majority_small(scores: pd.DataFrame, usable: pd.Series, lane_of_entry: pd.Series, config: FestivalConfig,
                    log: ProblemLog) -> None:
    """``jurors = "majority"`` on a lane and round of more than :data:`MAJORITY_MAX_ENTRIES` entries is a
    problem: the Skating System compares every couple's marks column by column (entries² work per jury),
    and places a final of a few couples; a sum of places ranks a field."""
    rows = scores.loc[usable]
    rnd = rows[col.ROUND].fillna("").astype("str")
    counts = rows[col.ENTRY_ID].groupby([rows[col.ENTRY_ID].map(lane_of_entry).astype("str"), rnd]).nunique()
    for (lane, round_id), n in counts.items():
        if round_id in config.round_ids and config.rule(round_id).jurors == "majority" and n > MAJORITY_MAX_ENTRIES:
            where = f" (round {round_id})" if round_id else ""
            log.add("festival.toml", None, "aggregation.jurors", "majority",
                    f"at most {MAJORITY_MAX_ENTRIES} entries in a lane and round placed by the Skating System: the lane "
                    f"{lane}{where} ranks {n:,}; the Skating System places a final of a few couples (use rank_sum or "
                    "borda for a field, and majority in the final round)")


def _criteria_of_lane(scores: pd.DataFrame, usable: pd.Series, lane_of_entry: pd.Series, config: FestivalConfig,
                      source: str, log: ProblemLog) -> None:
    """A score on a criterion the entry's lane does not use (a lane with its own ``weights``)."""
    own = {lane.id: set(config.lane_criteria(lane.id)) for lane in config.lanes if lane.weights is not None}
    if not own:
        return
    rows = scores.loc[usable]
    lane = rows[col.ENTRY_ID].map(lane_of_entry)
    allowed = pd.MultiIndex.from_tuples([(lane_id, c) for lane_id, cs in own.items() for c in cs])
    bad = lane.isin(own) & ~pd.MultiIndex.from_arrays([lane, rows[col.CRITERION]]).isin(allowed)
    wide_criteria = col.SOURCE_COLUMN in scores and (scores[col.SOURCE_COLUMN] == scores[col.CRITERION]).all()
    for i in rows.index[bad.to_numpy()]:
        lane_id = lane[i]
        where = scores.at[i, col.CRITERION] if wide_criteria else col.CRITERION  # the criterion's own column
        log.add(source, int(scores.at[i, col.SOURCE_ROW]), where, scores.at[i, col.CRITERION],
                f"a criterion of the lane {lane_id}: {', '.join(config.lane_criteria(lane_id))} (its weights in festival.toml)")


def _unknown(table: pd.DataFrame, column: str, allowed, source: str, expected: str, log: ProblemLog) -> pd.Series:
    """Report values of ``column`` not in ``allowed`` (one that differs from an allowed one only in case or
    spaces says which: ids are compared exactly); return the mask of rows that are fine."""
    value = table[column]
    ok = value.isin(allowed) | value.isna()
    if ok.all():
        return ok & value.notna()
    bad = value[~ok]
    folded = {str(a).strip().casefold(): str(a) for a in allowed}
    meant = pd.Series([folded.get(str(v).strip().casefold(), "") for v in bad.unique()], index=bad.unique())
    near = bad.map(meant)  # the bad rows only
    plain = near == ""
    log.add_rows(source, table.loc[bad.index[plain], col.SOURCE_ROW], column, bad[plain], expected)
    for v, rows in bad[~plain].groupby(bad[~plain], sort=True).groups.items():  # a few distinct misspellings
        log.add_rows(source, table.loc[rows, col.SOURCE_ROW], column, bad[rows],
                     f"{expected} ('{meant[v]}' differs only in case or spaces: ids are matched exactly)")
    return ok & value.notna()
