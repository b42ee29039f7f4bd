"""The input tables of a festival folder, declared once (design section 3).

Each :class:`TableSpec` lists its columns with a kind and whether cells may be empty; the
reader and the validator follow these specs, and the README's input-contract table is
checked against them by a test. The core of each table is all a folder needs (design
section 9); the entries columns of an eligibility rule (:mod:`analytics.load.rule_families`) are
required only when ``festival.toml`` configures that rule: one ``share_<dimension>`` column
per participation dimension and one ``appendix_<part>`` column per appendix part.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from analytics.base import columns as col
from analytics.load.config import FestivalConfig
from analytics.load.rule_families import needed_columns

Kind = Literal["id", "text", "number", "positive", "share", "score", "bool", "action", "lanes"]

#: the chair's answers to a flag (design section 5)
ACTIONS = ("exclude_score", "exclude_juror", "disqualify_entry", "accept")
#: spellings accepted in yes/no columns (case-insensitive)
TRUE_WORDS = ("yes", "y", "true", "1", "是")
FALSE_WORDS = ("no", "n", "false", "0", "否")


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    kind: Kind
    nullable: bool = False  # may a cell be empty?
    required: bool = True  # must the column be in the file?
    description: str = ""
    needed_by: str = ""  # the configured rule that makes an optional column required (named in the error)


@dataclass(frozen=True)
class TableSpec:
    name: str
    columns: tuple[ColumnSpec, ...]
    key: tuple[str, ...]  # unique together; () for none
    required: bool  # must the file exist?
    description: str

    @property
    def file(self) -> str:
        return f"{self.name}.csv"

    def column(self, name: str) -> ColumnSpec:
        return next(c for c in self.columns if c.name == name)

    @property
    def required_columns(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)


def _entry_columns(config: FestivalConfig | None) -> tuple[ColumnSpec, ...]:
    """The entries columns: the core, then the rule columns; a rule column is required when a
    configured rule reads it, otherwise it is optional (typed when present)."""
    dimensions = config.participation.dimensions if config and config.participation else ()
    appendix = config.requirements.appendix if config else ()
    rules = [
        ColumnSpec(col.RUNTIME_MIN, "positive", True, False, description="runtime in minutes"),
        ColumnSpec(col.AI_SHARE, "share", True, False, description="declared holistic AI participation, 0 to 100"),
        *(ColumnSpec(col.share_column(d), "share", True, False, description=f"AI share of {d}, 0 to 100") for d in dimensions),
        ColumnSpec(col.TOOLS, "text", True, False, description="tools used, separated by ';'"),
        ColumnSpec(col.RESOLUTION, "text", True, False, description="master resolution, e.g. 3840x2160, 4K, 1080p"),
        ColumnSpec(col.LOSSLESS_AUDIO, "bool", True, False, description="lossless audio master supplied (yes/no)"),
        *(ColumnSpec(col.appendix_column(p), "bool", True, False, description=f"pipeline appendix covers {p} (yes/no)")
          for p in appendix),
        ColumnSpec(col.AUTHORSHIP_PROOF, "bool", True, False, description="proof of human authorship supplied (yes/no)"),
        ColumnSpec(col.COUNTRY, "text", True, False, description="country or territory of production"),
    ]
    needed = needed_columns(config)
    rules = [replace(c, required=True, needed_by=f"{needed[c.name].words} ({needed[c.name].keys} in festival.toml)")
             if c.name in needed else c for c in rules]
    return (
        ColumnSpec(col.ENTRY_ID, "id", description="unique id of the entry"),
        ColumnSpec(col.TITLE, "text", description="title, in any script"),
        ColumnSpec(col.CATEGORY, "id", description="the lane the entry competes in (a lane id of festival.toml)"),
        *rules,
    )


def _jury_column(config: FestivalConfig | None) -> ColumnSpec:
    """``jurors.csv`` ``jury``: required where a round's rule has ``juries`` (design section 15)."""
    described = "the jury within the lane the juror sits on, e.g. a country's jurors"
    if config is not None and any(config.rule(r).juries is not None for r in config.round_ids):
        return ColumnSpec(col.JURY, "text", needed_by="the juries of [aggregation] juries in festival.toml",
                          description=described)
    return ColumnSpec(col.JURY, "text", True, False, description=described)


