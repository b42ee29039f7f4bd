"""``festival.toml``: the festival's rules, read and validated into frozen pydantic models.

Everything that differs between festivals, lanes and years lives here, not in code: the
score scale, the criteria and their weights, the lanes with their AI-share bands, the
participation dimensions and their weights, the entry requirements, the check thresholds,
the official aggregation method, and an optional column mapping for platform exports.

Each key is declared once, with its type, its default and its rule, on the model of its
section (:class:`Scale`, :class:`Lane`, :class:`Checks`, ...): unknown keys are refused
(``extra="forbid"``), values are not coerced (``"10"`` is not a number), and rules that
tie two keys together are validators of the section that holds both. Validation errors
are mapped onto :class:`~analytics.base.problems.Problem` records that say which key, the value
found and what is expected, all collected at once, never raised one at a time.
"""

from __future__ import annotations

import math
import re
import tomllib
import types
import typing
from collections.abc import Mapping
from typing import Annotated, Any, Literal

import pandas as pd
from pydantic import (AfterValidator, BaseModel, ConfigDict, Field, Strict, ValidationError, ValidationInfo,
                      field_validator, model_validator)
from pydantic_core import PydanticCustomError

from analytics.base.columns import ALL_LANES
from analytics.base.problems import ProblemLog

CONFIG_FILE = "festival.toml"
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
RULE = "festival_rule"  # the pydantic error type of this module's rules

Policy = Literal["required", "preferred", "ignored"]


def rule_error(expected: str, *, found: str | None = None, key: str | None = None) -> PydanticCustomError:
    """A broken rule: ``expected`` is the sentence shown; ``found`` the value shown (default:
    the value of the key); ``key`` a key below the one validated (e.g. ``weight`` of ``criteria``)."""
    return PydanticCustomError(RULE, expected, {"found": found, "key": key})


def _checked(test, expected: str):
    def check(value):
        if not test(value):
            raise rule_error(expected)
        return value
    return AfterValidator(check)


def between(low: float, high: float):
    return _checked(lambda v: low <= v <= high, f"expected a number from {low:g} to {high:g}")


def at_least(low: float, what: str = "a number"):
    return _checked(lambda v: v >= low, f"expected {what} of at least {low:g}")


Positive = Annotated[float, _checked(lambda v: v > 0, "expected a number above 0")]
PositiveInt = Annotated[int, _checked(lambda v: v > 0, "expected a number above 0")]
Share = Annotated[float, between(0, 100)]
Identifier = Annotated[str, _checked(lambda v: _ID.match(v) is not None,
                                     "expected an identifier: lower-case letters, digits and _, starting with a letter")]
LaneId = Annotated[Identifier, _checked(
    lambda v: v != ALL_LANES, f"expected a lane id other than '{ALL_LANES}': the outputs write lane = {ALL_LANES} on the "
    "rows across lanes (festival-wide, and a juror's line across the lanes they judge); rename the lane, e.g. all_entries")]
NonEmpty = Annotated[str, _checked(lambda v: bool(v.strip()), "expected a non-empty text")]
#: a TOML list of texts (a list, not coerced from anything else)
Texts = Annotated[tuple[Annotated[str, Strict()], ...], Field(strict=False)]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False, populate_by_name=True)


class FestivalSection(_Section):
    name: NonEmpty
    year: int | None = None
    synthetic: bool = False


class Scale(_Section):
    """The score scale: every score is ``minimum + k * step`` for an integer ``k``. ``kind = "rank"``
    (design section 15): each juror ranks the entries they judge, 1 = best, and ``score`` holds the rank;
    ``min`` is then 1 (the default), ``step`` 1, and ``max`` the largest rank a juror gives (the most
    entries a juror ranks)."""

    kind: Literal["score", "rank"] = "score"
    minimum: float | None = Field(default=None, alias="min", validate_default=True)
    maximum: float = Field(alias="max")
    step: Positive = Field(default=1.0, validate_default=True)  # checked against the range

    @field_validator("minimum")
    @classmethod
    def _minimum_given(cls, minimum: float | None, info: ValidationInfo) -> float:
        rank = info.data.get("kind") == "rank"
        if minimum is None:
            if not rank:
                raise rule_error("expected min: the lowest score of the scale", found="no min")
            return 1.0
        if rank and minimum != 1:
            raise rule_error('expected min = 1 with kind = "rank": the best place is 1', found=f"{minimum:g}")
        return minimum

    @field_validator("maximum")
    @classmethod
    def _whole_maximum_of_places(cls, maximum: float, info: ValidationInfo) -> float:
        if info.data.get("kind") == "rank" and maximum != round(maximum):
            raise rule_error('expected a whole max with kind = "rank": the largest place')
        return maximum

    @field_validator("step")
    @classmethod
    def _step_divides_the_range(cls, step: float, info: ValidationInfo) -> float:
        if info.data.get("kind") == "rank" and step != 1:
            raise rule_error('expected step = 1 with kind = "rank": places are whole numbers', found=f"{step:g}")
        low, high = info.data.get("minimum"), info.data.get("maximum")
        if low is not None and high is not None and low < high:
            steps = (high - low) / step
            if not math.isclose(steps, round(steps), abs_tol=1e-9):
                raise rule_error(f"expected a step that divides the range {low:g} to {high:g} into whole steps")
        return step

    @model_validator(mode="after")
    def _min_below_max(self) -> Scale:
        if self.minimum >= self.maximum:
            raise rule_error("expected min below max", found=f"min = {self.minimum:g}, max = {self.maximum:g}")
        return self

    @property
    def ranks(self) -> bool:
        """Whether jurors rank the entries (1 = best) rather than score them."""
        return self.kind == "rank"

    def describe(self) -> str:
        if self.ranks:
            return f"a place from 1 to {self.maximum:g} (1 = best)"
        return f"a number from {self.minimum:g} to {self.maximum:g} in steps of {self.step:g}"


