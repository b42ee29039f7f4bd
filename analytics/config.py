"""``festival.toml``: the festival's rules, read and validated into frozen dataclasses.

Everything that differs between festivals, lanes and years lives here, not in code: the
score scale, the criteria and their weights, the lanes with their AI-share bands, the
participation dimensions and their weights, the entry requirements, the check thresholds,
the official aggregation method, and an optional column mapping for platform exports.

Validation is declarative: each section is a table of :class:`Key` specs. Unknown keys,
wrong types, weights that do not sum to 1 (or 100), impossible bands and ranges are all
collected as :class:`~analytics.problems.Problem` records, never raised one at a time.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from types import MappingProxyType
from typing import Any, Literal

import pandas as pd

from .problems import ProblemLog

CONFIG_FILE = "festival.toml"
_REQUIRED = object()
_ID = re.compile(r"^[a-z][a-z0-9_]*$")

JurorAggregation = Literal["mean", "median", "trimmed_mean"]
Policy = Literal["required", "preferred", "ignored"]


@dataclass(frozen=True)
class Scale:
    """The score scale: every score is ``minimum + k * step`` for an integer ``k``."""

    minimum: float
    maximum: float
    step: float

    def describe(self) -> str:
        return f"a number from {self.minimum:g} to {self.maximum:g} in steps of {self.step:g}"


@dataclass(frozen=True)
class Criterion:
    id: str
    label: str
    weight: float  # normalised: the criteria's weights sum to 1
    group: str = ""


@dataclass(frozen=True)
class Lane:
    """A competition lane; each ladders to one juried honour.

    ``ai_share_min`` is the lowest declared AI share admitted (``None``: no band);
    ``ai_share_typical_max`` the top of the typical band (above it is information only).
    """

    id: str
    name: str
    honour: str = ""
    ai_share_min: float | None = None
    ai_share_typical_max: float | None = None
    in_competition: bool = True
    allow_under_short: bool = False


@dataclass(frozen=True)
class Participation:
    """The holistic AI share as a weighted blend of dimension shares (weights sum to 1)."""

    weights: Mapping[str, float]
    disclosure_tolerance: float = 10.0
    near_threshold_margin: float = 3.0

    @property
    def dimensions(self) -> tuple[str, ...]:
        return tuple(self.weights)


@dataclass(frozen=True)
class Requirements:
    """Entry requirements. A feature runs longer than ``feature_min_runtime`` minutes; a
    short runs at least ``short_min_runtime`` and at most ``feature_min_runtime``."""

    feature_min_runtime: float = 30.0
    short_min_runtime: float = 5.0
    min_resolution_lines: int = 1080
    preferred_resolution_lines: int = 2160
    lossless_audio: Policy = "preferred"
    appendix: tuple[str, ...] = ("tools", "seeds", "prompts", "checkpoints")
    authorship_proof: Policy = "required"


@dataclass(frozen=True)
class Aggregation:
    """The official result: weighted mean over criteria, then ``jurors`` over jurors."""

    criteria: Literal["weighted_mean"] = "weighted_mean"
    jurors: JurorAggregation = "mean"
    trim: float = 0.1


@dataclass(frozen=True)
class Checks:
    """Thresholds of the checks and the seed of every resampling."""

    agreement_min_alpha: float = 0.667
    residual_cutoff: float = 3.5
    straightline_max_sd: float = 0.5
    p_first_min: float = 0.8
    bootstrap_resamples: int = 1000
    seed: int = 2026
    effect_p_max: float = 0.05
    severity_max: float = 1.0
    halo_min: float = 0.9
    halo_margin: float = 0.2
    out_of_line_max_rho: float = 0.3
    disagreement_z: float = 2.5


@dataclass(frozen=True)
class FestivalConfig:
    name: str
    scale: Scale
    criteria: tuple[Criterion, ...]
    lanes: tuple[Lane, ...]
    participation: Participation
    requirements: Requirements = Requirements()
    aggregation: Aggregation = Aggregation()
    checks: Checks = Checks()
    factions: tuple[str, ...] = ()
    year: int | None = None
    synthetic: bool = False
    #: table -> {export column name -> contract column name}
    column_mapping: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def lane(self, lane_id: str) -> Lane:
        return next(lane for lane in self.lanes if lane.id == lane_id)

    @property
    def lane_ids(self) -> tuple[str, ...]:
        return tuple(lane.id for lane in self.lanes)

    @property
    def criterion_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.criteria)

    @property
    def criterion_weights(self) -> dict[str, float]:
        return {c.id: c.weight for c in self.criteria}

    def criteria_frame(self) -> pd.DataFrame:
        """The criteria as a table: ``id, label, weight, group`` (weights as fractions)."""
        return pd.DataFrame([asdict(c) for c in self.criteria])

    def lanes_frame(self) -> pd.DataFrame:
        """The lanes as a table, with their AI-share bands and honours."""
        return pd.DataFrame([asdict(lane) for lane in self.lanes])


# --- the declarative spec -------------------------------------------------------------


@dataclass(frozen=True)
class Key:
    """One key of a TOML section: its kind, default (``_REQUIRED`` if none) and a rule that
    returns what was expected when the value breaks it, else ``None``."""

    kind: Literal["str", "int", "number", "bool", "str_list", "number_table", "str_table"]
    default: Any = _REQUIRED
    rule: Callable[[Any], str | None] | None = None


def _between(low: float, high: float) -> Callable[[Any], str | None]:
    return lambda v: None if low <= v <= high else f"expected a number from {low:g} to {high:g}"


def _positive(v) -> str | None:
    return None if v > 0 else "expected a number above 0"


def _one_of(*options: str) -> Callable[[Any], str | None]:
    return lambda v: None if v in options else "expected one of " + ", ".join(repr(o) for o in options)


def _identifier(v) -> str | None:
    ok = _ID.match(v) is not None
    return None if ok else "expected an identifier: lower-case letters, digits and _, starting with a letter"


def _non_empty(v) -> str | None:
    return None if v.strip() else "expected a non-empty text"


SPEC: dict[str, dict[str, Key]] = {
    "festival": {
        "name": Key("str", rule=_non_empty),
        "year": Key("int", None),
        "synthetic": Key("bool", False),
    },
    "scale": {
        "min": Key("number"),
        "max": Key("number"),
        "step": Key("number", 1, _positive),
    },
    "criteria[]": {
        "id": Key("str", rule=_identifier),
        "label": Key("str", rule=_non_empty),
        "weight": Key("number", rule=_positive),
        "group": Key("str", ""),
    },
    "lanes[]": {
        "id": Key("str", rule=_identifier),
        "name": Key("str", rule=_non_empty),
        "honour": Key("str", ""),
        "ai_share_min": Key("number", None, _between(0, 100)),
        "ai_share_typical_max": Key("number", None, _between(0, 100)),
        "in_competition": Key("bool", True),
        "allow_under_short": Key("bool", False),
    },
    "participation": {
        "weights": Key("number_table"),
        "disclosure_tolerance": Key("number", Participation.disclosure_tolerance, _between(0, 100)),
        "near_threshold_margin": Key("number", Participation.near_threshold_margin, _between(0, 100)),
    },
    "requirements": {
        "feature_min_runtime": Key("number", Requirements.feature_min_runtime, _positive),
        "short_min_runtime": Key("number", Requirements.short_min_runtime, _positive),
        "min_resolution_lines": Key("int", Requirements.min_resolution_lines, _positive),
        "preferred_resolution_lines": Key("int", Requirements.preferred_resolution_lines, _positive),
        "lossless_audio": Key("str", Requirements.lossless_audio, _one_of("required", "preferred", "ignored")),
        "appendix": Key("str_list", list(Requirements.appendix)),
        "authorship_proof": Key("str", Requirements.authorship_proof, _one_of("required", "preferred", "ignored")),
    },
    "aggregation": {
        "criteria": Key("str", Aggregation.criteria, _one_of("weighted_mean")),
        "jurors": Key("str", Aggregation.jurors, _one_of("mean", "median", "trimmed_mean")),
        "trim": Key("number", Aggregation.trim, lambda v: None if 0 <= v < 0.5 else "expected a fraction from 0 up to (not including) 0.5"),
    },
    "checks": {
        "agreement_min_alpha": Key("number", Checks.agreement_min_alpha, _between(-1, 1)),
        "residual_cutoff": Key("number", Checks.residual_cutoff, _positive),
        "straightline_max_sd": Key("number", Checks.straightline_max_sd, lambda v: None if v >= 0 else "expected a number of at least 0"),
        "p_first_min": Key("number", Checks.p_first_min, _between(0, 1)),
        "bootstrap_resamples": Key("int", Checks.bootstrap_resamples, lambda v: None if v >= 100 else "expected a whole number of at least 100"),
        "seed": Key("int", Checks.seed, lambda v: None if v >= 0 else "expected a whole number of at least 0"),
        "effect_p_max": Key("number", Checks.effect_p_max, _between(0, 1)),
        "severity_max": Key("number", Checks.severity_max, _positive),
        "halo_min": Key("number", Checks.halo_min, _between(-1, 1)),
        "halo_margin": Key("number", Checks.halo_margin, _between(0, 2)),
        "out_of_line_max_rho": Key("number", Checks.out_of_line_max_rho, _between(-1, 1)),
        "disagreement_z": Key("number", Checks.disagreement_z, _positive),
    },
    "jury": {
        "factions": Key("str_list", []),
    },
}
REQUIRED_SECTIONS = ("festival", "scale", "criteria", "lanes", "participation")
OPTIONAL_SECTIONS = ("requirements", "aggregation", "checks", "jury", "columns")
KINDS = {
    "str": "a text in quotes",
    "int": "a whole number",
    "number": "a number",
    "bool": "true or false",
    "str_list": "a list of texts, e.g. [\"a\", \"b\"]",
    "number_table": "a table of numbers, e.g. { writing = 20, sound = 15 }",
    "str_table": "a table of texts",
}


def _kind_ok(kind: str, value: Any) -> bool:
    if kind == "str":
        return isinstance(value, str)
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "str_list":
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if kind == "number_table":
        return isinstance(value, dict) and all(_kind_ok("number", v) for v in value.values())
    return isinstance(value, dict) and all(isinstance(v, str) for v in value.values())


def _read_section(raw: Any, where: str, spec: dict[str, Key], log: ProblemLog) -> dict | None:
    """Check one section against its spec; return its values with defaults filled in,
    or ``None`` when the section itself is not a table. Problems go to ``log``."""
    if not isinstance(raw, dict):
        log.add(CONFIG_FILE, None, where, _show(raw), "expected a table ([section] or { ... })")
        return None
    values: dict[str, Any] = {}
    for name in raw.keys() - spec.keys():
        allowed = ", ".join(sorted(spec))
        log.add(CONFIG_FILE, None, f"{where}.{name}", None, f"unknown key; the keys of [{where.split('[')[0]}] are: {allowed}")
    for name, key in spec.items():
        path = f"{where}.{name}"
        if name not in raw:
            if key.default is _REQUIRED:
                log.add(CONFIG_FILE, None, path, None, f"this key is missing; expected {KINDS[key.kind]}")
            values[name] = None if key.default is _REQUIRED else key.default
            continue
        value = raw[name]
        if not _kind_ok(key.kind, value):
            log.add(CONFIG_FILE, None, path, _show(value), f"expected {KINDS[key.kind]}")
            values[name] = None
            continue
        broken = key.rule(value) if key.rule is not None and value is not None else None
        if broken:
            log.add(CONFIG_FILE, None, path, _show(value), broken)
            values[name] = None
            continue
        values[name] = value
    return values


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value) if isinstance(value, str) else str(value)


def _normalised_weights(raw: Mapping[str, float], where: str, log: ProblemLog) -> dict[str, float] | None:
    """Weights must sum to 1, or to 100 when written as percentages; returned as fractions."""
    total = sum(raw.values())
    if any(w <= 0 for w in raw.values()):
        return None  # already reported by the per-key rule, or reported here for tables
    for scale in (1.0, 100.0):
        if math.isclose(total, scale, rel_tol=0, abs_tol=1e-6 * scale):
            return {k: v / scale for k, v in raw.items()}
    log.add(CONFIG_FILE, None, where, f"{total:g}", "expected weights that sum to 1 (or to 100 when written as percentages)")
    return None


def _read_list(raw: Any, name: str, spec: dict[str, Key], log: ProblemLog) -> list[dict]:
    if not isinstance(raw, list) or not raw or not all(isinstance(item, dict) for item in raw):
        log.add(CONFIG_FILE, None, name, None if raw is None else _show(raw), f"expected at least one [[{name}]] table")
        return []
    items = [_read_section(item, f"{name}[{i + 1}]", spec, log) for i, item in enumerate(raw)]
    ids = [item["id"] for item in items if item and item.get("id")]
    for dup in sorted({i for i in ids if ids.count(i) > 1}):
        log.add(CONFIG_FILE, None, f"{name}.id", dup, f"expected each {name[:-1] if name != 'criteria' else 'criterion'} id once; this id appears {ids.count(dup)} times")
    return [item for item in items if item is not None]


def parse_config(text: str, log: ProblemLog) -> FestivalConfig | None:
    """Parse and validate ``festival.toml`` text. Problems go to ``log``; the config is
    returned only when there were none."""
    before = len(log)
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line = re.search(r"at line (\d+)", str(error))
        log.add(CONFIG_FILE, int(line.group(1)) if line else None, None, None,
                f"this is not valid TOML ({error}); check quotes, brackets and '=' on that line")
        return None

    for name in raw.keys() - set(REQUIRED_SECTIONS) - set(OPTIONAL_SECTIONS):
        log.add(CONFIG_FILE, None, name, None,
                "unknown section; the sections are: " + ", ".join(REQUIRED_SECTIONS + OPTIONAL_SECTIONS))
    for name in REQUIRED_SECTIONS:
        if name not in raw:
            log.add(CONFIG_FILE, None, name, None, f"the section [{name}] is missing" + (
                f"; add at least one [[{name}]] table" if name in ("criteria", "lanes") else ""))

    sections = {name: _read_section(raw.get(name, {}), name, SPEC[name], log)
                for name in ("festival", "scale", "participation", "requirements", "aggregation", "checks", "jury")
                if name in raw or name not in REQUIRED_SECTIONS}
    criteria = _read_list(raw.get("criteria"), "criteria", SPEC["criteria[]"], log) if "criteria" in raw else []
    lanes = _read_list(raw.get("lanes"), "lanes", SPEC["lanes[]"], log) if "lanes" in raw else []

    scale = sections.get("scale")
    if scale and None not in (scale["min"], scale["max"], scale["step"]):
        if scale["min"] >= scale["max"]:
            log.add(CONFIG_FILE, None, "scale", f"min = {scale['min']:g}, max = {scale['max']:g}", "expected min below max")
        else:
            steps = (scale["max"] - scale["min"]) / scale["step"]
            if not math.isclose(steps, round(steps), abs_tol=1e-9):
                log.add(CONFIG_FILE, None, "scale.step", f"{scale['step']:g}",
                        f"expected a step that divides the range {scale['min']:g} to {scale['max']:g} into whole steps")

    criterion_weights = None
    if criteria and all(c["weight"] is not None for c in criteria):
        criterion_weights = _normalised_weights({c["id"]: c["weight"] for c in criteria}, "criteria.weight", log)

    for i, lane in enumerate(lanes):
        low, high = lane["ai_share_min"], lane["ai_share_typical_max"]
        if low is not None and high is not None and low > high:
            log.add(CONFIG_FILE, None, f"lanes[{i + 1}]", f"ai_share_min = {low:g}, ai_share_typical_max = {high:g}",
                    "expected ai_share_min at or below ai_share_typical_max")

    participation = sections.get("participation")
    dimension_weights = None
    if participation and participation["weights"] is not None:
        weights = participation["weights"]
        if not weights:
            log.add(CONFIG_FILE, None, "participation.weights", "{}", "expected at least one dimension")
        for dim, w in weights.items():
            if _ID.match(dim) is None:
                log.add(CONFIG_FILE, None, f"participation.weights.{dim}", None, _identifier(dim))
            if w <= 0:
                log.add(CONFIG_FILE, None, f"participation.weights.{dim}", f"{w:g}", "expected a number above 0")
        if weights:
            dimension_weights = _normalised_weights(weights, "participation.weights", log)

    requirements = sections.get("requirements")
    if requirements:
        short, feature = requirements["short_min_runtime"], requirements["feature_min_runtime"]
        if short is not None and feature is not None and short >= feature:
            log.add(CONFIG_FILE, None, "requirements", f"short_min_runtime = {short:g}, feature_min_runtime = {feature:g}",
                    "expected the shortest short to run less than the feature threshold")
        low, high = requirements["min_resolution_lines"], requirements["preferred_resolution_lines"]
        if low is not None and high is not None and low > high:
            log.add(CONFIG_FILE, None, "requirements", f"min_resolution_lines = {low}, preferred_resolution_lines = {high}",
                    "expected the minimum resolution at or below the preferred one")
        for part in requirements["appendix"] or []:
            if _ID.match(part) is None:
                log.add(CONFIG_FILE, None, "requirements.appendix", part, _identifier(part))

    column_mapping = _read_column_mapping(raw.get("columns", {}), log)

    if len(log) > before:
        return None
    festival = sections["festival"]
    return FestivalConfig(
        name=festival["name"],
        year=festival["year"],
        synthetic=festival["synthetic"],
        scale=Scale(float(scale["min"]), float(scale["max"]), float(scale["step"])),
        criteria=tuple(Criterion(c["id"], c["label"], criterion_weights[c["id"]], c["group"]) for c in criteria),
        lanes=tuple(Lane(**{k: (float(v) if k.startswith("ai_share") and v is not None else v) for k, v in lane.items()})
                    for lane in lanes),
        participation=Participation(
            MappingProxyType(dimension_weights),
            float(participation["disclosure_tolerance"]),
            float(participation["near_threshold_margin"]),
        ),
        requirements=Requirements(**{**requirements, "appendix": tuple(requirements["appendix"]),
                                     "feature_min_runtime": float(requirements["feature_min_runtime"]),
                                     "short_min_runtime": float(requirements["short_min_runtime"])}),
        aggregation=Aggregation(**{**sections["aggregation"], "trim": float(sections["aggregation"]["trim"])}),
        checks=Checks(**{k: (float(v) if isinstance(Checks.__dataclass_fields__[k].default, float) else v)
                         for k, v in sections["checks"].items()}),
        factions=tuple(sections["jury"]["factions"]),
        column_mapping=MappingProxyType(column_mapping),
    )


def _read_column_mapping(raw: Any, log: ProblemLog) -> dict[str, dict[str, str]]:
    """``[columns.<table>]`` maps contract names to export names: ``juror_id = "Judge ID"``.
    Returned inverted, export name -> contract name, per table. Table and column names
    are checked against the schema when the tables are read."""
    if not isinstance(raw, dict):
        log.add(CONFIG_FILE, None, "columns", _show(raw), "expected [columns.<table>] tables")
        return {}
    mapping: dict[str, dict[str, str]] = {}
    for table, pairs in raw.items():
        if not _kind_ok("str_table", pairs):
            log.add(CONFIG_FILE, None, f"columns.{table}", None,
                    'expected contract column = "export column" pairs, e.g. juror_id = "Judge ID"')
            continue
        exports = list(pairs.values())
        for dup in sorted({e for e in exports if exports.count(e) > 1}):
            log.add(CONFIG_FILE, None, f"columns.{table}", dup, "expected each export column to map to one contract column")
        mapping[table] = {export: contract for contract, export in pairs.items()}
    return mapping