def table_specs(config: FestivalConfig | None) -> dict[str, TableSpec]:
    """The seven input tables for a festival configured by ``config`` (``None``: the core only,
    used when ``festival.toml`` itself could not be read)."""
    entries = TableSpec("entries", _entry_columns(config), key=(col.ENTRY_ID,), required=True,
                        description="one row per entry")
    jurors = TableSpec(
        "jurors",
        (
            ColumnSpec(col.JUROR_ID, "id", description="unique id of the juror"),
            ColumnSpec(col.NAME, "text", description="name (confidential: never in public outputs)"),
            ColumnSpec(col.PANEL, "lanes", description="the lane(s) the juror judges: lane ids, several separated by ';'"),
            ColumnSpec(col.FACTION, "text", True, False, description="faction, e.g. art, technology, ethics, community"),
            ColumnSpec(col.ROLE, "text", True, False, description="role, e.g. chair or member"),
            _jury_column(config),
        ),
        key=(col.JUROR_ID,),
        required=True,
        description="one row per juror",
    )
    rounds = bool(config and config.rounds)
    round_column = (ColumnSpec(col.ROUND, "id", needed_by="the [[rounds]] of festival.toml", description="the round: a round id of festival.toml")
                    if rounds else ColumnSpec(col.ROUND, "text", True, required=False, description="optional: judging round"))
    scores = TableSpec(
        "scores",
        (
            ColumnSpec(col.ENTRY_ID, "id", description="an entry_id of entries.csv"),
            ColumnSpec(col.JUROR_ID, "id", description="a juror_id of jurors.csv"),
            ColumnSpec(col.CRITERION, "id", description="a criterion id of festival.toml"),
            ColumnSpec(col.SCORE, "score", description="on the scale of festival.toml"),
            round_column,
            ColumnSpec(col.PERFORMANCE, "id", True, required=False,
                       description="optional: which of the entry's performances in the round (a dive, a jump) the score judges"),
            ColumnSpec(col.SUBMITTED_AT, "text", True, required=False, description="optional: when the score was submitted"),
            ColumnSpec(col.COMMENT, "text", True, required=False, description="optional: the juror's comment"),
            *(ColumnSpec(facet, "text", True, required=False,
                         description="optional: a facet of the Rasch model ([rasch] facets); else read from entries or jurors")
              for facet in (config.rasch.facets if config and config.rasch else ())
              if facet not in (col.ROUND, col.PERFORMANCE, col.SUBMITTED_AT, col.COMMENT)),
        ),
        key=(col.ENTRY_ID, col.JUROR_ID, col.CRITERION, *((col.ROUND,) if rounds else ()), col.PERFORMANCE),
        required=True,
        description="one row per entry × juror × criterion (× round)",
    )
    assignments = TableSpec(
        "assignments",
        (
            ColumnSpec(col.JUROR_ID, "id", description="a juror_id"),
            ColumnSpec(col.ENTRY_ID, "id", description="an entry_id of the juror's lane"),
            ColumnSpec(col.ROUND, "text", True, required=False,
                       description="optional: the round (empty: every round the entry takes part in)"),
            ColumnSpec(col.PERFORMANCE, "text", True, required=False,
                       description="optional: the performance (empty: every performance of the entry in the round)"),
        ),
        key=(col.JUROR_ID, col.ENTRY_ID, col.ROUND, col.PERFORMANCE),
        required=False,
        description="optional; without it every panel member scores every entry of the panel's lane",
    )
    performances = TableSpec(
        "performances",
        (
            ColumnSpec(col.ENTRY_ID, "id", description="an entry_id of entries.csv"),
            ColumnSpec(col.ROUND, "id", needed_by="the [[rounds]] of festival.toml", description="the round: a round id of festival.toml")
            if rounds else ColumnSpec(col.ROUND, "text", True, required=False, description="optional: judging round"),
            ColumnSpec(col.PERFORMANCE, "id", description="the performance, as scores.csv names it"),
            ColumnSpec(col.FACTOR, "positive", True, required=False,
                       description="optional: degree of difficulty, the panel score is multiplied by it (empty: 1)"),
            ColumnSpec(col.BASE, "number", True, required=False,
                       description="optional: points added that no juror gives, e.g. distance points (empty: 0)"),
        ),
        key=(col.ENTRY_ID, col.ROUND, col.PERFORMANCE),
        required=False,
        description="optional; one row per performance of an entry in a round (e.g. a diver's dive sheet)",
    )
    conflicts = TableSpec(
        "conflicts",
        (
            ColumnSpec(col.JUROR_ID, "id", description="a juror_id"),
            ColumnSpec(col.ENTRY_ID, "id", description="an entry_id"),
            ColumnSpec(col.REASON, "text", True, required=False, description="the declared conflict of interest"),
        ),
        key=(col.JUROR_ID, col.ENTRY_ID),
        required=False,
        description="optional; declared conflicts of interest",
    )
    decisions = TableSpec(
        "decisions",
        (
            ColumnSpec(col.FLAG_ID, "id", description="the flag answered"),
            ColumnSpec(col.ACTION, "action", description="one of " + ", ".join(ACTIONS)),
            ColumnSpec(col.REASON, "text", description="why"),
            ColumnSpec(col.DECIDED_BY, "text", description="who decided"),
            ColumnSpec(col.DECIDED_AT, "text", True, description="when (ISO 8601)"),
        ),
        key=(),
        required=False,
        description="optional, append-only; the chair's decisions on flags",
    )
    assessments = TableSpec(
        "participation_assessments",
        (
            ColumnSpec(col.ASSESSOR_ID, "id", description="a juror_id of jurors.csv (a juror, or a verifier: role verifier)"),
            ColumnSpec(col.ENTRY_ID, "id", description="an entry_id of entries.csv"),
            ColumnSpec(col.DIMENSION, "id", description="a dimension of [participation] weights"),
            ColumnSpec(col.SHARE, "share", description="the assessed AI share of the dimension, 0 to 100"),
        ),
        key=(col.ASSESSOR_ID, col.ENTRY_ID, col.DIMENSION),
        required=False,
        description="optional; assessors' shares of AI participation per entry and dimension (design section 17)",
    )
    return {t.name: t for t in (entries, jurors, scores, assignments, performances, conflicts, decisions, assessments)}


TABLE_NAMES = tuple(table_specs(None))