class Criterion(_Section):
    id: Identifier
    label: NonEmpty
    weight: Positive = 1.0  # any positive number: a share (weighted_mean) or a factor (weighted_sum)
    group: str = ""


class Lane(_Section):
    """A competition lane; each ladders to one juried honour.

    ``ai_share_min`` is the lowest declared AI share admitted (``None``: no band);
    ``ai_share_typical_max`` the top of the typical band (above it is information only).
    """

    id: LaneId
    name: NonEmpty
    honour: str = ""
    ai_share_min: Share | None = None
    ai_share_typical_max: Share | None = None
    in_competition: bool = True
    allow_under_short: bool = False
    #: the criteria this lane uses, with its own weights (default: every criterion, weighted as in [[criteria]])
    weights: dict[Identifier, Positive] | None = None

    @model_validator(mode="after")
    def _band(self) -> Lane:
        low, high = self.ai_share_min, self.ai_share_typical_max
        if low is not None and high is not None and low > high:
            raise rule_error("expected ai_share_min at or below ai_share_typical_max",
                             found=f"ai_share_min = {low:g}, ai_share_typical_max = {high:g}")
        return self


def _normalised(weights: Mapping[str, float], key: str | None = None) -> dict[str, float]:
    """Weights must sum to 1, or to 100 when written as percentages; returned as fractions."""
    total = sum(weights.values())
    for scale in (1.0, 100.0):
        if math.isclose(total, scale, rel_tol=0, abs_tol=1e-6 * scale):
            return {k: v / scale for k, v in weights.items()}
    raise rule_error("expected weights that sum to 1 (or to 100 when written as percentages)", found=f"{total:g}", key=key)


class Participation(_Section):
    """The holistic AI share as a weighted blend of dimension shares (weights sum to 1)."""

    weights: dict[Identifier, Positive]
    disclosure_tolerance: Share = 10.0
    near_threshold_margin: Share = 3.0
    #: points by which a declared share may lie outside the assessors' interval before it is disputed (design section 17)
    dispute_margin: Share = 3.0

    @field_validator("weights")
    @classmethod
    def _weights(cls, weights: dict[str, float]) -> dict[str, float]:
        if not weights:
            raise rule_error("expected at least one dimension", found="{}")
        return _normalised(weights)

    @property
    def dimensions(self) -> tuple[str, ...]:
        return tuple(self.weights)


class Requirements(_Section):
    """Entry requirements; each key left out leaves its rule out (:mod:`analytics.load.rule_families`).
    A feature runs longer than ``feature_min_runtime`` minutes; a short runs at least
    ``short_min_runtime`` and at most ``feature_min_runtime``."""

    short_min_runtime: Positive | None = None
    feature_min_runtime: Positive | None = None
    min_resolution_lines: PositiveInt | None = None
    preferred_resolution_lines: PositiveInt | None = None
    lossless_audio: Policy | None = None
    appendix: tuple[Identifier, ...] = Field(default=(), strict=False)
    authorship_proof: Policy | None = None

    @field_validator("feature_min_runtime")
    @classmethod
    def _short_below_feature(cls, feature: float | None, info: ValidationInfo) -> float | None:
        short = info.data.get("short_min_runtime")
        if short is not None and feature is not None and short >= feature:
            raise rule_error("expected the shortest short to run less than the feature threshold",
                             found=f"short_min_runtime = {short:g}, feature_min_runtime = {feature:g}")
        return feature

    @field_validator("preferred_resolution_lines")
    @classmethod
    def _minimum_below_preferred(cls, preferred: int | None, info: ValidationInfo) -> int | None:
        low = info.data.get("min_resolution_lines")
        if low is not None and preferred is not None and low > preferred:
            raise rule_error("expected the minimum resolution at or below the preferred one",
                             found=f"min_resolution_lines = {low}, preferred_resolution_lines = {preferred}")
        return preferred


Order = Literal["criteria_first", "jurors_first"]
CriteriaMethod = Literal["weighted_mean", "weighted_sum"]
JurorsMethod = Literal["mean", "median", "trimmed_mean", "drop_extremes", "clip_to_mean", "rank_sum", "borda",
                       "rank_points", "majority"]
#: the methods over jurors for a rank scale (design section 15), and those under which a lower result is better
RANK_METHODS = ("rank_sum", "borda", "rank_points", "majority")
LOWER_IS_BETTER = ("rank_sum", "majority")
PointsTable = Annotated[tuple[Annotated[float, at_least(0, "a number")], ...],
                        _checked(lambda v: len(v) > 0, "expected a list of points, the first place's first")]


class Juries(_Section):
    """``[aggregation] juries``: each jury (``jurors.csv`` ``jury``) ranks the entries by its jurors
    combined under ``jurors``, and its ranking becomes ``points`` (the first place's first; places
    beyond the list get none); the lane's result is the sum of points over juries."""

    points: PointsTable = Field(strict=False)
Trim = Annotated[float, _checked(lambda v: 0 <= v < 0.5, "expected a fraction from 0 up to (not including) 0.5")]
Count = Annotated[int, at_least(0, "a whole number")]
Decimals = Annotated[int, at_least(0, "a whole number")]
PanelMethod = Literal["mean", "sum"]
PerformancesMethod = Literal["sum", "mean", "best"]


class Aggregation(_Section):
    """The official result (design section 10; :mod:`analytics.rules.official` computes it):
    ``order`` (criteria first: each juror's weighted total, then over jurors; or jurors
    first: each criterion's panel score, then weighted), ``criteria`` (``weighted_mean``
    divides by the sum of the lane's weights; ``weighted_sum`` uses them as factors), ``jurors``
    (the method over jurors, with ``trim``, ``drop_high``/``drop_low`` or ``clip``), and
    ``decimals`` (round half up at every step; omitted: full precision)."""

    order: Order = "criteria_first"
    criteria: CriteriaMethod = "weighted_mean"
    jurors: JurorsMethod = "mean"
    trim: Trim = 0.1
    drop_high: Count = 1
    drop_low: Count = 1
    clip: Positive | None = None
    decimals: Decimals | None = None
    #: performances (design section 14): each performance's panel score is multiplied by this (and by its factor)
    multiplier: Positive = 1.0
    #: the panel score of a performance: the ``mean`` of the marks the jurors rule keeps, or their ``sum``
    panel: PanelMethod = "mean"
    #: an entry's round score from its performances' points
    performances: PerformancesMethod = "sum"
    #: ``rank_points``: the points of each place, the first place's first (design section 15)
    rank_points: PointsTable | None = Field(default=None, strict=False)
    #: what decides a tie: "none" (a shared place, flagged), "best_rank", "more_first", or a column of entries.csv
    tie_break: NonEmpty = "none"
    #: juries of juries: each jury's ranking becomes points, summed over juries
    juries: Juries | None = None

    @property
    def ranks(self) -> bool:
        """Whether the rule combines ranks (:data:`RANK_METHODS`)."""
        return self.jurors in RANK_METHODS

    @property
    def lower_is_better(self) -> bool:
        """Whether a lower result is a better one: a sum of ranks or a place by majority, not made into points."""
        return self.jurors in LOWER_IS_BETTER and self.juries is None

    @model_validator(mode="after")
    def _rank_rules_complete(self) -> Aggregation:
        if self.jurors == "rank_points" and self.rank_points is None:
            raise rule_error("expected rank_points (the points of each place, the first place's first, e.g. "
                             "[12, 10, 8, 7, 6, 5, 4, 3, 2, 1]) with jurors = 'rank_points'", found="no rank_points",
                             key="rank_points")
        if self.jurors == "majority" and self.panel == "sum":
            raise rule_error("expected panel = 'mean' with jurors = 'majority': a place by majority is no sum",
                             found="panel = 'sum'", key="panel")
        if self.juries is not None and self.jurors == "majority":
            raise rule_error("expected jurors = 'rank_sum', 'borda' or 'rank_points' with juries: how a jury's "
                             "jurors are combined into its ranking", found="jurors = 'majority'", key="juries")
        if self.tie_break in ("best_rank", "more_first") and not self.ranks:
            raise rule_error("expected a rank rule (rank_sum, borda, rank_points, majority) with tie_break = "
                             f"'{self.tie_break}': it reads the jurors' places; a column of entries.csv breaks the "
                             "ties of scores", found=f"jurors = '{self.jurors}'", key="tie_break")
        if self.juries is not None and not self.ranks:
            raise rule_error("expected a rank rule for jurors (rank_sum, borda, rank_points) with juries",
                             found=f"jurors = '{self.jurors}'", key="juries")
        return self

    @model_validator(mode="after")
    def _clip_for_clip_to_mean(self) -> Aggregation:
        if self.jurors == "clip_to_mean" and self.clip is None:
            raise rule_error("expected clip (points: how far from the mean of an entry's scores a score may lie) "
                             "with jurors = 'clip_to_mean'", found="no clip", key="clip")
        if self.panel == "sum" and self.jurors == "median":
            raise rule_error("expected jurors = 'mean', 'trimmed_mean', 'drop_extremes' or 'clip_to_mean' with panel = "
                             "'sum': the sum of the marks a rule keeps (a median keeps none to add up)",
                             found="jurors = 'median'", key="panel")
        return self

    def merged(self, changes: RoundAggregation) -> Aggregation:
        """These rules with a round's own keys in their place."""
        own = {k: v for k, v in changes.model_dump().items() if k in changes.model_fields_set}
        return Aggregation.model_validate({**self.model_dump(), **own}) if own else self


class RoundAggregation(_Section):
    """A round's own keys of ``[aggregation]`` (those it leaves out are the festival's)."""

    order: Order | None = None
    criteria: CriteriaMethod | None = None
    jurors: JurorsMethod | None = None
    trim: Trim | None = None
    drop_high: Count | None = None
    drop_low: Count | None = None
    clip: Positive | None = None
    decimals: Decimals | None = None
    multiplier: Positive | None = None
    panel: PanelMethod | None = None
    performances: PerformancesMethod | None = None
    rank_points: PointsTable | None = Field(default=None, strict=False)
    tie_break: NonEmpty | None = None
    juries: Juries | None = None


class Round(_Section):
    """One round (design section 11): ``advance`` entries per lane go on (all tied at the cut
    too); the round's result is the weighted sum of the entry's round scores named in
    ``weights`` (default: this round's alone); ``aggregation``: keys of ``[aggregation]`` that
    differ in this round."""

    id: Identifier
    name: str = ""
    advance: PositiveInt | None = None
    weights: dict[Identifier, Positive] | None = None
    aggregation: RoundAggregation = RoundAggregation()


#: thresholds in score points left out of [checks]: this fraction of the scale's range
#: (0.5 and 1.0 points on the range 1-10), so they mean the same on any scale
POINTS_OF_RANGE = {"straightline_max_sd": 0.5 / 9, "severity_max": 1.0 / 9}


class Checks(_Section):
    """Thresholds of the checks and the seed of every resampling. The thresholds in points
    (``straightline_max_sd``, ``severity_max``) default to a fraction of the scale's range
    (:data:`POINTS_OF_RANGE`), filled in when ``festival.toml`` is read."""

    agreement_min_alpha: Annotated[float, between(-1, 1)] = 0.667
    residual_cutoff: Positive = 3.5
    straightline_max_sd: Annotated[float, at_least(0)] | None = None
    #: and a juror's spread must be below this share of the panel's own spread on the same judgements
    straightline_panel_ratio: Annotated[float, between(0, 1)] = 0.5
    p_first_min: Annotated[float, between(0, 1)] = 0.8
    bootstrap_resamples: Annotated[int, _checked(lambda v: 100 <= v <= 1_000_000,
                                                 "expected a whole number from 100 to 1000000")] = 1000
    seed: Annotated[int, at_least(0, "a whole number")] = 2026
    effect_p_max: Annotated[float, between(0, 1)] = 0.05
    severity_max: Positive | None = None
    halo_min: Annotated[float, between(-1, 1)] = 0.9
    halo_margin: Annotated[float, between(0, 2)] = 0.2
    out_of_line_max_rho: Annotated[float, between(-1, 1)] = 0.3
    disagreement_z: Positive = 2.5
    #: the collusion screen (design section 15): permutations, the false discovery rate, the entries a pair shares
    collusion_permutations: Annotated[int, _checked(lambda v: 99 <= v <= 100_000,
                                                    "expected a whole number from 99 to 100000")] = 999
    collusion_fdr: Annotated[float, between(0, 1)] = 0.05
    collusion_min_common: Annotated[int, _checked(lambda v: v >= 3, "expected a whole number, at least 3")] = 8

    def on_range(self, span: float = 9.0) -> Checks:
        """These checks with each threshold in points that was left out set to its fraction
        of a scale whose range is ``span`` (9: the scale 1-10).

        >>> Checks().on_range(24).severity_max  # 1 point on 1-10 is 24/9 points on 1-25
        2.666...
        """
        missing = {k: f * span for k, f in POINTS_OF_RANGE.items() if getattr(self, k) is None}
        return self.model_copy(update=missing) if missing else self


class Jury(_Section):
    """The jury: its ``factions`` (the values of ``jurors.csv``'s ``faction``), the
    ``affiliations`` to screen (:mod:`analytics.checks.affiliation`): columns of both ``jurors.csv``
    and ``entries.csv``, such as ``country`` or ``school``; and, where there is no
    ``assignments.csv``, who is expected to score an entry (``panels``): ``"full"``, every member
    of its lane's panel; ``"as_scored"``, the jurors who scored it (a conference whose reviewers
    each score a few of the track's papers), so that only a criterion left out of a scored pair
    is missing."""

    factions: Texts = ()
    affiliations: Texts = ()
    panels: Literal["full", "as_scored"] = "full"


class Layout(_Section):
    """How the scores sheet is laid out: ``long`` (one row per entry × juror × criterion),
    ``wide_jurors`` (one row per entry, and per criterion where there are several; a column
    per juror id) or ``wide_criteria`` (one row per entry × juror; a column per criterion id)."""

    scores: Literal["long", "wide_jurors", "wide_criteria"] = "long"


#: a scale with more possible scores than this is not made of categories: a Rasch model estimates a threshold
#: between each two neighbouring scores used (0-100 in whole points, at most 100; in steps of 0.01, 10,000)
RASCH_MAX_CATEGORIES = 101
#: the facets every Rasch model has, by the name ``[rasch] floating`` gives them
RASCH_CORE_FACETS = ("entry", "juror", "criterion")


class Rasch(_Section):
    """``[rasch]``: the many-facet Rasch model (:mod:`analytics.checks.rasch`, design section 16).
    ``model``: ``rating_scale`` (one set of thresholds) or ``partial_credit`` (each criterion its own);
    ``estimation``: ``jmle`` (as FACETS) or ``mml`` (as R's TAM: the entries a normal population);
    ``facets``: more facets, each a column of ``scores.csv``, ``entries.csv`` or ``jurors.csv`` (a juror's
    country: the juror × country interaction is then reported); ``floating``: the facet not centred on 0
    (``entry``, ``juror``, ``criterion`` or one of ``facets``; MML: always ``entry``)."""

    model: Literal["rating_scale", "partial_credit"] = "rating_scale"
    estimation: Literal["jmle", "mml"] = "jmle"
    facets: Texts = ()
    floating: str = "entry"

    @model_validator(mode="after")
    def _floating_is_a_facet(self) -> Rasch:
        known = (*RASCH_CORE_FACETS, *self.facets)
        if self.floating not in known:
            raise rule_error(f"expected one of the model's facets: {', '.join(known)}", found=self.floating,
                             key="floating")
        if self.estimation == "mml" and self.floating != "entry":
            raise rule_error("expected floating = \"entry\" with estimation = \"mml\": the entries are the "
                             "population whose mean is estimated", found=self.floating, key="floating")
        clash = [f for f in self.facets if f in RASCH_CORE_FACETS or f in ("entry_id", "juror_id", "score")]
        if clash:
            raise rule_error("expected facets beyond entry, juror and criterion (those three are always in the model)",
                             found=", ".join(clash), key="facets")
        return self


class FestivalConfig(_Section):
    """The whole of ``festival.toml``, one attribute per section."""

    festival: FestivalSection
    scale: Scale
    criteria: tuple[Criterion, ...] = Field(strict=False)
    lanes: tuple[Lane, ...] = Field(strict=False)
    participation: Participation | None = None
    requirements: Requirements = Requirements()
    aggregation: Aggregation = Aggregation()
    checks: Checks = Checks()
    jury: Jury = Jury()
    layout: Layout = Layout()
    rounds: tuple[Round, ...] = Field(default=(), strict=False)
    rasch: Rasch | None = None
    #: [columns.<table>]: contract column = "export column"
    columns: dict[str, dict[str, str]] = {}

    @field_validator("criteria", "lanes")
    @classmethod
    def _unique_ids(cls, items: tuple, info: ValidationInfo) -> tuple:
        if not items:
            raise rule_error(f"expected at least one [[{info.field_name}]] table", found="[]")
        ids = [item.id for item in items]
        for dup in sorted({i for i in ids if ids.count(i) > 1}):
            what = "criterion" if info.field_name == "criteria" else "lane"
            raise rule_error(f"expected each {what} id once; this id appears {ids.count(dup)} times", found=dup, key="id")
        return items

    @field_validator("rounds")
    @classmethod
    def _rounds_in_order(cls, rounds: tuple[Round, ...]) -> tuple[Round, ...]:
        ids = [r.id for r in rounds]
        for dup in sorted({i for i in ids if ids.count(i) > 1}):
            raise rule_error(f"expected each round id once; this id appears {ids.count(dup)} times", found=dup, key="id")
        for i, r in enumerate(rounds):
            later = [w for w in (r.weights or {}) if w not in ids[: i + 1]]
            if later:
                raise rule_error(f"expected rounds up to this one ({', '.join(ids[: i + 1])}): a round's result "
                                 "weighs the rounds before it and itself", found=", ".join(later), key=(i, "weights"))
            if i < len(rounds) - 1 and r.advance is None:
                raise rule_error("expected advance: how many entries per lane go on to the next round",
                                 found="no advance", key=(i, "advance"))
            if i == len(rounds) - 1 and r.advance is not None:
                raise rule_error("expected no advance in the last round: nothing comes after it", found=str(r.advance),
                                 key=(i, "advance"))
        return rounds

    @model_validator(mode="after")
    def _round_rules_valid(self) -> FestivalConfig:
        for i, r in enumerate(self.rounds):
            try:
                self.aggregation.merged(r.aggregation)
            except ValidationError as error:
                inner = error.errors(include_url=False)[0]
                raise rule_error(inner["msg"], found=(inner.get("ctx") or {}).get("found") or _show(inner.get("input")),
                                 key=("rounds", i, "aggregation")) from None
        return self

    @model_validator(mode="after")
    def _rank_rules_on_rank_scale(self) -> FestivalConfig:
        """A rank scale is combined by a rank rule, and a rank rule combines ranks (design section 15)."""
        for where, rule in [("aggregation", self.aggregation),
                            *((f"rounds[{i + 1}].aggregation", self.aggregation.merged(r.aggregation))
                              for i, r in enumerate(self.rounds))]:
            if self.scale.ranks and not rule.ranks:
                raise rule_error("expected jurors = 'rank_sum', 'borda', 'rank_points' or 'majority' with [scale] kind = "
                                 "'rank': how the jurors' places are combined", found=f"jurors = '{rule.jurors}'",
                                 key=f"{where}.jurors")
            if rule.ranks and not self.scale.ranks:
                raise rule_error("expected [scale] kind = 'rank' with a rank rule: the jurors' places are combined, "
                                 "and scores are not places", found=f"jurors = '{rule.jurors}'",
                                 key=f"{where}.jurors")
        for i, r in enumerate(self.rounds):  # a round's result adds earlier rounds' results: one direction
            ways = {self.aggregation.merged(self.round(w).aggregation).lower_is_better for w in (r.weights or {})}
            if len(ways) > 1:
                raise rule_error("expected rounds whose results point the same way in a round's weights (a sum or "
                                 "place, lower being better, is not added to points, higher being better)",
                                 found=", ".join(r.weights), key=f"rounds[{i + 1}].weights")
        if self.scale.ranks:
            several = [lane.id for lane in self.lanes if len(self.lane_criteria(lane.id)) != 1]
            if several:
                raise rule_error("expected one criterion per lane with [scale] kind = 'rank': a juror ranks the "
                                 "entries once (several dances, rules 9 to 11 of the Skating System, are not built)",
                                 found=", ".join(several), key="lanes")
        return self

    @model_validator(mode="after")
    def _lane_weights_name_criteria(self) -> FestivalConfig:
        known = self.criterion_ids
        for i, lane in enumerate(self.lanes):
            unknown = [c for c in (lane.weights or {}) if c not in known]
            if unknown:
                raise rule_error(f"expected criteria of [[criteria]]: {', '.join(known)}", found=", ".join(unknown),
                                 key=f"lanes[{i + 1}].weights")
            if lane.weights is not None and not lane.weights:
                raise rule_error("expected at least one criterion with its weight", found="{}", key=f"lanes[{i + 1}].weights")
        return self

    @model_validator(mode="after")
    def _rasch_on_categories(self) -> FestivalConfig:
        """A Rasch model needs a scale of a few ordered categories."""
        scale = self.scale
        possible = round((scale.maximum - scale.minimum) / scale.step) + 1
        if self.rasch is not None and scale.ranks:
            raise rule_error("expected no [rasch] with [scale] kind = 'rank': places are no ratings on a scale of "
                             "categories (each juror gives each place once); remove [rasch]", found="[rasch]",
                             key="rasch")
        if self.rasch is not None and possible > RASCH_MAX_CATEGORIES:
            raise rule_error(
                f"expected a scale made of categories (at most {RASCH_MAX_CATEGORIES} possible scores) under [rasch]: "
                f"the scale {scale.describe()} has {possible:,} possible scores, and a Rasch model estimates a threshold "
                "between each two neighbouring ones, which scores this fine cannot inform; remove [rasch] and read "
                "the jurors' severity in points (the severity check, an additive model, which suits a fine scale)",
                found=f"[scale] min = {scale.minimum:g}, max = {scale.maximum:g}, step = {scale.step:g}", key="rasch")
        return self

    @model_validator(mode="after")
    def _points_from_the_range(self) -> FestivalConfig:
        """Thresholds in points left out: a fraction of the scale's range (:data:`POINTS_OF_RANGE`)."""
        checks = self.checks.on_range(self.scale.maximum - self.scale.minimum)
        return self.model_copy(update={"checks": checks}) if checks is not self.checks else self

    @field_validator("columns")
    @classmethod
    def _one_contract_column_per_export(cls, columns: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
        for table, pairs in columns.items():
            exports = list(pairs.values())
            for dup in sorted({e for e in exports if exports.count(e) > 1}):
                raise rule_error("expected each export column to map to one contract column", found=dup, key=table)
        return columns

    # -- what the code reads ------------------------------------------------------------
    @property
    def name(self) -> str:
        return self.festival.name

    @property
    def year(self) -> int | None:
        return self.festival.year

    @property
    def synthetic(self) -> bool:
        return self.festival.synthetic

    @property
    def factions(self) -> tuple[str, ...]:
        return self.jury.factions

    @property
    def column_mapping(self) -> dict[str, dict[str, str]]:
        """Per table, export column -> contract column (``[columns.<table>]`` inverted)."""
        return {table: {export: contract for contract, export in pairs.items()} for table, pairs in self.columns.items()}

    def with_checks(self, **changes) -> FestivalConfig:
        """The same rules with some ``[checks]`` thresholds changed (e.g. fewer resamples),
        validated as ``festival.toml`` would be: a ValueError lists what is wrong.

        >>> from analytics import load_festival
        >>> config = load_festival("data/demo").config
        >>> config.with_checks(bootstrap_resamples=200).checks.bootstrap_resamples
        200
        >>> config.with_checks(bootstrap_resamples=5, typo=1)
        Traceback (most recent call last):
        ...
        ValueError: checks.bootstrap_resamples: found 5, expected a whole number from 100 to 1000000; checks.typo: unknown key; the keys of [checks] are: ...
        """
        try:
            checks = Checks.model_validate({**self.checks.model_dump(), **changes})
        except ValidationError as error:
            problems = [_problem({**e, "loc": ("checks", *e["loc"])}) for e in error.errors(include_url=False)]
            raise ValueError("; ".join(f"{key}: {'found ' + found + ', ' if found else ''}{expected}"
                                       for key, found, expected in problems)) from None
        return self.model_copy(update={"checks": checks})

    @property
    def round_ids(self) -> tuple[str, ...]:
        """The rounds in order; a festival without ``[[rounds]]`` has one round, ``""``."""
        return tuple(r.id for r in self.rounds) or ("",)

    def round(self, round_id: str) -> Round | None:
        return next((r for r in self.rounds if r.id == round_id), None)

    def rule(self, round_id: str = "") -> Aggregation:
        """The official rules of a round: ``[aggregation]`` with the round's own keys."""
        r = self.round(round_id)
        return self.aggregation if r is None else self.aggregation.merged(r.aggregation)

    def round_weights(self, round_id: str = "") -> dict[str, float]:
        """What each round's score counts for in a round's result (default: the round's own, 1)."""
        r = self.round(round_id)
        return dict(r.weights) if r is not None and r.weights is not None else {round_id: 1.0}

    def lane(self, lane_id: str) -> Lane:
        return next(lane for lane in self.lanes if lane.id == lane_id)

    @property
    def lane_ids(self) -> tuple[str, ...]:
        return tuple(lane.id for lane in self.lanes)

    @property
    def criterion_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.criteria)

    def lane_criteria(self, lane_id: str) -> tuple[str, ...]:
        """The criteria a lane uses: those of its ``weights``, else every criterion."""
        weights = self.lane(lane_id).weights
        return tuple(c for c in self.criterion_ids if weights is None or c in weights)

    def criterion_weights(self, lane_id: str | None = None) -> dict[str, float]:
        """The factor each criterion's score is multiplied by in a juror's total for an entry of
        the lane: its weight (the lane's own, if it has them), divided by the weights' sum
        under ``weighted_mean``.

        >>> from analytics import load_festival
        >>> load_festival("data/demo").config.criterion_weights("generative_cinema")["orchestration"]
        0.1
        """
        lane_weights = self.lane(lane_id).weights if lane_id is not None else None
        weights = dict(lane_weights) if lane_weights is not None else {c.id: c.weight for c in self.criteria}
        weights = {c: weights[c] for c in self.criterion_ids if c in weights}
        if self.aggregation.criteria == "weighted_mean":
            total = sum(weights.values())
            weights = {c: w / total for c, w in weights.items()}
        return weights

    def criteria_frame(self) -> pd.DataFrame:
        """The criteria as a table: ``id, label, weight, group`` (the weights as written) and
        ``factor`` (what a score counts for in a juror's total: :meth:`criterion_weights`)."""
        frame = pd.DataFrame([c.model_dump() for c in self.criteria])
        return frame.assign(factor=frame["id"].map(self.criterion_weights()))

    def lanes_frame(self) -> pd.DataFrame:
        """The lanes as a table, with their AI-share bands and honours."""
        return pd.DataFrame([lane.model_dump() for lane in self.lanes])


# --- pydantic's errors in the festival's words ----------------------------------------

SECTIONS = tuple(field.alias or name for name, field in FestivalConfig.model_fields.items())
REQUIRED_SECTIONS = tuple(name for name, field in FestivalConfig.model_fields.items() if field.is_required())
LISTS = ("criteria", "lanes")  # sections written as [[name]] tables


def parse_config(text: str, log: ProblemLog) -> FestivalConfig | None:
    """Parse and validate ``festival.toml`` text. Problems go to ``log``; the config is
    returned only when there were none."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line = re.search(r"at line (\d+)", str(error))
        log.add(CONFIG_FILE, int(line.group(1)) if line else None, None, None,
                f"this is not valid TOML ({error}); check quotes, brackets and '=' on that line")
        return None
    try:
        return FestivalConfig.model_validate(raw)
    except ValidationError as error:
        found = [_problem(problem) for problem in error.errors(include_url=False)]
        # the rules across sections run only once every key is valid: check those that can be, to list every problem
        found += _lane_weight_problems(raw)
        for key, value, expected in dict.fromkeys(found):
            log.add(CONFIG_FILE, None, key, value, expected)
        return None


def _lane_weight_problems(raw: dict) -> list[tuple[str, str | None, str]]:
    """Every lane whose ``weights`` name a criterion that ``[[criteria]]`` does not declare."""
    criteria = [c.get("id") for c in raw.get("criteria", []) if isinstance(c, dict)] if isinstance(raw.get("criteria"), list) else []
    lanes = raw.get("lanes") if isinstance(raw.get("lanes"), list) else []
    out = []
    for i, lane in enumerate(lanes):
        weights = lane.get("weights") if isinstance(lane, dict) else None
        unknown = [c for c in weights if c not in criteria] if isinstance(weights, dict) and criteria else []
        if unknown:
            out.append((f"lanes[{i + 1}].weights", ", ".join(unknown),
                        f"expected criteria of [[criteria]]: {', '.join(str(c) for c in criteria)}"))
    return out


def _problem(error: dict) -> tuple[str | None, str | None, str]:
    """One pydantic error as (key, value found, what was expected)."""
    loc, kind, value = tuple(error["loc"]), error["type"], error.get("input")
    if "[key]" in loc:  # a key of a table (participation.weights) that breaks the rule for keys
        where = loc[:loc.index("[key]")]
        return _key(where), _show(where[-1]), error["msg"]
    if kind == RULE:
        ctx = error.get("ctx") or {}
        below = ctx.get("key")
        key = _key(loc + ((tuple(below) if isinstance(below, (tuple, list)) else (below,)) if below else ()))
        return key, ctx["found"] if ctx.get("found") is not None else _show(value), error["msg"]
    if kind == "extra_forbidden":
        if len(loc) == 1:
            return loc[0], None, "unknown section; the sections are: " + ", ".join(SECTIONS)
        model = _model_at(loc[:-1])
        allowed = ", ".join(sorted(f.alias or n for n, f in model.model_fields.items()))
        return _key(loc), None, f"unknown key; the keys of [{loc[0]}] are: {allowed}"
    if kind == "missing":
        if len(loc) == 1:
            return loc[0], None, f"the section [{loc[0]}] is missing" + (
                f"; add at least one [[{loc[0]}]] table" if loc[0] in LISTS else "")
        return _key(loc), None, f"this key is missing; expected {_kind(_annotation_at(loc))}"
    if loc[0] in LISTS and (len(loc) == 1 or (len(loc) == 2 and kind == "model_type")):
        return loc[0], None if value is None else _show(value), f"expected at least one [[{loc[0]}]] table"
    if kind in ("model_type", "model_attributes_type") or (kind == "dict_type" and len(loc) == 1):
        return _key(loc), _show(value), "expected a table ([section] or { ... })"
    return _key(loc), _show(value), f"expected {_kind(_annotation_at(loc))}"


def _key(loc: tuple) -> str:
    """A pydantic location as the key a person finds in the file: ``criteria[3].weight``."""
    out = ""
    for part in loc:
        out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _field(model: type[BaseModel], name: str):
    return next((f for n, f in model.model_fields.items() if name in (n, f.alias)), None)


def _inner(annotation) -> Any:
    """The model inside ``tuple[Model, ...]``, ``Model | None`` and the like, else the annotation."""
    for arg in typing.get_args(annotation):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
    return annotation


def _annotation_at(loc: tuple) -> Any:
    node: Any = FestivalConfig
    for part in loc:
        if isinstance(part, int):  # an item of a list: of models (already the model), or of texts
            if typing.get_origin(node) is tuple or typing.get_origin(_bare(node)) is tuple:
                node = typing.get_args(_bare(node))[0]
            continue
        if isinstance(node, type) and issubclass(node, BaseModel):
            field = _field(node, part)
            node = _inner(field.annotation) if field is not None else None
        else:  # a key of a table: the table's values
            args = typing.get_args(node)
            node = args[-1] if args else None
    return node


def _model_at(loc: tuple) -> type[BaseModel]:
    node = _annotation_at(loc)
    return node if isinstance(node, type) and issubclass(node, BaseModel) else FestivalConfig


def _bare(annotation) -> Any:
    while typing.get_origin(annotation) is Annotated:
        annotation = typing.get_args(annotation)[0]
    return annotation


KINDS = {str: "a text in quotes", int: "a whole number", float: "a number", bool: "true or false"}


def _kind(annotation) -> str:
    """What a person must write for a value of this type."""
    annotation = _bare(annotation)
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        return _kind(next(a for a in args if a is not type(None)))
    if origin is Literal:
        return "one of " + ", ".join(repr(a) for a in args)
    if origin is tuple:
        return 'a list of texts, e.g. ["a", "b"]'
    if origin is dict:
        values = _kind(args[1])
        if values == "a number":
            return "a table of numbers, e.g. { writing = 20, sound = 15 }"
        if values == "a text in quotes":
            return 'a table of texts, e.g. { juror_id = "Judge ID" }'
        return 'contract column = "export column" pairs, e.g. juror_id = "Judge ID"'
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "a table ([section] or { ... })"
    return KINDS.get(annotation, "a value")


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value) if isinstance(value, str) else str(value)
